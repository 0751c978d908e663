"""The classic negotiation cases among the bundled scenarios: each one's header comment
states a known result; here each is recomputed from the theory, with the scenario's own
parameters read through the public API, and compared with what ``negsim.solve`` gives.

No expected number is copied from negsim's output: the tests derive it (a lottery's expected
value, the Baron-Ferejohn proposer's share, backward induction over the frontier, the
single take-it-or-leave-it offer to a continuum of types).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

import negsim

TOL = 1e-9
NEW_CASES = (
    "labor-contract",
    "used-car",
    "hostage-ultimatum",
    "coalition-split",
    "merger",
    "trade-agreement",
)


def _expected(disagreement: Any) -> float:
    """A party's stated disagreement: a number, or a lottery's p a + (1 - p) b + ..."""
    branches = getattr(disagreement, "branches", None)
    if branches is None:
        return float(disagreement)
    return sum(branch.p * branch.value for branch in branches)


def _frontier(data: Mapping[str, Any], first: str, second: str) -> list[tuple[float, float]]:
    """The Pareto frontier's utility pairs (first party, second party)."""
    return [(point["utilities"][first], point["utilities"][second]) for point in data["pareto"]]


def _best_offer(
    frontier: list[tuple[float, float]], threshold: float
) -> tuple[float, float] | None:
    """The proposer's best frontier point among those worth at least ``threshold`` to the
    responder (proposer first in each pair); None when there is none."""
    acceptable = [point for point in frontier if point[1] >= threshold - TOL]
    return max(acceptable, default=None)


# --------------------------------------------------------------------------------------------
# Every bundled scenario is a teaching case: public brief, role sheets, sources


@pytest.mark.parametrize("name", [example.name for example in negsim.examples()])
def test_every_bundled_scenario_has_briefs_and_sources(name: str) -> None:
    scenario = negsim.load(name)
    assert scenario.public and scenario.public.strip(), f"{name}: no public brief"
    for party in scenario.party_names:
        brief = scenario.party(party).brief
        assert brief and brief.strip(), f"{name}: {party} has no brief"
    assert scenario.sources, f"{name}: no sources"


@pytest.mark.parametrize("name", NEW_CASES)
def test_new_cases_cite_a_dated_publication_and_have_a_seed(name: str) -> None:
    scenario = negsim.load(name)
    cited = [source for source in scenario.sources if "(19" in source or "(20" in source]
    assert cited, f"{name}: no dated citation"
    assert f"seeds/{name}.md" in scenario.sources
    seed = Path(__file__).resolve().parents[1] / "seeds" / f"{name}.md"
    assert seed.is_file()


@pytest.mark.parametrize("name", NEW_CASES)
def test_briefs_do_not_give_away_the_other_sides_numbers(name: str) -> None:
    """A role sheet never states another party's walk-away as a number."""
    scenario = negsim.load(name)
    for party in scenario.party_names:
        brief = scenario.party(party).brief or ""
        for other in scenario.party_names:
            if other == party:
                continue
            walk_away = _expected(scenario.party(other).disagreement)
            assert f"{walk_away:.2f}" not in brief and f"{walk_away:g}" not in brief.split()


# --------------------------------------------------------------------------------------------
# Labour contract: a strike lottery and backward induction to the contract's expiry


def test_labor_contract_strike_is_a_lottery_worth_its_expected_value() -> None:
    scenario = negsim.load("labor-contract")
    data = negsim.solve(scenario).to_dict()
    for party in scenario.party_names:
        branches = scenario.party(party).disagreement.branches
        assert len(branches) == 2
        (p, a), (q, b) = ((branch.p, branch.value) for branch in branches)
        assert p + q == pytest.approx(1.0)
        assert data["disagreement"][party] == pytest.approx(p * a + (1 - p) * b, abs=TOL)


def test_labor_contract_agrees_at_once_and_no_strike() -> None:
    """Complete information: no strike (the Hicks paradox); each side gets more than its
    strike value and the deal is on the frontier."""
    scenario = negsim.load("labor-contract")
    data = negsim.solve(scenario).to_dict()
    equilibrium = data["equilibrium"]
    assert equilibrium["agreement"] and equilibrium["round"] == 0
    for party in scenario.party_names:
        assert equilibrium["utilities"][party] >= data["disagreement"][party] - TOL
    pair = (equilibrium["utilities"]["management"], equilibrium["utilities"]["union"])
    frontier = _frontier(data, "management", "union")
    assert min(abs(pair[0] - u) + abs(pair[1] - v) for u, v in frontier) < 1e-9


