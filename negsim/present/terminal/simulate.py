"""What ``negsim simulate --format table`` prints: rich renderables of a
:class:`~negsim.studies.simulate.SimulationResult` (:func:`simulation_renderables`)."""

from __future__ import annotations

from typing import Any

from rich.table import Table
from rich.text import Text

from negsim.present.words import (
    deadline_in_full,
    deadline_words,
    round_axis_label,
    round_noun,
    round_number,
    six_digits,
)
from negsim.studies.simulate import SimulationResult

__all__ = ["simulation_renderables"]


def _package_text(package: dict[str, Any]) -> str:
    """A package in one line: ``issue=value; ...``."""
    parts = []
    for issue, value in package.items():
        if isinstance(value, dict):
            value = ", ".join(f"{party} {share:.6g}" for party, share in value.items())
        elif isinstance(value, float):
            value = f"{value:.6g}"
        parts.append(f"{issue}={value}")
    return "; ".join(parts)


def simulation_renderables(result: SimulationResult, title: str = "") -> list[Any]:
    """Rich renderables of ``negsim simulate`` (table format), in order."""
    header = Text()
    if title:
        header.append(title + "\n", style="bold")
    agents = ", ".join(
        f"{name}: {agent['strategy']}"
        + (
            ""
            if agent["strategy"] == "tit_for_tat"
            else f" (exponent {six_digits(float(agent['exponent']))})"
        )
        for name, agent in result.agents.items()
    )
    label = result.round_label
    horizon = (
        f"deadline {deadline_in_full(label, result.deadline)}"
        if result.deadline is not None
        else f"no deadline; horizon {deadline_words(label, result.rounds)}"
    )
    header.append(f"{result.runs:,} runs, seed {result.seed}; {horizon}\nagents: {agents}")

    summary = Table(title="Summary", title_justify="left", show_header=False)
    summary.add_column("key", style="bold")
    summary.add_column("value")
    summary.add_row("agreement rate", f"{result.agreement_rate:.4g} ({result.agreements:,} runs)")
    ended = ", ".join(f"{key} {count:,}" for key, count in result.endings.items() if count)
    summary.add_row("endings", ended)
    share = result.final_round_share
    summary.add_row("final-round share", "n/a" if share is None else f"{share:.4g}")

    means = Table(title="Means", title_justify="left")
    means.add_column("party", style="bold")
    means.add_column("utility (agreements)", justify="right")
    means.add_column("payoff (all runs)", justify="right")
    for name in result.parties:
        utility = (
            "n/a" if result.mean_utilities is None else six_digits(result.mean_utilities[name])
        )
        means.add_row(Text(name), utility, six_digits(result.mean_payoffs[name]))

    histogram = Table(title=f"Agreements by {round_noun(label)}", title_justify="left")
    histogram.add_column(round_axis_label(label), justify="right")
    histogram.add_column("count", justify="right")
    histogram.add_column("")
    peak = max(result.agreement_round_histogram, default=0)
    for t, count in enumerate(result.agreement_round_histogram):
        if count:
            bar = "█" * max(1, round(40 * count / peak))
            histogram.add_row(round_number(label, t), f"{count:,}", bar)

    outcomes = Table(title="Most frequent agreements", title_justify="left")
    outcomes.add_column("count", justify="right")
    outcomes.add_column("package", overflow="fold")
    for package, count in result.outcomes:
        outcomes.add_row(f"{count:,}", Text(_package_text(package)))

    parts: list[Any] = [header, summary, means]
    if result.agreements:
        parts += [histogram, outcomes]
    return parts
