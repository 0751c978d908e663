"""The instructor's live debrief and the role sheets the classroom server hands out
(``docs/classroom.md``)."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from negsim.analysis.records import Analysis
    from negsim.studies.classroom_state import Classroom

__all__ = ["LiveDebrief", "role_sheets"]


class LiveDebrief:
    """The instructor's live debrief: ``negsim debrief``'s chart of the finished pairs'
    deals against the frontier, the Nash and Kalai-Smorodinsky points, the equilibrium and
    the walk-away values, drawn from the same CSV the export gives, and drawn again only
    when a result changes."""

    def __init__(self, classroom: Classroom) -> None:
        self.classroom = classroom
        self.lock = threading.Lock()
        self.analysis: Analysis | None = None
        self.results: str | None = None
        self.drawn: bytes | None = None

    def svg(self) -> bytes | None:
        """The chart as SVG, or None while no pair has finished."""
        from negsim.analysis.pipeline import analyze
        from negsim.format.class_results import read_csv_text
        from negsim.present.charts.debrief import debrief_figure
        from negsim.present.charts.style import chart_style, figure_bytes
        from negsim.studies.debrief import debrief

        results = self.classroom.agreements_csv()
        with self.lock:
            if results == self.results:
                return self.drawn
            deals, skipped = read_csv_text(self.classroom.scenario, results, "classroom")
            drawn = None
            if deals:
                if self.analysis is None:
                    self.analysis = analyze(self.classroom.space)
                with chart_style("classroom"):
                    record = debrief(self.analysis, deals, skipped)
                    drawn = figure_bytes(debrief_figure(record), "svg")
            self.results, self.drawn = results, drawn
            return drawn


def role_sheets(classroom: Classroom) -> dict[str, str]:
    """Each party's confidential role sheet (``negsim handout``'s) as an HTML fragment."""
    from negsim.present.handout import role_sheet
    from negsim.present.report.html import html_report

    def no_figure(figure: object) -> bytes:
        raise ValueError("a role sheet has no charts")

    out: dict[str, str] = {}
    for party in classroom.scenario.party_names:
        text = html_report(role_sheet(classroom.scenario, party), no_figure)
        body = text.partition("<body>")[2].rpartition("</body>")[0]
        out[party] = body.replace("<nav>", '<nav hidden="">', 1)
    return out
