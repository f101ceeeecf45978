"""Lesson: powers of W_hh — the source article's diagonal case and its random-matrix experiment.

Storyboard: controls → cached computation (rnnviz.weights, rnnviz.powers) → figures
(rnnviz.figures.powers) → the source's equations and what to look for.
"""

import numpy as np
import streamlit as st

from pages import memo, ui
from rnnviz import powers
from rnnviz.figures import powers as figures
from rnnviz.weights import INITS, init_W_hh, rescale

TEXT = {
    "title": "Powers of W_hh",
    "intro": (
        "Back-propagation through time multiplies the error by the same W_hhᵀ at every step, "
        "so a gradient that travels n steps back has been multiplied by the n-th power of "
        "W_hhᵀ. The source article looks at that power in two ways: for a diagonal W_hh, and "
        "for a random one, by watching how the entries of Wⁿ spread out as n grows."
    ),
    # controls
    "H": "Hidden size H (units)",
    "init": "W_hh initialisation",
    "init_gaussian": "Gaussian N(0, 1/H): ρ ≈ 1, ‖W_hh‖₂ ≈ 2 before rescaling",
    "init_orthogonal": "random orthogonal: every |λ| and every singular value is 1",
    "init_identity": "identity matrix",
    "init_diagonal": "diagonal, eigenvalues spread over the range below",
    "init_torch": "PyTorch's default U(−1/√H, 1/√H)",
    "init_triangular": (
        "non-normal (W_hh W_hhᵀ ≠ W_hhᵀ W_hh: eigenvectors far from orthogonal, so ‖W_hh‖₂ "
        "can be much larger than ρ): the eigenvalue range on the diagonal plus a strictly "
        "upper Gaussian part"
    ),
    "by": "The scale sets",
    "by_radius": "the spectral radius ρ = max |λᵢ| (the long-run rate per step)",
    "by_sigma": "the largest singular value ‖W_hh‖₂ (the most one step can stretch)",
    "by_none": "nothing: keep W_hh as the initialisation draws it",
    "scale": "W_hh scale (ρ or ‖W_hh‖₂)",
    "scale_help": "W_hh is multiplied by a number so that the quantity chosen above equals this.",
    "N": "Largest power N",
    "seed": "Random seed",
    "lo": "Diagonal eigenvalues: from",
    "hi": "Diagonal eigenvalues: to",
    "eig_help": (
        "H eigenvalues evenly spaced in this range. They draw the diagonal case (part 1) and "
        "the diagonal of the 'diagonal' and 'triangular' initialisations (then rescaled)."
    ),
    "preset_vanishing": "Vanishing",  # short: two buttons share the sidebar's width
    "preset_exploding": "Exploding",
    "preset_nonnormal": "Non-normal",
    "presets_note": (
        "Presets: **Vanishing** Gaussian W_hh with ρ = 0.9 (the defaults) · **Exploding** "
        "ρ = 1.1 · **Non-normal** a triangular W_hh whose eigenvalues are all 0.9, N = 400. "
        "Each preset sets every control."
    ),
    # part 1
    "h_diag": "1 · A diagonal W_hh",
    "diag_text": (
        "If W_hh is diagonal, its n-th power is diagonal too, with λᵢⁿ on the diagonal. On a "
        "log scale λⁿ is a straight line of slope log₁₀|λ|: every eigenvalue below 1 in size "
        "vanishes, every one above 1 explodes, and only |λ| = 1 keeps its size."
    ),
    "fig_diag_title": "Diagonal W_hh: (Wⁿ)ᵢᵢ = λᵢⁿ",
    "fig_diag_y": "log₁₀ |λᵢⁿ|",
    "fig_line": "λ = {lam:.3g}",
    "fig_negative": "λ = {lam:.3g} (sign of λⁿ alternates)",
    # part 2
    "h_random": "2 · A random W_hh",
    "random_text": (
        "A general W_hh is not diagonal, so the article runs an experiment: draw W_hh at "
        "random and plot the distribution of the entries of Wⁿ as n grows. Press play, or "
        "drag the slider: the distribution moves to the left (towards 0: vanishing) or to "
        "the right (towards huge values: exploding)."
    ),
    "m_rho": "Spectral radius ρ",
    "m_sigma": "Largest singular value ‖W_hh‖₂",
    "m_last": "log₁₀ ‖Wᴺ‖₂",
    "m_peak": "Largest log₁₀ ‖Wⁿ‖₂",
    "m_peak_at": "at n = {n}",
    "m_zero": "−∞ (Wⁿ = 0)",
    "computing": "Multiplying W_hh by itself …",
    "fig_hist_title": "The entries of Wⁿ",
    "fig_hist_x": "log₁₀ |entry of Wⁿ|",
    "fig_hist_y": "share of the H² entries (%)",
    "fig_median": "median entry",
    "fig_drift": "n·log₁₀ ρ",
    "fig_zeros": "n = {n}: {zeros} entries exactly 0, {unresolved} beyond float64 (of {size})",
    "fig_play": "▶ play",
    "fig_pause": "❚❚ pause",
    "fig_n": "power n",
    "fig_eig_title": "Eigenvalues of W_hh",
    "fig_eig_x": "Re λ",
    "fig_eig_y": "Im λ",
    "fig_eigenvalues": "eigenvalues λᵢ",
    "fig_unit": "|λ| = 1",
    "fig_radius": "|λ| = ρ = {radius:.3g}",
    "fig_norm_title": "How big Wⁿ gets",
    "fig_norm_y": "log₁₀ (size of Wⁿ)",
    "fig_norm": "log₁₀ ‖Wⁿ‖₂",
    "fig_norm_radius": "n·log₁₀ ρ (ρ = {radius:.3g})",
    "fig_norm_sigma": "n·log₁₀ ‖W_hh‖₂ (‖W_hh‖₂ = {sigma:.3g})",
    "fig_norm_median": "median log₁₀ |entry|",
    "fig_norm_band": "5–95 % of log₁₀ |entry|",
    "norm_sampled": "‖Wⁿ‖₂ is computed at {points} powers spread over 1 … {N}, and at every "
                    "power around the largest of them.",
    "look": (
        "**What to look for.** The histogram drifts at the rate the spectral radius sets, "
        "log₁₀ρ decades per power (−0.046 for ρ = 0.9, +0.041 for ρ = 1.1): over 200 powers "
        "the median entry falls about nine decades (ρ = 0.9) or rises about eight (ρ = 1.1). "
        "The norm ‖Wⁿ‖₂ is always squeezed between ρⁿ and ‖W_hh‖₂ⁿ, and its slope tends to "
        "log₁₀ρ. When W_hh is far from normal (W_hh W_hhᵀ ≠ W_hhᵀ W_hh: its eigenvectors are "
        "far from orthogonal; the non-normal trap) ρ < 1 promises vanishing only in the long "
        "run: ‖W_hh‖₂ > 1 lets ‖Wⁿ‖ grow by many orders of magnitude first, and a gradient "
        "sent back that far can explode. Scaling by ‖W_hh‖₂ < 1 rules that out at every step."
    ),
    "source": (
        "Pascanu, Mikolov & Bengio (2013), *On the difficulty of training recurrent neural "
        "networks*, ICML, Section 2.1: ‖W_hh‖₂ < 1/γ is sufficient for the gradient to vanish "
        "(γ = 1 for tanh, 1/4 for the sigmoid); for a linear RNN ρ < 1 is sufficient and "
        "ρ > 1 necessary for the long-term components to vanish or explode."
    ),
}

