"""The stationary equilibrium of random-proposer bargaining over a pie under unanimity,
solved in closed form, patient parties included (Baron & Ferejohn 1989; Eraslan 2002).

Under unanimity a recognised proposer buys every other party at its *price* ``P_j(x_j) =
max(floor_j, base_j + slope_j x_j)`` (:class:`~negsim.solvers.pie.Terms`, shares of the
pie) and keeps the *surplus* ``S = 1 - sum_j P_j(x_j)`` on top of its own price. So each
party's value is ``x_i = P_i(x_i) + r_i S``: ``x_i - P_i(x_i) = r_i S``, and, adding up,
the values share the whole pie, ``sum_i x_i = 1``. The left side ``h_i(x) = min(x - floor,
(1 - slope) x - base)`` is increasing for a party that discounts (``slope < 1``), so
``x_i(S) = max(floor + r_i S, (r_i S + base) / (1 - slope))``; the equilibrium is the
surplus ``S >= 0`` at which these add up to 1, one scalar root of an increasing piecewise
linear function.

A *patient* party (``slope = 1``: it neither discounts nor risks breakdown) has ``h_i(x) =
min(x - floor, c_i)``, ``c_i`` its cost of a round: it takes ``floor + r_i S`` while ``r_i
S < c_i``, and the surplus can never exceed ``c_i / r_i``. When the others' values fall
short of the pie at that cap, the surplus stops there and the patient parties whose cap
binds (and those never recognised that bear no cost) are *free*: any split of the rest of
the pie among them is stationary. With one free party the answer is still unique (it takes
the rest, as in Baron & Ferejohn's unanimity game with a patient proposer). With several
the stationary values are not unique; the split reported gives each free party its
minimum plus a share of the rest proportional to its recognition probability, which is the
limit of ever longer deadlines (backward induction from the last round) when the free
parties bear no cost of delay: each round adds ``r_i S_t`` to each of them, so their gains
over the floor stay proportional to ``r_i``. With costs this split is a choice, said in the
note.

The method does not apply, and returns None, when the prices at a zero surplus already
exceed the pie (a proposer would rather let its offer fail), or when a patient party gains
from delay (a negative cost).

References
----------
Baron, D. P. & Ferejohn, J. A. (1989). Bargaining in Legislatures. American Political
Science Review 83(4):1181-1206.
Eraslan, H. (2002). Uniqueness of Stationary Equilibrium Payoffs in the Baron-Ferejohn
Model. Journal of Economic Theory 103(1):11-30.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from negsim.format.model import TOLERANCE
from negsim.solvers.alternating import Preferences
from negsim.solvers.convergence import Convergence
from negsim.solvers.eraslan import PieEquilibrium, fixed_point_check
from negsim.solvers.pie import Pie, Terms, stationary_terms

PRECISION = 1e-17
"""The root search stops once its bracket is this narrow (shares), or 4 ulps of its end."""
ROOT_STEPS = 200
"""Cap of the root search (Brent's method)."""


@dataclass(frozen=True, eq=False)
class UnanimityEquilibrium:
    """The stationary equilibrium under unanimity (``equilibrium``) and, when it is not
    unique, each party's range of stationary values (``ranges``, utilities, ``(n_parties,
    2)``) and the ``note`` saying why; ``ranges`` is None when it is unique."""

    equilibrium: PieEquilibrium
    ranges: np.ndarray | None
    note: str


def _values(terms: Terms, r: np.ndarray, surplus: float, patient: np.ndarray) -> np.ndarray:
    """Each party's value at ``surplus`` (module docstring); patient parties at their
    minimum ``floor + r S``."""
    impatient = np.where(patient, 1.0, 1.0 - terms.slope)
    bought = terms.floor + r * surplus
    linear = (r * surplus + terms.base) / impatient
    return np.where(patient, bought, np.maximum(bought, linear))


def _ranges(
    terms: Terms,
    r: np.ndarray,
    patient: np.ndarray,
    free: np.ndarray,
    surplus: float,
    rest: float,
    short_at_zero: float,
) -> np.ndarray:
    """Each party's lowest and highest stationary value (shares, ``(n_parties, 2)``): the
    free parties never recognised (*idle*) can absorb what a lower surplus leaves, down to
    a zero surplus (``-short_at_zero``), the recognised free ones the ``rest`` at the cap."""
    idle = free & (r <= 0)
    lowest = 0.0 if idle.any() else surplus
    low = _values(terms, r, lowest, patient)
    high = _values(terms, r, surplus, patient)
    high = np.where(free & (r > 0), high + rest, high)
    high = np.where(idle, low - short_at_zero, high)
    if not idle.any() and int(free.sum()) == 1:  # the only free party takes the rest
        low = np.where(free, high, low)
    return np.stack([low, np.maximum(high, low)], axis=1)


def _surplus(excess: Callable[[float], float], cap: float) -> tuple[float, int]:
    """The surplus where the values add up to the pie (``excess`` 0, increasing), at most
    ``cap``; and the root search's evaluations."""
    from scipy.optimize import brentq

    high = cap
    if not np.isfinite(high):
        high = 1.0
        while excess(high) < 0:
            high *= 2.0
    if excess(high) <= 0:
        return high, 0
    if excess(0.0) >= 0:
        return 0.0, 0
    found, info = brentq(
        excess,
        0.0,
        high,
        xtol=PRECISION,
        rtol=4 * np.finfo(float).eps,
        maxiter=ROOT_STEPS,
        full_output=True,
        disp=False,
    )
    return float(found), int(info.function_calls)


def unanimity_pie(
    pie: Pie, prefs: Preferences, recognition: np.ndarray
) -> UnanimityEquilibrium | None:
    """The stationary equilibrium of random-proposer bargaining on ``pie`` under unanimity
    (module docstring); None when the method does not apply."""
    terms = stationary_terms(pie, prefs)
    r = np.asarray(recognition, dtype=float)
    n = r.shape[0]
    patient = terms.slope >= 1.0
    cost = np.where(patient, -terms.base, 0.0)
    if np.any(patient & (cost < 0)):
        return None
    proposing = patient & (r > 0)
    with np.errstate(over="ignore", divide="ignore"):  # a tiny recognition: no cap
        cap = float(np.min(cost[proposing] / r[proposing])) if proposing.any() else np.inf

    def excess(surplus: float) -> float:
        return float(_values(terms, r, surplus, patient).sum()) - 1.0

    if excess(0.0) > TOLERANCE:
        return None
    surplus, steps = _surplus(excess, cap)
    x = _values(terms, r, surplus, patient)
    at_cap = np.isfinite(cap) and surplus >= cap
    free = patient & (cost <= 0) & (r <= 0)
    if at_cap:
        free |= proposing & (r * cap >= cost - TOLERANCE * np.abs(cost))
    rest = max(1.0 - float(x.sum()), 0.0)
    if rest > 0 and free.any():
        weights = np.where(free & (r > 0), r, 0.0)
        if weights.sum() <= 0:
            weights = free.astype(float)
        x = x + rest * weights / weights.sum()
    ranges = _ranges(terms, r, patient, free, surplus, rest, excess(0.0))
    note = ""
    if np.any(ranges[:, 1] - ranges[:, 0] > TOLERANCE):
        costless = bool(np.all(cost[free & (r > 0)] <= 0))
        note = (
            "under unanimity, parties that neither discount nor risk breakdown can split "
            "what the others leave in many ways, each a stationary equilibrium; reported: "
            "their minimum plus a share of the rest proportional to recognition"
            + (", the limit of ever longer deadlines" if costless else "")
        )
    utility_ranges = pie.utilities(ranges.T).T if note else None
    inclusion = np.ones((n, n)) - np.eye(n)
    error, overpaid, deals = fixed_point_check(terms, r, n - 1, x, inclusion)
    if not np.all(deals | (r <= 0)):
        return None
    residual = float(max(np.max(error * pie.span), overpaid * float(pie.span.max()), 0.0))
    report = Convergence(
        "stationary equilibrium under unanimity: Brent's method on the proposers' surplus, "
        "in closed form given it (Baron & Ferejohn 1989)",
        residual <= TOLERANCE,
        steps,
        residual,
        TOLERANCE,
    )
    found_equilibrium = PieEquilibrium(pie.utilities(x), inclusion, terms.price(x), 0.0, report)
    return UnanimityEquilibrium(found_equilibrium, utility_ranges, note)
