"""Reference tests: axiomatic bargaining solutions and multi-issue logrolling.

Every case here is a published result listed in ``tests/published-cases.yaml`` (a copy of
the project's shared reference set), encoded as a scenario file under ``tests/reference/``
and reproduced through negsim's public interface, ``negsim solve FILE --format json``
(``spec/cli.md``). Expected numbers are read from ``cases.yaml`` by case id, never retyped
here; quantities without a JSON field of their own (a Nash product, an equal split, a joint
gain) are derived from the JSON fields that exist.

Which field is compared: ``solutions.<name>.hull.utilities`` is the solution over the convex
hull of the individually rational utility vectors (lotteries allowed), the literature's
continuous answer; ``solutions.<name>.utilities`` is the best single grid package, compared
only where the exact answer is itself a grid package.
"""

from __future__ import annotations

import itertools
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from published import CASES, load_yaml, scenario_file, solve, tolerance

NBS01 = "NBS-01-linear-pie-disagreement"
NBS02 = "NBS-02-sqrt-frontier-nash-ks-egal"
NBS04 = "NBS-04-divide-dollar-risk-aversion"
NBS05 = "NBS-05-generalized-nash-bargaining-power"
NBS06 = "NBS-06-three-player-nash"
KS01 = "KS-01-kalai-smorodinsky-1975-monotonicity-example"
MI02 = "MI-02-logrolling-integrative-gains"

FLOAT_SLACK = 1e-9
"""Utilities are compared with this absolute tolerance (spec/scenario.md); used where a
quantity is exact (linear value functions, grid points) and the case gives no tolerance."""


# --------------------------------------------------------------------------------------------
# Helpers


def scenario_yaml(path: Path) -> dict[str, Any]:
    """The scenario file as plain YAML (to read the encoding: resolutions, value points)."""
    return load_yaml(path)


def vector(data: dict[str, Any], by_party: dict[str, float]) -> list[float]:
    """A ``{party: float}`` JSON object as a list in party order."""
    assert set(by_party) == set(data["parties"])
    return [float(by_party[party]) for party in data["parties"]]


def hull_utilities(data: dict[str, Any], solution: str) -> list[float]:
    entry = data["solutions"][solution]
    assert entry is not None, f"no {solution} solution (zopa={data['zopa']})"
    return vector(data, entry["hull"]["utilities"])


def close(expected: Any, tol: float) -> Any:
    """``pytest.approx`` with an absolute tolerance only."""
    return pytest.approx(expected, abs=tol, rel=0)


def chord_sag_bound(step: float, max_curvature: float) -> float:
    """Largest gap between a smooth concave curve and its chord over an interval of width
    ``step``: ``step^2 / 8 * max|g''|`` (Taylor expansion about the interval's midpoint).

    negsim works on the convex hull of grid points, i.e. on such chords, so a solution that
    is the crossing of a ray with the frontier (Kalai-Smorodinsky, egalitarian) moves by no
    more than this: O(h^2)."""
    return step * step / 8 * max_curvature


def on_grid(value: float, step: float, tol: float) -> bool:
    """``value`` lies (within ``tol``) on the grid ``0, step, 2 step, ...``."""
    return abs(value - round(value / step) * step) <= tol


# --------------------------------------------------------------------------------------------
# Linear unit pies: NBS-01 (symmetric Nash), NBS-05 (generalized Nash), NBS-06 (3 players)


def linear_pie_case(case_id: str) -> tuple[list[float], list[float], list[float]]:
    """``(disagreement, Nash weights, expected utilities)`` of a linear-pie case."""
    case = CASES[case_id]
    if case_id == NBS01:
        disagreement = case["inputs"]["disagreement"]
        return disagreement, [1.0] * len(disagreement), case["expected"]["u"]
    if case_id == NBS05:
        inputs = case["inputs"]["sub_case_linear"]
        return inputs["disagreement"], inputs["weights"], case["expected"]["linear"]
    if case_id == NBS06:
        inputs = case["inputs"]
        return inputs["disagreement"], inputs["weights_symmetric"], case["expected"]["symmetric"]
    raise KeyError(case_id)


