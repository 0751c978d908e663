"""Speed and memory of building an outcome space: YAML text -> Scenario -> OutcomeSpace.

Cases (two parties each):

* ``1M``: 6 categorical issues x 10 options = 1,000,000 packages (target: < 1 s, < 200 MB);
* ``1M-constrained``: the same with two interactions and a constraint (the feasible-subset path);
* ``10M``: 7 issues x 10 options = 10,000,000 packages.

Every case runs in a fresh Python process so that ``ru_maxrss`` (the peak resident size of
that process, interpreter and imports included) belongs to it alone. Times are medians of
``--repeat`` runs (``time.perf_counter``); ``traced peak`` is the ``tracemalloc`` peak of one
extra run, which counts numpy's array allocations.

Usage::

    python benchmarks/bench_space.py [--repeat 5] [--case 1M --case 10M]
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc

CASES = {"1M": (6, False), "1M-constrained": (6, True), "10M": (7, False)}
N_OPTIONS = 10
MB = 1024**2


def scenario_text(n_issues: int, constrained: bool) -> str:
    """A two-party scenario of ``n_issues`` issues with ``N_OPTIONS`` options each, as YAML."""
    issues = [f"i{k}" for k in range(n_issues)]
    options = [f"o{j}" for j in range(N_OPTIONS)]
    lines = ["negsim: 1", f"name: bench {n_issues} x {N_OPTIONS}", "issues:"]
    for issue in issues:
        lines.append(f"  {issue}: {{options: [{', '.join(options)}]}}")
    lines.append("parties:")
    for p, party in enumerate(("buyer", "seller")):
        weights = ", ".join(f"{issue}: {1 + (k + p) % 3}" for k, issue in enumerate(issues))
        lines += [f"  {party}:", f"    weights: {{{weights}}}", "    values:"]
        for k, issue in enumerate(issues):
            # buyer prefers low options, seller high ones, with issue-dependent curvature
            values = [
                round(((j if p else N_OPTIONS - 1 - j) / (N_OPTIONS - 1)) ** (0.5 + k / 4), 6)
                for j in range(N_OPTIONS)
            ]
            pairs = ", ".join(f"{o}: {v}" for o, v in zip(options, values, strict=True))
            lines.append(f"      {issue}: {{{pairs}}}")
        lines.append(f"    disagreement: {0.2 + 0.1 * p}")
        if constrained:
            lines += [
                "    interactions:",
                f"      - {{when: {{i0: [o0, o1], i1: o9}}, value: {0.05 * (p + 1)}}}",
                "      - {when: {i2: o5}, value: -0.03}",
            ]
    if constrained:
        lines += ["constraints:", "  - {forbid: {i0: o9, i3: [o0, o1, o2]}}"]
    return "\n".join(lines) + "\n"


def build_directly(n_issues: int, constrained: bool):
    """The same scenario built from model records, if the YAML loader is unavailable."""
    from negsim.format.model import (
        CategoricalIssue,
        CategoricalValues,
        Condition,
        Constraint,
        Interaction,
        Lottery,
        Party,
        Protocol,
    )
    from negsim.format.scenario import Scenario

    options = tuple(f"o{j}" for j in range(N_OPTIONS))
    issues = tuple(CategoricalIssue(f"i{k}", options, f"i{k}") for k in range(n_issues))
    parties = []
    for p, name in enumerate(("buyer", "seller")):
        raw = [1 + (k + p) % 3 for k in range(n_issues)]
        weights = {issue.name: w / sum(raw) for issue, w in zip(issues, raw, strict=True)}
        values = {
            issue.name: CategoricalValues(
                tuple(
                    round(((j if p else N_OPTIONS - 1 - j) / (N_OPTIONS - 1)) ** (0.5 + k / 4), 6)
                    for j in range(N_OPTIONS)
                )
            )
            for k, issue in enumerate(issues)
        }
        interactions = ()
        if constrained:
            interactions = (
                Interaction(
                    (Condition("i0", options=("o0", "o1")), Condition("i1", options=("o9",))),
                    0.05 * (p + 1),
                ),
                Interaction((Condition("i2", options=("o5",)),), -0.03),
            )
        parties.append(
            Party(
                name,
                name,
                weights,
                values,
                interactions=interactions,
                disagreement=Lottery.sure(0.2 + 0.1 * p),
                trust={issue.name: 1.0 for issue in issues},
            )
        )
    constraints = ()
    if constrained:
        constraints = (
            Constraint(
                (Condition("i0", options=("o9",)), Condition("i3", options=("o0", "o1", "o2")))
            ),
        )
    recognition = {"buyer": 0.5, "seller": 0.5}
    protocol = Protocol("alternating_offers", "buyer", None, 0.0, recognition, "unanimity", True)
    return Scenario("bench", issues, tuple(parties), protocol, constraints=constraints)


def run_case(name: str, repeat: int) -> dict:
    """Time one case in this process; returns the measurements."""
    import numpy as np

    from negsim.space import OutcomeSpace

    try:
        from negsim.format.loader import load_scenario_text
    except ImportError:
        load_scenario_text = None

    n_issues, constrained = CASES[name]
    text = scenario_text(n_issues, constrained)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024

    def once():
        start = time.perf_counter()
        if load_scenario_text is not None:
            scenario = load_scenario_text(text, "bench.yaml")
        else:
            scenario = build_directly(n_issues, constrained)
        loaded = time.perf_counter()
        space = OutcomeSpace.from_scenario(scenario)
        done = time.perf_counter()
        return space, loaded - start, done - loaded

    loads, spaces = [], []
    for _ in range(repeat):
        space, load_time, space_time = once()
        loads.append(load_time)
        spaces.append(space_time)
        checksum = float(np.sum(space.utilities[:, :: max(1, space.n_feasible // 1000)]))
        shape = (space.n_packages, space.n_feasible)
        del space
    rss_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024

    tracemalloc.start()
    space, _, _ = once()
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del space

    totals = [a + b for a, b in zip(loads, spaces, strict=True)]
    return {
        "case": name,
        "loader": "yaml" if load_scenario_text is not None else "direct",
        "packages": shape[0],
        "feasible": shape[1],
        "load_s": statistics.median(loads),
        "space_s": statistics.median(spaces),
        "total_s": statistics.median(totals),
        "traced_peak_mb": traced_peak / MB,
        "rss_before_mb": rss_before / MB,
        "rss_peak_mb": rss_peak / MB,
        "checksum": checksum,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs per case (median)")
    parser.add_argument("--case", action="append", choices=list(CASES), help="cases to run")
    parser.add_argument("--child", choices=list(CASES), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_case(args.child, args.repeat)))
        return

    rows = []
    for name in args.case or list(CASES):
        output = subprocess.run(
            [sys.executable, __file__, "--child", name, "--repeat", str(args.repeat)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        rows.append(json.loads(output.strip().splitlines()[-1]))

    print(f"negsim outcome space, 2 parties, median of {args.repeat} runs")
    header = (
        f"{'case':<15} {'loader':<6} {'packages':>11} {'feasible':>11} {'load s':>7} "
        f"{'space s':>8} {'total s':>8} {'traced MB':>10} {'rss MB':>8} {'rss0 MB':>8}"
    )
    print(header)
    print("-" * len(header))
    for row in rows:
        print(
            f"{row['case']:<15} {row['loader']:<6} {row['packages']:>11,} {row['feasible']:>11,} "
            f"{row['load_s']:>7.3f} {row['space_s']:>8.3f} {row['total_s']:>8.3f} "
            f"{row['traced_peak_mb']:>10.1f} {row['rss_peak_mb']:>8.1f} "
            f"{row['rss_before_mb']:>8.1f}"
        )
    print(
        "traced MB: tracemalloc peak of one run (numpy arrays included); rss MB: ru_maxrss of "
        "the case's process; rss0 MB: ru_maxrss after imports, before the first run."
    )
    one_million = next((r for r in rows if r["case"] == "1M"), None)
    if one_million is not None:
        fast = one_million["total_s"] < 1.0
        small = one_million["rss_peak_mb"] < 200
        print(
            f"target 1M < 1 s: {'met' if fast else 'MISSED'}; "
            f"< 200 MB (rss): {'met' if small else 'MISSED'}"
        )


if __name__ == "__main__":
    main()
