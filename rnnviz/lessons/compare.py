"""Lessons 4 and 5, "Compare the family" and "Your own model": the measures their pages show.

Lesson 4 runs a tanh RNN, an LSTM and a GRU on the same input, with every (H, H) block of
their W_hh rescaled to the same spectral radius (`make_cell(..., scale=)`) and, optionally, the
same bias b on the gate that keeps the old state (LSTM's f, GRU's z; `family_cell`), and
back-propagates a read-out loss at the last step T−1, C = vᵀh_{T−1} (v a seeded unit vector):

    g_k = ‖∂C/∂h_k‖,   k = 0 … T−1,   g_{T−1} = ‖v‖ = 1.

How far back the gradient reaches, for a threshold θ ∈ (0, 1] the student sets, is the span

    n(θ) = max { n ∈ 0 … T−1 :  g_{T−1−j} ≥ θ · g_{T−1}  for every j = 0 … n }

(`span_above`): the number of steps back, counted from the loss, over which the gradient
never fell below θ times its size at the loss. n = T−1 means it never fell below, which is
also what an exploding gradient gives. In log10: l_k − l_{T−1} ≥ log10 θ (a 1e-9-decade
tolerance absorbs rounding at exact equality).

Lesson 4 counts vanishing and exploding apart (`band_reach`): the steps back over which the
gradient stays in the band θ·g_{T−1} ≤ g_k ≤ g_{T−1}/θ, and which way it leaves the band
("vanished" below, "exploded" above, "kept" never), so an exploding gradient is not
mistaken for one that reaches far back.

Parameter counts are PyTorch's (two bias vectors per gate, `bias_ih` and `bias_hh`):

    N = G · H · (I + H + 2) per direction,   G = 1 (RNN), 4 (LSTM: i, f, g, o), 3 (GRU: r, z, n)

so a GRU has 3/4 of an LSTM's parameters, whatever I and H are (`param_count`).

Lesson 5 reuses the same gradient measure on a model the student uploads (rnnviz.io.upload):
`inspect` unrolls one layer, back-propagates C = vᵀh_n (PyTorch's h_n: the forward direction's
last state and, when bidirectional, the reverse direction's state at step 0, each direction
measured on its own), and shrinks the gates to heatmaps. No Streamlit here.
"""

from __future__ import annotations

import math
import statistics
import time
from dataclasses import dataclass

import numpy as np

from ..core.bptt import bptt
from ..core.build import INPUTS, loss_grad, make_cell, make_input
from ..core.cell import KINDS, N_BLOCKS, Cell
from ..core.checks import is_number
from ..core.errors import RnnvizError
from .shrink import LOG_ABOVE, time_map, unit_stride
from .gates import PANELS, add_gate_bias
from ..core.unroll import Trace, unroll, unroll_finite

TOLERANCE = 1e-9  # decades: g exactly at θ·g_{T−1} counts as above despite rounding
TIMING_BUDGET_MS = 15.0  # fast runs are repeated until this much time is spent (median shown)
TIMING_MAX_RUNS = 3
STATE_LOG_ABOVE = LOG_ABOVE  # a state map beyond ±this is drawn as sign·log10(1 + |s|)


# --------------------------------------------------------------------------- parameters
def param_count(kind: str, input_size: int, hidden_size: int, *, bias: bool = True,
                bidirectional: bool = False) -> int:
    """Number of parameters of a one-layer nn.RNN / nn.LSTM / nn.GRU in PyTorch's layout:
    G·H·(I + H + 2) per direction with the two bias vectors, G·H·(I + H) without."""
    if kind not in N_BLOCKS:
        raise RnnvizError(f"Unknown cell kind {kind!r}; choose one of {', '.join(N_BLOCKS)}.")
    G, H, I = N_BLOCKS[kind], int(hidden_size), int(input_size)
    per_direction = G * H * (I + H + (2 if bias else 0))
    return per_direction * (2 if bidirectional else 1)


