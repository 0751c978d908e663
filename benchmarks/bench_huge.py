"""Issue 16's speed targets, measured: ``negsim solve`` on additive spaces of 10^6 to 10^40
packages, and NegMAS's Pareto frontier + Nash point on the sizes it can still enumerate.

What is measured
----------------
* **negsim, whole process**: ``python -m negsim solve FILE --format json > /dev/null``,
  process start, imports, loading, the whole analysis (frontier, solutions, equilibrium) and
  the JSON included; wall time of the child (``bench_solve.run_once``), after one untimed
  warm-up run that writes the bytecode cache (see ``bench_solve.child_env``).
* **negsim, in process**: one child per case imports negsim, warms up on a 1,000-package
  scenario of the same number of parties (enumerated and merged), then times
  ``negsim.format.loader.load_scenario(FILE)`` + ``negsim.solve(scenario)``; the table
  shows load + solve, the detail table both parts. Whether the space was enumerated or
  merged is ``analysis.counts.merged``.
* **NegMAS** (0.16, its own virtual environment from ``bench_solve_setup.sh``, never a
  negsim dependency): ``bench_solve_negmas.py``, i.e. ``negmas.pareto_frontier`` +
  ``negmas.nash_points``, in process (``time`` mode: build + frontier + Nash) and as a
  whole process (``run`` mode). At 10^6 and 10^7 as many runs as fit ``--max-seconds``;
  at 10^8 one attempt in process, stopped after ``--max-seconds`` and run under a memory
  limit (``prlimit --as``, ``--memory-gb``): the report says "did not finish in N s" or
  "out of memory" as it happened (nothing is extrapolated).
* **Agreement** wherever both ran (``bench_solve.agreement``): the count of Pareto-optimal
  individually rational packages (negsim's distinct vectors against NegMAS's frontier at
  negsim's 1e-9 tolerance) and the Nash point utilities within 1e-9.

Scenarios
---------
Linear-additive, ``n`` categorical issues x 10 options, weights and values from
``numpy.random.default_rng(seed)``: two parties exactly as ``bench_solve.synthetic_spec``
(10^6, 10^7, 10^8, 10^20, 10^40 packages), three parties drawn the same way (10^12); the
same numbers go to YAML for negsim and JSON for the NegMAS worker.

Usage::

    python benchmarks/bench_huge.py                      # everything, ~10-15 min with NegMAS
    python benchmarks/bench_huge.py --negmas-python none --repeat 7      # negsim alone
    python benchmarks/bench_huge.py --max-seconds 60 --memory-gb 8

Medians (``statistics.median``) of ``--repeat`` runs, fewer where the runs add up to more
than ``--max-seconds``. The Markdown report goes to standard output, progress to standard
error.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import bench_solve
from bench_solve import (
    Case,
    Runs,
    agreement,
    child_env,
    environment,
    fmt_mb,
    fmt_s,
    log,
    measure,
    med,
    run_json,
    run_once,
    summarize_negsim_json,
    synthetic_spec,
    synthetic_yaml,
)
from timing import NEGMAS_PYTHON, NEGSIM_PYTHON

HERE = Path(__file__).resolve().parent
N_OPTIONS = 10
DEFAULT_SEED = bench_solve.DEFAULT_SEED
GB = 1024**3
OUT_OF_MEMORY = ("MemoryError", "Unable to allocate", "bad_alloc", "Cannot allocate")
"""What a child's error output says when an allocation failed."""


@dataclass
class HugeCase:
    """One scenario: its label, parties, issues, the target it is held to, and results."""

    label: str
    parties: int
    issues: int
    negmas: str  # "full": timed like negsim; "attempt": one bounded run; "": not run
    targets: dict[str, float] = field(default_factory=dict)  # "whole"/"inproc" -> seconds
    results: dict = field(default_factory=dict)
    yaml_path: Path | None = None
    json_path: Path | None = None

    @property
    def packages(self) -> int:
        return N_OPTIONS**self.issues


CASES = (
    HugeCase("2p 1e6", 2, 6, "full"),
    HugeCase("2p 1e7", 2, 7, "full"),
    HugeCase("2p 1e8", 2, 8, "attempt"),
    HugeCase("2p 1e20", 2, 20, "", {"whole": 0.5, "inproc": 0.1}),
    HugeCase("2p 1e40", 2, 40, "", {"inproc": 1.0}),
    HugeCase("3p 1e12", 3, 12, "", {"whole": 2.0, "inproc": 2.0}),
)


