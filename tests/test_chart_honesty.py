"""Chart titles say only what the data shown support: a deadline's effect that its
neighbours do not share is called a last-mover effect, a parity claim is made only where
the parity decides who moves last, and party labels are text, never parsed."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from negsim.api import chart_record, load, sensitivity
from negsim.cli import app
from negsim.present.charts.curves import deadline_finding
from negsim.present.charts.sweep_text import sweep_finding
from negsim.present.charts.tornado import tornado_finding
from negsim.present.study_words import path_label
from negsim.studies.sweep_table import read_results


def sweep(tmp_path: Path, scenario: str, *assignments: str):
    folder = tmp_path / "out"
    done = CliRunner().invoke(app, ["sweep", scenario, *assignments, "-o", str(folder), "-j", "1"])
    assert done.exit_code == 0, done.output
    return read_results(folder)


def test_a_deadline_whose_neighbours_go_the_other_way_is_a_last_mover_effect() -> None:
    curve = chart_record(load("pie-split").replace({"protocol.deadline": 5}), "deadline")
    limit = float(curve.limit_payoffs[0])
    values = {d: float(curve.payoffs[d - 1, 0]) for d in (4, 5, 6)}
    assert values[5] > limit > max(values[4], values[6])  # the premise of the claim
    title = deadline_finding(curve)
    assert "shifts the deal" not in title
    assert title.startswith("With 5 rounds Player 1 makes the last offer")
    assert f"{values[4]:.2f} with 4 rounds and {values[6]:.2f} with 6 rounds" in title
    assert title.endswith("a last-mover advantage, not a lasting shift")


def test_parity_is_claimed_only_where_it_decides_who_moves_last(tmp_path: Path) -> None:
    alternating = sweep(tmp_path / "a", "pie-split", "protocol.deadline=1:8")
    title = sweep_finding(alternating, "u.player1")
    assert "odd deadlines (Player 1 makes the last offer)" in title
    one_sided = sweep(tmp_path / "b", "venezuela-2025-private", "protocol.deadline=1:8")
    for metric in ("deal_probability", "u.us"):
        assert "odd deadlines" not in sweep_finding(one_sided, metric)


def test_party_labels_with_brackets_stay_whole() -> None:
    labels = {"union": "Local 412 (union)", "firm": "Riverside Steel (management)"}
    assert path_label("parties.firm.discount", labels, "1 day", unit=False) == (
        "Riverside Steel (management)'s discount factor"
    )
    scenario = load("pie-split").replace(
        {
            "parties.player1.label": "Riverside Steel (management)",
            "parties.player2.label": "Local 412 (union)",
        }
    )
    result = sensitivity(scenario, ["parties.player1.discount"])
    title = tornado_finding(result, "player2")
    assert title.startswith(
        "Riverside Steel (management)'s discount factor moves Local 412 (union)"
    )
