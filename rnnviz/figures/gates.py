"""Figures of the gated-cell lessons: gate heatmaps over time, gradient-norm curves, gate means.

Every builder takes arrays (and the label strings the page shows) and returns a
``plotly.graph_objects.Figure``; nothing here computes a gradient. Heatmaps arrive already
shrunk (rnnviz.lessons.gates), with their step and unit axes in real units.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go

from rnnviz.figures.style import (AXIS_TITLE_FONT, COLORWAY, DIVERGING, SEQUENTIAL_SCALE,
                                  TEMPLATE, TICK_FONT, f32, figure)

# kind of a heatmap panel -> (coloraxis name, colour scale, fixed range or None = symmetric)
PANEL_KINDS = {
    "gate": ("coloraxis", SEQUENTIAL_SCALE, (0.0, 1.0)),  # σ gates, in (0, 1)
    "tanh": ("coloraxis2", DIVERGING, (-1.0, 1.0)),  # g (LSTM) / n (GRU), in (−1, 1)
    "state": ("coloraxis3", DIVERGING, None),  # c (LSTM) or h: symmetric about 0
}
ROW_HEIGHT = 150  # px per heatmap row
GAP = 48  # px between rows, room for each row's title
COLUMN_TITLE = 30  # px above the top band for the column titles, when there are any
COLUMN_GAP = 0.06  # of the width, between columns of heatmaps


def gate_heatmaps(
    steps,
    units,
    panels: Sequence[tuple[str, np.ndarray, str]],
    *,
    labels: Mapping[str, str] | None = None,
) -> go.Figure:
    """Heatmaps stacked over one time axis, one band per panel (label, z (U, S), kind).

    kind is a key of PANEL_KINDS; rows of one kind share a colour bar, drawn beside them.
    ``labels`` keys: title, x, y, "bar_gate", "bar_tanh", "bar_state" (colour-bar titles) and
    "value" (the hover label's word for the heatmap value).
    All bands sit on one pair of axes (each band's units shifted up by its offset, the y
    ticks labelled with the units themselves): plotly.js lays out and draws two axes, not
    two per band, which is most of what a redraw of this figure costs. The hover label
    gives the band, the time step and the value.
    """
    return gate_heatmap_columns(steps, units, [(None, panels)], labels=labels)


def gate_heatmap_columns(
    steps,
    units,
    columns: Sequence[tuple[str | None, Sequence[tuple[str, np.ndarray, str]]]],
    *,
    labels: Mapping[str, str] | None = None,
) -> go.Figure:
    """``gate_heatmaps`` for several runs side by side in one figure: columns is a list of
    (column title or None, panels), every column with the same panels in the same order
    over the same steps and units. The columns share the y axis and the colour bars (so
    their colours compare), each has its own time axis. One figure, not one per run: each
    chart costs chromium a fixed amount of work on every redraw."""
    lab = {"title": "Gates over time", "x": "time step t", "y": "unit j",
           "bar_gate": "gate", "bar_tanh": "value", "bar_state": "state", "value": "value",
           **(labels or {})}
    kinds = [[(name, kind) for name, _, kind in panels] for _, panels in columns]
    if any(len(k) != len(kinds[0]) or [x[1] for x in k] != [x[1] for x in kinds[0]] for k in kinds):
        raise ValueError("Every column needs the same kinds of panels in the same order.")
    n, n_cols = len(kinds[0]), len(columns)
    titled = any(title for title, _ in columns)
    top_px = 70 + (COLUMN_TITLE if titled else 0)
    height = ROW_HEIGHT * n + GAP * (n - 1) + 80 + top_px  # bands, band-title gaps, margins
    x, u = f32(steps), np.asarray(units, dtype=np.float64)
    du = float(u[1] - u[0]) if u.size > 1 else 1.0
    span = float(u[-1] - u[0]) + du  # a band's height in units
    gap = span * GAP / ROW_HEIGHT  # the gap's height in units
    lo_all = u[0] - du / 2
    width = (1.0 - COLUMN_GAP * (n_cols - 1)) / n_cols
    ticks = _unit_ticks(u)
    data, annotations, tickvals, ticktext, spans, layout = [], [], [], [], {}, {}
    for c, (title, panels) in enumerate(columns):
        ax = "" if c == 0 else str(c + 1)
        left = c * (width + COLUMN_GAP)
        layout[f"xaxis{ax}"] = {"domain": [left, left + width], "anchor": "y",
                                "title": {"text": lab["x"]}}
        if title:
            annotations.append(dict(text=f"<b>{title}</b>", x=left + width / 2, xanchor="center",
                                    y=1.0, yanchor="bottom", yshift=COLUMN_TITLE - 4,
                                    xref="paper", yref="paper", showarrow=False,
                                    font=dict(size=AXIS_TITLE_FONT)))
        for r, (name, z, kind) in enumerate(panels):
            off = (n - 1 - r) * (span + gap)  # the top band first
            # the hover label has no unit: y is shifted by the band's offset, and a (U, S)
            # array of units for it (customdata) cost 15 ms of every redraw; ticks show them
            data.append(dict(
                type="heatmap", z=f32(z), x=x, y=f32(u + off),
                coloraxis=PANEL_KINDS[kind][0], name=name,
                xaxis=f"x{ax}", yaxis="y",
                hovertemplate=(f"{title + ': ' if title else ''}{name}<br>{lab['x']} "
                               f"%{{x:.0f}}<br>{lab['value']} %{{z:.3f}}<extra></extra>")))
            top = off + lo_all + span
            annotations.append(dict(text=name, x=left, xanchor="left", y=top, yanchor="bottom",
                                    xref="paper", yref="y", showarrow=False,
                                    font=dict(size=AXIS_TITLE_FONT)))
            if c == 0:
                tickvals += [t + off for t in ticks]
                ticktext += [f"{t:.0f}" for t in ticks]
                lo, hi = spans.get(kind, (np.inf, -np.inf))
                spans[kind] = (min(lo, off + lo_all), max(hi, top))
    y_lo, y_hi = lo_all, (n - 1) * (span + gap) + lo_all + span
    layout["yaxis"] = {"range": [y_lo, y_hi], "tickvals": tickvals, "ticktext": ticktext,
                       "title": {"text": lab["y"], "font": {"size": TICK_FONT}},
                       "showgrid": False, "zeroline": False}
    for kind, (lo, hi) in spans.items():
        axis, scale, rng = PANEL_KINDS[kind]
        if rng is None:  # symmetric about 0, over every column's panels of this kind
            zs = [np.abs(z[np.isfinite(z)]) for _, panels in columns for _, z, k in panels
                  if k == kind]
            zmax = max((float(a.max()) for a in zs if a.size), default=0.0) or 1.0
            rng = (-zmax, zmax)
        mid, ln = ((lo + hi) / 2 - y_lo) / (y_hi - y_lo), (hi - lo) / (y_hi - y_lo)
        layout[axis] = dict(
            colorscale=scale, cmin=rng[0], cmax=rng[1],
            colorbar=dict(title=dict(text=lab[f"bar_{kind}"], side="top"), y=mid, len=ln,
                          yanchor="middle", thickness=16, tickfont=dict(size=TICK_FONT)))
    # one constructor call (unvalidated: style.figure); margins as large as the axes and colour
    # bars push them (r: the bars), so plotly.js does not lay the figure out a second time
    return figure(data, dict(
        template=TEMPLATE, title={"text": lab["title"]}, height=height,
        margin=dict(l=72, r=110, t=top_px, b=64), annotations=annotations, **layout))


def _unit_ticks(u: np.ndarray) -> list[float]:
    """The first, middle and last unit of a band (one tick if it holds one unit)."""
    first, last = float(u[0]), float(u[-1])
    if u.size == 1:
        return [first]
    mid = float(u[np.argmin(np.abs(u - (first + last) / 2))])
    return sorted({first, mid, last})


def lines(
    x,
    series: Sequence[Mapping],
    *,
    title: str,
    x_title: str,
    y_title: str,
    height: int = 420,
    y_range: Sequence[float] | None = None,
    hline: float | None = None,
    legend_below: bool = False,
    bottom: int | None = None,
) -> go.Figure:
    """Curves over a shared x. Each series: {"name", "y", optional "dash", "color", "width",
    "x" (its own x)}; NaN and ±inf points are left as gaps. ``bottom``: the bottom margin in
    px when a legend below wraps to several rows (half-width figures), so plotly.js never
    has to grow it."""
    data = []
    for i, s in enumerate(series):
        y = np.asarray(s["y"], dtype=np.float64)
        y = np.where(np.isfinite(y), y, np.nan)
        data.append(dict(
            type="scatter", x=f32(s.get("x", x)), y=f32(y), mode="lines", name=s["name"],
            line=dict(color=s.get("color", COLORWAY[i % len(COLORWAY)]), dash=s.get("dash"),
                      width=s.get("width", 3)),
            hovertemplate=f"{s['name']}<br>{x_title}: %{{x:.0f}}<br>%{{y:.3g}}<extra></extra>",
        ))
    # one unvalidated constructor call (the look of apply_style at a fraction of its cost);
    # margins as large as the axes and the legend push them (b: the legend below), so plotly.js
    # does not lay the figure out a second time after a slider release
    layout = dict(template=TEMPLATE, title={"text": title}, height=height,
                  xaxis={"title": {"text": x_title}},
                  yaxis={"title": {"text": y_title},
                         **({"range": list(y_range)} if y_range is not None else {})},
                  margin=dict(l=75, r=30, t=70, b=bottom or (135 if legend_below else 66)))
    if hline is not None:
        layout["shapes"] = [dict(type="line", xref="x domain", x0=0, x1=1, yref="y", y0=hline,
                                 y1=hline, line=dict(color="#808080", dash="dot", width=1.5))]
    if legend_below:
        # 72 px under the plot, below the tick labels and the x-axis title: with the margins
        # fixed the plot's height is known (a fraction like y=-0.25 hits the title on short plots)
        plot_h = max(height - 70 - (bottom or 170), 1)
        layout["legend"] = dict(orientation="h", y=-72 / plot_h, x=0, yanchor="top")
    return figure(data, layout)


def gate_mean_panels(
    x,
    panels: Mapping[str, Sequence[Mapping]],
    *,
    title: str,
    x_title: str,
    y_title: str,
    height: int = 400,
) -> go.Figure:
    """One small plot per gate side by side (shared y in [0, 1]), each with a curve per run.
    panels: {panel title: [{"name", "y", optional "dash", "color", "width"}]}; a run's name gets
    one legend entry and the same colour in every panel."""
    names = list(panels)
    n, gap = len(names), 0.03
    w = (1.0 - gap * (n - 1)) / n
    xs = f32(x)
    data, layout, annotations, seen = [], {}, [], set()
    for c, name in enumerate(names):
        ax = "" if c == 0 else str(c + 1)
        left = c * (w + gap)
        for i, s in enumerate(panels[name]):
            data.append(dict(
                type="scatter", x=xs, y=f32(s["y"]), mode="lines", name=s["name"],
                legendgroup=s["name"],
                showlegend=s["name"] not in seen, xaxis=f"x{ax}", yaxis=f"y{ax}",
                line=dict(color=s.get("color", COLORWAY[i % len(COLORWAY)]), dash=s.get("dash"),
                          width=s.get("width", 3)),
                hovertemplate=f"{s['name']}<br>{x_title}: %{{x:.0f}}<br>%{{y:.3f}}<extra></extra>"))
            seen.add(s["name"])
        layout[f"xaxis{ax}"] = dict(anchor=f"y{ax}", domain=[left, left + w], title={"text": x_title})
        layout[f"yaxis{ax}"] = dict(anchor=f"x{ax}", range=[0, 1.02], showticklabels=c == 0,
                                    **({"title": {"text": y_title}} if c == 0 else {"matches": "y"}))
        annotations.append(dict(text=name, x=left + w / 2, xanchor="center", y=1.0, yanchor="bottom",
                                xref="paper", yref="paper", showarrow=False,
                                font=dict(size=AXIS_TITLE_FONT)))
    # one constructor call with margins as large as the axes and the legend push them (b: the
    # legend 72 px under the plot, as in ``lines``), so plotly.js lays the figure out once
    plot_h = max(height - 70 - 170, 1)
    return figure(data, dict(
        template=TEMPLATE, title={"text": title}, height=height,
        margin=dict(l=75, r=30, t=70, b=135), annotations=annotations,
        legend=dict(orientation="h", y=-72 / plot_h, x=0, yanchor="top"), **layout))
