"""Random-proposer talks without a deadline where the stationary solve needs care:
unanimity with perfectly patient parties (closed form, :mod:`negsim.solvers.unanimity`)
and parties that both discount and pay a cost per round (the format's limit of ever longer
deadlines).

References: Baron & Ferejohn (1989), unanimity (with a common discount the values are the
recognition probabilities); Eraslan (2002). Tolerance: 1e-9, the format's comparison
tolerance, unless a test says otherwise; comparisons with a finite deadline allow for
the distance still left to the limit (stated where used).
"""

from __future__ import annotations

import numpy as np
import pytest

from negsim.analysis.pipeline import solve
from negsim.format.loader import load_scenario_text
from negsim.solvers.alternating import Preferences
from negsim.solvers.offers import HullOffers
from negsim.solvers.random_proposer import random_proposer

TOL = 1e-9


def prefs_of(discount: list[float], cost: list[float] | None = None) -> Preferences:
    n = len(discount)
    costs = np.zeros(n) if cost is None else np.asarray(cost, dtype=float)
    return Preferences(np.asarray(discount, dtype=float), costs, np.zeros(n), np.full(n, np.nan))


def test_common_discount_under_unanimity_gives_the_recognition_probabilities() -> None:
    """Baron & Ferejohn (1989): with a common discount factor, unanimity values each member
    at its recognition probability."""
    r = np.array([0.5, 0.3, 0.2])
    solution = random_proposer(HullOffers(np.eye(3)), prefs_of([0.8] * 3), r, "unanimity", None)
    assert solution.values == pytest.approx(r, abs=TOL)
    assert solution.ranges is None and "unanimity" in solution.method


def test_one_patient_member_takes_the_pie_at_once() -> None:
    """A member that does not discount, recognised with some probability, is never worse
    off waiting: the stationary surplus is 0, the impatient members' values are 0 and it
    takes the whole pie, unique, however patient the others (0.999 here, where iterating
    the values would take hundreds of thousands of steps)."""
    r = np.array([0.2, 0.5, 0.3])
    prefs = prefs_of([1.0, 0.999, 0.999])
    solution = random_proposer(HullOffers(np.eye(3)), prefs, r, "unanimity", None)
    assert solution.values == pytest.approx([1.0, 0.0, 0.0], abs=TOL)
    assert solution.ranges is None and solution.convergence is not None
    assert solution.convergence.converged


def test_several_patient_members_split_as_the_limit_of_long_deadlines() -> None:
    """Two members that do not discount: any split of the pie between them is stationary.
    The one reported is the limit of ever longer deadlines, which gives them shares in
    proportion to their recognition probabilities (0.4 : 0.2); backward induction with a
    deadline of 400 rounds agrees (the impatient member's share, discount 0.5, is then
    far below 1e-9). The range and the note say the answer is not unique."""
    r = np.array([0.4, 0.2, 0.4])
    prefs = prefs_of([1.0, 1.0, 0.5])
    offers = HullOffers(np.eye(3))
    solution = random_proposer(offers, prefs, r, "unanimity", None)
    assert solution.values == pytest.approx([2 / 3, 1 / 3, 0.0], abs=TOL)
    long_deadline = random_proposer(offers, prefs, r, "unanimity", 400)
    assert solution.values == pytest.approx(long_deadline.values, abs=1e-8)
    assert solution.ranges is not None
    assert solution.ranges[0] == pytest.approx([0.0, 1.0], abs=TOL)
    assert solution.ranges[1] == pytest.approx([0.0, 1.0], abs=TOL)
    assert solution.ranges[2] == pytest.approx([0.0, 0.0], abs=TOL)
    assert "many ways" in solution.note and "limit of ever longer deadlines" in solution.note


def test_patient_members_with_outside_options_agree_with_long_deadlines() -> None:
    """Patient members with outside options and an impatient one with a larger option:
    the closed form agrees with backward induction over 600 rounds (the other members
    discount at 0.6 or less, so the deadline is within 1e-9 of its limit)."""
    r = np.array([0.3, 0.1, 0.35, 0.25])
    prefs = Preferences(
        np.array([1.0, 1.0, 0.6, 0.4]),
        np.zeros(4),
        np.zeros(4),
        np.array([0.1, np.nan, 0.25, np.nan]),
    )
    offers = HullOffers(np.eye(4))
    solution = random_proposer(offers, prefs, r, "unanimity", None)
    long_deadline = random_proposer(offers, prefs, r, "unanimity", 600)
    assert solution.values == pytest.approx(long_deadline.values, abs=1e-8)
    assert solution.values.sum() == pytest.approx(1.0, abs=TOL)
    assert solution.values[2] == pytest.approx(0.25, abs=TOL)  # held to its option


