"""``negsim sweep``: identical results for any -j and backend, resume, errors, folder rules."""

from __future__ import annotations

import csv
import importlib.util
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from negsim.cli import app
from negsim.format import bundled
from negsim.present.terminal.progress import SweepProgress
from negsim.studies.grid import build_grid
from negsim.studies.sweep import RESULTS, Plan, SweepError, run_sweep
from negsim.studies.sweep_plan import read_source, read_sweep_file

SCENARIO = "venezuela-2025"
ASSIGNMENTS = ["protocol.deadline=1:4", "parties.maduro.discount=0.9:0.99:0.03"]
runner = CliRunner()


def _plan(folder: Path, jobs: int = 1, **kwargs: object) -> Plan:
    return Plan(
        source=read_source(SCENARIO),
        grid=build_grid(kwargs.pop("assignments", ASSIGNMENTS)),  # type: ignore[arg-type]
        folder=folder,
        seed=7,
        jobs=jobs,
        **kwargs,  # type: ignore[arg-type]
    )


def _rows(folder: Path) -> list[list[str]]:
    with (folder / RESULTS).open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    folder = tmp_path_factory.mktemp("ref") / "out"
    summary = run_sweep(_plan(folder, jobs=1))
    assert summary.counts == {"ok": 16, "error": 0}
    return (folder / RESULTS).read_bytes()


def test_columns_and_values(reference: bytes) -> None:
    lines = reference.decode().splitlines()
    assert lines[0] == (
        "point,protocol.deadline,parties.maduro.discount,status,agreement,round,u.us,u.maduro,"
        "payoff.us,payoff.maduro,deal.amnesty,deal.sanctions_relief,deal.icc_case,"
        "deal.armed_forces,deal.interim_government,deal.exit_timing,"
        "nash.u.us,nash.u.maduro,ks.u.us,ks.u.maduro,egalitarian.u.us,egalitarian.u.maduro,"
        "utilitarian.u.us,utilitarian.u.maduro,"
        + ",".join(
            f"{solution}.deal.{issue}"
            for solution in ("nash", "ks", "egalitarian", "utilitarian")
            for issue in (
                "amnesty",
                "sanctions_relief",
                "icc_case",
                "armed_forces",
                "interim_government",
                "exit_timing",
            )
        )
        + ",error"
    )
    assert len(lines) == 17
    assert [line.split(",")[0] for line in lines[1:]] == [str(i) for i in range(16)]
    row = lines[1].split(",")
    assert row[1:4] == ["1", "0.9", "ok"]
    assert float(row[6]) == float(repr(float(row[6])))


@pytest.mark.slow
def test_two_workers_identical(reference: bytes, tmp_path: Path) -> None:
    run_sweep(_plan(tmp_path / "j2", jobs=2))
    assert (tmp_path / "j2" / RESULTS).read_bytes() == reference


@pytest.mark.slow
@pytest.mark.skipif(
    importlib.util.find_spec("distributed") is None,
    reason="dask is not installed (pip install 'negsim[dask]')",
)
def test_dask_local_cluster_identical(reference: bytes, tmp_path: Path) -> None:
    run_sweep(_plan(tmp_path / "dask", jobs=2, backend="dask"))
    assert (tmp_path / "dask" / RESULTS).read_bytes() == reference


@pytest.mark.slow
@pytest.mark.skipif(
    importlib.util.find_spec("distributed") is None,
    reason="dask is not installed (pip install 'negsim[dask]')",
)
def test_dask_existing_scheduler_identical(reference: bytes, tmp_path: Path) -> None:
    """``--backend dask --scheduler ADDR``: an already running cluster on 127.0.0.1."""
    from distributed import LocalCluster

    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
        dashboard_address=None,
    ) as cluster:  # fmt: skip
        run_sweep(
            _plan(tmp_path / "remote", jobs=2, backend="dask", scheduler=cluster.scheduler_address)
        )
    assert (tmp_path / "remote" / RESULTS).read_bytes() == reference


