"""Random-proposer bargaining (Baron & Ferejohn 1989): each round one party is recognised
with the ``recognition`` probabilities and proposes; the proposal passes with the votes the
``rule`` requires (``unanimity``: every party; ``majority``: strictly more than half of all
parties, proposer included).

The proposer buys the cheapest coalition: for every set of partners of the required size
it offers each partner its rejection value and keeps the most it can; when several
coalitions are equally cheap it picks one uniformly at random (scenario spec, detail 7),
so values are averages over them. With a deadline the values come from backward
induction; without one, from value iteration to the stationary equilibrium (a
contraction when parties discount, face breakdown risk or pay costs; otherwise the limit
of ever longer deadlines).

References
----------
Baron, D. P. & Ferejohn, J. A. (1989). Bargaining in Legislatures. American Political
Science Review 83(4):1181-1206.
"""

from __future__ import annotations

from itertools import combinations
from typing import TYPE_CHECKING

import numpy as np

from negsim.format.model import TOLERANCE
from negsim.solvers.alternating import Preferences, _rejection_values
from negsim.solvers.offers import Offer

if TYPE_CHECKING:
    from negsim.analysis.equilibrium import Equilibrium, _OfferSpace
    from negsim.space import OutcomeSpace

MAX_ITERATIONS = 100_000


def _proposer_plays(
    offers: _OfferSpace,
    prefs: Preferences,
    proposer: int,
    continuation: np.ndarray | None,
    round_index: int,
    partners_needed: int,
) -> tuple[np.ndarray, list[Offer], np.ndarray]:
    """What each party expects when ``proposer`` is recognised in this round, the tied
    cheapest offers (empty when the proposer gains more from a rejection) and each
    responder's value of rejecting (NaN for the proposer)."""
    stay, walk = _rejection_values(prefs, continuation, round_index)
    rejection = np.where(np.isnan(walk), stay, np.fmax(walk, stay))
    others = [j for j in range(prefs.n_parties) if j != proposer]
    best_value, best_offers = -np.inf, []
    for coalition in combinations(others, partners_needed):
        floors = np.full(prefs.n_parties, -np.inf)
        floors[list(coalition)] = rejection[list(coalition)]
        offer = offers.offers.best_for(proposer, floors)
        if offer is None:
            continue
        value = float(offer.utilities[proposer])
        if value > best_value + TOLERANCE:
            best_value, best_offers = value, [offer]
        elif value >= best_value - TOLERANCE:
            best_offers.append(offer)
    thresholds = rejection.copy()
    thresholds[proposer] = np.nan
    if not best_offers or best_value < stay[proposer] - TOLERANCE:
        return stay, [], thresholds
    return np.mean([offer.utilities for offer in best_offers], axis=0), best_offers, thresholds


def _round_values(
    offers: _OfferSpace,
    prefs: Preferences,
    recognition: np.ndarray,
    continuation: np.ndarray | None,
    round_index: int,
    partners_needed: int,
) -> tuple[np.ndarray, list[list[Offer]], list[np.ndarray]]:
    """Expected values (utility equivalents) at the start of a round, over who is
    recognised, each recognised party's tied offers and its responders' thresholds."""
    expected = np.zeros(prefs.n_parties)
    plays = []
    thresholds = []
    for proposer in range(prefs.n_parties):
        values, tied, levels = _proposer_plays(
            offers, prefs, proposer, continuation, round_index, partners_needed
        )
        expected += recognition[proposer] * values
        plays.append(tied)
        thresholds.append(levels)
    return expected, plays, thresholds


def random_proposer_equilibrium(
    space: OutcomeSpace, offers: _OfferSpace, prefs: Preferences
) -> Equilibrium:
    """The (stationary, or with a deadline backward-induction) equilibrium of random-proposer
    bargaining, as an :class:`~negsim.analysis.equilibrium.Equilibrium`: ``utilities`` and
    ``payoffs`` are expectations over who is recognised, ``package`` is null, and
    ``proposals`` hold each party's proposal when recognised in round 0, its tied partners
    taken in party order after the proposer."""
    from negsim.analysis.equilibrium import Equilibrium, Proposal

    scenario = space.scenario
    protocol = scenario.protocol
    n = scenario.n_parties
    recognition = np.array([protocol.recognition[name] for name in scenario.party_names])
    partners_needed = n - 1 if protocol.rule == "unanimity" else n // 2
    if protocol.deadline is not None:
        continuation = None
        for round_index in range(protocol.deadline - 1, -1, -1):
            values, plays, thresholds = _round_values(
                offers, prefs, recognition, continuation, round_index, partners_needed
            )
            continuation = values
        method = "backward induction over rounds, expectations over recognition"
    else:
        values, plays, thresholds, method = _stationary(offers, prefs, recognition, partners_needed)
    proposals = []
    for proposer in range(n):
        tied = plays[proposer]
        chosen = _in_party_order(tied, proposer, n) if tied else None
        proposals.append(
            Proposal(
                None if protocol.deadline is None else 0,
                proposer,
                None if chosen is None else chosen.utilities.copy(),
                offers.mix(chosen),
                chosen is not None,
                thresholds[proposer],
            )
        )
    agreement = any(plays[k] and recognition[k] > 0 for k in range(n))
    utilities = None
    if agreement:
        utilities = sum(
            recognition[k] * np.mean([o.utilities for o in plays[k]], axis=0)
            for k in range(n)
            if plays[k]
        ) / sum(recognition[k] for k in range(n) if plays[k])
    return Equilibrium(
        space=space,
        protocol="random_proposer",
        deadline=protocol.deadline,
        first_proposer=scenario.party_index(protocol.first_proposer),
        agreement=bool(agreement),
        round=0 if agreement else None,
        proposer=None,
        utilities=None if utilities is None else np.asarray(utilities),
        mix=(),
        payoffs=values,
        proposals=tuple(proposals),
        method=f"Baron & Ferejohn (1989), {protocol.rule}: {method}",
    )


def _in_party_order(tied: list[Offer], proposer: int, n: int) -> Offer:
    """Among tied offers, the one whose best-paid partners come first in party order after
    the proposer (the reported proposal of the format's detail 7)."""
    order = [(proposer + k) % n for k in range(1, n)]

    def key(offer: Offer) -> tuple[float, ...]:
        return tuple(-float(offer.utilities[j]) for j in order)

    return min(tied, key=key)


def _stationary(
    offers: _OfferSpace,
    prefs: Preferences,
    recognition: np.ndarray,
    partners_needed: int,
) -> tuple[np.ndarray, list[list[Offer]], list[np.ndarray], str]:
    """Value iteration ``v <- E[values | v]`` from ``v = 0`` until it moves less than 1e-13."""
    values = np.zeros(prefs.n_parties)
    plays: list[list[Offer]] = []
    thresholds: list[np.ndarray] = []
    for _ in range(MAX_ITERATIONS):
        updated, plays, thresholds = _round_values(
            offers, prefs, recognition, values, 0, partners_needed
        )
        if np.max(np.abs(updated - values)) <= 1e-13:
            values = updated
            break
        values = updated
    return values, plays, thresholds, "stationary values by value iteration"
