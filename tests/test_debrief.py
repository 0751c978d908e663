"""``negsim debrief``: a class's deals read from CSV files and ``negsim play`` transcripts,
scored against an independent computation (plain loops over the packages' utilities),
bad rows reported with their lines, header errors, BOM and ``;`` files, the ranking, the
JSON keys, the units (points, utility x 100, where people read; utilities in CSV and JSON),
the chart in every format with no overlapping text, the HTML page in headless Chromium with
a hostile pair name escaped, the --force rules and the table's width."""

from __future__ import annotations

import csv
import io
import json
import math
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from test_chart_text import overlaps
from typer.testing import CliRunner

from negsim.cli import app
from negsim.format.loader import load_file_or_example
from negsim.space import OutcomeSpace

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = """\
negsim: 1
name: Class test
issues:
  colour: {label: Colour of the car, options: [none, red, green, blue]}
  price: {range: [0, 10], resolution: 6}
  bonus: {split: {total: 1}, resolution: 3}
parties:
  a:
    label: Alice
    weights: {colour: 0.3, price: 0.5, bonus: 0.2}
    values:
      colour: {none: 0, red: 1, green: 0.4, blue: 0.7}
      price: {0: 0, 10: 1}
    disagreement: 0.2
    discount: 0.9
  b:
    label: Bob
    weights: {colour: 0.4, price: 0.4, bonus: 0.2}
    values:
      colour: {none: 0.3, red: 0, green: 1, blue: 0.6}
      price: {0: 1, 10: 0}
    disagreement: 0.1
    discount: 0.9
constraints:
  - forbid: {colour: blue, price: 0}
protocol: {kind: alternating_offers, first_proposer: a, deadline: 3}
"""
HEADER = "pair,Colour of the car,price,bonus"
GOOD = {  # pair -> (csv cells, the package as OutcomeSpace.package gives it)
    "Ann & Bo": ("red,10,a:1", {"colour": "red", "price": 10.0, "bonus": {"a": 1.0, "b": 0.0}}),
    "Cy & Di": ("Green,4,b:0.5", {"colour": "green", "price": 4.0, "bonus": {"a": 0.5, "b": 0.5}}),
    "Ed & Flo": ("none,0,a:0/b:1", {"colour": "none", "price": 0.0, "bonus": {"a": 0.0, "b": 1.0}}),
    "Gil & Hu": ("gr,6.0,a:0.5", {"colour": "green", "price": 6.0, "bonus": {"a": 0.5, "b": 0.5}}),
}  # fmt: skip
CLASS_CSV = (
    f"{HEADER}\n"
    "Ann & Bo,red,10,a:1\n"  # 2
    '"Cy\n& Di",Green,4,b:0.5\n'  # 3-4: a quoted line break in the name
    "Ed & Flo,none,0,a:0/b:1\n"  # 5: none is an option of colour here
    "Ink & Jo,purple,4,a:1\n"  # 6: unknown option
    "Kim & Lu,red,5,a:1\n"  # 7: off the grid
    "Mo & Ned,blue,0,a:1\n"  # 8: infeasible
    "Oz & Pip,red,4\n"  # 9: wrong cell count
    "Quin & Ray,no deal,4,a:1\n"  # 10: a mix of no deal and terms
    "\n"  # 11: blank, ignored
    "Sam & Tia,no deal,,\n"  # 12: no deal
    "Gil & Hu,gr,6.0,a:0.5\n"  # 13
    "Uma & Vic,none,,\n"  # 14: 'none' alone: no deal
)
BAD_LINES = {6: "Ink & Jo", 7: "Kim & Lu", 8: "Mo & Ned", 9: "Oz & Pip", 10: "Quin & Ray"}


def run(*args: str, env: dict[str, str] | None = None) -> object:
    return CliRunner().invoke(app, list(args), prog_name="negsim", env=env)


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    (tmp_path / "class.yaml").write_text(SCENARIO, encoding="utf-8")
    (tmp_path / "class.csv").write_text(CLASS_CSV, encoding="utf-8")
    return tmp_path


