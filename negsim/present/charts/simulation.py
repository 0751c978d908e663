"""Charts of simulated negotiations (:mod:`negsim.studies.simulate`): when the simulated
runs agree (:func:`agreements_figure`) and how each agent concedes at the stated values
(:func:`concessions_figure`)."""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from negsim.present.charts.labels import right_labels
from negsim.present.charts.style import (
    DEAL_COLOUR,
    LABEL_SIZE,
    LAST_COLOUR,
    NOTE_SIZE,
    TEXT_GREY,
    TITLE_SIZE,
    TITLE_WIDTH,
    caption_below,
    curve_figure,
    new_figure,
    party_style,
    printing,
    shade,
    style_axes,
    wrap,
)
from negsim.present.words import (
    deadline_words,
    last_round_when,
    rough_percent,
    round_axis_label,
    round_when,
)
from negsim.studies.simulate import ConcessionTrace, SimulationResult

__all__ = [
    "agreements_figure",
    "agreements_finding",
    "concessions_figure",
    "concessions_finding",
    "plot_agreements",
    "plot_concessions",
]


def plot_agreements(
    result: SimulationResult, ax: Axes | None = None, round_label: str | None = None
) -> Axes:
    """The share of simulated runs that agree in each round, the last round highlighted
    (the deadline spike, if any), with the share that never agrees stated.

    ``result`` is a :class:`negsim.studies.simulate.SimulationResult`.
    """
    if ax is None:
        ax = new_figure().add_subplot()
    counts = np.asarray(result.agreement_round_histogram, dtype=float)
    shares = counts / result.runs
    rounds = np.arange(1, counts.size + 1)  # counted from 1, as people count them
    colours = [shade(DEAL_COLOUR)] * counts.size
    if result.deadline is not None and counts.size:
        colours[-1] = shade(LAST_COLOUR)
    bars = ax.bar(rounds, shares, color=colours, width=0.8, zorder=3)
    if printing() and result.deadline is not None and counts.size:
        bars[-1].set_hatch("..")  # the last round told apart by a hatch, not by colour alone
        bars[-1].set_edgecolor("white")
    if result.deadline is not None:
        ax.axvline(counts.size + 0.5, color=TEXT_GREY, linestyle="--", linewidth=1.2)
        ax.text(counts.size + 0.45, 1.0, "deadline", transform=ax.get_xaxis_transform(),
                ha="right", va="top", fontsize=NOTE_SIZE, color=TEXT_GREY)  # fmt: skip
    ax.set_xlabel(round_axis_label(round_label, "of agreement"), fontsize=LABEL_SIZE)
    ax.set_ylabel("share of simulated runs", fontsize=LABEL_SIZE)
    ax.yaxis.set_major_formatter(lambda value, _: f"{value:.0%}")
    _round_ticks(ax, counts.size)
    style_axes(ax)
    ax.set_title(agreements_finding(result, round_label), loc="left", fontsize=TITLE_SIZE,
                 wrap=True)  # fmt: skip
    return ax


def agreements_finding(result: SimulationResult, round_label: str | None = None) -> str:
    """The title of the agreements chart: the agreement rate and the last-round share."""
    rate = result.agreement_rate
    text = f"{rough_percent(rate)} of {result.runs:,} simulated negotiations end in a deal"
    share = result.final_round_share
    if result.deadline is not None and share is not None:
        last = last_round_when(round_label or result.round_label, result.deadline)
        text += f"; {rough_percent(share)} of the deals come {last}"
    return text


def _round_ticks(ax: Axes, count: int) -> None:
    """Ticks at rounds 1 to ``count`` (counted from 1): every round when few, else 1 and
    round multiples."""
    if count <= 15:
        ticks = list(range(1, count + 1))
    else:
        steps = MaxNLocator(nbins=8, integer=True, steps=[1, 2, 5, 10]).tick_values(1, count)
        ticks = [1] + [int(t) for t in steps if 1 < t <= count]
    ax.set_xticks(ticks)
    ax.set_xlim(0.4, count + 0.6)


def agreements_figure(result: SimulationResult, round_label: str | None = None) -> Figure:
    """The agreements chart (:func:`plot_agreements`) as a figure."""
    figure = new_figure(10.0, 6.0)
    plot_agreements(result, figure.add_subplot(), round_label)
    return figure


