"""Numbers carried in the log domain, so gradient norms past 1e±300 stay exact."""

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
