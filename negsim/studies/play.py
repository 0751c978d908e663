"""One negotiation played move by move (``negsim play``): the session and the computer's agent.

A :class:`Session` keeps the state of a negotiation of two or more parties under the
scenario's protocol (``docs/play.md``): whose turn it is, the round, the offers made and the
answers given, and how it ended. It does no input or output; the command line asks the people, an
:class:`AgentPlayer` answers for the computer.

* **Rounds** are numbered from 0. The last round is ``rounds - 1``, where ``rounds`` is the
  protocol's deadline (1 for an ultimatum) or, without one, the ``rounds`` asked for
  (default :data:`DEFAULT_ROUNDS`): talks still going then end without a deal.
* **Proposers**: alternating offers start with ``first_proposer`` and go round the parties in
  their order; ``one_sided`` talks have only ``first_proposer`` propose;
  ``random_proposer`` draws the proposer of every round from ``recognition``.
* **Answers**: every other party answers an offer (with three or more, in any order: a
  vote). The offer passes with the yes votes the rule needs, the proposer's included
  (:func:`~negsim.studies.group_offers.votes_needed`: everyone, or under
  ``random_proposer`` with ``rule: majority`` strictly more than half); it fails as soon
  as it can no longer pass, and the votes not yet cast are not asked for. A passed offer
  ends the talks with a deal; a failed one goes on to the next round, unless the
  breakdown risk strikes (probability ``breakdown_risk`` after each rejection) or it was
  the last round. ``walk_away`` (a responder with an outside option) rejects and ends the
  talks at once, the walker with its outside option, everyone else with its
  disagreement value.
* **Private parameters** in ``uncertainty`` are drawn once per session, from the seed, as
  :func:`negsim.studies.simulate.simulate` draws them for one run (inverse CDF of a
  uniform draw). The breakdown and recognition draws of every round are made at the start
  too, so the same seed gives the same session for the same moves.
* **Payoffs** follow the payoff convention: ``discount^t * u - t * cost`` for a deal with
  utility ``u`` in round ``t``; without a deal the disagreement utility (a walker: its
  outside option) in place of ``u``.

The agent follows the rules of the simulation's agents (:mod:`negsim.studies.simulate`,
whose helpers it shares): a time-dependent target (boulware, conceder, linear, with the
scenario's exponents) or tit for tat; it offers the Pareto-optimal package best for the
other side among those meeting its target (with three or more parties, the one that buys
the votes it needs most easily: :mod:`negsim.studies.group_offers`); it accepts an offer
worth at least its own next offer (``AC_next``; in the last round at least its reservation
value); it walks out when its outside option is worth at least that.

Example
-------
>>> from negsim.format.loader import load_scenario_text
>>> from negsim.space import OutcomeSpace
>>> text = '''
... negsim: 1
... name: pie
... issues: {pie: {split: {total: 1}, resolution: 11}}
... parties: {a: {}, b: {}}
... protocol: {kind: ultimatum}
... '''
>>> session = Session(OutcomeSpace.from_scenario(load_scenario_text(text)), seed=1)
>>> session.turn
('propose', 'a')
>>> session.propose("a", 3)
>>> session.respond("b", "accept")
>>> session.ending.status, session.ending.utilities
('agreement', {'a': 0.3, 'b': 0.7})
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from negsim.analysis.any_package import AnyPackage
from negsim.format.defaults import AGENT_EXPONENTS
from negsim.format.model import TOLERANCE, Agent
from negsim.space import OutcomeSpace
from negsim.studies.group_offers import GroupOffers, votes_needed
from negsim.studies.simulate import (
    Frontier,
    concession_schedule,
    inverse_cdf,
    offer_index,
    root_sequence,
    scenario_agents,
    sorted_frontier,
)

__all__ = [
    "DEFAULT_ROUNDS",
    "RESPONSES",
    "STATUSES",
    "STRATEGIES",
    "AgentPlayer",
    "Ending",
    "Move",
    "Session",
    "suggestions",
    "transcript_record",
]

DEFAULT_ROUNDS = 10
"""Rounds of talks without a deadline, unless asked otherwise."""
RESPONSES = ("accept", "reject", "walk_away")
STATUSES = ("agreement", "breakdown", "walked_away", "deadline", "interrupted")
STRATEGIES = ("boulware", "conceder", "linear", "tit_for_tat")
TRANSCRIPT_VERSION = 1


class PlayError(ValueError):
    """A move the rules do not allow now (not this party's turn, no offer to answer...)."""


@dataclass
class Move:
    """An offer: the ``round``, who made it, the package (its ``position``, any feasible
    package: :mod:`negsim.analysis.any_package`), the answer (``accept`` when it passed,
    ``reject`` when it failed, ``walk_away``; None while undecided) and each responder's
    vote so far."""

    round: int
    proposer: str
    position: int
    response: str | None = None
    votes: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Ending:
    """How the talks ended: ``status`` (one of :data:`STATUSES`), the round, the agreed
    package (None without a deal), each party's utility and payoff (None when
    interrupted), and who walked away."""

    status: str
    round: int
    position: int | None
    utilities: dict[str, float] | None
    payoffs: dict[str, float] | None
    walker: str | None = None


class Session:
    """A negotiation under the scenario's protocol; see the module docstring.

    Parameters
    ----------
    space : OutcomeSpace
        The scenario's outcome space (two or more parties).
    seed : int, optional
        Seed of the private parameters, breakdowns and recognition; None: fresh entropy.
    rounds : int, optional
        Rounds when the protocol has no deadline (default :data:`DEFAULT_ROUNDS`); ignored
        with a deadline.
    """

    def __init__(self, space: OutcomeSpace, seed: int | None = None, rounds: int | None = None):
        scenario = space.scenario
        if rounds is not None and rounds < 1:
            raise ValueError(f"rounds must be at least 1, got {rounds}")
        self.space = space
        self.packages = AnyPackage.of(space)
        """Every feasible package, off a merged space's columns too."""
        self.scenario = scenario
        self.parties: tuple[str, ...] = scenario.party_names
        protocol = scenario.protocol
        self.deadline: int | None = protocol.deadline
        self.rounds: int = (
            self.deadline if self.deadline is not None else (rounds or DEFAULT_ROUNDS)
        )
        self.seed = seed
        self.n = len(self.parties)
        self.quota = votes_needed(self.n, protocol.kind, protocol.rule)
        """Yes votes an offer needs, the proposer's included."""
        self._frontier: Frontier | None = None
        self._group: GroupOffers | None = None
        self.round = 0
        self.moves: list[Move] = []
        self.ending: Ending | None = None
        self._draw(seed)

    def _draw(self, seed: int | None) -> None:
        """The private parameters (each party's own), then a breakdown and a recognition
        draw for every round, from one generator."""
        scenario = self.scenario
        uncertain = scenario.uncertainty
        generator = np.random.Generator(np.random.PCG64(root_sequence(seed)))
        uniforms = generator.random(len(uncertain) + 2 * self.rounds)
        parties = scenario.parties
        self.disagreement = np.array([p.disagreement.expected for p in parties])
        self.shift = np.zeros(self.n)
        self.outside = np.array([np.nan if p.outside_option is None else p.outside_option
                                 for p in parties])  # fmt: skip
        self.discount = np.array([p.discount for p in parties])
        self.cost = np.array([p.cost_per_round for p in parties])
        for row, item in enumerate(uncertain):
            i = scenario.party_index(item.party)
            value = float(inverse_cdf(item.distribution, uniforms[row : row + 1])[0])
            if item.parameter == "agreement_value":
                self.shift[i] = value - parties[i].agreement_value
            elif item.parameter == "cost_per_round":
                self.cost[i] = value
            else:
                getattr(self, item.parameter)[i] = value
        start = len(uncertain)
        self._breakdown = uniforms[start : start + self.rounds]
        self._recognition = uniforms[start + self.rounds :]

    @property
    def frontier(self) -> Frontier:
        """The Pareto-optimal packages sorted for each side (two parties)."""
        if self._frontier is None:
            self._frontier = sorted_frontier(self.space)
        return self._frontier

    @property
    def group(self) -> GroupOffers:
        """The Pareto-optimal packages and each party's scale (three or more parties)."""
        if self._group is None:
            self._group = GroupOffers.of(self.space)
        return self._group

    # ----------------------------------------------------------------------------------------
    # The state

    def index(self, party: str) -> int:
        return self.parties.index(party)

    def other(self, party: str) -> str:
        """The other side, with two parties."""
        if self.n != 2:
            raise PlayError(f"{party} negotiates with {self.n - 1} others")
        return self.parties[1 - self.index(party)]

    def others(self, party: str) -> tuple[str, ...]:
        """Every party but ``party``, starting after it in the parties' order."""
        i = self.index(party)
        return tuple(self.parties[(i + k) % self.n] for k in range(1, self.n))

    def proposer_at(self, round_index: int) -> str:
        """Who proposes in round ``round_index`` (for random proposers, the drawn one)."""
        protocol = self.scenario.protocol
        first = self.index(protocol.first_proposer)
        if protocol.kind == "random_proposer":
            chances = np.cumsum([protocol.recognition[p] for p in self.parties])
            drawn = int(np.searchsorted(chances, self._recognition[round_index], side="right"))
            return self.parties[min(drawn, self.n - 1)]
        if protocol.kind == "one_sided":
            return self.parties[first]
        return self.parties[(first + round_index) % self.n]

    @property
    def over(self) -> bool:
        return self.ending is not None

    @property
    def pending(self) -> Move | None:
        """The offer on the table, waiting for an answer."""
        if self.moves and self.moves[-1].response is None and not self.over:
            return self.moves[-1]
        return None

    @property
    def proposer(self) -> str:
        return self.proposer_at(self.round)

    @property
    def responders(self) -> tuple[str, ...]:
        """The parties whose answer to the offer on the table is awaited, starting after
        the proposer in the parties' order (none without an offer)."""
        pending = self.pending
        if pending is None:
            return ()
        return tuple(p for p in self.others(pending.proposer) if p not in pending.votes)

    @property
    def turn(self) -> tuple[str, str] | None:
        """``("propose", party)`` or ``("respond", party)`` (with three or more parties,
        the first voter still awaited; the others may vote first); None when the talks
        are over."""
        if self.over:
            return None
        if self.pending is not None:
            return ("respond", self.responders[0])
        return ("propose", self.proposer)

    def may_move(self, party: str) -> bool:
        """Whether ``party`` may make a move now: propose, or answer the offer on the
        table."""
        if self.over:
            return False
        if self.pending is not None:
            return party in self.responders
        return party == self.proposer

    @property
    def rounds_left(self) -> int:
        """Rounds left, this one included."""
        return self.rounds - self.round

    @property
    def last_round(self) -> bool:
        return self.round == self.rounds - 1

    def utility(self, party: str, position: int) -> float:
        """``party``'s own utility of a package (its own ``agreement_value`` draw included)."""
        i = self.index(party)
        return float(self.values(position)[i] + self.shift[i])

    def values(self, position: int) -> np.ndarray:
        """Every party's stated utility of the package at ``position`` (no private draws):
        a column of the space, or any feasible package (:mod:`negsim.analysis.any_package`)."""
        return self.packages.utilities(int(position))

    def package(self, position: int) -> dict[str, Any]:
        """The package at ``position``, as :meth:`OutcomeSpace.package` gives it."""
        return self.packages.package(position)

    def can_walk(self, party: str) -> bool:
        """Whether ``party`` has an outside option to walk away to."""
        return not np.isnan(self.outside[self.index(party)])

    def reservation(self, party: str) -> float:
        """``party``'s walk-away value: its disagreement utility, or its outside option when
        that is higher (undiscounted)."""
        i = self.index(party)
        return float(np.fmax(self.disagreement[i], self.outside[i]))

    def last_offer_by(self, party: str) -> int | None:
        for move in reversed(self.moves):
            if move.proposer == party:
                return move.position
        return None

    def payoff(self, party: str, value: float, round_index: int) -> float:
        """The payoff convention: ``discount^t * value - t * cost``."""
        i = self.index(party)
        return float(self.discount[i] ** round_index * value - round_index * self.cost[i])

    # ----------------------------------------------------------------------------------------
    # Moves

    def propose(self, party: str, position: int) -> None:
        """``party`` offers the package at ``position``; a :class:`PlayError` when it is not
        its turn to propose."""
        if self.turn != ("propose", party):
            raise PlayError(f"it is not {party}'s turn to make an offer")
        if not self.packages.has(int(position)):
            raise PlayError(f"no feasible package at position {position}")
        self.moves.append(Move(self.round, party, int(position)))

    def respond(self, party: str, response: str) -> None:
        """``party`` answers the offer on the table: ``accept``, ``reject`` or
        ``walk_away``; the offer is decided once it has the votes it needs or can no
        longer get them."""
        if party not in self.responders:
            raise PlayError(f"{party} has no offer to answer")
        if response not in RESPONSES:
            raise PlayError(f"an answer is one of {', '.join(RESPONSES)}, not {response!r}")
        if response == "walk_away" and not self.can_walk(party):
            raise PlayError(f"{party} has no outside option to walk away to")
        move = self.moves[-1]
        move.votes[party] = response
        yes = 1 + sum(vote == "accept" for vote in move.votes.values())
        if response == "walk_away":
            move.response = response
            self._end("walked_away", walker=party)
        elif yes >= self.quota:
            move.response = "accept"
            self._end("agreement", move.position)
        elif yes + len(self.responders) < self.quota:
            move.response = "reject"
            self._rejected()

    def _rejected(self) -> None:
        """The offer failed: the breakdown risk may strike; else the next round, or none."""
        if self._breakdown[self.round] < self.scenario.protocol.breakdown_risk:
            self._end("breakdown")
        elif self.last_round:
            self._end("deadline")
        else:
            self.round += 1

    def time_up(self) -> None:
        """End the talks without a deal because a clock in minutes ran out (the classroom's
        deadline): status ``deadline``, each side its disagreement value at the round
        reached, as when the last round passes."""
        if not self.over:
            self._end("deadline")

    def interrupt(self) -> None:
        """End the talks where they stand (the person quit or pressed Ctrl-C)."""
        if not self.over:
            self.ending = Ending("interrupted", self.round, None, None, None)

    def _end(self, status: str, position: int | None = None, walker: str | None = None) -> None:
        values: dict[str, float] = {}
        for i, party in enumerate(self.parties):
            if position is not None:
                values[party] = self.utility(party, position)
            elif party == walker:
                values[party] = float(self.outside[i])
            else:
                values[party] = float(self.disagreement[i])
        payoffs = {party: self.payoff(party, value, self.round) for party, value in values.items()}
        self.ending = Ending(status, self.round, position, values, payoffs, walker)


# --------------------------------------------------------------------------------------------
# The computer's side


class AgentPlayer:
    """Plays ``party``'s side of a :class:`Session` by the simulation's agents' rules.

    ``strategy`` (one of :data:`STRATEGIES`) replaces the scenario's agent for that party;
    its exponent is the scenario's when the strategies agree, else the default of the
    strategy. Targets are on the stated utility scale, with the agent's own private draws.
    """

    def __init__(self, session: Session, party: str, strategy: str | None = None):
        self.session = session
        self.party = party
        self.i = i = session.index(party)
        agent = scenario_agents(session.scenario)[i]
        if strategy is not None and strategy != agent.strategy:
            if strategy not in STRATEGIES:
                raise ValueError(f"the strategies are {', '.join(STRATEGIES)}, not {strategy!r}")
            agent = Agent(strategy, AGENT_EXPONENTS[strategy])
        self.agent = agent
        shift = session.shift[i]
        reservation = session.disagreement[i] - shift
        if session.can_walk(party):
            reservation = max(reservation, session.outside[i] - shift)
        self.reservation = float(reservation)
        top = session.frontier.own[i][-1] if session.n == 2 else session.group.top[i]
        self.best = max(float(top), self.reservation)
        self.schedule = concession_schedule(agent, session.rounds)
        self.tit_for_tat_target = self.best
        self.last_received: float | None = None

    @property
    def name(self) -> str:
        """``"agent:boulware"``, as the transcript names the player."""
        return f"agent:{self.agent.strategy}"

    def target(self, round_index: int) -> float:
        if self.agent.strategy == "tit_for_tat":
            return self.tit_for_tat_target
        if round_index >= self.session.rounds:
            return self.reservation
        share = float(self.schedule[round_index])
        return self.best - (self.best - self.reservation) * share

    def offer_at(self, round_index: int) -> int:
        """The package (position) the agent offers in round ``round_index``."""
        session, i = self.session, self.i
        target = np.asarray([self.target(round_index)])
        if session.n != 2:
            return int(session.group.offer(i, target)[0])
        return int(session.frontier.position[i][int(offer_index(session.frontier, i, target)[0])])

    def offer(self) -> int:
        """The package (position) the agent offers this round."""
        return self.offer_at(self.session.round)

    def answer(self, position: int) -> str:
        """``accept``, ``reject`` or ``walk_away`` to an offer this round (updating the tit
        for tat target first, as the simulation does)."""
        session, i = self.session, self.i
        received = float(session.values(position)[i])
        if self.agent.strategy == "tit_for_tat":
            if self.last_received is not None:
                concession = max(received - self.last_received, 0.0)
                self.tit_for_tat_target = max(
                    self.tit_for_tat_target - concession, self.reservation
                )
            self.last_received = received
        if session.last_round:
            threshold = self.reservation
            stay = float(session.disagreement[i] - session.shift[i])
        else:
            threshold = float(session.space.utilities[i, self.offer_at(session.round + 1)])
            stay = threshold
        if received >= threshold - TOLERANCE:
            return "accept"
        outside = float(session.outside[i] - session.shift[i])
        if session.can_walk(self.party) and outside >= stay - TOLERANCE:
            return "walk_away"
        return "reject"

    def play(self) -> tuple[str, int | str]:
        """Make the agent's move when it is its turn: ``("propose", position)`` or
        ``("respond", answer)``."""
        session = self.session
        if not session.may_move(self.party):
            raise PlayError(f"it is not {self.party}'s turn")
        pending = session.pending
        if pending is None:
            position = self.offer()
            session.propose(self.party, position)
            return ("propose", position)
        response = self.answer(pending.position)
        session.respond(self.party, response)
        return ("respond", response)


# --------------------------------------------------------------------------------------------
# Help for the person, and the record


def suggestions(session: Session, party: str, count: int = 7) -> list[int]:
    """Packages to suggest to ``party``: Pareto-optimal packages spread evenly over its own
    utility from its best down to its walk-away value (each the one the agent would offer
    at that level: with two parties the best for the other side; with more, one for each
    other party whose vote it might buy first), and the others' last offers; best for
    ``party`` first, no repeats."""
    i = session.index(party)
    if session.n == 2:
        frontier = session.frontier
        top = float(frontier.own[i][-1])
    else:
        top = float(session.group.top[i])
    floor = min(session.reservation(party) - session.shift[i], top)
    levels = np.linspace(top, floor, max(count, 1))
    if session.n == 2:
        offered = frontier.position[i][offer_index(frontier, i, levels)].tolist()
    else:  # each level's vote buy favouring each other party in turn (whose vote to buy)
        offered = []
        for other in session.others(party):
            offered += session.group.offer(i, levels, session.index(other)).tolist()
    found: list[int] = []
    for position in [*offered, *map(session.last_offer_by, session.others(party))]:
        if position is not None and int(position) not in found:
            found.append(int(position))
    return sorted(found, key=lambda position: (-session.values(position)[i], position))


def transcript_record(
    session: Session,
    *,
    name: str,
    file: str,
    sha256: str | None,
    players: dict[str, str],
    started: str,
    finished: str,
    mode: str | None = None,
) -> dict[str, Any]:
    """The transcript of a session as the JSON object ``docs/play.md`` describes; ``mode``
    defaults to ``hot_seat`` when every player is a person, else ``agent``."""
    protocol = session.scenario.protocol
    ending = session.ending
    moves = [
        {
            "round": move.round,
            "proposer": move.proposer,
            "package": session.package(move.position),
            "response": move.response,
            **({"votes": dict(move.votes)} if session.n > 2 else {}),
        }
        for move in session.moves
    ]
    outcome: dict[str, Any] = {"status": "interrupted", "round": session.round, "package": None,
                               "utilities": None, "payoffs": None}  # fmt: skip
    if ending is not None:
        outcome = {
            "status": ending.status,
            "round": ending.round,
            "package": None if ending.position is None else session.package(ending.position),
            "utilities": ending.utilities,
            "payoffs": ending.payoffs,
        }
        if ending.walker is not None:
            outcome["walker"] = ending.walker
    if mode is None:
        mode = "hot_seat" if all(p == "person" for p in players.values()) else "agent"
    return {
        "negsim_transcript": TRANSCRIPT_VERSION,
        "scenario": {"name": name, "file": file, "sha256": sha256},
        "mode": mode,
        "players": players,
        "seed": session.seed,
        "protocol": {
            "kind": protocol.kind,
            "deadline": protocol.deadline,
            "first_proposer": protocol.first_proposer,
            "rounds": session.rounds,
            "votes_needed": session.quota,
        },
        "started": started,
        "finished": finished,
        "moves": moves,
        "outcome": outcome,
    }
