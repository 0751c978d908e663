"""Labels placed where they collide with nothing: the solutions' labels along the frontier
(or a magnified inset of crowded solutions), the disagreement and zone labels, and direct
labels at the right of a curve chart.

Placement works in pixels, so the figure's layout must be fixed first
(``figure.draw_without_rendering()``).
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Sequence
from itertools import pairwise
from typing import Any

import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.path import Path as MplPath
from matplotlib.text import Annotation, Text

from negsim.present.charts.layers import Layers, Marked, solution_style
from negsim.present.charts.style import NOTE_SIZE, renderer_of, root_figure, shade, zoom

__all__ = [
    "close_together",
    "inset_window",
    "label_disagreement",
    "label_list",
    "label_solutions",
    "label_zopa",
    "pixel_box",
    "right_labels",
    "solutions_crowded",
    "thin_out",
]


def _directions(ax: Axes, layers: Layers, centre: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Unit vectors in pixels: ``along`` the frontier near ``centre`` (rightwards, down) and
    ``out`` of it (up and right, the empty side: nothing dominates a frontier point)."""
    along = np.array([1.0, -1.0]) / np.sqrt(2.0)
    if layers.frontier.shape[0] >= 2 and layers.parties is not None:
        pixels = ax.transData.transform(layers.frontier)
        steps = np.diff(pixels, axis=0)
        lengths = np.hypot(steps[:, 0], steps[:, 1])
        if np.any(lengths > 1e-6):
            middles = (pixels[:-1] + pixels[1:]) / 2
            distance = np.hypot(*(middles - centre).T) + np.where(lengths > 1e-6, 0, np.inf)
            step = steps[int(np.argmin(distance))]
            step = step if step[0] >= 0 else -step
            if step[1] < 0 and step[0] > 0:
                along = step / np.hypot(*step)
    out = np.array([-along[1], along[0]])
    return along, out


def _obstacle_pixels(ax: Axes, layers: Layers) -> np.ndarray:
    """Pixels that labels must not cover: every drawn point, and the frontier line sampled
    every few pixels."""
    points = [layers.cloud, layers.pareto, layers.disagreement[None, :]]
    points += [group.point[None, :] for group in layers.groups]
    pixels = [ax.transData.transform(np.vstack(points))]
    if layers.frontier.shape[0] >= 2:
        line = ax.transData.transform(layers.frontier)
        for start, stop in pairwise(line):
            count = int(min(np.hypot(*(stop - start)) / 3, 2000)) + 2
            pixels.append(np.linspace(start, stop, count))
    return np.vstack(pixels)


def _fits(
    boxes: list[np.ndarray],
    bounds: np.ndarray,
    obstacles: np.ndarray,
    forbidden: list[np.ndarray],
) -> bool:
    """Boxes ``[x0, y0, x1, y1]`` (pixels) lie within ``bounds``, cover no obstacle and
    overlap neither each other nor a forbidden box."""
    for k, box in enumerate(boxes):
        if box[0] < bounds[0] or box[1] < bounds[1] or box[2] > bounds[2] or box[3] > bounds[3]:
            return False
        if obstacles.size and np.any(
            (obstacles[:, 0] >= box[0])
            & (obstacles[:, 0] <= box[2])
            & (obstacles[:, 1] >= box[1])
            & (obstacles[:, 1] <= box[3])
        ):
            return False
        for other in [*boxes[:k], *forbidden]:
            if box[0] < other[2] and other[0] < box[2] and box[1] < other[3] and other[1] < box[3]:
                return False
    return True


