"""Where a classroom negotiation is kept: one SQLite file (standard library ``sqlite3``,
write-ahead log) with the class's settings, the students, the pairs (or groups, with three
or more parties) and every move
(``docs/classroom.md``).

The store keeps rows (and :class:`Pair`, one pair's talks in memory), not rules:
:class:`~negsim.studies.classroom_state.Classroom` decides what may be stored and rebuilds
each pair's talks by replaying its moves. Every write is committed before the request that
made it is answered, so a server killed at any moment loses nothing it acknowledged.
"""

from __future__ import annotations

import contextlib
import re
import secrets
import sqlite3
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from negsim.studies.play import AgentPlayer, Session

__all__ = [
    "MAX_NAME",
    "MAX_STUDENTS",
    "ClassStore",
    "ClassroomError",
    "Pair",
    "clean_name",
    "now",
]

MAX_NAME = 40
"""Characters in a student's name, at most."""
MAX_STUDENTS = 400
"""Students in one class, at most (a bound on what a stranger with the code can store)."""
CODE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
"""The join code's alphabet: no 0/O or 1/I to mistake on a projector."""

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


def now() -> str:
    """The time now, UTC, to the second: ``2026-12-02T08:15:00Z``."""
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


@dataclass
class Pair:
    """One pair's (or, with three or more parties, one group's) talks: its id, seed, seats
    (party -> student id, None for the computer), the live session, the computer's agents
    by party, and how many times it changed (``version``)."""

    id: int
    seed: int
    created: str
    seats: dict[str, int | None]
    session: Session
    agents: dict[str, AgentPlayer]
    finished: str | None = None
    times: list[str] = field(default_factory=list)
    expired: bool = False
    version: int = 0

    @property
    def name(self) -> str:
        """``pair-03`` (two parties) or ``group-03``."""
        return f"{'pair' if len(self.seats) == 2 else 'group'}-{self.id:02d}"


class ClassStore:
    """The SQLite file of one class: created with a fresh join code and instructor token
    when new, opened as it is when it exists.

    Tokens are 32 random bytes (:func:`secrets.token_urlsafe`); the join code six letters
    and digits of :data:`CODE_LETTERS`.
    """

    def __init__(self, path: str, scenario: str):
        self.db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self.db.row_factory = sqlite3.Row
        self.db.execute("PRAGMA journal_mode=WAL")
        # in WAL mode, NORMAL loses nothing when the server process dies (only a power cut
        # can drop the last commits) and spares each move a sync of the disk
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.execute("PRAGMA foreign_keys=ON")
        self.db.executescript(SCHEMA)
        stored = self.get("scenario")
        if stored is None:
            with self.transaction():
                for key, value in (
                    ("scenario", scenario),
                    ("code", "".join(secrets.choice(CODE_LETTERS) for _ in range(6))),
                    ("instructor", secrets.token_urlsafe(32)),
                    ("status", "open"),
                    ("created", now()),
                ):
                    self.set(key, value)
        elif stored != scenario:
            raise ClassroomError(f"{path} holds a class of {stored!r}, not {scenario!r}")
        self.names = {
            int(row["id"]): str(row["name"])
            for row in self.db.execute("SELECT id, name FROM students")
        }

    def close(self) -> None:
        self.db.close()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """All the writes inside, stored together or not at all (``BEGIN IMMEDIATE``, then
        ``COMMIT``, or ``ROLLBACK`` on an error); one may not open inside another."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    # settings ---------------------------------------------------------------------------

    def get(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set(self, key: str, value: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    # students ---------------------------------------------------------------------------

    def add_student(self, name: str) -> tuple[int, str]:
        """A new student's id and token; ``full`` or ``conflict`` (the name is taken,
        whatever its case) refused."""
        if len(self.names) >= MAX_STUDENTS:
            raise ClassroomError("the class is full", "full")
        if name.casefold() in {known.casefold() for known in self.names.values()}:
            raise ClassroomError(f"someone already joined as {name!r}; add an initial",
                                 "conflict")  # fmt: skip
        token = secrets.token_urlsafe(32)
        with self.transaction():
            cursor = self.db.execute(
                "INSERT INTO students (name, token, joined) VALUES (?, ?, ?)", (name, token, now())
            )
        student_id = int(cursor.lastrowid or 0)
        self.names[student_id] = name
        return student_id, token

    def student(self, student_id: int) -> sqlite3.Row | None:
        return self.db.execute("SELECT * FROM students WHERE id = ?", (student_id,)).fetchone()

    def students(self) -> list[sqlite3.Row]:
        return self.db.execute("SELECT * FROM students ORDER BY id").fetchall()

    # pairs and moves ----------------------------------------------------------------------

    def add_pair(self, seats: dict[str, int | None], players: dict[str, str]) -> int:
        """A new pair with a fresh random seed (inside the caller's transaction)."""
        cursor = self.db.execute(
            "INSERT INTO pairs (seed, created) VALUES (?, ?)", (secrets.randbelow(2**31), now())
        )
        pair_id = int(cursor.lastrowid or 0)
        for party, student in seats.items():
            self.db.execute(
                "INSERT INTO seats VALUES (?, ?, ?, ?)", (pair_id, party, student, players[party])
            )
        return pair_id

    def delete_pair(self, pair_id: int) -> None:
        """Forget a pair that has made no move (inside the caller's transaction)."""
        self.db.execute("DELETE FROM seats WHERE pair_id = ?", (pair_id,))
        self.db.execute("DELETE FROM pairs WHERE id = ?", (pair_id,))

    def reseat(self, pair_id: int, party: str, student: int | None, player: str) -> None:
        """Give ``party``'s seat to ``student`` (None: the computer, playing as ``player``),
        inside the caller's transaction."""
        self.db.execute(
            "UPDATE seats SET student_id = ?, player = ? WHERE pair_id = ? AND party = ?",
            (student, player, pair_id, party),
        )

    def delete_student(self, student_id: int) -> None:
        """Forget a student who has no seat; their token stops working."""
        with self.transaction():
            self.db.execute("DELETE FROM students WHERE id = ?", (student_id,))
        self.names.pop(student_id, None)

    def pairs(self) -> list[sqlite3.Row]:
        return self.db.execute("SELECT * FROM pairs ORDER BY id").fetchall()

    def pair(self, pair_id: int) -> sqlite3.Row:
        return self.db.execute("SELECT * FROM pairs WHERE id = ?", (pair_id,)).fetchone()

    def seats(self, pair_id: int) -> dict[str, int | None]:
        rows = self.db.execute("SELECT party, student_id FROM seats WHERE pair_id = ?", (pair_id,))
        return {str(row["party"]): row["student_id"] for row in rows}

    def moves(self, pair_id: int) -> list[sqlite3.Row]:
        return self.db.execute(
            "SELECT * FROM moves WHERE pair_id = ? ORDER BY id", (pair_id,)
        ).fetchall()

    def add_move(
        self, pair_id: int, party: str, kind: str, value: int | str | None,
        before: str | None = None,
    ) -> str:  # fmt: skip
        """Store a move (``propose`` with a position, ``respond`` with the answer, ``expire``
        when time ran out, ``reseat`` when the instructor gave ``party``'s seat to another
        student or the computer: the new student's id as the position, None for the
        computer, and who sat there ``before`` as the response: ``student:ID`` or
        ``computer``); its time stamp."""
        at = now()
        position = value if kind in ("propose", "reseat") else None
        response = value if kind == "respond" else before if kind == "reseat" else None
        self.db.execute(
            "INSERT INTO moves (pair_id, party, kind, position, response, at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (pair_id, party, kind, position, response, at),
        )
        return at
