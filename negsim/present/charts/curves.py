"""Curve charts: each party's equilibrium against the deadline (:func:`deadline_figure`)
and against one party's discount factor (:func:`discount_figure`), drawn from the curve
records of :mod:`negsim.studies.curves` (plots never solve: the caller computes the curve).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.text import Annotation
from matplotlib.ticker import MaxNLocator, ScalarFormatter

from negsim.present.charts.curve_findings import (
    deadline_finding,
    deadline_phrase,
    discount_finding,
    limit_ranges,
    number,
)
from negsim.present.charts.labels import right_labels
from negsim.present.charts.style import (
    LABEL_SIZE,
    NOTE_SIZE,
    TEXT_GREY,
    TITLE_SIZE,
    TITLE_WIDTH,
    caption_below,
    curve_figure,
    keep_axes_height,
    party_style,
    renderer_of,
    root_figure,
    style_axes,
    wrap,
)
from negsim.present.words import TOLERANCE, deadline_words, round_name, round_unit
from negsim.studies.curves import DeadlineCurve, DiscountCurve

__all__ = [
    "deadline_figure",
    "deadline_finding",
    "discount_figure",
    "discount_finding",
    "plot_deadline",
    "plot_discount",
]

STATED_COLOUR = "#fbeeb8"
"""Background of the scenario's own deadline (a light tint of the Okabe–Ito yellow)."""


def _axis_unit(label: str | None) -> str:
    """The unit of a deadline axis: ``"days"``, ``"rounds"``, ``"rounds of 2 weeks"``."""
    unit = round_unit(label)
    if unit is None:
        return "rounds"
    if unit[0] == 1:
        return f"{unit[1]}s"
    return f"rounds of {label}"


def _curve_values(curve: DeadlineCurve | DiscountCurve) -> tuple[str, str]:
    """What the y axis shows: ``(axis label, caption sentence)``."""
    if curve.immediate:
        return (
            "equilibrium utility of the deal",
            "Every equilibrium shown agrees at once, so payoffs are the utilities of the deal.",
        )
    first = round_name(curve.round_label, 0)
    return (
        "equilibrium payoff",
        f"Payoffs: the deal's utility discounted to {first}, less delay costs, with breakdown "
        "risk.",
    )


def _padded(values: np.ndarray, top: float = 1.0) -> tuple[float, float]:
    """y limits around ``values``: a margin, and a span of at least 0.1 utility so that
    flat curves do not magnify rounding."""
    values = np.asarray(values, dtype=float)
    values = values[np.isfinite(values)]
    if values.size == 0:
        return -0.05, 0.05
    low, high = float(np.min(values)), float(np.max(values))
    if high - low < 0.1:
        middle = (high + low) / 2
        low, high = middle - 0.05, middle + 0.05
    pad = (high - low) * 0.08
    return low - pad, high + pad * top


DENSE_POINTS = 60
"""Deadline charts with more points draw lines without markers, one per last proposer."""
LOG_SPAN = 50
"""Dense deadline charts whose longest deadline is this many times the shortest use a
logarithmic deadline axis, so the early rounds, where the deal moves, stay readable."""


def _dense(curve: DeadlineCurve) -> bool:
    return curve.deadlines.size > DENSE_POINTS


def _logarithmic(curve: DeadlineCurve) -> bool:
    return _dense(curve) and curve.deadlines.max() >= LOG_SPAN * curve.deadlines.min()


def _deadline_lines(ax: Axes, curve: DeadlineCurve, x: np.ndarray) -> None:
    """Each party's equilibrium payoff by deadline (filled markers where it makes the last
    offer; on a dense chart, a thick line through those deadlines and a thin one through
    each other last proposer's) and, dashed, in open-ended talks."""
    n_parties = len(curve.parties)
    for i in range(n_parties):
        colour, marker = party_style(i)
        if np.isfinite(curve.limit_payoffs[i]):  # minus infinity: costs paid for ever
            ax.axhline(
                float(curve.limit_payoffs[i]),
                color=colour,
                linewidth=1.6,
                linestyle=(0, (5, 3)),
                zorder=2,
                gid=f"limit-{curve.parties[i]}",
            )
        if _dense(curve):
            for last in np.unique(curve.last_proposers).tolist():
                chosen = curve.last_proposers == last
                own = last in (i, -1)
                ax.plot(x[chosen], curve.payoffs[chosen, i], color=colour,
                        linewidth=2.4 if own else 1.0, alpha=1.0 if own else 0.8, zorder=3,
                        gid=f"deadline-{curve.parties[i]}-last-{last}")  # fmt: skip
            continue
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