@pytest.mark.slow
def test_cli_matches_library(reference: bytes, tmp_path: Path) -> None:
    out = tmp_path / "cli"
    result = runner.invoke(
        app, ["sweep", SCENARIO, *ASSIGNMENTS, "-o", str(out), "-j", "2", "--seed", "7"]
    )
    assert result.exit_code == 0, result.output
    assert (out / RESULTS).read_bytes() == reference
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["counts"] == {"ok": 16, "error": 0}
    assert manifest["seed"] == 7 and manifest["finished"]
    assert (out / "scenario.yaml").read_bytes() == bundled.resolve(SCENARIO).read_bytes()  # type: ignore[union-attr]


@pytest.mark.slow
@pytest.mark.parametrize("keep", [0, 5, 15])
@pytest.mark.parametrize("cut_line", [False, True])
def test_resume_after_kill(reference: bytes, tmp_path: Path, keep: int, cut_line: bool) -> None:
    folder = tmp_path / "out"
    run_sweep(_plan(folder, jobs=1))
    lines = reference.decode().splitlines(keepends=True)
    # a killed sweep: rows in completion order (shuffled), a half-written last line
    body = lines[1:]
    body = body[1::2] + body[::2]
    text = lines[0] + "".join(body[:keep])
    if cut_line:
        text += body[keep][:20]
    (folder / RESULTS).write_text(text)
    seen: list[int] = []
    summary = run_sweep(_plan(folder, jobs=2, resume=True), on_row=lambda i, _: seen.append(i))
    assert summary.skipped == keep
    assert len(seen) == 16 - keep and len(set(seen)) == len(seen)
    assert (folder / RESULTS).read_bytes() == reference
    assert "resumed" in summary.manifest


@pytest.mark.slow
def test_stop_mid_way_then_resume(reference: bytes, tmp_path: Path) -> None:
    folder = tmp_path / "out"

    class Killed(Exception):
        pass

    def kill_after_six(index: int, row: list[str]) -> None:
        if len(_rows(folder)) > 6:
            raise Killed

    with pytest.raises(Killed):
        run_sweep(_plan(folder, jobs=2), on_row=kill_after_six)
    assert 1 < len(_rows(folder)) < 17
    run_sweep(_plan(folder, jobs=1, resume=True))
    assert (folder / RESULTS).read_bytes() == reference


def test_values_the_format_refuses_are_refused_before_the_run(tmp_path: Path) -> None:
    """A discount of 1.2 would fail its points: the sweep refuses before anything runs or
    is written, naming the path, the value and the rule (``--dry-run`` alike)."""
    folder = tmp_path / "out"
    for extra in ([], ["--dry-run"]):
        result = runner.invoke(app, ["sweep", SCENARIO, "parties.maduro.discount=0.9:1.5:0.3",
                                     "-o", str(folder), "-j", "1", *extra])  # fmt: skip
        assert result.exit_code == 2, result.output
        assert "parties.maduro.discount=1.2 makes the scenario invalid" in result.stderr
        assert "a discount factor must be in (0, 1]" in result.stderr
        assert not folder.exists()