def _backward_induction(data: Mapping[str, Any], scenario: negsim.Scenario) -> list[float]:
    """Ståhl's finite game solved on the frontier: the responder in round t accepts what it
    gets by rejecting (the next proposer's offer, discounted, or its disagreement value in
    the last round); the proposer takes the best frontier point that clears that bar."""
    names = scenario.party_names
    first = names.index(scenario.protocol.first_proposer)
    order = [names[first], names[1 - first]]
    deltas = {name: scenario.party(name).discount for name in names}
    deadline = scenario.protocol.deadline
    assert deadline is not None
    frontier = {name: _frontier(data, name, other) for name, other in (order, order[::-1])}
    following: dict[str, float] | None = None  # utilities agreed in round t + 1
    for t in reversed(range(deadline)):
        proposer, responder = order[t % 2], order[1 - t % 2]
        if following is None:
            bar = data["disagreement"][responder]
        else:
            bar = deltas[responder] * following[responder]
        best = _best_offer(frontier[proposer], bar)
        assert best is not None
        following = {proposer: best[0], responder: best[1]}
    assert following is not None
    return [following[name] for name in names]


@pytest.mark.parametrize("name", ["labor-contract", "merger", "trade-agreement"])
def test_deadline_cases_follow_backward_induction(name: str) -> None:
    scenario = negsim.load(name)
    data = negsim.solve(scenario).to_dict()
    expected = _backward_induction(data, scenario)
    found = [data["equilibrium"]["utilities"][party] for party in scenario.party_names]
    assert found == pytest.approx(expected, abs=1e-9)


def test_merger_the_last_word_is_worth_having() -> None:
    """Shortening exclusivity by a week hands the last offer to the other side, and with it
    the better deal; with complete information there is no delay either way."""
    scenario = negsim.load("merger")
    deadline = scenario.protocol.deadline
    assert deadline is not None and deadline % 2 == 0  # the target has the last word
    long = negsim.solve(scenario).to_dict()["equilibrium"]
    short = negsim.solve(scenario.replace({"protocol.deadline": deadline - 1})).to_dict()
    short_eq = short["equilibrium"]
    assert long["round"] == short_eq["round"] == 0
    assert long["utilities"]["target"] > short_eq["utilities"]["target"]
    assert long["utilities"]["acquirer"] < short_eq["utilities"]["acquirer"]
    assert short_eq["package"]["price"] < long["package"]["price"]


# --------------------------------------------------------------------------------------------
# Ultimatum: the responder gets its walk-away


def test_hostage_ultimatum_leaves_the_government_its_rescue_value() -> None:
    scenario = negsim.load("hostage-ultimatum")
    assert scenario.protocol.kind == "ultimatum"
    data = negsim.solve(scenario).to_dict()
    proposer = scenario.protocol.first_proposer
    (responder,) = [name for name in scenario.party_names if name != proposer]
    branches = scenario.party(responder).disagreement.branches
    rescue = sum(branch.p * branch.value for branch in branches)
    assert data["disagreement"][responder] == pytest.approx(rescue, abs=TOL)
    # the proposer's best frontier point worth at least the rescue to the government
    best = _best_offer(_frontier(data, proposer, responder), rescue)
    assert best is not None
    equilibrium = data["equilibrium"]
    assert equilibrium["agreement"] and equilibrium["round"] == 0
    assert equilibrium["utilities"][proposer] == pytest.approx(best[0], abs=TOL)
    assert equilibrium["utilities"][responder] == pytest.approx(best[1], abs=TOL)
    # the government is held to (about) its walk-away: no acceptable frontier point for it
    # lies strictly between the rescue value and what it gets
    assert rescue - TOL <= best[1]
    assert not [v for _, v in _frontier(data, proposer, responder) if rescue - TOL <= v < best[1]]


def test_hostage_ultimatum_roles_reversed() -> None:
    """Commitment is the power: when the government makes the ultimatum, the kidnappers are
    held to their (expected) outcome of a rescue instead."""
    scenario = negsim.load("hostage-ultimatum").replace({"protocol.first_proposer": "government"})
    data = negsim.solve(scenario).to_dict()
    kidnappers = _expected(scenario.party("kidnappers").disagreement)
    best = _best_offer(_frontier(data, "government", "kidnappers"), kidnappers)
    assert best is not None
    assert data["equilibrium"]["utilities"]["government"] == pytest.approx(best[0], abs=TOL)


# --------------------------------------------------------------------------------------------
# Used car: screening a private walk-away


def _uniform(scenario: negsim.Scenario) -> tuple[str, float, float]:
    (unknown,) = scenario.uncertainty
    assert unknown.parameter == "disagreement"
    return unknown.party, unknown.distribution.low, unknown.distribution.high