CONTROLS = [
    ui.Control("H", TEXT["H"], "int", 64, min=1, max=256),
    ui.Control("init", TEXT["init"], "select", "gaussian",
               options={k: TEXT[f"init_{k}"] for k in INITS}),
    ui.Control("by", TEXT["by"], "select", "radius",
               options={k: TEXT[f"by_{k}"] for k in ("radius", "sigma", "none")}),
    # ρ = 0.9 by default: the source's experiment (entries drifting to 0) shows at once
    ui.Control("scale", TEXT["scale"], "float", 0.9, min=0.1, max=3.0, step=0.01,
               help=TEXT["scale_help"]),
    ui.Control("N", TEXT["N"], "int", 200, min=1, max=1000),
    ui.Control("seed", TEXT["seed"], "seed", 0),
    ui.Control("lo", TEXT["lo"], "float", 0.5, min=-2.0, max=2.0, step=0.05, help=TEXT["eig_help"]),
    ui.Control("hi", TEXT["hi"], "float", 1.5, min=-2.0, max=2.0, step=0.05, help=TEXT["eig_help"]),
]
RELATIONS = [ui.Relation("lo", "<=", "hi")]  # the eigenvalue range runs low to high: lo gives way
_BASE = {"H": 64, "init": "gaussian", "by": "radius", "scale": 0.9, "N": 200, "seed": 0,
         "lo": 0.5, "hi": 1.5}  # the defaults: every preset sets every control
