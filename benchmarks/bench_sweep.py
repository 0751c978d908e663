"""Sweep overhead and throughput on the bundled Venezuela scenario.

    python benchmarks/bench_sweep.py [--points N]

Reports (1) the per-point overhead: everything ``negsim.studies.sweep.evaluate`` does besides
``solve`` (setting paths, validating, formatting the row), as a share of the solve time,
and the main process's cost of writing and flushing a row; (2) points per second for
``-j 1``, ``-j 2`` and a Dask LocalCluster of two workers (when dask is installed),
end to end (including starting the workers), on the same grid. The default of 1200 points
(about 20 s with one worker) is a sweep long enough that starting the spawned workers
(about half a second) does not dominate; ``--points 400`` shows its weight on a short one.
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import tempfile
import time
from pathlib import Path

from negsim.analysis.pipeline import solve
from negsim.format.loader import scenario_from_data
from negsim.format.paths import set_path
from negsim.studies.grid import build_grid
from negsim.studies.sweep import Context, Plan, _csv_line, evaluate, run_sweep
from negsim.studies.sweep_plan import read_source

SCENARIO = "venezuela-2025"


def overhead(repeats: int = 40) -> None:
    source = read_source(SCENARIO)
    grid = build_grid(["protocol.deadline=7", "parties.maduro.discount=0.95"])
    context = Context(source.data, grid.paths, source.party_names, source.uncertainty, 0)
    values = grid.point(0)
    data = source.data
    for path, value in zip(grid.paths, values, strict=True):
        data = set_path(data, path, value)
    scenario = scenario_from_data(data)
    evaluate(context, 0, values)
    solve(scenario)
    whole, solving, write = [], [], []
    for _ in range(repeats):
        t = time.perf_counter()
        row = evaluate(context, 0, values)
        whole.append(time.perf_counter() - t)
        t = time.perf_counter()
        solve(scenario)
        solving.append(time.perf_counter() - t)
        with tempfile.TemporaryFile("w") as handle:
            t = time.perf_counter()
            handle.write(_csv_line(row))
            handle.flush()
            write.append(time.perf_counter() - t)
    point, base, row_cost = (statistics.median(x) for x in (whole, solving, write))
    extra = point - base + row_cost
    print(f"solve {base * 1e3:.2f} ms; evaluate {point * 1e3:.2f} ms; "
          f"write+flush {row_cost * 1e3:.3f} ms")  # fmt: skip
    print(f"overhead per point {extra * 1e3:.2f} ms = {extra / base:.1%} of the solve time")


def throughput(points: int) -> None:
    source = read_source(SCENARIO)
    deadlines = max(1, points // 4)
    grid = build_grid([f"protocol.deadline=1:{deadlines}", "parties.maduro.discount=0.9:0.99:0.03"])
    backends = [("-j 1", "local", 1), ("-j 2", "local", 2)]
    if importlib.util.find_spec("distributed") is not None:
        backends.append(("dask local, 2 workers", "dask", 2))
    else:
        print("dask: not installed, skipped")
    rates = {}
    outputs = {}
    for label, backend, jobs in backends:
        with tempfile.TemporaryDirectory() as tmp:
            plan = Plan(source, grid, Path(tmp) / "out", seed=1, jobs=jobs, backend=backend)
            t = time.perf_counter()
            run_sweep(plan)
            seconds = time.perf_counter() - t
            outputs[label] = (Path(tmp) / "out" / "results.csv").read_bytes()
        rates[label] = grid.size / seconds
        print(f"{label}: {grid.size} points in {seconds:.2f} s = {rates[label]:.1f} points/s")
    print(f"speed-up -j 2 / -j 1: {rates['-j 2'] / rates['-j 1']:.2f}x")
    same = len(set(outputs.values())) == 1
    print(f"results.csv byte-identical across backends: {same}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--points", type=int, default=1200)
    args = parser.parse_args()
    overhead()
    throughput(args.points)


if __name__ == "__main__":
    main()
