"""The text of ``negsim sensitivity`` (table format): for each reported metric, its value
at the scenario's own values and one row per parameter, largest swing first, with the
metric at the parameter's low and high value and the swing
(:func:`sensitivity_renderables`, :func:`sensitivity_table`)."""

from __future__ import annotations

import io
import math
from typing import Any

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from negsim.present.study_words import metric_label
from negsim.studies.sensitivity import Parameter, SensitivityResult, number_text

__all__ = ["sensitivity_renderables", "sensitivity_table"]


def sensitivity_renderables(result: SensitivityResult) -> list[Any]:
    """Rich renderables: a heading, one table per reported metric, then the notes (bounds,
    invalid variations, skipped paths)."""
    parts: list[Any] = [
        Text(
            f"{result.scenario}: one parameter at a time, ±{result.spread:.0%} of its value "
            "unless given, the others at the scenario's values"
        )
    ]
    parts.append(Text(""))
    parts.extend(_metric_table(result, name) for name in result.metrics)
    notes = _notes(result)
    if notes:
        parts.append(Text(""))
        parts.extend(Text(line) for line in notes)
    return parts


def sensitivity_table(result: SensitivityResult, width: int = 80) -> str:
    """:func:`sensitivity_renderables` as plain text, ``width`` characters wide at most."""
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, color_system=None, highlight=False)
    for part in sensitivity_renderables(result):
        console.print(part)
    return "\n".join(line.rstrip() for line in buffer.getvalue().splitlines())


def _metric_table(result: SensitivityResult, name: str) -> Table:
    base = result.metric_base(name)
    title = (
        f"{_capital(metric_label(name, result.party_labels))} ({name}): "
        f"{_cell(base)} at the scenario's values"
    )
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column("parameter", overflow="fold")
    table.add_column("low < value < high", overflow="fold")
    for column in ("at low", "at high", "swing"):
        table.add_column(column, justify="right", no_wrap=True)
    for p in result.ranked_by(name):
        values = result.metric_outcomes(p, name)
        table.add_row(
            p.path,
            _values(p),
            _side_cell(p.low, values[0]),
            _side_cell(p.high, values[2]),
            f"{result.metric_swing(p, name):.4f}",
        )
    return table


def _values(p: Parameter) -> str:
    low = "-" if p.low is None else number_text(p.low.value)
    high = "-" if p.high is None else number_text(p.high.value)
    return f"{low} < {number_text(p.base)} < {high}"


def _side_cell(side: Any, value: float) -> str:
    if side is None:
        return "-"
    if side.error is not None:
        return "invalid"
    return _cell(value)


def _cell(value: float) -> str:
    """A metric's value; ``n/a`` where it is empty (no agreement, no screening)."""
    return "n/a" if not math.isfinite(value) else f"{value:.4f}"


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _notes(result: SensitivityResult) -> list[str]:
    """What the tables cannot say: sides at a bound, invalid variations, skipped paths."""
    lines = []
    for p in result.parameters:
        if p.note:
            lines.append(f"{p.path}: {p.note} (that side is not varied)")
        for label, side in (("low", p.low), ("high", p.high)):
            if side is not None and side.error is not None:
                lines.append(
                    f"{p.path} at {number_text(side.value)} ({label}): invalid: {side.error}"
                )
    for path, reason in result.skipped:
        lines.append(f"{path}: skipped ({reason})")
    if any(not math.isfinite(result.metric_base(n)) for n in result.metrics) or any(
        not math.isfinite(v)
        for p in result.parameters
        for n in result.metrics
        for v in result.metric_outcomes(p, n)
    ):
        lines.append("n/a: the metric is empty there (no agreement, or no screening).")
    return lines
