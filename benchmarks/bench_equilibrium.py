"""Speed of the subgame-perfect equilibrium solvers on a large outcome space.

A two-party scenario of 6 issues x 10 options (1,000,000 packages, the ``1M`` case of
``bench_space.py``) is loaded and its Pareto frontier and hull built once; then timed,
median of ``--repeat`` runs (``time.perf_counter``):

* backward induction with a 1000-round deadline on the hull's frontier (lotteries) and
  on single packages (``lotteries: false``);
* the infinite-horizon (stationary Rubinstein) equilibrium on the hull's frontier;
* the whole ``equilibrium()`` call given the Pareto mask (the hull built inside).

Targets: 1000 rounds in under 1 s and the infinite horizon in under 0.1 s, after the hull.

Usage::

    python benchmarks/bench_equilibrium.py [--repeat 7]
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))

from bench_space import scenario_text
from timing import median_time

from negsim.analysis.equilibrium import equilibrium, preferences
from negsim.analysis.offers import offer_space
from negsim.format.loader import load_scenario_text
from negsim.solvers import frontier
from negsim.solvers.alternating import backward_induction, stationary_two_party
from negsim.space import OutcomeSpace


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--rounds", type=int, default=1000)
    args = parser.parse_args()

    text = scenario_text(6, False)
    scenario = load_scenario_text(text, "bench-1M.yaml")
    scenario = replace(
        scenario,
        parties=tuple(
            replace(party, discount=discount)
            for party, discount in zip(scenario.parties, (0.99, 0.98), strict=True)
        ),
    )
    space = OutcomeSpace.from_scenario(scenario)
    started = time.perf_counter()
    efficient = frontier.pareto_mask(space.utilities)
    hull_offers = offer_space(space, efficient)
    hull_seconds = time.perf_counter() - started
    pure_space = replace(
        space, scenario=replace(scenario, protocol=replace(scenario.protocol, lotteries=False))
    )
    pure_offers = offer_space(pure_space, efficient)
    prefs = preferences(scenario, space.disagreement)

    def proposer(t: int) -> int:
        return t % 2

    low, high = hull_offers.own_range
    rows = [
        ("frontier + hull (once)", hull_seconds, None),
        (
            f"backward induction, {args.rounds} rounds, hull",
            median_time(
                lambda: backward_induction(hull_offers.offers, prefs, args.rounds, proposer),
                args.repeat,
            ),
            1.0,
        ),
        (
            f"backward induction, {args.rounds} rounds, single packages",
            median_time(
                lambda: backward_induction(pure_offers.offers, prefs, args.rounds, proposer),
                args.repeat,
            ),
            1.0,
        ),
        (
            "stationary (no deadline), hull",
            median_time(
                lambda: stationary_two_party(hull_offers.offers, prefs, 0, (low[0], high[0])),
                args.repeat,
            ),
            0.1,
        ),
        (
            "equilibrium(), no deadline (Pareto mask given, hull built)",
            median_time(lambda: equilibrium(space, efficient), args.repeat),
            None,
        ),
    ]
    print(
        f"negsim equilibrium solvers, {space.n_packages:,} packages, "
        f"{int(efficient.sum())} Pareto-optimal, {hull_offers.positions.size} hull vertices; "
        f"median of {args.repeat} runs"
    )
    print(f"{'what':<58} {'seconds':>9}  target")
    for name, seconds, target in rows:
        verdict = (
            ""
            if target is None
            else (f"< {target:g} s: " + ("met" if seconds < target else "MISSED"))
        )
        print(f"{name:<58} {seconds:9.4f}  {verdict}")
    solution = backward_induction(hull_offers.offers, prefs, args.rounds, proposer)
    stationary = stationary_two_party(hull_offers.offers, prefs, 0, (low[0], high[0]))
    assert stationary is not None
    print(
        "round-0 utilities, 1000 rounds:",
        np.round(solution.rounds[0].offer.utilities, 9),
        " no deadline:",
        np.round(stationary.offers[0].utilities, 9),
    )


if __name__ == "__main__":
    main()
