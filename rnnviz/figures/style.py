"""One plotly look for every figure, readable on a projector and by colour-blind students.

- Fonts: 18 px base, 16 px ticks, 20 px axis titles, 24 px figure titles.
- Colours: the Okabe–Ito palette (Okabe & Ito 2008) without its yellow, which vanishes on
  a white background under a projector; blue first, vermillion second.
- Heatmaps: ``SEQUENTIAL`` (Cividis, colour-blind safe) for magnitudes such as log10
  norms, ``DIVERGING`` (blue–white–red) for signed values centred on 0.
- Data are sent to the browser as float32 (``f32``) and heatmaps downsampled
  (``downsample``) so a T = 2000 page stays light.

Units belong in axis titles: ``apply_style(fig, x_title="time step t", y_title="log10 ‖δ_t‖")``.

Layout rules that keep figures readable in a half-width column on a 1280-px projector:
- Titles short (about 30 characters fit a half-width figure at 24 px); the long explanation
  goes in the page's caption.
- Legends below the figure: ``fig.update_layout(legend=LEGEND_BELOW)``. It is anchored to
  the bottom of the figure (``yref="container"``), so plotly reserves room for it under the
  x-axis title however many rows it wraps to, and it never runs into the title at the top.
  A legend placed in plot fractions (``y=-0.2``) hits the axis title on short plots, and one
  above the plot grows upwards into the title when it wraps. It needs the axes' automargin
  (the template's default): with ``automargin=False`` and fixed margins plotly.js does not
  make room for it and it lands on the tick labels; there, put the legend at a paper
  ``y = -(px below the plot) / (plot height in px)``, which the fixed margins make known.
- Log axes: ``log_ticks`` labels decades as 0.1, 0.01 … or 10⁻⁴ instead of plotly's small
  digits at every minor tick.
"""

from __future__ import annotations

import base64
import copy
import functools
import math
import re
from typing import Any

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio

# Okabe–Ito without yellow: blue, vermillion, bluish green, reddish purple, orange, sky blue, black.
COLORWAY = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"]
SEQUENTIAL = "Cividis"
DIVERGING = [[0.0, "#0072B2"], [0.5, "#FFFFFF"], [1.0, "#D55E00"]]
# the same as a list of [fraction, colour], as plotly.py's validation expands the name (for
# figures built without validation, style.figure)
SEQUENTIAL_SCALE = [list(stop) for stop in go.layout.Coloraxis(colorscale=SEQUENTIAL).colorscale]
# Latin fonts first, then a Simplified Chinese font of every system a student may bring (the
# browser falls back glyph by glyph down the list): macOS/iOS, Windows, Linux and Android.
FONT_FAMILY = ("Inter, 'Source Sans Pro', system-ui, -apple-system, 'Segoe UI', 'PingFang SC', "
               "'Hiragino Sans GB', 'Microsoft YaHei', 'Noto Sans CJK SC', 'Source Han Sans SC', "
               "'Noto Sans SC', 'WenQuanYi Micro Hei', sans-serif")
BASE_FONT = 18
TICK_FONT = 16
AXIS_TITLE_FONT = 20
TITLE_FONT = 24
LINE_WIDTH = 3
GRID = "#D9D9D9"

_axis = dict(
    title=dict(font=dict(size=AXIS_TITLE_FONT), standoff=10),
    tickfont=dict(size=TICK_FONT),
    gridcolor=GRID,
    zerolinecolor="#A0A0A0",
    linecolor="#404040",
    showline=True,
    ticks="outside",
    automargin=True,
    # plotly.js's default ("hide past div") measures every tick label's box in the page on
    # every draw to hide those past the chart's edge: a seventh of a redraw's time in a CPU
    # profile (issue 13). Margins here are wide enough that no label gets there.
    ticklabeloverflow="allow",
)

TEMPLATE = go.layout.Template(
    layout=dict(
        font=dict(family=FONT_FAMILY, size=BASE_FONT, color="#1A1A1A"),
        # the title at the figure's top edge (plotly's default centres it in the top margin,
        # which leaves a gap above it when a legend or subplot titles widen that margin)
        title=dict(font=dict(size=TITLE_FONT), x=0.0, xanchor="left", y=1.0, yref="container",
                   yanchor="top", pad=dict(t=12)),
        colorway=COLORWAY,
        paper_bgcolor="#FFFFFF",
        plot_bgcolor="#FFFFFF",
        xaxis=_axis,
        yaxis=_axis,
        legend=dict(font=dict(size=BASE_FONT - 2), bgcolor="rgba(255,255,255,0.8)"),
        hoverlabel=dict(font=dict(size=BASE_FONT - 2)),
        margin=dict(l=70, r=30, t=70, b=60),
        colorscale=dict(sequential=SEQUENTIAL, diverging=DIVERGING),
    ),
    data=dict(
        scatter=[go.Scatter(line=dict(width=LINE_WIDTH), marker=dict(size=8))],
        heatmap=[go.Heatmap(colorscale=SEQUENTIAL, colorbar=dict(tickfont=dict(size=TICK_FONT)))],
    ),
)
pio.templates["rnnviz"] = TEMPLATE

