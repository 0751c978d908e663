"""The report's sections, in the order a reader needs them (:func:`build_report`):

1. the scenario at a glance: parties, issues, what each side wants, disagreement lotteries;
2. the zone of possible agreement and the frontier chart;
3. the solutions side by side in issue terms, with a who-gets-what chart per issue;
4. the protocol's equilibrium and what the deadline does to it;
5. screening and simulation, when the scenario has private information or agents;
6. sensitivity: which assumption moves the outcome most;
7. a sweep's chart, when one is given;
8. the assumptions and sources: the scenario's own tagged comments as a table.

Every number comes from the records in :class:`ReportInputs` (the analysis, the
sensitivity result, the deadline curve, the simulation); tables and sentences are the
terminal's (:mod:`negsim.present.terminal`) and the charts' findings, so the report says
what the commands say.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from negsim.analysis.records import Analysis
from negsim.format.comments import TAGS, TaggedComment
from negsim.present.report.model import (
    Block,
    Figure,
    Paragraph,
    Report,
    Section,
    Table,
    from_rich,
    table_of,
)
from negsim.present.words import join_words, plain_words, utility_text
from negsim.version import __version__

if TYPE_CHECKING:
    from negsim.studies.curves import DeadlineCurve
    from negsim.studies.sensitivity import SensitivityResult
    from negsim.studies.simulate import SimulationResult
    from negsim.studies.sweep_table import SweepTable

__all__ = ["SECTION_HEADINGS", "ReportInputs", "build_report", "value_text"]

SECTION_HEADINGS = {
    "glance": "The scenario at a glance",
    "zopa": "The zone of possible agreement",
    "solutions": "Who gets what: the solutions side by side",
    "equilibrium": "The protocol's equilibrium and the deadline",
    "uncertainty": "Private information and simulated negotiators",
    "sensitivity": "Sensitivity: which assumptions move the outcome",
    "sweep": "A sweep of parameters",
    "assumptions": "Assumptions and sources",
}
"""Each section's heading, in report order (a section without content is left out)."""


@dataclass(frozen=True, eq=False)
class ReportInputs:
    """What a report is made of: the ``analysis`` (``negsim solve``), the one-at-a-time
    ``sensitivity`` at its defaults, the ``deadline`` curve, the ``simulation`` of the
    scenario's agents (None without a ``simulation`` block), the file's tagged
    ``comments``, and optionally a ``sweep`` table with its folder's name."""

    analysis: Analysis
    sensitivity: SensitivityResult | None = None
    deadline: DeadlineCurve | None = None
    simulation: SimulationResult | None = None
    comments: Sequence[TaggedComment] = ()
    sweep: SweepTable | None = None
    sweep_name: str = ""


def value_text(value: Any, limit: int = 90) -> str:
    """A value of the scenario file in one line: mappings as ``key: value``, lists in
    brackets, cut at ``limit`` characters."""
    if isinstance(value, dict):
        text = ", ".join(f"{key}: {value_text(item, limit)}" for key, item in value.items())
    elif isinstance(value, list):
        text = "[" + ", ".join(value_text(item, limit) for item in value) + "]"
    elif isinstance(value, float):
        text = f"{value:.6g}"
    else:
        text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --------------------------------------------------------------------------------------------
# Sections


def _glance(inputs: ReportInputs) -> list[Block]:
    from negsim.present.terminal.show import describe

    analysis = inputs.analysis
    scenario = analysis.space.scenario
    blocks: list[Block] = []
    if scenario.description:
        blocks.append(Paragraph(" ".join(scenario.description.split())))
    parties = [f"{party.label} ({party.name})" for party in scenario.parties]
    issues = [issue.label for issue in scenario.issues]
    blocks.append(
        Paragraph(
            f"{len(parties)} parties, {join_words(parties)}, negotiate over {len(issues)} "
            f"issue{'s' if len(issues) != 1 else ''}: {'; '.join(issues)}."
        )
    )
    for party in scenario.parties:
        weights = sorted(party.weights.items(), key=lambda item: -item[1])
        top = [f"{plain_words(name)} (weight {weight:.3g})" for name, weight in weights[:2]
               if weight > 0]  # fmt: skip
        if top and len(scenario.issues) > 1:
            blocks.append(Paragraph(f"{party.label} cares most about {join_words(top)}."))
    for block in from_rich(describe(scenario, analysis.counts.feasible)[1:]):
        if isinstance(block, Table):  # the memory row depends on this machine: left out
            rows = tuple(row for row in block.rows if not (row and row[0] == "memory"))
            block = Table(block.header, rows, block.title, block.caption)
        blocks.append(block)
    return blocks


