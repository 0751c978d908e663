"""``negsim classroom`` with three parties: groups formed evenly with the computer in the seats
left over, members vote in any order, a restarted server replays the votes, the export is
scored by ``negsim debrief`` and its chart drawn."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("starlette")  # the classroom extra; CI installs it (.ci/run)

from starlette.testclient import TestClient
from test_classroom import Seat, instructor, join, open_class

from negsim.studies.classroom_state import Classroom, ClassroomError, fill_groups

NAME = "coalition-split"


def test_fill_groups_is_even_and_in_joining_order() -> None:
    assert fill_groups([], 3) == []
    assert fill_groups([1, 2, 3], 3) == [[1, 2, 3]]
    assert fill_groups([1, 2, 3, 4], 3) == [[1, 2, None], [3, 4, None]]
    assert fill_groups([1, 2, 3, 4, 5, 6, 7], 3) == [[1, 2, 3], [4, 5, None], [6, 7, None]]
    assert fill_groups([1], 4) == [[1, None, None, None]]
    for count in range(1, 30):
        for size in (2, 3, 5):
            groups = fill_groups(list(range(count)), size)
            people = [s for g in groups for s in g if s is not None]
            assert people == list(range(count))  # everyone once, in order
            assert len(groups) == -(-count // size)  # as few groups as hold them
            seated = [sum(s is not None for s in g) for g in groups]
            assert max(seated) - min(seated) <= 1 and seated == sorted(seated, reverse=True)


def budget(room: Classroom, **shares: float) -> dict[str, str]:
    return room.term_texts(room.space.position_of({"budget": shares}))


def seat_of(seats: dict[str, Seat], student: int | None) -> Seat:
    """The test's seat of the student with id ``student``."""
    return next(s for s in seats.values() if s.id == student)


def proposer_seat(room: Classroom, seats: dict[str, Seat], group: str) -> tuple[str, Seat]:
    pair = next(p for p in room.pairs.values() if p.name == group)
    party = pair.session.proposer
    return party, seat_of(seats, pair.seats[party])


@pytest.fixture
def committee(tmp_path: Path) -> tuple[Classroom, TestClient, dict[str, Seat]]:
    """Five students of a three-member committee: group-01 has three people, group-02 two
    and the computer."""
    room, client = open_class(tmp_path / "class.sqlite", NAME)
    seats = {name: join(client, room, name) for name in ("Ana", "Ben", "Cy", "Dee", "Eli")}
    groups = instructor(client, room, "pair")["pairs"]
    assert [g["pair"] for g in groups] == ["group-01", "group-02"]
    assert list(groups[1]["players"].values()) == ["Dee", "Eli", "agent:linear"]
    state = seats["Ana"].state()
    assert state["pair"] == "group-01" and state["votes_needed"] == 2
    assert [p["name"] for p in state["partners"]] == ["Ben", "Cy"]
    assert state["partner"] == "Ben and Cy"
    instructor(client, room, "start")
    return room, client, seats


def test_a_group_votes_and_a_majority_passes(committee: Any) -> None:
    room, _, seats = committee
    party, proposer = proposer_seat(room, seats, "group-01")
    first, second = room.pairs[1].session.others(party)
    voters = {p: seat_of(seats, room.pairs[1].seats[p]) for p in (first, second)}
    assert proposer.state()["turn"] == "propose"
    assert voters[first].state()["turn"] == "wait"
    offer = budget(room, **{party: 0.7, first: 0.3, second: 0.0})
    assert proposer.post("/offer", {"package": offer}).status_code == 200
    # both members may vote, in any order: the second in the parties' order votes first
    assert voters[first].state()["turn"] == voters[second].state()["turn"] == "respond"
    pending = voters[second].state()["pending"]
    assert pending["points"] == 0.0 and pending["by"] == room.scenario.party(party).label
    assert voters[second].post("/answer", {"response": "reject"}).status_code == 200
    state = voters[first].state()
    assert state["turn"] == "respond"
    assert state["moves"][-1]["votes"] == {room.scenario.party(second).label: "reject"}
    assert sorted(state["waiting_for"]) == [first]
    assert voters[first].post("/answer", {"response": "accept"}).status_code == 200
    ending = voters[second].state()["ending"]
    assert ending["status"] == "agreement" and ending["points"] == 0.0
    assert proposer.state()["ending"]["points"] == 70.0
    # the vote is closed: a late vote is refused, nothing stored
    assert voters[second].post("/answer", {"response": "accept"}).status_code == 409


