"""The ``negsim`` command: parse the command line, call one library function, print.

Data go to standard output, messages to standard error, so pipes stay clean. Exit status:
0 success; 1 a failure while solving or writing; 2 a usage error or an invalid scenario;
3 a sweep that finished with some failed points. No command prints a Python traceback for
bad input: scenario problems are printed as ``FILE:LINE:COLUMN: path: message``.

This module holds no maths and no layout: numbers come from the library
(:mod:`negsim.api`, :mod:`negsim.studies`), tables and charts from :mod:`negsim.present`.
Everything beyond Typer is imported inside the commands, so that ``negsim --version`` and
``negsim validate`` start quickly (``tests/test_startup.py``). The options are declared
once, at the top, so that each command reads as what it does.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, TypeVar

import typer

from negsim.version import __version__

if TYPE_CHECKING:
    from rich.console import Console

    from negsim.analysis.records import Analysis
    from negsim.errors import ScenarioError
    from negsim.format.scenario import Scenario
    from negsim.space import OutcomeSpace

EXIT_OK = 0
EXIT_FAILURE = 1
"""A failure while solving or writing."""
EXIT_USAGE = 2
"""A usage error or an invalid scenario."""
EXIT_PARTIAL = 3
"""A sweep that finished with some failed points."""

STDIN = "-"
STDIN_NAME = "<stdin>"

app = typer.Typer(
    name="negsim",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

PLOT_KINDS = (
    "frontier",
    "deadline",
    "discount",
    "screening",
    "agreements",
    "concessions",
    "sweep",
)
"""``negsim plot --kind`` choices: the keys of :data:`negsim.present.charts.FIGURES` and
``sweep`` (listed here so ``--help`` does not import matplotlib; a test keeps them in step)."""
DEFAULT_DISCOUNTS = (0.5, 0.99, 0.01)
"""``--range`` of ``--kind discount`` when not given: start, stop (inclusive), step."""
MAX_CURVE_POINTS = 2000
"""Most points ``--max-deadline`` or ``--range`` may ask for."""


class OutputFormat(StrEnum):
    """``--format`` of the analysis commands."""

    table = "table"
    json = "json"


# --------------------------------------------------------------------------------------------
# Arguments and options


def _flag(*names: str, help: str) -> Any:
    """The ``Annotated`` metadata of a boolean option."""
    return typer.Option(*names, help=help)


def _named(*names: str, metavar: str, help: str) -> Any:
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
ForceOption = Annotated[bool, _flag("--force", "-f", help="Overwrite an existing file.")]

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
    _named("--output", "-o", metavar="DIR", help="Output folder. Default: STEM-sweep here."),
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
    _named(
        "--scheduler",
        metavar="ADDR",
        help="dask: the scheduler of an existing cluster (default: start a local one).",
    ),
]
ZipOption = Annotated[
    bool, _flag("--zip", help="Pair the values of the paths instead of a full grid.")
]
SweepFileOption = Annotated[
    str | None,
    _named(
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
    bool, _flag("--resume", help="Continue the sweep in DIR; skip finished points.")
]
SweepForceOption = Annotated[
    bool, _flag("--force", "-f", help="Overwrite the sweep in a non-empty DIR.")
]
DryRunOption = Annotated[
    bool, _flag("--dry-run", help="Print the grid size and an estimate of the time only.")
]

# plot
KindOption = Annotated[
    str,
    typer.Option("--kind", "-k", metavar="KIND", help=f"Which chart: {', '.join(PLOT_KINDS)}."),
]
ChartOutput = Annotated[
    str | None,
    _named(
        "--output",
        "-o",
        metavar="OUT",
        help="The file to write; its suffix (.png, .svg, .pdf) sets the format. "
        "Default: SCENARIO-KIND.png in the current folder.",
    ),
]
MaxDeadlineOption = Annotated[
    int | None,
    _named(
        "--max-deadline",
        metavar="N",
        help="deadline: solve deadlines 1..N. Default: twice the scenario's deadline, at least 20.",
    ),
]
PartyOption = Annotated[
    str | None,
    _named(
        "--party",
        metavar="NAME",
        help="discount: whose discount factor varies. Default: the last party.",
    ),
]
RangeOption = Annotated[
    str | None,
    _named(
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
        metavar="[PATH[=LOW:HIGH]]...",
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
TornadoOutput = Annotated[
    str | None,
    _named(
        "--output",
        "-o",
        metavar="OUT",
        help="Tornado chart (.png, .svg or .pdf). Default: SCENARIO-tornado.png.",
    ),
]
SensitivityFormat = Annotated[
    OutputFormat, typer.Option("--format", help="table for people, json for programs.")
]

# simulate
RunsOption = Annotated[
    int | None,
    typer.Option("--runs", min=1, help="Number of runs (default: simulation.runs, or 1000)."),
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


# --------------------------------------------------------------------------------------------
# Output and errors


def _stdout() -> Console:
    """Rich console for data (standard output). Created per call so tests can swap streams;
    rich is imported here, not at start-up, so that ``negsim --version`` stays fast."""
    from rich.console import Console

    return Console(highlight=False, soft_wrap=False)


def _stderr() -> Console:
    from rich.console import Console

    return Console(stderr=True, highlight=False)


def _print(renderables: list[object]) -> None:
    """Rich renderables on standard output, a blank line after each."""
    console = _stdout()
    for renderable in renderables:
        console.print(renderable)
        console.print()


def _message(text: str) -> None:
    """A message for people, on standard error."""
    typer.echo(text, err=True)


def _fail(text: str, code: int = EXIT_USAGE) -> NoReturn:
    _message(f"negsim: {text}")
    raise typer.Exit(code)


def _write_new(path: Path, content: str | bytes, force: bool) -> None:
    """:func:`negsim.present.export.write_new`: exit 2 rather than replace a file without
    ``force``, 1 when the file cannot be written."""
    from negsim.present.export import write_new

    try:
        write_new(path, content, force)
    except IsADirectoryError:
        _fail(f"{path} is a folder; give a file name")
    except FileExistsError:
        _fail(f"{path} already exists; use --force to overwrite it")
    except OSError as error:
        _fail(f"cannot write {path}: {error.strerror or error}", EXIT_FAILURE)


def _print_problems(error: ScenarioError) -> None:
    """Every problem of an invalid scenario on standard error, one per line."""
    for problem in error.problems:
        _message(str(problem))


Result = TypeVar("Result")


def _solving(
    source: str, work: Callable[[], Result], activity: str = "solving", failure: str = "solving"
) -> Result:
    """``work()``; an invalid scenario exits with status 2 (its problems printed), a
    failure while solving (or simulating) with status 1 and its message."""
    from negsim.errors import ScenarioError

    try:
        return work()
    except ScenarioError as error:
        _print_problems(error)
        raise typer.Exit(EXIT_USAGE) from None
    except MemoryError:
        _fail(f"{source}: out of memory while {activity}", EXIT_FAILURE)
    except (ArithmeticError, ValueError, RuntimeError) as error:
        _fail(f"{source}: {failure} failed: {error}", EXIT_FAILURE)


# --------------------------------------------------------------------------------------------
# Reading scenarios


def load(argument: str) -> Scenario:
    """Load the scenario an argument names: ``-`` (standard input), a path, or a bundled name.

    Raises :class:`ScenarioError` (with positions) for anything wrong, a missing file
    included.
    """
    from negsim.format import bundled
    from negsim.format.loader import load_scenario

    if argument == STDIN:
        return load_scenario(STDIN)
    path = bundled.resolve(argument)
    return load_scenario(path if path is not None else argument)


def _not_found_hint(argument: str) -> None:
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
        _message(
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
        _print_problems(error)
        _not_found_hint(argument)
        raise typer.Exit(EXIT_USAGE) from None


def space_or_exit(scenario: Scenario) -> OutcomeSpace:
    """The scenario's :class:`~negsim.space.OutcomeSpace`; exit with status 2 when it cannot be
    built (no feasible package, too large for this machine's memory)."""
    from negsim.errors import Problem, ScenarioError
    from negsim.space import OutcomeSpace

    try:
        return OutcomeSpace.from_scenario(scenario)
    except ScenarioError as error:
        _print_problems(error)
        raise typer.Exit(EXIT_USAGE) from None
    except (ValueError, MemoryError) as error:
        _message(str(Problem(0, 0, "", str(error) or "out of memory", file=scenario.source)))
        raise typer.Exit(EXIT_USAGE) from None


def analysis_or_exit(scenario: Scenario) -> Analysis:
    """The bargaining analysis of ``scenario`` (:func:`negsim.analysis.pipeline.analyze`):
    exit with status 2 when its outcome space cannot be built, 1 when solving fails."""
    from negsim.analysis.pipeline import analyze

    space = space_or_exit(scenario)
    return _solving(scenario.source, lambda: analyze(space))


# --------------------------------------------------------------------------------------------
# Global options


def _version_callback(value: bool) -> None:
    if value:
        typer.echo(f"negsim {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
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


@app.command()
def validate(
    files: Annotated[
        list[str],
        typer.Argument(
            metavar="FILE",
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
            _print_problems(error)
            bad += 1
        else:
            typer.echo(f"{STDIN_NAME if argument == STDIN else argument}: ok")
    if bad:
        raise typer.Exit(EXIT_USAGE)


@app.command()
def show(file: ScenarioArgument) -> None:
    """The scenario at a glance: issues, parties, protocol, package counts, memory estimate."""
    scenario = load_or_exit(file)
    space = space_or_exit(scenario)
    from negsim.present.terminal.show import describe

    _print(list(describe(scenario, space.n_feasible)))


@app.command()
def examples() -> None:
    """List the bundled example scenarios: name and title.

    One example a line, the name then the title; a table on a terminal.
    """
    from negsim.errors import ScenarioError
    from negsim.format import bundled
    from negsim.format.loader import load_scenario

    rows = []
    for name, path in bundled.list_bundled():
        try:
            title = load_scenario(path).name
        except ScenarioError as error:
            title = f"(invalid scenario: {len(error.problems)} problem(s); negsim validate {name})"
        rows.append((name, title))
    if not rows:
        _fail("no bundled scenarios found (a broken installation?)", EXIT_FAILURE)
    console = _stdout()
    if console.is_terminal:
        from negsim.present.terminal.show import examples_table

        console.print(examples_table(rows))
        _message("Use a name wherever a scenario file goes: negsim show NAME")
    else:
        width = max(len(name) for name, _ in rows)
        for name, title in rows:
            typer.echo(f"{name:<{width}}  {title}")


@app.command()
def new(
    name: Annotated[
        str,
        typer.Argument(
            metavar="NAME",
            help="Name of the new scenario; the file is NAME.yaml unless --output says otherwise.",
            show_default=False,
        ),
    ],
    output: Annotated[
        str | None,
        _named(
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
        _fail("NAME must not be empty")
    title = Path(stripped).name.removesuffix(".yaml").removesuffix(".yml") or stripped
    if output is None:
        output = stripped if stripped.endswith((".yaml", ".yml")) else f"{stripped}.yaml"
    text = template_text(title)
    if output == STDIN:
        typer.echo(text, nl=False)
        return
    path = Path(output)
    if path.is_dir():
        _fail(f"{path} is a folder; give a file name with -o PATH")
    if path.exists() and not force:
        _fail(f"{path} already exists; use --force to overwrite it")
    _write_new(path, text, force)
    _message(f"Wrote {path}. Edit it, then: negsim validate {path}")


@app.command()
def schema() -> None:
    """Print the JSON Schema (draft 2020-12) of the scenario format, for editors."""
    import json

    from negsim.format.schema import json_schema

    typer.echo(json.dumps(json_schema(), indent=2, ensure_ascii=False))


# --------------------------------------------------------------------------------------------
# Analysis: solve, simulate


@app.command()
def solve(file: ScenarioArgument, output_format: FormatOption = OutputFormat.table) -> None:
    """The bargaining analysis: outcome space, frontier, zone of agreement, solutions.

    The solutions are Nash, Kalai–Smorodinsky, egalitarian and utilitarian, as packages.

    --format json prints one JSON object on standard output, for programs.
    """
    scenario = load_or_exit(file)
    analysis = analysis_or_exit(scenario)
    for warning in analysis.warnings:
        _message(f"negsim: warning: {warning}")
    if output_format is OutputFormat.json:
        typer.echo(analysis.to_json())
        return
    from negsim.present.terminal.solve import solve_renderables

    _print(list(solve_renderables(analysis)))


@app.command()
def simulate(
    file: ScenarioArgument,
    runs: RunsOption = None,
    seed: SimulationSeed = None,
    rounds: RoundsOption = None,
    output_format: FormatOption = OutputFormat.table,
) -> None:
    """Monte Carlo negotiations between the agents in `simulation`.

    Boulware, conceder, linear and tit-for-tat agents bargain under the scenario's protocol;
    private parameters in `uncertainty` are drawn afresh in every run. Prints the agreement
    rate, agreements by round, the final-round share, mean utilities and payoffs, and the
    most frequent agreements. The same seed gives the same result.
    """
    import json

    from negsim.studies.simulate import simulate as run_simulation

    scenario = load_or_exit(file)
    if scenario.n_parties != 2:
        _fail(
            f"{scenario.source}: simulate handles two parties; this scenario has "
            f"{scenario.n_parties} ({', '.join(scenario.party_names)})"
        )
    if rounds is not None and scenario.protocol.deadline is not None:
        _fail(
            f"{scenario.source}: the protocol has a deadline of "
            f"{scenario.protocol.deadline} rounds; --rounds applies only without a deadline"
        )
    space = space_or_exit(scenario)
    result = _solving(
        scenario.source,
        lambda: run_simulation(space, runs=runs, rng=seed, rounds=rounds),
        "simulating",
        "simulation",
    )
    if output_format is OutputFormat.json:
        typer.echo(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
        return
    from negsim.present.terminal.simulate import simulation_renderables

    _print(list(simulation_renderables(result, scenario.name)))


# --------------------------------------------------------------------------------------------
# Studies: sweep, sensitivity


@app.command()
def sweep(
    file: ScenarioArgument,
    assignments: Assignments = None,
    output: SweepOutput = None,
    jobs: JobsOption = None,
    backend: BackendOption = "local",
    scheduler: SchedulerOption = None,
    zip_axes: ZipOption = False,
    sweep_file: SweepFileOption = None,
    seed: SweepSeedOption = None,
    resume: ResumeOption = False,
    force: SweepForceOption = False,
    dry_run: DryRunOption = False,
) -> None:
    """Solve the scenario at every point of a grid of parameter values.

    Writes DIR/results.csv (one row per point), DIR/manifest.json and a copy of the
    scenario. Invalid points and failures are recorded with status 'error'; the others go
    on, and the exit status is then 3.
    """
    from negsim.errors import ScenarioError
    from negsim.studies import sweep as sweeping
    from negsim.studies import sweep_plan
    from negsim.studies.grid import GridError, build_grid

    try:
        extra, options = sweep_plan.read_sweep_file(sweep_file) if sweep_file else ([], {})
        grid = build_grid(assignments or [], zip_axes=zip_axes or options.get("zip", False),
                          extra=extra)  # fmt: skip
        source = sweep_plan.read_source(file)
        plan = sweep_plan.plan_sweep(
            source, grid, folder=output, seed=options.get("seed") if seed is None else seed,
            jobs=jobs, backend=backend, scheduler=scheduler, resume=resume, force=force,
        )  # fmt: skip
    except (GridError, sweep_plan.SweepUsageError) as error:
        _fail(str(error))
    except ScenarioError as error:
        _print_problems(error)
        _not_found_hint(file)
        raise typer.Exit(EXIT_USAGE) from None
    if dry_run:
        typer.echo(sweep_plan.dry_run_report(plan))
        return
    from negsim.present.terminal.progress import SweepProgress

    bar = SweepProgress if _stderr().is_terminal else None
    try:
        summary = sweeping.run_sweep(plan, progress=bar)
    except sweeping.SweepError as error:
        _fail(str(error), EXIT_USAGE if isinstance(error, sweeping.FolderError) else EXIT_FAILURE)
    except OSError as error:
        _fail(f"cannot write {plan.folder}: {error.strerror or error}", EXIT_FAILURE)
    _message(f"{sweep_plan.describe_grid(grid)}: {summary.describe()}")
    if summary.failed:
        raise typer.Exit(EXIT_PARTIAL)


@app.command()
def sensitivity(
    file: ScenarioArgument,
    paths: SensitivityPaths = None,
    spread: SpreadOption = 0.1,
    output: TornadoOutput = None,
    output_format: SensitivityFormat = OutputFormat.table,
    force: ForceOption = False,
) -> None:
    """One-at-a-time sensitivity: each parameter at a low and a high value around the
    scenario's own, the equilibrium utilities at each, and a tornado chart of the swings.

    Prints the table (or JSON) on standard output and writes the chart."""
    import json

    from negsim.errors import ScenarioError
    from negsim.studies import sensitivity as sensitivity_module

    scenario = load_or_exit(file)  # validates the base scenario, with positions
    assert scenario.data is not None  # read from a file: it has its data
    try:
        named = dict(sensitivity_module.parse_path_argument(text) for text in paths or [])
        result = sensitivity_module.sensitivity(
            dict(scenario.data), named or None, spread=spread, filename=scenario.source
        )
    except ScenarioError as error:
        _print_problems(error)
        raise typer.Exit(EXIT_USAGE) from None
    except ValueError as error:
        _fail(str(error))
    unusable = [f"{path}: {reason}" for path, reason in result.skipped if path in named]
    if unusable:  # a parameter the user named cannot be varied: a usage error
        _fail("cannot vary " + "; ".join(unusable))
    if not result.parameters:
        _fail(f"{scenario.source}: nothing to vary (name parameters as PATH or PATH=LOW:HIGH)")
    path, file_format = _chart_path(output or f"{Path(scenario.source).stem}-tornado.png", force)
    if output_format is OutputFormat.json:
        typer.echo(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
    else:
        from negsim.present.terminal.sensitivity import sensitivity_table

        typer.echo(sensitivity_table(result))
    _write_chart(path, file_format, "tornado", result, force)


# --------------------------------------------------------------------------------------------
# Charts


@app.command()
def plot(
    file: ScenarioArgument,
    kind: KindOption = "frontier",
    output: ChartOutput = None,
    max_deadline: MaxDeadlineOption = None,
    party: PartyOption = None,
    discounts: RangeOption = None,
    force: ForceOption = False,
) -> None:
    """One chart of the analysis, as PNG, SVG or PDF by the suffix of OUT.

    frontier: the packages, the Pareto frontier, the zone of agreement and the solutions.

    deadline: each party's equilibrium utility against the deadline, and without one.

    discount: each party's equilibrium utility against one party's discount factor.

    screening: with a private fallback or value of a deal, the chance of a deal each
    round and the offers' path.

    agreements: when simulated negotiations agree (the scenario's simulation settings;
    seed 0 when it has none).

    concessions: each agent's target and offers, round by round, at the stated values.

    sweep: FILE is the output folder of negsim sweep: a line chart for one swept path, a
    heatmap with a contour for two, small multiples for three.

    Prints the path written on standard error. Refuses to overwrite a file without --force.
    """
    _check_plot_options(kind, max_deadline, party, discounts)
    if kind == "sweep":  # FILE is a sweep's output folder
        path, file_format = _chart_path(output or f"{Path(file).resolve().name}-sweep.png", force)
        _write_chart(path, file_format, "sweep", _sweep_table(file), force)
        return
    from negsim.api import ChartError, chart_record

    scenario = load_or_exit(file)
    if party is not None and party not in scenario.party_names:
        from negsim.errors import did_you_mean

        _fail(
            f"--party {party!r} is not a party of {scenario.source}"
            f"{did_you_mean(party, list(scenario.party_names))}; "
            f"choose from {', '.join(scenario.party_names)}"
        )
    stem = STDIN_NAME.strip("<>") if file == STDIN else Path(scenario.source).stem
    path, file_format = _chart_path(output or f"{stem}-{kind}.png", force)
    values = _discount_range(discounts) if discounts is not None else None
    try:
        record = _solving(
            scenario.source,
            lambda: chart_record(
                scenario, kind, max_deadline=max_deadline, party=party, discounts=values
            ),
        )
    except ChartError as error:
        _fail(str(error))
    _write_chart(path, file_format, kind, record, force)


def _check_plot_options(
    kind: str, max_deadline: int | None, party: str | None, discounts: str | None
) -> None:
    """Usage errors of ``negsim plot``, before any file is read."""
    from negsim.errors import did_you_mean

    if kind not in PLOT_KINDS:
        _fail(
            f"unknown chart kind {kind!r}{did_you_mean(kind, list(PLOT_KINDS))}; "
            f"choose from {', '.join(PLOT_KINDS)}"
        )
    if max_deadline is not None and kind != "deadline":
        _fail("--max-deadline goes with --kind deadline")
    if (party is not None or discounts is not None) and kind != "discount":
        _fail(f"{'--party' if party is not None else '--range'} goes with --kind discount")
    if max_deadline is not None and not 1 <= max_deadline <= MAX_CURVE_POINTS:
        _fail(f"--max-deadline must be between 1 and {MAX_CURVE_POINTS:,}, got {max_deadline}")
    if discounts is not None:
        _discount_range(discounts)


def _discount_range(text: str) -> list[float]:
    """``A:B:STEP`` as the discount factors ``A, A + STEP, ...`` up to ``B`` inclusive."""
    parts = text.split(":")
    try:
        start, stop, step = (float(part) for part in parts)
    except ValueError:
        _fail(f"--range {text!r}: give START:STOP:STEP, e.g. 0.5:0.99:0.01")
    if not all(math.isfinite(v) for v in (start, stop, step)):
        _fail(f"--range {text!r}: the numbers must be finite")
    if step <= 0 or stop < start:
        _fail(f"--range {text!r}: STEP must be positive and STOP at least START")
    count = math.floor((stop - start) / step + 1e-9) + 1
    if count > MAX_CURVE_POINTS:
        _fail(f"--range {text!r}: {count:,} points; at most {MAX_CURVE_POINTS:,}")
    values = [round(start + k * step, 12) for k in range(count)]
    if values[0] <= 0 or values[-1] > 1:
        _fail(f"--range {text!r}: discount factors must lie in (0, 1]")
    return values


def _sweep_table(folder: str) -> object:
    """The results a sweep wrote in ``folder`` (exit 2 when there are none)."""
    from negsim.studies.sweep_table import read_results

    try:
        return read_results(folder)
    except (FileNotFoundError, NotADirectoryError):
        _fail(f"{folder}: no sweep results here (run negsim sweep ... -o {folder} first)")
    except ValueError as error:
        _fail(f"{folder}: {error}")


def _chart_path(output: str, force: bool) -> tuple[Path, str]:
    """The chart file to write and its format; exit 2 for a bad name or an existing file
    (without ``force``), 1 for a folder that does not exist."""
    from negsim.present.charts.style import FORMATS

    path = Path(output)
    file_format = path.suffix.lower().lstrip(".")
    if file_format not in FORMATS:
        what = f"unknown chart format {path.suffix!r}" if path.suffix else "no suffix"
        _fail(f"{path}: {what}; name the file .png, .svg or .pdf")
    if path.is_dir():
        _fail(f"{path} is a folder; give a file name with -o OUT")
    if path.exists() and not force:
        _fail(f"{path} already exists; use --force to overwrite it")
    if not path.parent.is_dir():
        _fail(f"cannot write {path}: there is no folder {path.parent}", EXIT_FAILURE)
    return path, file_format


def _write_chart(path: Path, file_format: str, kind: str, record: object, force: bool) -> None:
    """Draw ``record``'s chart and write it (exit 1 when it cannot be drawn)."""
    from negsim.api import draw
    from negsim.present.charts.style import figure_bytes

    try:
        data = figure_bytes(draw(kind, record), file_format)
    except (ArithmeticError, ValueError, RuntimeError) as error:
        _fail(f"cannot draw the {kind} chart: {error}", EXIT_FAILURE)
    _write_new(path, data, force)
    _message(f"Wrote {path}")


# --------------------------------------------------------------------------------------------
# Entry point


def main() -> None:
    """Entry point of the ``negsim`` command and of ``python -m negsim``."""
    app(prog_name="negsim")
