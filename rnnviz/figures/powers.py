"""Figures of the "Powers of W_hh" lesson: the entries of Wⁿ, the spectrum, ‖Wⁿ‖, λᵢⁿ.

Every builder takes results of `rnnviz.measures.powers` (plain arrays) and the label strings the
page shows, and returns a ``plotly.graph_objects.Figure``. Labels default to English;
pages pass their ``TEXT``. Magnitudes are always drawn as log₁₀ values on a linear axis:
10^±300 fits float64 but not the float32 sent to the browser.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import plotly.graph_objects as go

from rnnviz.figures.style import COLORWAY, LEGEND_BELOW, TEMPLATE, f32, figure, hline, styled
from rnnviz.measures.powers import DiagonalPowers, Eigen, PowerHistograms, PowerNorms

BLUE, VERMILLION, GREEN, PURPLE, ORANGE, SKY, BLACK = COLORWAY
SHRINK, GROW, STAY = BLUE, VERMILLION, BLACK  # |λ| < 1, |λ| > 1, |λ| = 1
MAX_FRAMES = 60
MAX_LINES = 12


def _labels(defaults: dict, labels: Mapping[str, str] | None) -> dict:
    unknown = set(labels or {}) - set(defaults)
    if unknown:
        raise ValueError(f"Unknown label keys {sorted(unknown)}; known: {sorted(defaults)}.")
    return {**defaults, **(labels or {})}


def frame_indices(K: int, max_frames: int = MAX_FRAMES) -> np.ndarray:
    """At most `max_frames` indices into 0 … K−1, evenly spread, first and last included."""
    return np.unique(np.round(np.linspace(0, K - 1, min(K, max_frames))).astype(int))


def _finite(a) -> np.ndarray:
    """log-values for the browser: ±inf (a zero norm, λ = 0) becomes a gap (NaN)."""
    a = np.asarray(a, dtype=np.float64).copy()
    a[~np.isfinite(a)] = np.nan
    return a


# ---------------------------------------------------------------------------------------
# (1) Histogram of log₁₀|entries of Wⁿ|, animated over n in the browser
# ---------------------------------------------------------------------------------------
def entries_histogram_figure(
    hist: PowerHistograms,
    *,
    radius: float | None = None,
    max_frames: int = MAX_FRAMES,
    labels: Mapping[str, str] | None = None,
    height: int = 560,
) -> go.Figure:
    """The share of entries of Wⁿ per bin of log₁₀|entry|, one animation frame per n.

    A slider and a play button step through ≤ `max_frames` powers sampled across hist.n;
    everything runs in the browser (plotly frames). Each frame marks the median entry and,
    when `radius` is given, the drift n·log₁₀ρ that the entries follow in the long run.
    ``labels`` keys: title, x, y, median, drift, zeros, play, pause, n.
    """
    lab = _labels({
        "title": "Entries of Wⁿ", "x": "log₁₀ |entry of Wⁿ|", "y": "share of entries (%)",
        "median": "median", "drift": "n·log₁₀ ρ", "n": "power n",
        "zeros": "n = {n}: {zeros} exact zeros, {unresolved} beyond float64 (of {size})",
        "play": "▶ play", "pause": "❚❚ pause",
    }, labels)
    idx = frame_indices(hist.n.size, max_frames)
    centres = (hist.edges[:-1] + hist.edges[1:]) / 2  # (bins,)
    width = float(hist.edges[1] - hist.edges[0])
    share = 100.0 * hist.counts / hist.size  # (K, bins)
    y_top = 1.08 * max(float(share[idx].max()), 1e-9)
    x_range = [float(hist.edges[0]) - width, float(hist.edges[-1]) + width]

    def traces(k, full=True):
        # frames carry only what changes (the bar heights, the positions of the lines);
        # plotly merges them into the full traces by index
        n, med = int(hist.n[k]), hist.median[k]
        lines = [med] + ([n * np.log10(radius)] if radius is not None and radius > 0 else [])
        if not full:
            return ([dict(type="bar", y=f32(share[k]))]
                    + [dict(type="scatter", x=f32([v, v])) for v in lines])
        out = [dict(type="bar", x=f32(centres), width=width, marker=dict(color=BLUE),
                    name=lab["x"], hovertemplate="%{x:.2f}: %{y:.2f} %<extra></extra>",
                    y=f32(share[k]))]
        for v, name, line in zip(lines, (lab["median"], lab["drift"]),
                                 (dict(color=BLACK, width=3),
                                  dict(color=VERMILLION, width=3, dash="dash"))):
            out.append(dict(type="scatter", x=f32([v, v]), y=f32([0, y_top]), mode="lines",
                            name=name, line=line, hoverinfo="skip"))
        return out

    def note(k):
        text = lab["zeros"].format(n=int(hist.n[k]), zeros=int(hist.zeros[k]),
                                   unresolved=int(hist.unresolved[k]), size=int(hist.size))
        return [dict(text=text, xref="paper", yref="paper", x=0.0, y=1.0, xanchor="left",
                     yanchor="bottom", showarrow=False, font=dict(size=16))]

    names = [str(int(hist.n[k])) for k in idx]
    first = traces(idx[0])
    n_traces = len(first)
    step_args = dict(mode="immediate", frame=dict(duration=0, redraw=True),
                     transition=dict(duration=0))
    layout = dict(
        template=TEMPLATE,
        title=dict(text=lab["title"]),
        height=height,
        annotations=note(idx[0]),
        bargap=0.02,
        xaxis=dict(range=x_range, title=dict(text=lab["x"])),
        yaxis=dict(range=[0, y_top], title=dict(text=lab["y"])),
        sliders=[dict(
            active=0, x=0.0, len=1.0, y=-0.3, yanchor="top", pad=dict(t=10),
            currentvalue=dict(prefix=lab["n"] + " = ", font=dict(size=18)),
            steps=[dict(label=name, method="animate", args=[[name], step_args])
                   for name in names],
        )],
        updatemenus=[dict(
            type="buttons", direction="left", x=1.0, xanchor="right", y=1.18, yanchor="bottom",
            showactive=False,
            buttons=[
                dict(label=lab["play"], method="animate",
                     args=[None, dict(mode="immediate", fromcurrent=True,
                                      frame=dict(duration=150, redraw=True),
                                      transition=dict(duration=0))]),
                dict(label=lab["pause"], method="animate",
                     args=[[None], dict(mode="immediate", frame=dict(duration=0, redraw=False),
                                        transition=dict(duration=0))]),
            ],
        )],
        legend=LEGEND_BELOW,  # under the slider: axis title, slider, legend, top to bottom
        margin=dict(t=110, b=215),
    )
    # Plain dicts, one unvalidated constructor call (style.figure): validating the ≤ 60
    # frames was most of what a /powers move cost the server (py-spy: 15 % of all samples
    # under a class's load). The JSON is the validated figure's (tests/test_figure_speed.py).
    frames = [dict(name=name, data=traces(k, full=False), traces=list(range(n_traces)),
                   layout=dict(annotations=note(k)))
              for name, k in zip(names, idx)]
    return figure(first, layout, frames=frames)


# ---------------------------------------------------------------------------------------
# (2) Eigenvalues in the complex plane
# ---------------------------------------------------------------------------------------
def eigenvalues_figure(
    eig: Eigen,
    *,
    labels: Mapping[str, str] | None = None,
    height: int = 520,
) -> go.Figure:
    """The eigenvalues of W_hh, the unit circle and the circle |λ| = ρ, on equal axes.

    Inside the unit circle an eigen-direction shrinks each step, outside it grows.
    ``labels`` keys: title, x, y, eigenvalues, unit, radius.
    """
    lab = _labels({
        "title": "Eigenvalues of W_hh", "x": "Re λ", "y": "Im λ", "eigenvalues": "eigenvalues λᵢ",
        "unit": "|λ| = 1", "radius": "|λ| = ρ = {radius:.3g}",
    }, labels)
    lam = eig.eigenvalues
    mag = np.abs(lam)
    color = np.where(mag < 1 - 1e-12, SHRINK, np.where(mag > 1 + 1e-12, GROW, STAY))
    phi = np.linspace(0, 2 * np.pi, 241)
    # plain dicts, one unvalidated constructor call (style.styled): the validating
    # go.Scatter/update_* path cost ~25 ms per move of the /powers page
    data = [dict(type="scatter", x=f32(np.cos(phi)), y=f32(np.sin(phi)), mode="lines",
                 name=lab["unit"], line=dict(color=BLACK, width=2), hoverinfo="skip")]
    if abs(eig.radius - 1) > 1e-9:
        data.append(dict(
            type="scatter", x=f32(eig.radius * np.cos(phi)), y=f32(eig.radius * np.sin(phi)),
            mode="lines", name=lab["radius"].format(radius=eig.radius), hoverinfo="skip",
            line=dict(color=GREEN, width=2, dash="dash"),
        ))
    data.append(dict(
        type="scatter", x=f32(lam.real), y=f32(lam.imag), mode="markers", name=lab["eigenvalues"],
        marker=dict(color=color.tolist(), size=9, line=dict(width=0)),
        customdata=f32(mag), hovertemplate="λ = %{x:.3f} %{y:+.3f}i<br>|λ| = %{customdata:.4f}"
                                           "<extra></extra>",
    ))
    r = 1.1 * max(1.0, eig.radius)
    # margins as large as what the axes and legend push them to at the defaults: a push beyond
    # them makes plotly.js lay the figure out a second time after every slider release
    layout = dict(xaxis=dict(range=[-r, r], zeroline=True),
                  yaxis=dict(range=[-r, r], zeroline=True, scaleanchor="x", scaleratio=1),
                  legend=LEGEND_BELOW, margin=dict(l=80, b=100))
    return styled(data, layout, title=lab["title"], x_title=lab["x"], y_title=lab["y"],
                  height=height)


# ---------------------------------------------------------------------------------------
# (3) ‖Wⁿ‖₂ between ρⁿ and σ_maxⁿ
# ---------------------------------------------------------------------------------------
def norms_figure(
    norms: PowerNorms,
    radius: float,
    sigma_max: float,
    *,
    hist: PowerHistograms | None = None,
    labels: Mapping[str, str] | None = None,
    height: int = 480,
) -> go.Figure:
    """log₁₀‖Wⁿ‖₂ against n, between the lines n·log₁₀ρ and n·log₁₀σ_max.

    ρⁿ ≤ ‖Wⁿ‖₂ ≤ σ_maxⁿ for every n (ρ(Wⁿ) = ρⁿ; ‖·‖₂ is submultiplicative), and the slope
    of log₁₀‖Wⁿ‖₂ tends to log₁₀ρ. When `hist` is given, the median log₁₀|entry| and its
    5–95 % band are drawn too (the article's experiment). A zero Wⁿ leaves a gap.
    ``labels`` keys: title, x, y, norm, radius, sigma, median, band, one.
    """
    lab = _labels({
        "title": "How big Wⁿ gets", "x": "power n", "y": "log₁₀ (size of Wⁿ)",
        "norm": "log₁₀ ‖Wⁿ‖₂", "radius": "n·log₁₀ ρ (ρ = {radius:.3g})",
        "sigma": "n·log₁₀ σ_max (σ_max = {sigma:.3g})", "median": "median log₁₀ |entry|",
        "band": "5–95 % of log₁₀ |entry|", "one": "‖Wⁿ‖ = 1",
    }, labels)
    n = norms.n.astype(np.float64)
    data = []  # plain dicts (style.styled): see eigenvalues_figure
    if hist is not None:
        hn = hist.n.astype(np.float64)
        data.append(dict(type="scatter", x=f32(np.concatenate([hn, hn[::-1]])),
                         y=f32(_finite(np.concatenate([hist.q95, hist.q05[::-1]]))),
                         fill="toself", fillcolor="rgba(86,180,233,0.25)",
                         line=dict(width=0), name=lab["band"], hoverinfo="skip"))
        data.append(dict(type="scatter", x=f32(hn), y=f32(_finite(hist.median)), mode="lines",
                         name=lab["median"], line=dict(color=SKY, width=2)))
    with np.errstate(divide="ignore"):
        lr, ls = np.log10(radius) if radius > 0 else -np.inf, np.log10(sigma_max)
    if np.isfinite(lr):
        data.append(dict(type="scatter", x=f32(n), y=f32(n * lr), mode="lines",
                         name=lab["radius"].format(radius=radius),
                         line=dict(color=GREEN, width=2, dash="dash")))
    if np.isfinite(ls):
        data.append(dict(type="scatter", x=f32(n), y=f32(n * ls), mode="lines",
                         name=lab["sigma"].format(sigma=sigma_max),
                         line=dict(color=VERMILLION, width=2, dash="dot")))
    data.append(dict(type="scatter", x=f32(n), y=f32(_finite(norms.log10_norm)), mode="lines",
                     name=lab["norm"], line=dict(color=BLUE),
                     hovertemplate="n = %{x}: %{y:.2f}<extra></extra>"))
    layout = dict(shapes=[hline(0, dict(color="#808080", width=1))],
                  legend=LEGEND_BELOW, margin=dict(b=195))  # as pushed: no second layout
    # the lines can run off to ±1000 decades; zoom on the measured data
    shown = [_finite(norms.log10_norm)]
    if hist is not None:
        shown += [_finite(hist.q05), _finite(hist.q95)]
    vals = np.concatenate(shown)
    vals = vals[np.isfinite(vals)]
    if vals.size:
        lo, hi = min(vals.min(), 0.0), max(vals.max(), 0.0)
        pad = 0.08 * max(hi - lo, 1.0)
        layout["yaxis"] = dict(range=[float(lo - pad), float(hi + pad)])
    return styled(data, layout, title=lab["title"], x_title=lab["x"], y_title=lab["y"],
                  height=height)


# ---------------------------------------------------------------------------------------
# (4) The diagonal case: λᵢⁿ
# ---------------------------------------------------------------------------------------
def diagonal_figure(
    diag: DiagonalPowers,
    *,
    max_lines: int = MAX_LINES,
    labels: Mapping[str, str] | None = None,
    height: int = 480,
) -> go.Figure:
    """log₁₀|λᵢⁿ| = n·log₁₀|λᵢ| against n for up to `max_lines` eigenvalues spread over
    the range: straight lines falling (|λ| < 1, vanish) or rising (|λ| > 1, explode).
    Negative λ (the sign of λⁿ alternates) are dashed. ``labels`` keys: title, x, y, line,
    negative.
    """
    lab = _labels({
        "title": "Diagonal W_hh: (Wⁿ)ᵢᵢ = λᵢⁿ", "x": "power n", "y": "log₁₀ |λᵢⁿ|",
        "line": "λ = {lam:.3g}", "negative": "λ = {lam:.3g} (sign of λⁿ alternates)",
    }, labels)
    lam = diag.eigenvalues
    order = np.argsort(np.abs(lam), kind="stable")
    pick = order[frame_indices(lam.size, max_lines)]  # spread from smallest to largest |λ|
    pick = pick[np.unique(lam[pick], return_index=True)[1]]  # one line per distinct value
    pick = pick[np.argsort(-np.abs(lam[pick]), kind="stable")]  # legend: largest first
    n = diag.n.astype(np.float64)
    data = []  # plain dicts (style.styled): see eigenvalues_figure
    for i in pick:
        m = abs(lam[i])
        color = SHRINK if m < 1 else GROW if m > 1 else STAY
        neg = lam[i] < 0
        data.append(dict(
            type="scatter", x=f32(n), y=f32(_finite(diag.log10_abs[:, i])), mode="lines",
            name=(lab["negative"] if neg else lab["line"]).format(lam=lam[i]),
            line=dict(color=color, width=3, dash="dash" if neg else "solid"),
            hovertemplate="n = %{x}: %{y:.2f}<extra></extra>",
        ))
    layout = dict(shapes=[hline(0, dict(color="#808080", width=1))],
                  margin=dict(l=75, r=140, b=66))  # as the legend and axes push them
    return styled(data, layout, title=lab["title"], x_title=lab["x"], y_title=lab["y"],
                  height=height)
