"""Figures of gradient flow through time: log10 gradient norms against the step, each step's
share of a weight gradient, and time × unit heatmaps.

Builders take arrays (log10 values, not the norms: those pass 1e±300, beyond float32 and
beyond what a plotly log axis can draw) and the label strings the page shows; they return a
``plotly.graph_objects.Figure`` and draw nothing. Non-finite points (a log10 of an exact
zero is −inf) are dropped: NaN and inf never reach the browser.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import NamedTuple

import numpy as np
import plotly.graph_objects as go

from rnnviz.figures.style import (COLORWAY, DIVERGING, SEQUENTIAL_SCALE, TEMPLATE, f32,
                                  figure)

CURVE, BOUND, LATE = COLORWAY[0], COLORWAY[1], COLORWAY[4]  # blue, vermillion, orange


# Fixed margins wide enough for the template's 16 px ticks and 20 px axis titles, with the
# axes' automargin off: automargin makes plotly.js lay every figure out twice, which doubled
# the browser's redraw time of these charts after a slider release.
MARGIN = dict(l=95, r=30, t=70, b=75)
NO_AUTOMARGIN = {"automargin": False}


def _figure(data: list, lab: Mapping[str, str], height: int, **layout) -> go.Figure:
    """One unvalidated constructor call (style.figure) with the rnnviz template, titles and any
    other layout: the look of style.apply_style without plotly.py's validation (10-25 ms
    per figure, and these figures are rebuilt on every slider release)."""
    axes = {f"{a}axis": {"title": {"text": lab[a]}, **NO_AUTOMARGIN, **layout.pop(f"{a}axis", {})}
            for a in "xy"}
    margin = {**MARGIN, **layout.pop("margin", {})}
    return figure(data, dict(template=TEMPLATE, title={"text": lab["title"]}, height=height,
                             margin=margin, **axes, **layout))


def _step_ticks(n: int) -> dict:
    """Whole-step ticks on a short time axis (plotly would put ticks at k = 0.5)."""
    return {"dtick": 1} if n <= 12 else {}


def _finite(x, y):
    """x, y restricted to the points where y is finite, as float32."""
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    keep = np.isfinite(y) & np.isfinite(x)
    return f32(x[keep]), f32(y[keep])


def _range(curve: np.ndarray, extra: np.ndarray | None = None) -> list[float] | None:
    """A y range that shows all of `curve` and `extra` only as far as one curve-span beyond it,
    so a bound far above the curve does not flatten the curve to a line."""
    c = curve[np.isfinite(curve)]
    if c.size == 0:
        return None
    lo, hi = float(c.min()), float(c.max())
    span = max(hi - lo, 1.0)
    if extra is not None:
        e = extra[np.isfinite(extra)]
        if e.size:
            lo = max(min(lo, float(e.min())), lo - span)
            hi = min(max(hi, float(e.max())), hi + span)
    pad = 0.05 * max(hi - lo, 1.0)
    return [lo - pad, hi + pad]


def gradient_norm_figure(
    log10_norm,
    *,
    log10_bound=None,
    labels: Mapping[str, str] | None = None,
    height: int = 460,
) -> go.Figure:
    """log10 ‖∂C/∂h_k‖ against the step k = 0 … n−1, with an optional upper bound (dashed).

    ``labels`` keys: title, x, y, curve, bound, bound_hover.
    """
    lab = {"title": "How much gradient reaches each step", "x": "time step k",
           "y": "log₁₀ ‖∂C/∂h_k‖", "curve": "‖∂C/∂h_k‖ (exact)",
           "bound": "bound (λ₁γ)^(T−1−k)·‖∂C/∂h_T−1‖",
           "bound_hover": "k = %{x}<br>bound 10^%{y:.2f}<extra></extra>", **(labels or {})}
    curve = np.asarray(log10_norm, dtype=np.float64)
    k = np.arange(curve.shape[0])
    data = []
    if log10_bound is not None:
        bx, by = _finite(k, log10_bound)
        data.append(dict(type="scatter", x=bx, y=by, mode="lines", name=lab["bound"],
                               line=dict(color=BOUND, dash="dash"),
                               hovertemplate=lab["bound_hover"]))
    cx, cy = _finite(k, curve)
    data.append(dict(type="scatter", x=cx, y=cy, mode="lines+markers" if cx.size < 60 else "lines",
                           name=lab["curve"], line=dict(color=CURVE),
                           hovertemplate="k = %{x}<br>‖∂C/∂h_k‖ = 10^%{y:.2f}<extra></extra>"))
    bound = None if log10_bound is None else np.asarray(log10_bound, dtype=np.float64)
    return _figure(
        data, lab, height, yaxis={"range": _range(curve, bound)},
        xaxis={"range": [-0.5, max(curve.shape[0] - 0.5, 0.5)], **_step_ticks(curve.shape[0])},
        legend=dict(orientation="h", yanchor="bottom", y=1.0, xanchor="right", x=1.0),
        margin=dict(t=100))


def step_terms_figure(
    log10_terms,
    *,
    late_from: int | None = None,
    labels: Mapping[str, str] | None = None,
    height: int = 420,
) -> go.Figure:
    """log10 of the norm of each step's term of a weight gradient (e.g. ‖h^{k-1} δ^{kᵀ}‖_F),
    with the steps k ≥ late_from shaded.

    ``labels`` keys: title, x, y, curve, late (the shaded band's caption), hover.
    """
    lab = {"title": "Each step's term of ∂C/∂W_hh", "x": "time step k",
           "y": "log₁₀ ‖h^{k−1} δ^kᵀ‖_F", "curve": "step k's term", "late": "last 10 %",
           "hover": "k = %{x}<br>‖term‖ = 10^%{y:.2f}<extra></extra>", **(labels or {})}
    terms = np.asarray(log10_terms, dtype=np.float64)
    n = terms.shape[0]
    x, y = _finite(np.arange(n), terms)
    data = [dict(type="scatter", x=x, y=y, mode="lines+markers" if x.size < 60 else "lines",
                       name=lab["curve"], line=dict(color=CURVE),
                       hovertemplate=lab["hover"])]
    shapes, notes = [], []
    if late_from is not None and n:  # the band k ≥ late_from, full height
        shapes.append(dict(type="rect", xref="x", yref="paper", x0=late_from - 0.5, x1=n - 0.5,
                           y0=0, y1=1, fillcolor=LATE, opacity=0.2, line=dict(width=0),
                           layer="below"))
        notes.append(dict(text=lab["late"], xref="x", yref="paper", x=late_from - 0.5, y=1.0,
                          xanchor="left", yanchor="bottom", showarrow=False, font=dict(size=16)))
    return _figure(data, lab, height, yaxis={"range": _range(terms)},
                   xaxis={"range": [-0.5, max(n - 0.5, 0.5)], **_step_ticks(n)}, showlegend=False,
                   shapes=shapes, annotations=notes)


class Panel(NamedTuple):
    """One heatmap of `time_heatmaps`: z (rows, columns) with time along the columns."""

    z: np.ndarray
    title: str
    colorbar: str  # the colour bar's title: what z is
    signed: bool = True  # blue–white–red centred on 0 (symmetric range); else Cividis
    zmin: float | None = None
    zmax: float | None = None


def time_heatmaps(
    panels: Sequence[Panel],
    steps,
    units,
    *,
    labels: Mapping[str, str] | None = None,
    panel_height: int = 260,
) -> go.Figure:
    """Heatmaps stacked in one figure over a shared time axis (zooming one zooms all):
    `steps` (columns,) the step of each column, `units` (rows,) the hidden unit of each row.
    One figure rather than one per map: fewer charts for the browser to lay out and redraw.

    ``labels`` keys: title (of the figure, may be ""), x, y, hover.
    """
    lab = {"title": "", "x": "time step k", "y": "hidden unit i",
           "hover": "k ≈ %{x}<br>unit %{y}<br>%{z:.3g}<extra></extra>", **(labels or {})}
    n = len(panels)
    gap = 0.16 / max(n - 1, 1) if n > 1 else 0.0  # room for each panel's title
    height = (panel_height + 40) * n + 90
    each = (1.0 - gap * (n - 1)) / n
    data, layout, notes = [], {}, []
    units = np.asarray(units, dtype=np.int32)
    few_units = {"tickvals": units.tolist()} if len(units) <= 12 else {"tickformat": "d"}
    for i, p in enumerate(panels):
        top = 1.0 - i * (each + gap)
        dom = [max(top - each, 0.0), top]
        z = np.asarray(p.z, dtype=np.float64)
        z = np.where(np.isfinite(z), z, 0.0)
        if p.signed:
            lim = float(np.max(np.abs(z))) if z.size else 1.0
            lim = lim if lim > 0 else 1.0
            scale = dict(colorscale=DIVERGING, zmin=-lim if p.zmin is None else p.zmin,
                         zmax=lim if p.zmax is None else p.zmax)
        else:
            scale = dict(colorscale=SEQUENTIAL_SCALE, zmin=p.zmin, zmax=p.zmax)
        ax = "" if i == 0 else str(i + 1)
        data.append(dict(
            type="heatmap", z=f32(z), x=f32(steps), y=units, **scale,
            xaxis=f"x{ax}", yaxis=f"y{ax}",
            colorbar=dict(title=dict(text=p.colorbar, side="top"), y=(dom[0] + dom[1]) / 2,
                          len=each, yanchor="middle"),
            hovertemplate=lab["hover"]))
        layout[f"yaxis{ax}"] = {"domain": dom, "autorange": "reversed", "title": {"text": lab["y"]},
                                **NO_AUTOMARGIN, **few_units}
        layout[f"xaxis{ax}"] = {"anchor": f"y{ax}", "title": {"text": lab["x"]}, **NO_AUTOMARGIN,
                                **_step_ticks(len(steps)), **({"matches": "x"} if i else {})}
        notes.append(dict(text=p.title, xref="paper", yref="paper", x=0.0, y=dom[1],
                          xanchor="left", yanchor="bottom", showarrow=False, font=dict(size=20)))
    return figure(data, dict(
        template=TEMPLATE, title={"text": lab["title"]}, height=height, annotations=notes,
        margin={**MARGIN, "t": 70 if lab["title"] else 40, "r": 120}, **layout))  # r: colour bars
