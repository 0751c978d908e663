"""Role sheets: the ``public`` and ``brief`` fields of the format, and ``negsim handout``."""

from __future__ import annotations

import pytest
from jsonschema import Draft202012Validator

from negsim.errors import ScenarioError
from negsim.format.loader import load_scenario, load_scenario_text
from negsim.format.schema import json_schema

BRIEFED = """\
negsim: 1
name: Briefed
public: Everyone knows the *price* is open.
issues:
  price: {range: [0, 10], resolution: 11}
parties:
  seller:
    brief: |
      Sell high.

      Your **secret**: the plant closes.
    values: {price: {0: 0, 10: 1}}
  buyer:
    values: {price: {best: 0, worst: 10, exponent: 2}}
"""


def test_briefs_are_kept_on_the_model() -> None:
    scenario = load_scenario_text(BRIEFED, "b.yaml")
    assert scenario.public == "Everyone knows the *price* is open."
    assert scenario.party("seller").brief == "Sell high.\n\nYour **secret**: the plant closes.\n"
    assert scenario.party("buyer").brief is None
    plain = load_scenario_text(BRIEFED.replace("public: Everyone knows the *price* is open.\n", ""))
    assert plain.public is None


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "public: Everyone knows the *price* is open.",
            "public: [a, b]",
            "b.yaml:3:9: public: expected text, got a list",
        ),
        (
            "    brief: |\n      Sell high.\n\n      Your **secret**: the plant closes.\n",
            "    brief: 3\n",
            "b.yaml:8:12: parties.seller.brief: expected text, got 3",
        ),
    ],
)
def test_briefs_must_be_text(old: str, new: str, expected: str) -> None:
    with pytest.raises(ScenarioError) as caught:
        load_scenario_text(BRIEFED.replace(old, new), "b.yaml")
    assert [str(problem) for problem in caught.value.problems] == [expected]


def test_a_misspelt_brief_is_named() -> None:
    with pytest.raises(ScenarioError) as caught:
        load_scenario_text(BRIEFED.replace("    brief: |", "    breif: |"), "b.yaml")
    (problem,) = caught.value.problems
    assert str(problem).startswith("b.yaml:8:5: parties.seller.breif: unknown key 'breif'")
    assert "brief" in str(problem).split("unknown key 'breif'")[1]


def test_schema_accepts_and_refuses_briefs() -> None:
    validator = Draft202012Validator(json_schema())
    schema = json_schema()
    assert schema["properties"]["public"]["type"] == "string"
    assert schema["$defs"]["Party"]["properties"]["brief"]["type"] == "string"
    data = {
        "negsim": 1,
        "name": "x",
        "public": "all know",
        "issues": {"price": {"range": [0, 1]}},
        "parties": {"a": {"brief": "mine"}, "b": {}},
    }
    assert list(validator.iter_errors(data)) == []
    assert list(validator.iter_errors({**data, "public": 3}))
    data["parties"] = {"a": {"brief": ["no"]}, "b": {}}
    assert list(validator.iter_errors(data))


def test_the_bundled_venezuela_scenario_has_briefs() -> None:
    from negsim.format.bundled import resolve

    scenario = load_scenario(resolve("venezuela-2025"))
    assert scenario.public and "one-week window" in scenario.public
    assert all(party.brief for party in scenario.parties)
