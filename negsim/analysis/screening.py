"""The ``screening`` block of ``negsim solve``: offers over a deadline when the responder's
disagreement payoff or value of a deal is private (see :mod:`negsim.solvers.screening`).

Screening applies when the protocol lets only the uninformed side make offers
(``one_sided`` or ``ultimatum``, with a deadline), there are two parties, and
``uncertainty`` makes the responder's ``disagreement`` or ``agreement_value`` private.
Other uncertain parameters keep their stated values here (they enter ``simulate``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from negsim.analysis.equilibrium import offer_space
from negsim.analysis.records import MixMember, mix_package, mix_records
from negsim.format.model import TOLERANCE, UncertainParameter
from negsim.solvers.offers import FrontierOffers, PureOffers
from negsim.solvers.screening import ScreeningProblem, ScreeningSolution, solve_screening
from negsim.space import OutcomeSpace

SCREENED_PARAMETERS = ("disagreement", "agreement_value")


@dataclass(frozen=True, eq=False)
class Screening:
    """The uninformed proposer's offers and the responder types' acceptance."""

    space: OutcomeSpace
    proposer: int
    responder: int
    parameter: str
    n_types: int
    solution: ScreeningSolution
    offer_utilities: tuple[np.ndarray | None, ...]
    offer_mixes: tuple[tuple[MixMember, ...], ...]
    stated_type_round: int | None
    expected_payoffs: np.ndarray

    @property
    def final_round_share(self) -> float | None:
        agreed = float(self.solution.agreement_probability.sum())
        if agreed <= 0:
            return None
        return float(self.solution.agreement_probability[-1]) / agreed

    def to_dict(self) -> dict[str, Any]:
        names = self.space.scenario.party_names
        offers = []
        for t, (utilities, mix) in enumerate(zip(self.offer_utilities, self.offer_mixes,
                                                 strict=True)):  # fmt: skip
            offers.append({
                "round": t,
                "utilities": None if utilities is None else {
                    name: float(u) + 0.0 for name, u in zip(names, utilities, strict=True)},
                "package": mix_package(self.space, mix),
                "mix": mix_records(self.space, mix),
                "accept_probability": float(self.solution.accept_probability[t]),
            })  # fmt: skip
        return {
            "proposer": names[self.proposer],
            "responder": names[self.responder],
            "parameter": self.parameter,
            "types": self.n_types,
            "offers": offers,
            "stated_type_accepts_in_round": self.stated_type_round,
            "agreement_probability_by_round": [
                float(x) for x in self.solution.agreement_probability
            ],
            "no_agreement_probability": self.solution.no_agreement_probability,
            "expected_payoffs": {
                name: float(x) + 0.0 for name, x in zip(names, self.expected_payoffs, strict=True)
            },
            "final_round_share": self.final_round_share,
        }


def _private_parameter(space: OutcomeSpace, responder: str) -> UncertainParameter | None:
    for parameter in space.scenario.uncertainty:
        if parameter.party == responder and parameter.parameter in SCREENED_PARAMETERS:
            return parameter
    return None


def screening(space: OutcomeSpace, efficient: np.ndarray | None = None) -> Screening | None:
    """The screening equilibrium, or None when the scenario does not call for one."""
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

    offers = offer_space(space, efficient)
    if isinstance(offers.offers, FrontierOffers):
        points = offers.offers.vertices
    else:
        assert isinstance(offers.offers, PureOffers)
        points = offers.offers.points
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