# A horizontal legend under the plot, anchored to the figure's bottom edge (see the docstring).
LEGEND_BELOW = dict(orientation="h", yref="container", y=0.0, yanchor="bottom",
                    xanchor="left", x=0.0)


def figure(data: list[dict], layout: dict, frames: list[dict] | None = None) -> go.Figure:
    """``go.Figure(data=data, layout=layout)`` without plotly.py's validation, for builders
    that write their traces as plain dicts (``{"type": "scatter", ...}``).

    Validation is most of what building a figure costs (a 4-curve ``lines`` figure: 11.5 ms
    validated, 1.1 ms not), and every slider move builds the page's changed figures again,
    under the one interpreter lock all students share. What validation would do is done here:
    keys whose value is None are dropped (plotly.py drops them; JSON would send nulls).
    tests/test_figure_speed.py checks each builder's figure against a validated copy of it,
    so a misspelt property still fails a test.
    """
    fig = go.Figure(data=[_no_none(t) for t in data], layout=_no_none(layout), _validate=False)
    if frames:
        # plotly.py validates frames even in an unvalidated figure (its frames validator
        # builds each go.Frame validated): build them unvalidated and hand them over as
        # that validator would (a tuple of go.Frame).
        fig._frame_objs = tuple(go.Frame(_no_none(f), _validate=False) for f in frames)
    return fig


def styled(
    data: list[dict],
    layout: dict,
    *,
    title: str | None = None,
    x_title: str | None = None,
    y_title: str | None = None,
    height: int | None = None,
    frames: list[dict] | None = None,
) -> go.Figure:
    """``apply_style(figure(data, layout), title=…, …)`` for a figure written as dicts: the
    template, the title, every x (y) axis's title and the height set in the layout dict,
    then one unvalidated constructor call.

    The same figure as building it with ``go.Scatter``, ``update_xaxes``, ``add_hline`` and
    ``apply_style`` (tests/test_figure_speed.py), without plotly.py's object machinery:
    that was 10-60 ms per figure, most of a chart's server cost on a slider move."""
    layout = {**layout, "template": TEMPLATE}
    if title is not None:
        layout["title"] = {**layout.get("title", {}), "text": title}
    for prefix, text in (("xaxis", x_title), ("yaxis", y_title)):
        if text is None:
            continue
        # as update_xaxes: every x axis of the layout, or the first one when there is none
        for name in [k for k in layout if re.fullmatch(prefix + r"\d*", k)] or [prefix]:
            axis = dict(layout.get(name) or {})
            axis["title"] = {**axis.get("title", {}), "text": text}
            layout[name] = axis
    if height is not None:
        layout["height"] = height
    return figure(data, layout, frames)


def hline(y: float, line: dict) -> dict:
    """The shape ``fig.add_hline(y=y, line=line)`` adds: a line across the plot at y."""
    return dict(type="line", xref="x domain", x0=0, x1=1, yref="y", y0=y, y1=y, line=line)


@functools.lru_cache(maxsize=32)
def _grid(cols: int, titles: tuple[str, ...], spacing: float) -> dict:
    from plotly.subplots import make_subplots

    layout = make_subplots(rows=1, cols=cols, subplot_titles=list(titles),
                           horizontal_spacing=spacing).layout.to_plotly_json()
    layout.pop("template", None)
    return layout


def grid(cols: int, titles: list[str], spacing: float) -> dict:
    """The layout of ``make_subplots(rows=1, cols=cols, subplot_titles=titles,
    horizontal_spacing=spacing)`` as a dict (axes' domains and anchors, the titles as
    annotations), made once per shape; trace i goes on axes ``x{i+1}``/``y{i+1}`` (``x``,
    ``y`` for the first)."""
    return copy.deepcopy(_grid(cols, tuple(titles), spacing))


try:
    import orjson
except ImportError:  # requirements.txt pins it; without it plotly.py's own encoder is used
    orjson = None

# what plotly.io.to_json escapes in its output (an HTML-safe JSON text), the same here
_UNSAFE = (("<", "\\u003c"), (">", "\\u003e"), ("/", "\\u002f"), ("\u2028", "\\u2028"),
           ("\u2029", "\\u2029"))


# numpy dtypes plotly.js reads as typed arrays, by plotly.py's short names
_TYPED = {"int8": "i1", "uint8": "u1", "int16": "i2", "uint16": "u2", "int32": "i4",
          "uint32": "u4", "float32": "f4", "float64": "f8"}


def _json_default(v: Any) -> Any:
    """What orjson cannot write itself, as plotly.py writes it: numpy arrays as plotly.js
    typed arrays ``{dtype, bdata[, shape]}`` (or a list where plotly.js has no such type),
    numpy scalars as numbers."""
    if isinstance(v, np.ndarray):
        short = _TYPED.get(v.dtype.name)
        if short is not None and v.size and v.dtype.isnative:
            # plotly.py's to_typed_array_spec for these dtypes, without its dataframe checks
            # (~0.1 ms per array)
            spec = {"dtype": short, "bdata": base64.b64encode(np.ascontiguousarray(v)).decode("ascii")}
            if v.ndim > 1:
                spec["shape"] = str(v.shape)[1:-1]
            return spec
        from _plotly_utils.utils import to_typed_array_spec

        spec = to_typed_array_spec(v)  # int64 narrowed, empty and other arrays as lists
        return spec if isinstance(spec, dict) else np.asarray(spec).tolist()
    if isinstance(v, np.generic):
        return v.item()
    raise TypeError(type(v).__name__)


