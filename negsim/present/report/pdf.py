"""The report as PDF with Matplotlib's PDF backend (:func:`pdf_report`): A4 pages, a title
page with the contents, each section from a new page, text set in DejaVu Sans and wrapped
to the measured width of its words, tables with their header repeated on each page they
run to, and the charts at full width.

Matplotlib is already what draws the charts, so the PDF needs nothing more: no browser, no
system libraries (WeasyPrint needs Pango), no extra package. The bytes are the same for the
same report: no creation date, creator or producer in the metadata.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure as MplFigure
from matplotlib.font_manager import FontProperties
from matplotlib.lines import Line2D
from matplotlib.textpath import TextToPath

from negsim.present.report.model import Block, Figure, Paragraph, Report, Table

__all__ = ["PAGE", "pdf_report"]

PAGE = (8.27, 11.69)
"""A4, in inches."""
MARGIN = 0.75
TOP = 0.8
BOTTOM = 0.85
WIDTH = PAGE[0] - 2 * MARGIN
BODY, SMALL, TABLE, HEADING, TITLE = 9.5, 8.0, 7.5, 15.0, 22.0
GREY = "#444444"
RULE = "#b0b0b0"
LEADING = 1.38
"""Line height, in multiples of the font size."""

_PATHS = TextToPath()


@lru_cache(maxsize=20_000)
def _width(text: str, size: float, bold: bool) -> float:
    """The width of ``text`` in inches at ``size`` points."""
    prop = FontProperties(family="DejaVu Sans", size=size, weight="bold" if bold else "normal")
    width, _, _ = _PATHS.get_text_width_height_descent(text, prop, ismath=False)
    return width / 72.0


def wrap(text: str, size: float, width: float, bold: bool = False) -> list[str]:
    """``text`` in lines no wider than ``width`` inches (a word longer than the width is
    cut); its own line breaks kept."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split():
            while _width(word, size, bold) > width and len(word) > 1:
                cut = len(word) - 1
                while cut > 1 and _width(word[:cut], size, bold) > width:
                    cut -= 1
                if line:
                    lines.append(line)
                    line = ""
                lines.append(word[:cut])
                word = word[cut:]
            candidate = f"{line} {word}" if line else word
            if line and _width(candidate, size, bold) > width:
                lines.append(line)
                line = word
            else:
                line = candidate
        lines.append(line)
    return lines


@dataclass
class _Pages:
    """The page being set and the ones done: ``y`` is the distance from the page's top
    to the next line, in inches."""

    pdf: PdfPages
    footer: str
    figure: MplFigure | None = None
    y: float = TOP
    count: int = 0

    def new(self) -> None:
        self.finish()
        self.figure = MplFigure(figsize=PAGE)
        self.y = TOP
        self.count += 1

    def finish(self) -> None:
        if self.figure is None:
            return
        self.text(PAGE[1] - BOTTOM / 2, MARGIN, f"{self.footer} · page {self.count}",
                  SMALL, colour=GREY)  # fmt: skip
        self.pdf.savefig(self.figure)
        self.figure = None

    @property
    def room(self) -> float:
        return PAGE[1] - BOTTOM - self.y

    def need(self, height: float) -> None:
        if self.figure is None or height > self.room:
            self.new()

    def text(self, y: float, x: float, text: str, size: float, bold: bool = False,
             colour: str = "#1a1a1a") -> None:  # fmt: skip
        assert self.figure is not None
        self.figure.text(x / PAGE[0], 1 - y / PAGE[1], text, fontsize=size, va="top",
                         ha="left", color=colour, fontweight="bold" if bold else "normal",
                         family="DejaVu Sans", parse_math=False)  # fmt: skip

    def lines(self, lines: list[str], size: float, bold: bool = False, colour: str = "#1a1a1a",
              indent: float = 0.0) -> None:  # fmt: skip
        step = size * LEADING / 72.0
        for line in lines:
            self.need(step)
            self.text(self.y, MARGIN + indent, line, size, bold, colour)
            self.y += step

    def rule(self, y: float, colour: str = RULE) -> None:
        assert self.figure is not None
        self.figure.add_artist(
            Line2D(
                [MARGIN / PAGE[0], 1 - MARGIN / PAGE[0]],
                [1 - y / PAGE[1]] * 2,
                color=colour,
                linewidth=0.6,
            )
        )


def _paragraph(pages: _Pages, block: Paragraph) -> None:
    if block.heading:
        pages.need(4 * BODY * LEADING / 72.0)
        pages.y += 0.12
        pages.lines(wrap(block.text, BODY + 2, WIDTH, True), BODY + 2, bold=True)
    else:
        size = SMALL if block.note else BODY
        pages.lines(wrap(block.text, size, WIDTH), size, colour=GREY if block.note else "#1a1a1a")
    pages.y += 0.09


