"""The named outcome metrics of an analysis: one set, shared by ``negsim sweep`` (the columns
of ``results.csv``), ``negsim plot DIR --kind sweep --metric NAME`` and the Python API.

Names (``PARTY`` a party's name, ``ISSUE`` an issue's):

* ``agreement``, ``round``: whether and when the equilibrium agrees;
* ``u.PARTY``, ``payoff.PARTY``: the equilibrium's utilities and payoffs;
* ``deal.ISSUE``: the equilibrium's terms: a categorical issue's option (for a lottery, its
  most likely option), a numeric issue's value, ``deal.ISSUE.PARTY`` a party's share of a
  split (for a lottery, the expected value or share);
* ``nash.u.PARTY``, ``ks.u.PARTY``: the Nash and Kalai–Smorodinsky solutions over the hull;
* with private information under a screening protocol: ``deal_probability`` (a deal before
  the deadline), ``no_agreement_probability``, ``final_round_share`` (the share of the
  deals struck in the last round) and ``screening.payoff.PARTY`` (expected payoffs).

Each is read off the solver records; nothing is solved here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from negsim.analysis.records import Analysis, MixMember
from negsim.format.model import CategoricalIssue, NumericIssue, SplitIssue
from negsim.format.scenario import Scenario
from negsim.space import OutcomeSpace

SCREENING_METRICS = ("deal_probability", "no_agreement_probability", "final_round_share")


def metric_names(scenario: Scenario, party_names: Sequence[str] | None = None) -> list[str]:
    """The metrics of ``scenario``'s analyses, in column order (``party_names`` overrides
    the party order, e.g. a sweep's first point's)."""
    names = list(scenario.party_names if party_names is None else party_names)
    columns = ["agreement", "round"]
    for prefix in ("u", "payoff"):
        columns.extend(f"{prefix}.{name}" for name in names)
    for issue in scenario.issues:
        if isinstance(issue, SplitIssue):
            columns.extend(f"deal.{issue.name}.{name}" for name in names)
        else:
            columns.append(f"deal.{issue.name}")
    for prefix in ("nash.u", "ks.u"):
        columns.extend(f"{prefix}.{name}" for name in names)
    if scenario.uncertainty:
        columns.extend(SCREENING_METRICS)
        columns.extend(f"screening.payoff.{name}" for name in names)
    return columns


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
    for key, prefix in (("nash", "nash.u"), ("kalai_smorodinsky", "ks.u")):
        solution = analysis.solutions.get(key)
        values.update(
            _by_party(prefix, names, None if solution is None else solution.hull.utilities)
        )
    if scenario.uncertainty:
        screening = analysis.screening
        if screening is None:
            values.update(dict.fromkeys(SCREENING_METRICS))
            values.update(_by_party("screening.payoff", names, None))
        else:
            none = float(screening.solution.no_agreement_probability)
            values["deal_probability"] = 1.0 - none
            values["no_agreement_probability"] = none
            values["final_round_share"] = screening.final_round_share
            values.update(_by_party("screening.payoff", names, screening.expected_payoffs))
    return values


def _by_party(prefix: str, names: Sequence[str], vector: Any) -> dict[str, Any]:
    return {
        f"{prefix}.{name}": None if vector is None else float(vector[k])
        for k, name in enumerate(names)
    }


def deal_terms(space: OutcomeSpace, mix: tuple[MixMember, ...]) -> dict[str, Any]:
    """``deal.ISSUE`` (and ``deal.ISSUE.PARTY`` for a split) of the agreement ``mix``: a
    categorical issue's most likely option (the first in option order on a tie), a
    numeric issue's expected value, each party's expected share of a split; all None
    without an agreement."""
    scenario = space.scenario
    terms: dict[str, Any] = {}
    weights = np.array([m.weight for m in mix], dtype=float)
    levels = (
        space.levels(np.array([m.position for m in mix], dtype=np.int64)).reshape(
            space.n_issues, -1
        )
        if mix
        else None
    )
    for index, issue in enumerate(scenario.issues):
        row = None if levels is None else levels[index]
        if isinstance(issue, SplitIssue):
            shares = None if row is None else weights @ space.level_values[index][row]
            for k, name in enumerate(scenario.party_names):
                terms[f"deal.{issue.name}.{name}"] = None if shares is None else float(shares[k])
        elif isinstance(issue, NumericIssue):
            value = None if row is None else float(weights @ space.level_values[index][row])
            terms[f"deal.{issue.name}"] = value
        elif isinstance(issue, CategoricalIssue):
            if row is None:
                terms[f"deal.{issue.name}"] = None
                continue
            chance = np.bincount(row, weights=weights, minlength=len(issue.options))
            terms[f"deal.{issue.name}"] = issue.options[int(np.argmax(chance))]
    return terms
