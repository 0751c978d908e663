"""The axiomatic bargaining solutions of an outcome space, as :class:`Solution` records:
each criterion over the single individually rational packages (when one gives every party
a gain) and over the convex hull of their utility vectors (:mod:`negsim.solvers.axiomatic`,
:mod:`negsim.solvers.proportional`)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from negsim.analysis.offers import MixMember
from negsim.analysis.records import SOLUTION_NAMES, HullPoint, Solution, mix_package
from negsim.format.model import TOLERANCE
from negsim.solvers import axiomatic, chain, proportional
from negsim.solvers.convergence import Convergence
from negsim.space import OutcomeSpace

METHODS = {
    "nash": "generalized Nash product (Nash 1950; Roth 1979), powers from bargaining_power",
    "kalai_smorodinsky": "Kalai & Smorodinsky (1975), Roth (1979) for n parties: the largest "
    "point of the comprehensive hull on the ray from disagreement towards the ideal point; "
    "leximin refinement (Imai 1983) when only weakly Pareto-optimal",
    "egalitarian": "egalitarian (Kalai 1977): the largest equal gain over disagreement in the "
    "comprehensive hull; leximin refinement (Imai 1983) when only weakly Pareto-optimal",
    "utilitarian": "utilitarian: largest utility sum",
}

PROPORTIONAL = ("kalai_smorodinsky", "egalitarian")


def no_solutions() -> dict[str, Solution | None]:
    """The solutions when not even a lottery gives every party a gain: None each."""
    return dict.fromkeys(SOLUTION_NAMES)


def solutions(
    space: OutcomeSpace,
    positions: np.ndarray,
    points: np.ndarray,
    vertex_positions: np.ndarray,
    vertices: np.ndarray,
    ideal: np.ndarray,
    zopa: bool,
) -> dict[str, Solution | None]:
    """Each criterion over the Pareto-optimal individually rational packages ``positions``
    (their utilities ``points``; a dominated package can never beat the one dominating it,
    ties included; ties go to the higher utility sum, then the earliest package), when
    ``zopa``, and over the hull of the ``vertices`` (at ``vertex_positions``). Call it only
    when some lottery gives every party a gain."""
    order = np.argsort(positions, kind="stable")  # ties: the earliest package
    positions, points = positions[order], points[:, order]
    disagreement = space.disagreement
    powers = np.array([party.bargaining_power for party in space.scenario.parties])
    directions = {"kalai_smorodinsky": ideal - disagreement, "egalitarian": np.ones_like(ideal)}
    criteria: dict[str, Callable[[np.ndarray], np.ndarray]] = {
        "nash": lambda u: axiomatic.nash_values(u, disagreement, powers),
        "kalai_smorodinsky": lambda u: axiomatic.proportional_gains(
            u, disagreement, directions["kalai_smorodinsky"]
        ),
        "egalitarian": lambda u: axiomatic.proportional_gains(
            u, disagreement, directions["egalitarian"]
        ),
        "utilitarian": lambda u: u.sum(axis=0),
    }
    hull = _Hull(space, vertex_positions, vertices)
    result: dict[str, Solution | None] = {}
    for name in SOLUTION_NAMES:
        criterion = criteria[name](points)
        best = axiomatic.best_index(criterion, points)
        single = (int(positions[best]), points[:, best]) if zopa else None
        if name in PROPORTIONAL:
            point = hull.proportional(disagreement, directions[name], single)
        elif name == "nash":
            point = hull.nash(disagreement, powers, criteria["nash"], single)
        else:  # linear: a vertex is best, the best package itself (the closest hull point)
            point = hull.package_point(int(positions[best]), points[:, best])
        result[name] = Solution(
            name=name,
            position=None if single is None else single[0],
            utilities=None if single is None else space.utilities[:, single[0]].copy(),
            hull=point,
            method=METHODS[name],
        )
    return result


class _Hull:
    """The hull of the individually rational packages' utility vectors: its ``vertices``
    (columns) at ``positions``, and its points as :class:`HullPoint` records."""

    def __init__(self, space: OutcomeSpace, positions: np.ndarray, vertices: np.ndarray):
        self.space, self.positions, self.vertices = space, positions, vertices

    def package_point(self, position: int, utilities: np.ndarray) -> HullPoint:
        """A single package as a hull point."""
        mix = (MixMember(1.0, position),)
        return HullPoint(utilities.copy(), mix, mix_package(self.space, mix))

    def lottery_point(
        self,
        utilities: np.ndarray,
        indices: np.ndarray,
        weights: np.ndarray,
        convergence: Convergence | None = None,
    ) -> HullPoint:
        """``utilities`` reached by the lottery ``weights`` on the vertex columns ``indices``
        (zero weights dropped, members in package order)."""
        keep = weights > 1e-12
        members = sorted(
            zip(self.positions[indices[keep]].tolist(), weights[keep] / weights[keep].sum(),
                strict=True)
        )  # fmt: skip
        mix = tuple(MixMember(float(weight), int(position)) for position, weight in members)
        package = mix_package(self.space, mix)
        return HullPoint(np.asarray(utilities, dtype=float), mix, package, convergence)

    def _near_single(
        self, utilities: np.ndarray, single: tuple[int, np.ndarray] | None
    ) -> HullPoint | None:
        """The single package as the hull point when its utilities are ``utilities`` within
        the tolerance (its exact values and a one-package mix), else None."""
        if single is None or np.any(np.abs(single[1] - utilities) > TOLERANCE):
            return None
        return self.package_point(*single)

    def nash(
        self,
        disagreement: np.ndarray,
        powers: np.ndarray,
        criterion: Callable[[np.ndarray], np.ndarray],
        single: tuple[int, np.ndarray] | None,
    ) -> HullPoint:
        """The Nash point: exact on a two-party frontier chain, simplicial decomposition for
        more parties (started at the best vertex, or at the max-min lottery when no vertex
        gives every party a gain). Ties go to the single package (the log product is flat at
        the optimum: only an equal value counts)."""
        vertices = self.vertices
        if vertices.shape[0] == 2:
            optimum = axiomatic.nash_on_frontier(vertices, disagreement, powers)
        else:
            values = axiomatic.nash_values(vertices, disagreement, powers)
            start = (np.array([int(np.argmax(values))]), np.ones(1))
            if not np.isfinite(values.max()):
                found = proportional.largest_level(vertices, disagreement, np.ones_like(powers))
                assert found is not None  # a lottery gives every party a gain
                start = (np.flatnonzero(found[1] > 1e-12), found[1][found[1] > 1e-12])
            optimum = axiomatic.nash_on_hull(vertices, disagreement, powers, start)
        if single is not None:
            value = float(criterion(optimum.utilities[:, None])[0])
            if float(criterion(single[1][:, None])[0]) >= value - 1e-14 * max(1.0, abs(value)):
                return self.package_point(*single)
        return self.lottery_point(
            optimum.utilities, optimum.indices, optimum.weights, optimum.convergence
        )

    def proportional(
        self,
        disagreement: np.ndarray,
        direction: np.ndarray,
        single: tuple[int, np.ndarray] | None,
    ) -> HullPoint:
        """The largest point ``d + lambda s`` of the comprehensive hull (Kalai–Smorodinsky
        with ``s = I - d``, egalitarian with ``s = 1``), with the lottery closest above it;
        ``weakly_pareto`` and, when true, the leximin refinement."""
        found: proportional.RayPoint | None
        if self.vertices.shape[0] == 2:  # closed form on the frontier chain
            found = chain.ray_point(self.vertices, disagreement, direction)
        else:
            found = proportional.ray_point(self.vertices, disagreement, direction)
        assert found is not None  # a lottery gives every party a gain
        ray = found.point
        point = self._near_single(ray.utilities, single) or self.lottery_point(
            ray.utilities, ray.indices, ray.weights
        )
        weakly, refined = found.weakly_pareto, None
        if found.refined is not None:
            lottery = found.refined
            refined = self._near_single(lottery.utilities, single) or self.lottery_point(
                lottery.utilities, lottery.indices, lottery.weights
            )
        return HullPoint(
            point.utilities, point.mix, point.package, weakly_pareto=weakly, refined=refined
        )
