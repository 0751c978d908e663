"""What ``negsim solve --format table`` prints: rich renderables of an :class:`Analysis`.

Every number comes from the :class:`~negsim.analysis.records.Analysis` record; this module only
arranges and words them. The helpers that turn packages into words
(:func:`package_terms`, :func:`no_zopa_reason`, :func:`solution_groups`) are shared with
:mod:`negsim.present.charts`, so tables and charts say the same thing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from negsim.analysis.records import SOLUTION_LABELS, SOLUTION_NAMES, Analysis, Solution
from negsim.space import OutcomeSpace

__all__ = [
    "PARETO_ROWS",
    "deadline_words",
    "distribution_words",
    "equilibrium_renderables",
    "format_level",
    "mix_words",
    "no_zopa_reason",
    "package_terms",
    "party_label",
    "round_name",
    "round_unit",
    "screening_distribution",
    "screening_last_round_words",
    "screening_offer_terms",
    "screening_renderables",
    "screening_stated_value",
    "solution_groups",
    "solve_renderables",
]

PARETO_ROWS = 10
"""How many Pareto-optimal packages the table shows (evenly spaced along the frontier)."""

TOLERANCE = 1e-9
"""Utilities within this are equal (scenario spec, the payoff convention)."""


# --------------------------------------------------------------------------------------------
# Words for numbers and packages


def _u(value: float) -> str:
    """A utility: three decimals (utilities are mostly on a 0-1 scale)."""
    text = f"{value:.3f}"
    return "0.000" if text == "-0.000" else text


def _gain(value: float) -> str:
    text = f"{value:+.3f}"
    return "+0.000" if text == "-0.000" else text


def _short(value: float) -> str:
    """A number in a sentence: up to 3 significant digits."""
    return f"{value:.3g}"


def _percent(weight: float) -> str:
    """A probability as a percentage, 3 significant digits; never "100%" short of 1."""
    for digits in range(3, 10):
        text = f"{weight * 100:.{digits}g}%"
        if weight >= 1 or text != "100%":
            return text
    return text


def party_label(analysis: Analysis, index: int) -> str:
    """The display label of party ``index`` (its name when it has no label)."""
    return analysis.space.scenario.parties[index].label


def _in_sentence(analysis: Analysis, index: int) -> str:
    """A party's label inside a sentence: "The buyer" becomes "the buyer"."""
    label = party_label(analysis, index)
    return "the " + label[4:] if label.startswith("The ") else label


def format_level(space: OutcomeSpace, issue_name: str, value: Any) -> str:
    """One issue's value of a JSON package (:meth:`OutcomeSpace.package`, or an interpolated
    hull package) as words: the option, ``"40 officials"``, ``"us 0.3, leader 0.7"``."""
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping):
        return ", ".join(f"{name} {float(share):.4g}" for name, share in value.items())
    unit = getattr(space.scenario.issue(issue_name), "unit", None)
    number = f"{float(value):.4g}"
    return f"{number} {unit}" if unit else number


def package_terms(space: OutcomeSpace, package: Mapping[str, Any]) -> list[tuple[str, str]]:
    """``[(issue name, value in words), ...]`` of a JSON package, in issue order."""
    return [(name, format_level(space, name, value)) for name, value in package.items()]


def _terms_text(terms: Sequence[tuple[str, str]], separator: str = "; ") -> str:
    return separator.join(f"{issue}={value}" for issue, value in terms)


# --------------------------------------------------------------------------------------------
# Findings shared with the charts


def no_zopa_reason(analysis: Analysis) -> str:
    """Why no package gives every party more than its disagreement utility, in plain words
    with the scenario's numbers; ``""`` when there is a ZOPA."""
    if analysis.zopa:
        return ""
    utilities = analysis.space.utilities
    disagreement = analysis.disagreement
    n_parties = utilities.shape[0]
    best = utilities.max(axis=1)
    stuck = [i for i in range(n_parties) if best[i] <= disagreement[i] + TOLERANCE]
    if stuck:
        clauses = []
        for i in stuck:
            clauses.append(
                f"no package gives {_in_sentence(analysis, i)} more than the "
                f"{_short(disagreement[i])} expected from disagreement "
                f"(the best package gives {_short(best[i])})"
            )
        return "; ".join(clauses)
    gains = utilities > disagreement[:, None] + TOLERANCE
    if n_parties == 2:
        # Each party can gain alone, never both together: say what the first party's gain
        # costs the second.
        others_best = utilities[1, gains[0]].max()
        return (
            f"every package that gives {_in_sentence(analysis, 0)} more than the "
            f"{_short(disagreement[0])} expected from disagreement leaves "
            f"{_in_sentence(analysis, 1)} at most {_short(others_best)}, short of the "
            f"{_short(disagreement[1])} expected from disagreement"
        )
    # Several parties: the party that falls furthest short when all the others gain.
    shortfalls = []
    for i in range(n_parties):
        others = np.delete(gains, i, axis=0).all(axis=0)
        reach = utilities[i, others].max() if others.any() else -np.inf
        shortfalls.append((reach - disagreement[i], i, reach))
    _, worst, reach = min(shortfalls)
    if not np.isfinite(reach):
        return "no package gives all the parties more than their disagreement utilities at once"
    return (
        "no package gives every party more than its disagreement utility: when all the "
        f"others gain, {_in_sentence(analysis, worst)} gets at most {_short(reach)}, short of "
        f"the {_short(disagreement[worst])} expected from disagreement"
    )


