"""One round of the screening equilibrium, solved for every state at once
(:func:`solve_round`), and the proposer's best cutoff at any state (:func:`best_cutoffs`).

In round ``t`` at state ``s`` the proposer picks a cutoff ``c >= s``: types in ``[s, c)``
accept the offer ``v_t(c)`` that makes the marginal type (the type at ``c``, from the
left) indifferent between accepting and waiting for round ``t + 1`` in state ``c``:

    v_t(c) = p d(c) + (1 - p)(delta_R (P_{t+1}(c) + a(c)) - k_R) - a(c)   (v = d - a last)

and its value is the line in ``s``

    f(c; s) = (c - s) pi(v_t(c)) + C_t(c),
    C_t(c) = (1 - c)(p d_P - (1 - p) k_P) + (1 - p) delta_P G_{t+1}(c)   ((1 - c) d_P last)

with ``k`` the delay costs in this round's units. ``pi(v_t(c))`` falls as ``c`` rises, so
``f`` has increasing differences and the best cutoff is monotone in the state (Topkis):
:func:`negsim.solvers.monotone.monotone_argmax` finds it for all states without a table.

The cutoffs searched (*columns*) are the grid and the round's *special* cutoffs, where
the objective is not smooth: the next round's switches (the marginal type's payoff jumps),
type atoms, and where ``v_t(c)`` equals the responder's utility of one of the proposer's
points (a step of ``pi`` with single packages, a kink with lotteries). Special cutoffs
fall between grid points and are found exactly. Between columns the objective is smooth;
the best cutoff inside a cell is the vertex of the parabola through three columns, so the
grid approximates the continuum's interior optima to second order instead of rounding them
to a grid point.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from negsim.format.model import TOLERANCE
from negsim.solvers.monotone import monotone_argmax, segment_argmax, segments
from negsim.solvers.screening_model import (
    ScreeningProblem,
    proposer_best,
    proposer_best_above,
)
from negsim.solvers.screening_plan import LEFT, RIGHT, Plan

PASSES = 16
"""Rounds of locating the switches between two grid states: each pass resolves one more
best cutoff that lies between two others, and halves the distance to a state where the
best cutoff leaves a kink of the objective (there the two branches touch)."""
SAME = 1e-12
"""States closer than this are one state."""
NOISE = 1e-13
"""Differences of values below this (relative to large values) are rounding."""


def tie(value: np.ndarray) -> np.ndarray:
    """The spec's tolerance for equal utilities, relative to large values."""
    return TOLERANCE * np.maximum(1.0, np.abs(value))


def noise(value: np.ndarray) -> np.ndarray:
    """Rounding in a value, relative to large values."""
    return NOISE * np.maximum(1.0, np.abs(value))


@dataclass(frozen=True, eq=False)
class Stage:
    """Round ``t``'s economics: the offer that makes the type at a cutoff indifferent,
    and the proposer's continuation, given the next round's plan (None in the last)."""

    problem: ScreeningProblem
    t: int
    following: Plan | None

    def offers(self, at: np.ndarray, side: int) -> np.ndarray:
        """``v_t(c)`` for the type at each cutoff from the left (``LEFT``) or the right."""
        problem = self.problem
        d, a = problem.types_at(at, right=side == RIGHT)
        if self.following is None:
            return d - a
        p = problem.breakdown_risk
        cost = problem.responder_cost / problem.responder_discount**self.t
        waiting = problem.responder_discount * (self.following.offer_at(at, side) + a)
        return p * d + (1 - p) * (waiting - cost) - a

    def both_offers(self, at: np.ndarray) -> np.ndarray:
        """``v_t(c)`` for the type at each cutoff from the left and from the right
        ``(n, 2)`` (they differ at the ends of atoms and at the next round's switches)."""
        problem = self.problem
        d, a = problem.types_at(at, right=False)
        if problem.atoms:
            d_right, a_right = problem.types_at(at, right=True)
            d, a = np.stack([d, d_right], axis=1), np.stack([a, a_right], axis=1)
        else:
            d, a = d[:, None], a[:, None]
        if self.following is None:
            return np.broadcast_to(d - a, (at.size, 2)).copy()
        p = problem.breakdown_risk
        cost = problem.responder_cost / problem.responder_discount**self.t
        waiting = problem.responder_discount * (self.following.offers_at(at) + a)
        return p * d + (1 - p) * (waiting - cost) - a

    def _flow(self) -> float:
        """What each unit of mass that rejects adds this round, besides ``G_{t+1}``."""
        problem = self.problem
        if self.following is None:
            return problem.proposer_disagreement
        p = problem.breakdown_risk
        cost = problem.proposer_cost / problem.proposer_discount**self.t
        return p * problem.proposer_disagreement - (1 - p) * cost

    def rest(self, at: np.ndarray) -> np.ndarray:
        """``C_t(c)``: the proposer's payoff from the mass ``1 - c`` that rejects."""
        flow = (1 - at) * self._flow()
        if self.following is None:
            return flow
        p, delta = self.problem.breakdown_risk, self.problem.proposer_discount
        return flow + (1 - p) * delta * self.following.value_at(at)

    def rest_slope(self, at: np.ndarray, side: int) -> np.ndarray:
        """``dC_t/dc``."""
        slope = np.full(np.shape(at), -self._flow())
        if self.following is None:
            return slope
        p, delta = self.problem.breakdown_risk, self.problem.proposer_discount
        return slope + (1 - p) * delta * self.following.slope_at(at, side)


