"""``negsim handout``: role sheets for a classroom negotiation (``docs/handout.md``).

For each party a confidential role sheet with its planning worksheet, and the instructor's
key, each as Markdown, HTML and PDF in one folder. The sheets are built by
:mod:`negsim.present.handout` and set by the report's writers
(:mod:`negsim.present.report`)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from negsim.cli.app import EXIT_FAILURE
from negsim.cli.common import analysis_or_exit, fail, load_or_exit, message, output_folder_or_exit
from negsim.cli.options import ScenarioArgument

if TYPE_CHECKING:
    from negsim.present.report.model import Report

__all__ = ["handout", "handout_files", "write_sheet"]

HandoutFolder = Annotated[
    str,
    typer.Option(
        "--output",
        "-o",
        metavar="DIR",
        help="The handout's folder: new or empty, or --force.",
        show_default=False,
    ),
]
HandoutForce = Annotated[
    bool,
    typer.Option(
        "--force", "-f", help="Write into a folder that holds other files (the handout's own "
        "files are replaced, nothing else is touched).",
    ),
]  # fmt: skip

SUFFIXES = (".md", ".html", ".pdf")
"""The formats of every sheet."""


def handout_files(party_names: tuple[str, ...]) -> list[str]:
    """The names of the files a handout writes: each party's role sheet, then the key."""
    stems = [f"role-{name}" for name in party_names] + ["instructor"]
    return [stem + suffix for stem in stems for suffix in SUFFIXES]


def _no_figure(figure: object) -> bytes:
    raise ValueError("a handout has no charts")


def write_sheet(sheet: Report, folder: Path, stem: str) -> list[Path]:
    """``sheet`` as ``STEM.md``, ``STEM.html`` and ``STEM.pdf`` in ``folder``."""
    from negsim.present.report.html import html_report
    from negsim.present.report.markdown import markdown_report
    from negsim.present.report.pdf import pdf_report

    paths = [folder / (stem + suffix) for suffix in SUFFIXES]
    paths[0].write_text(markdown_report(sheet), encoding="utf-8")
    paths[1].write_text(html_report(sheet, _no_figure), encoding="utf-8")
    paths[2].write_bytes(pdf_report(sheet, _no_figure)[0])
    return paths


def handout(
    file: ScenarioArgument,
    output: HandoutFolder,
    force: HandoutForce = False,
) -> None:
    """Role sheets for a classroom negotiation, in the folder DIR.

    For each party, role-PARTY.md, .html and .pdf: the public brief, its confidential
    brief, its issues with its points for every option, its walk-away value, its clock and
    the rules, and a planning worksheet; nothing of the other side's values or brief. And
    instructor.md, .html and .pdf: every brief, the scenario, the analysis and the
    teaching note of negsim explain."""
    from negsim.api import solve
    from negsim.present.explain import explain as teaching_note
    from negsim.present.handout import instructor_key, role_sheet

    folder = Path(output)
    output_folder_or_exit(folder, force, "handout")
    scenario = load_or_exit(file)
    analysis = analysis_or_exit(scenario)
    for warning in analysis.warnings:
        message(f"negsim: warning: {warning}")
    sheets = [
        (f"role-{party.name}", role_sheet(scenario, party.name)) for party in scenario.parties
    ]
    sheets.append(("instructor", instructor_key(analysis, teaching_note(analysis, solve))))
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for stem, sheet in sheets:
            for path in write_sheet(sheet, folder, stem):
                message(f"Wrote {path}")
    except OSError as error:
        fail(f"cannot write the handout in {folder}: {error.strerror or error}", EXIT_FAILURE)
