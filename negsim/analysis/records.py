"""Frozen result records of a bargaining analysis, and their JSON form (``../spec/cli.md``).

Solvers return positions (indices of feasible packages, columns of
``OutcomeSpace.utilities``) and utility vectors; these records tie them to packages so the
CLI, sweeps, plots and reports all read the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np

from negsim.space import OutcomeSpace
from negsim.version import __version__

SOLUTION_NAMES: tuple[str, ...] = ("nash", "kalai_smorodinsky", "egalitarian", "utilitarian")
SOLUTION_LABELS = {
    "nash": "Nash",
    "kalai_smorodinsky": "Kalai–Smorodinsky",
    "egalitarian": "Egalitarian",
    "utilitarian": "Utilitarian",
}


class MixMember(NamedTuple):
    """One package of a lottery: ``weight`` on the feasible package at ``position``."""

    weight: float
    position: int


def mix_package(space: OutcomeSpace, mix: tuple[MixMember, ...]) -> dict[str, Any] | None:
    """The interpolated package of a lottery (:meth:`OutcomeSpace.interpolate`); None for an
    empty mix or when the members differ on a categorical issue."""
    if not mix:
        return None
    return space.interpolate([m.position for m in mix], [m.weight for m in mix])


def mix_records(space: OutcomeSpace, mix: tuple[MixMember, ...]) -> list[dict[str, Any]]:
    """A lottery as JSON: ``[{"weight": w, "package": {...}}, ...]``."""
    return [{"weight": m.weight, "package": space.package(m.position)} for m in mix]


@dataclass(frozen=True, eq=False)
class HullPoint:
    """A point of the convex hull of the individually rational utility vectors.

    ``utilities`` has shape ``(n_parties,)``; ``mix`` holds the packages (weights summing to
    1) whose lottery gives it; ``package`` is the interpolated package when every member of
    the mix agrees on every categorical issue, else None.
    """

    utilities: np.ndarray
    mix: tuple[MixMember, ...]
    package: dict[str, Any] | None


@dataclass(frozen=True, eq=False)
class Solution:
    """A bargaining solution: the best single individually rational package by its
    criterion (``position``, ``utilities``) and the best point of the hull (``hull``)."""

    name: str
    position: int
    utilities: np.ndarray
    hull: HullPoint
    method: str = ""
    """How it was computed, with its reference (e.g. "Nash (1950) product, exact on the
    piecewise-linear frontier")."""


@dataclass(frozen=True, slots=True)
class SpaceCounts:
    """Package counts of ``space`` in ``../spec/cli.md``."""

    packages: int
    feasible: int
    individually_rational: int
    pareto: int
    pareto_individually_rational: int


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
        ``SOLUTION_NAMES`` -> :class:`Solution`, or None each when there is no ZOPA.
    equilibrium, screening :
        Filled by the strategic and screening solvers; None until then.
    """

    space: OutcomeSpace
    counts: SpaceCounts
    disagreement: np.ndarray
    ideal: np.ndarray | None
    zopa: bool
    ranges: np.ndarray | None
    pareto: np.ndarray
    hull_frontier: np.ndarray
    solutions: dict[str, Solution | None]
    equilibrium: Any = None
    screening: Any = None

    @property
    def party_names(self) -> tuple[str, ...]:
        return self.space.scenario.party_names

    def by_party(self, vector: np.ndarray) -> dict[str, float]:
        """``{party: float}`` from a ``(n_parties,)`` vector (``-0.0`` printed as ``0.0``)."""
        return {
            name: float(value) + 0.0 for name, value in zip(self.party_names, vector, strict=True)
        }

    def to_dict(self) -> dict[str, Any]:
        """The JSON object of ``negsim solve --format json`` (``../spec/cli.md``)."""
        space = self.space
        utilities = space.utilities
        return {
            "negsim_version": __version__,
            "scenario": space.scenario.name,
            "parties": list(self.party_names),
            "space": {
                "packages": self.counts.packages,
                "feasible": self.counts.feasible,
                "individually_rational": self.counts.individually_rational,
                "pareto": self.counts.pareto,
                "pareto_individually_rational": self.counts.pareto_individually_rational,
            },
            "disagreement": self.by_party(self.disagreement),
            "ideal": None if self.ideal is None else self.by_party(self.ideal),
            "zopa": self.zopa,
            "ranges": None
            if self.ranges is None
            else {
                name: [float(low) + 0.0, float(high) + 0.0]
                for name, (low, high) in zip(self.party_names, self.ranges, strict=True)
            },
            "pareto": [
                {"package": space.package(int(p)), "utilities": self.by_party(utilities[:, p])}
                for p in self.pareto
            ],
            "solutions": {
                name: None if solution is None else self._solution_dict(solution)
                for name, solution in self.solutions.items()
            },
            "equilibrium": None if self.equilibrium is None else self.equilibrium.to_dict(),
            "screening": None if self.screening is None else self.screening.to_dict(),
        }

    def _solution_dict(self, solution: Solution) -> dict[str, Any]:
        return {
            "package": self.space.package(solution.position),
            "utilities": self.by_party(solution.utilities),
            "hull": self.hull_dict(solution.hull),
        }

    def hull_dict(self, point: HullPoint) -> dict[str, Any]:
        return {
            "utilities": self.by_party(point.utilities),
            "mix": mix_records(self.space, point.mix),
            "package": point.package,
        }
