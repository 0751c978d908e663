"""The rules of a classroom negotiation (``negsim classroom``, ``docs/classroom.md``).

A :class:`Classroom` decides who may do what and keeps each pair's talks as a
:class:`~negsim.studies.play.Session`; its rows are kept by
:class:`~negsim.studies.classroom_store.ClassStore` (one SQLite file) and each session is
rebuilt on start-up by replaying its moves, so a server killed and started again on the
same file goes on where it stopped. What each side sees is
:class:`~negsim.studies.classroom_views.ClassroomViews`. It has no web code: the server
(:mod:`negsim.cli.classroom.web`) maps its :class:`ClassroomError` kinds to HTTP statuses.

* **Tokens**: the instructor's token and each student's seat token are compared in
  constant time; the join code is six letters and digits.
* **Pairs and groups**: a scenario of ``n`` parties is negotiated in groups of ``n`` (pairs
  when ``n`` is 2). :meth:`Classroom.pair_up` groups the students not yet seated in the
  order they joined, in as few groups as hold them and as evenly as can be (the first
  groups one student larger), each student taking the next party in the scenario's
  order; the seats left over go to the computer's agent
  (:class:`~negsim.studies.play.AgentPlayer`): with two parties, an odd student out
  plays against it. :meth:`Classroom.pair_students` seats students (or the computer) by
  hand, one a party; :meth:`Classroom.unpair` undoes a pair before its first move and
  :meth:`Classroom.remove_student` removes a student not in a pair.
* **Moves** are accepted only while the class runs (``set_status("running")``;
  ``"stopped"`` pauses it) and only from a seat that may move (the proposer, or a
  member yet to vote on the offer on the table: group members vote in any order); the
  agents move at once. A package is typed as ``{issue: term}``, every issue once, each term read by
  :func:`negsim.format.terms.read_term`; an infeasible package is refused.
* **A clock in minutes** (optional): the class's time runs while the class runs and stops
  with it; when it is out, every unfinished pair ends without a deal (status ``deadline``,
  stored as an ``expire`` move) and the class is ``over``.
* **Versions**: :attr:`Classroom.changes` counts every change (every view carries it, so a
  page can drop an answer older than what it shows) and each pair counts its own, so a
  server can tell a page that its view changed without drawing it again.
"""

from __future__ import annotations

import math
import secrets
import sqlite3
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

from negsim.analysis.any_package import AnyPackage, reason
from negsim.format.terms import TermError, find_issue, read_term
from negsim.space import OutcomeSpace
from negsim.studies.classroom_store import (
    MAX_NAME,
    MAX_STUDENTS,
    ClassroomError,
    ClassStore,
    Pair,
    clean_name,
)
from negsim.studies.classroom_views import POINTS, ClassroomViews, points_of
from negsim.studies.play import AgentPlayer, PlayError, Session

__all__ = [
    "MAX_NAME",
    "MAX_STUDENTS",
    "POINTS",
    "STATUSES",
    "Classroom",
    "ClassroomError",
    "Pair",
    "fill_groups",
]

STATUSES = ("open", "running", "stopped", "over")
"""The class: ``open`` (joining, not started), ``running``, ``stopped`` (paused) and
``over`` (the clock ran out)."""