# --------------------------------------------------------------------------------------------
# The independent computation


def expected_scores(folder: Path, package: dict | None) -> dict[str, float | bool]:
    """Points, Pareto-optimality, joint value left and distance to the frontier by plain
    loops over every feasible package's utilities."""
    space = OutcomeSpace.from_scenario(load_file_or_example(str(folder / "class.yaml")))
    columns = [
        [float(space.utilities[i, k]) for i in range(space.n_parties)]
        for k in range(space.utilities.shape[1])
    ]
    if package is None:
        points = [float(v) for v in space.disagreement]
    else:
        matches = [k for k in range(len(columns)) if space.package(k) == package]
        assert len(matches) == 1
        points = columns[matches[0]]
    tol = 1e-9
    left = 0.0
    for other in columns:
        if all(v >= u - tol for v, u in zip(other, points, strict=True)):
            left = max(left, sum(v - u for v, u in zip(other, points, strict=True)))
    pareto = []
    for k, one in enumerate(columns):
        dominated = any(
            all(w >= v - tol for w, v in zip(other, one, strict=True))
            and any(w > v + tol for w, v in zip(other, one, strict=True))
            for j, other in enumerate(columns)
            if j != k
        )
        if not dominated:
            pareto.append(one)
    distance = min(math.dist(points, one) for one in pareto)
    optimal = package is not None and left <= tol
    return {
        "a": points[0],
        "b": points[1],
        "joint_value_left": left if left > tol else 0.0,
        "pareto_optimal": optimal,
        "distance_to_frontier": 0.0 if optimal else distance,
    }


def by_pair(data: dict) -> dict[str, dict]:
    return {pair["pair"]: pair for pair in data["pairs"]}


# --------------------------------------------------------------------------------------------
# CSV


def test_good_rows_are_scored_exactly_and_bad_ones_reported_by_line(folder):
    result = run("debrief", str(folder / "class.yaml"), str(folder / "class.csv"),
                 "--format", "json")  # fmt: skip
    assert result.exit_code == 3, result.output
    data = json.loads(result.stdout)
    pairs = by_pair(data)
    assert set(pairs) == {"Ann & Bo", "Cy & Di", "Ed & Flo", "Gil & Hu", "Sam & Tia", "Uma & Vic"}
    for name, (_, package) in GOOD.items():
        expected = expected_scores(folder, package)
        pair = pairs[name]
        assert pair["agreed"] and pair["package"] == package
        assert pair["points"]["a"] == pytest.approx(expected["a"], abs=1e-12)
        assert pair["points"]["b"] == pytest.approx(expected["b"], abs=1e-12)
        assert pair["pareto_optimal"] is expected["pareto_optimal"]
        assert pair["joint_value_left"] == pytest.approx(expected["joint_value_left"], abs=1e-12)
        assert pair["distance_to_frontier"] == pytest.approx(
            expected["distance_to_frontier"], abs=1e-12
        )
    for name in ("Sam & Tia", "Uma & Vic"):
        expected = expected_scores(folder, None)
        assert not pairs[name]["agreed"] and pairs[name]["package"] is None
        assert pairs[name]["points"] == pytest.approx({"a": 0.2, "b": 0.1})
        assert pairs[name]["joint_value_left"] == pytest.approx(expected["joint_value_left"])
    assert pairs["Cy & Di"]["source"].endswith("class.csv:3")
    assert pairs["Gil & Hu"]["source"].endswith("class.csv:13")
    csv_name = str(folder / "class.csv")
    lines = result.stderr.strip().splitlines()
    for line, name in BAD_LINES.items():
        assert any(text.startswith(f"{csv_name}:{line}: pair {name}: ") for text in lines), (
            line,
            result.stderr,
        )
    assert "purple" in result.stderr and "nearest: 4 or 6" in result.stderr
    assert "constraints" in result.stderr and "3 cells where the header has 4" in result.stderr
    assert lines[-1] == "negsim: scored 6 pairs; skipped 5 rows (see above)"
    assert [s["source"] for s in data["skipped"]] == [f"{csv_name}:{n}" for n in BAD_LINES]


