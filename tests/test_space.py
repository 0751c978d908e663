"""Tests for negsim.space: enumeration order, feasibility and the utility matrix."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import all_plain_packages, examples, plain_package_matches, scenarios

from negsim.format.levels import feasibility_mask, issue_levels, split_shares
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
from negsim.space import OutcomeSpace, enumerate_space

PROPERTY_SETTINGS = settings(max_examples=examples(100), deadline=None)

# --------------------------------------------------------------------------------------------
# An independent, per-package reference of the spec's formula


def plain_value(function, x) -> float:
    """A value function at one point, in plain Python."""
    if isinstance(function, CategoricalValues):
        return function.values[x]
    if isinstance(function, PiecewiseLinear):
        xs, vs = function.xs, function.values
        if x <= xs[0]:
            return vs[0]
        if x >= xs[-1]:
            return vs[-1]
        for j in range(len(xs) - 1):
            if xs[j] <= x <= xs[j + 1]:
                return vs[j] + (x - xs[j]) / (xs[j + 1] - xs[j]) * (vs[j + 1] - vs[j])
        raise AssertionError("unreachable")
    base = (x - function.worst) / (function.best - function.worst)
    return min(max(base, 0.0), 1.0) ** function.exponent


def plain_trust(scenario: Scenario, party: Party, issue_name: str) -> float:
    trust = party.trust.get(issue_name, 1.0)
    for mediator in scenario.mediators:
        if issue_name in mediator.guarantees.get(party.name, {}):
            trust = max(trust, mediator.guarantees[party.name][issue_name])
    return trust


def plain_point(issue, level, party_index: int):
    """Where a party's value function is evaluated: option index, value or own share."""
    if isinstance(issue, CategoricalIssue):
        return issue.options.index(level)
    if isinstance(issue, SplitIssue):
        return level[party_index]
    return level


def plain_utilities(scenario: Scenario) -> tuple[list[int], list[list[float]]]:
    """Feasible grid positions and the utility of every feasible package, per party."""
    packages = all_plain_packages(scenario)
    feasible = [
        position
        for position, package in enumerate(packages)
        if not any(
            plain_package_matches(c.conditions, scenario, package) for c in scenario.constraints
        )
    ]
    rows = []
    for i, party in enumerate(scenario.parties):
        worst = {}
        for issue in scenario.issues:
            function = party.values[issue.name]
            if function is not None:
                levels = {package[scenario.issue_names.index(issue.name)] for package in packages}
                worst[issue.name] = min(
                    plain_value(function, plain_point(issue, level, i)) for level in levels
                )
        row = []
        for position in feasible:
            package = packages[position]
            total = 0.0
            for k, issue in enumerate(scenario.issues):
                function = party.values[issue.name]
                if function is None:
                    continue
                tau = plain_trust(scenario, party, issue.name)
                value = plain_value(function, plain_point(issue, package[k], i))
                total += party.weights[issue.name] * (tau * value + (1 - tau) * worst[issue.name])
            for interaction in party.interactions:
                if plain_package_matches(interaction.conditions, scenario, package):
                    total += interaction.value
            row.append(total + party.agreement_value)
        rows.append(row)
    return feasible, rows


# --------------------------------------------------------------------------------------------
# Helpers to build scenarios by hand

PROTOCOL = Protocol("alternating_offers", "us", None, 0.0, {}, "unanimity", True)
AMNESTY = CategoricalIssue("amnesty", ("none", "partial", "full"), "Amnesty")
RELIEF = NumericIssue("relief", 0.0, 100.0, 3, "Sanctions relief", unit="officials")


def party(name, weights, values, **kwargs) -> Party:
    return Party(name, name.title(), weights, values, **kwargs)


