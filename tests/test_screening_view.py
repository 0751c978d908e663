"""The screening block for people: the table of ``negsim solve`` and the screening chart,
checked on the Venezuela private-information variant (as bundled: its defaults decide
between single packages and lotteries, so the numbers are read from the record)."""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path

import numpy as np
import pytest
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from rich.console import Console

from negsim.analysis.pipeline import solve
from negsim.analysis.records import Analysis
from negsim.format import defaults
from negsim.format.loader import load_scenario
from negsim.present.charts import screening as screening_charts
from negsim.present.charts import style as chart_style
from negsim.present.terminal.solve import solve_renderables

SCENARIO = Path(__file__).resolve().parent.parent / "scenarios" / "venezuela-2025-private.yaml"


@cache
def _analysis() -> Analysis:
    return solve(load_scenario(SCENARIO))


def _table_text() -> str:
    buffer = io.StringIO()
    console = Console(file=buffer, width=80, highlight=False, color_system=None)
    for part in solve_renderables(_analysis()):
        console.print(part)
    return buffer.getvalue()


def test_scenario_validates_and_has_a_screening_block() -> None:
    analysis = _analysis()
    screening = analysis.screening
    assert screening is not None
    block = analysis.to_dict()["screening"]
    assert block["proposer"] == "us" and block["responder"] == "maduro"
    assert block["parameter"] == "disagreement" and block["types"] == defaults.TYPES
    assert block["discretization_error"]["estimate"] < 0.005
    assert len(block["agreement_probability_by_round"]) == 7
    total = sum(block["agreement_probability_by_round"]) + block["no_agreement_probability"]
    assert total == pytest.approx(1.0)


def test_table_has_the_rounds_and_the_deadline_effect() -> None:
    text = _table_text()
    screening = _analysis().screening
    assert all(len(line) <= 80 for line in text.splitlines())
    assert "Screening: us's offers when maduro's disagreement is private" in text
    flat = " ".join(text.replace("│", " ").split())
    assert f"uniform on [-0.2, 0.6]; a continuum of types, on a grid of {defaults.TYPES:,}" in flat
    found = screening.discretization
    assert f"move by up to {found.error:.2g} between grids of {found.types:,}" in flat
    cumulative = np.cumsum(screening.solution.agreement_probability)
    for t in range(7):
        assert f"day {t + 1}" in text
        assert f"{screening.solution.agreement_probability[t]:.1%}" in text
        assert f"{screening.solution.accept_probability[t]:.1%}" in text
        assert f"{cumulative[t]:.1%}" in text
    share = screening.final_round_share
    assert share is not None
    assert f"{share * 100:.3g}% of all agreements happen on the last day (day 7)" in text
    no_deal = screening.solution.no_agreement_probability
    assert "no deal" in text and f"{no_deal * 100:.3g}%" in text
    stated = screening.stated_type_round
    assert f"stated value 0.280 accepts on day {stated + 1}, marked *" in flat


def test_figure_bars_are_the_agreement_probabilities() -> None:
    screening = _analysis().screening
    figure = screening_charts.screening_figure(screening)
    left, right = figure.axes
    bars = [p for p in left.patches if isinstance(p, Rectangle)]
    deals = sorted((p for p in bars if p.get_gid() == "deal-bars"), key=lambda p: p.get_x())
    heights = [p.get_height() for p in deals]
    np.testing.assert_allclose(heights, screening.solution.agreement_probability)
    (no_deal,) = [p for p in bars if p.get_gid() == "no-deal-bar"]
    assert no_deal.get_height() == pytest.approx(screening.solution.no_agreement_probability)
    lines = {line.get_gid(): line for line in left.lines if isinstance(line, Line2D)}
    np.testing.assert_allclose(
        np.asarray(lines["accept-line"].get_ydata(), dtype=float),
        screening.solution.accept_probability,
    )
    path = next(line for line in right.lines if line.get_gid() == "offer-path")
    expected = np.array([u for u in screening.offer_utilities if u is not None])
    np.testing.assert_allclose(np.asarray(path.get_xdata(), dtype=float), expected[:, 0])
    np.testing.assert_allclose(np.asarray(path.get_ydata(), dtype=float), expected[:, 1])
    title = figure.get_suptitle()
    deal = 1 - screening.solution.no_agreement_probability
    assert f"probability {deal:.0%}" in title and "last day" in title


@pytest.mark.slow
@pytest.mark.parametrize("file_format", chart_style.FORMATS)
def test_figure_renders_the_same_bytes(file_format: str) -> None:
    screening = _analysis().screening
    first = chart_style.figure_bytes(screening_charts.screening_figure(screening), file_format)
    second = chart_style.figure_bytes(screening_charts.screening_figure(screening), file_format)
    assert first == second
    assert len(first) > 1000
