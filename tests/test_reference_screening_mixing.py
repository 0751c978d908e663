"""Reference tests: discrete types that mix, the ``screening`` block's ``type_acceptance``.

Source: Fudenberg, D. & Tirole, J. (1983). Sequential Bargaining with Incomplete
Information. Review of Economic Studies 50(2):221-247, the two-type case (also Fudenberg
& Tirole 1991, Game Theory, MIT Press, ch. 10). A seller with cost 0 asks a price in each
of two periods; the buyer's value is v_H = 1 with probability q or v_L = 0.4; both
discount by delta = 0.8.

With q = 1/2 the equilibrium is in mixed strategies. In the last period the seller asks
v_H when the posterior that the buyer is high is above v_L / v_H = 0.4, v_L below it,
and is indifferent at 0.4. So the seller asks 1 in the first period and the high type
accepts with the probability x that leaves the posterior at exactly 0.4, Bayes' rule:
q (1 - x) / (q (1 - x) + 1 - q) = 0.4, x = 1/3; in the second period the seller asks 1
again (at its indifference it makes the offer worse for the buyer, which is what makes
its first-period problem have a maximum; Fudenberg, Levine & Tirole 1985). Seller profit
q x + delta q (1 - x) = 13/30, agreement by period (1/6, 1/3), no deal 1/2. A pure
skimming path (0.52, then 0.4: profit 0.42) is not an equilibrium: the seller gains by
asking more in the first period.

With q = 0.3 the posterior can never reach 0.4, the last price is 0.4 whatever happens,
and the seller compares: 0.4 at once (everyone buys), skimming (q (1 - delta 0.6) +
delta (1 - q) 0.4 = 0.38) or 1 first (the high type waits for 0.4: delta 0.4 = 0.32). It
asks 0.4 at once: profit 0.4, agreement (1, 0).

Encoding, as the seller-offer files under ``tests/reference/``: the price is a numeric
issue on [0, 1]; the seller values it ``{0: 0, 1: 1}``; the buyer ``{0: 1, 1: 0}`` with
its value entering as ``agreement_value = theta - 1`` (a ``choice`` over [0, -0.6]); its
stated value is the high type's (0). Offer utilities: ``buyer = 1 - x``, so
``x = 1 - offers[t].utilities.buyer``. The two cases below also give the price grid
(``lotteries: false``, 1001 prices, which holds 1, 0.52 and 0.4 exactly) and the hull.

Tolerance: discrete types are solved exactly (the switches between cutoffs are crossings
of lines, found in closed form), so every number is held to the spec's 1e-9.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from published import solve
from ruamel.yaml import YAML

FLOAT_SLACK = 1e-9
"""The spec's comparison tolerance: discrete types are solved exactly."""

V_HIGH, V_LOW, DELTA = 1.0, 0.4, 0.8


def two_type_file(directory: Path, q: float, lotteries: bool) -> Path:
    """The two-period seller-offer scenario with a buyer worth 1 (probability q) or 0.4."""
    data = {
        "negsim": 1,
        "name": f"Two-type seller offers, q = {q}",
        "issues": {"price": {"range": [0, 1], "resolution": 1001}},
        "parties": {
            "seller": {"values": {"price": {0: 0, 1: 1}}, "discount": DELTA},
            "buyer": {"values": {"price": {0: 1, 1: 0}}, "agreement_value": V_HIGH - 1,
                      "discount": DELTA},
        },
        "protocol": {"kind": "one_sided", "first_proposer": "seller", "deadline": 2,
                     "lotteries": lotteries},
        "uncertainty": {
            "buyer.agreement_value": {
                "choice": {"values": [V_HIGH - 1, V_LOW - 1], "p": [q, 1 - q]}
            }
        },
    }  # fmt: skip
    stream = io.StringIO()
    YAML(typ="safe", pure=True).dump(data, stream)
    path = directory / f"two-type-q{q}-{'hull' if lotteries else 'grid'}.yaml"
    path.write_text(stream.getvalue(), encoding="utf-8")
    return path


def close(value: Any, tol: float = FLOAT_SLACK) -> Any:
    return pytest.approx(value, abs=tol, rel=0)


def prices(block: dict[str, Any]) -> list[float | None]:
    return [
        None if offer["utilities"] is None else 1.0 - offer["utilities"]["buyer"]
        for offer in block["offers"]
    ]


@pytest.mark.parametrize("lotteries", [False, True], ids=["price grid", "hull"])
def test_two_types_mix_fudenberg_tirole_1983(lotteries: bool, tmp_path: Path) -> None:
    q = 0.5
    threshold = V_LOW / V_HIGH  # the seller's indifference posterior in the last period
    x = 1 - threshold * (1 - q) / (q * (1 - threshold))  # Bayes' rule
    assert x == close(1 / 3)
    block = solve(two_type_file(tmp_path, q, lotteries))["screening"]
    assert block["types"] == 2 and block["discretization_error"] is None
    assert prices(block) == close([V_HIGH, V_HIGH])
    assert block["agreement_probability_by_round"] == close([q * x, q * (1 - x)])
    assert block["no_agreement_probability"] == close(1 - q)
    profit = q * x * V_HIGH + DELTA * q * (1 - x) * V_HIGH
    assert profit == close(13 / 30)
    assert block["expected_payoffs"]["seller"] == close(profit)
    assert block["expected_payoffs"]["buyer"] == close(0.0)  # both pay their value or no deal
    first, second = (offer["type_acceptance"] for offer in block["offers"])
    assert first == [{"value": close(V_HIGH - 1), "probability": close(x)},
                     {"value": close(V_LOW - 1), "probability": close(0.0)}]  # fmt: skip
    assert second == [{"value": close(V_HIGH - 1), "probability": close(1.0)},
                      {"value": close(V_LOW - 1), "probability": close(0.0)}]  # fmt: skip
    # the posterior after a first-period rejection is the seller's indifference point
    remaining_high = q * (1 - x)
    assert remaining_high / (remaining_high + 1 - q) == close(threshold)
    assert block["offers"][1]["accept_probability"] == close(threshold)
    # better for the seller than the pure skimming path that ignores mixing
    skimming = q * (V_HIGH - DELTA * (V_HIGH - V_LOW)) + DELTA * (1 - q) * V_LOW
    assert skimming == close(0.42)
    assert profit > skimming + 0.01


@pytest.mark.parametrize("lotteries", [False, True], ids=["price grid", "hull"])
def test_two_types_no_mixing_below_the_threshold(lotteries: bool, tmp_path: Path) -> None:
    q = 0.3
    options = {
        "sell to both now": V_LOW,
        "skim": q * (V_HIGH - DELTA * (V_HIGH - V_LOW)) + DELTA * (1 - q) * V_LOW,
        "ask v_H first": DELTA * V_LOW,
    }
    assert max(options, key=options.__getitem__) == "sell to both now"
    block = solve(two_type_file(tmp_path, q, lotteries))["screening"]
    assert prices(block)[0] == close(V_LOW)
    assert block["agreement_probability_by_round"] == close([1.0, 0.0])
    assert block["expected_payoffs"]["seller"] == close(V_LOW)
    first = block["offers"][0]["type_acceptance"]
    assert [t["probability"] for t in first] == close([1.0, 1.0])
    assert block["offers"][1]["type_acceptance"] == []  # nobody is left
