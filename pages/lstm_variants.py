"""Lesson: the LSTM's published forms (1997; 2000: forget gate, peepholes) and where PyTorch and Keras differ.

Storyboard: controls → cached computation → figures → equations and explanation.
"""

import numpy as np
import streamlit as st

from pages import memo, ui
from rnnviz import lesson_gates as lg
from rnnviz import make_input
from rnnviz.figures import gates as gfig
from rnnviz.figures.style import COLORWAY

TEXT = {
    "title": "LSTM variants",
    "intro": (
        "“LSTM” names several cells. The 1997 original has no forget gate; the forget gate came "
        "in 2000, and peepholes the same year (Gers & Schmidhuber, IJCNN 2000), before the 2001 "
        "paper the source article cites and the 2002 JMLR one. PyTorch and TF/Keras differ in "
        "small ways that matter when you move weights between them. Here all of them run on the "
        "same weights and the same input."
    ),
    # controls
    "T": "Sequence length T (steps)",
    "H": "Hidden size H (units)",
    "init": "W_hh initialisation",
    "init_gaussian": "Gaussian N(0, 1/H)",
    "init_orthogonal": "random orthogonal (Keras's recurrent default)",
    "init_torch": "PyTorch default U(−1/√H, 1/√H)",
    "scale": "W_hh scale (each gate's block)",
    "by": "Scale measured as",
    "by_radius": "spectral radius ρ = max |λᵢ|",
    "by_sigma": "largest singular value ‖W_hh‖₂",
    "fb": "Forget-gate bias b_f (not Keras's)",
    "fb_help": (
        "The forget bias every cell but the Keras one starts from (the other biases are 0). "
        "PyTorch draws its biases from U(−1/√H, 1/√H), random around 0; Keras with "
        "unit_forget_bias=True sets b_f to exactly 1 (its other biases 0), so the Keras curve "
        "always has b_f = 1 and does not move with this slider."
    ),
    "xs": "Input scale (x ~ N(0, s²))",
    "loss": "Loss",
    "loss_last": "at the last step only",
    "loss_all": "at every step",
    "seed": "Random seed",
    # preset buttons sit two to a row in the sidebar: about 11 characters fit
    "preset_closed": "f closed",
    "preset_long": "Long, b_f 1",
    "preset_open": "f open",
    "preset_big": "Large W_hh",
    "presets_help": (
        "**f closed**: b_f = −3. **f open**: b_f = 3. **Long, b_f 1**: T = 1000 with b_f = 1, "
        "the Keras start. **Large W_hh**: scale 2. Each preset sets every control."
    ),
    # variants
    "v_nofg": "1997, no forget gate",
    "v_forget": "2000, forget gate (PyTorch)",
    "v_peephole": "2000, peepholes",
    "v_keras": "Keras, unit_forget_bias",
    "v_one": "PyTorch with one bias b_ih + b_hh",
    # part 1
    "h_eq": "1 · Four cells, one set of weights",
    "eq_text": (
        "Every cell below uses the same W_ih, W_hh and biases (the peephole cell adds three "
        "diagonal weights w_ci, w_cf, w_co). Only the equations differ."
    ),
    # part 2
    "h_norms": "2 · The gradient in each cell",
    "fig_c_title": "Cell: log10 ‖∂C/∂cₖ‖",
    "fig_h_title": "Hidden state: log10 ‖∂C/∂hₖ‖",
    "fig_norm_y": "log10 ‖gradient‖ (decades)",
    "fig_step": "step k",
    "norms_text": (
        "The dashed line is the PyTorch cell with its two biases merged into one: it lies "
        "exactly on the PyTorch curve."
    ),
    "h_means": "3 · The gates, averaged over units",
    "fig_means_title": "Mean gate activation per step",
    "fig_means_y": "mean over units",
    "panel_i": "i — input gate",
    "panel_f": "f — forget gate",
    "panel_o": "o — output gate",
    # part 4
    "h_diff": "4 · What each difference does",
    "d_nofg": (
        "**1997 → 2000, the forget gate.** Without it, $c_t = c_{{t-1}} + i_t \\odot g_t$ and "
        "the cell path multiplies δ by exactly 1 (f ≡ 1 on the plot): "
        "$\\lVert\\partial C/\\partial c_0\\rVert \\,/\\, \\lVert\\partial C/\\partial c_{{T-1}}\\rVert$ "
        "is {nofg} without a forget gate and {forget} with one."
    ),
    "d_peephole": (
        "**2000, peepholes** (Gers & Schmidhuber, IJCNN 2000; used again in 2001 and 2002). "
        "i and f also see $c_{{t-1}}$, o sees $c_t$, through diagonal "
        "weights; that ratio moves from {forget} to {peephole}."
    ),
    "d_two": (
        "**PyTorch's two biases.** nn.LSTM has b_ih and b_hh, Keras one bias; only their sum "
        "enters the cell. Checked on this run against the one-bias cell b = b_ih + b_hh: "
        "max |Δh| = {dh}; ∂C/∂b_ih = ∂C/∂b_hh (max difference {db}) = ∂C/∂b (max difference "
        "{db1}). Training notices: plain SGD moves the sum twice as fast, and weight decay "
        "sees two vectors."
    ),
    "d_keras": (
        "**Keras's unit_forget_bias=True** sets the forget bias to exactly 1 at initialisation "
        "(the bias initialiser is zeros; it does not add 1 to anything: make_cell(forget_bias=1) "
        "gives exactly Keras's initial bias [0, 1, 0, 0]: {ufb}). Against the PyTorch cell with "
        "b_f = {fb:g}, mean f goes from {f0:.2f} to {f1:.2f} (b_f = 1), the ratio from {forget} "
        "to {keras}."
    ),
    "d_order": (
        "**Gate order and layout.** PyTorch stacks rows i, f, g, o in weight_ih_l0 (4H × I); "
        "Keras stacks columns i, f, c, o in kernel (I × 4H): the same order, transposed. Run "
        "through Keras's own equations in Keras's layout, the Keras cell's weights give the "
        "same h as here: max |Δh| = {dk} (first {n} steps)."
    ),
    "d_other": (
        "Defaults that differ too: Keras initialises W_ih with Glorot-uniform and W_hh "
        "orthogonal, PyTorch everything U(−1/√H, 1/√H); Keras before 2.3 used hard_sigmoid "
        "for the gates."
    ),
    "ufb_yes": "identical",
    "ufb_no": "different",
    "takeaway": (
        "The forget gate is what makes an LSTM forget, and what lets its gradient shrink; the "
        "1997 cell keeps every gradient but cannot let go of anything it has stored. A forget "
        "bias near 1 is the compromise most libraries start from."
    ),
    "source": (
        "Hochreiter & Schmidhuber (1997), Long Short-Term Memory; Gers, Schmidhuber & Cummins "
        "(2000), Learning to Forget; Gers & Schmidhuber (2000), Recurrent nets that time and "
        "count, IJCNN (peepholes); Gers & Schmidhuber (2001), LSTM recurrent networks learn "
        "simple context-free and context-sensitive languages; Gers, Schraudolph & Schmidhuber "
        "(2002), Learning precise timing with LSTM recurrent networks, JMLR; PyTorch nn.LSTM "
        "and Keras LSTMCell documentation."
    ),
}

