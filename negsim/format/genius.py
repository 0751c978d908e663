"""Import GENIUS / ANAC negotiation domains: XML text in, a commented negsim scenario out.

GENIUS describes a negotiation by a domain file (``<negotiation_template>``: the issues)
and one utility profile per party (``<utility_space>``: weights, evaluations, reservation
value and discount factor). The rules followed here are those of GENIUS itself
(``genius.core``), summarised in ``docs/genius.md``:

* Issues are taken in GENIUS's order, a preorder walk of the objective tree (child
  objectives first, then issues, in document order), and matched to the profile's issues
  and weights by their ``index``. A missing ``type`` means discrete.
* A discrete value is worth ``evaluation / max evaluation`` of its issue (0 when that
  maximum is below 1e-5): the best value is worth 1, the worst is not stretched to 0.
  Only the ``<item>`` children of an ``<issue>`` count (``similarity_function`` items do
  not).
* Integer issues: ``clamp(offset + slope * (x - lowerbound), 0, 1)``; real issues:
  ``clamp(parameter1 * x + parameter0, 0, 1)`` (``linear``) or ``parameter0``
  (``constant``). Both become exact piecewise-linear value functions.
* ``u = sum_i w_i v_i`` with the weights as written. negsim normalizes weights to sum 1,
  so when a profile's weights sum to ``S != 1`` its values are multiplied by ``S``: the
  utilities stay GENIUS's. GENIUS also caps ``u`` at 1, which an additive scenario cannot
  express; the written scenario says so when it matters.
* The reservation value (default 0) is the disagreement value. A discount factor ``d``
  (default 1; ``d <= 0`` or ``d > 1`` count as 1) discounts by ``d^t`` over normalized time
  ``t`` in [0, 1]: with a deadline of ``N`` rounds it becomes ``d^(1/N)`` a round, the same
  at every round ``t = k / N``.

The XML is parsed by :mod:`xml.etree.ElementTree` after refusing any ``DOCTYPE`` or
``ENTITY`` declaration, so that no entity is ever expanded.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

MIN_MAX_EVALUATION = 1e-5
"""GENIUS ``EvaluatorDiscrete``: an issue whose best evaluation is below this is worth 0."""

DEFAULT_ROUNDS = 100
"""Rounds of the written deadline: GENIUS's normalized time ``t`` is ``round / rounds``."""

DEFAULT_REAL_RESOLUTION = 101
"""Grid points of a real issue (GENIUS discretises real issues its own way)."""

_DECLARATION = re.compile(r"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_RESERVED = {"true", "false", "null", "yes", "no", "on", "off", "y", "n"}


class GeniusError(ValueError):
    """A problem of one GENIUS file: ``FILE:LINE: message`` (``FILE: message`` without a
    line)."""

    def __init__(self, file: str, message: str, line: int | None = None) -> None:
        self.file = file
        self.line = line
        self.message = message
        where = f"{file}:{line}" if line is not None else file
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True)
class GeniusIssue:
    """One issue of a domain: ``kind`` is discrete, integer or real; ``values`` the
    discrete values (opaque strings); ``low`` and ``high`` the bounds of the others."""

    index: int
    name: str
    kind: str
    values: tuple[str, ...] = ()
    low: float = 0.0
    high: float = 0.0


@dataclass(frozen=True)
class GeniusProfile:
    """One party's utility profile: ``values[index]`` maps each discrete value to its
    normalized value, or each point ``x`` of a numeric issue to its value;
    ``evaluations[index]`` keeps what the file says (for the comments)."""

    file: str
    weights: dict[int, float]
    values: dict[int, dict[Any, float]]
    evaluations: dict[int, str]
    raw: dict[int, dict[str, float]]
    reservation: float
    discount: float
    discount_note: str = ""


# --------------------------------------------------------------------------------------------
# XML


def _parse_xml(text: str, file: str, root_tag: str) -> ElementTree.Element:
    """The root element of ``text``, which must be ``root_tag``; no DTD, no entities."""
    text = text.removeprefix("\ufeff")
    if _DECLARATION.search(text):
        raise GeniusError(file, "DOCTYPE and ENTITY declarations are not accepted")
    try:
        root = ElementTree.fromstring(text)
    except ElementTree.ParseError as error:
        line = error.position[0] if error.position else None
        reason = str(error).split(":")[0]
        raise GeniusError(file, f"malformed XML: {reason}", line) from None
    if root.tag != root_tag:
        raise GeniusError(file, f"the root element is <{root.tag}>, expected <{root_tag}>")
    return root


