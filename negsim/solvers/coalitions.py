"""What a recognised proposer does in random-proposer bargaining: the coalitions of
partners it may buy, each with its offer and the probability it is chosen, and what every
party then expects (:class:`ProposerPlay`).

A proposer that mixes over equally cheap partners is described by its *inclusion
probabilities* (the chance that each party is among its partners); any lottery over
coalitions with those marginals gives every party the same expected payoff when the
partners' prices do not depend on who else is bought (a pie). :func:`coalition_lottery`
turns the marginals into such a lottery, by systematic sampling (Madow 1949), with the
partners taken in party order after the proposer so that the first coalition is the one
the format reports (``docs/scenario-format.md``, detail 7).

References
----------
Madow, W. G. (1949). On the Theory of Systematic Sampling, II. Annals of Mathematical
Statistics 20(3):333-354.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

import numpy as np

from negsim.format.model import TOLERANCE
from negsim.solvers.alternating import OfferSet, Rejection
from negsim.solvers.offers import Offer

CERTAIN = 1e-12
"""Inclusion probabilities within this of 0 or 1 count as never or always."""


@dataclass(frozen=True, eq=False)
class CoalitionOffer:
    """One coalition of a proposer's lottery: its ``partners`` (party indices, ascending),
    the ``offer`` made to them and the ``probability`` that the proposer chooses it."""

    partners: tuple[int, ...]
    offer: Offer
    probability: float


@dataclass(frozen=True, eq=False)
class ProposerPlay:
    """What ``proposer`` does when recognised: the ``coalitions`` it buys, with their
    probabilities (empty when it gains more from a rejection than from any offer the
    others accept), the ``values`` every party expects then ``(n_parties,)``, and what
    rejecting is worth to each party (``rejection``). The coalitions are ordered by their
    partners in party order after the proposer, so the first is the reported one."""

    proposer: int
    coalitions: tuple[CoalitionOffer, ...]
    values: np.ndarray
    rejection: Rejection

    @property
    def offers(self) -> tuple[Offer, ...]:
        return tuple(coalition.offer for coalition in self.coalitions)

    @property
    def inclusion(self) -> np.ndarray:
        """Each party's probability of being among the partners ``(n_parties,)``; NaN for
        the proposer."""
        inclusion = np.zeros(self.values.shape[0])
        for coalition in self.coalitions:
            inclusion[list(coalition.partners)] += coalition.probability
        inclusion[self.proposer] = np.nan
        return inclusion


def after_proposer(partners: tuple[int, ...], proposer: int, n: int) -> tuple[int, ...]:
    """The partners' places in party order after the proposer (the sort key of the
    reported coalition: the one whose partners come first)."""
    return tuple(sorted((j - proposer) % n for j in partners))


def ordered(coalitions: list[CoalitionOffer], proposer: int, n: int) -> tuple[CoalitionOffer, ...]:
    """Coalitions sorted by :func:`after_proposer`."""
    return tuple(sorted(coalitions, key=lambda c: after_proposer(c.partners, proposer, n)))


def coalition_lottery(marginals: np.ndarray, proposer: int) -> list[tuple[tuple[int, ...], float]]:
    """A lottery over coalitions whose inclusion probabilities are ``marginals``
    ``(n_parties,)`` (0 for the proposer, summing to a whole number of partners).

    Greedy in party order after the proposer: each step takes the parties that must be in
    every remaining coalition, fills up with the first others still owed some probability,
    and gives that coalition as much probability as keeps the rest feasible (no party
    owed more than the probability left). Each step settles at least one party, so there
    are at most as many coalitions as uncertain parties, and the first one holds the first
    partners in party order that the proposer ever buys. Returns ``(partners,
    probability)`` pairs, partners ascending, probabilities summing to 1."""
    n = marginals.shape[0]
    order = [(proposer + k) % n for k in range(1, n)]
    owed = {j: float(marginals[j]) for j in order if marginals[j] > CERTAIN}
    size = round(sum(owed.values()))
    if size == 0:
        return [((), 1.0)]
    left, lottery = 1.0, []
    while left > CERTAIN and owed:
        forced = [j for j in order if owed.get(j, 0.0) >= left - CERTAIN]
        forced = sorted(forced, key=lambda j: -owed[j])[:size]  # rounding may force more
        others = [j for j in order if j in owed and j not in forced]
        chosen = sorted(forced + others[: size - len(forced)], key=order.index)
        outside = [owed[j] for j in owed if j not in chosen]
        weight = min(min(owed[j] for j in chosen), left - max(outside, default=0.0))
        weight = min(max(weight, 0.0), left)
        if weight <= CERTAIN:  # rounding left nothing to give: the rest is one coalition
            weight = left
        lottery.append((tuple(sorted(chosen)), weight))
        left -= weight
        for j in chosen:
            owed[j] -= weight
        owed = {j: rest for j, rest in owed.items() if rest > CERTAIN}
    total = sum(weight for _, weight in lottery)
    return [(partners, weight / total) for partners, weight in lottery]


def coalition_play(
    offers: OfferSet, rejection: Rejection, proposer: int, partners: int
) -> ProposerPlay:
    """What ``proposer`` does on any offer set: for every coalition of ``partners`` others
    it offers each member its value of rejecting and keeps the most it can; it picks one
    of the equally cheap coalitions uniformly at random, unless a rejection is worth more
    to it."""
    n = rejection.value.shape[0]
    others = [j for j in range(n) if j != proposer]
    best_value, best = -np.inf, []
    for coalition in combinations(others, partners):
        floors = np.full(n, -np.inf)
        floors[list(coalition)] = rejection.value[list(coalition)]
        offer = offers.best_for(proposer, floors)
        if offer is None:
            continue
        value = float(offer.utilities[proposer])
        if value > best_value + TOLERANCE:
            best_value, best = value, [(coalition, offer)]
        elif value >= best_value - TOLERANCE:
            best.append((coalition, offer))
    if not best or best_value < rejection.stay[proposer] - TOLERANCE:
        return ProposerPlay(proposer, (), rejection.stay.copy(), rejection)
    chosen = [CoalitionOffer(tuple(c), offer, 1.0 / len(best)) for c, offer in best]
    values = np.mean([c.offer.utilities for c in chosen], axis=0)
    return ProposerPlay(proposer, ordered(chosen, proposer, n), values, rejection)
