"""The arguments and options of the commands, declared once (``Annotated`` types), so that
each command's signature reads as what it takes."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from negsim.cli.app import PLOT_KINDS, OutputFormat
from negsim.format.defaults import MAX_RUNS


def flag(*names: str, help: str) -> Any:
    """The ``Annotated`` metadata of a boolean option."""
    return typer.Option(*names, help=help)


def named(*names: str, metavar: str, help: str) -> Any:
    """The ``Annotated`` metadata of an option with a value and no default shown."""
    return typer.Option(*names, metavar=metavar, help=help, show_default=False)


ScenarioArgument = Annotated[
    str,
    typer.Argument(
        metavar="FILE",
        help="Scenario file, '-' for standard input, or a bundled example's name.",
        show_default=False,
    ),
]
FormatOption = Annotated[
    OutputFormat,
    typer.Option(
        "--format",
        case_sensitive=False,
        help="'table' for people (rich tables), 'json' for programs (one JSON object).",
    ),
]
ForceOption = Annotated[bool, flag("--force", "-f", help="Overwrite an existing file.")]

# sweep
Assignments = Annotated[
    list[str] | None,
    typer.Argument(
        metavar="PATH=VALUES...",
        help="A dotted path and its values: a,b,c; start:stop[:step] (inclusive); linspace(a,b,n).",
        show_default=False,
    ),
]
SweepOutput = Annotated[
    str | None,
    named(
        "--output",
        "-o",
        metavar="DIR",
        help="Output folder. Default: STEM-sweep in the current folder.",
    ),
]
JobsOption = Annotated[
    int | None,
    typer.Option("--jobs", "-j", min=1, help="Worker processes (default: the number of cores)."),
]
BackendOption = Annotated[
    str, typer.Option("--backend", metavar="local|dask", help="Where points run.")
]
SchedulerOption = Annotated[
    str | None,
    named(
        "--scheduler",
        metavar="ADDR",
        help="dask: the scheduler of an existing cluster (default: start a local one).",
    ),
]
ZipOption = Annotated[
    bool, flag("--zip", help="Pair the values of the paths instead of a full grid.")
]
SweepFileOption = Annotated[
    str | None,
    named(
        "--sweep-file",
        metavar="FILE.yaml",
        help="Paths and values from a YAML file (see docs/sweep.md); before PATH=VALUES.",
    ),
]
SweepSeedOption = Annotated[
    int | None,
    typer.Option("--seed", min=0, help="Root of the per-point seeds (default: fresh, recorded)."),
]
ResumeOption = Annotated[
    bool, flag("--resume", help="Continue the sweep in DIR; skip finished points.")
]
SweepForceOption = Annotated[
    bool, flag("--force", "-f", help="Overwrite the sweep in a non-empty DIR.")
]
DryRunOption = Annotated[
    bool, flag("--dry-run", help="Print the grid size and an estimate of the time only.")
]

# plot
KindOption = Annotated[
    str,
    typer.Option("--kind", "-k", metavar="KIND", help=f"Which chart: {', '.join(PLOT_KINDS)}."),
]
ChartOutput = Annotated[
    str | None,
    named(
        "--output",
        "-o",
        metavar="OUT",
        help="The file to write; its suffix (.png, .svg, .pdf) sets the format. "
        "Default: SCENARIO-KIND.png in the current folder.",
    ),
]
MaxDeadlineOption = Annotated[
    int | None,
    named(
        "--max-deadline",
        metavar="N",
        help="deadline: solve deadlines 1..N. Default: twice the scenario's deadline, at least 20.",
    ),
]
PartyOption = Annotated[
    str | None,
    named(
        "--party",
        metavar="NAME",
        help="discount: whose discount factor varies. Default: the last party.",
    ),
]
RangeOption = Annotated[
    str | None,
    named(
        "--range",
        metavar="A:B:STEP",
        help="discount: the discount factors, A to B inclusive in steps of STEP. "
        "Default: 0.5:0.99:0.01.",
    ),
]

# sensitivity
SensitivityPaths = Annotated[
    list[str] | None,
    typer.Argument(
        metavar="[PATH[=LOW..HIGH]]...",
        help="Dotted paths to vary (e.g. parties.maduro.discount), each optionally with "
        "its low and high values. Default: every party's discount, plain disagreement "
        "and cost, the breakdown risk and the deadline.",
        show_default=False,
    ),
]
SpreadOption = Annotated[
    float,
    typer.Option("--spread", help="Relative change around each stated value.", min=0.0),
]
MetricOption = Annotated[
    list[str] | None,
    typer.Option(
        "--metric",
        metavar="NAME",
        help="--kind sweep: what to draw, a column of results.csv (u or payoff: every "
        "party's); repeat for several lines. Default: deal_probability with private "
        "information, else u.",
        show_default=False,
    ),
]
SensitivityMetricOption = Annotated[
    list[str] | None,
    typer.Option(
        "--metric",
        metavar="NAME",
        help="What to report and draw (repeatable): a metric of results.csv (docs/sweep.md), "
        "or u, payoff, screening.payoff for every party's. Default: the screening outcome "
        "(deal_probability, screening.payoff) with private information, else u.",
        show_default=False,
    ),
]
NoChartOption = Annotated[
    bool,
    typer.Option("--no-chart", help="Print the table or JSON only; write no chart."),
]
TornadoOutput = Annotated[
    str | None,
    named(
        "--output",
        "-o",
        metavar="OUT",
        help="Tornado chart (.png, .svg or .pdf). Default: SCENARIO-tornado.png, numbered "
        "-2, -3... when that exists.",
    ),
]
SensitivityFormat = Annotated[
    OutputFormat, typer.Option("--format", help="table for people, json for programs.")
]

# simulate
RunsOption = Annotated[
    int | None,
    typer.Option(
        "--runs",
        min=1,
        max=MAX_RUNS,
        help="Number of runs (default: simulation.runs, or 1000; at most 1,000,000).",
    ),
]
SimulationSeed = Annotated[
    int | None,
    typer.Option(
        "--seed", min=0, help="Seed (default: simulation.seed; none: fresh, and printed)."
    ),
]
RoundsOption = Annotated[
    int | None,
    typer.Option(
        "--rounds", min=1, help="Concession horizon for talks without a deadline (default 100)."
    ),
]
