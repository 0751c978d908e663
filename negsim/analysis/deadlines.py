"""The equilibrium outcome at every one of many deadlines, without solving each afresh.

With *time-homogeneous* preferences (no party both discounts and pays a fixed cost), a round
of the talks depends on its number only through who proposes in it and after it: in utility
equivalents of its own round, round ``t`` of a game with a deadline of ``D`` rounds is played
exactly as round ``t - (D - d)`` of a game with a deadline of ``d`` rounds, whenever the two
games give that round the same proposer (``D - d`` a whole number of proposing cycles).
So one backward induction per residue of the deadline modulo the proposing cycle solves
every deadline at once (Ståhl 1972's recursion read from the end): ``O(D)`` rounds where
solving each deadline takes ``O(D^2)``. Random-proposer talks have no proposer order, so
one backward induction of ``D`` rounds gives them all.

Preferences that change over time (discounting and a fixed cost together) solve the
deadlines in turn, each until it meets a round solved for a shorter one
(:mod:`negsim.solvers.deadlines`; random proposers alike), reporting progress. Once the
growing cost of delay swamps the utilities, rounds meet within a few steps, and the work is
linear again.

The results are those of :func:`negsim.analysis.equilibrium.equilibrium` at each deadline
(a test checks it): payoffs at round 0, the agreed utilities (expected over recognition
for a random proposer), the agreement round and the last round's proposer.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from negsim.analysis.equilibrium import preferences
from negsim.analysis.offers import OfferSpace, offer_space
from negsim.progress import ProgressFactory, advancing
from negsim.solvers.alternating import (
    AlternatingSolution,
    Preferences,
    backward_induction,
    time_homogeneous,
)
from negsim.solvers.deadlines import outcomes_by_deadline
from negsim.solvers.random_proposer import (
    RandomProposerSolution,
    every_deadline,
    expected_deal,
)
from negsim.space import OutcomeSpace

__all__ = ["DeadlineOutcomes", "deadline_outcomes"]


@dataclass(frozen=True, eq=False)
class DeadlineOutcomes:
    """The equilibrium at each of ``deadlines`` (int64 ``(k,)``, as given): ``payoffs``
    ``(k, n_parties)`` at round 0; ``utilities`` ``(k, n_parties)`` of the agreement (NaN
    without one); ``rounds`` ``(k,)`` the agreement round (-1: none); ``last_proposers``
    ``(k,)`` the proposer of the last round (-1 for a random proposer); ``method`` how they
    were found."""

    deadlines: np.ndarray
    payoffs: np.ndarray
    utilities: np.ndarray
    rounds: np.ndarray
    last_proposers: np.ndarray
    method: str


def deadline_outcomes(
    space: OutcomeSpace,
    deadlines: np.ndarray,
    efficient: np.ndarray | None = None,
    progress: ProgressFactory | None = None,
) -> DeadlineOutcomes:
    """The equilibrium of ``space.scenario`` with ``protocol.deadline`` set to each of
    ``deadlines`` (each at least 1; ``ultimatum`` read as alternating offers).

    ``efficient`` is the Pareto mask of the feasible packages, when known; ``progress``
    makes a progress bar from a number of deadlines, used only for preferences that change
    over time (the module docstring).
    """
    deadlines = np.asarray(deadlines, dtype=np.int64)
    scenario = space.scenario
    protocol = scenario.protocol
    prefs = preferences(scenario, space.disagreement)
    offers = offer_space(space, efficient)
    n = scenario.n_parties
    first = scenario.party_index(protocol.first_proposer)
    outcomes = _Collect(deadlines.size, n)
    if protocol.kind == "random_proposer":
        recognition = np.array([protocol.recognition[name] for name in scenario.party_names])
        _random_proposer(outcomes, offers, prefs, recognition, protocol.rule, deadlines, progress)
    else:
        cycle = [first] if protocol.kind == "one_sided" else [(first + k) % n for k in range(n)]
        _alternating(outcomes, offers, prefs, cycle, deadlines, progress)
    return outcomes.done(deadlines)


class _Collect:
    """The arrays of :class:`DeadlineOutcomes`, filled one deadline at a time."""

    def __init__(self, k: int, n: int):
        self.payoffs = np.zeros((k, n))
        self.utilities = np.full((k, n), np.nan)
        self.rounds = np.full(k, -1, dtype=np.int64)
        self.last_proposers = np.full(k, -1, dtype=np.int64)
        self.method = ""

    def done(self, deadlines: np.ndarray) -> DeadlineOutcomes:
        return DeadlineOutcomes(
            deadlines, self.payoffs, self.utilities, self.rounds, self.last_proposers,
            self.method,
        )  # fmt: skip


# --------------------------------------------------------------------------------------------
# Alternating offers (and one-sided offers: a proposing cycle of one)


def _alternating(
    outcomes: _Collect,
    offers: OfferSpace,
    prefs: Preferences,
    cycle: list[int],
    deadlines: np.ndarray,
    progress: ProgressFactory | None,
) -> None:
    length = len(cycle)

    def proposer_of_round(t: int) -> int:
        return cycle[t % length]

    outcomes.last_proposers[:] = [cycle[(d - 1) % length] for d in deadlines.tolist()]
    if not time_homogeneous(prefs):
        outcomes.method = (
            "backward induction from each deadline in turn, until a round solved for a "
            "shorter one (Ståhl 1972)"
        )
        where = _indices_by_deadline(deadlines)
        solved = outcomes_by_deadline(offers.offers, prefs, list(where), proposer_of_round)
        for deadline, path in advancing(solved, len(where), progress):
            for index in where[deadline]:
                outcomes.payoffs[index] = path.payoffs
                if path.round is not None:
                    outcomes.rounds[index] = path.round
                    outcomes.utilities[index] = path.utilities
        return
    outcomes.method = (
        "backward induction from the longest deadline of each proposing phase (Ståhl 1972; "
        "time-homogeneous preferences)"
    )
    for phase in range(length):
        chosen = np.flatnonzero(deadlines % length == phase)
        if chosen.size == 0:
            continue
        longest = int(deadlines[chosen].max())
        solution = backward_induction(offers.offers, prefs, longest, proposer_of_round)
        for index in chosen.tolist():
            _store_alternating(outcomes, index, solution, longest - int(deadlines[index]))


def _store_alternating(
    outcomes: _Collect, index: int, solution: AlternatingSolution, start: int
) -> None:
    """The outcome of the game that starts at round ``start`` of ``solution``: its values
    there, and the first round from there on that is accepted, unless someone walks out
    first (as :func:`~negsim.solvers.alternating.backward_induction` reads its path)."""
    assert solution.round_values is not None
    outcomes.payoffs[index] = solution.round_values[start]
    for play in solution.rounds[start:]:
        if play.accepted:
            assert play.offer is not None
            outcomes.rounds[index] = play.round - start
            outcomes.utilities[index] = play.offer.utilities
            return
        if play.walk_out is not None:
            return


# --------------------------------------------------------------------------------------------
# Random proposer


def _random_proposer(
    outcomes: _Collect,
    offers: OfferSpace,
    prefs: Preferences,
    recognition: np.ndarray,
    rule: str,
    deadlines: np.ndarray,
    progress: ProgressFactory | None,
) -> None:
    outcomes.method = (
        "backward induction over rounds, expectations over recognition; one pass for every deadline"
        if time_homogeneous(prefs)
        else "backward induction from each deadline in "
        "turn, until a round solved for a shorter one; expectations over recognition"
    )
    where = _indices_by_deadline(deadlines)
    solved = every_deadline(offers.offers, prefs, recognition, rule, list(where))
    slow = None if time_homogeneous(prefs) else progress
    for deadline, solution in advancing(solved, len(where), slow):
        for index in where[deadline]:
            _store_random(outcomes, index, solution, recognition)


def _store_random(
    outcomes: _Collect, index: int, solution: RandomProposerSolution, recognition: np.ndarray
) -> None:
    outcomes.payoffs[index] = solution.values
    deal = expected_deal(solution, recognition)
    if deal is not None:
        outcomes.rounds[index] = 0
        outcomes.utilities[index] = deal


def _indices_by_deadline(deadlines: np.ndarray) -> dict[int, list[int]]:
    """Each distinct deadline, in the order first given, with its positions in
    ``deadlines`` (a deadline asked for twice is solved once)."""
    where: dict[int, list[int]] = {}
    for index, deadline in enumerate(deadlines.tolist()):
        where.setdefault(int(deadline), []).append(index)
    return where
