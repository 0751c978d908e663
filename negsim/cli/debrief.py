"""``negsim debrief``: the deals a class reached, scored and ranked (``docs/debrief.md``).

The inputs are read by :mod:`negsim.format.class_results`, scored by
:mod:`negsim.studies.debrief`, printed by :mod:`negsim.present.terminal.debrief`, drawn by
:mod:`negsim.present.charts.debrief` and set as a page by :mod:`negsim.present.debrief_page`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from negsim.cli.app import EXIT_PARTIAL, EXIT_USAGE, OutputFormat
from negsim.cli.common import (
    analysis_or_exit,
    fail,
    load_or_exit,
    message,
    new_file_or_exit,
    print_renderables,
    write_new_or_exit,
    write_pieces,
)
from negsim.cli.options import TEXT, FormatOption, ScenarioArgument, StyleOption

if TYPE_CHECKING:
    from negsim.format.class_results import ClassDeal, Skipped
    from negsim.format.scenario import Scenario
    from negsim.studies.debrief import Debrief

__all__ = ["debrief"]

ResultsArgument = Annotated[
    list[str],
    typer.Argument(
        metavar="RESULTS...",
        click_type=TEXT,
        help="negsim play transcripts (.json) and CSV files of agreements, one row a pair.",
        show_default=False,
    ),
]
DebriefOutput = Annotated[
    str | None,
    typer.Option(
        "--output",
        "-o",
        metavar="OUT",
        help="Also write the chart (.png, .svg, .pdf) or a self-contained page (.html).",
        show_default=False,
    ),
]
DebriefForce = Annotated[bool, typer.Option("--force", "-f", help="Overwrite an existing OUT.")]
PAGE_SUFFIX = ".html"


def _check_output(output: str, force: bool) -> Path:
    """OUT's path, before any work: a known suffix, not a folder, not an existing file
    (without --force), in a folder that exists."""
    from negsim.cli.charts import chart_path

    path = Path(output)
    if path.suffix.lower() != PAGE_SUFFIX:
        return chart_path(output, force)[0]
    new_file_or_exit(path, force)
    return path


def _read_all(scenario: Scenario, results: list[str]) -> tuple[list[ClassDeal], list[Skipped]]:
    """Every file's deals and skipped rows; exit 2 at a file that cannot be read or a CSV
    whose header is wrong."""
    from negsim.format.class_results import ResultsError, read_results

    deals: list[ClassDeal] = []
    skipped: list[Skipped] = []
    for path in results:
        try:
            found, left = read_results(scenario, path)
        except ResultsError as error:
            fail(str(error))
        deals.extend(found)
        skipped.extend(left)
    return deals, skipped


def _write_output(record: Debrief, path: Path, style: str, force: bool) -> None:
    from negsim.cli.common import solving
    from negsim.present.charts.style import chart_style, figure_bytes

    def draw() -> bytes:
        from negsim.present.charts.debrief import debrief_figure

        with chart_style(style):
            if path.suffix.lower() == PAGE_SUFFIX:
                from negsim.present.debrief_page import debrief_page

                return debrief_page(record).encode("utf-8")
            return figure_bytes(debrief_figure(record), path.suffix.lower().lstrip("."))

    data = solving(str(path), draw, "drawing the debrief", "drawing the debrief")
    write_new_or_exit(path, data, force)
    message(f"Wrote {path}")


def debrief(
    file: ScenarioArgument,
    results: ResultsArgument,
    output: DebriefOutput = None,
    output_format: FormatOption = OutputFormat.table,
    style: StyleOption = "classroom",
    force: DebriefForce = False,
) -> None:
    """The deals a class reached, scored and ranked against the analysis.

    RESULTS are negsim play transcripts (.json) and CSV files with a header row naming the
    issues (and a pair column), one row a pair: the agreed option of each issue, or no
    deal. Each pair gets its points, whether its deal is on the Pareto frontier, its
    distance to the frontier and the joint value it left on the table; pairs are ranked
    by the value left, then by their points together (docs/debrief.md). Points are
    utility x 100, as on the role sheets; --format json and csv give utilities.

    Rows that cannot be scored are listed on standard error as FILE:LINE: pair NAME:
    message and skipped; the exit status is then 3. With -o, also a chart of the deals
    in points (.png, .svg, .pdf; two parties in their utility plane, more parties one
    column each) or a self-contained page (.html); --style is classroom unless given,
    for a projector.
    """
    from negsim.studies.debrief import debrief as score

    path = _check_output(output, force) if output is not None else None
    scenario = load_or_exit(file)
    deals, skipped = _read_all(scenario, results)
    analysis = analysis_or_exit(scenario)
    for warning in analysis.warnings:
        message(f"negsim: warning: {warning}")
    record = score(analysis, deals, skipped)
    for problem in record.skipped:
        message(str(problem))
    if not record.pairs:
        fail("nothing to debrief: no pair's deal could be read", EXIT_USAGE)
    if output_format is OutputFormat.json:
        from negsim.jsontext import dumps

        write_pieces([dumps(record.to_dict())])
    else:
        from negsim.present.debrief_words import IN_POINTS, IN_UTILITY
        from negsim.present.terminal.debrief import debrief_renderables

        whole = output_format is not OutputFormat.table
        scale = IN_UTILITY if output_format is OutputFormat.csv else IN_POINTS
        renderables: list[object] = list(debrief_renderables(record, whole, scale))
        print_renderables(renderables, output_format)
    if path is not None:
        _write_output(record, path, style, force)
    count = len(record.skipped)
    rows = "row" if count == 1 else "rows"
    noun = "pair" if scenario.n_parties == 2 else "group"
    scored = f"scored {len(record.pairs)} {noun}{'s' if len(record.pairs) != 1 else ''}"
    if count:
        message(f"negsim: {scored}; skipped {count} {rows} (see above)")
        raise typer.Exit(EXIT_PARTIAL)
    message(f"negsim: {scored}")
