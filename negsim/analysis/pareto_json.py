"""The ``pareto`` list of ``negsim solve --format json``, written fast: a frontier can hold
hundreds of thousands of packages, and json's indenting encoder is pure Python."""

from __future__ import annotations

from typing import Any

import numpy as np

from negsim.format.model import CategoricalIssue, SplitIssue
from negsim.space import OutcomeSpace


def pareto_json(
    space: OutcomeSpace, names: tuple[str, ...], pareto: np.ndarray, indent: int | None
) -> list[str]:
    """The ``pareto`` list of ``negsim solve``'s JSON (the packages at positions ``pareto``)
    as ``json.dumps(..., indent)`` writes it as a value of the top-level object, in pieces
    to join, built from one entry's template (json's indenting encoder is pure Python and
    writes some 2 MB a second).

    The template is an entry's text with a marker for every leaf (an option name, a
    number, a share, a utility). Each distinct value of a leaf is turned into JSON once,
    with the template's text before it (and, for the last leaf, the text after it), and
    the entries are one join of those pieces."""
    import json
    import re

    levels = space.levels(pareto).reshape(space.n_issues, -1)
    columns: list[tuple[list[str], np.ndarray]] = []  # distinct tokens, index per entry

    def leaf(tokens: list[str], inverse: np.ndarray) -> str:
        columns.append((tokens, inverse))
        return f"\x00{len(columns) - 1}\x00"

    package: dict[str, Any] = {}
    for index, issue in enumerate(space.scenario.issues):
        if isinstance(issue, CategoricalIssue):
            options = [json.dumps(option, ensure_ascii=False) for option in issue.options]
            package[issue.name] = leaf(options, levels[index])
            continue
        values = space.level_values[index][levels[index]]
        if isinstance(issue, SplitIssue):
            package[issue.name] = {
                name: leaf(*_number_tokens(values[:, k])) for k, name in enumerate(names)
            }
        else:
            package[issue.name] = leaf(*_number_tokens(values))
    utilities = space.utilities[:, pareto] + 0.0  # no -0.0, as by_party
    entry = {"package": package, "utilities": {n: leaf(*_number_tokens(u)) for n, u in zip(
        names, utilities, strict=True)}}  # fmt: skip
    template = json.dumps([entry], indent=indent, ensure_ascii=False)
    if indent is not None:  # the list is a value of the top-level object
        template = template.replace("\n", "\n" + " " * indent)
    parts = re.split(r'"\\u0000(\d+)\\u0000"', template)
    fragments, order = parts[0::2], [int(k) for k in parts[1::2]]
    assert order == list(range(len(columns)))
    # the list's brackets and line breaks around the entries, and between two of them
    head = "[" if indent is None else "[\n" + " " * (2 * indent)
    tail = "]" if indent is None else "\n" + " " * indent + "]"
    separator = ", " if indent is None else ",\n" + " " * (2 * indent)
    assert fragments[0].startswith(head) and fragments[-1].endswith(tail)
    fragments[0] = fragments[0][len(head) :]
    closing = fragments[-1][: len(fragments[-1]) - len(tail)] + separator
    table = np.empty((pareto.size, len(columns)), dtype=object)
    for k, (tokens, inverse) in enumerate(columns):
        after = closing if k == len(columns) - 1 else ""
        pieces = np.array([fragments[k] + token + after for token in tokens], dtype=object)
        table[:, k] = pieces[inverse]
    last = table[-1, -1]
    table[-1, -1] = last[: len(last) - len(separator)]  # no separator after the last entry
    return [head, *table.ravel().tolist(), tail]


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
