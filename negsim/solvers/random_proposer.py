"""Random-proposer bargaining (Baron & Ferejohn 1989): each round one party is recognised
with the ``recognition`` probabilities and proposes; the proposal passes with the votes the
``rule`` requires (``unanimity``: every party; ``majority``: strictly more than half of all
parties, proposer included).

A recognised proposer buys the cheapest coalition of partners, offering each its value of
rejecting, unless a rejection is worth more to it. Which method finds the equilibrium:

* **a deadline**: backward induction over rounds, exact; a proposer with several equally
  cheap coalitions picks one uniformly at random (any choice is subgame perfect; this one
  treats tied parties alike);
* **no deadline, a party that both discounts and pays a cost per round**: the talks are
  not stationary, and are solved as the limit of ever longer deadlines (the format's
  rule);
* **no deadline, a pie, unanimity**: the stationary equilibrium in closed form given one
  scalar (:mod:`negsim.solvers.unanimity`), perfectly patient parties included (their
  stationary values may not be unique: the range is reported with the limit of ever
  longer deadlines);
* **no deadline, a pie** (the offer set is a simplex in utilities: a split valued linearly,
  offers that may be lotteries, :mod:`negsim.solvers.pie`): the stationary equilibrium
  solved directly, with each proposer mixing over equally cheap partners with the
  probabilities that make the values consistent (:mod:`negsim.solvers.eraslan`; Eraslan
  2002 shows the stationary payoffs are unique when parties discount);
* **no deadline, other offer sets** (single packages, several issues, non-linear values),
  a pie where some proposer would rather let its offer fail, or a pie under majority
  whose stationary values are not pinned down: value iteration from ``v = 0`` (the
  limit of ever longer deadlines), tied coalitions picked uniformly. When the cheapest
  coalitions keep switching, the proposers must mix; :mod:`negsim.solvers.mixing` then
  solves for the values and mixing probabilities from the coalitions the iteration
  visited, and fails with :class:`~negsim.solvers.convergence.ConvergenceError` (saying
  what to set instead) when that does not give a verified equilibrium.

References
----------
Baron, D. P. & Ferejohn, J. A. (1989). Bargaining in Legislatures. American Political
Science Review 83(4):1181-1206.
Eraslan, H. (2002). Uniqueness of Stationary Equilibrium Payoffs in the Baron-Ferejohn
Model. Journal of Economic Theory 103(1):11-30.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace

import numpy as np

from negsim.format.model import TOLERANCE
from negsim.solvers.alternating import OfferSet, Preferences, RejectionKind, rejection_values
from negsim.solvers.coalitions import ProposerPlay, coalition_play
from negsim.solvers.convergence import LIMIT_DEADLINES, Convergence, ConvergenceError
from negsim.solvers.deadlines import forget_oldest
from negsim.solvers.eraslan import stationary_pie
from negsim.solvers.mixing import mixed_fixed_point
from negsim.solvers.offers import PureOffers
from negsim.solvers.pie import Pie, pie_of, pie_play, round_plays, round_values
from negsim.solvers.unanimity import unanimity_pie

MAX_ITERATIONS = 100_000
"""Cap of the value iteration without a deadline."""
STEP_TOLERANCE = 1e-13
"""The value iteration stops once no value moves by more than this in one step."""
STALL_WINDOW = 100
"""The value iteration gives up when its step has not fallen below its smallest size so far
for this many iterations: the map is not contracting (the proposers' cheapest coalitions
keep switching), so it will not converge; the mixing solve takes over from there."""


@dataclass(frozen=True, eq=False)
class RandomProposerSolution:
    """The equilibrium of random-proposer bargaining: ``values`` each party expects at the
    start of round 0 ``(n_parties,)``, each party's ``plays[k]`` when recognised in round 0,
    and how the values were found (``convergence``; None with a deadline: backward
    induction is exact)."""

    values: np.ndarray
    plays: tuple[ProposerPlay, ...]
    method: str
    convergence: Convergence | None = None
    ranges: np.ndarray | None = None
    """``(n_parties, 2)`` utility ranges over the stationary equilibria when they are not
    unique (else None), and ``note`` saying why."""
    note: str = ""


def partners_needed(rule: str, n: int) -> int:
    """Votes a proposer must buy besides its own: everyone else under unanimity, ``n //
    2`` under majority (strictly more than half of ``n``, proposer included)."""
    return n - 1 if rule == "unanimity" else n // 2


def _round(
    offers: OfferSet,
    pie: Pie | None,
    prefs: Preferences,
    recognition: np.ndarray,
    continuation: np.ndarray | None,
    round_index: int,
    partners: int,
) -> tuple[np.ndarray, tuple[ProposerPlay, ...]]:
    """Expected values (utility equivalents) at the start of a round, over who is
    recognised, and each party's play when recognised."""
    kind: RejectionKind = "last_round" if continuation is None else "expected"
    rejection = rejection_values(prefs, continuation, round_index, kind=kind)
    if pie is not None:
        plays = round_plays(pie, rejection, partners)
    else:
        plays = tuple(
            coalition_play(offers, rejection, proposer, partners)
            for proposer in range(prefs.n_parties)
        )
    expected = np.sum([recognition[play.proposer] * play.values for play in plays], axis=0)
    return expected, plays


