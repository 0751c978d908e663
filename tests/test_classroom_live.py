"""``negsim classroom``: the clock in minutes, pairing by hand, live updates (server-sent
events on a real server), the QR code, rate limits and the ``Host`` check."""

from __future__ import annotations

import http.client
import io
import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("starlette")  # the classroom extra; CI installs it (.ci/run)

import uvicorn
from starlette.testclient import TestClient

import negsim
from negsim.cli.classroom.guard import LOOPBACK_HOSTS, HttpError, RateLimit, host_name
from negsim.cli.classroom.web import create_app
from negsim.space import OutcomeSpace
from negsim.studies.classroom_state import Classroom

SPACE = OutcomeSpace.from_scenario(negsim.load("logrolling"))
SHEETS = {party: f"<p>sheet of {party}</p>" for party in SPACE.scenario.party_names}


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def room_and_client(path: Path, **options: Any) -> tuple[Classroom, TestClient]:
    room = Classroom(str(path), SPACE, file="logrolling", sha256=None, agent="linear", **options)
    return room, TestClient(create_app(room, sheets=SHEETS))


def join(client: TestClient, room: Classroom, name: str) -> dict[str, Any]:
    response = client.post("/api/join", json={"name": name, "code": room.code})
    assert response.status_code == 200, response.text
    data = response.json()
    data["headers"] = {"X-Seat-Token": data["token"]}
    return data


def boss(room: Classroom) -> dict[str, str]:
    return {"X-Instructor-Token": room.instructor_token}


def test_the_clock_runs_while_the_class_runs_and_ends_the_talks(tmp_path: Path) -> None:
    clock = Clock()
    path = tmp_path / "c.sqlite"
    room, client = room_and_client(path, minutes=10, clock=clock)
    ana, ben = join(client, room, "Ana"), join(client, room, "Ben")
    client.post("/api/instructor/pair", json={}, headers=boss(room))
    assert room.time_left() == 600.0  # not started: the clock does not run
    clock.now += 50
    assert room.time_left() == 600.0
    client.post("/api/instructor/start", json={}, headers=boss(room))
    clock.now += 240
    assert room.time_left() == pytest.approx(360.0)
    package = room.term_texts(0)
    offer = client.post(f"/api/seat/{ana['id']}/offer", json={"package": package},
                        headers=ana["headers"])  # fmt: skip
    assert offer.status_code == 200
    client.post("/api/instructor/stop", json={}, headers=boss(room))
    clock.now += 1000  # paused: the clock stands still
    assert room.time_left() == pytest.approx(360.0)
    assert client.get(f"/api/seat/{ben['id']}", headers=ben["headers"]).json()["time_left"] == (
        pytest.approx(360.0)
    )
    client.post("/api/instructor/start", json={}, headers=boss(room))
    clock.now += 359
    assert not room.tick() and room.status == "running"
    clock.now += 1
    assert room.tick() and room.status == "over"
    view = client.get(f"/api/seat/{ben['id']}", headers=ben["headers"]).json()
    assert view["ending"]["status"] == "deadline" and "time ran out" in view["ending"]["words"]
    # no deal: each side its disagreement value, discounted to the round reached
    session = room.pairs[1].session
    assert view["ending"]["points"] == pytest.approx(100 * session.disagreement[1], abs=0.05)
    refused = client.post(f"/api/seat/{ben['id']}/answer", json={"response": "accept"},
                          headers=ben["headers"])  # fmt: skip
    assert refused.status_code == 409 and "time is up" in refused.json()["error"]
    again = client.post("/api/instructor/start", json={}, headers=boss(room))
    assert again.status_code == 409
    overview = client.get("/api/instructor", headers=boss(room)).json()
    assert overview["pairs"][0]["status"] == "time_up"
    assert room.transcripts()["pair-01"]["outcome"]["status"] == "deadline"
    assert "no deal" in room.agreements_csv()
    before = room.transcripts()
    room.close()
    # restarted: the expiry is replayed; more minutes reopen the class (paused)
    resumed = Classroom(str(path), SPACE, file="logrolling", sha256=None, agent="linear",
                        clock=clock)  # fmt: skip
    assert resumed.status == "over" and resumed.transcripts() == before
    assert resumed.pairs[1].expired
    resumed.close()
    longer = Classroom(str(path), SPACE, file="logrolling", sha256=None, minutes=20, clock=clock)
    assert longer.status == "stopped" and longer.time_left() == pytest.approx(600.0)
    assert longer.pairs[1].session.over  # the pair that ran out stays over
    longer.close()


