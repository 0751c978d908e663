"""Steps seven and eight of the walk: the protocol's equilibrium (who proposes when, who
has the last word and what it is worth, why each responder accepts) and, with private
information, the screening offers.

Every number is the records': the proposals' offers and their
:class:`~negsim.solvers.alternating.Rejection` values (what rejecting is worth, and what it
is made of), the equilibrium's utilities and payoffs, the screening block's probabilities.
"""

from __future__ import annotations

import numpy as np

from negsim.analysis.records import Analysis, Equilibrium, Proposal, Screening
from negsim.present.explain.common import party_values, utilities_words
from negsim.present.explain.document import Block, Paragraph, Section, Strong, Table, para
from negsim.present.words import (
    deadline_words,
    distribution_words,
    last_round_when,
    mix_words,
    party_label,
    percent,
    possessive,
    round_name,
    round_noun,
    round_when,
    screening_distribution,
    screening_last_round_words,
    screening_stated_value,
    utility_text,
)

__all__ = ["equilibrium_section", "screening_section"]

ROWS = 10
"""Most rounds a table lists in full; longer deadlines show the first and last few."""


def _shown(count: int) -> list[int | None]:
    """Row indices to show, None marking a gap."""
    if count <= ROWS:
        return list(range(count))
    return [*range(4), None, *range(count - 5, count)]


def value_of_rejecting(analysis: Analysis, proposal: Proposal, party: int) -> str:
    """What rejecting ``proposal`` is worth to ``party``, as a sum of the parts the solver
    recorded: ``"5% × 0.280 + 95% × 0.97 × 0.350 = 0.336"``."""
    rejection = proposal.rejection
    value = utility_text(float(proposal.thresholds[party]))
    d = utility_text(float(rejection.disagreement[party]))
    if rejection.walks[party]:
        return f"{value}, its outside option (walking out beats staying in)"
    if rejection.kind == "last_round":
        return f"{value}, its walk-away value: a rejection ends the talks"
    if rejection.perpetual is not None and rejection.perpetual[party]:
        return f"{value}: talks without end, worth 0"
    assert rejection.continuation is not None
    later = utility_text(float(rejection.continuation[party]))
    discount = float(rejection.discount[party])
    if discount != 1:
        later = f"{discount:g} × {later}"
    cost = float(rejection.delay_cost[party])
    if cost > 0:
        later += f" - {utility_text(cost)}"
    p = rejection.breakdown_risk
    if p > 0:
        later = f"{percent(p)} × {d} + {percent(1 - p)} × {later}"
    if discount == 1 and cost <= 0 and p <= 0:
        return f"{value}, the same later: waiting costs nothing"
    return f"{later} = {value}"


def _source_words(analysis: Analysis, equilibrium: Equilibrium, index: int, party: int) -> str:
    """Where a responder's value of going on comes from, in words."""
    rejection = equilibrium.proposals[index].rejection
    noun = round_noun(analysis.space.scenario.protocol.round_label)
    if rejection.kind == "last_round":
        return "the talks end"
    if rejection.kind == "expected":
        return "its expected value if the talks go on"
    if rejection.kind == "same_offer" or rejection.next_proposer is None:
        return f"the same offer the next {noun}"
    if rejection.next_proposer == party:
        return f"its own offer the next {noun}"
    return f"{possessive(party_label(analysis, rejection.next_proposer))} offer the next {noun}"


def _responders(equilibrium: Equilibrium, proposal: Proposal) -> list[int]:
    return [k for k in range(proposal.thresholds.size) if k != proposal.proposer]


def _rounds_table(analysis: Analysis, equilibrium: Equilibrium) -> Table:
    """Round by round (or proposer by proposer): the offer and each responder's value of
    rejecting it, as a sum of its parts."""
    label = analysis.space.scenario.protocol.round_label
    names = analysis.party_names
    by_round = equilibrium.deadline is not None
    rows: list[tuple[str, ...]] = []
    runs: list[tuple[int, int]] = []  # (first, last) round of each row
    for index in (
        _shown(len(equilibrium.proposals)) if by_round else range(len(equilibrium.proposals))
    ):
        if index is None:
            rows.append(("...", "", *("" for _ in names), ""))
            runs.append((-1, -1))
            continue
        proposal = equilibrium.proposals[index]
        offer = (
            ["no acceptable offer" for _ in names]
            if proposal.utilities is None
            else [utility_text(float(u)) for u in proposal.utilities]
        )
        why = "; ".join(
            f"{names[r]}: {value_of_rejecting(analysis, proposal, r)}"
            for r in _responders(equilibrium, proposal)
        )
        row = (names[proposal.proposer], *offer, why)
        if by_round and rows and runs[-1][0] >= 0 and rows[-1][1:] == row:
            runs[-1] = (runs[-1][0], index)  # the same offer again: one row for the run
            first, last = runs[-1]
            rows[-1] = (f"{round_name(label, first)} to {round_name(label, last)}", *row)
            continue
        head = round_name(label, proposal.round or 0) if by_round else "when it proposes"
        rows.append((head, *row))
        runs.append((index, index))
    header = (
        "round" if by_round else "when",
        "proposer",
        *(f"offer: {n}" for n in names),
        "value of rejecting",
    )
    return Table(header, tuple(rows), numeric_from=2, numeric_to=len(header) - 1)