CONTROLS = [
    ui.Control("T", TEXT["T"], "int", 200, min=2, max=1000),
    ui.Control("H", TEXT["H"], "int", 32, min=1, max=128),
    ui.Control("init", TEXT["init"], "select", "gaussian",
               options={k: TEXT[f"init_{k}"] for k in ("gaussian", "orthogonal", "torch")}),
    ui.Control("scale", TEXT["scale"], "float", 1.0, min=0.0, max=3.0, step=0.05),
    ui.Control("by", TEXT["by"], "select", "radius",
               options={"radius": TEXT["by_radius"], "sigma": TEXT["by_sigma"]}),
    ui.Control("fb", TEXT["fb"], "float", 0.0, min=-5.0, max=5.0, step=0.5, help=TEXT["fb_help"]),
    ui.Control("xs", TEXT["xs"], "float", 1.0, min=0.0, max=5.0, step=0.1),
    ui.Control("loss", TEXT["loss"], "select", "last",
               options={"last": TEXT["loss_last"], "all": TEXT["loss_all"]}),
    ui.Control("seed", TEXT["seed"], "seed", 0),
]
_BASE = {"T": 200, "H": 32, "init": "gaussian", "scale": 1.0, "by": "radius", "fb": 0.0,
         "xs": 1.0, "loss": "last", "seed": 0}  # the defaults: every preset sets every control