def _number(element: ElementTree.Element, name: str, file: str) -> float | None:
    text = element.get(name)
    if text is None:
        return None
    try:
        value = float(text)
    except ValueError:
        raise GeniusError(file, f"<{element.tag}> {name}={text!r} is not a number") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise GeniusError(file, f"<{element.tag}> {name}={text!r} is not a finite number")
    return value


def _index(element: ElementTree.Element, file: str) -> int:
    text = element.get("index", "")
    if not text.strip().isdigit():
        raise GeniusError(file, f"<{element.tag} name={element.get('name')!r}> needs an index")
    return int(text)


def _issues_in_order(objective: ElementTree.Element) -> list[ElementTree.Element]:
    """GENIUS's issue order: a preorder walk, child objectives before issues."""
    found: list[ElementTree.Element] = []
    for child in objective.findall("objective"):
        found.extend(_issues_in_order(child))
    found.extend(objective.findall("issue"))
    return found


def _objective(root: ElementTree.Element, file: str) -> ElementTree.Element:
    objective = root.find("objective")
    if objective is None:
        raise GeniusError(file, "no <objective> element")
    return objective


def _kind(issue: ElementTree.Element, file: str) -> str:
    """GENIUS: without ``type`` an issue is discrete; ``type`` wins over ``vtype``."""
    kind = (issue.get("type") or "discrete").strip().lower()
    if kind not in ("discrete", "integer", "real"):
        raise GeniusError(file, f"issue {issue.get('name')!r} has unsupported type {kind!r}")
    return kind


def _bounds(issue: ElementTree.Element, file: str, kind: str) -> tuple[float, float]:
    """Integer bounds are attributes; real bounds come from the first ``<range>``."""
    where = issue.find("range") if kind == "real" else None
    source = where if where is not None else issue
    low = _number(source, "lowerbound", file)
    high = _number(source, "upperbound", file)
    name = issue.get("name")
    if low is None or high is None:
        raise GeniusError(file, f"{kind} issue {name!r} needs lowerbound and upperbound")
    if not low < high:
        raise GeniusError(file, f"{kind} issue {name!r}: lowerbound must be below upperbound")
    if kind == "integer" and not (low.is_integer() and high.is_integer()):
        raise GeniusError(file, f"integer issue {name!r} has bounds that are not whole")
    return low, high


def read_domain(text: str, file: str) -> tuple[GeniusIssue, ...]:
    """The issues of a GENIUS domain file, in GENIUS's order."""
    root = _parse_xml(text, file, "negotiation_template")
    space = root.find("utility_space")
    if space is None:
        raise GeniusError(file, "no <utility_space> element")
    issues: list[GeniusIssue] = []
    for element in _issues_in_order(_objective(space, file)):
        index, name, kind = _index(element, file), element.get("name") or "", _kind(element, file)
        if kind == "discrete":
            values = tuple(dict.fromkeys(item.get("value", "") for item in element.findall("item")))
            if not values:
                raise GeniusError(file, f"issue {name!r} has no <item> values")
            issues.append(GeniusIssue(index, name, kind, values))
        else:
            low, high = _bounds(element, file, kind)
            issues.append(GeniusIssue(index, name, kind, (), low, high))
    if not issues:
        raise GeniusError(file, "the domain has no issues")
    indices = [issue.index for issue in issues]
    if len(set(indices)) != len(indices):
        raise GeniusError(file, "two issues share an index")
    return tuple(issues)


# --------------------------------------------------------------------------------------------
# Profiles


def _clamped_points(low: float, high: float, a: float, b: float) -> dict[float, float]:
    """The exact piecewise-linear form of ``clamp(a + b x, 0, 1)`` on ``[low, high]``."""
    xs = {low, high}
    if b != 0:
        xs.update(x for x in ((0 - a) / b, (1 - a) / b) if low < x < high)
    return {x: min(1.0, max(0.0, a + b * x)) for x in sorted(xs)}


