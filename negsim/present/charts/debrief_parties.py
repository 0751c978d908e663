"""The debrief chart of three or more parties (``negsim debrief -o OUT``): one column per
party, each group's deal a line across the columns at the points it gave each party.

A plane of two utilities would hide the frontier of three or more parties, so the deals are
drawn as parallel coordinates: the x axis holds the parties, the y axis points (utility
times :data:`~negsim.format.model.POINTS`, ticks as the two-party chart writes them). Each
distinct deal is a line with a hexagon on every column, labelled at its right end with the
rank of its groups in the table (``3 ×2`` for two groups with the same deal) and, when it
left value on the table, how much. Groups without a deal are a dashed black line at the
walk-away values (black crosses), or with a white cross where the walker took its outside
option. On every column a dashed tick marks the party's walk-away value and a solid tick,
labelled, its best value over the feasible packages: how much was on the table for it. The
Nash and Kalai–Smorodinsky packages and the protocol's equilibrium are dotted lines in the
colours and shapes of the frontier chart; marks at the same points are nested, as there.

Every number comes from the :class:`~negsim.studies.debrief.Debrief` record.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.lines import Line2D
from matplotlib.text import Text
from matplotlib.ticker import FuncFormatter
from matplotlib.transforms import ScaledTranslation

from negsim.format.model import TOLERANCE
from negsim.present.charts.layers import MARK_LABELS, solution_style
from negsim.present.charts.style import (
    LABEL_SIZE,
    NOTE_SIZE,
    OKABE_ITO,
    TEXT_GREY,
    TICK_SIZE,
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
from negsim.present.debrief_words import finding, group_noun, party_labels
from negsim.present.words import POINTS, points_text
from negsim.studies.debrief import Debrief

__all__ = ["DEAL_COLOUR", "REFERENCES", "GroupLine", "group_lines", "parties_figure",
           "tick_points"]  # fmt: skip

DEAL_COLOUR = OKABE_ITO["reddish_purple"]
"""The class's deals: a colour no reference mark uses."""
REFERENCES = ("nash", "kalai_smorodinsky", "equilibrium")
"""The reference marks drawn, in the frontier chart's order."""
CROWDED = 12
"""Above this many distinct deals, smaller markers and labels."""
TICK = 0.2
"""Half the width of a column's walk-away and best-value ticks, in columns."""
LABEL_GAP = 0.3
"""From the last column to the deals' labels, in columns."""


def tick_points(utility: float, _position: int | None = None) -> str:
    """A tick of a utility axis as points (``0.4`` is written ``40``)."""
    return f"{round(utility * POINTS, 6):g}"


@dataclass(frozen=True)
class GroupLine:
    """Groups drawn as one line: ``ranks`` of the groups (table order), ``points`` each
    party's utility, ``agreed`` False for no deal, ``walker`` the label of the party that
    walked away (None: nobody), ``left`` the value the groups left on the table."""

    ranks: tuple[int, ...]
    points: tuple[float, ...]
    agreed: bool
    walker: str | None = None
    left: float = 0.0

    @property
    def label(self) -> str:
        count = len(self.ranks)
        times = f" ×{count}" if count > 1 else ""
        if not self.agreed:
            return (f"{self.walker} walked away" if self.walker else "no deal") + times
        if all(rank == self.ranks[0] for rank in self.ranks):
            text = f"{self.ranks[0]}{times}"
        else:
            text = ", ".join(map(str, self.ranks))
        return text + (f" ({points_text(self.left)} left)" if self.left > TOLERANCE else "")


def group_lines(debrief: Debrief) -> list[GroupLine]:
    """One line per distinct deal (and one for no deal, one more for each party that walked
    away to its outside option), in rank order."""
    scenario = debrief.analysis.space.scenario
    by_place: dict[tuple[int | None, str | None], list[int]] = {}
    found: dict[tuple[int | None, str | None], tuple[tuple[float, ...], float]] = {}
    for pair in debrief.pairs:
        place = (pair.position, pair.walker)
        by_place.setdefault(place, []).append(pair.rank)
        points = tuple(float(pair.points[name]) for name in debrief.parties)
        found[place] = (points, pair.joint_value_left)
    return [
        GroupLine(
            tuple(ranks),
            found[place][0],
            place[0] is not None,
            None if place[1] is None else scenario.party(place[1]).label,
            found[place][1],
        )
        for place, ranks in by_place.items()
    ]


