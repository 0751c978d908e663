"""``negsim play`` with three or more parties, driven through piped input: a person against
two agents, three people at one keyboard, votes under unanimity and majority, walk-outs,
and the transcript read back by ``negsim debrief`` (``docs/play.md``)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from typer.testing import CliRunner, Result

from negsim.cli import app

# Three parties value one issue's options with numbers that appear nowhere else, so a
# screen can be searched for another party's points (utility x 100). o2 is ruled out.
THREE = """
negsim: 1
name: Three secrets
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
  r:
    label: Robin
    values: {deal: {o1: 0.47, o2: 0.29, o3: 0.71, o4: 0.53}}
    disagreement: 0.11
    OUTSIDE
constraints:
  - forbid: {deal: o2}
protocol: {kind: alternating_offers, first_proposer: q, deadline: 4}
"""
POINTS = {
    "p": (90, 70, 50, 10, 20),
    "q": (13, 37, 61, 83, 30),
    "r": (47, 29, 71, 53, 11),
}
"""Each party's points of o1-o4 and of no deal."""
NUMBER = re.compile(r"(?<![\w.])\d+(?:\.\d+)?(?!\w|\.\d)")


def three(tmp_path: Path, outside: float | None = None) -> str:
    path = tmp_path / "three.yaml"
    extra = "" if outside is None else f"outside_option: {outside}"
    path.write_text(THREE.replace("OUTSIDE", extra))
    return str(path)


def play(args: list[str], lines: list[str], tmp_path: Path) -> tuple[Result, dict]:
    out = tmp_path / "transcript.json"
    result = CliRunner().invoke(
        app,
        ["play", *args, "--transcript", str(out), "--force"],
        input="".join(f"{line}\n" for line in lines),
    )
    assert "Traceback" not in result.output
    return result, json.loads(out.read_text())


def flat(text: str) -> str:
    """``text`` with its lines wrapped back into one."""
    return " ".join(text.split())


def shows(text: str, points: float) -> bool:
    return any(abs(float(number) - points) < 0.05 for number in NUMBER.findall(text))


def hidden_points(text: str, party: str) -> list[float]:
    """The other parties' points that ``text`` shows."""
    others = [points for other, row in POINTS.items() if other != party for points in row]
    return [points for points in others if shows(text, points)]


def test_a_person_against_two_agents_under_majority_rule(tmp_path):
    """coalition-split, seed 4: West proposes and fails, votes no, then votes a deal in."""
    args = ["coalition-split", "--as", "west", "--seed", "4"]
    result, saved = play(args, ["1", "r", "a"], tmp_path)
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "The computer plays North (north) and South (south) as a linear agent each." in flat(out)
    assert "it passes with 2 yes votes of 3, the proposer's included (majority)" in flat(out)
    assert "North votes no.\nSouth votes no. The offer fails: 1 yes vote, 2 needed." in out
    assert "  Votes so far: South yes (proposer); 2 of 3 needed.\nYour vote:" in out
    assert "You vote yes. The offer passes: 2 yes votes of the 2 needed." in out
    assert saved["mode"] == "agent"
    assert saved["players"] == {"north": "agent:linear", "south": "agent:linear",
                                "west": "person"}  # fmt: skip
    assert [move["proposer"] for move in saved["moves"]] == ["west", "south", "south"]
    assert [move["votes"] for move in saved["moves"]] == [
        {"north": "reject", "south": "reject"},
        {"west": "reject", "north": "reject"},
        {"west": "accept"},
    ]
    assert [move["response"] for move in saved["moves"]] == ["reject", "reject", "accept"]
    outcome = saved["outcome"]
    assert outcome["status"] == "agreement" and outcome["round"] == 2
    assert outcome["package"] == {"budget": {"north": 0.0, "south": 0.8, "west": 0.2}}
    assert "Your points: 20; payoff after the delay 16.2." in out


def test_a_person_against_two_agents_to_the_deadline(tmp_path):
    """Under unanimity an agent's offer fails at the first no, before the person is asked;
    the person sees every offer and vote, and only their own points until the end."""
    lines = ["help", "r", "deal=o1", "r"]
    result, saved = play([three(tmp_path), "--as", "p"], lines, tmp_path)
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Quinn proposes first, then Robin and Pat in turn" in flat(out)
    assert "it passes only if all 3 agree (unanimity), and fails at the first no" in flat(out)
    assert "Robin votes no. The offer fails: 1 yes vote, 3 needed (you are not asked)." in out
    assert "reject (r, no)    vote against it" in out
    assert "  3.  10.0  deal=o4  <- Quinn's last offer" in out
    assert "Robin votes yes.\n  Votes so far: Quinn yes (proposer), Robin yes; all 3 needed." in out
    assert "You vote no. The offer fails: 2 yes votes, 3 needed." in out
    assert "No deal by the deadline: the last offer, on round 4, failed." in out
    assert [move["votes"] for move in saved["moves"]] == [
        {"r": "reject"}, {"p": "reject"}, {"q": "reject"}, {"r": "accept", "p": "reject"},
    ]  # fmt: skip
    assert saved["outcome"]["status"] == "deadline"
    assert saved["outcome"]["payoffs"] == {"p": 0.2, "q": 0.3, "r": 0.11}
    game = out.split("Result")[0]
    assert hidden_points(game, "p") == []
    assert shows(game, 90) and shows(game, 50)


