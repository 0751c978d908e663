"""The screening chart: a deadline of offers against a responder with private
information (:func:`screening_figure`), drawn from the
:class:`~negsim.analysis.screening.Screening` record of an analysis."""

from __future__ import annotations

from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from negsim.analysis.records import Screening
from negsim.present.charts.labels import thin_out
from negsim.present.charts.layers import FRONTIER_COLOUR, draw_cloud
from negsim.present.charts.style import (
    DEAL_COLOUR,
    LABEL_SIZE,
    LAST_COLOUR,
    NOTE_SIZE,
    OKABE_ITO,
    TEXT_GREY,
    TITLE_SIZE,
    new_figure,
    printing,
    shade,
    style_axes,
    wrap,
)
from negsim.present.words import (
    deadline_words,
    distribution_words,
    last_round_when,
    plural,
    rough_percent,
    round_name,
    round_noun,
    round_number,
    round_unit,
    round_when,
    screening_distribution,
)

__all__ = ["screening_figure", "screening_finding"]

ACCEPT_COLOUR = OKABE_ITO["orange"]
NO_DEAL_COLOUR = "#9a9a9a"


def screening_finding(screening: Screening) -> str:
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
    text = f"{head} {verb} in a deal with probability {rough_percent(agreed)}"
    if deadline == 1:
        return text
    last = (
        f"{rough_percent(float(by_round[-1]))} {last_round_when(label, deadline, named=False)} "
        f"({share:.0%} of all deals)"
    )
    peak = int(np.argmax(by_round))
    if peak == deadline - 1 or share >= 1.0 / deadline:
        return f"{text}; {last}: the deadline effect"
    return f"{text}: {rough_percent(float(by_round[peak]))} {round_when(label, peak)}, only {last}"


def _deal_bars(ax: Axes, x: np.ndarray, by_round: np.ndarray, no_deal: float, gap: float) -> Any:
    """The bars of a deal in each round (the last round marked) and, apart, of no deal."""
    deadline = int(by_round.size)
    colours = [shade(DEAL_COLOUR)] * (deadline - 1) + [shade(LAST_COLOUR)]
    bars = ax.bar(x, by_round, width=0.7, color=colours, zorder=3, gid="deal-bars")
    if printing():  # the last round told apart by a hatch, not by colour alone
        bars[-1].set_hatch("..")
        bars[-1].set_edgecolor("white")
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
    return bars


