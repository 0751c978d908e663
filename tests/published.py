"""Shared helpers of the reference tests: the published cases (``published-cases.yaml``),
their scenario files under ``reference/``, and ``negsim solve`` run in-process."""

from __future__ import annotations

import functools
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from typer.testing import CliRunner

from negsim.cli import app

REFERENCE = Path(__file__).parent / "reference"


def load_yaml(path: Path) -> Any:
    """A YAML file as plain Python data (safe loader)."""
    return YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))


CASES: dict[str, dict[str, Any]] = {
    case["id"]: case for case in load_yaml(REFERENCE.parent / "published-cases.yaml")["cases"]
}


def tolerance(case_id: str, key: str = "abs") -> float:
    """The case's absolute tolerance from published-cases.yaml."""
    return float(CASES[case_id]["tolerance"][key])


def inputs(case_id: str) -> dict[str, Any]:
    return CASES[case_id]["inputs"]


def expected(case_id: str) -> dict[str, Any]:
    return CASES[case_id]["expected"]


def scenario_file(case_id: str, sub_case: str = "") -> Path:
    """The scenario file encoding a case (or one of its sub-cases)."""
    path = REFERENCE / f"{case_id}{'-' + sub_case if sub_case else ''}.yaml"
    assert path.is_file(), f"missing scenario file {path}"
    return path


@functools.cache
def solve(path: Path) -> dict[str, Any]:
    """``negsim solve PATH --format json``, run in-process, parsed. Cached: one solve a file."""
    result = CliRunner().invoke(app, ["solve", str(path), "--format", "json"])
    assert result.exit_code == 0, (
        f"negsim solve {path.name} exited with {result.exit_code}: {result.output}"
        f"{result.exception!r}"
    )
    return json.loads(result.stdout)


def variant(path: Path, directory: Path, edit: Callable[[dict[str, Any]], None]) -> Path:
    """A copy of the scenario file at ``path`` with ``edit`` applied to its data, written
    to ``directory``. Floats are written with Python's shortest round-trip repr, so the
    copy holds exactly the doubles the test computed (checked by reading it back)."""
    data = load_yaml(path)
    edit(data)
    stream = io.StringIO()
    YAML(typ="safe", pure=True).dump(data, stream)
    target = directory / f"{path.stem}-variant-{len(list(directory.iterdir()))}.yaml"
    target.write_text(stream.getvalue(), encoding="utf-8")
    assert load_yaml(target) == data
    return target
