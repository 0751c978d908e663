"""The debrief chart (``negsim debrief -o OUT``): the deals a class reached, in the two
parties' utility space, against the frontier and the bargaining solutions.

The axes are read in points, as the debrief's table and the role sheets give them: the
chart is drawn in utilities (the frontier chart's layers) and its ticks, the caption's
coordinates and the title write utility times :data:`~negsim.format.model.POINTS`.

It looks like ``negsim plot --kind frontier`` (the same layers: faint packages, the Pareto
frontier, the zone of possible agreement, each side's walk-away value as a dashed line and
the disagreement point as a black cross, the Nash and Kalai–Smorodinsky points and the
protocol's equilibrium in their own colours and shapes), with every pair's deal as a
numbered hexagon: the number is the pair's rank in the table; pairs that struck the same
deal share one marker, labelled with their count (``3 ×2``); pairs without a deal are
counted at the disagreement point. The title states the finding in the class's numbers.

With three or more parties a plane of two utilities would hide the frontier: the chart is
then :mod:`negsim.present.charts.debrief_parties`'s, one column per party. Every number
comes from the :class:`~negsim.studies.debrief.Debrief` record.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.text import Text
from matplotlib.ticker import FuncFormatter

from negsim.present.charts.debrief_parties import DEAL_COLOUR, parties_figure, tick_points
from negsim.present.charts.layers import (
    FRONTIER_COLOUR,
    MARK_LABELS,
    Marked,
    build_layers,
    draw_layers,
    shaded_cloud,
    solution_style,
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
    shade,
    style_axes,
    wrap,
)
from negsim.present.debrief_words import finding, party_labels
from negsim.present.words import POINTS, points_text
from negsim.studies.debrief import Debrief

__all__ = ["DEAL_COLOUR", "DealMark", "deal_marks", "debrief_figure"]

SHOWN = ("nash", "kalai_smorodinsky", "equilibrium")
"""The reference marks drawn (of the frontier chart's marks)."""
OFFSETS = (9.0, 16.0, 26.0, 38.0, 52.0)
"""Distances in points, from a deal's marker, tried for its label (nearest first)."""
CROWDED = 12
"""Above this many distinct deals, smaller markers and labels."""
HORIZONTAL: dict[int, Literal["left", "center", "right"]] = {1: "left", -1: "right", 0: "center"}
VERTICAL: dict[int, Literal["bottom", "center", "top"]] = {1: "bottom", -1: "top", 0: "center"}
DIRECTIONS = ((1, 1), (1, -1), (-1, 1), (-1, -1), (1, 0), (-1, 0), (0, 1), (0, -1))


@dataclass(frozen=True)
class DealMark:
    """Pairs drawn at one point: ``ranks`` of the pairs there (table order), ``point`` the
    two parties' utilities (the axes write them as points); ``agreed`` False for the no-deal
    marker at the disagreement point, and ``walked`` True as well for one where a party
    walked away to its outside option."""

    ranks: tuple[int, ...]
    point: tuple[float, float]
    agreed: bool
    walked: bool = False

    @property
    def label(self) -> str:
        count = len(self.ranks)
        if not self.agreed:
            words = "walked away" if self.walked else "no deal"
            return f"{words} ×{count}" if count > 1 else words
        first = str(self.ranks[0])
        same = all(rank == self.ranks[0] for rank in self.ranks)
        if count == 1:
            return first
        return f"{first} ×{count}" if same else f"{', '.join(map(str, self.ranks))}"


def deal_marks(debrief: Debrief) -> list[DealMark]:
    """One mark per distinct deal (and one for no deal, one more for each party that walked
    away to its outside option), in rank order."""
    names = debrief.parties[:2]
    by_place: dict[tuple[int | None, str | None], list[int]] = {}
    points: dict[tuple[int | None, str | None], tuple[float, float]] = {}
    for pair in debrief.pairs:  # no deals apart by who walked away (None: nobody)
        place = (pair.position, pair.walker)
        by_place.setdefault(place, []).append(pair.rank)
        points[place] = (float(pair.points[names[0]]), float(pair.points[names[1]]))
    return [
        DealMark(tuple(ranks), points[place], place[0] is not None, place[1] is not None)
        for place, ranks in by_place.items()
    ]


def _limits(values: list[float]) -> tuple[float, float]:
    low, high = min(values), max(values)
    pad = (high - low) * 0.06 or 0.05
    return low - pad, high + pad


def _marker_area(marks: list[DealMark]) -> float:
    """A deal marker's area in points squared: smaller when many deals crowd the chart."""
    return 260.0 if len(marks) <= CROWDED else 150.0


def _draw(ax: Axes, debrief: Debrief, marks: list[DealMark]) -> np.ndarray:
    """The frontier chart's layers (only the marks of :data:`SHOWN`) and the deals; the
    marker positions in data coordinates, to keep labels off them."""
    analysis = debrief.analysis
    utilities = analysis.space.utilities
    layers = build_layers(analysis, (0, 1))
    groups = _reference_marks(debrief)
    layers = replace(layers, solutions=[], groups=groups)
    walked = [mark.point for mark in marks if mark.walked]
    extra_x = [float(layers.disagreement[0]), *(g.point[0] for g in groups),
               *(x for x, _ in walked)]  # fmt: skip
    extra_y = [float(layers.disagreement[1]), *(g.point[1] for g in groups),
               *(y for _, y in walked)]  # fmt: skip
    xlim = _limits([float(utilities[0].min()), float(utilities[0].max()), *extra_x])
    ylim = _limits([float(utilities[1].min()), float(utilities[1].max()), *extra_y])
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    span = np.array([xlim[1] - xlim[0], ylim[1] - ylim[0]])
    draw_layers(ax, layers, True, span, 1.0)
    for mark in marks:
        if mark.walked:  # no deal, one side at its outside option: a hollow cross there
            ax.scatter([mark.point[0]], [mark.point[1]], s=110, marker="X", color="white",
                       edgecolors="#000000", linewidths=1.4, zorder=6, gid="walked")  # fmt: skip
        if not mark.agreed:
            continue  # counted at the disagreement cross (a walk-away at its own cross)
        ax.scatter(
            [mark.point[0]],
            [mark.point[1]],
            s=_marker_area(marks) + 40 * (len(mark.ranks) - 1),
            marker="h",
            color=shade(DEAL_COLOUR),
            edgecolors="white",
            linewidths=1.2,
            zorder=5,  # under the solutions' markers: a deal at Nash shows both
            gid="deal",
        )
    obstacles = [mark.point for mark in marks] + [tuple(g.point) for g in groups]
    return np.array(obstacles, dtype=float)


def _reference_marks(debrief: Debrief) -> list[Marked]:
    """The Nash and Kalai–Smorodinsky packages and the equilibrium at the points the table
    gives them (single packages, which a pair can agree on); marks at one point share it."""
    a, b = debrief.parties[:2]
    references = {
        "nash": debrief.nash,
        "kalai_smorodinsky": debrief.kalai_smorodinsky,
        "equilibrium": debrief.equilibrium,
    }
    groups: list[Marked] = []
    for name, reference in references.items():
        if reference.points is None:
            continue
        point = np.array([reference.points[a], reference.points[b]], dtype=float)
        for group in groups:
            if np.allclose(group.point, point, rtol=0, atol=1e-9):
                group.names.append(name)
                break
        else:
            groups.append(Marked([name], point))
    return groups


def _overlaps(box: np.ndarray, boxes: list[np.ndarray]) -> bool:
    return any(
        min(box[2], other[2]) > max(box[0], other[0])
        and min(box[3], other[3]) > max(box[1], other[1])
        for other in boxes
    )


def _label_marks(
    ax: Axes, marks: list[DealMark], obstacles: np.ndarray
) -> tuple[list[Artist], list[DealMark]]:
    """Each mark's label beside it, at the nearest place that keeps it inside the axes and
    off every other label and marker (a thin leader line when it sits further out). Returns
    the texts and lines drawn, and the marks no place was found for (for the caption).
    Places are found in pixels: the layout must be final."""
    figure = ax.figure
    renderer = renderer_of(figure)  # type: ignore[arg-type]
    bounds = ax.get_window_extent(renderer)
    points = 72.0 / figure.dpi
    # a marker's half width, in pixels (the dpi carries the style's zoom)
    radius = 0.5 * np.sqrt(_marker_area(marks)) / points
    centres = ax.transData.transform(obstacles) if obstacles.size else np.zeros((0, 2))
    taken = [np.array([x - radius, y - radius, x + radius, y + radius]) for x, y in centres]
    unplaced = []
    drawn: list[Artist] = []
    for mark in sorted(marks, key=lambda mark: mark.agreed):  # no deal first: a fixed place
        text = ax.annotate(
            mark.label,
            xy=mark.point,
            xytext=(0, 0),
            textcoords="offset points",
            fontsize=LABEL_SIZE if len(marks) <= CROWDED else NOTE_SIZE,
            fontweight="bold",
            color="#111111" if mark.agreed else TEXT_GREY,
            zorder=9,
            gid="deal-label",
            bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none",
                  "alpha": 0.8},
        )  # fmt: skip
        text.set_in_layout(False)
        size = Text.get_window_extent(text, renderer)
        width, height = size.width + 4, size.height + 4
        x, y = ax.transData.transform(mark.point)
        box = None
        for distance in OFFSETS:
            for sx, sy in DIRECTIONS:
                dx, dy = sx * distance / points, sy * distance / points
                x0 = x + dx - (width if sx < 0 else width / 2 if sx == 0 else 0)
                y0 = y + dy - (height if sy < 0 else height / 2 if sy == 0 else 0)
                candidate = np.array([x0, y0, x0 + width, y0 + height])
                inside = (bounds.x0 <= x0 and x0 + width <= bounds.x1
                          and bounds.y0 <= y0 and y0 + height <= bounds.y1)  # fmt: skip
                if inside and not _overlaps(candidate, taken):
                    box = candidate
                    break
            if box is not None:
                break
        if box is None:
            text.remove()
            unplaced.append(mark)
            continue
        taken.append(box)
        drawn.append(text)
        text.set_position((dx * points, dy * points))
        text.set_horizontalalignment(HORIZONTAL[sx])
        text.set_verticalalignment(VERTICAL[sy])
        if distance > OFFSETS[0]:
            leader = ax.annotate(
                "", xy=mark.point, xytext=(dx * points, dy * points),
                textcoords="offset points",
                arrowprops={"arrowstyle": "-", "color": TEXT_GREY, "linewidth": 0.8,
                            "shrinkA": 0, "shrinkB": 6},
                zorder=8,
            )  # fmt: skip
            leader.set_in_layout(False)
            drawn.append(leader)
    return drawn, unplaced