# --------------------------------------------------------------------------- the span
def _check_curve(log10_norm) -> np.ndarray:
    a = np.asarray(log10_norm, dtype=np.float64)
    if a.ndim != 1 or a.size == 0:
        raise RnnvizError("The gradient norms must be a non-empty 1-D array.")
    if np.isnan(a).any():
        raise RnnvizError("The gradient norms contain NaN.")
    return a


def _check_threshold(log10_threshold) -> float:
    if not is_number(log10_threshold):
        raise RnnvizError(f"The threshold must be a number, got {log10_threshold!r}.")
    t = float(log10_threshold)
    if not (math.isfinite(t) and t <= 0):
        raise RnnvizError(f"log10 of the threshold θ must be finite and ≤ 0 (θ ≤ 1), got {t}.")
    return t


def span_above(log10_norm, log10_threshold: float) -> int:
    """n(θ): how many steps back from the last step the gradient norm stays at or above
    θ times its value at the last step (see the module docstring). `log10_norm` holds
    l_k = log10 g_k in time order, the loss at the last entry; returns 0 … T−1.
    A zero gradient at the last step (l = −inf) gives 0."""
    l = _check_curve(log10_norm)
    t = _check_threshold(log10_threshold)
    ref = l[-1]
    if not math.isfinite(ref):
        return 0
    back = l[::-1]  # back[j] = l_{T−1−j}
    below = np.flatnonzero(back - ref < t - TOLERANCE)
    return int(below[0] - 1) if below.size else int(l.size - 1)


def first_below(log10_norm, log10_threshold: float) -> int | None:
    """The step k where the gradient first falls below θ·g_{T−1}, going back from T−1
    (k = T−2−n(θ)); None when it never does, or when there is no gradient at T−1 at all."""
    l = _check_curve(log10_norm)
    n = span_above(l, log10_threshold)
    if n == l.size - 1 or not math.isfinite(l[-1]):
        return None
    return int(l.size - 2 - n)


def band_reach(log10_norm, log10_threshold: float) -> tuple[int, str]:
    """(n, how): n steps back from the last step over which θ·g_{T−1} ≤ g_k ≤ g_{T−1}/θ
    (0 … T−1), and how the gradient leaves that band going further back: "vanished" (below
    θ·g_{T−1}), "exploded" (above g_{T−1}/θ) or "kept" (it never leaves). A zero gradient
    at the last step gives (0, "vanished")."""
    l = _check_curve(log10_norm)
    t = _check_threshold(log10_threshold)
    ref = l[-1]
    if not math.isfinite(ref):
        return 0, "vanished"
    d = l[::-1] - ref  # d[j] = l_{T−1−j} − l_{T−1}
    low, high = d < t - TOLERANCE, d > -t + TOLERANCE
    out = np.flatnonzero(low | high)
    if not out.size:
        return int(l.size - 1), "kept"
    j = int(out[0])
    return j - 1, "vanished" if low[j] else "exploded"


def first_outside(log10_norm, log10_threshold: float) -> int | None:
    """The step k where the gradient first leaves the band of `band_reach`, going back from
    T−1 (k = T−2−n); None when it never does or there is no gradient at T−1."""
    l = _check_curve(log10_norm)
    n, how = band_reach(l, log10_threshold)
    if how == "kept" or not math.isfinite(l[-1]):
        return None
    return int(l.size - 2 - n)


# --------------------------------------------------------------------------- timing
def timed(fn, *, budget_ms: float = TIMING_BUDGET_MS, max_runs: int = TIMING_MAX_RUNS):
    """(result of the first run, median wall time in ms). A run shorter than the budget is
    repeated until `budget_ms` is spent or `max_runs` runs are done."""
    times, result = [], None
    while True:
        t0 = time.perf_counter()
        out = fn()
        times.append((time.perf_counter() - t0) * 1e3)
        if len(times) == 1:
            result = out
        if len(times) >= max_runs or sum(times) >= budget_ms:
            return result, float(statistics.median(times))


