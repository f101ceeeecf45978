"""Figures of the family lessons ("Compare the family", "Your own model").

Builders take arrays (log10 values, never the norms themselves, which pass 1e±300) and the
label strings the page shows; they return a ``plotly.graph_objects.Figure`` and draw nothing.
Non-finite points (the log10 of an exact zero) become gaps: NaN and inf never reach the browser.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go

from rnnviz.figures.style import AXIS_TITLE_FONT, COLORWAY, TICK_FONT, f32, grid, hline, styled

__all__ = ["CELL_COLORS", "COLORWAY", "family_bars_figure", "norm_curves_figure"]

# one colour per cell, the same on every figure of the family lessons
CELL_COLORS = {"rnn": COLORWAY[0], "lstm": COLORWAY[1], "gru": COLORWAY[2]}
THRESHOLD_COLOR = "#595959"


def _gaps(y) -> np.ndarray:
    y = np.asarray(y, dtype=np.float64)
    return f32(np.where(np.isfinite(y), y, np.nan))


def _y_range(curves: Sequence[Mapping], extra: float | None) -> list[float] | None:
    vals = [np.asarray(c["y"], dtype=np.float64) for c in curves]
    vals = np.concatenate([v[np.isfinite(v)] for v in vals]) if vals else np.array([])
    if extra is not None and np.isfinite(extra):
        vals = np.append(vals, extra)
    if vals.size == 0:
        return None
    lo, hi = float(vals.min()), float(vals.max())
    pad = 0.06 * max(hi - lo, 1.0)
    return [lo - pad, hi + pad]


def norm_curves_figure(
    curves: Sequence[Mapping],
    *,
    threshold: float | None = None,
    labels: Mapping[str, str] | None = None,
    height: int = 480,
) -> go.Figure:
    """log10 gradient norms against the time step, one line per curve, on a linear axis.

    Each curve: {"name", "y" (T,) log10 values in time order, optional "x" (its steps, default
    0 … T−1), "color", "dash", "below" (the step where it first falls under the threshold, or
    None; drawn as a marker)}. `threshold`: the log10 level drawn as a dotted line.
    ``labels`` keys: title, x, y, threshold, below (hover text of a marker, with {name}, {k}),
    hover_y (the hover label of a curve's value).
    """
    lab = {"title": "How much gradient reaches each step", "x": "time step k",
           "y": "log₁₀ ‖∂C/∂h_k‖", "threshold": "threshold θ", "below": "{name} falls below θ at k = {k}",
           "hover_y": "log₁₀ norm", **(labels or {})}
    data = []  # plain dicts, one unvalidated constructor call (style.styled)
    for i, c in enumerate(curves):
        y = np.asarray(c["y"], dtype=np.float64)
        x = np.asarray(c.get("x", np.arange(y.shape[0])), dtype=np.float64)
        color = c.get("color", COLORWAY[i % len(COLORWAY)])
        data.append(dict(
            type="scatter", x=f32(x), y=_gaps(y), mode="lines", name=c["name"],
            line=dict(color=color, dash=c.get("dash")),
            hovertemplate=f"{c['name']}<br>k = %{{x:.0f}}<br>{lab['hover_y']} = %{{y:.2f}}<extra></extra>",
        ))
        k = c.get("below")
        if k is not None and 0 <= k < y.shape[0] and np.isfinite(y[k]):
            text = lab["below"].format(name=c["name"], k=int(x[k]))
            data.append(dict(
                type="scatter", x=f32([x[k]]), y=f32([y[k]]), mode="markers", showlegend=False,
                name=text,
                marker=dict(color=color, size=14, symbol="x-thin", line=dict(width=4, color=color)),
                hovertemplate=f"{text}<extra></extra>",
            ))
    layout = dict(yaxis=dict(range=_y_range(curves, threshold)),
                  legend=dict(orientation="h", yanchor="bottom", y=1.0, xanchor="right", x=1.0),
                  margin=dict(t=85, l=75, b=66))  # the title, then the legend above the plot
    # (l, b: as large as the axes push them, so plotly.js lays the figure out only once)
    if threshold is not None and np.isfinite(threshold):
        # what fig.add_hline(…, annotation_text=…, annotation_position="bottom left") adds
        y0 = float(threshold)
        layout["shapes"] = [hline(y0, dict(color=THRESHOLD_COLOR, dash="dot", width=2))]
        layout["annotations"] = [dict(text=lab["threshold"], showarrow=False, x=0, xanchor="left",
                                      xref="x domain", y=y0, yanchor="top", yref="y",
                                      font=dict(size=TICK_FONT, color=THRESHOLD_COLOR))]
    return styled(data, layout, title=lab["title"], x_title=lab["x"], y_title=lab["y"],
                  height=height)


def family_bars_figure(
    kinds: Sequence[str],
    names: Sequence[str],
    panels: Sequence[tuple[str, Sequence[float], str]],
    *,
    title: str = "",
    height: int = 360,
) -> go.Figure:
    """Side-by-side bar panels, one bar per cell in each: panels [(panel title, values,
    text format like "{:,.0f}")]. Bars take the cell's colour (CELL_COLORS[kind])."""
    n = len(panels)
    # plain dicts on make_subplots' layout (style.grid, made once per shape): the validating
    # make_subplots/add_trace/update_* path cost ~50 ms per /compare move
    layout = grid(n, [p[0] for p in panels], 0.08)
    colors = [CELL_COLORS.get(k, COLORWAY[i % len(COLORWAY)]) for i, k in enumerate(kinds)]
    data = []
    for c, (panel, values, fmt) in enumerate(panels, start=1):
        vals = np.asarray(values, dtype=np.float64)
        ax = "" if c == 1 else str(c)
        data.append(dict(
            type="bar", x=list(names), y=f32(vals), marker=dict(color=colors), showlegend=False,
            name=panel,
            text=[fmt.format(v) if np.isfinite(v) else "–" for v in vals], textposition="outside",
            textfont=dict(size=TICK_FONT), cliponaxis=False,
            hovertemplate=f"%{{x}}<br>{panel}: %{{text}}<extra></extra>",
            xaxis=f"x{ax}", yaxis=f"y{ax}",
        ))
        top = float(np.nanmax(vals)) if np.isfinite(vals).any() else 1.0
        layout[f"yaxis{ax}"].update(range=[0, max(top, 1e-9) * 1.25], showticklabels=False,
                                     ticks="", showgrid=False)
    for a in layout["annotations"]:  # the panel titles
        a["font"] = dict(size=AXIS_TITLE_FONT)
    # "RNN (tanh)" beside "LSTM" runs into it in a third of a 1280-px screen: long names on
    # two lines (the categories, and so the hover text, stay the names themselves)
    for c in range(1, n + 1):
        layout[f"xaxis{'' if c == 1 else c}"].update(
            tickvals=list(names), ticktext=[_two_lines(n) for n in names])
    # b: room for the two-line names, as the axes push it (no second layout in plotly.js)
    layout.update(margin=dict(t=90 if title else 50, b=64), bargap=0.35)
    return styled(data, layout, title=title or None, height=height)


def _two_lines(name: str, longest: int = 6) -> str:
    """A tick label longer than `longest` characters broken at its first space."""
    if len(name) <= longest or " " not in name:
        return name
    first, rest = name.split(" ", 1)
    return f"{first}<br>{rest}"
