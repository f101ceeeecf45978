"""The gated-cell lessons ("LSTM and GRU gates", "LSTM variants", "GRU variants"): every
number their pages show, from small settings. No Streamlit here.

The source's argument for the LSTM: with c^t = f^t ⊙ c^{t-1} + i^t ⊙ g^t,

    δ^{k-1} = ∂C/∂c^{k-1} = δ^k ∂c^k/∂c^{k-1} = δ^k (f^k + …)

so where the forget gate sits near 1 the gradient on the cell passes a step back almost
untouched. The GRU has the same kind of path through its update gate:
h_t = (1 − z_t) ⊙ n_t + z_t ⊙ h_{t−1} gives ∂C/∂h_{k−1} = z_k ⊙ ∂C/∂h_k + … .

Measures here (each a function of a trace and its gradients, not of a particular cell):
  - `gate_means`: the mean of each gate over the units, per step.
  - `log10_step_ratio`: log10 ‖δ^{k−1}‖/‖δ^k‖, the whole of one step back.
  - `path_factor`: ‖g_k ⊙ δ^k‖/‖δ^k‖, the "f" (or z) term of that step alone.
  - `gate_path_log10_norm`: the gradient carried by the gate path alone, every "…" dropped,
    in the log domain (it passes 1e−300 at T = 2000).
And the framework conventions the variants lessons compare: PyTorch's two biases vs one,
Keras's weight layout (kernel (I, G·H), recurrent_kernel (H, G·H), gate order i, f, c, o
for the LSTM and z, r, h for the GRU) with its forward pass written from Keras's equations.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..core.bptt import Grads, bptt
from ..core.build import loss_grad, make_cell, make_input
from ..core.cell import GATES, Cell
from ..core.cells.rnn import sigmoid
from ..measures.edges import lstm_cell_edges
from ..core.errors import RnnvizError
from .shrink import downsample
from ..core.logmath import add_scaled, log10_norm, log10_norms, unit_factor
from ..core.unroll import Trace, unroll

CARRY_GATE = {"lstm": "f", "gru": "z"}  # the gate that multiplies the carried gradient directly
HEAT_STEPS = 300  # heatmap columns (time) sent to the browser at most
HEAT_UNITS = 48  # heatmap rows (units) at most
CHECK_STEPS = 200  # the framework checks (two biases, Keras layout) run on this many steps at most
TINY = 1e-290  # below this a float64 vector has lost digits to subnormals
# Each cell's heatmap panels: (name in Trace.gates, or "h", "c", "dact"; panel kind), panels
# of one kind next to each other so each colour bar spans only its own rows. The pages draw
# the gated cells' from GatedRun.heat, the compare page all three from state_maps.
PANELS = {
    "rnn": (("h", "state"), ("dact", "gate")),
    "lstm": (("i", "gate"), ("f", "gate"), ("o", "gate"), ("g", "tanh"), ("c", "state")),
    "gru": (("r", "gate"), ("z", "gate"), ("n", "tanh"), ("h", "state")),
}


# ----------------------------------------------------------------------------- cells
def add_gate_bias(cell: Cell, gate: str, value: float) -> Cell:
    """A copy of `cell` with `value` added to one gate's block of bias_ih (the forward
    direction). make_cell puts LSTM's forget bias there, so for a cell built with
    forget_bias=0, add_gate_bias(cell, "f", b) has the weights of forget_bias=b."""
    if cell.kind not in ("lstm", "gru"):
        raise RnnvizError("Only LSTM and GRU cells have gates.")
    if gate not in GATES[cell.kind]:
        raise RnnvizError(f"The {cell.kind.upper()} has gates {', '.join(GATES[cell.kind])}, not {gate!r}.")
    if not cell.bias:
        raise RnnvizError("This cell has no biases to shift.")
    value = float(value)
    if not math.isfinite(value):
        raise RnnvizError(f"The gate bias must be finite, got {value}.")
    H, k = cell.hidden_size, GATES[cell.kind].index(gate)
    b = np.array(cell.params["bias_ih_l0"])  # (G·H,)
    b[k * H:(k + 1) * H] += value
    return cell.replace(params={"bias_ih_l0": b})


def merge_biases(cell: Cell) -> Cell:
    """Keras's single bias: b = b_ih + b_hh in bias_ih, bias_hh = 0 (the GRU "after" variant
    keeps its two biases apart in Keras too, because r multiplies b_hn alone)."""
    if not cell.bias:
        return cell
    if cell.kind == "gru" and cell.variant == "after":
        raise RnnvizError("A reset-after GRU needs both biases: r_t multiplies b_hn alone.")
    new = {}
    for s in ("_l0", "_l0_reverse")[: cell.directions]:
        new["bias_ih" + s] = cell.params["bias_ih" + s] + cell.params["bias_hh" + s]
        new["bias_hh" + s] = np.zeros_like(cell.params["bias_hh" + s])
    return cell.replace(params=new)


def split_biases(cell: Cell, seed: int = 0, spread: float = 1.0) -> Cell:
    """The same function with its bias split in two at random: b_ih + r and b_hh − r,
    r ~ N(0, spread²) seeded. Their sum, all the cell ever uses, is unchanged."""
    if not cell.bias:
        raise RnnvizError("This cell has no biases to split.")
    rng = np.random.default_rng([int(seed), 3])
    new = {}
    for s in ("_l0", "_l0_reverse")[: cell.directions]:
        r = rng.standard_normal(cell.params["bias_ih" + s].shape) * spread
        new["bias_ih" + s] = cell.params["bias_ih" + s] + r
        new["bias_hh" + s] = cell.params["bias_hh" + s] - r
    return cell.replace(params=new)


# -------------------------------------------------------------------------- measures
def gate_means(trace: Trace) -> dict:
    """{gate name: (T,)} the mean of each gate over the units at every step."""
    return {n: g.mean(axis=1) for n, g in trace.gates.items()}


def log10_step_ratio(log10_norm) -> np.ndarray:
    """(T,) log10 ‖δ^{k−1}‖ / ‖δ^k‖ stored at index k (the step whose gate multiplies);
    NaN at k = 0 and where either norm is zero or infinite."""
    a = np.asarray(log10_norm, dtype=np.float64)
    out = np.full(a.shape, np.nan)
    with np.errstate(invalid="ignore"):
        d = a[:-1] - a[1:]  # (T−1,) log10 ‖δ^{k−1}‖ − log10 ‖δ^k‖ for k = 1 … T−1
    out[1:] = np.where(np.isfinite(a[:-1]) & np.isfinite(a[1:]), d, np.nan)
    return out


def path_factor(grad, gate) -> np.ndarray:
    """(T,) ‖gate_k ⊙ δ^k‖ / ‖δ^k‖: how much of δ^k the gate path alone carries one step back
    (the source's "f" term). NaN where δ^k is beyond float64 (0, subnormal or inf entries:
    the plain ∂C/∂c of rnnviz.bptt keeps no direction there, only its log10 norm)."""
    grad = np.asarray(grad, dtype=np.float64)  # (T, H)
    gate = np.asarray(gate, dtype=np.float64)  # (T, H)
    ok = np.isfinite(grad).all(axis=1) & (np.abs(grad).max(axis=1) > TINY)
    out = np.full(grad.shape[0], np.nan)
    if ok.any():
        with np.errstate(divide="ignore", invalid="ignore"):
            out[ok] = 10.0 ** (log10_norms(grad[ok] * gate[ok]) - log10_norms(grad[ok]))
    return out


def gate_path_log10_norm(trace: Trace, grad_h) -> np.ndarray:
    """(T,) log10 ‖∂C/∂c_k‖ (LSTM) or ‖∂C/∂h_k‖ (GRU) along the gate path alone:

        LSTM: D_k = e_k + f_{k+1} ⊙ D_{k+1},   e_k = ∂C/∂h_k|direct ⊙ o_k ⊙ (1 − tanh² c_k)
        GRU:  D_k = e_k + z_{k+1} ⊙ D_{k+1},   e_k = ∂C/∂h_k|direct

    i.e. the exact gradient of a network whose gates and candidates do not look back at
    h_{k−1}: what is left of δ^{k−1} = δ^k (f + …) without the "…". Carried as a unit
    vector and a log10 scale, so it stays exact past 1e±300. Forward direction only."""
    cell = trace.cell
    if cell.kind not in CARRY_GATE:
        raise RnnvizError("The gate path exists only in LSTM and GRU cells.")
    H = cell.hidden_size
    g = np.asarray(grad_h, dtype=np.float64)[:, :H]  # (T, H)
    gate = trace.gates[CARRY_GATE[cell.kind]][:, :H]  # (T, H)
    if cell.kind == "lstm":
        tc = np.tanh(trace.c[:, :H])
        e = g * trace.gates["o"][:, :H] * (1.0 - tc * tc)  # (T, H)
    else:
        e = g
    T = e.shape[0]
    e_log = log10_norms(e)  # (T,)
    out = np.full(T, -math.inf)
    u, l = np.zeros(H), -math.inf  # D = 10^l · u, ‖u‖ = 1 (or u = 0, l = −inf)
    for k in range(T - 1, -1, -1):
        if k < T - 1 and l > -math.inf:
            u = u * gate[k + 1]  # one step back along the gate path
            n = log10_norm(u)
            u, l = u * unit_factor(n), l + n
        if np.isfinite(e_log[k]):  # add this step's direct gradient at a common scale
            u, m = add_scaled(u, l, e[k] * unit_factor(e_log[k]), e_log[k])
            n = log10_norm(u)
            u, l = u * unit_factor(n), m + n
        out[k] = l
    return out


RATIO_CAP = 6.0  # decades: the step ratio is drawn up to a factor 10⁶ per step


def step_ratio(log10_ratio) -> np.ndarray:
    """(T,) ‖δ^{k−1}‖/‖δ^k‖ as a plain number from log10_step_ratio, capped at 10^RATIO_CAP
    (NaN stays NaN): what the per-step chart draws."""
    return 10.0 ** np.minimum(np.asarray(log10_ratio, dtype=np.float64), RATIO_CAP)


def log10_first_over_last(log10_norm) -> float:
    """log10 ‖δ_0‖ / ‖δ_{T−1}‖: how many decades the gradient lost (or gained) from the last
    step back to the first; −inf when nothing reaches step 0, NaN when nothing is at T−1."""
    a = np.asarray(log10_norm, dtype=np.float64)
    if not np.isfinite(a[-1]):
        return math.nan
    return float(a[0] - a[-1])


# ------------------------------------------------------------------------- one run
@dataclass(frozen=True)
class GatedRun:
    """What a page draws of one run of a gated cell. Steps are k = 0 … T−1. Heatmaps are
    (units, steps) already shrunk to at most HEAT_UNITS × HEAT_STEPS, with `heat_steps`
    (T axis, block centres in steps) and `heat_units` (unit axis) in real units."""

    kind: str
    variant: str
    T: int
    H: int
    heat_steps: np.ndarray  # (S,)
    heat_units: np.ndarray  # (U,)
    heat: dict  # {gate name, and "c" (LSTM) / "h": (U, S)}
    means: dict  # {gate name: (T,)} mean over units
    log10_norm_h: np.ndarray  # (T,) log10 ‖∂C/∂h_k‖
    log10_norm_c: np.ndarray | None  # (T,) log10 ‖∂C/∂c_k‖ (LSTM)
    log10_path: np.ndarray  # (T,) the gate path alone (gate_path_log10_norm)
    log10_ratio: np.ndarray  # (T,) log10 ‖δ^{k−1}‖/‖δ^k‖, δ = ∂C/∂c (LSTM) or ∂C/∂h (GRU)
    path_factor: np.ndarray  # (T,) ‖gate_k ⊙ δ^k‖/‖δ^k‖
    h_last: np.ndarray  # (H,) the final hidden state (to compare runs)
    bias_grads: dict  # {"bias_ih_l0", "bias_hh_l0": (G·H,)} ∂C/∂b (empty without biases)
    block_step: int | None = None  # the step the memory-block diagram shows (LSTM, no peepholes)
    block_nodes: dict | None = None  # rnnviz.measures.edges.lstm_cell_edges at block_step
    block_edges: tuple = ()


def run_gated(cell: Cell, x, loss: str = "last", loss_seed: int = 0) -> GatedRun:
    """Unroll `cell` on x, back-propagate the lesson's loss (rnnviz.loss_grad) exactly and
    summarise. The trace and gradients come from rnnviz.unroll / rnnviz.bptt."""
    if cell.kind not in CARRY_GATE:
        raise RnnvizError("run_gated takes an LSTM or GRU cell.")
    trace = unroll(cell, x)
    T, HD = trace.h.shape
    g = loss_grad(T, HD, where=loss, seed=loss_seed)
    grads = bptt(trace, g)
    return summarise(trace, grads, g)


def run_pair(cell_a: Cell, cell_b: Cell, x, loss: str = "last",
             loss_seed: int = 0) -> tuple[tuple[GatedRun, GatedRun], float]:
    """Two cells on the same input and loss: their runs, and max |h_a − h_b| over the run."""
    out, hs = [], []
    for cell in (cell_a, cell_b):
        if cell.kind not in CARRY_GATE:
            raise RnnvizError("run_pair takes LSTM or GRU cells.")
        trace = unroll(cell, x)
        g = loss_grad(trace.T, trace.h.shape[1], where=loss, seed=loss_seed)
        out.append(summarise(trace, bptt(trace, g), g))
        hs.append(trace.h)
    return (out[0], out[1]), max_abs_diff(hs[0], hs[1])


def summarise(trace: Trace, grads: Grads, grad_h) -> GatedRun:
    cell = trace.cell
    delta = grads.c if cell.kind == "lstm" else grads.h
    l_delta = grads.log10_norm_c if cell.kind == "lstm" else grads.log10_norm_h
    heat, steps, units = {}, None, None
    state = {"c": trace.c} if cell.kind == "lstm" else {"h": trace.h}
    for name, a in {**trace.gates, **state}.items():
        small, steps, units = downsample(a, HEAT_STEPS, HEAT_UNITS)  # (T, H) -> (S, U)
        heat[name] = small.T  # (U, S): units down, time across
    gate = trace.gates[CARRY_GATE[cell.kind]]
    k, nodes, edges = None, None, ()
    if cell.kind == "lstm" and cell.variant != "peephole" and cell.directions == 1:
        k = trace.T // 2  # the memory block in mid-sequence
        nodes, edges = lstm_cell_edges(trace, grads, k)
    return GatedRun(
        kind=cell.kind, variant=cell.variant, T=trace.T, H=cell.hidden_size,
        heat_steps=steps, heat_units=units, heat=heat, means=gate_means(trace),
        log10_norm_h=grads.log10_norm_h, log10_norm_c=grads.log10_norm_c,
        log10_path=gate_path_log10_norm(trace, grad_h),
        log10_ratio=log10_step_ratio(l_delta), path_factor=path_factor(delta, gate),
        h_last=trace.h[-1].copy(),
        bias_grads={n: grads.params[n] for n in ("bias_ih_l0", "bias_hh_l0") if n in grads.params},
        block_step=k, block_nodes=nodes, block_edges=tuple(edges))


def rnn_twin_cell(H: int, *, init: str = "gaussian", scale: float = 1.0,
                  scale_by: str = "radius", seed: int = 0) -> Cell:
    """The vanilla tanh RNN a gated cell of the lesson is compared with: the same W_hh init,
    scale (make_cell rescales every gate block of a gated cell to it) and seed."""
    return make_cell("rnn", H, 1, activation="tanh", init=init, scale=scale, scale_by=scale_by,
                     seed=seed)


def rnn_log10_norm_h(cell: Cell, T: int, *, input_scale: float = 1.0, loss: str = "last",
                     seed: int = 0) -> np.ndarray:
    """(T,) log10 ‖∂C/∂h_k‖ of `cell` on the lesson's input and loss (make_input, loss_grad
    with the same seed as the gated cell's run)."""
    x = make_input(T, 1, scale=input_scale, seed=seed)
    trace = unroll(cell, x)
    return bptt(trace, loss_grad(T, cell.hidden_size * cell.directions, where=loss, seed=seed)).log10_norm_h


