"""How much memory an outcome space needs, and how much this machine can give it."""

from __future__ import annotations

import os
import re

BYTES_PER_UTILITY = 8
"""float64 utilities, one per party and package."""
BYTES_PER_PACKAGE_OVERHEAD = 8 + 1 + 8
"""Feasible-package index (int64), feasibility mask (bool) and one float64 scratch row."""
MEMORY_FRACTION = 0.5
"""Share of the available memory an outcome space may take."""
FALLBACK_AVAILABLE = 4 * 1024**3


def estimate_bytes(n_packages: int, n_parties: int) -> int:
    """Peak bytes to enumerate ``n_packages`` packages and their utility matrix.

    The utility matrix takes ``8 * n_parties`` bytes a package; the feasibility mask, the
    index of feasible packages and one scratch row take ``BYTES_PER_PACKAGE_OVERHEAD`` more.
    """
    return n_packages * (BYTES_PER_UTILITY * n_parties + BYTES_PER_PACKAGE_OVERHEAD)


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
