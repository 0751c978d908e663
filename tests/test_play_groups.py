"""Negotiations of three or more parties, move by move: votes under unanimity and majority,
walk-outs, random recognition, and the agent's offers (Baron & Ferejohn 1989)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from negsim.format.loader import load_scenario_text
from negsim.space import OutcomeSpace
from negsim.studies.group_offers import GroupOffers, votes_needed
from negsim.studies.play import AgentPlayer, PlayError, Session, suggestions, transcript_record


def committee(protocol: str, parties: str = "{a: {}, b: {}, c: {}}", issue: str = "") -> Session:
    text = f"""
negsim: 1
name: committee
issues: {issue or "{budget: {split: {total: 1}, resolution: 11}}"}
parties: {parties}
protocol: {protocol}
"""
    return Session(OutcomeSpace.from_scenario(load_scenario_text(text)), seed=3)


def share(session: Session, **shares: float) -> int:
    return session.space.position_of({"budget": shares})


def test_votes_needed_by_rule() -> None:
    assert votes_needed(3, "random_proposer", "majority") == 2
    assert votes_needed(4, "random_proposer", "majority") == 3
    assert votes_needed(5, "random_proposer", "majority") == 3
    assert votes_needed(5, "random_proposer", "unanimity") == 5
    # the rule is read only for random proposers: alternating offers need everyone
    assert votes_needed(3, "alternating_offers", "majority") == 3


def test_unanimity_fails_at_the_first_no_and_the_proposer_goes_round() -> None:
    session = committee("{kind: alternating_offers, deadline: 4}")
    assert session.quota == 3
    assert [session.proposer_at(t) for t in range(4)] == ["a", "b", "c", "a"]
    session.propose("a", share(session, a=0.6, b=0.2, c=0.2))
    assert session.responders == ("b", "c") and session.turn == ("respond", "b")
    session.respond("c", "accept")  # a vote out of order is taken
    assert session.pending is not None and session.responders == ("b",)
    session.respond("b", "reject")
    assert session.pending is None and session.round == 1
    assert session.moves[0].response == "reject"
    assert session.moves[0].votes == {"c": "accept", "b": "reject"}
    session.propose("b", share(session, a=0.3, b=0.4, c=0.3))
    session.respond("c", "reject")  # the offer cannot pass: a is not asked
    assert session.moves[1].votes == {"c": "reject"} and session.turn == ("propose", "c")
    with pytest.raises(PlayError):
        session.respond("a", "accept")


def test_unanimity_passes_with_every_yes() -> None:
    session = committee("{kind: alternating_offers}")
    session.propose("a", share(session, a=0.4, b=0.3, c=0.3))
    session.respond("b", "accept")
    assert not session.over
    session.respond("c", "accept")
    assert session.ending is not None and session.ending.status == "agreement"
    assert session.ending.utilities == pytest.approx({"a": 0.4, "b": 0.3, "c": 0.3})


def test_majority_passes_with_one_partner() -> None:
    session = committee("{kind: random_proposer, rule: majority}")
    proposer = session.proposer
    partner, left_out = session.others(proposer)
    session.propose(proposer, share(session, **{proposer: 0.7, partner: 0.3, left_out: 0.0}))
    session.respond(partner, "accept")
    assert session.ending is not None and session.ending.status == "agreement"
    assert session.moves[0].votes == {partner: "accept"}
    assert session.ending.utilities is not None
    assert session.ending.utilities[left_out] == 0.0


def test_majority_fails_only_when_it_can_no_longer_pass() -> None:
    session = committee("{kind: random_proposer, rule: majority, deadline: 1}")
    proposer = session.proposer
    first, second = session.others(proposer)
    session.propose(proposer, share(session, **{proposer: 1.0, first: 0.0, second: 0.0}))
    session.respond(first, "reject")
    assert not session.over  # the second may still pass it
    session.respond(second, "reject")
    assert session.ending is not None and session.ending.status == "deadline"


def test_walking_out_ends_the_talks_for_everyone() -> None:
    parties = "{a: {discount: 0.9}, b: {outside_option: 0.25}, c: {disagreement: 0.1}}"
    session = committee("{kind: alternating_offers}", parties)
    session.propose("a", share(session, a=1.0, b=0.0, c=0.0))
    with pytest.raises(PlayError, match="no outside option"):
        session.respond("c", "walk_away")
    session.respond("c", "reject")  # failed at once: next round
    session.propose("b", share(session, a=0.2, b=0.6, c=0.2))
    session.respond("c", "accept")
    session.respond("a", "reject")
    session.propose("c", share(session, a=0.0, b=0.0, c=1.0))
    session.respond("a", "accept")
    session.respond("b", "walk_away")
    ending = session.ending
    assert ending is not None and ending.status == "walked_away" and ending.walker == "b"
    assert ending.round == 2
    assert ending.utilities == pytest.approx({"a": 0.0, "b": 0.25, "c": 0.1})
    assert ending.payoffs == pytest.approx({"a": 0.0, "b": 0.25, "c": 0.1})


def test_random_recognition_follows_the_probabilities() -> None:
    text = """
