"""Figures of the remedies lessons: clipping, Pascanu's cliff, training curves.

Every builder takes arrays (and the label strings the page shows) and returns a
``plotly.graph_objects.Figure``. Labels default to English; pages pass their ``TEXT``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go

from rnnviz.figures.style import (COLORWAY, LEGEND_BELOW, SEQUENTIAL, SEQUENTIAL_SCALE, apply_style,
                                  f32, log_ticks, styled)

ORIGINAL, BY_VALUE, BY_NORM = COLORWAY[6], COLORWAY[1], COLORWAY[0]  # black, vermillion, blue
_BELOW = LEGEND_BELOW  # legend under the plot, clear of the x-axis title


def _arrow(vec, color: str, width: int = 4) -> dict:
    """An arrow from the origin to vec (an annotation, as fig.add_annotation makes it)."""
    return dict(
        x=float(vec[0]), y=float(vec[1]), ax=0, ay=0, xref="x", yref="y", axref="x", ayref="y",
        showarrow=True, arrowhead=2, arrowsize=1.2, arrowwidth=width, arrowcolor=color, text="",
    )


def clipping_figure(
    g,
    by_value,
    by_norm,
    threshold: float,
    *,
    labels: Mapping[str, str] | None = None,
    height: int = 520,
) -> go.Figure:
    """A 2-D gradient g and its two clipped versions as arrows from the origin.

    Dashed: the box |g_i| ≤ θ (clipping by value) and the circle ||g|| = θ (by norm).
    ``labels`` keys: original, by_value, by_norm, box, circle, title, x, y.
    """
    lab = {
        "original": "gradient g", "by_value": "clipped by value", "by_norm": "clipped by norm",
        "box": "|g_i| ≤ θ", "circle": "‖g‖ = θ", "title": "Clipping a 2-D gradient",
        "x": "∂E/∂θ₁", "y": "∂E/∂θ₂", **(labels or {}),
    }
    g, by_value, by_norm = (np.asarray(v, dtype=np.float64) for v in (g, by_value, by_norm))
    # plain dicts, one unvalidated constructor call (style.styled): the validating
    # go.Scatter/add_annotation/update_* path was ~30 ms of a /clipping move
    phi = np.linspace(0, 2 * np.pi, 181)
    t = threshold
    data = [
        dict(type="scatter", x=f32(threshold * np.cos(phi)), y=f32(threshold * np.sin(phi)),
             mode="lines", line=dict(color=BY_NORM, dash="dash", width=2), name=lab["circle"],
             hoverinfo="skip"),
        dict(type="scatter", x=f32([-t, t, t, -t, -t]), y=f32([-t, -t, t, t, -t]), mode="lines",
             line=dict(color=BY_VALUE, dash="dot", width=2), name=lab["box"], hoverinfo="skip"),
    ]
    arrows = []
    for vec, color, name in ((g, ORIGINAL, lab["original"]), (by_value, BY_VALUE, lab["by_value"]),
                             (by_norm, BY_NORM, lab["by_norm"])):
        # the arrow is an annotation; the marker at its tip carries the legend entry and hover
        data.append(dict(
            type="scatter", x=f32([vec[0]]), y=f32([vec[1]]), mode="markers", name=name,
            marker=dict(color=color, size=10),
            hovertemplate=f"{name}: (%{{x:.3g}}, %{{y:.3g}})<extra></extra>",
        ))
        arrows.append(_arrow(vec, color))
    r = 1.15 * max(float(np.abs(g).max()), threshold)
    layout = dict(annotations=arrows, legend=_BELOW,
                  xaxis=dict(range=[-r, r], zeroline=True, constrain="domain"),
                  yaxis=dict(range=[-r, r], zeroline=True, scaleanchor="x", scaleratio=1,
                             constrain="domain"))
    return styled(data, layout, title=lab["title"], x_title=lab["x"], y_title=lab["y"],
                  height=height)


def angle_sweep_figure(
    angles_deg,
    value_change_deg,
    *,
    marker: float | None = None,
    labels: Mapping[str, str] | None = None,
    height: int = 440,
) -> go.Figure:
    """Direction change of clipping by value as the gradient turns (norm fixed); by norm: 0.

    ``marker``: the current direction (degrees), drawn as a vertical line.
    """
    lab = {"title": "How far clipping turns the step", "x": "direction of g (degrees)",
           "y": "direction change (degrees)", "by_value": "by value", "by_norm": "by norm",
           **(labels or {})}
    a = f32(angles_deg)
    data = [  # plain dicts (style.styled)
        dict(type="scatter", x=a, y=f32(value_change_deg), mode="lines", name=lab["by_value"],
             line=dict(color=BY_VALUE)),
        dict(type="scatter", x=a, y=np.zeros_like(a), mode="lines", name=lab["by_norm"],
             line=dict(color=BY_NORM, dash="dash")),
    ]
    layout = dict(xaxis=dict(range=[float(a.min()), float(a.max())], dtick=90),  # 45 crowds a
                  legend=_BELOW)                                                # half-width plot
    if marker is not None:  # what fig.add_vline makes
        layout["shapes"] = [dict(type="line", x0=float(marker), x1=float(marker), xref="x", y0=0,
                                 y1=1, yref="y domain",
                                 line=dict(color=ORIGINAL, width=2, dash="dot"))]
    return styled(data, layout, title=lab["title"], x_title=lab["x"], y_title=lab["y"],
                  height=height)


def cliff_figure(
    w_values,
    b_values,
    E,
    trajectories: Sequence[tuple[str, np.ndarray]] = (),
    *,
    kind: str = "contour",
    trajectory_E: Sequence[np.ndarray] | None = None,
    labels: Mapping[str, str] | None = None,
    height: int = 600,
) -> go.Figure:
    """Pascanu's loss surface E(w, b) with gradient-descent paths.

    ``E[i, j]`` belongs to (w_values[j], b_values[i]). ``trajectories``: (name, points
    (K, 2)) pairs. ``kind``: "contour" (2-D, axes fixed to the grid; a path that leaves
    the grid is cut at the border and its landing point named in a note) or "surface"
    (3-D; then ``trajectory_E`` gives E along each path).
    """
    lab = {"title": "The cliff: E(w, b) of a one-unit RNN", "x": "w (recurrent weight)",
           "y": "b (bias)", "z": "E", "colorbar": "E", "outside": "{name} leaves the plot at ({w:.1f}, {b:.1f})",
           **(labels or {})}
    w_values, b_values, E = (np.asarray(v, dtype=np.float64) for v in (w_values, b_values, E))
    colors = [COLORWAY[1], COLORWAY[0], COLORWAY[2], COLORWAY[3]]
    fig = go.Figure()
    if kind == "surface":
        fig.add_trace(go.Surface(x=f32(w_values), y=f32(b_values), z=f32(E), colorscale=SEQUENTIAL,
                                 colorbar=dict(title=dict(text=lab["colorbar"])), opacity=0.9))
        for k, (name, pts) in enumerate(trajectories):
            pts = np.asarray(pts, dtype=np.float64)
            inside = _inside(pts, w_values, b_values)
            z = np.asarray(trajectory_E[k], dtype=np.float64) if trajectory_E is not None else None
            fig.add_trace(go.Scatter3d(
                x=f32(np.where(inside, pts[:, 0], np.nan)), y=f32(np.where(inside, pts[:, 1], np.nan)),
                z=f32(np.where(inside, z + 0.01, np.nan)) if z is not None else None,
                mode="lines+markers", name=name, line=dict(color=colors[k % 4], width=6),
                marker=dict(size=3, color=colors[k % 4]),
            ))
        fig.update_layout(scene=dict(xaxis_title=lab["x"], yaxis_title=lab["y"], zaxis_title=lab["z"]))
        apply_style(fig, title=lab["title"], height=height)
        fig.update_layout(legend=_BELOW)
        return fig
    if kind != "contour":
        raise ValueError(f"kind must be 'contour' or 'surface', not {kind!r}.")
    # plain dicts (style.styled), as the other builders here
    data = [dict(
        type="contour", x=f32(w_values), y=f32(b_values), z=f32(E), colorscale=SEQUENTIAL_SCALE,
        ncontours=25, colorbar=dict(title=dict(text=lab["colorbar"])), line=dict(width=0.5),
        hovertemplate="w=%{x:.3f}<br>b=%{y:.3f}<br>E=%{z:.4f}<extra></extra>",
    )]
    notes = []
    for k, (name, pts) in enumerate(trajectories):
        pts = np.asarray(pts, dtype=np.float64)
        data.append(dict(
            type="scatter", x=f32(pts[:, 0]), y=f32(pts[:, 1]), mode="lines+markers", name=name,
            line=dict(color=colors[k % 4]), marker=dict(size=7, color=colors[k % 4]),
            cliponaxis=True,
        ))
        if not _inside(pts[-1:], w_values, b_values)[0]:
            notes.append(lab["outside"].format(name=name, w=pts[-1, 0], b=pts[-1, 1]))
    if trajectories:  # the common start
        start = np.asarray(trajectories[0][1], dtype=np.float64)[0]
        data.append(dict(
            type="scatter", x=f32(start[:1]), y=f32(start[1:]), mode="markers", showlegend=False,
            hoverinfo="skip",
            marker=dict(symbol="star", size=18, color="white", line=dict(color="black", width=2)),
        ))
    layout = dict(xaxis=dict(range=[float(w_values[0]), float(w_values[-1])]),
                  yaxis=dict(range=[float(b_values[0]), float(b_values[-1])]), legend=_BELOW)
    if notes:
        layout["annotations"] = [dict(text="<br>".join(notes), xref="paper", yref="paper",
                                      x=0.01, y=0.99, xanchor="left", yanchor="top",
                                      showarrow=False, bgcolor="rgba(255,255,255,0.85)",
                                      font=dict(size=16))]
    return styled(data, layout, title=lab["title"], x_title=lab["x"], y_title=lab["y"],
                  height=height)


def _inside(pts: np.ndarray, w_values: np.ndarray, b_values: np.ndarray) -> np.ndarray:
    return ((pts[:, 0] >= w_values.min()) & (pts[:, 0] <= w_values.max())
            & (pts[:, 1] >= b_values.min()) & (pts[:, 1] <= b_values.max()))


def running_mean(values, window: int) -> np.ndarray:
    """Mean of the last ``window`` values at each step (shorter at the start)."""
    v = np.asarray(values, dtype=np.float64)
    if len(v) == 0 or window <= 1:
        return v
    c = np.cumsum(np.insert(v, 0, 0.0))
    idx = np.arange(1, len(v) + 1)
    lo = np.maximum(0, idx - window)
    return (c[idx] - c[lo]) / (idx - lo)


def loss_figure(
    curves: Mapping[str, Sequence[float]],
    baseline: float,
    *,
    smooth: int = 20,
    log_y: bool = True,
    x_max: int | None = None,
    labels: Mapping[str, str] | None = None,
    height: int = 440,
) -> go.Figure:
    """Training loss per step (running mean over ``smooth`` steps) and the baseline line.

    ``x_max``: the last step of the run; the step axis and the baseline span 0 … x_max from
    the start (before training there is no curve, but the baseline and the axis are there,
    and the axis does not rescale as the curves grow).
    """
    lab = {"title": "Training loss", "x": "training step", "y": "loss (MSE)",
           "baseline": "baseline (no memory)", **(labels or {})}
    data = []  # plain dicts (style.styled): the live panel redraws this every second
    n_max = max(1, int(x_max or 1))
    shown = [float(baseline)]
    for k, (name, losses) in enumerate(curves.items()):
        y = running_mean(losses, smooth)
        n_max = max(n_max, len(y))
        shown.extend(np.asarray(y, dtype=np.float64).tolist())
        data.append(dict(type="scatter", x=np.arange(1, len(y) + 1, dtype=np.float32), y=f32(y),
                         mode="lines", name=name, line=dict(color=COLORWAY[k % len(COLORWAY)])))
    data.append(dict(type="scatter", x=f32([1, n_max]), y=f32([baseline, baseline]), mode="lines",
                     name=lab["baseline"], line=dict(color="#404040", dash="dash", width=2)))
    layout = dict(legend=_BELOW, showlegend=True)  # the baseline is named before training too
    if x_max:
        layout["xaxis"] = dict(range=[0, n_max])
    if log_y:
        pos = np.asarray(shown, dtype=np.float64)
        pos = pos[np.isfinite(pos) & (pos > 0)]
        ticks = log_ticks(float(pos.min()), float(pos.max())) if pos.size else {}
        layout["yaxis"] = dict(type="log", **ticks)
    return styled(data, layout, title=lab["title"], x_title=lab["x"], y_title=lab["y"],
                  height=height)


def grad_norm_figure(
    curves: Mapping[str, np.ndarray],
    *,
    labels: Mapping[str, str] | None = None,
    height: int = 420,
) -> go.Figure:
    """log10 ||∂L/∂h_t|| against t for each named curve (log scale by taking log10 here,
    so norms below float32's range, e.g. 1e-60 from a vanishing tanh RNN, still show)."""
    lab = {"title": "Gradient reaching each time step", "x": "time step t",
           "y": "log10 ‖∂L/∂h_t‖", **(labels or {})}
    data = []  # plain dicts (style.styled)
    for k, (name, norms) in enumerate(curves.items()):
        norms = np.asarray(norms, dtype=np.float64)
        with np.errstate(divide="ignore"):
            y = np.where(norms > 0, np.log10(norms), np.nan)
        data.append(dict(type="scatter", x=np.arange(1, len(y) + 1, dtype=np.float32), y=f32(y),
                         mode="lines", name=name, line=dict(color=COLORWAY[k % len(COLORWAY)])))
    return styled(data, dict(legend=_BELOW, showlegend=True),  # one curve too: "before training"
                  title=lab["title"], x_title=lab["x"], y_title=lab["y"], height=height)