LINEAR_PIES = [NBS01, NBS05, NBS06]


@pytest.mark.parametrize("case_id", LINEAR_PIES, ids=LINEAR_PIES)
def test_linear_pie_encodes_the_case(case_id: str) -> None:
    """The scenario file carries the case's disagreement point and Nash weights."""
    disagreement, weights, _ = linear_pie_case(case_id)
    path = scenario_file(case_id)
    data = solve(path)
    assert vector(data, data["disagreement"]) == close(disagreement, FLOAT_SLACK)
    parties = scenario_yaml(path)["parties"]
    powers = np.array([float(p.get("bargaining_power", 1.0)) for p in parties.values()])
    assert powers / powers.sum() == close(np.array(weights) / sum(weights), FLOAT_SLACK)


@pytest.mark.parametrize("case_id", LINEAR_PIES, ids=LINEAR_PIES)
def test_linear_pie_nash_hull(case_id: str) -> None:
    """The (generalized) Nash solution over the hull: u_i = d_i + a_i (1 - sum d).

    The frontier is linear and the grid contains the disagreement utilities, so the hull of
    the individually rational packages is exactly the case's set: the case tolerance applies.
    """
    disagreement, weights, expected = linear_pie_case(case_id)
    data = solve(scenario_file(case_id))
    assert data["zopa"] is True
    actual = hull_utilities(data, "nash")
    assert actual == close(expected, tolerance(case_id))
    # The hull point is at least as good as the best single package by the same criterion.
    single = vector(data, data["solutions"]["nash"]["utilities"])

    def log_product(u: list[float]) -> float:
        gains = np.array(u) - np.array(disagreement)
        return float(np.sum(np.array(weights) * np.log(np.maximum(gains, 1e-300))))

    assert log_product(actual) >= log_product(single) - FLOAT_SLACK


@pytest.mark.parametrize("case_id", LINEAR_PIES, ids=LINEAR_PIES)
def test_linear_pie_ideal_and_ranges(case_id: str) -> None:
    """On {u >= d, sum u <= 1} party i gets at most 1 - sum_{j != i} d_j (its ideal) and
    at least d_i on the frontier: the bargaining range [d_i, 1 - sum_{j != i} d_j]."""
    disagreement, _, _ = linear_pie_case(case_id)
    data = solve(scenario_file(case_id))
    total = sum(disagreement)
    best = [1.0 - (total - d) for d in disagreement]
    tol = tolerance(case_id)
    assert vector(data, data["ideal"]) == close(best, tol)
    ranges = [data["ranges"][party] for party in data["parties"]]
    assert [low for low, _ in ranges] == close(disagreement, tol)
    assert [high for _, high in ranges] == close(best, tol)


# --------------------------------------------------------------------------------------------
# NBS-02: frontier u2 = sqrt(1 - u1), Nash vs Kalai-Smorodinsky vs egalitarian


def nbs02_step() -> float:
    """The u1 grid step of the NBS-02 encoding (player 1's share, linear)."""
    issue = scenario_yaml(scenario_file(NBS02))["issues"]["pie"]
    return float(issue["split"]["total"]) / (int(issue["resolution"]) - 1)


def nbs02_frontier(u1: float) -> float:
    """The case's frontier g(u1) = sqrt(1 - u1) (cases.yaml, NBS-02 inputs)."""
    return math.sqrt(1.0 - u1)


def nbs02_curvature(u1: float) -> float:
    """|g''(u1)| = (1 - u1)^(-3/2) / 4, increasing in u1."""
    return (1.0 - u1) ** -1.5 / 4


NBS02_SOLUTIONS = ["nash", "kalai_smorodinsky", "egalitarian"]