def _deadline_axes(
    ax: Axes, curve: DeadlineCurve, x: np.ndarray, ranges: np.ndarray, ylabel: str
) -> None:
    """Limits (with room at the right for the bars of open-ended ranges), ticks and labels."""
    everything = np.concatenate([curve.payoffs.ravel(), curve.limit_payoffs, ranges.ravel()])
    ax.set_ylim(*_padded(everything, top=1.8))
    logarithmic = _logarithmic(curve)

    def beyond(steps: float) -> float:  # past the longest deadline, on either axis scale
        top = float(x.max())
        return top * 1.05**steps if logarithmic else top + 0.25 * steps

    right = beyond(2.4)
    for i, (low, high) in enumerate(ranges):
        if high - low > TOLERANCE:  # open-ended talks have many equilibria: their range
            ax.plot([beyond(2.4 + i + 1)] * 2, [low, high], color=party_style(i)[0],
                    linewidth=5, solid_capstyle="butt", alpha=0.5, zorder=2, clip_on=False,
                    gid=f"limit-range-{curve.parties[i]}")  # fmt: skip
    if len(ranges):
        right = beyond(2.4 + len(ranges) + 1)
    if logarithmic:
        ax.set_xscale("log")
        ax.set_xlim(float(x.min()) / 1.15, right)
        ax.xaxis.set_major_formatter(ScalarFormatter())
    else:
        ax.set_xlim(float(x.min()) - 0.6, right)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=min(len(x), 20)))
    unit = _axis_unit(curve.round_label)
    ax.set_xlabel(f"deadline ({unit})", fontsize=LABEL_SIZE)
    ax.set_ylabel(ylabel, fontsize=LABEL_SIZE)
    style_axes(ax)


