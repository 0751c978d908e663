"""The first three steps of the walk: the negotiation at a glance, each side's walk-away
value and where it comes from, and the zone of possible agreement.

Numbers come from the :class:`~negsim.analysis.records.Analysis` record (disagreement,
counts, ranges, ideal point); where a number is made of the scenario's own inputs (a
disagreement lottery's branches), the inputs are quoted as the file states them.
"""

from __future__ import annotations

from negsim.analysis.records import Analysis
from negsim.format.model import CategoricalIssue, Lottery, NumericIssue, Party
from negsim.present.explain.document import Block, Bullets, Paragraph, Section, Strong, para
from negsim.present.words import (
    deadline_in_full,
    join_words,
    no_zopa_reason,
    party_label,
    percent,
    plural,
    round_noun,
    utility_text,
)

__all__ = ["glance_section", "walk_away_section", "zopa_section"]


def number_text(value: float) -> str:
    """A number stated in the scenario, as given (``0.6``, ``-0.2``), in parentheses when
    negative so that it reads in a sum."""
    text = f"{value:g}"
    return f"({text})" if value < 0 else text


def _count_words(count: int) -> str:
    """``"Two"`` for 2, up to ten; digits beyond."""
    words = ("Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine", "Ten")
    return words[count - 2] if 2 <= count <= 10 else f"{count:,}"


def who(analysis: Analysis, index: int) -> str:
    """A party in a sentence: its label, with its name after it when they differ."""
    party = analysis.space.scenario.parties[index]
    return party.label if party.label == party.name else f"{party.label} ({party.name})"


# --------------------------------------------------------------------------------------------
# 1. At a glance


def _issue_item(analysis: Analysis, index: int) -> Paragraph:
    scenario = analysis.space.scenario
    issue = scenario.issues[index]
    levels = analysis.space.shape[index]
    if isinstance(issue, CategoricalIssue):
        what = f"{plural(levels, 'option')}: {', '.join(issue.options)}"
    elif isinstance(issue, NumericIssue):
        unit = f" {issue.unit}" if issue.unit else ""
        what = f"from {issue.low:g} to {issue.high:g}{unit}, on a grid of {levels:,} values"
    else:
        what = (
            f"a split of {issue.total:g} among the parties, on a grid of "
            f"{plural(levels, 'division')}"
        )
    label = "" if issue.label == issue.name else f" ({issue.label})"
    return para(Strong(issue.name), f"{label}: {what}")


def protocol_words(analysis: Analysis) -> str:
    """The rules of the talks in sentences, for a student."""
    scenario = analysis.space.scenario
    protocol = scenario.protocol
    names = scenario.party_names
    first = names.index(protocol.first_proposer)
    first_label = party_label(analysis, first)
    others = join_words([party_label(analysis, k) for k in range(len(names)) if k != first])
    deadline = protocol.deadline
    noun = round_noun(protocol.round_label)
    if protocol.kind == "ultimatum":
        text = (
            f"{first_label} makes a single take-it-or-leave-it offer (an ultimatum); if "
            f"{others} rejects it, the talks end and each side gets its walk-away value."
        )
    elif protocol.kind == "one_sided":
        text = (
            f"Only {first_label} makes offers, one a {noun}; {others} can only accept or "
            "reject each one."
        )
    elif protocol.kind == "random_proposer":
        chances = join_words(
            [
                f"{party_label(analysis, names.index(n))} {percent(p)}"
                for n, p in protocol.recognition.items()
                if p > 0
            ]
        )
        rule = "every other party" if protocol.rule == "unanimity" else "a majority"
        text = (
            f"Each {noun}, one party is picked at random to propose ({chances}), and "
            f"{rule} must accept."
        )
    else:
        text = (
            f"The sides take turns making offers (alternating offers): {first_label} "
            "proposes first; after a rejection the next side proposes."
        )
        if len(names) > 2:
            text += " Every other party must accept an offer for it to pass."
    if protocol.kind != "ultimatum":
        if deadline is None:
            text += " There is no deadline: the talks can go on for ever."
        else:
            text += (
                f" The deadline is {deadline_in_full(protocol.round_label, deadline)}: "
                "if no offer has been accepted by then, each side gets its walk-away value."
            )
    if protocol.breakdown_risk > 0:
        text += (
            f" After every rejection the talks may also collapse, with probability "
            f"{percent(protocol.breakdown_risk)}."
        )
    if protocol.lotteries:
        text += " Offers may be lotteries over packages (or any point between grid values)."
    return text