def solution_groups(analysis: Analysis) -> list[list[str]]:
    """Solutions that pick the same single package, grouped, in ``SOLUTION_NAMES`` order."""
    groups: dict[int, list[str]] = {}
    for name in SOLUTION_NAMES:
        solution = analysis.solutions.get(name)
        if solution is not None:
            groups.setdefault(solution.position, []).append(name)
    return list(groups.values())


def _names(names: Sequence[str]) -> str:
    labels = [SOLUTION_LABELS[name] for name in names]
    if len(labels) <= 2:
        return " and ".join(labels)
    return ", ".join(labels[:-1]) + " and " + labels[-1]


# --------------------------------------------------------------------------------------------
# Sections


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
    table.add_row("packages", f"{counts.packages:,}", "every combination of the issues' levels")
    table.add_row(
        "feasible",
        f"{counts.feasible:,}",
        f"{excluded:,} excluded by constraints" if excluded else "no constraints bind",
    )
    table.add_row(
        "individually rational",
        f"{counts.individually_rational:,}",
        "at least as good as disagreement for every party",
    )
    table.add_row("Pareto-optimal", f"{counts.pareto:,}", "no feasible package is better for all")
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
        Text("disagreement (expected)", style="bold"), *(_u(v) for v in analysis.disagreement)
    )
    if analysis.ideal is not None:
        table.add_row(
            Text("ideal (best acceptable package)", style="bold"),
            *(_u(v) for v in analysis.ideal),
        )
    if analysis.ranges is not None:
        table.add_row(
            Text("bargaining range (frontier)", style="bold"),
            *(f"{_u(low)} to {_u(high)}" for low, high in analysis.ranges),
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
        f"is indifferent among the packages (utility {_short(utilities[i, 0])} for every "
        "one): the others' preferences decide."
        for i in flat
    )


def _zopa_text(analysis: Analysis) -> Text:
    text = Text()
    text.append("Zone of possible agreement: ", style="bold")
    if analysis.zopa:
        rational = analysis.counts.individually_rational
        text.append("yes", style="bold green")
        text.append(
            ". Some packages give every party more than it expects from disagreement; "
            f"{rational:,} package{'s are' if rational != 1 else ' is'} at least as good as "
            "disagreement for all."
        )
    else:
        text.append("none", style="bold red")
        text.append(f": {no_zopa_reason(analysis)}. ")
        text.append(
            "No bargaining solution exists: any agreement would leave someone worse off "
            "than walking away."
        )
    indifference = _indifference(analysis)
    if indifference:
        text.append("\n" + indifference)
    return text


def _utility_cell(analysis: Analysis, utilities: np.ndarray, i: int) -> Text:
    gain = float(utilities[i] - analysis.disagreement[i])
    text = Text(_u(float(utilities[i])))
    text.append(f" ({_gain(gain)})", style="green" if gain > TOLERANCE else "dim")
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
        notes.append(f"{shared_note} " + _terms_text(shared, ", "))
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
            _utility_cell(analysis, utilities[:, position], i)
            for i in range(len(analysis.party_names))
        ]
        if differing:
            cells.append(Text(_terms_text([package[k] for k in differing])))
        table.add_row(Text(label, style="bold"), *cells)
    return table


def _solutions_table(analysis: Analysis, solutions: list[Solution]) -> Table:
    every = {2: "both", 3: "all three", 4: "all four"}.get(len(solutions), "all")
    return _package_table(
        analysis,
        "Bargaining solutions: the best single package by each criterion",
        "solution",
        [(SOLUTION_LABELS[s.name], s.position) for s in solutions],
        f"{every} have",
    )


def _relative(
    base: Sequence[tuple[str, str]], package: Sequence[tuple[str, str]]
) -> list[tuple[str, str]]:
    return [term for term, reference in zip(package, base, strict=True) if term != reference]


def _mix_lines(analysis: Analysis, solution: Solution) -> list[str]:
    """How the solution's hull point is reached: the packages of its lottery, each told
    as its difference from the solution's best single package, with its probability."""
    space = analysis.space
    point = solution.hull
    mix = [member for member in point.mix if member.weight > TOLERANCE]
    if len(mix) == 1 and mix[0].position == solution.position:
        return ["no lottery needed: the single package above is on the hull frontier"]
    base = package_terms(space, space.package(solution.position))
    lines = []
    for member in mix:
        changes = _relative(base, package_terms(space, space.package(member.position)))
        what = (
            "the package above"
            if not changes
            else "the package above with " + _terms_text(changes, ", ")
        )
        lines.append(f"{_percent(member.weight)}: {what}")
    if point.package is not None and len(mix) > 1:
        changes = _relative(base, package_terms(space, point.package))
        if changes:
            lines.append("same utilities as the package above with " + _terms_text(changes, ", "))
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
        text = Text()
        for i, name in enumerate(analysis.party_names):
            if i:
                text.append("   ")
            text.append(f"{name} ")
            text.append_text(_utility_cell(analysis, solution.hull.utilities, i))
        for line in _mix_lines(analysis, solution):
            text.append("\n" + line)
        table.add_row(Text(SOLUTION_LABELS[solution.name]), text)
    return table


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


