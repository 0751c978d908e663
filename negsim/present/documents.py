"""The tables of ``solve``, ``simulate`` and ``sensitivity`` as text for documents:
Markdown, CSV or LaTeX (``--format markdown|csv|latex``, ``docs/tables.md``).

The terminal's rich renderables are read, not laid out again (:func:`blocks`): each rich
``Table`` becomes a :class:`DocumentTable` (its title, column headers and alignment, cells as
plain text, caption), each ``Text`` a :class:`Paragraph`, and a ``Group`` its parts, so every
table the terminal prints comes out, with the same numbers. A column with no header whose
cells are only bars (the histogram of ``simulate``) is drawing, and left out. Then a writer
turns the blocks into one format (:func:`markdown`, :func:`csv_text`, :func:`latex`). The
output never depends on the terminal's width and holds no colour codes and no box lines.

Plain strings in the rich tables are taken as written (the terminal modules put no markup
in them); a cell's line breaks are kept, each format in its own way.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

__all__ = [
    "DOCUMENT_FORMATS",
    "DocumentTable",
    "Paragraph",
    "blocks",
    "csv_text",
    "document",
    "latex",
    "markdown",
]

DOCUMENT_FORMATS = ("markdown", "csv", "latex")


@dataclass(frozen=True)
class DocumentTable:
    """A table as plain text: ``headers`` is None where the terminal shows no header row
    (key and value lists); ``align`` holds ``left``, ``right`` or ``center`` per column;
    ``ruled`` when the terminal draws a line between rows (rows of several lines)."""

    title: str
    headers: tuple[str, ...] | None
    align: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    caption: str = ""
    ruled: bool = False


@dataclass(frozen=True)
class Paragraph:
    """Text between tables, as its lines."""

    lines: tuple[str, ...]


Block = DocumentTable | Paragraph

BARS = re.compile(r"[\u2580-\u259f\s]*")
"""Block elements (``█``): the bars of a histogram drawn in text."""


def _plain(value: Any) -> str:
    """A title, header or cell as plain text (``Text.plain``, or the string as written)."""
    if value is None:
        return ""
    plain = getattr(value, "plain", None)
    return plain if isinstance(plain, str) else str(value)


def _is_drawing(header: str, cells: list[str]) -> bool:
    return not header.strip() and bool(cells) and all(BARS.fullmatch(cell) for cell in cells)


def _table(table: Any) -> DocumentTable:
    """A rich ``Table`` read column by column, without its drawing-only columns."""
    columns = []
    for column in table.columns:
        cells = [_plain(cell) for cell in column.cells]
        header = _plain(column.header)
        if not _is_drawing(header, cells):
            columns.append((header, column.justify or "left", cells))
    count = max((len(cells) for _, _, cells in columns), default=0)
    rows = tuple(
        tuple(cells[k] if k < len(cells) else "" for _, _, cells in columns) for k in range(count)
    )
    return DocumentTable(
        title=_plain(table.title),
        headers=tuple(header for header, _, _ in columns) if table.show_header else None,
        align=tuple(align if align in ("right", "center") else "left" for _, align, _ in columns),
        rows=rows,
        caption=_plain(table.caption),
        ruled=bool(table.show_lines),
    )


def blocks(renderables: Iterable[object]) -> list[Block]:
    """The tables and paragraphs of rich renderables, in order (groups flattened; empty
    text, a spacer on the terminal, left out)."""
    from rich.console import Group
    from rich.table import Table

    found: list[Block] = []
    for renderable in renderables:
        if isinstance(renderable, Group):
            found.extend(blocks(renderable.renderables))
        elif isinstance(renderable, Table):
            found.append(_table(renderable))
        else:
            lines = tuple(line for line in _plain(renderable).splitlines() if line.strip())
            if lines:
                found.append(Paragraph(lines))
    return found


def document(renderables: Iterable[object], output_format: str) -> str:
    """The renderables as a Markdown, CSV or LaTeX document (:data:`DOCUMENT_FORMATS`)."""
    writers = {"markdown": markdown, "csv": csv_text, "latex": latex}
    if output_format not in writers:
        raise ValueError(f"unknown document format {output_format!r}")
    return writers[output_format](blocks(renderables))


# --------------------------------------------------------------------------------------------
# Markdown: GitHub-flavoured pipe tables


MARKDOWN_SPECIALS = re.compile(r"([\\`*\[\]|~^$]|<(?=[A-Za-z/!?])|&(?=#?[0-9A-Za-z]+;))")
"""Punctuation Markdown would read as markup: emphasis, code, links, table cells,
strikethrough, superscript, mathematics, a ``<`` that starts an HTML tag and an ``&`` that starts an
entity."""
LONE_UNDERSCORE = re.compile(r"(?<![0-9A-Za-z])_|_(?![0-9A-Za-z])")
"""An underscore that may open or close emphasis (one inside a word, as in
``deal_probability``, cannot)."""
LINE_START = re.compile(r"^([#+=>-]|\d+[.)])")
"""What would make a line a heading, a list item, a quotation or a heading's underline."""


