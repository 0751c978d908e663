"""The parts of a scenario: frozen, typed records of issues, value functions, parties, the
protocol, uncertainty, agents and mediators (scenario format version 1).

They make up a :class:`negsim.format.scenario.Scenario`, which
:func:`negsim.format.loader.load_scenario` returns after every rule of the format has been
checked. All names are resolved, all defaults filled in and all weights normalized, so
solvers never see raw YAML and never need to re-validate.

The records are frozen dataclasses; the mappings inside them are plain ``dict`` objects that
must be treated as read-only (they stay plain so that scenarios pickle for worker processes).
"""

from __future__ import annotations

import typing
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from negsim.format import defaults

if TYPE_CHECKING:
    import numpy as np

FORMAT_VERSION = 1
TOLERANCE = 1e-9
"""Absolute tolerance for comparing utilities (``docs/scenario-format.md``, ties and tolerance)."""
POINTS = 100.0
"""Points per unit of utility. Wherever a person reads points (role sheets, ``negsim play``,
``negsim debrief``, the classroom), points are utility times this: a perfect deal on every
issue is worth 100 points. Machine-readable output (JSON, CSV, transcripts) keeps utilities."""

# --------------------------------------------------------------------------------------------
# Issues


@dataclass(frozen=True, slots=True)
class CategoricalIssue:
    """An issue with named options, in the listed order."""

    name: str
    options: tuple[str, ...]
    label: str
    description: str | None = None
    kind: Literal["categorical"] = "categorical"

    @property
    def n_levels(self) -> int:
        return len(self.options)


@dataclass(frozen=True, slots=True)
class NumericIssue:
    """A continuous issue on ``[low, high]``, enumerated on ``resolution`` evenly spaced points."""

    name: str
    low: float
    high: float
    resolution: int
    label: str
    unit: str | None = None
    description: str | None = None
    kind: Literal["numeric"] = "numeric"

    @property
    def n_levels(self) -> int:
        return self.resolution

    def grid(self) -> np.ndarray:
        """The enumerated values, ascending, shape ``(resolution,)``: ``low + (high - low) * k /
        (resolution - 1)``, computed so that round values stay round (0.83, not
        0.8300000000000001)."""
        import numpy as np

        steps = np.arange(self.resolution) * (self.high - self.low)
        return self.low + steps / (self.resolution - 1)


@dataclass(frozen=True, slots=True)
class SplitIssue:
    """A total divided among all parties, enumerated on a simplex grid of step
    ``total / (resolution - 1)``."""

    name: str
    total: float
    resolution: int
    label: str
    description: str | None = None
    kind: Literal["split"] = "split"

    def n_levels_for(self, n_parties: int) -> int:
        """Number of grid points of the ``(n_parties - 1)``-simplex: C(m + n - 1, n - 1)."""
        from math import comb

        return comb(self.resolution - 1 + n_parties - 1, n_parties - 1)


Issue = CategoricalIssue | NumericIssue | SplitIssue

# --------------------------------------------------------------------------------------------
# Value functions


@dataclass(frozen=True, slots=True)
class CategoricalValues:
    """Value of each option of a categorical issue, in the issue's option order."""

    values: tuple[float, ...]

    def evaluate(self, option_index: np.ndarray) -> np.ndarray:
        import numpy as np

        return np.asarray(self.values, dtype=float)[option_index]


@dataclass(frozen=True, slots=True)
class PiecewiseLinear:
    """Piecewise-linear value through points ``(x, value)``, flat beyond the outermost points.

    For a split issue ``x`` is the party's own share in absolute units of the total.
    """

    xs: tuple[float, ...]
    values: tuple[float, ...]

    def evaluate(self, x: np.ndarray) -> np.ndarray:
        import numpy as np

        return np.interp(np.asarray(x, dtype=float), self.xs, self.values)


