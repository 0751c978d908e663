"""The frontier chart of an :class:`~negsim.analysis.records.Analysis`: the utility space,
the Pareto frontier, the zone of possible agreement and the bargaining solutions, with a
title that states the finding (:func:`finding`).

Plots never solve: every point they draw is a number of the analysis record. Every
solution has its own colour and marker shape (:data:`~.layers.SOLUTION_STYLES`).

Example
-------
>>> from negsim.analysis.pipeline import solve
>>> from negsim.format.loader import load_scenario
>>> from negsim.present.charts.style import figure_bytes
>>> analysis = solve(load_scenario("scenarios/logrolling.yaml"))
>>> figure = frontier_figure(analysis)
>>> figure_bytes(figure, "svg")[:5]
b'<?xml'
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from negsim.analysis.records import SOLUTION_LABELS, Analysis
from negsim.present.charts.labels import (
    close_together,
    inset_window,
    label_disagreement,
    label_list,
    label_solutions,
    label_zopa,
    pixel_box,
    solutions_crowded,
)
from negsim.present.charts.layers import (
    Layers,
    build_layers,
    draw_layers,
    equilibrium_mark,
    shaded_cloud,
    shown_package,
    solutions_in_order,
)
from negsim.present.charts.style import (
    LABEL_SIZE,
    NOTE_SIZE,
    TEXT_GREY,
    TITLE_SIZE,
    TITLE_WIDTH,
    caption_below,
    colour_words,
    keep_axes_height,
    new_figure,
    renderer_of,
    root_figure,
    style_axes,
    wrap,
)
from negsim.present.words import (
    TOLERANCE,
    count_text,
    join_words,
    no_zopa_reason,
    package_in_words,
    party_label,
    plain_words,
    round_name,
)

__all__ = ["finding", "frontier_figure", "plot_frontier"]

TITLE_DETAIL = 170
"""Longest title that names each solution's package on the issues where they differ."""


def finding(analysis: Analysis) -> str:
    """The chart's title: what the analysis finds, in a sentence.

    No ZOPA: why not, with the numbers (and, when lotteries give every party a gain, that
    they do). Otherwise what the bargaining solutions' packages agree on, issue by issue,
    and where (and, when short enough to say, how) they differ.
    """
    if not analysis.zopa:
        if analysis.zopa_with_lotteries:
            return f"Only lotteries give every party a gain: {no_zopa_reason(analysis)}"
        return f"No zone of agreement: {no_zopa_reason(analysis)}"
    solutions = solutions_in_order(analysis)
    if not solutions:
        return "A zone of agreement exists"
    utilities = analysis.space.utilities
    if utilities.shape[1] > 1 and np.all(np.ptp(utilities, axis=1) <= TOLERANCE):
        return (
            f"Every party values all {utilities.shape[1]:,} packages the same: any of them "
            "is an equally good agreement"
        )
    issues = list(analysis.space.scenario.issue_names)
    words = [package_in_words(analysis, shown_package(analysis, s)) for s in solutions]
    groups: list[tuple[list[str], dict[str, str]]] = []
    for solution, package_words in zip(solutions, words, strict=True):
        for names, other in groups:
            if other == package_words:
                names.append(SOLUTION_LABELS[solution.name])
                break
        else:
            groups.append(([SOLUTION_LABELS[solution.name]], package_words))
    common = [issue for issue in issues if len({w[issue] for w in words}) == 1]
    differing = [issue for issue in issues if issue not in common]
    every = {1: "The", 2: "Both", 3: "All three", 4: "All four"}.get(
        len(solutions), f"All {len(solutions)}"
    )

    def terms(selected: Sequence[str], package_words: Mapping[str, str]) -> str:
        return ", ".join(f"{plain_words(issue)} ({package_words[issue]})" for issue in selected)

    if len(groups) == 1:
        if len(solutions) == 1:
            return f"The {SOLUTION_LABELS[solutions[0].name]} solution: {terms(issues, words[0])}"
        return f"{every} bargaining solutions pick the same package: {terms(issues, words[0])}"
    detail = "; ".join(
        f"{join_words(names)} {'give' if len(names) > 1 else 'gives'} {terms(differing, package)}"
        for names, package in groups
    )
    if common:
        lead = f"{every} bargaining solutions agree on {terms(common, words[0])}"
        if len(lead) + len(detail) + 2 <= TITLE_DETAIL:
            return f"{lead}; {detail}"
        differ = join_words([plain_words(issue) for issue in differing])
        if len(lead) > TITLE_DETAIL:  # many issues: count the agreed ones, name the others
            return (
                f"{every} bargaining solutions agree on {len(common)} of the {len(issues)} "
                f"issues; they differ on {differ}"
            )
        return f"{lead}; they differ on {differ}"
    if len(issues) == 1 and len(detail) <= TITLE_DETAIL:
        return detail
    if len(detail) <= TITLE_DETAIL:
        return f"The bargaining solutions differ on every issue: {detail}"
    return f"The bargaining solutions differ on every issue; Nash gives {terms(issues, words[0])}"