# ------------------------------------------------------------------ variants lessons
LSTM_VARIANTS = ("nofg", "forget", "peephole", "keras")  # 1997, 2000, 2001, Keras's start


def lstm_variant_cell(name: str, H: int, *, init: str = "gaussian", scale: float = 1.0,
                      scale_by: str = "radius", forget_bias: float = 0.0, seed: int = 0) -> Cell:
    """One of LSTM_VARIANTS with shared weights (make_cell draws W_ih, W_hh and the biases
    in the same order for every variant; peepholes come after). "keras" is the forget-gate
    cell with Keras's unit_forget_bias=True: its forget bias is exactly 1 whatever
    `forget_bias` is (Keras's bias initialiser is zeros and unit_forget_bias sets the forget
    block to 1; nothing is added). PyTorch-style two
    biases: the bias is split at random into b_ih and b_hh (split_biases), as after training."""
    if name not in LSTM_VARIANTS:
        raise RnnvizError(f"Unknown LSTM variant {name!r}; choose one of {', '.join(LSTM_VARIANTS)}.")
    variant = "forget" if name == "keras" else name
    fb = 1.0 if name == "keras" else forget_bias
    cell = make_cell("lstm", H, 1, variant=variant, init=init, scale=scale, scale_by=scale_by,
                     forget_bias=fb, seed=seed)
    return cell if name == "keras" else split_biases(cell, seed=seed)


