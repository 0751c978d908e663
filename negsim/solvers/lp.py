"""Linear programs for the solvers: SciPy's HiGHS with tolerances that meet the format's
1e-9 (HiGHS's defaults are 1e-7)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

HIGHS_OPTIONS = {"primal_feasibility_tolerance": 1e-10, "dual_feasibility_tolerance": 1e-10}


def solve_lp(
    cost: np.ndarray,
    *,
    upper: np.ndarray | None = None,
    upper_bounds: np.ndarray | None = None,
    equality: np.ndarray | None = None,
    equality_bounds: np.ndarray | list[float] | None = None,
    bounds: Sequence[tuple[float | None, float | None]] | None = None,
    simplex: bool = False,
) -> Any:
    """``min cost @ x`` subject to ``upper @ x <= upper_bounds``, ``equality @ x ==
    equality_bounds`` and ``bounds``; ``simplex=True`` asks for a basic (vertex) solution
    (HiGHS dual simplex). Returns SciPy's ``OptimizeResult``."""
    from scipy.optimize import linprog

    return linprog(
        cost,
        A_ub=upper,
        b_ub=upper_bounds,
        A_eq=equality,
        b_eq=equality_bounds,
        bounds=bounds,
        method="highs-ds" if simplex else "highs",
        options=HIGHS_OPTIONS,
    )
