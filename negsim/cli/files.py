"""Commands on scenario files: ``validate``, ``show``, ``examples``, ``new``, ``schema``, and
the global ``--version``."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from negsim import jsontext
from negsim.cli.app import EXIT_FAILURE, EXIT_USAGE, STDIN, STDIN_NAME
from negsim.cli.common import (
    fail,
    load,
    load_or_exit,
    message,
    print_problems,
    print_renderables,
    space_or_exit,
    stdout,
    write_new_or_exit,
)
from negsim.cli.options import TEXT, ForceOption, ScenarioArgument, named
from negsim.version import __version__


def _version_callback(value: bool) -> None:
    if value:
        typer.echo(f"negsim {__version__}")
        raise typer.Exit()


def global_options(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            callback=_version_callback,
            is_eager=True,
            help="Print the version and exit.",
        ),
    ] = False,
) -> None:
    """Negotiation game-theory simulator: bargaining solutions, alternating-offers
    equilibria, deadlines and private resolve.

    FILE is a scenario file, '-' for standard input, or a bundled example's name.

    Data go to standard output, messages to standard error.
    """


# --------------------------------------------------------------------------------------------
# Scenario files: validate, show, examples, new, schema


def validate(
    files: Annotated[
        list[str],
        typer.Argument(
            metavar="FILE",
            click_type=TEXT,
            help="Scenario files, '-' for standard input, or bundled examples' names.",
            show_default=False,
        ),
    ],
) -> None:
    """Check scenarios against every rule of the format.

    Prints 'FILE: ok' on standard output for each good file.

    Prints every problem of a bad file on standard error: 'FILE:LINE:COLUMN: path: message'.

    Exits with status 2 if any file is bad, after checking them all.
    """
    from negsim.errors import ScenarioError

    bad = 0
    for argument in files:
        try:
            load(argument)
        except ScenarioError as error:
            print_problems(error)
            bad += 1
        else:
            typer.echo(f"{STDIN_NAME if argument == STDIN else argument}: ok")
    if bad:
        raise typer.Exit(EXIT_USAGE)


def show(file: ScenarioArgument) -> None:
    """The scenario at a glance: issues, parties, protocol, package counts, memory estimate."""
    scenario = load_or_exit(file)
    space = space_or_exit(scenario)
    from negsim.present.terminal.show import describe

    merged = None if space.is_enumerated else space.n_feasible
    print_renderables(list(describe(scenario, space.feasible_packages, merged)))


class ExamplesFormat(StrEnum):
    """``negsim examples --format``: grouped text (a table on a terminal) or JSON."""

    table = "table"
    json = "json"


def examples(
    output_format: Annotated[
        ExamplesFormat,
        typer.Option(
            "--format",
            metavar="FORMAT",
            case_sensitive=False,
            help="table for people (grouped by what they teach) or json for programs (a "
            "list of objects: name, title, group, teaches, path).",
        ),
    ] = ExamplesFormat.table,
) -> None:
    """List the bundled example scenarios, grouped by what they teach.

    The groups come in the order a course would teach them; under each, one example with
    its name, title and lesson. A table on a terminal.

    --format json prints a list of objects (name, title, group, teaches, path), sorted by
    name.
    """
    from negsim.errors import ScenarioError
    from negsim.format import bundled, catalog
    from negsim.format.loader import load_scenario

    rows: dict[str, tuple[str, str, str, str]] = {}
    for name, path in bundled.list_bundled():
        try:
            title = load_scenario(path).name
        except ScenarioError as error:
            title = f"(invalid scenario: {len(error.problems)} problem(s); negsim validate {name})"
        place = catalog.entry(name)
        rows[name] = (title, place.group, place.teaches, str(path))
    if not rows:
        fail("no bundled scenarios found (a broken installation?)", EXIT_FAILURE)
    if output_format is ExamplesFormat.json:
        listed = [
            {"name": name, "title": title, "group": group, "teaches": teaches, "path": path}
            for name, (title, group, teaches, path) in rows.items()
        ]
        typer.echo(jsontext.dumps(listed, indent=2))
        return
    groups: dict[str, list[tuple[str, str, str]]] = {}
    for name in catalog.in_course_order(list(rows)):
        title, group, teaches, _ = rows[name]
        groups.setdefault(group, []).append((name, title, teaches))
    console = stdout()
    if console.is_terminal:
        from negsim.present.terminal.show import examples_tables

        print_renderables(list(examples_tables(groups)))
        message("Use a name wherever a scenario file goes: negsim show NAME")
    else:
        typer.echo(examples_text(groups), nl=False)


def examples_text(groups: dict[str, list[tuple[str, str, str]]], width: int = 80) -> str:
    """``negsim examples`` when piped: a heading a group, then each example's name and title
    on one line and its lesson indented below, wrapped to ``width`` columns."""
    import textwrap

    names = [name for members in groups.values() for name, _, _ in members]
    column = max(len(name) for name in names) + 4
    lines: list[str] = []
    for group, members in groups.items():
        if lines:
            lines.append("")
        lines.append(f"{group}:")
        for name, title, teaches in members:
            lines.extend(
                textwrap.wrap(
                    title,
                    width,
                    initial_indent=f"  {name:<{column - 2}}",
                    subsequent_indent=" " * column,
                )
            )
            if teaches:
                lines.extend(
                    textwrap.wrap(
                        teaches, width, initial_indent=" " * column, subsequent_indent=" " * column
                    )
                )
    return "\n".join(lines) + "\n"


def new(
    name: Annotated[
        str,
        typer.Argument(
            metavar="NAME",
            click_type=TEXT,
            help="Name of the new scenario; the file is NAME.yaml unless --output says otherwise.",
            show_default=False,
        ),
    ],
    output: Annotated[
        str | None,
        named(
            "--output",
            "-o",
            metavar="PATH",
            help="Where to write the scenario ('-' for standard output). Default: NAME.yaml.",
        ),
    ] = None,
    force: ForceOption = False,
) -> None:
    """Start a new scenario from a commented template of the whole format."""
    from negsim.format.template import template_text

    stripped = name.strip()
    if not stripped:
        fail("NAME must not be empty")
    title = Path(stripped).name.removesuffix(".yaml").removesuffix(".yml") or stripped
    if output is None:
        output = stripped if stripped.endswith((".yaml", ".yml")) else f"{stripped}.yaml"
    text = template_text(title)
    if output == STDIN:
        typer.echo(text, nl=False)
        return
    path = Path(output)
    if path.is_dir():
        fail(f"{path} is a folder; give a file name with -o PATH")
    if path.exists() and not force:
        fail(f"{path} already exists; use --force to overwrite it")
    write_new_or_exit(path, text, force)
    message(f"Wrote {path}. Edit it, then: negsim validate {path}")


def schema() -> None:
    """Print the JSON Schema (draft 2020-12) of the scenario format, for editors."""
    from negsim.format.schema import json_schema

    typer.echo(jsontext.dumps(json_schema(), indent=2))
