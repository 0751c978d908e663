"""negsim: a negotiation game-theory simulator.

Start from a scenario and call one function per job (``docs/python.md``)::

    import negsim

    scenario = negsim.load("venezuela-2025")     # a file, a bundled name, YAML text or data
    analysis = negsim.solve(scenario)            # frontier, solutions, equilibrium, screening
    variant = scenario.replace({"parties.maduro.discount": 0.9})
    figure = negsim.plot(analysis, kind="frontier")

The names load lazily, so ``import negsim`` and the command line start quickly.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from negsim.version import __version__

__all__ = [
    "Analysis",
    "ConvergenceError",
    "Scenario",
    "ScenarioError",
    "__version__",
    "examples",
    "load",
    "plot",
    "sensitivity",
    "simulate",
    "solve",
    "sweep",
]

_HOMES = {
    "Analysis": "negsim.analysis.records",
    "ConvergenceError": "negsim.solvers.convergence",
    "Scenario": "negsim.format.scenario",
    "ScenarioError": "negsim.errors",
    "examples": "negsim.api",
    "load": "negsim.api",
    "plot": "negsim.api",
    "sensitivity": "negsim.api",
    "simulate": "negsim.api",
    "solve": "negsim.api",
    "sweep": "negsim.api",
}
"""Where each public name is defined; imported on first use."""

if TYPE_CHECKING:
    from negsim.analysis.records import Analysis
    from negsim.api import examples, load, plot, sensitivity, simulate, solve, sweep
    from negsim.errors import ScenarioError
    from negsim.format.scenario import Scenario
    from negsim.solvers.convergence import ConvergenceError


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'negsim' has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
