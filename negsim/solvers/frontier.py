"""Pareto frontiers, individual rationality and the convex hull of utility vectors.

Every function takes a utility matrix ``utilities`` of shape ``(n_parties, n_points)`` (one
column per package) and compares utilities with the absolute tolerance of the scenario
format, 1e-9: values within it are equal.

References
----------
Kung, H. T., Luccio, F. & Preparata, F. P. (1975). On Finding the Maxima of a Set of
Vectors. J. ACM 22(4):469-476 (the sort-and-sweep skyline for two criteria; three and
more in :mod:`negsim.solvers.skyline`).
Andrew, A. M. (1979). Another efficient algorithm for convex hulls in two dimensions.
Inf. Process. Lett. 9(5):216-219 (monotone chain).
"""

from __future__ import annotations

import numpy as np

from negsim.format.model import TOLERANCE
from negsim.solvers import skyline


def individually_rational(
    utilities: np.ndarray, disagreement: np.ndarray, tolerance: float = TOLERANCE
) -> np.ndarray:
    """Packages every party weakly prefers to disagreement: ``u_i >= d_i`` (within tolerance).

    Returns a boolean array of shape ``(n_points,)``.

    Example
    -------
    >>> individually_rational(np.array([[0.5, 0.1], [0.5, 0.9]]), np.array([0.2, 0.2]))
    array([ True, False])
    """
    return np.all(utilities >= disagreement[:, None] - tolerance, axis=0)


def strictly_better(
    utilities: np.ndarray, disagreement: np.ndarray, tolerance: float = TOLERANCE
) -> np.ndarray:
    """Packages that give every party strictly more than disagreement (by more than the
    tolerance): the zone of possible agreement. Boolean, shape ``(n_points,)``."""
    return np.all(utilities > disagreement[:, None] + tolerance, axis=0)


def pareto_mask(utilities: np.ndarray, tolerance: float = TOLERANCE) -> np.ndarray:
    """Points that no other point dominates (at least as good for every party, better by
    more than the tolerance for one). Boolean, shape ``(n_points,)``.

    Two parties: one sort and a running maximum, ``O(k log k)`` (Kung et al. 1975). Three
    parties: Kung et al.'s sweep, ``O(k log k)``; more: a k-d tree searched against
    itself (:mod:`negsim.solvers.skyline`).

    Example
    -------
    >>> pareto_mask(np.array([[1.0, 0.5, 0.4, 0.0], [0.0, 0.5, 0.4, 1.0]]))
    array([ True,  True, False,  True])
    """
    n_parties, n_points = utilities.shape
    if n_points == 0:
        return np.zeros(0, dtype=bool)
    if n_parties == 1:
        return utilities[0] >= utilities[0].max() - tolerance
    if n_parties > 2:
        return _pareto_many(utilities, tolerance)
    candidates = _not_strongly_dominated(utilities, tolerance)
    points = utilities[:, candidates]
    efficient = _pareto_two(points[0], points[1], tolerance)
    mask = np.zeros(n_points, dtype=bool)
    mask[candidates[efficient]] = True
    return mask


PREFILTER_MIN_POINTS = 4096
PREFILTER_SAMPLE = 65536


def _not_strongly_dominated(utilities: np.ndarray, tolerance: float) -> np.ndarray:
    """Two parties: indices of the points that survive a cheap prefilter, the witnesses
    included.

    Witnesses are the Pareto-optimal points of a random sample (plus each party's best
    point). A point is dropped when a witness beats it by ``2 * tolerance`` in *every*
    coordinate. This keeps the answer exact: whatever an eliminated point dominates, its
    witness dominates too (``w >= j + 2 tol`` and ``j >= i - tol`` give ``w >= i + tol``),
    so checking the survivors among themselves finds every dominated survivor. The
    witnesses form a staircase and each point is tested against the one witness that
    matters, found by binary search.
    """
    n_points = utilities.shape[1]
    if n_points < PREFILTER_MIN_POINTS:
        return np.arange(n_points)
    rng = np.random.default_rng(0)
    sample = np.concatenate(
        [rng.integers(0, n_points, PREFILTER_SAMPLE), np.argmax(utilities, axis=1)]
    )
    sample_points = utilities[:, sample]
    witnesses = sample[_pareto_two(sample_points[0], sample_points[1], tolerance)]
    order = np.argsort(utilities[0, witnesses])
    witnesses = witnesses[order]
    first, second = utilities[0, witnesses], utilities[1, witnesses]
    best_second = np.append(np.maximum.accumulate(second[::-1])[::-1], -np.inf)
    margin = 2 * tolerance
    reach = best_second[np.searchsorted(first, utilities[0] + margin, side="left")]
    alive = reach < utilities[1] + margin
    alive[witnesses] = True
    return np.flatnonzero(alive)


def _pareto_two(first: np.ndarray, second: np.ndarray, tolerance: float) -> np.ndarray:
    """Point i is dominated when some j has ``first_j >= first_i - tol`` and
    ``second_j > second_i + tol``, or ``first_j > first_i + tol`` and
    ``second_j >= second_i - tol``. Both are suffix maxima over the points sorted by
    ``first``; everything runs in sorted order (sorted queries keep ``searchsorted``
    cache-friendly) and the answer is scattered back once."""
    order = np.argsort(first)
    x, y = first[order], second[order]
    suffix_max = np.empty(x.size + 1)
    suffix_max[:-1] = np.maximum.accumulate(y[::-1])[::-1]
    suffix_max[-1] = -np.inf
    # j with first_j >= first_i - tol: the suffix from the first such sorted index
    dominated = suffix_max[np.searchsorted(x, x - tolerance, side="left")] > y + tolerance
    # j with first_j > first_i + tol
    dominated |= suffix_max[np.searchsorted(x, x + tolerance, side="right")] >= y - tolerance
    mask = np.empty(first.size, dtype=bool)
    mask[order] = ~dominated
    return mask