@dataclass(frozen=True, slots=True)
class PowerShape:
    """Value ``((x - worst) / (best - worst)) ** exponent``, the base clipped to ``[0, 1]``.

    For a split issue, ``{exponent: e}`` is ``PowerShape(best=total, worst=0, exponent=e)``.
    """

    best: float
    worst: float
    exponent: float = defaults.EXPONENT

    def evaluate(self, x: np.ndarray) -> np.ndarray:
        import numpy as np

        base = (np.asarray(x, dtype=float) - self.worst) / (self.best - self.worst)
        return np.clip(base, 0.0, 1.0) ** self.exponent


ValueFunction = CategoricalValues | PiecewiseLinear | PowerShape

# --------------------------------------------------------------------------------------------
# Conditions, interactions, constraints, lotteries


@dataclass(frozen=True, slots=True)
class Condition:
    """One condition on one issue of a package.

    Exactly one form applies, by the issue's kind:

    * categorical: ``options``, the package's option is one of them;
    * numeric: ``values`` (the package's value equals one of them, within 1e-9) or the
      inclusive bounds ``low``/``high`` (either may be None, meaning unbounded);
    * split: ``party`` with inclusive bounds ``low``/``high`` on that party's share.
    """

    issue: str
    options: tuple[str, ...] | None = None
    values: tuple[float, ...] | None = None
    low: float | None = None
    high: float | None = None
    party: str | None = None


@dataclass(frozen=True, slots=True)
class Interaction:
    """A non-additive term: ``value`` is added for every package matching all ``conditions``."""

    conditions: tuple[Condition, ...]
    value: float


@dataclass(frozen=True, slots=True)
class Constraint:
    """Packages matching all ``conditions`` are infeasible."""

    conditions: tuple[Condition, ...]


@dataclass(frozen=True, slots=True)
class LotteryBranch:
    p: float
    value: float
    label: str | None = None


@dataclass(frozen=True, slots=True)
class Lottery:
    """A disagreement payoff: a lottery over utilities. A plain number is one sure branch."""

    branches: tuple[LotteryBranch, ...]

    @property
    def expected(self) -> float:
        return float(sum(b.p * b.value for b in self.branches))

    @property
    def is_sure(self) -> bool:
        return len(self.branches) == 1

    @classmethod
    def sure(cls, value: float) -> Lottery:
        return cls((LotteryBranch(1.0, float(value)),))


# --------------------------------------------------------------------------------------------
# Parties


@dataclass(frozen=True, slots=True)
class Party:
    """One side's role sheet.

    ``weights`` holds every issue, normalized to sum 1. ``values`` holds every issue; it is
    None only for an issue of weight 0 given no value function. ``trust`` holds every issue as
    stated in the file (mediator guarantees are applied by :meth:`Scenario.effective_trust`).
    """

    name: str
    label: str
    weights: dict[str, float]
    values: dict[str, ValueFunction | None]
    interactions: tuple[Interaction, ...] = ()
    disagreement: Lottery = field(
        default_factory=lambda: Lottery.sure(defaults.party_number("disagreement"))
    )
    outside_option: float | None = None
    agreement_value: float = defaults.party_number("agreement_value")
    discount: float = defaults.party_number("discount")
    cost_per_round: float = defaults.party_number("cost_per_round")
    bargaining_power: float = defaults.party_number("bargaining_power")
    trust: dict[str, float] = field(default_factory=dict)
    brief: str | None = None
    """The confidential instructions this party's negotiator reads (Markdown), or None."""


# --------------------------------------------------------------------------------------------
# Protocol

ProtocolKind = Literal["alternating_offers", "ultimatum", "one_sided", "random_proposer"]
PROTOCOL_KINDS: tuple[str, ...] = (
    "alternating_offers",
    "ultimatum",
    "one_sided",
    "random_proposer",
)
VotingRule = Literal["unanimity", "majority"]


@dataclass(frozen=True, slots=True)
class Protocol:
    """The rules of the talks. ``deadline`` is None for no deadline (``ultimatum`` has 1).
    ``recognition`` holds every party (uniform unless given)."""

    kind: ProtocolKind
    first_proposer: str
    deadline: int | None
    breakdown_risk: float
    recognition: dict[str, float]
    rule: VotingRule
    lotteries: bool
    round_label: str | None = None


