"""A merged space (only its Pareto frontier, built block by block) gives the same analysis
as the enumerated space: counts, zone of agreement, ideal point and ranges, the four
solutions over packages and over lotteries, and the protocol's equilibrium, on random
scenarios of 2-4 parties whose interactions and constraints form blocks."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings

from negsim.analysis.merged import merged_space, outcome_space
from negsim.analysis.pipeline import analyze
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
