"""Lesson: the GRU's two published forms (reset before or after the matmul) and its update gate.

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
    "title": "GRU variants",
    "intro": (
        "The GRU comes in two forms. Cho et al. (2014), and the source article, apply the "
        "reset gate r to $h_{t-1}$ before multiplying by $W_{nh}$; PyTorch, cuDNN and Keras's "
        "default (reset_after=True) apply it after. Both keep the update gate z, which mixes "
        "the old state straight into the new one: a path for the gradient with no matrix "
        "and no squashing."
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
    "zb": "Update-gate bias b_z (added to the z block)",
    "zb_help": "Added to the z block of bias_ih. Large b_z: z near 1, h is kept. Negative: z near 0, h is overwritten.",
    "xs": "Input scale (x ~ N(0, s²))",
    "loss": "Loss",
    "loss_last": "at the last step only",
    "loss_all": "at every step",
    "seed": "Random seed",
    # preset buttons sit two to a row in the sidebar: about 11 characters fit
    "preset_keep": "Keep h",
    "preset_overwrite": "Overwrite h",
    "preset_big": "Large W_hh",
    "preset_long": "Long T=1000",
    "presets_help": (
        "**Keep h**: b_z = 3, z near 1, h is kept. **Overwrite h**: b_z = −3, z near 0, h is "
        "overwritten. **Large W_hh**: scale 2. **Long T=1000**: b_z = 4. Each preset sets "
        "every control."
    ),
    # variants
    "v_before": "reset before (Cho 2014, the source; Keras reset_after=False)",
    "v_after": "reset after (PyTorch, cuDNN; Keras reset_after=True)",
    "short_before": "reset before",
    "short_after": "reset after",
    # part 1
    "h_side": "1 · Same weights, two GRUs",
    "side_text": (
        "Both columns use the same W_ih, W_hh and biases; only where r is applied differs. "
        "The gates end up different, and so do the states: the largest |h_before − h_after| "
        "over the run is {dh:.3g}."
    ),
    "fig_gates_title": "Gates and state (T = {T}, H = {H})",
    "fig_x": "time step t",
    "fig_unit": "unit j",
    "bar_gate": "σ gate",
    "bar_tanh": "tanh",
    "bar_state": "state",
    "panel_r": "r — reset gate",
    "panel_z": "z — update gate",
    "panel_n": "n — candidate (tanh)",
    "panel_h": "h — hidden state",
    # part 2
    "h_z": "2 · What the update gate does to the gradient",
    "z_text": (
        "One step back, $\\partial C/\\partial h_{k-1}$ gets $z_k \\odot \\partial C/\\partial h_k$ "
        "straight through, plus the terms that run through r, z, n and W_hh. Where z is near 1 "
        "the first term alone keeps the "
        "gradient; move the update-gate bias and watch both the mean z and the curves. "
        "Dashed: the gradient carried by the z path alone (every “…” term cut)."
    ),
    "fig_norms_title": "Gradient norm at step k (log10)",
    "fig_norms_y": "log10 ‖gradient‖ (decades)",
    "fig_step": "step k",
    "curve_full": "{v}: ‖∂C/∂hₖ‖",
    "curve_path": "{v}: only the z path",
    "m_reach": "{v}: step 0 ÷ step T−1",
    "m_path": "z path alone ({v})",
    "m_help": "‖∂C/∂h₀‖ ÷ ‖∂C/∂h_T₋₁‖: how much of the gradient at the last step reaches the first.",
    "fig_means_title": "Mean gate activation per step",
    "fig_means_y": "mean over units",
    "mean_z": "z (update)",  # two panels share a half-width figure: short titles
    "mean_r": "r (reset)",
    # part 3
    "h_fw": "3 · PyTorch and Keras",
    "fw_order": (
        "**Gate order.** PyTorch stacks r, z, n (weight_ih_l0, 3H × I); Keras stacks z, r, h "
        "(kernel, I × 3H): update first. Reordered and transposed, the same weights run "
        "through Keras's own equations give the same h: max |Δh| = {after} (reset after), "
        "{before} (reset before), on the first {n} steps."
    ),
    "fw_bias": (
        "**Biases.** With the reset after the matmul, $b_{{hn}}$ sits inside "
        "$r_t \\odot (W_{{hn}} h_{{t-1}} + b_{{hn}})$, so "
        "it is not b_in: on the first {n} steps, with both biases non-zero, ∂C/∂b_in and "
        "∂C/∂b_hn differ by up to {dn:.3g}, while for the r "
        "and z blocks max |∂C/∂b_ih − ∂C/∂b_hh| = {drz}. That is why Keras's reset_after=True "
        "GRU keeps a bias of shape (2, 3H). With the reset before, the two biases are one "
        "(merged into b_ih + b_hh: max |Δh| = {dh_before}), and Keras keeps one bias of shape "
        "(3H,)."
    ),
    "fw_z": (
        "Keras writes h_t = z ⊙ h_t₋₁ + (1 − z) ⊙ n_t, as PyTorch and the source do; some texts "
        "swap the roles of z and 1 − z."
    ),
    "takeaway": (
        "Where r sits changes the function, not the idea: in both GRUs the update gate z "
        "decides how much of the gradient goes straight back a step. The GRU fuses the LSTM's "
        "input and forget gates into z, and has no separate cell."
    ),
    "source": (
        "Cho et al. (2014), Learning Phrase Representations using RNN Encoder–Decoder "
        "(arXiv:1406.1078 v1 applies r after, v3 before); PyTorch nn.GRU and Keras GRU "
        "documentation."
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
    ui.Control("zb", TEXT["zb"], "float", 0.0, min=-5.0, max=5.0, step=0.5, help=TEXT["zb_help"]),
    ui.Control("xs", TEXT["xs"], "float", 1.0, min=0.0, max=5.0, step=0.1),
    ui.Control("loss", TEXT["loss"], "select", "last",
               options={"last": TEXT["loss_last"], "all": TEXT["loss_all"]}),
    ui.Control("seed", TEXT["seed"], "seed", 0),
]
_BASE = {"T": 200, "H": 32, "init": "gaussian", "scale": 1.0, "by": "radius", "zb": 0.0, "xs": 1.0,
         "loss": "last", "seed": 0}  # the defaults: every preset sets every control
PRESETS = {
    "keep": {**_BASE, "zb": 3.0},
    "overwrite": {**_BASE, "zb": -3.0},
    "big": {**_BASE, "scale": 2.0},
    "long": {**_BASE, "T": 1000, "zb": 4.0},
}
VARIANTS = ("before", "after")
COLOURS = {"before": COLORWAY[1], "after": COLORWAY[0]}
WIDTHS = {"before": 6, "after": 2}  # wide under thin, so both show where they overlap
PANELS = (("r", "gate"), ("z", "gate"), ("n", "tanh"), ("h", "state"))


# ----------------------------------------------------------------- cached computations
@memo.data(max_entries=32)
def gru_cell(variant: str, H: int, init: str, scale: float, by: str, seed: int):
    """The seeded GRU (immutable; shared, not copied); both variants get the same weights."""
    return make_cell("gru", H, 1, variant=variant, init=init, scale=scale, scale_by=by, seed=seed)


@memo.data(max_entries=32)
def gru_pair(T: int, H: int, init: str, scale: float, by: str, zb: float, xs: float, loss: str,
             seed: int):
    """Both variants on the same weights and input: ({variant: GatedRun}, max |h_before − h_after|)."""
    x = make_input(T, 1, scale=xs, seed=seed)
    cells = {v: lg.add_gate_bias(gru_cell(v, H, init, scale, by, seed), "z", zb) for v in VARIANTS}
    runs, gap = lg.run_pair(cells["before"], cells["after"], x, loss=loss, loss_seed=seed)
    return dict(zip(VARIANTS, runs)), gap


@memo.data(max_entries=32)
def framework_checks(n: int, H: int, init: str, scale: float, by: str, zb: float, xs: float,
                     loss: str, seed: int):
    """Keras-layout max |Δh| and the two-bias checks on the first n steps, on cells whose b_ih
    and b_hh are both non-zero (split at random, as after training)."""
    x = make_input(n, 1, scale=xs, seed=seed)
    out = {}
    for v in VARIANTS:
        cell = lg.split_biases(lg.add_gate_bias(gru_cell(v, H, init, scale, by, seed), "z", zb), seed=seed)
        out[v] = (lg.keras_check(cell, x), lg.two_bias_check(cell, x, loss, seed))
    return out


# Figures are cached on the settings of the runs they draw (memo.figure keys a memo.data result
# by the arguments that made it) and the language, so a rerun rebuilds only what changed and
# an unchanged chart is sent unchanged.
@memo.figure(max_entries=32)
def gates_figure(T: int, H: int, runs):
    """Both variants' gates side by side in one figure (one chart redraws faster than two)."""
    r = runs[VARIANTS[0]]
    columns = [(TEXT[f"short_{v}"], [(TEXT[f"panel_{n}"], runs[v].heat[n], kind)
                                     for n, kind in PANELS]) for v in VARIANTS]
    return gfig.gate_heatmap_columns(r.heat_steps, r.heat_units, columns, labels={
        "title": TEXT["fig_gates_title"].format(T=T, H=H), "x": TEXT["fig_x"], "y": TEXT["fig_unit"],
        "bar_gate": TEXT["bar_gate"], "bar_tanh": TEXT["bar_tanh"], "bar_state": TEXT["bar_state"]})