def test_the_instructor_pairs_by_hand(tmp_path: Path) -> None:
    room, client = room_and_client(tmp_path / "h.sqlite")
    ana, ben, chloe = (join(client, room, name) for name in ("Ana", "Ben", "Chloe"))

    def pair(students: Any, headers: dict[str, str] | None = None) -> Any:
        return client.post("/api/instructor/pair-by-hand", json={"students": students},
                           headers=boss(room) if headers is None else headers)  # fmt: skip

    made = pair([chloe["id"], ana["id"]])
    assert made.status_code == 200, made.text
    pairs = made.json()["pairs"]
    first, second = (room.scenario.party(p).label for p in room.scenario.party_names)
    assert pairs[0]["players"] == {first: "Chloe", second: "Ana"}
    refused = [([ana["id"], ben["id"]], 409), ([ben["id"], ben["id"]], 422), ([None, None], 422),
               ([True, ben["id"]], 422), (["Ben", None], 422), ([999, None], 422),
               ([ben["id"]], 400)]  # fmt: skip
    for students, status in refused:
        response = pair(students)
        assert response.status_code == status, (students, response.text)
    assert pair([ben["id"], None], headers=ana["headers"]).status_code == 403
    assert len(room.pairs) == 1
    made = pair([None, ben["id"]])
    assert made.json()["pairs"][1]["players"] == {first: "agent:linear", second: "Ben"}
    assert (
        client.post("/api/instructor/pair", json={}, headers=boss(room)).json()["pairs"]
        == (made.json()["pairs"])
    )  # nobody left to pair
    seat = client.get(f"/api/seat/{ana['id']}", headers=ana["headers"]).json()
    assert seat["party"] == room.scenario.party_names[1] and seat["partner"] == "Chloe"
    transcripts = room.transcripts()
    assert transcripts["pair-01"]["mode"] == "classroom"
    assert transcripts["pair-02"]["mode"] == "agent"


def test_the_join_address_and_its_qr_code(tmp_path: Path) -> None:
    import segno

    room, client = room_and_client(tmp_path / "q.sqlite")
    overview = client.get("/api/instructor", headers=boss(room)).json()
    assert overview["join_url"] == f"http://testserver/?code={room.code}"
    qr = client.get("/api/instructor/join-qr.svg", headers=boss(room))
    assert qr.status_code == 200 and qr.headers["content-type"] == "image/svg+xml"
    # the code of the join address itself (drawn again here with the same options)
    expected = io.BytesIO()
    segno.make(overview["join_url"], error="m").save(
        expected, kind="svg", scale=8, border=2, title="Join the class negotiation"
    )
    assert qr.content == expected.getvalue()
    wrong = io.BytesIO()
    segno.make("http://testserver/", error="m").save(wrong, kind="svg", scale=8, border=2)
    assert qr.content != wrong.getvalue()
    assert client.get("/api/instructor/join-qr.svg").status_code == 403
    fixed = TestClient(create_app(room, sheets=SHEETS, join_url="http://10.0.0.5:8000/?code=X"))
    assert fixed.get("/api/instructor", headers=boss(room)).json()["join_url"] == (
        "http://10.0.0.5:8000/?code=X"
    )


def test_rate_limits() -> None:
    clock = Clock()
    limit = RateLimit(rate=2.0, burst=3.0, clock=clock, keys=2)
    for _ in range(3):
        limit.check("a", "requests")
    with pytest.raises(HttpError) as refused:
        limit.check("a", "requests")
    assert refused.value.status == 429 and refused.value.headers == {"Retry-After": "1"}
    limit.check("b", "requests")  # another key has its own bucket
    clock.now += 0.5  # one token back at 2 a second
    limit.check("a", "requests")
    with pytest.raises(HttpError):
        limit.check("a", "requests")
    limit.check("c", "requests")
    assert list(limit.buckets) == ["a", "c"]  # at most `keys` remembered, the oldest dropped


