"""The ``pareto`` list of ``negsim solve --format json``, written fast: a frontier can hold
hundreds of thousands of packages, and json's indenting encoder is pure Python."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from negsim.format.model import CategoricalIssue, SplitIssue
from negsim.space import OutcomeSpace

CHUNK_ENTRIES = 10_000
"""Entries joined into one piece of text: the list is written piece by piece, so its whole
text (hundreds of megabytes for a fine grid) is never held in memory at once."""


def pareto_json(
    space: OutcomeSpace, names: tuple[str, ...], pareto: np.ndarray, indent: int | None
) -> Iterator[str]:
    """The ``pareto`` list of ``negsim solve``'s JSON (the packages at positions ``pareto``)
    as ``json.dumps(..., indent)`` writes it as a value of the top-level object, in pieces
    of :data:`CHUNK_ENTRIES` entries to write one after another, built from one entry's
    template (json's indenting encoder is pure Python and writes some 2 MB a second).

    The template is an entry's text with a marker for every leaf (an option name, a
    number, a share, a utility). In each chunk, each distinct value of a leaf is turned
    into JSON once, with the template's text before it (and, for the last leaf, the text
    after it), and the chunk's entries are one join of those pieces."""
    import json
    import re

    if pareto.size == 0:
        yield "[]"
        return
    leaves: list[Callable[[np.ndarray], tuple[list[str], np.ndarray]]] = []

    def leaf(tokens_of: Callable[[np.ndarray], tuple[list[str], np.ndarray]]) -> str:
        leaves.append(tokens_of)
        return f"\x00{len(leaves) - 1}\x00"

    package: dict[str, Any] = {}
    for index, issue in enumerate(space.scenario.issues):
        if isinstance(issue, CategoricalIssue):
            options = [json.dumps(option, ensure_ascii=False) for option in issue.options]
            package[issue.name] = leaf(_option_tokens(space, index, options))
        elif isinstance(issue, SplitIssue):
            package[issue.name] = {
                name: leaf(_level_tokens(space, index, k)) for k, name in enumerate(names)
            }
        else:
            package[issue.name] = leaf(_level_tokens(space, index, None))
    utilities = {name: leaf(_utility_tokens(space, k)) for k, name in enumerate(names)}
    template = json.dumps([{"package": package, "utilities": utilities}], indent=indent,
                          ensure_ascii=False)  # fmt: skip
    if indent is not None:  # the list is a value of the top-level object
        template = template.replace("\n", "\n" + " " * indent)
    parts = re.split(r'"\\u0000(\d+)\\u0000"', template)
    fragments, order = parts[0::2], [int(k) for k in parts[1::2]]
    assert order == list(range(len(leaves)))
    # the list's brackets and line breaks around the entries, and between two of them
    head = "[" if indent is None else "[\n" + " " * (2 * indent)
    tail = "]" if indent is None else "\n" + " " * indent + "]"
    separator = ", " if indent is None else ",\n" + " " * (2 * indent)
    assert fragments[0].startswith(head) and fragments[-1].endswith(tail)
    fragments[0] = fragments[0][len(head) :]
    closing = fragments[-1][: len(fragments[-1]) - len(tail)] + separator
    yield head
    for start in range(0, pareto.size, CHUNK_ENTRIES):
        chunk = pareto[start : start + CHUNK_ENTRIES]
        table = np.empty((chunk.size, len(leaves)), dtype=object)
        for k, tokens_of in enumerate(leaves):
            tokens, inverse = tokens_of(chunk)
            after = closing if k == len(leaves) - 1 else ""
            pieces = np.array([fragments[k] + token + after for token in tokens], dtype=object)
            table[:, k] = pieces[inverse]
        text = "".join(table.ravel().tolist())
        yield text if start + chunk.size < pareto.size else text[: len(text) - len(separator)]
    yield tail


def _option_tokens(
    space: OutcomeSpace, issue: int, options: list[str]
) -> Callable[[np.ndarray], tuple[list[str], np.ndarray]]:
    """A categorical issue's option names at some positions: every option's JSON string,
    and each position's option."""
    return lambda positions: (options, space.levels(positions).reshape(space.n_issues, -1)[issue])


def _level_tokens(
    space: OutcomeSpace, issue: int, share: int | None
) -> Callable[[np.ndarray], tuple[list[str], np.ndarray]]:
    """A numeric issue's values (or one party's share of a split) at some positions."""

    def tokens_of(positions: np.ndarray) -> tuple[list[str], np.ndarray]:
        levels = space.levels(positions).reshape(space.n_issues, -1)[issue]
        values = space.level_values[issue][levels]
        return _number_tokens(values if share is None else values[:, share])

    return tokens_of


def _utility_tokens(
    space: OutcomeSpace, party: int
) -> Callable[[np.ndarray], tuple[list[str], np.ndarray]]:
    """A party's utilities at some positions (no ``-0.0``, as ``by_party`` writes them)."""
    return lambda positions: _number_tokens(space.utilities[party, positions] + 0.0)


def _number_tokens(values: np.ndarray) -> tuple[list[str], np.ndarray]:
    """Each distinct float of ``values`` as json writes it (``repr``; ``null`` for a value
    that is not finite: strict JSON), and each value's index into them; distinct by bit
    pattern, so ``-0.0`` stays ``-0.0``."""
    bits = np.ascontiguousarray(values, dtype=np.float64).view(np.int64)
    distinct, inverse = np.unique(bits, return_inverse=True)
    tokens = [
        float.__repr__(v) if np.isfinite(v) else "null" for v in distinct.view(np.float64).tolist()
    ]
    return tokens, inverse