def two_issue_scenario(us_kwargs=None, leader_kwargs=None, **scenario_kwargs) -> Scenario:
    """amnesty x relief (3 x 3 = 9 packages); see test_hand_computed_two_issue."""
    us = party(
        "us",
        {"amnesty": 0.4, "relief": 0.6},
        {
            "amnesty": CategoricalValues((1.0, 0.6, 0.0)),
            "relief": PiecewiseLinear((0.0, 100.0), (1.0, 0.0)),
        },
        **(us_kwargs or {}),
    )
    leader = party(
        "leader",
        {"amnesty": 0.5, "relief": 0.5},
        {
            "amnesty": CategoricalValues((0.0, 0.5, 1.0)),
            "relief": PowerShape(best=100.0, worst=0.0, exponent=2.0),
        },
        **(leader_kwargs or {}),
    )
    return Scenario("toy", (AMNESTY, RELIEF), (us, leader), PROTOCOL, **scenario_kwargs)


def split_scenario(names, total, resolution, values, **scenario_kwargs) -> Scenario:
    pie = SplitIssue("pie", total, resolution, "Pie")
    parties = tuple(
        party(name, {"pie": 1.0}, {"pie": value}) for name, value in zip(names, values, strict=True)
    )
    protocol = Protocol("alternating_offers", names[0], None, 0.0, {}, "unanimity", True)
    return Scenario("pie", (pie,), parties, protocol, **scenario_kwargs)


# --------------------------------------------------------------------------------------------
# Properties on random scenarios


@PROPERTY_SETTINGS
@given(scenarios())
def test_package_count(scenario):
    space = OutcomeSpace.from_scenario(scenario)
    expected = 1
    for issue in scenario.issues:
        if isinstance(issue, SplitIssue):
            m, n = issue.resolution - 1, scenario.n_parties
            expected *= math.comb(m + n - 1, n - 1)
        elif isinstance(issue, NumericIssue):
            expected *= issue.resolution
        else:
            expected *= len(issue.options)
    assert space.n_packages == expected == scenario.n_packages
    assert math.prod(space.shape) == expected
    for issue, utility in zip(scenario.issues, space.issue_utilities, strict=True):
        assert utility.shape == (scenario.n_parties, scenario.n_levels(issue))


@PROPERTY_SETTINGS
@given(scenarios())
def test_utilities_match_per_package_formula(scenario):
    space = OutcomeSpace.from_scenario(scenario)
    feasible, rows = plain_utilities(scenario)
    assert space.utilities.dtype == np.float64
    assert space.utilities.shape == (scenario.n_parties, len(feasible))
    np.testing.assert_allclose(space.utilities, np.array(rows), rtol=0, atol=1e-10)
    np.testing.assert_allclose(
        space.disagreement, [p.disagreement.expected for p in scenario.parties], atol=1e-15
    )


@PROPERTY_SETTINGS
@given(scenarios())
def test_feasible_packages_match_no_constraint(scenario):
    space = OutcomeSpace.from_scenario(scenario)
    packages = all_plain_packages(scenario)
    expected = [
        position
        for position, package in enumerate(packages)
        if not any(
            plain_package_matches(c.conditions, scenario, package) for c in scenario.constraints
        )
    ]
    assert expected, "the strategy keeps one package feasible"
    mask = feasibility_mask(scenario)
    assert mask.shape == (space.n_packages,)
    assert np.flatnonzero(mask).tolist() == expected
    assert space.n_feasible == len(expected)
    if space.feasible_index is None:
        assert expected == list(range(space.n_packages))
    else:
        assert space.feasible_index.dtype == np.int64
        assert space.feasible_index.tolist() == expected
        assert space.n_feasible < space.n_packages
    assert space.is_additive == (
        not scenario.constraints and not any(p.interactions for p in scenario.parties)
    )


