"""Hostile and odd inputs get a quick, clear refusal: special files read with a bound,
tags whose text does not fit them, YAML versions other than 1.2, a memory limit that is
not a size, file names the system refuses, and standard input named ``-``.

Each runs the installed command in a child process (``python -m negsim``), so the entry
point's own checks are exercised, with a timeout well above what a refusal takes: a hang
fails the test instead of stalling the suite. Every refusal is one line (or one line per
problem) on standard error, exit status 2, and no traceback.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from negsim import memory
from negsim.memory import parse_size

ROOT = Path(__file__).resolve().parent.parent
PIE = ROOT / "scenarios" / "pie-split.yaml"
TIMEOUT = 60  # seconds; a refusal takes about one (the import)


def negsim(
    *args: str, stdin: object = subprocess.DEVNULL, env: dict[str, str] | None = None, cwd=None
) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-m", "negsim", *args],
        stdin=stdin,  # type: ignore[arg-type]
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        env={**os.environ, **(env or {})},
        cwd=cwd,
    )
    assert "Traceback" not in result.stderr, result.stderr
    return result


def test_an_endless_special_file_is_refused_after_the_size_limit() -> None:
    """``/dev/zero`` as a scenario, as standard input and as a sweep file: refused once
    16 MB have been read, not read for ever."""
    found = negsim("validate", "/dev/zero")
    assert found.returncode == 2
    assert "/dev/zero:1:1" in found.stderr and "16,777,216 bytes" in found.stderr
    with open("/dev/zero", "rb") as zeros:
        found = negsim("validate", "-", stdin=zeros)
    assert found.returncode == 2 and "<stdin>:1:1" in found.stderr
    found = negsim("sweep", str(PIE), "--sweep-file", "/dev/zero", "--dry-run")
    assert found.returncode == 2 and "16,777,216 bytes" in found.stderr


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("name: !!int abc", "'abc' is not a valid int (tag !!int)"),
        ("name: !!float abc", "'abc' is not a valid float (tag !!float)"),
        ("name: !!bool maybe", "'maybe' is not a valid bool (tag !!bool)"),
    ],
)
def test_a_tag_whose_text_does_not_fit_it_is_a_problem_with_its_position(
    tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "tagged.yaml"
    path.write_text(f"negsim: 1\n{text}\n", encoding="utf-8")
    found = negsim("validate", str(path))
    assert found.returncode == 2
    assert f"{path}:2:7: name: {message}" in found.stderr


@pytest.mark.parametrize("version", ["1.0", "1.1", "1.3"])
def test_yaml_versions_other_than_1_2_are_refused(tmp_path: Path, version: str) -> None:
    """YAML 1.1 would read ``no`` as false, which the format (YAML 1.2) does not; 1.0 and
    1.3 are not versions the reader knows."""
    path = tmp_path / "versioned.yaml"
    path.write_text(f"%YAML {version}\n---\nnegsim: 1\n", encoding="utf-8")
    found = negsim("validate", str(path))
    assert found.returncode == 2
    assert f"{path}:1:1: (document): %YAML {version}: scenarios are read as YAML 1.2" in (
        found.stderr
    )


def test_yaml_1_2_directive_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "versioned.yaml"
    path.write_text("%YAML 1.2\n---\n" + PIE.read_text(encoding="utf-8"), encoding="utf-8")
    assert negsim("validate", str(path)).returncode == 0


@pytest.mark.parametrize("limit", ["abc", "K", "inf", "nan", "10X", "-5M", ""])
def test_a_memory_limit_that_is_not_a_size_is_refused(limit: str) -> None:
    if limit == "":  # unset in effect: the default applies
        assert negsim("validate", str(PIE), env={"NEGSIM_MEMORY_LIMIT": limit}).returncode == 0
        return
    found = negsim("solve", str(PIE), env={"NEGSIM_MEMORY_LIMIT": limit})
    assert found.returncode == 2
    assert found.stderr.startswith(f"negsim: NEGSIM_MEMORY_LIMIT={limit!r} is not a size")


def test_sizes_parse_with_binary_suffixes() -> None:
    assert parse_size("512") == 512
    assert parse_size("512M") == 512 * 1024**2
    assert parse_size("1.5k") == 1536
    assert parse_size(" 2GB ") == 2 * 1024**3
    with pytest.raises(ValueError, match="is not a size"):
        parse_size("1e3")


def test_a_file_name_the_system_refuses_is_one_line(tmp_path: Path) -> None:
    """A path component over 255 bytes, as input and as output."""
    long_name = "a" * 300 + ".yaml"
    found = negsim("validate", str(tmp_path / long_name))
    assert found.returncode == 2
    assert "File name too long" in found.stderr and len(found.stderr.splitlines()) == 1
    found = negsim("plot", str(PIE), "-o", str(tmp_path / ("b" * 300 + ".png")))
    assert found.returncode == 2
    assert "File name too long" in found.stderr and len(found.stderr.splitlines()) == 1


def test_sensitivity_of_standard_input_reads_standard_input(tmp_path: Path) -> None:
    """``sensitivity -`` analyses what it was given, even with a file named ``<stdin>`` in
    the folder, and names its chart ``stdin-tornado.png``."""
    (tmp_path / "<stdin>").write_text("not: a scenario\n", encoding="utf-8")
    with open(PIE, "rb") as scenario:
        found = negsim("sensitivity", "-", "--format", "json", stdin=scenario, cwd=tmp_path)
    assert found.returncode == 0, found.stderr
    assert '"scenario": "Splitting a pie (Rubinstein 1982)"' in found.stdout
    assert (tmp_path / "stdin-tornado.png").exists()
    assert not (tmp_path / "<stdin>-tornado.png").exists()


BIG_OR_TINY = [
    (
        "    discount: 0.9",
        "    discount: 5e-324",
        "parties.player1.discount",
        "must be at least 2.23e-308",
    ),
    (
        "    discount: 0.9",
        "    discount: 0.9\n    cost_per_round: 1.0e308",
        "cost_per_round",
        "at most",
    ),
    (
        "    discount: 0.9",
        "    discount: 0.9\n    outside_option: 1.0e308",
        "outside_option",
        "at most",
    ),
    ("split: {total: 1}", "split: {total: 1.0e308}", "issues.pie.split.total", "at most"),
]


@pytest.mark.parametrize(("old", "new", "path", "message"), BIG_OR_TINY)
def test_numbers_that_would_overflow_or_vanish_are_refused_where_they_stand(
    tmp_path: Path, old: str, new: str, path: str, message: str
) -> None:
    """Values whose products and powers overflow or underflow: refused by ``validate``
    with their position (and so by every command), instead of NaN or Infinity later."""
    scenario = tmp_path / "extreme.yaml"
    scenario.write_text(PIE.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    found = negsim("validate", str(scenario))
    assert found.returncode == 2
    assert path in found.stderr and message in found.stderr


@pytest.mark.parametrize(
    ("key", "value", "bound"),
    [
        ("deadline", "1e308", "10,000"),
        ("deadline", "10001", "10,000"),
        ("resolution", "1000000000000", "10,000,000"),
    ],
)
def test_whole_numbers_above_their_bound_are_refused_at_once(
    tmp_path: Path, key: str, value: str, bound: str
) -> None:
    """A deadline of 1e308 used to be taken as a whole number and never finish; a
    resolution of 10^12 hung ``validate`` while it worked out a coarser grid."""
    text = PIE.read_text(encoding="utf-8")
    if key == "deadline":
        text = text.replace("  deadline: null", f"  deadline: {value}", 1)
    else:
        text = text.replace("resolution: 101", f"resolution: {value}", 1)
    scenario = tmp_path / "bound.yaml"
    scenario.write_text(text, encoding="utf-8")
    found = negsim("validate", str(scenario))
    assert found.returncode == 2
    assert f"must be at most {bound}" in found.stderr


def test_a_grid_too_large_for_memory_suggests_a_resolution_quickly(tmp_path: Path) -> None:
    """The suggestion is found by bisection, not by trying every coarser resolution."""
    text = PIE.read_text(encoding="utf-8").replace("resolution: 101", "resolution: 9000000", 1)
    scenario = tmp_path / "fine.yaml"
    scenario.write_text(text, encoding="utf-8")
    found = negsim("validate", str(scenario), env={"NEGSIM_MEMORY_LIMIT": "1M"})
    assert found.returncode == 2
    assert "lower the resolution of issues.pie from 9,000,000 to" in found.stderr


def test_screening_too_large_for_memory_is_refused_with_the_types_that_fit(
    tmp_path: Path,
) -> None:
    """Screening's tables grow with the types times the rounds: 3,001 types over 400
    rounds under a 100 MB limit are refused by ``validate`` itself, at the ``types`` value,
    with the most types that fit; the same scenario with those types validates."""
    text = (ROOT / "scenarios" / "venezuela-2025-private.yaml").read_text(encoding="utf-8")
    text = text.replace("deadline: 7 ", "deadline: 400 ").replace(
        "maduro.disagreement: {uniform: [-0.2, 0.6]}",
        "maduro.disagreement: {uniform: [-0.2, 0.6], types: 3001}",
    )
    path = tmp_path / "private.yaml"
    path.write_text(text, encoding="utf-8")
    line = next(k for k, row in enumerate(text.splitlines(), 1) if "types: 3001" in row)
    found = negsim("validate", str(path), env={"NEGSIM_MEMORY_LIMIT": "100M"})
    assert found.returncode == 2
    column = text.splitlines()[line - 1].index("3001") + 1  # the value that is too large
    assert found.stderr.startswith(f"{path}:{line}:{column}: uncertainty.maduro.disagreement")
    assert "screening 3,001 types over 400 rounds would need 457.9 MB" in found.stderr
    fitting = (100 * 1024**2) // (memory.SCREENING_BYTES_PER_CELL * 400)
    assert f"lower types to {fitting:,} or less" in found.stderr
    path.write_text(text.replace("types: 3001", f"types: {fitting}"), encoding="utf-8")
    assert negsim("validate", str(path), env={"NEGSIM_MEMORY_LIMIT": "100M"}).returncode == 0


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full (Linux)")
@pytest.mark.parametrize(
    "args",
    [("solve", str(PIE), "--format", "json"), ("solve", str(PIE)), ("validate", str(PIE))],
)
def test_standard_output_on_a_full_device_is_one_line_and_status_1(args: tuple[str, ...]) -> None:
    """Results written to a full device (``> /dev/full``): the write fails, and the command
    says so in one line on standard error with exit status 1, without a traceback."""
    with open("/dev/full", "w", encoding="utf-8") as full:
        found = subprocess.run(
            [sys.executable, "-m", "negsim", *args], stdout=full, stderr=subprocess.PIPE,
            text=True, timeout=TIMEOUT, stdin=subprocess.DEVNULL,
        )  # fmt: skip
    assert found.returncode == 1, found.stderr
    assert "Traceback" not in found.stderr
    assert found.stderr.strip().splitlines() == ["negsim: No space left on device"]


def test_json_is_strict_even_where_a_value_is_not_finite() -> None:
    """The one writer of JSON text turns non-finite numbers into null."""
    from negsim import jsontext

    text = jsontext.dumps({"a": [1.0, float("nan")], "b": {"c": float("inf")}, "d": 2})
    assert "NaN" not in text and "Infinity" not in text
    assert json.loads(text) == {"a": [1.0, None], "b": {"c": None}, "d": 2}


@pytest.mark.parametrize(
    ("deadline", "discount", "expected"), [(3400, 0.9, 5 / 7), (1100, 0.5, 1 / 3)]
)
def test_long_deadlines_give_the_open_ended_answer_in_strict_json(
    tmp_path: Path, deadline: int, discount: float, expected: float
) -> None:
    """The reproducers of discount powers that underflowed (agreement in the last round at
    (0, 1) with thousands of NaN tokens): Ståhl's finite game at these deadlines is, to
    the format's tolerance, Rubinstein's split, (1 - d2) / (1 - d1 d2) with d2 = 0.8,
    agreed in round 0."""
    text = PIE.read_text(encoding="utf-8")
    text = text.replace("  deadline: null", f"  deadline: {deadline}", 1)
    text = text.replace("discount: 0.9", f"discount: {discount}", 1)
    scenario = tmp_path / "long.yaml"
    scenario.write_text(text, encoding="utf-8")
    found = negsim("solve", str(scenario), "--format", "json")
    assert found.returncode == 0, found.stderr
    assert "NaN" not in found.stdout and "Infinity" not in found.stdout
    equilibrium = json.loads(found.stdout)["equilibrium"]
    assert equilibrium["round"] == 0
    assert equilibrium["utilities"]["player1"] == pytest.approx(expected, abs=1e-9)
    assert len(equilibrium["proposals"]) == deadline
    table = negsim("solve", str(scenario))
    assert table.returncode == 0, table.stderr


def test_a_reused_anchor_name_is_plain_yaml_1_2(tmp_path: Path) -> None:
    """YAML 1.2 lets an anchor name be defined again (aliases take the latest): no library
    warning with file paths on standard error."""
    text = (
        PIE.read_text(encoding="utf-8")
        .replace("  player1:\n    label: Player 1", "  player1:\n    label: &tag Player 1", 1)
        .replace("  player2:\n    label: Player 2", "  player2:\n    label: &tag Player 2", 1)
    )
    scenario = tmp_path / "anchors.yaml"
    scenario.write_text(text, encoding="utf-8")
    found = negsim("validate", str(scenario))
    assert found.returncode == 0, found.stderr
    assert "Warning" not in found.stderr


def test_a_key_with_a_line_break_stays_on_one_problem_line(tmp_path: Path) -> None:
    scenario = tmp_path / "newline.yaml"
    scenario.write_text(PIE.read_text(encoding="utf-8") + '"bad\\nkey": 1\n', encoding="utf-8")
    found = negsim("validate", str(scenario))
    assert found.returncode == 2
    lines = found.stderr.splitlines()
    assert len(lines) == 1 and "bad\\nkey: unknown key 'bad\\nkey'" in lines[0]


@pytest.mark.parametrize(("manifest", "kind"), [("[1, 2]", "an array"), ('"x"', "a string")])
def test_resuming_with_a_manifest_that_is_not_an_object_is_refused(
    tmp_path: Path, manifest: str, kind: str
) -> None:
    folder = tmp_path / "sweep"
    args = ["sweep", str(PIE), "parties.player1.discount=0.5,0.6", "-o", str(folder)]
    assert negsim(*args).returncode == 0
    (folder / "manifest.json").write_text(manifest, encoding="utf-8")
    found = negsim(*args, "--resume")
    assert found.returncode == 2
    assert f"not a sweep manifest (a JSON object was expected, found {kind})" in found.stderr


def test_a_step_too_small_to_count_is_refused() -> None:
    found = negsim("sweep", str(PIE), "parties.player1.discount=0.5:0.9:1e-320", "--dry-run")
    assert found.returncode == 2
    assert "is too small for this range" in found.stderr


def test_force_replaces_a_symlink_in_the_folder_instead_of_writing_through_it(
    tmp_path: Path,
) -> None:
    precious = tmp_path / "precious.txt"
    precious.write_text("keep me\n", encoding="utf-8")
    folder = tmp_path / "sweep"
    folder.mkdir()
    (folder / "scenario.yaml").symlink_to(precious)
    found = negsim(
        "sweep", str(PIE), "parties.player1.discount=0.5,0.6", "-o", str(folder), "--force"
    )
    assert found.returncode == 0, found.stderr
    assert precious.read_text(encoding="utf-8") == "keep me\n"
    assert not (folder / "scenario.yaml").is_symlink()
    assert (folder / "scenario.yaml").read_bytes() == PIE.read_bytes()


def test_a_second_sweep_into_a_busy_folder_is_refused(tmp_path: Path) -> None:
    """The folder's lock is held here, as a running sweep holds it."""
    from negsim.studies.sweep_folder import folder_lock

    folder = tmp_path / "sweep"
    folder.mkdir()
    with folder_lock(folder):
        found = negsim(
            "sweep", str(PIE), "parties.player1.discount=0.5,0.6", "-o", str(folder), "--force"
        )
    assert found.returncode == 2
    assert "another sweep is writing to" in found.stderr
    assert list(folder.iterdir()) == []


