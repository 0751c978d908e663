"""What long computations need of a progress bar, so solvers can report progress without
knowing how it is drawn (``negsim.present.terminal.progress`` draws one on standard error)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Protocol, TypeVar

T = TypeVar("T")


class ProgressBar(Protocol):
    """A bar that moves one step at a time and is closed once the work ends."""

    def advance(self) -> None: ...

    def close(self) -> None: ...


ProgressFactory = Callable[[int], ProgressBar]
"""Makes a progress bar from the number of steps the work takes."""


def advancing(items: Iterable[T], total: int, progress: ProgressFactory | None) -> Iterator[T]:
    """``items``, advancing a progress bar of ``total`` steps after each when ``progress``
    makes one, and closing it at the end (also on an error)."""
    bar = None if progress is None else progress(total)
    try:
        for item in items:
            yield item
            if bar is not None:
                bar.advance()
    finally:
        if bar is not None:
            bar.close()
