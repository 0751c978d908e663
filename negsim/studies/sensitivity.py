"""One-at-a-time sensitivity of the equilibrium (``negsim sensitivity FILE [PATH...]``).

:func:`sensitivity` moves each parameter, one at a time, to a lower and a higher value
around the scenario's own, solves the scenario there (:func:`negsim.analysis.pipeline.solve`) and
records every party's equilibrium utility and payoff at low, base and high.
:mod:`negsim.present.charts.tornado` draws the result as a tornado chart, and
:mod:`negsim.present.terminal.sensitivity` prints it as a table.

Default parameters (when no paths are named), in this order:

* every party's ``discount`` (stated, or the default 1);
* every party's ``disagreement`` when it is stated as a number (a lottery is skipped);
* every party's ``cost_per_round`` when stated;
* ``protocol.breakdown_risk`` when stated; ``protocol.deadline`` when set (not null, and
  not for ``ultimatum``, whose deadline is fixed).

Variations: ``value * (1 - spread)`` and ``value * (1 + spread)`` (``spread`` 0.1 by
default); for a value of 0, ``-spread`` and ``+spread``. Then, by the parameter's last
key: a ``discount`` stays in (0, 1] (capped at 1; a low value at or below 0 becomes half
the value); a ``deadline`` (and a simulation's ``runs``) is a whole number >= 1, a
``types`` or ``resolution`` grid a whole number >= 2, and each moves by at least one;
``breakdown_risk`` stays in [0, 1) (a high value at or above 1 becomes halfway
between the value and 1); ``trust`` in [0, 1]; ``cost_per_round``, ``weights`` and
``bargaining_power`` at or above 0. A side that the bounds leave at the value itself (a
discount of 1 has no higher value) is not solved and reported as at its bound. Explicit
``(low, high)`` values are used as given. A variation the scenario rejects (validation) or
the solver fails on is reported with its message, not raised.

Each side also records every outcome metric of :mod:`negsim.analysis.metrics` (the names of
``results.csv``), and a result reports the ``metrics`` chosen for it: by default every
party's equilibrium utility ``u.PARTY``, or, for a scenario with private information under
a screening protocol, the screening outcome (``deal_probability`` and every party's
``screening.payoff.PARTY``). When the equilibrium has no agreement, a party's ``u.PARTY``
here is its expected disagreement utility (``results.csv`` leaves it empty).
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from negsim import jsontext
from negsim.analysis.metrics import choose_metrics, default_metrics
from negsim.analysis.metrics import metrics as outcome_metrics
from negsim.analysis.pipeline import solve
from negsim.errors import ScenarioError
from negsim.format.defaults import default_value
from negsim.format.labels import scenario_labels
from negsim.format.loader import scenario_from_data
from negsim.format.paths import PathError, get_path, set_path

__all__ = [
    "DEFAULT_SPREAD",
    "Parameter",
    "SensitivityResult",
    "Side",
    "default_metrics",
    "default_paths",
    "number_text",
    "parse_path_argument",
    "scenario_data",
    "sensitivity",
    "variation",
]

DEFAULT_SPREAD = 0.1
WHOLE_NUMBERS = {"deadline": 1, "runs": 1, "types": 2, "resolution": 2}
"""Parameters that are whole numbers, by last key, with their least value."""


# --------------------------------------------------------------------------------------------
# Records


@dataclass(frozen=True)
class Side:
    """The scenario solved with one parameter at ``value``: each party's equilibrium
    utilities and payoffs, or the ``error`` that stopped it (then both are None)."""

    value: float
    utilities: np.ndarray | None = None
    payoffs: np.ndarray | None = None
    agreement: bool | None = None
    error: str | None = None
    metrics: Mapping[str, Any] = field(default_factory=dict)
    """Every outcome metric at this value (:func:`negsim.analysis.metrics.metrics`); empty
    when the side failed."""

    @property
    def ok(self) -> bool:
        return self.error is None

    def get(self, kind: str) -> np.ndarray | None:
        return self.utilities if kind == "utilities" else self.payoffs

    def metric(self, name: str) -> float:
        """The metric ``name`` as a number: NaN where the side failed or the metric is
        empty (no agreement, no screening) or not a number."""
        return _number(self.metrics.get(name))


@dataclass(frozen=True)
class Parameter:
    """One parameter's variation: ``low``/``high`` are None when the bounds leave that
    side at the value itself (``note`` says so)."""

    path: str
    base: float
    low: Side | None
    high: Side | None
    note: str = ""

    def outcomes(self, base: np.ndarray, kind: str = "utilities") -> np.ndarray:
        """``(3, n_parties)``: low, base and high (NaN for a missing or failed side)."""
        rows = [base]
        for side in (self.low, self.high):
            values = side.get(kind) if side is not None else None
            rows.append(values if values is not None else np.full_like(base, np.nan))
        return np.vstack([rows[1], rows[0], rows[2]])

    def swing(self, base: np.ndarray, party: int, kind: str = "utilities") -> float:
        """Largest minus smallest of the party's values at low, base and high."""
        values = self.outcomes(base, kind)[:, party]
        values = values[np.isfinite(values)]
        return float(np.ptp(values)) if values.size else 0.0

    def metric_outcomes(self, name: str, base: float) -> np.ndarray:
        """``(3,)``: the metric ``name`` at low, base and high (NaN for a missing or failed
        side)."""
        sides = [np.nan if s is None else s.metric(name) for s in (self.low, self.high)]
        return np.array([sides[0], base, sides[1]], dtype=float)

    def metric_swing(self, name: str, base: float) -> float:
        """Largest minus smallest of the metric at low, base and high."""
        values = self.metric_outcomes(name, base)
        values = values[np.isfinite(values)]
        return float(np.ptp(values)) if values.size else 0.0

    @property
    def errors(self) -> list[str]:
        return [s.error for s in (self.low, self.high) if s is not None and s.error is not None]