@memo.figure(max_entries=32)
def gradient_figures(T: int, runs):
    """The gradient norms against k (both variants, full and z path) and the mean gates."""
    k = np.arange(T)
    series = []
    for v in VARIANTS:
        short = TEXT[f"short_{v}"]
        series.append({"name": TEXT["curve_full"].format(v=short), "y": runs[v].log10_norm_h,
                       "color": COLOURS[v]})
        series.append({"name": TEXT["curve_path"].format(v=short), "y": runs[v].log10_path,
                       "color": COLOURS[v], "dash": "dash"})
    norms = gfig.lines(k, series, title=TEXT["fig_norms_title"], x_title=TEXT["fig_step"],
                       y_title=TEXT["fig_norms_y"], height=480, legend_below=True,
                       bottom=200)  # half width: the legend wraps to four rows
    panels = {TEXT[f"mean_{g}"]: [{"name": TEXT[f"short_{v}"], "y": runs[v].means[g], "color": COLOURS[v],
                                   "width": WIDTHS[v]} for v in VARIANTS] for g in ("z", "r")}
    means = gfig.gate_mean_panels(k, panels, title=TEXT["fig_means_title"], x_title=TEXT["fig_step"],
                                  y_title=TEXT["fig_means_y"], height=480)
    return norms, means


