"""A validated negotiation scenario: the frozen :class:`Scenario` record, built only by
validation, and its variants (:meth:`Scenario.replace`).

Example
-------
>>> from negsim.format.loader import load_scenario
>>> scenario = load_scenario("scenarios/pie-split.yaml")
>>> scenario.party_names
('player1', 'player2')
>>> impatient = scenario.replace({"parties.player2.discount": 0.5}, protocol__deadline=3)
>>> impatient.party("player2").discount, impatient.protocol.deadline
(0.5, 3)
>>> scenario.party("player2").discount, scenario.protocol.deadline
(0.8, None)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from negsim.format import defaults
from negsim.format.model import (
    FORMAT_VERSION,
    Constraint,
    Issue,
    Mediator,
    Party,
    Protocol,
    Simulation,
    SplitIssue,
    UncertainParameter,
)
from negsim.format.paths import set_path
from negsim.format.source import YNode, from_python
from negsim.format.validation import ScenarioValidator

if TYPE_CHECKING:
    import numpy as np


@dataclass(frozen=True, slots=True)
class Scenario:
    """A validated negotiation scenario (format version 1).

    Issues and parties keep their file order: the party order and the enumeration order of
    packages follow it. ``data`` is the scenario as plain data, as the file gave it (None
    for a scenario built in code); :meth:`replace` edits it by dotted paths and validates
    the result again. ``public`` is the brief every party reads and each party's ``brief``
    its confidential instructions (Markdown; ``negsim handout``).
    """

    name: str
    issues: tuple[Issue, ...]
    parties: tuple[Party, ...]
    protocol: Protocol
    description: str | None = None
    public: str | None = None
    sources: tuple[str, ...] = ()
    constraints: tuple[Constraint, ...] = ()
    uncertainty: tuple[UncertainParameter, ...] = ()
    simulation: Simulation | None = None
    mediators: tuple[Mediator, ...] = ()
    source: str = "<memory>"
    version: int = FORMAT_VERSION
    data: Mapping[str, Any] | None = field(default=None, repr=False, compare=False)

    # -- construction ----------------------------------------------------------------------------

    @classmethod
    def from_tree(cls, root: YNode, filename: str) -> Scenario:
        """Validate a YAML tree (with positions) and build the scenario.

        Raises
        ------
        ScenarioError
            With every problem, sorted by position.
        """
        validator = ScenarioValidator(filename)
        scenario = cls(**validator.fields(root), data=root.plain())
        validator.check_whole(scenario)
        return scenario

    @classmethod
    def from_data(cls, data: Mapping[str, Any], filename: str = "<memory>") -> Scenario:
        """Validate a scenario given as plain Python data (no positions in messages)."""
        return cls.from_tree(from_python(dict(data)), filename)

    def replace(self, changes: Mapping[str, Any] | None = None, /, **paths: Any) -> Scenario:
        """A variant of this scenario with values set at dotted paths, validated again.

        Paths are those of ``negsim sweep`` (``parties.maduro.discount``,
        ``protocol.deadline``, ``parties.us.values.amnesty.full``), given as a mapping or,
        where they are Python names, as keywords with ``__`` for the dots
        (``protocol__deadline=7``).

        Raises
        ------
        negsim.format.paths.PathError
            For a path that does not lead into the scenario.
        ScenarioError
            When the variant breaks a rule of the format.
        """
        if self.data is None:
            raise ValueError(
                "this scenario was built in code, not read from a file: it has no data to edit"
            )
        data: dict[str, Any] = dict(self.data)
        edits = dict(changes or {})
        edits.update({key.replace("__", "."): value for key, value in paths.items()})
        for path, value in edits.items():
            data = set_path(data, path, value)
        return type(self).from_data(data, self.source)

    def __repr__(self) -> str:
        protocol = self.protocol
        deadline = "no deadline" if protocol.deadline is None else f"deadline {protocol.deadline}"
        return (
            f"<Scenario {self.name!r}: {len(self.issues)} issue{'s' * (len(self.issues) != 1)}, "
            f"{self.n_parties} parties ({', '.join(self.party_names)}), "
            f"{protocol.kind} with {deadline}, {self.n_packages:,} packages>"
        )

    # -- lookups ---------------------------------------------------------------------------------

    @property
    def issue_names(self) -> tuple[str, ...]:
        return tuple(issue.name for issue in self.issues)

    @property
    def party_names(self) -> tuple[str, ...]:
        return tuple(party.name for party in self.parties)

    @property
    def n_parties(self) -> int:
        return len(self.parties)

    def issue(self, name: str) -> Issue:
        for issue in self.issues:
            if issue.name == name:
                return issue
        raise KeyError(name)

    def party(self, name: str) -> Party:
        for party in self.parties:
            if party.name == name:
                return party
        raise KeyError(name)

    def party_index(self, name: str) -> int:
        return self.party_names.index(name)

    def effective_trust(self, party: str, issue: str) -> float:
        """The party's trust in promises on ``issue``, raised by any mediator's guarantee."""
        trust = self.party(party).trust.get(issue, defaults.party_number("trust"))
        for mediator in self.mediators:
            trust = max(trust, mediator.guarantees.get(party, {}).get(issue, 0.0))
        return trust

    def n_levels(self, issue: Issue) -> int:
        """Number of enumerated options, grid values or simplex points of ``issue``."""
        if isinstance(issue, SplitIssue):
            return issue.n_levels_for(self.n_parties)
        return issue.n_levels

    @property
    def n_packages(self) -> int:
        """Size of the enumerated grid (before constraints), as an exact Python int."""
        count = 1
        for issue in self.issues:
            count *= self.n_levels(issue)
        return count

    def disagreement_vector(self) -> np.ndarray:
        """Expected disagreement utility of each party, shape ``(n_parties,)``."""
        import numpy as np

        return np.array([party.disagreement.expected for party in self.parties])
