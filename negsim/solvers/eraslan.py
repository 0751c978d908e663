"""The stationary equilibrium of random-proposer bargaining over a pie, with proposers
mixing over equally cheap partners (Eraslan 2002), solved directly.

Party ``i`` (recognition ``r_i``) values the talks at ``x_i`` shares of the pie and sells
its vote at its *price* ``P_i(x_i)`` (:class:`~negsim.solvers.pie.Terms`; ``discount *
x_i`` in Baron & Ferejohn's game). A recognised proposer buys the ``s`` cheapest others
(``s = q - 1`` for a quota of ``q`` votes), mixing over those tied at its marginal price,
and keeps the rest, so ``x_i = r_i (1 - K_i) + rho_i P_i``: ``K_i`` is what ``i`` pays as
proposer, ``rho_i = sum_k r_k pi_ki`` its probability of being bought.

Every proposer's marginal price is one common level ``theta`` (the ``s``-th or
``(s + 1)``-th lowest price): parties priced below it (``L``) are bought by every other
proposer, those at it (``T``) with the probabilities that keep their price at ``theta``,
those above it never. A proposer outside ``L`` pays ``K = sum of L's prices + (s - |L|)
theta``, one in ``L`` ``K - P_i + theta`` (it cannot buy itself). Given ``theta`` and
``K``, each party's status follows from its own terms: being priced at ``theta`` needs
``rho_i = (x_i(theta) - r_i (1 - K)) / theta``, ``L`` when that exceeds ``1 - r_i``, above
``theta`` when it is negative. So the equilibrium solves two scalar equations:

* ``K`` equals the cost above, which decreases in ``K`` (one root for each ``theta``);
* the probabilities of being bought add up to ``s``, the places each proposer fills; the
  sum grows with ``theta``, and its smallest root with ``s + 1`` parties priced at most
  ``theta`` is the marginal price.

Both are solved by Brent's method (which bisects where the second jumps, at outside
options); the statuses found there give a square linear system in ``theta``, ``K``, the
values and the tied parties' payments, solved exactly. Any ``rho`` with ``0 <= rho_i <=
1 - r_i`` and the right sum is realised by some mixing (each proposer filling its places
among the tied parties other than itself: Gale's conditions reduce to these bounds); the
mixing reported has each proposer's probabilities proportional to common weights, capped
at 1 (found by proportional fitting, a linear program if that stalls), which is uniform
when the tied parties are alike. The answer is checked as a fixed point (the values
reproduced, every proposer buying a cheapest coalition and weakly preferring it to a
rejection) and that check's residual is reported.

Eraslan (2002) shows that with discounting the stationary payoffs are unique, so the
solution found is the answer. With breakdown risk, costs and outside options the same
equations hold and the solution is checked the same way. The method does not apply, and
returns None, when a proposer would rather let its offer fail (a rejection worth more to
it than what it can keep), when the prices exceed the pie, and when the linear system is
singular. Parties priced at the same outside option, the marginal price, can share the
places at that price in many ways, each a stationary equilibrium with its own payoffs;
the one reported has them bought with equal probability. (Under unanimity with parties
who neither discount nor risk breakdown any division is stationary: the caller does not
use this method then.)

References
----------
Baron, D. P. & Ferejohn, J. A. (1989). Bargaining in Legislatures. American Political
Science Review 83(4):1181-1206.
Eraslan, H. (2002). Uniqueness of Stationary Equilibrium Payoffs in the Baron-Ferejohn
Model. Journal of Economic Theory 103(1):11-30.
Gale, D. (1957). A Theorem on Flows in Networks. Pacific Journal of Mathematics
7(2):1073-1082.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from negsim.format.model import TOLERANCE
from negsim.solvers.alternating import Preferences
from negsim.solvers.convergence import Convergence
from negsim.solvers.pie import Pie, Terms, stationary_terms

ROOT_STEPS = 200
"""Cap of each root search (Brent's method; bisection alone needs about 60 steps)."""
TINY = 1e-300
"""The lowest marginal price tried (a zero price: the partners cost nothing)."""
PRECISION = 1e-17
"""Root searches stop once their bracket is this narrow (shares), or 4 ulps of its end."""
ROUNDING = 1e-13
"""Relative slack on "the probabilities of being bought reach s": under unanimity they
reach it exactly, as a sum of ``1 - r_i`` that rounding may leave a hair short."""
STATUS_MARGIN = 1e-11
"""Prices within this (shares) of the marginal price count as tied with it."""
SINGULAR = 1e12
"""Condition number above which the statuses' linear system is treated as singular."""
FITTING_STEPS = 200
"""Cap of the proportional fitting of the proposers' mixing probabilities."""
FITTING_TOLERANCE = 1e-14
"""The fitting stops once every probability of being bought is met within this."""


@dataclass(frozen=True, eq=False)
class PieEquilibrium:
    """The stationary equilibrium on a pie: ``values`` (utilities, ``(n_parties,)``),
    ``inclusion[k, j]`` the probability that proposer ``k`` buys ``j``, ``prices``
    (shares), the marginal price ``theta`` and how it was found (``convergence``, whose
    residual is the fixed-point check's)."""

    values: np.ndarray
    inclusion: np.ndarray
    prices: np.ndarray
    theta: float
    convergence: Convergence


class _Market:
    """The two scalar equations of the module docstring, for one game."""

    def __init__(self, terms: Terms, recognition: np.ndarray, partners: int):
        self.terms = terms
        self.r = recognition
        self.s = partners
        self.discounted = terms.slope < 1
        self.inverse = np.where(
            self.discounted, 1.0 / np.where(self.discounted, 1 - terms.slope, 1.0), 0.0
        )
        self.flat = terms.slope <= 0

    def cheap_price(self, theta: float, cost: float) -> np.ndarray:
        """Each party's price if bought by everyone (``x - P(x) = r (1 - K - theta)``,
        as proposer it pays ``K - P + theta``); ``inf`` where that cannot hold."""
        t = self.terms
        target = self.r * (1.0 - cost - theta)
        rise = target + t.base
        linear = np.where(self.discounted, rise * self.inverse, np.where(rise > 0, np.inf, -np.inf))
        x = np.maximum(target + t.floor, linear)
        finite = np.isfinite(x)
        stay = t.base + t.slope * np.where(finite, x, 0.0)
        price = np.maximum(t.floor, np.where(self.flat, t.base, stay))
        return np.where(finite | self.flat, price, np.inf)

    def cost(self, theta: float) -> float:
        """``K`` at ``theta``: the root of ``K = sum of the s lowest min(cheap price,
        theta)``, whose right side decreases in ``K`` (Brent's method on the difference,
        which is increasing and piecewise linear)."""

        def excess(cost: float) -> float:
            prices = np.minimum(self.cheap_price(theta, cost), theta)
            return cost - float(np.partition(prices, self.s - 1)[: self.s].sum())

        return _root(excess, 0.0, self.s * theta) if theta > 0 else 0.0

    def needed(self, theta: float, cost: float) -> np.ndarray:
        """Each party's probability of being bought that prices it at ``theta`` (the
        largest, where its outside option makes a range), clipped to ``[0, 1 - r]``."""
        t = self.terms
        alone = self.r * (1.0 - cost)
        reachable = np.maximum(t.floor, np.where(self.flat, t.base, -np.inf)) <= theta
        value = np.where(
            self.flat,
            np.where(reachable, np.inf, -np.inf),
            (theta - t.base) / np.where(self.flat, 1.0, t.slope),
        )
        value = np.where(theta >= t.floor, value, -np.inf)
        return np.clip((value - alone) / theta, 0.0, 1.0 - self.r)

    def gap(self, theta: float) -> float:
        """Nondecreasing in ``theta`` and at least 0 exactly when ``theta`` is at least the
        marginal price: the parties' probabilities of being bought reach ``s`` (up to
        rounding: under unanimity they reach it exactly, as a sum of ``1 - r_i``), and
        ``s + 1`` parties are priced at ``theta`` or below (a cheap proposer buys ``s``
        others)."""
        cost = self.cost(theta)
        bought = float(self.needed(theta, cost).sum()) - self.s * (1 - ROUNDING)
        alone = self.terms.price(self.r * (1.0 - cost))
        return bought if np.sum(alone <= theta) >= self.s + 1 else min(bought, -1.0)


def _root(function: Callable[[float], float], low: float, high: float) -> float:
    """Brent's method to the last bit for an increasing ``function``: ``low`` or ``high``
    when rounding leaves no sign change between them."""
    from scipy.optimize import brentq

    if function(high) <= 0:
        return high
    if function(low) >= 0:
        return low

    found = brentq(
        function,
        low,
        high,
        xtol=PRECISION,
        rtol=4 * np.finfo(float).eps,
        maxiter=ROOT_STEPS,
        disp=False,
    )
    return float(found)


def _marginal_price(market: _Market) -> tuple[float, int] | None:
    """The smallest ``theta`` in ``(0, 1]`` with :meth:`_Market.gap` at least 0 (Brent's
    method, bisecting where the gap jumps), and the evaluations it took; None when even
    ``theta = 1`` (the whole pie) falls short."""
    from scipy.optimize import brentq

    if market.gap(1.0) < 0:
        return None
    if market.gap(TINY) >= 0:  # the marginal partners cost nothing
        return TINY, 2
    found, info = brentq(
        market.gap,
        TINY,
        1.0,
        xtol=PRECISION,
        rtol=4 * np.finfo(float).eps,
        full_output=True,
        maxiter=ROOT_STEPS,
        disp=False,
    )
    theta = float(found)
    if market.gap(theta) < 0:  # the root's other side: the smallest theta that qualifies
        theta = min(theta + max(PRECISION, 4 * np.finfo(float).eps * theta), 1.0)
    return theta, 2 + int(info.function_calls)


@dataclass(frozen=True)
class _Statuses:
    """Boolean masks ``(n_parties,)``: ``cheap`` (L, priced below the marginal price),
    ``tied`` (T, priced at it; the rest are priced above it), ``pinned`` (tied at its
    outside option, which is the marginal price: its value is free) and ``floor`` (cheap
    at its outside option)."""

    cheap: np.ndarray
    tied: np.ndarray
    pinned: np.ndarray
    floor: np.ndarray


def _statuses(market: _Market, theta: float, cost: float) -> _Statuses:
    """Each party's status at the marginal price ``theta`` and cost ``K`` (the module
    docstring), prices within :data:`STATUS_MARGIN` of ``theta`` counting as tied; a party
    recognised with probability 1 is never bought, so it is priced above (the caller moves
    it to the cheap parties when its price turns out below ``theta``: proposers who are
    never recognised would buy it first)."""
    t = market.terms
    cheap_price = market.cheap_price(theta, cost)
    cheap = cheap_price < theta - STATUS_MARGIN
    alone_price = t.price(market.r * (1.0 - cost))
    tied = ~cheap & (alone_price <= theta + STATUS_MARGIN)
    never = market.r >= 1.0  # the only proposer: nobody ever buys it
    cheap &= ~never
    tied &= ~never
    pinned = tied & (np.abs(t.floor - theta) <= STATUS_MARGIN)
    pinned &= t.stay(market.r * (1.0 - cost)) < t.floor - STATUS_MARGIN
    with np.errstate(invalid="ignore"):
        floor = cheap & (cheap_price <= t.floor + STATUS_MARGIN)
    return _Statuses(cheap, tied, pinned, floor)


def _exact(
    market: _Market, status: _Statuses
) -> tuple[float, float, np.ndarray, np.ndarray] | None:
    """The linear system of the statuses: unknowns ``theta``, ``K``, every ``x`` and, for
    each tied party, ``y = rho * theta`` (what it is paid on average). Returns ``(theta,
    K, x, rho)``, or None when the system is singular."""
    t, r, s, n = market.terms, market.r, market.s, market.r.shape[0]
    tied = np.flatnonzero(status.tied)
    cheap = np.flatnonzero(status.cheap)
    size = 2 + n + tied.size
    matrix, rhs = np.zeros((size, size)), np.zeros(size)
    row = 0
    # K = sum of the cheap parties' prices + (s - |L|) theta
    matrix[row, 1], matrix[row, 0] = 1.0, -(s - cheap.size)
    for j in cheap:
        if status.floor[j]:
            rhs[row] += t.floor[j]
        else:
            matrix[row, 2 + j] -= t.slope[j]
            rhs[row] += t.base[j]
    row += 1
    for i in range(n):
        matrix[row, 2 + i] = 1.0
        if status.cheap[i]:  # x - P(x) = r (1 - K - theta)
            matrix[row, 1] = matrix[row, 0] = r[i]
            if status.floor[i]:
                rhs[row] = r[i] + t.floor[i]
            else:
                matrix[row, 2 + i] = 1.0 - t.slope[i]
                rhs[row] = r[i] + t.base[i]
        else:  # x = r (1 - K) + y (y = 0 above theta)
            matrix[row, 1], rhs[row] = r[i], r[i]
        row += 1
    first_pinned = None
    for k, i in enumerate(tied.tolist()):
        matrix[1 + i, 2 + n + k] = -1.0  # the x row of party i gets -y
        if status.pinned[i] and first_pinned is None:
            matrix[row, 0], rhs[row], first_pinned = 1.0, t.floor[i], k
        elif status.pinned[i]:  # tied at the same option: bought as often as the first
            matrix[row, 2 + n + k], matrix[row, 2 + n + first_pinned] = 1.0, -1.0
        else:  # its price is theta
            matrix[row, 2 + i], matrix[row, 0], rhs[row] = t.slope[i], -1.0, -t.base[i]
        row += 1
    # the tied parties are paid for the places left at theta: sum y = theta * demand
    demand = (s - cheap.size) * r.sum() + r[cheap].sum()
    matrix[row, 2 + n : 2 + n + tied.size] = 1.0
    matrix[row, 0] = -demand
    if not np.linalg.cond(matrix) < SINGULAR:
        return None  # the values are not pinned down (module docstring)
    solution = np.linalg.solve(matrix, rhs)
    theta, cost, x = float(solution[0]), float(solution[1]), solution[2 : 2 + n]
    rho = np.zeros(n)
    rho[status.cheap] = 1.0 - r[status.cheap]
    if theta > 0:
        rho[tied] = solution[2 + n :] / theta
    return theta, cost, x, rho


def _places(status: _Statuses, partners: int) -> np.ndarray:
    """Places each proposer fills at the marginal price: ``s - |L|``, one more for a
    cheap proposer (it cannot buy itself)."""
    return (partners - int(status.cheap.sum())) + status.cheap.astype(int)


def _capped(weights: np.ndarray, allowed: np.ndarray, places: np.ndarray) -> np.ndarray:
    """Row ``k``: ``min(1, lambda_k * weights)`` over its ``allowed`` columns, with
    ``lambda_k`` chosen so the row sums to ``places[k]`` (water-filling: the ``c``
    heaviest columns are capped at 1 for the smallest ``c`` that leaves the rest below
    1)."""
    m = allowed.shape[1]
    w = np.where(allowed, weights[None, :], 0.0)
    order = np.argsort(-w, axis=1, kind="stable")
    heaviest = np.take_along_axis(w, order, axis=1)
    tail = np.cumsum(heaviest[:, ::-1], axis=1)[:, ::-1]  # tail[:, c]: all but the c heaviest
    capped = np.arange(m)[None, :]
    need = places[:, None].astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = (need - capped) / tail
        valid = (capped < need) & (scale * heaviest <= 1.0 + 1e-15) & (tail > 0)
    first = np.argmax(valid, axis=1)
    chosen = scale[np.arange(w.shape[0]), first]
    result = np.minimum(1.0, chosen[:, None] * w)
    full = ~valid.any(axis=1) | (places >= allowed.sum(axis=1))
    result[full] = allowed[full].astype(float)
    result[places <= 0] = 0.0
    return np.where(allowed, result, 0.0)


def _mixing(
    r: np.ndarray, status: _Statuses, rho: np.ndarray, theta: float, partners: int
) -> tuple[np.ndarray, int]:
    """``inclusion[k, j]``: the cheap parties always (but by themselves), the tied ones
    with probabilities realising ``rho``, the others never. Returns it and the fitting
    steps taken."""
    n = r.shape[0]
    inclusion = np.zeros((n, n))
    inclusion[:, status.cheap] = 1.0
    np.fill_diagonal(inclusion, 0.0)
    tied = np.flatnonzero(status.tied)
    if tied.size == 0:
        return inclusion, 0
    allowed = np.ones((n, tied.size), dtype=bool)
    allowed[tied, np.arange(tied.size)] = False
    places = _places(status, partners)
    if theta <= STATUS_MARGIN:  # the tied parties cost nothing: any mix will do
        counts = allowed.sum(axis=1)
        inclusion[:, tied] = allowed * np.minimum(1.0, places / np.maximum(counts, 1))[:, None]
        return inclusion, 0
    target = rho[tied]
    weights = np.maximum(target, 1e-300)
    steps = 0
    block = _capped(weights, allowed, places)
    while steps < FITTING_STEPS:
        bought = r @ block
        if np.max(np.abs(bought - target)) <= FITTING_TOLERANCE:
            break
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(bought > 0, target / bought, 1.0)
        weights = np.maximum(weights * ratio, 1e-300)
        block = _capped(weights / weights.max(), allowed, places)
        steps += 1
    if np.max(np.abs(r @ block - target)) > FITTING_TOLERANCE:
        solved = _transport(r, allowed, places, target)
        block = block if solved is None else solved
    inclusion[:, tied] = block
    return inclusion, steps


def _transport(
    r: np.ndarray, allowed: np.ndarray, places: np.ndarray, target: np.ndarray
) -> np.ndarray | None:
    """The mixing probabilities as a linear program (any feasible ones)."""
    from negsim.solvers.lp import solve_lp

    n, m = allowed.shape
    cells = np.argwhere(allowed)
    rows = np.zeros((n + m, cells.shape[0]))
    for index, (k, j) in enumerate(cells):
        rows[k, index] = 1.0
        rows[n + j, index] = r[k]
    result = solve_lp(
        np.zeros(cells.shape[0]),
        equality=rows,
        equality_bounds=np.concatenate([places.astype(float), target]),
        bounds=[(0.0, 1.0)] * cells.shape[0],
        simplex=True,
    )
    if result.status != 0:
        return None
    block = np.zeros((n, m))
    block[cells[:, 0], cells[:, 1]] = np.clip(result.x, 0.0, 1.0)
    return block


def fixed_point_check(
    terms: Terms, r: np.ndarray, partners: int, x: np.ndarray, inclusion: np.ndarray
) -> tuple[np.ndarray, float, np.ndarray]:
    """The fixed-point check, in shares: each party's error ``|x - E[share]|`` and each
    proposer's overpayment over the cheapest coalition. Returns ``(error, worst
    overpayment, deals)``, ``deals[k]`` whether proposer ``k`` weakly prefers its
    coalition to a rejection (within the format's tolerance, in shares of party ``k``)."""
    n = r.shape[0]
    prices = terms.price(x)
    paid = inclusion @ prices
    cheapest = np.array([np.sort(np.delete(prices, k))[:partners].sum() for k in range(n)])
    own = 1.0 - paid
    deals = (own >= terms.stay(x) - TOLERANCE) & (own >= -TOLERANCE)
    share = r * own + (r @ inclusion) * prices
    return np.abs(x - share), float(np.max(paid - cheapest)), deals


def stationary_pie(
    pie: Pie, prefs: Preferences, recognition: np.ndarray, partners: int
) -> PieEquilibrium | None:
    """The stationary equilibrium of random-proposer bargaining on ``pie`` when every
    recognised proposer makes an offer that ``partners`` others accept (module docstring);
    None when that premise fails."""
    terms = stationary_terms(pie, prefs)
    market = _Market(terms, np.asarray(recognition, dtype=float), partners)
    found = _marginal_price(market)
    if found is None:
        return None
    theta, steps = found
    status = _statuses(market, theta, market.cost(theta))
    if status.cheap.sum() > partners:
        return None
    solved = _exact(market, status)
    if solved is None:
        return None
    theta, _, x, rho = solved
    below = (market.r >= 1.0) & (terms.price(x) < theta - STATUS_MARGIN)
    if below.any():  # the only proposer, priced below theta: the others would buy it first
        status = replace(status, cheap=status.cheap | below)
        solved = _exact(market, status)
        if solved is None:
            return None
        theta, _, x, rho = solved
    rho = np.clip(rho, 0.0, 1.0 - market.r)
    inclusion, fitting = _mixing(market.r, status, rho, theta, partners)
    error, overpaid, deals = fixed_point_check(terms, market.r, partners, x, inclusion)
    if not np.all(deals | (market.r <= 0)):
        return None
    residual = float(max(np.max(error * pie.span), overpaid * float(pie.span.max()), 0.0))
    report = Convergence(
        "stationary equilibrium: Brent's method on the marginal price, then an exact linear "
        "solve and proportional fitting of the mixing (Eraslan 2002)",
        residual <= TOLERANCE,
        steps + fitting,
        residual,
        TOLERANCE,
    )
    return PieEquilibrium(pie.utilities(x), inclusion, terms.price(x), theta, report)
