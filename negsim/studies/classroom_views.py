"""What each side of a classroom negotiation sees, and the exports (``docs/classroom.md``).

:class:`ClassroomViews` is the reading half of
:class:`~negsim.studies.classroom_state.Classroom`: a student's page (:meth:`seat_view`,
only that seat's own points), the compose form (:meth:`choices`), the instructor's
overview (both sides' points), one ``negsim play`` transcript a pair
(:meth:`transcripts`) and the CSV ``negsim debrief`` reads (:meth:`agreements_csv`).
Points are utility × :data:`POINTS`, as the role sheets count them.
"""

from __future__ import annotations

import csv
import io
import threading
from typing import TYPE_CHECKING, Any

import numpy as np

from negsim.analysis.any_package import AnyPackage
from negsim.analysis.scoring import DealScore, pareto_positions, score_deal, walk_away_point
from negsim.format.model import POINTS, CategoricalIssue, NumericIssue, SplitIssue
from negsim.format.terms import issue_step, package_terms, term_text
from negsim.studies.classroom_store import ClassStore, Pair
from negsim.studies.play import Session, transcript_record

if TYPE_CHECKING:
    from negsim.format.scenario import Scenario
    from negsim.space import OutcomeSpace

__all__ = ["POINTS", "ClassroomViews", "points_of"]

ENDING_WORDS = {
    "agreement": "Agreement in round {round}.",
    "walked_away": "No deal: {walker} walked away.",
    "deadline": "No deal: the last round passed without an agreement.",
    "time_up": "No deal: the time ran out before an agreement.",
    "breakdown": "No deal: the talks broke down (the breakdown risk struck).",
}


def _words(text: str) -> str:
    """An option's name as words (``no_layoffs`` -> ``no layoffs``), as the reports write it."""
    return text.replace("_", " ")


def points_of(utility: float) -> float:
    """A utility as the pages' points: × :data:`POINTS`, one decimal."""
    return round(POINTS * utility, 1)


