"""The rules of ``parties``: role sheets, weights, value functions, disagreement lotteries."""

from __future__ import annotations

from typing import Any, TypedDict

from negsim.errors import join_path
from negsim.format import defaults
from negsim.format.checks import IDENTIFIER, format_number
from negsim.format.model import (
    TOLERANCE,
    Issue,
    Lottery,
    LotteryBranch,
    Party,
    PowerShape,
    SplitIssue,
    ValueFunction,
)
from negsim.format.rules.conditions import ConditionRules
from negsim.format.source import YNode

PARTY_KEYS = (
    "label", "weights", "values", "interactions", "disagreement", "outside_option",
    "agreement_value", "discount", "cost_per_round", "bargaining_power", "trust", "brief",
)  # fmt: skip


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


class PartyRules(ConditionRules):
    """The rules of ``parties``: each role sheet's weights, values, disagreement and
    parameters."""

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
        brief = self.text(fields["brief"], join_path(path, "brief")) if "brief" in fields else None
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
            brief=brief,
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
                    f"(weight {format_number(weights[issue_name])})",
                    at_key=node is None,
                )
                ok = False
            else:
                result[issue_name] = None
        return {name: result[name] for name in self.issues} if ok else None

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