def _annotate_groups(
    ax: Axes, groups: list[Marked], texts: list[str], bold: bool, renderer: Any, pad: float
) -> tuple[list[Annotation], list[np.ndarray]]:
    """The groups' labels with their leader lines, not yet placed, and each label's size in
    pixels with its box."""
    labels = []
    sizes = []
    for group, text in zip(groups, texts, strict=True):
        colour = solution_style(group.names[0])[0]
        label = ax.annotate(
            text,
            xy=(float(group.point[0]), float(group.point[1])),
            xytext=(0.0, 0.0),
            textcoords="axes fraction",
            fontsize=NOTE_SIZE,
            fontweight="bold" if bold else "normal",
            ha="left",
            va="bottom",
            color="#111111",
            linespacing=1.25,
            arrowprops={
                "arrowstyle": "-",
                "color": colour,
                "linewidth": 1.3,
                "shrinkA": 0,
                "shrinkB": 5,
            },
            bbox={
                "boxstyle": "round,pad=0.3",
                "facecolor": "white",
                "edgecolor": colour,
                "linewidth": 1.3,
            },
            zorder=8,
            annotation_clip=False,
            gid="label-" + "-".join(group.names),
        )
        label.set_in_layout(False)
        extent = Text.get_window_extent(label, renderer)  # the text alone, not the arrow
        labels.append(label)
        sizes.append(np.array([extent.width + 2 * pad, extent.height + 2 * pad]))
    return labels, sizes


def _slots(
    markers: np.ndarray, along: np.ndarray, sizes: list[np.ndarray], gap: float
) -> tuple[np.ndarray, np.ndarray]:
    """The labels' order along the frontier and their positions on it (pixels), as close to
    their markers as they can be side by side, ``gap`` apart, centred on the markers."""
    order = np.argsort(markers @ along, kind="stable")  # along the frontier
    steps = np.zeros(len(sizes))
    for rank in range(1, len(order)):
        previous, current = sizes[order[rank - 1]], sizes[order[rank]]
        by_width = previous[0] / along[0] if along[0] > 1e-6 else np.inf
        by_height = current[1] / -along[1] if along[1] < -1e-6 else np.inf
        steps[rank] = min(by_width, by_height) + gap
    projections = (markers @ along)[order]
    slots = np.zeros(len(sizes))
    for rank in range(len(order)):
        slots[rank] = (
            projections[rank]
            if rank == 0
            else max(projections[rank], slots[rank - 1] + steps[rank])
        )
    slots += projections.mean() - slots.mean()
    return order, slots


def _place_labels(
    ax: Axes,
    layers: Layers,
    texts: list[str],
    forbidden: list[np.ndarray],
    *,
    bold: bool = False,
) -> bool:
    """Labels for the solution groups with leader lines, side by side along the frontier
    and moved out of it, at the first distance and shift where none collides; False (and
    nothing drawn) when no candidate fits."""
    figure = root_figure(ax)
    renderer = renderer_of(figure)
    groups = layers.groups
    markers = ax.transData.transform(np.array([group.point for group in groups]))
    centre = markers.mean(axis=0)
    along, out = _directions(ax, layers, centre)
    pad = 0.3 * NOTE_SIZE * figure.dpi / 72
    labels, sizes = _annotate_groups(ax, groups, texts, bold, renderer, pad)
    order, slots = _slots(markers, along, sizes, 4 * figure.dpi / 72)
    bounds_box = ax.get_window_extent(renderer)
    bounds = np.array([bounds_box.x0, bounds_box.y0, bounds_box.x1, bounds_box.y1])
    obstacles = _obstacle_pixels(ax, layers)
    to_axes = ax.transAxes.inverted()
    base = centre - (centre @ along) * along
    spread = slots[-1] - slots[0] + sizes[order[-1]][0]
    directions = [out, np.array([1.0, 0.0]), np.array([0.0, 1.0]), -out]
    for direction in directions:
        for distance in (14, 24, 36, 52, 72, 100, 140):
            for shift in (0.0, 0.25, -0.25, 0.5, -0.5, 1.0, -1.0):
                boxes = []
                for slot, k in zip(slots, order, strict=True):
                    point = (
                        base
                        + (slot + shift * spread) * along
                        + distance * figure.dpi / 72 * direction
                    )
                    lower = point - np.array(
                        [
                            sizes[k][0] if direction[0] < -1e-9 else 0.0,
                            sizes[k][1] if direction[1] < -1e-9 else 0.0,
                        ]
                    )
                    boxes.append(np.array([*lower, *(lower + sizes[k])]))
                if _fits(boxes, bounds, obstacles, forbidden):
                    for box, k in zip(boxes, order, strict=True):
                        labels[k].xyann = tuple(to_axes.transform(box[:2] + pad))
                    return True
    for label in labels:
        label.remove()
    return False


