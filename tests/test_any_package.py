"""Any feasible package of a merged space (:mod:`negsim.analysis.any_package`): its
block-summed utilities equal the enumerated space's, its positions are stable and round-trip,
infeasible packages are refused; an enumerated space behaves as before. Also the session of
``negsim play`` on such packages."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

import negsim
from negsim.analysis import merged as merged_module
from negsim.analysis.any_package import RULED_OUT, AnyPackage, reason
from negsim.analysis.merged import merged_space, outcome_space
from negsim.blocks import issue_blocks
from negsim.format.loader import load_scenario_text
from negsim.space import OutcomeSpace
from negsim.studies.play import AgentPlayer, Session, transcript_record
from tests.strategies import examples, scenarios

CLOSE = 1e-12

# Three parties, an interaction joining i0 and i1, a constraint joining i2 and i3, an issue
# on its own and a split: four blocks.
BLOCKS = """
negsim: 1
name: blocks
issues:
  i0: {options: [a, b, c]}
  i1: {options: [a, b]}
  i2: {options: [a, b, c]}
  i3: {range: [0, 10], resolution: 3}
  i4: {options: [a, b, c, d]}
  pie: {split: {total: 1}, resolution: 3}
constraints:
  - {forbid: {i2: a, i3: {min: 5}}}
  - {forbid: {i2: c, i3: 0}}
parties:
  p:
    values: {i0: {a: 1, b: 0.2, c: 0}, i1: {a: 0, b: 1}, i2: {a: 0.3, b: 1, c: 0},
             i3: {0: 0, 10: 1}, i4: {a: 1, b: 0.6, c: 0.3, d: 0}}
    interactions: [{when: {i0: b, i1: a}, value: 0.07}]
    agreement_value: 0.013
  q:
    values: {i0: {a: 0, b: 0.5, c: 1}, i1: {a: 1, b: 0}, i2: {a: 1, b: 0, c: 0.4},
             i3: {0: 1, 10: 0}, i4: {a: 0, b: 0.1, c: 0.7, d: 1}}
  r:
    values: {i0: {a: 0.2, b: 1, c: 0.4}, i1: {a: 0.5, b: 0.5}, i2: {a: 0, b: 0, c: 1},
             i3: {0: 0.5, 10: 0.6}, i4: {a: 0.2, b: 0.2, c: 0.9, d: 0.1}}
    trust: {i4: 0.5}
