"""Frozen records of a bargaining analysis and their JSON form (``docs/json.md``).

Solvers return positions (indices of feasible packages, columns of
``OutcomeSpace.utilities``), utility vectors and the values that explain them; these records
tie them to packages, so the CLI, sweeps, charts and reports all read the same numbers and
never work the theory out again.

* :class:`Analysis`: everything ``negsim solve`` reports about one scenario;
* :class:`Solution` and :class:`HullPoint`: an axiomatic solution, single package and lottery;
* :class:`Equilibrium`, :class:`Proposal` and :class:`Coalition`: the protocol's
  subgame-perfect equilibrium;
* :class:`Screening` and :class:`Discretization`: the uninformed proposer's offers against
  private information, and how far its grid of types is from the continuum.

Long because the JSON contract of ``negsim solve`` is written here block by block, in the
order ``docs/json.md`` gives it, and reads best in one place.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from negsim import jsontext
from negsim.analysis.offers import MixMember, OfferSpace
from negsim.analysis.pareto_json import pareto_json
from negsim.format.labels import scenario_labels
from negsim.solvers.alternating import Rejection, responder_values
from negsim.solvers.convergence import Convergence
from negsim.space import OutcomeSpace, Package
from negsim.version import __version__

if TYPE_CHECKING:
    from negsim.solvers.screening import ScreeningSolution

SOLUTION_NAMES: tuple[str, ...] = ("nash", "kalai_smorodinsky", "egalitarian", "utilitarian")
SOLUTION_LABELS = {
    "nash": "Nash",
    "kalai_smorodinsky": "Kalai–Smorodinsky",
    "egalitarian": "Egalitarian",
    "utilitarian": "Utilitarian",
}


def mix_package(space: OutcomeSpace, mix: tuple[MixMember, ...]) -> Package | None:
    """The interpolated package of a lottery (:meth:`OutcomeSpace.interpolate`); None for an
    empty mix or when the members differ on a categorical issue."""
    if not mix:
        return None
    return space.interpolate([m.position for m in mix], [m.weight for m in mix])


def expected_package(space: OutcomeSpace, mix: tuple[MixMember, ...]) -> Package | None:
    """A lottery's expected terms (:meth:`OutcomeSpace.interpolate` with ``most_likely``):
    numeric values and split shares averaged, each categorical issue's most likely option;
    None only for an empty mix. The ``package`` of an equilibrium in JSON."""
    if not mix:
        return None
    return space.interpolate([m.position for m in mix], [m.weight for m in mix], most_likely=True)


def mix_records(space: OutcomeSpace, mix: tuple[MixMember, ...]) -> list[dict[str, Any]]:
    """A lottery as JSON: ``[{"weight": w, "package": {...}}, ...]``."""
    return [{"weight": m.weight, "package": space.package(m.position)} for m in mix]


def _utilities_text(names: tuple[str, ...], vector: np.ndarray | None) -> str:
    """``"us 0.853, maduro 0.412"`` for reprs."""
    if vector is None:
        return "none"
    return ", ".join(
        f"{name} {float(value):.3f}" for name, value in zip(names, vector, strict=True)
    )


def _terms_text(space: OutcomeSpace, mix: tuple[MixMember, ...]) -> str:
    """A package or lottery in one line for reprs: ``"amnesty=full; relief=50"``."""
    if not mix:
        return "no package"
    if len(mix) == 1:
        return space.describe_package(mix[0].position)
    package = mix_package(space, mix)
    if package is None:
        return f"a lottery of {len(mix)} packages"
    return "; ".join(
        f"{issue}={_level_text(value, getattr(space.scenario.issue(issue), 'unit', None))}"
        for issue, value in package.items()
    )


def _level_text(value: Any, unit: str | None) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{name} {share:.4g}" for name, share in value.items())
    if isinstance(value, float):
        return f"{value:.4g} {unit}" if unit else f"{value:.4g}"
    return str(value)


def _flat_package(package: Package | None) -> dict[str, str | float]:
    """A package as flat columns: a split issue's shares become ``issue.party``."""
    row: dict[str, str | float] = {}
    for issue, value in (package or {}).items():
        if isinstance(value, dict):
            row.update({f"{issue}.{party}": share for party, share in value.items()})
        else:
            row[issue] = value
    return row


