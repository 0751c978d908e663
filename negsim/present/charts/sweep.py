"""Charts of a sweep's ``results.csv`` (``negsim plot DIR --kind sweep``).

:func:`negsim.studies.sweep_table.read_results` reads the folder ``negsim sweep`` writes
into a :class:`~negsim.studies.sweep_table.SweepTable`; :func:`sweep_figure` draws it by
the number of swept paths:

* one path: each party's equilibrium utility against it, one line per party, the Nash
  bargaining solution (over the hull) as a thin dashed line, direct labels at the right.
  Several rows at the same value (random runs) give a line through the mean and a band
  from the lowest to the highest value;
* two paths: a heatmap of one metric over the grid with one contour line and a colour
  bar. The default metric is ``no_agreement_probability`` when the sweep has it, else
  the first party's equilibrium utility. The contour (see :func:`contour_level`): where
  agreement becomes likely (no-agreement probability 0.5), where an agreement is reached
  at all, where it is delayed past round 0, or where the party's equilibrium utility
  equals its Nash bargaining utility; a ``level`` argument overrides it;
* three paths: small multiples, one heatmap per value of the third path, one colour scale.

Points whose ``status`` is not ``ok`` are kept aside: hatched cells in a heatmap, hatched
columns on a line chart, and counted in the caption. Like every chart of
:mod:`negsim.present.charts`, figures are built without pyplot and are the same for the same input.
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.colors import Colormap
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.ticker import FuncFormatter, MaxNLocator

from negsim.present.charts.labels import right_labels
from negsim.present.charts.style import (
    LABEL_SIZE,
    NOTE_SIZE,
    TEXT_GREY,
    TITLE_SIZE,
    TITLE_WIDTH,
    caption_below,
    curve_figure,
    new_figure,
    party_style,
    style_axes,
    wrap,
)
from negsim.present.words import metric_label, path_label, possessive
from negsim.studies.sweep_table import SweepTable, number_or_nan, read_results

__all__ = [
    "boundary_segments",
    "contour_level",
    "default_metric",
    "sweep_figure",
    "sweep_finding",
]

HATCH_COLOUR = "#9a9a9a"
CONTOUR_COLOUR = "#ffffff"
COLOURMAP = "cividis"
"""Perceptually uniform and readable with the common colour vision deficiencies."""
MAX_PANELS = 12
"""Most heatmaps in the small multiples of a three-path sweep (evenly chosen beyond)."""


# --------------------------------------------------------------------------------------------
# Words


def _path(path: str, table: SweepTable) -> str:
    """A swept path in words, with the sweep's party labels and round label."""
    return path_label(path, table.labels, table.round_label)


def _value(value: Any) -> str:
    """A swept value for a tick or a sentence: whole numbers without a decimal point."""
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e6:
            return str(int(value))
        return f"{value:.4g}"
    return str(value)


# --------------------------------------------------------------------------------------------
# Figures


def sweep_figure(
    table: SweepTable | str | os.PathLike[str],
    metric: str | None = None,
    level: float | None = None,
) -> Figure:
    """The sweep chart of a :class:`SweepTable` (or a sweep folder): a line chart for
    one swept path, a heatmap for two, small multiples of heatmaps for three.

    ``metric`` is a column of ``results.csv``: with one path, ``u`` (default) or
    ``payoff`` draws that quantity for every party, and any other column one line; with
    two or three paths, the heatmap's column (default: :func:`default_metric`). ``level``
    sets the heatmap's contour (default: :func:`contour_level`).

    Raises :class:`ValueError` for four or more swept paths, an unknown metric, or a
    sweep without one successful point.
    """
    if not isinstance(table, SweepTable):
        table = read_results(table)
    if not table.rows:
        raise ValueError(
            f"no successful point to draw: all {table.n_failed} points of the sweep failed"
        )
    n = len(table.swept)
    if n == 1 or _paired(table):
        return _line_figure(table, metric)
    if n in (2, 3):
        return _heatmap_figure(table, metric or default_metric(table), level)
    raise ValueError(
        f"the sweep varies {n} paths; a chart shows at most three (draw a slice of it: "
        "sweep fewer paths, or filter results.csv)"
    )


