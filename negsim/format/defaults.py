"""The scenario format's defaults, defined once.

What a scenario file may leave out and what it then means. The model's dataclasses, the
validator, the JSON Schema's descriptions, sweeps and sensitivity all read these values, so
they cannot drift apart (``docs/scenario-format.md`` lists them for people).

Example
-------
>>> PARTY["discount"], PROTOCOL["kind"], RESOLUTION
(1.0, 'alternating_offers', 101)
>>> default_value("parties.us.cost_per_round")
0.0
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

RESOLUTION = 101
"""Grid points of a numeric (range) or split issue."""
TYPES = 1601
"""Grid of a continuous (uniform or normal) private parameter: the quantiles on which the
continuum of types is integrated (screening's headline numbers move by less than 0.005
from this grid to finer ones on the bundled scenarios)."""

MAX_DEADLINE = 10_000
"""The longest deadline (rounds). With any discounting below 0.997 a deadline this long is,
to the format's tolerance, talks without one, and every round's proposal is listed in the
JSON (a 10,000-round pie split: about 2 s for the whole ``negsim solve --format json``,
8 MB of output)."""
MAX_RESOLUTION = 10_000_000
"""The finest grid of a numeric or split issue (the memory check refuses most spaces far
sooner)."""
MAX_TYPES = 100_001
"""The finest grid of a continuous private parameter (12,801 types solve in about 2 s)."""
MAX_RUNS = 1_000_000
"""The most Monte Carlo runs of ``simulate``."""

PARTY: Mapping[str, float | None] = MappingProxyType(
    {
        "disagreement": 0.0,
        "outside_option": None,
        "agreement_value": 0.0,
        "discount": 1.0,
        "cost_per_round": 0.0,
        "bargaining_power": 1.0,
        "trust": 1.0,
    }
)
"""A party's scalar parameters when its role sheet leaves them out (``trust`` per issue;
``outside_option`` None: it cannot walk out). Weights default to equal; a split issue's value
function to the party's share of the total."""

PROTOCOL: Mapping[str, str | float | bool | None] = MappingProxyType(
    {
        "kind": "alternating_offers",
        "deadline": None,
        "breakdown_risk": 0.0,
        "rule": "unanimity",
        "lotteries": False,
    }
)
"""The protocol's settings when left out. ``first_proposer`` defaults to the first party and
``recognition`` to equal chances, which depend on the parties."""

EXPONENT = 1.0
"""A power-shaped value function's exponent (linear)."""

SIMULATION_RUNS = 1000
"""Monte Carlo runs when ``simulation.runs`` is left out."""
AGENT_STRATEGY = "linear"
"""The strategy of a party that ``simulation.agents`` leaves out."""
AGENT_EXPONENTS: Mapping[str, float] = MappingProxyType(
    {"boulware": 0.2, "conceder": 2.0, "linear": 1.0, "tit_for_tat": 1.0}
)
"""Each strategy's concession exponent when an agent gives none."""


def party_number(key: str) -> float:
    """A party's numeric default, e.g. ``party_number("discount")`` -> ``1.0``."""
    value = PARTY[key]
    if value is None:
        raise KeyError(f"{key!r} has no numeric default")
    return float(value)


def default_value(path: str) -> float | None:
    """The number a scenario takes for the dotted ``path`` when the file leaves it out: the
    party or protocol default named by its last key (a party's trust in an issue for
    ``parties.NAME.trust.ISSUE``), a private parameter's ``types`` grid, the simulation's
    ``runs``; None when the format has no numeric default there (a
    missing deadline means none, a missing outside option none)."""
    parts = path.split(".")
    if len(parts) >= 2 and parts[-2] == "trust":  # parties.NAME.trust.ISSUE
        return float(PARTY["trust"])  # type: ignore[arg-type]
    key = parts[-1]
    if key == "trust":
        return None  # a mapping of issues, not a number
    if path.startswith("uncertainty") and key == "types":  # uncertainty["NAME.PARAM"].types
        return float(TYPES)
    if path == "simulation.runs":
        return float(SIMULATION_RUNS)
    for defaults in (PARTY, PROTOCOL):
        value = defaults.get(key)
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
    return None
