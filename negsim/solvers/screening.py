"""Screening: an uninformed proposer's offers over a deadline against a responder whose
disagreement payoff or value of a deal is private (the skimming equilibrium).

Type ``theta`` values an offer giving base utility ``v`` (the responder's utility at its
stated values) at ``v + a(theta)`` and disagreement at ``d(theta)``, so it takes a last
offer when ``v >= r = d - a``. Types are laid out on ``[0, 1]`` by ``r``, most eager first
(:mod:`negsim.solvers.screening_model`); in the skimming equilibrium the types that accept
are always the most eager of those left, so the state of the talks is one number, the mass
``s`` that has accepted (Fudenberg & Tirole 1983; Sobel & Takahashi 1983).

A continuous distribution is a continuum of types: a cutoff falls anywhere, between grid
points too, and the grid of ``N`` quantiles only approximates the continuum (the best
cutoffs between grid points, special cutoffs found exactly; :mod:`.screening_round`).
Discrete types (``choice``) are atoms of positive mass. When the proposer's best cutoff
falls inside an atom, that type accepts with a probability strictly between 0 and 1: it
is indifferent, and the share that rejects makes the proposer's posterior (Bayes' rule:
what remains of each atom) exactly what the next offer needs, the perfect Bayesian
equilibrium of Fudenberg & Tirole (1983), with the tie-breaking of Fudenberg, Levine &
Tirole (1985) (:mod:`.screening_plan`).

Backward induction over rounds, each round solved for every state at once
(:func:`negsim.solvers.screening_switches.solve_round`), then the path from ``s = 0``.
The work is ``O(T (N + K) log N)`` for ``K`` offers on the frontier: no ``N x N`` table.

With a deadline of 1 this is the optimal take-it-or-leave-it demand: Fearon's (1995)
risk-return trade-off.

References
----------
Fudenberg, D. & Tirole, J. (1983). Sequential Bargaining with Incomplete Information.
Review of Economic Studies 50(2):221-247.
Fudenberg, D., Levine, D. & Tirole, J. (1985). Infinite-Horizon Models of Bargaining with
One-Sided Incomplete Information. In A. Roth (ed.), Game-Theoretic Models of Bargaining,
Cambridge University Press, 73-98.
Sobel, J. & Takahashi, I. (1983). A Multistage Model of Bargaining. Review of Economic
Studies 50(3):411-426.
Fearon, J. D. (1995). Rationalist Explanations for War. International Organization
49(3):379-414.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from negsim.solvers.screening_model import ScreeningProblem, essential_frontier, proposer_best
from negsim.solvers.screening_plan import LEFT, Plan
from negsim.solvers.screening_round import Columns, Stage, best_cutoffs
from negsim.solvers.screening_switches import solve_round

__all__ = ["ScreeningProblem", "ScreeningSolution", "proposer_best", "solve_screening"]

ATOM_GRID = 16
"""Grid states inside each atom of a discrete distribution (the switches between them are
found exactly; the grid only has to separate them)."""


@dataclass(frozen=True, eq=False)
class ScreeningSolution:
    """The equilibrium path from the prior: per round ``offers`` (responder base utility;
    NaN when no type accepts), ``cutoffs`` (the mass that has accepted after the round),
    conditional ``accept_probability``, unconditional ``agreement_probability``; the
    proposer's ``proposer_value`` and each type piece's ``type_payoffs`` at round 0."""

    offers: np.ndarray
    proposer_utilities: np.ndarray
    cutoffs: np.ndarray
    accept_probability: np.ndarray
    agreement_probability: np.ndarray
    no_agreement_probability: float
    proposer_value: float
    type_payoffs: np.ndarray
    accept_round: np.ndarray
    """First round in which each type piece accepts on the path (-1: never)."""
    type_acceptance: np.ndarray
    """``(T, M)``: the probability that a type of piece ``k`` still in the talks at round
    ``t`` accepts there (NaN when none is left). For atoms strictly between 0 and 1 where
    the type mixes."""
    planned_value: float
    """The proposer's value from the backward induction (``G`` at round 0, state 0); it
    differs from ``proposer_value`` (the path's) only by the grid's interpolation."""
    rounds: tuple[tuple[Plan, Columns, Stage], ...] = field(default=(), repr=False)
    """Each round's plan, searched cutoffs and economics (:meth:`threshold`)."""

    def threshold(self, t: int, cutoffs: np.ndarray) -> np.ndarray:
        """``v_t(c)``: the least base utility that the type at each cutoff (from the left)
        accepts in round ``t``, when rejecting leads to state ``c`` in round ``t + 1``: the
        responder types' equilibrium strategy (they accept an offer at least this good)."""
        return self.rounds[t][2].both_offers(np.asarray(cutoffs, dtype=float))[:, LEFT]


def _grid(problem: ScreeningProblem) -> tuple[np.ndarray, np.ndarray]:
    """The states solved on: the quantile grid (and a grid inside each atom), and which
    of them are ends of atoms."""
    q = problem.quantiles
    if not problem.atoms:
        return q.astype(float), np.zeros(q.size, dtype=bool)
    steps = np.arange(ATOM_GRID) / ATOM_GRID
    inner = q[:-1, None] + np.diff(q)[:, None] * steps[None, :]
    nodes = np.unique(np.append(inner.ravel(), q[-1]))
    return nodes, np.isin(nodes, q[1:-1])


def solve_screening(problem: ScreeningProblem) -> ScreeningSolution:
    """The skimming equilibrium by backward induction (module docstring)."""
    problem = essential_frontier(problem)
    nodes, rough = _grid(problem)
    rounds: list[tuple[Plan, Columns, Stage]] = []
    following: Plan | None = None
    for t in range(problem.deadline - 1, -1, -1):
        plan, cols, stage = solve_round(problem, t, nodes, rough, following)
        rounds.append((plan, cols, stage))
        following = plan
    rounds.reverse()
    return _path(problem, rounds)


def _step(plan: Plan, cols: Columns, stage: Stage, state: float) -> tuple[float, float]:
    """The cutoff chosen at ``state`` and its offer (NaN when nobody accepts)."""
    index = int(np.searchsorted(plan.states, state))
    if index < plan.states.size and plan.states[index] == state:
        cut = float(plan.cutoff[index, LEFT])
        return cut, float(plan.offer[index, LEFT]) if cut > state else np.nan
    low, high = plan.neighbours(state)
    choice = best_cutoffs(stage, cols, np.array([state]), np.array([low]), np.array([high]))
    cut = float(choice.cutoff[0])
    if cut <= state:
        return state, np.nan
    return cut, max(float(choice.offer[0]), float(stage.problem.frontier_responder[0]))


def _path(problem: ScreeningProblem, rounds: list[tuple[Plan, Columns, Stage]]) -> ScreeningSolution:
    """Follow the plans from state 0 and price each type's payoff at round 0."""
    deadline = problem.deadline
    p = problem.breakdown_risk
    offers = np.full(deadline, np.nan)
    starts, cutoffs = np.zeros(deadline), np.zeros(deadline)
    state, reach = 0.0, 1.0
    reaches = np.zeros(deadline)
    for t, (plan, cols, stage) in enumerate(rounds):
        cut, offers[t] = _step(plan, cols, stage, state)
        starts[t], cutoffs[t], reaches[t] = state, cut, reach
        reach *= (1 - p) if t < deadline - 1 else 0.0
        state = cut
    accepted = cutoffs - starts
    remaining = 1.0 - starts
    accept_probability = np.where(remaining > 0, accepted / np.where(remaining > 0, remaining, 1), 0)
    agreement_probability = reaches * accepted
    no_agreement = float(max(0.0, 1.0 - agreement_probability.sum()))
    proposer_utilities = proposer_best(problem, np.nan_to_num(offers, nan=np.inf))
    shares, acceptance = _shares(problem, starts, cutoffs)
    type_payoffs = _type_payoffs(problem, offers, shares)
    accepting = shares > 0
    accept_round = np.where(accepting.any(axis=0), np.argmax(accepting, axis=0), -1)
    return ScreeningSolution(
        offers=offers,
        proposer_utilities=proposer_utilities,
        cutoffs=cutoffs,
        accept_probability=accept_probability,
        agreement_probability=agreement_probability,
        no_agreement_probability=no_agreement,
        proposer_value=_proposer_value(problem, reaches, starts, cutoffs, proposer_utilities),
        type_payoffs=type_payoffs,
        accept_round=accept_round,
        type_acceptance=acceptance,
        planned_value=float(rounds[0][0].value[0]),
        rounds=tuple(rounds),
    )


def _proposer_value(
    problem: ScreeningProblem, reaches: np.ndarray, starts: np.ndarray, cutoffs: np.ndarray,
    utilities: np.ndarray,
) -> float:  # fmt: skip
    """The proposer's expected payoff on the path: deals, breakdowns after rejections,
    and disagreement at the deadline (payoff convention of the spec)."""
    p, delta, cost = problem.breakdown_risk, problem.proposer_discount, problem.proposer_cost
    t = np.arange(problem.deadline)
    accepted = cutoffs - starts
    deal = np.where(accepted > 0, delta**t * np.where(accepted > 0, utilities, 0) - t * cost, 0)
    ending = np.where(t == problem.deadline - 1, 1.0, p)
    fail = delta**t * problem.proposer_disagreement - t * cost
    return float(np.sum(reaches * (accepted * deal + ending * (1 - cutoffs) * fail)))


def _shares(
    problem: ScreeningProblem, starts: np.ndarray, cutoffs: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """``(T, M)``: the share of each type piece that accepts in each round, and the
    probability that what is left of it at the start of the round accepts."""
    q = problem.quantiles
    low, high = q[None, :-1], q[None, 1:]
    mass = np.diff(q)[None, :]
    taken = np.clip(np.minimum(high, cutoffs[:, None]) - np.maximum(low, starts[:, None]), 0, None)
    left = np.clip(high - np.maximum(low, starts[:, None]), 0, None)
    shares = taken / np.where(mass > 0, mass, 1)
    acceptance = np.where(left > 0, taken / np.where(left > 0, left, 1), np.nan)
    return shares, acceptance


def _type_payoffs(problem: ScreeningProblem, offers: np.ndarray, shares: np.ndarray) -> np.ndarray:
    """Each piece's expected payoff at round 0 (its representative type): breakdown after
    each rejection, then agreement in the round it accepts in, or disagreement at the
    deadline; a piece split between rounds is averaged (an atom that mixes is indifferent,
    so its parts are worth the same)."""
    p = problem.breakdown_risk
    delta, cost = problem.responder_discount, problem.responder_cost
    d, a = problem.type_disagreement, problem.type_bonus
    t = np.arange(problem.deadline)[:, None]
    alive = (1 - p) ** t
    broken = alive * p * (delta**t * d[None, :] - t * cost)
    before = np.cumsum(broken, axis=0) - broken
    deal = before + alive * (delta**t * (np.nan_to_num(offers)[:, None] + a[None, :]) - t * cost)
    last = problem.deadline - 1
    never = before[last] + alive[last] * (delta**last * d - last * cost)
    return np.sum(shares * deal, axis=0) + (1 - shares.sum(axis=0)) * never