# --------------------------------------------------------------------------------------------
# Rounds in words


ROUND_LABEL = re.compile(r"^\s*(\d+(?:\.\d+)?)?\s*([A-Za-z][A-Za-z -]*?)\s*$")


def round_unit(label: str | None) -> tuple[float, str] | None:
    """``(length, unit)`` of a protocol's ``round`` label: ``"1 day"`` -> ``(1.0, "day")``,
    ``"2 weeks"`` -> ``(2.0, "week")``, ``"day"`` -> ``(1.0, "day")``; None when there is
    no label or it does not read as a length of time."""
    if not label:
        return None
    match = ROUND_LABEL.match(label)
    if match is None:
        return None
    length = float(match.group(1)) if match.group(1) else 1.0
    unit = match.group(2)
    if unit.endswith("s") and not unit.endswith("ss"):
        unit = unit[:-1]
    if length <= 0:
        return None
    return length, unit


def _plural(count: float, unit: str) -> str:
    return f"{count:g} {unit}" if count == 1 else f"{count:g} {unit}s"


def deadline_words(label: str | None, deadline: int) -> str:
    """``"7 days"`` for a deadline of 7 rounds of ``"1 day"``; ``"7 rounds"`` without a
    label that reads as time."""
    unit = round_unit(label)
    if unit is None:
        return _plural(deadline, "round")
    return _plural(deadline * unit[0], unit[1])


def round_name(label: str | None, round_index: int) -> str:
    """How people count round ``round_index`` (from 0): ``"day 3"`` for round 2 of rounds
    of ``"1 day"``; ``"round 2"`` otherwise."""
    unit = round_unit(label)
    if unit is None or unit[0] != 1:
        return f"round {round_index}"
    return f"{unit[1]} {round_index + 1}"


def _next_round(label: str | None) -> str:
    unit = round_unit(label)
    return f"the next {unit[1]}" if unit is not None and unit[0] == 1 else "the next round"


# --------------------------------------------------------------------------------------------
# The equilibrium of the protocol

ROUND_ROWS = 30
"""Most rounds the round-by-round table shows (the first 20 and the last 10 beyond it)."""

PROTOCOL_WORDS = {
    "alternating_offers": "alternating offers",
    "ultimatum": "ultimatum",
    "one_sided": "one-sided offers",
    "random_proposer": "random proposer (Baron–Ferejohn)",
}


def _issue_words(space: OutcomeSpace, position: int) -> dict[str, str]:
    return dict(package_terms(space, space.package(position)))


def _members(mix: Sequence[tuple[float, int]]) -> list[tuple[float, int]]:
    """The packages of a lottery with positive weight, the heaviest first."""
    kept = [(float(w), int(p)) for w, p in mix if w > TOLERANCE]
    return sorted(kept, key=lambda member: (-member[0], member[1]))


def mix_words(
    space: OutcomeSpace, mix: Sequence[tuple[float, int]], skip: Sequence[str] = ()
) -> str:
    """A package or lottery in issue terms, leaving out the issues in ``skip``: the terms
    every package of the lottery shares, then the lottery on the rest
    (``"84.3% icc_case=ended, 15.7% icc_case=proceeds"``)."""
    members = _members(mix)
    if not members:
        return "no offer"
    words = [_issue_words(space, position) for _, position in members]
    issues = [issue for issue in space.scenario.issue_names if issue not in skip]
    common = [issue for issue in issues if len({w[issue] for w in words}) == 1]
    differing = [issue for issue in issues if issue not in common]
    parts = []
    if common:
        parts.append(_terms_text([(issue, words[0][issue]) for issue in common], ", "))
    if differing:
        options = []
        for (weight, _), package_words in zip(members, words, strict=True):
            terms = _terms_text([(issue, package_words[issue]) for issue in differing], ", ")
            bare = len(differing) == 1 and ", " not in terms
            options.append(f"{_percent(weight)} " + (terms if bare else f"({terms})"))
        lottery = "a lottery: " + ", ".join(options)
        average = _average_terms(space, members, differing)
        if average:
            lottery = f"{average} on average, as {lottery}"
        parts.append(lottery)
    return "; ".join(parts) if parts else "the terms above"


def _average_terms(
    space: OutcomeSpace, members: Sequence[tuple[float, int]], differing: Sequence[str]
) -> str:
    """The lottery's average on ``differing`` issues when they are all numeric or split
    (the interpolated package of ``--format json``), else ``""``."""
    package = space.interpolate([p for _, p in members], [w for w, _ in members])
    if package is None:
        return ""
    return _terms_text(
        [(issue, format_level(space, issue, package[issue])) for issue in differing], ", "
    )