# --------------------------------------------------------------------------------------------
# Scenarios


def spec(n_issues: int, n_parties: int = 2, seed: int = DEFAULT_SEED) -> dict:
    """Two parties: :func:`bench_solve.synthetic_spec` as it is. More: the same draws party
    by party (weights ``uniform(0.05, 1)`` normalized, values ``uniform(0, 1)``, the
    disagreement utility ``min + f (max - min)`` with ``f ~ uniform(0.2, 0.4)``), parties
    ``p1 ... pn`` with discounts 0.95, 0.9, 0.85, ..."""
    if n_parties == 2:
        return synthetic_spec(n_issues, N_OPTIONS, seed)
    import numpy as np

    rng = np.random.default_rng(seed)
    issues = [[f"i{k}", [f"o{j}" for j in range(N_OPTIONS)]] for k in range(n_issues)]
    parties = []
    for p in range(n_parties):
        weights = rng.uniform(0.05, 1.0, n_issues)
        weights = weights / weights.sum()
        values = rng.uniform(0.0, 1.0, (n_issues, N_OPTIONS))
        low = float((weights * values.min(axis=1)).sum())
        high = float((weights * values.max(axis=1)).sum())
        fraction = float(rng.uniform(0.2, 0.4))
        parties.append(
            {
                "name": f"p{p + 1}",
                "weights": [float(w) for w in weights],
                "values": [[float(v) for v in row] for row in values],
                "disagreement": low + fraction * (high - low),
                "discount": round(0.95 - 0.05 * p, 2),
                "index": p,
            }
        )
    return {
        "name": f"synthetic {n_parties} parties, {n_issues} x {N_OPTIONS} (seed {seed})",
        "seed": seed,
        "issues": issues,
        "parties": parties,
    }


def write_cases(cases: list[HugeCase], workdir: Path, seed: int) -> dict[int, Path]:
    """Write every case's YAML (and JSON where NegMAS runs); return the warm-up YAML of each
    number of parties (3 issues, 1,000 packages)."""
    for case in cases:
        data = spec(case.issues, case.parties, seed)
        case.yaml_path = workdir / f"huge-{case.parties}p-{case.issues}.yaml"
        case.yaml_path.write_text(synthetic_yaml(data), encoding="utf-8")
        if case.negmas:
            case.json_path = workdir / f"huge-{case.parties}p-{case.issues}.json"
            case.json_path.write_text(json.dumps(data), encoding="utf-8")
    warm = {}
    for n in sorted({case.parties for case in cases}):
        warm[n] = workdir / f"warm-up-{n}p.yaml"
        warm[n].write_text(synthetic_yaml(spec(3, n, seed)), encoding="utf-8")
    warm_json = workdir / "warm-up-2p.json"
    warm_json.write_text(json.dumps(spec(3, 2, seed)), encoding="utf-8")
    return warm


# --------------------------------------------------------------------------------------------
# negsim in process (a child in negsim's environment)


def negsim_worker(path: str, warm: str, repeat: int, max_seconds: float) -> dict:
    """Time ``load_scenario(path)`` + ``negsim.solve`` ``repeat`` times in this process,
    after an untimed warm-up on ``warm`` (enumerated, then merged: every lazy import done)."""
    import negsim
    from negsim.analysis.merged import merged_space
    from negsim.analysis.pipeline import analyze
    from negsim.format.loader import load_scenario

    warm_scenario = load_scenario(warm)
    negsim.solve(warm_scenario)
    analyze(merged_space(warm_scenario))
    loads, solves, totals, cpus = [], [], [], []
    analysis = None
    for _ in range(repeat):
        c0 = time.process_time()
        t0 = time.perf_counter()
        scenario = load_scenario(path)
        t1 = time.perf_counter()
        analysis = negsim.solve(scenario)
        t2 = time.perf_counter()
        cpus.append(time.process_time() - c0)
        loads.append(t1 - t0)
        solves.append(t2 - t1)
        totals.append(t2 - t0)
        if sum(totals) > max_seconds:
            break
    assert analysis is not None
    counts = analysis.counts
    return {
        "load": loads,
        "solve": solves,
        "total": totals,
        "cpu": cpus,
        "merged": bool(counts.merged),
        "pareto": int(counts.pareto),
        "pareto_individually_rational": int(counts.pareto_individually_rational),
    }


