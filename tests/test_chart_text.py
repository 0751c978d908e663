"""The text of every chart: no two drawn texts overlap (every chart kind, every bundled
scenario that has it, every chart style), one sans-serif family everywhere, text kept as
text in SVG, and the same bytes for the same chart in every format and style."""

from __future__ import annotations

import re
from functools import cache
from itertools import combinations
from typing import Any
from unittest import mock

import matplotlib
import numpy as np
import pytest
from matplotlib.figure import Figure
from matplotlib.text import Text
from typer.testing import CliRunner

import negsim
from negsim.api import ChartError, chart_record, draw
from negsim.cli.app import app
from negsim.present.charts import KINDS
from negsim.present.charts import style as chart_style

SCENARIOS = tuple(example.name for example in negsim.examples())
STYLES = chart_style.STYLES
TOLERANCE = 1.0
"""Pixels two text boxes may share before they overlap."""

STATED = "the scenario's deadline:"
US = "United States' discount factor (per day)"
MADURO = "Nicolás Maduro's discount factor (per day)"
KNOWN_OVERLAPS: frozenset[tuple[str, str, str, str]] = frozenset()
"""Overlaps accepted as known: none. (kind, scenario, text, text), the texts' first lines."""


# --------------------------------------------------------------------------------------------
# Records and drawn texts


def _party_discount(name: str, party: int) -> str:
    return f"parties.{negsim.load(name).party_names[party]}.discount"


@cache
def record_of(kind: str, name: str) -> Any:
    """What the ``kind`` chart of the bundled scenario draws; None when it has none."""
    if kind == "sweep":  # one path, three points
        return negsim.sweep(name, {_party_discount(name, -1): [0.8, 0.9, 0.95]}, seed=1)
    if kind == "tornado":
        paths = [_party_discount(name, 0), _party_discount(name, -1)]
        return negsim.sensitivity(name, paths)
    try:
        return chart_record(name, kind)
    except ChartError:  # a screening chart without private information
        return None


def drawn_texts(figure: Figure) -> list[tuple[str, np.ndarray]]:
    """Every text the renderer draws, with its box in pixels ``[x0, y0, x1, y1]``: titles,
    labels, tick labels, annotations (not the texts left out of view, empty or invisible)."""
    drawn: dict[int, Text] = {}
    original = Text.draw

    def record(self: Text, renderer: Any) -> None:  # an annotation out of view never gets here
        original(self, renderer)
        if self.get_visible():
            drawn[id(self)] = self

    with mock.patch.object(Text, "draw", record):
        figure.canvas.draw()
    renderer = figure.canvas.get_renderer()  # type: ignore[attr-defined]
    texts = []
    for text in drawn.values():
        if not text.get_text().strip() or text.get_alpha() == 0:
            continue
        box = Text.get_window_extent(text, renderer)  # the text, not an annotation's arrow
        texts.append((text.get_text(), np.array([box.x0, box.y0, box.x1, box.y1])))
    return texts


def overlaps(figure: Figure) -> list[tuple[str, np.ndarray, str, np.ndarray]]:
    """The pairs of drawn texts whose boxes share more than :data:`TOLERANCE` pixels each way."""
    found = []
    for (a, box_a), (b, box_b) in combinations(drawn_texts(figure), 2):
        wide = min(box_a[2], box_b[2]) - max(box_a[0], box_b[0])
        high = min(box_a[3], box_b[3]) - max(box_a[1], box_b[1])
        if wide > TOLERANCE and high > TOLERANCE:
            found.append((a, box_a, b, box_b) if a <= b else (b, box_b, a, box_a))
    return found


def first_line(text: str) -> str:
    return text.split("\n")[0]


