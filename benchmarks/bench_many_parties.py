"""Many parties: whole ``negsim solve`` on 100,000-package scenarios of three to five
parties and 1,000,000-package three-party ones; the Pareto filter alone against the one it
replaced and against NegMAS's.

Scenarios (YAML written to a temporary folder; ``--workdir`` keeps them), every one with
``protocol.lotteries`` stated:

* ``split3``: three parties split one unit, resolution 446 (99,681 packages, every one
  Pareto-optimal), under ``ultimatum`` with ``lotteries: false``, and under the default
  kind (alternating offers, no deadline, default discount 1) with ``lotteries`` false and
  true; ``split3 discounted``: the same with discounts 0.9, 0.8, 0.7 (alternating offers
  without a deadline, so the limit of ever longer deadlines, 16,384 rounds);
* ``split4`` / ``split5``: four parties at resolution 84 (102,340 packages), five at 38
  (101,270), ``ultimatum``, ``lotteries: false``;
* ``additive4`` / ``additive5``: 5 categorical issues of 10 options (100,000 packages),
  weights ``uniform(0.05, 1)`` and values ``uniform(0, 1)`` from
  ``numpy.random.default_rng(seed)``, disagreement ``uniform(0.2, 0.4)``; ``additive3``: 6
  issues of 10 options (1,000,000 packages); ``ultimatum``, ``lotteries: false``.

Whole command: ``negsim solve FILE --format json`` as a process, standard output to
``/dev/null``, wall time and CPU time (user + system, ``os.wait4``), median
(``statistics.median``) of ``--repeat`` runs after one untimed run. Runs use this
environment's ``negsim`` with the bytecode cache on. Two floors come first: importing
the libraries a solve of three or more parties loads (numpy, and scipy's optimize and
spatial for the hull and its linear programs), and the whole command on a 231-package
three-party split.

Pareto filter alone, in process, on the three-party splits of resolution 81, 121, 201 and
446 (3,321 / 7,381 / 20,301 / 99,681 points, all Pareto-optimal): ``pareto_mask`` against
the sort-filter skyline it replaced (``old_pareto_mask`` below, copied from commit
e3dd1aa), and NegMAS's ``negmas.preferences.ops.pareto_frontier_numpy`` (what
``negmas.pareto_frontier`` runs on the utilities it evaluates) on the same points in
NegMAS's environment (``--negmas-python``, default ``.bench-venv/bin/python``, made by
``bench_solve_setup.sh``; ``none`` to skip). Both run in child processes: ``--repeat``
runs, fewer once they add up to ``--max-seconds`` (60); a run longer than
``--old-budget`` / ``--negmas-budget`` seconds (600) is stopped and shown as ``> budget``,
and larger sets are not tried.

Usage::

    python benchmarks/bench_many_parties.py [--repeat 5] [--only solve|filter]

Targets (issue 10): ``split3`` under ``ultimatum`` under 1 s, with the default protocol
under 2 s; ``split4``, ``split5`` (and the additive four and five parties) under 5 s;
``additive3`` (1,000,000 packages) under 5 s.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))

from timing import NEGMAS_PYTHON

ULTIMATUM = "{kind: ultimatum, lotteries: false}"
TARGETS = {"ultimatum": 1.0, "default": 2.0, "many": 5.0}


def split_text(n_parties: int, resolution: int, protocol: str, discounts=None) -> str:
    """A split of one unit among ``n_parties`` (each values its own share linearly)."""
    lines = [
        "negsim: 1",
        f"name: {n_parties}-party split at resolution {resolution}",
        "issues:",
        f"  pie: {{split: {{total: 1}}, resolution: {resolution}}}",
        "parties:",
    ]
    for k in range(n_parties):
        lines.append(
            f"  p{k}: {{}}" if discounts is None else f"  p{k}: {{discount: {discounts[k]}}}"
        )
    lines.append(f"protocol: {protocol}")
    return "\n".join(lines) + "\n"


def additive_text(n_parties: int, n_issues: int, n_options: int, seed: int) -> str:
    """Random linear-additive categorical scenario (module docstring)."""
    rng = np.random.default_rng(seed)
    options = ", ".join(f"o{j}" for j in range(n_options))
    lines = [
        "negsim: 1",
        f"name: {n_parties} parties, {n_issues} issues x {n_options} options (seed {seed})",
        "issues:",
        *(f"  i{k}: {{options: [{options}]}}" for k in range(n_issues)),
        "parties:",
    ]
    for p in range(n_parties):
        weights = rng.uniform(0.05, 1.0, n_issues)
        lines += [
            f"  p{p}:",
            "    weights: {" + ", ".join(f"i{k}: {w:.6f}" for k, w in enumerate(weights)) + "}",
            "    values:",
        ]
        for k in range(n_issues):
            values = rng.uniform(0.0, 1.0, n_options)
            pairs = ", ".join(f"o{j}: {v:.6f}" for j, v in enumerate(values))
            lines.append(f"      i{k}: {{{pairs}}}")
        lines.append(f"    disagreement: {rng.uniform(0.2, 0.4):.4f}")
    lines.append(f"protocol: {ULTIMATUM}")
    return "\n".join(lines) + "\n"


def solve_cases(seed: int) -> list[tuple[str, str, float | None]]:
    """(label, YAML text, target seconds) of every whole-command case."""
    return [
        ("split3, 99,681, ultimatum", split_text(3, 446, ULTIMATUM), TARGETS["ultimatum"]),
        (
            "split3, 99,681, alternating offers, lotteries false",
            split_text(3, 446, "{lotteries: false}"),
            TARGETS["default"],
        ),
        (
            "split3, 99,681, alternating offers, lotteries true",
            split_text(3, 446, "{lotteries: true}"),
            TARGETS["default"],
        ),
        (
            "split3 discounted, 99,681, alternating offers, lotteries false",
            split_text(3, 446, "{lotteries: false}", (0.9, 0.8, 0.7)),
            None,
        ),
        ("split4, 102,340, ultimatum", split_text(4, 84, ULTIMATUM), TARGETS["many"]),
        ("split5, 101,270, ultimatum", split_text(5, 38, ULTIMATUM), TARGETS["many"]),
        ("additive4, 100,000, ultimatum", additive_text(4, 5, 10, seed), TARGETS["many"]),
        ("additive5, 100,000, ultimatum", additive_text(5, 5, 10, seed), TARGETS["many"]),
        ("additive3, 1,000,000, ultimatum", additive_text(3, 6, 10, seed), TARGETS["many"]),
    ]


def run_command(command: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds of one run, standard output to ``/dev/null``."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    with open(os.devnull, "wb") as sink, tempfile.TemporaryFile() as errors:
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=sink, stderr=errors, env=env)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        if os.waitstatus_to_exitcode(status) != 0:
            errors.seek(0)
            raise RuntimeError(f"{' '.join(command)}: {errors.read().decode()[-2000:]}")
    return wall, usage.ru_utime + usage.ru_stime


def bench_solve(args: argparse.Namespace, workdir: Path) -> None:
    negsim = str(Path(sys.executable).with_name("negsim"))
    warm = workdir / "warm.yaml"
    warm.write_text(split_text(3, 21, ULTIMATUM), encoding="utf-8")
    run_command([negsim, "solve", str(warm), "--format", "json"])
    print(f"Whole `negsim solve FILE --format json > /dev/null`, median of {args.repeat} runs\n")
    print("| scenario | packages | wall median s | wall min s | CPU median s | target s |")
    print("|---|---:|---:|---:|---:|---:|")
    floors = (
        ("floor: `import numpy, scipy.optimize, scipy.spatial`", "", [sys.executable, "-c", (
            "import numpy, scipy.optimize, scipy.spatial")]),
        ("floor: split3 at resolution 21, ultimatum", "231", [
            negsim, "solve", str(warm), "--format", "json"]),
    )  # fmt: skip
    for label, size, command in floors:
        runs = [run_command(command) for _ in range(args.repeat)]
        walls, cpus = [w for w, _ in runs], [c for _, c in runs]
        print(
            f"| {label} | {size} | {statistics.median(walls):.2f} | {min(walls):.2f} | "
            f"{statistics.median(cpus):.2f} | |",
            flush=True,
        )
    for index, (label, text, target) in enumerate(solve_cases(args.seed)):
        path = workdir / f"case{index}.yaml"
        path.write_text(text, encoding="utf-8")
        command = [negsim, "solve", str(path), "--format", "json"]
        run_command(command)
        runs = [run_command(command) for _ in range(args.repeat)]
        walls, cpus = [w for w, _ in runs], [c for _, c in runs]
        name, size, rest = label.split(", ", 2)
        print(
            f"| {name}, {rest} | {size} | {statistics.median(walls):.2f} | {min(walls):.2f} | "
            f"{statistics.median(cpus):.2f} | {'' if target is None else f'{target:g}'} |",
            flush=True,
        )


# --------------------------------------------------------------------------------------------
# The Pareto filter alone


def simplex(n_parties: int, resolution: int) -> np.ndarray:
    """Every split of one unit on the grid, ``(n_parties, n)``, in negsim's order."""
    steps = resolution - 1
    first, second = np.triu_indices(steps + 1)
    if n_parties != 3:
        raise ValueError("three parties only")
    shares = np.stack([first, second - first, steps - second])
    return shares / steps