@dataclass(frozen=True, eq=False)
class HullPoint:
    """A point of the convex hull of the individually rational utility vectors, or of its
    comprehensive hull (free disposal).

    ``utilities`` has shape ``(n_parties,)``; ``mix`` holds the packages (weights summing to
    1) whose lottery gives it; ``package`` is the interpolated package when every member of
    the mix agrees on every categorical issue, else None. For a point reached only by free
    disposal (a Kalai–Smorodinsky or egalitarian point that no lottery gives exactly) the
    mix is the lottery closest above it: at least ``utilities`` for every party.
    """

    utilities: np.ndarray
    mix: tuple[MixMember, ...]
    package: Package | None
    convergence: Convergence | None = None
    """How an iterative hull solver (Nash for more than two parties) ended; None when the
    point is found exactly."""
    weakly_pareto: bool | None = None
    """Kalai–Smorodinsky and egalitarian: True when some lottery is at least as good for
    every party and better for one (the point is only weakly Pareto-optimal); None for the
    other solutions."""
    refined: HullPoint | None = None
    """The leximin refinement (Imai 1983) when ``weakly_pareto`` is True, else None."""


@dataclass(frozen=True, eq=False)
class Solution:
    """A bargaining solution: the best single individually rational package by its
    criterion (``position``, ``utilities``; None when no single package gives every party
    more than disagreement) and the best point of the hull (``hull``)."""

    name: str
    position: int | None
    utilities: np.ndarray | None
    hull: HullPoint
    method: str = ""
    """How it was computed, with its reference (e.g. "Nash (1950) product, exact on the
    piecewise-linear frontier")."""

    def __repr__(self) -> str:
        single = (
            "no single package"
            if self.utilities is None
            else f"package #{self.position} with utilities "
            f"{', '.join(f'{float(u):.3f}' for u in self.utilities)}"
        )
        return (
            f"<Solution {self.name}: {single}; over lotteries "
            f"{', '.join(f'{float(u):.3f}' for u in self.hull.utilities)}>"
        )


@dataclass(frozen=True, slots=True)
class SpaceCounts:
    """Package counts of the outcome space (``space`` in ``docs/json.md``), all exact.

    In a merged space (``merged``: too large to enumerate, its Pareto frontier built block
    by block) the individually rational packages are not counted (None): that would need
    the whole space."""

    packages: int
    feasible: int
    individually_rational: int | None
    pareto: int
    pareto_individually_rational: int
    merged: bool = False


@dataclass(frozen=True, eq=False)
class Coalition:
    """One coalition a random proposer may buy: its ``partners`` (party indices,
    ascending), the ``probability`` it is chosen, and the offer made to it (``utilities``
    ``(n_parties,)`` and its lottery ``mix``)."""

    partners: tuple[int, ...]
    probability: float
    utilities: np.ndarray
    mix: tuple[MixMember, ...]


@dataclass(frozen=True, eq=False)
class Proposal:
    """What ``proposer`` offers in ``round`` (None: no deadline), if that round is reached:
    ``utilities`` ``(n_parties,)`` and the lottery ``mix`` of feasible positions; both None
    when no offer would be accepted."""

    round: int | None
    proposer: int
    utilities: np.ndarray | None
    mix: tuple[MixMember, ...]
    accepted: bool
    rejection: Rejection
    """What rejecting this proposal is worth to each party, and what that is made of."""
    partners: np.ndarray | None = None
    """``random_proposer`` only: each party's probability of being among the proposer's
    partners ``(n_parties,)``, NaN for the proposer (scenario format, detail 7)."""
    coalitions: tuple[Coalition, ...] = ()
    """``random_proposer`` only: the coalitions the proposer mixes over; the first is the
    one ``utilities`` and ``mix`` report (its partners first in party order after the
    proposer)."""

    @property
    def thresholds(self) -> np.ndarray:
        """Each responder's value of rejecting, in utility terms (NaN for the proposer): it
        accepts an offer worth at least that much."""
        return responder_values(self.rejection, self.proposer)