def markdown_inline(text: str) -> str:
    """Text that Markdown shows as written: its punctuation escaped, on one line."""
    text = MARKDOWN_SPECIALS.sub(r"\\\1", text)
    return LONE_UNDERSCORE.sub(r"\\_", text)


def _markdown_line(text: str) -> str:
    """A line of a paragraph: inline escapes, and no heading, list or code block start."""
    escaped = markdown_inline(text.strip())
    return LINE_START.sub(lambda m: m.group(1)[:-1] + "\\" + m.group(1)[-1], escaped)


def _markdown_heading(text: str) -> str:
    """A title on one line, with no ``#`` that could close the heading and no ``{`` that
    could start its attributes."""
    return re.sub(r"([#{}])", r"\\\1", markdown_inline(" ".join(text.split())))


def _markdown_cell(text: str) -> str:
    return "<br>".join(markdown_inline(line.strip()) for line in text.split("\n"))


def _markdown_paragraph(lines: Iterable[str]) -> str:
    """Lines of one paragraph, each ending in a hard line break (a backslash) but the last."""
    return " \\\n".join(_markdown_line(line) for line in lines)


def _markdown_table(table: DocumentTable) -> list[str]:
    out = []
    if table.title:
        out += ["### " + _markdown_heading(table.title), ""]
    headers = table.headers or ("",) * len(table.align)
    rule = {"left": "---", "right": "---:", "center": ":---:"}
    out.append("| " + " | ".join(_markdown_cell(header) for header in headers) + " |")
    out.append("| " + " | ".join(rule[align] for align in table.align) + " |")
    out += ["| " + " | ".join(_markdown_cell(cell) for cell in row) + " |" for row in table.rows]
    if table.caption:
        out += ["", _markdown_paragraph(table.caption.splitlines())]
    return out


def markdown(found: list[Block]) -> str:
    """Pipe tables, each under a ``###`` heading (its title) with its caption as a paragraph
    below; text between tables as paragraphs. Line breaks in a cell are ``<br>``."""
    parts = []
    for block in found:
        if isinstance(block, Paragraph):
            parts.append(_markdown_paragraph(block.lines))
        else:
            parts.append("\n".join(_markdown_table(block)))
    return "\n\n".join(parts) + "\n"


# --------------------------------------------------------------------------------------------
# CSV: one block per table, separated by an empty line