def _legend(ax: Axes, debrief: Debrief) -> None:
    """What each mark is, outside the axes on the right."""
    handles = [
        Line2D([], [], marker="h", linestyle="none", markersize=12,
               color=shade(DEAL_COLOUR), markeredgecolor="white", label="a pair's deal (its rank)"),
        Line2D([], [], marker="X", linestyle="none", markersize=10, color="#000000",
               markeredgecolor="white", label="no deal"),
        *([Line2D([], [], marker="X", linestyle="none", markersize=10, color="white",
                  markeredgecolor="#000000", label="no deal: walked away")]
          if any(pair.walker for pair in debrief.pairs) else []),
        Line2D([], [], color=shade(FRONTIER_COLOUR), linewidth=2.2, label="Pareto frontier"),
        Line2D([], [], color=TEXT_GREY, linewidth=0.9, linestyle=(0, (4, 3)),
               label="walk-away values"),
    ]  # fmt: skip
    present = [name for name in SHOWN if _has(debrief, name)]
    for name in present:
        colour, marker = solution_style(name)
        handles.append(
            Line2D([], [], marker=marker, linestyle="none", markersize=11 if name !=
                   "equilibrium" else 14, color=colour, markeredgecolor="white",
                   label=MARK_LABELS[name])
        )  # fmt: skip
    legend = ax.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(1.02, 1.0),
        fontsize=NOTE_SIZE,
        frameon=False,
        borderaxespad=0.0,
    )
    legend.set_in_layout(True)