def _discrete_values(
    issue: GeniusIssue, element: ElementTree.Element, file: str
) -> tuple[dict[Any, float], str, dict[str, float]]:
    evaluations: dict[str, float] = {}
    for item in element.findall("item"):
        value = _number(item, "evaluation", file)
        if value is not None:
            if value < 0:
                raise GeniusError(file, f"issue {issue.name!r}: negative evaluation")
            evaluations.setdefault(item.get("value", ""), value)
    missing = [value for value in issue.values if value not in evaluations]
    if missing:
        raise GeniusError(file, f"issue {issue.name!r}: value {missing[0]!r} has no evaluation")
    best = max(evaluations[value] for value in issue.values)
    scale = 0.0 if best < MIN_MAX_EVALUATION else 1 / best
    values = {value: evaluations[value] * scale for value in issue.values}
    raw = {value: evaluations[value] for value in issue.values}
    return values, f"evaluation / {best:g} (the largest)", raw


def _numeric_values(
    issue: GeniusIssue, element: ElementTree.Element, file: str
) -> tuple[dict[Any, float], str, dict[str, float]]:
    evaluator = element.find("evaluator")
    ftype = (evaluator.get("ftype") or "").lower() if evaluator is not None else ""
    if evaluator is None or ftype not in ("linear", "constant"):
        raise GeniusError(
            file, f"issue {issue.name!r}: only linear and constant evaluators are supported"
        )

    def parameter(*names: str) -> float:
        for name in names:
            value = _number(evaluator, name, file)
            if value is not None:
                return value
        raise GeniusError(file, f"issue {issue.name!r}: the evaluator needs {names[0]}")

    if ftype == "constant":
        constant = parameter("parameter0", "offset")
        return {issue.low: constant, issue.high: constant}, f"constant {constant:g}", {}
    if issue.kind == "integer":
        low = _number(element, "lowerbound", file)
        low = issue.low if low is None else low
        slope, offset = parameter("slope", "parameter1"), parameter("offset", "parameter0")
        points = _clamped_points(issue.low, issue.high, offset - slope * low, slope)
        return points, f"clamp({offset:g} + {slope:g} * (x - {low:g}), 0, 1)", {}
    slope, offset = parameter("parameter1", "slope"), parameter("parameter0", "offset")
    points = _clamped_points(issue.low, issue.high, offset, slope)
    return points, f"clamp({slope:g} * x + {offset:g}, 0, 1)", {}


def _weights(objective: ElementTree.Element, file: str) -> dict[int, float]:
    weights: dict[int, float] = {}
    for node in [objective, *objective.iter("objective")]:
        for element in node.findall("weight"):
            value = _number(element, "value", file)
            if value is None or value < 0:
                raise GeniusError(file, "a <weight> needs a value of at least 0")
            weights.setdefault(_index(element, file), value)
    return weights


def _discount(root: ElementTree.Element, file: str) -> tuple[float, str]:
    """GENIUS ``validateDiscount``: absent, ``d <= 0`` or ``d > 1`` all mean 1."""
    element = root.find("discount_factor")
    value = _number(element, "value", file) if element is not None else None
    if value is None:
        return 1.0, "no discount factor: 1"
    if value <= 0 or value > 1:
        return 1.0, f"discount factor {value:g} is outside (0, 1]: GENIUS uses 1"
    return value, f"discount factor {value:g}"


def read_profile(text: str, file: str, issues: tuple[GeniusIssue, ...]) -> GeniusProfile:
    """A GENIUS utility profile of the domain whose issues are ``issues``."""
    root = _parse_xml(text, file, "utility_space")
    objective = _objective(root, file)
    elements = {_index(element, file): element for element in _issues_in_order(objective)}
    weights = _weights(objective, file)
    values: dict[int, dict[Any, float]] = {}
    notes: dict[int, str] = {}
    raw: dict[int, dict[str, float]] = {}
    for issue in issues:
        element = elements.get(issue.index)
        if element is None:
            raise GeniusError(file, f"no <issue index={issue.index}> ({issue.name!r})")
        if (element.get("name") or "") != issue.name:
            raise GeniusError(
                file,
                f"issue {issue.index} is {element.get('name')!r} here, {issue.name!r} in the "
                "domain",
            )
        if issue.index not in weights:
            raise GeniusError(file, f"issue {issue.name!r} has no <weight>")
        reader = _discrete_values if issue.kind == "discrete" else _numeric_values
        values[issue.index], notes[issue.index], raw[issue.index] = reader(issue, element, file)
    if not any(weights[issue.index] > 0 for issue in issues):
        raise GeniusError(file, "every weight is 0")
    reservation_element = root.find("reservation")
    reservation = None
    if reservation_element is not None:
        reservation = _number(reservation_element, "value", file)
    discount, note = _discount(root, file)
    return GeniusProfile(
        file,
        {issue.index: weights[issue.index] for issue in issues},
        values,
        notes,
        raw,
        0.0 if reservation is None else reservation,
        discount,
        note,
    )