def _shared_issues(space: OutcomeSpace, mixes: Sequence[Sequence[tuple[float, int]]]) -> list[str]:
    """Issues on which every package of every lottery agrees."""
    positions = [position for mix in mixes for _, position in _members(mix)]
    if len(positions) < 2:
        return []
    words = [_issue_words(space, position) for position in positions]
    return [issue for issue in space.scenario.issue_names if len({w[issue] for w in words}) == 1]


def _protocol_words(analysis: Analysis, equilibrium: Any) -> str:
    scenario = analysis.space.scenario
    protocol = scenario.protocol
    first = analysis.party_names[equilibrium.first_proposer]
    if equilibrium.protocol == "ultimatum":
        text = f"ultimatum: {first} makes one take-it-or-leave-it offer"
    elif equilibrium.protocol == "one_sided":
        text = f"one-sided offers: only {first} proposes"
    elif equilibrium.protocol == "random_proposer":
        chances = ", ".join(f"{name} {_percent(p)}" for name, p in protocol.recognition.items())
        rule = "every party" if protocol.rule == "unanimity" else "a majority"
        text = (
            f"random proposer (Baron–Ferejohn): each round one party is recognised to "
            f"propose ({chances}); {rule} must accept"
        )
    else:
        text = f"alternating offers, {first} proposes first"
        if scenario.n_parties > 2:
            text += "; every other party must accept"
    if protocol.breakdown_risk > 0:
        text += (
            f"; after a rejection, talks break down with probability "
            f"{_percent(protocol.breakdown_risk)}"
        )
    if protocol.lotteries:
        text += "; offers may be lotteries over packages"
    return text


def _when(analysis: Analysis, round_index: int) -> str:
    label = analysis.space.scenario.protocol.round_label
    name = round_name(label, round_index)
    return f"round {round_index}" if name.startswith("round") else f"round {round_index} ({name})"


def _join_names(names: Sequence[str]) -> str:
    if len(names) <= 2:
        return " and ".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _agreement_words(analysis: Analysis, equilibrium: Any) -> str:
    names = analysis.party_names
    if not equilibrium.agreement:
        return "no: talks end without a deal"
    if equilibrium.protocol == "random_proposer":
        return "yes, at once, on the proposal of whoever is recognised first"
    round_index = equilibrium.round or 0
    proposer = names[equilibrium.proposer]
    others = _join_names([name for k, name in enumerate(names) if k != equilibrium.proposer])
    at_once = ", at once" if round_index == 0 else ""
    verb = "accepts" if len(names) == 2 else "accept"
    return (
        f"yes{at_once}: {others} {verb} the offer {proposer} makes in "
        f"{_when(analysis, round_index)}"
    )


def _summary_table(analysis: Analysis, equilibrium: Any) -> Table:
    label = analysis.space.scenario.protocol.round_label
    table = Table(
        title="Equilibrium of the protocol (subgame perfect, complete information)",
        title_justify="left",
        show_header=False,
    )
    table.add_column("key", style="bold", no_wrap=True)
    table.add_column("value", overflow="fold")
    table.add_row("protocol", Text(_protocol_words(analysis, equilibrium)))
    deadline = equilibrium.deadline
    if deadline is None:
        table.add_row("deadline", "none")
    else:
        rounds = _plural(deadline, "round")
        words = deadline_words(label, deadline)
        table.add_row("deadline", rounds if words == rounds else f"{rounds} of {label} ({words})")
    table.add_row("agreement", Text(_agreement_words(analysis, equilibrium)))
    if equilibrium.agreement and equilibrium.protocol != "random_proposer":
        table.add_row("agreed", Text(mix_words(analysis.space, equilibrium.mix)))
    elif equilibrium.agreement:
        table.add_row("agreed", Text("depends on who is recognised: see the proposals below"))
    if equilibrium.method:
        table.add_row("method", Text(equilibrium.method, style="dim"))
    return table


def _outcome_table(analysis: Analysis, equilibrium: Any) -> Table:
    expected = equilibrium.protocol == "random_proposer"
    caption = "payoff: discounted to round 0, less delay costs, with breakdown risk"
    if equilibrium.utilities is not None:
        caption = f"utility: of the agreed package (gain over disagreement); {caption}"
    table = Table(
        title="Equilibrium utilities and payoffs"
        + (", expected over who is recognised" if expected else ""),
        title_justify="left",
        caption=caption,
        caption_justify="left",
        min_width=72 if equilibrium.utilities is not None else 0,
    )
    table.add_column("")
    for name in analysis.party_names:
        table.add_column(Text(name), justify="right")
    if equilibrium.utilities is not None:
        table.add_row(
            Text("utility (gain)", style="bold"),
            *(
                _utility_cell(analysis, equilibrium.utilities, i)
                for i in range(len(analysis.party_names))
            ),
        )
    table.add_row(Text("payoff", style="bold"), *(_u(float(v)) for v in equilibrium.payoffs))
    return table


