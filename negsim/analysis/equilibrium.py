"""The subgame-perfect equilibrium of a scenario's protocol, with complete information.

:func:`equilibrium` picks the solver for the protocol and returns an :class:`Equilibrium`
record whose ``to_dict`` is the ``equilibrium`` block of ``negsim solve --format json``.

* ``alternating_offers`` with a deadline, ``ultimatum`` (deadline 1) and ``one_sided`` with
  a deadline: backward induction (:func:`negsim.solvers.alternating.backward_induction`);
* ``alternating_offers`` without a deadline: two parties with time-homogeneous
  preferences, the stationary equilibrium; otherwise (more parties, or discounting and
  fixed costs together) the limit of ever longer deadlines, as the format prescribes;
* ``one_sided`` without a deadline: the proposer offers each responder its stationary
  rejection value;
* ``random_proposer``: :mod:`negsim.solvers.random_proposer` (Baron & Ferejohn 1989).

Offers are lotteries on the hull's frontier when ``lotteries: true``, single packages
otherwise.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from negsim.analysis.records import MixMember, mix_package, mix_records
from negsim.format.model import TOLERANCE, Scenario
from negsim.solvers import frontier
from negsim.solvers.alternating import (
    AlternatingSolution,
    Preferences,
    StationarySolution,
    backward_induction,
    stationary_two_party,
)
from negsim.solvers.offers import FrontierOffers, HullOffers, Offer, PureOffers
from negsim.space import OutcomeSpace

LIMIT_DEADLINES = (64, 256, 1024, 4096, 16384)
"""Deadlines tried, in turn, for the limit of ever longer deadlines."""


@dataclass(frozen=True, eq=False)
class Proposal:
    """What ``proposer`` offers in ``round`` (None: no deadline), if that round is reached:
    ``utilities`` ``(n_parties,)`` and the lottery ``mix`` of feasible positions; both None
    when no offer would be accepted."""

    round: int | None
    proposer: int
    utilities: np.ndarray | None
    mix: tuple[MixMember, ...]
    accepted: bool
    thresholds: np.ndarray | None = None
    """Each responder's value of rejecting, in utility terms (NaN for the proposer): it
    accepts an offer worth at least that much."""


@dataclass(frozen=True, eq=False)
class Equilibrium:
    """The ``equilibrium`` block of ``negsim solve`` (see ``spec/cli.md``)."""

    space: OutcomeSpace
    protocol: str
    deadline: int | None
    first_proposer: int
    agreement: bool
    round: int | None
    proposer: int | None
    utilities: np.ndarray | None
    mix: tuple[MixMember, ...]
    payoffs: np.ndarray
    proposals: tuple[Proposal, ...]
    unique: bool = True
    ranges: np.ndarray | None = None
    """``(n_parties, 2)`` utility ranges over the equilibria when not unique."""
    method: str = ""
    notes: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        names = self.space.scenario.party_names

        def by_party(vector: np.ndarray | None) -> dict[str, float | None] | None:
            """Per party; a non-finite value (e.g. endless delay costs) is null in JSON."""
            if vector is None:
                return None
            return {
                name: float(v) + 0.0 if np.isfinite(v) else None
                for name, v in zip(names, vector, strict=True)
            }

        result: dict[str, Any] = {
            "protocol": self.protocol,
            "deadline": self.deadline,
            "first_proposer": names[self.first_proposer],
            "agreement": self.agreement,
            "round": self.round,
            "proposer": None if self.proposer is None else names[self.proposer],
            "package": mix_package(self.space, self.mix),
            "mix": mix_records(self.space, self.mix),
            "utilities": by_party(self.utilities),
            "payoffs": by_party(self.payoffs),
            "proposals": [
                {
                    "round": proposal.round,
                    "proposer": names[proposal.proposer],
                    "utilities": by_party(proposal.utilities),
                    "package": mix_package(self.space, proposal.mix),
                    "mix": mix_records(self.space, proposal.mix),
                    "accepted": proposal.accepted,
                }
                for proposal in self.proposals
            ],
        }
        if not self.unique and self.ranges is not None:
            result["unique"] = False
            result["range"] = {
                name: [float(low) + 0.0, float(high) + 0.0]
                for name, (low, high) in zip(names, self.ranges, strict=True)
            }
        return result


def preferences(scenario: Scenario, disagreement: np.ndarray) -> Preferences:
    """The parties' discount factors, costs, expected disagreement and outside options."""
    parties = scenario.parties
    return Preferences(
        discount=np.array([p.discount for p in parties], dtype=float),
        cost=np.array([p.cost_per_round for p in parties], dtype=float),
        disagreement=np.asarray(disagreement, dtype=float),
        outside=np.array(
            [np.nan if p.outside_option is None else p.outside_option for p in parties]
        ),
        breakdown_risk=scenario.protocol.breakdown_risk,
    )


