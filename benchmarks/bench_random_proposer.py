"""Speed of the random-proposer (Baron-Ferejohn) solver on a pie.

A unit pie split among ``n`` parties (resolution 2: the corners; lotteries give every
division), recognition drawn from a flat Dirichlet distribution and discount factors from
``[0.8, 0.99]`` (fixed seed), majority and unanimity, and both again with the first two
parties perfectly patient (discount 1; rule ``+patient``). Timed, median of ``--repeat`` runs
(``time.perf_counter``), after one warm-up run (which pays for SciPy's import):

* ``stationary``: :func:`negsim.solvers.random_proposer.random_proposer` without a deadline
  (the stationary equilibrium with mixing, Eraslan 2002), given the offer set;
* ``equilibrium()``: the whole equilibrium of the scenario, the offer set (hull) built
  inside, as ``negsim solve`` runs it;
* ``deadline``: backward induction over ``--rounds`` rounds.

Target: 15 parties in under 1 s.

Usage::

    python benchmarks/bench_random_proposer.py [--repeat 7] [--rounds 100] [--sizes 3 9 15 25]
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))

from timing import median_time

from negsim.analysis.equilibrium import equilibrium, preferences
from negsim.analysis.offers import offer_space
from negsim.format.loader import load_scenario_text
from negsim.solvers.random_proposer import random_proposer
from negsim.space import OutcomeSpace


def scenario_text(n: int, rule: str, seed: int = 0, patient: bool = False) -> str:
    """``n`` parties dividing a pie, random recognition and discounts (module docstring);
    with ``patient`` the first two do not discount."""
    rng = np.random.default_rng(seed)
    recognition = [round(float(x), 9) for x in rng.dirichlet(np.ones(n))]
    recognition[-1] = round(1 - sum(recognition[:-1]), 12)
    discount = [round(float(x), 4) for x in rng.uniform(0.8, 0.99, n)]
    if patient:
        discount[:2] = [1.0, 1.0]
    members = "\n".join(f"  p{i}: {{discount: {discount[i]!r}}}" for i in range(n))
    chances = ", ".join(f"p{i}: {recognition[i]!r}" for i in range(n))
    return (
        f"negsim: 1\nname: Pie of {n}\nissues:\n  pie: {{split: {{total: 1}}, resolution: 2}}\n"
        f"parties:\n{members}\nprotocol: {{kind: random_proposer, rule: {rule}, "
        f"lotteries: true, recognition: {{{chances}}}}}\n"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--rounds", type=int, default=100)
    parser.add_argument("--sizes", type=int, nargs="+", default=[3, 9, 15])
    args = parser.parse_args()

    print(f"median of {args.repeat} runs, seconds")
    print(f"{'n':>3} {'rule':<18} {'stationary':>11} {'equilibrium()':>14} {'deadline':>10}")
    variants = [(r, p) for p in (False, True) for r in ("majority", "unanimity")]
    for n in args.sizes:
        for rule, patient in variants:
            text = scenario_text(n, rule, patient=patient)
            scenario = load_scenario_text(text, f"bench-{n}.yaml")
            space = OutcomeSpace.from_scenario(scenario)
            offers = offer_space(space)
            prefs = preferences(scenario, space.disagreement)
            recognition = np.array(
                [scenario.protocol.recognition[name] for name in scenario.party_names]
            )
            recognition = recognition / recognition.sum()

            def stationary(offers=offers, prefs=prefs, r=recognition, rule=rule) -> object:
                return random_proposer(offers.offers, prefs, r, rule, None)

            def whole(space=space) -> object:
                return equilibrium(space)

            deadline_space = OutcomeSpace.from_scenario(
                replace(scenario, protocol=replace(scenario.protocol, deadline=args.rounds))
            )

            def deadline(space=deadline_space) -> object:
                return equilibrium(space)

            found = stationary()
            assert found.convergence is not None and found.convergence.converged
            timings = [median_time(f, args.repeat) for f in (stationary, whole, deadline)]
            label = rule + (" +patient" if patient else "")
            print(f"{n:>3} {label:<18} {timings[0]:>11.4f} {timings[1]:>14.4f} {timings[2]:>10.4f}")


if __name__ == "__main__":
    main()
