"""Unrolling a cell over time, recording every intermediate a lesson wants to draw."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .cell import MAX_STEPS, Cell
from .cells import MODULES
from .errors import ForwardOverflowError, RnnvizError


@dataclass(frozen=True, eq=False)
class Trace:
    """Everything one forward pass computed, in time order (forward half first when
    bidirectional, as PyTorch lays out its output).

    h (T, H·D) hidden states; c (T, H·D) cell states (LSTM) or None; gates {name: (T, H·D)};
    pre {name: (T, H·D)} pre-activations (RNN: "h" is the source's h*); dact {name: (T, H·D)}
    the activation's derivative there (RNN: "h" is σ'(h*)).
    """
    cell: Cell
    x: np.ndarray  # (T, I)
    h: np.ndarray
    c: np.ndarray | None
    gates: dict
    pre: dict
    dact: dict
    h0: np.ndarray  # (H·D,)
    c0: np.ndarray | None
    records: tuple = field(repr=False)  # per direction, in that direction's processing order

    @property
    def T(self) -> int:
        return self.x.shape[0]


def _as_input(cell, x):
    try:
        x = np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError):
        raise RnnvizError("The input x must be an array of numbers.") from None
    if x.ndim == 1 and cell.input_size == 1:
        x = x[:, None]
    if x.ndim != 2 or x.shape[1] != cell.input_size:
        raise RnnvizError(
            f"The input x must have shape (T, {cell.input_size}) for this cell, got {x.shape}.")
    if not 1 <= x.shape[0] <= MAX_STEPS:
        raise RnnvizError(f"The sequence length must be between 1 and {MAX_STEPS}, got {x.shape[0]}.")
    if not np.isfinite(x).all():
        raise RnnvizError("The input x contains NaN or infinite values.")
    return x


def _as_state(cell, s, name):
    HD = cell.hidden_size * cell.directions
    if s is None:
        return np.zeros(HD)
    try:
        s = np.asarray(s, dtype=np.float64).reshape(-1)
    except (TypeError, ValueError):
        raise RnnvizError(f"{name} must be an array of numbers.") from None
    if s.size != HD:
        raise RnnvizError(f"{name} must have {HD} entries (H·D), got {s.size}.")
    if not np.isfinite(s).all():
        raise RnnvizError(f"{name} contains NaN or infinite values.")
    return s


def _first_nonfinite(rec):
    """First processing step at which any recorded state is not finite, or None."""
    bad = ~np.isfinite(rec["h"]).all(axis=1)
    if "c" in rec:
        bad |= ~np.isfinite(rec["c"]).all(axis=1)
    for a in rec["pre"].values():
        bad |= ~np.isfinite(a).all(axis=1)
    idx = np.flatnonzero(bad)
    return int(idx[0]) if idx.size else None


def unroll(cell: Cell, x, h0=None) -> Trace:
    """Run `cell` over `x` (T, input_size) from h0 (for LSTM, h0 may be a pair (h0, c0))."""
    if not isinstance(cell, Cell):
        raise RnnvizError("unroll needs a rnnviz Cell (see make_cell or from_torch).")
    x = _as_input(cell, x)
    if cell.kind == "lstm" and isinstance(h0, (tuple, list)) and len(h0) == 2:
        h0, c0 = h0
    else:
        c0 = None
    h0 = _as_state(cell, h0, "h0")
    c0 = _as_state(cell, c0, "c0") if cell.kind == "lstm" else None
    mod, H, T = MODULES[cell.kind], cell.hidden_size, x.shape[0]
    records = []
    for d in range(cell.directions):
        w = cell.weights(d)
        xs = x if d == 0 else x[::-1]
        with np.errstate(over="ignore", invalid="ignore"):
            xp = xs @ w["W_ih"].T + w["b_ih"]  # (T, I) x (I, G·H) -> (T, G·H)
        part = slice(d * H, (d + 1) * H)
        rec = mod.forward(w, xp, h0[part], None if c0 is None else c0[part], cell)
        bad = _first_nonfinite(rec)
        if bad is not None:
            step = bad if d == 0 else T - 1 - bad
            prefix = None
            if d == 0 and bad > 0 and not cell.bidirectional:
                prefix = unroll(cell, x[:bad], (h0, c0) if c0 is not None else h0)
            what = "hidden state" + (" of the reverse direction" if d else "")
            raise ForwardOverflowError(step, prefix, what)
        records.append(rec)

    def cat(get):  # per-direction arrays back in time order, side by side
        return np.concatenate([get(r) if d == 0 else get(r)[::-1]
                               for d, r in enumerate(records)], axis=1)

    names = list(records[0]["gates"])
    return Trace(
        cell=cell, x=x, h=cat(lambda r: r["h"]),
        c=cat(lambda r: r["c"]) if cell.kind == "lstm" else None,
        gates={n: cat(lambda r: r["gates"][n]) for n in names},
        pre={n: cat(lambda r: r["pre"][n]) for n in records[0]["pre"]},
        dact={n: cat(lambda r: r["dact"][n]) for n in records[0]["dact"]},
        h0=h0, c0=c0, records=tuple(records))


def unroll_finite(cell: Cell, x, h0=None) -> tuple[Trace, int | None]:
    """unroll, but an exploding run that still has a finite prefix gives that prefix:
    (trace, None) normally, (prefix, step that overflowed) after an overflow. An overflow
    at step 0, or in a bidirectional cell (no prefix), still raises ForwardOverflowError."""
    try:
        return unroll(cell, x, h0), None
    except ForwardOverflowError as exc:
        if exc.trace is None:
            raise
        return exc.trace, exc.step
