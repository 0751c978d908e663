"""What the benchmarks share: the timing helper and where things are.

Paths are relative to this clone: negsim's environment is ``.venv`` (the README's install
command makes it), NegMAS's is ``.bench-venv`` (``benchmarks/bench_solve_setup.sh`` makes
it), and the GENIUS domains are wherever ``NEGSIM_GENIUS_DIR`` says.
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPOSITORY = Path(__file__).resolve().parent.parent
NEGSIM_PYTHON = REPOSITORY / ".venv" / "bin" / "python"
"""negsim's own environment, as the README's install command makes it."""
NEGMAS_PYTHON = REPOSITORY / ".bench-venv" / "bin" / "python"
"""NegMAS's environment, as ``benchmarks/bench_solve_setup.sh`` makes it."""
GENIUS_DIR = os.environ.get("NEGSIM_GENIUS_DIR")
"""A folder of GENIUS/ANAC domains (one folder each), from ``NEGSIM_GENIUS_DIR``."""


def median_time(function: Callable[[], Any], repeat: int) -> float:
    """Median wall time (``time.perf_counter``) of ``repeat`` calls of ``function``."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times)