def _references(debrief: Debrief) -> list[tuple[list[str], tuple[float, ...]]]:
    """The reference marks the record has, those at the same points sharing one line."""
    groups: list[tuple[list[str], tuple[float, ...]]] = []
    for name in REFERENCES:
        points = getattr(debrief, name).points
        if points is None:
            continue
        values = tuple(float(points[party]) for party in debrief.parties)
        for names, other in groups:
            if np.allclose(values, other, rtol=0, atol=1e-9):
                names.append(name)
                break
        else:
            groups.append(([name], values))
    return groups


def _draw_columns(ax: Axes, debrief: Debrief, top: float) -> None:
    """Each party's column, its walk-away value (a dashed tick) and its best value (a solid
    tick with its points above it)."""
    for k, name in enumerate(debrief.parties):
        ax.axvline(k, color="#b8b8b8", linewidth=1.2, zorder=1)
        walk = debrief.disagreement[name]
        ax.plot([k - TICK, k + TICK], [walk, walk], color=TEXT_GREY, linewidth=1.6,
                linestyle=(0, (4, 3)), zorder=3, gid="walk-away")  # fmt: skip
        best = debrief.best[name]
        ax.plot([k - TICK, k + TICK], [best, best], color=TEXT_GREY, linewidth=2.4,
                zorder=3, gid="best")  # fmt: skip
        ax.annotate(
            f"best {points_text(best)}", xy=(k, best), xytext=(0, 9),
            textcoords="offset points", ha="center", va="bottom", fontsize=NOTE_SIZE,
            color=TEXT_GREY, gid="best-label", annotation_clip=False,
        )  # fmt: skip
    ax.set_ylim(top=top)


def _draw_lines(ax: Axes, lines: list[GroupLine], references: list) -> None:
    """The groups' lines with their markers, then the reference lines over them."""
    xs = np.arange(len(lines[0].points)) if lines else np.arange(0)
    size = 11.0 if len(lines) <= CROWDED else 8.5
    for line in lines:
        count = len(line.ranks)
        if line.agreed:
            ax.plot(xs, line.points, color=shade(DEAL_COLOUR), linewidth=1.8 + 0.9 * (count - 1),
                    alpha=0.8, marker="h", markersize=size + 1.5 * min(count - 1, 3),
                    markeredgecolor="white", markeredgewidth=1.0, zorder=5, gid="deal")  # fmt: skip
        else:
            face = "white" if line.walker else "#000000"
            edge = "#000000" if line.walker else "white"
            ax.plot(xs, line.points, color="#000000", linewidth=1.4, linestyle=(0, (5, 3)),
                    marker="X", markersize=10, markerfacecolor=face, markeredgecolor=edge,
                    markeredgewidth=1.2, zorder=5,
                    gid="walked" if line.walker else "no-deal")  # fmt: skip
    for names, points in references:
        colour, _ = solution_style(names[0])
        ax.plot(xs, points, color=colour, linewidth=1.6, linestyle=":", zorder=6,
                gid="reference-line")  # fmt: skip
        sizes = np.linspace(190, 60, len(names)) if len(names) > 1 else [150]
        for name, area in zip(names, sizes, strict=True):
            colour, marker = solution_style(name)
            ax.scatter(xs, points, s=area, marker=marker, color=colour, edgecolors="white",
                       linewidths=1.2, zorder=7, gid=f"solution-{name}")  # fmt: skip


def _spread(targets: list[float], height: float, low: float, high: float) -> list[float]:
    """Label centres ``height`` apart, each run of labels that would overlap centred on its
    targets' mean (``targets`` sorted, in pixels), kept within ``low`` and ``high`` where
    there is room."""
    runs: list[list[float]] = []  # each run: the targets of its labels
    for target in targets:
        runs.append([target])
        while len(runs) > 1:
            below, above = runs[-2], runs[-1]
            if _start(below, height) + len(below) * height <= _start(above, height):
                break
            runs[-2:] = [below + above]
    placed = [_start(run, height) + k * height for run in runs for k in range(len(run))]
    for k in range(len(placed)):  # up from the bottom, then down from the top
        placed[k] = max(placed[k], placed[k - 1] + height if k else low + height / 2)
    for k in range(len(placed) - 1, -1, -1):
        limit = placed[k + 1] - height if k + 1 < len(placed) else high - height / 2
        placed[k] = min(placed[k], limit)
    return placed


