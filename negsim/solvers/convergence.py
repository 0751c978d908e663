"""How an iterative method ended: every fixed point, limit and value iteration reports it.

A solver that iterates returns a :class:`Convergence` with its answer. When the iteration
stops at its cap without meeting its tolerance, the solver either raises
:class:`ConvergenceError` (the last iterate means nothing) or returns the answer with
``converged`` false, and the analysis turns it into a warning (the answer is still an
approximation worth showing, with its residual).

Example
-------
>>> report = Convergence("value iteration", True, 12, 3.1e-14, 1e-12)
>>> report.to_dict()["converged"], str(report)
(True, 'value iteration: converged in 12 iterations (residual 3.1e-14, tolerance 1e-12)')
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

LIMIT_DEADLINES = (64, 256, 1024, 4096, 16384)
"""Deadlines tried, in turn, for the limit of ever longer deadlines (alternating offers and
random proposers alike)."""


@dataclass(frozen=True, slots=True)
class Convergence:
    """The end of an iteration: ``method`` (what iterated), whether it ``converged``, after
    how many ``iterations``, its final ``residual`` and the ``tolerance`` it had to meet
    (both in utility units unless the method says otherwise)."""

    method: str
    converged: bool
    iterations: int
    residual: float
    tolerance: float

    def to_dict(self) -> dict[str, Any]:
        """The ``convergence`` object of the JSON output (``docs/json.md``)."""
        return {
            "method": self.method,
            "converged": self.converged,
            "iterations": self.iterations,
            "residual": float(self.residual),
            "tolerance": float(self.tolerance),
        }

    def __str__(self) -> str:
        verdict = "converged" if self.converged else "did not converge"
        return (
            f"{self.method}: {verdict} in {self.iterations:,} iterations "
            f"(residual {self.residual:.2g}, tolerance {self.tolerance:.2g})"
        )


class ConvergenceError(RuntimeError):
    """An iteration that stopped at its cap without converging, where its last iterate would
    be a wrong answer. ``str()`` says what failed and what to change; ``report`` holds the
    :class:`Convergence` record."""

    def __init__(self, report: Convergence, advice: str):
        self.report = report
        super().__init__(f"{report}; {advice}")
