"""Axiomatic bargaining solutions: the criteria on single packages, and the Nash solution
over the convex hull.

Each criterion is a function of a utility vector ``u`` and the disagreement point ``d``:

* Nash (1950), generalized with bargaining powers ``a`` (Roth 1979; Binmore, Rubinstein &
  Wolinsky 1986): maximize ``prod_i (u_i - d_i) ** a_i``;
* Kalai & Smorodinsky (1975): maximize ``min_i (u_i - d_i) / (I_i - d_i)`` with ``I`` the
  ideal point;
* egalitarian (Kalai 1977): maximize ``min_i (u_i - d_i)``;
* utilitarian: maximize ``sum_i u_i``.

Over single packages, ties (within 1e-9) go to the higher utility sum, then to the
earliest package. Over the hull (lotteries of packages allowed), the Nash solution is
solved exactly on the piecewise-linear frontier for two parties, segment by segment, in
closed form, and by simplicial decomposition for more. The hull's Kalai–Smorodinsky and
egalitarian points are the published ones, points of the comprehensive hull on a ray from
``d``: :mod:`negsim.solvers.proportional`.

All functions work on arrays: ``points`` has shape ``(n_parties, k)``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from negsim.format.model import TOLERANCE
from negsim.solvers.convergence import Convergence
from negsim.solvers.facets import facet_verdicts
from negsim.solvers.proportional import surplus

NASH_DECOMPOSITION_STEPS = 50
"""Vertices simplicial decomposition may add beyond ``4 * n_parties``."""


@dataclass(frozen=True, slots=True)
class HullOptimum:
    """A point of the hull: ``utilities`` ``(n_parties,)`` as the lottery ``weights`` on the
    columns ``indices`` of the points given to the solver; ``convergence`` reports an
    iterative solver's end (None when the point is exact)."""

    utilities: np.ndarray
    indices: np.ndarray
    weights: np.ndarray
    convergence: Convergence | None = None


# --------------------------------------------------------------------------------------------
# Criteria on single packages


