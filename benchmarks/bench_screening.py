"""Speed of the screening solver: a seller's offers over a deadline against a buyer whose
value is private (DL-01's model), on a grid of N quantile types.

Times the whole ``negsim.analysis.pipeline.solve`` (space, frontier, equilibrium and
screening, which solves the grid and half of it for the error estimate) and the
screening solver alone (one grid), median of ``--repeat`` runs, with single packages
(the price grid of 1001 packages: ``lotteries: false``, the format's default) and with
lotteries. Target: 12,801 types and a deadline of 10 rounds in under 2 s (the whole
solve) and 300 MB; measure the memory of a whole command with
``/usr/bin/time -v python benchmarks/bench_screening.py --repeat 1``.

Usage::

    python benchmarks/bench_screening.py [--types 12801] [--deadline 10] [--repeat 5]
"""

from __future__ import annotations

import argparse
import copy

from timing import median_time

from negsim.analysis.pipeline import solve
from negsim.analysis.screening import screening
from negsim.format.loader import scenario_from_data
from negsim.space import OutcomeSpace

TARGET_SECONDS = 2.0


def scenario(types: int, deadline: int) -> dict:
    return {
        "negsim": 1,
        "name": f"seller offers, {types} buyer types, deadline {deadline}",
        "issues": {"price": {"range": [0, 1], "resolution": 1001}},
        "parties": {
            "seller": {"values": {"price": {0: 0, 1: 1}}, "discount": 0.9},
            "buyer": {"values": {"price": {0: 1, 1: 0}}, "agreement_value": -0.5,
                      "discount": 0.9},
        },
        "protocol": {"kind": "one_sided", "first_proposer": "seller", "deadline": deadline},
        "uncertainty": {"buyer.agreement_value": {"uniform": [-1, 0], "types": types}},
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--types", type=int, default=12801)
    parser.add_argument("--deadline", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print(f"screening, {args.types} types, deadline {args.deadline}; median of {args.repeat}")
    for lotteries in (False, True):
        data = copy.deepcopy(scenario(args.types, args.deadline))
        data["protocol"]["lotteries"] = lotteries
        loaded = scenario_from_data(data)
        space = OutcomeSpace.from_scenario(loaded)
        whole = median_time(lambda loaded=loaded: solve(loaded), args.repeat)
        result = screening(space)
        assert result is not None and result.discretization is not None
        alone = median_time(lambda space=space: screening(space), args.repeat)
        verdict = "met" if whole < TARGET_SECONDS else "MISSED"
        print(f"  lotteries {str(lotteries).lower():5}  whole solve {whole:6.3f} s "
              f"(target < {TARGET_SECONDS:g} s: {verdict}); screening block {alone:6.3f} s; "
              f"error estimate {result.discretization.error:.1e}; no agreement "
              f"{result.solution.no_agreement_probability:.4f}")  # fmt: skip


if __name__ == "__main__":
    main()
