"""Parameter grids for ``negsim sweep``: ``PATH=VALUES`` assignments, ranges and points.

``VALUES`` is a comma-separated list of items; each item is one of

* a scalar: an integer (``7``), a float (``0.95``, ``1e-3``), ``true``/``false``, ``null``,
  or a word (``ultimatum``); text in single or double quotes is always a string, so
  ``'1:2'`` or ``"a,b"`` stay literal;
* an inclusive range ``start:stop:step`` or ``start:stop`` (step 1, or -1 when ``stop`` is
  below ``start``). When all three numbers are written as integers, the values are integers.
  A float range stops at the last value that does not pass ``stop`` by more than 1e-9 steps;
  a value within that tolerance of ``stop`` is reported as ``stop`` exactly, so a range
  never overshoots. Values are ``start + k*step`` rounded to 12 significant digits (so
  ``0.9:0.99:0.03`` is ``0.9, 0.93, 0.96, 0.99``, not ``0.9299999999999999``). The step
  must point from ``start`` towards ``stop``; a zero step is an error;
* ``linspace(a, b, n)``: ``n >= 1`` evenly spaced floats from ``a`` to ``b`` inclusive
  (``n = 1`` gives ``a``), rounded the same way.

Items concatenate in order (``1:3,7`` is ``1, 2, 3, 7``); duplicates are kept.

A :class:`Grid` is the full product of its axes (the last path varies fastest), or with
``zip`` the axes taken side by side (all of one length). Points are numbered from 0 in that
order.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from negsim.format.paths import PathError, parse_path

Value = int | float | str | bool | None

TOLERANCE = 1e-9
"""Slack of a range's inclusive stop, in units of the step."""
SIGNIFICANT = 12
"""Range and linspace values are rounded to this many significant digits."""
MAX_RANGE = 1_000_000
"""Most values one range or linspace may produce (a typo guard)."""
MAX_POINTS = 10_000_000
"""Most points of a whole sweep: beyond it the manifest alone (every value of every axis)
and the results run to gigabytes; split such a study into several sweeps."""

_INT = re.compile(r"[-+]?[0-9]+\Z")
_FLOAT = re.compile(r"[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?\Z")
_LINSPACE = re.compile(r"linspace\((.*)\)\Z", re.DOTALL)


class GridError(ValueError):
    """A ``PATH=VALUES`` assignment or sweep file that cannot be read; ``str()`` says why."""


@dataclass(frozen=True, slots=True)
class Axis:
    """One swept path and its values, in order."""

    path: str
    values: tuple[Value, ...]


@dataclass(frozen=True, slots=True)
class Grid:
    """The points of a sweep: the product of ``axes`` (or, with ``zip``, their pairing)."""

    axes: tuple[Axis, ...]
    zip: bool = False

    def __post_init__(self) -> None:
        if not self.axes:
            raise GridError("a sweep needs at least one PATH=VALUES assignment")
        paths = [axis.path for axis in self.axes]
        for path in paths:
            if paths.count(path) > 1:
                raise GridError(f"{path} is assigned twice")
        if self.zip:
            lengths = {len(axis.values) for axis in self.axes}
            if len(lengths) > 1:
                detail = ", ".join(f"{a.path} has {len(a.values)}" for a in self.axes)
                raise GridError(f"--zip needs the same number of values on every path: {detail}")
        if self.size > MAX_POINTS:
            shape = " x ".join(f"{n:,}" for n in self.shape)
            raise GridError(
                f"the grid has {self.size:,} points ({shape}); a sweep has at most "
                f"{MAX_POINTS:,}: use fewer values, or split the study into several sweeps"
            )

    @property
    def paths(self) -> tuple[str, ...]:
        return tuple(axis.path for axis in self.axes)

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(len(axis.values) for axis in self.axes)

    @property
    def size(self) -> int:
        if self.zip:
            return len(self.axes[0].values)
        return math.prod(self.shape)

    def point(self, index: int) -> tuple[Value, ...]:
        """The values of point ``index`` (0-based), one per axis."""
        if not 0 <= index < self.size:
            raise IndexError(index)
        if self.zip:
            return tuple(axis.values[index] for axis in self.axes)
        values: list[Value] = []
        for axis in reversed(self.axes):
            index, k = divmod(index, len(axis.values))
            values.append(axis.values[k])
        return tuple(reversed(values))

    def points(self) -> Iterator[tuple[Value, ...]]:
        """Every point in order."""
        if self.zip:
            return zip(*(axis.values for axis in self.axes), strict=True)
        return itertools.product(*(axis.values for axis in self.axes))

    def to_dict(self) -> dict[str, list[Value]]:
        """``{path: [values]}`` in axis order (the manifest's ``grid``)."""
        return {axis.path: list(axis.values) for axis in self.axes}


