"""Lesson 1, "Vanilla RNN and BPTT": every number its page shows, from small settings.

The source article's RNN and its back-propagation through time:

    h*_t = W_hx x_t + W_hh h_{t-1} + b_h,      h_t = σ(h*_t)
    δ^{k-1} = (W_hhᵀ δ^k) ⊙ σ'(h*^{k-1}),      ∂C^t/∂w_ij = Σ_k h_j^{k-1} δ_i^k

and Pascanu, Mikolov & Bengio's (2013) bound for a loss at the last step T−1: one step back
multiplies ∂C/∂h by diag(σ'(h*)) W_hh, whose norm is at most γ·‖W_hh‖₂ (‖W_hh‖₂ = the
largest singular value of W_hh, γ = sup σ'), so

    ‖∂C/∂h_k‖ ≤ (‖W_hh‖₂ γ)^{T−1−k} · ‖∂C/∂h_{T−1}‖.

The pages write the largest singular value as ‖W_hh‖₂ only (σ is the activation, λᵢ the
eigenvalues, ρ = max |λᵢ| the spectral radius).

`compute(...)` unrolls a seeded cell, runs the exact log-domain BPTT of rnnviz.bptt and
returns a `BpttLesson` of small float arrays (log10 values, never the raw norms, which pass
1e±300) and heatmaps already shrunk to what a screen shows. No Streamlit here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from ..core.bptt import bptt
from ..core.build import loss_grad, make_cell, make_input
from ..measures.edges import unrolled_edges
from ..core.cell import Cell
from ..core.cells.rnn import gamma
from ..core.errors import RnnvizError
from .shrink import LOG_ABOVE, time_map, unit_stride
from ..measures.flow import jacobian_norms, steps_bound_log10
from ..core.readout import READOUT_LOSSES, make_readout, readout_loss
from ..core.unroll import unroll_finite
from ..core.weights import largest_singular_value, spectral_radius

VERDICT_DECADES = 1.0  # |log10 ratio| below this (a factor 10) counts as "kept"
SATURATED = 0.1  # σ' below SATURATED·γ counts as saturated (tanh: σ' < 0.1) or, for ReLU, off
LATE_FRACTION = 0.1  # "the last 10 % of steps"
LINEAR_MAP_MAX = LOG_ABOVE  # the h heatmap shows h itself up to this |h|, else sign·log10(1+|h|)
READOUTS = ("linear",) + READOUT_LOSSES  # C = vᵀh (no output layer), or through o = θ(W_oh h + b_o)
N_OUT = 4  # outputs of the output layer (classes for cross-entropy)
DIAGRAM_STEPS = 8  # columns of the unrolled diagram
JACOBIAN_WORK = 2000 * 64 ** 3  # (steps swept) × H³ of the ∂h_t/∂h_k sweep: ≈ 0.1 s of CPU
JACOBIAN_POINTS = 101


@dataclass(frozen=True)
class Spectrum:
    """The two sizes of W_hh the lesson compares, and γ."""

    rho: float  # spectral radius max |λᵢ|: the long-run rate of ‖W_hhⁿ‖
    sigma_max: float  # ‖W_hh‖₂, the largest singular value: the most one step can stretch
    gamma: float  # sup σ'

    @property
    def rate(self) -> float:
        """‖W_hh‖₂γ: the bound's factor per step back."""
        return self.sigma_max * self.gamma


def lesson_cell(H: int, activation: str = "tanh", init: str = "gaussian", scale: float = 1.0,
                scale_by: str = "radius", seed: int = 0) -> tuple[Cell, Spectrum]:
    """The lesson's one-input RNN cell (W_hh from `init`, rescaled so that its spectral radius
    or largest singular value is `scale`) and its spectrum. Independent of T and of the input.

    The "triangular" init gets H equal eigenvalues (before rescaling: all 1) under its strictly
    upper Gaussian part: the most non-normal case, where ρ = scale says "vanish" while
    ‖W_hhⁿ‖ grows by orders of magnitude for a few hundred steps (the non-normal trap).
    """
    eigenvalues = np.ones(H) if init == "triangular" else None
    cell = make_cell("rnn", hidden_size=H, input_size=1, activation=activation, init=init,
                     scale=scale, scale_by=scale_by, eigenvalues=eigenvalues, seed=seed)
    W = cell.W_hh()
    return cell, Spectrum(spectral_radius(W), largest_singular_value(W), gamma(cell.activation))


