"""Lesson: RNN, LSTM and GRU side by side on the same input and the same W_hh scale.

Storyboard: controls → cached computation (rnnviz.lesson_compare) → figures
(rnnviz.figures.compare) → the source's equations and what to look for.
"""

import numpy as np
import streamlit as st

from pages import memo, ui
from rnnviz import lesson_compare as lc
from rnnviz.figures import compare as figs

TEXT = {
    "title": "Compare the family",
    "intro": (
        "A tanh RNN, an LSTM and a GRU read the same input, and every (H × H) block of their "
        "recurrent weights W_hh is rescaled to the same spectral radius. The loss sits at the "
        "last step. How far back does each one's gradient reach, what does it cost in "
        "parameters, and how long does one forward and backward pass take?"
    ),
    # controls
    "T": "Sequence length T (steps)",
    "H": "Hidden size H (units)",
    "I": "Input size I",
    "scale": "W_hh scale (spectral radius of each block)",
    "scale_help": "Every gate's (H × H) block of W_hh is rescaled so its largest |eigenvalue| is this.",
    "keep": "Keep-gate bias b (LSTM's f, GRU's z)",
    "keep_help": (
        "Added to the bias of the gate that keeps the old state: the LSTM's forget gate f and "
        "the GRU's update gate z. b = 1 is Keras's unit_forget_bias; larger b keeps more."
    ),
    "input": "Input x_t",
    "input_gaussian": "Gaussian noise N(0, 1)",
    "input_zeros": "all zeros",
    "input_constant": "constant 1",
    "input_sine": "sine wave, period 20 steps",
    "thr": "Band θ (the gradient counts between θ and 1/θ times its size at the loss)",
    "thr_help": (
        "A step counts while θ · ‖∂C/∂h_T−1‖ ≤ ‖∂C/∂h_k‖ ≤ ‖∂C/∂h_T−1‖ / θ for it and every "
        "step after it. Leaving below is vanishing, leaving above is exploding: an exploding "
        "gradient does not count as reaching back."
    ),
    "show_c": "Also draw the LSTM's ‖∂C/∂c_k‖",
    "seed": "Random seed",
    # preset buttons sit two to a row in the sidebar: about 11 characters fit
    "preset_vanish": "Small W_hh",
    "preset_keep": "Gates open",
    "preset_big": "Large W_hh",
    "preset_long": "Long, wide",
    "presets_help": (
        "**Small W_hh**: scale 0.5, all three vanish within a few steps. **Gates open**: "
        "keep-gate bias 3, T = 500: the LSTM and the GRU keep their gradient for over 200 "
        "steps, the RNN for 13. **Large W_hh**: scale 2.5: the RNN's gradient explodes, the "
        "gated cells' still vanishes. **Long, wide**: T = 2000, H = 128. Each preset sets "
        "every control."
    ),
    # numbers
    "name_rnn": "RNN (tanh)",
    "name_lstm": "LSTM",
    "name_gru": "GRU",
    "m_span": "Steps back within θ … 1/θ",
    "m_span_kept": "{n} (all)",
    "m_span_vanished": "{n}, then vanishes",
    "m_span_exploded": "{n}, then explodes",
    "m_params": "Parameters {formula}",
    "m_ms": "unroll + BPTT",
    "ms": "{ms:.1f} ms",
    # part 1
    "h_curves": "1 · How far back the gradient reaches",
    "fig_title": "Gradient norm at each step, log scale (loss at step T−1)",
    "fig_x": "time step k",
    "fig_y": "log₁₀ ‖∂C/∂h_k‖",
    "fig_c": "LSTM ‖∂C/∂c_k‖",
    "fig_thr": "θ = {theta}",
    "fig_thr_up": "1/θ",
    "fig_below": "{name}: leaves the band at k = {k}",
    "verdict": (
        "Going back from the loss, the gradient stays between θ = {theta} and 1/θ times its "
        "size at the loss for **{rnn}** steps in the RNN ({rnn_how}), **{lstm}** in the LSTM "
        "({lstm_how}) and **{gru}** in the GRU ({gru_how}), out of {last}."
    ),
    "how_kept": "it never leaves the band",
    "how_vanished": "then it vanishes",
    "how_exploded": "then it explodes",
    "curves_text": (
        "Each line is the exact ‖∂C/∂h_k‖ from back-propagation through time, as a power of "
        "ten on a linear axis: a straight falling line is a gradient shrinking by the same "
        "factor every step. The RNN's factor is W_hhᵀ diag(σ′(h*)), the source's δ recursion. "
        "The LSTM also carries its gradient through the cell state, multiplied by the forget "
        "gate f at every step; the GRU through the update gate z. With the gates near ½ "
        "(bias 0) they forget as fast as the RNN; push the keep-gate bias up and their lines "
        "flatten. A crossed marker shows where each line first leaves the band between the "
        "dotted lines, below (vanishing) or above (exploding)."
    ),
    # part 2
    "h_cost": "2 · What each one costs",
    "bars_span": "steps back within θ … 1/θ",
    "bars_params": "parameters",
    "bars_ms": "unroll + BPTT (ms)",
    "cost_text": (
        "PyTorch gives every gate a block of W_ih (H × I), a block of W_hh (H × H) and two "
        "bias vectors (b_ih and b_hh): G·H·(I + H + 2) numbers for G gate blocks. The RNN has "
        "G = 1, the GRU 3 (r, z, n), the LSTM 4 (i, f, g, o); so the GRU has exactly ¾ of the "
        "LSTM's parameters, the source's \"fewer parameters\". The times are measured on this "
        "server for this page's own float64 code (median of up to 3 runs, when the curves "
        "were computed), so compare them with each other, not with a GPU."
    ),
    "source": (
        "Source: the article's BPTT recursion for the RNN, its δᵏ⁻¹ = δᵏ (fᵏ + …) for the "
        "LSTM (the article writes fᵗ, a typo: the gate is the one at step k), and its GRU "
        "equations; parameter counts as in torch.nn.RNN / LSTM / GRU."
    ),
}

