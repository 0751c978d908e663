"""Generic checks on a YAML tree, each reporting problems with their position.

:class:`Checker` is the toolbox the scenario validator (:mod:`negsim.format.validation`) is built
from: typed reads (numbers, whole numbers, text, booleans) with bounds, mappings with allowed
and required keys and "did you mean" hints, and references to defined names.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from typing import Any

from negsim.errors import Problem, did_you_mean, join_path, one_of
from negsim.format.source import YNode

IDENTIFIER = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")


def describe(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f"the text '{shown}'"
    return f"{value!r}"


def _quoted(value: Any) -> str:
    return f"'{value}'" if isinstance(value, str) else describe(value)


def format_number(x: float) -> str:
    return f"{x:g}"


MAX_MAGNITUDE = 1e12
"""The largest size of any number in a scenario: values, totals, ranges, costs and
options beyond it would overflow in the products and powers the solvers take."""
MIN_MAGNITUDE = 2.2250738585072014e-308
"""The smallest value of a number that must be positive (a discount factor), the smallest
normal float: a subnormal one (a discount of 5e-324) has lost its precision and acts as 0
in the first product."""


class Checker:
    """Collects :class:`Problem` records for one file while reading its values."""

    def __init__(self, filename: str):
        self.filename = filename
        self.problems: list[Problem] = []

    # -- reporting -----------------------------------------------------------------------------

    def error(self, node: YNode, path: str, message: str, *, at_key: bool = False) -> None:
        line, column = (node.key_line, node.key_column) if at_key else (node.line, node.column)
        if at_key and not line:
            line, column = node.line, node.column
        self.problems.append(Problem(line, column, path, message, self.filename))

    # -- generic checks --------------------------------------------------------------------------

    def mapping(self, node: YNode, path: str, what: str = "a mapping") -> dict[Any, YNode] | None:
        if not node.is_map:
            self.error(node, path, f"expected {what}, got {describe(node.value)}")
            return None
        return node.value

    def sequence(self, node: YNode, path: str, what: str = "a list") -> list[YNode] | None:
        if not node.is_seq:
            self.error(node, path, f"expected {what}, got {describe(node.value)}")
            return None
        return node.value

    def keys(
        self,
        node: YNode,
        path: str,
        allowed: Iterable[str],
        required: Iterable[str] = (),
        hint: str = "",
    ) -> None:
        allowed = tuple(allowed)
        for key, child in node.value.items():
            if key not in allowed:
                suggestion = did_you_mean(key, allowed) or f"; allowed: {', '.join(allowed)}"
                self.error(
                    child,
                    join_path(path, key),
                    f"unknown key '{key}'{suggestion}{hint}",
                    at_key=True,
                )
        for key in required:
            if key not in node.value:
                self.error(node, path, f"missing required key '{key}'")

    def number(
        self,
        node: YNode,
        path: str,
        *,
        low: float | None = None,
        high: float | None = None,
        low_open: bool = False,
        high_open: bool = False,
        what: str = "",
    ) -> float | None:
        hints = _RANGE_HINTS
        value = node.value
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.error(node, path, f"expected a number, got {describe(value)}")
            return None
        if isinstance(value, float) and not math.isfinite(value):
            self.error(node, path, f"must be a finite number, got {describe(value)}")
            return None
        if abs(value) > MAX_MAGNITUDE:
            self.error(
                node,
                path,
                f"must be at most {MAX_MAGNITUDE:.0e} in size (so that utilities, their "
                f"products and sums stay finite), got {format_number(float(value))}",
            )
            return None
        if low == 0 and low_open and 0 < value < MIN_MAGNITUDE:
            self.error(
                node,
                path,
                f"must be at least {MIN_MAGNITUDE:.3g} (a positive number smaller than that "
                f"has lost its precision and acts as 0), got {float(value):.3g}",
            )
            return None
        value = float(value)
        too_low = low is not None and (value <= low if low_open else value < low)
        too_high = high is not None and (value >= high if high_open else value > high)
        if too_low or too_high:
            self.error(
                node,
                path,
                f"{what or 'must be'} {interval(low, high, low_open, high_open)}"
                f", got {format_number(value)}"
                f"{hints.get(path.rsplit('.', 1)[-1], '') if hints else ''}",
            )
            return None
        return value

    def probability(self, node: YNode, path: str) -> float | None:
        return self.number(node, path, low=0.0, high=1.0, what="a probability must be")

    def integer(
        self, node: YNode, path: str, *, low: int | None = None, high: int | None = None
    ) -> int | None:
        value = node.value
        if isinstance(value, float) and value.is_integer() and math.isfinite(value):
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            self.error(node, path, f"expected a whole number, got {describe(node.value)}")
            return None
        if low is not None and value < low:
            self.error(node, path, f"must be at least {low}, got {_whole(value)}")
            return None
        if high is not None and value > high:
            self.error(node, path, f"must be at most {high:,}, got {_whole(value)}")
            return None
        return value

    def text(self, node: YNode, path: str) -> str | None:
        if not isinstance(node.value, str):
            self.error(node, path, f"expected text, got {describe(node.value)}")
            return None
        return node.value

    def boolean(self, node: YNode, path: str) -> bool | None:
        if not isinstance(node.value, bool):
            self.error(node, path, f"expected true or false, got {describe(node.value)}")
            return None
        return node.value

    def identifier(self, name: Any, node: YNode, path: str, what: str) -> bool:
        if not isinstance(name, str) or not IDENTIFIER.match(name):
            self.error(
                node,
                path,
                f"{what} name {_quoted(name)} is not an identifier (letters, digits, _ and -, "
                "starting with a letter)",
                at_key=True,
            )
            return False
        return True

    def reference(
        self,
        name: Any,
        node: YNode,
        path: str,
        known: Iterable[str],
        what: str,
        *,
        at_key: bool,
        owner: str = "",
    ) -> bool:
        known = list(known)
        if name in known:
            return True
        self.error(
            node,
            path,
            f"unknown {what} {_quoted(name)}{owner}{did_you_mean(name, known)}; {one_of(known)}",
            at_key=at_key,
        )
        return False

    def choice(self, allowed: tuple[str, ...], what: str) -> Callable[[YNode, str], str | None]:
        """A reader that accepts one of ``allowed`` names."""

        def parse(node: YNode, path: str) -> str | None:
            if node.value in allowed:
                return node.value  # type: ignore[no-any-return]
            self.error(
                node,
                path,
                f"unknown {what} {_quoted(node.value)}"
                f"{did_you_mean(node.value, allowed)}; {one_of(allowed)}",
            )
            return None

        return parse


_RANGE_HINTS = {
    "breakdown_risk": " (a risk of 1 would end the talks at the first rejection: for a single "
    "take-it-or-leave-it offer use kind: ultimatum)",
    "discount": " (1 means no discounting)",
}


def interval(low: float | None, high: float | None, low_open: bool, high_open: bool) -> str:
    if low is not None and high is not None:
        left, right = "(" if low_open else "[", ")" if high_open else "]"
        return f"in {left}{format_number(low)}, {format_number(high)}{right}"
    if low is not None:
        return f"{'above' if low_open else 'at least'} {format_number(low)}"
    if high is not None:
        return f"{'below' if high_open else 'at most'} {format_number(high)}"
    return "a number"


def _whole(value: int) -> str:
    """A whole number for a message: digits, or its size when it has more than 15."""
    digits = str(abs(value))
    if len(digits) <= 15:
        return f"{value:,}"
    return f"{'-' if value < 0 else ''}{digits[0]}.{digits[1:4]}e{len(digits) - 1}"
