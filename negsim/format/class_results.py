"""Reading the deals a class reached: CSV files typed in by hand and ``negsim play``
transcripts (``negsim debrief``, ``docs/debrief.md``).

Pure parsing against the scenario's issues (:mod:`negsim.format.terms`): each input gives
:class:`ClassDeal` records (a pair's package, or no deal) and :class:`Skipped` records (a
row or file that could not be read, with where and why). Whether a package is feasible is
the outcome space's business (:mod:`negsim.studies.debrief`).

A CSV's header names the issues (by name, label or a unique prefix) and optionally the pair
(``pair``, ``group``, ``team`` or ``name``); a header that names neither is a
:class:`ResultsError` (``FILE:1:COLUMN: message``), as is a missing issue column. Rows are
numbered by their first physical line (1 is the header), quoted line breaks counted. A UTF-8
byte order mark is dropped, and ``;`` or tab delimiters are recognised from the header.

Example
-------
>>> from negsim.format.loader import load_file_or_example
>>> scenario = load_file_or_example("venezuela-2025")
>>> text = ("pair,amnesty,sanctions_relief,icc_case,armed_forces,interim_government,"
...         "exit_timing\\nAna & Ben,personal,40,deferral,joint,technocrat,30\\n")
>>> deals, skipped = read_csv_text(scenario, text, "class.csv")
>>> deals[0].pair, deals[0].package["amnesty"], skipped
('Ana & Ben', 'personal', [])
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from negsim.errors import did_you_mean, one_line
from negsim.format.model import Issue, SplitIssue
from negsim.format.scenario import Scenario
from negsim.format.terms import TermError, find_issue, is_no_deal, read_term, walked_away_by

__all__ = [
    "PAIR_COLUMNS",
    "TRANSCRIPT_NO_DEAL",
    "ClassDeal",
    "ResultsError",
    "Skipped",
    "read_csv_text",
    "read_results",
    "read_transcript_text",
]

PAIR_COLUMNS = ("pair", "group", "team", "name")
"""Header words (any case) of the column that names the pair."""

TRANSCRIPT_NO_DEAL = ("breakdown", "walked_away", "deadline")
"""Transcript outcomes scored as no deal; ``agreement`` scores its package, and
``interrupted`` (an unfinished game) is skipped."""


class ResultsError(ValueError):
    """An input that cannot be read at all (a CSV's header, a missing file): a usage error.
    ``str()`` is ``FILE:LINE:COLUMN: message`` where the position is known."""


@dataclass(frozen=True)
class ClassDeal:
    """One pair's result: ``package`` (issue -> value, as
    :meth:`negsim.space.OutcomeSpace.package` gives it) or None for no deal; ``walker``,
    for no deal, the party that walked away to its outside option (None: nobody did).
    ``source`` is ``FILE:LINE`` for a CSV row, the file for a transcript; ``line`` is 0 for
    a transcript."""

    pair: str
    source: str
    file: str
    line: int
    package: dict[str, Any] | None
    walker: str | None = None

    @property
    def agreed(self) -> bool:
        return self.package is not None


@dataclass(frozen=True)
class Skipped:
    """A row or file left out, and why; printed as ``SOURCE: pair NAME: reason``."""

    source: str
    pair: str
    reason: str

    def __str__(self) -> str:
        who = f"pair {self.pair}: " if self.pair else ""
        return one_line(f"{self.source}: {who}{self.reason}")


# --------------------------------------------------------------------------------------------
# CSV


def _delimiter(first_line: str) -> str:
    """``;`` (European Excel) or a tab when the header holds more of them than commas."""
    counts = {sep: first_line.count(sep) for sep in (",", ";", "\t")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] > 0 else ","


def _header_columns(first_line: str, delimiter: str) -> list[int]:
    """The 1-based character column where each header cell starts (quotes respected)."""
    starts, quoted = [1], False
    for index, char in enumerate(first_line):
        if char == '"':
            quoted = not quoted
        elif char == delimiter and not quoted:
            starts.append(index + 2)
    return starts


@dataclass(frozen=True)
class _Header:
    pair: int | None  # index of the pair column
    issues: list[tuple[int, Issue]]  # (column index, issue)
    width: int


def _read_header(scenario: Scenario, cells: list[str], columns: list[int], name: str) -> _Header:
    """The header's pair column and issue columns; a :class:`ResultsError` at the first
    header cell that names nothing, a repeated issue, or a missing issue."""
    pair: int | None = None
    issues: list[tuple[int, Issue]] = []
    seen: dict[str, int] = {}
    for index, cell in enumerate(cells):
        word = " ".join(cell.split())
        column = columns[index] if index < len(columns) else 1
        where = f"{name}:1:{column}"
        if not word:
            continue  # an empty header cell (a trailing delimiter): its cells are ignored
        if word.lower() in PAIR_COLUMNS and pair is None:
            pair = index
            continue
        try:
            issue = find_issue(scenario, word)
        except TermError:
            hint = did_you_mean(word, [*scenario.issue_names, "pair"])
            raise ResultsError(
                f"{where}: column {word!r} names no issue{hint}; the header names the "
                f"issues ({', '.join(scenario.issue_names)}) and optionally the pair "
                f"({'/'.join(PAIR_COLUMNS)})"
            ) from None
        if issue.name in seen:
            raise ResultsError(f"{where}: column {word!r} repeats the issue {issue.name}")
        seen[issue.name] = index
        issues.append((index, issue))
    missing = [issue for issue in scenario.issue_names if issue not in seen]
    if missing:
        raise ResultsError(
            f"{name}:1:1: no column for {', '.join(missing)}: the header needs every issue "
            "of the scenario"
        )
    return _Header(pair, issues, len(cells))


def _option(issue: Issue, text: str) -> bool:
    """Whether ``text`` is exactly an option of a categorical issue (``none`` may be one)."""
    wanted = " ".join(text.lower().split())
    options = getattr(issue, "options", ())
    return any(wanted == option.lower() for option in options)


def _row_deal(
    scenario: Scenario, header: _Header, cells: list[str], source: str, line: int, file: str
) -> ClassDeal | Skipped | None:
    """One data row as a deal, a skipped row, or None for a blank row."""
    pair = ""
    if header.pair is not None and header.pair < len(cells):
        pair = " ".join(cells[header.pair].split())
    if not any(cell.strip() for cell in cells):
        return None
    name = pair or f"line {line}"
    if len(cells) != header.width:
        return Skipped(source, name, f"{len(cells)} cells where the header has {header.width}")
    texts = [(issue, cells[index].strip()) for index, issue in header.issues]
    given = [(issue, text) for issue, text in texts if text]
    if given:
        try:
            walker = walked_away_by(scenario, given[0][1])
        except TermError as error:
            return Skipped(source, name, str(error))
        if walker is not None:
            if any(not is_no_deal(text) for _, text in given[1:]):
                reason = (
                    "a walk-away row holds no terms: write 'walked away: PARTY' in one "
                    "cell and leave the others empty"
                )
                return Skipped(source, name, reason)
            return ClassDeal(name, source, file, line, None, walker)
    if given and all(is_no_deal(text) for _, text in given):
        return ClassDeal(name, source, file, line, None)
    said_no_deal = [i.name for i, text in given if is_no_deal(text) and not _option(i, text)]
    if said_no_deal:
        terms = [issue.name for issue, text in given if issue.name not in said_no_deal]
        return Skipped(
            source,
            name,
            f"'no deal' in {', '.join(said_no_deal)} but terms in {', '.join(terms)}: "
            "write either the agreed terms or 'no deal'",
        )
    package: dict[str, Any] = {}
    for issue, text in texts:
        if not text:
            return Skipped(source, name, f"no term for {issue.name} (write 'no deal' for none)")
        try:
            package[issue.name] = read_term(scenario, issue, text)
        except TermError as error:
            reason = str(error)
            if issue.name not in reason:
                reason = f"{issue.name}: {reason}"
            return Skipped(source, name, reason)
    return ClassDeal(name, source, file, line, package)


def read_csv_text(
    scenario: Scenario, text: str, name: str
) -> tuple[list[ClassDeal], list[Skipped]]:
    """The deals of a CSV's rows and the rows skipped; a :class:`ResultsError` for a bad
    header or an empty file. ``name`` is the file's name in messages."""
    text = text.removeprefix("\ufeff")
    first_line = text.split("\n", 1)[0].rstrip("\r")
    if not first_line.strip():
        raise ResultsError(f"{name}:1:1: no header: the first line names the issues")
    delimiter = _delimiter(first_line)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = _read_header(scenario, next(reader), _header_columns(first_line, delimiter), name)
    except csv.Error as error:
        raise ResultsError(f"{name}:1:1: {error}") from None
    deals: list[ClassDeal] = []
    skipped: list[Skipped] = []
    end = reader.line_num
    while True:
        line = end + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            skipped.append(Skipped(f"{name}:{line}", "", f"cannot read the row: {error}"))
            break
        end = reader.line_num
        found = _row_deal(scenario, header, cells, f"{name}:{line}", line, name)
        if isinstance(found, ClassDeal):
            deals.append(found)
        elif isinstance(found, Skipped):
            skipped.append(found)
    return deals, skipped


