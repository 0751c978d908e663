"""Any feasible package of an outcome space, one of its columns or not: a stable position,
its utilities, levels and terms (``negsim play``, ``negsim classroom``, ``negsim debrief``).

An enumerated space holds every feasible package, and :class:`AnyPackage` only delegates to
it. A merged space (:func:`negsim.analysis.merged.merged_space`) holds only its Pareto
frontier's columns; a package off them is valued exactly from the scenario's independent
blocks of issues (:mod:`negsim.blocks`): utilities are additive across blocks, so

    u_i(x) = sum over blocks b of U_b[i, x_b] + agreement_value_i,

where ``x_b`` is the package's combination of the block's levels and ``U_b`` the block's
utilities (each party's part, interactions included), and the package is feasible when
every ``x_b`` is one of the block's feasible alternatives (a constraint names the issues
of one block only).

**Positions** depend only on the scenario, so they are the same in every process (the
classroom stores them and replays them after a restart):

* ``0 .. n_feasible - 1``: the space's columns, as everywhere else;
* ``n_feasible + g`` (merged spaces only): a feasible package, ``g`` its flat C-order index
  in the full grid (``space.shape``). :meth:`AnyPackage.position_of` gives a kept
  column's package its column; the extended position of the same package is valid too.

Extended positions are int64 (an SQLite INTEGER): they exist only when
``n_feasible + n_packages`` fits (trade-agreement: ``4^25``, about ``1.1e15``); otherwise
a package off the columns is not found, with :meth:`~negsim.space.OutcomeSpace.missing_reason`.

Example
-------
>>> from negsim.analysis.merged import outcome_space
>>> from negsim.format.loader import load_scenario_text
>>> scenario = load_scenario_text('''
... negsim: 1
... name: two issues
... issues: {a: {options: [x, y, z]}, b: {options: [x, y]}}
... constraints: [{forbid: {a: z, b: y}}]
... parties:
...   p: {values: {a: {x: 1, y: 0, z: 0}, b: {x: 0, y: 1}}}
...   q: {values: {a: {x: 0, y: 0, z: 1}, b: {x: 1, y: 0}}}
... ''')
>>> packages = AnyPackage.of(outcome_space(scenario, merge=True))
>>> position = packages.position_of({"a": "y", "b": "x"})
>>> packages.space.n_feasible, position, packages.package(position)
(3, 5, {'a': 'y', 'b': 'x'})
>>> packages.utilities(position).tolist()
[0.0, 0.5]
"""

from __future__ import annotations

import weakref
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from negsim.blocks import issue_blocks
from negsim.space import OutcomeSpace, Package

__all__ = ["RULED_OUT", "AnyPackage", "reason"]

RULED_OUT = "this package is ruled out by the scenario's constraints"
INT64_MAX = 2**63 - 1
SEEN = 4096
"""Single packages whose levels and utilities are remembered: the pages of a class show
the same offers again and again."""


def reason(error: KeyError) -> str:
    """The words of a :meth:`AnyPackage.position_of` KeyError, for a person."""
    return str(error.args[0]) if error.args else RULED_OUT


@dataclass(frozen=True)
class _Block:
    """One block for look-ups: its issues, its grid's shape, the C-order indices of its
    feasible alternatives in that grid (ascending), their utilities, and whether every
    alternative is feasible (an alternative's index is then its column)."""

    issues: np.ndarray
    shape: tuple[int, ...]
    flat: np.ndarray
    utilities: np.ndarray
    complete: bool


_CACHE: weakref.WeakKeyDictionary[OutcomeSpace, AnyPackage] = weakref.WeakKeyDictionary()