CONTROLS = [
    ui.Control("T", TEXT["T"], "int", 200, min=10, max=2000, step=10),
    ui.Control("H", TEXT["H"], "int", 32, min=1, max=128),  # 3 cells × T=2000 × H=128 ≈ 1 s
    ui.Control("I", TEXT["I"], "int", 1, min=1, max=64),
    ui.Control("scale", TEXT["scale"], "float", 1.0, min=0.0, max=3.0, step=0.05,
               help=TEXT["scale_help"]),
    ui.Control("keep", TEXT["keep"], "float", 0.0, min=-3.0, max=6.0, step=0.5,
               help=TEXT["keep_help"]),
    ui.Control("input", TEXT["input"], "select", "gaussian",
               options={k: TEXT[f"input_{k}"] for k in ("gaussian", "zeros", "constant", "sine")}),
    ui.Control("thr", TEXT["thr"], "log", 1e-3, min=-12, max=-1, help=TEXT["thr_help"]),
    ui.Control("show_c", TEXT["show_c"], "toggle", True),
    ui.Control("seed", TEXT["seed"], "seed", 0),
]
_BASE = {"T": 200, "H": 32, "I": 1, "scale": 1.0, "keep": 0.0, "input": "gaussian", "thr": 1e-3,
         "show_c": True, "seed": 0}  # the defaults: every preset sets every control
PRESETS = {
    "vanish": {**_BASE, "scale": 0.5},
    "keep": {**_BASE, "keep": 3.0, "T": 500},
    "big": {**_BASE, "scale": 2.5},
    "long": {**_BASE, "T": 2000, "H": 128},
}


# ----------------------------------------------------------------- cached computations
@memo.data(max_entries=32)
def member(kind: str, T: int, H: int, I: int, scale: float, input_kind: str, keep: float,
           seed: int) -> lc.Member:
    """One cell's gradient norms, parameter count and measured time (rnnviz.lesson_compare)."""
    return lc.family_member(kind, T, H, I, scale, input_kind=input_kind, keep_bias=keep, seed=seed)


# Figures are cached on their arguments (memo.figure keys a memo.data result by the arguments
# that made it) and the language, so a rerun rebuilds only what changed and an unchanged chart
# is sent unchanged (the bars do not depend on the c-curve toggle).
@memo.figure(max_entries=32)
def curves_figure(log_thr: float, show_c: bool, members: dict, below: dict):
    theta = f"1e{round(log_thr)}"
    names = {k: TEXT[f"name_{k}"] for k in lc.KINDS}
    curves = [{"name": names[k], "y": m.log10_norm_h, "color": figs.CELL_COLORS[k], "below": below[k]}
              for k, m in members.items()]
    if show_c and members["lstm"].log10_norm_c is not None:
        curves.append({"name": TEXT["fig_c"], "y": members["lstm"].log10_norm_c,
                       "color": figs.CELL_COLORS["lstm"], "dash": "dash"})
    fig = figs.norm_curves_figure(curves, threshold=log_thr, labels={
        "title": TEXT["fig_title"], "x": TEXT["fig_x"], "y": TEXT["fig_y"],
        "threshold": TEXT["fig_thr"].format(theta=theta), "below": TEXT["fig_below"],
    })
    if log_thr < 0:  # the band's upper edge, 1/θ: leaving above it is exploding
        fig.add_hline(y=-log_thr, line=dict(color=figs.THRESHOLD_COLOR, dash="dot", width=2),
                      annotation_text=TEXT["fig_thr_up"], annotation_position="top left",
                      annotation_font=dict(color=figs.THRESHOLD_COLOR))
    return fig


