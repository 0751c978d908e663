"""The screening equilibrium's path from the prior (:func:`follow`), with the proposer's
mixing where the equilibrium needs it.

From state 0 each round's plan gives the cutoff and the offer. When that offer gives the
marginal type more than its threshold (a package above it, or the proposer's best
package) at a state where the next round's offer jumps, the types just above the cutoff
reject only if the next round's proposer, indifferent there between its two best
cutoffs, takes the higher one with the probability ``mu`` that leaves them indifferent
(Fudenberg, Levine & Tirole 1985): the path then branches. Each branch is followed to the
deadline; the reported numbers are expectations over the branches.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from negsim.format.model import TOLERANCE
from negsim.solvers.screening_model import ScreeningProblem
from negsim.solvers.screening_plan import LEFT, RIGHT, Plan
from negsim.solvers.screening_round import Columns, Stage, best_cutoffs, offered


@dataclass(frozen=True, slots=True)
class Node:
    """Where the talks may be in a round: with ``probability`` (the proposer's mixing so
    far) in state ``start``; the cutoff after the round and the offer made there (the
    responder's base utility; NaN when nobody accepts)."""

    probability: float
    start: float
    cutoff: float
    offer: float
    side: int = LEFT
    """``RIGHT`` where the proposer took the higher of two tied cutoffs (it mixes)."""
    mixing: float = 0.0
    """The chance that the next round's proposer, at state ``cutoff``, takes the higher
    of its two tied cutoffs (the next round's node on ``RIGHT``)."""


Rounds = list[tuple[Plan, Columns, Stage]]


def _step(rounds: Rounds, t: int, state: float, side: int) -> tuple[float, float]:
    """The cutoff chosen in round ``t`` at ``state`` (its ``side`` at a knot) and the
    offer made (NaN when nobody accepts).

    Between knots the offer is the plan's (interpolated): it is what the round before
    expected, so the types' choices there stay best replies; the cutoff is where the
    types' threshold reaches it. (The proposer's own best offer at that state differs by
    the interpolation error, and its payoff only by the square of it.)"""
    plan, cols, stage = rounds[t]
    index = int(np.searchsorted(plan.states, state))
    if index < plan.states.size and plan.states[index] == state:
        cut = float(plan.cutoff[index, side])
        return cut, float(plan.offer[index, side]) if cut > state else np.nan
    low, high = plan.neighbours(state)
    left_state = float(plan.states[max(index - 1, 0)])
    right_state = float(plan.states[min(index, plan.states.size - 1)])
    if low > left_state and (high > right_state or right_state >= 1.0):  # sells on both sides
        offer = float(plan.offer_at(np.array([state]), LEFT)[0])
        return _reached(cols, max(low, state), high, offer), offer
    choice = best_cutoffs(stage, cols, np.array([state]), np.array([low]), np.array([high]))
    cut = float(choice.cutoff[0])
    if cut <= state:
        return state, np.nan
    return cut, float(offered(stage.problem, choice.offer)[0])


def _reached(cols: Columns, low: float, high: float, offer: float) -> float:
    """The largest cutoff in ``[low, high]`` whose type accepts ``offer``: the types'
    threshold ``v_t`` rises with the cutoff and is linear between columns."""
    at = cols.at
    first = max(int(np.searchsorted(at, low, side="right")) - 1, 0)
    last = min(int(np.searchsorted(at, high, side="left")), at.size - 1)
    points = at[first : last + 1]
    threshold = cols.offer[first : last + 1]  # (m, 2): at each column and from its right
    sequence = np.maximum.accumulate(threshold.ravel())
    index = int(np.searchsorted(sequence, offer + TOLERANCE, side="right")) - 1
    if index < 0:
        return low
    i = index // 2
    cut = float(points[i])
    if index % 2 == 1 and i + 1 < points.size:  # inside the cell after column i
        start, end = threshold[i, RIGHT], threshold[i + 1, LEFT]
        share = (offer - start) / (end - start) if end > start else 1.0
        cut += float(np.clip(share, 0.0, 1.0)) * float(points[i + 1] - points[i])
    return float(np.clip(cut, low, high))


def mixing(rounds: Rounds, t: int, cut: float, offer: float) -> float:
    """The probability that round ``t + 1``'s proposer takes the higher of its best
    cutoffs at state ``cut``, so that the types just above ``cut`` are indifferent about
    the offer of round ``t`` (0 when they reject it anyway)."""
    if np.isnan(offer) or t + 1 >= len(rounds):
        return 0.0
    stage = rounds[t][2]
    following = stage.following
    assert following is not None
    at = np.array([cut])
    low = float(stage.threshold_above(at, following.offer_at(at, LEFT))[0])
    high = float(stage.threshold_above(at, following.offer_at(at, RIGHT))[0])
    if offer <= low + TOLERANCE or high <= low:
        return 0.0
    return float(np.clip((offer - low) / (high - low), 0.0, 1.0))


def follow(problem: ScreeningProblem, rounds: Rounds) -> list[list[Node]]:
    """Per round, every state the talks may be in (one unless the proposer mixes), with
    its probability, cutoff and offer. States reached along different branches are one
    node: the future depends only on the state (and on which of two tied cutoffs the
    proposer takes there)."""
    live: dict[tuple[float, int], float] = {(0.0, LEFT): 1.0}
    path: list[list[Node]] = []
    for t in range(problem.deadline):
        nodes: list[Node] = []
        grown: dict[tuple[float, int], float] = {}
        for (state, side), probability in live.items():
            cut, offer = _step(rounds, t, state, side)
            mu = mixing(rounds, t, cut, offer)
            nodes.append(Node(probability, state, cut, offer, side, mu))
            for chance, next_side in ((1.0 - mu, LEFT), (mu, RIGHT)):
                if chance > 0.0:
                    key = (cut, next_side)
                    grown[key] = grown.get(key, 0.0) + probability * chance
        path.append(nodes)
        live = grown
    return path