def _keras_forget_bias(cell: Cell) -> Cell:
    """The one-bias forget-gate cell with Keras's unit_forget_bias=True: b_f = 1 exactly,
    every other bias 0, whatever forget bias `cell` was built with (Keras does not add 1)."""
    H = cell.hidden_size
    b = np.zeros_like(cell.params["bias_ih_l0"])  # (4H,) Keras's "zeros" bias initialiser
    b[H:2 * H] = 1.0  # PyTorch order i, f, g, o: the forget block
    return cell.replace(params={"bias_ih_l0": b, "bias_hh_l0": np.zeros_like(b)})


def lstm_variant_cells(H: int, *, init: str = "gaussian", scale: float = 1.0,
                       scale_by: str = "radius", forget_bias: float = 0.0, seed: int = 0) -> dict:
    """{name: lstm_variant_cell(name, …)} for every LSTM_VARIANTS name, the same cells, built
    with one rescaled W_hh instead of four (the peepholes come from a make_cell without the
    rescale, which draws the same random numbers in the same order)."""
    base = make_cell("lstm", H, 1, init=init, scale=scale, scale_by=scale_by,
                     forget_bias=forget_bias, seed=seed)
    peep = make_cell("lstm", H, 1, variant="peephole", init=init, scale=None, seed=seed)
    two = split_biases(base, seed=seed)
    peep_w = {n: peep.params[n] for n in peep.params if n not in base.params}
    return {
        "nofg": two.replace(variant="nofg"),
        "forget": two,
        "peephole": two.replace(variant="peephole", params=peep_w),
        "keras": _keras_forget_bias(base),
    }


