"""The ``negsim`` command: parse the command line, call the library, print.

Data go to standard output, messages to standard error, so pipes stay clean. Exit status:
0 success; 1 a failure while solving or writing; 2 a usage error or an invalid scenario;
3 a sweep that finished with some failed points. No command prints a Python traceback for
bad input: scenario problems are printed as ``FILE:LINE:COLUMN: path: message``.

This module holds no maths: every number it prints comes from the library.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from enum import StrEnum
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from negsim.errors import Problem, ScenarioError, did_you_mean
from negsim.format import bundled
from negsim.format.scenario import Scenario
from negsim.version import __version__

if TYPE_CHECKING:
    from matplotlib.figure import Figure
    from rich.console import Console

    from negsim.analysis.records import Analysis
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

ScenarioArgument = Annotated[
    str,
    typer.Argument(
        metavar="FILE",
        help="Scenario file, '-' for standard input, or a bundled example's name.",
        show_default=False,
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


def _message(text: str) -> None:
    """A message for people, on standard error."""
    typer.echo(text, err=True)


def _fail(text: str, code: int = EXIT_USAGE) -> NoReturn:
    _message(f"negsim: {text}")
    raise typer.Exit(code)


def _write_new(path: Path, content: str | bytes, force: bool) -> None:
    """Write ``content`` to ``path``; never replace an existing file unless ``force``
    (exit 2 with a message), exit 1 when the file cannot be written."""
    if path.is_dir():
        _fail(f"{path} is a folder; give a file name")
    binary = isinstance(content, bytes)
    mode = ("w" if force else "x") + ("b" if binary else "")
    try:
        if binary:
            with path.open(mode) as handle:
                handle.write(content)
        else:
            with path.open(mode, encoding="utf-8", newline="\n") as handle:
                handle.write(content)
    except FileExistsError:
        _fail(f"{path} already exists; use --force to overwrite it")
    except OSError as error:
        _fail(f"cannot write {path}: {error.strerror or error}", EXIT_FAILURE)


def _print_problems(error: ScenarioError) -> None:
    """Every problem of an invalid scenario on standard error, one per line."""
    for problem in error.problems:
        _message(str(problem))


# --------------------------------------------------------------------------------------------
# Reading scenarios


def load(argument: str) -> Scenario:
    """Load the scenario an argument names: ``-`` (standard input), a path, or a bundled name.

    Raises :class:`ScenarioError` (with positions) for anything wrong, a missing file
    included.
    """
    from negsim.format.loader import load_scenario

    if argument == STDIN:
        return load_scenario(STDIN)
    path = bundled.resolve(argument)
    return load_scenario(path if path is not None else argument)


def _not_found_hint(argument: str) -> None:
    """After a failed load: when a bare word named neither a file nor a bundled example,
    point at the examples."""
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
    try:
        return load(argument)
    except ScenarioError as error:
        _print_problems(error)
        _not_found_hint(argument)
        raise typer.Exit(EXIT_USAGE) from None


def space_or_exit(scenario: Scenario) -> OutcomeSpace:
    """The scenario's :class:`~negsim.space.OutcomeSpace`; exit with status 2 when it cannot be
    built (no feasible package, too large for this machine's memory)."""
    from negsim.space import OutcomeSpace

    try:
        return OutcomeSpace.from_scenario(scenario)
    except ScenarioError as error:
        _print_problems(error)
        raise typer.Exit(EXIT_USAGE) from None
    except (ValueError, MemoryError) as error:
        _message(str(Problem(0, 0, "", str(error) or "out of memory", file=scenario.source)))
        raise typer.Exit(EXIT_USAGE) from None


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

    console = _stdout()
    for renderable in describe(scenario, space.n_feasible):
        console.print(renderable)
        console.print()


@app.command()
def examples() -> None:
    """List the bundled example scenarios: name and title.

    One example a line, the name then the title; a table on a terminal.
    """
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
        from rich.table import Table
        from rich.text import Text

        table = Table(title="Bundled scenarios", title_justify="left")
        table.add_column("name", style="bold", no_wrap=True)
        table.add_column("title")
        for name, title in rows:
            table.add_row(Text(name), Text(title))
        console.print(table)
        _message("Use a name wherever a scenario file goes: negsim show NAME")
    else:
        width = max(len(name) for name, _ in rows)
        for name, title in rows:
            typer.echo(f"{name:<{width}}  {title}")


TEMPLATE_NAME_LINE = re.compile(r"^name:.*$", re.MULTILINE)


def template_text(name: str) -> str:
    """The commented template of a scenario, with ``name`` as its title."""
    text = resources.files("negsim.format").joinpath("template.yaml").read_text(encoding="utf-8")
    return TEMPLATE_NAME_LINE.sub(
        lambda _: f"name: {json.dumps(name, ensure_ascii=False)}", text, 1
    )


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
        typer.Option(
            "--output",
            "-o",
            metavar="PATH",
            help="Where to write the scenario ('-' for standard output). Default: NAME.yaml.",
            show_default=False,
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", "-f", help="Overwrite an existing file.")
    ] = False,
) -> None:
    """Start a new scenario from a commented template of the whole format."""
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
    from negsim.format.schema import json_schema

    typer.echo(json.dumps(json_schema(), indent=2, ensure_ascii=False))


