"""Export a scenario as GENIUS / ANAC XML: one domain file and one utility profile per party
(``negsim export-genius``; ``docs/genius.md``), the reverse of :mod:`negsim.format.genius`.

GENIUS's model is additive: ``u = sum_k w_k * e_k(x_k) / max e_k`` over discrete issues with
non-negative evaluations ``e``, a reservation value and a discount factor over normalized
time. The export writes each party's per-issue utility ``c_k = w_k * v~_k`` (trust, and so
mediators, included; :attr:`negsim.space.OutcomeSpace.issue_utilities`) as the evaluations,
scaled to a best of 1 (``e_k = c_k / max c_k``), with weight ``w_k = max c_k``: then
``w_k * e_k / max e_k = c_k`` and GENIUS's utility of
every package is negsim's, to the last digit written (17 significant digits).

* Every issue becomes a discrete issue. Categorical options keep their names; a numeric or
  split issue's grid points become values such as ``"0.25"`` or ``"us 0.6, leader 0.4"``
  (GENIUS values are opaque strings), so any value function is exported exactly.
* A package worth the same to GENIUS as to negsim needs ``c_k >= 0`` (GENIUS refuses negative
  evaluations), no ``agreement_value`` and a best utility of at most 1 (GENIUS caps at 1).
  Otherwise the party's utilities are moved to ``(u - shift) / scale`` with the smallest
  shift and scale that fit, and its reservation value with them; the preferences, the
  Pareto frontier and the Nash and Kalai–Smorodinsky solutions are unchanged by such a
  change, the egalitarian and utilitarian solutions may move, and the export says so.
* The reservation value is the expected disagreement utility. A per-round discount ``delta``
  over a deadline of ``N`` rounds becomes GENIUS's ``d = delta^N`` (``d^t`` at ``t = k/N``
  is ``delta^k``), the inverse of the import.
* What GENIUS cannot express is refused (interactions, constraints), or left out with a
  note (outside options, costs of delay, breakdown risk, the protocol, uncertainty).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from xml.sax.saxutils import quoteattr

import numpy as np

from negsim.format.model import CategoricalIssue
from negsim.space import OutcomeSpace

FIT = 1e-12
"""A best utility up to ``1 + FIT`` and per-issue utilities down to ``-FIT`` need no change."""


class ExportError(ValueError):
    """A scenario GENIUS's additive model cannot express; the message says why."""


@dataclass(frozen=True)
class Exported:
    """The XML files of an exported scenario: ``domain`` (file name, text) and ``profiles``
    (one ``(file name, text)`` per party, in party order), and ``notes`` on what changed or
    was left out."""

    domain: tuple[str, str]
    profiles: tuple[tuple[str, str], ...]
    notes: tuple[str, ...]


def slug(text: str) -> str:
    """A file-name stem: letters, digits, ``-`` and ``_`` only."""
    return re.sub(r"[^A-Za-z0-9_-]+", "-", text).strip("-_") or "scenario"


def _number(value: float) -> str:
    return repr(float(value)) if not float(value).is_integer() else str(int(value))


def _values(space: OutcomeSpace, issue_index: int) -> list[str]:
    issue = space.scenario.issues[issue_index]
    if isinstance(issue, CategoricalIssue):
        return list(issue.options)
    labels = space.level_labels(issue_index)
    if len(set(labels)) < len(labels):  # a grid finer than six digits
        labels = [repr(space.level_value(issue_index, k)) for k in range(len(labels))]
    return labels


def _refusals(space: OutcomeSpace) -> list[str]:
    scenario = space.scenario
    problems = []
    if scenario.constraints:
        count = len(scenario.constraints)
        problems.append(
            f"{count} constraint{'s' if count > 1 else ''} (GENIUS has no infeasible packages)"
        )
    with_interactions = [party.name for party in scenario.parties if party.interactions]
    if with_interactions:
        problems.append(f"interactions of {', '.join(with_interactions)} (GENIUS is additive)")
    return problems


def _left_out(space: OutcomeSpace) -> list[str]:
    scenario = space.scenario
    notes = []
    for party in scenario.parties:
        if party.outside_option is not None:
            notes.append(f"{party.name}'s outside option is left out")
        if party.cost_per_round:
            notes.append(f"{party.name}'s cost per round is left out")
    protocol = scenario.protocol
    if protocol.breakdown_risk:
        notes.append("the breakdown risk is left out")
    if protocol.kind != "alternating_offers":
        notes.append(f"the protocol ({protocol.kind}) is left out: GENIUS sets its own")
    if getattr(scenario, "uncertainty", None):
        notes.append("uncertainty is left out: each profile has the stated (expected) values")
    return notes