def _solve_parts(analysis: Analysis) -> tuple[list[Any], dict[str, Any]]:
    """The opening renderables of ``negsim solve`` (space, parties, zone of agreement)
    and its later tables by the start of their title."""
    from rich.console import Group

    from negsim.present.terminal.solve import solve_renderables

    parts = solve_renderables(analysis)
    titled: dict[str, Any] = {}
    for part in parts[4:]:
        table = part.renderables[0] if isinstance(part, Group) else part
        title = str(getattr(table, "title", "") or "")
        for prefix in ("Bargaining solutions", "With lotteries", "Pareto-optimal"):
            if title.startswith(prefix):
                titled[prefix] = part
    return parts[1:4], titled


def _row_utilities(analysis: Analysis) -> dict[str, Any]:
    """Each column's utilities: a solution's best single package (its hull point without
    one), the equilibrium's agreement."""
    columns: dict[str, Any] = {}
    for name, solution in analysis.solutions.items():
        if solution is None:
            continue
        columns[name] = (
            solution.utilities if solution.utilities is not None else solution.hull.utilities
        )
    columns["equilibrium"] = analysis.equilibrium.utilities
    return columns


def _side_by_side(analysis: Analysis) -> Block:
    """Issues down, solutions and the equilibrium across, in words; each party's utility
    below."""
    from negsim.analysis.records import expected_package
    from negsim.present.charts.terms import terms_rows
    from negsim.present.words import format_level, percent

    rows = terms_rows(analysis)
    scenario = analysis.space.scenario
    body = []
    for issue in scenario.issues:
        cells = [issue.label]
        for row in rows:
            package = expected_package(analysis.space, row.mix)
            if package is None:
                cells.append("no agreement")
                continue
            words = plain_words(format_level(analysis.space, issue.name, package[issue.name]))
            if len(row.mix) > 1 and len({str(analysis.space.package(m.position)[issue.name])
                                         for m in row.mix}) > 1:  # fmt: skip
                words += f" (lottery; most likely, {percent(max(m.weight for m in row.mix))})"
            cells.append(words)
        body.append(cells)
    utilities = _row_utilities(analysis)
    for k, party in enumerate(scenario.parties):
        cells = [f"{party.label}: utility"]
        for row in rows:
            vector = utilities.get(row.key)
            cells.append("—" if vector is None else utility_text(float(vector[k])))
        body.append(cells)
    return table_of(
        ["", *(row.label for row in rows)],
        body,
        title="The terms of each solution and of the equilibrium",
        caption="Solutions: the best single package by each criterion (a lottery where only "
        "lotteries give every party a gain); equilibrium: the protocol's agreement. "
        "Utilities on each party's 0-1 scale; disagreement gives "
        + join_words([f"{p.label} {utility_text(float(d))}"
                      for p, d in zip(scenario.parties, analysis.disagreement, strict=True)])
        + ".",
    )  # fmt: skip


def _zopa(inputs: ReportInputs) -> list[Block]:
    from negsim.present.charts.frontier import finding, frontier_figure

    analysis = inputs.analysis
    opening, titled = _solve_parts(analysis)
    blocks = from_rich(opening)
    blocks.append(Figure("frontier", frontier_figure(analysis), finding(analysis)))
    if "Pareto-optimal" in titled:
        blocks.extend(from_rich([titled["Pareto-optimal"]]))
    return blocks


def _solutions(inputs: ReportInputs) -> list[Block]:
    from negsim.present.charts.terms import terms_figure, terms_finding

    analysis = inputs.analysis
    _, titled = _solve_parts(analysis)
    blocks: list[Block] = [
        Paragraph(
            'Four classic answers to "what is a fair deal?" (the Nash, Kalai–Smorodinsky, '
            "egalitarian and utilitarian solutions) beside what the protocol's equilibrium "
            "predicts, issue by issue."
        ),
        _side_by_side(analysis),
    ]
    for name in analysis.space.scenario.issue_names:
        blocks.append(
            Figure(f"terms-{name}", terms_figure(analysis, name), terms_finding(analysis, name))
        )
    for prefix in ("Bargaining solutions", "With lotteries"):
        if prefix in titled:
            blocks.extend(from_rich([titled[prefix]]))
    return blocks


def _equilibrium(inputs: ReportInputs) -> list[Block]:
    from negsim.present.terminal.equilibrium import equilibrium_renderables

    blocks = from_rich(equilibrium_renderables(inputs.analysis))
    if inputs.deadline is not None:
        from negsim.present.charts.curves import deadline_figure, deadline_finding

        finding = deadline_finding(inputs.deadline)
        blocks.append(Paragraph("What the deadline does", heading=True))
        blocks.append(Paragraph(finding + "."))
        blocks.append(Figure("deadline", deadline_figure(inputs.deadline), finding))
    return blocks