# --------------------------------------------------------------------------------------------
# Analysis commands: solve, simulate, sweep, plot, sensitivity, report, explain.
#
# They go here. Each one loads its scenario with load_or_exit(FILE), calls the library
# (negsim.analysis.pipeline and friends), and prints: tables with rich for people, or JSON on
# standard output for --format json. Exit 1 for a failure while solving or writing, 3 for a
# sweep with failed points (EXIT_FAILURE, EXIT_PARTIAL above).
# --------------------------------------------------------------------------------------------


class OutputFormat(StrEnum):
    """``--format`` of the analysis commands."""

    table = "table"
    json = "json"


FormatOption = Annotated[
    OutputFormat,
    typer.Option(
        "--format",
        case_sensitive=False,
        help="'table' for people (rich tables), 'json' for programs (one JSON object).",
    ),
]


def analysis_or_exit(scenario: Scenario) -> Analysis:
    """The bargaining analysis of ``scenario`` (:func:`negsim.analysis.pipeline.analyze`): exit with
    status 2 when its outcome space cannot be built, 1 when solving fails."""
    from negsim.analysis.pipeline import analyze

    space = space_or_exit(scenario)
    try:
        return analyze(space)
    except MemoryError:
        _fail(f"{scenario.source}: out of memory while solving", EXIT_FAILURE)
    except (ArithmeticError, ValueError, RuntimeError) as error:
        _fail(f"{scenario.source}: solving failed: {error}", EXIT_FAILURE)


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
        typer.echo(json.dumps(analysis.to_dict(), indent=2, ensure_ascii=False))
        return
    from negsim.present.terminal.solve import solve_renderables

    console = _stdout()
    for renderable in solve_renderables(analysis):
        console.print(renderable)
        console.print()