def _trust_words(analysis: Analysis) -> str:
    """Which promises a party doubts (trust below 1, mediators' guarantees included), in a
    sentence; "" when every promise is trusted."""
    scenario = analysis.space.scenario
    clauses = []
    for k, party in enumerate(scenario.parties):
        doubts = [
            f"{issue} {percent(trust)}"
            for issue in scenario.issue_names
            if (trust := scenario.effective_trust(party.name, issue)) < 1
        ]
        if doubts:
            clauses.append(f"{party_label(analysis, k)} trusts promises on {join_words(doubts)}")
    if not clauses:
        return ""
    mediators = join_words([mediator.label for mediator in scenario.mediators])
    guaranteed = f", counting the guarantees of {mediators}" if mediators else ""
    return (
        "; ".join(clauses) + f"{guaranteed}. A promise not kept leaves a side with its worst "
        "value on that issue, and every utility below already counts that risk."
    )


def glance_section(analysis: Analysis) -> Section:
    """Who negotiates over what, how many packages that makes, and the rules."""
    scenario = analysis.space.scenario
    counts = analysis.counts
    blocks: list[Block] = []
    if scenario.description:
        blocks.append(para(scenario.description))
    parties = join_words([who(analysis, k) for k in range(scenario.n_parties)])
    blocks.append(
        para(
            f"{_count_words(scenario.n_parties)} parties negotiate: {parties}. They "
            f"bargain over {plural(len(scenario.issues), 'issue')}:"
        )
    )
    blocks.append(Bullets(tuple(_issue_item(analysis, k) for k in range(len(scenario.issues)))))
    excluded = counts.packages - counts.feasible
    ruled_out = (
        f"; {excluded:,} of them are ruled out by the scenario's constraints, leaving "
        f"{counts.feasible:,} feasible packages"
        if excluded
        else ", all of them feasible"
    )
    blocks.append(
        para(
            "A ",
            Strong("package"),
            f" settles every issue at once. There are {counts.packages:,} packages{ruled_out}.",
        )
    )
    trust = _trust_words(analysis)
    if trust:
        blocks.append(para(Strong("Promises. "), trust))
    blocks.append(para(Strong("The rules. "), protocol_words(analysis)))
    values = {"packages": float(counts.packages), "feasible": float(counts.feasible)}
    return Section("glance", "The negotiation at a glance", tuple(blocks), values)


# --------------------------------------------------------------------------------------------
# 2. Walk-away values


def _lottery_words(lottery: Lottery, expected: float) -> str:
    """Where an expected disagreement comes from: its branches, then the sum."""
    if lottery.is_sure:
        return f"{utility_text(expected)}, a sure value if the talks fail."
    branches = "; ".join(
        f"{branch.label or 'branch ' + str(k + 1)}: {branch.value:g} with probability {branch.p:g}"
        for k, branch in enumerate(lottery.branches)
    )
    total = " + ".join(f"{b.p:g} × {number_text(b.value)}" for b in lottery.branches)
    return (
        f"{utility_text(expected)}, the expected value of a gamble if the talks fail "
        f"({branches}): {utility_text(expected)} = {total}."
    )


def _patience_words(analysis: Analysis, index: int, party: Party) -> str:
    """A party's discounting, delay cost and outside option, in a sentence ("" if none)."""
    unit = round_noun(analysis.space.scenario.protocol.round_label)
    label = party_label(analysis, index)
    clauses = []
    if party.discount < 1:
        clauses.append(
            f"a deal one {unit} later is worth {party.discount:g} of what it is worth now "
            f"(discount factor {party.discount:g})"
        )
    if party.cost_per_round > 0:
        clauses.append(f"every {unit} of talks costs {party.cost_per_round:g}")
    if party.outside_option is not None:
        clauses.append(
            f"after rejecting an offer it may walk out to an outside option worth "
            f"{party.outside_option:g}"
        )
    if not clauses:
        return ""
    return f"For {label}, " + "; ".join(clauses) + "."


