"""Lesson: your own trained model — its gradient flow and its gates on an input you choose.

Storyboard: the model (upload or example, read by rnnviz.upload) → controls → cached
computation (rnnviz.lesson_compare.inspect_layer) → figures → equations and explanation.
"""

import numpy as np
import streamlit as st

from pages import ui
from rnnviz import RnnvizError, lesson_compare as lc, upload
from rnnviz.figures import compare as figs
from rnnviz.figures import gates as gate_figs

TEXT = {
    "title": "Your own model",
    "intro": (
        "Bring a recurrent network you trained: upload the state_dict of its nn.RNN, nn.LSTM or "
        "nn.GRU and see, on an input you choose, how far back its gradient reaches and what "
        "its gates do. Only the weights are read: a file with code in it is refused."
    ),
    # the model
    "h_model": "1 · The model",
    "uploader": "State_dict of an nn.RNN, nn.LSTM or nn.GRU (.pt, .pth or .npz, up to {mib} MiB)",
    "uploader_help": (
        "Save the recurrent layer's weights, not the whole model: torch.save(model.rnn.state_dict(), "
        "'rnn.pt'). A whole model's state_dict also works: the recurrent keys are found and the "
        "rest is ignored. Up to {mib} MiB (1 MiB = 1,048,576 bytes) and {params:,} parameters."
    ),
    "how_to_save": "How to save a model for this page",
    "example": "Use an example model",
    "example_help": (
        "A seeded, untrained 2-layer nn.LSTM (input 3, hidden 32) with a Linear head, saved "
        "with torch.save in memory: what you would upload."
    ),
    "example_name": "the example model (an untrained 2-layer nn.LSTM, seed 0)",
    "empty": "Upload a state_dict above, or press “Use an example model”.",
    "showing": "Showing {name}: {what}.",
    "module": "Recurrent module shown",
    "module_top": "(top level)",
    "layer": "Layer shown",
    "layer_fmt": "layer {k}",
    "act": "Activation of this nn.RNN (a state_dict does not record it)",
    "m_params": "Parameters (all layers)",
    "m_layer": "Layer shown",
    "m_layer_of": "{k} of 0–{last}",
    "m_layer_only": "0 (the only one)",
    "m_sizes": "Input → hidden",
    "m_span": "Steps back above θ",
    "m_span_fwd": "Steps back above θ (forward)",
    "m_span_rev": "Steps forward above θ (reverse)",
    "m_span_all": "{n} (all)",
    # controls
    "input": "Input x_t",
    "input_random": "random: Gaussian noise N(0, s²), seeded",
    "input_constant": "constant: every entry equals s",
    "input_pasted": "pasted: the numbers you paste on the page",
    "T": "Sequence length T (steps; random and constant input)",
    "scale": "Input scale s",
    "thr": "Threshold θ (fraction of the gradient at the loss)",
    "seed": "Random seed",
    "preset_noise": "Noise",
    "preset_constant": "Constant",
    "preset_long": "Long input",
    "preset_pasted": "Pasted",
    # the input
    "h_input": "2 · The input",
    "paste": "Your sequence: numbers separated by commas or spaces",
    "paste_rows": "Your sequence: one time step per line, {I} numbers per line",
    "paste_help": "Decimal numbers like 0.5, -2 or 1e-3, between −1e6 and 1e6; at most 2000 steps.",
    "input_caption": "{T} steps of {I} number(s) each feed layer 0.",
    "input_below": "Layer {layer} reads the output of the layers below it (0–{below}) on this input.",
    "overflow": (
        "The forward pass overflowed at step {step} (the state passed 1e308); the steps before "
        "it are shown, with the loss at step {last}."
    ),
    # gradient flow
    "h_flow": "3 · How far back the gradient reaches",
    "fig_flow_title": "Gradient norm at each step, log scale",
    "fig_x": "time step k",
    "fig_y": "log₁₀ ‖∂C/∂h_k‖",
    "curve_fwd": "‖∂C/∂h_k‖, forward (loss at k = T−1)",
    "curve_rev": "‖∂C/∂h_k‖, reverse (loss at k = 0)",
    "curve_c_fwd": "‖∂C/∂c_k‖, forward",
    "curve_c_rev": "‖∂C/∂c_k‖, reverse",
    "curve_h": "‖∂C/∂h_k‖ (loss at k = T−1)",
    "curve_c": "‖∂C/∂c_k‖",
    "fig_thr": "θ = {theta}",
    "fig_below": "{name}: first below θ at k = {k}",
    "flow_text": (
        "The loss is C = vᵀh_n with a fixed random unit vector v: PyTorch's h_n, the last hidden "
        "state (for a bidirectional layer, the forward direction's at the last step and the "
        "reverse direction's at step 0, each measured on its own). Each line is the exact "
        "‖∂C/∂h_k‖ from back-propagation through time, as a power of ten. A line that falls "
        "steadily means this trained model cannot learn from inputs that far back; a flat line "
        "means it can; a rising one means its gradients explode."
    ),
    # gates
    "h_gates": "4 · Gates and states over time",
    "fig_gates_title": "What each unit's gates did at each step",
    "fig_units": "unit j",
    "units_bi": "Units 0–{last_fwd} are the forward direction, {H}–{last} the reverse direction.",
    "bar_gate": "gate",
    "bar_slope": "σ′",
    "bar_tanh": "value",
    "bar_state": "state",
    "panel_i": "input gate i",
    "panel_f": "forget gate f (1 keeps the cell state)",
    "panel_g": "cell input g",
    "panel_o": "output gate o",
    "panel_c": "cell state c",
    "panel_r": "reset gate r",
    "panel_z": "update gate z (1 keeps the old state)",
    "panel_n": "candidate n",
    "panel_h": "hidden state h",
    "panel_dact": "σ′(h*): the slope each step multiplies the gradient by",
    "panel_log": "{name}, as sign·log₁₀(1 + |value|)",
    "gates_text_rnn": (
        "For an RNN the gradient is multiplied at every step by W_hhᵀ and by σ′(h*), the "
        "slope of the activation: dark stretches in the lower map are steps where the units "
        "saturate (tanh) or are off (ReLU), and there the gradient is cut."
    ),
    "gates_text_lstm": (
        "Where the forget gate f stays near 1 the cell state, and its gradient, pass through "
        "unchanged; where it drops, the LSTM forgets, and the gradient through c shrinks by f."
    ),
    "gates_text_gru": (
        "Where the update gate z stays near 1 the GRU copies its old state, h_t ≈ h_{t−1}, "
        "and the gradient passes through; where z is near 0 the state is replaced by n."
    ),
    "how_to": (
        "```python\n"
        "# the recurrent layer only (any num_layers, bidirectional, batch_first):\n"
        "torch.save(model.rnn.state_dict(), 'rnn.pt')\n"
        "# or the whole model's state_dict: the rnn.* keys are found, the rest ignored\n"
        "torch.save(model.state_dict(), 'model.pt')\n"
        "# or numpy arrays\n"
        "np.savez('rnn.npz', **{k: v.numpy() for k, v in model.rnn.state_dict().items()})\n"
        "```\n"
        "Not `torch.save(model, ...)`: a whole pickled model holds code and is refused."
    ),
}