@app.command()
def simulate(
    file: ScenarioArgument,
    runs: Annotated[
        int | None,
        typer.Option("--runs", min=1, help="Number of runs (default: simulation.runs, or 1000)."),
    ] = None,
    seed: Annotated[
        int | None,
        typer.Option(
            "--seed", min=0, help="Seed (default: simulation.seed; none: fresh, and printed)."
        ),
    ] = None,
    rounds: Annotated[
        int | None,
        typer.Option(
            "--rounds",
            min=1,
            help="Concession horizon for talks without a deadline (default 100).",
        ),
    ] = None,
    output_format: FormatOption = OutputFormat.table,
) -> None:
    """Monte Carlo negotiations between the agents in `simulation`.

    Boulware, conceder, linear and tit-for-tat agents bargain under the scenario's protocol;
    private parameters in `uncertainty` are drawn afresh in every run. Prints the agreement
    rate, agreements by round, the final-round share, mean utilities and payoffs, and the
    most frequent agreements. The same seed gives the same result.
    """
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
    try:
        result = run_simulation(space, runs=runs, rng=seed, rounds=rounds)
    except MemoryError:
        _fail(f"{scenario.source}: out of memory while simulating", EXIT_FAILURE)
    except (ArithmeticError, ValueError, RuntimeError) as error:
        _fail(f"{scenario.source}: simulation failed: {error}", EXIT_FAILURE)
    if output_format is OutputFormat.json:
        typer.echo(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
        return
    from negsim.present.terminal.simulate import simulation_renderables

    console = _stdout()
    for renderable in simulation_renderables(result, scenario.name):
        console.print(renderable)
        console.print()


@app.command()
def sweep(
    file: ScenarioArgument,
    assignments: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="PATH=VALUES...",
            help="A dotted path and its values: a,b,c; start:stop[:step] (inclusive); "
            "linspace(a,b,n).",
            show_default=False,
        ),
    ] = None,
    output: Annotated[
        str | None,
        typer.Option(
            "--output",
            "-o",
            metavar="DIR",
            help="Output folder. Default: STEM-sweep in the current folder.",
            show_default=False,
        ),
    ] = None,
    jobs: Annotated[
        int | None,
        typer.Option(
            "--jobs", "-j", min=1, help="Worker processes (default: the number of cores)."
        ),
    ] = None,
    backend: Annotated[
        str, typer.Option("--backend", metavar="local|dask", help="Where points run.")
    ] = "local",
    scheduler: Annotated[
        str | None,
        typer.Option(
            "--scheduler",
            metavar="ADDR",
            help="dask: the scheduler of an existing cluster (default: start a local one).",
            show_default=False,
        ),
    ] = None,
    zip_axes: Annotated[
        bool, typer.Option("--zip", help="Pair the values of the paths instead of a full grid.")
    ] = False,
    sweep_file: Annotated[
        str | None,
        typer.Option(
            "--sweep-file",
            metavar="FILE.yaml",
            help="Paths and values from a YAML file (see docs/sweep.md); before PATH=VALUES.",
            show_default=False,
        ),
    ] = None,
    seed: Annotated[
        int | None,
        typer.Option(
            "--seed", min=0, help="Root of the per-point seeds (default: fresh, recorded)."
        ),
    ] = None,
    resume: Annotated[
        bool, typer.Option("--resume", help="Continue the sweep in DIR; skip finished points.")
    ] = False,
    force: Annotated[
        bool, typer.Option("--force", "-f", help="Overwrite the sweep in a non-empty DIR.")
    ] = False,
    dry_run: Annotated[
        bool,
        typer.Option("--dry-run", help="Print the grid size and an estimate of the time only."),
    ] = False,
) -> None:
    """Solve the scenario at every point of a grid of parameter values.

    Writes DIR/results.csv (one row per point), DIR/manifest.json and a copy of the
    scenario. Invalid points and failures are recorded with status 'error'; the others go
    on, and the exit status is then 3.
    """
    import os
    import sys

    from negsim.studies import sweep as sweeping
    from negsim.studies.grid import GridError, build_grid

    if backend not in ("local", "dask"):
        _fail(f"--backend {backend!r}: choose local or dask")
    if scheduler is not None and backend != "dask":
        _fail("--scheduler goes with --backend dask")
    if resume and force:
        _fail("--resume and --force exclude each other")
    try:
        extra, options = sweeping.read_sweep_file(sweep_file) if sweep_file else ([], {})
        grid = build_grid(assignments or [], zip_axes=zip_axes or options.get("zip", False),
                          extra=extra)  # fmt: skip
    except GridError as error:
        _fail(str(error))
    if seed is None:
        seed = options.get("seed")
    try:
        source = sweeping.read_source(file)
    except ScenarioError as error:
        _print_problems(error)
        _not_found_hint(file)
        raise typer.Exit(EXIT_USAGE) from None
    from negsim.format.paths import PathError, set_path

    for axis in grid.axes:  # a path that leads nowhere fails every point: a usage error
        try:
            set_path(source.data, axis.path, axis.values[0])
        except PathError as error:
            _fail(f"{source.name}: {error}")
    if jobs is None:
        jobs = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
        jobs = jobs or os.cpu_count() or 1
    shape = " × ".join(str(n) for n in grid.shape)
    described = f"{grid.size:,} points" + ("" if len(grid.shape) == 1 else f" ({shape})")
    if grid.zip:
        described = f"{grid.size:,} points (zipped)"
    if dry_run:
        per_point, measured = sweeping.estimate(source, grid, jobs)
        workers = min(jobs, grid.size)
        total = per_point * grid.size / workers
        typer.echo(f"{described} over {', '.join(grid.paths)}")
        typer.echo(
            f"about {total:.3g} s with {workers} worker{'s' if workers > 1 else ''} "
            f"(one point takes about {per_point * 1000:.3g} ms, measured on {measured})"
        )
        return
    stem = "stdin" if file == STDIN else Path(source.name).stem
    plan = sweeping.Plan(
        source=source,
        grid=grid,
        folder=Path(output if output is not None else f"{stem}-sweep"),
        seed=seed,
        jobs=jobs,
        backend=backend,
        scheduler=scheduler,
        resume=resume,
        force=force,
        command=["negsim", *sys.argv[1:]],
    )
    try:
        from negsim.present.terminal.progress import SweepProgress

        bar = SweepProgress if _stderr().is_terminal else None
        summary = sweeping.run_sweep(plan, progress=bar)
    except sweeping.SweepError as error:
        _fail(str(error), EXIT_USAGE if isinstance(error, sweeping.FolderError) else EXIT_FAILURE)
    except OSError as error:
        _fail(f"cannot write {plan.folder}: {error.strerror or error}", EXIT_FAILURE)
    skipped = f", {summary.skipped:,} already done" if summary.skipped else ""
    _message(
        f"{described}: {summary.counts['ok']:,} ok, {summary.failed:,} failed{skipped}; "
        f"wrote {summary.folder / sweeping.RESULTS}"
    )
    if summary.failed:
        raise typer.Exit(EXIT_PARTIAL)


