"""The tornado chart of a one-at-a-time sensitivity
(:class:`~negsim.studies.sensitivity.SensitivityResult`): one row per parameter, largest
swing on top, bars from the scenario's own equilibrium value to its value with the
parameter at its low and high setting (:func:`tornado_figure`)."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from negsim.analysis.metrics import is_screening_metric
from negsim.present.charts.style import (
    LABEL_SIZE,
    NOTE_SIZE,
    OKABE_ITO,
    TEXT_GREY,
    TITLE_SIZE,
    TITLE_WIDTH,
    colour_words,
    new_figure,
    renderer_of,
    root_figure,
    style_axes,
    wrap,
)
from negsim.present.study_words import metric_label, path_label
from negsim.studies.sensitivity import Parameter, SensitivityResult, number_text

__all__ = ["plot_tornado", "tornado_figure", "tornado_finding"]

LOW_COLOUR = OKABE_ITO["orange"]
HIGH_COLOUR = OKABE_ITO["blue"]
INVALID_COLOUR = "#9a9a9a"


def _label(result: SensitivityResult, path: str, unit: bool = True) -> str:
    """A varied path in words, with the scenario's party labels and round label."""
    return path_label(path, result.party_labels, result.round_label, unit=unit)


def _metric(result: SensitivityResult, party: str | int | None, kind: str) -> str:
    """The metric of a party's ``utilities`` or ``payoffs``."""
    if kind not in ("utilities", "payoffs"):
        raise ValueError(f"kind must be 'utilities' or 'payoffs', got {kind!r}")
    name = result.parties[result.party_index(party)]
    return f"{'u' if kind == 'utilities' else 'payoff'}.{name}"


def _quantity(result: SensitivityResult, metric: str) -> str:
    """What a panel measures, in words: ``United States' equilibrium utility``."""
    return metric_label(metric, result.party_labels)


def tornado_finding(
    result: SensitivityResult,
    party: str | int | None = None,
    kind: str = "utilities",
    metric: str | None = None,
) -> str:
    """The tornado chart's title: which parameter moves the metric most (default: the
    party's ``kind``), and how."""
    metric = metric or _metric(result, party, kind)
    quantity = _quantity(result, metric)
    base = result.metric_base(metric)
    ranked = result.ranked_by(metric)
    if not ranked or result.metric_swing(ranked[0], metric) <= 5e-4:
        return (
            f"No parameter moves {quantity} ({_value(base)}) by more than 0.0005 within "
            f"±{result.spread:.0%}"
        )
    top = ranked[0]
    values = result.metric_outcomes(top, metric)
    words = _label(result, top.path, unit=False)
    text = f"{words[0].upper()}{words[1:]} moves {quantity} most"
    sides = []
    for side, value in ((top.low, values[0]), (top.high, values[2])):
        if side is not None and math.isfinite(value):
            sides.append(f"{value:.2f} at {number_text(side.value)}")
    if sides:
        text += (
            f": {' and '.join(sides)}, against {_value(base)} at the scenario's "
            f"{number_text(top.base)}"
        )
    if len(ranked) > 1:
        second = ranked[1]
        swing = result.metric_swing(second, metric)
        text += f"; next: {_label(result, second.path, unit=False)} (swing {swing:.2f})"
    return text


def _value(value: float) -> str:
    return f"{value:.2f}" if math.isfinite(value) else "none"