def test_ranking_value_left_then_points(folder):
    result = run("debrief", str(folder / "class.yaml"), str(folder / "class.csv"),
                 "--format", "json")  # fmt: skip
    pairs = json.loads(result.stdout)["pairs"]
    keys = [(p["joint_value_left"], -sum(p["points"].values())) for p in pairs]
    assert keys == sorted(keys)
    ranks = [p["rank"] for p in pairs]
    assert ranks[0] == 1 and ranks == sorted(ranks)
    nodeal = [p["rank"] for p in pairs if not p["agreed"]]
    assert len(set(nodeal)) == 1  # the same scores share a rank


def test_json_keys(folder):
    result = run("debrief", str(folder / "class.yaml"), str(folder / "class.csv"),
                 "--format", "json")  # fmt: skip
    data = json.loads(result.stdout)
    assert {"scenario", "reference", "pairs", "skipped"} <= set(data)
    assert set(data["reference"]) == {"disagreement", "nash", "kalai_smorodinsky", "equilibrium"}
    assert data["reference"]["disagreement"] == pytest.approx({"a": 0.2, "b": 0.1})
    assert set(data["reference"]["nash"]) == {"package", "points"}
    assert set(data["pairs"][0]) == {
        "rank", "pair", "source", "agreed", "package", "points", "pareto_optimal",
        "distance_to_frontier", "joint_value_left", "better_package", "walked_away",
    }  # fmt: skip
    assert set(data["skipped"][0]) == {"source", "reason"}
    left = [p for p in data["pairs"] if p["joint_value_left"] > 0]
    assert left and all(p["better_package"] is not None for p in left)


@pytest.mark.parametrize(
    ("header", "column", "words"),
    [
        ("pair,colour,prise,bonus", 13, "did you mean 'price'"),
        ("pair,colour,price", 1, "no column for bonus"),
        ("team;colour;price;colour", 19, "repeats the issue colour"),
    ],
)
def test_header_errors_exit_2_with_file_line_column(folder, header, column, words):
    path = folder / "bad.csv"
    path.write_text(f"{header}\nA,red,4,a:1\n", encoding="utf-8")
    result = run("debrief", str(folder / "class.yaml"), str(path))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"negsim: {path}:1:{column}: "), result.stderr
    assert words in result.stderr and result.stdout == ""


def test_bom_and_semicolons(folder):
    path = folder / "excel.csv"
    text = "\ufeffGroup;colour;price;bonus\r\nA & B;red;10;a:1\r\nC;no deal;;\r\n"
    path.write_bytes(text.encode("utf-8"))
    result = run("debrief", str(folder / "class.yaml"), str(path), "--format", "json")
    assert result.exit_code == 0, result.output
    pairs = by_pair(json.loads(result.stdout))
    assert pairs["A & B"]["package"] == GOOD["Ann & Bo"][1] and not pairs["C"]["agreed"]
    assert result.stderr.strip() == "negsim: scored 2 pairs"


def test_missing_input_exits_2(folder):
    result = run("debrief", str(folder / "class.yaml"), str(folder / "nothing.csv"))
    assert result.exit_code == 2 and "no such file" in result.stderr


# --------------------------------------------------------------------------------------------
# Transcripts


