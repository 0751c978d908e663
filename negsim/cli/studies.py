"""The studies over many solves: ``sweep`` and ``sensitivity``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from negsim.cli.app import (
    EXIT_FAILURE,
    EXIT_INTERRUPTED,
    EXIT_PARTIAL,
    EXIT_USAGE,
    STDIN,
    STDIN_NAME,
    OutputFormat,
)
from negsim.cli.charts import chart_path, write_chart
from negsim.cli.common import fail, load_or_exit, message, not_found_hint, print_problems, stderr
from negsim.cli.options import (
    Assignments,
    BackendOption,
    DryRunOption,
    ForceOption,
    JobsOption,
    NoChartOption,
    ResumeOption,
    ScenarioArgument,
    SchedulerOption,
    SensitivityFormat,
    SensitivityMetricOption,
    SensitivityPaths,
    SpreadOption,
    StyleOption,
    SweepFileOption,
    SweepForceOption,
    SweepOutput,
    SweepSeedOption,
    TornadoOutput,
    TornadoPartyOption,
    ZipOption,
)

if TYPE_CHECKING:
    from negsim.format.scenario import Scenario


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
        fail(str(error))
    except ScenarioError as error:
        print_problems(error)
        not_found_hint(file)
        raise typer.Exit(EXIT_USAGE) from None
    if dry_run:
        typer.echo(sweep_plan.dry_run_report(plan))
        return
    from negsim.present.terminal.progress import SweepProgress

    bar = SweepProgress if stderr().is_terminal else None
    try:
        summary = sweeping.run_sweep(plan, progress=bar)
    except sweeping.SweepError as error:
        fail(str(error), EXIT_USAGE if isinstance(error, sweeping.FolderError) else EXIT_FAILURE)
    except OSError as error:
        fail(f"cannot write {plan.folder}: {error.strerror or error}", EXIT_FAILURE)
    except KeyboardInterrupt:
        message(
            f"negsim: interrupted; the points finished are kept in {plan.folder}: run the "
            "same command with --resume for the rest"
        )
        raise typer.Exit(EXIT_INTERRUPTED) from None
    message(f"{sweep_plan.describe_grid(grid)}: {summary.describe()}")
    if summary.failed:
        raise typer.Exit(EXIT_PARTIAL)


def sensitivity(
    file: ScenarioArgument,
    paths: SensitivityPaths = None,
    spread: SpreadOption = 0.1,
    output: TornadoOutput = None,
    output_format: SensitivityFormat = OutputFormat.table,
    no_chart: NoChartOption = False,
    metric: SensitivityMetricOption = None,
    party: TornadoPartyOption = None,
    force: ForceOption = False,
    style: StyleOption = "default",
) -> None:
    """One-at-a-time sensitivity: each parameter at a low and a high value around the
    scenario's own, the outcome at each (the equilibrium utilities, or the screening
    outcome under private information; --metric chooses), and a tornado chart of the
    swings.

    Prints the table (or JSON) on standard output and writes the chart: to OUT, or to
    SCENARIO-tornado.png (SCENARIO-tornado-2.png and on when that exists), unless
    --no-chart."""

    from negsim.errors import ScenarioError
    from negsim.studies import sensitivity as sensitivity_module

    scenario = load_or_exit(file)  # validates the base scenario, with positions
    assert scenario.data is not None  # read from a file: it has its data
    stem = STDIN_NAME.strip("<>") if file == STDIN else Path(scenario.source).stem
    if no_chart and output is not None:
        fail("--no-chart and --output exclude each other")
    chart = None  # checked before solving
    if not no_chart:
        chart = chart_path(output or _unused(f"{stem}-tornado", ".png"), force)
    try:
        named = dict(sensitivity_module.parse_path_argument(text) for text in paths or [])
        reported = _party_metrics(scenario, metric, party)  # checked before any solve
        result = sensitivity_module.sensitivity(
            dict(scenario.data), named or None, spread=spread, filename=scenario.source,
            metrics=reported,
        )  # fmt: skip
    except ScenarioError as error:
        print_problems(error)
        raise typer.Exit(EXIT_USAGE) from None
    except ValueError as error:
        fail(str(error))
    unusable = [f"{path}: {reason}" for path, reason in result.skipped if path in named]
    if unusable:  # a parameter the user named cannot be varied: a usage error
        fail("cannot vary " + "; ".join(unusable))
    if not result.parameters:
        fail(f"{scenario.source}: nothing to vary (name parameters as PATH or PATH=LOW..HIGH)")
    if output_format is OutputFormat.json:
        typer.echo(result.to_json())
    elif output_format is not OutputFormat.table:  # markdown, csv, latex
        from negsim.cli.common import print_document
        from negsim.present.terminal.sensitivity import sensitivity_renderables

        print_document(sensitivity_renderables(result), output_format)
    else:
        from negsim.cli.common import stdout
        from negsim.present.terminal.sensitivity import sensitivity_renderables

        console = stdout()
        for part in sensitivity_renderables(result):
            console.print(part)
    if chart is not None:
        write_chart(*chart, "tornado", result, force, style=style)


def _party_metrics(scenario: Scenario, metric: list[str] | None, party: str | None) -> list[str]:
    """The metrics to report: ``--metric`` (default: the scenario's), only ``--party``'s
    and those of no party when it is given. Raises ValueError for an unknown party or
    metric, or when the party has none of them."""
    from negsim.analysis.metrics import choose_metrics
    from negsim.errors import did_you_mean

    chosen = choose_metrics(scenario, metric)
    if party is None:
        return chosen
    names = scenario.party_names
    if party not in names:
        raise ValueError(
            f"--party {party!r} is not a party of {scenario.source}{did_you_mean(party, names)}"
            f"; the parties are {', '.join(names)}"
        )
    own = [m for m in chosen if not any(m.endswith(f".{n}") for n in names if n != party)]
    if not any(m.endswith(f".{party}") for m in own):
        raise ValueError(f"none of the metrics {', '.join(chosen)} is {party}'s")
    return own


def _unused(stem: str, suffix: str) -> str:
    """``STEM.png``, or ``STEM-2.png``, ``STEM-3.png``... the first that does not exist: a
    default chart name never blocks a later run, and never replaces a file."""
    candidate, number = f"{stem}{suffix}", 1
    while Path(candidate).exists():
        number += 1
        candidate = f"{stem}-{number}{suffix}"
    return candidate
