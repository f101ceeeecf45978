"""Back-propagation through time by hand, in numpy float64, exact in the log domain.

The source's recursion, for a loss C with direct gradients ∂C/∂h_t at every step:

    ∂C/∂h_k = ∂C/∂h_k|direct + (∂h_{k+1}/∂h_k)ᵀ ∂C/∂h_{k+1}
    δ^k = ∂C/∂h*_k = ∂C/∂h_k ⊙ σ'(h*_k),    ∂C/∂W_hh = Σ_k δ^k h^{k-1 ᵀ}

Over thousands of steps a gradient passes 1e-300 or 1e+300, where float64 gives up. So the
carried gradient is stored as a unit-norm vector u and a log10 scale L (value = 10^L · u),
renormalised at every step: every log10 norm stays exact, and the plain float64 values are
produced only at the end (0 or inf exactly where the true value lies beyond float64).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from .cells import MODULES
from .checks import is_whole
from .errors import RnnvizError
from .logmath import (add_scaled, add_scaled_rows, from_log10, log10_hypot, log10_norm, log10_norms,
                      log10_row_norms, unit_factor)
from .unroll import Trace

TRUNCATIONS = ("window", "detach")  # truncate=k: each loss term k steps back; the state detached every k
MODES = TRUNCATIONS + ("cec",)  # bptt's modes: the truncations, and the 1997 LSTM's
SHORT = {"W_ih": "weight_ih", "W_hh": "weight_hh", "b_ih": "bias_ih", "b_hh": "bias_hh",
         "w_ci": "weight_ci", "w_cf": "weight_cf", "w_co": "weight_co"}


@dataclass(frozen=True, eq=False)
class Grads:
    """Gradients of C, in time order (forward half first when bidirectional).

    h (T, H·D) total ∂C/∂h_t and log10_norm_h (T,); c / log10_norm_c likewise for LSTM
    (total ∂C/∂c_t) else None; x (T, I) ∂C/∂x_t and log10_norm_x; pre (T, D·G·H) ∂C/∂(gate
    pre-activations) — for an RNN the source's δ^t = ∂C/∂h*_t — and log10_norm_pre (T, D);
    params keyed like the module's named_parameters(); log10_norm_params {name: float};
    step_log10_norm {name: (T,)} the log10 norm of step k's term in that parameter's sum
    (the source's h^{k-1} δ^{kᵀ} for weight_hh).
    """
    h: np.ndarray
    log10_norm_h: np.ndarray
    c: np.ndarray | None
    log10_norm_c: np.ndarray | None
    x: np.ndarray
    log10_norm_x: np.ndarray
    pre: np.ndarray
    log10_norm_pre: np.ndarray
    params: dict
    log10_norm_params: dict
    step_log10_norm: dict
    _trace: Trace = field(repr=False, default=None)
    _dirs: tuple = field(repr=False, default=())

    def step_term(self, name: str, k: int) -> np.ndarray:
        """Step k's term in the gradient of parameter `name` (e.g. "weight_hh_l0"): for an
        RNN's W_hh the source's δ^k h^{k-1 ᵀ}. Summed over k, the terms give params[name]."""
        cell = self._trace.cell
        if name not in cell.params:
            raise RnnvizError(f"Unknown parameter {name!r}; this cell has {', '.join(cell.params)}.")
        T = self._trace.T
        if not is_whole(k) or not 0 <= k < T:
            raise RnnvizError(f"The step must be a whole number in 0 … {T - 1}, got {k!r}.")
        d = 1 if name.endswith("_reverse") else 0
        r, rec, x = self._dirs[d], self._trace.records[d], self._trace.x
        j = T - 1 - k if d else k  # the step in this direction's processing order
        if d:
            x = x[::-1]
        one = _slice_record(rec, j)
        unit = MODULES[cell.kind].param_grads(cell.weights(d), one, x[j:j + 1], r.d_ih[j:j + 1],
                                            r.d_hh[j:j + 1], cell)
        short = next(s for s, long in SHORT.items() if name.startswith(long + "_l0"))
        u = unit[short]
        return from_log10(u, np.full(u.shape, r.L[j]))


def _slice_record(rec, j):
    """One step of a forward record (arrays and dicts of arrays sliced to [j:j+1])."""
    return {key: ({n: a[j:j + 1] for n, a in v.items()} if isinstance(v, dict) else v[j:j + 1])
            for key, v in rec.items()}


@dataclass
class _Dir:
    """One direction's backward pass, in its processing order, at per-step scales L."""
    L: np.ndarray  # (T,)
    uh: np.ndarray  # (T, H) total ∂C/∂h_k / 10^L_k
    uc: np.ndarray | None  # (T, H) total ∂C/∂c_k / 10^L_k
    d_ih: np.ndarray  # (T, G·H)
    d_hh: np.ndarray  # (T, G·H)


def _check_grad_h(trace, grad_h):
    if not isinstance(trace, Trace):
        raise RnnvizError("bptt needs the Trace that unroll returned.")
    T, HD = trace.h.shape
    try:
        g = np.asarray(grad_h, dtype=np.float64)
    except (TypeError, ValueError):
        raise RnnvizError("grad_h must be an array of numbers.") from None
    if g.shape != (T, HD):
        raise RnnvizError(f"grad_h must have shape (T, H·D) = ({T}, {HD}), got {g.shape}.")
    if not np.isfinite(g).all():
        raise RnnvizError("grad_h contains NaN or infinite values.")
    return g


def _backward_one(mod, w, rec, cell, g, cut_every=None, cut_h=False):
    """The whole-sequence backward pass of one direction; g (T, H) direct gradients in
    processing order. cut_every=k drops the carried gradient at every k-th step boundary
    (truncated BPTT with the state detached every k steps). cut_h=True (LSTM) drops what
    would flow back through h_{k−1} into the gates and cell input: only the cell state
    carries the error back (Hochreiter & Schmidhuber's 1997 truncation).

    The gradient carried from step k+1 to step k is (dh, dc) · 10^scale: dh = ∂C/∂h_k and,
    for an LSTM, dc = ∂C/∂c_k through c_{k+1}, both divided by 10^scale."""
    T, H = g.shape
    lstm = cell.kind == "lstm"
    scales = np.empty(T)  # (T,) log10 scale of each step's gradients
    DH = np.empty((T, H))  # total ∂C/∂h_k / 10^scales[k]
    DC = np.empty((T, H)) if lstm else None  # total ∂C/∂c_k / 10^scales[k]
    D_ih = D_hh = None  # (T, G·H) ∂C/∂(pre-activations at k) / 10^scales[k]
    dh, dc, scale = np.zeros(H), np.zeros(H) if lstm else None, -math.inf
    direct = np.any(g != 0, axis=1)  # (T,) the steps with a direct gradient
    for k in range(T - 1, -1, -1):
        if direct[k]:  # add the direct gradient at a common scale
            l_direct, old_scale = log10_norm(g[k]), scale
            dh, scale = add_scaled(dh, scale, g[k] * unit_factor(l_direct), l_direct)
            if lstm:  # the cell-state half of the carried vector moves to the new scale
                dc = dc * unit_factor(scale - old_scale)
        scales[k], DH[k] = scale, dh
        # one step back: (dh, dc) at step k -> the gradient carried to step k−1
        d_ih, d_hh, dc_total, dh, dc = mod.backward_step(w, rec, k, dh, dc, cell)
        if cut_h:  # the error that reached the gates' net inputs stops here
            dh = np.zeros(H)
        if D_ih is None:
            D_ih, D_hh = np.empty((T, d_ih.size)), (None if d_hh is d_ih else np.empty((T, d_hh.size)))
        D_ih[k] = d_ih
        if D_hh is not None:
            D_hh[k] = d_hh
        if lstm:
            DC[k] = dc_total
        if cut_every and k % cut_every == 0:
            dh, scale = np.zeros(H), -math.inf
            if lstm:
                dc = np.zeros(H)
            continue
        # renormalise the carried gradient (h and c together) and move its size into scale
        l_carried = log10_norm(dh, dc) if lstm else log10_norm(dh)
        if l_carried == -math.inf:
            scale = -math.inf
        elif abs(l_carried) > 50:  # keep it within 1e±50 of unit size: room for the next step
            to_unit = 10.0 ** -l_carried
            dh, scale = dh * to_unit, scale + l_carried
            if lstm:
                dc = dc * to_unit
    return _Dir(L=scales, uh=DH, uc=DC, d_ih=D_ih, d_hh=D_ih if D_hh is None else D_hh)


def sweep_rows(mod, w, rec, cell, g, window=None):
    """Back-propagate every loss term as its own row, in one direction's processing order.

    g (T, H): row t is the direct gradient of C^t at h_t. Yields, for k = T−1 … 0,
    (k, hi, l, uh, d_ih, d_hh, dc_k) for the live rows t = k … hi−1: l (R,) their log10
    scales, uh (R, H) ∂C^t/∂h_k / 10^l (total, for an LSTM with c_k held apart), d_ih and
    d_hh (R, G·H) ∂C^t/∂(pre-activations at k) / 10^l as `param_grads` takes them, dc_k
    (R, H) the LSTM's total ∂C^t/∂c_k / 10^l (else None). window=w keeps rows t < k + w:
    truncated BPTT by window. Used by bptt(truncate=w) and by the gradient-flow map.
    """
    T, H = g.shape
    lstm = cell.kind == "lstm"
    g_log = log10_norms(g)  # (T,)
    unit = np.zeros((T, H))
    nz = np.isfinite(g_log)
    unit[nz] = g[nz] / 10.0 ** g_log[nz][:, None]
    Uh = np.zeros((T, H))  # row t: ∂C^t/∂h_k / 10^Ls[t]
    Uc = np.zeros((T, H)) if lstm else None  # row t: ∂C^t/∂c_k through c_{k+1} / 10^Ls[t]
    Ls = np.full(T, -math.inf)
    for k in range(T - 1, -1, -1):
        # C^k enters at its own step: ∂C^k/∂h_k = grad_h[k]
        Uh[k], Ls[k] = unit[k], g_log[k]
        hi = T if window is None else min(T, k + window)
        uh, l = Uh[k:hi], Ls[k:hi]  # (R, H), (R,)
        uc = Uc[k:hi] if lstm else None
        d_ih, d_hh, dc_k, uh_prev, uc_prev = mod.backward_step(w, rec, k, uh, uc, cell)
        yield k, hi, l, uh, d_ih, d_hh, dc_k
        if k == 0:
            break
        # renormalise each row (h and c together) and move its size into its scale
        ls = log10_row_norms(uh_prev, uc_prev) if lstm else log10_row_norms(uh_prev)  # (R,)
        live = np.isfinite(ls)
        f = unit_factor(ls)[:, None]  # (R, 1)
        np.multiply(uh_prev, f, out=Uh[k:hi])
        if lstm:
            np.multiply(uc_prev, f, out=Uc[k:hi])
        Ls[k:hi] = np.where(live, l + np.where(live, ls, 0.0), -math.inf)


def _backward_window(mod, w, rec, cell, g, window):
    """Truncated BPTT by window: the loss at step t reaches back only to steps
    t−window+1 … t. Each loss term is its own row (sweep_rows); at each step the live
    rows are summed at the scale of the largest."""
    T, H = g.shape
    lstm = cell.kind == "lstm"
    L = np.full(T, -math.inf)
    UH, UC = np.zeros((T, H)), (np.zeros((T, H)) if lstm else None)
    GH = sum(a.shape[1] for a in rec["pre"].values())
    D_ih, D_hh = np.zeros((T, GH)), np.zeros((T, GH))
    for k, _, l_rows, uh, d_ih, d_hh, dc_k in sweep_rows(mod, w, rec, cell, g, window):
        lk = float(np.max(l_rows))
        if lk == -math.inf:
            continue
        wts = 10.0 ** (l_rows - lk)  # (R,) the rows' sizes relative to the largest
        L[k], UH[k] = lk, wts @ uh
        D_ih[k], D_hh[k] = wts @ d_ih, wts @ d_hh
        if lstm:
            UC[k] = wts @ dc_k
    return _Dir(L=L, uh=UH, uc=UC, d_ih=D_ih, d_hh=D_hh)


def bptt(trace: Trace, grad_h, *, truncate: int | None = None, mode: str = "window") -> Grads:
    """Gradients of the loss whose direct gradients ∂C/∂h_t are `grad_h` (T, H·D).

    truncate=k: truncated BPTT. mode="window": each loss term C^t back-propagates only k
    steps (to t−k+1); mode="detach": the state is detached every k steps, as when training
    on chunks of k steps (the gradient does not cross a chunk boundary).

    mode="cec" (an LSTM without peepholes; no truncate): the truncation of Hochreiter &
    Schmidhuber 1997 (section 4, and appendix A.1). Errors arriving at the net inputs of the
    gates and the cell input are not propagated further back in time (they still change
    the weights); only the cell state carries the error back, through
    c_k = f_k ⊙ c_{k−1} + i_k ⊙ g_k: the "constant error carousel". The same as autograd
    on a network whose gates and cell input read h_{k−1}.detach().
    """
    g = _check_grad_h(trace, grad_h)
    cell = trace.cell
    T, H = trace.T, cell.hidden_size
    if mode == "cec":
        if truncate is not None:
            raise RnnvizError("mode='cec' is the 1997 LSTM truncation: it takes no truncate.")
        if cell.kind != "lstm" or cell.variant == "peephole":
            raise RnnvizError("mode='cec' is defined for an LSTM without peepholes (the 1997 and "
                              f"2000 cells), not for {cell.describe()}.")
    elif truncate is not None:
        if not is_whole(truncate) or truncate < 1:
            raise RnnvizError(f"truncate must be a whole number ≥ 1, got {truncate!r}.")
        if mode not in TRUNCATIONS:
            raise RnnvizError(f"mode must be 'window' or 'detach', got {mode!r}.")
    elif mode not in MODES:
        raise RnnvizError(f"mode must be one of {', '.join(MODES)}, got {mode!r}.")
    mod = MODULES[cell.kind]
    hs, cs, xs, pres, params, norms, steps, dirs = [], [], [], [], {}, {}, {}, []
    for d in range(cell.directions):
        w, rec = cell.weights(d), trace.records[d]
        gd = g[:, d * H:(d + 1) * H]
        x = trace.x
        if d:
            gd, x = gd[::-1], x[::-1]
        if truncate is not None and mode == "window" and truncate < T:
            r = _backward_window(mod, w, rec, cell, gd, int(truncate))
        else:
            r = _backward_one(mod, w, rec, cell, gd, truncate if truncate and mode == "detach" else None,
                              cut_h=(mode == "cec"))
        dirs.append(r)
        # parameter gradients: Σ_k terms at step scales, summed at the largest one
        finite = np.isfinite(r.L)
        Lmax = float(np.max(r.L[finite])) if finite.any() else -math.inf
        wts = np.where(finite, 10.0 ** (np.where(finite, r.L, 0.0) - (Lmax if finite.any() else 0.0)), 0.0)
        unit = mod.param_grads(w, rec, x, r.d_ih * wts[:, None], r.d_hh * wts[:, None], cell)
        suffix = "_l0_reverse" if d else "_l0"
        l_ih, l_hh = log10_norms(r.d_ih) + r.L, log10_norms(r.d_hh) + r.L
        step = mod.step_norms(w, rec, x, l_ih, l_hh, cell, r.d_ih, r.L)
        for short, u in unit.items():
            name = SHORT[short] + suffix
            if name not in cell.params:  # bias=False: the zero biases are not parameters
                continue
            params[name] = from_log10(u, np.full(u.shape, Lmax))
            norms[name] = float(log10_norms(u.reshape(1, -1))[0] + Lmax)
            if short in step:
                steps[name] = step[short][::-1] if d else step[short]
        dx = r.d_ih @ w["W_ih"]  # (T, G·H) x (G·H, I) -> (T, I)
        flip = (lambda a: a[::-1]) if d else (lambda a: a)
        hs.append((flip(r.uh), flip(r.L)))
        xs.append((flip(dx), flip(r.L)))
        pres.append((flip(r.d_ih), flip(r.L)))
        if r.uc is not None:
            cs.append((flip(r.uc), flip(r.L)))
    ux, lx = add_scaled_rows(xs)
    return Grads(
        h=np.concatenate([from_log10(u, l) for u, l in hs], axis=1),
        log10_norm_h=_hypot_all([log10_norms(u) + l for u, l in hs]),
        c=np.concatenate([from_log10(u, l) for u, l in cs], axis=1) if cs else None,
        log10_norm_c=_hypot_all([log10_norms(u) + l for u, l in cs]) if cs else None,
        x=from_log10(ux, lx), log10_norm_x=log10_norms(ux) + lx,
        pre=np.concatenate([from_log10(u, l) for u, l in pres], axis=1),
        log10_norm_pre=np.stack([log10_norms(u) + l for u, l in pres], axis=1),
        params={n: params[n] for n in cell.params},
        log10_norm_params={n: norms[n] for n in cell.params}, step_log10_norm=steps,
        _trace=trace, _dirs=tuple(dirs))


def _hypot_all(logs):
    out = logs[0]
    for l in logs[1:]:
        out = log10_hypot(out, l)
    return out
