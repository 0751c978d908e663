"""``negsim play`` on a space too large to enumerate (a merged space): a person types a
package off the kept Pareto frontier and the agent answers it; an infeasible one gets the
reason (``docs/play.md``)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from typer.testing import CliRunner

import negsim
from negsim.analysis import merged as merged_module
from negsim.analysis.merged import outcome_space
from negsim.cli import app
from negsim.format.terms import term_text
from negsim.present.words import points_text

TWO_BLOCKS = """
negsim: 1
name: two blocks
issues:
  a: {options: [x, y, z]}
  b: {options: [x, y]}
  c: {options: [x, y, z]}
constraints:
  - {forbid: {a: z, b: y}}
parties:
  p: {values: {a: {x: 1, y: 0, z: 0.5}, b: {x: 0, y: 1}, c: {x: 1, y: 0.5, z: 0}}}
  q: {values: {a: {x: 0, y: 0.2, z: 1}, b: {x: 1, y: 0}, c: {x: 0, y: 0.5, z: 1}}}
protocol: {first_proposer: p, deadline: 3}
"""


def typed(package: dict) -> str:
    return ", ".join(f"{name}={term_text(value)}" for name, value in package.items())


def test_a_person_offers_a_package_off_the_frontier(tmp_path: Path) -> None:
    """Trade-agreement (4^25 packages, only the frontier kept): the package worst for both
    sides together, typed as terms, is offered, answered and kept in the transcript."""
    space = outcome_space(negsim.load("trade-agreement"))
    assert not space.is_enumerated
    worst = {issue.name: space.level_value(k, int(np.argmin(u.sum(axis=0))))
             for k, (issue, u) in enumerate(zip(space.scenario.issues, space.issue_utilities,
                                                strict=True))}  # fmt: skip
    values = sum(u[:, int(np.argmin(u.sum(axis=0)))] for u in space.issue_utilities)
    assert np.abs(space.utilities - values[:, None]).max(axis=0).min() > 0.01  # off the frontier
    out = tmp_path / "t.json"
    result = CliRunner().invoke(
        app,
        ["play", "trade-agreement", "--as", "northland", "--seed", "1", "--transcript", str(out)],
        input=typed(worst) + "\n",
    )
    assert result.exit_code == 1, result.output  # the input ended before the game did
    assert "Pareto-optimal packages kept" not in result.output
    assert f"{points_text(float(values[0]))} points" in result.output  # the offer's worth
    record = json.loads(out.read_text())
    first = record["moves"][0]
    assert first["proposer"] == "northland" and first["package"] == worst
    assert first["response"] in ("accept", "reject")
    if first["response"] == "reject":
        assert record["moves"][1]["proposer"] == "southland"


def test_an_infeasible_package_is_refused_with_the_reason(tmp_path: Path, monkeypatch) -> None:
    """A small scenario merged by a lowered threshold: a package the constraint rules out is
    refused with the reason; a feasible one off the frontier is offered."""
    monkeypatch.setattr(merged_module, "ENUMERATE_UP_TO", 5)
    file = tmp_path / "two.yaml"
    file.write_text(TWO_BLOCKS)
    space = outcome_space(negsim.load(str(file)))
    assert not space.is_enumerated
    kept = space.packages(np.arange(space.n_feasible))
    off = {"a": "y", "b": "x", "c": "y"}  # a=y is worse for both than a=z
    assert off not in kept
    out = tmp_path / "t.json"
    result = CliRunner().invoke(
        app,
        ["play", str(file), "--as", "p", "--seed", "1", "--transcript", str(out)],
        input="a=z, b=y, c=x\n" + typed(off) + "\n",
    )
    assert "This package is ruled out by the scenario's constraints; try another." in result.output
    record = json.loads(out.read_text())
    assert record["moves"][0]["package"] == off
