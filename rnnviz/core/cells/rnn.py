"""Vanilla (Elman) RNN, as the source article writes it:

    h*_t = W_hx x_t + W_hh h_{t-1} + b_h          (PyTorch: W_ih x_t + b_ih + W_hh h_{t-1} + b_hh)
    h_t  = σ(h*_t),   σ ∈ {tanh, sigmoid, relu, linear}

BPTT, the source's recursion (δ^k = ∂C/∂h*_k, row vectors):

    δ^{k-1} = (W_hhᵀ δ^k) ⊙ σ'(h*^{k-1})      ∂C/∂W_hh = Σ_k δ^k h^{k-1 ᵀ}
"""

import numpy as np

from ..logmath import log10_norms


def sigmoid(a):
    with np.errstate(over="ignore"):  # exp(800) = inf → σ = 0, the correctly rounded value
        return 1.0 / (1.0 + np.exp(-a))


# The vanilla RNN's activations, the one list of them (rnnviz.ACTIVATIONS):
# name → (σ, σ' written from σ's input a and output s, γ = sup σ')
ACTIVATIONS = {
    "tanh": (np.tanh, lambda a, s: 1.0 - s * s, 1.0),
    "sigmoid": (sigmoid, lambda a, s: s * (1.0 - s), 0.25),
    "relu": (lambda a: np.maximum(a, 0.0), lambda a, s: (a > 0).astype(np.float64), 1.0),
    "linear": (lambda a: a.copy(), lambda a, s: np.ones_like(a), 1.0),
}


def gamma(activation: str) -> float:
    """γ = sup σ' of a vanilla RNN's activation: 1 for tanh, relu and linear, 1/4 for sigmoid
    (the factor in Pascanu, Mikolov & Bengio's bound)."""
    return float(ACTIVATIONS[activation][2])


def forward(w, xp, h0, c0, cell):
    sigma, dsigma, _ = ACTIVATIONS[cell.activation]
    W_hh = w["W_hh"]
    xp = xp + w["b_hh"]  # (T, H): both biases sit outside the recurrence
    T, H = xp.shape
    pre = np.empty((T, H))
    h = np.empty((T, H))
    h_t = h0
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(T):
            # h*_t = W_hx x_t + W_hh h_{t-1} + b_h
            pre[t] = xp[t] + W_hh @ h_t
            # h_t = σ(h*_t)
            h[t] = h_t = sigma(pre[t])
        h_prev = np.vstack([h0[None], h[:-1]])
        dact = dsigma(pre, h)
    return {"h": h, "h_prev": h_prev, "pre": {"h": pre}, "dact": {"h": dact}, "gates": {}}


def backward_step(w, rec, k, dh, dc, cell):
    # δ^k = ∂C/∂h*_k = ∂C/∂h_k ⊙ σ'(h*_k)
    delta = dh * rec["dact"]["h"][k]
    # ∂C/∂h_{k-1} = W_hhᵀ δ^k   (row vectors: δ W_hh)
    dh_prev = delta @ w["W_hh"]
    return delta, delta, None, dh_prev, None


def param_grads(w, rec, x, D_ih, D_hh, cell):
    return outer_param_grads(rec, x, D_ih, D_hh)


def outer_param_grads(rec, x, D_ih, D_hh):
    """∂C/∂W_hh = Σ_k δ^k h^{k-1 ᵀ};  ∂C/∂W_ih = Σ_k δ^k x^{kᵀ};  ∂C/∂b = Σ_k δ^k: the sums
    of rank-one terms every cell shares (LSTM and GRU add or correct their own terms)."""
    return {"W_ih": D_ih.T @ x, "W_hh": D_hh.T @ rec["h_prev"],
            "b_ih": D_ih.sum(0), "b_hh": D_hh.sum(0)}


def step_norms(w, rec, x, l_ih, l_hh, cell, D_ih, L):
    """log10 ||δ^k h^{k-1 ᵀ}||_F = log10 ||δ^k|| + log10 ||h^{k-1}||: each step's term."""
    return outer_step_norms(rec, x, l_ih, l_hh)


def outer_step_norms(rec, x, l_ih, l_hh):
    """log10 norms of the rank-one terms δ_k ⊗ input_k, shared by the cells whose gradients
    are outer products of a pre-activation delta with x_k or h_{k-1}.
    l_ih, l_hh: (T,) log10 norms of the deltas."""
    return {"W_ih": l_ih + log10_norms(x), "W_hh": l_hh + log10_norms(rec["h_prev"]),
            "b_ih": l_ih, "b_hh": l_hh}
