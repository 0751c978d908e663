"""Problems found in a scenario file, reported as ``FILE:LINE:COLUMN: path: message``."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True, order=True)
class Problem:
    """One rule a scenario breaks. ``line`` and ``column`` are 1-based; 0 means unknown
    (a scenario built in memory rather than read from a file)."""

    line: int
    column: int
    path: str
    message: str
    file: str = "<memory>"

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}" if self.line else self.file
        return one_line(f"{where}: {self.path or '(document)'}: {self.message}")


class ScenarioError(Exception):
    """A scenario that breaks one or more rules of the format. ``problems`` is sorted by
    position; ``str(error)`` is one problem per line."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = sorted(problems, key=lambda p: (p.line, p.column, p.path, p.message))
        super().__init__("\n".join(str(p) for p in self.problems))


_CONTROL = {code: f"\\x{code:02x}" for code in (*range(32), *range(127, 160))} | {
    ord("\n"): "\\n",
    ord("\r"): "\\r",
    ord("\t"): "\\t",
    0x2028: "\\u2028",  # line and paragraph separators: line breaks to many readers
    0x2029: "\\u2029",
}


def one_line(text: str) -> str:
    """``text`` with control characters written as escapes (``\\n``, ``\\x1b``, ``\\x85``,
    ``\\u2028``), so a key with a line break in it cannot break the
    one-problem-per-line format."""
    return text.translate(_CONTROL)


def join_path(path: str, key: Any) -> str:
    """``join_path("parties.us", "discount")`` -> ``"parties.us.discount"``; list indices in
    brackets: ``join_path("sources", 2)`` -> ``"sources[2]"``."""
    if isinstance(key, int) and not isinstance(key, bool):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else str(key)


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """``" (did you mean 'discount'?)"`` for a close match among ``choices``, else ``""``."""
    matches = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1, cutoff=0.6)
    return f" (did you mean '{matches[0]}'?)" if matches else ""


def one_of(choices: Iterable[str]) -> str:
    """``"one of a, b, c"`` for messages."""
    names = [str(c) for c in choices]
    return "one of " + ", ".join(names) if names else "none (nothing is defined)"


class MetricError(ValueError):
    """A chart asked for a metric it cannot draw: no such column, options rather than
    numbers, several metrics for a heatmap, too many lines (a usage error, exit status 2)."""
