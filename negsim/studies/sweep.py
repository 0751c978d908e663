"""``negsim sweep``: solve a scenario at every point of a parameter grid, losing nothing.

The output folder holds ``results.csv`` (one row per point, written and flushed as points
finish, sorted by point once the sweep completes), ``manifest.json`` (version, command line,
scenario SHA-256, grid, seed, times, counts) and ``scenario.yaml``, a byte copy of the
scenario. ``docs/sweep.md`` documents the columns and the choices made here.

A point is evaluated by :func:`evaluate`: set the swept paths on a copy of the scenario's
data (:func:`negsim.format.paths.set_path`), validate it like a file
(:func:`negsim.format.loader.scenario_from_data`), solve it
(:func:`negsim.analysis.pipeline.solve`) and format one CSV row. The row depends only on the
point, never on the worker, the backend or the order of completion, so results are identical
for any ``-j`` and backend.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from negsim.errors import ScenarioError
from negsim.progress import ProgressBar
from negsim.studies.grid import Grid, Value
from negsim.studies.sweep_folder import (
    FolderBusy,
    csv_line,
    die_with_parent,
    folder_lock,
    json_kind,
    write_atomic,
    write_json,
    write_rows,
)
from negsim.version import __version__

RESULTS = "results.csv"
MANIFEST = "manifest.json"
SCENARIO_COPY = "scenario.yaml"
OWN_FILES = (RESULTS, MANIFEST, SCENARIO_COPY)
STATUSES = ("ok", "error")
WINDOW_PER_WORKER = 4
"""Points in flight per worker: enough to keep workers busy, few enough that a kill loses
little."""


SINGLE_THREAD = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
"""Set to 1 in local worker processes: parallelism comes from the workers."""


class SweepError(Exception):
    """A sweep that cannot start or go on (a dead worker, an unreachable scheduler)."""


class FolderError(SweepError):
    """The output folder does not allow this sweep (not empty, a mismatched resume): a usage
    error."""


# --------------------------------------------------------------------------------------------
# The scenario and the columns


@dataclass(frozen=True, slots=True)
class Source:
    """The swept scenario: its plain data, its bytes (for the copy and the SHA-256) and
    the metrics its points report (:func:`negsim.analysis.metrics.metric_names`)."""

    name: str
    raw: bytes
    data: dict[str, Any]
    metrics: tuple[str, ...]
    labels: dict[str, Any] = field(default_factory=dict)
    """The scenario's labels and units (:func:`negsim.format.labels.scenario_labels`)."""

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.raw).hexdigest()


def columns(paths: Sequence[str], metrics: Sequence[str]) -> list[str]:
    """The header of ``results.csv``: the point, the swept values, the status, every
    metric, the error."""
    return ["point", *paths, "status", *metrics, "error"]


def format_value(value: Any) -> str:
    """A cell: floats as ``repr`` (exact round trip), ``true``/``false``, empty for None."""
    if value is None:
        return ""
    if isinstance(value, bool | np.bool_):
        return "true" if value else "false"
    if isinstance(value, int | np.integer):
        return str(int(value))
    if isinstance(value, float | np.floating):
        return repr(float(value) + 0.0)
    return str(value)


def format_swept(value: Value) -> str:
    """A swept value's cell; ``null`` for None so it differs from a missing value."""
    return "null" if value is None else format_value(value)


def point_seed(entropy: int, index: int) -> np.random.SeedSequence:
    """The seed of point ``index``: child ``index`` of ``SeedSequence(entropy)``, the same as
    ``SeedSequence(entropy).spawn(n)[index]`` for any ``n > index``, whoever computes it."""
    return np.random.SeedSequence(entropy, spawn_key=(index,))


# --------------------------------------------------------------------------------------------
# One point


@dataclass(frozen=True, slots=True)
class Context:
    """What every worker needs to evaluate points: sent once per worker, not per point."""

    data: dict[str, Any]
    paths: tuple[str, ...]
    metrics: tuple[str, ...]
    entropy: int


def _message(error: BaseException) -> str:
    if isinstance(error, ScenarioError):
        text = "invalid scenario: " + "; ".join(
            f"{p.path or '(document)'}: {p.message}" for p in error.problems
        )
    else:
        text = f"{type(error).__name__}: {error}"
    return " ".join(text.split())  # one line: rows stay one per line


