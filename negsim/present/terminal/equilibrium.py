"""The equilibrium block of ``negsim solve --format table``: the rules of the protocol,
whether and when agreement happens, the agreed package, utilities and payoffs, and every
proposal with why it is accepted (:func:`equilibrium_renderables`).

Every number comes from the :class:`~negsim.analysis.records.Analysis` record; this module
only arranges and words them.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from rich.console import RenderableType
from rich.table import Table
from rich.text import Text

from negsim.analysis.records import Analysis, Equilibrium, Proposal
from negsim.present.terminal.cells import utility_cell
from negsim.present.words import (
    TOLERANCE,
    common_issues,
    deadline_in_full,
    issue_words,
    join_words,
    lottery_members,
    mix_words,
    percent,
    round_name,
    round_parts,
    round_unit,
    round_when,
    short_number,
    terms_text,
    utility_text,
)

__all__ = ["ROUND_ROWS", "equilibrium_renderables"]

ROUND_ROWS = 30
"""Most rounds the round-by-round table shows (the first 20 and the last 10 beyond it)."""


def _next_round(label: str | None) -> str:
    unit = round_unit(label)
    return f"the next {unit[1]}" if unit is not None and unit[0] == 1 else "the next round"


def _protocol_words(analysis: Analysis, equilibrium: Equilibrium) -> str:
    scenario = analysis.space.scenario
    protocol = scenario.protocol
    first = analysis.party_names[equilibrium.first_proposer]
    if equilibrium.protocol == "ultimatum":
        text = f"ultimatum: {first} makes one take-it-or-leave-it offer"
    elif equilibrium.protocol == "one_sided":
        text = f"one-sided offers: only {first} proposes"
    elif equilibrium.protocol == "random_proposer":
        chances = ", ".join(f"{name} {percent(p)}" for name, p in protocol.recognition.items())
        rule = "every party" if protocol.rule == "unanimity" else "a majority"
        text = (
            f"random proposer (Baron–Ferejohn): each round one party is recognised to "
            f"propose ({chances}); {rule} must accept"
        )
    else:
        text = f"alternating offers, {first} proposes first"
        if scenario.n_parties > 2:
            text += "; every other party must accept"
    if protocol.breakdown_risk > 0:
        text += (
            f"; after a rejection, talks break down with probability "
            f"{percent(protocol.breakdown_risk)}"
        )
    if protocol.lotteries:
        text += "; offers may be lotteries over packages"
    return text


def _agreement_words(analysis: Analysis, equilibrium: Equilibrium) -> str:
    names = analysis.party_names
    if not equilibrium.agreement:
        return "no: talks end without a deal"
    if equilibrium.protocol == "random_proposer":
        return "yes, at once, on the proposal of whoever is recognised first"
    round_index = equilibrium.round or 0
    assert equilibrium.proposer is not None  # an agreement on one party's proposal
    proposer = names[equilibrium.proposer]
    others = join_words([name for k, name in enumerate(names) if k != equilibrium.proposer])
    at_once = ", at once" if round_index == 0 else ""
    verb = "accepts" if len(names) == 2 else "accept"
    return (
        f"yes{at_once}: {others} {verb} the offer {proposer} makes "
        f"{round_when(analysis.space.scenario.protocol.round_label, round_index)}"
    )


def _summary_table(analysis: Analysis, equilibrium: Equilibrium) -> Table:
    label = analysis.space.scenario.protocol.round_label
    table = Table(
        title="Equilibrium of the protocol (subgame perfect, complete information)",
        title_justify="left",
        show_header=False,
    )
    table.add_column("key", style="bold", no_wrap=True)
    table.add_column("value", overflow="fold")
    table.add_row("protocol", Text(_protocol_words(analysis, equilibrium)))
    deadline = equilibrium.deadline
    if deadline is None:
        table.add_row("deadline", "none")
    else:
        table.add_row("deadline", deadline_in_full(label, deadline))
    table.add_row("agreement", Text(_agreement_words(analysis, equilibrium)))
    if equilibrium.agreement and equilibrium.protocol != "random_proposer":
        table.add_row("agreed", Text(mix_words(analysis.space, equilibrium.mix)))
    elif equilibrium.agreement:
        table.add_row("agreed", Text("depends on who is recognised: see the proposals below"))
    if equilibrium.method:
        table.add_row("method", Text(equilibrium.method, style="dim"))
    return table


def _outcome_table(analysis: Analysis, equilibrium: Equilibrium) -> Table:
    expected = equilibrium.protocol == "random_proposer"
    first = round_name(analysis.space.scenario.protocol.round_label, 0)
    caption = f"payoff: discounted to {first}, less delay costs, with breakdown risk"
    if equilibrium.utilities is not None:
        caption = f"utility: of the agreed package (gain over disagreement); {caption}"
    table = Table(
        title="Equilibrium utilities and payoffs"
        + (", expected over who is recognised" if expected else ""),
        title_justify="left",
        caption=caption,
        caption_justify="left",
        min_width=72 if equilibrium.utilities is not None else 0,
    )
    table.add_column("")
    for name in analysis.party_names:
        table.add_column(Text(name), justify="right")
    if equilibrium.utilities is not None:
        table.add_row(
            Text("utility (gain)", style="bold"),
            *(
                utility_cell(analysis, equilibrium.utilities, i)
                for i in range(len(analysis.party_names))
            ),
        )
    table.add_row(
        Text("payoff", style="bold"), *(utility_text(float(v)) for v in equilibrium.payoffs)
    )
    return table


def _range_text(analysis: Analysis, equilibrium: Equilibrium) -> Text | None:
    if equilibrium.unique or equilibrium.ranges is None:
        return None
    names = analysis.party_names
    spans = [
        f"{name} from {utility_text(float(low))} to {utility_text(float(high))}"
        for name, (low, high) in zip(names, equilibrium.ranges, strict=True)
    ]
    first = names[equilibrium.first_proposer]
    text = Text()
    text.append("Not unique: ", style="bold")
    if equilibrium.note:
        text.append(f"{equilibrium.note}. Sustained agreements give " + "; ".join(spans) + ".")
        return text
    text.append(
        "a range of splits are equilibria, with utilities "
        + "; ".join(spans)
        + f". Shown: the one most favourable to the first proposer, {first}."
    )
    return text


def rejection_words(analysis: Analysis, equilibrium: Equilibrium, index: int, party: int) -> str:
    """What rejecting ``proposals[index]`` is worth to ``party``, in words, from the parts
    the solver recorded (:class:`~negsim.solvers.alternating.Rejection`): the last round's
    disagreement; breakdown risk, else the next round's value times the discount factor,
    less the delay cost; or walking out to the outside option."""
    rejection = equilibrium.proposals[index].rejection
    if rejection.walks[party]:
        return (
            f"walking out to its outside option {utility_text(float(rejection.outside[party]))}"
            f" beats staying in, {utility_text(float(rejection.stay[party]))}"
        )
    d = float(rejection.disagreement[party])
    if rejection.kind == "last_round":
        return f"the last round: a rejection ends the talks at its disagreement {utility_text(d)}"
    if rejection.perpetual is not None and rejection.perpetual[party]:
        return "perpetual disagreement, worth 0"
    later = f"{_continuation_words(analysis, equilibrium, index, party)}"
    discount = float(rejection.discount[party])
    cost = float(rejection.delay_cost[party])
    if discount != 1:
        later += f" x {discount:g}"
    if cost > 0:
        later += f" - {short_number(cost)} delay cost"
    p = rejection.breakdown_risk
    return f"{percent(p)} breakdown to {utility_text(d)}, else {later}" if p > 0 else later


def _continuation_words(
    analysis: Analysis, equilibrium: Equilibrium, index: int, party: int
) -> str:
    """Where the value of going on comes from: the next round's offer (its own or another
    party's), the same offer again, or the expectation over who is recognised."""
    rejection = equilibrium.proposals[index].rejection
    assert rejection.continuation is not None  # every kind but the last round has one
    value = utility_text(float(rejection.continuation[party]))
    next_words = _next_round(analysis.space.scenario.protocol.round_label)
    if rejection.kind == "expected":
        return f"its expected value if talks go on, {value}"
    if rejection.kind == "same_offer":
        return f"the same offer {next_words}, {value}"
    following = rejection.next_proposer
    accepted = _next_accepted(equilibrium, index)
    if following is None or not accepted:
        return f"what the talks are worth to it {next_words}, {value}"
    if following == party:
        return f"its own offer {next_words}, {value}"
    return f"{analysis.party_names[following]}'s offer {next_words}, {value}"


