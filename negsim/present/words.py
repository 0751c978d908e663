"""Words and number formats shared by the terminal tables and the charts.

Every function here turns a number or a record into text: none draws or prints, and none
imports rich or matplotlib, so that tables and charts say the same thing the same way.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from negsim.analysis.records import SOLUTION_NAMES, Analysis, Screening
from negsim.format.labels import round_length
from negsim.format.model import POINTS, Distribution, Normal, Uniform
from negsim.space import OutcomeSpace

if TYPE_CHECKING:
    pass

__all__ = [
    "POINTS",
    "TOLERANCE",
    "common_issues",
    "deadline_in_full",
    "deadline_words",
    "distribution_words",
    "format_level",
    "gain_text",
    "issue_words",
    "join_words",
    "last_round_when",
    "lottery_members",
    "mix_words",
    "no_zopa_reason",
    "package_in_words",
    "package_terms",
    "party_label",
    "percent",
    "plain_words",
    "plural",
    "points_cell",
    "points_text",
    "possessive",
    "rough_percent",
    "round_axis_label",
    "round_heading",
    "round_name",
    "round_noun",
    "round_number",
    "round_parts",
    "round_unit",
    "round_when",
    "screening_distribution",
    "screening_last_round_words",
    "screening_offer_terms",
    "screening_stated_value",
    "short_number",
    "six_digits",
    "solution_groups",
    "terms_text",
    "utility_text",
]

TOLERANCE = 1e-9
"""Utilities within this are equal (``docs/scenario-format.md``, ties and tolerance)."""


# --------------------------------------------------------------------------------------------
# Numbers


def utility_text(value: float) -> str:
    """A utility: three decimals (utilities are mostly on a 0-1 scale)."""
    text = f"{value:.3f}"
    return "0.000" if text == "-0.000" else text


def points_cell(utility: float) -> str:
    """A utility as points (utility x :data:`POINTS`) in a table: always one decimal, so
    that a column lines up (``"72.6"``, ``"100.0"``, ``"0.0"``)."""
    text = f"{utility * POINTS:.1f}"
    return "0.0" if text == "-0.0" else text


def points_text(utility: float) -> str:
    """A utility as points (utility x :data:`POINTS`) in a sentence: one decimal at most, a
    trailing ``.0`` dropped, as the role sheets write them (``"72.6"``, ``"40"``, ``"0"``)."""
    text = points_cell(utility)
    return text[:-2] if text.endswith(".0") else text


def gain_text(value: float) -> str:
    """A gain in utility: three decimals with its sign."""
    text = f"{value:+.3f}"
    return "+0.000" if text == "-0.000" else text


def short_number(value: float) -> str:
    """A number in a sentence: up to 3 significant digits."""
    return f"{value:.3g}"


def six_digits(value: float) -> str:
    """A number for tables: up to 6 significant digits, no trailing zeros."""
    return f"{value:.6g}"


def percent(weight: float) -> str:
    """A probability as a percentage, 3 significant digits; never "100%" short of 1."""
    for digits in range(3, 10):
        text = f"{weight * 100:.{digits}g}%"
        if weight >= 1 or text != "100%":
            return text
    return text


def rough_percent(value: float) -> str:
    """A probability in a title: whole percent, one decimal below 10%."""
    return f"{value:.0%}" if value >= 0.095 else f"{value:.1%}"


# --------------------------------------------------------------------------------------------
# Parties and packages


def party_label(analysis: Analysis, index: int) -> str:
    """The display label of party ``index`` (its name when it has no label)."""
    return analysis.space.scenario.parties[index].label


def _in_sentence(analysis: Analysis, index: int) -> str:
    """A party's label inside a sentence: "The buyer" becomes "the buyer"."""
    label = party_label(analysis, index)
    return "the " + label[4:] if label.startswith("The ") else label