def label_list(groups: list[Marked], numbered: bool) -> str:
    """``[1  ]Nash: sanctions relief: 40 officials; icc case: ended``, one group a line."""
    lines = []
    width = max(int(LIST_WIDTH / zoom()), 30)
    for number, group in enumerate(groups, start=1):
        title, terms = _title_and_terms(group)
        prefix = f"{number}  " if numbered else ""
        entry = f"{prefix}{title}" + (f": {'; '.join(terms)}" if terms else "")
        lines.extend(textwrap.wrap(entry, width, subsequent_indent="     ",
                                   break_on_hyphens=False))  # fmt: skip
    return "\n".join(lines)


LIST_WIDTH = 115
"""Characters per line of the list under a frontier chart (fewer in a style that draws
larger)."""


def _title_and_terms(group: Marked) -> tuple[str, list[str]]:
    """A group label's solution names (one line) and its package terms."""
    names: list[str] = []
    terms: list[str] = []
    for line in group.label.split("\n"):
        if not terms and (not names or names[-1].endswith(" =")):
            names.append(line)
        elif line.startswith("  ") and terms:
            terms[-1] += " " + line.strip()
        else:
            terms.append(line)
    return " ".join(names), terms


def label_solutions(
    ax: Axes,
    layers: Layers,
    numbers: bool,
    relayout: Callable[[str], None] | None = None,
    taken: list[np.ndarray] | None = None,
) -> str:
    """The solutions' labels, the first that fits: the names with the packages (unless
    ``numbers``); the names alone, with a list of the packages; numbers, with the list.
    Returns the list ("" when the labels say it all). The layout must be fixed;
    ``relayout(listing)`` is called before the short labels are placed, to show the list and
    fix the layout again."""
    groups = layers.groups
    taken = taken or []
    if not numbers and _place_labels(ax, layers, [g.label for g in groups], taken):
        return ""
    named = label_list(groups, numbered=False)
    if relayout is not None and not numbers:
        relayout(named)
    names = ["\n".join(g.label.split("\n")[: g.label.count(" =\n") + 1]) for g in groups]
    if not numbers and _place_labels(ax, layers, names, taken):
        return named
    numbered = label_list(groups, numbered=True)
    if relayout is not None:
        relayout(numbered)
    texts = [str(number) for number in range(1, len(groups) + 1)]
    if not _place_labels(ax, layers, texts, taken, bold=True):
        for text, group in zip(texts, groups, strict=True):
            ax.annotate(
                text,
                xy=(float(group.point[0]), float(group.point[1])),
                xytext=(8, 8),
                textcoords="offset points",
                fontsize=NOTE_SIZE,
                fontweight="bold",
                color="#111111",
                zorder=8,
                gid="label-" + "-".join(group.names),
            )
    return numbered


def close_together(layers: Layers, xlim: tuple[float, float], ylim: tuple[float, float]) -> bool:
    """Two solution markers lie within 4% of the axes' ranges of each other."""
    if len(layers.groups) < 2:
        return False
    span = np.array([xlim[1] - xlim[0], ylim[1] - ylim[0]])
    scaled = np.array([group.point for group in layers.groups]) / span
    gaps = np.hypot(*(scaled[:, None, :] - scaled[None, :, :]).transpose(2, 0, 1))
    return bool(gaps[np.triu_indices(len(scaled), 1)].min() < 0.04)


