"""Notebook snippets: per lesson, the few lines of rnnviz that compute one of its figures with
the page's current settings, so a student can continue at home (pages/teacher.py shows
them under the page in an expander).

Each snippet is a template: ``$T`` and friends are replaced by ``repr`` of the setting, so
the code is plain Python a student can paste into Jupyter. It ends with ``fig`` (the
figure; ``fig.show()`` draws it). tests/test_snippets.py runs every snippet at the page's
defaults and at a preset and checks that its figure holds the same data as the page's
chart named by `chart`: a snippet that drifts from its page fails.

Axis titles and legends are the figure builders' English defaults; the data are the page's.
The comments in a snippet are in the page's language (COMMENTS / COMMENTS_ZH, ``${c_name}``
in a template).

Two lessons need more than their controls: /training's figure comes from a training run
(the snippet runs the same trainer in the notebook: minutes, not seconds), and
/your_model's from the student's file and the model, layer and activation chosen on the
page: the page hands those to teacher.snippet_extra, and they reach the template as values.
"""

from __future__ import annotations

from dataclasses import dataclass
from string import Template
from typing import Any, Callable, Mapping


COMMENTS = {
    "powers_diag": "W_hh = diag(λ_1 … λ_H), the λ evenly spread over [lo, hi]",
    "truncated_1997": "Hochreiter & Schmidhuber's 1997 truncation: the cell state only",
    "clipping_sweep": "how far clipping by value at θ = $theta turns a gradient of norm $norm, "
                      "in every direction",
    "lstm_variants": "the four LSTMs of the lesson on the same weights, and PyTorch's with one "
                     "bias b_ih + b_hh",
    "gru_variants": "PyTorch's GRU (reset after W_hn h) and the 2014 paper's (reset before), on "
                    "the same weights",
    "bidirectional": "a bidirectional $cell; its forward direction is the one-directional cell",
    "train_run": "the page's run: Adam on batches of 64 fresh sequences, one loss per step",
    "train_slow": "$max_steps steps: a few minutes on a laptop",
    "train_curve": "the page's curve: a running mean of the batch losses over 20 steps",
    "ym_example": "the page's example model (an untrained 2-layer nn.LSTM, seed 0)",
    "ym_file": "your file: the state_dict you uploaded, saved next to this notebook",
    "ym_torch": "a model in memory: torch.save(model.state_dict(), buffer), then "
                "upload.load_model(\"model.pt\", buffer.getvalue())",
    "ym_view": "the layer's gradient flow (C = v·h_n) and gates on the chosen input",
}
COMMENTS_ZH = {
    "powers_diag": "W_hh = diag(λ_1 … λ_H)，λ 在 [lo, hi] 上均匀分布",
    "truncated_1997": "Hochreiter 与 Schmidhuber 1997 年的截断：只沿细胞状态回传",
    "clipping_sweep": "按值裁剪（θ = $theta）会把范数为 $norm 的梯度在各个方向上转过多大角度",
    "lstm_variants": "本课的四种 LSTM 用同一组权重；另加 PyTorch 只有一个偏置 b_ih + b_hh 的版本",
    "gru_variants": "PyTorch 的 GRU（重置门作用在 W_hn h 之后）与 2014 年论文的（之前），权重相同",
    "bidirectional": "双向 $cell；它的前向方向就是单向的那个单元",
    "train_run": "与页面上同一次训练：Adam，每步一批 64 条新序列，每步记一个损失",
    "train_slow": "$max_steps 步：在笔记本电脑上要几分钟",
    "train_curve": "页面上的曲线：批损失在 20 步上的滑动平均",
    "ym_example": "页面上的示例模型（未训练的两层 nn.LSTM，种子 0）",
    "ym_file": "你的文件：你上传的 state_dict，放在这个 notebook 旁边",
    "ym_torch": "内存里的模型：torch.save(model.state_dict(), buffer)，再 "
                "upload.load_model(\"model.pt\", buffer.getvalue())",
    "ym_view": "这一层在所选输入上的梯度流（C = v·h_n）和各个门",
}