def transcript(status: str, package: dict | None, name: str = "Class test") -> str:
    return json.dumps({
        "negsim_transcript": 1,
        "scenario": {"name": name, "file": "class.yaml", "sha256": None},
        "mode": "agent",
        "players": {"a": "person", "b": "agent:boulware"},
        "seed": 7,
        "protocol": {"kind": "alternating_offers", "deadline": 3, "first_proposer": "a"},
        "started": "2026-01-01T10:00:00Z", "finished": "2026-01-01T10:05:00Z",
        "moves": [{"round": 0, "proposer": "a", "package": package, "response": "accept"}],
        "outcome": {"status": status, "round": 0 if package else None, "package": package,
                    "utilities": None, "payoffs": None},
    }, indent=2)  # fmt: skip


def test_transcripts(folder):
    agreed = {"colour": "green", "price": 4, "bonus": {"a": 0.5, "b": 0.5}}
    files = {
        "game-1.json": transcript("agreement", agreed),
        "game-2.json": transcript("deadline", None),
        "game-3.json": transcript("interrupted", None),
        "game-4.json": transcript("agreement", agreed, name="Another scenario"),
        "game-5.json": '{"negsim_transcript": 1,\n  "scenario": oops}',
    }
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    result = run("debrief", str(folder / "class.yaml"),
                 *(str(folder / name) for name in files), "--format", "json")  # fmt: skip
    assert result.exit_code == 3, result.output
    pairs = by_pair(json.loads(result.stdout))
    assert set(pairs) == {"game-1", "game-2"}
    assert pairs["game-1"]["package"] == GOOD["Cy & Di"][1]
    expected = expected_scores(folder, GOOD["Cy & Di"][1])
    assert pairs["game-1"]["points"]["a"] == pytest.approx(expected["a"], abs=1e-12)
    assert not pairs["game-2"]["agreed"]
    err = result.stderr
    assert f"{folder / 'game-3.json'}: pair game-3: the game was interrupted" in err
    assert f"{folder / 'game-4.json'}: pair game-4: a game of 'Another scenario'" in err
    assert f"{folder / 'game-5.json'}:2:15: not valid JSON" in err
    assert "skipped 3 rows" in err


# --------------------------------------------------------------------------------------------
# Units: points (utility x 100) where people read, utilities where programs do

CLEAN_CSV = f"{HEADER}\nAnn & Bo,red,10,a:1\nCy & Di,Green,4,b:0.5\nSam & Tia,no deal,,\n"
CLEAN = {"Ann & Bo": GOOD["Ann & Bo"][1], "Cy & Di": GOOD["Cy & Di"][1], "Sam & Tia": None}
WALK_AWAY = {"a": 0.2, "b": 0.1}  # the scenario's disagreement utilities
SCORES = ("a", "b", "distance_to_frontier", "joint_value_left")
"""The ranking's number columns, in order (after #, pair and deal; frontier between)."""


def ranking_rows(rows: list[list[str]]) -> dict[str, dict[str, float]]:
    """The ranking's number cells by pair, from a document's rows of cells (a star and its
    escape dropped)."""
    found = {}
    for cells in rows:
        if len(cells) == 8 and cells[1] in CLEAN:
            numbers = [cells[3], cells[4], cells[6], cells[7]]
            assert all(re.fullmatch(r"-?\d+\.\d+\\?\*?", n) for n in numbers), cells
            found[cells[1]] = {
                key: float(n.rstrip("*").rstrip("\\"))
                for key, n in zip(SCORES, numbers, strict=True)
            }
    assert set(found) == set(CLEAN), rows
    return found


def expected_table(folder: Path) -> dict[str, dict[str, float]]:
    return {
        name: {key: float(expected_scores(folder, package)[key]) for key in SCORES}
        for name, package in CLEAN.items()
    }


