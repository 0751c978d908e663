"""Kalai–Smorodinsky and egalitarian points of the comprehensive hull, weak Pareto
optimality, and the leximin refinement: linear programs over lottery weights.

``vertices`` ``V`` has shape ``(n_parties, k)``; a lottery ``w`` (``w >= 0``,
``sum w = 1``) gives ``V w``, and the *comprehensive hull* (free disposal) holds every
point at or below some ``V w``. With a direction ``s > 0`` (``I - d`` for
Kalai–Smorodinsky, ``I`` the ideal point; ``1`` for egalitarian) the *normalized gain* of
party ``i`` at ``u`` is ``(u_i - d_i) / s_i``.

* :func:`largest_level`: the largest ``lambda`` with ``d + lambda s`` in the comprehensive
  hull, ``max_w min_i ((V w)_i - d_i) / s_i``. With ``s = I - d`` the point
  ``d + lambda s`` is the Kalai–Smorodinsky point (Kalai & Smorodinsky 1975; Roth 1979
  for n parties), with ``s = 1`` the egalitarian point (Kalai 1977); with ``s = 1`` a
  positive level also says that some lottery gives every party strictly more than ``d``.
* :func:`surplus`: how much a lottery can add, in total, to a point without taking from
  anyone; positive when the point is only weakly Pareto-optimal (three or more parties:
  Roth 1979).
* :func:`leximin`: the lexicographic maxmin point (Imai 1983): maximize the smallest
  normalized gain, fix the parties that cannot get more, maximize the smallest gain of the
  others, and so on. It is Pareto-optimal and weakly dominates the point on the ray.
* :func:`ray_point`: all of it for one ray, as a :class:`RayPoint`.

Two parties have the same answers in closed form on the frontier chain
(:mod:`negsim.solvers.chain`): linear programs over long chains are slow, and the command
line solves two-party scenarios without loading SciPy.

References
----------
Kalai, E. & Smorodinsky, M. (1975). Other Solutions to Nash's Bargaining Problem.
Econometrica 43(3):513-518.
Kalai, E. (1977). Proportional Solutions to Bargaining Situations: Interpersonal Utility
Comparisons. Econometrica 45(7):1623-1630.
Roth, A. E. (1979). An Impossibility Result concerning n-Person Bargaining Games.
International Journal of Game Theory 8(3):129-132.
Imai, H. (1983). Individual Monotonicity and Lexicographic Maxmin Solution. Econometrica
51(2):389-402.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from negsim.format.model import TOLERANCE
from negsim.solvers.lp import solve_lp


@dataclass(frozen=True, slots=True)
class Lottery:
    """``utilities`` ``(n_parties,)`` and the lottery ``weights`` on the vertex columns
    ``indices`` that gives them, or, for a point reached by free disposal, the lottery
    closest above them (at least as much for every party)."""

    utilities: np.ndarray
    indices: np.ndarray
    weights: np.ndarray


@dataclass(frozen=True, slots=True)
class RayPoint:
    """The largest point ``d + lambda s`` of the comprehensive hull (``point``), whether it
    is only weakly Pareto-optimal, and then its leximin refinement (``refined``)."""

    point: Lottery
    weakly_pareto: bool
    refined: Lottery | None


SLACK = 1e-11
"""How far below its bounds a program may be retried (utility units) when rounding in an
earlier program leaves them just out of reach. Only the retry uses it: on a steep part of
the frontier a slack is multiplied by the slope in what others can gain."""


def _maximize(
    vertices: np.ndarray,
    objective: np.ndarray,
    level_weight: float,
    direction: np.ndarray,
    lower: np.ndarray,
    *,
    simplex: bool = False,
) -> tuple[np.ndarray, float] | None:
    """``max objective @ w + level_weight * t`` over lotteries ``w`` and a level ``t``
    subject to ``V w >= lower + t * direction`` (retried with ``lower - SLACK`` when
    infeasible). Returns ``(w, t)``, None when infeasible."""
    n_vertices = vertices.shape[1]
    upper = np.hstack([-vertices, direction[:, None]])
    level_bounds = (None, None) if np.any(direction != 0) else (0.0, 0.0)
    for bound in (lower, lower - SLACK):
        result = solve_lp(
            -np.append(objective, level_weight),
            upper=upper,
            upper_bounds=-bound,
            equality=np.append(np.ones(n_vertices), 0.0)[None, :],
            equality_bounds=[1.0],
            bounds=[(0.0, None)] * n_vertices + [level_bounds],
            simplex=simplex,
        )
        if result.status == 0:
            weights = np.clip(result.x[:n_vertices], 0.0, None)
            return weights / weights.sum(), float(result.x[-1])
    return None


def largest_level(
    vertices: np.ndarray, disagreement: np.ndarray, direction: np.ndarray
) -> tuple[float, np.ndarray] | None:
    """``(lambda, w)``: the largest ``lambda`` such that ``d + lambda s`` lies in the
    comprehensive hull, and a lottery ``w`` with ``V w >= d + lambda s``. None when the
    program fails (no vertices)."""
    if vertices.shape[1] == 0:
        return None
    found = _maximize(vertices, np.zeros(vertices.shape[1]), 1.0, direction, disagreement)
    if found is None:
        return None
    weights, level = found
    return level, weights


def lottery_above(vertices: np.ndarray, point: np.ndarray) -> np.ndarray | None:
    """A lottery ``w`` with ``V w >= point`` whose total excess ``sum(V w - point)`` is
    smallest (zero when ``point`` is itself a lottery), as a basic solution: at most
    ``n_parties + 1`` packages. None when no lottery reaches ``point``."""
    found = _maximize(
        vertices, -vertices.sum(axis=0), 0.0, np.zeros(vertices.shape[0]), point, simplex=True
    )
    return None if found is None else found[0]


def surplus(vertices: np.ndarray, point: np.ndarray) -> float:
    """``max sum_i e_i`` over lotteries with ``V w >= point + e``, ``e >= 0``: what a lottery
    can add to ``point`` without taking from anyone (retried ``SLACK`` lower when rounding
    leaves ``point`` just out of reach). At most the tolerance when ``point`` is
    Pareto-optimal in the hull; 0 when the program fails."""
    n_parties, n_vertices = vertices.shape
    for bound in (point, point - SLACK):
        result = solve_lp(
            np.concatenate([np.zeros(n_vertices), -np.ones(n_parties)]),
            upper=np.hstack([-vertices, np.eye(n_parties)]),
            upper_bounds=-bound,
            equality=np.concatenate([np.ones(n_vertices), np.zeros(n_parties)])[None, :],
            equality_bounds=[1.0],
            bounds=[(0.0, None)] * (n_vertices + n_parties),
        )
        if result.status == 0:
            return max(0.0, -float(result.fun))
    return 0.0


def leximin(
    vertices: np.ndarray, disagreement: np.ndarray, direction: np.ndarray
) -> np.ndarray | None:
    """The lottery weights of the lexicographic maxmin point of the normalized gains
    ``((V w)_i - d_i) / s_i`` (Imai 1983), or None when a program fails.

    Each round maximizes the smallest normalized gain ``t`` of the parties still free,
    the others held at the levels they were fixed at; then a program per free party asks
    whether it can get more than ``t`` while every party keeps its level; those that
    cannot (by more than the tolerance, in utility units) are fixed at ``t``. By
    convexity at least one is fixed each round (if each could get more alone, their
    average lottery would raise them all); should rounding leave none, the one with the
    smallest maximum is. The answer is the lottery closest above the final levels.
    """
    n_parties = vertices.shape[0]
    levels = np.zeros(n_parties)
    free = np.ones(n_parties, dtype=bool)
    zeros = np.zeros(vertices.shape[1])
    while free.any():
        floor = disagreement + np.where(free, 0.0, levels * direction)
        found = _maximize(vertices, zeros, 1.0, np.where(free, direction, 0.0), floor)
        if found is None:
            return None
        level = found[1]
        held = disagreement + np.where(free, level, levels) * direction
        excess = np.full(n_parties, np.inf)
        for party in np.flatnonzero(free):
            best = _maximize(vertices, vertices[party], 0.0, np.zeros(n_parties), held)
            if best is None:
                return None
            gain = float(vertices[party] @ best[0]) - disagreement[party]
            excess[party] = gain - level * direction[party]
        stuck = free & (excess <= TOLERANCE)
        if not stuck.any():
            stuck[int(np.argmin(excess))] = True
        levels[stuck] = level
        free &= ~stuck
    return lottery_above(vertices, disagreement + levels * direction)


def ray_point(
    vertices: np.ndarray, disagreement: np.ndarray, direction: np.ndarray
) -> RayPoint | None:
    """The Kalai–Smorodinsky (``s = I - d``) or egalitarian (``s = 1``) point of the
    comprehensive hull of ``vertices``, with the lottery closest above it, whether it is
    only weakly Pareto-optimal (a lottery adds more than the tolerance in total), and then
    its leximin refinement. None when a program fails."""
    found = largest_level(vertices, disagreement, direction)
    if found is None:
        return None
    level, weights = found
    target = disagreement + level * direction
    columns = np.arange(vertices.shape[1])
    above = lottery_above(vertices, target)
    point = Lottery(target, columns, weights if above is None else above)
    if surplus(vertices, target) <= TOLERANCE:
        return RayPoint(point, False, None)
    lexi = leximin(vertices, disagreement, direction)
    refined = None if lexi is None else Lottery(vertices @ lexi, columns, lexi)
    return RayPoint(point, True, refined)
