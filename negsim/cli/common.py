"""What every command does the same way: print, fail with a message and an exit status,
write files without losing any, and load a scenario or exit."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, TypeVar

import typer

from negsim.cli.app import EXIT_FAILURE, EXIT_USAGE, STDIN

if TYPE_CHECKING:
    from rich.console import Console

    from negsim.analysis.records import Analysis
    from negsim.errors import ScenarioError
    from negsim.format.scenario import Scenario
    from negsim.progress import ProgressBar
    from negsim.space import OutcomeSpace


def stdout() -> Console:
    """Rich console for data (standard output). Created per call so tests can swap streams;
    rich is imported here, not at start-up, so that ``negsim --version`` stays fast."""
    from rich.console import Console

    return Console(highlight=False, soft_wrap=False)


def write_pieces(pieces: Iterable[str]) -> None:
    """Text written in pieces on standard output, then a line break (a long JSON document
    is never held whole)."""
    out = sys.stdout
    for piece in pieces:
        out.write(piece)
    out.write("\n")
    out.flush()


def stderr() -> Console:
    from rich.console import Console

    return Console(stderr=True, highlight=False)


def print_renderables(renderables: list[object], output_format: str = "table") -> None:
    """Rich renderables on standard output, a blank line after each; or, for ``markdown``,
    ``csv`` or ``latex``, their tables as that document (:func:`print_document`)."""
    if output_format != "table":
        print_document(renderables, output_format)
        return
    console = stdout()
    for renderable in renderables:
        console.print(renderable)
        console.print()


def print_document(renderables: Iterable[object], output_format: str) -> None:
    """The tables and text of rich renderables as a Markdown, CSV or LaTeX document on
    standard output (:func:`negsim.present.documents.document`): the same whatever the
    terminal's width."""
    from negsim.present.documents import document

    sys.stdout.write(document(renderables, output_format))
    sys.stdout.flush()


def message(text: str) -> None:
    """A message for people, on standard error."""
    typer.echo(text, err=True)


def fail(text: str, code: int = EXIT_USAGE) -> NoReturn:
    message(f"negsim: {text}")
    raise typer.Exit(code)


def write_new_or_exit(path: Path, content: str | bytes, force: bool) -> None:
    """:func:`negsim.present.export.write_new`: exit 2 rather than replace a file without
    ``force``, 1 when the file cannot be written."""
    from negsim.present.export import write_new

    try:
        write_new(path, content, force)
    except IsADirectoryError:
        fail(f"{path} is a folder; give a file name")
    except FileExistsError:
        fail(f"{path} already exists; use --force to overwrite it")
    except OSError as error:
        fail(f"cannot write {path}: {error.strerror or error}", EXIT_FAILURE)


def new_file_or_exit(path: Path, force: bool) -> None:
    """A file the command may write: exit 2 when ``path`` is a folder or exists (without
    ``force``), 1 when its folder is missing or not writable."""
    if path.is_dir():
        fail(f"{path} is a folder; give a file name with -o OUT")
    if path.exists() and not force:
        fail(f"{path} already exists; use --force to overwrite it")
    if not path.parent.is_dir():
        fail(f"cannot write {path}: there is no folder {path.parent}", EXIT_FAILURE)
    if not os.access(path.parent, os.W_OK):
        fail(f"cannot write {path}: the folder {path.parent} is not writable", EXIT_FAILURE)


def output_folder_or_exit(folder: Path, force: bool, what: str) -> None:
    """A folder the command may write ``what`` into (``"report"``, ``"handout"``): new,
    empty, or with ``--force``; else exit 2 (a file in its place too)."""
    if folder.exists() and not folder.is_dir():
        fail(f"{folder} is a file; give a folder for the {what}")
    if folder.is_dir() and any(folder.iterdir()) and not force:
        fail(
            f"{folder} is not empty; give a new or empty folder, or use --force to write "
            f"the {what}'s files there (nothing else in it is touched)"
        )


def print_problems(error: ScenarioError) -> None:
    """Every problem of an invalid scenario on standard error, one per line."""
    for problem in error.problems:
        message(str(problem))


Result = TypeVar("Result")


def solving(
    source: str, work: Callable[[], Result], activity: str = "solving", failure: str = "solving"
) -> Result:
    """``work()``; an invalid scenario exits with status 2 (its problems printed), a
    failure while solving (or simulating) with status 1 and its message."""
    from negsim.errors import ScenarioError

    try:
        return work()
    except ScenarioError as error:
        print_problems(error)
        raise typer.Exit(EXIT_USAGE) from None
    except MemoryError:
        fail(f"{source}: out of memory while {activity}", EXIT_FAILURE)
    except (ArithmeticError, ValueError, RuntimeError) as error:
        fail(f"{source}: {failure} failed: {error}", EXIT_FAILURE)


# --------------------------------------------------------------------------------------------
# Reading scenarios


def load(argument: str) -> Scenario:
    """Load the scenario an argument names: ``-`` (standard input), a path, or a bundled name
    (:func:`negsim.format.loader.load_file_or_example`).

    Raises :class:`ScenarioError` (with positions) for anything wrong, a missing file
    included.
    """
    from negsim.format.loader import load_file_or_example

    return load_file_or_example(argument)


def not_found_hint(argument: str) -> None:
    """After a failed load: when a bare word named neither a file nor a bundled example,
    point at the examples."""
    from negsim.errors import did_you_mean
    from negsim.format import bundled

    if argument == STDIN or bundled.resolve(argument) is not None:
        return
    if Path(argument).name != argument:
        return
    names = bundled.bundled_names()
    if names:
        message(
            f"negsim: '{argument}' is neither a file nor a bundled example"
            f"{did_you_mean(argument.removesuffix('.yaml'), names)}; "
            "'negsim examples' lists them"
        )


def load_or_exit(argument: str) -> Scenario:
    """:func:`load`, or print every problem on standard error and exit with status 2."""
    from negsim.errors import ScenarioError

    try:
        return load(argument)
    except ScenarioError as error:
        print_problems(error)
        not_found_hint(argument)
        raise typer.Exit(EXIT_USAGE) from None


def space_or_exit(scenario: Scenario) -> OutcomeSpace:
    """The scenario's :class:`~negsim.space.OutcomeSpace`; exit with status 2 when it cannot be
    built (no feasible package, too large for this machine's memory)."""
    from negsim.analysis.merged import outcome_space
    from negsim.errors import Problem, ScenarioError

    try:
        return outcome_space(scenario)
    except ScenarioError as error:
        print_problems(error)
        raise typer.Exit(EXIT_USAGE) from None
    except (ValueError, MemoryError) as error:
        message(str(Problem(0, 0, "", str(error) or "out of memory", file=scenario.source)))
        raise typer.Exit(EXIT_USAGE) from None


def analysis_or_exit(scenario: Scenario) -> Analysis:
    """The bargaining analysis of ``scenario`` (:func:`negsim.analysis.pipeline.analyze`):
    exit with status 2 when its outcome space cannot be built, 1 when solving fails."""
    from negsim.analysis.pipeline import analyze

    space = space_or_exit(scenario)
    bar = screening_bar if sys.stderr.isatty() else None
    return solving(scenario.source, lambda: analyze(space, bar))


def screening_bar(total: int) -> ProgressBar:
    """A screening solve's progress bar on standard error (rich is imported only here)."""
    from negsim.present.terminal.progress import ScreeningProgress

    return ScreeningProgress(total)