# --------------------------------------------------------------------------- lesson 4
@dataclass(frozen=True)
class Member:
    """One cell of the family on the lesson's input: its gradient norms and its costs."""

    kind: str
    log10_norm_h: np.ndarray  # (T,) log10 ‖∂C/∂h_k‖
    log10_norm_c: np.ndarray | None  # (T,) log10 ‖∂C/∂c_k‖ (LSTM) else None
    n_params: int  # counted on the cell's arrays; equals param_count(kind, I, H)
    ms: float  # median wall time of unroll + bptt, milliseconds

    def span(self, log10_threshold: float) -> int:
        return span_above(self.log10_norm_h, log10_threshold)

    def band(self, log10_threshold: float) -> tuple[int, str]:
        """(steps back inside the band θ … 1/θ, "vanished" | "exploded" | "kept")."""
        return band_reach(self.log10_norm_h, log10_threshold)


def family_cell(kind: str, H: int, I: int = 1, scale: float = 1.0, *, keep_bias: float = 0.0,
                seed: int = 0) -> Cell:
    """The lesson's cell: make_cell(kind, H, I, scale=scale, seed=seed) (a tanh RNN for "rnn"),
    with `keep_bias` on the bias of the gate that keeps the old state: LSTM's forget gate f
    (c_t = f ⊙ c_{t−1} + …) and GRU's update gate z (h_t = (1 − z) ⊙ n + z ⊙ h_{t−1})."""
    if kind not in KINDS:
        raise RnnvizError(f"Unknown cell kind {kind!r}; choose one of {', '.join(KINDS)}.")
    cell = make_cell(kind, H, I, activation="tanh", scale=scale, seed=seed,
                     forget_bias=keep_bias if kind == "lstm" else 0.0)
    if kind == "gru" and keep_bias:
        cell = add_gate_bias(cell, "z", keep_bias)
    return cell


def family_member(kind: str, T: int, H: int, I: int = 1, scale: float = 1.0, *,
                  input_kind: str = "gaussian", keep_bias: float = 0.0,
                  seed: int = 0, time_it: bool = True) -> Member:
    """`family_cell(kind, H, I, scale, keep_bias, seed)` run on the seeded input
    make_input(T, I, kind=input_kind, seed=seed) and back-propagated from C = vᵀh_{T−1}.
    The input and v depend on (T, I, input_kind, seed) only: the three cells see the same."""
    if input_kind not in INPUTS:
        raise RnnvizError(f"Unknown input kind {input_kind!r}; choose one of {', '.join(INPUTS)}.")
    cell = family_cell(kind, H, I, scale, keep_bias=keep_bias, seed=seed)
    x = make_input(T, I, kind=input_kind, seed=seed)  # (T, I)
    g = loss_grad(T, H, where="last", seed=seed)  # (T, H), only the last row nonzero

    def run():
        return bptt(unroll(cell, x), g)

    if time_it:
        grads, ms = timed(run)
    else:
        grads, ms = run(), float("nan")
    return Member(kind=kind, log10_norm_h=np.array(grads.log10_norm_h),
                  log10_norm_c=None if grads.log10_norm_c is None else np.array(grads.log10_norm_c),
                  n_params=cell.n_params, ms=ms)


# --------------------------------------------------------------------------- lesson 5
def readout_grads(T: int, hidden_size: int, directions: int = 1, *, seed: int = 0) -> list:
    """Direct gradients ∂C/∂h_t (T, H·D) of C = vᵀh_n, one array per direction (the other
    direction's half left zero, so each direction is measured on its own): the forward
    direction's loss sits at step T−1, the reverse direction's at step 0 (its last step)."""
    H = hidden_size
    v = loss_grad(1, H, seed=seed)[0]  # (H,) a seeded unit vector
    out = []
    for d in range(directions):
        g = np.zeros((T, H * directions))
        g[T - 1 if d == 0 else 0, d * H:(d + 1) * H] = v
        out.append(g)
    return out


