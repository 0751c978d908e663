"""Benchmark ``negsim simulate``: 10,000 negotiations of 100 rounds on 10,000 packages.

The scenario (built in memory, :data:`SCENARIO`): two numeric issues of 100 grid points each
(10,000 packages), opposed linear preferences with different weights, a deadline of 100
rounds, no breakdown risk (so runs last), a boulware agent (exponent 0.2) against a conceder
(exponent 2), and two private parameters drawn in every run. Target: under 2 s on this
machine for the simulation.

Timed, each as the median of ``--repeat`` runs (after one warm-up):

* ``space``: YAML text -> Scenario -> OutcomeSpace (10,000 packages);
* ``simulate``: :func:`negsim.studies.simulate.simulate` with ``--runs`` runs (frontier included).

Peer (``--negmas``, needs the NegMAS environment made by ``bench_solve_setup.sh``, default
``.bench-venv/bin/python`` of this clone): NegMAS 0.16's ``SAOMechanism`` (``n_steps=100``)
between a ``BoulwareTBNegotiator`` and a ``ConcederTBNegotiator`` on the same outcome space,
the same linear additive utilities (``LinearAdditiveUtilityFunction`` with ``TableFun`` values) and
the stated reservation values; ``--negmas-runs`` negotiations are timed one after another
and the time per negotiation is printed with the negsim figure per negotiation. The agents
are NegMAS's own (its concession curves, acceptance rule and offer choice differ from
negsim's), so this compares the cost of one negotiation, not its outcome.

Usage::

    python benchmarks/bench_simulate.py                # negsim only
    python benchmarks/bench_simulate.py --negmas       # and NegMAS
    python benchmarks/bench_simulate.py --runs 100000 --repeat 3
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

from timing import NEGMAS_PYTHON

N_LEVELS = 100
DEADLINE = 100
WEIGHTS = {"a": (0.6, 0.4), "b": (0.3, 0.7)}
RESERVED = {"a": 0.2, "b": 0.1}

SCENARIO = f"""\
negsim: 1
name: bench 10,000 packages
issues:
  x: {{range: [0, {N_LEVELS - 1}], resolution: {N_LEVELS}}}
  y: {{range: [0, {N_LEVELS - 1}], resolution: {N_LEVELS}}}
parties:
  a:
    weights: {{x: {WEIGHTS["a"][0]}, y: {WEIGHTS["a"][1]}}}
    values: {{x: {{0: 1, {N_LEVELS - 1}: 0}}, y: {{0: 1, {N_LEVELS - 1}: 0}}}}
    disagreement: {RESERVED["a"]}
  b:
    weights: {{x: {WEIGHTS["b"][0]}, y: {WEIGHTS["b"][1]}}}
    values: {{x: {{0: 0, {N_LEVELS - 1}: 1}}, y: {{0: 0, {N_LEVELS - 1}: 1}}}}
    disagreement: {RESERVED["b"]}
    discount: 0.99
protocol: {{deadline: {DEADLINE}}}
uncertainty:
  a.disagreement: {{uniform: [0.0, 0.4]}}
  b.discount: {{normal: {{mean: 0.99, sd: 0.005, min: 0.97, max: 1.0}}}}
simulation:
  agents: {{a: {{strategy: boulware, exponent: 0.2}}, b: {{strategy: conceder, exponent: 2.0}}}}