@pytest.mark.slow
@pytest.mark.parametrize("solution", NBS02_SOLUTIONS, ids=[f"{NBS02}-{s}" for s in NBS02_SOLUTIONS])
def test_nbs02_curved_frontier_hull(solution: str) -> None:
    """Hull solutions on the sqrt frontier, at the case tolerance.

    Why the case tolerance (1e-6) is justified at this resolution: the hull frontier is the
    chain of chords between grid points of step h (1/30000 in u1). KS and egalitarian are
    where the diagonal u1 = u2 crosses that chain; the chain lies below the curve by at most
    h^2/8 max|g''| (about 1.5e-10, asserted below), so they move by no more than that. The
    Nash point has u1 = 2/3 on the grid (asserted below): it is then a vertex of the chain,
    and the curve's tangent there supports the hull, so the hull's Nash point is exact; on a
    grid missing it, the error would be O(h) in the utilities, O(h^2) in the product.
    """
    expected = CASES[NBS02]["expected"][solution]
    tol = tolerance(NBS02)
    step = nbs02_step()
    if solution == "nash":
        assert on_grid(expected[0], step, tol), "the Nash share should lie on the grid"
    else:
        bound = chord_sag_bound(step, nbs02_curvature(expected[0] + step))
        assert bound < tol / 100, f"resolution too coarse: chord error bound {bound:.2e}"
    data = solve(scenario_file(NBS02))
    assert data["zopa"] is True
    actual = hull_utilities(data, solution)
    assert actual == close(expected, tol)
    # the answer lies on the case's frontier (within the chord error)
    assert actual[1] == close(nbs02_frontier(actual[0]), tol)


@pytest.mark.slow
def test_nbs02_nash_product_and_grid_package() -> None:
    """The Nash product u1 u2 (derived), and the best single package: 2/3 is on the grid, so
    the best grid package is the exact Nash point too."""
    expected = CASES[NBS02]["expected"]
    tol = tolerance(NBS02)
    data = solve(scenario_file(NBS02))
    d = vector(data, data["disagreement"])
    hull = hull_utilities(data, "nash")
    assert (hull[0] - d[0]) * (hull[1] - d[1]) == close(expected["nash_product"], tol)
    single = vector(data, data["solutions"]["nash"]["utilities"])
    assert single == close(expected["nash"], tol)
    # Nash gives the risk-averse player 2 less than KS does
    assert hull[1] < hull_utilities(data, "kalai_smorodinsky")[1]


@pytest.mark.slow
def test_nbs02_ideal_point() -> None:
    """The ideal point is (max u1, g(0)) on the frontier 0 <= u1 <= 1: the grid holds both
    ends of the pie exactly."""
    data = solve(scenario_file(NBS02))
    assert vector(data, data["ideal"]) == close([1.0, nbs02_frontier(0.0)], FLOAT_SLACK)


# --------------------------------------------------------------------------------------------
# NBS-04: dividing a dollar with u2 = (1 - x)^alpha, x1 = 1/(1 + alpha)

NBS04_ALPHAS = [float(alpha) for alpha in CASES[NBS04]["inputs"]["alpha"]]


def nbs04_file(alpha: float) -> Path:
    return scenario_file(NBS04, f"alpha-{alpha}")


@pytest.mark.slow
@pytest.mark.parametrize("alpha", NBS04_ALPHAS, ids=[f"{NBS04}-alpha-{a}" for a in NBS04_ALPHAS])
def test_nbs04_risk_aversion(alpha: float) -> None:
    """Nash share x1 of player 1, from the hull's interpolated package, and the utilities.

    The resolution (30001 points, step 1/30000) puts x1 = 1/(1 + alpha) on the grid
    (asserted): the Nash point is then a vertex of the hull supported by the curve's own
    tangent, so the hull answer is exact up to rounding and the case tolerance applies
    (a chord approximation would be O(h^2) in the Nash product, O(h) in x1).
    """
    expected_x1 = float(CASES[NBS04]["expected"]["x1_by_alpha"][str(alpha)])
    tol = tolerance(NBS04)
    issue = scenario_yaml(nbs04_file(alpha))["issues"]["x"]
    low, high = issue["range"]
    step = (high - low) / (int(issue["resolution"]) - 1)
    assert on_grid(expected_x1 - low, step, tol), "x1 should lie on the grid"

    data = solve(nbs04_file(alpha))
    nash = data["solutions"]["nash"]
    assert nash["hull"]["package"] is not None
    assert nash["hull"]["package"]["x"] == close(expected_x1, tol)
    # u1 = x, u2 = (1 - x)^alpha, derived from the expected share
    expected_u = [expected_x1, (1.0 - expected_x1) ** alpha]
    assert hull_utilities(data, "nash") == close(expected_u, tol)
    # x1 is a grid point, so it is also the best single package
    assert nash["package"]["x"] == close(expected_x1, tol)


