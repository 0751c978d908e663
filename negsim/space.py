"""The outcome space of a scenario: every package, which are feasible, and their utilities.

A package picks one level on every issue: an option (categorical), a grid value (numeric) or
a point of the split simplex (split). Packages are the Cartesian product of the issues'
levels, enumerated lexicographically: issues in file order, the first issue most significant
(numpy C order over ``shape``), options in listed order, numeric grids ascending
(:meth:`NumericIssue.grid`), split points as described in :func:`split_shares`.

The utility of package ``x`` for party ``i`` (``docs/scenario-format.md``, utility of a package) is

    u_i(x) = sum_k w_ik * v~_ik(x_k) + sum of matching interactions + agreement_value_i,
    v~_ik = tau_ik * v_ik + (1 - tau_ik) * v_worst_ik,

with ``tau_ik = scenario.effective_trust(i, k)`` (mediator guarantees applied) and
``v_worst_ik`` **the party's lowest value over the issue's enumerated levels** (the options,
the grid points, or the party's own shares on the simplex grid; constraints are ignored).
Every computation works on the enumerated packages (``docs/scenario-format.md``, detail
1), so the worst case is taken on the same grid; for a piecewise-linear value with a
breakpoint between grid points this can be above the minimum over the continuous range. A
split issue is valued at the party's own share in absolute units of the total (detail 2).
An issue without a value function (allowed only at weight 0) contributes 0; a split issue
of positive weight without one gets the format's default ``share / total``. Interactions
add their raw ``value`` (not weighted, not trust-adjusted) to every package matching all
their conditions (utility of a package);
constraints remove every package matching all their conditions.

Everything is vectorized: per-issue vectors of shape ``(n_levels,)`` are broadcast over
``shape`` and accumulated in place, one party at a time, straight into the utility matrix.
When constraints remove packages, a float64 scratch row of the full grid and an int64 index
of the feasible packages are added (the one-byte feasibility mask is freed before either is
allocated), within :func:`negsim.memory.estimate_bytes`.

Example
-------
>>> from negsim.format.model import CategoricalIssue, CategoricalValues, Party, Protocol
>>> from negsim.format.scenario import Scenario
>>> issue = CategoricalIssue("amnesty", ("none", "full"), "Amnesty")
>>> parties = tuple(
...     Party(name, name, {"amnesty": 1.0}, {"amnesty": CategoricalValues(values)})
...     for name, values in (("us", (1.0, 0.0)), ("leader", (0.0, 1.0)))
... )
>>> protocol = Protocol("alternating_offers", "us", None, 0.0, {}, "unanimity", True)
>>> space = OutcomeSpace.from_scenario(Scenario("toy", (issue,), parties, protocol))
>>> space.shape, space.n_feasible
((2,), 2)
>>> space.utilities
array([[1., 0.],
       [0., 1.]])
>>> space.package(1)
{'amnesty': 'full'}
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np

from negsim.format.levels import along_axis, conditions_mask, feasible_grid, issue_levels
from negsim.format.model import (
    TOLERANCE,
    CategoricalIssue,
    Issue,
    NumericIssue,
    Party,
    PowerShape,
    SplitIssue,
)
from negsim.format.scenario import Scenario
from negsim.memory import estimate_bytes, format_bytes, limit_bytes

__all__ = ["OutcomeSpace", "Package", "enumerate_space", "issue_utility"]

Package = dict[str, str | float | dict[str, float]]
"""A package as JSON gives it: issue -> option name (categorical), number (numeric) or
``{party: share}`` (split, absolute shares)."""


def _party_levels(issue: Issue, levels: np.ndarray, party_index: int) -> np.ndarray:
    """What a party's value function is evaluated at: option index, grid value or own share."""
    return levels[:, party_index] if isinstance(issue, SplitIssue) else levels


