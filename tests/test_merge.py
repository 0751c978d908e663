"""Merged frontiers (negsim.blocks, negsim.solvers.merge, negsim.analysis.merged): on
random scenarios with interactions and constraints forming blocks, the merged Pareto
frontier, its package counts, its packages and the convex hull's vertices are those of
the enumerated space; a 10^40-package space merges exactly."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings

from negsim.analysis.merged import merged_frontier
from negsim.blocks import BlockTooLarge, issue_blocks
from negsim.format.loader import load_scenario_text
from negsim.format.model import CategoricalIssue, CategoricalValues, Party, Protocol
from negsim.format.scenario import Scenario
from negsim.solvers import frontier
from negsim.solvers.merge import SAME, merged_hull, merged_pareto
from negsim.space import OutcomeSpace
from tests.strategies import examples, scenarios


def keys(points: np.ndarray) -> set[tuple[int, ...]]:
    """Utility vectors as hashable keys, equal to within the merge's rounding."""
    return {tuple(column) for column in np.rint(points / 1e-8).astype(np.int64).T}


@settings(max_examples=examples(100), deadline=None)
@given(scenarios(max_parties=4, max_packages=300))
def test_merged_frontier_is_the_enumerated_one(scenario):
    space = OutcomeSpace.from_scenario(scenario)
    merged = merged_frontier(scenario)
    assert merged.n_packages == space.n_packages
    assert merged.n_feasible == space.n_feasible
    efficient = frontier.pareto_mask(space.utilities)
    assert merged.frontier.n_pareto == int(efficient.sum())
    assert keys(merged.frontier.utilities) == keys(space.utilities[:, efficient])
    # each point's package is feasible and worth that point
    for j in range(merged.levels.shape[1]):
        flat = int(np.ravel_multi_index(tuple(merged.levels[:, j]), space.shape))
        position = (
            flat
            if space.feasible_index is None
            else int(np.searchsorted(space.feasible_index, flat))
        )
        assert space.utilities[:, position] == pytest.approx(
            merged.frontier.utilities[:, j], abs=1e-9
        )