def _column_widths(table: Table) -> list[float]:
    """Each column's width in inches: its widest line when they all fit; else each gets at
    least its longest word, and the rest of the width in proportion to what it lacks."""
    count = max([len(table.header), *(len(row) for row in table.rows)])
    natural, least = [0.3] * count, [0.3] * count
    for row in (table.header, *table.rows):
        bold = row is table.header
        for k, cell in enumerate(row):
            for line in cell.split("\n"):
                natural[k] = max(natural[k], _width(line, TABLE, bold) + 0.12)
                for word in line.split():
                    least[k] = max(least[k], min(_width(word, TABLE, bold) + 0.12, WIDTH / 3))
    if sum(natural) <= WIDTH:
        return natural
    spare = max(WIDTH - sum(least), 0.0)
    lacking = sum(n - m for n, m in zip(natural, least, strict=True)) or 1.0
    return [m + (n - m) / lacking * spare for n, m in zip(natural, least, strict=True)]


def _row(pages: _Pages, cells: tuple[str, ...], widths: list[float], bold: bool) -> None:
    wrapped = [
        wrap(cell, TABLE, width - 0.1, bold) for cell, width in zip(cells, widths, strict=False)
    ]
    step = TABLE * LEADING / 72.0
    height = max(len(lines) for lines in wrapped) * step + 0.06
    x = MARGIN
    for lines, width in zip(wrapped, widths, strict=False):
        for k, line in enumerate(lines):
            pages.text(pages.y + 0.03 + k * step, x + 0.04, line, TABLE, bold)
        x += width
    pages.y += height
    pages.rule(pages.y - 0.01)


def _table(pages: _Pages, table: Table) -> None:
    """Long because a table sets its title, header, rows (its header again on each new
    page) and caption, each measured before it is placed."""
    widths = _column_widths(table)
    step = TABLE * LEADING / 72.0
    header = table.header if any(table.header) else ()
    pages.need(step * 6)
    if table.title:
        pages.lines(wrap(table.title, BODY, WIDTH, True), BODY, bold=True)
    if header:
        _row(pages, header, widths, True)
    for row in table.rows:
        lines = max(len(wrap(cell, TABLE, w - 0.1)) for cell, w in zip(row, widths, strict=False))
        if lines * step + 0.06 > pages.room:
            pages.new()
            if header:
                _row(pages, header, widths, True)
        _row(pages, row, widths, False)
    if table.caption:
        pages.y += 0.04
        pages.lines(wrap(table.caption, SMALL, WIDTH), SMALL, colour=GREY)
    pages.y += 0.14


def _figure(pages: _Pages, block: Figure, png: Callable[[Figure], bytes]) -> None:
    from matplotlib.image import imread

    image = imread(io.BytesIO(png(block)), format="png")
    height_px, width_px = image.shape[:2]
    width = WIDTH
    height = width * height_px / width_px
    full = PAGE[1] - TOP - BOTTOM
    if height > full:
        width, height = width * full / height, full
    pages.need(height + 0.1)
    assert pages.figure is not None
    ax = pages.figure.add_axes(
        (MARGIN / PAGE[0], 1 - (pages.y + height) / PAGE[1], width / PAGE[0], height / PAGE[1])
    )
    ax.imshow(image, interpolation="antialiased")
    ax.set_axis_off()
    pages.y += height + 0.2


def _title_page(pages: _Pages, report: Report) -> None:
    pages.new()
    pages.y = 2.2
    pages.lines(wrap(report.title, TITLE, WIDTH, True), TITLE, bold=True)
    pages.y += 0.25
    for line in report.subtitle:
        pages.lines(wrap(line, BODY + 1, WIDTH), BODY + 1, colour=GREY)
    pages.y += 0.5
    pages.lines(["Contents"], BODY + 3, bold=True)
    pages.y += 0.08
    for k, section in enumerate(report.sections, start=1):
        pages.lines([f"{k}.  {section.heading}"], BODY + 1)


def _block(pages: _Pages, block: Block, png: Callable[[Figure], bytes]) -> None:
    if isinstance(block, Paragraph):
        _paragraph(pages, block)
    elif isinstance(block, Table):
        _table(pages, block)
    else:
        _figure(pages, block, png)


def pdf_report(report: Report, png: Callable[[Figure], bytes]) -> tuple[bytes, int]:
    """The report as PDF bytes and its number of pages; ``png(figure)`` gives each chart's
    PNG bytes (placed at full width, 150 dots per inch or more reads well in print)."""
    buffer = io.BytesIO()
    metadata = {"Creator": None, "Producer": None, "CreationDate": None, "Title": report.title}
    with PdfPages(buffer, metadata=metadata) as pdf:  # type: ignore[arg-type]
        pages = _Pages(pdf, report.title)
        _title_page(pages, report)
        for k, section in enumerate(report.sections, start=1):
            pages.new()
            pages.lines(wrap(f"{k}. {section.heading}", HEADING, WIDTH, True), HEADING,
                        bold=True)  # fmt: skip
            pages.rule(pages.y + 0.02, colour="#0072B2")
            pages.y += 0.2
            for block in section.blocks:
                _block(pages, block, png)
        pages.finish()
    return buffer.getvalue(), pages.count