@dataclass(frozen=True, eq=False)
class _OfferSpace:
    """An offer set and the feasible positions of its points."""

    offers: PureOffers | FrontierOffers | HullOffers
    positions: np.ndarray
    own_range: tuple[np.ndarray, np.ndarray]
    """Lowest and highest utility of each party over the offer set, ``(n_parties,)`` each."""

    def mix(self, offer: Offer | None) -> tuple[MixMember, ...]:
        """An offer as a lottery of feasible positions."""
        if offer is None:
            return ()
        return tuple(
            MixMember(float(w), int(self.positions[i]))
            for w, i in zip(offer.weights, offer.indices, strict=True)
        )


def offer_space(space: OutcomeSpace, efficient: np.ndarray | None = None) -> _OfferSpace:
    """The offers a proposer may make: the Pareto-optimal feasible packages, or lotteries
    on their hull's frontier when the protocol allows lotteries."""
    utilities = space.utilities
    if efficient is None:
        efficient = frontier.pareto_mask(utilities)
    positions = np.flatnonzero(efficient)
    points = utilities[:, positions]
    own_range = (points.min(axis=1), points.max(axis=1))
    if not space.scenario.protocol.lotteries:
        return _OfferSpace(PureOffers(points), positions, own_range)
    if space.n_parties == 2:
        chain = frontier.upper_hull_two(points)
        return _OfferSpace(FrontierOffers(points[:, chain]), positions[chain], own_range)
    corners = frontier.hull_vertices(points)
    return _OfferSpace(HullOffers(points[:, corners]), positions[corners], own_range)


def equilibrium(space: OutcomeSpace, efficient: np.ndarray | None = None) -> Equilibrium:
    """The subgame-perfect equilibrium of ``space.scenario``'s protocol."""
    scenario = space.scenario
    protocol = scenario.protocol
    prefs = preferences(scenario, space.disagreement)
    offers = offer_space(space, efficient)
    first = scenario.party_index(protocol.first_proposer)
    n = scenario.n_parties
    if protocol.kind == "random_proposer":
        from negsim.solvers.random_proposer import random_proposer_equilibrium

        return random_proposer_equilibrium(space, offers, prefs)
    if protocol.kind == "one_sided":
        if protocol.deadline is None:
            return _one_sided_stationary(space, offers, prefs, first)
        return _from_backward(
            space, offers, prefs, protocol.deadline, lambda t: first, first,
            "backward induction, only the first proposer offers (Ståhl 1972)",
        )  # fmt: skip
    order = [(first + k) % n for k in range(n)]

    def proposer_of_round(t: int) -> int:
        return order[t % n]

    if protocol.deadline is not None:
        return _from_backward(
            space, offers, prefs, protocol.deadline, proposer_of_round, first,
            "backward induction from the deadline (Ståhl 1972)",
        )  # fmt: skip
    homogeneous = bool(np.all((prefs.discount == 1.0) | (prefs.cost == 0.0)))
    patient = bool(np.all(prefs.discount == 1.0) and np.all(prefs.cost == 0.0))
    if n > 2 and patient and prefs.breakdown_risk == 0:
        return _no_impatience(space, offers, prefs, first)
    if n == 2 and homogeneous:
        found = _stationary(space, offers, prefs, first)
        if found is not None:
            return found
    return _limit_of_deadlines(space, offers, prefs, proposer_of_round, first)


def _proposals(solution: AlternatingSolution, offers: _OfferSpace) -> tuple[Proposal, ...]:
    """The offer of every round of a backward-induction solution."""
    return tuple(
        Proposal(
            play.round,
            play.proposer,
            None if play.offer is None else play.offer.utilities.copy(),
            offers.mix(play.offer),
            play.accepted,
            play.thresholds,
        )
        for play in solution.rounds
    )


def _from_backward(
    space: OutcomeSpace,
    offers: _OfferSpace,
    prefs: Preferences,
    deadline: int,
    proposer_of_round: Callable[[int], int],
    first: int,
    method: str,
) -> Equilibrium:
    solution = backward_induction(offers.offers, prefs, deadline, proposer_of_round)
    return _record(space, solution, _proposals(solution, offers), first, deadline, method)