def _start(run: list[float], height: float) -> float:
    """The first centre of a run of labels centred on its targets' mean."""
    return float(np.mean(run)) - (len(run) - 1) * height / 2


def _label_lines(ax: Axes, debrief: Debrief, lines: list[GroupLine]) -> None:
    """Each line's label to the right of the last column, spread apart vertically (a thin
    leader from the line's end when a label had to move). The layout must be final."""
    figure = ax.figure
    renderer = renderer_of(figure)  # type: ignore[arg-type]
    last = len(debrief.parties) - 1
    fontsize = LABEL_SIZE if len(lines) <= CROWDED else NOTE_SIZE
    texts = []
    for line in sorted(lines, key=lambda line: line.points[-1]):
        text = ax.annotate(
            line.label, xy=(last + LABEL_GAP, line.points[-1]), fontsize=fontsize,
            fontweight="bold", color="#111111" if line.agreed else TEXT_GREY, ha="left",
            va="center", zorder=9, gid="deal-label", annotation_clip=False,
        )  # fmt: skip
        text.set_in_layout(False)
        texts.append((line, text))
    if not texts:
        return
    sizes = [Text.get_window_extent(text, renderer) for _, text in texts]
    width = max(size.width for size in sizes) + 6
    bounds = ax.get_window_extent(renderer)
    low, high = ax.get_xlim()  # room on the right for the widest label
    share = width / bounds.width
    ax.set_xlim(low, max(high, (last + LABEL_GAP - share * low) / (1 - share)))
    height = max(size.height for size in sizes) + 3
    to_pixels = ax.transData.transform
    top = to_pixels((last, debrief.best[debrief.parties[-1]]))[1] + height / 2
    targets = [to_pixels((last, line.points[-1]))[1] for line, _ in texts]
    placed = _spread(targets, height, bounds.y0, min(bounds.y1, top))
    back = ax.transData.inverted()
    for (line, text), target, y in zip(texts, targets, placed, strict=True):
        value = back.transform((0, y))[1]
        text.set_position((last + LABEL_GAP, value))
        if abs(y - target) > 2:
            leader = ax.annotate(
                "", xy=(last + TICK + 0.02, line.points[-1]), xytext=(last + LABEL_GAP, value),
                arrowprops={"arrowstyle": "-", "color": TEXT_GREY, "linewidth": 0.8,
                            "shrinkA": 0, "shrinkB": 0},
                zorder=8, annotation_clip=False,
            )  # fmt: skip
            leader.set_in_layout(False)


def _legend(ax: Axes, debrief: Debrief, references: list, drop: float) -> Legend:
    """What each mark is, in rows under the axes, ``drop`` points below them (under the
    party labels)."""
    noun = group_noun(debrief)
    handles = [
        Line2D([], [], marker="h", markersize=12, linewidth=1.8, color=shade(DEAL_COLOUR),
               markeredgecolor="white", label=f"a {noun}'s deal (its rank)"),
        Line2D([], [], marker="X", markersize=10, linewidth=1.4, linestyle=(0, (5, 3)),
               color="#000000", markeredgecolor="white", label="no deal"),
        *([Line2D([], [], marker="X", markersize=10, linewidth=1.4, linestyle=(0, (5, 3)),
                  color="#000000", markerfacecolor="white", markeredgecolor="#000000",
                  label="no deal: walked away")]
          if any(pair.walker for pair in debrief.pairs) else []),
        Line2D([], [], color=TEXT_GREY, linewidth=1.6, linestyle=(0, (4, 3)),
               label="walk-away value"),
        Line2D([], [], color=TEXT_GREY, linewidth=2.4, label="best value"),
    ]  # fmt: skip
    for names, _ in references:
        for name in names:
            colour, marker = solution_style(name)
            handles.append(
                Line2D([], [], marker=marker, linestyle=":", linewidth=1.6,
                       markersize=11 if name != "equilibrium" else 14, color=colour,
                       markeredgecolor="white", label=MARK_LABELS[name])
            )  # fmt: skip
    shift = ScaledTranslation(0, -drop / 72, ax.figure.dpi_scale_trans)  # type: ignore[union-attr]
    figure = ax.figure
    renderer = renderer_of(figure)  # type: ignore[arg-type]
    for columns in (4, 3, 2):  # as many columns as fit in the figure's width
        legend = ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(0.0, 0.0),
                           bbox_transform=ax.transAxes + shift, ncol=columns,
                           fontsize=NOTE_SIZE, frameon=False, borderaxespad=0.0,
                           handlelength=2.6, columnspacing=1.6)  # fmt: skip
        legend.set_in_layout(False)  # the caption, under it, keeps its room
        figure.draw_without_rendering()  # type: ignore[union-attr]
        if legend.get_window_extent(renderer).x1 <= figure.bbox.x1 - 4:  # type: ignore[union-attr]
            break
    return legend