@dataclass(frozen=True)
class SensitivityResult:
    """The one-at-a-time sensitivity of a scenario (see :func:`sensitivity`)."""

    scenario: str
    parties: tuple[str, ...]
    labels: tuple[str, ...]
    base_utilities: np.ndarray
    base_payoffs: np.ndarray
    base_agreement: bool
    parameters: tuple[Parameter, ...]
    skipped: tuple[tuple[str, str], ...] = ()
    """Named paths that could not be varied, with the reason."""
    spread: float = DEFAULT_SPREAD
    round_label: str | None = None
    party_labels: dict[str, str] = field(default_factory=dict)
    base_metrics: Mapping[str, Any] = field(default_factory=dict)
    """Every outcome metric at the scenario's own values."""
    metrics: tuple[str, ...] = ()
    """The metrics reported (table, chart, JSON ``swing``): see :func:`default_metrics`."""
    scenario_labels: Mapping[str, Any] = field(default_factory=dict)
    """The scenario's labels and units (:func:`negsim.format.labels.scenario_labels`)."""

    def base(self, kind: str = "utilities") -> np.ndarray:
        return self.base_utilities if kind == "utilities" else self.base_payoffs

    def metric_base(self, name: str) -> float:
        """The metric ``name`` at the scenario's own values (NaN when empty)."""
        return _number(self.base_metrics.get(name))

    def metric_outcomes(self, parameter: Parameter, name: str) -> np.ndarray:
        """``(3,)``: the metric at the parameter's low, base and high value."""
        return parameter.metric_outcomes(name, self.metric_base(name))

    def metric_swing(self, parameter: Parameter, name: str) -> float:
        return parameter.metric_swing(name, self.metric_base(name))

    def ranked_by(self, name: str) -> list[Parameter]:
        """The parameters by swing of the metric ``name``, largest first (ties: file
        order)."""
        order = sorted(
            range(len(self.parameters)),
            key=lambda j: (-round(self.metric_swing(self.parameters[j], name), 12), j),
        )
        return [self.parameters[j] for j in order]

    def party_index(self, party: str | int | None) -> int:
        if party is None:
            return 0
        if isinstance(party, int):
            return party
        if party not in self.parties:
            raise ValueError(f"no party {party!r}; the parties are {', '.join(self.parties)}")
        return self.parties.index(party)

    def ranked(self, party: str | int | None = None, kind: str = "utilities") -> list[Parameter]:
        """The parameters by swing of the party's value, largest first (ties: file order)."""
        k = self.party_index(party)
        base = self.base(kind)
        order = sorted(
            range(len(self.parameters)),
            key=lambda j: (-round(self.parameters[j].swing(base, k, kind), 12), j),
        )
        return [self.parameters[j] for j in order]

    def __repr__(self) -> str:
        ranked = self.ranked(0) if self.parameters else []
        top = ranked[0].path if ranked else "none"
        return (
            f"<SensitivityResult of {self.scenario!r}: {len(self.parameters)} parameters "
            f"varied by {self.spread:.0%}; the largest swing of {self.parties[0]}'s utility "
            f"comes from {top}>"
        )

    def to_records(self) -> list[dict[str, Any]]:
        """One row a parameter and side (``low``, ``high``): ``path``, ``side``, ``value``,
        ``agreement``, each party's utility ``u.PARTY`` and payoff ``payoff.PARTY`` (NaN
        where the side failed, with its ``error``), then every other outcome metric."""
        rows = []
        for parameter in self.parameters:
            for name, side in (("low", parameter.low), ("high", parameter.high)):
                if side is None:
                    continue
                row: dict[str, Any] = {
                    "path": parameter.path,
                    "side": name,
                    "value": side.value,
                    "agreement": side.agreement,
                    "error": side.error,
                }
                for k, party in enumerate(self.parties):
                    for key, vector in (("u", side.utilities), ("payoff", side.payoffs)):
                        row[f"{key}.{party}"] = math.nan if vector is None else float(vector[k])
                for name, value in side.metrics.items():
                    row.setdefault(name, value)
                rows.append(row)
        return rows

    def to_json(self, indent: int | None = 2) -> str:
        """:meth:`to_dict` as JSON text: exactly what the command prints with
        ``--format json``."""
        return jsontext.dumps(self.to_dict(), indent=indent)

    def to_dict(self) -> dict[str, Any]:
        """The ``sensitivity --format json`` object (``docs/json.md``)."""

        def by_party(vector: np.ndarray | None) -> dict[str, float | None] | None:
            """Per party; a non-finite value (endless delay costs) is null, as in solve."""
            if vector is None:
                return None
            return {
                name: float(v) + 0.0 if np.isfinite(v) else None
                for name, v in zip(self.parties, vector, strict=True)
            }

        def side(entry: Side | None) -> dict[str, Any] | None:
            if entry is None:
                return None
            return {
                "value": entry.value,
                "agreement": entry.agreement,
                "utilities": by_party(entry.utilities),
                "payoffs": by_party(entry.payoffs),
                "error": entry.error,
                "metrics": _plain(entry.metrics),
            }

        return {
            "scenario": self.scenario,
            "spread": self.spread,
            "base": {
                "agreement": self.base_agreement,
                "utilities": by_party(self.base_utilities),
                "payoffs": by_party(self.base_payoffs),
                "metrics": _plain(self.base_metrics),
            },
            "metrics": list(self.metrics),
            "parameters": [
                {
                    "path": p.path,
                    "base": p.base,
                    "low": side(p.low),
                    "high": side(p.high),
                    "note": p.note or None,
                    "swing": {
                        name: p.swing(self.base_utilities, k) for k, name in enumerate(self.parties)
                    },
                    "metric_swing": {name: self.metric_swing(p, name) for name in self.metrics},
                }
                for p in self.parameters
            ],
            "skipped": [{"path": path, "reason": reason} for path, reason in self.skipped],
            "labels": dict(self.scenario_labels),
        }