@dataclass(frozen=True)
class Snippet:
    chart: str  # the key of the page's chart (ui.plot(..., key=chart)) it reproduces
    template: str | Callable[[Mapping[str, Any]], str]  # format string, or values -> code
    defaults: Mapping[str, Any] | None = None  # values the page may add (teacher.snippet_extra)

    def code(self, values: Mapping[str, Any], lang: str = "en") -> str:
        values = {**(self.defaults or {}), **values}
        template = self.template(values) if callable(self.template) else self.template
        table = COMMENTS_ZH if lang == "zh" else COMMENTS
        # a comment first (it may name a value, "$theta"), then the values, as Python
        comments = {f"c_{k}": v for k, v in table.items()}
        template = Template(template).safe_substitute(comments)
        return Template(template).substitute({k: repr(v) for k, v in values.items()}).strip() + "\n"


_BPTT = """
from rnnviz.lessons import bptt as lesson_bptt
from rnnviz.figures import gradients

r = lesson_bptt.compute(T=$T, H=$H, activation=$act, init=$init, scale=$scale,
                        scale_by=$by, input_scale=$xs, loss=$loss, seed=$seed, readout=$out)
fig = gradients.gradient_norm_figure(r.log10_norm_h, log10_bound=r.log10_bound)
fig.show()
"""

_POWERS = """
import numpy as np
from rnnviz.measures import powers
from rnnviz.figures import powers as figures

# ${c_powers_diag}
diag = powers.diagonal_powers(np.linspace($lo, $hi, $H), $N)
fig = figures.diagonal_figure(diag)
fig.show()
"""

_TRUNCATED = """
import numpy as np
import rnnviz

cell = rnnviz.make_cell($cell, $H, 4, scale=$scale, forget_bias=$fb, seed=$seed)
trace = rnnviz.unroll(cell, rnnviz.make_input($T, 4, seed=$seed))
g = rnnviz.loss_grad($T, $H, where=$loss, seed=$seed)
full = rnnviz.bptt(trace, g)
trunc = rnnviz.bptt(trace, g, truncate=$w, mode=$mode)
curves = {"full BPTT": full.step_log10_norm["weight_hh_l0"],
          "truncated": trunc.step_log10_norm["weight_hh_l0"]}
if $cell == "lstm":  # ${c_truncated_1997}
    curves["1997"] = rnnviz.bptt(trace, g, mode="cec").step_log10_norm["weight_hh_l0"]
from rnnviz.figures import flow
fig = flow.curves_figure(
    np.arange($T), curves, title="Terms of dC/dW_hh", x_title="step k", y_title="log10 norm",
    dashes=["solid", "dash", "dot"], height=360)
fig.show()
"""

_CLIPPING = """
import numpy as np
from rnnviz.measures.clipping import clip_by_value, direction_change
from rnnviz.figures import remedies

# ${c_clipping_sweep}
angles = np.linspace(0.0, 360.0, 361)
turns = []
for a in angles:
    g = $norm * np.array([np.cos(np.radians(a)), np.sin(np.radians(a))])
    turns.append(direction_change(g, clip_by_value(g, $theta)))
fig = remedies.angle_sweep_figure(angles, np.array(turns), marker=$angle)
fig.show()
"""


def _gates(values: Mapping[str, Any]) -> str:
    if values["cell"] == "lstm":
        curves = """\
    {"name": "‖∂C/∂c_k‖", "y": run.log10_norm_c},
    {"name": "‖∂C/∂h_k‖", "y": run.log10_norm_h},
    {"name": "through c only", "y": run.log10_path, "dash": "dash"},
"""
    else:
        curves = """\
    {"name": "‖∂C/∂h_k‖", "y": run.log10_norm_h},
    {"name": "through z only", "y": run.log10_path, "dash": "dash"},
"""
    return """
import numpy as np
from rnnviz.lessons import gates as lg
from rnnviz import make_cell, make_input
from rnnviz.figures import gates

cell = make_cell($cell, $H, 1, init=$init, scale=$scale, scale_by=$by, seed=$seed)
cell = lg.add_gate_bias(cell, lg.CARRY_GATE[$cell], $fb)
run = lg.run_gated(cell, make_input($T, 1, scale=$xs, seed=$seed), loss=$loss, loss_seed=$seed)
rnn = lg.rnn_log10_norm_h(lg.rnn_twin_cell($H, init=$init, scale=$scale, scale_by=$by, seed=$seed),
                          $T, input_scale=$xs, loss=$loss, seed=$seed)
fig = gates.lines(np.arange($T), [
""" + curves + """\
    {"name": "vanilla RNN", "y": rnn},
], title="Gradient norms", x_title="step k", y_title="log10 norm", height=460, legend_below=True)
fig.show()
"""