def _method_paragraph(analysis: Analysis, equilibrium: Equilibrium) -> Paragraph:
    if equilibrium.deadline is not None:
        return para(
            "The solutions above say what would be fair or efficient; the rules of the "
            "talks say what each side can hold out for. With a deadline the game is solved ",
            Strong("backward"),
            " (Ståhl 1972): in the last round a responder accepts "
            "anything at least as good as walking away; one round earlier it accepts "
            "anything at least as good as what rejecting is worth (waiting for the next "
            "round's offer, discounted, with the risk that talks collapse), and so on back "
            "to the first round. Each proposer offers the package best for itself that "
            "every responder accepts.",
        )
    return para(
        "The solutions above say what would be fair or efficient; the rules of the talks "
        "say what each side can hold out for. Without a deadline there is no last round to "
        "start from. Rubinstein (1982) showed that with alternating offers and impatient "
        "sides the equilibrium is ",
        Strong("stationary"),
        ": each side makes the same "
        "offer whenever it proposes, just enough that the responder is indifferent between "
        "accepting and waiting to make its own offer.",
    )


def _outcome_paragraph(analysis: Analysis, equilibrium: Equilibrium) -> Paragraph:
    label = analysis.space.scenario.protocol.round_label
    if not equilibrium.agreement:
        return para(
            Strong("Outcome: no deal. "),
            "No offer any responder would accept is better for its proposer than a rejection.",
        )
    if equilibrium.proposer is None or equilibrium.utilities is None:
        return para(
            Strong("Outcome: "),
            "a deal at once on the proposal of whoever is "
            "recognised first; the expected payoffs are "
            f"{utilities_words(analysis, equilibrium.payoffs)}.",
        )
    proposer = possessive(party_label(analysis, equilibrium.proposer))
    when = round_when(label, equilibrium.round or 0)
    index = next(
        (
            k
            for k, p in enumerate(equilibrium.proposals)
            if p.proposer == equilibrium.proposer and p.round in (None, equilibrium.round)
        ),
        None,
    )
    if index is None:
        return para(
            Strong("Outcome. "),
            f"{proposer} offer {when} is accepted: "
            f"{mix_words(analysis.space, equilibrium.mix)}. It gives "
            f"{utilities_words(analysis, equilibrium.utilities)}.",
        )
    proposal = equilibrium.proposals[index]
    why = [
        f"{party_label(analysis, r)} accepts because {utility_text(float(proposal.utilities[r]))}"
        f" is at least what rejecting is worth to it, {value_of_rejecting(analysis, proposal, r)}"
        + (
            ""
            if proposal.rejection.kind == "last_round"
            else f" ({_source_words(analysis, equilibrium, index, r)})"
        )
        for r in _responders(equilibrium, proposal)
        if proposal.utilities is not None
    ]
    return para(
        Strong("Outcome. "),
        f"{proposer} offer {when} is accepted: "
        f"{mix_words(analysis.space, equilibrium.mix)}. It gives "
        f"{utilities_words(analysis, equilibrium.utilities)}. " + "; ".join(why) + ".",
    )


