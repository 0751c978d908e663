"""JSON text for every output negsim writes: strict JSON, never a ``NaN`` or ``Infinity``
token (RFC 8259 has none, and most readers refuse them).

A value that is not finite where a number is expected (an endless delay cost, a payoff
that overflowed) is written as ``null``, which the JSON documentation lists wherever it can
occur. The fast path asks the encoder to refuse non-finite numbers; only when it does is
the data walked and each one replaced.
"""

from __future__ import annotations

import json
import math
from typing import Any


def dumps(data: Any, indent: int | None = 2) -> str:
    """``data`` as strict JSON text (UTF-8 characters kept, ``indent`` as :func:`json.dumps`)."""
    try:
        return json.dumps(data, indent=indent, ensure_ascii=False, allow_nan=False)
    except ValueError:
        return json.dumps(finite(data), indent=indent, ensure_ascii=False, allow_nan=False)


def finite(data: Any) -> Any:
    """``data`` with every non-finite float replaced by None (dicts, lists and tuples walked)."""
    if isinstance(data, float):
        return data if math.isfinite(data) else None
    if isinstance(data, dict):
        return {key: finite(value) for key, value in data.items()}
    if isinstance(data, list | tuple):
        return [finite(value) for value in data]
    return data
