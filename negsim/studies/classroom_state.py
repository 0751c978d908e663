"""The state of a classroom negotiation (``negsim classroom``, ``docs/classroom.md``).

A :class:`Classroom` keeps, in one SQLite file (standard library ``sqlite3``, write-ahead
log), who joined, how they were paired, and every move of every pair; each pair's talks
are a :class:`~negsim.studies.play.Session`, rebuilt on start-up by replaying the moves,
so a server killed and started again on the same file goes on where it stopped. It has no
web code: the server (:mod:`negsim.cli.classroom.web`) maps its :class:`ClassroomError`
kinds to HTTP statuses.

* **Tokens**: the instructor's token and each student's seat token are 32 random bytes
  (:func:`secrets.token_urlsafe`), compared in constant time; the join code is six
  letters and digits.
* **Pairs**: :meth:`Classroom.pair_up` pairs the students not yet paired in the order they
  joined, the first of two playing the scenario's first party; an odd student out plays
  against the computer's agent (:class:`~negsim.studies.play.AgentPlayer`).
* **Moves** are accepted only while the class runs (:meth:`Classroom.start`;
  :meth:`Classroom.stop` pauses it) and only from the seat whose turn it is; the agent
  answers at once. A package is typed as ``{issue: term}``, every issue once, each term
  read by :func:`negsim.format.terms.read_term`; an infeasible package is refused.
* **Each seat sees only its own points** (:meth:`Classroom.seat_view`), shown as the role
  sheet shows them: utility × 100.
* **Export**: :meth:`Classroom.transcripts` gives one ``negsim play`` transcript per pair
  (``docs/play.md``), :meth:`Classroom.agreements_csv` the CSV ``negsim debrief`` reads.

Long because one class holds the stored state, the moves and what each side may see, so
that every check on who may see or do what sits in this one file (a split into storage
and views is planned for the next increment).
"""

from __future__ import annotations

import csv
import io
import re
import secrets
import sqlite3
import threading
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np

from negsim.format.model import CategoricalIssue, SplitIssue
from negsim.format.terms import TermError, find_issue, read_term
from negsim.space import OutcomeSpace
from negsim.studies.play import AgentPlayer, PlayError, Session, transcript_record

__all__ = [
    "MAX_NAME",
    "MAX_STUDENTS",
    "POINTS",
    "Classroom",
    "ClassroomError",
]