# --------------------------------------------------------------------------------------------
# Transcripts of negsim play


def _value_text(issue: Issue, value: Any) -> str:
    """A transcript package's value as a term :func:`read_term` reads."""
    if isinstance(issue, SplitIssue) and isinstance(value, Mapping):
        return "/".join(f"{party}:{share}" for party, share in value.items())
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise TermError(f"{issue.name}: {value!r} is not an option or a number")
    return str(value)


def _transcript_package(scenario: Scenario, package: Any) -> dict[str, Any]:
    if not isinstance(package, Mapping):
        raise TermError("the agreed package is not an object of issue: option")
    found = {}
    for key, value in package.items():
        issue = find_issue(scenario, str(key))
        found[issue.name] = read_term(scenario, issue, _value_text(issue, value))
    missing = [issue for issue in scenario.issue_names if issue not in found]
    if missing:
        raise TermError(f"the agreed package has no term for {', '.join(missing)}")
    return {issue: found[issue] for issue in scenario.issue_names}


def read_transcript_text(
    scenario: Scenario, text: str, name: str
) -> tuple[list[ClassDeal], list[Skipped]]:
    """The deal of a ``negsim play`` transcript (one pair: the file's stem), or why it is
    skipped: malformed JSON (``FILE:LINE:COLUMN``), not a transcript, another scenario, an
    unfinished game, an agreed package that is not the scenario's."""
    pair = Path(name).stem
    try:
        data = json.loads(text.removeprefix("\ufeff"))
    except json.JSONDecodeError as error:
        where = f"{name}:{error.lineno}:{error.colno}"
        return [], [Skipped(where, "", f"not valid JSON: {error.msg}")]
    if not isinstance(data, dict) or data.get("negsim_transcript") != 1:
        return [], [Skipped(name, pair, "not a negsim play transcript (no negsim_transcript: 1)")]
    played = data.get("scenario")
    played_name = played.get("name") if isinstance(played, dict) else None
    if played_name != scenario.name:
        return [], [Skipped(name, pair, f"a game of {played_name!r}, not of {scenario.name!r}")]
    outcome = data.get("outcome")
    status = outcome.get("status") if isinstance(outcome, dict) else None
    if status == "interrupted":
        return [], [Skipped(name, pair, "the game was interrupted (unfinished): not scored")]
    if status in TRANSCRIPT_NO_DEAL:
        walker = outcome.get("walker") if isinstance(outcome, dict) else None
        known = walker in scenario.party_names and status == "walked_away"
        return [ClassDeal(pair, name, name, 0, None, walker if known else None)], []
    if status != "agreement" or not isinstance(outcome, dict):
        return [], [Skipped(name, pair, f"unknown outcome status {status!r}")]
    try:
        package = _transcript_package(scenario, outcome.get("package"))
    except TermError as error:
        return [], [Skipped(name, pair, str(error))]
    return [ClassDeal(pair, name, name, 0, package)], []


def read_results(scenario: Scenario, path: str) -> tuple[list[ClassDeal], list[Skipped]]:
    """The deals in one file: a transcript when it ends ``.json`` (or starts with ``{``), else
    a CSV. A :class:`ResultsError` when the file cannot be read or its header is wrong."""
    file = Path(path)
    try:
        raw = file.read_bytes()
    except FileNotFoundError:
        raise ResultsError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise ResultsError(f"{path}: a folder, not a CSV or a transcript") from None
    except OSError as error:
        raise ResultsError(f"{path}: cannot read it: {error.strerror or error}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ResultsError(
            f"{path}: not UTF-8 text (byte {error.start}); save the file as UTF-8 CSV"
        ) from None
    if file.suffix.lower() == ".json" or text.lstrip().startswith("{"):
        return read_transcript_text(scenario, text, path)
    return read_csv_text(scenario, text, path)