def plot_concessions(trace: ConcessionTrace, ax: Axes | None = None) -> Axes:
    """Each agent's target utility over the rounds (line) and the offers: filled markers
    for its own offers (their value to itself), hollow ones for the offers it receives; the
    round of agreement marked; direct labels at the right, and a caption under the axes
    saying what the marks mean. ``trace`` is a
    :class:`negsim.studies.simulate.ConcessionTrace`."""
    if ax is None:
        ax = curve_figure().add_subplot()
    rounds = np.arange(1, trace.targets.shape[0] + 1)  # counted from 1, as people count them
    items = []
    for i, name in enumerate(trace.parties):
        colour, marker = party_style(i)
        agent = trace.agents[name]
        strategy = str(agent["strategy"]).replace("_", " ")
        if agent["strategy"] != "tit_for_tat":
            strategy += f" ({agent['exponent']:g})"
        ax.plot(rounds, trace.targets[:, i], color=colour, linewidth=2.2, gid=f"target-{name}")
        own = trace.proposers == i
        ax.plot(rounds[own], trace.offers[own, i], linestyle="none", marker=marker,
                color=colour, markersize=8, gid=f"offers-{name}")  # fmt: skip
        ax.plot(rounds[~own], trace.offers[~own, i], linestyle="none", marker=marker,
                markerfacecolor="white", markeredgecolor=colour, markersize=8,
                gid=f"received-{name}")  # fmt: skip
        ax.axhline(trace.disagreement[i], color=colour, linestyle=":", linewidth=1.2,
                   gid=f"disagreement-{name}")  # fmt: skip
        who = trace.labels.get(name, name)
        items.append((float(trace.targets[-1, i]), f"{who}\n{strategy}", colour, f"label-{name}"))
    if trace.agreement_round is not None:
        agreed = rounds[trace.agreement_round]
        ax.axvline(agreed, color=TEXT_GREY, linestyle="--", linewidth=1.2, gid="agreement")
        ax.annotate("agreement", xy=(agreed, 1.0), xycoords=("data", "axes fraction"),
                    xytext=(-4, -4), textcoords="offset points", ha="right", va="top",
                    fontsize=NOTE_SIZE, color=TEXT_GREY, gid="agreement-label")  # fmt: skip
    ax.set_xlabel(round_axis_label(trace.round_label), fontsize=LABEL_SIZE)
    ax.set_ylabel("utility (own scale)", fontsize=LABEL_SIZE)
    _round_ticks(ax, rounds.size)
    style_axes(ax)
    ax.set_title(wrap(concessions_finding(trace), TITLE_WIDTH), loc="left", fontsize=TITLE_SIZE,
                 pad=12)  # fmt: skip
    right_labels(ax, items, 1.0)
    caption_below(ax, _concessions_caption(trace))
    return ax


def _concessions_caption(trace: ConcessionTrace) -> str:
    """What the marks of the concessions chart mean."""
    caption = (
        "Lines: each agent's target, the least it accepts in each round, on its own utility "
        "scale (its strategy and exponent at the right). Filled markers: the offers it makes, "
        "at their value to itself; hollow: the offers it receives. Dotted: its utility of "
        "disagreement."
    )
    if trace.agreement_round is not None:
        caption += " Dashed: the round of agreement."
    return caption + " One negotiation at the stated values, without breakdown risk."


def concessions_finding(trace: ConcessionTrace) -> str:
    """The title of the concessions chart: when (and whether) the agents agree."""
    label = trace.round_label
    within = deadline_words(label, trace.rounds)
    if trace.agreement_round is None:
        return f"At the stated values the agents do not agree within {within}"
    utilities = trace.offers[trace.agreement_round]
    terms = ", ".join(f"{n} {u:.2f}" for n, u in zip(trace.parties, utilities, strict=True))
    when = round_when(label, trace.agreement_round)
    return f"At the stated values the agents agree {when} of {within}: {terms}"


def concessions_figure(trace: ConcessionTrace) -> Figure:
    """The concessions chart (:func:`plot_concessions`) as a figure, the scenario named
    above."""
    figure = curve_figure()
    plot_concessions(trace, figure.add_subplot())
    if trace.scenario:
        figure.suptitle(trace.scenario, x=0.01, ha="left", fontsize=NOTE_SIZE, color=TEXT_GREY)
    return figure
