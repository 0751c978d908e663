"""The pieces of a teaching note: numbered sections of paragraphs, lists and small tables.

A section holds text only, never markup: every string, the scenario's names and labels as
much as the note's own words, is escaped by the renderer of each format
(:mod:`negsim.present.explain.render`), so a label such as ``<b>*x*</b>`` prints as
written. ``Strong`` marks a key term; that is all the emphasis there is.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

__all__ = ["Block", "Bullets", "Inline", "Paragraph", "Section", "Strong", "Table", "para"]


@dataclass(frozen=True, slots=True)
class Strong:
    """A key term, in bold."""

    text: str


Inline = str | Strong
"""A run of text in a paragraph: plain, or a key term."""


@dataclass(frozen=True, slots=True)
class Paragraph:
    parts: tuple[Inline, ...]

    @property
    def text(self) -> str:
        """The paragraph as plain text (what a reader sees)."""
        return "".join(part if isinstance(part, str) else part.text for part in self.parts)


@dataclass(frozen=True, slots=True)
class Bullets:
    """A list, one paragraph an item."""

    items: tuple[Paragraph, ...]


@dataclass(frozen=True, slots=True)
class Table:
    """A small table: a header row and rows of cells (text), numbers right-aligned in
    columns ``numeric_from`` to ``numeric_to`` (exclusive; None: to the last)."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    numeric_from: int = 1
    numeric_to: int | None = None

    def numeric(self, column: int) -> bool:
        end = len(self.header) if self.numeric_to is None else self.numeric_to
        return self.numeric_from <= column < end


Block = Paragraph | Bullets | Table


@dataclass(frozen=True)
class Section:
    """One numbered step of the walk: its ``title``, its ``blocks`` in order, and the
    ``values`` it quotes, by name (``"disagreement.us"``, ``"nash.u.us"``, ...), exactly as
    the records hold them, so that a test can check the text against ``negsim solve``."""

    key: str
    title: str
    blocks: tuple[Block, ...]
    values: Mapping[str, float] = field(default_factory=dict)
    number: int = 0

    @property
    def text(self) -> str:
        """Every block as plain text, one line each (for tests and searches)."""
        lines = []
        for block in self.blocks:
            if isinstance(block, Paragraph):
                lines.append(block.text)
            elif isinstance(block, Bullets):
                lines.extend(item.text for item in block.items)
            else:
                lines.extend(" | ".join(row) for row in (block.header, *block.rows))
        return "\n".join(lines)


def para(*parts: Inline) -> Paragraph:
    """A paragraph of runs; empty strings are dropped."""
    return Paragraph(tuple(part for part in parts if part))
