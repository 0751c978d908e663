"""The look shared by every chart: the Okabe–Ito colours, text sizes, new figures, axes
styling, captions, and :func:`figure_bytes`, which turns a figure into PNG, SVG or PDF
bytes that are the same for the same input (no dates, fixed SVG ids).

Colours are the Okabe–Ito palette (Okabe & Ito 2008, "Color Universal Design"), safe for
the common forms of colour blindness.
"""

from __future__ import annotations

import io
import textwrap
from typing import Any

import matplotlib
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine
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
    "TEXT_GREY",
    "TICK_SIZE",
    "TITLE_SIZE",
    "TITLE_WIDTH",
    "caption_below",
    "curve_figure",
    "figure_bytes",
    "new_figure",
    "party_style",
    "renderer_of",
    "root_figure",
    "style_axes",
    "wrap",
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

SVG_HASH_SALT = "negsim"

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
# Figures and axes


def wrap(text: str, width: int) -> str:
    """``text`` in lines of at most ``width`` characters, never broken at hyphens."""
    return "\n".join(textwrap.wrap(text, width, break_on_hyphens=False))


def new_figure(width: float = 10.0, height: float = 7.5) -> Figure:
    """A figure with constrained layout and an Agg canvas (no pyplot)."""
    figure = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def curve_figure() -> Figure:
    """A figure for a curve chart: room at the right for the direct labels, which text
    hinting makes a little wider at print resolution than at layout time."""
    figure = Figure(figsize=(10.0, 6.8), layout=ConstrainedLayoutEngine(w_pad=12 / 72))
    FigureCanvasAgg(figure)
    return figure


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
            spine.set_edgecolor(TEXT_GREY)
        return
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def party_style(index: int) -> tuple[str, str]:
    """Colour and marker of party ``index`` on the curve charts."""
    return PARTY_STYLES[index % len(PARTY_STYLES)]


def caption_below(ax: Axes, text: str, below: float = 3.4, width: int | None = 110) -> Annotation:
    """A grey caption under the axes, ``below`` label heights down, wrapped at ``width``
    characters (None: as given)."""
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
    creation dates, SVG ids from a fixed salt, text as paths)."""
    file_format = file_format.lower().lstrip(".")
    if file_format not in FORMATS:
        raise ValueError(f"unknown figure format {file_format!r}; use one of {', '.join(FORMATS)}")
    metadata: dict[str, Any] = {
        "png": {"Software": None},
        "svg": {"Date": None, "Creator": None},
        "pdf": {"CreationDate": None, "Creator": None, "Producer": None},
    }[file_format]
    buffer = io.BytesIO()
    with matplotlib.rc_context({"svg.hashsalt": SVG_HASH_SALT, "svg.fonttype": "path"}):
        if not isinstance(figure.canvas, FigureCanvasAgg):
            FigureCanvasAgg(figure)
        figure.savefig(buffer, format=file_format, dpi=dpi, metadata=metadata)
    return buffer.getvalue()
