"""Round labels: text and charts name a round by the scenario's unit and count from 1
("day 1" is the first round; "round 1" without a label that reads as time); JSON counts
from 0 (``docs/json.md``)."""

from __future__ import annotations

import re

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from typer.testing import CliRunner

from negsim.analysis.merged import outcome_space
from negsim.cli import app
from negsim.format import bundled
from negsim.format.loader import load_scenario
from negsim.present.words import (
    deadline_in_full,
    last_round_when,
    round_axis_label,
    round_heading,
    round_name,
    round_noun,
    round_number,
    round_unit,
    round_when,
)

ROUND_ZERO = re.compile(r"\bround[ -]0\b")


# --------------------------------------------------------------------------------------------
# The rule, word by word


@pytest.mark.parametrize(
    ("label", "first", "third", "noun"),
    [
        ("1 day", "day 1", "day 3", "day"),
        ("1 week", "week 1", "week 3", "week"),
        ("day", "day 1", "day 3", "day"),
        ("1 business day", "business day 1", "business day 3", "business day"),
        ("2 weeks", "round 1 (weeks 1–2)", "round 3 (weeks 5–6)", "round"),
        ("1.5 weeks", "round 1", "round 3", "round"),
        (None, "round 1", "round 3", "round"),
        ("", "round 1", "round 3", "round"),
        ("1 session", "round 1", "round 3", "round"),
        ("every Monday", "round 1", "round 3", "round"),
    ],
)
def test_round_names_count_from_one(label: str | None, first: str, third: str, noun: str) -> None:
    assert round_name(label, 0) == first
    assert round_name(label, 2) == third
    assert round_number(label, 0) == "1" and round_number(label, 2) == "3"
    assert round_noun(label) == noun


def test_a_label_reads_as_time_only_with_a_unit_of_time() -> None:
    assert round_unit("1 day") == (1.0, "day")
    assert round_unit("2 weeks") == (2.0, "week")
    assert round_unit("1 session") is None
    assert round_unit("1 round") is None
    assert round_unit(None) is None


def test_rounds_of_several_units_name_their_span() -> None:
    assert round_heading("2 weeks", 2) == "round 3\nweeks 5–6"
    assert round_heading("1 day", 2) == "day 3"
    assert round_axis_label("2 weeks", "of agreement") == "round of agreement (2 weeks each)"
    assert round_axis_label("1 day", "of agreement") == "day of agreement"
    assert round_axis_label(None) == "round"
    assert deadline_in_full("2 weeks", 7) == "7 rounds of 2 weeks (14 weeks)"
    assert deadline_in_full("1 session", 7) == "7 rounds"


def test_rounds_after_a_verb() -> None:
    assert round_when("1 day", 0) == "on day 1"
    assert round_when("1 week", 1) == "in week 2"
    assert round_when(None, 0) == "in round 1"
    assert round_when("2 weeks", 2) == "in round 3 (weeks 5–6)"
    assert last_round_when("1 day", 7) == "on the last day (day 7)"
    assert last_round_when(None, 7) == "in the last round (round 7)"
    assert last_round_when("2 weeks", 7) == "in the last round (round 7, weeks 13–14)"
    assert last_round_when("1 day", 7, named=False) == "on the last day"


# --------------------------------------------------------------------------------------------
# Commands and charts


def _labelled() -> list[str]:
    """Bundled scenarios whose protocol has a round label that reads as time."""
    names = bundled.bundled_names()
    chosen = []
    for name in names:
        path = bundled.resolve(name)
        assert path is not None
        if round_unit(load_scenario(path).protocol.round_label) is not None:
            chosen.append(name)
    assert chosen, "a bundled scenario should have a round label"
    return chosen


def test_solve_text_counts_rounds_from_one() -> None:
    name = _labelled()[0]
    path = bundled.resolve(name)
    assert path is not None
    label = load_scenario(path).protocol.round_label
    result = CliRunner().invoke(app, ["solve", name], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert not ROUND_ZERO.search(text), ROUND_ZERO.search(text)
    assert f"makes {round_when(label, 0)}" in " ".join(text.replace("│", " ").split())
    assert re.search(rf"│ {re.escape(round_name(label, 0))} +│", text)  # the first row


def _tick_labels(figure) -> list[str]:  # type: ignore[no-untyped-def]
    FigureCanvasAgg(figure).draw()
    ax = figure.axes[0]
    left, right = sorted(ax.get_xlim())
    return [
        tick.get_text()
        for tick, at in zip(ax.get_xticklabels(), ax.get_xticks(), strict=True)
        if left <= at <= right
    ]


def test_simulation_charts_count_rounds_from_one() -> None:
    from negsim.present.charts.simulation import agreements_figure, concessions_figure
    from negsim.studies.simulate import concession_trace, simulate

    name = _labelled()[0]
    path = bundled.resolve(name)
    assert path is not None
    space = outcome_space(load_scenario(path))
    label = space.scenario.protocol.round_label
    trace = concession_trace(space)
    figure = concessions_figure(trace)
    assert _tick_labels(figure)[0] == "1"
    assert figure.axes[0].get_xlabel() == round_axis_label(label)
    assert "(0 = first)" not in figure.axes[0].get_xlabel()
    result = simulate(space, runs=50, rng=0)
    figure = agreements_figure(result, label)
    ticks = _tick_labels(figure)
    assert ticks[0] == "1"
    assert ticks == [str(t) for t in range(1, len(result.agreement_round_histogram) + 1)]
    assert figure.axes[0].get_xlabel() == round_axis_label(label, "of agreement")
