"""Every deadline at once (``negsim.analysis.deadlines``) gives exactly what solving each
deadline on its own gives, for every protocol and preferences that do or do not change over
time; and it takes linear, not quadratic, work."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import examples, scenarios

from negsim.analysis.deadlines import deadline_outcomes
from negsim.analysis.equilibrium import equilibrium
from negsim.format.scenario import Scenario
from negsim.solvers import alternating
from negsim.solvers import deadlines as solvers_deadlines
from negsim.solvers.alternating import play_round
from negsim.space import OutcomeSpace


@st.composite
def timed_scenarios(draw: st.DrawFn) -> Scenario:
    """A random scenario with random patience, costs, outside options and protocol."""
    scenario = draw(scenarios(max_parties=3, max_issues=2, max_packages=40))
    n = scenario.n_parties
    parties = []
    for party in scenario.parties:
        discount = draw(st.sampled_from([1.0, 0.95, 0.8, 0.5]))
        cost = draw(st.sampled_from([0.0, 0.0, 0.01, 0.2]))
        outside = draw(st.none() | st.floats(-0.2, 0.8))
        parties.append(dataclasses.replace(
            party, discount=discount, cost_per_round=cost, outside_option=outside
        ))  # fmt: skip
    kind = draw(st.sampled_from(["alternating_offers", "one_sided", "random_proposer"]))
    weights = draw(st.lists(st.floats(0.05, 1.0), min_size=n, max_size=n))
    names = scenario.party_names
    recognition = {name: w / sum(weights) for name, w in zip(names, weights, strict=True)}
    protocol = dataclasses.replace(
        scenario.protocol,
        kind=kind,
        first_proposer=draw(st.sampled_from(names)),
        breakdown_risk=draw(st.sampled_from([0.0, 0.0, 0.1])),
        lotteries=draw(st.booleans()),
        recognition=recognition,
        rule=draw(st.sampled_from(["unanimity", "majority"])),
    )
    return dataclasses.replace(scenario, parties=tuple(parties), protocol=protocol)


def _each_on_its_own(space: OutcomeSpace, deadline: int) -> tuple:
    scenario = space.scenario
    protocol = dataclasses.replace(scenario.protocol, deadline=deadline)
    record = equilibrium(dataclasses.replace(space, scenario=dataclasses.replace(
        scenario, protocol=protocol)))  # fmt: skip
    return record


@settings(max_examples=examples(100), deadline=None)
@given(scenario=timed_scenarios(), data=st.data())
def test_every_deadline_at_once_equals_each_deadline_solved_alone(
    scenario: Scenario, data: st.DataObject
) -> None:
    space = OutcomeSpace.from_scenario(scenario)
    deadlines = data.draw(st.lists(st.integers(1, 40), min_size=1, max_size=12))
    found = deadline_outcomes(space, np.array(deadlines))
    for k, deadline in enumerate(deadlines):
        record = _each_on_its_own(space, deadline)
        np.testing.assert_allclose(found.payoffs[k], record.payoffs, rtol=0, atol=1e-12)
        if not record.agreement:
            assert found.rounds[k] == -1 and np.isnan(found.utilities[k]).all()
            continue
        assert found.rounds[k] == record.round
        np.testing.assert_allclose(found.utilities[k], record.utilities, rtol=0, atol=1e-12)
        if scenario.protocol.kind == "random_proposer":
            assert found.last_proposers[k] == -1
        else:
            assert found.last_proposers[k] == record.proposals[-1].proposer


def _pie(discounts: tuple[float, float], costs: tuple[float, float]) -> OutcomeSpace:
    from negsim.format.loader import scenario_from_data

    data = {
        "negsim": 1,
        "name": "pie",
        "issues": {"pie": {"split": {"total": 1}, "resolution": 101}},
        "parties": {
            "a": {"discount": discounts[0], "cost_per_round": costs[0]},
            "b": {"discount": discounts[1], "cost_per_round": costs[1]},
        },
        "protocol": {"kind": "alternating_offers", "lotteries": True},
    }
    return OutcomeSpace.from_scenario(scenario_from_data(data))


def test_two_thousand_deadlines_take_linear_work(monkeypatch: pytest.MonkeyPatch) -> None:
    """2,000 deadlines play a few rounds each, not a thousand on average, with and
    without a fixed cost of delay alongside discounting; the long deadlines reach
    Rubinstein's split (with costs, the limit the format prescribes)."""
    played = 0

    def counted(*args: object, **kwargs: object) -> object:
        nonlocal played
        played += 1
        return play_round(*args, **kwargs)

    monkeypatch.setattr(alternating, "play_round", counted)
    monkeypatch.setattr(solvers_deadlines, "play_round", counted)
    for costs in [(0.0, 0.0), (0.0, 0.01)]:
        space = _pie((0.9, 0.8), costs)
        played = 0
        found = deadline_outcomes(space, np.arange(1, 2001))
        assert 0 < played <= 4 * 2000, played
        if costs == (0.0, 0.0):
            np.testing.assert_allclose(found.payoffs[-1], [5 / 7, 2 / 7], atol=1e-9)
        limit = equilibrium(space).payoffs
        np.testing.assert_allclose(found.payoffs[-2:], [limit, limit], atol=1e-9)
