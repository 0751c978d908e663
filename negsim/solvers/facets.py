"""Which vertices of a convex polytope are Pareto-optimal, read off its facets.

A vertex ``v`` of the polytope ``P`` (the hull of the packages' utilities) is Pareto-optimal
in ``P`` exactly when some strictly positive weighting is maximized at ``v`` (for polyhedra
every efficient point is properly efficient: Isermann 1974), that is when ``v``'s normal
cone, spanned by the outward normals of the facets at ``v``, meets the open positive
orthant. Equivalently (a theorem of the alternative), ``v`` is dominated exactly when a
direction ``y >= 0``, ``y != 0`` lies in its tangent cone (``a_f . y <= 0`` for every
facet ``f`` at ``v``): then ``v + t y`` is in ``P`` for small ``t > 0``.

Qhull (Barber, Dobkin & Huhdanpaa 1996) gives the facets. Two tests follow, for every
vertex at once:

* a facet whose normal, normalized to sum 1, has every weight at least
  :data:`LEAST_WEIGHT` certifies the vertices that maximize it (within
  :data:`TIE` in utility): a lottery adding ``e >= 0`` to such a vertex would add
  ``w . e`` to the weighting, so ``sum(e) <= TIE / LEAST_WEIGHT``, below the format's
  tolerance;
* the remaining vertices' tangent cones are searched for a direction ``y`` in ``[0,
  1]^n`` with the largest sum, all in one sparse linear program (one block per vertex):
  a zero optimum proves ``v`` Pareto-optimal; a direction whose step inside ``P`` gains
  more than the tolerance in total proves it dominated. Anything else (a tiny gain, a
  program that fails) is left undecided for the caller's exact test.

For a flat polytope (the points lie in a proper affine subspace, as a split's shares
summing to 1 do) the facets are those of the polytope within its subspace; a normal may
then be moved by any vector orthogonal to the subspace, and the tangent cone is kept
inside it.

References
----------
Barber, C. B., Dobkin, D. P. & Huhdanpaa, H. (1996). The Quickhull Algorithm for Convex
Hulls. ACM Transactions on Mathematical Software 22(4):469-483.
Isermann, H. (1974). Proper Efficiency and the Linear Vector Maximum Problem. Operations
Research 22(1):189-191.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from negsim.format.model import TOLERANCE
from negsim.solvers.frontier import affine_basis
from negsim.solvers.lp import HIGHS_OPTIONS

LEAST_WEIGHT = 1e-3
"""The smallest weight (of weights summing to 1) a facet's normal needs to certify its
maximizers."""
TIE = 1e-12
"""Vertices within this (utility) of a facet normal's best score count as maximizing it."""
SHIFTS = (0.5, 1.0, 2.0, 4.0, 8.0, 32.0)
"""For a flat polytope, multiples of the positive direction orthogonal to its subspace
added to each normal (any such normal is a normal of the same face)."""
SAFETY = 10.0
"""A direction proves a vertex dominated only when its step gains this many times the
tolerance."""


@dataclass(frozen=True)
class FacetVerdicts:
    """Boolean masks ``(n_vertices,)``: ``efficient`` (proved Pareto-optimal) and
    ``dominated`` (proved dominated by more than the tolerance); the rest are undecided."""

    efficient: np.ndarray
    dominated: np.ndarray


def facet_verdicts(vertices: np.ndarray) -> FacetVerdicts | None:
    """The module docstring's tests on the polytope spanned by ``vertices`` (``(n_parties,
    k)``, its vertices); None when Qhull cannot build it or it is at most a segment."""
    from scipy.spatial import ConvexHull, QhullError

    n_parties, n_vertices = vertices.shape
    origin, basis = affine_basis(vertices)
    rank = basis.shape[1]
    if rank < 2 or n_vertices <= rank + 1:
        return None
    coordinates = basis.T @ (vertices - origin[:, None])
    try:
        hull = ConvexHull(coordinates.T)
    except QhullError:
        return None
    normals = hull.equations[:, :-1]  # in the subspace's coordinates, outward
    offsets = hull.equations[:, -1]
    lifted = normals @ basis.T
    complement = _complement(basis)
    efficient = _certified(vertices, lifted, complement)
    dominated = np.zeros(n_vertices, dtype=bool)
    undecided = np.flatnonzero(~efficient)
    if undecided.size:
        found = _tangent_directions(
            lifted, hull.simplices, complement, undecided, n_parties, n_vertices
        )
        if found is not None:
            directions, solved = found
            total = directions.sum(axis=1)
            efficient[undecided[solved & (total < 0.5)]] = True
            moving = np.flatnonzero(solved & (total >= 0.5))
            starts = coordinates[:, undecided[moving]].T
            steps = _steps(starts, basis.T @ directions[moving].T, normals, offsets)
            gains = steps * total[moving]
            dominated[undecided[moving[gains > SAFETY * TOLERANCE]]] = True
    return FacetVerdicts(efficient, dominated)


