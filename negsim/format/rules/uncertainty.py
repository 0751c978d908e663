"""The rules of ``uncertainty``: which parameters are private and their distributions."""

from __future__ import annotations

import math

from negsim.errors import did_you_mean, join_path, one_of
from negsim.format import defaults
from negsim.format.checks import describe, format_number, interval
from negsim.format.model import (
    TOLERANCE,
    UNCERTAIN_PARAMETERS,
    Choice,
    Distribution,
    Normal,
    UncertainParameter,
    Uniform,
)
from negsim.format.rules.protocol import ProtocolRules
from negsim.format.source import YNode


class UncertaintyRules(ProtocolRules):
    """The rules of ``uncertainty``: private parameters and their distributions."""

    def uncertainty(self, node: YNode) -> tuple[UncertainParameter, ...]:
        entries = self.mapping(node, "uncertainty", "a mapping of party.parameter to distributions")
        if entries is None:
            return ()
        result = []
        for key, child in entries.items():
            path = join_path("uncertainty", key)
            if not isinstance(key, str) or key.count(".") != 1:
                self.error(
                    child,
                    path,
                    f"expected a key 'party.parameter' (e.g. "
                    f"leader.disagreement), got {describe(key)}",
                    at_key=True,
                )
                continue
            party, parameter = key.split(".")
            if not self.reference(party, child, path, self.party_names, "party", at_key=True):
                continue
            if parameter not in UNCERTAIN_PARAMETERS:
                self.error(
                    child,
                    path,
                    f"parameter '{parameter}' cannot be uncertain"
                    f"{did_you_mean(parameter, UNCERTAIN_PARAMETERS)}; "
                    f"{one_of(UNCERTAIN_PARAMETERS)}",
                    at_key=True,
                )
                continue
            distribution = self.distribution(child, path, parameter)
            if distribution is not None:
                result.append(UncertainParameter(party, parameter, distribution))
        return tuple(result)

    def distribution(self, node: YNode, path: str, parameter: str) -> Distribution | None:
        fields = self.mapping(node, path, "a distribution (uniform, normal or choice)")
        if fields is None:
            return None
        forms = ("uniform", "normal", "choice")
        self.keys(node, path, (*forms, "types"))
        given = [form for form in forms if form in fields]
        if len(given) != 1:
            self.error(
                node,
                path,
                "a distribution needs exactly one of uniform, normal or choice"
                + (f", got {' and '.join(given)}" if given else ""),
                at_key=True,
            )
            return None
        form = given[0]
        types = defaults.TYPES
        if "types" in fields:
            if form == "choice":
                self.error(
                    fields["types"],
                    join_path(path, "types"),
                    "'types' applies only to "
                    "uniform and normal distributions (choice types are used exactly)",
                    at_key=True,
                )
                return None
            value = self.integer(fields["types"], join_path(path, "types"), low=1)
            if value is None:
                return None
            types = value
        form_path = join_path(path, form)
        distribution: Distribution
        if form == "uniform":
            bounds = self.range_pair(fields[form], form_path)
            if bounds is None:
                return None
            distribution = Uniform(bounds[0], bounds[1], types)
            support, at = [bounds[0], bounds[1]], fields[form]
        elif form == "normal":
            normal = self.mapping(fields[form], form_path, "{mean, sd, min, max}")
            if normal is None:
                return None
            self.keys(
                fields[form], form_path, ("mean", "sd", "min", "max"), ("mean", "sd", "min", "max")
            )
            if not all(key in normal for key in ("mean", "sd", "min", "max")):
                return None
            mean = self.number(normal["mean"], join_path(form_path, "mean"))
            sd = self.number(
                normal["sd"],
                join_path(form_path, "sd"),
                low=0.0,
                low_open=True,
                what="a standard deviation must be",
            )
            low = self.number(normal["min"], join_path(form_path, "min"))
            high = self.number(normal["max"], join_path(form_path, "max"))
            if None in (mean, sd, low, high):
                return None
            assert mean is not None and sd is not None and low is not None and high is not None
            if not low < high:
                self.error(
                    fields[form],
                    form_path,
                    f"reversed or empty range: min {format_number(low)} must be below max "
                    f"{format_number(high)}",
                )
                return None
            distribution = Normal(mean, sd, low, high, types)
            support, at = [low, high], fields[form]
        else:
            choice = self.choice_distribution(fields[form], form_path)
            if choice is None:
                return None
            distribution = choice
            support, at = list(choice.values), fields[form]
        domain = {"discount": (0.0, 1.0, True), "cost_per_round": (0.0, math.inf, False)}
        if parameter in domain:
            low_d, high_d, low_open = domain[parameter]
            bad = [x for x in support if (x <= low_d if low_open else x < low_d) or x > high_d]
            if bad:
                allowed = interval(low_d, None if math.isinf(high_d) else high_d, low_open, False)
                self.error(
                    at,
                    form_path,
                    f"values of {parameter} must be {allowed}, but the "
                    f"distribution reaches {format_number(bad[0])}",
                )
                return None
        return distribution

    def choice_distribution(self, node: YNode, path: str) -> Choice | None:
        fields = self.mapping(node, path, "{values: [...], p: [...]}")
        if fields is None:
            return None
        self.keys(node, path, ("values", "p"), ("values",))
        if "values" not in fields:
            return None
        items = self.sequence(fields["values"], join_path(path, "values"), "a list of numbers")
        if items is None:
            return None
        if not items:
            self.error(fields["values"], join_path(path, "values"), "needs at least one value")
            return None
        values = [
            self.number(item, join_path(path, f"values[{i}]")) for i, item in enumerate(items)
        ]
        if None in values:
            return None
        if "p" not in fields:
            return Choice(tuple(values), tuple([1.0 / len(values)] * len(values)))  # type: ignore[arg-type]
        p_items = self.sequence(fields["p"], join_path(path, "p"), "a list of probabilities")
        if p_items is None:
            return None
        if len(p_items) != len(items):
            self.error(
                fields["p"],
                join_path(path, "p"),
                f"has {len(p_items)} probabilities for {len(items)} values",
            )
            return None
        ps = [self.probability(item, join_path(path, f"p[{i}]")) for i, item in enumerate(p_items)]
        if None in ps:
            return None
        total = sum(ps)  # type: ignore[arg-type]
        if abs(total - 1.0) > TOLERANCE:
            self.error(
                fields["p"], join_path(path, "p"), f"probabilities sum to {total:.12g}, not 1"
            )
            return None
        return Choice(tuple(values), tuple(ps))  # type: ignore[arg-type]