def chart_overlaps(kind: str, style: str) -> tuple[set[tuple[str, str, str, str]], list[str]]:
    """Every overlap of the ``kind`` chart of every bundled scenario in ``style``, as
    ``(kind, scenario, text, text)`` and in words with the boxes."""
    found: set[tuple[str, str, str, str]] = set()
    words = []
    for name in SCENARIOS:
        record = record_of(kind, name)
        if record is None:
            continue
        figure = draw(kind, record, style=style)
        with chart_style.chart_style(style):
            pairs = overlaps(figure)
        for a, box_a, b, box_b in pairs:
            found.add((kind, name, first_line(a), first_line(b)))
            words.append(
                f"{kind} {name} ({style}): {a!r} {np.round(box_a).tolist()} overlaps "
                f"{b!r} {np.round(box_b).tolist()}"
            )
    return found, words


def assert_no_new_overlaps(kind: str, style: str) -> None:
    found, words = chart_overlaps(kind, style)
    new = found - KNOWN_OVERLAPS
    assert not new, "texts overlap:\n" + "\n".join(
        w for w in words if any(w.startswith(f"{k} {n} ") for k, n, *_ in new)
    )


# --------------------------------------------------------------------------------------------
# No text overlaps another


@pytest.mark.parametrize("style", STYLES)
def test_concessions_texts_do_not_overlap(style: str) -> None:
    figure = draw("concessions", record_of("concessions", "venezuela-2025"), style=style)
    with chart_style.chart_style(style):
        found = overlaps(figure)
    assert not found, found


@pytest.mark.slow
@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("kind", KINDS)
def test_no_text_overlaps_another(kind: str, style: str) -> None:
    """Every chart kind on every bundled scenario that has it, in every style; the overlaps
    left are those of :data:`KNOWN_OVERLAPS`, and only those."""
    assert_no_new_overlaps(kind, style)


def test_the_overlap_check_sees_overlaps() -> None:
    figure = chart_style.new_figure(4, 3)
    ax = figure.add_subplot()
    ax.text(0.5, 0.5, "one text")
    ax.text(0.52, 0.5, "another")
    ax.set_xlabel("")  # empty texts are not drawn
    found = overlaps(figure)
    assert [(a, b) for a, _, b, _ in found] == [("another", "one text")]


# --------------------------------------------------------------------------------------------
# One family, text as text, same bytes


def test_one_sans_serif_family_everywhere_even_in_the_inset() -> None:
    figure = negsim.plot(record_of("frontier", "venezuela-2025"))
    assert figure.axes[0].child_axes  # the crowded solutions' inset
    fonts = set()
    for ax in [*figure.axes, *figure.axes[0].child_axes]:
        fonts |= {label.get_fontname() for label in ax.get_xticklabels() + ax.get_yticklabels()}
    fonts |= {text.get_fontname() for text in figure.findobj(Text) if text.get_text()}
    assert fonts == {"DejaVu Sans"}
    svg = chart_style.figure_bytes(figure, "svg").decode()
    families = set(re.findall(r"font-family: ([^;\"]+)", svg))
    assert families and all(f.startswith("'DejaVu Sans'") for f in families), families
    assert "serif" not in {f.strip() for family in families for f in family.split(",")}


def test_svg_keeps_text_as_text_and_has_no_date() -> None:
    svg = chart_style.figure_bytes(draw("agreements", record_of("agreements", "pie-split")), "svg")
    assert b"<text" in svg
    assert b"share of simulated runs" in svg
    assert b"<dc:date>" not in svg


@pytest.mark.slow
@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("kind", KINDS)
def test_same_chart_same_bytes(kind: str, style: str) -> None:
    name = "venezuela-2025-private" if kind == "screening" else "pie-split"
    for file_format in chart_style.FORMATS:
        first = chart_style.figure_bytes(draw(kind, record_of(kind, name), style=style),
                                         file_format)  # fmt: skip
        second = chart_style.figure_bytes(draw(kind, record_of(kind, name), style=style),
                                          file_format)  # fmt: skip
        assert first == second, (kind, style, file_format)