class ClassroomViews:
    """The views of a class; the state they read is the :class:`Classroom`'s."""

    space: OutcomeSpace
    scenario: Scenario
    store: ClassStore
    pairs: dict[int, Pair]
    lock: threading.RLock
    file: str
    sha256: str | None
    changes: int
    _pareto: np.ndarray | None = None
    _terms: dict[int, list[dict[str, str]]]
    _texts: dict[int, dict[str, str]]

    @property
    def status(self) -> str:
        raise NotImplementedError

    def seat(self, student_id: int) -> tuple[Pair, str] | None:
        raise NotImplementedError

    def time_left(self) -> float | None:
        raise NotImplementedError

    # ----------------------------------------------------------------------------------------
    # Packages as text

    def terms(self, position: int) -> list[dict[str, str]]:
        """A package as ``[{issue label, option text}]`` for display (made once a package:
        read it, do not change it)."""
        found = self._terms.get(position)
        if found is None:
            levels = AnyPackage.of(self.space).levels(position)
            found = [
                {"issue": issue.label, "term": _words(self.space.describe_level(k, int(levels[k])))}
                for k, issue in enumerate(self.scenario.issues)
            ]
            self._terms[position] = found
        return found

    def term_texts(self, position: int) -> dict[str, str]:
        """A package as ``{issue: term}`` that ``Classroom.read_package`` reads back (and
        the debrief CSV holds); made once a package: read it, do not change it."""
        found = self._texts.get(position)
        if found is None:
            package = AnyPackage.of(self.space).package(position)
            found = package_terms(self.scenario, package)
            self._texts[position] = found
        return found

    def choices(self, party: str) -> list[dict[str, Any]]:
        """Each issue's options for ``party``'s compose form: the term to send, its text and
        ``party``'s points for it on that issue (the role sheet's points)."""
        me = self.scenario.party(party)
        mine = self.scenario.party_index(party)
        out: list[dict[str, Any]] = []
        for k, issue in enumerate(self.scenario.issues):
            levels = self.space.level_values[k]
            weight = me.weights.get(issue.name, 0.0)
            function = me.values.get(issue.name)
            if isinstance(issue, CategoricalIssue):
                terms = list(issue.options)
                texts = [_words(self.space.describe_level(k, j)) for j in range(len(terms))]
                amounts = np.arange(len(terms))
            elif isinstance(issue, SplitIssue):
                names = self.scenario.party_names
                step = issue_step(issue)
                terms = [term_text(dict(zip(names, row, strict=True)), step)
                         for row in levels.tolist()]  # fmt: skip
                amounts = np.asarray(levels)[:, mine]
                texts = [f"your share {a:.6g} of {issue.total:g}" for a in amounts.tolist()]
            else:
                assert isinstance(issue, NumericIssue)
                terms = [term_text(float(x), issue_step(issue)) for x in levels.tolist()]
                texts = [self.space.describe_level(k, j) for j in range(len(terms))]
                amounts = np.asarray(levels)
            values = (np.zeros(len(terms)) if function is None
                      else np.asarray(function.evaluate(amounts), dtype=float))  # fmt: skip
            out.append({
                "issue": issue.name, "label": issue.label,
                "options": [{"term": t, "text": x, "points": points_of(weight * float(v))}
                            for t, x, v in zip(terms, texts, values, strict=True)],
            })  # fmt: skip
        return out

    # ----------------------------------------------------------------------------------------
    # A student's page

    def seat_view(self, student_id: int) -> dict[str, Any]:
        """Everything the student's page shows; only this seat's own points.

        Long because it lists every field the page reads, in one place, so that what a
        seat may see is checked here and nowhere else.
        """
        with self.lock:
            view: dict[str, Any] = {
                "name": self.store.names[student_id], "class_status": self.status,
                "scenario": self.scenario.name, "seated": False,
                "time_left": self.time_left(), "changes": self.changes,
            }  # fmt: skip
            seat = self.seat(student_id)
            if seat is None:
                return view
            pair, party = seat
            session = pair.session
            partners = [{"party": p, "label": self.scenario.party(p).label,
                         "name": self._seat_name(pair.seats[p])}
                        for p in session.others(party)]  # fmt: skip
            pending = session.pending
            view.update({
                "seated": True, "pair": pair.name, "party": party,
                "party_label": self.scenario.party(party).label, "partners": partners,
                "partner_label": " and ".join(p["label"] for p in partners),
                "partner": " and ".join(p["name"] for p in partners),
                "round": min(session.round, session.rounds - 1) + 1,
                "rounds": session.rounds, "rounds_left": session.rounds_left,
                "deadline": session.deadline, "votes_needed": session.quota,
                "turn": self._turn(session, party), "can_walk": session.can_walk(party),
                "waiting_for": [p for p in session.parties if session.may_move(p)],
                "walk_away_points": points_of(session.reservation(party)),
                "pending": None if pending is None or pending.proposer == party else {
                    "terms": self.terms(pending.position),
                    "by": self.scenario.party(pending.proposer).label,
                    "points": points_of(session.utility(party, pending.position))},
                "moves": [{
                    "round": move.round + 1, "by": self._by(session, party, move.proposer),
                    "terms": self.terms(move.position), "response": move.response,
                    "votes": {self.scenario.party(p).label: vote
                              for p, vote in move.votes.items()},
                    "points": points_of(session.utility(party, move.position)),
                    "package": self.term_texts(move.position),
                } for move in session.moves],
                "ending": self._ending(pair, party),
            })  # fmt: skip
            return view

    def _seat_name(self, student: int | None) -> str:
        return "the computer" if student is None else self.store.names[student]

    @staticmethod
    def _turn(session: Session, party: str) -> str | None:
        """``propose``, ``respond`` (an offer awaits this seat's answer), ``wait`` or None
        when the talks are over."""
        if session.over:
            return None
        if not session.may_move(party):
            return "wait"
        return "propose" if session.pending is None else "respond"

    def _by(self, session: Session, party: str, proposer: str) -> str:
        """Who made an offer, as the seat reads it: ``you``, ``partner`` (two parties) or
        the proposer's party label."""
        if proposer == party:
            return "you"
        return "partner" if session.n == 2 else self.scenario.party(proposer).label

    def _ending(self, pair: Pair, party: str) -> dict[str, Any] | None:
        ending = pair.session.ending
        if ending is None or ending.utilities is None or ending.payoffs is None:
            return None
        kind = "time_up" if pair.expired else ending.status
        if ending.walker is None or pair.session.n == 2:
            walker = "you" if ending.walker == party else "your partner"
        else:
            walker = "you" if ending.walker == party else self.scenario.party(ending.walker).label
        words = ENDING_WORDS.get(kind, ending.status).format(round=ending.round + 1, walker=walker)
        return {
            "status": ending.status, "words": words,
            "terms": None if ending.position is None else self.terms(ending.position),
            "points": points_of(ending.utilities[party]),
            "payoff": points_of(ending.payoffs[party]),
        }  # fmt: skip

    # ----------------------------------------------------------------------------------------
    # The instructor's page

    def overview(self) -> dict[str, Any]:
        """The instructor's page: the class, who joined, every pair's state and result
        (both sides' points)."""
        with self.lock:
            seated = {s: pair.name for pair in self.pairs.values()
                      for s in pair.seats.values() if s}  # fmt: skip
            students = [
                {"id": row["id"], "name": row["name"], "joined": row["joined"],
                 "pair": seated.get(row["id"])}
                for row in self.store.students()
            ]  # fmt: skip
            return {
                "scenario": self.scenario.name, "status": self.status,
                "code": str(self.store.get("code")), "time_left": self.time_left(),
                "changes": self.changes,
                "parties": [self.scenario.party(p).label for p in self.scenario.party_names],
                "students": students, "pairs": [self._pair_row(p) for p in self.pairs.values()],
            }  # fmt: skip

    def _player(self, pair: Pair, party: str) -> str:
        student = pair.seats[party]
        return pair.agents[party].name if student is None else self.store.names[student]

    def _pair_row(self, pair: Pair) -> dict[str, Any]:
        session = pair.session
        ending = session.ending
        players = {self.scenario.party(party).label: self._player(pair, party)
                   for party in pair.seats}  # fmt: skip
        status = "in progress" if session.moves else "not started"
        points = deal = left = None
        if ending is not None and ending.utilities is not None:
            status = "time_up" if pair.expired else ending.status
            points = {self.scenario.party(p).label: points_of(u)
                      for p, u in ending.utilities.items()}  # fmt: skip
            if ending.position is not None:
                deal = "; ".join(f"{t['issue']}: {t['term']}" for t in self.terms(ending.position))
            left = points_of(self._score(ending.position, ending.walker).joint_value_left)
        return {"pair": pair.name, "players": players, "status": status,
                "round": session.round + 1, "offers": len(session.moves),
                "deal": deal, "points": points, "left_on_table": left}  # fmt: skip

    def _score(self, position: int | None, walker: str | None) -> DealScore:
        """``negsim debrief``'s score of a deal (None: no deal; ``walker`` the party that
        walked away), the frontier found once."""
        if self._pareto is None:
            self._pareto = pareto_positions(self.space)
        no_deal = None if walker is None else walk_away_point(self.space, walker)
        return score_deal(self.space, position, self._pareto, no_deal)

    # ----------------------------------------------------------------------------------------
    # Exports

    def transcripts(self) -> dict[str, dict[str, Any]]:
        """Each pair's ``negsim play`` transcript, by pair name (mode ``classroom``, or
        ``agent`` against the computer; unfinished talks as ``interrupted``)."""
        with self.lock:
            out: dict[str, dict[str, Any]] = {}
            for pair in self.pairs.values():
                session: Session = pair.session
                players = {party: "person" if pair.seats[party] is not None
                           else self._player(pair, party) for party in session.parties}  # fmt: skip
                out[pair.name] = transcript_record(
                    session, name=self.scenario.name, file=self.file, sha256=self.sha256,
                    players=players, started=pair.created,
                    finished=pair.finished or (pair.times[-1] if pair.times else pair.created),
                    mode="agent" if pair.agents else "classroom",
                )  # fmt: skip
            return out

    def agreements_csv(self) -> str:
        """The finished pairs as the CSV ``negsim debrief`` reads: ``pair`` and one column an
        issue; ``no deal`` for talks that ended without one. Names come only after the
        pair's name (``pair-01: Ana & Ben``): nothing a student types starts a cell, where
        a spreadsheet would read ``=...`` as a formula."""
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
                    self.store.names[s] if s is not None else "computer"
                    for s in pair.seats.values()
                )
                label = f"{pair.name}: {names}"
                if ending.position is None:
                    said = f"walked away: {ending.walker}" if ending.walker else "no deal"
                    writer.writerow([label, said, *[""] * (len(issues) - 1)])
                else:
                    texts = self.term_texts(ending.position)
                    writer.writerow([label, *(texts[name] for name in issues)])
        return buffer.getvalue()
