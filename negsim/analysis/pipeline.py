"""``solve(scenario) -> Analysis``: the one place that runs the solvers in order.

The CLI, sweeps, charts and reports all call :func:`solve` (or :func:`analyze` on an
outcome space already built), so every number they show comes from the same run.
"""

from __future__ import annotations

import numpy as np

from negsim.analysis import solutions as axiomatic_solutions
from negsim.analysis.equilibrium import equilibrium
from negsim.analysis.offers import offer_space
from negsim.analysis.records import Analysis, Equilibrium, Screening, Solution, SpaceCounts
from negsim.analysis.screening import screening
from negsim.format.scenario import Scenario
from negsim.solvers import axiomatic, frontier
from negsim.solvers.convergence import Convergence
from negsim.space import OutcomeSpace


def solve(scenario: Scenario) -> Analysis:
    """Enumerate ``scenario``'s outcome space and analyse it (see :func:`analyze`)."""
    return analyze(OutcomeSpace.from_scenario(scenario))


def analyze(space: OutcomeSpace) -> Analysis:
    """Frontier, zone of agreement, the axiomatic solutions, the protocol's equilibrium and
    screening.

    Steps: individual rationality and the Pareto frontier of all feasible packages; the
    Pareto frontier of the convex hull of the individually rational ones (exact for two
    parties, Qhull and one LP per vertex for more); each solution over single packages
    and over the hull (:mod:`negsim.analysis.solutions`); the offer set, then the
    equilibrium (:mod:`negsim.analysis.equilibrium`) and screening
    (:mod:`negsim.analysis.screening`) on it; last, a warning for every iterative method
    that stopped short of its tolerance, and for a screening block whose grid of types
    leaves its numbers moving by more than 0.005.
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
        vertex_positions = pareto_rational[frontier.hull_corners(points)]
        vertices = utilities[:, vertex_positions]
        if space.n_parties == 2:  # the frontier chain, first utility ascending
            hull_positions = vertex_positions[::-1]
            ranges = np.array(
                [[vertices[0, 0], vertices[0, -1]], [vertices[1, -1], vertices[1, 0]]]
            )
        else:
            on_frontier = axiomatic.hull_pareto_vertices(vertices)
            hull_positions = vertex_positions[on_frontier]
            hull_positions = hull_positions[
                np.lexsort((hull_positions, -utilities[0, hull_positions]))
            ]
            frontier_vertices = vertices[:, on_frontier]
            ranges = np.stack(
                [frontier_vertices.min(axis=1), frontier_vertices.max(axis=1)], axis=1
            )

    solutions = axiomatic_solutions.no_solutions()
    if zopa and ideal is not None:
        solutions = axiomatic_solutions.solutions(
            space, pareto_rational, points, vertex_positions, vertices, ideal
        )
    offers = offer_space(space, efficient)
    found = equilibrium(space, offers=offers)
    screened = screening(space, offers=offers)
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
        offers=offers,
        equilibrium=found,
        screening=screened,
        warnings=_warnings(solutions, found) + _screening_warnings(screened),
    )


def _warnings(solutions: dict[str, Solution | None], found: Equilibrium) -> tuple[str, ...]:
    """One line for every iterative method that stopped short of its tolerance."""
    reports: list[tuple[str, Convergence | None]] = [
        (f"{name} solution over lotteries", None if solution is None else solution.hull.convergence)
        for name, solution in solutions.items()
    ]
    reports.append(("equilibrium", found.convergence))
    return tuple(
        f"{what}: {report}; its numbers are accurate only to about {report.residual:.1g}"
        for what, report in reports
        if report is not None and not report.converged
    )


def _screening_warnings(screened: Screening | None) -> tuple[str, ...]:
    """A line when the screening block's grid of types leaves its numbers unsettled."""
    if screened is None or screened.discretization is None or screened.discretization.settled:
        return ()
    return (
        f"screening: {screened.discretization}; raise the distribution's types for "
        "steadier numbers",
    )
