"""One round of the screening equilibrium as functions of the state: what the proposer
offers, what that is worth to it, and whom it sells to (:class:`Plan`).

The state ``s`` in ``[0, 1]`` is the mass of responder types that have already accepted
(types ordered most eager first, :mod:`negsim.solvers.screening`). A round's plan is known
exactly at its *knots* (the quantile grid, the previous rounds' knots and the states where
the proposer switches between two separate best cutoffs) and in between:

* ``G(s)``, the proposer's value, by cubic Hermite interpolation: its slope is known at
  every knot (minus the proposer's utility of the offer, the envelope theorem);
* ``P(s)``, the offer that the state's marginal type gets (the one it is offered, or its
  own price of waiting when nobody accepts), linearly.

At a switch the proposer is indifferent between two cutoffs; the knot holds both sides.
The value *at* the knot is the left one, the cutoff with fewer acceptors: the choice that
is worst for the marginal type, which makes the previous round's problem upper
semicontinuous so that its best offer exists (Fudenberg, Levine & Tirole 1985).

References
----------
Fudenberg, D., Levine, D. & Tirole, J. (1985). Infinite-Horizon Models of Bargaining with
One-Sided Incomplete Information. In A. Roth (ed.), Game-Theoretic Models of Bargaining,
Cambridge University Press, 73-98.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

LEFT, RIGHT = 0, 1
"""Columns of the two-sided arrays: the value at a point, and the limit from the right."""


@dataclass(frozen=True, eq=False)
class Plan:
    """A round's plan at its knots ``states`` (ascending). Two-sided arrays ``(K, 2)``
    hold the value at the knot (``LEFT``) and the limit from its right (``RIGHT``)."""

    states: np.ndarray
    cutoff: np.ndarray
    """The state after this round: types in ``[s, cutoff)`` accept; ``cutoff == s``:
    nobody does."""
    offer: np.ndarray
    """``P``: the responder's base utility of the accepted offer, or when nobody accepts,
    the marginal type's price of waiting (what would make it indifferent)."""
    value: np.ndarray
    """``G``: the proposer's expected payoff from the remaining mass ``1 - s`` (this
    round's units)."""
    slope: np.ndarray
    """``dG/ds``."""
    rough: np.ndarray
    """Knots where ``P`` or ``G`` may have a kink or a jump (switches of this or a later
    round, the ends of atoms): the objective of the round before is not smooth there."""

    def _locate(self, at: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """For each point: its knot (or the knot to its right), whether it is that knot,
        and its position in the interval ending there (0..1)."""
        states = self.states
        index = np.clip(np.searchsorted(states, at, side="left"), 0, states.size - 1)
        exact = states[index] == at
        left = np.maximum(index - 1, 0)
        width = states[index] - states[left]
        position = np.where(width > 0, (at - states[left]) / np.where(width > 0, width, 1), 1.0)
        return index, exact, np.clip(position, 0.0, 1.0)

    def offer_at(self, at: np.ndarray, side: int) -> np.ndarray:
        """``P`` at the points ``at``: at a knot its ``side`` value, elsewhere linear
        between the neighbouring knots."""
        index, exact, w = self._locate(at)
        left = np.maximum(index - 1, 0)
        between = (1 - w) * self.offer[left, RIGHT] + w * self.offer[index, LEFT]
        return np.where(exact, self.offer[index, side], between)

    def offers_at(self, at: np.ndarray) -> np.ndarray:
        """``P`` at the points ``at``, ``(n, 2)``: at a knot its two sides, elsewhere the
        linear interpolation twice."""
        index, exact, w = self._locate(at)
        left = np.maximum(index - 1, 0)
        between = (1 - w) * self.offer[left, RIGHT] + w * self.offer[index, LEFT]
        result = np.repeat(between[:, None], 2, axis=1)
        result[exact] = self.offer[index[exact]]
        return result

    def value_at(self, at: np.ndarray) -> np.ndarray:
        """``G`` at the points ``at`` (continuous; cubic Hermite between knots)."""
        index, exact, w = self._locate(at)
        left = np.maximum(index - 1, 0)
        width = self.states[index] - self.states[left]
        g0, g1 = self.value[left], self.value[index]
        m0, m1 = self.slope[left, RIGHT] * width, self.slope[index, LEFT] * width
        w2, w3 = w * w, w * w * w
        between = (
            (2 * w3 - 3 * w2 + 1) * g0 + (w3 - 2 * w2 + w) * m0 + (-2 * w3 + 3 * w2) * g1
            + (w3 - w2) * m1
        )  # fmt: skip
        return np.where(exact, self.value[index], between)

    def slope_at(self, at: np.ndarray, side: int) -> np.ndarray:
        """``dG/ds`` at the points ``at`` (at a knot its ``side`` slope)."""
        index, exact, w = self._locate(at)
        left = np.maximum(index - 1, 0)
        width = self.states[index] - self.states[left]
        safe = np.where(width > 0, width, 1.0)
        g0, g1 = self.value[left], self.value[index]
        m0, m1 = self.slope[left, RIGHT] * width, self.slope[index, LEFT] * width
        derivative = (
            (6 * w * w - 6 * w) * g0 + (3 * w * w - 4 * w + 1) * m0
            + (-6 * w * w + 6 * w) * g1 + (3 * w * w - 2 * w) * m1
        ) / safe  # fmt: skip
        return np.where(exact, self.slope[index, side], derivative)

    def neighbours(self, at: float) -> tuple[float, float]:
        """The cutoffs chosen just right of the knot left of ``at`` and at the knot right of
        it: the proposer's best cutoff at ``at`` lies between (it is monotone in the state)."""
        index = int(np.clip(np.searchsorted(self.states, at), 1, self.states.size - 1))
        return float(self.cutoff[index - 1, RIGHT]), float(self.cutoff[index, LEFT])