def format_level(space: OutcomeSpace, issue_name: str, value: Any) -> str:
    """One issue's value of a JSON package (:meth:`OutcomeSpace.package`, or an interpolated
    hull package) as words: the option, ``"40 officials"``, ``"us 0.3, leader 0.7"``."""
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping):
        return ", ".join(f"{name} {float(share):.4g}" for name, share in value.items())
    unit = getattr(space.scenario.issue(issue_name), "unit", None)
    number = f"{float(value):.4g}"
    return f"{number} {unit}" if unit else number


def package_terms(space: OutcomeSpace, package: Mapping[str, Any]) -> list[tuple[str, str]]:
    """``[(issue name, value in words), ...]`` of a JSON package, in issue order."""
    return [(name, format_level(space, name, value)) for name, value in package.items()]


def plain_words(text: str) -> str:
    """Identifiers as words: ``"icc_case"`` -> ``"icc case"``."""
    return text.replace("_", " ")


def package_in_words(analysis: Analysis, package: Mapping[str, Any]) -> dict[str, str]:
    """A JSON package as ``{issue: value in words}``, underscores as spaces in the values."""
    return {issue: plain_words(value) for issue, value in package_terms(analysis.space, package)}


def possessive(label: str) -> str:
    """``"the US's"``, ``"Partners'"``."""
    return f"{label}'" if label.endswith("s") else f"{label}'s"


def terms_text(terms: Sequence[tuple[str, str]], separator: str = "; ") -> str:
    """``"issue=value; issue=value"``."""
    return separator.join(f"{issue}={value}" for issue, value in terms)


def join_words(labels: Sequence[str], last: str = "and") -> str:
    """``"a"``, ``"a and b"``, ``"a, b and c"``."""
    if len(labels) <= 2:
        return f" {last} ".join(labels)
    return ", ".join(labels[:-1]) + f" {last} " + labels[-1]


# --------------------------------------------------------------------------------------------
# Findings shared by the tables and the charts


def no_zopa_reason(analysis: Analysis) -> str:
    """Why no package gives every party more than its disagreement utility, in plain words
    with the scenario's numbers; ``""`` when there is a ZOPA."""
    if analysis.zopa:
        return ""
    utilities = analysis.space.utilities
    disagreement = analysis.disagreement
    n_parties = utilities.shape[0]
    best = utilities.max(axis=1)
    stuck = [i for i in range(n_parties) if best[i] <= disagreement[i] + TOLERANCE]
    if stuck:
        clauses = []
        for i in stuck:
            clauses.append(
                f"no package gives {_in_sentence(analysis, i)} more than the "
                f"{short_number(disagreement[i])} expected from disagreement "
                f"(the best package gives {short_number(best[i])})"
            )
        return "; ".join(clauses)
    gains = utilities > disagreement[:, None] + TOLERANCE
    if n_parties == 2:
        # Each party can gain alone, never both together: say what the first party's gain
        # costs the second.
        others_best = utilities[1, gains[0]].max()
        return (
            f"every package that gives {_in_sentence(analysis, 0)} more than the "
            f"{short_number(disagreement[0])} expected from disagreement leaves "
            f"{_in_sentence(analysis, 1)} at most {short_number(others_best)}, short of the "
            f"{short_number(disagreement[1])} expected from disagreement"
        )
    # Several parties: the party that falls furthest short when all the others gain.
    shortfalls = []
    for i in range(n_parties):
        others = np.delete(gains, i, axis=0).all(axis=0)
        reach = utilities[i, others].max() if others.any() else -np.inf
        shortfalls.append((reach - disagreement[i], i, reach))
    _, worst, reach = min(shortfalls)
    if not np.isfinite(reach):
        return "no package gives all the parties more than their disagreement utilities at once"
    return (
        "no package gives every party more than its disagreement utility: when all the "
        f"others gain, {_in_sentence(analysis, worst)} gets at most {short_number(reach)}, "
        f"short of the {short_number(disagreement[worst])} expected from disagreement"
    )