negsim: 1
name: committee
issues: {budget: {split: {total: 1}, resolution: 3}}
parties: {a: {}, b: {}, c: {}}
protocol: {kind: random_proposer, recognition: {a: 0.5, b: 0.3, c: 0.2}, deadline: 50}
"""
    space = OutcomeSpace.from_scenario(load_scenario_text(text))
    drawn = [Session(space, seed=seed).proposer_at(t) for seed in range(80) for t in range(50)]
    counts = np.array([drawn.count(p) for p in "abc"]) / len(drawn)
    # 4000 draws: each share within four standard errors (at most 0.032)
    assert counts == pytest.approx([0.5, 0.3, 0.2], abs=0.032)


def test_the_majority_proposer_buys_one_vote() -> None:
    """Baron-Ferejohn: under majority the agent's offer at its target gives the rest to one
    partner and nothing to the third; under unanimity it shares the rest evenly."""
    majority = committee("{kind: random_proposer, rule: majority}")
    for target in (0.9, 0.7, 0.5, 0.3):
        budget = majority.space.package(int(majority.group.offer(0, np.array([target]))[0]))
        shares = budget["budget"]
        assert shares["a"] == pytest.approx(target)
        assert sorted([shares["b"], shares["c"]])[0] == 0.0
    unanimity = committee("{kind: alternating_offers}")
    shares = unanimity.space.package(int(unanimity.group.offer(0, np.array([0.6]))[0]))["budget"]
    assert shares == pytest.approx({"a": 0.6, "b": 0.2, "c": 0.2})


@pytest.mark.parametrize("rule", ["unanimity", "majority"])
def test_group_offer_is_the_best_vote_buy_among_those_meeting_the_target(rule: str) -> None:
    """Against brute force over every Pareto-optimal package: the offer meets the target
    and no package meeting it makes the k-th most pleased other party more pleased."""
    session = committee(
        f"{{kind: random_proposer, rule: {rule}}}",
        "{"
        + ", ".join(
            f"{name}: {{weights: {{budget: 0.6, site: 0.4}}, values: {{site: {{x: {x}, y: {y}}}}}"
            + (", disagreement: 0.1" if name == "c" else "")
            + "}"
            for name, x, y in (("a", 1, 0), ("b", 0, 1), ("c", 0.5, 1), ("d", 1, 0.2))
        )
        + "}",
        "{budget: {split: {total: 1}, resolution: 9}, site: {options: [x, y]}}",
    )
    group = GroupOffers.of(session.space)
    pleasure = group.pleasure()
    k = group.quota - 1
    for party, target in itertools.product(range(4), (0.2, 0.45, 0.7)):
        chosen = int(group.offer(party, np.array([target]))[0])
        column = int(np.flatnonzero(group.positions == chosen)[0])
        meets = group.utilities[party] >= target - 1e-9
        others = np.delete(pleasure, party, axis=0)
        kth = -np.sort(-others, axis=0)[k - 1]
        assert meets[column]
        assert kth[column] == pytest.approx(kth[meets].max())


def test_agents_play_a_committee_to_the_end_the_same_way_for_a_seed() -> None:
    def play() -> list[tuple[str, int, dict[str, str]]]:
        session = committee("{kind: random_proposer, rule: majority, deadline: 8}")
        agents = {p: AgentPlayer(session, p) for p in session.parties}
        while not session.over:
            mover = next(p for p in session.parties if session.may_move(p))
            agents[mover].play()
        return [(m.proposer, m.position, dict(m.votes)) for m in session.moves]

    first = play()
    assert first == play()
    assert all(len(votes) >= 1 for _, _, votes in first)


def test_suggestions_and_transcript_of_a_committee() -> None:
    session = committee("{kind: alternating_offers}")
    session.propose("a", share(session, a=0.5, b=0.5, c=0.0))
    session.respond("b", "reject")
    offered = suggestions(session, "c")
    utilities = session.space.utilities[2, offered]
    assert utilities[0] == pytest.approx(1.0)  # c's best first
    assert list(utilities) == sorted(utilities, reverse=True)
    assert share(session, a=0.5, b=0.5, c=0.0) in offered  # a's offer, to answer
    record = transcript_record(
        session, name="committee", file="x.yaml", sha256=None,
        players=dict.fromkeys(session.parties, "person"), started="s", finished="f",
    )  # fmt: skip
    assert record["moves"][0]["votes"] == {"b": "reject"}
    assert record["moves"][0]["response"] == "reject"


def test_suggestions_under_majority_buy_either_partner() -> None:
    session = committee("{kind: random_proposer, rule: majority}")
    budgets = [session.space.package(p)["budget"] for p in suggestions(session, "a")]
    bought = {("b" if shares["b"] > 0 else "c") for shares in budgets if shares["a"] < 1}
    assert bought == {"b", "c"}
    for shares in budgets:  # one vote bought, the third member left out
        assert min(shares["b"], shares["c"]) == 0.0
    record = transcript_record(
        session, name="committee", file="x.yaml", sha256=None,
        players=dict.fromkeys(session.parties, "person"), started="s", finished="f",
    )  # fmt: skip
    assert record["protocol"]["votes_needed"] == 2