def _range_text(analysis: Analysis, equilibrium: Any) -> Text | None:
    if equilibrium.unique or equilibrium.ranges is None:
        return None
    names = analysis.party_names
    spans = [
        f"{name} from {_u(float(low))} to {_u(float(high))}"
        for name, (low, high) in zip(names, equilibrium.ranges, strict=True)
    ]
    first = names[equilibrium.first_proposer]
    text = Text()
    text.append("Not unique: ", style="bold")
    text.append(
        "a range of splits are equilibria, with utilities "
        + "; ".join(spans)
        + f". Shown: the one most favourable to the first proposer, {first}."
    )
    return text


@dataclass(frozen=True)
class _Rejection:
    """A responder's value of rejecting and what it is made of."""

    value: float
    words: str


def _continuation(equilibrium: Any, index: int, party: int) -> tuple[float, int | None] | None:
    """What ``party`` gets in the proposal after ``proposals[index]`` if it is reached:
    its utility and who proposes it; None when unknown (the proposal is not accepted)."""
    proposals = equilibrium.proposals
    if equilibrium.protocol == "random_proposer":
        # stationary values; with a deadline the next round's values are not recorded
        if equilibrium.deadline is None:
            return float(equilibrium.payoffs[party]), None
        return None
    if equilibrium.deadline is None:
        if equilibrium.protocol == "one_sided":
            return None
        following = proposals[(index + 1) % len(proposals)]
    else:
        if index + 1 >= len(proposals):
            return None
        following = proposals[index + 1]
    if not following.accepted or following.utilities is None:
        return None
    return float(following.utilities[party]), following.proposer


def _rejection(analysis: Analysis, equilibrium: Any, index: int, party: int) -> _Rejection | None:
    """``party``'s value of rejecting ``proposals[index]`` with its parts: breakdown risk,
    the next round's offer times the discount factor, the delay cost, or the outside
    option; None when the record does not tell."""
    scenario = analysis.space.scenario
    protocol = scenario.protocol
    who = scenario.parties[party]
    proposal = equilibrium.proposals[index]
    d = float(analysis.disagreement[party])
    p = protocol.breakdown_risk
    # without a deadline, the proposals of a limit of long deadlines are its first rounds
    round_index = proposal.round if proposal.round is not None else index
    if equilibrium.deadline is None and proposal.thresholds is None:
        round_index = 0  # a stationary equilibrium: every round is alike
    next_words = _next_round(protocol.round_label)
    last = equilibrium.deadline is not None and round_index == equilibrium.deadline - 1
    if last:
        stay = d
        words = f"the last round: a rejection ends the talks at its disagreement {_u(d)}"
    elif equilibrium.protocol == "one_sided" and equilibrium.deadline is None:
        # the same offer every round: the responder's value of rejecting solves
        # value = p d + (1 - p)(discount value - cost)
        factor = (1 - p) * who.discount
        if factor >= 1:
            stay = 0.0 if who.cost_per_round == 0 else -np.inf
            words = "perpetual disagreement, worth 0"
        else:
            stay = (p * d - (1 - p) * who.cost_per_round) / (1 - factor)
            later = f"the same offer {next_words}, {_u(stay)}"
            if who.discount != 1:
                later += f" x {who.discount:g}"
            if who.cost_per_round > 0:
                later += f" - {_short(who.cost_per_round)} delay cost"
            words = f"{_percent(p)} breakdown to {_u(d)}, else {later}" if p > 0 else later
    else:
        found = _continuation(equilibrium, index, party)
        if found is None:
            return None
        value, proposer = found
        cost = who.cost_per_round / who.discount**round_index
        stay = p * d + (1 - p) * (who.discount * value - cost)
        if equilibrium.protocol == "random_proposer":
            later = f"its expected value if talks go on, {_u(value)}"
        elif proposer == party:
            later = f"its own offer {next_words}, {_u(value)}"
        else:
            later = f"{analysis.party_names[proposer or 0]}'s offer {next_words}, {_u(value)}"
        if who.discount != 1:
            later += f" x {who.discount:g}"
        if cost > 0:
            later += f" - {_short(cost)} delay cost"
        words = f"{_percent(p)} breakdown to {_u(d)}, else {later}" if p > 0 else later
    value = stay
    if who.outside_option is not None and who.outside_option > stay + TOLERANCE:
        value = float(who.outside_option)
        words = f"walking out to its outside option {_u(value)} beats staying in, {_u(stay)}"
    recorded = proposal.thresholds
    if (
        recorded is not None
        and np.isfinite(recorded[party])
        and abs(float(recorded[party]) - value) > 1e-7
    ):
        return _Rejection(float(recorded[party]), "")  # parts that do not add up: none
    return _Rejection(value, words)


def _threshold(proposal: Any, party: int) -> float | None:
    if proposal.thresholds is None or not np.isfinite(proposal.thresholds[party]):
        return None
    return float(proposal.thresholds[party])