def _paired(table: SweepTable) -> bool:
    """A ``--zip`` sweep of several paths: each value of the first path occurs once."""
    firsts = [row.get(table.swept[0]) for row in (*table.rows, *table.failed)]
    if len(table.swept) < 2 or len(set(map(str, firsts))) != len(firsts):
        return False
    return all(
        len({str(r.get(p)) for r in (*table.rows, *table.failed)}) == len(firsts)
        for p in table.swept
    )


def default_metric(table: SweepTable) -> str:
    """``no_agreement_probability`` when the sweep has it (and it varies or is nonzero), else
    the first party's equilibrium utility."""
    if "no_agreement_probability" in table.columns:
        values = table.column("no_agreement_probability")
        if np.isfinite(values).any():
            return "no_agreement_probability"
    if not table.parties:
        raise ValueError("results.csv has no u.PARTY column to draw")
    return f"u.{table.parties[0]}"


def _positions(table: SweepTable, path: str) -> tuple[list[Any], dict[str, int]]:
    axis = table.axis(path)
    return axis, {_key(v): k for k, v in enumerate(axis)}


def _key(value: Any) -> str:
    return repr(float(value)) if isinstance(value, int | float) else str(value)


def _numeric_axis(axis: Sequence[Any]) -> bool:
    return all(isinstance(v, float) and math.isfinite(v) for v in axis)


def _failed_note(table: SweepTable) -> str:
    if not table.n_failed:
        return ""
    total = table.n_failed + len(table.rows)
    return f" Hatched: {table.n_failed} of {total} points failed (status not ok; see results.csv)."


def _caption(ax: Axes, text: str, below: float = 3.4) -> None:
    caption_below(ax, text, below=below, width=115)


def _suptitle(figure: Figure, table: SweepTable) -> None:
    name = table.scenario or (table.manifest or {}).get("scenario")
    if name:
        figure.suptitle(str(name), x=0.01, ha="left", fontsize=NOTE_SIZE, color=TEXT_GREY)


# One swept path ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Series:
    column: str
    mean: np.ndarray
    low: np.ndarray
    high: np.ndarray


def _series(table: SweepTable, column: str, x_index: np.ndarray, n: int) -> _Series:
    values = table.column(column)
    mean, low, high = (np.full(n, np.nan) for _ in range(3))
    for k in range(n):
        chosen = values[(x_index == k) & np.isfinite(values)]
        if chosen.size:
            mean[k], low[k], high[k] = chosen.mean(), chosen.min(), chosen.max()
    return _Series(column, mean, low, high)


