"""Pareto frontiers, individual rationality and hulls against brute force."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from strategies import examples

from negsim.solvers.frontier import (
    affine_basis,
    hull_vertices,
    individually_rational,
    pareto_mask,
    upper_hull_two,
)

TOL = 1e-9


def brute_force_pareto(points: np.ndarray) -> np.ndarray:
    """O(k^2) definition: nobody is at least as good for all and better by > 1e-9 for one."""
    n_points = points.shape[1]
    mask = np.ones(n_points, dtype=bool)
    for i in range(n_points):
        for j in range(n_points):
            if np.all(points[:, j] >= points[:, i] - TOL) and np.any(
                points[:, j] > points[:, i] + TOL
            ):
                mask[i] = False
                break
    return mask


def utility_arrays(n_parties: int, max_points: int = 40) -> st.SearchStrategy[np.ndarray]:
    """Either coarse values (many exact ties and duplicates) or fine ones."""
    coarse = st.integers(0, 4).map(lambda v: v / 4)
    fine = st.floats(-1, 1, allow_nan=False, width=32)
    return st.tuples(st.integers(1, max_points), st.sampled_from([coarse, fine])).flatmap(
        lambda spec: arrays(np.float64, (n_parties, spec[0]), elements=spec[1])
    )


@settings(max_examples=examples(200), deadline=None)
@given(st.integers(1, 4).flatmap(utility_arrays))
def test_pareto_mask_equals_brute_force(points: np.ndarray) -> None:
    np.testing.assert_array_equal(pareto_mask(points), brute_force_pareto(points))


def test_pareto_mask_many_parties_in_several_blocks() -> None:
    rng = np.random.default_rng(3)
    points = np.round(rng.random((3, 1500)), 2)  # ties and duplicates, three blocks
    np.testing.assert_array_equal(pareto_mask(points), brute_force_pareto(points))


def test_near_ties_count_as_equal() -> None:
    points = np.array([[1.0, 1.0 + 5e-10], [0.5, 0.5]])
    assert pareto_mask(points).tolist() == [True, True]
    points = np.array([[1.0, 1.0 + 5e-9], [0.5, 0.5]])
    assert pareto_mask(points).tolist() == [False, True]


def test_individually_rational_uses_the_tolerance() -> None:
    points = np.array([[0.2 - 5e-10, 0.2 - 5e-9], [1.0, 1.0]])
    assert individually_rational(points, np.array([0.2, 0.0])).tolist() == [True, False]


@settings(max_examples=examples(200), deadline=None)
@given(utility_arrays(2, 60))
def test_upper_hull_two_is_the_concave_frontier(points: np.ndarray) -> None:
    pareto = points[:, pareto_mask(points)]
    chain = upper_hull_two(pareto)
    x, y = pareto[:, chain]
    # ordered by the first utility ascending, the second strictly descending
    assert np.all(np.diff(x) > 0) and np.all(np.diff(y) < 0)
    # concave: slopes do not increase
    if chain.size >= 3:
        slopes = np.diff(y) / np.diff(x)
        assert np.all(np.diff(slopes) <= 1e-7)
    # every Pareto point lies on or below the polyline within the chain's span
    inside = (pareto[0] >= x[0]) & (pareto[0] <= x[-1])
    assert np.all(np.interp(pareto[0, inside], x, y) >= pareto[1, inside] - 1e-7)
    # the chain reaches both extremes
    assert y[0] == pytest.approx(pareto[1].max(), abs=TOL)
    assert x[-1] == pytest.approx(pareto[0].max(), abs=TOL)


def test_upper_hull_keeps_collinear_points() -> None:
    t = np.linspace(0, 1, 11)
    points = np.stack([t, 1 - t])
    assert upper_hull_two(points).tolist() == list(range(11))


def test_affine_basis_rank() -> None:
    simplex = np.array([[1.0, 0, 0, 1 / 3], [0, 1.0, 0, 1 / 3], [0, 0, 1.0, 1 / 3]])
    _, basis = affine_basis(simplex)
    assert basis.shape == (3, 2)
    _, basis = affine_basis(np.ones((3, 5)))
    assert basis.shape == (3, 0)


def test_hull_vertices_of_a_flat_set() -> None:
    # a triangle in 3-D (coplanar points): Qhull alone would fail on it
    corners = np.array([[1.0, 0, 0], [0, 1.0, 0], [0, 0, 1.0]])
    inner = corners @ np.array([[0.2, 0.5], [0.3, 0.25], [0.5, 0.25]])
    points = np.concatenate([inner, corners], axis=1)
    assert hull_vertices(points).tolist() == [2, 3, 4]
    assert hull_vertices(points[:, :1]).tolist() == [0]
    segment = np.array([[0.0, 0.5, 1.0], [1.0, 0.5, 0.0], [0.0, 0.0, 0.0]])
    assert hull_vertices(segment).tolist() == [0, 2]


@pytest.mark.parametrize("n_parties", [2, 3])
@pytest.mark.parametrize("grain", [4, 1000, 0])
def test_prefiltered_frontier_is_exact_on_large_sets(n_parties: int, grain: int) -> None:
    """Above the prefilter threshold the answer must equal the unfiltered sweep, ties
    (coarse grains) and near-ties (points 1e-9 apart) included."""
    from negsim.solvers.frontier import _pareto_many, _pareto_two

    rng = np.random.default_rng(n_parties * 1000 + grain)
    points = rng.random((n_parties, 20_000))
    if grain:
        points = np.round(points * grain) / grain
    points[:, :50] = points[:, 50:100] + rng.choice([-1e-9, 0.0, 1e-9], (n_parties, 50))
    expected = (
        _pareto_two(points[0], points[1], TOL) if n_parties == 2 else _pareto_many(points, TOL)
    )
    np.testing.assert_array_equal(pareto_mask(points), expected)
