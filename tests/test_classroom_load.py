"""``negsim classroom`` under load: the real server as a child process, a class of 60
students over HTTP (``tests/classroom_load.py``), 30 pairs negotiating at once for 20
rounds; then the same class with the server killed (SIGKILL) in the middle and started
again on its state file.

Checked: every move a student was told was stored is in the exported transcripts and in
the state file's ``moves``, round by round and exactly once; no request failed; every pair
ended as planned (an agreement, the deadline or a walk-out in the last round). The
response times per request kind are printed (``pytest -s``); the bound asserted is loose
(:data:`P95`), as CI machines are shared: ``benchmarks/bench_classroom.py`` measures them.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("starlette")  # the classroom extra; CI installs it (.ci/run)
pytest.importorskip("uvicorn")

from classroom_load import (
    ClassRun,
    Server,
    Settings,
    Timings,
    check_class,
    expected_ending,
    exported,
    finish_class,
    format_table,
    free_port,
    instructor_call,
    percentile,
    scenario_text,
    start_class,
)

import negsim
from negsim.space import OutcomeSpace

STUDENTS = 60
ROUNDS = 20
POLL = 0.5
"""Seconds between a student's polls: the pages poll every 4 s while their event stream is
down; faster here, to load the server more in a shorter test."""
SECONDS = 120
"""Each test gives up after this long (a class takes 12 to 40 s on two shared cores)."""
P95 = 2.0
"""Seconds: the bound on the p95 response time of the students' requests asserted here.
The target is 0.1 s (``benchmarks/bench_classroom.py`` measures it); CI machines are
shared and the two tests of this module may run at once, so the bound is loose."""
ALLOWED = {"debrief": {200, 204}}
"""Statuses other than 200 a request kind may get."""


@pytest.fixture
def scenario(tmp_path: Path) -> Path:
    path = tmp_path / "load.yaml"
    path.write_text(scenario_text(ROUNDS), encoding="utf-8")
    return path


def space_of(path: Path) -> OutcomeSpace:
    return OutcomeSpace.from_scenario(negsim.load(str(path)))


def unexpected(timings: Timings, allowed: dict[str, set[int]]) -> dict[str, dict[int, int]]:
    """The statuses each kind got that it should not have."""
    out = {}
    for kind, found in timings.statuses.items():
        bad = {s: n for s, n in found.items() if s not in allowed.get(kind, {200})}
        if bad:
            out[kind] = bad
    return out


def exports(server: Server, timings: Timings) -> tuple[dict[str, Any], dict[str, Any]]:
    transcripts = instructor_call(server, timings, "transcripts", "GET",
                                  "/api/instructor/transcripts.json")  # fmt: skip
    overview = instructor_call(server, timings, "overview", "GET", "/api/instructor")
    return transcripts, overview


def check_overview(overview: dict[str, Any], run: ClassRun) -> None:
    assert overview["status"] == "running" and len(overview["students"]) == STUDENTS
    assert {p["pair"]: p["status"] for p in overview["pairs"]} == {
        f"pair-{k:02d}": expected_ending(f"pair-{k:02d}") for k in range(1, STUDENTS // 2 + 1)
    }
    assert all(p["offers"] == ROUNDS for p in overview["pairs"])
    assert len(run.sent()) == STUDENTS * ROUNDS  # an offer and an answer a round a pair


@pytest.mark.slow
def test_sixty_students_negotiate_at_once(tmp_path: Path, scenario: Path) -> None:
    deadline = time.perf_counter() + SECONDS
    state = tmp_path / "class.sqlite"
    timings = Timings()
    with Server(scenario, state, free_port(), tmp_path / "server.log") as server:
        server.start()
        settings = Settings(server.port, ROUNDS, poll=POLL, think=0.05, seed=15,
                            deadline=deadline)  # fmt: skip
        run = finish_class(start_class(server, STUDENTS, settings, timings), deadline)
        transcripts, overview = exports(server, timings)
    print(f"\n{STUDENTS} students, {ROUNDS} rounds: {run.seconds:.1f} s\n{format_table(timings)}")
    assert run.failures == []
    assert unexpected(timings, ALLOWED) == {}
    assert dict(timings.unreachable) == {}
    assert check_class(run, ROUNDS, transcripts, state, space_of(scenario)) == []
    check_overview(overview, run)
    students = sorted(t for kind in ("seat", "preview", "offer", "answer")
                      for t in timings.seconds[kind])  # fmt: skip
    assert percentile(students, 0.95) < P95


@pytest.mark.slow
def test_a_server_killed_under_load_resumes(tmp_path: Path, scenario: Path) -> None:
    """SIGKILL with the pairs mid-negotiation and the students still sending; the server
    started again on the same state file and port: the same code and token, no move that
    was acknowledged lost, the requests that failed in between sent again and answered,
    every pair ended as planned."""
    deadline = time.perf_counter() + SECONDS
    state = tmp_path / "class.sqlite"
    timings = Timings()
    with Server(scenario, state, free_port(), tmp_path / "server.log") as server:
        server.start()
        settings = Settings(server.port, ROUNDS, poll=POLL, think=0.2, seed=16,
                            deadline=deadline)  # fmt: skip
        run = start_class(server, STUDENTS, settings, timings)
        while len(run.sent()) < STUDENTS * ROUNDS // 3 and time.perf_counter() < deadline:
            time.sleep(0.01)
        killed = time.perf_counter()
        server.kill()
        acknowledged = [s for s in run.sent() if s.acknowledged and s.acknowledged < killed]
        outage = server.start()  # the same code and token, or it raises
        resumed, _ = exports(server, timings)
        run = finish_class(run, deadline)
        transcripts, overview = exports(server, timings)
    failed = sum(s.failed_posts for s in run.students)
    found = sum(1 for s in run.sent() if s.acknowledged is None)
    print(f"\nkilled after {len(acknowledged)} acknowledged moves; down {outage:.2f} s; "
          f"{dict(timings.unreachable)} requests unanswered; {failed} moves sent again, "
          f"{found} of them found stored\n{format_table(timings)}")  # fmt: skip
    assert STUDENTS * ROUNDS // 3 <= len(acknowledged) < STUDENTS * ROUNDS
    # nothing acknowledged before the kill is missing from the restarted server
    space = space_of(scenario)
    for sent in acknowledged:
        moves = resumed[sent.pair]["moves"]
        assert len(moves) >= sent.round, sent
        move = moves[sent.round - 1]
        if sent.kind == "propose":
            assert (move["proposer"], move["package"]) == (sent.party, exported(space, sent.value))
        else:
            assert move["response"] == sent.value, (sent, move)
    assert run.failures == []
    # the outage was seen, and every request it refused was sent again and answered
    assert timings.unreachable["seat"] > 0
    assert failed > 0
    assert sum(s.resolved_posts for s in run.students) == failed
    # a move refused as out of turn only when its first answer was lost in the kill
    refused = sum(timings.statuses[k].get(409, 0) for k in ("offer", "answer"))
    assert refused <= failed
    allowed = ALLOWED | {"offer": {200, 409}, "answer": {200, 409}}
    assert unexpected(timings, allowed) == {}
    assert check_class(run, ROUNDS, transcripts, state, space_of(scenario)) == []
    check_overview(overview, run)
