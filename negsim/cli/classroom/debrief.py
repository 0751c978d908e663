"""The instructor's live debrief and the role sheets the classroom server hands out
(``docs/classroom.md``)."""

from __future__ import annotations

import threading
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from negsim.analysis.records import Analysis
    from negsim.studies.classroom_state import Classroom

__all__ = ["LiveDebrief", "role_sheets"]


class LiveDebrief:
    """The instructor's live debrief: ``negsim debrief``'s chart of the finished pairs'
    deals against the frontier, the Nash and Kalai-Smorodinsky points, the equilibrium and
    the walk-away values, drawn from the same CSV the export gives, and drawn again only
    when a result changes.

    With ``apart`` (the server does), the chart is drawn in a worker process, so that the
    second or so of drawing never holds up the students' requests; the worker loads the
    scenario from the class's file and keeps its analysis. :meth:`close` stops it.
    """

    def __init__(self, classroom: Classroom, *, apart: bool = False) -> None:
        self.classroom = classroom
        self.apart = apart
        self.lock = threading.Lock()
        self.analysis: Analysis | None = None
        self.results: str | None = None
        self.drawn: bytes | None = None
        self.pool: ProcessPoolExecutor | None = None

    def svg(self) -> bytes | None:
        """The chart as SVG, or None while no pair has finished."""
        results = self.classroom.agreements_csv()
        if results.count("\n") <= 1:  # the header alone: nothing to draw
            return None
        with self.lock:
            if results == self.results:
                return self.drawn
            if self.apart:
                if self.pool is None:
                    self.pool = ProcessPoolExecutor(1, mp_context=get_context("spawn"))
                drawn = self.pool.submit(draw_debrief, self.classroom.file, results).result()
            else:
                if self.analysis is None:
                    from negsim.analysis.pipeline import analyze

                    self.analysis = analyze(self.classroom.space)
                drawn = debrief_svg(self.analysis, results)
            self.results, self.drawn = results, drawn
            return drawn

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)
            self.pool = None


def debrief_svg(analysis: Analysis, results: str) -> bytes | None:
    """The debrief chart (classroom style, SVG) of the CSV ``results``; None without a
    scored pair."""
    from negsim.format.class_results import read_csv_text
    from negsim.present.charts.debrief import debrief_figure
    from negsim.present.charts.style import chart_style, figure_bytes
    from negsim.studies.debrief import debrief

    deals, skipped = read_csv_text(analysis.space.scenario, results, "classroom")
    if not deals:
        return None
    with chart_style("classroom"):
        return figure_bytes(debrief_figure(debrief(analysis, deals, skipped)), "svg")


_ANALYSES: dict[str, Analysis] = {}


def draw_debrief(file: str, results: str) -> bytes | None:
    """:func:`debrief_svg` in a worker process: the scenario ``file`` (a path or a bundled
    name) loaded and analysed once."""
    if file not in _ANALYSES:
        from negsim.analysis.merged import outcome_space
        from negsim.analysis.pipeline import analyze
        from negsim.api import load

        _ANALYSES[file] = analyze(outcome_space(load(file)))
    return debrief_svg(_ANALYSES[file], results)


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
