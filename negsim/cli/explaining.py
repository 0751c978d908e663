"""The teaching command: ``explain``."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from negsim.cli.common import analysis_or_exit, load_or_exit, message, write_new_or_exit
from negsim.cli.options import ForceOption, ScenarioArgument, named


class NoteFormat(StrEnum):
    """``--format`` of ``negsim explain``."""

    markdown = "markdown"
    html = "html"


NoteFormatOption = Annotated[
    NoteFormat,
    typer.Option(
        "--format",
        metavar="markdown|html",
        case_sensitive=False,
        help="'markdown' (the default) or 'html', a self-contained page.",
    ),
]
NoteOutput = Annotated[
    str | None,
    named(
        "--output",
        "-o",
        metavar="OUT",
        help="Write the note to this file instead of standard output.",
    ),
]


def explain(
    file: ScenarioArgument,
    output_format: NoteFormatOption = NoteFormat.markdown,
    output: NoteOutput = None,
    force: ForceOption = False,
) -> None:
    """A plain-language walk through the analysis, for a student, with the scenario's numbers.

    Numbered steps: each side's walk-away value and where it comes from, the zone of
    agreement, why a package is on the Pareto frontier, how the Nash product picks its
    point and what Kalai–Smorodinsky does differently, who has the last word under the
    deadline and what it is worth, what private information does, and one "what if"
    solved again with a parameter changed.

    Markdown on standard output; --format html gives a self-contained page. With -o OUT
    the note is written to OUT, which must not exist unless --force is given.
    """
    from negsim.api import solve
    from negsim.present.explain import explain as teaching_note

    scenario = load_or_exit(file)
    analysis = analysis_or_exit(scenario)
    for warning in analysis.warnings:
        message(f"negsim: warning: {warning}")
    note = teaching_note(analysis, solve)
    text = note.html() if output_format is NoteFormat.html else note.markdown()
    if output is None:
        typer.echo(text, nl=False)
        return
    path = Path(output)
    write_new_or_exit(path, text, force)
    message(f"wrote {path}")