def number_text(value: float) -> str:
    """A parameter's value as written: whole numbers without a decimal point, else up to
    6 significant digits."""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.6g}"


def _number(value: Any) -> float:
    """A metric's value as a float; NaN for None, text and non-numbers."""
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, int | float | np.floating | np.integer):
        return float(value)
    return math.nan


def _plain(values: Mapping[str, Any]) -> dict[str, Any]:
    """Metrics for JSON: non-finite numbers as null."""
    return {
        name: None if isinstance(v, float) and not math.isfinite(v) else v
        for name, v in values.items()
    }


# --------------------------------------------------------------------------------------------
# Computation


def scenario_data(argument: str | os.PathLike[str]) -> dict[str, Any]:
    """A scenario file (or a bundled name such as ``venezuela-2025``) as plain data for
    :func:`sensitivity`, read and validated as ``negsim sweep`` reads it. Raises
    :class:`ScenarioError` for an invalid scenario."""
    from negsim.studies.sweep_plan import read_source

    return read_source(str(argument)).data


def parse_path_argument(text: str) -> tuple[str, tuple[float, float] | None]:
    """``PATH`` or ``PATH=LOW..HIGH`` of ``negsim sensitivity``: the two values to try,
    written as an interval (``LOW:HIGH`` would read as a sweep's range of values, so it is
    refused with the form to use)."""
    if "=" not in text:
        return text.strip(), None
    path, values = text.split("=", 1)
    if ".." not in values:
        hint = values.replace(":", "..", 1) if values.count(":") == 1 else "LOW..HIGH"
        raise ValueError(
            f"{text}: give PATH or PATH=LOW..HIGH (e.g. {path.strip()}={hint}); a colon "
            "range lists a sweep's values, not sensitivity's two ends"
        )
    parts = values.split("..", 1)
    try:
        low, high = (float(part) for part in parts)
    except ValueError:
        raise ValueError(f"{text}: LOW and HIGH must be numbers (PATH=LOW..HIGH)") from None
    return path.strip(), (low, high)