def issue_utility(
    scenario: Scenario, party: Party, issue: Issue, levels: np.ndarray, party_index: int
) -> np.ndarray:
    """``w_ik * v~_ik`` at every level of the issue, shape ``(n_levels,)``."""
    n_levels = levels.shape[0]
    weight = float(party.weights.get(issue.name, 0.0))
    function = party.values.get(issue.name)
    if function is None:
        if weight == 0.0:
            return np.zeros(n_levels)
        if not isinstance(issue, SplitIssue):
            raise ValueError(
                f"party {party.name!r} has weight {weight} but no value function "
                f"on issue {issue.name!r}"
            )
        function = PowerShape(best=issue.total, worst=0.0, exponent=1.0)
    if weight == 0.0:
        return np.zeros(n_levels)
    with np.errstate(all="ignore"):
        value = np.asarray(
            function.evaluate(_party_levels(issue, levels, party_index)), dtype=np.float64
        )
    if value.shape != (n_levels,) or not np.all(np.isfinite(value)):
        raise ValueError(
            f"value function of party {party.name!r} on issue {issue.name!r} "
            "does not give a finite value at every level"
        )
    trust = float(scenario.effective_trust(party.name, issue.name))
    if trust != 1.0:
        value = trust * value + (1.0 - trust) * value.min()
    return weight * value


# --------------------------------------------------------------------------------------------
# The outcome space


def _read_only(array: np.ndarray) -> np.ndarray:
    array.flags.writeable = False
    return array