def _round_values(
    offers: OfferSet,
    pie: Pie | None,
    prefs: Preferences,
    recognition: np.ndarray,
    continuation: np.ndarray | None,
    round_index: int,
    partners: int,
) -> np.ndarray:
    """:func:`_round`'s values alone (on a pie, without building the offers)."""
    if pie is None:
        return _round(offers, pie, prefs, recognition, continuation, round_index, partners)[0]
    kind: RejectionKind = "last_round" if continuation is None else "expected"
    rejection = rejection_values(prefs, continuation, round_index, kind=kind)
    return round_values(pie, rejection, partners, recognition)


def random_proposer(
    offers: OfferSet,
    prefs: Preferences,
    recognition: np.ndarray,
    rule: str,
    deadline: int | None,
    max_iterations: int | None = None,
) -> RandomProposerSolution:
    """The equilibrium of random-proposer bargaining (module docstring for the methods)."""
    partners = partners_needed(rule, prefs.n_parties)
    pie = pie_of(offers)
    if deadline is not None:
        values, plays = _backward(offers, pie, prefs, recognition, partners, deadline)
        method = "backward induction over rounds, expectations over recognition"
        return RandomProposerSolution(values, plays, method)
    if _changes_over_time(prefs):
        return _limit_of_deadlines(offers, prefs, recognition, rule)
    if pie is not None and partners == prefs.n_parties - 1:
        unanimous = unanimity_pie(pie, prefs, recognition)
        if unanimous is not None:
            closed = unanimous.equilibrium
            solution = _pie_solution(
                pie, prefs, closed.values, closed.inclusion, closed.convergence
            )
            return replace(solution, ranges=unanimous.ranges, note=unanimous.note)
    if pie is not None and not _indeterminate(prefs, partners):
        found = stationary_pie(pie, prefs, recognition, partners)
        if found is not None:
            return _pie_solution(pie, prefs, found.values, found.inclusion, found.convergence)
    return _value_iteration(offers, pie, prefs, recognition, partners, max_iterations)


def _backward(
    offers: OfferSet,
    pie: Pie | None,
    prefs: Preferences,
    recognition: np.ndarray,
    partners: int,
    deadline: int,
) -> tuple[np.ndarray, tuple[ProposerPlay, ...]]:
    """Backward induction from the last of ``deadline`` rounds: the values and plays of
    round 0."""
    continuation: np.ndarray | None = None
    for round_index in range(deadline - 1, 0, -1):  # the rounds after the first
        continuation = _round_values(
            offers, pie, prefs, recognition, continuation, round_index, partners
        )
    return _round(offers, pie, prefs, recognition, continuation, 0, partners)


def expected_deal(solution: RandomProposerSolution, recognition: np.ndarray) -> np.ndarray | None:
    """The agreed utilities expected in round 0 given that a deal is struck there
    ``(n_parties,)``, over who is recognised and the coalitions each proposer mixes over;
    None when no proposer makes an accepted offer."""
    dealt, utilities = 0.0, np.zeros(recognition.shape[0])
    for play in solution.plays:
        weight = float(recognition[play.proposer])
        for coalition in play.coalitions:
            dealt += weight * coalition.probability
            utilities += weight * coalition.probability * coalition.offer.utilities
    return utilities / dealt if dealt > 0 else None


