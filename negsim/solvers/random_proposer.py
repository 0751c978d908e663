"""Random-proposer bargaining (Baron & Ferejohn 1989): each round one party is recognised
with the ``recognition`` probabilities and proposes; the proposal passes with the votes the
``rule`` requires (``unanimity``: every party; ``majority``: strictly more than half of all
parties, proposer included).

The proposer buys the cheapest coalition: for every set of partners of the required size
it offers each partner its rejection value and keeps the most it can; when several
coalitions are equally cheap it picks one uniformly at random (``docs/scenario-format.md``,
detail 7), so values are averages over them. With a deadline the values come from backward
induction; without one, from value iteration to the stationary equilibrium (a contraction
when parties discount, face breakdown risk or pay costs), which reports its convergence and
stops with an error when it does not settle.

References
----------
Baron, D. P. & Ferejohn, J. A. (1989). Bargaining in Legislatures. American Political
Science Review 83(4):1181-1206.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

import numpy as np

from negsim.format.model import TOLERANCE
from negsim.solvers.alternating import (
    OfferSet,
    Preferences,
    Rejection,
    RejectionKind,
    rejection_values,
)
from negsim.solvers.convergence import Convergence, ConvergenceError
from negsim.solvers.offers import Offer

MAX_ITERATIONS = 100_000
"""Cap of the value iteration without a deadline."""
STEP_TOLERANCE = 1e-13
"""The value iteration stops once no value moves by more than this in one step."""
STALL_WINDOW = 500
"""The value iteration gives up when its step has not fallen below its smallest size so far
for this many iterations: the map is not contracting (the proposers' cheapest coalitions
keep switching), so it will not converge."""


@dataclass(frozen=True, eq=False)
class ProposerPlay:
    """What ``proposer`` does when recognised: its tied cheapest accepted ``offers`` (empty
    when it gains more from a rejection), the ``values`` every party expects then
    ``(n_parties,)``, and what rejecting is worth to each party (``rejection``)."""

    proposer: int
    offers: tuple[Offer, ...]
    values: np.ndarray
    rejection: Rejection


@dataclass(frozen=True, eq=False)
class RandomProposerSolution:
    """The equilibrium of random-proposer bargaining: ``values`` each party expects at the
    start of round 0 ``(n_parties,)``, each party's ``plays[k]`` when recognised in round 0,
    and the value iteration's ``convergence`` (None with a deadline: backward induction is
    exact)."""

    values: np.ndarray
    plays: tuple[ProposerPlay, ...]
    method: str
    convergence: Convergence | None = None


def _proposer_play(
    offers: OfferSet,
    prefs: Preferences,
    proposer: int,
    continuation: np.ndarray | None,
    round_index: int,
    partners_needed: int,
) -> ProposerPlay:
    """What each party expects when ``proposer`` is recognised in this round: it buys the
    cheapest coalition of ``partners_needed`` partners, each offered its value of rejecting."""
    kind: RejectionKind = "last_round" if continuation is None else "expected"
    rejection = rejection_values(prefs, continuation, round_index, kind=kind)
    others = [j for j in range(prefs.n_parties) if j != proposer]
    best_value, best_offers = -np.inf, []
    for coalition in combinations(others, partners_needed):
        floors = np.full(prefs.n_parties, -np.inf)
        floors[list(coalition)] = rejection.value[list(coalition)]
        offer = offers.best_for(proposer, floors)
        if offer is None:
            continue
        value = float(offer.utilities[proposer])
        if value > best_value + TOLERANCE:
            best_value, best_offers = value, [offer]
        elif value >= best_value - TOLERANCE:
            best_offers.append(offer)
    if not best_offers or best_value < rejection.stay[proposer] - TOLERANCE:
        return ProposerPlay(proposer, (), rejection.stay, rejection)
    values = np.mean([offer.utilities for offer in best_offers], axis=0)
    return ProposerPlay(proposer, tuple(best_offers), values, rejection)


def _round(
    offers: OfferSet,
    prefs: Preferences,
    recognition: np.ndarray,
    continuation: np.ndarray | None,
    round_index: int,
    partners_needed: int,
) -> tuple[np.ndarray, tuple[ProposerPlay, ...]]:
    """Expected values (utility equivalents) at the start of a round, over who is
    recognised, and each party's play when recognised."""
    plays = tuple(
        _proposer_play(offers, prefs, proposer, continuation, round_index, partners_needed)
        for proposer in range(prefs.n_parties)
    )
    expected = np.sum([recognition[play.proposer] * play.values for play in plays], axis=0)
    return expected, plays


