"""Gradient clipping by value and by norm, and the direction change it causes.

Pascanu, Mikolov & Bengio (2013), "On the difficulty of training recurrent neural
networks", Algorithm 1 (clipping by norm):

    ĝ ← ∂E/∂θ
    if ||ĝ|| ≥ θ_clip:  ĝ ← θ_clip · ĝ / ||ĝ||

(Section 3.2 of the paper; it notes that clipping by value behaves similarly in practice).

Clipping by value clamps every component to [−θ_clip, θ_clip]. It keeps every component's
sign, so ⟨g, ĝ⟩ = Σ g_i ĝ_i > 0 for g ≠ 0: the clipped step still descends. What it changes
is the direction: on a heavy-tailed gradient, where a few components dominate, it turns the
step by 40–80° (`heavy_tailed_gradient`, `value_clip_report`). Clipping by norm only
shortens the step and never turns it.

A gradient is either one array or a dict of arrays (one per parameter, like a model's
``named_parameters()``). For a dict, the norm is the global norm over all parameters
together, as in ``torch.nn.utils.clip_grad_norm_``.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from rnnviz.core.errors import RnnvizError

Grad = np.ndarray | Mapping[str, np.ndarray]


def _check_threshold(threshold: float) -> float:
    threshold = float(threshold)
    if not np.isfinite(threshold) or threshold <= 0:
        raise RnnvizError(f"The clipping threshold must be a positive number, got {threshold}.")
    return threshold


def _flat(grad: Grad) -> np.ndarray:
    """All components of a gradient in one float64 vector (dict: in key order)."""
    if isinstance(grad, Mapping):
        if not grad:
            raise RnnvizError("The gradient dict is empty.")
        return np.concatenate([np.asarray(g, dtype=np.float64).ravel() for g in grad.values()])
    return np.asarray(grad, dtype=np.float64).ravel()


def _map(grad: Grad, fn) -> Grad:
    if isinstance(grad, Mapping):
        return {k: fn(np.asarray(g, dtype=np.float64)) for k, g in grad.items()}
    return fn(np.asarray(grad, dtype=np.float64))


def global_norm(grad: Grad) -> float:
    """||g||₂ over every component (for a dict: over all parameters together)."""
    return float(np.linalg.norm(_flat(grad)))


def clip_by_value(grad: Grad, threshold: float) -> Grad:
    """g_i ← max(−θ, min(θ, g_i)) for every component; a new array / dict."""
    threshold = _check_threshold(threshold)
    return _map(grad, lambda g: np.clip(g, -threshold, threshold))


def clip_by_norm(grad: Grad, threshold: float) -> Grad:
    """Pascanu et al. (2013), Algorithm 1: if ||g|| ≥ θ then g ← θ g / ||g||.

    The norm is global across a dict's arrays. Returns a new array / dict.
    """
    threshold = _check_threshold(threshold)
    norm = global_norm(grad)
    if not np.isfinite(norm):
        raise RnnvizError("The gradient has a non-finite norm; clipping cannot rescale it.")
    # scale = θ / ||g|| if ||g|| ≥ θ else 1
    scale = threshold / norm if norm >= threshold else 1.0
    return _map(grad, lambda g: g * scale)


def direction_change(original: Grad, clipped: Grad) -> float:
    """Angle in degrees between two gradients of the same structure.

    cos φ = ⟨g, ĝ⟩ / (||g|| ||ĝ||); 0° means clipping kept the direction. A zero
    gradient has no direction: the angle is then 0 by convention.
    """
    a, b = _flat(original), _flat(clipped)
    if a.shape != b.shape:
        raise RnnvizError("The two gradients have different shapes.")
    na, nb = np.linalg.norm(a), np.linalg.norm(b)
    if na == 0 or nb == 0:
        return 0.0
    cos = float(np.dot(a, b) / (na * nb))
    return float(np.degrees(np.arccos(np.clip(cos, -1.0, 1.0))))


CLIPPERS = {"value": clip_by_value, "norm": clip_by_norm}


def clip(grad: Grad, threshold: float, *, by: str = "norm") -> Grad:
    """Clip by ``by`` ∈ {"value", "norm"} (the registry ``CLIPPERS``)."""
    if by not in CLIPPERS:
        raise RnnvizError(f"Unknown clipping mode {by!r}; choose one of {sorted(CLIPPERS)}.")
    return CLIPPERS[by](grad, threshold)


def heavy_tailed_gradient(size: int = 1000, df: float = 2.0, seed: int = 0) -> np.ndarray:
    """A seeded (size,) stand-in for a real gradient: Student-t components with `df` degrees
    of freedom (df = inf: Gaussian). Small df means heavy tails: a few components dominate."""
    size = int(size)
    if size < 1:
        raise RnnvizError(f"The gradient needs at least one component, got {size}.")
    df = float(df)
    if not df > 0:
        raise RnnvizError(f"The degrees of freedom must be positive, got {df}.")
    rng = np.random.default_rng(seed)
    return rng.standard_normal(size) if np.isinf(df) else rng.standard_t(df, size)


def value_clip_report(grad: Grad, threshold: float) -> dict:
    """What clipping by value does to g: the turn in degrees, cos of it (⟨g, ĝ⟩ / (‖g‖ ‖ĝ‖),
    positive: still a descent direction), the share of components clipped, and ‖ĝ‖ / ‖g‖."""
    clipped = clip_by_value(grad, threshold)
    a, b = _flat(grad), _flat(clipped)
    na, nb = np.linalg.norm(a), np.linalg.norm(b)
    cos = float(np.dot(a, b) / (na * nb)) if na > 0 and nb > 0 else 1.0
    return {"angle": direction_change(grad, clipped), "cos": cos,
            "clipped": float(np.mean(np.abs(a) > _check_threshold(threshold))),
            "shrink": float(nb / na) if na > 0 else 1.0}