TOLERANCE = 1e-9
SKYLINE_BLOCK = 512


def _dominates(better: np.ndarray, worse: np.ndarray, tolerance: float) -> np.ndarray:
    at_least = np.all(better[:, :, None] >= worse[:, None, :] - tolerance, axis=0)
    above = np.any(better[:, :, None] > worse[:, None, :] + tolerance, axis=0)
    return at_least & above


def _old_pareto_many(utilities: np.ndarray, tolerance: float) -> np.ndarray:
    n_points = utilities.shape[1]
    order = np.argsort(-utilities.sum(axis=0), kind="stable")
    skyline: list[int] = []
    skyline_utilities = np.empty((utilities.shape[0], 0))
    for start in range(0, n_points, SKYLINE_BLOCK):
        block = order[start : start + SKYLINE_BLOCK]
        block_utilities = utilities[:, block]
        alive = ~_dominates(skyline_utilities, block_utilities, tolerance).any(axis=0)
        block, block_utilities = block[alive], block_utilities[:, alive]
        alive = ~_dominates(block_utilities, block_utilities, tolerance).any(axis=0)
        skyline.extend(block[alive].tolist())
        skyline_utilities = np.concatenate([skyline_utilities, block_utilities[:, alive]], axis=1)
    survivors = np.asarray(skyline, dtype=np.int64)
    survivor_utilities = utilities[:, survivors]
    alive = np.ones(survivors.size, dtype=bool)
    for start in range(0, survivors.size, SKYLINE_BLOCK):
        rows = slice(start, start + SKYLINE_BLOCK)
        alive[rows] &= ~_dominates(survivor_utilities, survivor_utilities[:, rows], tolerance).any(
            axis=0
        )
    mask = np.zeros(n_points, dtype=bool)
    mask[survivors[alive]] = True
    return mask


