"""The ``screening`` block of ``negsim solve``: offers over a deadline when the responder's
disagreement payoff or value of a deal is private (see :mod:`negsim.solvers.screening`).

Screening applies when the protocol lets only the uninformed side make offers
(``one_sided`` or ``ultimatum``, with a deadline), there are two parties, and
``uncertainty`` makes the responder's ``disagreement`` or ``agreement_value`` private.
Other uncertain parameters keep their stated values here (they enter ``simulate``).
"""

from __future__ import annotations

import numpy as np

from negsim.analysis.offers import OfferSpace, offer_space
from negsim.analysis.records import Screening
from negsim.format.model import TOLERANCE, UncertainParameter
from negsim.solvers.screening import ScreeningProblem, solve_screening
from negsim.space import OutcomeSpace

SCREENED_PARAMETERS = ("disagreement", "agreement_value")


def _private_parameter(space: OutcomeSpace, responder: str) -> UncertainParameter | None:
    for parameter in space.scenario.uncertainty:
        if parameter.party == responder and parameter.parameter in SCREENED_PARAMETERS:
            return parameter
    return None


def screening(
    space: OutcomeSpace, efficient: np.ndarray | None = None, *, offers: OfferSpace | None = None
) -> Screening | None:
    """The screening equilibrium, or None when the scenario does not call for one.
    ``efficient`` (the Pareto mask) and ``offers`` (the offer set) are reused when given."""
    scenario = space.scenario
    protocol = scenario.protocol
    if (
        scenario.n_parties != 2
        or protocol.kind not in ("one_sided", "ultimatum")
        or protocol.deadline is None
    ):
        return None
    proposer = scenario.party_index(protocol.first_proposer)
    responder = 1 - proposer
    private = _private_parameter(space, scenario.party_names[responder])
    if private is None:
        return None
    values, probabilities = private.distribution.discretize()
    stated_party = scenario.parties[responder]
    stated_d = float(space.disagreement[responder])
    if private.parameter == "disagreement":
        disagreement, bonus = values.astype(float), np.zeros(values.size)
    else:
        disagreement = np.full(values.size, stated_d)
        bonus = values.astype(float) - stated_party.agreement_value
    reservations = disagreement - bonus
    order = np.argsort(reservations, kind="stable")

    if offers is None:
        offers = offer_space(space, efficient)
    points = offers.points
    ascending = np.argsort(points[responder], kind="stable")
    prefs_party = scenario.parties[proposer]
    problem = ScreeningProblem(
        frontier_responder=points[responder, ascending],
        frontier_proposer=points[proposer, ascending],
        steps=not protocol.lotteries,
        reservations=reservations[order],
        type_disagreement=disagreement[order],
        type_bonus=bonus[order],
        probabilities=probabilities[order] / probabilities.sum(),
        deadline=protocol.deadline,
        breakdown_risk=protocol.breakdown_risk,
        proposer_discount=prefs_party.discount,
        proposer_cost=prefs_party.cost_per_round,
        proposer_disagreement=float(space.disagreement[proposer]),
        responder_discount=stated_party.discount,
        responder_cost=stated_party.cost_per_round,
    )
    solution = solve_screening(problem)
    offer_utilities: list[np.ndarray | None] = []
    offer_mixes = []
    for base in solution.offers:
        floors = np.full(2, -np.inf)
        floors[responder] = base
        offer = None if np.isnan(base) else offers.offers.best_for(proposer, floors)
        offer_utilities.append(None if offer is None else offer.utilities.copy())
        offer_mixes.append(offers.mix(offer))
    stated_round = None
    for t, cutoff in enumerate(solution.cutoffs):
        if cutoff > 0 and stated_d <= problem.reservations[cutoff - 1] + TOLERANCE:
            stated_round = t
            break
    expected = np.zeros(2)
    expected[proposer] = solution.proposer_value
    expected[responder] = float(problem.probabilities @ solution.type_payoffs)
    return Screening(
        space=space,
        offers=offers,
        proposer=proposer,
        responder=responder,
        parameter=private.parameter,
        n_types=int(values.size),
        solution=solution,
        offer_utilities=tuple(offer_utilities),
        offer_mixes=tuple(offer_mixes),
        stated_type_round=stated_round,
        expected_payoffs=expected,
    )
