"""A round's plan from its best cutoffs on the grid: where between two grid states the
proposer switches from one best cutoff to another (:func:`solve_round`).

Between two states whose best cutoffs ``A < B`` are separate optima (a step or kink of
``pi`` lies between them, or one of them sells to nobody) the proposer's value is the
upper envelope of two branches, each linear in the state for a fixed cutoff. They cross at
a state ``b``: the plan gets a knot there, with the ``A`` side at ``b`` (the choice worse
for the marginal type: Fudenberg, Levine & Tirole 1985) and the ``B`` side to its right.
Whether ``A`` and ``B`` are separate is tested at ``b``: if some cutoff (between the two
rows' cutoffs, by monotonicity) does better there, the best cutoff moves continuously
through the gap, or a third one takes over, and ``b`` becomes an ordinary knot instead,
whose own neighbours are examined in the next pass.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, replace

import numpy as np

from negsim.solvers.screening_model import ScreeningProblem
from negsim.solvers.screening_plan import LEFT, RIGHT, Plan
from negsim.solvers.screening_round import (
    PASSES,
    SAME,
    Choice,
    Columns,
    Stage,
    all_best_cutoffs,
    best_cutoffs,
    build_columns,
    noise,
    offered,
)


@dataclass(eq=False)
class Knots:
    """A growing table of knots (unsorted), two-sided like :class:`Plan`."""

    state: np.ndarray
    cutoff: np.ndarray
    offer: np.ndarray
    value: np.ndarray
    slope: np.ndarray

    @classmethod
    def from_choice(cls, stage: Stage, choice: Choice) -> Knots:
        """Knots at the chosen states: the offer made (what the responder gets from it) and
        the slope ``-pi`` of a cutoff that sells; selling to nobody, the marginal type's
        price of waiting and ``C_t'``."""
        s = choice.state
        made = offered(stage.problem, np.where(choice.accepts, choice.offer, 0.0))
        offer = np.repeat(made[:, None], 2, axis=1)
        slope = np.repeat(-choice.gain[:, None], 2, axis=1)
        waits = np.flatnonzero(~choice.accepts)
        if waits.size:
            at = s[waits]
            offer[waits] = stage.both_offers(at)
            slope[waits] = np.stack([stage.rest_slope(at, LEFT), stage.rest_slope(at, RIGHT)],
                                    axis=1)  # fmt: skip
        return cls(
            s.copy(),
            np.stack([choice.cutoff, choice.cutoff], axis=1),
            offer,
            choice.value.copy(),
            slope,
        )

    def extend(self, other: Knots) -> None:
        for name in ("state", "cutoff", "offer", "value", "slope"):
            setattr(self, name, np.concatenate([getattr(self, name), getattr(other, name)]))


@dataclass(frozen=True, eq=False)
class Branch:
    """One side of a switch at states ``at``: the cutoff's value, slope and offer."""

    cutoff: np.ndarray
    value: np.ndarray
    slope: np.ndarray
    offer: np.ndarray


def _branch(stage: Stage, knots: Knots, row: np.ndarray, side: int, at: np.ndarray) -> Branch:
    """The branch that row ``row`` chose on its ``side``, evaluated at states ``at``: a
    fixed cutoff is a line in the state; selling to nobody follows ``C_t``."""
    cut = knots.cutoff[row, side].copy()
    slope = knots.slope[row, side].copy()
    value = knots.value[row] + slope * (at - knots.state[row])
    offer = knots.offer[row, side].copy()
    waits = np.flatnonzero(cut <= knots.state[row])
    if waits.size:
        where, other = at[waits], 1 - side
        cut[waits] = where
        value[waits] = stage.rest(where)
        slope[waits] = stage.rest_slope(where, other)
        offer[waits] = stage.offers(where, other)
    return Branch(cut, value, slope, offer)


