"""The axiomatic bargaining solutions of an outcome space, as :class:`Solution` records:
each criterion over the single individually rational packages and over the convex hull of
their utility vectors (:mod:`negsim.solvers.axiomatic`)."""

from __future__ import annotations

import numpy as np

from negsim.analysis.offers import MixMember
from negsim.analysis.records import SOLUTION_NAMES, HullPoint, Solution, mix_package
from negsim.format.model import TOLERANCE
from negsim.solvers import axiomatic
from negsim.space import OutcomeSpace

METHODS = {
    "nash": "generalized Nash product (Nash 1950; Roth 1979), powers from bargaining_power",
    "kalai_smorodinsky": "Kalai & Smorodinsky (1975): proportional gains towards the ideal point",
    "egalitarian": "egalitarian (Kalai 1977): largest equal gain over disagreement",
    "utilitarian": "utilitarian: largest utility sum",
}


def no_solutions() -> dict[str, Solution | None]:
    """The solutions when there is no zone of agreement: None each."""
    return dict.fromkeys(SOLUTION_NAMES)


def solutions(
    space: OutcomeSpace,
    positions: np.ndarray,
    points: np.ndarray,
    vertex_positions: np.ndarray,
    vertices: np.ndarray,
    ideal: np.ndarray,
) -> dict[str, Solution | None]:
    """Each criterion over the Pareto-optimal individually rational packages ``positions``
    (their utilities ``points``; a dominated package can never beat the one dominating it,
    ties included) and over the hull of the ``vertices`` (at ``vertex_positions``)."""
    disagreement = space.disagreement
    powers = np.array([party.bargaining_power for party in space.scenario.parties])
    gains_scale = ideal - disagreement
    ones = np.ones_like(disagreement)
    criteria = {
        "nash": lambda u: axiomatic.nash_values(u, disagreement, powers),
        "kalai_smorodinsky": lambda u: axiomatic.proportional_gains(u, disagreement, gains_scale),
        "egalitarian": lambda u: axiomatic.proportional_gains(u, disagreement, ones),
        "utilitarian": lambda u: u.sum(axis=0),
    }
    solutions: dict[str, Solution | None] = {}
    for name, _criterion in criteria.items():
        criterion = _criterion(points)
        best = axiomatic.best_index(criterion, points)
        position = int(positions[best])
        scale = gains_scale if name == "kalai_smorodinsky" else ones
        optimum = _hull_optimum(name, vertices, disagreement, powers, scale)
        if optimum is not None:
            # hull ties go to the point closest to the winning single package: itself
            # (Nash compares log products, flat at the optimum: only an equal value counts)
            hull_value = float(_criterion(optimum.utilities[:, None])[0])
            slack = 1e-14 if name == "nash" else TOLERANCE
            if float(criterion[best]) >= hull_value - slack * max(1.0, abs(hull_value)):
                optimum = None
        if optimum is None:  # utilitarian, a tie, or a solver failure: the single package
            mix: tuple[MixMember, ...] = (MixMember(1.0, position),)
            hull_utilities = points[:, best].copy()
        else:
            mix = tuple(
                MixMember(float(weight), int(vertex_positions[index]))
                for weight, index in zip(optimum.weights, optimum.indices, strict=True)
            )
            hull_utilities = np.asarray(optimum.utilities, dtype=float)
        convergence = None if optimum is None else optimum.convergence
        solutions[name] = Solution(
            name=name,
            position=position,
            utilities=space.utilities[:, position].copy(),
            hull=HullPoint(hull_utilities, mix, mix_package(space, mix), convergence),
            method=METHODS[name],
        )
    return solutions


def _hull_optimum(
    name: str,
    vertices: np.ndarray,
    disagreement: np.ndarray,
    powers: np.ndarray,
    scale: np.ndarray,
) -> axiomatic.HullOptimum | None:
    """The criterion's optimum over the hull of ``vertices`` (two parties: the frontier
    chain, ordered by the first utility ascending). None for utilitarian: a linear
    criterion is maximized at a vertex, so the best single package is also the best point
    of the hull (and the closest to itself among tied hull points)."""
    two = vertices.shape[0] == 2
    if name == "utilitarian":
        return None
    if name == "nash":
        if two:
            return axiomatic.nash_on_frontier(vertices, disagreement, powers)
        start = int(np.argmax(axiomatic.nash_values(vertices, disagreement, powers)))
        return axiomatic.nash_on_hull(vertices, disagreement, powers, start)
    if two:
        return axiomatic.proportional_on_frontier(vertices, disagreement, scale)
    return axiomatic.proportional_on_hull(vertices, disagreement, scale)