# ------------------------------------------------------------------------------ page
st.title(TEXT["title"])
st.markdown(TEXT["intro"])
s = ui.controls("gru_variants", CONTROLS, presets=PRESETS, text=TEXT)
st.sidebar.caption(TEXT["presets_help"])
args = (s.T, s.H, s.init, s.scale, s.by, s.zb, s.xs, s.loss, s.seed)

with ui.guard():
    runs, gap = gru_pair(*args)
    n_check = min(s.T, lg.CHECK_STEPS)
    fw = framework_checks(n_check, *args[1:])

# 1 · side by side
st.header(TEXT["h_side"])
st.markdown(TEXT["side_text"].format(dh=gap))
cols = st.columns(2)
eqs = {
    "before": r"n_t = \tanh\bigl(W_{nx}x_t + W_{nh}(r_t \odot h_{t-1}) + b_n\bigr)",
    "after": r"n_t = \tanh\bigl(W_{nx}x_t + b_{nx} + r_t \odot (W_{nh}h_{t-1} + b_{nh})\bigr)",
}
for col, v in zip(cols, VARIANTS):
    with col:
        st.subheader(TEXT[f"v_{v}"])
        ui.equation(eqs[v])
ui.plot(gates_figure(s.T, s.H, runs), key="fig_gates")
ui.equation(r"r_t, z_t = \sigma(W_{\cdot x}x_t + W_{\cdot h}h_{t-1} + b_\cdot),\qquad "
            r"h_t = (1 - z_t) \odot n_t + z_t \odot h_{t-1}")

# 2 · the update gate and the gradient
st.header(TEXT["h_z"])
ui.equation(r"\frac{\partial C}{\partial h_{k-1}} = z_k \odot \frac{\partial C}{\partial h_k} + \ldots"
            r"\qquad\text{(the “…” run through } r_k, z_k, n_k \text{ and } W_{hh})")
st.markdown(TEXT["z_text"])
cols = st.columns(2)  # one column per variant, as in part 1 (four in a row cut the labels)
for col, v in zip(cols, VARIANTS):
    short = TEXT[f"short_{v}"]
    col.metric(TEXT["m_reach"].format(v=short), lg.pow10_text(lg.reach(runs[v].log10_norm_h)),
               help=TEXT["m_help"])
    col.metric(TEXT["m_path"].format(v=short), lg.pow10_text(lg.reach(runs[v].log10_path)),
               help=TEXT["m_help"])
fig_norms, fig_means = gradient_figures(s.T, runs)
left, right = st.columns(2)
with left:
    ui.plot(fig_norms, key="fig_norms")
with right:
    ui.plot(fig_means, key="fig_means")

# 3 · frameworks
st.header(TEXT["h_fw"])
(k_before, b_before), (k_after, b_after) = fw["before"], fw["after"]
st.markdown("- " + TEXT["fw_order"].format(after=lg.small_text(k_after), before=lg.small_text(k_before),
                                          n=n_check))
st.markdown("- " + TEXT["fw_bias"].format(
    dn=b_after.db_ih_hh_per_gate[2], drz=lg.small_text(max(b_after.db_ih_hh_per_gate[:2])),
    dh_before=lg.small_text(b_before.max_dh), n=n_check))
st.caption(TEXT["fw_z"])
st.info(TEXT["takeaway"])
st.caption(TEXT["source"])
