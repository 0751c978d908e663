"""Dotted paths into a scenario's data (``parties.maduro.discount``,
``protocol.deadline``, ``parties.us.values.amnesty.full``), for sweeps and sensitivity.

A path names keys of nested mappings; a part that is a whole number also indexes lists
(``constraints.0.forbid``), and numeric keys of value maps match their number
(``parties.us.values.sanctions_relief.100``). Setting a path that does not exist yet
creates the last key only (e.g. a party's ``discount`` left at its default), so a typo in
a middle part is an error, not a new branch.
"""

from __future__ import annotations

import copy
from typing import Any


class PathError(KeyError):
    """A dotted path that does not lead into the scenario; ``str()`` says where it stops."""

    def __str__(self) -> str:
        return str(self.args[0])


def _key(container: dict[Any, Any], part: str) -> Any:
    """The key of ``container`` that ``part`` names: itself, or the number it spells."""
    if part in container:
        return part
    number = _number(part)
    return number if number is not None and number in container else None


def _number(text: str) -> int | float | None:
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        return None


def get_path(data: Any, path: str) -> Any:
    """The value at ``path`` in ``data``; :class:`PathError` if it is not there."""
    node = data
    walked = []
    for part in path.split("."):
        walked.append(part)
        if isinstance(node, dict) and (key := _key(node, part)) is not None:
            node = node[key]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            raise PathError(f"{path}: no '{part}' at {'.'.join(walked[:-1]) or 'the top'}")
    return node


def set_path(data: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """A deep copy of ``data`` with ``path`` set to ``value`` (the last key may be new)."""
    result = copy.deepcopy(data)
    parts = path.split(".")
    parent = get_path(result, ".".join(parts[:-1])) if len(parts) > 1 else result
    last = parts[-1]
    if isinstance(parent, dict):
        key = _key(parent, last)
        parent[last if key is None else key] = value
    elif isinstance(parent, list) and last.isdigit() and int(last) < len(parent):
        parent[int(last)] = value
    else:
        raise PathError(f"{path}: '{'.'.join(parts[:-1])}' holds no keys")
    return result
