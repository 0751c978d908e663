"""What ``negsim solve --format table`` prints: rich renderables of an :class:`Analysis`.

Every number comes from the :class:`~negsim.analysis.records.Analysis` record; this module
only arranges and words them (with :mod:`negsim.present.words`, shared with the charts).
The equilibrium and screening blocks are in :mod:`.equilibrium` and :mod:`.screening`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from negsim.analysis.records import (
    SOLUTION_LABELS,
    SOLUTION_NAMES,
    Analysis,
    HullPoint,
    Solution,
)
from negsim.present.terminal.cells import utility_cell
from negsim.present.terminal.equilibrium import equilibrium_renderables
from negsim.present.terminal.screening import screening_renderables
from negsim.present.words import (
    TOLERANCE,
    count_text,
    join_words,
    no_zopa_reason,
    package_terms,
    party_label,
    percent,
    short_number,
    solution_groups,
    terms_text,
    utility_text,
)

__all__ = ["PARETO_ROWS", "solve_renderables"]

PARETO_ROWS = 10
"""How many Pareto-optimal packages the table shows (evenly spaced along the frontier)."""


# --------------------------------------------------------------------------------------------
# Sections


def _names(names: Sequence[str]) -> str:
    return join_words([SOLUTION_LABELS[name] for name in names])


def _header(analysis: Analysis) -> Text:
    scenario = analysis.space.scenario
    text = Text()
    text.append(scenario.name, style="bold")
    parties = ", ".join(
        party.name if party.label == party.name else f"{party.name} ({party.label})"
        for party in scenario.parties
    )
    text.append(f"\nparties: {parties}")
    text.append(f"\nfile: {scenario.source}", style="dim")
    return text


def _space_table(analysis: Analysis) -> Table:
    counts = analysis.counts
    table = Table(title="Outcome space", title_justify="left", show_header=False)
    table.add_column("key", style="bold")
    table.add_column("count", justify="right")
    table.add_column("meaning", style="dim")
    excluded = counts.packages - counts.feasible
    table.add_row(
        "packages", count_text(counts.packages), "every combination of the issues' levels"
    )
    table.add_row(
        "feasible",
        count_text(counts.feasible),
        f"{count_text(excluded)} excluded by constraints" if excluded else "no constraints bind",
    )
    if counts.individually_rational is None:
        table.add_row(
            "individually rational",
            "not counted",
            "counting them would need every package; the space was merged, not enumerated",
        )
    else:
        table.add_row(
            "individually rational",
            f"{counts.individually_rational:,}",
            "at least as good as disagreement for every party",
        )
    table.add_row(
        "Pareto-optimal",
        f"{counts.pareto:,}",
        "no feasible package is better for all"
        + (" (exact, merged block by block of issues)" if counts.merged else ""),
    )
    table.add_row(
        "both",
        f"{counts.pareto_individually_rational:,}",
        "Pareto-optimal and individually rational",
    )
    return table


def _parties_table(analysis: Analysis) -> Table:
    table = Table(title="Parties", title_justify="left")
    table.add_column("")
    for name in analysis.party_names:
        table.add_column(Text(name), justify="right")
    table.add_row(
        Text("disagreement (expected)", style="bold"),
        *(utility_text(v) for v in analysis.disagreement),
    )
    if analysis.ideal is not None:
        table.add_row(
            Text("ideal (best acceptable package)", style="bold"),
            *(utility_text(v) for v in analysis.ideal),
        )
    if analysis.ranges is not None:
        table.add_row(
            Text("bargaining range (frontier)", style="bold"),
            *(f"{utility_text(low)} to {utility_text(high)}" for low, high in analysis.ranges),
        )
    return table


def _indifference(analysis: Analysis) -> str:
    """A sentence when some party's utility is the same for every feasible package."""
    utilities = analysis.space.utilities
    flat = [i for i in range(utilities.shape[0]) if np.ptp(utilities[i]) <= TOLERANCE]
    if not flat:
        return ""
    if len(flat) == utilities.shape[0]:
        count = utilities.shape[1]
        if count == 1:
            return "There is a single feasible package."
        return (
            f"Every party values all {count:,} feasible packages the same: any of them is an "
            "equally good agreement, and the solutions report the first in enumeration order."
        )
    return " ".join(
        f"{party_label(analysis, i)} "
        f"is indifferent among the packages (utility {short_number(utilities[i, 0])} for every "
        "one): the others' preferences decide."
        for i in flat
    )


