"""Screening: an uninformed proposer's offers over a deadline against a responder whose
disagreement payoff or value of a deal is private (the skimming equilibrium).

The responder's private parameter takes values ``theta_k`` with probabilities ``q_k``
(discrete ``choice`` types, or ``N`` quantile types of a continuous distribution). Type
``k`` values an offer giving base utility ``v`` (the responder's utility at its stated
values) at ``v + a_k`` and disagreement at ``d_k``, so it takes a last offer when
``v >= r_k = d_k - a_k``. Types are ordered by ``r_k``, the most eager first; in the
skimming equilibrium the remaining types are always the least eager ones, ``k .. N-1``
(Fudenberg & Tirole 1983; Sobel & Takahashi 1983).

Backward induction over rounds and states ``k``: the proposer chooses how many types accept
now, i.e. the next state ``j >= k``; the offer makes the marginal type ``j - 1`` indifferent
between accepting now and rejecting, when the proposer would go on from state ``j``. The
proposer's value is

    G(t, k) = max_j  (M_k - M_j) pi(v_t(j)) + p M_j d_P + (1 - p)(delta_P G(t+1, j) - M_j c_t)

with ``M_k`` the mass of types ``k ..``, ``pi`` the proposer's best utility on the offer
set given the responder's base utility, ``p`` the breakdown risk and ``c_t`` the delay cost
in utility equivalents. Each type's value of rejecting, whatever the state it leaves the
proposer in, follows from the proposer's plan, so deviations are priced exactly. The work
is ``O(T N^2)`` on arrays: 2001 types over 10 rounds take well under a second.

With a deadline of 1 this is the optimal take-it-or-leave-it demand: Fearon's (1995)
risk-return trade-off.

References
----------
Fudenberg, D. & Tirole, J. (1983). Sequential Bargaining with Incomplete Information.
Review of Economic Studies 50(2):221-247.
Sobel, J. & Takahashi, I. (1983). A Multistage Model of Bargaining. Review of Economic
Studies 50(3):411-426.
Fearon, J. D. (1995). Rationalist Explanations for War. International Organization
49(3):379-414.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from negsim.format.model import TOLERANCE


@dataclass(frozen=True, slots=True)
class ScreeningProblem:
    """Inputs, for the proposer ``P`` and responder ``R``.

    ``frontier_responder`` ascending and ``frontier_proposer`` give the proposer's best
    utility ``pi(v)`` for a responder base utility ``v`` (piecewise linear between points
    with lotteries, a step function for single packages: ``steps=True``).
    """

    frontier_responder: np.ndarray
    frontier_proposer: np.ndarray
    steps: bool
    reservations: np.ndarray
    """``r_k = d_k - a_k`` per type, ascending."""
    type_disagreement: np.ndarray
    type_bonus: np.ndarray
    """``a_k``: what type k adds to the base utility of any deal."""
    probabilities: np.ndarray
    deadline: int
    breakdown_risk: float
    proposer_discount: float
    proposer_cost: float
    proposer_disagreement: float
    responder_discount: float
    responder_cost: float


@dataclass(frozen=True, eq=False)
class ScreeningSolution:
    """The equilibrium path from the prior: per round ``offers`` (responder base utility;
    NaN when no type accepts), ``cutoffs`` (the state after the round), conditional
    ``accept_probability``, unconditional ``agreement_probability``; the proposer's
    ``proposer_value`` and each type's ``type_payoffs`` at round 0."""

    offers: np.ndarray
    proposer_utilities: np.ndarray
    cutoffs: np.ndarray
    accept_probability: np.ndarray
    agreement_probability: np.ndarray
    no_agreement_probability: float
    proposer_value: float
    type_payoffs: np.ndarray
    accept_round: np.ndarray
    """Round in which each type accepts on the path (-1: never)."""


def proposer_best(problem: ScreeningProblem, base: np.ndarray) -> np.ndarray:
    """``pi(v)``: the proposer's best utility among offers giving the responder at least
    ``v``; ``-inf`` where none does."""
    x, y = problem.frontier_responder, problem.frontier_proposer
    base = np.asarray(base, dtype=float)
    if problem.steps:
        suffix = np.maximum.accumulate(y[::-1])[::-1]
        index = np.searchsorted(x, base - TOLERANCE, side="left")
        result = np.full(base.shape, -np.inf)
        inside = index < x.size
        result[inside] = suffix[index[inside]]
        return result
    result = np.interp(base, x, y)
    result = np.where(base <= x[0], y.max(), result)
    return np.where(base > x[-1] + TOLERANCE, -np.inf, result)