@PROPERTY_SETTINGS
@given(scenarios(max_packages=120))
def test_package_round_trip(scenario):
    space = OutcomeSpace.from_scenario(scenario)
    packages = all_plain_packages(scenario)
    grid = range(space.n_packages) if space.feasible_index is None else space.feasible_index
    all_levels = space.levels(np.arange(space.n_feasible))
    assert all_levels.shape == (len(scenario.issues), space.n_feasible)
    for position, flat in enumerate(grid):
        plain = packages[int(flat)]
        package = space.package(position)
        levels = space.levels(position)
        assert levels.shape == (len(scenario.issues),)
        assert levels.tolist() == all_levels[:, position].tolist()
        assert list(package) == list(scenario.issue_names)
        for k, issue in enumerate(scenario.issues):
            got = package[issue.name]
            if isinstance(issue, CategoricalIssue):
                assert got == plain[k] == issue.options[levels[k]]
            elif isinstance(issue, NumericIssue):
                assert isinstance(got, float)
                assert got == pytest.approx(plain[k], abs=1e-12)
                assert got == issue.grid()[levels[k]]
            else:
                assert list(got) == list(scenario.party_names)
                assert all(isinstance(share, float) for share in got.values())
                assert list(got.values()) == pytest.approx(plain[k], abs=1e-12)
        assert space.position_of(package) == position


@settings(max_examples=examples(40), deadline=None)
@given(st.integers(2, 9), st.integers(1, 5), st.floats(0.1, 100.0))
def test_split_shares_are_the_lexicographic_simplex_grid(resolution, n_parties, total):
    shares = split_shares(total, resolution, n_parties)
    m = resolution - 1
    assert shares.shape == (math.comb(m + n_parties - 1, n_parties - 1), n_parties)
    steps = np.rint(shares * m / total).astype(int)
    np.testing.assert_allclose(shares, total * steps / m, rtol=0, atol=0)
    assert (steps.sum(axis=1) == m).all()
    assert (steps >= 0).all()
    as_tuples = [tuple(row) for row in steps.tolist()]
    assert as_tuples == sorted(set(as_tuples))  # strictly increasing: lexicographic, no repeats


# --------------------------------------------------------------------------------------------
# Hand-computed examples


def test_hand_computed_two_issue():
    # us:     0.4 * amnesty{1, .6, 0} + 0.6 * relief{0: 1, 100: 0} -> relief values 1, .5, 0
    # leader: 0.5 * amnesty{0, .5, 1} + 0.5 * (relief / 100) ** 2  -> relief values 0, .25, 1
    space = OutcomeSpace.from_scenario(two_issue_scenario())
    assert space.shape == (3, 3)
    assert space.n_packages == space.n_feasible == 9
    assert space.feasible_index is None
    assert space.is_additive
    expected = [
        [1.0, 0.7, 0.4, 0.84, 0.54, 0.24, 0.6, 0.3, 0.0],
        [0.0, 0.125, 0.5, 0.25, 0.375, 0.75, 0.5, 0.625, 1.0],
    ]
    np.testing.assert_allclose(space.utilities, expected, rtol=0, atol=1e-15)
    np.testing.assert_allclose(space.issue_utilities[0], [[0.4, 0.24, 0.0], [0.0, 0.25, 0.5]])
    np.testing.assert_allclose(space.issue_utilities[1], [[0.6, 0.3, 0.0], [0.0, 0.125, 0.5]])
    assert space.package(0) == {"amnesty": "none", "relief": 0.0}
    assert space.package(5) == {"amnesty": "partial", "relief": 100.0}
    assert space.levels([5, 7]).tolist() == [[1, 2], [2, 1]]
    np.testing.assert_array_equal(space.disagreement, [0.0, 0.0])


def test_interactions_constraints_agreement_value():
    scenario = two_issue_scenario(
        us_kwargs={
            # full amnesty with at least 50 officials relieved costs us 0.2
            "interactions": (
                Interaction(
                    (Condition("amnesty", options=("full",)), Condition("relief", low=50.0)),
                    -0.2,
                ),
            ),
            "disagreement": Lottery.sure(0.3),
        },
        leader_kwargs={
            "agreement_value": 0.1,
            "disagreement": Lottery(
                (LotteryBranch(0.6, 0.1, "holds on"), LotteryBranch(0.4, -0.5, "removed"))
            ),
        },
        # forbid full amnesty with no relief at all
        constraints=(
            Constraint((Condition("amnesty", options=("full",)), Condition("relief", high=0.0))),
        ),
    )
    space = OutcomeSpace.from_scenario(scenario)
    assert not space.is_additive
    assert space.n_packages == 9
    assert space.feasible_index.tolist() == [0, 1, 2, 3, 4, 5, 7, 8]
    expected = [
        [1.0, 0.7, 0.4, 0.84, 0.54, 0.24, 0.3 - 0.2, 0.0 - 0.2],
        [0.1, 0.225, 0.6, 0.35, 0.475, 0.85, 0.725, 1.1],
    ]
    np.testing.assert_allclose(space.utilities, expected, rtol=0, atol=1e-15)
    np.testing.assert_allclose(space.disagreement, [0.3, 0.6 * 0.1 - 0.4 * 0.5], atol=1e-15)
    assert space.package(6) == {"amnesty": "full", "relief": 50.0}
    assert space.levels(6).tolist() == [2, 1]
    assert space.position_of({"amnesty": "full", "relief": 100.0}) == 7
    with pytest.raises(KeyError, match="infeasible"):
        space.position_of({"amnesty": "full", "relief": 0.0})


