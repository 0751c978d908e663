"""The JSON Schema of the scenario format: valid files pass, structurally wrong ones fail.

The loader (negsim.format.loader) is the real validator; the schema serves editors. So every
file the loader accepts must pass the schema, and every structural mistake the schema flags
must be one the loader rejects too.
"""

from __future__ import annotations

import copy
import importlib
import json
import re
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from ruamel.yaml import YAML

from negsim.errors import ScenarioError
from negsim.format import bundled
from negsim.format.loader import load_scenario_text
from negsim.format.schema import json_schema
from negsim.format.template import template_text

ROOT = Path(__file__).resolve().parent.parent


def plain(text: str) -> Any:
    """YAML text as JSON data: mapping keys become strings, as editors see them."""
    data = YAML(typ="safe", pure=True).load(text)
    return json.loads(json.dumps(data))


@pytest.fixture(scope="module")
def validator() -> Draft202012Validator:
    schema = json_schema()
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def errors(validator: Draft202012Validator, data: Any) -> list[str]:
    return [error.message for error in validator.iter_errors(data)]


def readme_example() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```yaml\n(.*?)```", text, flags=re.DOTALL)
    assert blocks, "README.md shows no YAML example"
    return blocks[0]


VALID_FILES = [path for _, path in bundled.list_bundled()] + sorted(
    (ROOT / "tests" / "data").glob("*.yaml")
)


def test_schema_metadata() -> None:
    schema = json_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["title"]
    assert schema["additionalProperties"] is False
    assert json.loads(json.dumps(schema)) == schema


@pytest.mark.parametrize("path", VALID_FILES, ids=lambda path: path.name)
def test_valid_files_pass(path: Path, validator: Draft202012Validator) -> None:
    assert errors(validator, plain(path.read_text(encoding="utf-8"))) == []


def test_template_passes(validator: Draft202012Validator) -> None:
    raw = (ROOT / "negsim" / "format" / "template.yaml").read_text(encoding="utf-8")
    assert errors(validator, plain(raw)) == []
    assert errors(validator, plain(template_text('odd: "name" # here'))) == []


def test_readme_example_is_valid(validator: Draft202012Validator) -> None:
    text = readme_example()
    load_scenario_text(text, "README.md")
    assert errors(validator, plain(text)) == []


def test_template_uses_every_key_the_schema_knows() -> None:
    """The template shows the whole format: every top-level, issue, party and protocol key
    (recognition and rule, which apply to random_proposer only, are shown commented out)."""
    raw = (ROOT / "negsim" / "format" / "template.yaml").read_text(encoding="utf-8")
    data = plain(raw)
    defs = json_schema()["$defs"]
    assert set(data) == set(json_schema()["properties"])
    issue_keys = {key for issue in data["issues"].values() for key in issue}
    for kind in ("CategoricalIssue", "NumericIssue", "SplitIssue"):
        assert set(defs[kind]["properties"]) <= issue_keys
    party_keys = {key for party in data["parties"].values() for key in party}
    assert party_keys == set(defs["Party"]["properties"])
    protocol_keys = set(data["protocol"]) | {"recognition", "rule"}
    assert protocol_keys == set(defs["Protocol"]["properties"])
    assert "# recognition:" in raw and "# rule:" in raw


def loader_keys(name: str) -> set[str]:
    """A tuple of allowed keys from the loader's validator (``TOP_KEYS``, ``PARTY_KEYS``...)."""
    for module_name in (
        "negsim.format.validation",
        "negsim.format.rules.issues",
        "negsim.format.rules.parties",
        "negsim.format.rules.protocol",
    ):
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        if hasattr(module, name):
            return set(getattr(module, name))
    pytest.fail(f"the loader no longer defines {name}; point this test at its key lists")


def test_schema_keys_match_the_loader() -> None:
    """The schema and the loader agree on which keys exist."""
    schema = json_schema()
    defs = schema["$defs"]
    assert set(schema["properties"]) == loader_keys("TOP_KEYS")
    assert set(defs["Party"]["properties"]) == loader_keys("PARTY_KEYS")
    assert set(defs["Protocol"]["properties"]) == loader_keys("PROTOCOL_KEYS")
    issue_keys = set().union(
        *(defs[kind]["properties"] for kind in ("CategoricalIssue", "NumericIssue", "SplitIssue"))
    )
    assert issue_keys == loader_keys("ISSUE_KEYS")
    assert set(defs["Shape"]["properties"]) == loader_keys("SHAPE_KEYS")


def _template() -> dict[str, Any]:
    return plain((ROOT / "negsim" / "format" / "template.yaml").read_text(encoding="utf-8"))


def _set(data: dict[str, Any], dotted: str, value: Any) -> dict[str, Any]:
    data = copy.deepcopy(data)
    *parents, last = dotted.split("/")
    node: Any = data
    for key in parents:
        node = node[int(key)] if isinstance(node, list) else node[key]
    node[last] = value
    return data