def random_proposer(
    offers: OfferSet,
    prefs: Preferences,
    recognition: np.ndarray,
    rule: str,
    deadline: int | None,
    max_iterations: int | None = None,
) -> RandomProposerSolution:
    """The equilibrium of random-proposer bargaining (Baron & Ferejohn 1989): backward
    induction over rounds with a deadline; without one, the stationary values by value
    iteration ``v <- E[values | v]`` from ``v = 0``.

    The iteration stops once no value moves by more than :data:`STEP_TOLERANCE`. It is a
    contraction with modulus ``q = max_i (1 - p) discount_i`` when ``q < 1``, so the values
    are then within ``q / (1 - q) |v' - v|`` of the fixed point: that bound is the reported
    residual (with ``q = 1``, the last step), and the values count as converged when it is
    within the format's tolerance, 1e-9. Stopping at ``max_iterations`` (default
    :data:`MAX_ITERATIONS`), or once the step has not shrunk for :data:`STALL_WINDOW`
    iterations (the iteration cycles), raises
    :class:`~negsim.solvers.convergence.ConvergenceError`.
    """
    n = prefs.n_parties
    partners_needed = n - 1 if rule == "unanimity" else n // 2
    if deadline is not None:
        continuation = None
        plays: tuple[ProposerPlay, ...] = ()
        for round_index in range(deadline - 1, -1, -1):
            continuation, plays = _round(
                offers, prefs, recognition, continuation, round_index, partners_needed
            )
        assert continuation is not None
        method = "backward induction over rounds, expectations over recognition"
        return RandomProposerSolution(continuation, plays, method)
    modulus = float(np.max((1 - prefs.breakdown_risk) * prefs.discount))
    factor = modulus / (1 - modulus) if modulus < 1 else 1.0
    values = np.zeros(n)
    cap = MAX_ITERATIONS if max_iterations is None else max_iterations
    step, smallest, stalled, iterations = np.inf, np.inf, 0, 0
    while step > STEP_TOLERANCE and iterations < cap and stalled < STALL_WINDOW:
        updated, plays = _round(offers, prefs, recognition, values, 0, partners_needed)
        step = float(np.max(np.abs(updated - values)))
        values, iterations = updated, iterations + 1
        smallest, stalled = (step, 0) if step < smallest else (smallest, stalled + 1)
    bound = factor * step
    report = Convergence(
        "stationary values by value iteration", bound <= TOLERANCE, iterations, bound, TOLERANCE
    )
    if stalled >= STALL_WINDOW:
        raise ConvergenceError(
            report,
            f"the values stopped approaching a fixed point (no smaller step in "
            f"{STALL_WINDOW} iterations): the proposers' cheapest coalitions keep switching, "
            "and a stationary equilibrium would need them to mix between coalitions, which "
            "negsim does not compute; set a deadline (protocol.deadline) to solve the talks "
            "by backward induction instead",
        )
    if step > STEP_TOLERANCE:
        raise ConvergenceError(
            report,
            "the parties are too patient for value iteration to settle; set a deadline "
            "(protocol.deadline), a breakdown risk or lower discount factors",
        )
    return RandomProposerSolution(values, plays, report.method, report)


def in_party_order(tied: tuple[Offer, ...], proposer: int, n: int) -> Offer:
    """Among tied offers, the one whose best-paid partners come first in party order after
    the proposer (the reported proposal of the format's detail 7)."""
    order = [(proposer + k) % n for k in range(1, n)]

    def key(offer: Offer) -> tuple[float, ...]:
        return tuple(-float(offer.utilities[j]) for j in order)

    return min(tied, key=key)
