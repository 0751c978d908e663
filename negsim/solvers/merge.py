"""The Pareto frontier and the convex hull of an additive outcome space without enumerating
it: merge independent blocks of issues one at a time.

When utilities are sums over independent blocks (``u(x) = sum_b c_b(x_b)``), the utility
set of the whole space is the Minkowski sum of the blocks' sets, and a package that some
other package of its own block beats (at least as good for every party, better by more than
the tolerance for one) is beaten in the whole space too: swap that block's part, keep the
rest. So the Pareto frontier of a sum lies in the sum of the frontiers, and merging block
by block, pruning to the Pareto set after every merge, gives the exact frontier (Kung,
Luccio & Preparata 1975 for the filter; for the decomposition see e.g. Mittal &
Schulz 2013 on additive multi-objective problems). The convex hull of a Minkowski sum is
the sum of the hulls, so its vertices are sums of the blocks' hull vertices.

Utility vectors that agree to within :data:`SAME` are one point with a count of the
packages that give it, an exact integer (a space of 10^40 packages overflows int64), and
one representative package: ``choices[b, j]`` is the alternative of block ``b`` behind
point ``j``.

Example
-------
>>> first = np.array([[1.0, 0.0, 0.4], [0.0, 1.0, 0.4]])   # one issue, three options
>>> merged = merged_pareto([first, first])
>>> merged.utilities.tolist(), merged.counts.tolist()
([[2.0, 1.4, 1.0, 0.4, 0.0], [0.0, 0.4, 1.0, 1.4, 2.0]], [1, 2, 2, 2, 1])
>>> merged.n_packages, merged.n_pareto   # (0.4, 0.4) + (0.4, 0.4) is beaten by (1, 1)
(9, 8)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from negsim.format.model import TOLERANCE
from negsim.solvers import frontier

SAME = 1e-10
"""Utility vectors whose coordinates round to the same multiple of this are one point."""

CHUNK_SUMS = 4_000_000
"""Sums formed at once when merging (about 32 MB a party)."""


@dataclass(frozen=True)
class MergedFrontier:
    """The Pareto-optimal utility vectors of a sum of blocks.

    Attributes
    ----------
    utilities : numpy.ndarray
        float64, ``(n_parties, k)``: the distinct Pareto-optimal vectors, by the first
        party's utility, highest first.
    counts : numpy.ndarray
        object array of Python ints, ``(k,)``: how many packages give each vector.
    choices : numpy.ndarray
        int64, ``(n_blocks, k)``: a package giving each vector, as one alternative (column)
        of each block.
    n_packages : int
        Packages in the whole space (the product of the blocks' sizes), exact.
    """

    utilities: np.ndarray
    counts: np.ndarray
    choices: np.ndarray
    n_packages: int

    @property
    def n_pareto(self) -> int:
        """Pareto-optimal packages, counted exactly (ties included)."""
        return int(sum(self.counts.tolist()))


def _group(
    utilities: np.ndarray, counts: np.ndarray, choices: np.ndarray, ranks: np.ndarray
) -> tuple:
    """Vectors equal to within :data:`SAME` as one, their counts added; the member with the
    smallest rank (lexicographically, row 0 first) represents the group; ordered by the
    first party's utility, highest first."""
    keys = np.rint(utilities / SAME)
    # by every party's rounded utility (the first party first), then by rank
    order = np.lexsort((*ranks[::-1], *keys[::-1]))
    keys = keys[:, order]
    starts = np.ones(order.size, dtype=bool)
    starts[1:] = np.any(keys[:, 1:] != keys[:, :-1], axis=0)
    first = order[starts]
    group = np.cumsum(starts) - 1
    total = np.zeros(first.size, dtype=counts.dtype)
    np.add.at(total, group, counts[order])
    by_first = np.argsort(-utilities[0, first], kind="stable")
    first = first[by_first]
    return utilities[:, first], total[by_first], choices[:, first], ranks[:, first]


def _start(block: np.ndarray, ranks: np.ndarray, tolerance: float) -> tuple:
    block = np.asarray(block, dtype=np.float64)
    kept = np.flatnonzero(frontier.pareto_mask(block, tolerance))
    counts = np.ones(kept.size, dtype=object)
    return _group(block[:, kept], counts, kept[None, :], ranks[:, kept])


def _default_ranks(blocks: Sequence[np.ndarray]) -> list[np.ndarray]:
    """Rank of an alternative: its index in its block, block ``b`` in row ``b``."""
    ranks = []
    for b, block in enumerate(blocks):
        rank = np.zeros((len(blocks), block.shape[1]), dtype=np.int64)
        rank[b] = np.arange(block.shape[1])
        ranks.append(rank)
    return ranks


def _efficient_sums(
    left: np.ndarray, right: np.ndarray, tolerance: float
) -> tuple[np.ndarray, np.ndarray]:
    """The pairs ``(i, j)`` whose sums ``left[:, i] + right[:, j]`` are Pareto-optimal among
    all such sums. The outer sum is formed :data:`CHUNK_SUMS` sums at a time; a sum beaten
    within its chunk is beaten overall, so each chunk is pruned before the survivors of all
    chunks are compared (memory stays bounded however large the frontiers). Beating is
    judged with a tolerance, which is not transitive: with several chunks, a sum within
    twice the tolerance of being beaten may be kept where one pass would drop it."""
    n_left, n_right = left.shape[1], right.shape[1]
    step = max(1, CHUNK_SUMS // max(n_right, 1))
    found_left, found_right = [], []
    for start in range(0, n_left, step):
        part = left[:, start : start + step]
        summed = (part[:, :, None] + right[:, None, :]).reshape(left.shape[0], -1)
        kept = np.flatnonzero(frontier.pareto_mask(summed, tolerance))
        i, j = np.divmod(kept, n_right)
        found_left.append(i + start)
        found_right.append(j)
    left_index, right_index = np.concatenate(found_left), np.concatenate(found_right)
    if len(found_left) > 1:
        summed = left[:, left_index] + right[:, right_index]
        kept = np.flatnonzero(frontier.pareto_mask(summed, tolerance))
        left_index, right_index = left_index[kept], right_index[kept]
    return left_index, right_index


def merged_pareto(
    blocks: Sequence[np.ndarray],
    tolerance: float = TOLERANCE,
    ranks: Sequence[np.ndarray] | None = None,
) -> MergedFrontier:
    """The Pareto frontier of the sum of ``blocks``, each ``(n_parties, m_b)``: the utility
    contributions of one block's alternatives (its feasible combinations of levels).

    Every merge sums each point of the running frontier with each point of the next
    block's frontier (an outer sum on arrays), keeps the Pareto-optimal sums and only then
    counts and groups them; the work is the product of two frontiers' sizes per block,
    never the size of the space. Ties never dominate each other, so filtering before
    grouping keeps every tied package in the count.

    ``ranks`` (optional, one int64 ``(n_rows, m_b)`` array per block, blocks' nonzero rows
    disjoint) orders packages for choosing a group's representative: a package's rank is
    the sum of its alternatives' ranks, compared row by row. With each block's levels in
    the rows of its issues, the representative is the first package in enumeration order
    (as an enumerated space would list it first). Default: by block, then index.
    """
    if not blocks:
        raise ValueError("no blocks to merge")
    n_packages = 1
    for block in blocks:
        if block.shape[1] == 0:
            raise ValueError("a block has no feasible alternative")
        n_packages *= int(block.shape[1])
    ranks = _default_ranks(blocks) if ranks is None else ranks
    utilities, counts, choices, rank = _start(blocks[0], ranks[0], tolerance)
    for block, block_ranks in zip(blocks[1:], ranks[1:], strict=True):
        right, right_counts, right_choices, right_rank = _start(block, block_ranks, tolerance)
        left_index, right_index = _efficient_sums(utilities, right, tolerance)
        utilities, counts, choices, rank = _group(
            utilities[:, left_index] + right[:, right_index],
            counts[left_index] * right_counts[right_index],
            np.vstack([choices[:, left_index], right_choices[:, right_index]]),
            rank[:, left_index] + right_rank[:, right_index],
        )
    return MergedFrontier(utilities, counts, choices, n_packages)


def merged_hull(blocks: Sequence[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """The vertices of the convex hull's upper part of the sum of ``blocks``.

    Returns ``(utilities, choices)``: ``(n_parties, k)`` vertices and ``(n_blocks, k)`` the
    package behind each (:func:`negsim.solvers.frontier.hull_corners` of every block, then
    of every sum). Two parties: the hull's Pareto chain ordered by the first party's
    utility ascending, as :func:`~negsim.solvers.frontier.upper_hull_two` gives it.
    """
    utilities = np.zeros((blocks[0].shape[0], 1))
    choices = np.zeros((0, 1), dtype=np.int64)
    for block in blocks:
        block = np.asarray(block, dtype=np.float64)
        efficient = np.flatnonzero(frontier.pareto_mask(block))
        corners = efficient[frontier.hull_corners(block[:, efficient])]
        n_left, n_right = utilities.shape[1], corners.size
        summed = (utilities[:, :, None] + block[:, corners][:, None, :]).reshape(
            utilities.shape[0], -1
        )
        pair_choices = np.vstack(
            [choices[:, np.repeat(np.arange(n_left), n_right)], np.tile(corners, n_left)]
        )
        efficient = np.flatnonzero(frontier.pareto_mask(summed))
        kept = efficient[frontier.hull_corners(summed[:, efficient])]
        utilities, choices = summed[:, kept], pair_choices[:, kept]
    return utilities, choices
