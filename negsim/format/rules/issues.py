"""The rules of ``issues`` (categorical, numeric and split) and of value functions."""

from __future__ import annotations

import math
from typing import Any

from negsim.errors import did_you_mean, join_path, one_of
from negsim.format import defaults
from negsim.format.checks import IDENTIFIER, Checker, describe, format_number
from negsim.format.model import (
    TOLERANCE,
    CategoricalIssue,
    CategoricalValues,
    Issue,
    NumericIssue,
    PiecewiseLinear,
    PowerShape,
    SplitIssue,
    ValueFunction,
)
from negsim.format.source import YNode

ISSUE_KEYS = ("label", "description", "options", "range", "split", "resolution", "unit")
SHAPE_KEYS = ("best", "worst", "exponent")


class IssueRules(Checker):
    """The rules of ``issues`` and of the value functions on them; holds what later
    sections refer to (the issues and their nodes, the party names)."""

    def __init__(self, filename: str):
        super().__init__(filename)
        self.issues: dict[str, Issue] = {}
        self.issue_nodes: dict[str, YNode] = {}
        self.party_names: list[str] = []

    def all_issues(self, node: YNode) -> tuple[Issue, ...]:
        entries = self.mapping(node, "issues", "a mapping of issue names to issues")
        if entries is None:
            return ()
        if not entries:
            self.error(node, "issues", "a scenario needs at least one issue")
        issues = []
        for name, child in entries.items():
            path = join_path("issues", name)
            if not self.identifier(name, child, path, "issue"):
                continue
            self.issue_nodes[name] = child
            issue = self.issue(name, child, path)
            if issue is not None:
                issues.append(issue)
                self.issues[name] = issue
        return tuple(issues)

    def issue(self, name: str, node: YNode, path: str) -> Issue | None:
        fields = self.mapping(node, path, "an issue (a mapping with options, range or split)")
        if fields is None:
            return None
        self.keys(node, path, ISSUE_KEYS)
        label = self.text(fields["label"], join_path(path, "label")) if "label" in fields else name
        description = (
            self.text(fields["description"], join_path(path, "description"))
            if "description" in fields else None
        )  # fmt: skip
        kinds = [key for key in ("options", "range", "split") if key in fields]
        if len(kinds) != 1:
            given = " and ".join(kinds)
            message = (
                f"has both {given}; an issue has exactly one of options, range or split"
                if kinds
                else "an issue needs exactly one of options, range or split"
            )
            self.error(node, path, message, at_key=True)
            return None
        kind = kinds[0]
        if kind == "options":
            for key in ("resolution", "unit"):
                if key in fields:
                    self.error(
                        fields[key],
                        join_path(path, key),
                        f"'{key}' applies only to numeric (range) issues"
                        + (" and split issues" if key == "resolution" else ""),
                        at_key=True,
                    )
            options = self.options(fields["options"], join_path(path, "options"))
            if options is None:
                return None
            return CategoricalIssue(name, options, label or name, description)

        resolution = defaults.RESOLUTION
        if "resolution" in fields:
            value = self.integer(
                fields["resolution"],
                join_path(path, "resolution"),
                low=2,
                high=defaults.MAX_RESOLUTION,
            )
            if value is None:
                return None
            resolution = value
        if kind == "range":
            unit = self.text(fields["unit"], join_path(path, "unit")) if "unit" in fields else None
            bounds = self.range_pair(fields["range"], join_path(path, "range"))
            if bounds is None:
                return None
            return NumericIssue(
                name, bounds[0], bounds[1], resolution, label or name, unit, description
            )
        if "unit" in fields:
            self.error(
                fields["unit"],
                join_path(path, "unit"),
                "'unit' applies only to numeric (range) issues",
                at_key=True,
            )
        total = self.split_total(fields["split"], join_path(path, "split"))
        if total is None:
            return None
        return SplitIssue(name, total, resolution, label or name, description)

    def options(self, node: YNode, path: str) -> tuple[str, ...] | None:
        items = self.sequence(node, path, "a list of option names")
        if items is None:
            return None
        if not items:
            self.error(node, path, "a categorical issue needs at least one option")
            return None
        seen: dict[str, int] = {}
        ok = True
        for index, item in enumerate(items):
            item_path = join_path(path, index)
            if not isinstance(item.value, str) or not IDENTIFIER.match(item.value):
                self.error(
                    item,
                    item_path,
                    f"option {describe(item.value)} is not an identifier "
                    "(letters, digits, _ and -, starting with a letter)",
                )
                ok = False
            elif item.value in seen:
                self.error(
                    item,
                    item_path,
                    f"duplicate option '{item.value}' (also option {seen[item.value]})",
                )
                ok = False
            else:
                seen[item.value] = index
        return tuple(seen) if ok else None

    def range_pair(self, node: YNode, path: str) -> tuple[float, float] | None:
        items = self.sequence(node, path, "a list [low, high]")
        if items is None:
            return None
        if len(items) != 2:
            self.error(node, path, f"expected [low, high], got {len(items)} values")
            return None
        low, high = (self.number(item, join_path(path, i)) for i, item in enumerate(items))
        if low is None or high is None:
            return None
        if not low < high:
            self.error(
                node,
                path,
                f"reversed or empty range: low {format_number(low)} must be below high "
                f"{format_number(high)}",
            )
            return None
        return low, high

    def split_total(self, node: YNode, path: str) -> float | None:
        fields = self.mapping(node, path, "a mapping {total: T}")
        if fields is None:
            return None
        self.keys(node, path, ("total",), ("total",))
        if "total" not in fields:
            return None
        return self.number(
            fields["total"],
            join_path(path, "total"),
            low=0.0,
            low_open=True,
            what="the total must be",
        )

    def value_function(self, issue: Issue, node: YNode, path: str) -> ValueFunction | None:
        if isinstance(issue, CategoricalIssue):
            return self.categorical_values(issue, node, path)
        fields = self.mapping(node, path, "a value function (a mapping)")
        if fields is None:
            return None
        string_keys = [key for key in fields if isinstance(key, str)]
        if isinstance(issue, NumericIssue):
            if string_keys:
                return self.shape(fields, node, path, SHAPE_KEYS, issue)
            return self.points(fields, node, path, issue.low, issue.high, "the range")
        if string_keys:
            return self.shape(fields, node, path, ("exponent",), issue)
        return self.points(fields, node, path, 0.0, issue.total, "the total")

    def categorical_values(
        self, issue: CategoricalIssue, node: YNode, path: str
    ) -> CategoricalValues | None:
        fields = self.mapping(node, path, "a mapping of every option to its value")
        if fields is None:
            return None
        ok = True
        for option, child in fields.items():
            option_path = join_path(path, option)
            if option not in issue.options:
                self.error(
                    child,
                    option_path,
                    f"unknown option '{option}'"
                    f"{did_you_mean(option, issue.options)}; issue '{issue.name}' has "
                    f"{one_of(issue.options)}",
                    at_key=True,
                )
                ok = False
            elif self.number(child, option_path) is None:
                ok = False
        missing = [option for option in issue.options if option not in fields]
        if missing:
            self.error(
                node,
                path,
                f"missing value for option{'s' if len(missing) > 1 else ''} "
                f"{', '.join(missing)}: every option of '{issue.name}' needs a value",
            )
            ok = False
        if not ok:
            return None
        return CategoricalValues(tuple(float(fields[option].value) for option in issue.options))

    def shape(
        self,
        fields: dict[Any, YNode],
        node: YNode,
        path: str,
        allowed: tuple[str, ...],
        issue: NumericIssue | SplitIssue,
    ) -> PowerShape | None:
        form = (
            "points {x: value} or the shape {best, worst, exponent}"
            if isinstance(issue, NumericIssue)
            else "points {share: value} or {exponent: e}"
        )
        ok = True
        for key, child in fields.items():
            if key not in allowed:
                hint = did_you_mean(key, allowed) if isinstance(key, str) else ""
                self.error(
                    child,
                    join_path(path, key),
                    f"unknown key '{key}'{hint}; a value function here is {form}",
                    at_key=True,
                )
                ok = False
        numbers = {}
        for key in allowed:
            if key in fields:
                check: dict[str, Any] = (
                    {"low": 0.0, "low_open": True, "what": "an exponent must be"}
                    if key == "exponent" else {}
                )  # fmt: skip
                value = self.number(fields[key], join_path(path, key), **check)
                if value is None:
                    ok = False
                numbers[key] = value
        if isinstance(issue, SplitIssue):
            return PowerShape(issue.total, 0.0, or_default(numbers.get("exponent"))) if ok else None
        for key in ("best", "worst"):
            if key not in fields:
                self.error(
                    node,
                    path,
                    f"missing required key '{key}' of the shape {{best, worst, exponent}}",
                )
                ok = False
        if not ok:
            return None
        best, worst = numbers["best"], numbers["worst"]
        assert best is not None and worst is not None
        if best == worst:
            self.error(
                node, path, f"best and worst are both {format_number(best)}: they must differ"
            )
            return None
        return PowerShape(best, worst, or_default(numbers.get("exponent")))

    def points(
        self, fields: dict[Any, YNode], node: YNode, path: str, low: float, high: float, span: str
    ) -> PiecewiseLinear | None:
        ok = True
        pairs = []
        for key, child in fields.items():
            point_path = join_path(path, key)
            if isinstance(key, bool) or not isinstance(key, int | float) or not math.isfinite(key):
                self.error(
                    child,
                    point_path,
                    f"a point must be a finite number, got {describe(key)}",
                    at_key=True,
                )
                ok = False
                continue
            if key < low - TOLERANCE or key > high + TOLERANCE:
                self.error(
                    child,
                    point_path,
                    f"point {format_number(key)} is outside {span} "
                    f"[{format_number(low)}, {format_number(high)}]",
                    at_key=True,
                )
                ok = False
            value = self.number(child, point_path)
            if value is None:
                ok = False
            else:
                pairs.append((float(key), value))
        if ok and len(pairs) < 2:
            self.error(
                node, path, f"piecewise-linear values need at least two points, got {len(pairs)}"
            )
            ok = False
        if not ok:
            return None
        pairs.sort()
        return PiecewiseLinear(tuple(x for x, _ in pairs), tuple(v for _, v in pairs))


def or_default(exponent: float | None) -> float:
    """A value function's exponent, or the format's default when the file gives none."""
    return defaults.EXPONENT if exponent is None else exponent
