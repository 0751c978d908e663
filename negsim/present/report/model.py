"""The report as data: sections of headings, paragraphs, tables and figures, which the
HTML, Markdown and PDF writers each set in their own way.

Text here is plain (never markup): each writer escapes it for its format. Tables and
paragraphs of the terminal (rich renderables of :mod:`negsim.present.terminal`) become
blocks with :func:`from_rich`, so the report says what ``negsim solve`` says, in the same
words.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.figure import Figure as MplFigure

__all__ = [
    "Block",
    "Figure",
    "Paragraph",
    "Report",
    "Section",
    "Table",
    "from_rich",
]


@dataclass(frozen=True, slots=True)
class Paragraph:
    """A paragraph of plain text; ``note`` for a smaller, grey aside; ``heading`` for a
    sub-heading."""

    text: str
    note: bool = False
    heading: bool = False


@dataclass(frozen=True, slots=True)
class Table:
    """A table: ``header`` cells (may be empty strings), ``rows`` of plain-text cells (a
    cell may hold line breaks), a ``title`` above and a ``caption`` below."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    title: str = ""
    caption: str = ""


@dataclass(frozen=True, eq=False)
class Figure:
    """A chart: ``name`` (the file name of its PNG, without suffix), the matplotlib
    ``figure`` and a ``caption`` (its alternative text in HTML and Markdown)."""

    name: str
    figure: MplFigure
    caption: str


Block = Paragraph | Table | Figure


@dataclass(frozen=True, slots=True)
class Section:
    """A section: ``key`` (an HTML id), ``heading`` and its blocks in order."""

    key: str
    heading: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True, slots=True)
class Report:
    """The whole report: a ``title``, the ``subtitle`` lines under it, and its sections."""

    title: str
    subtitle: tuple[str, ...]
    sections: tuple[Section, ...]
    files: dict[str, str] = field(default_factory=dict)
    """Names of the report's companion files (``data.json``), shown where it says so."""

    @property
    def figures(self) -> list[Figure]:
        return [block for s in self.sections for block in s.blocks if isinstance(block, Figure)]


# --------------------------------------------------------------------------------------------
# Rich renderables as blocks


def _plain(renderable: Any) -> str:
    """The text of a rich cell or title: a Text's plain text, a string with its markup read
    as rich reads it, a group's parts one per line."""
    from rich.console import Group
    from rich.errors import MarkupError
    from rich.text import Text

    if renderable is None:
        return ""
    if isinstance(renderable, Text):
        return renderable.plain
    if isinstance(renderable, str):
        try:
            return Text.from_markup(renderable).plain
        except MarkupError:
            return renderable
    if isinstance(renderable, Group):
        return "\n".join(_plain(part) for part in renderable.renderables)
    return str(renderable)


def _table(table: Any) -> Table:
    """A rich Table as a :class:`Table` (its cells read column by column)."""
    columns = list(table.columns)
    cells = [[_plain(cell) for cell in column._cells] for column in columns]
    count = max((len(column) for column in cells), default=0)
    rows = tuple(
        tuple(column[k] if k < len(column) else "" for column in cells) for k in range(count)
    )
    header = tuple(_plain(column.header) for column in columns) if table.show_header else ()
    return Table(header, rows, _plain(table.title), _plain(table.caption))


def from_rich(renderables: Iterable[Any]) -> list[Block]:
    """Blocks from rich renderables: a Table as a table, text as paragraphs (split at
    blank lines; a bold first line alone is a sub-heading), a group part by part."""
    from rich.console import Group
    from rich.table import Table as RichTable

    blocks: list[Block] = []
    for renderable in renderables:
        if isinstance(renderable, RichTable):
            blocks.append(_table(renderable))
        elif isinstance(renderable, Group):
            blocks.extend(from_rich(renderable.renderables))
        else:
            for piece in _plain(renderable).split("\n\n"):
                if piece.strip():
                    blocks.append(Paragraph(piece.strip()))
    return blocks


def table_of(header: Sequence[str], rows: Iterable[Sequence[str]], **text: str) -> Table:
    """A :class:`Table` from any sequences."""
    return Table(tuple(header), tuple(tuple(row) for row in rows), **text)
