"""The rules of ``uncertainty``: which parameters are private and their distributions."""

from __future__ import annotations

import math
from typing import Any

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
        types = self.types(fields, path, form)
        if types is None:
            return None
        form_path = join_path(path, form)
        distribution: Distribution | None
        if form == "uniform":
            bounds = self.range_pair(fields[form], form_path)
            distribution = None if bounds is None else Uniform(bounds[0], bounds[1], types)
        elif form == "normal":
            distribution = self.normal_distribution(fields[form], form_path, types)
        else:
            distribution = self.choice_distribution(fields[form], form_path)
        if distribution is None or not self.within_domain(
            distribution, parameter, fields[form], form_path
        ):
            return None
        return distribution

    def types(self, fields: dict[Any, YNode], path: str, form: str) -> int | None:
        """``types`` of a uniform or normal distribution (the default when left out)."""
        if "types" not in fields:
            return defaults.TYPES
        if form == "choice":
            self.error(
                fields["types"],
                join_path(path, "types"),
                "'types' applies only to "
                "uniform and normal distributions (choice types are used exactly)",
                at_key=True,
            )
            return None
        return self.integer(
            fields["types"], join_path(path, "types"), low=1, high=defaults.MAX_TYPES
        )

    def normal_distribution(self, node: YNode, path: str, types: int) -> Normal | None:
        normal = self.mapping(node, path, "{mean, sd, min, max}")
        if normal is None:
            return None
        self.keys(node, path, ("mean", "sd", "min", "max"), ("mean", "sd", "min", "max"))
        if not all(key in normal for key in ("mean", "sd", "min", "max")):
            return None
        mean = self.number(normal["mean"], join_path(path, "mean"))
        sd = self.number(
            normal["sd"],
            join_path(path, "sd"),
            low=0.0,
            low_open=True,
            what="a standard deviation must be",
        )
        low = self.number(normal["min"], join_path(path, "min"))
        high = self.number(normal["max"], join_path(path, "max"))
        if mean is None or sd is None or low is None or high is None:
            return None
        if not low < high:
            self.error(
                node,
                path,
                f"reversed or empty range: min {format_number(low)} must be below max "
                f"{format_number(high)}",
            )
            return None
        return Normal(mean, sd, low, high, types)

    def within_domain(
        self, distribution: Distribution, parameter: str, node: YNode, path: str
    ) -> bool:
        """A discount stays in (0, 1] and a cost at or above 0 wherever the distribution
        reaches (its bounds, or every value of a choice)."""
        domain = {"discount": (0.0, 1.0, True), "cost_per_round": (0.0, math.inf, False)}
        if parameter not in domain:
            return True
        if isinstance(distribution, Choice):
            support = list(distribution.values)
        else:
            support = [distribution.low, distribution.high]
        low, high, low_open = domain[parameter]
        bad = [x for x in support if (x <= low if low_open else x < low) or x > high]
        if bad:
            allowed = interval(low, None if math.isinf(high) else high, low_open, False)
            self.error(
                node,
                path,
                f"values of {parameter} must be {allowed}, but the "
                f"distribution reaches {format_number(bad[0])}",
            )
            return False
        return True

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