def nash_values(points: np.ndarray, disagreement: np.ndarray, powers: np.ndarray) -> np.ndarray:
    """``sum_i a_i log(u_i - d_i)`` per point (``-inf`` where a gain is not positive), the
    logarithm of the generalized Nash product. Shape ``(k,)``."""
    gains = points - disagreement[:, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        logs = np.where(gains > TOLERANCE, np.log(np.maximum(gains, TOLERANCE)), -np.inf)
    return (powers[:, None] * logs).sum(axis=0)


def proportional_gains(
    points: np.ndarray, disagreement: np.ndarray, scale: np.ndarray
) -> np.ndarray:
    """``min_i (u_i - d_i) / s_i`` per point: egalitarian with ``s = 1``, Kalai–Smorodinsky
    with ``s = I - d``. Shape ``(k,)``."""
    return ((points - disagreement[:, None]) / scale[:, None]).min(axis=0)


def best_index(criterion: np.ndarray, points: np.ndarray) -> int:
    """The index maximizing ``criterion``; ties within 1e-9 (relative for large values) go
    to the higher utility sum (within 1e-9), then to the lowest index."""
    best = float(np.max(criterion))
    tied = (
        criterion >= best - TOLERANCE * max(1.0, abs(best))
        if np.isfinite(best)
        else (criterion == best)
    )
    sums = points.sum(axis=0)
    best_sum = float(np.max(sums[tied]))
    return int(np.flatnonzero(tied & (sums >= best_sum - TOLERANCE))[0])


# --------------------------------------------------------------------------------------------
# Two parties: exact on the piecewise-linear frontier


def _segments(frontier: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Starts ``(2, m)`` and directions ``(2, m)`` of the frontier's ``m`` segments."""
    return frontier[:, :-1], np.diff(frontier, axis=1)


def _on_segment(frontier: np.ndarray, segment: int, t: float) -> HullOptimum:
    """The point at parameter ``t`` of segment ``segment`` (or the only vertex)."""
    if frontier.shape[1] == 1 or t <= 1e-12:
        index = np.array([segment])
        return HullOptimum(frontier[:, segment].copy(), index, np.ones(1))
    if t >= 1 - 1e-12:
        index = np.array([segment + 1])
        return HullOptimum(frontier[:, segment + 1].copy(), index, np.ones(1))
    point = (1 - t) * frontier[:, segment] + t * frontier[:, segment + 1]
    return HullOptimum(point, np.array([segment, segment + 1]), np.array([1 - t, t]))


def nash_on_frontier(
    frontier: np.ndarray, disagreement: np.ndarray, powers: np.ndarray
) -> HullOptimum:
    """Generalized Nash solution on a two-party piecewise-linear frontier.

    On segment ``x = x0 + t dx, y = y0 + t dy`` the log product is concave in ``t`` with
    stationary point ``t* = -(a1 dx (y0 - d2) + a2 dy (x0 - d1)) / ((a1 + a2) dx dy)``,
    clipped to the part of the segment where both gains are positive.
    ``frontier`` has shape ``(2, m)``, ordered by the first utility ascending; indices of
    the result refer to its columns.
    """
    if frontier.shape[1] == 1:
        return _on_segment(frontier, 0, 0.0)
    start, direction = _segments(frontier)
    gains0 = start - disagreement[:, None]
    a1, a2 = powers
    dx, dy = direction
    with np.errstate(divide="ignore", invalid="ignore"):
        t = -(a1 * dx * gains0[1] + a2 * dy * gains0[0]) / ((a1 + a2) * dx * dy)
    t = np.where(np.isfinite(t), t, 0.0)
    candidates = np.concatenate([np.clip(t, 0.0, 1.0), np.zeros_like(t), np.ones_like(t)])
    segment = np.tile(np.arange(t.size), 3)
    points = start[:, segment] + candidates * direction[:, segment]
    values = nash_values(points, disagreement, powers)
    best = int(np.argmax(values))
    return _on_segment(frontier, int(segment[best]), float(candidates[best]))


# --------------------------------------------------------------------------------------------
# Any number of parties: the Nash solution over the hull's vertices


def _nash_weights(
    vertices: np.ndarray, disagreement: np.ndarray, powers: np.ndarray, start: np.ndarray
) -> np.ndarray:
    """SLSQP on the simplex of lottery weights: maximize ``sum_i a_i log((V l)_i - d_i)``."""
    from scipy.optimize import minimize

    n_vertices = vertices.shape[1]
    floor = 1e-300

    def objective(weights: np.ndarray) -> tuple[float, np.ndarray]:
        gains = np.maximum(vertices @ weights - disagreement, floor)
        value = -float(powers @ np.log(gains))
        gradient = -(vertices.T @ (powers / gains))
        return value, gradient

    result = minimize(
        objective, start, jac=True, method="SLSQP",
        bounds=[(0.0, 1.0)] * n_vertices,
        constraints=[{"type": "eq", "fun": lambda w: w.sum() - 1.0,
                      "jac": lambda w: np.ones_like(w)}],
        options={"ftol": 1e-15, "maxiter": 500},
    )  # fmt: skip
    weights = np.clip(result.x, 0.0, None)
    return weights / weights.sum()


def nash_on_hull(
    vertices: np.ndarray,
    disagreement: np.ndarray,
    powers: np.ndarray,
    start: tuple[np.ndarray, np.ndarray],
) -> HullOptimum:
    """Generalized Nash solution over the convex hull of ``vertices`` (any number of
    parties), by simplicial decomposition (von Hohenbalken 1977): solve on the hull of a few
    vertices (SLSQP over lottery weights), then add the vertex that most improves the
    linearized objective, until none does (the first-order optimality condition
    ``max_j g . v_j <= g . u`` with ``g_i = a_i / (u_i - d_i)`` holds). ``start`` is a
    lottery ``(columns, weights)`` giving every party more than ``d``: the best vertex, or,
    when no vertex does, a lottery that does.

    References
    ----------
    von Hohenbalken, B. (1977). Simplicial decomposition in nonlinear programming
    algorithms. Mathematical Programming 13:49-68.
    """
    support, weights = np.asarray(start[0]), np.asarray(start[1], dtype=float)
    if support.size > 1:  # optimal on the starting face first
        weights = _nash_weights(vertices[:, support], disagreement, powers, weights)
    cap = 4 * vertices.shape[0] + NASH_DECOMPOSITION_STEPS
    iterations = 0
    for iterations in range(1, cap + 1):  # noqa: B007 (the count is reported)
        point = vertices[:, support] @ weights
        gradient = powers / np.maximum(point - disagreement, 1e-300)
        scores = gradient @ vertices
        entering = int(np.argmax(scores))
        current = float(gradient @ point)
        if scores[entering] <= current + 1e-13 * max(1.0, abs(current)) or entering in support:
            break
        support = np.append(support, entering)
        initial = np.append(weights * 0.9, 0.1)
        weights = _nash_weights(vertices[:, support], disagreement, powers, initial)
        keep = weights > 1e-14
        support, weights = support[keep], weights[keep] / weights[keep].sum()
    weights = _newton_polish(vertices[:, support], disagreement, powers, weights)
    optimum = _optimum(vertices, support, weights)
    return replace(
        optimum, convergence=_nash_gap(vertices, disagreement, powers, optimum, iterations)
    )


def _nash_gap(
    vertices: np.ndarray,
    disagreement: np.ndarray,
    powers: np.ndarray,
    optimum: HullOptimum,
    iterations: int,
) -> Convergence:
    """The first-order optimality gap of a Nash hull point ``u``: ``max_j g . v_j - g . u``
    with ``g_i = a_i / (u_i - d_i)``, relative to ``g . u`` (0 at the optimum)."""
    gains = np.maximum(optimum.utilities - disagreement, 1e-300)
    gradient = powers / gains
    current = float(gradient @ optimum.utilities)
    gap = max(0.0, float(np.max(gradient @ vertices)) - current) / max(1.0, abs(current))
    return Convergence(
        "Nash point on the hull: simplicial decomposition, first-order optimality gap",
        gap <= TOLERANCE,
        iterations,
        gap,
        TOLERANCE,
    )


def _newton_polish(
    vertices: np.ndarray, disagreement: np.ndarray, powers: np.ndarray, weights: np.ndarray
) -> np.ndarray:
    """Newton steps on the face spanned by ``vertices`` (the optimum's support), with the
    constraint ``sum(weights) = 1`` in the KKT system. The objective is flat to second order
    at the optimum, so iterates are judged by the KKT residual (the spread of the
    gradient across the support), and kept only while the weights stay positive."""

    def residual(w: np.ndarray) -> float:
        gains = vertices @ w - disagreement
        if np.any(gains <= 0):
            return np.inf
        gradient = vertices.T @ (powers / gains)
        return float(np.ptp(gradient))

    best, best_residual = weights, residual(weights)
    current = weights
    size = weights.size
    for _ in range(20):
        gains = vertices @ current - disagreement
        gradient = vertices.T @ (powers / gains)
        hessian = -(vertices.T * (powers / gains**2)) @ vertices
        kkt = np.block([[hessian, np.ones((size, 1))], [np.ones((1, size)), np.zeros((1, 1))]])
        step = np.linalg.lstsq(kkt, np.append(-gradient, 0.0), rcond=None)[0][:size]
        current = current + step
        if np.any(current < 0):
            break
        current_residual = residual(current)
        if current_residual < best_residual:
            best, best_residual = current / current.sum(), current_residual
        if np.max(np.abs(step)) < 1e-16:
            break
    return best


def _optimum(vertices: np.ndarray, columns: np.ndarray, weights: np.ndarray) -> HullOptimum:
    keep = weights > 1e-12
    columns, weights = columns[keep], weights[keep] / weights[keep].sum()
    order = np.argsort(columns)
    columns, weights = columns[order], weights[order]
    return HullOptimum(vertices[:, columns] @ weights, columns, weights)


CERTIFYING_WEIGHTS = 4096
"""Strictly positive weightings tried before any linear program (fixed seed: the answer
does not depend on them, only the time does)."""


def hull_pareto_vertices(vertices: np.ndarray) -> np.ndarray:
    """Which hull vertices lie on the hull's Pareto frontier: ``v`` does unless a lottery
    of vertices gives every party at least as much and some more. A vertex that maximizes
    a strictly positive weighting ``lambda . u`` over the vertices is certified at once (a
    lottery that dominated it would score higher); :data:`CERTIFYING_WEIGHTS` random
    weightings certify most of them in one matrix product, the hull's facets decide most of
    the others (:func:`negsim.solvers.facets.facet_verdicts`: maximizers of positive facet
    normals, and one sparse program over every vertex's tangent cone), and one LP per
    remaining vertex decides the rest (:func:`negsim.solvers.proportional.surplus`).
    Boolean ``(n_vertices,)``."""
    n_parties, n_vertices = vertices.shape
    weights = np.random.default_rng(0).dirichlet(np.ones(n_parties), CERTIFYING_WEIGHTS)
    weights = np.maximum(weights, 1e-6)  # strictly positive
    scores = weights @ vertices
    certified = np.zeros(n_vertices, dtype=bool)
    certified[np.unique(np.argmax(scores, axis=1))] = True
    beaten = np.zeros(n_vertices, dtype=bool)
    verdicts = facet_verdicts(vertices)
    if verdicts is not None:
        certified |= verdicts.efficient
        beaten |= verdicts.dominated & ~certified
    # a vertex another vertex beats for everyone, by more than the tolerance in all, is out
    for index in np.flatnonzero(~certified & ~beaten):
        gains = vertices - vertices[:, index, None]
        beaten[index] = bool(np.any(np.all(gains >= 0.0, axis=0) & (gains.sum(axis=0) > TOLERANCE)))
    for index in np.flatnonzero(~certified & ~beaten):
        certified[index] = surplus(vertices, vertices[:, index]) <= TOLERANCE
    return certified
