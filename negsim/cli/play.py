"""``negsim play``: a person negotiates in the terminal against an agent, or two people at
one keyboard (``docs/play.md``).

The rules and the agent are :mod:`negsim.studies.play`, the text
:mod:`negsim.present.terminal.play`; this module asks the questions and reads the answers,
line by line, so that a script can drive it through a pipe. Bad input gets a one-line hint
and the question again. The game's text goes to standard output, messages (where the
transcript was saved) to standard error. Ctrl-C or the end of the input stops the game and
saves the transcript with the status ``interrupted`` (exit status 130, resp. 1).
"""

from __future__ import annotations

import hashlib
import os
import re
import sys
import tempfile
import textwrap
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TextIO

import typer

from negsim.cli.app import EXIT_FAILURE, EXIT_INTERRUPTED, STDIN
from negsim.cli.common import analysis_or_exit, fail, load_or_exit, message
from negsim.cli.options import ScenarioArgument, whole

if TYPE_CHECKING:
    from negsim.analysis.records import Analysis
    from negsim.studies.play import AgentPlayer, Session

__all__ = ["play"]

STRATEGIES = ("boulware", "conceder", "linear", "tit_for_tat")

AsOption = Annotated[
    str | None,
    typer.Option("--as", metavar="PARTY", help="The party you play (required unless --hot-seat).",
                 show_default=False),
]  # fmt: skip
AgentOption = Annotated[
    str | None,
    typer.Option(
        "--agent", metavar="STRATEGY", show_default=False,
        help="The computer's strategy: boulware, conceder, linear or tit_for_tat (default: "
        "the scenario's simulation agent, else linear).",
    ),
]  # fmt: skip
PlaySeed = Annotated[
    int | None,
    typer.Option("--seed", metavar="SEED", click_type=whole(0), show_default=False,
                 help="Seed of private values, breakdowns and random proposers, 0 or more."),
]  # fmt: skip
PlayRounds = Annotated[
    int | None,
    typer.Option("--rounds", metavar="N", click_type=whole(1), show_default=False,
                 help="Rounds of talks without a deadline, at least 1 (default 10)."),
]  # fmt: skip
HotSeat = Annotated[
    bool,
    typer.Option("--hot-seat", help="Two people at one keyboard play both sides."),
]
TranscriptOption = Annotated[
    str | None,
    typer.Option(
        "--transcript", metavar="OUT.json", show_default=False,
        help="Where to save the transcript (default play-SCENARIO-DATE-TIME.json here).",
    ),
]  # fmt: skip
PlayForce = Annotated[
    bool, typer.Option("--force", "-f", help="Replace an existing transcript file.")
]


CLEAR = "\x1b[2J\x1b[H"
"""Clears a terminal and puts the cursor at the top."""


class EndOfInput(Exception):
    """Standard input ended before the game did."""


class Quit(Exception):
    """The person typed ``quit``."""


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", name).strip("-").lower() or "scenario"


def _sha256(file: str) -> str | None:
    from negsim.format import bundled

    if file == STDIN:
        return None
    path = bundled.resolve(file)
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest() if path is not None else None
    except OSError:
        return None


def _free_path(path: Path) -> Path:
    """``path``, or when a file took that name during the game, ``NAME-2.json``, ..."""
    candidate, number = path, 1
    while candidate.exists():
        number += 1
        candidate = path.with_name(f"{path.stem}-{number}{path.suffix}")
    return candidate


def _special(path: Path) -> bool:
    """Whether ``path`` exists and is neither a regular file nor a folder."""
    return path.exists() and not path.is_file() and not path.is_dir()


