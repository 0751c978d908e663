"""The rules of ``simulation`` (negotiating agents) and ``mediators``."""

from __future__ import annotations

from negsim.errors import join_path
from negsim.format import defaults
from negsim.format.checks import format_number
from negsim.format.model import (
    STRATEGIES,
    Agent,
    Mediator,
    Simulation,
)
from negsim.format.rules.uncertainty import UncertaintyRules
from negsim.format.source import YNode


class SimulationRules(UncertaintyRules):
    """The rules of ``simulation`` and ``mediators``."""

    def simulation(self, node: YNode) -> Simulation | None:
        fields = self.mapping(node, "simulation", "a mapping {runs, seed, agents}")
        if fields is None:
            return None
        self.keys(node, "simulation", ("runs", "seed", "agents"))
        runs = defaults.SIMULATION_RUNS
        if "runs" in fields:
            runs = self.integer(  # type: ignore[assignment]
                fields["runs"], "simulation.runs", low=1, high=defaults.MAX_RUNS
            )
        seed = None
        if "seed" in fields and fields["seed"].value is not None:
            seed = self.integer(fields["seed"], "simulation.seed", low=0)
        agents: dict[str, Agent] = {}
        if "agents" in fields:
            entries = self.mapping(
                fields["agents"], "simulation.agents", "a mapping of parties to agents"
            )
            for party, child in (entries or {}).items():
                path = join_path("simulation.agents", party)
                if not self.reference(party, child, path, self.party_names, "party", at_key=True):
                    continue
                agent = self.agent(child, path)
                if agent is not None:
                    agents[party] = agent
        if runs is None:
            return None
        for party in self.party_names:
            strategy = defaults.AGENT_STRATEGY
            agents.setdefault(party, Agent(strategy, defaults.AGENT_EXPONENTS[strategy]))
        return Simulation(
            runs=runs, seed=seed, agents={p: agents[p] for p in self.party_names if p in agents}
        )

    def agent(self, node: YNode, path: str) -> Agent | None:
        fields = self.mapping(node, path, "an agent {strategy, exponent}")
        if fields is None:
            return None
        self.keys(node, path, ("strategy", "exponent"), ("strategy",))
        if "strategy" not in fields:
            return None
        strategy = self.choice(STRATEGIES, "strategy")(
            fields["strategy"], join_path(path, "strategy")
        )
        if strategy is None:
            return None
        exponent = defaults.AGENT_EXPONENTS[strategy]
        if "exponent" in fields:
            value = self.number(
                fields["exponent"],
                join_path(path, "exponent"),
                low=0.0,
                low_open=True,
                what="an exponent must be",
            )
            if value is None:
                return None
            rules = {
                "boulware": (value < 1, "below 1"),
                "conceder": (value > 1, "above 1"),
                "linear": (value == 1, "1"),
            }
            if strategy in rules and not rules[strategy][0]:
                self.error(
                    fields["exponent"],
                    join_path(path, "exponent"),
                    f"a {strategy} exponent must be {rules[strategy][1]}, "
                    f"got {format_number(value)}",
                )
                return None
            exponent = value
        return Agent(strategy, exponent)

    def mediators(self, node: YNode) -> tuple[Mediator, ...]:
        entries = self.mapping(node, "mediators", "a mapping of mediator names to mediators")
        if entries is None:
            return ()
        result = []
        for name, child in entries.items():
            path = join_path("mediators", name)
            if not self.identifier(name, child, path, "mediator"):
                continue
            fields = self.mapping(child, path, "a mediator {label, guarantees}")
            if fields is None:
                continue
            self.keys(child, path, ("label", "guarantees"))
            label = (
                self.text(fields["label"], join_path(path, "label")) if "label" in fields else name
            )
            guarantees: dict[str, dict[str, float]] = {}
            if "guarantees" in fields:
                g_path = join_path(path, "guarantees")
                parties = self.mapping(
                    fields["guarantees"], g_path, "a mapping of parties to {issue: trust}"
                )
                for party, g_node in (parties or {}).items():
                    party_path = join_path(g_path, party)
                    if not self.reference(
                        party, g_node, party_path, self.party_names, "party", at_key=True
                    ):
                        continue
                    levels = self.issue_numbers(g_node, party_path, probability=True)
                    if levels is not None:
                        guarantees[party] = levels
            result.append(Mediator(name, label or name, guarantees))
        return tuple(result)