@memo.figure(max_entries=32)
def bars_figure(members: dict, spans: dict):
    kinds = list(members)
    return figs.family_bars_figure(kinds, [TEXT[f"name_{k}"] for k in kinds], [
        (TEXT["bars_span"], [spans[k] for k in kinds], "{:,.0f}"),
        (TEXT["bars_params"], [members[k].n_params for k in kinds], "{:,.0f}"),
        (TEXT["bars_ms"], [members[k].ms for k in kinds], "{:.1f}"),
    ])


# ------------------------------------------------------------------------------ page
st.title(TEXT["title"])
st.markdown(TEXT["intro"])
s = ui.controls("compare", CONTROLS, presets=PRESETS, text=TEXT)
st.sidebar.caption(TEXT["presets_help"])
log_thr = float(np.log10(s.thr))
theta = f"1e{round(log_thr)}"  # the options are whole decades

with ui.guard():
    members = {k: member(k, s.T, s.H, s.I, s.scale, s.input, s.keep, s.seed) for k in lc.KINDS}
    bands = {k: m.band(log_thr) for k, m in members.items()}  # (steps, "vanished" | …)
    spans = {k: n for k, (n, _) in bands.items()}
    below = {k: lc.first_outside(m.log10_norm_h, log_thr) for k, m in members.items()}

names = {k: TEXT[f"name_{k}"] for k in lc.KINDS}
cols = st.columns(3)
for col, (kind, m) in zip(cols, members.items()):
    with col:
        st.subheader(names[kind])
        span, how = bands[kind]
        st.metric(TEXT["m_span"], TEXT[f"m_span_{how}"].format(n=span))
        st.metric(TEXT["m_params"].format(formula=lc.param_formula(kind)), f"{m.n_params:,}")
        st.metric(TEXT["m_ms"], TEXT["ms"].format(ms=m.ms))

st.header(TEXT["h_curves"])
ui.plot(curves_figure(log_thr, s.show_c, members, below), key="fig_curves")
st.markdown(TEXT["verdict"].format(theta=theta, last=s.T - 1, **spans,
                                   **{f"{k}_how": TEXT[f"how_{how}"] for k, (_, how) in bands.items()}))
ui.equation(r"\text{RNN:}\quad \delta^{k-1} = \bigl(W_{hh}^\top \delta^k\bigr) \odot "
            r"\sigma'\bigl(h_*^{k-1}\bigr)")
ui.equation(r"\text{LSTM:}\quad c^t = f^t \odot c^{t-1} + i^t \odot g^t \;\Rightarrow\; "
            r"\frac{\partial C}{\partial c^{k-1}} = \frac{\partial C}{\partial c^{k}} \odot "
            r"\bigl(f^k + \ldots\bigr)")
ui.equation(r"\text{GRU:}\quad h^t = \bigl(1 - z^t\bigr) \odot n^t + z^t \odot h^{t-1} "
            r"\;\Rightarrow\; \frac{\partial h^t}{\partial h^{t-1}} = \operatorname{diag}(z^t) + \ldots")
ui.equation(r"n(\theta) = \max\Bigl\{\, n : \theta \le \bigl\lVert \tfrac{\partial C}"
            r"{\partial h_{T-1-j}} \bigr\rVert \big/ \bigl\lVert \tfrac{\partial C}{\partial h_{T-1}}"
            r" \bigr\rVert \le \tfrac{1}{\theta} \ \text{for } j = 0, \dots, n \Bigr\}")
st.markdown(TEXT["curves_text"])

st.header(TEXT["h_cost"])
ui.plot(bars_figure(members, spans), key="fig_bars")  # the members' measured ms, as the metrics
ui.equation(r"N_{\text{RNN}} = H(I+H+2),\qquad N_{\text{GRU}} = 3H(I+H+2),\qquad "
            r"N_{\text{LSTM}} = 4H(I+H+2)")
st.markdown(TEXT["cost_text"])
st.caption(TEXT["source"])
