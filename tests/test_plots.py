"""Charts of an analysis (negsim.present.charts): checked through their artists' data, rendered to
PNG, SVG and PDF, byte for byte the same on every render."""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from functools import cache
from itertools import pairwise
from pathlib import Path

import matplotlib
import numpy as np
import pytest
from degenerate import SCENARIO_TEXTS
from matplotlib.axes import Axes
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure
from matplotlib.image import AxesImage
from matplotlib.lines import Line2D
from matplotlib.patches import Polygon
from matplotlib.text import Annotation, Text

from negsim.analysis.merged import outcome_space
from negsim.analysis.pipeline import solve
from negsim.analysis.records import SOLUTION_LABELS, SOLUTION_NAMES, Analysis
from negsim.format.loader import load_scenario, load_scenario_text
from negsim.present import charts
from negsim.present.charts import curves as curve_charts
from negsim.present.charts import frontier as frontier_charts
from negsim.present.charts import layers as chart_layers
from negsim.present.charts import style as chart_style
from negsim.space import OutcomeSpace
from negsim.studies.curves import DeadlineCurve, DiscountCurve, deadline_curve, discount_curve

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"

TEXTS = {
    name: SCENARIO_TEXTS[name] for name in ("no-zopa", "single", "tied", "indifferent", "three")
}


@cache
def analysis_of(name: str) -> Analysis:
    if name in TEXTS:
        return solve(load_scenario_text(TEXTS[name], f"{name}.yaml"))
    return solve(load_scenario(SCENARIOS / f"{name}.yaml"))


@cache
def figure_of(name: str) -> Figure:
    return frontier_charts.frontier_figure(analysis_of(name))


def by_gid(figure: Figure, gid: str) -> list:
    return [artist for artist in figure.findobj() if artist.get_gid() == gid]


def main_axes(figure: Figure) -> Axes:
    return figure.axes[0]


def labels(figure: Figure) -> list[Text]:
    return [
        artist
        for artist in figure.findobj(Text)
        if str(artist.get_gid() or "").startswith("label-")
    ]


# --------------------------------------------------------------------------------------------
# The artists carry the analysis's numbers


def test_frontier_line_is_the_hull_frontier() -> None:
    analysis = analysis_of("logrolling")
    (line,) = [
        artist
        for artist in by_gid(figure_of("logrolling"), "hull-frontier")
        if artist.axes is main_axes(figure_of("logrolling"))
    ]
    assert isinstance(line, Line2D)
    expected = analysis.space.utilities[:, analysis.hull_frontier].T
    np.testing.assert_allclose(np.asarray(line.get_xydata()), expected)


def test_disagreement_marker_and_zone() -> None:
    analysis = analysis_of("logrolling")
    figure = figure_of("logrolling")
    (marker,) = by_gid(figure, "disagreement")
    assert isinstance(marker, PathCollection)
    np.testing.assert_allclose(np.asarray(marker.get_offsets()), [analysis.disagreement])
    (zone,) = by_gid(figure, "zopa")
    assert isinstance(zone, Polygon)
    vertices = zone.get_xy()
    np.testing.assert_allclose(vertices[0], analysis.disagreement)
    frontier = analysis.space.utilities[:, analysis.hull_frontier].T
    np.testing.assert_allclose(vertices[1 : len(frontier) + 1], frontier)


def test_pareto_markers_are_the_pareto_packages() -> None:
    analysis = analysis_of("venezuela-2025")
    (pareto,) = [
        artist
        for artist in by_gid(figure_of("venezuela-2025"), "pareto")
        if artist.axes is main_axes(figure_of("venezuela-2025"))
    ]
    expected = np.unique(analysis.space.utilities[:, analysis.pareto].T, axis=0)
    np.testing.assert_allclose(pareto.get_offsets(), expected)


