"""Pareto filters for three and more parties: the utility vectors no other one dominates.

Dominance is the scenario format's, with its absolute tolerance ``t`` (1e-9): column ``j``
dominates column ``i`` when ``u_j >= u_i - t`` for every party and ``u_j > u_i + t`` for
one (both sides computed in floating point exactly so). Every route below gives exactly
the points this definition keeps, ties and duplicates included (a duplicate is never
dominated by its twin, so both stay or both go).

**Ranks.** When the tolerance splits each party's utilities cleanly into clusters (every
two values of a cluster within ``t`` of each other, every two of different clusters more
than ``t`` apart; :func:`cluster_ranks` checks this exactly), replacing each utility by its
cluster's rank turns "within the tolerance" into "equal", and dominance into the plain
componentwise order of integer vectors. Grids (splits, options) always qualify; only
chains of values less than ``t`` apart do not.

**Three parties.** The sweep of Kung, Luccio & Preparata (1975): visit the points by the
first party's utility, best first; a point is dominated when one already visited beats
it in the other two, a query on the 2-D staircase of the visited points. The queries of
all steps are answered together by divide and conquer over the sweep order (each pair of
halves: the earlier half's points against the later half's queries, by a running maximum
along the second party's order), ``O(n log n)``, each level vectorized
(:func:`_sweep_hits`). On ranks the points are their own queries; otherwise each point
asks three queries with its own thresholds, one per party that must gain more than ``t``.

**More parties.** A k-d tree (Bentley 1975) searched against itself (dual-tree search,
Gray & Moore 2001), level by level: a pair of boxes is dropped when no point of one can
dominate a point of the other, a whole box is settled when every point of another box
dominates all of it, and the pairs left at the leaves are compared point by point. On
ranks a point can only be dominated by one of larger rank sum (the sort order of the
sort-filter skyline, Chomicki et al. 2003), which prunes the pairs along the frontier;
on the all-efficient simplex of a split no pair survives.

References
----------
Kung, H. T., Luccio, F. & Preparata, F. P. (1975). On Finding the Maxima of a Set of
Vectors. J. ACM 22(4):469-476.
Bentley, J. L. (1975). Multidimensional binary search trees used for associative
searching. Commun. ACM 18(9):509-517.
Gray, A. G. & Moore, A. W. (2001). N-Body Problems in Statistical Learning. NIPS 13.
Chomicki, J., Godfrey, P., Gryz, J. & Liang, D. (2003). Skyline with Presorting. ICDE 2003.
"""

from __future__ import annotations

import numpy as np

LEAF_SIZE = 16
"""Points per leaf of the k-d tree (more parties)."""
PAIR_CHUNK = 1 << 14
"""Leaf pairs compared at once (memory: chunk x leaf x leaf booleans)."""


def pareto_many(utilities: np.ndarray, tolerance: float) -> np.ndarray:
    """Boolean mask of the columns of ``utilities`` (``(n_parties, n_points)``, three or
    more parties) that no other column dominates (module docstring).

    Champions first drop most dominated points (:func:`_survivors`), on the values and
    then, when the survivors' utilities qualify, on their ranks; the exact filter then
    runs on what is left.
    """
    n_parties, n_points = utilities.shape
    mask = np.zeros(n_points, dtype=bool)
    if n_points <= 1:
        return ~mask  # champions always survive, so ``keep`` below is never empty
    keep = _survivors(utilities, 2 * tolerance)
    ranks = _ranks(utilities[:, keep], tolerance)
    if ranks is not None:
        if keep.size < n_points:  # champions remove something: try them on the ranks too
            kept = _survivors(ranks, None)
            keep, ranks = keep[kept], ranks[:, kept]
        dominated = _dominated_ranks(ranks)
    elif n_parties == 3:
        dominated = _dominated_three_thresholds(utilities[:, keep], tolerance)
    else:
        dominated = _dominated_tree(utilities[:, keep], tolerance, None)
    mask[keep[~dominated]] = True
    return mask


def _ranks(utilities: np.ndarray, tolerance: float) -> np.ndarray | None:
    """Every party's cluster ranks (:func:`cluster_ranks`), ``int32``, or None if the
    tolerance does not split some party's utilities cleanly."""
    ranks = np.empty(utilities.shape, dtype=np.int32)
    for party, row in enumerate(utilities):
        rank = cluster_ranks(row, tolerance)
        if rank is None:
            return None
        ranks[party] = rank
    return ranks


CHAMPION_ROUNDS = (8, 32, 128)
"""Random weightings tried in successive rounds of :func:`_survivors`."""
ELIMINATION_MIN_POINTS = 2048
"""Below this many points the exact filter runs at once."""


