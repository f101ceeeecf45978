"""Where the gradient flows: the gradient-flow map, the Jacobian's 2-norm and its bound,
and what truncated BPTT throws away.

The source writes the loss as a sum of per-step terms C = Σ_t C^t. The gradient-flow map
(what RNNbow and Distill's "connectivity" draw) gives, for every pair (t, k),

    M[t, k] = log10 ||∂C^t/∂h_k||     or     log10 ||∂C^t/∂x_k||

with C^t = grad_h[t] · h_t. It is computed as one backward sweep in which every loss term t
is its own row of a batched δ (the cells' backward steps take deltas of shape (R, H)): at
step k the live rows are t ∈ [k, T) (or [k, k + window)), and each row carries its own
log10 scale, renormalised every step, so nothing underflows or overflows over long T.

The Jacobian ∂h_t/∂h_k is swept back the same way, its H rows being the H unit vectors, and
compared with the bound of Pascanu, Mikolov & Bengio (2013) for a vanilla RNN:

    ||∂h_t/∂h_k||₂ ≤ Π_j ||diag(σ'(h*_j)) W_hh||₂ ≤ (λ₁ γ)^{t−k}

(λ₁ the largest singular value of W_hh, γ = sup σ': 1 for tanh, relu and linear, 1/4 for
sigmoid).
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from ..core.bptt import TRUNCATIONS, _check_grad_h, bptt, sweep_rows as _sweep
from ..core.build import loss_grad
from ..core.cells import MODULES
from ..core.cells.rnn import gamma
from ..core.cell import Cell
from ..core.checks import is_whole
from ..core.errors import RnnvizError
from ..core.logmath import add_scaled_rows, log10_hypot, log10_norm, log10_norms
from ..core.unroll import Trace

MAX_MAP_STEPS = 4000  # a (T, T) float64 map: 128 MB at the limit
WRT = ("h", "x")


# ----------------------------------------------------------------------------- helpers
def _check_trace(trace):
    if not isinstance(trace, Trace):
        raise RnnvizError("This needs the Trace that unroll returned.")
    return trace


def _check_window(window, name="window"):
    if window is None:
        return None
    if not is_whole(window) or window < 1:
        raise RnnvizError(f"The {name} must be a whole number ≥ 1, got {window!r}.")
    return int(window)


def _directions(trace, g):
    """Per direction: (module, weights, record, g in processing order)."""
    cell, H = trace.cell, trace.cell.hidden_size
    for d in range(cell.directions):
        gd = g[:, d * H:(d + 1) * H]
        yield MODULES[cell.kind], cell.weights(d), trace.records[d], (gd[::-1] if d else gd)


# ------------------------------------------------------------------------ flow map
def flow_map(trace: Trace, grad_h=None, wrt: str = "h", window: int | None = None, *,
             return_forward: bool = False):
    """The gradient-flow map: M (T, T) with M[t, k] = log10 ||∂C^t/∂h_k|| (wrt="h") or
    log10 ||∂C^t/∂x_k|| (wrt="x"), −inf where there is no path (k > t for a forward cell)
    or the gradient is exactly zero.

    C^t = grad_h[t] · h_t is the loss term at step t; grad_h (T, H·D) defaults to a fixed
    unit vector at every step (`rnnviz.loss_grad(T, H·D, where="all")`). window=w keeps
    only the paths of truncated BPTT by window, t − k < w (the rest is −inf).

    Bidirectional cells: the reverse direction runs on the reversed sequence, and C^t sees
    x_k for every k. For wrt="h" the two halves are separate states (∂C^t/∂h_k has a
    forward half, nonzero for k ≤ t, and a reverse half, nonzero for k ≥ t): their norms
    add in quadrature. For wrt="x" both directions feed the same x_k: at k = t the two
    vectors are summed before the norm.

    return_forward=True returns (M, M_forward): M_forward is the forward direction's own
    map, which for a bidirectional cell is the map of the one-directional cell with the same
    forward weights and grad_h[:, :H] (no second sweep needed to compare the two).
    """
    trace = _check_trace(trace)
    if wrt not in WRT:
        raise RnnvizError(f"wrt must be 'h' or 'x', got {wrt!r}.")
    window = _check_window(window)
    cell, T = trace.cell, trace.T
    if T > MAX_MAP_STEPS:
        raise RnnvizError(f"The gradient-flow map is limited to T ≤ {MAX_MAP_STEPS} steps, got {T}.")
    HD = cell.hidden_size * cell.directions
    g = loss_grad(T, HD, where="all") if grad_h is None else _check_grad_h(trace, grad_h)
    maps, diags = [], []
    lstm = cell.kind == "lstm"
    for d, (mod, w, rec, gd) in enumerate(_directions(trace, g)):
        Mk = np.full((T, T), -math.inf)  # Mk[k, t], in processing order
        if wrt == "x":
            W_ih = w["W_ih"]
            du, dl = np.zeros((T, cell.input_size)), np.full(T, -math.inf)  # the k = t terms
        for k, hi, l, uh, d_ih, _, _ in _sweep(mod, w, rec, cell, gd, window):
            if wrt == "h":
                # rows are renormalised to unit size (h and c together for an LSTM)
                Mk[k, k:hi] = l + log10_norms(uh) if lstm else l
            else:
                # ∂C^t/∂x_k = ∂C^t/∂(pre-activations at k) · W_ih
                dx = d_ih @ W_ih  # (R, G·H) x (G·H, I) -> (R, I)
                Mk[k, k:hi] = l + log10_norms(dx)
                du[k], dl[k] = dx[0], l[0]
        M = Mk.T  # (t, k)
        if d:  # processing order → time order, both axes
            M = M[::-1, ::-1]
            if wrt == "x":
                du, dl = du[::-1], dl[::-1]
        maps.append(M)
        if wrt == "x":
            diags.append((du, dl))
    forward = np.ascontiguousarray(maps[0])
    if len(maps) == 1:
        return (forward, forward) if return_forward else forward
    M = log10_hypot(maps[0], maps[1])
    if wrt == "x":  # at k = t both directions reach x_t: add the vectors, then take the norm
        s, m = add_scaled_rows(diags)  # (T, I) at scale 10^m
        idx = np.arange(T)
        M[idx, idx] = log10_norms(s) + m
    return (M, forward) if return_forward else M


# ------------------------------------------------------------------ Jacobian and bound
class JacobianNorms(NamedTuple):
    """log10 ||∂h_t/∂h_k||₂ at the steps ks (ascending), for one t."""
    t: int
    ks: np.ndarray  # (n,) int
    log10_norm: np.ndarray  # (n,)

    @property
    def n(self) -> np.ndarray:
        """Steps between the two states, |t − k|."""
        return np.abs(self.t - self.ks)


def jacobian_norms(trace: Trace, t: int | None = None, ks=None, *, direction: int = 0,
                   max_points: int = 101) -> JacobianNorms:
    """log10 of the spectral norm of the Jacobian ∂h_t/∂h_k for chosen k ≤ t.

    The H rows of the Jacobian (the H unit vectors at step t) are swept back together at
    one common log10 scale, and the 2-norm is the largest singular value of the rows.
    For an LSTM, ∂h_t/∂h_k holds the cell state c_k fixed (h_t as a function of (h_k, c_k)).
    t defaults to T−1; ks defaults to at most `max_points` steps spread evenly over 0 … t
    (t included). direction=1 (bidirectional cells) follows the reverse direction: there
    t defaults to 0 and needs k ≥ t.
    """
    trace = _check_trace(trace)
    cell, T, H = trace.cell, trace.T, trace.cell.hidden_size
    if direction not in range(cell.directions):
        raise RnnvizError(f"direction must be 0{' or 1' if cell.bidirectional else ''}, got {direction!r}.")
    if t is None:
        t = T - 1 if direction == 0 else 0
    if not is_whole(t) or not 0 <= t < T:
        raise RnnvizError(f"t must be a whole step in 0 … {T - 1}, got {t!r}.")
    t = int(t)
    span = t if direction == 0 else T - 1 - t  # how many steps back the direction reaches
    if ks is None:
        n = max(2, int(max_points))
        ks = np.unique(np.round(np.linspace(0, span, min(span + 1, n))).astype(int))
        ks = t - ks if direction == 0 else t + ks
    try:
        ks = np.unique(np.asarray(ks).astype(np.int64, casting="safe").reshape(-1))
    except TypeError:
        raise RnnvizError("ks must be whole step numbers.") from None
    if ks.size == 0:
        raise RnnvizError("ks is empty.")
    if direction == 0 and (ks.min() < 0 or ks.max() > t):
        raise RnnvizError(f"Every k must be in 0 … t = {t} (the forward direction looks back).")
    if direction == 1 and (ks.min() < t or ks.max() > T - 1):
        raise RnnvizError(f"Every k must be in t = {t} … {T - 1} (the reverse direction looks ahead).")
    mod, w, rec = MODULES[cell.kind], cell.weights(direction), trace.records[direction]
    lstm = cell.kind == "lstm"
    # processing order: the reverse direction ran on the reversed sequence
    p_t = t if direction == 0 else T - 1 - t
    p_ks = ks if direction == 0 else T - 1 - ks
    want = {int(p): i for i, p in enumerate(p_ks)}
    out = np.full(ks.size, -math.inf)
    uh = np.eye(H)  # row i: ∂(h_t)_i/∂h_p, at scale 10^L
    uc = np.zeros((H, H)) if lstm else None  # row i: ∂(h_t)_i/∂c_p through c_{p+1}
    L = 0.0
    lowest = int(p_ks.min())
    for p in range(p_t, lowest - 1, -1):
        if p in want:
            top = np.linalg.svd(uh, compute_uv=False)[0] if L > -math.inf else 0.0
            out[want[p]] = (math.log10(top) + L) if top > 0 else -math.inf
        if p == lowest:
            break
        _, _, _, uh, uc = mod.backward_step(w, rec, p, uh, uc, cell)
        # one common scale for the whole matrix: its Frobenius norm (h and c rows together)
        ls = log10_norm(uh, uc) if lstm else log10_norm(uh)
        if ls == -math.inf:
            L = -math.inf
            break
        f = 10.0 ** -ls
        uh = uh * f
        if lstm:
            uc = uc * f
        L += ls
    return JacobianNorms(t=t, ks=ks, log10_norm=out)


def steps_bound_log10(rate: float, n):
    """n · log10(rate): the log10 of the bound rate^n after n steps back (0 at n = 0, even
    for rate 0); rate = ‖W_hh‖₂γ in Pascanu, Mikolov & Bengio's bound. n may be an array."""
    n = np.asarray(n, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        per_step = math.log10(rate) if rate > 0 else -math.inf
        out = np.where(n > 0, n * per_step, 0.0)
    return float(out) if out.ndim == 0 else out


def bound_log10(cell: Cell, n, *, direction: int = 0):
    """The bound n · log10(λ₁ γ) on log10 ||∂h_t/∂h_{t−n}||₂ for a vanilla RNN (Pascanu,
    Mikolov & Bengio 2013), λ₁ the largest singular value of W_hh; n may be an array.

    Returns None for LSTM and GRU: their step Jacobian mixes gates, a cell path and (GRU)
    an identity-like path z ⊙ h, so no bound of this simple form holds.
    """
    if not isinstance(cell, Cell):
        raise RnnvizError("bound_log10 needs a rnnviz Cell.")
    if cell.kind != "rnn":
        return None
    n = np.asarray(n, dtype=np.float64)
    if not np.isfinite(n).all() or (n < 0).any():
        raise RnnvizError("n must be steps ≥ 0.")
    lam1 = float(np.linalg.svd(cell.W_hh(direction), compute_uv=False)[0])
    return steps_bound_log10(lam1 * gamma(cell.activation), n)


# --------------------------------------------------------------- truncated BPTT
def truncation_mask(T: int, window: int, mode: str = "window") -> np.ndarray:
    """(T, T) bool: the pairs (t, k), k ≤ t, whose path truncated BPTT keeps.

    mode="window": t − k < window. mode="detach" (the state detached every `window` steps,
    chunks [0, w), [w, 2w), …): k in the same chunk as t.
    """
    window = _check_window(window)
    if window is None:
        raise RnnvizError("The window must be a whole number ≥ 1, got None.")
    if mode not in TRUNCATIONS:
        raise RnnvizError(f"mode must be 'window' or 'detach', got {mode!r}.")
    t = np.arange(T)[:, None]
    k = np.arange(T)[None, :]
    if mode == "window":
        return (k <= t) & (t - k < window)
    return (k <= t) & (k // window == t // window)


def reach(M, threshold_log10: float, mask=None, rows=None, *, ahead: bool = False) -> int | None:
    """How far back information can be learned: the largest distance t − k over the pairs
    k ≤ t with M[t, k] ≥ threshold_log10 (and mask[t, k], when a mask is given), counting
    only the loss terms `rows` (default all). ahead=True: the largest k − t over k ≥ t
    instead (what a bidirectional cell's loss term sees of the future). None when no pair
    reaches the threshold."""
    M = np.asarray(M, dtype=np.float64)
    T = M.shape[0]
    ok = M >= threshold_log10
    if mask is not None:
        ok &= np.asarray(mask, dtype=bool)
    if rows is not None:
        keep = np.zeros(T, dtype=bool)
        keep[np.asarray(rows)] = True
        ok &= keep[:, None]
    t, k = np.nonzero(ok)
    dist = (k - t) if ahead else (t - k)
    dist = dist[dist >= 0]
    if dist.size == 0:
        return None
    return int(np.max(dist))


def _rel(a, b):
    nb = np.linalg.norm(b)
    return float(np.linalg.norm(a - b) / nb) if nb > 0 else 0.0


def _full_in_range(trace: Trace, g, name: str):
    """(g, the full gradient of parameter `name`): g rescaled first when that gradient lies
    beyond float64 (bptt is linear in grad_h, and relative errors do not change), so a
    relative error stays exact. One full bptt, a second only when it had to rescale."""
    full = bptt(trace, g)
    scale = full.log10_norm_params[name]
    if math.isfinite(scale) and abs(scale) > 200:
        g = g * 10.0 ** -round(scale)
        full = bptt(trace, g)
    return g, full.params[name]


def cec_error(trace: Trace, grad_h, *, param: str = "weight_hh") -> float:
    """||g_1997 − g_full|| / ||g_full|| for the gradient of C with respect to `param`, where
    g_1997 is Hochreiter & Schmidhuber's 1997 truncation (bptt(mode="cec"): the error flows
    back through the LSTM's cell state only). Scale-free like truncation_errors: the loss is
    rescaled first when the gradient lies beyond float64. 0 where the full gradient is 0."""
    trace = _check_trace(trace)
    g = _check_grad_h(trace, grad_h)
    name = param + "_l0"
    if name not in trace.cell.params:
        raise RnnvizError(f"This cell has no parameter {name!r}.")
    g, ref = _full_in_range(trace, g, name)
    return _rel(bptt(trace, g, mode="cec").params[name], ref)


def truncation_error(trace: Trace, grad_h, window: int, *, mode: str = "window", full=None,
                     truncated=None) -> float | None:
    """||g_trunc − g_full|| / ||g_full|| of ∂C/∂weight_hh for one window, from the two bptt
    results when the caller has them (full = bptt(trace, grad_h), truncated = bptt(...,
    truncate=window, mode=mode)); where those lie beyond float64 or differ by less than
    rounding can tell, the scale-free truncation_errors instead. None where the full
    gradient is exactly zero."""
    trace = _check_trace(trace)
    g = _check_grad_h(trace, grad_h)
    name = "weight_hh_l0"
    full = bptt(trace, g) if full is None else full
    if not math.isfinite(full.log10_norm_params[name]):
        return None
    truncated = bptt(trace, g, truncate=window, mode=mode) if truncated is None else truncated
    a, b = truncated.params[name], full.params[name]
    rel = None
    if np.isfinite(a).all() and np.isfinite(b).all() and np.linalg.norm(b) > 0:
        rel = _rel(a, b)
    if rel is None or rel < 1e-12:  # beyond float64, or below rounding: the scale-free sum
        rel = float(truncation_errors(trace, g, [window], mode=mode)[0])
    return rel


def truncation_errors(trace: Trace, grad_h, windows, *, mode: str = "window",
                      param: str = "weight_hh") -> np.ndarray:
    """||g_trunc(w) − g_full|| / ||g_full|| for each window w, g the gradient of C with
    respect to `param` (weight_hh, weight_ih, bias_ih, bias_hh) of the forward direction.

    mode="detach": one `bptt(..., truncate=w, mode="detach")` per window. mode="window":
    one sweep with every loss term its own row; the terms of each step are grouped by their
    distance d = t − k between the requested windows, so the error of window w, the sum of
    the terms with d ≥ w, comes from the groups at once (T separate truncated passes would
    cost Σ_w T·w rows). Relative errors are scale-free, so they stay exact even when the
    gradient itself is beyond float64. 0 where the full gradient is exactly zero.
    """
    trace = _check_trace(trace)
    g = _check_grad_h(trace, grad_h)
    if mode not in TRUNCATIONS:
        raise RnnvizError(f"mode must be 'window' or 'detach', got {mode!r}.")
    if param not in ("weight_hh", "weight_ih", "bias_ih", "bias_hh"):
        raise RnnvizError(f"param must be weight_hh, weight_ih, bias_ih or bias_hh, got {param!r}.")
    windows = [_check_window(w) for w in np.asarray(windows).reshape(-1).tolist()]
    cell, T = trace.cell, trace.T
    short = {"weight_hh": "W_hh", "weight_ih": "W_ih", "bias_ih": "b_ih", "bias_hh": "b_hh"}[param]
    if not cell.bias and param.startswith("bias"):
        raise RnnvizError("This cell has no biases.")
    if mode == "detach":
        name = param + "_l0"
        g, ref = _full_in_range(trace, g, name)
        return np.array([_rel(bptt(trace, g, truncate=w, mode="detach").params[name], ref)
                         for w in windows])
    edges = np.unique(np.clip(np.asarray(windows, dtype=np.int64), 1, T))  # (m,) windows ≤ T
    starts = np.concatenate([[0], edges])  # group j holds d in [starts[j], starts[j+1])
    mod, w, rec, gd = next(_directions(trace, g))
    Q_ih = Q_hh = None
    Lk = np.full(T, -math.inf)
    nb = starts.size
    for k, hi, l, uh, d_ih, d_hh, _ in _sweep(mod, w, rec, cell, gd):
        fin = np.isfinite(l)
        if not fin.any():
            continue
        if Q_ih is None:
            Q_ih = np.zeros((nb, T, d_ih.shape[1]))  # (groups, steps, G·H)
            Q_hh = Q_ih if d_hh is d_ih else np.zeros((nb, T, d_hh.shape[1]))
        Lk[k] = lk = float(np.max(l[fin]))
        wts = np.where(fin, 10.0 ** (np.where(fin, l, 0.0) - lk), 0.0)  # (R,)
        d = np.arange(hi - k)  # distance t − k of each live row
        cuts = np.searchsorted(d, starts[starts < hi - k])  # first row of each non-empty group
        grp = np.arange(cuts.size)
        Q_ih[grp, k] = np.add.reduceat(d_ih * wts[:, None], cuts, axis=0)
        if Q_hh is not Q_ih:
            Q_hh[grp, k] = np.add.reduceat(d_hh * wts[:, None], cuts, axis=0)
    if Q_ih is None:
        return np.zeros(len(windows))
    fin = np.isfinite(Lk)
    lmax = float(np.max(Lk[fin]))
    step_w = np.where(fin, 10.0 ** (np.where(fin, Lk, 0.0) - lmax), 0.0)[:, None]  # (T, 1)
    parts = [mod.param_grads(w, rec, trace.x, Q_ih[j] * step_w,
                             (Q_hh[j] if Q_hh is not Q_ih else Q_ih[j]) * step_w, cell)[short]
             for j in range(nb)]
    tails = np.cumsum(np.stack(parts[::-1]), axis=0)[::-1]  # tails[j] = Σ_{j' ≥ j} parts[j']
    full = tails[0]
    nf = np.linalg.norm(full)
    err = {int(e): (float(np.linalg.norm(tails[j + 1]) / nf) if nf > 0 else 0.0)
           for j, e in enumerate(edges)}
    return np.array([err[min(w, T)] for w in windows])