"""


def extended(enumerated: OutcomeSpace, merged: OutcomeSpace) -> np.ndarray:
    """The merged space's extended position of each enumerated feasible package:
    ``n_feasible + g``, ``g`` its grid index, read from the enumerated space."""
    grid = enumerated.grid_positions(np.arange(enumerated.n_feasible))
    return merged.n_feasible + grid


def check_against_enumerated(scenario) -> None:
    """Every feasible package of the merged space is valued as the enumerated space values
    it; positions round-trip; infeasible grid points have no position."""
    enumerated = OutcomeSpace.from_scenario(scenario)
    merged = merged_space(scenario)
    packages = AnyPackage.of(merged)
    every = extended(enumerated, merged)
    values = packages.utilities(every)
    assert values.shape == enumerated.utilities.shape
    np.testing.assert_allclose(values, enumerated.utilities, rtol=0, atol=CLOSE)
    np.testing.assert_array_equal(packages.levels(every), enumerated.levels(np.arange(every.size)))
    kept = np.arange(merged.n_feasible)
    np.testing.assert_array_equal(packages.utilities(kept), merged.utilities)
    feasible = np.zeros(enumerated.n_packages, dtype=bool)
    feasible[enumerated.grid_positions(np.arange(enumerated.n_feasible))] = True
    for g in np.flatnonzero(~feasible)[:5].tolist():
        assert not packages.has(merged.n_feasible + g)
        with pytest.raises(IndexError):
            packages.utilities(merged.n_feasible + g)
        levels = np.unravel_index(g, enumerated.shape)
        package = {
            issue.name: enumerated.level_value(k, int(levels[k]))
            for k, issue in enumerate(scenario.issues)
        }
        with pytest.raises(KeyError) as error:
            packages.position_of(package)
        assert reason(error.value) == RULED_OUT
    for position in range(enumerated.n_feasible):
        package = enumerated.package(position)
        found = packages.position_of(package)
        assert packages.package(found) == package
        np.testing.assert_allclose(
            packages.utilities(found), enumerated.utilities[:, position], rtol=0, atol=CLOSE
        )
        if found >= merged.n_feasible:
            assert found == every[position]
        assert packages.package(int(every[position])) == package
        assert packages.position_of(packages.package(int(every[position]))) == found


@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios(min_parties=2, max_parties=3, max_packages=200))
def test_every_package_of_a_merged_space_is_valued_as_enumerated(scenario):
    check_against_enumerated(scenario)


def test_blocks_with_constraints_interactions_and_three_parties():
    scenario = load_scenario_text(BLOCKS)
    assert len(issue_blocks(scenario)) == 4
    check_against_enumerated(scenario)


def test_a_merge_forced_by_the_threshold_values_every_package(monkeypatch):
    """With :data:`ENUMERATE_UP_TO` lowered, ``outcome_space`` merges a small scenario; every
    package off its columns round-trips and is valued as enumerated."""
    scenario = load_scenario_text(BLOCKS)
    monkeypatch.setattr(merged_module, "ENUMERATE_UP_TO", 10)
    merged = outcome_space(scenario)
    assert not merged.is_enumerated
    enumerated = OutcomeSpace.from_scenario(scenario)
    packages = AnyPackage.of(merged)
    off = [p for p in extended(enumerated, merged).tolist() if packages.package(p)
           not in merged.packages(np.arange(merged.n_feasible))]  # fmt: skip
    assert len(off) == enumerated.n_feasible - merged.n_feasible > 0
    for position in off:
        assert packages.position_of(packages.package(position)) == position


def test_an_enumerated_space_is_delegated_to():
    space = OutcomeSpace.from_scenario(load_scenario_text(BLOCKS))
    packages = AnyPackage.of(space)
    assert packages is AnyPackage.of(space)
    every = np.arange(space.n_feasible)
    np.testing.assert_array_equal(packages.utilities(every), space.utilities)
    assert packages.package(5) == space.package(5) and packages.has(space.n_feasible - 1)
    assert not packages.has(space.n_feasible) and not packages.has(-1)
    assert packages.position_of(space.package(7)) == 7


def test_trade_agreement_packages_off_the_frontier():
    """4^25 packages: positions fit int64; random packages' utilities equal the per-issue
    sums read from the space's issue utilities (the scenario is additive)."""
    space = outcome_space(negsim.load("trade-agreement"))
    assert not space.is_enumerated and space.n_packages == 4**25
    packages = AnyPackage.of(space)
    assert packages.numbered
    rng = np.random.default_rng(7)
    grid = rng.integers(0, space.n_packages, 2000)
    positions = space.n_feasible + grid
    levels = np.stack(np.unravel_index(grid, space.shape))
    expected = sum(u[:, levels[k]] for k, u in enumerate(space.issue_utilities))
    np.testing.assert_allclose(packages.utilities(positions), expected, rtol=0, atol=CLOSE)
    for position in positions[:50].tolist():
        package = packages.package(position)
        assert packages.position_of(package) == position
        assert (
            packages.utilities(position).tolist() == packages.utilities([position])[:, 0].tolist()
        )
    assert not packages.has(space.n_feasible + space.n_packages)
    with pytest.raises(KeyError) as error:
        packages.position_of({**space.package(0), "dairy_access": "nothing of the kind"})
    assert "not on the scenario's grid" in reason(error.value)


def test_a_session_plays_a_package_off_the_frontier():
    """A person's offer off the kept columns: the agent answers it by its utility, the
    payoffs and the transcript hold it."""
    space = outcome_space(negsim.load("trade-agreement"))
    packages = AnyPackage.of(space)
    session = Session(space, seed=3)
    first = session.proposer
    agent = AgentPlayer(session, session.other(first))
    worst = {issue.name: space.level_value(k, int(np.argmin(u.sum(axis=0))))
             for k, (issue, u) in enumerate(zip(space.scenario.issues, space.issue_utilities,
                                                strict=True))}  # fmt: skip
    position = packages.position_of(worst)
    assert position >= space.n_feasible
    session.propose(first, position)
    assert agent.play() == ("respond", "reject")
    assert session.moves[0].response == "reject"
    # the agent accepts a package off the columns as good as its next offer for it
    offer = agent.play()[1]
    assert isinstance(offer, int) and offer < space.n_feasible
    session.respond(first, "reject")
    same = packages.package(agent.offer_at(session.round + 1))
    levels = space.grid_levels(same)
    copy = space.n_feasible + int(np.ravel_multi_index(tuple(levels), space.shape))
    session.propose(first, copy)
    assert agent.play() == ("respond", "accept")
    assert session.ending is not None and session.ending.position == copy
    i = session.index(first)
    assert session.ending.utilities[first] == pytest.approx(
        float(space.utilities[i, agent.offer_at(session.round + 1)]), abs=CLOSE
    )
    record = transcript_record(session, name="t", file="trade-agreement", sha256=None,
                               players={first: "person", agent.party: agent.name},
                               started="s", finished="f")  # fmt: skip
    assert record["moves"][0]["package"] == worst
    assert record["outcome"]["package"] == same
