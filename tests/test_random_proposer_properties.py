"""Property tests of random-proposer stationary equilibria (Baron & Ferejohn 1989; Eraslan
2002): for random recognition vectors and discount factors, 3 to 9 parties, majority and
unanimity, the values negsim reports are a fixed point of the game's one-round map in
which every choice is a best reply:

* each coalition a proposer buys (with positive probability) gives it as much as the best
  coalition of the size its rule requires, found here by brute force over every coalition,
  and at least what a rejection would give it (its offer is optimal);
* each partner is offered at least its value of rejecting, so accepting is a best reply
  (responders accept when indifferent);
* the values are the expectation, over who is recognised and which coalition it picks, of
  the outcomes (the values are a fixed point);
* each proposer's coalition probabilities sum to 1 and its partners' probabilities lie in
  [0, 1].

The checks use the offer set's own linear program (``HullOffers.best_for``) for each
coalition bought, and the pie's closed form (a partner costs the share that gives it its
value of rejecting) for the brute force, so they do not rely on the solver's sorting or
price thresholds.

Tolerance: 1e-9, the format's comparison tolerance (utilities within it are equal, for
acceptance too), times a few where errors can add up over the parties (the expectation
sums ``n`` terms); the solver's own residual is typically below 1e-14.
"""

from __future__ import annotations

from itertools import combinations
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, reject, settings
from hypothesis import strategies as st
from strategies import examples

from negsim.analysis.pipeline import solve
from negsim.format.loader import load_scenario_text
from negsim.solvers.alternating import Preferences, rejection_values
from negsim.solvers.convergence import ConvergenceError
from negsim.solvers.offers import HullOffers
from negsim.solvers.random_proposer import RandomProposerSolution, partners_needed, random_proposer

TOL = 1e-9
"""The format's comparison tolerance (module docstring)."""

