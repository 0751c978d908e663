"""``negsim play``: the session state machine and its agent (``negsim.studies.play``), and
the command driven through piped input (``docs/play.md``)."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner, Result

from negsim.cli import app
from negsim.format.loader import load_file_or_example, load_scenario_text
from negsim.space import OutcomeSpace
from negsim.studies.play import AgentPlayer, PlayError, Session, suggestions
from negsim.studies.simulate import concession_trace

ROOT = Path(__file__).resolve().parent.parent

# One issue; the person (p) and the agent (q) value its options oppositely, with numbers
# that appear nowhere else, so the person's screen can be searched for the agent's points.
# The screens show points, utility x 100 (the role sheets' unit; docs/play.md).
SECRET = """
negsim: 1
name: Secret values
issues:
  deal: {options: [o1, o2, o3, o4]}
parties:
  p:
    label: Pat
    values: {deal: {o1: 0.9, o2: 0.7, o3: 0.5, o4: 0.1}}
    disagreement: 0.2
  q:
    label: Quinn
    values: {deal: {o1: 0.13, o2: 0.37, o3: 0.61, o4: 0.83}}
    disagreement: 0.3
protocol:
  kind: alternating_offers
  first_proposer: q
  deadline: DEADLINE
  breakdown_risk: RISK
"""
PERSON_VALUES = {"o1": 0.9, "o2": 0.7, "o3": 0.5, "o4": 0.1}
AGENT_VALUES = {"o1": 0.13, "o2": 0.37, "o3": 0.61, "o4": 0.83}
PERSON_POINTS = tuple(100 * value for value in PERSON_VALUES.values())
AGENT_POINTS = tuple(100 * value for value in AGENT_VALUES.values())
NUMBER = re.compile(r"(?<![\w.])\d+(?:\.\d+)?(?!\w|\.\d)")
"""A number standing alone in a screen's text (not part of ``o4`` or a term's ``=0.5``)."""

TRANSCRIPT_KEYS = {
    "negsim_transcript", "scenario", "mode", "players", "seed", "protocol", "started",
    "finished", "moves", "outcome",
}  # fmt: skip


def secret(tmp_path: Path, deadline: int = 4, risk: float = 0.0) -> str:
    path = tmp_path / "secret.yaml"
    path.write_text(SECRET.replace("DEADLINE", str(deadline)).replace("RISK", str(risk)))
    return str(path)


def space_of(text: str) -> OutcomeSpace:
    return OutcomeSpace.from_scenario(load_scenario_text(text))


def play(args: list[str], lines: list[str], tmp_path: Path) -> tuple[Result, dict | None]:
    """Run ``negsim play`` with ``lines`` as standard input; the result and transcript."""
    out = tmp_path / "transcript.json"
    if "--transcript" not in args:
        args = [*args, "--transcript", str(out), "--force"]
    result = CliRunner().invoke(app, ["play", *args], input="".join(f"{x}\n" for x in lines))
    saved = json.loads(out.read_text()) if out.exists() else None
    return result, saved


def before_result(text: str) -> str:
    return text.split("Result")[0]


def numbers_in(text: str) -> list[float]:
    return [float(number) for number in NUMBER.findall(text)]


def shows(text: str, points: float) -> bool:
    """Whether ``text`` shows the number ``points`` (to its one decimal)."""
    return any(abs(number - points) < 0.05 for number in numbers_in(text))


# --------------------------------------------------------------------------------------------
# The session


def test_ultimatum_ends_after_one_answer():
    session = Session(OutcomeSpace.from_scenario(load_file_or_example("territorial-dispute")))
    assert session.turn == ("propose", "A") and session.rounds == 1
    session.propose("A", 100)
    session.respond("B", "reject")
    assert session.over and session.ending is not None
    assert session.ending.status == "deadline" and session.ending.round == 0
    assert session.ending.utilities == pytest.approx({"A": 0.5, "B": 0.25})


def test_one_sided_only_the_first_proposer_proposes():
    text = """
negsim: 1
name: one sided
issues: {pie: {split: {total: 1}, resolution: 11}}
parties: {a: {}, b: {}}
protocol: {kind: one_sided, first_proposer: b, deadline: 3}
"""
    session = Session(space_of(text))
    for round_index in range(3):
        assert session.turn == ("propose", "b") and session.round == round_index
        with pytest.raises(PlayError):
            session.propose("a", 0)
        session.propose("b", 0)
        session.respond("a", "reject")
    assert session.ending is not None and session.ending.status == "deadline"


def test_random_proposer_follows_the_seed():
    text = """
