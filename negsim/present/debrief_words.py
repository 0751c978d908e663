"""The words of a class debrief (``negsim debrief``), shared by its table, chart and page:
a deal in words, short or in full, and the finding in the scenario's numbers.

What people read gives scores as points, utility times
:data:`~negsim.format.model.POINTS` (:data:`IN_POINTS`), the unit of the role sheets and of
``negsim play``; the CSV document keeps the utilities of the JSON (:data:`IN_UTILITY`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from negsim.present.words import (
    POINTS,
    format_level,
    plain_words,
    points_cell,
    points_text,
    utility_text,
)
from negsim.studies.debrief import Debrief

__all__ = [
    "IN_POINTS",
    "IN_UTILITY",
    "Scale",
    "deal_full",
    "deal_short",
    "finding",
    "group_noun",
    "party_labels",
    "scores_text",
]


@dataclass(frozen=True)
class Scale:
    """How a debrief writes a score: ``unit`` its noun (``"points"``), ``cell`` a score in a
    table column, ``text`` a score in a sentence, ``note`` what the unit is (or empty)."""

    unit: str
    cell: Callable[[float], str]
    text: Callable[[float], str]
    note: str


IN_POINTS = Scale(
    "points",
    points_cell,
    points_text,
    f"Points: utility times {POINTS:g}, as on the role sheets.",
)
"""For people (the terminal's table, Markdown, LaTeX, the chart, the page): points, one
decimal (``72.6``; a sentence drops a trailing ``.0``)."""
IN_UTILITY = Scale("utility", utility_text, utility_text, "")
"""For programs (the CSV document): utilities, three decimals, as the JSON holds them."""


def deal_short(
    debrief: Debrief, package: Mapping[str, Any] | None, walker: str | None = None
) -> str:
    """The terms alone, in issue order (``"family, 40 officials, ended, ..."``), or ``"no
    deal"`` (``"no deal: Local 412 walked away"`` when ``walker`` did); the table's column
    header says which issue each term is."""
    if package is None:
        if walker is not None:
            return f"no deal: {debrief.analysis.space.scenario.party(walker).label} walked away"
        return "no deal"
    space = debrief.analysis.space
    return ", ".join(plain_words(format_level(space, issue, v)) for issue, v in package.items())


def deal_full(debrief: Debrief, package: Mapping[str, Any] | None) -> str:
    """``"amnesty: family; sanctions relief: 40 officials; ..."``, or ``"no deal"``."""
    if package is None:
        return "no deal"
    space = debrief.analysis.space
    return "; ".join(
        f"{plain_words(issue)}: {plain_words(format_level(space, issue, value))}"
        for issue, value in package.items()
    )


def party_labels(debrief: Debrief) -> list[str]:
    """Each party's display label, in party order."""
    return [party.label for party in debrief.analysis.space.scenario.parties]


def scores_text(
    debrief: Debrief, points: Mapping[str, float] | None, scale: Scale = IN_POINTS
) -> str:
    """``"United States 72.6, Nicolás Maduro 46"`` (points; utilities: ``0.726``)."""
    if points is None:
        return "none"
    labels = party_labels(debrief)
    return ", ".join(
        f"{label} {scale.text(points[name])}"
        for label, name in zip(labels, debrief.parties, strict=True)
    )


def group_noun(debrief: Debrief) -> str:
    """What the class negotiated in: ``"pair"`` with two parties, else ``"group"``."""
    return "pair" if len(debrief.parties) == 2 else "group"


def finding(debrief: Debrief, scale: Scale = IN_POINTS) -> str:
    """What the class did, in a sentence: ``"7 of 10 pairs agreed; 3 reached the
    frontier; on average 12.1 points left on the table"`` (``groups`` with more parties)."""
    total = len(debrief.pairs)
    noun = group_noun(debrief) + ("" if total == 1 else "s")
    agreed = debrief.agreed
    frontier = debrief.on_frontier
    parts = [
        f"{agreed} of {total} {noun} agreed" if total != agreed else f"All {total} {noun} agreed"
    ]
    if total == 1 and agreed == 1:
        parts = [f"The {noun} agreed"]
    if agreed == 1:
        parts.append("it reached the frontier" if frontier else "it did not reach the frontier")
    elif agreed:
        parts.append(
            "all reached the frontier"
            if frontier == agreed
            else f"{'none' if frontier == 0 else frontier} reached the frontier"
        )
    left = scale.text(debrief.mean_value_left)
    average = "on average " if total > 1 else ""
    parts.append(f"{average}{left} {scale.unit} left on the table")
    return "; ".join(parts)