def _complement(basis: np.ndarray) -> np.ndarray:
    """An orthonormal basis ``(n, n - r)`` of the directions orthogonal to ``basis``."""
    full, _, _ = np.linalg.svd(basis, full_matrices=True)
    return full[:, basis.shape[1] :]


def _certified(vertices: np.ndarray, lifted: np.ndarray, complement: np.ndarray) -> np.ndarray:
    """The vertices maximizing some facet normal (moved orthogonally to a flat polytope's
    subspace where that makes it positive) whose weights are all at least
    :data:`LEAST_WEIGHT`."""
    candidates = [lifted]
    if complement.shape[1]:
        positive = complement @ (complement.T @ np.ones(vertices.shape[0]))
        if np.all(positive > 0):
            scale = np.abs(lifted).max(axis=1, keepdims=True) / positive.max()
            candidates += [lifted + shift * scale * positive for shift in SHIFTS]
    weights = np.vstack(candidates)
    sums = weights.sum(axis=1, keepdims=True)
    weights = weights[sums[:, 0] > 0] / sums[sums[:, 0] > 0]
    weights = weights[weights.min(axis=1) >= LEAST_WEIGHT]
    certified = np.zeros(vertices.shape[1], dtype=bool)
    for start in range(0, weights.shape[0], 4096):  # bounded memory
        scores = weights[start : start + 4096] @ vertices
        certified |= np.any(scores >= scores.max(axis=1, keepdims=True) - TIE, axis=0)
    return certified


def _tangent_directions(
    lifted: np.ndarray,
    simplices: np.ndarray,
    complement: np.ndarray,
    undecided: np.ndarray,
    n_parties: int,
    n_vertices: int,
) -> tuple[np.ndarray, np.ndarray] | None:
    """For each undecided vertex, the direction ``y`` in ``[0, 1]^n`` of its tangent cone
    (inside the polytope's subspace) with the largest sum, all in one linear program.
    Returns the directions ``(len(undecided), n)`` and which blocks solved; None when the
    program fails."""
    from scipy.optimize import linprog
    from scipy.sparse import coo_matrix

    block = np.full(n_vertices, -1, dtype=np.int64)
    block[undecided] = np.arange(undecided.size)
    facet_of = np.repeat(np.arange(simplices.shape[0]), simplices.shape[1])
    owner = block[simplices.ravel()]
    keep = owner >= 0
    facet_of, owner = facet_of[keep], owner[keep]
    n_rows = facet_of.size
    rows = np.repeat(np.arange(n_rows), n_parties)
    columns = (owner[:, None] * n_parties + np.arange(n_parties)).ravel()
    values = lifted[facet_of].ravel()
    n_columns = undecided.size * n_parties
    upper = coo_matrix((values, (rows, columns)), shape=(n_rows, n_columns)).tocsr()
    equality = None
    if complement.shape[1]:
        k = complement.shape[1]
        eq_rows = np.repeat(np.arange(undecided.size * k), n_parties)
        eq_columns = np.tile(
            (np.arange(undecided.size)[:, None] * n_parties + np.arange(n_parties)), (1, k)
        ).ravel()
        eq_values = np.tile(complement.T.ravel(), undecided.size)
        equality = coo_matrix(
            (eq_values, (eq_rows, eq_columns)), shape=(undecided.size * k, n_columns)
        ).tocsr()
    result = linprog(
        -np.ones(n_columns),
        A_ub=upper,
        b_ub=np.zeros(n_rows),
        A_eq=equality,
        b_eq=None if equality is None else np.zeros(equality.shape[0]),
        bounds=(0.0, 1.0),
        method="highs",
        options=HIGHS_OPTIONS,
    )
    if result.status != 0:
        return None
    directions = np.clip(result.x.reshape(undecided.size, n_parties), 0.0, 1.0)
    has_facet = np.zeros(undecided.size, dtype=bool)
    has_facet[owner] = True
    return directions, has_facet


def _steps(
    starts: np.ndarray, directions: np.ndarray, normals: np.ndarray, offsets: np.ndarray
) -> np.ndarray:
    """How far each start point (``(k, r)``, subspace coordinates) can move along its
    direction (columns of ``directions``, ``(r, k)``) and stay inside every facet."""
    steps = np.empty(starts.shape[0])
    for first in range(0, starts.shape[0], 256):  # bounded memory: (256, facets) at a time
        part = slice(first, first + 256)
        slack = -(starts[part] @ normals.T + offsets[None, :])  # >= 0 inside
        rate = (normals @ directions[:, part]).T
        with np.errstate(divide="ignore", invalid="ignore"):
            limits = np.where(rate > 1e-15, np.maximum(slack, 0.0) / rate, np.inf)
        steps[part] = limits.min(axis=1)
    return steps