def _label_rounds(
    ax: Axes,
    bars: Any,
    x: np.ndarray,
    by_round: np.ndarray,
    accept: np.ndarray,
    ymax: float,
    deadline_x: float,
    responder: str,
    label: str | None,
) -> None:
    """Each bar's share, the deadline, the acceptance line and the tallest bar, in words."""
    for bar, value in zip(bars, by_round, strict=True):
        inside = value > 0.2 * ymax
        ax.annotate(
            rough_percent(float(value)),
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
    high = float(accept[-1]) > 0.5 * ymax  # below the point, clear of the deadline's label
    ax.annotate(
        wrap(f"{responder} accepts, if still talking", 22),
        xy=(x[-1], float(accept[-1])),
        xytext=(-10, -6 if high else 6),
        textcoords="offset points",
        ha="right",
        va="top" if high else "bottom",
        fontsize=NOTE_SIZE,
        color=shade(ACCEPT_COLOUR),
        fontweight="bold",
    )
    peak = int(np.argmax(by_round))
    tall = float(by_round[peak]) > 0.45 * ymax
    ax.annotate(
        wrap(f"deal on that {round_noun(label)}" + ("" if tall else ", from the start"), 24),
        xy=(float(x[peak]), float(by_round[peak]) / 2 if tall else float(by_round[peak])),
        xytext=(0, 0) if tall else (0, 16),
        textcoords="offset points",
        ha="center",
        va="center" if tall else "bottom",
        rotation=90 if tall else 0,
        fontsize=NOTE_SIZE,
        color="white" if tall else shade(DEAL_COLOUR),
        fontweight="bold",
    )


def _round_axes(ax: Axes, x: np.ndarray, gap: float, deadline: int, label: str | None) -> None:
    """Ticks by round (and "after" for no deal), axis labels and the panel's title."""
    ax.set_xticks([*x, gap])
    ax.set_xticklabels([round_number(label, t) for t in range(deadline)] + ["after"])
    noun = round_noun(label)
    unit = round_unit(label)
    each = f"{plural(unit[0], unit[1])} each; " if unit is not None and unit[0] != 1 else ""
    ax.set_xlabel(
        f"{noun} ({each}the window lasts {deadline_words(label, deadline)})", fontsize=LABEL_SIZE
    )
    ax.set_title(
        wrap(f"How likely a deal is on each {noun}", 60),
        loc="left",
        fontsize=LABEL_SIZE,
        color=TEXT_GREY,
    )
    ax.set_ylabel("probability", fontsize=LABEL_SIZE)
    ax.yaxis.set_major_formatter(lambda value, _: f"{value:.0%}")
    ax.set_xlim(-0.6, gap + 0.6)
    style_axes(ax)
    ax.grid(False, axis="x")


def _plot_screening_rounds(screening: Screening, ax: Axes) -> None:
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
    no_deal = float(solution.no_agreement_probability)
    gap = deadline + 0.4
    bars = _deal_bars(ax, x, by_round, no_deal, gap)
    deadline_x = deadline - 0.5 + 0.2
    ax.axvline(deadline_x, color=TEXT_GREY, linewidth=1.0, linestyle=(0, (4, 3)), zorder=2)
    ax.plot(
        x,
        accept,
        color=shade(ACCEPT_COLOUR),
        marker="o",
        markersize=6,
        linewidth=2.0,
        zorder=4,
        gid="accept-line",
    )
    top = max(float(np.max(accept)), float(np.max(by_round)), no_deal)
    ymax = min(1.0, top * 1.25 + 0.05) if top < 0.8 else 1.08
    ax.set_ylim(0, ymax)
    _label_rounds(ax, bars, x, by_round, accept, ymax, deadline_x, responder, label)
    _round_axes(ax, x, gap, deadline, label)


def _label_disagreements(ax: Axes, screening: Screening, d: np.ndarray) -> None:
    """By the dashed guides: the proposer's disagreement, and what the proposer knows of the
    responder's private value."""
    names = screening.space.scenario.party_names
    proposer, responder = screening.proposer, screening.responder
    distribution = screening_distribution(screening)
    known = "" if distribution is None else f": {distribution_words(distribution)}"
    private = wrap(
        f"{names[responder]}'s stated {screening.parameter} {d[responder]:.2f}; "
        f"{names[proposer]} knows only the distribution{known}",
        30,
    )
    left = d[0] > sum(ax.get_xlim()) / 2  # on the right half: the label left of its guide
    ax.annotate(
        f"{names[proposer]}'s disagreement {d[proposer]:.2f}" if proposer == 0 else private,
        xy=(d[0], 0.0),
        xycoords=("data", "axes fraction"),
        xytext=(-4 if left else 4, 4),
        textcoords="offset points",
        ha="right" if left else "left",
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


def _draw_offer_path(ax: Axes, screening: Screening) -> None:
    """The offers round by round, numbered, and their range in words."""
    scenario = screening.space.scenario
    label = scenario.protocol.round_label
    names = scenario.party_names
    proposer, responder = screening.proposer, screening.responder
    path = np.array([u for u in screening.offer_utilities if u is not None], dtype=float)
    rounds = [t for t, u in enumerate(screening.offer_utilities) if u is not None]
    if path.size:
        ax.plot(
            path[:, 0],
            path[:, 1],
            color=shade(LAST_COLOUR),
            linewidth=1.4,
            marker="o",
            markersize=7,
            markerfacecolor="white",
            markeredgewidth=1.6,
            zorder=5,
            gid="offer-path",
        )
        numbers = []
        for t, (u0, u1) in zip(rounds, path, strict=True):
            numbers.append(
                ax.annotate(
                    round_number(label, t),
                    xy=(u0, u1),
                    xytext=(7, 5),
                    textcoords="offset points",
                    ha="left",
                    va="bottom",
                    fontsize=NOTE_SIZE - 1,
                    color=shade(LAST_COLOUR),
                    fontweight="bold",
                )
            )
        thin_out(ax, numbers)  # where offers crowd together, not every round is numbered
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
            color=shade(LAST_COLOUR),
            fontweight="bold",
            linespacing=1.3,
        )


def _plot_screening_offers(screening: Screening, ax: Axes) -> None:
    """Right panel: the offers' path on the frontier of the offer set (the one the screening
    solver searched, from its record), numbered by round."""
    space = screening.space
    scenario = space.scenario
    label = scenario.protocol.round_label
    names = scenario.party_names
    utilities = space.utilities
    cloud = np.unique(np.column_stack([utilities[0], utilities[1]]), axis=0)
    draw_cloud(ax, cloud, 0.6)
    points = screening.offers.points
    order = np.argsort(points[0], kind="stable")
    ax.plot(
        points[0, order],
        points[1, order],
        color=shade(FRONTIER_COLOUR),
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
    _label_disagreements(ax, screening, d)
    _draw_offer_path(ax, screening)
    proposer = screening.proposer
    ax.set_title(
        wrap(
            f"Offers of {scenario.parties[proposer].label} by {round_noun(label)}, along the "
            "frontier",
            60,
        ),
        loc="left",
        fontsize=LABEL_SIZE,
        color=TEXT_GREY,
    )
    ax.set_xlabel(f"utility of {scenario.parties[0].label} ({names[0]})", fontsize=LABEL_SIZE)
    ax.set_ylabel(f"utility of {scenario.parties[1].label} ({names[1]})", fontsize=LABEL_SIZE)
    style_axes(ax)


def screening_figure(screening: Screening) -> Figure:
    """The screening chart of a :class:`~negsim.analysis.screening.Screening` record: per round,
    how likely a deal is (bars, the last round marked, no deal stated) and how likely the
    responder is to accept if still talking (line); beside it, the offers' path on the
    frontier of the offer set, numbered by round. The title states the finding
    (:func:`screening_finding`)."""
    figure = new_figure(13.0, 6.4)
    left, right = figure.subplots(1, 2, width_ratios=[1.15, 1.0])
    _plot_screening_rounds(screening, left)
    _plot_screening_offers(screening, right)
    figure.suptitle(
        wrap(screening_finding(screening), 110),
        x=0.01,
        ha="left",
        fontsize=TITLE_SIZE,
        fontweight="bold",
    )
    return figure
