"""Pydantic models of the scenario format (version 1) and its JSON Schema.

These models describe the *shape* of a scenario file for editors and other tools: which keys
exist, what type each holds, and the simple bounds the format states (a discount in (0, 1], a
probability in [0, 1], ...). They accept every valid file. They do not check the rules that
tie parts of a file together (a value map naming every option, weights naming declared
issues, probabilities summing to 1, ...): :func:`negsim.format.loader.load_scenario` does the
real validation and reports every problem with its line and column.

Mappings whose keys a file chooses (issue, option, party names) become objects with
``propertyNames``; numeric keys (piecewise-linear points such as ``{0: 1.0, 100: 0.0}``) are
strings in JSON, as YAML editors present them.

Example
-------
>>> schema = json_schema()
>>> schema["$schema"]
'https://json-schema.org/draft/2020-12/schema'
>>> sorted(schema["required"])
['issues', 'name', 'negsim', 'parties']
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from negsim.format.defaults import (
    EXPONENT,
    PARTY,
    PROTOCOL,
    RESOLUTION,
    TYPES,
)

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
IDENTIFIER_PATTERN = r"^[A-Za-z][A-Za-z0-9_-]*$"
UNCERTAIN_KEY_PATTERN = (
    r"^[A-Za-z][A-Za-z0-9_-]*\."
    r"(disagreement|agreement_value|outside_option|discount|cost_per_round)$"
)

Identifier = Annotated[str, StringConstraints(pattern=IDENTIFIER_PATTERN)]
UncertainKey = Annotated[str, StringConstraints(pattern=UNCERTAIN_KEY_PATTERN)]
Probability = Annotated[float, Field(ge=0, le=1)]


def _optional(**constraints: Any) -> Any:
    """A key that may be left out. Typed ``Any`` so a key that may be absent but not null keeps
    its plain annotation (``discount: float``): the schema then refuses ``null`` there."""
    return Field(None, **constraints)


class _Strict(BaseModel):
    """Unknown keys are errors everywhere in the format."""

    model_config = ConfigDict(extra="forbid")


# --------------------------------------------------------------------------------------------
# Issues

_LABEL = "Display name."
_DESCRIPTION = "Free text."
_RESOLUTION = (
    "Number of evenly spaced grid points used to enumerate packages (at least 2; default "
    f"{RESOLUTION})."
)


class CategoricalIssue(_Strict):
    """A categorical issue: one of a list of named options."""

    options: list[Identifier] = Field(
        min_length=1, description="One or more distinct option names, in enumeration order."
    )
    label: str = _optional(description=_LABEL)
    description: str = _optional(description=_DESCRIPTION)


class NumericIssue(_Strict):
    """A numeric issue: a continuous amount in ``[lo, hi]``, enumerated on a grid."""

    range: tuple[float, float] = Field(description="[lo, hi] with lo < hi.")
    resolution: int = _optional(ge=2, description=_RESOLUTION)
    unit: str = _optional(description="Display label of the amount's unit.")
    label: str = _optional(description=_LABEL)
    description: str = _optional(description=_DESCRIPTION)


class SplitTotal(_Strict):
    total: float = Field(gt=0, description="The amount divided among all parties.")


class SplitIssue(_Strict):
    """A split issue: a total divided among all parties; each party values its own share."""

    split: SplitTotal = Field(
        description="Divides `total` among all parties; with n parties an (n-1)-simplex "
        "enumerated on a grid of step total/(resolution-1)."
    )
    resolution: int = _optional(ge=2, description=_RESOLUTION)
    label: str = _optional(description=_LABEL)
    description: str = _optional(description=_DESCRIPTION)


Issue = Annotated[
    CategoricalIssue | NumericIssue | SplitIssue,
    Field(description="An issue has exactly one of `options`, `range` or `split`."),
]

# --------------------------------------------------------------------------------------------
# Value functions, conditions, lotteries


class Shape(_Strict):
    """A numeric issue's value ((x - worst) / (best - worst))^exponent, clipped to [0, 1]."""

    best: float = Field(description="The amount worth 1.")
    worst: float = Field(description="The amount worth 0.")
    exponent: float = _optional(gt=0, description=f"Curvature; {EXPONENT:g} (linear) by default.")


class ShareExponent(_Strict):
    """A split issue's value (share/total)^exponent."""

    exponent: float = Field(gt=0, description="Curvature of the value of the party's own share.")


ValueFunction = Annotated[
    Shape | ShareExponent | dict[str, float],
    Field(
        description="Categorical issue: {option: value} naming every option. Numeric issue: "
        "piecewise-linear points {x: value} (at least two, inside [lo, hi]; flat beyond the "
        "outermost points), or {best, worst, exponent}. Split issue: {exponent: e} for "
        "(share/total)^e, or points {share: value}; default is share/total."
    ),
]


