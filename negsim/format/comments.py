"""The scenario file's own notes on where its numbers come from: end-of-line comments that
start with ``reported:`` or ``assumption:`` (``# assumption: per day``), each tied to the
dotted path of the value it stands beside.

A comment on its own line (or several in a row) tags the value on the next line, as in::

    constraints:
      # assumption: a US red line ...
      - forbid: {amnesty: global, armed_forces: maduro_retains}

A comment is found where YAML puts one: a ``#`` at the start of a line or after a blank,
outside quoted strings. The tree of :func:`negsim.format.source.parse` gives each line its
path (the outermost key or list item that starts on it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from negsim.format.source import YNode, parse

__all__ = ["TAGS", "TaggedComment", "comment_of_line", "tagged_comments"]

TAGS = ("reported", "assumption")
"""The tags a comment may start with, in the order the report lists them."""

_TAG = re.compile(r"^\s*(reported|assumption)\b\s*:?\s*(.*)$", re.IGNORECASE | re.DOTALL)
_OPENERS = ":-[{,"


@dataclass(frozen=True, slots=True)
class TaggedComment:
    """One tagged comment: the value's dotted ``path`` (``parties.us.discount``; list items
    as ``lottery[0]``), the ``line`` it stands on, its ``tag`` (``reported`` or
    ``assumption``), the rest of the comment (``note``, may be empty) and the ``value`` it
    annotates, as plain data."""

    path: str
    line: int
    tag: str
    note: str
    value: Any


def comment_of_line(line: str) -> str | None:
    """The comment of one line of YAML without its ``#`` (None: no comment): a ``#`` at the
    start or after a blank, not inside a quoted scalar."""
    i, n = 0, len(line)
    while i < n:
        c = line[i]
        if c in "\"'" and _starts_scalar(line, i):
            i = _closing_quote(line, i)
        elif c == "#" and (i == 0 or line[i - 1] in " \t"):
            return line[i + 1 :].strip()
        i += 1
    return None


def _starts_scalar(line: str, i: int) -> bool:
    """A quote at ``i`` opens a quoted scalar: only blanks or an indicator before it."""
    before = line[:i].rstrip()
    return before == "" or before[-1] in _OPENERS


def _closing_quote(line: str, i: int) -> int:
    """The index of the quote that closes the scalar opened at ``i`` (the line's end when
    it runs on)."""
    quote, j = line[i], i + 1
    while j < len(line):
        if quote == '"' and line[j] == "\\":
            j += 2
            continue
        if line[j] == quote:
            if quote == "'" and line[j + 1 : j + 2] == "'":
                j += 2
                continue
            return j
        j += 1
    return len(line)


def _line_paths(node: YNode, path: str, found: dict[int, tuple[str, YNode]]) -> None:
    """Each line's outermost key or list item: ``line -> (path, node)``."""
    if isinstance(node.value, dict):
        for key, child in node.value.items():
            child_path = f"{path}.{key}" if path else str(key)
            line = node.children_keys.get(key, (child.key_line, 0))[0] or child.key_line
            if line and line not in found:
                found[line] = (child_path, child)
            _line_paths(child, child_path, found)
    elif isinstance(node.value, list):
        for index, child in enumerate(node.value):
            child_path = f"{path}[{index}]"
            if child.line and child.line not in found:
                found[child.line] = (child_path, child)
            _line_paths(child, child_path, found)


def tagged_comments(text: str, filename: str = "<string>") -> list[TaggedComment]:
    """Every tagged comment of a scenario's text, in file order. Raises
    :class:`~negsim.errors.ScenarioError` for text that is not YAML."""
    root = parse(text, filename)
    if root is None:
        return []
    paths: dict[int, tuple[str, YNode]] = {}
    _line_paths(root, "", paths)
    found: list[TaggedComment] = []
    pending: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped:
            pending = []
            continue
        comment = comment_of_line(line)
        if stripped.startswith("#"):
            pending.append(comment or "")
            continue
        block, pending = " ".join(pending), []
        if number not in paths:
            continue
        path, node = paths[number]
        for candidate in (comment, block):
            match = _TAG.match(candidate or "")
            if match is not None:
                tag, note = match.group(1).lower(), " ".join(match.group(2).split())
                found.append(TaggedComment(path, number, tag, note, node.plain()))
                break
    return found