PROPERTY = settings(
    max_examples=examples(100), deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


def check_equilibrium(
    low: np.ndarray,
    span: np.ndarray,
    prefs: Preferences,
    recognition: np.ndarray,
    rule: str,
    solution: RandomProposerSolution,
) -> None:
    """The module docstring's checks, on the pie with vertices ``low + span * e_i``."""
    n = prefs.n_parties
    offers = HullOffers(low[:, None] + np.diag(span))
    partners = partners_needed(rule, n)
    values = solution.values
    rejection = rejection_values(prefs, values, 0, kind="expected")
    price = np.maximum((rejection.value - low) / span, 0.0)  # shares of the pie
    expected = np.zeros(n)
    for k, play in enumerate(solution.plays):
        assert play.proposer == k
        best = max(
            (
                low[k] + span[k] * (1.0 - price[list(c)].sum())
                for c in combinations([j for j in range(n) if j != k], partners)
                if price[list(c)].sum() <= 1.0
            ),
            default=-np.inf,
        )
        stay = float(rejection.stay[k])
        if not play.coalitions:  # no offer: a rejection must be worth at least any deal
            assert stay >= best - TOL
            assert play.values == pytest.approx(rejection.stay, abs=TOL)
        total = 0.0
        for coalition in play.coalitions:
            u = coalition.offer.utilities
            assert len(coalition.partners) == partners and k not in coalition.partners
            assert u[k] >= best - TOL  # a cheapest coalition: the proposer's offer is optimal
            assert u[k] >= stay - TOL  # and better than a rejection
            for j in coalition.partners:  # accepting is a best reply
                assert u[j] >= rejection.value[j] - TOL
            floors = np.full(n, -np.inf)
            floors[list(coalition.partners)] = rejection.value[list(coalition.partners)]
            lp = offers.best_for(k, floors)
            assert lp is not None and u[k] == pytest.approx(lp.utilities[k], abs=10 * TOL)
            assert 0.0 <= coalition.probability <= 1.0
            total += coalition.probability
        if play.coalitions:
            assert total == pytest.approx(1.0, abs=TOL)
            inclusion = play.inclusion
            assert np.nansum(inclusion) == pytest.approx(partners, abs=n * TOL)
            assert np.all(
                (inclusion[np.arange(n) != k] >= -TOL) & (inclusion[np.arange(n) != k] <= 1 + TOL)
            )
        expected += recognition[k] * play.values
    assert values == pytest.approx(expected, abs=n * TOL)  # a fixed point


def recognition_vector(data: Any, n: int) -> np.ndarray:
    weights = data.draw(
        st.lists(st.floats(0.0, 1.0), min_size=n, max_size=n).filter(lambda w: sum(w) > 0.05),
        label="recognition weights",
    )
    return np.asarray(weights) / sum(weights)


@PROPERTY
@given(
    n=st.integers(3, 9),
    rule=st.sampled_from(["majority", "unanimity"]),
    common=st.booleans(),
    data=st.data(),
)
def test_stationary_values_are_a_fixed_point_of_best_replies(
    n: int, rule: str, common: bool, data: Any
) -> None:
    """Eraslan's game: a unit pie, recognition and discounts drawn at random (a common
    discount, or one per party; 1, no discounting, included); the checks of the module
    docstring. The pie is shared at once, so the values add up to 1, and parties alike get
    alike."""
    recognition = recognition_vector(data, n)
    factor = st.one_of(st.just(1.0), st.floats(0.3, 0.99))  # 1: the format's default
    if common:
        discount = np.full(n, data.draw(factor, label="discount"))
    else:
        discount = np.asarray(
            data.draw(st.lists(factor, min_size=n, max_size=n), label="discounts")
        )
    prefs = Preferences(discount, np.zeros(n), np.zeros(n), np.full(n, np.nan), 0.0)
    low, span = np.zeros(n), np.ones(n)
    solution = random_proposer(HullOffers(np.eye(n)), prefs, recognition, rule, None)
    assert solution.convergence is not None and solution.convergence.converged
    check_equilibrium(low, span, prefs, recognition, rule, solution)
    assert solution.values.sum() == pytest.approx(1.0, abs=n * TOL)
    for i, j in combinations(range(n), 2):
        if recognition[i] == recognition[j] and discount[i] == discount[j]:
            assert solution.values[i] == pytest.approx(solution.values[j], abs=n * TOL)


@PROPERTY
@given(
    n=st.integers(3, 7),
    rule=st.sampled_from(["majority", "unanimity"]),
    risk=st.sampled_from([0.0, 0.1, 0.3]),
    data=st.data(),
)
def test_fixed_point_with_breakdown_costs_outside_options_and_a_scaled_pie(
    n: int, rule: str, risk: float, data: Any
) -> None:
    """The same checks with breakdown risk, disagreement values, costs per round and
    outside options, on a pie whose utilities are scaled and shifted per party (a split
    valued linearly with weights and fixed terms). Some proposers may then prefer a
    rejection; the method changes (value iteration), the checks do not."""
    recognition = recognition_vector(data, n)
    floats = st.lists(st.floats(0.0, 1.0), min_size=n, max_size=n)
    discount = 0.5 + 0.49 * np.asarray(data.draw(floats, label="discounts"))
    # a party pays a cost per round or discounts, not both: with both its payoff
    # discount^t u - t cost changes over time and the talks have no stationary
    # equilibrium (the format solves them as the limit of ever longer deadlines, tested in
    # test_random_proposer_limits.py)
    costly = np.asarray(data.draw(st.lists(st.booleans(), min_size=n, max_size=n)))
    discount = np.where(costly, 1.0, discount)
    cost = np.where(costly, 0.03 * np.asarray(data.draw(floats, label="costs")), 0.0)
    low = -0.2 + 0.4 * np.asarray(data.draw(floats, label="low"))
    span = 0.5 + np.asarray(data.draw(floats, label="span"))
    disagreement = low + span * 0.2 * np.asarray(data.draw(floats, label="disagreement"))
    has_option = data.draw(st.lists(st.booleans(), min_size=n, max_size=n), label="options")
    option = low + span * 0.3 * np.asarray(data.draw(floats, label="outside options"))
    outside = np.where(has_option, option, np.nan)
    prefs = Preferences(discount, cost, disagreement, outside, risk)
    offers = HullOffers(low[:, None] + np.diag(span))
    try:
        solution = random_proposer(offers, prefs, recognition, rule, None)
    except ConvergenceError:
        # open case, and the only class seen to refuse (about 1 draw in 300): a party that
        # does not discount but pays a cost per round, next to parties for whom delay
        # raises the value of getting nothing (negative utility offsets), so deals may be
        # unaffordable and its value can fall without bound; the solver says it has no
        # verified answer rather than give one
        if np.any(costly):
            reject()
        raise
    assert solution.convergence is not None and solution.convergence.converged
    check_equilibrium(low, span, prefs, recognition, rule, solution)


def test_fifteen_parties_solve_exactly() -> None:
    """Fifteen members, unequal recognition and discounts, majority: solved on the pie
    (not timed here: ``benchmarks/bench_random_proposer.py`` measures it), with the checks
    above; the pie is shared at once."""
    n = 15
    rng = np.random.default_rng(15)
    recognition = [round(float(x), 6) for x in rng.dirichlet(np.ones(n))]
    recognition[-1] = round(1 - sum(recognition[:-1]), 9)
    discount = [round(float(x), 3) for x in rng.uniform(0.8, 0.99, n)]
    members = "\n".join(f"  p{i}: {{discount: {discount[i]!r}}}" for i in range(n))
    chances = ", ".join(f"p{i}: {recognition[i]!r}" for i in range(n))
    text = (
        "negsim: 1\nname: Fifteen\nissues:\n  pie: {split: {total: 1}, resolution: 2}\n"
        f"parties:\n{members}\nprotocol: {{kind: random_proposer, rule: majority, "
        f"lotteries: true, recognition: {{{chances}}}}}\n"
    )
    found = solve(load_scenario_text(text)).equilibrium
    assert found.convergence is not None and found.convergence.converged
    assert "Eraslan" in found.convergence.method
    r = np.asarray(recognition) / sum(recognition)
    prefs = Preferences(np.asarray(discount), np.zeros(n), np.zeros(n), np.full(n, np.nan), 0.0)
    solution = random_proposer(HullOffers(np.eye(n)), prefs, r, "majority", None)
    check_equilibrium(np.zeros(n), np.ones(n), prefs, r, "majority", solution)
    assert found.payoffs == pytest.approx(solution.values, abs=TOL)
    assert found.payoffs.sum() == pytest.approx(1.0, abs=n * TOL)
