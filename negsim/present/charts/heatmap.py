"""Heatmaps of a sweep over two paths, and small multiples of heatmaps over three
(``negsim plot DIR --kind sweep``; :func:`heatmap_figure`): one metric over the grid, a
colour bar and one contour along cell borders (:func:`contour_level`), failed points
hatched."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.colors import Colormap
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.ticker import FuncFormatter, MaxNLocator

from negsim.errors import MetricError
from negsim.present.charts.style import (
    HATCH_COLOUR,
    LABEL_SIZE,
    NOTE_SIZE,
    TITLE_SIZE,
    TITLE_WIDTH,
    new_figure,
    wrap,
)
from negsim.present.charts.sweep_text import (
    failed_note,
    metric_values,
    path_words,
    sweep_caption,
    sweep_finding,
    sweep_suptitle,
    value_words,
)
from negsim.present.study_words import metric_label
from negsim.present.words import possessive
from negsim.studies.sweep_table import (
    SweepTable,
    axis_positions,
    number_or_nan,
    numeric_axis,
    value_key,
)

__all__ = ["boundary_segments", "contour_level", "heatmap_figure"]

CONTOUR_COLOUR = "#ffffff"


COLOURMAP = "cividis"
"""Perceptually uniform and readable with the common colour vision deficiencies."""
MAX_PANELS = 12
"""Most heatmaps in the small multiples of a three-path sweep (evenly chosen beyond)."""


def contour_level(table: SweepTable, metric: str) -> tuple[str, float, str] | None:
    """The contour drawn on a heatmap, as ``(column, level, words)``; None when nothing
    crosses. In order of preference: the no-agreement probability at 0.5 (where agreement
    becomes likely); the boundary between agreement and none; between immediate and
    delayed agreement; for ``u.PARTY``, where it equals ``nash.u.PARTY`` (the metric at
    the Nash level, when that is one number over the sweep); else the metric's median."""

    def crosses(values: np.ndarray, at: float) -> bool:
        values = values[np.isfinite(values)]
        return bool(values.size and values.min() < at < values.max())

    if metric == "deal_probability":
        values = metric_values(table, metric)
        if crosses(values, 0.5):
            return metric, 0.5, "a deal becomes more likely than not (probability 0.5)"
    if metric == "no_agreement_probability":
        values = metric_values(table, metric)
        if crosses(values, 0.5):
            return (
                metric,
                0.5,
                "agreement becomes more likely than not (no-agreement probability 0.5)",
            )
    agreement = metric_values(table, "agreement") if "agreement" in table.columns else np.zeros(0)
    if crosses(agreement, 0.5):
        return "agreement", 0.5, "the boundary between agreement and no agreement"
    rounds = metric_values(table, "round") if "round" in table.columns else np.zeros(0)
    if crosses(rounds, 1.5):  # counted from 1
        return "round", 1.5, "the boundary between immediate and delayed agreement"
    values = metric_values(table, metric)
    if metric.startswith("u.") and f"nash.u.{metric[2:]}" in table.columns:
        nash = metric_values(table, f"nash.u.{metric[2:]}")
        finite = nash[np.isfinite(nash)]
        if finite.size and np.ptp(finite) <= 1e-9 and crosses(values, float(finite[0])):
            who = table.label(metric[2:])
            return (
                metric,
                float(finite[0]),
                (
                    f"{possessive(who)} equilibrium utility equals its Nash bargaining "
                    f"utility ({finite[0]:.3f})"
                ),
            )
    finite = values[np.isfinite(values)]
    if finite.size and np.ptp(finite) > 1e-12:
        median = float(np.median(finite))
        if crosses(values, median):
            return metric, median, f"the median, {median:.3f}"
    return None


