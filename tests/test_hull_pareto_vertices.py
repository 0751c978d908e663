"""The hull's Pareto vertices: the certified shortcuts (a maximizer of a strictly positive
weighting is in; a vertex another vertex beats for everyone is out) give exactly the
answer of one linear program per vertex."""

from __future__ import annotations

import numpy as np
import pytest

from negsim.format.model import TOLERANCE
from negsim.solvers import axiomatic, frontier
from negsim.solvers.facets import facet_verdicts
from negsim.solvers.proportional import surplus


def by_linear_programs(vertices: np.ndarray) -> np.ndarray:
    return np.array(
        [surplus(vertices, vertices[:, k]) <= TOLERANCE for k in range(vertices.shape[1])]
    )


@pytest.mark.parametrize(("parties", "points", "seed"), [(3, 300, 1), (4, 200, 2), (5, 150, 3)])
def test_shortcuts_agree_with_one_program_per_vertex(parties: int, points: int, seed: int):
    rng = np.random.default_rng(seed)
    cloud = rng.random((parties, points))
    vertices = cloud[:, frontier.hull_corners(cloud)]
    found = axiomatic.hull_pareto_vertices(vertices)
    np.testing.assert_array_equal(found, by_linear_programs(vertices))
    assert 0 < found.sum() < vertices.shape[1]


def test_a_simplex_is_all_pareto_and_a_dominated_corner_is_not():
    simplex = np.eye(3)
    assert axiomatic.hull_pareto_vertices(simplex).all()
    with_origin = np.hstack([simplex, np.zeros((3, 1))])
    np.testing.assert_array_equal(
        axiomatic.hull_pareto_vertices(with_origin), [True, True, True, False]
    )


def flat_cloud(parties: int, points: int, seed: int) -> np.ndarray:
    """Points in a proper affine subspace: a split's shares (summing to 1) with a random
    linear value per party, or a cloud squeezed onto two fewer dimensions."""
    rng = np.random.default_rng(seed)
    shares = rng.dirichlet(np.ones(parties), points).T
    if seed % 2:
        return 0.2 + rng.uniform(0.5, 1.5, (parties, 1)) * shares
    mixing = rng.normal(size=(parties, parties - 2))
    return mixing @ rng.random((parties - 2, points)) + rng.random((parties, 1))


@pytest.mark.parametrize("parties", [3, 4, 5, 6])
@pytest.mark.parametrize("flat", [False, True])
@pytest.mark.parametrize("seed", [11, 12])
def test_facet_verdicts_agree_with_one_program_per_vertex(parties: int, flat: bool, seed: int):
    """Every vertex the facets decide is decided as the vertex's own program decides it,
    full-dimensional and flat polytopes alike (the flat ones include a split's simplex,
    where every vertex is Pareto-optimal, and clouds squeezed onto fewer dimensions);
    and the facets decide most vertices (the point of the shortcut)."""
    cloud = (
        flat_cloud(parties, 120, seed)
        if flat
        else np.random.default_rng(seed).random((parties, 120))
    )
    vertices = cloud[:, frontier.hull_corners(cloud)]
    truth = by_linear_programs(vertices)
    verdicts = facet_verdicts(vertices)
    if verdicts is None:  # a hull of rank below 2: nothing to decide here
        assert flat and parties - 2 < 2
        return
    assert not np.any(verdicts.efficient & verdicts.dominated)
    np.testing.assert_array_equal(truth[verdicts.efficient], True)
    np.testing.assert_array_equal(truth[verdicts.dominated], False)
    decided = verdicts.efficient | verdicts.dominated
    assert decided.mean() >= 0.9
    np.testing.assert_array_equal(axiomatic.hull_pareto_vertices(vertices), truth)
