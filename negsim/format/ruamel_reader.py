"""The reference YAML reader: ruamel.yaml's pure-Python composer, whose error messages (with
line and column) are the ones a user sees.

The file is only *composed* (parsed into nodes), never constructed: no tag is ever acted on,
so loading a scenario cannot execute anything. Every scalar is resolved by the YAML 1.2 core
schema; any other tag is refused. Aliases are expanded with a budget, so a document built to
explode ("billion laughs") is refused quickly.
"""

from __future__ import annotations

import warnings
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.composer import ReusedAnchorWarning
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ruamel.yaml.reader import ReaderError

from negsim.errors import Problem, ScenarioError, join_path
from negsim.format.ynode import (
    MAX_DEPTH,
    MAX_NODES,
    YAML_TAG,
    YNode,
    parse_bool,
    parse_float,
    parse_int,
    single_problem,
)


def parse_reference(text: str, filename: str) -> YNode | None:
    """Compose ``text`` with ruamel.yaml and convert it to a :class:`YNode` tree; None for an
    empty document.

    Raises :class:`ScenarioError` for syntax errors, tags, duplicate keys and alias bombs.
    """
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
        raise single_problem(filename, line, column, f"YAML syntax error: {what}") from None
    except ReaderError as error:  # a character YAML does not allow: where it stands
        offset = min(max(int(error.position), 0), len(text))
        line = text.count("\n", 0, offset) + 1
        column = offset - (text.rfind("\n", 0, offset) + 1) + 1
        raise single_problem(
            filename, line, column,
            f"YAML syntax error: the character U+{int(error.character):04X} is not allowed "
            "in YAML (a control character); remove it",
        ) from None  # fmt: skip
    except YAMLError as error:
        raise single_problem(filename, 1, 1, f"YAML syntax error: {error}") from None
    except RecursionError:
        raise single_problem(filename, 1, 1, "YAML nesting is too deep") from None
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
            raise single_problem(
                self.filename,
                node.start_mark.line + 1,
                node.start_mark.column + 1,
                f"the document expands to more than {MAX_NODES:,} values (YAML anchors and "
                "aliases that expand past a sane size?)",
            )
        if depth > MAX_DEPTH:
            raise single_problem(
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
                return parse_bool(text)
            if kind == "int":
                return parse_int(text)
            if kind == "float":
                return parse_float(text)
        except ValueError:
            self.problem(node, path, f"{text!r} is not a valid {kind} (tag !!{kind})")
            return text
        self.problem(node, path, f"YAML tags are not allowed ({tag})")
        return text
