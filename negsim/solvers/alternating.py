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

from negsim.model import TOLERANCE
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
    bounds = []
    for start in (low, high):
        found = _fixed_point(two_rounds, start)
        if found is None:
            return None
        bounds.append(found)
    (smallest, _), (largest, best_result) = bounds
    unique = largest - smallest <= 1e-9
    _, offer, reply = best_result
    thresholds = np.empty(2)
    thresholds[first] = threshold(first, float(offer.utilities[first]))
    thresholds[second] = threshold(second, float(reply.utilities[second]))
    ordered = (offer, reply) if first == 0 else (reply, offer)
    return StationarySolution(ordered, (True, True), unique, (smallest, largest), thresholds)


def _fixed_point(
    step: Callable[[float], tuple[float, Offer, Offer] | None], start: float
) -> tuple[float, tuple[float, Offer, Offer]] | None:
    """Iterate an increasing map from ``start`` to its nearest fixed point. When the steps
    shrink geometrically (the map is affine near the fixed point, as on a piecewise-linear
    frontier), Aitken's extrapolation jumps to the limit, accepted only if it is a fixed
    point within 1e-13."""
    value = start
    previous_step = None
    for _ in range(200_000):
        result = step(value)
        if result is None:
            return None
        change = result[0] - value
        if abs(change) <= 1e-15:
            return result[0], result
        if previous_step is not None and previous_step != 0:
            ratio = change / previous_step
            if 0 < ratio < 1 - 1e-12:
                guess = result[0] + change * ratio / (1 - ratio)
                checked = step(guess)
                if checked is not None and abs(checked[0] - guess) <= 1e-13:
                    return checked[0], checked
        previous_step = change
        value = result[0]
    final = step(value)  # not converged within the budget: report where it stands
    return None if final is None else (final[0], final)