def _grid(
    table: SweepTable, column: str, paths: Sequence[str], fixed: tuple[str, Any] | None
) -> np.ndarray:
    """``(len(y axis), len(x axis))`` values of ``column`` (NaN: missing or failed)."""
    x_axis, x_pos = axis_positions(table, paths[0])
    y_axis, y_pos = axis_positions(table, paths[1])
    grid = np.full((len(y_axis), len(x_axis)), np.nan)
    for row in table.rows:
        if fixed is not None and value_key(row.get(fixed[0])) != value_key(fixed[1]):
            continue
        i, j = y_pos.get(value_key(row.get(paths[1]))), x_pos.get(value_key(row.get(paths[0])))
        if i is not None and j is not None:
            grid[i, j] = number_or_nan(row.get(column))
    return grid + 1 if column == "round" else grid  # counted from 1, as metric_values


def _failed_cells(
    table: SweepTable, paths: Sequence[str], fixed: tuple[str, Any] | None
) -> list[tuple[int, int]]:
    _, x_pos = axis_positions(table, paths[0])
    _, y_pos = axis_positions(table, paths[1])
    cells = []
    for row in table.failed:
        if fixed is not None and value_key(row.get(fixed[0])) != value_key(fixed[1]):
            continue
        i, j = y_pos.get(value_key(row.get(paths[1]))), x_pos.get(value_key(row.get(paths[0])))
        if i is not None and j is not None:
            cells.append((i, j))
    return sorted(cells)


def _tick_formatter(axis: Sequence[Any]) -> FuncFormatter:
    def formatter(position: float, _: Any) -> str:
        k = round(position)
        return value_words(axis[k]) if abs(position - k) < 1e-6 and 0 <= k < len(axis) else ""

    return FuncFormatter(formatter)


def _coordinates(axis: Sequence[Any]) -> tuple[np.ndarray, np.ndarray, bool]:
    """``(centres, edges, by_value)`` of a heatmap axis: the values themselves when they
    are evenly spaced numbers, else positions 0, 1, 2, ... labelled with the values."""
    if numeric_axis(axis) and len(axis) > 1:
        values = np.asarray(axis, dtype=float)
        steps = np.diff(values)
        if steps[0] > 0 and np.allclose(steps, steps[0], rtol=1e-6, atol=0):
            half = steps[0] / 2
            return values, np.append(values - half, values[-1] + half), True
    if numeric_axis(axis) and len(axis) == 1:
        value = float(axis[0])
        half = max(abs(value) * 0.05, 0.5)
        return np.array([value]), np.array([value - half, value + half]), True
    centres = np.arange(len(axis), dtype=float)
    return centres, np.append(centres - 0.5, len(axis) - 0.5), False


def boundary_segments(
    inside: np.ndarray, x_edges: np.ndarray, y_edges: np.ndarray
) -> list[np.ndarray]:
    """The edges between neighbouring cells of which exactly one is ``inside`` (a boolean
    ``(rows, columns)`` grid; NaN cells should be False in both ``inside`` and a neighbour
    test done by the caller): the contour of a region drawn along cell borders, exact for a
    grid of points, where an interpolated contour would zigzag between neighbours."""
    segments = []
    rows, columns = inside.shape
    for i in range(rows):
        for j in range(columns):
            if j + 1 < columns and inside[i, j] != inside[i, j + 1]:
                x = x_edges[j + 1]
                segments.append(np.array([[x, y_edges[i]], [x, y_edges[i + 1]]]))
            if i + 1 < rows and inside[i, j] != inside[i + 1, j]:
                y = y_edges[i + 1]
                segments.append(np.array([[x_edges[j], y], [x_edges[j + 1], y]]))
    return segments


def _hatch_failed(
    ax: Axes,
    table: SweepTable,
    paths: Sequence[str],
    fixed: tuple[str, Any] | None,
    x_edges: np.ndarray,
    y_edges: np.ndarray,
) -> None:
    """A hatched cell for each failed point."""
    for i, j in _failed_cells(table, paths, fixed):
        ax.add_patch(
            Rectangle(
                (x_edges[j], y_edges[i]),
                x_edges[j + 1] - x_edges[j],
                y_edges[i + 1] - y_edges[i],
                facecolor="white",
                edgecolor=HATCH_COLOUR,
                hatch="///",
                linewidth=0,
                zorder=2,
                gid="failed",
            )
        )


