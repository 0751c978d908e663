"""Monte Carlo negotiations between time-based concession agents (``negsim simulate``).

Two agents bargain over the feasible packages of a two-party scenario under its protocol
(alternating offers, ultimatum, one-sided or random proposer). Each run draws the private
parameters of ``uncertainty`` afresh; every run is independent, and all runs advance
together, one round at a time, as numpy vectors (a loop over rounds, never over runs).

Agents (Faratin, Sierra & Jennings 1998, time-dependent and imitative tactics):

* **Targets.** Party ``i``'s target utility at round ``t`` of a horizon of ``T`` rounds is

      target_i(t) = best_i - (best_i - r_i) * (t / (T - 1)) ** (1 / exponent_i)

  (the scenario format's ``simulation`` block), with ``best_i`` its highest utility over the
  feasible packages in that run and ``r_i`` its reservation value in that run: its disagreement
  utility ``d_i``, or its outside option when that is higher. With ``T = 1`` the only round
  is the last one and the target is ``r_i``. ``boulware`` (exponent < 1) holds firm until
  late, ``conceder`` (> 1) gives ground early, ``linear`` is exponent 1. ``T`` is the
  protocol's deadline, or without one the horizon ``rounds`` (default
  :data:`DEFAULT_HORIZON`), which then also ends the simulation: runs still talking at the
  horizon end without agreement, as a timed-out negotiation does in GENIUS and NegMAS.
* **Tit for tat** (relative tit-for-tat in utility terms; Faratin et al. 1998, section 4.3;
  Baarslag, Hindriks & Jonker 2013): the agent opens at ``best_i`` and, after each offer of
  the other side, lowers its target by the other side's last concession measured in its own
  utility (the gain from the other side's previous offer to its latest one, if positive),
  never below ``r_i``. Its exponent is not used.
* **Offers.** An agent offers, among the Pareto-optimal feasible packages (computed once),
  the one that gives the other side the most among those worth at least its own target
  (ties: higher utility sum, then the earliest package). The frontier is sorted by the
  proposer's utility once; each round every run's offer is one ``searchsorted``.
* **Acceptance** (``AC_next``; Faratin et al. 1998, eq. 3; Baarslag et al. 2014): the
  responder accepts an offer worth at least what its own counter-offer in the next round
  would be worth to it; in the last round, at least its reservation value ``r_i``.
  Utilities within 1e-9 are equal, so indifference means acceptance.
* **After a rejection**: a responder with an outside option walks out when the outside
  option is worth at least its own next offer (in the last round: at least its
  disagreement); otherwise talks break down with probability ``breakdown_risk``; otherwise
  the next round starts (the last round ends without agreement).

Payoffs follow the payoff convention: a deal with utility ``u_i`` in round ``t`` is worth
``discount_i^t * u_i - t * cost_per_round_i``; talks ending without a deal in round ``t``
give ``discount_i^t * d_i - t * cost_per_round_i`` (a walker gets its outside option
instead of ``d_i``). Each run uses its own draws of ``disagreement``, ``agreement_value``
(which shifts all of that party's utilities), ``outside_option``, ``discount`` and
``cost_per_round``; parameters not in ``uncertainty`` keep their stated values
(``disagreement`` its expected value). Continuous distributions are sampled exactly
(inverse CDF of a uniform draw), not through their ``types`` grid.

Long because the agents, their random draws and the round-by-round engine are one piece:
they share private records (the frontier in each party's order, the draws of every run)
that would otherwise cross module boundaries; about a hundred lines are this documentation.

Only two parties are simulated; more raise :class:`ValueError`. Offers are pure packages
(``protocol.lotteries`` does not apply). A scenario without ``simulation`` has linear
agents, 1000 runs and no seed.

Seeds: one :class:`numpy.random.SeedSequence` per simulation. Runs are grouped in fixed
blocks of :data:`RUN_BLOCK`; block ``b`` draws everything it needs (private parameters,
breakdown and recognition draws, always a full block) from child ``b`` of the seed
sequence. Results therefore do not depend on how runs are batched for computation
(``chunk_runs``), and statistics are computed once over all runs, so the same seed gives
the same numbers on any machine.

References
----------
Faratin, P., Sierra, C. & Jennings, N. R. (1998). Negotiation decision functions for
autonomous agents. Robotics and Autonomous Systems 24(3-4):159-182.
Baarslag, T., Hindriks, K. & Jonker, C. (2013). A tit for tat negotiation strategy for
real-time bilateral negotiations. In Complex Automated Negotiations, Springer, 229-233.
Baarslag, T., Hindriks, K. & Jonker, C. (2014). Effective acceptance conditions in
real-time automated negotiation. Decision Support Systems 60:68-77.

Example
-------
>>> from negsim.format.loader import load_scenario_text
>>> from negsim.space import OutcomeSpace, Package
>>> text = '''
... negsim: 1
... name: pie
... issues: {pie: {split: {total: 1}, resolution: 11}}
... parties: {a: {}, b: {}}
... protocol: {deadline: 10}
... simulation: {agents: {a: {strategy: boulware}, b: {strategy: conceder}}}
... '''
>>> result = simulate(OutcomeSpace.from_scenario(load_scenario_text(text)), runs=100, rng=0)
>>> result.agreement_rate, result.outcomes[0][1]
(1.0, 100)
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from negsim import jsontext
from negsim.format.labels import scenario_labels
from negsim.format.model import TOLERANCE, Agent, Choice, Normal, Uniform
from negsim.format.scenario import Scenario
from negsim.solvers.frontier import pareto_mask
from negsim.space import OutcomeSpace, Package

__all__ = [
    "DEFAULT_HORIZON",
    "DEFAULT_RUNS",
    "RUN_BLOCK",
    "Frontier",
    "SimulationResult",
    "concession_schedule",
    "inverse_cdf",
    "offer_index",
    "root_sequence",
    "scenario_agents",
    "simulate",
    "sorted_frontier",
]

DEFAULT_HORIZON = 100
"""Rounds of the concession schedule (and of the simulation) when there is no deadline."""
DEFAULT_RUNS = 1000
"""Runs when the scenario has no ``simulation`` block and none are asked for."""
RUN_BLOCK = 1024
"""Runs per random stream: block ``b`` of runs draws from child ``b`` of the seed sequence."""
DEFAULT_CHUNK_RUNS = 64 * RUN_BLOCK
"""Runs simulated at once (a multiple of :data:`RUN_BLOCK`); bounds memory, not results."""
TOP_OUTCOMES = 10

# How a run ended
_AGREED, _BREAKDOWN, _WALKOUT, _TIMEOUT = 0, 1, 2, 3


@dataclass(frozen=True)
class SimulationResult:
    """What ``negsim simulate`` reports.

    Attributes
    ----------
    parties : tuple of str
        Party order.
    runs, seed : int
        Runs simulated; the seed (entropy of the root ``SeedSequence``) that reproduces them.
    rounds : int
        The horizon ``T``: the deadline, or the concession horizon when there is none.
    deadline : int or None
        The protocol's deadline.
    agents : dict
        Party -> ``{"strategy", "exponent"}`` used.
    agreements : int
        Runs that ended in agreement.
    agreement_round_histogram : tuple of int
        Agreements in each round ``0..T-1``; sums to ``agreements``.
    endings : dict
        Runs by how they ended: ``agreement``, ``breakdown``, ``walkout``, ``deadline``
        (the last round's offer rejected, or the horizon reached without a deadline).
    mean_utilities : dict or None
        Per party, mean utility of the agreed packages (own draws of ``agreement_value``);
        None without agreements.
    mean_payoffs : dict
        Per party, mean payoff over all runs (payoff convention).
    outcomes : tuple of (dict, int)
        The most frequent agreed packages with their counts, most frequent first (ties:
        earliest package), at most :data:`TOP_OUTCOMES`.
    """

    parties: tuple[str, ...]
    runs: int
    seed: int
    rounds: int
    deadline: int | None
    agents: dict[str, dict[str, str | float]]
    agreements: int
    agreement_round_histogram: tuple[int, ...]
    endings: dict[str, int]
    mean_utilities: dict[str, float] | None
    mean_payoffs: dict[str, float]
    outcomes: tuple[tuple[Package, int], ...]
    round_label: str | None = None
    """The protocol's display label of one round (``"1 day"``), for charts."""
    labels: dict[str, Any] = field(default_factory=dict)
    """The scenario's labels and units (:func:`negsim.format.labels.scenario_labels`)."""

    @property
    def agreement_rate(self) -> float:
        return self.agreements / self.runs

    @property
    def final_round_share(self) -> float | None:
        """Share of the agreements reached in the last round ``T - 1``; None without any."""
        if self.agreements == 0:
            return None
        return self.agreement_round_histogram[-1] / self.agreements

    def __repr__(self) -> str:
        mean = self.mean_utilities or {}
        utilities = ", ".join(f"{name} {value:.3f}" for name, value in mean.items()) or "none"
        share = self.final_round_share
        return (
            f"<SimulationResult: {self.runs:,} runs (seed {self.seed}), agreement in "
            f"{self.agreement_rate:.1%}, "
            f"{'no' if share is None else f'{share:.1%} of them'} in the last round; "
            f"mean utilities of the deals {utilities}>"
        )

    def to_records(self) -> list[dict[str, Any]]:
        """One row a round: ``round``, the ``agreements`` reached in it and their share of
        all runs (``share``); ``pandas.DataFrame`` reads the list as it is."""
        return [
            {"round": t, "agreements": count, "share": count / self.runs}
            for t, count in enumerate(self.agreement_round_histogram)
        ]

    def to_json(self, indent: int | None = 2) -> str:
        """:meth:`to_dict` as JSON text: exactly what the command prints with
        ``--format json``."""
        return jsontext.dumps(self.to_dict(), indent=indent)

    def to_dict(self) -> dict[str, Any]:
        """The ``simulate --format json`` object (``docs/json.md``)."""
        return {
            "runs": self.runs,
            "seed": self.seed,
            "agreement_rate": self.agreement_rate,
            "agreement_round_histogram": list(self.agreement_round_histogram),
            "final_round_share": self.final_round_share,
            "mean_utilities": self.mean_utilities,
            "mean_payoffs": self.mean_payoffs,
            "outcomes": [{"package": package, "count": count} for package, count in self.outcomes],
            "parties": list(self.parties),
            "rounds": self.rounds,
            "deadline": self.deadline,
            "agents": self.agents,
            "endings": self.endings,
            "labels": self.labels,
        }


# --------------------------------------------------------------------------------------------
# Set-up


def root_sequence(rng: np.random.Generator | int | None) -> np.random.SeedSequence:
    """One root seed sequence: an int seeds it (0 included), None takes fresh entropy, a
    Generator gives one draw as the seed."""
    if isinstance(rng, np.random.Generator):
        return np.random.SeedSequence(int(rng.integers(0, 2**63 - 1)))
    if rng is not None and (isinstance(rng, bool) or not isinstance(rng, int | np.integer)):
        raise TypeError(f"rng must be a Generator, an int or None, got {type(rng).__name__}")
    if rng is not None and int(rng) < 0:
        raise ValueError(f"seed must be >= 0, got {rng}")
    return np.random.SeedSequence(None if rng is None else int(rng))


def inverse_cdf(distribution: Uniform | Normal | Choice, uniforms: np.ndarray) -> np.ndarray:
    if isinstance(distribution, Uniform):
        return distribution.low + (distribution.high - distribution.low) * uniforms
    if isinstance(distribution, Normal):
        from scipy.stats import truncnorm

        a = (distribution.low - distribution.mean) / distribution.sd
        b = (distribution.high - distribution.mean) / distribution.sd
        values = truncnorm.ppf(uniforms, a, b, loc=distribution.mean, scale=distribution.sd)
        return np.clip(values, distribution.low, distribution.high)
    cumulative = np.cumsum(np.asarray(distribution.probabilities, dtype=np.float64))
    index = np.searchsorted(cumulative, uniforms * cumulative[-1], side="right")
    return np.asarray(distribution.values, dtype=np.float64)[
        np.minimum(index, len(distribution.values) - 1)
    ]


@dataclass(frozen=True)
class Frontier:
    """The Pareto-optimal packages, sorted for each proposer.

    ``own[i]``: party i's utilities (stated), ascending, shape ``(k,)``; ``position[i]``: the
    packages in that order; ``utilities[i]``: shape ``(2, k)``, both parties' utilities in
    that order.
    """

    own: tuple[np.ndarray, np.ndarray]
    position: tuple[np.ndarray, np.ndarray]
    utilities: tuple[np.ndarray, np.ndarray]


def sorted_frontier(space: OutcomeSpace) -> Frontier:
    utilities = space.utilities
    positions = np.flatnonzero(pareto_mask(utilities))
    points = utilities[:, positions]
    own, ordered_positions, ordered_utilities = [], [], []
    for i in range(2):
        other = 1 - i
        # ascending own utility; at equal own utility the other's best first, then the
        # higher sum, then the earliest package: searchsorted(side="left") picks the first
        order = np.lexsort((positions, -(points[0] + points[1]), -points[other], points[i]))
        own.append(points[i, order])
        ordered_positions.append(positions[order])
        ordered_utilities.append(points[:, order])
    return Frontier(
        (own[0], own[1]),
        (ordered_positions[0], ordered_positions[1]),
        (ordered_utilities[0], ordered_utilities[1]),
    )


def scenario_agents(scenario: Scenario) -> list[Agent]:
    agents = scenario.simulation.agents if scenario.simulation is not None else {}
    return [agents.get(name, Agent("linear", 1.0)) for name in scenario.party_names]


def concession_schedule(agent: Agent, horizon: int) -> np.ndarray:
    """Share of the way from best to reservation conceded in each round, shape ``(T,)``."""
    if horizon == 1:
        return np.ones(1)
    fraction = np.arange(horizon, dtype=np.float64) / (horizon - 1)
    return fraction ** (1.0 / agent.exponent)


# --------------------------------------------------------------------------------------------
# One chunk of runs


@dataclass
class _Draws:
    """Per-run parameters, shape ``(2, n)`` each, and per-round uniforms, shape ``(T, n)``."""

    disagreement: np.ndarray
    shift: np.ndarray  # agreement_value draw minus stated value
    outside: np.ndarray  # nan: no outside option
    discount: np.ndarray
    cost: np.ndarray
    breakdown: np.ndarray | None
    recognition: np.ndarray | None


def _draws(
    scenario: Scenario, children: list[np.random.SeedSequence], horizon: int, n_runs: int
) -> _Draws:
    parties = scenario.parties
    uncertain = scenario.uncertainty
    protocol = scenario.protocol
    need_breakdown = protocol.breakdown_risk > 0
    need_recognition = protocol.kind == "random_proposer"
    rows = len(uncertain) + horizon * (int(need_breakdown) + int(need_recognition))
    blocks = [
        np.random.Generator(np.random.PCG64(child)).random((rows, RUN_BLOCK)) for child in children
    ]
    uniforms = np.concatenate(blocks, axis=1)[:, :n_runs] if blocks else np.empty((rows, 0))

    def stated(values: list[float]) -> np.ndarray:
        return np.repeat(np.asarray(values, dtype=np.float64)[:, None], n_runs, axis=1)

    draws = _Draws(
        disagreement=stated([p.disagreement.expected for p in parties]),
        shift=np.zeros((2, n_runs)),
        outside=stated([np.nan if p.outside_option is None else p.outside_option for p in parties]),
        discount=stated([p.discount for p in parties]),
        cost=stated([p.cost_per_round for p in parties]),
        breakdown=None,
        recognition=None,
    )
    for row, item in enumerate(uncertain):
        i = scenario.party_index(item.party)
        values = inverse_cdf(item.distribution, uniforms[row])
        if item.parameter == "agreement_value":
            draws.shift[i] = values - scenario.parties[i].agreement_value
        elif item.parameter == "cost_per_round":
            draws.cost[i] = values
        else:
            getattr(draws, item.parameter)[i] = values
    row = len(uncertain)
    if need_breakdown:
        draws.breakdown = uniforms[row : row + horizon]
        row += horizon
    if need_recognition:
        draws.recognition = uniforms[row : row + horizon]
    return draws


@dataclass
class _Outcome:
    """Per run: how and when it ended, the agreed feasible position (-1: none), who walked."""

    kind: np.ndarray
    round: np.ndarray
    position: np.ndarray
    walker: np.ndarray


def offer_index(frontier: Frontier, party: int, target: np.ndarray) -> np.ndarray:
    """Index into ``frontier`` (party's order) of party's offer at each run's target (stated
    utility scale): the lowest own utility at or above the target, the best for the other."""
    own = frontier.own[party]
    index = np.searchsorted(own, target - TOLERANCE, side="left")
    return np.minimum(index, own.size - 1)


def _run_chunk(
    scenario: Scenario,
    frontier: Frontier,
    agents: list[Agent],
    horizon: int,
    draws: _Draws,
    n_runs: int,
    trace: list[tuple[np.ndarray, np.ndarray, np.ndarray]] | None = None,
) -> _Outcome:
    """Advance all runs together, one round at a time. With ``trace``, append each round's
    ``(targets (2, n), offered utilities (2, n), proposer (n,))`` to it.

    Long because one round's steps (proposer, targets, offers, tit for tat, acceptance,
    walk-outs, breakdown) read and write the same dozen arrays over all runs; in separate
    functions they would be passed back and forth at every round.
    """
    protocol = scenario.protocol
    first = scenario.party_index(protocol.first_proposer)
    has_outside = ~np.isnan(draws.outside)
    # reservation and best, on the stated utility scale (utility = stated + shift)
    reservation = draws.disagreement - draws.shift
    reservation = np.where(
        has_outside, np.fmax(reservation, draws.outside - draws.shift), reservation
    )
    best = np.array([frontier.own[i][-1] for i in range(2)])[:, None]
    best = np.maximum(best, reservation)
    schedules = [concession_schedule(agent, horizon) for agent in agents]
    tit_for_tat = [agent.strategy == "tit_for_tat" for agent in agents]
    tft_target = best.copy()
    last_received = np.full((2, n_runs), np.nan)  # own utility of the other's latest offer

    def target(i: int, t: int) -> np.ndarray:
        if tit_for_tat[i]:
            return tft_target[i]
        if t >= horizon:
            return reservation[i]
        return best[i] - (best[i] - reservation[i]) * schedules[i][t]

    def offer_utility(i: int, t: int) -> np.ndarray:
        """Party i's own (stated-scale) utility of its offer at round t."""
        return frontier.own[i][offer_index(frontier, i, target(i, t))]

    outcome = _Outcome(
        kind=np.full(n_runs, _TIMEOUT, dtype=np.int8),
        round=np.full(n_runs, horizon - 1, dtype=np.int64),
        position=np.full(n_runs, -1, dtype=np.int64),
        walker=np.full(n_runs, -1, dtype=np.int8),
    )
    active = np.ones(n_runs, dtype=bool)
    runs = np.arange(n_runs)
    for t in range(horizon):
        if not active.any():
            break
        if protocol.kind == "random_proposer":
            assert draws.recognition is not None
            p0 = protocol.recognition[scenario.party_names[0]]
            proposer = np.where(draws.recognition[t] < p0, 0, 1)
        elif protocol.kind == "one_sided":
            proposer = np.full(n_runs, first)
        else:
            proposer = np.full(n_runs, (first + t) % 2)
        responder = 1 - proposer
        # each party's offer this round, as an index into its own frontier order
        index = [offer_index(frontier, i, target(i, t)) for i in range(2)]
        by_zero = proposer == 0
        offered_position = np.where(
            by_zero, frontier.position[0][index[0]], frontier.position[1][index[1]]
        )
        offered = np.where(
            by_zero, frontier.utilities[0][:, index[0]], frontier.utilities[1][:, index[1]]
        )  # (2, n) stated utilities of the offer
        received = offered[responder, runs]
        if trace is not None:
            trace.append((np.stack([target(i, t) for i in range(2)]), offered, proposer))
        # tit for tat: the responder concedes as much as the proposer just did, in its terms
        for i in range(2):
            if tit_for_tat[i]:
                mine = responder == i
                concession = np.nan_to_num(received - last_received[i], nan=0.0)
                concession = np.where(mine, np.maximum(concession, 0.0), 0.0)
                tft_target[i] = np.maximum(tft_target[i] - concession, reservation[i])
                last_received[i] = np.where(mine, received, last_received[i])
        # AC_next: accept what is worth at least the responder's own next offer
        if t == horizon - 1:
            threshold = reservation[responder, runs]
        else:
            next_utility = np.stack([offer_utility(i, t + 1) for i in range(2)])
            threshold = next_utility[responder, runs]
        accept = active & (received >= threshold - TOLERANCE)
        outcome.kind[accept] = _AGREED
        outcome.round[accept] = t
        outcome.position[accept] = offered_position[accept]
        rejected = active & ~accept
        active = rejected
        # a responder with an outside option walks out when it expects no better by staying
        outside = draws.outside[responder, runs] - draws.shift[responder, runs]
        if t == horizon - 1:
            stay_value = draws.disagreement[responder, runs] - draws.shift[responder, runs]
        else:
            stay_value = threshold
        walk = rejected & has_outside[responder, runs] & (outside >= stay_value - TOLERANCE)
        outcome.kind[walk] = _WALKOUT
        outcome.round[walk] = t
        outcome.walker[walk] = responder[walk]
        active &= ~walk
        if draws.breakdown is not None:
            broken = active & (draws.breakdown[t] < protocol.breakdown_risk)
            outcome.kind[broken] = _BREAKDOWN
            outcome.round[broken] = t
            active &= ~broken
        if t == horizon - 1:
            outcome.round[active] = t  # deadline (or horizon): ends without a deal
    return outcome


# --------------------------------------------------------------------------------------------
# Entry point


@dataclass(frozen=True)
class ConcessionTrace:
    """One negotiation at the parties' stated values, round by round (for teaching and
    the concessions chart): ``targets`` ``(T, 2)``, the utilities ``(T, 2)`` of the offer
    made in each round, its ``proposers`` ``(T,)``, and the round of agreement (None: none
    by the horizon). Breakdown risk is left out: the trace shows the schedules."""

    parties: tuple[str, ...]
    agents: dict[str, dict[str, str | float]]
    targets: np.ndarray
    offers: np.ndarray
    proposers: np.ndarray
    agreement_round: int | None
    disagreement: np.ndarray
    rounds: int
    round_label: str | None
    scenario: str = ""
    """The scenario's name, for the chart."""
    labels: dict[str, str] = field(default_factory=dict)
    """Each party's label (name -> label), for the chart."""


def concession_trace(space: OutcomeSpace, rounds: int | None = None) -> ConcessionTrace:
    """The agents' targets and offers in one negotiation at the stated values, every round
    to the horizon (the deadline, else ``rounds`` or :data:`DEFAULT_HORIZON`), with the
    same rules as :func:`simulate` (no breakdown; a ``random_proposer`` protocol is traced
    as alternating offers from the first proposer)."""
    scenario = space.scenario
    if scenario.n_parties != 2:
        raise ValueError(f"simulate handles two parties; this scenario has {scenario.n_parties}")
    protocol = scenario.protocol
    horizon = protocol.deadline if protocol.deadline is not None else (rounds or DEFAULT_HORIZON)
    if protocol.kind == "random_proposer":
        scenario = replace(scenario, protocol=replace(protocol, kind="alternating_offers"))
    parties = scenario.parties
    draws = _Draws(
        disagreement=np.array([[p.disagreement.expected] for p in parties]),
        shift=np.zeros((2, 1)),
        outside=np.array(
            [[np.nan if p.outside_option is None else p.outside_option] for p in parties]
        ),
        discount=np.array([[p.discount] for p in parties]),
        cost=np.array([[p.cost_per_round] for p in parties]),
        breakdown=None,
        recognition=None,
    )
    steps: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    agents = scenario_agents(scenario)
    outcome = _run_chunk(scenario, sorted_frontier(space), agents, horizon, draws, 1, steps)
    agreed = int(outcome.kind[0]) == _AGREED
    return ConcessionTrace(
        parties=scenario.party_names,
        agents={
            n: {"strategy": a.strategy, "exponent": a.exponent}
            for n, a in zip(scenario.party_names, agents, strict=True)
        },
        targets=np.array([step[0][:, 0] for step in steps]),
        offers=np.array([step[1][:, 0] for step in steps]),
        proposers=np.array([int(step[2][0]) for step in steps]),
        agreement_round=int(outcome.round[0]) if agreed else None,
        disagreement=draws.disagreement[:, 0].copy(),
        rounds=horizon,
        round_label=protocol.round_label,
        scenario=scenario.name,
        labels={party.name: party.label for party in scenario.parties},
    )


def simulate(
    space: OutcomeSpace,
    runs: int | None = None,
    rng: np.random.Generator | int | None = None,
    rounds: int | None = None,
    chunk_runs: int = DEFAULT_CHUNK_RUNS,
) -> SimulationResult:
    """Simulate ``runs`` negotiations between the scenario's agents, all runs at once.

    Parameters
    ----------
    space : OutcomeSpace
        The two-party scenario's outcome space.
    runs : int, optional
        Number of runs; default ``simulation.runs`` (1000 without a ``simulation`` block).
    rng : numpy.random.Generator, int or None
        Seed of the root ``SeedSequence`` (0 is a seed); default ``simulation.seed``; None
        there too: fresh entropy, reported as ``seed``.
    rounds : int, optional
        Horizon of the concession schedule when the protocol has no deadline (default
        :data:`DEFAULT_HORIZON`). A ``ValueError`` when the protocol has a deadline.
    chunk_runs : int
        Runs simulated at once, rounded up to a multiple of :data:`RUN_BLOCK`; changes
        memory use, never results.

    Returns
    -------
    SimulationResult

    Raises
    ------
    ValueError
        More or fewer than two parties; ``runs`` or ``rounds`` below 1; ``rounds`` with a
        deadline.
    """
    scenario = space.scenario
    runs, rng, horizon = _settings(scenario, runs, rng, rounds)
    root = root_sequence(rng)
    agents = scenario_agents(scenario)
    outcome, draws = _run_blocks(space, agents, horizon, root, runs, chunk_runs)
    return _result(space, agents, horizon, int(root.entropy), outcome, draws)  # type: ignore[arg-type]


def _settings(
    scenario: Scenario, runs: int | None, rng: np.random.Generator | int | None, rounds: int | None
) -> tuple[int, np.random.Generator | int | None, int]:
    """The runs, the seed and the horizon a simulation uses: the arguments, else the
    scenario's ``simulation`` block, else the defaults; a ``ValueError`` for bad ones."""
    if scenario.n_parties != 2:
        raise ValueError(
            f"simulate handles two parties; this scenario has {scenario.n_parties} "
            f"({', '.join(scenario.party_names)})"
        )
    simulation = scenario.simulation
    if runs is None:
        runs = simulation.runs if simulation is not None else DEFAULT_RUNS
    if runs < 1:
        raise ValueError(f"runs must be at least 1, got {runs}")
    if rng is None and simulation is not None:
        rng = simulation.seed
    deadline = scenario.protocol.deadline
    if rounds is not None and deadline is not None:
        raise ValueError(
            f"the protocol has a deadline of {deadline} rounds; rounds (the horizon) applies "
            "only to talks without a deadline"
        )
    if rounds is not None and rounds < 1:
        raise ValueError(f"rounds must be at least 1, got {rounds}")
    return runs, rng, deadline if deadline is not None else (rounds or DEFAULT_HORIZON)


def _run_blocks(
    space: OutcomeSpace,
    agents: list[Agent],
    horizon: int,
    root: np.random.SeedSequence,
    runs: int,
    chunk_runs: int,
) -> tuple[_Outcome, dict[str, np.ndarray]]:
    """Every run, in chunks of whole blocks (block ``b`` draws from child ``b`` of
    ``root``): how each ended, and each run's private parameters (``disagreement``,
    ``shift``, ``outside``, ``discount``, ``cost``, shape ``(2, runs)``)."""
    scenario = space.scenario
    frontier = sorted_frontier(space)
    n_blocks = -(-runs // RUN_BLOCK)
    children = root.spawn(n_blocks)
    blocks_per_chunk = max(1, -(-chunk_runs // RUN_BLOCK))
    pieces: list[_Outcome] = []
    parameters: list[_Draws] = []
    for start in range(0, n_blocks, blocks_per_chunk):
        chunk_children = children[start : start + blocks_per_chunk]
        n_chunk = min(runs - start * RUN_BLOCK, len(chunk_children) * RUN_BLOCK)
        draws = _draws(scenario, chunk_children, horizon, n_chunk)
        pieces.append(_run_chunk(scenario, frontier, agents, horizon, draws, n_chunk))
        draws.breakdown = draws.recognition = None
        parameters.append(draws)
    outcome = _Outcome(
        *(np.concatenate([getattr(piece, name) for piece in pieces])
          for name in ("kind", "round", "position", "walker"))
    )  # fmt: skip
    joined = {
        name: np.concatenate([getattr(draws, name) for draws in parameters], axis=1)
        for name in ("disagreement", "shift", "outside", "discount", "cost")
    }
    return outcome, joined


def _result(
    space: OutcomeSpace,
    agents: list[Agent],
    horizon: int,
    seed: int,
    outcome: _Outcome,
    draws: dict[str, np.ndarray],
) -> SimulationResult:
    """The statistics of all runs: agreements by round, endings, mean utilities and
    payoffs (payoff convention), the most frequent agreements."""
    scenario = space.scenario
    kind, end_round, position, walker = (
        outcome.kind,
        outcome.round,
        outcome.position,
        outcome.walker,
    )
    runs = kind.size
    agreed = kind == _AGREED
    n_agreed = int(agreed.sum())
    utilities = np.zeros((2, runs))
    utilities[:, agreed] = space.utilities[:, position[agreed]] + draws["shift"][:, agreed]
    base = np.where(agreed, utilities, draws["disagreement"])
    for i in range(2):
        base[i] = np.where(walker == i, draws["outside"][i], base[i])
    payoffs = draws["discount"] ** end_round * base - end_round * draws["cost"]
    histogram = np.bincount(end_round[agreed], minlength=horizon)
    counts = np.bincount(position[agreed], minlength=space.n_feasible)
    top = np.flatnonzero(counts)
    top = top[np.lexsort((top, -counts[top]))][:TOP_OUTCOMES]
    names = scenario.party_names
    return SimulationResult(
        round_label=scenario.protocol.round_label,
        labels=scenario_labels(scenario),
        parties=names,
        runs=runs,
        seed=seed,
        rounds=horizon,
        deadline=scenario.protocol.deadline,
        agents={
            name: {"strategy": agent.strategy, "exponent": agent.exponent}
            for name, agent in zip(names, agents, strict=True)
        },
        agreements=n_agreed,
        agreement_round_histogram=tuple(int(c) for c in histogram),
        endings={
            "agreement": n_agreed,
            "breakdown": int((kind == _BREAKDOWN).sum()),
            "walkout": int((kind == _WALKOUT).sum()),
            "deadline": int((kind == _TIMEOUT).sum()),
        },
        mean_utilities=(
            {name: float(utilities[i, agreed].mean()) for i, name in enumerate(names)}
            if n_agreed
            else None
        ),
        mean_payoffs={name: float(payoffs[i].mean()) for i, name in enumerate(names)},
        outcomes=tuple((space.package(int(p)), int(counts[p])) for p in top),
    )
