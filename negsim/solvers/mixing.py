"""Stationary random-proposer equilibria with mixing on any offer set: the proposers'
probabilities over coalitions and the values, solved together.

When value iteration cycles, each proposer keeps switching between a few coalitions (or
between a coalition and letting its offer fail). A stationary equilibrium then has each
proposer mix over those choices, with probabilities that keep it indifferent between them
and make the values a fixed point (Banks & Duggan 2000 show such equilibria exist when
offers may be lotteries; Eraslan 2002 solves the pie). Here the choices the iteration
visited are the candidates: the values ``v`` and the mixing probabilities solve the square
system "``v`` is the expectation of the outcomes, each proposer is indifferent between
its candidates" by Newton's method (finite-difference Jacobian, backtracking), and the
answer is kept only when every probability lies in ``[0, 1]``, no other coalition is
better for any proposer, and the values are reproduced within the format's tolerance.
With single packages the outcomes jump with ``v`` and the system usually has no solution:
no stationary equilibrium in proposers' mixing over coalitions may exist.

References
----------
Banks, J. S. & Duggan, J. (2000). A Bargaining Model of Collective Choice. American
Political Science Review 94(1):73-88.
Eraslan, H. (2002). Uniqueness of Stationary Equilibrium Payoffs in the Baron-Ferejohn
Model. Journal of Economic Theory 103(1):11-30.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np

from negsim.format.model import TOLERANCE
from negsim.solvers.alternating import OfferSet, Preferences, Rejection, rejection_values
from negsim.solvers.coalitions import CoalitionOffer, ProposerPlay, coalition_play, ordered
from negsim.solvers.convergence import Convergence

NEWTON_STEPS = 60
"""Cap of Newton's method per set of candidates."""
NEWTON_TOLERANCE = 1e-13
"""Newton stops once every equation holds within this."""
PROBABILITY_SLACK = 1e-9
"""How far outside ``[0, 1]`` a solved probability may fall (and is then clipped)."""

Choice = tuple[int, ...] | None
"""A proposer's choice: the partners of a coalition, or None to let its offer fail."""


def _outcome(
    offers: OfferSet, rejection: Rejection, proposer: int, choice: Choice
) -> np.ndarray | None:
    """What every party gets when ``proposer`` makes ``choice``; None when no offer meets
    the coalition's values of rejecting."""
    if choice is None:
        return rejection.stay
    floors = np.full(rejection.value.shape[0], -np.inf)
    floors[list(choice)] = rejection.value[list(choice)]
    offer = offers.best_for(proposer, floors)
    return None if offer is None else offer.utilities


class _System:
    """The square system for one set of candidate choices per proposer."""

    def __init__(
        self,
        offers: OfferSet,
        prefs: Preferences,
        recognition: np.ndarray,
        choices: list[list[Choice]],
    ):
        self.offers, self.prefs, self.r, self.choices = offers, prefs, recognition, choices
        self.n = prefs.n_parties
        self.size = self.n + sum(len(c) - 1 for c in choices)

    def probabilities(self, z: np.ndarray) -> list[np.ndarray]:
        found, at = [], self.n
        for options in self.choices:
            free = z[at : at + len(options) - 1]
            found.append(np.concatenate([[1.0 - free.sum()], free]))
            at += len(options) - 1
        return found

    def outcomes(self, values: np.ndarray) -> list[list[np.ndarray]] | None:
        rejection = rejection_values(self.prefs, values, 0, kind="expected")
        found = []
        for proposer, options in enumerate(self.choices):
            row = []
            for choice in options:
                outcome = _outcome(self.offers, rejection, proposer, choice)
                if outcome is None:
                    return None
                row.append(np.asarray(outcome, dtype=float))
            found.append(row)
        return found

    def residual(self, z: np.ndarray) -> np.ndarray:
        values = z[: self.n]
        outcomes = self.outcomes(values)
        if outcomes is None:
            return np.full(self.size, np.inf)
        expected = np.zeros(self.n)
        ties: list[float] = []
        for proposer, (row, weights) in enumerate(
            zip(outcomes, self.probabilities(z), strict=True)
        ):
            expected += self.r[proposer] * np.sum(
                [w * u for w, u in zip(weights, row, strict=True)], axis=0
            )
            ties.extend(float(u[proposer] - row[0][proposer]) for u in row[1:])
        return np.concatenate([values - expected, ties])


def _newton(system: _System, start: np.ndarray) -> tuple[np.ndarray, int] | None:
    """Newton's method with a forward-difference Jacobian and backtracking."""
    z = start.copy()
    value = system.residual(z)
    for step in range(1, NEWTON_STEPS + 1):
        if not np.all(np.isfinite(value)):
            return None
        if np.max(np.abs(value)) <= NEWTON_TOLERANCE:
            return z, step
        jacobian = np.empty((system.size, system.size))
        for column in range(system.size):
            h = 1e-7 * max(1.0, abs(z[column]))
            moved = z.copy()
            moved[column] += h
            jacobian[:, column] = (system.residual(moved) - value) / h
        if not np.all(np.isfinite(jacobian)):
            return None
        direction = np.linalg.lstsq(jacobian, -value, rcond=None)[0]
        size, norm = 1.0, float(np.max(np.abs(value)))
        while size > 1e-6:
            trial = z + size * direction
            trial_value = system.residual(trial)
            if np.all(np.isfinite(trial_value)) and np.max(np.abs(trial_value)) < norm:
                z, value = trial, trial_value
                break
            size /= 2
        else:
            return None
    return (z, NEWTON_STEPS) if np.max(np.abs(value)) <= NEWTON_TOLERANCE else None


