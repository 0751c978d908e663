"""The named outcome metrics of an analysis: one set, shared by ``negsim sweep`` (the columns
of ``results.csv``), ``negsim plot DIR --kind sweep --metric NAME`` and the Python API.

Names (``PARTY`` a party's name, ``ISSUE`` an issue's):

* ``agreement``, ``round``: whether and when the equilibrium agrees;
* ``u.PARTY``, ``payoff.PARTY``: the equilibrium's utilities and payoffs;
* ``deal.ISSUE``: the equilibrium's terms: a categorical issue's option (for a lottery, its
  most likely option), a numeric issue's value, ``deal.ISSUE.PARTY`` a party's share of a
  split (for a lottery, the expected value or share);
* ``nash.u.PARTY``, ``ks.u.PARTY``, ``egalitarian.u.PARTY``, ``utilitarian.u.PARTY``: the
  Nash, Kalai–Smorodinsky, egalitarian and utilitarian solutions over the convex hull
  (lotteries allowed), and their terms ``nash.deal.ISSUE`` (and so on), read as
  ``deal.ISSUE`` reads a lottery;
* with private information under a screening protocol: ``deal_probability`` (a deal before
  the deadline), ``no_agreement_probability``, ``final_round_share`` (the share of the
  deals struck in the last round), ``deal_probability.round.K`` (the chance of a deal in
  round K, from 0; one per round of the longest deadline), ``screening.payoff.PARTY``
  (expected payoffs) and ``screening.deal.ISSUE`` (``.PARTY`` for a split): the terms of
  the deals struck under screening, read as ``deal.ISSUE`` reads a lottery, each round's
  offers weighted by the chance of a deal in that round (:func:`screening_deals`).

Each is read off the solver records; nothing is solved here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from negsim.analysis.records import Analysis, MixMember, Screening, expected_package
from negsim.errors import did_you_mean
from negsim.format.model import CategoricalIssue, SplitIssue
from negsim.format.scenario import Scenario
from negsim.space import OutcomeSpace

SCREENING_METRICS = ("deal_probability", "no_agreement_probability", "final_round_share")
SOLUTION_PREFIXES = {
    "nash": "nash",
    "kalai_smorodinsky": "ks",
    "egalitarian": "egalitarian",
    "utilitarian": "utilitarian",
}
"""The metric prefix of each axiomatic solution (over the convex hull: lotteries allowed)."""
BY_ROUND = "deal_probability.round."
"""Prefix of the chance of a deal in round K (from 0): ``deal_probability.round.K``."""


def is_screening_metric(name: str) -> bool:
    """Whether the metric reads the screening outcome (not the full-information one)."""
    return name in SCREENING_METRICS or name.startswith(("screening.", BY_ROUND))


def screening_rounds(scenario: Scenario) -> int:
    """How many rounds screening has: one for an ultimatum, else the deadline (0 without)."""
    if scenario.protocol.kind == "ultimatum":
        return 1
    return scenario.protocol.deadline or 0


def metric_names(
    scenario: Scenario, party_names: Sequence[str] | None = None, rounds: int | None = None
) -> list[str]:
    """The metrics of ``scenario``'s analyses, in column order (``party_names`` overrides
    the party order, e.g. a sweep's first point's; ``rounds`` the number of
    ``deal_probability.round.K`` columns, by default :func:`screening_rounds`)."""
    names = list(scenario.party_names if party_names is None else party_names)
    columns = ["agreement", "round"]
    for prefix in ("u", "payoff"):
        columns.extend(f"{prefix}.{name}" for name in names)
    columns.extend(_deal_columns(scenario, names))
    for prefix in SOLUTION_PREFIXES.values():
        columns.extend(f"{prefix}.u.{name}" for name in names)
    for prefix in SOLUTION_PREFIXES.values():
        columns.extend(f"{prefix}.{column}" for column in _deal_columns(scenario, names))
    if scenario.uncertainty:
        columns.extend(SCREENING_METRICS)
        count = screening_rounds(scenario) if rounds is None else rounds
        columns.extend(f"{BY_ROUND}{k}" for k in range(count))
        columns.extend(f"screening.payoff.{name}" for name in names)
        columns.extend(f"screening.{column}" for column in _deal_columns(scenario, names))
    return columns


def _deal_columns(scenario: Scenario, names: Sequence[str]) -> list[str]:
    columns: list[str] = []
    for issue in scenario.issues:
        if isinstance(issue, SplitIssue):
            columns.extend(f"deal.{issue.name}.{name}" for name in names)
        else:
            columns.append(f"deal.{issue.name}")
    return columns


def default_metrics(scenario: Scenario) -> list[str]:
    """What a study reports unless told: the screening outcome (``deal_probability`` and
    every party's ``screening.payoff.PARTY``) for a scenario with private information,
    else every party's equilibrium utility ``u.PARTY``."""
    names = scenario.party_names
    if scenario.uncertainty:
        return ["deal_probability", *(f"screening.payoff.{name}" for name in names)]
    return [f"u.{name}" for name in names]


def numeric_metric_names(scenario: Scenario) -> list[str]:
    """The metrics that are numbers (all but a categorical issue's ``deal.ISSUE``)."""
    categorical = {
        f"deal.{issue.name}" for issue in scenario.issues if isinstance(issue, CategoricalIssue)
    }
    return [
        name
        for name in metric_names(scenario)
        if not any(name == term or name.endswith(f".{term}") for term in categorical)
    ]


def choose_metrics(scenario: Scenario, requested: Sequence[str] | None) -> list[str]:
    """The metrics named in ``requested`` (None or empty: :func:`default_metrics`), in order
    and without repeats; a family name (``u``, ``payoff``, ``screening.payoff``,
    ``nash.u``, ``ks.u``, a split's ``deal.ISSUE``) stands for every party's metric, and
    ``deal_probability.round`` for every round's.

    Raises :class:`ValueError` for an unknown name (with a "did you mean" hint) and for a
    categorical term, which has no size to compare."""
    if not requested:
        return default_metrics(scenario)
    every = metric_names(scenario)
    numeric = numeric_metric_names(scenario)
    chosen: list[str] = []
    for name in requested:
        family = [f"{name}.{party}" for party in scenario.party_names]
        if f"{name}." == BY_ROUND:  # every round's chance of a deal
            family = [member for member in every if member.startswith(BY_ROUND)]
        if name not in every and family and all(member in every for member in family):
            found = family
        elif name in numeric:
            found = [name]
        elif name in every:
            raise ValueError(
                f"{name} is a categorical term (an option, not a number); choose a numeric "
                f"metric such as {default_metrics(scenario)[0]}"
            )
        else:
            raise ValueError(
                f"no metric {name!r}{did_you_mean(name, every)}; the metrics are {', '.join(every)}"
            )
        chosen.extend(member for member in found if member not in chosen)
    return chosen


def metrics(analysis: Analysis) -> dict[str, Any]:
    """Every metric of :func:`metric_names` for ``analysis`` (None where it does not apply:
    no agreement, no lottery gain, no screening)."""
    scenario = analysis.space.scenario
    names = scenario.party_names
    eq = analysis.equilibrium
    values: dict[str, Any] = {"agreement": eq.agreement, "round": eq.round}
    values.update(_by_party("u", names, eq.utilities))
    values.update(_by_party("payoff", names, eq.payoffs))
    values.update(deal_terms(analysis.space, eq.mix if eq.agreement else ()))
    hulls = {key: getattr(analysis.solutions.get(key), "hull", None) for key in SOLUTION_PREFIXES}
    for key, prefix in SOLUTION_PREFIXES.items():
        hull = hulls[key]
        values.update(_by_party(f"{prefix}.u", names, None if hull is None else hull.utilities))
    for key, prefix in SOLUTION_PREFIXES.items():
        point = hulls[key]
        terms = deal_terms(analysis.space, () if point is None else point.mix)
        values.update({f"{prefix}.{name}": value for name, value in terms.items()})
    if scenario.uncertainty:
        screening = analysis.screening
        if screening is None:
            values.update(dict.fromkeys(SCREENING_METRICS))
            values.update(_by_party("screening.payoff", names, None))
            terms = deal_terms(analysis.space, ())
        else:
            none = float(screening.solution.no_agreement_probability)
            values["deal_probability"] = 1.0 - none
            values["no_agreement_probability"] = none
            values["final_round_share"] = screening.final_round_share
            for k, chance in enumerate(screening.solution.agreement_probability):
                values[f"{BY_ROUND}{k}"] = float(chance)
            values.update(_by_party("screening.payoff", names, screening.expected_payoffs))
            terms = deal_terms(analysis.space, screening_deals(screening))
        values.update({f"screening.{name}": value for name, value in terms.items()})
    return values


def screening_deals(screening: Screening) -> tuple[MixMember, ...]:
    """The deals struck under screening as one lottery: each round's offer (and, where the
    proposer mixes, each offer it may make, in proportion to the chance it is made)
    weighted by the chance of a deal in that round. Empty when no deal is ever struck."""
    chances = screening.offer_chances or (1.0,) * len(screening.offer_mixes)
    weighted: list[MixMember] = []
    for t, agreed in enumerate(screening.solution.agreement_probability):
        if agreed <= 0 or t >= len(screening.offer_mixes):
            continue
        offers = [(chances[t], screening.offer_mixes[t])]
        if screening.alternatives:
            offers += [(chance, mix) for chance, _, mix in screening.alternatives[t]]
        for chance, mix in offers:
            weighted += [MixMember(float(agreed) * chance * m.weight, m.position) for m in mix]
    total = sum(m.weight for m in weighted)
    if total <= 0:
        return ()
    return tuple(MixMember(m.weight / total, m.position) for m in weighted)


def _by_party(prefix: str, names: Sequence[str], vector: Any) -> dict[str, Any]:
    return {
        f"{prefix}.{name}": None if vector is None else float(vector[k])
        for k, name in enumerate(names)
    }


def deal_terms(space: OutcomeSpace, mix: tuple[MixMember, ...]) -> dict[str, Any]:
    """``deal.ISSUE`` (and ``deal.ISSUE.PARTY`` for a split) of the agreement ``mix``: its
    expected terms (:func:`negsim.analysis.records.expected_package`): a categorical
    issue's most likely option (the first in option order on a tie), a numeric issue's
    expected value, each party's expected share of a split; all None without an
    agreement."""
    scenario = space.scenario
    package = expected_package(space, mix)
    terms: dict[str, Any] = {}
    for issue in scenario.issues:
        value: Any = None if package is None else package[issue.name]
        if isinstance(issue, SplitIssue):
            for name in scenario.party_names:
                terms[f"deal.{issue.name}.{name}"] = None if value is None else value[name]
        else:
            terms[f"deal.{issue.name}"] = value
    return terms