def test_a_page_asking_too_fast_gets_429(tmp_path: Path, monkeypatch: Any) -> None:
    from negsim.cli.classroom import web

    rate, burst = web.SEAT_REQUESTS
    monkeypatch.setattr(web, "SEAT_REQUESTS", (1e-6, burst))  # no refill during the test
    room, client = room_and_client(tmp_path / "r.sqlite")
    ana, ben = join(client, room, "Ana"), join(client, room, "Ben")
    statuses = [client.get(f"/api/seat/{ana['id']}", headers=ana["headers"]).status_code
                for _ in range(int(burst) + 5)]  # fmt: skip
    assert statuses == [200] * int(burst) + [429] * 5
    refused = client.get(f"/api/seat/{ana['id']}", headers=ana["headers"])
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) >= 1
    assert "too many" in refused.json()["error"]
    # another seat is not slowed down
    assert client.get(f"/api/seat/{ben['id']}", headers=ben["headers"]).status_code == 200
    assert rate >= 5  # the real limit leaves a page far more than it asks (one poll in 4 s)


def test_a_loopback_server_answers_to_localhost_only(tmp_path: Path) -> None:
    room = Classroom(str(tmp_path / "l.sqlite"), SPACE, file="logrolling", sha256=None)
    app = create_app(room, sheets=SHEETS, allowed_hosts=LOOPBACK_HOSTS)
    for host, status in (("localhost:8000", 200), ("127.0.0.1:8000", 200), ("[::1]:8000", 200),
                         ("localhost", 200), ("evil.example:8000", 400),
                         ("localhost.evil.example", 400)):  # fmt: skip
        response = TestClient(app).get("/", headers={"Host": host})
        assert response.status_code == status, host
    assert host_name("LocalHost:80") == "localhost" and host_name("[::1]") == "[::1]"


# --------------------------------------------------------------------------------------------
# Server-sent events on a real server


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[Classroom, int]]:
    room = Classroom(str(tmp_path / "s.sqlite"), SPACE, file="logrolling", sha256=None)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(create_app(room, sheets=SHEETS), host="127.0.0.1", port=port,
                            log_level="warning", timeout_graceful_shutdown=1)  # fmt: skip
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not running.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.02)
    yield room, port
    running.should_exit = True
    thread.join(10)
    room.close()


def request(port: int, method: str, path: str, headers: dict[str, str], body: Any = None) -> Any:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    data = None if body is None else json.dumps(body)
    headers = headers | ({"Content-Type": "application/json"} if body is not None else {})
    connection.request(method, path, body=data, headers=headers)
    response = connection.getresponse()
    payload = json.loads(response.read())
    connection.close()
    assert response.status == 200, payload
    return payload


class Events:
    """An open event stream, read event by event."""

    def __init__(self, port: int, path: str, headers: dict[str, str]):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        self.connection.request("GET", path, headers=headers)
        self.response = self.connection.getresponse()
        assert self.response.status == 200
        assert self.response.getheader("content-type", "").startswith("text/event-stream")

    def next(self) -> dict[str, Any]:
        """The next event's data (keep-alive comments skipped)."""
        lines: list[str] = []
        while True:
            line = self.response.readline().decode("utf-8").rstrip("\n")
            if line:
                lines.append(line)
                continue
            data = [x[5:].strip() for x in lines if x.startswith("data:")]
            lines = []
            if data:
                return dict(json.loads("\n".join(data)))

    def close(self) -> None:
        self.connection.close()


