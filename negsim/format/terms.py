"""Reading a package a person typed or wrote in a table: ``issue=option`` terms.

Used by ``negsim play`` (offers typed at the keyboard) and ``negsim debrief`` (a class's
agreements in a CSV). Each term is read against the scenario's issues and gives the value
:meth:`negsim.space.OutcomeSpace.package` uses for it, so the result goes straight into
:meth:`~negsim.space.OutcomeSpace.position_of`:

* **categorical**: an option's name or label, case and surrounding spaces ignored
  (``sanctions=phased``); a unique prefix of a name is accepted too (``sanc=pha``);
* **numeric**: a number on the issue's grid (within 1e-6 of a step), or a grid point
  rounded to the digits written when no other grid point rounds to them as well
  (``0.167`` or ``0.17`` for 1/6 on a grid of thirtieths); off the grid, the error names
  the nearest grid points;
* **split**: each party's share as ``party:share`` joined by ``/`` (``pie=a:0.6/b:0.4``),
  each read as a number is; with two parties one named share is enough (``pie=a:0.6``).

Issues are named by name, label, or a unique prefix of a name. Terms are separated by
commas or semicolons, or when there are none by white space (``amnesty=full,
sanctions=phased`` or ``amnesty=full sanctions=phased``; a label with spaces needs the
commas). Every mistake is a
:class:`TermError` whose message says what was expected (the options, the grid, a "did you
mean").

Example
-------
>>> from negsim.format.loader import load_scenario_text
>>> scenario = load_scenario_text('''
... negsim: 1
... name: two issues
... issues:
...   colour: {options: [red, green, blue]}
...   price: {range: [0, 10], resolution: 11}
... parties:
...   a: {values: {colour: {red: 1, green: 0.5, blue: 0}, price: {0: 0, 10: 1}}}
...   b: {values: {colour: {red: 0, green: 0.5, blue: 1}, price: {0: 1, 10: 0}}}
... ''')
>>> read_terms(scenario, "colour=Green, price=4")
{'colour': 'green', 'price': 4.0}
>>> term_text(4.0), term_text({"a": 0.6, "b": 0.4})
('4', 'a:0.6/b:0.4')
>>> term_text(1 / 6, step=1 / 30), term_text(1 / 6)
('0.167', '0.16666666666666666')
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

import numpy as np

from negsim.errors import did_you_mean
from negsim.format.levels import split_shares
from negsim.format.model import CategoricalIssue, Issue, NumericIssue, SplitIssue
from negsim.format.scenario import Scenario

NO_DEAL_WORDS = frozenset({"no deal", "no-deal", "nodeal", "none", "no agreement", "breakdown"})
"""Cell texts that mean "this pair reached no agreement" (compared in lower case)."""

_SEPARATORS = re.compile(r"[,;]+")
_SPACES = re.compile(r"\s+")


ON_GRID = 1e-6
"""A typed number within this many grid steps of a grid point is that point."""


class TermError(ValueError):
    """A typed term that names no issue or no option of it; the message says what fits."""


_WALKED = re.compile(r"^\s*walk(?:ed)?[\s_-]*(?:away|out)\s*(?:by|:)?\s*(.*?)\s*$", re.I)


def walked_away_by(scenario: Scenario, text: str) -> str | None:
    """The party named by a ``walked away: PARTY`` cell (``walked away by union``,
    ``walked_away: b``; a party's name or label, in any case), or None when ``text`` says
    something else; a :class:`TermError` when the party is unknown or has no outside
    option to walk away to."""
    found = _WALKED.match(str(text))
    if found is None:
        return None
    said = " ".join(found.group(1).split()).lower()
    names = {party.name.lower(): party for party in scenario.parties}
    names.update({party.label.lower(): party for party in scenario.parties})
    party = names.get(said)
    if party is None:
        known = ", ".join(p.name for p in scenario.parties)
        raise TermError(f"walked away: write who walked away, one of {known}, not {said!r}")
    if party.outside_option is None:
        raise TermError(f"{party.name} has no outside option to walk away to")
    return party.name


def is_no_deal(text: str) -> bool:
    """Whether ``text`` says that no agreement was reached (``no deal``, ``none``, ...)."""
    return " ".join(str(text).lower().split()) in NO_DEAL_WORDS


def term_text(value: Any, step: float | None = None) -> str:
    """One issue's value in a package (as :meth:`negsim.space.OutcomeSpace.package` gives
    it) written as the term :func:`read_term` reads back: an option as it is, shares as
    ``party:share`` joined by ``/``, a number in its shortest form that is exactly the
    value; given the issue's grid ``step`` (:func:`issue_step`), a number rounded to a
    tenth of a step (``0.167`` for 1/6 in thirtieths), which reads back as that grid point
    and no other."""
    if isinstance(value, Mapping):
        return "/".join(f"{party}:{_written(share, step)}" for party, share in value.items())
    if isinstance(value, float):
        return _written(value, step)
    return str(value)


def package_terms(scenario: Scenario, package: Mapping[str, Any]) -> dict[str, str]:
    """Each issue's :func:`term_text` on its grid, for a package as
    :meth:`negsim.space.OutcomeSpace.package` gives it."""
    return {issue.name: term_text(package[issue.name], issue_step(issue))
            for issue in scenario.issues}  # fmt: skip


def issue_step(issue: Issue) -> float | None:
    """The distance between neighbouring grid points of a numeric issue, or between the
    shares of a split; None for options."""
    if isinstance(issue, NumericIssue):
        grid = issue.grid()
        return float(grid.max() - grid.min()) / max(len(grid) - 1, 1)
    if isinstance(issue, SplitIssue):
        return issue.total / max(issue.resolution - 1, 1)
    return None


def _written(value: float, step: float | None) -> str:
    value = float(value) + 0.0  # no negative zero
    exact = f"{value:.12g}"
    exact = exact if float(exact) == value else repr(value)
    if step is None or not step > 0:
        return exact
    first = max(0, math.ceil(-math.log10(step / 10)))
    for decimals in range(first, first + 6):
        text = f"{value:.{decimals}f}"
        short = text.rstrip("0").rstrip(".") if "." in text else text
        if abs(float(short) - value) <= ON_GRID * step:  # the grid point itself
            text = short if short not in ("-0", "") else "0"
        elif abs(float(text) - value) >= 0.4 * 10.0**-decimals:
            continue  # too near a rounding tie to read back for sure: one more digit
        return text if len(text) < len(exact) else exact
    return exact


def _half_unit(text: str) -> float:
    """Half a unit of the last digit written (0.005 for ``0.17``, 0.5 for ``4``): how far a
    number rounded to these digits may lie from what is written."""
    try:
        exponent = Decimal(text.strip()).as_tuple().exponent
    except InvalidOperation:
        return 0.0
    return 0.5 * 10.0**exponent if isinstance(exponent, int) else 0.0


def split_terms(text: str) -> list[tuple[str, str]]:
    """``"a=x, b=y"`` -> ``[("a", "x"), ("b", "y")]``; a piece without ``=`` is an error."""
    pairs: list[tuple[str, str]] = []
    spaced = re.sub(r"\s*=\s*", "=", text.strip())
    separator = _SEPARATORS if _SEPARATORS.search(spaced) else _SPACES
    for piece in (piece.strip() for piece in separator.split(spaced)):
        if not piece:
            continue
        name, equals, value = piece.partition("=")
        if not equals or not name or not value:
            raise TermError(f"{piece!r} is not a term: write ISSUE=OPTION, e.g. price=4")
        pairs.append((name, value))
    return pairs


def find_issue(scenario: Scenario, word: str) -> Issue:
    """The issue ``word`` names: its name or label (any case), or a unique prefix of a name."""
    return _pick(
        word,
        scenario.issues,
        lambda issue: (issue.name, issue.label),
        what="issue",
        names=[issue.name for issue in scenario.issues],
    )


def read_term(scenario: Scenario, issue: Issue, text: str) -> Any:
    """The value of ``issue`` that ``text`` names, as :meth:`OutcomeSpace.package` gives it."""
    text = text.strip()
    if isinstance(issue, CategoricalIssue):
        return _pick(
            text, issue.options, lambda option: (option,), what="option", names=issue.options
        )
    if isinstance(issue, NumericIssue):
        return _grid_point(issue, _number(issue, text), _half_unit(text))
    if isinstance(issue, SplitIssue):
        return _shares(scenario, issue, text)
    raise TypeError(f"unknown issue type {type(issue).__name__}")


def read_terms(scenario: Scenario, text: str | Iterable[tuple[str, str]]) -> dict[str, Any]:
    """A whole package: every issue exactly once, in issue order.

    ``text`` is the typed line, or already split ``(issue, value)`` pairs (a CSV row).
    """
    pairs = split_terms(text) if isinstance(text, str) else list(text)
    found: dict[str, Any] = {}
    for word, value in pairs:
        issue = find_issue(scenario, word)
        if issue.name in found:
            raise TermError(f"{issue.name} is given twice")
        found[issue.name] = read_term(scenario, issue, value)
    missing = [issue.name for issue in scenario.issues if issue.name not in found]
    if missing:
        raise TermError(f"no term for {', '.join(missing)}: every issue needs one")
    return {issue.name: found[issue.name] for issue in scenario.issues}


def _pick(word: str, items: Iterable[Any], keys: Any, what: str, names: Iterable[str]) -> Any:
    """The item whose key equals ``word`` (case-insensitively), else the one item a name of
    which starts with it; else a :class:`TermError` listing the choices."""
    wanted = " ".join(word.lower().split())
    items = list(items)
    exact = [item for item in items if wanted in {key.lower() for key in keys(item)}]
    if exact:
        return exact[0]
    starts = [item for item in items if keys(item)[0].lower().startswith(wanted)]
    if wanted and len(starts) == 1:
        return starts[0]
    names = list(names)
    hint = did_you_mean(word, names)
    listed = ", ".join(names)
    if len(starts) > 1:
        return _raise(f"{word!r} could be any of {', '.join(keys(s)[0] for s in starts)}")
    plural = "parties" if what == "party" else f"{what}s"
    return _raise(f"no {what} {word!r}{hint}; the {plural} are {listed}")


def _raise(message: str) -> Any:
    raise TermError(message)


def _number(issue: Issue, text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise TermError(f"{issue.name} takes a number, not {text!r}") from None
    if not math.isfinite(value):
        raise TermError(f"{issue.name} takes a finite number, not {text!r}")
    return value


def _grid_point(issue: NumericIssue, value: float, half: float) -> float:
    """The grid point ``value`` is, or the only one it rounds (``half``: half a unit of the
    last digit written)."""
    grid = issue.grid()
    low, high = float(grid.min()), float(grid.max())
    step = (high - low) / max(len(grid) - 1, 1)
    exact = ON_GRID * max(step, 1e-12)
    distance = np.abs(grid - value)
    nearest = int(np.argmin(distance))
    rounded = np.flatnonzero(distance < half - exact)  # a tie rounds either way: not it
    if distance[nearest] <= exact or rounded.size == 1:
        return float(grid[nearest])
    below, above = grid[grid < value], grid[grid > value]
    near = [f"{float(v):g}" for v in (below[-1:].tolist() + above[:1].tolist())]
    return _raise(
        f"{issue.name} runs from {low:g} to {high:g} in steps of {step:g}; {value:g} is not "
        f"on it (nearest: {' or '.join(near)})"
    )


def _shares(scenario: Scenario, issue: SplitIssue, text: str) -> dict[str, float]:
    """The split ``text`` gives: each share a whole number of steps (read as a number is,
    :func:`_steps`), the shares making up the total; one left out is the rest."""
    names = scenario.party_names
    given: dict[str, float] = {}
    steps: dict[str, int | None] = {}
    count = issue.resolution - 1
    step = issue.total / max(count, 1)
    for piece in filter(None, text.split("/")):
        party, colon, share = piece.partition(":")
        if not colon:
            raise TermError(f"{issue.name} takes shares as PARTY:SHARE, e.g. {names[0]}:0.5")
        name = _pick(party, names, lambda n: (n,), what="party", names=names)
        given[name] = _number(issue, share)
        steps[name] = _steps(given[name], _half_unit(share), step, count)
    if len(given) == len(names) - 1:
        rest = next(name for name in names if name not in given)
        given[rest] = issue.total - sum(given.values())
        known = [k for k in steps.values() if k is not None]
        steps[rest] = count - sum(known) if len(known) == len(steps) else None
    if set(given) != set(names):
        raise TermError(f"{issue.name} needs a share for each of {', '.join(names)}")
    counted = [steps[name] for name in names]
    if any(k is None or k < 0 for k in counted) or sum(k or 0 for k in counted) != count:
        raise TermError(
            f"{issue.name}'s shares add up to {issue.total:g} in steps of {step:g}; "
            f"{'/'.join(f'{n}:{given[n]:g}' for n in names)} is not one of them"
        )
    grid = split_shares(issue.total, issue.resolution, len(names))
    row = int(np.argmin(np.abs(grid - step * np.array(counted, dtype=float)).max(axis=1)))
    return {name: float(share) for name, share in zip(names, grid[row], strict=True)}


def _steps(value: float, half: float, step: float, count: int) -> int | None:
    """How many ``step``s ``value`` is (0 to ``count``): exactly, or the only number of
    steps it rounds (``half``: half a unit of its last digit); None when neither."""
    exact = ON_GRID * step
    nearest = round(value / step)
    if 0 <= nearest <= count and abs(nearest * step - value) <= exact:
        return int(nearest)
    # the numbers of steps strictly within half a unit (a tie rounds either way: not it)
    low = max(0, math.ceil((value - half + exact) / step))
    high = min(count, math.floor((value + half - exact) / step))
    return low if low == high else None
