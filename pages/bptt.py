"""Lesson 1: the vanilla RNN and back-propagation through time.

Storyboard: controls → cached computation (rnnviz.lesson_bptt) → figures
(rnnviz.figures.gradients) → the source's equations and what to look for.
"""

import streamlit as st

from pages import memo, ui
from rnnviz import lesson_bptt
from rnnviz.figures import gradients
from rnnviz.weights import INITS

TEXT = {
    "title": "Vanilla RNN and backprop through time",
    "intro": (
        "An RNN uses the same W_hh at every step. Back-propagation through time (BPTT) sends "
        "the gradient of the loss backwards one step at a time, and every step multiplies it "
        "by W_hhᵀ and by σ′ of the pre-activation. Over many steps that product shrinks to "
        "nothing or blows up. Move one setting at a time and watch it happen."
    ),
    # controls
    "T": "Sequence length T (steps)",
    "H": "Hidden size H (units)",
    "act": "Activation σ",
    "act_tanh": "tanh: σ′ ≤ 1, saturates for large |h*|",
    "act_sigmoid": "logistic sigmoid: σ′ ≤ 1/4",
    "act_relu": "ReLU: σ′ is 0 or 1",
    "act_linear": "no activation: σ′ = 1",
    "init": "W_hh initialisation",
    "init_gaussian": "Gaussian N(0, 1/H): ρ ≈ 1, ‖W_hh‖₂ ≈ 2 before rescaling",
    "init_orthogonal": "random orthogonal: every singular value equal",
    "init_identity": "identity matrix",
    "init_diagonal": "diagonal, eigenvalues spread over [0.5, 1.5] before rescaling",
    "init_torch": "PyTorch's default U(−1/√H, 1/√H)",
    "init_triangular": (
        "non-normal (W_hh W_hhᵀ ≠ W_hhᵀ W_hh: eigenvectors far from orthogonal, so ‖W_hh‖₂ "
        "can be much larger than ρ): equal eigenvalues plus a strictly upper Gaussian part"
    ),
    "scale": "W_hh scale",
    "scale_help": "W_hh is rescaled so that the quantity chosen below equals this value.",
    "by": "The scale sets",
    "by_help": (
        "Greyed out for an orthogonal, identity or diagonal W_hh: these are normal matrices, "
        "whose spectral radius and largest singular value are equal."
    ),
    "by_radius": "the spectral radius ρ = max |λᵢ| (the long-run rate)",
    "by_sigma": "the largest singular value ‖W_hh‖₂ (the most one step can stretch)",
    "xs": "Input scale (x_t ~ N(0, s²))",
    "loss": "Loss C",
    "loss_last": "at the last step only: C = C^{T−1}",
    "loss_all": "at every step: C = Σ_t C^t",
    "seed": "Random seed",
    # preset buttons sit two to a row in the sidebar: about 11 characters fit
    "preset_vanish_tanh": "Vanishing",  # with tanh
    "preset_explode_relu": "Exploding",  # with ReLU
    "preset_orthogonal_linear": "Orthogonal",  # + linear keeps the norm
    "preset_non_normal": "Non-normal",  # trap: ρ < 1 yet the gradient grows
    "presets_help": (
        "**Vanishing**: tanh with an orthogonal W_hh, so ‖W_hh‖₂γ = 1 and the bound stays flat; "
        "yet after 299 steps back the gradient is 10⁻⁴⁴ of its size at the loss. Few units "
        "saturate (median σ′ 0.76, 7 % below 0.1): σ′ < 1 at almost every unit and step, "
        "compounded over 299 steps, does it. **Exploding**: ReLU with ρ = 1.5; the gradient "
        "reaching step 0 is 10⁷ times larger. **Orthogonal**: linear units and an orthogonal "
        "W_hh keep the norm exactly over 1000 steps. **Non-normal**: a linear RNN whose W_hh "
        "has ρ = 0.9 < 1 but ‖W_hh‖₂ = 1.9; going back, the gradient grows 10⁸-fold over 230 "
        "steps and only then decays, so at T = 600 it still reaches step 0 10⁴ times larger: "
        "exploded. Each preset sets every control."
    ),
    # numbers
    "m_rho": "Spectral radius ρ",
    "m_sigma": "Largest singular value ‖W_hh‖₂",
    "m_gamma": "γ = sup σ′",
    "m_rate": "Bound per step ‖W_hh‖₂γ",
    "m_dact": "Median σ′(h*)",
    "m_saturated": "σ′ < γ/10: saturated or off",
    "m_dact_help": "Over every step and every unit of this run.",
    "dact_line": (
        "σ′(h*) over every step and unit: median **{median}**, and **{share}** of the values "
        "below γ/10 (saturated, or a ReLU that is off). Every σ′ below γ shrinks the gradient "
        "a little, and the shrinking compounds over the steps."
    ),
    "overflow": (
        "The forward pass blew up: h stopped being finite at step {step} (it passed 1e308). "
        "Everything below uses the finite steps 0–{last}, with the loss moved to step {last}."
    ),
    # part 1
    "h_curve": "1 · How much gradient reaches step k",
    "verdict_vanished": "The gradient reaching step 0 is {ratio} of the one at step {last}: :blue[**vanished**].",
    "verdict_exploded": "The gradient reaching step 0 is {ratio} times the one at step {last}: :red[**exploded**].",
    "verdict_kept": "The gradient reaching step 0 is {ratio} times the one at step {last}: :green[**kept**].",
    "verdict_zero": (
        "The gradient reaching step 0 is exactly zero (every path back passes a ReLU that is "
        "off): :blue[**vanished**]."
    ),
    "all_note": (
        "With a loss at every step, each step also gets its own fresh gradient, so the total "
        "‖∂C/∂h_k‖ stays near 1 even when nothing from far ahead arrives. Set the loss to the "
        "last step to see how far a gradient travels."
    ),
    "fig_curve_title": "Gradient norm at each step, log scale",
    "fig_x": "time step k",
    "fig_curve_y": "log₁₀ ‖∂C/∂h<sub>k</sub>‖",
    "fig_curve": "‖∂C/∂h<sub>k</sub>‖ (exact BPTT)",
    "fig_bound": "Pascanu's bound (‖W_hh‖₂γ)<sup>T−1−k</sup> ‖∂C/∂h<sub>T−1</sub>‖",
    "curve_text": (
        "Each step back multiplies the gradient by diag(σ′(h*)) and W_hhᵀ, so its norm changes "
        "by at most ‖W_hh‖₂γ per step: the dashed line. That is only an upper bound. With tanh "
        "σ′ = 1 only where h* = 0, so nearly every factor σ′ is below 1 and the curve falls "
        "below the bound, faster where units saturate (σ′ near 0, dark in the lower heatmap "
        "below); with ReLU or linear units σ′ = 1 on every active unit, and the bound is "
        "exactly that of a linear RNN, whose long-run rate per step is ρ rather than ‖W_hh‖₂. "
        "‖W_hh‖₂γ < 1 guarantees vanishing; ρ < 1 does not prevent a long transient growth "
        "when W_hh is non-normal, that is W_hh W_hhᵀ ≠ W_hhᵀ W_hh: its eigenvectors are far "
        "from orthogonal and ‖W_hh‖₂ can be much larger than ρ (try the Non-normal preset)."
    ),
    # part 2
    "h_terms": "2 · Where ∂C/∂W_hh comes from",
    "fig_terms_title": "Size of each step's term in ∂C/∂W_hh, log scale",
    "fig_terms_y": "log₁₀ ‖δ<sup>k</sup> h<sup>k−1 ⊤</sup>‖<sub>F</sub>",
    "fig_late": "last 10 %",
    "late_share": (
        "The last 10 % of steps (k ≥ {k0}) give **{share}** of the summed size of all "
        "{n} terms."
    ),
    "late_none": "Every term is exactly zero: h or δ is zero at every step.",
    "terms_text": (
        "The weight gradient is a sum over steps. When the gradient vanishes, the sum is made "
        "almost only of the last few steps: the network learns nothing from what happened "
        "long ago, however often W_hh was used there."
    ),
    # part 3
    "h_maps": "3 · What the hidden units do",
    "fig_h_title": "Hidden state h_k",
    "fig_h_bar": "h",
    "fig_h_log_bar": "sign·log₁₀(1+|h|)",
    "h_log_note": "|h| reaches {hmax}, so the upper map shows sign(h)·log₁₀(1 + |h|).",
    "fig_d_title": "σ′(h*_k): what each unit passes back (0 = saturated or off: nothing)",
    "fig_d_bar": "σ′(h*)",
    "fig_unit": "hidden unit i",
    "maps_units": "Every {ku}th of the {H} units is shown.",
    "maps_block": "Each column is the mean over {kt} steps.",
    "maps_text": (
        "The lower map is the σ′(h*) factor of the recursion, step by step and unit by unit. "
        "Where it is dark, that unit passes almost no gradient back. Raise the input scale to "
        "push tanh or sigmoid units into saturation."
    ),
    "source": (
        "Equations from the source article (its sections on RNN and BPTT, and on gradient "
        "vanish / explode); the bound from Pascanu, Mikolov & Bengio (2013), *On the difficulty of training "
        "recurrent neural networks*, ICML, Section 2.1."
    ),
}