def test_trust_moves_values_toward_the_worst_case():
    # leader believes 60% of an amnesty promise: amnesty values {0, .5, 1} -> {0, .3, .6}
    # us believes half of a relief promise: relief values {1, .5, 0} -> {.5, .25, 0}
    scenario = two_issue_scenario(
        us_kwargs={"trust": {"amnesty": 1.0, "relief": 0.5}},
        leader_kwargs={"trust": {"amnesty": 0.6, "relief": 1.0}},
    )
    space = OutcomeSpace.from_scenario(scenario)
    np.testing.assert_allclose(space.issue_utilities[0][1], [0.0, 0.15, 0.3], atol=1e-15)
    np.testing.assert_allclose(space.issue_utilities[1][0], [0.3, 0.15, 0.0], atol=1e-15)
    np.testing.assert_allclose(
        space.utilities[1], [0.0, 0.125, 0.5, 0.15, 0.275, 0.65, 0.3, 0.425, 0.8], atol=1e-15
    )


def test_trust_uses_the_lowest_value_even_when_negative():
    amnesty_values = CategoricalValues((-1.0, 0.0, 1.0))
    scenario = two_issue_scenario(leader_kwargs={"trust": {"amnesty": 0.5}})
    leader = scenario.parties[1]
    leader = party(
        "leader", leader.weights, {**leader.values, "amnesty": amnesty_values}, trust=leader.trust
    )
    scenario = Scenario("toy", scenario.issues, (scenario.parties[0], leader), PROTOCOL)
    space = OutcomeSpace.from_scenario(scenario)
    # 0.5 * v + 0.5 * (-1), weight 0.5
    np.testing.assert_allclose(space.issue_utilities[0][1], [-0.5, -0.25, 0.0], atol=1e-15)


def test_mediator_raises_trust_but_never_lowers_it():
    raised = two_issue_scenario(
        leader_kwargs={"trust": {"amnesty": 0.6}},
        mediators=(Mediator("qatar", "Qatar", {"leader": {"amnesty": 0.9}}),),
    )
    space = OutcomeSpace.from_scenario(raised)
    np.testing.assert_allclose(space.issue_utilities[0][1], [0.0, 0.225, 0.45], atol=1e-15)
    weaker = two_issue_scenario(
        leader_kwargs={"trust": {"amnesty": 0.6}},
        mediators=(Mediator("m", "M", {"leader": {"amnesty": 0.3}, "us": {"relief": 0.2}}),),
    )
    space = OutcomeSpace.from_scenario(weaker)
    np.testing.assert_allclose(space.issue_utilities[0][1], [0.0, 0.15, 0.3], atol=1e-15)
    np.testing.assert_allclose(space.issue_utilities[1][0], [0.6, 0.3, 0.0], atol=1e-15)


def test_split_order_two_parties():
    np.testing.assert_array_equal(split_shares(1.0, 3, 2), [[0.0, 1.0], [0.5, 0.5], [1.0, 0.0]])
    np.testing.assert_array_equal(split_shares(4.0, 5, 2), [[0, 4], [1, 3], [2, 2], [3, 1], [4, 0]])