def test_points_invalid_only_in_combination_are_error_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each value is fine on its own, but 3,001 types over 100 rounds need more than a
    100 MB limit: that point (only) is an error row, with the message, and exit status 3."""
    monkeypatch.setenv("NEGSIM_MEMORY_LIMIT", "100M")
    folder = tmp_path / "out"
    result = runner.invoke(
        app,
        ["sweep", "venezuela-2025-private", 'uncertainty["maduro.disagreement"].types=101,3001',
         "protocol.deadline=7,100", "-o", str(folder), "-j", "1"],
    )  # fmt: skip
    assert result.exit_code == 3, result.output
    rows = _rows(folder)
    header = rows[0]
    status = [row[header.index("status")] for row in rows[1:]]
    assert status == ["ok", "ok", "ok", "error"]
    error = rows[4][header.index("error")]
    assert "screening 3,001 types over 100 rounds would need" in error
    assert rows[4][header.index("u.us")] == ""
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["counts"] == {"ok": 3, "error": 1}


def test_unknown_path_is_a_usage_error(tmp_path: Path) -> None:
    """A path that leads nowhere would fail every point: refused before anything runs."""
    folder = tmp_path / "out"
    result = runner.invoke(app, ["sweep", SCENARIO, "parties.nobody.discount=0.9", "-o",
                                 str(folder)])  # fmt: skip
    assert result.exit_code == 2
    assert "no 'nobody' at parties" in result.stderr
    assert not folder.exists()


def test_unknown_path_in_the_library_is_an_error_row(tmp_path: Path) -> None:
    """Called as a library, the sweep still records such points instead of stopping."""
    folder = tmp_path / "lib"
    summary = run_sweep(_plan(folder, assignments=["parties.nobody.discount=0.9"]))
    assert summary is not None
    assert "no 'nobody'" in _rows(folder)[1][-1]


def test_uncertainty_columns(tmp_path: Path) -> None:
    folder = tmp_path / "out"
    result = runner.invoke(
        app, ["sweep", "venezuela-2025-private", "protocol.deadline=2,3", "-o", str(folder)]
    )
    assert result.exit_code in (0, 3), result.output
    rows = _rows(folder)
    header = rows[0]
    start = header.index("deal_probability")
    by_round = [f"deal_probability.round.{k}" for k in range(7)]  # the scenario's deadline
    assert header[start : start + 12] == ["deal_probability", "no_agreement_probability",
        "final_round_share", *by_round, "screening.payoff.us",
        "screening.payoff.maduro"]  # fmt: skip
    assert header[-1] == "error"
    for row in rows[1:]:  # each point's screening numbers are those of `negsim solve` there
        deadline = int(row[header.index("protocol.deadline")])
        text = Path(tmp_path / f"point-{deadline}.yaml")
        text.write_text(
            (Path(__file__).parents[1] / "scenarios" / "venezuela-2025-private.yaml")
            .read_text(encoding="utf-8")
            .replace("deadline: 7", f"deadline: {deadline}")
        )
        solved = runner.invoke(app, ["solve", str(text), "--format", "json"])
        assert solved.exit_code == 0, solved.output
        screening = json.loads(solved.stdout)["screening"]
        by_round = screening["agreement_probability_by_round"]
        for k, chance in enumerate(by_round):
            assert float(row[header.index(f"deal_probability.round.{k}")]) == pytest.approx(
                chance, abs=1e-12)  # fmt: skip
        for k in range(len(by_round), 7):  # past this point's deadline: empty
            assert row[header.index(f"deal_probability.round.{k}")] == ""
        none = 1 - sum(by_round)
        assert float(row[header.index("deal_probability")]) == pytest.approx(1 - none, abs=1e-12)
        assert float(row[header.index("no_agreement_probability")]) == pytest.approx(none)
        share = by_round[-1] / sum(by_round)
        assert float(row[header.index("final_round_share")]) == pytest.approx(share, abs=1e-12)
        for party in ("us", "maduro"):
            assert float(row[header.index(f"screening.payoff.{party}")]) == pytest.approx(
                screening["expected_payoffs"][party], abs=1e-12)  # fmt: skip
        # the terms: every offer made, weighted by the chance of a deal in its round
        weights: dict[float, float] = {}
        for offer, chance in zip(screening["offers"], by_round, strict=False):
            made = [(offer["probability"], offer["mix"])] + [
                (other["probability"], other["mix"]) for other in offer["alternatives"]
            ]
            for probability, mix in made:
                for member in mix:
                    value = member["package"]["sanctions_relief"]
                    weights[value] = weights.get(value, 0) + chance * probability * member["weight"]
        expected = sum(v * w for v, w in weights.items()) / sum(weights.values())
        column = header.index("screening.deal.sanctions_relief")
        assert float(row[column]) == pytest.approx(expected, abs=1e-9)


def test_folder_rules(tmp_path: Path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine")
    base = ["sweep", SCENARIO, "protocol.deadline=1:2", "-o", str(folder), "-j", "1"]
    result = runner.invoke(app, base)
    assert result.exit_code == 2 and "--force" in result.output
    assert not (folder / RESULTS).exists()
    # --resume in a folder that holds no sweep
    assert runner.invoke(app, [*base, "--resume"]).exit_code == 2
    assert runner.invoke(app, [*base, "--resume", "--force"]).exit_code == 2
    assert runner.invoke(app, [*base, "--force"]).exit_code == 0
    assert (folder / "notes.txt").read_text() == "mine"  # --force touches only its own files
    assert runner.invoke(app, base).exit_code == 2  # a finished sweep is not overwritten
    done = runner.invoke(app, [*base, "--resume"])
    assert done.exit_code == 0 and "2 already done" in done.output
    other = ["sweep", SCENARIO, "protocol.deadline=1:3", "-o", str(folder), "--resume"]
    mismatch = runner.invoke(app, other)
    assert mismatch.exit_code == 2 and "grid differs" in mismatch.output


def test_resume_keeps_seed(tmp_path: Path) -> None:
    folder = tmp_path / "out"
    with pytest.raises(SweepError):
        run_sweep(_plan(folder, jobs=1))
        run_sweep(Plan(**{**_plan(folder).__dict__, "seed": 8, "resume": True}))


def test_sweep_file_and_dry_run(tmp_path: Path) -> None:
    sweep_file = tmp_path / "sweep.yaml"
    sweep_file.write_text(
        "parameters:\n  protocol.deadline: '1:3'\n  parties.maduro.discount: [0.9, 0.95]\nseed: 3\n"
    )
    axes, options = read_sweep_file(sweep_file)
    assert [a.values for a in axes] == [(1, 2, 3), (0.9, 0.95)] and options == {"seed": 3}
    result = runner.invoke(app, ["sweep", SCENARIO, "--sweep-file", str(sweep_file), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "6 points (3 × 2)" in result.output and "about" in result.output
    assert not Path(f"{Path(SCENARIO).stem}-sweep").exists()


def test_usage_errors() -> None:
    assert runner.invoke(app, ["sweep", SCENARIO, "protocol.deadline"]).exit_code == 2
    assert runner.invoke(app, ["sweep", SCENARIO]).exit_code == 2
    assert runner.invoke(app, ["sweep", SCENARIO, "a=1", "--backend", "x"]).exit_code == 2
    assert runner.invoke(app, ["sweep", "no-such-file.yaml", "a=1"]).exit_code == 2


def test_progress_bar_renders_on_a_terminal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The bar (points, rate, time left) on standard error, before the first rate exists."""
    monkeypatch.setenv("TTY_INTERACTIVE", "1")
    monkeypatch.setenv("FORCE_COLOR", "1")
    summary = run_sweep(_plan(tmp_path / "bar", jobs=1), progress=SweepProgress)
    assert summary is not None
    error = capsys.readouterr().err
    assert "points/s" in error and "left" in error