CONTROLS = [
    ui.Control("input", TEXT["input"], "select", "random",
               options={k: TEXT[f"input_{k}"] for k in upload.INPUT_KINDS}),
    ui.Control("T", TEXT["T"], "int", 200, min=2, max=2000),
    ui.Control("scale", TEXT["scale"], "float", 1.0, min=0.0, max=5.0, step=0.1),
    ui.Control("thr", TEXT["thr"], "log", 1e-3, min=-12, max=-1),
    ui.Control("seed", TEXT["seed"], "seed", 0),
]
_BASE = {"input": "random", "T": 200, "scale": 1.0, "thr": 1e-3, "seed": 0}  # the defaults
PRESETS = {  # every preset sets every control, so its view does not depend on what came before
    "noise": {**_BASE},
    "constant": {**_BASE, "input": "constant"},
    "long": {**_BASE, "T": 2000},
    "pasted": {**_BASE, "input": "pasted"},
}


def inactive(v: dict) -> set:
    """Controls with no effect: a pasted sequence brings its own length and numbers, and a
    constant input draws no random numbers."""
    if v["input"] == "pasted":
        return {"T", "scale", "seed"}
    return {"seed"} if v["input"] == "constant" else set()
EXAMPLE_KEY = "example:0"


# ----------------------------------------------------------------- cached computations
@st.cache_data(max_entries=1, show_spinner=False)
def example_bytes() -> bytes:
    return upload.example_model_bytes(0)


@st.cache_resource(show_spinner=False)
def model_cache() -> upload.ModelCache:
    """One cache of read models for every session, bounded by the bytes of their arrays
    (upload.MAX_CACHE_BYTES), not by their number: one model at the size limit holds 30.5 MiB."""
    return upload.ModelCache(upload.MAX_CACHE_BYTES)