def _zopa_text(analysis: Analysis) -> Text:
    text = Text()
    text.append("Zone of possible agreement: ", style="bold")
    if analysis.zopa:
        rational = analysis.counts.individually_rational
        text.append("yes", style="bold green")
        text.append(". Some packages give every party more than it expects from disagreement")
        if rational is None:
            both = analysis.counts.pareto_individually_rational
            text.append(
                f"; {both:,} Pareto-optimal package{'s are' if both != 1 else ' is'} at least "
                "as good as disagreement for all."
            )
        else:
            text.append(
                f"; {rational:,} package{'s are' if rational != 1 else ' is'} at least as good "
                "as disagreement for all."
            )
    elif analysis.zopa_with_lotteries:
        text.append("none for single packages", style="bold red")
        text.append(f": {no_zopa_reason(analysis)}.")
    else:
        text.append("none", style="bold red")
        text.append(f": {no_zopa_reason(analysis)}. ")
        text.append(
            "No bargaining solution exists: any agreement would leave someone worse off "
            "than walking away."
        )
    text.append("\nWith lotteries: ", style="bold")
    if analysis.zopa_with_lotteries:
        text.append("yes", style="bold green")
        text.append(
            ". Some lottery over the packages gives every party more than disagreement"
            + ("." if analysis.zopa else "; the solutions below are lotteries only.")
        )
    else:
        text.append("none", style="bold red")
        text.append(". No lottery over the packages gives every party more either.")
    indifference = _indifference(analysis)
    if indifference:
        text.append("\n" + indifference)
    return text


def _split_terms(
    packages: Sequence[Sequence[tuple[str, str]]],
) -> tuple[list[int], list[tuple[str, str]]]:
    """Issue indices on which the packages differ, and the terms they all share."""
    if not packages:
        return [], []
    count = len(packages[0])
    common = [k for k in range(count) if len({package[k][1] for package in packages}) == 1]
    differing = [k for k in range(count) if k not in common]
    return differing, [packages[0][k] for k in common]


def _package_table(
    analysis: Analysis,
    title: str,
    first: str,
    rows: Sequence[tuple[str, int]],
    shared_note: str,
) -> Table:
    """A table with one package a row: ``first`` column, each party's utility (gain over
    disagreement), then the package on the issues where the rows differ; the issues they
    share go in the caption."""
    space = analysis.space
    packages = [package_terms(space, space.package(position)) for _, position in rows]
    differing, shared = _split_terms(packages)
    if len(rows) == 1:
        differing, shared = list(range(len(packages[0]))), []
    notes = []
    if shared:
        notes.append(f"{shared_note} " + terms_text(shared, ", "))
    table = Table(
        title=title,
        title_justify="left",
        caption="; ".join(["utility (gain over disagreement)", *notes]),
        caption_justify="left",
    )
    table.add_column(first, no_wrap=True)
    for name in analysis.party_names:
        table.add_column(Text(name), justify="right")
    if differing:
        table.add_column("package", overflow="fold")
    utilities = space.utilities
    for (label, position), package in zip(rows, packages, strict=True):
        cells: list[RenderableType] = [
            utility_cell(analysis, utilities[:, position], i)
            for i in range(len(analysis.party_names))
        ]
        if differing:
            cells.append(Text(terms_text([package[k] for k in differing])))
        table.add_row(Text(label, style="bold"), *cells)
    return table


def _solutions_table(analysis: Analysis, solutions: list[Solution]) -> Table | None:
    """The solutions' best single packages; None when they have none (no zone of
    agreement without lotteries)."""
    rows = [(SOLUTION_LABELS[s.name], s.position) for s in solutions if s.position is not None]
    if not rows:
        return None
    every = {2: "both", 3: "all three", 4: "all four"}.get(len(rows), "all")
    return _package_table(
        analysis,
        "Bargaining solutions: the best single package by each criterion",
        "solution",
        rows,
        f"{every} have",
    )


def _relative(
    base: Sequence[tuple[str, str]], package: Sequence[tuple[str, str]]
) -> list[tuple[str, str]]:
    return [term for term, reference in zip(package, base, strict=True) if term != reference]


def _mix_lines(analysis: Analysis, solution: Solution, point: HullPoint) -> list[str]:
    """How a hull ``point`` of the solution (its hull point or the refinement) is reached:
    the packages of its lottery, each told as its difference from the solution's best
    single package (in full without one), with its probability."""
    space = analysis.space
    mix = [member for member in point.mix if member.weight > TOLERANCE]
    if solution.position is None:  # no single package: each member in full
        return [
            f"{percent(member.weight)}: "
            + terms_text(package_terms(space, space.package(member.position)), ", ")
            for member in mix
        ]
    if len(mix) == 1 and mix[0].position == solution.position and not point.weakly_pareto:
        return ["no lottery needed: the single package above is on the hull frontier"]
    base = package_terms(space, space.package(solution.position))
    lines = []
    for member in mix:
        changes = _relative(base, package_terms(space, space.package(member.position)))
        what = (
            "the package above"
            if not changes
            else "the package above with " + terms_text(changes, ", ")
        )
        lines.append(f"{percent(member.weight)}: {what}")
    if point.package is not None and len(mix) > 1:
        changes = _relative(base, package_terms(space, point.package))
        if changes:
            # free disposal: the lottery may give more than the point, so name the lottery
            whose = "the lottery's" if point.weakly_pareto else "same"
            lines.append(f"{whose} utilities as the package above with {terms_text(changes, ', ')}")
    return lines


