"""The ``screening`` block of ``negsim solve``: offers over a deadline when the responder's
disagreement payoff or value of a deal is private (see :mod:`negsim.solvers.screening`).

Screening applies when the protocol lets only the uninformed side make offers
(``one_sided`` or ``ultimatum``, with a deadline), there are two parties, and
``uncertainty`` makes the responder's ``disagreement`` or ``agreement_value`` private.
Other uncertain parameters keep their stated values here (they enter ``simulate``).

A continuous distribution is solved on a grid of ``types`` quantiles, and again on half
as many; the largest change in the headline numbers (agreement by round, no agreement,
the final round's share, the expected payoffs) is the reported discretization error.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

import numpy as np

from negsim.analysis.offers import OfferSpace, offer_space
from negsim.analysis.records import Discretization, Screening
from negsim.format.model import TOLERANCE, Choice, Distribution
from negsim.format.screened import screened_parameter
from negsim.progress import ProgressBar, ProgressFactory
from negsim.space import OutcomeSpace

if TYPE_CHECKING:  # the solver is imported when a scenario calls for screening
    from negsim.solvers.screening import ScreeningProblem, ScreeningSolution

DISCRETIZATION_TOLERANCE = 0.005
"""A discretization error above this is a warning: the headline numbers are then not
settled to half a percentage point."""
PROGRESS_CELLS = 2_000_000
"""Types times rounds from which screening shows progress (about ten seconds of work)."""


@dataclasses.dataclass(frozen=True)
class _Setting:
    """What the problem needs besides the type distribution."""

    private: str
    stated_disagreement: float
    stated_bonus: float
    base: dict


def _types(distribution: Distribution, setting: _Setting) -> dict:
    """The type pieces in reservation order (most eager first): quantile ends, ``d`` and
    ``a`` at each piece's ends and at its representative point."""
    if isinstance(distribution, Choice):
        values, probabilities = distribution.discretize()
        keep = probabilities > 0
        values, probabilities = values[keep], probabilities[keep] / probabilities[keep].sum()
        d, a = _parameters(values, setting)
        order = np.argsort(d - a, kind="stable")
        quantiles = np.concatenate([[0.0], np.cumsum(probabilities[order])])
        quantiles[-1] = 1.0
        d, a = d[order], a[order]
        return dict(quantiles=quantiles, disagreement_ends=np.stack([d, d], axis=1),
                    bonus_ends=np.stack([a, a], axis=1), type_disagreement=d, type_bonus=a,
                    atoms=True)  # fmt: skip
    n = distribution.types
    share = np.arange(n + 1) / n
    middle = (np.arange(n) + 0.5) / n
    if setting.private == "agreement_value":  # a higher value is a more eager type
        share, middle = 1.0 - share, 1.0 - middle
    d, a = _parameters(distribution.quantile(share), setting)
    d_mid, a_mid = _parameters(distribution.quantile(middle), setting)
    return dict(quantiles=np.arange(n + 1) / n, disagreement_ends=np.stack([d[:-1], d[1:]], axis=1),
                bonus_ends=np.stack([a[:-1], a[1:]], axis=1), type_disagreement=d_mid,
                type_bonus=a_mid, atoms=False)  # fmt: skip


def _parameters(values: np.ndarray, setting: _Setting) -> tuple[np.ndarray, np.ndarray]:
    """``(d, a)`` of the types with these values of the private parameter."""
    values = np.asarray(values, dtype=float)
    if setting.private == "disagreement":
        return values, np.zeros(values.size)
    return np.full(values.size, setting.stated_disagreement), values - setting.stated_bonus


def _solve(
    distribution: Distribution, setting: _Setting, bar: ProgressBar | None = None
) -> tuple[ScreeningProblem, ScreeningSolution]:
    from negsim.solvers.screening import ScreeningProblem, solve_screening

    problem = ScreeningProblem(**setting.base, **_types(distribution, setting))
    return problem, solve_screening(problem, None if bar is None else bar.advance)


def _solve_checked(
    distribution: Distribution, setting: _Setting, deadline: int, progress: ProgressFactory | None
) -> tuple[ScreeningProblem, ScreeningSolution, Discretization | None]:
    """The solve on the grid of types and the check on half of it, under one progress bar
    when the work is long."""
    bar = None
    if progress is not None and distribution.types * deadline >= PROGRESS_CELLS:
        bar = progress(deadline * (1 if isinstance(distribution, Choice) else 2))
    try:
        problem, solution = _solve(distribution, setting, bar)
        return problem, solution, _discretization(distribution, setting, problem, solution, bar)
    finally:
        if bar is not None:
            bar.close()


def _headline(solution: ScreeningSolution, problem: ScreeningProblem) -> np.ndarray:
    """The numbers the discretization error is measured on."""
    agreed = float(solution.agreement_probability.sum())
    share = float(solution.agreement_probability[-1]) / agreed if agreed > 0 else 0.0
    responder = float(problem.probabilities @ solution.type_payoffs)
    return np.concatenate([solution.agreement_probability,
                           [solution.no_agreement_probability, share,
                            solution.proposer_value, responder]])  # fmt: skip


