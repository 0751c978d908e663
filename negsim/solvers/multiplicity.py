"""Other subgame-perfect outcomes of alternating offers with three or more parties and no
deadline (Shaked's example; Herrero 1985; Osborne & Rubinstein 1990, section 3.13).

With two parties the equilibrium of alternating offers is unique (Rubinstein 1982). With
three or more it is not once the parties are patient enough: an agreement ``x`` can be
sustained by threats alone. Whenever a proposer departs from ``x``, some responder ``j``
rejects, and play moves to the agreement best for ``j``; whenever a party departs in another
way, play moves to the agreement worst for it. For three parties sharing a pie with a common
discount factor ``delta``, every division is an equilibrium outcome when ``delta >= 1/2``.

This module applies the same construction to any offer set, discounting, fixed costs,
breakdown risk and outside options:

1. The supported agreements ``S``: the largest set of offers ``x`` with, for every party,
   ``x_i >= b_i = p d_i + (1 - p)(delta_i m_i - c_i)`` (and at least the outside option
   for a responder), where ``m_i`` is party ``i``'s lowest utility over ``S``: a party that
   deviates is punished with its worst agreement in ``S``, one round later. Found by
   shrinking the offer set until the bounds stop moving.
2. The threat works when, for every proposer ``k``, no offer gives every responder ``j``
   more than ``R_j = p d_j + (1 - p)(delta_j M_j - c_j)`` (or its outside option), with
   ``M_j`` its best utility over ``S``: then every departure has a responder who rejects it,
   rewarded with its best agreement in ``S``.

When both hold and ``S`` holds more than one utility vector, every agreement in ``S`` is a
subgame-perfect equilibrium outcome (agreed at once), and the stationary equilibrium is one
of them. The condition is sufficient, not necessary: where it fails other equilibria may
still exist, but this construction does not find them.

References
----------
Rubinstein, A. (1982). Perfect Equilibrium in a Bargaining Model. Econometrica 50(1):97-109.
Herrero, M. J. (1985). N-player Bargaining and Involuntary Unemployment. PhD thesis, London
School of Economics.
Osborne, M. J. & Rubinstein, A. (1990). Bargaining and Markets. Academic Press, section 3.13.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from negsim.format.model import TOLERANCE
from negsim.solvers.alternating import Preferences

MAX_ROUNDS = 200
"""Cap on the shrinking of the supported set (each round raises some bound or stops)."""


@dataclass(frozen=True, eq=False)
class SupportedAgreements:
    """The agreements the construction sustains: each party's lowest and highest utility
    over them (``ranges``, ``(n_parties, 2)``) and the thresholds ``rejecting`` (``R_j``)
    that make every departure rejected."""

    ranges: np.ndarray
    rejecting: np.ndarray


def _extremes_over_pure(points: np.ndarray, floors: np.ndarray) -> np.ndarray | None:
    """Per party, the lowest and highest utility over the points meeting every floor."""
    inside = np.all(points >= floors[:, None] - TOLERANCE, axis=0)
    if not inside.any():
        return None
    kept = points[:, inside]
    return np.stack([kept.min(axis=1), kept.max(axis=1)], axis=1)


def _extremes_over_hull(vertices: np.ndarray, floors: np.ndarray) -> np.ndarray | None:
    """Per party, the lowest and highest utility over the lotteries of ``vertices`` meeting
    every floor (two linear programs per party)."""
    from negsim.solvers.lp import solve_lp

    n, m = vertices.shape
    extremes = np.zeros((n, 2))
    bound = np.isfinite(floors)
    for party in range(n):
        for column, sign in ((0, 1.0), (1, -1.0)):
            result = solve_lp(
                sign * vertices[party],
                upper=-vertices[bound] if bound.any() else None,
                upper_bounds=-(floors[bound] - TOLERANCE) if bound.any() else None,
                equality=np.ones((1, m)),
                equality_bounds=[1.0],
                bounds=[(0.0, None)] * m,
            )
            if result.status != 0:
                return None
            extremes[party, column] = sign * result.fun
    return extremes


def _someone_beats_all(
    points: np.ndarray, proposer: int, thresholds: np.ndarray, lotteries: bool
) -> bool:
    """Whether some offer gives every responder of ``proposer`` more than its threshold (by
    more than the tolerance)."""
    responders = [j for j in range(points.shape[0]) if j != proposer]
    if not lotteries:
        gains = points[responders] - thresholds[responders, None]
        return bool(np.any(np.all(gains > TOLERANCE, axis=0)))
    from negsim.solvers.lp import solve_lp

    m = points.shape[1]
    # maximize t subject to V_j w - t >= R_j for every responder, w a lottery
    cost = np.zeros(m + 1)
    cost[-1] = -1.0
    upper = np.hstack([-points[responders], np.ones((len(responders), 1))])
    equality = np.hstack([np.ones((1, m)), np.zeros((1, 1))])
    result = solve_lp(
        cost,
        upper=upper,
        upper_bounds=-thresholds[responders],
        equality=equality,
        equality_bounds=[1.0],
        bounds=[(0.0, None)] * m + [(None, None)],
    )
    return bool(result.status == 0 and -result.fun > TOLERANCE)


def _punishment(prefs: Preferences, values: np.ndarray) -> np.ndarray:
    """What a party gets one round later when play moves to the agreement worth
    ``values`` to it: breakdown to disagreement, else the discounted value less the cost."""
    p = prefs.breakdown_risk
    return p * prefs.disagreement + (1 - p) * (prefs.discount * values - prefs.cost)


def supported_agreements(
    points: np.ndarray, prefs: Preferences, first: int, lotteries: bool
) -> SupportedAgreements | None:
    """The agreements the construction of the module docstring sustains, or None when it
    sustains at most one utility vector or some departure cannot be deterred.

    ``points`` ``(n_parties, m)``: the offer set (single packages, or the vertices of the
    hull when ``lotteries``); ``first`` proposes in round 0 (it has no outside option to
    take, so only the responders' outside options raise the floors).
    """
    n = points.shape[0]
    extremes_of = _extremes_over_hull if lotteries else _extremes_over_pure
    outside = np.where(np.isnan(prefs.outside), -np.inf, prefs.outside)
    responder_outside = np.where(np.arange(n) == first, -np.inf, outside)
    # a floor that binds rises to the fixed point of m = p d + (1 - p)(delta m - c): jumping
    # there settles in a few rounds what raising it round by round would approach forever
    factor = (1 - prefs.breakdown_risk) * prefs.discount
    with np.errstate(divide="ignore", invalid="ignore"):
        fixed = np.where(factor < 1, _punishment(prefs, np.zeros(n)) / (1 - factor), -np.inf)
    extremes = extremes_of(points, np.full(n, -np.inf))
    for _ in range(MAX_ROUNDS):
        if extremes is None:
            return None
        floors = np.maximum(_punishment(prefs, extremes[:, 0]), responder_outside)
        narrowed = extremes_of(points, floors)
        if narrowed is None:
            return None
        binding = narrowed[:, 0] <= floors + TOLERANCE
        narrowed[:, 0] = np.where(binding, np.maximum(narrowed[:, 0], fixed), narrowed[:, 0])
        settled = bool(np.all(np.abs(narrowed - extremes) <= TOLERANCE))
        extremes = narrowed
        if settled:
            break
    else:
        return None  # the bounds kept rising: no claim is made
    if np.all(extremes[:, 1] - extremes[:, 0] <= TOLERANCE):
        return None
    rejecting = np.maximum(_punishment(prefs, extremes[:, 1]), outside)
    if any(_someone_beats_all(points, k, rejecting, lotteries) for k in range(n)):
        return None
    return SupportedAgreements(extremes, rejecting)
