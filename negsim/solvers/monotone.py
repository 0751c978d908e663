"""Row maxima of an implicit matrix whose row argmax is monotone: divide and conquer.

When the best column of every row is nondecreasing in the row (a matrix with increasing
differences: Topkis 1978), the middle row's best column splits the others: rows above it
look only left of it, rows below only right. Each level of the recursion looks at about
``n_cols + n_rows_at_level`` entries, so all rows cost ``O((n_rows + n_cols) log n_rows)``
evaluations instead of ``n_rows * n_cols`` (Aggarwal et al. 1987 for the monotone case).
Here one level is one vectorized evaluation: the middle rows of all subproblems at once.

References
----------
Topkis, D. M. (1978). Minimizing a Submodular Function on a Lattice. Operations Research
26(2):305-321.
Aggarwal, A., Klawe, M. M., Moran, S., Shor, P. & Wilber, R. (1987). Geometric
Applications of a Matrix-Searching Algorithm. Algorithmica 2:195-208.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def segments(start: np.ndarray, length: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The flat index ranges ``start[i] .. start[i] + length[i] - 1``, concatenated:
    ``(owner, index)`` with ``owner`` the range each entry comes from."""
    length = np.maximum(length, 0)
    owner = np.repeat(np.arange(length.size), length)
    first = np.cumsum(length) - length
    index = np.arange(int(length.sum())) - first[owner] + start[owner]
    return owner, index


def segment_argmax(
    values: np.ndarray, owner: np.ndarray, n_segments: int
) -> tuple[np.ndarray, np.ndarray]:
    """Per segment (``owner`` sorted), the position in ``values`` of its first maximum and
    the maximum; ``-1`` and ``-inf`` for an empty segment."""
    best = np.full(n_segments, -np.inf)
    where = np.full(n_segments, -1)
    if values.size == 0:
        return where, best
    starts = np.flatnonzero(np.r_[True, owner[1:] != owner[:-1]])
    maxima = np.maximum.reduceat(values, starts)
    best[owner[starts]] = maxima
    positions = np.flatnonzero(values >= best[owner])
    hit_owner = owner[positions]
    first = np.r_[True, hit_owner[1:] != hit_owner[:-1]]
    where[hit_owner[first]] = positions[first]
    return where, best


def monotone_argmax(
    value: Callable[[np.ndarray, np.ndarray], np.ndarray],
    low: np.ndarray,
    high: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """The first best column of each row and its value, for a row argmax that is
    nondecreasing in the row.

    ``value(rows, cols)`` gives the matrix entries at paired index arrays; row ``i`` may
    use columns ``low[i] .. high[i]`` (inclusive; ``low`` nondecreasing). Rows without a
    column get ``-1`` and ``-inf``.
    """
    n_rows = low.size
    best_col = np.full(n_rows, -1)
    best_value = np.full(n_rows, -np.inf)
    if n_rows == 0:
        return best_col, best_value
    first_row, end_row = np.array([0]), np.array([n_rows])  # rows [first, end)
    col_from, col_to = np.array([int(low.min())]), np.array([int(high.max())])
    while first_row.size:
        middle = (first_row + end_row) // 2
        start = np.maximum(col_from, low[middle])
        stop = np.minimum(col_to, high[middle])
        owner, cols = segments(start, stop - start + 1)
        values = value(middle[owner], cols)
        where, top = segment_argmax(values, owner, middle.size)
        found = where >= 0
        chosen = np.full(middle.size, -1)
        chosen[found] = cols[where[found]]
        best_col[middle], best_value[middle] = chosen, top
        # rows above the middle look left of its choice, rows below right of it; a row
        # without a column bounds nothing
        split_left = np.where(found, chosen, col_to)
        split_right = np.where(found, chosen, col_from)
        upper = middle > first_row
        lower = middle + 1 < end_row
        first_row = np.concatenate([first_row[upper], middle[lower] + 1])
        end_row = np.concatenate([middle[upper], end_row[lower]])
        col_from, col_to = (
            np.concatenate([col_from[upper], split_right[lower]]),
            np.concatenate([split_left[upper], col_to[lower]]),
        )
    return best_col, best_value
