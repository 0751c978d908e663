"""Who gets what, issue by issue: the bargaining solutions and the protocol's equilibrium
side by side in the terms of one issue (:func:`terms_figure`; :func:`terms_figures` for
every issue of a scenario).

* a categorical issue is a small grid, one row per solution and one column per option, a
  dot at the option agreed (for a lottery, a dot per option sized by its probability);
* a numeric issue puts each row's value on the issue's range (a lottery: a dot per value,
  sized by its probability);
* a split issue stacks each party's expected share in one bar per row.

The rows are each solution's best single package (its lottery on the hull where only
lotteries give every party a gain) and the equilibrium's agreement, as the analysis
records them; nothing is solved here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from negsim.analysis.records import Analysis, MixMember, expected_package
from negsim.format.model import CategoricalIssue, NumericIssue, SplitIssue
from negsim.present.charts.layers import MARK_LABELS, SOLUTION_STYLES, solutions_in_order
from negsim.present.charts.style import (
    LABEL_SIZE,
    NOTE_SIZE,
    TEXT_GREY,
    TICK_SIZE,
    TITLE_SIZE,
    TITLE_WIDTH,
    caption_below,
    new_figure,
    party_style,
    style_axes,
    wrap,
)
from negsim.present.words import format_level, join_words, percent, plain_words

__all__ = ["TermsRow", "terms_figure", "terms_figures", "terms_finding", "terms_rows"]

DOT_AREA = 260.0
"""Marker area (points squared) of a certain option; a lottery's dots scale with it."""


@dataclass(frozen=True, slots=True)
class TermsRow:
    """One row of the chart: its ``label``, ``colour`` and ``marker``, and the agreement
    as a lottery ``mix`` (empty: no agreement)."""

    key: str
    label: str
    colour: str
    marker: str
    mix: tuple[MixMember, ...]


def terms_rows(analysis: Analysis) -> list[TermsRow]:
    """The solutions in their usual order, then the equilibrium."""
    rows = []
    for solution in solutions_in_order(analysis):
        colour, marker = SOLUTION_STYLES[solution.name]
        mix = (
            (MixMember(1.0, solution.position),)
            if solution.position is not None
            else solution.hull.mix
        )
        rows.append(TermsRow(solution.name, MARK_LABELS[solution.name], colour, marker, mix))
    colour, marker = SOLUTION_STYLES["equilibrium"]
    equilibrium = analysis.equilibrium
    mix = equilibrium.mix if equilibrium.agreement else ()
    rows.append(TermsRow("equilibrium", "Equilibrium", colour, marker, mix))
    return rows


def _members(analysis: Analysis, row: TermsRow, issue: str) -> list[tuple[Any, float]]:
    """``(value, probability)`` of the issue under a row's lottery, equal values merged,
    in the lottery's order."""
    merged: dict[str, tuple[Any, float]] = {}
    for member in row.mix:
        value = analysis.space.package(member.position)[issue]
        key = repr(value)
        previous = merged.get(key, (value, 0.0))[1]
        merged[key] = (value, previous + member.weight)
    return list(merged.values())


def _row_words(analysis: Analysis, row: TermsRow, issue: str) -> str:
    """A row's terms on the issue in words: its expected terms (a lottery's most likely
    option), "no agreement" without one."""
    package = expected_package(analysis.space, row.mix)
    if package is None:
        return "no agreement"
    return plain_words(format_level(analysis.space, issue, package[issue]))


def terms_finding(analysis: Analysis, issue: str) -> str:
    """The chart's title: the issue's label, then whether the rows agree and on what."""
    rows = terms_rows(analysis)
    label = analysis.space.scenario.issue(issue).label
    words = [_row_words(analysis, row, issue) for row in rows]
    solutions, equilibrium = words[:-1], words[-1]
    distinct = [w for k, w in enumerate(solutions) if w not in solutions[:k]]
    if not solutions:
        return f"{label}: the equilibrium gives {equilibrium}"
    if len(distinct) == 1 and distinct[0] == equilibrium:
        return f"{label}: every solution and the equilibrium give {equilibrium}"
    if len(distinct) == 1:
        return f"{label}: the solutions give {distinct[0]}, the equilibrium {equilibrium}"
    return (
        f"{label}: the solutions differ ({join_words(distinct, 'or')}); the equilibrium "
        f"gives {equilibrium}"
    )


def _row_axis(ax: Axes, rows: Sequence[TermsRow]) -> None:
    ax.set_yticks(range(len(rows)), [row.label for row in rows], fontsize=TICK_SIZE)
    for tick, row in zip(ax.get_yticklabels(), rows, strict=True):
        tick.set_color(row.colour if row.key != "equilibrium" else "#000000")
    ax.set_ylim(len(rows) - 0.5, -0.5)


def _no_agreement(ax: Axes, y: int, x: float) -> None:
    ax.text(x, y, "no agreement", va="center", ha="left", fontsize=NOTE_SIZE, color=TEXT_GREY)


