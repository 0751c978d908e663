"""The look shared by every chart: the Okabe–Ito colours, text sizes, new figures, axes
styling, captions, and :func:`figure_bytes`, which turns a figure into PNG, SVG or PDF
bytes that are the same for the same input (no dates, fixed SVG ids, text kept as text).

Colours are the Okabe–Ito palette (Okabe & Ito 2008, "Color Universal Design"), safe for
the common forms of colour blindness.

The base settings live in a Matplotlib style file, :data:`STYLE_FILE` (one sans-serif
family, the palette, the grid, deterministic files), usable in one's own code
(``plt.style.use(STYLE_FILE)``). :func:`chart_style` draws negsim's charts in one of
:data:`STYLES`: ``default``; ``classroom``, for a projector, where the figure helpers draw
on a canvas :func:`zoom` times smaller, so that every size the charts set in points (text,
lines, markers, offsets) is that much larger against the chart, and :func:`wrap` puts fewer
characters on a line; ``print``, safe in greyscale, where :func:`shade` turns the palette's
colours into distinct greys and :func:`printing` tells the charts to hatch what colour
alone would tell apart.
"""

from __future__ import annotations

import io
import textwrap
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path
from typing import Any

import matplotlib
import matplotlib.style
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_hex, to_rgb
from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.rcsetup import cycler
from matplotlib.text import Annotation

__all__ = [
    "DEAL_COLOUR",
    "FORMATS",
    "HATCH_COLOUR",
    "LABEL_SIZE",
    "LAST_COLOUR",
    "NOTE_SIZE",
    "OKABE_ITO",
    "PARTY_STYLES",
    "STYLES",
    "STYLE_FILE",
    "TEXT_GREY",
    "TICK_SIZE",
    "TITLE_SIZE",
    "TITLE_WIDTH",
    "caption_below",
    "chart_style",
    "current_style",
    "curve_figure",
    "figure_bytes",
    "new_figure",
    "party_style",
    "printing",
    "renderer_of",
    "root_figure",
    "shade",
    "style_axes",
    "style_file",
    "wrap",
    "zoom",
]

OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}

TEXT_GREY = "#444444"

TITLE_SIZE = 15
LABEL_SIZE = 13
TICK_SIZE = 11
NOTE_SIZE = 11
TITLE_WIDTH = 78
"""Characters per title line (wrapped)."""

FORMATS = ("png", "svg", "pdf")
"""File formats of :func:`figure_bytes`, by suffix."""

STYLE_FILE = Path(__file__).with_name("negsim.mplstyle")
"""The Matplotlib style file of every negsim chart: ``plt.style.use(STYLE_FILE)``."""
STYLES = ("default", "classroom", "print")
"""The chart styles of ``--style`` and :func:`chart_style`."""

PRINT_GREYS = {
    "#000000": "#000000",
    "#0072b2": "#1f1f1f",
    "#d55e00": "#7a7a7a",
    "#009e73": "#4d4d4d",
    "#cc79a7": "#5c5c5c",
    "#e69f00": "#a0a0a0",
    "#56b4e9": "#b4b4b4",
    "#f0e442": "#d6d6d6",
}
"""The print style's grey for each Okabe–Ito colour: neighbours in party order stay apart."""

_STYLE: ContextVar[str] = ContextVar("negsim_chart_style", default="default")

PARTY_STYLES: tuple[tuple[str, str], ...] = (
    (OKABE_ITO["blue"], "o"),
    (OKABE_ITO["vermillion"], "s"),
    (OKABE_ITO["bluish_green"], "D"),
    (OKABE_ITO["reddish_purple"], "^"),
    (OKABE_ITO["orange"], "v"),
    (OKABE_ITO["sky_blue"], "P"),
    (OKABE_ITO["black"], "X"),
)
"""Colour and marker of each party on the curve charts, in party order (cycled)."""


DEAL_COLOUR = OKABE_ITO["blue"]
LAST_COLOUR = OKABE_ITO["vermillion"]
"""Bars of the deals in each round, and of the last round."""
HATCH_COLOUR = "#9a9a9a"
"""Hatching of the points that failed."""


# --------------------------------------------------------------------------------------------
# Styles


def style_file(name: str) -> Path:
    """The Matplotlib style file of a chart style: :data:`STYLE_FILE` for ``default``, the
    file laid on top of it for ``classroom`` and ``print``."""
    if name not in STYLES:
        raise ValueError(f"unknown chart style {name!r}; choose from {', '.join(STYLES)}")
    return STYLE_FILE if name == "default" else STYLE_FILE.with_name(f"negsim-{name}.mplstyle")


