"""Whether a scenario's constraints leave any package feasible, checked as cheaply as the
constraints allow.

Each constraint forbids a box of the package grid: on each issue it names, the levels its
conditions allow (all levels elsewhere). Some package is feasible exactly when these boxes do
not cover the grid. When the constraints name only categorical issues (the usual case) the
boxes are sets of options and coverage is decided by splitting on one issue at a time, with
no arrays at all, so that ``negsim validate`` need not load numpy; otherwise the feasibility
mask of :mod:`negsim.format.levels` decides.

Example
-------
>>> from negsim.format.loader import load_scenario
>>> any_feasible(load_scenario("scenarios/venezuela-2025.yaml"))
True
"""

from __future__ import annotations

from negsim.format.model import CategoricalIssue, Condition, ScenarioParts

Box = dict[str, frozenset[int]]
"""A constraint's forbidden box: issue name -> the option indices it forbids on that issue
(an issue left out: every option)."""


def any_feasible(scenario: ScenarioParts) -> bool:
    """Whether some package matches no constraint."""
    if not scenario.constraints:
        return True
    named = {condition.issue for c in scenario.constraints for condition in c.conditions}
    issues = {issue.name: issue for issue in scenario.issues if isinstance(issue, CategoricalIssue)}
    if not named <= set(issues):
        from negsim.format.levels import feasibility_mask

        # only the issues the constraints name decide: their grid, not the whole space's
        return bool(feasibility_mask(_Named(scenario, named)).any())
    sizes = {name: len(issues[name].options) for name in named}
    boxes = [box for c in scenario.constraints if (box := _box(c.conditions, issues)) is not None]
    return not covered(boxes, sizes)


class _Named:
    """The issues of ``scenario`` the constraints name, with its constraints (a smaller
    grid for :func:`negsim.format.levels.feasibility_mask`)."""

    def __init__(self, scenario: ScenarioParts, named: set[str]) -> None:
        self.issues = tuple(issue for issue in scenario.issues if issue.name in named)
        self.constraints = scenario.constraints
        self.party_names = scenario.party_names
        self.n_parties = scenario.n_parties


def _box(conditions: tuple[Condition, ...], issues: dict[str, CategoricalIssue]) -> Box | None:
    """The options a constraint forbids on each issue it names; None when it forbids nothing
    (its conditions on one issue exclude each other)."""
    box: Box = {}
    for condition in conditions:
        issue = issues[condition.issue]
        chosen = frozenset(issue.options.index(option) for option in condition.options or ())
        box[condition.issue] = box[condition.issue] & chosen if condition.issue in box else chosen
        if not box[condition.issue]:
            return None
    return box


def covered(boxes: list[Box], sizes: dict[str, int]) -> bool:
    """Whether the union of ``boxes`` covers the whole grid of the issues in ``sizes``.

    A box that restricts no issue left covers everything; otherwise split on an issue some
    box restricts: the grid is covered when, for every option of that issue, the boxes that
    contain the option cover the rest of the grid.

    >>> covered([{"a": frozenset({0})}, {"a": frozenset({1}), "b": frozenset({0, 1})}],
    ...         {"a": 2, "b": 2})
    True
    >>> covered([{"a": frozenset({0}), "b": frozenset({0})}], {"a": 2, "b": 2})
    False
    """
    if not boxes:
        return False
    if any(all(len(levels) == sizes[name] for name, levels in box.items()) for box in boxes):
        return True
    name = next(n for box in boxes for n, levels in box.items() if len(levels) < sizes[n])
    for level in range(sizes[name]):
        containing = [
            {n: levels for n, levels in box.items() if n != name}
            for box in boxes
            if name not in box or level in box[name]
        ]
        if not covered(containing, {n: size for n, size in sizes.items() if n != name}):
            return False
    return True