def _save(path: Path, record: dict[str, Any], force: bool) -> Path:
    """Write the transcript atomically (a temporary file in the same folder, renamed) to
    ``path``, or to a free name next to it when a file appeared there during the game and
    ``force`` is off; the path written."""
    from negsim import jsontext

    text = jsontext.dumps(record) + "\n"
    if _special(path):  # a device or a pipe (/dev/stdout): written into, never replaced
        with open(path, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
        return path
    folder = path.parent if str(path.parent) else Path(".")
    handle, temporary = tempfile.mkstemp(prefix=".play-", suffix=".json", dir=folder)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
        target = path if force else _free_path(path)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target


class Game:
    """The input loop of one session: asks the people, lets the agent move, prints."""

    def __init__(
        self, session: Session, people: list[str], agent: AgentPlayer | None, tty: bool
    ) -> None:
        self.session = session
        self.people = people
        self.agent = agent
        self.tty = tty
        self.keyboard: TextIO = sys.stdin
        self.at_keyboard: str | None = None
        self.news = ""
        """At one keyboard, the last answer, repeated on the next player's cleared screen."""

    def say(self, text: str) -> None:
        sys.stdout.write(text + "\n")
        sys.stdout.flush()

    def hint(self, text: str) -> None:
        """A one-line (wrapped) hint after input that does not fit."""
        self.say(textwrap.fill(text, width=80, initial_indent="  ", subsequent_indent="  "))

    def ask(self, prompt: str) -> str:
        """One line of input, stripped; end of input raises :class:`EndOfInput`."""
        sys.stdout.write(prompt)
        sys.stdout.flush()
        line = self.keyboard.readline()
        if not line:
            sys.stdout.write("\n")
            raise EndOfInput
        if not self.tty:
            sys.stdout.write(line if line.endswith("\n") else line + "\n")
        return line.strip()

    def run(self) -> None:
        session = self.session
        while not session.over:
            turn = session.turn
            assert turn is not None
            kind, party = turn
            if self.agent is not None and party == self.agent.party:
                move, what = self.agent.play()
                if move == "respond":
                    self.say(self._text().answer_text(session, party, str(what)))
                continue
            self._hand_over(party)
            self.say(self._text().round_header(session))
            if kind == "propose":
                self._propose(party)
            else:
                self._respond(party)

    def _text(self) -> Any:
        from negsim.present.terminal import play as text

        return text

    def _hand_over(self, party: str) -> None:
        """At one keyboard, the handover to ``party``; on a terminal the screen is cleared
        before and after, so that nobody sees the other side's points."""
        if self.at_keyboard == party:
            return
        text = self._text()
        if self.agent is None and (self.at_keyboard is not None or self.tty):
            if self.tty and self.at_keyboard is not None:
                self.ask("Press Enter and pass the keyboard. ")
                sys.stdout.write(CLEAR)
            self.say("\n" + text.handover_text(self.session, party))
            if self.tty:
                self.ask("Press Enter when ready. ")
                sys.stdout.write(CLEAR)
                if self.news:
                    self.say(self.news)
        self.news = ""
        self.at_keyboard = party
        if self.agent is None:
            self.say(text.playing_text(self.session, party))
        self.say(text.walk_away_text(self.session, party))

    def _propose(self, party: str) -> None:
        from negsim.studies.play import suggestions

        session, text = self.session, self._text()
        listed = suggestions(session, party)
        self.say(text.suggestions_text(session, party, listed))
        while True:
            answer = self.ask("Your offer (a number, terms, or help): ")
            word, kind = answer.lower(), "propose"
            if self._common(word, party, kind):
                continue
            if word in ("accept", "a", "reject", "r", "walk", "w"):
                self.hint("There is no offer to answer: it is your turn to make one.")
                continue
            position = self._package(answer, listed)
            if position is None:
                continue
            session.propose(party, position)
            self.say(text.own_offer_text(session, position))
            return

    def _respond(self, party: str) -> None:
        session, text = self.session, self._text()
        pending = session.pending
        assert pending is not None
        self.say(text.offer_text(session, party, pending.position))
        choices = "accept (a), reject (r)" + (", walk (w)" if session.can_walk(party) else "")
        while True:
            word, kind = self.ask(f"Your answer: {choices}, or help: ").lower(), "respond"
            if self._common(word, party, kind):
                continue
            answers = {"accept": "accept", "a": "accept", "reject": "reject", "r": "reject",
                       "walk": "walk_away", "w": "walk_away"}  # fmt: skip
            response = answers.get(word)
            if response == "walk_away" and not session.can_walk(party):
                self.hint("You have no outside option to walk away to: accept or reject.")
                continue
            if response is None:
                self.hint(
                    f"Answer the offer first: {choices}. After a rejection you make your "
                    "counter-offer."
                )
                continue
            session.respond(party, response)
            if self.agent is None:
                self.news = text.answer_text(session, party, response)
                self.say(self.news)
            return

    def _common(self, word: str, party: str, kind: str) -> bool:
        """Handle ``help`` and ``quit`` and empty lines; True when handled."""
        if not word:
            self.hint("Type something (help lists the commands).")
            return True
        if word in ("help", "?", "h"):
            self.say(self._text().help_text(self.session, party, kind))
            return True
        if word in ("quit", "exit", "q"):
            raise Quit
        return False

    def _package(self, answer: str, listed: list[int]) -> int | None:
        """The package a person typed: a number from the list (maybe with terms changed),
        or terms for every issue; None after printing a hint."""
        from negsim.format.terms import TermError, find_issue, read_term, read_terms, split_terms

        session = self.session
        scenario = session.scenario
        match = re.fullmatch(r"(\d+)\s*(.*)", answer, flags=re.DOTALL)
        try:
            if match:
                number = int(match.group(1))
                if not 1 <= number <= len(listed):
                    self.hint(f"Pick a number from 1 to {len(listed)}, or type terms.")
                    return None
                package = dict(session.space.package(listed[number - 1]))
                for word, value in split_terms(match.group(2)):
                    issue = find_issue(scenario, word)
                    package[issue.name] = read_term(scenario, issue, value)
            else:
                package = read_terms(scenario, answer)
        except TermError as error:
            self.hint(str(error))
            return None
        try:
            return session.space.position_of(package)
        except KeyError:
            reason = session.space.missing_reason()
            self.hint(f"{reason[0].upper()}{reason[1:]}; try another.")
            return None


def _keyboard(file: str) -> TextIO:
    """Where the moves are read: standard input, or the terminal when the scenario came
    through standard input."""
    if file != STDIN:
        return sys.stdin
    try:
        return open("/dev/tty", encoding="utf-8")
    except OSError:
        fail("the scenario came through standard input, and there is no terminal to play "
             "at; give the scenario as a file")  # fmt: skip


def _check_transcript(path: str | None, name: str, force: bool) -> Path:
    if path is None:
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
        chosen = Path(f"play-{_slug(name)}-{stamp}.json")
        if chosen.exists() and not force:
            fail(f"{chosen} already exists; use --transcript or --force")
        return chosen
    chosen = Path(path)
    if chosen.is_dir():
        fail(f"{chosen} is a folder; give a file name for the transcript")
    if chosen.is_file() and not force:
        fail(f"{chosen} already exists; use --force to overwrite it")
    if not (chosen.parent if str(chosen.parent) else Path(".")).is_dir():
        fail(f"cannot save the transcript in {chosen.parent}: no such folder")
    return chosen


def play(
    file: ScenarioArgument,
    as_party: AsOption = None,
    agent: AgentOption = None,
    seed: PlaySeed = None,
    rounds: PlayRounds = None,
    hot_seat: HotSeat = False,
    transcript: TranscriptOption = None,
    force: PlayForce = False,
) -> None:
    """Negotiate in the terminal against the computer, or two people at one keyboard.

    Each turn shows the round, your points for every offer (never the other side's) and a
    numbered list of packages to offer. Type a number, ISSUE=OPTION terms, accept, reject,
    walk (with an outside option), help or quit. At the end: the deal, your points and
    payoff, and how it compares with the Pareto frontier and the Nash solution. Points
    are utility x 100, as on the role sheets.

    The transcript is saved as JSON in utilities (docs/play.md), also after Ctrl-C (exit
    status 130) or the end of the input (exit status 1). Works with piped input, for
    scripts.
    """
    from negsim.studies.play import AgentPlayer, Session

    scenario = load_or_exit(file)
    names = scenario.party_names
    if scenario.n_parties != 2:
        fail(f"{scenario.source}: play handles two parties; this scenario has "
             f"{scenario.n_parties} ({', '.join(names)})")  # fmt: skip
    if as_party is None and not hot_seat:
        fail(f"say which party you play with --as: {' or '.join(names)} (or use --hot-seat)")
    if as_party is not None and as_party not in names:
        fail(f"no party {as_party!r} in {scenario.source}; the parties are {', '.join(names)}")
    if agent is not None and agent not in STRATEGIES:
        fail(f"no agent {agent!r}; the agents are {', '.join(STRATEGIES)}")
    if hot_seat and agent is not None:
        fail("--agent has no use with --hot-seat: two people play")
    if rounds is not None and scenario.protocol.deadline is not None:
        fail(f"{scenario.source}: the protocol has a deadline of {scenario.protocol.deadline} "
             "rounds; --rounds applies only without a deadline")  # fmt: skip
    path = _check_transcript(transcript, scenario.name, force)
    analysis = analysis_or_exit(scenario)
    session = Session(analysis.space, seed=seed, rounds=rounds)
    first = as_party or scenario.protocol.first_proposer
    people = [first, session.other(first)] if hot_seat else [first]
    player = None if hot_seat else AgentPlayer(session, session.other(first), agent)
    _run(session, people, player, analysis, path, (file, _sha256(file)), force)


def _run(
    session: Session,
    people: list[str],
    player: AgentPlayer | None,
    analysis: Analysis,
    path: Path,
    source: tuple[str, str | None],
    force: bool,
) -> None:
    """Play the game, show the result, save the transcript; the exit status says how it
    ended (0 played to the end or quit, 1 end of input, 130 Ctrl-C)."""
    from negsim.analysis.scoring import score_deal
    from negsim.present.terminal import play as text
    from negsim.studies.play import transcript_record

    file, sha256 = source
    started = _now()
    keyboard = _keyboard(file)
    game = Game(session, people, player, keyboard.isatty())
    game.keyboard = keyboard
    game.say(text.intro_text(session, people, None if player is None else player.agent.strategy))
    code = 0
    try:
        game.run()
    except KeyboardInterrupt:
        game.say("")
        code = EXIT_INTERRUPTED
    except EndOfInput:
        code = EXIT_FAILURE
    except Quit:
        code = 0
    session.interrupt()
    ending = session.ending
    assert ending is not None
    score = None if ending.status == "interrupted" else score_deal(session.space, ending.position)
    game.say(text.result_text(session, people, analysis.solutions.get("nash"), score))
    players = {party: "person" for party in people}
    if player is not None:
        players[player.party] = player.name
    players = {party: players[party] for party in session.parties}
    record = transcript_record(
        session, name=session.scenario.name, file=file, sha256=sha256, players=players,
        started=started, finished=_now(),
    )  # fmt: skip
    try:
        path = _save(path, record, force)
    except OSError as error:
        fail(f"cannot save the transcript {path}: {error.strerror or error}", EXIT_FAILURE)
    if code == EXIT_INTERRUPTED:
        message(f"negsim: interrupted; transcript saved to {path}")
    elif code == EXIT_FAILURE:
        message(f"negsim: the input ended before the game did; transcript saved to {path}")
    else:
        message(f"Transcript saved to {path}")
    if code:
        raise typer.Exit(code)