negsim: 1
name: random
issues: {pie: {split: {total: 1}, resolution: 11}}
parties: {a: {}, b: {}}
protocol: {kind: random_proposer, deadline: 12}
"""
    space = space_of(text)
    orders = {
        seed: [Session(space, seed=seed).proposer_at(t) for t in range(12)] for seed in range(4)
    }
    again = [Session(space, seed=2).proposer_at(t) for t in range(12)]
    assert again == orders[2]
    assert len({tuple(order) for order in orders.values()}) > 1
    assert all(set(order) <= {"a", "b"} for order in orders.values())


def test_payoffs_discount_and_cost():
    text = """
negsim: 1
name: discounting
issues: {pie: {split: {total: 1}, resolution: 11}}
parties:
  a: {discount: 0.9, cost_per_round: 0.01}
  b: {discount: 0.5}
protocol: {deadline: 5}
"""
    session = Session(space_of(text))
    for _ in range(2):
        proposer = session.proposer
        session.propose(proposer, 0)
        session.respond(session.other(proposer), "reject")
    session.propose("a", 7)  # a gets 0.7 in round 2
    session.respond("b", "accept")
    ending = session.ending
    assert ending is not None and ending.status == "agreement" and ending.round == 2
    assert ending.utilities == pytest.approx({"a": 0.7, "b": 0.3})
    assert ending.payoffs == pytest.approx({"a": 0.81 * 0.7 - 0.02, "b": 0.25 * 0.3})


def test_walking_away_needs_an_outside_option():
    text = """
negsim: 1
name: walk
issues: {pie: {split: {total: 1}, resolution: 11}}
parties:
  a: {disagreement: 0.1}
  b: {outside_option: 0.4, discount: 0.5}