def _response_lines(analysis: Analysis, equilibrium: Any, index: int) -> list[Text]:
    """Why each responder accepts (or would reject) ``proposals[index]``, with numbers."""
    names = analysis.party_names
    proposal = equilibrium.proposals[index]
    proposer = names[proposal.proposer]
    lines = []
    if proposal.utilities is None:
        return [Text(f"no offer gives every responder its value of rejecting; {proposer} "
                     "makes none that would be accepted")]  # fmt: skip
    for party, name in enumerate(names):
        if party == proposal.proposer:
            continue
        rejection = _rejection(analysis, equilibrium, index, party)
        threshold = _threshold(proposal, party)
        if rejection is not None:
            threshold = rejection.value if threshold is None else threshold
        offered = float(proposal.utilities[party])
        line = Text()
        if threshold is None:
            line.append(f"{name} accepts" if proposal.accepted else f"{name} would accept")
            line.append(f" {_u(offered)}")
            lines.append(line)
            continue
        if offered >= threshold - TOLERANCE:
            if proposal.accepted:
                line.append(f"{name} accepts", style="green")
            else:
                line.append(f"{name} would accept")
            line.append(f": {_u(offered)} >= {_u(threshold)}, its value of rejecting")
        elif equilibrium.protocol == "random_proposer":
            line.append(f"{name} is not needed", style="dim")
            line.append(f": {_u(offered)} < {_u(threshold)}, its value of rejecting")
        else:
            line.append(f"{name} rejects", style="red")
            line.append(f": {_u(offered)} < {_u(threshold)}, its value of rejecting")
        if rejection is not None and rejection.words:
            line.append(f" ({rejection.words})")
        lines.append(line)
    if not proposal.accepted:
        lines.append(
            Text(
                f"{proposer} gains more from a rejection than from any offer the others "
                "accept: this offer is not taken up",
                style="dim",
            )
        )
    return lines


def _shown_rounds(count: int) -> list[int | None]:
    """Rounds to list, None marking the gap when there are more than ``ROUND_ROWS``."""
    if count <= ROUND_ROWS:
        return list(range(count))
    head, tail = 20, ROUND_ROWS - 20
    return [*range(head), None, *range(count - tail, count)]


def _proposals_table(analysis: Analysis, equilibrium: Any) -> Table | None:
    proposals = equilibrium.proposals
    if not proposals:
        return None
    space = analysis.space
    names = analysis.party_names
    label = space.scenario.protocol.round_label
    random = equilibrium.protocol == "random_proposer"
    by_round = equilibrium.deadline is not None and not random
    shared = _shared_issues(space, [proposal.mix for proposal in proposals])
    if by_round:
        title = "Round by round: the offer made if the round is reached, and why it is accepted"
        first_column = "round"
    elif random:
        title = "Each party's proposal when recognised, and why the others accept"
        first_column = "proposer"
    else:
        title = "Each party's proposal, the same whenever it proposes, and why it is accepted"
        first_column = "proposer"
    notes = []
    if by_round and equilibrium.agreement and equilibrium.round is not None:
        later = len(proposals) - 1 - equilibrium.round
        if later > 0:
            notes.append(
                f"the deal is struck in round {equilibrium.round}; the later offers are never "
                "made, but they set what rejecting is worth"
            )
    notes.append("offers and values of rejecting are utilities as of their round, not discounted")
    if shared:
        notes.append(
            "every offer has "
            + _terms_text(
                [(i, _issue_words(space, _members(proposals[0].mix)[0][1])[i]) for i in shared],
                ", ",
            )
        )
    table = Table(
        title=title,
        title_justify="left",
        caption="; ".join(notes),
        caption_justify="left",
        show_lines=True,
    )
    table.add_column(first_column, no_wrap=True)
    table.add_column("offer (utilities; terms) and response", overflow="fold")
    indices = _shown_rounds(len(proposals)) if by_round else list(range(len(proposals)))
    for index in indices:
        if index is None:
            skipped = len(proposals) - ROUND_ROWS
            table.add_row("...", Text(f"{skipped} more rounds in --format json", style="dim"))
            continue
        proposal = proposals[index]
        proposer = names[proposal.proposer]
        head = Text()
        if by_round:
            head.append(str(proposal.round))
            name = round_name(label, proposal.round or 0)
            if not name.startswith("round"):
                head.append(f"\n{name}", style="dim")
            if equilibrium.agreement and proposal.round == equilibrium.round:
                head.append("\nagreed", style="bold green")
        else:
            head.append(proposer)
            if random:
                chance = space.scenario.protocol.recognition[proposer]
                head.append(f"\n{_percent(chance)}", style="dim")
            elif equilibrium.agreement and proposal.proposer == equilibrium.proposer:
                head.append("\nagreed", style="bold green")
        body = Text()
        body.append(f"{proposer} ", style="bold")
        if proposal.utilities is None:
            body.append("makes no acceptable offer")
        else:
            offered = ", ".join(
                f"{name} {_u(float(value))}"
                for name, value in zip(names, proposal.utilities, strict=True)
            )
            body.append(f"offers: {offered}")
            body.append("\n" + mix_words(space, proposal.mix, shared), style="dim")
        for line in _response_lines(analysis, equilibrium, index):
            body.append("\n")
            body.append_text(line)
        table.add_row(head, body)
    return table


