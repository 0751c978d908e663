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
(:func:`negsim.solvers.screening_switches.solve_round`), then the path from ``s = 0``
(:mod:`.screening_path`), which branches where the proposer has to mix: where the offer
it makes (a single package) gives the marginal type more than it needs, at a state where
the next round's offer jumps. The work is ``O(T (N + K) log N)`` for ``K`` offers on the
frontier: no ``N x N`` table.

Where the best cutoff is interior (lotteries) the round before needs the slope of the
next round's offer; taken between grid states it would turn rounding into errors ``1/h``
times larger each round, so the offer function is smoothed on runs of interior cutoffs
(:func:`negsim.solvers.screening_switches.smooth_offers`).

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

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from negsim.solvers.screening_model import ScreeningProblem, essential_frontier, proposer_best
from negsim.solvers.screening_path import Node, follow
from negsim.solvers.screening_plan import LEFT, Plan
from negsim.solvers.screening_round import Columns, Stage
from negsim.solvers.screening_switches import solve_round

__all__ = ["ScreeningProblem", "ScreeningSolution", "proposer_best", "solve_screening"]

ATOM_GRID = 16
"""Grid states inside each atom of a discrete distribution (the switches between them are
found exactly; the grid only has to separate them)."""


@dataclass(frozen=True, eq=False)
class ScreeningSolution:
    """The equilibrium path from the prior: per round ``offers`` (responder base utility;
    NaN when no type accepts; the likeliest when the proposer mixes), ``cutoffs`` (the
    mass that has accepted after the round, on the likeliest branch),
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
    offer_choices: tuple[tuple[tuple[float, float], ...], ...] = ()
    """Per round, the offers the proposer may make and the chance of each, given the round
    is reached, likeliest first: one offer unless the proposer mixes
    (:mod:`.screening_path`); ``offers`` holds the likeliest."""
    nodes: tuple[tuple[Node, ...], ...] = ()
    """Per round, every state the talks may be in on the path, with its probability, cutoff
    and offer, and the chance that the proposer mixes after it (:mod:`.screening_path`)."""
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


def solve_screening(
    problem: ScreeningProblem, on_round: Callable[[], None] | None = None
) -> ScreeningSolution:
    """The skimming equilibrium by backward induction (module docstring); ``on_round`` is
    called after each round is solved (a progress bar's step)."""
    problem = essential_frontier(problem)
    nodes, rough = _grid(problem)
    rounds: list[tuple[Plan, Columns, Stage]] = []
    following: Plan | None = None
    for t in range(problem.deadline - 1, -1, -1):
        plan, cols, stage = solve_round(problem, t, nodes, rough, following)
        rounds.append((plan, cols, stage))
        following = plan
        if on_round is not None:
            on_round()
    rounds.reverse()
    return _path(problem, rounds)


def _path(
    problem: ScreeningProblem, rounds: list[tuple[Plan, Columns, Stage]]
) -> ScreeningSolution:
    """Follow the plans from state 0 (every branch, :mod:`.screening_path`) and price each
    type's payoff at round 0."""
    deadline, p = problem.deadline, problem.breakdown_risk
    path = follow(problem, rounds)
    reaches = (1 - p) ** np.arange(deadline)
    agreement_probability = np.zeros(deadline)
    accept_probability = np.zeros(deadline)
    offers, cutoffs = np.full(deadline, np.nan), np.zeros(deadline)
    choices: list[tuple[tuple[float, float], ...]] = []
    for t, nodes in enumerate(path):
        chance = np.array([node.probability for node in nodes])
        accepted = np.array([node.cutoff - node.start for node in nodes])
        remaining = float(chance @ np.array([1.0 - node.start for node in nodes]))
        agreement_probability[t] = reaches[t] * float(chance @ accepted)
        accept_probability[t] = float(chance @ accepted) / remaining if remaining > 0 else 0.0
        likeliest = nodes[int(np.argmax(chance))]
        offers[t], cutoffs[t] = likeliest.offer, likeliest.cutoff
        choices.append(_offer_distribution(nodes))
    no_agreement = float(max(0.0, 1.0 - agreement_probability.sum()))
    proposer_utilities = proposer_best(problem, np.nan_to_num(offers, nan=np.inf))
    shares, acceptance, type_payoffs = _types(problem, path)
    accepting = shares > 0
    accept_round = np.where(accepting.any(axis=0), np.argmax(accepting, axis=0), -1)
    return ScreeningSolution(
        offers=offers,
        proposer_utilities=proposer_utilities,
        cutoffs=cutoffs,
        accept_probability=accept_probability,
        agreement_probability=agreement_probability,
        no_agreement_probability=no_agreement,
        proposer_value=_proposer_value(problem, path),
        type_payoffs=type_payoffs,
        accept_round=accept_round,
        type_acceptance=acceptance,
        planned_value=float(rounds[0][0].value[0]),
        offer_choices=tuple(choices),
        nodes=tuple(tuple(nodes) for nodes in path),
        rounds=tuple(rounds),
    )


def _offer_distribution(nodes: list[Node]) -> tuple[tuple[float, float], ...]:
    """The offers made in a round and the chance of each, given the round is reached
    (NaN: an offer nobody takes), likeliest first."""
    found: dict[float, float] = {}
    for node in nodes:
        key = float(node.offer) if not np.isnan(node.offer) else np.nan
        match = next((k for k in found if (np.isnan(k) and np.isnan(key)) or k == key), key)
        found[match] = found.get(match, 0.0) + node.probability
    return tuple(sorted(((offer, chance) for offer, chance in found.items()),
                        key=lambda item: -item[1]))  # fmt: skip


def _proposer_value(problem: ScreeningProblem, path: list[list[Node]]) -> float:
    """The proposer's expected payoff on the path: deals, breakdowns after rejections,
    and disagreement at the deadline (payoff convention of the spec)."""
    p, delta, cost = problem.breakdown_risk, problem.proposer_discount, problem.proposer_cost
    total = 0.0
    for t, nodes in enumerate(path):
        reach = (1 - p) ** t
        ending = 1.0 if t == problem.deadline - 1 else p
        fail = delta**t * problem.proposer_disagreement - t * cost
        for node in nodes:
            sold = node.cutoff - node.start
            deal = 0.0
            if sold > 0:
                deal = sold * (delta**t * float(proposer_best(problem, np.array([node.offer]))[0])
                               - t * cost)  # fmt: skip
            total += node.probability * reach * (deal + ending * (1 - node.cutoff) * fail)
    return total


def _types(
    problem: ScreeningProblem, path: list[list[Node]]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(T, M)``: the chance that each type piece accepts in each round, and that what is
    left of it at the start of a round accepts there; and ``(M,)`` each piece's expected
    payoff at round 0 (its representative type): breakdown after each rejection, then
    agreement in the round it accepts in, or disagreement at the deadline. A piece split
    between rounds or branches is averaged (an atom that mixes is indifferent)."""
    q = problem.quantiles
    low, high, mass = q[:-1], q[1:], np.diff(q)
    p = problem.breakdown_risk
    delta, cost = problem.responder_discount, problem.responder_cost
    d, a = problem.type_disagreement, problem.type_bonus
    shares = np.zeros((problem.deadline, mass.size))
    acceptance = np.full((problem.deadline, mass.size), np.nan)
    payoffs = np.zeros(mass.size)
    before = np.zeros(mass.size)  # payoff from breakdowns in earlier rounds, if still in
    for t, nodes in enumerate(path):
        alive = (1 - p) ** t
        taken, left = np.zeros(mass.size), np.zeros(mass.size)
        for node in nodes:
            part = np.clip(np.minimum(high, node.cutoff) - np.maximum(low, node.start), 0, None)
            taken += node.probability * part
            left += node.probability * np.clip(high - np.maximum(low, node.start), 0, None)
            if np.any(part > 0):
                deal = alive * (delta**t * (node.offer + a) - t * cost)
                payoffs += node.probability * part / mass * (before + deal)
        shares[t] = taken / mass
        acceptance[t] = np.where(left > 0, taken / np.where(left > 0, left, 1.0), np.nan)
        ending = 1.0 if t == problem.deadline - 1 else p
        before = before + alive * ending * (delta**t * d - t * cost)
    payoffs += (1 - shares.sum(axis=0)) * before
    return shares, acceptance, payoffs
