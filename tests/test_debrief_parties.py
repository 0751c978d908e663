"""``negsim debrief -o`` with three or more parties: one column per party, each group's
deal a line across them, the reference lines, walk-away and best values; the record's best
values checked by brute force, the words say groups, and no text overlaps."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from test_chart_text import overlaps
from typer.testing import CliRunner

from negsim.cli import app
from negsim.format.loader import load_file_or_example

CLASS_CSV = """\
pair,budget
Ana & Ben & Cy,north:0.7/south:0.3/west:0
Dee & Eli & Fay,north:0.7/south:0.3/west:0
Gus & Hal & Ida,north:0.4/south:0.3/west:0.3
Jo & Kai & Lou,north:0.5/south:0.5/west:0
Max & Ned & Oli,no deal
Pat & Quin & Ray,north:0.2/south:0.4/west:0.4
Sue & Tim & Uma,north:0.1/south:0.2/west:0.7
Val & Wes & Xan,north:0.3/south:0.3/west:0.4
"""
FOUR = """\
negsim: 1
name: Four towns
issues:
  site: {options: [river, hill, lake]}
  size: {range: [0, 10], resolution: 3}
parties:
  a: {label: Ashford, values: {site: {river: 1, hill: 0.2, lake: 0.5}, size: {0: 0, 10: 1}},
      disagreement: 0.2, outside_option: 0.3}
  b: {label: Brookfield, values: {site: {river: 0.3, hill: 1, lake: 0.2}, size: {0: 1, 10: 0}},
      disagreement: 0.1}
  c: {label: Carden, values: {site: {river: 0, hill: 0.4, lake: 1}, size: {0: 0.2, 10: 1}},
      disagreement: 0.25}
  d: {label: Dunmore, values: {site: {river: 0.5, hill: 0, lake: 1}, size: {0: 0.5, 10: 0}},
      disagreement: 0.1}