def test_the_computer_votes_at_once_and_a_restart_replays_the_votes(
    committee: Any, tmp_path: Path
) -> None:
    room, _, seats = committee
    group = room.pairs[2]
    session = group.session
    for _ in range(8):  # a few rounds: the people propose all to themselves, vote no
        if session.over:
            break
        if session.pending is None:
            mover = session.proposer  # a person: the computer proposes at once
            seat = seat_of(seats, group.seats[mover])
            shares = {p: 1.0 if p == mover else 0.0 for p in session.parties}
            assert seat.post("/offer", {"package": budget(room, **shares)}).status_code == 200
        for party in session.responders:
            voter = seat_of(seats, group.seats[party])
            assert voter.post("/answer", {"response": "reject"}).status_code == 200
    moves = [(m.proposer, m.position, dict(m.votes), m.response) for m in session.moves]
    assert any("west" in votes for _, _, votes, _ in moves)  # the computer voted
    room.close()
    again = Classroom(str(tmp_path / "class.sqlite"), room.space, file=NAME, sha256=None,
                      agent="linear")  # fmt: skip
    replayed = again.pairs[2].session
    assert [(m.proposer, m.position, dict(m.votes), m.response) for m in replayed.moves] == moves
    again.close()


def test_grouping_by_hand_and_its_refusals(tmp_path: Path) -> None:
    room, client = open_class(tmp_path / "class.sqlite", NAME)
    ana, ben = (join(client, room, name) for name in ("Ana", "Ben"))
    token = {"X-Instructor-Token": room.instructor_token}

    def by_hand(students: Any) -> Any:
        return client.post("/api/instructor/pair-by-hand", json={"students": students},
                           headers=token)  # fmt: skip

    assert by_hand([ana.id, ben.id]).status_code == 400  # three seats needed
    assert by_hand([ana.id, ana.id, None]).status_code == 422
    assert by_hand([None, None, None]).status_code == 422
    assert by_hand([None, ben.id, ana.id]).status_code == 200
    seated = ben.state()
    assert seated["party"] == "south" and seated["partner"] == "Ana and the computer"
    with pytest.raises(ClassroomError, match="already in group-01"):
        room.pair_students(ana.id, None, None)
    assert room.agreements_csv().count("\n") == 1  # the header only


def test_the_finished_groups_are_scored_and_drawn(committee: Any) -> None:
    room, client, seats = committee
    party, proposer = proposer_seat(room, seats, "group-01")
    first, second = room.pairs[1].session.others(party)
    offer = budget(room, **{party: 0.4, first: 0.3, second: 0.3})
    assert proposer.post("/offer", {"package": offer}).status_code == 200
    voter = seat_of(seats, room.pairs[1].seats[first])
    assert voter.post("/answer", {"response": "accept"}).status_code == 200
    overview = client.get("/api/instructor",
                          headers={"X-Instructor-Token": room.instructor_token}).json()  # fmt: skip
    row = overview["pairs"][0]
    assert row["status"] == "agreement" and row["left_on_table"] == 0.0
    csv_text = room.agreements_csv()
    assert csv_text.splitlines()[1].startswith("group-01: Ana & Ben & Cy,")
    record = room.transcripts()["group-01"]
    assert record["moves"][0]["votes"] == {first: "accept"}
    svg = client.get("/api/instructor/debrief.svg",
                     headers={"X-Instructor-Token": room.instructor_token})  # fmt: skip
    assert svg.status_code == 200 and svg.content.startswith(b"<?xml")