PRESETS = {
    "vanishing": {**_BASE},
    "exploding": {**_BASE, "scale": 1.1},
    "nonnormal": {**_BASE, "init": "triangular", "lo": 0.9, "hi": 0.9, "N": 400},
}


def inactive(v: dict) -> set:
    """Controls with no effect: the scale when nothing is rescaled, the seed when the
    initialisation draws no random numbers."""
    off = set()
    if v["by"] == "none":
        off.add("scale")
    if v["init"] in ("identity", "diagonal"):
        off.add("seed")
    return off


BINS = 60  # histogram bins (≤ 80 keeps the animation light)
SAMPLES = 120  # powers at which the entries are histogrammed (the figure animates ≤ 60)


# ----------------------------------------------------------------- cached computations
@memo.data(max_entries=16)
def matrix(init: str, H: int, by: str, scale: float, lo: float, hi: float, seed: int):
    """The seeded W_hh (H, H), rescaled so its ρ or ‖W_hh‖₂ equals `scale` (by="none": as drawn)."""
    W = init_W_hh(init, H, np.random.default_rng(seed), eigenvalues=np.linspace(lo, hi, H))
    return W if by == "none" else rescale(W, scale, by)


@memo.data(max_entries=16)
def histograms_and_norms(init, H, by, scale, lo, hi, seed, N: int):
    """The entries' histograms and ‖Wⁿ‖₂ at ≤ SAMPLES powers (every power when N ≤ SAMPLES),
    and ‖Wⁿ‖₂ at every power around the peak: about 2 × SAMPLES + 40 products of H × H
    matrices whatever N (it was 3 N: 7–16 s of CPU at H = 256, N = 1000)."""
    W = matrix(init, H, by, scale, lo, hi, seed)
    ns = np.unique(np.round(np.linspace(1, N, min(N, SAMPLES))).astype(int))
    return powers.histograms_and_norms(W, N, BINS, ns)


@memo.data(max_entries=16)
def spectrum(init, H, by, scale, lo, hi, seed):
    return powers.eigen(matrix(init, H, by, scale, lo, hi, seed))


@memo.data(max_entries=16)
def diagonal_case(lo: float, hi: float, H: int, N: int):
    return powers.diagonal_powers(np.linspace(lo, hi, H), N)


# Figures are cached on the settings of the results they draw (memo.figure keys a memo.data
# result by the arguments that made it; the eigenvalues do not depend on N, the diagonal case
# only on lo, hi, H, N) and the language, so a rerun rebuilds only what changed and an
# unchanged chart is sent unchanged.
@memo.figure(max_entries=32)
def diagonal_fig(diag):
    return figures.diagonal_figure(diag, labels={
        "title": TEXT["fig_diag_title"], "x": TEXT["fig_n"], "y": TEXT["fig_diag_y"],
        "line": TEXT["fig_line"], "negative": TEXT["fig_negative"],
    })


@memo.figure(max_entries=32)
def histogram_fig(hist, eig):
    return figures.entries_histogram_figure(hist, radius=eig.radius, labels={
        "title": TEXT["fig_hist_title"], "x": TEXT["fig_hist_x"], "y": TEXT["fig_hist_y"],
        "median": TEXT["fig_median"], "drift": TEXT["fig_drift"], "zeros": TEXT["fig_zeros"],
        "play": TEXT["fig_play"], "pause": TEXT["fig_pause"], "n": TEXT["fig_n"],
    })


@memo.figure(max_entries=32)
def eigen_fig(eig):
    return figures.eigenvalues_figure(eig, labels={
        "title": TEXT["fig_eig_title"], "x": TEXT["fig_eig_x"], "y": TEXT["fig_eig_y"],
        "eigenvalues": TEXT["fig_eigenvalues"], "unit": TEXT["fig_unit"],
        "radius": TEXT["fig_radius"],
    })


@memo.figure(max_entries=32)
def norms_fig(norms, eig, hist):
    return figures.norms_figure(norms, eig.radius, eig.sigma_max, hist=hist, labels={
        "title": TEXT["fig_norm_title"], "x": TEXT["fig_n"], "y": TEXT["fig_norm_y"],
        "norm": TEXT["fig_norm"], "radius": TEXT["fig_norm_radius"],
        "sigma": TEXT["fig_norm_sigma"], "median": TEXT["fig_norm_median"],
        "band": TEXT["fig_norm_band"],
    })