protocol: {kind: random_proposer, rule: unanimity}
"""
FOUR_CSV = """\
group,site,size
T1,lake,5
T2,river,10
T3,lake,5
T4,no deal,
T5,walked away: Ashford,
T6,hill,0
"""


def run(*args: str) -> object:
    return CliRunner().invoke(app, list(args), prog_name="negsim")


def record_of(scenario_file: str, results: Path):
    from negsim.analysis.pipeline import solve
    from negsim.format.class_results import read_results
    from negsim.studies.debrief import debrief

    scenario = load_file_or_example(scenario_file)
    deals, skipped = read_results(scenario, str(results))
    assert not skipped, skipped
    return debrief(solve(scenario), deals, skipped)


@pytest.fixture()
def coalition(tmp_path: Path):
    path = tmp_path / "class.csv"
    path.write_text(CLASS_CSV, encoding="utf-8")
    return path


@pytest.mark.parametrize("suffix", ["png", "svg"])
def test_the_cli_draws_three_parties(coalition, suffix):
    out = coalition.parent / f"chart.{suffix}"
    result = run("debrief", "coalition-split", str(coalition), "-o", str(out))
    assert result.exit_code == 0, result.output
    data = out.read_bytes()
    if suffix == "png":
        assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 20_000
    else:
        text = data.decode("utf-8")
        assert "<svg" in text and "7 of 8 groups agreed" in " ".join(text.split())
    assert f"Wrote {out}" in result.stderr


def test_the_record_holds_each_partys_best_value(coalition, tmp_path):
    four = tmp_path / "four.yaml"
    four.write_text(FOUR, encoding="utf-8")
    (tmp_path / "four.csv").write_text(FOUR_CSV, encoding="utf-8")
    for scenario, results in (("coalition-split", coalition), (str(four), tmp_path / "four.csv")):
        record = record_of(scenario, results)
        u = record.analysis.space.utilities
        brute = {name: max(float(u[i, k]) for k in range(u.shape[1]))
                 for i, name in enumerate(record.parties)}  # fmt: skip
        assert record.best == pytest.approx(brute)
        assert record.to_dict()["best"] == pytest.approx(brute)
    assert record_of("coalition-split", coalition).best == pytest.approx(
        {"north": 1.0, "south": 1.0, "west": 1.0}
    )


def test_the_words_speak_of_groups(coalition):
    from negsim.present.debrief_words import finding

    record = record_of("coalition-split", coalition)
    assert finding(record) == (
        "7 of 8 groups agreed; all reached the frontier; on average 12.5 points left on the table"
    )


@pytest.mark.parametrize("style", ["default", "classroom", "print"])
def test_the_chart_shows_the_record(coalition, style):
    from negsim.present.charts.debrief import debrief_figure
    from negsim.present.charts.debrief_parties import group_lines
    from negsim.present.charts.style import chart_style

    record = record_of("coalition-split", coalition)
    with chart_style(style):
        figure = debrief_figure(record)
        found = overlaps(figure)
    assert found == [], found
    ax = figure.axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["North", "South", "West"]
    title = " ".join(ax.get_title(loc="left").split())
    mean = 100 * np.mean([p.joint_value_left for p in record.pairs])
    left = re.search(r"(\d+) of (\d+) groups agreed.*on average (\S+) points left", title)
    assert left is not None, title
    assert (int(left[1]), int(left[2])) == (record.agreed, len(record.pairs))
    assert float(left[3]) == pytest.approx(mean, abs=0.05)
    deals = [line for line in ax.get_lines() if line.get_gid() == "deal"]
    distinct = {p.position for p in record.pairs if p.agreed}
    assert len(deals) == len(distinct) == 6  # two groups share one deal
    for line in deals:  # each line at the points of a deal of the record
        ys = tuple(np.round(line.get_ydata(), 9))
        assert any(ys == tuple(round(p.points[n], 9) for n in record.parties)
                   for p in record.pairs)  # fmt: skip
    assert len([line for line in ax.get_lines() if line.get_gid() == "no-deal"]) == 1
    nash = [c for c in ax.collections if c.get_gid() == "solution-nash"]
    assert len(nash) == 1
    assert np.allclose(nash[0].get_offsets()[:, 1], [record.nash.points[n] for n in record.parties])
    assert {c.get_gid() for c in ax.collections} >= {
        "solution-kalai_smorodinsky", "solution-equilibrium"
    }  # fmt: skip
    best = [t.get_text() for t in ax.texts if t.get_gid() == "best-label"]
    assert best == ["best 100"] * 3
    walk = [line for line in ax.get_lines() if line.get_gid() == "walk-away"]
    assert [line.get_ydata()[0] for line in walk] == [
        record.disagreement[n] for n in record.parties
    ]
    labels = sorted(t.get_text() for t in ax.texts if t.get_gid() == "deal-label")
    assert labels == sorted(line.label for line in group_lines(record))
    assert "1 ×2" in labels and "no deal" in labels


def test_four_parties_with_a_walk_away(tmp_path):
    from negsim.present.charts.debrief import debrief_figure
    from negsim.present.charts.style import chart_style

    four = tmp_path / "four.yaml"
    four.write_text(FOUR, encoding="utf-8")
    (tmp_path / "four.csv").write_text(FOUR_CSV, encoding="utf-8")
    record = record_of(str(four), tmp_path / "four.csv")
    with chart_style("classroom"):
        figure = debrief_figure(record)
        found = overlaps(figure)
    assert found == [], found
    ax = figure.axes[0]
    assert len(ax.get_xticklabels()) == 4
    walked = [line for line in ax.get_lines() if line.get_gid() == "walked"]
    assert len(walked) == 1 and walked[0].get_ydata()[0] == pytest.approx(0.3)
    labels = [t.get_text() for t in ax.texts if t.get_gid() == "deal-label"]
    assert "Ashford walked away" in labels and "no deal" in labels
    assert any("×2" in label for label in labels)
    off = [p for p in record.pairs if p.agreed and p.joint_value_left > 1e-9]
    for pair in off:  # a deal that left value on the table says how much
        assert any(f"{pair.rank}" in label and "left" in label for label in labels)
    result = run("debrief", str(four), str(tmp_path / "four.csv"), "-o", str(tmp_path / "c.png"))
    assert result.exit_code == 0, result.output
