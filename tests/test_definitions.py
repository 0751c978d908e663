"""The published definitions for any number of parties, as properties on random point sets
of two to four parties (two parties take a closed-form path of their own).

* the zone with lotteries is ``max_w min_i ((V w)_i - d_i) > 1e-9``, and ``zopa`` implies it;
* Kalai-Smorodinsky (Kalai & Smorodinsky 1975; Roth 1979) and egalitarian (Kalai 1977):
  the hull point lies on its ray from ``d``, in the comprehensive hull, and no larger step
  along the ray is; never weakly Pareto-optimal alone for two parties;
* the leximin refinement (Imai 1983) weakly dominates the point, is Pareto-optimal in the
  hull and is the lexicographic maxmin point, found here by another method
  (Ogryczak & Śliwiński 2006: maximize the sum of the k smallest normalized gains, for
  k = 1, 2, ..., each with the earlier sums held);
* symmetry: permuting the parties permutes every point; Kalai-Smorodinsky moves with a
  positive affine rescaling of one party's utilities.

Every check writes its own linear programs with ``scipy.optimize.linprog`` over all the
individually rational packages, independently of negsim's hull and solvers. Point sets are
scenarios with one categorical issue whose options are the points (``test_axiomatic``).

Reference: Ogryczak, W. & Śliwiński, T. (2006). On Direct Methods for Lexicographic
Min-Max Optimization. ICCSA 2006, LNCS 3982:802-811.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy.optimize import linprog
from strategies import examples
from test_axiomatic import mix_utilities, points_scenario

from negsim.analysis.records import Analysis, HullPoint

TOL = 1e-9
POINT_TOL = 1e-7
"""Hull points compared across two LP formulations (HiGHS tolerances 1e-10 on each,
several programs in sequence for the leximin): the accuracy the existing hull tests use."""
STEP = 1e-6
"""A step along the ray beyond the reported point that must leave the comprehensive hull;
far above the LP tolerances, far below the grids' spacing (1/8, 1/1000)."""


