"""The rules of conditions on packages: a party's ``interactions`` and the ``constraints``."""

from __future__ import annotations

from negsim.errors import join_path
from negsim.format.checks import describe, format_number
from negsim.format.model import (
    CategoricalIssue,
    Condition,
    Constraint,
    Interaction,
    Issue,
    NumericIssue,
)
from negsim.format.rules.issues import IssueRules
from negsim.format.source import YNode


class ConditionRules(IssueRules):
    """The rules of conditions on packages: interactions and constraints."""

    def interactions(self, node: YNode, path: str) -> tuple[Interaction, ...]:
        items = self.sequence(node, path, "a list of {when, value}")
        if items is None:
            return ()
        result = []
        for index, item in enumerate(items):
            item_path = join_path(path, index)
            fields = self.mapping(item, item_path, "an interaction {when: {...}, value: number}")
            if fields is None:
                continue
            self.keys(item, item_path, ("when", "value"), ("when", "value"))
            conditions = (
                self.conditions(fields["when"], join_path(item_path, "when")) if "when" in fields
                else None
            )  # fmt: skip
            value = (
                self.number(fields["value"], join_path(item_path, "value"))
                if "value" in fields
                else None
            )
            if conditions is not None and value is not None:
                result.append(Interaction(conditions, value))
        return tuple(result)

    def constraints(self, node: YNode) -> tuple[Constraint, ...]:
        items = self.sequence(node, "constraints", "a list of {forbid: {...}}")
        if items is None:
            return ()
        result = []
        for index, item in enumerate(items):
            item_path = join_path("constraints", index)
            fields = self.mapping(item, item_path, "a constraint {forbid: {issue: ...}}")
            if fields is None:
                continue
            self.keys(item, item_path, ("forbid",), ("forbid",))
            if "forbid" in fields:
                conditions = self.conditions(fields["forbid"], join_path(item_path, "forbid"))
                if conditions is not None:
                    result.append(Constraint(conditions))
        return tuple(result)

    def conditions(self, node: YNode, path: str) -> tuple[Condition, ...] | None:
        entries = self.mapping(node, path, "a mapping of issue names to conditions")
        if entries is None:
            return None
        if not entries:
            self.error(node, path, "needs at least one condition")
            return None
        result: list[Condition] = []
        ok = True
        for issue_name, child in entries.items():
            child_path = join_path(path, issue_name)
            if not self.reference(
                issue_name, child, child_path, self.issue_nodes, "issue", at_key=True
            ):
                ok = False
                continue
            issue = self.issues.get(issue_name)
            if issue is None:
                ok = False
                continue
            conditions = self.condition(issue, child, child_path)
            if conditions is None:
                ok = False
            else:
                result.extend(conditions)
        return tuple(result) if ok else None

    def condition(self, issue: Issue, node: YNode, path: str) -> list[Condition] | None:
        if isinstance(issue, CategoricalIssue):
            items = node.value if node.is_seq else [node]
            options = []
            for index, item in enumerate(items):
                item_path = join_path(path, index) if node.is_seq else path
                if not isinstance(item.value, str):
                    self.error(
                        item,
                        item_path,
                        f"expected an option of '{issue.name}', got {describe(item.value)}",
                    )
                    return None
                if not self.reference(
                    item.value,
                    item,
                    item_path,
                    issue.options,
                    "option",
                    at_key=False,
                    owner=f" of issue '{issue.name}'",
                ):
                    return None
                options.append(item.value)
            return [Condition(issue.name, options=tuple(options))]
        if isinstance(issue, NumericIssue):
            if node.is_map:
                bounds = self.bounds(node, path)
                return (
                    None
                    if bounds is None
                    else [Condition(issue.name, low=bounds[0], high=bounds[1])]
                )
            items = node.value if node.is_seq else [node]
            values = []
            for index, item in enumerate(items):
                value = self.number(item, join_path(path, index) if node.is_seq else path)
                if value is None:
                    return None
                values.append(value)
            return [Condition(issue.name, values=tuple(values))]
        entries = self.mapping(node, path, "a mapping of party names to {min, max} share bounds")
        if entries is None:
            return None
        result = []
        for party, child in entries.items():
            child_path = join_path(path, party)
            if not self.reference(party, child, child_path, self.party_names, "party", at_key=True):
                return None
            bounds = self.bounds(child, child_path)
            if bounds is None:
                return None
            result.append(Condition(issue.name, party=party, low=bounds[0], high=bounds[1]))
        return result

    def bounds(self, node: YNode, path: str) -> tuple[float | None, float | None] | None:
        fields = self.mapping(node, path, "bounds {min, max}")
        if fields is None:
            return None
        self.keys(node, path, ("min", "max"))
        if not fields:
            self.error(node, path, "bounds need min, max or both")
            return None
        low = self.number(fields["min"], join_path(path, "min")) if "min" in fields else None
        high = self.number(fields["max"], join_path(path, "max")) if "max" in fields else None
        if ("min" in fields and low is None) or ("max" in fields and high is None):
            return None
        if low is not None and high is not None and low > high:
            self.error(
                node,
                path,
                f"reversed bounds: min {format_number(low)} is above max {format_number(high)}",
            )
            return None
        return low, high
