"""Independent blocks of issues: a space too large to enumerate is the product of blocks
small enough to, whose frontiers :mod:`negsim.solvers.merge` merges
(:func:`negsim.analysis.merged.merged_frontier`).

Issues that an interaction or a constraint names together belong to one block (the
connected components of the graph whose edges join the issues of each interaction and
each constraint). Utilities are additive across blocks, so each block is enumerated on
its own (its levels' product, its constraints applied, its interactions added, as
:class:`negsim.space.OutcomeSpace` does for the whole grid) and the blocks are merged.

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
...   q: {values: {a: {x: 0, y: 1}, b: {x: 2, y: 1, z: 0}, c: {0: 1, 1: 0}}}
... ''')
>>> [(block.issues, block.utilities.shape[1]) for block in issue_blocks(scenario)]
[((0, 1), 5), ((2,), 5)]
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from negsim.format.components import issue_components
from negsim.format.levels import conditions_mask, issue_levels
from negsim.format.scenario import Scenario
from negsim.memory import estimate_bytes, format_bytes, limit_bytes
from negsim.space import issue_utility

__all__ = ["Block", "BlockTooLarge", "components", "issue_blocks"]


class BlockTooLarge(ValueError):
    """A block of issues joined by interactions or constraints is too large to enumerate."""


@dataclass(frozen=True)
class Block:
    """One block: ``issues`` (indices, ascending), ``levels`` (``(len(issues), m)``: the
    level of each issue in each of the block's ``m`` feasible alternatives, in C order of
    the block's grid) and ``utilities`` (``(n_parties, m)``: each party's part of its
    utility, interactions included)."""

    issues: tuple[int, ...]
    levels: np.ndarray
    utilities: np.ndarray
    n_combinations: int


def components(scenario: Scenario) -> list[tuple[int, ...]]:
    """Issue indices of each block, blocks ordered by their first issue."""
    groups = [constraint.conditions for constraint in scenario.constraints]
    for party in scenario.parties:
        groups.extend(interaction.conditions for interaction in party.interactions)
    return issue_components(scenario.issues, groups)


def _block(scenario: Scenario, issues: tuple[int, ...]) -> Block:
    n_parties = scenario.n_parties
    chosen = tuple(scenario.issues[k] for k in issues)
    levels = tuple(issue_levels(issue, n_parties) for issue in chosen)
    shape = tuple(int(level.shape[0]) for level in levels)
    size = math.prod(shape)
    needed, limit = estimate_bytes(size, n_parties), limit_bytes()
    if needed > limit:
        listed = ", ".join(issue.name for issue in chosen)
        raise BlockTooLarge(
            f"the issues {listed} are joined by interactions or constraints into one block "
            f"of {size:,} packages, which needs about {format_bytes(needed)}, more than the "
            f"{format_bytes(limit)} available; use coarser resolutions on them"
        )
    names: set[str] = {issue.name for issue in chosen}
    party_names = scenario.party_names
    grid = np.indices(shape).reshape(len(shape), -1)
    feasible = np.ones(shape, dtype=bool)
    for constraint in scenario.constraints:
        if constraint.conditions and {c.issue for c in constraint.conditions} <= names:
            matches = conditions_mask(constraint.conditions, chosen, levels, party_names)
            feasible &= ~np.broadcast_to(matches, shape)
    keep = np.flatnonzero(feasible.reshape(-1))
    utilities = np.zeros((n_parties, keep.size))
    for i, party in enumerate(scenario.parties):
        for axis, k in enumerate(issues):
            values = issue_utility(scenario, party, scenario.issues[k], levels[axis], i)
            utilities[i] += values[grid[axis, keep]]
        for interaction in party.interactions:
            if {c.issue for c in interaction.conditions} <= names:
                matches = conditions_mask(interaction.conditions, chosen, levels, party_names)
                hit = np.broadcast_to(matches, shape).reshape(-1)[keep]
                utilities[i] += np.where(hit, float(interaction.value), 0.0)
    return Block(issues, grid[:, keep], utilities, size)


def issue_blocks(scenario: Scenario) -> list[Block]:
    """The scenario's independent blocks of issues, each enumerated (see the module)."""
    return [_block(scenario, issues) for issues in components(scenario)]