_LSTM_VARIANTS = """
import numpy as np
from rnnviz.lessons import gates as lg
from rnnviz import make_input
from rnnviz.figures import gates

# ${c_lstm_variants}
cells = lg.lstm_variant_cells($H, init=$init, scale=$scale, scale_by=$by, forget_bias=$fb,
                              seed=$seed)
x = make_input($T, 1, scale=$xs, seed=$seed)
_, forget, one = lg.two_bias_runs(cells["forget"], x, $loss, $seed)
runs = {v: forget if v == "forget" else lg.run_gated(cells[v], x, loss=$loss, loss_seed=$seed)
        for v in lg.LSTM_VARIANTS}
series = [{"name": v, "y": run.log10_norm_c} for v, run in runs.items()]
series.append({"name": "one bias", "y": one.log10_norm_c, "dash": "dash"})
fig = gates.lines(np.arange($T), series, title="‖∂C/∂c_k‖", x_title="step k",
                  y_title="log10 norm", height=480, legend_below=True)
fig.show()
"""

_GRU_VARIANTS = """
import numpy as np
from rnnviz.lessons import gates as lg
from rnnviz import make_cell, make_input
from rnnviz.figures import gates

# ${c_gru_variants}
x = make_input($T, 1, scale=$xs, seed=$seed)
cells = [lg.add_gate_bias(make_cell("gru", $H, 1, variant=v, init=$init, scale=$scale,
                                    scale_by=$by, seed=$seed), "z", $zb)
         for v in ("before", "after")]
runs, gap = lg.run_pair(*cells, x, loss=$loss, loss_seed=$seed)
series = []
for v, run in zip(("before", "after"), runs):
    series.append({"name": f"{v}: ‖∂C/∂h_k‖", "y": run.log10_norm_h})
    series.append({"name": f"{v}: through z only", "y": run.log10_path, "dash": "dash"})
fig = gates.lines(np.arange($T), series, title="Gradient norms", x_title="step k",
                  y_title="log10 norm", height=480, legend_below=True, bottom=200)
fig.show()
"""


def _compare(values: Mapping[str, Any]) -> str:
    c_curve = """\
curves.append({"name": "LSTM ‖∂C/∂c_k‖", "y": members["lstm"].log10_norm_c, "dash": "dash",
               "color": compare.CELL_COLORS["lstm"]})
""" if values["show_c"] else ""
    return """
import numpy as np
from rnnviz.lessons import compare as lc
from rnnviz.figures import compare

members = {k: lc.family_member(k, $T, $H, $I, $scale, input_kind=$input, keep_bias=$keep,
                               seed=$seed) for k in lc.KINDS}
log_thr = float(np.log10($thr))
curves = [{"name": k, "y": m.log10_norm_h, "color": compare.CELL_COLORS[k],
           "below": lc.first_outside(m.log10_norm_h, log_thr)} for k, m in members.items()]
""" + c_curve + """\
fig = compare.norm_curves_figure(curves, threshold=log_thr)
fig.show()
"""


