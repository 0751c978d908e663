"""Subgame-perfect equilibria of bargaining with offers and responses.

Parties and rounds follow the scenario format's payoff convention: a deal with utility
``u`` in round ``t`` is worth ``discount**t * u - t * cost``; talks that end without a deal
in round ``t`` give ``discount**t * d - t * cost``; a responder with an outside option may
walk out after rejecting, getting ``discount**t * outside - t * cost``; after a rejection
that is not a walk-out, talks break down with probability ``breakdown_risk``.

Values are kept in *utility equivalents* of the current round: ``w`` at round ``t`` stands
for the payoff ``discount**t * w - t * cost``. Moving one round on turns ``w`` into
``discount * w - cost / discount**t``, so the recursion never multiplies by vanishing
powers of the discount factor.

* :func:`backward_induction`: a deadline of ``T`` rounds (Ståhl 1972), any number of
  parties, any proposer sequence;
* :func:`stationary_two_party`: no deadline, two parties, time-homogeneous preferences
  (Rubinstein 1982; Binmore, Rubinstein & Wolinsky 1986 for breakdown risk; Shaked &
  Sutton 1984 and Binmore, Shaked & Sutton 1989 for outside options), by the smallest and
  largest fixed points of the two-round map (Shaked & Sutton's bounds).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from negsim.format.model import TOLERANCE
from negsim.solvers.offers import Offer


class OfferSet(Protocol):
    """What the solvers need of an offer set (see :mod:`negsim.solvers.offers`)."""

    def best_for(self, proposer: int, thresholds: np.ndarray) -> Offer | None: ...


@dataclass(frozen=True, slots=True)
class Preferences:
    """Per-party parameters, each of shape ``(n_parties,)``; ``outside`` is NaN where a
    party has no outside option."""

    discount: np.ndarray
    cost: np.ndarray
    disagreement: np.ndarray
    outside: np.ndarray
    breakdown_risk: float = 0.0

    @property
    def n_parties(self) -> int:
        return int(self.discount.shape[0])

    def payoff(self, utilities: np.ndarray, round_index: int) -> np.ndarray:
        """``discount**t * u - t * cost``."""
        return self.discount**round_index * utilities - round_index * self.cost


@dataclass(frozen=True, eq=False)
class RoundPlay:
    """What happens if round ``round`` is reached: ``proposer`` offers ``offer`` (None: no
    offer any responder would accept), which is ``accepted`` or not; ``walk_out`` names the
    responder who walks out after a rejection (None: nobody)."""

    round: int
    proposer: int
    offer: Offer | None
    accepted: bool
    walk_out: int | None
    thresholds: np.ndarray
    """Each responder's rejection value in utility equivalents (the proposer's entry is NaN)."""


@dataclass(frozen=True, eq=False)
class AlternatingSolution:
    """The equilibrium path and plan: ``rounds[t]`` is the play of round ``t``; the
    agreement round is the first accepted round, unless someone walks out before."""

    rounds: tuple[RoundPlay, ...]
    agreement_round: int | None
    payoffs: np.ndarray
    """Expected payoffs at round 0 under the payoff convention, ``(n_parties,)``."""


def _rejection_values(
    prefs: Preferences, continuation: np.ndarray | None, round_index: int
) -> tuple[np.ndarray, np.ndarray]:
    """Each party's value, in utility equivalents of this round, of a rejection: staying in
    (breakdown or the next round) and walking out. Returns ``(stay, walk)``; ``walk`` is
    NaN for parties without an outside option."""
    if continuation is None:  # the last round: a rejection ends the talks
        stay = prefs.disagreement.copy()
    else:
        delay_cost = prefs.cost / prefs.discount**round_index
        with np.errstate(over="ignore", invalid="ignore"):
            next_round = prefs.discount * continuation - delay_cost
        stay = prefs.breakdown_risk * prefs.disagreement + (1 - prefs.breakdown_risk) * next_round
    return stay, prefs.outside


def _play_round(
    offers: OfferSet,
    prefs: Preferences,
    proposer: int,
    continuation: np.ndarray | None,
    round_index: int,
) -> tuple[RoundPlay, np.ndarray]:
    """One step of backward induction: the proposer's best acceptable offer, compared with
    what it gets if its offer is rejected. Returns the play and the round's values."""
    stay, walk = _rejection_values(prefs, continuation, round_index)
    responders = np.arange(prefs.n_parties) != proposer
    walks = responders & ~np.isnan(walk) & (walk > stay + TOLERANCE)
    rejection = np.where(walks, walk, stay)
    thresholds = np.where(responders, rejection, np.nan)
    offer = offers.best_for(proposer, np.where(responders, rejection, -np.inf))
    # if the offer is rejected: the first responder who prefers to walk out does so
    walker = int(np.flatnonzero(walks)[0]) if walks.any() else None
    if walker is None:
        after_rejection = stay
    else:
        after_rejection = prefs.disagreement.copy()
        after_rejection[walker] = walk[walker]
    if offer is not None and offer.utilities[proposer] >= after_rejection[proposer] - TOLERANCE:
        play = RoundPlay(round_index, proposer, offer, True, walker, thresholds)
        return play, offer.utilities.copy()
    return RoundPlay(round_index, proposer, offer, False, walker, thresholds), after_rejection