class Bounds(_Strict):
    """Inclusive bounds on a numeric amount or a share: min, max or both."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"minProperties": 1})

    min: float = _optional(description="Lower bound, inclusive.")
    max: float = _optional(description="Upper bound, inclusive.")


Condition = Annotated[
    str | float | list[str | float] | Bounds | dict[Identifier, Bounds],
    Field(
        description="Categorical issue: an option or a list of options. Numeric issue: a value, "
        "a list of values, or {min, max}. Split issue: {party: {min, max}} on that party's share."
    ),
]


class Interaction(_Strict):
    """A non-additive term of a party's utility."""

    when: dict[Identifier, Condition] = Field(
        description="Conditions, issue -> condition; a package must match all of them."
    )
    value: float = Field(
        description="Added (raw: not weighted, not trust-adjusted) to the party's utility for "
        "every matching package."
    )


class LotteryBranch(_Strict):
    p: Probability = Field(description="Probability of this branch.")
    value: float = Field(description="Utility in this branch.")
    label: str = _optional(description="What happens in this branch (shown in reports).")


class Lottery(_Strict):
    """A lottery over disagreement utilities; solvers use its expected value."""

    lottery: list[LotteryBranch] = Field(
        min_length=1, description="Branches whose probabilities sum to 1 (within 1e-9)."
    )


# --------------------------------------------------------------------------------------------
# Parties


class Party(_Strict):
    """One party's role sheet."""

    label: str = _optional(description="Display name; the party's name by default.")
    weights: dict[Identifier, Annotated[float, Field(ge=0)]] = _optional(
        description="Importance of each issue (>= 0, not all zero), normalized to sum 1; "
        "equal by default.",
    )
    values: dict[Identifier, ValueFunction] = _optional(
        description="How good each option or amount is for this party, issue -> value "
        "function. An issue of weight 0 needs none; split issues default to share/total.",
    )
    interactions: list[Interaction] = _optional(
        description="Non-additive terms: {when: {issue: condition, ...}, value: number}."
    )
    disagreement: float | Lottery = _optional(
        description="Utility when talks end without a deal (the BATNA or conflict payoff): a "
        f"number or a lottery; {PARTY['disagreement']:g} by default.",
    )
    outside_option: float | None = _optional(
        description="Utility this party can take by walking out when it rejects an offer; "
        "null: it cannot walk out.",
    )
    agreement_value: float = _optional(
        description="Utility added to every agreement: the value of any deal; "
        f"{PARTY['agreement_value']:g} by default."
    )
    discount: float = _optional(
        gt=0,
        le=1,
        description=f"Per-round discount factor in (0, 1]; {PARTY['discount']:g} by default.",
    )
    cost_per_round: float = _optional(
        ge=0,
        description="Fixed utility cost of each round of delay; "
        f"{PARTY['cost_per_round']:g} by default.",
    )
    bargaining_power: float = _optional(
        gt=0,
        description="Exponent in the generalized Nash product; "
        f"{PARTY['bargaining_power']:g} by default.",
    )
    trust: dict[Identifier, Probability] = _optional(
        description=f"Credibility of promises on each issue, in [0, 1]; {PARTY['trust']:g} by "
        "default. With trust "
        "t the value is t * v + (1 - t) * (the party's worst value on that issue).",
    )
    brief: str = _optional(
        description="This party's confidential instructions (Markdown): what its negotiator "
        "reads on its role sheet (`negsim handout`); never shown to the other parties.",
    )


class Constraint(_Strict):
    """Packages that cannot be agreed."""

    forbid: dict[Identifier, Condition] = Field(
        description="Conditions, issue -> condition; every package matching all of them is "
        "infeasible."
    )


class Protocol(_Strict):
    """The rules of the talks."""

    kind: Literal["alternating_offers", "ultimatum", "one_sided", "random_proposer"] = _optional(
        description="alternating_offers (default); ultimatum (alternating offers with "
        "deadline 1); one_sided (only first_proposer proposes); random_proposer (the "
        "proposer is drawn each round by `recognition`; Baron-Ferejohn).",
    )
    first_proposer: Identifier = _optional(
        description="Who proposes in round 0; the first party by default."
    )
    deadline: int | None = _optional(
        ge=1, description="Number of rounds; null (default) means no deadline."
    )
    breakdown_risk: float = _optional(
        ge=0,
        lt=1,
        description="Probability in [0, 1) that talks end after each rejection; "
        f"{PROTOCOL['breakdown_risk']:g} by default.",
    )
    recognition: dict[Identifier, Probability] = _optional(
        description="Party -> probability of being recognised as proposer, for random_proposer; "
        "uniform by default.",
    )
    rule: Literal["unanimity", "majority"] = _optional(
        description="unanimity (default) or majority (strictly more than half of all parties, "
        "proposer included), for random_proposer.",
    )
    lotteries: bool = _optional(
        description="Offers may be lotteries over packages (the convex hull); false: single "
        "packages only. False by default.",
    )
    round: str = _optional(description="Display label of one round, e.g. `1 day`.")


# --------------------------------------------------------------------------------------------
# Uncertainty