@dataclass(frozen=True, eq=False)
class Columns:
    """The cutoffs searched in a round, ascending, with ``offer`` ``v_t`` and ``gain``
    ``pi(v_t)`` at the point and from the right ``(n, 2)``, ``rest`` ``C_t``, and
    ``smooth``: whether the objective is smooth across the column. Between two columns
    ``v_t`` and ``pi(v_t)`` are linear and ``C_t`` is a cubic (the next round's knots are
    columns), so the objective is a cubic in the cutoff. Cutoffs outside
    ``first .. last`` cannot be offered (the proposer's best package already takes more
    types; no package gives the marginal type enough)."""

    at: np.ndarray
    offer: np.ndarray
    gain: np.ndarray
    rest: np.ndarray
    rest_slope: np.ndarray
    """``dC_t/dc`` at the point from the left and from the right ``(n, 2)``."""
    smooth: np.ndarray
    first: int
    last: int

    def objective(self, k: np.ndarray, s: np.ndarray, side: int) -> np.ndarray:
        """``f(c_k; s)``; ``C(s)`` at ``c_k == s`` (nobody accepts)."""
        reach = self.at[k] - s
        gain = np.where(reach > 0, self.gain[k, side], 0.0)
        return np.maximum(reach, 0.0) * gain + self.rest[k]


def _special_cutoffs(problem: ScreeningProblem, points: np.ndarray, offer: np.ndarray):
    """For each of the proposer's points ``x_j``, the largest cutoff whose offer is at most
    ``x_j``: ``(cutoffs, offers)``; ``v_t`` is nondecreasing, linear between ``points``
    and may jump at them (``offer`` ``(n, 2)``)."""
    x = problem.frontier_responder
    sequence = np.maximum.accumulate(offer.ravel())
    index = np.searchsorted(sequence, x, side="right") - 1
    found = index >= 0
    index, x = index[found], x[found]
    i = index // 2
    cut = points[i].astype(float)
    between = (index % 2 == 1) & (i + 1 < points.size)
    j = i[between]
    low, high = offer[j, RIGHT], offer[j + 1, LEFT]
    share = np.where(high > low, (x[between] - low) / np.where(high > low, high - low, 1), 1)
    cut[between] = points[j] + np.clip(share, 0.0, 1.0) * (points[j + 1] - points[j])
    level = np.where(between, x, np.nan)
    return cut, level


