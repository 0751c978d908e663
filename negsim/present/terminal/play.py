"""The text of ``negsim play``: what a person sees during a negotiation and at its end.

Plain text wrapped to a width (80 columns by default), so it reads the same in a terminal,
through a pipe and in a log. During the talks a person sees only their own points: their
utility of every package times :data:`~negsim.format.model.POINTS` (as on the role sheets),
never another party's. With three or more parties every other party votes on an offer; the
votes cast so far are shown, and whether the offer passed or failed. At the end, the game
being over, the deal is compared with the Pareto frontier and the Nash solution (every
party's points). Points are written with one
decimal at most (:func:`~negsim.present.words.points_text`); the list of packages aligns
them with one decimal always.

Packages are written as the ``issue=value`` terms the command reads back
(:func:`negsim.format.terms.read_terms`): option names, numbers on the grid, and split
shares as ``party:share`` joined by ``/``.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from negsim.format.terms import package_terms
from negsim.present.words import (
    POINTS,
    join_words,
    plural,
    points_cell,
    points_text,
    possessive,
    round_noun,
)

if TYPE_CHECKING:
    from negsim.analysis.records import Solution
    from negsim.analysis.scoring import DealScore
    from negsim.studies.play import Move, Session

WIDTH = 80

__all__ = [
    "WIDTH",
    "answer_text",
    "decision_text",
    "handover_text",
    "help_text",
    "intro_text",
    "offer_text",
    "own_offer_text",
    "playing_text",
    "result_text",
    "round_header",
    "suggestions_text",
    "terms_text",
    "votes_text",
]


def _wrap(text: str, width: int, indent: str = "") -> str:
    return textwrap.fill(
        text, width=width, initial_indent=indent, subsequent_indent=indent,
        break_on_hyphens=False, break_long_words=False,
    )  # fmt: skip


def _points(utility: float) -> str:
    """A utility as the points a person reads: ``"72.6"``, ``"40"``."""
    return points_text(utility)


def terms_text(session: Session, position: int) -> str:
    """``"amnesty=family, sanctions_relief=40, pie=a:0.6/b:0.4"``: a package as terms the
    command reads back."""
    terms = package_terms(session.scenario, session.package(position))
    return ", ".join(f"{name}={term}" for name, term in terms.items())


def _label(session: Session, party: str) -> str:
    return session.scenario.party(party).label


def _noun(session: Session) -> str:
    return round_noun(session.scenario.protocol.round_label)


def _protocol_words(session: Session) -> str:
    protocol = session.scenario.protocol
    first = _label(session, protocol.first_proposer)
    noun = _noun(session)
    rounds = plural(session.rounds, noun)
    kinds = {
        "alternating_offers": f"Alternating offers, {first} first",
        "ultimatum": f"An ultimatum: {first} makes one offer, to take or leave",
        "one_sided": f"Only {first} makes offers; the other side accepts or rejects",
        "random_proposer": "Each round a proposer is drawn at random",
    }
    if session.n > 2:
        order = join_words([_label(session, p) for p in session.others(protocol.first_proposer)])
        kinds["alternating_offers"] = f"{first} proposes first, then {order} in turn"
        kinds["ultimatum"] = f"An ultimatum: {first} makes one offer, to take or leave"
        kinds["one_sided"] = f"Only {first} makes offers"
    text = kinds.get(protocol.kind, protocol.kind)
    if protocol.kind != "ultimatum":
        if session.deadline is not None:
            text += f"; the deadline is {rounds}"
        else:
            text += f"; no deadline, but this game stops after {rounds}"
    text += "."
    if session.n > 2:
        text += " " + _rule_words(session)
    if protocol.breakdown_risk > 0:
        failed = "failed offer" if session.n > 2 else "rejection"
        text += (
            f" After each {failed} there is a {protocol.breakdown_risk:.0%} chance that "
            "the talks break down."
        )
    return text


def _rule_words(session: Session) -> str:
    """How a vote of three or more parties goes."""
    if session.quota >= session.n:
        text = (
            f"Every other party votes on an offer: it passes only if all {session.n} agree "
            "(unanimity), and fails at the first no."
        )
    else:
        text = (
            f"Every other party votes on an offer: it passes with {session.quota} yes votes "
            f"of {session.n}, the proposer's included (majority), and fails as soon as it "
            "can no longer get them."
        )
    if any(session.can_walk(party) for party in session.parties):
        text += " Whoever walks away ends the talks for everyone."
    return text


def _named(session: Session, party: str) -> str:
    return f"{_label(session, party)} ({party})"


def intro_text(session: Session, people: Sequence[str], agents: Mapping[str, str],
               width: int = WIDTH) -> str:  # fmt: skip
    """The opening screen: the scenario, who plays whom (``agents``: each party the
    computer plays, with its strategy), the rules."""
    scenario = session.scenario
    lines = [scenario.name, "=" * min(len(scenario.name), width), ""]
    if not agents:
        who = join_words([_named(session, p) for p in people])
        count = {2: "Two", 3: "Three", 4: "Four", 5: "Five"}.get(len(people), str(len(people)))
        lines.append(_wrap(f"{count} people at one keyboard play {who}.", width))
    else:
        strategies = {strategy.replace("_", "-") for strategy in agents.values()}
        if len(strategies) == 1:
            (strategy,) = strategies
            played = join_words([_named(session, p) for p in agents])
            each = " each" if len(agents) > 1 else ""
            played += f" as a {strategy} agent{each}"
        else:
            played = join_words([
                f"{_named(session, p)} as a {s.replace('_', '-')} agent" for p, s in agents.items()
            ])  # fmt: skip
        lines.append(_wrap(
            f"You play {_named(session, people[0])}. The computer plays {played}.", width
        ))  # fmt: skip
    lines.append(_wrap(_protocol_words(session), width))
    lines.append(_wrap("Type help for the commands.", width))
    return "\n".join(lines) + "\n"


def walk_away_text(session: Session, party: str, width: int = WIDTH) -> str:
    """The person's walk-away values: what no deal gives, and the outside option."""
    i = session.index(party)
    text = f"No deal is worth {_points(float(session.disagreement[i]))} points to you"
    if session.can_walk(party):
        text += (
            f"; you may walk away from an offer to your outside option, worth "
            f"{_points(float(session.outside[i]))} points"
        )
    text += f". Points are your utility times {POINTS:g}: higher is better for you."
    if session.discount[i] < 1 or session.cost[i] > 0:
        text += " Delay costs you: a deal is worth less each round it comes later."
    return _wrap(text, width)