ACTS = ("tanh", "sigmoid", "relu", "linear")
CONTROLS = [
    ui.Control("T", TEXT["T"], "int", 100, min=2, max=2000),
    ui.Control("H", TEXT["H"], "int", 32, min=1, max=256),
    ui.Control("act", TEXT["act"], "select", "tanh", options={a: TEXT[f"act_{a}"] for a in ACTS}),
    ui.Control("init", TEXT["init"], "select", "gaussian",
               options={i: TEXT[f"init_{i}"] for i in INITS}),
    ui.Control("scale", TEXT["scale"], "float", 1.0, min=0.1, max=3.0, step=0.01,
               help=TEXT["scale_help"]),
    ui.Control("by", TEXT["by"], "select", "radius",
               options={"radius": TEXT["by_radius"], "sigma": TEXT["by_sigma"]},
               help="  \n".join([f"**radius** — {TEXT['by_radius']}", f"**sigma** — {TEXT['by_sigma']}",
                                 TEXT["by_help"]])),
    ui.Control("xs", TEXT["xs"], "float", 1.0, min=0.0, max=5.0, step=0.1),
    ui.Control("loss", TEXT["loss"], "select", "last",
               options={"last": TEXT["loss_last"], "all": TEXT["loss_all"]}),
    ui.Control("seed", TEXT["seed"], "seed", 0),
]
# Each preset sets every control, so its description (presets_help, checked by
# tests/test_lesson_truth.py) holds whatever was set before.
PRESETS = {
    # ‖W_hh‖₂γ = 1: the bound is flat, yet σ′ < 1 compounding takes it to 10⁻⁴⁴.
    "vanish_tanh": {"T": 300, "H": 32, "act": "tanh", "init": "orthogonal", "scale": 1.0,
                    "by": "sigma", "xs": 1.0, "loss": "last", "seed": 0},
    # ρ = 1.5 with ReLU: the active units grow the gradient ~10⁷ over 300 steps.
    "explode_relu": {"T": 300, "H": 32, "act": "relu", "init": "gaussian", "scale": 1.5,
                     "by": "radius", "xs": 1.0, "loss": "last", "seed": 0},
    # An orthogonal W_hh with no squashing keeps ‖∂C/∂h_k‖ exactly over 1000 steps.
    "orthogonal_linear": {"T": 1000, "H": 32, "act": "linear", "init": "orthogonal",
                          "scale": 1.0, "by": "radius", "xs": 1.0, "loss": "last", "seed": 0},
    # ρ = 0.9 promises vanishing; ‖W_hh‖₂ ≈ 1.9 and non-normality grow the gradient 10⁸ first,
    # and at T = 600 it has not decayed back: 10⁴ at step 0.
    "non_normal": {"T": 600, "H": 64, "act": "linear", "init": "triangular", "scale": 0.9,
                   "by": "radius", "xs": 1.0, "loss": "last", "seed": 0},
}
NORMAL_INITS = ("orthogonal", "identity", "diagonal")  # normal matrices: ρ = ‖W_hh‖₂


