"""Table cells shared by the terminal tables."""

from __future__ import annotations

import numpy as np
from rich.text import Text

from negsim.analysis.records import Analysis
from negsim.present.words import TOLERANCE, gain_text, utility_text

__all__ = ["utility_cell"]


def utility_cell(analysis: Analysis, utilities: np.ndarray, i: int) -> Text:
    """A party's utility with its gain over disagreement in brackets, green when it gains."""
    gain = float(utilities[i] - analysis.disagreement[i])
    text = Text(utility_text(float(utilities[i])))
    text.append(f" ({gain_text(gain)})", style="green" if gain > TOLERANCE else "dim")
    return text