# --------------------------------------------------------------------------------------------
# Running the cases


def limited(cmd: list[str], memory_gb: float) -> list[str]:
    """``cmd`` under an address-space limit (``prlimit --as``; exec'd, same process)."""
    if memory_gb <= 0 or shutil.which("prlimit") is None:
        return cmd
    return ["prlimit", f"--as={int(memory_gb * GB)}", "--", *cmd]


def why_stopped(error: BaseException, budget: float, memory_gb: float) -> str:
    """How a bounded NegMAS run ended, from what the child did (never guessed)."""
    text = str(error)
    if isinstance(error, TimeoutError | subprocess.TimeoutExpired):
        return f"did not finish in {budget:.0f} s"
    if any(s in text for s in OUT_OF_MEMORY):
        return f"out of memory (limit {memory_gb:g} GB address space)"
    if "exit -9" in text:
        return "killed by SIGKILL (the system's out-of-memory killer?)"
    return "failed: " + text.splitlines()[0][:200]


def run_negsim(case: HugeCase, args, warm: dict[int, Path]) -> None:
    r = case.results
    negsim = [args.negsim_python, "-m", "negsim"]
    cmd = [*negsim, "solve", str(case.yaml_path), "--format", "json"]
    warm_cmd = [*negsim, "solve", str(warm[case.parties]), "--format", "json"]
    log(f"[{case.label}] negsim whole process x{args.repeat}")
    r["negsim_whole"] = measure(cmd, args.repeat, args.max_seconds, args.max_seconds, warm_cmd)
    log(f"    median {fmt_s(r['negsim_whole'].median)} s ({r['negsim_whole'].error or 'ok'})")
    log(f"[{case.label}] negsim in process x{args.repeat}")
    try:
        r["negsim_inproc"] = run_json(
            [
                args.negsim_python,
                str(HERE / "bench_huge.py"),
                "--negsim-worker",
                str(case.yaml_path),
                "--warm",
                str(warm[case.parties]),
                "--repeat",
                str(args.repeat),
                "--max-seconds",
                str(args.max_seconds),
            ],
            args.max_seconds * 3,
        )
        log(f"    median {fmt_s(med(r['negsim_inproc']['total']))} s")
    except (RuntimeError, subprocess.TimeoutExpired, json.JSONDecodeError) as error:
        r["negsim_inproc_error"] = str(error).splitlines()[0]
        log(f"    failed: {r['negsim_inproc_error']}")
    if case.negmas and args.negmas_python:
        try:
            out = subprocess.run(
                cmd,
                capture_output=True,
                text=True,
                timeout=args.max_seconds,
                check=True,
                env=bench_solve.CHILD_ENV,
            )
            r["negsim_json"] = summarize_negsim_json(json.loads(out.stdout))
        except (subprocess.SubprocessError, json.JSONDecodeError, KeyError) as error:
            r["negsim_json_error"] = str(error).splitlines()[0]


def run_negmas(case: HugeCase, args, warm_json: Path) -> None:
    if not case.negmas or not args.negmas_python:
        return
    r = case.results
    worker = [args.negmas_python, str(HERE / "bench_solve_negmas.py")]
    repeat = args.repeat if case.negmas == "full" else 1
    log(f"[{case.label}] NegMAS in process x{repeat} (budget {args.max_seconds:.0f} s per run)")
    budget = ["--max-seconds", str(args.max_seconds)]
    cmd = limited(
        [*worker, "time", "--spec", str(case.json_path), "--repeat", str(repeat), *budget],
        args.memory_gb,
    )
    # the child stops repeating once its runs add up to --max-seconds; one more run may
    # have started just before, so the child's limit is twice that (plus start-up)
    limit = args.max_seconds * 2 + 30 if repeat > 1 else args.max_seconds
    t0 = time.perf_counter()
    try:
        r["negmas_inproc"] = run_json(cmd, limit)
        log(f"    median {fmt_s(med(r['negmas_inproc']['total']))} s")
    except (RuntimeError, subprocess.TimeoutExpired, json.JSONDecodeError) as error:
        wall = time.perf_counter() - t0
        r["negmas_stopped"] = why_stopped(error, limit, args.memory_gb)
        r["negmas_stopped_wall"] = wall
        log(f"    stopped after {wall:.0f} s: {r['negmas_stopped']}")
        return
    log(f"[{case.label}] NegMAS whole process x{repeat}")
    runs = Runs()
    try:
        run_once([*worker, "run", "--spec", str(warm_json)], args.max_seconds)
    except (TimeoutError, RuntimeError, OSError) as error:
        runs.error = "warm-up: " + str(error).splitlines()[0]
    for _ in range(repeat if runs.error is None else 0):
        try:
            elapsed, peak, cpu = run_once(
                limited([*worker, "run", "--spec", str(case.json_path)], args.memory_gb),
                args.max_seconds,
            )
        except (TimeoutError, RuntimeError, OSError) as error:
            runs.error = why_stopped(error, args.max_seconds, args.memory_gb)
            break
        runs.times.append(elapsed)
        runs.peaks.append(peak)
        runs.cpu.append(cpu)
        if sum(runs.times) > args.max_seconds:
            break
    r["negmas_whole"] = runs
    log(f"    median {fmt_s(runs.median)} s ({runs.error or 'ok'})")