PLOT_KINDS = (
    "frontier",
    "deadline",
    "discount",
    "screening",
    "agreements",
    "concessions",
    "sweep",
)
"""``negsim plot --kind`` choices: the keys of :data:`negsim.present.charts.FIGURES` (listed here so
``--help`` does not import matplotlib; a test keeps the two in step)."""

DEFAULT_DISCOUNTS = (0.5, 0.99, 0.01)
"""``--range`` of ``--kind discount`` when not given: start, stop (inclusive), step."""
MAX_CURVE_POINTS = 2000
"""Most points ``--max-deadline`` or ``--range`` may ask for."""


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


def _chart(
    kind: str,
    scenario: Scenario,
    max_deadline: int | None,
    party: str | None,
    discounts: str | None,
) -> Figure:
    """Solve what a chart kind needs (plots never solve: for the curves, the CLI computes
    the curve record), then draw it."""
    from negsim.present.charts import curves as curve_charts
    from negsim.present.charts import frontier as frontier_charts
    from negsim.present.charts import screening as screening_charts
    from negsim.present.charts import simulation as simulation_charts
    from negsim.studies import curves

    if kind == "frontier":
        analysis = analysis_or_exit(scenario)
        return _draw(kind, lambda: frontier_charts.frontier_figure(analysis))
    if kind == "agreements":
        from negsim.studies.simulate import simulate

        space = space_or_exit(scenario)
        simulation = scenario.simulation
        seed = simulation.seed if simulation is not None and simulation.seed is not None else 0
        try:
            result = simulate(space, rng=seed)
        except ValueError as error:
            _fail(f"{scenario.source}: {error}")
        label = scenario.protocol.round_label
        return _draw(kind, lambda: simulation_charts.agreements_figure(result, label))
    if kind == "concessions":
        from negsim.studies.simulate import concession_trace

        space = space_or_exit(scenario)
        try:
            trace = concession_trace(space)
        except ValueError as error:
            _fail(f"{scenario.source}: {error}")
        return _draw(kind, lambda: simulation_charts.concessions_figure(trace))
    if kind == "screening":
        analysis = analysis_or_exit(scenario)
        if analysis.screening is None:
            _fail(
                f"{scenario.source}: no screening to draw: it needs two parties, a "
                "one_sided or ultimatum protocol with a deadline, and uncertainty on the "
                "responder's disagreement or agreement_value"
            )
        screening = analysis.screening
        return _draw(kind, lambda: screening_charts.screening_figure(screening))
    space = space_or_exit(scenario)
    try:
        if kind == "deadline":
            stated = scenario.protocol.deadline or 0
            top = max(2 * stated, 20) if max_deadline is None else max_deadline
            deadline_curve = curves.deadline_curve(space, range(1, top + 1))
        else:
            name = scenario.party_names[-1] if party is None else party
            values = _discount_range(discounts) if discounts is not None else _default_discounts()
            discount_curve = curves.discount_curve(space, name, values)
    except MemoryError:
        _fail(f"{scenario.source}: out of memory while solving", EXIT_FAILURE)
    except (ArithmeticError, ValueError, RuntimeError) as error:
        _fail(f"{scenario.source}: solving failed: {error}", EXIT_FAILURE)
    if kind == "deadline":
        return _draw(kind, lambda: curve_charts.deadline_figure(deadline_curve))
    return _draw(kind, lambda: curve_charts.discount_figure(discount_curve))