def test_split_order_three_parties():
    # m = 2 steps: compositions (k1, k2, k3) lexicographic
    expected_steps = [(0, 0, 2), (0, 1, 1), (0, 2, 0), (1, 0, 1), (1, 1, 0), (2, 0, 0)]
    np.testing.assert_array_equal(split_shares(1.0, 3, 3), np.array(expected_steps) / 2)
    assert split_shares(1.0, 101, 3).shape == (math.comb(102, 2), 3)
    assert split_shares(1.0, 2, 1).tolist() == [[1.0]]


def test_split_utilities_use_own_absolute_share():
    # total 10, resolution 3: shares (0, 10), (5, 5), (10, 0)
    scenario = split_scenario(
        ("a", "b"),
        10.0,
        3,
        (PowerShape(10.0, 0.0, 1.0), PowerShape(10.0, 0.0, 0.5)),
        constraints=(Constraint((Condition("pie", party="b", low=9.0),)),),
    )
    space = OutcomeSpace.from_scenario(scenario)
    assert space.shape == (3,)
    assert space.feasible_index.tolist() == [1, 2]
    np.testing.assert_allclose(space.utilities, [[0.5, 1.0], [math.sqrt(0.5), 0.0]], atol=1e-15)
    assert space.package(0) == {"pie": {"a": 5.0, "b": 5.0}}
    assert space.describe_level(0, 0) == "a 0, b 10"
    assert space.position_of({"pie": {"a": 10.0, "b": 0.0}}) == 1


def test_split_points_and_interaction_on_a_share():
    # a values its share by points in absolute units; b gets 0.25 more when a has >= 0.5
    scenario = split_scenario(
        ("a", "b", "c"),
        1.0,
        3,
        (
            PiecewiseLinear((0.0, 0.5, 1.0), (0.0, 0.8, 1.0)),
            PowerShape(1.0, 0.0, 1.0),
            PowerShape(1.0, 0.0, 2.0),
        ),
    )
    b = scenario.parties[1]
    share_condition = Condition("pie", party="a", low=0.5, high=None)
    b = party("b", b.weights, b.values, interactions=(Interaction((share_condition,), 0.25),))
    parties = (scenario.parties[0], b, scenario.parties[2])
    scenario = Scenario("pie", scenario.issues, parties, scenario.protocol)
    space = OutcomeSpace.from_scenario(scenario)
    # points: (0,0,1) (0,.5,.5) (0,1,0) (.5,0,.5) (.5,.5,0) (1,0,0)
    np.testing.assert_allclose(
        space.utilities,
        [
            [0.0, 0.0, 0.0, 0.8, 0.8, 1.0],
            [0.0, 0.5, 1.0, 0.25, 0.75, 0.25],
            [1.0, 0.25, 0.0, 0.25, 0.0, 0.0],
        ],
        atol=1e-15,
    )


def test_split_without_value_function_defaults_to_share_over_total():
    scenario = split_scenario(("a", "b"), 2.0, 3, (None, PowerShape(2.0, 0.0, 1.0)))
    np.testing.assert_allclose(
        OutcomeSpace.from_scenario(scenario).utilities, [[0.0, 0.5, 1.0], [1.0, 0.5, 0.0]]
    )


def test_zero_weight_issue_without_value_function_contributes_nothing():
    us = party(
        "us",
        {"amnesty": 1.0, "relief": 0.0},
        {"amnesty": CategoricalValues((1.0, 0.5, 0.0)), "relief": None},
    )
    leader = party(
        "leader",
        {"amnesty": 0.0, "relief": 1.0},
        {"amnesty": None, "relief": PiecewiseLinear((0.0, 100.0), (0.0, 1.0))},
    )
    space = OutcomeSpace.from_scenario(Scenario("t", (AMNESTY, RELIEF), (us, leader), PROTOCOL))
    np.testing.assert_allclose(
        space.utilities,
        [[1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.0, 0.0, 0.0], [0.0, 0.5, 1.0] * 3],
        atol=1e-15,
    )