# --------------------------------------------------------------------------------------------
# Names


def identifier(text: str, prefix: str, taken: set[str]) -> str:
    """A negsim identifier for a GENIUS name, distinct from ``taken`` (and added to it)."""
    base = re.sub(r"[^A-Za-z0-9_-]+", "_", text.replace("%", "pct")).strip("_-")
    if not base or not base[0].isalpha():
        base = f"{prefix}{base}"
    if base.lower() in _RESERVED:
        base = f"{prefix}_{base}"
    name, count = base, 1
    while name in taken:
        count += 1
        name = f"{base}_{count}"
    taken.add(name)
    return name


# --------------------------------------------------------------------------------------------
# The scenario


def _text(value: str) -> str:
    """A YAML double-quoted scalar (JSON strings are YAML)."""
    return json.dumps(value)


def _num(value: float) -> str:
    if float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(float(value))


@dataclass
class _Writer:
    """The scenario as data and as commented YAML, built together."""

    lines: list[str] = field(default_factory=list)

    def add(self, line: str, comment: str = "") -> None:
        if comment:
            line = f"{line:<44} # {comment}" if line.strip() else f"{line}# {comment}"
        self.lines.append(line.rstrip())


@dataclass(frozen=True)
class Imported:
    """An imported scenario: ``data`` (plain scenario data) and ``text`` (its commented
    YAML, which reads back as the same scenario)."""

    data: dict[str, Any]
    text: str


def _header(
    out: _Writer, domain_file: str, profiles: tuple[GeniusProfile, ...], rounds: int
) -> None:
    out.add("# A negotiation imported from GENIUS XML files:")
    out.add(f"#   domain:   {domain_file}")
    for profile in profiles:
        out.add(f"#   profile:  {profile.file}")
    for line in (
        "#",
        "# How GENIUS's model is written here (docs/genius.md):",
        "# - a discrete value is worth evaluation / (its issue's largest evaluation);",
        "# - a party's utility is sum of weight * value, with the weights as written; negsim",
        "#   normalizes weights to sum 1, so where they sum to S != 1 the values are multiplied",
        "#   by S and the utilities stay GENIUS's;",
        "# - the reservation value is the disagreement value;",
        f"# - GENIUS discounts by d^t over time t in [0, 1]: with a deadline of {rounds} rounds",
        f"#   the per-round discount is d^(1/{rounds}), equal to GENIUS's at t = round/{rounds}.",
    ):
        out.add(line)
    out.add("")


def _issues(
    out: _Writer, issues: tuple[GeniusIssue, ...], resolution: int
) -> tuple[dict[str, Any], dict[int, str], dict[int, dict[str, str]]]:
    data: dict[str, Any] = {}
    names: dict[int, str] = {}
    options: dict[int, dict[str, str]] = {}
    taken: set[str] = set()
    out.add("issues:")
    for issue in issues:
        name = names[issue.index] = identifier(issue.name, "issue_", taken)
        out.add(f"  {name}:", f"GENIUS issue {issue.index} {_text(issue.name)}, {issue.kind}")
        out.add(f"    label: {_text(issue.name)}")
        if issue.kind == "discrete":
            used: set[str] = set()
            options[issue.index] = {v: identifier(v, "v", used) for v in issue.values}
            data[name] = {"label": issue.name, "options": list(options[issue.index].values())}
            out.add(f"    options: [{', '.join(options[issue.index].values())}]")
            for value, option in options[issue.index].items():
                if option != value:
                    out.add(f"    #   {option} = GENIUS value {_text(value)}")
            continue
        steps = int(issue.high - issue.low) + 1 if issue.kind == "integer" else resolution
        data[name] = {"label": issue.name, "range": [issue.low, issue.high], "resolution": steps}
        out.add(f"    range: [{_num(issue.low)}, {_num(issue.high)}]")
        note = "every whole number" if issue.kind == "integer" else "grid points (GENIUS's differ)"
        out.add(f"    resolution: {steps}", note)
    out.add("")
    return data, names, options


