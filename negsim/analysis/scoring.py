"""Scoring agreements a class reached (``negsim play``, ``negsim debrief``).

A deal is a feasible package (its position, :mod:`negsim.analysis.any_package`: in a
merged space also a package off the Pareto-frontier columns it keeps) or no deal, which
gives every party its expected disagreement utility ``d``. For a deal with utilities ``u``:

* **points**: ``u``, each party's utility (a party's own score on its role sheet); without
  a deal ``d``, except that a party that walked away gets its outside option;
* **Pareto-optimal**: no feasible package gives every party at least ``u_i`` and one more
  (within 1e-9);
* **joint value left on the table**: ``max sum_i (v_i - u_i)`` over the feasible packages
  ``v`` with ``v_i >= u_i`` for every party: what the parties could have added together
  without making either worse off (Raiffa 1982, ch. 10; Thompson 1990). It is 0 exactly
  when the deal is Pareto-optimal, and the package reaching it is reported;
* **distance to the frontier**: the Euclidean distance in utility space from ``u`` to the
  nearest Pareto-optimal feasible package (0 on the frontier).

Everything is computed on the utility matrix, one numpy pass per deal. A merged space
holds only its Pareto frontier, which suffices: a feasible package weakly better than
``u`` is weakly dominated by a Pareto-optimal one, whose joint gain is at least as high.

References
----------
Raiffa, H. (1982). The Art and Science of Negotiation. Harvard University Press.
Thompson, L. (1990). Negotiation behavior and outcomes: Empirical evidence and theoretical
issues. Psychological Bulletin 108(3):515-532.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from negsim.analysis.any_package import AnyPackage
from negsim.format.model import TOLERANCE
from negsim.solvers import frontier
from negsim.space import OutcomeSpace


@dataclass(frozen=True)
class DealScore:
    """How good one agreement (or no agreement) was; see the module docstring.

    Attributes
    ----------
    position : int or None
        The package's position (:mod:`negsim.analysis.any_package`); None for no deal.
    utilities : numpy.ndarray
        ``(n_parties,)`` the points of each party (disagreement utilities for no deal).
    pareto_optimal : bool
    joint_value_left : float
        What the parties left on the table together (>= 0).
    better_position : int or None
        A package reaching ``joint_value_left``; None when nothing is left.
    distance_to_frontier : float
    """

    position: int | None
    utilities: np.ndarray
    pareto_optimal: bool
    joint_value_left: float
    better_position: int | None
    distance_to_frontier: float

    @property
    def agreed(self) -> bool:
        """Whether the parties agreed on a package."""
        return self.position is not None


def pareto_positions(space: OutcomeSpace) -> np.ndarray:
    """Positions of the Pareto-optimal feasible packages (not only the rational ones)."""
    return np.flatnonzero(frontier.pareto_mask(space.utilities))


def score_deal(
    space: OutcomeSpace, position: int | None, pareto: np.ndarray | None = None,
    no_deal: np.ndarray | None = None,
) -> DealScore:  # fmt: skip
    """Score one deal; ``pareto`` (from :func:`pareto_positions`) saves recomputing it.
    ``no_deal``: what each party got without a deal when it is not the disagreement point
    (a party that walked away to its outside option; :func:`walk_away_point`)."""
    pareto = pareto_positions(space) if pareto is None else pareto
    utilities = space.utilities
    if position is not None:
        points = np.array(AnyPackage.of(space).utilities(int(position)), dtype=float)
    else:
        points = np.array(space.disagreement if no_deal is None else no_deal, dtype=float)
    weakly_better = np.all(utilities >= points[:, None] - TOLERANCE, axis=0)
    gains = (utilities[:, weakly_better] - points[:, None]).sum(axis=0)
    candidates = np.flatnonzero(weakly_better)
    best = int(np.argmax(gains)) if gains.size else -1
    left = float(gains[best]) if gains.size and gains[best] > TOLERANCE else 0.0
    better = int(candidates[best]) if left > 0.0 else None
    gaps = utilities[:, pareto] - points[:, None]
    distance = float(np.sqrt((gaps**2).sum(axis=0)).min()) if pareto.size else 0.0
    optimal = position is not None and left == 0.0
    if optimal:
        distance = 0.0
    return DealScore(
        position=position,
        utilities=points,
        pareto_optimal=optimal,
        joint_value_left=left,
        better_position=better,
        distance_to_frontier=distance,
    )


def walk_away_point(space: OutcomeSpace, walker: str) -> np.ndarray:
    """Each party's utility when ``walker`` walks away: its outside option, the others their
    disagreement utility (``negsim play``'s rule)."""
    scenario = space.scenario
    option = scenario.party(walker).outside_option
    if option is None:
        raise ValueError(f"{walker} has no outside option to walk away to")
    points = np.array(space.disagreement, dtype=float)
    points[scenario.party_index(walker)] = option
    return points


def score_deals(
    space: OutcomeSpace, positions: Sequence[int | None],
    walkers: Sequence[str | None] | None = None,
) -> list[DealScore]:  # fmt: skip
    """:func:`score_deal` of each deal, the frontier computed once; ``walkers``: for each
    deal without one, the party that walked away (None: nobody)."""
    pareto = pareto_positions(space)
    walkers = walkers if walkers is not None else [None] * len(positions)
    return [
        score_deal(space, position, pareto,
                   None if walker is None else walk_away_point(space, walker))
        for position, walker in zip(positions, walkers, strict=True)
    ]  # fmt: skip
