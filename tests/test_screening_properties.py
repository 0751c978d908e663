"""Properties of the ``screening`` block (spec/cli.md) on generated seller-offer scenarios.

The model is the one of ``tests/reference/II-01-*.yaml`` and ``DL-01-*.yaml``: a price
x in [0, 1]; the seller (the only proposer, protocol ``one_sided`` with a deadline) values
it ``{0: 0, 1: 1}`` with cost c as ``agreement_value: -c``; the buyer values it
``{0: 1, 1: 0}`` and its private value theta enters as ``agreement_value = theta - 1``
(uncertainty ``U[-1, 0]``, a continuum on a grid of N quantiles, or a ``choice``); prices
on the hull (``lotteries: true``, stated: the price grid's single packages would make the
seller mix, tested in test_screening_equilibrium.py). With the buyer's stated
agreement_value ``a``, ``offers[t].utilities.buyer = 1 - x_t + a``, so
``x_t = 1 + a - offers[t].utilities.buyer`` and the seller's entry is ``x_t - c``.
Disagreement is 0 for both. N is kept small (at most 61) for speed.
"""

from __future__ import annotations

import functools
import io
import itertools
import json
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML
from strategies import examples
from typer.testing import CliRunner

from negsim.cli import app

FLOAT_SLACK = 1e-9
"""The spec's comparison tolerance; all identities below are exact up to float rounding."""

STATED_AV = -0.5

