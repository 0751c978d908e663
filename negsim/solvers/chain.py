"""Two parties: the Kalai–Smorodinsky and egalitarian points in closed form on the frontier
chain, with the answers :func:`negsim.solvers.proportional.ray_point` gives by linear
programming (no SciPy, and no program over a chain of thousands of vertices).

``chain`` ``(2, m)`` holds the hull's frontier vertices ordered by the first utility
ascending (so the second descending): the hull is the polygon bounded by the chain and the
chord from its first vertex to its last. For a point ``p`` of the comprehensive hull, the
part of the frontier above ``p`` runs from ``a``, the frontier point at first utility
``max(p_1, x_0)`` (the most the second party can get while the first keeps ``p_1``), to
``b``, the frontier point at second utility ``max(p_2, y_m)``.

* ``p`` is Pareto-optimal when ``a = b = p``; the most a lottery adds to it in total is
  the largest utility sum on the part from ``a`` to ``b``, minus ``p``'s.
* The leximin refinement (Imai 1983) holds the party that cannot gain at its level and
  gives the other the most: ``a`` when the second party can gain, else ``b``.
* The lottery closest above ``p`` (smallest total excess) is a corner of the hull's part
  above ``p``: ``a``, ``b``, or where the chord crosses ``p``'s first or second utility.
  Along a concave chain the utility sum rises then falls, so no vertex between ``a`` and
  ``b`` does better than one of them.
"""

from __future__ import annotations

import numpy as np

from negsim.format.model import TOLERANCE
from negsim.solvers.proportional import Lottery, RayPoint


def chain_level(chain: np.ndarray, disagreement: np.ndarray, direction: np.ndarray) -> float:
    """The largest ``lambda`` with ``d + lambda s`` in the comprehensive hull: on each
    segment the smallest normalized gain ``min_i (u_i - d_i) / s_i`` is the minimum of two
    linear functions, largest where they cross (if inside the segment) or at an end."""
    gains = (chain - disagreement[:, None]) / direction[:, None]
    if chain.shape[1] == 1:
        return float(gains.min())
    start, step = gains[:, :-1], np.diff(gains, axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        crossing = (start[1] - start[0]) / (step[0] - step[1])
    crossing = np.clip(np.where(np.isfinite(crossing), crossing, 0.0), 0.0, 1.0)
    best = -np.inf
    for t in (np.zeros_like(crossing), np.ones_like(crossing), crossing):
        best = max(best, float((start + t * step).min(axis=0).max()))
    return best


def _mix(chain: np.ndarray, left: int, right: int, t: float) -> Lottery:
    """The point ``(1 - t)`` of column ``left`` and ``t`` of column ``right``."""
    if t <= 0.0 or left == right:
        return Lottery(chain[:, left].copy(), np.array([left]), np.ones(1))
    if t >= 1.0:
        return Lottery(chain[:, right].copy(), np.array([right]), np.ones(1))
    point = (1.0 - t) * chain[:, left] + t * chain[:, right]
    return Lottery(point, np.array([left, right]), np.array([1.0 - t, t]))


def _at_first(chain: np.ndarray, value: float) -> Lottery:
    """The frontier point whose first utility is ``value`` (clamped to the chain)."""
    first = chain[0]
    index = int(np.searchsorted(first, value, side="left"))
    if index == 0 or index == first.size:
        return _mix(chain, min(index, first.size - 1), min(index, first.size - 1), 0.0)
    t = (value - first[index - 1]) / (first[index] - first[index - 1])
    return _mix(chain, index - 1, index, float(t))


def _at_second(chain: np.ndarray, value: float) -> Lottery:
    """The frontier point whose second utility is ``value`` (clamped to the chain)."""
    second = chain[1]
    index = int(np.searchsorted(-second, -value, side="left"))
    if index == 0 or index == second.size:
        return _mix(chain, min(index, second.size - 1), min(index, second.size - 1), 0.0)
    t = (second[index - 1] - value) / (second[index - 1] - second[index])
    return _mix(chain, index - 1, index, float(t))


def _chord_points(chain: np.ndarray, point: np.ndarray) -> list[Lottery]:
    """Where the chord (first vertex to last) crosses ``point``'s first and second
    utilities, when that crossing lies at or above ``point``."""
    last = chain.shape[1] - 1
    if last == 0:
        return []
    start, end = chain[:, 0], chain[:, last]
    found = []
    for party in (0, 1):
        span = end[party] - start[party]
        if span == 0.0:
            continue
        t = (point[party] - start[party]) / span
        if 0.0 <= t <= 1.0:
            candidate = _mix(chain, 0, last, float(t))
            if np.all(candidate.utilities >= point - TOLERANCE):
                found.append(candidate)
    return found


def ray_point(chain: np.ndarray, disagreement: np.ndarray, direction: np.ndarray) -> RayPoint:
    """:func:`negsim.solvers.proportional.ray_point` for two parties, on the frontier
    ``chain`` (first utility ascending): the largest point ``p = d + lambda s`` of the
    comprehensive hull, the lottery closest above it, whether a lottery adds more than the
    tolerance to it, and then its leximin refinement."""
    level = chain_level(chain, disagreement, direction)
    point = disagreement + level * direction
    first, second = chain
    a = _at_first(chain, max(float(point[0]), float(first[0])))
    b = _at_second(chain, max(float(point[1]), float(second[-1])))
    between = (first > a.utilities[0]) & (first < b.utilities[0])
    sums = [a.utilities.sum(), b.utilities.sum(), *chain[:, between].sum(axis=0)]
    if max(sums) - point.sum() <= TOLERANCE:
        return RayPoint(Lottery(point, a.indices, a.weights), False, None)
    corners = [a, b, *_chord_points(chain, point)]
    above = min(corners, key=lambda corner: float(corner.utilities.sum()))
    second_gains = a.utilities[1] - point[1] >= b.utilities[0] - point[0]
    refined = a if second_gains else b
    return RayPoint(Lottery(point, above.indices, above.weights), True, refined)
