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
* ``random_proposer``: :mod:`negsim.solvers.random_proposer` (Baron & Ferejohn 1989;
  proposers mix over equally cheap partners, Eraslan 2002).

Offers are lotteries on the hull's frontier when ``lotteries: true``, single packages
otherwise.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import numpy as np

from negsim.analysis.offers import OfferSpace, offer_space
from negsim.analysis.records import Coalition, Equilibrium, Proposal
from negsim.format.model import TOLERANCE
from negsim.format.scenario import Scenario
from negsim.solvers.alternating import (
    AlternatingSolution,
    Preferences,
    StationarySolution,
    backward_induction,
    stationary_rejection,
    stationary_two_party,
    time_homogeneous,
)
from negsim.solvers.convergence import LIMIT_DEADLINES, Convergence
from negsim.space import OutcomeSpace

LIMIT_TOLERANCE = 1e-9
"""The limit is reached when the round-0 payoffs of a deadline and its ``n - 1`` successors
agree within this."""


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


def equilibrium(
    space: OutcomeSpace, efficient: np.ndarray | None = None, *, offers: OfferSpace | None = None
) -> Equilibrium:
    """The subgame-perfect equilibrium of ``space.scenario``'s protocol (module docstring).

    ``efficient`` (the Pareto mask of the feasible packages) and ``offers`` (the offer set)
    are reused when the caller already has them.
    """
    scenario = space.scenario
    protocol = scenario.protocol
    prefs = preferences(scenario, space.disagreement)
    if offers is None:
        offers = offer_space(space, efficient)
    first = scenario.party_index(protocol.first_proposer)
    n = scenario.n_parties
    if protocol.kind == "random_proposer":
        return _random_proposer(space, offers, prefs)
    if protocol.kind == "one_sided":
        if protocol.deadline is None and not time_homogeneous(prefs):
            # discounting and a fixed cost together: not stationary (format, detail 8)
            return _limit_of_deadlines(space, offers, prefs, lambda t: first, first, cycle=1)
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
    homogeneous = time_homogeneous(prefs)
    patient = bool(np.all(prefs.discount == 1.0) and np.all(prefs.cost == 0.0))
    if n > 2 and patient and prefs.breakdown_risk == 0:
        return _no_impatience(space, offers, prefs, first)
    if n == 2 and homogeneous:
        found = _stationary(space, offers, prefs, first)
        if found is not None:
            return found
    limit = _limit_of_deadlines(space, offers, prefs, proposer_of_round, first)
    return limit if n == 2 else _with_other_outcomes(limit, offers, prefs, first)


def _with_other_outcomes(
    record: Equilibrium, offers: OfferSpace, prefs: Preferences, first: int
) -> Equilibrium:
    """Three or more parties without a deadline: the stationary equilibrium, marked not
    unique with the range of agreements that threats sustain where the construction of
    :mod:`negsim.solvers.multiplicity` applies (format, detail 8)."""
    from negsim.solvers.multiplicity import supported_agreements

    supported = supported_agreements(offers.points, prefs, first, offers.lotteries)
    if supported is None:
        return record
    note = (
        "other subgame-perfect outcomes exist: with three or more parties, threats to move "
        "to another agreement sustain any agreement in the range (Osborne & Rubinstein 1990, "
        "3.13); the stationary equilibrium is shown"
    )
    return replace(record, unique=False, ranges=supported.ranges, note=note)


def _proposals(solution: AlternatingSolution, offers: OfferSpace) -> tuple[Proposal, ...]:
    """The offer of every round of a backward-induction solution."""
    return tuple(
        Proposal(
            play.round,
            play.proposer,
            None if play.offer is None else play.offer.utilities.copy(),
            offers.mix(play.offer),
            play.accepted,
            play.rejection,
        )
        for play in solution.rounds
    )


