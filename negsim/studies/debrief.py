"""The deals a class reached, scored against the analysis (``negsim debrief``).

:func:`debrief` takes the :class:`~negsim.analysis.records.Analysis` of the scenario and
the deals read by :mod:`negsim.format.class_results`, finds each package among the feasible
ones (a package the constraints rule out is skipped, with its source; a pair without a deal
stands at the disagreement point, or with its walker at its outside option), scores them with
:func:`negsim.analysis.scoring.score_deals` and ranks the pairs: least joint value left on
the table first, then the largest sum of points. Pairs with the same scores share a rank
(1, 1, 3: a competition ranking), so pairs that struck the same deal share one.

The result, :class:`Debrief`, is a frozen record of plain numbers and packages; the
reference points (each side's walk-away value, the Nash and Kalai–Smorodinsky packages, the
protocol's equilibrium) are the analysis's, never recomputed. It also holds each party's
best value over the feasible packages: how much was on the table for it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from negsim.analysis.any_package import AnyPackage, reason
from negsim.analysis.records import Analysis, expected_package
from negsim.analysis.scoring import score_deals
from negsim.format.class_results import ClassDeal, Skipped
from negsim.format.model import TOLERANCE

__all__ = ["Debrief", "PairScore", "Reference", "debrief"]

REFERENCE_SOLUTIONS = ("nash", "kalai_smorodinsky")
"""The bargaining solutions a debrief shows beside the class's deals."""


@dataclass(frozen=True)
class Reference:
    """A reference point: its package (None: no single package) and each party's points."""

    package: Mapping[str, Any] | None
    points: Mapping[str, float] | None

    def to_dict(self) -> dict[str, Any] | None:
        if self.points is None:
            return None
        return {"package": self.package, "points": dict(self.points)}


@dataclass(frozen=True)
class PairScore:
    """One pair's deal and its scores (:mod:`negsim.analysis.scoring`)."""

    rank: int
    pair: str
    source: str
    position: int | None
    package: Mapping[str, Any] | None
    points: Mapping[str, float]
    pareto_optimal: bool
    distance_to_frontier: float
    joint_value_left: float
    better_package: Mapping[str, Any] | None
    walker: str | None = None

    @property
    def agreed(self) -> bool:
        return self.position is not None

    def to_dict(self) -> dict[str, Any]:
        return {
            "rank": self.rank,
            "pair": self.pair,
            "source": self.source,
            "agreed": self.agreed,
            "package": self.package,
            "points": dict(self.points),
            "pareto_optimal": self.pareto_optimal,
            "distance_to_frontier": self.distance_to_frontier,
            "joint_value_left": self.joint_value_left,
            "better_package": self.better_package,
            "walked_away": self.walker,
        }


@dataclass(frozen=True)
class Debrief:
    """The scored deals of a class, ranked, with the analysis's reference points.

    ``analysis`` is kept for the chart (the frontier it draws); ``to_dict`` holds numbers
    only. ``best``: each party's highest utility over the feasible packages, reached on the
    Pareto frontier (so a merged space, which keeps only its frontier, has it too)."""

    analysis: Analysis = field(repr=False)
    scenario: str
    parties: tuple[str, ...]
    disagreement: Mapping[str, float]
    best: Mapping[str, float]
    nash: Reference
    kalai_smorodinsky: Reference
    equilibrium: Reference
    pairs: tuple[PairScore, ...]
    skipped: tuple[Skipped, ...]

    @property
    def agreed(self) -> int:
        return sum(pair.agreed for pair in self.pairs)

    @property
    def on_frontier(self) -> int:
        return sum(pair.pareto_optimal for pair in self.pairs)

    @property
    def mean_value_left(self) -> float:
        if not self.pairs:
            return 0.0
        return float(np.mean([pair.joint_value_left for pair in self.pairs]))

    def to_dict(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario,
            "parties": list(self.parties),
            "reference": {
                "disagreement": dict(self.disagreement),
                "nash": self.nash.to_dict(),
                "kalai_smorodinsky": self.kalai_smorodinsky.to_dict(),
                "equilibrium": self.equilibrium.to_dict(),
            },
            "best": dict(self.best),
            "summary": {
                "pairs": len(self.pairs),
                "agreed": self.agreed,
                "pareto_optimal": self.on_frontier,
                "mean_joint_value_left": self.mean_value_left,
            },
            "pairs": [pair.to_dict() for pair in self.pairs],
            "skipped": [{"source": s.source, "reason": s.reason} for s in self.skipped],
        }