def _next_accepted(equilibrium: Equilibrium, index: int) -> bool:
    """Whether the proposal that follows ``proposals[index]`` is accepted: the next round's
    (with a deadline) or the next proposer's stationary one."""
    proposals = equilibrium.proposals
    if equilibrium.deadline is None:
        return proposals[(index + 1) % len(proposals)].accepted
    return index + 1 < len(proposals) and proposals[index + 1].accepted


def _threshold(proposal: Proposal, party: int) -> float | None:
    """The responder's value of rejecting, as the solver recorded it (None if not finite)."""
    value = float(proposal.thresholds[party])
    return value if np.isfinite(value) else None


def _response_lines(analysis: Analysis, equilibrium: Equilibrium, index: int) -> list[Text]:
    """Why each responder accepts (or would reject) ``proposals[index]``, with numbers."""
    names = analysis.party_names
    proposal = equilibrium.proposals[index]
    proposer = names[proposal.proposer]
    lines = []
    if proposal.utilities is None:
        return [Text(f"no offer gives every responder its value of rejecting; {proposer} "
                     "makes none that would be accepted")]  # fmt: skip
    shown = set(proposal.coalitions[0].partners) if proposal.coalitions else set()
    for party, name in enumerate(names):
        if party == proposal.proposer:
            continue
        threshold = _threshold(proposal, party)
        offered = float(proposal.utilities[party])
        line = Text()
        instead = (
            proposal.partners is not None and party not in shown and proposal.partners[party] > 0
        )
        if threshold is None:
            line.append(f"{name} accepts" if proposal.accepted else f"{name} would accept")
            line.append(f" {utility_text(offered)}")
            lines.append(line)
            continue
        if offered >= threshold - TOLERANCE:
            if proposal.accepted:
                line.append(f"{name} accepts", style="green")
            else:
                line.append(f"{name} would accept")
            line.append(
                f": {utility_text(offered)} >= {utility_text(threshold)}, its value of rejecting"
            )
        elif equilibrium.protocol == "random_proposer":
            line.append(f"{name} is not needed", style="dim")
            line.append(
                f": {utility_text(offered)} < {utility_text(threshold)}, its value of rejecting"
            )
        else:
            line.append(f"{name} rejects", style="red")
            line.append(
                f": {utility_text(offered)} < {utility_text(threshold)}, its value of rejecting"
            )
        line.append(f" ({rejection_words(analysis, equilibrium, index, party)})")
        if instead and proposal.partners is not None:
            chance = percent(float(proposal.partners[party]))
            line.append(f"; {proposer} buys {name} instead in {chance} of its proposals")
        lines.append(line)
    if not proposal.accepted:
        lines.append(
            Text(
                f"{proposer} gains more from a rejection than from any offer the others "
                "accept: this offer is not taken up",
                style="dim",
            )
        )
    return lines