def _record(
    space: OutcomeSpace,
    solution: AlternatingSolution,
    proposals: tuple[Proposal, ...],
    first: int,
    deadline: int | None,
    method: str,
) -> Equilibrium:
    protocol = space.scenario.protocol
    agreed = solution.agreement_round
    play = proposals[agreed] if agreed is not None else None
    return Equilibrium(
        space=space,
        protocol=protocol.kind,
        deadline=deadline,
        first_proposer=first,
        agreement=agreed is not None,
        round=agreed,
        proposer=None if play is None else play.proposer,
        utilities=None if play is None else play.utilities,
        mix=() if play is None else play.mix,
        payoffs=solution.payoffs,
        proposals=proposals,
        method=method,
    )


def _stationary(
    space: OutcomeSpace, offers: _OfferSpace, prefs: Preferences, first: int
) -> Equilibrium | None:
    low, high = offers.own_range
    solution = stationary_two_party(offers.offers, prefs, first, (low[first], high[first]))
    if solution is None or not _proposers_prefer_agreement(solution, prefs):
        return None  # the caller solves it as the limit of ever longer deadlines
    second = 1 - first
    order = (first, second)
    proposals = tuple(
        Proposal(None, party, solution.offers[party].utilities.copy(),
                 offers.mix(solution.offers[party]), True,
                 _responder_thresholds(party, solution.thresholds))
        for party in order
    )  # fmt: skip
    agreed = solution.offers[first]
    ranges = None
    if not solution.unique:
        # the first proposer's utility ranges over [smallest, largest] fixed points; the
        # other party's utility runs along the frontier the opposite way
        low_offer = offers.offers.best_for(second, _floor(first, solution.first_range[0]))
        high_utilities = agreed.utilities
        low_utilities = high_utilities if low_offer is None else low_offer.utilities
        ranges = np.stack(
            [np.minimum(low_utilities, high_utilities), np.maximum(low_utilities, high_utilities)],
            axis=1,
        )
    return Equilibrium(
        space=space,
        protocol=space.scenario.protocol.kind,
        deadline=None,
        first_proposer=first,
        agreement=True,
        round=0,
        proposer=first,
        utilities=agreed.utilities.copy(),
        mix=offers.mix(agreed),
        payoffs=agreed.utilities.copy(),
        proposals=proposals,
        unique=solution.unique,
        ranges=ranges,
        method="stationary equilibrium (Rubinstein 1982; Shaked & Sutton 1984 bounds)",
    )


def _proposers_prefer_agreement(solution: StationarySolution, prefs: Preferences) -> bool:
    """Whether each party's stationary proposal is worth at least what it gets by making
    an unacceptable one instead: breakdown with probability ``p``, else the other side's
    proposal in the next round (a proposer may prefer to wait for a breakdown when talks
    hold no gain for it)."""
    p = prefs.breakdown_risk
    for proposer in (0, 1):
        own = float(solution.offers[proposer].utilities[proposer])
        next_offer = float(solution.offers[1 - proposer].utilities[proposer])
        delay = p * prefs.disagreement[proposer] + (1 - p) * (
            prefs.discount[proposer] * next_offer - prefs.cost[proposer]
        )
        if own < delay - TOLERANCE:
            return False
    return True


def _responder_thresholds(proposer: int, thresholds: np.ndarray) -> np.ndarray:
    """``thresholds`` with the proposer's entry set to NaN, as :class:`Proposal` holds them."""
    result = np.asarray(thresholds, dtype=float).copy()
    result[proposer] = np.nan
    return result


def _floor(party: int, level: float) -> np.ndarray:
    floors = np.full(2, -np.inf)
    floors[party] = level
    return floors


def _limit_of_deadlines(
    space: OutcomeSpace,
    offers: _OfferSpace,
    prefs: Preferences,
    proposer_of_round: Callable[[int], int],
    first: int,
) -> Equilibrium:
    """No deadline, solved as the limit of ever longer deadlines: deadlines of
    ``LIMIT_DEADLINES`` rounds, each with its ``n - 1`` successors so every proposer is
    last once, until their round-0 payoffs agree within 1e-9. The proposals are those of
    the first ``n`` rounds, one per proposer (``round`` null)."""
    n = space.n_parties
    solution = None
    for deadline in LIMIT_DEADLINES:
        runs = [
            backward_induction(offers.offers, prefs, deadline + k, proposer_of_round)
            for k in range(n)
        ]
        solution = runs[0]
        if float(np.ptp(np.stack([run.payoffs for run in runs]), axis=0).max()) <= 1e-9:
            break
    assert solution is not None
    record = _record(
        space, solution, _proposals(solution, offers), first, None,
        "limit of ever longer deadlines (backward induction)",
    )  # fmt: skip
    stationary = tuple(replace(p, round=None) for p in record.proposals[:n])
    return replace(record, proposals=stationary)


