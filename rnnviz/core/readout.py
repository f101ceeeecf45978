"""The output layer of the source's first equations, and a loss taken through it.

    o*ᵗ = W_oh hᵗ + b_o,   oᵗ = θ(o*ᵗ)

with two losses, each at the last step only or at every step:

    "mse":  θ = identity, Cᵗ = ½ ‖oᵗ − yᵗ‖²               (yᵗ a target vector)
    "xent": θ = softmax,  Cᵗ = −log oᵗ[yᵗ]                 (yᵗ a target class)

Both give the same simple error at the output, ∂Cᵗ/∂o*ᵗ = oᵗ − yᵗ (for "xent" yᵗ one-hot),
so the direct gradient on the hidden state is ∂Cᵗ/∂hᵗ = W_ohᵀ (oᵗ − yᵗ): what rnnviz.bptt
then carries back through time. The read-out's own gradients are ∂C/∂W_oh = Σ_t (oᵗ − yᵗ) hᵗᵀ
and ∂C/∂b_o = Σ_t (oᵗ − yᵗ).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .build import LOSSES
from .cell import MAX_HIDDEN, MAX_STEPS
from .checks import choice, int_in
from .errors import RnnvizError

READOUT_LOSSES = ("mse", "xent")  # squared error through θ = identity; cross-entropy through softmax


@dataclass(frozen=True, eq=False)
class Readout:
    """W_oh (K, width), b_o (K,) and the targets: (T, K) vectors for "mse", (T,) classes for "xent"."""

    W_oh: np.ndarray
    b_o: np.ndarray
    target: np.ndarray
    loss: str


@dataclass(frozen=True, eq=False)
class ReadoutLoss:
    """C, the outputs o (T, K), the error at the output e = ∂C/∂o* (T, K; zero where no loss),
    the direct gradient on the hidden state grad_h (T, width) for rnnviz.bptt, and the
    read-out's own gradients W_oh (K, width), b_o (K,)."""

    C: float
    o: np.ndarray
    e: np.ndarray
    grad_h: np.ndarray
    W_oh: np.ndarray
    b_o: np.ndarray


def make_readout(T: int, width: int, n_out: int = 4, *, loss: str = "xent", seed: int = 0) -> Readout:
    """A seeded read-out: W_oh ~ N(0, 1/width), b_o = 0, and random targets (classes for
    "xent", N(0, 1) vectors for "mse")."""
    choice("read-out loss", loss, READOUT_LOSSES)
    T, width = int_in("T", T, 1, MAX_STEPS), int_in("width", width, 1, MAX_HIDDEN)
    n_out = int_in("n_out", n_out, 2 if loss == "xent" else 1, MAX_HIDDEN)
    rng = np.random.default_rng([int(seed), 3])
    W = rng.standard_normal((n_out, width)) / np.sqrt(width)
    target = rng.integers(0, n_out, size=T) if loss == "xent" else rng.standard_normal((T, n_out))
    return Readout(W_oh=W, b_o=np.zeros(n_out), target=target, loss=loss)


def readout_loss(h, readout: Readout, *, where: str = "last") -> ReadoutLoss:
    """The loss through the output layer on hidden states h (T, width), at the last step
    only (where="last") or summed over every step ("all"), and its gradients."""
    choice("loss", where, LOSSES)
    h = np.asarray(h, dtype=np.float64)
    W, b, y = readout.W_oh, readout.b_o, readout.target
    if h.ndim != 2 or h.shape[1] != W.shape[1] or len(y) < h.shape[0]:
        raise RnnvizError(f"h must have shape (T, {W.shape[1]}) with T ≤ {len(y)}, got {h.shape}.")
    T = h.shape[0]
    z = h @ W.T + b  # (T, K) o*ᵗ
    if readout.loss == "mse":
        o = z
        err = o - y[:T]  # (T, K)
        per_step = 0.5 * np.einsum("tk,tk->t", err, err)
    else:
        zmax = z.max(axis=1, keepdims=True)
        logsum = zmax[:, 0] + np.log(np.exp(z - zmax).sum(axis=1))  # (T,) log Σ exp
        o = np.exp(z - logsum[:, None])  # softmax
        cls = np.asarray(y[:T], dtype=np.int64)
        per_step = logsum - z[np.arange(T), cls]  # −log softmax(z)[y]
        err = o.copy()
        err[np.arange(T), cls] -= 1.0
    if where == "last":
        mask = np.zeros(T)
        mask[-1] = 1.0
    else:
        mask = np.ones(T)
    e = err * mask[:, None]  # (T, K) ∂C/∂o*ᵗ
    return ReadoutLoss(C=float(per_step @ mask), o=o, e=e, grad_h=e @ W,  # (T, K) x (K, width)
                       W_oh=e.T @ h, b_o=e.sum(axis=0))