def solutions_crowded(ax: Axes, layers: Layers) -> bool:
    """The solutions' markers nearly touch (closer than 30 points) on the chart."""
    if len(layers.groups) < 2:
        return False
    figure = root_figure(ax)
    pixels = ax.transData.transform(np.array([group.point for group in layers.groups]))
    gaps = np.hypot(*(pixels[:, None, :] - pixels[None, :, :]).transpose(2, 0, 1))
    return bool(gaps[np.triu_indices(len(pixels), 1)].min() < 30 * figure.dpi / 72)


_Window = tuple[tuple[float, float, float, float], tuple[float, float], tuple[float, float]]


def inset_window(ax: Axes, layers: Layers, taken: list[np.ndarray]) -> _Window | None:
    """A magnified view of crowded solutions: its box on the axes (fractions; the largest
    candidate box in a corner that covers nothing drawn) and its data window (the solutions and
    their packages, with room beyond the frontier for labels); None if nothing fits or a
    magnification would not help."""
    to_axes = ax.transData + ax.transAxes.inverted()
    drawn = to_axes.transform(_inset_points(layers))
    i, j = layers.parties
    marked = np.vstack(
        [
            np.array([group.point for group in layers.groups]),
            np.array(
                [
                    [s.utilities[i], s.utilities[j]]
                    for s in layers.solutions
                    if s.utilities is not None
                ]
            ).reshape(-1, 2),
        ]
    )
    marked_axes = to_axes.transform(marked)
    guide = to_axes.transform(layers.disagreement[None, :])[0]  # the dashed lines
    from_pixels = ax.transAxes.inverted()
    blocked = [from_pixels.transform(box.reshape(2, 2)).ravel() for box in taken]
    extent = np.ptp(marked_axes, axis=0)
    if extent.max() > 0.25:
        return None
    best: tuple[float, float, float, float] | None = None
    margin = 0.015
    sizes = np.round(np.arange(0.26, 0.61, 0.04), 2)
    for width in sizes[sizes <= 0.5][::-1]:
        for height in sizes[::-1]:
            if best is not None and width * height <= best[2] * best[3] + 1e-9:
                continue
            # Corners, the empty side of the frontier first; off the left and bottom edges
            # by the room the inset's tick labels take.
            for x0, y0 in (
                (0.99 - width, 0.99 - height),
                (0.99 - width, 0.1),
                (0.09, 0.99 - height),
                (0.09, 0.1),
            ):
                x1, y1 = x0 + width, y0 + height
                inside = (
                    (drawn[:, 0] >= x0 - 0.07)
                    & (drawn[:, 0] <= x1 + margin)
                    & (drawn[:, 1] >= y0 - 0.09)
                    & (drawn[:, 1] <= y1 + margin)
                )
                guides = (x0 - 0.07 <= guide[0] <= x1 + margin) or (
                    y0 - 0.09 <= guide[1] <= y1 + margin
                )
                overlaps = guides or any(
                    b[0] < x1 + margin
                    and x0 - 0.07 < b[2]
                    and b[1] < y1 + margin
                    and y0 - 0.09 < b[3]
                    for b in blocked
                )
                if not inside.any() and not overlaps:
                    best = (float(x0), float(y0), float(width), float(height))
                    break
    if best is None:
        return None
    x0, y0, width, height = best
    # The window: the marked points take the middle half of its width and its lower half,
    # leaving room above them for the labels and little empty space around; magnified
    # alike in both directions (in axes fractions), so the frontier keeps its slope.
    zoom = max(extent[0] / (0.5 * width), extent[1] / (0.5 * height), 1e-9)
    zoom = max(zoom, 0.02 / min(width, height))
    size = np.array([width, height]) * zoom
    centre = (marked_axes.min(axis=0) + marked_axes.max(axis=0)) / 2
    lower = np.array([centre[0] - size[0] / 2, marked_axes[:, 1].min() - size[1] * 0.15])
    corners = np.array([lower, lower + size])
    window = ax.transData.inverted().transform(ax.transAxes.transform(corners))
    return (
        (x0, y0, width, height),
        (float(window[0, 0]), float(window[1, 0])),
        (float(window[0, 1]), float(window[1, 1])),
    )


