"""Cells, inputs and losses from a lesson's settings: seeded, so a shared link reproduces."""

from __future__ import annotations

import numpy as np

from .cell import (ACTIVATIONS, GATES, MAX_HIDDEN, MAX_INPUT, MAX_SEED, MAX_STEPS, N_BLOCKS,
                   VARIANTS, Cell, param_shapes)
from .checks import choice, int_in, is_whole, number_in
from .errors import RnnvizError
from .weights import init_W_hh, rescale

INPUTS = ("gaussian", "zeros", "constant", "sine")
LOSSES = ("last", "all")


def make_cell(kind: str = "rnn", hidden_size: int = 32, input_size: int = 1, *,
              activation: str = "tanh", variant: str = "", init: str = "gaussian",
              scale: float | None = 1.0, scale_by: str = "radius", eigenvalues=None,
              input_scale: float = 1.0, forget_bias: float = 0.0, bias: bool = True,
              bidirectional: bool = False, seed: int = 0) -> Cell:
    """A seeded cell built from a lesson's settings.

    W_hh (each gate's (H, H) block for LSTM/GRU) is drawn with `init` and rescaled so its
    spectral radius (scale_by="radius") or largest singular value ("sigma") equals `scale`
    (None keeps the init's own scale). W_ih ~ N(0, input_scale²/I). Biases are zero except the
    forget gate's, which is `forget_bias` (in bias_ih; PyTorch adds bias_ih and bias_hh, so
    Keras's unit_forget_bias is forget_bias=1). The same arguments give bit-identical weights.
    """
    choice("cell kind", kind, tuple(GATES))
    variant = variant or VARIANTS[kind][0]
    choice(f"{kind} variant", variant, VARIANTS[kind])
    if kind == "rnn":
        choice("activation", activation, ACTIVATIONS)
    if scale is not None:
        scale = number_in("The W_hh scale", scale, 0.0, 1e3)
    input_scale = number_in("The input scale", input_scale, 0.0, 1e3)
    forget_bias = number_in("The forget-gate bias", forget_bias, -100.0, 100.0)
    if not is_whole(seed) or not 0 <= seed <= MAX_SEED:
        raise RnnvizError(f"The seed must be a whole number in 0 … {MAX_SEED}, got {seed!r}.")
    H = int_in("The hidden size H", hidden_size, 1, MAX_HIDDEN)
    I = int_in("The input size", input_size, 1, MAX_INPUT)
    G = N_BLOCKS[kind]
    shapes = param_shapes(kind, I, H, bias=bias, bidirectional=bidirectional, variant=variant)
    rng = np.random.default_rng(int(seed))
    params = {}
    for name, shape in shapes.items():
        if name.startswith("weight_hh"):
            blocks = []
            for _ in range(G):
                W = init_W_hh(init, H, rng, eigenvalues=eigenvalues)
                blocks.append(W if scale is None else (rescale(W, scale, scale_by) if scale > 0 else 0 * W))
            params[name] = np.concatenate(blocks, axis=0)
        elif name.startswith("weight_ih"):
            params[name] = rng.standard_normal(shape) * (input_scale / np.sqrt(I))
        elif name.startswith("bias"):
            b = np.zeros(shape)
            if kind == "lstm" and name.startswith("bias_ih"):
                b[H:2 * H] = forget_bias
            params[name] = b
        else:  # peephole weights, small like PyTorch's U(−1/√H, 1/√H)
            params[name] = rng.uniform(-1, 1, shape) / np.sqrt(H)
    return Cell(kind=kind, input_size=I, hidden_size=H, params=params, activation=activation,
                variant=variant, bias=bias, bidirectional=bidirectional)


def make_input(T: int, input_size: int = 1, *, kind: str = "gaussian", scale: float = 1.0,
               seed: int = 0) -> np.ndarray:
    """A (T, input_size) input: gaussian N(0, scale²), zeros, constant = scale, or a sine of
    amplitude `scale` (period 20 steps, phase per input unit). Seeded."""
    if not is_whole(T) or not 1 <= T <= MAX_STEPS:
        raise RnnvizError(f"The sequence length must be a whole number in 1 … {MAX_STEPS}, got {T!r}.")
    choice("input kind", kind, INPUTS)
    scale = number_in("The input scale", scale, 0.0, 1e6)
    rng = np.random.default_rng([int(seed), 1])  # a stream apart from the weights'
    if kind == "gaussian":
        return rng.standard_normal((T, input_size)) * scale
    if kind == "zeros":
        return np.zeros((T, input_size))
    if kind == "constant":
        return np.full((T, input_size), scale)
    t = np.arange(T)[:, None]
    return scale * np.sin(2 * np.pi * t / 20 + np.arange(input_size)[None, :])


def loss_grad(T: int, width: int, *, where: str = "last", seed: int = 0,
              directions: int = 1) -> np.ndarray:
    """Direct gradients ∂C/∂h_t (T, width) of a linear read-out loss C = Σ_t vᵀh_t with a
    seeded unit vector v: only at the last step (where="last") or at every step ("all").

    directions=2 (a bidirectional cell, width = H per direction): (T, 2H), the loss
    vᵀh→_t + v'ᵀh←_t with v from `seed` (so the forward half is the one-directional cell's
    loss) and v' from seed + 1."""
    choice("loss", where, LOSSES)
    if directions != 1:
        int_in("directions", directions, 1, 2)
        return np.concatenate([loss_grad(T, width, where=where, seed=seed + d)
                               for d in range(directions)], axis=1)
    v = np.random.default_rng([int(seed), 2]).standard_normal(width)
    v /= np.linalg.norm(v)
    g = np.zeros((T, width))
    if where == "last":
        g[-1] = v
    else:
        g[:] = v
    return g