def test_people_read_points_and_programs_utilities(folder):
    """The table, Markdown and LaTeX give every score as utility x 100, one decimal; the
    finding and walk-away values in points (a trailing .0 dropped); CSV and JSON keep the
    utilities of the independent computation."""
    (folder / "clean.csv").write_text(CLEAN_CSV, encoding="utf-8")
    args = ("debrief", str(folder / "class.yaml"), str(folder / "clean.csv"))
    expected = expected_table(folder)
    mean_left = sum(scores["joint_value_left"] for scores in expected.values()) / len(expected)
    outputs = {}
    for kind in ("table", "markdown", "latex", "csv", "json"):
        result = run(*args, "--format", kind, env={"COLUMNS": "120"})
        assert result.exit_code == 0, result.output
        outputs[kind] = result.stdout
    documents = {
        "markdown": [
            line.strip().strip("|").split(" | ") for line in outputs["markdown"].splitlines()
        ],
        "latex": [line.rstrip(" \\").split(" & ") for line in outputs["latex"].splitlines()],
    }
    for kind, rows in documents.items():
        rows = [[cell.strip().replace("\\&", "&") for cell in cells] for cells in rows]
        shown = ranking_rows(rows)
        for name, scores in expected.items():
            for key, utility in scores.items():
                assert shown[name][key] == pytest.approx(100 * utility, abs=0.05), (kind, name, key)
        walk = next(cells for cells in rows if cells[0] == "walk away")
        assert [float(walk[2]), float(walk[3])] == pytest.approx(
            [100 * WALK_AWAY["a"], 100 * WALK_AWAY["b"]]
        )
    for kind in ("table", "markdown", "latex"):
        text = " ".join(outputs[kind].split())
        left = re.search(r"on average (\S+) points left on the table", text)
        assert left is not None, (kind, text)
        assert float(left[1]) == pytest.approx(100 * mean_left, abs=0.05)
        walk_away = f"Alice {100 * WALK_AWAY['a']:g}, Bob {100 * WALK_AWAY['b']:g}."
        assert f"Walk-away values (points): {walk_away}" in text
        assert "Points: utility times 100" in text
    rows = list(csv.reader(io.StringIO(outputs["csv"])))
    shown = ranking_rows(rows)
    for name, scores in expected.items():
        for key, utility in scores.items():
            assert shown[name][key] == pytest.approx(utility, abs=5e-4), (name, key)
    assert "utility left on the table" in outputs["csv"] and "in utility." in outputs["csv"]
    assert not re.search(r"\d points|in points|\(points\)", outputs["csv"])
    pairs = by_pair(json.loads(outputs["json"]))
    for name, scores in expected.items():
        assert pairs[name]["points"] == pytest.approx(
            {"a": scores["a"], "b": scores["b"]}, abs=1e-12
        )
        assert pairs[name]["joint_value_left"] == pytest.approx(
            scores["joint_value_left"], abs=1e-12
        )


def test_chart_reads_in_points(folder):
    """The chart is drawn in utilities; its ticks, axis labels and title read in points."""
    from negsim.analysis.pipeline import solve
    from negsim.format.class_results import read_results
    from negsim.present.charts.debrief import debrief_figure
    from negsim.present.debrief_page import debrief_page
    from negsim.studies.debrief import debrief

    (folder / "clean.csv").write_text(CLEAN_CSV, encoding="utf-8")
    scenario = load_file_or_example(str(folder / "class.yaml"))
    deals, skipped = read_results(scenario, str(folder / "clean.csv"))
    record = debrief(solve(scenario), deals, skipped)
    figure = debrief_figure(record)
    ax = figure.axes[0]
    assert ax.get_xlabel() == "Alice: points" and ax.get_ylabel() == "Bob: points"
    for axis, ticks in ((ax.xaxis, ax.get_xticks()), (ax.yaxis, ax.get_yticks())):
        formatter = axis.get_major_formatter()
        for k, tick in enumerate(ticks):
            assert float(formatter(tick, k)) == pytest.approx(100 * tick, abs=1e-6)
    mean_left = sum(p.joint_value_left for p in record.pairs) / len(record.pairs)
    title = " ".join(ax.get_title(loc="left").split())
    left = re.search(r"on average (\S+) points left on the table", title)
    assert left is not None and float(left[1]) == pytest.approx(100 * mean_left, abs=0.05)
    page = debrief_page(record)
    assert "points left on the table" in page and "Points: utility times 100" in page


