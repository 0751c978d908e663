"""What a proposer may offer in a scenario: the offer set the equilibrium and screening
solvers search, tied to the feasible packages behind its points.

A proposer never offers a dominated package (whatever a dominating one gives is at least as
acceptable), so the offers are built from the Pareto-optimal feasible packages: those
packages themselves when ``protocol.lotteries`` is false, else lotteries on their convex
hull (the frontier chain for two parties, the hull's vertices for more).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from negsim.solvers import frontier
from negsim.solvers.offers import FrontierOffers, HullOffers, Offer, PureOffers
from negsim.space import OutcomeSpace

OfferSet = PureOffers | FrontierOffers | HullOffers


class MixMember(NamedTuple):
    """One package of a lottery: ``weight`` on the feasible package at ``position``."""

    weight: float
    position: int


@dataclass(frozen=True, eq=False)
class OfferSpace:
    """An offer set and the feasible positions of its points.

    ``offers`` answers "the proposer's best offer meeting these thresholds";
    ``points`` ``(n_parties, m)`` are its utility vectors (single packages, or the hull's
    vertices: a two-party frontier chain is ordered by the first party's utility
    ascending) and ``positions`` ``(m,)`` their feasible packages; ``own_range`` is each
    party's lowest and highest utility over the Pareto-optimal packages.
    """

    offers: OfferSet
    positions: np.ndarray
    own_range: tuple[np.ndarray, np.ndarray]

    @property
    def points(self) -> np.ndarray:
        """The utility vectors of the offer set's points, ``(n_parties, m)``."""
        if isinstance(self.offers, PureOffers):
            return self.offers.points
        return self.offers.vertices

    @property
    def lotteries(self) -> bool:
        """Offers may mix packages (the hull), not only single packages."""
        return not isinstance(self.offers, PureOffers)

    def mix(self, offer: Offer | None) -> tuple[MixMember, ...]:
        """An offer as a lottery of feasible positions (empty for no offer)."""
        if offer is None:
            return ()
        return tuple(
            MixMember(float(w), int(self.positions[i]))
            for w, i in zip(offer.weights, offer.indices, strict=True)
        )


def offer_space(
    space: OutcomeSpace, efficient: np.ndarray | None = None, corners: np.ndarray | None = None
) -> OfferSpace:
    """The offers a proposer may make in ``space.scenario`` (module docstring);
    ``efficient`` is the Pareto mask of the feasible packages and ``corners`` the
    positions of their hull's corners (:func:`hull_corners`), when already known."""
    utilities = space.utilities
    if efficient is None:
        efficient = frontier.pareto_mask(utilities)
    positions = np.flatnonzero(efficient)
    points = utilities[:, positions]
    own_range = (points.min(axis=1), points.max(axis=1))
    if not space.scenario.protocol.lotteries:
        return OfferSpace(PureOffers(points), positions, own_range)
    if corners is None:
        corners = frontier.hull_corners(points)
    else:
        corners = np.searchsorted(positions, corners)
    offers: OfferSet = (
        FrontierOffers(points[:, corners])
        if space.n_parties == 2
        else HullOffers(points[:, corners])
    )
    return OfferSpace(offers, positions[corners], own_range)


def hull_corners(space: OutcomeSpace, efficient: np.ndarray) -> np.ndarray:
    """The positions of the corners of the hull of the Pareto-optimal packages
    (``efficient``, a mask), in the order :func:`negsim.solvers.frontier.hull_corners`
    gives them for those packages in enumeration order."""
    positions = np.flatnonzero(efficient)
    return positions[frontier.hull_corners(space.utilities[:, positions])]