def test_numeric_conditions_compare_with_tolerance_and_bounds_are_inclusive():
    issue = NumericIssue("x", 0.0, 1.0, 11, "X")
    assert issue_levels(issue, 2)[3] == 0.3
    us = party("us", {"x": 1.0}, {"x": PiecewiseLinear((0.0, 1.0), (0.0, 1.0))})
    them = party("them", {"x": 1.0}, {"x": PiecewiseLinear((0.0, 1.0), (1.0, 0.0))})

    def feasible(*conditions):
        scenario = Scenario(
            "x", (issue,), (us, them), PROTOCOL, constraints=(Constraint(conditions),)
        )
        index = OutcomeSpace.from_scenario(scenario).feasible_index
        return list(range(11)) if index is None else index.tolist()

    # values within 1e-9 of a grid point match it; bounds are inclusive within 1e-9
    assert feasible(Condition("x", values=(0.3 + 5e-10, 0.7 - 5e-10))) == [
        0,
        1,
        2,
        4,
        5,
        6,
        8,
        9,
        10,
    ]
    assert feasible(Condition("x", values=(0.3 + 5e-9,))) == list(range(11))
    assert feasible(Condition("x", low=0.3 + 5e-10, high=0.7 - 5e-10)) == [0, 1, 2, 8, 9, 10]
    assert feasible(Condition("x", low=0.7 + 5e-10)) == [0, 1, 2, 3, 4, 5, 6]
    assert feasible(Condition("x", high=0.3 - 1e-6)) == list(range(3, 11))
    assert feasible(Condition("x", values=(0.35,))) == list(range(11))


def test_constraint_conditions_on_several_issues_combine_by_and():
    scenario = two_issue_scenario(
        constraints=(
            Constraint((Condition("amnesty", options=("none", "full")),)),
            Constraint((Condition("amnesty", options=("partial",)), Condition("relief", low=60))),
        )
    )
    space = OutcomeSpace.from_scenario(scenario)
    assert space.feasible_index.tolist() == [3, 4]
    np.testing.assert_allclose(space.utilities, [[0.84, 0.54], [0.25, 0.375]], atol=1e-15)


def test_no_feasible_package_is_an_error():
    scenario = two_issue_scenario(
        constraints=(
            Constraint((Condition("relief", high=50.0),)),
            Constraint((Condition("relief", low=50.0),)),
        )
    )
    with pytest.raises(ValueError, match=r"^no feasible package$"):
        OutcomeSpace.from_scenario(scenario)


def test_constraints_that_remove_nothing_leave_feasible_index_none():
    scenario = two_issue_scenario(constraints=(Constraint((Condition("relief", low=101.0),)),))
    space = OutcomeSpace.from_scenario(scenario)
    assert space.feasible_index is None
    assert space.n_feasible == 9


def test_space_larger_than_memory_limit_is_an_error(monkeypatch):
    monkeypatch.setenv("NEGSIM_MEMORY_LIMIT", "100")
    with pytest.raises(ValueError, match="too large"):
        OutcomeSpace.from_scenario(two_issue_scenario())


def test_levels_rejects_positions_out_of_range():
    space = enumerate_space(two_issue_scenario())
    with pytest.raises(IndexError):
        space.levels(9)
    with pytest.raises(IndexError):
        space.levels([-1])
    with pytest.raises(TypeError):
        space.levels([0.5])
    assert space.levels([]).shape == (2, 0)


def test_arrays_are_read_only():
    space = enumerate_space(two_issue_scenario())
    for array in (space.utilities, space.disagreement, *space.issue_utilities):
        with pytest.raises(ValueError):
            array[0] = 1.0


def test_labels():
    space = enumerate_space(two_issue_scenario())
    assert space.level_labels(0) == ["none", "partial", "full"]
    assert space.level_labels(1) == ["0 officials", "50 officials", "100 officials"]
    assert space.describe_package(4) == "amnesty=partial; relief=50 officials"
    assert space.is_enumerated
    assert space.n_parties == 2
    assert space.n_issues == 2