def solution_groups(analysis: Analysis) -> list[list[str]]:
    """Solutions that pick the same single package, grouped, in ``SOLUTION_NAMES`` order
    (none without a zone of agreement: then the solutions have no single package)."""
    groups: dict[int, list[str]] = {}
    for name in SOLUTION_NAMES:
        solution = analysis.solutions.get(name)
        if solution is not None and solution.position is not None:
            groups.setdefault(solution.position, []).append(name)
    return list(groups.values())


# --------------------------------------------------------------------------------------------
# Rounds


def round_unit(label: str | None) -> tuple[float, str] | None:
    """``(length, unit)`` of a protocol's ``round`` label: ``"1 day"`` -> ``(1.0, "day")``,
    ``"2 weeks"`` -> ``(2.0, "week")``; None when it does not read as a length of time
    (:func:`negsim.format.labels.round_length`, the one reading of the label)."""
    return round_length(label)


def plural(count: float, unit: str) -> str:
    """``"1 day"``, ``"7 days"``, ``"16,384 rounds"``, ``"1.5 weeks"``."""
    number = f"{int(count):,}" if float(count).is_integer() else f"{count:g}"
    return f"{number} {unit}" if count == 1 else f"{number} {unit}s"


def deadline_words(label: str | None, deadline: int) -> str:
    """``"7 days"`` for a deadline of 7 rounds of ``"1 day"``; ``"7 rounds"`` without a
    label that reads as time."""
    unit = round_unit(label)
    if unit is None:
        return plural(deadline, "round")
    return plural(deadline * unit[0], unit[1])


def deadline_in_full(label: str | None, deadline: int) -> str:
    """``"7 rounds of 1 day (7 days)"``; ``"7 rounds"`` without a label that reads as
    time."""
    rounds = plural(deadline, "round")
    words = deadline_words(label, deadline)
    return rounds if words == rounds else f"{rounds} of {label} ({words})"


def round_parts(label: str | None, round_index: int) -> tuple[str, str | None]:
    """Round ``round_index`` (counted from 0, as in JSON) as people count it, from 1, and
    the span of time it covers when a round lasts several units: ``("day 3", None)`` for
    rounds of ``"1 day"``, ``("round 3", "weeks 5–6")`` for ``"2 weeks"``, ``("round 3",
    None)`` without a label that reads as time or for a fractional length."""
    number = round_index + 1
    unit = round_unit(label)
    if unit is None:
        return f"round {number}", None
    length, name = unit
    if length == 1:
        return f"{name} {number}", None
    if not length.is_integer():
        return f"round {number}", None
    size = int(length)
    return f"round {number}", f"{name}s {round_index * size + 1:,}–{number * size:,}"


def round_name(label: str | None, round_index: int) -> str:
    """How people name round ``round_index`` (counted from 0): ``"day 3"`` for rounds of
    ``"1 day"``, ``"round 3 (weeks 5–6)"`` for ``"2 weeks"``, else ``"round 3"``."""
    name, span = round_parts(label, round_index)
    return f"{name} ({span})" if span else name


def round_heading(label: str | None, round_index: int) -> str:
    """A round in a table's first column: :func:`round_name`, its span on a second line."""
    name, span = round_parts(label, round_index)
    return f"{name}\n{span}" if span else name


def round_number(label: str | None, round_index: int) -> str:
    """The number people use for round ``round_index`` (counted from 0): ``"3"`` for round
    2, whatever the label (the unit goes in the axis label, :func:`round_axis_label`)."""
    del label  # every label counts rounds from 1
    return f"{round_index + 1:,}"


def round_noun(label: str | None) -> str:
    """What a round is called: ``"day"`` for rounds of ``"1 day"``, else ``"round"``."""
    return round_parts(label, 0)[0].rsplit(" ", 1)[0]


def round_axis_label(label: str | None, what: str = "") -> str:
    """A chart axis numbered by :func:`round_number`: ``"day of agreement"``, ``"round of
    agreement (2 weeks each)"`` with ``what="of agreement"``."""
    text = f"{round_noun(label)} {what}".strip()
    unit = round_unit(label)
    if unit is not None and unit[0] != 1:
        text += f" ({plural(unit[0], unit[1])} each)"
    return text