@dataclass(frozen=True)
class BiasCheck:
    """PyTorch's two biases against one, on the same input (see two_bias_check)."""

    max_dh: float  # max |h(b_ih, b_hh) − h(b_ih + b_hh, 0)| over all steps and units
    max_db_ih_hh: float  # max |∂C/∂b_ih − ∂C/∂b_hh| of the two-bias cell, per block
    max_db_one: float  # max |∂C/∂b_ih (two biases) − ∂C/∂b (one bias)|
    blocks: tuple  # gate names, in PyTorch's order
    db_ih_hh_per_gate: tuple  # max |∂C/∂b_ih − ∂C/∂b_hh| for each gate's block


def two_bias_runs(cell: Cell, x, loss: str = "last", seed: int = 0):
    """Run `cell` (its two biases as they are) and the one-bias cell b = b_ih + b_hh on x;
    compare outputs and bias gradients (rnnviz.bptt). Returns (BiasCheck, run of `cell`, run
    of the one-bias cell). For a reset-after GRU the one-bias cell does not exist: its run is
    None, max_dh and max_db_one are NaN, and the per-gate differences show where the two
    biases part (the candidate n, whose b_hn sits inside r ⊙ (…))."""
    H = cell.hidden_size
    if cell.kind == "gru" and cell.variant == "after":
        run, one, dh = run_gated(cell, x, loss=loss, loss_seed=seed), None, math.nan
    else:
        (run, one), dh = run_pair(cell, merge_biases(cell), x, loss=loss, loss_seed=seed)
    gi, gh = run.bias_grads["bias_ih_l0"], run.bias_grads["bias_hh_l0"]
    d = np.abs(gi - gh)  # (G·H,)
    per_gate = tuple(float(d[k * H:(k + 1) * H].max()) for k in range(len(cell.gate_names)))
    db_one = math.nan if one is None else max_abs_diff(gi, one.bias_grads["bias_ih_l0"])
    return BiasCheck(dh, float(d.max()), db_one, cell.gate_names, per_gate), run, one


