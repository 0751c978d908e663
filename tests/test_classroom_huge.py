"""``negsim classroom`` on a space too large to enumerate (trade-agreement, 4^25 packages,
merged): students compose any package, an offer off the kept frontier is accepted and
scored, the class resumes after a restart, and ``negsim debrief`` scores the export."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from starlette.testclient import TestClient
from typer.testing import CliRunner

import negsim
from negsim.analysis.merged import outcome_space
from negsim.cli import app
from negsim.cli.classroom.web import create_app
from negsim.format.terms import term_text
from negsim.studies.classroom_state import Classroom
from tests.test_classroom import Seat, instructor, join

NAME = "trade-agreement"


def open_huge(path: Path) -> tuple[Classroom, TestClient]:
    """A class of trade-agreement on a space built afresh (as a new process would)."""
    room = Classroom(str(path), outcome_space(negsim.load(NAME)), file=NAME, sha256=None,
                     agent="linear")  # fmt: skip
    return room, TestClient(create_app(room))


def worst_package(room: Classroom) -> tuple[dict[str, str], np.ndarray]:
    """The package worst for both sides together (each issue's level of least summed
    utility), as terms, and its utilities summed issue by issue (the scenario is additive)."""
    space = room.space
    levels = [int(np.argmin(u.sum(axis=0))) for u in space.issue_utilities]
    terms = {issue.name: term_text(space.level_value(k, levels[k]))
             for k, issue in enumerate(space.scenario.issues)}  # fmt: skip
    values = sum(u[:, levels[k]] for k, u in enumerate(space.issue_utilities))
    return terms, np.asarray(values)


def left_on_table(space: Any, values: np.ndarray) -> float:
    """The most the kept frontier adds together to ``values`` without making a side worse."""
    better = np.all(space.utilities >= values[:, None] - 1e-9, axis=0)
    return float((space.utilities[:, better] - values[:, None]).sum(axis=0).max())


def test_an_offer_off_the_frontier_is_played_scored_resumed_and_debriefed(tmp_path: Path):
    """One class from the compose form to the debrief, with a restart in between."""
    room, client = open_huge(tmp_path / "class.sqlite")
    assert not room.space.is_enumerated
    ana, ben = join(client, room, "Ana"), join(client, room, "Ben")
    instructor(client, room, "pair")
    instructor(client, room, "start")
    form = ana.get("/form").json()["issues"]
    assert len(form) == len(room.scenario.issues) == 25
    assert all(len(issue["options"]) == 4 for issue in form)
    assert ana.state()["party"] == "northland" and ana.state()["turn"] == "propose"
    terms, values = worst_package(room)
    assert np.abs(room.space.utilities - values[:, None]).max(axis=0).min() > 0.01
    preview = ana.post("/preview", {"package": terms})
    assert preview.status_code == 200, preview.text
    assert preview.json()["points"] == pytest.approx(100 * values[0], abs=0.05)
    assert ana.post("/offer", {"package": terms}).status_code == 200
    pending = ben.state()["pending"]
    assert pending["points"] == pytest.approx(100 * values[1], abs=0.05)
    assert ben.post("/answer", {"response": "accept"}).status_code == 200
    ending = ana.state()["ending"]
    assert ending["status"] == "agreement"
    assert ending["points"] == pytest.approx(100 * values[0], abs=0.05)
    assert ana.state()["moves"][0]["package"] == terms
    token = {"X-Instructor-Token": room.instructor_token}
    overview = client.get("/api/instructor", headers=token).json()
    row = overview["pairs"][0]
    expected = left_on_table(room.space, values)
    assert expected > 0.01 and row["left_on_table"] == pytest.approx(100 * expected, abs=0.05)
    chart = client.get("/api/instructor/debrief.svg", headers=token)
    assert chart.status_code == 200 and b"<svg" in chart.content
    transcripts = room.transcripts()
    assert transcripts["pair-01"]["outcome"]["package"] == {
        name: room.space.level_value(k, int(np.argmin(u.sum(axis=0))))
        for k, (name, u) in enumerate(zip(room.scenario.issue_names, room.space.issue_utilities,
                                          strict=True))
    }  # fmt: skip
    csv_text = client.get("/api/instructor/agreements.csv", headers=token).text
    room.close()

    again, client2 = open_huge(tmp_path / "class.sqlite")
    after = client2.get("/api/instructor", headers=token).json()
    assert after["pairs"] == overview["pairs"]
    assert again.transcripts() == transcripts
    seat = Seat(client2, {"id": ana.id, "token": ana.token})
    assert seat.state()["moves"][0]["package"] == terms
    assert client2.get("/api/instructor/agreements.csv", headers=token).text == csv_text
    again.close()

    results = tmp_path / "agreements.csv"
    results.write_text(csv_text)
    run = CliRunner().invoke(app, ["debrief", NAME, str(results)])
    assert run.exit_code == 0, run.output
    assert "pair-01" in run.output and "skipped" not in run.output.lower()
    assert f"{100 * expected:.1f}" in run.output