def _line_figure(table: SweepTable, metric: str | None) -> Figure:
    path = table.swept[0]
    axis, position = _positions(table, path)
    numeric = _numeric_axis(axis)
    xs = np.array(axis, dtype=float) if numeric else np.arange(len(axis), dtype=float)
    x_index = np.array([position[_key(row.get(path))] for row in table.rows])
    kind = metric or "u"
    figure = curve_figure()
    ax = figure.add_subplot()
    if kind in ("u", "payoff"):
        columns = [f"{kind}.{p}" for p in table.parties]
    elif kind in table.columns:
        columns = [kind]
    else:
        raise ValueError(
            f"no column {kind!r} in results.csv; use u, payoff or one of: "
            f"{', '.join(table.columns)}"
        )
    if not columns:
        raise ValueError("results.csv has no u.PARTY column to draw")
    labels: list[tuple[float, str, str, str]] = []
    banded = False
    everything: list[np.ndarray] = []
    for i, column in enumerate(columns):
        colour, marker = party_style(i)
        series = _series(table, column, x_index, len(axis))
        if np.any(series.high - series.low > 1e-12):
            banded = True
            ax.fill_between(
                xs,
                series.low,
                series.high,
                color=colour,
                alpha=0.18,
                linewidth=0,
                zorder=1,
                gid=f"band-{column}",
            )
        ax.plot(
            xs,
            series.mean,
            color=colour,
            linewidth=1.9,
            marker=marker,
            markersize=5,
            markerfacecolor="white",
            markeredgewidth=1.3,
            zorder=3,
            gid=f"line-{column}",
        )
        everything += [series.low, series.high]
        party = column.split(".", 1)[1] if kind in ("u", "payoff") else None
        nash = f"nash.u.{party}" if party is not None else None
        if nash is not None and nash in table.columns:
            hull = _series(table, nash, x_index, len(axis))
            if np.isfinite(hull.mean).any():
                ax.plot(
                    xs,
                    hull.mean,
                    color=colour,
                    linewidth=1.0,
                    linestyle=(0, (4, 3)),
                    zorder=2,
                    gid=f"nash-{party}",
                )
                everything.append(hull.mean)
        last = np.flatnonzero(np.isfinite(series.mean))
        if last.size:
            y = float(series.mean[last[-1]])
            name = table.label(party) if party is not None else metric_label(column, table)
            labels.append((y, f"{name}\n{y:.3f}", colour, f"label-{column}"))
    finite = np.concatenate(everything)
    finite = finite[np.isfinite(finite)]
    if finite.size:
        low, high = float(finite.min()), float(finite.max())
        if high - low < 0.1:
            low, high = (low + high) / 2 - 0.05, (low + high) / 2 + 0.05
        pad = (high - low) * 0.08
        ax.set_ylim(low - pad, high + pad)
    for row in table.failed:  # failed points: a hatched column
        key = _key(row.get(path))
        if key in position:
            k = position[key]
            width = (float(np.min(np.diff(xs))) if len(xs) > 1 else 1.0) * 0.8
            ax.axvspan(
                xs[k] - width / 2,
                xs[k] + width / 2,
                facecolor="none",
                edgecolor=HATCH_COLOUR,
                hatch="///",
                linewidth=0,
                zorder=0,
                gid="failed",
            )
    if not numeric:
        ax.set_xticks(xs, [_value(v) for v in axis])
    ax.set_xlabel(_path(path, table), fontsize=LABEL_SIZE)
    ylabel = {"u": "equilibrium utility", "payoff": "equilibrium payoff"}.get(
        kind, metric_label(kind, table)
    )
    ax.set_ylabel(ylabel, fontsize=LABEL_SIZE)
    style_axes(ax)
    ax.set_title(
        wrap(sweep_finding(table, columns[0] if len(columns) == 1 else kind), TITLE_WIDTH),
        loc="left",
        fontsize=TITLE_SIZE,
        pad=12,
    )
    right_labels(ax, labels, 1.0)
    caption = (
        "Solid: the subgame-perfect equilibrium at each value of "
        f"{_the(_path(path, table).split(' (')[0])}."
    )
    if kind in ("u", "payoff") and any(f"nash.u.{p}" in table.columns for p in table.parties):
        caption += " Thin dashed: the Nash bargaining solution (over lotteries), same colours."
    if banded:
        caption += " Bands: lowest to highest over the runs at that value; lines: their mean."
    if len(table.swept) > 1:
        others = ", ".join(table.swept[1:])
        caption += f" Paired with {others} (a zipped sweep)."
    caption += _failed_note(table)
    _caption(ax, caption)
    _suptitle(figure, table)
    return figure


# Two and three swept paths --------------------------------------------------------------------


def contour_level(table: SweepTable, metric: str) -> tuple[str, float, str] | None:
    """The contour drawn on a heatmap, as ``(column, level, words)``; None when nothing
    crosses. In order of preference: the no-agreement probability at 0.5 (where agreement
    becomes likely); the boundary between agreement and none; between immediate and
    delayed agreement; for ``u.PARTY``, where it equals ``nash.u.PARTY`` (the metric at
    the Nash level, when that is one number over the sweep); else the metric's median."""

    def crosses(values: np.ndarray, at: float) -> bool:
        values = values[np.isfinite(values)]
        return bool(values.size and values.min() < at < values.max())

    if metric == "no_agreement_probability":
        values = table.column(metric)
        if crosses(values, 0.5):
            return (
                metric,
                0.5,
                "agreement becomes more likely than not (no-agreement probability 0.5)",
            )
    agreement = table.column("agreement") if "agreement" in table.columns else np.zeros(0)
    if crosses(agreement, 0.5):
        return "agreement", 0.5, "the boundary between agreement and no agreement"
    rounds = table.column("round") if "round" in table.columns else np.zeros(0)
    if crosses(rounds, 0.5):
        return "round", 0.5, "the boundary between immediate and delayed agreement"
    values = table.column(metric)
    if metric.startswith("u.") and f"nash.u.{metric[2:]}" in table.columns:
        nash = table.column(f"nash.u.{metric[2:]}")
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
    x_axis, x_pos = _positions(table, paths[0])
    y_axis, y_pos = _positions(table, paths[1])
    grid = np.full((len(y_axis), len(x_axis)), np.nan)
    for row in table.rows:
        if fixed is not None and _key(row.get(fixed[0])) != _key(fixed[1]):
            continue
        i, j = y_pos.get(_key(row.get(paths[1]))), x_pos.get(_key(row.get(paths[0])))
        if i is not None and j is not None:
            grid[i, j] = number_or_nan(row.get(column))
    return grid