def _hull_table(analysis: Analysis, solutions: list[Solution]) -> Table:
    table = Table(
        title="With lotteries: the same criteria on the convex hull of the packages",
        title_justify="left",
        caption="a lottery agrees on each package with the given probability",
        caption_justify="left",
        show_lines=True,
    )
    table.add_column("solution", style="bold", no_wrap=True)
    table.add_column("utilities (gain over disagreement) and lottery", overflow="fold")
    for solution in solutions:
        text = _utilities_line(analysis, solution.hull.utilities)
        for line in _mix_lines(analysis, solution, solution.hull):
            text.append("\n" + line)
        refined = solution.hull.refined
        if solution.hull.weakly_pareto and refined is not None:
            text.append(
                "\nonly weakly Pareto-optimal (free disposal: the lottery gives at least "
                "these utilities, and some lottery gives a party more at no one's cost); "
                "leximin refinement (Imai 1983):\n",
                style="italic",
            )
            text.append_text(_utilities_line(analysis, refined.utilities))
            for line in _mix_lines(analysis, solution, refined):
                text.append("\n" + line)
        table.add_row(Text(SOLUTION_LABELS[solution.name]), text)
    return table


def _utilities_line(analysis: Analysis, utilities: np.ndarray) -> Text:
    """Each party's utility (gain over disagreement) on one line."""
    text = Text()
    for i, name in enumerate(analysis.party_names):
        if i:
            text.append("   ")
        text.append(f"{name} ")
        text.append_text(utility_cell(analysis, utilities, i))
    return text


def _spaced(count: int, rows: int) -> list[int]:
    """``rows`` indices evenly spaced over ``0..count-1``, both ends included."""
    if count <= rows:
        return list(range(count))
    return sorted({round(k * (count - 1) / (rows - 1)) for k in range(rows)})


def _pareto_table(analysis: Analysis) -> Table | None:
    pareto = analysis.pareto
    count = int(pareto.size)
    if count == 0:
        return None
    shown = _spaced(count, PARETO_ROWS)
    order = "" if count == 1 else f", by {analysis.party_names[0]} utility, highest first"
    title = f"Pareto-optimal packages no party finds worse than disagreement: {count:,}{order}"
    table = _package_table(
        analysis,
        title,
        "#",
        [(str(k + 1), int(pareto[k])) for k in shown],
        "all shown have",
    )
    if count > len(shown):
        table.caption = (
            f"showing {len(shown)} of {count:,}, evenly spaced along the frontier "
            f"({count - len(shown):,} more in --format json); {table.caption}"
        )
    return table


def _generic_block(title: str, record: Any) -> RenderableType:
    """A plain key/value table for a result block without a dedicated layout."""
    data = record.to_dict() if hasattr(record, "to_dict") else record
    table = Table(title=title, title_justify="left", show_header=False)
    table.add_column("key", style="bold")
    table.add_column("value", overflow="fold")
    if isinstance(data, Mapping):
        for key, value in data.items():
            if isinstance(value, (str, int, float, bool)) or value is None:
                table.add_row(Text(str(key)), Text(str(value)))
    return table


def solve_renderables(analysis: Analysis) -> list[RenderableType]:
    """The renderables of ``negsim solve --format table``, in order.

    The outcome space counts; each party's disagreement, ideal and bargaining range; whether
    there is a zone of possible agreement (and, if not, why, with the numbers), with single
    packages and with lotteries; the bargaining solutions as packages with their utilities
    and gains over disagreement; the same solutions with lotteries (points of the convex
    hull, with their mix, and the leximin refinement of a weakly Pareto-optimal
    Kalai–Smorodinsky or egalitarian point); a short,
    evenly spaced list of the Pareto-optimal packages; the equilibrium of the protocol
    (:func:`equilibrium_renderables`).
    """
    parts: list[RenderableType] = [
        _header(analysis),
        _space_table(analysis),
        _parties_table(analysis),
        _zopa_text(analysis),
    ]
    solutions = [
        solution
        for name in SOLUTION_NAMES
        if (solution := analysis.solutions.get(name)) is not None
    ]
    if solutions:
        groups = [group for group in solution_groups(analysis) if len(group) > 1]
        table = _solutions_table(analysis, solutions)
        if table is not None and groups:
            agree = "; ".join(f"{_names(group)} pick the same package" for group in groups)
            parts.append(Group(table, Text(agree + ".", style="italic")))
        elif table is not None:
            parts.append(table)
        parts.append(_hull_table(analysis, solutions))
    pareto = _pareto_table(analysis)
    if pareto is not None:
        parts.append(pareto)
    if analysis.equilibrium is not None:
        parts.extend(equilibrium_renderables(analysis))
    if analysis.screening is not None:
        parts.extend(screening_renderables(analysis.screening))
    return parts