def _delete(data: dict[str, Any], dotted: str) -> dict[str, Any]:
    data = copy.deepcopy(data)
    *parents, last = dotted.split("/")
    node: Any = data
    for key in parents:
        node = node[key]
    del node[last]
    return data


WRONG = {
    "unknown top-level key": lambda d: _set(d, "protocols", {}),
    "unknown party key": lambda d: _set(d, "parties/buyer/discont", 0.9),
    "unknown issue key": lambda d: _set(d, "issues/delivery/units", "days"),
    "unknown protocol key": lambda d: _set(d, "protocol/deadlines", 3),
    "wrong version": lambda d: _set(d, "negsim", 2),
    "name not text": lambda d: _set(d, "name", ["a", "b"]),
    "missing issues": lambda d: _delete(d, "issues"),
    "one party": lambda d: _delete(d, "parties/supplier"),
    "issue without a kind": lambda d: _delete(d, "issues/warranty/options"),
    "issue with two kinds": lambda d: _set(d, "issues/warranty/range", [0, 1]),
    "options not a list": lambda d: _set(d, "issues/warranty/options", "none"),
    "option not an identifier": lambda d: _set(d, "issues/warranty/options", ["1 year"]),
    "range of three": lambda d: _set(d, "issues/delivery/range", [7, 14, 35]),
    "resolution of 1": lambda d: _set(d, "issues/delivery/resolution", 1),
    "split total zero": lambda d: _set(d, "issues/savings/split", {"total": 0}),
    "discount as text": lambda d: _set(d, "parties/buyer/discount", "high"),
    "discount above one": lambda d: _set(d, "parties/buyer/discount", 1.5),
    "discount is null": lambda d: _set(d, "parties/buyer/discount", None),
    "weight as bool": lambda d: _set(d, "parties/buyer/weights/warranty", True),
    "negative weight": lambda d: _set(d, "parties/buyer/weights/warranty", -1),
    "trust above one": lambda d: _set(d, "parties/buyer/trust/warranty", 1.2),
    "value function as list": lambda d: _set(d, "parties/buyer/values/warranty", [0, 1, 1]),
    "value as text": lambda d: _set(d, "parties/buyer/values/warranty/none", "low"),
    "split shape with a list": lambda d: _set(
        d, "parties/supplier/values/savings", {"exponent": [1, 2]}
    ),
    "lottery branch without p": lambda d: _set(
        d, "parties/supplier/disagreement", {"lottery": [{"value": 0.2}]}
    ),
    "disagreement as text": lambda d: _set(d, "parties/buyer/disagreement", "bad"),
    "interaction without value": lambda d: _set(
        d, "parties/buyer/interactions", [{"when": {"warranty": "none"}}]
    ),
    "constraint with unknown key": lambda d: _set(d, "constraints", [{"forbids": {}}]),
    "bounds with unknown key": lambda d: _set(
        d, "constraints", [{"forbid": {"delivery": {"minimum": 7}}}]
    ),
    "unknown protocol kind": lambda d: _set(d, "protocol/kind", "auction"),
    "deadline zero": lambda d: _set(d, "protocol/deadline", 0),
    "breakdown risk one": lambda d: _set(d, "protocol/breakdown_risk", 1),
    "lotteries as text": lambda d: _set(d, "protocol/lotteries", "yes"),
    "uncertain key without a parameter": lambda d: _set(
        d, "uncertainty", {"buyer": {"uniform": [0, 1]}}
    ),
    "uncertain parameter unknown": lambda d: _set(
        d, "uncertainty", {"buyer.weights": {"uniform": [0, 1]}}
    ),
    "unknown distribution": lambda d: _set(
        d, "uncertainty", {"buyer.disagreement": {"beta": [1, 2]}}
    ),
    "normal without sd": lambda d: _set(
        d, "uncertainty", {"buyer.discount": {"normal": {"mean": 0.9, "min": 0.8, "max": 1}}}
    ),
    "unknown strategy": lambda d: _set(d, "simulation/agents/buyer", {"strategy": "random"}),
    "runs as text": lambda d: _set(d, "simulation/runs", "many"),
    "mediator with unknown key": lambda d: _set(d, "mediators/trade_association/promises", {}),
    "guarantee above one": lambda d: _set(
        d, "mediators/trade_association/guarantees", {"buyer": {"warranty": 2}}
    ),
    "party name not an identifier": lambda d: _set(d, "parties/2nd", {"label": "x"}),
}


@pytest.mark.parametrize("mutate", list(WRONG.values()), ids=list(WRONG))
def test_structurally_wrong_documents_fail(mutate: Any, validator: Draft202012Validator) -> None:
    data = mutate(_template())
    assert errors(validator, data), "the schema accepted a wrong document"
    # the loader, the real validator, rejects it as well
    with pytest.raises(ScenarioError):
        load_scenario_text(json.dumps(data), "wrong.yaml")


@pytest.mark.parametrize(
    "document",
    [None, [], "negsim: 1", 1],
    ids=["null", "list", "string", "number"],
)
def test_documents_that_are_not_mappings_fail(
    document: Any, validator: Draft202012Validator
) -> None:
    assert errors(validator, document)
