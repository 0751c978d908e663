"""The grid of a scenario's packages, before any utility: each issue's enumerated levels and
which packages the constraints allow.

A package picks one level on every issue: an option (categorical), a grid value (numeric) or
a point of the split simplex (split). Packages are the Cartesian product of the issues'
levels in C order (the first issue most significant). These are properties of the scenario
file itself, so validation uses them (a file whose constraints forbid every package is
refused) as well as the outcome space (:mod:`negsim.space`).
"""

from __future__ import annotations

import typing
from functools import reduce
from typing import TYPE_CHECKING

import numpy as np

from negsim.format.model import (
    TOLERANCE,
    CategoricalIssue,
    Condition,
    Constraint,
    Issue,
    NumericIssue,
    SplitIssue,
)

if TYPE_CHECKING:
    from collections.abc import Iterable


__all__ = [
    "along_axis",
    "condition_mask",
    "conditions_mask",
    "feasibility_mask",
    "feasible_grid",
    "issue_levels",
    "split_shares",
]


# --------------------------------------------------------------------------------------------
# Levels of one issue


def split_shares(total: float, resolution: int, n_parties: int) -> np.ndarray:
    """Grid points of a split issue: absolute shares of ``total``, shape ``(n_levels, n_parties)``.

    With ``m = resolution - 1`` steps the points are all integer compositions
    ``(k_1, ..., k_n)`` of ``m`` into ``n_parties`` non-negative parts, ordered
    lexicographically by ``(k_1, k_2, ...)``; ``share_i = total * k_i / m``. There are
    ``n_levels = C(m + n - 1, n - 1)`` of them.

    Parameters
    ----------
    total : float
        The amount divided, > 0.
    resolution : int
        Grid points per party's share (>= 2): shares are multiples of ``total / (resolution - 1)``.
    n_parties : int
        Number of parties sharing, >= 1.

    Returns
    -------
    numpy.ndarray
        float64, shape ``(C(m + n - 1, n - 1), n_parties)``; row ``j`` is the ``j``-th point.

    Examples
    --------
    >>> split_shares(1.0, 3, 2)
    array([[0. , 1. ],
           [0.5, 0.5],
           [1. , 0. ]])
    >>> split_shares(2.0, 3, 3)[:3]
    array([[0., 0., 2.],
           [0., 1., 1.],
           [0., 2., 0.]])
    """
    if resolution < 2:
        raise ValueError(f"split resolution must be at least 2, got {resolution}")
    if n_parties < 1:
        raise ValueError(f"a split needs at least one party, got {n_parties}")
    steps = resolution - 1
    # Grow the compositions one part at a time; ``remaining`` is what the later parts share.
    parts = np.zeros((1, 0), dtype=np.int64)
    remaining = np.array([steps], dtype=np.int64)
    for _ in range(n_parties - 1):
        counts = remaining + 1  # the next part takes 0..remaining, ascending
        rows = np.repeat(np.arange(len(remaining)), counts)
        group_start = np.repeat(np.cumsum(counts) - counts, counts)
        taken = np.arange(rows.size, dtype=np.int64) - group_start
        parts = np.column_stack([parts[rows], taken])
        remaining = remaining[rows] - taken
    parts = np.column_stack([parts, remaining])
    return total * parts / steps


def issue_levels(issue: Issue, n_parties: int) -> np.ndarray:
    """The enumerated levels of one issue, in enumeration order.

    Returns
    -------
    numpy.ndarray
        categorical: option indices ``arange(n_options)``, int64, shape ``(n_options,)``;
        numeric: the grid :meth:`NumericIssue.grid`, shape ``(resolution,)``;
        split: absolute shares, shape ``(n_levels, n_parties)`` (see :func:`split_shares`).
    """
    if isinstance(issue, CategoricalIssue):
        return np.arange(len(issue.options), dtype=np.int64)
    if isinstance(issue, NumericIssue):
        return issue.grid()
    if isinstance(issue, SplitIssue):
        return split_shares(issue.total, issue.resolution, n_parties)
    raise TypeError(f"unknown issue type {type(issue).__name__}")


# --------------------------------------------------------------------------------------------
# Conditions