def _pareto_many(utilities: np.ndarray, tolerance: float) -> np.ndarray:
    """Three or more parties: :func:`negsim.solvers.skyline.pareto_many`."""
    return skyline.pareto_many(utilities, tolerance)


def upper_hull_two(points: np.ndarray, tolerance: float = TOLERANCE) -> np.ndarray:
    """The Pareto frontier of the convex hull of two-party utility vectors.

    ``points`` has shape ``(2, k)`` and should hold Pareto-optimal points (as from
    :func:`pareto_mask`). Returns the indices of the points on the hull's frontier, ordered
    by the first party's utility ascending (so the second's descending), *keeping* points
    that lie on a hull edge, so that any frontier point is a mix of two neighbouring
    packages. Andrew's monotone chain (1979): a point is dropped when it lies strictly
    below the chord of its neighbours.

    Example
    -------
    >>> upper_hull_two(np.array([[0.0, 0.4, 0.5, 1.0], [1.0, 0.4, 0.5, 0.0]])).tolist()
    [0, 2, 3]
    """
    if points.shape[1] == 0:
        return np.zeros(0, dtype=np.int64)
    order = np.lexsort((-points[1], points[0]))  # first ascending, then second descending
    x, y = points[0, order], points[1, order]
    # keep, for equal first utility, only the best second (the others are dominated)
    chain: list[int] = []
    for index in range(order.size):
        if chain and abs(x[index] - x[chain[-1]]) <= tolerance:
            continue
        while len(chain) >= 2:
            a, b = chain[-2], chain[-1]
            cross = (x[b] - x[a]) * (y[index] - y[a]) - (y[b] - y[a]) * (x[index] - x[a])
            scale = max(abs(x[index] - x[a]), abs(y[index] - y[a]), 1.0)
            if cross > tolerance * scale:  # b is strictly below the chord a-index
                chain.pop()
            else:
                break
        chain.append(index)
    # the frontier runs from the highest second utility to the highest first utility
    kept = np.asarray(chain, dtype=np.int64)
    top = np.flatnonzero(y[kept] >= y[kept].max() - tolerance)[-1]
    return order[kept[top:]]


def hull_corners(points: np.ndarray) -> np.ndarray:
    """The points that span the upper part of the convex hull of ``points`` (shape
    ``(n_parties, k)``, Pareto-optimal points): for two parties the hull's frontier chain
    ordered by the first party's utility ascending (:func:`upper_hull_two`), for more every
    vertex of the hull (:func:`hull_vertices`). Returns indices into the columns."""
    if points.shape[0] == 2:
        return upper_hull_two(points)
    return hull_vertices(points)


def affine_basis(points: np.ndarray, tolerance: float = 1e-12) -> tuple[np.ndarray, np.ndarray]:
    """An orthonormal basis of the affine hull of ``points`` (shape ``(n, k)``).

    Returns ``(origin, basis)``: ``origin`` of shape ``(n,)`` and ``basis`` of shape
    ``(n, r)`` with ``r`` the affine rank, so ``points ~ origin + basis @ coordinates``.
    """
    origin = points.mean(axis=1)
    centred = points - origin[:, None]
    if centred.size == 0:
        return origin, np.zeros((points.shape[0], 0))
    if centred.shape[1] > centred.shape[0]:
        # centred.T = Q R, so centred and R.T share their singular values and left
        # singular vectors; R is n x n, and the k columns are touched only by the QR
        triangle: np.ndarray = np.linalg.qr(centred.T, mode="r")  # type: ignore[assignment]
        centred = triangle.T
    left, singular, _ = np.linalg.svd(centred, full_matrices=False)
    scale = max(float(singular[0]) if singular.size else 0.0, 1.0)
    rank = int(np.sum(singular > tolerance * scale * max(points.shape)))
    return origin, left[:, :rank]


def hull_vertices(points: np.ndarray) -> np.ndarray:
    """Indices of the vertices of the convex hull of ``points`` (shape ``(n, k)``), for any
    number of parties, degenerate (flat) point sets included: the points are projected on
    their affine hull before Qhull (Barber, Dobkin & Huhdanpaa 1996) is called."""
    from scipy.spatial import ConvexHull, QhullError

    n_points = points.shape[1]
    if n_points <= 1:
        return np.arange(n_points, dtype=np.int64)
    origin, basis = affine_basis(points)
    rank = basis.shape[1]
    if rank == 0:
        return np.zeros(1, dtype=np.int64)
    coordinates = basis.T @ (points - origin[:, None])
    if rank == 1:
        line = coordinates[0]
        return np.unique([int(np.argmin(line)), int(np.argmax(line))]).astype(np.int64)
    try:
        return np.sort(ConvexHull(coordinates.T).vertices).astype(np.int64)
    except QhullError:
        return np.arange(n_points, dtype=np.int64)