PRESETS = {
    "closed": {**_BASE, "fb": -3.0},
    "open": {**_BASE, "fb": 3.0},
    "long": {**_BASE, "T": 1000, "fb": 1.0},
    "big": {**_BASE, "scale": 2.0},
}
VARIANT_COLOURS = {"nofg": COLORWAY[3], "forget": COLORWAY[0], "peephole": COLORWAY[2],
                   "keras": COLORWAY[1]}
VARIANT_WIDTHS = {"nofg": 3, "forget": 6, "peephole": 2, "keras": 3}  # wide under thin: both show


# ----------------------------------------------------------------- cached computations
@memo.data(max_entries=16)
def variant_cells(H: int, init: str, scale: float, by: str, fb: float, seed: int):
    """{variant: Cell}, all on the same weights (immutable; shared, not copied)."""
    return lg.lstm_variant_cells(H, init=init, scale=scale, scale_by=by, forget_bias=fb, seed=seed)


@memo.data(max_entries=32)
def variant_run(name: str, T: int, H: int, init: str, scale: float, by: str, fb: float,
                xs: float, loss: str, seed: int) -> lg.GatedRun:
    cell = variant_cells(H, init, scale, by, fb, seed)[name]
    return lg.run_gated(cell, make_input(T, 1, scale=xs, seed=seed), loss=loss, loss_seed=seed)


@memo.data(max_entries=32)
def pytorch_runs(T: int, H: int, init: str, scale: float, by: str, fb: float, xs: float,
                 loss: str, seed: int):
    """The PyTorch cell (two biases) and the same with one bias b_ih + b_hh: (check, run, run)."""
    cell = variant_cells(H, init, scale, by, fb, seed)["forget"]
    return lg.two_bias_runs(cell, make_input(T, 1, scale=xs, seed=seed), loss, seed)


@memo.data(max_entries=32)
def keras_checks(H: int, init: str, scale: float, by: str, fb: float, xs: float, seed: int,
                 n: int):
    """(Keras-layout max |Δh| on the first n steps, Keras unit_forget_bias == forget_bias=1)."""
    x = make_input(n, 1, scale=xs, seed=seed)
    keras = lg.keras_check(variant_cells(H, init, scale, by, fb, seed)["keras"], x)
    ufb = variant_cells(H, init, scale, by, 0.0, seed)["keras"]
    return keras, bool(np.array_equal(lg.to_keras(ufb)["bias"], lg.keras_unit_forget_bias(H)))


# The figures are cached on the settings of the runs they draw (memo.figure keys a memo.data
# result by the arguments that made it) and the language: a rerun with seen settings
# rebuilds nothing and the charts are sent unchanged.
@memo.figure(max_entries=32)
def variant_figures(T: int, runs: dict, one):
    """‖∂C/∂c_k‖ and ‖∂C/∂h_k‖ of every variant, and their mean gates."""
    k = np.arange(T)

    def norm_series(attr):
        out = [{"name": TEXT[f"v_{v}"], "y": getattr(r, attr), "color": VARIANT_COLOURS[v],
                "width": VARIANT_WIDTHS[v]} for v, r in runs.items()]
        out.append({"name": TEXT["v_one"], "y": getattr(one, attr), "color": COLORWAY[6],
                    "dash": "dash", "width": 2})
        return out

    fig_c = gfig.lines(k, norm_series("log10_norm_c"), title=TEXT["fig_c_title"],
                       x_title=TEXT["fig_step"], y_title=TEXT["fig_norm_y"], height=480,
                       legend_below=True)
    fig_h = gfig.lines(k, norm_series("log10_norm_h"), title=TEXT["fig_h_title"],
                       x_title=TEXT["fig_step"], y_title=TEXT["fig_norm_y"], height=480,
                       legend_below=True)
    panels = {TEXT[f"panel_{g}"]: [{"name": TEXT[f"v_{v}"], "y": r.means[g],
                                    "color": VARIANT_COLOURS[v], "width": VARIANT_WIDTHS[v]}
                                   for v, r in runs.items()]
              for g in ("i", "f", "o")}
    fig_means = gfig.gate_mean_panels(k, panels, title=TEXT["fig_means_title"],
                                      x_title=TEXT["fig_step"], y_title=TEXT["fig_means_y"],
                                      height=430)
    return fig_c, fig_h, fig_means