def _candidates(
    history: Sequence[tuple[np.ndarray, tuple[ProposerPlay, ...]]],
) -> list[Counter[Choice]]:
    counts: list[Counter[Choice]] = []
    for _, plays in history:
        if not counts:
            counts = [Counter() for _ in plays]
        for play in plays:
            if not play.coalitions:
                counts[play.proposer][None] += 1
            for coalition in play.coalitions:
                counts[play.proposer][coalition.partners] += 1
    return counts


def mixed_fixed_point(
    offers: OfferSet,
    prefs: Preferences,
    recognition: np.ndarray,
    partners: int,
    history: Sequence[tuple[np.ndarray, tuple[ProposerPlay, ...]]],
) -> tuple[np.ndarray, tuple[ProposerPlay, ...], Convergence] | None:
    """The stationary values and each proposer's mixed play, from the ``history`` of a
    cycling value iteration (its iterates and plays); None when no verified equilibrium is
    found (module docstring). Tried: every choice each proposer made, then only its two
    most frequent."""
    if not history:
        return None
    counts = _candidates(history)
    start_values = np.mean([values for values, _ in history], axis=0)
    attempts = [[list(c) for c in counts], [[x for x, _ in c.most_common(2)] for c in counts]]
    total_steps = 0
    for choices in attempts:
        system = _System(offers, prefs, recognition, choices)
        start = [start_values]
        for proposer_counts, options in zip(counts, choices, strict=True):
            shares = np.array([proposer_counts[x] for x in options], dtype=float)
            start.append(shares[1:] / shares.sum())
        solved = _newton(system, np.concatenate(start))
        if solved is None:
            continue
        z, steps = solved
        total_steps += steps
        found = _verified(system, z, partners)
        if found is not None and found[1] <= TOLERANCE:
            plays, residual = found
            report = Convergence(
                "mixing over the coalitions it visited, solved by Newton's method",
                residual <= TOLERANCE,
                total_steps,
                residual,
                TOLERANCE,
            )
            return z[: system.n].copy(), plays, report
    return None


def _verified(
    system: _System, z: np.ndarray, partners: int
) -> tuple[tuple[ProposerPlay, ...], float] | None:
    """The plays at a solution of the system, if it is an equilibrium: probabilities in
    ``[0, 1]``, every chosen option as good for its proposer as its best coalition (and as
    letting the offer fail), the values reproduced. Returns the plays and the residual."""
    values = z[: system.n]
    weights = system.probabilities(z)
    if any(np.any(w < -PROBABILITY_SLACK) or np.any(w > 1 + PROBABILITY_SLACK) for w in weights):
        return None
    outcomes = system.outcomes(values)
    if outcomes is None:
        return None
    rejection = rejection_values(system.prefs, values, 0, kind="expected")
    plays, expected = [], np.zeros(system.n)
    for proposer, (options, row, w) in enumerate(
        zip(system.choices, outcomes, weights, strict=True)
    ):
        w = np.clip(w, 0.0, 1.0)
        w = w / w.sum()
        best = coalition_play(system.offers, rejection, proposer, partners)
        best_value = float(best.values[proposer]) if best.coalitions else -np.inf
        best_value = max(best_value, float(rejection.stay[proposer]))
        chosen = [k for k in range(len(options)) if w[k] > 1e-12]
        if any(row[k][proposer] < best_value - TOLERANCE for k in chosen):
            return None
        coalitions = []
        for k in chosen:
            partners_k = options[k]
            if partners_k is None:
                continue
            offer = system.offers.best_for(proposer, _floors(rejection, partners_k))
            assert offer is not None  # outcomes() found it
            coalitions.append(CoalitionOffer(partners_k, offer, float(w[k])))
        outcome = np.sum([w[k] * row[k] for k in chosen], axis=0)
        expected += system.r[proposer] * outcome
        plays.append(_play(proposer, coalitions, outcome, rejection, system.n))
    residual = float(np.max(np.abs(values - expected)))
    return tuple(plays), residual


def _floors(rejection: Rejection, partners: tuple[int, ...]) -> np.ndarray:
    floors = np.full(rejection.value.shape[0], -np.inf)
    floors[list(partners)] = rejection.value[list(partners)]
    return floors


def _play(
    proposer: int,
    coalitions: list[CoalitionOffer],
    outcome: np.ndarray,
    rejection: Rejection,
    n: int,
) -> ProposerPlay:
    return ProposerPlay(proposer, ordered(coalitions, proposer, n), outcome, rejection)
