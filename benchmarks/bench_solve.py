"""``negsim solve`` against NegMAS's Pareto frontier + Nash point, on the same scenarios.

What is compared
----------------
* **negsim**: the whole ``solve`` analysis (outcome space, individual rationality, Pareto
  frontier, hull, the four bargaining solutions, and whatever else ``negsim solve`` computes).
* **NegMAS** (a peer library, installed only in a separate virtual environment for this
  benchmark, never a dependency of negsim): ``negmas.pareto_frontier(ufuns, issues=...)``
  followed by ``negmas.nash_points(ufuns, frontier, ...)``, nothing else.

Scenarios
---------
* **Synthetic** two-party linear-additive scenarios, ``n`` issues x 10 options: 1e3 (3
  issues) to 1e6 (6 issues), and 1e7 (7 issues) for negsim (NegMAS too when
  ``--negmas-1e7``, or when its 1e6 time x 10 fits ``--negmas-budget``). Weights and values
  are drawn from ``numpy.random.default_rng(seed)`` (:func:`synthetic_spec`); the same numbers
  go to a negsim YAML file and to a JSON file from which the NegMAS worker builds
  ``LinearAdditiveUtilityFunction`` objects over the same outcome space.
* **GENIUS** domains in ``--genius-dir`` (default ``$NEGSIM_GENIUS_DIR``) that both tools
  read: negsim reads the YAML written by ``benchmarks/genius.py``; NegMAS reads the XML files
  with its own loader ``negmas.inout.Scenario.from_genius_files`` and the worker then applies
  GENIUS's normalization (see ``bench_solve_negmas.py``), so both work on the same numbers.

How it is timed
---------------
* **whole process**: ``negsim solve FILE --format json > /dev/null`` against
  ``python benchmarks/bench_solve_negmas.py run ...`` (imports, load, frontier, Nash).
  Wall time by ``time.perf_counter`` around ``subprocess``; the peak resident size of the
  child comes from ``os.wait4``.
* **in process**: one child process per case imports the library once and then times only
  the library calls (load the scenario + analyse), ``--repeat`` times, a fresh scenario
  object each time (no cached results between repeats).
* Every figure is the median (``statistics.median``) of ``--repeat`` runs; a measurement
  whose runs add up to more than ``--max-seconds`` stops early (at least one run), and the
  number of runs is shown. Ratios are NegMAS time / negsim time (above 1: negsim faster).

Agreement checks: on every case both run, the Nash point utilities (NegMAS with its
disagreement point set to the reservation values, negsim's convention; and NegMAS's default,
which raises a reservation value below a party's minimum utility to that minimum) and the
number of Pareto-optimal individually rational packages (negsim's count, negsim's count of
distinct utility vectors, NegMAS's frontier size, which drops exact duplicates).

Usage (see benchmarks/README.md; ``bench_solve_setup.sh`` makes the NegMAS venv)::

    python benchmarks/bench_solve.py                    # everything, a few minutes
    python benchmarks/bench_solve.py --quick            # 3 runs, no 1e7, NegMAS up to 1e5
    python benchmarks/bench_solve.py --only synthetic --sizes 1e3 1e6 --repeat 7

This module imports only the standard library and numpy at the top, so the NegMAS worker
(another virtual environment) imports :func:`synthetic_spec` from it.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from timing import GENIUS_DIR, NEGMAS_PYTHON, NEGSIM_PYTHON

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
N_OPTIONS = 10
SIZES = {"1e3": 3, "1e4": 4, "1e5": 5, "1e6": 6, "1e7": 7}  # label -> issues of 10 options
DEFAULT_SEED = 20250101
PARTIES = ("p1", "p2")
MB = 1024**2

# --------------------------------------------------------------------------------------------
# Synthetic scenarios


def synthetic_spec(n_issues: int, n_options: int = N_OPTIONS, seed: int = DEFAULT_SEED) -> dict:
    """A two-party linear-additive scenario of ``n_issues`` x ``n_options``, as plain numbers.

    From ``numpy.random.default_rng(seed)``, party by party: weights ``uniform(0.05, 1)``
    per issue, normalized to sum 1; the value of every option of every issue
    ``uniform(0, 1)``; the disagreement utility is ``min + f * (max - min)`` of the party's
    utility over all packages with ``f ~ uniform(0.2, 0.4)``, so it lies above the minimum
    utility (where NegMAS's and negsim's Nash conventions coincide); discount factors 0.95
    and 0.9.

    Returns
    -------
    dict
        ``{"name", "seed", "issues": [[name, [options...]], ...],
        "parties": [{"name", "weights": [...], "values": [[...], ...],
        "disagreement", "discount"}, ...]}`` with Python floats.
    """
    import numpy as np

    rng = np.random.default_rng(seed)
    issues = [[f"i{k}", [f"o{j}" for j in range(n_options)]] for k in range(n_issues)]
    parties = []
    for p, (name, discount) in enumerate(zip(PARTIES, (0.95, 0.9), strict=True)):
        weights = rng.uniform(0.05, 1.0, n_issues)
        weights = weights / weights.sum()
        values = rng.uniform(0.0, 1.0, (n_issues, n_options))
        low = float((weights * values.min(axis=1)).sum())
        high = float((weights * values.max(axis=1)).sum())
        fraction = float(rng.uniform(0.2, 0.4))
        parties.append(
            {
                "name": name,
                "weights": [float(w) for w in weights],
                "values": [[float(v) for v in row] for row in values],
                "disagreement": low + fraction * (high - low),
                "discount": discount,
                "index": p,
            }
        )
    return {
        "name": f"synthetic {n_issues} x {n_options} (seed {seed})",
        "seed": seed,
        "issues": issues,
        "parties": parties,
    }


def synthetic_yaml(spec: dict) -> str:
    """The negsim scenario of :func:`synthetic_spec` (floats written with ``repr``)."""
    lines = ["negsim: 1", f"name: {json.dumps(spec['name'])}", "issues:"]
    for name, options in spec["issues"]:
        lines.append(f"  {name}: {{options: [{', '.join(options)}]}}")
    lines.append("parties:")
    for party in spec["parties"]:
        weights = ", ".join(
            f"{name}: {w!r}" for (name, _), w in zip(spec["issues"], party["weights"], strict=True)
        )
        lines += [f"  {party['name']}:", f"    weights: {{{weights}}}", "    values:"]
        for (name, options), row in zip(spec["issues"], party["values"], strict=True):
            pairs = ", ".join(f"{o}: {v!r}" for o, v in zip(options, row, strict=True))
            lines.append(f"      {name}: {{{pairs}}}")
        lines.append(f"    disagreement: {party['disagreement']!r}")
        lines.append(f"    discount: {party['discount']!r}")
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------------------------
# negsim in-process worker (runs in negsim's environment)


def negsim_worker(path: str, repeat: int, max_seconds: float, with_result: bool) -> dict:
    """Time ``load_scenario`` + the solve analysis in this process, ``repeat`` times.

    ``total`` is load + solve (what ``--format json`` then turns into text is timed apart,
    as ``json``: ``Analysis.to_dict`` and ``json.dumps`` as the CLI calls them).
    """
    import negsim
    from negsim.format.loader import load_scenario, load_scenario_text

    solve = _negsim_solve()
    # warm-up, untimed: a 100-package scenario, so that imports made lazily inside the
    # analysis (scipy and the like) are not charged to the first timed run
    warm = solve(load_scenario_text(synthetic_yaml(synthetic_spec(2)), "<warm-up>"))
    json.dumps(warm.to_dict())
    loads, solves, totals, dumps = [], [], [], []
    analysis = None
    cpus = []
    for _ in range(repeat):
        c0 = time.process_time()
        t0 = time.perf_counter()
        scenario = load_scenario(path)
        t1 = time.perf_counter()
        analysis = solve(scenario)
        t2 = time.perf_counter()
        cpus.append(time.process_time() - c0)
        json.dumps(analysis.to_dict(), indent=2, ensure_ascii=False)  # as `--format json`
        t3 = time.perf_counter()
        loads.append(t1 - t0)
        solves.append(t2 - t1)
        totals.append(t2 - t0)
        dumps.append(t3 - t2)
        if sum(totals) > max_seconds:
            break
    out: dict = {
        "version": negsim.__version__,
        "load": loads,
        "solve": solves,
        "total": totals,
        "json": dumps,
        "cpu": cpus,
    }
    if with_result and analysis is not None:
        out["result"] = _negsim_summary(analysis)
    return out


def _negsim_solve():
    """The library function behind ``negsim solve`` (``negsim.analysis.pipeline.solve``)."""
    from negsim.analysis.pipeline import solve

    return solve


def _negsim_summary(analysis) -> dict:
    """Pareto counts and the Nash point of a negsim ``Analysis`` (for agreement checks)."""
    counts = analysis.counts if hasattr(analysis, "counts") else None
    nash = None
    solutions = getattr(analysis, "solutions", None)
    if solutions is not None:
        sol = solutions.get("nash") if isinstance(solutions, dict) else None
        if sol is not None:
            nash = [float(x) for x in sol.utilities]
    return {
        "pareto_individually_rational": getattr(counts, "pareto_individually_rational", None),
        "nash": nash,
    }


# --------------------------------------------------------------------------------------------
# Measuring child processes


@dataclass
class Runs:
    """Wall times (s) and peak resident sizes (bytes) of repeated runs of one command."""

    times: list[float] = field(default_factory=list)
    peaks: list[int] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)  # user + system seconds of the child
    error: str | None = None

    @property
    def median(self) -> float | None:
        return statistics.median(self.times) if self.times else None

    @property
    def cpu_median(self) -> float | None:
        return statistics.median(self.cpu) if self.cpu else None

    @property
    def peak(self) -> int | None:
        """The largest peak; negative when every run stayed below the measurable floor."""
        if not self.peaks:
            return None
        known = [p for p in self.peaks if p > 0]
        return max(known) if known else min(self.peaks)


CHILD_ENV: dict[str, str] | None = None  # set by main(): the environment of every child


def child_env(workdir: Path, keep: bool) -> dict[str, str] | None:
    """The children's environment: this one, except that Python may cache bytecode.

    Some sandboxes set ``PYTHONDONTWRITEBYTECODE``, which makes every process compile the
    modules that have no ``.pyc`` (negsim's editable sources among them) on every start: a
    cost a user's installation does not pay. The variable is dropped and
    ``PYTHONPYCACHEPREFIX`` points into the benchmark's work folder, so the warm-up run
    writes the bytecode there and nothing is written into the source tree.
    ``--keep-env`` keeps the environment as it is.
    """
    if keep:
        return None
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(workdir / "pycache")
    return env


def run_once(cmd: list[str], timeout: float, stdout=subprocess.DEVNULL) -> tuple[float, int, float]:
    """Run ``cmd``; return (wall seconds, peak RSS bytes, user + system CPU seconds).

    The peak comes from ``os.wait4`` (``ru_maxrss``, KiB on Linux). Linux counts in it the
    resident size of the forked copy of this process before ``exec``, so a child's peak
    cannot be told below this process's own size at the start: such peaks are returned
    negative (``-floor``) and shown as ``<= floor``. On timeout the child is killed and
    ``TimeoutError`` raised.
    """
    floor = _own_rss()
    # stderr to a file, not a pipe: a chatty child cannot block on a full pipe
    with tempfile.TemporaryFile() as errors:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=stdout, stderr=errors, env=CHILD_ENV)
        deadline = t0 + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                elapsed = time.perf_counter() - t0
                break
            if time.perf_counter() > deadline:
                proc.kill()
                os.wait4(proc.pid, 0)
                raise TimeoutError(f"over {timeout:.0f} s: {' '.join(cmd)}")
            time.sleep(0.002)
        proc.returncode = os.waitstatus_to_exitcode(status)
        errors.seek(0)
        stderr = errors.read().decode(errors="replace")
    if proc.returncode != 0:
        raise RuntimeError(f"exit {proc.returncode}: {' '.join(cmd)}\n{stderr[-2000:]}")
    peak = usage.ru_maxrss * 1024
    if peak <= floor * 1.02:
        peak = -max(peak, floor)
    return elapsed, peak, usage.ru_utime + usage.ru_stime


def _own_rss() -> int:
    """This process's resident size in bytes (``VmRSS``), 0 where /proc is missing."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


def measure(
    cmd: list[str], repeat: int, max_seconds: float, timeout: float, warmup: list[str]
) -> Runs:
    """Median-ready wall times of ``cmd`` (stdout to /dev/null), stopping early past
    ``max_seconds`` in total, after one untimed run of ``warmup`` (the same tool on a
    1,000-package scenario: bytecode written, files in the disk cache)."""
    runs = Runs()
    try:
        run_once(warmup, timeout)
    except (TimeoutError, RuntimeError, OSError) as error:
        runs.error = "warm-up: " + str(error).splitlines()[0]
        return runs
    for _ in range(repeat):
        try:
            elapsed, peak, cpu = run_once(cmd, timeout)
        except (TimeoutError, RuntimeError, OSError) as error:
            runs.error = str(error).splitlines()[0]
            break
        runs.times.append(elapsed)
        runs.peaks.append(peak)
        runs.cpu.append(cpu)
        if sum(runs.times) > max_seconds:
            break
    return runs


def run_json(cmd: list[str], timeout: float) -> dict:
    """Run a worker that prints one JSON object; return it."""
    proc = subprocess.run(
        cmd, capture_output=True, text=True, timeout=timeout, check=False, env=CHILD_ENV
    )
    if proc.returncode != 0:
        raise RuntimeError(f"exit {proc.returncode}: {' '.join(cmd)}\n{proc.stderr[-2000:]}")
    return json.loads(proc.stdout)


# --------------------------------------------------------------------------------------------
# Cases


@dataclass
class Case:
    label: str
    kind: str  # "synthetic" or "genius"
    packages: int
    yaml_path: Path
    negmas_args: list[str]  # the worker's scenario arguments
    run_negmas: bool = True
    note: str = ""
    results: dict = field(default_factory=dict)


def make_cases(args, workdir: Path) -> tuple[list[Case], list[str]]:
    """The cases to run, their files written to ``workdir``; plus notes on skipped ones."""
    cases: list[Case] = []
    skipped: list[str] = []
    warm = synthetic_spec(3, N_OPTIONS, args.seed)
    args.warm_yaml, args.warm_json = workdir / "warm-up.yaml", workdir / "warm-up.json"
    args.warm_yaml.write_text(synthetic_yaml(warm), encoding="utf-8")
    args.warm_json.write_text(json.dumps(warm), encoding="utf-8")
    if args.only in (None, "synthetic"):
        for label in args.sizes:
            n_issues = SIZES[label]
            spec = synthetic_spec(n_issues, N_OPTIONS, args.seed)
            yaml_path = workdir / f"synthetic-{label}.yaml"
            json_path = workdir / f"synthetic-{label}.json"
            yaml_path.write_text(synthetic_yaml(spec), encoding="utf-8")
            json_path.write_text(json.dumps(spec), encoding="utf-8")
            case = Case(
                label, "synthetic", N_OPTIONS**n_issues, yaml_path, ["--spec", str(json_path)]
            )
            if label in args.negmas_skip:
                case.run_negmas = False
                case.note = args.negmas_skip[label]
            cases.append(case)
    if args.only in (None, "genius") and args.genius_dir is None:
        skipped.append("GENIUS domains: none given (--genius-dir or NEGSIM_GENIUS_DIR)")
    elif args.only in (None, "genius"):
        sys.path.insert(0, str(HERE))
        import genius  # benchmarks/genius.py

        folders = sorted(p for p in Path(args.genius_dir).iterdir() if p.is_dir())
        for folder in folders:
            try:
                domain = genius.read_folder(folder)
            except genius.UnsupportedDomain as error:
                skipped.append(f"{folder.name}: skipped by benchmarks/genius.py: {error}")
                continue
            yaml_path = workdir / f"genius-{folder.name}.yaml"
            yaml_path.write_text(genius.scenario_yaml(domain), encoding="utf-8")
            negmas_args = ["--genius", str(domain.domain_file)]
            for profile in domain.profile_files:
                negmas_args += ["--profile", str(profile)]
            cases.append(
                Case(
                    folder.name,
                    "genius",
                    domain.n_outcomes,
                    yaml_path,
                    negmas_args,
                    note="; ".join(domain.notes),
                )
            )
    return cases, skipped


def run_case(case: Case, args) -> None:
    """Fill ``case.results`` with every measurement of the case."""
    r = case.results
    big = case.packages >= 10**7
    repeat = args.repeat_1e7 if big else args.repeat
    negsim_cmd = [*args.negsim, "solve", str(case.yaml_path), "--format", "json"]
    worker = [str(HERE / "bench_solve.py")]
    negmas_worker = [str(HERE / "bench_solve_negmas.py")]
    log(f"[{case.label}] negsim whole process x{repeat}")
    warm = [*args.negsim, "solve", str(args.warm_yaml), "--format", "json"]
    r["negsim_whole"] = measure(negsim_cmd, repeat, args.max_seconds, args.timeout, warm)
    log(f"    {fmt_runs(r['negsim_whole'])}")
    log(f"[{case.label}] negsim in process x{repeat}")
    try:
        r["negsim_inproc"] = run_json(
            [
                args.negsim_python,
                *worker,
                "--negsim-worker",
                str(case.yaml_path),
                "--repeat",
                str(repeat),
                "--max-seconds",
                str(args.max_seconds),
                "--with-result",
            ],
            args.timeout * repeat,
        )
        log(f"    median {statistics.median(r['negsim_inproc']['total']):.4f} s")
    except (RuntimeError, subprocess.TimeoutExpired, json.JSONDecodeError) as error:
        r["negsim_inproc_error"] = str(error).splitlines()[0]
        log(f"    failed: {r['negsim_inproc_error']}")
    if args.check:
        try:
            out = subprocess.run(
                negsim_cmd,
                capture_output=True,
                text=True,
                timeout=args.timeout,
                check=True,
                env=CHILD_ENV,
            )
            r["negsim_json"] = summarize_negsim_json(json.loads(out.stdout))
        except (subprocess.SubprocessError, json.JSONDecodeError, KeyError, TypeError) as error:
            r["negsim_json_error"] = str(error).splitlines()[0]

    if not case.run_negmas or args.negmas_python is None:
        return
    nm_repeat = repeat
    log(f"[{case.label}] NegMAS in process x{nm_repeat}")
    try:
        r["negmas_inproc"] = run_json(
            [
                args.negmas_python,
                *negmas_worker,
                "time",
                *case.negmas_args,
                "--repeat",
                str(nm_repeat),
                "--max-seconds",
                str(args.max_seconds),
            ],
            args.negmas_budget * max(1, nm_repeat),
        )
        log(f"    median {statistics.median(r['negmas_inproc']['total']):.4f} s")
    except (RuntimeError, subprocess.TimeoutExpired, json.JSONDecodeError) as error:
        r["negmas_inproc_error"] = str(error).splitlines()[0]
        log(f"    failed: {r['negmas_inproc_error']}")
        return
    log(f"[{case.label}] NegMAS whole process x{nm_repeat}")
    r["negmas_whole"] = measure(
        [args.negmas_python, *negmas_worker, "run", *case.negmas_args],
        nm_repeat,
        args.max_seconds,
        args.negmas_budget,
        [args.negmas_python, *negmas_worker, "run", "--spec", str(args.warm_json)],
    )
    log(f"    {fmt_runs(r['negmas_whole'])}")


def summarize_negsim_json(data: dict) -> dict:
    """Pareto counts and Nash utilities from ``negsim solve --format json``."""
    parties = data["parties"]
    pareto = data.get("pareto") or []
    vectors = [[float(p["utilities"][name]) for name in parties] for p in pareto]
    nash = (data.get("solutions") or {}).get("nash")
    return {
        "parties": parties,
        "space": data["space"],
        "pareto_listed": len(pareto),
        "pareto_distinct": len(distinct(vectors)),
        "zopa": data.get("zopa"),
        "nash": [float(nash["utilities"][name]) for name in parties] if nash else None,
        "disagreement": [float(data["disagreement"][name]) for name in parties],
    }


# --------------------------------------------------------------------------------------------
# Reporting


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def fmt_s(value: float | None) -> str:
    if value is None:
        return "–"
    if value >= 100:
        return f"{value:.0f}"
    if value >= 10:
        return f"{value:.1f}"
    if value >= 1:
        return f"{value:.2f}"
    return f"{value:.3f}"


def fmt_runs(runs: Runs) -> str:
    if runs.error and not runs.times:
        return f"failed: {runs.error}"
    return f"median {fmt_s(runs.median)} s of {len(runs.times)}, peak {fmt_mb(runs.peak)}"


def fmt_mb(value: int | None) -> str:
    if value is None:
        return "–"
    return f"≤ {-value / MB:.0f} MB" if value < 0 else f"{value / MB:.0f} MB"


def ratio(numerator: float | None, denominator: float | None) -> str:
    if numerator is None or denominator is None or denominator <= 0:
        return "–"
    return f"{numerator / denominator:.1f}x"


def med(values) -> float | None:
    return statistics.median(values) if values else None


def table(cases: list[Case]) -> list[str]:
    header = (
        "| case | packages | negsim whole (s) | NegMAS whole (s) | whole ratio "
        "| negsim in-proc (s) | NegMAS in-proc (s) | in-proc ratio "
        "| negsim peak RSS | NegMAS peak RSS | runs |"
    )
    lines = [header, "|" + "---|" * 11]
    for case in cases:
        r = case.results
        nw: Runs = r.get("negsim_whole", Runs())
        mw: Runs = r.get("negmas_whole", Runs())
        ni = med(r.get("negsim_inproc", {}).get("total"))
        mi = med(r.get("negmas_inproc", {}).get("total"))
        nw_text = fmt_s(nw.median) if nw.times else f"failed ({nw.error})"
        if not case.run_negmas:
            mw_text = mi_text = "not run"
        elif "negmas_inproc_error" in r:
            mw_text = mi_text = "failed"
        else:
            mw_text, mi_text = fmt_s(mw.median), fmt_s(mi)
        runs = f"{len(nw.times)}/{len(mw.times)}" if mw.times else f"{len(nw.times)}"
        lines.append(
            f"| {case.label} | {case.packages:,} | {nw_text} | {mw_text} "
            f"| {ratio(mw.median, nw.median)} | {fmt_s(ni)} | {mi_text} | {ratio(mi, ni)} "
            f"| {fmt_mb(nw.peak)} | {fmt_mb(mw.peak)} | {runs} |"
        )
    return lines


def measure_startup(args) -> dict[str, tuple[str, Runs]]:
    """What starting each tool costs with nothing to solve: ``negsim --version`` and
    ``python -c "import negmas"`` (plus the analysis modules negsim imports lazily)."""
    commands = {
        "negsim --version": [*args.negsim, "--version"],
        "negsim: import negsim.cli, negsim.analysis.pipeline": [
            args.negsim_python,
            "-c",
            "import negsim.cli, negsim.analysis.pipeline",
        ],
    }
    if args.negmas_python:
        # the worker's own imports (negmas loads its submodules lazily, so a bare
        # ``import negmas`` costs almost nothing); --help exits after them
        commands["NegMAS: the worker's imports (bench_solve_negmas.py --help)"] = [
            args.negmas_python,
            str(HERE / "bench_solve_negmas.py"),
            "--help",
        ]
    out = {}
    for name, cmd in commands.items():
        log(f"[start-up] {name}")
        out[name] = (" ".join(cmd), measure(cmd, args.repeat, args.max_seconds, args.timeout, cmd))
        log(f"    {fmt_runs(out[name][1])}")
    return out


def startup_table(startup: dict[str, tuple[str, Runs]]) -> list[str]:
    lines = ["| what | wall (s) | CPU (s) | peak RSS |", "|---|---|---|---|"]
    for name, (_, runs) in startup.items():
        lines.append(
            f"| {name} | {fmt_s(runs.median)} | {fmt_s(runs.cpu_median)} | {fmt_mb(runs.peak)} |"
        )
    return lines


def cpu_table(cases: list[Case]) -> list[str]:
    """Median CPU seconds (user + system): less sensitive than wall time to other load."""
    lines = [
        "| case | negsim whole CPU (s) | NegMAS whole CPU (s) | whole ratio "
        "| negsim in-proc CPU (s) | NegMAS in-proc CPU (s) | in-proc ratio |",
        "|" + "---|" * 7,
    ]
    for case in cases:
        r = case.results
        nw = r.get("negsim_whole", Runs()).cpu_median
        mw = r.get("negmas_whole", Runs()).cpu_median
        ni = med(r.get("negsim_inproc", {}).get("cpu"))
        mi = med(r.get("negmas_inproc", {}).get("cpu"))
        lines.append(
            f"| {case.label} | {fmt_s(nw)} | {fmt_s(mw)} | {ratio(mw, nw)} "
            f"| {fmt_s(ni)} | {fmt_s(mi)} | {ratio(mi, ni)} |"
        )
    return lines


def split_table(cases: list[Case]) -> list[str]:
    """In-process medians split into loading and analysing."""
    lines = [
        "| case | negsim load (s) | negsim solve (s) | negsim to JSON (s) "
        "| NegMAS load/build (s) | NegMAS pareto_frontier (s) | NegMAS nash_points (s) |",
        "|" + "---|" * 7,
    ]
    for case in cases:
        ns = case.results.get("negsim_inproc", {})
        nm = case.results.get("negmas_inproc", {})
        lines.append(
            f"| {case.label} | {fmt_s(med(ns.get('load')))} | {fmt_s(med(ns.get('solve')))} "
            f"| {fmt_s(med(ns.get('json')))} | {fmt_s(med(nm.get('load')))} "
            f"| {fmt_s(med(nm.get('frontier')))} | {fmt_s(med(nm.get('nash')))} |"
        )
    return lines


TOL = 1e-9  # negsim's absolute tolerance for comparing utilities (scenario spec)


def close(a: list[float] | None, b: list[float] | None, tol: float = TOL) -> bool:
    return (
        a is not None
        and b is not None
        and all(abs(x - y) <= tol for x, y in zip(a, b, strict=True))
    )


def distinct(points: list[list[float]], tol: float = TOL) -> list[list[float]]:
    """``points`` with those within ``tol`` (every coordinate) of an earlier one dropped."""
    kept: list[list[float]] = []
    for point in sorted(points):
        if not any(close(point, other, tol) for other in kept):
            kept.append(point)
    return kept


def undominated(points: list[list[float]], tol: float = TOL) -> list[list[float]]:
    """The distinct ``points`` that no other dominates with negsim's tolerance (at least as
    good minus ``tol`` for all, better by more than ``tol`` for one)."""
    points = distinct(points, tol)

    def dominates(b, a):
        return all(y >= x - tol for x, y in zip(a, b, strict=True)) and any(
            y > x + tol for x, y in zip(a, b, strict=True)
        )

    return [a for a in points if not any(dominates(b, a) for b in points if b is not a)]


def fmt_point(p: list[float] | None) -> str:
    return "–" if p is None else "(" + ", ".join(f"{x:.6f}" for x in p) + ")"


def agreement(cases: list[Case]) -> tuple[list[str], list[str]]:
    """The agreement table and a list of disagreements explained with numbers.

    Pareto: negsim's count of Pareto-optimal individually rational packages, and of their
    distinct utility vectors (within 1e-9), against NegMAS's frontier as returned (it drops
    exact duplicates but compares floats exactly) and after negsim's 1e-9 tolerance.
    Nash: negsim's pure Nash point against NegMAS's ``nash_points`` with the reservation
    values as disagreement point, within 1e-9.
    """
    lines = [
        "| case | negsim Pareto IR packages | negsim distinct vectors | NegMAS frontier "
        "| NegMAS frontier at 1e-9 | negsim Nash | NegMAS Nash (d = reservation) "
        "| NegMAS Nash (default d) | agree |",
        "|" + "---|" * 9,
    ]
    problems: list[str] = []
    for case in cases:
        ns = case.results.get("negsim_json")
        nm = (case.results.get("negmas_inproc") or {}).get("result")
        if not ns or not nm:
            continue
        count = ns["space"]["pareto_individually_rational"]
        nm_tol = len(undominated(nm["frontier_points"]))
        counts_ok = ns["pareto_distinct"] == nm_tol
        no_zopa = ns["nash"] is None and not ns.get("zopa", True)
        d = ns["disagreement"]
        if no_zopa:
            # negsim reports no solution without a ZOPA; NegMAS returns the points whose Nash
            # product (over the reservation values) is 0, i.e. no gain for someone
            nash_ok = all(
                min(u - r for u, r in zip(p, d, strict=True)) <= TOL for p in nm["nash_reservation"]
            )
        else:
            nash_ok = ns["nash"] is not None and any(
                close(ns["nash"], p) for p in nm["nash_reservation"]
            )
        nash_default_ok = no_zopa or any(close(ns["nash"], p) for p in nm["nash_default"])
        ok = "yes" if counts_ok and nash_ok else "**no**"
        if ok == "yes" and (nm["frontier_size"] != nm_tol or no_zopa or not nash_default_ok):
            ok = "yes*"
        lines.append(
            f"| {case.label} | {count} | {ns['pareto_distinct']} | {nm['frontier_size']} "
            f"| {nm_tol} | {'none (no ZOPA)' if no_zopa else fmt_point(ns['nash'])} | "
            + " / ".join(fmt_point(p) for p in nm["nash_reservation"][:2])
            + " | "
            + " / ".join(fmt_point(p) for p in nm["nash_default"][:2])
            + f" | {ok} |"
        )
        if count != ns["pareto_distinct"]:
            problems.append(
                f"{case.label}: negsim counts {count} Pareto-optimal individually rational "
                f"packages with {ns['pareto_distinct']} distinct utility vectors: packages with "
                "equal utilities are all counted; NegMAS keeps one per vector"
            )
        if nm["frontier_size"] != nm_tol:
            extra = [
                p
                for p in nm["frontier_points"]
                if not any(close(p, q) for q in undominated(nm["frontier_points"]))
            ]
            problems.append(
                f"{case.label}: NegMAS's frontier has {nm['frontier_size']} points, "
                f"{nm['frontier_size'] - nm_tol} of them dominated or duplicated within 1e-9 "
                f"(floating-point noise, e.g. {', '.join(fmt_point(p) for p in extra[:2])}); "
                f"{nm_tol} at negsim's 1e-9 tolerance"
            )
        if not counts_ok:
            problems.append(
                f"{case.label}: **Pareto disagreement**: negsim {ns['pareto_distinct']} distinct "
                f"vectors, NegMAS {nm_tol} at 1e-9"
            )
        if no_zopa:
            problems.append(
                f"{case.label}: no ZOPA (no package gives both more than d = {fmt_point(d)}): "
                "negsim reports no Nash point; NegMAS's nash_points returns "
                f"{', '.join(fmt_point(p) for p in nm['nash_reservation'])}, a Nash product of 0"
            )
        elif not nash_ok:
            problems.append(
                f"{case.label}: **Nash disagreement** with d = reservation values: negsim "
                f"{fmt_point(ns['nash'])}, NegMAS "
                f"{', '.join(fmt_point(p) for p in nm['nash_reservation'])}"
            )
        if not nash_default_ok:
            problems.append(
                f"{case.label}: NegMAS's default nash_points uses d = max(reserved value, "
                f"minimum utility) = {fmt_point(nm['disagreement_default'])} and gives "
                f"{', '.join(fmt_point(p) for p in nm['nash_default'])}; negsim uses the "
                f"disagreement utilities {fmt_point(d)} and gives {fmt_point(ns['nash'])}"
            )
    return lines, problems


def targets(cases: list[Case]) -> list[str]:
    by_label = {c.label: c for c in cases}
    out = []
    c6 = by_label.get("1e6")
    if c6:
        nw = c6.results.get("negsim_whole", Runs())
        mw = c6.results.get("negmas_whole", Runs())
        ni = med(c6.results.get("negsim_inproc", {}).get("total"))
        nm = c6.results.get("negmas_inproc", {})
        mi = med(nm.get("total"))
        m_fn = (
            med([f + n for f, n in zip(nm["frontier"], nm["nash"], strict=True)])
            if nm.get("frontier")
            else None
        )
        t = nw.median
        out.append(
            f"- 1e6 whole process under 1 s: negsim {fmt_s(t)} s wall (CPU "
            f"{fmt_s(nw.cpu_median)} s, fastest run {fmt_s(min(nw.times, default=None))} s) -> "
            + ("**met**" if t is not None and t < 1 else "**not met**")
        )
        if mw.median and t:
            out.append(
                f"- 1e6 at least 5x faster than NegMAS frontier + Nash: whole process "
                f"{ratio(mw.median, t)} ({fmt_s(mw.median)} s vs {fmt_s(t)} s) -> "
                + ("**met**" if mw.median / t >= 5 else "**not met**")
            )
        if mi and ni:
            out.append(
                f"  in process: NegMAS load + frontier + Nash {fmt_s(mi)} s vs negsim load + "
                f"solve {fmt_s(ni)} s = {ratio(mi, ni)}; NegMAS pareto_frontier + nash_points "
                f"alone {fmt_s(m_fn)} s = {ratio(m_fn, ni)} -> "
                + ("**met**" if m_fn and m_fn / ni >= 5 else "**not met**")
            )
    c7 = by_label.get("1e7")
    if c7:
        nw = c7.results.get("negsim_whole", Runs())
        t = nw.median
        if t is None:
            out.append(f"- 1e7 whole process under 15 s: negsim failed ({nw.error}) -> **not met**")
        else:
            out.append(
                f"- 1e7 whole process under 15 s without running out of memory: negsim "
                f"{fmt_s(t)} s wall (CPU {fmt_s(nw.cpu_median)} s), peak RSS {fmt_mb(nw.peak)} -> "
                + ("**met**" if t < 15 else "**not met**")
            )
    return out


def environment(args) -> list[str]:
    def cmd(argv: list[str]) -> str:
        try:
            return subprocess.run(
                argv, capture_output=True, text=True, timeout=120, check=False
            ).stdout.strip()
        except OSError:
            return "?"

    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = "?"
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f"{kb / 1024**2:.1f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    versions = (
        "import sys, importlib.metadata as m\n"
        "out = [sys.version.split()[0]]\n"
        "for n in ('negsim', 'negmas', 'numpy', 'scipy'):\n"
        "    try: out.append(n + ' ' + m.version(n))\n"
        "    except Exception: out.append(n + ' -')\n"
        "print(', '.join(out))"
    )
    lines = [
        f"- date: {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}",
        f"- machine: {os.cpu_count()} cores (nproc {cmd(['nproc'])}), {cpu}, {mem} RAM, "
        f"{platform.system()} {platform.release()}",
        f"- negsim environment ({args.negsim_python}): Python "
        f"{cmd([args.negsim_python, '-c', versions])}",
    ]
    if args.negmas_python:
        lines.append(
            f"- NegMAS environment ({args.negmas_python}): Python "
            f"{cmd([args.negmas_python, '-c', versions])}"
        )
    commit = cmd(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"])
    dirty = cmd(["git", "-C", str(REPO), "status", "--porcelain", "--", "negsim"])
    lines.append(
        f"- negsim source: commit {commit}"
        + (" plus uncommitted changes in negsim/" if dirty else "")
    )
    lines.append(f"- command: `{' '.join(sys.argv)}`")
    if CHILD_ENV is not None:
        lines.append(
            "- children run without PYTHONDONTWRITEBYTECODE, bytecode cached under "
            "PYTHONPYCACHEPREFIX in the work folder (see child_env)"
        )
    lines.append(
        "- load average (1, 5, 15 min) at the start: "
        + ", ".join(f"{x:.2f}" for x in getattr(args, "load_start", ()))
        + "; at the end: "
        + ", ".join(f"{x:.2f}" for x in os.getloadavg())
        + " (the machine is shared; wall times above CPU times show waiting for a core)"
    )
    blas = {k: v for k, v in os.environ.items() if k.startswith("OPENBLAS")}
    if blas:
        lines.append(f"- environment: {blas}")
    return lines


# --------------------------------------------------------------------------------------------
# Main


def parse_args(argv: list[str] | None):
    parser = argparse.ArgumentParser(
        description="negsim solve vs NegMAS pareto_frontier + nash_points",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--negsim-worker", metavar="FILE", help=argparse.SUPPRESS)
    parser.add_argument("--with-result", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument(
        "--quick", action="store_true", help="3 runs, no 1e7, NegMAS only up to 1e5"
    )
    parser.add_argument("--repeat", type=int, default=5, help="runs per measurement (5)")
    parser.add_argument("--repeat-1e7", type=int, default=3, help="runs at 1e7 packages (3)")
    parser.add_argument(
        "--max-seconds",
        type=float,
        default=60.0,
        help="stop repeating a measurement once its runs add up to this (60)",
    )
    parser.add_argument(
        "--timeout", type=float, default=300.0, help="one negsim run's limit in seconds (300)"
    )
    parser.add_argument(
        "--negmas-budget",
        type=float,
        default=600.0,
        help="one NegMAS run's limit in seconds; 1e7 runs for NegMAS only if "
        "10 x its 1e6 time fits (600)",
    )
    parser.add_argument(
        "--negmas-1e7", action="store_true", help="run NegMAS at 1e7 whatever its 1e6 time"
    )
    parser.add_argument(
        "--sizes",
        nargs="+",
        choices=list(SIZES),
        default=None,
        help="synthetic sizes (default all; --quick: 1e3 to 1e6)",
    )
    parser.add_argument("--only", choices=["synthetic", "genius"], default=None)
    parser.add_argument(
        "--genius-dir",
        default=GENIUS_DIR,
        help="folder of GENIUS domains (default: $NEGSIM_GENIUS_DIR)",
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument(
        "--negsim", default=None, help="negsim command (default: negsim next to --negsim-python)"
    )
    parser.add_argument(
        "--negsim-python",
        default=None,
        help="Python of negsim's environment (default .venv/bin/python of this clone, else this "
        "Python)",
    )
    parser.add_argument(
        "--negmas-python",
        default=None,
        help="Python of the NegMAS venv (default .bench-venv/bin/python of this clone); "
        "'none' to skip NegMAS",
    )
    parser.add_argument(
        "--no-check", dest="check", action="store_false", help="skip the agreement checks"
    )
    parser.add_argument("--workdir", default=None, help="keep the generated scenarios here")
    parser.add_argument(
        "--keep-env",
        action="store_true",
        help="run the children in this environment as it is (by default "
        "PYTHONDONTWRITEBYTECODE is dropped and bytecode cached in the work folder)",
    )
    parser.add_argument("--json-out", default=None, help="also write every measurement as JSON")
    args = parser.parse_args(argv)
    if args.quick:
        args.repeat = min(args.repeat, 3)
        args.repeat_1e7 = min(args.repeat_1e7, 1)
        args.max_seconds = min(args.max_seconds, 20.0)
        if args.sizes is None:
            args.sizes = ["1e3", "1e4", "1e5", "1e6"]
    if args.sizes is None:
        args.sizes = list(SIZES)
    if args.negsim_python is None:
        args.negsim_python = str(NEGSIM_PYTHON) if NEGSIM_PYTHON.exists() else sys.executable
    if args.negsim is None:
        exe = Path(args.negsim_python).with_name("negsim")
        args.negsim = [str(exe)] if exe.exists() else [args.negsim_python, "-m", "negsim"]
    else:
        args.negsim = args.negsim.split()
    if args.negmas_python is None:
        args.negmas_python = str(NEGMAS_PYTHON) if NEGMAS_PYTHON.exists() else None
    elif args.negmas_python.lower() == "none":
        args.negmas_python = None
    args.negmas_skip = {}
    if args.quick:
        for label in ("1e6", "1e7"):
            args.negmas_skip[label] = "not run with --quick"
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.negsim_worker:
        print(
            json.dumps(
                negsim_worker(args.negsim_worker, args.repeat, args.max_seconds, args.with_result)
            )
        )
        return 0
    if args.negmas_python is None:
        log(
            "NegMAS environment not found: negsim only (make it with "
            "benchmarks/bench_solve_setup.sh)"
        )
    if args.workdir:
        workdir = Path(args.workdir)
        workdir.mkdir(parents=True, exist_ok=True)
        cleanup = None
    else:
        cleanup = tempfile.mkdtemp(prefix="negsim-bench-solve-")
        workdir = Path(cleanup)
    global CHILD_ENV
    CHILD_ENV = child_env(workdir, args.keep_env)
    try:
        cases, skipped = make_cases(args, workdir)
        args.load_start = os.getloadavg()
        started = time.perf_counter()
        startup = measure_startup(args)
        for case in cases:
            if case.label == "1e7" and case.run_negmas and not args.negmas_1e7:
                c6 = next((c for c in cases if c.label == "1e6"), None)
                t6 = c6.results.get("negmas_whole", Runs()).median if c6 else None
                if t6 is None:
                    case.run_negmas = False
                    case.note = "NegMAS not run: no 1e6 time to extrapolate from"
                elif 10 * t6 > args.negmas_budget:
                    case.run_negmas = False
                    case.note = (
                        f"NegMAS not run: 10 x its 1e6 time ({10 * t6:.0f} s) exceeds the "
                        f"{args.negmas_budget:.0f} s budget"
                    )
            run_case(case, args)
        elapsed = time.perf_counter() - started
        report = [
            "## Environment",
            "",
            *environment(args),
            "",
            f"Benchmark wall time: {elapsed:.0f} s.",
            "",
            "## Times (median)",
            "",
        ]
        report += table(cases)
        report += [
            "",
            "Ratios are NegMAS / negsim. `runs`: negsim/NegMAS whole-process runs "
            "behind each median.",
            "",
            "## In process, split",
            "",
        ]
        report += split_table(cases)
        report += ["", "## CPU time (user + system, median)", ""]
        report += cpu_table(cases)
        report += ["", "## Start-up floor (whole process, nothing solved)", ""]
        report += startup_table(startup)
        report += ["", "## Targets", ""]
        report += targets(cases) or ["- (no 1e6 or 1e7 case run)"]
        if args.check:
            lines, problems = agreement(cases)
            report += ["", "## Agreement", "", *lines, ""]
            report += (
                [
                    "Differences, each explained with its numbers (a **bold** one would be a "
                    "real disagreement):",
                    "",
                ]
                + [f"- {p}" for p in problems]
                if problems
                else ["No difference."]
            )
        notes = [f"- {c.label}: {c.note}" for c in cases if c.note]
        notes += [f"- {s}" for s in skipped]
        for case in cases:
            for key in ("negsim_inproc_error", "negmas_inproc_error", "negsim_json_error"):
                if key in case.results:
                    notes.append(f"- {case.label}: {key}: {case.results[key]}")
            for key in ("negsim_whole", "negmas_whole"):
                runs = case.results.get(key)
                if runs is not None and runs.error:
                    notes.append(f"- {case.label}: {key}: {runs.error}")
        if notes:
            report += ["", "## Notes", "", *notes]
        print("\n".join(report))
        if args.json_out:
            dump = {
                c.label: {
                    k: (v.__dict__ if isinstance(v, Runs) else v) for k, v in c.results.items()
                }
                for c in cases
            }
            Path(args.json_out).write_text(json.dumps(dump, indent=1), encoding="utf-8")
    finally:
        if cleanup:
            shutil.rmtree(cleanup, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