# --------------------------------------------------------------------------------------------
# Parsing


def parse_assignment(text: str) -> Axis:
    """``PATH=VALUES`` as an :class:`Axis`."""
    path, sep, values = text.partition("=")
    path = path.strip()
    if not sep or not path:
        raise GridError(f"{text!r}: give PATH=VALUES, e.g. protocol.deadline=1:10")
    try:
        parse_path(path)
    except PathError as error:
        raise GridError(f"{text!r}: {error} (paths look like parties.us.discount, "
                        'parties.us.disagreement.lottery[0].p or uncertainty["us.disagreement"]'
                        ".types)") from None  # fmt: skip
    try:
        return Axis(path, tuple(parse_values(values)))
    except GridError as error:
        raise GridError(f"{path}: {error}") from None


def parse_values(text: str) -> list[Value]:
    """The values ``VALUES`` names (see the module docstring)."""
    items = _split(text)
    values: list[Value] = []
    for item in items:
        values.extend(_item(item))
    if not values:
        raise GridError("no values")
    return values


def _split(text: str) -> list[str]:
    """Split on commas outside quotes and parentheses; keep quotes on the items."""
    items: list[str] = []
    current: list[str] = []
    quote = ""
    depth = 0
    for char in text:
        if quote:
            current.append(char)
            if char == quote:
                quote = ""
        elif char in "'\"":
            quote = char
            current.append(char)
        elif char == "(":
            depth += 1
            current.append(char)
        elif char == ")":
            depth -= 1
            current.append(char)
        elif char == "," and depth == 0:
            items.append("".join(current))
            current = []
        else:
            current.append(char)
    if quote:
        raise GridError(f"{text!r}: unclosed quote {quote}")
    if depth:
        raise GridError(f"{text!r}: unbalanced parentheses")
    items.append("".join(current))
    for item in items:
        if not item.strip():
            raise GridError(f"{text!r}: an empty value (two commas in a row, or a stray comma?)")
    return items


def _item(raw: str) -> list[Value]:
    item = raw.strip()
    if len(item) >= 2 and item[0] == item[-1] and item[0] in "'\"":
        return [item[1:-1]]
    if match := _LINSPACE.match(item):
        return linspace_values(item, match.group(1))
    if ":" in item:
        return range_values(item)
    return [scalar(item)]


def scalar(text: str) -> Value:
    """One unquoted value: int, float, bool, null, or the text itself."""
    if _INT.match(text):
        return int(text)
    if _FLOAT.match(text):
        return float(text)
    lowered = text.lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    if lowered in ("null", "~"):
        return None
    return text


def _number(item: str, text: str) -> int | float:
    text = text.strip()
    if _INT.match(text):
        return int(text)
    if _FLOAT.match(text):
        return float(text)
    raise GridError(
        f"{item!r}: {text!r} is not a number (ranges are start:stop:step; "
        "quote a value that contains ':')"
    )


def _round(value: float) -> float:
    rounded = float(f"{value:.{SIGNIFICANT}g}")
    return rounded + 0.0  # no -0.0