def _no_impatience(
    space: OutcomeSpace, offers: _OfferSpace, prefs: Preferences, first: int
) -> Equilibrium:
    """No deadline, no discounting, no costs, no breakdown risk: any division the
    responders accept is an equilibrium, as perpetual disagreement is worth 0 to everyone
    (format, detail 8). Reported: the one best for the first proposer, who gives each
    responder ``max(outside option, 0)``; ``range`` runs, for each party, from that
    floor to its best acceptable offer."""
    floors = np.where(np.isnan(prefs.outside), 0.0, np.fmax(prefs.outside, 0.0))
    thresholds = floors.copy()
    thresholds[first] = -np.inf
    offer = offers.offers.best_for(first, thresholds)
    if offer is None:
        return replace(
            _one_sided_stationary(space, offers, prefs, first), protocol="alternating_offers"
        )
    highs = np.array(
        [
            float(found.utilities[party])
            if (found := offers.offers.best_for(party, np.where(
                np.arange(space.n_parties) == party, -np.inf, floors))) is not None
            else float(offer.utilities[party])
            for party in range(space.n_parties)
        ]
    )  # fmt: skip
    lows = np.minimum(floors, offer.utilities)
    proposal = Proposal(
        None, first, offer.utilities.copy(), offers.mix(offer), True,
        _responder_thresholds(first, thresholds),
    )  # fmt: skip
    return Equilibrium(
        space=space, protocol="alternating_offers", deadline=None, first_proposer=first,
        agreement=True, round=0, proposer=first, utilities=offer.utilities.copy(),
        mix=offers.mix(offer), payoffs=offer.utilities.copy(), proposals=(proposal,),
        unique=False, ranges=np.stack([lows, np.maximum(highs, offer.utilities)], axis=1),
        method="no impatience: every accepted division is an equilibrium; the first "
        "proposer's best is reported",
    )  # fmt: skip


def _one_sided_stationary(
    space: OutcomeSpace, offers: _OfferSpace, prefs: Preferences, first: int
) -> Equilibrium:
    """One-sided offers without a deadline: every responder's threshold is its stationary
    rejection value ``tau = max(outside, p d + (1 - p)(discount tau - cost))``; with no
    breakdown, no discounting and no cost, perpetual disagreement is worth 0 (the format's
    convention), so ``tau = max(outside, 0)``."""
    p = prefs.breakdown_risk
    factor = (1 - p) * prefs.discount
    with np.errstate(divide="ignore", invalid="ignore"):
        stationary = (p * prefs.disagreement - (1 - p) * prefs.cost) / (1 - factor)
    stationary = np.where(factor >= 1, np.where(prefs.cost > 0, -np.inf, 0.0), stationary)
    thresholds = np.where(np.isnan(prefs.outside), stationary, np.fmax(prefs.outside, stationary))
    thresholds[first] = -np.inf
    offer = offers.offers.best_for(first, thresholds)
    if offer is not None and offer.utilities[first] < stationary[first] - TOLERANCE:
        offer = None  # the proposer does better never agreeing (breakdown pays it more)
    proposal = Proposal(None, first, None if offer is None else offer.utilities.copy(),
                        offers.mix(offer), offer is not None,
                        _responder_thresholds(first, thresholds))  # fmt: skip
    if offer is not None:
        payoffs = offer.utilities.copy()
    else:
        # no deal: a responder whose outside option beats staying walks out at once (the
        # others get their disagreement); otherwise everyone gets its never-agree value
        responders = np.arange(space.n_parties) != first
        walks = responders & ~np.isnan(prefs.outside) & (prefs.outside > stationary + TOLERANCE)
        if walks.any():
            walker = int(np.flatnonzero(walks)[0])
            payoffs = prefs.disagreement.copy()
            payoffs[walker] = prefs.outside[walker]
        else:
            payoffs = stationary.copy()
    return Equilibrium(
        space=space, protocol="one_sided", deadline=None, first_proposer=first,
        agreement=offer is not None, round=0 if offer is not None else None,
        proposer=first if offer is not None else None,
        utilities=None if offer is None else offer.utilities.copy(), mix=offers.mix(offer),
        payoffs=payoffs, proposals=(proposal,),
        method="one-sided offers, stationary responder thresholds",
    )  # fmt: skip