def equilibrium_renderables(analysis: Analysis) -> list[RenderableType]:
    """The equilibrium of the protocol, for people: the rules, whether and when agreement
    happens, the agreed package (or lottery), each party's utility and payoff, whether the
    split is unique, and every proposal with why it is accepted, in numbers."""
    equilibrium = analysis.equilibrium
    if equilibrium is None:
        return []
    parts: list[RenderableType] = [
        _summary_table(analysis, equilibrium),
        _outcome_table(analysis, equilibrium),
    ]
    note = _range_text(analysis, equilibrium)
    if note is not None:
        parts.append(note)
    proposals = _proposals_table(analysis, equilibrium)
    if proposals is not None:
        parts.append(proposals)
    return parts


# --------------------------------------------------------------------------------------------
# Screening: offers against a responder with private information

PARAMETER_WORDS = {
    "disagreement": "disagreement payoff (what it gets if talks fail)",
    "agreement_value": "value of a deal (added to any agreement)",
}


def distribution_words(distribution: Any) -> str:
    """A distribution of :mod:`negsim.format.model` in words."""
    kind = type(distribution).__name__
    if kind == "Uniform":
        return f"uniform on [{_short(distribution.low)}, {_short(distribution.high)}]"
    if kind == "Normal":
        return (
            f"normal, mean {_short(distribution.mean)}, sd {_short(distribution.sd)}, "
            f"truncated to [{_short(distribution.low)}, {_short(distribution.high)}]"
        )
    if kind == "Choice":
        return "one of " + ", ".join(
            f"{_short(value)} ({_percent(p)})"
            for value, p in zip(distribution.values, distribution.probabilities, strict=True)
        )
    return kind


def screening_distribution(screening: Any) -> Any | None:
    responder = screening.space.scenario.party_names[screening.responder]
    for parameter in screening.space.scenario.uncertainty:
        if parameter.party == responder and parameter.parameter == screening.parameter:
            return parameter.distribution
    return None


def screening_stated_value(screening: Any) -> float:
    """The responder's stated value of the private parameter (its expected disagreement)."""
    if screening.parameter == "disagreement":
        return float(screening.space.disagreement[screening.responder])
    return float(screening.space.scenario.parties[screening.responder].agreement_value)


def screening_offer_terms(screening: Any) -> tuple[list[str], list[str]]:
    """The offers in issue terms: ``(shared, per_round)`` where ``shared`` are the terms
    every offer has (``"amnesty=family"``) and ``per_round`` the rest of each offer (the
    whole offer when nothing is shared; ``"no offer"`` when no type would accept)."""
    space = screening.space
    mixes = [mix for mix in screening.offer_mixes if mix]
    shared_issues = _shared_issues(space, mixes)
    shared: list[str] = []
    if shared_issues:
        words = _issue_words(space, _members(mixes[0])[0][1])
        shared = [f"{issue}={words[issue]}" for issue in shared_issues]
    per_round = [
        mix_words(space, mix, shared_issues) if mix else "no offer" for mix in screening.offer_mixes
    ]
    if len(shared_issues) == len(space.scenario.issue_names):
        per_round = ["the same terms" if mix else "no offer" for mix in screening.offer_mixes]
    return shared, per_round


def screening_last_round_words(screening: Any) -> str:
    """The deadline effect in words: ``"9% of all agreements happen on the last day
    (day 7): the deadline effect"``."""
    share = screening.final_round_share
    if share is None:
        return "no agreement ever happens: every type rejects every offer"
    label = screening.space.scenario.protocol.round_label
    deadline = int(screening.solution.agreement_probability.size)
    name = round_name(label, deadline - 1)
    last = "last round" if name.startswith("round") else f"last {name.split()[0]}"
    text = f"{_percent(share)} of all agreements happen on the {last} ({name})"
    if deadline == 1:
        return text + ": a single take-it-or-leave-it offer"
    uniform = 1.0 / deadline
    if share > uniform + TOLERANCE:
        return text + ": the deadline effect"
    by_round = screening.solution.agreement_probability
    peak = int(np.argmax(by_round))
    return (
        text + f", less than an even spread ({_percent(uniform)}): no strong deadline effect; "
        f"the most agreements, {_percent(float(by_round[peak]) / float(by_round.sum()))}, "
        f"happen in {_when_name(label, peak)}"
    )


def _when_name(label: str | None, round_index: int) -> str:
    name = round_name(label, round_index)
    return name if name.startswith("round") else f"round {round_index} ({name})"


