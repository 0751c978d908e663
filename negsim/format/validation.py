"""The rules of the scenario format (version 1), section by section.

:class:`ScenarioValidator` walks a YAML tree once, reports every problem with its position
and gives the fields of the frozen :class:`negsim.format.scenario.Scenario`, then checks the
whole scenario. Choices where the format leaves room are listed in
:mod:`negsim.format.loader`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypedDict

from negsim import memory
from negsim.errors import ScenarioError, did_you_mean, join_path, one_of
from negsim.format import defaults
from negsim.format.checks import IDENTIFIER, Checker, _describe, _fmt, _interval
from negsim.format.model import (
    FORMAT_VERSION,
    PROTOCOL_KINDS,
    STRATEGIES,
    TOLERANCE,
    UNCERTAIN_PARAMETERS,
    Agent,
    CategoricalIssue,
    CategoricalValues,
    Choice,
    Condition,
    Constraint,
    Distribution,
    Interaction,
    Issue,
    Lottery,
    LotteryBranch,
    Mediator,
    Normal,
    NumericIssue,
    Party,
    PiecewiseLinear,
    PowerShape,
    Protocol,
    Simulation,
    SplitIssue,
    UncertainParameter,
    Uniform,
    ValueFunction,
)
from negsim.format.source import YNode

if TYPE_CHECKING:
    from negsim.format.scenario import Scenario

MISSING = object()
PROTOCOL_DEFAULT = defaults.PROTOCOL

TOP_KEYS = (
    "negsim", "name", "description", "sources", "issues", "parties", "constraints",
    "protocol", "uncertainty", "simulation", "mediators",
)  # fmt: skip
ISSUE_KEYS = ("label", "description", "options", "range", "split", "resolution", "unit")
PARTY_KEYS = (
    "label", "weights", "values", "interactions", "disagreement", "outside_option",
    "agreement_value", "discount", "cost_per_round", "bargaining_power", "trust",
)  # fmt: skip
PROTOCOL_KEYS = (
    "kind", "first_proposer", "deadline", "breakdown_risk", "recognition", "rule",
    "lotteries", "round",
)  # fmt: skip
SHAPE_KEYS = ("best", "worst", "exponent")


class _NumberCheck(TypedDict, total=False):
    """Bounds of :meth:`Checker.number`."""

    low: float
    high: float
    low_open: bool
    what: str


PARTY_NUMBER_CHECKS: dict[str, _NumberCheck] = {
    "agreement_value": {},
    "discount": {"low": 0.0, "high": 1.0, "low_open": True, "what": "a discount factor must be"},
    "cost_per_round": {"low": 0.0, "what": "a cost must be"},
    "bargaining_power": {"low": 0.0, "low_open": True, "what": "bargaining power must be"},
}
"""A party's scalar parameters and their bounds; left out, each takes its format default."""