@cache
def _font_size(path: Path) -> float:
    return float(matplotlib.rc_params_from_file(path, use_default_template=False)["font.size"])


@contextmanager
def chart_style(name: str = "default") -> Iterator[None]:
    """Draw (and write) negsim's charts in the style ``name`` of :data:`STYLES`, within
    ``with chart_style(name):``. The base style file applies to all three; ``print`` adds its
    own file (its greys; the charts set their own dashes and markers); ``classroom`` draws
    on a smaller canvas instead of adding its file's sizes (see :func:`zoom`), so that the
    sizes the charts set themselves grow too. Matplotlib's global settings are restored on
    leaving."""
    style_file(name)  # an unknown name is refused
    files: list[Any] = [STYLE_FILE]
    if name == "print":  # its greys, but not its dashes and markers: the charts set their own
        files += [style_file(name), {"axes.prop_cycle": cycler(color=list(PRINT_GREYS.values()))}]
    token = _STYLE.set(name)
    try:
        with matplotlib.style.context(files):
            yield
    finally:
        _STYLE.reset(token)


def current_style() -> str:
    """The style charts are drawn in: that of the innermost :func:`chart_style`."""
    return _STYLE.get()


def zoom(name: str | None = None) -> float:
    """How much larger, against the chart, the style draws every size in points: 1, or for
    ``classroom`` its style file's font size over the base file's (1.4)."""
    name = current_style() if name is None else name
    if name != "classroom":
        return 1.0
    return _font_size(style_file("classroom")) / _font_size(STYLE_FILE)


def printing() -> bool:
    """Whether charts are drawn in the greyscale-safe ``print`` style."""
    return current_style() == "print"


def shade(colour: str) -> str:
    """A chart colour in the current style: itself, or in ``print`` a grey (each Okabe–Ito
    colour its own, any other colour by its luminance)."""
    if not printing() or colour in ("white", "none"):
        return colour
    known = PRINT_GREYS.get(colour.lower())
    if known is not None:
        return known
    red, green, blue = to_rgb(colour)
    grey = 0.2126 * red + 0.7152 * green + 0.0722 * blue
    return to_hex((grey, grey, grey))


# --------------------------------------------------------------------------------------------
# Figures and axes


def wrap(text: str, width: int) -> str:
    """``text`` in lines of at most ``width`` characters (fewer in a style that draws larger,
    :func:`zoom`), never broken at hyphens."""
    width = max(int(width / zoom()), 8)
    return "\n".join(textwrap.wrap(text, width, break_on_hyphens=False))


def _styled(figure: Figure) -> Figure:
    """``figure`` with an Agg canvas, marked with the style it is drawn in."""
    FigureCanvasAgg(figure)
    figure.negsim_style = current_style()  # type: ignore[attr-defined]
    return figure


def _size(width: float, height: float) -> dict[str, Any]:
    """The figure size and resolution of a chart ``width`` by ``height`` inches in the
    current style: as many pixels, with everything in points :func:`zoom` times larger."""
    scale = zoom()
    return {
        "figsize": (width / scale, height / scale),
        "dpi": matplotlib.rcParams["figure.dpi"] * scale,
    }


def new_figure(width: float = 10.0, height: float = 7.5) -> Figure:
    """A figure with constrained layout and an Agg canvas (no pyplot)."""
    return _styled(Figure(**_size(width, height), layout="constrained"))


def curve_figure() -> Figure:
    """A figure for a curve chart: room at the right for the direct labels, which text
    hinting makes a little wider at print resolution than at layout time."""
    return _styled(Figure(**_size(10.0, 6.8), layout=ConstrainedLayoutEngine(w_pad=12 / 72)))


def root_figure(ax: Axes) -> Figure:
    """The figure an Axes is drawn in (the root figure, for an Axes in a subfigure)."""
    figure = ax.get_figure()
    assert figure is not None
    return figure if isinstance(figure, Figure) else figure.figure


def renderer_of(figure: Figure) -> Any:
    """The renderer that measures text on ``figure``."""
    canvas = figure.canvas
    if hasattr(canvas, "get_renderer"):
        return canvas.get_renderer()
    return FigureCanvasAgg(figure).get_renderer()


