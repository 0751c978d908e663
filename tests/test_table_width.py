"""Tables fit 80 columns: with ``COLUMNS=80`` no line of any command's table output is longer
than 80 characters (characters, not bytes: box drawing takes three bytes a character)."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

import negsim
from negsim.cli import app

WIDTH = 80


def _run(args: list[str]) -> str:
    result = CliRunner().invoke(app, args, env={"COLUMNS": str(WIDTH)})
    assert result.exit_code == 0, result.output
    return result.stdout


def _examples() -> list[str]:
    """The bundled scenarios, as ``negsim examples --format json`` lists them."""
    names = [item["name"] for item in json.loads(_run(["examples", "--format", "json"]))]
    assert names
    return names


def _too_long(text: str) -> list[str]:
    return [line for line in text.splitlines() if len(line) > WIDTH]


def test_examples_fit() -> None:
    assert _too_long(_run(["examples"])) == []


@pytest.mark.parametrize(
    "command",
    [
        ["solve", "NAME"],
        ["show", "NAME"],
        ["simulate", "--runs", "50", "--seed", "0", "NAME"],
        ["validate", "NAME"],
        ["sweep", "--dry-run", "NAME", "protocol.breakdown_risk=0,0.05"],
    ],
    ids=lambda command: command[0],
)
def test_tables_fit_80_columns(command: list[str]) -> None:
    for name in _examples():
        args = [name if word == "NAME" else word for word in command]
        if command[0] == "simulate" and negsim.load(name).n_parties > 2:
            result = CliRunner().invoke(app, args, env={"COLUMNS": str(WIDTH)})
            assert result.exit_code == 2 and "simulate handles two parties" in result.stderr
            continue
        text = _run(args)
        assert text.strip(), f"{command[0]} {name} printed nothing"
        assert _too_long(text) == [], f"{command[0]} {name}"
