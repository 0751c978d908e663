"""Read YAML into a plain tree that remembers where every value stood in the file.

The file is only *composed* (parsed into nodes), never constructed: no tag is ever acted on,
so loading a scenario cannot execute anything. Every scalar is resolved by the YAML 1.2 core
schema; any other tag is refused. Aliases are expanded with a budget, so a document built to
explode ("billion laughs") is refused quickly.
"""

from __future__ import annotations

import math
import os
import re
import warnings
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from ruamel.yaml import YAML
from ruamel.yaml.composer import ReusedAnchorWarning
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ruamel.yaml.reader import ReaderError

from negsim.errors import Problem, ScenarioError, join_path

MAX_FILE_BYTES = 16 * 1024**2
"""A scenario is a role sheet, not a data set: refuse files larger than this."""
MAX_NODES = 200_000
"""Expanded size beyond which a document is refused (aliases that expand past a sane size)."""
MAX_DEPTH = 64

YAML_TAG = "tag:yaml.org,2002:"
_YAML_DIRECTIVE = re.compile(r"^%YAML[ \t]+(\S*)", re.MULTILINE)


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


READ_CHUNK = 1024**2
"""Bytes read at a time by :func:`read_bounded`."""


def read_bounded(stream: BinaryIO, path_text: str) -> bytes:
    """Read ``stream`` to its end, at most :data:`MAX_FILE_BYTES`: the limit is checked while
    reading, so an endless special file (``/dev/zero``, a pipe that never closes with data
    flowing) is refused after 16 MB instead of filling memory."""
    chunks: list[bytes] = []
    size = 0
    while True:
        chunk = stream.read(READ_CHUNK)
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > MAX_FILE_BYTES:
            raise _single(
                path_text,
                1,
                1,
                f"more than {MAX_FILE_BYTES:,} bytes (a special file or a data set?); a "
                f"scenario file is at most {MAX_FILE_BYTES:,} bytes",
            )
        chunks.append(chunk)


def read_path_bounded(path: str | os.PathLike[str], path_text: str) -> bytes:
    """The bytes of the file at ``path`` by :func:`read_bounded`; ``OSError`` as
    :meth:`pathlib.Path.read_bytes` raises it."""
    with open(path, "rb") as stream:
        return read_bounded(stream, path_text)


def read_text(path_text: str, raw: bytes) -> str:
    """Decode a file's bytes as UTF-8 text, refusing binary data with its position."""
    if len(raw) > MAX_FILE_BYTES:
        raise _single(
            path_text,
            1,
            1,
            f"the file is {len(raw):,} bytes; a scenario file is at most {MAX_FILE_BYTES:,} bytes",
        )
    nul = raw.find(b"\x00")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line, column = _position_of_byte(raw, error.start)
        raise _single(
            path_text,
            line,
            column,
            f"not a text file: byte 0x{raw[error.start]:02x} is not UTF-8 (binary data?)",
        ) from None
    if nul >= 0:
        line, column = _position_of_byte(raw, nul)
        raise _single(
            path_text, line, column, "not a text file: it contains NUL bytes (binary data?)"
        )
    return text


def parse(text: str, filename: str) -> YNode | None:
    """Compose ``text`` and convert it to a :class:`YNode` tree; None for an empty document.

    Raises :class:`ScenarioError` for syntax errors, tags, duplicate keys and alias bombs.
    """
    directive = _YAML_DIRECTIVE.search(text)
    if directive is not None and directive.group(1) != "1.2":
        line = text.count("\n", 0, directive.start()) + 1
        raise _single(
            filename,
            line,
            1,
            f"%YAML {directive.group(1)}: scenarios are read as YAML 1.2; remove the directive "
            "or write %YAML 1.2",
        )
    yaml = YAML(typ="safe", pure=True)
    try:
        with warnings.catch_warnings():  # YAML 1.2 lets an anchor name be used again
            warnings.simplefilter("ignore", ReusedAnchorWarning)
            root = yaml.compose(text)
    except MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        what = error.problem or error.context or "invalid YAML"
        context = error.context_mark
        if error.problem and error.context and context is not None and context.line + 1 != line:
            what += (
                f" ({error.context} that starts on line {context.line + 1}, column "
                f"{context.column + 1})"
            )
        raise _single(filename, line, column, f"YAML syntax error: {what}") from None
    except ReaderError as error:  # a character YAML does not allow: where it stands
        offset = min(max(int(error.position), 0), len(text))
        line = text.count("\n", 0, offset) + 1
        column = offset - (text.rfind("\n", 0, offset) + 1) + 1
        raise _single(
            filename, line, column,
            f"YAML syntax error: the character U+{int(error.character):04X} is not allowed "
            "in YAML (a control character); remove it",
        ) from None  # fmt: skip
    except YAMLError as error:
        raise _single(filename, 1, 1, f"YAML syntax error: {error}") from None
    except RecursionError:
        raise _single(filename, 1, 1, "YAML nesting is too deep") from None
    if root is None:
        return None
    converter = _Converter(filename)
    tree = converter.convert(root, depth=0)
    if converter.problems:
        raise ScenarioError(converter.problems)
    return tree