def _mark_stated_deadline(ax: Axes, curve: DeadlineCurve, deadlines: list[int]) -> None:
    """The scenario's own deadline: a shaded column, its name, and each party's value there
    with its shift from open-ended talks."""
    assert curve.stated is not None
    n_parties = len(curve.parties)
    stated = float(curve.stated)
    ax.axvspan(stated - 0.4, stated + 0.4, color=STATED_COLOUR, linewidth=0, zorder=0,
               gid="stated-deadline")  # fmt: skip
    first, final = int(curve.deadlines.min()), int(curve.deadlines.max())
    side = "left" if curve.stated == first else "right" if curve.stated == final else "center"
    label = ax.annotate(
        f"the scenario's deadline:\n{deadline_phrase(curve, curve.stated)}",
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
    label.negsim_home = (stated, label.xy[0], side)  # type: ignore[attr-defined]
    row = curve.payoffs[deadlines.index(curve.stated)]
    top = int(np.argmax(row))
    for i in range(n_parties):
        colour, _ = party_style(i)
        above = i == top
        settled = curve.limit_settled and np.isfinite(curve.limit_payoffs[i])
        shift = float(row[i] - curve.limit_payoffs[i]) if settled else 0.0
        if abs(shift) > 0.01:
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


def _deadline_caption(
    curve: DeadlineCurve, x: np.ndarray, ranges: np.ndarray, values_note: str
) -> str:
    """What the marks of the deadline chart mean."""
    n_parties = len(curve.parties)
    deadlines = [int(d) for d in curve.deadlines]
    span = f"1 to {deadline_phrase(curve, int(x.max()))}" if x.min() == 1 else "each deadline"
    limit_words = "open-ended talks (no deadline), the limit of ever longer deadlines"
    if curve.protocol == "alternating_offers" and n_parties == 2:
        limit_words += " (Rubinstein 1982)"
    caption = [
        f"Solid: the subgame-perfect equilibrium with a deadline of {span}.",
    ]
    if bool(np.any(curve.last_proposers >= 0)):
        caption.append(
            "Thick lines: deadlines at which that party makes the last offer (the "
            "last-mover advantage); thin lines: the deadlines at which another party does."
            if _dense(curve)
            else "Filled markers: deadlines at which that party makes the last offer (the "
            "last-mover advantage)."
        )
    if _logarithmic(curve):
        caption.append("The deadline axis is logarithmic.")
    if curve.limit_settled:
        caption.append(f"Dashed: {limit_words}.")
    else:
        assert curve.limit_convergence is not None
        tried = deadline_phrase(curve, curve.limit_convergence.iterations)
        caption.append(
            f"Dashed: a deadline of {tried}, the longest tried; ever longer deadlines never "
            "settle, so open-ended talks have no limit to show."
        )
    if curve.limit_settled and curve.stated is not None and curve.stated in deadlines:
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
    return " ".join(caption)


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
        ax = curve_figure().add_subplot()
    x = curve.deadlines.astype(float)
    ylabel, values_note = _curve_values(curve)
    n_parties = len(curve.parties)
    _deadline_lines(ax, curve, x)
    ranges = limit_ranges(curve)
    _deadline_axes(ax, curve, x, ranges, ylabel)
    deadlines = [int(d) for d in curve.deadlines]
    if curve.stated is not None and curve.stated in deadlines:
        _mark_stated_deadline(ax, curve, deadlines)
    ax.set_title(wrap(deadline_finding(curve), TITLE_WIDTH), loc="left",
                 fontsize=TITLE_SIZE, pad=12)  # fmt: skip
    limit_name = "open-ended" if curve.limit_settled else "longest tried"
    items = [
        (
            float(curve.limit_payoffs[i])
            if np.isfinite(curve.limit_payoffs[i])
            else float(curve.payoffs[-1, i]),
            f"{curve.labels[i]}\n{limit_name}: {number(float(curve.limit_payoffs[i]), 3)}",
            party_style(i)[0],
            f"label-{curve.parties[i]}",
        )
        for i in range(n_parties)
    ]
    right_labels(ax, items, 1.0)
    caption_below(ax, _deadline_caption(curve, x, ranges, values_note))
    keep_axes_height(ax)
    _settle_stated_label(ax)
    return ax


def _settle_stated_label(ax: Axes) -> None:
    """Keep the scenario's deadline's name clear of the values beside it and of the tick
    labels (:func:`_place_stated_label`), now and each time the axes are drawn, once the
    layout is final (a name or caption added later moves the values in pixels)."""
    labels = [t for t in ax.texts if t.get_gid() == "stated-label" and isinstance(t, Annotation)]
    if not labels:
        return
    figure = root_figure(ax)
    figure.draw_without_rendering()
    _place_stated_label(ax, labels[0], renderer_of(figure))
    if not any(isinstance(a, _StatedLabelPlacer) for a in ax.artists):
        ax.add_artist(_StatedLabelPlacer(labels[0]))


class _StatedLabelPlacer(Artist):
    """Places the deadline's name when the axes are drawn, before the texts are: drawn
    first (lowest zorder), with nothing to show itself."""

    zorder = -1e9

    def __init__(self, label: Annotation) -> None:
        super().__init__()
        self.label = label
        self.set_in_layout(False)

    def draw(self, renderer: Any) -> None:
        if isinstance(self.axes, Axes):
            _place_stated_label(self.axes, self.label, renderer)


def _place_stated_label(ax: Axes, label: Annotation, renderer: Any) -> None:
    """At the top of the axes over its column when it is clear of the values and tick
    labels there, else at the bottom, else beside the column on the left; never sticking
    out of the axes on the left; when every place is taken, the values near the top go
    below their points."""
    figure = root_figure(ax)
    others = [t for t in ax.texts if str(t.get_gid()).startswith("stated-value-")]
    others += [t for t in ax.get_yticklabels() if t.get_text()]
    stated, x0, ha0 = label.negsim_home  # type: ignore[attr-defined]

    def place(top: bool, beside: bool) -> bool:
        """Put the name there; whether it is clear of the other texts."""
        label.xy = (stated - 0.4 if beside else x0, 1.0 if top else 0.0)
        label.xyann = (-3 if beside else 0, -4 if top else 4)
        label.set_horizontalalignment("right" if beside else ha0)
        label.set_verticalalignment("top" if top else "bottom")
        overhang = ax.get_window_extent(renderer).x0 - label.get_window_extent(renderer).x0
        if overhang > 0:
            label.xyann = (label.xyann[0] + overhang / (figure.dpi / 72) + 2, label.xyann[1])
        box = label.get_window_extent(renderer)
        return not any(box.overlaps(t.get_window_extent(renderer)) for t in others)

    for top, beside in ((True, False), (False, False), (True, True), (False, True)):
        if place(top, beside):
            return
    place(True, False)
    box = label.get_window_extent(renderer)
    for value in others:
        if isinstance(value, Annotation) and box.overlaps(value.get_window_extent(renderer)):
            value.xyann = (value.xyann[0], -abs(value.xyann[1]))
            value.set_verticalalignment("top")


def deadline_figure(curve: DeadlineCurve) -> Figure:
    """The deadline chart (:func:`plot_deadline`) as a figure, the scenario named above."""
    figure = curve_figure()
    plot_deadline(curve, figure.add_subplot())
    figure.suptitle(curve.scenario, x=0.01, ha="left", fontsize=NOTE_SIZE, color=TEXT_GREY)
    keep_axes_height(figure.axes[0])
    _settle_stated_label(figure.axes[0])  # again: the name above moved the axes
    return figure


def _per_round(label: str | None) -> str:
    """``"per day"`` for rounds of ``"1 day"``, else ``"per round"``."""
    unit = round_unit(label)
    return f"per {unit[1]}" if unit is not None and unit[0] == 1 else "per round"


def plot_discount(curve: DiscountCurve, ax: Axes | None = None) -> Axes:
    """Each party's equilibrium payoff against one party's discount factor: solid under
    the scenario's protocol, dashed without its deadline (when it has one); a dotted
    vertical line at the stated discount factor. Direct labels at the right."""
    if ax is None:
        ax = curve_figure().add_subplot()
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
    style_axes(ax)
    ax.set_title(wrap(discount_finding(curve), TITLE_WIDTH), loc="left",
                 fontsize=TITLE_SIZE, pad=12)  # fmt: skip
    right_labels(ax, items, 1.0)
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
    caption_below(ax, " ".join(caption))
    return ax


def discount_figure(curve: DiscountCurve) -> Figure:
    """The discount chart (:func:`plot_discount`) as a figure, the scenario named above."""
    figure = curve_figure()
    plot_discount(curve, figure.add_subplot())
    figure.suptitle(curve.scenario, x=0.01, ha="left", fontsize=NOTE_SIZE, color=TEXT_GREY)
    return figure
