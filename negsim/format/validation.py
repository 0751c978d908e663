"""The rules of the scenario format (version 1), section by section.

:class:`ScenarioValidator` walks a YAML tree once, reports every problem with its position
and gives the fields of the frozen :class:`negsim.format.scenario.Scenario`, then checks the
whole scenario. The sections of rules are in :mod:`negsim.format.rules`. Choices where the
format leaves room are listed in :mod:`negsim.format.loader`.
"""

from __future__ import annotations

from typing import Any

from negsim import memory
from negsim.errors import ScenarioError, join_path
from negsim.format.components import largest_component
from negsim.format.model import (
    FORMAT_VERSION,
    Choice,
    NumericIssue,
    ScenarioParts,
    SplitIssue,
)
from negsim.format.rules.simulation import SimulationRules
from negsim.format.screened import screened_parameter
from negsim.format.source import YNode

TOP_KEYS = (
    "negsim", "name", "description", "public", "sources", "issues", "parties", "constraints",
    "protocol", "uncertainty", "simulation", "mediators",
)  # fmt: skip


class ScenarioValidator(SimulationRules):
    """Checks every rule of the format (one section of rules per module of
    :mod:`negsim.format.rules`, each class building on the one before) and gives the
    fields of the :class:`~negsim.format.scenario.Scenario`."""

    def __init__(self, filename: str):
        super().__init__(filename)
        self.top: dict[Any, YNode] = {}

    # -- top level -------------------------------------------------------------------------------

    def fields(self, root: YNode) -> dict[str, Any]:
        """Every rule of the file except those on the whole scenario: the keyword arguments
        of :class:`~negsim.format.scenario.Scenario`. Raises :class:`ScenarioError`."""
        top = self.mapping(root, "", "a mapping of keys (negsim, name, issues, parties, ...)")
        if top is None:
            raise ScenarioError(self.problems)
        self.keys(root, "", TOP_KEYS, ("negsim", "name", "issues", "parties"))

        if "negsim" in top:
            version = self.integer(top["negsim"], "negsim")
            if version is not None and version != FORMAT_VERSION:
                self.error(
                    top["negsim"],
                    "negsim",
                    f"unsupported format version {version}; "
                    f"this negsim reads version {FORMAT_VERSION}",
                )
        name = self.text(top["name"], "name") if "name" in top else None
        if name is not None and not name.strip():
            self.error(top["name"], "name", "must not be empty")
        description = self.text(top["description"], "description") if "description" in top else None
        public = self.text(top["public"], "public") if "public" in top else None
        sources: list[str] = []
        if "sources" in top and (items := self.sequence(top["sources"], "sources")) is not None:
            for index, item in enumerate(items):
                if (source := self.text(item, join_path("sources", index))) is not None:
                    sources.append(source)

        issues = self.all_issues(top["issues"]) if "issues" in top else ()
        parties = self.all_parties(top["parties"], issues) if "parties" in top else ()
        party_names = [p.name for p in parties] if parties else self.party_names
        constraints = self.constraints(top["constraints"]) if "constraints" in top else ()
        protocol = self.protocol(top.get("protocol"), party_names)
        uncertainty = self.uncertainty(top["uncertainty"]) if "uncertainty" in top else ()
        simulation = self.simulation(top["simulation"]) if "simulation" in top else None
        mediators = self.mediators(top["mediators"]) if "mediators" in top else ()

        if self.problems:
            raise ScenarioError(self.problems)
        assert name is not None and protocol is not None
        self.top = top
        return {
            "name": name,
            "description": description,
            "public": public,
            "sources": tuple(sources),
            "issues": tuple(issues),
            "parties": tuple(parties),
            "constraints": tuple(constraints),
            "protocol": protocol,
            "uncertainty": tuple(uncertainty),
            "simulation": simulation,
            "mediators": tuple(mediators),
            "source": self.filename,
        }

    def check_whole(self, scenario: ScenarioParts) -> None:
        """The rules on the whole scenario (after :meth:`fields`): an outcome space that fits
        in memory, and constraints that leave a feasible package."""
        self.check_size(scenario, self.top["issues"])
        self.check_screening_size(scenario)
        if scenario.constraints:
            self.check_feasible(scenario, self.top["constraints"])
        if self.problems:
            raise ScenarioError(self.problems)

    # -- whole-scenario checks -------------------------------------------------------------------

    def check_size(self, scenario: ScenarioParts, issues_node: YNode) -> None:
        """Refuse an outcome space too large to analyse in memory, suggesting a coarser
        grid; unless its independent blocks of issues each fit, for then it is merged
        block by block (:mod:`negsim.blocks`), and only the largest block must fit."""
        n_packages = scenario.n_packages
        needed = memory.analysis_bytes(n_packages, scenario.n_parties)
        limit = memory.limit_bytes()
        if needed <= limit:
            return
        block, size = largest_component(scenario)
        if size < n_packages:  # merged block by block: the largest block must fit
            block_needed = memory.analysis_bytes(size, scenario.n_parties)
            if block_needed <= limit:
                return
            names = ", ".join(scenario.issues[k].name for k in block)
            self.error(
                issues_node,
                "issues",
                f"the outcome space has {n_packages:,} packages, too many to enumerate, and "
                f"the issues {names} are joined by interactions or constraints into one "
                f"block of {size:,} packages, which would need "
                f"{memory.format_bytes(block_needed)} of memory, more than the "
                f"{memory.format_bytes(limit)} available to it ({memory.limit_source()}); "
                "use coarser resolutions or fewer options on those issues",
                at_key=True,
            )
            return
        suggestion = _coarser_resolution(scenario, limit)
        self.error(
            issues_node,
            "issues",
            f"the outcome space has {n_packages:,} packages and its analysis would need "
            f"{memory.format_bytes(needed)} of memory, more than the "
            f"{memory.format_bytes(limit)} available to it ({memory.limit_source()}); "
            + (suggestion or "use fewer issues or options"),
            at_key=True,
        )

    def check_screening_size(self, scenario: ScenarioParts) -> None:
        """Refuse a screening solve that cannot be held in memory (its tables grow with the
        types times the rounds), suggesting fewer types."""
        private = screened_parameter(scenario)
        deadline = scenario.protocol.deadline
        if private is None or deadline is None or isinstance(private.distribution, Choice):
            return
        types = private.distribution.types
        needed = memory.screening_bytes(types, deadline)
        limit = memory.limit_bytes()
        if needed <= limit:
            return
        key = f"{private.party}.{private.parameter}"
        node = self.top["uncertainty"].value[key]
        types_node = node.value.get("types") if node.is_map else None
        fitting = limit // memory.screening_bytes(1, deadline)
        advice = (
            f"lower types to {fitting:,} or less, or shorten the deadline"
            if fitting >= 2
            else "shorten the deadline"
        )
        self.error(
            types_node or node,
            join_path(join_path("uncertainty", key), "types"),
            f"screening {types:,} types over {deadline:,} rounds would need "
            f"{memory.format_bytes(needed)} of memory, more than the "
            f"{memory.format_bytes(limit)} available to it ({memory.limit_source()}); {advice}",
            at_key=types_node is None,
        )

    def check_feasible(self, scenario: ScenarioParts, constraints_node: YNode) -> None:
        from negsim.format.feasibility import any_feasible

        if not any_feasible(scenario):
            self.error(
                constraints_node,
                "constraints",
                "the constraints forbid every package: no agreement is feasible",
                at_key=True,
            )


def _coarser_resolution(scenario: ScenarioParts, limit: int) -> str:
    """Suggest the finest resolution of the finest gridded issue that fits in ``limit``."""
    gridded = [i for i in scenario.issues if isinstance(i, NumericIssue | SplitIssue)]
    if not gridded:
        return ""
    finest = max(gridded, key=scenario.n_levels)
    others = scenario.n_packages // scenario.n_levels(finest)

    def fits(resolution: int) -> bool:
        if isinstance(finest, SplitIssue):
            levels = SplitIssue(finest.name, finest.total, resolution, "").n_levels_for(
                scenario.n_parties
            )
        else:
            levels = resolution
        return memory.analysis_bytes(others * levels, scenario.n_parties) <= limit

    if not fits(2):
        return (
            f"even resolution 2 on issues.{finest.name} is too large; use fewer issues or options"
        )
    low, high = 2, finest.resolution - 1  # the largest that fits, by bisection (sizes grow)
    while low < high:
        middle = (low + high + 1) // 2
        low, high = (middle, high) if fits(middle) else (low, middle - 1)
    return (
        f"lower the resolution of issues.{finest.name} from {finest.resolution:,} "
        f"to {low:,} or less, or use fewer issues or options"
    )