def evaluate(context: Context, index: int, values: Sequence[Value]) -> list[str]:
    """The ``results.csv`` row of point ``index`` with the swept ``values``.

    Never raises for a bad point: an invalid scenario or a failed solve gives a row with
    status ``error`` and the message.
    """
    from negsim.analysis.metrics import metrics
    from negsim.analysis.pipeline import solve
    from negsim.format.loader import scenario_from_data
    from negsim.format.paths import PathError, set_path

    head = [str(index), *(format_swept(v) for v in values)]
    try:
        data = context.data
        for path, value in zip(context.paths, values, strict=True):
            data = set_path(data, path, value)
        scenario = scenario_from_data(data, f"point {index}")
        _seed = point_seed(context.entropy, index)  # for points that simulate; solve does not
        analysis = solve(scenario)
    except (ScenarioError, PathError, ArithmeticError, ValueError, RuntimeError, MemoryError,
            TypeError, KeyError, IndexError) as error:  # fmt: skip
        return [*head, "error", *([""] * len(context.metrics)), _message(error)]
    found = metrics(analysis)
    return [*head, "ok", *(format_value(found.get(name)) for name in context.metrics), ""]


# Worker processes keep the context in a global, set once by the pool's initializer.
_CONTEXT: Context | None = None


def _init_worker(context: Context) -> None:
    global _CONTEXT
    die_with_parent()
    _CONTEXT = context


def _evaluate_in_worker(index: int, values: tuple[Value, ...]) -> tuple[int, list[str]]:
    assert _CONTEXT is not None, "worker not initialised"
    return index, evaluate(_CONTEXT, index, values)


def _evaluate_task(
    context: Context, index: int, values: tuple[Value, ...]
) -> tuple[int, list[str]]:
    return index, evaluate(context, index, values)


# --------------------------------------------------------------------------------------------
# Backends: each yields (index, row) as points finish, in any order


Points = Iterable[tuple[int, tuple[Value, ...]]]


def run_inline(context: Context, points: Points) -> Iterator[tuple[int, list[str]]]:
    """Every point in this process, in order (``-j 1``)."""
    for index, values in points:
        yield index, evaluate(context, index, values)


def run_local(context: Context, points: Points, jobs: int) -> Iterator[tuple[int, list[str]]]:
    """``jobs`` worker processes; at most ``WINDOW_PER_WORKER * jobs`` points in flight.

    The workers start (and the first points are submitted) before this returns.
    """
    import multiprocessing

    # Fresh (spawned) workers with single-threaded BLAS: a forked copy of a process whose
    # BLAS runs one thread per core oversubscribes the cores, and -j 2 gains nothing.
    saved = {name: os.environ.get(name) for name in SINGLE_THREAD}
    os.environ.update(dict.fromkeys(SINGLE_THREAD, "1"))
    try:
        pool = ProcessPoolExecutor(
            max_workers=jobs,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_init_worker,
            initargs=(context,),
        )
        window = WINDOW_PER_WORKER * jobs
        todo = iter(points)
        pending: set[Future[tuple[int, list[str]]]] = set()
        for index, values in todo:  # workers start here, with the environment above
            pending.add(pool.submit(_evaluate_in_worker, index, values))
            if len(pending) >= window:
                break
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    return _drain(pool, pending, todo, window)


def _drain(
    pool: ProcessPoolExecutor,
    pending: set[Future[tuple[int, list[str]]]],
    todo: Iterator[tuple[int, tuple[Value, ...]]],
    window: int,
) -> Iterator[tuple[int, list[str]]]:
    try:
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in sorted(done, key=lambda f: f.result()[0]):
                yield future.result()
            for index, values in todo:
                pending.add(pool.submit(_evaluate_in_worker, index, values))
                if len(pending) >= window:
                    break
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def run_dask(
    context: Context, points: Points, jobs: int, scheduler: str | None
) -> Iterator[tuple[int, list[str]]]:
    """The points on a Dask distributed cluster: the one at ``scheduler``, or a local
    cluster of ``jobs`` single-threaded worker processes on 127.0.0.1."""
    try:
        from distributed import Client, LocalCluster, as_completed
    except ImportError:
        raise SweepError(
            "--backend dask needs the dask extra: pip install 'negsim[dask]'"
        ) from None
    cluster = None
    try:
        if scheduler is None:
            cluster = LocalCluster(
                n_workers=jobs,
                threads_per_worker=1,
                processes=True,
                host="127.0.0.1",
                dashboard_address=None,
            )
            client = Client(cluster)
        else:
            client = Client(scheduler, timeout="30s")
    except (OSError, TimeoutError) as error:
        if cluster is not None:
            cluster.close()
        raise SweepError(f"cannot reach the Dask scheduler {scheduler}: {error}") from None
    try:
        n_workers = max(1, len(client.scheduler_info().get("workers", {})) or jobs)
        window = WINDOW_PER_WORKER * n_workers
        [shared] = client.scatter([context], broadcast=True)
        todo = iter(points)
        queue = as_completed()
        in_flight = 0
        for index, values in todo:
            queue.add(client.submit(_evaluate_task, shared, index, values, pure=False))
            in_flight += 1
            if in_flight >= window:
                break
        for future in queue:
            result = future.result()
            in_flight -= 1
            yield result
            for index, values in todo:
                queue.add(client.submit(_evaluate_task, shared, index, values, pure=False))
                in_flight += 1
                break
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