"""


def median_time(function, repeat: int) -> tuple[float, object]:
    function()  # warm-up
    times, value = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        value = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), value


def bench_negsim(runs: int, repeat: int) -> dict:
    from negsim.format.loader import load_scenario_text
    from negsim.space import OutcomeSpace
    from negsim.studies.simulate import simulate

    space_time, space = median_time(
        lambda: OutcomeSpace.from_scenario(load_scenario_text(SCENARIO, "bench.yaml")), repeat
    )
    assert isinstance(space, OutcomeSpace)
    sim_time, result = median_time(lambda: simulate(space, runs=runs, rng=0), repeat)
    data = result.to_dict()  # type: ignore[attr-defined]
    histogram = data["agreement_round_histogram"]
    agreements = sum(histogram)
    mean_round = sum(t * c for t, c in enumerate(histogram)) / agreements if agreements else None
    return {
        "packages": space.n_feasible,
        "runs": runs,
        "rounds": DEADLINE,
        "space_s": space_time,
        "simulate_s": sim_time,
        "per_negotiation_us": sim_time / runs * 1e6,
        "agreement_rate": data["agreement_rate"],
        "mean_agreement_round": mean_round,
    }


def negmas_worker(n_negotiations: int) -> None:
    """Runs inside the NegMAS environment; prints one JSON object."""
    import warnings

    warnings.filterwarnings("ignore")
    import negmas
    from negmas import LinearAdditiveUtilityFunction
    from negmas.outcomes import make_issue, make_os
    from negmas.preferences.value_fun import TableFun
    from negmas.sao import BoulwareTBNegotiator, ConcederTBNegotiator, SAOMechanism

    levels = list(range(N_LEVELS))
    issues = [make_issue(levels, name="x"), make_issue(levels, name="y")]
    outcome_space = make_os(issues, name="bench")

    def ufun(party: str, increasing: bool):
        table = {v: (v / (N_LEVELS - 1) if increasing else 1 - v / (N_LEVELS - 1)) for v in levels}
        return LinearAdditiveUtilityFunction(
            values={"x": TableFun(dict(table)), "y": TableFun(dict(table))},
            weights={"x": WEIGHTS[party][0], "y": WEIGHTS[party][1]},
            outcome_space=outcome_space,
            reserved_value=RESERVED[party],
        )

    def one():
        mechanism = SAOMechanism(outcome_space=outcome_space, n_steps=DEADLINE)
        mechanism.add(BoulwareTBNegotiator(name="a"), preferences=ufun("a", False))
        mechanism.add(ConcederTBNegotiator(name="b"), preferences=ufun("b", True))
        return mechanism.run()

    one()  # warm-up
    agreements, steps = 0, []
    start = time.perf_counter()
    for _ in range(n_negotiations):
        state = one()
        agreements += state.agreement is not None
        steps.append(state.step)
    elapsed = time.perf_counter() - start
    print(
        json.dumps(
            {
                "negmas_version": negmas.__version__,
                "negotiations": n_negotiations,
                "total_s": elapsed,
                "per_negotiation_ms": elapsed / n_negotiations * 1e3,
                "agreement_rate": agreements / n_negotiations,
                "mean_steps": sum(steps) / len(steps),
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--negmas", action="store_true", help="also time NegMAS's SAO")
    parser.add_argument("--negmas-python", default=str(NEGMAS_PYTHON))
    parser.add_argument("--negmas-runs", type=int, default=20)
    parser.add_argument("--worker", choices=["negmas"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker == "negmas":
        negmas_worker(args.negmas_runs)
        return

    result = bench_negsim(args.runs, args.repeat)
    print(
        f"negsim: {result['packages']:,} packages, {result['runs']:,} runs x "
        f"{result['rounds']} rounds (median of {args.repeat})"
    )
    print(f"  build space      {result['space_s'] * 1e3:8.1f} ms")
    print(
        f"  simulate         {result['simulate_s'] * 1e3:8.1f} ms  "
        f"({result['per_negotiation_us']:.2f} us per negotiation)  "
        f"target < 2000 ms: {'ok' if result['simulate_s'] < 2 else 'MISSED'}"
    )
    print(
        f"  agreement rate   {result['agreement_rate']:.4f}, "
        f"mean agreement round {result['mean_agreement_round']:.2f}"
    )
    if args.negmas:
        completed = subprocess.run(
            [
                args.negmas_python,
                str(Path(__file__).resolve()),
                "--worker",
                "negmas",
                "--negmas-runs",
                str(args.negmas_runs),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        if completed.returncode != 0:
            print(f"NegMAS failed:\n{completed.stderr[-2000:]}", file=sys.stderr)
            raise SystemExit(1)
        peer = json.loads(completed.stdout.strip().splitlines()[-1])
        per_negsim_ms = result["per_negotiation_us"] / 1e3
        print(
            f"NegMAS {peer['negmas_version']} SAOMechanism, Boulware vs Conceder TB "
            f"negotiators, {peer['negotiations']} negotiations"
        )
        print(
            f"  per negotiation  {peer['per_negotiation_ms']:8.1f} ms  "
            f"(agreement rate {peer['agreement_rate']:.2f}, mean steps {peer['mean_steps']:.1f})"
        )
        print(
            f"  negsim per negotiation {per_negsim_ms:.4f} ms: "
            f"{peer['per_negotiation_ms'] / per_negsim_ms:,.0f}x faster; "
            f"NegMAS for {result['runs']:,} negotiations would take about "
            f"{peer['per_negotiation_ms'] * result['runs'] / 1e3:,.0f} s"
        )


if __name__ == "__main__":
    main()
