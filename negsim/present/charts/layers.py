"""The layers of a frontier panel: which points it draws (:class:`Layers`, built by
:func:`build_layers`) and how (:func:`draw_layers`): the cloud of packages, the Pareto
frontier, the zone of possible agreement, the disagreement point and the solutions, each
solution with its own colour and marker shape.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.patches import Polygon

from negsim.analysis.records import (
    SOLUTION_LABELS,
    SOLUTION_NAMES,
    Analysis,
    Solution,
    expected_package,
)
from negsim.present.charts.style import OKABE_ITO, TEXT_GREY, shade
from negsim.present.words import format_level, join_words, package_in_words, plain_words

__all__ = [
    "CLOUD_COLOUR",
    "DENSITY_BINS",
    "DENSITY_THRESHOLD",
    "FRONTIER_COLOUR",
    "LABEL_WIDTH",
    "MARK_LABELS",
    "SOLUTION_STYLES",
    "ZOPA_COLOUR",
    "Layers",
    "Marked",
    "build_layers",
    "draw_cloud",
    "draw_layers",
    "equilibrium_mark",
    "shaded_cloud",
    "shown_package",
    "solution_style",
    "solutions_in_order",
]

SOLUTION_STYLES: dict[str, tuple[str, str]] = {
    "nash": (OKABE_ITO["vermillion"], "o"),
    "kalai_smorodinsky": (OKABE_ITO["orange"], "s"),
    "egalitarian": (OKABE_ITO["reddish_purple"], "D"),
    "utilitarian": (OKABE_ITO["sky_blue"], "^"),
    "equilibrium": ("#000000", "*"),
}
"""Colour and marker of each solution, and of the protocol's equilibrium."""

MARK_LABELS = {**SOLUTION_LABELS, "equilibrium": "Equilibrium"}
"""The label of each marked point: the solutions and the protocol's equilibrium."""


def solution_style(name: str) -> tuple[str, str]:
    """Colour and marker of a solution in the current chart style."""
    colour, marker = SOLUTION_STYLES[name]
    return shade(colour), marker


FRONTIER_COLOUR = OKABE_ITO["blue"]
ZOPA_COLOUR = OKABE_ITO["bluish_green"]
CLOUD_COLOUR = "#c6c6c6"

DENSITY_THRESHOLD = 50_000
"""Above this many distinct utility points the cloud is a 2-D histogram, not one dot each."""
DENSITY_BINS = 320
"""Columns of the 2-D histogram of a large cloud."""
LABEL_WIDTH = 30
"""Characters per line of a solution's label."""


def solutions_in_order(analysis: Analysis) -> list[Solution]:
    """The analysis's solutions, in ``SOLUTION_NAMES`` order."""
    return [
        solution
        for name in SOLUTION_NAMES
        if (solution := analysis.solutions.get(name)) is not None
    ]


def shown_package(analysis: Analysis, solution: Solution) -> Mapping[str, Any]:
    """The package a solution's marker stands for: the interpolated hull package when
    there is one (it has the marker's utilities), else the best single package; without
    one (only lotteries give every party a gain), the lottery's packages issue by issue:
    the members' common value, or ``"lottery of A and B"`` where they differ."""
    if solution.hull.package is not None:
        return solution.hull.package
    if solution.position is not None:
        return analysis.space.package(solution.position)
    packages = [analysis.space.package(member.position) for member in solution.hull.mix]
    shown: dict[str, Any] = {}
    for issue in packages[0]:
        values = [package[issue] for package in packages]
        distinct = [v for k, v in enumerate(values) if v not in values[:k]]
        if len(distinct) == 1:
            shown[issue] = distinct[0]
        else:
            words = [format_level(analysis.space, issue, value) for value in distinct]
            shown[issue] = f"lottery of {join_words(words)}"
    return shown


@dataclass
class Marked:
    """Solutions drawn at one point of the chart."""

    names: list[str]
    point: np.ndarray  # (2,) data coordinates of the hull point
    label: str = ""


@dataclass
class Layers:
    """What one panel draws, in data coordinates of its two parties."""

    cloud: np.ndarray  # (k, 2) distinct package utilities
    pareto: np.ndarray  # (m, 2)
    frontier: np.ndarray  # (h, 2), hull frontier in analysis order
    disagreement: np.ndarray  # (2,)
    zopa: np.ndarray | None  # polygon vertices
    solutions: list[Solution]
    groups: list[Marked]
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
) -> list[Marked]:
    """Solutions with the same hull point and the same package share a marker position and
    a label; the label names each package's value on the issues where
    the solutions' packages differ."""
    i, j = parties
    space = analysis.space
    marks = [
        (s.name, np.asarray(s.hull.utilities, dtype=float), shown_package(analysis, s))
        for s in solutions
    ]
    equilibrium = equilibrium_mark(analysis)
    if equilibrium is not None:
        marks.append(("equilibrium", *equilibrium))
    words = [package_in_words(analysis, package) for _, _, package in marks]
    differing = [
        issue for issue in space.scenario.issue_names if len({w[issue] for w in words}) > 1
    ]
    groups: list[Marked] = []
    group_words: list[dict[str, str]] = []
    full: list[np.ndarray] = []
    for (name, utilities, _), package_words in zip(marks, words, strict=True):
        point = np.array([utilities[i], utilities[j]], dtype=float)
        for group, other, where in zip(groups, group_words, full, strict=True):
            if other == package_words and np.allclose(where, utilities, rtol=0, atol=1e-9):
                group.names.append(name)
                break
        else:
            groups.append(Marked([name], point))
            group_words.append(package_words)
            full.append(utilities)
    for group, package_words in zip(groups, group_words, strict=True):
        names = [MARK_LABELS[name] for name in group.names]
        lines = [
            " = ".join(names[k : k + 2]) + (" =" if k + 2 < len(names) else "")
            for k in range(0, len(names), 2)
        ]
        for issue in differing:
            lines.extend(
                textwrap.wrap(
                    f"{plain_words(issue)}: {package_words[issue]}",
                    LABEL_WIDTH,
                    subsequent_indent="  ",
                    break_on_hyphens=False,
                )
            )
        group.label = "\n".join(lines)
    return groups


