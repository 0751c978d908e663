"""``negsim report``: the analysis of one scenario as a report to keep, in a folder
(``docs/report.md``). :func:`gather` solves what the report shows (the analysis, the
sensitivity, the deadline curve, the simulation) through :mod:`negsim.api`;
:mod:`negsim.present.report` sets and writes it."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from negsim.cli.app import EXIT_FAILURE
from negsim.cli.common import fail, load_or_exit, message, output_folder_or_exit, solving
from negsim.cli.options import ScenarioArgument, StyleOption

if TYPE_CHECKING:
    from collections.abc import Callable

    from negsim.format.scenario import Scenario
    from negsim.present.report.build import ReportInputs

__all__ = ["gather", "make_report", "report"]

ReportFolder = Annotated[
    str,
    typer.Option(
        "--output",
        "-o",
        metavar="DIR",
        help="The report's folder: new or empty, or --force.",
        show_default=False,
    ),
]
ReportSweep = Annotated[
    str | None,
    typer.Option(
        "--sweep",
        metavar="SWEEP_DIR",
        help="Add the charts of a sweep's output folder (negsim sweep -o SWEEP_DIR).",
        show_default=False,
    ),
]
ReportForce = Annotated[
    bool,
    typer.Option(
        "--force", "-f", help="Write into a folder that holds other files (the report's own "
        "files are replaced, nothing else is touched).",
    ),
]  # fmt: skip


def _comments(scenario: Scenario) -> list:
    """The file's tagged comments (none for standard input or a scenario built in code)."""
    from negsim.format.comments import tagged_comments

    path = Path(scenario.source)
    if not path.is_file():
        return []
    return tagged_comments(path.read_text(encoding="utf-8"), scenario.source)


def gather(
    scenario: Scenario, sweep: str | None = None, step: Callable[[str], None] | None = None
) -> ReportInputs:
    """Everything a report shows, solved: the analysis, the one-at-a-time sensitivity at
    its defaults, the deadline curve, the simulation of the scenario's agents (with the
    scenario's seed, else 0) and a sweep's results. ``step(what)`` is told of each stage."""
    import negsim.api as api
    from negsim.present.report.build import ReportInputs

    tell = step or (lambda what: None)
    tell("solving")
    analysis = api.solve(scenario)
    tell("solving each deadline for the deadline chart")
    deadline = api.chart_record(analysis, "deadline")
    simulation = None
    if scenario.simulation is not None:
        tell("simulating the agents")
        simulation = api.chart_record(analysis, "agreements")
    sensitivity = None
    if scenario.data is not None:
        tell("sensitivity: each parameter 10% either side")
        sensitivity = api.sensitivity(scenario)
    table = None
    if sweep is not None:
        tell(f"reading the sweep in {sweep}")
        table = api.chart_record(sweep, "sweep")
    return ReportInputs(
        analysis, sensitivity, deadline, simulation, _comments(scenario), table,
        Path(sweep).name if sweep else "",
    )  # fmt: skip


def make_report(
    scenario: Scenario,
    folder: Path,
    sweep: str | None = None,
    step: Callable[[str], None] | None = None,
    style: str = "default",
) -> tuple[list[Path], int]:
    """Gather, build and write the report of ``scenario`` into ``folder``, its charts in
    ``style`` (:func:`negsim.present.charts.style.chart_style`): the files written (the
    main ones first) and the PDF's number of pages."""
    from negsim.present.charts.style import chart_style
    from negsim.present.report import build_report, write_report

    inputs = gather(scenario, sweep, step)
    if step is not None:
        step("setting the report")
    data = inputs.analysis.to_json() + "\n"
    with chart_style(style):
        built = build_report(inputs)
    return write_report(built, data, folder, step)


def report(
    file: ScenarioArgument,
    output: ReportFolder,
    sweep: ReportSweep = None,
    style: StyleOption = "default",
    force: ReportForce = False,
) -> None:
    """A report to keep: the analysis of a scenario as report.html (self-contained, prints
    to clean pages), report.pdf, report.md with its charts in charts/, and data.json (the
    solve JSON), all in the folder DIR.

    The scenario at a glance, the zone of possible agreement, the solutions side by side
    issue by issue, the protocol's equilibrium and its deadline, screening and simulation
    where the scenario has them, sensitivity, and the assumptions the file marks."""
    folder = Path(output)
    output_folder_or_exit(folder, force, "report")
    if sweep is not None and not (Path(sweep) / "results.csv").is_file():
        fail(f"{sweep}: not a sweep's output folder (no results.csv in it)")
    scenario = load_or_exit(file)

    def step(what: str) -> None:
        message(f"negsim: {what}")

    def work() -> tuple[list[Path], int]:
        return make_report(scenario, folder, sweep, step, style)

    try:
        written, pages = solving(scenario.source, work, "writing the report", "the report")
    except OSError as error:
        fail(f"cannot write the report in {folder}: {error.strerror or error}", EXIT_FAILURE)
    for path in written[:4]:
        suffix = f" ({pages} pages)" if path.suffix == ".pdf" else ""
        message(f"Wrote {path}{suffix}")
    message(f"Wrote {len(written) - 4} charts in {folder / 'charts'}")