def every_deadline(
    offers: OfferSet,
    prefs: Preferences,
    recognition: np.ndarray,
    rule: str,
    deadlines: list[int],
) -> Iterator[tuple[int, RandomProposerSolution]]:
    """``(deadline, solution)`` for each of ``deadlines`` (each at least 1) in increasing
    order, sharing the work. With time-homogeneous preferences round ``t`` of a ``d``-round
    game is played as round 0 of a ``(d - t)``-round one, so each deadline adds one round
    to the last. Otherwise each deadline works back from its last round until it meets a
    round (number and next-round values) already solved for a shorter one, whose values
    entering round 0 it shares (:mod:`negsim.solvers.deadlines` explains why they meet)."""
    partners = partners_needed(rule, prefs.n_parties)
    pie = pie_of(offers)
    method = "backward induction over rounds, expectations over recognition"
    wanted = sorted(set(deadlines))
    if not _changes_over_time(prefs):
        continuation: np.ndarray | None = None
        for deadline in range(1, wanted[-1] + 1):
            values, plays = _round(offers, pie, prefs, recognition, continuation, 0, partners)
            if deadline in wanted:
                yield deadline, RandomProposerSolution(values, plays, method)
            continuation = values
        return
    memory: dict[tuple[int, bytes], np.ndarray | None] = {}
    for deadline in wanted:
        entering, visited = None, []
        for round_index in range(deadline - 1, 0, -1):  # the rounds after the first
            key = (round_index, b"" if entering is None else entering.tobytes())
            if key in memory:
                entering = memory[key]
                break
            visited.append(key)
            entering = _round_values(
                offers, pie, prefs, recognition, entering, round_index, partners
            )
        memory.update(dict.fromkeys(visited, entering))
        forget_oldest(memory)
        values, plays = _round(offers, pie, prefs, recognition, entering, 0, partners)
        yield deadline, RandomProposerSolution(values, plays, method)


def _changes_over_time(prefs: Preferences) -> bool:
    """Whether some party both discounts and pays a fixed cost per round: its payoff
    ``discount^t u - t cost`` weighs the pie against the costs differently in every
    round, so the talks have no stationary equilibrium (the format solves them as the
    limit of ever longer deadlines)."""
    return bool(np.any((prefs.discount < 1) & (prefs.cost > 0)))


def _limit_of_deadlines(
    offers: OfferSet, prefs: Preferences, recognition: np.ndarray, rule: str
) -> RandomProposerSolution:
    """No deadline, with preferences that change over time: backward induction for the
    deadlines of :data:`LIMIT_DEADLINES` in turn, each with the next deadline, until a
    deadline, its successor and the deadline tried before give round-0 values within the
    format's tolerance (comparing successors catches values that cycle from one deadline
    to the next for ever: proposers who switch partners each round). The plays are the
    longest deadline's round 0; when even the longest deadlines disagree the answer is kept
    and its convergence record says by how much (the analysis warns)."""
    wanted = [d + k for d in LIMIT_DEADLINES for k in (0, 1)]
    solved = every_deadline(offers, prefs, recognition, rule, wanted)
    spread, used, previous = np.inf, LIMIT_DEADLINES[0], None
    solution = None
    for deadline, found in solved:
        if deadline not in LIMIT_DEADLINES:  # the successor of the deadline just solved
            assert solution is not None
            spread = float(np.max(np.abs(found.values - solution.values)))
            if previous is not None:
                spread = max(spread, float(np.max(np.abs(solution.values - previous))))
            if spread <= TOLERANCE:
                break
            previous = solution.values
            continue
        solution, used = found, deadline
    assert solution is not None
    report = Convergence(
        "limit of ever longer deadlines (backward induction): round-0 values of successive "
        "deadlines",
        spread <= TOLERANCE,
        used,
        spread,
        TOLERANCE,
    )
    return RandomProposerSolution(solution.values, solution.plays, report.method, report)


def _indeterminate(prefs: Preferences, partners: int) -> bool:
    """Whether the stationary values may not be unique: under unanimity, when some party
    is perfectly patient (it neither discounts nor risks breakdown), any division among
    such parties is stationary. Value iteration from zero values then picks the limit of
    ever longer deadlines (with no impatience at all, each party's recognition
    probability)."""
    patient = (1 - prefs.breakdown_risk) * prefs.discount >= 1
    return bool(patient.any()) and partners >= prefs.n_parties - 1