@st.composite
def point_sets(draw, n_parties: tuple[int, int] = (2, 4)):
    """``(points (n, k), disagreement (n,))`` on a coarse grid (eighths, so ties, flat faces
    and weakly Pareto-optimal points are common) or a fine one (thousandths)."""
    n = draw(st.integers(*n_parties))
    k = draw(st.integers(2, 12))
    scale = draw(st.sampled_from([8, 1000]))
    grid = st.integers(0, scale).map(lambda v: v / scale)
    points = draw(arrays(np.float64, (n, k), elements=grid))
    disagreement = draw(
        arrays(np.float64, (n,), elements=st.integers(0, scale // 4).map(lambda v: v / scale))
    )
    return points, disagreement


@st.composite
def two_party_curves(draw):
    """``(points (2, m), disagreement)``: up to 300 points on a concave frontier
    ``y = c (1 - x^a)^(1/a)``, ``x`` from ``x0`` to 1, so the frontier chain is long (two
    parties are solved in closed form on it) and, when ``c`` is small and ``x0`` large, the
    egalitarian ray leaves through the flat top: a weakly Pareto-optimal point."""
    size = draw(st.integers(20, 300))
    exponent = draw(st.sampled_from([1.0, 1.5, 2.0, 4.0]))
    top = draw(st.sampled_from([0.2, 0.5, 1.0, 2.0]))
    start = draw(st.sampled_from([0.0, 0.3, 0.6, 0.9]))
    x = np.linspace(start, 1.0, size)
    y = top * (1.0 - x**exponent) ** (1.0 / exponent)
    disagreement = np.array(draw(st.sampled_from([(0.0, 0.0), (0.1, 0.0), (0.05, 0.05)])))
    return np.vstack([x, y]), disagreement


PROBLEMS = st.one_of(point_sets(), two_party_curves())
"""Small sets of two to four parties, and long two-party frontiers."""


def rational_points(analysis: Analysis) -> np.ndarray:
    """Utility vectors of every individually rational package, ``(n, m)``."""
    utilities, d = analysis.space.utilities, analysis.disagreement
    return utilities[:, np.all(utilities >= d[:, None] - TOL, axis=0)]


def lp(cost, upper=None, upper_bounds=None, equality=None, equality_bounds=None, bounds=None):
    result = linprog(
        cost, A_ub=upper, b_ub=upper_bounds, A_eq=equality, b_eq=equality_bounds,
        bounds=bounds, method="highs",
    )  # fmt: skip
    return result


def reachable(vertices: np.ndarray, point: np.ndarray) -> bool:
    """``point`` is in the comprehensive hull: some lottery gives at least it."""
    k = vertices.shape[1]
    result = lp(np.zeros(k), -vertices, -point, np.ones((1, k)), [1.0], [(0, None)] * k)
    return result.status == 0


def max_min_gain(vertices: np.ndarray, d: np.ndarray) -> float:
    """``max_w min_i ((V w)_i - d_i)`` (variables: w, t)."""
    n, k = vertices.shape
    result = lp(
        np.append(np.zeros(k), -1.0),
        np.hstack([-vertices, np.ones((n, 1))]),
        -d,
        np.append(np.ones(k), 0.0)[None, :],
        [1.0],
        [(0, None)] * k + [(None, None)],
    )
    return -result.fun


def surplus(vertices: np.ndarray, point: np.ndarray) -> float:
    """``max sum e`` with ``V w >= point + e``, ``e >= 0``. A point found by another
    program may be out of reach by rounding: then 1e-12 lower (a lower point gains a
    steep frontier's slope times that, so no more)."""
    n, k = vertices.shape
    for bound in (point, point - 1e-12):
        result = lp(
            np.append(np.zeros(k), -np.ones(n)),
            np.hstack([-vertices, np.eye(n)]),
            -bound,
            np.append(np.ones(k), np.zeros(n))[None, :],
            [1.0],
            [(0, None)] * (k + n),
        )
        if result.status == 0:
            return -result.fun
    raise AssertionError(f"{point} is out of reach of the hull")


def leximin_by_ordered_sums(vertices: np.ndarray, d: np.ndarray, s: np.ndarray) -> np.ndarray:
    """The lexicographic maxmin point of ``y = (V w - d) / s`` (Ogryczak & Śliwiński 2006):
    for k = 1..n maximize ``S_k = max_t (k t - sum_i max(0, t - y_i))``, the sum of the k
    smallest ``y_i``, holding the sums already maximized. Variables: ``w`` then, per k,
    ``t_k`` and ``z_k`` (n); ``z_ki >= t_k - y_i``, ``z_ki >= 0``."""
    n, k = vertices.shape
    scaled = vertices / s[:, None]
    offset = d / s
    best: list[float] = []
    for level in range(1, n + 1):
        size = k + level * (1 + n)
        upper, bounds_upper = [], []
        for j in range(level):
            start = k + j * (1 + n)
            for i in range(n):  # t_j - z_ji - y_i <= 0, y_i = scaled_i w - offset_i
                row = np.zeros(size)
                row[:k] = -scaled[i]
                row[start] = 1.0
                row[start + 1 + i] = -1.0
                upper.append(row)
                bounds_upper.append(-offset[i])
            if j < level - 1:  # S_j >= best_j: -(j+1) t_j + sum z_j <= -best_j
                row = np.zeros(size)
                row[start] = -(j + 1)
                row[start + 1 : start + 1 + n] = 1.0
                upper.append(row)
                bounds_upper.append(-best[j] + 1e-10)
        cost = np.zeros(size)
        last = k + (level - 1) * (1 + n)
        cost[last] = -level
        cost[last + 1 : last + 1 + n] = 1.0
        bounds = [(0, None)] * k
        for _ in range(level):
            bounds += [(None, None)] + [(0, None)] * n
        equality = np.zeros((1, size))
        equality[0, :k] = 1.0
        result = lp(cost, np.array(upper), np.array(bounds_upper), equality, [1.0], bounds)
        assert result.status == 0, result.message
        best.append(-result.fun)
    return vertices @ result.x[:k]


def proportional_points(analysis: Analysis) -> list[tuple[str, HullPoint, np.ndarray]]:
    """``(name, hull point, direction)`` of Kalai-Smorodinsky and egalitarian."""
    d = analysis.disagreement
    return [
        ("kalai_smorodinsky", analysis.solutions["kalai_smorodinsky"].hull, analysis.ideal - d),
        ("egalitarian", analysis.solutions["egalitarian"].hull, np.ones_like(d)),
    ]


# --------------------------------------------------------------------------------------------
# The zone of agreement with lotteries


@settings(max_examples=examples(60), deadline=None)
@given(PROBLEMS)
def test_zone_with_lotteries_is_the_largest_smallest_gain(problem) -> None:
    points, d = problem
    analysis = points_scenario(points, d)
    vertices = rational_points(analysis)
    level = max_min_gain(vertices, analysis.disagreement) if vertices.size else -np.inf
    assume(abs(level - TOL) > 1e-10)  # not on the threshold itself
    assert analysis.zopa_with_lotteries is (level > TOL)
    if analysis.zopa:
        assert analysis.zopa_with_lotteries
    for solution in analysis.solutions.values():
        assert (solution is not None) is analysis.zopa_with_lotteries
        if solution is not None:
            assert (solution.position is not None) is analysis.zopa
            assert (solution.utilities is not None) is analysis.zopa


# --------------------------------------------------------------------------------------------
# Kalai-Smorodinsky and egalitarian: the largest point on the ray


@settings(max_examples=examples(60), deadline=None)
@given(PROBLEMS)
def test_proportional_points_are_the_largest_on_their_ray(problem) -> None:
    points, d = problem
    analysis = points_scenario(points, d)
    assume(analysis.zopa_with_lotteries)
    vertices = rational_points(analysis)
    for name, hull, direction in proportional_points(analysis):
        gains = (hull.utilities - analysis.disagreement) / direction
        # on the ray: equal normalized gains (egalitarian: equal gains)
        np.testing.assert_allclose(gains, np.full_like(gains, gains.mean()), atol=POINT_TOL)
        step = float(gains.mean())
        assert step > 0, name
        # in the comprehensive hull: the reported mix gives at least the point
        assert np.all(mix_utilities(analysis.space.utilities, hull.mix) >= hull.utilities - TOL)
        assert reachable(vertices, hull.utilities - TOL)
        # and no larger step along the ray is
        beyond = analysis.disagreement + (step + STEP) * direction
        assert not reachable(vertices, beyond), name


@settings(max_examples=examples(60), deadline=None)
@given(PROBLEMS)
def test_refinement_is_the_pareto_optimal_leximin(problem) -> None:
    points, d = problem
    analysis = points_scenario(points, d)
    assume(analysis.zopa_with_lotteries)
    vertices = rational_points(analysis)
    for name, hull, direction in proportional_points(analysis):
        extra = surplus(vertices, hull.utilities)
        assume(not 1e-10 < extra < 1e-7)  # clearly weakly Pareto-optimal, or clearly not
        assert hull.weakly_pareto is (extra > TOL), name
        if not hull.weakly_pareto:
            assert hull.refined is None
            continue
        refined = hull.refined
        assert refined is not None
        np.testing.assert_allclose(
            mix_utilities(analysis.space.utilities, refined.mix), refined.utilities, atol=TOL
        )
        assert np.all(refined.utilities >= hull.utilities - TOL), name  # weakly dominates
        assert surplus(vertices, refined.utilities) <= TOL, name  # Pareto-optimal
        expected = leximin_by_ordered_sums(vertices, analysis.disagreement, direction)
        np.testing.assert_allclose(refined.utilities, expected, atol=POINT_TOL)


@settings(max_examples=examples(60), deadline=None)
@given(st.one_of(point_sets(n_parties=(2, 2)), two_party_curves()))
def test_two_party_kalai_smorodinsky_is_pareto_optimal(problem) -> None:
    """With two parties the ray towards the ideal point meets the frontier: only the point
    I itself could lie on a flat part of the comprehensive hull's boundary."""
    points, d = problem
    analysis = points_scenario(points, d)
    assume(analysis.zopa_with_lotteries)
    assert analysis.solutions["kalai_smorodinsky"].hull.weakly_pareto is False


# --------------------------------------------------------------------------------------------
# Symmetry and scale


def all_points(analysis: Analysis) -> dict[str, np.ndarray]:
    """Every reported point: single packages, hull points and refinements."""
    found: dict[str, np.ndarray] = {}
    for name, solution in analysis.solutions.items():
        assert solution is not None
        if solution.utilities is not None:
            found[f"{name}.single"] = solution.utilities
        found[f"{name}.hull"] = solution.hull.utilities
        if solution.hull.refined is not None:
            found[f"{name}.refined"] = solution.hull.refined.utilities
    return found


@settings(max_examples=examples(40), deadline=None)
@given(point_sets(), st.randoms(use_true_random=False))
def test_permuting_the_parties_permutes_every_point(problem, random) -> None:
    points, d = problem
    order = list(range(points.shape[0]))
    random.shuffle(order)
    before = points_scenario(points, d)
    assume(before.zopa_with_lotteries)
    after = points_scenario(points[order], d[order])
    expected = {key: value[order] for key, value in all_points(before).items()}
    found = all_points(after)
    assert set(found) == set(expected)
    for key, value in found.items():
        np.testing.assert_allclose(value, expected[key], atol=1e-6, err_msg=key)


@settings(max_examples=examples(40), deadline=None)
@given(point_sets(), st.sampled_from([0.5, 2.0, 3.0]), st.sampled_from([-0.5, 0.0, 0.25]))
def test_kalai_smorodinsky_moves_with_affine_rescaling(problem, factor, shift) -> None:
    """Rescaling party 0's utilities (and disagreement) by ``factor`` and ``shift``
    rescales its coordinate of the Kalai-Smorodinsky point and of the refinement (Imai's
    normalized gains do not change)."""
    points, d = problem
    before = points_scenario(points, d)
    assume(before.zopa_with_lotteries)
    scaled, scaled_d = points.copy(), d.copy()
    scaled[0], scaled_d[0] = factor * points[0] + shift, factor * d[0] + shift
    after = points_scenario(scaled, scaled_d)
    old, new = before.solutions["kalai_smorodinsky"].hull, after.solutions["kalai_smorodinsky"].hull
    expected = old.utilities.copy()
    expected[0] = factor * expected[0] + shift
    np.testing.assert_allclose(new.utilities, expected, atol=1e-6)
    assert new.weakly_pareto is old.weakly_pareto
    if old.refined is not None:
        expected = old.refined.utilities.copy()
        expected[0] = factor * expected[0] + shift
        np.testing.assert_allclose(new.refined.utilities, expected, atol=1e-6)


def test_the_point_may_lie_outside_the_hull() -> None:
    """Free disposal (Roth's set): the egalitarian point (1/2, 1/2, 1/2) is no lottery; its
    mix is the lottery closest above it, (1/2, 1/2, 1)."""
    points = np.array([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [0.0, 1.0, 1.0]])
    analysis = points_scenario(points, np.zeros(3))
    hull = analysis.solutions["egalitarian"].hull
    np.testing.assert_allclose(hull.utilities, [0.5, 0.5, 0.5], atol=TOL)
    np.testing.assert_allclose(
        mix_utilities(analysis.space.utilities, hull.mix), [0.5, 0.5, 1.0], atol=TOL
    )
    assert pytest.approx(0.5, abs=TOL) == max_min_gain(points, np.zeros(3))