def round_header(session: Session, width: int = WIDTH) -> str:
    """``"--- Day 3 of 7 (5 days left) ---"``."""
    noun = _noun(session)
    number = session.round + 1
    if session.deadline is not None:
        left = plural(session.rounds_left, noun)
        title = f"{noun.capitalize()} {number} of {session.rounds} ({left} left)"
        if session.rounds_left == 1:
            title = f"{noun.capitalize()} {number} of {session.rounds} (the last)"
    else:
        title = f"{noun.capitalize()} {number} of at most {session.rounds}"
    rule = "-" * max(3, (width - len(title) - 2) // 2)
    return f"\n{rule} {title} {rule}"[: width + 1]


def _worth(session: Session, party: str, position: int) -> str:
    utility = session.utility(party, position)
    payoff = session.payoff(party, utility, session.round)
    text = f"{_points(utility)} points"
    if _points(payoff) != _points(utility):
        text += f" ({_points(payoff)} after the delay so far)"
    return text


def offer_text(session: Session, viewer: str, position: int, width: int = WIDTH) -> str:
    """The offer on the table (the last one made), as ``viewer`` sees it: who made it, the
    package and its worth to them."""
    proposer = _label(session, session.moves[-1].proposer)
    lines = [
        f"{proposer} offers:",
        _wrap(terms_text(session, position), width, "    "),
        f"  Worth to you: {_worth(session, viewer, position)}; "
        f"{'your outside option' if session.can_walk(viewer) else 'no deal'}: "
        f"{_points(session.reservation(viewer))}.",
    ]
    return "\n".join(lines)


def own_offer_text(session: Session, position: int, width: int = WIDTH) -> str:
    """The offer a person just made, as a confirmation, with its points to them."""
    proposer = session.moves[-1].proposer if session.moves else session.proposer
    points = _points(session.utility(proposer, position))
    return f"You offer ({points} points to you):\n" + _wrap(
        terms_text(session, position), width, "    "
    )


def suggestions_text(
    session: Session, viewer: str, positions: Sequence[int], width: int = WIDTH
) -> str:
    """The numbered suggestions with the viewer's points; the others' last offers are
    marked."""
    marks: dict[int, list[str]] = {}
    for party in session.others(viewer):
        theirs = session.last_offer_by(party)
        if theirs is not None:
            who = "their" if session.n == 2 else possessive(_label(session, party))
            marks.setdefault(theirs, []).append(who)
    lines = ["Packages you could offer (your points first):"]
    for number, position in enumerate(positions, start=1):
        mark = f"  <- {join_words(marks[position])} last offer" if position in marks else ""
        head = f"{number:>3}. {points_cell(session.utility(viewer, position)):>5}  "
        body = textwrap.wrap(terms_text(session, position) + mark, width=width - len(head),
                             break_on_hyphens=False)  # fmt: skip
        lines.append(head + body[0])
        lines.extend(" " * len(head) + line for line in body[1:])
    return "\n".join(lines)


def answer_text(session: Session, party: str, response: str, viewer: str | None = None) -> str:
    """How a side answered: ``"Nicolás Maduro rejects."``; with three or more parties a
    vote, ``"South votes yes."`` (``"You vote yes."`` when ``party`` is the ``viewer``,
    the one person playing), and once the offer is decided, whether it passed."""
    verbs = {"accept": "accepts", "reject": "rejects", "walk_away": "walks away"}
    if session.n == 2:
        return f"{_label(session, party)} {verbs[response]}."
    votes = {"accept": "votes yes", "reject": "votes no",
             "walk_away": "walks away: the talks end for everyone"}  # fmt: skip
    text = f"{_label(session, party)} {votes[response]}."
    if party == viewer:
        text = "You " + votes[response].replace("votes", "vote").replace("walks", "walk") + "."
    move = _answered(session, party)
    if move is not None and move.response in ("accept", "reject"):
        text += " " + decision_text(session, move, viewer)
    return text


def _answered(session: Session, party: str) -> Move | None:
    """The last offer ``party`` voted on."""
    for move in reversed(session.moves):
        if party in move.votes:
            return move
    return None


def _yes(move: Move) -> int:
    """Yes votes for an offer, the proposer's included."""
    return 1 + sum(vote == "accept" for vote in move.votes.values())


def decision_text(session: Session, move: Move, viewer: str | None = None) -> str:
    """Whether an offer of three or more parties passed: ``"The offer passes: 2 yes votes
    of the 2 needed."``, ``"The offer fails: 1 yes vote, 3 needed (West is not asked)."``
    (``viewer``: the one person playing, "you")."""
    yes, needed = _yes(move), session.quota
    if move.response == "accept":
        return f"The offer passes: {plural(yes, 'yes vote')} of the {needed} needed."
    unasked = [p for p in session.others(move.proposer) if p not in move.votes]
    text = f"The offer fails: {plural(yes, 'yes vote')}, {needed} needed"
    if unasked:
        who = join_words(["you" if p == viewer else _label(session, p) for p in unasked])
        plural_verb = len(unasked) > 1 or unasked == [viewer]
        text += f" ({who} {'are' if plural_verb else 'is'} not asked)"
    return text + "."


def votes_text(session: Session, move: Move, width: int = WIDTH) -> str:
    """The votes cast so far on an offer of three or more parties: ``"Votes so far: North
    yes (proposer), South no; 2 yes votes of 3 needed."``"""
    cast = [f"{_label(session, move.proposer)} yes (proposer)"]
    words = {"accept": "yes", "reject": "no", "walk_away": "walked away"}
    cast += [f"{_label(session, p)} {words[vote]}" for p, vote in move.votes.items()]
    needed = f"{session.quota} of {session.n}" if session.quota < session.n else f"all {session.n}"
    return textwrap.fill(f"Votes so far: {', '.join(cast)}; {needed} needed.", width=width,
                         initial_indent="  ", subsequent_indent="    ")  # fmt: skip


def handover_text(session: Session, party: str) -> str:
    """The line between people's turns at one keyboard."""
    return f"Pass the keyboard to {_label(session, party)} ({party})."


def playing_text(session: Session, party: str) -> str:
    """Whose screen this is, at one keyboard."""
    return f"You are {_label(session, party)} ({party})."


def help_text(session: Session, party: str, kind: str, width: int = WIDTH) -> str:
    """The commands a person can type now: ``kind`` ``"propose"`` (make an offer) or
    ``"respond"`` (answer one)."""
    if kind == "propose":
        lines = [
            "  NUMBER            offer that package from the list",
            "  NUMBER TERMS      that package with some terms changed, e.g. "
            f"1 {session.scenario.issues[0].name}=...",
            "  ISSUE=OPTION, ... a whole package, every issue once, as the list writes it",
        ]
    elif session.n > 2:
        lines = [
            "  accept (a, yes)   vote for the offer on the table",
            "  reject (r, no)    vote against it",
        ]
        if session.can_walk(party):
            lines.append("  walk (w)          walk away to your outside option: the talks "
                         "end for everyone")  # fmt: skip
    else:
        lines = [
            "  accept (a)        take the offer on the table",
            "  reject (r)        turn it down; you may then make a counter-offer",
        ]
        if session.can_walk(party):
            lines.append("  walk (w)          walk away to your outside option")
    lines += ["  help (?)          this list", "  quit              stop; the transcript is saved"]
    return "\n".join(line[:width] for line in lines)


def _ending_words(session: Session, viewers: Sequence[str]) -> str:
    ending = session.ending
    assert ending is not None
    when = f"{_noun(session)} {ending.round + 1}"
    if ending.status == "agreement":
        return f"Agreement on {when}:"
    if ending.status == "breakdown":
        failed = "the failed vote" if session.n > 2 else "the rejection"
        return f"No deal: the talks broke down after {failed} on {when}."
    if ending.status == "walked_away":
        walker = _label(session, ending.walker or "")
        if len(viewers) == 1 and ending.walker == viewers[0]:
            walker = "you"
        return f"No deal: {walker} walked away on {when}."
    if ending.status == "deadline":
        failed = "failed" if session.n > 2 else "was rejected"
        return f"No deal by the deadline: the last offer, on {when}, {failed}."
    return f"The game was stopped on {when}."


def result_text(
    session: Session,
    viewers: Sequence[str],
    nash: Solution | None,
    score: DealScore | None,
    width: int = WIDTH,
) -> str:
    """The end: the deal or why there is none, each viewer's points and payoff, and, the
    game being over, the deal against the frontier and the Nash solution."""
    ending = session.ending
    assert ending is not None
    rule = "=" * ((width - 8) // 2)
    lines = ["", f"{rule} Result {rule}", _wrap(_ending_words(session, viewers), width)]
    if ending.position is not None:
        lines.append(_wrap(terms_text(session, ending.position), width, "    "))
    if ending.utilities is not None and ending.payoffs is not None:
        for party in viewers:
            who = "Your" if len(viewers) == 1 else f"{_label(session, party)}'s"
            points = _points(ending.utilities[party])
            payoff = _points(ending.payoffs[party])
            delayed = f"; payoff after the delay {payoff}" if payoff != points else ""
            lines.append(f"{who} points: {points}{delayed}.")
    if ending.status == "interrupted":
        return "\n".join(lines)
    lines += ["", _wrap("Now that the game is over, how the deal compares:", width)]
    if nash is not None and nash.position is not None and nash.utilities is not None:
        both = ", ".join(
            f"{_label(session, party)} {_points(float(value))}"
            for party, value in zip(session.parties, nash.utilities, strict=True)
        )
        lines.append("The Nash solution (the balanced deal theory suggests):")
        lines.append(_wrap(terms_text(session, nash.position), width, "    "))
        lines.append(_wrap(f"  points: {both}.", width))
        if nash.position == ending.position:
            lines.append("Your deal is the Nash solution.")
    if score is not None:
        lines += _score_lines(session, score, width)
    return "\n".join(lines)


def _score_lines(session: Session, score: DealScore, width: int) -> list[str]:
    sides = "both sides" if session.n == 2 else "every party"
    if score.agreed and score.pareto_optimal:
        gain = "both sides" if session.n == 2 else "some party and no worse for the others"
        return [_wrap(f"Your deal is Pareto-optimal: no package was better for {gain}.", width)]
    what = "Your deal" if score.agreed else "No deal"
    lines = [
        _wrap(
            f"{what} left {_points(score.joint_value_left)} points on the table together "
            f"(distance to the frontier {_points(score.distance_to_frontier)}).",
            width,
        )
    ]
    if score.better_position is not None:
        better = session.space.utilities[:, score.better_position]
        both = ", ".join(
            f"{_label(session, party)} {_points(float(better[i]))}"
            for i, party in enumerate(session.parties)
        )
        lines.append(f"A package at least as good for {sides}:")
        lines.append(_wrap(terms_text(session, score.better_position), width, "    "))
        lines.append(_wrap(f"  points: {both}.", width))
    return lines