def old_pareto_mask(utilities: np.ndarray, tolerance: float = TOLERANCE) -> np.ndarray:
    """The many-party path of ``pareto_mask`` before issue 10 (commit e3dd1aa): a random
    sample's skyline as witnesses, then the sort-filter skyline in blocks of 512."""
    n_parties, n_points = utilities.shape
    candidates = np.arange(n_points)
    if n_points >= 4096:
        rng = np.random.default_rng(0)
        sample = np.concatenate([rng.integers(0, n_points, 65536), np.argmax(utilities, axis=1)])
        witnesses = sample[_old_pareto_many(utilities[:, sample], tolerance)]
        alive = np.ones(n_points, dtype=bool)
        for witness in witnesses[:64]:
            beaten = np.ones(n_points, dtype=bool)
            for party in range(n_parties):
                beaten &= utilities[party] <= utilities[party, witness] - 2 * tolerance
            alive &= ~beaten
        alive[witnesses] = True
        candidates = np.flatnonzero(alive)
    mask = np.zeros(n_points, dtype=bool)
    mask[candidates[_old_pareto_many(utilities[:, candidates], tolerance)]] = True
    return mask


def worker(kind: str, path: str, repeat: int, max_seconds: float) -> None:
    """In a child process: time one filter on the points in ``path`` (``.npy``,
    ``(3, n)``), ``repeat`` runs or fewer once they add up to ``max_seconds``, and print
    JSON ``{"times", "size"}``. ``negmas`` runs in NegMAS's environment."""
    points = np.load(path)
    if kind == "negmas":
        import warnings

        warnings.filterwarnings("ignore")
        from negmas.preferences.ops import pareto_frontier_numpy

        def run() -> int:
            return len(pareto_frontier_numpy(points.T))  # NegMAS: one row per outcome
    else:

        def run() -> int:
            return int(old_pareto_mask(points).sum())

    times: list[float] = []
    size = 0
    while len(times) < repeat and sum(times) <= max_seconds:
        started = time.perf_counter()
        size = run()
        times.append(time.perf_counter() - started)
    print(json.dumps({"times": times, "size": size}))


