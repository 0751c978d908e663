"""The agreements chart of simulated negotiations (``negsim plot --kind agreements``)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from negsim.cli import app
from negsim.format.loader import load_scenario_text
from negsim.present.charts.simulation import agreements_figure
from negsim.present.charts.style import figure_bytes
from negsim.space import OutcomeSpace
from negsim.studies.simulate import simulate

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


@pytest.mark.slow
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


def test_concession_trace_follows_the_schedules() -> None:
    """Time-based targets: best - (best - d) * (t / (T - 1)) ** (1 / exponent) (spec,
    Simulation), at the stated values; the trace ends at the agreement."""
    from negsim.present.charts.simulation import concessions_figure
    from negsim.studies.simulate import concession_trace

    space = OutcomeSpace.from_scenario(load_scenario_text(SCENARIO, "deadline.yaml"))
    trace = concession_trace(space)
    rounds = np.arange(trace.targets.shape[0])
    fraction = rounds / (trace.rounds - 1)
    best = space.utilities.max(axis=1)
    np.testing.assert_allclose(
        trace.targets[:, 0], best[0] - (best[0] - 0.2) * fraction ** (1 / 0.3)
    )
    np.testing.assert_allclose(trace.targets[:, 1], best[1] - (best[1] - 0.2) * fraction)
    assert trace.agreement_round == rounds[-1]
    assert list(trace.proposers) == [t % 2 for t in rounds]
    # each proposer's offer is worth at least its target to itself
    own = trace.offers[rounds, trace.proposers]
    assert np.all(own >= trace.targets[rounds, trace.proposers] - 1e-9)
    ax = concessions_figure(trace).axes[0]
    np.testing.assert_allclose(ax.lines[0].get_ydata(), trace.targets[:, 0])
    assert f"round {trace.agreement_round + 1} of" in ax.get_title(loc="left")  # counted from 1
