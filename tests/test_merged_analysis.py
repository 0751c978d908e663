"""A merged space (only its Pareto frontier, built block by block) gives the same analysis
as the enumerated space: counts, zone of agreement, ideal point and ranges, the four
solutions over packages and over lotteries, and the protocol's equilibrium, on random
scenarios of 2-4 parties whose interactions and constraints form blocks."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from negsim.analysis.merged import merged_space, outcome_space
from negsim.analysis.pipeline import analyze
from negsim.format.loader import load_scenario_text
from negsim.space import OutcomeSpace
from tests.strategies import examples, scenarios

CLOSE = 1e-7


def same(first, second) -> bool:
    if first is None or second is None:
        return first is None and second is None
    return np.allclose(np.asarray(first, float), np.asarray(second, float), atol=CLOSE)


@settings(max_examples=examples(80), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios(max_parties=4, max_packages=200))
def test_merged_and_enumerated_analyses_agree(scenario):
    check_agreement(scenario)


@settings(
    max_examples=examples(25),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(st.data())
def test_larger_spaces_agree_too(data):
    """Fewer examples of 2-3 parties, 4-6 issues of 4-12 options (10^3 to 10^6 packages),
    values in twentieths (so ties are common), an interaction joining two issues and a
    constraint on two others."""
    n_parties = data.draw(st.integers(2, 3))
    sizes = data.draw(st.lists(st.integers(4, 12), min_size=4, max_size=6))
    value = st.integers(0, 20).map(lambda k: k / 20)
    lines = ["negsim: 1", "name: larger", "issues:"]
    for k, size in enumerate(sizes):
        lines.append(f"  i{k}: {{options: [{', '.join(f'o{j}' for j in range(size))}]}}")
    lines.append("constraints:")
    lines.append("  - {forbid: {i2: o0, i3: [o1, o2]}}")
    lines.append("parties:")
    for p in range(n_parties):
        lines.append(f"  p{p}:")
        lines.append("    values:")
        for k, size in enumerate(sizes):
            cells = ", ".join(f"o{j}: {data.draw(value)}" for j in range(size))
            lines.append(f"      i{k}: {{{cells}}}")
        lines.append(f"    disagreement: {data.draw(value) / 2}")
        lines.append(f"    discount: {data.draw(st.sampled_from([0.8, 0.9, 0.95]))}")
        if p == 0:
            lines.append("    interactions: [{when: {i0: o1, i1: o2}, value: 0.05}]")
    lines.append(f"protocol: {{deadline: {data.draw(st.sampled_from(['null', 3, 7]))}}}")
    check_agreement(load_scenario_text("\n".join(lines) + "\n"))


def check_agreement(scenario) -> None:
    """The enumerated and the merged analyses of ``scenario`` agree."""
    enumerated = analyze(OutcomeSpace.from_scenario(scenario))
    merged = analyze(merged_space(scenario))
    a, b = enumerated.counts, merged.counts
    assert (b.packages, b.feasible, b.pareto, b.pareto_individually_rational) == (
        a.packages,
        a.feasible,
        a.pareto,
        a.pareto_individually_rational,
    )
    assert b.individually_rational is None and b.merged and not a.merged
    assert (merged.zopa, merged.zopa_with_lotteries) == (
        enumerated.zopa,
        enumerated.zopa_with_lotteries,
    )
    assert same(merged.ideal, enumerated.ideal)
    assert same(merged.ranges, enumerated.ranges)
    for name, solution in enumerated.solutions.items():
        other = merged.solutions[name]
        if solution is None:
            assert other is None
            continue
        assert other is not None
        assert same(other.utilities, solution.utilities), name
        assert same(other.hull.utilities, solution.hull.utilities), name
    e, f = enumerated.equilibrium, merged.equilibrium
    assert (f.agreement, f.round, f.proposer) == (e.agreement, e.round, e.proposer)
    assert same(f.utilities, e.utilities)
    assert same(f.payoffs, e.payoffs)


def test_small_spaces_are_enumerated_and_large_additive_ones_merged():
    from negsim import load

    assert outcome_space(load("logrolling")).is_enumerated
    assert not outcome_space(load("logrolling"), merge=True).is_enumerated


def test_a_space_once_refused_as_too_large_now_solves_merged():
    """The malformed catalogue's 3.6e17-package space, without the interaction that joins
    its issues, is additive: it loads, and solves with exact counts."""
    from pathlib import Path

    from negsim import load, solve

    text = (Path(__file__).parent / "malformed" / "49-outcome-space-too-large.yaml").read_text()
    start = text.index("    interactions:")
    end = text.index("    discount: 0.9", start)
    analysis = solve(load(text[:start] + text[end:]))
    counts = analysis.counts
    assert counts.merged and counts.packages == 3 * 11 * 101**8
    # the extras matter to nobody: every Pareto-optimal package comes in 101^8 copies
    assert counts.pareto % 101**8 == 0
    assert counts.individually_rational is None
    assert analysis.equilibrium.agreement


def test_forty_issues_of_ten_options_solve_exactly():
    """10^40 packages: the Nash package's utilities are the sum of its terms' values, no
    package differing from it on one issue, and none of 20,000 drawn at random, has a
    larger Nash product, and none beats it for both sides."""
    from negsim import solve
    from tests.test_merge import forty_issue_scenario

    scenario = forty_issue_scenario()
    analysis = solve(scenario)
    assert analysis.counts.merged and analysis.counts.packages == 10**40
    values = np.array(
        [
            [party.values[issue.name].values for issue in scenario.issues]
            for party in scenario.parties
        ]
    ) / len(scenario.issues)  # (parties, issues, options), equal weights
    nash = analysis.solutions["nash"]
    levels = analysis.space.levels(nash.position)
    chosen = values[:, np.arange(len(scenario.issues)), levels].sum(axis=1)
    assert chosen == pytest.approx(nash.utilities, abs=1e-12)
    best = float(np.prod(chosen))
    # one issue changed: every option of every issue
    for k in range(len(scenario.issues)):
        swapped = chosen[:, None] - values[:, k, levels[k]][:, None] + values[:, k, :]
        assert np.prod(swapped, axis=0).max() <= best + 1e-12
    # random packages
    rng = np.random.default_rng(0)
    drawn = rng.integers(0, 10, (20_000, len(scenario.issues)))
    points = values[:, np.arange(len(scenario.issues)), drawn].sum(axis=2)  # (parties, draws)
    assert np.prod(points, axis=0).max() <= best + 1e-12
    assert not np.any(np.all(points > chosen[:, None] + 1e-12, axis=0))


def _numbers_close(first, second, path="") -> None:
    """Two JSON values equal, numbers to within 1e-9."""
    if isinstance(first, dict):
        assert isinstance(second, dict) and first.keys() == second.keys(), path
        for key in first:
            _numbers_close(first[key], second[key], f"{path}.{key}")
    elif isinstance(first, list):
        assert isinstance(second, list) and len(first) == len(second), path
        for k, (a, b) in enumerate(zip(first, second, strict=True)):
            _numbers_close(a, b, f"{path}[{k}]")
    elif isinstance(first, float) or isinstance(second, float):
        assert first == pytest.approx(second, abs=1e-9), path
    else:
        assert first == second, path


@pytest.mark.parametrize("name", ["venezuela-2025-private", "used-car"])
def test_screening_on_a_merged_space_is_the_same(name):
    """The bundled scenarios with screening: offers, chances of a deal and payoffs agree to
    1e-9 (the constraints and interactions of the Venezuela case form blocks)."""
    from negsim import load

    scenario = load(name)
    enumerated = analyze(OutcomeSpace.from_scenario(scenario)).to_dict()["screening"]
    merged = analyze(merged_space(scenario)).to_dict()["screening"]
    assert enumerated is not None
    _numbers_close(enumerated, merged)


@pytest.mark.parametrize("name", ["venezuela-2025", "venezuela-2025-private", "labor-contract"])
def test_simulated_agents_on_a_merged_space_do_the_same(name):
    """Agents offer among Pareto-optimal packages, ties going to the first in grid order:
    with the same seed, the runs are identical."""
    from negsim import load
    from negsim.studies.simulate import simulate

    scenario = load(name)
    enumerated = simulate(OutcomeSpace.from_scenario(scenario), runs=300, rng=3)
    merged = simulate(merged_space(scenario), runs=300, rng=3)
    _numbers_close(enumerated.to_dict(), merged.to_dict())


def test_a_deal_off_the_kept_frontier_is_scored_as_the_enumerated_space_scores_it():
    """A merged space keeps only its Pareto frontier; a class deal elsewhere is still
    scored (:mod:`negsim.analysis.any_package`), exactly as on the enumerated space."""
    from negsim import load
    from negsim.format.class_results import ClassDeal
    from negsim.studies.debrief import debrief

    scenario = load("logrolling")
    enumerated = outcome_space(scenario, merge=False)
    dominated = int(np.argmin(enumerated.utilities.sum(axis=0)))
    package = enumerated.package(dominated)
    deal = ClassDeal("pair-01", "class.csv:2", "class.csv", 2, package)
    results = [
        debrief(analyze(outcome_space(scenario, merge=m)), [deal], []) for m in (True, False)
    ]
    merged, full = (result.pairs[0] for result in results)
    assert results[0].skipped == () and merged.package == package == full.package
    assert merged.points == pytest.approx(full.points, abs=1e-12)
    assert merged.joint_value_left == pytest.approx(full.joint_value_left, abs=1e-12)
    assert merged.distance_to_frontier == pytest.approx(full.distance_to_frontier, abs=1e-12)
    assert merged.joint_value_left > 0 and not merged.pareto_optimal