@dataclass(frozen=True, eq=False)
class Equilibrium:
    """The protocol's subgame-perfect equilibrium: the ``equilibrium`` block of ``negsim
    solve`` (``docs/json.md``). ``convergence`` reports the iterative method behind it (a
    stationary fixed point, value iteration, a limit of long deadlines); None when it is
    exact (backward induction)."""

    space: OutcomeSpace
    protocol: str
    deadline: int | None
    first_proposer: int
    agreement: bool
    round: int | None
    proposer: int | None
    utilities: np.ndarray | None
    mix: tuple[MixMember, ...]
    payoffs: np.ndarray
    proposals: tuple[Proposal, ...]
    unique: bool = True
    ranges: np.ndarray | None = None
    """``(n_parties, 2)`` utility ranges over the equilibria when not unique."""
    method: str = ""
    convergence: Convergence | None = None
    note: str = ""
    """Why the equilibrium is not unique, when the reason needs words (else empty)."""

    def __repr__(self) -> str:
        names = self.space.scenario.party_names
        deadline = "no deadline" if self.deadline is None else f"deadline {self.deadline}"
        if not self.agreement:
            outcome = "no agreement"
        elif self.proposer is None:
            outcome = "agreement at once, on whoever is recognised"
        else:
            outcome = (
                f"agreement in round {self.round} on {names[self.proposer]}'s offer "
                f"({_terms_text(self.space, self.mix)})"
            )
        return (
            f"<Equilibrium of {self.protocol}, {deadline}: {outcome}; "
            f"utilities {_utilities_text(names, self.utilities)}; "
            f"payoffs {_utilities_text(names, self.payoffs)}; {self.method}>"
        )

    def to_dict(self) -> dict[str, Any]:
        names = self.space.scenario.party_names

        def by_party(vector: np.ndarray | None) -> dict[str, float | None] | None:
            """Per party; a non-finite value (e.g. endless delay costs) is null in JSON."""
            if vector is None:
                return None
            return {
                name: float(v) + 0.0 if np.isfinite(v) else None
                for name, v in zip(names, vector, strict=True)
            }

        seen: dict[tuple[tuple[int, float], ...], tuple[Any, Any]] = {}

        def terms(mix: tuple[MixMember, ...]) -> dict[str, Any]:
            """``package`` and ``mix`` of a lottery, worked out once per distinct lottery
            (the rounds of a long deadline repeat a few offers) and copied per use."""
            key = tuple((m.position, m.weight) for m in mix)
            if key not in seen:
                seen[key] = (expected_package(self.space, mix), mix_records(self.space, mix))
            package, records = seen[key]
            return {
                "package": _copied(package),
                "package_is_lottery": len(mix) > 1,
                "mix": [{"weight": r["weight"], "package": _copied(r["package"])} for r in records],
            }

        result: dict[str, Any] = {
            "protocol": self.protocol,
            "deadline": self.deadline,
            "first_proposer": names[self.first_proposer],
            "agreement": self.agreement,
            "round": self.round,
            "proposer": None if self.proposer is None else names[self.proposer],
            "package": expected_package(self.space, self.mix),
            "package_is_lottery": len(self.mix) > 1,
            "mix": mix_records(self.space, self.mix),
            "utilities": by_party(self.utilities),
            "payoffs": by_party(self.payoffs),
            "proposals": [
                {
                    "round": proposal.round,
                    "proposer": names[proposal.proposer],
                    "utilities": by_party(proposal.utilities),
                    **terms(proposal.mix),
                    "accepted": proposal.accepted,
                    **_partners_dict(names, proposal, by_party),
                }
                for proposal in self.proposals
            ],
            "convergence": None if self.convergence is None else self.convergence.to_dict(),
        }
        if not self.unique and self.ranges is not None:
            result["unique"] = False
            result["range"] = {
                name: [float(low) + 0.0, float(high) + 0.0]
                for name, (low, high) in zip(names, self.ranges, strict=True)
            }
            if self.note:
                result["note"] = self.note
        return result


def _copied(package: Any) -> Any:
    """A package dict (issue -> level, or party -> share for a split) copied one level
    down, so no two proposals share a dict."""
    if package is None:
        return None
    return {k: dict(v) if isinstance(v, dict) else v for k, v in package.items()}


def _partners_dict(names: tuple[str, ...], proposal: Proposal, by_party: Any) -> dict[str, Any]:
    """A random proposer's ``partners`` (party -> probability of being bought, those with a
    positive one, in party order) and ``coalitions``; nothing for other protocols."""
    if proposal.partners is None:
        return {}
    return {
        "partners": {
            name: float(p)
            for k, (name, p) in enumerate(zip(names, proposal.partners, strict=True))
            if k != proposal.proposer and p > 0
        },
        "coalitions": [
            {
                "partners": [names[j] for j in coalition.partners],
                "probability": float(coalition.probability),
                "utilities": by_party(coalition.utilities),
            }
            for coalition in proposal.coalitions
        ],
    }


Alternative = tuple[float, "np.ndarray | None", tuple[MixMember, ...]]
"""An offer the proposer may make when it mixes: its chance, utilities and lottery."""