@dataclass(frozen=True)
class BpttLesson:
    """What the page draws. Steps are k = 0 … n−1 (n = T, or the finite prefix's length when
    the forward pass overflowed at step `overflow_step`). log10 arrays may hold −inf where a
    value is exactly zero (figures drop those points)."""

    T: int  # the requested sequence length
    n: int  # steps actually computed and drawn
    overflow_step: int | None
    loss: str  # "last" | "all"
    spectrum: Spectrum
    log10_norm_h: np.ndarray  # (n,) log10 ‖∂C/∂h_k‖ (total gradient), exact
    log10_bound: np.ndarray | None  # (n,) log10 of (‖W_hh‖₂γ)^{n−1−k}‖∂C/∂h_{n−1}‖; loss "last" only
    exponent: float  # log10_norm_h[0] − log10_norm_h[n−1]
    verdict: str  # "vanished" | "exploded" | "kept" | "zero"
    log10_step_whh: np.ndarray  # (n,) log10 ‖h^{k-1} δ^{kᵀ}‖_F, step k's term of ∂C/∂W_hh
    late_from: int  # first step of the last 10 %
    late_share: float | None  # share of Σ_k ‖term_k‖_F from k ≥ late_from (None: all zero)
    h_map: np.ndarray  # (units shown, columns) float32, h or sign·log10(1+|h|)
    h_map_log: bool  # True when h_map is sign(h)·log10(1+|h|)
    h_abs_max: float  # max |h| over the drawn steps
    dact_map: np.ndarray  # (units shown, columns) float32, σ'(h*)
    map_steps: np.ndarray  # (columns,) step of each column (block centres)
    map_units: np.ndarray  # (units shown,) hidden unit of each row
    map_block: int  # steps averaged into one column
    map_stride: int  # every map_stride-th unit is shown
    dact_median: float  # median σ'(h*) over every step and unit drawn
    dact_saturated: float  # share of those σ'(h*) below SATURATED·γ (saturated, or ReLU off)
    readout: str = "linear"  # "linear" (C = vᵀh) | "mse" | "xent" (through the output layer)
    loss_value: float | None = None  # C through the output layer (None for "linear")
    diagram_steps: tuple = ()  # the steps the unrolled diagram shows
    diagram_nodes: dict | None = None  # {"h_t": log10 ‖∂C/∂h_t‖}
    diagram_edges: tuple = ()  # (Edge, …) of rnnviz.measures.edges.unrolled_edges
    jacobian_n: np.ndarray | None = None  # (m,) steps back n = (n−1) − k
    jacobian_log10: np.ndarray | None = None  # (m,) log10 ‖∂h_{n−1}/∂h_k‖₂
    jacobian_bound: np.ndarray | None = None  # (m,) n · log10(‖W_hh‖₂γ)
    jacobian_span: int = 0  # how many steps back the Jacobian was swept


def verdict_of(exponent: float) -> str:
    """Plain words for log10(‖∂C/∂h_0‖ / ‖∂C/∂h_{T−1}‖)."""
    if exponent == -math.inf:
        return "zero"
    if exponent <= -VERDICT_DECADES:
        return "vanished"
    if exponent >= VERDICT_DECADES:
        return "exploded"
    return "kept"


def log10_bound(log10_norm_h: np.ndarray, rate: float) -> np.ndarray:
    """log10 of (rate)^{n−1−k} · ‖∂C/∂h_{n−1}‖ for k = 0 … n−1."""
    n = log10_norm_h.shape[0]
    back = np.arange(n - 1, -1, -1)  # (n,) n−1−k
    return steps_bound_log10(rate, back) + log10_norm_h[-1]


def share_from(log10_terms: np.ndarray, start: int) -> float | None:
    """Σ_{k ≥ start} 10^{l_k} / Σ_k 10^{l_k}, computed in the log domain (None if all zero)."""
    finite = np.isfinite(log10_terms)
    if not finite.any():
        return None
    m = float(np.max(log10_terms[finite]))
    w = np.where(finite, 10.0 ** (np.where(finite, log10_terms, m) - m), 0.0)  # (n,) ≤ 1
    return float(w[start:].sum() / w.sum())


class Maps(NamedTuple):
    """h and σ'(h*) shrunk for the screen, time along the columns."""

    h: np.ndarray  # (units shown, columns) float32: h, or sign(h)·log10(1+|h|) when h_log
    h_log: bool
    h_abs_max: float  # max |h| over every step and unit
    dact: np.ndarray  # (units shown, columns) float32: σ'(h*)
    steps: np.ndarray  # (columns,) step of each column (block centres)
    units: np.ndarray  # (units shown,) hidden unit of each row
    block: int  # steps averaged into one column
    stride: int  # every stride-th unit is shown


def heatmaps(h: np.ndarray, dact: np.ndarray, max_steps: int, max_units: int) -> Maps:
    """h and σ'(h*) (T, H) shrunk to at most max_units × max_steps: every k-th unit (real
    units, not blends) and block means over time."""
    T, H = h.shape
    h_abs_max = float(np.max(np.abs(h))) if h.size else 0.0
    h_log = h_abs_max > LINEAR_MAP_MAX
    h_map, steps, units = time_map(h, max_steps, max_units, log=h_log)
    d_map, _, _ = time_map(dact, max_steps, max_units)
    return Maps(h=h_map, h_log=h_log, h_abs_max=h_abs_max, dact=d_map, steps=steps, units=units,
                block=max(1, math.ceil(T / max_steps)), stride=unit_stride(H, max_units))


def diagram_steps(n: int, columns: int = DIAGRAM_STEPS) -> list[int]:
    """The steps the unrolled diagram shows: spread over 0 … n−1, with n−2 and n−1 side by
    side so that one edge is a single step of the recurrence."""
    steps = set(np.round(np.linspace(0, n - 1, min(n, columns))).astype(int).tolist())
    return sorted(steps | ({n - 2} if n >= 2 else set()))


