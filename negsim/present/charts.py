"""Charts of an :class:`~negsim.analysis.records.Analysis`: figure functions, result in, Axes out.

Plots never solve: every point they draw is a number of the analysis record. They use
:class:`matplotlib.figure.Figure` directly (no pyplot, no global state) and render with
Agg; :func:`figure_bytes` turns a figure into PNG, SVG or PDF bytes that are the same for
the same input (no dates, fixed SVG ids). Only the CLI and the report write files.

Colours are the Okabe–Ito palette (Okabe & Ito 2008, "Color Universal Design"), safe for
the common forms of colour blindness; every solution also has its own marker shape.

Example
-------
>>> from negsim.analysis.pipeline import solve
>>> from negsim.format.loader import load_scenario
>>> analysis = solve(load_scenario("scenarios/logrolling.yaml"))
>>> figure = frontier_figure(analysis)
>>> figure_bytes(figure, "svg")[:5]
b'<?xml'
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations, pairwise
from typing import Any

import matplotlib
import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.patches import Polygon
from matplotlib.path import Path as MplPath
from matplotlib.text import Annotation, Text
from matplotlib.ticker import MaxNLocator

from negsim.analysis.records import SOLUTION_LABELS, SOLUTION_NAMES, Analysis, Solution
from negsim.present.words import (
    TOLERANCE,
    deadline_words,
    distribution_words,
    no_zopa_reason,
    package_terms,
    party_label,
    round_name,
    round_unit,
    screening_distribution,
)
from negsim.studies.curves import DeadlineCurve, DiscountCurve

__all__ = [
    "DENSITY_THRESHOLD",
    "FIGURES",
    "FORMATS",
    "OKABE_ITO",
    "PARTY_STYLES",
    "agreements_figure",
    "agreements_finding",
    "concessions_figure",
    "concessions_finding",
    "deadline_figure",
    "deadline_finding",
    "discount_figure",
    "discount_finding",
    "figure_bytes",
    "finding",
    "frontier_figure",
    "party_style",
    "plot_agreements",
    "plot_concessions",
    "plot_deadline",
    "plot_discount",
    "plot_frontier",
    "screening_figure",
    "screening_finding",
]

OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}

SOLUTION_STYLES: dict[str, tuple[str, str]] = {
    "nash": (OKABE_ITO["vermillion"], "o"),
    "kalai_smorodinsky": (OKABE_ITO["orange"], "s"),
    "egalitarian": (OKABE_ITO["reddish_purple"], "D"),
    "utilitarian": (OKABE_ITO["sky_blue"], "^"),
}
"""Colour and marker of each solution."""

FRONTIER_COLOUR = OKABE_ITO["blue"]
ZOPA_COLOUR = OKABE_ITO["bluish_green"]
CLOUD_COLOUR = "#c6c6c6"
TEXT_GREY = "#444444"

DENSITY_THRESHOLD = 50_000
"""Above this many distinct utility points the cloud is a 2-D histogram, not one dot each."""
DENSITY_BINS = 320
"""Columns of the 2-D histogram of a large cloud."""

TITLE_SIZE = 15
LABEL_SIZE = 13
TICK_SIZE = 11
NOTE_SIZE = 11
TITLE_WIDTH = 78
"""Characters per title line (wrapped)."""
LABEL_WIDTH = 30
"""Characters per line of a solution's label."""

FORMATS = ("png", "svg", "pdf")
"""File formats of :func:`figure_bytes`, by suffix."""

SVG_HASH_SALT = "negsim"


# --------------------------------------------------------------------------------------------
# Words


def _words(text: str) -> str:
    return text.replace("_", " ")


def _package_words(analysis: Analysis, package: Mapping[str, Any]) -> dict[str, str]:
    return {issue: _words(value) for issue, value in package_terms(analysis.space, package)}


def _join(labels: Sequence[str], last: str = "and") -> str:
    if len(labels) <= 2:
        return f" {last} ".join(labels)
    return ", ".join(labels[:-1]) + f" {last} " + labels[-1]


def _solutions(analysis: Analysis) -> list[Solution]:
    return [
        solution
        for name in SOLUTION_NAMES
        if (solution := analysis.solutions.get(name)) is not None
    ]


def _shown_package(analysis: Analysis, solution: Solution) -> Mapping[str, Any]:
    """The package a solution's marker stands for: the interpolated hull package when
    there is one (it has the marker's utilities), else the best single package."""
    if solution.hull.package is not None:
        return solution.hull.package
    return analysis.space.package(solution.position)


TITLE_DETAIL = 170
"""Longest title that names each solution's package on the issues where they differ."""


def finding(analysis: Analysis) -> str:
    """The chart's title: what the analysis finds, in a sentence.

    No ZOPA: why not, with the numbers. Otherwise what the bargaining solutions' packages
    agree on, issue by issue, and where (and, when short enough to say, how) they differ.
    """
    if not analysis.zopa:
        return f"No zone of agreement: {no_zopa_reason(analysis)}"
    solutions = _solutions(analysis)
    if not solutions:
        return "A zone of agreement exists"
    utilities = analysis.space.utilities
    if utilities.shape[1] > 1 and np.all(np.ptp(utilities, axis=1) <= TOLERANCE):
        return (
            f"Every party values all {utilities.shape[1]:,} packages the same: any of them "
            "is an equally good agreement"
        )
    issues = list(analysis.space.scenario.issue_names)
    words = [_package_words(analysis, _shown_package(analysis, s)) for s in solutions]
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
        return ", ".join(f"{_words(issue)} ({package_words[issue]})" for issue in selected)

    if len(groups) == 1:
        if len(solutions) == 1:
            return f"The {SOLUTION_LABELS[solutions[0].name]} solution: {terms(issues, words[0])}"
        return f"{every} bargaining solutions pick the same package: {terms(issues, words[0])}"
    detail = "; ".join(
        f"{_join(names)} {'give' if len(names) > 1 else 'gives'} {terms(differing, package)}"
        for names, package in groups
    )
    if common:
        lead = f"{every} bargaining solutions agree on {terms(common, words[0])}"
        if len(lead) + len(detail) + 2 <= TITLE_DETAIL:
            return f"{lead}; {detail}"
        return f"{lead}; they differ on {_join([_words(issue) for issue in differing])}"
    if len(issues) == 1 and len(detail) <= TITLE_DETAIL:
        return detail
    if len(detail) <= TITLE_DETAIL:
        return f"The bargaining solutions differ on every issue: {detail}"
    return f"The bargaining solutions differ on every issue; Nash gives {terms(issues, words[0])}"


def _wrap(text: str, width: int) -> str:
    return "\n".join(textwrap.wrap(text, width, break_on_hyphens=False))


# --------------------------------------------------------------------------------------------
# Layers


def _new_figure(width: float = 10.0, height: float = 7.5) -> Figure:
    figure = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def _curve_figure() -> Figure:
    """A figure for a curve chart: room at the right for the direct labels, which text
    hinting makes a little wider at print resolution than at layout time."""
    figure = Figure(figsize=(10.0, 6.8), layout=ConstrainedLayoutEngine(w_pad=12 / 72))
    FigureCanvasAgg(figure)
    return figure


def _root(ax: Axes) -> Figure:
    """The figure an Axes is drawn in (the root figure, for an Axes in a subfigure)."""
    figure = ax.get_figure()
    assert figure is not None
    return figure if isinstance(figure, Figure) else figure.figure


def _renderer(figure: Figure) -> Any:
    canvas = figure.canvas
    if hasattr(canvas, "get_renderer"):
        return canvas.get_renderer()
    return FigureCanvasAgg(figure).get_renderer()


@dataclass
class _Marked:
    """Solutions drawn at one point of the chart."""

    names: list[str]
    point: np.ndarray  # (2,) data coordinates of the hull point
    label: str = ""


@dataclass
class _Layers:
    """What one panel draws, in data coordinates of its two parties."""

    cloud: np.ndarray  # (k, 2) distinct package utilities
    pareto: np.ndarray  # (m, 2)
    frontier: np.ndarray  # (h, 2), hull frontier in analysis order
    disagreement: np.ndarray  # (2,)
    zopa: np.ndarray | None  # polygon vertices
    solutions: list[Solution]
    groups: list[_Marked]
    parties: tuple[int, int]


def _zopa_polygon(d: np.ndarray, frontier: np.ndarray) -> np.ndarray | None:
    """Vertices of the shaded zone: the disagreement point and, in frontier order, the
    frontier points that are individually rational."""
    rational = np.all(frontier >= d[None, :] - 1e-9, axis=1)
    if not rational.any():
        return None
    return np.vstack([d[None, :], frontier[rational]])


