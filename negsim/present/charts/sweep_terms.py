"""The sweep chart of a categorical term (``negsim plot DIR --kind sweep --metric
deal.ISSUE`` for an issue with named options): which option is agreed at each value of the
swept path, one row per option (:func:`terms_figure`)."""

from __future__ import annotations

import itertools

import numpy as np
from matplotlib.figure import Figure

from negsim.analysis.metrics import is_screening_metric
from negsim.present.charts.style import (
    LABEL_SIZE,
    TITLE_SIZE,
    TITLE_WIDTH,
    curve_figure,
    party_style,
    style_axes,
    wrap,
)
from negsim.present.charts.sweep_text import (
    failed_note,
    path_words,
    sweep_caption,
    sweep_suptitle,
    value_words,
    with_article,
)
from negsim.present.study_words import metric_label
from negsim.studies.sweep_table import SweepTable, axis_positions, numeric_axis, value_key

__all__ = ["is_categorical", "terms_figure"]

EMPTY = ("", "None", "nan")


def is_categorical(table: SweepTable, column: str) -> bool:
    """Whether a column of the sweep holds option names rather than numbers."""
    if column not in table.columns or np.isfinite(table.column(column)).any():
        return False
    return any(str(row.get(column)) not in EMPTY for row in table.rows)


def _options(table: SweepTable, column: str) -> list[str]:
    """The options seen in the column, in the scenario's option order when the manifest
    tells it (else in order of appearance)."""
    cells = [str(row.get(column)) for row in table.rows]
    seen = list(dict.fromkeys(cell for cell in cells if cell not in EMPTY))
    issue = column.split("deal.", 1)[1].split(".")[0] if "deal." in column else ""
    labels = ((table.manifest or {}).get("labels") or {}).get("issues") or {}
    order = (labels.get(issue) or {}).get("options") or []
    ranked = [option for option in order if option in seen]
    return ranked + [option for option in seen if option not in ranked]


def terms_figure(table: SweepTable, column: str) -> Figure:
    """One swept path: a marker at each value on the row of the option agreed there (an
    open marker where the points at that value differ, e.g. random runs), joined by a thin
    line; values without a deal are left empty and named in the caption."""
    path = table.swept[0]
    axis, position = axis_positions(table, path)
    numeric = numeric_axis(axis)
    xs = np.array(axis, dtype=float) if numeric else np.arange(len(axis), dtype=float)
    options = _options(table, column)
    rows: dict[int, set[str]] = {}
    for row in table.rows:
        rows.setdefault(position[value_key(row.get(path))], set()).add(str(row.get(column)))
    figure = curve_figure()
    ax = figure.add_subplot()
    colour, _ = party_style(0)
    points = [(k, values) for k, values in sorted(rows.items())]
    agreed = [(xs[k], options.index(next(iter(v)))) for k, v in points
              if len(v) == 1 and next(iter(v)) in options]  # fmt: skip
    if agreed:
        ax.plot(*zip(*agreed, strict=True), color=colour, linewidth=1.0, alpha=0.5, zorder=2,
                drawstyle="steps-mid", gid=f"steps-{column}")  # fmt: skip
        ax.plot(*zip(*agreed, strict=True), linestyle="none", marker="o", markersize=7,
                color=colour, zorder=3, gid=f"points-{column}")  # fmt: skip
    mixed = [(xs[k], options.index(o)) for k, v in points if len(v) > 1 for o in v if o in options]
    if mixed:
        ax.plot(*zip(*mixed, strict=True), linestyle="none", marker="o", markersize=7,
                markerfacecolor="white", color=colour, zorder=3, gid=f"mixed-{column}")  # fmt: skip
    ax.set_yticks(range(len(options)), options)
    ax.set_ylim(-0.6, len(options) - 0.4)
    if not numeric:
        ax.set_xticks(xs, [value_words(v) for v in axis])
    ax.set_xlabel(path_words(path, table), fontsize=LABEL_SIZE)
    ax.set_ylabel(metric_label(column, table), fontsize=LABEL_SIZE)
    style_axes(ax)
    ax.set_title(wrap(_finding(table, column, axis, rows), TITLE_WIDTH), loc="left",
                 fontsize=TITLE_SIZE, pad=12)  # fmt: skip
    sweep_caption(ax, _caption(table, column, path, axis, rows, bool(mixed)))
    sweep_suptitle(figure, table)
    return figure


def _finding(table: SweepTable, column: str, axis: list, rows: dict[int, set[str]]) -> str:
    """The title: the one option agreed everywhere, or where the agreed option changes."""
    words = metric_label(column, table)
    words = words[:1].upper() + words[1:]
    path = with_article(path_words(table.swept[0], table, unit=False))
    single = [(k, next(iter(v))) for k, v in sorted(rows.items())
              if len(v) == 1 and next(iter(v)) not in EMPTY]  # fmt: skip
    if not single:
        return f"{words}: no single option is agreed at any value of {path}"
    options = {option for _, option in single}
    if len(options) == 1:
        return f"{words}: {single[0][1]} at every value of {path} with a deal"
    changes = [(k, option) for (_, before), (k, option) in itertools.pairwise(single)
               if option != before]  # fmt: skip
    first = f"{single[0][1]} at {value_words(axis[single[0][0]])}"
    moves = ", then ".join(f"{option} from {value_words(axis[k])}" for k, option in changes[:3])
    more = f" ({len(changes) - 3} more changes)" if len(changes) > 3 else ""
    return f"{words} changes with {path}: {first}, {moves}{more}"


def _caption(
    table: SweepTable, column: str, path: str, axis: list, rows: dict[int, set[str]], mixed: bool
) -> str:
    at = with_article(path_words(path, table, unit=False))
    source = (
        "the screening equilibrium under private information (the terms of the deals struck, "
        "the likeliest option where they differ)"
        if is_screening_metric(column)
        else "the subgame-perfect equilibrium (its package, or the likeliest option of a lottery)"
    )
    caption = f"Each marker: the option agreed in {source} at each value of {at}."
    if mixed:
        caption += " Open markers: the points at that value agree on different options."
    none = [value_words(axis[k]) for k, v in sorted(rows.items()) if v <= set(EMPTY)]
    if none:
        caption += f" No deal at {', '.join(none)}."
    return caption + failed_note(table)
