"""``negsim classroom``: the web server driven through Starlette's TestClient (no network).

Two students negotiate to an agreement, another pair runs out of rounds, an odd student
plays the agent; the export is scored by ``negsim debrief``; a restarted server sees it
all; tokens keep seats apart; bad requests are refused and store nothing.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("starlette")  # the classroom extra; CI installs it (.ci/run)

from starlette.testclient import TestClient

import negsim
from negsim.cli.classroom.web import MAX_BODY, create_app
from negsim.space import OutcomeSpace
from negsim.studies.classroom_state import Classroom

EVIL = "<script>alert(1)</script>"
SPACES: dict[str, OutcomeSpace] = {}


def space(name: str) -> OutcomeSpace:
    if name not in SPACES:
        SPACES[name] = OutcomeSpace.from_scenario(negsim.load(name))
    return SPACES[name]


def open_class(path: Path, name: str = "logrolling") -> tuple[Classroom, TestClient]:
    room = Classroom(str(path), space(name), file=name, sha256=None, agent="linear")
    return room, TestClient(create_app(room, sheets=SHEETS.get(name)))


SHEETS: dict[str, dict[str, str]] = {}


class Seat:
    def __init__(self, client: TestClient, data: dict[str, Any]):
        self.client, self.id, self.token = client, data["id"], data["token"]
        self.headers = {"X-Seat-Token": self.token}

    def get(self, path: str = "") -> Any:
        return self.client.get(f"/api/seat/{self.id}{path}", headers=self.headers)

    def post(self, path: str, body: Any) -> Any:
        return self.client.post(f"/api/seat/{self.id}{path}", headers=self.headers, json=body)

    def state(self) -> dict[str, Any]:
        response = self.get()
        assert response.status_code == 200, response.text
        return response.json()


def join(client: TestClient, room: Classroom, name: str) -> Seat:
    response = client.post("/api/join", json={"name": name, "code": room.code.lower()})
    assert response.status_code == 200, response.text
    return Seat(client, response.json())


def instructor(client: TestClient, room: Classroom, action: str) -> dict[str, Any]:
    response = client.post(f"/api/instructor/{action}", json={},
                           headers={"X-Instructor-Token": room.instructor_token})  # fmt: skip
    assert response.status_code == 200, response.text
    return response.json()


def package(room: Classroom, position: int) -> dict[str, str]:
    return room.term_texts(position)


@pytest.fixture
def played(tmp_path: Path) -> tuple[Path, Classroom, TestClient, list[Seat]]:
    """Five students in logrolling: pair 1 agrees, pair 2 reaches the deadline, the fifth
    plays the agent."""
    room, client = open_class(tmp_path / "class.sqlite")
    seats = [join(client, room, name) for name in ("Ana", "Ben", "Chloe", EVIL, "Eve")]
    assert seats[0].state()["seated"] is False
    pairs = instructor(client, room, "pair")["pairs"]
    assert [p["pair"] for p in pairs] == ["pair-01", "pair-02", "pair-03"]
    ana, ben, chloe, dev, eve = seats
    # not started: no moves
    assert ana.post("/offer", {"package": package(room, 0)}).status_code == 409
    instructor(client, room, "start")
    offer = package(room, 3)
    assert ana.state()["turn"] == "propose" and ben.state()["turn"] == "wait"
    assert ana.post("/offer", {"package": offer}).status_code == 200
    pending = ben.state()["pending"]
    assert pending["points"] == pytest.approx(100 * room.space.utilities[1, 3], abs=0.05)
    assert ben.post("/answer", {"response": "accept"}).status_code == 200
    assert ana.state()["ending"]["status"] == "agreement"
    for proposer, responder in ((chloe, dev), (dev, chloe), (chloe, dev)):
        assert proposer.post("/offer", {"package": package(room, 0)}).status_code == 200
        assert responder.post("/answer", {"response": "reject"}).status_code == 200
    assert chloe.state()["ending"]["status"] == "deadline"
    assert eve.state()["partner"] == "the computer"
    return tmp_path, room, client, seats


def test_two_pairs_play_and_debrief_scores_the_export(played: Any) -> None:
    folder, room, client, _ = played
    token = {"X-Instructor-Token": room.instructor_token}
    overview = client.get("/api/instructor", headers=token).json()
    statuses = {p["pair"]: p["status"] for p in overview["pairs"]}
    assert statuses["pair-01"] == "agreement" and statuses["pair-02"] == "deadline"
    from negsim.analysis.scoring import score_deal

    left = {p["pair"]: p["left_on_table"] for p in overview["pairs"]}
    assert left["pair-01"] == round(100 * score_deal(room.space, 3).joint_value_left, 1)
    assert left["pair-02"] == round(100 * score_deal(room.space, None).joint_value_left, 1)
    assert left["pair-02"] > 0 and left["pair-03"] is None
    archive = zipfile.ZipFile(io.BytesIO(client.get("/api/instructor/transcripts.zip",
                                                    headers=token).content))  # fmt: skip
    assert sorted(archive.namelist()) == ["agreements.csv", "pair-01.json", "pair-02.json",
                                          "pair-03.json"]  # fmt: skip
    archive.extractall(folder / "out")
    record = json.loads((folder / "out" / "pair-01.json").read_text())
    assert record["negsim_transcript"] == 1 and record["players"] == {"a": "person", "b": "person"}
    assert record["outcome"]["package"] == room.space.package(3)
    assert json.loads((folder / "out" / "pair-03.json").read_text())["players"]["b"] == (
        "agent:linear"
    )
    csv_text = client.get("/api/instructor/agreements.csv", headers=token).text
    assert csv_text.splitlines()[0] == "pair,clients,equipment"
    assert "no deal" in csv_text
    from negsim.format.class_results import read_results
    from negsim.studies.debrief import debrief

    scenario = negsim.load("logrolling")
    analysis = negsim.solve(scenario)
    for files in (["agreements.csv"], ["pair-01.json", "pair-02.json", "pair-03.json"]):
        deals, skipped = [], []
        for name in files:
            found, left = read_results(scenario, str(folder / "out" / name))
            deals += found
            skipped += left
        if len(files) > 1:  # the agent's pair has not finished: skipped as interrupted
            assert [s.pair for s in skipped] == ["pair-03"]
        else:
            assert skipped == []
        result = debrief(analysis, deals, skipped)
        assert result.agreed == 1 and len(result.pairs) == 2
    from typer.testing import CliRunner

    from negsim.cli import app

    run = CliRunner().invoke(app, ["debrief", "logrolling", str(folder / "out" / "agreements.csv")])
    assert run.exit_code == 0, run.output
    assert "pair-01" in run.output


def test_a_restarted_server_resumes(played: Any) -> None:
    folder, room, client, seats = played
    before = client.get("/api/instructor", headers={"X-Instructor-Token": room.instructor_token})
    moves = [seat.state()["moves"] for seat in seats]
    transcripts = room.transcripts()
    token, code = room.instructor_token, room.code
    room.close()
    again, client2 = open_class(folder / "class.sqlite")
    assert again.instructor_token == token and again.code == code
    after = client2.get("/api/instructor", headers={"X-Instructor-Token": token}).json()
    earlier = before.json()
    assert after.pop("changes") > earlier.pop("changes")  # a view after the restart is newer
    assert after == earlier
    for seat, seen in zip(seats, moves, strict=True):
        assert Seat(client2, {"id": seat.id, "token": seat.token}).state()["moves"] == seen
    assert again.transcripts() == transcripts
    again.close()


def test_seats_and_the_instructor_are_kept_apart(tmp_path: Path) -> None:
    room, client = open_class(tmp_path / "v.sqlite", "venezuela-2025")
    us, maduro = join(client, room, "Ana"), join(client, room, "Ben")
    instructor(client, room, "pair")
    mine = us.get("/sheet").json()["html"]
    theirs = maduro.get("/sheet").json()["html"]
    scenario = room.scenario
    assert scenario.party("us").brief[:40] in mine.replace("\n", " ") or "United States" in mine
    assert "Nicolás Maduro" in theirs and mine != theirs
    # another seat's sheet, state or moves with my token: 403
    stolen = {"X-Seat-Token": us.token}
    assert client.get(f"/api/seat/{maduro.id}/sheet", headers=stolen).status_code == 403
    assert client.get(f"/api/seat/{maduro.id}", headers=stolen).status_code == 403
    body = {"response": "accept"}
    assert client.post(f"/api/seat/{maduro.id}/answer", headers=stolen,
                       json=body).status_code == 403  # fmt: skip
    assert client.get(f"/api/seat/{us.id}").status_code == 403  # no token
    # the instructor's actions need the instructor's token
    for action in ("pair", "start", "stop"):
        assert client.post(f"/api/instructor/{action}", json={},
                           headers=stolen).status_code == 403  # fmt: skip
    for export in ("transcripts.zip", "transcripts.json", "agreements.csv", ""):
        path = f"/api/instructor/{export}".rstrip("/")
        assert client.get(path, headers={"X-Instructor-Token": us.token}).status_code == 403
    assert room.status == "open"
    # a seat's view holds its own points only
    instructor(client, room, "start")
    view = json.dumps(us.state())
    assert "maduro" in json.dumps(maduro.state())
    form = us.get("/form").json()["issues"]
    points = {o["points"] for issue in form for o in issue["options"]}
    assert all(isinstance(p, float) for p in points)
    assert "brief" not in view


def test_bad_requests_are_refused_and_store_nothing(tmp_path: Path) -> None:
    room, client = open_class(tmp_path / "v.sqlite", "venezuela-2025")
    ana, ben = join(client, room, "Ana"), join(client, room, "Ben")
    instructor(client, room, "pair")
    instructor(client, room, "start")
    good = package(room, 0)
    forbidden = dict(good, amnesty="global", armed_forces="maduro_retains")
    bad_bodies = [
        ({"package": forbidden}, 422, "ruled out"),
        ({"package": dict(good, sanctions_relief="33.3")}, 422, "not on it"),
        ({"package": {"amnesty": "family"}}, 422, "no term for"),
        ({"package": dict(good, amnesty="everything")}, 422, "no option"),
        ({"package": "amnesty=family"}, 422, "object"),
        ({"package": good, "party": "maduro"}, 400, "unknown field"),
    ]
    for body, status, words in bad_bodies:
        response = ana.post("/offer", body)
        assert response.status_code == status, (body, response.text)
        assert words in response.json()["error"]
    url = f"/api/seat/{ana.id}/offer"
    headers = {"X-Seat-Token": ana.token}
    malformed = client.post(url, headers=headers | {"Content-Type": "application/json"},
                            content=b"{not json")  # fmt: skip
    assert malformed.status_code == 400
    form = client.post(url, headers=headers, data={"package": "x"})
    assert form.status_code == 415
    huge = client.post(url, headers=headers, json={"package": {"a": "x" * (MAX_BODY + 1)}})
    assert huge.status_code == 413
    cross = client.post(url, headers=headers | {"Origin": "http://evil.example"},
                        json={"package": good})  # fmt: skip
    assert cross.status_code == 403
    assert ben.post("/offer", {"package": good}).status_code == 409  # not Ben's turn
    assert ben.post("/answer", {"response": "accept"}).status_code == 409
    assert room.db.execute("SELECT COUNT(*) FROM moves").fetchone()[0] == 0
    assert ana.state()["moves"] == []
    # joining: wrong code, names too long or empty, duplicates
    for name, code, status in (("Zoe", "WRONG", 403), ("x" * 41, room.code, 422),
                               ("  ", room.code, 422), ("ana", room.code, 409),
                               ("Bad\x00", room.code, 422)):  # fmt: skip
        response = client.post("/api/join", json={"name": name, "code": code})
        assert response.status_code == status, (name, response.text)
    assert room.db.execute("SELECT COUNT(*) FROM students").fetchone()[0] == 2
    assert ana.post("/offer", {"package": good}).status_code == 200


def test_html_in_a_name_is_escaped_everywhere(played: Any) -> None:
    _, _room, client, seats = played
    dev = seats[3]
    assert dev.state()["name"] == EVIL
    for path in ("/", "/student", "/instructor", "/static/student.js"):
        response = client.get(path)
        assert response.status_code == 200
        assert "<script>alert" not in response.text
        assert "default-src 'self'" in response.headers["content-security-policy"]
    for script in ("student.js", "instructor.js", "common.js"):
        text = client.get(f"/static/{script}").text
        assert "innerHTML" not in text.replace('$("sheet").innerHTML', "")


def test_an_odd_student_plays_the_agent(tmp_path: Path) -> None:
    room, client = open_class(tmp_path / "a.sqlite")
    solo = join(client, room, "Solo")
    instructor(client, room, "pair")
    instructor(client, room, "start")
    state = solo.state()
    assert state["partner"] == "the computer" and state["turn"] == "propose"
    assert solo.post("/offer", {"package": package(room, 0)}).status_code == 200
    state = solo.state()
    assert state["moves"][0]["response"] in ("accept", "reject")
    if state["ending"] is None:
        assert state["turn"] == "propose" or state["pending"] is not None


def test_the_live_debrief_chart_shows_the_finished_pairs(tmp_path: Path, played: Any) -> None:
    """Nothing before a pair finishes (204); then the debrief chart of the finished pairs,
    as SVG with its finding as text; only for the instructor."""
    _, room, client, seats = played
    token = {"X-Instructor-Token": room.instructor_token}
    chart = client.get("/api/instructor/debrief.svg", headers=token)
    assert chart.status_code == 200 and chart.headers["content-type"] == "image/svg+xml"
    assert chart.content.startswith(b"<?xml") and b"<svg" in chart.content
    # the finding, wrapped over lines in the classroom style: one of the two finished agreed
    assert b"1 of 2 pairs" in chart.content and b"agreed;" in chart.content
    stolen = {"X-Instructor-Token": seats[0].token}
    assert client.get("/api/instructor/debrief.svg", headers=stolen).status_code == 403
    assert client.get("/api/instructor/debrief.svg", headers=token).content == chart.content
    fresh, fresh_client = open_class(tmp_path / "fresh.sqlite")
    empty = fresh_client.get(
        "/api/instructor/debrief.svg", headers={"X-Instructor-Token": fresh.instructor_token}
    )
    assert empty.status_code == 204
