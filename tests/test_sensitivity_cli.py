"""`negsim sensitivity` and `negsim plot DIR --kind sweep` from the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from negsim.cli import app


def run(args: list[str]):
    return CliRunner().invoke(app, args)


def test_sensitivity_prints_swings_and_writes_the_tornado(tmp_path: Path) -> None:
    out = tmp_path / "tornado.svg"
    result = run(["sensitivity", "pie-split", "parties.player2.discount=0.7..0.9", "-o", str(out),
                  "--format", "json"])  # fmt: skip
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert out.read_bytes().startswith(b"<?xml")
    # Rubinstein: x1 = (1 - d2) / (1 - d1 d2) with d1 = 0.9
    (parameter,) = payload["parameters"]
    assert parameter["path"] == "parties.player2.discount" and parameter["base"] == 0.8
    for side in ("low", "high"):
        d2 = parameter[side]["value"]
        x1 = parameter[side]["utilities"]["player1"]
        assert abs(x1 - (1 - d2) / (1 - 0.9 * d2)) < 1e-9
    again = run(["sensitivity", "pie-split", "-o", str(out)])
    assert again.exit_code == 2 and "already exists" in again.stderr


def test_sensitivity_bad_path_argument(tmp_path: Path) -> None:
    result = run(["sensitivity", "pie-split", "parties.player2.discount=x..y",
                  "-o", str(tmp_path / "t.png")])  # fmt: skip
    assert result.exit_code == 2
    assert "numbers" in result.stderr


def test_plot_sweep_of_a_folder(tmp_path: Path) -> None:
    folder = tmp_path / "runs"
    swept = run(["sweep", "pie-split", "parties.player1.discount=0.8:0.9:0.05",
                 "-o", str(folder), "-j", "1"])  # fmt: skip
    assert swept.exit_code == 0, swept.output
    out = tmp_path / "sweep.png"
    result = run(["plot", str(folder), "--kind", "sweep", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"\x89PNG")
    missing = run(
        ["plot", str(tmp_path / "nowhere"), "--kind", "sweep", "-o", str(tmp_path / "x.png")]
    )
    assert missing.exit_code == 2 and "no sweep results" in missing.stderr


def test_sensitivity_unknown_or_non_numeric_path_is_a_usage_error(tmp_path: Path) -> None:
    out = tmp_path / "t.png"
    unknown = run(["sensitivity", "pie-split", "parties.nobody.discount", "-o", str(out)])
    assert unknown.exit_code == 2 and "no 'nobody' at parties" in unknown.stderr
    mapping = run(["sensitivity", "pie-split", "protocol", "-o", str(out)])
    assert mapping.exit_code == 2 and "holds a mapping, not a number" in mapping.stderr
    assert not out.exists()


def test_a_misspelt_parameter_gets_a_hint(tmp_path: Path) -> None:
    result = run(["sensitivity", "pie-split", "parties.player2.discont", "--no-chart"])
    assert result.exit_code == 2
    assert "(did you mean 'discount'?)" in result.stderr


def test_the_default_chart_never_blocks_a_later_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without ``-o`` the chart goes to ``pie-split-tornado.png``, then ``-2``, ``-3``...: a
    second run (say ``--format json`` after a table) works and replaces nothing;
    ``--no-chart`` writes none."""
    monkeypatch.chdir(tmp_path)
    args = ["sensitivity", "pie-split", "parties.player2.discount"]
    first = run(args)
    assert first.exit_code == 0, first.output
    before = (tmp_path / "pie-split-tornado.png").read_bytes()
    second = run([*args, "--format", "json"])
    assert second.exit_code == 0, second.output
    json.loads(second.stdout)
    assert (tmp_path / "pie-split-tornado.png").read_bytes() == before
    assert (tmp_path / "pie-split-tornado-2.png").read_bytes().startswith(b"\x89PNG")
    third = run([*args, "--no-chart"])
    assert third.exit_code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "pie-split-tornado-2.png", "pie-split-tornado.png"]  # fmt: skip
    both = run([*args, "--no-chart", "-o", "x.png"])
    assert both.exit_code == 2 and "exclude each other" in both.stderr