# --------------------------------------------------------------------------------------------
# Report


def packages(case: HugeCase) -> str:
    return f"10^{case.issues}"


def target_text(case: HugeCase) -> str:
    parts = []
    if "whole" in case.targets:
        parts.append(f"whole < {case.targets['whole']:g} s")
    if "inproc" in case.targets:
        parts.append(f"in-process < {case.targets['inproc']:g} s")
    if case.negmas == "full":
        parts.append("faster than NegMAS")
    if case.negmas == "attempt":
        parts.append("where NegMAS stops")
    return "; ".join(parts)


def met_text(case: HugeCase) -> str:
    r = case.results
    whole = r.get("negsim_whole", Runs()).median
    inproc = med(r.get("negsim_inproc", {}).get("total"))
    verdicts = []
    for key, value in (("whole", whole), ("inproc", inproc)):
        if key in case.targets:
            ok = value is not None and value < case.targets[key]
            where = " (whole)" if key == "whole" else " (in)"
            verdicts.append(("yes" if ok else "**no**") + where)
    if case.negmas == "full":
        negmas = r.get("negmas_whole", Runs()).median
        if negmas is not None and whole is not None:
            verdicts.append("yes" if negmas > whole else "**no**")
        else:
            verdicts.append("NegMAS " + (r.get("negmas_stopped") or "not run"))
    if case.negmas == "attempt":
        verdicts.append(
            f"NegMAS: {r['negmas_stopped']}" if "negmas_stopped" in r else "NegMAS finished"
        )
    return "; ".join(verdicts)


def negmas_text(case: HugeCase, args) -> str:
    r = case.results
    if not case.negmas:
        return ""
    if not args.negmas_python:
        return "not run"
    if "negmas_stopped" in r:
        return r["negmas_stopped"]
    whole = r.get("negmas_whole", Runs())
    if whole.times:
        return fmt_s(whole.median)
    inproc = med(r.get("negmas_inproc", {}).get("total"))
    return f"{fmt_s(inproc)} in process; whole: {whole.error}"


def main_table(cases: list[HugeCase], args) -> list[str]:
    lines = [
        "| case | packages | parties | method | negsim whole-process s | negsim in-process s "
        "| NegMAS s | ratio | target | met? |",
        "|---|---:|---:|---|---:|---:|---:|---:|---|---|",
    ]
    for case in cases:
        r = case.results
        whole: Runs = r.get("negsim_whole", Runs())
        inproc = r.get("negsim_inproc", {})
        method = "?" if "merged" not in inproc else ("merged" if inproc["merged"] else "enumerated")
        negmas = r.get("negmas_whole", Runs()).median
        ratio = f"{negmas / whole.median:.0f}x" if negmas and whole.median else ""
        whole_text = fmt_s(whole.median) if whole.times else f"failed ({whole.error})"
        lines.append(
            f"| {case.label} | {packages(case)} | {case.parties} | {method} | {whole_text} "
            f"| {fmt_s(med(inproc.get('total')))} | {negmas_text(case, args)} | {ratio} "
            f"| {target_text(case)} | {met_text(case)} |"
        )
    return lines