def _caption(debrief: Debrief, references: list) -> str:
    noun = group_noun(debrief)
    shared = [names for names, _ in references if len(names) > 1]
    parts = [
        f"Points: utility times {POINTS:g}, as on the role sheets.",
        f"One column per party; each line is a {noun}'s deal, crossing a party's column at "
        f"the points it gave that party, labelled with the {noun}'s rank in the table (least "
        f"value left on the table first); ×N: N {noun}s with the same deal; (N left): the "
        "points they could all have added together without anyone losing.",
        "Dashed black line: no deal, at the walk-away values"
        + (
            "; white crosses: a party walked away to its outside option."
            if any(pair.walker for pair in debrief.pairs)
            else "."
        ),
        "On each column, a dashed tick: the party's walk-away value; a solid tick: its best "
        "value over the feasible packages, how much was on the table for it.",
    ]
    if references:
        parts.append(
            f"{colour_words('Coloured', 'Grey')} dotted lines: the Nash and "
            "Kalai–Smorodinsky packages and the protocol's equilibrium, as in the table"
            + (
                "; "
                + "; ".join(" = ".join(MARK_LABELS[n] for n in names) for names in shared)
                + " (nested markers)."
                if shared
                else "."
            )
        )
    return " ".join(parts)


def parties_figure(debrief: Debrief) -> Figure:
    """The chart of the class's deals, one column per party (three or more parties)."""
    figure = new_figure(11.0, 7.5)
    ax = figure.add_subplot()
    lines = group_lines(debrief)
    references = _references(debrief)
    n = len(debrief.parties)
    values = [*debrief.disagreement.values(), *debrief.best.values(),
              *(v for line in lines for v in line.points),
              *(v for _, points in references for v in points)]  # fmt: skip
    low, high = min(values), max(values)
    span = high - low or 0.1
    ax.set_xlim(-0.45, n - 1 + 0.45)
    ax.set_ylim(low - 0.05 * span, high + 0.14 * span)
    _draw_columns(ax, debrief, high + 0.14 * span)
    _draw_lines(ax, lines, references)
    labels = [wrap(label, 18) for label in party_labels(debrief)]
    ax.set_xticks(range(n), labels, fontsize=LABEL_SIZE)
    ax.tick_params(axis="x", length=0, pad=8)
    ax.set_ylabel("points", fontsize=LABEL_SIZE)
    ax.yaxis.set_major_formatter(FuncFormatter(tick_points))
    style_axes(ax)
    ax.tick_params(axis="x", labelsize=LABEL_SIZE)
    ax.tick_params(axis="y", labelsize=TICK_SIZE)
    ax.grid(False, axis="x")
    ax.spines["bottom"].set_visible(False)
    ax.set_title(wrap(finding(debrief), TITLE_WIDTH), loc="left", fontsize=TITLE_SIZE, pad=12)
    figure.suptitle(debrief.scenario, x=0.01, ha="left", fontsize=NOTE_SIZE, color=TEXT_GREY)
    lift = 1.2 * max(label.count("\n") for label in labels)
    legend = _legend(ax, debrief, references, (2.6 + lift) * LABEL_SIZE)
    caption = caption_below(ax, wrap(_caption(debrief, references), 120), width=None)
    figure.draw_without_rendering()
    renderer = renderer_of(figure)  # the caption under the legend
    gap = ax.get_window_extent(renderer).y0 - legend.get_window_extent(renderer).y0
    caption.xyann = (0.0, -(gap * 72 / figure.dpi + 0.8 * LABEL_SIZE))
    keep_axes_height(ax)
    _label_lines(ax, debrief, lines)
    return figure