# --------------------------------------------------------------------------------------------
# The output folder


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _read_rows(path: Path, header: list[str], size: int) -> dict[int, list[str]]:
    """The complete, valid rows of a (possibly killed) ``results.csv``, by point; the first
    row of a point wins. A last line without its newline (cut by a kill) is dropped."""
    text = path.read_text(encoding="utf-8")
    cut = text.rfind("\n")
    text = text[: cut + 1] if cut >= 0 else ""
    reader = csv.reader(io.StringIO(text))
    first = next(reader, None)
    if first is None:
        return {}
    if first != header:
        raise FolderError(f"{path}: its columns are not this sweep's; use --force to start over")
    rows: dict[int, list[str]] = {}
    for row in reader:
        if len(row) != len(header) or not row[0].isdigit():
            continue
        index = int(row[0])
        if index < size and row[header.index("status")] in STATUSES:
            rows.setdefault(index, row)
    return rows


def _stream(
    plan: Plan, context: Context, todo: list[tuple[int, tuple[Value, ...]]]
) -> Iterator[tuple[int, list[str]]]:
    """The rows of the points still to do, from the plan's backend, as they finish."""
    if not todo:
        return iter(())
    if plan.backend == "dask":
        return run_dask(context, todo, plan.jobs, plan.scheduler)
    if plan.jobs <= 1 or len(todo) == 1:
        return run_inline(context, todo)
    return run_local(context, todo, min(plan.jobs, len(todo)))


@dataclass
class Summary:
    """What a finished sweep did."""

    folder: Path
    points: int
    counts: dict[str, int]
    skipped: int
    seconds: float
    manifest: dict[str, Any] = field(default_factory=dict)

    @property
    def failed(self) -> int:
        return self.counts.get("error", 0)

    def describe(self) -> str:
        """``"12 ok, 0 failed, 4 already done; wrote DIR/results.csv"``."""
        skipped = f", {self.skipped:,} already done" if self.skipped else ""
        return (
            f"{self.counts['ok']:,} ok, {self.failed:,} failed{skipped}; "
            f"wrote {self.folder / RESULTS}"
        )


@dataclass
class Plan:
    """A sweep to run: what, where and how."""

    source: Source
    grid: Grid
    folder: Path
    seed: int | None = None
    jobs: int = 1
    backend: str = "local"
    scheduler: str | None = None
    resume: bool = False
    force: bool = False
    command: list[str] = field(default_factory=list)


