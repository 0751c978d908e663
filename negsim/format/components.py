"""Independent blocks of issues: issues that a constraint or an interaction names together
are joined; utilities are additive across the blocks, so a space too large to enumerate
can be merged block by block (:mod:`negsim.blocks`). No numpy here: ``negsim validate``
uses it to check sizes.
"""

from __future__ import annotations

from collections.abc import Iterable

from negsim.format.model import Condition, Issue, ScenarioParts

__all__ = ["issue_components", "largest_component"]


def issue_components(
    issues: tuple[Issue, ...], condition_groups: Iterable[Iterable[Condition]]
) -> list[tuple[int, ...]]:
    """The issues' independent blocks: the connected components of the graph joining the
    issues each group of conditions names together (a constraint's, an interaction's).
    Issue indices, each block ascending, blocks ordered by their first issue.

    Example
    -------
    >>> from negsim.format.model import CategoricalIssue
    >>> issues = tuple(CategoricalIssue(n, ("x", "y"), n) for n in "abcd")
    >>> issue_components(issues, [[Condition("a"), Condition("c")], [Condition("d")]])
    [(0, 2), (1,), (3,)]
    """
    names = [issue.name for issue in issues]
    parent = list(range(len(names)))

    def root(k: int) -> int:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    for conditions in condition_groups:
        joined = [names.index(condition.issue) for condition in conditions]
        for other in joined[1:]:
            parent[root(other)] = root(joined[0])
    groups: dict[int, list[int]] = {}
    for k in range(len(names)):
        groups.setdefault(root(k), []).append(k)
    return sorted(tuple(group) for group in groups.values())


def largest_component(scenario: ScenarioParts) -> tuple[tuple[int, ...], int]:
    """The block of issues with the most packages, and that number (exact)."""
    groups = [constraint.conditions for constraint in scenario.constraints]
    for party in scenario.parties:
        groups.extend(interaction.conditions for interaction in party.interactions)
    best: tuple[tuple[int, ...], int] = ((), 0)
    for block in issue_components(scenario.issues, groups):
        size = 1
        for k in block:
            size *= scenario.n_levels(scenario.issues[k])
        if size > best[1]:
            best = (block, size)
    return best
