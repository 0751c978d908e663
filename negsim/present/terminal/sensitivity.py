"""The text table of ``negsim sensitivity`` (table format): the equilibrium at the
scenario's values, then one line per parameter with each party's value at the low and high
setting and its swing (:func:`sensitivity_table`)."""

from __future__ import annotations

import math

from negsim.studies.sensitivity import SensitivityResult, number_text

__all__ = ["sensitivity_table"]


def sensitivity_table(result: SensitivityResult, kind: str = "utilities") -> str:
    """Plain text: one line per parameter and party, by swing of the first party."""
    base = result.base(kind)
    lines = [
        f"{result.scenario}: equilibrium {kind} at the scenario's values: "
        + ", ".join(f"{n} {v:.4f}" for n, v in zip(result.parties, base, strict=True))
    ]
    for p in result.ranked(None, kind):
        values = p.outcomes(base, kind)
        low = "-" if p.low is None else number_text(p.low.value)
        high = "-" if p.high is None else number_text(p.high.value)
        cells = ", ".join(
            f"{name} {_cell(values[0, k])} / {_cell(values[2, k])} "
            f"(swing {p.swing(base, k, kind):.4f})"
            for k, name in enumerate(result.parties)
        )
        extra = f"  [{p.note}]" if p.note else ""
        extra += "".join(f"  [invalid: {e}]" for e in p.errors)
        lines.append(f"  {p.path} {low} < {number_text(p.base)} < {high}: {cells}{extra}")
    for path, reason in result.skipped:
        lines.append(f"  {path}: skipped ({reason})")
    return "\n".join(lines)


def _cell(value: float) -> str:
    """A value of the table; ``invalid`` where the variation failed."""
    return "invalid" if not math.isfinite(value) else f"{value:.4f}"