def test_used_car_single_offer_is_the_monopoly_offer() -> None:
    """One take-it-or-leave-it offer to a buyer whose walk-away D is uniform on [a, b]: an
    offer worth u to the buyer is accepted with probability F(u) = (u - a) / (b - a), and the
    seller maximizes F(u) u_seller + (1 - F(u)) d_seller over the frontier."""
    scenario = negsim.load("used-car").replace({"protocol.deadline": 1})
    buyer, low, high = _uniform(scenario)
    seller = scenario.protocol.first_proposer
    data = negsim.solve(scenario).to_dict()
    d_seller = data["disagreement"][seller]

    def accept(u: float) -> float:
        return min(1.0, max(0.0, (u - low) / (high - low)))

    def expected(point: tuple[float, float]) -> float:
        return accept(point[1]) * point[0] + (1 - accept(point[1])) * d_seller

    frontier = _frontier(data, seller, buyer)
    best = max(frontier, key=expected)
    screening = data["screening"]
    (offer,) = screening["offers"]
    assert offer["accept_probability"] == pytest.approx(accept(offer["utilities"][buyer]), abs=1e-6)
    assert screening["expected_payoffs"][seller] == pytest.approx(expected(best), abs=1e-6)
    # the optimum is interior: some buyers who would gain from trade walk away
    assert 0 < offer["accept_probability"] < 1
    assert screening["no_agreement_probability"] == pytest.approx(1 - accept(best[1]), abs=1e-6)


def test_used_car_screening_over_days_still_loses_some_deals() -> None:
    scenario = negsim.load("used-car")
    buyer, low, high = _uniform(scenario)
    assert low < _expected(scenario.party(buyer).disagreement) < high
    data = negsim.solve(scenario).to_dict()
    # complete information: the seller knows the walk-away and always sells, at once
    assert data["equilibrium"]["agreement"] and data["equilibrium"]["round"] == 0
    screening = data["screening"]
    by_round = screening["agreement_probability_by_round"]
    assert len(by_round) == scenario.protocol.deadline
    assert 0 < sum(by_round) < 1
    assert sum(by_round) + screening["no_agreement_probability"] == pytest.approx(1.0)
    # more days sell to more buyer types than a single offer does
    single = negsim.solve(scenario.replace({"protocol.deadline": 1})).to_dict()["screening"]
    assert sum(by_round) > 1 - single["no_agreement_probability"]


# --------------------------------------------------------------------------------------------
# Coalition split: Baron-Ferejohn


def test_coalition_split_is_baron_ferejohn() -> None:
    """n = 3, majority, closed rule, uniform recognition, common delta: each member's value
    before recognition is 1/n; the proposer buys (n - 1)/2 votes at delta/n each and keeps
    1 - delta (n - 1)/(2n) = 1 - delta/3; the excluded member gets 0."""
    scenario = negsim.load("coalition-split")
    protocol = scenario.protocol
    assert protocol.kind == "random_proposer" and protocol.rule == "majority"
    names = scenario.party_names
    n = len(names)
    assert list(protocol.recognition.values()) == pytest.approx([1 / n] * n)
    (delta,) = {scenario.party(name).discount for name in names}
    total = scenario.issue("budget").total
    votes = (n - 1) // 2
    keeps = total * (1 - delta * votes / n)
    price = total * delta / n

    data = negsim.solve(scenario).to_dict()
    equilibrium = data["equilibrium"]
    assert equilibrium["agreement"] and equilibrium["round"] == 0
    for name in names:
        assert equilibrium["utilities"][name] == pytest.approx(total / n, abs=1e-6)
    for proposal in equilibrium["proposals"]:
        proposer = proposal["proposer"]
        assert proposal["utilities"][proposer] == pytest.approx(keeps, abs=1e-6)
        assert sum(proposal["partners"].values()) == pytest.approx(votes)
        for coalition in proposal["coalitions"]:
            (partner,) = coalition["partners"]
            (left_out,) = set(names) - {proposer, partner}
            assert coalition["utilities"][partner] == pytest.approx(price, abs=1e-6)
            assert coalition["utilities"][left_out] == pytest.approx(0.0, abs=1e-9)


def test_trade_agreement_is_merged_and_its_nash_package_cannot_be_bettered_one_chapter_at_a_time():
    """4^25 packages, merged: the Nash package's utilities are the sum of its chapters'
    weighted values, and changing any one chapter does not raise the Nash product."""
    scenario = negsim.load("trade-agreement")
    analysis = negsim.solve(scenario)
    assert analysis.counts.merged and analysis.counts.packages == 4**25
    assert analysis.counts.individually_rational is None
    space = analysis.space
    nash = analysis.solutions["nash"]
    assert nash is not None and nash.position is not None
    levels = space.levels(nash.position)
    d = space.disagreement
    # each party's weighted value of every option, straight from the scenario
    terms = [
        [space.issue_utilities[k][i] for k in range(len(scenario.issues))]
        for i in range(scenario.n_parties)
    ]
    chosen = [sum(float(terms[i][k][levels[k]]) for k in range(len(levels))) for i in range(2)]
    assert chosen == pytest.approx(list(nash.utilities), abs=TOL)
    best = (chosen[0] - d[0]) * (chosen[1] - d[1])
    for k in range(len(levels)):
        for level in range(len(terms[0][k])):
            swapped = [
                chosen[i] - float(terms[i][k][levels[k]]) + float(terms[i][k][level])
                for i in range(2)
            ]
            if all(swapped[i] >= d[i] for i in range(2)):
                assert (swapped[0] - d[0]) * (swapped[1] - d[1]) <= best + TOL
