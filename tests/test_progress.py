"""Long work reports progress: a screening solve over many types and rounds, and a
deadline curve whose talks change over time, advance a progress bar once per round or
deadline and close it; short work shows none. On a terminal the bar is drawn on standard
error and standard output keeps only the result."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import ClassVar

import numpy as np
import pytest

from negsim.analysis import screening as screening_module
from negsim.analysis.screening import screening
from negsim.format.loader import load_scenario, load_scenario_text
from negsim.space import OutcomeSpace
from negsim.studies.curves import deadline_curve

ROOT = Path(__file__).resolve().parent.parent


class CountingBar:
    """A progress bar that counts its steps."""

    made: ClassVar[list[CountingBar]] = []

    def __init__(self, total: int):
        self.total, self.steps, self.closed = total, 0, False
        CountingBar.made.append(self)

    def advance(self) -> None:
        self.steps += 1

    def close(self) -> None:
        self.closed = True


@pytest.fixture(autouse=True)
def fresh_bars() -> None:
    CountingBar.made.clear()


def private_space(types: int, deadline: int) -> OutcomeSpace:
    scenario = load_scenario(ROOT / "scenarios" / "venezuela-2025-private.yaml")
    (private,) = scenario.uncertainty
    changed = dataclasses.replace(
        private, distribution=dataclasses.replace(private.distribution, types=types)
    )
    protocol = dataclasses.replace(scenario.protocol, deadline=deadline)
    return OutcomeSpace.from_scenario(
        dataclasses.replace(scenario, uncertainty=(changed,), protocol=protocol)
    )


def test_a_long_screening_solve_advances_one_step_per_round_of_both_grids(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(screening_module, "PROGRESS_CELLS", 1000)
    found = screening(private_space(101, 12), progress=CountingBar)
    assert found is not None and found.discretization is not None
    (bar,) = CountingBar.made
    assert bar.total == 24 and bar.steps == 24 and bar.closed  # 12 rounds, twice


def test_a_short_screening_solve_shows_no_bar() -> None:
    assert screening(private_space(101, 12), progress=CountingBar) is not None
    assert CountingBar.made == []


PIE_WITH_COSTS = """negsim: 1
name: pie with costs
issues:
  pie: {split: {total: 1}, resolution: 101}
parties:
  a: {discount: 0.9, cost_per_round: 0.01}
  b: {discount: 0.8}
protocol: {kind: alternating_offers, lotteries: true}
"""


def test_a_deadline_curve_that_changes_over_time_advances_once_per_deadline() -> None:
    space = OutcomeSpace.from_scenario(load_scenario_text(PIE_WITH_COSTS, "costs.yaml"))
    curve = deadline_curve(space, range(1, 51), progress=CountingBar)
    (bar,) = CountingBar.made
    assert bar.total == 50 and bar.steps == 50 and bar.closed
    assert np.all(np.isfinite(curve.payoffs))


def test_a_deadline_curve_without_change_over_time_needs_no_bar() -> None:
    text = PIE_WITH_COSTS.replace(", cost_per_round: 0.01", "")
    space = OutcomeSpace.from_scenario(load_scenario_text(text, "plain.yaml"))
    deadline_curve(space, range(1, 51), progress=CountingBar)
    assert CountingBar.made == []


@pytest.mark.slow
@pytest.mark.skipif(not Path("/usr/bin/script").exists(), reason="needs script(1) for a tty")
def test_on_a_terminal_the_bar_goes_to_standard_error_and_the_json_stays_clean(
    tmp_path: Path,
) -> None:
    """``solve --format json`` on a pseudo-terminal: the JSON file written through standard
    output parses strictly; the bar's text appears only on the terminal (standard error)."""
    text = (ROOT / "scenarios" / "venezuela-2025-private.yaml").read_text(encoding="utf-8")
    text = text.replace("deadline: 7 ", "deadline: 60 ").replace(
        "maduro.disagreement: {uniform: [-0.2, 0.6]}",
        "maduro.disagreement: {uniform: [-0.2, 0.6], types: 40001}",
    )
    path, out = tmp_path / "private.yaml", tmp_path / "out.json"
    path.write_text(text, encoding="utf-8")
    command = f"{sys.executable} -m negsim solve {path} --format json > {out}"
    shown = subprocess.run(
        ["script", "-qc", command, "/dev/null"], capture_output=True, text=True, timeout=300,
        env={**os.environ, "COLUMNS": "120"},
    )  # fmt: skip
    assert "screening" in shown.stdout and "120/120" in shown.stdout
    data = json.loads(out.read_text(encoding="utf-8"), parse_constant=pytest.fail)
    assert data["screening"]["types"] == 40001
