"""Lesson: LSTM and GRU gates, and why the forget gate keeps the gradient.

Storyboard: controls → cached computation → figures → equations and explanation.
"""

import numpy as np
import streamlit as st

from pages import memo, ui
from rnnviz import lesson_gates as lg
from rnnviz import make_cell, make_input
from rnnviz.figures import gates as gfig
from rnnviz.figures.style import COLORWAY

TEXT = {
    "title": "LSTM and GRU gates",
    "intro": (
        "An LSTM adds a cell state c that is carried from step to step by multiplication with "
        "the forget gate f, not by a matrix. Where f sits near 1, the gradient on c passes a "
        "step back almost untouched. Here are every gate and the state over time, the gradient "
        "on c and on h, and a vanilla tanh RNN with the same W_hh scale and the same input."
    ),
    # controls
    "cell": "Cell",
    "cell_lstm": "LSTM: gates i, f, o, cell input g, cell state c",
    "cell_gru": "GRU: reset r, update z, candidate n",
    "T": "Sequence length T (steps)",
    "H": "Hidden size H (units)",
    "init": "W_hh initialisation",
    "init_gaussian": "Gaussian N(0, 1/H)",
    "init_orthogonal": "random orthogonal",
    "init_torch": "PyTorch default U(−1/√H, 1/√H)",
    "scale": "W_hh scale (each gate's block)",
    "scale_help": "Every gate's (H × H) block of W_hh, and the RNN's W_hh, is rescaled to this value.",
    "by": "Scale measured as",
    "by_radius": "spectral radius ρ = max |λᵢ|",
    "by_sigma": "largest singular value ‖W_hh‖₂",
    "fb": "Forget-gate bias b_f (GRU: update-gate bias b_z)",
    "fb_help": (
        "The forget gate's bias (LSTM) or the update gate's (GRU); the other biases are 0. "
        "PyTorch draws every bias from U(−1/√H, 1/√H), random around 0; Keras's "
        "unit_forget_bias sets the forget bias to 1."
    ),
    "xs": "Input scale (x ~ N(0, s²))",
    "loss": "Loss",
    "loss_last": "at the last step only, C = vᵀh_{T−1}",
    "loss_all": "at every step, C = Σ_t vᵀh_t",
    "seed": "Random seed",
    # preset buttons sit two to a row in the sidebar: about 11 characters fit
    "preset_keep": "LSTM keeps",
    "preset_closed": "f closed",
    "preset_gru": "GRU",
    "preset_long": "Long T=1000",
    "presets_help": (
        "**LSTM keeps**: forget bias 3, mean f 0.92: the cell's gradient reaching step 0 is "
        "0.38 of its size at step T−1, the RNN's 2.1 × 10⁻³⁸. **f closed**: forget bias −3, "
        "mean f 0.07: 2.5 × 10⁻¹²¹. **GRU**: update-gate bias 1: 9.0 × 10⁻¹⁹. **Long T=1000**: "
        "forget bias 5, mean f 0.99: the cell's gradient even grows, 53 times, while the RNN's "
        "is 3.1 × 10⁻¹⁹². Each preset sets every control."
    ),
    # part 1
    "h_gates": "1 · The gates over time",
    "gates_text": (
        "Each row is one gate, units down, time across. σ-gates run from 0 (closed) to 1 "
        "(open); g and n are tanh values in (−1, 1). Raise the forget bias and watch the f "
        "row turn bright: the cell keeps what it holds."
    ),
    "fig_gates_title": "Gate activations and state (T = {T}, H = {H})",
    "fig_x": "time step t",
    "fig_unit": "unit j",
    "bar_gate": "σ gate",
    "bar_tanh": "tanh",
    "bar_state": "state",
    "panel_i": "i — input gate",
    "panel_f": "f — forget gate",
    "panel_o": "o — output gate",
    "panel_g": "g — cell input (tanh)",
    "panel_c": "c — cell state",
    "panel_r": "r — reset gate",
    "panel_z": "z — update gate",
    "panel_n": "n — candidate (tanh)",
    "panel_h": "h — hidden state",
    # part 2
    "h_norms": "2 · How far back the gradient reaches",
    "norms_text": (
        "log10 of the gradient's norm at every step k (−40 means 10⁻⁴⁰). Solid: the exact "
        "gradients. Dashed: what the gate path alone carries, $\\delta^{k-1} = \\delta^k \\odot f_k$ "
        "for the LSTM ($\\odot\\, z_k$ for the GRU), every “…” term dropped. The vanilla RNN "
        "has the same W_hh scale, initialisation, seed and input."
    ),
    "fig_norms_title": "Gradient norm at step k (log10)",
    "fig_norms_y": "log10 ‖gradient‖ (decades)",
    "fig_step": "step k",
    "curve_c": "LSTM ‖∂C/∂cₖ‖ (cell)",
    "curve_h_lstm": "LSTM ‖∂C/∂hₖ‖",
    "curve_h_gru": "GRU ‖∂C/∂hₖ‖",
    "curve_path_lstm": "only the f path: δᵏ ⊙ fₖ",
    "curve_path_gru": "only the z path: δᵏ ⊙ zₖ",
    "curve_rnn": "vanilla tanh RNN ‖∂C/∂hₖ‖",
    "m_reach": "{what}: step 0 ÷ step T−1",
    "m_c": "LSTM cell c",
    "m_h": "{cell} hidden h",
    "m_rnn": "vanilla RNN h",
    "m_help": "‖gradient at step 0‖ ÷ ‖gradient at step T−1‖.",
    # part 3
    "h_step": "3 · One step back: $\\delta^{k-1} = \\delta^k\\,(f + \\dots)$",
    "step_text_lstm": (
        "The source's argument, measured at every step. Blue: the mean forget gate $f_k$. "
        "Orange, dashed: how much of $\\delta^k$ the f term alone carries back, "
        "$\\lVert f_k \\odot \\delta^k\\rVert / \\lVert \\delta^k\\rVert$. Green: the whole step, "
        "$\\lVert \\delta^{k-1}\\rVert / \\lVert \\delta^k\\rVert$, the “…” terms through h included. "
        "Where f is near 1, all three sit near 1 and nothing vanishes; with the forget gate "
        "closed (f near 0) only the “…” terms are left, and they shrink."
    ),
    "step_text_gru": (
        "The GRU's version of the argument: $h_t = (1 - z_t) \\odot n_t + z_t \\odot h_{t-1}$ "
        "gives $\\delta^{k-1} = \\delta^k \\odot z_k + \\dots$ with $\\delta^k = \\partial C/\\partial h_k$. "
        "Blue: the mean update gate $z_k$. Orange, dashed: "
        "$\\lVert z_k \\odot \\delta^k\\rVert / \\lVert \\delta^k\\rVert$. Green: the whole step "
        "$\\lVert \\delta^{k-1}\\rVert / \\lVert \\delta^k\\rVert$."
    ),
    "step_loss_all": (
        "With the loss at every step, fresh gradient enters at every step, so the whole-step "
        "ratio also counts what is added there; set the loss to the last step to see the "
        "propagation alone."
    ),
    "fig_step_title": "Per-step factors against k",
    "fig_step_y": "factor per step back",
    "curve_mean_f": "mean fₖ (forget gate)",
    "curve_mean_z": "mean zₖ (update gate)",
    "curve_fterm": "f term ‖fₖ ⊙ δᵏ‖ / ‖δᵏ‖",
    "curve_zterm": "z term ‖zₖ ⊙ δᵏ‖ / ‖δᵏ‖",
    "curve_ratio": "whole step ‖δᵏ⁻¹‖ / ‖δᵏ‖",
    "gaps": "Gaps in the orange curve: steps where δᵏ is beyond float64 (its log10 norm above is still exact).",
    "takeaway": (
        "The gate, not the matrix, decides how much gradient survives a step. The RNN "
        "multiplies by diag(σ′) W_hh every step; the LSTM's cell multiplies by f, numbers in "
        "(0, 1) the network learns, and the GRU's state by z. A forget bias of 1 to 3 is "
        "common practice for this reason."
    ),
    "source": (
        "Hochreiter & Schmidhuber (1997); Gers, Schmidhuber & Cummins (2000), Learning to "
        "Forget; Cho et al. (2014). Jozefowicz, Zaremba & Sutskever (2015) recommend the "
        "forget bias of 1 that Keras uses."
    ),
}