def _group_solutions(
    analysis: Analysis, solutions: list[Solution], parties: tuple[int, int]
) -> list[_Marked]:
    """Solutions with the same hull point and the same package share a marker position and
    a label; the label names each package's value on the issues where
    the solutions' packages differ."""
    i, j = parties
    space = analysis.space
    words = [_package_words(analysis, _shown_package(analysis, s)) for s in solutions]
    differing = [
        issue for issue in space.scenario.issue_names if len({w[issue] for w in words}) > 1
    ]
    groups: list[_Marked] = []
    group_words: list[dict[str, str]] = []
    full: list[np.ndarray] = []
    for solution, package_words in zip(solutions, words, strict=True):
        point = np.array([solution.hull.utilities[i], solution.hull.utilities[j]], dtype=float)
        utilities = np.asarray(solution.hull.utilities, dtype=float)
        for group, other, where in zip(groups, group_words, full, strict=True):
            if other == package_words and np.allclose(where, utilities, rtol=0, atol=1e-9):
                group.names.append(solution.name)
                break
        else:
            groups.append(_Marked([solution.name], point))
            group_words.append(package_words)
            full.append(utilities)
    for group, package_words in zip(groups, group_words, strict=True):
        names = [SOLUTION_LABELS[name] for name in group.names]
        lines = [
            " = ".join(names[k : k + 2]) + (" =" if k + 2 < len(names) else "")
            for k in range(0, len(names), 2)
        ]
        for issue in differing:
            lines.extend(
                textwrap.wrap(
                    f"{_words(issue)}: {package_words[issue]}",
                    LABEL_WIDTH,
                    subsequent_indent="  ",
                    break_on_hyphens=False,
                )
            )
        group.label = "\n".join(lines)
    return groups


def _layers(analysis: Analysis, parties: tuple[int, int]) -> _Layers:
    """The panel's points. With more than two parties the frontier and the zone are not
    drawn: their projections on two utilities are not frontiers."""
    i, j = parties
    utilities = analysis.space.utilities
    d = np.array([analysis.disagreement[i], analysis.disagreement[j]], dtype=float)
    pairs = np.column_stack([utilities[i], utilities[j]])
    two_parties = analysis.space.n_parties == 2
    frontier = pairs[analysis.hull_frontier] if two_parties else np.zeros((0, 2))
    solutions = _solutions(analysis)
    zopa = None
    if analysis.zopa and frontier.shape[0]:
        zopa = _zopa_polygon(d, frontier)
    return _Layers(
        cloud=np.unique(pairs, axis=0),
        pareto=np.unique(pairs[analysis.pareto], axis=0),
        frontier=frontier,
        disagreement=d,
        zopa=zopa,
        solutions=solutions,
        groups=_group_solutions(analysis, solutions, parties) if solutions else [],
        parties=parties,
    )


def _draw_cloud(ax: Axes, cloud: np.ndarray, scale: float) -> None:
    """Every feasible package, faint: one dot each up to ``DENSITY_THRESHOLD`` distinct
    points, else a 2-D histogram (an image of a few grey levels, light where few packages
    fall, darker where many do), which costs the same for a million packages as for ten."""
    if cloud.shape[0] <= DENSITY_THRESHOLD:
        # Few packages: larger, darker dots; many: small light ones that merge into a cloud.
        size = float(np.clip(6 * np.sqrt(5000 / max(cloud.shape[0], 1)), 6, 36))
        ax.scatter(
            cloud[:, 0],
            cloud[:, 1],
            s=size * scale,
            color=CLOUD_COLOUR if cloud.shape[0] > 1000 else "#a8a8a8",
            linewidths=0,
            zorder=1,
            rasterized=True,
            gid="packages",
        )
        return
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    columns = DENSITY_BINS
    rows = max(round(columns * 0.62), 2)
    counts, _, _ = np.histogram2d(
        cloud[:, 1], cloud[:, 0], bins=(rows, columns), range=((y0, y1), (x0, x1))
    )
    levels = np.zeros(counts.shape)
    occupied = counts > 0
    if occupied.any():
        scaled = np.log1p(counts[occupied]) / np.log1p(counts.max())
        levels[occupied] = 0.2 + 0.3 * np.round(scaled * 3) / 3
    image = np.zeros((*counts.shape, 4))
    image[..., :3] = 0.5
    image[..., 3] = levels
    ax.imshow(
        image,
        extent=(x0, x1, y0, y1),
        origin="lower",
        interpolation="nearest",
        aspect="auto",
        zorder=1,
        gid="packages",
    )
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)


def _draw(ax: Axes, layers: _Layers, two_parties: bool, span: np.ndarray, scale: float) -> None:
    """Every layer but the texts. ``scale`` sizes the markers (1 on the main chart)."""
    _draw_cloud(ax, layers.cloud, scale)
    d = layers.disagreement
    guides: dict[str, Any] = {
        "color": TEXT_GREY,
        "linewidth": 0.9,
        "linestyle": (0, (4, 3)),
        "zorder": 2,
    }
    ax.axvline(d[0], **guides)
    ax.axhline(d[1], **guides)
    if layers.zopa is not None:
        ax.add_patch(
            Polygon(
                layers.zopa,
                closed=True,
                facecolor=ZOPA_COLOUR,
                alpha=0.18,
                edgecolor="none",
                zorder=2,
                gid="zopa",
            )
        )
    if layers.pareto.shape[0]:
        many = layers.pareto.shape[0] > 150  # a dense row of dots: smaller, no rims
        ax.scatter(
            layers.pareto[:, 0],
            layers.pareto[:, 1],
            s=(10 if many else 26) * scale,
            color=FRONTIER_COLOUR,
            edgecolors="none" if many else "white",
            linewidths=0 if many else 0.5,
            zorder=4,
            gid="pareto",
        )
    if layers.frontier.shape[0]:
        ax.plot(
            layers.frontier[:, 0],
            layers.frontier[:, 1],
            color=FRONTIER_COLOUR,
            linewidth=2.2 if two_parties else 0,
            marker=None if two_parties else "o",
            markersize=6,
            markerfacecolor="none",
            zorder=3,
            gid="hull-frontier",
        )
    ax.scatter(
        [d[0]],
        [d[1]],
        s=120,
        marker="X",
        color=OKABE_ITO["black"],
        edgecolors="white",
        linewidths=1.0,
        zorder=7,
        gid="disagreement",
    )
    i, j = layers.parties
    for solution in layers.solutions:
        pure = np.array([solution.utilities[i], solution.utilities[j]])
        hull = np.array([solution.hull.utilities[i], solution.hull.utilities[j]])
        if np.all(np.abs(pure - hull) <= 0.004 * span):
            continue
        colour, marker = SOLUTION_STYLES[solution.name]
        ax.plot(
            [pure[0], hull[0]],
            [pure[1], hull[1]],
            color=colour,
            linewidth=1,
            linestyle=":",
            zorder=5,
        )
        ax.scatter(
            [pure[0]],
            [pure[1]],
            s=70 * scale,
            marker=marker,
            facecolors="white",
            edgecolors=colour,
            linewidths=1.6,
            zorder=5,
            gid=f"package-{solution.name}",
        )
    for group in layers.groups:
        sizes = np.linspace(190, 60, len(group.names)) if len(group.names) > 1 else [150]
        for name, size in zip(group.names, sizes, strict=True):
            colour, marker = SOLUTION_STYLES[name]
            ax.scatter(
                [group.point[0]],
                [group.point[1]],
                s=size * scale,
                marker=marker,
                color=colour,
                edgecolors="white",
                linewidths=1.2,
                zorder=6,
                gid=f"solution-{name}",
            )


# --------------------------------------------------------------------------------------------
# Labels that do not collide


