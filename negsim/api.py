"""The Python API: what ``import negsim`` gives (``docs/python.md``).

One object to start from, a :class:`~negsim.format.scenario.Scenario`, and one function
per job, each the library call behind a command of the same name:

* :func:`load` a scenario (a file, a bundled example's name, YAML text or plain data);
* :func:`solve` it: frontier, bargaining solutions, the protocol's equilibrium, screening;
* :func:`simulate` negotiating agents;
* :func:`sweep` a grid of parameter values, :func:`sensitivity` one at a time;
* :func:`plot` any result as a matplotlib figure;
* :func:`examples` lists the bundled scenarios.

Example
-------
>>> import negsim
>>> scenario = negsim.load("pie-split")
>>> analysis = negsim.solve(scenario)
>>> [round(u, 4) for u in analysis.equilibrium.utilities]
[0.7143, 0.2857]
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from negsim.analysis.pipeline import analyze
from negsim.errors import Problem, ScenarioError
from negsim.format import bundled
from negsim.format.loader import load_scenario, load_scenario_text
from negsim.format.scenario import Scenario

if TYPE_CHECKING:
    from negsim.analysis.records import Analysis
    from negsim.studies.sensitivity import SensitivityResult
    from negsim.studies.simulate import SimulationResult

ScenarioLike = Scenario | str | os.PathLike[str] | Mapping[str, Any]
"""What the functions accept for a scenario: a :class:`Scenario`, or anything :func:`load`
reads."""


def load(source: str | os.PathLike[str] | Mapping[str, Any]) -> Scenario:
    """Read and validate a scenario.

    Parameters
    ----------
    source : str, path or mapping
        A file path; ``"-"`` for standard input; the name of a bundled example
        (``"venezuela-2025"``, see :func:`examples`); YAML text (any string holding a line
        break); or the scenario as plain Python data (a mapping).

    Returns
    -------
    Scenario
        Frozen and validated; :meth:`Scenario.replace` makes variants.

    Raises
    ------
    ScenarioError
        With every problem of the scenario, each as ``FILE:LINE:COLUMN: path: message``.

    Examples
    --------
    >>> import negsim
    >>> negsim.load("pie-split").party_names
    ('player1', 'player2')
    >>> text = '''
    ... negsim: 1
    ... name: A bonus
    ... issues: {bonus: {split: {total: 100}, resolution: 11}}
    ... parties: {alice: {discount: 0.9}, bob: {discount: 0.9}}
    ... '''
    >>> negsim.load(text).n_packages
    11
    """
    if isinstance(source, Mapping):
        return Scenario.from_data(source)
    text = os.fspath(source)
    if "\n" in text:
        return load_scenario_text(text, "<string>")
    if text == "-":
        return load_scenario(text)
    path = bundled.resolve(text)
    if path is None and not Path(text).exists() and Path(text).name == text:
        names = bundled.bundled_names()
        raise ScenarioError(
            [
                Problem(
                    0,
                    0,
                    "",
                    f"neither a file nor a bundled example; the examples are {', '.join(names)}",
                    text,
                )
            ]
        )
    return load_scenario(path if path is not None else text)


def _scenario(scenario: ScenarioLike) -> Scenario:
    return scenario if isinstance(scenario, Scenario) else load(scenario)


def solve(scenario: ScenarioLike) -> Analysis:
    """The bargaining analysis of a scenario, as ``negsim solve`` prints it.

    Enumerates the outcome space, then finds the Pareto frontier, the zone of agreement, the
    Nash, Kalai–Smorodinsky, egalitarian and utilitarian solutions (single packages and
    lotteries), the subgame-perfect equilibrium of the protocol and, with private
    information, the screening offers.

    Returns
    -------
    Analysis
        ``to_dict()`` is exactly the JSON of ``negsim solve --format json``
        (``docs/json.md``); ``to_records()`` the Pareto-optimal packages, one row each.

    Raises
    ------
    ScenarioError
        For an invalid scenario, or an outcome space too large for this machine.
    ConvergenceError
        When an iterative solver stops at its cap without converging.

    Examples
    --------
    >>> import negsim
    >>> analysis = negsim.solve("pie-split")
    >>> analysis.equilibrium.agreement, analysis.equilibrium.round
    (True, 0)
    """
    from negsim.space import OutcomeSpace

    chosen = _scenario(scenario)
    try:
        space = OutcomeSpace.from_scenario(chosen)
    except ValueError as error:  # too large for memory, or nothing feasible
        raise ScenarioError([Problem(0, 0, "", str(error), chosen.source)]) from None
    return analyze(space)


def simulate(
    scenario: ScenarioLike,
    *,
    runs: int | None = None,
    seed: int | None = None,
    rounds: int | None = None,
) -> SimulationResult:
    """Monte Carlo negotiations between the agents of the scenario's ``simulation`` block
    (``negsim simulate``); private parameters in ``uncertainty`` are drawn afresh each run.

    Parameters
    ----------
    runs : int, optional
        Number of runs (default ``simulation.runs``, else 1000).
    seed : int, optional
        The seed (default ``simulation.seed``; without one, fresh entropy, reported in the
        result's ``seed``). The same seed gives the same result on any machine.
    rounds : int, optional
        Concession horizon for talks without a deadline (default 100).

    Examples
    --------
    >>> import negsim
    >>> result = negsim.simulate("pie-split", runs=200, seed=1)
    >>> result.runs, result.seed
    (200, 1)
    """
    from negsim.space import OutcomeSpace
    from negsim.studies.simulate import simulate as run

    chosen = _scenario(scenario)
    return run(OutcomeSpace.from_scenario(chosen), runs=runs, rng=seed, rounds=rounds)


def sensitivity(
    scenario: ScenarioLike,
    parameters: Sequence[str] | Mapping[str, tuple[float, float] | None] | None = None,
    *,
    spread: float = 0.1,
) -> SensitivityResult:
    """One-at-a-time sensitivity of the equilibrium (``negsim sensitivity``): each parameter
    moved to a lower and a higher value around the scenario's own, the others kept.

    Parameters
    ----------
    parameters : list of paths, or mapping path -> (low, high)
        Dotted paths as in :meth:`Scenario.replace`; default: every party's discount, plain
        disagreements and costs, the breakdown risk and the deadline.
    spread : float
        The relative move either side (0.1: 10%) where no ``(low, high)`` is given.

    Examples
    --------
    >>> import negsim
    >>> result = negsim.sensitivity("pie-split", ["parties.player2.discount"])
    >>> [parameter.path for parameter in result.parameters]
    ['parties.player2.discount']
    """
    from negsim.studies.sensitivity import sensitivity as run

    chosen = _scenario(scenario)
    if chosen.data is None:
        raise ValueError("sensitivity needs a scenario read from a file, text or data")
    return run(dict(chosen.data), parameters, spread=spread, filename=chosen.source)


@dataclass(frozen=True, slots=True)
class Example:
    """A bundled scenario: its ``name`` (what :func:`load` takes), ``title`` and ``path``."""

    name: str
    title: str
    path: Path


def examples() -> list[Example]:
    """The bundled example scenarios, sorted by name.

    Examples
    --------
    >>> import negsim
    >>> "venezuela-2025" in [example.name for example in negsim.examples()]
    True
    """
    return [Example(name, load_scenario(path).name, path) for name, path in bundled.list_bundled()]


def _as_list(values: Iterable[Any] | str) -> list[Any]:
    return [values] if isinstance(values, str) else list(values)
