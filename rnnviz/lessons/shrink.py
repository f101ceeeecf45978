"""Arrays shrunk to what a screen shows: a heatmap of T = 20,000 steps and 1,024 units has
at most a few hundred columns and rows. Computation, not drawing: the lessons shrink their
maps here, and the figure builders (rnnviz/figures) only draw what they are given."""

from __future__ import annotations

import math
import warnings

import numpy as np

LOG_ABOVE = 1e3  # a state map beyond ±this is drawn as sign(s)·log10(1 + |s|)


def downsample(a, max_rows: int, max_cols: int | None = None, *, how: str = "mean"):
    """Shrink a (rows, cols) array (or a 1-D one) to at most max_rows × max_cols for a heatmap.

    how: "mean" (block mean, NaN-aware), "max" (block max, keeps spikes), or "stride"
    (every k-th sample). Returns (small, rows, cols): `rows`/`cols` are the positions of
    each output cell in the input's index units (block centres for mean/max, the kept
    indices for stride), so axes keep their real step numbers. `cols` is None for 1-D input.
    """
    if how not in ("mean", "max", "stride"):
        raise ValueError(f"how must be 'mean', 'max' or 'stride', not {how!r}.")
    a = np.asarray(a, dtype=np.float64)
    one_d = a.ndim == 1
    if one_d:
        a = a[:, None]  # (n,) -> (n, 1)
        max_cols = 1
    if a.ndim != 2:
        raise ValueError(f"downsample takes a 1-D or 2-D array, not {a.ndim}-D.")
    if max_rows < 1 or (max_cols is not None and max_cols < 1):
        raise ValueError("max_rows and max_cols must be at least 1.")
    n, m = a.shape
    kr = max(1, math.ceil(n / max_rows))
    kc = max(1, math.ceil(m / max_cols)) if max_cols is not None else 1
    if how == "stride":
        rows = np.arange(0, n, kr)
        cols = np.arange(0, m, kc)
        small = a[::kr, ::kc]  # (ceil(n/kr), ceil(m/kc))
    else:
        small = _block(a, kr, kc, np.nanmean if how == "mean" else np.nanmax)
        rows = _centres(n, kr)
        cols = _centres(m, kc)
    if one_d:
        return small[:, 0], rows, None
    return small, rows, cols


def _centres(n: int, k: int) -> np.ndarray:
    starts = np.arange(0, n, k)
    ends = np.minimum(starts + k, n) - 1
    return (starts + ends) / 2.0


def _block(a: np.ndarray, kr: int, kc: int, reduce) -> np.ndarray:
    n, m = a.shape
    nr, nc = math.ceil(n / kr), math.ceil(m / kc)
    padded = np.full((nr * kr, nc * kc), np.nan)
    padded[:n, :m] = a
    blocks = padded.reshape(nr, kr, nc, kc)  # (nr, kr, nc, kc)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN blocks give NaN, silently
        return reduce(blocks, axis=(1, 3))  # (nr, kr, nc, kc) -> (nr, nc)


def unit_stride(n_units: int, max_units: int) -> int:
    """Show every k-th unit, k the smallest that leaves at most max_units rows."""
    return max(1, math.ceil(n_units / max_units))


def time_map(a, max_steps: int, max_units: int, *, log: bool = False):
    """A (T, units) array as a heatmap of at most max_units × max_steps: every k-th unit
    (real units, not blends; k = unit_stride) and block means over time; log=True draws
    sign(a)·log10(1 + |a|) (an exploding ReLU state reaches 1e300).
    Returns (z (units shown, columns) float32, steps (columns,) block centres in steps,
    units (units shown,) the unit of each row)."""
    a = np.asarray(a, dtype=np.float64)
    ku = unit_stride(a.shape[1], max_units)
    v = a[:, ::ku]  # (T, units) -> (T, units shown)
    if log:
        v = np.sign(v) * np.log10(1.0 + np.abs(v))
    small, steps, _ = downsample(v, max_steps, None)  # (columns, units shown)
    return small.T.astype(np.float32), np.asarray(steps, dtype=np.float64), np.arange(0, a.shape[1], ku)
