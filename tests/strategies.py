"""Hypothesis strategies for negsim tests, and plain-Python reference helpers they rely on.

:func:`scenarios` draws small, valid :class:`negsim.format.scenario.Scenario` objects: 2-4 parties,
1-4 issues of all three kinds with small resolutions, random weights and value functions
(categorical maps, piecewise-linear points, power shapes), trust, mediators, interactions,
constraints that leave at least one package feasible, and lottery disagreements. The number
of packages is kept at or below ``max_packages`` so that tests can afford a per-package
Python loop.

The reference helpers (:func:`plain_levels`, :func:`plain_matches`) are written with plain
Python arithmetic, independently of ``negsim.space``, so tests can check it against them.
"""

from __future__ import annotations

import itertools
import math

from hypothesis import settings
from hypothesis import strategies as st

from negsim.format.model import (
    CategoricalIssue,
    CategoricalValues,
    Condition,
    Constraint,
    Interaction,
    Lottery,
    LotteryBranch,
    Mediator,
    NumericIssue,
    Party,
    PiecewiseLinear,
    PowerShape,
    Protocol,
    SplitIssue,
)
from negsim.format.scenario import Scenario

PARTY_NAMES = ("alpha", "beta", "gamma", "delta")
TOLERANCE = 1e-9

# --------------------------------------------------------------------------------------------
# Plain-Python reference helpers


def plain_compositions(steps: int, n_parts: int) -> list[tuple[int, ...]]:
    """All ``(k_1, ..., k_n)`` of non-negative integers summing to ``steps``, lexicographic."""
    if n_parts == 1:
        return [(steps,)]
    return [
        (first, *rest)
        for first in range(steps + 1)
        for rest in plain_compositions(steps - first, n_parts - 1)
    ]


def plain_levels(issue, n_parties: int) -> list:
    """The issue's levels in enumeration order: option names (categorical), floats (numeric)
    or tuples of absolute shares in party order (split)."""
    if isinstance(issue, CategoricalIssue):
        return list(issue.options)
    if isinstance(issue, NumericIssue):
        steps = issue.resolution - 1
        return [issue.low + (issue.high - issue.low) * j / steps for j in range(steps + 1)]
    steps = issue.resolution - 1
    return [
        tuple(issue.total * k / steps for k in composition)
        for composition in plain_compositions(steps, n_parties)
    ]


def plain_matches(condition: Condition, issue, level, party_names) -> bool:
    """Whether one level (as :func:`plain_levels` gives it) satisfies ``condition``."""
    if isinstance(issue, CategoricalIssue):
        return level in condition.options
    if isinstance(issue, SplitIssue):
        x = level[party_names.index(condition.party)]
    else:
        x = level
        if condition.values is not None and not any(
            abs(x - v) <= TOLERANCE for v in condition.values
        ):
            return False
    if condition.low is not None and x < condition.low - TOLERANCE:
        return False
    return not (condition.high is not None and x > condition.high + TOLERANCE)


def plain_package_matches(conditions, scenario: Scenario, package_levels) -> bool:
    """Whether a package (one plain level per issue) matches every condition."""
    names = scenario.issue_names
    return all(
        plain_matches(
            condition,
            scenario.issues[names.index(condition.issue)],
            package_levels[names.index(condition.issue)],
            scenario.party_names,
        )
        for condition in conditions
    )


# --------------------------------------------------------------------------------------------
# Building blocks

unit_floats = st.floats(-1.0, 1.0, allow_nan=False, allow_infinity=False)
exponents = st.floats(0.25, 3.0, allow_nan=False, allow_infinity=False)


def _n_split_levels(resolution: int, n_parties: int) -> int:
    return math.comb(resolution - 1 + n_parties - 1, n_parties - 1)