def _last_word(analysis: Analysis, equilibrium: Equilibrium) -> list[Block]:
    """Who proposes in the last round and what that is worth, against the round before."""
    proposals = equilibrium.proposals
    deadline = equilibrium.deadline
    if deadline is None or not proposals:
        return []
    label = analysis.space.scenario.protocol.round_label
    last = proposals[-1]
    holder = party_label(analysis, last.proposer)
    if last.utilities is None:
        return [
            para(
                Strong("The last word. "),
                f"{holder} proposes "
                f"{last_round_when(label, deadline)}, but no offer there would be "
                "accepted.",
            )
        ]
    others = _responders(equilibrium, last)
    kept = utility_text(float(last.utilities[last.proposer]))
    given = ", ".join(
        f"{party_label(analysis, r)} {utility_text(float(last.utilities[r]))} (walk-away "
        f"{utility_text(float(last.thresholds[r]))})"
        for r in others
    )
    text = (
        f"{holder} proposes {last_round_when(label, deadline)}. A rejection then ends the "
        "talks, so the other side accepts anything worth at least its walk-away value, and "
        f"{holder} offers no more than that: it keeps {kept} and gives {given}."
    )
    if len(proposals) >= 2:
        before = proposals[-2]
        if before.utilities is not None and before.proposer != last.proposer:
            text += (
                f" That threat reaches back: one {round_noun(label)} earlier "
                f"{party_label(analysis, before.proposer)} proposes, but must leave {holder} "
                f"{value_of_rejecting(analysis, before, last.proposer)}, so {holder} still "
                f"gets {utility_text(float(before.utilities[last.proposer]))}."
            )
    return [para(Strong("Who has the last word? "), text)]


def _first_mover(analysis: Analysis, equilibrium: Equilibrium) -> list[Block]:
    """Without a deadline, two sides taking turns: what proposing is worth to the first
    proposer, its own offer against the other's."""
    proposals = equilibrium.proposals
    if equilibrium.deadline is not None or equilibrium.protocol != "alternating_offers":
        return []
    if len(proposals) != 2 or any(p.utilities is None for p in proposals):
        return []
    first = proposals[0].proposer
    own, other = proposals[0].utilities, proposals[1].utilities
    assert own is not None and other is not None
    label = party_label(analysis, first)
    return [
        para(
            Strong("No last word."),
            " Without a deadline no side can make a final offer; what "
            "counts is patience, and who proposes first. "
            f"{label} gets {utility_text(float(own[first]))} from its own offer and "
            f"{utility_text(float(other[first]))} from the other side's: proposing first is "
            f"worth {utility_text(float(own[first] - other[first]))} to it.",
        )
    ]


def _against_nash(analysis: Analysis, equilibrium: Equilibrium) -> Paragraph | None:
    nash = analysis.solutions.get("nash")
    if nash is None or nash.utilities is None or equilibrium.utilities is None:
        return None
    if equilibrium.proposer is None:
        return None
    gap = equilibrium.utilities - nash.utilities
    winner = int(np.argmax(gap))
    if gap[winner] <= 1e-9:
        return para("The equilibrium gives the same utilities as the Nash solution.")
    return para(
        f"Compared with the Nash solution ({utilities_words(analysis, nash.utilities)}), the "
        f"rules favour {party_label(analysis, winner)}, by {utility_text(float(gap[winner]))}:"
        " bargaining power comes from the protocol (who proposes, who can wait), not from "
        "fairness."
    )


def equilibrium_section(analysis: Analysis) -> Section:
    """The protocol's subgame-perfect equilibrium, explained from the records."""
    equilibrium = analysis.equilibrium
    blocks: list[Block] = [_method_paragraph(analysis, equilibrium)]
    if equilibrium.proposals:
        blocks.append(_rounds_table(analysis, equilibrium))
        later = (
            " Later rounds are never reached, but what would happen there sets what "
            "rejecting is worth earlier."
            if len(equilibrium.proposals) > 1 and equilibrium.deadline is not None
            else ""
        )
        blocks.append(
            para(
                "Offers and values of rejecting are utilities as of their round; a responder "
                "accepts an offer worth at least its value of rejecting." + later
            )
        )
    blocks.extend(_last_word(analysis, equilibrium))
    blocks.extend(_first_mover(analysis, equilibrium))
    blocks.append(_outcome_paragraph(analysis, equilibrium))
    if not equilibrium.unique and equilibrium.ranges is not None:
        spans = "; ".join(
            f"{party_label(analysis, k)} from {utility_text(low)} to {utility_text(high)}"
            for k, (low, high) in enumerate(equilibrium.ranges)
        )
        blocks.append(
            para(
                f"This equilibrium is not unique: others give {spans}. Shown is "
                "the one best for the first proposer."
            )
        )
    against = _against_nash(analysis, equilibrium)
    if against is not None:
        blocks.append(against)
    if analysis.screening is None:
        blocks.append(
            para(
                "Here each side knows the other's values and walk-away value. "
                "With private information (an uncertainty block in the "
                "scenario), offers become a search, and talks can fail."
            )
        )
    values = {"equilibrium.agreement": float(equilibrium.agreement)}
    if equilibrium.round is not None:
        values["equilibrium.round"] = float(equilibrium.round)
    if equilibrium.utilities is not None:
        values.update(party_values(analysis, "equilibrium.u", equilibrium.utilities))
    values.update(party_values(analysis, "equilibrium.payoff", equilibrium.payoffs))
    title = "The rules of the talks: the equilibrium"
    if equilibrium.deadline is not None and equilibrium.protocol != "random_proposer":
        title += " and the last word"
    return Section("equilibrium", title, tuple(blocks), values)