def range_values(item: str) -> list[Value]:
    """``start:stop[:step]``, inclusive of ``stop`` (see the module docstring)."""
    parts = item.split(":")
    if len(parts) not in (2, 3):
        raise GridError(f"{item!r}: a range is start:stop or start:stop:step")
    start, stop = _number(item, parts[0]), _number(item, parts[1])
    step = _number(item, parts[2]) if len(parts) == 3 else (1 if stop >= start else -1)
    if not all(math.isfinite(v) for v in (start, stop, step)):
        raise GridError(f"{item!r}: the numbers must be finite")
    if step == 0:
        raise GridError(f"{item!r}: the step must not be 0")
    if (stop - start) * step < 0:
        direction = "negative" if stop < start else "positive"
        raise GridError(f"{item!r}: the step must be {direction} to go from {start} to {stop}")
    if isinstance(start, int) and isinstance(stop, int) and isinstance(step, int):
        count = (stop - start) // step + 1
        _check_count(item, count)
        return list(range(start, stop + (1 if step > 0 else -1), step))
    steps = (stop - start) / step
    if not math.isfinite(steps):  # a step so small the count overflows (e.g. 1e-320)
        raise GridError(f"{item!r}: the step {step:g} is too small for this range")
    count = math.floor(steps + TOLERANCE) + 1
    _check_count(item, count)
    values: list[Value] = []
    for k in range(count):
        value = _round(start + k * step)
        if (value - stop) * step > 0:  # within the tolerance past stop: never overshoot
            value = float(stop)
        values.append(value)
    return values


def linspace_values(item: str, inner: str) -> list[Value]:
    """``linspace(a, b, n)``."""
    parts = inner.split(",")
    if len(parts) != 3:
        raise GridError(f"{item!r}: linspace takes three numbers, linspace(a, b, n)")
    a, b = float(_number(item, parts[0])), float(_number(item, parts[1]))
    n = _number(item, parts[2])
    if not isinstance(n, int) or n < 1:
        raise GridError(f"{item!r}: n must be a whole number of at least 1")
    if not (math.isfinite(a) and math.isfinite(b)):
        raise GridError(f"{item!r}: the numbers must be finite")
    _check_count(item, n)
    if n == 1:
        return [a + 0.0]
    return [b + 0.0 if k == n - 1 else _round(a + (b - a) * k / (n - 1)) for k in range(n)]


def _check_count(item: str, count: int) -> None:
    if count > MAX_RANGE:
        shown = f"{count:,}" if count < 10**15 else f"about {float(count):.3g}"
        raise GridError(f"{item!r}: {shown} values; at most {MAX_RANGE:,} per item")


def axis_from_data(path: str, spec: Any) -> Axis:
    """An axis from a sweep file entry: a VALUES string, a list of scalars, or one scalar."""
    if not isinstance(path, str):
        raise GridError(f"{path!r} is not a path like parties.us.discount")
    try:
        parse_path(path)
    except PathError as error:
        raise GridError(str(error)) from None
    try:
        if isinstance(spec, str):
            return Axis(path, tuple(parse_values(spec)))
        if isinstance(spec, list):
            if not spec:
                raise GridError("no values")
            for value in spec:
                if isinstance(value, dict | list):
                    raise GridError("list values must be scalars")
            return Axis(path, tuple(spec))
        if isinstance(spec, int | float | bool) or spec is None:
            return Axis(path, (spec,))
    except GridError as error:
        raise GridError(f"{path}: {error}") from None
    raise GridError(f"{path}: give a VALUES string, a list, or a single value")


def build_grid(
    assignments: Sequence[str], *, zip_axes: bool = False, extra: Sequence[Axis] = ()
) -> Grid:
    """The grid of ``extra`` axes (e.g. from a sweep file) then ``PATH=VALUES`` assignments."""
    axes = list(extra) + [parse_assignment(text) for text in assignments]
    return Grid(tuple(axes), zip=zip_axes)