# ------------------------------------------------------------------------------ page
st.title(TEXT["title"])
st.markdown(TEXT["intro"])
s = ui.controls("powers", CONTROLS, presets=PRESETS, text=TEXT, relations=RELATIONS, inactive=inactive)
st.sidebar.caption(TEXT["presets_note"])
key = (s.init, s.H, s.by, s.scale, s.lo, s.hi, s.seed)

# two lines: on one, the equation overflows a 1280-px screen's column
ui.equation(r"\begin{gathered}\delta^{k-1} = \left(W_{hh}^{T}\,\delta^{k}\right) \odot "
            r"\sigma'\!\left(h_*^{k-1}\right),\quad D^{k} = \operatorname{diag}\bigl(\sigma'(h_*^{k})\bigr)"
            r"\\ \Longrightarrow\quad"
            r"\delta^{t-n} = D^{t-n} W_{hh}^{T}\, D^{t-n+1} W_{hh}^{T} \cdots D^{t-1} W_{hh}^{T}\,"
            r"\delta^{t}\end{gathered}")
ui.equation(r"\sigma' \equiv 1:\qquad \delta^{t-n} = \left(W_{hh}^{T}\right)^{n}\delta^{t}"
            r" = \left(W_{hh}^{\,n}\right)^{T}\delta^{t}")

# 1 · the diagonal case
st.header(TEXT["h_diag"])
ui.equation(r"W_{hh} = \operatorname{diag}(\lambda_1,\dots,\lambda_H)\ \Rightarrow\ "
            r"W_{hh}^{\,n} = \operatorname{diag}(\lambda_1^{n},\dots,\lambda_H^{n}),\qquad "
            r"\lambda_i^{n} \xrightarrow{\,n\to\infty\,} "
            r"\begin{cases} 0 & |\lambda_i| < 1 \\ \infty & |\lambda_i| > 1 \end{cases}")
st.markdown(TEXT["diag_text"])
with ui.guard():
    diag = diagonal_case(s.lo, s.hi, s.H, s.N)
ui.plot(diagonal_fig(diag), key="fig_diag")

# 2 · a random W_hh
st.header(TEXT["h_random"])
st.markdown(TEXT["random_text"])
with ui.guard(), st.spinner(TEXT["computing"]):
    eig = spectrum(*key)
    hist, norms = histograms_and_norms(*key, s.N)

log_norm = norms.log10_norm  # −inf once Wⁿ = 0 (a nilpotent W_hh)
peak = int(np.argmax(log_norm))


def shown(x: float) -> str:
    return f"{x:.2f}" if np.isfinite(x) else TEXT["m_zero"]


c1, c2, c3, c4 = st.columns(4)
c1.metric(TEXT["m_rho"], f"{eig.radius:.3f}")
c2.metric(TEXT["m_sigma"], f"{eig.sigma_max:.3f}")
c3.metric(TEXT["m_last"], shown(log_norm[-1]))
c4.metric(TEXT["m_peak"], shown(log_norm[peak]), TEXT["m_peak_at"].format(n=int(norms.n[peak])),
          delta_color="off", delta_arrow="off")

ui.plot(histogram_fig(hist, eig), key="fig_hist")

left, right = st.columns([2, 3])
with left:
    ui.plot(eigen_fig(eig), key="fig_eig")
with right:
    ui.plot(norms_fig(norms, eig, hist), key="fig_norms")
    if s.N > SAMPLES:
        st.caption(TEXT["norm_sampled"].format(points=hist.n.size, N=s.N))

ui.equation(r"\rho^{\,n} \;\le\; \lVert W_{hh}^{\,n} \rVert_2 \;\le\; \lVert W_{hh} \rVert_2^{\,n},"
            r"\qquad \lVert W_{hh}^{\,n} \rVert_2^{1/n} \xrightarrow{\,n\to\infty\,} \rho")
ui.equation(r"\lVert W_{hh} \rVert_2 < \tfrac{1}{\gamma}\ \Rightarrow\ \text{vanishing},\qquad "
            r"\gamma = \sup|\sigma'| = 1\ (\tanh),\ \tfrac14\ (\text{sigmoid})")
st.markdown(TEXT["look"])
st.caption(TEXT["source"])
