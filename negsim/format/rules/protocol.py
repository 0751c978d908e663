"""The rules of ``protocol``: kind, proposers, deadline, breakdown risk, recognition."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from negsim.errors import join_path
from negsim.format import defaults
from negsim.format.model import (
    PROTOCOL_KINDS,
    TOLERANCE,
    Protocol,
)
from negsim.format.rules.parties import PartyRules
from negsim.format.source import YNode

MISSING = object()
PROTOCOL_DEFAULT = defaults.PROTOCOL
PROTOCOL_KEYS = (
    "kind", "first_proposer", "deadline", "breakdown_risk", "recognition", "rule",
    "lotteries", "round",
)  # fmt: skip


class ProtocolRules(PartyRules):
    """The rules of ``protocol``."""

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
                value = self.integer(deadline_node, "protocol.deadline", high=defaults.MAX_DEADLINE)
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