def _directions(ax: Axes, layers: _Layers, centre: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
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


def _obstacle_pixels(ax: Axes, layers: _Layers) -> np.ndarray:
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


def _place_labels(
    ax: Axes,
    layers: _Layers,
    texts: list[str],
    forbidden: list[np.ndarray],
    *,
    bold: bool = False,
) -> bool:
    """Labels for the solution groups with leader lines, side by side along the frontier
    and moved out of it, at the first distance and shift where none collides; False (and
    nothing drawn) when no candidate fits."""
    figure = _root(ax)
    renderer = _renderer(figure)
    groups = layers.groups
    markers = ax.transData.transform(np.array([group.point for group in groups]))
    centre = markers.mean(axis=0)
    along, out = _directions(ax, layers, centre)
    pad = 0.3 * NOTE_SIZE * figure.dpi / 72
    labels = []
    sizes = []
    for group, text in zip(groups, texts, strict=True):
        colour = SOLUTION_STYLES[group.names[0]][0]
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
    order = np.argsort(markers @ along, kind="stable")  # along the frontier
    gap = 4 * figure.dpi / 72
    steps = np.zeros(len(groups))
    for rank in range(1, len(order)):
        previous, current = sizes[order[rank - 1]], sizes[order[rank]]
        by_width = previous[0] / along[0] if along[0] > 1e-6 else np.inf
        by_height = current[1] / -along[1] if along[1] < -1e-6 else np.inf
        steps[rank] = min(by_width, by_height) + gap
    projections = (markers @ along)[order]
    slots = np.zeros(len(groups))
    for rank in range(len(order)):
        slots[rank] = (
            projections[rank]
            if rank == 0
            else max(projections[rank], slots[rank - 1] + steps[rank])
        )
    slots += projections.mean() - slots.mean()
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


def _label_list(groups: list[_Marked], numbered: bool) -> str:
    """``[1  ]Nash: sanctions relief: 40 officials; icc case: ended``, one group a line."""
    lines = []
    for number, group in enumerate(groups, start=1):
        title, terms = _title_and_terms(group)
        prefix = f"{number}  " if numbered else ""
        lines.append(f"{prefix}{title}" + (f": {'; '.join(terms)}" if terms else ""))
    return "\n".join(lines)


def _title_and_terms(group: _Marked) -> tuple[str, list[str]]:
    """A group label's solution names (one line) and its package terms."""
    names: list[str] = []
    terms: list[str] = []
    for line in group.label.split("\n"):
        if not terms and (line.endswith(" =") or not names):
            names.append(line)
        elif line.startswith("  ") and terms:
            terms[-1] += " " + line.strip()
        else:
            terms.append(line)
    return " ".join(names), terms


def _label_solutions(
    ax: Axes,
    layers: _Layers,
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
    named = _label_list(groups, numbered=False)
    if relayout is not None and not numbers:
        relayout(named)
    names = ["\n".join(g.label.split("\n")[: g.label.count(" =\n") + 1]) for g in groups]
    if not numbers and _place_labels(ax, layers, names, taken):
        return named
    numbered = _label_list(groups, numbered=True)
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


# --------------------------------------------------------------------------------------------
# The frontier chart


def _limits(values: np.ndarray, extra: Sequence[float]) -> tuple[float, float]:
    low = min(float(values.min()), *extra)
    high = max(float(values.max()), *extra)
    pad = (high - low) * 0.05 or 0.05
    return low - pad, high + pad


HEADROOM = 0.45
"""Extra room above the data, as a share of its range, when the solutions crowd together."""


def _close(layers: _Layers, xlim: tuple[float, float], ylim: tuple[float, float]) -> bool:
    """Two solution markers lie within 4% of the axes' ranges of each other."""
    if len(layers.groups) < 2:
        return False
    span = np.array([xlim[1] - xlim[0], ylim[1] - ylim[0]])
    scaled = np.array([group.point for group in layers.groups]) / span
    gaps = np.hypot(*(scaled[:, None, :] - scaled[None, :, :]).transpose(2, 0, 1))
    return bool(gaps[np.triu_indices(len(scaled), 1)].min() < 0.04)


def _crowded(ax: Axes, layers: _Layers) -> bool:
    """The solutions' markers nearly touch (closer than 30 points) on the chart."""
    if len(layers.groups) < 2:
        return False
    figure = _root(ax)
    pixels = ax.transData.transform(np.array([group.point for group in layers.groups]))
    gaps = np.hypot(*(pixels[:, None, :] - pixels[None, :, :]).transpose(2, 0, 1))
    return bool(gaps[np.triu_indices(len(pixels), 1)].min() < 30 * figure.dpi / 72)


_Window = tuple[tuple[float, float, float, float], tuple[float, float], tuple[float, float]]


def _inset(ax: Axes, layers: _Layers, taken: list[np.ndarray]) -> _Window | None:
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
            np.array([[s.utilities[i], s.utilities[j]] for s in layers.solutions]),
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
    # The window: the marked points take the lower-left 30% of it, magnified alike in both
    # directions (in axes fractions), so the frontier keeps its slope.
    zoom = max(extent[0] / (0.3 * width), extent[1] / (0.3 * height), 1e-9)
    zoom = max(zoom, 0.02 / min(width, height))
    size = np.array([width, height]) * zoom
    lower = marked_axes.min(axis=0) - size * 0.12
    corners = np.array([lower, lower + size])
    window = ax.transData.inverted().transform(ax.transAxes.transform(corners))
    return (
        (x0, y0, width, height),
        (float(window[0, 0]), float(window[1, 0])),
        (float(window[0, 1]), float(window[1, 1])),
    )


def _inset_points(layers: _Layers) -> np.ndarray:
    return np.vstack(
        [layers.cloud, layers.pareto, layers.frontier, layers.disagreement[None, :]]
        + [group.point[None, :] for group in layers.groups]
    )


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
        ax = _new_figure().add_subplot()
    figure = _root(ax)
    panel = _draw_panel(analysis, ax, parties, title)
    caption_text = _caption(analysis)
    caption = _caption_below(ax, caption_text, below=3.6, width=None)

    def relayout(listing: str) -> None:
        caption.set_text(f"{listing}\n{caption_text}")
        figure.draw_without_rendering()

    figure.draw_without_rendering()  # fix the layout: labels are placed in pixels
    _label_panel(panel, numbers, relayout)
    return ax


@dataclass
class _Panel:
    """A drawn panel waiting for its labels."""

    ax: Axes
    layers: _Layers
    span: np.ndarray
    two_parties: bool


def _draw_panel(
    analysis: Analysis, ax: Axes, parties: tuple[int, int], title: str | None
) -> _Panel:
    """Everything of one panel but the labels that need the final layout."""
    i, j = parties
    two_parties = analysis.space.n_parties == 2
    utilities = analysis.space.utilities
    solutions = _solutions(analysis)
    d = (float(analysis.disagreement[i]), float(analysis.disagreement[j]))
    xlim = _limits(utilities[i], [d[0], *(float(s.hull.utilities[i]) for s in solutions)])
    ylim = _limits(utilities[j], [d[1], *(float(s.hull.utilities[j]) for s in solutions)])
    layers = _layers(analysis, parties)
    top = None
    if two_parties and _close(layers, xlim, ylim):
        # Room at the top for a magnified view of the crowded solutions; no ticks there.
        top = ylim[1]
        ylim = (ylim[0], ylim[1] + HEADROOM * (ylim[1] - ylim[0]))
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    if top is not None:
        ticks = ax.get_yticks()
        ax.set_yticks(ticks[(ticks >= ylim[0]) & (ticks <= top)])
    span = np.array([xlim[1] - xlim[0], ylim[1] - ylim[0]])
    _draw(ax, layers, two_parties, span, 1.0)
    ax.set_xlabel(f"{party_label(analysis, i)} utility", fontsize=LABEL_SIZE)
    ax.set_ylabel(f"{party_label(analysis, j)} utility", fontsize=LABEL_SIZE)
    _style(ax)
    if title is None:
        title = (
            finding(analysis)
            if two_parties
            else f"{party_label(analysis, i)} and {party_label(analysis, j)}"
        )
    ax.set_title(_wrap(title, TITLE_WIDTH), loc="left", fontsize=TITLE_SIZE, pad=12)
    return _Panel(ax, layers, span, two_parties)


def _label_panel(
    panel: _Panel, numbers: bool, relayout: Callable[[str], None] | None = None
) -> str:
    """The labels of a drawn panel, once the layout is fixed: disagreement, zone, and the
    solutions (in a magnified inset when they crowd together). Returns the list that
    explains numbered solutions ("" when labelled directly)."""
    ax, layers = panel.ax, panel.layers
    figure = _root(ax)
    renderer = _renderer(figure)
    disagreement = _label_disagreement(ax, layers)
    texts = [disagreement]
    if layers.zopa is not None and (zone := _label_zopa(ax, layers, disagreement)) is not None:
        texts.append(zone)
    taken = [_pixel_box(text, renderer) for text in texts]
    if not layers.groups:
        return ""
    target = ax
    crowded = panel.two_parties and _crowded(ax, layers)
    inset = _inset(ax, layers, taken) if crowded else None
    if inset is not None:
        box, window_x, window_y = inset
        target = ax.inset_axes(box)
        target.set_xlim(*window_x)
        target.set_ylim(*window_y)
        _draw(target, layers, panel.two_parties, panel.span, 1.4)
        _style(target, inset=True)
        ax.indicate_inset_zoom(target, edgecolor=TEXT_GREY, alpha=0.9)
    return _label_solutions(target, layers, numbers, relayout, [] if inset else taken)


def _pixel_box(text: Text, renderer: Any) -> np.ndarray:
    """``[x0, y0, x1, y1]`` in pixels of a placed text with its box."""
    box = text.get_window_extent(renderer)
    return np.array([box.x0 - 4, box.y0 - 4, box.x1 + 4, box.y1 + 4])


def _style(ax: Axes, inset: bool = False) -> None:
    ax.tick_params(labelsize=TICK_SIZE - (2 if inset else 0))
    ax.grid(True, color="#e6e6e6", linewidth=0.7, zorder=0)
    ax.set_axisbelow(True)
    if inset:
        ax.set_facecolor("white")
        for spine in ax.spines.values():
            spine.set_edgecolor(TEXT_GREY)
        return
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def _label_disagreement(ax: Axes, layers: _Layers) -> Text:
    """'disagreement (d1, d2)' by its marker: below and left of it if that fits in the
    axes, else in the first corner that does."""
    figure = _root(ax)
    renderer = _renderer(figure)
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


def _label_zopa(ax: Axes, layers: _Layers, disagreement: Text) -> Text | None:
    """'zone of possible agreement' inside the shaded zone, by the disagreement point
    (above its label when that sits up and right), when it fits inside the zone."""
    figure = _root(ax)
    assert layers.zopa is not None
    above = 0.0
    alignment = (disagreement.get_horizontalalignment(), disagreement.get_verticalalignment())
    if alignment == ("left", "bottom"):
        renderer = _renderer(figure)
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
        color="#00664a",
        zorder=3,
        gid="zopa-label",
    )
    label.set_in_layout(False)
    box = label.get_window_extent(_renderer(figure))
    corners = np.array([[box.x0, box.y0], [box.x1, box.y0], [box.x0, box.y1], [box.x1, box.y1]])
    zone = MplPath(ax.transData.transform(layers.zopa))
    if not np.all(zone.contains_points(corners, radius=-2.0)):
        label.remove()  # the zone is too small to hold it
        return None
    return label


def _distinct_points(analysis: Analysis) -> int:
    """Distinct utility vectors: above ``DENSITY_THRESHOLD`` the cloud is a density."""
    utilities = analysis.space.utilities
    if utilities.shape[1] <= DENSITY_THRESHOLD:
        return utilities.shape[1]
    return int(np.unique(utilities[:2].T, axis=0).shape[0])


def _caption(analysis: Analysis, panels: bool = False) -> str:
    """What the marks mean, for the counts of this analysis."""
    counts = analysis.counts
    feasible = counts.feasible
    if feasible == 1:
        parts = ["Grey: the only feasible package."]
    elif _distinct_points(analysis) > DENSITY_THRESHOLD:
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
        parts.append(f"Blue dots: {what} no party finds worse than disagreement.")
    if not panels and analysis.hull_frontier.size > 1:
        parts.append("Blue line: the frontier with lotteries (mixes of packages).")
    if panels:
        parts.append("Each panel projects the packages on two parties' utilities.")
    solutions = _solutions(analysis)
    if solutions:
        parts.append("Coloured markers: the bargaining solutions, lotteries allowed")
        scale = np.ptp(analysis.space.utilities, axis=1) * 1.1  # about the axes' ranges
        if any(np.any(np.abs(s.utilities - s.hull.utilities) > 0.004 * scale) for s in solutions):
            parts[-1] += "; hollow: the best single package, where it differs"
        parts[-1] += "."
    return _wrap(" ".join(parts), 110 if not panels else 150)


def frontier_figure(analysis: Analysis) -> Figure:
    """The frontier chart as a figure: one panel for two parties; for three or more, one
    panel per pair of parties (projections of the packages and the solutions, which are
    numbered alike in every panel), under one title stating the finding."""
    n_parties = analysis.space.n_parties
    if n_parties == 2:
        figure = _new_figure()
        plot_frontier(analysis, figure.add_subplot())
        figure.suptitle(
            analysis.space.scenario.name, x=0.01, ha="left", fontsize=NOTE_SIZE, color=TEXT_GREY
        )
        return figure
    pairs = list(combinations(range(n_parties), 2))
    columns = min(3, len(pairs))
    rows = -(-len(pairs) // columns)
    figure = _new_figure(5.6 * columns, 5.2 * rows + 2.4)
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
        f"{_label_list(groups, numbered=True)}\n{caption}" if groups else caption,
        transform=footer.transAxes,
        ha="left",
        va="top",
        fontsize=NOTE_SIZE,
        color=TEXT_GREY,
        linespacing=1.4,
        gid="caption",
    )
    figure.suptitle(
        f"{analysis.space.scenario.name}\n" + _wrap(finding(analysis), 45 * columns),
        x=0.01,
        ha="left",
        fontsize=TITLE_SIZE,
    )
    figure.draw_without_rendering()  # fix the layout: labels are placed in pixels
    for panel in panels:
        _label_panel(panel, numbers=True)
    return figure


# --------------------------------------------------------------------------------------------
# Curves: the equilibrium against the deadline, and against a discount factor

PARTY_STYLES: tuple[tuple[str, str], ...] = (
    (OKABE_ITO["blue"], "o"),
    (OKABE_ITO["vermillion"], "s"),
    (OKABE_ITO["bluish_green"], "D"),
    (OKABE_ITO["reddish_purple"], "^"),
    (OKABE_ITO["orange"], "v"),
    (OKABE_ITO["sky_blue"], "P"),
    (OKABE_ITO["black"], "X"),
)
"""Colour and marker of each party on the curve charts, in party order (cycled)."""

STATED_COLOUR = "#fbeeb8"
"""Background of the scenario's own deadline (a light tint of the Okabe–Ito yellow)."""


def party_style(index: int) -> tuple[str, str]:
    """Colour and marker of party ``index`` on the curve charts."""
    return PARTY_STYLES[index % len(PARTY_STYLES)]


def _pair(a: float, b: float) -> tuple[str, str]:
    """Two numbers for a sentence: 2 decimals, or 3 when 2 would make them look equal."""
    first, second = f"{a:.2f}", f"{b:.2f}"
    if first == second and abs(a - b) > TOLERANCE:
        first, second = f"{a:.3f}", f"{b:.3f}"
    return first, second


def _deadline_phrase(curve: DeadlineCurve, deadline: int) -> str:
    return deadline_words(curve.round_label, deadline)


def deadline_finding(curve: DeadlineCurve) -> str:
    """The deadline chart's title: what a deadline does, with the numbers.

    With a deadline in the scenario: what it gives each party against open-ended talks
    (the party that makes the last offer first). Otherwise: what the shortest deadlines
    give the first proposer against open-ended talks.
    """
    deadlines = [int(d) for d in curve.deadlines]
    limit = curve.limit_payoffs
    if curve.stated is not None and curve.stated in deadlines:
        row = curve.payoffs[deadlines.index(curve.stated)]
        last = int(curve.last_proposers[deadlines.index(curve.stated)])
        order = list(range(len(curve.parties)))
        lead = last if last >= 0 else int(np.argmax(np.abs(row - limit)))
        order.remove(lead)
        now, then = _pair(float(row[lead]), float(limit[lead]))
        deadline = _deadline_phrase(curve, curve.stated)
        if np.all(np.abs(row - limit) <= 0.0005):
            return (
                f"A deadline of {deadline} changes little: {curve.labels[lead]} gets {now} "
                f"with it and {then} in open-ended talks"
            )
        ranges = _limit_ranges(curve)
        if len(ranges):
            low, high = _pair(float(ranges[lead, 0]), float(ranges[lead, 1]))
            return (
                f"A deadline of {deadline} settles the deal: {curve.labels[lead]} gets {now}; "
                f"open-ended talks allow anything from {low} to {high}"
            )
        text = (
            f"A deadline of {deadline} shifts the deal: {curve.labels[lead]} {now} against "
            f"{then} in open-ended talks"
        )
        for k in order:
            now, then = _pair(float(row[k]), float(limit[k]))
            text += f", {curve.labels[k]} {now} against {then}"
        return text
    everything = np.vstack([curve.payoffs, limit[None, :]])
    if np.all(np.ptp(everything, axis=0) <= 0.0005):
        values = ", ".join(
            f"{label} {value:.3f}" for label, value in zip(curve.labels, limit, strict=True)
        )
        return f"The deadline changes nothing: {values}, with any deadline and without one"
    first = curve.first_proposer
    shown = deadlines[:2]
    parts = [
        f"{curve.payoffs[0, first]:.2f} with a deadline of {_deadline_phrase(curve, shown[0])}"
    ]
    if len(shown) > 1:
        parts.append(f"{curve.payoffs[1, first]:.2f} with {_deadline_phrase(curve, shown[1])}")
    prefix = ""
    if len({int(p) for p in curve.last_proposers if p >= 0}) > 1:
        prefix = "Whoever makes the last offer gains: "
    return (
        f"{prefix}{curve.labels[first]} gets {', '.join(parts)} and {limit[first]:.2f} "
        "in open-ended talks"
    )


def _axis_unit(label: str | None) -> str:
    unit = round_unit(label)
    if unit is None:
        return "rounds"
    if unit[0] == 1:
        return f"{unit[1]}s"
    return f"rounds of {label}"


def _right_labels(
    ax: Axes, items: list[tuple[float, str, str, str]], x: float, gap_lines: float = 1.15
) -> list[Annotation]:
    """Labels at the right of the axes, level with data ``y`` values and moved apart just
    enough not to overlap: ``items`` are ``(y, text, colour, gid)``."""
    figure = _root(ax)
    figure.draw_without_rendering()
    renderer = _renderer(figure)
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
    heights = [Text.get_window_extent(label, renderer).height for label in placed]
    centres = np.array([ax.transData.transform((0.0, y))[1] for y, *_ in items])
    order = np.argsort(centres, kind="stable")
    wanted = centres[order]
    sizes = np.array(heights)[order]
    moved = wanted.copy()
    for _ in range(len(moved) * 4):  # push neighbours apart until nothing overlaps
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
    return placed


def _caption_below(ax: Axes, text: str, below: float = 3.4, width: int | None = 110) -> Annotation:
    """A grey caption under the axes, ``below`` label heights down, wrapped at ``width``
    characters (None: as given)."""
    return ax.annotate(
        text if width is None else _wrap(text, width),
        xy=(0.0, 0.0),
        xycoords="axes fraction",
        xytext=(0, -below * LABEL_SIZE),
        textcoords="offset points",
        ha="left",
        va="top",
        fontsize=NOTE_SIZE - 1,
        color=TEXT_GREY,
        linespacing=1.4,
        annotation_clip=False,
        gid="caption",
    )


def _curve_values(curve: DeadlineCurve | DiscountCurve) -> tuple[str, str]:
    """What the y axis shows: ``(axis label, caption sentence)``."""
    if curve.immediate:
        return (
            "equilibrium utility of the deal",
            "Every equilibrium shown agrees at once, so payoffs are the utilities of the deal.",
        )
    return (
        "equilibrium payoff",
        "Payoffs: the deal's utility discounted to round 0, less delay costs, with breakdown risk.",
    )


def _limit_ranges(curve: DeadlineCurve) -> np.ndarray:
    """``(n_parties, 2)`` utility ranges of the open-ended equilibria when they are not
    unique; ``(0, 2)`` otherwise."""
    if curve.limit_unique or curve.limit_ranges is None:
        return np.zeros((0, 2))
    return np.asarray(curve.limit_ranges, dtype=float)


def _padded(values: np.ndarray, top: float = 1.0) -> tuple[float, float]:
    """y limits around ``values``: a margin, and a span of at least 0.1 utility so that
    flat curves do not magnify rounding."""
    low, high = float(np.min(values)), float(np.max(values))
    if high - low < 0.1:
        middle = (high + low) / 2
        low, high = middle - 0.05, middle + 0.05
    pad = (high - low) * 0.08
    return low - pad, high + pad * top


def plot_deadline(curve: DeadlineCurve, ax: Axes | None = None) -> Axes:
    """Each party's equilibrium payoff against the deadline, and in open-ended talks.

    Lines with markers: the subgame-perfect equilibrium with each deadline (filled
    markers: that party makes the last offer, hollow: the other side does), showing
    the last-mover advantage as a zigzag. Dashed lines: the equilibrium without a
    deadline, which the zigzag converges to (Rubinstein 1982 for two parties). Shaded
    column: the scenario's own deadline, with each party's number. Direct labels at the
    right; the title states the finding (:func:`deadline_finding`).
    """
    if ax is None:
        ax = _curve_figure().add_subplot()
    x = curve.deadlines.astype(float)
    ylabel, values_note = _curve_values(curve)
    n_parties = len(curve.parties)
    for i in range(n_parties):
        colour, marker = party_style(i)
        ax.axhline(
            float(curve.limit_payoffs[i]),
            color=colour,
            linewidth=1.6,
            linestyle=(0, (5, 3)),
            zorder=2,
            gid=f"limit-{curve.parties[i]}",
        )
        ax.plot(
            x,
            curve.payoffs[:, i],
            color=colour,
            linewidth=1.8,
            marker=marker,
            markersize=7,
            markerfacecolor="white",
            markeredgewidth=1.5,
            zorder=3,
            gid=f"deadline-{curve.parties[i]}",
        )
        last = (curve.last_proposers == i) | (curve.last_proposers < 0)
        if last.any():
            ax.scatter(
                x[last],
                curve.payoffs[last, i],
                s=49,
                marker=marker,
                color=colour,
                linewidths=0,
                zorder=4,
                gid=f"last-offer-{curve.parties[i]}",
            )
    ranges = _limit_ranges(curve)
    everything = np.concatenate([curve.payoffs.ravel(), curve.limit_payoffs, ranges.ravel()])
    ax.set_ylim(*_padded(everything, top=1.8))
    right = float(x.max()) + 0.6
    for i, (low, high) in enumerate(ranges):
        if high - low > TOLERANCE:  # open-ended talks have many equilibria: their range
            ax.plot([right + 0.25 * (i + 1)] * 2, [low, high], color=party_style(i)[0],
                    linewidth=5, solid_capstyle="butt", alpha=0.5, zorder=2, clip_on=False,
                    gid=f"limit-range-{curve.parties[i]}")  # fmt: skip
    if len(ranges):
        right += 0.25 * (len(ranges) + 1)
    ax.set_xlim(float(x.min()) - 0.6, right)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=min(len(x), 20)))
    unit = _axis_unit(curve.round_label)
    ax.set_xlabel(f"deadline ({unit})", fontsize=LABEL_SIZE)
    ax.set_ylabel(ylabel, fontsize=LABEL_SIZE)
    _style(ax)
    deadlines = [int(d) for d in curve.deadlines]
    if curve.stated is not None and curve.stated in deadlines:
        stated = float(curve.stated)
        ax.axvspan(stated - 0.4, stated + 0.4, color=STATED_COLOUR, linewidth=0, zorder=0,
                   gid="stated-deadline")  # fmt: skip
        first, final = int(curve.deadlines.min()), int(curve.deadlines.max())
        side = "left" if curve.stated == first else "right" if curve.stated == final else "center"
        ax.annotate(
            f"the scenario's deadline:\n{_deadline_phrase(curve, curve.stated)}",
            xy=(stated + {"left": -0.4, "right": 0.4, "center": 0.0}[side], 1.0),
            xycoords=("data", "axes fraction"),
            xytext=(0, -4),
            textcoords="offset points",
            ha=side,
            va="top",
            fontsize=NOTE_SIZE - 1,
            color=TEXT_GREY,
            gid="stated-label",
        )
        row = curve.payoffs[deadlines.index(curve.stated)]
        top = int(np.argmax(row))
        for i in range(n_parties):
            colour, _ = party_style(i)
            above = i == top
            if abs(float(row[i]) - float(curve.limit_payoffs[i])) > 0.01:
                # the shift from open-ended talks to the scenario's deadline
                ax.annotate(
                    "",
                    xy=(stated + 0.25, float(row[i])),
                    xytext=(stated + 0.25, float(curve.limit_payoffs[i])),
                    arrowprops={"arrowstyle": "-|>", "color": colour, "linewidth": 1.4,
                                "shrinkA": 0, "shrinkB": 4, "mutation_scale": 12},
                    zorder=5,
                    gid=f"shift-{curve.parties[i]}",
                )  # fmt: skip
            shift = float(row[i] - curve.limit_payoffs[i])
            ax.annotate(
                f"{row[i]:.3f} ({shift:+.3f})" if abs(shift) > 0.0005 else f"{row[i]:.3f}",
                xy=(stated, float(row[i])),
                xytext=(9, 7 if above else -7),
                textcoords="offset points",
                ha="left",
                va="bottom" if above else "top",
                fontsize=NOTE_SIZE,
                fontweight="bold",
                color=colour,
                bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none",
                      "alpha": 0.85},
                zorder=6,
                gid=f"stated-value-{curve.parties[i]}",
            )  # fmt: skip
    ax.set_title(_wrap(deadline_finding(curve), TITLE_WIDTH), loc="left",
                 fontsize=TITLE_SIZE, pad=12)  # fmt: skip
    limit_name = "open-ended"
    items = [
        (
            float(curve.limit_payoffs[i]),
            f"{curve.labels[i]}\n{limit_name}: {curve.limit_payoffs[i]:.3f}",
            party_style(i)[0],
            f"label-{curve.parties[i]}",
        )
        for i in range(n_parties)
    ]
    _right_labels(ax, items, 1.0)
    span = f"1 to {_deadline_phrase(curve, int(x.max()))}" if x.min() == 1 else "each deadline"
    limit_words = "open-ended talks (no deadline), the limit of ever longer deadlines"
    if curve.protocol == "alternating_offers" and n_parties == 2:
        limit_words += " (Rubinstein 1982)"
    caption = [
        f"Solid: the subgame-perfect equilibrium with a deadline of {span}.",
    ]
    if bool(np.any(curve.last_proposers >= 0)):
        caption.append(
            "Filled markers: deadlines at which that party makes the last offer (the "
            "last-mover advantage)."
        )
    caption.append(f"Dashed: {limit_words}.")
    if curve.stated is not None and curve.stated in deadlines:
        caption.append(
            "Arrows and numbers in brackets: the shift from open-ended talks to the "
            "scenario's deadline."
        )
    if len(ranges):
        caption.append(
            "Bars at the right: open-ended talks have many equilibria, over that range; the "
            "dashed line is the one best for the first proposer."
        )
    caption.append(values_note)
    _caption_below(ax, " ".join(caption))
    return ax


