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

from negsim.present.charts.style import (
    LABEL_SIZE,
    NOTE_SIZE,
    OKABE_ITO,
    TEXT_GREY,
    TITLE_SIZE,
    TITLE_WIDTH,
    new_figure,
    style_axes,
    wrap,
)
from negsim.present.words import path_label
from negsim.studies.sensitivity import Parameter, SensitivityResult, number_text

__all__ = ["plot_tornado", "tornado_figure", "tornado_finding"]

LOW_COLOUR = OKABE_ITO["orange"]
HIGH_COLOUR = OKABE_ITO["blue"]
INVALID_COLOUR = "#9a9a9a"


def _label(result: SensitivityResult, path: str) -> str:
    """A varied path in words, with the scenario's party labels and round label."""
    return path_label(path, result.party_labels, result.round_label)


def _quantity(kind: str) -> str:
    """What the chart measures, in words."""
    return "equilibrium utility" if kind == "utilities" else "equilibrium payoff"


def tornado_finding(
    result: SensitivityResult, party: str | int | None = None, kind: str = "utilities"
) -> str:
    """The tornado chart's title: which parameter moves the party's value most, and how."""
    k = result.party_index(party)
    who = result.labels[k]
    possessive = f"{who}'" if who.endswith("s") else f"{who}'s"
    base = result.base(kind)
    ranked = result.ranked(k, kind)
    if not ranked or ranked[0].swing(base, k, kind) <= 5e-4:
        return (
            f"No parameter moves {possessive} {_quantity(kind)} ({base[k]:.3f}) by more than "
            f"0.0005 within ±{result.spread:.0%}"
        )
    top = ranked[0]
    values = top.outcomes(base, kind)[:, k]
    words = _label(result, top.path).split(" (")[0]
    text = f"{words[0].upper()}{words[1:]} matters most for {who}"
    sides = []
    for side, value in ((top.low, values[0]), (top.high, values[2])):
        if side is not None and math.isfinite(value):
            sides.append(f"{value:.2f} at {number_text(side.value)}")
    if sides:
        text += (
            f": {_quantity(kind)} {' and '.join(sides)}, against {base[k]:.2f} at the "
            f"scenario's {number_text(top.base)}"
        )
    if len(ranked) > 1:
        second = ranked[1]
        swing = second.swing(base, k, kind)
        text += f"; next: {_label(result, second.path).split(' (')[0]} (swing {swing:.2f})"
    return text


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
) -> Axes:
    """Horizontal bars, one row per parameter, largest swing on top: from the scenario's
    own value of the party's equilibrium utility to its value with the parameter at its
    low (orange) and its high (blue) value, each end labelled with the parameter's value."""
    if ax is None:
        ax = new_figure().add_subplot()
    k = result.party_index(party)
    base = result.base(kind)
    ranked = result.ranked(k, kind)
    rows = len(ranked)
    centre = float(base[k])
    ends = [centre]
    for p in ranked:
        ends += [v for v in p.outcomes(base, kind)[:, k] if math.isfinite(v)]
    span = max(max(ends) - min(ends), 0.02)
    pad = span * 0.3
    ax.set_xlim(min(ends) - pad, max(ends) + pad)
    ax.axvline(centre, color="#000000", linewidth=1.2, zorder=3, gid="base")
    height = 0.62
    for row, p in enumerate(ranked):
        _tornado_row(ax, p, p.outcomes(base, kind)[:, k], rows - 1 - row, centre, height)
    ax.set_yticks(
        [rows - 1 - row for row in range(rows)],
        [f"{_label(result, p.path)}\nat {number_text(p.base)}" for p in ranked],
    )
    ax.set_ylim(-0.7, rows - 0.3)
    ax.set_xlabel(f"{_quantity(kind)} of {result.labels[k]}", fontsize=LABEL_SIZE)
    style_axes(ax)
    ax.grid(False, axis="y")
    ax.tick_params(axis="y", length=0, labelsize=NOTE_SIZE)
    ax.annotate(
        f"scenario's values: {centre:.3f}",
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
            wrap(tornado_finding(result, k, kind), TITLE_WIDTH),
            loc="left",
            fontsize=TITLE_SIZE,
            pad=24,
        )
    else:
        ax.set_title(result.labels[k], loc="left", fontsize=LABEL_SIZE, pad=20)
    return ax


def tornado_figure(
    result: SensitivityResult,
    party: str | Sequence[str] | None = None,
    kind: str = "utilities",
) -> Figure:
    """The tornado chart: for one party (a name; default the first party), or one panel
    per party for a sequence of names (e.g. ``result.parties``). ``kind``: ``utilities``
    (default) or ``payoffs``. Raises :class:`ValueError` when no parameter was varied."""
    if kind not in ("utilities", "payoffs"):
        raise ValueError(f"kind must be 'utilities' or 'payoffs', got {kind!r}")
    if not result.parameters:
        reasons = "; ".join(f"{path}: {reason}" for path, reason in result.skipped)
        raise ValueError("no parameter to draw" + (f" ({reasons})" if reasons else ""))
    names = [party] if party is None or isinstance(party, str) else list(party)
    rows = len(result.parameters)
    height = 1.0 + 0.62 * rows
    if len(names) == 1:
        figure = new_figure(10.5, max(4.6, height + 2.8))
        ax = figure.add_subplot()
        plot_tornado(result, names[0], ax, kind, title=False)
        ax.set_title("")
        figure.suptitle(
            f"{result.scenario}\n" + wrap(tornado_finding(result, names[0], kind), 88),
            x=0.01,
            ha="left",
            fontsize=TITLE_SIZE,
        )
    else:
        figure = new_figure(7.2 * len(names), max(4.6, height + 3.2))
        axes = [figure.add_subplot(1, len(names), j + 1) for j in range(len(names))]
        for ax, name in zip(axes, names, strict=True):
            plot_tornado(result, name, ax, kind, title=False)
        first = tornado_finding(result, names[0], kind)
        figure.suptitle(
            f"{result.scenario}\n" + wrap(first, 50 * len(names)),
            x=0.01,
            ha="left",
            fontsize=TITLE_SIZE,
        )
    invalid = sum(len(p.errors) for p in result.parameters)
    caption = (
        f"Each row moves one parameter to a lower (orange) and a higher (blue) value, "
        f"±{result.spread:.0%} of its own unless given, the others at the scenario's values; "
        f"labels: parameter value → {_quantity(kind)}. Black line: the scenario's own "
        f"equilibrium. Rows by swing, largest on top."
    )
    if invalid:
        caption += f" {invalid} variation{'s' if invalid > 1 else ''} invalid (see the table)."
    if result.skipped:
        caption += f" Skipped: {', '.join(path for path, _ in result.skipped)}."
    figure.supxlabel(
        wrap(caption, 125 if len(names) == 1 else 90 * len(names)),
        x=0.01,
        ha="left",
        fontsize=NOTE_SIZE - 1,
        color=TEXT_GREY,
        linespacing=1.4,
        gid="caption",
    )
    return figure