@pytest.mark.slow
def test_nbs04_more_risk_averse_gets_less() -> None:
    """The more risk-averse player 2 (smaller alpha) gets a smaller share 1 - x1."""
    shares = {
        alpha: 1.0 - solve(nbs04_file(alpha))["solutions"]["nash"]["hull"]["package"]["x"]
        for alpha in NBS04_ALPHAS
    }
    by_alpha = [shares[alpha] for alpha in sorted(NBS04_ALPHAS)]
    assert all(a < b for a, b in itertools.pairwise(by_alpha)), shares


# --------------------------------------------------------------------------------------------
# KS-01: polygonal sets S and T, Nash vs Kalai-Smorodinsky (individual monotonicity)

KS01_SETS = ["S", "T"]
KS01_KEYS = {"nash": "nash", "kalai_smorodinsky": "ks", "egalitarian": "egalitarian"}
KS01_PARAMS = [(s, solution) for s in KS01_SETS for solution in KS01_KEYS]


@pytest.mark.parametrize(
    ("feasible_set", "solution"), KS01_PARAMS, ids=[f"{KS01}-{s}-{n}" for s, n in KS01_PARAMS]
)
def test_ks01_polygon_solutions(feasible_set: str, solution: str) -> None:
    """Solutions over the polygon (lotteries over its vertices): exact, case tolerance."""
    expected = CASES[KS01]["expected"][f"{KS01_KEYS[solution]}_{feasible_set}"]
    data = solve(scenario_file(KS01, feasible_set))
    assert data["zopa"] is True
    assert hull_utilities(data, solution) == close(expected, tolerance(KS01))


def test_ks01_individual_monotonicity() -> None:
    """T contains S with the same ideal point: Nash gives player 2 less in T than in S
    (violating individual monotonicity); Kalai-Smorodinsky gives player 2 more."""
    s_data = solve(scenario_file(KS01, "S"))
    t_data = solve(scenario_file(KS01, "T"))
    assert vector(s_data, s_data["ideal"]) == close(vector(t_data, t_data["ideal"]), FLOAT_SLACK)
    nash_s, nash_t = hull_utilities(s_data, "nash"), hull_utilities(t_data, "nash")
    ks_s, ks_t = (
        hull_utilities(s_data, "kalai_smorodinsky"),
        hull_utilities(t_data, "kalai_smorodinsky"),
    )
    assert nash_t[1] < nash_s[1] - tolerance(KS01)
    assert ks_t[1] > ks_s[1] + tolerance(KS01)


# --------------------------------------------------------------------------------------------
# MI-02: logrolling over two divisible issues

MI02_ISSUES = ["issue1", "issue2"]  # x1, x2 of the case, in file order


def mi02_utilities(x: list[float]) -> list[float]:
    """Utilities of the package x computed from the scenario file's own linear value
    functions (normalized weights, piecewise-linear points), as spec/scenario.md defines."""
    parties = scenario_yaml(scenario_file(MI02))["parties"]
    result = []
    for party in parties.values():
        weights = np.array([float(party["weights"][issue]) for issue in MI02_ISSUES])
        weights = weights / weights.sum()
        values = []
        for issue, level in zip(MI02_ISSUES, x, strict=True):
            points = sorted((float(k), float(v)) for k, v in party["values"][issue].items())
            values.append(np.interp(level, [p for p, _ in points], [v for _, v in points]))
        result.append(float(weights @ np.array(values)))
    return result


def frontier_corners(points: list[list[float]]) -> list[list[float]]:
    """The corners (slope changes) of a two-party frontier given as points."""
    ordered = sorted(points, key=lambda p: (-p[0], p[1]))
    corners = [ordered[0]]
    for middle, after in itertools.pairwise(ordered[1:]):
        before = corners[-1]
        cross = (middle[0] - before[0]) * (after[1] - before[1]) - (middle[1] - before[1]) * (
            after[0] - before[0]
        )
        if abs(cross) > FLOAT_SLACK:
            corners.append(middle)
    corners.append(ordered[-1])
    return corners