def solve_screening(problem: ScreeningProblem) -> ScreeningSolution:
    """The skimming equilibrium by backward induction (module docstring). The proposer's
    ties go to the choice with the most acceptors."""
    n = problem.reservations.size
    q = problem.probabilities
    mass = np.append(np.cumsum(q[::-1])[::-1], 0.0)  # M_k, k = 0..n
    lowest = float(problem.frontier_responder[0])
    highest = float(problem.frontier_responder[-1])
    p = problem.breakdown_risk
    d_types = problem.type_disagreement
    bonus = problem.type_bonus
    states = np.arange(n + 1)
    types = np.arange(n)
    plans: list[tuple[np.ndarray, np.ndarray]] = []  # per round: (next state per state, offer)
    value_next = None  # G(t+1, .)
    accept_next = None  # A(t+1)[m, j]: type m's value entering round t+1 in state j
    for t in range(problem.deadline - 1, -1, -1):
        last = t == problem.deadline - 1
        cost_p = problem.proposer_cost / problem.proposer_discount**t
        cost_r = problem.responder_cost / problem.responder_discount**t
        # what each type gets by rejecting into state j (n types x n+1 states)
        if last:
            rejection = np.broadcast_to(d_types[:, None], (n, n + 1))
            continuation = mass * problem.proposer_disagreement
        else:
            assert value_next is not None and accept_next is not None
            rejection = p * d_types[:, None] + (1 - p) * (
                problem.responder_discount * accept_next - cost_r
            )
            continuation = p * mass * problem.proposer_disagreement + (1 - p) * (
                problem.proposer_discount * value_next - mass * cost_p
            )
        # offer v_t(j), j = 1..n: the marginal type j-1 is indifferent
        offer = np.full(n + 1, np.nan)
        offer[1:] = rejection[types, types + 1] - bonus
        valid = np.zeros(n + 1, dtype=bool)
        valid[1:] = offer[1:] <= highest + TOLERANCE
        below = np.flatnonzero(valid & (offer < lowest))
        if below.size:  # the cheapest offer already takes types 0..J0-1: only J0 is consistent
            valid[below[:-1]] = False
        effective = np.where(valid, np.maximum(offer, lowest), np.nan)
        payoff = np.where(valid, proposer_best(problem, np.nan_to_num(effective, nan=highest)),
                          -np.inf)  # fmt: skip
        # G(t, k) = max_{j >= k} (M_k - M_j) pi_j + C_j ; j = k means nobody accepts
        gain = (mass[:, None] - mass[None, :]) * np.where(valid, payoff, 0.0)[None, :]
        total = gain + continuation[None, :]
        allowed = (states[None, :] > states[:, None]) & valid[None, :]
        allowed |= np.eye(n + 1, dtype=bool)
        total = np.where(allowed, total, -np.inf)
        # ties (within 1e-9) go to the most acceptors: like a complete-information proposer,
        # an indifferent proposer makes the offer that is accepted
        value = total.max(axis=1)
        tied = total >= value[:, None] - TOLERANCE * np.maximum(1.0, np.abs(value))[:, None]
        choice = n - np.argmax(tied[:, ::-1], axis=1)
        plan_offer = np.where(choice > states, effective[choice], np.nan)
        # each type's value entering this round in state k (types m < k are deviators)
        accept_now = plan_offer[None, :] + bonus[:, None]
        reject = rejection[:, choice]
        accept = np.where(np.isnan(accept_now), reject, np.fmax(accept_now, reject))
        plans.append((choice, plan_offer))
        value_next, accept_next = value, accept
    plans.reverse()
    assert value_next is not None
    return _path(problem, plans, mass, float(value_next[0]))


def _path(
    problem: ScreeningProblem,
    plans: list[tuple[np.ndarray, np.ndarray]],
    mass: np.ndarray,
    proposer_value: float,
) -> ScreeningSolution:
    """Follow the plan from state 0 and price each type's payoff at round 0."""
    deadline = problem.deadline
    p = problem.breakdown_risk
    state = 0
    offers = np.full(deadline, np.nan)
    cutoffs = np.zeros(deadline, dtype=int)
    accept_probability = np.zeros(deadline)
    agreement_probability = np.zeros(deadline)
    accept_round = np.full(problem.reservations.size, -1)
    reach = 1.0  # probability that talks are still on at the start of the round
    for t, (choice, plan_offer) in enumerate(plans):
        following = int(choice[state])
        offers[t] = plan_offer[state]
        cutoffs[t] = following
        remaining = mass[state]
        accepted = remaining - mass[following]
        accept_probability[t] = accepted / remaining if remaining > 0 else 0.0
        agreement_probability[t] = reach * accepted / mass[0]
        accept_round[state:following] = t
        reach *= (1 - p) if t < deadline - 1 else 0.0
        state = following
    no_agreement = float(max(0.0, 1.0 - agreement_probability.sum()))
    proposer_utilities = proposer_best(problem, np.nan_to_num(offers, nan=np.inf))
    type_payoffs = _type_payoffs(problem, offers, accept_round)
    return ScreeningSolution(
        offers, proposer_utilities, cutoffs, accept_probability, agreement_probability,
        no_agreement, proposer_value, type_payoffs, accept_round,
    )  # fmt: skip


def _type_payoffs(
    problem: ScreeningProblem, offers: np.ndarray, accept_round: np.ndarray
) -> np.ndarray:
    """Each type's expected payoff at round 0 on the path: breakdown after each rejection,
    then agreement in its round, or disagreement at the deadline."""
    p = problem.breakdown_risk
    delta, cost = problem.responder_discount, problem.responder_cost
    d = problem.type_disagreement
    payoffs = np.zeros(d.size)
    alive = np.ones(d.size)
    for t in range(problem.deadline):
        agreeing = accept_round == t
        deal = delta**t * (offers[t] + problem.type_bonus) - t * cost if not np.isnan(
            offers[t]) else np.zeros(d.size)  # fmt: skip
        payoffs += np.where(agreeing, alive * deal, 0.0)
        alive = np.where(agreeing, 0.0, alive)
        ending = 1.0 if t == problem.deadline - 1 else p
        payoffs += alive * ending * (delta**t * d - t * cost)
        alive = alive * (1 - ending)
    return payoffs