def _failed_cells(
    table: SweepTable, paths: Sequence[str], fixed: tuple[str, Any] | None
) -> list[tuple[int, int]]:
    _, x_pos = _positions(table, paths[0])
    _, y_pos = _positions(table, paths[1])
    cells = []
    for row in table.failed:
        if fixed is not None and _key(row.get(fixed[0])) != _key(fixed[1]):
            continue
        i, j = y_pos.get(_key(row.get(paths[1]))), x_pos.get(_key(row.get(paths[0])))
        if i is not None and j is not None:
            cells.append((i, j))
    return sorted(cells)


def _tick_formatter(axis: Sequence[Any]) -> FuncFormatter:
    def formatter(position: float, _: Any) -> str:
        k = round(position)
        return _value(axis[k]) if abs(position - k) < 1e-6 and 0 <= k < len(axis) else ""

    return FuncFormatter(formatter)


def _coordinates(axis: Sequence[Any]) -> tuple[np.ndarray, np.ndarray, bool]:
    """``(centres, edges, by_value)`` of a heatmap axis: the values themselves when they
    are evenly spaced numbers, else positions 0, 1, 2, ... labelled with the values."""
    if _numeric_axis(axis) and len(axis) > 1:
        values = np.asarray(axis, dtype=float)
        steps = np.diff(values)
        if steps[0] > 0 and np.allclose(steps, steps[0], rtol=1e-6, atol=0):
            half = steps[0] / 2
            return values, np.append(values - half, values[-1] + half), True
    if _numeric_axis(axis) and len(axis) == 1:
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
    if contour is not None:
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
    ax.set_xlim(x_edges[0], x_edges[-1])
    ax.set_ylim(y_edges[0], y_edges[-1])
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
            which.set_ticks([float(v) for v in axis], [_value(v) for v in axis])
    ax.tick_params(labelsize=NOTE_SIZE - (1 if small else 0), length=3)
    for spine in ax.spines.values():
        spine.set_visible(False)
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


def _heatmap_figure(table: SweepTable, metric: str, level: float | None) -> Figure:
    if metric not in table.columns:
        raise ValueError(
            f"no column {metric!r} in results.csv; choose one of: {', '.join(table.columns)}"
        )
    values = table.column(metric)
    finite = values[np.isfinite(values)]
    if not finite.size:
        raise ValueError(f"the column {metric!r} holds no numbers to draw")
    limits = (float(finite.min()), float(finite.max()))
    if limits[1] - limits[0] < 1e-9:
        limits = (limits[0] - 0.05, limits[1] + 0.05)
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
        figure = new_figure(10.5, 7.8)
        ax = figure.add_subplot()
        mesh = _draw_heatmap(ax, table, metric, contour, None, limits, colourmap, small=False)
        axes = [ax]
        ax.set_xlabel(_path(paths[0], table), fontsize=LABEL_SIZE)
        ax.set_ylabel(_path(paths[1], table), fontsize=LABEL_SIZE)
        ax.set_title(
            wrap(sweep_finding(table, metric, contour), TITLE_WIDTH),
            loc="left",
            fontsize=TITLE_SIZE,
            pad=12,
        )
        caption_ax = ax
    else:
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
                f"{_path(paths[2], table)} = {_value(value)}", fontsize=NOTE_SIZE, loc="left"
            )
            if k % columns == 0:
                ax.set_ylabel(_path(paths[1], table), fontsize=NOTE_SIZE)
            if k >= len(shown) - columns:
                ax.set_xlabel(_path(paths[0], table), fontsize=NOTE_SIZE)
            axes.append(ax)
        figure.suptitle(
            (f"{table.scenario}\n" if table.scenario else "")
            + wrap(sweep_finding(table, metric, contour), 34 * columns + 10),
            x=0.01,
            ha="left",
            fontsize=TITLE_SIZE,
        )
        caption_ax = axes[-columns] if len(axes) >= columns else axes[0]
        if len(shown) < len(third):
            table_note = (
                f" Panels: {len(shown)} of the {len(third)} values of {paths[2]}, evenly spaced."
            )
        else:
            table_note = ""
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
    caption += _failed_note(table)
    _caption(caption_ax, caption, below=3.6 if len(paths) == 2 else 3.2)
    if len(paths) == 2:
        _suptitle(figure, table)
    return figure


