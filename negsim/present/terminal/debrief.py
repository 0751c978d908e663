"""What ``negsim debrief --format table`` prints: the reference points of the analysis, the
finding, and the class's pairs ranked by the joint value they left on the table.

Scores are points, utility times :data:`~negsim.format.model.POINTS`, with one decimal
(:data:`~negsim.present.debrief_words.IN_POINTS`); the CSV document passes
:data:`~negsim.present.debrief_words.IN_UTILITY` and keeps the JSON's utilities.

Every number comes from the :class:`~negsim.studies.debrief.Debrief` record (the scores of
:mod:`negsim.analysis.scoring`, the solutions of the analysis); this module only arranges
them. The ranked table fits 80 columns: the deal is shortened to its terms, with an ellipsis
when it is still too long (``--format markdown|csv`` and JSON keep it whole).
"""

from __future__ import annotations

from collections.abc import Mapping

from rich import box
from rich.console import RenderableType
from rich.table import Table
from rich.text import Text

from negsim.present.debrief_words import (
    IN_POINTS,
    Scale,
    deal_full,
    deal_short,
    finding,
    group_noun,
    party_labels,
    scores_text,
)
from negsim.present.words import TOLERANCE, plain_words
from negsim.studies.debrief import Debrief, Reference

__all__ = ["debrief_renderables", "ranking_notes", "ranking_table", "reference_table"]

DEAL_WIDTH = 64
"""Characters of a deal in the terminal's table (two or three lines of its column)."""
PARTY_WIDTH = 8
"""Characters of a party's name heading its column of points."""


def _reference_row(debrief: Debrief, what: str, reference: Reference, scale: Scale) -> list[str]:
    if reference.points is None:
        none = "none: no single package gives every party a gain"
        if what == "equilibrium":
            none = "no deal: the protocol's equilibrium ends without one"
        return [what, none, *("" for _ in debrief.parties)]
    return [
        what,
        deal_full(debrief, reference.package) if reference.package is not None else "a lottery",
        *(scale.cell(reference.points[name]) for name in debrief.parties),
    ]


def reference_table(debrief: Debrief, scale: Scale = IN_POINTS) -> Table:
    """Each side's walk-away value, the Nash and Kalai–Smorodinsky packages and the
    protocol's equilibrium, with each party's points."""
    table = Table(title="Reference points", title_justify="left", show_lines=True)
    table.add_column("", no_wrap=True)
    table.add_column("package", ratio=1)
    for name in debrief.parties:
        table.add_column(name, justify="right", no_wrap=True)
    table.add_row(
        "walk away",
        "no deal (each side's walk-away value)",
        *(scale.cell(debrief.disagreement[name]) for name in debrief.parties),
    )
    table.add_row(*_reference_row(debrief, "Nash", debrief.nash, scale))
    table.add_row(*_reference_row(debrief, "Kalai–Smorodinsky", debrief.kalai_smorodinsky, scale))
    table.add_row(*_reference_row(debrief, "equilibrium", debrief.equilibrium, scale))
    return table


def _shortened(text: str, width: int | None) -> str:
    """``text`` cut at a word to at most ``width`` characters, with an ellipsis."""
    if width is None or len(text) <= width:
        return text
    cut = text[: width - 1].rsplit(" ", 1)[0].rstrip(",;")
    return f"{cut}…"


def _points_cell(debrief: Debrief, points: Mapping[str, float], name: str, scale: Scale) -> str:
    """A party's points, starred when below its walk-away value."""
    below = points[name] < debrief.disagreement[name] - TOLERANCE
    return scale.cell(points[name]) + ("*" if below else "")


def ranking_notes(debrief: Debrief, scale: Scale = IN_POINTS) -> Text:
    """What the ranking's columns mean, printed under :func:`ranking_table` (as its own text,
    which wraps at the terminal's width whatever the table's)."""
    issues = ", ".join(plain_words(name) for name in debrief.analysis.space.scenario.issue_names)
    unit = scale.unit
    note = f" {scale.note}" if scale.note else ""
    if len(debrief.parties) == 2:
        better = "better for one side and as good for the other"
        together = "both sides could have added together without either losing"
    else:
        better = "better for one side and as good for all the others"
        together = "the sides could have added together without any of them losing"
    return Text(
        f"deal: {issues}. frontier: no package is {better}. dist.: distance to the nearest "
        f"such package, in {unit}. left: the most {unit} {together}. *: less than that "
        f"side's walk-away value (no deal would have given it more).{note}",
        style="dim",
    )


def ranking_table(
    debrief: Debrief, deal_width: int | None = DEAL_WIDTH, scale: Scale = IN_POINTS
) -> Table:
    """The pairs, least joint value left on the table first, then most points together;
    the deal cut to ``deal_width`` characters (None: whole, for documents)."""
    noun = group_noun(debrief)
    table = Table(
        title=f"The {noun}s, ranked by the value they left on the table",
        title_justify="left",
        show_lines=True,
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        collapse_padding=True,
    )
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column(noun, overflow="fold")
    table.add_column("deal", min_width=22, overflow="fold")
    for name in debrief.parties:
        table.add_column(name[:PARTY_WIDTH], justify="right", no_wrap=True)
    table.add_column("frontier", justify="center", no_wrap=True)
    table.add_column("dist.", justify="right", no_wrap=True)
    table.add_column("left", justify="right", no_wrap=True)
    for pair in debrief.pairs:
        table.add_row(
            str(pair.rank),
            pair.pair,
            _shortened(deal_short(debrief, pair.package, pair.walker), deal_width),
            *(_points_cell(debrief, pair.points, name, scale) for name in debrief.parties),
            "yes" if pair.pareto_optimal else "no",
            scale.cell(pair.distance_to_frontier),
            scale.cell(pair.joint_value_left),
        )
    return table


def _heading(debrief: Debrief, scale: Scale) -> Text:
    text = Text()
    text.append(debrief.scenario, style="bold")
    labels = party_labels(debrief)
    text.append(f"\nParties: {', '.join(labels)}.")
    text.append(f"\n{finding(debrief, scale)}.")
    walk_away = scores_text(debrief, debrief.disagreement, scale)
    text.append(f"\nWalk-away values ({scale.unit}): {walk_away}.")
    return text


def debrief_renderables(
    debrief: Debrief, whole: bool = False, scale: Scale = IN_POINTS
) -> list[RenderableType]:
    """The heading with the finding, the reference points and the ranked pairs (``whole``:
    each deal in full, for documents), the scores in ``scale``'s unit."""
    width = None if whole else DEAL_WIDTH
    return [
        _heading(debrief, scale),
        reference_table(debrief, scale),
        ranking_table(debrief, width, scale),
        ranking_notes(debrief, scale),
    ]
