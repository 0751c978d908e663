"""Sweep charts from results.csv (negsim.present.charts.sweep and .heatmap)."""

from __future__ import annotations

import csv
import itertools
import json
from pathlib import Path

import numpy as np
import pytest
from matplotlib.collections import LineCollection, QuadMesh

from negsim.analysis.pipeline import solve
from negsim.format.loader import scenario_from_data
from negsim.format.paths import set_path
from negsim.present.charts.heatmap import boundary_segments, contour_level
from negsim.present.charts.style import figure_bytes
from negsim.present.charts.sweep import sweep_figure
from negsim.present.charts.sweep_text import sweep_finding
from negsim.studies.sensitivity import scenario_data
from negsim.studies.sweep_table import read_results

PARTIES = ("a", "b")


def write_sweep(folder: Path, grid: dict[str, list], value, failed=(), extra=()) -> Path:
    """A results.csv in the layout of ``negsim sweep``; ``value(point) -> u.a``."""
    folder.mkdir(parents=True, exist_ok=True)
    columns = ["point", *grid, "status", "agreement", "round"]
    for key in ("u", "payoff", "nash.u", "ks.u"):
        columns += [f"{key}.{p}" for p in PARTIES]
    columns += [*extra, "message"]
    with open(folder / "results.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, columns, restval="")
        writer.writeheader()
        for point, values in enumerate(itertools.product(*grid.values())):
            row = dict(zip(grid, values, strict=True))
            record = {"point": point, **row}
            if point in failed:
                writer.writerow({**record, "status": "error", "message": "boom"})
                continue
            u = value(row)
            record.update({"status": "ok", "agreement": "true", "round": 0})
            record.update({"u.a": u, "u.b": 1 - u, "payoff.a": u, "payoff.b": 1 - u})
            record.update({"nash.u.a": 0.5, "nash.u.b": 0.5, "ks.u.a": 0.5, "ks.u.b": 0.5})
            for name in extra:
                record[name] = u
            writer.writerow(record)
    (folder / "manifest.json").write_text(json.dumps({"grid": grid}), encoding="utf-8")
    return folder


def test_read_results(tmp_path: Path) -> None:
    folder = write_sweep(
        tmp_path / "s",
        {"protocol.deadline": [1, 2, 3], "parties.a.discount": [0.9, 0.95]},
        lambda r: r["parties.a.discount"] / 2,
        failed={4},
    )
    table = read_results(folder)
    assert table.swept == ("protocol.deadline", "parties.a.discount")
    assert table.parties == PARTIES
    assert len(table.rows) == 5 and table.n_failed == 1
    assert table.axis("protocol.deadline") == [1.0, 2.0, 3.0]
    assert table.axis("parties.a.discount") == [0.9, 0.95]
    np.testing.assert_allclose(table.column("agreement"), 1.0)
    assert read_results(folder / "results.csv").swept == table.swept
    with pytest.raises(FileNotFoundError):
        read_results(tmp_path / "nothing")


def test_one_path_line_chart_with_bands_and_failures(tmp_path: Path) -> None:
    # two runs per value (random runs): a band between them
    folder = tmp_path / "line"
    write_sweep(
        folder,
        {"parties.a.discount": [0.8, 0.9, 1.0], "seed": [1, 2]},
        lambda r: r["parties.a.discount"] * 0.5 + r["seed"] * 0.01,
        failed={5},
    )
    # drop the second path: keep one swept column, rows repeat per value
    lines = (folder / "results.csv").read_text(encoding="utf-8").splitlines()
    rows = [line.split(",") for line in lines]
    header = rows[0]
    keep = [k for k, name in enumerate(header) if name != "seed"]
    (folder / "results.csv").write_text(
        "\n".join(",".join(row[k] for k in keep) for row in rows) + "\n", encoding="utf-8"
    )
    (folder / "manifest.json").unlink()
    table = read_results(folder)
    figure = sweep_figure(table)
    ax = figure.axes[0]
    lines_by_gid = {line.get_gid(): line for line in ax.lines}
    np.testing.assert_allclose(
        lines_by_gid["line-u.a"].get_ydata(), [0.415, 0.465, 0.51], atol=1e-12
    )
    np.testing.assert_allclose(lines_by_gid["nash-a"].get_ydata(), 0.5)
    gids = {c.get_gid() for c in ax.collections} | {p.get_gid() for p in ax.patches}
    assert {"band-u.a", "band-u.b", "failed"} <= gids
    caption = next(t for t in ax.texts if t.get_gid() == "caption").get_text()
    assert "1 of 6" in caption.replace("\n", " ")


def test_two_paths_heatmap(tmp_path: Path) -> None:
    grid = {"protocol.deadline": [1, 2, 3, 4], "parties.b.discount": [0.8, 0.85, 0.9]}
    folder = write_sweep(
        tmp_path / "h",
        grid,
        lambda r: 0.3 + 0.1 * r["protocol.deadline"],
        failed={0},
    )
    table = read_results(folder)
    assert contour_level(table, "u.a")[1] == 0.5  # the Nash utility
    figure = sweep_figure(table)
    ax = figure.axes[0]
    mesh = next(c for c in ax.collections if isinstance(c, QuadMesh))
    values = mesh.get_array()
    assert values.shape == (3, 4)
    assert values.mask[0, 0] and not values.mask[1, 1]
    assert values[1, 3] == pytest.approx(0.7)
    contour = next(c for c in ax.collections if c.get_gid() == "contour")
    assert isinstance(contour, LineCollection)
    # u.a > 0.5 from deadline 3 on: one vertical border between deadline 2 and 3, per row
    xs = {round(float(seg[0, 0]), 6) for seg in contour.get_segments()}
    assert xs == {2.5} and len(contour.get_segments()) == 3
    assert sum(p.get_gid() == "failed" for p in ax.patches) == 1
    assert "rises from" in sweep_finding(table, "u.a")
    assert len(figure.axes) == 2  # the heatmap and its colour bar


def test_no_agreement_probability_is_the_default_metric(tmp_path: Path) -> None:
    folder = write_sweep(
        tmp_path / "p",
        {"parties.a.discount": [0.8, 0.9], "parties.b.discount": [0.8, 0.9, 1.0]},
        lambda r: r["parties.b.discount"] - 0.35,
        extra=("no_agreement_probability", "final_round_share"),
    )
    table = read_results(folder)
    column, level, words = contour_level(table, "no_agreement_probability")
    assert (column, level) == ("no_agreement_probability", 0.5)
    assert "likely" in words
    figure = sweep_figure(table)
    assert "no agreement" in figure.axes[1].get_ylabel()


def test_three_paths_small_multiples_and_four_paths(tmp_path: Path) -> None:
    grid = {"x": [1, 2], "y": [1, 2, 3], "z": ["low", "mid", "high"]}
    folder = write_sweep(tmp_path / "m", grid, lambda r: 0.1 * r["x"] + 0.05 * r["y"])
    figure = sweep_figure(folder)
    heatmaps = [
        ax
        for ax in figure.axes
        if ax.get_label() != "<colorbar>" and any(isinstance(c, QuadMesh) for c in ax.collections)
    ]
    assert [ax.get_title(loc="left") for ax in heatmaps] == ["z = low", "z = mid", "z = high"]
    four = write_sweep(tmp_path / "f", {**grid, "w": [1]}, lambda r: 0.5)
    with pytest.raises(ValueError, match="at most three"):
        sweep_figure(four)


def test_boundary_segments() -> None:
    inside = np.array([[False, True], [False, False]])
    segments = boundary_segments(inside, np.array([0.0, 1.0, 2.0]), np.array([0.0, 1.0, 2.0]))
    assert sorted(tuple(map(tuple, s)) for s in segments) == [
        ((1.0, 0.0), (1.0, 1.0)),
        ((1.0, 1.0), (2.0, 1.0)),
    ]


def test_all_failed_is_an_error(tmp_path: Path) -> None:
    folder = write_sweep(tmp_path / "e", {"x": [1, 2]}, lambda r: 0.5, failed={0, 1})
    with pytest.raises(ValueError, match="all 2 points"):
        sweep_figure(folder)


@pytest.mark.slow
def test_real_sweep_renders_deterministically(tmp_path: Path) -> None:
    """A small grid of pie-split solved in-process, in the layout of negsim sweep."""
    data = scenario_data("pie-split")
    grid = {"protocol.deadline": [1, 2, 3], "parties.player2.discount": [0.8, 0.9]}
    rows = []
    for point, (deadline, discount) in enumerate(itertools.product(*grid.values())):
        edited = set_path(
            set_path(data, "protocol.deadline", deadline), "parties.player2.discount", discount
        )
        eq = solve(scenario_from_data(edited)).equilibrium
        rows.append([point, deadline, discount, "ok", "true", eq.round, *eq.utilities, *eq.payoffs])
    folder = tmp_path / "real"
    folder.mkdir()
    with open(folder / "results.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "point",
                *grid,
                "status",
                "agreement",
                "round",
                "u.player1",
                "u.player2",
                "payoff.player1",
                "payoff.player2",
            ]
        )
        writer.writerows(rows)
    table = read_results(folder)
    mesh = next(c for c in sweep_figure(table).axes[0].collections if isinstance(c, QuadMesh))
    # Ståhl: with deadline 1 player 1 (the last proposer) takes everything
    assert mesh.get_array()[0, 0] == pytest.approx(1.0)
    first = figure_bytes(sweep_figure(table), "svg")
    assert first == figure_bytes(sweep_figure(read_results(folder)), "svg")