def test_issue_levels_by_kind():
    np.testing.assert_array_equal(issue_levels(AMNESTY, 2), [0, 1, 2])
    np.testing.assert_array_equal(issue_levels(RELIEF, 2), [0.0, 50.0, 100.0])
    np.testing.assert_array_equal(
        issue_levels(SplitIssue("pie", 1.0, 2, "Pie"), 3), [[0, 0, 1], [0, 1, 0], [1, 0, 0]]
    )


SPEC_EXAMPLE = """\
negsim: 1
name: Exit talks (toy)
issues:
  amnesty:
    options: [none, partial, full]
  sanctions_relief:
    range: [0, 100]
    resolution: 11
  oil_revenue:
    split: {total: 1.0}
    resolution: 101
parties:
  us:
    weights: {amnesty: 0.2, sanctions_relief: 0.3, oil_revenue: 0.5}
    values:
      amnesty: {none: 1.0, partial: 0.6, full: 0.0}
      sanctions_relief: {0: 1.0, 100: 0.0}
    disagreement: 0.3
  leader:
    weights: {amnesty: 0.5, sanctions_relief: 0.2, oil_revenue: 0.3}
    values:
      amnesty: {none: 0.0, partial: 0.5, full: 1.0}
      sanctions_relief: {0: 0.0, 100: 1.0}
      oil_revenue: {exponent: 0.5}
    disagreement:
      lottery:
        - {p: 0.6, value: 0.1}
        - {p: 0.4, value: -0.5}
    trust: {amnesty: 0.6}
"""


def test_spec_example_loaded_from_yaml():
    scenario_module = pytest.importorskip("negsim.format.loader")
    space = enumerate_space(scenario_module.load_scenario_text(SPEC_EXAMPLE, "example.yaml"))
    assert space.shape == (3, 11, 101)
    assert space.n_packages == space.n_feasible == 3333
    np.testing.assert_allclose(space.disagreement, [0.3, -0.14], atol=1e-15)
    package = {
        "amnesty": "partial",
        "sanctions_relief": 50.0,
        "oil_revenue": {"us": 0.3, "leader": 0.7},
    }
    position = space.position_of(package)
    assert position == 1 * 11 * 101 + 5 * 101 + 30
    # us: 0.2 * 0.6 + 0.3 * 0.5 + 0.5 * 0.3 (default: share / total)
    # leader: 0.5 * (0.6 * 0.5 + 0.4 * 0) + 0.2 * 0.5 + 0.3 * sqrt(0.7)
    np.testing.assert_allclose(
        space.utilities[:, position], [0.42, 0.15 + 0.1 + 0.3 * math.sqrt(0.7)], atol=1e-12
    )


@settings(max_examples=examples(100), deadline=None)
@given(st.data())
def test_categorical_feasibility_without_arrays_matches_the_mask(data):
    """The box-covering check of negsim.format.feasibility agrees with the feasibility mask."""
    from negsim.format.feasibility import any_feasible
    from negsim.format.model import CategoricalIssue, Condition, Constraint

    sizes = data.draw(st.lists(st.integers(1, 4), min_size=1, max_size=4))
    issues = tuple(
        CategoricalIssue(f"i{k}", tuple(f"o{j}" for j in range(n)), f"i{k}")
        for k, n in enumerate(sizes)
    )
    constraints = []
    for _ in range(data.draw(st.integers(1, 6))):
        named = data.draw(st.lists(st.sampled_from(issues), min_size=1, max_size=len(issues)))
        conditions = tuple(
            Condition(issue.name, options=tuple(
                data.draw(st.lists(st.sampled_from(issue.options), min_size=1, unique=True))))
            for issue in named
        )  # fmt: skip
        constraints.append(Constraint(conditions))
    weights = {issue.name: 1.0 / len(issues) for issue in issues}
    values = {issue.name: CategoricalValues(tuple(0.0 for _ in issue.options)) for issue in issues}
    parties = tuple(Party(name, name, weights, dict(values)) for name in ("a", "b"))
    protocol = Protocol("alternating_offers", "a", None, 0.0, {}, "unanimity", True)
    scenario = Scenario("x", issues, parties, protocol, constraints=tuple(constraints))
    assert any_feasible(scenario) == bool(feasibility_mask(scenario).any())
