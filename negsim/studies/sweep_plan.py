"""Planning a sweep: the swept scenario, the grid from ``PATH=VALUES`` and sweep files, the
options checked before any point runs, and an estimate of the time it will take.

:func:`plan_sweep` turns what a user asked for (on the command line or through
:func:`negsim.sweep`) into a :class:`~negsim.studies.sweep.Plan` that
:func:`~negsim.studies.sweep.run_sweep` carries out; every mistake that would fail every
point (an unknown path, a bad option) is a :class:`SweepUsageError` here, before anything
is written.
"""

from __future__ import annotations

import dataclasses
import os
import sys
import time
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from negsim.analysis.metrics import metric_names
from negsim.errors import ScenarioError
from negsim.format import bundled
from negsim.format.labels import scenario_labels
from negsim.format.paths import PathError, set_path
from negsim.format.scenario import Scenario
from negsim.studies.grid import Axis, Grid, GridError, axis_from_data, build_grid
from negsim.studies.sweep import Context, Plan, Source, evaluate, format_swept

BACKENDS = ("local", "dask")


class SweepUsageError(ValueError):
    """Options or paths that make a sweep impossible or pointless (a usage error)."""


def read_source(argument: str) -> Source:
    """Read and validate the scenario ``argument`` names (a path, ``-`` or a bundled name).

    Raises :class:`ScenarioError` like :func:`negsim.format.loader.load_scenario`.
    """
    from negsim.format.loader import load_scenario, load_scenario_text
    from negsim.format.source import parse, read_bounded, read_path_bounded, read_text

    if argument == "-":
        name, raw = "<stdin>", read_bounded(sys.stdin.buffer, "<stdin>")
    else:
        path = bundled.resolve(argument) or Path(argument)
        name = str(path)
        try:
            raw = read_path_bounded(path, name)
        except OSError:
            load_scenario(path)  # raises the loader's own problem (no such file, a folder)
            raise
    text = read_text(name, raw)
    scenario = load_scenario_text(text, name)
    tree = parse(text, name)
    assert tree is not None
    return Source(
        name=name,
        raw=raw,
        data=tree.plain(),
        metrics=tuple(metric_names(scenario)),
        labels=scenario_labels(scenario),
    )


def source_from_scenario(scenario: Scenario) -> Source:
    """A :class:`Source` from a scenario in memory (read from a file, text or data, or made
    by :meth:`Scenario.replace`): its data, dumped as YAML for the copy and the SHA-256."""
    import io

    from ruamel.yaml import YAML

    if scenario.data is None:
        raise SweepUsageError(
            "this scenario was built in code, not read from a file: it has no data to sweep"
        )
    data = dict(scenario.data)
    text = io.StringIO()
    YAML(typ="safe", pure=True).dump(data, text)
    return Source(
        name=scenario.source,
        raw=text.getvalue().encode("utf-8"),
        data=data,
        metrics=tuple(metric_names(scenario)),
        labels=scenario_labels(scenario),
    )


def read_sweep_file(path: str | os.PathLike[str]) -> tuple[list[Axis], dict[str, Any]]:
    """The axes and options of a sweep file (YAML)::

        parameters:                       # in order; the last varies fastest
          protocol.deadline: "1:10"       # a VALUES string,
          parties.maduro.discount: [0.9, 0.95]   # a list,
          parties.us.discount: 0.99       # or one value
        zip: false                        # optional
        seed: 7                           # optional

    Raises :class:`GridError` for anything wrong.
    """
    from negsim.format.source import parse, read_path_bounded, read_text

    name = str(path)
    try:
        raw = read_path_bounded(path, name)
    except OSError as error:
        raise GridError(f"{name}: cannot read it: {error.strerror or error}") from None
    except ScenarioError as error:
        raise GridError(str(error)) from None
    try:
        tree = parse(read_text(name, raw), name)
    except ScenarioError as error:
        raise GridError(str(error)) from None
    data = None if tree is None else tree.plain()
    if not isinstance(data, dict) or not isinstance(data.get("parameters"), dict):
        raise GridError(f"{name}: a sweep file is a mapping with a 'parameters' mapping")
    unknown = set(data) - {"parameters", "zip", "seed"}
    if unknown:
        raise GridError(f"{name}: unknown keys {', '.join(sorted(map(str, unknown)))}")
    options: dict[str, Any] = {}
    if "zip" in data:
        if not isinstance(data["zip"], bool):
            raise GridError(f"{name}: zip must be true or false")
        options["zip"] = data["zip"]
    if "seed" in data:
        seed = data["seed"]
        if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
            raise GridError(f"{name}: seed must be a whole number >= 0")
        options["seed"] = seed
    axes = []
    for key, spec in data["parameters"].items():
        try:
            axes.append(axis_from_data(key, spec))
        except GridError as error:
            raise GridError(f"{name}: {error}") from None
    return axes, options


def grid_from_mapping(values: Mapping[str, Iterable[Any] | str], *, zip_axes: bool = False) -> Grid:
    """A grid from ``{path: values}``: each a list of values or a ``VALUES`` string
    (``"1:10"``, ``"0.8,0.9"``, ``"linspace(0.5,0.99,20)"``), in order; the last path
    varies fastest. Raises :class:`GridError`."""
    axes = [
        axis_from_data(path, spec if isinstance(spec, str) else list(spec))
        for path, spec in values.items()
    ]
    return build_grid([], zip_axes=zip_axes, extra=axes)