def _contour_tag(contour: tuple[str, float, str]) -> str:
    if "Nash" in contour[2]:
        return f"{contour[1]:.3f} Nash"
    return f"{contour[1]:.3g}"


# Findings --------------------------------------------------------------------------------------


def sweep_finding(
    table: SweepTable, metric: str, contour: tuple[str, float, str] | None = None
) -> str:
    """The chart's title: how the metric moves along the path that moves it most (the
    averages at the path's first and last values), and, for a swept deadline, what the
    parity of the deadline (who makes the last offer) does."""
    columns = [f"{metric}.{p}" for p in table.parties] if metric in ("u", "payoff") else [metric]
    spans = []
    for column in columns:
        values = table.column(column)
        finite = values[np.isfinite(values)]
        if finite.size:
            spans.append((float(np.ptp(finite)), column, float(finite.min()), float(finite.max())))
    if not spans:
        return f"No {metric_label(metric, table)} in the sweep"
    spread, column, low, high = max(spans)
    words = metric_label(column, table)
    words = words[0].upper() + words[1:]
    if spread <= 5e-4:
        return f"{words} stays at {low:.3f} over the whole sweep"
    values = table.column(column)
    effects = []
    for path in table.swept:
        axis, position = _positions(table, path)
        index = np.array([position[_key(row.get(path))] for row in table.rows])
        means = [values[(index == k) & np.isfinite(values)] for k in range(len(axis))]
        averages = [float(m.mean()) if m.size else math.nan for m in means]
        ends = [a for a in averages if math.isfinite(a)]
        if len(ends) >= 2:
            effects.append((abs(ends[-1] - ends[0]), path, ends[0], ends[-1], axis))
    parts = []
    if effects and max(effects, key=lambda e: e[0])[0] > 5e-3:
        _, path, first, last, axis = max(effects, key=lambda e: e[0])
        direction = "rises" if last > first else "falls"
        average = " on average" if len(table.swept) > 1 else ""
        parts.append(
            f"{words} {direction} from {first:.2f} to {last:.2f}{average} as "
            f"{_the(_path(path, table).split(' (')[0])} goes from {_value(axis[0])} to "
            f"{_value(axis[-1])}"
        )
    else:
        parts.append(f"{words} ranges from {low:.2f} to {high:.2f}")
    parity = _parity(table, values)
    if parity is not None:
        odd, even = parity
        who = ""
        if table.first_proposer is not None:
            who = f" ({table.label(table.first_proposer)} makes the last offer)"
        parts.append(f"odd deadlines{who} give {odd:.2f} on average, even ones {even:.2f}")
    return "; ".join(parts)


def _the(words: str) -> str:
    return f"the {words}" if words[:1].islower() else words


def _parity(table: SweepTable, values: np.ndarray) -> tuple[float, float] | None:
    """Mean of ``values`` at odd and at even swept deadlines, when they differ by 0.02."""
    if "protocol.deadline" not in table.swept:
        return None
    deadlines = table.column("protocol.deadline")
    known = np.isfinite(values) & np.isfinite(deadlines)
    odd = known & (np.mod(deadlines, 2) == 1)
    even = known & (np.mod(deadlines, 2) == 0)
    if not odd.any() or not even.any():
        return None
    means = float(values[odd].mean()), float(values[even].mean())
    return means if abs(means[0] - means[1]) >= 0.02 else None