# --------------------------------------------------------------------------------------------
# Output files


@pytest.mark.parametrize("suffix", ["png", "svg", "pdf"])
def test_chart_files(folder, suffix):
    out = folder / f"chart.{suffix}"
    result = run("debrief", str(folder / "class.yaml"), str(folder / "class.csv"), "-o", str(out))
    assert result.exit_code == 3, result.output
    data = out.read_bytes()
    if suffix == "png":
        assert data.startswith(b"\x89PNG\r\n\x1a\n")
    elif suffix == "svg":
        text = data.decode("utf-8")
        assert "<svg" in text and "pairs agreed" in text
    else:
        assert data.startswith(b"%PDF-")
    assert f"Wrote {out}" in result.stderr


def crowded_class(tmp_path: Path) -> Path:
    """31 pairs of venezuela-2025, spread over the packages, four without a deal."""
    space = OutcomeSpace.from_scenario(load_file_or_example("venezuela-2025"))
    rows = []
    for k in range(31):
        if k % 8 == 0:
            rows.append(f"Pair {k},no deal,,,,,")
            continue
        package = space.package(k * 397 % space.n_feasible)
        rows.append(",".join([f"Pair {k}", *(f"{v:g}" if isinstance(v, float) else v
                                             for v in package.values())]))  # fmt: skip
    path = tmp_path / "crowded.csv"
    header = ",".join(["pair", *space.scenario.issue_names])
    path.write_text("\n".join([header, *rows, ""]), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("style", "crowded"),
    [("default", False), ("classroom", False), ("print", False), ("classroom", True)],
)
def test_chart_texts_do_not_overlap(style, crowded, tmp_path):
    from negsim.analysis.pipeline import solve
    from negsim.format.class_results import read_results
    from negsim.present.charts.debrief import debrief_figure
    from negsim.present.charts.style import chart_style
    from negsim.studies.debrief import debrief

    scenario = load_file_or_example("venezuela-2025")
    path = crowded_class(tmp_path) if crowded else ROOT / "docs" / "debrief-example.csv"
    deals, skipped = read_results(scenario, str(path))
    assert not skipped and len(deals) == (31 if crowded else 10)
    record = debrief(solve(scenario), deals, skipped)
    with chart_style(style):
        figure = debrief_figure(record)
        found = overlaps(figure)
    assert found == [], found
    labels = [t.get_text() for t in figure.axes[0].texts if t.get_gid() == "deal-label"]
    caption = next(t.get_text() for t in figure.axes[0].texts if t.get_gid() == "caption")
    marks = {(p.position, p.rank) for p in record.pairs}
    assert labels and (len(labels) == len({m[0] for m in marks}) or "Not labelled" in caption)


def test_force_rules(folder):
    out = folder / "chart.png"
    out.write_bytes(b"keep")
    args = ("debrief", str(folder / "class.yaml"), str(folder / "class.csv"), "-o", str(out))
    result = run(*args)
    assert result.exit_code == 2 and "already exists; use --force" in result.stderr
    assert out.read_bytes() == b"keep" and result.stdout == ""
    page = folder / "page.html"
    page.write_text("keep", encoding="utf-8")
    result = run(*args[:-1], str(page))
    assert result.exit_code == 2 and page.read_text(encoding="utf-8") == "keep"
    result = run(*args, "--force")
    assert result.exit_code == 3 and out.read_bytes().startswith(b"\x89PNG")
    result = run(*args[:-1], str(folder / "chart.gif"))
    assert result.exit_code == 2 and "unknown chart format" in result.stderr