def _prepare(plan: Plan, header: list[str]) -> tuple[dict[str, Any], dict[int, list[str]]]:
    """Check the folder rules; return the manifest to write and the rows already done."""
    folder = plan.folder
    entries = sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []
    grid = plan.grid.to_dict()
    manifest: dict[str, Any] = {
        "negsim_version": __version__,
        "command": plan.command,
        "scenario": plan.source.name,
        "scenario_copy": SCENARIO_COPY,
        "scenario_sha256": plan.source.sha256,
        "grid": grid,
        "zip": plan.grid.zip,
        "points": plan.grid.size,
        "columns": header,
        "seed": plan.seed,
        "backend": plan.backend,
        "jobs": plan.jobs,
        "started": _now(),
        "finished": None,
        "counts": dict.fromkeys(STATUSES, 0),
        "resumed": [],
        "seconds": None,
        "labels": plan.source.labels,
    }
    unstarted = all(name == SCENARIO_COPY or name.endswith(".tmp") for name in entries)
    if entries and plan.resume and unstarted and not (folder / MANIFEST).exists():
        return manifest, {}  # killed before anything but its scenario copy: start afresh
    if entries and plan.resume:
        manifest_path = folder / MANIFEST
        if not manifest_path.is_file():
            raise FolderError(f"{folder} holds no {MANIFEST}: not a sweep to resume")
        try:
            old = json.loads(manifest_path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise FolderError(f"{manifest_path}: cannot read it: {error}") from None
        if not isinstance(old, dict):
            raise FolderError(
                f"{manifest_path}: not a sweep manifest (a JSON object was expected, found "
                f"{json_kind(old)}); use --force to start over"
            )
        resumed = old.get("resumed", [])
        for key, what in (
            ("scenario_sha256", "the scenario file differs"),
            ("grid", "the grid differs"),
            ("zip", "the grid differs (--zip)"),
            ("columns", "the columns differ"),
        ):
            if old.get(key) != manifest[key]:
                raise FolderError(
                    f"cannot resume the sweep in {folder}: {what}; use --force to start over"
                )
        if plan.seed is not None and old.get("seed") != plan.seed:
            raise FolderError(
                f"cannot resume the sweep in {folder}: it used --seed {old.get('seed')}, "
                f"not {plan.seed}"
            )
        manifest["seed"] = old.get("seed")
        manifest["started"] = old.get("started", manifest["started"])
        manifest["resumed"] = [*(resumed if isinstance(resumed, list) else []), _now()]
        results = folder / RESULTS
        rows = _read_rows(results, header, plan.grid.size) if results.is_file() else {}
        return manifest, rows
    if entries and not plan.force:
        raise FolderError(
            f"{folder} is not empty; use --resume to continue the sweep in it or --force "
            "to overwrite it"
        )
    return manifest, {}


def run_sweep(
    plan: Plan,
    *,
    progress: Callable[[int, int], ProgressBar] | None = None,
    on_row: Callable[[int, list[str]], None] | None = None,
) -> Summary:
    """Run (or resume) ``plan``: write the output folder and return the counts.

    ``progress`` makes a progress bar from the number of points to run and the number
    already done (``negsim.present.terminal.progress.SweepProgress`` draws one on standard
    error); it is advanced once a point and closed at the end.

    ``on_row`` is called after each row is written and flushed (tests use it to stop a
    sweep mid-way).
    """
    folder = plan.folder
    if folder.exists() and not folder.is_dir():
        raise FolderError(f"{folder} exists and is not a folder")
    folder.mkdir(parents=True, exist_ok=True)
    try:
        with folder_lock(folder):
            return _run_locked(plan, progress, on_row)
    except FolderBusy as error:
        raise FolderError(str(error)) from None


def _run_locked(
    plan: Plan,
    progress: Callable[[int, int], ProgressBar] | None,
    on_row: Callable[[int, list[str]], None] | None,
) -> Summary:
    """:func:`run_sweep` once the folder is locked."""
    source, grid, folder = plan.source, plan.grid, plan.folder
    header = columns(grid.paths, source.metrics)
    manifest, done = _prepare(plan, header)
    if manifest["seed"] is None:
        manifest["seed"] = int(np.random.SeedSequence().entropy)  # type: ignore[arg-type]
    write_json(folder / MANIFEST, manifest)  # first: a folder with a manifest can resume
    write_atomic(folder / SCENARIO_COPY, source.raw)
    results = folder / RESULTS
    write_rows(results, header, done)  # a clean start: only complete, valid rows

    context = Context(
        data=source.data,
        paths=grid.paths,
        metrics=source.metrics,
        entropy=int(manifest["seed"]),
    )
    todo = [(i, v) for i, v in enumerate(grid.points()) if i not in done]
    status_at = header.index("status")
    counts = dict.fromkeys(STATUSES, 0)
    for row in done.values():
        counts[row[status_at]] += 1
    start = time.perf_counter()
    stream = _stream(plan, context, todo)

    bar = None if progress is None else progress(len(todo), grid.size - len(todo))
    try:
        with results.open("a", encoding="utf-8", newline="") as handle:
            for index, row in stream:
                handle.write(csv_line(row))
                handle.flush()
                counts[row[status_at]] += 1
                done[index] = row
                if bar is not None:
                    bar.advance()
                if on_row is not None:
                    on_row(index, row)
    except OSError as error:
        raise SweepError(f"cannot write {results}: {error.strerror or error}") from None
    except Exception as error:
        if type(error).__module__.startswith("concurrent.futures"):
            raise SweepError(f"a worker process died: {error}") from None
        raise
    finally:
        if bar is not None:
            bar.close()
    write_rows(results, header, done)
    seconds = time.perf_counter() - start
    manifest["finished"] = _now()
    manifest["counts"] = counts
    manifest["seconds"] = round(seconds, 3)
    write_json(folder / MANIFEST, manifest)
    return Summary(
        folder=folder,
        points=grid.size,
        counts=counts,
        skipped=grid.size - len(todo),
        seconds=seconds,
        manifest=manifest,
    )
