"""Step nine of the walk: one "what if", a parameter changed and the scenario solved again.

The change is chosen from the scenario (:func:`choose_change`): who makes the ultimatum;
one round more before the deadline (which may hand the last word to the other side); a
more patient responder without a deadline. The changed scenario is solved by the
``solve`` function the caller passes (:func:`negsim.api.solve`), so every number of this
step comes from that second solve's records.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from negsim.analysis.records import Analysis
from negsim.errors import ScenarioError
from negsim.format.scenario import Scenario
from negsim.present.explain.common import party_values
from negsim.present.explain.document import Block, Section, Table, para
from negsim.present.words import (
    deadline_words,
    party_label,
    percent,
    round_name,
    round_noun,
    utility_text,
)

__all__ = ["Change", "Solve", "choose_change", "what_if_section"]

Solve = Callable[[Scenario], Analysis]
"""How the changed scenario is solved: :func:`negsim.api.solve`."""


@dataclass(frozen=True, slots=True)
class Change:
    """One edit of the scenario (a dotted path of :meth:`Scenario.replace` and its new
    value) and the question it answers, in words."""

    path: str
    old: Any
    new: Any
    question: str


def choose_change(scenario: Scenario) -> Change:
    """The "what if" that teaches most about this scenario's rules."""
    protocol = scenario.protocol
    names = scenario.party_names
    first = names.index(protocol.first_proposer)
    responder = (first + 1) % len(names)
    label = protocol.round_label
    if protocol.kind == "ultimatum":
        other = scenario.parties[responder]
        return Change(
            "protocol.first_proposer",
            protocol.first_proposer,
            other.name,
            f"What if {other.label} made the take-it-or-leave-it offer instead?",
        )
    if protocol.deadline is not None:
        longer = protocol.deadline + 1
        return Change(
            "protocol.deadline",
            protocol.deadline,
            longer,
            f"What if the deadline were one {round_noun(label)} later: "
            f"{deadline_words(label, longer)} instead of "
            f"{deadline_words(label, protocol.deadline)}?",
        )
    party = scenario.parties[responder]
    if party.discount < 1:
        patient = round(party.discount + (1 - party.discount) / 2, 6)
        return Change(
            f"parties.{party.name}.discount",
            party.discount,
            patient,
            f"What if {party.label} were more patient, with a discount factor of "
            f"{patient:g} instead of {party.discount:g}?",
        )
    better = round(float(party.disagreement.expected) + 0.05, 6)
    return Change(
        f"parties.{party.name}.disagreement",
        party.disagreement.expected,
        better,
        f"What if {party.label} could walk away to a sure {better:g} instead of "
        f"{party.disagreement.expected:g}?",
    )


def _rows(before: Analysis, after: Analysis) -> list[tuple[str, str, str]]:
    label = before.space.scenario.protocol.round_label
    rows = []

    def when(analysis: Analysis) -> str:
        equilibrium = analysis.equilibrium
        if not equilibrium.agreement:
            return "no deal"
        if equilibrium.round is None:
            return "at once"
        return round_name(label, equilibrium.round)

    rows.append(("deal", when(before), when(after)))
    for k in range(len(before.party_names)):
        rows.append(
            (
                f"payoff: {party_label(before, k)}",
                utility_text(float(before.equilibrium.payoffs[k])),
                utility_text(float(after.equilibrium.payoffs[k])),
            )
        )
    if before.screening is not None and after.screening is not None:
        deal = [
            1 - float(a.screening.solution.no_agreement_probability)
            for a in (before, after)
            if a.screening is not None
        ]
        rows.append(("chance of a deal (private information)", percent(deal[0]), percent(deal[1])))
        for k in range(len(before.party_names)):
            rows.append(
                (
                    f"expected payoff under screening: {party_label(before, k)}",
                    utility_text(float(before.screening.expected_payoffs[k])),
                    utility_text(float(after.screening.expected_payoffs[k])),
                )
            )
    return rows


def _story(before: Analysis, after: Analysis) -> str:
    """Who gains from the change and, with a deadline, whether the last word moved."""
    old, new = before.equilibrium, after.equilibrium
    parts = []
    if old.proposals and new.proposals and old.deadline is not None and new.deadline is not None:
        holder, now = old.proposals[-1].proposer, new.proposals[-1].proposer
        if holder != now:
            parts.append(
                f"The last word passes from {party_label(before, holder)} to "
                f"{party_label(after, now)}."
            )
        else:
            parts.append(f"{party_label(before, holder)} keeps the last word.")
    gains = new.payoffs - old.payoffs
    moves = [
        f"{party_label(before, k)} {'gains' if g > 0 else 'loses'} {utility_text(abs(float(g)))}"
        for k, g in enumerate(gains)
        if abs(g) > 5e-4
    ]
    if moves:
        parts.append("In equilibrium " + ", ".join(moves) + ".")
    else:
        parts.append("The equilibrium payoffs do not change (to three decimals).")
    if before.screening is not None and after.screening is not None:
        deal = [
            1 - float(s.solution.no_agreement_probability)
            for s in (before.screening, after.screening)
        ]
        if abs(deal[1] - deal[0]) > 5e-4:
            verb = "rises" if deal[1] > deal[0] else "falls"
            parts.append(
                f"With private information the chance of a deal {verb} from "
                f"{percent(deal[0])} to {percent(deal[1])}."
            )
    return " ".join(parts)


def what_if_section(analysis: Analysis, solve: Solve) -> Section:
    """The scenario solved again with one change, against the original."""
    scenario = analysis.space.scenario
    change = choose_change(scenario)
    blocks: list[Block] = [
        para(change.question + f" (negsim sets {change.path} to {change.new} and solves again.)")
    ]
    try:
        after = solve(scenario.replace({change.path: change.new}))
    except (ScenarioError, KeyError, ValueError, ArithmeticError, RuntimeError) as error:
        blocks.append(para(f"The changed scenario could not be solved: {error}"))
        return Section("what_if", "What if?", tuple(blocks), {})
    blocks.append(Table(("", "as stated", "changed"), tuple(_rows(analysis, after))))
    blocks.append(para(_story(analysis, after)))
    values: dict[str, float] = {}
    values.update(party_values(after, "what_if.equilibrium.payoff", after.equilibrium.payoffs))
    if after.equilibrium.utilities is not None:
        values.update(party_values(after, "what_if.equilibrium.u", after.equilibrium.utilities))
    if after.screening is not None:
        values["what_if.screening.deal_probability"] = 1 - float(
            after.screening.solution.no_agreement_probability
        )
    return Section("what_if", "What if?", tuple(blocks), values)