def read_model(key: str, name: str, data: bytes, module: str | None):
    """(Model, None) or (None, message). Keyed by the upload's id, not by its bytes (hashing
    50 MiB on every rerun would be slow); kept as objects, so no array is copied per rerun."""
    def read():
        try:
            return upload.load_model(name, data, module=module), None
        except RnnvizError as exc:
            return None, str(exc)
    return model_cache().get((key, module), read)


@st.cache_data(max_entries=32, show_spinner=False)
def model_view(key: str, module: str, layer: int, act: str, input_kind: str, T: int,
               scale: float, seed: int, text: str, _model) -> lc.ModelView:
    """The chosen layer's gradient flow and gate maps on the chosen input (rnnviz)."""
    x = upload.choose_input(input_kind, _model.input_size, T=T, scale=scale, seed=seed, text=text)
    _model.check_cost(layer, x.shape[0])  # before any step is run: a big model on a long input
    return lc.inspect_layer(_model, x, layer=layer, activation=act, seed=seed)


def use_example() -> None:
    st.session_state["_ym.use_example"] = True
    st.session_state["_ym.nonce"] = st.session_state.get("_ym.nonce", 0) + 1


def load_source():
    """(key, display name, file name, bytes) of the model to show, or None."""
    nonce = st.session_state.get("_ym.nonce", 0)  # a new uploader (empty) after "example"
    file = st.file_uploader(TEXT["uploader"].format(mib=upload.MAX_MB), type=["pt", "pth", "npz"],
                            key=f"_ym.file.{nonce}", max_upload_size=upload.MAX_MB,
                            help=TEXT["uploader_help"].format(mib=upload.MAX_MB, params=upload.MAX_PARAMS))
    st.button(TEXT["example"], key="_ym.example", icon=":material/model_training:",
              on_click=use_example)
    st.caption(TEXT["example_help"])
    with st.expander(TEXT["how_to_save"]):
        st.markdown(TEXT["how_to"])
    if file is not None:
        return f"upload:{file.file_id}:{file.size}", ui.escape_md(file.name, 80), file.name, file.getvalue()
    if st.session_state.get("_ym.use_example"):
        return EXAMPLE_KEY, TEXT["example_name"], "example.pt", example_bytes()
    return None


def theta_text(log_thr: float) -> str:
    return f"1e{round(log_thr)}"  # the options are whole decades


def span_text(n: int, T: int) -> str:
    return TEXT["m_span_all"].format(n=n) if n == T - 1 else str(n)


# ------------------------------------------------------------------------------ page
st.title(TEXT["title"])
st.markdown(TEXT["intro"])
s = ui.controls("your_model", CONTROLS, presets=PRESETS, text=TEXT, inactive=inactive)
log_thr = float(np.log10(s.thr))

st.header(TEXT["h_model"])
source = load_source()
if source is None:
    st.info(TEXT["empty"])
    st.stop()
key, shown_name, file_name, data = source
model, problem = read_model(key, file_name, data, None)
if model is not None and len(model.modules) > 1:
    module = st.selectbox(TEXT["module"], model.modules, key=f"_ym.module.{key}",
                          format_func=lambda m: upload.clip_name(m.rstrip(".")) or TEXT["module_top"])
    if module != model.prefix:
        model, problem = read_model(key, file_name, data, module)
if model is None:
    ui.show_error(problem)
    st.stop()

st.markdown(TEXT["showing"].format(name=shown_name, what=model.describe()))  # our words and numbers
for note in model.notes:
    st.caption(ui.escape_md(note, 400))
layer, act = 0, "tanh"
slots = iter(st.columns(2))
if model.layers > 1:
    layer = next(slots).selectbox(TEXT["layer"], list(range(model.layers)), key=f"_ym.layer.{key}",
                                  format_func=lambda k: TEXT["layer_fmt"].format(k=k))
if model.kind == "rnn":
    act = next(slots).radio(TEXT["act"], ["tanh", "relu"], horizontal=True, key=f"_ym.act.{key}")

cols = st.columns(3)
cols[0].metric(TEXT["m_params"], f"{model.n_params:,}")
cols[1].metric(TEXT["m_layer"], TEXT["m_layer_of"].format(k=layer, last=model.layers - 1)
               if model.layers > 1 else TEXT["m_layer_only"])
cell_in = model.input_size if layer == 0 else model.hidden_size * (2 if model.bidirectional else 1)
cols[2].metric(TEXT["m_sizes"], f"{cell_in} → {model.hidden_size}")

st.header(TEXT["h_input"])
text = ""
if s.input == "pasted":
    I0 = model.input_size
    label = TEXT["paste"] if I0 == 1 else TEXT["paste_rows"].format(I=I0)
    text = st.text_area(label, upload.sample_text(I0), key=f"_ym.seq.{I0}", help=TEXT["paste_help"],
                        height=120)
