"""The agreements chart of simulated negotiations (``negsim plot --kind agreements``)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from negsim.cli import app
from negsim.plots import agreements_figure, figure_bytes
from negsim.scenario import load_scenario_text
from negsim.simulate import simulate
from negsim.space import OutcomeSpace

SCENARIO = """\
negsim: 1
name: Deadline talks
issues:
  price: {range: [0, 1], resolution: 21}
parties:
  seller:
    values: {price: {0: 0, 1: 1}}
    disagreement: 0.2
  buyer:
    values: {price: {0: 1, 1: 0}}
    disagreement: 0.2
protocol: {kind: alternating_offers, deadline: 8, breakdown_risk: 0.05}
uncertainty:
  buyer.disagreement: {uniform: [0.0, 0.5]}
simulation:
  runs: 400
  seed: 5
  agents:
    seller: {strategy: boulware, exponent: 0.3}
"""


def result():
    space = OutcomeSpace.from_scenario(load_scenario_text(SCENARIO, "deadline.yaml"))
    return simulate(space, rng=5)


def test_bars_are_the_histogram_as_shares_of_runs() -> None:
    simulated = result()
    ax = agreements_figure(simulated).axes[0]
    heights = np.array([patch.get_height() for patch in ax.patches])
    expected = np.array(simulated.agreement_round_histogram) / simulated.runs
    np.testing.assert_allclose(heights, expected)
    assert heights.sum() == pytest.approx(simulated.agreement_rate)
    title = ax.get_title(loc="left")
    assert f"{simulated.runs:,} simulated negotiations" in title
    assert "last round" in title  # the scenario has a deadline


def test_rendering_is_deterministic() -> None:
    simulated = result()
    first = figure_bytes(agreements_figure(simulated), "svg")
    assert first == figure_bytes(agreements_figure(simulated), "svg")
    assert figure_bytes(agreements_figure(simulated), "png").startswith(b"\x89PNG")


def test_cli_draws_it(tmp_path: Path) -> None:
    scenario = tmp_path / "deadline.yaml"
    scenario.write_text(SCENARIO)
    out = tmp_path / "agreements.svg"
    run = CliRunner().invoke(app, ["plot", str(scenario), "--kind", "agreements", "-o", str(out)])
    assert run.exit_code == 0, run.output
    assert out.read_bytes().startswith(b"<?xml")
