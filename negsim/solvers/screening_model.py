"""The screening game's inputs (:class:`ScreeningProblem`): the proposer's offers, the
responder's types in quantile space, and the protocol's discounting and risks.

Types are laid out on ``[0, 1]`` by their reservation ``r = d - a`` (what a last offer
must give in base utility), most eager first: the type at quantile ``s`` is what is left
of the distribution after a mass ``s`` of more eager types. Between the ``quantiles``
the parameters ``d`` and ``a`` are linear; a continuous distribution is one piece per
grid cell (continuous across cells), a discrete one (``choice``) one constant piece per
type, its width the type's probability (an atom).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from negsim.format.model import TOLERANCE


@dataclass(frozen=True, slots=True)
class ScreeningProblem:
    """Inputs, for the proposer ``P`` and responder ``R``.

    ``frontier_responder`` ascending and ``frontier_proposer`` give the proposer's best
    utility ``pi(v)`` for a responder base utility ``v`` (piecewise linear between points
    with lotteries, a step function for single packages: ``steps=True``).
    """

    frontier_responder: np.ndarray
    frontier_proposer: np.ndarray
    steps: bool
    quantiles: np.ndarray
    """``(M + 1,)`` from 0 to 1: the ends of the type pieces."""
    disagreement_ends: np.ndarray
    """``(M, 2)``: ``d`` at the start and the end of each piece."""
    bonus_ends: np.ndarray
    """``(M, 2)``: ``a``, what a type adds to the base utility of any deal."""
    type_disagreement: np.ndarray
    """``(M,)``: each piece's representative type (its quantile midpoint; the atom)."""
    type_bonus: np.ndarray
    atoms: bool
    """Pieces are types of positive mass (``choice``), which may mix when indifferent."""
    deadline: int
    breakdown_risk: float
    proposer_discount: float
    proposer_cost: float
    proposer_disagreement: float
    responder_discount: float
    responder_cost: float

    @property
    def probabilities(self) -> np.ndarray:
        """Each piece's mass."""
        return np.diff(self.quantiles)

    @property
    def reservations(self) -> np.ndarray:
        """Each piece's representative reservation ``d - a`` (nondecreasing)."""
        return self.type_disagreement - self.type_bonus

    def types_at(self, at: np.ndarray, right: bool) -> tuple[np.ndarray, np.ndarray]:
        """``(d, a)`` of the type at each quantile: the limit from the left (the last type
        of the mass below), or with ``right`` from the right (the first type above)."""
        q = self.quantiles
        found = np.searchsorted(q, at, side="right") if right else np.searchsorted(q, at)
        piece = np.clip(found - 1, 0, q.size - 2)
        width = q[piece + 1] - q[piece]
        w = np.clip((at - q[piece]) / np.where(width > 0, width, 1.0), 0.0, 1.0)
        d, a = self.disagreement_ends[piece], self.bonus_ends[piece]
        return d[:, 0] + (d[:, 1] - d[:, 0]) * w, a[:, 0] + (a[:, 1] - a[:, 0]) * w


def proposer_best(problem: ScreeningProblem, base: np.ndarray) -> np.ndarray:
    """``pi(v)``: the proposer's best utility among offers giving the responder at least
    ``v`` (within the tolerance); ``-inf`` where none does."""
    x, y = problem.frontier_responder, problem.frontier_proposer
    base = np.asarray(base, dtype=float)
    if problem.steps:
        suffix = np.maximum.accumulate(y[::-1])[::-1]
        index = np.searchsorted(x, base - TOLERANCE, side="left")
        result = np.full(base.shape, -np.inf)
        inside = index < x.size
        result[inside] = suffix[index[inside]]
        return result
    result = np.interp(base, x, y)
    result = np.where(base <= x[0], y.max(), result)
    return np.where(base > x[-1] + TOLERANCE, -np.inf, result)


def proposer_best_above(problem: ScreeningProblem, base: np.ndarray) -> np.ndarray:
    """The limit of ``pi`` from the right of ``v``: where an offer meets ``v`` with no
    room (a package's own utility, the top of the frontier), ``pi`` drops just above."""
    x, y = problem.frontier_responder, problem.frontier_proposer
    base = np.asarray(base, dtype=float)
    if problem.steps:
        suffix = np.maximum.accumulate(y[::-1])[::-1]
        index = np.searchsorted(x, base + TOLERANCE, side="right")
        result = np.full(base.shape, -np.inf)
        inside = index < x.size
        result[inside] = suffix[index[inside]]
        return result
    result = proposer_best(problem, base)
    return np.where(base >= x[-1] - TOLERANCE, -np.inf, result)


def essential_frontier(problem: ScreeningProblem) -> ScreeningProblem:
    """The problem with only the frontier points where ``pi`` changes: for single packages
    the steps (a package that another with more for the responder matches for the
    proposer never sets ``pi``), for lotteries the kinks (points on a straight stretch of
    the hull are not)."""
    x, y = problem.frontier_responder, problem.frontier_proposer
    if x.size <= 2 and not problem.steps:  # one point or one segment: nothing to drop
        return problem
    if problem.steps:
        suffix = np.maximum.accumulate(y[::-1])[::-1]
        after = np.append(suffix[1:], -np.inf)
        keep = (y >= suffix) & (suffix > after)
    else:
        dx, dy = np.diff(x), np.diff(y)
        cross = dx[:-1] * dy[1:] - dy[:-1] * dx[1:]
        scale = np.hypot(dx[:-1], dy[:-1]) * np.hypot(dx[1:], dy[1:])
        bend = np.abs(cross) > 1e-12 * np.maximum(scale, 1e-300)
        keep = np.concatenate([[True], bend & (dx[:-1] > 0) & (dx[1:] > 0), [True]])
    return replace(problem, frontier_responder=x[keep], frontier_proposer=y[keep])