THREE = """\
negsim: 1
name: Three
issues:
  colour: {options: [red, green, blue]}
parties:
  a: {values: {colour: {red: 1, green: 0.5, blue: 0}}}
  b: {values: {colour: {red: 0, green: 1, blue: 0.5}}}
  c: {values: {colour: {red: 0.5, green: 0, blue: 1}}}
protocol: {kind: alternating_offers, first_proposer: a, deadline: 3}
"""


def test_three_parties_get_the_table_and_a_chart(tmp_path):
    (tmp_path / "three.yaml").write_text(THREE, encoding="utf-8")
    (tmp_path / "three.csv").write_text("team,colour\nX,red\nY,no deal\n", encoding="utf-8")
    args = ("debrief", str(tmp_path / "three.yaml"), str(tmp_path / "three.csv"))
    result = run(*args, "--format", "json")
    assert result.exit_code == 0, result.output
    assert [p["pair"] for p in json.loads(result.stdout)["pairs"]] == ["X", "Y"]
    result = run(*args, "-o", str(tmp_path / "three.png"))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "three.png").read_bytes().startswith(b"\x89PNG")


def test_table_fits_80_columns_and_example_scores_cleanly():
    result = run("debrief", "venezuela-2025", str(ROOT / "docs" / "debrief-example.csv"),
                 env={"COLUMNS": "80"})  # fmt: skip
    assert result.exit_code == 0, result.output
    assert [line for line in result.stdout.splitlines() if len(line) > 80] == []
    assert "reached the frontier" in result.stdout and "Kalai–Smorodinsky" in result.stdout
    markdown = run("debrief", "venezuela-2025", str(ROOT / "docs" / "debrief-example.csv"),
                   "--format", "markdown")  # fmt: skip
    assert markdown.exit_code == 0 and "| Ana & Ben |" in markdown.stdout


CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


