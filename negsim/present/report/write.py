"""The report's files in a folder (:func:`write_report`): ``report.html``, ``report.pdf``,
``report.md`` with ``charts/NAME.png`` beside it, and ``data.json`` (the analysis, as
``negsim solve --format json`` prints it). Each chart is drawn once, as SVG for the HTML
and PNG for the Markdown and the PDF; the same report gives the same bytes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from negsim.present.report.model import Figure, Report

__all__ = ["PNG_DPI", "REPORT_FILES", "report_files", "write_report"]

REPORT_FILES = ("report.html", "report.pdf", "report.md", "data.json")
"""The report's own files (its charts are ``charts/*.png``)."""
PNG_DPI = 150


class _Charts:
    """Each figure's SVG and PNG bytes, made once."""

    def __init__(self) -> None:
        self.made: dict[tuple[str, str], bytes] = {}

    def bytes(self, figure: Figure, file_format: str) -> bytes:
        from negsim.present.charts.style import figure_bytes

        key = (figure.name, file_format)
        if key not in self.made:
            dpi = PNG_DPI if file_format == "png" else 72
            self.made[key] = figure_bytes(figure.figure, file_format, dpi=dpi)
        return self.made[key]


def report_files(report: Report) -> list[str]:
    """The files a report writes, relative to its folder."""
    return [*REPORT_FILES, *(f"charts/{figure.name}.png" for figure in report.figures)]


def write_report(
    report: Report, data_json: str, folder: Path, step: Callable[[str], None] | None = None
) -> tuple[list[Path], int]:
    """Write the report into ``folder`` (made if missing; the report's files replaced);
    ``step(what)`` is told of each stage. Returns the files written, the main ones first,
    and the PDF's number of pages."""
    from negsim.present.report.html import html_report
    from negsim.present.report.markdown import CHARTS, markdown_report
    from negsim.present.report.pdf import pdf_report

    tell = step or (lambda what: None)
    charts = _Charts()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / CHARTS).mkdir(exist_ok=True)
    written: list[Path] = []
    for k, figure in enumerate(report.figures, start=1):
        tell(f"drawing chart {k} of {len(report.figures)}: {figure.name}")
        path = folder / CHARTS / f"{figure.name}.png"
        path.write_bytes(charts.bytes(figure, "png"))
        charts.bytes(figure, "svg")
        written.append(path)
    tell("writing report.html")
    html = html_report(report, lambda figure: charts.bytes(figure, "svg"))
    (folder / "report.html").write_text(html, encoding="utf-8")
    tell("writing report.md")
    (folder / "report.md").write_text(markdown_report(report), encoding="utf-8")
    tell("writing report.pdf")
    pdf, pages = pdf_report(report, lambda figure: charts.bytes(figure, "png"))
    (folder / "report.pdf").write_bytes(pdf)
    (folder / "data.json").write_text(data_json, encoding="utf-8")
    main = [folder / name for name in REPORT_FILES]
    return [*main, *written], pages
