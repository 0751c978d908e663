"""The random-proposer methods other than the pie's stationary solve: the mixing solve on
other offer sets, single packages, and backward induction on a pie (which sorts prices
instead of searching every coalition).

Scenarios state ``lotteries`` explicitly. Tolerance: 1e-9, the format's comparison
tolerance, unless a test says otherwise.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import examples

from negsim.analysis.pipeline import solve
from negsim.format.loader import load_scenario_text
from negsim.solvers.alternating import Preferences
from negsim.solvers.convergence import ConvergenceError
from negsim.solvers.offers import HullOffers, Offer
from negsim.solvers.random_proposer import random_proposer

TOL = 1e-9


def close(value: Any, tol: float = TOL) -> Any:
    return pytest.approx(value, abs=tol, rel=0)


CURVED = """\
negsim: 1
name: Eraslan example, the first member's value curved
issues:
  pie: {split: {total: 1}, resolution: 11}
parties:
  m1: {discount: 0.9, values: {pie: {exponent: 0.8}}}
  m2: {discount: 0.9}
  m3: {discount: 0.9}
protocol:
  kind: random_proposer
  rule: majority
  lotteries: true
  recognition: {m1: 0.6, m2: 0.3, m3: 0.1}
"""


def test_mixing_solve_on_an_offer_set_that_is_not_a_pie() -> None:
    """Eraslan's example (``test_reference_eraslan.py``) with m1 valuing its share as
    ``share ** 0.8``: the hull is no longer a simplex, value iteration cycles, and the
    mixing solve takes over. m1 is never bought (its price in shares, about 0.35, is above
    the others' 18/73), so m2's and m3's equations are Eraslan's in shares: each is worth
    20/73 of the pie and m1 buys m2 with probability 17/108. m1 keeps 55/73 of the pie
    when it proposes; with lotteries over the grid (shares 0.7 and 0.8 bracket 55/73) that
    is worth the interpolation of ``share ** 0.8`` between them, so ``v1 = 0.6`` times it."""
    found = solve(load_scenario_text(CURVED)).equilibrium
    assert found.convergence is not None and found.convergence.converged
    assert "Newton" in found.convergence.method
    x, p = float(Fraction(20, 73)), float(Fraction(17, 108))
    keep = float(Fraction(55, 73))
    low, high = 0.7**0.8, 0.8**0.8
    m1 = 0.6 * (low + (high - low) * (keep - 0.7) / 0.1)
    assert found.payoffs == close([m1, x, x])
    first = found.proposals[0]
    assert first.partners is not None
    assert first.partners[1:] == close([p, 1 - p])
    assert [c.partners for c in first.coalitions] == [(1,), (2,)]


def test_single_packages_that_need_mixing_fail_with_advice() -> None:
    """The same game on single packages (a grid of 0.05): a proposer cannot offer a
    partner exactly its value of rejecting, the cheapest partner keeps switching, and no
    mix of the coalitions visited makes the values consistent. The error says so and what
    to set instead."""
    text = CURVED.replace("{discount: 0.9, values: {pie: {exponent: 0.8}}}", "{discount: 0.9}")
    text = text.replace("resolution: 11", "resolution: 21").replace(
        "lotteries: true", "lotteries: false"
    )
    with pytest.raises(ConvergenceError) as raised:
        solve(load_scenario_text(text))
    message = str(raised.value)
    assert "keep switching" in message
    assert "protocol.lotteries: true" in message and "protocol.deadline" in message
    assert not raised.value.report.converged


class Opaque:
    """An offer set that hides that it is a pie: the solver then searches every
    coalition with the set's linear program instead of sorting prices."""

    def __init__(self, offers: HullOffers):
        self.offers = offers

    def best_for(self, proposer: int, thresholds: np.ndarray) -> Offer | None:
        return self.offers.best_for(proposer, thresholds)


@settings(max_examples=examples(20), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    n=st.integers(3, 5),
    rule=st.sampled_from(["majority", "unanimity"]),
    deadline=st.integers(1, 4),
    data=st.data(),
)
def test_deadline_on_a_pie_matches_the_search_over_coalitions(
    n: int, rule: str, deadline: int, data: Any
) -> None:
    """Backward induction on a pie (prices sorted, ties spread evenly) gives the values of
    the search over every coalition (ties picked uniformly), round 0's plays included.
    Tolerance: 1e-9 per round (the linear program meets thresholds within it)."""
    weights = data.draw(st.lists(st.floats(0.05, 1.0), min_size=n, max_size=n))
    recognition = np.asarray(weights) / sum(weights)
    discount = np.asarray(data.draw(st.lists(st.floats(0.5, 1.0), min_size=n, max_size=n)))
    prefs = Preferences(discount, np.zeros(n), np.zeros(n), np.full(n, np.nan), 0.0)
    offers = HullOffers(np.eye(n))
    sorted_ = random_proposer(offers, prefs, recognition, rule, deadline)
    searched = random_proposer(Opaque(offers), prefs, recognition, rule, deadline)
    slack = deadline * n * TOL
    assert sorted_.values == close(searched.values, slack)
    for mine, theirs in zip(sorted_.plays, searched.plays, strict=True):
        assert mine.values == close(theirs.values, slack)
        assert np.nan_to_num(mine.inclusion) == close(np.nan_to_num(theirs.inclusion), slack)
