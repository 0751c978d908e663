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
from negsim.blocks import components as issue_components_of
from negsim.format.levels import issue_levels
from negsim.format.scenario import Scenario
from negsim.memory import estimate_bytes, limit_bytes
from negsim.solvers.merge import MergedFrontier, merged_pareto
from negsim.space import OutcomeSpace, issue_utility

__all__ = ["ENUMERATE_UP_TO", "Merged", "merged_frontier", "merged_space", "outcome_space"]


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
    ranks = []  # each block's levels in its issues' rows: representatives in grid order
    for block in blocks:
        rank = np.zeros((len(scenario.issues), block.levels.shape[1]), dtype=np.int64)
        rank[list(block.issues)] = block.levels
        ranks.append(rank)
    frontier = merged_pareto(contributions, ranks=ranks)
    levels = np.zeros((len(scenario.issues), frontier.utilities.shape[1]), dtype=np.int64)
    for b, block in enumerate(blocks):
        levels[list(block.issues)] = block.levels[:, frontier.choices[b]]
    n_packages = math.prod(block.n_combinations for block in blocks)
    return Merged(frontier, levels, n_packages, frontier.n_packages, tuple(blocks))


ENUMERATE_UP_TO = 10_000_000
"""Spaces up to this many packages that fit in memory are enumerated (every count exact,
the individually rational one included); larger additive ones are merged."""


def merged_space(scenario: Scenario) -> OutcomeSpace:
    """An outcome space holding only the scenario's Pareto frontier, merged block by block:
    one column per distinct Pareto-optimal utility vector, with the first package in grid
    order giving it (``package_levels``) and how many do (``package_counts``), the columns
    in grid order as an enumerated space's are; see :class:`negsim.space.OutcomeSpace`."""
    merged = merged_frontier(scenario)
    n_parties = scenario.n_parties
    issue_utilities = tuple(
        _read_only(
            np.stack(
                [
                    issue_utility(scenario, party, issue, issue_levels(issue, n_parties), i)
                    for i, party in enumerate(scenario.parties)
                ]
            )
        )
        for issue in scenario.issues
    )
    order = np.lexsort(merged.levels[::-1])  # columns in enumeration (grid) order
    counts = merged.frontier.counts[order]
    counts.flags.writeable = False
    return OutcomeSpace(
        scenario=scenario,
        shape=tuple(scenario.n_levels(issue) for issue in scenario.issues),
        issue_utilities=issue_utilities,
        feasible_index=None,
        utilities=_read_only(np.ascontiguousarray(merged.frontier.utilities[:, order])),
        disagreement=_read_only(np.asarray(scenario.disagreement_vector(), dtype=np.float64)),
        package_levels=_read_only(np.ascontiguousarray(merged.levels[:, order])),
        package_counts=counts,
        feasible_count=merged.n_feasible,
    )


def outcome_space(scenario: Scenario, merge: bool | None = None) -> OutcomeSpace:
    """The scenario's outcome space: enumerated when it has at most
    :data:`ENUMERATE_UP_TO` packages and fits in memory, else merged (``merge`` forces
    either). Raises :class:`negsim.blocks.BlockTooLarge` when neither is possible."""
    if merge is None:
        fits = estimate_bytes(scenario.n_packages, scenario.n_parties) <= limit_bytes()
        merge = not (fits and scenario.n_packages <= ENUMERATE_UP_TO)
        if merge and len(issue_components_of(scenario)) == 1:
            return OutcomeSpace.from_scenario(scenario)  # one block: nothing to merge
    return merged_space(scenario) if merge else OutcomeSpace.from_scenario(scenario)


def _read_only(array: np.ndarray) -> np.ndarray:
    array.flags.writeable = False
    return array
