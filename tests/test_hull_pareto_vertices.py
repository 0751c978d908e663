"""The hull's Pareto vertices: the certified shortcuts (a maximizer of a strictly positive
weighting is in; a vertex another vertex beats for everyone is out) give exactly the
answer of one linear program per vertex."""

from __future__ import annotations

import numpy as np
import pytest

from negsim.format.model import TOLERANCE
from negsim.solvers import axiomatic, frontier
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
