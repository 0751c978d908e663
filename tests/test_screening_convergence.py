"""Screening on a continuum of types: the numbers settle as the grid of types grows, and
the output says how far they are from settled (spec/scenario.md, Uncertainty).

* The bundled Venezuela private-information scenario (a uniform private disagreement
  payoff, 67 single packages or a hull of 21 vertices): every headline number changes by
  less than 0.005 between N and 4N types for N = 801 and 1601, with single packages
  (``lotteries: false``, the format's default) and with lotteries.
* A seller-offer model with a closed form: a buyer value uniform on [0, 1], common
  discount delta, T periods (Sobel & Takahashi 1983; Fudenberg & Tirole 1983 for T = 2;
  the recursion of the published case DL-01). The grid only integrates over the types:
  the seller's side is the continuum's at any N, the buyer's expected payoff converges
  as 1/N^2 (the midpoint rule, off only in the cells a cutoff splits).
* The discretization error (N against N/2) is in the JSON and the table, and a warning
  when it is above 0.005.
"""

from __future__ import annotations

import copy
import io
import itertools
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from rich.console import Console

from negsim.analysis.pipeline import solve
from negsim.analysis.records import Analysis
from negsim.format.loader import load_scenario, scenario_from_data
from negsim.format.scenario import Scenario
from negsim.present.terminal.solve import solve_renderables

VENEZUELA = Path(__file__).resolve().parent.parent / "scenarios" / "venezuela-2025-private.yaml"
TARGET = 0.005
"""The issue's target: a headline number moves by less than this from N to 4N types."""


def venezuela(types: int, lotteries: bool) -> Scenario:
    scenario = load_scenario(VENEZUELA)
    assert scenario.data is not None
    data = copy.deepcopy(dict(scenario.data))
    data["uncertainty"]["maduro.disagreement"]["types"] = types
    data["protocol"]["lotteries"] = lotteries
    return Scenario.from_data(data, scenario.source)


def headline(analysis: Analysis) -> np.ndarray:
    """agreement_probability_by_round, no_agreement_probability, final_round_share and the
    expected payoffs, from the JSON."""
    block = analysis.to_dict()["screening"]
    assert block is not None
    return np.array([*block["agreement_probability_by_round"],
                     block["no_agreement_probability"], block["final_round_share"] or 0.0,
                     *block["expected_payoffs"].values()])  # fmt: skip


@cache
def venezuela_headline(types: int, lotteries: bool) -> tuple[float, ...]:
    return tuple(headline(solve(venezuela(types, lotteries))))


@pytest.mark.parametrize("lotteries", [False, True], ids=["single packages", "lotteries"])
@pytest.mark.parametrize("n", [pytest.param(801), pytest.param(1601, marks=pytest.mark.slow)])
def test_venezuela_settles_from_n_to_4n(n: int, lotteries: bool) -> None:
    coarse = np.array(venezuela_headline(n, lotteries))
    fine = np.array(venezuela_headline(4 * n, lotteries))
    assert np.max(np.abs(fine - coarse)) < TARGET, (coarse, fine)


@pytest.mark.slow
@pytest.mark.parametrize("lotteries", [False, True], ids=["single packages", "lotteries"])
def test_venezuela_error_estimate_is_honest(lotteries: bool) -> None:
    """The reported estimate (N against N/2) at N = 1601 is below the target, and so is
    the change it stands for, from N to 4N."""
    analysis = solve(venezuela(1601, lotteries))
    found = analysis.screening.discretization
    assert found is not None and found.types == 1601 and found.compared_with == 801
    assert found.error < TARGET
    change = np.abs(np.array(venezuela_headline(4 * 1601, lotteries)) - headline(analysis))
    assert change.max() < TARGET
    assert not any(w.startswith("screening") for w in analysis.warnings)


# --------------------------------------------------------------------------------------------
# The linear seller-offer model with a closed form


def closed_form(periods: int, delta: float) -> dict[str, list[float] | float]:
    """The skimming equilibrium with a buyer value uniform on [0, 1] and seller cost 0
    (DL-01's recursion): in the last period the seller asks half the highest value left
    (``b = 1/2``) and earns a quarter of its square (``a = 1/4``); before it, with
    ``g = 1 - delta + delta b'``, the next cutoff is ``lambda = g / (2 (g - delta a'))``
    times the current one, the price ``b = g lambda`` times it, and the value
    ``a = g lambda (1 - lambda) + delta a' lambda^2`` times its square."""
    a, b, lam = [0.0] * periods, [0.0] * periods, [0.0] * periods
    a[-1], b[-1], lam[-1] = 0.25, 0.5, 0.5
    for t in range(periods - 2, -1, -1):
        g = 1 - delta + delta * b[t + 1]
        lam[t] = g / (2 * (g - delta * a[t + 1]))
        b[t] = g * lam[t]
        a[t] = g * lam[t] * (1 - lam[t]) + delta * a[t + 1] * lam[t] ** 2
    cutoff, prices, probabilities = 1.0, [], []
    for t in range(periods):
        prices.append(b[t] * cutoff)
        probabilities.append(cutoff - lam[t] * cutoff)
        cutoff *= lam[t]
    return {"prices": prices, "probabilities": probabilities, "seller": a[0]}


