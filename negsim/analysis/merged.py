"""The Pareto frontier of a scenario's whole space without enumerating it: its independent
blocks of issues (:mod:`negsim.blocks`) merged by pruned Minkowski sums
(:mod:`negsim.solvers.merge`).

Example
-------
>>> from negsim.format.loader import load_scenario_text
>>> scenario = load_scenario_text('''
... negsim: 1
... name: three issues, two blocks
... issues:
...   a: {options: [x, y]}
...   b: {options: [x, y, z]}
...   c: {range: [0, 1], resolution: 5}
... constraints:
...   - {forbid: {a: x, b: z}}
... parties:
...   p: {values: {a: {x: 1, y: 0}, b: {x: 0, y: 1, z: 2}, c: {0: 0, 1: 1}}}
...   q: {values: {a: {x: 0, y: 1}, b: {x: 2, y: 1.5, z: 0}, c: {0: 1, 1: 0}}}
... ''')
>>> merged = merged_frontier(scenario)
>>> merged.n_packages, merged.n_feasible, merged.frontier.n_pareto
(30, 25, 12)
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from negsim.blocks import Block, issue_blocks
from negsim.format.scenario import Scenario
from negsim.solvers.merge import MergedFrontier, merged_pareto

__all__ = ["Merged", "merged_frontier"]


@dataclass(frozen=True)
class Merged:
    """The merged Pareto frontier of a scenario, with its packages.

    ``frontier`` holds the distinct Pareto-optimal utility vectors and their counts;
    ``levels`` is ``(n_issues, k)``, a package giving each vector (as level indices);
    ``n_packages`` is the size of the full grid and ``n_feasible`` of its feasible part,
    both exact integers.
    """

    frontier: MergedFrontier
    levels: np.ndarray
    n_packages: int
    n_feasible: int
    blocks: tuple[Block, ...]


def merged_frontier(scenario: Scenario) -> Merged:
    """The Pareto frontier of the scenario's whole space, merged block by block.

    Raises :class:`BlockTooLarge` for a block too large to enumerate, and ValueError
    ``"no feasible package"`` when a block has no feasible alternative.
    """
    blocks = issue_blocks(scenario)
    if any(block.utilities.shape[1] == 0 for block in blocks):
        raise ValueError("no feasible package")
    agreement = np.array([float(party.agreement_value) for party in scenario.parties])
    contributions = [block.utilities for block in blocks]
    contributions[-1] = contributions[-1] + agreement[:, None]
    frontier = merged_pareto(contributions)
    levels = np.zeros((len(scenario.issues), frontier.utilities.shape[1]), dtype=np.int64)
    for b, block in enumerate(blocks):
        levels[list(block.issues)] = block.levels[:, frontier.choices[b]]
    n_packages = math.prod(block.n_combinations for block in blocks)
    return Merged(frontier, levels, n_packages, frontier.n_packages, tuple(blocks))