PROPERTY_SETTINGS = settings(
    max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


def close(value: Any, tol: float = FLOAT_SLACK) -> Any:
    return pytest.approx(value, abs=tol, rel=0)


def scenario(
    deadline: int,
    *,
    lotteries: bool = True,
    seller_discount: float = 0.9,
    buyer_discount: float = 0.9,
    cost: float = 0.0,
    types: int | None = 41,
    single: float | None = None,
    breakdown: float = 0.0,
    stated_av: float = STATED_AV,
) -> dict[str, Any]:
    """A seller-offer scenario as data. ``single``: one ``choice`` type."""
    private = (
        {"choice": {"values": [single], "p": [1.0]}}
        if single is not None
        else {"uniform": [-1.0, 0.0], "types": types}
    )
    return {
        "negsim": 1,
        "name": "seller offers",
        "issues": {"price": {"range": [0, 1], "resolution": 1001}},
        "parties": {
            "seller": {
                "values": {"price": {0: 0, 1: 1}},
                "agreement_value": -cost,
                "discount": seller_discount,
            },
            "buyer": {
                "values": {"price": {0: 1, 1: 0}},
                "agreement_value": stated_av,
                "discount": buyer_discount,
            },
        },
        "protocol": {
            "kind": "one_sided",
            "first_proposer": "seller",
            "deadline": deadline,
            "breakdown_risk": breakdown,
            "lotteries": lotteries,
        },
        "uncertainty": {"buyer.agreement_value": private},
    }


@functools.cache
def _solve_text(text: str) -> str:
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "scenario.yaml"
        path.write_text(text, encoding="utf-8")
        result = CliRunner().invoke(app, ["solve", str(path), "--format", "json"])
    assert result.exit_code == 0, f"{result.output}{result.exception!r}\n{text}"
    return result.stdout


def solve(data: dict[str, Any]) -> dict[str, Any]:
    """``negsim solve --format json`` of a scenario given as data (cached by content)."""
    stream = io.StringIO()
    YAML(typ="safe", pure=True).dump(data, stream)
    return json.loads(_solve_text(stream.getvalue()))


def screening(result: dict[str, Any]) -> dict[str, Any]:
    block = result["screening"]
    assert block is not None
    return block


def price_of(offer: dict[str, Any], stated_av: float = STATED_AV) -> float | None:
    """x = 1 + a - u_buyer (module docstring); None when no offer is made that round."""
    if offer["utilities"] is None:
        return None
    return 1.0 + stated_av - offer["utilities"]["buyer"]


deadlines = st.integers(min_value=1, max_value=5)
discounts = st.floats(min_value=0.3, max_value=0.99)
costs = st.floats(min_value=0.0, max_value=0.5)
type_counts = st.integers(min_value=1, max_value=61)
breakdowns = st.sampled_from([0.0, 0.1, 0.3])


# --------------------------------------------------------------------------------------------
# Probabilities


@PROPERTY_SETTINGS
@given(deadlines, discounts, discounts, costs, type_counts, breakdowns)
def test_probabilities_sum_to_one_and_match_the_conditional_ones(
    deadline: int, d_s: float, d_b: float, cost: float, n: int, breakdown: float
) -> None:
    """sum_t P(agree in t) + P(no agreement) = 1; P(agree in t) is the conditional
    accept_probability times the chance of reaching round t (everyone before rejected and
    talks did not break down); final_round_share is the last round's share of agreements."""
    data = scenario(deadline, seller_discount=d_s, buyer_discount=d_b, cost=cost, types=n,
                    breakdown=breakdown)  # fmt: skip
    block = screening(solve(data))
    assert block["types"] == n
    by_round = block["agreement_probability_by_round"]
    assert len(by_round) == len(block["offers"]) == deadline
    assert all(p >= -FLOAT_SLACK for p in by_round)
    assert sum(by_round) + block["no_agreement_probability"] == close(1.0)
    reach = 1.0
    for t, (offer, unconditional) in enumerate(zip(block["offers"], by_round, strict=True)):
        assert offer["round"] == t
        assert 0.0 <= offer["accept_probability"] <= 1.0 + FLOAT_SLACK
        assert unconditional == close(reach * offer["accept_probability"])
        reach *= (1 - offer["accept_probability"]) * (1 - breakdown)
    agreed = sum(by_round)
    if agreed > FLOAT_SLACK:
        assert block["final_round_share"] == close(by_round[-1] / agreed)
    else:
        assert block["final_round_share"] is None


# --------------------------------------------------------------------------------------------
# Expected payoffs from the JSON


@PROPERTY_SETTINGS
@given(deadlines, discounts, discounts, costs, type_counts, breakdowns)
def test_seller_expected_payoff_is_the_sum_over_rounds(
    deadline: int, d_s: float, d_b: float, cost: float, n: int, breakdown: float
) -> None:
    """Seller: sum_t P(agree in t) d_S^t (x_t - c), disagreement being worth 0; also checks
    the price derivation (the seller's stated utility is x_t - c)."""
    data = scenario(deadline, seller_discount=d_s, buyer_discount=d_b, cost=cost, types=n,
                    breakdown=breakdown)  # fmt: skip
    block = screening(solve(data))
    total = 0.0
    for t, (offer, p) in enumerate(
        zip(block["offers"], block["agreement_probability_by_round"], strict=True)
    ):
        x = price_of(offer)
        if x is None:
            assert p == close(0.0)
            continue
        assert -FLOAT_SLACK <= x <= 1 + FLOAT_SLACK
        assert offer["utilities"]["seller"] == close(x - cost)
        total += p * d_s**t * (x - cost)
    assert block["expected_payoffs"]["seller"] == close(total)


@PROPERTY_SETTINGS
@given(deadlines, discounts, discounts, costs, type_counts)
def test_buyer_expected_payoff_from_the_types(
    deadline: int, d_s: float, d_b: float, cost: float, n: int
) -> None:
    """Buyer (no breakdown risk; prices on the hull, so the seller never needs to mix):
    the continuum of values theta in [0, 1] buys highest first, the values between the
    cumulative agreement probabilities in each round, each getting d_B^t (theta - x_t);
    the rest get 0. The grid of N cells integrates this with the cells' midpoints
    (theta_k = (k + 1/2)/N), a cell split by a cutoff in proportion to its parts: the
    mean must be expected_payoffs.buyer; and every buyer that buys must not lose."""
    data = scenario(deadline, seller_discount=d_s, buyer_discount=d_b, cost=cost, types=n)
    block = screening(solve(data))
    total, upper = 0.0, 1.0  # buyers with values above `upper` have bought
    for t, (offer, p) in enumerate(
        zip(block["offers"], block["agreement_probability_by_round"], strict=True)
    ):
        if p <= 0:
            continue
        x = price_of(offer)
        assert x is not None
        lower = upper - p
        assert lower >= x - FLOAT_SLACK  # the lowest value that buys pays at most it
        for k in range(n):  # cell k holds the values [k/n, (k+1)/n), midpoint theta_k
            share = max(0.0, min(upper, (k + 1) / n) - max(lower, k / n))
            total += share * d_b**t * ((k + 0.5) / n - x)
        upper = lower
    assert block["expected_payoffs"]["buyer"] == close(total, 1e-7)


# --------------------------------------------------------------------------------------------
# One type: screening is the complete-information equilibrium


@PROPERTY_SETTINGS
@given(deadlines, discounts, discounts, costs, st.floats(min_value=-1.0, max_value=0.0))
def test_single_type_matches_complete_information(
    deadline: int, d_s: float, d_b: float, cost: float, value: float
) -> None:
    """A ``choice`` with one value (equal to the stated one) removes the uncertainty: the
    screening offer of round 0 is the complete-information equilibrium proposal (same
    utilities), accepted at once when the equilibrium agrees, never otherwise. The
    zero-surplus tie theta = c is left to the tests after this one."""
    assume(abs((1 + value) - cost) > 1e-6)
    data = scenario(deadline, seller_discount=d_s, buyer_discount=d_b, cost=cost, single=value,
                    stated_av=value)  # fmt: skip
    result = solve(data)
    block = screening(result)
    equilibrium = result["equilibrium"]
    assert block["types"] == 1
    if equilibrium["agreement"]:
        assert equilibrium["round"] == 0
        first = equilibrium["proposals"][0]
        assert block["offers"][0]["utilities"] == close(first["utilities"])
        assert block["offers"][0]["utilities"] == close(equilibrium["utilities"])
        assert block["agreement_probability_by_round"][0] == close(1.0)
        assert block["expected_payoffs"] == close(equilibrium["payoffs"])
        assert block["stated_type_accepts_in_round"] == 0
    else:
        assert block["no_agreement_probability"] == close(1.0)
        assert block["stated_type_accepts_in_round"] is None


ZERO_SURPLUS = [(1, -1.0, 0.0), (1, -0.7, 0.3), (3, -0.7, 0.3)]
"""(deadline, theta - 1, c) with theta = c: the only acceptable deal, price c, is worth 0 to
both sides, exactly what no deal is worth."""


@pytest.mark.parametrize("case", ZERO_SURPLUS, ids=[f"T={t},c={c}" for t, _, c in ZERO_SURPLUS])
def test_single_type_zero_surplus_payoffs(case: tuple[int, float, float]) -> None:
    """At the tie both blocks give every party 0."""
    deadline, value, cost = case
    result = solve(scenario(deadline, single=value, stated_av=value, cost=cost))
    assert screening(result)["expected_payoffs"] == close(result["equilibrium"]["payoffs"])
    assert result["equilibrium"]["payoffs"] == close({"seller": 0.0, "buyer": 0.0})


@pytest.mark.parametrize("case", ZERO_SURPLUS, ids=[f"T={t},c={c}" for t, _, c in ZERO_SURPLUS])
def test_single_type_zero_surplus_agreement(case: tuple[int, float, float]) -> None:
    """With one type, screening should describe the same outcome as the equilibrium block,
    including at the tie."""
    deadline, value, cost = case
    result = solve(scenario(deadline, single=value, stated_av=value, cost=cost))
    equilibrium = result["equilibrium"]
    block = screening(result)
    assert equilibrium["agreement"] is True
    assert block["offers"][0]["utilities"] == close(equilibrium["proposals"][0]["utilities"])
    assert block["agreement_probability_by_round"][0] == close(1.0)


# --------------------------------------------------------------------------------------------
# Coasian dynamics


@PROPERTY_SETTINGS
@given(
    st.integers(min_value=2, max_value=6), discounts, costs, st.integers(min_value=5, max_value=61)
)
def test_prices_fall_over_rounds(deadline: int, delta: float, cost: float, n: int) -> None:
    """Offers to the buyer rise (prices fall) from round to round among the rounds in which
    an offer is made: the remaining buyers are the low-value ones."""
    data = scenario(deadline, seller_discount=delta, buyer_discount=delta, cost=cost, types=n)
    block = screening(solve(data))
    offered = [x for x in map(price_of, block["offers"]) if x is not None]
    assert all(b <= a + FLOAT_SLACK for a, b in itertools.pairwise(offered))


def test_prices_fall_strictly_with_uniform_types() -> None:
    """The DL-01 setting with 201 types: every round has an offer and prices fall strictly,
    by a margin of at least 1e-3 a round (the continuum step is above 2e-2 there)."""
    block = screening(solve(scenario(5, types=201)))
    offered = [price_of(offer) for offer in block["offers"]]
    assert None not in offered
    assert all(a - b > 1e-3 for a, b in itertools.pairwise(offered))  # type: ignore[operator]
    assert all(p > 0 for p in block["agreement_probability_by_round"])


# --------------------------------------------------------------------------------------------
# The deadline effect (DL-01's property)

PATIENCE = (0.5, 0.9, 0.99)


@pytest.mark.parametrize("who", ["common", "buyer"])
def test_more_patient_buyers_raise_the_final_round_share(who: str) -> None:
    """T = 5, 201 types: the share of agreements in the final round rises with the buyer's
    patience, with a common discount factor and with the buyer's alone (seller at 0.9)."""
    shares = []
    for delta in PATIENCE:
        seller = delta if who == "common" else 0.9
        block = screening(solve(scenario(5, seller_discount=seller, buyer_discount=delta,
                                         types=201)))  # fmt: skip
        shares.append(block["final_round_share"])
    assert all(b > a + 1e-2 for a, b in itertools.pairwise(shares)), shares
