"""Paths into a scenario's data, for ``sweep``, ``sensitivity`` and ``Scenario.replace``.

One grammar, the form ``validate`` prints in its messages:

* ``parties.maduro.discount``, ``protocol.deadline``: keys of nested mappings, by dots;
* ``parties.maduro.disagreement.lottery[0].p``: a list item by its index in brackets (a
  whole-number part after a dot, ``constraints.0.forbid``, indexes a list too);
* ``uncertainty["maduro.disagreement"].types``: a key that holds a dot, quoted in brackets
  (single or double quotes);
* ``parties.us.values.sanctions_relief.100``: a numeric key of a value map, by its number.

Setting a path that does not exist yet creates the last key only (e.g. a party's
``discount`` left at its default), so a typo in a middle part is an error, not a new
branch. Setting a path to ``None`` (``null`` on the command line; also ``none`` where the
path holds a block, a mapping or a list) removes the key, so the format's default applies:
``mediators.qatar=none`` drops one mediator, ``protocol.deadline=null`` the deadline.

Moving one branch's probability of a lottery (``...lottery[0].p``) rescales the other
branches' probabilities so they still add up to 1, in proportion to what they were
(``scale_lottery``): a lottery never stops being one because a sweep moved a branch.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from negsim.errors import did_you_mean

Part = str | int
"""A key (str) or a list index (int)."""


class PathError(KeyError):
    """A path that does not lead into the scenario, or does not parse; ``str()`` says
    where it stops."""

    def __str__(self) -> str:
        return str(self.args[0])


_TOKEN = re.compile(
    r"""\[\s*(?P<index>\d+)\s*\]            # [0]
      | \[\s*(?P<quote>["'])(?P<quoted>.*?)(?P=quote)\s*\]   # ["maduro.disagreement"]
      | (?P<dot>\.)                          # a separator
      | (?P<name>[^.\[\]"'\s=]+)             # a plain key (quote one with spaces)
    """,
    re.VERBOSE,
)


def parse_path(path: str) -> tuple[Part, ...]:
    """``'uncertainty["a.b"].lottery[0].p'`` -> ``("uncertainty", "a.b", "lottery", 0,
    "p")``; :class:`PathError` for text that is not a path."""
    parts: list[Part] = []
    position, expect_name = 0, True
    while position < len(path):
        match = _TOKEN.match(path, position)
        if match is None:
            raise PathError(f"{path}: cannot read the path at character {position + 1}")
        if match.group("dot") is not None:
            if expect_name:
                raise PathError(f"{path}: a key is missing before character {position + 1}")
            expect_name = True
        elif match.group("name") is not None:
            if not expect_name:
                raise PathError(f"{path}: a dot is missing before character {position + 1}")
            parts.append(match.group("name"))
            expect_name = False
        elif match.group("index") is not None:
            if not parts:
                raise PathError(f"{path}: a path starts with a key, not an index")
            parts.append(int(match.group("index")))
            expect_name = False
        else:
            parts.append(match.group("quoted"))
            expect_name = False
        position = match.end()
    if not parts or expect_name:
        raise PathError(f"{path}: the path ends where a key should follow" if parts else
                        "an empty path")  # fmt: skip
    return tuple(parts)


def format_path(parts: tuple[Part, ...]) -> str:
    """The path's text as ``validate`` prints it (quoted where a key holds a dot)."""
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        elif "." in part or not part:
            text += f'["{part}"]'
        else:
            text += f".{part}" if text else part
    return text


def _number(text: str) -> int | float | None:
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        return None


def _step(node: Any, part: Part) -> tuple[bool, Any]:
    """``(found, key)`` of ``part`` in ``node``: a mapping's key (itself, or the number it
    spells), or a list's index."""
    if isinstance(node, dict):
        if part in node:
            return True, part
        number = _number(part) if isinstance(part, str) else part
        if number is not None and number in node:
            return True, number
        return False, part
    if isinstance(node, list):
        index = part if isinstance(part, int) else int(part) if part.isdigit() else None
        if index is not None and index < len(node):
            return True, index
    return False, part


def _missing(path: str, parts: tuple[Part, ...], depth: int, node: Any) -> PathError:
    where = format_path(parts[:depth]) or "the top"
    part = parts[depth]
    if isinstance(node, list):
        return PathError(f"{path}: {where} has {len(node)} items; no item [{part}]")
    hint = did_you_mean(str(part), [str(k) for k in node]) if isinstance(node, dict) else ""
    return PathError(f"{path}: no '{part}' at {where}{hint}")


def get_path(data: Any, path: str) -> Any:
    """The value at ``path`` in ``data``; :class:`PathError` if it is not there."""
    parts = parse_path(path)
    node = data
    for depth, part in enumerate(parts):
        found, key = _step(node, part)
        if not found:
            raise _missing(path, parts, depth, node)
        node = node[key]
    return node


def set_path(data: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """A deep copy of ``data`` with ``path`` set to ``value`` (the last key may be new;
    ``None`` removes it; a lottery branch's ``p`` rescales the other branches)."""
    result = copy.deepcopy(data)
    parts = parse_path(path)
    parent: Any = result
    for depth, part in enumerate(parts[:-1]):
        found, key = _step(parent, part)
        if not found:
            raise _missing(path, parts, depth, parent)
        parent = parent[key]
    found, key = _step(parent, parts[-1])
    if _removes(value, parent[key] if found else None):
        value = None
    if isinstance(parent, dict):
        if value is None:
            parent.pop(key, None)
        else:
            parent[key] = value
    elif isinstance(parent, list) and found:
        if value is None:
            raise PathError(f"{path}: a list item cannot be removed, only changed")
        parent[key] = value
    else:
        raise _missing(path, parts, len(parts) - 1, parent) if isinstance(parent, list) else (
            PathError(f"{path}: '{format_path(parts[:-1])}' holds no keys"))  # fmt: skip
    if _is_lottery_branch(parts) and isinstance(value, int | float):
        _rescale_others(get_path(result, format_path(parts[:-2])), int(parts[-2]))
    return result


def _removes(value: Any, current: Any) -> bool:
    """Whether setting ``value`` over ``current`` removes the key: ``None``, or the word
    ``none`` in place of a block (a mapping or a list; elsewhere ``none`` is text, such as
    an option's name)."""
    return value is None or (
        isinstance(value, str)
        and value.strip().lower() == "none"
        and isinstance(current, dict | list)
    )


def _is_lottery_branch(parts: tuple[Part, ...]) -> bool:
    """Whether the path ends ``lottery[k].p``."""
    return (
        len(parts) >= 3
        and parts[-1] == "p"
        and isinstance(parts[-2], int | str)
        and str(parts[-2]).isdigit()
        and parts[-3] == "lottery"
    )


def _rescale_others(branches: Any, moved: int) -> None:
    """Scale the probabilities of the branches other than ``moved`` so that all add up to
    1, in proportion to their old values (equally when they were all 0). A moved
    probability outside ``[0, 1]`` is left for validation to refuse."""
    if not isinstance(branches, list) or not all(
        isinstance(b, dict) and isinstance(b.get("p"), int | float) for b in branches
    ):
        return
    p = float(branches[moved]["p"])
    if not 0.0 <= p <= 1.0:
        return
    others = [k for k in range(len(branches)) if k != moved]
    total = sum(float(branches[k]["p"]) for k in others)
    for k in others:
        share = float(branches[k]["p"]) / total if total > 0 else 1.0 / len(others)
        branches[k]["p"] = (1.0 - p) * share
