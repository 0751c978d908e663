"""``solve(scenario) -> Analysis``: the one place that runs the solvers in order.

The CLI, sweeps, charts and reports all call :func:`solve` (or :func:`analyze` on an
outcome space already built), so every number they show comes from the same run.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from negsim.analysis import solutions as axiomatic_solutions
from negsim.analysis.equilibrium import equilibrium
from negsim.analysis.offers import hull_corners, offer_space
from negsim.analysis.records import Analysis, Equilibrium, Screening, Solution, SpaceCounts
from negsim.analysis.screening import screening
from negsim.format.model import TOLERANCE
from negsim.format.scenario import Scenario
from negsim.progress import ProgressFactory
from negsim.solvers import axiomatic, chain, frontier, proportional
from negsim.solvers.convergence import Convergence
from negsim.space import OutcomeSpace


def solve(scenario: Scenario) -> Analysis:
    """Build ``scenario``'s outcome space (enumerated, or merged when too large:
    :func:`negsim.analysis.merged.outcome_space`) and analyse it (see :func:`analyze`)."""
    from negsim.analysis.merged import outcome_space

    return analyze(outcome_space(scenario))


def analyze(space: OutcomeSpace, progress: ProgressFactory | None = None) -> Analysis:
    """Frontier, zone of agreement, the axiomatic solutions, the protocol's equilibrium and
    screening (``progress`` makes a progress bar for a long screening solve).

    Steps: individual rationality and the Pareto frontier of all feasible packages; the
    Pareto frontier of the convex hull of the individually rational ones (exact for two
    parties, Qhull and one LP per vertex for more); whether some package (``zopa``) or some
    lottery (``zopa_with_lotteries``, one LP) gives every party a gain; each solution over
    single packages when ``zopa`` and over the hull when ``zopa_with_lotteries``
    (:mod:`negsim.analysis.solutions`); the offer set, then the
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
        feasible=space.feasible_packages,
        individually_rational=int(rational.sum()) if space.is_enumerated else None,
        pareto=space.count(np.flatnonzero(efficient)),
        pareto_individually_rational=space.count(pareto_rational),
        merged=not space.is_enumerated,
    )
    points = utilities[:, pareto_rational]
    order = np.lexsort((pareto_rational, -points[0]))
    pareto_rational, points = pareto_rational[order], points[:, order]

    hull = _hull(space, efficient, pareto_rational, points)
    ideal, ranges, vertices = hull.ideal, hull.ranges, hull.vertices
    hull_positions, vertex_positions, corners = hull.frontier, hull.vertex_positions, hull.corners
    zopa_with_lotteries = zopa or _lottery_gains(vertices, disagreement)
    solutions = axiomatic_solutions.no_solutions()
    if zopa_with_lotteries and ideal is not None:
        solutions = axiomatic_solutions.solutions(
            space, pareto_rational, points, vertex_positions, vertices, ideal, zopa
        )
    offers = offer_space(space, efficient, corners)
    found = equilibrium(space, offers=offers)
    screened = screening(space, offers=offers, progress=progress)
    return Analysis(
        space=space,
        counts=counts,
        disagreement=disagreement,
        ideal=ideal,
        zopa=zopa,
        zopa_with_lotteries=zopa_with_lotteries,
        ranges=ranges,
        pareto=pareto_rational,
        hull_frontier=hull_positions,
        solutions=solutions,
        offers=offers,
        equilibrium=found,
        screening=screened,
        warnings=_warnings(solutions, found) + _screening_warnings(screened),
    )


class _Hull(NamedTuple):
    """The convex hull of the individually rational packages: the ideal point, each party's
    range on the hull's frontier, the hull's vertices (utilities and positions), the
    frontier's positions in the order of the JSON, and the corners of all Pareto-optimal
    packages when one hull serves the offers too."""

    ideal: np.ndarray | None
    ranges: np.ndarray | None
    vertices: np.ndarray
    vertex_positions: np.ndarray
    frontier: np.ndarray
    corners: np.ndarray | None


def _hull(
    space: OutcomeSpace, efficient: np.ndarray, pareto_rational: np.ndarray, points: np.ndarray
) -> _Hull:
    """The hull of the individually rational Pareto-optimal packages ``pareto_rational``
    (utilities ``points``): exact for two parties, Qhull and one LP per vertex for more."""
    utilities = space.utilities
    ideal = ranges = None
    hull_positions = np.zeros(0, dtype=np.int64)
    vertices = np.zeros((space.n_parties, 0))
    vertex_positions = hull_positions
    corners = None  # the hull's corners for the offers, when already known
    if pareto_rational.size:
        ideal = points.max(axis=1)
        vertex_positions, corners = _corners(space, efficient, pareto_rational, points)
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

    return _Hull(ideal, ranges, vertices, vertex_positions, hull_positions, corners)


def _lottery_gains(vertices: np.ndarray, disagreement: np.ndarray) -> bool:
    """Some lottery over the hull's ``vertices`` gives every party more than disagreement
    by more than the tolerance: the largest smallest gain ``max_w min_i ((V w)_i - d_i)``
    exceeds it (a linear program; in closed form on a two-party chain)."""
    if vertices.shape[1] == 0:
        return False
    ones = np.ones_like(disagreement)
    if vertices.shape[0] == 2:  # the frontier chain, first utility ascending
        return chain.chain_level(vertices, disagreement, ones) > TOLERANCE
    found = proportional.largest_level(vertices, disagreement, ones)
    return found is not None and found[0] > TOLERANCE


def _corners(
    space: OutcomeSpace, efficient: np.ndarray, pareto_rational: np.ndarray, points: np.ndarray
) -> tuple[np.ndarray, np.ndarray | None]:
    """The positions of the corners of the hull of the Pareto-optimal individually rational
    packages (``points``, at ``pareto_rational``), in ``points``' order; and, when every
    Pareto-optimal package is rational, the same corners in the offer set's order (one
    hull serves both), else None."""
    if pareto_rational.size < np.count_nonzero(efficient):
        return pareto_rational[frontier.hull_corners(points)], None
    corners = hull_corners(space, efficient)
    if space.n_parties == 2:  # the frontier chain, in the same order either way
        return corners, corners
    return corners[np.lexsort((corners, -space.utilities[0, corners]))], corners


def _warnings(solutions: dict[str, Solution | None], found: Equilibrium) -> tuple[str, ...]:
    """One line for every iterative method that stopped short of its tolerance."""
    reports: list[tuple[str, Convergence | None]] = [
        (f"{name} solution over lotteries", None if solution is None else solution.hull.convergence)
        for name, solution in solutions.items()
    ]
    reports.append(("equilibrium", found.convergence))
    return tuple(
        f"{what}: {report}; {_unsettled(report)}"
        for what, report in reports
        if report is not None and not report.converged
    )


def _unsettled(report: Convergence) -> str:
    """What an unconverged report means for the numbers: an iteration's last step bounds
    its error; ever longer deadlines that still differ may drift for ever (a cost paid
    round after round), so their difference bounds nothing."""
    if report.method.startswith("limit of ever longer deadlines"):
        return (
            f"successive deadlines still differ by about {report.residual:.1g}, so these "
            "numbers may not be near any limit"
        )
    return f"its numbers are accurate only to about {report.residual:.1g}"


def _screening_warnings(screened: Screening | None) -> tuple[str, ...]:
    """A line when the screening block's grid of types leaves its numbers unsettled."""
    if screened is None or screened.discretization is None or screened.discretization.settled:
        return ()
    return (
        f"screening: {screened.discretization}; raise the distribution's types for "
        "steadier numbers",
    )