def test_the_end_screen_gives_the_person_only_their_own_points(tmp_path):
    """The deal: the person's points and payoff only; the others' points come only with
    the comparison made once the game is over."""
    result, saved = play([three(tmp_path), "--as", "q", "--agent", "conceder"],
                         ["deal=o3"], tmp_path)  # fmt: skip
    assert result.exit_code == 0, result.output
    assert saved["players"] == {"p": "agent:conceder", "q": "person", "r": "agent:conceder"}
    assert saved["moves"][0]["votes"] == {"r": "accept", "p": "accept"}
    deal = result.stdout.split("Result")[1].split("Now that the game is over")[0]
    assert "Agreement on round 1:\n    deal=o3\nYour points: 61.\n" in deal
    assert "points" not in deal.replace("Your points: 61.", "")
    assert hidden_points(deal, "q") == []
    assert "Pat's" not in deal and "Robin's" not in deal


def test_three_people_at_one_keyboard_under_unanimity(tmp_path):
    """Quinn's offer is voted down by Pat; Robin's passes. Each screen shows its own
    party's points only."""
    lines = ["deal=o3", "a", "r", "deal=o3", "a", "yes"]
    result, saved = play([three(tmp_path), "--hot-seat"], lines, tmp_path)
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Three people at one keyboard play Quinn (q), Robin (r) and Pat (p)." in flat(out)
    assert saved["mode"] == "hot_seat"
    assert saved["players"] == {"p": "person", "q": "person", "r": "person"}
    assert saved["moves"] == [
        {"round": 0, "proposer": "q", "package": {"deal": "o3"}, "response": "reject",
         "votes": {"r": "accept", "p": "reject"}},
        {"round": 1, "proposer": "r", "package": {"deal": "o3"}, "response": "accept",
         "votes": {"p": "accept", "q": "accept"}},
    ]  # fmt: skip
    assert "Pat votes no. The offer fails: 2 yes votes, 3 needed." in out
    assert "Quinn votes yes. The offer passes: 3 yes votes of the 3 needed." in out
    assert "  Votes so far: Quinn yes (proposer), Robin yes; all 3 needed." in out
    turns = re.split(r"Pass the keyboard to \w+ \((\w)\)", out.split("Result")[0])
    assert turns[1::2] == ["r", "p", "r", "p", "q"]
    for party, screen in zip(["q", *turns[1::2]], turns[0::2], strict=True):
        assert f"You are {dict(p='Pat', q='Quinn', r='Robin')[party]}" in screen
        assert hidden_points(screen.split("Type help for the commands.")[-1], party) == [], (
            party, screen,
        )  # fmt: skip
    assert saved["outcome"]["status"] == "agreement"


def test_bad_input_gets_a_message_and_the_question_again(tmp_path):
    lines = ["deal=o2", "7", "colour=red", "deal=o3", "banana", "walk", "r", "quit"]
    result, saved = play([three(tmp_path), "--hot-seat"], lines, tmp_path)
    assert result.exit_code == 0, result.output
    out = result.stdout
    ruled_out = "  This package is ruled out by the scenario's constraints; try another.\n"
    assert ruled_out + "Your offer (a number, terms, or help): 7\n" in out
    assert "  Pick a number from 1 to 2, or type terms.\nYour offer" in out
    assert "  no issue 'colour'" in out
    assert "  Vote on the offer first: accept (a), reject (r).\nYour vote" in out
    assert "  You have no outside option to walk away to: accept or reject.\nYour vote" in out
    assert saved["moves"][0]["package"] == {"deal": "o3"}
    assert saved["moves"][0]["votes"] == {"r": "reject"}
    assert saved["outcome"]["status"] == "interrupted"


def test_a_walk_out_ends_the_talks_for_everyone(tmp_path):
    lines = ["deal=o4", "w"]
    result, saved = play([three(tmp_path, outside=0.6), "--hot-seat"], lines, tmp_path)
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Whoever walks away ends the talks for everyone." in flat(out)
    assert "walk (w)" in out
    assert "Robin walks away: the talks end for everyone." in out
    assert "No deal: Robin walked away on round 1." in out
    assert saved["moves"] == [{"round": 0, "proposer": "q", "package": {"deal": "o4"},
                               "response": "walk_away", "votes": {"r": "walk_away"}}]  # fmt: skip
    assert saved["outcome"]["walker"] == "r"
    assert saved["outcome"]["payoffs"] == {"p": 0.2, "q": 0.3, "r": 0.6}


def debrief_row(tmp_path: Path, scenario: str) -> str:
    """``negsim debrief SCENARIO transcript.json`` as a table: the transcript's row."""
    debriefed = CliRunner().invoke(app, ["debrief", scenario, str(tmp_path / "transcript.json")])
    assert debriefed.exit_code == 0, debriefed.output
    assert "scored 1 group" in debriefed.stderr
    return next(line for line in debriefed.stdout.splitlines() if " transcript " in line)


def test_debrief_reads_a_transcript_of_three(tmp_path):
    """A game of coalition-split with a deal, scored by ``negsim debrief`` (a table)."""
    result, saved = play(["coalition-split", "--as", "west", "--seed", "4"], ["1", "r", "a"],
                         tmp_path)  # fmt: skip
    assert result.exit_code == 0, result.output
    assert saved["outcome"]["status"] == "agreement"
    row = debrief_row(tmp_path, "coalition-split")
    assert re.search(r"north 0, south 0\.8,.* 0\.0 +80\.0 +20\.0 +yes", row), row


def test_debrief_reads_a_transcript_of_three_without_a_deal(tmp_path):
    scenario = three(tmp_path)
    result, saved = play([scenario, "--as", "p"], ["r", "deal=o1", "r"], tmp_path)
    assert result.exit_code == 0, result.output
    assert saved["outcome"]["status"] == "deadline"
    row = debrief_row(tmp_path, scenario)
    assert re.search(r"no deal +20\.0 +30\.0 +11\.0 +no", row), row
