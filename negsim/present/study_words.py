"""Words for what a study varies and measures: a swept or varied path
(:func:`path_label`: ``parties.maduro.discount`` -> ``Nicolás Maduro's discount factor``)
and a metric, a column of a sweep's ``results.csv`` (:func:`metric_label`). Shared by the
sweep and sensitivity tables and charts; text only, like :mod:`negsim.present.words`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from negsim.format.paths import PathError, parse_path
from negsim.present.words import possessive, round_noun, round_unit

if TYPE_CHECKING:
    from negsim.studies.sweep_table import SweepTable

__all__ = ["DEAL_SOURCES", "PARTY_PARAMETERS", "metric_label", "path_label"]

PARTY_PARAMETERS = {
    "discount": "discount factor",
    "disagreement": "disagreement utility",
    "cost_per_round": "cost per round",
    "outside_option": "outside option",
    "agreement_value": "value of any agreement",
    "bargaining_power": "bargaining power",
}


def path_label(
    path: str,
    labels: Mapping[str, str] | None = None,
    round_label: str | None = None,
    unit: bool = True,
) -> str:
    """Words for a swept or varied path: ``protocol.deadline`` -> ``deadline (days)``,
    ``parties.maduro.discount`` -> ``Nicolás Maduro's discount factor (per day)``,
    ``parties.us.disagreement.lottery[0].p`` -> ``chance of United States' disagreement
    branch 1``, ``uncertainty["maduro.disagreement"].types`` -> ``types on the grid of
    Nicolás Maduro's private disagreement``; ``labels`` are the parties' display names
    (used as text, never parsed), ``round_label`` the protocol's ``round``; ``unit=False``
    leaves the unit in brackets off (for a sentence). A path it has no words for is
    returned as written."""
    try:
        parts = parse_path(path)
    except PathError:
        return path
    length = round_unit(round_label)
    daily = length is not None and length[0] == 1
    names = labels or {}

    def who(name: object) -> str:
        return names.get(str(name), str(name))

    words, suffix = path, ""
    if parts == ("protocol", "deadline"):
        words = "deadline"
        if length is None:
            suffix = "rounds"
        else:
            suffix = f"{length[1]}s" if daily else f"rounds of {round_label}"
    elif parts == ("protocol", "breakdown_risk"):
        words = "breakdown risk per rejection"
    elif len(parts) == 3 and parts[:2] == ("protocol", "recognition"):
        words = f"{possessive(who(parts[2]))} chance to propose"
    elif len(parts) >= 3 and parts[0] == "parties":
        words, suffix = _party_path_words(parts, who(parts[1]), length, daily)
    elif len(parts) == 3 and parts[0] == "uncertainty" and isinstance(parts[1], str):
        name, _, parameter = parts[1].partition(".")
        private = f"{possessive(who(name))} private {parameter.replace('_', ' ')}"
        words = f"types on the grid of {private}" if parts[2] == "types" else path
    elif len(parts) == 3 and parts[0] == "issues" and parts[2] == "resolution":
        words = f"grid points of {str(parts[1]).replace('_', ' ')}"
    return f"{words} ({suffix})" if unit and suffix else words


def _party_path_words(
    parts: tuple[str | int, ...], who: str, length: tuple[float, str] | None, daily: bool
) -> tuple[str, str]:
    """Words and unit of a path under ``parties.NAME``."""
    key = parts[2]
    if len(parts) == 3 and isinstance(key, str):
        what = PARTY_PARAMETERS.get(key, key.replace("_", " "))
        per = ""
        if daily and length is not None and key in ("discount", "cost_per_round"):
            per = f"per {length[1]}"
        return f"{possessive(who)} {what}", per
    if len(parts) == 4 and key in ("weights", "trust"):
        return f"{possessive(who)} {key[:-1] if key == 'weights' else key} on {parts[3]}", ""
    if len(parts) == 6 and parts[3] == "lottery" and isinstance(parts[4], int):
        what = PARTY_PARAMETERS.get(str(key), str(key).replace("_", " "))
        branch = f"{possessive(who)} {what.split()[0]} branch {parts[4] + 1}"
        if parts[5] == "p":
            return f"chance of {branch}", ""
        if parts[5] == "value":
            return f"value of {branch}", ""
    return ".".join(str(p) for p in parts), ""


DEAL_SOURCES = {
    "": "",
    "screening.": " under screening",
    "nash.": " (Nash solution)",
    "ks.": " (Kalai–Smorodinsky solution)",
    "egalitarian.": " (egalitarian solution)",
    "utilitarian.": " (utilitarian solution)",
}
"""Where a metric's terms come from, by prefix, in words."""


def _round_label(table: SweepTable | Mapping[str, str] | None) -> str | None:
    """A sweep table's round label; None for a mapping of labels."""
    return None if table is None or isinstance(table, Mapping) else table.round_label


def metric_label(metric: str, table: SweepTable | Mapping[str, str] | None = None) -> str:
    """Words for a metric (a results column); ``table`` gives the parties' labels (a
    sweep's table or a mapping from name to label)."""

    def label(party: str) -> str:
        if table is None:
            return party
        if isinstance(table, Mapping):
            return table.get(party, party)
        return table.label(party)

    prefixes = {
        "u.": "equilibrium utility",
        "payoff.": "equilibrium payoff",
        "nash.u.": "Nash bargaining utility",
        "ks.u.": "Kalai–Smorodinsky utility",
        "egalitarian.u.": "egalitarian utility",
        "utilitarian.u.": "utilitarian utility",
        "screening.payoff.": "expected payoff under screening",
    }
    source, _, term = metric.partition("deal.")
    if term and source in DEAL_SOURCES:  # [SOURCE.]deal.ISSUE[.PARTY] (a split's share)
        issue, _, party = term.partition(".")
        words = f"agreed {issue.replace('_', ' ')}"
        if party:
            words = f"{possessive(label(party))} {words}"
        return words + DEAL_SOURCES[source]
    for prefix in sorted(prefixes, key=len, reverse=True):
        if metric.startswith(prefix):
            return f"{possessive(label(metric[len(prefix) :]))} {prefixes[prefix]}"
    return {
        "deal_probability": "probability of a deal before the deadline",
        "no_agreement_probability": "probability of no agreement",
        "final_round_share": "share of agreements in the last round",
        "agreement": "agreement reached (1) or not (0)",
        "round": f"{round_noun(_round_label(table))} of the agreement",
    }.get(metric, metric.replace("_", " "))