# ------------------------------------------------------------------------------ page
st.title(TEXT["title"])
st.markdown(TEXT["intro"])
s = ui.controls("lstm_variants", CONTROLS, presets=PRESETS, text=TEXT)
st.sidebar.caption(TEXT["presets_help"])
args = (s.T, s.H, s.init, s.scale, s.by, s.fb, s.xs, s.loss, s.seed)

n_check = min(s.T, lg.CHECK_STEPS)
with ui.guard():
    bias, pytorch, one = pytorch_runs(*args)
    runs = {v: pytorch if v == "forget" else variant_run(v, *args) for v in lg.LSTM_VARIANTS}
    keras_dh, ufb_same = keras_checks(s.H, s.init, s.scale, s.by, s.fb, s.xs, s.seed, n_check)

st.header(TEXT["h_eq"])
st.markdown(TEXT["eq_text"])
c1, c2 = st.columns(2)
with c1:
    st.caption(TEXT["v_nofg"])
    ui.equation(r"c_t = c_{t-1} + i_t \odot g_t")
    st.caption(TEXT["v_forget"] + " · " + TEXT["v_keras"])
    ui.equation(r"c_t = f_t \odot c_{t-1} + i_t \odot g_t,\quad h_t = o_t \odot \tanh(c_t)")
with c2:
    st.caption(TEXT["v_peephole"])
    ui.equation(r"f_t = \sigma(W_{fx}x_t + W_{fh}h_{t-1} + w_{cf} \odot c_{t-1} + b_f)")
    ui.equation(r"o_t = \sigma(W_{ox}x_t + W_{oh}h_{t-1} + w_{co} \odot c_t + b_o)")

st.header(TEXT["h_norms"])
ui.equation(r"\delta^{k-1} = \delta^k\,\frac{\partial c^k}{\partial c^{k-1}} = \delta^k\,(f^k + \ldots)"
            r"\qquad \text{1997: } f^k \equiv 1")
fig_c, fig_h, fig_means = variant_figures(s.T, runs, one)
left, right = st.columns(2)
with left:
    ui.plot(fig_c, key="fig_c")
with right:
    ui.plot(fig_h, key="fig_h")
st.caption(TEXT["norms_text"])

st.header(TEXT["h_means"])
ui.plot(fig_means, key="fig_means")

st.header(TEXT["h_diff"])
reach = {v: lg.pow10_text(lg.reach(r.log10_norm_c)) for v, r in runs.items()}
st.markdown("- " + TEXT["d_nofg"].format(**reach))
st.markdown("- " + TEXT["d_peephole"].format(**reach))
st.markdown("- " + TEXT["d_two"].format(dh=lg.small_text(bias.max_dh), db=lg.small_text(bias.max_db_ih_hh),
                                        db1=lg.small_text(bias.max_db_one)))
st.markdown("- " + TEXT["d_keras"].format(
    ufb=TEXT["ufb_yes"] if ufb_same else TEXT["ufb_no"], fb=s.fb, f0=float(runs["forget"].means["f"].mean()),
    f1=float(runs["keras"].means["f"].mean()), **reach))
st.markdown("- " + TEXT["d_order"].format(dk=lg.small_text(keras_dh), n=n_check))
st.caption(TEXT["d_other"])
st.info(TEXT["takeaway"])
st.caption(TEXT["source"])
