"""Offer sets that divide a pie, and what a random proposer buys on them.

An offer set is a *pie* when it is a simplex in utilities: every offer is ``low + span *
m`` for shares ``m >= 0`` summing to 1, ``low`` being each party's utility when it gets
nothing and ``low + span`` its utility when it gets everything. A split issue valued
linearly by each party (whatever the weights, offsets and other fixed terms), with offers
that may be lotteries, is one. On a pie, paying a partner costs the proposer exactly the
partner's *price*, the share that gives it its value of rejecting, whoever else is
bought: the cheapest coalition is a sort, not a search over coalitions, and mixing over
equally cheap partners is described by each partner's probability of being included
(Baron & Ferejohn 1989; Eraslan 2002).

Values and prices are in shares of the pie (*money*) here: party ``i`` with utility ``u``
holds ``(u - low_i) / span_i``.

References
----------
Baron, D. P. & Ferejohn, J. A. (1989). Bargaining in Legislatures. American Political
Science Review 83(4):1181-1206.
Eraslan, H. (2002). Uniqueness of Stationary Equilibrium Payoffs in the Baron-Ferejohn
Model. Journal of Economic Theory 103(1):11-30.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from negsim.format.model import TOLERANCE
from negsim.solvers.alternating import OfferSet, Preferences, Rejection
from negsim.solvers.coalitions import CoalitionOffer, ProposerPlay, coalition_lottery, ordered
from negsim.solvers.offers import FrontierOffers, HullOffers, Offer

FACE_TOLERANCE = 1e-9
"""How far (in shares) an offer set's vertex may lie off the simplex's face and still be
taken for a pie."""


@dataclass(frozen=True, eq=False)
class Pie:
    """A simplex offer set: offers ``low + span * m``, ``m >= 0``, ``sum(m) == 1``.
    ``vertices`` ``(n_parties, k)`` are the offer set's points; ``corners[i]`` is the
    vertex where party ``i`` gets everything; ``chain`` is True for a two-party frontier
    chain (its points may also lie inside an edge)."""

    low: np.ndarray
    span: np.ndarray
    vertices: np.ndarray
    corners: np.ndarray
    chain: bool

    def utilities(self, money: np.ndarray) -> np.ndarray:
        return self.low + self.span * money

    def money(self, utilities: np.ndarray) -> np.ndarray:
        return (utilities - self.low) / self.span

    def offer(self, money: np.ndarray) -> Offer:
        """The offer giving each party its ``money`` share, as a lottery on the vertices:
        the corners for a hull, the two neighbouring points for a frontier chain."""
        money = np.clip(money, 0.0, None)
        money = money / money.sum()
        utilities = self.utilities(money)
        if self.chain:
            return _on_chain(self.vertices, utilities)
        keep = money > 0
        indices = self.corners[keep]
        order = np.argsort(indices)
        return Offer(utilities, indices[order], money[keep][order])


def pie_of(offers: OfferSet) -> Pie | None:
    """The offer set as a :class:`Pie`, or None when it is not one (single packages, or a
    hull whose vertices do not all lie on one simplex face with a corner per party)."""
    if isinstance(offers, HullOffers):
        vertices, chain = offers.vertices, False
    elif isinstance(offers, FrontierOffers):
        vertices, chain = offers.vertices, True
    else:
        return None
    if vertices.shape[1] < vertices.shape[0]:
        return None
    low, high = vertices.min(axis=1), vertices.max(axis=1)
    span = high - low
    if np.any(span <= FACE_TOLERANCE):
        return None
    shares = (vertices - low[:, None]) / span[:, None]
    if np.any(np.abs(shares.sum(axis=0) - 1.0) > FACE_TOLERANCE):
        return None
    corners = np.argmax(shares, axis=1)
    if np.any(shares[np.arange(shares.shape[0]), corners] < 1.0 - FACE_TOLERANCE):
        return None
    return Pie(low, span, vertices, corners.astype(np.int64), chain)


def _on_chain(vertices: np.ndarray, utilities: np.ndarray) -> Offer:
    """A point of a straight two-party frontier chain (first party's utility ascending) as
    the mix of its two neighbouring points."""
    first = vertices[0]
    segment = int(np.searchsorted(first, utilities[0], side="right")) - 1
    segment = min(max(segment, 0), first.size - 2)
    low, high = first[segment], first[segment + 1]
    t = 0.0 if high <= low else float(np.clip((utilities[0] - low) / (high - low), 0.0, 1.0))
    if t <= 1e-12:
        return Offer(utilities, np.array([segment]), np.ones(1))
    if t >= 1 - 1e-12:
        return Offer(utilities, np.array([segment + 1]), np.ones(1))
    return Offer(utilities, np.array([segment, segment + 1]), np.array([1 - t, t]))


@dataclass(frozen=True, eq=False)
class Terms:
    """Each party's stationary value of rejecting, in shares, as a function of its value
    ``x`` of the talks (shares, ``(n_parties,)``): staying in is worth ``base + slope * x``
    (breakdown risk ``p``: ``p d + (1 - p)(discount v - cost)`` in utilities), and its
    *price* is ``max(floor, base + slope * x)``, ``floor`` being its outside option or 0
    (nobody gets less than nothing)."""

    base: np.ndarray
    slope: np.ndarray
    floor: np.ndarray

    def stay(self, x: np.ndarray) -> np.ndarray:
        return self.base + self.slope * x

    def price(self, x: np.ndarray) -> np.ndarray:
        return np.maximum(self.floor, self.stay(x))


def stationary_terms(pie: Pie, prefs: Preferences) -> Terms:
    """:class:`Terms` of the stationary equilibrium (round 0's utility equivalents, as
    :func:`~negsim.solvers.alternating.rejection_values` with ``kind="expected"``)."""
    p = prefs.breakdown_risk
    slope = (1 - p) * prefs.discount
    scale = 1.0 / pie.span
    base = scale * (p * prefs.disagreement - (1 - p) * prefs.cost - (1 - slope) * pie.low)
    outside = np.where(np.isnan(prefs.outside), -np.inf, scale * (prefs.outside - pie.low))
    return Terms(base, slope, np.maximum(outside, 0.0))


def tied_marginals(
    prices: np.ndarray, proposer: int, partners: int, tolerance: float
) -> np.ndarray:
    """Inclusion probabilities of the cheapest ``partners`` partners at ``prices``
    (shares): 1 for those strictly cheaper than the marginal price, the remaining places
    spread evenly over those tied with it (within ``tolerance``), 0 for dearer ones."""
    n = prices.shape[0]
    marginals = np.zeros(n)
    if partners <= 0:
        return marginals
    others = np.array([j for j in range(n) if j != proposer])
    marginal = np.sort(prices[others])[partners - 1]
    below = others[prices[others] < marginal - tolerance]
    tied = others[np.abs(prices[others] - marginal) <= tolerance]
    marginals[below] = 1.0
    marginals[tied] = (partners - below.size) / tied.size
    return marginals


def pie_play(
    pie: Pie,
    proposer: int,
    marginals: np.ndarray,
    prices: np.ndarray,
    rejection: Rejection,
) -> ProposerPlay:
    """What ``proposer`` does when it buys each party ``j`` with probability
    ``marginals[j]`` at ``prices[j]`` (shares): the lottery over coalitions (each partner
    offered its price, the proposer keeping the rest, the others nothing), unless that
    leaves it less than a rejection would (or costs more than the pie), when it makes no
    offer and everyone expects ``rejection.stay``."""
    n = prices.shape[0]
    cost = float(np.sum(np.where(marginals > 0, marginals * prices, 0.0)))
    own = 1.0 - cost
    stay = float(pie.money(rejection.stay)[proposer])
    tolerance = TOLERANCE / float(pie.span[proposer])
    if not np.isfinite(cost) or own < -tolerance or own < stay - tolerance:
        return ProposerPlay(proposer, (), rejection.stay.copy(), rejection)
    coalitions = []
    for partners, probability in coalition_lottery(marginals, proposer):
        money = np.zeros(n)
        money[list(partners)] = prices[list(partners)]
        money[proposer] = max(1.0 - money.sum(), 0.0)
        coalitions.append(CoalitionOffer(partners, pie.offer(money), probability))
    values = np.sum([c.probability * c.offer.utilities for c in coalitions], axis=0)
    return ProposerPlay(proposer, ordered(coalitions, proposer, n), values, rejection)


def round_plays(pie: Pie, rejection: Rejection, partners: int) -> tuple[ProposerPlay, ...]:
    """Every proposer's play in a round whose values of rejecting are ``rejection``: the
    cheapest partners, ties spread evenly (the deadline's rounds, and value iteration)."""
    prices = np.maximum(pie.money(rejection.value), 0.0)
    n = prices.shape[0]
    plays = []
    for proposer in range(n):
        tolerance = TOLERANCE / float(pie.span[proposer])
        marginals = tied_marginals(prices, proposer, partners, tolerance)
        plays.append(pie_play(pie, proposer, marginals, prices, rejection))
    return tuple(plays)


def round_values(
    pie: Pie, rejection: Rejection, partners: int, recognition: np.ndarray
) -> np.ndarray:
    """What :func:`round_plays` makes every party expect before anyone is recognised,
    without building the offers (the rounds of a deadline before the first)."""
    prices = np.maximum(pie.money(rejection.value), 0.0)
    stay = pie.money(rejection.stay)
    n = prices.shape[0]
    expected = np.zeros(n)
    for proposer in range(n):
        tolerance = TOLERANCE / float(pie.span[proposer])
        marginals = tied_marginals(prices, proposer, partners, tolerance)
        cost = float(np.sum(np.where(marginals > 0, marginals * prices, 0.0)))
        own = 1.0 - cost
        if not np.isfinite(cost) or own < -tolerance or own < stay[proposer] - tolerance:
            expected += recognition[proposer] * rejection.stay
            continue
        money = np.where(marginals > 0, marginals * prices, 0.0)
        money[proposer] = max(own, 0.0)
        expected += recognition[proposer] * pie.utilities(money)
    return expected