@dataclass(frozen=True, eq=False)
class OutcomeSpace:
    """The enumerated packages of a scenario, which are feasible, and their utilities.

    Attributes
    ----------
    scenario : Scenario
        The scenario enumerated.
    shape : tuple of int
        Number of levels of each issue, in issue order; packages are the C-order grid of it.
    issue_utilities : tuple of numpy.ndarray
        Per issue, shape ``(n_parties, n_levels)``: ``w_ik * v~_ik(level)`` (trust-adjusted).
    feasible_index : numpy.ndarray or None
        int64, shape ``(n_feasible,)``: C-order positions into the full grid of the feasible
        packages, ascending. None when every package is feasible.
    utilities : numpy.ndarray
        float64, shape ``(n_parties, n_feasible)``: the utility matrix over the feasible
        packages, in enumeration order, interactions and ``agreement_value`` included.
    disagreement : numpy.ndarray
        float64, shape ``(n_parties,)``: expected disagreement utilities.
    package_levels : numpy.ndarray or None
        None for an enumerated space. A *merged* space (too large to enumerate; built by
        :func:`negsim.analysis.merged.merged_space`) holds only its distinct Pareto-optimal
        utility vectors as columns, and here ``(n_issues, n_columns)`` the levels of one
        package giving each.
    package_counts : numpy.ndarray or None
        Merged space: object array of Python ints, how many packages give each column.
    feasible_count : int or None
        Merged space: the number of feasible packages, exact.

    Arrays are read-only. A *position* is an index ``0..n_feasible-1`` into the feasible
    packages (a column of ``utilities``); in a merged space, into the columns it holds.
    """

    scenario: Scenario
    shape: tuple[int, ...]
    issue_utilities: tuple[np.ndarray, ...]
    feasible_index: np.ndarray | None
    utilities: np.ndarray
    disagreement: np.ndarray
    package_levels: np.ndarray | None = None
    package_counts: np.ndarray | None = None
    feasible_count: int | None = None

    # ----------------------------------------------------------------------------------------
    # Construction

    @classmethod
    def from_scenario(cls, scenario: Scenario) -> OutcomeSpace:
        """Enumerate ``scenario``'s packages, drop the infeasible ones, compute utilities.

        Raises
        ------
        ValueError
            ``"no feasible package"`` when the constraints forbid every package; also when
            the space would not fit in memory (:func:`negsim.memory.limit_bytes`) or a value
            function is not finite on the grid.
        """
        issues = scenario.issues
        party_names = scenario.party_names
        n_parties = len(party_names)
        levels = tuple(issue_levels(issue, n_parties) for issue in issues)
        shape = tuple(int(level.shape[0]) for level in levels)
        n_packages = math.prod(shape)
        needed, limit = estimate_bytes(n_packages, n_parties), limit_bytes()
        if needed > limit:
            raise ValueError(
                f"outcome space too large: {n_packages:,} packages need about "
                f"{format_bytes(needed)}, more than the {format_bytes(limit)} available; "
                "use a coarser resolution"
            )

        issue_utilities = tuple(
            _read_only(
                np.stack(
                    [
                        issue_utility(scenario, party, issue, level, i)
                        for i, party in enumerate(scenario.parties)
                    ]
                )
            )
            for issue, level in zip(issues, levels, strict=True)
        )

        feasible_index: np.ndarray | None = None
        if scenario.constraints:
            feasible = feasible_grid(scenario, levels)
            feasible_index = np.flatnonzero(feasible)
            del feasible
            if feasible_index.size == 0:
                raise ValueError("no feasible package")
            if feasible_index.size == n_packages:
                feasible_index = None
            else:
                feasible_index = feasible_index.astype(np.int64, copy=False)
        n_feasible = n_packages if feasible_index is None else feasible_index.size

        utilities = np.empty((n_parties, n_feasible), dtype=np.float64)
        scratch = None if feasible_index is None else np.empty(n_packages, dtype=np.float64)
        for i, party in enumerate(scenario.parties):
            terms = [along_axis(u[i], k, len(shape)) for k, u in enumerate(issue_utilities)]
            for interaction in party.interactions:
                matches = conditions_mask(interaction.conditions, issues, levels, party_names)
                terms.append(np.where(matches, float(interaction.value), 0.0))
            row = (utilities[i] if scratch is None else scratch).reshape(shape)
            np.copyto(row, terms[0])
            for term in terms[1:]:
                np.add(row, term, out=row)
            if party.agreement_value != 0.0:
                np.add(row, float(party.agreement_value), out=row)
            if scratch is not None and feasible_index is not None:
                # The indices are valid: mode "raise" would buffer ``out``, and a read-only
                # index array would be copied, so the index is made read-only only at the end.
                np.take(scratch, feasible_index, out=utilities[i], mode="clip")
        del scratch

        return cls(
            scenario=scenario,
            shape=shape,
            issue_utilities=issue_utilities,
            feasible_index=None if feasible_index is None else _read_only(feasible_index),
            utilities=_read_only(utilities),
            disagreement=_read_only(np.asarray(scenario.disagreement_vector(), dtype=np.float64)),
        )

    # ----------------------------------------------------------------------------------------
    # Sizes

    @property
    def n_packages(self) -> int:
        """Size of the enumerated grid, before constraints (product of ``shape``)."""
        return math.prod(self.shape)

    @property
    def n_feasible(self) -> int:
        """Number of columns of ``utilities``: the feasible packages of an enumerated space,
        the distinct Pareto-optimal vectors of a merged one (see :attr:`feasible_packages`)."""
        return int(self.utilities.shape[1])

    @property
    def feasible_packages(self) -> int:
        """Number of feasible packages, exact, enumerated or merged."""
        return self.n_feasible if self.feasible_count is None else self.feasible_count

    def count(self, positions: Any) -> int:
        """How many packages the columns at ``positions`` stand for (exact): one each in an
        enumerated space, their counts in a merged one."""
        chosen = np.asarray(positions, dtype=np.int64).reshape(-1)
        if self.package_counts is None:
            return int(chosen.size)
        return int(sum(self.package_counts[chosen].tolist()))

    @property
    def n_parties(self) -> int:
        return int(self.utilities.shape[0])

    @property
    def n_issues(self) -> int:
        return len(self.shape)

    @property
    def is_additive(self) -> bool:
        """True when utilities are sums of per-issue terms over the full product: no party has
        interactions and there are no constraints (the per-issue frontiers then suffice)."""
        return not self.scenario.constraints and not any(
            party.interactions for party in self.scenario.parties
        )

    @property
    def is_enumerated(self) -> bool:
        """This space holds every feasible package's utilities; a merged one holds only
        its Pareto frontier."""
        return self.package_levels is None

    # ----------------------------------------------------------------------------------------
    # Packages

    @cached_property
    def level_values(self) -> tuple[np.ndarray, ...]:
        """Per issue, its levels as :func:`issue_levels` gives them (read-only)."""
        n_parties = self.n_parties
        return tuple(_read_only(issue_levels(issue, n_parties)) for issue in self.scenario.issues)

    def grid_positions(self, positions: Any) -> np.ndarray:
        """C-order positions into the full grid of the given feasible positions.

        Parameters
        ----------
        positions : int or array_like of int
            Feasible positions, each in ``0..n_feasible-1``.

        Returns
        -------
        numpy.ndarray
            int64, same shape as ``positions``.
        """
        position_array = np.asarray(positions)
        if position_array.size and not np.issubdtype(position_array.dtype, np.integer):
            raise TypeError(f"positions must be integers, got {position_array.dtype}")
        position_array = position_array.astype(np.int64, copy=False)
        if self.package_levels is not None:
            raise ValueError("a merged space has no grid positions: use levels()")
        if np.any((position_array < 0) | (position_array >= self.n_feasible)):
            raise IndexError(f"package positions must lie in 0..{self.n_feasible - 1}")
        if self.feasible_index is None:
            return position_array
        return self.feasible_index[position_array]

    def levels(self, positions: Any) -> np.ndarray:
        """Level index on every issue of the given feasible packages.

        Parameters
        ----------
        positions : int or array_like of int, shape ``(k,)``
            Feasible positions, each in ``0..n_feasible-1``.

        Returns
        -------
        numpy.ndarray
            int64, shape ``(n_issues, k)`` (``(n_issues,)`` for a scalar position): row ``j``
            indexes into ``level_values[j]`` (option, grid point or simplex point).
        """
        if self.package_levels is not None:
            chosen = np.asarray(positions)
            if np.any((chosen < 0) | (chosen >= self.n_feasible)):
                raise IndexError(f"package positions must lie in 0..{self.n_feasible - 1}")
            return self.package_levels[:, chosen]
        flat = self.grid_positions(positions)
        return np.stack(np.unravel_index(flat, self.shape)).astype(np.int64, copy=False)

    def level_value(self, issue_index: int, level: int) -> str | float | dict[str, float]:
        """One issue's level as it appears in a JSON package: the option name (categorical),
        the value (numeric) or ``{party: share}`` (split, absolute shares)."""
        issue = self.scenario.issues[issue_index]
        value = self.level_values[issue_index][level]
        if isinstance(issue, CategoricalIssue):
            return issue.options[level]
        if isinstance(issue, SplitIssue):
            return {
                name: float(share)
                for name, share in zip(self.scenario.party_names, value, strict=True)
            }
        return float(value)

    def package(self, position: int) -> Package:
        """The feasible package at ``position`` as a JSON-ready mapping.

        Returns
        -------
        dict
            issue name -> option name (categorical) | float (numeric) | ``{party: share}``
            (split), in issue order.
        """
        levels = self.levels(int(position))
        return {
            issue.name: self.level_value(k, int(levels[k]))
            for k, issue in enumerate(self.scenario.issues)
        }

    def packages(self, positions: Any) -> list[Package]:
        """:meth:`package` of each of ``positions``, built a column (issue) at a time."""
        levels = self.levels(positions).reshape(self.n_issues, -1)
        names = self.scenario.party_names
        columns: list[list[Any]] = []
        for index, issue in enumerate(self.scenario.issues):
            if isinstance(issue, CategoricalIssue):
                columns.append([issue.options[level] for level in levels[index].tolist()])
                continue
            values = self.level_values[index][levels[index]].tolist()
            if isinstance(issue, SplitIssue):
                values = [dict(zip(names, shares, strict=True)) for shares in values]
            columns.append(values)
        issue_names = self.scenario.issue_names
        return [dict(zip(issue_names, row, strict=True)) for row in zip(*columns, strict=True)]

    def missing_reason(self) -> str:
        """Why :meth:`position_of` finds no package, in words for a person: ruled out by
        the constraints, or (a merged space, which keeps only its Pareto frontier) not
        among the Pareto-optimal packages kept."""
        if self.package_levels is None:
            return "this package is ruled out by the scenario's constraints"
        return (
            f"this package is ruled out by the scenario's constraints or is not one of the "
            f"{self.n_feasible:,} Pareto-optimal packages kept for this space, too large to "
            "list every package"
        )

    def position_of(self, package: Mapping[str, Any]) -> int:
        """The feasible position of a package given as :meth:`package` returns it.

        Numbers and shares match grid points within 1e-9. Raises KeyError when the package
        is not on the grid or is infeasible.
        """
        level_of_issue = self.grid_levels(package)
        if self.package_levels is not None:
            found = np.flatnonzero(
                np.all(self.package_levels == np.array(level_of_issue)[:, None], axis=0)
            )
            if found.size == 0:
                raise KeyError("package is not on the merged space's Pareto frontier")
            return int(found[0])
        flat = int(np.ravel_multi_index(tuple(level_of_issue), self.shape))
        if self.feasible_index is None:
            return flat
        position = int(np.searchsorted(self.feasible_index, flat))
        if position == self.feasible_index.size or self.feasible_index[position] != flat:
            raise KeyError("package is infeasible")
        return position

    def grid_levels(self, package: Mapping[str, Any]) -> list[int]:
        """The level index on every issue of a package given as :meth:`package` returns it
        (feasible or not). Numbers and shares match grid points within 1e-9; KeyError when
        an issue is missing or a term is not on its grid."""
        level_of_issue = []
        for k, issue in enumerate(self.scenario.issues):
            if issue.name not in package:
                raise KeyError(f"package has no level for issue {issue.name!r}")
            wanted = package[issue.name]
            values = self.level_values[k]
            if isinstance(issue, CategoricalIssue):
                if wanted not in issue.options:
                    raise KeyError(f"{wanted!r} is not an option of {issue.name!r}")
                level_of_issue.append(issue.options.index(wanted))
                continue
            if isinstance(issue, SplitIssue):
                shares = np.array([float(wanted[name]) for name in self.scenario.party_names])
                close = np.all(np.abs(values - shares) <= TOLERANCE, axis=1)
            else:
                close = np.abs(values - float(wanted)) <= TOLERANCE
            found = np.flatnonzero(close)
            if found.size == 0:
                raise KeyError(f"{wanted!r} is not on the grid of {issue.name!r}")
            level_of_issue.append(int(found[0]))
        return level_of_issue

    def interpolate(
        self, positions: Any, weights: Any, most_likely: bool = False
    ) -> Package | None:
        """The package whose numeric values and split shares are the weighted averages of
        those of the feasible packages at ``positions`` (a lottery's members), when they
        all agree on every categorical issue; else None, or with ``most_likely`` each such
        issue's most likely option (the first in option order on a tie): the lottery's
        expected terms. For linear value functions and members that agree on the
        categorical issues its utilities are exactly the lottery's."""
        positions = np.atleast_1d(np.asarray(positions, dtype=np.int64))
        weights = np.atleast_1d(np.asarray(weights, dtype=float))
        levels = self.levels(positions).reshape(self.n_issues, -1)
        result: dict[str, Any] = {}
        for index, issue in enumerate(self.scenario.issues):
            grid = self.level_values[index][levels[index]]
            if isinstance(issue, NumericIssue):
                result[issue.name] = float(weights @ grid)
            elif isinstance(issue, SplitIssue):
                shares = weights @ grid
                result[issue.name] = {
                    party: float(share)
                    for party, share in zip(self.scenario.party_names, shares, strict=True)
                }
            elif np.any(levels[index] != levels[index][0]):
                if not most_likely:
                    return None
                chance = np.bincount(levels[index], weights=weights, minlength=issue.n_levels)
                result[issue.name] = issue.options[int(np.argmax(chance))]
            else:
                result[issue.name] = issue.options[int(levels[index][0])]
        return result

    def describe_level(self, issue_index: int, level: int) -> str:
        """A short label of one level for tables: ``"partial"``, ``"50 officials"``,
        ``"us 0.3, leader 0.7"``."""
        issue = self.scenario.issues[issue_index]
        value = self.level_value(issue_index, level)
        if isinstance(value, str):
            return value
        if isinstance(value, dict):
            return ", ".join(f"{name} {share:.6g}" for name, share in value.items())
        unit = getattr(issue, "unit", None)
        return f"{value:.6g} {unit}" if unit else f"{value:.6g}"

    def level_labels(self, issue_index: int) -> list[str]:
        """:meth:`describe_level` of every level of one issue, in enumeration order."""
        return [self.describe_level(issue_index, j) for j in range(self.shape[issue_index])]

    def describe_package(self, position: int) -> str:
        """``"amnesty=partial; relief=50 officials"`` for the feasible package at ``position``."""
        levels = self.levels(int(position))
        return "; ".join(
            f"{issue.name}={self.describe_level(k, int(levels[k]))}"
            for k, issue in enumerate(self.scenario.issues)
        )


def enumerate_space(scenario: Scenario) -> OutcomeSpace:
    """The outcome space of ``scenario``: :meth:`OutcomeSpace.from_scenario`."""
    return OutcomeSpace.from_scenario(scenario)