# --------------------------------------------------------------------------------------------
# 8. Private information


def _screening_table(screening: Screening) -> Table:
    names = screening.space.scenario.party_names
    label = screening.space.scenario.protocol.round_label
    solution = screening.solution
    cumulative = np.cumsum(solution.agreement_probability)
    rows: list[tuple[str, ...]] = []
    for t in _shown(int(solution.agreement_probability.size)):
        if t is None:
            rows.append(("...", "", "", "", "", ""))
            continue
        offer = screening.offer_utilities[t]
        cells = (
            ["-", "-"]
            if offer is None
            else [
                utility_text(float(offer[screening.responder])),
                utility_text(float(offer[screening.proposer])),
            ]
        )
        rows.append(
            (
                round_name(label, t),
                *cells,
                percent(float(solution.accept_probability[t])),
                percent(float(solution.agreement_probability[t])),
                percent(float(cumulative[t])),
            )
        )
    header = (
        "round",
        f"offer: {names[screening.responder]}",
        names[screening.proposer],
        "accepted if reached",
        "deal then",
        "deal so far",
    )
    return Table(header, tuple(rows))


def screening_section(analysis: Analysis) -> Section | None:
    """What private information does: the screening offers, the chance of a deal, the
    deadline effect, and the expected payoffs against full information."""
    screening = analysis.screening
    if screening is None:
        return None
    scenario = screening.space.scenario
    label = scenario.protocol.round_label
    proposer = party_label(analysis, screening.proposer)
    responder = party_label(analysis, screening.responder)
    deal = 1.0 - float(screening.solution.no_agreement_probability)
    deadline = int(screening.solution.agreement_probability.size)
    distribution = screening_distribution(screening)
    belief = f": {distribution_words(distribution)}" if distribution is not None else ""
    what = "walk-away value" if screening.parameter == "disagreement" else "value of a deal"
    blocks: list[Block] = [
        para(
            f"Now suppose {proposer} does not know {responder}'s {what}; it knows only "
            f"its distribution{belief}. {proposer} cannot tailor its offer to a {responder} "
            "it cannot see, so it ",
            Strong("screens"),
            ": it opens with a tough offer that "
            "only the types who value a deal most accept, then improves its offer as the "
            "ones left reveal, by rejecting, that they are tougher (Fudenberg & Tirole "
            "1983; Fudenberg, Levine & Tirole 1985).",
        ),
        _screening_table(screening),
        para(
            Strong("The chance of a deal. "),
            f"A deal happens within "
            f"{deadline_words(label, deadline)} with probability {percent(deal)}; with "
            f"probability {percent(1 - deal)} there is none, because the deadline passes "
            "or talks collapse. With full information there would be no such loss.",
        ),
        para(Strong("The deadline effect. "), screening_last_round_words(screening) + "."),
        _payoffs_paragraph(analysis, screening),
    ]
    stated = screening_stated_value(screening)
    if screening.stated_type_round is None:
        blocks.append(
            para(f"A {responder} with the stated value {utility_text(stated)} never accepts.")
        )
    else:
        blocks.append(
            para(
                f"A {responder} with the stated value {utility_text(stated)} "
                f"accepts {round_when(label, screening.stated_type_round)}."
            )
        )
    values = {"screening.deal_probability": deal}
    if screening.final_round_share is not None:
        values["screening.final_round_share"] = screening.final_round_share
    values.update(party_values(analysis, "screening.payoff", screening.expected_payoffs))
    return Section("screening", "Private information", tuple(blocks), values)


def _payoffs_paragraph(analysis: Analysis, screening: Screening) -> Paragraph:
    full = analysis.equilibrium.payoffs
    parts = [
        f"{party_label(analysis, k)} {utility_text(float(v))} (against "
        f"{utility_text(float(full[k]))} with full information)"
        for k, v in enumerate(screening.expected_payoffs)
    ]
    return para(
        Strong("Expected payoffs. "),
        "; ".join(parts) + ". The informed side's figure is an average over its possible types.",
    )