def walk_away_section(analysis: Analysis) -> Section:
    """Each party's expected disagreement utility and where it comes from, then what
    waiting costs it."""
    scenario = analysis.space.scenario
    items = []
    values: dict[str, float] = {}
    for k, party in enumerate(scenario.parties):
        expected = float(analysis.disagreement[k])
        values[f"disagreement.{party.name}"] = expected
        items.append(
            para(Strong(who(analysis, k)), ": " + _lottery_words(party.disagreement, expected))
        )
    blocks: list[Block] = [
        para(
            "A side's ",
            Strong("walk-away value"),
            " (its disagreement utility) is what it expects to get if the talks fail. "
            "No side should accept a deal worth less to it, so these numbers anchor "
            "everything that follows. Utilities are on each side's own scale, mostly "
            "from 0 (worst) to 1 (best).",
        ),
        Bullets(tuple(items)),
    ]
    patience = [_patience_words(analysis, k, p) for k, p in enumerate(scenario.parties)]
    patience = [words for words in patience if words]
    if patience:
        blocks.append(para("Time matters too. " + " ".join(patience)))
    elif scenario.protocol.kind != "ultimatum":
        blocks.append(para("Neither side loses anything by waiting: no discounting, no costs."))
    return Section("walk_away", "What each side gets if talks fail", tuple(blocks), values)


# --------------------------------------------------------------------------------------------
# 3. Zone of possible agreement


def _ranges_paragraph(analysis: Analysis) -> Paragraph | None:
    if analysis.ranges is None or analysis.ideal is None:
        return None
    spans = join_words(
        [
            f"{party_label(analysis, k)} gets between {utility_text(low)} and {utility_text(high)}"
            for k, (low, high) in enumerate(analysis.ranges)
        ]
    )
    ideal = ", ".join(utility_text(v) for v in analysis.ideal)
    return para(
        f"On the efficient deals of the next step, {spans}: these are the ",
        Strong("bargaining ranges"),
        ". The best each side can hope for is the top of its range, the ",
        Strong("ideal point"),
        f" ({ideal}); no deal gives every side its ideal at once.",
    )


def zopa_section(analysis: Analysis) -> Section:
    """Whether some package beats walking away for everyone, with the counts."""
    counts = analysis.counts
    values = {"zopa": float(analysis.zopa)}
    if counts.individually_rational is None:  # a merged space: only its frontier is known
        both = counts.pareto_individually_rational
        rational = (
            f"Of the {plural(counts.pareto, 'Pareto-optimal package')}, {both:,} "
            f"{'is' if both == 1 else 'are'} "
        )
    else:
        values["individually_rational"] = float(counts.individually_rational)
        rational = (
            f"Of the {plural(counts.feasible, 'feasible package')}, "
            f"{counts.individually_rational:,} "
            f"{'is' if counts.individually_rational == 1 else 'are'} "
        )
    blocks: list[Block] = [
        para(
            "A package is ",
            Strong("individually rational"),
            " when it gives every side at least its walk-away value. ",
            rational + "individually rational.",
        )
    ]
    if analysis.zopa:
        blocks.append(
            para(
                "Some of them give every side strictly more than walking away, so there is a ",
                Strong("zone of possible agreement"),
                " (ZOPA): a deal can make everyone better "
                "off than no deal. Where in the zone they end up is the bargaining problem.",
            )
        )
    elif analysis.zopa_with_lotteries:
        blocks.append(
            para(
                "No single package gives every side more than walking away: ",
                no_zopa_reason(analysis),
                ". But a ",
                Strong("lottery"),
                " between packages does, so there is a zone of agreement with lotteries only.",
            )
        )
    else:
        blocks.append(
            para(
                "There is ",
                Strong("no zone of possible agreement"),
                ": ",
                no_zopa_reason(analysis),
                ". No lottery between packages helps either: any "
                "agreement leaves someone worse off than walking away, so the bargaining "
                "solutions of the next steps do not exist.",
            )
        )
    ranges = _ranges_paragraph(analysis)
    if ranges is not None:
        blocks.append(ranges)
    return Section("zopa", "The zone of possible agreement", tuple(blocks), values)