CONTROLS = [
    ui.Control("cell", TEXT["cell"], "select", "lstm",
               options={"lstm": TEXT["cell_lstm"], "gru": TEXT["cell_gru"]}),
    ui.Control("T", TEXT["T"], "int", 200, min=2, max=2000),
    ui.Control("H", TEXT["H"], "int", 32, min=1, max=256),
    ui.Control("init", TEXT["init"], "select", "gaussian",
               options={k: TEXT[f"init_{k}"] for k in ("gaussian", "orthogonal", "torch")}),
    ui.Control("scale", TEXT["scale"], "float", 1.0, min=0.0, max=3.0, step=0.05,
               help=TEXT["scale_help"]),
    ui.Control("by", TEXT["by"], "select", "radius",
               options={"radius": TEXT["by_radius"], "sigma": TEXT["by_sigma"]}),
    ui.Control("fb", TEXT["fb"], "float", 1.0, min=-5.0, max=5.0, step=0.5, help=TEXT["fb_help"]),
    ui.Control("xs", TEXT["xs"], "float", 1.0, min=0.0, max=5.0, step=0.1),
    ui.Control("loss", TEXT["loss"], "select", "last",
               options={"last": TEXT["loss_last"], "all": TEXT["loss_all"]}),
    ui.Control("seed", TEXT["seed"], "seed", 0),
]
_BASE = {"cell": "lstm", "T": 200, "H": 32, "init": "gaussian", "scale": 1.0, "by": "radius",
         "fb": 1.0, "xs": 1.0, "loss": "last", "seed": 0}  # every preset sets every control