@dataclass(frozen=True, slots=True)
class Discretization:
    """How far a screening result on a grid of ``types`` quantiles is from the continuum:
    the largest change of its headline numbers against ``compared_with`` types."""

    types: int
    compared_with: int
    error: float
    tolerance: float

    @property
    def settled(self) -> bool:
        return self.error <= self.tolerance

    def to_dict(self) -> dict[str, Any]:
        return {
            "estimate": float(self.error),
            "types": self.types,
            "compared_with": self.compared_with,
            "tolerance": float(self.tolerance),
        }

    def __str__(self) -> str:
        return (
            f"screening on {self.types:,} types moves by up to {self.error:.2g} against "
            f"{self.compared_with:,} types (tolerance {self.tolerance:.2g})"
        )


@dataclass(frozen=True, eq=False)
class Screening:
    """The uninformed proposer's offers and the responder types' acceptance: the
    ``screening`` block of ``negsim solve`` (``docs/json.md``)."""

    space: OutcomeSpace
    offers: OfferSpace
    """The offer set the proposer chose from (its points are the frontier it offers on)."""
    proposer: int
    responder: int
    parameter: str
    n_types: int
    solution: ScreeningSolution
    offer_utilities: tuple[np.ndarray | None, ...]
    offer_mixes: tuple[tuple[MixMember, ...], ...]
    stated_type_round: int | None
    expected_payoffs: np.ndarray
    offer_chances: tuple[float, ...] = ()
    """Per round, the chance that ``offer_utilities[t]`` is the offer made there, given the
    round is reached (1 unless the proposer mixes)."""
    alternatives: tuple[tuple[Alternative, ...], ...] = ()
    """Per round, the other offers the proposer may make when it mixes: ``(chance,
    utilities, mix)``."""
    type_values: np.ndarray | None = None
    """For discrete (``choice``) types: each type's value of the private parameter, in the
    order of ``solution.type_acceptance``; None for a continuous distribution."""
    discretization: Discretization | None = None
    """The grid's error estimate for a continuous distribution (None: discrete types,
    solved exactly)."""

    def type_acceptance(self, t: int) -> list[tuple[float, float]]:
        """Round ``t``: each discrete type still in the talks and the probability that it
        accepts (strictly between 0 and 1 where it mixes); empty for continuous types."""
        if self.type_values is None:
            return []
        row = self.solution.type_acceptance[t]
        return [(float(v), float(p)) for v, p in zip(self.type_values, row, strict=True)
                if not np.isnan(p)]  # fmt: skip

    @property
    def final_round_share(self) -> float | None:
        agreed = float(self.solution.agreement_probability.sum())
        if agreed <= 0:
            return None
        return float(self.solution.agreement_probability[-1]) / agreed

    def __repr__(self) -> str:
        names = self.space.scenario.party_names
        deal = 1.0 - float(self.solution.no_agreement_probability)
        return (
            f"<Screening: {names[self.proposer]} makes every offer to {names[self.responder]}, "
            f"whose {self.parameter} is private ({self.n_types} types); a deal with probability "
            f"{deal:.1%} over {self.solution.offers.size} rounds; expected payoffs "
            f"{_utilities_text(names, self.expected_payoffs)}>"
        )

    def to_dict(self) -> dict[str, Any]:
        names = self.space.scenario.party_names
        offers = []
        for t, (utilities, mix) in enumerate(zip(self.offer_utilities, self.offer_mixes,
                                                 strict=True)):  # fmt: skip
            offers.append({
                "round": t,
                "utilities": None if utilities is None else {
                    name: float(u) + 0.0 for name, u in zip(names, utilities, strict=True)},
                "package": expected_package(self.space, mix),
                "package_is_lottery": len(mix) > 1,
                "mix": mix_records(self.space, mix),
                "accept_probability": float(self.solution.accept_probability[t]),
                "type_acceptance": None if self.type_values is None else [
                    {"value": v, "probability": p} for v, p in self.type_acceptance(t)],
                "probability": self.offer_chances[t] if self.offer_chances else 1.0,
                "alternatives": [
                    {"probability": chance,
                     "utilities": None if other is None else {
                         name: float(u) + 0.0 for name, u in zip(names, other, strict=True)},
                     "package": expected_package(self.space, other_mix),
                     "package_is_lottery": len(other_mix) > 1,
                     "mix": mix_records(self.space, other_mix)}
                    for chance, other, other_mix in (self.alternatives[t] if self.alternatives
                                                     else ())],
            })  # fmt: skip
        return {
            "proposer": names[self.proposer],
            "responder": names[self.responder],
            "parameter": self.parameter,
            "types": self.n_types,
            "offers": offers,
            "stated_type_accepts_in_round": self.stated_type_round,
            "agreement_probability_by_round": [
                float(x) for x in self.solution.agreement_probability
            ],
            "no_agreement_probability": self.solution.no_agreement_probability,
            "expected_payoffs": {
                name: float(x) + 0.0 for name, x in zip(names, self.expected_payoffs, strict=True)
            },
            "final_round_share": self.final_round_share,
            "discretization_error": None
            if self.discretization is None
            else self.discretization.to_dict(),
        }