def deadline_figure(curve: DeadlineCurve) -> Figure:
    """The deadline chart (:func:`plot_deadline`) as a figure, the scenario named above."""
    figure = _curve_figure()
    plot_deadline(curve, figure.add_subplot())
    figure.suptitle(curve.scenario, x=0.01, ha="left", fontsize=NOTE_SIZE, color=TEXT_GREY)
    return figure


def _moves(a: float, b: float) -> str:
    first, second = _pair(a, b)
    if first == second:
        return f"stays at {first}"
    return f"{'rises' if b > a else 'falls'} from {first} to {second}"


def discount_finding(curve: DiscountCurve) -> str:
    """The discount chart's title: how the party's own utility moves with its patience."""
    k = curve.party
    label = curve.labels[k]
    x0, x1 = float(curve.discounts[0]), float(curve.discounts[-1])
    moves = _moves(float(curve.payoffs[0, k]), float(curve.payoffs[-1, k]))
    text = (
        f"{label}'s {_value_word(curve)} {moves} as its discount factor goes from {x0:g} to {x1:g}"
    )
    if curve.deadline is not None:
        text += f", with a deadline of {deadline_words(curve.round_label, curve.deadline)}"
        if curve.open_payoffs is not None:
            moves = _moves(float(curve.open_payoffs[0, k]), float(curve.open_payoffs[-1, k]))
            text += f"; in open-ended talks it {moves}"
    return text