PRESETS = {
    "keep": {**_BASE, "fb": 3.0},
    "closed": {**_BASE, "fb": -3.0},
    "gru": {**_BASE, "cell": "gru"},
    "long": {**_BASE, "T": 1000, "fb": 5.0},
}
PANELS = {"lstm": (("i", "gate"), ("f", "gate"), ("o", "gate"), ("g", "tanh"), ("c", "state")),
          "gru": (("r", "gate"), ("z", "gate"), ("n", "tanh"), ("h", "state"))}


# ----------------------------------------------------------------- cached computations
@memo.data(max_entries=16)
def base_cell(kind: str, H: int, init: str, scale: float, by: str, seed: int):
    """The seeded cell without the gate bias (immutable; shared, not copied)."""
    return make_cell(kind, H, 1, init=init, scale=scale, scale_by=by, seed=seed)


@memo.data(max_entries=32)
def gated(kind: str, T: int, H: int, init: str, scale: float, by: str, fb: float, xs: float,
          loss: str, seed: int) -> lg.GatedRun:
    cell = lg.add_gate_bias(base_cell(kind, H, init, scale, by, seed), lg.CARRY_GATE[kind], fb)
    return lg.run_gated(cell, make_input(T, 1, scale=xs, seed=seed), loss=loss, loss_seed=seed)


@memo.data(max_entries=16)
def rnn_cell(H: int, init: str, scale: float, by: str, seed: int):
    """The vanilla tanh RNN with the same W_hh init, scale and seed (immutable; shared)."""
    return lg.rnn_twin_cell(H, init=init, scale=scale, scale_by=by, seed=seed)


@memo.data(max_entries=32)
def rnn_twin(T: int, H: int, init: str, scale: float, by: str, xs: float, loss: str, seed: int):
    return lg.rnn_log10_norm_h(rnn_cell(H, init, scale, by, seed), T, input_scale=xs, loss=loss,
                               seed=seed)


# Figures are cached on the settings of the runs they draw (memo.figure keys a memo.data result
# by the arguments that made it) and the language, so a rerun rebuilds only what changed and
# an unchanged chart is sent unchanged.
@memo.figure(max_entries=32)
def gates_figure(kind: str, T: int, H: int, run: lg.GatedRun):
    panels = [(TEXT[f"panel_{n}"], run.heat[n], k) for n, k in PANELS[kind]]
    return gfig.gate_heatmaps(run.heat_steps, run.heat_units, panels, labels={
        "title": TEXT["fig_gates_title"].format(T=T, H=H), "x": TEXT["fig_x"],
        "y": TEXT["fig_unit"], "bar_gate": TEXT["bar_gate"], "bar_tanh": TEXT["bar_tanh"],
        "bar_state": TEXT["bar_state"]})


