"""The fast YAML reader: libyaml's C parser, for the documents where it gives the very tree
of the reference reader (:mod:`negsim.format.ruamel_reader`), positions included.

Only the parser's events are used (nothing is constructed), and plain scalars are resolved
here by the YAML 1.2 core schema, as the reference reader resolves them. Whatever this
reader cannot promise to read alike it declines (:class:`Declined`), and the caller reads
the file with the reference reader, whose messages the user sees: any error, a tag, an
anchor or alias, a directive, more than one document, a merge key (``<<``) or ``=``, an
empty value (a null written as nothing), a duplicate or non-scalar key, a number out of
range, nesting deeper than :data:`~negsim.format.ynode.MAX_DEPTH`, more than
:data:`~negsim.format.ynode.MAX_NODES` values, and any character where YAML 1.1 and 1.2
part ways or that YAML forbids (tabs, carriage returns, NEL, the line and paragraph
separators, a byte-order mark, control characters), a block scalar's header with a
comment right after it (``|#``), and a block scalar that is the whole document.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from negsim.format.ynode import MAX_DEPTH, MAX_NODES, YNode, parse_bool, parse_float, parse_int

try:
    from yaml import events as _events
    from yaml._yaml import CParser
except ImportError:  # PyYAML without libyaml: every document goes to the reference reader
    CParser = None


class Declined(Exception):
    """This reader cannot promise the reference reader's tree for the document."""


_UNSAFE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]")
"""A character this reader leaves to the reference reader (see the module's docstring)."""
_HEADER_COMMENT = re.compile(r"[|>][-+0-9]{0,2}#")
"""A block scalar's header with a comment right after it: libyaml reads it, the reference
refuses it."""

# The YAML 1.2 implicit resolvers of the reference reader, in its order (ruamel.yaml's
# ``implicit_resolvers`` for (1, 2)); a timestamp stays a string, so it needs no rule here.
_BOOL = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$", re.X)
_FLOAT = re.compile(
    r"""^(?:
     [-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?
    |[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)
    |[-+]?\.[0-9_]+(?:[eE][-+][0-9]+)?
    |[-+]?\.(?:inf|Inf|INF)
    |\.(?:nan|NaN|NAN))$""",
    re.X,
)
_INT = re.compile(
    r"""^(?:[-+]?0b[0-1_]+
    |[-+]?0o?[0-7_]+
    |[-+]?[0-9_]+
    |[-+]?0x[0-9a-fA-F_]+)$""",
    re.X,
)
_NULL = re.compile(r"^(?: ~ |null|Null|NULL | )$", re.X)
_MERGE_OR_VALUE = re.compile(r"^(?:<<|=)$")


def resolve_plain(text: str) -> Any:
    """The value of a plain (unquoted, untagged) scalar by the YAML 1.2 core schema.

    Raises :class:`Declined` where the reference reader reports a problem (a merge key or
    ``=`` outside a merge, a number Python cannot read) or places the value elsewhere (an
    empty value)."""
    if not text:  # an empty value: the reference places it by the token after it
        raise Declined
    first = text[0]
    try:
        if first in "tTfF" and _BOOL.match(text):
            return parse_bool(text)
        if first in "-+0123456789." and _FLOAT.match(text):
            return parse_float(text)
        if first in "-+0123456789" and _INT.match(text):
            return parse_int(text)
    except ValueError:
        raise Declined from None
    if first in "<=" and _MERGE_OR_VALUE.match(text):
        raise Declined
    if first in "~nN" and _NULL.match(text):
        return None
    return text


def parse_fast(text: str) -> YNode | None:
    """The tree of ``text``, None for an empty document; :class:`Declined` when the reference
    reader must read it."""
    if CParser is None or _UNSAFE.search(text) or _HEADER_COMMENT.search(text):
        raise Declined
    parser = CParser(text)
    try:
        return _Composer(parser.get_event).document()
    except Declined:
        raise
    except Exception as error:  # a syntax error, or anything unforeseen: the reference decides
        raise Declined from error
    finally:
        parser.dispose()


class _Composer:
    def __init__(self, next_event: Callable[[], Any]):
        self.next_event = next_event
        self.nodes = 0

    def document(self) -> YNode | None:
        next_event = self.next_event
        next_event()  # the stream's start
        event = next_event()
        if type(event) is _events.StreamEndEvent:
            return None
        if event.version is not None or event.tags is not None:
            raise Declined
        event = next_event()
        if type(event) is _events.ScalarEvent and event.style in ("|", ">"):
            raise Declined  # at the top, a line starting with # is text or comment
        root = self.node(event, 0)
        if type(next_event()) is not _events.DocumentEndEvent:
            raise Declined
        if type(next_event()) is not _events.StreamEndEvent:
            raise Declined
        return root

    def node(self, event: Any, depth: int) -> YNode:
        self.nodes += 1
        if self.nodes > MAX_NODES or depth > MAX_DEPTH:
            raise Declined
        kind = type(event)
        if kind is _events.AliasEvent or event.anchor is not None or event.tag is not None:
            raise Declined
        mark = event.start_mark
        line, column = mark.line + 1, mark.column + 1
        if kind is _events.ScalarEvent:
            value = resolve_plain(event.value) if event.implicit[0] else event.value
            return YNode(value, line, column)
        if kind is _events.SequenceStartEvent:
            items = []
            while type(event := self.next_event()) is not _events.SequenceEndEvent:
                items.append(self.node(event, depth + 1))
            return YNode(items, line, column)
        if kind is _events.MappingStartEvent:
            return self.mapping(depth, line, column)
        raise Declined

    def mapping(self, depth: int, line: int, column: int) -> YNode:
        result: dict[Any, YNode] = {}
        keys: dict[Any, tuple[int, int]] = {}
        while type(event := self.next_event()) is not _events.MappingEndEvent:
            if type(event) is not _events.ScalarEvent:
                raise Declined
            key_node = self.node(event, depth + 1)
            key = key_node.value
            if key in keys:
                raise Declined
            child = self.node(self.next_event(), depth + 1)
            child.key_line, child.key_column = key_node.line, key_node.column
            result[key] = child
            keys[key] = (key_node.line, key_node.column)
        return YNode(result, line, column, children_keys=keys)