def test_pages_are_told_of_every_change_as_it_happens(server: tuple[Classroom, int]) -> None:
    room, port = server
    token = {"X-Instructor-Token": room.instructor_token}
    overview = Events(port, "/api/instructor/events", token)
    assert overview.next()["students"] == []
    ana = request(port, "POST", "/api/join", {}, {"name": "Ana", "code": room.code})
    assert [s["name"] for s in overview.next()["students"]] == ["Ana"]
    ben = request(port, "POST", "/api/join", {}, {"name": "Ben", "code": room.code})
    overview.next()
    ana_headers = {"X-Seat-Token": ana["token"]}
    ana_events = Events(port, f"/api/seat/{ana['id']}/events", ana_headers)
    ben_events = Events(port, f"/api/seat/{ben['id']}/events", {"X-Seat-Token": ben["token"]})
    assert ana_events.next()["seated"] is False and ben_events.next()["seated"] is False
    request(port, "POST", "/api/instructor/pair", token, {})
    assert ana_events.next()["seated"] and ben_events.next()["seated"]
    request(port, "POST", "/api/instructor/start", token, {})
    assert ana_events.next()["turn"] == "propose" and ben_events.next()["turn"] == "wait"
    request(port, "POST", f"/api/seat/{ana['id']}/offer", ana_headers,
            {"package": room.term_texts(2)})  # fmt: skip
    seen = ben_events.next()
    assert seen["turn"] == "respond" and seen["pending"]["points"] == pytest.approx(
        100 * SPACE.utilities[1, 2], abs=0.05
    )
    assert ana_events.next()["turn"] == "wait"
    latest = overview.next()
    while latest["pairs"][0]["offers"] == 0:  # join, pair and start came first
        latest = overview.next()
    assert latest["pairs"][0]["offers"] == 1
    for stream in (overview, ana_events, ben_events):
        stream.close()
    stolen = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    stolen.request("GET", f"/api/seat/{ben['id']}/events", headers=ana_headers)
    assert stolen.getresponse().status == 403
    stolen.close()


def test_a_failed_write_leaves_nothing_half_stored(tmp_path: Path, monkeypatch: Any) -> None:
    """A move and the agent's answer are stored together or not at all, and memory goes
    back to what the file holds; pairing is all or nothing too."""
    from negsim.studies.classroom_store import ClassStore

    room, client = room_and_client(tmp_path / "t.sqlite")
    solo = join(client, room, "Solo")
    client.post("/api/instructor/pair", json={}, headers=boss(room))
    client.post("/api/instructor/start", json={}, headers=boss(room))
    calls: list[str] = []
    real = ClassStore.add_move

    def failing(self: ClassStore, pair_id: int, party: str, kind: str, value: Any,
                *rest: Any) -> str:  # fmt: skip
        calls.append(party)
        if len(calls) == 2:  # the agent's answer
            raise OSError("disk full")
        return real(self, pair_id, party, kind, value, *rest)

    monkeypatch.setattr(ClassStore, "add_move", failing)
    with pytest.raises(OSError):
        room.offer(solo["id"], room.term_texts(0))
    assert calls == ["a", "b"]
    assert room.db.execute("SELECT COUNT(*) FROM moves").fetchone()[0] == 0
    assert room.pairs[1].session.moves == [] and room.pairs[1].session.turn == ("propose", "a")
    monkeypatch.setattr(ClassStore, "add_move", real)
    assert client.post(f"/api/seat/{solo['id']}/offer", json={"package": room.term_texts(0)},
                       headers=solo["headers"]).status_code == 200  # fmt: skip
    # pairing: a failure half-way stores no pair and leaves nobody seated in memory
    late = [join(client, room, name) for name in ("Ana", "Ben", "Chloe", "Dev")]
    real_pair = ClassStore.add_pair
    made: list[int] = []

    def second_fails(self: ClassStore, seats: Any, players: Any) -> int:
        if made:
            raise OSError("disk full")
        made.append(real_pair(self, seats, players))
        return made[-1]

    monkeypatch.setattr(ClassStore, "add_pair", second_fails)
    with pytest.raises(OSError):
        room.pair_up()
    assert room.db.execute("SELECT COUNT(*) FROM pairs").fetchone()[0] == 1
    assert sorted(room.pairs) == [1] and all(room.seat(s["id"]) is None for s in late)


def test_a_state_file_that_does_not_follow_the_rules_is_named(tmp_path: Path) -> None:
    from negsim.studies.classroom_state import ClassroomError

    path = tmp_path / "bad.sqlite"
    room, client = room_and_client(path)
    ana, _ben = join(client, room, "Ana"), join(client, room, "Ben")
    client.post("/api/instructor/pair", json={}, headers=boss(room))
    client.post("/api/instructor/start", json={}, headers=boss(room))
    client.post(f"/api/seat/{ana['id']}/offer", json={"package": room.term_texts(0)},
                headers=ana["headers"])  # fmt: skip
    room.db.execute("UPDATE moves SET party = 'b'")  # as if b had made a's offer
    room.close()
    with pytest.raises(ClassroomError, match=r"move 1 of pair-01 does not follow the rules"):
        Classroom(str(path), SPACE, file="logrolling", sha256=None)