def _draw_contour(
    ax: Axes,
    table: SweepTable,
    contour: tuple[str, float, str],
    paths: Sequence[str],
    fixed: tuple[str, Any] | None,
    x_edges: np.ndarray,
    y_edges: np.ndarray,
    small: bool,
) -> None:
    """The contour along the borders between cells on either side of its level, black on a
    white halo."""
    column, at, _ = contour
    field_values = _grid(table, column, paths, fixed)
    known = np.isfinite(field_values)
    above = known & (field_values > at)
    below = known & (field_values <= at)
    # a border only between two known cells on either side of the level
    segments = [
        seg
        for seg in boundary_segments(above, x_edges, y_edges)
        if _between_known(seg, below, above, x_edges, y_edges)
    ]
    if segments:
        ax.add_collection(
            LineCollection(
                segments,
                colors=CONTOUR_COLOUR,
                linewidths=3.2 if not small else 2.4,
                capstyle="round",
                zorder=3,
                gid="contour-halo",
            )
        )
        ax.add_collection(
            LineCollection(
                segments,
                colors="#000000",
                linewidths=1.3 if not small else 1.0,
                capstyle="round",
                zorder=4,
                gid="contour",
            )
        )


def _heatmap_ticks(
    ax: Axes,
    x_axis: Sequence[Any],
    y_axis: Sequence[Any],
    x_by_value: bool,
    y_by_value: bool,
    small: bool,
) -> None:
    """Ticks at the swept values (every value when there are few), no frame."""
    for which, axis, by_value in (
        (ax.xaxis, x_axis, x_by_value),
        (ax.yaxis, y_axis, y_by_value),
    ):
        integer = by_value and all(float(v).is_integer() for v in axis)
        which.set_major_locator(
            MaxNLocator(
                nbins=7 if small else 10, integer=integer or not by_value, steps=[1, 2, 2.5, 5, 10]
            )
        )
        if not by_value:
            which.set_major_formatter(_tick_formatter(axis))
        elif len(axis) <= 12:  # few values: a tick at each cell, labelled with its value
            which.set_ticks([float(v) for v in axis], [value_words(v) for v in axis])
    ax.tick_params(labelsize=NOTE_SIZE - (1 if small else 0), length=3)
    for spine in ax.spines.values():
        spine.set_visible(False)


def _draw_heatmap(
    ax: Axes,
    table: SweepTable,
    metric: str,
    contour: tuple[str, float, str] | None,
    fixed: tuple[str, Any] | None,
    limits: tuple[float, float],
    colourmap: Colormap | str,
    small: bool,
) -> Any:
    paths = table.swept[:2]
    x_axis, y_axis = table.axis(paths[0]), table.axis(paths[1])
    _, x_edges, x_by_value = _coordinates(x_axis)
    _, y_edges, y_by_value = _coordinates(y_axis)
    values = _grid(table, metric, paths, fixed)
    mesh = ax.pcolormesh(
        x_edges,
        y_edges,
        np.ma.masked_invalid(values),
        cmap=colourmap,
        vmin=limits[0],
        vmax=limits[1],
        shading="flat",
        gid="heatmap",
    )
    _hatch_failed(ax, table, paths, fixed, x_edges, y_edges)
    if contour is not None:
        _draw_contour(ax, table, contour, paths, fixed, x_edges, y_edges, small)
    ax.set_xlim(x_edges[0], x_edges[-1])
    ax.set_ylim(y_edges[0], y_edges[-1])
    _heatmap_ticks(ax, x_axis, y_axis, x_by_value, y_by_value, small)
    return mesh


def _between_known(
    segment: np.ndarray,
    below: np.ndarray,
    above: np.ndarray,
    x_edges: np.ndarray,
    y_edges: np.ndarray,
) -> bool:
    """Whether a border segment separates a cell above the level from one at or below it
    (not from a failed or missing cell)."""
    (x0, y0), (x1, y1) = segment
    if x0 == x1:  # vertical border between columns j and j + 1
        j = int(np.searchsorted(x_edges, x0)) - 1
        i = int(np.searchsorted(y_edges, (y0 + y1) / 2)) - 1
        pair = ((i, j), (i, j + 1))
    else:
        i = int(np.searchsorted(y_edges, y0)) - 1
        j = int(np.searchsorted(x_edges, (x0 + x1) / 2)) - 1
        pair = ((i, j), (i + 1, j))
    first, second = pair
    return bool((above[first] and below[second]) or (below[first] and above[second]))