def default_jobs() -> int:
    """Worker processes by default: the cores this process may use."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


def plan_sweep(
    source: Source,
    grid: Grid,
    *,
    folder: str | os.PathLike[str] | None = None,
    seed: int | None = None,
    jobs: int | None = None,
    backend: str = "local",
    scheduler: str | None = None,
    resume: bool = False,
    force: bool = False,
    command: Sequence[str] | None = None,
) -> Plan:
    """Check a sweep's options and paths and return its :class:`Plan`.

    ``folder`` defaults to ``STEM-sweep`` in the current folder; ``jobs`` to
    :func:`default_jobs`; ``command`` to this process's command line. Raises
    :class:`SweepUsageError` for options that exclude each other or a path that leads
    nowhere (it would fail every point).
    """
    if backend not in BACKENDS:
        raise SweepUsageError(f"--backend {backend!r}: choose local or dask")
    if scheduler is not None and backend != "dask":
        raise SweepUsageError("--scheduler goes with --backend dask")
    if resume and force:
        raise SweepUsageError("--resume and --force exclude each other")
    check_axes(source, grid)
    source = _with_every_round(source, grid)
    stem = "stdin" if source.name == "<stdin>" else Path(source.name).stem
    return Plan(
        source=source,
        grid=grid,
        folder=Path(folder if folder is not None else f"{stem}-sweep"),
        seed=seed,
        jobs=default_jobs() if jobs is None else jobs,
        backend=backend,
        scheduler=scheduler,
        resume=resume,
        force=force,
        command=list(command) if command is not None else ["negsim", *sys.argv[1:]],
    )


def _with_every_round(source: Source, grid: Grid) -> Source:
    """The source with a ``deal_probability.round.K`` column for every round of the longest
    deadline the grid reaches (a swept ``protocol.deadline``)."""
    from negsim.analysis.metrics import BY_ROUND

    if "protocol.deadline" not in grid.paths or not any(
        name.startswith(BY_ROUND) for name in source.metrics
    ):
        return source
    axis = next(axis for axis in grid.axes if axis.path == "protocol.deadline")
    values = [v for v in axis.values if isinstance(v, int) and not isinstance(v, bool)]
    longest = max(values, default=0)
    present = sum(name.startswith(BY_ROUND) for name in source.metrics)
    if longest <= present:
        return source
    first = next(k for k, name in enumerate(source.metrics) if name.startswith(BY_ROUND))
    names = [n for n in source.metrics if not n.startswith(BY_ROUND)]
    names[first:first] = [f"{BY_ROUND}{k}" for k in range(longest)]
    return dataclasses.replace(source, metrics=tuple(names))


def describe_grid(grid: Grid) -> str:
    """``"12 points (6 × 2)"``, ``"5 points (zipped)"`` or ``"1 point"``."""
    count = f"{grid.size:,} point{'s' if grid.size != 1 else ''}"
    if grid.zip:
        return f"{count} (zipped)"
    if len(grid.shape) == 1:
        return count
    return f"{count} ({' × '.join(str(n) for n in grid.shape)})"


def estimate(source: Source, grid: Grid, jobs: int, samples: int = 3) -> tuple[float, int]:
    """Seconds one point takes (validation and solve, measured on up to ``samples`` points
    spread over the grid), and how many were measured."""
    context = Context(source.data, grid.paths, source.metrics, 0)
    size = grid.size
    picks = sorted({round(k * (size - 1) / max(samples - 1, 1)) for k in range(samples)})
    picks = [p for p in picks if p < size]
    start = time.perf_counter()
    for index in picks:
        evaluate(context, index, grid.point(index))
    return (time.perf_counter() - start) / len(picks), len(picks)


CHECKED_VALUES = 200
"""Values of an axis tried on the scenario before a sweep runs, at most (evenly spread, the
first and last included)."""


def check_axes(source: Source, grid: Grid) -> None:
    """Each axis's values (up to :data:`CHECKED_VALUES` of them), one at a time in the
    scenario, must leave it valid: a path that leads nowhere, a misspelt key (with a "did
    you mean" hint) or a value the format refuses is a :class:`SweepUsageError` naming the
    path and value, before any point runs, instead of a sweep of failed points."""
    from negsim.format.loader import scenario_from_data

    for axis in grid.axes:
        values = list(axis.values)
        if len(values) > CHECKED_VALUES:
            step = (len(values) - 1) / (CHECKED_VALUES - 1)
            values = [values[round(k * step)] for k in range(CHECKED_VALUES)]
        for value in values:
            try:
                scenario_from_data(set_path(source.data, axis.path, value), source.name)
            except PathError as error:
                raise SweepUsageError(f"{source.name}: {error}") from None
            except ScenarioError as error:
                problems = "; ".join(
                    f"{p.path or '(document)'}: {p.message}" for p in error.problems
                )
                raise SweepUsageError(
                    f"{source.name}: {axis.path}={format_swept(value)} makes the scenario "
                    f"invalid: {problems}"
                ) from None


def dry_run_report(plan: Plan) -> str:
    """What ``negsim sweep --dry-run`` prints: the grid and an estimate of the time."""
    grid = plan.grid
    per_point, measured = estimate(plan.source, grid, plan.jobs)
    workers = min(plan.jobs, grid.size)
    total = per_point * grid.size / workers
    return (
        f"{describe_grid(grid)} over {', '.join(grid.paths)}\n"
        f"about {total:.3g} s with {workers} worker{'s' if workers > 1 else ''} "
        f"(one point takes about {per_point * 1000:.3g} ms, measured on {measured})"
    )