def inactive(v: dict) -> set:
    """For a normal W_hh, ρ = ‖W_hh‖₂: which one the scale sets makes no difference."""
    return {"by"} if v["init"] in NORMAL_INITS else set()


MAP_STEPS, MAP_UNITS = 400, 64  # heatmap cells sent to the browser: columns (time) × rows


# ----------------------------------------------------------------- cached computations
@memo.data(max_entries=8)
def lesson_cell(H: int, act: str, init: str, scale: float, by: str, seed: int):
    """The cell and its spectrum (ρ, ‖W_hh‖₂: an eigen- and a singular-value decomposition), shared
    by every T, input and loss."""
    return lesson_bptt.lesson_cell(H, act, init, scale, by, seed)


@memo.data(max_entries=32)
def lesson(T: int, H: int, act: str, init: str, scale: float, by: str, xs: float, loss: str,
           seed: int) -> lesson_bptt.BpttLesson:
    """Unroll, exact BPTT, and the screen-sized heatmaps (small float arrays only)."""
    return lesson_bptt.compute(T, H, act, init, scale, by, xs, loss, seed,
                               max_steps_shown=MAP_STEPS, max_units_shown=MAP_UNITS,
                               cell_and_spectrum=lesson_cell(H, act, init, scale, by, seed))