def _party(
    out: _Writer,
    profile: GeniusProfile,
    issues: tuple[GeniusIssue, ...],
    names: dict[int, str],
    options: dict[int, dict[str, str]],
    rounds: int,
) -> dict[str, Any]:
    total = sum(profile.weights.values())
    scale = total if abs(total - 1) > 1e-12 else 1.0
    best = sum(w * max(profile.values[i].values()) for i, w in profile.weights.items())
    weights = {names[i]: w for i, w in profile.weights.items()}
    out.add(f"    label: {_text(PurePath(profile.file).stem)}")
    out.add("    weights:", f"GENIUS weights, summing to {total:.12g}")
    for index, weight in profile.weights.items():
        out.add(f"      {names[index]}: {_num(weight)}")
    if scale != 1.0:
        out.add(f"    # values below are GENIUS's times {scale:.12g}, the sum of the weights")
    if best > 1 + 1e-12:
        out.add(
            f"    # GENIUS caps utility at 1; here the best package is worth {best:.12g} "
            "(not capped)"
        )
    values: dict[str, Any] = {}
    out.add("    values:")
    for issue in issues:
        name = names[issue.index]
        out.add(f"      {name}:", profile.evaluations[issue.index])
        table = {
            (options[issue.index][key] if issue.kind == "discrete" else key): scale * value
            for key, value in profile.values[issue.index].items()
        }
        raw = profile.raw[issue.index]
        for (original, _), (key, value) in zip(
            profile.values[issue.index].items(), table.items(), strict=True
        ):
            note = f"evaluation {_num(raw[original])}" if original in raw else ""
            out.add(f"        {key if isinstance(key, str) else _num(key)}: {_num(value)}", note)
        values[name] = table
    per_round = profile.discount ** (1 / rounds)
    out.add(f"    disagreement: {_num(profile.reservation)}", "GENIUS reservation value")
    out.add(f"    discount: {_num(per_round)}", f"{profile.discount_note}, over {rounds} rounds")
    return {
        "label": PurePath(profile.file).stem,
        "weights": weights,
        "values": values,
        "disagreement": profile.reservation,
        "discount": per_round,
    }


def convert(
    domain: tuple[str, str],
    profiles: list[tuple[str, str]] | tuple[tuple[str, str], ...],
    *,
    rounds: int = DEFAULT_ROUNDS,
    resolution: int = DEFAULT_REAL_RESOLUTION,
) -> Imported:
    """A negsim scenario from a GENIUS domain and two or more profiles, each given as
    ``(file name, XML text)``; the file names are used in messages and comments."""
    if len(profiles) < 2:
        raise GeniusError(domain[0], "a negotiation needs at least two profiles")
    issues = read_domain(domain[1], domain[0])
    read = tuple(read_profile(text, file, issues) for file, text in profiles)
    out = _Writer()
    _header(out, domain[0], read, rounds)
    title = PurePath(domain[0]).stem
    out.add("negsim: 1")
    out.add(f"name: {_text(title)}")
    out.add(f"description: {_text(f'Imported from the GENIUS domain {domain[0]}.')}")
    out.add("")
    issue_data, names, options = _issues(out, issues, resolution)
    parties: dict[str, Any] = {}
    taken: set[str] = set()
    out.add("parties:")
    for profile in read:
        party = identifier(PurePath(profile.file).stem, "party_", taken)
        out.add(f"  {party}:", f"GENIUS profile {profile.file}")
        parties[party] = _party(out, profile, issues, names, options, rounds)
    out.add("")
    out.add("protocol:")
    out.add(f"  deadline: {rounds}", "GENIUS's time t = round / deadline")
    data = {
        "negsim": 1,
        "name": title,
        "description": f"Imported from the GENIUS domain {domain[0]}.",
        "issues": issue_data,
        "parties": parties,
        "protocol": {"deadline": rounds},
    }
    return Imported(data, "\n".join(out.lines) + "\n")
