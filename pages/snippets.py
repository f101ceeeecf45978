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
from rnnviz import lesson_bptt
from rnnviz.figures import gradients

r = lesson_bptt.compute(T=$T, H=$H, activation=$act, init=$init, scale=$scale,
                        scale_by=$by, input_scale=$xs, loss=$loss, seed=$seed)
fig = gradients.gradient_norm_figure(r.log10_norm_h, log10_bound=r.log10_bound)
fig.show()
"""

_POWERS = """
import numpy as np
from rnnviz import powers
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
from rnnviz.figures import flow
fig = flow.curves_figure(
    np.arange($T), {"full BPTT": full.step_log10_norm["weight_hh_l0"],
                   "truncated": trunc.step_log10_norm["weight_hh_l0"]},
    title="Terms of dC/dW_hh", x_title="step k", y_title="log10 norm",
    dashes=["solid", "dash"], height=360)
fig.show()
"""

_CLIPPING = """
import numpy as np
from rnnviz.clipping import clip_by_value, direction_change
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
from rnnviz import lesson_gates as lg
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


SNIPPETS: dict[str, Snippet] = {
    "bptt": Snippet("fig_curve", _BPTT),
    "powers": Snippet("fig_diag", _POWERS),
    "truncated": Snippet("fig_steps", _TRUNCATED),
    "clipping": Snippet("fig_sweep", _CLIPPING),
    "gates": Snippet("fig_norms", _gates),
}


def code(page: str, values: Mapping[str, Any]) -> str:
    """The snippet of `page` with `values` filled in."""
    return SNIPPETS[page].code(values)
