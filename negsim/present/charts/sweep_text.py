"""The texts of the sweep charts: swept paths and values in words, the caption's note on
failed points, the caption and the scenario's name, and the title that states the finding
(:func:`sweep_finding`)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from negsim.present.charts.style import NOTE_SIZE, TEXT_GREY, caption_below
from negsim.present.study_words import metric_label, path_label
from negsim.studies.sweep_table import SweepTable, axis_positions, value_key

__all__ = [
    "failed_note",
    "metric_values",
    "path_words",
    "sweep_caption",
    "sweep_finding",
    "sweep_suptitle",
    "value_words",
    "with_article",
]


def path_words(path: str, table: SweepTable, unit: bool = True) -> str:
    """A swept path in words, with the sweep's party labels and round label (``unit``:
    with its unit in brackets, as an axis label has it)."""
    return path_label(path, table.labels, table.round_label, unit=unit)


def metric_values(table: SweepTable, name: str) -> np.ndarray:
    """A ``results.csv`` column as the charts show it: ``round`` counted from 1, as people
    count rounds (the file counts from 0)."""
    values = table.column(name)
    return values + 1 if name == "round" else values


def value_words(value: Any) -> str:
    """A swept value for a tick or a sentence: whole numbers without a decimal point."""
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e6:
            return str(int(value))
        return f"{value:.4g}"
    return str(value)


def with_article(words: str) -> str:
    """``"the discount factor"``, but ``"Maduro's discount factor"``."""
    return f"the {words}" if words[:1].islower() else words


def failed_note(table: SweepTable) -> str:
    """The caption's sentence on failed points (``""`` when none failed)."""
    if not table.n_failed:
        return ""
    total = table.n_failed + len(table.rows)
    return f" Hatched: {table.n_failed} of {total} points failed (status not ok; see results.csv)."


def sweep_caption(ax: Axes, text: str, below: float = 3.4) -> None:
    """The caption under ``ax``, wrapped at 115 characters."""
    caption_below(ax, text, below=below, width=115)


def sweep_suptitle(figure: Figure, table: SweepTable) -> None:
    """The scenario's name above the chart, when the sweep folder tells it."""
    name = table.scenario or (table.manifest or {}).get("scenario")
    if name:
        figure.suptitle(str(name), x=0.01, ha="left", fontsize=NOTE_SIZE, color=TEXT_GREY)


def sweep_finding(
    table: SweepTable, metric: str, contour: tuple[str, float, str] | None = None
) -> str:
    """The chart's title: how the metric moves along the path that moves it most (the
    averages at the path's first and last values), and, for a swept deadline, what the
    parity of the deadline (who makes the last offer) does."""
    columns = [f"{metric}.{p}" for p in table.parties] if metric in ("u", "payoff") else [metric]
    spans = []
    for column in columns:
        values = metric_values(table, column)
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
    values = metric_values(table, column)
    effects = []
    for path in table.swept:
        axis, position = axis_positions(table, path)
        index = np.array([position[value_key(row.get(path))] for row in table.rows])
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
            f"{with_article(path_words(path, table, unit=False))} goes from "
            f"{value_words(axis[0])} to {value_words(axis[-1])}"
        )
    else:
        parts.append(f"{words} ranges from {low:.2f} to {high:.2f}")
    parity = _parity(table, values)
    if parity is not None:
        odd, even = parity
        mover = table.label(table.first_proposer) if table.first_proposer else "the first proposer"
        parts.append(
            f"odd deadlines ({mover} makes the last offer) give {odd:.2f} on average, even "
            f"ones {even:.2f}"
        )
    return "; ".join(parts)


PARITY_SHARE = 0.8
"""Share of neighbouring deadlines that must differ the same way for the title to name a
last-mover (parity) effect."""


def _parity(table: SweepTable, values: np.ndarray) -> tuple[float, float] | None:
    """Mean of ``values`` at odd and at even swept deadlines, when the parity of the
    deadline decides who makes the last offer (two parties alternating offers, the first
    proposer not swept) and it shows: the means differ by 0.02 and at least
    :data:`PARITY_SHARE` of the neighbouring deadlines differ the same way (odd above
    even, or below). Else None: a claim about who moves last that the protocol or the
    data do not support is not made."""
    if "protocol.deadline" not in table.swept or table.first_proposer is None:
        return None
    if any(path.startswith("protocol.first_proposer") for path in table.swept):
        return None
    deadlines = table.column("protocol.deadline")
    known = np.isfinite(values) & np.isfinite(deadlines)
    odd = known & (np.mod(deadlines, 2) == 1)
    even = known & (np.mod(deadlines, 2) == 0)
    if not odd.any() or not even.any():
        return None
    means = float(values[odd].mean()), float(values[even].mean())
    if abs(means[0] - means[1]) < 0.02:
        return None
    by_deadline = {
        int(d): float(values[known & (deadlines == d)].mean()) for d in np.unique(deadlines[known])
    }
    steps = [
        (by_deadline[d] - by_deadline[d + 1]) * (1 if d % 2 == 1 else -1)
        for d in by_deadline
        if d + 1 in by_deadline
    ]
    agreeing = sum(np.sign(step) == np.sign(means[0] - means[1]) for step in steps)
    return means if steps and agreeing >= PARITY_SHARE * len(steps) else None