def _uncertainty(inputs: ReportInputs) -> list[Block]:
    screening = inputs.analysis.screening
    blocks: list[Block] = []
    if screening is not None:
        from negsim.present.charts.screening import screening_figure, screening_finding
        from negsim.present.terminal.screening import screening_renderables

        finding = screening_finding(screening)
        blocks.append(Paragraph("Screening: offers against private information", heading=True))
        blocks.append(Paragraph(finding + "."))
        blocks.append(Figure("screening", screening_figure(screening), finding))
        blocks.extend(from_rich(screening_renderables(screening)))
    if inputs.simulation is not None:
        from negsim.present.charts.simulation import agreements_figure, agreements_finding
        from negsim.present.terminal.simulate import simulation_renderables

        result = inputs.simulation
        finding = agreements_finding(result, result.round_label)
        blocks.append(Paragraph("Simulated negotiators", heading=True))
        blocks.append(
            Paragraph(f"{result.runs:,} simulated negotiations with seed {result.seed}: "
                      f"{finding}.")
        )  # fmt: skip
        blocks.append(Figure("agreements", agreements_figure(result, result.round_label),
                             finding))  # fmt: skip
        blocks.extend(from_rich(simulation_renderables(result)))
    return blocks


def _sensitivity(inputs: ReportInputs) -> list[Block]:
    result = inputs.sensitivity
    if result is None:
        return []
    from negsim.present.charts.tornado import tornado_figure, tornado_finding
    from negsim.present.terminal.sensitivity import sensitivity_renderables

    metric = result.metrics[0] if result.metrics else None
    finding = tornado_finding(result, metric=metric)
    return [
        Paragraph(f"{finding}."),
        Figure("sensitivity", tornado_figure(result), finding),
        *from_rich(sensitivity_renderables(result)[1:]),
    ]


def _sweep(inputs: ReportInputs) -> list[Block]:
    if inputs.sweep is None:
        return []
    from negsim.present.charts.sweep import sweep_figure

    figure = sweep_figure(inputs.sweep)
    title = figure.get_suptitle() or (figure.axes[0].get_title() if figure.axes else "")
    return [
        Paragraph(f"The sweep in {inputs.sweep_name or 'the given folder'}: "
                  f"{len(inputs.sweep.rows):,} points."),
        Figure("sweep", figure, " ".join(title.split()) or "The sweep"),
    ]  # fmt: skip


def _assumptions(inputs: ReportInputs) -> list[Block]:
    scenario = inputs.analysis.space.scenario
    comments = sorted(inputs.comments, key=lambda c: (TAGS.index(c.tag), c.line))
    counts = {tag: sum(c.tag == tag for c in comments) for tag in TAGS}
    blocks: list[Block] = []
    if comments:
        blocks.append(
            Paragraph(
                f"The scenario file marks {counts['reported']} value"
                f"{'s' if counts['reported'] != 1 else ''} as reported and "
                f"{counts['assumption']} as assumptions (its comments, tagged "
                '"reported:" or "assumption:"). Assumptions are modelling choices: '
                "the sensitivity section shows which of them matter."
            )
        )
        blocks.append(
            table_of(
                ["tag", "where in the file", "value", "note"],
                ([c.tag, f"{c.path.replace('.', ' › ')} (line {c.line})", value_text(c.value),
                  c.note or "—"]
                 for c in comments),
                title="Values the scenario marks as reported or assumed",
            )
        )  # fmt: skip
    else:
        blocks.append(
            Paragraph(
                "The scenario file tags none of its values as reported or as an assumption "
                '(end-of-line comments starting "reported:" or "assumption:").'
            )
        )
    if scenario.sources:
        blocks.append(table_of(["source"], ([s] for s in scenario.sources), title="Sources"))
    notes = list(inputs.analysis.warnings)
    blocks.extend(Paragraph(f"Warning: {warning}", note=True) for warning in notes)
    return blocks


_BUILDERS = {
    "glance": _glance,
    "zopa": _zopa,
    "solutions": _solutions,
    "equilibrium": _equilibrium,
    "uncertainty": _uncertainty,
    "sensitivity": _sensitivity,
    "sweep": _sweep,
    "assumptions": _assumptions,
}


def build_report(inputs: ReportInputs) -> Report:
    """The report of ``inputs``: every section that has something to say, in order."""
    scenario = inputs.analysis.space.scenario
    sections = []
    for key, heading in SECTION_HEADINGS.items():
        blocks = _BUILDERS[key](inputs)
        if blocks:
            sections.append(Section(key, heading, tuple(blocks)))
    subtitle = (
        f"A negotiation analysis of the scenario file {Path(scenario.source).name}",
        f"Made with negsim {__version__}; the numbers are in data.json beside this report "
        "(the output of negsim solve --format json).",
    )
    return Report(scenario.name, subtitle, tuple(sections))
