"""Pascanu's cliff: the loss surface of a one-unit RNN, and gradient descent on it.

Pascanu, Mikolov & Bengio (2013), "On the difficulty of training recurrent neural
networks", ICML: Section 2.3 ("The geometrical interpretation") and Fig. 6 — the cliff;
Algorithm 1, clipping by norm, is in Section 3.2 (Section 3.3 is the vanishing-gradient
regulariser). A single hidden unit, no input,

    x_t = w σ(x_{t−1}) + b,      x_0 = 0.5,      t = 1 … T (T = 50)
    E   = (σ(x_T) − y)²,         y = 0.7,        σ = logistic sigmoid.

Near values of (w, b) where the map x ↦ w σ(x) + b bifurcates (a second fixed point
appears), x_T jumps between two branches: E has a wall — a "cliff" — where the gradient
is huge. A plain gradient step that touches the wall is thrown far away; clipping the
step by norm (Algorithm 1, Section 3.2) keeps it near.

Everything is vectorised over a grid of (w, b) in float64: ``w`` and ``b`` are arrays of
any broadcastable shape S, and each returned array has shape S (per time step: (T+1, *S)).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rnnviz.core.cells.rnn import sigmoid
from rnnviz.core.errors import RnnvizError
from rnnviz.measures.clipping import clip_by_norm

T_DEFAULT = 50
X0_DEFAULT = 0.5
TARGET_DEFAULT = 0.7

# The lesson's default descent: from DEFAULT_START the unclipped steps slide down to the
# wall, meet a gradient of norm ≈ 9 and are thrown ≈ 9 units away onto the flat plateau
# where E ≈ 0.09 and learning stalls; clipped at DEFAULT_CLIP they reach the valley.
DEFAULT_START = (4.5, -2.5)
DEFAULT_LR = 1.0
DEFAULT_STEPS = 40
DEFAULT_CLIP = 0.5
W_RANGE = (2.0, 8.0)
B_RANGE = (-4.0, 0.0)


def forward(w, b, *, T: int = T_DEFAULT, x0: float = X0_DEFAULT) -> np.ndarray:
    """The states x_0 … x_T; shape (T+1, *S)."""
    if T < 1:
        raise RnnvizError(f"The number of steps T must be at least 1, got {T}.")
    w, b = np.broadcast_arrays(np.asarray(w, np.float64), np.asarray(b, np.float64))
    x = np.empty((T + 1, *w.shape))  # (T+1, *S)
    x[0] = x0
    for t in range(1, T + 1):
        # x_t = w σ(x_{t−1}) + b
        x[t] = w * sigmoid(x[t - 1]) + b
    return x


def loss(w, b, *, T: int = T_DEFAULT, x0: float = X0_DEFAULT, target: float = TARGET_DEFAULT):
    """E(w, b) = (σ(x_T) − y)²; shape S."""
    x = forward(w, b, T=T, x0=x0)
    return (sigmoid(x[-1]) - target) ** 2


def loss_and_grad(
    w, b, *, T: int = T_DEFAULT, x0: float = X0_DEFAULT, target: float = TARGET_DEFAULT
):
    """E and its exact gradient (∂E/∂w, ∂E/∂b) by backpropagation through time.

    δ_t = ∂E/∂x_t, carried from t = T down to t = 1:
        δ_T     = 2 (σ(x_T) − y) σ'(x_T)
        ∂E/∂w  += δ_t σ(x_{t−1}),   ∂E/∂b += δ_t
        δ_{t−1} = δ_t · w · σ'(x_{t−1})
    Returns (E, dE_dw, dE_db), each of shape S.
    """
    x = forward(w, b, T=T, x0=x0)  # (T+1, *S)
    w = np.broadcast_to(np.asarray(w, np.float64), x.shape[1:])
    s = sigmoid(x)  # σ(x_t), (T+1, *S)
    ds = s * (1.0 - s)  # σ'(x_t) = σ(1 − σ)
    E = (s[-1] - target) ** 2
    delta = 2.0 * (s[-1] - target) * ds[-1]  # δ_T
    dw = np.zeros_like(E)
    db = np.zeros_like(E)
    for t in range(T, 0, -1):
        dw += delta * s[t - 1]
        db += delta
        delta = delta * w * ds[t - 1]  # δ_{t−1}
    return E, dw, db


@dataclass(frozen=True)
class Surface:
    """E on a grid: ``E[i, j]`` = E(w_values[j], b_values[i]) (rows = b, columns = w)."""

    w_values: np.ndarray  # (n_w,)
    b_values: np.ndarray  # (n_b,)
    E: np.ndarray  # (n_b, n_w)
    grad_norm: np.ndarray  # (n_b, n_w) ||∇E||


def surface(
    w_range=W_RANGE,
    b_range=B_RANGE,
    n: int = 121,
    *,
    T: int = T_DEFAULT,
    x0: float = X0_DEFAULT,
    target: float = TARGET_DEFAULT,
) -> Surface:
    """E and ||∇E|| on an n × n grid over w_range × b_range (one vectorised pass)."""
    if not 2 <= n <= 1001:
        raise RnnvizError(f"The grid size n must be between 2 and 1001, got {n}.")
    w_values = np.linspace(*w_range, n)
    b_values = np.linspace(*b_range, n)
    W, B = np.meshgrid(w_values, b_values)  # (n_b, n_w) each
    E, dw, db = loss_and_grad(W, B, T=T, x0=x0, target=target)
    return Surface(w_values, b_values, E, np.hypot(dw, db))


@dataclass(frozen=True)
class Trajectory:
    """Gradient descent from one start: ``points[k]`` = (w, b) after k steps."""

    points: np.ndarray  # (steps+1, 2)
    E: np.ndarray  # (steps+1,)
    grad_norm: np.ndarray  # (steps,) ||∇E|| before clipping, at each step
    clip: float | None


def descend(
    start=DEFAULT_START,
    *,
    lr: float = DEFAULT_LR,
    steps: int = DEFAULT_STEPS,
    clip: float | None = None,
    T: int = T_DEFAULT,
    x0: float = X0_DEFAULT,
    target: float = TARGET_DEFAULT,
) -> Trajectory:
    """θ ← θ − lr · g, with g = ∇E clipped by norm at ``clip`` (None: unclipped)."""
    if steps < 0:
        raise RnnvizError(f"The number of steps must be non-negative, got {steps}.")
    theta = np.array(start, dtype=np.float64)
    points = [theta.copy()]
    losses, norms = [], []
    for _ in range(steps):
        E, dw, db = loss_and_grad(theta[0], theta[1], T=T, x0=x0, target=target)
        g = np.array([dw, db])
        losses.append(float(E))
        norms.append(float(np.hypot(dw, db)))
        if clip is not None:
            g = clip_by_norm(g, clip)
        theta = theta - lr * g
        points.append(theta.copy())
    losses.append(float(loss(theta[0], theta[1], T=T, x0=x0, target=target)))
    return Trajectory(np.array(points), np.array(losses), np.array(norms), clip)