def _limits(values: np.ndarray, extra: Sequence[float]) -> tuple[float, float]:
    """Axis limits around ``values`` and ``extra``, with a 5% margin."""
    low = min(float(values.min()), *extra)
    high = max(float(values.max()), *extra)
    pad = (high - low) * 0.05 or 0.05
    return low - pad, high + pad


HEADROOM = 0.45
"""Extra room above the data, as a share of its range, when the solutions crowd together."""


def plot_frontier(
    analysis: Analysis,
    ax: Axes | None = None,
    parties: tuple[int, int] = (0, 1),
    *,
    title: str | None = None,
    numbers: bool = False,
) -> Axes:
    """The utility space of two parties: every package, the Pareto frontier, the zone of
    possible agreement and the bargaining solutions.

    Faint grey: every feasible package (a hexbin density above ``DENSITY_THRESHOLD``
    distinct points). Blue dots: the Pareto-optimal individually rational packages; blue
    line: the Pareto frontier of their convex hull (lotteries allowed), through
    ``analysis.hull_frontier``. Black cross: the disagreement point, dashed lines at each
    party's disagreement utility. Green: the zone of possible agreement (the disagreement
    point and the individually rational frontier points). Coloured markers: each
    solution's hull point, labelled directly with its package on the issues where the
    solutions differ; hollow markers: the best single package, where it differs visibly.
    When the solutions crowd together, a magnified view of them is inset in an empty
    corner. When labels cannot be placed without overlaps, the markers are numbered and
    explained under the axes.

    Parameters
    ----------
    analysis : Analysis
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new 10 x 7.5 inch figure when None.
    parties : (int, int)
        Party indices on the x and y axes. With more than two parties, points are
        projections on these two utilities, and the frontier's vertices are drawn as rings.
    title : str, optional
        Defaults to :func:`finding` with two parties, the two parties' labels with more.
    numbers : bool
        Number the solutions and list them under the axes without trying direct labels.

    Returns
    -------
    matplotlib.axes.Axes
    """
    if ax is None:
        ax = new_figure().add_subplot()
    figure = root_figure(ax)
    panel = _draw_panel(analysis, ax, parties, title)
    caption_text = _caption(analysis)
    caption = caption_below(ax, caption_text, below=3.6, width=None)

    def relayout(listing: str) -> None:
        caption.set_text(f"{listing}\n{caption_text}")
        keep_axes_height(ax)  # draws, growing the figure when the list needs room

    figure.draw_without_rendering()  # fix the layout: labels are placed in pixels
    _label_panel(panel, numbers, relayout)
    return ax


@dataclass
class _Panel:
    """A drawn panel waiting for its labels."""

    ax: Axes
    layers: Layers
    span: np.ndarray
    two_parties: bool