def _points(names: Sequence[str], vector: Any) -> dict[str, float]:
    return {name: float(value) for name, value in zip(names, vector, strict=True)}


def _references(analysis: Analysis) -> tuple[Reference, Reference, Reference]:
    """Nash and Kalai–Smorodinsky as single packages (what a pair can agree on), and the
    equilibrium's deal (its expected terms for a lottery)."""
    space, names = analysis.space, analysis.space.scenario.party_names
    found = []
    for name in REFERENCE_SOLUTIONS:
        solution = analysis.solutions.get(name)
        if solution is None or solution.position is None or solution.utilities is None:
            found.append(Reference(None, None))
        else:
            found.append(
                Reference(space.package(solution.position), _points(names, solution.utilities))
            )
    eq = analysis.equilibrium
    if eq.agreement and eq.utilities is not None:
        package = expected_package(space, eq.mix) if eq.mix else None
        equilibrium = Reference(package, _points(names, eq.utilities))
    else:
        equilibrium = Reference(None, None)
    return found[0], found[1], equilibrium


def _ranks(keys: Sequence[tuple[float, float]]) -> list[int]:
    """Competition ranks of sorted ``keys``: equal keys (within the tolerance) share one."""
    ranks: list[int] = []
    for index, key in enumerate(keys):
        if index and all(
            abs(a - b) <= TOLERANCE for a, b in zip(key, keys[index - 1], strict=True)
        ):
            ranks.append(ranks[-1])
        else:
            ranks.append(index + 1)
    return ranks


def _input_order(skipped: Skipped) -> tuple[str, int]:
    """A skipped row's file and line (0 for a whole file), to list them in input order."""
    file, _, line = skipped.source.rpartition(":")
    if file and line.isdigit():
        return file, int(line)
    return skipped.source, 0


def debrief(
    analysis: Analysis, deals: Sequence[ClassDeal], skipped: Sequence[Skipped] = ()
) -> Debrief:
    """Score and rank ``deals`` (see the module docstring); a package the scenario's
    constraints rule out is added to the skipped ones."""
    space = analysis.space
    names = space.scenario.party_names
    packages = AnyPackage.of(space)
    kept: list[tuple[ClassDeal, int | None]] = []
    left_out = list(skipped)
    for deal in deals:
        if deal.package is None:
            kept.append((deal, None))
            continue
        try:
            kept.append((deal, packages.position_of(deal.package)))
        except KeyError as error:
            left_out.append(
                Skipped(deal.source, deal.pair, f"{reason(error)} (not a feasible agreement)")
            )
    left_out.sort(key=_input_order)
    scores = score_deals(space, [position for _, position in kept],
                         [deal.walker for deal, _ in kept])  # fmt: skip
    order = sorted(
        range(len(kept)),
        key=lambda k: (scores[k].joint_value_left, -float(scores[k].utilities.sum()), k),
    )
    keys = [(scores[k].joint_value_left, -float(scores[k].utilities.sum())) for k in order]
    pairs = []
    for rank, k in zip(_ranks(keys), order, strict=True):
        deal, score = kept[k][0], scores[k]
        better = score.better_position
        pairs.append(
            PairScore(
                rank=rank,
                pair=deal.pair,
                source=deal.source,
                position=score.position,
                package=None if score.position is None else packages.package(score.position),
                points=_points(names, score.utilities),
                pareto_optimal=score.pareto_optimal,
                distance_to_frontier=score.distance_to_frontier,
                joint_value_left=score.joint_value_left,
                better_package=None if better is None else space.package(better),
                walker=deal.walker,
            )
        )
    nash, ks, equilibrium = _references(analysis)
    return Debrief(
        analysis=analysis,
        scenario=space.scenario.name,
        parties=tuple(names),
        disagreement=_points(names, analysis.disagreement),
        best=_points(names, space.utilities.max(axis=1)),
        nash=nash,
        kalai_smorodinsky=ks,
        equilibrium=equilibrium,
        pairs=tuple(pairs),
        skipped=tuple(left_out),
    )