def _survivors(points: np.ndarray, margin: float | None) -> np.ndarray:
    """Indices of the points left after champions have removed those they dominate.

    A champion maximizes a positively weighted sum of the (rescaled) utilities over the
    points left, so nothing dominates it. On ranks (``margin`` None), or with no
    tolerance, a point goes when a champion dominates it: dominance is then transitive,
    so whatever a removed point
    dominates a champion dominates too. On values, where the tolerance makes dominance
    intransitive, a point goes only when a champion beats it by ``margin`` (twice the
    tolerance) for every party: ``c >= j + 2t`` and ``j >= i - t`` give ``c >= i + t``,
    so whatever it dominates the champion dominates too. Either way the survivors settle
    among themselves exactly which of them are dominated. Rounds of more weightings
    continue while they remove at least a tenth of what is left.
    """
    n_parties, n_points = points.shape
    keep = np.arange(n_points)
    rng = np.random.default_rng(0)
    for n_weights in CHAMPION_ROUNDS:
        if keep.size < ELIMINATION_MIN_POINTS:
            break
        left = points[:, keep]
        # each party's utilities rescaled to [0, 1] (the offsets do not move an argmax)
        span = left.max(axis=1) - left.min(axis=1)
        weights = rng.dirichlet(np.ones(n_parties), n_weights) / np.maximum(span, 1e-300)
        chunk = max(1, (1 << 22) // keep.size)
        best = np.concatenate(
            [np.argmax(weights[k : k + chunk] @ left, axis=1) for k in range(0, n_weights, chunk)]
        )
        champions = left[:, np.unique(best)]
        alive = np.ones(keep.size, dtype=bool)
        for champion in champions.T:
            alive &= ~_beaten(left, champion, margin)
        removed = keep.size - int(alive.sum())
        keep = keep[alive]
        if removed < (keep.size + removed) // 10:
            break
    return keep


def _beaten(points: np.ndarray, champion: np.ndarray, margin: float | None) -> np.ndarray:
    """Which columns ``champion`` dominates (ranks, ``margin`` None, or no tolerance), or
    beats by at least ``margin`` for every party (values)."""
    if not margin:
        beaten = points[0] <= champion[0]
        differs = points[0] != champion[0]
        for party in range(1, points.shape[0]):
            beaten &= points[party] <= champion[party]
            differs |= points[party] != champion[party]
        return beaten & differs
    beaten = points[0] <= champion[0] - margin
    for party in range(1, points.shape[0]):
        beaten &= points[party] <= champion[party] - margin
    return beaten


def cluster_ranks(values: np.ndarray, tolerance: float) -> np.ndarray | None:
    """Each value's cluster rank (0, 1, ...) when ``tolerance`` splits ``values`` cleanly,
    else None.

    Clusters are the runs of the sorted values with gaps of at most ``tolerance``. They
    are clean when each cluster's extremes are within the tolerance of each other and
    neighbouring clusters are further apart than it, both ways round in floating point:
    then ``a >= b - tolerance`` exactly when ``rank(a) >= rank(b)``, and ``a > b +
    tolerance`` exactly when ``rank(a) > rank(b)`` (rounding is monotone, so checking the
    extremes covers every pair).
    """
    order = np.argsort(values, kind="stable")
    ordered = values[order]
    starts = np.empty(ordered.size, dtype=bool)
    starts[0] = True
    np.greater(ordered[1:], ordered[:-1] + tolerance, out=starts[1:])
    first = np.flatnonzero(starts)
    last = np.append(first[1:] - 1, ordered.size - 1)
    low, high = ordered[first], ordered[last]
    if np.any(high > low + tolerance) or np.any(low < high - tolerance):
        return None  # a cluster wider than the tolerance
    if np.any(high[:-1] >= low[1:] - tolerance):
        return None  # neighbouring clusters within the tolerance one way round
    ranks = np.empty(values.size, dtype=np.int64)
    ranks[order] = np.cumsum(starts) - 1
    return ranks


def _dominated_ranks(ranks: np.ndarray) -> np.ndarray:
    """Dominated columns of integer rank vectors: some other column is at least as large
    everywhere and different. Duplicates are merged first (they share their answer)."""
    n_parties = ranks.shape[0]
    widths = [int(row.max()).bit_length() for row in ranks]
    if sum(widths) <= 63:  # one integer key per column, first party most significant
        key = np.zeros(ranks.shape[1], dtype=np.int64)
        for row, width in zip(ranks, widths, strict=True):
            key = (key << width) | row
        order = np.argsort(key, kind="stable")
        key = key[order]
        new = np.empty(order.size, dtype=bool)
        new[0] = True
        np.not_equal(key[1:], key[:-1], out=new[1:])
        ordered = ranks[:, order]
    else:
        order = np.lexsort(ranks[::-1])
        ordered = ranks[:, order]
        new = np.empty(order.size, dtype=bool)
        new[0] = True
        np.any(ordered[:, 1:] != ordered[:, :-1], axis=0, out=new[1:])
    group = np.cumsum(new) - 1
    unique = ordered[:, new]
    if n_parties == 3:
        dominated = _dominated_three_ranks(unique)
    else:
        dominated = _dominated_tree(unique, 0.0, unique.sum(axis=0))
    result = np.empty(order.size, dtype=bool)
    result[order] = dominated[group]
    return result


def _dominated_three_ranks(unique: np.ndarray) -> np.ndarray:
    """Three parties, distinct rank vectors sorted lexicographically ascending: a point is
    dominated when one later in that order (so no smaller in the first party) is at least
    as large in the other two."""
    n_points = unique.shape[1]
    position = np.arange(n_points - 1, -1, -1, dtype=np.int64)  # sweep: best first
    # the second party ascending; on ties the later swept (the earlier column) first, so
    # that an earlier-swept point with the same second utility lies after its query
    order = np.argsort(unique[1], kind="stable")
    return _sweep_hits(position, order, unique[2], None)


def _dominated_three_thresholds(utilities: np.ndarray, tolerance: float) -> np.ndarray:
    """Three parties, any values: point ``i`` is dominated when some point is at least
    ``u_i - t`` everywhere and above ``u_i + t`` in party ``k``, for ``k = 0, 1, 2``; three
    queries per point, each a threshold per party (as a rank among the sorted values)."""
    n_points = utilities.shape[1]
    ranks = np.empty((3, n_points), dtype=np.int64)
    at_least = np.empty((3, n_points), dtype=np.int64)
    above = np.empty((3, n_points), dtype=np.int64)
    for party, row in enumerate(utilities):
        ordered = np.sort(row)
        ranks[party] = np.searchsorted(ordered, row, side="left")
        at_least[party] = np.searchsorted(ordered, row - tolerance, side="left")
        above[party] = np.searchsorted(ordered, row + tolerance, side="right")
    # rank >= threshold in every party; query k needs party k above, the others at least
    thresholds = [
        np.concatenate([above[p] if p == k else at_least[p] for k in range(3)]) for p in range(3)
    ]
    events = 4 * n_points
    # sweep by the first party, best first; a point before a query of its own rank
    sweep_key = np.concatenate([2 * ranks[0] + 1, 2 * thresholds[0]])
    position = np.empty(events, dtype=np.int64)
    position[np.argsort(-sweep_key, kind="stable")] = np.arange(events)
    # the second party ascending; a point after a query of its own rank
    order = np.argsort(np.concatenate([2 * ranks[1] + 1, 2 * thresholds[1]]), kind="stable")
    value = np.concatenate([ranks[2], np.full(3 * n_points, -1, dtype=np.int64)])
    threshold = np.concatenate([np.full(n_points, n_points, dtype=np.int64), thresholds[2]])
    hits = _sweep_hits(position, order, value, threshold)[n_points:].reshape(3, n_points)
    return np.any(hits, axis=0)


def _sweep_hits(
    position: np.ndarray, order: np.ndarray, value: np.ndarray, threshold: np.ndarray | None
) -> np.ndarray:
    """For each element ``e``: is there an ``f`` swept earlier (``position[f] <
    position[e]``), after ``e`` in ``order`` and with ``value[f] >= threshold[e]``
    (``threshold`` None: ``value[e]``)?

    Offline divide and conquer over the sweep positions, all blocks of a level at once:
    the elements are kept in ``order`` within blocks of the level; a running maximum
    along each block over the earlier half's values answers the later half's queries; a
    stable partition by the next bit of the position splits every block. Positions,
    values and thresholds must be below ``2**31``.
    """
    n_elements = position.size
    if n_elements <= 1:
        return np.zeros(n_elements, dtype=bool)
    width = 1 << int(n_elements - 1).bit_length()
    # padding: swept after everything, so it answers no query and asks none that counts;
    # the elements are kept in ``order`` backwards, so "after e" is "before e" in a block
    # and a running maximum from each block's start answers the queries
    backwards = order[::-1]
    padding = np.arange(n_elements, width, dtype=np.int32)
    pos = np.concatenate([position[backwards].astype(np.int32), padding])
    val = np.concatenate([value[backwards].astype(np.int32), np.full(padding.size, -1, np.int32)])
    need = val
    if threshold is not None:
        need = np.concatenate(
            [threshold[backwards].astype(np.int32), np.full(padding.size, -1, np.int32)]
        )
    hit = np.zeros(width, dtype=bool)
    index = np.arange(width, dtype=np.int32)
    moves = np.empty(width, dtype=np.int32)
    for level in range(width.bit_length() - 2, -1, -1):
        half = 1 << level
        later = ((pos >> level) & 1).astype(bool)
        earlier_values = np.where(later, np.int32(-1), val).reshape(-1, 2 * half)
        hit |= later & (np.maximum.accumulate(earlier_values, axis=1).ravel() >= need)
        # stable partition of every block: its ``half`` earlier elements, then the later
        earlier_before = np.cumsum(~later, dtype=np.int32)  # up to here, inclusive
        target = np.where(later, index + (half - earlier_before), earlier_before - 1)
        target += (index >> (level + 1)) << level  # earlier elements in previous blocks
        moves[target] = index
        pos, val, hit = pos[moves], val[moves], hit[moves]
        need = val if threshold is None else need[moves]
    # the elements now sit at their sweep positions
    return hit[position]


def _dominated_tree(points: np.ndarray, tolerance: float, score: np.ndarray | None) -> np.ndarray:
    """Dominated columns of ``points`` (``(n_parties, n)``), by a k-d tree searched
    against itself. ``score`` is given for ranks (``tolerance`` 0): a strictly monotone
    score such as the rank sum, larger for a dominator than for what it dominates.

    Level by level, each pair (query node, data node) is kept only while some point of the
    data node may dominate some point of the query node; a query node is settled when
    every point of a data node dominates all of its points. Leaf pairs are compared point
    by point with the exact definition. Bounds stay exact: rounding is monotone, so
    ``high >= fl(low - t)`` fails only if every pair of points fails it.
    """
    n_points = points.shape[1]
    if score is not None and score.max() == score.min():
        return np.zeros(n_points, dtype=bool)  # nobody can have a larger score
    order, depth = _tree_order(points)
    ordered = points[:, order]
    low, high = _boxes(ordered, depth)
    best = _champions(ordered, points.sum(axis=0)[order] if score is None else score[order], depth)
    score_low = score_high = None
    if score is not None:
        score_low, score_high = _boxes(score[order][None, :], depth)
    query = np.zeros(1, dtype=np.int64)
    data = np.zeros(1, dtype=np.int64)
    settled = np.zeros(1, dtype=bool)
    for level in range(depth + 1):
        box_low, box_high = low[level], high[level]
        low_less, low_more = _shifted(box_low, tolerance)
        keep = _all_at_least(box_high[data], low_less[query])
        keep &= _any_above(box_high[data], low_more[query])
        if score_low is not None and score_high is not None:
            keep &= score_high[level][data, 0] > score_low[level][query, 0]
        query, data = query[keep], data[keep]
        # settled: the data node's champion dominates the query node's highest corner
        high_less, high_more = _shifted(box_high, tolerance)
        champion = ordered[:, best[level][data]].T
        covers = _all_at_least(champion, high_less[query])
        covers &= _any_above(champion, high_more[query])
        settled[query[covers]] = True
        keep = ~settled[query]
        query, data = query[keep], data[keep]
        if level < depth:  # every pair of children
            query = (2 * query[:, None] + np.array([0, 0, 1, 1])).ravel()
            data = (2 * data[:, None] + np.array([0, 1, 0, 1])).ravel()
            settled = np.repeat(settled, 2)
    leaves = _leaf_table(ordered, depth)
    less, more = _shifted(leaves, tolerance)
    dominated = np.repeat(settled[:, None], leaves.shape[2], axis=1)
    for start in range(0, query.size, PAIR_CHUNK):
        pairs = slice(start, start + PAIR_CHUNK)
        found = _leaf_pairs_dominated(leaves, less, more, query[pairs], data[pairs])
        rows, slots = np.nonzero(found)
        dominated[query[pairs][rows], slots] = True
    result = np.empty(n_points, dtype=bool)
    bounds = _bounds(n_points, depth)
    leaf = np.repeat(np.arange(bounds.size - 1), np.diff(bounds))
    slot = np.arange(n_points) - bounds[leaf]
    result[order] = dominated[leaf, slot]
    return result


def _shifted(values: np.ndarray, tolerance: float) -> tuple[np.ndarray, np.ndarray]:
    """``(values - tolerance, values + tolerance)``; the values themselves for ranks."""
    if tolerance == 0:
        return values, values
    return values - tolerance, values + tolerance


def _bounds(n_points: int, level: int) -> np.ndarray:
    """Where the ``2**level`` nodes of a level start (and the end): node ``s`` holds the
    points ``bounds[s]:bounds[s + 1]`` of the tree order, its children split it in two."""
    return (np.arange((1 << level) + 1, dtype=np.int64) * n_points) >> level


def _tree_order(points: np.ndarray) -> tuple[np.ndarray, int]:
    """The points' order in a balanced k-d tree of leaves of at most :data:`LEAF_SIZE`
    points, and its depth: every node is split at its median along its widest party."""
    n_parties, n_points = points.shape
    depth = 0
    while (n_points >> depth) > LEAF_SIZE:
        depth += 1
    rank = np.empty((n_parties, n_points), dtype=np.int64)
    for party in range(n_parties):
        rank[party, np.argsort(points[party], kind="stable")] = np.arange(n_points)
    order = np.arange(n_points)
    for level in range(depth):
        starts = _bounds(n_points, level)[:-1]
        ordered = points[:, order]
        spread = np.maximum.reduceat(ordered, starts, axis=1)
        spread -= np.minimum.reduceat(ordered, starts, axis=1)
        widest = np.argmax(spread, axis=0)
        node = np.repeat(np.arange(starts.size), np.diff(np.append(starts, n_points)))
        order = order[np.argsort(node * n_points + rank[widest[node], order])]
    return order, depth


def _boxes(ordered: np.ndarray, depth: int) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Per level, every node's lowest and highest values, ``(2**level, n_parties)``."""
    starts = _bounds(ordered.shape[1], depth)[:-1]
    low = [np.minimum.reduceat(ordered, starts, axis=1).T]
    high = [np.maximum.reduceat(ordered, starts, axis=1).T]
    for _ in range(depth):
        low.append(np.minimum(low[-1][0::2], low[-1][1::2]))
        high.append(np.maximum(high[-1][0::2], high[-1][1::2]))
    return low[::-1], high[::-1]


def _champions(ordered: np.ndarray, score: np.ndarray, depth: int) -> list[np.ndarray]:
    """Per level, the position (in tree order) of each node's point of highest ``score``."""
    n_points = ordered.shape[1]
    rank = np.empty(n_points, dtype=np.int64)
    rank[np.argsort(score, kind="stable")] = np.arange(n_points)
    key = rank * n_points + np.arange(n_points)
    best = [np.maximum.reduceat(key, _bounds(n_points, depth)[:-1])]
    for _ in range(depth):
        best.append(np.maximum(best[-1][0::2], best[-1][1::2]))
    return [level % n_points for level in best[::-1]]


def _all_at_least(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """Row by row: ``first >= second`` in every column (a loop over the few parties)."""
    result = first[:, 0] >= second[:, 0]
    for party in range(1, first.shape[1]):
        result &= first[:, party] >= second[:, party]
    return result


def _any_above(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """Row by row: ``first > second`` in some column."""
    result = first[:, 0] > second[:, 0]
    for party in range(1, first.shape[1]):
        result |= first[:, party] > second[:, party]
    return result


def _leaf_table(ordered: np.ndarray, depth: int) -> np.ndarray:
    """The points of every leaf, ``(n_parties, n_leaves, leaf_size)``, padded with a value
    below every point (a padding point dominates nothing)."""
    n_parties, n_points = ordered.shape
    bounds = _bounds(n_points, depth)
    sizes = np.diff(bounds)
    floor = ordered.min() - 1 if ordered.dtype.kind in "iu" else -np.inf
    table = np.full((n_parties, sizes.size, int(sizes.max())), floor, dtype=ordered.dtype)
    leaf = np.repeat(np.arange(sizes.size), sizes)
    table[:, leaf, np.arange(n_points) - bounds[leaf]] = ordered
    return table


def _leaf_pairs_dominated(
    leaves: np.ndarray, less: np.ndarray, more: np.ndarray, query: np.ndarray, data: np.ndarray
) -> np.ndarray:
    """``(pairs, leaf_size)``: whether some point of leaf ``data[p]`` dominates each point
    of leaf ``query[p]``; ``less`` and ``more`` are the leaves shifted by the tolerance."""
    mine = leaves[0][data][:, :, None]
    at_least = mine >= less[0][query][:, None, :]
    above = mine > more[0][query][:, None, :]
    for party in range(1, leaves.shape[0]):
        mine = leaves[party][data][:, :, None]
        at_least &= mine >= less[party][query][:, None, :]
        above |= mine > more[party][query][:, None, :]
    return np.any(at_least & above, axis=1)