def _draw_panel(
    analysis: Analysis, ax: Axes, parties: tuple[int, int], title: str | None
) -> _Panel:
    """Everything of one panel but the labels that need the final layout."""
    i, j = parties
    two_parties = analysis.space.n_parties == 2
    utilities = analysis.space.utilities
    solutions = solutions_in_order(analysis)
    d = (float(analysis.disagreement[i]), float(analysis.disagreement[j]))
    xlim = _limits(utilities[i], [d[0], *(float(s.hull.utilities[i]) for s in solutions)])
    ylim = _limits(utilities[j], [d[1], *(float(s.hull.utilities[j]) for s in solutions)])
    layers = build_layers(analysis, parties)
    top = None
    if two_parties and close_together(layers, xlim, ylim):
        # Room at the top for a magnified view of the crowded solutions; no ticks there.
        top = ylim[1]
        ylim = (ylim[0], ylim[1] + HEADROOM * (ylim[1] - ylim[0]))
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    if top is not None:
        ticks = ax.get_yticks()
        ax.set_yticks(ticks[(ticks >= ylim[0]) & (ticks <= top)])
    span = np.array([xlim[1] - xlim[0], ylim[1] - ylim[0]])
    draw_layers(ax, layers, two_parties, span, 1.0)
    ax.set_xlabel(f"{party_label(analysis, i)} utility", fontsize=LABEL_SIZE)
    ax.set_ylabel(f"{party_label(analysis, j)} utility", fontsize=LABEL_SIZE)
    style_axes(ax)
    if title is None:
        title = (
            finding(analysis)
            if two_parties
            else f"{party_label(analysis, i)} and {party_label(analysis, j)}"
        )
    ax.set_title(wrap(title, TITLE_WIDTH), loc="left", fontsize=TITLE_SIZE, pad=12)
    return _Panel(ax, layers, span, two_parties)


def _label_panel(
    panel: _Panel, numbers: bool, relayout: Callable[[str], None] | None = None
) -> str:
    """The labels of a drawn panel, once the layout is fixed: disagreement, zone, and the
    solutions (in a magnified inset when they crowd together). Returns the list that
    explains numbered solutions ("" when labelled directly)."""
    ax, layers = panel.ax, panel.layers
    figure = root_figure(ax)
    renderer = renderer_of(figure)
    disagreement = label_disagreement(ax, layers)
    texts = [disagreement]
    if layers.zopa is not None and (zone := label_zopa(ax, layers, disagreement)) is not None:
        texts.append(zone)
    taken = [pixel_box(text, renderer) for text in texts]
    if not layers.groups:
        return ""
    target = ax
    crowded = panel.two_parties and solutions_crowded(ax, layers)
    inset = inset_window(ax, layers, taken) if crowded else None
    if inset is not None:
        box, window_x, window_y = inset
        target = ax.inset_axes(box)
        target.set_xlim(*window_x)
        target.set_ylim(*window_y)
        draw_layers(target, layers, panel.two_parties, panel.span, 1.4)
        style_axes(target, inset=True)
        ax.indicate_inset_zoom(target, edgecolor=TEXT_GREY, alpha=0.9)
    return label_solutions(target, layers, numbers, relayout, [] if inset else taken)


