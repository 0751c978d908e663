"""The chart command: ``plot``, and writing chart files for ``sensitivity`` too."""

from __future__ import annotations

import math
from pathlib import Path

from negsim.cli.app import EXIT_FAILURE, EXIT_USAGE, MAX_CURVE_POINTS, PLOT_KINDS, STDIN, STDIN_NAME
from negsim.cli.common import (
    fail,
    load_or_exit,
    message,
    new_file_or_exit,
    solving,
    stderr,
    write_new_or_exit,
)
from negsim.cli.options import (
    ChartOutput,
    ForceOption,
    KindOption,
    MaxDeadlineOption,
    MetricOption,
    PartyOption,
    RangeOption,
    ScenarioArgument,
    StyleOption,
)


def plot(
    file: ScenarioArgument,
    kind: KindOption = "frontier",
    output: ChartOutput = None,
    max_deadline: MaxDeadlineOption = None,
    party: PartyOption = None,
    discounts: RangeOption = None,
    metric: MetricOption = None,
    force: ForceOption = False,
    style: StyleOption = "default",
) -> None:
    """One chart of the analysis, as PNG, SVG or PDF by the suffix of OUT.

    The kinds of chart (--kind):

    - frontier: the packages, the Pareto frontier, the zone of agreement and the
      solutions.
    - deadline: each party's equilibrium utility against the deadline, and without one.
    - discount: each party's equilibrium utility against one party's discount factor.
    - screening: with a private fallback or value of a deal, the chance of a deal each
      round and the offers' path.
    - agreements: when simulated negotiations agree (the scenario's simulation settings;
      seed 0 when it has none).
    - concessions: each agent's target and offers, round by round, at the stated values.
    - sweep: FILE is the output folder of negsim sweep: a line chart for one swept path,
      a heatmap with a contour for two, small multiples for three; --metric NAME chooses
      what (a column of results.csv, or u or payoff for every party's; by default the
      chance of a deal under private information, else the equilibrium utilities).

    Prints the path written on standard error. Refuses to overwrite a file without --force.
    """
    _check_plot_options(kind, max_deadline, party, discounts)
    if metric and kind != "sweep":
        fail("--metric goes with --kind sweep")
    if kind == "sweep":  # FILE is a sweep's output folder
        path, file_format = chart_path(output or f"{Path(file).resolve().name}-sweep.png", force)
        write_chart(path, file_format, "sweep", _sweep_table(file), force, metric or None, style)
        return
    from negsim.api import ChartError, chart_record

    scenario = load_or_exit(file)
    if party is not None and party not in scenario.party_names:
        from negsim.errors import did_you_mean

        fail(
            f"--party {party!r} is not a party of {scenario.source}"
            f"{did_you_mean(party, list(scenario.party_names))}; "
            f"choose from {', '.join(scenario.party_names)}"
        )
    stem = STDIN_NAME.strip("<>") if file == STDIN else Path(scenario.source).stem
    path, file_format = chart_path(output or f"{stem}-{kind}.png", force)
    values = _discount_range(discounts) if discounts is not None else None
    try:
        record = solving(
            scenario.source,
            lambda: chart_record(
                scenario,
                kind,
                max_deadline=max_deadline,
                party=party,
                discounts=values,
                progress=stderr().is_terminal,
            ),
        )
    except ChartError as error:
        fail(str(error))
    write_chart(path, file_format, kind, record, force, style=style)


def _check_plot_options(
    kind: str, max_deadline: int | None, party: str | None, discounts: str | None
) -> None:
    """Usage errors of ``negsim plot``, before any file is read."""
    from negsim.errors import did_you_mean

    if kind not in PLOT_KINDS:
        fail(
            f"unknown chart kind {kind!r}{did_you_mean(kind, list(PLOT_KINDS))}; "
            f"choose from {', '.join(PLOT_KINDS)}"
        )
    if max_deadline is not None and kind != "deadline":
        fail("--max-deadline goes with --kind deadline")
    if (party is not None or discounts is not None) and kind != "discount":
        fail(f"{'--party' if party is not None else '--range'} goes with --kind discount")
    if max_deadline is not None and not 1 <= max_deadline <= MAX_CURVE_POINTS:
        fail(f"--max-deadline must be between 1 and {MAX_CURVE_POINTS:,}, got {max_deadline}")
    if discounts is not None:
        _discount_range(discounts)


def _discount_range(text: str) -> list[float]:
    """``A:B:STEP`` as the discount factors ``A, A + STEP, ...`` up to ``B`` inclusive."""
    parts = text.split(":")
    try:
        start, stop, step = (float(part) for part in parts)
    except ValueError:
        fail(f"--range {text!r}: give START:STOP:STEP, e.g. 0.5:0.99:0.01")
    if not all(math.isfinite(v) for v in (start, stop, step)):
        fail(f"--range {text!r}: the numbers must be finite")
    if step <= 0 or stop < start:
        fail(f"--range {text!r}: STEP must be positive and STOP at least START")
    count = math.floor((stop - start) / step + 1e-9) + 1
    if count > MAX_CURVE_POINTS:
        fail(f"--range {text!r}: {count:,} points; at most {MAX_CURVE_POINTS:,}")
    values = [round(start + k * step, 12) for k in range(count)]
    if values[0] <= 0 or values[-1] > 1:
        fail(f"--range {text!r}: discount factors must lie in (0, 1]")
    return values


def _sweep_table(folder: str) -> object:
    """The results a sweep wrote in ``folder`` (exit 2 when there are none)."""
    from negsim.studies.sweep_table import read_results

    try:
        return read_results(folder)
    except (FileNotFoundError, NotADirectoryError):
        fail(f"{folder}: no sweep results here (run negsim sweep ... -o {folder} first)")
    except ValueError as error:
        fail(f"{folder}: {error}")


def chart_path(output: str, force: bool) -> tuple[Path, str]:
    """The chart file to write and its format; exit 2 for a bad name or an existing file
    (without ``force``), 1 for a folder that does not exist."""
    from negsim.present.charts.style import FORMATS

    path = Path(output)
    file_format = path.suffix.lower().lstrip(".")
    if file_format not in FORMATS:
        what = f"unknown chart format {path.suffix!r}" if path.suffix else "no suffix"
        fail(f"{path}: {what}; name the file .png, .svg or .pdf")
    new_file_or_exit(path, force)
    return path, file_format


def write_chart(
    path: Path,
    file_format: str,
    kind: str,
    record: object,
    force: bool,
    metric: list[str] | None = None,
    style: str = "default",
) -> None:
    """Draw ``record``'s chart in ``style`` and write it (exit 1 when it cannot be drawn; 2
    for a metric the sweep does not have, or several for a heatmap)."""
    from negsim.api import draw
    from negsim.present.charts.style import figure_bytes

    try:
        data = figure_bytes(draw(kind, record, metric, style), file_format)
    except (ArithmeticError, ValueError, RuntimeError) as error:
        from negsim.errors import MetricError

        usage = isinstance(error, MetricError)
        fail(f"cannot draw the {kind} chart: {error}", EXIT_USAGE if usage else EXIT_FAILURE)
    write_new_or_exit(path, data, force)
    message(f"Wrote {path}")