def test_same_bytes_in_every_format_and_style() -> None:
    record = record_of("agreements", "venezuela-2025")
    for style in STYLES:
        for file_format in chart_style.FORMATS:
            first = chart_style.figure_bytes(draw("agreements", record, style=style), file_format)
            assert first == chart_style.figure_bytes(
                draw("agreements", record, style=style), file_format
            )


# --------------------------------------------------------------------------------------------
# The styles


def test_style_files_are_package_data_matplotlib_reads() -> None:
    for name in STYLES:
        path = chart_style.style_file(name)
        assert path.parent == chart_style.STYLE_FILE.parent
        assert matplotlib.rc_params_from_file(path, use_default_template=False)
    base = matplotlib.rc_params_from_file(chart_style.STYLE_FILE, use_default_template=False)
    assert base["font.sans-serif"] == ["DejaVu Sans"]
    assert base["svg.fonttype"] == "none"
    cycle = [colour.lower() for colour in base["axes.prop_cycle"].by_key()["color"]]
    assert cycle == [colour.lower() for colour, _ in chart_style.PARTY_STYLES]
    with pytest.raises(ValueError, match="unknown chart style"):
        chart_style.style_file("poster")


def test_style_context_restores_the_global_settings() -> None:
    before = dict(matplotlib.rcParams)
    for name in STYLES:
        with chart_style.chart_style(name):
            assert chart_style.current_style() == name
        assert chart_style.current_style() == "default"
    assert dict(matplotlib.rcParams) == before


def test_classroom_draws_larger_against_the_same_pixels() -> None:
    record = record_of("agreements", "pie-split")
    default = draw("agreements", record)
    classroom = draw("agreements", record, style="classroom")
    assert chart_style.zoom("classroom") == pytest.approx(1.4)
    ratio = default.get_size_inches()[0] / classroom.get_size_inches()[0]
    assert ratio == pytest.approx(1.4)
    assert classroom.dpi * classroom.get_size_inches()[0] == pytest.approx(
        default.dpi * default.get_size_inches()[0]
    )
    sizes = [chart_style.figure_bytes(f, "png")[16:24] for f in (default, classroom)]
    assert sizes[0] == sizes[1]  # the PNG's width and height


def test_print_draws_in_greys() -> None:
    figure = draw("deadline", record_of("deadline", "pie-split"), style="print")
    colours = [matplotlib.colors.to_rgb(line.get_color()) for line in figure.axes[0].lines]
    assert colours and all(r == g == b for r, g, b in colours)
    assert {chart_style.party_style(0)[0], chart_style.party_style(1)[0]} == {
        colour for colour, _ in chart_style.PARTY_STYLES[:2]
    }  # outside the print style: the palette


def test_plot_takes_a_style_and_refuses_an_unknown_one() -> None:
    figure = negsim.plot("pie-split", "agreements", style="classroom")
    assert figure.get_size_inches()[0] == pytest.approx(10 / 1.4)
    with pytest.raises(ChartError, match="unknown chart style"):
        negsim.plot("pie-split", style="poster")


def test_commands_that_draw_take_a_style(tmp_path) -> None:
    runner = CliRunner()
    out = tmp_path / "chart.svg"
    run = runner.invoke(app, ["plot", "pie-split", "--kind", "agreements", "-o", str(out),
                              "--style", "print"])  # fmt: skip
    assert run.exit_code == 0, run.output
    assert b"<text" in out.read_bytes()
    tornado = tmp_path / "tornado.png"
    run = runner.invoke(app, ["sensitivity", "pie-split", "parties.player1.discount", "-o",
                              str(tornado), "--style", "classroom"])  # fmt: skip
    assert run.exit_code == 0, run.output
    assert tornado.read_bytes().startswith(b"\x89PNG")
    run = runner.invoke(app, ["plot", "pie-split", "--style", "poster", "-o", str(out)])
    assert run.exit_code == 2
    assert "poster" in run.output