@dataclass(frozen=True, eq=False)
class Analysis:
    """Everything ``negsim solve`` reports about one scenario.

    Attributes
    ----------
    space : OutcomeSpace
        The enumerated packages and utilities.
    counts : SpaceCounts
    disagreement : numpy.ndarray
        ``(n_parties,)`` expected disagreement utilities.
    ideal : numpy.ndarray or None
        ``(n_parties,)`` each party's best utility over individually rational packages;
        None when no package is individually rational.
    zopa : bool
        Some feasible package gives every party strictly more than its disagreement
        utility (by more than 1e-9).
    zopa_with_lotteries : bool
        Some lottery over the individually rational packages does (implied by ``zopa``).
    ranges : numpy.ndarray or None
        ``(n_parties, 2)`` lowest and highest utility of each party on the Pareto frontier
        of the hull of the individually rational packages.
    pareto : numpy.ndarray
        int64 positions of the Pareto-optimal individually rational packages, ordered by
        the first party's utility, highest first.
    hull_frontier : numpy.ndarray
        int64 positions of the vertices of the hull's Pareto frontier (two parties: ordered
        by the first party's utility, highest first).
    solutions : dict
        ``SOLUTION_NAMES`` -> :class:`Solution`, or None each when not even a lottery gives
        every party a gain; without ``zopa`` a solution has only its hull point.
    offers : OfferSpace
        What a proposer may offer: the offer set the equilibrium and screening searched.
    equilibrium : Equilibrium
        The protocol's subgame-perfect equilibrium with complete information.
    screening : Screening or None
        The screening offers, when the scenario calls for them.
    warnings : tuple of str
        What the reader should know about the accuracy of these numbers (an iteration
        that stopped short of its tolerance, with its residual).
    """

    space: OutcomeSpace
    counts: SpaceCounts
    disagreement: np.ndarray
    ideal: np.ndarray | None
    zopa: bool
    zopa_with_lotteries: bool
    ranges: np.ndarray | None
    pareto: np.ndarray
    hull_frontier: np.ndarray
    solutions: dict[str, Solution | None]
    offers: OfferSpace
    equilibrium: Equilibrium
    screening: Screening | None = None
    warnings: tuple[str, ...] = ()

    @property
    def party_names(self) -> tuple[str, ...]:
        return self.space.scenario.party_names

    def by_party(self, vector: np.ndarray) -> dict[str, float]:
        """``{party: float}`` from a ``(n_parties,)`` vector (``-0.0`` printed as ``0.0``)."""
        return {
            name: float(value) + 0.0 for name, value in zip(self.party_names, vector, strict=True)
        }

    def __repr__(self) -> str:
        scenario = self.space.scenario
        counts = self.counts
        lines = [
            f"<Analysis of {scenario.name!r}: {counts.packages:,} packages, "
            f"{counts.feasible:,} feasible, {counts.pareto_individually_rational:,} "
            f"Pareto-optimal and individually rational; "
            f"{'a' if self.zopa else 'no'} zone of possible agreement"
            + ("" if self.zopa or not self.zopa_with_lotteries else " (one with lotteries)"),
            f"  equilibrium: {self.equilibrium!r}",
        ]
        nash = self.solutions.get("nash")
        if nash is not None and nash.position is not None:
            lines.append(
                f"  Nash solution: {_utilities_text(self.party_names, nash.utilities)} "
                f"({_terms_text(self.space, (MixMember(1.0, nash.position),))})"
            )
        if self.screening is not None:
            lines.append(f"  screening: {self.screening!r}")
        lines.extend(f"  warning: {warning}" for warning in self.warnings)
        return "\n".join(lines) + ">"

    def to_json(self, indent: int | None = 2) -> str:
        """:meth:`to_dict` as JSON text: exactly what ``negsim solve --format json`` prints
        (:meth:`json_pieces` joined)."""
        return "".join(self.json_pieces(indent))

    def json_pieces(self, indent: int | None = 2) -> Iterator[str]:
        """:meth:`to_json`'s text in pieces, to write one after another without holding
        it all: the Pareto list, which runs to 100,000s of entries, is written from one
        entry's template (:func:`negsim.analysis.pareto_json.pareto_json`) in place of an
        empty list."""
        data = self._dict(pareto=[])
        text = jsontext.dumps(data, indent=indent)
        gap = ", " if indent is None else ",\n" + " " * indent
        slot = f'"pareto": []{gap}"solutions": '
        if not self.pareto.size:
            yield text
        elif text.count(slot) != 1:  # cannot tell the slot apart: write it all the slow way
            yield jsontext.dumps(self.to_dict(), indent=indent)
        else:
            start = text.index(slot) + len('"pareto": ')
            yield text[:start]
            yield from pareto_json(self.space, self.party_names, self.pareto, indent)
            yield text[start + 2 :]

    def to_records(self) -> list[dict[str, Any]]:
        """The Pareto-optimal, individually rational packages, one flat row each (ordered by
        the first party's utility, highest first): each issue's level (a split's shares as
        ``issue.party``) and each party's utility as ``u.party``. ``pandas.DataFrame`` reads
        the list as it is."""
        names = [f"u.{name}" for name in self.party_names]
        utilities = (self.space.utilities[:, self.pareto] + 0.0).T.tolist()  # no -0.0
        return [
            {**_flat_package(package), **dict(zip(names, row, strict=True))}
            for package, row in zip(self.space.packages(self.pareto), utilities, strict=True)
        ]

    def to_dict(self) -> dict[str, Any]:
        """The JSON object of ``negsim solve --format json`` (``docs/json.md``)."""
        names = self.party_names
        utilities = (self.space.utilities[:, self.pareto] + 0.0).T.tolist()  # no -0.0
        pareto = [
            {"package": package, "utilities": dict(zip(names, row, strict=True))}
            for package, row in zip(self.space.packages(self.pareto), utilities, strict=True)
        ]
        return self._dict(pareto)

    def _dict(self, pareto: list[dict[str, Any]]) -> dict[str, Any]:
        space = self.space
        return {
            "negsim_version": __version__,
            "scenario": space.scenario.name,
            "parties": list(self.party_names),
            "labels": scenario_labels(space.scenario),
            "space": {
                "packages": self.counts.packages,
                "feasible": self.counts.feasible,
                "individually_rational": self.counts.individually_rational,
                "pareto": self.counts.pareto,
                "pareto_individually_rational": self.counts.pareto_individually_rational,
                "merged": self.counts.merged,
            },
            "disagreement": self.by_party(self.disagreement),
            "ideal": None if self.ideal is None else self.by_party(self.ideal),
            "zopa": self.zopa,
            "zopa_with_lotteries": self.zopa_with_lotteries,
            "ranges": None
            if self.ranges is None
            else {
                name: [float(low) + 0.0, float(high) + 0.0]
                for name, (low, high) in zip(self.party_names, self.ranges, strict=True)
            },
            "pareto": pareto,
            "solutions": {
                name: None if solution is None else self._solution_dict(solution)
                for name, solution in self.solutions.items()
            },
            "equilibrium": self.equilibrium.to_dict(),
            "screening": None if self.screening is None else self.screening.to_dict(),
            "warnings": list(self.warnings),
        }

    def _solution_dict(self, solution: Solution) -> dict[str, Any]:
        position, utilities = solution.position, solution.utilities
        return {
            "package": None if position is None else self.space.package(position),
            "utilities": None if utilities is None else self.by_party(utilities),
            "hull": self.hull_dict(solution.hull),
        }

    def hull_dict(self, point: HullPoint) -> dict[str, Any]:
        """A hull point as JSON; Kalai–Smorodinsky and egalitarian points add
        ``weakly_pareto`` and, when it is true, ``refined``."""
        result: dict[str, Any] = {
            "utilities": self.by_party(point.utilities),
            "mix": mix_records(self.space, point.mix),
            "package": point.package,
            "convergence": None if point.convergence is None else point.convergence.to_dict(),
        }
        if point.weakly_pareto is not None:
            result["weakly_pareto"] = point.weakly_pareto
            if point.weakly_pareto and point.refined is not None:
                result["refined"] = self.hull_dict(point.refined)
        return result
