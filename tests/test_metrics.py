"""The named outcome metrics (``negsim.analysis.metrics``): every name listed is filled,
and the deal's terms are the equilibrium's own package, or a lottery's expected terms and
most likely option."""

from __future__ import annotations

import json

import numpy as np
import pytest

from negsim.analysis.metrics import deal_terms, metric_names, metrics
from negsim.analysis.records import MixMember
from negsim.api import load, solve
from negsim.format.model import CategoricalIssue, SplitIssue


@pytest.mark.parametrize(
    "name", ["venezuela-2025", "venezuela-2025-private", "pie-split", "logrolling",
             "territorial-dispute"],
)  # fmt: skip
def test_the_deal_is_the_equilibriums_package(name: str) -> None:
    analysis = solve(load(name))
    found = metrics(analysis)
    assert list(found) == metric_names(analysis.space.scenario)
    eq = analysis.equilibrium
    assert found["agreement"] is eq.agreement and found["round"] == eq.round
    package = analysis.space.interpolate([m.position for m in eq.mix], [m.weight for m in eq.mix])
    assert package is not None  # the bundled equilibria agree on every categorical issue
    for issue in analysis.space.scenario.issues:
        if isinstance(issue, SplitIssue):
            for party, share in package[issue.name].items():
                assert found[f"deal.{issue.name}.{party}"] == pytest.approx(share, abs=1e-12)
        else:
            assert found[f"deal.{issue.name}"] == pytest.approx(package[issue.name], abs=1e-12)
    for k, party in enumerate(analysis.space.scenario.party_names):
        assert found[f"u.{party}"] == pytest.approx(eq.utilities[k], abs=0)
    # each axiomatic solution: its hull point's utilities and its lottery's expected terms
    document = json.loads(analysis.to_json())["solutions"]
    prefixes = {"nash": "nash", "kalai_smorodinsky": "ks"}
    for key in ("nash", "kalai_smorodinsky", "egalitarian", "utilitarian"):
        prefix = prefixes.get(key, key)
        hull = document[key]["hull"]
        for party, utility in hull["utilities"].items():
            assert found[f"{prefix}.u.{party}"] == pytest.approx(utility, abs=0)
        weights = [member["weight"] for member in hull["mix"]]
        for issue in analysis.space.scenario.issues:
            options = [member["package"][issue.name] for member in hull["mix"]]
            if isinstance(issue, SplitIssue):
                for party in analysis.space.scenario.party_names:
                    mean = sum(w * o[party] for w, o in zip(weights, options, strict=True))
                    assert found[f"{prefix}.deal.{issue.name}.{party}"] == pytest.approx(mean)
            elif isinstance(issue, CategoricalIssue):
                chance = {o: sum(w for w, p in zip(weights, options, strict=True) if p == o)
                          for o in options}  # fmt: skip
                best = max(chance.values())
                likeliest = next(o for o in issue.options if chance.get(o) == best)
                assert found[f"{prefix}.deal.{issue.name}"] == likeliest
            else:
                mean = sum(w * o for w, o in zip(weights, options, strict=True))
                assert found[f"{prefix}.deal.{issue.name}"] == pytest.approx(mean, abs=1e-12)


def test_a_lottery_gives_its_most_likely_option_and_expected_values() -> None:
    """A 30/70 lottery between two Venezuela packages that differ on categorical and
    numeric issues: each categorical issue reports the 70% package's option, each numeric
    issue the weighted average."""
    space = solve(load("venezuela-2025")).space
    first, second = 0, space.n_feasible - 1
    terms = deal_terms(space, (MixMember(0.3, first), MixMember(0.7, second)))
    levels = space.levels(np.array([first, second]))
    for index, issue in enumerate(space.scenario.issues):
        values = space.level_values[index][levels[index]]
        if isinstance(issue, CategoricalIssue):
            assert terms[f"deal.{issue.name}"] == issue.options[int(levels[index][1])]
        else:
            assert terms[f"deal.{issue.name}"] == pytest.approx(0.3 * values[0] + 0.7 * values[1])
    assert all(v is None for v in deal_terms(space, ()).values())
