"""Speed of the screening solver: a seller's offers over a deadline against a buyer whose
value is private (DL-01's model), with N quantile types.

Times the whole ``negsim.analysis.pipeline.solve`` (space, frontier, equilibrium and screening) and
the screening solver alone, median of ``--repeat`` runs. Target: 2001 types and a
deadline of 10 rounds in under 2 s.

Usage::

    python benchmarks/bench_screening.py [--types 2001] [--deadline 10] [--repeat 5]
"""

from __future__ import annotations

import argparse

from timing import median_time

from negsim.analysis.pipeline import solve
from negsim.analysis.screening import screening
from negsim.format.loader import scenario_from_data
from negsim.space import OutcomeSpace


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
    parser.add_argument("--types", type=int, default=2001)
    parser.add_argument("--deadline", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    data = scenario(args.types, args.deadline)
    loaded = scenario_from_data(data)
    space = OutcomeSpace.from_scenario(loaded)
    whole = median_time(lambda: solve(loaded), args.repeat)
    alone = median_time(lambda: screening(space), args.repeat)
    result = screening(space)
    assert result is not None
    print(f"screening, {args.types} types, deadline {args.deadline}; median of {args.repeat}")
    print(f"  negsim.analysis.pipeline.solve (everything)  {whole:8.3f} s")
    verdict = "met" if alone < 2.0 else "MISSED"
    print(f"  screening solver alone              {alone:8.3f} s   target < 2 s: {verdict}")
    print(f"  final-round share {result.final_round_share:.4f}, no agreement "
          f"{result.solution.no_agreement_probability:.4f}")  # fmt: skip


if __name__ == "__main__":
    main()
