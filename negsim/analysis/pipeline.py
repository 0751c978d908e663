"""``solve(scenario) -> Analysis``: the one place that runs the solvers in order.

The CLI, sweeps, plots and reports all call :func:`solve` (or :func:`analyze` on an
outcome space already built), so every number they show comes from the same run.
"""

from __future__ import annotations

import numpy as np

from negsim.analysis.records import (
    Analysis,
    HullPoint,
    MixMember,
    Solution,
    SpaceCounts,
    mix_package,
)
from negsim.format.model import TOLERANCE, Scenario
from negsim.solvers import axiomatic, frontier
from negsim.space import OutcomeSpace

METHODS = {
    "nash": "generalized Nash product (Nash 1950; Roth 1979), powers from bargaining_power",
    "kalai_smorodinsky": "Kalai & Smorodinsky (1975): proportional gains towards the ideal point",
    "egalitarian": "egalitarian (Kalai 1977): largest equal gain over disagreement",
    "utilitarian": "utilitarian: largest utility sum",
}


def solve(scenario: Scenario) -> Analysis:
    """Enumerate ``scenario``'s outcome space and analyse it (see :func:`analyze`)."""
    return analyze(OutcomeSpace.from_scenario(scenario))


def analyze(space: OutcomeSpace) -> Analysis:
    """Frontier, zone of agreement, the axiomatic solutions and the protocol's equilibrium.

    Steps: individual rationality and the Pareto frontier of all feasible packages; the
    Pareto frontier of the convex hull of the individually rational ones (exact for two
    parties, Qhull and one LP per vertex for more); each solution over single packages
    and over the hull (:mod:`negsim.solvers.axiomatic`).
    """
    utilities, disagreement = space.utilities, space.disagreement
    rational = frontier.individually_rational(utilities, disagreement)
    efficient = frontier.pareto_mask(utilities)
    pareto_rational = np.flatnonzero(efficient & rational)
    zopa = bool(frontier.strictly_better(utilities, disagreement).any())
    counts = SpaceCounts(
        packages=space.n_packages,
        feasible=space.n_feasible,
        individually_rational=int(rational.sum()),
        pareto=int(efficient.sum()),
        pareto_individually_rational=int(pareto_rational.size),
    )
    points = utilities[:, pareto_rational]
    order = np.lexsort((pareto_rational, -points[0]))
    pareto_rational, points = pareto_rational[order], points[:, order]

    ideal = ranges = None
    hull_positions = np.zeros(0, dtype=np.int64)
    vertices = np.zeros((space.n_parties, 0))
    vertex_positions = hull_positions
    if pareto_rational.size:
        ideal = points.max(axis=1)
        if space.n_parties == 2:
            chain = frontier.upper_hull_two(points)  # first utility ascending
            vertex_positions = pareto_rational[chain]
            vertices = utilities[:, vertex_positions]
            hull_positions = vertex_positions[::-1]
            ranges = np.array(
                [[vertices[0, 0], vertices[0, -1]], [vertices[1, -1], vertices[1, 0]]]
            )
        else:
            corners = frontier.hull_vertices(points)
            vertex_positions = pareto_rational[corners]
            vertices = utilities[:, vertex_positions]
            on_frontier = axiomatic.hull_pareto_vertices(vertices)
            hull_positions = vertex_positions[on_frontier]
            hull_positions = hull_positions[
                np.lexsort((hull_positions, -utilities[0, hull_positions]))
            ]
            frontier_vertices = vertices[:, on_frontier]
            ranges = np.stack(
                [frontier_vertices.min(axis=1), frontier_vertices.max(axis=1)], axis=1
            )

    solutions: dict[str, Solution | None] = dict.fromkeys(METHODS)
    if zopa and ideal is not None:
        solutions = _solutions(space, pareto_rational, points, vertex_positions, vertices, ideal)
    from negsim.analysis.equilibrium import equilibrium
    from negsim.analysis.screening import screening

    return Analysis(
        space=space,
        counts=counts,
        disagreement=disagreement,
        ideal=ideal,
        zopa=zopa,
        ranges=ranges,
        pareto=pareto_rational,
        hull_frontier=hull_positions,
        solutions=solutions,
        equilibrium=equilibrium(space, efficient),
        screening=screening(space, efficient),
    )


def _solutions(
    space: OutcomeSpace,
    positions: np.ndarray,
    points: np.ndarray,
    vertex_positions: np.ndarray,
    vertices: np.ndarray,
    ideal: np.ndarray,
) -> dict[str, Solution | None]:
    """Each criterion over the Pareto-optimal individually rational packages (a dominated
    package can never beat the one dominating it, ties included) and over the hull."""
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
        solutions[name] = Solution(
            name=name,
            position=position,
            utilities=space.utilities[:, position].copy(),
            hull=HullPoint(hull_utilities, mix, mix_package(space, mix)),
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