def test_the_private_information_sweep_draws_the_chance_of_a_deal(tmp_path: Path) -> None:
    """``negsim sweep venezuela-2025-private protocol.deadline=1:6`` then ``plot --kind
    sweep``: by default one line, the probability of a deal before the deadline, through
    the CSV's ``deal_probability`` (1 minus the screening block's no-agreement
    probability); ``--metric`` draws a numeric term of the deal instead, refuses a column
    the sweep lacks (exit 2) and a categorical term (it has options, not numbers)."""
    from typer.testing import CliRunner

    from negsim.cli import app

    runner = CliRunner()
    folder = tmp_path / "window"
    swept = runner.invoke(app, ["sweep", "venezuela-2025-private", "protocol.deadline=1:6",
                                "-o", str(folder), "-j", "1"])  # fmt: skip
    assert swept.exit_code == 0, swept.output
    table = read_results(folder)
    figure = sweep_figure(table)
    ax = figure.axes[0]
    (line,) = [line for line in ax.get_lines() if len(line.get_xdata()) == 6]
    np.testing.assert_allclose(line.get_ydata(), table.column("deal_probability"))
    np.testing.assert_allclose(
        table.column("deal_probability"), 1 - table.column("no_agreement_probability")
    )
    assert ax.get_ylabel() == "probability of a deal before the deadline"
    out = tmp_path / "relief.png"
    drawn = runner.invoke(app, ["plot", str(folder), "--kind", "sweep", "--metric",
                                "deal.sanctions_relief", "-o", str(out)])  # fmt: skip
    assert drawn.exit_code == 0, drawn.output
    assert out.read_bytes().startswith(b"\x89PNG")
    for metrics, words in ((["nope"], "no column 'nope'"),
                           (["deal.amnesty", "u.us"], "holds options")):  # fmt: skip
        chosen = [part for metric in metrics for part in ("--metric", metric)]
        refused = runner.invoke(app, ["plot", str(folder), "--kind", "sweep", *chosen,
                                      "-o", str(tmp_path / "x.png")])  # fmt: skip
        assert refused.exit_code == 2 and words in refused.stderr
    wrong_kind = runner.invoke(app, ["plot", "pie-split", "--metric", "u", "-o",
                                     str(tmp_path / "y.png")])  # fmt: skip
    assert wrong_kind.exit_code == 2 and "--metric goes with --kind sweep" in wrong_kind.stderr