def equilibrium_mark(analysis: Analysis) -> tuple[np.ndarray, Mapping[str, Any]] | None:
    """The protocol's equilibrium deal as the frontier chart marks it: its utilities and
    its package (a lottery's expected terms); None without a deal or without a package to
    show (a random proposer's expectation over who proposes)."""
    eq = analysis.equilibrium
    if not eq.agreement or eq.utilities is None or not eq.mix:
        return None
    package = expected_package(analysis.space, eq.mix)
    if package is None:
        return None
    return np.asarray(eq.utilities, dtype=float), package


def build_layers(analysis: Analysis, parties: tuple[int, int]) -> Layers:
    """The panel's points. With more than two parties the frontier and the zone are not
    drawn: their projections on two utilities are not frontiers."""
    i, j = parties
    utilities = analysis.space.utilities
    d = np.array([analysis.disagreement[i], analysis.disagreement[j]], dtype=float)
    pairs = np.column_stack([utilities[i], utilities[j]])
    two_parties = analysis.space.n_parties == 2
    frontier = pairs[analysis.hull_frontier] if two_parties else np.zeros((0, 2))
    solutions = solutions_in_order(analysis)
    zopa = None
    if analysis.zopa_with_lotteries and frontier.shape[0]:
        zopa = _zopa_polygon(d, frontier)
    return Layers(
        cloud=np.unique(pairs, axis=0),
        pareto=np.unique(pairs[analysis.pareto], axis=0),
        frontier=frontier,
        disagreement=d,
        zopa=zopa,
        solutions=solutions,
        groups=_group_solutions(analysis, solutions, parties)
        if solutions or equilibrium_mark(analysis) is not None
        else [],
        parties=parties,
    )


def _distinct_points(analysis: Analysis) -> int:
    """Distinct utility vectors: above ``DENSITY_THRESHOLD`` the cloud is a density."""
    utilities = analysis.space.utilities
    if utilities.shape[1] <= DENSITY_THRESHOLD:
        return utilities.shape[1]
    return int(np.unique(utilities[:2].T, axis=0).shape[0])


def shaded_cloud(analysis: Analysis) -> bool:
    """Whether the frontier chart draws the packages as a density (more than
    ``DENSITY_THRESHOLD`` distinct points) rather than one dot each."""
    return _distinct_points(analysis) > DENSITY_THRESHOLD


def draw_cloud(ax: Axes, cloud: np.ndarray, scale: float) -> None:
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


def draw_layers(
    ax: Axes, layers: Layers, two_parties: bool, span: np.ndarray, scale: float
) -> None:
    """Every layer but the texts. ``scale`` sizes the markers (1 on the main chart)."""
    draw_cloud(ax, layers.cloud, scale)
    _draw_frontier(ax, layers, two_parties, scale)
    _draw_solutions(ax, layers, span, scale)


def _draw_frontier(ax: Axes, layers: Layers, two_parties: bool, scale: float) -> None:
    """The disagreement point with its guides, the zone, the Pareto-optimal packages and the
    hull frontier."""
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
                facecolor=shade(ZOPA_COLOUR),
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
            color=shade(FRONTIER_COLOUR),
            edgecolors="none" if many else "white",
            linewidths=0 if many else 0.5,
            zorder=4,
            gid="pareto",
        )
    if layers.frontier.shape[0]:
        ax.plot(
            layers.frontier[:, 0],
            layers.frontier[:, 1],
            color=shade(FRONTIER_COLOUR),
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


def _draw_solutions(ax: Axes, layers: Layers, span: np.ndarray, scale: float) -> None:
    """Each solution's marker at its hull point and, where it differs visibly, a hollow
    marker at its best single package."""
    i, j = layers.parties
    for solution in layers.solutions:
        if solution.utilities is None:  # no single package gives every party a gain
            continue
        pure = np.array([solution.utilities[i], solution.utilities[j]])
        hull = np.array([solution.hull.utilities[i], solution.hull.utilities[j]])
        if np.all(np.abs(pure - hull) <= 0.004 * span):
            continue
        colour, marker = solution_style(solution.name)
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
            colour, marker = solution_style(name)
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