@pytest.mark.parametrize(
    ("path", "values"),
    [
        ('uncertainty["maduro.disagreement"].types', [101, 201]),  # a key with a dot
        ("parties.us.disagreement.lottery[0].p", [0.3, 0.7]),  # a lottery branch, rescaled
        ("constraints[0].forbid.amnesty", ["family", "global"]),  # a list index
        ("mediators.qatar", [None, "none"]),  # removal of a block
    ],
)
def test_every_kind_of_path_sweeps_to_what_a_direct_solve_gives(
    tmp_path: Path, path: str, values: list
) -> None:
    """Each row of the sweep equals ``solve`` of the scenario edited with
    ``Scenario.replace`` at that value: one path grammar for both."""
    from negsim.api import load, solve

    folder = tmp_path / "out"
    text = ",".join("null" if v is None else str(v) for v in values)
    result = runner.invoke(
        app, ["sweep", "venezuela-2025-private", f"{path}={text}", "-o", str(folder), "-j", "1"]
    )
    assert result.exit_code == 0, result.output
    rows = _rows(folder)
    header = rows[0]
    base = load("venezuela-2025-private")
    for row, value in zip(rows[1:], values, strict=True):
        assert row[header.index("status")] == "ok"
        expected = solve(base.replace({path: value})).equilibrium.utilities
        assert float(row[header.index("u.us")]) == pytest.approx(expected[0], abs=1e-12)
        assert float(row[header.index("u.maduro")]) == pytest.approx(expected[1], abs=1e-12)