def test_a_student_leaves_mid_way_and_the_computer_plays_on(tmp_path: Path) -> None:
    """Ben leaves a begun pair: the computer takes his seat and answers at once; a restart
    replays the talks with the seat changing hands at the same move."""
    room, client = open_class(tmp_path / "class.sqlite", "logrolling")
    ana, ben, cy = (join(client, room, name) for name in ("Ana", "Ben", "Cy"))
    token = {"X-Instructor-Token": room.instructor_token}
    instructor(client, room, "pair")  # Ana & Ben; Cy & the computer
    instructor(client, room, "start")
    pair = room.pairs[1]
    assert ana.post("/offer", {"package": room.term_texts(0)}).status_code == 200
    assert ben.post("/answer", {"response": "reject"}).status_code == 200
    assert ben.post("/offer", {"package": room.term_texts(1)}).status_code == 200

    def replace(student: Any, by: Any) -> Any:
        return client.post("/api/instructor/replace", json={"student": student, "by": by},
                           headers=token)  # fmt: skip

    assert replace(ben.id, cy.id).status_code == 409  # Cy is seated
    assert replace("x", None).status_code == 422
    assert replace(ben.id, None).status_code == 200
    assert ben.state()["seated"] is False  # Ben is free again
    assert pair.seats["b"] is None and "b" in pair.agents
    assert ana.state()["partner"] == "the computer"
    # Ben's offer stays on the table; Ana answers, then the computer answers Ana's at once
    assert ana.post("/answer", {"response": "reject"}).status_code == 200
    assert ana.post("/offer", {"package": room.term_texts(2)}).status_code == 200
    moves = [(m.proposer, m.position, m.response) for m in pair.session.moves]
    assert moves[-1][2] is not None  # answered by the computer
    # a pair left with no student: refused; Ben may take a seat in talks not yet over
    cy_pair = room.pairs[2]
    assert replace(cy.id, None).status_code == 409
    assert replace(cy.id, ben.id).status_code == 200
    assert ben.state()["pair"] == cy_pair.name and cy.state()["seated"] is False
    room.close()
    again = Classroom(str(tmp_path / "class.sqlite"), room.space, file="logrolling",
                      sha256=None, agent="linear")  # fmt: skip
    replayed = again.pairs[1]
    assert [(m.proposer, m.position, m.response) for m in replayed.session.moves] == moves
    assert replayed.seats == pair.seats and set(replayed.agents) == {"b"}
    assert again.seat(ben.id) == (again.pairs[2], "a")
    again.close()


def test_a_finished_pair_keeps_its_students(committee: Any) -> None:
    room, _, seats = committee
    party, proposer = proposer_seat(room, seats, "group-01")
    first, _second = room.pairs[1].session.others(party)
    offer = budget(room, **{party: 0.5, first: 0.5, _second: 0.0})
    assert proposer.post("/offer", {"package": offer}).status_code == 200
    voter = seat_of(seats, room.pairs[1].seats[first])
    assert voter.post("/answer", {"response": "accept"}).status_code == 200
    with pytest.raises(ClassroomError, match="has finished"):
        room.replace_student(voter.id, None)


def test_a_failed_reseat_leaves_the_seat_as_it_was(tmp_path: Path, monkeypatch: Any) -> None:
    from negsim.studies.classroom_store import ClassStore

    room, client = open_class(tmp_path / "class.sqlite", "logrolling")
    ana, ben = (join(client, room, name) for name in ("Ana", "Ben"))
    instructor(client, room, "pair")
    instructor(client, room, "start")
    assert ana.post("/offer", {"package": room.term_texts(0)}).status_code == 200

    def full(*args: Any) -> str:
        raise OSError("disk full")

    monkeypatch.setattr(ClassStore, "add_move", full)
    with pytest.raises(OSError):
        room.replace_student(ben.id, None)
    assert room.seat(ben.id) == (room.pairs[1], "b") and room.pairs[1].agents == {}
    assert room.store.seats(1) == {"a": ana.id, "b": ben.id}
    assert ben.state()["turn"] == "respond"
