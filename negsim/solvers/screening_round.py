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
the objective is not smooth: the next round's knots (its switches, where the marginal
type's payoff jumps), type atoms, and where ``v_t(c)`` equals the responder's utility of
one of the proposer's points (a step of ``pi`` with single packages, a kink with
lotteries). Special cutoffs fall between grid points and are found exactly. Between two
columns ``v_t`` and ``pi`` are linear and ``C_t`` a cubic, so the objective is a cubic in
the cutoff and its best point in a cell is found in closed form: interior optima are the
continuum's, not rounded to a grid point. Not every cutoff can be brought about by an
offer (:func:`validity`).
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

    def threshold_above(self, at: np.ndarray, continuation: np.ndarray) -> np.ndarray:
        """The offer that makes the type just above each cutoff indifferent when the next
        round's offer at that state is ``continuation`` (not the last round)."""
        problem = self.problem
        d, a = problem.types_at(at, right=True)
        p = problem.breakdown_risk
        cost = problem.responder_cost / problem.responder_discount**self.t
        waiting = problem.responder_discount * (continuation + a)
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
    ``pi(v_t)`` at the point and from the right ``(n, 2)``, ``rest`` ``C_t`` and its slope,
    and ``smooth``: whether the objective is smooth across the column. Between two columns
    ``v_t`` and ``pi(v_t)`` are linear and ``C_t`` is a cubic (the next round's knots are
    columns), so the objective is a cubic in the cutoff.

    ``valid``: the cutoff can be the outcome of an offer; ``cell``: so can the cutoffs
    between this column and the next (:func:`validity`)."""

    at: np.ndarray
    offer: np.ndarray
    gain: np.ndarray
    rest: np.ndarray
    rest_slope: np.ndarray
    """``dC_t/dc`` at the point from the left and from the right ``(n, 2)``."""
    smooth: np.ndarray
    valid: np.ndarray
    cell: np.ndarray
    cubics: np.ndarray
    """:func:`cell_cubics`."""
    has_cell: np.ndarray
    """Cells in which a cutoff can fall."""
    line: np.ndarray
    """``(2, n)``: a valid column's value ``f(c; s) = line[0] - s line[1]`` above it
    (``-inf`` for a column that is not valid)."""

    def objective(self, k: np.ndarray, s: np.ndarray, side: int) -> np.ndarray:
        """``f(c_k; s)``; ``C(s)`` at ``c_k == s`` (nobody accepts)."""
        reach = self.at[k] - s
        gain = np.where(self.valid[k], self.gain[k, side], -np.inf)
        gain = np.where(reach > 0, gain, 0.0)
        return np.maximum(reach, 0.0) * gain + self.rest[k]


def offered(problem: ScreeningProblem, base: np.ndarray) -> np.ndarray:
    """The responder's base utility of what the proposer offers to give it at least
    ``base``: the first package at or above it (single packages), ``base`` itself on the
    hull; the proposer's best offer when ``base`` is below it; ``inf`` above the frontier."""
    x = problem.frontier_responder
    base = np.asarray(base, dtype=float)
    if problem.steps:
        index = np.searchsorted(x, base - TOLERANCE, side="left")
        return np.where(index < x.size, x[np.minimum(index, x.size - 1)], np.inf)
    return np.where(base > x[-1] + TOLERANCE, np.inf, np.maximum(base, x[0]))


