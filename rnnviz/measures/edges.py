"""The gradient on each edge of the source's diagrams, for drawing them alive.

The source explains BPTT and the LSTM with two pictures: the RNN unrolled in time, and the
LSTM memory block. Here every edge of those pictures gets the log10 norm of the gradient
that flows back along it at the current settings, read from one rnnviz.bptt run (exact in
the log domain, so an edge 10⁻⁴⁰⁰ away from the loss still has its number):

Unrolled RNN (any one-directional RNN or LSTM), at the steps shown:
    loss → h_t       ‖∂C/∂h_t|direct‖, the loss's own gradient at step t
    h_t  → h_{t−1}   ‖(∂h_t/∂h_{t−1})ᵀ ∂C/∂h_t‖, what the recurrence carries one step back
                     (RNN: ‖W_hhᵀ δ^t‖, the source's recursion before ⊙ σ')
    h_t  → x_t       ‖∂C/∂x_t‖
    node h_t         ‖∂C/∂h_t‖ in total

LSTM memory block at step k (PyTorch's gates i, f, g, o; no peepholes):
    h_k → c_k        ‖o_k ⊙ tanh'(c_k) ⊙ ∂C/∂h_k‖, into the cell from its output
    c_k → c_{k−1}    ‖f_k ⊙ ∂C/∂c_k‖, the source's δ^{k−1} = δ^k (f + …) along the cell state
    c_k → i, f, g    ‖∂C/∂a‖ of each gate's pre-activation (o: from h_k)
    gates → h_{k−1}  ‖W_hhᵀ ∂C/∂a_k‖, what leaves the cell through the recurrent weights
    gates → x_k      ‖∂C/∂x_k‖
    node c_k         ‖∂C/∂c_k‖ in total; node h_k ‖∂C/∂h_k‖ in total
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..core.bptt import Grads
from ..core.checks import is_whole
from ..core.errors import RnnvizError
from ..core.logmath import log10_norms
from ..core.unroll import Trace


@dataclass(frozen=True)
class Edge:
    """One edge of a diagram: the gradient flows back from `src` to `dst`; log10 of its norm
    (−inf where it is exactly zero)."""

    src: str
    dst: str
    log10: float


def _dir(trace: Trace, grads: Grads):
    if not isinstance(trace, Trace) or not isinstance(grads, Grads):
        raise RnnvizError("The diagrams need the Trace of rnnviz.unroll and the Grads of rnnviz.bptt.")
    if trace.cell.directions != 1 or grads._trace is not trace:
        raise RnnvizError("The diagrams take a one-directional cell and the bptt run of its own trace.")
    return grads._dirs[0]  # scaled arrays of the backward pass: exact past float64's range


def _log(a, L) -> float:
    return float(log10_norms(np.asarray(a)[None])[0] + L)


def unrolled_edges(trace: Trace, grads: Grads, grad_h, steps) -> tuple[dict, list]:
    """({"h_t": log10 ‖∂C/∂h_t‖}, [Edge]) of the unrolled RNN at `steps` (sorted step
    indices). The recurrent edge into a shown step a comes from the next shown step's
    chain: it is what arrives at h_a from step a + 1, so a gap in the picture ("⋯") still
    shows the gradient at its earlier end."""
    r = _dir(trace, grads)
    cell = trace.cell
    if cell.kind not in ("rnn", "lstm"):
        raise RnnvizError("The unrolled diagram draws RNN and LSTM cells.")
    T = trace.T
    steps = sorted({int(t) for t in steps})
    if not steps or steps[0] < 0 or steps[-1] >= T:
        raise RnnvizError(f"The steps shown must lie in 0 … {T - 1}.")
    W_hh = cell.weights(0)["W_hh"]
    g = np.asarray(grad_h, dtype=np.float64)
    nodes = {f"h_{t}": float(grads.log10_norm_h[t]) for t in steps}
    edges = []
    for t in steps:
        edges.append(Edge(f"C_{t}", f"h_{t}", _log(g[t], 0.0)))
        edges.append(Edge(f"h_{t}", f"x_{t}", float(grads.log10_norm_x[t])))
    for a, b in zip(steps, steps[1:]):  # the recurrence: from step a + 1 into h_a
        edges.append(Edge(f"h_{b}", f"h_{a}", _log(r.d_ih[a + 1] @ W_hh, r.L[a + 1])))
    return nodes, edges


def lstm_cell_edges(trace: Trace, grads: Grads, k: int) -> tuple[dict, list]:
    """({"h", "c": log10 total norms at step k}, [Edge]) of the LSTM memory block at step k."""
    r = _dir(trace, grads)
    cell = trace.cell
    if cell.kind != "lstm" or cell.variant == "peephole":
        raise RnnvizError("The memory-block diagram draws an LSTM without peepholes.")
    T, H = trace.T, cell.hidden_size
    if not is_whole(k) or not 0 <= k < T:
        raise RnnvizError(f"The step must be a whole number in 0 … {T - 1}, got {k!r}.")
    w = cell.weights(0)
    L = r.L[k]
    d_a = r.d_ih[k]  # (4H,) ∂C/∂(i, f, g, o pre-activations) / 10^L
    blocks = {n: d_a[j * H:(j + 1) * H] for j, n in enumerate("ifgo")}
    tc = np.tanh(trace.c[k])
    f = trace.gates["f"][k]
    nodes = {"h": float(grads.log10_norm_h[k]), "c": float(grads.log10_norm_c[k])}
    edges = [
        Edge("h", "c", _log(r.uh[k] * trace.gates["o"][k] * (1.0 - tc * tc), L)),
        Edge("c", "c_prev", _log(r.uc[k] * f, L)),
        Edge("h", "o", _log(blocks["o"], L)),
        Edge("c", "i", _log(blocks["i"], L)),
        Edge("c", "f", _log(blocks["f"], L)),  # zero in the 1997 cell: no forget gate
        Edge("c", "g", _log(blocks["g"], L)),
        Edge("gates", "h_prev", _log(d_a @ w["W_hh"], L)),
        Edge("gates", "x", float(grads.log10_norm_x[k])),
    ]
    return nodes, edges
