"""The results of a sweep, read back from its output folder (``negsim plot DIR --kind sweep``).

:func:`read_results` reads the folder ``negsim sweep`` writes (``results.csv``, and
``manifest.json`` and the scenario copy when present) into a :class:`SweepTable`, which
:mod:`negsim.present.charts.sweep` draws.
"""

from __future__ import annotations

import csv
import json
import math
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from negsim.studies.sweep import MANIFEST, RESULTS

__all__ = [
    "SweepTable",
    "axis_positions",
    "number_or_nan",
    "numeric_axis",
    "read_results",
    "value_key",
]

TEXT_COLUMNS = ("status", "message", "error")


@dataclass(frozen=True)
class SweepTable:
    """A sweep's results: ``rows`` are the points with status ``ok``, ``failed`` the others.

    Cells are floats where the whole column reads as numbers (``true``/``false`` as 1/0,
    empty cells as NaN), else strings. ``swept`` are the columns between ``point`` and
    ``status``, in order; ``parties`` the names of the ``u.PARTY`` columns. ``labels``
    (party display names) and ``round_label`` come from the scenario copy in the folder
    when there is one.
    """

    swept: tuple[str, ...]
    columns: tuple[str, ...]
    rows: tuple[dict[str, float | str], ...]
    failed: tuple[dict[str, float | str], ...] = ()
    manifest: dict[str, Any] | None = None
    labels: dict[str, str] = field(default_factory=dict)
    round_label: str | None = None
    scenario: str | None = None
    first_proposer: str | None = None

    @property
    def parties(self) -> tuple[str, ...]:
        return tuple(c[2:] for c in self.columns if c.startswith("u.") and len(c) > 2)

    @property
    def n_failed(self) -> int:
        return len(self.failed)

    def __repr__(self) -> str:
        return (
            f"<SweepTable of {self.scenario or 'a sweep'!r}: "
            f"{len(self.rows) + self.n_failed:,} points over {', '.join(self.swept)}; "
            f"{len(self.rows):,} ok, {self.n_failed:,} failed>"
        )

    def to_records(self) -> list[dict[str, Any]]:
        """Every point's row of ``results.csv``, in point order (``point`` a whole number,
        numbers as floats, ``true``/``false`` as 1/0, missing values NaN); ``pandas.DataFrame``
        reads the list as it is."""
        rows = sorted((*self.rows, *self.failed), key=lambda row: number_or_nan(row["point"]))
        return [{**row, "point": int(row["point"])} for row in rows]

    def label(self, party: str) -> str:
        return self.labels.get(party, party)

    def column(self, name: str) -> np.ndarray:
        """The column's values over the ``ok`` rows, as floats (NaN where not a number)."""
        return np.array([number_or_nan(row.get(name)) for row in self.rows], dtype=float)

    def axis(self, path: str) -> list[Any]:
        """The values a swept path takes, in the manifest's grid order when it gives one,
        else sorted (numbers) or in order of appearance (text)."""
        seen: list[Any] = []
        for row in (*self.rows, *self.failed):
            value = row.get(path)
            if value is not None and not _is_nan(value) and value not in seen:
                seen.append(value)
        grid = (self.manifest or {}).get("grid")
        if isinstance(grid, Mapping) and isinstance(grid.get(path), list):
            ordered = [_cell(str(v)) if isinstance(v, str) else v for v in grid[path]]
            ordered = [float(v) if isinstance(v, int | float) else v for v in ordered]
            if all(v in ordered for v in seen):
                return [v for i, v in enumerate(ordered) if v not in ordered[:i]]
        if all(isinstance(v, float) for v in seen):
            return sorted(seen)
        return seen


def _cell(text: str) -> Any:
    text = text.strip()
    lowered = text.lower()
    if lowered in ("true", "false"):
        return 1.0 if lowered == "true" else 0.0
    if lowered in ("", "none", "null", "nan"):
        return math.nan
    try:
        return float(text)
    except ValueError:
        return text


def _swept_cell(text: str) -> Any:
    """A swept value's cell: like :func:`_cell`, but ``null`` (a path set to null, such as
    no deadline) stays the text ``"null"``, a value of its own, not a missing number."""
    return "null" if text.strip().lower() == "null" else _cell(text)


def number_or_nan(value: Any) -> float:
    """A cell as a float: NaN when it is not a number."""
    return float(value) if isinstance(value, int | float) else math.nan