def _turn(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> float:
    """The cross product of ``b - a`` and ``c - b``: negative for a right (convex) turn."""
    return float((b[0] - a[0]) * (c[1] - b[1]) - (b[1] - a[1]) * (c[0] - b[0]))


@settings(max_examples=examples(60), deadline=None)
@given(scenarios(min_parties=2, max_parties=2, max_packages=300, with_constraints=False))
def test_merged_hull_is_the_enumerated_hull(scenario):
    """Two parties, blocks from interactions: the hull's Pareto chain of the sum is the
    chain of the enumerated space (as sets of corner points)."""
    space = OutcomeSpace.from_scenario(scenario)
    blocks = issue_blocks(scenario)
    contributions = [block.utilities for block in blocks]
    agreement = np.array([p.agreement_value for p in scenario.parties])
    contributions[-1] = contributions[-1] + agreement[:, None]
    corners, _ = merged_hull(contributions)
    efficient = np.flatnonzero(frontier.pareto_mask(space.utilities))
    chain = space.utilities[:, efficient[frontier.upper_hull_two(space.utilities[:, efficient])]]
    strict = [
        j
        for j in range(chain.shape[1])
        if j in (0, chain.shape[1] - 1)
        or _turn(chain[:, j - 1], chain[:, j], chain[:, j + 1]) < -1e-9
    ]
    assert keys(chain[:, strict]) <= keys(corners)
    assert keys(corners) <= keys(chain)


def test_ties_are_counted_exactly():
    """An issue both sides are indifferent to multiplies the Pareto count."""
    same = np.array([[0.5, 0.5, 0.5], [0.25, 0.25, 0.25]])
    opposed = np.array([[1.0, 0.0], [0.0, 1.0]])
    merged = merged_pareto([opposed, same, same])
    assert merged.n_packages == 18 and merged.n_pareto == 18
    assert merged.utilities.shape[1] == 2


def forty_issue_scenario(n_issues: int = 40, n_options: int = 10, seed: int = 3) -> Scenario:
    """Two parties, ``n_issues`` categorical issues of ``n_options`` options each, random
    values in hundredths. Built directly: the loader refuses (for now) a space this large."""
    rng = np.random.default_rng(seed)
    options = tuple(f"o{k}" for k in range(n_options))
    issues = tuple(CategoricalIssue(f"i{k}", options, f"Issue {k}") for k in range(n_issues))
    parties = tuple(
        Party(
            name,
            name,
            {issue.name: 1.0 / n_issues for issue in issues},
            {
                issue.name: CategoricalValues(tuple(rng.integers(0, 100, n_options) / 100))
                for issue in issues
            },
        )
        for name in ("p", "q")
    )
    protocol = Protocol("alternating_offers", "p", None, 0.0, {}, "unanimity", False)
    return Scenario("forty issues", issues, parties, protocol)


def test_a_space_of_ten_to_the_forty_merges_exactly():
    scenario = forty_issue_scenario()
    merged = merged_frontier(scenario)
    assert merged.n_packages == 10**40
    utilities = merged.frontier.utilities
    blocks = issue_blocks(scenario)
    # independent checks, issue by issue: each party's best, and the best sum
    best = [sum(block.utilities[i].max() for block in blocks) for i in range(2)]
    assert utilities.max(axis=1) == pytest.approx(best, abs=1e-9)
    best_sum = sum((block.utilities[0] + block.utilities[1]).max() for block in blocks)
    assert utilities.sum(axis=0).max() == pytest.approx(best_sum, abs=1e-9)
    # the frontier is a staircase: no point beats another
    assert frontier.pareto_mask(utilities).all()
    assert np.all(np.diff(utilities[0]) < 0) and np.all(np.diff(utilities[1]) > 0)
    # every point's package is worth it, computed from the blocks
    values = sum(block.utilities[:, merged.frontier.choices[b]] for b, block in enumerate(blocks))
    assert values == pytest.approx(utilities, abs=1e-9)


def test_a_block_too_large_is_named(monkeypatch):
    scenario = load_scenario_text(
        """
negsim: 1
name: one big block
issues:
  a: {range: [0, 1], resolution: 101}
  b: {range: [0, 1], resolution: 101}
  c: {options: [x, y]}
parties:
  p:
    values: {a: {0: 0, 1: 1}, b: {0: 0, 1: 1}, c: {x: 1, y: 0}}
    interactions: [{when: {a: {min: 0.5}, b: {min: 0.5}}, value: 0.1}]
  q: {values: {a: {0: 1, 1: 0}, b: {0: 1, 1: 0}, c: {x: 0, y: 1}}}
"""
    )
    monkeypatch.setenv("NEGSIM_MEMORY_LIMIT", "100KB")
    with pytest.raises(BlockTooLarge, match=r"the issues a, b are joined .* of 10,201 packages"):
        issue_blocks(scenario)


def test_rounding_unit_is_finer_than_the_tolerance():
    from negsim.format.model import TOLERANCE

    assert SAME < TOLERANCE


def test_merging_in_chunks_gives_the_same_frontier(monkeypatch):
    """Large merges form their sums a chunk at a time: the same frontier and counts."""
    from negsim.solvers import merge

    rng = np.random.default_rng(5)
    blocks = [np.round(rng.random((2, 40)), 2) for _ in range(4)]
    whole = merged_pareto(blocks)
    monkeypatch.setattr(merge, "CHUNK_SUMS", 100)
    chunked = merged_pareto(blocks)
    assert chunked.utilities.tolist() == whole.utilities.tolist()
    assert chunked.counts.tolist() == whole.counts.tolist()
    assert chunked.choices.tolist() == whole.choices.tolist()