@pytest.mark.parametrize("name", ["logrolling", "venezuela-2025"])
def test_each_solution_is_marked_at_its_hull_point_and_labelled_once(name: str) -> None:
    analysis = analysis_of(name)
    figure = figure_of(name)
    for solution_name in SOLUTION_NAMES:
        solution = analysis.solutions[solution_name]
        assert solution is not None
        markers = [
            artist
            for artist in by_gid(figure, f"solution-{solution_name}")
            if artist.axes is main_axes(figure)
        ]
        assert len(markers) == 1
        np.testing.assert_allclose(markers[0].get_offsets(), [solution.hull.utilities])
    named = [name for label in labels(figure) for name in str(label.get_gid()).split("-")[1:]]
    assert sorted(named) == sorted([*SOLUTION_NAMES, "equilibrium"])
    (star,) = [a for a in by_gid(figure, "solution-equilibrium") if a.axes is main_axes(figure)]
    np.testing.assert_allclose(star.get_offsets(), [analysis.equilibrium.utilities])


def test_logrolling_labels_say_the_package_directly() -> None:
    figure = figure_of("logrolling")
    texts = {str(label.get_gid()): label.get_text() for label in labels(figure)}
    # the equilibrium differs on equipment, so every label names it
    assert texts["label-nash-utilitarian"] == "Nash = Utilitarian\nclients: 1\nequipment: 0"
    assert texts["label-equilibrium"].startswith("Equilibrium\n")
    assert "Kalai–Smorodinsky" in texts["label-kalai_smorodinsky-egalitarian"]
    for label in labels(figure):
        assert isinstance(label, Annotation)
        assert label.arrow_patch is not None  # a leader line to its marker


def test_crowded_solutions_get_a_magnified_inset_and_a_list() -> None:
    figure = figure_of("venezuela-2025")
    ax = main_axes(figure)
    assert len(ax.child_axes) == 1  # the inset
    inset = ax.child_axes[0]
    assert {label.axes for label in labels(figure)} == {inset}
    (caption,) = by_gid(figure, "caption")
    for name in SOLUTION_NAMES:
        assert SOLUTION_LABELS[name] in caption.get_text()
    assert "sanctions relief: 20 officials" in caption.get_text()


def test_titles_state_the_finding() -> None:
    venezuela = main_axes(figure_of("venezuela-2025")).get_title(loc="left")
    assert venezuela.startswith("All four bargaining solutions agree on amnesty (family)")
    assert "sanctions relief" in venezuela
    logrolling = main_axes(figure_of("logrolling")).get_title(loc="left").replace("\n", " ")
    assert "Nash and Utilitarian give clients (1)" in logrolling
    no_zopa = main_axes(figure_of("no-zopa")).get_title(loc="left").replace("\n", " ")
    assert no_zopa.startswith("No zone of agreement:")
    assert "0.7" in no_zopa and "0.6" in no_zopa and "at most 0.2" in no_zopa


def test_axis_labels_name_the_parties() -> None:
    ax = main_axes(figure_of("venezuela-2025"))
    assert ax.get_xlabel() == "United States utility"
    assert ax.get_ylabel() == "Nicolás Maduro utility"


def test_colours_are_okabe_ito() -> None:
    palette = {colour.lower() for colour in chart_style.OKABE_ITO.values()}
    for colour, _ in chart_layers.SOLUTION_STYLES.values():
        assert colour.lower() in palette
    markers = [marker for _, marker in chart_layers.SOLUTION_STYLES.values()]
    assert len(set(markers)) == len(markers)  # shapes too, not colour alone


# --------------------------------------------------------------------------------------------
# Degenerate inputs draw a chart, not an error


def test_no_zopa_draws_no_zone_and_no_solution() -> None:
    figure = figure_of("no-zopa")
    assert by_gid(figure, "zopa") == []
    # the responder accepts an offer worth exactly its disagreement: only that is marked
    assert analysis_of("no-zopa").equilibrium.agreement
    assert [label.get_text().split("\n")[0] for label in labels(figure)] == ["Equilibrium"]
    assert not any(by_gid(figure, f"solution-{name}") for name in SOLUTION_NAMES)
    assert len(by_gid(figure, "disagreement")) == 1