@dataclass(frozen=True)
class Flow:
    """Per direction (0 = forward, 1 = reverse) log10 ‖∂C/∂h_k‖ and, for an LSTM,
    log10 ‖∂C/∂c_k‖, in time order; the loss of direction 0 is at k = T−1, of direction 1 at 0."""

    log10_h: np.ndarray  # (D, T)
    log10_c: np.ndarray | None  # (D, T)

    def span(self, direction: int, log10_threshold: float) -> int:
        """span_above for one direction, counted away from that direction's loss."""
        l = self.log10_h[direction]
        return span_above(l if direction == 0 else l[::-1], log10_threshold)


def gradient_flow(trace: Trace, *, seed: int = 0) -> Flow:
    """The Flow of C = vᵀh_n over one unrolled layer (one bptt per direction)."""
    if not isinstance(trace, Trace):
        raise RnnvizError("gradient_flow needs the Trace that unroll returned.")
    cell = trace.cell
    hs, cs = [], []
    for g in readout_grads(trace.T, cell.hidden_size, cell.directions, seed=seed):
        grads = bptt(trace, g)
        hs.append(np.array(grads.log10_norm_h))
        if grads.log10_norm_c is not None:
            cs.append(np.array(grads.log10_norm_c))
    return Flow(log10_h=np.stack(hs), log10_c=np.stack(cs) if cs else None)


def state_maps(trace: Trace, max_steps: int = 400, max_units: int = 64):
    """The cell's gates and states (T, H·D) shrunk for the screen: every k-th unit and block
    means over time. Returns (panels, steps, units): panels [(name, z (units, columns), kind)]
    with kind "gate" (in [0, 1]), "tanh" (in [−1, 1]), "state", or "state_log" for a state
    beyond ±STATE_LOG_ABOVE, drawn as sign·log10(1 + |s|); for an RNN the panels are
    h and σ'(h*) (the factor each step multiplies the gradient by, besides W_hh)."""
    ku = unit_stride(trace.h.shape[1], max_units)
    panels, steps, units = [], None, None
    for name, kind in PANELS[trace.cell.kind]:
        a = {"h": trace.h, "c": trace.c}.get(name)
        if name == "dact":
            a = trace.dact["h"]
        elif a is None:
            a = trace.gates[name]
        shown = a[:, ::ku]
        if kind == "state" and shown.size and np.max(np.abs(shown)) > STATE_LOG_ABOVE:
            kind = "state_log"
        z, steps, units = time_map(a, max_steps, max_units, log=kind == "state_log")
        panels.append((name, z, kind))
    return panels, steps, units


@dataclass(frozen=True)
class ModelView:
    """What the "your own model" page draws for one layer on one input."""

    T: int  # steps drawn (the finite prefix when the forward pass overflowed)
    steps_in: int  # steps of the input
    overflow_step: int | None
    flow: Flow
    panels: list
    steps: np.ndarray
    units: np.ndarray


def inspect(cell: Cell, x, *, seed: int = 0, max_steps: int = 400, max_units: int = 64) -> ModelView:
    """Unroll `cell` on x (T, I), measure its gradient flow and shrink its gates.

    A forward overflow (a trained ReLU RNN can blow up on a new input) is not an error when
    a finite prefix exists: that prefix is shown, with the loss at its last step."""
    trace, overflow = unroll_finite(cell, x)
    panels, steps, units = state_maps(trace, max_steps, max_units)
    return ModelView(T=trace.T, steps_in=int(np.shape(x)[0]), overflow_step=overflow,
                     flow=gradient_flow(trace, seed=seed), panels=panels, steps=steps, units=units)


def inspect_layer(model, x, *, layer: int = 0, activation: str = "tanh", seed: int = 0,
                  max_steps: int = 400, max_units: int = 64) -> ModelView:
    """`inspect` one layer of an uploaded model (rnnviz.io.upload.Model) run on x (T, I) fed
    to layer 0: the layers below turn x into what `layer` reads."""
    return inspect(model.cell(layer, activation), model.layer_input(layer, x, activation),
                   seed=seed, max_steps=max_steps, max_units=max_units)