_TYPES = f"Number of equally likely types the solvers use (default {TYPES})."


class NormalParameters(_Strict):
    mean: float = Field(description="Mean before truncation.")
    sd: float = Field(gt=0, description="Standard deviation before truncation.")
    min: float = Field(description="Lower truncation point.")
    max: float = Field(description="Upper truncation point.")


class ChoiceParameters(_Strict):
    values: list[float] = Field(min_length=1, description="The possible values (the types).")
    p: list[Probability] = _optional(
        min_length=1, description="Their probabilities, summing to 1; equal by default."
    )


class UniformDistribution(_Strict):
    uniform: tuple[float, float] = Field(description="[a, b]: uniform on that interval.")
    types: int = _optional(ge=1, description=_TYPES)


class NormalDistribution(_Strict):
    normal: NormalParameters = Field(description="A normal distribution truncated to [min, max].")
    types: int = _optional(ge=1, description=_TYPES)


class ChoiceDistribution(_Strict):
    choice: ChoiceParameters = Field(description="Discrete types, used exactly.")


Distribution = Annotated[
    UniformDistribution | NormalDistribution | ChoiceDistribution,
    Field(description="uniform: [a, b]; normal: {mean, sd, min, max}; choice: {values, p}."),
]

# --------------------------------------------------------------------------------------------
# Simulation and mediators


class Agent(_Strict):
    strategy: Literal["boulware", "conceder", "linear", "tit_for_tat"] = Field(
        description="Time-based concession tactic: boulware holds firm until late, conceder "
        "gives ground early, linear concedes evenly, tit_for_tat mirrors the other side's last "
        "concession."
    )
    exponent: float = _optional(
        gt=0,
        description="Concession exponent: target = best - (best - d) * (t/(T-1))^(1/exponent).",
    )


class Simulation(_Strict):
    """Negotiating agents for `negsim simulate`."""

    runs: int = _optional(ge=1, description="Number of Monte Carlo runs.")
    seed: int | None = _optional(ge=0, description="Random seed; the same seed, the same runs.")
    agents: dict[Identifier, Agent] = _optional(description="Party -> its negotiating agent.")


class Mediator(_Strict):
    """A third party that guarantees promises."""

    label: str = _optional(description="Display name.")
    guarantees: dict[Identifier, dict[Identifier, Probability]] = Field(
        description="Party -> issue -> level: raises that party's trust on that issue to at "
        "least the level."
    )


# --------------------------------------------------------------------------------------------
# Scenario


class Scenario(_Strict):
    """A negsim scenario file, format version 1."""

    negsim: Literal[1] = Field(description="Schema version of the file format: 1.")
    name: str = Field(description="Title shown in tables, charts and reports.")
    description: str = _optional(description=_DESCRIPTION)
    public: str = _optional(
        description="The public brief (Markdown): what every party knows, printed at the top "
        "of every role sheet (`negsim handout`)."
    )
    sources: list[str] = _optional(description="Where the facts come from.")
    issues: dict[Identifier, Issue] = Field(
        min_length=1, description="Issue name -> issue, at least one."
    )
    parties: dict[Identifier, Party] = Field(
        min_length=2, description="Party name -> party, at least two; the order is the party order."
    )
    constraints: list[Constraint] = _optional(description="Packages that cannot be agreed.")
    protocol: Protocol = _optional(description="Rules of the talks.")
    uncertainty: dict[UncertainKey, Distribution] = _optional(
        description="`party.parameter` -> distribution: parameters private to that party "
        "(incomplete information). Parameters: disagreement, agreement_value, outside_option, "
        "discount, cost_per_round.",
    )
    simulation: Simulation = _optional(description="Negotiating agents for `negsim simulate`.")
    mediators: dict[Identifier, Mediator] = _optional(
        description="Third parties that guarantee promises."
    )


def json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of the scenario format, as a plain dict.

    Pydantic's output is tightened for editors: a mapping with chosen keys (issue, party,
    option names) gets ``propertyNames`` and ``additionalProperties`` so a misspelt name is
    flagged, and the ``default: null`` of optional keys is dropped (absent keys take the
    defaults the descriptions state; ``null`` is accepted only where the format allows it).
    """
    schema = _tighten(Scenario.model_json_schema())
    return {
        "$schema": SCHEMA_DIALECT,
        **schema,
        "title": "negsim scenario, format version 1",
    }


def _tighten(node: Any) -> Any:
    if isinstance(node, list):
        return [_tighten(item) for item in node]
    if not isinstance(node, dict):
        return node
    result = {key: _tighten(value) for key, value in node.items()}
    if "default" in result and result["default"] is None:
        del result["default"]
    patterns = result.get("patternProperties")
    if isinstance(patterns, dict) and len(patterns) == 1 and "additionalProperties" not in result:
        ((pattern, value_schema),) = patterns.items()
        del result["patternProperties"]
        result["propertyNames"] = {"pattern": pattern}
        result["additionalProperties"] = value_schema
    return result