def _tornado_row(
    ax: Axes, p: Parameter, values: np.ndarray, y: float, centre: float, height: float
) -> None:
    """One parameter's row at ``y``: a bar from ``centre`` to its value at the low and at the
    high setting (``values``: low, base, high), each labelled, or a note where it is invalid;
    the parameter's note at the right."""
    for side, value, colour, name in (
        (p.low, values[0], LOW_COLOUR, "low"),
        (p.high, values[2], HIGH_COLOUR, "high"),
    ):
        if side is None:
            continue
        if not math.isfinite(value):
            ax.annotate(
                f"{number_text(side.value)}: invalid",
                xy=(centre, y),
                xytext=(6 if name == "high" else -6, -10 if name == "low" else 10),
                textcoords="offset points",
                ha="left" if name == "high" else "right",
                va="center",
                fontsize=NOTE_SIZE - 1,
                color=INVALID_COLOUR,
                style="italic",
                gid=f"invalid-{p.path}-{name}",
            )
            continue
        offset = -height / 4 if name == "low" else height / 4
        ax.barh(
            y + offset,
            value - centre,
            left=centre,
            height=height / 2,
            color=colour,
            linewidth=0,
            zorder=2,
            gid=f"bar-{p.path}-{name}",
        )
        right = value >= centre
        ax.annotate(
            f"{number_text(side.value)} → {value:.3f}",
            xy=(value, y + offset),
            xytext=(5 if right else -5, 0),
            textcoords="offset points",
            ha="left" if right else "right",
            va="center",
            fontsize=NOTE_SIZE - 1,
            color=colour,
            fontweight="bold",
            gid=f"label-{p.path}-{name}",
        )
    if p.note:
        ax.annotate(
            f"({p.note})",
            xy=(1.0, y),
            xycoords=("axes fraction", "data"),
            xytext=(-2, 0),
            textcoords="offset points",
            ha="right",
            va="center",
            fontsize=NOTE_SIZE - 2,
            color=TEXT_GREY,
            gid=f"note-{p.path}",
        )


def plot_tornado(
    result: SensitivityResult,
    party: str | int | None = None,
    ax: Axes | None = None,
    kind: str = "utilities",
    title: bool = True,
    metric: str | None = None,
) -> Axes:
    """Horizontal bars, one row per parameter, largest swing on top: from the scenario's
    own value of the metric (default: the party's equilibrium ``kind``) to its value with
    the parameter at its low (orange) and its high (blue) value, each end labelled with
    the parameter's value."""
    if ax is None:
        ax = new_figure().add_subplot()
    metric = metric or _metric(result, party, kind)
    ranked = result.ranked_by(metric)
    rows = len(ranked)
    base = result.metric_base(metric)
    ends = [v for p in ranked for v in result.metric_outcomes(p, metric) if math.isfinite(v)]
    centre = base if math.isfinite(base) else (min(ends) if ends else 0.0)
    ends.append(centre)
    span = max(max(ends) - min(ends), 0.02)
    pad = span * 0.3
    ax.set_xlim(min(ends) - pad, max(ends) + pad)
    ax.axvline(centre, color="#000000", linewidth=1.2, zorder=3, gid="base")
    height = 0.62
    for row, p in enumerate(ranked):
        _tornado_row(ax, p, result.metric_outcomes(p, metric), rows - 1 - row, centre, height)
    ax.set_yticks(
        [rows - 1 - row for row in range(rows)],
        [f"{_label(result, p.path)}\nat {number_text(p.base)}" for p in ranked],
    )
    ax.set_ylim(-0.7, rows - 0.3)
    ax.set_xlabel(wrap(_quantity(result, metric), 48), fontsize=LABEL_SIZE)
    style_axes(ax)
    ax.grid(False, axis="y")
    ax.tick_params(axis="y", length=0, labelsize=NOTE_SIZE)
    ax.annotate(
        f"scenario's values: {_value(base) if not math.isfinite(base) else f'{base:.3f}'}",
        xy=(centre, 1.0),
        xycoords=("data", "axes fraction"),
        xytext=(0, 4),
        textcoords="offset points",
        ha="center",
        va="bottom",
        fontsize=NOTE_SIZE - 1,
        color=TEXT_GREY,
        gid="base-label",
    )
    if title:
        ax.set_title(
            wrap(tornado_finding(result, metric=metric), TITLE_WIDTH),
            loc="left",
            fontsize=TITLE_SIZE,
            pad=24,
        )
    else:
        ax.set_title(wrap(_capital(_quantity(result, metric)), 48), loc="left",
                     fontsize=LABEL_SIZE, pad=20)  # fmt: skip
    return ax


