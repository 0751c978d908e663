"""Equilibria where talks should fail: no gain from a deal, or an outside option above
every offer. Without a deadline the answer must match a long deadline's."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest

from negsim.analysis.pipeline import solve
from negsim.format.loader import scenario_from_data


def pie(parties: dict[str, Any], protocol: dict[str, Any]) -> dict[str, Any]:
    return {
        "negsim": 1,
        "name": "edge",
        "issues": {"pie": {"split": {"total": 1}, "resolution": 101}},
        "parties": parties,
        "protocol": protocol,
    }


NO_ZOPA = {"a": {"disagreement": 0.6}, "b": {"disagreement": 0.6}}


@pytest.mark.parametrize("kind", ["alternating_offers", "one_sided"])
def test_no_gain_from_a_deal_means_no_agreement(kind: str) -> None:
    """Both sides expect 0.6 from a breakdown: waiting for it beats any split of the pie."""
    open_ended = solve(scenario_from_data(pie(NO_ZOPA, {"kind": kind, "breakdown_risk": 0.1})))
    long = solve(
        scenario_from_data(pie(NO_ZOPA, {"kind": kind, "breakdown_risk": 0.1, "deadline": 300}))
    )
    for analysis in (open_ended, long):
        assert analysis.equilibrium.agreement is False
        np.testing.assert_allclose(analysis.equilibrium.payoffs, [0.6, 0.6], atol=1e-9)


@pytest.mark.parametrize("proposer_side", [{"outside_option": 0.5}, {"cost_per_round": 0.1}])
def test_responder_walks_out_when_nothing_is_acceptable(proposer_side: dict[str, Any]) -> None:
    """b's outside option (1.5) beats the whole pie: it walks out; a gets its disagreement."""
    data = pie({"a": proposer_side, "b": {"outside_option": 1.5}}, {"kind": "one_sided"})
    result = solve(scenario_from_data(data)).equilibrium.to_dict()
    assert result["agreement"] is False
    assert result["payoffs"] == {"a": 0.0, "b": 1.5}
    json.dumps(result, allow_nan=False)  # strict JSON: no Infinity or NaN