def build_columns(stage: Stage, points: np.ndarray, special: np.ndarray) -> Columns:
    """The round's columns: ``points`` (the grid and the next round's knots; ``special``
    where the objective is not smooth) and the cutoffs where ``v_t`` meets a package."""
    problem = stage.problem
    offer = stage.both_offers(points)
    cut, level = _special_cutoffs(problem, points, offer)
    on_point = np.isin(cut, points)
    special = special | np.isin(points, cut[on_point]) | (offer[:, LEFT] != offer[:, RIGHT])
    new, first_seen = np.unique(cut[~on_point], return_index=True)
    new_level = level[~on_point][first_seen]
    at = np.concatenate([points, new])
    order = np.argsort(at, kind="stable")
    at = at[order]
    offer = np.concatenate([offer, np.stack([new_level, new_level], axis=1)])[order]
    smooth = ~np.concatenate([special, np.ones(new.size, dtype=bool)])[order]
    gain = np.stack(
        [proposer_best(problem, offer[:, LEFT]), proposer_best_above(problem, offer[:, RIGHT])],
        axis=1,
    )
    lowest = problem.frontier_responder[0]
    cheap = np.flatnonzero(offer[:, LEFT] <= lowest)
    first = int(cheap[-1]) if cheap.size else 0
    gain[:first] = -np.inf
    feasible = np.flatnonzero(np.isfinite(gain[:, LEFT]))
    last = int(feasible[-1]) if feasible.size else -1
    slope = np.stack([stage.rest_slope(at, LEFT), stage.rest_slope(at, RIGHT)], axis=1)
    return Columns(at, offer, gain, stage.rest(at), slope, smooth, first, last)


def _cell(cols: Columns, j: np.ndarray, s: np.ndarray) -> np.ndarray:
    """``(4, n)``: the objective at state ``s`` on the cell from column ``j`` to ``j + 1`` as
    a cubic in ``w`` (0 at column ``j``, 1 at ``j + 1``): ``(c - s) pi`` with ``pi``
    linear, plus ``C_t`` cubic from its values and slopes at the ends (cubic Hermite)."""
    at = cols.at
    length = at[j + 1] - at[j]
    reach = at[j] - s
    g0, g1 = cols.gain[j, RIGHT], cols.gain[j + 1, LEFT]
    c0, c1 = cols.rest[j], cols.rest[j + 1]
    m0, m1 = length * cols.rest_slope[j, RIGHT], length * cols.rest_slope[j + 1, LEFT]
    with np.errstate(invalid="ignore"):
        step = g1 - g0
        return np.stack([
            reach * g0 + c0,
            reach * step + length * g0 + m0,
            length * step - 3 * c0 - 2 * m0 + 3 * c1 - m1,
            2 * c0 + m0 - 2 * c1 + m1,
        ])  # fmt: skip


def _cubic_value(coef: np.ndarray, w: np.ndarray) -> np.ndarray:
    return coef[0] + w * (coef[1] + w * (coef[2] + w * coef[3]))


def objective_at(cols: Columns, cut: np.ndarray, s: np.ndarray) -> np.ndarray:
    """``f(c; s)`` at any cutoffs (at a column: its limit from the right)."""
    at = cols.at
    j = np.clip(np.searchsorted(at, cut, side="right") - 1, 0, at.size - 2)
    w = (cut - at[j]) / (at[j + 1] - at[j])
    value = _cubic_value(_cell(cols, j, s), w)
    return np.where(j < cols.first, -np.inf, value)


