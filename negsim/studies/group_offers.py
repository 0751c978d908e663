"""Offers in a negotiation of three or more parties (``negsim play``, ``negsim classroom``).

With two parties an agent offers the Pareto-optimal package best for the other side among
those meeting its target (:mod:`negsim.studies.simulate`). With more, "best for the other
side" has no single meaning, and the voting rule decides whose vote the proposer needs. A
proposer that needs ``k`` votes besides its own (``k = n - 1`` under unanimity,
``k = floor(n / 2)`` under majority) does what the stationary equilibrium of Baron and
Ferejohn (1989) does: it buys the ``k`` votes it can get most easily and gives nothing it
need not give. Among the Pareto-optimal packages meeting its target it offers the one
whose ``k``-th most pleased other party is most pleased, each party's pleasure measured
as its share of the way from its walk-away value to its best package (so that parties
with different scales count alike); ties go to the package more pleasing to the others
together, then to the earlier package. Under unanimity this is the package most even
among the others (their least pleased as pleased as can be); under majority with three
members it is one partner's best package at the proposer's target, the third left out.

Baron, D. P. & Ferejohn, J. A. (1989). Bargaining in Legislatures. American Political
Science Review 83(4):1181-1206.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from negsim.format.model import TOLERANCE
from negsim.solvers.frontier import pareto_mask
from negsim.space import OutcomeSpace

__all__ = ["GroupOffers", "votes_needed"]


def votes_needed(n_parties: int, kind: str, rule: str) -> int:
    """Yes votes a proposal needs, the proposer's included: all ``n_parties`` under
    unanimity (and under every protocol but ``random_proposer``, whose ``rule`` alone may
    be ``majority``: strictly more than half of all parties)."""
    if kind == "random_proposer" and rule == "majority":
        return n_parties // 2 + 1
    return n_parties


@dataclass(frozen=True)
class GroupOffers:
    """The Pareto-optimal packages of a group negotiation and each party's scale.

    ``positions``: the Pareto-optimal feasible positions, ascending; ``utilities``: shape
    ``(n, k)``, every party's stated utility of each; ``floor`` and ``top``: each party's
    walk-away value (its disagreement utility or outside option, whichever is higher,
    as the scenario states them) and its best utility on the frontier.
    """

    positions: np.ndarray
    utilities: np.ndarray
    floor: np.ndarray
    top: np.ndarray
    quota: int

    @classmethod
    def of(cls, space: OutcomeSpace) -> GroupOffers:
        scenario = space.scenario
        positions = np.flatnonzero(pareto_mask(space.utilities))
        utilities = space.utilities[:, positions]
        floor = np.array([
            max(p.disagreement.expected,
                -np.inf if p.outside_option is None else p.outside_option)
            for p in scenario.parties
        ])  # fmt: skip
        protocol = scenario.protocol
        quota = votes_needed(scenario.n_parties, protocol.kind, protocol.rule)
        return cls(positions, utilities, floor, utilities.max(axis=1), quota)

    def pleasure(self) -> np.ndarray:
        """Each party's share of the way from its walk-away value to its best, shape
        ``(n, k)`` (1 where the two coincide)."""
        span = self.top - self.floor
        safe = np.where(span > TOLERANCE, span, 1.0)
        share = (self.utilities - self.floor[:, None]) / safe[:, None]
        return np.where((span > TOLERANCE)[:, None], share, 1.0)

    def offer(self, party: int, targets: np.ndarray, favour: int | None = None) -> np.ndarray:
        """The position ``party`` offers at each target on its own stated utility (see the
        module docstring); above its best, its best package for the others. ``favour``
        (another party) breaks ties between equally good vote buys in its favour first:
        under majority, which partner's vote to buy."""
        targets = np.atleast_1d(np.asarray(targets, dtype=float))
        own = self.utilities[party]
        pleasure = self.pleasure()
        others = np.delete(pleasure, party, axis=0)
        votes = self.quota - 1
        if votes <= 0 or others.shape[0] == 0:
            bought = np.zeros(own.size)
        else:
            # the votes-th most pleased other party, for each package
            bought = -np.partition(-others, votes - 1, axis=0)[votes - 1]
        together = others.sum(axis=0)
        favoured = np.zeros(own.size) if favour is None else pleasure[favour]
        # best first: most pleased bought vote, then the favoured party, then the others
        # together, then the position
        order = np.lexsort((self.positions, -together, -favoured, -bought))
        reach = np.minimum(targets, own.max())
        meets = own[order][None, :] >= reach[:, None] - TOLERANCE
        first = np.argmax(meets, axis=1)
        return self.positions[order[first]]