@st.composite
def issues(draw, name: str, n_parties: int, room: int):
    """One issue with at most ``room`` levels (``room >= 1``)."""
    kind = draw(st.sampled_from(["categorical", "numeric", "split"]))
    if kind == "split":
        resolutions = [r for r in (2, 3, 4) if _n_split_levels(r, n_parties) <= room]
        if resolutions:
            total = draw(st.sampled_from([1.0, 2.5, 10.0]) | st.floats(0.5, 20.0))
            return SplitIssue(name, total, draw(st.sampled_from(resolutions)), f"Split {name}")
        kind = "categorical"
    if kind == "numeric" and room >= 2:
        low = draw(st.floats(-10.0, 10.0, allow_nan=False))
        width = draw(st.floats(0.5, 20.0, allow_nan=False))
        resolution = draw(st.integers(2, min(5, room)))
        unit = draw(st.none() | st.just("units"))
        return NumericIssue(name, low, low + width, resolution, f"Range {name}", unit=unit)
    n_options = draw(st.integers(1, min(4, room)))
    options = tuple(f"o{j}" for j in range(n_options))
    return CategoricalIssue(name, options, f"Options {name}")


@st.composite
def value_functions(draw, issue):
    """A value function fit for ``issue``."""
    if isinstance(issue, CategoricalIssue):
        return CategoricalValues(tuple(draw(unit_floats) for _ in issue.options))
    if isinstance(issue, NumericIssue):
        low, high = issue.low, issue.high
    else:
        low, high = 0.0, issue.total
    if draw(st.booleans()):
        steps = draw(st.lists(st.integers(0, 20), min_size=2, max_size=4, unique=True).map(sorted))
        xs = tuple(low + (high - low) * s / 20 for s in steps)
        return PiecewiseLinear(xs, tuple(draw(unit_floats) for _ in xs))
    if isinstance(issue, SplitIssue):
        best, worst = high, low  # {exponent: e}: (share / total) ** e
    elif draw(st.booleans()):
        best, worst = (high, low) if draw(st.booleans()) else (low, high)
    else:
        a, b = draw(st.lists(st.integers(0, 10), min_size=2, max_size=2, unique=True))
        best, worst = low + (high - low) * a / 10, low + (high - low) * b / 10
    return PowerShape(best=best, worst=worst, exponent=draw(exponents))


@st.composite
def conditions(draw, issue, party_names: tuple[str, ...]):
    """One condition on ``issue``: options, values or inclusive bounds, or a split share."""
    if isinstance(issue, CategoricalIssue):
        chosen = draw(st.lists(st.sampled_from(issue.options), min_size=1, unique=True))
        return Condition(issue.name, options=tuple(o for o in issue.options if o in chosen))
    grid_steps = issue.resolution - 1
    if isinstance(issue, NumericIssue):
        low, high = issue.low, issue.high
        if draw(st.booleans()):
            grid = plain_levels(issue, len(party_names))
            values = draw(st.lists(st.sampled_from(grid), min_size=0, max_size=3))
            if draw(st.booleans()):
                values.append(draw(st.floats(low, high)))
            return Condition(issue.name, values=tuple(values))
    else:
        low, high = 0.0, issue.total
    on_grid = st.integers(0, grid_steps).map(lambda j: low + (high - low) * j / grid_steps)
    bound = st.none() | on_grid | st.floats(low - 1.0, high + 1.0, allow_nan=False)
    lower, upper = draw(bound), draw(bound)
    party = draw(st.sampled_from(party_names)) if isinstance(issue, SplitIssue) else None
    return Condition(issue.name, low=lower, high=upper, party=party)


@st.composite
def condition_sets(draw, scenario_issues, party_names):
    """1-2 conditions on random issues (possibly the same one twice)."""
    chosen = draw(st.lists(st.sampled_from(scenario_issues), min_size=1, max_size=2))
    return tuple(draw(conditions(issue, party_names)) for issue in chosen)


@st.composite
def lotteries(draw):
    """A sure disagreement value or a 2-3 branch lottery whose probabilities sum to 1."""
    if draw(st.booleans()):
        return Lottery.sure(draw(unit_floats))
    raw = draw(st.lists(st.floats(0.05, 1.0), min_size=2, max_size=3))
    total = sum(raw)
    return Lottery(
        tuple(LotteryBranch(p / total, draw(unit_floats), f"branch {j}") for j, p in enumerate(raw))
    )


# --------------------------------------------------------------------------------------------
# Scenarios


