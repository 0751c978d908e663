"""Backward induction for many deadlines at once when preferences change over time.

When some party both discounts and pays a fixed cost, one round's cost in utility
equivalents, ``cost / discount**t``, depends on the round ``t``, so a round cannot be
shifted from one deadline's game to another's (:mod:`negsim.analysis.deadlines` does that
for time-homogeneous preferences). Yet round ``t`` of every game is played alike whenever
it meets the same next proposer and the same next-round values: the rounds ``0..t`` below
it then repeat too, outcome and all. Deadlines are solved in increasing order, each
working back from its last round (Ståhl 1972) until it meets a round already solved for a
shorter deadline. Once the growing cost of delay swamps every difference in utility, a
proposer takes its best package whatever comes next, so the rounds meet within a few steps
and ``D`` deadlines take ``O(D)`` rounds instead of ``O(D^2)``; without such a point every
round is solved and the work stays quadratic (the caller shows progress).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from negsim.solvers.alternating import OfferSet, Preferences, play_round

MEMORY_ROUNDS = 100_000
"""Solved rounds remembered at most; the oldest are forgotten first (deadlines are solved in
increasing order, so a deadline meets the rounds of the last few)."""


@dataclass(frozen=True, eq=False)
class PathOutcome:
    """The equilibrium of one deadline: the round-0 ``payoffs`` ``(n_parties,)``, and the
    agreement ``round`` and its ``utilities`` (None for no agreement)."""

    payoffs: np.ndarray
    round: int | None
    utilities: np.ndarray | None


@dataclass(frozen=True, eq=False)
class _Event:
    """The earliest round whose proposal is accepted (``utilities`` agreed) or after whose
    rejection someone walks out (``utilities`` None): where the equilibrium path ends."""

    round: int
    utilities: np.ndarray | None


def outcomes_by_deadline(
    offers: OfferSet,
    prefs: Preferences,
    deadlines: list[int],
    proposer_of_round: Callable[[int], int],
) -> Iterator[tuple[int, PathOutcome]]:
    """``(deadline, outcome)`` for each of ``deadlines`` in increasing order (each at least
    1), the outcome being :func:`~negsim.solvers.alternating.backward_induction`'s."""
    memory: dict[tuple[int, int | None, bytes], tuple[np.ndarray, _Event | None]] = {}
    for deadline in sorted(set(deadlines)):
        payoffs, event, visited = _solve(offers, prefs, deadline, proposer_of_round, memory)
        for key, round_index in visited:  # the event, if it lies in rounds 0..round_index
            below = event if event is not None and event.round <= round_index else None
            memory[key] = (payoffs, below)
        forget_oldest(memory)
        if event is None or event.utilities is None:  # no deal, or a walk-out
            yield deadline, PathOutcome(payoffs, None, None)
        else:
            yield deadline, PathOutcome(payoffs, event.round, event.utilities)


def forget_oldest(memory: dict[Any, Any]) -> None:
    """Drop the oldest entries of ``memory`` (insertion order) beyond
    :data:`MEMORY_ROUNDS`."""
    while len(memory) > MEMORY_ROUNDS:
        del memory[next(iter(memory))]


def _solve(
    offers: OfferSet,
    prefs: Preferences,
    deadline: int,
    proposer_of_round: Callable[[int], int],
    memory: dict[tuple[int, int | None, bytes], tuple[np.ndarray, _Event | None]],
) -> tuple[np.ndarray, _Event | None, list[tuple[tuple[int, int | None, bytes], int]]]:
    """One deadline, working back until round 0 or a round met before: the round-0
    payoffs, the earliest event, and the rounds solved here with their memory keys."""
    continuation: np.ndarray | None = None
    earliest: _Event | None = None
    visited: list[tuple[tuple[int, int | None, bytes], int]] = []
    for round_index in range(deadline - 1, -1, -1):
        following = proposer_of_round(round_index + 1) if round_index + 1 < deadline else None
        key = (round_index, following, b"" if continuation is None else continuation.tobytes())
        known = memory.get(key)
        if known is not None:
            payoffs, below = known
            return payoffs, below if below is not None else earliest, visited
        play, continuation = play_round(
            offers, prefs, proposer_of_round(round_index), continuation, round_index, following
        )
        visited.append((key, round_index))
        if play.accepted:
            assert play.offer is not None
            earliest = _Event(round_index, play.offer.utilities.copy())
        elif play.walk_out is not None:
            earliest = _Event(round_index, None)
    assert continuation is not None
    return continuation.copy(), earliest, visited