def detail_table(cases: list[HugeCase]) -> list[str]:
    lines = [
        "| case | negsim load s | negsim `solve` s | negsim in-process CPU s | negsim whole CPU s "
        "| negsim peak RSS | Pareto IR (vectors) | NegMAS in-process s | NegMAS peak RSS "
        "| runs negsim whole/in/NegMAS whole/in |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for case in cases:
        r = case.results
        ns = r.get("negsim_inproc", {})
        whole: Runs = r.get("negsim_whole", Runs())
        nm = r.get("negmas_inproc", {})
        nm_whole: Runs = r.get("negmas_whole", Runs())
        runs = f"{len(whole.times)}/{len(ns.get('total', []))}"
        if case.negmas:
            runs += f"/{len(nm_whole.times)}/{len(nm.get('total', []))}"
        lines.append(
            f"| {case.label} | {fmt_s(med(ns.get('load')))} | {fmt_s(med(ns.get('solve')))} "
            f"| {fmt_s(med(ns.get('cpu')))} | {fmt_s(whole.cpu_median)} | {fmt_mb(whole.peak)} "
            f"| {ns.get('pareto_individually_rational', '–')} "
            f"| {fmt_s(med(nm.get('total'))) if nm else '–'} "
            f"| {fmt_mb(nm_whole.peak) if nm_whole.times else '–'} | {runs} |"
        )
    return lines


def agreement_lines(cases: list[HugeCase]) -> list[str]:
    """``bench_solve.agreement`` on the cases both tools ran."""
    both = []
    for case in cases:
        if "negsim_json" in case.results and "negmas_inproc" in case.results:
            path, results = case.yaml_path or Path(), case.results
            both.append(Case(case.label, "synthetic", case.packages, path, [], True, "", results))
    if not both:
        return ["No case where both ran."]
    lines, problems = agreement(both)
    if problems:
        lines += ["", *[f"- {p}" for p in problems]]
    else:
        lines += ["", "No difference."]
    return lines


# --------------------------------------------------------------------------------------------
# Main


def parse_args(argv: list[str] | None):
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--negsim-worker", metavar="FILE", help=argparse.SUPPRESS)
    parser.add_argument("--warm", help=argparse.SUPPRESS)
    parser.add_argument("--repeat", type=int, default=5, help="runs per measurement (5)")
    parser.add_argument(
        "--max-seconds",
        type=float,
        default=120.0,
        help="one NegMAS run's budget, and the total after which a measurement stops "
        "repeating (120)",
    )
    parser.add_argument(
        "--memory-gb",
        type=float,
        default=12.0,
        help="address-space limit of each NegMAS run, GB (12; 0 for none)",
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
    parser.add_argument("--only", nargs="+", default=None, help="case labels, e.g. '2p 1e20'")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--workdir", default=None, help="keep the generated scenarios here")
    parser.add_argument("--json-out", default=None, help="also write every measurement as JSON")
    args = parser.parse_args(argv)
    if args.negsim_python is None:
        args.negsim_python = str(NEGSIM_PYTHON) if NEGSIM_PYTHON.exists() else sys.executable
    if args.negmas_python is None:
        args.negmas_python = str(NEGMAS_PYTHON) if NEGMAS_PYTHON.exists() else None
    elif args.negmas_python.lower() == "none":
        args.negmas_python = None
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.negsim_worker:
        result = negsim_worker(args.negsim_worker, args.warm, args.repeat, args.max_seconds)
        print(json.dumps(result))
        return 0
    cases = [c for c in CASES if args.only is None or c.label in args.only]
    if args.workdir:
        workdir = Path(args.workdir)
        workdir.mkdir(parents=True, exist_ok=True)
        cleanup = None
    else:
        cleanup = tempfile.mkdtemp(prefix="negsim-bench-huge-")
        workdir = Path(cleanup)
    bench_solve.CHILD_ENV = child_env(workdir, keep=False)
    try:
        warm = write_cases(cases, workdir, args.seed)
        args.load_start = os.getloadavg()
        started = time.perf_counter()
        for case in cases:
            run_negsim(case, args, warm)
        for case in cases:
            run_negmas(case, args, workdir / "warm-up-2p.json")
        elapsed = time.perf_counter() - started
        report = [
            "## Environment",
            "",
            *environment(args),
            f"- NegMAS runs: budget {args.max_seconds:.0f} s per run, address space limited "
            f"to {args.memory_gb:g} GB",
            "",
            f"Benchmark wall time: {elapsed:.0f} s.",
            "",
            "## Times (median)",
            "",
            *main_table(cases, args),
            "",
            "Ratio: NegMAS whole process / negsim whole process. In process: load + solve.",
            "",
            "## Detail",
            "",
            *detail_table(cases),
            "",
            "## Agreement",
            "",
            *agreement_lines(cases),
        ]
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