class AnyPackage:
    """Positions, utilities, levels and terms of every feasible package of ``space``; see
    the module docstring. Build it with :meth:`of` (one per space)."""

    def __init__(self, space: OutcomeSpace) -> None:
        self.space = space
        self.n_kept = space.n_feasible
        self._blocks: list[_Block] = []
        self.numbered = space.is_enumerated
        """Whether every feasible package has a position (always, enumerated)."""
        self._seen: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        """Levels and utilities of single positions looked up (at most :data:`SEEN`)."""
        if space.is_enumerated:
            return
        scenario = space.scenario
        for block in issue_blocks(scenario):
            shape = tuple(space.shape[k] for k in block.issues)
            flat = np.ravel_multi_index(tuple(block.levels), shape).astype(np.int64)
            complete = flat.size == block.n_combinations
            self._blocks.append(
                _Block(np.array(block.issues), shape, flat, block.utilities, complete)
            )
        self._agreement = np.array([float(p.agreement_value) for p in scenario.parties])
        self.numbered = self.n_kept + space.n_packages - 1 <= INT64_MAX

    @classmethod
    def of(cls, space: OutcomeSpace) -> AnyPackage:
        """The one :class:`AnyPackage` of ``space`` (made once, kept while the space is)."""
        found = _CACHE.get(space)
        if found is None:
            found = _CACHE[space] = cls(space)
        return found

    # ----------------------------------------------------------------------------------------
    # Looking packages up

    def position_of(self, package: Mapping[str, Any]) -> int:
        """The position of a package given as :meth:`package` returns it: its column when
        the space holds it, else (merged) ``n_feasible + g``. KeyError with the reason in
        words (:func:`reason`) when it is infeasible or not on the grid."""
        space = self.space
        if space.is_enumerated:
            try:
                return space.position_of(package)
            except KeyError:
                raise KeyError(space.missing_reason()) from None
        try:
            levels = np.array(space.grid_levels(package), dtype=np.int64)
        except KeyError as error:
            raise KeyError(f"this package is not on the scenario's grid: {reason(error)}") from None
        assert space.package_levels is not None
        found = np.flatnonzero(np.all(space.package_levels == levels[:, None], axis=0))
        if found.size:
            return int(found[0])
        feasible, _ = self._block_values(levels[:, None])
        if not feasible[0]:
            raise KeyError(RULED_OUT)
        if not self.numbered:
            raise KeyError(space.missing_reason())
        return self.n_kept + int(np.ravel_multi_index(tuple(levels), space.shape))

    def has(self, position: int) -> bool:
        """Whether ``position`` is the position of a feasible package."""
        try:
            self.levels(position)
        except IndexError:
            return False
        return True

    # ----------------------------------------------------------------------------------------
    # Reading packages

    def _split(self, positions: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """``positions`` flattened to int64, the mask of kept columns, every package's levels
        ``(n_issues, k)`` and the utilities of those not kept; IndexError for a position of
        no feasible package."""
        chosen = np.asarray(positions)
        if chosen.size and not np.issubdtype(chosen.dtype, np.integer):
            raise TypeError(f"positions must be integers, got {chosen.dtype}")
        chosen = chosen.astype(np.int64, copy=False).reshape(-1)
        space = self.space
        kept = (chosen >= 0) & (chosen < self.n_kept)
        grid = chosen[~kept] - self.n_kept
        outside = not self.numbered or bool(np.any(grid >= space.n_packages))
        if np.any(chosen < 0) or (grid.size and outside):
            raise IndexError("no feasible package at that position")
        levels = np.empty((space.n_issues, chosen.size), dtype=np.int64)
        levels[:, kept] = space.levels(chosen[kept]).reshape(space.n_issues, -1)
        values = np.empty((space.n_parties, 0))
        if grid.size:
            levels[:, ~kept] = np.stack(np.unravel_index(grid, space.shape))
            feasible, values = self._block_values(levels[:, ~kept])
            if not np.all(feasible):
                raise IndexError("no feasible package at that position")
        return chosen, kept, levels, values

    def levels(self, positions: Any) -> np.ndarray:
        """Level index on every issue, as :meth:`OutcomeSpace.levels`: ``(n_issues, k)``,
        ``(n_issues,)`` for a scalar position."""
        if self.space.is_enumerated:
            return self.space.levels(positions)
        if np.ndim(positions) == 0:
            return self._one(positions)[0]
        return self._split(positions)[2]

    def utilities(self, positions: Any) -> np.ndarray:
        """Every party's utility, ``(n_parties, k)`` (``(n_parties,)`` for a scalar
        position): the space's columns as they are, other packages summed block by
        block."""
        space = self.space
        if space.is_enumerated:
            return space.utilities[:, positions]
        if np.ndim(positions) == 0:
            return self._one(positions)[1].copy()
        chosen, kept, _, values = self._split(positions)
        out = np.empty((space.n_parties, chosen.size))
        out[:, kept] = space.utilities[:, chosen[kept]]
        out[:, ~kept] = values
        return out

    def _one(self, position: Any) -> tuple[np.ndarray, np.ndarray]:
        """Levels ``(n_issues,)`` and utilities ``(n_parties,)`` of one position,
        remembered."""
        key = int(position)
        found = self._seen.get(key)
        if found is None:
            _, kept, levels, values = self._split([key])
            own = self.space.utilities[:, key] if kept[0] else values[:, 0]
            found = (levels[:, 0], np.array(own, dtype=float))
            for array in found:
                array.flags.writeable = False
            if len(self._seen) >= SEEN:
                self._seen.clear()
            self._seen[key] = found
        return found

    def package(self, position: int) -> Package:
        """The package at ``position`` as :meth:`OutcomeSpace.package` gives it."""
        space = self.space
        if space.is_enumerated or 0 <= int(position) < self.n_kept:
            return space.package(int(position))
        levels = self.levels(int(position))
        return {
            issue.name: space.level_value(k, int(levels[k]))
            for k, issue in enumerate(space.scenario.issues)
        }

    def _block_values(self, levels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For packages given by their levels ``(n_issues, k)``: whether each is feasible,
        and each party's utility (the blocks' parts summed, ``agreement_value`` added;
        meaningless where infeasible)."""
        k = levels.shape[1]
        feasible = np.ones(k, dtype=bool)
        total = np.zeros((self.space.n_parties, k))
        for block in self._blocks:
            if block.issues.size == 1:
                local = levels[block.issues[0]]
            else:
                local = np.ravel_multi_index(tuple(levels[block.issues]), block.shape)
            if block.complete:
                total += block.utilities[:, local]
                continue
            found = np.minimum(np.searchsorted(block.flat, local), block.flat.size - 1)
            feasible &= block.flat[found] == local
            total += block.utilities[:, found]
        return feasible, total + self._agreement[:, None]