def style_axes(ax: Axes, inset: bool = False) -> None:
    """Tick sizes, a light grid below the data, no top and right spines (a framed inset)."""
    ax.tick_params(labelsize=TICK_SIZE - (2 if inset else 0))
    ax.grid(True, color="#e6e6e6", linewidth=0.7, zorder=0)
    ax.set_axisbelow(True)
    if inset:
        ax.set_facecolor("white")
        for spine in ax.spines.values():
            spine.set_visible(True)
            spine.set_edgecolor(TEXT_GREY)
        return
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def party_style(index: int) -> tuple[str, str]:
    """Colour and marker of party ``index`` on the curve charts (in the current style)."""
    colour, marker = PARTY_STYLES[index % len(PARTY_STYLES)]
    return shade(colour), marker


def caption_below(ax: Axes, text: str, below: float = 3.4, width: int | None = 110) -> Annotation:
    """A grey caption under the axes, ``below`` label heights down, wrapped at ``width``
    characters (None: as given); further down by the x label's lines beyond the first."""
    below += 1.2 * ax.get_xlabel().count("\n")
    return ax.annotate(
        text if width is None else wrap(text, width),
        xy=(0.0, 0.0),
        xycoords="axes fraction",
        xytext=(0, -below * LABEL_SIZE),
        textcoords="offset points",
        ha="left",
        va="top",
        fontsize=NOTE_SIZE - 1,
        color=TEXT_GREY,
        linespacing=1.4,
        annotation_clip=False,
        gid="caption",
    )


# --------------------------------------------------------------------------------------------
# Bytes


def figure_bytes(figure: Figure, file_format: str, dpi: int = 130) -> bytes:
    """The figure as PNG, SVG or PDF bytes; the same figure gives the same bytes (no
    creation dates, SVG ids from a fixed salt, text kept as text). A chart is written in the
    style it was drawn in (:func:`chart_style`), at ``dpi`` times its :func:`zoom`: a
    ``classroom`` chart has as many pixels as a ``default`` one."""
    file_format = file_format.lower().lstrip(".")
    if file_format not in FORMATS:
        raise ValueError(f"unknown figure format {file_format!r}; use one of {', '.join(FORMATS)}")
    metadata: dict[str, Any] = {
        "png": {"Software": None},
        "svg": {"Date": None, "Creator": None},
        "pdf": {"CreationDate": None, "Creator": None, "Producer": None},
    }[file_format]
    buffer = io.BytesIO()
    with chart_style(getattr(figure, "negsim_style", "default")):
        if not isinstance(figure.canvas, FigureCanvasAgg):
            FigureCanvasAgg(figure)
        figure.savefig(buffer, format=file_format, dpi=dpi * zoom(), metadata=metadata)
    return buffer.getvalue()


MIN_AXES_SHARE = 0.5
"""The least share of a figure's first height its axes keep when text is added around
them (a long list, a caption, a style that draws text larger): the figure grows taller
instead."""


GROWTH_STEPS = 6
"""At most this many times :func:`keep_axes_height` makes a figure taller."""


def keep_axes_height(ax: Axes, share: float = MIN_AXES_SHARE) -> None:
    """Make the figure taller when the text around ``ax`` leaves it less than ``share`` of
    the figure's first height (the layout must be fixed: call after drawing)."""
    figure = root_figure(ax)
    first = getattr(figure, "negsim_first_height", figure.get_size_inches()[1])
    figure.negsim_first_height = first  # type: ignore[attr-defined]
    for _ in range(GROWTH_STEPS):  # text can need more room again once the figure grows
        with warnings.catch_warnings(record=True) as caught:  # a collapsed layout is mended
            warnings.simplefilter("always")
            figure.draw_without_rendering()
        collapsed = any("constrained_layout not applied" in str(w.message) for w in caught)
        for other in caught:
            if "constrained_layout not applied" not in str(other.message):
                warnings.warn_explicit(other.message, other.category, other.filename, other.lineno)
        width, height = figure.get_size_inches()
        missing = share * first - ax.get_position().height * height
        if missing <= 0.05 and not collapsed:
            return
        figure.set_size_inches(width, height + (0.5 * height if collapsed else missing * 1.05))
    figure.draw_without_rendering()


def colour_words(colour: str, grey: str) -> str:
    """A caption's word for a mark's colour: ``colour`` (``"Blue"``), or ``grey``
    (``"Dark"``) in the print style, which draws in greys."""
    return grey if current_style() == "print" else colour