def test_mi02_pareto_frontier_vertices() -> None:
    """The Pareto packages trace the frontier through the case's three vertices."""
    expected = CASES[MI02]["expected"]["pareto_frontier_vertices"]
    data = solve(scenario_file(MI02))
    points = [vector(data, entry["utilities"]) for entry in data["pareto"]]
    # ordered by the first party's utility, highest first (spec/cli.md)
    firsts = [p[0] for p in points]
    assert firsts == sorted(firsts, reverse=True)
    corners = np.array(sorted(frontier_corners(points)))
    assert corners == close(np.array(sorted(expected), dtype=float), tolerance(MI02))


def test_mi02_ideal_ranges_zopa() -> None:
    """Ideal point and bargaining ranges are the extremes of the frontier's vertices."""
    vertices = np.array(CASES[MI02]["expected"]["pareto_frontier_vertices"], dtype=float)
    tol = tolerance(MI02)
    data = solve(scenario_file(MI02))
    assert data["zopa"] is True
    assert vector(data, data["ideal"]) == close(list(vertices.max(axis=0)), tol)
    ranges = [data["ranges"][party] for party in data["parties"]]
    assert [r[0] for r in ranges] == close(list(vertices.min(axis=0)), tol)
    assert [r[1] for r in ranges] == close(list(vertices.max(axis=0)), tol)


MI02_SOLUTIONS = ["nash", "kalai_smorodinsky", "egalitarian"]


@pytest.mark.parametrize("solution", MI02_SOLUTIONS, ids=[f"{MI02}-{s}" for s in MI02_SOLUTIONS])
def test_mi02_solutions(solution: str) -> None:
    """Hull solutions: linear utilities, exact; case tolerance."""
    expected = CASES[MI02]["expected"][solution]
    data = solve(scenario_file(MI02))
    assert hull_utilities(data, solution) == close(expected, tolerance(MI02))


MI02_ALLOCATIONS = {"nash": "nash_allocation_x", "kalai_smorodinsky": "ks_allocation_x"}


@pytest.mark.parametrize(
    "solution", list(MI02_ALLOCATIONS), ids=[f"{MI02}-{s}-allocation" for s in MI02_ALLOCATIONS]
)
def test_mi02_allocations(solution: str) -> None:
    """The allocation x of the hull solution: the interpolated package (every member of the
    mix is numeric, so ``hull.package`` is present)."""
    expected = CASES[MI02]["expected"][MI02_ALLOCATIONS[solution]]
    data = solve(scenario_file(MI02))
    package = data["solutions"][solution]["hull"]["package"]
    assert package is not None, "a mix of numeric packages should interpolate"
    assert [package[issue] for issue in MI02_ISSUES] == close(expected, tolerance(MI02))


def test_mi02_joint_gain_of_logroll_over_equal_split() -> None:
    """Logroll (A takes issue 1, B issue 2) vs splitting each issue in half: both gain, and
    the joint gain is the case's. The logroll's utilities come from the JSON Pareto list,
    the equal split's from the scenario's linear value functions (it is not Pareto)."""
    expected = CASES[MI02]["expected"]
    tol = tolerance(MI02)
    data = solve(scenario_file(MI02))
    logroll = [
        vector(data, entry["utilities"])
        for entry in data["pareto"]
        if entry["package"] == close({"issue1": 1.0, "issue2": 0.0}, FLOAT_SLACK)
    ]
    assert len(logroll) == 1, "the logroll should be a Pareto package"
    assert logroll[0] == close(expected["logroll_A_gets_issue1_B_gets_issue2"], tol)
    split = mi02_utilities([0.5, 0.5])
    assert split == close(expected["equal_split_each_issue"], tol)
    assert all(a > b for a, b in zip(logroll[0], split, strict=True))
    assert sum(logroll[0]) - sum(split) == close(expected["joint_gain_logroll_vs_split"], tol)
    # the logroll is the Nash solution's single package, too
    assert vector(data, data["solutions"]["nash"]["utilities"]) == close(logroll[0], tol)
