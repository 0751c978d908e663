"""Loading valid scenarios: defaults, normalization and every part of the format."""

from __future__ import annotations

import io
import math
import textwrap
from pathlib import Path

import numpy as np
import pytest

from negsim.errors import ScenarioError
from negsim.format import defaults
from negsim.format.loader import load_scenario, load_scenario_text, scenario_from_data
from negsim.format.model import (
    CategoricalIssue,
    CategoricalValues,
    Choice,
    Condition,
    Normal,
    NumericIssue,
    PiecewiseLinear,
    PowerShape,
    SplitIssue,
    Uniform,
)

DATA = Path(__file__).parent / "data"

MINIMAL = """\
negsim: 1
name: Minimal
issues:
  price: {range: [0, 10], resolution: 11}
parties:
  seller:
    values: {price: {0: 0, 10: 1}}
  buyer:
    values: {price: {best: 0, worst: 10, exponent: 2}}
"""


def test_spec_example_loads_with_its_numbers() -> None:
    scenario = load_scenario(DATA / "spec-example.yaml")
    assert scenario.name == "Exit talks (toy)"
    assert scenario.party_names == ("us", "leader")
    assert scenario.issue_names == ("amnesty", "sanctions_relief", "oil_revenue")
    amnesty, relief, oil = scenario.issues
    assert amnesty == CategoricalIssue(
        "amnesty", ("none", "partial", "full"), "Legal amnesty for the leader and family"
    )
    assert isinstance(relief, NumericIssue) and (relief.low, relief.high) == (0, 100)
    assert relief.resolution == 11 and relief.unit == "officials"
    assert isinstance(oil, SplitIssue) and oil.total == 1.0 and oil.resolution == 101
    # 3 options x 11 grid points x 101 two-party shares
    assert scenario.n_packages == 3 * 11 * 101
    us, leader = scenario.parties
    assert us.weights == {"amnesty": 0.2, "sanctions_relief": 0.3, "oil_revenue": 0.5}
    assert us.values["oil_revenue"] == PowerShape(1.0, 0.0, 1.0)  # split default: own share
    assert leader.values["oil_revenue"] == PowerShape(1.0, 0.0, 0.5)
    assert leader.values["sanctions_relief"] == PiecewiseLinear((0.0, 100.0), (0.0, 1.0))
    assert leader.disagreement.expected == pytest.approx(0.6 * 0.1 + 0.4 * -0.5)
    assert [b.label for b in leader.disagreement.branches] == [
        "holds on under siege",
        "removed by force",
    ]
    assert leader.trust == {"amnesty": 0.6, "sanctions_relief": 1.0, "oil_revenue": 1.0}
    assert us.discount == 0.98 and leader.discount == 1.0
    protocol = scenario.protocol
    assert (protocol.kind, protocol.first_proposer, protocol.deadline) == (
        "alternating_offers",
        "us",
        7,
    )
    assert protocol.breakdown_risk == 0.02 and protocol.round_label == "1 day"
    assert protocol.recognition == {"us": 0.5, "leader": 0.5}
    np.testing.assert_allclose(scenario.disagreement_vector(), [0.3, -0.14])


def test_defaults() -> None:
    scenario = load_scenario_text(MINIMAL, "minimal.yaml")
    seller, buyer = scenario.parties
    assert seller.label == "seller" and seller.weights == {"price": 1.0}
    assert seller.disagreement.expected == 0.0 and seller.outside_option is None
    assert (
        seller.agreement_value,
        seller.discount,
        seller.cost_per_round,
        seller.bargaining_power,
    ) == (0.0, 1.0, 0.0, 1.0)
    assert buyer.values["price"] == PowerShape(best=0.0, worst=10.0, exponent=2.0)
    protocol = scenario.protocol
    assert protocol.kind == "alternating_offers" and protocol.first_proposer == "seller"
    assert protocol.deadline is None and protocol.breakdown_risk == 0.0
    assert protocol.rule == "unanimity" and protocol.lotteries is False
    assert scenario.constraints == () and scenario.uncertainty == () and scenario.mediators == ()
    assert scenario.simulation is None and scenario.source == "minimal.yaml"


