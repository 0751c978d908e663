"""Read YAML into a plain tree that remembers where every value stood in the file.

The file is only *composed* (parsed into nodes), never constructed: no tag is ever acted on,
so loading a scenario cannot execute anything. Every scalar is resolved by the YAML 1.2 core
schema; any other tag is refused. Aliases are expanded with a budget, so a document built to
explode ("billion laughs") is refused quickly. Two readers give the same tree: libyaml's C
parser where it can, ruamel.yaml's pure-Python one (the reference) for the rest.
"""

from __future__ import annotations

import os
import re
from typing import BinaryIO

from negsim.format.libyaml_reader import Declined, parse_fast
from negsim.format.ynode import MAX_DEPTH, MAX_NODES, YNode, from_python
from negsim.format.ynode import single_problem as _single

__all__ = [
    "MAX_DEPTH",
    "MAX_FILE_BYTES",
    "MAX_NODES",
    "YNode",
    "from_python",
    "parse",
    "read_bounded",
    "read_path_bounded",
    "read_text",
]

MAX_FILE_BYTES = 16 * 1024**2
"""A scenario is a role sheet, not a data set: refuse files larger than this."""

_YAML_DIRECTIVE = re.compile(r"^%YAML[ \t]+(\S*)", re.MULTILINE)


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


def parse(text: str, filename: str, *, reference: bool = False) -> YNode | None:
    """Read ``text`` into a :class:`YNode` tree; None for an empty document.

    Raises :class:`ScenarioError` for syntax errors, tags, duplicate keys and alias bombs.
    The fast reader (:mod:`negsim.format.libyaml_reader`) reads what it can promise to read
    as the reference reader (:mod:`negsim.format.ruamel_reader`) does; the reference reads
    the rest, errors included, so every message is the reference's. ``reference=True``
    skips the fast reader.
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
    if not reference:
        try:
            return parse_fast(text)
        except Declined:
            pass
    from negsim.format.ruamel_reader import parse_reference

    return parse_reference(text, filename)


def _position_of_byte(raw: bytes, offset: int) -> tuple[int, int]:
    line = raw.count(b"\n", 0, offset) + 1
    column = offset - (raw.rfind(b"\n", 0, offset) + 1) + 1
    return line, column