_BIDIRECTIONAL = """
import numpy as np
import rnnviz
from rnnviz.measures import flow
from rnnviz.figures import flow as flow_fig

# ${c_bidirectional}
cell = rnnviz.make_cell($cell, $H, 4, scale=$scale, forget_bias=$fb, seed=$seed,
                        bidirectional=True)
x = rnnviz.make_input($T, 4, seed=$seed)
g = np.concatenate([rnnviz.loss_grad($T, $H, where="all", seed=$seed),
                    rnnviz.loss_grad($T, $H, where="all", seed=$seed + 1)], axis=1)
M_bi, M_uni = flow.flow_map(rnnviz.unroll(cell, x), g, wrt=$wrt, return_forward=True)
fig = flow_fig.flow_maps_figure([M_uni, M_bi], ["one direction", "both directions"])
fig.show()
"""


def _training(values: Mapping[str, Any]) -> str:
    clip = "$clip" if values["clip_on"] else "None"
    return """
from rnnviz import train
from rnnviz.figures import remedies

# ${c_train_run}
trainer = train.Trainer(task=$task, cell=$cell, seq_len=$T, hidden=$H, lr=$lr, batch=64,
                        clip=""" + clip + """, seed=$seed)
losses = trainer.run($max_steps)  # ${c_train_slow}
# ${c_train_curve}
fig = remedies.loss_figure({$cell: losses}, trainer.baseline, smooth=20, x_max=$max_steps)
fig.show()
"""


def _your_model(values: Mapping[str, Any]) -> str:
    """values: the page's controls and what teacher.snippet_extra got from it (file: the
    uploaded file's name or None for the example; module, layer, act; text when pasted)."""
    if values.get("file") is None:
        load = """\
# ${c_ym_example}
model = upload.load_model("example.pt", upload.example_model_bytes(0))
"""
    else:
        load = """\
# ${c_ym_file}
# (${c_ym_torch})
model = upload.load_model($file, open($file, "rb").read(), module=$module)
"""
    text = ", text=$text" if values["input"] == "pasted" else ""
    return """
import numpy as np
from rnnviz.io import upload
from rnnviz.lessons import compare as lc
from rnnviz.figures import compare

""" + load + """\
x = upload.choose_input($input, model.input_size, T=$T, scale=$scale, seed=$seed""" + text + """)
# ${c_ym_view}
view = lc.inspect_layer(model, x, layer=$layer, activation=$act, seed=$seed)
flow, T, log_thr = view.flow, view.T, float(np.log10($thr))
curves = []
for d, (name, color) in enumerate([("‖∂C/∂h_k‖", compare.CELL_COLORS["rnn"]),
                                   ("reverse ‖∂C/∂h_k‖", compare.CELL_COLORS["lstm"])]):
    if d == len(flow.log10_h):
        break
    k = lc.first_below(flow.log10_h[d] if d == 0 else flow.log10_h[d][::-1], log_thr)
    curves.append({"name": name, "y": flow.log10_h[d], "color": color,
                   "below": None if k is None else (k if d == 0 else T - 1 - k)})
    if flow.log10_c is not None:
        curves.append({"name": name.replace("h_k", "c_k"), "y": flow.log10_c[d],
                       "color": compare.COLORWAY[5 - d], "dash": "dash"})
fig = compare.norm_curves_figure(curves, threshold=log_thr)
fig.show()
"""


SNIPPETS: dict[str, Snippet] = {
    "bptt": Snippet("fig_curve", _BPTT),
    "powers": Snippet("fig_diag", _POWERS),
    "truncated": Snippet("fig_steps", _TRUNCATED),
    "clipping": Snippet("fig_sweep", _CLIPPING),
    "gates": Snippet("fig_norms", _gates),
    "lstm_variants": Snippet("fig_c", _LSTM_VARIANTS),
    "gru_variants": Snippet("fig_norms", _GRU_VARIANTS),
    "compare": Snippet("fig_curves", _compare),
    "bidirectional": Snippet("fig_maps", _BIDIRECTIONAL),
    "training": Snippet("fig_loss", _training),
    "your_model": Snippet("fig_flow", _your_model, defaults={
        "file": None, "module": None, "layer": 0, "act": "tanh", "text": ""}),
}


def code(page: str, values: Mapping[str, Any], lang: str = "en") -> str:
    """The snippet of `page` with `values` filled in, its comments in `lang`."""
    return SNIPPETS[page].code(values, lang)
