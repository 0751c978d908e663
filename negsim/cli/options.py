"""The arguments and options of the commands, declared once (``Annotated`` types), so that
each command's signature reads as what it takes."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from negsim.cli.app import PLOT_KINDS, OutputFormat
from negsim.format.defaults import MAX_RUNS

try:  # a recent typer carries its own copy of click
    from typer._click import types as click_types
except ImportError:  # pragma: no cover - an older typer runs on click itself
    from click import types as click_types  # type: ignore[no-redef]


class _Text(click_types.StringParamType):
    """A text argument whose ``--help`` shows no type placeholder (``<str>``): its name
    (FILE, NAME) says what goes there."""

    def get_metavar(self, param: Any, ctx: Any = None) -> str:
        return ""


TEXT = _Text()


class _Bounded(click_types.ParamType):
    """A number checked against bounds exactly as ``min=`` and ``max=`` check it (the same
    messages), without the ``[x>=1]`` note in ``--help``: the help text says the bounds in
    words, and the metavar (N, SEED) what the number is."""

    def __init__(self, bounds: click_types.IntRange | click_types.FloatRange) -> None:
        self.bounds = bounds
        self.name = bounds.name

    def convert(self, value: Any, param: Any, ctx: Any) -> Any:
        return self.bounds.convert(value, param, ctx)


def whole(low: int, high: int | None = None) -> Any:
    """An integer from ``low`` to ``high`` (inclusive; no upper bound when ``None``)."""
    return _Bounded(click_types.IntRange(low, high))


def number(low: float) -> Any:
    """A number of at least ``low``."""
    return _Bounded(click_types.FloatRange(low))


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
        click_type=TEXT,
        help="Scenario file, '-' for standard input, or a bundled example's name.",
        show_default=False,
    ),
]
FORMATS = "FORMAT"
FORMAT_HELP = (
    "table for people (rich tables), json for programs (one JSON object), or markdown, "
    "csv or latex: the same tables for documents (docs/tables.md)."
)
FormatOption = Annotated[
    OutputFormat,
    typer.Option("--format", metavar=FORMATS, case_sensitive=False, help=FORMAT_HELP),
]
ForceOption = Annotated[bool, flag("--force", "-f", help="Overwrite an existing file.")]

# sweep
Assignments = Annotated[
    list[str] | None,
    typer.Argument(
        metavar="PATH=VALUES...",
        click_type=TEXT,
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
    typer.Option(
        "--jobs",
        "-j",
        metavar="N",
        click_type=whole(1),
        help="Worker processes, at least 1 (default: the number of cores).",
    ),
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
    typer.Option(
        "--seed",
        metavar="SEED",
        click_type=whole(0),
        help="Root of the per-point seeds, 0 or more (default: fresh, recorded).",
    ),
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
TornadoPartyOption = Annotated[
    str | None,
    named(
        "--party",
        metavar="NAME",
        help="Report and draw only this party's metrics (and those of no party, such as "
        "deal_probability). Default: every party's.",
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
        click_type=TEXT,
        help="Dotted paths to vary, such as parties.NAME.discount or deadline, each "
        "optionally with its low and high values. Default: every party's discount, plain "
        "disagreement and cost, the breakdown risk and the deadline.",
        show_default=False,
    ),
]
SpreadOption = Annotated[
    float,
    typer.Option(
        "--spread",
        metavar="FRACTION",
        click_type=number(0.0),
        help="Relative change around each stated value, 0 or more (0.1: 10% either way).",
    ),
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
    OutputFormat,
    typer.Option("--format", metavar=FORMATS, case_sensitive=False, help=FORMAT_HELP),
]

# simulate
RunsOption = Annotated[
    int | None,
    typer.Option(
        "--runs",
        metavar="N",
        click_type=whole(1, MAX_RUNS),
        help=f"Number of runs, 1 to {MAX_RUNS:,} (default: simulation.runs, or 1000).",
    ),
]
SimulationSeed = Annotated[
    int | None,
    typer.Option(
        "--seed",
        metavar="SEED",
        click_type=whole(0),
        help="Seed, 0 or more (default: simulation.seed; none: fresh, and printed).",
    ),
]
RoundsOption = Annotated[
    int | None,
    typer.Option(
        "--rounds",
        metavar="N",
        click_type=whole(1),
        help="Concession horizon for talks without a deadline, at least 1 (default 100).",
    ),
]

# charts
CHART_STYLES = ("default", "classroom", "print")
"""The chart styles (negsim.present.charts.style.STYLES, without importing matplotlib)."""


def _chart_style(value: str) -> str:
    if value not in CHART_STYLES:
        raise typer.BadParameter(f"{value!r} is not one of {', '.join(CHART_STYLES)}")
    return value


StyleOption = Annotated[
    str,
    typer.Option(
        "--style",
        metavar="default|classroom|print",
        callback=_chart_style,
        help="The charts' look: default; classroom, larger text and thicker lines for a "
        "projector; print, safe in greyscale.",
    ),
]