def _shown_rounds(count: int) -> list[int | None]:
    """Rounds to list, None marking the gap when there are more than ``ROUND_ROWS``."""
    if count <= ROUND_ROWS:
        return list(range(count))
    head, tail = 20, ROUND_ROWS - 20
    return [*range(head), None, *range(count - tail, count)]


def _proposal_head(
    analysis: Analysis, equilibrium: Equilibrium, proposal: Proposal, by_round: bool
) -> Text:
    """The first cell of a proposal's row: its round (by round) or its proposer, and whether
    it is the one agreed."""
    space = analysis.space
    names = analysis.party_names
    label = space.scenario.protocol.round_label
    random = equilibrium.protocol == "random_proposer"
    proposer = names[proposal.proposer]
    head = Text()
    if by_round:
        name, span = round_parts(label, proposal.round or 0)
        head.append(name)
        if span:
            head.append(f"\n{span}", style="dim")
        if equilibrium.agreement and proposal.round == equilibrium.round:
            head.append("\nagreed", style="bold green")
    else:
        head.append(proposer)
        if random:
            chance = space.scenario.protocol.recognition[proposer]
            head.append(f"\n{percent(chance)}", style="dim")
        elif equilibrium.agreement and proposal.proposer == equilibrium.proposer:
            head.append("\nagreed", style="bold green")
    return head