# Figures are cached on the settings of the lesson they draw (memo.figure keys a memo.data
# result by the arguments that made it) and the language, so a rerun rebuilds only what
# changed and an unchanged chart is sent unchanged.
@memo.figure(max_entries=32)
def gradient_figures(r: lesson_bptt.BpttLesson):
    """The gradient-norm curve with its bound, and the terms of ∂C/∂W_hh."""
    curve = gradients.gradient_norm_figure(
        r.log10_norm_h, log10_bound=r.log10_bound,
        labels={"title": TEXT["fig_curve_title"], "x": TEXT["fig_x"], "y": TEXT["fig_curve_y"],
                "curve": TEXT["fig_curve"], "bound": TEXT["fig_bound"]})
    terms = gradients.step_terms_figure(
        r.log10_step_whh, late_from=r.late_from,
        labels={"title": TEXT["fig_terms_title"], "x": TEXT["fig_x"], "y": TEXT["fig_terms_y"],
                "late": TEXT["fig_late"]})
    return curve, terms


@memo.figure(max_entries=32)
def state_figure(r: lesson_bptt.BpttLesson):
    """Heatmaps of h and of σ'(h*) over a shared time axis."""
    h = gradients.Panel(r.h_map, TEXT["fig_h_title"],
                        TEXT["fig_h_log_bar"] if r.h_map_log else TEXT["fig_h_bar"])
    dact = gradients.Panel(r.dact_map, TEXT["fig_d_title"], TEXT["fig_d_bar"], signed=False,
                           zmin=0.0, zmax=r.spectrum.gamma)
    return gradients.time_heatmaps([h, dact], r.map_steps, r.map_units,
                                   labels={"x": TEXT["fig_x"], "y": TEXT["fig_unit"]})


_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def ratio_text(exponent: float) -> str:
    """10^e as the verdict writes it: "10⁻⁴³" (rounded decade) or "0.52" within a decade."""
    if exponent == -float("inf"):
        return "0"
    if abs(exponent) < lesson_bptt.VERDICT_DECADES:
        return f"{10.0 ** exponent:.2g}"
    return "10" + str(round(exponent)).translate(_SUPERSCRIPT)