def screening_renderables(screening: Any) -> list[RenderableType]:
    """The screening block of ``negsim solve --format table``: who proposes, what is
    private, per round the offer, the conditional acceptance probability, the unconditional
    probability of agreement and its running total, then the outcome in words."""
    space = screening.space
    scenario = space.scenario
    names = scenario.party_names
    proposer, responder = names[screening.proposer], names[screening.responder]
    label = scenario.protocol.round_label
    solution = screening.solution
    deadline = int(solution.agreement_probability.size)

    about = Table(
        title=f"Screening: {proposer}'s offers when {responder}'s {screening.parameter} is private",
        title_justify="left",
        show_header=False,
    )
    about.add_column("key", style="bold", no_wrap=True)
    about.add_column("value", overflow="fold")
    kind = PROTOCOL_WORDS.get(scenario.protocol.kind, scenario.protocol.kind)
    about.add_row(
        "protocol",
        Text(
            f"{kind}: only {proposer} proposes, to {responder}, who accepts or rejects; "
            f"{_plural(deadline, 'offer')} at most, over {deadline_words(label, deadline)}"
            + (
                f"; after a rejection, talks break down with probability "
                f"{_percent(scenario.protocol.breakdown_risk)}"
                if scenario.protocol.breakdown_risk > 0
                else ""
            )
        ),
    )
    distribution = screening_distribution(screening)
    stated = screening_stated_value(screening)
    private = (
        f"{responder}'s {PARAMETER_WORDS.get(screening.parameter, screening.parameter)}; "
        f"{proposer} knows only its distribution"
    )
    if distribution is not None:
        private += f": {distribution_words(distribution)}"
    private += f"; {screening.n_types} types; stated value {_u(stated)}"
    about.add_row("private", Text(private))

    rounds = Table(
        title="Round by round: the offer, acceptance if reached, and agreement",
        title_justify="left",
        expand=True,
        caption=(
            f"offer: utilities at stated values; accepts: probability that {responder} "
            "accepts if the round is reached; deal: probability of a deal in that round, "
            "from the start; so far: the running total"
        ),
        caption_justify="left",
    )
    rounds.add_column("round", no_wrap=True)
    rounds.add_column(f"offer:\n{responder}", justify="right")
    rounds.add_column(proposer, justify="right")
    rounds.add_column("accepts", justify="right")
    rounds.add_column("deal", justify="right")
    rounds.add_column("so far", justify="right")
    cumulative = np.cumsum(solution.agreement_probability)
    for t in range(deadline):
        head = Text(str(t))
        name = round_name(label, t)
        if not name.startswith("round"):
            head.append(f" {name}", style="dim")
        if t == deadline - 1:
            head.append(" last", style="bold")
        if screening.stated_type_round == t:
            head.append(" *", style="bold")
        utilities = screening.offer_utilities[t]
        if utilities is None:
            offer = ["-", "-"]
        else:
            offer = [
                _u(float(utilities[screening.responder])),
                _u(float(utilities[screening.proposer])),
            ]
        rounds.add_row(
            head,
            *offer,
            f"{float(solution.accept_probability[t]):.1%}",
            f"{float(solution.agreement_probability[t]):.1%}",
            f"{float(cumulative[t]):.1%}",
        )

    shared, per_round = screening_offer_terms(screening)
    terms = Table(
        title="The offers in issue terms",
        title_justify="left",
        caption=("every offer has " + ", ".join(shared)) if shared else None,
        caption_justify="left",
        show_header=False,
    )
    terms.add_column("round", no_wrap=True)
    terms.add_column("offer", overflow="fold")
    for t, words in enumerate(per_round):
        name = round_name(label, t)
        terms.add_row(name, Text(words))

    outcome = Table(title="Screening outcome", title_justify="left", show_header=False)
    outcome.add_column("key", style="bold", no_wrap=True)
    outcome.add_column("value", overflow="fold")
    agreed = 1.0 - float(solution.no_agreement_probability)
    outcome.add_row(
        "agreement",
        Text(
            f"a deal by the deadline with probability {_percent(agreed)}; no deal with "
            f"probability {_percent(float(solution.no_agreement_probability))}"
        ),
    )
    payoffs = ", ".join(
        f"{name} {_u(float(value))}"
        for name, value in zip(names, screening.expected_payoffs, strict=True)
    )
    outcome.add_row(
        "expected payoffs",
        Text(f"{payoffs} (discounted to round 0, less delay costs, with breakdown risk)"),
    )
    outcome.add_row("deadline effect", Text(screening_last_round_words(screening)))
    if screening.stated_type_round is None:
        stated_words = f"{responder} with its stated value {_u(stated)} never accepts"
    else:
        round_index = screening.stated_type_round
        name = round_name(label, round_index)
        when = name if name.startswith("round") else f"round {round_index} ({name})"
        stated_words = f"{responder} with its stated value {_u(stated)} accepts in {when}, marked *"
    outcome.add_row("stated value", Text(stated_words))
    return [about, rounds, terms, outcome]


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
    there is a zone of possible agreement (and, if not, why, with the numbers); the
    bargaining solutions as packages with their utilities and gains over disagreement;
    the same solutions with lotteries (points of the convex hull, with their mix); a short,
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
        if groups:
            agree = "; ".join(f"{_names(group)} pick the same package" for group in groups)
            parts.append(Group(table, Text(agree + ".", style="italic")))
        else:
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
