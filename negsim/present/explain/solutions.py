"""Steps four to six of the walk: the Pareto frontier, the Nash solution and
Kalai–Smorodinsky (with the egalitarian and utilitarian solutions in a line each).

The solutions' packages and utilities are the records' (``Analysis.solutions``,
``Analysis.pareto``); the step only multiplies out the gains it shows (the Nash product of
a package and of its neighbours on the frontier), so a reader can check the criterion.
"""

from __future__ import annotations

import numpy as np

from negsim.analysis.records import Analysis, Solution
from negsim.present.explain.common import (
    differences,
    package_text,
    party_values,
    precise_pair,
    utilities_words,
)
from negsim.present.explain.document import Block, Section, Strong, Table, para
from negsim.present.words import (
    TOLERANCE,
    join_words,
    mix_words,
    party_label,
    percent,
    plural,
    possessive,
    utility_text,
)

__all__ = ["frontier_section", "ks_section", "nash_section"]

CANDIDATES = 200
"""How many packages (highest utility sum first) the frontier step looks through for one
that a frontier package beats for every side."""


def _frontier_pick(analysis: Analysis) -> int:
    """The frontier package the step explains: the Nash package when it is on the list,
    else the middle of the list."""
    nash = analysis.solutions.get("nash")
    pareto = analysis.pareto
    if nash is not None and nash.position is not None and nash.position in set(pareto.tolist()):
        return int(nash.position)
    return int(pareto[pareto.size // 2])


def _middle_package(analysis: Analysis) -> int | None:
    """The feasible package that sets every issue at its middle level (None when it is
    ruled out)."""
    space = analysis.space
    package = {
        issue.name: space.level_value(k, (space.shape[k] - 1) // 2)
        for k, issue in enumerate(space.scenario.issues)
    }
    try:
        return space.position_of(package)
    except KeyError:
        return None


def _dominated(analysis: Analysis, preferred: int) -> tuple[int, int] | None:
    """A feasible package and a frontier package at least as good for every side and better
    for one: the middle package if a frontier package beats it, else one of the
    :data:`CANDIDATES` packages of highest utility sum. The frontier package is
    ``preferred`` when it beats it, else the one with the largest smallest gain."""
    utilities = analysis.space.utilities
    frontier = analysis.pareto
    on_frontier = set(frontier.tolist())
    sums = utilities.sum(axis=0)
    count = min(CANDIDATES, sums.size)
    top = np.argpartition(-sums, count - 1)[:count] if count < sums.size else np.arange(count)
    top = top[np.argsort(-sums[top], kind="stable")]
    middle = _middle_package(analysis)
    candidates = ([middle] if middle is not None else []) + [int(p) for p in top]
    frontier_u = utilities[:, frontier]
    for position in candidates:
        if position in on_frontier:
            continue
        u = utilities[:, position][:, None]
        beats = np.all(frontier_u >= u - TOLERANCE, axis=0) & np.any(
            frontier_u > u + TOLERANCE, axis=0
        )
        if not beats.any():
            continue
        if preferred in on_frontier and beats[frontier.tolist().index(preferred)]:
            return position, preferred
        gains = (frontier_u - u).min(axis=0)
        gains[~beats] = -np.inf
        return position, int(frontier[int(np.argmax(gains))])
    return None


def _why_on_frontier(analysis: Analysis, position: int) -> str:
    """Why no feasible package is better for every side than the one at ``position``."""
    utilities = analysis.space.utilities
    u = utilities[:, position]
    first, second = party_label(analysis, 0), party_label(analysis, 1)
    better = utilities[0] > u[0] + TOLERANCE
    if utilities.shape[0] == 2:
        if not better.any():
            return f"No feasible package gives {first} more than {utility_text(u[0])}."
        best = float(utilities[1, better].max())
        return (
            f"Why is it on the frontier? {plural(int(better.sum()), 'feasible package')} "
            f"give {first} more than {utility_text(u[0])}, and the best of them for "
            f"{second} gives it only {utility_text(best)}, less than {utility_text(u[1])}. "
            f"So any package {first} likes better, {second} likes less: no package is better "
            "for both."
        )
    at_least = np.all(utilities >= u[:, None] - TOLERANCE, axis=0)
    return (
        "Why is it on the frontier? No feasible package is at least as good for every side "
        f"and better for one: of the {utilities.shape[1]:,} feasible packages, "
        f"{plural(int(at_least.sum()), 'package')} {'gives' if at_least.sum() == 1 else 'give'}"
        " every side at least as much, and all give exactly the same utilities."
    )


def frontier_section(analysis: Analysis) -> Section | None:
    """One frontier package and why it is there; a package the frontier beats, and by
    what. None when no package is both efficient and individually rational."""
    if analysis.pareto.size == 0:
        return None
    counts = analysis.counts
    utilities = analysis.space.utilities
    pick = _frontier_pick(analysis)
    values = party_values(analysis, "frontier.u", utilities[:, pick])
    blocks: list[Block] = [
        para(
            "A package is ",
            Strong("Pareto-optimal"),
            " when no feasible package is at "
            "least as good for every side and better for one. Together these packages form "
            "the ",
            Strong("Pareto frontier"),
            f": here {plural(counts.pareto, 'package')}, "
            f"{counts.pareto_individually_rational:,} of them individually rational. Any "
            "deal off the frontier wastes value: some other deal is better for someone "
            "and worse for no one.",
        ),
        para(
            f"Take the package {package_text(analysis, pick)}. It gives "
            f"{utilities_words(analysis, utilities[:, pick])}."
        ),
        para(_why_on_frontier(analysis, pick)),
    ]
    if counts.pareto == counts.feasible:
        blocks.append(
            para(
                "Here every feasible package is on the frontier: whatever one side gains, the "
                "other loses. The bargain is purely distributive, a matter of dividing a fixed "
                "value."
            )
        )
        return Section("frontier", "The Pareto frontier", tuple(blocks), values)
    found = _dominated(analysis, pick)
    if found is not None:
        low, high = found
        values.update(party_values(analysis, "dominated.u", utilities[:, low]))
        values.update(party_values(analysis, "dominating.u", utilities[:, high]))
        middle = " (every issue at its middle level)" if low == _middle_package(analysis) else ""
        blocks.append(
            para(
                f"Compare the package {package_text(analysis, low)}{middle}. It gives "
                f"{utilities_words(analysis, utilities[:, low])}. It is ",
                Strong("dominated"),
                f": changing it to {differences(analysis, low, high)} gives "
                f"{utilities_words(analysis, utilities[:, high])}, better for "
                f"{_better_for(analysis, utilities[:, low], utilities[:, high])}. Trading on the "
                "issues the sides care about differently creates value for both.",
            )
        )
    return Section("frontier", "The Pareto frontier", tuple(blocks), values)


def _better_for(analysis: Analysis, low: np.ndarray, high: np.ndarray) -> str:
    better = [party_label(analysis, k) for k in range(low.size) if high[k] > low[k] + TOLERANCE]
    if len(better) == low.size:
        return "both" if low.size == 2 else "every side"
    return join_words(better) + " and no worse for the others"


# --------------------------------------------------------------------------------------------
# 5. Nash


def _product(analysis: Analysis, u: np.ndarray) -> float:
    powers = np.array([party.bargaining_power for party in analysis.space.scenario.parties])
    gains = np.maximum(u - analysis.disagreement, 0.0)
    return float(np.prod(gains**powers))


def _product_words(analysis: Analysis, u: np.ndarray, product: str) -> str:
    """``"(0.726 - 0.575) × (0.460 - 0.280) = 0.151 × 0.180 = 0.02718"``."""
    parties = analysis.space.scenario.parties
    gains = u - analysis.disagreement
    powers = [party.bargaining_power for party in parties]
    exponent = ["" if p == 1 else f"^{p:g}" for p in powers]
    differences_ = " × ".join(
        f"({utility_text(a)} - {utility_text(d)}){e}"
        for a, d, e in zip(u, analysis.disagreement, exponent, strict=True)
    )
    gains_text = " × ".join(f"{utility_text(g)}{e}" for g, e in zip(gains, exponent, strict=True))
    return f"{differences_} = {gains_text} = {product}"


def _neighbours(analysis: Analysis, position: int) -> list[int]:
    """The frontier packages next to ``position`` in the frontier's order."""
    order = analysis.pareto.tolist()
    if position not in order:
        return []
    k = order.index(position)
    return [order[j] for j in (k - 1, k + 1) if 0 <= j < len(order)]


def nash_section(analysis: Analysis) -> Section | None:
    """The product of gains at the Nash package and at its neighbours on the frontier."""
    nash = analysis.solutions.get("nash")
    if nash is None:
        return None
    blocks: list[Block] = [
        para(
            "Nash (1950) asked which deal a fair arbitrator would pick, and showed that "
            "four reasonable demands (efficiency, symmetry, independence of how utilities "
            "are scaled, and independence of irrelevant alternatives) leave one answer: the "
            "deal that maximizes the ",
            Strong("Nash product"),
            ", each side's gain over its walk-away value multiplied together.",
        ),
    ]
    values: dict[str, float] = {}
    if nash.position is not None and nash.utilities is not None:
        values.update(party_values(analysis, "nash.u", nash.utilities))
        blocks.extend(_nash_single(analysis, nash))
    blocks.extend(_nash_hull(analysis, nash))
    values.update(party_values(analysis, "nash.hull.u", nash.hull.utilities))
    return Section("nash", "The Nash bargaining solution", tuple(blocks), values)


def _nash_single(analysis: Analysis, nash: Solution) -> list[Block]:
    assert nash.position is not None and nash.utilities is not None
    utilities = analysis.space.utilities
    best = _product(analysis, nash.utilities)
    terms = package_text(analysis, nash.position)
    blocks: list[Block] = [
        para(
            f"Among single packages the product is largest at {terms}, which gives "
            f"{utilities_words(analysis, nash.utilities)}."
        )
    ]
    neighbours = _neighbours(analysis, nash.position)
    if not neighbours:
        text = _product_words(analysis, nash.utilities, f"{best:.4g}")
        return [*blocks, para(f"Its Nash product is {text}.")]
    rows = []
    for position in [nash.position, *neighbours]:
        u = utilities[:, position]
        mine, theirs = precise_pair(best, _product(analysis, u))
        name = (
            "Nash" if position == nash.position else differences(analysis, nash.position, position)
        )
        gains = [utility_text(float(g)) for g in u - analysis.disagreement]
        rows.append(
            (
                name,
                *(utility_text(float(v)) for v in u),
                *gains,
                mine if position == nash.position else theirs,
            )
        )
    names = analysis.party_names
    header = ("package", *names, *(f"gain {n}" for n in names), "product")
    mine, _ = precise_pair(best, _product(analysis, utilities[:, neighbours[0]]))
    blocks.append(
        para(
            f"Its product is {_product_words(analysis, nash.utilities, mine)}. "
            "Its neighbours on the frontier (the same package with the changes "
            "shown) give one side more and the other less, and a smaller "
            "product:"
        )
    )
    blocks.append(Table(header, tuple(rows)))
    blocks.append(
        para(
            "Moving along the frontier trades one side's gain for the other's; the product "
            "peaks where a small step would cost one side a larger fraction of its gain than "
            "it gives the other."
        )
    )
    return blocks


def _nash_hull(analysis: Analysis, nash: Solution) -> list[Block]:
    hull = nash.hull
    if nash.utilities is not None and np.allclose(hull.utilities, nash.utilities, atol=1e-6):
        return [
            para(
                "Allowing lotteries between packages does not raise the product: the "
                "package above is also the Nash point over lotteries."
            )
        ]
    lottery = mix_words(analysis.space, hull.mix)
    return [
        para(
            "If the sides may agree on a lottery between packages (or on values between grid "
            f"points), the product is largest at {utilities_words(analysis, hull.utilities)}, "
            f"with a product of {_product(analysis, hull.utilities):.4g}: {lottery}."
        )
    ]


# --------------------------------------------------------------------------------------------
# 6. Kalai–Smorodinsky


def _shares(analysis: Analysis, u: np.ndarray) -> list[str]:
    """Each side's share of its possible gain, from walk-away value to ideal."""
    assert analysis.ideal is not None
    spans = analysis.ideal - analysis.disagreement
    return [
        percent(float((value - d) / span)) if span > TOLERANCE else "-"
        for value, d, span in zip(u, analysis.disagreement, spans, strict=True)
    ]


def ks_section(analysis: Analysis) -> Section | None:
    """Kalai–Smorodinsky's proportional gains against Nash, and the egalitarian and
    utilitarian solutions in a line each."""
    ks, nash = analysis.solutions.get("kalai_smorodinsky"), analysis.solutions.get("nash")
    if ks is None or nash is None or analysis.ideal is None:
        return None
    names = analysis.party_names
    ideal = ", ".join(utility_text(v) for v in analysis.ideal)
    blocks: list[Block] = [
        para(
            "Kalai and Smorodinsky (1975) dropped Nash's independence of irrelevant "
            "alternatives: if the set of deals grows in a side's favour, that side should "
            "not lose. Their solution gives every side the ",
            Strong("same share of its possible gain"),
            f", from its walk-away value up to its ideal ({ideal}).",
        )
    ]
    rows = []
    values: dict[str, float] = {}
    for key, title in (
        ("nash", "Nash"),
        ("kalai_smorodinsky", "Kalai–Smorodinsky"),
        ("egalitarian", "egalitarian"),
        ("utilitarian", "utilitarian"),
    ):
        solution = analysis.solutions.get(key)
        if solution is None:
            continue
        point, where = _point(solution)
        short = {"kalai_smorodinsky": "ks"}.get(key, key)
        values.update(party_values(analysis, f"{short}.{where}u", point))
        rows.append((title, *(utility_text(float(v)) for v in point), *_shares(analysis, point)))
    header = ("solution", *names, *(f"share of {possessive(n)} possible gain" for n in names))
    blocks.append(Table(header, tuple(rows)))
    blocks.append(para(_ks_against_nash(analysis, ks, nash)))
    blocks.append(para(_other_solutions(analysis)))
    return Section("ks", "Kalai–Smorodinsky: proportional gains", tuple(blocks), values)


def _point(solution: Solution) -> tuple[np.ndarray, str]:
    """A solution's single package's utilities, or its hull point's without one."""
    if solution.utilities is not None:
        return solution.utilities, ""
    return solution.hull.utilities, "hull."


def _ks_against_nash(analysis: Analysis, ks: Solution, nash: Solution) -> str:
    ks_point, _ = _point(ks)
    nash_point, _ = _point(nash)
    hull = ks.hull.utilities
    shares = _shares(analysis, hull)
    over_lotteries = (
        f" Over lotteries the shares are exactly equal: {utilities_words(analysis, hull)}, "
        f"{shares[0]} of each side's possible gain."
        if len(set(shares)) == 1 and "-" not in shares
        else ""
    )
    if ks.position is not None and ks.position == nash.position:
        return "Here Kalai–Smorodinsky picks the same package as Nash." + over_lotteries
    moved = [
        party_label(analysis, k)
        for k in range(ks_point.size)
        if ks_point[k] > nash_point[k] + TOLERANCE
    ]
    lead = (
        f"Kalai–Smorodinsky picks {package_text(analysis, ks.position)}"
        if ks.position is not None
        else "Kalai–Smorodinsky picks a lottery"
    )
    toward = (
        f": compared with Nash it moves toward {join_words(moved)}, whose share of its "
        "possible gain is smaller at the Nash point"
        if moved
        else ""
    )
    return f"{lead}{toward}." + over_lotteries


def _other_solutions(analysis: Analysis) -> str:
    egalitarian = analysis.solutions.get("egalitarian")
    utilitarian = analysis.solutions.get("utilitarian")
    lines = []
    if egalitarian is not None:
        point, _ = _point(egalitarian)
        lines.append(
            "The egalitarian solution (Kalai 1977) gives every side the same gain in "
            f"utility rather than the same share: {utilities_words(analysis, point)}."
        )
    if utilitarian is not None:
        point, _ = _point(utilitarian)
        lines.append(
            "The utilitarian solution maximizes the sum of utilities, whoever gets it: "
            f"{utilities_words(analysis, point)}, a sum of {utility_text(float(point.sum()))}."
        )
    return " ".join(lines)