# ------------------------------------------------------------------------------ page
st.title(TEXT["title"])
st.markdown(TEXT["intro"])
s = ui.controls("bptt", CONTROLS, presets=PRESETS, text=TEXT, inactive=inactive)
st.sidebar.caption(TEXT["presets_help"])

with ui.guard():
    r = lesson(s.T, s.H, s.act, s.init, s.scale, s.by, s.xs, s.loss, s.seed)
fig_curve, fig_terms = gradient_figures(r)
fig_maps = state_figure(r)
last = r.n - 1

ui.equation(r"h_*^t = W_{hx}\,x^t + W_{hh}\,h^{t-1} + b_h,\qquad h^t = \sigma\!\left(h_*^t\right)")
if r.overflow_step is not None:
    st.warning(TEXT["overflow"].format(step=r.overflow_step, last=last))

sp = r.spectrum
c1, c2, c3, c4 = st.columns(4)
c1.metric(TEXT["m_rho"], f"{sp.rho:.3g}")
c2.metric(TEXT["m_sigma"], f"{sp.sigma_max:.3g}")
c3.metric(TEXT["m_gamma"], f"{sp.gamma:g}")
c4.metric(TEXT["m_rate"], f"{sp.rate:.3g}")

# 1 · the gradient norm against the step, with Pascanu's bound
st.header(TEXT["h_curve"])
st.markdown(TEXT[f"verdict_{r.verdict}"].format(ratio=ratio_text(r.exponent), last=last))
st.markdown(TEXT["dact_line"].format(median=f"{r.dact_median:.2f}", share=f"{r.dact_saturated:.0%}"))
if r.loss == "all":
    st.caption(TEXT["all_note"])
ui.plot(fig_curve, key="fig_curve")
ui.equation(r"\delta^{k-1} = \frac{\partial C^t}{\partial h_*^{k-1}} = "
            r"\left(W_{hh}^{T}\,\delta^{k}\right) \odot \sigma'\!\left(h_*^{k-1}\right)")
ui.equation(r"\Bigl\lVert \frac{\partial C}{\partial h_k} \Bigr\rVert \;\le\; "
            r"\left(\lVert W_{hh} \rVert_2\, \gamma\right)^{T-1-k} \Bigl\lVert "
            r"\frac{\partial C}{\partial h_{T-1}}\Bigr\rVert,\qquad "
            r"\gamma = \sup_x \sigma'(x)")
st.markdown(TEXT["curve_text"])

# 2 · each step's term of ∂C/∂W_hh
st.header(TEXT["h_terms"])
ui.plot(fig_terms, key="fig_terms")
if r.late_share is None:
    st.markdown(TEXT["late_none"])
else:
    st.markdown(TEXT["late_share"].format(k0=r.late_from, share=f"{r.late_share:.1%}", n=r.n))
ui.equation(r"\frac{\partial C^t}{\partial w_{ij}} = \sum_{k} h_j^{k-1}\,\delta_i^{k}")
st.markdown(TEXT["terms_text"])

# 3 · heatmaps of h and of σ'(h*)
st.header(TEXT["h_maps"])
shrunk = ([TEXT["maps_units"].format(ku=r.map_stride, H=s.H)] if r.map_stride > 1 else []) + (
    [TEXT["maps_block"].format(kt=r.map_block)] if r.map_block > 1 else [])
if shrunk:
    st.caption(" ".join(shrunk))
if r.h_map_log:
    st.caption(TEXT["h_log_note"].format(hmax=f"{r.h_abs_max:.3g}"))
d1, d2 = st.columns(2)
d1.metric(TEXT["m_dact"], f"{r.dact_median:.2f}", help=TEXT["m_dact_help"])
d2.metric(TEXT["m_saturated"], f"{r.dact_saturated:.0%}", help=TEXT["m_dact_help"])
ui.plot(fig_maps, key="fig_maps")
st.markdown(TEXT["maps_text"])
st.caption(TEXT["source"])