def test_the_instructor_undoes_a_pair_and_removes_a_student(tmp_path: Path) -> None:
    path = tmp_path / "u.sqlite"
    room, client = room_and_client(path)
    ana, ben, chloe = (join(client, room, name) for name in ("Ana", "Ben", "Chloe"))

    def post(action: str, body: dict[str, Any], headers: dict[str, str] | None = None) -> Any:
        return client.post(f"/api/instructor/{action}", json=body,
                           headers=boss(room) if headers is None else headers)  # fmt: skip

    assert post("pair", {}).status_code == 200  # Ana & Ben, Chloe & the computer
    # a student in a pair cannot be removed; a pair undone frees its students
    assert post("remove", {"student": ana["id"]}).status_code == 409
    undone = post("unpair", {"pair": "pair-01"})
    assert undone.status_code == 200, undone.text
    assert [p["pair"] for p in undone.json()["pairs"]] == ["pair-02"]
    free = {s["name"] for s in undone.json()["students"] if s["pair"] is None}
    assert free == {"Ana", "Ben"}
    seat = client.get(f"/api/seat/{ana['id']}", headers=ana["headers"]).json()
    assert seat["seated"] is False
    # a name typed by mistake: removed, its page refused, the name free again
    assert post("remove", {"student": ben["id"]}).status_code == 200
    assert client.get(f"/api/seat/{ben['id']}", headers=ben["headers"]).status_code == 403
    assert client.post("/api/join", json={"name": "ben", "code": room.code}).status_code == 200
    # refused: a pair that has begun, unknown pairs and students, bad ids, not the instructor
    client.post("/api/instructor/start", json={}, headers=boss(room))
    offer = client.post(f"/api/seat/{chloe['id']}/offer", json={"package": room.term_texts(0)},
                        headers=chloe["headers"])  # fmt: skip
    assert offer.status_code == 200
    for action, body, status in (("unpair", {"pair": "pair-02"}, 409),
                                 ("unpair", {"pair": "pair-09"}, 422),
                                 ("remove", {"student": 999}, 422),
                                 ("remove", {"student": "Ana"}, 422),
                                 ("remove", {"who": 1}, 400)):  # fmt: skip
        response = post(action, body)
        assert response.status_code == status, (action, body, response.text)
    assert post("unpair", {"pair": "pair-02"}, headers=ana["headers"]).status_code == 403
    overview = client.get("/api/instructor", headers=boss(room)).json()
    room.close()
    again = Classroom(str(path), SPACE, file="logrolling", sha256=None, agent="linear")
    assert [p.name for p in again.pairs.values()] == ["pair-02"]
    assert sorted(again.store.names.values()) == sorted(s["name"] for s in overview["students"])
    again.close()


def test_scenarios_the_classroom_cannot_play_are_refused_clearly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A space too large to list is played (a merged space: any package is found and
    valued, tests/test_classroom_huge.py); what is still refused, with exit 2, the reason
    and no state file: a block of issues joined by a constraint too large for the memory,
    and constraints that rule out every package."""
    from typer.testing import CliRunner

    from negsim.cli import app

    issues = "issues: {a: {options: [x, y, z]}, b: {options: [x, y]}, c: {options: [x, y]}}"
    values = "{a: {x: 1, y: 0, z: 0}, b: {x: 0, y: 1}, c: {x: 1, y: 0}}"
    parties = f"parties: {{p: {{values: {values}}}, q: {{values: {values}}}}}"
    cases = (
        ("joined", "{forbid: {a: x, b: y}}", "1K", "joined by interactions or constraints"),
        ("empty", "{forbid: {c: x}}, {forbid: {c: y}}", None, "forbid every package"),
    )
    for name, constraint, limit, words in cases:
        if limit is not None:
            monkeypatch.setenv("NEGSIM_MEMORY_LIMIT", limit)
        else:
            monkeypatch.delenv("NEGSIM_MEMORY_LIMIT", raising=False)
        file = tmp_path / f"{name}.yaml"
        file.write_text(f"negsim: 1\nname: {name}\n{issues}\n{parties}\n"
                        f"constraints: [{constraint}]\n")  # fmt: skip
        state = tmp_path / f"{name}.sqlite"
        run = CliRunner().invoke(app, ["classroom", str(file), "--state", str(state)])
        assert run.exit_code == 2 and words in run.output, run.output
        assert not state.exists()