# --------------------------------------------------------------------------------------------
# Uncertainty

UNCERTAIN_PARAMETERS: tuple[str, ...] = (
    "disagreement",
    "agreement_value",
    "outside_option",
    "discount",
    "cost_per_round",
)


@dataclass(frozen=True, slots=True)
class Uniform:
    low: float
    high: float
    types: int = defaults.TYPES

    def quantile(self, q: np.ndarray) -> np.ndarray:
        """The value below which a share ``q`` of the distribution lies."""
        return self.low + (self.high - self.low) * q

    def discretize(self) -> tuple[np.ndarray, np.ndarray]:
        """``types`` equally likely values at the quantiles ``(k + 1/2) / N``."""
        import numpy as np

        q = (np.arange(self.types) + 0.5) / self.types
        return self.quantile(q), np.full(self.types, 1.0 / self.types)


@dataclass(frozen=True, slots=True)
class Normal:
    """A normal distribution truncated to ``[low, high]``."""

    mean: float
    sd: float
    low: float
    high: float
    types: int = defaults.TYPES

    def quantile(self, q: np.ndarray) -> np.ndarray:
        """The value below which a share ``q`` of the distribution lies."""
        import numpy as np
        from scipy.stats import truncnorm

        a, b = (self.low - self.mean) / self.sd, (self.high - self.mean) / self.sd
        values = truncnorm.ppf(q, a, b, loc=self.mean, scale=self.sd)
        return np.clip(values, self.low, self.high)

    def discretize(self) -> tuple[np.ndarray, np.ndarray]:
        """``types`` equally likely values at the quantiles ``(k + 1/2) / N``."""
        import numpy as np

        q = (np.arange(self.types) + 0.5) / self.types
        return self.quantile(q), np.full(self.types, 1.0 / self.types)


@dataclass(frozen=True, slots=True)
class Choice:
    """Discrete types, used exactly."""

    values: tuple[float, ...]
    probabilities: tuple[float, ...]

    @property
    def types(self) -> int:
        return len(self.values)

    def discretize(self) -> tuple[np.ndarray, np.ndarray]:
        import numpy as np

        return np.asarray(self.values, dtype=float), np.asarray(self.probabilities, dtype=float)


Distribution = Uniform | Normal | Choice


@dataclass(frozen=True, slots=True)
class UncertainParameter:
    """``party.parameter`` is private to ``party``; the others know only ``distribution``."""

    party: str
    parameter: str
    distribution: Distribution


# --------------------------------------------------------------------------------------------
# Simulation and mediators

STRATEGIES: tuple[str, ...] = ("boulware", "conceder", "linear", "tit_for_tat")


@dataclass(frozen=True, slots=True)
class Agent:
    strategy: str
    exponent: float


@dataclass(frozen=True, slots=True)
class Simulation:
    runs: int
    seed: int | None
    agents: dict[str, Agent]


@dataclass(frozen=True, slots=True)
class Mediator:
    """A third party whose guarantee raises ``party``'s trust on ``issue`` to at least the
    stated level: ``guarantees[party][issue]``."""

    name: str
    label: str
    guarantees: dict[str, dict[str, float]]


# --------------------------------------------------------------------------------------------
# What the format's own checks read of a whole scenario


class ScenarioParts(typing.Protocol):
    """The parts of a scenario that the checks on a whole scenario (its size, whether any
    package is feasible) read. :class:`negsim.format.scenario.Scenario` has them all; the
    checks ask only for these, so the modules below the scenario record never import it."""

    @property
    def issues(self) -> tuple[Issue, ...]: ...

    @property
    def constraints(self) -> tuple[Constraint, ...]: ...

    @property
    def parties(self) -> tuple[Party, ...]: ...

    @property
    def party_names(self) -> tuple[str, ...]: ...

    @property
    def n_parties(self) -> int: ...

    @property
    def n_packages(self) -> int: ...

    @property
    def protocol(self) -> Protocol: ...

    @property
    def uncertainty(self) -> tuple[UncertainParameter, ...]: ...

    def n_levels(self, issue: Issue) -> int: ...