def backward_induction(
    offers: OfferSet,
    prefs: Preferences,
    deadline: int,
    proposer_of_round: Callable[[int], int],
) -> AlternatingSolution:
    """Subgame-perfect equilibrium with a deadline of ``deadline`` rounds (Ståhl 1972).

    In round ``t`` party ``proposer_of_round(t)`` proposes; every other party must accept.
    Working back from the last round, each responder's threshold is its value of rejecting
    (the disagreement payoff after the last round; otherwise breakdown risk and the next
    round's value, or its outside option if better); the proposer offers its best package
    (or lottery) that meets every threshold, unless it gains more from a rejection.
    Responders accept when indifferent (within 1e-9).

    References
    ----------
    Ståhl, I. (1972). Bargaining Theory. Stockholm School of Economics.
    Osborne, M. J. & Rubinstein, A. (1990). Bargaining and Markets, sec. 3.11.
    """
    plays: list[RoundPlay] = []
    continuation: np.ndarray | None = None
    values = []
    for round_index in range(deadline - 1, -1, -1):
        play, continuation = _play_round(
            offers, prefs, proposer_of_round(round_index), continuation, round_index
        )
        plays.append(play)
        values.append(continuation)
    plays.reverse()
    values.reverse()
    agreement = None
    for play in plays:
        if play.accepted:
            agreement = play.round
            break
        if play.walk_out is not None:
            break
    return AlternatingSolution(tuple(plays), agreement, values[0].copy())


@dataclass(frozen=True, eq=False)
class StationarySolution:
    """The stationary equilibrium of two-party alternating offers without a deadline:
    ``offers[i]`` is party ``i``'s proposal; ``unique`` is False when a range of splits are
    equilibria, ``first_range`` the first proposer's utility range."""

    offers: tuple[Offer, Offer]
    accepted: tuple[bool, bool]
    unique: bool
    first_range: tuple[float, float]
    thresholds: np.ndarray
    """``thresholds[i]``: party i's acceptance threshold when it responds."""


