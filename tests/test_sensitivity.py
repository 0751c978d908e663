"""One-at-a-time sensitivity and the tornado chart (negsim.studies.sensitivity,
negsim.present.charts.tornado)."""

from __future__ import annotations

import copy

import numpy as np
import pytest

from negsim.errors import ScenarioError
from negsim.present.charts.style import figure_bytes
from negsim.present.charts.tornado import tornado_figure, tornado_finding
from negsim.present.terminal.sensitivity import sensitivity_table
from negsim.studies.sensitivity import (
    default_paths,
    parse_path_argument,
    scenario_data,
    sensitivity,
    variation,
)


def rubinstein(d1: float, d2: float) -> float:
    """Player 1's share when player 1 proposes first (Rubinstein 1982)."""
    return (1 - d2) / (1 - d1 * d2)


@pytest.fixture(scope="module")
def pie() -> dict:
    return scenario_data("pie-split")


@pytest.fixture(scope="module")
def pie_result(pie: dict):
    return sensitivity(pie)


def test_default_paths_follow_the_scenario(pie: dict) -> None:
    assert default_paths(pie) == ["parties.player1.discount", "parties.player2.discount"]
    data = copy.deepcopy(pie)
    data["parties"]["player1"]["disagreement"] = 0.1
    data["parties"]["player2"]["cost_per_round"] = 0.01
    data["protocol"]["deadline"] = 5
    data["protocol"]["breakdown_risk"] = 0.02
    assert default_paths(data) == [
        "parties.player1.discount",
        "parties.player2.discount",
        "parties.player1.disagreement",
        "parties.player2.cost_per_round",
        "protocol.breakdown_risk",
        "protocol.deadline",
    ]


def test_swings_match_the_closed_form(pie_result) -> None:
    first, second = pie_result.parameters
    assert (first.low.value, first.high.value) == (0.81, 0.99)
    assert (second.low.value, second.high.value) == (0.72, 0.88)
    np.testing.assert_allclose(pie_result.base_utilities, [5 / 7, 2 / 7], atol=1e-9)
    expected = {
        "parties.player1.discount": (rubinstein(0.81, 0.8), rubinstein(0.99, 0.8)),
        "parties.player2.discount": (rubinstein(0.9, 0.72), rubinstein(0.9, 0.88)),
    }
    for parameter in pie_result.parameters:
        low, high = expected[parameter.path]
        np.testing.assert_allclose(parameter.low.utilities, [low, 1 - low], atol=1e-9)
        np.testing.assert_allclose(parameter.high.utilities, [high, 1 - high], atol=1e-9)
        swing = max(low, high, 5 / 7) - min(low, high, 5 / 7)
        assert parameter.swing(pie_result.base_utilities, 0) == pytest.approx(swing, abs=1e-9)
    # player 1's own patience matters more than player 2's
    assert [p.path for p in pie_result.ranked("player1")] == [
        "parties.player1.discount",
        "parties.player2.discount",
    ]


def test_variation_bounds() -> None:
    assert variation("parties.a.discount", 1.0) == (0.9, None, "at its upper bound 1")
    assert variation("parties.a.discount", 0.95)[1] == 1.0
    assert variation("protocol.deadline", 1) == (None, 2.0, "at its lower bound 1")
    assert variation("protocol.deadline", 7)[:2] == (6.0, 8.0)
    assert variation("protocol.deadline", 30)[:2] == (27.0, 33.0)
    assert variation("protocol.breakdown_risk", 0.95)[1] == pytest.approx(0.975)
    assert variation("protocol.breakdown_risk", 0.0)[:2] == (None, 0.1)
    assert variation("parties.a.disagreement", 0.0)[:2] == (-0.1, 0.1)
    assert variation("parties.a.disagreement", -0.2)[:2] == (-0.22, -0.18)
    assert variation("parties.a.cost_per_round", 0.0)[:2] == (None, 0.1)


def test_invalid_variations_are_reported_not_raised(pie: dict) -> None:
    result = sensitivity(
        pie,
        {
            "parties.player1.discount": (-0.5, 0.95),
            "parties.player2.nothing.here": None,
            "parties.player2.bargaining_power": None,
        },
    )
    first = result.parameters[0]
    assert first.low is not None and first.low.error and first.low.utilities is None
    assert first.high is not None and first.high.ok
    assert first.high.utilities[0] == pytest.approx(rubinstein(0.95, 0.8), abs=1e-9)
    assert [path for path, _ in result.skipped] == ["parties.player2.nothing.here"]
    # a default left out of the file is varied around the format's default
    assert result.parameters[1].base == 1.0
    assert "invalid" in sensitivity_table(result)


def test_lottery_is_skipped() -> None:
    data = scenario_data("venezuela-2025")
    result = sensitivity(data, ["parties.us.disagreement", "protocol.breakdown_risk"])
    assert result.skipped[0][0] == "parties.us.disagreement"
    assert "lottery" in result.skipped[0][1]
    assert [p.path for p in result.parameters] == ["protocol.breakdown_risk"]


def test_invalid_scenario_and_spread(pie: dict) -> None:
    with pytest.raises(ValueError):
        sensitivity(pie, spread=1.5)
    broken = copy.deepcopy(pie)
    broken["parties"]["player1"]["discount"] = 2
    with pytest.raises(ScenarioError):
        sensitivity(broken)


def test_parse_path_argument() -> None:
    assert parse_path_argument("protocol.deadline") == ("protocol.deadline", None)
    assert parse_path_argument("parties.a.discount=0.8..0.99") == (
        "parties.a.discount", (0.8, 0.99))  # fmt: skip
    assert parse_path_argument("parties.a.cost=-1e-3..0.5") == ("parties.a.cost", (-1e-3, 0.5))
    with pytest.raises(ValueError, match="numbers"):
        parse_path_argument("parties.a.discount=x..1")
    # a colon range is a sweep's list of values: refused, with the form to use
    with pytest.raises(ValueError, match=r"e\.g\. parties\.a\.discount=0\.8\.\.0\.99"):
        parse_path_argument("parties.a.discount=0.8:0.99")


def test_tornado_figure_data(pie_result) -> None:
    figure = tornado_figure(pie_result)
    ax = figure.axes[0]
    bars = {patch.get_gid(): patch for patch in ax.patches}
    low = bars["bar-parties.player1.discount-low"]
    assert low.get_x() == pytest.approx(5 / 7)
    assert low.get_x() + low.get_width() == pytest.approx(rubinstein(0.81, 0.8))
    # largest swing on top
    assert (
        bars["bar-parties.player1.discount-high"].get_y()
        > bars["bar-parties.player2.discount-high"].get_y()
    )
    labels = [t.get_text() for t in ax.texts if (t.get_gid() or "").startswith("label-")]
    assert "0.81 → 0.568" in labels and "0.99 → 0.962" in labels
    assert "Player 1" in tornado_finding(pie_result)
    panels = tornado_figure(pie_result, pie_result.parties)
    assert len(panels.axes) == 2


@pytest.mark.slow
def test_tornado_is_deterministic(pie: dict) -> None:
    first = figure_bytes(tornado_figure(sensitivity(pie)), "svg")
    second = figure_bytes(tornado_figure(sensitivity(pie)), "svg")
    assert first == second


def test_to_dict_is_plain(pie_result) -> None:
    import json

    data = pie_result.to_dict()
    json.dumps(data)
    assert data["parameters"][0]["low"]["value"] == 0.81
