"""What a scenario calls its parts, for programs: the ``labels`` object of every JSON
output (``docs/json.md``) and the reading of the protocol's ``round`` label as a length of
time."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from negsim.format.model import CategoricalIssue, NumericIssue, SplitIssue

if TYPE_CHECKING:
    from negsim.format.scenario import Scenario

__all__ = ["round_length", "scenario_labels"]

ROUND_LABEL = re.compile(r"^\s*(\d+(?:\.\d+)?)?\s*([A-Za-z][A-Za-z -]*?)\s*$")

TIME_UNITS = frozenset(
    {"second", "minute", "hour", "day", "night", "week", "fortnight", "month", "quarter", "year"}
)
"""Units a ``round`` label must end in to read as time (``"1 business day"`` does)."""


def round_length(label: str | None) -> tuple[float, str] | None:
    """``(length, unit)`` of a protocol's ``round`` label: ``"1 day"`` -> ``(1.0, "day")``,
    ``"2 weeks"`` -> ``(2.0, "week")``, ``"day"`` -> ``(1.0, "day")``; None when there is
    no label or it does not read as a length of time (``"1 session"``)."""
    if not label:
        return None
    match = ROUND_LABEL.match(label)
    if match is None:
        return None
    length = float(match.group(1)) if match.group(1) else 1.0
    unit = match.group(2)
    if unit.endswith("s") and not unit.endswith("ss"):
        unit = unit[:-1]
    if length <= 0 or unit.split()[-1].lower() not in TIME_UNITS:
        return None
    return length, unit


def scenario_labels(scenario: Scenario) -> dict[str, Any]:
    """``{"parties": {name: label}, "issues": {name: {...}}, "round": {...}}``: each
    party's label; each issue's ``label``, ``kind``, ``unit`` (numeric issues; else null),
    ``options`` (categorical) or ``total`` (split); the protocol's ``round`` label as
    written with its ``length`` and ``unit`` when it reads as a length of time (else
    null)."""
    issues: dict[str, Any] = {}
    for issue in scenario.issues:
        entry: dict[str, Any] = {"label": issue.label, "kind": issue.kind, "unit": None}
        if isinstance(issue, NumericIssue):
            entry["unit"] = issue.unit
            entry["low"], entry["high"] = float(issue.low), float(issue.high)
        elif isinstance(issue, CategoricalIssue):
            entry["options"] = list(issue.options)
        elif isinstance(issue, SplitIssue):
            entry["total"] = float(issue.total)
        issues[issue.name] = entry
    label = scenario.protocol.round_label
    length = round_length(label)
    return {
        "parties": {party.name: party.label for party in scenario.parties},
        "issues": issues,
        "round": {
            "label": label,
            "length": None if length is None else length[0],
            "unit": None if length is None else length[1],
        },
    }