def stationary_two_party(
    offers: OfferSet, prefs: Preferences, first: int, frontier_range: tuple[float, float]
) -> StationarySolution | None:
    """Stationary subgame-perfect equilibrium of two-party alternating offers without a
    deadline, for time-homogeneous preferences (each party has ``discount == 1`` or
    ``cost == 0``).

    The two-round map ``F`` sends the first proposer's own utility ``x`` to the utility it
    can claim once the other side, offering the first proposer its threshold
    ``g(x) = max(outside, p d + (1 - p)(discount x - cost))``, has claimed its own share.
    ``F`` is increasing on ``frontier_range``, so iteration from either end converges to
    its smallest and largest fixed points (Shaked & Sutton 1984); when they differ a range
    of splits are equilibria (Rubinstein 1982, equal fixed costs or no impatience at all)
    and the one best for the first proposer is reported. Returns None if some offer is
    unacceptable to every responder (the caller falls back to long deadlines).

    References
    ----------
    Rubinstein, A. (1982). Perfect Equilibrium in a Bargaining Model. Econometrica
    50(1):97-109.
    Shaked, A. & Sutton, J. (1984). Involuntary Unemployment as a Perfect Equilibrium in a
    Bargaining Model. Econometrica 52(6):1351-1364.
    Binmore, K., Rubinstein, A. & Wolinsky, A. (1986). The Nash Bargaining Solution in
    Economic Modelling. RAND J. Econ. 17(2):176-188.
    """
    second = 1 - first
    p = prefs.breakdown_risk

    def threshold(party: int, continuation: float) -> float:
        stay = p * prefs.disagreement[party] + (1 - p) * (
            prefs.discount[party] * continuation - prefs.cost[party]
        )
        outside = prefs.outside[party]
        return stay if np.isnan(outside) else max(float(outside), stay)

    def thresholds_for(responder: int, value: float) -> np.ndarray:
        levels = np.full(2, -np.inf)
        levels[responder] = value
        return levels

    def two_rounds(own: float) -> tuple[float, Offer, Offer] | None:
        reply = offers.best_for(second, thresholds_for(first, threshold(first, own)))
        if reply is None:
            return None
        offer = offers.best_for(
            first, thresholds_for(second, threshold(second, reply.utilities[second]))
        )
        if offer is None:
            return None
        return float(offer.utilities[first]), offer, reply

    low, high = frontier_range
    found = _fixed_points(two_rounds, low, high)
    if found is None:
        return None
    smallest, largest, best_result = found
    unique = largest - smallest <= 1e-9
    _, offer, reply = best_result
    thresholds = np.empty(2)
    thresholds[first] = threshold(first, float(offer.utilities[first]))
    thresholds[second] = threshold(second, float(reply.utilities[second]))
    ordered = (offer, reply) if first == 0 else (reply, offer)
    return StationarySolution(ordered, (True, True), unique, (smallest, largest), thresholds)


FIXED_POINT_STEPS = 5000
"""Iterations from each end before the bracket is handed to Brent's method."""


def _fixed_points(
    step: Callable[[float], tuple[float, Offer, Offer] | None], low: float, high: float
) -> tuple[float, float, tuple[float, Offer, Offer]] | None:
    """The smallest and largest fixed points of an increasing map of ``[low, high]`` into
    itself, and the map's result at the largest.

    Iterating from ``low`` climbs to the smallest fixed point and from ``high`` descends to
    the largest (Shaked & Sutton's bounds); on a finite set of offers (single packages)
    both arrive exactly. When a contraction close to 1 (patient parties) has not closed
    the bracket after ``FIXED_POINT_STEPS`` steps, the map is checked for a whole interval
    of fixed points (then the bracket's ends are the answer); otherwise the unique fixed
    point inside the bracket is found by Brent's method to 1e-15.
    """
    lower, upper = step(low), step(high)
    if lower is None or upper is None:
        return None
    for _ in range(FIXED_POINT_STEPS):
        next_lower, next_upper = step(lower[0]), step(upper[0])
        if next_lower is None or next_upper is None:
            return None
        settled = next_lower[0] == lower[0] and next_upper[0] == upper[0]
        lower, upper = next_lower, next_upper
        if settled or upper[0] - lower[0] <= 1e-15:
            return lower[0], upper[0], upper
    gap = upper[0] - lower[0]

    def excess(x: float) -> float:
        result = step(x)
        return np.nan if result is None else result[0] - x

    inside = [lower[0] + gap * fraction for fraction in (0.25, 0.5, 0.75)]
    if all(abs(excess(x)) <= 1e-12 for x in inside):
        return lower[0], upper[0], upper
    if excess(lower[0]) <= 0:
        return lower[0], lower[0], lower
    if excess(upper[0]) >= 0:
        return upper[0], upper[0], upper
    from scipy.optimize import brentq  # imported here: most solves never need it

    root = brentq(excess, lower[0], upper[0], xtol=1e-15, rtol=4 * np.finfo(float).eps)
    result = step(root)
    if result is None:
        return None
    return result[0], result[0], result
