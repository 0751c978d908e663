"""Read a GENIUS domain (XML) into a negsim scenario, and into the numbers NegMAS is checked on.

A GENIUS folder holds one domain file (root ``<negotiation_template>``: the issues and their
items) and one utility profile per party (root ``<utility_space>``: per issue a weight and an
``evaluation`` of every item, a ``<reservation>`` value and a ``<discount_factor>``).

GENIUS's own semantics (``AdditiveUtilitySpace`` with ``EvaluatorDiscrete``), which both
sides of the benchmark are given:

* the utility of an outcome is ``sum_k w_k * eval_k(item) / max_j eval_k(j)``: evaluations are
  divided by the issue's largest evaluation, so every issue is valued in [0, 1];
* weights are normalized to sum 1 (negsim does this itself; most files already sum to 1);
* the reservation value is on that normalized scale: it becomes the party's ``disagreement``;
* the discount factor becomes the party's ``discount`` (GENIUS discounts by *normalized time*,
  negsim per round; this does not change the frontier or the Nash point, only the equilibrium);
  a missing, zero or out-of-range factor means no discounting (1).

Only discrete issues are read. A domain with a real or integer issue (``type="real"`` /
``"integer"``) or a non-additive profile raises :class:`UnsupportedDomain` with the reason.
Domains with more than two profiles are read as two-party scenarios from the first two
profiles in file-name order (:func:`find_files`).

GENIUS names (``"CD player"``, ``"19'' LCD"``, ``"10%"``) are not negsim identifiers (letters,
digits, ``_`` and ``-``, starting with a letter): :func:`identifier` maps each name to one, and
the scenario's ``description`` keeps the originals.

Usage::

    python benchmarks/genius.py DOMAINS/Laptop            # YAML to stdout
    python benchmarks/genius.py DOMAINS/Laptop -o laptop.yaml
    python benchmarks/genius.py DOMAINS/*/ --check        # which ones are readable

Only the standard library is needed (so the NegMAS environment can import it as well).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

__all__ = [
    "GeniusDomain",
    "GeniusProfile",
    "UnsupportedDomain",
    "find_files",
    "identifier",
    "read_domain",
    "read_folder",
    "read_profile",
    "scenario_yaml",
]


class UnsupportedDomain(ValueError):
    """A GENIUS domain this converter (or negsim) cannot represent; the message says why."""


@dataclass
class GeniusProfile:
    """One party's additive utility profile, GENIUS-normalized.

    ``values[issue][item]`` is ``evaluation / max evaluation of the issue`` (in [0, 1]);
    ``weights[issue]`` sum to 1; ``raw_*`` keep the numbers as written in the file.
    """

    path: Path
    weights: dict[str, float]
    values: dict[str, dict[str, float]]
    reservation: float
    discount: float
    raw_weights: dict[str, float] = field(default_factory=dict)
    raw_evaluations: dict[str, dict[str, float]] = field(default_factory=dict)


@dataclass
class GeniusDomain:
    """A two-party GENIUS scenario: the issues (name -> item names, in file order) and the
    two profiles."""

    name: str
    folder: Path
    domain_file: Path
    issues: dict[str, list[str]]
    profiles: list[GeniusProfile]
    profile_files: list[Path]
    notes: list[str] = field(default_factory=list)

    @property
    def n_outcomes(self) -> int:
        n = 1
        for items in self.issues.values():
            n *= len(items)
        return n


# --------------------------------------------------------------------------------------------
# Files


def _root(path: Path) -> ET.Element:
    try:
        return ET.parse(path).getroot()
    except ET.ParseError as error:
        raise UnsupportedDomain(f"{path.name}: not well-formed XML ({error})") from error


def find_files(folder: str | Path) -> tuple[Path, list[Path]]:
    """The domain file and the profile files of a GENIUS folder (profiles sorted by name).

    The domain is the XML file whose root is ``negotiation_template``; profiles are those
    whose root is ``utility_space`` (``*pareto.xml`` files are skipped, as GENIUS does).
    """
    folder = Path(folder)
    domain: Path | None = None
    profiles: list[Path] = []
    for path in sorted(folder.glob("*.xml")):
        if path.name.endswith("pareto.xml"):
            continue
        tag = _root(path).tag
        if tag == "negotiation_template":
            if domain is not None:
                raise UnsupportedDomain(f"two domain files: {domain.name} and {path.name}")
            domain = path
        elif tag == "utility_space":
            profiles.append(path)
    if domain is None:
        raise UnsupportedDomain(f"{folder}: no domain file (root <negotiation_template>)")
    if len(profiles) < 2:
        raise UnsupportedDomain(f"{folder}: fewer than two profiles")
    return domain, profiles


def _issue_kind(issue: ET.Element) -> str:
    for key in ("type", "vtype", "etype"):
        kind = issue.get(key)
        if kind and kind not in ("discrete", "objective"):
            return kind
    return "discrete"


def read_domain(path: str | Path) -> dict[str, list[str]]:
    """Issue name -> item values (file order) of a domain file; only discrete issues."""
    root = _root(Path(path))
    issues: dict[str, list[str]] = {}
    for issue in root.iter("issue"):
        name = issue.get("name")
        kind = _issue_kind(issue)
        if kind != "discrete":
            raise UnsupportedDomain(f"issue {name!r} is {kind}: only discrete issues are read")
        items = [item.get("value") for item in issue.findall("item")]
        if not items or any(value is None for value in items):
            raise UnsupportedDomain(f"issue {name!r} has no items or an item without value")
        if name is None or name in issues:
            raise UnsupportedDomain(f"issue without a name or repeated: {name!r}")
        issues[name] = [str(value) for value in items]
    if not issues:
        raise UnsupportedDomain(f"{Path(path).name}: no issues")
    return issues


def read_profile(path: str | Path, issues: dict[str, list[str]]) -> GeniusProfile:
    """A profile of ``issues`` (as read by :func:`read_domain`), GENIUS-normalized."""
    path = Path(path)
    root = _root(path)
    if any(True for _ in root.iter("hyperRectangle")) or any(True for _ in root.iter("ufun")):
        raise UnsupportedDomain(f"{path.name}: non-additive (hyper-rectangle) profile")
    objectives = [node for node in root.iter("objective")]
    if len(objectives) != 1:
        raise UnsupportedDomain(f"{path.name}: {len(objectives)} objectives (nested objectives)")
    objective = objectives[0]
    issue_nodes = objective.findall("issue")
    index_to_name: dict[str, str] = {}
    raw_evaluations: dict[str, dict[str, float]] = {}
    for node in issue_nodes:
        name = node.get("name")
        if name not in issues:
            raise UnsupportedDomain(f"{path.name}: issue {name!r} is not in the domain")
        kind = _issue_kind(node)
        if kind != "discrete":
            raise UnsupportedDomain(f"{path.name}: issue {name!r} is {kind}")
        index_to_name[str(node.get("index"))] = name
        evaluations: dict[str, float] = {}
        for item in node.findall("item"):  # direct children: not the similarity_function's
            value, evaluation = item.get("value"), item.get("evaluation")
            if value is None or evaluation is None:
                continue
            if value not in issues[name]:
                raise UnsupportedDomain(f"{path.name}: {name!r} has unknown item {value!r}")
            evaluations[value] = float(evaluation)
        raw_evaluations[name] = evaluations
    missing = [name for name in issues if name not in raw_evaluations]
    if missing:
        raise UnsupportedDomain(f"{path.name}: no evaluator for issue(s) {missing}")

    raw_weights: dict[str, float] = {}
    for weight in objective.findall("weight"):
        name = index_to_name.get(str(weight.get("index")))
        if name is None:
            raise UnsupportedDomain(f"{path.name}: weight index {weight.get('index')} unmatched")
        raw_weights[name] = float(weight.get("value", "nan"))
    if set(raw_weights) != set(issues):
        raise UnsupportedDomain(f"{path.name}: weights do not cover every issue")
    if any(w < 0 for w in raw_weights.values()) or sum(raw_weights.values()) <= 0:
        raise UnsupportedDomain(f"{path.name}: negative or all-zero weights")
    total = sum(raw_weights.values())
    weights = {name: raw_weights[name] / total for name in issues}

    values: dict[str, dict[str, float]] = {}
    for name, items in issues.items():
        evaluations = raw_evaluations[name]
        if any(e < 0 for e in evaluations.values()):
            raise UnsupportedDomain(f"{path.name}: negative evaluation in {name!r}")
        top = max(evaluations.values(), default=0.0)
        values[name] = {
            item: (evaluations.get(item, 0.0) / top if top > 0 else 0.0) for item in items
        }

    reservation = 0.0
    node = root.find("reservation")
    if node is not None and node.get("value") is not None:
        reservation = float(node.get("value"))
    discount = 1.0
    node = root.find("discount_factor")
    if node is not None and node.get("value") is not None:
        factor = float(node.get("value"))
        if 0.0 < factor <= 1.0:
            discount = factor
    return GeniusProfile(path, weights, values, reservation, discount, raw_weights, raw_evaluations)


def read_folder(folder: str | Path, n_parties: int = 2) -> GeniusDomain:
    """A GENIUS folder as a two-party domain (first ``n_parties`` profiles by file name)."""
    folder = Path(folder)
    domain_file, profile_files = find_files(folder)
    issues = read_domain(domain_file)
    notes = []
    if len(profile_files) > n_parties:
        notes.append(
            f"{len(profile_files)} profiles; using the first {n_parties}: "
            + ", ".join(p.name for p in profile_files[:n_parties])
        )
    chosen = profile_files[:n_parties]
    profiles = [read_profile(path, issues) for path in chosen]
    for profile in profiles:
        if abs(sum(profile.raw_weights.values()) - 1.0) > 1e-9:
            notes.append(
                f"{profile.path.name}: weights sum to {sum(profile.raw_weights.values()):.6g},"
                " normalized to 1"
            )
    return GeniusDomain(folder.name, folder, domain_file, issues, profiles, chosen, notes)


# --------------------------------------------------------------------------------------------
# negsim YAML

_IDENTIFIER = re.compile(r"[A-Za-z][A-Za-z0-9_-]*\Z")


def identifier(name: str, taken: set[str]) -> str:
    """``name`` as a negsim identifier not in ``taken`` (which it is added to).

    Characters other than letters, digits, ``_`` and ``-`` become ``_`` (``%`` becomes
    ``pct``, ``+`` ``plus``, ``.`` ``_``); a name not starting with a letter gets an ``x``
    in front; a clash gets ``_2``, ``_3``, ...
    """
    text = name.strip().replace("%", "pct").replace("+", "plus").replace("<", "lt")
    text = text.replace(">", "gt").replace("=", "eq")
    text = re.sub(r"[^A-Za-z0-9_-]+", "_", text).strip("_") or "x"
    if not text[0].isalpha() or not text[0].isascii():
        text = "x" + text
    candidate, k = text, 2
    while candidate in taken:
        candidate, k = f"{text}_{k}", k + 1
    assert _IDENTIFIER.match(candidate), candidate
    taken.add(candidate)
    return candidate


def _q(text: str) -> str:
    return json.dumps(text)  # a double-quoted YAML scalar


def _num(value: float) -> str:
    return repr(float(value))


def scenario_yaml(domain: GeniusDomain, party_names: tuple[str, ...] = ("p1", "p2")) -> str:
    """The negsim scenario of ``domain``: categorical issues, value maps, weights,
    reservation values as ``disagreement`` and discount factors as ``discount``."""
    issue_ids: dict[str, str] = {}
    option_ids: dict[str, dict[str, str]] = {}
    taken: set[str] = set()
    for name, items in domain.issues.items():
        issue_ids[name] = identifier(name, taken)
        option_taken: set[str] = set()
        option_ids[name] = {item: identifier(item, option_taken) for item in items}

    renamed = [f"{name} -> {issue_ids[name]}" for name in domain.issues if name != issue_ids[name]]
    description = (
        f"GENIUS domain {domain.name} ({domain.domain_file.name}; profiles "
        + ", ".join(p.path.name for p in domain.profiles)
        + "), converted by benchmarks/genius.py with GENIUS's normalization"
        + " (evaluation / issue maximum)."
        + (" Renamed issues: " + "; ".join(renamed) + "." if renamed else "")
    )
    lines = [
        "negsim: 1",
        f"name: {_q('GENIUS ' + domain.name)}",
        f"description: {_q(description)}",
        "issues:",
    ]
    for name, items in domain.issues.items():
        options = ", ".join(_q(option_ids[name][item]) for item in items)
        lines.append(f"  {_q(issue_ids[name])}:")
        lines.append(f"    label: {_q(name)}")
        lines.append(f"    options: [{options}]")
    lines.append("parties:")
    for party, profile in zip(party_names, domain.profiles, strict=True):
        lines.append(f"  {party}:")
        lines.append(f"    label: {_q(profile.path.stem)}")
        weights = ", ".join(
            f"{_q(issue_ids[name])}: {_num(profile.weights[name])}" for name in domain.issues
        )
        lines.append(f"    weights: {{{weights}}}")
        lines.append("    values:")
        for name in domain.issues:
            pairs = ", ".join(
                f"{_q(option_ids[name][item])}: {_num(value)}"
                for item, value in profile.values[name].items()
            )
            lines.append(f"      {_q(issue_ids[name])}: {{{pairs}}}")
        lines.append(f"    disagreement: {_num(profile.reservation)}")
        lines.append(f"    discount: {_num(profile.discount)}")
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------------------------
# Command line


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folders", nargs="+", help="GENIUS domain folders")
    parser.add_argument("-o", "--output", help="write the YAML here (one folder only)")
    parser.add_argument(
        "--check", action="store_true", help="only say which folders are readable, and why not"
    )
    args = parser.parse_args(argv)
    if args.output and len(args.folders) != 1:
        parser.error("-o takes one folder")
    status = 0
    for folder in args.folders:
        try:
            domain = read_folder(folder)
        except UnsupportedDomain as error:
            print(f"{folder}: skipped: {error}", file=sys.stderr)
            status = 1
            continue
        if args.check:
            extra = f" ({'; '.join(domain.notes)})" if domain.notes else ""
            print(f"{folder}: ok, {len(domain.issues)} issues, {domain.n_outcomes} outcomes{extra}")
            continue
        text = scenario_yaml(domain)
        if args.output:
            Path(args.output).write_text(text, encoding="utf-8")
        else:
            sys.stdout.write(text)
    return status


if __name__ == "__main__":
    sys.exit(main())