def _caption(analysis: Analysis, panels: bool = False) -> str:
    """What the marks mean, for the counts of this analysis."""
    counts = analysis.counts
    feasible = counts.feasible
    if counts.merged:
        parts = [
            f"Only the Pareto frontier is drawn: the space of {count_text(feasible)} feasible "
            "packages was merged block by block of issues, not enumerated."
        ]
    elif feasible == 1:
        parts = ["Grey: the only feasible package."]
    elif shaded_cloud(analysis):
        parts = [f"Grey shading: where the {feasible:,} feasible packages lie (darker: more)."]
    else:
        parts = [f"Grey: all {feasible:,} feasible packages."]
    pareto = counts.pareto_individually_rational
    if pareto:
        what = (
            "the Pareto-optimal package"
            if pareto == 1
            else f"the {pareto:,} Pareto-optimal packages"
        )
        parts.append(
            f"{colour_words('Blue', 'Dark')} dots: {what} no party finds worse than disagreement."
        )
    if not panels and analysis.hull_frontier.size > 1:
        parts.append(
            f"{colour_words('Blue', 'Dark')} line: the frontier with lotteries (mixes of packages)."
        )
    if panels:
        parts.append("Each panel projects the packages on two parties' utilities.")
    solutions = solutions_in_order(analysis)
    if solutions:
        parts.append(
            f"{colour_words('Coloured', 'Grey')} markers, one shape each: the bargaining "
            "solutions, lotteries allowed"
        )
        scale = np.ptp(analysis.space.utilities, axis=1) * 1.1  # about the axes' ranges
        if any(
            s.utilities is not None
            and np.any(np.abs(s.utilities - s.hull.utilities) > 0.004 * scale)
            for s in solutions
        ):
            parts[-1] += "; hollow: the best single package, where it differs"
        parts[-1] += "."
    parts.append(_equilibrium_caption(analysis))
    return wrap(" ".join(part for part in parts if part), 110 if not panels else 150)


def _equilibrium_caption(analysis: Analysis) -> str:
    """What the black star marks: the protocol's equilibrium deal, or why there is none."""
    eq = analysis.equilibrium
    label = analysis.space.scenario.protocol.round_label
    if equilibrium_mark(analysis) is not None:
        when = "at once" if not eq.round else f"on {round_name(label, int(eq.round))}"
        information = " with complete information" if analysis.space.scenario.uncertainty else ""
        return f"Black star: the protocol's equilibrium deal{information}, struck {when}."
    if not eq.agreement:
        return "The protocol's equilibrium ends without a deal."
    return "The protocol's equilibrium is an expectation over who proposes: not marked."


def frontier_figure(analysis: Analysis) -> Figure:
    """The frontier chart as a figure: one panel for two parties; for three or more, one
    panel per pair of parties (projections of the packages and the solutions, which are
    numbered alike in every panel), under one title stating the finding."""
    n_parties = analysis.space.n_parties
    if n_parties == 2:
        figure = new_figure()
        plot_frontier(analysis, figure.add_subplot())
        figure.suptitle(
            analysis.space.scenario.name, x=0.01, ha="left", fontsize=NOTE_SIZE, color=TEXT_GREY
        )
        return figure
    pairs = list(combinations(range(n_parties), 2))
    columns = min(3, len(pairs))
    rows = -(-len(pairs) // columns)
    figure = new_figure(5.6 * columns, 5.2 * rows + 2.4)
    grid = figure.add_gridspec(rows + 1, columns, height_ratios=[5.2] * rows + [1.6])
    panels = [
        _draw_panel(analysis, figure.add_subplot(grid[k // columns, k % columns]), pair, None)
        for k, pair in enumerate(pairs)
    ]
    groups = panels[0].layers.groups
    caption = _caption(analysis, panels=True)
    footer = figure.add_subplot(grid[rows, :])
    footer.set_axis_off()
    footer.text(
        0.0,
        1.0,
        f"{label_list(groups, numbered=True)}\n{caption}" if groups else caption,
        transform=footer.transAxes,
        ha="left",
        va="top",
        fontsize=NOTE_SIZE,
        color=TEXT_GREY,
        linespacing=1.4,
        gid="caption",
    )
    figure.suptitle(
        f"{analysis.space.scenario.name}\n" + wrap(finding(analysis), 45 * columns),
        x=0.01,
        ha="left",
        fontsize=TITLE_SIZE,
    )
    figure.draw_without_rendering()  # fix the layout: labels are placed in pixels
    for panel in panels:
        _label_panel(panel, numbers=True)
    return figure