def figure_json(fig: go.Figure) -> str:
    """``plotly.io.to_json(fig, validate=False)``, the same text, made without its deep copy.

    plotly.py copies the whole figure (data, layout with the template, every animation
    frame) and walks it to base64 the arrays before encoding; a figure is read-only once
    built (pages cache and share them), so this encodes the figure's own dicts directly,
    arrays converted as they are met. 3-10x faster; on /powers (60 animation frames) the
    copy was most of a move's chart cost. tests/test_figure_speed.py compares the texts."""
    layout = fig._layout
    if orjson is None or any(isinstance(v, dict) and isinstance(v.get("range"), np.ndarray)
                             for v in layout.values()):
        return pio.to_json(fig, validate=False)  # plotly.py writes an array range as a list
    res = {"data": fig._data, "layout": layout}
    frames = [frame._props for frame in fig._frame_objs]
    if frames:
        res["frames"] = frames
    out = orjson.dumps(res, default=_json_default, option=orjson.OPT_NON_STR_KEYS).decode()
    for unsafe, safe in _UNSAFE:
        if unsafe in out:
            out = out.replace(unsafe, safe)
    return out


def _no_none(d: Any) -> Any:
    """A copy of nested dicts/lists without the None values of dicts (arrays untouched)."""
    if isinstance(d, dict):
        return {k: _no_none(v) for k, v in d.items() if v is not None}
    if isinstance(d, list) and d and isinstance(d[0], (dict, list)):
        return [_no_none(v) for v in d]
    return d


def apply_style(
    fig: go.Figure,
    *,
    title: str | None = None,
    x_title: str | None = None,
    y_title: str | None = None,
    height: int | None = None,
) -> go.Figure:
    """Give `fig` the rnnviz look and the titles given; returns the same figure.

    The template goes in unvalidated: it is ours and valid, and re-validating its few
    hundred properties cost ~10 ms per figure, on every move that redraws one."""
    layout = fig.layout
    validate = layout._validate
    layout._validate = False
    try:
        fig.update_layout(template=TEMPLATE)
    finally:
        layout._validate = validate
    if title is not None:
        fig.update_layout(title_text=title)
    if x_title is not None:
        fig.update_xaxes(title_text=x_title)
    if y_title is not None:
        fig.update_yaxes(title_text=y_title)
    if height is not None:
        fig.update_layout(height=height)
    return fig


def _tick_text(v: float) -> str:
    """0.5, 0.01, 20 in plain digits; beyond 1e-3 … 1e4 as 10 with a superscript power."""
    e = math.floor(math.log10(v) + 1e-9)
    if -3 <= e <= 3:
        return f"{v:.{max(0, -e)}f}"
    m = v / 10.0**e
    digits = str(e).replace("-", "−")
    return (f"{m:.0f}·" if abs(m - 1) > 1e-6 else "") + f"10<sup>{digits}</sup>"


def log_ticks(lo: float, hi: float) -> dict:
    """Tick values and labels for a log axis showing data in [lo, hi] (both > 0): 1, 2 and 5
    times each decade when the data span at most two decades (or are one value, which plotly
    pads to about two), every decade when they span more. Returns ``dict(tickvals=[...],
    ticktext=[...])`` for ``fig.update_yaxes(type="log", **...)``, or {} (plotly's own ticks,
    fine there) when the data span under half a decade."""
    if not (lo > 0 and hi > 0 and math.isfinite(lo) and math.isfinite(hi)):
        return {}
    lo, hi = min(lo, hi), max(lo, hi)
    span = math.log10(hi / lo)
    if 1e-9 < span < 0.5:
        return {}
    steps = (1, 2, 5) if span <= 2 else (1,)
    e0, e1 = math.floor(math.log10(lo)) - 1, math.ceil(math.log10(hi)) + 1  # room for padding
    vals = [m * 10.0**e for e in range(e0, e1 + 1) for m in steps]
    return dict(tickvals=vals, ticktext=[_tick_text(v) for v in vals])


_F32_MAX = float(np.finfo(np.float32).max)


def f32(a) -> np.ndarray:
    """float32 copy of `a` for the browser; refuses finite values float32 cannot hold.

    Plot log10 of gradient norms, not the norms: 1e300 fits float64 but not float32.
    """
    a = np.asarray(a, dtype=np.float64)
    finite = np.isfinite(a)
    if finite.any() and np.abs(a[finite]).max() > _F32_MAX:
        raise ValueError("A value exceeds the float32 range; plot its log10 instead.")
    return a.astype(np.float32)


# downsample lives with the computation (rnnviz/lessons/shrink.py): the lessons shrink their maps
# with it before any figure exists
from ..lessons.shrink import downsample  # noqa: E402,F401