def test_weights_are_normalized_and_omitted_issues_weigh_nothing() -> None:
    text = (
        MINIMAL.replace(
            "  price: {range: [0, 10], resolution: 11}",
            "  price: {range: [0, 10], resolution: 11}\n  extra: {options: [a, b]}",
        )
        .replace(
            "    values: {price: {0: 0, 10: 1}}",
            "    weights: {price: 3}\n    values: {price: {0: 0, 10: 1}}",
        )
        .replace(
            "    values: {price: {best: 0, worst: 10, exponent: 2}}",
            "    weights: {price: 1, extra: 3}\n"
            "    values: {price: {best: 0, worst: 10, exponent: 2}, extra: {a: 0, b: 1}}",
        )
    )
    scenario = load_scenario_text(text)
    seller, buyer = scenario.parties
    assert seller.weights == {"price": 1.0, "extra": 0.0}
    assert seller.values["extra"] is None  # weight 0 needs no value function
    assert buyer.weights == {"price": 0.25, "extra": 0.75}
    assert buyer.values["extra"] == CategoricalValues((0.0, 1.0))


def test_ultimatum_has_deadline_one() -> None:
    scenario = load_scenario_text(MINIMAL + "protocol: {kind: ultimatum}\n")
    assert scenario.protocol.deadline == 1
    scenario = load_scenario_text(MINIMAL + "protocol: {kind: ultimatum, deadline: 1}\n")
    assert scenario.protocol.deadline == 1


def test_conditions_constraints_and_interactions() -> None:
    text = textwrap.dedent("""\
        negsim: 1
        name: Conditions
        issues:
          amnesty: {options: [none, partial, full]}
          relief: {range: [0, 100], resolution: 11}
          pie: {split: {total: 1}, resolution: 11}
        parties:
          us:
            values:
              amnesty: {none: 1, partial: 0.5, full: 0}
              relief: {0: 1, 100: 0}
            interactions:
              - {when: {amnesty: [partial, full], relief: {min: 50}}, value: -0.1}
          leader:
            values:
              amnesty: {none: 0, partial: 0.5, full: 1}
              relief: {0: 0, 100: 1}
        constraints:
          - forbid: {amnesty: full, pie: {us: {max: 0.2}}}
          - forbid: {relief: [0, 100]}
        """)
    scenario = load_scenario_text(text)
    first, second = scenario.constraints
    assert first.conditions == (
        Condition("amnesty", options=("full",)),
        Condition("pie", party="us", high=0.2),
    )
    assert second.conditions == (Condition("relief", values=(0.0, 100.0)),)
    (interaction,) = scenario.parties[0].interactions
    assert interaction.value == -0.1
    assert interaction.conditions == (
        Condition("amnesty", options=("partial", "full")),
        Condition("relief", low=50.0),
    )


def test_uncertainty_simulation_and_mediators() -> None:
    text = MINIMAL.replace(
        "    values: {price: {0: 0, 10: 1}}",
        "    values: {price: {0: 0, 10: 1}}\n    trust: {price: 0.7}",
    ).replace("exponent: 2}}", "exponent: 2}}\n    trust: {price: 0.5}") + textwrap.dedent("""\
        uncertainty:
          buyer.disagreement: {uniform: [-0.5, 0.3], types: 4}
          buyer.agreement_value: {choice: {values: [0.0, 0.2], p: [0.7, 0.3]}}
          seller.discount: {normal: {mean: 0.95, sd: 0.02, min: 0.8, max: 1.0}}
        simulation:
          runs: 50
          seed: 0
          agents:
            seller: {strategy: boulware, exponent: 0.2}
        mediators:
          qatar:
            label: Qatar
            guarantees: {buyer: {price: 0.9}}
        """)
    scenario = load_scenario_text(text)
    uniform, choice, normal = (u.distribution for u in scenario.uncertainty)
    assert uniform == Uniform(-0.5, 0.3, 4)
    values, probabilities = uniform.discretize()
    np.testing.assert_allclose(values, [-0.4, -0.2, 0.0, 0.2])  # quantiles (k + 1/2) / 4
    np.testing.assert_allclose(probabilities, 0.25)
    assert choice == Choice((0.0, 0.2), (0.7, 0.3))
    assert isinstance(normal, Normal) and normal.types == defaults.TYPES
    values, _ = normal.discretize()
    assert 0.8 < values.min() < values.max() < 1.0
    assert values[values.size // 2] == pytest.approx(
        0.95 + 0.02 * _truncated_median_shift(), abs=1e-3
    )
    simulation = scenario.simulation
    assert simulation is not None and simulation.runs == 50 and simulation.seed == 0
    assert simulation.agents["seller"].strategy == "boulware"
    assert simulation.agents["buyer"].strategy == "linear"  # omitted parties: linear
    assert scenario.effective_trust("buyer", "price") == 0.9  # stated 0.5, raised by Qatar
    assert scenario.effective_trust("seller", "price") == 0.7  # no guarantee for the seller


