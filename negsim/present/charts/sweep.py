"""Charts of a sweep's ``results.csv`` (``negsim plot DIR --kind sweep``).

:func:`negsim.studies.sweep_table.read_results` reads the folder ``negsim sweep`` writes
into a :class:`~negsim.studies.sweep_table.SweepTable`; :func:`sweep_figure` draws it by
the number of swept paths:

* one path: each party's equilibrium utility against it, one line per party, the Nash
  bargaining solution (over the hull) as a thin dashed line, direct labels at the right;
  with private information, the screening outcome (the probability of a deal before the
  deadline) by default, and any numeric metric by name (``metric``).
  Several rows at the same value (random runs) give a line through the mean and a band
  from the lowest to the highest value;
* two paths: a heatmap of one metric over the grid with one contour line and a colour
  bar. The default metric is ``deal_probability`` when the sweep has it, else the first
  party's equilibrium utility. The contour (see
  :func:`~negsim.present.charts.heatmap.contour_level`): where
  agreement becomes likely (no-agreement probability 0.5), where an agreement is reached
  at all, where it is delayed past the first round, or where the party's equilibrium utility
  equals its Nash bargaining utility; a ``level`` argument overrides it;
* three paths: small multiples, one heatmap per value of the third path, one colour scale.

Points whose ``status`` is not ``ok`` are kept aside: hatched cells in a heatmap, hatched
columns on a line chart, and counted in the caption. Like every chart of
:mod:`negsim.present.charts`, figures are built without pyplot and are the same for the
same input. The heatmaps are in :mod:`negsim.present.charts.heatmap`.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from negsim.analysis.metrics import is_screening_metric
from negsim.errors import MetricError
from negsim.present.charts.heatmap import heatmap_figure
from negsim.present.charts.labels import right_labels
from negsim.present.charts.style import (
    HATCH_COLOUR,
    LABEL_SIZE,
    TEXT_GREY,
    TITLE_SIZE,
    TITLE_WIDTH,
    curve_figure,
    party_style,
    style_axes,
    wrap,
)
from negsim.present.charts.sweep_terms import is_categorical, terms_figure
from negsim.present.charts.sweep_text import (
    failed_note,
    metric_values,
    path_words,
    sweep_caption,
    sweep_finding,
    sweep_suptitle,
    value_words,
    with_article,
)
from negsim.present.study_words import metric_label
from negsim.present.words import join_words
from negsim.studies.sweep_table import (
    SweepTable,
    axis_positions,
    numeric_axis,
    read_results,
    value_key,
)

__all__ = ["default_metric", "sweep_figure"]


def sweep_figure(
    table: SweepTable | str | os.PathLike[str],
    metric: str | Sequence[str] | None = None,
    level: float | None = None,
) -> Figure:
    """The sweep chart of a :class:`SweepTable` (or a sweep folder): a line chart for
    one swept path, a heatmap for two, small multiples of heatmaps for three.

    ``metric`` is a column of ``results.csv``, or several: with one path, ``u`` or
    ``payoff`` draws that quantity for every party, any other numeric column one line,
    and a categorical term alone the option agreed at each value
    (:func:`negsim.present.charts.sweep_terms.terms_figure`; the default:
    :func:`default_metric`, with ``u`` for every party's utility); with two or
    three paths, the heatmap's one column (default: :func:`default_metric`). ``level`` sets
    the heatmap's contour (default: :func:`contour_level`).

    Raises :class:`ValueError` for four or more swept paths, an unknown metric, several
    metrics for a heatmap, or a sweep without one successful point.
    """
    if not isinstance(table, SweepTable):
        table = read_results(table)
    if not table.rows:
        raise ValueError(
            f"no successful point to draw: all {table.n_failed} points of the sweep failed"
        )
    chosen = [metric] if isinstance(metric, str) else list(metric or [])
    n = len(table.swept)
    if n == 1 or _paired(table):
        if len(chosen) == 1 and is_categorical(table, chosen[0]):
            return terms_figure(table, chosen[0])
        return _line_figure(table, chosen)
    if n in (2, 3):
        if len(chosen) > 1:
            raise MetricError(
                f"a heatmap draws one metric; got {len(chosen)} ({', '.join(chosen)}): "
                "draw one chart per metric"
            )
        return heatmap_figure(table, chosen[0] if chosen else default_metric(table), level)
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
    """With private information, the screening outcome: ``deal_probability`` (or, in a
    folder from before that column, ``no_agreement_probability``) where the sweep has it;
    else the first party's equilibrium utility."""
    for screened in ("deal_probability", "no_agreement_probability"):
        if screened in table.columns and np.isfinite(metric_values(table, screened)).any():
            return screened
    if not table.parties:
        raise ValueError("results.csv has no u.PARTY column to draw")
    return f"u.{table.parties[0]}"


# One swept path -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Series:
    """A column's mean, lowest and highest value at each value of the swept path."""

    column: str
    mean: np.ndarray
    low: np.ndarray
    high: np.ndarray


def _series(table: SweepTable, column: str, x_index: np.ndarray, n: int) -> _Series:
    values = metric_values(table, column)
    mean, low, high = (np.full(n, np.nan) for _ in range(3))
    for k in range(n):
        chosen = values[(x_index == k) & np.isfinite(values)]
        if chosen.size:
            mean[k], low[k], high[k] = chosen.mean(), chosen.min(), chosen.max()
    return _Series(column, mean, low, high)


def _line_columns(table: SweepTable, kind: str) -> list[str]:
    """The columns a line chart draws: one column, or a family's: ``u`` or ``payoff`` (or
    ``screening.payoff``, ``nash.u``...) of every party, ``deal_probability.round`` of
    every round."""
    family = [
        c for c in table.columns if c.startswith(f"{kind}.") and "." not in c[len(kind) + 1 :]
    ]
    if kind in ("u", "payoff"):
        columns = [f"{kind}.{p}" for p in table.parties]
    elif kind not in table.columns and family:
        columns = family
    elif kind in table.columns:
        columns = [kind]
        texts = {str(row.get(kind)) for row in table.rows} - {"None", "nan", ""}
        if not np.isfinite(metric_values(table, kind)).any() and texts:
            raise MetricError(
                f"{kind} holds options ({', '.join(sorted(texts)[:4])}), not numbers: draw "
                "it alone (one --metric) on a sweep of one path, or a numeric metric (u, "
                "payoff, deal_probability...)"
            )
    else:
        raise MetricError(
            f"no column {kind!r} in results.csv; use u, payoff or one of: "
            f"{', '.join(table.columns)}"
        )
    if not columns:
        raise ValueError("results.csv has no u.PARTY column to draw")
    return columns


def _draw_lines(
    ax: Axes,
    table: SweepTable,
    kind: str,
    columns: list[str],
    xs: np.ndarray,
    x_index: np.ndarray,
    n: int,
) -> tuple[list[tuple[float, str, str, str]], bool, list[np.ndarray]]:
    """One line per column through the mean at each swept value (a band from the lowest to
    the highest when several runs share a value), the party's Nash utility dashed. Returns
    the direct labels, whether a band was drawn, and every value drawn (for the limits)."""
    labels: list[tuple[float, str, str, str]] = []
    nash_ends: list[tuple[float, str, str]] = []
    banded = False
    everything: list[np.ndarray] = []
    for i, column in enumerate(columns):
        colour, marker = party_style(i)
        series = _series(table, column, x_index, n)
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
            hull = _series(table, nash, x_index, n)
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
                ends = np.flatnonzero(np.isfinite(hull.mean))
                if ends.size:
                    nash_ends.append((float(hull.mean[ends[-1]]), colour, str(party)))
        last = np.flatnonzero(np.isfinite(series.mean))
        if last.size:
            y = float(series.mean[last[-1]])
            name = table.label(party) if party is not None else metric_label(column, table)
            labels.append((y, f"{name}\n{y:.3f}", colour, f"label-{column}"))
    return labels + _nash_labels(table, nash_ends), banded, everything


def _nash_labels(
    table: SweepTable, ends: list[tuple[float, str, str]]
) -> list[tuple[float, str, str, str]]:
    """Direct labels of the dashed Nash lines at their right ends; lines that end at the
    same value share one grey label naming their parties."""
    labels: list[tuple[float, str, str, str]] = []
    for value in dict.fromkeys(round(y, 3) for y, _, _ in ends):
        same = [(y, colour, party) for y, colour, party in ends if round(y, 3) == value]
        y, colour, party = same[0]
        if len(same) > 1:
            who = join_words([table.label(p) for _, _, p in same])
            if len(same) == len(table.parties):
                who = "both" if len(same) == 2 else "all"
            labels.append((y, f"Nash ({who})\n{y:.3f}", TEXT_GREY, "label-nash"))
        else:
            labels.append((y, f"Nash\n{y:.3f}", colour, f"label-nash-{party}"))
    return labels


def _failed_columns(
    ax: Axes, table: SweepTable, path: str, position: dict[str, int], xs: np.ndarray
) -> None:
    """A hatched column at each swept value where a point failed."""
    for row in table.failed:  # failed points: a hatched column
        key = value_key(row.get(path))
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


def _line_caption(table: SweepTable, path: str, kind: str, columns: list[str], banded: bool) -> str:
    """What the marks of a line chart mean."""
    at = with_article(path_words(path, table, unit=False))
    screened = [is_screening_metric(c) for c in columns]
    screening = (
        f"the screening equilibrium under private information at each value of {at} (the "
        "uninformed side's offers over the rounds, each type's best reply)"
    )
    if all(screened):
        caption = f"Solid: {screening}."
    elif any(screened):
        caption = (
            f"Solid: {screening} for the screening metrics; the subgame-perfect equilibrium "
            "with full information for the others."
        )
    else:
        caption = f"Solid: the subgame-perfect equilibrium at each value of {at}."
    if kind in ("u", "payoff") and any(f"nash.u.{p}" in table.columns for p in table.parties):
        caption += " Thin dashed: the Nash bargaining solution (over lotteries), same colours."
    if banded:
        caption += " Bands: lowest to highest over the runs at that value; lines: their mean."
    if len(table.swept) > 1:
        others = ", ".join(table.swept[1:])
        caption += f" Paired with {others} (a zipped sweep)."
    caption += failed_note(table)
    return caption


MAX_LINES = 8
"""Most lines one sweep chart draws."""


def _widest(table: SweepTable, columns: list[str]) -> str:
    """The column that moves most over the sweep: the one the title speaks of."""
    spans = [np.ptp(v[np.isfinite(v)]) if np.isfinite(v := metric_values(table, c)).any()
             else -1.0 for c in columns]  # fmt: skip
    return columns[int(np.argmax(spans))]


def _line_figure(table: SweepTable, chosen: list[str]) -> Figure:
    path = table.swept[0]
    axis, position = axis_positions(table, path)
    numeric = numeric_axis(axis)
    xs = np.array(axis, dtype=float) if numeric else np.arange(len(axis), dtype=float)
    x_index = np.array([position[value_key(row.get(path))] for row in table.rows])
    if not chosen:
        chosen = ["u" if default_metric(table).startswith("u.") else default_metric(table)]
    columns = list(dict.fromkeys(c for name in chosen for c in _line_columns(table, name)))
    if len(columns) > MAX_LINES:
        raise MetricError(
            f"{len(columns)} lines are too many for one chart ({', '.join(chosen)}): choose "
            f"at most {MAX_LINES} metrics, e.g. {columns[0]}"
        )
    kind = chosen[0] if len(chosen) == 1 else ("u" if all(c.startswith("u.") for c in columns)
                                              else "several")  # fmt: skip
    if kind not in ("u", "payoff") and kind not in table.columns:
        kind = "several"  # a family such as screening.payoff
    figure = curve_figure()
    ax = figure.add_subplot()
    labels, banded, everything = _draw_lines(ax, table, kind, columns, xs, x_index, len(axis))
    finite = np.concatenate(everything)
    finite = finite[np.isfinite(finite)]
    if finite.size:
        low, high = float(finite.min()), float(finite.max())
        if high - low < 0.1:
            low, high = (low + high) / 2 - 0.05, (low + high) / 2 + 0.05
        pad = (high - low) * 0.08
        ax.set_ylim(low - pad, high + pad)
    _failed_columns(ax, table, path, position, xs)
    if not numeric:
        ax.set_xticks(xs, [value_words(v) for v in axis])
    ax.set_xlabel(wrap(path_words(path, table), 48), fontsize=LABEL_SIZE)
    families = {c.rsplit(".", 1)[0] for c in columns}
    family = families.pop() if len(families) == 1 and len(columns) > 1 else kind
    ylabel = {
        "u": "equilibrium utility",
        "payoff": "equilibrium payoff",
        "screening.payoff": "expected payoff under screening",
        "nash.u": "Nash bargaining utility",
        "ks.u": "Kalai–Smorodinsky utility",
        "egalitarian.u": "egalitarian utility",
        "utilitarian.u": "utilitarian utility",
        "deal_probability.round": "probability of a deal in that round",
        "several": "value (see each line's label)",
    }.get(family, metric_label(kind, table))
    ax.set_ylabel(ylabel, fontsize=LABEL_SIZE)
    style_axes(ax)
    ax.set_title(
        wrap(
            sweep_finding(table, kind if kind in ("u", "payoff") else _widest(table, columns)),
            TITLE_WIDTH,
        ),
        loc="left",
        fontsize=TITLE_SIZE,
        pad=12,
    )
    right_labels(ax, labels, 1.0)
    caption = _line_caption(table, path, kind, columns, banded)
    sweep_caption(ax, caption)
    sweep_suptitle(figure, table)
    return figure