def csv_text(found: list[Block]) -> str:
    """Each table as a block: its title as a one-cell row starting with ``# ``, its header
    row (none for a key and value list), its rows, then its caption as a one-cell ``# ``
    row; an empty line between blocks. Text between tables: one-cell ``# `` rows. Cells
    are quoted as RFC 4180 says (the csv module), line breaks in a cell kept."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for index, block in enumerate(found):
        if index:
            buffer.write("\n")
        if isinstance(block, Paragraph):
            writer.writerows([f"# {line.strip()}"] for line in block.lines)
            continue
        if block.title:
            writer.writerow([f"# {' '.join(block.title.split())}"])
        if block.headers is not None:
            writer.writerow(block.headers)
        writer.writerows(block.rows)
        if block.caption:
            writer.writerow([f"# {' '.join(block.caption.split())}"])
    return buffer.getvalue()


# --------------------------------------------------------------------------------------------
# LaTeX: booktabs tabulars in table floats

LATEX_SPECIALS = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    "<": r"\textless{}",
    ">": r"\textgreater{}",
    "|": r"\textbar{}",
    "[": "{[}",
    "]": "{]}",
    "–": "--",
    "—": "---",
    "±": r"\textpm{}",
    "×": r"\texttimes{}",
    "≤": r"$\leq$",
    "≥": r"$\geq$",
    "→": r"$\rightarrow$",
    "…": r"\dots{}",
}
"""What each character becomes in LaTeX: the specials escaped, ``<``, ``>`` and ``|``
as text symbols (whatever the font encoding), brackets braced (a row or rule never takes
them for its optional argument), and the few symbols negsim's words use."""
LATEX_CHARACTERS = re.compile("|".join(re.escape(key) for key in LATEX_SPECIALS))
WIDE = 40
"""A column with a cell longer than this many characters wraps (a ``p`` column)."""
WIDE_SHARE = 0.6
"""The share of the line the wrapping columns of a table take together."""


def latex_escape(text: str) -> str:
    """Text that LaTeX prints as written."""
    return LATEX_CHARACTERS.sub(lambda match: LATEX_SPECIALS[match.group(0)], text)


def _latex_cell(text: str, wraps: bool) -> str:
    """A cell: its lines joined by ``\\newline`` in a wrapping column, else by a space."""
    lines = [latex_escape(line.strip()) for line in text.split("\n")]
    cell = (r" \newline " if wraps else " ").join(line for line in lines if line)
    return "{*}" + cell[1:] if cell.startswith("*") else cell  # not the star of \\*


def _latex_table(table: DocumentTable) -> list[str]:
    """One ``table`` float: the title as ``\\caption``, a booktabs ``tabular``, and the
    rich caption (notes) in small type below."""
    cells = [table.headers or (), *table.rows]
    wraps = [
        any(len(row[k]) > WIDE for row in cells if k < len(row)) for k in range(len(table.align))
    ]
    width = f"{WIDE_SHARE / max(1, sum(wraps)):.2f}".rstrip("0")
    spec = "".join(
        f"p{{{width}\\linewidth}}" if wrap else align[0]
        for wrap, align in zip(wraps, table.align, strict=True)
    )
    out = [r"\begin{table}[htbp]", r"\centering"]
    if table.title:
        out.append(r"\caption{" + _latex_cell(" ".join(table.title.split()), False) + "}")
    out += [r"\begin{tabular}{" + spec + "}", r"\toprule"]
    if table.headers is not None:
        out.append(" & ".join(_latex_cell(h, False) for h in table.headers) + r" \\")
        out.append(r"\midrule")
    for index, row in enumerate(table.rows):
        if index and table.ruled:
            out.append(r"\addlinespace")
        out.append(" & ".join(_latex_cell(c, w) for c, w in zip(row, wraps, strict=True)) + r" \\")
    out += [r"\bottomrule", r"\end{tabular}"]
    if table.caption:
        note = _latex_cell(table.caption, False)
        out += [r"\par\smallskip", r"{\footnotesize " + note + r"\par}"]
    out.append(r"\end{table}")
    return out


def latex(found: list[Block]) -> str:
    """Each table as a ``table`` float with a booktabs ``tabular`` (``\\usepackage{booktabs}``),
    text between tables as paragraphs; every special character escaped."""
    parts = [r"% negsim tables: needs \usepackage{booktabs}"]
    for block in found:
        if isinstance(block, Paragraph):
            parts.append(" \\newline\n".join(latex_escape(line.strip()) for line in block.lines))
        else:
            parts.append("\n".join(_latex_table(block)))
    return "\n\n".join(parts) + "\n"