@pytest.mark.parametrize("name", ["single", "tied", "indifferent"])
def test_degenerate_spaces_draw(name: str) -> None:
    figure = figure_of(name)
    # every solution at the one package but the egalitarian point, the largest equal gain
    # with free disposal (Kalai 1977), which is not Pareto-optimal here: two labels
    texts = sorted(label.get_text().replace("\n", " ") for label in labels(figure))
    assert texts == ["Egalitarian", "Nash = Kalai–Smorodinsky = Utilitarian = Equilibrium"]
    title = main_axes(figure).get_title(loc="left").replace("\n", " ")
    if name == "tied":
        assert title.startswith("Every party values all 15 packages the same")
    else:
        assert title.startswith("All four bargaining solutions pick the same package")


def test_three_parties_get_one_panel_per_pair() -> None:
    figure = figure_of("three")
    panels = [ax for ax in figure.axes if ax.get_xlabel()]
    assert [(ax.get_xlabel(), ax.get_ylabel()) for ax in panels] == [
        ("a utility", "b utility"),
        ("a utility", "c utility"),
        ("b utility", "c utility"),
    ]
    assert figure.get_suptitle().startswith("Three-way split\n")
    assert "bargaining solutions" in figure.get_suptitle()
    (caption,) = by_gid(figure, "caption")
    assert caption.get_text().startswith("1  Nash")
    for ax in panels:  # the same numbers in every panel
        numbers = sorted(label.get_text() for label in labels(figure) if label.axes is ax)
        assert numbers == [str(k) for k in range(1, len(numbers) + 1)]


