"""Backward induction over thousands of rounds: rounds that repeat are played once, offer
sets remember their answers, and discount factors that underflow leave no NaN."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from negsim.solvers.alternating import Preferences, backward_induction, play_round
from negsim.solvers.offers import HullOffers, PureOffers


def split_points(n_parties: int, resolution: int) -> np.ndarray:
    """Every split of one unit among ``n_parties`` on a grid (each its own share)."""
    steps = resolution - 1
    cuts = np.array(np.meshgrid(*[np.arange(steps + 1)] * (n_parties - 1), indexing="ij"))
    cuts = cuts.reshape(n_parties - 1, -1)
    cuts = cuts[:, cuts.sum(axis=0) <= steps]
    return np.concatenate([cuts, steps - cuts.sum(axis=0, keepdims=True)]) / steps


def preferences(discount: list[float], cost: float = 0.0, risk: float = 0.0) -> Preferences:
    n = len(discount)
    return Preferences(
        discount=np.array(discount),
        cost=np.full(n, cost),
        disagreement=np.zeros(n),
        outside=np.full(n, np.nan),
        breakdown_risk=risk,
    )


def plain_backward_induction(offers, prefs, deadline, proposer_of_round):
    """Every round played afresh, as the definition reads."""
    continuation = None
    plays = []
    for round_index in range(deadline - 1, -1, -1):
        following = proposer_of_round(round_index + 1) if round_index + 1 < deadline else None
        play, continuation = play_round(
            PureOffers(offers.points), prefs, proposer_of_round(round_index), continuation,
            round_index, following,
        )  # fmt: skip
        plays.append(play)
    return plays[::-1], continuation


@pytest.mark.parametrize("risk", [0.0, 0.1])
def test_repeated_rounds_are_played_as_the_definition_reads(risk: float) -> None:
    offers = PureOffers(split_points(3, 21))
    prefs = preferences([0.9, 0.8, 0.7], risk=risk)
    deadline = 400

    def proposer(t: int) -> int:
        return t % 3

    solution = backward_induction(offers, prefs, deadline, proposer)
    plays, values = plain_backward_induction(offers, prefs, deadline, proposer)
    np.testing.assert_array_equal(solution.payoffs, values)
    for fast, plain in zip(solution.rounds, plays, strict=True):
        assert (fast.round, fast.proposer, fast.accepted) == (
            plain.round,
            plain.proposer,
            plain.accepted,
        )
        np.testing.assert_array_equal(fast.offer.utilities, plain.offer.utilities)
        np.testing.assert_array_equal(fast.rejection.value, plain.rejection.value)


def test_discount_underflow_leaves_no_nan() -> None:
    """0.5**1100 is 0 in floating point; without costs the delay cost stays 0."""
    offers = PureOffers(split_points(3, 11))
    prefs = preferences([0.5, 0.6, 0.7])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        solution = backward_induction(offers, prefs, 1500, lambda t: t % 3)
    assert np.all(np.isfinite(solution.payoffs))
    assert solution.agreement_round == 0
    short = backward_induction(offers, prefs, 1497, lambda t: t % 3)
    np.testing.assert_array_equal(solution.payoffs, short.payoffs)


@pytest.mark.parametrize("kind", [PureOffers, HullOffers])
def test_remembered_answers_are_fresh_answers(kind) -> None:
    points = split_points(3, 9)
    offers = kind(points)
    rng = np.random.default_rng(5)
    questions = [
        (int(rng.integers(3)), rng.choice([0.0, 0.25, 0.5, -np.inf], 3)) for _ in range(40)
    ]
    for proposer, thresholds in questions + questions:
        fresh = kind(points).best_for(proposer, thresholds)
        remembered = offers.best_for(proposer, thresholds)
        if fresh is None:
            assert remembered is None
            continue
        np.testing.assert_array_equal(remembered.utilities, fresh.utilities)
        np.testing.assert_array_equal(remembered.indices, fresh.indices)
    # the proposer's own threshold plays no part in the question
    a = offers.best_for(0, np.array([0.9, 0.25, 0.25]))
    b = offers.best_for(0, np.array([np.nan, 0.25, 0.25]))
    np.testing.assert_array_equal(a.utilities, b.utilities)
