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
from typing import Literal, Protocol

import numpy as np

from negsim.format.model import TOLERANCE
from negsim.solvers.convergence import Convergence, ConvergenceError
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


RejectionKind = Literal["last_round", "next_round", "same_offer", "expected"]
"""Where a responder's value of rejecting comes from:

* ``last_round``: the deadline's last round; a rejection ends the talks at disagreement;
* ``next_round``: breakdown risk, else the next round's proposal (``next_proposer``'s);
* ``same_offer``: no deadline and the same offer comes again (one-sided offers, or talks
  without any impatience), so the value solves ``v = p d + (1 - p)(discount v - cost)``;
  where ``perpetual``, a party neither discounts nor risks breakdown and perpetual
  disagreement is worth 0 (the format's convention; ``-inf`` with a cost);
* ``expected``: random proposer; breakdown risk, else the expected value of the next round
  over who is recognised.
"""


@dataclass(frozen=True, eq=False)
class Rejection:
    """What rejecting an offer is worth to each party, and what that value is made of, in
    utility equivalents of the round (arrays of shape ``(n_parties,)``).

    ``stay = breakdown_risk * disagreement + (1 - breakdown_risk) * (discount * continuation
    - delay_cost)``, or ``disagreement`` in the last round; ``value`` is ``outside`` where
    ``walks`` (the outside option beats staying in), else ``stay``. A responder accepts an
    offer worth at least ``value`` to it. ``continuation`` is each party's value of the next
    round in that round's utility equivalents (None in the last round); ``delay_cost`` is
    one round's cost in this round's equivalents, ``cost / discount**t``.
    """

    kind: RejectionKind
    stay: np.ndarray
    value: np.ndarray
    walks: np.ndarray
    disagreement: np.ndarray
    outside: np.ndarray
    breakdown_risk: float
    discount: np.ndarray
    delay_cost: np.ndarray
    continuation: np.ndarray | None = None
    next_proposer: int | None = None
    perpetual: np.ndarray | None = None


@dataclass(frozen=True, eq=False)
class RoundPlay:
    """What happens if round ``round`` is reached: ``proposer`` offers ``offer`` (None: no
    offer any responder would accept), which is ``accepted`` or not; ``walk_out`` names the
    responder who walks out after a rejection (None: nobody); ``rejection`` is what
    rejecting is worth to each party, with its parts."""

    round: int
    proposer: int
    offer: Offer | None
    accepted: bool
    walk_out: int | None
    rejection: Rejection

    @property
    def thresholds(self) -> np.ndarray:
        """Each responder's value of rejecting (the proposer's entry is NaN)."""
        return responder_values(self.rejection, self.proposer)


@dataclass(frozen=True, eq=False)
class AlternatingSolution:
    """The equilibrium path and plan: ``rounds[t]`` is the play of round ``t``; the
    agreement round is the first accepted round, unless someone walks out before."""

    rounds: tuple[RoundPlay, ...]
    agreement_round: int | None
    payoffs: np.ndarray
    """Expected payoffs at round 0 under the payoff convention, ``(n_parties,)``."""
    round_values: np.ndarray | None = None
    """``(deadline, n_parties)``: each round's expected values, in utility equivalents of
    that round, if it is reached (row 0 is ``payoffs``)."""


def responder_values(rejection: Rejection, proposer: int) -> np.ndarray:
    """``rejection.value`` with the proposer's entry set to NaN (it does not respond)."""
    values = rejection.value.astype(float, copy=True)
    values[proposer] = np.nan
    return values


