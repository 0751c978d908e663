"""Small wordings the steps of the walk share: parties' utilities, packages and how two
packages differ."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from negsim.analysis.records import Analysis
from negsim.present.words import TOLERANCE, package_terms, party_label, terms_text, utility_text

__all__ = ["differences", "package_text", "party_values", "precise_pair", "utilities_words"]


def utilities_words(analysis: Analysis, vector: np.ndarray | Sequence[float]) -> str:
    """``"United States 0.726 and Nicolás Maduro 0.460"``."""
    parts = [
        f"{party_label(analysis, k)} {utility_text(float(value))}" for k, value in enumerate(vector)
    ]
    return ", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 else parts[0]


def party_values(analysis: Analysis, prefix: str, vector: np.ndarray) -> dict[str, float]:
    """``{prefix.party: value}`` for a section's values."""
    return {
        f"{prefix}.{name}": float(v) for name, v in zip(analysis.party_names, vector, strict=True)
    }


def package_text(analysis: Analysis, position: int) -> str:
    """The feasible package at ``position``: ``"amnesty=family, sanctions_relief=40
    officials"``."""
    space = analysis.space
    return terms_text(package_terms(space, space.package(position)), ", ")


def differences(analysis: Analysis, base: int, other: int) -> str:
    """How the package at ``other`` differs from the one at ``base``: only the issues that
    differ (``"the same"`` when none does)."""
    space = analysis.space
    first = package_terms(space, space.package(base))
    second = package_terms(space, space.package(other))
    changed = [term for term, reference in zip(second, first, strict=True) if term != reference]
    return terms_text(changed, ", ") if changed else "the same terms"


def precise_pair(first: float, second: float) -> tuple[str, str]:
    """Two numbers with as many significant digits (4 at least) as it takes to tell them
    apart in print, so a reader sees which is larger."""
    for digits in range(4, 10):
        a, b = f"{first:.{digits}g}", f"{second:.{digits}g}"
        if a != b or abs(first - second) <= TOLERANCE:
            return a, b
    return a, b
