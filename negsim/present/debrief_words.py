"""The words of a class debrief (``negsim debrief``), shared by its table, chart and page:
a deal in words, short or in full, and the finding in the scenario's numbers."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from negsim.present.words import format_level, plain_words, utility_text
from negsim.studies.debrief import Debrief

__all__ = ["deal_full", "deal_short", "finding", "party_labels", "points_text"]


def deal_short(debrief: Debrief, package: Mapping[str, Any] | None) -> str:
    """The terms alone, in issue order (``"family, 40 officials, ended, ..."``), or ``"no
    deal"``; the table's column header says which issue each term is."""
    if package is None:
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


def points_text(debrief: Debrief, points: Mapping[str, float] | None) -> str:
    """``"United States 0.726, Nicolás Maduro 0.460"``."""
    if points is None:
        return "none"
    labels = party_labels(debrief)
    return ", ".join(
        f"{label} {utility_text(points[name])}"
        for label, name in zip(labels, debrief.parties, strict=True)
    )


def finding(debrief: Debrief) -> str:
    """What the class did, in a sentence: ``"7 of 10 pairs agreed; 3 reached the
    frontier; on average 0.121 points left on the table"``."""
    total = len(debrief.pairs)
    noun = "pair" if total == 1 else "pairs"
    agreed = debrief.agreed
    frontier = debrief.on_frontier
    parts = [
        f"{agreed} of {total} {noun} agreed" if total != agreed else f"All {total} {noun} agreed"
    ]
    if total == 1 and agreed == 1:
        parts = ["The pair agreed"]
    if agreed:
        parts.append(
            f"{'none' if frontier == 0 else frontier} reached the frontier"
            if frontier != agreed or agreed == 0
            else ("it reached the frontier" if agreed == 1 else "all reached the frontier")
        )
    parts.append(f"on average {utility_text(debrief.mean_value_left)} points left on the table")
    return "; ".join(parts)