with ui.guard():
    view = model_view(key, model.prefix, layer, act, s.input, s.T, s.scale, s.seed, text, model)
st.caption(TEXT["input_caption"].format(T=view.steps_in, I=model.input_size))
if layer > 0:
    st.caption(TEXT["input_below"].format(layer=layer, below=layer - 1))
if view.overflow_step is not None:
    st.warning(TEXT["overflow"].format(step=view.overflow_step, last=view.T - 1))

st.header(TEXT["h_flow"])
flow, T, bi = view.flow, view.T, model.bidirectional
if bi:
    c1, c2 = st.columns(2)
    c1.metric(TEXT["m_span_fwd"], span_text(flow.span(0, log_thr), T))
    c2.metric(TEXT["m_span_rev"], span_text(flow.span(1, log_thr), T))
else:
    st.metric(TEXT["m_span"], span_text(flow.span(0, log_thr), T))
colors = (figs.CELL_COLORS["rnn"], figs.CELL_COLORS["lstm"])  # h: forward, reverse
colors_c = (figs.COLORWAY[5], figs.COLORWAY[4])  # c: sky blue, orange
curves = []
for d in range(flow.log10_h.shape[0]):
    name = TEXT["curve_h"] if not bi else TEXT["curve_fwd" if d == 0 else "curve_rev"]
    l_h = flow.log10_h[d]
    k = lc.first_below(l_h if d == 0 else l_h[::-1], log_thr)
    curves.append({"name": name, "y": l_h, "color": colors[d],
                   "below": None if k is None else (k if d == 0 else T - 1 - k)})
    if flow.log10_c is not None:
        name_c = TEXT["curve_c"] if not bi else TEXT["curve_c_fwd" if d == 0 else "curve_c_rev"]
        curves.append({"name": name_c, "y": flow.log10_c[d], "color": colors_c[d], "dash": "dash"})
ui.plot(figs.norm_curves_figure(curves, threshold=log_thr, labels={
    "title": TEXT["fig_flow_title"], "x": TEXT["fig_x"], "y": TEXT["fig_y"],
    "threshold": TEXT["fig_thr"].format(theta=theta_text(log_thr)), "below": TEXT["fig_below"],
}), key="fig_flow")
ui.equation(r"C = v^\top h_n,\qquad \lVert v \rVert = 1,\qquad "
            r"\frac{\partial C}{\partial h_{k}} = \frac{\partial C}{\partial h_{k+1}}\,"
            r"\frac{\partial h_{k+1}}{\partial h_{k}}")
st.markdown(TEXT["flow_text"])

st.header(TEXT["h_gates"])
panels = []
for name, z, kind in view.panels:
    label = TEXT[f"panel_{name}"]
    if kind == "state_log":
        label, kind = TEXT["panel_log"].format(name=label), "state"
    panels.append((label, z, kind))
ui.plot(gate_figs.gate_heatmaps(view.steps, view.units, panels, labels={
    "title": TEXT["fig_gates_title"], "x": TEXT["fig_x"], "y": TEXT["fig_units"],
    "bar_gate": TEXT["bar_slope" if model.kind == "rnn" else "bar_gate"],
    "bar_tanh": TEXT["bar_tanh"], "bar_state": TEXT["bar_state"],
}), key="fig_gates")
if bi:
    H = model.hidden_size
    st.caption(TEXT["units_bi"].format(last_fwd=H - 1, H=H, last=2 * H - 1))
EQUATIONS = {
    "rnn": r"h_*^t = W_{hx} x^t + W_{hh} h^{t-1} + b,\qquad h^t = \sigma\bigl(h_*^t\bigr),\qquad "
           r"\delta^{k-1} = \bigl(W_{hh}^\top \delta^k\bigr) \odot \sigma'\bigl(h_*^{k-1}\bigr)",
    "lstm": r"c^t = f^t \odot c^{t-1} + i^t \odot g^t,\qquad h^t = o^t \odot \tanh\bigl(c^t\bigr),"
            r"\qquad \delta_c^{k-1} = \delta_c^k \odot \bigl(f^k + \ldots\bigr)",
    "gru": r"n^t = \tanh\bigl(W_{nx} x^t + b_{nx} + r^t \odot (W_{nh} h^{t-1} + b_{nh})\bigr),\qquad "
           r"h^t = \bigl(1 - z^t\bigr) \odot n^t + z^t \odot h^{t-1}",
}
ui.equation(EQUATIONS[model.kind])
st.markdown(TEXT[f"gates_text_{model.kind}"])
