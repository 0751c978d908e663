"""The ``negsim`` command: parse the command line, call one library function, print.

Data go to standard output, messages to standard error, so pipes stay clean. Exit status:
0 success; 1 a failure while solving or writing; 2 a usage error or an invalid scenario;
3 a sweep that finished with some failed points. No command prints a Python traceback for
bad input: scenario problems are printed as ``FILE:LINE:COLUMN: path: message``.

This package holds no maths and no layout: numbers come from the library
(:mod:`negsim.api`, :mod:`negsim.studies`), tables and charts from :mod:`negsim.present`.
Everything beyond Typer is imported inside the commands, so that ``negsim validate`` starts
quickly (``tests/test_startup.py``). :mod:`.options` declares every argument and option
once, so each command reads as what it does; the commands are in :mod:`.files`
(validate, show, examples, new, schema), :mod:`.running` (solve, simulate), :mod:`.studies`
(sweep, sensitivity) and :mod:`.charts` (plot), and are registered here in the order
``negsim --help`` lists them.
"""

from __future__ import annotations

from negsim.cli import charts, files, running, studies
from negsim.cli.app import (
    EXIT_FAILURE,
    EXIT_OK,
    EXIT_PARTIAL,
    EXIT_USAGE,
    MAX_CURVE_POINTS,
    PLOT_KINDS,
    app,
)

__all__ = [
    "EXIT_FAILURE",
    "EXIT_OK",
    "EXIT_PARTIAL",
    "EXIT_USAGE",
    "MAX_CURVE_POINTS",
    "PLOT_KINDS",
    "app",
    "main",
]


app.callback()(files.global_options)
for command in (
    files.validate,
    files.show,
    files.examples,
    files.new,
    files.schema,
    running.solve,
    running.simulate,
    studies.sweep,
    charts.plot,
    studies.sensitivity,
):
    app.command()(command)


def main() -> None:
    """Entry point of the ``negsim`` command and of ``python -m negsim``."""
    app(prog_name="negsim")