def test_html_page_in_chromium_escapes_pair_names(folder):
    hostile = '"<script>alert(1)</script> <b>Zed</b>"'
    path = folder / "hostile.csv"
    path.write_text(f"{HEADER}\n{hostile},red,10,a:1\nA,green,4,b:0.5\n", encoding="utf-8")
    page = folder / "debrief.html"
    result = run("debrief", str(folder / "class.yaml"), str(path), "-o", str(page))
    assert result.exit_code == 0, result.output
    text = page.read_text(encoding="utf-8")
    assert "<script" not in text.lower() and "<b>" not in text and "<img" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &lt;b&gt;Zed&lt;/b&gt;" in text
    assert text.count("<svg") == 1 and "pairs agreed" in text
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", text)
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.skip("chromium is not installed: apt-get install chromium")
    flags = [*CHROMIUM_FLAGS, f"--user-data-dir={folder / 'profile'}"]
    shot = folder / "debrief-screenshot.png"
    done = subprocess.run(
        [chromium, *flags, f"--screenshot={shot}", "--window-size=1280,1800", page.as_uri()],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    print(f"screenshot: {shot}")
    assert shot.exists() and shot.stat().st_size > 20_000, done.stderr[-2000:]
    from PIL import Image

    with Image.open(shot) as image:
        low, high = image.convert("L").getextrema()
    assert low < 60 and high > 200
    dom = subprocess.run(
        [chromium, *flags, "--dump-dom", "--enable-logging=stderr", "--v=0", page.as_uri()],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert dom.stdout.count("<svg") == 1 and "<script" not in dom.stdout
    assert "CONSOLE" not in dom.stderr and "Uncaught" not in dom.stderr, dom.stderr[-2000:]


def test_nothing_to_score_exits_2(folder):
    (folder / "stopped.json").write_text(transcript("interrupted", None), encoding="utf-8")
    result = run("debrief", str(folder / "class.yaml"), str(folder / "stopped.json"))
    assert result.exit_code == 2 and result.stdout == ""
    assert "the game was interrupted" in result.stderr
    assert "nothing to debrief" in result.stderr


# --------------------------------------------------------------------------------------------
# A pair that walked away to an outside option


def _with_outside_option(tmp_path: Path, value: float = 0.3) -> Path:
    import yaml

    data = yaml.safe_load(Path("scenarios/labor-contract.yaml").read_text(encoding="utf-8"))
    data["parties"]["union"]["outside_option"] = value
    path = tmp_path / "labor-walk.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def test_a_walk_away_is_scored_at_the_walkers_outside_option(tmp_path):
    """``walked away: PARTY`` puts the pair at the walker's outside option and the other
    side's disagreement value; the value left on the table is counted from there (checked
    by brute force over every feasible package)."""
    import numpy as np

    from negsim.analysis.pipeline import analyze
    from negsim.format.class_results import read_csv_text
    from negsim.format.terms import TermError, walked_away_by
    from negsim.studies.debrief import debrief

    scenario = load_file_or_example(str(_with_outside_option(tmp_path)))
    assert walked_away_by(scenario, "walked away: Local 412 (union)") == "union"
    assert walked_away_by(scenario, "Walked_Away by UNION") == "union"
    assert walked_away_by(scenario, "no deal") is None
    with pytest.raises(TermError, match="one of management, union"):
        walked_away_by(scenario, "walked away: nobody")
    with pytest.raises(TermError, match="management has no outside option"):
        walked_away_by(scenario, "walked away: management")
    text = (
        "pair,wage,benefits,layoffs,length\n"
        "A & B,walked away: union,,,\n"
        "C & D,no deal,,,\n"
        "E & F,walked away: union,keep,,\n"
        "G & H,walked away: management,,,\n"
    )
    deals, skipped = read_csv_text(scenario, text, "class.csv")
    assert [(d.pair, d.walker) for d in deals] == [("A & B", "union"), ("C & D", None)]
    assert [s.pair for s in skipped] == ["E & F", "G & H"]
    assert "holds no terms" in skipped[0].reason and "no outside option" in skipped[1].reason
    analysis = analyze(OutcomeSpace.from_scenario(scenario))
    result = debrief(analysis, deals, skipped)
    walked = next(p for p in result.pairs if p.pair == "A & B")
    plain = next(p for p in result.pairs if p.pair == "C & D")
    d = analysis.space.disagreement
    assert walked.walker == "union" and walked.to_dict()["walked_away"] == "union"
    assert walked.points == {"management": pytest.approx(d[0]), "union": pytest.approx(0.3)}
    assert plain.points == {"management": pytest.approx(d[0]), "union": pytest.approx(d[1])}
    u = analysis.space.utilities
    for pair, point in ((walked, np.array([d[0], 0.3])), (plain, d)):
        better = np.all(u >= point[:, None] - 1e-9, axis=0)
        brute = float((u[:, better] - point[:, None]).sum(axis=0).max())
        assert pair.joint_value_left == pytest.approx(brute)
    assert walked.joint_value_left < plain.joint_value_left  # the outside option was better
    from negsim.present.charts.debrief import deal_marks

    labels = sorted(mark.label for mark in deal_marks(result))
    assert labels == ["no deal", "walked away"]


def test_a_transcript_of_a_walk_away_names_the_walker(tmp_path):
    scenario_file = _with_outside_option(tmp_path)
    out = tmp_path / "t.json"
    lines = "\n".join(["1", "walk"]) + "\n"
    run = CliRunner().invoke(app, ["play", str(scenario_file), "--as", "union", "--seed", "1",
                                   "--agent", "linear", "--transcript", str(out)],
                             input=lines)  # fmt: skip
    assert run.exit_code == 0, run.output
    record = json.loads(out.read_text())
    assert record["outcome"]["status"] == "walked_away"
    assert record["outcome"]["walker"] == "union"
    from negsim.format.class_results import read_results

    deals, _ = read_results(load_file_or_example(str(scenario_file)), str(out))
    assert deals[0].walker == "union"