def jacobian(trace, rate: float, points: int = JACOBIAN_POINTS):
    """(n, log10 ‖∂h_{T−1}/∂h_{T−1−n}‖₂, n·log10(rate), span) over the last `span` steps,
    span ≤ JACOBIAN_WORK / H³ so that a T = 2000, H = 256 link stays cheap."""
    T, H = trace.T, trace.cell.hidden_size
    span = int(min(T - 1, max(1, JACOBIAN_WORK // H ** 3)))
    ks = np.unique(np.round(np.linspace(T - 1 - span, T - 1, min(span + 1, points))).astype(int))
    j = jacobian_norms(trace, t=T - 1, ks=ks)
    back = j.n.astype(np.float64)
    bound = steps_bound_log10(rate, back)
    return back, np.asarray(j.log10_norm, dtype=np.float64), bound, span


def loss_gradient(h: np.ndarray, readout: str, loss: str, seed: int):
    """(∂C/∂h_t direct (T, H), C or None): the linear read-out vᵀh of rnnviz.loss_grad, or the
    source's output layer o = θ(W_oh h + b_o) with squared error or cross-entropy."""
    if readout not in READOUTS:
        raise RnnvizError(f"Unknown read-out {readout!r}; choose one of {', '.join(READOUTS)}.")
    n, H = h.shape
    if readout == "linear":
        return loss_grad(n, H, where=loss, seed=seed), None
    out = readout_loss(h, make_readout(n, H, N_OUT, loss=readout, seed=seed), where=loss)
    return out.grad_h, out.C


def compute(T: int, H: int = 32, activation: str = "tanh", init: str = "gaussian",
            scale: float = 1.0, scale_by: str = "radius", input_scale: float = 1.0,
            loss: str = "last", seed: int = 0, readout: str = "linear", *,
            max_steps_shown: int = 400, max_units_shown: int = 64,
            cell_and_spectrum: tuple[Cell, Spectrum] | None = None) -> BpttLesson:
    """Unroll the lesson's RNN over a seeded Gaussian input x_t ~ N(0, input_scale²) and
    back-propagate a loss at the last step or at every step: a linear read-out vᵀh
    (readout="linear"), or through the output layer o = θ(W_oh h + b_o) with squared error
    ("mse", θ = identity) or cross-entropy ("xent", θ = softmax).

    `cell_and_spectrum` may pass a cached `lesson_cell(H, activation, init, scale, scale_by,
    seed)`.
    A forward overflow (an exploding ReLU/linear run) is not an error here: the finite prefix
    (steps 0 … overflow_step−1) is back-propagated from its own last step and drawn. Raises
    RnnvizError for bad settings, and ForwardOverflowError when not even step 0 is finite.
    """
    cell, spec = cell_and_spectrum or lesson_cell(H, activation, init, scale, scale_by, seed)
    x = make_input(T, 1, kind="gaussian", scale=input_scale, seed=seed)  # (T, 1)
    trace, overflow = unroll_finite(cell, x)
    n = trace.T
    grad_h, C = loss_gradient(trace.h, readout, loss, seed)
    grads = bptt(trace, grad_h)
    l_h = grads.log10_norm_h  # (n,)
    exponent = float(l_h[0] - l_h[-1])
    l_step = grads.step_log10_norm["weight_hh_l0"]  # (n,)
    late_from = n - max(1, math.ceil(LATE_FRACTION * n))
    maps = heatmaps(trace.h, trace.dact["h"], max_steps_shown, max_units_shown)
    dact = trace.dact["h"]  # (n, H) σ'(h*) at every step and unit
    steps = diagram_steps(n)
    nodes, edges = unrolled_edges(trace, grads, grad_h, steps)
    j_n, j_log, j_bound, j_span = jacobian(trace, spec.rate) if n >= 2 else (None, None, None, 0)
    return BpttLesson(
        T=T, n=n, overflow_step=overflow, loss=loss, spectrum=spec,
        log10_norm_h=np.array(l_h, dtype=np.float64),
        log10_bound=log10_bound(l_h, spec.rate) if loss == "last" else None,
        exponent=exponent, verdict=verdict_of(exponent),
        log10_step_whh=np.array(l_step, dtype=np.float64),
        late_from=late_from, late_share=share_from(l_step, late_from),
        h_map=maps.h, h_map_log=maps.h_log, h_abs_max=maps.h_abs_max, dact_map=maps.dact,
        map_steps=maps.steps, map_units=maps.units, map_block=maps.block, map_stride=maps.stride,
        dact_median=float(np.median(dact)),
        dact_saturated=float(np.mean(dact < SATURATED * spec.gamma)),
        readout=readout, loss_value=C, diagram_steps=tuple(steps), diagram_nodes=nodes,
        diagram_edges=tuple(edges), jacobian_n=j_n, jacobian_log10=j_log, jacobian_bound=j_bound,
        jacobian_span=j_span)
