"""Figures of where the gradient flows: gradient-flow maps (one, or several side by side on
one colour scale), the paths truncated BPTT cuts, per-step curves, the truncation error,
and the Jacobian's 2-norm beside its bound.

Builders take arrays in (log10 values, −inf where there is no path) and the label strings
the page shows, and return a ``plotly.graph_objects.Figure``; they draw nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go

from rnnviz.figures.style import (COLORWAY, LEGEND_BELOW, SEQUENTIAL_SCALE, TEMPLATE, downsample,
                                  f32, figure, grid, styled)

MAX_CELLS = 200  # a map is shown as at most MAX_CELLS × MAX_CELLS blocks

MAP_LABELS = {
    "title": "Gradient-flow map",
    "x": "input step k",
    "y": "loss at step t",
    "colorbar": "log₁₀ ‖∂Cᵗ/∂x_k‖",
    "hover": "loss at t = %{y:.0f}<br>step k = %{x:.0f}<br>log₁₀ = %{z:.2f}<extra></extra>",
}


def _finite_or_nan(a) -> np.ndarray:
    a = np.array(a, dtype=np.float64)
    a[~np.isfinite(a)] = np.nan
    return a


def shrink_map(M, max_cells: int = MAX_CELLS):
    """A (T, T) log10 map as at most max_cells² block means (−inf, no path, left out of each
    block's mean; a block with no path at all is NaN), with block centres in step units."""
    return downsample(_finite_or_nan(M), max_cells, max_cells, how="mean")


def color_range(maps: Sequence[np.ndarray]) -> tuple[float, float] | None:
    """(lowest, highest) finite value over all maps, or None when none is finite."""
    vals = [np.asarray(m, dtype=np.float64)[np.isfinite(m)] for m in maps]
    vals = [v for v in vals if v.size]
    if not vals:
        return None
    lo, hi = min(float(v.min()) for v in vals), max(float(v.max()) for v in vals)
    if hi - lo < 1e-9:
        lo, hi = lo - 0.5, hi + 0.5
    return lo, hi


def _heatmap(M, max_cells, hover, coloraxis="coloraxis", ax=None):
    """A map as a heatmap trace (dict); ``ax``: its subplot's axis suffix ("" the first)."""
    small, rows, cols = shrink_map(M, max_cells)
    trace = dict(type="heatmap", z=f32(small), x=f32(cols), y=f32(rows), coloraxis=coloraxis,
                 hovertemplate=hover, hoverongaps=False)
    if ax is not None:
        trace.update(xaxis=f"x{ax}", yaxis=f"y{ax}")
    return trace


def _map_axes(layout: dict, T: int, ax: str = "", x_title: str = "", y_title: str = "") -> None:
    """A map's axes (``xaxis{ax}``, ``yaxis{ax}`` of the layout dict): the steps, t downwards."""
    for name, rng, text in (("xaxis", [-0.5, T - 0.5], x_title), ("yaxis", [T - 0.5, -0.5], y_title)):
        axis = layout.setdefault(name + ax, {})
        axis.update(range=rng, showgrid=False, constrain="domain")
        axis["title"] = {**axis.get("title", {}), "text": text}


def _color_axis(maps, title: str) -> dict:
    zr = color_range(maps)
    return dict(colorscale=SEQUENTIAL_SCALE, colorbar=dict(title=dict(text=title, side="top")),
                **({"cmin": zr[0], "cmax": zr[1]} if zr else {}))


def flow_maps_figure(
    maps: Sequence[np.ndarray],
    titles: Sequence[str],
    *,
    labels: Mapping[str, str] | None = None,
    max_cells: int = MAX_CELLS,
    height: int = 560,
) -> go.Figure:
    """Several (T, T) gradient-flow maps side by side on one shared colour scale.

    maps[i][t, k] is a log10 norm, −inf where no path exists (left blank). Rows are the loss
    step t (top to bottom), columns the step k; heatmaps are block means of at most
    max_cells² blocks, with the axes in real step numbers. labels: title, x, y, colorbar, hover.
    """
    lab = {**MAP_LABELS, **(labels or {})}
    n = len(maps)
    T = int(np.asarray(maps[0]).shape[0])
    # plain dicts on make_subplots' layout (style.grid, made once per shape), one unvalidated
    # constructor call: the validating path was ~60 ms of a /bidirectional move
    layout = grid(n, list(titles), 0.08)
    data = []
    for i, M in enumerate(maps):
        ax = "" if i == 0 else str(i + 1)
        data.append(_heatmap(M, max_cells, lab["hover"], ax=ax))
        _map_axes(layout, T, ax, lab["x"], lab["y"] if i == 0 else "")
    layout["coloraxis"] = _color_axis(maps, lab["colorbar"])
    for a in layout["annotations"]:  # the subplot titles
        a["font"]["size"] = 20
    layout["margin"] = dict(t=95)  # room between the title and the subplot titles
    return styled(data, layout, title=lab["title"], height=height)


def _cut_path(T: int, window: int, mode: str) -> str:
    """SVG path (data coordinates, k across, t down) of the pairs k ≤ t that truncated BPTT
    cuts: t − k ≥ window ("window"), or k before the chunk of t ("detach")."""
    h = 0.5
    if mode == "window":
        if window >= T:
            return ""
        # the triangle k ≤ t − window
        pts = [(-h, window - h), (-h, T - h), (T - window - h, T - h)]
        return "M " + " L ".join(f"{x},{y}" for x, y in pts) + " Z"
    parts = []
    for start in range(window, T, window):  # rows of the chunk [start, end), columns [0, start)
        end = min(start + window, T)
        parts.append(f"M {-h},{start - h} L {start - h},{start - h} L {start - h},{end - h} "
                     f"L {-h},{end - h} Z")
    return " ".join(parts)


def truncated_map_figure(
    M: np.ndarray,
    *,
    window: int | None = None,
    mode: str = "window",
    loss_rows: Sequence[int] | None = None,
    labels: Mapping[str, str] | None = None,
    max_cells: int = MAX_CELLS,
    height: int = 560,
) -> go.Figure:
    """One gradient-flow map with the paths truncated BPTT cuts shaded and outlined.

    loss_rows: the loss terms the loss actually holds (marked at the right edge) when it is
    not every step. labels: title, x, y, colorbar, hover, cut (legend of the shaded part),
    loss (legend of the loss-row marks).
    """
    lab = {**MAP_LABELS, "cut": "cut by truncation", "loss": "loss terms in C", **(labels or {})}
    T = int(np.asarray(M).shape[0])
    data = [_heatmap(M, max_cells, lab["hover"])]  # plain dicts (style.styled)
    layout = dict(coloraxis=_color_axis([M], lab["colorbar"]))
    _map_axes(layout, T, "", lab["x"], lab["y"])
    if window is not None:
        path = _cut_path(T, int(window), mode)
        if path:
            layout["shapes"] = [dict(type="path", path=path, xref="x", yref="y", fillcolor="white",
                                     opacity=0.72, line=dict(color=COLORWAY[1], width=3),
                                     layer="above")]
            # a legend entry for the shaded region
            data.append(dict(type="scatter", x=[None], y=[None], mode="markers", name=lab["cut"],
                             marker=dict(symbol="square", size=16, color="white",
                                         line=dict(color=COLORWAY[1], width=3))))
    if loss_rows is not None and len(loss_rows) < T:
        rows = np.asarray(loss_rows, dtype=np.float64)
        data.append(dict(type="scatter", x=np.full(rows.size, T - 0.5, dtype=np.float32),
                         y=f32(rows), mode="markers", name=lab["loss"], cliponaxis=False,
                         marker=dict(symbol="triangle-left", size=14, color=COLORWAY[6])))
    layout.update(showlegend=True, legend=LEGEND_BELOW)  # below: clear of the title
    return styled(data, layout, title=lab["title"], height=height)


def curves_figure(
    x,
    curves: Mapping[str, np.ndarray],
    *,
    title: str,
    x_title: str,
    y_title: str,
    vline: float | None = None,
    vline_text: str = "",
    log_y: bool = False,
    dashes: Sequence[str] | None = None,
    height: int = 420,
) -> go.Figure:
    """Lines y(x), one per entry of `curves` (label → values); non-finite values are gaps.
    vline: a dotted vertical line (e.g. the chosen window) with `vline_text`.

    Built as plain dicts without plotly.py's validation (style.figure; the same figure as
    the validated one, tests/test_figure_speed.py): it was 40-60 % of a /truncated or
    /bidirectional rerun (py-spy), the vertical line alone (add_vline) a sixth of it."""
    x = f32(np.asarray(x, dtype=np.float64))
    data = []
    for i, (name, y) in enumerate(curves.items()):
        y = _finite_or_nan(y)
        if log_y:
            y[y <= 0] = np.nan
        dash = dashes[i] if dashes else "solid"
        data.append(dict(type="scatter", x=x, y=f32(y), mode="lines", name=name,
                         line=dict(color=COLORWAY[i % len(COLORWAY)], dash=dash)))
    layout = dict(template=TEMPLATE, title={"text": title}, height=height,
                  legend=LEGEND_BELOW,  # below: clear of the title, however it wraps
                  xaxis={"title": {"text": x_title}}, yaxis={"title": {"text": y_title}})
    if vline is not None:  # what fig.add_vline(..., annotation_position="top right") makes
        layout["shapes"] = [dict(type="line", x0=float(vline), x1=float(vline), xref="x",
                                 y0=0, y1=1, yref="y domain",
                                 line=dict(color="#404040", dash="dot", width=2))]
        layout["annotations"] = [dict(text=vline_text, showarrow=False, x=float(vline),
                                      xref="x", xanchor="left", y=1, yref="y domain",
                                      yanchor="top", font=dict(size=16))]
    if log_y:
        layout["yaxis"].update(type="log", exponentformat="power")
    return figure(data, layout)


def jacobian_bound_figure(
    n,
    log10_norm,
    bound=None,
    *,
    labels: Mapping[str, str] | None = None,
    height: int = 420,
) -> go.Figure:
    """log10 ||∂h_t/∂h_{t−n}||₂ against n, with the bound n·log10(λ₁γ) when there is one.
    labels: title, x, y, norm, bound."""
    lab = {"title": "Jacobian 2-norm and its bound", "x": "steps back n = t − k",
           "y": "log₁₀ ‖∂h_t/∂h_k‖₂", "norm": "‖∂h_t/∂h_k‖₂", "bound": "bound (λ₁γ)ⁿ",
           **(labels or {})}
    curves = {lab["norm"]: np.asarray(log10_norm, dtype=np.float64)}
    if bound is not None:
        curves[lab["bound"]] = np.asarray(bound, dtype=np.float64)
    order = np.argsort(np.asarray(n))
    return curves_figure(np.asarray(n)[order], {k: v[order] for k, v in curves.items()},
                         title=lab["title"], x_title=lab["x"], y_title=lab["y"],
                         dashes=["solid", "dash"], height=height)