def _is_nan(value: Any) -> bool:
    return isinstance(value, float) and math.isnan(value)


def axis_positions(table: SweepTable, path: str) -> tuple[list[Any], dict[str, int]]:
    """The values a swept path takes (:meth:`SweepTable.axis`) and the index of each, by
    :func:`value_key`."""
    axis = table.axis(path)
    return axis, {value_key(v): k for k, v in enumerate(axis)}


def value_key(value: Any) -> str:
    """A swept value as a key that matches it in every row: a number by its float value."""
    return repr(float(value)) if isinstance(value, int | float) else str(value)


def numeric_axis(axis: Sequence[Any]) -> bool:
    """Whether every value of a swept path is a finite number."""
    return all(isinstance(v, float) and math.isfinite(v) for v in axis)


def read_results(directory: str | os.PathLike[str]) -> SweepTable:
    """Read a sweep folder (or its ``results.csv``) into a :class:`SweepTable`.

    Raises :class:`ValueError` when the table lacks the ``point`` and ``status`` columns
    or sweeps nothing, and :class:`FileNotFoundError` when there is no ``results.csv``.
    """
    path = Path(directory)
    folder = path.parent if path.is_file() else path
    results = path if path.is_file() else path / RESULTS
    if not results.is_file():
        raise FileNotFoundError(f"{results}: no such file (is this a sweep's output folder?)")
    with open(results, newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        raw = [line for line in reader if line]
    if header is None or "point" not in header or "status" not in header:
        raise ValueError(f"{results}: a sweep's results.csv starts with 'point' and has 'status'")
    start, stop = header.index("point"), header.index("status")
    swept = tuple(header[start + 1 : stop])
    if not swept:
        raise ValueError(f"{results}: no swept path between 'point' and 'status'")
    records = [
        dict(zip(header, line + [""] * (len(header) - len(line)), strict=False)) for line in raw
    ]
    parsed: list[dict[str, Any]] = [{} for _ in records]
    for name in header:
        read = _swept_cell if name in swept else _cell
        cells = [read(record[name]) for record in records]
        numeric = name not in TEXT_COLUMNS and all(isinstance(c, float) for c in cells)
        for target, cell, record in zip(parsed, cells, records, strict=True):
            target[name] = cell if numeric else record[name].strip()
    ok = tuple(r for r in parsed if str(r.get("status", "")).strip().lower() == "ok")
    failed = tuple(r for r in parsed if str(r.get("status", "")).strip().lower() != "ok")
    manifest = None
    if (folder / MANIFEST).is_file():
        try:
            loaded = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
            manifest = loaded if isinstance(loaded, dict) else None
        except (OSError, ValueError):
            manifest = None
    labels, round_label, scenario, first = _scenario_words(folder)
    return SweepTable(
        swept=swept,
        columns=tuple(header),
        rows=ok,
        failed=failed,
        manifest=manifest,
        labels=labels,
        round_label=round_label,
        scenario=scenario,
        first_proposer=first,
    )


def _scenario_words(folder: Path) -> tuple[dict[str, str], str | None, str | None, str | None]:
    """Party labels, the round label, the name and the first proposer from the scenario
    copy in ``folder`` (empty when there is none)."""
    from negsim.format.source import parse, read_path_bounded, read_text

    for candidate in sorted(folder.glob("*.y*ml")):
        try:
            raw = read_path_bounded(candidate, str(candidate))
            tree = parse(read_text(str(candidate), raw), str(candidate))
            data = tree.plain() if tree is not None else None
        except Exception:  # a broken copy only costs the labels
            continue
        if not isinstance(data, dict) or not isinstance(data.get("parties"), dict):
            continue
        labels = {
            str(name): str(party.get("label", name)) if isinstance(party, dict) else str(name)
            for name, party in data["parties"].items()
        }
        protocol = data.get("protocol")
        protocol = protocol if isinstance(protocol, dict) else {}
        round_label = protocol.get("round")
        first = protocol.get("first_proposer", next(iter(labels), None))
        if protocol.get("kind", "alternating_offers") != "alternating_offers" or len(labels) != 2:
            first = None  # the parity of the deadline names no last proposer
        name = data.get("name")
        return (
            labels,
            round_label if isinstance(round_label, str) else None,
            str(name) if name else None,
            str(first) if first is not None else None,
        )
    return {}, None, None, None