def _preposition(noun: str) -> str:
    """``"on"`` before a day (``"on day 3"``), ``"in"`` otherwise."""
    return "on" if noun.split()[-1] in ("day", "night") else "in"


def round_when(label: str | None, round_index: int) -> str:
    """Round ``round_index`` (counted from 0) after a verb: ``"on day 3"``, ``"in week 3"``,
    ``"in round 3 (weeks 5–6)"``, ``"in round 3"``."""
    return f"{_preposition(round_noun(label))} {round_name(label, round_index)}"


def last_round_when(label: str | None, deadline: int, named: bool = True) -> str:
    """The last of ``deadline`` rounds after a verb: ``"on the last day (day 7)"``, ``"in
    the last round (round 7, weeks 13–14)"``; without ``named``, ``"on the last day"``."""
    noun = round_noun(label)
    text = f"{_preposition(noun)} the last {noun}"
    if not named:
        return text
    name, span = round_parts(label, deadline - 1)
    return f"{text} ({name}, {span})" if span else f"{text} ({name})"


# --------------------------------------------------------------------------------------------
# Packages and lotteries


def issue_words(space: OutcomeSpace, position: int) -> dict[str, str]:
    """The package at ``position`` as ``{issue: value in words}``."""
    return dict(package_terms(space, space.package(position)))


def lottery_members(mix: Sequence[tuple[float, int]]) -> list[tuple[float, int]]:
    """The packages of a lottery with positive weight, the heaviest first."""
    kept = [(float(w), int(p)) for w, p in mix if w > TOLERANCE]
    return sorted(kept, key=lambda member: (-member[0], member[1]))


def mix_words(
    space: OutcomeSpace, mix: Sequence[tuple[float, int]], skip: Sequence[str] = ()
) -> str:
    """A package or lottery in issue terms, leaving out the issues in ``skip``: the terms
    every package of the lottery shares, then the lottery on the rest
    (``"84.3% icc_case=ended, 15.7% icc_case=proceeds"``)."""
    members = lottery_members(mix)
    if not members:
        return "no offer"
    words = [issue_words(space, position) for _, position in members]
    issues = [issue for issue in space.scenario.issue_names if issue not in skip]
    common = [issue for issue in issues if len({w[issue] for w in words}) == 1]
    differing = [issue for issue in issues if issue not in common]
    parts = []
    if common:
        parts.append(terms_text([(issue, words[0][issue]) for issue in common], ", "))
    if differing:
        options = []
        for (weight, _), package_words in zip(members, words, strict=True):
            terms = terms_text([(issue, package_words[issue]) for issue in differing], ", ")
            bare = len(differing) == 1 and ", " not in terms
            options.append(f"{percent(weight)} " + (terms if bare else f"({terms})"))
        lottery = "a lottery: " + ", ".join(options)
        average = _average_terms(space, members, differing)
        if average:
            lottery = f"{average} on average, as {lottery}"
        parts.append(lottery)
    return "; ".join(parts) if parts else "the terms above"


def _average_terms(
    space: OutcomeSpace, members: Sequence[tuple[float, int]], differing: Sequence[str]
) -> str:
    """The lottery's average on ``differing`` issues when they are all numeric or split
    (the interpolated package of ``--format json``), else ``""``."""
    package = space.interpolate([p for _, p in members], [w for w, _ in members])
    if package is None:
        return ""
    return terms_text(
        [(issue, format_level(space, issue, package[issue])) for issue in differing], ", "
    )


def common_issues(space: OutcomeSpace, mixes: Sequence[Sequence[tuple[float, int]]]) -> list[str]:
    """Issues on which every package of every lottery agrees."""
    positions = [position for mix in mixes for _, position in lottery_members(mix)]
    if len(positions) < 2:
        return []
    words = [issue_words(space, position) for position in positions]
    return [issue for issue in space.scenario.issue_names if len({w[issue] for w in words}) == 1]


# --------------------------------------------------------------------------------------------
# Screening: offers against a responder with private information