def _proposal_body(
    analysis: Analysis, equilibrium: Equilibrium, index: int, shared: Sequence[str]
) -> Text:
    """A proposal's offer (utilities and terms) and why each responder accepts or rejects."""
    space = analysis.space
    names = analysis.party_names
    proposal = equilibrium.proposals[index]
    proposer = names[proposal.proposer]
    body = Text()
    body.append(f"{proposer} ", style="bold")
    if proposal.utilities is None:
        body.append("makes no acceptable offer")
    else:
        offered = ", ".join(
            f"{name} {utility_text(float(value))}"
            for name, value in zip(names, proposal.utilities, strict=True)
        )
        body.append(f"offers: {offered}")
        body.append("\n" + mix_words(space, proposal.mix, shared), style="dim")
        partners = _partners_words(analysis, proposal)
        if partners is not None:
            body.append("\n")
            body.append_text(partners)
    for line in _response_lines(analysis, equilibrium, index):
        body.append("\n")
        body.append_text(line)
    return body


def _partners_words(analysis: Analysis, proposal: Proposal) -> Text | None:
    """A random proposer's partners with their probabilities of being bought, when it
    mixes over equally cheap ones (scenario format, detail 7); None otherwise."""
    if proposal.partners is None or len(proposal.coalitions) < 2:
        return None
    names = analysis.party_names
    chances = [
        f"{names[party]} {percent(float(p))}"
        for party, p in enumerate(proposal.partners)
        if party != proposal.proposer and p > 0
    ]
    shown = join_words([names[party] for party in proposal.coalitions[0].partners])
    text = Text()
    text.append("mixes over equally cheap partners: ", style="bold")
    text.append(
        f"buys {join_words(chances)} of the time; shown: the offer that buys {shown} "
        f"({percent(proposal.coalitions[0].probability)})"
    )
    return text


def _proposals_table(analysis: Analysis, equilibrium: Equilibrium) -> Table | None:
    """Every proposal, with why it is accepted: round by round with a deadline, else one
    per proposer; None when the equilibrium records none."""
    proposals = equilibrium.proposals
    if not proposals:
        return None
    space = analysis.space
    random = equilibrium.protocol == "random_proposer"
    by_round = equilibrium.deadline is not None and not random
    shared = common_issues(space, [proposal.mix for proposal in proposals])
    if by_round:
        title = "Round by round: the offer made if the round is reached, and why it is accepted"
        first_column = "round"
    elif random:
        title = "Each party's proposal when recognised, and why the others accept"
        first_column = "proposer"
    else:
        title = "Each party's proposal, the same whenever it proposes, and why it is accepted"
        first_column = "proposer"
    notes = []
    if by_round and equilibrium.agreement and equilibrium.round is not None:
        later = len(proposals) - 1 - equilibrium.round
        if later > 0:
            when = round_when(space.scenario.protocol.round_label, equilibrium.round)
            notes.append(
                f"the deal is struck {when}; the later offers are never made, but they set "
                "what rejecting is worth"
            )
    notes.append("offers and values of rejecting are utilities as of their round, not discounted")
    if shared:
        notes.append(
            "every offer has "
            + terms_text(
                [
                    (i, issue_words(space, lottery_members(proposals[0].mix)[0][1])[i])
                    for i in shared
                ],
                ", ",
            )
        )
    table = Table(
        title=title,
        title_justify="left",
        caption="; ".join(notes),
        caption_justify="left",
        show_lines=True,
    )
    table.add_column(first_column, no_wrap=True)
    table.add_column("offer (utilities; terms) and response", overflow="fold")
    indices = _shown_rounds(len(proposals)) if by_round else list(range(len(proposals)))
    for index in indices:
        if index is None:
            skipped = len(proposals) - ROUND_ROWS
            table.add_row("...", Text(f"{skipped} more rounds in --format json", style="dim"))
            continue
        proposal = proposals[index]
        head = _proposal_head(analysis, equilibrium, proposal, by_round)
        body = _proposal_body(analysis, equilibrium, index, shared)
        table.add_row(head, body)
    return table


def equilibrium_renderables(analysis: Analysis) -> list[RenderableType]:
    """The equilibrium of the protocol, for people: the rules, whether and when agreement
    happens, the agreed package (or lottery), each party's utility and payoff, whether the
    split is unique, and every proposal with why it is accepted, in numbers."""
    equilibrium = analysis.equilibrium
    if equilibrium is None:
        return []
    parts: list[RenderableType] = [
        _summary_table(analysis, equilibrium),
        _outcome_table(analysis, equilibrium),
    ]
    note = _range_text(analysis, equilibrium)
    if note is not None:
        parts.append(note)
    proposals = _proposals_table(analysis, equilibrium)
    if proposals is not None:
        parts.append(proposals)
    return parts