def _truncated_median_shift() -> float:
    """Median of N(0.95, 0.02) truncated to [0.8, 1.0], in standard deviations from the mean."""
    from scipy.stats import truncnorm

    return float(truncnorm.median((0.8 - 0.95) / 0.02, (1.0 - 0.95) / 0.02))


def test_yaml_merge_keys_and_anchors() -> None:
    text = textwrap.dedent("""\
        negsim: 1
        name: Anchors
        issues:
          price: {range: [0, 10], resolution: 3}
        parties:
          seller: &base
            values: {price: {0: 0, 10: 1}}
            discount: 0.9
          buyer:
            <<: *base
            values: {price: {0: 1, 10: 0}}
        """)
    seller, buyer = load_scenario_text(text).parties
    assert buyer.discount == 0.9
    assert buyer.values["price"] == PiecewiseLinear((0.0, 10.0), (1.0, 0.0))
    assert seller.values["price"] == PiecewiseLinear((0.0, 10.0), (0.0, 1.0))


def test_plain_data_validates_like_a_file() -> None:
    from ruamel.yaml import YAML

    data = YAML(typ="safe").load(MINIMAL)
    assert scenario_from_data(data).n_packages == 11
    data["parties"]["seller"]["discount"] = 1.5
    with pytest.raises(ScenarioError) as caught:
        scenario_from_data(data, "sweep point 3")
    assert str(caught.value) == (
        "sweep point 3: parties.seller.discount: a discount factor must be in (0, 1], got 1.5 "
        "(1 means no discounting)"
    )


def test_standard_input(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(MINIMAL.encode())))
    assert load_scenario("-").source == "<stdin>"
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b"\x00\xff")))
    with pytest.raises(ScenarioError, match="not a text file"):
        load_scenario("-")


def test_ten_million_package_space_is_accepted() -> None:
    """A two-party space of 10,000,000 packages must load (the issue's floor)."""
    issues = "\n".join(f"  i{k}: {{range: [0, 1], resolution: 10}}" for k in range(7))
    text = f"negsim: 1\nname: Big\nissues:\n{issues}\nparties:\n" + "".join(
        f"  {party}:\n    values: {{"
        + ", ".join(f"i{k}: {{0: {a}, 1: {1 - a}}}" for k in range(7))
        + "}\n"
        for party, a in (("a", 0), ("b", 1))
    )
    scenario = load_scenario_text(text)
    assert scenario.n_packages == 10_000_000


def test_numbers_in_yaml_forms() -> None:
    text = MINIMAL.replace("range: [0, 10]", "range: [0x0, 1_0]")
    issue = load_scenario_text(text).issues[0]
    assert isinstance(issue, NumericIssue) and (issue.low, issue.high) == (0.0, 10.0)
    assert math.isfinite(issue.high)


def test_all_problems_are_reported_at_once() -> None:
    text = MINIMAL.replace("name: Minimal", "name: [x]").replace(
        "values: {price: {0: 0, 10: 1}}", "values: {price: {0: 0, 10: 1}}\n    discount: 0"
    )
    with pytest.raises(ScenarioError) as caught:
        load_scenario_text(text, "two.yaml")
    assert [str(p) for p in caught.value.problems] == [
        "two.yaml:2:7: name: expected text, got a list",
        "two.yaml:8:15: parties.seller.discount: a discount factor must be in (0, 1], got 0 "
        "(1 means no discounting)",
    ]
