"""The Python API: what ``import negsim`` gives (``docs/python.md``).

One object to start from, a :class:`~negsim.format.scenario.Scenario`, and one function
per job, each the library call behind a command of the same name:

* :func:`load` a scenario (a file, a bundled example's name, YAML text or plain data);
* :func:`solve` it: frontier, bargaining solutions, the protocol's equilibrium, screening;
* :func:`simulate` negotiating agents;
* :func:`sweep` a grid of parameter values, :func:`sensitivity` one at a time;
* :func:`plot` a scenario or any result as a matplotlib figure;
* :func:`examples` lists the bundled scenarios.

Example
-------
>>> import negsim
>>> scenario = negsim.load("pie-split")
>>> analysis = negsim.solve(scenario)
>>> [round(float(u), 4) for u in analysis.equilibrium.utilities]
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
from negsim.format import bundled, catalog
from negsim.format.loader import load_file_or_example, load_scenario, load_scenario_text
from negsim.format.scenario import Scenario
from negsim.present.charts import KINDS

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from negsim.analysis.records import Analysis
    from negsim.space import OutcomeSpace
    from negsim.studies.sensitivity import SensitivityResult
    from negsim.studies.simulate import SimulationResult
    from negsim.studies.sweep_table import SweepTable

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
    if text != "-" and bundled.resolve(text) is None and Path(text).name == text:
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
    return load_file_or_example(text)


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
    from negsim.analysis.merged import outcome_space

    chosen = _scenario(scenario)
    try:
        space = outcome_space(chosen)
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
    from negsim.studies.simulate import simulate as run

    chosen = _scenario(scenario)
    return run(_space(chosen), runs=runs, rng=seed, rounds=rounds)


def sensitivity(
    scenario: ScenarioLike,
    parameters: Sequence[str] | Mapping[str, tuple[float, float] | None] | None = None,
    *,
    spread: float = 0.1,
    metrics: Sequence[str] | None = None,
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
    metrics : list of str, optional
        What to report and draw: names of :mod:`negsim.analysis.metrics` (``u``,
        ``payoff``, ``screening.payoff`` for every party's); default every party's
        equilibrium utility, or the screening outcome under private information. Every
        metric is recorded on each side either way.

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
    return run(
        dict(chosen.data), parameters, spread=spread, filename=chosen.source, metrics=metrics
    )


@dataclass(frozen=True, slots=True)
class Example:
    """A bundled scenario: its ``name`` (what :func:`load` takes), ``title`` and ``path``,
    and its place in the catalogue of ``negsim examples``: the ``group`` it belongs to (in
    course order, :data:`negsim.format.catalog.GROUPS`; ``"Other"`` when uncatalogued) and
    the lesson it ``teaches`` (one line; empty when uncatalogued)."""

    name: str
    title: str
    path: Path
    group: str
    teaches: str


def examples() -> list[Example]:
    """The bundled example scenarios, sorted by name.

    Examples
    --------
    >>> import negsim
    >>> "venezuela-2025" in [example.name for example in negsim.examples()]
    True
    >>> [example.group for example in negsim.examples() if example.name == "pie-split"]
    ['Dividing a surplus']
    """
    found = []
    for name, path in bundled.list_bundled():
        place = catalog.entry(name)
        found.append(Example(name, load_scenario(path).name, path, place.group, place.teaches))
    return found


# --------------------------------------------------------------------------------------------
# Sweeps


def sweep(
    scenario: ScenarioLike,
    grid: Mapping[str, Iterable[Any] | str],
    *,
    zip_axes: bool = False,
    seed: int | None = None,
    jobs: int | None = 1,
    backend: str = "local",
    scheduler: str | None = None,
    output: str | os.PathLike[str] | None = None,
    resume: bool = False,
    force: bool = False,
    progress: bool = False,
) -> SweepTable:
    """Solve the scenario at every point of a grid of parameter values (``negsim sweep``).

    Parameters
    ----------
    grid : mapping
        Dotted path -> its values: a list, or a ``VALUES`` string as on the command line
        (``"1:10"``, ``"0.8,0.9"``, ``"linspace(0.5,0.99,20)"``). The full product of the
        axes, the last varying fastest; ``zip_axes=True`` pairs them instead.
    seed : int, optional
        Root of the per-point seeds (default: fresh, recorded in the result's manifest).
    jobs : int, optional
        Worker processes (1: in this process; None: one per core). The results do not
        depend on it, nor on ``backend`` (``"local"`` or ``"dask"``, with ``scheduler`` the
        address of a running cluster).
    output : path, optional
        A folder to write ``results.csv``, ``manifest.json`` and the scenario into, as the
        command does (``resume`` continues a sweep there, ``force`` overwrites one); by
        default the sweep runs in a temporary folder and only the table is kept.
    progress : bool
        A progress bar on standard error.

    Returns
    -------
    SweepTable
        Every point's row; ``to_records()`` gives them to pandas.

    Raises
    ------
    negsim.studies.grid.GridError, negsim.studies.sweep_plan.SweepUsageError
        For values that cannot be read, or a path that leads nowhere in the scenario.

    Examples
    --------
    >>> import negsim
    >>> table = negsim.sweep("pie-split", {"parties.player2.discount": [0.5, 0.8]}, seed=1)
    >>> [(row["parties.player2.discount"], round(row["u.player1"], 4))
    ...  for row in table.to_records()]
    [(0.5, 0.9091), (0.8, 0.7143)]
    """
    import tempfile

    from negsim.studies.sweep import run_sweep
    from negsim.studies.sweep_plan import grid_from_mapping, plan_sweep, source_from_scenario
    from negsim.studies.sweep_table import read_results

    chosen = _scenario(scenario)
    source = source_from_scenario(chosen)
    built = grid_from_mapping(grid, zip_axes=zip_axes)
    bar = None
    if progress:
        from negsim.present.terminal.progress import SweepProgress

        bar = SweepProgress
    with tempfile.TemporaryDirectory(prefix="negsim-sweep-") as temporary:
        folder = Path(temporary) if output is None else Path(output)
        plan = plan_sweep(
            source, built, folder=folder, seed=seed, jobs=jobs, backend=backend,
            scheduler=scheduler, resume=resume, force=force or output is None,
            command=["negsim.sweep", *built.paths],
        )  # fmt: skip
        run_sweep(plan, progress=bar)
        return read_results(folder)


# --------------------------------------------------------------------------------------------
# Charts


CHART_KINDS = KINDS
"""What :func:`plot` draws: the chart kinds of ``negsim plot`` and the sensitivity tornado."""
DEFAULT_DISCOUNTS = tuple(round(0.5 + 0.01 * k, 12) for k in range(50))
"""The discount factors of the discount chart when none are given: 0.5, 0.51, ..., 0.99."""


class ChartError(Exception):
    """A chart that cannot be drawn from what it was given (a usage error): a screening chart
    of a scenario without private information, a simulation of three parties, a kind the
    subject does not have."""


def plot(
    subject: Any,
    kind: str | None = None,
    *,
    max_deadline: int | None = None,
    party: str | None = None,
    discounts: Sequence[float] | None = None,
    seed: int | None = None,
    metric: str | Sequence[str] | None = None,
    style: str = "default",
) -> Figure:
    """Draw one chart, as a matplotlib figure (save it with ``figure.savefig``, or as the
    command does with :func:`negsim.present.charts.style.figure_bytes`).

    Parameters
    ----------
    subject
        What to draw: a scenario (anything :func:`load` reads) or an
        :class:`~negsim.analysis.records.Analysis`, for every kind but ``sweep`` and
        ``tornado``; a :class:`~negsim.studies.sweep_table.SweepTable` or a sweep's output
        folder (``kind="sweep"``); a sensitivity result (``tornado``); a simulation result
        (``agreements``); a deadline or discount curve, a concession trace or a screening
        record (their own chart).
    kind : str, optional
        One of :data:`CHART_KINDS`; by default the subject's own chart (``frontier`` for a
        scenario or an analysis).
    max_deadline : int, optional
        ``deadline``: solve deadlines 1..N (default twice the scenario's deadline, at least
        20).
    party : str, optional
        ``discount``: whose discount factor varies (default the last party).
    discounts : sequence of float, optional
        ``discount``: the factors (default 0.5, 0.51, ..., 0.99).
    seed : int, optional
        ``agreements``: the simulation's seed (default the scenario's, else 0).
    metric : str or list of str, optional
        ``sweep`` and ``tornado``: what to draw, one or more metrics of
        :mod:`negsim.analysis.metrics` (a column of ``results.csv``; ``u`` or ``payoff`` for
        every party's); by default the screening outcome with private information, else
        the equilibrium utilities. A heatmap draws one metric.
    style : str
        ``default``; ``classroom``, text and lines larger for a projector; ``print``, safe
        in greyscale (:data:`negsim.present.charts.style.STYLES`).

    Raises
    ------
    ChartError
        When the subject cannot give that chart, or the style is unknown.

    Examples
    --------
    >>> import negsim
    >>> figure = negsim.plot(negsim.solve("pie-split"))
    >>> figure.axes[0].get_xlabel()
    'Player 1 utility'
    """
    from negsim.present.charts.style import STYLES, chart_style

    chosen = _chart_kind(subject, kind)
    if metric is not None and chosen not in ("sweep", "tornado"):
        raise ChartError(f"metric goes with the sweep and tornado charts, not {chosen!r}")
    if style not in STYLES:
        raise ChartError(f"unknown chart style {style!r}; choose from {', '.join(STYLES)}")
    record = chart_record(subject, chosen, max_deadline=max_deadline, party=party,
                          discounts=discounts, seed=seed)  # fmt: skip
    with chart_style(style):
        figure = draw(chosen, record, metric)
        figure.draw_without_rendering()  # its tick labels made now, in the style's font
    return figure


def _chart_kind(subject: Any, kind: str | None) -> str:
    from negsim.analysis.records import Screening
    from negsim.studies.curves import DeadlineCurve, DiscountCurve
    from negsim.studies.sensitivity import SensitivityResult
    from negsim.studies.simulate import ConcessionTrace, SimulationResult
    from negsim.studies.sweep_table import SweepTable

    own = {
        SweepTable: "sweep",
        SensitivityResult: "tornado",
        SimulationResult: "agreements",
        DeadlineCurve: "deadline",
        DiscountCurve: "discount",
        ConcessionTrace: "concessions",
        Screening: "screening",
    }
    for record_type, record_kind in own.items():
        if isinstance(subject, record_type):
            if kind not in (None, record_kind):
                raise ChartError(
                    f"a {record_type.__name__} draws the {record_kind} chart, not {kind!r}"
                )
            return record_kind
    chosen = "frontier" if kind is None else kind
    if chosen not in CHART_KINDS:
        raise ChartError(f"unknown chart kind {chosen!r}; choose from {', '.join(CHART_KINDS)}")
    if chosen == "tornado":
        raise ChartError("the tornado chart draws a sensitivity result: negsim.sensitivity(...)")
    return chosen


def chart_record(
    subject: Any,
    kind: str,
    *,
    max_deadline: int | None = None,
    party: str | None = None,
    discounts: Sequence[float] | None = None,
    seed: int | None = None,
    progress: bool = False,
) -> Any:
    """What the ``kind`` chart of ``subject`` draws, solved when needed: an analysis, a
    curve, a simulation result, a concession trace, a screening record or a sweep table
    (charts never solve; this is where the solving happens). ``progress`` shows a bar on
    standard error for long work (a deadline curve with preferences that change over
    time). Raises :class:`ChartError`."""
    from negsim.analysis.records import Analysis

    if kind in ("sweep", "tornado") or not _needs_scenario(subject):
        if kind == "sweep" and isinstance(subject, str | os.PathLike):
            from negsim.studies.sweep_table import read_results

            return read_results(subject)
        return subject
    analysis = subject if isinstance(subject, Analysis) else None
    scenario = analysis.space.scenario if analysis is not None else _scenario(subject)
    if kind in ("frontier", "screening"):
        analysis = analysis or solve(scenario)
        if kind == "frontier":
            return analysis
        if analysis.screening is None:
            raise ChartError(
                f"{scenario.source}: no screening to draw: it needs two parties, a one_sided "
                "or ultimatum protocol with a deadline, and uncertainty on the responder's "
                "disagreement or agreement_value"
            )
        return analysis.screening
    space = analysis.space if analysis is not None else _space(scenario)
    return _study_record(space, kind, max_deadline, party, discounts, seed, progress)


def _needs_scenario(subject: Any) -> bool:
    from negsim.analysis.records import Analysis

    return isinstance(subject, Analysis | Scenario | str | os.PathLike | Mapping)


def _space(scenario: Scenario) -> OutcomeSpace:
    from negsim.analysis.merged import outcome_space

    try:
        return outcome_space(scenario)
    except ValueError as error:  # too large for memory, or nothing feasible
        raise ScenarioError([Problem(0, 0, "", str(error), scenario.source)]) from None


def _study_record(
    space: OutcomeSpace,
    kind: str,
    max_deadline: int | None,
    party: str | None,
    discounts: Sequence[float] | None,
    seed: int | None,
    progress: bool = False,
) -> Any:
    """The curve, simulation or trace a ``deadline``, ``discount``, ``agreements`` or
    ``concessions`` chart draws."""
    from negsim.studies import curves
    from negsim.studies.simulate import concession_trace
    from negsim.studies.simulate import simulate as run

    scenario = space.scenario
    if kind == "deadline":
        top = (
            max(2 * (scenario.protocol.deadline or 0), 20) if max_deadline is None else max_deadline
        )
        bar = None
        if progress:
            from negsim.present.terminal.progress import DeadlineProgress

            bar = DeadlineProgress
        return curves.deadline_curve(space, range(1, top + 1), progress=bar)
    if kind == "discount":
        name = scenario.party_names[-1] if party is None else party
        if name not in scenario.party_names:
            raise ChartError(f"{name!r} is not a party of {scenario.source}")
        return curves.discount_curve(
            space, name, DEFAULT_DISCOUNTS if discounts is None else discounts
        )
    try:  # simulated agents: two parties only, which simulate checks
        if kind == "agreements":
            if seed is None:
                simulation = scenario.simulation
                has_seed = simulation is not None and simulation.seed is not None
                seed = simulation.seed if has_seed and simulation is not None else 0
            return run(space, rng=seed)
        return concession_trace(space)
    except ValueError as error:
        raise ChartError(f"{scenario.source}: {error}") from None


def draw(
    kind: str, record: Any, metric: str | Sequence[str] | None = None, style: str | None = None
) -> Figure:
    """The ``kind`` chart of a record :func:`chart_record` gave (``metric``: what a sweep
    or tornado chart draws), in the chart ``style`` (None: that of the enclosing
    :func:`~negsim.present.charts.style.chart_style`, else ``default``)."""
    from negsim.present.charts.style import chart_style, current_style

    with chart_style(style or current_style()):
        return _draw(kind, record, metric)


def _draw(kind: str, record: Any, metric: str | Sequence[str] | None) -> Figure:
    from negsim.present.charts import figure_function

    if kind == "sweep":
        from negsim.present.charts.sweep import sweep_figure

        return sweep_figure(record, metric)
    if kind == "tornado":
        from negsim.present.charts.tornado import tornado_figure

        return tornado_figure(record, metric=metric)
    if kind == "agreements":
        from negsim.present.charts.simulation import agreements_figure

        return agreements_figure(record, record.round_label)
    return figure_function(kind)(record)
