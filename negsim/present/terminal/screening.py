"""The screening block of ``negsim solve --format table``: offers against a responder with
private information, round by round (:func:`screening_renderables`)."""

from __future__ import annotations

import numpy as np
from rich.console import RenderableType
from rich.table import Table
from rich.text import Text

from negsim.analysis.records import Screening
from negsim.present.words import (
    deadline_words,
    distribution_words,
    percent,
    plural,
    round_heading,
    round_name,
    round_parts,
    round_when,
    screening_distribution,
    screening_last_round_words,
    screening_offer_terms,
    screening_stated_value,
    utility_text,
)

__all__ = ["PARAMETER_WORDS", "PROTOCOL_WORDS", "screening_renderables"]

PROTOCOL_WORDS = {
    "alternating_offers": "alternating offers",
    "ultimatum": "ultimatum",
    "one_sided": "one-sided offers",
    "random_proposer": "random proposer (Baron–Ferejohn)",
}

PARAMETER_WORDS = {
    "disagreement": "disagreement payoff (what it gets if talks fail)",
    "agreement_value": "value of a deal (added to any agreement)",
}


def _about_table(screening: Screening) -> Table:
    """Who proposes to whom under which protocol, and what is private."""
    space = screening.space
    scenario = space.scenario
    names = scenario.party_names
    proposer, responder = names[screening.proposer], names[screening.responder]
    label = scenario.protocol.round_label
    solution = screening.solution
    deadline = int(solution.agreement_probability.size)
    about = Table(
        title=f"Screening: {proposer}'s offers when {responder}'s {screening.parameter} is private",
        title_justify="left",
        show_header=False,
    )
    about.add_column("key", style="bold", no_wrap=True)
    about.add_column("value", overflow="fold")
    kind = PROTOCOL_WORDS.get(scenario.protocol.kind, scenario.protocol.kind)
    about.add_row(
        "protocol",
        Text(
            f"{kind}: only {proposer} proposes, to {responder}, who accepts or rejects; "
            f"{plural(deadline, 'offer')} at most, over {deadline_words(label, deadline)}"
            + (
                f"; after a rejection, talks break down with probability "
                f"{percent(scenario.protocol.breakdown_risk)}"
                if scenario.protocol.breakdown_risk > 0
                else ""
            )
        ),
    )
    distribution = screening_distribution(screening)
    stated = screening_stated_value(screening)
    private = (
        f"{responder}'s {PARAMETER_WORDS.get(screening.parameter, screening.parameter)}; "
        f"{proposer} knows only its distribution"
    )
    if distribution is not None:
        private += f": {distribution_words(distribution)}"
    if screening.type_values is None:
        private += f"; a continuum of types, on a grid of {screening.n_types:,}"
    else:
        private += f"; {plural(screening.n_types, 'type')}"
    private += f"; stated value {utility_text(stated)}"
    about.add_row("private", Text(private))
    about.add_row("accuracy", Text(_accuracy_words(screening)))
    return about


def _accuracy_words(screening: Screening) -> str:
    """How far the numbers are from the continuum of types (or that they are exact)."""
    found = screening.discretization
    if found is None:
        return (
            "exact: discrete types; a type that is indifferent may accept with a probability "
            "between 0 and 1 (see the types' acceptance below)"
        )
    verdict = "" if found.settled else f", more than {found.tolerance:g}: raise types"
    if found.error < 5e-13:  # the same to the last digit worth printing
        return (
            f"the numbers are the same (to 1e-12) on grids of {found.types:,} and "
            f"{found.compared_with:,} types"
        )
    return (
        f"the numbers move by up to {found.error:.2g} between grids of {found.types:,} and "
        f"{found.compared_with:,} types{verdict}"
    )


def _types_table(screening: Screening) -> Table | None:
    """Discrete types: per round, the probability that each type still in the talks
    accepts (a type mixes where it is strictly between 0 and 1)."""
    if screening.type_values is None:
        return None
    scenario = screening.space.scenario
    responder = scenario.party_names[screening.responder]
    label = scenario.protocol.round_label
    table = Table(
        title=f"Each {responder} type's acceptance, if still in the talks",
        expand=True,
        title_justify="left",
        caption=(
            f"columns: {responder}'s {screening.parameter}; '-': no type of that value is "
            "left; 'mixes': indifferent, accepts with that probability (Bayes' rule sets "
            "the proposer's belief about who is left)"
        ),
        caption_justify="left",
    )
    table.add_column("round", no_wrap=True)
    for value in screening.type_values:
        table.add_column(utility_text(float(value)), justify="right")
    for t in range(int(screening.solution.agreement_probability.size)):
        cells = []
        for probability in screening.solution.type_acceptance[t]:
            if np.isnan(probability):
                cells.append("-")
            elif 0.0 < probability < 1.0:
                cells.append(f"{percent(float(probability))} mixes")
            else:
                cells.append(percent(float(probability)))
        table.add_row(round_heading(label, t), *cells)
    return table