def _pie_solution(
    pie: Pie,
    prefs: Preferences,
    values: np.ndarray,
    inclusion: np.ndarray,
    report: Convergence,
) -> RandomProposerSolution:
    """The stationary equilibrium on a pie as plays; an error when its check failed."""
    if not report.converged:
        raise ConvergenceError(
            report,
            "the stationary values solved on the pie do not check out as a fixed point; "
            "set a deadline (protocol.deadline) to solve the talks by backward induction "
            "instead",
        )
    rejection = rejection_values(prefs, values, 0, kind="expected")
    prices = np.maximum(pie.money(rejection.value), 0.0)
    plays = tuple(
        pie_play(pie, proposer, inclusion[proposer], prices, rejection)
        for proposer in range(prefs.n_parties)
    )
    return RandomProposerSolution(values, plays, report.method, report)


def _value_iteration(
    offers: OfferSet,
    pie: Pie | None,
    prefs: Preferences,
    recognition: np.ndarray,
    partners: int,
    max_iterations: int | None,
) -> RandomProposerSolution:
    """Value iteration ``v <- E[values | v]`` from ``v = 0``.

    The iteration stops once no value moves by more than :data:`STEP_TOLERANCE`. It is a
    contraction with modulus ``q = max_i (1 - p) discount_i`` while the proposers' choices
    stay put, so the values are then within ``q / (1 - q) |v' - v|`` of the fixed point:
    that bound is the reported residual (with ``q = 1``, the last step), and the values
    count as converged when it is within the format's tolerance, 1e-9. Stopping at
    ``max_iterations`` (default :data:`MAX_ITERATIONS`) raises
    :class:`~negsim.solvers.convergence.ConvergenceError`; once the step has not shrunk for
    :data:`STALL_WINDOW` iterations (the cheapest coalitions keep switching), the proposers'
    mixing is solved for (:func:`~negsim.solvers.mixing.mixed_fixed_point`), and an error
    raised when that fails too.
    """
    n = prefs.n_parties
    modulus = float(np.max((1 - prefs.breakdown_risk) * prefs.discount))
    factor = modulus / (1 - modulus) if modulus < 1 else 1.0
    values = np.zeros(n)
    cap = MAX_ITERATIONS if max_iterations is None else max_iterations
    step, smallest, stalled, iterations = np.inf, np.inf, 0, 0
    history: list[tuple[np.ndarray, tuple[ProposerPlay, ...]]] = []
    plays: tuple[ProposerPlay, ...] = ()
    while step > STEP_TOLERANCE and iterations < cap and stalled < STALL_WINDOW:
        updated, plays = _round(offers, pie, prefs, recognition, values, 0, partners)
        step = float(np.max(np.abs(updated - values)))
        values, iterations = updated, iterations + 1
        smallest, stalled = (step, 0) if step < smallest else (smallest, stalled + 1)
        if stalled:
            history.append((values, plays))
        else:
            history.clear()
    bound = factor * step
    report = Convergence(
        "stationary values by value iteration", bound <= TOLERANCE, iterations, bound, TOLERANCE
    )
    if stalled >= STALL_WINDOW:
        mixed = mixed_fixed_point(offers, prefs, recognition, partners, history)
        if mixed is not None:
            values, mixed_plays, mixing_report = mixed
            method = f"{report.method}, then {mixing_report.method}"
            total = Convergence(
                method,
                mixing_report.converged,
                iterations + mixing_report.iterations,
                mixing_report.residual,
                mixing_report.tolerance,
            )
            return RandomProposerSolution(values, mixed_plays, method, total)
        single = isinstance(offers, PureOffers)
        raise ConvergenceError(
            report,
            f"the values stopped approaching a fixed point (no smaller step in "
            f"{STALL_WINDOW} iterations): the proposers' cheapest coalitions keep switching, "
            "and no mix of the coalitions visited makes the values consistent"
            + (
                " (with single packages a proposer cannot offer exactly a partner's value "
                "of rejecting, and a stationary equilibrium may not exist); set "
                "protocol.lotteries: true, or a deadline (protocol.deadline) to solve the "
                "talks by backward induction instead"
                if single
                else "; set a deadline (protocol.deadline) to solve the talks by backward "
                "induction instead"
            ),
        )
    if step > STEP_TOLERANCE:
        raise ConvergenceError(
            report,
            "the parties are too patient for value iteration to settle; set a deadline "
            "(protocol.deadline), a breakdown risk or lower discount factors",
        )
    return RandomProposerSolution(values, plays, report.method, report)