def two_bias_check(cell: Cell, x, loss: str = "last", seed: int = 0) -> BiasCheck:
    """The BiasCheck of two_bias_runs alone."""
    return two_bias_runs(cell, x, loss, seed)[0]


def keras_check(cell: Cell, x) -> float:
    """max |h| difference between rnnviz.unroll and Keras's equations on Keras's layout
    (to_keras, keras_lstm_forward / keras_gru_forward) of the same weights."""
    kw = to_keras(cell)
    h = unroll(cell, x).h
    if cell.kind == "lstm":
        hk, _ = keras_lstm_forward(kw["kernel"], kw["recurrent_kernel"], kw["bias"], x)
    else:
        hk = keras_gru_forward(kw["kernel"], kw["recurrent_kernel"], kw["bias"], x,
                               reset_after=(cell.variant == "after"))
    return max_abs_diff(h, hk)


# ---------------------------------------------------------------------- Keras layout
KERAS_ORDER = {"lstm": ("i", "f", "g", "o"), "gru": ("z", "r", "n")}  # Keras: i,f,c,o / z,r,h


def _keras_blocks(a, kind, H):
    """Rows of a PyTorch (G·H, …) array reordered into Keras's gate order."""
    names = GATES[kind]
    return np.concatenate([a[names.index(n) * H:(names.index(n) + 1) * H] for n in KERAS_ORDER[kind]])