def default_paths(data: Mapping[str, Any]) -> list[str]:
    """The parameters varied when none are named (see the module's documentation)."""
    parties = data.get("parties") if isinstance(data.get("parties"), Mapping) else {}
    assert isinstance(parties, Mapping)
    protocol = data.get("protocol") if isinstance(data.get("protocol"), Mapping) else {}
    assert isinstance(protocol, Mapping)
    paths = [f"parties.{name}.discount" for name in parties]
    for key in ("disagreement", "cost_per_round"):
        for name, party in parties.items():
            if isinstance(party, Mapping) and _is_number(party.get(key)):
                paths.append(f"parties.{name}.{key}")
    if _is_number(protocol.get("breakdown_risk")):
        paths.append("protocol.breakdown_risk")
    if _is_number(protocol.get("deadline")) and protocol.get("kind") != "ultimatum":
        paths.append("protocol.deadline")
    return paths


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _tidy(value: float) -> float:
    return float(f"{value:.10g}")


def variation(
    path: str, base: float, spread: float = DEFAULT_SPREAD
) -> tuple[float | None, float | None, str]:
    """``(low, high, note)`` around ``base`` for ``path`` by the rules of the module's
    documentation; a side is None when the bounds leave it at ``base``."""
    key = path.rsplit(".", 1)[-1]
    if key in WHOLE_NUMBERS:
        least = WHOLE_NUMBERS[key]
        whole = round(base)
        low_int = max(least, min(whole - 1, round(whole * (1 - spread))))
        high_int = max(whole + 1, round(whole * (1 + spread)))
        low_value: float | None = float(low_int) if low_int < whole else None
        note = "" if low_value is not None else f"at its lower bound {least}"
        return low_value, float(high_int), note
    delta = abs(base) * spread if base != 0 else spread
    low, high = base - delta, base + delta
    if key == "discount":
        high = min(high, 1.0)
        if low <= 0:
            low = base / 2
    elif key == "breakdown_risk":
        low = max(low, 0.0)
        if high >= 1:
            high = (base + 1) / 2
    elif key == "trust" or ".trust." in f".{path}.":
        low, high = max(low, 0.0), min(high, 1.0)
    elif key in ("cost_per_round",) or ".weights." in f".{path}.":
        low = max(low, 0.0)
    elif key == "bargaining_power" and low <= 0:
        low = base / 2
    low, high = _tidy(low), _tidy(high)
    sides = (None if low == base else low, None if high == base else high)
    notes = []
    if sides[0] is None:
        notes.append(f"at its lower bound {number_text(base)}")
    if sides[1] is None:
        notes.append(f"at its upper bound {number_text(base)}")
    return sides[0], sides[1], "; ".join(notes)


_Outcome = tuple[np.ndarray, np.ndarray, bool, dict[str, Any]]


def _outcome(data: dict[str, Any], filename: str) -> _Outcome:
    """Utilities (disagreement's without a deal), payoffs, agreement and every metric, with
    ``u.PARTY`` the utilities given."""
    analysis = solve(scenario_from_data(data, filename))
    eq = analysis.equilibrium
    utilities = np.asarray(
        eq.utilities if eq.utilities is not None else analysis.disagreement, dtype=float
    ).copy()
    values = outcome_metrics(analysis)
    for k, name in enumerate(analysis.space.scenario.party_names):
        values[f"u.{name}"] = float(utilities[k])
    return utilities, np.asarray(eq.payoffs, dtype=float).copy(), bool(eq.agreement), values


def _message(error: Exception) -> str:
    if isinstance(error, ScenarioError):
        problems = getattr(error, "problems", None)
        if problems:
            return "; ".join(
                f"{getattr(p, 'path', '')}: {getattr(p, 'message', p)}".lstrip(": ")
                for p in problems
            )
    return str(error) or type(error).__name__