Found = tuple[float | None, int | None, int]
"""Median seconds, frontier size and number of runs of a worker (no time: cut short)."""


def child(command: list[str], budget: float, max_seconds: float) -> Found:
    """A worker's :data:`Found`; stopped when a run is still going after ``budget``
    seconds (the worker stops repeating once its runs add up to ``max_seconds``)."""
    try:
        output = subprocess.run(
            [*command, "--max-seconds", str(max_seconds)],
            check=True,
            capture_output=True,
            text=True,
            timeout=budget + max_seconds,
        ).stdout
    except subprocess.TimeoutExpired:
        return None, None, 0
    found = json.loads(output.strip().splitlines()[-1])
    return statistics.median(found["times"]), found["size"], len(found["times"])


def bench_filter(args: argparse.Namespace, workdir: Path) -> None:
    from negsim.solvers.frontier import pareto_mask

    negmas_python = None if args.negmas_python == "none" else args.negmas_python
    if negmas_python and not Path(negmas_python).exists():
        print(f"(NegMAS skipped: {negmas_python} not found; see bench_solve_setup.sh)\n")
        negmas_python = None
    print(f"Pareto filter alone, three-party splits (all efficient), medians of {args.repeat}\n")
    print("| points | negsim s | old s | old / negsim | NegMAS s | NegMAS / negsim | sizes agree |")
    print("|---:|---:|---:|---:|---:|---:|---|")
    pareto_mask(simplex(3, 81))  # untimed: first calls
    timed_out = {"old": False, "negmas": False}
    for resolution in (81, 121, 201, 446):
        points = simplex(3, resolution)
        n = points.shape[1]
        ours = statistics.median(time_call(pareto_mask, points) for _ in range(args.repeat))
        size = int(pareto_mask(points).sum())
        file = workdir / f"points{n}.npy"
        np.save(file, points)
        found: dict[str, Found] = {}
        for kind, python, budget in (
            ("old", sys.executable, args.old_budget),
            ("negmas", negmas_python, args.negmas_budget),
        ):
            found[kind] = (None, None, 0)
            if python and not timed_out[kind]:
                command = [python, __file__, "--worker", kind, str(file)]
                command += ["--repeat", str(args.repeat)]
                found[kind] = child(command, budget, args.max_seconds)
                timed_out[kind] = found[kind][0] is None
        sizes = [size] + [s for _, s, _ in found.values() if s is not None]
        old, negmas = found["old"], found["negmas"]
        print(
            f"| {n:,} | {ours:.3f} | {cell(old, args.old_budget, args.repeat)} | "
            f"{ratio(old[0], ours)} | {cell(negmas, args.negmas_budget, args.repeat)} | "
            f"{ratio(negmas[0], ours)} | "
            f"{'yes' if len(set(sizes)) == 1 else sizes} ({size:,}) |",
            flush=True,
        )


def time_call(function, points: np.ndarray) -> float:
    started = time.perf_counter()
    function(points)
    return time.perf_counter() - started


def cell(found: Found, budget: float, repeat: int | None = None) -> str:
    """A median, with its number of runs when a budget cut them short."""
    seconds, _, runs = found
    if seconds is None:
        return f"> {budget:g}"
    return f"{seconds:.3f}" + (f" ({runs} run{'s' * (runs > 1)})" if runs < (repeat or 0) else "")


def ratio(other: float | None, ours: float) -> str:
    return "—" if other is None else f"{other / ours:,.0f}x"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--only", choices=["solve", "filter"])
    parser.add_argument("--old-budget", type=float, default=600.0, help="seconds (600)")
    parser.add_argument("--negmas-budget", type=float, default=600.0, help="seconds (600)")
    parser.add_argument(
        "--max-seconds", type=float, default=60.0, help="stop repeating past this (60)"
    )
    parser.add_argument("--negmas-python", default=str(NEGMAS_PYTHON))
    parser.add_argument("--workdir", help="keep the generated files here")
    parser.add_argument("--worker", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(*args.worker, args.repeat, args.max_seconds)
        return
    with tempfile.TemporaryDirectory() as scratch:
        workdir = Path(args.workdir or scratch)
        workdir.mkdir(parents=True, exist_ok=True)
        load = os.getloadavg()[0]
        print(f"load average {load:.1f} on {os.cpu_count()} cores at the start\n")
        if args.only in (None, "solve"):
            bench_solve(args, workdir)
            print()
        if args.only in (None, "filter"):
            bench_filter(args, workdir)


if __name__ == "__main__":
    main()
