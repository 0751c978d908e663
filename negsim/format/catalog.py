"""What each bundled scenario teaches: the catalogue behind ``negsim examples``.

Each bundled scenario belongs to one :data:`GROUPS` group, listed in the order a course would
teach them (a surplus divided by patience first, then trades across issues, commitment and
deadlines, costly conflict, private information, and more than two parties), with a one-line
lesson. ``tests/test_bundled.py`` fails when a bundled scenario is missing here, so a new
example cannot be forgotten; a scenario the catalogue does not know (a user's own folder of
examples) is listed under :data:`OTHER`.

Example
-------
>>> entry("pie-split").group
'Dividing a surplus'
>>> entry("my-own-talks").group
'Other'
>>> group_rank("Other") == len(GROUPS)
True
"""

from __future__ import annotations

from dataclasses import dataclass

GROUPS: tuple[str, ...] = (
    "Dividing a surplus",
    "Integrative bargaining",
    "Deadlines and ultimatums",
    "Conflict and costly disagreement",
    "Private information",
    "More than two parties",
)
"""The groups, in course order."""

OTHER = "Other"
"""The group of a scenario the catalogue does not know; listed last."""


@dataclass(frozen=True, slots=True)
class Entry:
    """A scenario's place in the catalogue: its ``group`` and the lesson it ``teaches``."""

    group: str
    teaches: str


CATALOG: dict[str, Entry] = {
    "pie-split": Entry(
        GROUPS[0],
        "Patience is power: the more patient side gets more, the first mover an edge.",
    ),
    "logrolling": Entry(
        GROUPS[1],
        "Trade issues you care less about for those you care more about: both gain.",
    ),
    "trade-agreement": Entry(
        GROUPS[1],
        "Many issues, 10^15 packages: trade across chapters; the frontier is merged, not listed.",
    ),
    "hostage-ultimatum": Entry(
        GROUPS[2],
        "Commitment: a credible ultimatum leaves the other side only its walk-away.",
    ),
    "merger": Entry(
        GROUPS[2],
        "A deadline gives the last word power; complete information means no delay.",
    ),
    "territorial-dispute": Entry(
        GROUPS[3],
        "War is a costly lottery, so a range of settlements beats fighting for both.",
    ),
    "labor-contract": Entry(
        GROUPS[3],
        "A strike is a costly gamble: its expected value is each side's walk-away.",
    ),
    "venezuela-2025": Entry(
        GROUPS[3],
        "A case from the news: many issues, doubtful promises, mediators, a deadline.",
    ),
    "used-car": Entry(
        GROUPS[4],
        "Screening a private walk-away: higher prices, but some good deals are lost.",
    ),
    "venezuela-2025-private": Entry(
        GROUPS[4],
        "Offers to a side whose fallback is private: concessions day by day.",
    ),
    "coalition-split": Entry(
        GROUPS[5],
        "Majority rule: the proposer buys the cheapest vote and excludes the rest.",
    ),
}
"""Every bundled scenario's group and lesson, by name."""


def entry(name: str) -> Entry:
    """The catalogue entry of a scenario name; :data:`OTHER` with no lesson when unknown."""
    return CATALOG.get(name, Entry(OTHER, ""))


def group_rank(group: str) -> int:
    """A group's place in course order; :data:`OTHER` (or any unknown group) comes last."""
    return GROUPS.index(group) if group in GROUPS else len(GROUPS)


def in_course_order(names: list[str]) -> list[str]:
    """The names ordered by group in course order, then as the catalogue lists them within a
    group (the simpler case first), then unknown names alphabetically."""
    order = {name: index for index, name in enumerate(CATALOG)}
    return sorted(
        names, key=lambda name: (group_rank(entry(name).group), order.get(name, len(order)), name)
    )