def _has(debrief: Debrief, name: str) -> bool:
    if name == "equilibrium":
        return debrief.equilibrium.points is not None
    solution = debrief.analysis.solutions.get(name)
    return solution is not None


def _caption(debrief: Debrief, unplaced: list[DealMark]) -> str:
    analysis = debrief.analysis
    feasible = analysis.counts.feasible
    cloud = (
        f"Grey shading: where the {feasible:,} feasible packages lie."
        if shaded_cloud(analysis)
        else f"Grey: all {feasible:,} feasible packages."
    )
    parts = [
        f"Points: utility times {POINTS:g}, as on the role sheets.",
        cloud,
        f"{colour_words('Blue', 'Dark')}: the Pareto frontier where both sides beat their "
        "walk-away values (a deal below one can be Pareto-optimal too).",
        "Dashed lines: each side's walk-away value; black cross: no deal"
        + (
            "; white cross: no deal, one side having walked away to its outside option."
            if any(pair.walker for pair in debrief.pairs)
            else "."
        ),
        "Hexagons: the pairs' deals, numbered by their rank in the table (least value left "
        "on the table first); ×N: N pairs with the same deal.",
        f"{colour_words('Coloured', 'Grey')} markers: the Nash and Kalai–Smorodinsky "
        "packages and the protocol's equilibrium, as in the table.",
    ]
    if unplaced:
        parts.append(
            "Not labelled (no room): "
            + "; ".join(
                f"{m.label} at ({points_text(m.point[0])}, {points_text(m.point[1])})"
                for m in unplaced
            )
            + "."
        )
    return " ".join(parts)