def _needs_look(cols: Columns, knots: Knots, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Pairs of neighbouring states whose best cutoffs may be separate optima: not both
    selling to nobody, not the same cutoff, not two cutoffs on one smooth stretch."""
    a, b = knots.cutoff[left, RIGHT], knots.cutoff[right, LEFT]
    sells_a, sells_b = a > knots.state[left], b > knots.state[right]
    at = cols.at
    inside = np.searchsorted(at, b, side="left") - np.searchsorted(at, a, side="right")
    rough = np.concatenate([[0], np.cumsum(~cols.smooth)])
    kinks = rough[np.searchsorted(at, b, side="right")] - rough[np.searchsorted(at, a, "left")]
    smooth = sells_a & sells_b & (kinks == 0) & (inside <= 2)
    return (sells_a | sells_b) & ~(sells_a & sells_b & (a == b)) & ~smooth


def _crossing(stage: Stage, knots: Knots, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """The state between two rows where their branches are worth the same (Newton steps on
    the difference; exact for two fixed cutoffs)."""
    s0, s1 = knots.state[left], knots.state[right]
    cut_a = knots.cutoff[left, RIGHT]
    top = np.where(cut_a > s0, np.minimum(s1, cut_a), s1)  # a cutoff is only offered from below
    a_end = _branch(stage, knots, left, RIGHT, top)
    b_start = _branch(stage, knots, right, LEFT, s0)
    b_end = _branch(stage, knots, right, LEFT, top)
    at = np.where(a_end.value >= b_end.value - noise(b_end.value), top, s0)
    unresolved = (a_end.value < b_end.value - noise(b_end.value)) & (
        b_start.value < knots.value[left] - noise(knots.value[left])
    )
    waits = (knots.cutoff[left, RIGHT] <= s0) | (knots.cutoff[right, LEFT] <= s1)
    for iteration in range(4):
        move = np.flatnonzero(unresolved & (waits | (iteration == 0)))
        if move.size == 0:
            break
        a = _branch(stage, knots, left[move], RIGHT, at[move])
        b = _branch(stage, knots, right[move], LEFT, at[move])
        step = (a.value - b.value) / np.where(a.slope < b.slope, a.slope - b.slope, -1.0)
        at[move] = np.clip(at[move] - step, s0[move], top[move])
    return at


def _resolve(stage: Stage, cols: Columns, knots: Knots, left: np.ndarray, right: np.ndarray):
    """One pass over pairs of rows: switches found (with the rows beside them) and pairs
    to look at again around the new knots."""
    at = _crossing(stage, knots, left, right)
    a = _branch(stage, knots, left, RIGHT, at)
    b = _branch(stage, knots, right, LEFT, at)
    # the best cutoff at ``at`` lies between the two rows' (it is monotone in the state)
    low, high = knots.cutoff[left, RIGHT], knots.cutoff[right, LEFT]
    between = best_cutoffs(stage, cols, at, low, high)
    level = np.maximum(a.value, b.value)
    return at, a, b, between, between.value <= level + noise(level)


def _apply_switches(knots: Knots, left, right, at, a: Branch, b: Branch) -> Knots:
    """Write clean switches: onto the row when the switch is at it, else as new knots."""
    at_left = at - knots.state[left] <= SAME
    at_right = ~at_left & (knots.state[right] - at <= SAME)
    for rows, side, branch, mask in ((left, RIGHT, b, at_left), (right, LEFT, a, at_right)):
        r = rows[mask]
        knots.cutoff[r, side] = branch.cutoff[mask]
        knots.offer[r, side] = branch.offer[mask]
        knots.slope[r, side] = branch.slope[mask]
    new = ~at_left & ~at_right
    return Knots(
        at[new],
        np.stack([a.cutoff[new], b.cutoff[new]], axis=1),
        np.stack([a.offer[new], b.offer[new]], axis=1),
        np.maximum(a.value[new], b.value[new]),
        np.stack([a.slope[new], b.slope[new]], axis=1),
    )


def locate_switches(stage: Stage, cols: Columns, knots: Knots) -> tuple[Knots, np.ndarray]:
    """All knots of a round: its rows plus the switches between them (module docstring);
    and the states around which the plan may not be smooth (the ends of every pair of
    rows whose cutoffs were not on one smooth stretch)."""
    _probe_waiting(stage, cols, knots)
    order = np.argsort(knots.state, kind="stable")
    left, right = order[:-1], order[1:]
    found: list[Knots] = []
    rough: list[np.ndarray] = []
    for _ in range(PASSES):
        look = _needs_look(cols, knots, left, right)
        left, right = left[look], right[look]
        if left.size == 0:
            break
        rough.append(knots.state[np.concatenate([left, right])])
        at, a, b, between, clean = _resolve(stage, cols, knots, left, right)
        found.append(_apply_switches(knots, left[clean], right[clean], at[clean],
                                     _take(a, clean), _take(b, clean)))  # fmt: skip
        stay = ~clean
        if not stay.any():
            break
        added = Knots.from_choice(stage, _take_choice(between, stay))
        start = knots.state.size
        knots.extend(added)
        new = np.arange(start, start + added.state.size)
        left = np.concatenate([left[stay], new])
        right = np.concatenate([new, right[stay]])
    for part in found:
        knots.extend(part)
        rough.append(part.state)
    return knots, np.concatenate([np.zeros(0), *rough])


PROBES = (0.25, 0.5, 0.75)
"""Where between two states that sell to nobody the proposer is asked again."""


def _probe_waiting(stage: Stage, cols: Columns, knots: Knots) -> None:
    """Between two neighbouring states where the proposer sells to nobody, it may still
    sell: look at a few states in between (its best cutoff there lies between the two, by
    monotonicity) and add those where it does as rows."""
    order = np.argsort(knots.state, kind="stable")
    state = knots.state[order]
    waits = knots.cutoff[order, LEFT] <= state
    pair = np.flatnonzero(waits[:-1] & waits[1:] & (np.diff(state) > 4 * SAME))
    if pair.size == 0:
        return
    low, high = state[pair], state[pair + 1]
    at = (low[:, None] + (high - low)[:, None] * np.array(PROBES)[None, :]).ravel()
    top = np.repeat(high, len(PROBES))
    choice = best_cutoffs(stage, cols, at, at, top)
    sells = choice.accepts
    if sells.any():
        knots.extend(Knots.from_choice(stage, _take_choice(choice, sells)))


def _take(branch: Branch, mask: np.ndarray) -> Branch:
    return Branch(branch.cutoff[mask], branch.value[mask], branch.slope[mask], branch.offer[mask])


def _take_choice(choice: Choice, mask: np.ndarray) -> Choice:
    return replace(
        choice,
        state=choice.state[mask],
        cutoff=choice.cutoff[mask],
        value=choice.value[mask],
        offer=choice.offer[mask],
        gain=choice.gain[mask],
    )


def solve_round(
    problem: ScreeningProblem, t: int, nodes: np.ndarray, rough: np.ndarray, following: Plan | None
) -> tuple[Plan, Columns, Stage]:
    """Round ``t``'s plan for every state, given the next round's (None in the last).
    ``nodes`` is the quantile grid; ``rough`` the grid points where the type changes
    abruptly (the ends of atoms). Knots where this or a later round's plan is not smooth
    are special cutoffs of the round before."""
    stage = Stage(problem, t, following)
    points, inherited = nodes, nodes[rough]
    if following is not None:
        points = np.union1d(nodes, following.states)
        inherited = np.union1d(inherited, following.states[following.rough])
    cols = build_columns(stage, points, np.isin(points, inherited))
    knots = Knots.from_choice(stage, all_best_cutoffs(stage, cols, points))
    knots, uneven = locate_switches(stage, cols, knots)
    order = np.argsort(knots.state, kind="stable")
    states = knots.state[order]
    rough_knots = np.isin(states, np.union1d(inherited, uneven))
    offer = knots.offer[order]
    if not problem.steps:  # with single packages the slope of P never enters a choice
        offer = smooth_offers(states, knots.cutoff[order], offer, rough_knots, nodes)
    plan = Plan(
        states, knots.cutoff[order], offer, knots.value[order], knots.slope[order], rough_knots
    )
    return plan, cols, stage


SMOOTHING = 0.02
"""Half the width (in mass) of the local cubic fit that smooths the offer function."""


@functools.cache
def _cubic_fit(width: int) -> np.ndarray:
    """The matrix that maps ``width`` equally spaced values to their least-squares cubic,
    evaluated at the same points (Savitzky & Golay 1964)."""
    x = np.linspace(-1.0, 1.0, width)
    basis = np.vander(x, min(4, width), increasing=True)
    return basis @ np.linalg.pinv(basis)


def _smooth_run(values: np.ndarray, half: int) -> np.ndarray:
    """Local cubic least squares over ``2 half + 1`` equally spaced values (fewer near the
    ends of the run, where the fit is one-sided)."""
    width = min(2 * half + 1, values.size - (values.size % 2 == 0))
    fit = _cubic_fit(width)
    middle = width // 2
    result = np.convolve(values, fit[middle][::-1], mode="same")
    result[:middle] = fit[:middle] @ values[:width]
    result[-middle:] = fit[middle + 1 :] @ values[-width:]
    return result


def smooth_offers(
    states: np.ndarray, cutoff: np.ndarray, offer: np.ndarray, rough: np.ndarray,
    nodes: np.ndarray,
) -> np.ndarray:  # fmt: skip
    """The offer function ``P`` with rounding removed where the best cutoff moves smoothly.

    The round before needs the slope of ``P`` (its first-order condition), and a slope
    taken between neighbouring grid states turns rounding in ``P`` into errors ``1/h``
    times larger; over many rounds they grow without bound. On each run of grid states
    between rough knots where the proposer sells at an interior cutoff, ``P`` is replaced
    by a local cubic least-squares fit over a window of fixed mass (Savitzky & Golay
    1964): cubic pieces of ``P`` are kept exactly, rounding is averaged out. (With single
    packages ``pi`` is flat between its steps and the slope of ``P`` never enters.)"""
    selling = (cutoff[:, LEFT] > states) & (offer[:, LEFT] == offer[:, RIGHT])
    breaks = rough | ~selling
    member = ~breaks & np.isin(states, nodes)
    run = np.cumsum(breaks)
    result = offer.copy()
    half = max(3, round(SMOOTHING * (nodes.size - 1)))
    labels = run[member]
    positions = np.flatnonzero(member)
    starts = np.flatnonzero(np.r_[True, labels[1:] != labels[:-1]])
    ends = np.r_[starts[1:], labels.size]
    for start, end in zip(starts, ends, strict=True):
        inside = positions[start:end]
        if inside.size < 7 or cutoff[inside[0], LEFT] == cutoff[inside[-1], LEFT]:
            continue  # too short to smooth, or the same cutoff throughout
        smoothed = _smooth_run(offer[inside, LEFT], half)
        span = np.arange(inside[0], inside[-1] + 1)
        between = span[~breaks[span]]
        values = np.interp(states[between], states[inside], smoothed)
        result[between, LEFT] = result[between, RIGHT] = values
    return result
