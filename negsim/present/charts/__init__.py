"""Charts, one module per family: :mod:`.frontier` (the utility space and the bargaining
solutions), :mod:`.curves` (the equilibrium against the deadline and a discount factor),
:mod:`.screening`, :mod:`.simulation` (agreements and concessions of simulated
negotiations), :mod:`.sweep` (a sweep's results) and :mod:`.tornado` (one-at-a-time
sensitivity); :mod:`.style` holds the colours, sizes and :func:`~.style.figure_bytes`,
:mod:`.layers` and :mod:`.labels` the frontier's layers and label placement.

Plots never solve: every point they draw is a number of a record. Figures are built
without pyplot (no global state), rendered with Agg, and give the same bytes for the same
input. This package imports matplotlib only when a chart module is imported, so that
``negsim --version`` and ``--help`` stay fast; :data:`FIGURES` is built on first use.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    FIGURES: dict[str, Callable[..., Figure]]

__all__ = ["FIGURES", "KINDS", "figure_function"]


_HOMES = {
    "frontier": ("frontier", "frontier_figure"),
    "deadline": ("curves", "deadline_figure"),
    "discount": ("curves", "discount_figure"),
    "screening": ("screening", "screening_figure"),
    "agreements": ("simulation", "agreements_figure"),
    "concessions": ("simulation", "concessions_figure"),
}
"""Each chart kind's figure function: its module in this package and its name."""
KINDS: tuple[str, ...] = (*_HOMES, "sweep", "tornado")
"""Every chart kind: those of :data:`FIGURES`, a sweep's results (:mod:`.sweep`) and the
sensitivity tornado (:mod:`.tornado`)."""


def figure_function(kind: str) -> Callable[..., Figure]:
    """The figure function of a chart kind, looked up when called (a ``KeyError`` for an
    unknown kind)."""
    import importlib

    module, name = _HOMES[kind]
    function: Callable[..., Figure] = getattr(
        importlib.import_module(f"negsim.present.charts.{module}"), name
    )
    return function


def _figures() -> dict[str, Callable[..., Figure]]:
    return {kind: figure_function(kind) for kind in _HOMES}


def __getattr__(name: str) -> Any:
    """:data:`FIGURES`, imported on first use: chart kinds of ``negsim plot --kind`` (kind ->
    figure function). ``frontier`` takes an :class:`~negsim.analysis.records.Analysis`;
    ``deadline`` and ``discount`` take the curve records of :mod:`negsim.studies.curves`
    (plots never solve: the caller computes the curve); ``screening`` takes the
    :class:`~negsim.analysis.screening.Screening` record of an analysis; ``agreements`` a
    :class:`~negsim.studies.simulate.SimulationResult`; ``concessions`` a
    :class:`~negsim.studies.simulate.ConcessionTrace`."""
    if name == "FIGURES":
        figures = _figures()
        globals()["FIGURES"] = figures
        return figures
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