def rejection_values(
    prefs: Preferences,
    continuation: np.ndarray | None,
    round_index: int,
    *,
    kind: RejectionKind | None = None,
    next_proposer: int | None = None,
) -> Rejection:
    """Each party's value, in utility equivalents of round ``round_index``, of rejecting an
    offer: staying in (breakdown, else the next round's value ``continuation``; None: this is
    the last round) or walking out to its outside option, whichever is worth more."""
    delay_cost = _delay_cost(prefs, round_index)
    if continuation is None:  # the last round: a rejection ends the talks
        stay = prefs.disagreement.copy()
    else:
        with np.errstate(over="ignore", invalid="ignore"):
            next_round = prefs.discount * continuation - delay_cost
        stay = prefs.breakdown_risk * prefs.disagreement + (1 - prefs.breakdown_risk) * next_round
    return _with_outside(
        prefs,
        stay,
        kind or ("last_round" if continuation is None else "next_round"),
        delay_cost,
        continuation,
        next_proposer,
    )


def _delay_cost(prefs: Preferences, round_index: int) -> np.ndarray:
    """One round's cost in utility equivalents of round ``round_index``, ``cost /
    discount**t``; no cost stays 0 where ``discount**t`` underflows (long deadlines)."""
    if not np.any(prefs.cost):
        return np.zeros(prefs.cost.shape)
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        return np.where(prefs.cost == 0, 0.0, prefs.cost / prefs.discount**round_index)


def _with_outside(
    prefs: Preferences,
    stay: np.ndarray,
    kind: RejectionKind,
    delay_cost: np.ndarray,
    continuation: np.ndarray | None,
    next_proposer: int | None,
    perpetual: np.ndarray | None = None,
) -> Rejection:
    """The :class:`Rejection` record: walking out where the outside option beats ``stay``."""
    walks = ~np.isnan(prefs.outside) & (prefs.outside > stay + TOLERANCE)
    return Rejection(
        kind=kind,
        stay=stay,
        value=np.where(walks, prefs.outside, stay),
        walks=walks,
        disagreement=prefs.disagreement,
        outside=prefs.outside,
        breakdown_risk=prefs.breakdown_risk,
        discount=prefs.discount,
        delay_cost=delay_cost,
        continuation=None if continuation is None else np.asarray(continuation, dtype=float),
        next_proposer=next_proposer,
        perpetual=perpetual,
    )


def stationary_rejection(prefs: Preferences) -> Rejection:
    """Each party's value of rejecting when the same offer comes every round (one-sided
    offers without a deadline): ``tau = max(outside, p d + (1 - p)(discount tau - cost))``,
    i.e. ``stay = (p d - (1 - p) cost) / (1 - (1 - p) discount)``; with no breakdown risk,
    no discounting and no cost, perpetual disagreement is worth 0 (the format's
    convention; ``-inf`` with a cost)."""
    p = prefs.breakdown_risk
    factor = (1 - p) * prefs.discount
    with np.errstate(divide="ignore", invalid="ignore"):
        stationary = (p * prefs.disagreement - (1 - p) * prefs.cost) / (1 - factor)
    perpetual = factor >= 1
    stay = np.where(perpetual, np.where(prefs.cost > 0, -np.inf, 0.0), stationary)
    return _with_outside(prefs, stay, "same_offer", prefs.cost.astype(float), stay, None, perpetual)