def to_keras(cell: Cell) -> dict:
    """The cell's weights as Keras stores them: kernel (I, G·H), recurrent_kernel (H, G·H),
    bias (G·H,) — or (2, G·H) [input bias; recurrent bias] for a reset-after GRU — in Keras's
    gate order (LSTM i, f, c, o: the same as PyTorch's; GRU z, r, h: PyTorch has r, z, n)."""
    if cell.kind not in KERAS_ORDER or cell.bidirectional:
        raise RnnvizError("to_keras takes a one-directional LSTM or GRU.")
    if cell.kind == "lstm" and cell.variant != "forget":
        raise RnnvizError("Keras's LSTM is the forget-gate (2000) cell, without peepholes.")
    H, w = cell.hidden_size, cell.weights(0)
    out = {"kernel": _keras_blocks(w["W_ih"], cell.kind, H).T,  # (G·H, I) -> (I, G·H)
           "recurrent_kernel": _keras_blocks(w["W_hh"], cell.kind, H).T}  # (G·H, H) -> (H, G·H)
    if cell.kind == "gru" and cell.variant == "after":
        out["bias"] = np.stack([_keras_blocks(w["b_ih"], "gru", H), _keras_blocks(w["b_hh"], "gru", H)])
    else:
        out["bias"] = _keras_blocks(w["b_ih"] + w["b_hh"], cell.kind, H)
    return out