def test_large_clouds_become_a_density(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(chart_layers, "DENSITY_THRESHOLD", 100)
    ax = frontier_charts.plot_frontier(analysis_of("logrolling"))
    assert isinstance(ax, Axes)
    (cloud,) = by_gid(ax.get_figure(), "packages")  # type: ignore[arg-type]
    assert isinstance(cloud, AxesImage)
    image = cloud.get_array()
    assert image is not None and image.shape[1] == chart_layers.DENSITY_BINS


def test_plot_frontier_draws_into_a_given_axes() -> None:
    figure = Figure(figsize=(8, 6))
    ax = figure.add_subplot()
    assert frontier_charts.plot_frontier(analysis_of("single"), ax=ax) is ax
    assert ax.get_xlabel() == "a utility"


# --------------------------------------------------------------------------------------------
# Files


@pytest.mark.slow
def test_renders_png_svg_and_pdf(tmp_path: Path) -> None:
    figure = figure_of("indifferent")
    for file_format, magic in (("png", b"\x89PNG"), ("svg", b"<?xml"), ("pdf", b"%PDF")):
        path = tmp_path / f"chart.{file_format}"
        path.write_bytes(chart_style.figure_bytes(figure, file_format))
        assert path.read_bytes().startswith(magic)
    ElementTree.parse(tmp_path / "chart.svg")  # well-formed


@pytest.mark.slow
def test_same_input_same_bytes() -> None:
    analysis = analysis_of("single")
    first = chart_style.figure_bytes(frontier_charts.frontier_figure(analysis), "svg")
    second = chart_style.figure_bytes(frontier_charts.frontier_figure(analysis), "svg")
    assert first == second
    assert b"<dc:date>" not in first


def test_rendering_leaves_global_settings_alone() -> None:
    before = dict(matplotlib.rcParams)
    chart_style.figure_bytes(figure_of("single"), "svg")
    assert dict(matplotlib.rcParams) == before


def test_unknown_format_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown figure format"):
        chart_style.figure_bytes(figure_of("single"), "gif")


def test_figure_kinds() -> None:
    assert charts.FIGURES["frontier"] is frontier_charts.frontier_figure


# --------------------------------------------------------------------------------------------
# Curves: the equilibrium against the deadline and against a discount factor


@cache
def deadline_curve_of(name: str, top: int = 20) -> DeadlineCurve:
    return deadline_curve(space_of(name), range(1, top + 1))


@cache
def discount_curve_of(name: str, party: str) -> DiscountCurve:
    return discount_curve(space_of(name), party, [0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.97, 0.99])


LOTTERIES = "+lotteries"


@cache
def space_of(name: str) -> OutcomeSpace:
    if name in TEXTS:
        return OutcomeSpace.from_scenario(load_scenario_text(TEXTS[name], f"{name}.yaml"))
    if name.endswith(LOTTERIES):  # the bundled scenario with offers that may be lotteries
        scenario = load_scenario(SCENARIOS / f"{name.removesuffix(LOTTERIES)}.yaml")
        return outcome_space(scenario.replace(protocol__lotteries=True))
    return outcome_space(load_scenario(SCENARIOS / f"{name}.yaml"))


@cache
def deadline_figure_of(name: str) -> Figure:
    return curve_charts.deadline_figure(deadline_curve_of(name))


def test_deadline_lines_are_the_curve() -> None:
    curve = deadline_curve_of("venezuela-2025")
    figure = deadline_figure_of("venezuela-2025")
    for i, party in enumerate(curve.parties):
        (line,) = by_gid(figure, f"deadline-{party}")
        assert isinstance(line, Line2D)
        np.testing.assert_allclose(np.asarray(line.get_xdata()), curve.deadlines)
        np.testing.assert_allclose(np.asarray(line.get_ydata()), curve.payoffs[:, i])
        (limit,) = by_gid(figure, f"limit-{party}")
        np.testing.assert_allclose(limit.get_ydata(), [curve.limit_payoffs[i]] * 2)
        # filled markers where this party makes the last offer
        (filled,) = by_gid(figure, f"last-offer-{party}")
        last = curve.last_proposers == i
        np.testing.assert_allclose(
            filled.get_offsets(), np.column_stack([curve.deadlines[last], curve.payoffs[last, i]])
        )
        colour, marker = chart_style.party_style(i)
        assert line.get_color() == colour and line.get_marker() == marker


def test_a_dense_deadline_chart_draws_one_line_per_last_proposer_on_a_log_axis() -> None:
    """Two thousand deadlines: no markers (they would merge into a band); for each party a
    thick line through the deadlines at which it makes the last offer and a thin one
    through the others, each the curve's own numbers; a logarithmic deadline axis, said
    in the caption."""
    curve = deadline_curve_of("venezuela-2025", top=2000)
    figure = curve_charts.deadline_figure(curve)
    ax = main_axes(figure)
    assert ax.get_xscale() == "log"
    for i, party in enumerate(curve.parties):
        assert by_gid(figure, f"deadline-{party}") == []
        assert by_gid(figure, f"last-offer-{party}") == []
        for last in (0, 1):
            (line,) = by_gid(figure, f"deadline-{party}-last-{last}")
            chosen = curve.last_proposers == last
            np.testing.assert_array_equal(line.get_xdata(), curve.deadlines[chosen])
            np.testing.assert_array_equal(line.get_ydata(), curve.payoffs[chosen, i])
            assert line.get_marker() in ("None", None, "")
            assert line.get_linewidth() == (2.4 if last == i else 1.0)
    (caption,) = by_gid(figure, "caption")
    words = caption.get_text().replace("\n", " ")
    assert "Thick lines: deadlines at which that party makes the last offer" in words
    assert "The deadline axis is logarithmic." in words


def test_a_deadline_chart_without_a_limit_says_so() -> None:
    """Random-proposer talks whose proposers switch partners from one deadline to the next
    for ever: the title says longer deadlines never settle, the dashed lines are labelled
    as the longest deadline tried, and no arrow measures a shift from a limit."""
    text = """negsim: 1
name: switching partners
issues:
  pie: {split: {total: 1}, resolution: 101}
parties:
  a: {discount: 0.9, cost_per_round: 0.01}
  b: {discount: 0.8}
  c: {discount: 0.85}
protocol: {kind: random_proposer, rule: majority, lotteries: true, deadline: 5}
"""
    space = OutcomeSpace.from_scenario(load_scenario_text(text, "switching.yaml"))
    curve = deadline_curve(space, range(1, 41))
    assert not curve.limit_settled
    figure = curve_charts.deadline_figure(curve)
    title = main_axes(figure).get_title(loc="left").replace("\n", " ")
    assert title.startswith("Ever longer deadlines never settle (successive ones differ by")
    assert title.endswith(f"with 5 rounds, a gets {curve.payoffs[4, 0]:.2f}")
    values = {str(t.get_gid()): t.get_text() for t in figure.findobj(Text)}
    assert values["label-a"] == f"a\nlongest tried: {curve.limit_payoffs[0]:.3f}"
    assert not any(str(a.get_gid()).startswith("shift-") for a in figure.findobj(Annotation))
    (caption,) = by_gid(figure, "caption")
    words = caption.get_text().replace("\n", " ")
    assert "the longest tried; ever longer deadlines never settle" in words


def test_deadline_chart_shows_the_scenarios_deadline_against_open_ended_talks() -> None:
    # with lotteries the open-ended talks have one equilibrium, which the title compares
    curve = deadline_curve_of("venezuela-2025+lotteries")
    figure = deadline_figure_of("venezuela-2025+lotteries")
    ax = main_axes(figure)
    title = ax.get_title(loc="left").replace("\n", " ")
    # 6 and 8 days (Maduro makes the last offer) give the United States less than open-ended
    # talks: the title calls 7 days a last-mover advantage, not a shift of the deal
    six, eight = (float(curve.payoffs[d - 1, 0]) for d in (6, 8))
    assert six < curve.limit_payoffs[0] and eight < curve.limit_payoffs[0]
    assert title == (
        "With 7 days United States makes the last offer and gets 0.85 against 0.78 in "
        f"open-ended talks, but {six:.2f} with 6 days and {eight:.2f} with 8 days: a "
        "last-mover advantage, not a lasting shift"
    )
    (band,) = by_gid(figure, "stated-deadline")
    assert band.get_x() == pytest.approx(6.6) and band.get_width() == pytest.approx(0.8)
    values = {str(text.get_gid()): text.get_text() for text in figure.findobj(Text)}
    assert values["stated-value-us"] == "0.852 (+0.069)"
    assert values["stated-value-maduro"] == "0.327 (-0.074)"
    assert values["label-us"] == "United States\nopen-ended: 0.783"
    assert values["label-maduro"] == "Nicolás Maduro\nopen-ended: 0.400"
    assert ax.get_xlabel() == "deadline (days)"
    assert ax.get_ylabel() == "equilibrium utility of the deal"  # agreement at once
    (shift,) = by_gid(figure, "shift-us")
    assert shift.xy[1] == pytest.approx(curve.payoffs[6, 0])
    assert "last-mover advantage" in values["caption"] and "Rubinstein" in values["caption"]


def test_deadline_chart_with_single_packages_states_the_open_ended_range() -> None:
    # single packages (the default): open-ended talks have many equilibria on the grid
    curve = deadline_curve_of("venezuela-2025")
    assert curve.limit_ranges is not None
    title = main_axes(deadline_figure_of("venezuela-2025")).get_title(loc="left")
    low, high = curve.limit_ranges[0]
    six, eight = curve.payoffs[5, 0], curve.payoffs[7, 0]
    assert title.replace("\n", " ") == (
        f"A deadline of 7 days settles the deal: United States gets {curve.payoffs[6, 0]:.2f} "
        f"({six:.2f} with 6 days and {eight:.2f} with 8 days: a last-mover advantage); "
        f"open-ended talks allow anything from {low:.2f} to {high:.2f}"
    )
    assert (round(curve.payoffs[6, 0], 2), round(low, 2), round(high, 2)) == (0.84, 0.74, 0.81)


@pytest.mark.slow
def test_direct_labels_do_not_overlap() -> None:
    figure = curve_charts.deadline_figure(deadline_curve_of("three"))
    figure.draw_without_rendering()
    renderer = figure.canvas.get_renderer()  # type: ignore[attr-defined]
    boxes = sorted(
        (text.get_window_extent(renderer) for text in labels(figure)), key=lambda box: box.y0
    )
    assert len(boxes) == 3
    for lower, upper in pairwise(boxes):
        assert lower.y1 <= upper.y0 + 0.5


def test_deadline_chart_without_a_stated_deadline() -> None:
    figure = deadline_figure_of("pie-split")
    title = main_axes(figure).get_title(loc="left").replace("\n", " ")
    assert title == (
        "Whoever makes the last offer gains: Player 1 gets 1.00 with a deadline of 1 round, "
        "0.20 with 2 rounds and 0.71 in open-ended talks"
    )
    assert by_gid(figure, "stated-deadline") == []
    assert main_axes(figure).get_xlabel() == "deadline (rounds)"


def test_open_ended_range_is_drawn_when_not_unique() -> None:
    curve = deadline_curve_of("territorial-dispute")
    figure = deadline_figure_of("territorial-dispute")
    assert curve.limit_ranges is not None
    for i, party in enumerate(curve.parties):
        (bar,) = by_gid(figure, f"limit-range-{party}")
        np.testing.assert_allclose(sorted(bar.get_ydata()), sorted(curve.limit_ranges[i]))
    title = main_axes(figure).get_title(loc="left").replace("\n", " ")
    assert "open-ended talks allow anything from 0.00 to 1.00" in title


def test_discount_lines_are_the_curve() -> None:
    curve = discount_curve_of("venezuela-2025", "maduro")
    figure = curve_charts.discount_figure(curve)
    assert curve.open_payoffs is not None
    for i, party in enumerate(curve.parties):
        (line,) = by_gid(figure, f"discount-{party}")
        np.testing.assert_allclose(line.get_xdata(), curve.discounts)
        np.testing.assert_allclose(line.get_ydata(), curve.payoffs[:, i])
        (dashed,) = by_gid(figure, f"open-{party}")
        np.testing.assert_allclose(dashed.get_ydata(), curve.open_payoffs[:, i])
    (stated,) = by_gid(figure, "stated-discount")
    np.testing.assert_allclose(stated.get_xdata(), [0.97, 0.97])
    ax = main_axes(figure)
    assert ax.get_xlabel() == "Nicolás Maduro's discount factor (per day)"
    title = ax.get_title(loc="left").replace("\n", " ")
    assert title.startswith("Nicolás Maduro's utility rises from 0.14 to ")
    assert "with a deadline of 7 days; in open-ended talks it rises" in title


def test_discount_chart_without_a_deadline_has_no_dashed_lines() -> None:
    figure = curve_charts.discount_figure(discount_curve_of("pie-split", "player1"))
    assert by_gid(figure, "open-player1") == []
    assert len(by_gid(figure, "discount-player1")) == 1


def test_party_colours_are_okabe_ito() -> None:
    palette = {colour.lower() for colour in chart_style.OKABE_ITO.values()}
    assert all(colour.lower() in palette for colour, _ in chart_style.PARTY_STYLES)
    assert len({marker for _, marker in chart_style.PARTY_STYLES}) == len(chart_style.PARTY_STYLES)


@pytest.mark.slow
def test_curve_charts_render_and_repeat_byte_for_byte(tmp_path: Path) -> None:
    curve = deadline_curve_of("pie-split", 6)
    discount = discount_curve_of("pie-split", "player1")
    for draw in (
        lambda: curve_charts.deadline_figure(curve),
        lambda: curve_charts.discount_figure(discount),
    ):
        first = chart_style.figure_bytes(draw(), "svg")
        assert chart_style.figure_bytes(draw(), "svg") == first  # same input, same bytes
        assert b"<dc:date>" not in first
        (tmp_path / "chart.svg").write_bytes(first)
        ElementTree.parse(tmp_path / "chart.svg")
        figure = draw()
        for file_format, magic in (("png", b"\x89PNG"), ("pdf", b"%PDF")):
            assert chart_style.figure_bytes(figure, file_format).startswith(magic)


def test_curve_figure_kinds() -> None:
    assert charts.FIGURES["deadline"] is curve_charts.deadline_figure
    assert charts.FIGURES["discount"] is curve_charts.discount_figure