def _heatmap_values(table: SweepTable, metric: str) -> tuple[np.ndarray, tuple[float, float]]:
    """The metric's column and the colour scale's limits; ValueError when there is nothing
    to draw."""
    if metric not in table.columns:
        raise MetricError(
            f"no column {metric!r} in results.csv; choose one of: {', '.join(table.columns)}"
        )
    values = metric_values(table, metric)
    finite = values[np.isfinite(values)]
    if not finite.size:
        texts = {str(row.get(metric)) for row in table.rows} - {"None", "nan", ""}
        if texts:
            raise MetricError(
                f"{metric} holds options ({', '.join(sorted(texts)[:4])}), not numbers: a "
                "heatmap draws a numeric metric; a sweep of one path draws options"
            )
        raise ValueError(f"the column {metric!r} holds no numbers to draw")
    limits = (float(finite.min()), float(finite.max()))
    if limits[1] - limits[0] < 1e-9:
        limits = (limits[0] - 0.05, limits[1] + 0.05)
    return values, limits


def _one_heatmap(
    table: SweepTable,
    metric: str,
    contour: tuple[str, float, str] | None,
    limits: tuple[float, float],
    colourmap: Colormap | str,
) -> tuple[Figure, list[Axes], Any]:
    """The heatmap of a sweep over two paths, with its title."""
    paths = table.swept
    figure = new_figure(10.5, 7.8)
    ax = figure.add_subplot()
    mesh = _draw_heatmap(ax, table, metric, contour, None, limits, colourmap, small=False)
    axes = [ax]
    ax.set_xlabel(path_words(paths[0], table), fontsize=LABEL_SIZE)
    ax.set_ylabel(path_words(paths[1], table), fontsize=LABEL_SIZE)
    ax.set_title(
        wrap(sweep_finding(table, metric, contour), TITLE_WIDTH),
        loc="left",
        fontsize=TITLE_SIZE,
        pad=12,
    )
    return figure, axes, mesh