def _fit_labels(ax: Axes) -> None:
    """Widen the x range until every bar's label lies inside the axes, clear of the rows'
    names at the left and of the edge at the right (labels sit a few points beyond their
    bars, so a short range can push them out)."""
    figure = root_figure(ax)
    for _ in range(6):
        figure.draw_without_rendering()
        renderer = renderer_of(figure)
        frame = ax.get_window_extent(renderer)
        boxes = [
            t.get_window_extent(renderer)
            for t in ax.texts
            if str(t.get_gid()).startswith(("label-", "invalid-"))
        ]
        if not boxes:
            return
        margin = 8 * figure.dpi / 72
        left = max(0.0, frame.x0 + margin - min(b.x0 for b in boxes))
        right = max(0.0, max(b.x1 for b in boxes) - (frame.x1 - margin))
        if left == 0 and right == 0:
            return
        low, high = ax.get_xlim()
        per_pixel = (high - low) / max(frame.width - left - right, 1.0)
        ax.set_xlim(low - 1.2 * left * per_pixel, high + 1.2 * right * per_pixel)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _panels(
    result: SensitivityResult,
    party: str | Sequence[str] | None,
    kind: str,
    metric: str | Sequence[str] | None,
) -> list[str]:
    """The metric of each panel: ``metric`` (one or several), else the party's (or each
    named party's) ``kind``, else the result's reported metrics."""
    if metric is not None:
        return [metric] if isinstance(metric, str) else list(metric)
    if party is not None:
        names = [party] if isinstance(party, str) else list(party)
        return [_metric(result, name, kind) for name in names]
    if kind != "utilities":
        return [_metric(result, name, kind) for name in result.parties]
    return list(result.metrics) or [_metric(result, name, kind) for name in result.parties]


def tornado_figure(
    result: SensitivityResult,
    party: str | Sequence[str] | None = None,
    kind: str = "utilities",
    metric: str | Sequence[str] | None = None,
) -> Figure:
    """The tornado chart: one panel per metric, one under the other. The panels are
    ``metric`` (a name of :mod:`negsim.analysis.metrics`, or several), else the party's
    equilibrium ``kind`` (``utilities`` or ``payoffs``) for a party or each of a sequence
    of parties, else the metrics the result reports (``result.metrics``: every party's
    utility, or the screening outcome under private information). Raises
    :class:`ValueError` when no parameter was varied."""
    if kind not in ("utilities", "payoffs"):
        raise ValueError(f"kind must be 'utilities' or 'payoffs', got {kind!r}")
    if not result.parameters:
        reasons = "; ".join(f"{path}: {reason}" for path, reason in result.skipped)
        raise ValueError("no parameter to draw" + (f" ({reasons})" if reasons else ""))
    metrics = _panels(result, party, kind, metric)
    height = 1.0 + 0.8 * len(result.parameters)
    if len(metrics) == 1:
        figure = new_figure(10.5, max(4.6, height + 2.8))
    else:
        figure = new_figure(10.5, max(3.4, height + 1.4) * len(metrics) + 2.4)
    for j, name in enumerate(metrics):
        ax = figure.add_subplot(len(metrics), 1, j + 1)
        plot_tornado(result, ax=ax, title=False, metric=name)
    figure.suptitle(
        f"{result.scenario}\n" + wrap(tornado_finding(result, metric=metrics[0]), 88),
        x=0.01,
        ha="left",
        fontsize=TITLE_SIZE,
    )
    invalid = sum(len(p.errors) for p in result.parameters)
    caption = (
        f"Each row moves one parameter to a lower ({colour_words('orange', 'light')}) and a "
        f"higher ({colour_words('blue', 'dark')}) value, "
        f"±{result.spread:.0%} of its own unless given, the others at the scenario's values; "
        f"labels: parameter value → the panel's quantity. Black line: the scenario's own "
        f"values. Rows by swing, largest on top."
    )
    if any(is_screening_metric(m) for m in metrics):
        caption += (
            " Under private information: the screening equilibrium (the uninformed side's "
            "offers over the rounds, each type's best reply)."
        )
    if invalid:
        caption += f" {invalid} variation{'s' if invalid > 1 else ''} invalid (see the table)."
    if result.skipped:
        caption += f" Skipped: {', '.join(path for path, _ in result.skipped)}."
    figure.supxlabel(
        wrap(caption, 125),
        x=0.01,
        ha="left",
        fontsize=NOTE_SIZE - 1,
        color=TEXT_GREY,
        linespacing=1.4,
        gid="caption",
    )
    for ax in figure.axes:  # once the layout is final: the caption moved the axes
        _fit_labels(ax)
    return figure