class ScenarioValidator(Checker):
    """Checks every rule of the format and builds the :class:`Scenario`."""

    def __init__(self, filename: str):
        super().__init__(filename)
        self.issues: dict[str, Issue] = {}
        self.issue_nodes: dict[str, YNode] = {}
        self.party_names: list[str] = []
        self.top: dict[Any, YNode] = {}

    # -- top level -------------------------------------------------------------------------------

    def fields(self, root: YNode) -> dict[str, Any]:
        """Every rule of the file except those on the whole scenario: the keyword arguments
        of :class:`~negsim.format.scenario.Scenario`. Raises :class:`ScenarioError`."""
        top = self.mapping(root, "", "a mapping of keys (negsim, name, issues, parties, ...)")
        if top is None:
            raise ScenarioError(self.problems)
        self.keys(root, "", TOP_KEYS, ("negsim", "name", "issues", "parties"))

        if "negsim" in top:
            version = self.integer(top["negsim"], "negsim")
            if version is not None and version != FORMAT_VERSION:
                self.error(
                    top["negsim"],
                    "negsim",
                    f"unsupported format version {version}; "
                    f"this negsim reads version {FORMAT_VERSION}",
                )
        name = self.text(top["name"], "name") if "name" in top else None
        if name is not None and not name.strip():
            self.error(top["name"], "name", "must not be empty")
        description = self.text(top["description"], "description") if "description" in top else None
        sources: list[str] = []
        if "sources" in top and (items := self.sequence(top["sources"], "sources")) is not None:
            for index, item in enumerate(items):
                if (source := self.text(item, join_path("sources", index))) is not None:
                    sources.append(source)

        issues = self.all_issues(top["issues"]) if "issues" in top else ()
        parties = self.all_parties(top["parties"], issues) if "parties" in top else ()
        party_names = [p.name for p in parties] if parties else self.party_names
        constraints = self.constraints(top["constraints"]) if "constraints" in top else ()
        protocol = self.protocol(top.get("protocol"), party_names)
        uncertainty = self.uncertainty(top["uncertainty"]) if "uncertainty" in top else ()
        simulation = self.simulation(top["simulation"]) if "simulation" in top else None
        mediators = self.mediators(top["mediators"]) if "mediators" in top else ()

        if self.problems:
            raise ScenarioError(self.problems)
        assert name is not None and protocol is not None
        self.top = top
        return {
            "name": name,
            "description": description,
            "sources": tuple(sources),
            "issues": tuple(issues),
            "parties": tuple(parties),
            "constraints": tuple(constraints),
            "protocol": protocol,
            "uncertainty": tuple(uncertainty),
            "simulation": simulation,
            "mediators": tuple(mediators),
            "source": self.filename,
        }

    def check_whole(self, scenario: Scenario) -> None:
        """The rules on the whole scenario (after :meth:`fields`): an outcome space that fits
        in memory, and constraints that leave a feasible package."""
        self.check_size(scenario, self.top["issues"])
        if scenario.constraints:
            self.check_feasible(scenario, self.top["constraints"])
        if self.problems:
            raise ScenarioError(self.problems)

    # -- issues ----------------------------------------------------------------------------------

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
            value = self.integer(fields["resolution"], join_path(path, "resolution"), low=2)
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
                    f"option {_describe(item.value)} is not an identifier "
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
                f"reversed or empty range: low {_fmt(low)} must be below high {_fmt(high)}",
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

    # -- parties ---------------------------------------------------------------------------------

    def all_parties(self, node: YNode, issues: tuple[Issue, ...]) -> tuple[Party, ...]:
        entries = self.mapping(node, "parties", "a mapping of party names to role sheets")
        if entries is None:
            return ()
        names = [name for name in entries if isinstance(name, str) and IDENTIFIER.match(name)]
        self.party_names = names
        if len(entries) < 2:
            self.error(
                node, "parties", f"a negotiation needs at least two parties, got {len(entries)}"
            )
        parties = []
        for name, child in entries.items():
            path = join_path("parties", name)
            if not self.identifier(name, child, path, "party"):
                continue
            party = self.party(name, child, path, issues, len(entries))
            if party is not None:
                parties.append(party)
        return tuple(parties) if len(parties) == len(entries) else ()

    def party(
        self, name: str, node: YNode, path: str, issues: tuple[Issue, ...], n_parties: int
    ) -> Party | None:
        fields = self.mapping(node, path, "a role sheet (a mapping)")
        if fields is None:
            return None
        self.keys(node, path, PARTY_KEYS)
        before = len(self.problems)
        label = self.text(fields["label"], join_path(path, "label")) if "label" in fields else name
        weights = self.weights(fields.get("weights"), join_path(path, "weights"), node)
        values = self.values(
            fields.get("values"), join_path(path, "values"), weights, node, n_parties
        )
        interactions = (
            self.interactions(fields["interactions"], join_path(path, "interactions"))
            if "interactions" in fields else ()
        )  # fmt: skip
        disagreement = (
            self.lottery(fields["disagreement"], join_path(path, "disagreement"))
            if "disagreement" in fields else Lottery.sure(defaults.party_number("disagreement"))
        )  # fmt: skip
        outside = None
        if "outside_option" in fields and fields["outside_option"].value is not None:
            outside = self.number(fields["outside_option"], join_path(path, "outside_option"))
        scalars: dict[str, float | None] = {}
        for key, check in PARTY_NUMBER_CHECKS.items():
            scalars[key] = (
                self.number(fields[key], join_path(path, key), **check)
                if key in fields
                else defaults.party_number(key)
            )
        trust = self.issue_numbers(fields.get("trust"), join_path(path, "trust"), probability=True)
        if len(self.problems) > before or weights is None or values is None:
            return None

        def scalar(key: str) -> float:
            value = scalars[key]
            assert value is not None  # a problem would have been reported
            return value

        default_trust = defaults.party_number("trust")
        return Party(
            name=name,
            label=label or name,
            weights=weights,
            values=values,
            interactions=tuple(interactions),
            disagreement=disagreement or Lottery.sure(defaults.party_number("disagreement")),
            outside_option=outside,
            agreement_value=scalar("agreement_value"),
            discount=scalar("discount"),
            cost_per_round=scalar("cost_per_round"),
            bargaining_power=scalar("bargaining_power"),
            trust={issue: (trust or {}).get(issue, default_trust) for issue in self.issues},
        )

    def issue_numbers(
        self, node: YNode | None, path: str, *, probability: bool = False, low: float | None = None
    ) -> dict[str, float] | None:
        """A mapping issue name -> number (weights, trust)."""
        if node is None:
            return {}
        entries = self.mapping(node, path, "a mapping of issue names to numbers")
        if entries is None:
            return None
        result: dict[str, float] = {}
        for issue, child in entries.items():
            child_path = join_path(path, issue)
            if not self.reference(issue, child, child_path, self.issue_nodes, "issue", at_key=True):
                continue
            value = (
                self.probability(child, child_path) if probability
                else self.number(child, child_path, low=low, what="must be")
            )  # fmt: skip
            if value is not None:
                result[issue] = value
        return result

    def weights(self, node: YNode | None, path: str, party_node: YNode) -> dict[str, float] | None:
        if not self.issues:
            return None
        if node is None:
            share = 1.0 / len(self.issues)
            return {issue: share for issue in self.issues}
        raw = self.issue_numbers(node, path, low=0.0)
        if raw is None:
            return None
        total = sum(raw.values())
        if total <= 0:
            if len(raw) == len(node.value):  # no entry was invalid: the weights are all zero
                self.error(node, path, "all weights are zero: at least one issue must matter")
            return None
        return {issue: raw.get(issue, 0.0) / total for issue in self.issues}

    def values(
        self,
        node: YNode | None,
        path: str,
        weights: dict[str, float] | None,
        party_node: YNode,
        n_parties: int,
    ) -> dict[str, ValueFunction | None] | None:
        given: dict[Any, YNode] = {}
        if node is not None:
            entries = self.mapping(node, path, "a mapping of issue names to value functions")
            if entries is None:
                return None
            given = entries
        result: dict[str, ValueFunction | None] = {}
        ok = True
        for issue_name, child in given.items():
            child_path = join_path(path, issue_name)
            if not self.reference(
                issue_name, child, child_path, self.issue_nodes, "issue", at_key=True
            ):
                ok = False
                continue
            if issue_name not in self.issues:
                ok = False  # the issue itself is invalid and already reported
                continue
            function = self.value_function(self.issues[issue_name], child, child_path)
            if function is None:
                ok = False
            result[issue_name] = function
        if weights is None:
            return None
        for issue_name, issue in self.issues.items():
            if issue_name in result:
                continue
            if isinstance(issue, SplitIssue):
                result[issue_name] = PowerShape(best=issue.total, worst=0.0, exponent=1.0)
            elif weights.get(issue_name, 0.0) > 0:
                where = node if node is not None else party_node
                self.error(
                    where,
                    path,
                    f"missing value function for issue '{issue_name}' "
                    f"(weight {_fmt(weights[issue_name])})",
                    at_key=node is None,
                )
                ok = False
            else:
                result[issue_name] = None
        return {name: result[name] for name in self.issues} if ok else None

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
            return (
                PowerShape(issue.total, 0.0, _or_default(numbers.get("exponent"))) if ok else None
            )
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
            self.error(node, path, f"best and worst are both {_fmt(best)}: they must differ")
            return None
        return PowerShape(best, worst, _or_default(numbers.get("exponent")))

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
                    f"a point must be a finite number, got {_describe(key)}",
                    at_key=True,
                )
                ok = False
                continue
            if key < low - TOLERANCE or key > high + TOLERANCE:
                self.error(
                    child,
                    point_path,
                    f"point {_fmt(key)} is outside {span} [{_fmt(low)}, {_fmt(high)}]",
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

    def lottery(self, node: YNode, path: str) -> Lottery | None:
        if not node.is_map:
            value = self.number(node, path, what="must be")
            return None if value is None else Lottery.sure(value)
        self.keys(
            node,
            path,
            ("lottery",),
            ("lottery",),
            hint="; a disagreement is a number or {lottery: [{p, value, label}, ...]}",
        )
        if "lottery" not in node.value:
            return None
        lottery_path = join_path(path, "lottery")
        items = self.sequence(node.value["lottery"], lottery_path, "a list of {p, value, label}")
        if items is None:
            return None
        if not items:
            self.error(node.value["lottery"], lottery_path, "a lottery needs at least one branch")
            return None
        branches = []
        ok = True
        for index, item in enumerate(items):
            item_path = join_path(lottery_path, index)
            fields = self.mapping(item, item_path, "a branch {p, value, label}")
            if fields is None:
                ok = False
                continue
            self.keys(item, item_path, ("p", "value", "label"), ("p", "value"))
            p = self.probability(fields["p"], join_path(item_path, "p")) if "p" in fields else None
            value = (
                self.number(fields["value"], join_path(item_path, "value"))
                if "value" in fields
                else None
            )
            label = (
                self.text(fields["label"], join_path(item_path, "label"))
                if "label" in fields
                else None
            )
            if p is None or value is None:
                ok = False
                continue
            branches.append(LotteryBranch(p, value, label))
        if not ok:
            return None
        total = sum(branch.p for branch in branches)
        if abs(total - 1.0) > TOLERANCE:
            self.error(
                node.value["lottery"],
                lottery_path,
                f"lottery probabilities sum to {total:.12g}, not 1",
            )
            return None
        return Lottery(tuple(branches))

    # -- conditions: interactions and constraints ------------------------------------------------

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
                        f"expected an option of '{issue.name}', got {_describe(item.value)}",
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
            self.error(node, path, f"reversed bounds: min {_fmt(low)} is above max {_fmt(high)}")
            return None
        return low, high

    # -- protocol --------------------------------------------------------------------------------

    def protocol(self, node: YNode | None, party_names: list[str]) -> Protocol | None:
        fields: dict[Any, YNode] = {}
        if node is not None:
            entries = self.mapping(node, "protocol", "a mapping of protocol settings")
            if entries is None:
                return None
            fields = entries
            self.keys(node, "protocol", PROTOCOL_KEYS)
        ok = True

        def get(key: str, parse: Callable[[YNode, str], Any], default: Any) -> Any:
            nonlocal ok
            if key not in fields:
                return default
            value = parse(fields[key], join_path("protocol", key))
            if value is None and fields[key].value is not None:
                ok = False
            return value

        kind = get("kind", self.choice(PROTOCOL_KINDS, "protocol kind"), PROTOCOL_DEFAULT["kind"])
        first = get("first_proposer", self.party_reference(party_names), None)
        if first is None and ok:
            first = party_names[0] if party_names else None
        deadline = MISSING
        if "deadline" in fields:
            deadline_node = fields["deadline"]
            if deadline_node.value is None:
                deadline = None
            else:
                value = self.integer(deadline_node, "protocol.deadline")
                if value is not None and value < 1:
                    self.error(
                        deadline_node,
                        "protocol.deadline",
                        f"a deadline must be at least 1 round, got {value}",
                    )
                    value = None
                if value is None:
                    ok = False
                deadline = value
        if kind == "ultimatum":
            if deadline not in (MISSING, None, 1):
                self.error(
                    fields["deadline"],
                    "protocol.deadline",
                    f"an ultimatum has a deadline of 1 round, got {deadline}; "
                    "use kind alternating_offers for longer talks",
                )
                ok = False
            deadline = 1
        elif deadline is MISSING:
            deadline = PROTOCOL_DEFAULT["deadline"]
        risk = get(
            "breakdown_risk",
            lambda n, p: self.number(
                n, p, low=0.0, high=1.0, high_open=True, what="a breakdown risk must be"
            ),
            PROTOCOL_DEFAULT["breakdown_risk"],
        )
        recognition = self.recognition(fields.get("recognition"), party_names)
        if recognition is None:
            ok = False
        rule = get(
            "rule", self.choice(("unanimity", "majority"), "voting rule"), PROTOCOL_DEFAULT["rule"]
        )
        lotteries = get("lotteries", self.boolean, PROTOCOL_DEFAULT["lotteries"])
        round_label = get("round", self.text, None)
        if not ok or not party_names:
            return None
        return Protocol(
            kind=kind,
            first_proposer=first,
            deadline=deadline,  # type: ignore[arg-type]  # MISSING was replaced above
            breakdown_risk=risk,
            recognition=recognition or {},
            rule=rule,
            lotteries=lotteries,
            round_label=round_label,
        )

    def party_reference(self, party_names: list[str]) -> Callable[[YNode, str], str | None]:
        def parse(node: YNode, path: str) -> str | None:
            if self.reference(node.value, node, path, party_names, "party", at_key=False):
                return node.value  # type: ignore[no-any-return]
            return None

        return parse

    def recognition(self, node: YNode | None, party_names: list[str]) -> dict[str, float] | None:
        if node is None:
            return {name: 1.0 / len(party_names) for name in party_names} if party_names else {}
        entries = self.mapping(
            node, "protocol.recognition", "a mapping of parties to probabilities"
        )
        if entries is None:
            return None
        result = {}
        ok = True
        for party, child in entries.items():
            path = join_path("protocol.recognition", party)
            if not self.reference(party, child, path, party_names, "party", at_key=True):
                ok = False
                continue
            p = self.probability(child, path)
            if p is None:
                ok = False
            else:
                result[party] = p
        if ok and abs(sum(result.values()) - 1.0) > TOLERANCE:
            self.error(
                node,
                "protocol.recognition",
                f"recognition probabilities sum to {sum(result.values()):.12g}, not 1",
            )
            ok = False
        return {name: result.get(name, 0.0) for name in party_names} if ok else None

    # -- uncertainty -----------------------------------------------------------------------------

    def uncertainty(self, node: YNode) -> tuple[UncertainParameter, ...]:
        entries = self.mapping(node, "uncertainty", "a mapping of party.parameter to distributions")
        if entries is None:
            return ()
        result = []
        for key, child in entries.items():
            path = join_path("uncertainty", key)
            if not isinstance(key, str) or key.count(".") != 1:
                self.error(
                    child,
                    path,
                    f"expected a key 'party.parameter' (e.g. "
                    f"leader.disagreement), got {_describe(key)}",
                    at_key=True,
                )
                continue
            party, parameter = key.split(".")
            if not self.reference(party, child, path, self.party_names, "party", at_key=True):
                continue
            if parameter not in UNCERTAIN_PARAMETERS:
                self.error(
                    child,
                    path,
                    f"parameter '{parameter}' cannot be uncertain"
                    f"{did_you_mean(parameter, UNCERTAIN_PARAMETERS)}; "
                    f"{one_of(UNCERTAIN_PARAMETERS)}",
                    at_key=True,
                )
                continue
            distribution = self.distribution(child, path, parameter)
            if distribution is not None:
                result.append(UncertainParameter(party, parameter, distribution))
        return tuple(result)

    def distribution(self, node: YNode, path: str, parameter: str) -> Distribution | None:
        fields = self.mapping(node, path, "a distribution (uniform, normal or choice)")
        if fields is None:
            return None
        forms = ("uniform", "normal", "choice")
        self.keys(node, path, (*forms, "types"))
        given = [form for form in forms if form in fields]
        if len(given) != 1:
            self.error(
                node,
                path,
                "a distribution needs exactly one of uniform, normal or choice"
                + (f", got {' and '.join(given)}" if given else ""),
                at_key=True,
            )
            return None
        form = given[0]
        types = defaults.TYPES
        if "types" in fields:
            if form == "choice":
                self.error(
                    fields["types"],
                    join_path(path, "types"),
                    "'types' applies only to "
                    "uniform and normal distributions (choice types are used exactly)",
                    at_key=True,
                )
                return None
            value = self.integer(fields["types"], join_path(path, "types"), low=1)
            if value is None:
                return None
            types = value
        form_path = join_path(path, form)
        distribution: Distribution
        if form == "uniform":
            bounds = self.range_pair(fields[form], form_path)
            if bounds is None:
                return None
            distribution = Uniform(bounds[0], bounds[1], types)
            support, at = [bounds[0], bounds[1]], fields[form]
        elif form == "normal":
            normal = self.mapping(fields[form], form_path, "{mean, sd, min, max}")
            if normal is None:
                return None
            self.keys(
                fields[form], form_path, ("mean", "sd", "min", "max"), ("mean", "sd", "min", "max")
            )
            if not all(key in normal for key in ("mean", "sd", "min", "max")):
                return None
            mean = self.number(normal["mean"], join_path(form_path, "mean"))
            sd = self.number(
                normal["sd"],
                join_path(form_path, "sd"),
                low=0.0,
                low_open=True,
                what="a standard deviation must be",
            )
            low = self.number(normal["min"], join_path(form_path, "min"))
            high = self.number(normal["max"], join_path(form_path, "max"))
            if None in (mean, sd, low, high):
                return None
            assert mean is not None and sd is not None and low is not None and high is not None
            if not low < high:
                self.error(
                    fields[form],
                    form_path,
                    f"reversed or empty range: min {_fmt(low)} must be below max {_fmt(high)}",
                )
                return None
            distribution = Normal(mean, sd, low, high, types)
            support, at = [low, high], fields[form]
        else:
            choice = self.choice_distribution(fields[form], form_path)
            if choice is None:
                return None
            distribution = choice
            support, at = list(choice.values), fields[form]
        domain = {"discount": (0.0, 1.0, True), "cost_per_round": (0.0, math.inf, False)}
        if parameter in domain:
            low_d, high_d, low_open = domain[parameter]
            bad = [x for x in support if (x <= low_d if low_open else x < low_d) or x > high_d]
            if bad:
                interval = _interval(low_d, None if math.isinf(high_d) else high_d, low_open, False)
                self.error(
                    at,
                    form_path,
                    f"values of {parameter} must be {interval}, but the "
                    f"distribution reaches {_fmt(bad[0])}",
                )
                return None
        return distribution

    def choice_distribution(self, node: YNode, path: str) -> Choice | None:
        fields = self.mapping(node, path, "{values: [...], p: [...]}")
        if fields is None:
            return None
        self.keys(node, path, ("values", "p"), ("values",))
        if "values" not in fields:
            return None
        items = self.sequence(fields["values"], join_path(path, "values"), "a list of numbers")
        if items is None:
            return None
        if not items:
            self.error(fields["values"], join_path(path, "values"), "needs at least one value")
            return None
        values = [
            self.number(item, join_path(path, f"values[{i}]")) for i, item in enumerate(items)
        ]
        if None in values:
            return None
        if "p" not in fields:
            return Choice(tuple(values), tuple([1.0 / len(values)] * len(values)))  # type: ignore[arg-type]
        p_items = self.sequence(fields["p"], join_path(path, "p"), "a list of probabilities")
        if p_items is None:
            return None
        if len(p_items) != len(items):
            self.error(
                fields["p"],
                join_path(path, "p"),
                f"has {len(p_items)} probabilities for {len(items)} values",
            )
            return None
        ps = [self.probability(item, join_path(path, f"p[{i}]")) for i, item in enumerate(p_items)]
        if None in ps:
            return None
        total = sum(ps)  # type: ignore[arg-type]
        if abs(total - 1.0) > TOLERANCE:
            self.error(
                fields["p"], join_path(path, "p"), f"probabilities sum to {total:.12g}, not 1"
            )
            return None
        return Choice(tuple(values), tuple(ps))  # type: ignore[arg-type]

    # -- simulation and mediators ----------------------------------------------------------------

    def simulation(self, node: YNode) -> Simulation | None:
        fields = self.mapping(node, "simulation", "a mapping {runs, seed, agents}")
        if fields is None:
            return None
        self.keys(node, "simulation", ("runs", "seed", "agents"))
        runs = defaults.SIMULATION_RUNS
        if "runs" in fields:
            runs = self.integer(fields["runs"], "simulation.runs", low=1)  # type: ignore[assignment]
        seed = None
        if "seed" in fields and fields["seed"].value is not None:
            seed = self.integer(fields["seed"], "simulation.seed", low=0)
        agents: dict[str, Agent] = {}
        if "agents" in fields:
            entries = self.mapping(
                fields["agents"], "simulation.agents", "a mapping of parties to agents"
            )
            for party, child in (entries or {}).items():
                path = join_path("simulation.agents", party)
                if not self.reference(party, child, path, self.party_names, "party", at_key=True):
                    continue
                agent = self.agent(child, path)
                if agent is not None:
                    agents[party] = agent
        if runs is None:
            return None
        for party in self.party_names:
            strategy = defaults.AGENT_STRATEGY
            agents.setdefault(party, Agent(strategy, defaults.AGENT_EXPONENTS[strategy]))
        return Simulation(
            runs=runs, seed=seed, agents={p: agents[p] for p in self.party_names if p in agents}
        )

    def agent(self, node: YNode, path: str) -> Agent | None:
        fields = self.mapping(node, path, "an agent {strategy, exponent}")
        if fields is None:
            return None
        self.keys(node, path, ("strategy", "exponent"), ("strategy",))
        if "strategy" not in fields:
            return None
        strategy = self.choice(STRATEGIES, "strategy")(
            fields["strategy"], join_path(path, "strategy")
        )
        if strategy is None:
            return None
        exponent = defaults.AGENT_EXPONENTS[strategy]
        if "exponent" in fields:
            value = self.number(
                fields["exponent"],
                join_path(path, "exponent"),
                low=0.0,
                low_open=True,
                what="an exponent must be",
            )
            if value is None:
                return None
            rules = {
                "boulware": (value < 1, "below 1"),
                "conceder": (value > 1, "above 1"),
                "linear": (value == 1, "1"),
            }
            if strategy in rules and not rules[strategy][0]:
                self.error(
                    fields["exponent"],
                    join_path(path, "exponent"),
                    f"a {strategy} exponent must be {rules[strategy][1]}, got {_fmt(value)}",
                )
                return None
            exponent = value
        return Agent(strategy, exponent)

    def mediators(self, node: YNode) -> tuple[Mediator, ...]:
        entries = self.mapping(node, "mediators", "a mapping of mediator names to mediators")
        if entries is None:
            return ()
        result = []
        for name, child in entries.items():
            path = join_path("mediators", name)
            if not self.identifier(name, child, path, "mediator"):
                continue
            fields = self.mapping(child, path, "a mediator {label, guarantees}")
            if fields is None:
                continue
            self.keys(child, path, ("label", "guarantees"))
            label = (
                self.text(fields["label"], join_path(path, "label")) if "label" in fields else name
            )
            guarantees: dict[str, dict[str, float]] = {}
            if "guarantees" in fields:
                g_path = join_path(path, "guarantees")
                parties = self.mapping(
                    fields["guarantees"], g_path, "a mapping of parties to {issue: trust}"
                )
                for party, g_node in (parties or {}).items():
                    party_path = join_path(g_path, party)
                    if not self.reference(
                        party, g_node, party_path, self.party_names, "party", at_key=True
                    ):
                        continue
                    levels = self.issue_numbers(g_node, party_path, probability=True)
                    if levels is not None:
                        guarantees[party] = levels
            result.append(Mediator(name, label or name, guarantees))
        return tuple(result)

    # -- whole-scenario checks -------------------------------------------------------------------

    def check_size(self, scenario: Scenario, issues_node: YNode) -> None:
        """Refuse an outcome space that cannot be held in memory, suggesting a coarser grid."""
        n_packages = scenario.n_packages
        needed = memory.estimate_bytes(n_packages, scenario.n_parties)
        limit = memory.limit_bytes()
        if needed <= limit:
            return
        suggestion = _coarser_resolution(scenario, limit)
        self.error(
            issues_node,
            "issues",
            f"the outcome space has {n_packages:,} packages and would need "
            f"{memory.format_bytes(needed)} of memory, more than the "
            f"{memory.format_bytes(limit)} available to it ({memory.limit_source()}); "
            + (suggestion or "use fewer issues or options"),
            at_key=True,
        )

    def check_feasible(self, scenario: Scenario, constraints_node: YNode) -> None:
        from negsim.format.levels import feasibility_mask

        if not feasibility_mask(scenario).any():
            self.error(
                constraints_node,
                "constraints",
                "the constraints forbid every package: no agreement is feasible",
                at_key=True,
            )


def _coarser_resolution(scenario: Scenario, limit: int) -> str:
    """Suggest the finest resolution of the finest gridded issue that fits in ``limit``."""
    gridded = [i for i in scenario.issues if isinstance(i, NumericIssue | SplitIssue)]
    if not gridded:
        return ""
    finest = max(gridded, key=scenario.n_levels)
    others = scenario.n_packages // scenario.n_levels(finest)
    for resolution in range(finest.resolution - 1, 1, -1):
        if isinstance(finest, SplitIssue):
            levels = SplitIssue(finest.name, finest.total, resolution, "").n_levels_for(
                scenario.n_parties
            )
        else:
            levels = resolution
        if memory.estimate_bytes(others * levels, scenario.n_parties) <= limit:
            return (
                f"lower the resolution of issues.{finest.name} from {finest.resolution} "
                f"to {resolution} or less, or use fewer issues or options"
            )
    return f"even resolution 2 on issues.{finest.name} is too large; use fewer issues or options"


def _or_default(exponent: float | None) -> float:
    """A value function's exponent, or the format's default when the file gives none."""
    return defaults.EXPONENT if exponent is None else exponent