def debrief_figure(debrief: Debrief) -> Figure:
    """The chart of the class's deals: in the two parties' utility plane, or with more
    parties one column each (:func:`~negsim.present.charts.debrief_parties.parties_figure`)."""
    if len(debrief.parties) != 2:
        return parties_figure(debrief)
    figure = new_figure(11.0, 7.5)
    ax = figure.add_subplot()
    marks = deal_marks(debrief)
    obstacles = _draw(ax, debrief, marks)
    labels = party_labels(debrief)
    ax.set_xlabel(f"{labels[0]}: points", fontsize=LABEL_SIZE)
    ax.set_ylabel(f"{labels[1]}: points", fontsize=LABEL_SIZE)
    ax.xaxis.set_major_formatter(FuncFormatter(tick_points))
    ax.yaxis.set_major_formatter(FuncFormatter(tick_points))
    style_axes(ax)
    ax.set_title(wrap(finding(debrief), TITLE_WIDTH), loc="left", fontsize=TITLE_SIZE, pad=12)
    figure.suptitle(debrief.scenario, x=0.01, ha="left", fontsize=NOTE_SIZE, color=TEXT_GREY)
    _legend(ax, debrief)
    caption = caption_below(ax, "", below=3.6, width=None)
    unplaced: list[DealMark] = []
    for attempt in range(3):  # the caption lists the marks left unlabelled: it sets the layout
        caption.set_text(wrap(_caption(debrief, unplaced), 120))
        figure.draw_without_rendering()  # fix the layout: labels are placed in pixels
        keep_axes_height(ax)
        drawn, found = _label_marks(ax, marks, obstacles)
        if found == unplaced or attempt == 2:
            break
        for artist in drawn:
            artist.remove()
        unplaced = found
    return figure