def test_closed_form_matches_the_published_cases() -> None:
    """One period: price 1/2, sale 1/2, profit 1/4. Two: Fudenberg & Tirole's
    p1 = (2 - d)^2 / (2 (4 - 3d)). Five: DL-01's published first price."""
    one = closed_form(1, 0.9)
    assert one == {"prices": [0.5], "probabilities": [0.5], "seller": 0.25}
    d = 0.9
    two = closed_form(2, d)
    assert two["prices"][0] == pytest.approx((2 - d) ** 2 / (2 * (4 - 3 * d)), abs=1e-12)
    assert two["seller"] == pytest.approx((2 - d) ** 2 / (4 * (4 - 3 * d)), abs=1e-12)
    assert closed_form(5, 0.9)["prices"][0] == pytest.approx(0.3851886733, abs=1e-10)


def seller_offers(types: int, periods: int, delta: float) -> dict[str, Any]:
    return {
        "negsim": 1,
        "name": "seller offers to a uniform buyer",
        "issues": {"price": {"range": [0, 1], "resolution": 101}},
        "parties": {
            "seller": {"values": {"price": {0: 0, 1: 1}}, "discount": delta},
            "buyer": {"values": {"price": {0: 1, 1: 0}}, "agreement_value": -0.5,
                      "discount": delta},
        },
        "protocol": {"kind": "one_sided", "first_proposer": "seller", "deadline": periods,
                     "lotteries": True},
        "uncertainty": {"buyer.agreement_value": {"uniform": [-1, 0], "types": types}},
    }  # fmt: skip


def buyer_value(form: dict[str, Any], delta: float) -> float:
    """The buyer's expected payoff in closed form: buyers in (k_t, k_{t-1}] pay p_t in
    period t, worth delta^t (theta - p_t)."""
    total, upper = 0.0, 1.0
    for t, (price, mass) in enumerate(zip(form["prices"], form["probabilities"], strict=True)):
        lower = upper - mass
        total += delta**t * ((upper**2 - lower**2) / 2 - price * mass)
        upper = lower
    return total


PERIODS = [1, 2, 3, 5, 10]


@pytest.mark.parametrize("periods", PERIODS, ids=[f"T={t}" for t in PERIODS])
def test_linear_model_converges_to_its_closed_form(periods: int) -> None:
    delta = 0.9
    form = closed_form(periods, delta)
    buyer_errors = []
    for n in (41, 161, 641):
        block = solve(scenario_from_data(seller_offers(n, periods, delta))).to_dict()
        block = block["screening"]
        prices = [0.5 - offer["utilities"]["buyer"] for offer in block["offers"]]
        assert prices == pytest.approx(form["prices"], abs=1e-8)
        assert block["agreement_probability_by_round"] == pytest.approx(
            form["probabilities"], abs=1e-8
        )
        assert block["expected_payoffs"]["seller"] == pytest.approx(form["seller"], abs=1e-8)
        error = abs(block["expected_payoffs"]["buyer"] - buyer_value(form, delta))
        assert error <= periods / n**2
        buyer_errors.append(error)
    # the buyer's payoff, an integral over types, converges (about 1/N^2; rounding floor)
    for coarse, fine in itertools.pairwise(buyer_errors):
        assert fine <= max(coarse / 4, 1e-12), buyer_errors


# --------------------------------------------------------------------------------------------
# The error estimate in the output


def table_text(analysis: Analysis) -> str:
    buffer = io.StringIO()
    console = Console(file=buffer, width=100, highlight=False, color_system=None)
    for part in solve_renderables(analysis):
        console.print(part)
    return " ".join(buffer.getvalue().replace("│", " ").split())


@pytest.mark.parametrize("lotteries", [False, True], ids=["single packages", "lotteries"])
def test_error_estimate_is_reported_and_warned_about(lotteries: bool) -> None:
    """A grid of 3 types (against 2) is too coarse for the responder's expected payoff,
    an integral over the types: the estimate says so and the analysis warns."""
    coarse = solve(venezuela(3, lotteries))
    block = coarse.to_dict()["screening"]
    estimate = block["discretization_error"]
    assert estimate["types"] == 3 and estimate["compared_with"] == 2
    assert estimate["estimate"] > TARGET and estimate["tolerance"] == TARGET
    assert estimate["estimate"] == pytest.approx(
        np.max(np.abs(headline(coarse) - headline(solve(venezuela(2, lotteries))))), abs=1e-12
    )
    (warning,) = [w for w in coarse.warnings if w.startswith("screening")]
    assert "3 types" in warning and "2 types" in warning and "raise" in warning
    assert coarse.to_dict()["warnings"] == list(coarse.warnings)
    text = table_text(coarse)
    assert f"move by up to {estimate['estimate']:.2g} between grids of 3 and 2 types" in text
    assert "raise types" in text


def test_no_warning_when_settled() -> None:
    analysis = solve(venezuela(801, False))
    assert analysis.screening.discretization.error < TARGET
    assert not any(w.startswith("screening") for w in analysis.warnings)
    assert "raise types" not in table_text(analysis)