def _value_word(curve: DeadlineCurve | DiscountCurve) -> str:
    return "utility" if curve.immediate else "payoff"


def _per_round(label: str | None) -> str:
    unit = round_unit(label)
    return f"per {unit[1]}" if unit is not None and unit[0] == 1 else "per round"


def plot_discount(curve: DiscountCurve, ax: Axes | None = None) -> Axes:
    """Each party's equilibrium payoff against one party's discount factor: solid under
    the scenario's protocol, dashed without its deadline (when it has one); a dotted
    vertical line at the stated discount factor. Direct labels at the right."""
    if ax is None:
        ax = _curve_figure().add_subplot()
    x = curve.discounts
    ylabel, values_note = _curve_values(curve)
    n_parties = len(curve.parties)
    items = []
    has_deadline = curve.deadline is not None
    deadline_text = (
        deadline_words(curve.round_label, curve.deadline) if curve.deadline is not None else ""
    )
    for i in range(n_parties):
        colour, marker = party_style(i)
        ax.plot(x, curve.payoffs[:, i], color=colour, linewidth=2.0, zorder=3, marker=marker,
                markersize=5, markevery=max(len(x) // 10, 1),
                gid=f"discount-{curve.parties[i]}")  # fmt: skip
        name = curve.labels[i] + (f", {deadline_text}" if has_deadline else "")
        items.append((float(curve.payoffs[-1, i]), name, colour, f"label-{curve.parties[i]}"))
        if curve.open_payoffs is not None:
            ax.plot(x, curve.open_payoffs[:, i], color=colour, linewidth=1.6,
                    linestyle=(0, (5, 3)), zorder=2, gid=f"open-{curve.parties[i]}")  # fmt: skip
            items.append(
                (
                    float(curve.open_payoffs[-1, i]),
                    f"{curve.labels[i]}, open-ended",
                    colour,
                    f"label-open-{curve.parties[i]}",
                )
            )
    arrays = [curve.payoffs.ravel()]
    if curve.open_payoffs is not None:
        arrays.append(curve.open_payoffs.ravel())
    ax.set_ylim(*_padded(np.concatenate(arrays)))
    width = float(x.max() - x.min()) or 0.1
    ax.set_xlim(float(x.min()) - 0.02 * width, float(x.max()) + 0.02 * width)
    stated = curve.stated
    if x.min() - TOLERANCE <= stated <= x.max() + TOLERANCE:
        ax.axvline(stated, color=TEXT_GREY, linewidth=1.0, linestyle=":", zorder=1,
                   gid="stated-discount")  # fmt: skip
        ax.annotate(
            f"stated: {stated:g}",
            xy=(stated, 1.0),
            xycoords=("data", "axes fraction"),
            xytext=(-4, -4),
            textcoords="offset points",
            ha="right",
            va="top",
            fontsize=NOTE_SIZE - 1,
            color=TEXT_GREY,
            gid="stated-label",
        )
    ax.set_xlabel(
        f"{curve.labels[curve.party]}'s discount factor ({_per_round(curve.round_label)})",
        fontsize=LABEL_SIZE,
    )
    ax.set_ylabel(ylabel, fontsize=LABEL_SIZE)
    _style(ax)
    ax.set_title(_wrap(discount_finding(curve), TITLE_WIDTH), loc="left",
                 fontsize=TITLE_SIZE, pad=12)  # fmt: skip
    _right_labels(ax, items, 1.0)
    caption = []
    if has_deadline:
        caption.append(
            f"Solid: the subgame-perfect equilibrium with a deadline of {deadline_text}."
        )
        if curve.open_payoffs is not None:
            caption.append("Dashed: open-ended talks (no deadline).")
    else:
        caption.append("The subgame-perfect equilibrium of open-ended talks (no deadline).")
    caption.append(values_note)
    _caption_below(ax, " ".join(caption))
    return ax


def discount_figure(curve: DiscountCurve) -> Figure:
    """The discount chart (:func:`plot_discount`) as a figure, the scenario named above."""
    figure = _curve_figure()
    plot_discount(curve, figure.add_subplot())
    figure.suptitle(curve.scenario, x=0.01, ha="left", fontsize=NOTE_SIZE, color=TEXT_GREY)
    return figure


# --------------------------------------------------------------------------------------------
# Screening: a deadline of offers against a responder with private information

DEAL_COLOUR = OKABE_ITO["blue"]
LAST_COLOUR = OKABE_ITO["vermillion"]
ACCEPT_COLOUR = OKABE_ITO["orange"]
NO_DEAL_COLOUR = "#9a9a9a"


def _round_number(label: str | None, round_index: int) -> str:
    """The number people use for a round: ``"3"`` for day 3 (round 2) of rounds of
    ``"1 day"``; the round index otherwise."""
    return round_name(label, round_index).split()[-1]


def _round_noun(label: str | None) -> str:
    name = round_name(label, 0)
    return name.split()[0]


def _share(value: float) -> str:
    """A probability in a title: whole percent, one decimal below 10%."""
    return f"{value:.0%}" if value >= 0.095 else f"{value:.1%}"


def screening_finding(screening: Any) -> str:
    """The screening chart's title: how likely the talks are to end in a deal, and when.

    "The US's 7 days of offers end in a deal with probability 0.81: 38% of deals on
    day 1, 8.6% on the last day"."""
    scenario = screening.space.scenario
    label = scenario.protocol.round_label
    solution = screening.solution
    by_round = np.asarray(solution.agreement_probability, dtype=float)
    deadline = int(by_round.size)
    proposer = scenario.parties[screening.proposer].label
    window = deadline_words(label, deadline)
    offers = "one offer" if deadline == 1 else f"{window} of offers"
    agreed = 1.0 - float(solution.no_agreement_probability)
    share = screening.final_round_share
    head = f"{offers[0].upper()}{offers[1:]} by {proposer}"
    verb = "ends" if deadline == 1 else "end"
    if share is None:
        return f"{head} never {verb[:-1]} in a deal: every type rejects every offer"
    text = f"{head} {verb} in a deal with probability {_share(agreed)}"
    if deadline == 1:
        return text
    noun = _round_noun(label)
    last = f"{_share(float(by_round[-1]))} on the last {noun} ({share:.0%} of all deals)"
    peak = int(np.argmax(by_round))
    if peak == deadline - 1 or share >= 1.0 / deadline:
        return f"{text}; {last}: the deadline effect"
    return f"{text}: {_share(float(by_round[peak]))} on {round_name(label, peak)}, only {last}"


def _plot_screening_rounds(screening: Any, ax: Axes) -> None:
    """Left panel: the unconditional probability of a deal in each round (bars), a bar for
    no deal, and the conditional acceptance probability (a line), on one probability axis."""
    scenario = screening.space.scenario
    label = scenario.protocol.round_label
    solution = screening.solution
    by_round = np.asarray(solution.agreement_probability, dtype=float)
    accept = np.asarray(solution.accept_probability, dtype=float)
    deadline = int(by_round.size)
    responder = scenario.parties[screening.responder].label
    x = np.arange(deadline, dtype=float)
    colours = [DEAL_COLOUR] * (deadline - 1) + [LAST_COLOUR]
    bars = ax.bar(x, by_round, width=0.7, color=colours, zorder=3, gid="deal-bars")
    no_deal = float(solution.no_agreement_probability)
    gap = deadline + 0.4
    ax.bar(
        [gap],
        [no_deal],
        width=0.7,
        color="white",
        edgecolor=NO_DEAL_COLOUR,
        hatch="///",
        linewidth=1.0,
        zorder=3,
        gid="no-deal-bar",
    )
    ax.annotate(
        f"no deal\n{no_deal:.0%}",
        xy=(gap, no_deal),
        xytext=(0, 3),
        textcoords="offset points",
        ha="center",
        va="bottom",
        fontsize=NOTE_SIZE - 1,
        color=TEXT_GREY,
        fontweight="bold",
    )
    deadline_x = deadline - 0.5 + 0.2
    ax.axvline(deadline_x, color=TEXT_GREY, linewidth=1.0, linestyle=(0, (4, 3)), zorder=2)
    ax.plot(
        x,
        accept,
        color=ACCEPT_COLOUR,
        marker="o",
        markersize=6,
        linewidth=2.0,
        zorder=4,
        gid="accept-line",
    )
    top = max(float(np.max(accept)), float(np.max(by_round)), no_deal)
    ymax = min(1.0, top * 1.25 + 0.05) if top < 0.8 else 1.08
    ax.set_ylim(0, ymax)
    for bar, value in zip(bars, by_round, strict=True):
        inside = value > 0.2 * ymax
        ax.annotate(
            _share(float(value)),
            xy=(bar.get_x() + bar.get_width() / 2, value),
            xytext=(0, -9 if inside else 3),
            textcoords="offset points",
            ha="center",
            va="top" if inside else "bottom",
            fontsize=NOTE_SIZE - 1,
            color="white" if inside else TEXT_GREY,
            fontweight="bold" if inside else "normal",
        )
    ax.annotate(
        "deadline:\nwindow closes",
        xy=(deadline_x, 1.0),
        xycoords=("data", "axes fraction"),
        xytext=(-4, -2),
        textcoords="offset points",
        ha="right",
        va="top",
        fontsize=NOTE_SIZE,
        color=TEXT_GREY,
    )
    ax.annotate(
        _wrap(f"{responder} accepts, if still talking", 22),
        xy=(x[-1], float(accept[-1])),
        xytext=(-10, 6),
        textcoords="offset points",
        ha="right",
        va="bottom",
        fontsize=NOTE_SIZE,
        color=ACCEPT_COLOUR,
        fontweight="bold",
    )
    peak = int(np.argmax(by_round))
    tall = float(by_round[peak]) > 0.45 * ymax
    ax.annotate(
        f"deal on that {_round_noun(label)}" + ("" if tall else ", from the start"),
        xy=(float(x[peak]), float(by_round[peak]) / 2 if tall else float(by_round[peak])),
        xytext=(0, 0) if tall else (0, 16),
        textcoords="offset points",
        ha="center",
        va="center" if tall else "bottom",
        rotation=90 if tall else 0,
        fontsize=NOTE_SIZE,
        color="white" if tall else DEAL_COLOUR,
        fontweight="bold",
    )
    ax.set_xticks([*x, gap])
    ax.set_xticklabels([_round_number(label, t) for t in range(deadline)] + ["after"])
    noun = _round_noun(label)
    ax.set_xlabel(
        f"{noun} (the window lasts {deadline_words(label, deadline)})", fontsize=LABEL_SIZE
    )
    ax.set_title(
        f"How likely a deal is on each {noun}",
        loc="left",
        fontsize=LABEL_SIZE,
        color=TEXT_GREY,
    )
    ax.set_ylabel("probability", fontsize=LABEL_SIZE)
    ax.yaxis.set_major_formatter(lambda value, _: f"{value:.0%}")
    ax.set_xlim(-0.6, gap + 0.6)
    _style(ax)
    ax.grid(False, axis="x")


def _plot_screening_offers(screening: Any, ax: Axes) -> None:
    """Right panel: the offers' path on the frontier of the offer set, numbered by round."""
    from negsim.analysis.equilibrium import offer_space

    space = screening.space
    scenario = space.scenario
    label = scenario.protocol.round_label
    names = scenario.party_names
    utilities = space.utilities
    cloud = np.unique(np.column_stack([utilities[0], utilities[1]]), axis=0)
    _draw_cloud(ax, cloud, 0.6)
    offers = offer_space(space).offers
    points = getattr(offers, "vertices", getattr(offers, "points", np.zeros((2, 0))))
    order = np.argsort(points[0], kind="stable")
    ax.plot(
        points[0, order],
        points[1, order],
        color=FRONTIER_COLOUR,
        linewidth=1.6,
        marker="o",
        markersize=3,
        zorder=3,
        gid="frontier",
        drawstyle="default" if scenario.protocol.lotteries else "steps-post",
    )
    d = np.asarray(space.disagreement, dtype=float)
    guides: dict[str, Any] = {
        "color": TEXT_GREY,
        "linewidth": 0.9,
        "linestyle": (0, (4, 3)),
        "zorder": 2,
    }
    ax.axvline(d[0], **guides)
    ax.axhline(d[1], **guides)
    proposer, responder = screening.proposer, screening.responder
    distribution = screening_distribution(screening)
    known = "" if distribution is None else f": {distribution_words(distribution)}"
    private = _wrap(
        f"{names[responder]}'s stated {screening.parameter} {d[responder]:.2f}; "
        f"{names[proposer]} knows only the distribution{known}",
        30,
    )
    ax.annotate(
        f"{names[proposer]}'s disagreement {d[proposer]:.2f}" if proposer == 0 else private,
        xy=(d[0], 0.0),
        xycoords=("data", "axes fraction"),
        xytext=(4, 4),
        textcoords="offset points",
        ha="left",
        va="bottom",
        fontsize=NOTE_SIZE - 1,
        color=TEXT_GREY,
    )
    ax.annotate(
        private if proposer == 0 else f"{names[proposer]}'s disagreement {d[proposer]:.2f}",
        xy=(0.0, d[1]),
        xycoords=("axes fraction", "data"),
        xytext=(4, -4),
        textcoords="offset points",
        ha="left",
        va="top",
        fontsize=NOTE_SIZE - 1,
        color=TEXT_GREY,
    )
    path = np.array([u for u in screening.offer_utilities if u is not None], dtype=float)
    rounds = [t for t, u in enumerate(screening.offer_utilities) if u is not None]
    if path.size:
        ax.plot(
            path[:, 0],
            path[:, 1],
            color=LAST_COLOUR,
            linewidth=1.4,
            marker="o",
            markersize=7,
            markerfacecolor="white",
            markeredgewidth=1.6,
            zorder=5,
            gid="offer-path",
        )
        for t, (u0, u1) in zip(rounds, path, strict=True):
            ax.annotate(
                _round_number(label, t),
                xy=(u0, u1),
                xytext=(7, 5),
                textcoords="offset points",
                ha="left",
                va="bottom",
                fontsize=NOTE_SIZE - 1,
                color=LAST_COLOUR,
                fontweight="bold",
            )
        first, last = path[0], path[-1]
        span = f"{round_name(label, rounds[0])} to {round_name(label, rounds[-1])}"
        ax.annotate(
            f"offers, {span}:\n"
            f"{names[responder]} {first[responder]:.2f} to {last[responder]:.2f}\n"
            f"{names[proposer]} {first[proposer]:.2f} to {last[proposer]:.2f}",
            xy=(0.97, 0.97),
            xycoords="axes fraction",
            ha="right",
            va="top",
            fontsize=NOTE_SIZE,
            color=LAST_COLOUR,
            fontweight="bold",
            linespacing=1.3,
        )
    ax.set_title(
        f"Offers of {scenario.parties[proposer].label} by {_round_noun(label)}, along the frontier",
        loc="left",
        fontsize=LABEL_SIZE,
        color=TEXT_GREY,
    )
    ax.set_xlabel(f"utility of {scenario.parties[0].label} ({names[0]})", fontsize=LABEL_SIZE)
    ax.set_ylabel(f"utility of {scenario.parties[1].label} ({names[1]})", fontsize=LABEL_SIZE)
    _style(ax)


def screening_figure(screening: Any) -> Figure:
    """The screening chart of a :class:`~negsim.analysis.screening.Screening` record: per round,
    how likely a deal is (bars, the last round marked, no deal stated) and how likely the
    responder is to accept if still talking (line); beside it, the offers' path on the
    frontier of the offer set, numbered by round. The title states the finding
    (:func:`screening_finding`)."""
    figure = _new_figure(13.0, 6.4)
    left, right = figure.subplots(1, 2, width_ratios=[1.15, 1.0])
    _plot_screening_rounds(screening, left)
    _plot_screening_offers(screening, right)
    figure.suptitle(
        _wrap(screening_finding(screening), 110),
        x=0.01,
        ha="left",
        fontsize=TITLE_SIZE,
        fontweight="bold",
    )
    return figure


# --------------------------------------------------------------------------------------------
# Simulated negotiations: when agreements happen


def plot_agreements(result: Any, ax: Axes | None = None, round_label: str | None = None) -> Axes:
    """The share of simulated runs that agree in each round, the last round highlighted
    (the deadline spike, if any), with the share that never agrees stated.

    ``result`` is a :class:`negsim.studies.simulate.SimulationResult`.
    """
    if ax is None:
        ax = _new_figure().add_subplot()
    counts = np.asarray(result.agreement_round_histogram, dtype=float)
    shares = counts / result.runs
    rounds = np.arange(counts.size)
    colours = [DEAL_COLOUR] * counts.size
    if result.deadline is not None and counts.size:
        colours[-1] = LAST_COLOUR
    ax.bar(rounds, shares, color=colours, width=0.8, zorder=3)
    if result.deadline is not None:
        ax.axvline(counts.size - 0.5, color=TEXT_GREY, linestyle="--", linewidth=1.2)
        ax.text(counts.size - 0.55, 1.0, "deadline", transform=ax.get_xaxis_transform(),
                ha="right", va="top", fontsize=NOTE_SIZE, color=TEXT_GREY)  # fmt: skip
    noun = _round_noun(round_label) if round_label else "round"
    ax.set_xlabel(f"{noun} of agreement" if noun != "round" else "round of agreement (0 = first)",
                  fontsize=LABEL_SIZE)  # fmt: skip
    ax.set_ylabel("share of simulated runs", fontsize=LABEL_SIZE)
    ax.yaxis.set_major_formatter(lambda value, _: f"{value:.0%}")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    _style(ax)
    ax.set_title(agreements_finding(result), loc="left", fontsize=TITLE_SIZE, wrap=True)
    return ax


def agreements_finding(result: Any) -> str:
    """The title of the agreements chart: the agreement rate and the last-round share."""
    rate = result.agreement_rate
    text = f"{_share(rate)} of {result.runs:,} simulated negotiations end in a deal"
    share = result.final_round_share
    if result.deadline is not None and share is not None:
        text += f"; {_share(share)} of the deals come in the last round"
    return text


def agreements_figure(result: Any, round_label: str | None = None) -> Figure:
    """The agreements chart (:func:`plot_agreements`) as a figure."""
    figure = _new_figure(10.0, 6.0)
    plot_agreements(result, figure.add_subplot(), round_label)
    return figure


def plot_concessions(trace: Any, ax: Axes | None = None) -> Axes:
    """Each agent's target utility over the rounds (line) and the offers: filled markers
    for its own offers (their value to itself), hollow ones for the offers it receives; the
    round of agreement marked. ``trace`` is a :class:`negsim.studies.simulate.ConcessionTrace`."""
    if ax is None:
        ax = _new_figure().add_subplot()
    rounds = np.arange(trace.targets.shape[0])
    for i, name in enumerate(trace.parties):
        colour, marker = party_style(i)
        agent = trace.agents[name]
        label = f"{name}: {agent['strategy']}"
        if agent["strategy"] != "tit_for_tat":
            label += f" ({agent['exponent']:g})"
        ax.plot(rounds, trace.targets[:, i], color=colour, linewidth=2.2, label=label)
        own = trace.proposers == i
        ax.plot(rounds[own], trace.offers[own, i], linestyle="none", marker=marker,
                color=colour, markersize=8)  # fmt: skip
        ax.plot(rounds[~own], trace.offers[~own, i], linestyle="none", marker=marker,
                markerfacecolor="white", markeredgecolor=colour, markersize=8)  # fmt: skip
        ax.axhline(trace.disagreement[i], color=colour, linestyle=":", linewidth=1.2)
        ax.annotate(label, (rounds[0], trace.targets[0, i]), xytext=(6, 6 - 18 * i),
                    textcoords="offset points", color=colour, fontsize=NOTE_SIZE,
                    fontweight="bold")  # fmt: skip
    if trace.agreement_round is not None:
        ax.axvline(trace.agreement_round, color=TEXT_GREY, linestyle="--", linewidth=1.2)
        ax.text(trace.agreement_round, 1.0, " agreement", transform=ax.get_xaxis_transform(),
                ha="left", va="top", fontsize=NOTE_SIZE, color=TEXT_GREY)  # fmt: skip
    noun = _round_noun(trace.round_label) if trace.round_label else "round"
    ax.set_xlabel(f"{noun} (0 = first)", fontsize=LABEL_SIZE)
    ax.set_ylabel("utility (own scale)", fontsize=LABEL_SIZE)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    _style(ax)
    ax.set_title(concessions_finding(trace), loc="left", fontsize=TITLE_SIZE, wrap=True)
    return ax


def concessions_finding(trace: Any) -> str:
    """The title of the concessions chart: when (and whether) the agents agree."""
    if trace.agreement_round is None:
        return f"At the stated values the agents do not agree within {trace.rounds} rounds"
    utilities = trace.offers[trace.agreement_round]
    terms = ", ".join(f"{n} {u:.2f}" for n, u in zip(trace.parties, utilities, strict=True))
    return (f"At the stated values the agents agree in round {trace.agreement_round} of "
            f"{trace.rounds}: {terms}")  # fmt: skip


def concessions_figure(trace: Any) -> Figure:
    """The concessions chart (:func:`plot_concessions`) as a figure."""
    figure = _new_figure(10.0, 6.0)
    plot_concessions(trace, figure.add_subplot())
    return figure


FIGURES: dict[str, Callable[..., Figure]] = {
    "frontier": frontier_figure,
    "deadline": deadline_figure,
    "discount": discount_figure,
    "screening": screening_figure,
    "agreements": agreements_figure,
    "concessions": concessions_figure,
}
"""Chart kinds of ``negsim plot --kind``: kind -> figure function. ``frontier`` takes an
:class:`~negsim.analysis.records.Analysis`; ``deadline`` and ``discount`` take the curve records of
:mod:`negsim.studies.curves` (plots never solve: the caller computes the curve); ``screening``
takes the :class:`~negsim.analysis.screening.Screening` record of an analysis; ``agreements`` a
:class:`~negsim.studies.simulate.SimulationResult`; ``concessions`` a
:class:`~negsim.studies.simulate.ConcessionTrace`."""


# --------------------------------------------------------------------------------------------
# Bytes


def figure_bytes(figure: Figure, file_format: str, dpi: int = 130) -> bytes:
    """The figure as PNG, SVG or PDF bytes; the same figure gives the same bytes (no
    creation dates, SVG ids from a fixed salt, text as paths)."""
    file_format = file_format.lower().lstrip(".")
    if file_format not in FORMATS:
        raise ValueError(f"unknown figure format {file_format!r}; use one of {', '.join(FORMATS)}")
    metadata: dict[str, Any] = {
        "png": {"Software": None},
        "svg": {"Date": None, "Creator": None},
        "pdf": {"CreationDate": None, "Creator": None, "Producer": None},
    }[file_format]
    buffer = io.BytesIO()
    with matplotlib.rc_context({"svg.hashsalt": SVG_HASH_SALT, "svg.fonttype": "path"}):
        if not isinstance(figure.canvas, FigureCanvasAgg):
            FigureCanvasAgg(figure)
        figure.savefig(buffer, format=file_format, dpi=dpi, metadata=metadata)
    return buffer.getvalue()