def _cell_peak(
    cols: Columns, j: np.ndarray, s: np.ndarray, start: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The best cutoff strictly inside the cell from column ``j`` (from ``w = start`` on):
    a root of the cubic's derivative where it is a maximum. Returns the cutoff, its value
    (-inf when there is none), its offer and gain."""
    coef = _cell(cols, j, s)
    finite = np.all(np.isfinite(coef), axis=0)
    coef = np.where(finite, coef, 0.0)
    _, b, c, d = coef
    # the maximum solves b + 2 c w + 3 d w^2 = 0 with 2 c + 6 d w < 0 (stable roots)
    disc = c * c - 3 * b * d
    q = -(c + np.copysign(np.sqrt(np.maximum(disc, 0.0)), c))
    with np.errstate(divide="ignore", invalid="ignore"):
        roots = np.stack([q / (3 * d), b / q])
        is_max = (2 * c + 6 * d * roots < 0) & (roots > start) & (roots < 1)
    is_max &= np.isfinite(roots)
    w = np.where(is_max[0], roots[0], np.where(is_max[1], roots[1], 0.5))
    peak = finite & (disc >= 0) & is_max.any(axis=0)
    at = cols.at
    cut = at[j] + w * (at[j + 1] - at[j])
    offer = (1 - w) * cols.offer[j, RIGHT] + w * cols.offer[j + 1, LEFT]
    gain = (1 - w) * cols.gain[j, RIGHT] + w * cols.gain[j + 1, LEFT]
    return cut, np.where(peak, _cubic_value(coef, w), -np.inf), offer, gain


def refine(
    cols: Columns, s: np.ndarray, k: np.ndarray, above: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The best cutoff near the best column ``k`` of each row ``s`` (``above``: the first
    column above the state it may use): the column, or the best point of a cell beside it.
    Returns the cutoff, its value, offer and gain."""
    at = cols.at
    best = [at[k].astype(float), cols.objective(k, s, LEFT), cols.offer[k, LEFT],
            cols.gain[k, LEFT]]  # fmt: skip
    top = at.size - 2
    right = np.minimum(k, top)
    before = np.clip(k - 1, 0, top)
    start = np.clip((s - at[before]) / (at[before + 1] - at[before]), 0.0, 1.0)
    cells = (
        (right, k + 1 <= cols.last, np.zeros(s.size)),
        (before, (k - 1 >= cols.first) & (k >= 1) & ((k - 1 >= above) | (k == above)), start),
    )
    for j, allowed, lowest in cells:
        found = _cell_peak(cols, j, s, lowest)
        better = allowed & (found[1] > best[1])
        best = [np.where(better, new, old) for new, old in zip(found, best, strict=True)]
    return best[0], best[1], best[2], best[3]


@dataclass(frozen=True, eq=False)
class Choice:
    """The proposer's best cutoff per state, with its value, offer ``v`` and gain
    ``pi(v)`` (NaN when nobody accepts: ``cutoff == state``)."""

    state: np.ndarray
    cutoff: np.ndarray
    value: np.ndarray
    offer: np.ndarray
    gain: np.ndarray

    @property
    def accepts(self) -> np.ndarray:
        return self.cutoff > self.state


def _with_waiting(stage: Stage, cols: Columns, s: np.ndarray, found: tuple) -> Choice:
    """Compare the best cutoff with making no acceptable offer (``c = s``). Near-ties go to
    the choice worse for the marginal type (the lower offer), then to more acceptors."""
    cut, value, offer, gain = found
    wait = stage.rest(s)
    own = stage.offers(s, LEFT)
    finite = np.isfinite(value)
    margin = tie(np.where(finite, value, 0.0))
    near = finite & (wait >= value - margin)
    waits = ~finite | (wait > value + margin) | (near & (own < offer - TOLERANCE))
    return Choice(
        s,
        np.where(waits, s, cut),
        np.where(waits, wait, value),
        np.where(waits, np.nan, offer),
        np.where(waits, np.nan, gain),
    )


def best_cutoffs(
    stage: Stage, cols: Columns, s: np.ndarray, from_cut: np.ndarray, to_cut: np.ndarray
) -> Choice:
    """The best cutoff at states ``s`` near ``[from_cut, to_cut]`` (and waiting), by looking
    at every column of the cells that hold the range."""
    above = np.maximum(np.searchsorted(cols.at, s, side="right"), cols.first)
    low = np.maximum(np.searchsorted(cols.at, from_cut, side="right") - 1, above)
    high = np.minimum(np.searchsorted(cols.at, to_cut, side="left"), cols.last)
    owner, k = segments(low, high - low + 1)
    where, _ = segment_argmax(cols.objective(k, s[owner], LEFT), owner, s.size)
    rows = np.flatnonzero(where >= 0)
    found = _no_cutoff(s.size)
    if rows.size:
        best_k = k[where[rows]]
        refined = refine(cols, s[rows], best_k, above[rows])
        for target, part in zip(found, refined, strict=True):
            target[rows] = part
    return _with_waiting(stage, cols, s, found)


def _no_cutoff(n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    return np.full(n, np.nan), np.full(n, -np.inf), np.full(n, np.nan), np.full(n, np.nan)


def all_best_cutoffs(stage: Stage, cols: Columns, s: np.ndarray) -> Choice:
    """The best cutoff at every state ``s`` (ascending, all columns), by divide and
    conquer on the monotone argmax."""
    above = np.maximum(np.searchsorted(cols.at, s, side="right"), cols.first)
    found = _no_cutoff(s.size)
    if cols.last >= 0:
        k, _ = monotone_argmax(
            lambda r, c: cols.objective(c, s[r], LEFT), above, np.full(s.size, cols.last)
        )
        rows = np.flatnonzero(k >= 0)
        if rows.size:
            refined = refine(cols, s[rows], k[rows], above[rows])
            for target, part in zip(found, refined, strict=True):
                target[rows] = part
    return _with_waiting(stage, cols, s, found)
