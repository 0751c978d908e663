"""The catalogue of malformed scenarios: each file breaks one rule (``*.yaml``) and its
``*.expected`` holds exactly the problems ``negsim validate`` must print for it, without the
file name. Every case must exit with status 2 and never show a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from negsim.cli import app
from negsim.errors import ScenarioError
from negsim.format.loader import load_scenario

CATALOGUE = Path(__file__).parent / "malformed"
CASES = sorted(CATALOGUE.glob("*.yaml"))
SLOW_CASES = {"51-alias-bomb"}
"""Cases that take a second or more (the alias bomb expands to its limit before it is
refused; test_alias_bomb_is_refused_quickly times it in every run)."""
PARAMETERS = [
    pytest.param(case, marks=pytest.mark.slow) if case.stem in SLOW_CASES else case
    for case in CASES
]
MEMORY_LIMIT = "512M"
"""Fixed for the catalogue so the out-of-memory messages do not depend on the machine."""


def validate(path: Path | str, monkeypatch: pytest.MonkeyPatch) -> tuple[int, str, str]:
    monkeypatch.setenv("NEGSIM_MEMORY_LIMIT", MEMORY_LIMIT)
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"unexpected exception: {result.exception!r}"
    )
    return result.exit_code, result.stdout, result.stderr


def test_catalogue_is_large_enough() -> None:
    assert len(CASES) >= 30
    for case in CASES:
        assert case.with_suffix(".expected").exists(), f"{case.name} has no .expected"


@pytest.mark.parametrize("case", PARAMETERS, ids=lambda path: path.stem)
def test_malformed_file_is_rejected_with_exact_messages(
    case: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = case.with_suffix(".expected").read_text().splitlines()
    status, stdout, stderr = validate(case, monkeypatch)
    assert status == 2
    assert "Traceback" not in stdout + stderr
    assert stdout == ""
    printed = [line.removeprefix(f"{case}:") for line in stderr.splitlines() if line]
    assert printed == expected


@pytest.mark.parametrize("case", PARAMETERS, ids=lambda path: path.stem)
def test_every_problem_has_a_position(case: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEGSIM_MEMORY_LIMIT", MEMORY_LIMIT)
    with pytest.raises(ScenarioError) as caught:
        load_scenario(case)
    problems = caught.value.problems
    assert problems
    assert all(p.line >= 1 and p.column >= 1 for p in problems)
    assert [(p.line, p.column) for p in problems] == sorted((p.line, p.column) for p in problems)


def test_binary_garbage(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "garbage.yaml"
    path.write_bytes(b"negsim: 1\nname: \x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    status, _, stderr = validate(path, monkeypatch)
    assert status == 2
    assert (
        stderr
        == f"{path}:2:7: (document): not a text file: byte 0x89 is not UTF-8 (binary data?)\n"
    )


def test_nul_bytes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "nul.yaml"
    path.write_bytes(b"negsim: 1\nname: x\x00y\n")
    status, _, stderr = validate(path, monkeypatch)
    assert status == 2
    assert (
        stderr == f"{path}:2:8: (document): not a text file: it contains NUL bytes (binary data?)\n"
    )


def test_directory_instead_of_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    status, _, stderr = validate(tmp_path, monkeypatch)
    assert status == 2
    assert stderr == f"{tmp_path}: (document): is a directory, not a scenario file\n"


def test_missing_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "nowhere.yaml"
    status, _, stderr = validate(path, monkeypatch)
    assert status == 2
    assert "no such file" in stderr
    assert "Traceback" not in stderr


def test_alias_bomb_is_refused_quickly(monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    started = time.process_time()  # this process's CPU time: other work on the machine
    with pytest.raises(ScenarioError, match="expands to more than"):  # does not count
        load_scenario(CATALOGUE / "51-alias-bomb.yaml")
    assert time.process_time() - started < 5.0  # expanding it would take minutes


def test_outcome_space_limit_follows_free_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without an override the limit is half the machine's free memory: the 3.6e17-package
    space fails everywhere, and the message says which limit applied."""
    monkeypatch.delenv("NEGSIM_MEMORY_LIMIT", raising=False)
    with pytest.raises(ScenarioError) as caught:
        load_scenario(CATALOGUE / "49-outcome-space-too-large.yaml")
    (problem,) = caught.value.problems
    assert problem.message.startswith("the outcome space has 357,342,712,857,266,433 packages")
    assert "(half the free memory)" in problem.message