MAX_NAME = 40
"""Characters in a student's name, at most."""
MAX_STUDENTS = 400
"""Students in one class, at most (a bound on what a stranger with the code can store)."""
POINTS = 100.0
"""Points per unit of utility, as the role sheets count them."""
CODE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
STATUSES = ("open", "running", "stopped")

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS students (
    id INTEGER PRIMARY KEY, name TEXT NOT NULL, token TEXT NOT NULL UNIQUE,
    joined TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS pairs (
    id INTEGER PRIMARY KEY, seed INTEGER NOT NULL, created TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS seats (
    pair_id INTEGER NOT NULL REFERENCES pairs(id), party TEXT NOT NULL,
    student_id INTEGER UNIQUE REFERENCES students(id), player TEXT NOT NULL,
    PRIMARY KEY (pair_id, party));
CREATE TABLE IF NOT EXISTS moves (
    id INTEGER PRIMARY KEY, pair_id INTEGER NOT NULL REFERENCES pairs(id),
    party TEXT NOT NULL, kind TEXT NOT NULL, position INTEGER, response TEXT,
    at TEXT NOT NULL);
"""


class ClassroomError(ValueError):
    """A request the class refuses; ``kind`` says why: ``invalid`` (bad input),
    ``forbidden`` (wrong token or code), ``conflict`` (not now: not your turn, not
    started, not seated) or ``full``."""

    def __init__(self, message: str, kind: str = "invalid"):
        super().__init__(message)
        self.kind = kind


@dataclass
class Pair:
    """One pair's talks: its id, seed, seats (party -> student id, None for the agent)
    and the live session."""

    id: int
    seed: int
    created: str
    seats: dict[str, int | None]
    session: Session
    agent: AgentPlayer | None
    finished: str | None = None
    times: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return f"pair-{self.id:02d}"


def now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def clean_name(text: Any) -> str:
    """A student's name: a string of 1 to :data:`MAX_NAME` characters once spaces are
    collapsed, without control characters; a :class:`ClassroomError` otherwise."""
    if not isinstance(text, str):
        raise ClassroomError("the name must be text")
    name = re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()
    if not name:
        raise ClassroomError("type your name")
    if len(name) > MAX_NAME:
        raise ClassroomError(f"a name has at most {MAX_NAME} characters")
    if any(unicodedata.category(c).startswith("C") for c in name):
        raise ClassroomError("the name holds control characters")
    return name


class Classroom:
    """A class's negotiations over one scenario, kept in the SQLite file ``path``.

    Parameters
    ----------
    path : str
        The state file; created when missing, resumed when it exists (it must be a state
        file of the same scenario).
    space : OutcomeSpace
        The scenario's enumerated outcome space (two parties).
    file, sha256 : str
        The scenario argument and its file's digest, for the transcripts.
    agent : str, optional
        The computer's strategy for an odd student out (default: the scenario's agent).
    """

    def __init__(
        self, path: str, space: OutcomeSpace, *, file: str, sha256: str | None,
        agent: str | None = None,
    ):  # fmt: skip
        scenario = space.scenario
        if scenario.n_parties != 2:
            raise ClassroomError(
                f"a classroom negotiation needs two parties; {scenario.name} has "
                f"{scenario.n_parties}"
            )
        self.space, self.scenario = space, scenario
        self.file, self.sha256, self.agent = file, sha256, agent
        self.lock = threading.RLock()
        self.db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self.db.row_factory = sqlite3.Row
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA foreign_keys=ON")
        self.db.executescript(SCHEMA)
        stored = self._meta("scenario")
        if stored is None:
            with self.db:
                for key, value in (
                    ("scenario", scenario.name),
                    ("code", "".join(secrets.choice(CODE_LETTERS) for _ in range(6))),
                    ("instructor", secrets.token_urlsafe(32)),
                    ("status", "open"),
                    ("created", now()),
                ):
                    self.db.execute("INSERT INTO meta VALUES (?, ?)", (key, value))
        elif stored != scenario.name:
            raise ClassroomError(f"{path} holds a class of {stored!r}, not {scenario.name!r}")
        self.pairs: dict[int, Pair] = {}
        for row in self.db.execute("SELECT * FROM pairs ORDER BY id").fetchall():
            self._load_pair(row)

    # ----------------------------------------------------------------------------------------
    # Stored state

    def _meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    @property
    def code(self) -> str:
        return str(self._meta("code"))

    @property
    def instructor_token(self) -> str:
        return str(self._meta("instructor"))

    @property
    def status(self) -> str:
        return str(self._meta("status"))

    def close(self) -> None:
        self.db.close()

    def _load_pair(self, row: sqlite3.Row) -> Pair:
        """A pair from its rows, its session rebuilt by replaying its moves (the agent's
        moves made again by the agent, which gives the same moves for the same seed)."""
        rows = self.db.execute("SELECT * FROM seats WHERE pair_id = ?", (row["id"],))
        found = {str(seat["party"]): seat["student_id"] for seat in rows}
        seats = {party: found[party] for party in self.scenario.party_names}
        session = Session(self.space, seed=int(row["seed"]))
        robot = next((party for party, student in seats.items() if student is None), None)
        agent = None if robot is None else AgentPlayer(session, robot, self.agent)
        pair = Pair(int(row["id"]), int(row["seed"]), str(row["created"]), seats, session, agent)
        moves = self.db.execute("SELECT * FROM moves WHERE pair_id = ? ORDER BY id", (pair.id,))
        for move in moves.fetchall():
            if agent is not None and move["party"] == agent.party:
                agent.play()
            elif move["kind"] == "propose":
                session.propose(str(move["party"]), int(move["position"]))
            else:
                session.respond(str(move["party"]), str(move["response"]))
            pair.times.append(str(move["at"]))
        if session.over and pair.times:
            pair.finished = pair.times[-1]
        self.pairs[pair.id] = pair
        return pair

    def _record(self, pair: Pair, party: str, kind: str, value: int | str) -> None:
        at = now()
        position, response = (value, None) if kind == "propose" else (None, value)
        self.db.execute(
            "INSERT INTO moves (pair_id, party, kind, position, response, at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (pair.id, party, kind, position, response, at),
        )
        pair.times.append(at)
        if pair.session.over:
            pair.finished = at

    def _agent_moves(self, pair: Pair) -> None:
        """The agent's moves while it is its turn (stored like a person's)."""
        agent = pair.agent
        while agent is not None and pair.session.turn is not None:
            if pair.session.turn[1] != agent.party:
                break
            kind, value = agent.play()
            self._record(pair, agent.party, kind, value)

    # ----------------------------------------------------------------------------------------
    # Students

    def join(self, name: Any, code: Any) -> tuple[int, str]:
        """A new student: their id and seat token; the code must be the class's."""
        if not isinstance(code, str) or not secrets.compare_digest(
            code.strip().upper().encode(), self.code.encode()
        ):
            raise ClassroomError("that is not this class's join code", "forbidden")
        name = clean_name(name)
        token = secrets.token_urlsafe(32)
        with self.lock, self.db:
            count = self.db.execute("SELECT COUNT(*) FROM students").fetchone()[0]
            if count >= MAX_STUDENTS:
                raise ClassroomError("the class is full", "full")
            taken = self.db.execute(
                "SELECT 1 FROM students WHERE lower(name) = lower(?)", (name,)
            ).fetchone()
            if taken:
                raise ClassroomError(f"someone already joined as {name!r}; add an initial",
                                     "conflict")  # fmt: skip
            cursor = self.db.execute(
                "INSERT INTO students (name, token, joined) VALUES (?, ?, ?)", (name, token, now())
            )
        return int(cursor.lastrowid or 0), token

    def check_instructor(self, token: str | None) -> None:
        if not token or not secrets.compare_digest(token.encode(), self.instructor_token.encode()):
            raise ClassroomError("this needs the instructor's token", "forbidden")

    def student(self, student_id: int, token: str | None) -> sqlite3.Row:
        """The student ``student_id`` when ``token`` is theirs; else ``forbidden``."""
        row = self.db.execute("SELECT * FROM students WHERE id = ?", (student_id,)).fetchone()
        if (
            row is None
            or not token
            or not secrets.compare_digest(token.encode(), str(row["token"]).encode())
        ):
            raise ClassroomError("this seat's token is needed", "forbidden")
        return row

    def seat(self, student_id: int) -> tuple[Pair, str] | None:
        """The student's pair and party, or None before pairing."""
        for pair in self.pairs.values():
            for party, student in pair.seats.items():
                if student == student_id:
                    return pair, party
        return None

    # ----------------------------------------------------------------------------------------
    # The instructor

    def pair_up(self) -> list[int]:
        """Pair every student not yet paired, in joining order; the ids of the new pairs."""
        parties = self.scenario.party_names
        with self.lock:
            seated = {s for pair in self.pairs.values() for s in pair.seats.values() if s}
            waiting = [int(row["id"]) for row in self.db.execute(
                "SELECT id FROM students ORDER BY id") if int(row["id"]) not in seated]  # fmt: skip
            made: list[int] = []
            with self.db:
                for start in range(0, len(waiting), 2):
                    group: list[int | None] = [*waiting[start : start + 2], None][:2]
                    cursor = self.db.execute(
                        "INSERT INTO pairs (seed, created) VALUES (?, ?)",
                        (secrets.randbelow(2**31), now()),
                    )
                    pair_id = int(cursor.lastrowid or 0)
                    for party, student in zip(parties, group, strict=True):
                        player = "person" if student is not None else self._agent_name()
                        self.db.execute("INSERT INTO seats VALUES (?, ?, ?, ?)",
                                        (pair_id, party, student, player))  # fmt: skip
                    row = self.db.execute("SELECT * FROM pairs WHERE id = ?", (pair_id,))
                    pair = self._load_pair(row.fetchone())
                    if self.status == "running":
                        self._agent_moves(pair)
                    made.append(pair_id)
        return made

    def _agent_name(self) -> str:
        session = Session(self.space, seed=0)
        return AgentPlayer(session, session.parties[1], self.agent).name

    def set_status(self, status: str) -> None:
        """``running`` (start or resume: moves allowed) or ``stopped`` (paused)."""
        assert status in STATUSES
        with self.lock, self.db:
            self.db.execute("UPDATE meta SET value = ? WHERE key = 'status'", (status,))
            if status == "running":
                for pair in self.pairs.values():
                    self._agent_moves(pair)

    # ----------------------------------------------------------------------------------------
    # Moves

    def _playing(self, student_id: int) -> tuple[Pair, str]:
        seat = self.seat(student_id)
        if seat is None:
            raise ClassroomError("you have no partner yet: wait for the instructor", "conflict")
        if self.status != "running":
            raise ClassroomError("the negotiation has not started or is paused", "conflict")
        return seat

    def read_package(self, package: Any) -> int:
        """The feasible position of ``{issue: term}`` (every issue once); a
        :class:`ClassroomError` naming the problem otherwise."""
        if not isinstance(package, dict):
            raise ClassroomError("a package is an object of issue: term")
        scenario = self.scenario
        found: dict[str, Any] = {}
        try:
            for word, text in package.items():
                if not isinstance(text, str) or len(text) > 200:
                    raise ClassroomError(f"the term for {str(word)[:40]!r} must be short text")
                issue = find_issue(scenario, str(word))
                if issue.name in found:
                    raise ClassroomError(f"{issue.name} is given twice")
                found[issue.name] = read_term(scenario, issue, text)
        except TermError as error:
            raise ClassroomError(str(error)) from None
        missing = [name for name in scenario.issue_names if name not in found]
        if missing:
            raise ClassroomError(f"the package has no term for {', '.join(missing)}")
        try:
            return self.space.position_of(found)
        except KeyError:
            raise ClassroomError("that package is ruled out by the scenario's constraints; "
                                 "try another") from None  # fmt: skip

    def offer(self, student_id: int, package: Any) -> None:
        """The student offers ``package`` (see :meth:`read_package`)."""
        with self.lock:
            pair, party = self._playing(student_id)
            position = self.read_package(package)
            try:
                pair.session.propose(party, position)
            except PlayError as error:
                raise ClassroomError(str(error), "conflict") from None
            with self.db:
                self._record(pair, party, "propose", position)
                self._agent_moves(pair)

    def answer(self, student_id: int, response: Any) -> None:
        """The student answers the offer on the table: accept, reject or walk_away."""
        with self.lock:
            pair, party = self._playing(student_id)
            if response not in ("accept", "reject", "walk_away"):
                raise ClassroomError("an answer is accept, reject or walk_away")
            try:
                pair.session.respond(party, str(response))
            except PlayError as error:
                raise ClassroomError(str(error), "conflict") from None
            with self.db:
                self._record(pair, party, "respond", str(response))
                self._agent_moves(pair)

    # ----------------------------------------------------------------------------------------
    # What each side sees

    def points(self, session: Session, party: str, position: int) -> float:
        return round(POINTS * session.utility(party, position), 2)

    def terms(self, position: int) -> list[dict[str, str]]:
        """A package as ``[{issue label, option text}]`` for display."""
        levels = self.space.levels(position)
        return [
            {"issue": issue.label, "term": self.space.describe_level(k, int(levels[k]))}
            for k, issue in enumerate(self.scenario.issues)
        ]

    def choices(self, party: str) -> list[dict[str, Any]]:
        """Each issue's options for ``party``'s compose form: the term to send, its text and
        ``party``'s points for it on that issue (the role sheet's points)."""
        from negsim.format.model import NumericIssue

        me = self.scenario.party(party)
        mine = self.scenario.party_index(party)
        out: list[dict[str, Any]] = []
        for k, issue in enumerate(self.scenario.issues):
            levels = self.space.level_values[k]
            weight = me.weights.get(issue.name, 0.0)
            function = me.values.get(issue.name)
            if isinstance(issue, CategoricalIssue):
                terms = list(issue.options)
                texts = [self.space.describe_level(k, j) for j in range(len(terms))]
                amounts = np.arange(len(terms))
            elif isinstance(issue, SplitIssue):
                names = self.scenario.party_names
                terms = ["/".join(f"{n}:{s:.12g}" for n, s in zip(names, row, strict=True))
                         for row in levels.tolist()]  # fmt: skip
                amounts = np.asarray(levels)[:, mine]
                texts = [f"your share {a:.6g} of {issue.total:g}" for a in amounts.tolist()]
            else:
                assert isinstance(issue, NumericIssue)
                terms = [f"{x:.12g}" for x in levels.tolist()]
                texts = [self.space.describe_level(k, j) for j in range(len(terms))]
                amounts = np.asarray(levels)
            values = (np.zeros(len(terms)) if function is None
                      else np.asarray(function.evaluate(amounts), dtype=float))  # fmt: skip
            out.append({
                "issue": issue.name, "label": issue.label,
                "options": [{"term": t, "text": x, "points": round(POINTS * weight * float(v), 1)}
                            for t, x, v in zip(terms, texts, values, strict=True)],
            })  # fmt: skip
        return out

    def preview(self, student_id: int, package: Any) -> dict[str, Any]:
        """What a package the student composes is worth to them, before sending it."""
        seat = self.seat(student_id)
        if seat is None:
            raise ClassroomError("you have no partner yet", "conflict")
        pair, party = seat
        position = self.read_package(package)
        return {"points": self.points(pair.session, party, position)}

    def seat_view(self, student_id: int) -> dict[str, Any]:
        """Everything the student's page shows; only this seat's own points.

        Long because it lists every field the page reads, in one place, so that what a
        seat may see is checked here and nowhere else.
        """
        with self.lock:
            row = self.db.execute("SELECT name FROM students WHERE id = ?", (student_id,))
            view: dict[str, Any] = {
                "name": row.fetchone()["name"], "class_status": self.status,
                "scenario": self.scenario.name, "seated": False,
            }  # fmt: skip
            seat = self.seat(student_id)
            if seat is None:
                return view
            pair, party = seat
            session = pair.session
            other = session.other(party)
            partner = pair.seats[other]
            turn = session.turn
            pending = session.pending
            view.update({
                "seated": True, "pair": pair.name, "party": party,
                "party_label": self.scenario.party(party).label,
                "partner_label": self.scenario.party(other).label,
                "partner": self._name(partner) if partner is not None else "the computer",
                "round": min(session.round, session.rounds - 1) + 1,
                "rounds": session.rounds, "rounds_left": session.rounds_left,
                "deadline": session.deadline,
                "turn": None if turn is None else (turn[0] if turn[1] == party else "wait"),
                "can_walk": session.can_walk(party),
                "walk_away_points": round(POINTS * session.reservation(party), 2),
                "pending": None if pending is None or pending.proposer == party else {
                    "terms": self.terms(pending.position),
                    "points": self.points(session, party, pending.position)},
                "moves": [{
                    "round": move.round + 1, "by": "you" if move.proposer == party else "partner",
                    "terms": self.terms(move.position), "response": move.response,
                    "points": self.points(session, party, move.position),
                    "package": self.term_texts(move.position),
                } for move in session.moves],
                "ending": self._ending(session, party),
            })  # fmt: skip
            return view

    def _name(self, student_id: int) -> str:
        row = self.db.execute("SELECT name FROM students WHERE id = ?", (student_id,)).fetchone()
        return str(row["name"])

    def _ending(self, session: Session, party: str) -> dict[str, Any] | None:
        ending = session.ending
        if ending is None or ending.utilities is None or ending.payoffs is None:
            return None
        words = {
            "agreement": f"Agreement in round {ending.round + 1}.",
            "walked_away": f"No deal: {'you' if ending.walker == party else 'your partner'} "
            "walked away.",
            "deadline": "No deal: the last round passed without an agreement.",
            "breakdown": "No deal: the talks broke down (the breakdown risk struck).",
        }.get(ending.status, ending.status)
        return {
            "status": ending.status, "words": words,
            "terms": None if ending.position is None else self.terms(ending.position),
            "points": round(POINTS * ending.utilities[party], 2),
            "payoff": round(POINTS * ending.payoffs[party], 2),
        }  # fmt: skip

    def term_texts(self, position: int) -> dict[str, str]:
        """A package as ``{issue: term}`` that :meth:`read_package` reads back (and the
        debrief CSV holds)."""
        package = self.space.package(position)
        out: dict[str, str] = {}
        for name, value in package.items():
            if isinstance(value, dict):
                out[name] = "/".join(f"{p}:{s:.12g}" for p, s in value.items())
            elif isinstance(value, float):
                out[name] = f"{value:.12g}"
            else:
                out[name] = str(value)
        return out

    def overview(self) -> dict[str, Any]:
        """The instructor's page: the class, who joined, every pair's state and result
        (both sides' points)."""
        with self.lock:
            seated = {s: pair.name for pair in self.pairs.values()
                      for s in pair.seats.values() if s}  # fmt: skip
            students = [
                {"name": row["name"], "joined": row["joined"], "pair": seated.get(row["id"])}
                for row in self.db.execute("SELECT * FROM students ORDER BY id")
            ]
            return {
                "scenario": self.scenario.name, "status": self.status, "code": self.code,
                "students": students, "pairs": [self._pair_row(p) for p in self.pairs.values()],
            }  # fmt: skip

    def _pair_row(self, pair: Pair) -> dict[str, Any]:
        session = pair.session
        ending = session.ending
        players = {
            self.scenario.party(party).label: (
                self._name(student) if student is not None else pair.agent.name  # type: ignore[union-attr]
            )
            for party, student in pair.seats.items()
        }
        status = "in progress" if session.moves else "not started"
        points = None
        deal = None
        if ending is not None and ending.utilities is not None:
            status = ending.status
            points = {self.scenario.party(p).label: round(POINTS * u, 1)
                      for p, u in ending.utilities.items()}  # fmt: skip
            if ending.position is not None:
                deal = self.space.describe_package(ending.position)
        return {"pair": pair.name, "players": players, "status": status,
                "round": session.round + 1, "offers": len(session.moves),
                "deal": deal, "points": points}  # fmt: skip

    # ----------------------------------------------------------------------------------------
    # Export

    def transcripts(self) -> dict[str, dict[str, Any]]:
        """Each pair's ``negsim play`` transcript, by pair name (unfinished talks as
        ``interrupted``)."""
        with self.lock:
            out: dict[str, dict[str, Any]] = {}
            for pair in self.pairs.values():
                players = {party: "person" if student is not None else pair.agent.name  # type: ignore[union-attr]
                           for party, student in pair.seats.items()}  # fmt: skip
                players = {party: players[party] for party in pair.session.parties}
                out[pair.name] = transcript_record(
                    pair.session, name=self.scenario.name, file=self.file, sha256=self.sha256,
                    players=players, started=pair.created,
                    finished=pair.finished or (pair.times[-1] if pair.times else pair.created),
                )  # fmt: skip
            return out

    def agreements_csv(self) -> str:
        """The finished pairs as the CSV ``negsim debrief`` reads: ``pair`` and one column an
        issue; ``no deal`` for talks that ended without one."""
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        issues = list(self.scenario.issue_names)
        writer.writerow(["pair", *issues])
        with self.lock:
            for pair in self.pairs.values():
                ending = pair.session.ending
                if ending is None:
                    continue
                names = " & ".join(
                    self._name(s) if s is not None else "computer" for s in pair.seats.values()
                )
                label = f"{pair.name}: {names}"
                if ending.position is None:
                    writer.writerow([label, "no deal", *[""] * (len(issues) - 1)])
                else:
                    texts = self.term_texts(ending.position)
                    writer.writerow([label, *(texts[name] for name in issues)])
        return buffer.getvalue()