def play_round(
    offers: OfferSet,
    prefs: Preferences,
    proposer: int,
    continuation: np.ndarray | None,
    round_index: int,
    next_proposer: int | None,
) -> tuple[RoundPlay, np.ndarray]:
    """One step of backward induction: the proposer's best acceptable offer, compared with
    what it gets if its offer is rejected. Returns the play and the round's values."""
    rejection = rejection_values(prefs, continuation, round_index, next_proposer=next_proposer)
    stay = rejection.stay
    responders = np.arange(prefs.n_parties) != proposer
    walks = responders & rejection.walks
    offer = offers.best_for(proposer, np.where(responders, rejection.value, -np.inf))
    # if the offer is rejected: the first responder who prefers to walk out does so
    walker = int(np.flatnonzero(walks)[0]) if walks.any() else None
    if walker is None:
        after_rejection = stay
    else:
        after_rejection = prefs.disagreement.copy()
        after_rejection[walker] = prefs.outside[walker]
    if offer is not None and offer.utilities[proposer] >= after_rejection[proposer] - TOLERANCE:
        play = RoundPlay(round_index, proposer, offer, True, walker, rejection)
        return play, offer.utilities.copy()
    return RoundPlay(round_index, proposer, offer, False, walker, rejection), after_rejection


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
    # With time-homogeneous preferences a round depends on its number only through who
    # proposes, so a round that meets the same proposers and the same next-round values as
    # a later one is played the same way (with discrete offers the rounds soon repeat).
    homogeneous = time_homogeneous(prefs)
    played: dict[tuple[int, int | None, bytes | None], tuple[RoundPlay, np.ndarray]] = {}
    for round_index in range(deadline - 1, -1, -1):
        proposer = proposer_of_round(round_index)
        following = proposer_of_round(round_index + 1) if round_index + 1 < deadline else None
        key = (proposer, following, None if continuation is None else continuation.tobytes())
        known = played.get(key) if homogeneous else None
        if known is None:
            play, continuation = play_round(
                offers, prefs, proposer, continuation, round_index, following
            )
            if homogeneous:
                played[key] = (play, continuation)
        else:
            same, continuation = known
            play = RoundPlay(
                round_index, proposer, same.offer, same.accepted, same.walk_out, same.rejection
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
    return AlternatingSolution(tuple(plays), agreement, values[0].copy(), np.array(values))


def time_homogeneous(prefs: Preferences) -> bool:
    """Whether every round is played alike given who proposes and the next round's values:
    no party both discounts and pays a fixed cost, so one round's cost in utility
    equivalents, ``cost / discount**t``, does not depend on the round ``t``."""
    return bool(np.all((prefs.discount == 1.0) | (prefs.cost == 0.0)))


@dataclass(frozen=True, eq=False)
class StationarySolution:
    """The stationary equilibrium of two-party alternating offers without a deadline:
    ``offers[i]`` is party ``i``'s proposal and ``rejections[i]`` what rejecting it is worth
    (its responder's next move is its own proposal); ``unique`` is False when a range of
    splits are equilibria, ``first_range`` the first proposer's utility range;
    ``convergence`` how the fixed points were found."""

    offers: tuple[Offer, Offer]
    rejections: tuple[Rejection, Rejection]
    unique: bool
    first_range: tuple[float, float]
    convergence: Convergence


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

    def offer_to(responder: int, proposer: int, next_offer: np.ndarray) -> Offer | None:
        """``proposer``'s best offer meeting ``responder``'s value of rejecting, when
        rejecting leads to ``next_offer`` (``responder``'s own proposal) next round."""
        rejection = rejection_values(prefs, next_offer, 0)
        floors = np.full(2, -np.inf)
        floors[responder] = rejection.value[responder]
        return offers.best_for(proposer, floors)

    def two_rounds(own: float) -> tuple[float, Offer, Offer] | None:
        claim = np.full(2, np.nan)
        claim[first] = own
        reply = offer_to(first, second, claim)
        if reply is None:
            return None
        offer = offer_to(second, first, reply.utilities)
        if offer is None:
            return None
        return float(offer.utilities[first]), offer, reply

    low, high = frontier_range
    found = fixed_points(two_rounds, low, high)
    if found is None:
        return None
    smallest, largest, (_, offer, reply), convergence = found
    unique = largest - smallest <= 1e-9
    proposals = {first: offer, second: reply}
    rejections = {
        first: rejection_values(prefs, reply.utilities, 0, next_proposer=second),
        second: rejection_values(prefs, offer.utilities, 0, next_proposer=first),
    }
    return StationarySolution(
        offers=(proposals[0], proposals[1]),
        rejections=(rejections[0], rejections[1]),
        unique=unique,
        first_range=(smallest, largest),
        convergence=convergence,
    )


FIXED_POINT_STEPS = 5000
"""Iterations from each end before the bracket is handed to Brent's method."""
FIXED_POINT_TOLERANCE = 1e-12
"""Largest ``|F(x) - x|`` accepted at a reported fixed point."""

Step = Callable[[float], "tuple[float, Offer, Offer] | None"]


def fixed_points(
    step: Step, low: float, high: float, max_steps: int = FIXED_POINT_STEPS
) -> tuple[float, float, tuple[float, Offer, Offer], Convergence] | None:
    """The smallest and largest fixed points of an increasing map of ``[low, high]`` into
    itself, the map's result at the largest, and how they were found.

    Iterating from ``low`` climbs to the smallest fixed point and from ``high`` descends to
    the largest (Shaked & Sutton's bounds); on a finite set of offers (single packages)
    both arrive exactly. When a contraction close to 1 (patient parties) has not closed
    the bracket after ``max_steps`` steps, the map is checked for a whole interval of
    fixed points (every point of the bracket, its ends included, within the tolerance:
    then the bracket's ends are the answer); otherwise the unique fixed point inside the
    bracket is found by Brent's method to 1e-15. The answer is refused
    (:class:`~negsim.solvers.convergence.ConvergenceError`) when ``|F(x) - x|`` at it is
    above :data:`FIXED_POINT_TOLERANCE`.
    """
    lower, upper = step(low), step(high)
    if lower is None or upper is None:
        return None
    for iteration in range(1, max_steps + 1):
        next_lower, next_upper = step(lower[0]), step(upper[0])
        if next_lower is None or next_upper is None:
            return None
        settled = next_lower[0] == lower[0] and next_upper[0] == upper[0]
        lower, upper = next_lower, next_upper
        if settled or upper[0] - lower[0] <= 1e-15:
            return _checked(step, lower, upper, upper, "iteration from both ends", iteration)
    gap = upper[0] - lower[0]

    def excess(x: float) -> float:
        result = step(x)
        return np.nan if result is None else result[0] - x

    points = [lower[0] + gap * fraction for fraction in (0.0, 0.25, 0.5, 0.75, 1.0)]
    method = "iteration from both ends, then Brent's method"
    if all(abs(excess(x)) <= FIXED_POINT_TOLERANCE for x in points):
        # a whole interval of fixed points: the bracket's ends, with the points between
        return _checked(step, lower, upper, upper, "iteration from both ends", max_steps)
    if excess(lower[0]) <= 0:
        return _checked(step, lower, lower, lower, method, max_steps)
    if excess(upper[0]) >= 0:
        return _checked(step, upper, upper, upper, method, max_steps)
    from scipy.optimize import brentq  # imported here: most solves never need it

    root, info = brentq(
        excess, lower[0], upper[0], xtol=1e-15, rtol=4 * np.finfo(float).eps, full_output=True
    )
    result = step(root)
    if result is None:
        return None
    return _checked(step, result, result, result, method, max_steps + info.iterations)


def _checked(
    step: Step,
    lower: tuple[float, Offer, Offer],
    upper: tuple[float, Offer, Offer],
    best: tuple[float, Offer, Offer],
    method: str,
    iterations: int,
) -> tuple[float, float, tuple[float, Offer, Offer], Convergence]:
    """The fixed points with their :class:`Convergence`: the residual is the larger
    ``|F(x) - x|`` at the two ends; above the tolerance, a :class:`ConvergenceError`."""
    residual = 0.0
    for point in (lower[0], upper[0]):
        image = step(point)
        residual = max(residual, np.inf if image is None else abs(image[0] - point))
    report = Convergence(
        f"stationary equilibrium: two-round map, {method}",
        residual <= FIXED_POINT_TOLERANCE,
        iterations,
        residual,
        FIXED_POINT_TOLERANCE,
    )
    if not report.converged:
        raise ConvergenceError(
            report,
            "the fixed point of the stationary offers was not found; set a deadline "
            "(protocol.deadline) to solve the talks by backward induction instead",
        )
    return lower[0], upper[0], best, report