def fill_groups(students: Sequence[int], size: int) -> list[list[int | None]]:
    """``students`` in order, in as few groups of ``size`` seats as hold them, as evenly as
    can be (the first groups one student larger); None for the seats left to the computer.

    >>> fill_groups([1, 2, 3, 4, 5], 2)
    [[1, 2], [3, 4], [5, None]]
    >>> fill_groups([1, 2, 3, 4], 3)
    [[1, 2, None], [3, 4, None]]
    """
    count = -(-len(students) // size)
    groups: list[list[int | None]] = []
    start = 0
    for g in range(count):
        take = len(students) // count + (1 if g < len(students) % count else 0)
        groups.append([*students[start : start + take], *[None] * (size - take)])
        start += take
    return groups


class Classroom(ClassroomViews):
    """A class's negotiations over one scenario, kept in the SQLite file ``path``.

    Parameters
    ----------
    path : str
        The state file; created when missing, resumed when it exists (it must be a state
        file of the same scenario).
    space : OutcomeSpace
        The scenario's enumerated outcome space (two or more parties).
    file, sha256 : str
        The scenario argument and its file's digest, for the transcripts.
    agent : str, optional
        The computer's strategy for an odd student out (default: the scenario's agent).
    minutes : float, optional
        The class's time in minutes (None: the protocol's rounds only). Given when
        resuming, it replaces the stored one (a class that was over with time now left is
        ``stopped``, ready to start again); omitted, the stored one holds.
    clock : callable, optional
        Seconds since the epoch (default :func:`time.time`: the clock survives a restart).
    """

    def __init__(
        self, path: str, space: OutcomeSpace, *, file: str, sha256: str | None,
        agent: str | None = None, minutes: float | None = None,
        clock: Callable[[], float] = time.time,
    ):  # fmt: skip
        scenario = space.scenario
        if minutes is not None and not (math.isfinite(minutes) and minutes > 0):
            raise ClassroomError(f"the class's time is a positive number of minutes, not {minutes}")
        self.space, self.scenario = space, scenario
        self.file, self.sha256, self.agent, self.clock = file, sha256, agent, clock
        self.lock = threading.RLock()
        self.store = ClassStore(path, scenario.name)
        self.db = self.store.db
        # counts every change; it starts from the time in microseconds, so that a view made
        # after a restart is never older than one made before it
        self.changes = time.time_ns() // 1000
        self._class_version = 0
        self._terms: dict[int, list[dict[str, str]]] = {}
        self._texts: dict[int, dict[str, str]] = {}
        if minutes is not None:
            with self.store.transaction():
                self.store.set("minutes", repr(float(minutes)))
                if self.status == "over" and (self.time_left() or 0) > 0:
                    self.store.set("status", "stopped")
        self.pairs: dict[int, Pair] = {}
        self._seats: dict[int, tuple[int, str]] = {}
        for row in self.store.pairs():
            self._load_pair(row)
        if self.status == "running":  # a move stored just before a kill: the agent answers
            with self.store.transaction():
                for pair in self.pairs.values():
                    self._agent_moves(pair)

    def _rebuild(self, pair: Pair) -> None:
        """Make the pair in memory what the file holds again (after a write failed)."""
        self._load_pair(self.store.pair(pair.id))

    # ----------------------------------------------------------------------------------------
    # Stored state

    @property
    def code(self) -> str:
        return str(self.store.get("code"))

    @property
    def instructor_token(self) -> str:
        return str(self.store.get("instructor"))

    @property
    def status(self) -> str:
        return str(self.store.get("status"))

    @property
    def minutes(self) -> float | None:
        text = self.store.get("minutes")
        return None if text is None else float(text)

    def close(self) -> None:
        self.store.close()

    def _load_pair(self, row: sqlite3.Row) -> Pair:
        """A pair from its rows, its session rebuilt by replaying its moves (the agents'
        moves made again by the agents, which gives the same moves for the same seed; a
        seat given to the computer mid-way gets its agent at that move)."""
        found = self.store.seats(int(row["id"]))
        seats = {party: found[party] for party in self.scenario.party_names}
        moves = self.store.moves(int(row["id"]))
        start = dict(seats)  # who sat where before the first reseat
        for move in reversed(moves):
            if move["kind"] == "reseat":
                before = str(move["response"])
                start[move["party"]] = None if before == "computer" else int(before.split(":")[1])
        session = Session(self.space, seed=int(row["seed"]))
        agents = {party: AgentPlayer(session, party, self.agent)
                  for party, student in start.items() if student is None}  # fmt: skip
        pair = Pair(int(row["id"]), int(row["seed"]), str(row["created"]), seats, session, agents)
        for move in moves:
            try:
                if move["kind"] == "reseat":
                    self._seat_agent(pair, str(move["party"]), move["position"] is None)
                elif move["kind"] == "expire":
                    session.time_up()
                    pair.expired = True
                elif move["party"] in agents:
                    agents[move["party"]].play()
                elif move["kind"] == "propose":
                    session.propose(str(move["party"]), int(move["position"]))
                else:
                    session.respond(str(move["party"]), str(move["response"]))
            except (PlayError, TypeError, ValueError) as error:
                raise ClassroomError(
                    f"the state file's move {move['id']} of {pair.name} does not follow the "
                    f"rules ({error}); was the file made with another version of the scenario?"
                ) from None
            pair.times.append(str(move["at"]))
        if session.over and pair.times:
            pair.finished = pair.times[-1]
        self.pairs[pair.id] = pair
        for party, student in seats.items():
            if student is not None:
                self._seats[student] = (pair.id, party)
        return pair

    def _seat_agent(self, pair: Pair, party: str, computer: bool) -> None:
        """The computer takes ``party``'s seat from here (a fresh agent), or leaves it."""
        if computer:
            pair.agents[party] = AgentPlayer(pair.session, party, self.agent)
        else:
            pair.agents.pop(party, None)

    def _record(
        self, pair: Pair, party: str, kind: str, value: int | str | None, before: str | None = None
    ) -> None:
        at = self.store.add_move(pair.id, party, kind, value, before)
        pair.times.append(at)
        pair.version += 1
        self.changes += 1
        if pair.session.over:
            pair.finished = at

    def _agent_moves(self, pair: Pair) -> None:
        """The agents' moves while one of them may move (stored like a person's), in the
        parties' order."""
        session = pair.session
        while True:
            mover = next((agent for party, agent in pair.agents.items()
                          if session.may_move(party)), None)  # fmt: skip
            if mover is None:
                return
            kind, value = mover.play()
            self._record(pair, mover.party, kind, value)

    # ----------------------------------------------------------------------------------------
    # Students

    def join(self, name: Any, code: Any) -> tuple[int, str]:
        """A new student: their id and seat token; the code must be the class's."""
        if not isinstance(code, str) or not secrets.compare_digest(
            code.strip().upper().encode(), self.code.encode()
        ):
            raise ClassroomError("that is not this class's join code", "forbidden")
        name = clean_name(name)
        with self.lock:
            joined = self.store.add_student(name)
            self.changes += 1
            return joined

    def check_instructor(self, token: str | None) -> None:
        if not token or not secrets.compare_digest(token.encode(), self.instructor_token.encode()):
            raise ClassroomError("this needs the instructor's token", "forbidden")

    def student(self, student_id: int, token: str | None) -> sqlite3.Row:
        """The student ``student_id`` when ``token`` is theirs; else ``forbidden``."""
        row = self.store.student(student_id)
        if (
            row is None
            or not token
            or not secrets.compare_digest(token.encode(), str(row["token"]).encode())
        ):
            raise ClassroomError("this seat's token is needed", "forbidden")
        return row

    def seat(self, student_id: int) -> tuple[Pair, str] | None:
        """The student's pair and party, or None before pairing."""
        found = self._seats.get(student_id)
        return None if found is None else (self.pairs[found[0]], found[1])

    def seat_version(self, student_id: int) -> tuple[int, int]:
        """What a student's view depends on: the class's changes that concern everyone
        (status, clock, pairing) and the student's pair's own."""
        with self.lock:
            seat = self.seat(student_id)
            return (self._class_version, -1 if seat is None else seat[0].version)

    # ----------------------------------------------------------------------------------------
    # The instructor

    def pair_up(self) -> list[int]:
        """Seat every student not yet seated, in joining order, in pairs or groups (see the
        module docstring); the ids of the new pairs."""
        with self.lock:
            waiting = [int(row["id"]) for row in self.store.students()
                       if int(row["id"]) not in self._seats]  # fmt: skip
            return self._make_pairs(fill_groups(waiting, self.scenario.n_parties))

    def pair_students(self, *students: Any) -> int:
        """Seat students by hand, one a party in the scenario's order (the first plays the
        first party...); None for the computer's agent, at least one student. The new
        pair's id."""
        n = self.scenario.n_parties
        if len(students) != n:
            raise ClassroomError(f"a {'pair' if n == 2 else 'group'} has {n} seats, one a party "
                                 f"(null for the computer), not {len(students)}")  # fmt: skip
        chosen: list[int | None] = []
        for student in students:
            if student is not None and (isinstance(student, bool) or not isinstance(student, int)):
                raise ClassroomError("a seat is a student's id, or null for the computer")
            chosen.append(student)
        people = [student for student in chosen if student is not None]
        if not people:
            raise ClassroomError("a pair needs at least one student")
        if len(set(people)) < len(people):
            raise ClassroomError("a student cannot negotiate with themselves")
        with self.lock:
            for student in chosen:
                if student is None:
                    continue
                if student not in self.store.names:
                    raise ClassroomError(f"no student {student}")
                if student in self._seats:
                    name = self.store.names[student]
                    where = self.pairs[self._seats[student][0]].name
                    raise ClassroomError(f"{name} is already in {where}", "conflict")
            return self._make_pairs([chosen])[0]

    def _make_pairs(self, groups: Sequence[Sequence[int | None]]) -> list[int]:
        parties = self.scenario.party_names
        made: list[int] = []
        try:
            with self.store.transaction():
                self._add_pairs(groups, parties, made)
        except BaseException:
            for pair_id in made:  # nothing was stored: forget them in memory too
                forgotten = self.pairs.pop(pair_id, None)
                for student in forgotten.seats.values() if forgotten else ():
                    if student is not None:
                        self._seats.pop(student, None)
            raise
        if made:
            self._changed_for_all()
        return made

    def _add_pairs(
        self, groups: Sequence[Sequence[int | None]], parties: Sequence[str],
        made: list[int],
    ) -> None:  # fmt: skip
        """Store and load the new pairs (inside a transaction), their ids in ``made``."""
        for group in groups:
            seats = dict(zip(parties, group, strict=True))
            players = {party: "person" if student is not None else self._agent_name()
                       for party, student in seats.items()}  # fmt: skip
            pair_id = self.store.add_pair(seats, players)
            made.append(pair_id)
            pair = self._load_pair(self.store.pair(pair_id))
            if self.status == "running":
                self._agent_moves(pair)

    def unpair(self, name: Any) -> None:
        """Undo the pair called ``name`` (``pair-03``) before its first move: its students
        wait to be paired again."""
        with self.lock:
            pair = next((p for p in self.pairs.values() if p.name == name), None)
            if pair is None:
                raise ClassroomError(f"no pair {str(name)[:40]!r}")
            if pair.session.moves or pair.session.over:
                raise ClassroomError(f"{pair.name} has begun negotiating: it stays as it is",
                                     "conflict")  # fmt: skip
            with self.store.transaction():
                self.store.delete_pair(pair.id)
            del self.pairs[pair.id]
            for student in pair.seats.values():
                if student is not None:
                    del self._seats[student]
            self._changed_for_all()

    def replace_student(self, student_id: Any, by: Any = None) -> None:
        """Give a seated student's seat in talks not yet over to ``by``, a student not
        seated, or to the computer (None), which plays on from where the talks stand (the
        student left, or came back under another name). The student is free again."""
        for value in (student_id, by):
            if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
                raise ClassroomError("a student is given by their id (null for the computer)")
        with self.lock:
            seat = self.seat(student_id) if student_id is not None else None
            if seat is None:
                raise ClassroomError(f"student {str(student_id)[:20]} is not seated", "conflict")
            pair, party = seat
            if pair.session.over:
                raise ClassroomError(f"{pair.name} has finished: its result stays as it is",
                                     "conflict")  # fmt: skip
            if by is not None and (by not in self.store.names or by in self._seats):
                raise ClassroomError(f"student {by} is not waiting to be seated", "conflict")
            if by is None and all(s is None or s == student_id for s in pair.seats.values()):
                raise ClassroomError(f"{pair.name} would have no student left; stop it with "
                                     "the class, or seat someone else", "conflict")  # fmt: skip
            player = "person" if by is not None else self._agent_name()
            try:
                with self.store.transaction():
                    self.store.reseat(pair.id, party, by, player)
                    self._record(pair, party, "reseat", by, f"student:{student_id}")
                    pair.seats[party] = by
                    self._seat_agent(pair, party, by is None)
                    if self.status == "running":
                        self._agent_moves(pair)
            except BaseException:
                self._rebuild(pair)
                raise
            del self._seats[student_id]
            if by is not None:
                self._seats[by] = (pair.id, party)
            self._changed_for_all()

    def remove_student(self, student_id: Any) -> None:
        """Remove a student who is not in a pair (a name typed by mistake, someone who
        left): their page stops working and their name is free again."""
        if isinstance(student_id, bool) or not isinstance(student_id, int):
            raise ClassroomError("a student is given by their id")
        with self.lock:
            if student_id not in self.store.names:
                raise ClassroomError(f"no student {student_id}")
            if student_id in self._seats:
                name = self.store.names[student_id]
                where = self.pairs[self._seats[student_id][0]].name
                raise ClassroomError(f"{name} is in {where}; undo it first (only before its "
                                     "first move)", "conflict")  # fmt: skip
            self.store.delete_student(student_id)
            self._changed_for_all()

    def _agent_name(self) -> str:
        session = Session(self.space, seed=0)
        return AgentPlayer(session, session.parties[1], self.agent).name

    def _changed_for_all(self) -> None:
        self.changes += 1
        self._class_version += 1

    def set_status(self, status: str) -> None:
        """``running`` (start or resume: moves allowed, the clock runs) or ``stopped``
        (paused); a class that is ``over`` cannot start again (``conflict``)."""
        assert status in ("running", "stopped")
        with self.lock:
            self.tick()
            if self.status == "over":
                raise ClassroomError("the time is up; start the server with more --minutes "
                                     "to go on", "conflict")  # fmt: skip
            if status == self.status:
                return
            with self.store.transaction():
                if status == "running":
                    self.store.set("running_since", repr(self.clock()))
                else:
                    self._stop_clock()
                self.store.set("status", status)
                if status == "running":
                    for pair in self.pairs.values():
                        self._agent_moves(pair)
            self._changed_for_all()

    # ----------------------------------------------------------------------------------------
    # The clock

    def _stop_clock(self) -> None:
        since = self.store.get("running_since")
        if since:
            spent = float(self.store.get("clock_spent") or 0)
            spent += max(0.0, self.clock() - float(since))
            self.store.set("clock_spent", repr(spent))
            self.store.set("running_since", "")

    def time_left(self) -> float | None:
        """Seconds left on the class's clock (None without one); it runs only while the
        class runs."""
        minutes = self.minutes
        if minutes is None:
            return None
        spent = float(self.store.get("clock_spent") or 0)
        since = self.store.get("running_since")
        if since and self.status == "running":
            spent += max(0.0, self.clock() - float(since))
        return max(0.0, 60.0 * minutes - spent)

    def tick(self) -> bool:
        """When the clock has run out: end every unfinished pair's talks without a deal and
        close the class; whether that happened now."""
        with self.lock:
            if self.status != "running" or self.time_left() != 0.0:
                return False
            with self.store.transaction():
                self._stop_clock()
                self.store.set("status", "over")
                for pair in self.pairs.values():
                    if not pair.session.over:
                        pair.session.time_up()
                        pair.expired = True
                        self._record(pair, "", "expire", None)
            self._changed_for_all()
            return True

    # ----------------------------------------------------------------------------------------
    # Moves

    def _playing(self, student_id: int) -> tuple[Pair, str]:
        self.tick()
        seat = self.seat(student_id)
        if seat is None:
            raise ClassroomError("you have no partner yet: wait for the instructor", "conflict")
        if self.status == "over":
            raise ClassroomError("the time is up", "conflict")
        if self.status != "running":
            raise ClassroomError("the negotiation has not started or is paused", "conflict")
        return seat

    def read_package(self, package: Any) -> int:
        """The position of ``{issue: term}`` (every issue once; any feasible package, also
        off a merged space's columns: :mod:`negsim.analysis.any_package`); a
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
            return AnyPackage.of(self.space).position_of(found)
        except KeyError as error:
            raise ClassroomError(f"{reason(error)}; try another") from None

    def offer(self, student_id: int, package: Any) -> None:
        """The student offers ``package`` (see :meth:`read_package`)."""
        with self.lock:
            pair, party = self._playing(student_id)
            position = self.read_package(package)
            try:
                pair.session.propose(party, position)
            except PlayError as error:
                raise ClassroomError(str(error), "conflict") from None
            self._store_moves(pair, party, "propose", position)

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
            self._store_moves(pair, party, "respond", str(response))

    def _store_moves(self, pair: Pair, party: str, kind: str, value: int | str) -> None:
        """Store a move made in memory and the agent's answers, together; when the write
        fails, the pair in memory goes back to what the file holds."""
        try:
            with self.store.transaction():
                self._record(pair, party, kind, value)
                self._agent_moves(pair)
        except BaseException:
            self._rebuild(pair)
            raise

    def preview(self, student_id: int, package: Any) -> dict[str, Any]:
        """What a package the student composes is worth to them, before sending it."""
        seat = self.seat(student_id)
        if seat is None:
            raise ClassroomError("you have no partner yet", "conflict")
        pair, party = seat
        position = self.read_package(package)
        return {"points": points_of(pair.session.utility(party, position))}