protocol: {deadline: 3}
"""
    session = Session(space_of(text))
    session.propose("a", 0)
    session.respond("b", "reject")
    session.propose("b", 0)
    with pytest.raises(PlayError):
        session.respond("a", "walk_away")
    session.respond("a", "reject")
    session.propose("a", 10)
    session.respond("b", "walk_away")
    ending = session.ending
    assert ending is not None and ending.status == "walked_away" and ending.walker == "b"
    assert ending.payoffs == pytest.approx({"a": 0.1, "b": 0.25 * 0.4})


def test_breakdown_risk_strikes_after_a_rejection(tmp_path):
    session = Session(OutcomeSpace.from_scenario(load_scenario_text(
        Path(secret(tmp_path, risk=0.99)).read_text())), seed=0)  # fmt: skip
    session.propose("q", 0)
    session.respond("p", "reject")
    assert session.ending is not None and session.ending.status == "breakdown"
    assert session.ending.utilities == {"p": 0.2, "q": 0.3}


def test_private_parameters_are_drawn_once_from_the_seed():
    space = OutcomeSpace.from_scenario(load_file_or_example("venezuela-2025-private"))
    stated = space.disagreement[1]
    first, same, other = (Session(space, seed=s) for s in (5, 5, 6))
    assert first.disagreement[1] == same.disagreement[1] != other.disagreement[1]
    assert first.disagreement[1] != stated
    assert -0.2 <= first.disagreement[1] <= 0.6


def test_two_agents_play_as_the_simulation_traces():
    space = OutcomeSpace.from_scenario(load_file_or_example("logrolling"))
    trace = concession_trace(space)
    session = Session(space)
    players = {party: AgentPlayer(session, party) for party in session.parties}
    while not session.over:
        turn = session.turn
        assert turn is not None
        players[turn[1]].play()
    assert session.ending is not None
    offered = np.array([space.utilities[:, move.position] for move in session.moves])
    assert np.allclose(offered, trace.offers[: len(offered)])
    assert session.ending.round == trace.agreement_round


def test_suggestions_span_the_range_and_include_the_last_offer(tmp_path):
    space = OutcomeSpace.from_scenario(load_file_or_example("venezuela-2025"))
    session = Session(space, seed=1)
    session.propose("us", 0)  # not on the frontier
    session.respond("maduro", "reject")
    session.propose("maduro", 5)
    listed = suggestions(session, "us")
    utilities = space.utilities[0, listed]
    assert 5 <= len(listed) <= 9 and 5 in listed
    assert utilities[0] == pytest.approx(space.utilities[0].max())
    assert list(utilities) == sorted(utilities, reverse=True)


# --------------------------------------------------------------------------------------------
# The command


def test_agreement_and_the_transcript(tmp_path):
    result, saved = play([secret(tmp_path), "--as", "p", "--seed", "3"], ["r", "deal=o4"], tmp_path)
    assert result.exit_code == 0, result.stderr
    assert saved is not None and set(saved) == TRANSCRIPT_KEYS
    assert saved["negsim_transcript"] == 1 and saved["mode"] == "agent" and saved["seed"] == 3
    assert saved["players"] == {"p": "person", "q": "agent:linear"}
    assert saved["scenario"]["name"] == "Secret values" and len(saved["scenario"]["sha256"]) == 64
    assert saved["protocol"]["kind"] == "alternating_offers"
    assert saved["protocol"]["deadline"] == 4 and saved["protocol"]["first_proposer"] == "q"
    assert [set(move) for move in saved["moves"]] == [{"round", "proposer", "package",
                                                       "response"}] * 2  # fmt: skip
    assert saved["moves"][1] == {"round": 1, "proposer": "p", "package": {"deal": "o4"},
                                 "response": "accept"}  # fmt: skip
    outcome = saved["outcome"]
    assert outcome["status"] == "agreement" and outcome["round"] == 1
    assert outcome["package"] == {"deal": "o4"}
    assert outcome["utilities"] == pytest.approx({"p": 0.1, "q": 0.83})
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", saved["finished"])
    assert "Agreement on round 2" in result.stdout
    assert "Transcript saved to" in result.stderr


def test_screens_give_points_as_utility_times_100(tmp_path):
    """Every number a person reads about a package is its utility x 100 (one decimal at
    most; the list of suggestions always one decimal); the transcript keeps utilities."""
    lines = ["r", "2", "r", "deal=o4"]
    result, saved = play([secret(tmp_path), "--as", "p", "--seed", "3"], lines, tmp_path)
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    disagreement = {"p": 0.2, "q": 0.3}
    assert f"No deal is worth {100 * disagreement['p']:.0f} points to you" in out
    assert "Points are your utility times 100" in out
    listed = re.findall(r"^ +\d+\. +(\d+\.\d) +deal=(o\d)", out, re.MULTILINE)
    assert {option for _, option in listed} == set(PERSON_VALUES)
    for points, option in listed:
        assert float(points) == pytest.approx(100 * PERSON_VALUES[option], abs=0.05)
    for option, points in re.findall(r"deal=(o\d)\n  Worth to you: ([\d.]+) points", out):
        assert float(points) == pytest.approx(100 * PERSON_VALUES[option], abs=0.05)
    assert f"You offer ({100 * PERSON_VALUES['o2']:.0f} points to you)" in out
    assert saved is not None and saved["outcome"]["package"] == {"deal": "o4"}
    assert saved["outcome"]["utilities"] == pytest.approx({"p": 0.1, "q": 0.83})
    assert f"Your points: {100 * PERSON_VALUES['o4']:.0f}." in out
    # Nash: the package with the largest product of gains over no deal
    gains = {
        option: (PERSON_VALUES[option] - disagreement["p"])
        * (AGENT_VALUES[option] - disagreement["q"])
        for option in PERSON_VALUES
        if PERSON_VALUES[option] > disagreement["p"] and AGENT_VALUES[option] > disagreement["q"]
    }
    nash = max(gains, key=gains.__getitem__)
    both = f"Pat {100 * PERSON_VALUES[nash]:g}, Quinn {100 * AGENT_VALUES[nash]:g}"
    assert f"points: {both}." in out


def test_the_person_never_sees_the_agents_points(tmp_path):
    lines = ["r", "1", "r", "2", "r", "3"]
    result, saved = play([secret(tmp_path, deadline=6), "--as", "p"], lines, tmp_path)
    assert result.exit_code == 0, result.stderr
    assert saved is not None and saved["outcome"]["status"] != "interrupted"
    game = before_result(result.stdout)
    assert shows(game, PERSON_POINTS[0]) and shows(game, PERSON_POINTS[1])
    assert not [points for points in AGENT_POINTS if shows(game, points)]


def test_breakdown(tmp_path):
    result, saved = play([secret(tmp_path, risk=0.99), "--as", "p", "--seed", "1"], ["r"],
                         tmp_path)  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert saved is not None and saved["outcome"]["status"] == "breakdown"
    assert saved["outcome"]["package"] is None
    assert saved["outcome"]["utilities"] == {"p": 0.2, "q": 0.3}
    assert "broke down" in result.stdout


def test_deadline_without_a_deal(tmp_path):
    result, saved = play([secret(tmp_path, deadline=2), "--as", "p"], ["r", "deal=o1"], tmp_path)
    assert result.exit_code == 0, result.stderr
    assert saved is not None and saved["outcome"]["status"] == "deadline"
    assert saved["outcome"]["round"] == 1 and saved["outcome"]["payoffs"] == {"p": 0.2, "q": 0.3}
    assert [move["response"] for move in saved["moves"]] == ["reject", "reject"]
    assert "No deal by the deadline" in result.stdout


def test_garbage_gets_hints_and_play_goes_on(tmp_path):
    answer = ["", "banana", "walk", "2", "r"]  # to the agent's opening offer
    offer = ["colour=red", "deal=o9", "42", "accept", "deal", "deal=o4"]
    lines = answer + offer
    result, saved = play([secret(tmp_path), "--as", "p"], lines, tmp_path)
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "Type something" in out
    assert "no issue 'colour'" in out
    assert "no option 'o9'" in out
    assert "no offer to answer" in out
    assert "Answer the offer first" in out
    assert "no outside option" in out
    assert "Pick a number from 1 to" in out
    assert "not a term" in out
    assert "Traceback" not in out + result.stderr
    assert saved is not None and saved["outcome"]["status"] == "agreement"


def test_end_of_input_saves_the_transcript(tmp_path):
    result, saved = play([secret(tmp_path), "--as", "p"], [], tmp_path)
    assert result.exit_code == 1
    assert saved is not None and saved["outcome"]["status"] == "interrupted"
    assert saved["outcome"]["utilities"] is None and saved["outcome"]["package"] is None
    assert saved["moves"][-1]["response"] is None  # the agent's offer, unanswered
    assert "transcript saved to" in result.stderr


def test_hot_seat_shows_each_side_only_its_own_points(tmp_path):
    lines = ["1", "r", "1", "r", "deal=o3", "a"]
    result, saved = play([secret(tmp_path), "--hot-seat"], lines, tmp_path)
    assert result.exit_code == 0, result.stderr
    assert saved is not None and saved["mode"] == "hot_seat"
    assert saved["players"] == {"p": "person", "q": "person"}
    turns = re.split(r"Pass the keyboard to \w+ \((\w)\)", before_result(result.stdout))
    assert turns[1::2] == ["p", "q", "p"]
    # the first screen is q's: the first proposer sits first
    for party, screen in zip(["q", *turns[1::2]], turns[0::2], strict=True):
        hidden = PERSON_POINTS if party == "q" else AGENT_POINTS
        assert not [points for points in hidden if shows(screen, points)], (party, screen)
    assert saved["outcome"]["status"] == "agreement"


def test_same_seed_same_moves(tmp_path):
    args = ["venezuela-2025", "--as", "us", "--seed", "11", "--agent", "tit_for_tat"]
    lines = ["1", "r", "2", "r", "3", "r", "4", "r"]
    first = play(args, lines, tmp_path)[1]
    second = play(args, lines, tmp_path)[1]
    assert first is not None and second is not None
    assert first["moves"] == second["moves"] and first["outcome"] == second["outcome"]
    assert first["players"]["maduro"] == "agent:tit_for_tat"


def test_force_rules(tmp_path):
    out = tmp_path / "taken.json"
    out.write_text("mine")
    args = [secret(tmp_path), "--as", "p", "--transcript", str(out)]
    result, _ = play(args, ["r", "deal=o4"], tmp_path)
    assert result.exit_code == 2 and "already exists" in result.stderr
    assert out.read_text() == "mine" and "Result" not in result.stdout
    result, _ = play([*args, "--force"], ["r", "deal=o4"], tmp_path)
    assert result.exit_code == 0
    assert json.loads(out.read_text())["outcome"]["status"] == "agreement"


def test_default_transcript_name(tmp_path):
    scenario = secret(tmp_path)
    completed = subprocess.run(
        [sys.executable, "-m", "negsim", "play", scenario, "--as", "p"],
        input="r\ndeal=o4\n", capture_output=True, text=True, cwd=tmp_path, timeout=60,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    assert completed.returncode == 0, completed.stderr
    saved = list(tmp_path.glob("play-secret-values-*.json"))
    assert len(saved) == 1
    assert re.fullmatch(r"play-secret-values-\d{8}-\d{6}\.json", saved[0].name)


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--as", "nobody"], ["no party 'nobody'", "us, maduro"]),
        ([], ["--as", "us or maduro"]),
        (["--as", "us", "--agent", "stubborn"], ["no agent 'stubborn'"]),
    ],
)
def test_usage_errors(tmp_path, args, words):
    result, _ = play(["venezuela-2025", *args], [], tmp_path)
    assert result.exit_code == 2
    assert all(word in result.stderr for word in words)


def test_three_parties_and_bad_scenarios(tmp_path):
    """Three parties play (tests/test_play_cli_groups.py); the usage errors list them all."""
    three = tmp_path / "three.yaml"
    three.write_text(
        "negsim: 1\nname: three\nissues: {pie: {split: {total: 1}, resolution: 5}}\n"
        "parties: {a: {}, b: {}, c: {}}\n"
    )
    result, _ = play([str(three)], [], tmp_path)
    assert result.exit_code == 2 and "--as: a, b or c" in result.stderr
    result, _ = play([str(three), "--as", "d"], [], tmp_path)
    assert result.exit_code == 2 and "the parties are a, b, c" in result.stderr
    result, saved = play([str(three), "--as", "a"], [], tmp_path)
    assert result.exit_code == 1 and "Your offer" in result.stdout
    assert saved is not None and saved["outcome"]["status"] == "interrupted"
    bad = tmp_path / "bad.yaml"
    bad.write_text("negsim: 1\nname: bad\n")
    result, _ = play([str(bad), "--as", "a"], [], tmp_path)
    assert result.exit_code == 2 and str(bad) in result.stderr


def test_ctrl_c_saves_the_transcript(tmp_path):
    out = tmp_path / "stopped.json"
    process = subprocess.Popen(
        [sys.executable, "-m", "negsim", "play", secret(tmp_path), "--as", "p",
         "--transcript", str(out)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    assert process.stdout is not None
    seen = b""
    deadline = time.monotonic() + 60
    while b"Your answer" not in seen and time.monotonic() < deadline:
        chunk = os.read(process.stdout.fileno(), 4096)
        if not chunk:
            break
        seen += chunk
    assert b"Your answer" in seen
    process.send_signal(signal.SIGINT)
    _, error = process.communicate(timeout=60)
    assert process.returncode == 130, error
    assert b"transcript saved to" in error
    saved = json.loads(out.read_text())
    assert saved["outcome"]["status"] == "interrupted"
    assert saved["moves"] == [{"round": 0, "proposer": "q", "package": {"deal": "o4"},
                               "response": None}]  # fmt: skip


def test_walking_away_at_the_keyboard(tmp_path):
    scenario = tmp_path / "walk.yaml"
    scenario.write_text(
        "negsim: 1\nname: walk\nissues: {pie: {split: {total: 1}, resolution: 11}}\n"
        "parties:\n  a: {disagreement: 0.1, outside_option: 0.35}\n  b: {}\n"
        "protocol: {first_proposer: b, deadline: 4, round: 1 week}\n"
    )
    result, saved = play([str(scenario), "--as", "a", "--agent", "boulware"], ["w"], tmp_path)
    assert result.exit_code == 0, result.stderr
    assert "Week 1 of 4" in result.stdout
    assert f"your outside option: {0.35 * 100:.0f}." in result.stdout  # points: utility x 100
    assert "you walked away on week 1" in result.stdout
    assert saved is not None and saved["players"]["b"] == "agent:boulware"
    assert saved["outcome"]["status"] == "walked_away"
    assert saved["outcome"]["payoffs"] == {"a": 0.35, "b": 0.0}
    assert saved["moves"][0]["response"] == "walk_away"


def test_a_transcript_into_a_pipe_is_written_into_it_not_replaced(tmp_path):
    """``--transcript`` naming a device or a pipe (``/dev/stdout``) writes into it and
    leaves it what it was; a regular file is still replaced atomically."""
    import os
    import stat
    import threading

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[str] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_text()), daemon=True)
    reader.start()
    result, _ = play([secret(tmp_path), "--as", "p", "--seed", "3", "--transcript", str(fifo)],
                     ["r", "deal=o4"], tmp_path)  # fmt: skip
    reader.join(10)
    assert result.exit_code == 0, result.output
    assert stat.S_ISFIFO(fifo.stat().st_mode)  # still the pipe, not a file put in its place
    assert json.loads(received[0])["negsim_transcript"] == 1