def _sweep_chart(folder: str) -> Figure:
    """The chart of a sweep's output folder (its results.csv and manifest.json)."""
    from negsim.present.charts.sweep import sweep_figure
    from negsim.studies.sweep_table import read_results

    try:
        table = read_results(folder)
    except (FileNotFoundError, NotADirectoryError):
        _fail(f"{folder}: no sweep results here (run negsim sweep ... -o {folder} first)")
    except ValueError as error:
        _fail(f"{folder}: {error}")
    return _draw("sweep", lambda: sweep_figure(table))


def _draw(kind: str, draw: Callable[[], Figure]) -> Figure:
    try:
        return draw()
    except (ArithmeticError, ValueError, RuntimeError) as error:
        _fail(f"cannot draw the {kind} chart: {error}", EXIT_FAILURE)


def _default_discounts() -> list[float]:
    start, stop, step = DEFAULT_DISCOUNTS
    return _discount_range(f"{start}:{stop}:{step}")


@app.command()
def plot(
    file: ScenarioArgument,
    kind: Annotated[
        str,
        typer.Option(
            "--kind",
            "-k",
            metavar="KIND",
            help=f"Which chart: {', '.join(PLOT_KINDS)}.",
        ),
    ] = "frontier",
    output: Annotated[
        str | None,
        typer.Option(
            "--output",
            "-o",
            metavar="OUT",
            help="The file to write; its suffix (.png, .svg, .pdf) sets the format. "
            "Default: SCENARIO-KIND.png in the current folder.",
            show_default=False,
        ),
    ] = None,
    max_deadline: Annotated[
        int | None,
        typer.Option(
            "--max-deadline",
            metavar="N",
            help="deadline: solve deadlines 1..N. Default: twice the scenario's deadline, "
            "at least 20.",
            show_default=False,
        ),
    ] = None,
    party: Annotated[
        str | None,
        typer.Option(
            "--party",
            metavar="NAME",
            help="discount: whose discount factor varies. Default: the last party.",
            show_default=False,
        ),
    ] = None,
    discounts: Annotated[
        str | None,
        typer.Option(
            "--range",
            metavar="A:B:STEP",
            help="discount: the discount factors, A to B inclusive in steps of STEP. "
            "Default: 0.5:0.99:0.01.",
            show_default=False,
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", "-f", help="Overwrite an existing file.")
    ] = False,
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
        _discount_range(discounts)  # a usage error before any file is read
    from negsim.present.charts.style import FORMATS, figure_bytes

    scenario = None
    if kind == "sweep":  # FILE is a sweep's output folder
        stem = Path(file).resolve().name
    else:
        scenario = load_or_exit(file)
        if party is not None and party not in scenario.party_names:
            _fail(
                f"--party {party!r} is not a party of {scenario.source}"
                f"{did_you_mean(party, list(scenario.party_names))}; "
                f"choose from {', '.join(scenario.party_names)}"
            )
        stem = STDIN_NAME.strip("<>") if file == STDIN else Path(scenario.source).stem
    if output is None:
        output = f"{stem}-{kind}.png"
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
    if scenario is None:
        figure = _sweep_chart(file)
    else:
        figure = _chart(kind, scenario, max_deadline, party, discounts)
    try:
        data = figure_bytes(figure, file_format)
    except (ArithmeticError, ValueError, RuntimeError) as error:
        _fail(f"cannot draw the {kind} chart: {error}", EXIT_FAILURE)
    _write_new(path, data, force)
    _message(f"Wrote {path}")


@app.command()
def sensitivity(
    file: ScenarioArgument,
    paths: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="[PATH[=LOW:HIGH]]...",
            help="Dotted paths to vary (e.g. parties.maduro.discount), each optionally with "
            "its low and high values. Default: every party's discount, plain disagreement "
            "and cost, the breakdown risk and the deadline.",
            show_default=False,
        ),
    ] = None,
    spread: Annotated[
        float,
        typer.Option("--spread", help="Relative change around each stated value.", min=0.0),
    ] = 0.1,
    output: Annotated[
        str | None,
        typer.Option(
            "--output",
            "-o",
            metavar="OUT",
            help="Tornado chart (.png, .svg or .pdf). Default: SCENARIO-tornado.png.",
            show_default=False,
        ),
    ] = None,
    output_format: Annotated[
        OutputFormat, typer.Option("--format", help="table for people, json for programs.")
    ] = OutputFormat.table,
    force: Annotated[
        bool, typer.Option("--force", "-f", help="Overwrite an existing chart.")
    ] = False,
) -> None:
    """One-at-a-time sensitivity: each parameter at a low and a high value around the
    scenario's own, the equilibrium utilities at each, and a tornado chart of the swings.

    Prints the table (or JSON) on standard output and writes the chart."""
    from negsim.present.charts.style import FORMATS, figure_bytes
    from negsim.present.charts.tornado import tornado_figure
    from negsim.present.terminal.sensitivity import sensitivity_table
    from negsim.studies import sensitivity as sensitivity_module

    scenario = load_or_exit(file)  # validates the base scenario, with positions
    try:
        named = dict(sensitivity_module.parse_path_argument(text) for text in paths or [])
        data = sensitivity_module.scenario_data(scenario.source)
        result = sensitivity_module.sensitivity(
            data, named or None, spread=spread, filename=scenario.source
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
    path = Path(output or f"{Path(scenario.source).stem}-tornado.png")
    file_format = path.suffix.lower().lstrip(".")
    if file_format not in FORMATS:
        _fail(f"{path}: name the chart .png, .svg or .pdf")
    if path.exists() and not force:
        _fail(f"{path} already exists; use --force to overwrite it")
    if output_format is OutputFormat.json:
        typer.echo(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
    else:
        typer.echo(sensitivity_table(result))
    try:
        data_bytes = figure_bytes(tornado_figure(result), file_format)
    except ValueError as error:
        _fail(f"cannot draw the tornado chart: {error}", EXIT_FAILURE)
    _write_new(path, data_bytes, force)
    _message(f"Wrote {path}")


# --------------------------------------------------------------------------------------------
# Entry point


def main() -> None:
    """Entry point of the ``negsim`` command and of ``python -m negsim``."""
    app(prog_name="negsim")
