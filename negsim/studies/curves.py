"""How the equilibrium moves when one rule of the talks changes: computation, not drawing.

* :func:`deadline_curve`: the equilibrium payoffs with the protocol's deadline set to each
  of several values, and without a deadline (the limit the curve converges to; Rubinstein
  1982 for two parties with discounting);
* :func:`discount_curve`: the same for one party's discount factor.

Neither changes what a package is worth to anyone, so both reuse the scenario's outcome
space (``dataclasses.replace(space, scenario=...)``). The discount curve calls
:func:`negsim.analysis.equilibrium.equilibrium` once per value, exactly as ``negsim solve``
does; the deadline curve gets every deadline from
:func:`negsim.analysis.deadlines.deadline_outcomes` (one backward induction for them all
where preferences do not change over time) and the limit from ``equilibrium``.
They return frozen records of arrays, ready for :mod:`negsim.present.charts` (plots never solve)
and for sweeps.

An ``ultimatum`` protocol is alternating offers with a deadline of 1
(``docs/scenario-format.md``, detail 6); the curves treat it as ``alternating_offers``, so
that other deadlines make sense.

Example
-------
>>> from negsim.format.loader import load_scenario
>>> from negsim.space import OutcomeSpace
>>> space = OutcomeSpace.from_scenario(load_scenario("scenarios/pie-split.yaml"))
>>> curve = deadline_curve(space, range(1, 5))
>>> payoffs, limit = curve
>>> payoffs.shape, limit.shape
((4, 2), (2,))
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from negsim.analysis.deadlines import deadline_outcomes
from negsim.analysis.equilibrium import equilibrium
from negsim.analysis.records import Equilibrium
from negsim.format.model import Protocol
from negsim.format.scenario import Scenario
from negsim.progress import ProgressFactory
from negsim.solvers import frontier
from negsim.solvers.convergence import Convergence
from negsim.space import OutcomeSpace

__all__ = ["DeadlineCurve", "DiscountCurve", "deadline_curve", "discount_curve"]


@dataclass(frozen=True, eq=False)
class _Points:
    """The equilibrium at each value of a parameter, as arrays."""

    payoffs: np.ndarray
    utilities: np.ndarray
    rounds: np.ndarray
    last_proposers: np.ndarray


@dataclass(frozen=True, eq=False)
class DeadlineCurve:
    """Equilibrium payoffs against the deadline, and without one.

    Unpacks as ``payoffs, limit_payoffs = curve``.

    Attributes
    ----------
    scenario : str
        The scenario's name (for titles).
    parties, labels : tuple of str
        Party names and display labels, in party order.
    protocol : str
        The protocol solved (``ultimatum`` becomes ``alternating_offers``).
    first_proposer : int
    round_label : str or None
        The protocol's ``round`` display label (``"1 day"``).
    stated : int or None
        The scenario's own deadline (None: none).
    deadlines : numpy.ndarray
        int64 ``(k,)``, the deadlines solved, in the order given.
    payoffs : numpy.ndarray
        ``(k, n_parties)`` equilibrium payoffs (payoff convention: discounting, costs and
        expected breakdown applied; at round 0).
    utilities : numpy.ndarray
        ``(k, n_parties)`` utilities of the agreed package (expected over who is
        recognised for ``random_proposer``); NaN where talks end without agreement.
    rounds : numpy.ndarray
        int64 ``(k,)`` the round of agreement; -1 where there is none.
    last_proposers : numpy.ndarray
        int64 ``(k,)`` who proposes in the last round; -1 for ``random_proposer``.
    limit_payoffs, limit_utilities : numpy.ndarray
        ``(n_parties,)`` the same without a deadline.
    limit_round : int
        Agreement round without a deadline, -1 for none.
    limit_unique : bool
        False when the no-deadline split is not unique (then ``limit_ranges`` holds each
        party's ``[low, high]`` utility, ``(n_parties, 2)``).
    limit_convergence : Convergence or None
        How the no-deadline answer was found, when iteratively; ``converged`` False when
        ever longer deadlines never settle (the limit fields then hold the longest
        deadline tried, and there is no limit to show).
    """

    scenario: str
    parties: tuple[str, ...]
    labels: tuple[str, ...]
    protocol: str
    first_proposer: int
    round_label: str | None
    stated: int | None
    deadlines: np.ndarray
    payoffs: np.ndarray
    utilities: np.ndarray
    rounds: np.ndarray
    last_proposers: np.ndarray
    limit_payoffs: np.ndarray
    limit_utilities: np.ndarray
    limit_round: int
    limit_unique: bool = True
    limit_ranges: np.ndarray | None = None
    limit_convergence: Convergence | None = None

    @property
    def limit_settled(self) -> bool:
        """Whether the no-deadline answer is a limit (False: longer deadlines never
        settle)."""
        return self.limit_convergence is None or self.limit_convergence.converged

    def __iter__(self) -> Iterator[np.ndarray]:
        yield self.payoffs
        yield self.limit_payoffs

    @property
    def immediate(self) -> bool:
        """Every equilibrium of the curve, the limit included, agrees in round 0: payoffs
        are then the utilities of the agreed packages."""
        return bool(np.all(self.rounds == 0) and self.limit_round == 0)


@dataclass(frozen=True, eq=False)
class DiscountCurve:
    """Equilibrium payoffs against one party's discount factor.

    Unpacks as ``payoffs, open_payoffs = curve``.

    Attributes
    ----------
    scenario, parties, labels, protocol, first_proposer, round_label :
        As in :class:`DeadlineCurve`.
    party : int
        Whose discount factor varies.
    stated : float
        That party's discount factor in the scenario.
    deadline : int or None
        The protocol's deadline, kept at every point.
    discounts : numpy.ndarray
        ``(k,)`` the discount factors solved, in the order given.
    payoffs, utilities, rounds : numpy.ndarray
        As in :class:`DeadlineCurve`, under the scenario's protocol.
    open_payoffs, open_utilities, open_rounds : numpy.ndarray or None
        The same without a deadline, when the protocol has one; else None.
    """

    scenario: str
    parties: tuple[str, ...]
    labels: tuple[str, ...]
    protocol: str
    first_proposer: int
    round_label: str | None
    party: int
    stated: float
    deadline: int | None
    discounts: np.ndarray
    payoffs: np.ndarray
    utilities: np.ndarray
    rounds: np.ndarray
    open_payoffs: np.ndarray | None = None
    open_utilities: np.ndarray | None = None
    open_rounds: np.ndarray | None = None

    def __iter__(self) -> Iterator[np.ndarray | None]:
        yield self.payoffs
        yield self.open_payoffs

    @property
    def immediate(self) -> bool:
        """Every equilibrium of the curve agrees in round 0."""
        rounds = [self.rounds] if self.open_rounds is None else [self.rounds, self.open_rounds]
        return all(bool(np.all(r == 0)) for r in rounds)


# --------------------------------------------------------------------------------------------
# Solving one variant of the scenario


def _curve_protocol(protocol: Protocol, **changes: object) -> Protocol:
    """The protocol with ``changes``; ``ultimatum`` read as alternating offers."""
    if protocol.kind == "ultimatum":
        changes.setdefault("kind", "alternating_offers")
    return dataclasses.replace(protocol, **changes)  # type: ignore[arg-type]


def _solve(space: OutcomeSpace, scenario: Scenario, efficient: np.ndarray) -> Equilibrium:
    """The equilibrium of ``scenario``, whose utilities are those of ``space``."""
    return equilibrium(dataclasses.replace(space, scenario=scenario), efficient)


def _points(records: list[Equilibrium], n_parties: int) -> _Points:
    payoffs = np.array([record.payoffs for record in records], dtype=float).reshape(-1, n_parties)
    utilities = np.array(
        [
            np.full(n_parties, np.nan) if record.utilities is None else record.utilities
            for record in records
        ],
        dtype=float,
    ).reshape(-1, n_parties)
    rounds = np.array(
        [
            -1 if not record.agreement or record.round is None else record.round
            for record in records
        ],
        dtype=np.int64,
    )
    last = np.array(
        [
            -1
            if record.protocol == "random_proposer" or not record.proposals
            else record.proposals[-1].proposer
            for record in records
        ],
        dtype=np.int64,
    )
    return _Points(payoffs, utilities, rounds, last)


def _identity(space: OutcomeSpace, protocol: str) -> dict[str, Any]:
    scenario = space.scenario
    return {
        "scenario": scenario.name,
        "parties": scenario.party_names,
        "labels": tuple(party.label for party in scenario.parties),
        "protocol": protocol,
        "first_proposer": scenario.party_index(scenario.protocol.first_proposer),
        "round_label": scenario.protocol.round_label,
    }


# --------------------------------------------------------------------------------------------
# Curves


def deadline_curve(
    space: OutcomeSpace,
    deadlines: Iterable[int],
    efficient: np.ndarray | None = None,
    progress: ProgressFactory | None = None,
) -> DeadlineCurve:
    """The equilibrium with ``protocol.deadline`` set to each of ``deadlines``, and with no
    deadline.

    Parameters
    ----------
    space : OutcomeSpace
        The scenario's outcome space (a deadline does not change utilities).
    deadlines : iterable of int
        Each at least 1.
    efficient : numpy.ndarray, optional
        The Pareto mask of ``space.utilities``, if already computed.
    progress : callable, optional
        Makes a progress bar from a number of deadlines, for preferences that change over
        time (each deadline is then solved on its own; :mod:`negsim.analysis.deadlines`).

    Raises
    ------
    ValueError
        For a deadline below 1 or an empty list.
    """
    values = np.array([int(d) for d in deadlines], dtype=np.int64)
    if values.size == 0:
        raise ValueError("no deadlines given")
    if np.any(values < 1):
        raise ValueError(f"deadlines must be at least 1, got {int(values.min())}")
    scenario = space.scenario
    if efficient is None:
        efficient = frontier.pareto_mask(space.utilities)
    curve_scenario = dataclasses.replace(
        scenario, protocol=_curve_protocol(scenario.protocol, deadline=1)
    )
    outcomes = deadline_outcomes(
        dataclasses.replace(space, scenario=curve_scenario), values, efficient, progress
    )
    limit = _solve(
        space,
        dataclasses.replace(scenario, protocol=_curve_protocol(scenario.protocol, deadline=None)),
        efficient,
    )
    limit_points = _points([limit], scenario.n_parties)
    return DeadlineCurve(
        **_identity(space, limit.protocol),
        stated=scenario.protocol.deadline,
        deadlines=values,
        payoffs=outcomes.payoffs,
        utilities=outcomes.utilities,
        rounds=outcomes.rounds,
        last_proposers=outcomes.last_proposers,
        limit_payoffs=limit_points.payoffs[0],
        limit_utilities=limit_points.utilities[0],
        limit_round=int(limit_points.rounds[0]),
        limit_unique=limit.unique,
        limit_ranges=None if limit.ranges is None else np.asarray(limit.ranges, dtype=float),
        limit_convergence=limit.convergence,
    )


def discount_curve(
    space: OutcomeSpace,
    party: str | int,
    discounts: Iterable[float],
    efficient: np.ndarray | None = None,
) -> DiscountCurve:
    """The equilibrium with ``party``'s discount factor set to each of ``discounts``, under
    the scenario's protocol and, when it has a deadline, also without one.

    Raises
    ------
    ValueError
        For a discount factor outside (0, 1], an empty list; KeyError for an unknown party.
    """
    scenario = space.scenario
    if isinstance(party, str):
        if party not in scenario.party_names:
            raise KeyError(f"no party {party!r}")
        index = scenario.party_index(party)
    else:
        index = int(party)
        if not 0 <= index < scenario.n_parties:
            raise KeyError(f"no party {party!r}")
    values = np.array([float(d) for d in discounts], dtype=float)
    if values.size == 0:
        raise ValueError("no discount factors given")
    if np.any(~np.isfinite(values) | (values <= 0) | (values > 1)):
        raise ValueError("discount factors must lie in (0, 1]")
    if efficient is None:
        efficient = frontier.pareto_mask(space.utilities)
    protocol = _curve_protocol(scenario.protocol)
    open_protocol = None
    if protocol.deadline is not None:
        open_protocol = dataclasses.replace(protocol, deadline=None)
    records, open_records = [], []
    for value in values:
        parties = tuple(
            dataclasses.replace(p, discount=float(value)) if k == index else p
            for k, p in enumerate(scenario.parties)
        )
        varied = dataclasses.replace(scenario, parties=parties, protocol=protocol)
        records.append(_solve(space, varied, efficient))
        if open_protocol is not None:
            open_records.append(
                _solve(space, dataclasses.replace(varied, protocol=open_protocol), efficient)
            )
    points = _points(records, scenario.n_parties)
    open_points = _points(open_records, scenario.n_parties) if open_records else None
    return DiscountCurve(
        **_identity(space, protocol.kind),
        party=index,
        stated=scenario.parties[index].discount,
        deadline=protocol.deadline,
        discounts=values,
        payoffs=points.payoffs,
        utilities=points.utilities,
        rounds=points.rounds,
        open_payoffs=None if open_points is None else open_points.payoffs,
        open_utilities=None if open_points is None else open_points.utilities,
        open_rounds=None if open_points is None else open_points.rounds,
    )