def keras_unit_forget_bias(H: int) -> np.ndarray:
    """Keras's LSTM bias at initialisation with unit_forget_bias=True: [0, 1, 0, 0] blocks."""
    return np.concatenate([np.zeros(H), np.ones(H), np.zeros(2 * H)])


def keras_lstm_forward(kernel, recurrent_kernel, bias, x) -> tuple[np.ndarray, np.ndarray]:
    """Keras's LSTMCell.call (implementation 2), transcribed: returns h (T, H), c (T, H).

        z = x_t @ kernel + h_{t−1} @ recurrent_kernel + bias;  z0, z1, z2, z3 = split(z, 4)
        i = σ(z0), f = σ(z1), c = f c_{t−1} + i tanh(z2), o = σ(z3), h = o tanh(c)"""
    x = np.asarray(x, dtype=np.float64)
    H = recurrent_kernel.shape[0]
    h, c = np.zeros(H), np.zeros(H)
    hs, cs = [], []
    for x_t in x:
        z = x_t @ kernel + h @ recurrent_kernel + bias  # (4H,)
        z0, z1, z2, z3 = np.split(z, 4)
        i, f, o = sigmoid(z0), sigmoid(z1), sigmoid(z3)
        c = f * c + i * np.tanh(z2)
        h = o * np.tanh(c)
        hs.append(h)
        cs.append(c)
    return np.array(hs), np.array(cs)


def keras_gru_forward(kernel, recurrent_kernel, bias, x, reset_after: bool = True) -> np.ndarray:
    """Keras's GRUCell.call (implementation 2), transcribed: returns h (T, H).

        x_z, x_r, x_h = split(x_t @ kernel + input_bias, 3)
        reset_after: r_h = r ⊙ (h_{t−1} @ U_h + recurrent_bias_h), the z, r parts likewise
                     with their recurrent bias;  else: r_h = (r ⊙ h_{t−1}) @ U_h
        z = σ(x_z + h @ U_z), r = σ(x_r + h @ U_r), hh = tanh(x_h + r_h),
        h = z ⊙ h_{t−1} + (1 − z) ⊙ hh"""
    x = np.asarray(x, dtype=np.float64)
    H = recurrent_kernel.shape[0]
    bias = np.asarray(bias, dtype=np.float64)
    b_in, b_rec = (bias[0], bias[1]) if reset_after else (bias, np.zeros(3 * H))
    h = np.zeros(H)
    hs = []
    for x_t in x:
        x_z, x_r, x_h = np.split(x_t @ kernel + b_in, 3)
        if reset_after:
            inner = h @ recurrent_kernel + b_rec  # (3H,)
        else:
            inner = h @ recurrent_kernel[:, :2 * H]  # (2H,)
        z = sigmoid(x_z + inner[:H])
        r = sigmoid(x_r + inner[H:2 * H])
        rh = r * inner[2 * H:] if reset_after else (r * h) @ recurrent_kernel[:, 2 * H:]
        hh = np.tanh(x_h + rh)
        h = z * h + (1.0 - z) * hh
        hs.append(h)
    return np.array(hs)


