"""How much memory an outcome space, its analysis and a screening solve need, and how much
this machine can give them."""

from __future__ import annotations

import os
import re

BYTES_PER_UTILITY = 8
"""float64 utilities, one per party and package."""
BYTES_PER_PACKAGE_OVERHEAD = 8 + 1 + 8
"""Feasible-package index (int64), feasibility mask (bool) and one float64 scratch row."""
ANALYSIS_BYTES_PER_PACKAGE = 450
"""Peak bytes a package takes in the whole analysis (``negsim solve``: frontier, hull,
solutions, equilibrium, JSON written in pieces), besides its utilities. Measured from the
peak resident memory of ``negsim solve`` less the process's own 45 MB: 457 bytes a package
for a two-party split of 1,000,000 levels, 255 to 320 for three-party splits of 0.5 to 1.6
million packages, 337 for a four-party split of 600,000."""
SCREENING_BYTES_PER_CELL = 400
"""Peak bytes of screening per responder type and round: each round keeps its plan over the
grid of types, and the check on half the grid runs alongside. Measured at 316 to 335 bytes
(peak resident memory of ``negsim solve`` on ``venezuela-2025-private`` with 2,001 to 8,001
types and deadlines of 100 to 400 rounds, less the process's own 45 MB), with a margin."""
MEMORY_FRACTION = 0.5
"""Share of the available memory an outcome space may take."""
FALLBACK_AVAILABLE = 4 * 1024**3


def estimate_bytes(n_packages: int, n_parties: int) -> int:
    """Peak bytes to enumerate ``n_packages`` packages and their utility matrix.

    The utility matrix takes ``8 * n_parties`` bytes a package; the feasibility mask, the
    index of feasible packages and one scratch row take ``BYTES_PER_PACKAGE_OVERHEAD`` more.
    """
    return n_packages * (BYTES_PER_UTILITY * n_parties + BYTES_PER_PACKAGE_OVERHEAD)


def analysis_bytes(n_packages: int, n_parties: int) -> int:
    """Peak bytes to analyse an outcome space of ``n_packages`` packages (``negsim solve``):
    :data:`ANALYSIS_BYTES_PER_PACKAGE` and the utilities, a package."""
    return n_packages * (ANALYSIS_BYTES_PER_PACKAGE + BYTES_PER_UTILITY * n_parties)


def screening_bytes(n_types: int, deadline: int) -> int:
    """Peak bytes to solve screening over ``n_types`` responder types and ``deadline``
    rounds (:data:`SCREENING_BYTES_PER_CELL` a type and round)."""
    return SCREENING_BYTES_PER_CELL * n_types * deadline


def available_bytes() -> int:
    """Memory available to new allocations (``MemAvailable`` on Linux), in bytes."""
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return FALLBACK_AVAILABLE


def limit_bytes() -> int:
    """The most an outcome space may take: half of the available memory.

    ``NEGSIM_MEMORY_LIMIT`` (bytes, or with a ``K``/``M``/``G`` suffix) overrides it.
    """
    override = os.environ.get("NEGSIM_MEMORY_LIMIT")
    if override:
        return parse_size(override)
    return int(available_bytes() * MEMORY_FRACTION)


def limit_source() -> str:
    """Where :func:`limit_bytes` comes from, for messages."""
    if os.environ.get("NEGSIM_MEMORY_LIMIT"):
        return "set by NEGSIM_MEMORY_LIMIT"
    return "half the free memory"


_SIZE = re.compile(r"^\s*(\d+(?:\.\d*)?|\.\d+)\s*([KMGT]?)B?\s*$", re.IGNORECASE)


def parse_size(text: str) -> int:
    """``"512M"`` -> 536870912. Plain digits are bytes. Raises ``ValueError`` with a
    message for anything else (words, ``inf``, ``nan``, negative sizes, a bare suffix)."""
    match = _SIZE.match(text)
    if match is None:
        raise ValueError(
            f"NEGSIM_MEMORY_LIMIT={text!r} is not a size: give bytes, or a number with K, M, "
            "G or T (for example 512M or 2G)"
        )
    factor = {"": 1, "K": 1024, "M": 1024**2, "G": 1024**3, "T": 1024**4}[match.group(2).upper()]
    return int(float(match.group(1)) * factor)


def format_bytes(n_bytes: float) -> str:
    """``1536`` -> ``"1.5 KB"`` (binary units, one decimal)."""
    size = float(n_bytes)
    for unit in ("B", "KB", "MB", "GB", "TB", "PB"):
        if abs(size) < 1024 or unit == "PB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    raise AssertionError("unreachable")
