"""Iterations never answer silently: every fixed point, value iteration and limit reports
``converged``, ``iterations`` and its residual, and one stopped at its cap is an error or a
warning, never a plain answer."""

from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from negsim.analysis import equilibrium as equilibrium_module
from negsim.analysis.pipeline import solve
from negsim.cli import app
from negsim.format.loader import load_scenario_text
from negsim.solvers import random_proposer as random_proposer_module
from negsim.solvers.alternating import fixed_points
from negsim.solvers.convergence import Convergence, ConvergenceError

THREE_PARTY_PIE = """\
negsim: 1
name: Three-way split
issues:
  pie: {split: {total: 1}, resolution: 31}
parties:
  a: {discount: 0.9}
  b: {discount: 0.9}
  c: {discount: 0.9, values: {pie: {exponent: 0.5}}}
protocol: {kind: PROTOCOL, lotteries: true}  # a divisible pie
"""


def three_party(protocol: str) -> str:
    return THREE_PARTY_PIE.replace("PROTOCOL", protocol)


def test_the_stationary_fixed_point_reports_its_convergence():
    rubinstein = load_scenario_text(
        "negsim: 1\nname: pie\nissues: {pie: {split: {total: 1}, resolution: 101}}\n"
        "parties: {a: {discount: 0.9}, b: {discount: 0.8}}\n"
    )
    report = solve(rubinstein).equilibrium.convergence
    assert report is not None and report.converged
    assert report.iterations >= 1 and 0 <= report.residual <= report.tolerance


def test_an_increasing_map_creeping_to_its_fixed_point_is_solved_exactly():
    # F(x) = x + (1 - x) / 1000 climbs towards 1 for ever; the cap hands over to the check of
    # the bracket, which finds the fixed point 1 with no residual
    def step(x: float):  # the offers are not needed here
        return x + (1 - x) / 1000, None, None

    smallest, largest, _, report = fixed_points(step, 0.0, 1.0, max_steps=10)
    assert smallest == largest == 1.0
    assert report.converged and report.residual == 0.0


def test_value_iteration_stopped_at_its_cap_is_an_error(monkeypatch):
    monkeypatch.setattr(random_proposer_module, "MAX_ITERATIONS", 3)
    scenario = load_scenario_text(three_party("random_proposer"))
    with pytest.raises(ConvergenceError) as raised:
        solve(scenario)
    report = raised.value.report
    assert not report.converged and report.iterations == 3 and report.residual > 1e-9
    assert "set a deadline" in str(raised.value)


@pytest.mark.slow
def test_value_iteration_that_settles_reports_its_bound():
    report = solve(load_scenario_text(three_party("random_proposer"))).equilibrium.convergence
    assert report is not None and report.converged
    # a contraction of modulus 0.9: the bound is nine times the last step
    assert report.residual <= 9 * random_proposer_module.STEP_TOLERANCE + 1e-18


def test_the_cli_exits_1_and_says_what_to_change_when_iteration_fails(monkeypatch, tmp_path):
    monkeypatch.setattr(random_proposer_module, "MAX_ITERATIONS", 3)
    path = tmp_path / "three.yaml"
    path.write_text(three_party("random_proposer"), encoding="utf-8")
    result = CliRunner().invoke(app, ["solve", str(path), "--format", "json"])
    assert result.exit_code == 1
    assert "did not converge in 3 iterations" in result.stderr
    assert "protocol.deadline" in result.stderr
    assert result.stdout == ""


def test_a_limit_of_deadlines_that_has_not_settled_is_a_warning(monkeypatch, tmp_path):
    # three impatient parties without a deadline are solved as the limit of ever longer
    # deadlines; allowed only four rounds, the payoffs of deadlines 4, 5 and 6 still differ
    monkeypatch.setattr(equilibrium_module, "LIMIT_DEADLINES", (4,))
    path = tmp_path / "three.yaml"
    path.write_text(three_party("alternating_offers"), encoding="utf-8")
    analysis = solve(load_scenario_text(path.read_text(encoding="utf-8")))
    report = analysis.equilibrium.convergence
    assert report is not None and not report.converged and report.iterations == 4
    assert report.residual > 1e-3
    assert len(analysis.warnings) == 1 and "did not converge" in analysis.warnings[0]

    result = CliRunner().invoke(app, ["solve", str(path), "--format", "json"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["warnings"] == list(analysis.warnings)
    assert data["equilibrium"]["convergence"]["converged"] is False
    assert "negsim: warning: equilibrium: limit of ever longer deadlines" in result.stderr


@pytest.mark.slow
def test_the_long_limit_converges_and_says_so():
    analysis = solve(load_scenario_text(three_party("alternating_offers")))
    report = analysis.equilibrium.convergence
    assert report is not None and report.converged and report.residual <= 1e-9
    assert analysis.warnings == ()
    # the limit agrees with a long deadline of each parity
    for deadline in (301, 302, 303):
        long = solve(load_scenario_text(three_party(f"alternating_offers, deadline: {deadline}")))
        np.testing.assert_allclose(
            long.equilibrium.payoffs, analysis.equilibrium.payoffs, atol=1e-9
        )


def test_backward_induction_is_exact_and_reports_no_iteration():
    scenario = load_scenario_text(
        "negsim: 1\nname: pie\nissues: {pie: {split: {total: 1}, resolution: 11}}\n"
        "parties: {a: {discount: 0.9}, b: {discount: 0.8}}\nprotocol: {deadline: 5}\n"
    )
    analysis = solve(scenario)
    assert analysis.equilibrium.convergence is None
    assert analysis.to_dict()["equilibrium"]["convergence"] is None


def test_the_many_party_nash_point_reports_its_optimality_gap():
    scenario = load_scenario_text(
        "negsim: 1\nname: three\nissues: {pie: {split: {total: 1}, resolution: 7}}\n"
        "parties: {a: {}, b: {}, c: {values: {pie: {exponent: 0.5}}}}\n"
    )
    nash = solve(scenario).solutions["nash"]
    assert nash is not None
    report = nash.hull.convergence
    assert isinstance(report, Convergence) and report.converged
    assert report.residual <= 1e-9
    # a and b value the pie alike: the Nash point treats them alike
    assert nash.hull.utilities[0] == pytest.approx(nash.hull.utilities[1], abs=1e-7)


def test_a_cycling_value_iteration_is_stopped_early_with_an_error():
    # Baron-Ferejohn with a majority of three and unequal patience: the cheapest partner
    # switches at every step, so the pure-coalition value iteration cycles for ever (the
    # stationary equilibrium would need mixed coalition choices); it must fail fast and say so
    text = (
        "negsim: 1\nname: majority\nissues: {pie: {split: {total: 1}, resolution: 11}}\n"
        "parties: {a: {discount: 0.95}, b: {discount: 0.9}, c: {discount: 0.8}}\n"
        "protocol: {kind: random_proposer, rule: majority, lotteries: false}\n"
    )
    with pytest.raises(ConvergenceError) as raised:
        solve(load_scenario_text(text))
    report = raised.value.report
    assert not report.converged
    assert report.iterations <= random_proposer_module.STALL_WINDOW + 10
    assert "keep switching" in str(raised.value) and "protocol.deadline" in str(raised.value)