# ------------------------------------------------------------- TensorFlow 1 layout
TF1_ORDER = ("i", "g", "f", "o")  # TF1's i, j, f, o: j is the cell input (PyTorch's g)
TF1_FORGET_BIAS = 1.0  # BasicLSTMCell / LSTMCell(forget_bias=1.0): added inside every step


def to_tf1(cell: Cell, forget_bias: float = TF1_FORGET_BIAS) -> dict:
    """The cell's weights as TensorFlow 1's BasicLSTMCell / LSTMCell stores them: one
    kernel (I + H, 4H) acting on [x_t, h_{t−1}] and one bias (4H,), in TF1's gate order
    i, j, f, o. TF1 adds `forget_bias` to the forget pre-activation at every step as a
    constant, so the stored forget bias is the cell's b_f − forget_bias: the same function."""
    if cell.kind != "lstm" or cell.bidirectional or cell.variant != "forget":
        raise RnnvizError("to_tf1 takes a one-directional forget-gate LSTM (no peepholes).")
    H, w = cell.hidden_size, cell.weights(0)
    names = GATES["lstm"]

    def blocks(a):  # PyTorch rows i, f, g, o -> TF1's i, j, f, o
        return np.concatenate([a[names.index(n) * H:(names.index(n) + 1) * H] for n in TF1_ORDER])

    bias = blocks(w["b_ih"] + w["b_hh"])
    bias[2 * H:3 * H] -= forget_bias  # the f block: TF1 adds forget_bias back in every step
    return {"kernel": np.concatenate([blocks(w["W_ih"]).T, blocks(w["W_hh"]).T]),  # (I + H, 4H)
            "bias": bias, "forget_bias": float(forget_bias)}


def tf1_lstm_forward(kernel, bias, x, forget_bias: float = TF1_FORGET_BIAS) -> tuple[np.ndarray, np.ndarray]:
    """TensorFlow 1's BasicLSTMCell.call (tensorflow/python/ops/rnn_cell_impl.py), transcribed:
    returns h (T, H), c (T, H).

        gate_inputs = [x_t, h_{t−1}] @ kernel + bias;  i, j, f, o = split(gate_inputs, 4)
        c_t = c_{t−1} σ(f + forget_bias) + σ(i) tanh(j),  h_t = tanh(c_t) σ(o)"""
    x = np.asarray(x, dtype=np.float64)
    H = kernel.shape[1] // 4
    h, c = np.zeros(H), np.zeros(H)
    hs, cs = [], []
    for x_t in x:
        i, j, f, o = np.split(np.concatenate([x_t, h]) @ kernel + bias, 4)
        c = c * sigmoid(f + forget_bias) + sigmoid(i) * np.tanh(j)
        h = np.tanh(c) * sigmoid(o)
        hs.append(h)
        cs.append(c)
    return np.array(hs), np.array(cs)


def tf1_check(cell: Cell, x, forget_bias: float = TF1_FORGET_BIAS) -> float:
    """max |h| difference between rnnviz.unroll and TF1's equations on TF1's layout (to_tf1,
    tf1_lstm_forward) of the same weights."""
    tw = to_tf1(cell, forget_bias)
    h_tf, _ = tf1_lstm_forward(tw["kernel"], tw["bias"], x, tw["forget_bias"])
    return max_abs_diff(unroll(cell, x).h, h_tf)


def max_abs_diff(a, b) -> float:
    """max |a − b| over all entries (0.0 for identical arrays)."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise RnnvizError(f"Cannot compare shapes {a.shape} and {b.shape}.")
    return float(np.max(np.abs(a - b))) if a.size else 0.0