def _side(data: dict[str, Any], path: str, value: float, filename: str) -> Side:
    whole = path.rsplit(".", 1)[-1] in WHOLE_NUMBERS and float(value).is_integer()
    stored: int | float = int(value) if whole else value
    try:
        utilities, payoffs, agreement, values = _outcome(set_path(data, path, stored), filename)
    except (ScenarioError, PathError, ValueError, ArithmeticError) as error:
        return Side(value=float(value), error=_message(error))
    return Side(float(value), utilities, payoffs, agreement, metrics=values)


def _base_value(data: Mapping[str, Any], path: str) -> float | str:
    """The number at ``path`` (the format's default where the file leaves it out), or why
    it cannot be varied."""
    try:
        value = get_path(data, path)
    except PathError as error:
        default = default_value(path)
        if default is None:
            return str(error)
        try:  # a parameter left at the format's default: vary the default
            set_path(dict(data), path, default)
        except PathError:
            return str(error)
        return default
    if _is_number(value):
        return float(value)
    if isinstance(value, Mapping):
        kind = "a lottery" if "lottery" in value else "a mapping"
    else:
        kind = repr(value)
    return f"holds {kind}, not a number"


def sensitivity(
    scenario_data: Mapping[str, Any],
    paths: Sequence[str] | Mapping[str, tuple[float, float] | None] | None = None,
    spread: float = DEFAULT_SPREAD,
    filename: str = "<sensitivity>",
    metrics: Sequence[str] | None = None,
) -> SensitivityResult:
    """Vary each parameter one at a time around the scenario's value and solve.

    ``scenario_data`` is the scenario as plain data (:func:`scenario_data` reads a file).
    ``paths`` are dotted paths (:mod:`negsim.format.paths`), or a mapping from path to explicit
    ``(low, high)`` values (None: by ``spread``); default :func:`default_paths`. ``spread``
    is the relative variation (0.1: 10% either side). ``metrics`` names what to report
    (:func:`negsim.analysis.metrics.choose_metrics`; default
    :func:`negsim.analysis.metrics.default_metrics`); every metric is recorded either way.

    Raises :class:`ScenarioError` when the scenario itself is invalid and
    :class:`ValueError` for a spread outside (0, 1) or an unknown or categorical metric. A
    path that is not in the scenario, or that holds no number, is reported in ``skipped``;
    a variation the scenario rejects or the solver fails on is reported on its side
    (:attr:`Side.error`).
    """
    if not 0 < spread < 1:
        raise ValueError(f"spread must be in (0, 1), got {spread}")
    data = dict(scenario_data)
    scenario = scenario_from_data(data, filename)
    reported = choose_metrics(scenario, metrics)
    base_utilities, base_payoffs, base_agreement, base_metrics = _outcome(data, filename)
    chosen: dict[str, tuple[float, float] | None]
    if paths is None:
        chosen = dict.fromkeys(default_paths(data))
    elif isinstance(paths, Mapping):
        chosen = dict(paths)
    else:
        chosen = dict.fromkeys(paths)
    parameters, skipped = [], []
    for path, explicit in chosen.items():
        value = _base_value(data, path)
        if isinstance(value, str):
            skipped.append((path, value))
            continue
        base = value
        if explicit is not None:
            low, high, note = float(explicit[0]), float(explicit[1]), ""
            low_value: float | None = low
            high_value: float | None = high
        else:
            low_value, high_value, note = variation(path, base, spread)
        parameters.append(
            Parameter(
                path=path,
                base=base,
                low=None if low_value is None else _side(data, path, low_value, filename),
                high=None if high_value is None else _side(data, path, high_value, filename),
                note=note,
            )
        )
    return SensitivityResult(
        scenario=scenario.name,
        parties=scenario.party_names,
        labels=tuple(party.label for party in scenario.parties),
        base_utilities=base_utilities,
        base_payoffs=base_payoffs,
        base_agreement=base_agreement,
        parameters=tuple(parameters),
        skipped=tuple(skipped),
        spread=spread,
        round_label=scenario.protocol.round_label,
        party_labels={party.name: party.label for party in scenario.parties},
        base_metrics=base_metrics,
        metrics=tuple(reported),
        scenario_labels=scenario_labels(scenario),
    )
