"""Alternating offers with three or more parties and no deadline: the stationary equilibrium
is reported, marked not unique where threats sustain other agreements.

Source: Osborne, M. J. & Rubinstein, A. (1990). Bargaining and Markets, section 3.13
(Shaked's example; Herrero 1985). Three players share a unit pie, proposing in turn, with a
common discount factor delta. The stationary equilibrium gives the proposers of rounds 0, 1, 2
the shares (1, delta, delta^2) / (1 + delta + delta^2); when delta >= 1/2 every division is a
subgame-perfect outcome. With n players the same construction works when every proposer's
responders cannot all be given more than delta: (n - 1) delta >= 1.

The pie is divisible (`lotteries: true`, resolution 2: its corners, lotteries fill the
simplex), so the stationary shares are exact up to the limit's tolerance, 1e-9; the ranges
are [0, 1] exactly.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import negsim


def pie(n: int, discounts: list[float], *, breakdown: float = 0.0) -> negsim.Scenario:
    parties = ", ".join(f"p{i}: {{discount: {d}}}" for i, d in enumerate(discounts[:n]))
    return negsim.load(
        "negsim: 1\nname: pie\nissues: {pie: {split: {total: 1}, resolution: 2}}\n"
        f"parties: {{{parties}}}\n"
        f"protocol: {{lotteries: true, breakdown_risk: {breakdown}}}\n"
    )


def stationary_shares(n: int, delta: float) -> np.ndarray:
    shares = delta ** np.arange(n)
    return shares / shares.sum()


@pytest.mark.parametrize("delta", [0.9, 0.6])
def test_three_patient_players_any_division(delta: float) -> None:
    result = negsim.solve(pie(3, [delta] * 3)).to_dict()["equilibrium"]
    utilities = np.array(list(result["utilities"].values()))
    np.testing.assert_allclose(utilities, stationary_shares(3, delta), atol=1e-9)
    assert result["unique"] is False
    assert result["range"] == {name: [0.0, 1.0] for name in ("p0", "p1", "p2")}
    assert "Osborne & Rubinstein 1990" in result["note"]


@pytest.mark.parametrize("delta", [0.3, 0.45])
def test_three_impatient_players_only_the_stationary_split(delta: float) -> None:
    result = negsim.solve(pie(3, [delta] * 3)).to_dict()["equilibrium"]
    utilities = np.array(list(result["utilities"].values()))
    np.testing.assert_allclose(utilities, stationary_shares(3, delta), atol=1e-9)
    assert "unique" not in result and "range" not in result and "note" not in result


@pytest.mark.parametrize(("delta", "unique"), [(0.3, True), (0.36, False)])
def test_four_players_threshold_is_one_third(delta: float, unique: bool) -> None:
    result = negsim.solve(pie(4, [delta] * 4)).to_dict()["equilibrium"]
    assert ("unique" not in result) is unique


def test_unequal_discounts_use_the_responders_sum() -> None:
    # proposer p0's responders: 0.3 + 0.6 < 1, so p0 can buy both above their best
    # rejection value: the threat fails for p0 and the construction makes no claim
    assert "unique" not in negsim.solve(pie(3, [0.9, 0.3, 0.6])).to_dict()["equilibrium"]
    # every proposer's responders sum to at least 1: every departure is rejected by someone
    found = negsim.solve(pie(3, [0.5, 0.5, 0.6])).to_dict()["equilibrium"]
    assert found["unique"] is False


def test_breakdown_risk_shrinks_the_effective_discount() -> None:
    # with breakdown risk p and disagreement 0 a punished party still gets 0 (the fixed
    # point of m = (1 - p) delta m), so the range stays [0, 1], and the effective factor
    # (1 - p) delta decides: (1 - 0.1) 0.9 = 0.81 >= 1/2 sustains everything ...
    found = negsim.solve(pie(3, [0.9] * 3, breakdown=0.1)).to_dict()["equilibrium"]
    assert found["unique"] is False and found["range"]["p0"] == [0.0, 1.0]
    # ... (1 - 0.5) 0.9 = 0.45 < 1/2 does not: a proposer can give both responders more
    low = negsim.solve(pie(3, [0.9] * 3, breakdown=0.5)).to_dict()["equilibrium"]
    assert "unique" not in low


def test_two_parties_stay_unique() -> None:
    result = negsim.solve(pie(2, [0.9, 0.9])).to_dict()["equilibrium"]
    assert "unique" not in result


def test_the_table_names_the_reason(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from negsim.cli import app

    path = tmp_path / "three.yaml"
    path.write_text(
        "negsim: 1\nname: pie\nissues: {pie: {split: {total: 1}, resolution: 2}}\n"
        "parties: {a: {discount: 0.9}, b: {discount: 0.9}, c: {discount: 0.9}}\n"
        "protocol: {lotteries: true}\n",
        encoding="utf-8",
    )
    out = CliRunner().invoke(app, ["solve", str(path)]).stdout
    text = " ".join(out.split())
    assert "Not unique: other subgame-perfect outcomes exist" in text
    assert "a from 0.000 to 1.000" in text


def test_single_packages_that_cycle_are_reported_at_once() -> None:
    """On a 0.05 grid of single packages the backward induction of three patient players
    repeats itself exactly every few rounds, so no deadline brings a limit: the answer
    says so after the first deadlines instead of trying ever longer ones."""
    scenario = negsim.load(
        "negsim: 1\nname: pie\nissues: {pie: {split: {total: 1}, resolution: 21}}\n"
        "parties: {a: {discount: 0.9}, b: {discount: 0.9}, c: {discount: 0.9}}\n"
        "protocol: {lotteries: false}\n"
    )
    analysis = negsim.solve(scenario)
    report = analysis.equilibrium.convergence
    assert report is not None and not report.converged and report.iterations == 64
    assert "cycle for ever" in report.method and report.residual > 0.01
    (warning,) = analysis.warnings
    assert "no limit" in warning and "may not be near any limit" in warning
    assert "accurate only to" not in warning  # a drifting limit bounds nothing
