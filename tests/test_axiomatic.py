"""Axiomatic solutions: the axioms as properties, and degenerate inputs.

Point sets are written as scenarios with one categorical issue whose options are the
points (weights 1, values = utilities), so every check goes through ``analyze``.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from strategies import examples

from negsim.analysis.pipeline import analyze, solve
from negsim.analysis.records import Analysis
from negsim.format.loader import scenario_from_data
from negsim.solvers import axiomatic
from negsim.solvers.frontier import pareto_mask
from negsim.space import OutcomeSpace

TOL = 1e-9


def points_scenario(points: np.ndarray, disagreement: np.ndarray, powers=None) -> Analysis:
    n_parties, n_points = points.shape
    options = [f"p{j}" for j in range(n_points)]
    parties = {}
    for i in range(n_parties):
        parties[f"party{i}"] = {
            "values": {"outcome": {o: float(points[i, j]) for j, o in enumerate(options)}},
            "disagreement": float(disagreement[i]),
            "bargaining_power": 1.0 if powers is None else float(powers[i]),
        }
    data = {
        "negsim": 1,
        "name": "points",
        "issues": {"outcome": {"options": options}},
        "parties": parties,
    }
    return analyze(OutcomeSpace.from_scenario(scenario_from_data(data)))


def mix_utilities(utilities: np.ndarray, mix) -> np.ndarray:
    """The utilities of a lottery ``mix`` (weights summing to 1, all positive)."""
    weights = np.array([m.weight for m in mix])
    members = np.array([m.position for m in mix])
    assert weights.sum() == pytest.approx(1.0) and np.all(weights > 0)
    return utilities[:, members] @ weights


def criterion(name: str, points: np.ndarray, analysis: Analysis) -> np.ndarray:
    d = analysis.disagreement
    powers = np.array([p.bargaining_power for p in analysis.space.scenario.parties])
    if name == "nash":
        return axiomatic.nash_values(points, d, powers)
    if name == "kalai_smorodinsky":
        return axiomatic.proportional_gains(points, d, analysis.ideal - d)
    if name == "egalitarian":
        return axiomatic.proportional_gains(points, d, np.ones_like(d))
    return points.sum(axis=0)


@st.composite
def bargaining_problems(draw, n_parties: int | None = None):
    n = draw(st.integers(2, 3)) if n_parties is None else n_parties
    k = draw(st.integers(2, 25))
    points = draw(arrays(np.float64, (n, k), elements=st.integers(0, 1000).map(lambda v: v / 1000)))
    disagreement = draw(
        arrays(np.float64, (n,), elements=st.integers(0, 400).map(lambda v: v / 1000))
    )
    powers = draw(arrays(np.float64, (n,), elements=st.integers(1, 16).map(lambda v: v / 4)))
    assume(np.any(np.all(points > disagreement[:, None] + 1e-3, axis=0)))
    return points, disagreement, powers


SOLUTIONS = ("nash", "kalai_smorodinsky", "egalitarian", "utilitarian")


@settings(max_examples=examples(60), deadline=None)
@given(bargaining_problems())
def test_solutions_are_pareto_optimal_and_individually_rational(problem) -> None:
    points, d, powers = problem
    analysis = points_scenario(points, d, powers)
    utilities = analysis.space.utilities
    pareto = pareto_mask(utilities)
    for name in SOLUTIONS:
        solution = analysis.solutions[name]
        assert solution is not None
        assert pareto[solution.position]
        assert np.all(solution.utilities >= d - TOL)
        hull = solution.hull.utilities
        assert np.all(hull >= d - 1e-7)
        # no single package strictly dominates the hull point
        assert not np.any(np.all(utilities > hull[:, None] + 1e-7, axis=0))
        # the mix is a lottery of feasible packages that gives the hull point; for the
        # Kalai-Smorodinsky and egalitarian points (free disposal) at least the hull point,
        # exactly when it is Pareto-optimal, and the refinement is a lottery
        lottery = mix_utilities(utilities, solution.hull.mix)
        if solution.hull.weakly_pareto:
            assert np.all(lottery >= hull - 1e-9)
            refined = solution.hull.refined
            np.testing.assert_allclose(mix_utilities(utilities, refined.mix), refined.utilities,
                                       atol=1e-9)  # fmt: skip
        else:
            np.testing.assert_allclose(lottery, hull, atol=1e-9)


@settings(max_examples=examples(60), deadline=None)
@given(bargaining_problems())
def test_hull_is_never_worse_than_single_packages(problem) -> None:
    points, d, powers = problem
    analysis = points_scenario(points, d, powers)
    for name in SOLUTIONS:
        solution = analysis.solutions[name]
        pure = criterion(name, solution.utilities[:, None], analysis)[0]
        hull = criterion(name, solution.hull.utilities[:, None], analysis)[0]
        assert hull >= pure - 1e-9
        # the single package is the best single individually rational package
        rational = np.all(analysis.space.utilities >= d[:, None] - TOL, axis=0)
        assert pure >= criterion(name, analysis.space.utilities[:, rational], analysis).max() - 1e-9


@settings(max_examples=examples(60), deadline=None)
@given(bargaining_problems())
def test_utilitarian_maximizes_the_sum(problem) -> None:
    points, d, powers = problem
    analysis = points_scenario(points, d, powers)
    rational = np.all(points >= d[:, None] - TOL, axis=0)
    best = points[:, rational].sum(axis=0).max()
    solution = analysis.solutions["utilitarian"]
    assert solution.utilities.sum() == pytest.approx(best, abs=1e-12)
    assert solution.hull.utilities.sum() == pytest.approx(best, abs=1e-12)


@settings(max_examples=examples(60), deadline=None)
@given(bargaining_problems(n_parties=2), st.floats(0.3, 3.0), st.floats(-1.0, 1.0))
def test_nash_and_ks_move_with_affine_rescaling(problem, factor, shift) -> None:
    points, d, powers = problem
    before = points_scenario(points, d, powers)
    scaled = points.copy()
    scaled[0] = factor * points[0] + shift
    scaled_d = d.copy()
    scaled_d[0] = factor * d[0] + shift
    after = points_scenario(scaled, scaled_d, powers)
    for name in ("nash", "kalai_smorodinsky"):
        expected = before.solutions[name].hull.utilities.copy()
        expected[0] = factor * expected[0] + shift
        np.testing.assert_allclose(after.solutions[name].hull.utilities, expected, atol=1e-7)


def test_egalitarian_is_not_scale_invariant() -> None:
    pie = np.stack([np.linspace(0, 1, 11), np.linspace(1, 0, 11)])
    d = np.zeros(2)
    before = points_scenario(pie, d).solutions["egalitarian"].hull.utilities
    np.testing.assert_allclose(before, [0.5, 0.5])
    doubled = pie.copy()
    doubled[0] *= 2
    after = points_scenario(doubled, d).solutions["egalitarian"].hull.utilities
    np.testing.assert_allclose(after, [2 / 3, 2 / 3])  # not (2 * 0.5, 0.5)
    ks = points_scenario(doubled, d).solutions["kalai_smorodinsky"].hull.utilities
    np.testing.assert_allclose(ks, [1.0, 0.5])  # KS moves with the scale


@settings(max_examples=examples(40), deadline=None)
@given(bargaining_problems(), st.floats(0, 0.3))
def test_symmetric_problems_have_symmetric_solutions(problem, d0) -> None:
    points, _, _ = problem
    n = points.shape[0]
    # close the point set under every cyclic permutation of the parties
    symmetric = np.concatenate([np.roll(points, shift, axis=0) for shift in range(n)], axis=1)
    d = np.full(n, d0)
    assume(np.any(np.all(symmetric > d[:, None] + 1e-3, axis=0)))
    analysis = points_scenario(symmetric, d)
    for name in ("nash", "kalai_smorodinsky", "egalitarian"):
        hull = analysis.solutions[name].hull.utilities
        np.testing.assert_allclose(hull, np.full(n, hull.mean()), atol=1e-6)


# --------------------------------------------------------------------------------------------
# Degenerate inputs: clear answers, not errors


def test_no_zopa() -> None:
    analysis = points_scenario(np.array([[0.1, 0.5], [0.5, 0.1]]), np.array([0.4, 0.4]))
    assert analysis.zopa is False
    assert all(solution is None for solution in analysis.solutions.values())
    assert analysis.counts.individually_rational == 0 and analysis.ideal is None
    assert analysis.ranges is None
    payload = analysis.to_dict()
    assert payload["solutions"] == dict.fromkeys(SOLUTIONS)
    assert payload["ideal"] is None and payload["ranges"] is None and payload["pareto"] == []


def test_weakly_rational_package_but_no_zopa() -> None:
    analysis = points_scenario(np.array([[0.5, 0.2], [0.4, 0.9]]), np.array([0.5, 0.1]))
    assert analysis.zopa is False and analysis.counts.individually_rational == 1
    assert analysis.ideal is not None
    assert all(solution is None for solution in analysis.solutions.values())


def test_single_package() -> None:
    """Every solution is the package, but the egalitarian point (Kalai 1977), the largest
    equal gain with free disposal, is (0.6, 0.6): weakly Pareto-optimal, refined to it."""
    analysis = points_scenario(np.array([[0.7], [0.6]]), np.array([0.0, 0.0]))
    assert analysis.zopa and analysis.counts.pareto == 1
    for solution in analysis.solutions.values():
        assert solution.position == 0
        assert [(m.weight, m.position) for m in solution.hull.mix] == [(1.0, 0)]
        expected = [0.6, 0.6] if solution.name == "egalitarian" else [0.7, 0.6]
        np.testing.assert_allclose(solution.hull.utilities, expected)
        assert_refined_to(solution, [0.7, 0.6])
    np.testing.assert_allclose(analysis.ranges, [[0.7, 0.7], [0.6, 0.6]])


def test_all_packages_tied() -> None:
    analysis = points_scenario(np.full((2, 5), 0.5), np.array([0.1, 0.2]))
    assert analysis.counts.pareto == 5
    for solution in analysis.solutions.values():
        assert solution.position == 0  # ties go to the earliest package
        expected = [0.4, 0.5] if solution.name == "egalitarian" else [0.5, 0.5]
        np.testing.assert_allclose(solution.hull.utilities, expected)
        assert_refined_to(solution, [0.5, 0.5])


def test_one_party_indifferent() -> None:
    points = np.array([[0.2, 0.9, 0.5], [0.6, 0.6, 0.6]])
    analysis = points_scenario(points, np.array([0.1, 0.1]))
    assert analysis.counts.pareto == 1
    for solution in analysis.solutions.values():
        assert solution.position == 1
        expected = [0.6, 0.6] if solution.name == "egalitarian" else [0.9, 0.6]
        np.testing.assert_allclose(solution.hull.utilities, expected)
        assert_refined_to(solution, [0.9, 0.6])


def assert_refined_to(solution, package: list[float]) -> None:
    """A weakly Pareto-optimal hull point is refined to ``package``; the others are not
    refined (Kalai-Smorodinsky and egalitarian say so, Nash and utilitarian do not)."""
    hull = solution.hull
    if solution.name in ("nash", "utilitarian"):
        assert hull.weakly_pareto is None and hull.refined is None
    elif np.allclose(hull.utilities, package, rtol=0, atol=1e-9):
        assert hull.weakly_pareto is False and hull.refined is None
    else:
        assert hull.weakly_pareto is True
        np.testing.assert_allclose(hull.refined.utilities, package, atol=1e-9)


def test_three_party_pie_nash_is_exact_on_the_hull() -> None:
    """NBS-06 shape: u1 + u2 + u3 <= 1 from a split, a coarse grid: the hull is exact."""
    data = {
        "negsim": 1,
        "name": "three",
        "issues": {"pie": {"split": {"total": 1}, "resolution": 11}},
        "parties": {"a": {"disagreement": 0.1}, "b": {"disagreement": 0.2}, "c": {}},
    }
    analysis = solve(scenario_from_data(data))
    np.testing.assert_allclose(
        analysis.solutions["nash"].hull.utilities,
        [0.1 + 0.7 / 3, 0.2 + 0.7 / 3, 0.7 / 3],
        atol=1e-9,
    )
    np.testing.assert_allclose(
        analysis.solutions["egalitarian"].hull.utilities,
        [0.1 + 0.7 / 3, 0.2 + 0.7 / 3, 0.7 / 3],
        atol=1e-9,
    )
    assert len(analysis.solutions["nash"].hull.mix) <= 3