def _inset_points(layers: Layers) -> np.ndarray:
    """Every point drawn on the panel."""
    return np.vstack(
        [layers.cloud, layers.pareto, layers.frontier, layers.disagreement[None, :]]
        + [group.point[None, :] for group in layers.groups]
    )


def pixel_box(text: Text, renderer: Any) -> np.ndarray:
    """``[x0, y0, x1, y1]`` in pixels of a placed text with its box."""
    box = text.get_window_extent(renderer)
    return np.array([box.x0 - 4, box.y0 - 4, box.x1 + 4, box.y1 + 4])


def label_disagreement(ax: Axes, layers: Layers) -> Text:
    """'disagreement (d1, d2)' by its marker: below and left of it if that fits in the
    axes, else in the first corner that does."""
    figure = root_figure(ax)
    renderer = renderer_of(figure)
    bounds = ax.get_window_extent(renderer)
    d = layers.disagreement
    label = ax.annotate(
        f"disagreement\n({d[0]:.3g}, {d[1]:.3g})",
        xy=(float(d[0]), float(d[1])),
        xytext=(-8, -8),
        textcoords="offset points",
        fontsize=NOTE_SIZE,
        color="#111111",
        bbox={
            "boxstyle": "round,pad=0.2",
            "facecolor": "white",
            "edgecolor": "none",
            "alpha": 0.85,
        },
        zorder=7,
        gid="disagreement-label",
    )
    label.set_in_layout(False)
    size = Text.get_window_extent(label, renderer)  # its size only: not yet positioned
    width, height = size.width + 6, size.height + 6
    x, y = ax.transData.transform(d)
    offset = 8 * figure.dpi / 72
    for sx, sy in ((-1, -1), (1, -1), (-1, 1), (1, 1)):
        x0 = x + sx * offset - (width if sx < 0 else 0)
        y0 = y + sy * offset - (height if sy < 0 else 0)
        if bounds.x0 <= x0 and x0 + width <= bounds.x1 and bounds.y0 <= y0 <= bounds.y1 - height:
            break
    label.set_position((8 * sx, 8 * sy))
    label.set_horizontalalignment("left" if sx > 0 else "right")
    label.set_verticalalignment("bottom" if sy > 0 else "top")
    return label


def label_zopa(ax: Axes, layers: Layers, disagreement: Text) -> Text | None:
    """'zone of possible agreement' inside the shaded zone, by the disagreement point
    (above its label when that sits up and right), when it fits inside the zone."""
    figure = root_figure(ax)
    assert layers.zopa is not None
    above = 0.0
    alignment = (disagreement.get_horizontalalignment(), disagreement.get_verticalalignment())
    if alignment == ("left", "bottom"):
        renderer = renderer_of(figure)
        height = Text.get_window_extent(disagreement, renderer).height + 6
        above = 8 + height * 72 / figure.dpi
    label = ax.annotate(
        "zone of possible\nagreement",
        xy=(float(layers.disagreement[0]), float(layers.disagreement[1])),
        xytext=(8, 8 + above),
        textcoords="offset points",
        ha="left",
        va="bottom",
        fontsize=NOTE_SIZE,
        fontstyle="italic",
        color=shade("#00664a"),
        zorder=3,
        gid="zopa-label",
    )
    label.set_in_layout(False)
    box = label.get_window_extent(renderer_of(figure))
    corners = np.array([[box.x0, box.y0], [box.x1, box.y0], [box.x0, box.y1], [box.x1, box.y1]])
    zone = MplPath(ax.transData.transform(layers.zopa))
    if not np.all(zone.contains_points(corners, radius=-2.0)):
        label.remove()  # the zone is too small to hold it
        return None
    return label