def _discretization(
    distribution: Distribution, setting: _Setting, problem: ScreeningProblem,
    solution: ScreeningSolution, bar: ProgressBar | None = None,
) -> Discretization | None:  # fmt: skip
    """Solve again on half the grid and compare (None for discrete types: exact)."""
    if isinstance(distribution, Choice):
        return None
    coarse = max(1, (distribution.types + 1) // 2)
    other_problem, other = _solve(dataclasses.replace(distribution, types=coarse), setting, bar)
    change = np.abs(_headline(solution, problem) - _headline(other, other_problem))
    return Discretization(distribution.types, coarse, float(change.max()),
                          DISCRETIZATION_TOLERANCE)  # fmt: skip


def screening(
    space: OutcomeSpace,
    efficient: np.ndarray | None = None,
    *,
    offers: OfferSpace | None = None,
    progress: ProgressFactory | None = None,
) -> Screening | None:
    """The screening equilibrium, or None when the scenario does not call for one.
    ``efficient`` (the Pareto mask) and ``offers`` (the offer set) are reused when given;
    ``progress`` makes a progress bar over the rounds solved, used when the types times
    the rounds reach :data:`PROGRESS_CELLS`."""
    scenario = space.scenario
    protocol = scenario.protocol
    private = screened_parameter(scenario)
    if private is None or protocol.deadline is None:
        return None
    proposer = scenario.party_index(protocol.first_proposer)
    responder = 1 - proposer
    stated_party = scenario.parties[responder]
    stated_d = float(space.disagreement[responder])
    if offers is None:
        offers = offer_space(space, efficient)
    points = offers.points
    ascending = np.argsort(points[responder], kind="stable")
    prefs_party = scenario.parties[proposer]
    base = dict(
        frontier_responder=points[responder, ascending],
        frontier_proposer=points[proposer, ascending],
        steps=not protocol.lotteries,
        deadline=protocol.deadline,
        breakdown_risk=protocol.breakdown_risk,
        proposer_discount=prefs_party.discount,
        proposer_cost=prefs_party.cost_per_round,
        proposer_disagreement=float(space.disagreement[proposer]),
        responder_discount=stated_party.discount,
        responder_cost=stated_party.cost_per_round,
    )
    setting = _Setting(private.parameter, stated_d, stated_party.agreement_value, base)
    problem, solution, discretization = _solve_checked(
        private.distribution, setting, protocol.deadline, progress
    )

    def made(base: float) -> tuple[np.ndarray | None, tuple]:
        """The proposer's best offer giving the responder at least ``base``."""
        floors = np.full(2, -np.inf)
        floors[responder] = base
        offer = None if np.isnan(base) else offers.offers.best_for(proposer, floors)
        return (None if offer is None else offer.utilities.copy()), offers.mix(offer)

    offer_utilities, offer_mixes = zip(*(made(base) for base in solution.offers), strict=True)
    alternatives = tuple(
        tuple((chance, *made(base)) for base, chance in choices[1:])
        for choices in solution.offer_choices
    )
    expected = np.zeros(2)
    expected[proposer] = solution.proposer_value
    expected[responder] = float(problem.probabilities @ solution.type_payoffs)
    return Screening(
        space=space,
        offers=offers,
        proposer=proposer,
        responder=responder,
        parameter=private.parameter,
        n_types=int(problem.probabilities.size),
        solution=solution,
        offer_utilities=tuple(offer_utilities),
        offer_mixes=tuple(offer_mixes),
        offer_chances=tuple(choices[0][1] for choices in solution.offer_choices),
        alternatives=alternatives,
        stated_type_round=_stated_round(problem, solution, stated_d),
        expected_payoffs=expected,
        type_values=_type_values(problem, setting) if problem.atoms else None,
        discretization=discretization,
    )


def _stated_round(
    problem: ScreeningProblem, solution: ScreeningSolution, stated_d: float
) -> int | None:
    """The first round in which the responder with its stated values (reservation
    ``stated_d``: it adds nothing to a deal) would accept: the marginal type of that
    round's cutoff is at least as reluctant."""
    starts = np.concatenate([[0.0], solution.cutoffs[:-1]])
    d, a = problem.types_at(solution.cutoffs, right=False)
    for t, (start, cutoff) in enumerate(zip(starts, solution.cutoffs, strict=True)):
        if cutoff > start and stated_d <= d[t] - a[t] + TOLERANCE:
            return t
    return None


def _type_values(problem: ScreeningProblem, setting: _Setting) -> np.ndarray:
    """The private parameter's value of each atom (in the solver's order)."""
    if setting.private == "disagreement":
        return problem.type_disagreement.copy()
    return problem.type_bonus + setting.stated_bonus
