"""The debrief as one self-contained HTML page (``negsim debrief -o OUT.html``), set by the
report's writer (:func:`negsim.present.report.html.html_report`): the finding, the chart as
inline SVG, the ranked pairs, the reference points and the rows left out. Every text, pair
names from a CSV included, is escaped by the writer."""

from __future__ import annotations

from negsim.present.charts.debrief import debrief_figure
from negsim.present.charts.style import figure_bytes
from negsim.present.debrief_words import finding
from negsim.present.report.html import html_report
from negsim.present.report.model import Figure, Paragraph, Report, Section, from_rich, table_of
from negsim.present.terminal.debrief import ranking_notes, ranking_table, reference_table
from negsim.studies.debrief import Debrief

__all__ = ["debrief_page", "debrief_report"]


def debrief_report(debrief: Debrief) -> Report:
    """The page's content: a section for the chart, the ranking, the reference points and
    (when any) the rows left out."""
    two = len(debrief.parties) == 2
    chart = Figure(
        "debrief",
        debrief_figure(debrief),
        (
            "The pairs' deals, each side's points on one axis"
            if two
            else "The groups' deals, one column of points per party"
        )
        + f": {finding(debrief)}.",
    )
    sections = [
        Section(
            "chart", "The deals on the frontier" if two else "The deals, party by party", (chart,)
        ),
        Section(
            "ranking",
            "The pairs, ranked",
            tuple(from_rich([ranking_table(debrief, None), ranking_notes(debrief)])),
        ),
        Section("reference", "Reference points", tuple(from_rich([reference_table(debrief)]))),
    ]
    if debrief.skipped:
        rows = [(skipped.source, skipped.pair, skipped.reason) for skipped in debrief.skipped]
        sections.append(
            Section(
                "skipped",
                "Rows left out",
                (
                    Paragraph("These rows could not be scored; correct them and run again."),
                    table_of(("where", "pair", "why"), rows),
                ),
            )
        )
    return Report(
        title=f"Debrief: {debrief.scenario}",
        subtitle=(f"{finding(debrief)}.",),
        sections=tuple(sections),
    )


def debrief_page(debrief: Debrief) -> str:
    """The page as HTML text (draw within :func:`~negsim.present.charts.style.chart_style`
    for a chart style other than the default)."""
    return html_report(debrief_report(debrief), lambda figure: figure_bytes(figure.figure, "svg"))