def right_labels(
    ax: Axes, items: list[tuple[float, str, str, str]], x: float, gap_lines: float = 1.15
) -> list[Annotation]:
    """Labels at the right of the axes, level with data ``y`` values and moved apart just
    enough not to overlap: ``items`` are ``(y, text, colour, gid)``. They are moved apart
    again each time the figure is drawn, once its layout is final (a caption or a title
    added later shrinks the axes, and brings the ``y`` values closer in pixels)."""
    figure = root_figure(ax)
    figure.draw_without_rendering()
    placed = []
    for y, text, colour, gid in items:
        label = ax.annotate(
            text,
            xy=(x, y),
            xycoords=("axes fraction", "data"),
            xytext=(8, 0),
            textcoords="offset points",
            ha="left",
            va="center",
            fontsize=NOTE_SIZE,
            color=colour,
            fontweight="bold",
            linespacing=1.15,
            annotation_clip=False,
            gid=gid,
        )
        placed.append(label)
    if not placed:
        return placed
    ys = [y for y, *_ in items]
    _spread(ax, placed, ys, gap_lines, renderer_of(figure))
    ax.add_artist(_Spreader(placed, ys, gap_lines))
    return placed


class _Spreader(Artist):
    """Moves the right labels apart when the axes are drawn, before the labels are: drawn
    first (lowest zorder), with nothing to show itself."""

    zorder = -1e9

    def __init__(self, labels: list[Annotation], ys: list[float], gap_lines: float) -> None:
        super().__init__()
        self.labels, self.ys, self.gap_lines = labels, ys, gap_lines
        self.set_in_layout(False)

    def draw(self, renderer: Any) -> None:
        if isinstance(self.axes, Axes):
            _spread(self.axes, self.labels, self.ys, self.gap_lines, renderer)


def _spread(
    ax: Axes, placed: list[Annotation], ys: list[float], gap_lines: float, renderer: Any
) -> None:
    """Offsets that move the labels at data ``ys`` apart just enough not to overlap."""
    figure = root_figure(ax)
    heights = [Text.get_window_extent(label, renderer).height for label in placed]
    centres = np.array([ax.transData.transform((0.0, y))[1] for y in ys])
    order = np.argsort(centres, kind="stable")
    wanted = centres[order]
    sizes = np.array(heights)[order]
    moved = wanted.copy()
    for _ in range(len(moved) * 20):  # push neighbours apart until nothing overlaps
        changed = False
        for k in range(1, len(moved)):
            need = (sizes[k] + sizes[k - 1]) / 2 * gap_lines / 1.15 + 2
            if moved[k] - moved[k - 1] < need:
                shift = (need - (moved[k] - moved[k - 1])) / 2
                moved[k - 1] -= shift
                moved[k] += shift
                changed = True
        if not changed:
            break
    for rank, index in enumerate(order):
        offset = (moved[rank] - wanted[rank]) * 72 / figure.dpi
        placed[index].set_position((8, float(offset)))


def thin_out(ax: Axes, labels: Sequence[Text]) -> None:
    """Show each of ``labels`` only where it overlaps no earlier one shown, decided each
    time the axes are drawn (once the layout is final)."""
    ax.add_artist(_Thinner(labels))


class _Thinner(Artist):
    """Hides the labels that would overlap an earlier one, drawn before them."""

    zorder = -1e9

    def __init__(self, labels: Sequence[Text]) -> None:
        super().__init__()
        self.labels = list(labels)
        self.set_in_layout(False)

    def draw(self, renderer: Any) -> None:
        shown: list[Any] = []
        for label in self.labels:
            label.set_visible(True)
            box = Text.get_window_extent(label, renderer)
            label.set_visible(not any(box.overlaps(other) for other in shown))
            if label.get_visible():
                shown.append(box)