def condition_mask(
    condition: Condition, issue: Issue, levels: np.ndarray, party_names: tuple[str, ...]
) -> np.ndarray:
    """Which levels of ``issue`` satisfy ``condition``, boolean, shape ``(n_levels,)``.

    Categorical: the option is one of ``options``. Numeric: the value equals one of
    ``values`` within 1e-9, and lies within the inclusive bounds ``low``/``high`` (None is
    unbounded; 1e-9 tolerance). Split: ``party``'s share lies within ``low``/``high``.
    """
    if isinstance(issue, CategoricalIssue):
        if condition.options is None:
            raise ValueError(f"condition on categorical issue {issue.name!r} names no options")
        unknown = set(condition.options) - set(issue.options)
        if unknown:
            raise ValueError(f"unknown options {sorted(unknown)} in a condition on {issue.name!r}")
        return np.isin(issue.options, condition.options)
    if isinstance(issue, NumericIssue):
        x = levels
        mask = np.ones(x.shape[0], dtype=bool)
        if condition.values is not None:
            wanted = np.asarray(condition.values, dtype=np.float64)
            mask &= np.any(np.abs(x[:, None] - wanted[None, :]) <= TOLERANCE, axis=1)
    elif isinstance(issue, SplitIssue):
        if condition.party not in party_names:
            raise ValueError(
                f"condition on split issue {issue.name!r} must name a party, "
                f"got {condition.party!r}"
            )
        x = levels[:, party_names.index(condition.party)]
        mask = np.ones(x.shape[0], dtype=bool)
    else:
        raise TypeError(f"unknown issue type {type(issue).__name__}")
    if condition.low is not None:
        mask &= x >= condition.low - TOLERANCE
    if condition.high is not None:
        mask &= x <= condition.high + TOLERANCE
    return mask


def conditions_mask(
    conditions: Iterable[Condition],
    issues: tuple[Issue, ...],
    levels: tuple[np.ndarray, ...],
    party_names: tuple[str, ...],
) -> np.ndarray:
    """Packages matching all ``conditions``, as a boolean array broadcastable to ``shape``.

    Each condition is a vector over its issue's levels; conditions on one issue are combined
    with AND, then the vectors are reshaped to ``(1, ..., n_k, ..., 1)`` and combined by
    broadcasting. The result has size ``n_k`` on the axes of the issues named and 1 elsewhere
    (all ones, i.e. shape ``(1,) * n_issues``, when there are no conditions: everything matches).
    """
    names = [issue.name for issue in issues]
    per_issue: dict[int, np.ndarray] = {}
    for condition in conditions:
        if condition.issue not in names:
            raise ValueError(f"condition names unknown issue {condition.issue!r}")
        k = names.index(condition.issue)
        mask = condition_mask(condition, issues[k], levels[k], party_names)
        per_issue[k] = per_issue[k] & mask if k in per_issue else mask
    n_issues = len(issues)
    reshaped = [along_axis(mask, k, n_issues) for k, mask in sorted(per_issue.items())]
    return reduce(np.logical_and, reshaped, np.ones((1,) * n_issues, dtype=bool))


def along_axis(vector: np.ndarray, axis: int, n_axes: int) -> np.ndarray:
    """``vector`` reshaped to ``(1, ..., len(vector), ..., 1)`` with the length on ``axis``."""
    shape = [1] * n_axes
    shape[axis] = vector.shape[0]
    return vector.reshape(shape)


# --------------------------------------------------------------------------------------------
# Feasibility


class GridParts(typing.Protocol):
    """What the feasibility of a grid reads: the issues, the constraints, the parties."""

    @property
    def issues(self) -> tuple[Issue, ...]: ...

    @property
    def constraints(self) -> tuple[Constraint, ...]: ...

    @property
    def party_names(self) -> tuple[str, ...]: ...

    @property
    def n_parties(self) -> int: ...


def feasible_grid(scenario: GridParts, levels: tuple[np.ndarray, ...]) -> np.ndarray:
    """Feasible packages as a boolean array of shape ``shape`` (one byte a package)."""
    shape = tuple(int(level.shape[0]) for level in levels)
    feasible = np.ones(shape, dtype=bool)
    for constraint in scenario.constraints:
        forbidden = conditions_mask(
            constraint.conditions, scenario.issues, levels, scenario.party_names
        )
        # feasible &= ~forbidden, broadcast: no full-size temporary
        np.logical_and(feasible, ~forbidden, out=feasible)
    return feasible


def feasibility_mask(scenario: GridParts) -> np.ndarray:
    """Which packages of the full grid no constraint forbids.

    Returns
    -------
    numpy.ndarray
        bool, shape ``(n_packages,)``, in enumeration (C) order. Costs one byte a package
        and no utilities, so it is cheap enough for validation.
    """
    levels = tuple(issue_levels(issue, scenario.n_parties) for issue in scenario.issues)
    return feasible_grid(scenario, levels).reshape(-1)
