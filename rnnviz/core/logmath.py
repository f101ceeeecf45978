"""Numbers carried in the log domain, so gradient norms past 1e±300 stay exact."""

import math

import numpy as np


def log10_norms(a):
    """log10 of the 2-norm along the last axis (−inf for a zero row), never overflowing."""
    a = np.asarray(a, dtype=np.float64)
    if a.shape[-1] == 0:
        return np.full(a.shape[:-1], -np.inf)
    if a.ndim == 1:
        return log10_norms(a[None])[0]
    s = np.einsum("...i,...i->...", a, a)  # plain squared norms: fast, exact when in range
    ok = (s > 1e-280) & (s < 1e280)
    with np.errstate(divide="ignore"):
        out = 0.5 * np.log10(np.where(ok, s, 1.0))
    if not ok.all():  # tiny, zero or huge rows: scale by the largest entry first
        bad = a[~ok]
        m = np.max(np.abs(bad), axis=-1, keepdims=True)
        safe = np.where(m > 0, m, 1.0)
        with np.errstate(divide="ignore"):
            out[~ok] = np.log10(np.linalg.norm(bad / safe, axis=-1)) + np.log10(m[..., 0])
    return out


def log10_hypot(a, b):
    """log10 sqrt(10^(2a) + 10^(2b)): the norm of two orthogonal parts given in log10."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    m = np.maximum(a, b)
    with np.errstate(invalid="ignore"):
        d = np.where(np.isneginf(m), 0.0, np.minimum(a, b) - m)
    return np.where(np.isneginf(m), -np.inf, m + 0.5 * np.log10(1.0 + 10.0 ** (2 * d)))


def from_log10(mantissa, log10_scale):
    """mantissa · 10^log10_scale as plain float64 (0 or ±inf where out of range); the scale
    has one axis fewer than the mantissa, or the same shape."""
    m = np.asarray(mantissa, dtype=np.float64)
    s = np.asarray(log10_scale, dtype=np.float64)
    if m.ndim > s.ndim:
        s = s[..., None]
    with np.errstate(over="ignore", under="ignore", invalid="ignore"):
        half = np.where(np.isfinite(s), np.trunc(s / 2), 0.0)  # 10^s in two factors
        return m * 10.0 ** half * 10.0 ** (s - half)


# A vector carried back through many steps is kept as (u, L), value = 10^L · u with ‖u‖ = 1
# (or u = 0, L = −inf). The helpers below are the only places that measure and rescale it,
# for bptt's passes, the gradient-flow map, the Jacobian sweep and the gated cells' paths.

def log10_norm(*parts) -> float:
    """log10 of the 2-norm of `parts` (arrays of any shape) taken together as one vector
    (an LSTM's h and c carried as one state, or a whole Jacobian: the Frobenius norm);
    −inf for zero, exact where the squared norm under- or overflows float64."""
    with np.errstate(over="ignore", under="ignore"):
        s = sum(float(np.vdot(p, p)) for p in parts)
    if 1e-280 < s < 1e280:
        return 0.5 * math.log10(s)
    m = max((float(np.max(np.abs(p))) for p in parts if p.size), default=0.0)
    if m == 0.0:
        return -math.inf
    with np.errstate(under="ignore"):
        s = sum(float(np.vdot(p / m, p / m)) for p in parts)  # the largest entry is 1: no overflow
    return math.log10(m) + 0.5 * math.log10(s)


def log10_row_norms(*parts) -> np.ndarray:
    """(R,) log10 of each row's 2-norm over `parts` (R, n_i) taken side by side; −inf for a
    zero row, exact where the squared norm under- or overflows float64."""
    with np.errstate(over="ignore", under="ignore"):
        s = sum(np.einsum("ij,ij->i", p, p) for p in parts)  # (R,)
    ok = (s > 1e-280) & (s < 1e280)
    with np.errstate(divide="ignore"):
        out = 0.5 * np.log10(np.where(ok, s, 1.0))
    if not ok.all():
        bad = ~ok
        out[bad] = log10_norms(np.concatenate([p[bad] for p in parts], axis=1))
    return out


def unit_factor(log10_value):
    """10^−l, the factor that brings a vector of log10 norm l to unit norm: 0 where l is
    −inf (a zero vector stays zero). l may be a float or an array."""
    l = np.asarray(log10_value, dtype=np.float64)
    live = np.isfinite(l)
    f = np.where(live, 10.0 ** -np.where(live, l, 0.0), 0.0)
    return float(f) if f.ndim == 0 else f


def add_scaled(u, l, v, lv):
    """10^l · u + 10^lv · v as (w, m) with value 10^m · w, m = max(l, lv): two vectors held
    at their own log10 scales, added at the larger one (−inf scales add nothing)."""
    m = max(l, lv)
    if m == -math.inf:
        return np.zeros_like(u), -math.inf
    a = 10.0 ** (l - m) if l > -math.inf else 0.0
    b = 10.0 ** (lv - m) if lv > -math.inf else 0.0
    return a * u + b * v, m


def add_scaled_rows(parts):
    """Σ_i 10^{L_i} · u_i row by row, for parts [(u_i (T, n), L_i (T,))], as (u, L) with L
    the largest scale of each row (−inf where every part is −inf)."""
    Ls = np.stack([p[1] for p in parts])  # (n, T)
    L = np.max(Ls, axis=0)
    safe = np.where(np.isneginf(L), 0.0, L)
    with np.errstate(invalid="ignore"):
        u = sum(p[0] * np.where(np.isneginf(p[1]), 0.0, 10.0 ** (p[1] - safe))[:, None]
                for p in parts)
    return u, L