def _from_backward(
    space: OutcomeSpace,
    offers: OfferSpace,
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
    space: OutcomeSpace, offers: OfferSpace, prefs: Preferences, first: int
) -> Equilibrium | None:
    low, high = offers.own_range
    solution = stationary_two_party(offers.offers, prefs, first, (low[first], high[first]))
    if solution is None or not _proposers_prefer_agreement(solution, prefs):
        return None  # the caller solves it as the limit of ever longer deadlines
    second = 1 - first
    proposals = tuple(
        Proposal(None, party, solution.offers[party].utilities.copy(),
                 offers.mix(solution.offers[party]), True, solution.rejections[party])
        for party in (first, second)
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
        convergence=solution.convergence,
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


def _floor(party: int, level: float) -> np.ndarray:
    floors = np.full(2, -np.inf)
    floors[party] = level
    return floors


def _limit_of_deadlines(
    space: OutcomeSpace,
    offers: OfferSpace,
    prefs: Preferences,
    proposer_of_round: Callable[[int], int],
    first: int,
    cycle: int | None = None,
) -> Equilibrium:
    """No deadline, solved as the limit of ever longer deadlines: deadlines of
    ``LIMIT_DEADLINES`` rounds, each with its ``n - 1`` successors so every proposer is
    last once (``n`` the proposing cycle, by default the number of parties; 1 for
    one-sided offers, whose successive deadlines are still compared), until their round-0
    payoffs agree within :data:`LIMIT_TOLERANCE`. The proposals are those of the first
    ``n`` rounds, one per proposer (``round`` null). When
    even the longest deadlines disagree, the answer of the longest is kept and its
    ``convergence`` says by how much they differ (the analysis warns). With preferences
    that do not change over time, a run whose values repeat exactly has no limit at all
    (single packages can cycle for ever): longer deadlines are then not tried."""
    n = space.n_parties if cycle is None else cycle
    solution = None
    spread = np.inf
    homogeneous = time_homogeneous(prefs)
    method = "limit of ever longer deadlines: round-0 payoffs of consecutive deadlines"
    for deadline in LIMIT_DEADLINES:
        runs = [
            backward_induction(offers.offers, prefs, deadline + k, proposer_of_round)
            for k in range(max(n, 2))  # a deadline and its successors
        ]
        solution = runs[0]
        spread = float(np.ptp(np.stack([run.payoffs for run in runs]), axis=0).max())
        if spread <= LIMIT_TOLERANCE:
            break
        if homogeneous and _cycles(solution, n):
            method += (
                " (they cycle for ever: on single packages these talks have no limit; "
                "state a deadline, or lotteries: true for a divisible issue)"
            )
            break
    assert solution is not None
    convergence = Convergence(method, spread <= LIMIT_TOLERANCE, deadline, spread, LIMIT_TOLERANCE)
    record = _record(
        space, solution, _proposals(solution, offers), first, None,
        "limit of ever longer deadlines (backward induction)",
    )  # fmt: skip
    stationary = tuple(replace(p, round=None) for p in record.proposals[:n])
    return replace(record, proposals=stationary, convergence=convergence)


def _cycles(solution: AlternatingSolution, n: int) -> bool:
    """Whether the values entering round 1 recur exactly a whole number of proposing
    cycles later: with preferences that do not change over time the values then repeat
    for ever, so no deadline, however long, brings a limit."""
    rounds = solution.rounds
    first = rounds[0].rejection.continuation
    if first is None:
        return False
    return any(
        (later := rounds[period].rejection.continuation) is not None
        and np.array_equal(later, first)
        for period in range(n, len(rounds) // 2, n)
    )


def _no_impatience(
    space: OutcomeSpace, offers: OfferSpace, prefs: Preferences, first: int
) -> Equilibrium:
    """No deadline, no discounting, no costs, no breakdown risk: any division the
    responders accept is an equilibrium, as perpetual disagreement is worth 0 to everyone
    (format, detail 8). Reported: the one best for the first proposer, who gives each
    responder ``max(outside option, 0)``; ``range`` runs, for each party, from that
    floor to its best acceptable offer."""
    rejection = stationary_rejection(prefs)
    floors = rejection.value
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
    proposal = Proposal(None, first, offer.utilities.copy(), offers.mix(offer), True, rejection)
    return Equilibrium(
        space=space, protocol="alternating_offers", deadline=None, first_proposer=first,
        agreement=True, round=0, proposer=first, utilities=offer.utilities.copy(),
        mix=offers.mix(offer), payoffs=offer.utilities.copy(), proposals=(proposal,),
        unique=False, ranges=np.stack([lows, np.maximum(highs, offer.utilities)], axis=1),
        method="no impatience: every accepted division is an equilibrium; the first "
        "proposer's best is reported",
    )  # fmt: skip


def _one_sided_stationary(
    space: OutcomeSpace, offers: OfferSpace, prefs: Preferences, first: int
) -> Equilibrium:
    """One-sided offers without a deadline: every responder's threshold is its stationary
    rejection value (:func:`~negsim.solvers.alternating.stationary_rejection`)."""
    rejection = stationary_rejection(prefs)
    stationary = rejection.stay
    thresholds = rejection.value.copy()
    thresholds[first] = -np.inf
    offer = offers.offers.best_for(first, thresholds)
    if offer is not None and offer.utilities[first] < stationary[first] - TOLERANCE:
        offer = None  # the proposer does better never agreeing (breakdown pays it more)
    proposal = Proposal(None, first, None if offer is None else offer.utilities.copy(),
                        offers.mix(offer), offer is not None, rejection)  # fmt: skip
    if offer is not None:
        payoffs = offer.utilities.copy()
    else:
        # no deal: a responder whose outside option beats staying walks out at once (the
        # others get their disagreement); otherwise everyone gets its never-agree value
        walks = (np.arange(space.n_parties) != first) & rejection.walks
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


def _random_proposer(space: OutcomeSpace, offers: OfferSpace, prefs: Preferences) -> Equilibrium:
    """Random-proposer bargaining (:func:`~negsim.solvers.random_proposer.random_proposer`)
    as an :class:`Equilibrium`: ``utilities`` and ``payoffs`` are expectations over who is
    recognised, ``package`` is null, and ``proposals`` hold each party's proposal when
    recognised in round 0: the coalitions it mixes over with their probabilities, each
    party's probability of being a partner, and the first coalition (partners first in
    party order after the proposer) as the reported offer."""
    from negsim.solvers.random_proposer import expected_deal, random_proposer

    scenario = space.scenario
    protocol = scenario.protocol
    recognition = np.array([protocol.recognition[name] for name in scenario.party_names])
    solution = random_proposer(offers.offers, prefs, recognition, protocol.rule, protocol.deadline)
    round_index = None if protocol.deadline is None else 0
    proposals = []
    for play in solution.plays:
        coalitions = tuple(
            Coalition(c.partners, c.probability, c.offer.utilities.copy(), offers.mix(c.offer))
            for c in play.coalitions
        )
        shown = coalitions[0] if coalitions else None
        proposals.append(
            Proposal(
                round_index,
                play.proposer,
                None if shown is None else shown.utilities,
                () if shown is None else shown.mix,
                shown is not None,
                play.rejection,
                partners=play.inclusion,
                coalitions=coalitions,
            )
        )
    deal = expected_deal(solution, recognition)
    agreement = deal is not None
    return Equilibrium(
        space=space,
        protocol="random_proposer",
        deadline=protocol.deadline,
        first_proposer=scenario.party_index(protocol.first_proposer),
        agreement=agreement,
        round=0 if agreement else None,
        proposer=None,
        utilities=deal,
        mix=(),
        payoffs=solution.values,
        proposals=tuple(proposals),
        method=f"Baron & Ferejohn (1989), {protocol.rule}: {solution.method}",
        convergence=solution.convergence,
        unique=solution.ranges is None,
        ranges=solution.ranges,
        note=solution.note,
    )