def validity(problem: ScreeningProblem, offer: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Which columns, and which cells after them, are cutoffs an offer can bring about.

    The offer actually made to reach cutoff ``c`` may give the marginal type more than its
    threshold ``v_t(c)`` (a package above it, or the proposer's best package when even
    that is above it). The types just above ``c`` then also want it, unless their own
    threshold is higher: they are another atom, or the next round's offer jumps up at
    ``c`` and the proposer there mixes between its two best cutoffs so that they are
    indifferent (Fudenberg, Levine & Tirole 1985). So ``c`` is a cutoff when the offer is
    at most the threshold from the right, ``v_t(c+)``. Inside a cell the threshold is
    continuous: only an offer that meets it exactly will do (anywhere on the hull; with
    single packages only where ``v_t`` stays at a package's level). The last cutoff,
    everyone, needs only an offer at least as good as the last type's threshold."""
    made = offered(problem, offer[:, LEFT])
    valid = made <= offer[:, RIGHT] + TOLERANCE
    valid[-1] = np.isfinite(made[-1])  # everyone accepts: no type above to hold back
    start, end = offer[:-1, RIGHT], offer[1:, LEFT]
    x = problem.frontier_responder
    if problem.steps:
        level = np.abs(offered(problem, start) - start) <= TOLERANCE
        cell = level & (np.abs(end - start) <= TOLERANCE)
    else:
        cell = (start >= x[0] - TOLERANCE) & (end <= x[-1] + TOLERANCE)
    return valid, np.append(cell, False)


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
    valid, cell = validity(problem, offer)
    valid &= np.isfinite(gain[:, LEFT])
    slope = np.stack([stage.rest_slope(at, LEFT), stage.rest_slope(at, RIGHT)], axis=1)
    rest = stage.rest(at)
    cubics = cell_cubics(at, gain, rest, slope, cell)
    usable = np.where(valid, gain[:, LEFT], 0.0)
    line = np.stack([np.where(valid, at * usable + rest, -np.inf), usable])
    return Columns(at, offer, gain, rest, slope, smooth, valid, cell, cubics,
                   np.isfinite(cubics[0]), line)  # fmt: skip


def cell_cubics(at: np.ndarray, gain: np.ndarray, rest: np.ndarray, slope: np.ndarray,
                cell: np.ndarray) -> np.ndarray:  # fmt: skip
    """``(6, n)``: per cell from column ``j`` to ``j + 1``, the objective as a cubic in ``w``
    (0 at ``j``, 1 at ``j + 1``): ``(c - s) pi`` with ``pi`` linear, plus ``C_t`` cubic from
    its values and slopes at the ends (cubic Hermite). Columns 0-3 are its coefficients at
    ``s = 0``; the first two fall by ``s`` times rows 4-5 (``pi`` at ``j`` and its rise
    across the cell). Cells nobody can cut inside are NaN."""
    length = np.diff(at)
    g0, g1 = gain[:-1, RIGHT], gain[1:, LEFT]
    c0, c1 = rest[:-1], rest[1:]
    m0, m1 = length * slope[:-1, RIGHT], length * slope[1:, LEFT]
    with np.errstate(invalid="ignore"):
        step = g1 - g0
        table = np.stack([
            at[:-1] * g0 + c0,
            at[:-1] * step + length * g0 + m0,
            length * step - 3 * c0 - 2 * m0 + 3 * c1 - m1,
            2 * c0 + m0 - 2 * c1 + m1,
            g0,
            step,
        ], axis=1)  # fmt: skip
    usable = cell[:-1] & np.all(np.isfinite(table), axis=1)
    table[~usable] = np.nan
    return np.ascontiguousarray(np.vstack([table, np.full((1, 6), np.nan)]).T)


def _cubic_value(coef: tuple[np.ndarray, ...], w: np.ndarray) -> np.ndarray:
    return coef[0] + w * (coef[1] + w * (coef[2] + w * coef[3]))


def _coefficients(cols: Columns, j: np.ndarray, s: np.ndarray) -> tuple[np.ndarray, ...]:
    table = cols.cubics[:, j]
    return table[0] - s * table[4], table[1] - s * table[5], table[2], table[3]


def _peak(coef: tuple[np.ndarray, ...], start: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where in ``(start, 1)`` the cubic has a maximum (``w``) and whether it has one: a root
    of ``b + 2 c w + 3 d w^2`` with ``2 c + 6 d w < 0`` (stable roots)."""
    _, b, c, d = coef
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        disc = c * c - 3 * b * d
        q = -(c + np.copysign(np.sqrt(np.maximum(disc, 0.0)), c))
        first, second = q / (3 * d), b / q
        good = [(2 * c + 6 * d * root < 0) & (root > start) & (root < 1) for root in
                (first, second)]  # fmt: skip
    good = [g & np.isfinite(root) & (disc >= 0) for g, root in zip(good, (first, second),
                                                                     strict=True)]  # fmt: skip
    return np.where(good[0], first, np.where(good[1], second, 0.5)), good[0] | good[1]


def _start(cols: Columns, j: np.ndarray, s: np.ndarray) -> np.ndarray:
    """Where in the cell from column ``j`` the state ``s`` lies (0 when below it)."""
    at = cols.at
    after = np.minimum(j + 1, at.size - 1)
    width = at[after] - at[j]
    return np.clip((s - at[j]) / np.where(width > 0, width, 1.0), 0.0, 1.0)


def candidate_values(cols: Columns, j: np.ndarray, s: np.ndarray) -> np.ndarray:
    """The value of the best cutoff above each state ``s`` at column ``j`` or inside the
    cell after it (:func:`candidates`), alone: what the divide and conquer compares."""
    with np.errstate(invalid="ignore"):
        point = np.where(cols.at[j] > s, cols.line[0, j] - s * cols.line[1, j], -np.inf)
    inside = np.flatnonzero(cols.has_cell[j])
    if inside.size:
        cell, state = j[inside], s[inside]
        coef = _coefficients(cols, cell, state)
        w, peak = _peak(coef, _start(cols, cell, state))
        point[inside] = np.where(peak, np.maximum(point[inside], _cubic_value(coef, w)),
                                 point[inside])  # fmt: skip
    return point


def candidates(
    cols: Columns, j: np.ndarray, s: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The best cutoff above each state ``s`` at column ``j`` or inside the cell after it
    (the part above ``s`` of the cell that holds it). Returns the cutoff, its value (-inf
    when there is none), its offer and gain."""
    at = cols.at
    point = np.where((at[j] > s) & cols.valid[j], cols.objective(j, s, LEFT), -np.inf)
    coef = _coefficients(cols, j, s)
    w, peak = _peak(coef, _start(cols, j, s))
    inner = np.where(peak, _cubic_value(coef, w), -np.inf)
    better = inner > point
    after = np.minimum(j + 1, at.size - 1)
    cut = np.where(better, at[j] + w * (at[after] - at[j]), at[j])
    offer = np.where(better, (1 - w) * cols.offer[j, RIGHT] + w * cols.offer[after, LEFT],
                     cols.offer[j, LEFT])  # fmt: skip
    gain = np.where(better, (1 - w) * cols.gain[j, RIGHT] + w * cols.gain[after, LEFT],
                    cols.gain[j, LEFT])  # fmt: skip
    return cut, np.maximum(point, inner), offer, gain


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


def _more_acceptors(cols: Columns, s: np.ndarray, found: tuple) -> tuple:
    """Among cutoffs that are as good for the proposer and make the same offer (a flat
    stretch of the types' threshold, e.g. an atom in the last round), the one with the
    most acceptors: an indifferent proposer makes the offer that is accepted."""
    cut, value, offer, gain = (np.array(part, dtype=float) for part in found)
    sequence = np.maximum.accumulate(cols.offer[:, LEFT])
    known = np.isfinite(value) & np.isfinite(offer)
    last = np.clip(np.searchsorted(sequence, np.where(known, offer, -np.inf) + TOLERANCE,
                                   side="right") - 1, 0, cols.at.size - 1)  # fmt: skip
    same = np.abs(cols.offer[last, LEFT] - offer) <= TOLERANCE
    other = cols.line[0, last] - s * cols.line[1, last]
    with np.errstate(invalid="ignore"):
        better = known & same & cols.valid[last] & (cols.at[last] > cut)
        better &= other >= value - tie(np.where(known, value, 0.0))
    cut[better], value[better] = cols.at[last[better]], other[better]
    offer[better], gain[better] = cols.offer[last[better], LEFT], cols.gain[last[better], LEFT]
    return cut, value, offer, gain


def _with_waiting(stage: Stage, cols: Columns, s: np.ndarray, found: tuple) -> Choice:
    """Compare the best cutoff with making no acceptable offer (``c = s``). Near-ties go to
    the choice worse for the marginal type (the lower offer), then to more acceptors."""
    cut, value, offer, gain = _more_acceptors(cols, s, found)
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
    """The best cutoff at states ``s`` in the cells that hold ``[from_cut, to_cut]`` (and
    waiting), by looking at all of them."""
    at = cols.at
    low = np.maximum(np.searchsorted(at, np.maximum(from_cut, s), side="right") - 1, 0)
    high = np.minimum(np.searchsorted(at, to_cut, side="left"), at.size - 1)
    owner, j = segments(low, high - low + 1)
    where, _ = segment_argmax(candidate_values(cols, j, s[owner]), owner, s.size)
    found = _no_cutoff(s.size)
    rows = np.flatnonzero(where >= 0)
    if rows.size:
        for target, part in zip(found, candidates(cols, j[where[rows]], s[rows]), strict=True):
            target[rows] = part
    return _with_waiting(stage, cols, s, found)


def _no_cutoff(n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    return np.full(n, np.nan), np.full(n, -np.inf), np.full(n, np.nan), np.full(n, np.nan)


def all_best_cutoffs(stage: Stage, cols: Columns, s: np.ndarray) -> Choice:
    """The best cutoff at every state ``s`` (ascending).

    Divide and conquer on the monotone argmax over the columns' own values finds each
    state's best column; the best cutoff is then that column or inside a cell beside it,
    or in the cell that holds the state (whose left end, selling to nobody, is no column
    the proposer can choose): those cells are searched exactly."""
    at = cols.at
    low = np.maximum(np.searchsorted(at, s, side="right") - 1, 0)
    k, _ = monotone_argmax(
        lambda r, c: np.where(at[c] > s[r], cols.line[0, c] - s[r] * cols.line[1, c], -np.inf),
        low, np.full(s.size, at.size - 1),
    )  # fmt: skip
    best = np.where(k >= 0, k, low)
    near = np.stack([low, np.maximum(best - 1, low), best])
    owner = np.repeat(np.arange(s.size), near.shape[0])
    found = candidates(cols, near.T.ravel(), s[owner])
    values = found[1].reshape(s.size, -1)
    pick = np.argmax(values, axis=1)
    chosen = np.arange(s.size) * near.shape[0] + pick
    result = tuple(part[chosen] for part in found)
    return _with_waiting(stage, cols, s, result)