@st.composite
def scenarios(
    draw,
    min_parties: int = 2,
    max_parties: int = 4,
    max_issues: int = 4,
    max_packages: int = 300,
    with_constraints: bool = True,
    with_interactions: bool = True,
) -> Scenario:
    """A random valid scenario with at most ``max_packages`` packages and at least one
    feasible package."""
    n_parties = draw(st.integers(min_parties, max_parties))
    party_names = PARTY_NAMES[:n_parties]
    n_issues = draw(st.integers(1, max_issues))
    scenario_issues = []
    size = 1
    for k in range(n_issues):
        issue = draw(issues(f"i{k}", n_parties, max_packages // size))
        scenario_issues.append(issue)
        size *= issue.n_levels_for(n_parties) if isinstance(issue, SplitIssue) else issue.n_levels
    scenario_issues = tuple(scenario_issues)
    issue_names = tuple(issue.name for issue in scenario_issues)

    parties = []
    for name in party_names:
        raw_weights = [
            draw(st.just(0.0) | st.floats(0.05, 1.0, allow_nan=False)) for _ in scenario_issues
        ]
        if sum(raw_weights) == 0.0:
            raw_weights[0] = 1.0
        total_weight = sum(raw_weights)
        weights = {n: w / total_weight for n, w in zip(issue_names, raw_weights, strict=True)}
        values = {}
        for issue in scenario_issues:
            if weights[issue.name] == 0.0 and draw(st.booleans()):
                values[issue.name] = None
            else:
                values[issue.name] = draw(value_functions(issue))
        trust = {n: draw(st.just(1.0) | st.floats(0.0, 1.0, allow_nan=False)) for n in issue_names}
        interactions = ()
        if with_interactions:
            interactions = tuple(
                Interaction(draw(condition_sets(scenario_issues, party_names)), draw(unit_floats))
                for _ in range(draw(st.integers(0, 2)))
            )
        parties.append(
            Party(
                name=name,
                label=name.title(),
                weights=weights,
                values=values,
                interactions=interactions,
                disagreement=draw(lotteries()),
                agreement_value=draw(st.just(0.0) | unit_floats),
                trust=trust,
            )
        )

    mediators = tuple(
        Mediator(
            f"m{j}",
            f"Mediator {j}",
            {
                party: {
                    issue: draw(st.floats(0.0, 1.0))
                    for issue in draw(st.lists(st.sampled_from(issue_names), unique=True))
                }
                for party in draw(st.lists(st.sampled_from(party_names), unique=True))
            },
        )
        for j in range(draw(st.integers(0, 2)))
    )

    protocol = Protocol(
        kind="alternating_offers",
        first_proposer=party_names[0],
        deadline=None,
        breakdown_risk=0.0,
        recognition={name: 1.0 / n_parties for name in party_names},
        rule="unanimity",
        lotteries=True,
    )
    scenario = Scenario(
        name="random",
        issues=scenario_issues,
        parties=tuple(parties),
        protocol=protocol,
        mediators=mediators,
    )
    if not with_constraints:
        return scenario

    # Keep at least one package feasible: drop the last constraints until one is.
    constraints = [
        Constraint(draw(condition_sets(scenario_issues, party_names)))
        for _ in range(draw(st.integers(0, 3)))
    ]
    packages = all_plain_packages(scenario)
    while constraints and all(
        any(plain_package_matches(c.conditions, scenario, package) for c in constraints)
        for package in packages
    ):
        constraints.pop()
    return Scenario(
        name=scenario.name,
        issues=scenario.issues,
        parties=scenario.parties,
        protocol=scenario.protocol,
        constraints=tuple(constraints),
        mediators=scenario.mediators,
    )


def all_plain_packages(scenario: Scenario) -> list[tuple]:
    """Every package as a tuple of plain levels, in enumeration order (itertools.product)."""
    return list(
        itertools.product(*(plain_levels(issue, scenario.n_parties) for issue in scenario.issues))
    )


def examples(count: int) -> int:
    """``count`` examples under the ``ci`` Hypothesis profile, a tenth of them (at least 3)
    under ``dev`` (``conftest.py``): scaled by the active profile's ``max_examples``
    against the ``ci`` profile's 100."""
    return max(3, round(count * settings.default.max_examples / 100))