def _fit(space: OutcomeSpace, party: int) -> tuple[list[np.ndarray], float, float]:
    """Per-issue contributions, shift and scale that put party ``party`` on GENIUS's scale."""
    contributions = [np.asarray(u[party], dtype=np.float64) for u in space.issue_utilities]
    agreement_value = float(space.scenario.parties[party].agreement_value)
    lows = [float(c.min()) for c in contributions]
    needs_shift = agreement_value != 0.0 or min(lows) < -FIT
    shift = (sum(lows) + agreement_value) if needs_shift else 0.0
    if needs_shift:
        contributions = [c - low for c, low in zip(contributions, lows, strict=True)]
    best = sum(float(c.max()) for c in contributions)
    scale = best if best > 1.0 + FIT else 1.0
    return [np.maximum(c / scale, 0.0) for c in contributions], shift, scale


def _domain_xml(space: OutcomeSpace, title: str) -> str:
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f"<!-- Exported by negsim from the scenario {_comment(space.scenario.name)} -->",
        "<negotiation_template>",
        f'  <utility_space number_of_issues="{space.n_issues}">',
        f'    <objective index="0" name={quoteattr(title)} type="objective" etype="objective">',
    ]
    for k, issue in enumerate(space.scenario.issues):
        lines.append(
            f'      <issue index="{k + 1}" name={quoteattr(issue.name)} type="discrete" '
            'etype="discrete" vtype="discrete">'
        )
        for j, value in enumerate(_values(space, k)):
            lines.append(f'        <item index="{j + 1}" value={quoteattr(value)}/>')
        lines.append("      </issue>")
    lines += ["    </objective>", "  </utility_space>", "</negotiation_template>", ""]
    return "\n".join(lines)


def _profile_xml(space: OutcomeSpace, party: int, rounds: int, notes: list[str]) -> str:
    scenario = space.scenario
    name = scenario.party_names[party]
    contributions, shift, scale = _fit(space, party)
    reservation = (float(space.disagreement[party]) - shift) / scale
    discount = float(scenario.parties[party].discount) ** rounds
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f"<!-- Party {_comment(name)} of the negsim scenario {_comment(scenario.name)} -->",
    ]
    if shift != 0.0 or scale != 1.0:
        change = f"(u - {shift:.12g}) / {scale:.12g}"
        lines.append(f"<!-- utilities moved to GENIUS's scale: {change} -->")
        notes.append(
            f"{name}'s utilities are written as {change} to fit GENIUS's scale (evaluations "
            "at least 0, utility at most 1): the Pareto frontier, Nash and Kalai-Smorodinsky "
            "are unchanged, the egalitarian and utilitarian solutions may differ"
        )
    lines += ["<utility_space>", '  <objective index="0" name="root" type="objective">']
    for k, issue in enumerate(scenario.issues):
        lines.append(
            f'    <issue index="{k + 1}" name={quoteattr(issue.name)} type="discrete" '
            'etype="discrete" vtype="discrete">'
        )
        top = float(contributions[k].max())
        evaluations = (contributions[k] / top if top > 0 else contributions[k]).tolist()
        for value, evaluation in zip(_values(space, k), evaluations, strict=True):
            lines.append(f"      <item value={quoteattr(value)} evaluation={_q(evaluation)}/>")
        lines.append("    </issue>")
    weights = [float(contribution.max()) for contribution in contributions]
    if not any(weights):  # indifferent to every package: GENIUS and negsim need one weight
        weights[0] = 1.0
    for k, weight in enumerate(weights):
        lines.append(f'    <weight index="{k + 1}" value={_q(weight)}/>')
    lines += [
        "  </objective>",
        f"  <reservation value={_q(reservation)}/>",
        f"  <discount_factor value={_q(discount)}/>",
        "</utility_space>",
        "",
    ]
    return "\n".join(lines)


def _q(value: float) -> str:
    if not math.isfinite(value):
        raise ExportError(f"a value of {value} cannot be written")
    return f'"{_number(value)}"'


def _comment(text: str) -> str:
    return text.replace("--", "- -")


def export_genius(
    space: OutcomeSpace, rounds: int | None = None, stem: str | None = None
) -> Exported:
    """The GENIUS files of ``space``'s scenario.

    ``rounds`` is the deadline GENIUS's normalized time spans (default: the protocol's
    deadline, else 100); ``stem`` names the domain file ``STEM-domain.xml`` (default: from
    the scenario's name). Raises :class:`ExportError` for what GENIUS cannot express.
    """
    scenario = space.scenario
    problems = _refusals(space)
    if problems:
        raise ExportError("GENIUS cannot express " + "; ".join(problems))
    rounds = rounds or scenario.protocol.deadline or 100
    notes = _left_out(space)
    if scenario.protocol.deadline is None and any(p.discount != 1.0 for p in scenario.parties):
        notes.append(f"the talks have no deadline: discounts are spread over {rounds} rounds")
    stem = slug(stem or scenario.name)
    domain = (f"{stem}-domain.xml", _domain_xml(space, scenario.name))
    taken = {domain[0]}
    profiles = []
    for party, name in enumerate(scenario.party_names):
        file = f"{slug(name)}.xml"
        if file in taken:
            file = f"{slug(name)}-profile.xml"
        taken.add(file)
        profiles.append((file, _profile_xml(space, party, rounds, notes)))
    return Exported(domain, tuple(profiles), tuple(notes))
