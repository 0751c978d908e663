"""The Python API (``import negsim``): its public surface, and that every function gives
exactly what the command of the same name prints."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pandas
import pytest
from matplotlib.figure import Figure
from typer.testing import CliRunner

import negsim
from negsim.api import ChartError
from negsim.cli import app
from negsim.format.paths import PathError

runner = CliRunner()

PUBLIC = {
    "Analysis",
    "ConvergenceError",
    "Scenario",
    "ScenarioError",
    "__version__",
    "examples",
    "load",
    "plot",
    "sensitivity",
    "simulate",
    "solve",
    "sweep",
}


def cli_json(*args: str) -> dict:
    result = runner.invoke(app, [*args, "--format", "json"])
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


# --------------------------------------------------------------------------------------------
# The surface


def test_all_lists_exactly_the_public_surface():
    assert set(negsim.__all__) == PUBLIC
    for name in negsim.__all__:
        assert getattr(negsim, name) is not None
    assert set(dir(negsim)) >= PUBLIC
    with pytest.raises(AttributeError):
        _ = negsim.no_such_name


def test_import_negsim_is_light():
    heavy = "('numpy', 'matplotlib', 'rich')"
    code = f"import sys, negsim; print(sorted(m for m in {heavy} if m in sys.modules))"
    output = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert output.stdout.strip() == "[]"


# --------------------------------------------------------------------------------------------
# Loading


def test_load_takes_a_name_a_path_text_or_data():
    by_name = negsim.load("pie-split")
    (pie,) = [example for example in negsim.examples() if example.name == "pie-split"]
    by_path = negsim.load(Path(pie.path))
    assert by_name.party_names == by_path.party_names == ("player1", "player2")
    text = (
        "negsim: 1\nname: pie\nissues: {pie: {split: {total: 1}, resolution: 3}}\n"
        "parties: {a: {}, b: {}}\n"
    )
    assert negsim.load(text).n_packages == 3
    data = {"negsim": 1, "name": "pie", "issues": {"pie": {"split": {"total": 1}}},
            "parties": {"a": {}, "b": {}}}  # fmt: skip
    assert negsim.load(data).n_packages == 101


def test_load_refuses_an_unknown_name_with_the_examples():
    with pytest.raises(
        negsim.ScenarioError, match=r"neither a file nor a bundled example.*pie-split"
    ):
        negsim.load("no-such-example")


def test_load_reports_every_problem_with_its_position():
    with pytest.raises(negsim.ScenarioError) as raised:
        negsim.load("negsim: 1\nname: x\nissues: {}\nparties: {a: {}}\n")
    assert [(p.line, p.column) for p in raised.value.problems] == [(3, 9), (4, 10)]


def test_examples_are_the_bundled_scenarios():
    names = [example.name for example in negsim.examples()]
    assert names == sorted(names) and "venezuela-2025" in names
    assert all(example.title for example in negsim.examples())


# --------------------------------------------------------------------------------------------
# Variants


def test_replace_sets_paths_and_validates_again():
    scenario = negsim.load("pie-split")
    variant = scenario.replace({"parties.player2.discount": 0.5}, protocol__deadline=4)
    assert variant.party("player2").discount == 0.5 and variant.protocol.deadline == 4
    assert scenario.party("player2").discount == 0.8 and scenario.protocol.deadline is None
    with pytest.raises(negsim.ScenarioError, match="discount"):
        scenario.replace({"parties.player2.discount": 1.5})
    with pytest.raises(PathError):
        scenario.replace({"parties.nobody.discount": 0.5})


def test_replace_needs_data():
    scenario = negsim.load("pie-split")
    import dataclasses

    built = dataclasses.replace(scenario, data=None)
    with pytest.raises(ValueError, match="built in code"):
        built.replace(protocol__deadline=2)


# --------------------------------------------------------------------------------------------
# The same answers as the commands


@pytest.mark.parametrize("name", ["pie-split", "venezuela-2025-private", "territorial-dispute"])
def test_solve_gives_the_json_of_negsim_solve(name):
    analysis = negsim.solve(name)
    result = runner.invoke(app, ["solve", name, "--format", "json"])
    assert result.stdout == analysis.to_json() + "\n"
    assert json.loads(result.stdout) == json.loads(json.dumps(analysis.to_dict()))


def test_reprs_are_short_and_say_the_deal():
    analysis = negsim.solve("venezuela-2025")
    text = repr(analysis)
    assert len(text) < 1200
    assert "agreement in round 0 on us's offer" in text and "utilities us 0.836" in text
    assert "interim_government=technocrat" in text  # a single package: lotteries are off
    assert "backward induction" in text and "Nash solution: us 0.726" in text
    assert repr(analysis.equilibrium).startswith("<Equilibrium of alternating_offers")
    assert len(repr(negsim.load("venezuela-2025"))) < 200


def test_analysis_records_are_the_pareto_packages():
    analysis = negsim.solve("venezuela-2025")
    frame = pandas.DataFrame(analysis.to_records())
    assert len(frame) == analysis.counts.pareto_individually_rational
    assert list(frame.columns[-2:]) == ["u.us", "u.maduro"]
    assert frame["u.us"].is_monotonic_decreasing
    split = pandas.DataFrame(negsim.solve("pie-split").to_records())
    assert {"pie.player1", "pie.player2"} <= set(split.columns)
    assert (split["pie.player1"] + split["pie.player2"]).round(12).eq(1.0).all()


def test_simulate_gives_the_json_of_negsim_simulate():
    result = negsim.simulate("pie-split", runs=300, seed=5)
    assert result.to_dict() == cli_json("simulate", "pie-split", "--runs", "300", "--seed", "5")
    command = runner.invoke(
        app, ["simulate", "pie-split", "--runs", "300", "--seed", "5", "--format", "json"]
    )
    assert command.stdout == result.to_json() + "\n"
    rows = pandas.DataFrame(result.to_records())
    assert rows["agreements"].sum() == result.agreements and len(rows) == result.rounds


def test_sensitivity_gives_the_json_of_negsim_sensitivity(tmp_path):
    result = negsim.sensitivity("pie-split")
    out = tmp_path / "tornado.svg"
    command = runner.invoke(app, ["sensitivity", "pie-split", "--format", "json", "-o", str(out)])
    assert command.exit_code == 0
    assert command.stdout == result.to_json() + "\n"
    frame = pandas.DataFrame(result.to_records())
    assert set(frame["side"]) == {"low", "high"} and len(frame) == 2 * len(result.parameters)


def test_sweep_gives_the_rows_of_negsim_sweep(tmp_path):
    grid = {"parties.player2.discount": [0.5, 0.8], "protocol.deadline": "1:2"}
    table = negsim.sweep("pie-split", grid, seed=3)
    out = tmp_path / "cli"
    command = runner.invoke(
        app,
        ["sweep", "pie-split", "parties.player2.discount=0.5,0.8", "protocol.deadline=1:2",
         "--seed", "3", "-o", str(out), "-j", "1"],
    )  # fmt: skip
    assert command.exit_code == 0, command.stderr
    from negsim.studies.sweep_table import read_results

    records = table.to_records()
    assert [r["point"] for r in records] == [0, 1, 2, 3]
    cli = read_results(out).to_records()
    same = [
        {k: v for k, v in row.items() if not (isinstance(v, float) and math.isnan(v))}
        for row in records
    ] == [
        {k: v for k, v in row.items() if not (isinstance(v, float) and math.isnan(v))}
        for row in cli
    ]
    assert same


def test_sweep_writes_a_folder_when_asked(tmp_path):
    folder = tmp_path / "sweep"
    negsim.sweep("pie-split", {"protocol.deadline": [1, 2]}, seed=1, output=folder)
    assert (folder / "results.csv").is_file() and (folder / "manifest.json").is_file()
    with pytest.raises(Exception, match="not empty"):
        negsim.sweep("pie-split", {"protocol.deadline": [1, 2]}, seed=1, output=folder)


# --------------------------------------------------------------------------------------------
# Charts


@pytest.mark.parametrize("kind", ["frontier", "deadline", "concessions"])
def test_plot_draws_from_a_scenario(kind):
    figure = negsim.plot("pie-split", kind=kind, max_deadline=4 if kind == "deadline" else None)
    assert isinstance(figure, Figure) and figure.axes


def test_plot_draws_the_records_of_every_study():
    scenario = negsim.load("venezuela-2025-private")
    analysis = negsim.solve(scenario)
    assert isinstance(negsim.plot(analysis.screening), Figure)
    assert isinstance(negsim.plot(negsim.sensitivity("pie-split")), Figure)
    assert isinstance(negsim.plot(negsim.simulate("pie-split", runs=100, seed=1)), Figure)
    table = negsim.sweep("pie-split", {"protocol.deadline": [1, 2, 3]}, seed=1)
    assert isinstance(negsim.plot(table), Figure)


def test_plot_refuses_a_chart_the_subject_cannot_give():
    with pytest.raises(ChartError, match="no screening to draw"):
        negsim.plot("pie-split", kind="screening")
    with pytest.raises(ChartError, match="unknown chart kind"):
        negsim.plot("pie-split", kind="pie")
    with pytest.raises(ChartError, match="draws the tornado chart"):
        negsim.plot(negsim.sensitivity("pie-split"), kind="frontier")