@memo.figure(max_entries=32)
def gradient_figures(kind: str, T: int, run: lg.GatedRun, rnn):
    """The gradient norms against k, and the per-step factors of the source's argument."""
    lstm = kind == "lstm"
    k = np.arange(T)
    series = []
    if lstm:
        series.append({"name": TEXT["curve_c"], "y": run.log10_norm_c, "color": COLORWAY[0]})
        series.append({"name": TEXT["curve_h_lstm"], "y": run.log10_norm_h, "color": COLORWAY[5]})
        series.append({"name": TEXT["curve_path_lstm"], "y": run.log10_path, "color": COLORWAY[0], "dash": "dash"})
    else:
        series.append({"name": TEXT["curve_h_gru"], "y": run.log10_norm_h, "color": COLORWAY[0]})
        series.append({"name": TEXT["curve_path_gru"], "y": run.log10_path, "color": COLORWAY[0], "dash": "dash"})
    series.append({"name": TEXT["curve_rnn"], "y": rnn, "color": COLORWAY[1]})
    norms = gfig.lines(k, series, title=TEXT["fig_norms_title"], x_title=TEXT["fig_step"],
                       y_title=TEXT["fig_norms_y"], height=460, legend_below=True)
    gate = lg.CARRY_GATE[kind]
    ratio = 10.0 ** np.minimum(run.log10_ratio, 6.0)  # shown up to a factor 10⁶ per step
    step_series = [
        {"name": TEXT["curve_mean_f" if lstm else "curve_mean_z"], "y": run.means[gate], "color": COLORWAY[0]},
        {"name": TEXT["curve_fterm" if lstm else "curve_zterm"], "y": run.path_factor, "color": COLORWAY[4], "dash": "dash"},
        {"name": TEXT["curve_ratio"], "y": ratio, "color": COLORWAY[2]},
    ]
    finite = ratio[np.isfinite(ratio)]
    top = float(np.clip(finite.max() * 1.05, 1.1, 2.0)) if finite.size else 1.1
    step = gfig.lines(k, step_series, title=TEXT["fig_step_title"], x_title=TEXT["fig_step"],
                      y_title=TEXT["fig_step_y"], height=420, y_range=(0, top), hline=1.0,
                      legend_below=True)
    return norms, step


# ------------------------------------------------------------------------------ page
st.title(TEXT["title"])
st.markdown(TEXT["intro"])
s = ui.controls("gates", CONTROLS, presets=PRESETS, text=TEXT)
st.sidebar.caption(TEXT["presets_help"])
lstm = s.cell == "lstm"

with ui.guard():
    run = gated(s.cell, s.T, s.H, s.init, s.scale, s.by, s.fb, s.xs, s.loss, s.seed)
    rnn = rnn_twin(s.T, s.H, s.init, s.scale, s.by, s.xs, s.loss, s.seed)

# 1 · gates
st.header(TEXT["h_gates"])
if lstm:
    ui.equation(r"i_t,\,f_t,\,o_t = \sigma(W_{\cdot x}x_t + W_{\cdot h}h_{t-1} + b_\cdot),\quad "
                r"g_t = \tanh(W_{gx}x_t + W_{gh}h_{t-1} + b_g)")
    ui.equation(r"c_t = f_t \odot c_{t-1} + i_t \odot g_t,\qquad h_t = o_t \odot \tanh(c_t)")
else:
    ui.equation(r"r_t,\,z_t = \sigma(W_{\cdot x}x_t + W_{\cdot h}h_{t-1} + b_\cdot),\quad "
                r"n_t = \tanh\bigl(W_{nx}x_t + r_t \odot (W_{nh}h_{t-1} + b_{nh}) + b_{nx}\bigr)")
    ui.equation(r"h_t = (1 - z_t) \odot n_t + z_t \odot h_{t-1}")
st.markdown(TEXT["gates_text"])
fig_norms, fig_step = gradient_figures(s.cell, s.T, run, rnn)
ui.plot(gates_figure(s.cell, s.T, s.H, run), key="fig_gates")

# 2 · gradient norms
st.header(TEXT["h_norms"])
st.markdown(TEXT["norms_text"])
cols = st.columns(3 if lstm else 2)
reach = []
if lstm:
    reach.append((TEXT["m_c"], lg.reach(run.log10_norm_c)))
reach.append((TEXT["m_h"].format(cell=s.cell.upper()), lg.reach(run.log10_norm_h)))
reach.append((TEXT["m_rnn"], lg.reach(rnn)))
for col, (what, r) in zip(cols, reach):
    col.metric(TEXT["m_reach"].format(what=what), lg.pow10_text(r), help=TEXT["m_help"])
ui.plot(fig_norms, key="fig_norms")

# 3 · the source's argument, step by step
st.header(TEXT["h_step"])
if lstm:
    ui.equation(r"\delta^{k-1} = \frac{\partial C^t}{\partial c^{k-1}} = "
                r"\delta^k \frac{\partial c^k}{\partial c^{k-1}} = \delta^k\,(f^k + \ldots)")
else:
    ui.equation(r"\delta^{k-1} = \frac{\partial C}{\partial h_{k-1}} = "
                r"\delta^k \frac{\partial h_k}{\partial h_{k-1}} = \delta^k\,(z_k + \ldots)")
st.markdown(TEXT["step_text_lstm"] if lstm else TEXT["step_text_gru"])
ui.plot(fig_step, key="fig_step")
if s.loss == "all":
    st.caption(TEXT["step_loss_all"])
if np.isnan(run.path_factor).any():
    st.caption(TEXT["gaps"])
st.info(TEXT["takeaway"])
st.caption(TEXT["source"])
