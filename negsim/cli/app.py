"""The ``negsim`` Typer application and the constants every command shares: exit statuses,
the standard input's name, the chart kinds and the output formats."""

from __future__ import annotations

from enum import StrEnum

import typer

from negsim.present.charts import KINDS

EXIT_OK = 0
EXIT_FAILURE = 1
"""A failure while solving or writing."""
EXIT_USAGE = 2
"""A usage error or an invalid scenario."""
EXIT_PARTIAL = 3
"""A sweep that finished with some failed points."""
EXIT_INTERRUPTED = 130
"""Interrupted by Ctrl-C or a termination request (128 + SIGINT, as shells report it)."""

STDIN = "-"
STDIN_NAME = "<stdin>"

app = typer.Typer(
    name="negsim",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=True,
    rich_markup_mode="markdown",
    context_settings={"help_option_names": ["-h", "--help"]},
)
"""The help of commands and options is Markdown, so that it fits any terminal: a paragraph
(text between blank lines) flows to the terminal's width whatever the line breaks in the
docstring; ``- `` starts an item of a list and a block indented by four spaces keeps its
lines (examples). Square brackets print as written; ``<word>`` and ``:word:`` need
backquotes. ``--install-completion`` and ``--show-completion`` set up completion of
commands and options in bash, zsh, fish or PowerShell (``tests/test_help.py``)."""

PLOT_KINDS = tuple(kind for kind in KINDS if kind != "tornado")
"""``negsim plot --kind`` choices: every chart kind but the tornado, which ``negsim
sensitivity`` draws (:data:`negsim.present.charts.KINDS`, read without matplotlib)."""
MAX_CURVE_POINTS = 2000
"""Most points ``--max-deadline`` or ``--range`` may ask for."""


class OutputFormat(StrEnum):
    """``--format`` of the analysis commands: ``table`` for the terminal, ``json`` for
    programs, and the same tables as the terminal's for documents (``docs/tables.md``)."""

    table = "table"
    json = "json"
    markdown = "markdown"
    csv = "csv"
    latex = "latex"
