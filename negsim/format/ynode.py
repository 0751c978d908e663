"""The tree a YAML document is read into: every value with the line and column it stood at.

Both readers of :mod:`negsim.format.source` build it, and read scalars by the same YAML 1.2
core-schema rules defined here.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

from negsim.errors import Problem, ScenarioError

MAX_NODES = 200_000
"""Expanded size beyond which a document is refused (aliases that expand past a sane size)."""
MAX_DEPTH = 64

YAML_TAG = "tag:yaml.org,2002:"


@dataclass(slots=True, eq=False)
class YNode:
    """A value read from YAML and where it stood.

    ``value`` is a ``dict`` (mapping of plain keys to :class:`YNode`), a ``list`` of
    :class:`YNode`, or a scalar (``str``, ``int``, ``float``, ``bool`` or ``None``).
    ``line``/``column`` (1-based; 0 when unknown) locate the value; ``key_line``/``key_column``
    locate the key that names it inside its parent mapping.
    """

    value: Any
    line: int = 0
    column: int = 0
    key_line: int = 0
    key_column: int = 0
    children_keys: dict[Any, tuple[int, int]] = field(default_factory=dict)

    @property
    def is_map(self) -> bool:
        return isinstance(self.value, dict)

    @property
    def is_seq(self) -> bool:
        return isinstance(self.value, list)

    @property
    def is_scalar(self) -> bool:
        return not isinstance(self.value, dict | list)

    def plain(self) -> Any:
        """The value as plain Python data, positions dropped."""
        if isinstance(self.value, dict):
            return {key: child.plain() for key, child in self.value.items()}
        if isinstance(self.value, list):
            return [child.plain() for child in self.value]
        return self.value


def from_python(data: Any) -> YNode:
    """Wrap plain Python data (e.g. a scenario edited by a sweep) as a tree without positions."""
    if isinstance(data, dict):
        return YNode({key: from_python(value) for key, value in data.items()})
    if isinstance(data, list | tuple):
        return YNode([from_python(value) for value in data])
    return YNode(data)


def parse_bool(text: str) -> bool:
    """A YAML 1.2 core boolean (``true``/``false`` in any of its three spellings)."""
    if text in ("true", "True", "TRUE"):
        return True
    if text in ("false", "False", "FALSE"):
        return False
    raise ValueError(text)


def parse_int(text: str) -> int:
    """A YAML 1.2 core integer (``0x``, ``0o``, ``0b`` and ``_`` allowed)."""
    cleaned = text.replace("_", "")
    sign = -1 if cleaned.startswith("-") else 1
    body = cleaned.lstrip("+-")
    if body.startswith(("0x", "0X")):
        return sign * int(body[2:], 16)
    if body.startswith(("0o", "0O")):
        return sign * int(body[2:], 8)
    if body.startswith(("0b", "0B")):
        return sign * int(body[2:], 2)
    return sign * int(body)


_INF = re.compile(r"^[-+]?\.(inf|Inf|INF)$")


def parse_float(text: str) -> float:
    """A YAML 1.2 core float (``.inf``, ``.nan`` and ``_`` allowed)."""
    cleaned = text.replace("_", "")
    if _INF.match(cleaned):
        return -math.inf if cleaned.startswith("-") else math.inf
    if cleaned.lower() == ".nan":
        return math.nan
    return float(cleaned)


def single_problem(filename: str, line: int, column: int, message: str) -> ScenarioError:
    """A :class:`ScenarioError` with one problem of the whole file."""
    return ScenarioError([Problem(line, column, "", message, filename)])