def _rounds_table(screening: Screening) -> Table:
    """Per round: the offer, the chance it is accepted if the round is reached, the chance of
    a deal in that round and so far."""
    space = screening.space
    scenario = space.scenario
    names = scenario.party_names
    proposer, responder = names[screening.proposer], names[screening.responder]
    label = scenario.protocol.round_label
    solution = screening.solution
    deadline = int(solution.agreement_probability.size)
    rounds = Table(
        title="Round by round: the offer, acceptance if reached, and agreement",
        title_justify="left",
        expand=True,
        caption=(
            f"offer: utilities at stated values; accepts: probability that {responder} "
            "accepts if the round is reached; deal: probability of a deal in that round, "
            "from the start; so far: the running total"
        ),
        caption_justify="left",
    )
    rounds.add_column("round", no_wrap=True)
    rounds.add_column(f"offer:\n{responder}", justify="right")
    rounds.add_column(proposer, justify="right")
    rounds.add_column("accepts", justify="right")
    rounds.add_column("deal", justify="right")
    rounds.add_column("so far", justify="right")
    cumulative = np.cumsum(solution.agreement_probability)
    for t in range(deadline):
        name, span = round_parts(label, t)
        head = Text(name)
        if t == deadline - 1:
            head.append(" last", style="bold")
        if screening.stated_type_round == t:
            head.append(" *", style="bold")
        if span:
            head.append(f"\n{span}", style="dim")
        utilities = screening.offer_utilities[t]
        if utilities is None:
            offer = ["-", "-"]
        else:
            offer = [
                utility_text(float(utilities[screening.responder])),
                utility_text(float(utilities[screening.proposer])),
            ]
        rounds.add_row(
            head,
            *offer,
            f"{float(solution.accept_probability[t]):.1%}",
            f"{float(solution.agreement_probability[t]):.1%}",
            f"{float(cumulative[t]):.1%}",
        )
    return rounds


def _mixing_table(screening: Screening) -> Table | None:
    """The rounds where the proposer mixes: every offer it may make and its chance."""
    if not any(screening.alternatives):
        return None
    names = screening.space.scenario.party_names
    proposer, responder = names[screening.proposer], names[screening.responder]
    label = screening.space.scenario.protocol.round_label
    table = Table(
        title=f"Where {proposer} mixes: the offers it may make",
        title_justify="left",
        expand=True,
        caption=(
            f"{proposer} is indifferent there between two offers and mixes so that the "
            f"{responder} types just above the cutoff of the round before are indifferent "
            "too; chance: given the round is reached; the likeliest offer is the one above"
        ),
        caption_justify="left",
    )
    table.add_column("round", no_wrap=True)
    table.add_column(f"offer:\n{responder}", justify="right")
    table.add_column(proposer, justify="right")
    table.add_column("chance", justify="right")
    for t, others in enumerate(screening.alternatives):
        if not others:
            continue
        choices = [(screening.offer_chances[t], screening.offer_utilities[t])]
        choices += [(chance, utilities) for chance, utilities, _ in others]
        for k, (chance, utilities) in enumerate(choices):
            offer = ["-", "-"] if utilities is None else [
                utility_text(float(utilities[screening.responder])),
                utility_text(float(utilities[screening.proposer]))]  # fmt: skip
            table.add_row(round_heading(label, t) if k == 0 else "", *offer, percent(chance))
    return table


def _terms_table(screening: Screening) -> Table:
    """The offers in issue terms, round by round."""
    label = screening.space.scenario.protocol.round_label
    shared, per_round = screening_offer_terms(screening)
    terms = Table(
        title="The offers in issue terms",
        title_justify="left",
        caption=("every offer has " + ", ".join(shared)) if shared else None,
        caption_justify="left",
        show_header=False,
    )
    terms.add_column("round", no_wrap=True)
    terms.add_column("offer", overflow="fold")
    for t, words in enumerate(per_round):
        terms.add_row(round_heading(label, t), Text(words))
    return terms


def _outcome_table(screening: Screening) -> Table:
    """Whether a deal happens, the expected payoffs, the deadline effect, and when the
    responder with its stated value accepts."""
    scenario = screening.space.scenario
    names = scenario.party_names
    responder = names[screening.responder]
    label = scenario.protocol.round_label
    solution = screening.solution
    stated = screening_stated_value(screening)
    outcome = Table(title="Screening outcome", title_justify="left", show_header=False)
    outcome.add_column("key", style="bold", no_wrap=True)
    outcome.add_column("value", overflow="fold")
    agreed = 1.0 - float(solution.no_agreement_probability)
    outcome.add_row(
        "agreement",
        Text(
            f"a deal by the deadline with probability {percent(agreed)}; no deal with "
            f"probability {percent(float(solution.no_agreement_probability))}"
        ),
    )
    payoffs = ", ".join(
        f"{name} {utility_text(float(value))}"
        for name, value in zip(names, screening.expected_payoffs, strict=True)
    )
    outcome.add_row(
        "expected payoffs",
        Text(
            f"{payoffs} (discounted to {round_name(label, 0)}, less delay costs, with "
            "breakdown risk)"
        ),
    )
    outcome.add_row("deadline effect", Text(screening_last_round_words(screening)))
    if screening.stated_type_round is None:
        stated_words = f"{responder} with its stated value {utility_text(stated)} never accepts"
    else:
        when = round_when(label, screening.stated_type_round)
        stated_words = (
            f"{responder} with its stated value {utility_text(stated)} accepts {when}, marked *"
        )
    outcome.add_row("stated value", Text(stated_words))
    return outcome


def screening_renderables(screening: Screening) -> list[RenderableType]:
    """The screening block of ``negsim solve --format table``: who proposes, what is
    private and how accurate the grid of types is, per round the offer, the conditional
    acceptance probability, the unconditional probability of agreement and its running
    total, the offers the proposer mixes between (if it does), each discrete type's
    acceptance (where types may mix), then the outcome in words."""
    parts: list[RenderableType] = [_about_table(screening), _rounds_table(screening)]
    for optional in (_mixing_table(screening), _types_table(screening)):
        if optional is not None:
            parts.append(optional)
    return [*parts, _terms_table(screening), _outcome_table(screening)]