def _small_multiples(
    table: SweepTable,
    metric: str,
    contour: tuple[str, float, str] | None,
    limits: tuple[float, float],
    colourmap: Colormap | str,
) -> tuple[Figure, list[Axes], Any, str]:
    """One heatmap per value of the third path (at most ``MAX_PANELS``), under one title;
    also the caption's note on the panels left out."""
    paths = table.swept
    third = table.axis(paths[2])
    shown = third
    if len(third) > MAX_PANELS:
        picks = np.unique(np.round(np.linspace(0, len(third) - 1, MAX_PANELS)).astype(int))
        shown = [third[k] for k in picks]
    columns = min(4, len(shown))
    rows = -(-len(shown) // columns)
    figure = new_figure(3.9 * columns + 1.6, 3.5 * rows + 2.8)
    axes = []
    mesh = None
    for k, value in enumerate(shown):
        ax = figure.add_subplot(rows, columns, k + 1)
        mesh = _draw_heatmap(
            ax, table, metric, contour, (paths[2], value), limits, colourmap, small=True
        )
        ax.set_title(
            f"{path_words(paths[2], table)} = {value_words(value)}",
            fontsize=NOTE_SIZE,
            loc="left",
        )
        if k % columns == 0:
            ax.set_ylabel(path_words(paths[1], table), fontsize=NOTE_SIZE)
        if k >= len(shown) - columns:
            ax.set_xlabel(path_words(paths[0], table), fontsize=NOTE_SIZE)
        axes.append(ax)
    figure.suptitle(
        (f"{table.scenario}\n" if table.scenario else "")
        + wrap(sweep_finding(table, metric, contour), 34 * columns + 10),
        x=0.01,
        ha="left",
        fontsize=TITLE_SIZE,
    )
    if len(shown) < len(third):
        table_note = (
            f" Panels: {len(shown)} of the {len(third)} values of {paths[2]}, evenly spaced."
        )
    else:
        table_note = ""
    return figure, axes, mesh, table_note


def _colourbar(
    figure: Figure,
    mesh: Any,
    axes: list[Axes],
    table: SweepTable,
    metric: str,
    contour: tuple[str, float, str] | None,
    limits: tuple[float, float],
) -> None:
    """The colour bar, with the contour's level marked on it."""
    paths = table.swept
    colourbar = figure.colorbar(mesh, ax=axes, shrink=0.9 if len(paths) == 2 else 0.6, pad=0.02)
    colourbar.set_label(
        metric_label(metric, table), fontsize=LABEL_SIZE if len(paths) == 2 else NOTE_SIZE
    )
    colourbar.ax.tick_params(labelsize=NOTE_SIZE - 1)
    colourbar.outline.set_visible(False)  # type: ignore[operator]
    if contour is not None and contour[0] == metric and limits[0] < contour[1] < limits[1]:
        colourbar.ax.axhline(contour[1], color="#000000", linewidth=1.6)
        span = limits[1] - limits[0]
        ticks = [t for t in colourbar.get_ticks() if limits[0] - 1e-12 <= t <= limits[1] + 1e-12]
        ticks = [t for t in ticks if abs(t - contour[1]) > 0.06 * span]
        colourbar.set_ticks(sorted([*ticks, contour[1]]))
        colourbar.set_ticklabels(
            [
                _contour_tag(contour) if t == contour[1] else f"{t:.3g}"
                for t in sorted([*ticks, contour[1]])
            ]
        )


def _heatmap_caption(
    table: SweepTable,
    metric: str,
    contour: tuple[str, float, str] | None,
    values: np.ndarray,
    table_note: str,
) -> str:
    """What the marks of a heatmap mean."""
    paths = table.swept
    caption = f"Each cell: one point of the sweep; colour: {metric_label(metric, table)}."
    if contour is not None:
        caption += f" Black line along cell borders: where {contour[2]}"
        if contour[0] == metric:
            above = int(np.sum(values > contour[1]))
            caption += f"; above it at {above} of {len(table.rows)} points"
        caption += "."
    if len(paths) == 3:
        caption += table_note
    missing = int(np.sum(~np.isfinite(values)))
    if missing:
        caption += f" Blank cells: {missing} successful points without a value."
    caption += failed_note(table)
    return caption


def heatmap_figure(table: SweepTable, metric: str, level: float | None) -> Figure:
    """The heatmap of ``metric`` over a sweep of two paths, or small multiples of heatmaps
    over three; ``level`` sets the contour (default :func:`contour_level`)."""
    values, limits = _heatmap_values(table, metric)
    if level is not None:
        contour: tuple[str, float, str] | None = (
            metric,
            float(level),
            f"{metric_label(metric, table)} = {level:g}",
        )
    else:
        contour = contour_level(table, metric)
    colourmap = COLOURMAP
    paths = table.swept
    if len(paths) == 2:
        figure, axes, mesh = _one_heatmap(table, metric, contour, limits, colourmap)
        caption_ax = axes[0]
        table_note = ""
    else:
        figure, axes, mesh, table_note = _small_multiples(table, metric, contour, limits, colourmap)
        columns = min(4, len(axes))
        caption_ax = axes[-columns] if len(axes) >= columns else axes[0]
    _colourbar(figure, mesh, axes, table, metric, contour, limits)
    caption = _heatmap_caption(table, metric, contour, values, table_note)
    sweep_caption(caption_ax, caption, below=3.6 if len(paths) == 2 else 3.2)
    if len(paths) == 2:
        sweep_suptitle(figure, table)
    return figure


def _contour_tag(contour: tuple[str, float, str]) -> str:
    """The contour's level on the colour bar."""
    if "Nash" in contour[2]:
        return f"{contour[1]:.3f} Nash"
    return f"{contour[1]:.3g}"
