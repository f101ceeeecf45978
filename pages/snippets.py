"""Notebook snippets: per lesson, the few lines of rnnviz that compute one of its figures with
the page's current settings, so a student can continue at home (pages/teacher.py shows
them under the page in an expander).

Each snippet is a template: ``$T`` and friends are replaced by ``repr`` of the setting, so
the code is plain Python a student can paste into Jupyter. It ends with ``fig`` (the
figure; ``fig.show()`` draws it). tests/test_snippets.py runs every snippet at the page's
defaults and at a preset and checks that its figure holds the same data as the page's
chart named by `chart`: a snippet that drifts from its page fails.

Axis titles and legends are the figure builders' English defaults; the data are the page's.
"""

from __future__ import annotations

from dataclasses import dataclass
from string import Template
from typing import Any, Callable, Mapping


@dataclass(frozen=True)
class Snippet:
    chart: str  # the key of the page's chart (ui.plot(..., key=chart)) it reproduces
    template: str | Callable[[Mapping[str, Any]], str]  # format string, or values -> code

    def code(self, values: Mapping[str, Any]) -> str:
        template = self.template(values) if callable(self.template) else self.template
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

# W_hh = diag(λ_1 … λ_H), the λ evenly spread over [lo, hi]
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
if $cell == "lstm":  # Hochreiter & Schmidhuber's 1997 truncation: the cell state only
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

# how far clipping by value at θ = $theta turns a gradient of norm $norm, in every direction
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

# the four LSTMs of the lesson on the same weights, and PyTorch's with one bias b_ih + b_hh
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

# PyTorch's GRU (reset after W_hn h) and the 2014 paper's (reset before), on the same weights
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

# a bidirectional $cell; its forward direction is the one-directional cell
cell = rnnviz.make_cell($cell, $H, 4, scale=$scale, forget_bias=$fb, seed=$seed,
                        bidirectional=True)
x = rnnviz.make_input($T, 4, seed=$seed)
g = np.concatenate([rnnviz.loss_grad($T, $H, where="all", seed=$seed),
                    rnnviz.loss_grad($T, $H, where="all", seed=$seed + 1)], axis=1)
M_bi, M_uni = flow.flow_map(rnnviz.unroll(cell, x), g, wrt=$wrt, return_forward=True)
fig = flow_fig.flow_maps_figure([M_uni, M_bi], ["one direction", "both directions"])
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
}


def code(page: str, values: Mapping[str, Any]) -> str:
    """The snippet of `page` with `values` filled in."""
    return SNIPPETS[page].code(values)
