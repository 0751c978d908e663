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
(sweep, sensitivity), :mod:`.charts` (plot) and :mod:`.classroom` (the class's web
server), and are registered here in the order
``negsim --help`` lists them.
"""

from __future__ import annotations

import copy

import typer

from negsim.cli import (
    charts,
    classroom,
    debrief,
    explaining,
    files,
    genius,
    handout,
    play,
    reporting,
    running,
    studies,
)
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
    "app_for",
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
    explaining.explain,
    running.simulate,
    studies.sweep,
    charts.plot,
    studies.sensitivity,
    reporting.report,
    genius.import_genius,
    genius.export_genius,
    handout.handout,
    play.play,
    debrief.debrief,
    classroom.classroom,
):
    app.command()(command)


def app_for(args: list[str]) -> typer.Typer:
    """The application to run ``args``: when they start with a command's name, a copy of
    :data:`app` that holds that command alone (Typer builds the options of every command it
    holds at each start, some 15 ms for all); otherwise :data:`app` itself (``--help``,
    completion, a misspelt command)."""
    from typer.main import get_command_name

    if not args:
        return app
    chosen = [
        info
        for info in app.registered_commands
        if info.callback is not None
        and (info.name or get_command_name(info.callback.__name__)) == args[0]
    ]
    if len(chosen) != 1:
        return app
    single = copy.copy(app)
    single.registered_commands = chosen
    return single


def _interrupt(signum: int, frame: object) -> None:
    """A termination request (``kill``, ``timeout``) ends a command as Ctrl-C does: work
    stops cleanly, a sweep keeps the points it finished and shuts its workers down, and
    the exit status is 130."""
    raise KeyboardInterrupt


def main() -> None:
    """Entry point of the ``negsim`` command and of ``python -m negsim``: the environment
    is checked first, and operating-system errors no command handles itself (a file name
    too long, standard output on a full device) end with one line and exit status 2 or
    1, never a traceback."""
    import errno
    import os
    import signal
    import sys
    import warnings

    from negsim.memory import parse_size

    # floating-point warnings are the solvers' business: every answer is checked (strict
    # JSON, convergence records), and a user should not see numpy's internals
    warnings.simplefilter("ignore", RuntimeWarning)
    limit = os.environ.get("NEGSIM_MEMORY_LIMIT")
    if limit:
        try:
            parse_size(limit)
        except ValueError as error:
            print(f"negsim: {error}", file=sys.stderr)
            raise SystemExit(EXIT_USAGE) from None
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        app_for(sys.argv[1:])(prog_name="negsim")
    except OSError as error:
        usage = error.errno in (errno.ENAMETOOLONG, errno.ENOENT, errno.ENOTDIR, errno.EISDIR)
        where = f": {error.filename}" if error.filename else ""
        print(f"negsim: {error.strerror or error}{where}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE if usage else EXIT_FAILURE) from None