def test_a_sweep_killed_before_its_manifest_can_be_resumed(tmp_path: Path) -> None:
    folder = tmp_path / "sweep"
    folder.mkdir()
    (folder / "scenario.yaml").write_bytes(PIE.read_bytes())
    found = negsim(
        "sweep", str(PIE), "parties.player1.discount=0.5,0.6", "-o", str(folder), "--resume"
    )
    assert found.returncode == 0, found.stderr
    assert len((folder / "results.csv").read_text(encoding="utf-8").splitlines()) == 3


def _alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie waiting to be reaped does not)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text(encoding="utf-8")
    except OSError:
        return False
    return "\nState:\tZ" not in status


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc to see the process")
def test_a_worker_dies_with_its_parent() -> None:
    """What a sweep's workers do at start: killed parent, no orphan left computing."""
    import signal
    import time

    parent_code = (
        "import subprocess, sys, time\n"
        "child = subprocess.Popen([sys.executable, '-c', 'from negsim.studies.sweep_folder "
        "import die_with_parent; die_with_parent(); import time; time.sleep(120)'])\n"
        "print(child.pid, flush=True)\n"
        "time.sleep(120)\n"
    )
    with subprocess.Popen(
        [sys.executable, "-c", parent_code], stdout=subprocess.PIPE, text=True
    ) as parent:
        assert parent.stdout is not None
        child = int(parent.stdout.readline())
        time.sleep(1.0)  # the child has asked to die with its parent
        assert _alive(child)
        parent.send_signal(signal.SIGKILL)
        parent.wait(timeout=10)
    deadline = time.monotonic() + 10
    while _alive(child) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _alive(child)


