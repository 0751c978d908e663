"""``negsim play``: a person negotiates in the terminal against the computer's agents, or
people at one keyboard play every party (``docs/play.md``).

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
        help="The computer's strategy for every party it plays: boulware, conceder, linear "
        "or tit_for_tat (default: each party's simulation agent, else linear).",
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
    typer.Option("--hot-seat", help="People at one keyboard play every party."),
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


ANSWERS = {"accept": "accept", "a": "accept", "yes": "accept", "y": "accept",
           "reject": "reject", "r": "reject", "no": "reject", "n": "reject",
           "walk": "walk_away", "w": "walk_away"}  # fmt: skip
"""What a person may type to answer an offer."""

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
    """The input loop of one session: asks the people, lets the agents move, prints.

    ``agents`` maps each party the computer plays to its agent; without agents every party
    is a person at one keyboard (hot seat)."""

    def __init__(
        self, session: Session, people: list[str], agents: dict[str, AgentPlayer], tty: bool
    ) -> None:
        self.session = session
        self.people = people
        self.agents = agents
        self.hot_seat = not agents
        self.tty = tty
        self.keyboard: TextIO = sys.stdin
        self.at_keyboard: str | None = None
        self.news: list[str] = []
        """At one keyboard, the answers since the last handover, repeated on the next
        player's cleared screen."""
        self.header: tuple[int, str | None] | None = None
        """The round whose header is on the screen, and whose screen it is."""
        self.shown = 0
        """Offers made when the last one was shown on this screen."""

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
        """Ask whoever may move: the proposer, then each awaited responder in order;
        the agents move when it is their turn."""
        session = self.session
        if not self.hot_seat:
            self._hand_over(self.people[0])
        while not session.over:
            turn = session.turn
            assert turn is not None
            kind, party = turn
            agent = self.agents.get(party)
            if agent is not None:
                self._agent_moves(agent)
                continue
            self._hand_over(party)
            self._round_header()
            if kind == "propose":
                self._propose(party)
            else:
                self._respond(party)

    def _text(self) -> Any:
        from negsim.present.terminal import play as text

        return text

    def _round_header(self) -> None:
        """The round's header, once a round on each person's screen."""
        key = (self.session.round, self.at_keyboard)
        if self.header != key:
            self.header = key
            self.say(self._text().round_header(self.session))

    def _agent_moves(self, agent: AgentPlayer) -> None:
        """An agent's move; the person sees an answer, and with three or more parties the
        offers and votes too."""
        session, text = self.session, self._text()
        move, what = agent.play()
        if move == "respond":
            self.say(text.answer_text(session, agent.party, str(what), self.people[0]))
        elif session.n > 2:
            self._round_header()
            self.say(text.offer_text(session, self.people[0], int(what)))
            self.shown = len(session.moves)

    def _hand_over(self, party: str) -> None:
        """At one keyboard, the handover to ``party``; on a terminal the screen is cleared
        before and after, so that nobody sees another party's points."""
        if self.at_keyboard == party:
            return
        text = self._text()
        if self.hot_seat and (self.at_keyboard is not None or self.tty):
            if self.tty and self.at_keyboard is not None:
                self.ask("Press Enter and pass the keyboard. ")
                sys.stdout.write(CLEAR)
            self.say("\n" + text.handover_text(self.session, party))
            if self.tty:
                self.ask("Press Enter when ready. ")
                sys.stdout.write(CLEAR)
                if self.news:
                    self.say("\n".join(self.news))
        self.news = []
        self.shown = 0
        self.at_keyboard = party
        if self.hot_seat:
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
            if word in ANSWERS:
                self.hint("There is no offer to answer: it is your turn to make one.")
                continue
            position = self._package(answer, listed)
            if position is None:
                continue
            session.propose(party, position)
            self.say(text.own_offer_text(session, position))
            return

    def _respond(self, party: str) -> None:
        """``party`` answers the offer on the table (with three or more parties: votes,
        seeing the votes cast so far)."""
        session, text = self.session, self._text()
        pending = session.pending
        assert pending is not None
        group = session.n > 2
        if not group or self.shown != len(session.moves):
            self.say(text.offer_text(session, party, pending.position))
            self.shown = len(session.moves)
        if group:
            self.say(text.votes_text(session, pending))
        choices = "accept (a), reject (r)" + (", walk (w)" if session.can_walk(party) else "")
        question = "Your vote" if group else "Your answer"
        while True:
            word, kind = self.ask(f"{question}: {choices}, or help: ").lower(), "respond"
            if self._common(word, party, kind):
                continue
            response = ANSWERS.get(word)
            if response == "walk_away" and not session.can_walk(party):
                self.hint("You have no outside option to walk away to: accept or reject.")
                continue
            if response is None:
                after = " After a rejection you make your counter-offer." if not group else ""
                self.hint(f"{'Vote on' if group else 'Answer'} the offer first: {choices}.{after}")
                continue
            session.respond(party, response)
            if self.hot_seat:
                self.news.append(text.answer_text(session, party, response))
                self.say(self.news[-1])
            elif group:
                self.say(text.answer_text(session, party, response, party))
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
        from negsim.analysis.any_package import reason
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
                package = dict(session.package(listed[number - 1]))
                for word, value in split_terms(match.group(2)):
                    issue = find_issue(scenario, word)
                    package[issue.name] = read_term(scenario, issue, value)
            else:
                package = read_terms(scenario, answer)
        except TermError as error:
            self.hint(str(error))
            return None
        try:
            return session.packages.position_of(package)
        except KeyError as error:
            said = reason(error)
            self.hint(f"{said[0].upper()}{said[1:]}; try another.")
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
    """Negotiate in the terminal against the computer, or people at one keyboard.

    You play the party --as names; the computer plays every other party (--agent, else
    each party's scenario agent). With --hot-seat a person plays every party, passing the
    keyboard. Each turn shows the round, your points for every offer (never another
    party's) and a numbered list of packages to offer. Type a number, ISSUE=OPTION terms,
    accept, reject, walk (with an outside option), help or quit. With three or more
    parties every other party votes on an offer: it passes with the votes the scenario's
    rule needs (unanimity, or a majority under random proposers), and whoever walks away
    ends the talks for everyone. At the end: the deal, your points and payoff, and how it
    compares with the Pareto frontier and the Nash solution. Points are utility x 100, as
    on the role sheets.

    The transcript is saved as JSON in utilities (docs/play.md), also after Ctrl-C (exit
    status 130) or the end of the input (exit status 1). Works with piped input, for
    scripts.
    """
    from negsim.present.words import join_words
    from negsim.studies.play import AgentPlayer, Session

    scenario = load_or_exit(file)
    names = scenario.party_names
    if as_party is None and not hot_seat:
        fail(f"say which party you play with --as: {join_words(names, 'or')} (or use "
             "--hot-seat)")  # fmt: skip
    if as_party is not None and as_party not in names:
        fail(f"no party {as_party!r} in {scenario.source}; the parties are {', '.join(names)}")
    if agent is not None and agent not in STRATEGIES:
        fail(f"no agent {agent!r}; the agents are {', '.join(STRATEGIES)}")
    if hot_seat and agent is not None:
        fail("--agent has no use with --hot-seat: people play every party")
    if rounds is not None and scenario.protocol.deadline is not None:
        fail(f"{scenario.source}: the protocol has a deadline of {scenario.protocol.deadline} "
             "rounds; --rounds applies only without a deadline")  # fmt: skip
    path = _check_transcript(transcript, scenario.name, force)
    analysis = analysis_or_exit(scenario)
    session = Session(analysis.space, seed=seed, rounds=rounds)
    first = as_party or scenario.protocol.first_proposer
    people = [first, *session.others(first)] if hot_seat else [first]
    agents = {} if hot_seat else {p: AgentPlayer(session, p, agent) for p in session.others(first)}
    _run(session, people, agents, analysis, path, (file, _sha256(file)), force)


def _run(
    session: Session,
    people: list[str],
    agents: dict[str, AgentPlayer],
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
    game = Game(session, people, agents, keyboard.isatty())
    game.keyboard = keyboard
    strategies = {party: agent.agent.strategy for party, agent in agents.items()}
    game.say(text.intro_text(session, people, strategies))
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
    players = {party: "person" if party in people else agents[party].name
               for party in session.parties}  # fmt: skip
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