def _dot(ax: Axes, row: TermsRow, x: float, y: int, weight: float) -> None:
    area = DOT_AREA * max(weight, 0.04) * (2.2 if row.marker == "*" else 1.0)
    ax.scatter([x], [y], s=area, color=row.colour, marker=row.marker,
               edgecolors="white", linewidths=0.8, zorder=3)  # fmt: skip
    if weight < 1 - 1e-9:
        ax.annotate(percent(weight), (x, y), xytext=(9, 6), textcoords="offset points",
                    fontsize=NOTE_SIZE - 1, color=TEXT_GREY)  # fmt: skip


def _plot_categorical(
    ax: Axes, analysis: Analysis, issue: CategoricalIssue, rows: Sequence[TermsRow]
) -> None:
    index = {option: k for k, option in enumerate(issue.options)}
    for y, row in enumerate(rows):
        if not row.mix:
            _no_agreement(ax, y, -0.4)
        for value, weight in _members(analysis, row, issue.name):
            _dot(ax, row, index[value], y, weight)
    ax.set_xticks(range(len(issue.options)),
                  [wrap(plain_words(option), 16) for option in issue.options],
                  fontsize=TICK_SIZE)  # fmt: skip
    ax.set_xlim(-0.6, len(issue.options) - 0.4)
    ax.grid(True, axis="both", color="#e6e6e6", linewidth=0.7, zorder=0)
    ax.set_xlabel("option agreed", fontsize=LABEL_SIZE)


def _plot_numeric(
    ax: Axes, analysis: Analysis, issue: NumericIssue, rows: Sequence[TermsRow]
) -> None:
    for y, row in enumerate(rows):
        if not row.mix:
            _no_agreement(ax, y, issue.low)
        for value, weight in _members(analysis, row, issue.name):
            _dot(ax, row, float(value), y, weight)
    span = issue.high - issue.low or 1.0
    ax.set_xlim(issue.low - 0.04 * span, issue.high + 0.04 * span)
    if issue.resolution <= 13:
        levels = np.linspace(issue.low, issue.high, issue.resolution)
        ax.set_xticks(levels, [f"{level:.4g}" for level in levels], fontsize=TICK_SIZE)
    ax.set_xlabel(f"{issue.unit} (the issue's range)" if issue.unit else "the issue's range",
                  fontsize=LABEL_SIZE)  # fmt: skip


def _plot_split(ax: Axes, analysis: Analysis, issue: SplitIssue, rows: Sequence[TermsRow]) -> None:
    names = analysis.party_names
    labels = [party.label for party in analysis.space.scenario.parties]
    for y, row in enumerate(rows):
        package = expected_package(analysis.space, row.mix)
        if package is None:
            _no_agreement(ax, y, 0.0)
            continue
        shares: Any = package[issue.name]
        left = 0.0
        for k, name in enumerate(names):
            share = float(shares[name])
            colour = party_style(k)[0]
            ax.barh([y], [share], left=left, height=0.6, color=colour, edgecolor="white",
                    zorder=2)  # fmt: skip
            if share >= 0.08 * issue.total:
                text = f"{labels[k]} {share:.3g}" if share >= 0.3 * issue.total else f"{share:.3g}"
                ax.text(left + share / 2, y, text, ha="center", va="center",
                        fontsize=NOTE_SIZE - 1, color="white", fontweight="bold")  # fmt: skip
            left += share
    ax.set_xlim(0, issue.total)
    ax.set_xlabel(f"each party's share of {issue.total:.4g}", fontsize=LABEL_SIZE)


def _caption(issue: CategoricalIssue | NumericIssue | SplitIssue) -> str:
    what = {
        "categorical": "a dot marks the option agreed",
        "numeric": "a dot marks the value agreed",
        "split": "each bar stacks the parties' expected shares, in party order",
    }[issue.kind]
    return (
        f"Each row: a bargaining solution's best single package (its lottery where only "
        f"lotteries give every party a gain), or the protocol's equilibrium; {what}. "
        "A lottery's dots are sized by their probability."
    )


def terms_figure(analysis: Analysis, issue_name: str) -> Figure:
    """The who-gets-what chart of one issue."""
    issue = analysis.space.scenario.issue(issue_name)
    rows = terms_rows(analysis)
    height = 2.6 + 0.48 * len(rows)
    figure = new_figure(10.0, height)
    ax = figure.add_subplot()
    style_axes(ax)
    _row_axis(ax, rows)
    if isinstance(issue, CategoricalIssue):
        _plot_categorical(ax, analysis, issue, rows)
    elif isinstance(issue, NumericIssue):
        _plot_numeric(ax, analysis, issue, rows)
    else:
        _plot_split(ax, analysis, issue, rows)
    ax.set_title(wrap(terms_finding(analysis, issue_name), TITLE_WIDTH), fontsize=TITLE_SIZE - 2,
                 loc="left")  # fmt: skip
    caption_below(ax, _caption(issue), below=3.6)
    return figure


def terms_figures(analysis: Analysis) -> list[tuple[str, Figure]]:
    """``(issue name, chart)`` for every issue, in issue order."""
    return [(name, terms_figure(analysis, name)) for name in analysis.space.scenario.issue_names]