def distribution_words(distribution: Distribution) -> str:
    """A distribution of :mod:`negsim.format.model` in words."""
    if isinstance(distribution, Uniform):
        return f"uniform on [{short_number(distribution.low)}, {short_number(distribution.high)}]"
    if isinstance(distribution, Normal):
        return (
            f"normal, mean {short_number(distribution.mean)}, sd {short_number(distribution.sd)}, "
            f"truncated to [{short_number(distribution.low)}, {short_number(distribution.high)}]"
        )
    return "one of " + ", ".join(
        f"{short_number(value)} ({percent(p)})"
        for value, p in zip(distribution.values, distribution.probabilities, strict=True)
    )


def screening_distribution(screening: Screening) -> Distribution | None:
    """The distribution of the responder's private parameter (None when not stated)."""
    responder = screening.space.scenario.party_names[screening.responder]
    for parameter in screening.space.scenario.uncertainty:
        if parameter.party == responder and parameter.parameter == screening.parameter:
            return parameter.distribution
    return None


def screening_stated_value(screening: Screening) -> float:
    """The responder's stated value of the private parameter (its expected disagreement)."""
    if screening.parameter == "disagreement":
        return float(screening.space.disagreement[screening.responder])
    return float(screening.space.scenario.parties[screening.responder].agreement_value)


def screening_offer_terms(screening: Screening) -> tuple[list[str], list[str]]:
    """The offers in issue terms: ``(shared, per_round)`` where ``shared`` are the terms
    every offer has (``"amnesty=family"``) and ``per_round`` the rest of each offer (the
    whole offer when nothing is shared; ``"no offer"`` when no type would accept)."""
    space = screening.space
    mixes = [mix for mix in screening.offer_mixes if mix]
    shared_issues = common_issues(space, mixes)
    shared: list[str] = []
    if shared_issues:
        words = issue_words(space, lottery_members(mixes[0])[0][1])
        shared = [f"{issue}={words[issue]}" for issue in shared_issues]
    per_round = [
        mix_words(space, mix, shared_issues) if mix else "no offer" for mix in screening.offer_mixes
    ]
    if len(shared_issues) == len(space.scenario.issue_names):
        per_round = ["the same terms" if mix else "no offer" for mix in screening.offer_mixes]
    return shared, per_round


def screening_last_round_words(screening: Screening) -> str:
    """The deadline effect in words: ``"9% of all agreements happen on the last day
    (day 7): the deadline effect"``."""
    share = screening.final_round_share
    if share is None:
        return "no agreement ever happens: every type rejects every offer"
    label = screening.space.scenario.protocol.round_label
    deadline = int(screening.solution.agreement_probability.size)
    text = f"{percent(share)} of all agreements happen {last_round_when(label, deadline)}"
    if deadline == 1:
        return text + ": a single take-it-or-leave-it offer"
    uniform = 1.0 / deadline
    if share > uniform + TOLERANCE:
        return text + ": the deadline effect"
    by_round = screening.solution.agreement_probability
    peak = int(np.argmax(by_round))
    return (
        text + f", less than an even spread ({percent(uniform)}): no strong deadline effect; "
        f"the most agreements, {percent(float(by_round[peak]) / float(by_round.sum()))}, "
        f"happen {round_when(label, peak)}"
    )


EXACT_DIGITS = 15
"""Counts below ``10**EXACT_DIGITS`` are printed in full."""


def count_text(count: int) -> str:
    """A package count for people: in full with thousands separators up to 14 digits, else
    as a power of ten (``10^25``, or ``about 3.2 × 10^25``); JSON keeps the exact integer.

    >>> count_text(1_234_567), count_text(10**25), count_text(32 * 10**24)
    ('1,234,567', '10^25', 'about 3.2 × 10^25')
    """
    if count < 10**EXACT_DIGITS:
        return f"{count:,}"
    exponent = len(str(count)) - 1
    if count == 10**exponent:
        return f"10^{exponent}"
    return f"about {count / 10**exponent:.3g} × 10^{exponent}"
