"""The JSON contract of docs/json.md, checked against what the commands write: strict JSON
for every bundled scenario, the documented keys in the documented order, labels and units,
and an equilibrium package that is filled for every deal."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from negsim.api import examples, load, solve
from negsim.cli import app
from negsim.format.labels import round_length, scenario_labels

DOCS = Path(__file__).parents[1] / "docs" / "json.md"
BUNDLED = [example.name for example in examples()]


def run(args: list[str]):
    return CliRunner().invoke(app, args)


def strict(text: str):
    """JSON as RFC 8259 reads it: NaN and Infinity are errors."""

    def refuse(token: str):
        raise ValueError(f"non-standard JSON token {token}")

    return json.loads(text, parse_constant=refuse)


def documented_keys(heading: str) -> list[str]:
    """The keys of the first table after ``heading`` in docs/json.md, in order."""
    text = DOCS.read_text(encoding="utf-8")
    start = text.index(heading)
    keys, seen_table = [], False
    for line in text[start:].splitlines()[1:]:
        match = re.match(r"^\| `([a-z_0-9]+)` \|", line)
        if match:
            keys.append(match.group(1))
            seen_table = True
        elif seen_table and not line.startswith("|"):
            break
    return keys


@pytest.mark.parametrize("name", BUNDLED)
def test_solve_json_of_every_bundled_scenario_is_strict_and_labelled(name: str) -> None:
    result = run(["solve", name, "--format", "json"])
    assert result.exit_code == 0, result.output
    data = strict(result.stdout)
    assert list(data) == documented_keys("### Top-level keys")
    scenario = load(name)
    labels = data["labels"]
    assert labels["parties"] == {party.name: party.label for party in scenario.parties}
    assert list(labels["issues"]) == list(scenario.issue_names)
    for issue in scenario.issues:
        assert labels["issues"][issue.name]["label"] == issue.label
        assert labels["issues"][issue.name]["kind"] == issue.kind
    assert labels["round"]["label"] == scenario.protocol.round_label
    equilibrium = data["equilibrium"]
    if equilibrium["agreement"] and equilibrium["protocol"] != "random_proposer":
        assert equilibrium["package"] is not None
        assert equilibrium["package_is_lottery"] == (len(equilibrium["mix"]) > 1)


def test_a_lottery_over_categorical_options_has_its_expected_terms() -> None:
    """With lotteries the deal may mix two options of an issue: ``package`` then gives the
    more likely option and the weighted mean of each number, the lottery beside it."""
    analysis = solve(load("venezuela-2025").replace({"protocol.lotteries": True}))
    equilibrium = json.loads(analysis.to_json())["equilibrium"]
    mix = equilibrium["mix"]
    assert len(mix) == 2 and equilibrium["package_is_lottery"] is True
    package = equilibrium["package"]
    differing = [k for k in package if mix[0]["package"][k] != mix[1]["package"][k]]
    assert differing  # the two packages differ on a categorical issue
    for issue in package:
        options = [m["package"][issue] for m in mix]
        weights = [m["weight"] for m in mix]
        if isinstance(options[0], str):
            likeliest = options[0] if weights[0] >= weights[1] else options[1]
            assert package[issue] == likeliest
        else:
            mean = sum(w * v for w, v in zip(weights, options, strict=True))
            assert package[issue] == pytest.approx(mean, abs=1e-12)


def test_labels_read_the_round_as_a_length_of_time() -> None:
    assert round_length("1 day") == (1.0, "day")
    assert round_length("2 weeks") == (2.0, "week")
    assert round_length("1 business day") == (1.0, "business day")
    assert round_length("session") is None
    assert round_length("3-4 sessions?") is None
    assert round_length(None) is None
    labels = scenario_labels(load("venezuela-2025"))
    assert labels["round"] == {"label": "1 day", "length": 1.0, "unit": "day"}
    assert labels["issues"]["sanctions_relief"]["unit"] == "officials"
    assert labels["issues"]["amnesty"]["options"][0] == "none"


def test_simulate_and_sensitivity_json_have_labels() -> None:
    simulated = run(["simulate", "pie-split", "--runs", "50", "--seed", "1", "--format", "json"])
    assert simulated.exit_code == 0, simulated.output
    data = strict(simulated.stdout)
    assert data["labels"]["parties"]["player1"] == "Player 1"
    assert list(data) == documented_keys("## `negsim simulate FILE --format json`")
    varied = run(["sensitivity", "pie-split", "parties.player1.discount", "--no-chart",
                  "--format", "json"])  # fmt: skip
    assert varied.exit_code == 0, varied.output
    data = strict(varied.stdout)
    assert list(data) == documented_keys("## `negsim sensitivity FILE")
    assert data["labels"]["issues"]["pie"]["kind"] == "split"


def test_the_manifest_holds_every_documented_key_in_order(tmp_path: Path) -> None:
    folder = tmp_path / "out"
    done = run(["sweep", "pie-split", "parties.player2.discount=0.8,0.9", "-o", str(folder),
                "-j", "1", "--seed", "3"])  # fmt: skip
    assert done.exit_code == 0, done.output
    manifest = strict((folder / "manifest.json").read_text(encoding="utf-8"))
    assert list(manifest) == documented_keys("### `manifest.json`")
    assert manifest["resumed"] == [] and manifest["seconds"] >= 0
    assert manifest["scenario_copy"] == "scenario.yaml"
    assert (folder / manifest["scenario_copy"]).is_file()
    assert manifest["labels"]["parties"] == {"player1": "Player 1", "player2": "Player 2"}
    again = run(["sweep", "pie-split", "parties.player2.discount=0.8,0.9", "-o", str(folder),
                 "-j", "1", "--resume"])  # fmt: skip
    assert again.exit_code == 0, again.output
    resumed = strict((folder / "manifest.json").read_text(encoding="utf-8"))
    assert len(resumed["resumed"]) == 1 and resumed["started"] == manifest["started"]
