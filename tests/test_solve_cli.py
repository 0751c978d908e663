"""``negsim solve`` (table and JSON) and ``negsim plot``: output, degenerate scenarios, files
and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from degenerate import SCENARIO_TEXTS
from typer.testing import CliRunner, Result

from negsim import cli
from negsim.analysis.pipeline import solve
from negsim.analysis.records import SOLUTION_LABELS, SOLUTION_NAMES
from negsim.cli import app
from negsim.format.loader import load_scenario

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"

JSON_KEYS = [
    "negsim_version",
    "scenario",
    "parties",
    "labels",
    "space",
    "disagreement",
    "ideal",
    "zopa",
    "zopa_with_lotteries",
    "ranges",
    "pareto",
    "solutions",
    "equilibrium",
    "screening",
    "warnings",
]

DEGENERATE = {
    name: SCENARIO_TEXTS[name]
    for name in ("no-zopa", "one-side-cannot-gain", "single", "tied", "indifferent")
}


def run(args: list[str], input: str | None = None) -> Result:
    """Invoke the CLI in-process; a Python exception (a traceback for users) fails the test."""
    result = CliRunner().invoke(app, args, input=input)
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"unexpected exception: {result.exception!r}"
    )
    assert "Traceback" not in result.output
    return result


def scenario_file(tmp_path: Path, name: str) -> Path:
    path = tmp_path / f"{name}.yaml"
    path.write_text(DEGENERATE[name], encoding="utf-8")
    return path


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


# --------------------------------------------------------------------------------------------
# solve --format json


def test_json_is_the_analysis_record() -> None:
    result = run(["solve", "venezuela-2025", "--format", "json"])
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert list(data) == JSON_KEYS
    analysis = solve(load_scenario(SCENARIOS / "venezuela-2025.yaml"))
    assert result.stdout == json.dumps(analysis.to_dict(), indent=2, ensure_ascii=False) + "\n"
    assert data["parties"] == ["us", "maduro"]
    assert set(data["solutions"]) == set(SOLUTION_NAMES)
    equilibrium = data["equilibrium"]
    assert equilibrium["protocol"] == "alternating_offers"
    assert (equilibrium["deadline"], equilibrium["first_proposer"]) == (7, "us")
    assert equilibrium["agreement"] is True and equilibrium["round"] == 0
    assert [p["round"] for p in equilibrium["proposals"]] == list(range(7))
    assert data["screening"] is None
    assert "Nicolás" not in result.stdout or "\\u" not in result.stdout  # not escaped
    assert result.stderr == ""


def test_json_of_a_scenario_without_zopa(tmp_path: Path) -> None:
    result = run(["solve", str(scenario_file(tmp_path, "no-zopa")), "--format", "json"])
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert list(data) == JSON_KEYS
    assert data["zopa"] is False and data["zopa_with_lotteries"] is False
    assert data["ideal"] is None and data["ranges"] is None and data["pareto"] == []
    assert data["solutions"] == dict.fromkeys(SOLUTION_NAMES)


def test_json_from_standard_input() -> None:
    text = (SCENARIOS / "logrolling.yaml").read_text(encoding="utf-8")
    result = run(["solve", "-", "--format", "json"], input=text)
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["scenario"] == "Logrolling across two issues (Raiffa)"


# --------------------------------------------------------------------------------------------
# solve --format table


def test_table_reads_the_analysis() -> None:
    result = run(["solve", "venezuela-2025"])
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert out.startswith("Venezuela 2025 - Maduro exit talks\n")
    for heading in (
        "Outcome space",
        "Parties",
        "Zone of possible agreement: yes",
        "Bargaining solutions",
        "With lotteries",
        "Pareto-optimal packages",
    ):
        assert heading in out
    for name in SOLUTION_NAMES:
        assert SOLUTION_LABELS[name] in out
    assert "12,600" in out and "13,440" in out  # feasible and enumerated packages
    assert "0.575" in out and "0.280" in out  # disagreement
    assert "(+0.151)" in out  # a gain over disagreement
    assert "amnesty=family" in out  # packages in issue terms
    assert "92.3%: the package above" in out  # the lottery of the Nash hull point
    assert "showing 10 of 30" in out
    assert "screening" not in out.lower()
    assert max(len(line) for line in out.splitlines()) <= 80  # fits a terminal


def test_table_explains_the_equilibrium_round_by_round() -> None:
    out = run(["solve", "venezuela-2025"]).stdout
    text = " ".join(out.replace("│", " ").split())  # undo the table's line wrapping
    for phrase in (
        "Equilibrium of the protocol",
        "alternating offers, us proposes first",
        "talks break down with probability 5%",
        "7 rounds of 1 day (7 days)",
        "yes, at once: maduro accepts the offer us makes on day 1",
        # the agreed package (single packages: lotteries are off), in issue terms
        "amnesty=family, sanctions_relief=40 officials, icc_case=proceeds, "
        "armed_forces=opposition, interim_government=technocrat, exit_timing=10 days",
        "utility (gain) 0.836 (+0.261) 0.337 (+0.057)",
        "Round by round",
        # why the responder accepts, with the numbers of the record: on single packages the
        # offer may give more than the value of rejecting
        "maduro accepts: 0.337 >= 0.336, its value of rejecting (5% breakdown to 0.280, "
        "else its own offer the next day, 0.350 x 0.97)",
        "us accepts: 0.826 >= 0.825, its value of rejecting (5% breakdown to 0.575, "
        "else its own offer the next day, 0.846 x 0.99)",
        "the last round: a rejection ends the talks at its disagreement 0.280",
    ):
        assert phrase in text, phrase
    for day in range(1, 8):
        assert f"day {day}" in text
    assert "day 8" not in text


def test_table_of_a_stationary_equilibrium_lists_each_proposal() -> None:
    out = run(["solve", "pie-split"]).stdout
    text = " ".join(out.replace("│", " ").split())
    assert "deadline none" in text
    assert "Each party's proposal, the same whenever it proposes" in text
    assert "player1 offers: player1 0.714, player2 0.286" in text
    assert (
        "player2 accepts: 0.286 >= 0.286, its value of rejecting (its own offer the next "
        "round, 0.357 x 0.8)"
    ) in text
    assert "player1 accepts: 0.643 >= 0.643" in text


def test_table_says_when_the_split_is_not_unique(tmp_path: Path) -> None:
    path = tmp_path / "patient.yaml"
    path.write_text(
        "negsim: 1\nname: Patient\nissues:\n  pie: {split: {total: 1}, resolution: 11}\n"
        "parties:\n  a: {}\n  b: {}\n",
        encoding="utf-8",
    )
    text = " ".join(run(["solve", str(path)]).stdout.replace("│", " ").split())
    assert "Not unique: a range of splits are equilibria" in text
    assert "a from 0.000 to 1.000; b from 0.000 to 1.000" in text
    assert "the one most favourable to the first proposer, a" in text


def test_table_of_a_random_proposer_gives_expectations_and_each_proposal(
    tmp_path: Path,
) -> None:
    path = tmp_path / "random.yaml"
    path.write_text(
        "negsim: 1\nname: Three-way\nissues:\n  pie: {split: {total: 1}, resolution: 21}\n"
        "parties:\n  a: {discount: 0.9}\n  b: {discount: 0.9}\n  c: {discount: 0.9}\n"
        "protocol: {kind: random_proposer, rule: majority}\n",
        encoding="utf-8",
    )
    result = run(["solve", str(path)])
    assert max(len(line) for line in result.stdout.splitlines()) <= 80
    text = " ".join(result.stdout.replace("│", " ").split())
    assert "expected over who is recognised" in text
    assert "Each party's proposal when recognised" in text
    assert "a offers: a 0.700, b 0.300, c 0.000" in text
    assert (
        "b accepts: 0.300 >= 0.300, its value of rejecting (its expected value if talks "
        "go on, 0.333 x 0.9)"
    ) in text
    assert "c is not needed: 0.000 < 0.300" in text


def test_table_is_the_default_and_format_is_checked() -> None:
    assert (
        run(["solve", "pie-split"]).stdout
        == run(["solve", "pie-split", "--format", "table"]).stdout
    )
    result = run(["solve", "pie-split", "--format", "yaml"])
    assert result.exit_code == 2


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "no-zopa",
            [
                "Zone of possible agreement: none",
                "every package that gives the buyer more than the 0.7 expected from "
                "disagreement leaves the seller at most 0.2, short of the 0.6",
                "No bargaining solution exists",
            ],
        ),
        (
            "one-side-cannot-gain",
            ["no package gives seller more than the 0.6 expected from disagreement", "0.5"],
        ),
        ("single", ["There is a single feasible package.", "deal=signed"]),
        ("tied", ["Every party values all 15 feasible packages the same", "showing 10 of 15"]),
        ("indifferent", ["seller is indifferent among the packages (utility 0.5"]),
    ],
)
def test_degenerate_scenarios_give_clear_answers(
    name: str, expected: list[str], tmp_path: Path
) -> None:
    result = run(["solve", str(scenario_file(tmp_path, name))])
    assert result.exit_code == 0, result.stderr
    text = " ".join(result.stdout.split())  # undo the table's line wrapping
    for phrase in expected:
        assert " ".join(phrase.split()) in text
    solved = "Bargaining solutions" in result.stdout
    assert solved == (name not in ("no-zopa", "one-side-cannot-gain"))


def test_no_zopa_note_is_not_repeated(tmp_path: Path) -> None:
    result = run(["solve", str(scenario_file(tmp_path, "no-zopa"))])
    assert result.stdout.count("No zone of agreement") == 0
    assert result.stdout.count("Zone of possible agreement: none") == 1


def test_solve_invalid_scenario_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("negsim: 1\nname: x\n", encoding="utf-8")
    result = run(["solve", str(path)])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert str(path) in result.stderr


# --------------------------------------------------------------------------------------------
# plot


def test_plot_writes_the_default_file_and_refuses_to_overwrite(in_tmp: Path) -> None:
    path = scenario_file(in_tmp, "single")
    result = run(["plot", str(path), "--kind", "frontier"])
    assert result.exit_code == 0, result.stderr
    written = in_tmp / "single-frontier.png"
    assert written.read_bytes().startswith(b"\x89PNG")
    assert "single-frontier.png" in result.stderr
    assert result.stdout == ""

    before = written.read_bytes()
    again = run(["plot", str(path)])
    assert again.exit_code == 2
    assert "already exists" in again.stderr and "--force" in again.stderr
    assert written.read_bytes() == before

    forced = run(["plot", str(path), "--force"])
    assert forced.exit_code == 0, forced.stderr


@pytest.mark.parametrize(("suffix", "magic"), [(".svg", b"<?xml"), (".pdf", b"%PDF")])
def test_plot_format_follows_the_suffix(suffix: str, magic: bytes, tmp_path: Path) -> None:
    out = tmp_path / f"chart{suffix}"
    result = run(["plot", str(scenario_file(tmp_path, "no-zopa")), "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    assert out.read_bytes().startswith(magic)
    assert str(out) in result.stderr


def test_plot_refuses_an_existing_output(tmp_path: Path) -> None:
    out = tmp_path / "chart.svg"
    out.write_text("keep me", encoding="utf-8")
    result = run(["plot", "pie-split", "-o", str(out)])
    assert result.exit_code == 2
    assert out.read_text(encoding="utf-8") == "keep me"


@pytest.mark.parametrize("name", ["chart.gif", "chart", "chart.png.txt"])
def test_plot_bad_suffix_is_a_usage_error(name: str, tmp_path: Path) -> None:
    result = run(["plot", "pie-split", "-o", str(tmp_path / name)])
    assert result.exit_code == 2
    assert ".png" in result.stderr and ".svg" in result.stderr and ".pdf" in result.stderr
    assert not (tmp_path / name).exists()


def test_plot_unknown_kind_is_a_usage_error(tmp_path: Path) -> None:
    result = run(["plot", "pie-split", "--kind", "frontiers", "-o", str(tmp_path / "x.png")])
    assert result.exit_code == 2
    assert "did you mean 'frontier'" in result.stderr


def test_plot_kinds_in_help_are_the_figure_functions() -> None:
    from negsim.present.charts import FIGURES

    # the sweep chart reads a sweep's folder, not an analysis: negsim.present.charts.sweep
    assert set(cli.PLOT_KINDS) == set(FIGURES) | {"sweep"}
    assert "frontier" in run(["plot", "--help"]).stdout


def test_plot_into_a_missing_folder_fails_with_status_1(tmp_path: Path) -> None:
    result = run(["plot", "pie-split", "-o", str(tmp_path / "missing" / "chart.png")])
    assert result.exit_code == 1
    assert "cannot write" in result.stderr


# --------------------------------------------------------------------------------------------
# plot --kind deadline and --kind discount


def test_plot_deadline_writes_the_default_file(in_tmp: Path) -> None:
    result = run(["plot", "pie-split", "--kind", "deadline", "--max-deadline", "6"])
    assert result.exit_code == 0, result.stderr
    written = in_tmp / "pie-split-deadline.png"
    assert written.read_bytes().startswith(b"\x89PNG")
    assert "pie-split-deadline.png" in result.stderr and result.stdout == ""
    again = run(["plot", "pie-split", "--kind", "deadline", "--max-deadline", "6"])
    assert again.exit_code == 2 and "already exists" in again.stderr


@pytest.mark.slow
def test_plot_deadline_solves_one_to_max_deadline(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from negsim.present.charts import curves as plots
    from negsim.studies import curves

    seen: dict[str, object] = {}
    real = plots.deadline_figure

    def spy(curve: curves.DeadlineCurve) -> object:
        seen["curve"] = curve
        return real(curve)

    monkeypatch.setattr(plots, "deadline_figure", spy)
    out = tmp_path / "deadline.svg"
    result = run(["plot", "territorial-dispute", "--kind", "deadline", "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    assert out.read_bytes().startswith(b"<?xml")
    curve = seen["curve"]
    assert isinstance(curve, curves.DeadlineCurve)
    assert list(curve.deadlines) == list(range(1, 21))  # max(2 x 1, 20)
    out.unlink()
    assert run(["plot", "territorial-dispute", "-k", "deadline", "--max-deadline", "3", "-o",
                str(out)]).exit_code == 0  # fmt: skip
    assert list(seen["curve"].deadlines) == [1, 2, 3]  # type: ignore[attr-defined]


@pytest.mark.slow
def test_plot_discount_with_party_and_range(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from negsim.present.charts import curves as plots
    from negsim.studies import curves

    seen: dict[str, curves.DiscountCurve] = {}
    real = plots.discount_figure

    def spy(curve: curves.DiscountCurve) -> object:
        seen["curve"] = curve
        return real(curve)

    monkeypatch.setattr(plots, "discount_figure", spy)
    out = tmp_path / "discount.pdf"
    args = ["plot", "pie-split", "--kind", "discount", "--party", "player1", "--range",
            "0.6:0.9:0.1", "-o", str(out)]  # fmt: skip
    result = run(args)
    assert result.exit_code == 0, result.stderr
    assert out.read_bytes().startswith(b"%PDF")
    assert seen["curve"].party == 0
    np.testing.assert_allclose(seen["curve"].discounts, [0.6, 0.7, 0.8, 0.9])
    out.unlink()
    assert run(["plot", "pie-split", "-k", "discount", "-o", str(out)]).exit_code == 0
    assert seen["curve"].party == 1  # the last party by default
    assert len(seen["curve"].discounts) == 50  # 0.5 to 0.99 in steps of 0.01
    assert seen["curve"].discounts[-1] == pytest.approx(0.99)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--kind", "frontier", "--max-deadline", "5"], "--max-deadline goes with --kind deadline"),
        (["--kind", "deadline", "--party", "player1"], "--party goes with --kind discount"),
        (["--kind", "deadline", "--max-deadline", "0"], "--max-deadline must be between 1"),
        (["--kind", "discount", "--party", "playr1"], "did you mean 'player1'"),
        (["--kind", "discount", "--range", "0.5-0.9"], "give START:STOP:STEP"),
        (["--kind", "discount", "--range", "0.5:1.2:0.1"], "must lie in (0, 1]"),
        (["--kind", "discount", "--range", "0.9:0.5:0.1"], "STEP must be positive"),
        (["--kind", "discounts"], "did you mean 'discount'"),
    ],
)
def test_plot_curve_options_are_checked(args: list[str], message: str, tmp_path: Path) -> None:
    out = tmp_path / "chart.png"
    result = run(["plot", "pie-split", *args, "-o", str(out)])
    assert result.exit_code == 2
    assert message in result.stderr
    assert not out.exists()