def _running_with(text: str) -> list[int]:
    """The processes whose command line contains ``text`` (from ``/proc``)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                line = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            except OSError:
                continue
            if text in line:
                found.append(int(entry.name))
    return found


@pytest.mark.skipif(not Path("/proc/self/cmdline").exists(), reason="reads /proc (Linux)")
def test_a_terminated_sweep_keeps_its_points_and_resumes(tmp_path: Path) -> None:
    """``kill`` (SIGTERM) on a two-worker sweep: it stops as Ctrl-C stops it, with one line
    on standard error, exit status 130, no library warning about leaked resources, no
    worker left alive, and the rows finished kept; ``--resume`` then finishes the grid."""
    import signal
    import time

    folder = tmp_path / "sweep"
    args = [sys.executable, "-m", "negsim", "sweep", str(PIE), "-j", "2", "-o", str(folder),
            "parties.player1.discount=0.5:0.99:0.0025"]  # fmt: skip
    with subprocess.Popen(args, stderr=subprocess.PIPE, text=True) as sweep:
        rows = folder / "results.csv"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and (
            not rows.exists() or len(rows.read_text(encoding="utf-8").splitlines()) < 4
        ):
            time.sleep(0.1)
        sweep.send_signal(signal.SIGTERM)
        _, err = sweep.communicate(timeout=30)
    assert sweep.returncode == 130, err
    assert err.strip().splitlines() == [
        f"negsim: interrupted; the points finished are kept in {folder}: run the same command "
        "with --resume for the rest"
    ]
    kept = len(rows.read_text(encoding="utf-8").splitlines()) - 1
    assert 3 <= kept < 197
    time.sleep(0.5)
    assert _running_with(str(folder)) == []
    resumed = negsim("sweep", str(PIE), "-o", str(folder), "--resume",
                     "parties.player1.discount=0.5:0.99:0.0025")  # fmt: skip
    assert resumed.returncode == 0, resumed.stderr
    assert len(rows.read_text(encoding="utf-8").splitlines()) == 1 + 197


def test_sweeps_and_simulations_too_big_to_run_are_refused_at_once() -> None:
    """Two axes of 10^7 values used to write a 437 MB manifest before computing a point,
    and ``simulate --runs 10^7`` passed 1.5 GB: now bounded, and refused before any
    work."""
    found = negsim(
        "sweep", str(PIE), "parties.player1.discount=linspace(0.5,0.9,10000000)", "--dry-run"
    )
    assert found.returncode == 2 and "at most 1,000,000 per item" in found.stderr
    found = negsim(
        "sweep",
        str(PIE),
        "parties.player1.discount=linspace(0.5,0.9,100000)",
        "parties.player2.discount=linspace(0.5,0.9,1000)",
        "--dry-run",
    )
    assert found.returncode == 2
    assert "the grid has 100,000,000 points (100,000 x 1,000)" in found.stderr
    found = negsim("simulate", str(PIE), "--runs", "10000000")
    assert found.returncode == 2 and "1<=x<=1000000" in found.stderr
