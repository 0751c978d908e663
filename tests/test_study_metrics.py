"""What sweeps and sensitivity report: the metric asked for (the screening outcome by
default under private information), paths of every kind checked against a direct solve,
misspelt paths refused before anything runs, and tables that fit 80 columns."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from negsim.analysis.metrics import choose_metrics, default_metrics, metrics
from negsim.api import load, solve
from negsim.cli import app
from negsim.present.terminal.sensitivity import sensitivity_table
from negsim.studies.sensitivity import scenario_data, sensitivity

PRIVATE = "venezuela-2025-private"


def run(args: list[str], **env: str):
    return CliRunner().invoke(app, args, env=env or None)


# --------------------------------------------------------------------------------------------
# Choosing metrics


def test_the_default_is_the_screening_outcome_under_private_information() -> None:
    assert default_metrics(load(PRIVATE)) == [
        "deal_probability", "screening.payoff.us", "screening.payoff.maduro"]  # fmt: skip
    assert default_metrics(load("pie-split")) == ["u.player1", "u.player2"]


def test_families_expand_and_bad_names_are_refused_with_a_hint() -> None:
    scenario = load(PRIVATE)
    assert choose_metrics(scenario, ["u", "deal_probability", "u.us"]) == [
        "u.us", "u.maduro", "deal_probability"]  # fmt: skip
    assert choose_metrics(scenario, ["screening.deal.sanctions_relief"]) == [
        "screening.deal.sanctions_relief"]  # fmt: skip
    with pytest.raises(ValueError, match=r"did you mean 'deal_probability'"):
        choose_metrics(scenario, ["dela_probability"])
    with pytest.raises(ValueError, match="categorical"):
        choose_metrics(scenario, ["deal.amnesty"])


# --------------------------------------------------------------------------------------------
# Sensitivity against direct solves


@pytest.mark.parametrize(
    ("path", "low", "high"),
    [
        ('uncertainty["maduro.disagreement"].types', 101, 201),  # a key with a dot
        ("parties.us.disagreement.lottery[0].p", 0.3, 0.7),  # an index, a lottery branch
    ],
)
def test_sensitivity_of_every_kind_of_path_equals_a_direct_solve(
    path: str, low: float, high: float
) -> None:
    """Each side's reported metrics (by default the screening outcome) are those of
    ``solve`` of the scenario edited with ``Scenario.replace``."""
    result = sensitivity(scenario_data(PRIVATE), {path: (low, high)})
    assert result.metrics == ("deal_probability", "screening.payoff.us",
                              "screening.payoff.maduro")  # fmt: skip
    (parameter,) = result.parameters
    base = load(PRIVATE)
    for side, value in ((parameter.low, low), (parameter.high, high)):
        assert side is not None and side.ok, side
        stored = int(value) if path.endswith("types") else value
        direct = solve(base.replace({path: stored}))
        assert direct.screening is not None
        expected = {
            "deal_probability": 1 - float(direct.screening.solution.no_agreement_probability),
            "screening.payoff.us": float(direct.screening.expected_payoffs[0]),
            "screening.payoff.maduro": float(direct.screening.expected_payoffs[1]),
        }
        for name, number in expected.items():
            assert side.metric(name) == pytest.approx(number, abs=1e-12)
        # every other metric is recorded as the sweep records it
        assert side.metrics["screening.deal.sanctions_relief"] == pytest.approx(
            metrics(direct)["screening.deal.sanctions_relief"], abs=1e-12)  # fmt: skip
    swing = result.metric_swing(parameter, "deal_probability")
    values = result.metric_outcomes(parameter, "deal_probability")
    assert swing == pytest.approx(np.ptp(values), abs=1e-15)


def test_sensitivity_cli_metric_is_repeatable_and_in_the_json(tmp_path: Path) -> None:
    result = run(["sensitivity", "pie-split", "parties.player2.discount", "--metric", "payoff",
                  "--metric", "nash.u.player1", "--format", "json", "--no-chart"])  # fmt: skip
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["metrics"] == ["payoff.player1", "payoff.player2", "nash.u.player1"]
    (parameter,) = payload["parameters"]
    assert list(parameter["metric_swing"]) == payload["metrics"]
    low, high = parameter["low"]["metrics"], parameter["high"]["metrics"]
    base = payload["base"]["metrics"]["payoff.player1"]
    values = [low["payoff.player1"], base, high["payoff.player1"]]
    assert parameter["metric_swing"]["payoff.player1"] == pytest.approx(max(values) - min(values))
    # the Nash point does not move with patience
    assert parameter["metric_swing"]["nash.u.player1"] == pytest.approx(0, abs=1e-12)
    assert payload["labels"]["parties"] == {"player1": "Player 1", "player2": "Player 2"}


@pytest.mark.parametrize(
    ("metric", "message"),
    [("dela_probability", "did you mean 'deal_probability'"), ("deal.amnesty", "categorical")],
)
def test_sensitivity_refuses_a_bad_metric_before_solving(metric: str, message: str) -> None:
    result = run(["sensitivity", PRIVATE, "--metric", metric, "--no-chart"])
    assert result.exit_code == 2
    assert message in result.stderr and result.stdout == ""


def test_the_sensitivity_table_fits_80_columns() -> None:
    """Long paths and long metric names wrap inside the table, never past 80 columns."""
    result = sensitivity(
        scenario_data(PRIVATE),
        {'uncertainty["maduro.disagreement"].types': (101, 201), "parties.us.discount": None},
        metrics=["screening.deal.sanctions_relief", "u"],
    )
    text = sensitivity_table(result)
    assert max(len(line) for line in text.splitlines()) <= 80
    assert "screening.deal.sanctions_relief" in text
    cli = run(["sensitivity", PRIVATE, "parties.us.discount", "--no-chart"], COLUMNS="80")
    assert cli.exit_code == 0, cli.output
    assert max(len(line) for line in cli.stdout.splitlines()) <= 80
    assert "Probability of a deal before the deadline (deal_probability)" in cli.stdout


# --------------------------------------------------------------------------------------------
# Misspelt paths


def test_a_misspelt_last_segment_is_refused_before_any_point_runs(tmp_path: Path) -> None:
    path = "parties.maduro.discont=0.9,0.95"
    folder = tmp_path / "out"
    for extra in ([], ["--dry-run"]):
        result = run(["sweep", PRIVATE, path, "-o", str(folder), *extra])
        assert result.exit_code == 2, result.output
        assert "did you mean 'discount'" in result.stderr
        assert not folder.exists()
    result = run(["sensitivity", PRIVATE, "parties.maduro.discont", "--no-chart"])
    assert result.exit_code == 2
    assert "did you mean 'discount'" in result.stderr


# --------------------------------------------------------------------------------------------
# Sweep charts of several metrics


def test_plot_sweep_draws_several_metrics_and_a_heatmap_only_one(tmp_path: Path) -> None:
    from negsim.present.charts.sweep import sweep_figure

    one = tmp_path / "one"
    done = run(["sweep", "pie-split", "parties.player2.discount=0.7,0.8,0.9", "-o", str(one),
                "-j", "1"])  # fmt: skip
    assert done.exit_code == 0, done.output
    figure = sweep_figure(one, ["u.player1", "nash.u.player2"])
    lines = {line.get_gid() for line in figure.axes[0].lines}
    assert {"line-u.player1", "line-nash.u.player2"} <= lines
    chart = tmp_path / "c.png"
    drawn = run(["plot", str(one), "--kind", "sweep", "--metric", "u", "--metric",
                 "payoff.player1", "-o", str(chart)])  # fmt: skip
    assert drawn.exit_code == 0, drawn.output
    two = tmp_path / "two"
    done = run(["sweep", "pie-split", "parties.player2.discount=0.7,0.8",
                "parties.player1.discount=0.8,0.9", "-o", str(two), "-j", "1"])  # fmt: skip
    assert done.exit_code == 0, done.output
    refused = run(["plot", str(two), "--kind", "sweep", "--metric", "u.player1", "--metric",
                   "u.player2", "-o", str(tmp_path / "h.png")])  # fmt: skip
    assert refused.exit_code == 2
    assert "a heatmap draws one metric" in refused.stderr


def test_a_swept_deadline_gets_a_column_for_every_round_of_the_longest(tmp_path: Path) -> None:
    folder = tmp_path / "out"
    done = run(["sweep", PRIVATE, "protocol.deadline=2,9", "-o", str(folder), "-j", "1"])
    assert done.exit_code == 0, done.output
    header = (folder / "results.csv").read_text(encoding="utf-8").splitlines()[0].split(",")
    rounds = [name for name in header if name.startswith("deal_probability.round.")]
    assert rounds == [f"deal_probability.round.{k}" for k in range(9)]


def test_a_categorical_term_draws_the_option_agreed_at_each_value(tmp_path: Path) -> None:
    from negsim.present.charts.sweep import sweep_figure

    folder = tmp_path / "out"
    done = run(["sweep", PRIVATE, "protocol.deadline=6,7,8,9", "-o", str(folder), "-j", "1"])
    assert done.exit_code == 0, done.output
    rows = (folder / "results.csv").read_text(encoding="utf-8").splitlines()
    header = rows[0].split(",")
    agreed = [row.split(",")[header.index("screening.deal.interim_government")] for row in rows[1:]]
    figure = sweep_figure(folder, "screening.deal.interim_government")
    ax = figure.axes[0]
    ticks = [label.get_text() for label in ax.get_yticklabels()]
    (points,) = [line for line in ax.lines if line.get_gid().startswith("points-")]
    drawn = [ticks[int(y)] for y in points.get_ydata()]
    assert drawn == agreed
    options = load(PRIVATE).issue("interim_government").options
    assert ticks == [option for option in options if option in agreed]  # the scenario's order
    title = ax.get_title()
    assert ("at every value" in title) == (len(set(agreed)) == 1)


def test_families_draw_every_member_and_too_many_lines_are_refused(tmp_path: Path) -> None:
    from negsim.present.charts.sweep import sweep_figure

    folder = tmp_path / "out"
    done = run(["sweep", PRIVATE, "protocol.deadline=2,3", "-o", str(folder), "-j", "1"])
    assert done.exit_code == 0, done.output
    figure = sweep_figure(folder, "screening.payoff")
    drawn = {line.get_gid() for line in figure.axes[0].lines}
    assert {"line-screening.payoff.us", "line-screening.payoff.maduro"} <= drawn
    assert "expected payoff under screening" in figure.axes[0].get_title(loc="left")
    assert figure.axes[0].get_ylabel() == "expected payoff under screening"
    assert choose_metrics(load(PRIVATE), ["deal_probability.round"]) == [
        f"deal_probability.round.{k}" for k in range(7)]  # fmt: skip
    many = ["--metric", "deal_probability.round", "--metric", "u", "--metric", "payoff"]
    refused = run(["plot", str(folder), "--kind", "sweep", *many, "-o", str(tmp_path / "x.png")])
    assert refused.exit_code == 2
    assert "too many for one chart" in refused.stderr


def test_party_keeps_that_partys_metrics_and_those_of_no_party() -> None:
    result = run(["sensitivity", PRIVATE, "parties.us.discount", "--party", "maduro",
                  "--no-chart", "--format", "json"])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["metrics"] == ["deal_probability", "screening.payoff.maduro"]
    wrong = run(["sensitivity", PRIVATE, "--party", "madur", "--no-chart"])
    assert wrong.exit_code == 2 and "did you mean 'maduro'" in wrong.stderr
    none = run(["sensitivity", PRIVATE, "--party", "us", "--metric", "u.maduro", "--no-chart"])
    assert none.exit_code == 2 and "is us's" in none.stderr
