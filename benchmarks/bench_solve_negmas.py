"""NegMAS side of ``bench_solve.py``: load a scenario, compute its Pareto frontier and Nash point.

Runs in the NegMAS virtual environment (``bench_solve_setup.sh``), never in negsim's: NegMAS
is a peer library used only by this benchmark.

Scenarios:

* ``--spec FILE.json``: a synthetic scenario from ``bench_solve.synthetic_spec``; built as
  ``negmas.outcomes.make_issue`` / ``make_os`` and one ``LinearAdditiveUtilityFunction`` per
  party (``TableFun`` values, weights, ``reserved_value`` = the disagreement utility), with
  the same numbers negsim reads from the YAML.
* ``--genius DOMAIN.xml --profile P1.xml --profile P2.xml``: NegMAS's own GENIUS loader,
  ``negmas.inout.Scenario.from_genius_files(domain, profiles, ignore_discount=True)``.
  That loader keeps the raw ``evaluation`` numbers (e.g. 0 to 1000) while the reservation
  value is on GENIUS's normalized 0-1 scale, so the worker then rebuilds each ufun with
  GENIUS's normalization (evaluation / issue maximum, weights / their sum), the numbers
  ``benchmarks/genius.py`` gives negsim. Discounting is ignored (it does not move the
  frontier or the Nash point; with it NegMAS wraps each ufun in a discounted one).

Computation (NegMAS 0.16 API)::

    frontier, indices = negmas.pareto_frontier(ufuns, issues=outcome_space.issues)
    nash = negmas.nash_points(ufuns, frontier, outcome_space=outcome_space)

``pareto_frontier`` keeps only rational outcomes (utility >= reserved value for every
party), as negsim's individually rational frontier. ``nash_points`` with default ranges
uses ``max(reserved value, minimum utility)`` as each party's disagreement point; the
``time`` mode also calls it with ``ranges=[(reserved, max)]``, which makes the reserved
value the disagreement point (negsim's convention), for the agreement check (untimed).

Modes::

    python bench_solve_negmas.py run  --spec S.json        # one run, prints nothing
    python bench_solve_negmas.py time --spec S.json --repeat 5   # JSON: times and results
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import warnings
from pathlib import Path

warnings.filterwarnings("ignore")  # NegMAS warns that big outcome spaces are slow

import negmas  # noqa: E402
from negmas import LinearAdditiveUtilityFunction, nash_points, pareto_frontier  # noqa: E402
from negmas.inout import Scenario  # noqa: E402
from negmas.outcomes import make_issue, make_os  # noqa: E402
from negmas.preferences.value_fun import TableFun  # noqa: E402


def build_synthetic(path: str | dict):
    """The outcome space and the two ufuns of a ``synthetic_spec`` (its JSON file)."""
    spec = path if isinstance(path, dict) else json.loads(Path(path).read_text(encoding="utf-8"))
    issues = [make_issue(list(options), name=name) for name, options in spec["issues"]]
    outcome_space = make_os(issues, name=spec["name"])
    ufuns = []
    for party in spec["parties"]:
        values = {
            name: TableFun(dict(zip(options, row, strict=True)))
            for (name, options), row in zip(spec["issues"], party["values"], strict=True)
        }
        weights = {name: w for (name, _), w in zip(spec["issues"], party["weights"], strict=True)}
        ufuns.append(
            LinearAdditiveUtilityFunction(
                values=values,
                weights=weights,
                outcome_space=outcome_space,
                reserved_value=party["disagreement"],
                name=party["name"],
            )
        )
    return outcome_space, ufuns


def load_genius(domain: str, profiles: list[str]):
    """NegMAS's GENIUS loader, then GENIUS's normalization (see the module docstring)."""
    scenario = Scenario.from_genius_files(domain, profiles[:2], ignore_discount=True)
    if scenario is None:
        raise ValueError(f"NegMAS could not load {domain}")
    outcome_space = scenario.outcome_space
    ufuns = []
    for ufun in scenario.ufuns:
        if not isinstance(ufun, LinearAdditiveUtilityFunction):
            raise TypeError(f"not linear-additive: {type(ufun).__name__}")
        total = float(sum(ufun.weights))
        values = []
        for fun in ufun.values:
            top = max(fun.mapping.values())
            values.append(
                TableFun({k: (v / top if top > 0 else 0.0) for k, v in fun.mapping.items()})
            )
        ufuns.append(
            LinearAdditiveUtilityFunction(
                values=values,
                weights=[w / total for w in ufun.weights],
                outcome_space=outcome_space,
                reserved_value=ufun.reserved_value,
                name=ufun.name,
            )
        )
    return outcome_space, ufuns


def load(args):
    if args.spec:
        return build_synthetic(args.spec)
    return load_genius(args.genius, args.profile)


def frontier_and_nash(outcome_space, ufuns):
    frontier, indices = pareto_frontier(ufuns, issues=outcome_space.issues)
    t = time.perf_counter()
    nash = nash_points(ufuns, frontier, outcome_space=outcome_space)
    return frontier, indices, nash, time.perf_counter() - t


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("mode", choices=["run", "time"])
    parser.add_argument("--spec", help="synthetic scenario (JSON from bench_solve.py)")
    parser.add_argument("--genius", help="GENIUS domain XML")
    parser.add_argument("--profile", action="append", default=[], help="GENIUS profile XML")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--max-seconds", type=float, default=60.0)
    args = parser.parse_args(argv)
    if bool(args.spec) == bool(args.genius):
        parser.error("give --spec or --genius")

    if args.mode == "run":
        outcome_space, ufuns = load(args)
        frontier_and_nash(outcome_space, ufuns)
        return 0

    # warm-up, untimed: a 100-package scenario, so that lazy imports and first-call costs
    # are not charged to the first timed run
    from bench_solve import synthetic_spec  # benchmarks/bench_solve.py, next to this file

    frontier_and_nash(*build_synthetic(synthetic_spec(2)))
    loads, frontiers, nashes, totals = [], [], [], []
    cpus = []
    for _ in range(args.repeat):
        c0 = time.process_time()
        t0 = time.perf_counter()
        outcome_space, ufuns = load(args)
        t1 = time.perf_counter()
        frontier, _, nash, t_nash = frontier_and_nash(outcome_space, ufuns)
        t2 = time.perf_counter()
        cpus.append(time.process_time() - c0)
        loads.append(t1 - t0)
        frontiers.append(t2 - t1 - t_nash)
        nashes.append(t_nash)
        totals.append(t2 - t0)
        if sum(totals) > args.max_seconds:
            break
    # untimed: the same Nash point with the reserved values as disagreement point
    ranges = [u.minmax(outcome_space, above_reserve=False) for u in ufuns]
    reserved = [float(u.reserved_value) for u in ufuns]
    aligned = [(r, hi) for r, (lo, hi) in zip(reserved, ranges, strict=True)]
    nash_reservation = nash_points(ufuns, frontier, ranges=aligned)
    result = {
        "frontier_size": len(frontier),
        "frontier_points": [[float(x) for x in point] for point in frontier],
        "nash_default": [[float(x) for x in point] for point, _ in nash],
        "nash_reservation": [[float(x) for x in point] for point, _ in nash_reservation],
        "reserved": reserved,
        "ranges": [[float(lo), float(hi)] for lo, hi in ranges],
        "disagreement_default": [
            max(r, float(lo)) for r, (lo, _) in zip(reserved, ranges, strict=True)
        ],
    }
    print(
        json.dumps(
            {
                "version": negmas.__version__,
                "load": loads,
                "frontier": frontiers,
                "nash": nashes,
                "total": totals,
                "cpu": cpus,
                "result": result,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