PATIENT = """\
negsim: 1
name: Two patient members
issues:
  pie: {split: {total: 1}, resolution: 2}
parties:
  a: {discount: 1}
  b: {discount: 1}
  c: {discount: 0.5}
protocol:
  kind: random_proposer
  rule: unanimity
  lotteries: true
  recognition: {a: 0.4, b: 0.2, c: 0.4}
"""


def test_the_record_says_the_stationary_values_are_not_unique() -> None:
    """Through the public interface: ``unique: false``, the range and the note reach the
    JSON."""
    record = solve(load_scenario_text(PATIENT)).equilibrium
    assert record.payoffs == pytest.approx([2 / 3, 1 / 3, 0.0], abs=TOL)
    data = record.to_dict()
    assert data["unique"] is False
    assert "many ways" in data["note"]


def test_discount_and_cost_together_are_solved_as_the_limit_of_deadlines() -> None:
    """A member that both discounts and pays a cost per round (the format's payoff
    ``discount^t u - t cost``) makes the talks non-stationary: the answer is the limit of
    ever longer deadlines, reported as such, equal to backward induction at the deadline
    where it stopped and within 1e-9 of the one before."""
    r = np.array([0.294, 0.353, 0.353])
    prefs = prefs_of([0.3, 0.6, 0.3], [0.03, 0.04, 0.02])
    offers = HullOffers(np.eye(3))
    solution = random_proposer(offers, prefs, r, "unanimity", None)
    report = solution.convergence
    assert report is not None and report.converged
    assert "limit of ever longer deadlines" in solution.method
    at_stop = random_proposer(offers, prefs, r, "unanimity", report.iterations)
    assert solution.values == pytest.approx(at_stop.values, abs=0.0)
    before = random_proposer(offers, prefs, r, "unanimity", report.iterations // 4)
    assert solution.values == pytest.approx(before.values, abs=TOL)
    stationary = random_proposer(offers, prefs_of([0.3, 0.6, 0.3]), r, "unanimity", None)
    assert "unanimity" in stationary.method  # without costs: the stationary closed form


def test_a_limit_that_does_not_settle_is_reported_as_not_converged() -> None:
    """A patient member recognised once in 5,000 rounds next to a member that discounts
    and pays a cost: ever longer deadlines keep moving value to the patient member, so
    the longest deadline tried is not the limit; the record says it did not converge
    (the analysis turns that into a warning) instead of passing it off as the answer."""
    r = np.array([0.9996, 0.0002, 0.0002])
    prefs = prefs_of([0.3, 0.31, 1.0], [0.0, 0.0074, 0.0])
    solution = random_proposer(HullOffers(np.eye(3)), prefs, r, "unanimity", None)
    assert solution.convergence is not None
    assert not solution.convergence.converged
    assert solution.convergence.residual > 1e-3


def test_values_that_cycle_from_one_deadline_to_the_next_have_no_limit() -> None:
    """Majority rule, a pie, one member that discounts and pays a cost: the two others are
    equally cheap partners in turn, so round-0 values alternate between two states from one
    deadline to the next for ever. Comparing only the deadlines tried (64, 256, ...: all
    even) would call one state the limit; comparing each with its successor reports that
    there is none."""
    r = np.full(3, 1 / 3)
    prefs = prefs_of([0.9, 0.8, 0.85], [0.01, 0.0, 0.0])
    offers = HullOffers(np.eye(3))
    even = random_proposer(offers, prefs, r, "majority", 1000).values
    odd = random_proposer(offers, prefs, r, "majority", 1001).values
    assert np.max(np.abs(even - odd)) > 0.1  # a true cycle, not slow convergence
    assert np.array_equal(even, random_proposer(offers, prefs, r, "majority", 1002).values)
    solution = random_proposer(offers, prefs, r, "majority", None)
    assert solution.convergence is not None and not solution.convergence.converged
    assert solution.convergence.residual == pytest.approx(np.max(np.abs(even - odd)), abs=1e-9)
