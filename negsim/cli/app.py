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
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

PLOT_KINDS = tuple(kind for kind in KINDS if kind != "tornado")
"""``negsim plot --kind`` choices: every chart kind but the tornado, which ``negsim
sensitivity`` draws (:data:`negsim.present.charts.KINDS`, read without matplotlib)."""
MAX_CURVE_POINTS = 2000
"""Most points ``--max-deadline`` or ``--range`` may ask for."""


class OutputFormat(StrEnum):
    """``--format`` of the analysis commands."""

    table = "table"
    json = "json"