class _Converter:
    def __init__(self, filename: str):
        self.filename = filename
        self.nodes = 0
        self.problems: list[Problem] = []

    def problem(self, node: Node, path: str, message: str) -> None:
        self.problems.append(
            Problem(
                node.start_mark.line + 1, node.start_mark.column + 1, path, message, self.filename
            )
        )

    def convert(self, node: Node, depth: int, path: str = "") -> YNode:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise _single(
                self.filename,
                node.start_mark.line + 1,
                node.start_mark.column + 1,
                f"the document expands to more than {MAX_NODES:,} values (YAML anchors and "
                "aliases that expand past a sane size?)",
            )
        if depth > MAX_DEPTH:
            raise _single(
                self.filename,
                node.start_mark.line + 1,
                node.start_mark.column + 1,
                f"YAML nesting is deeper than {MAX_DEPTH} levels (an alias that contains itself?)",
            )
        line, column = node.start_mark.line + 1, node.start_mark.column + 1
        tag = str(getattr(node.tag, "value", node.tag))
        if isinstance(node, MappingNode):
            if tag != YAML_TAG + "map":
                self.problem(node, path, f"YAML tags are not allowed ({tag})")
            return self.mapping(node, depth, line, column, path)
        if isinstance(node, SequenceNode):
            if tag != YAML_TAG + "seq":
                self.problem(node, path, f"YAML tags are not allowed ({tag})")
            items = [
                self.convert(item, depth + 1, join_path(path, index))
                for index, item in enumerate(node.value)
            ]
            return YNode(items, line, column)
        assert isinstance(node, ScalarNode)
        return YNode(self.scalar(node, tag, path), line, column)

    def mapping(self, node: MappingNode, depth: int, line: int, column: int, path: str) -> YNode:
        result: dict[Any, YNode] = {}
        keys: dict[Any, tuple[int, int]] = {}
        merged: dict[Any, YNode] = {}
        for key_node, value_node in node.value:
            key_tag = str(getattr(key_node.tag, "value", key_node.tag))
            if key_tag == YAML_TAG + "merge":
                self.merge(value_node, depth, merged, path)
                continue
            key_yn = self.convert(key_node, depth + 1, path)
            key = key_yn.value
            if not key_yn.is_scalar:
                self.problem(
                    key_node, path, "a mapping key must be a plain value, not a list or mapping"
                )
                continue
            if key in keys:
                first = keys[key][0]
                self.problem(
                    key_node,
                    join_path(path, key),
                    f"duplicate key '{key}' (first given on line {first})",
                )
                continue
            child = self.convert(value_node, depth + 1, join_path(path, key))
            child.key_line, child.key_column = key_yn.line, key_yn.column
            result[key] = child
            keys[key] = (key_yn.line, key_yn.column)
        for key, child in merged.items():
            if key not in result:
                result[key] = child
                keys[key] = (child.key_line, child.key_column)
        return YNode(result, line, column, children_keys=keys)

    def merge(self, value_node: Node, depth: int, merged: dict[Any, YNode], path: str) -> None:
        """``<<: *base`` or ``<<: [*a, *b]``: earlier sources win, explicit keys win over all."""
        sources = value_node.value if isinstance(value_node, SequenceNode) else [value_node]
        for source in sources:
            if not isinstance(source, MappingNode):
                self.problem(source, path, "a merge key (<<) takes a mapping or a list of mappings")
                continue
            converted = self.convert(source, depth + 1, path)
            for key, child in converted.value.items():
                merged.setdefault(key, child)

    def scalar(self, node: ScalarNode, tag: str, path: str) -> Any:
        text = node.value
        kind = tag.removeprefix(YAML_TAG) if tag.startswith(YAML_TAG) else None
        if kind == "str" or kind == "timestamp":
            return text
        if kind == "null":
            return None
        try:
            if kind == "bool":
                return _parse_bool(text)
            if kind == "int":
                return _parse_int(text)
            if kind == "float":
                return _parse_float(text)
        except ValueError:
            self.problem(node, path, f"{text!r} is not a valid {kind} (tag !!{kind})")
            return text
        self.problem(node, path, f"YAML tags are not allowed ({tag})")
        return text


def _parse_bool(text: str) -> bool:
    """A YAML 1.2 core boolean (``true``/``false`` in any of its three spellings)."""
    if text in ("true", "True", "TRUE"):
        return True
    if text in ("false", "False", "FALSE"):
        return False
    raise ValueError(text)


def _parse_int(text: str) -> int:
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


def _parse_float(text: str) -> float:
    cleaned = text.replace("_", "")
    if _INF.match(cleaned):
        return -math.inf if cleaned.startswith("-") else math.inf
    if cleaned.lower() == ".nan":
        return math.nan
    return float(cleaned)


def _position_of_byte(raw: bytes, offset: int) -> tuple[int, int]:
    line = raw.count(b"\n", 0, offset) + 1
    column = offset - (raw.rfind(b"\n", 0, offset) + 1) + 1
    return line, column


def _single(filename: str, line: int, column: int, message: str) -> ScenarioError:
    return ScenarioError([Problem(line, column, "", message, filename)])
