"""``--help`` of every command, read as a user reads it at 60, 80 and 120 columns: it fits the
terminal, its paragraphs flow to the width (no line broken early where the docstring was),
every word of the help is there (nothing taken for markup), no ``<str>``-style placeholder,
and shell completion is offered and works."""

from __future__ import annotations

import inspect
import re
import subprocess
import sys
from itertools import pairwise

import pytest
import typer
from typer.testing import CliRunner

from negsim.cli import app

WIDTHS = (60, 80, 120)
ANSI = re.compile(r"\x1b\[[0-9;]*m")
PLACEHOLDER = re.compile(r"<[a-z][^>]*>|\[x[<>]=|\bx<=")
"""A type placeholder (``<str>``, ``<int range>``, ``<table|json>``) or a range note."""
NOTE = re.compile(r"\s*\[(default: [^\]]*|required)\]")
"""Typer's note after an option's help."""
BORDER = "│"


def _group() -> typer.core.TyperGroup:
    group = typer.main.get_command(app)
    assert isinstance(group, typer.core.TyperGroup)
    return group


def _commands() -> list[tuple[str, ...]]:
    """The command line of every ``--help``: the top level and each command, read from the
    application (a new command is tested without being listed here)."""
    return [(), *((name,) for name in _group().commands)]


def _help(command: tuple[str, ...], width: int) -> str:
    result = CliRunner().invoke(
        app,
        [*command, "--help"],
        prog_name="negsim",
        env={"COLUMNS": str(width), "TERMINAL_WIDTH": None, "NO_COLOR": "1"},
    )
    assert result.exit_code == 0, result.output
    return ANSI.sub("", result.output)


def _flat(text: str) -> str:
    """Text as printed, but on one line: Markdown's marks gone, whitespace single."""
    return " ".join(text.replace("`", "").replace("•", " ").split())


def _docstring_parts(command: tuple[str, ...]) -> list[str]:
    """The paragraphs and list items of a command's docstring (the ``--help`` text above
    the panels)."""
    group = _group()
    text = inspect.cleandoc((group.commands[command[0]] if command else group).help or "")
    parts = []
    for paragraph in text.split("\n\n"):
        items = re.split(r"^- ", paragraph, flags=re.MULTILINE)
        parts.extend(_flat(item) for item in items if item.strip())
    return parts


def _description(output: str) -> list[str]:
    """The lines of the prose between ``Usage:`` and the first panel."""
    lines = output.splitlines()
    start = next(i for i, line in enumerate(lines) if "Usage:" in line)
    while lines[start].strip():  # the usage line, and its continuations
        start += 1
    end = next((i for i, line in enumerate(lines) if line.startswith("╭")), len(lines))
    return lines[start:end]


def _early_breaks(lines: list[str], last_column: int) -> list[str]:
    """Lines of one block of text that end although the next word would have fitted
    before ``last_column`` (a line break the text brought along, not the wrapping):
    ``"... a copy of"``, ``"the"``, ``"scenario. ..."``. A blank line, a new list item
    (``•``) or an example (``negsim ...``) may follow any line."""
    early = []
    for line, after in pairwise(lines):
        following = after.strip()
        if not line.strip() or not following or following.startswith(("•", "negsim ")):
            continue
        if len(line.rstrip()) + 1 + len(following.split()[0]) <= last_column:
            early.append(f"{line.rstrip()!r} then {following!r}")
    return early


def _panel_cells(output: str, first_words: str, key: str = "") -> list[str]:
    """The lines of the last column of the panel row whose text starts with
    ``first_words`` (and whose left columns hold ``key``), up to the right border."""
    lines = output.splitlines()
    for index, line in enumerate(lines):
        column = line.find(first_words)
        if not line.startswith(BORDER) or column < 1 or key not in line[:column]:
            continue
        cells = [line[: line.rindex(BORDER)]]
        for below in lines[index + 1 :]:
            if not below.startswith(BORDER) or below[1:column].strip():
                break
            cells.append(below[: below.rindex(BORDER)])
        return [cell[column:] for cell in cells]
    raise AssertionError(f"no panel row starts with {first_words!r}:\n{output}")


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("command", _commands(), ids=lambda c: " ".join(c) or "negsim")
def test_help_fits_the_terminal_and_flows(command, width):
    output = _help(command, width)
    too_long = [line for line in output.splitlines() if len(line) > width]
    assert not too_long, "\n".join(too_long)
    assert not PLACEHOLDER.search(output), PLACEHOLDER.search(output)
    description = _description(output)
    assert not _early_breaks(description, width - 1), _early_breaks(description, width - 1)
    flat = _flat("\n".join(description))
    for part in _docstring_parts(command):
        assert part in flat, f"{part!r} is not printed whole:\n{output}"


@pytest.mark.parametrize("width", WIDTHS)
def test_command_list_flows(width):
    output = _help((), width)
    for name, command in _group().commands.items():
        summary = _flat(inspect.cleandoc(command.help or "").split("\n\n")[0])
        cells = _panel_cells(output, " ".join(summary.split()[:3]), f" {name} ")
        right = len(cells[0])
        assert not _early_breaks(cells, right - 1), _early_breaks(cells, right - 1)
        assert _flat(" ".join(cells)) == summary


@pytest.mark.parametrize("width", (80, 120))
@pytest.mark.parametrize("command", _commands(), ids=lambda c: " ".join(c) or "negsim")
def test_option_help_is_printed_whole(command, width):
    """Each option's and argument's help is all there, in its own column (square brackets,
    colons and angle brackets are text, not markup), flowing to the column's width."""
    output = _help(command, width)
    group = _group()
    parameters = (group.commands[command[0]] if command else group).params
    for parameter in parameters:
        text = getattr(parameter, "help", None)
        if not text or getattr(parameter, "hidden", False):
            continue
        cells = _panel_cells(output, " ".join(text.split()[:3]))
        printed = NOTE.sub("", " ".join(cells))  # [default: ...], [required]
        assert _flat(printed) == _flat(text)
        prose = [cell for cell in cells if not NOTE.fullmatch(cell.strip())]
        right = len(cells[0])
        assert not _early_breaks(prose, right - 1), _early_breaks(prose, right - 1)


def test_help_offers_shell_completion():
    output = _help((), 80)
    assert "--install-completion" in output
    assert "--show-completion" in output


def test_show_completion_prints_a_script_for_negsim():
    done = subprocess.run(
        [sys.executable, "-m", "negsim", "--show-completion", "bash"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "complete" in done.stdout
    assert "_NEGSIM_COMPLETE" in done.stdout
    assert re.search(r"\bnegsim\b", done.stdout)
