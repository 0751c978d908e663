"""What a proposer can offer: the best offer for the proposer that gives every responder at
least a threshold utility.

Three offer sets, all built from the Pareto-optimal feasible packages (a proposer never
offers a dominated package: whatever a dominating one gives is at least as acceptable):

* :class:`PureOffers`: single packages only (``lotteries: false``); ties go to the higher
  utility sum, then to the earliest package (``docs/scenario-format.md``, ties and tolerance);
* :class:`FrontierOffers`: two parties, lotteries allowed: points of the hull's frontier,
  found by binary search on the frontier chain;
* :class:`HullOffers`: any number of parties, lotteries allowed: one linear program over
  the hull's vertices.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from negsim.format.model import TOLERANCE


@dataclass(frozen=True, eq=False)
class Offer:
    """An offer: ``utilities`` ``(n_parties,)``, the lottery ``weights`` on the offer set's
    points ``indices``."""

    utilities: np.ndarray
    indices: np.ndarray
    weights: np.ndarray


ANSWERS_KEPT = 1 << 16
"""How many answers an offer set remembers."""


class _Remembering:
    """An offer set that remembers its answers: backward induction over thousands of rounds
    asks the same few questions again and again (with discrete offers the rounds soon
    repeat), and an answer costs a pass over every package or a linear program."""

    def __init__(self) -> None:
        self._answers: dict[tuple[int, bytes], Offer | None] = {}

    def best_for(self, proposer: int, thresholds: np.ndarray) -> Offer | None:
        """The proposer's best offer giving every responder ``j`` at least
        ``thresholds[j]`` (``thresholds[proposer]`` is ignored); None if there is none."""
        floors = np.array(thresholds, dtype=float)
        floors[proposer] = -np.inf
        key = (proposer, floors.tobytes())
        if key in self._answers:
            return self._answers[key]
        answer = self._best_for(proposer, floors)
        if len(self._answers) < ANSWERS_KEPT:
            self._answers[key] = answer
        return answer

    def _best_for(self, proposer: int, floors: np.ndarray) -> Offer | None:
        raise NotImplementedError


class PureOffers(_Remembering):
    """Single packages: ``points`` ``(n_parties, k)`` in enumeration order."""

    def __init__(self, points: np.ndarray):
        super().__init__()
        self.points = points
        self.sums = points.sum(axis=0)

    def _best_for(self, proposer: int, thresholds: np.ndarray) -> Offer | None:
        """The proposer's best package among those giving every responder ``j`` at least
        ``thresholds[j]`` (``thresholds[proposer]`` is ignored)."""
        acceptable = np.ones(self.points.shape[1], dtype=bool)
        for party, floor in enumerate(thresholds):
            if party != proposer and floor != -np.inf:
                acceptable &= self.points[party] >= floor - TOLERANCE
        if not acceptable.any():
            return None
        own = np.where(acceptable, self.points[proposer], -np.inf)
        best = own.max()
        tied = own >= best - TOLERANCE
        best_sum = self.sums[tied].max()
        index = int(np.flatnonzero(tied & (self.sums >= best_sum - TOLERANCE))[0])
        return Offer(self.points[:, index].copy(), np.array([index]), np.ones(1))


class FrontierOffers(_Remembering):
    """Two parties with lotteries: the hull's frontier chain ``vertices`` ``(2, m)``,
    ordered by the first party's utility ascending (the second's descending)."""

    def __init__(self, vertices: np.ndarray):
        super().__init__()
        self.vertices = vertices

    def _best_for(self, proposer: int, thresholds: np.ndarray) -> Offer | None:
        """The frontier point best for ``proposer`` that gives the responder at least its
        threshold: the proposer's best vertex if that is acceptable, else the point where
        the responder's utility equals the threshold (a mix of two neighbouring
        vertices)."""
        responder = 1 - proposer
        threshold = float(thresholds[responder])
        theirs = self.vertices[responder]
        if proposer == 0:  # walk the chain from the first party's best vertex, its last
            theirs = theirs[::-1]
        # theirs is ascending along the chain; the proposer's best vertex is the first one
        if threshold <= theirs[0] + TOLERANCE:
            return self._point(proposer, 0, 0.0)
        if threshold > theirs[-1] + TOLERANCE:
            return None
        segment = int(np.searchsorted(theirs, threshold, side="left")) - 1
        segment = min(max(segment, 0), theirs.size - 2)
        low, high = theirs[segment], theirs[segment + 1]
        t = 1.0 if high - low <= 0 else min(max((threshold - low) / (high - low), 0.0), 1.0)
        return self._point(proposer, segment, t)

    def _point(self, proposer: int, segment: int, t: float) -> Offer:
        m = self.vertices.shape[1]
        first = m - 1 - segment if proposer == 0 else segment
        if t <= 1e-12 or m == 1:
            return Offer(self.vertices[:, first].copy(), np.array([first]), np.ones(1))
        second = first - 1 if proposer == 0 else first + 1
        if t >= 1 - 1e-12:
            return Offer(self.vertices[:, second].copy(), np.array([second]), np.ones(1))
        point = (1 - t) * self.vertices[:, first] + t * self.vertices[:, second]
        indices, weights = np.array([first, second]), np.array([1 - t, t])
        order = np.argsort(indices)
        return Offer(point, indices[order], weights[order])


class HullOffers(_Remembering):
    """Any number of parties with lotteries: the convex hull of ``vertices``
    ``(n_parties, m)``; each offer is a linear program (HiGHS) over lottery weights."""

    def __init__(self, vertices: np.ndarray):
        super().__init__()
        self.vertices = vertices

    def _best_for(self, proposer: int, thresholds: np.ndarray) -> Offer | None:
        from negsim.solvers.lp import solve_lp

        n_parties, m = self.vertices.shape
        thresholds = np.asarray(thresholds, dtype=float)
        responders = [j for j in range(n_parties) if j != proposer and np.isfinite(thresholds[j])]
        if any(thresholds[j] == np.inf for j in range(n_parties) if j != proposer):
            return None
        cost = -self.vertices[proposer] - 1e-9 * self.vertices.sum(axis=0)
        result = solve_lp(
            cost,
            upper=-self.vertices[responders] if responders else None,
            upper_bounds=-thresholds[responders] if responders else None,
            equality=np.ones((1, m)),
            equality_bounds=[1.0],
            bounds=[(0.0, None)] * m,
            simplex=True,
        )
        if result.status != 0:
            return None
        weights = np.clip(result.x, 0.0, None)
        keep = weights > 1e-12
        indices = np.flatnonzero(keep)
        weights = weights[keep] / weights[keep].sum()
        return Offer(self.vertices[:, indices] @ weights, indices, weights)
