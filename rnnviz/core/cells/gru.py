"""GRU (Cho et al. 2014), gate order r, z, n as in PyTorch, in both published forms.

    r_t = σ(W_ir x_t + b_ir + W_hr h_{t-1} + b_hr)
    z_t = σ(W_iz x_t + b_iz + W_hz h_{t-1} + b_hz)
"after" (PyTorch / cuDNN, Keras reset_after=True), the reset applied after the matmul:
    n_t = tanh(W_in x_t + b_in + r_t ⊙ (W_hn h_{t-1} + b_hn))
"before" (Cho 2014, as the source article writes it), the reset applied before it:
    n_t = tanh(W_in x_t + b_in + W_hn (r_t ⊙ h_{t-1}) + b_hn)
and in both
    h_t = (1 − z_t) ⊙ n_t + z_t ⊙ h_{t-1}
"""

import numpy as np

from ..logmath import log10_hypot, log10_norms
from .rnn import outer_param_grads, outer_step_norms, sigmoid


def forward(w, xp, h0, c0, cell):
    W_hh, b_hh, H = w["W_hh"], w["b_hh"], cell.hidden_size
    before = cell.variant == "before"
    T = xp.shape[0]
    R, Z, N = (slice(k * H, (k + 1) * H) for k in range(3))  # each gate's rows, PyTorch's order
    RZ = slice(0, 2 * H)  # r and z read h_{t-1} the same way in both variants
    a = np.empty((T, 3 * H))  # pre-activations of r, z, n
    act = np.empty((T, 3 * H))  # r, z, n
    hn = np.empty((T, H))  # "after": W_hn h_{t-1} + b_hn;  "before": W_hn (r_t ⊙ h_{t-1}) + b_hn
    h = np.empty((T, H))
    h_t = h0
    W_rz, W_n = W_hh[RZ], W_hh[N]
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(T):
            if before:
                a[t, RZ] = xp[t, RZ] + W_rz @ h_t + b_hh[RZ]
            else:
                hh = W_hh @ h_t + b_hh  # (3H,): W_h· h_{t-1} + b_h· for every gate
                a[t, RZ] = xp[t, RZ] + hh[RZ]
            # r_t = σ(W_ir x_t + b_ir + W_hr h_{t-1} + b_hr)
            # z_t = σ(W_iz x_t + b_iz + W_hz h_{t-1} + b_hz)      (one call for both: one step's cost)
            act[t, RZ] = sigmoid(a[t, RZ])
            r, z = act[t, R], act[t, Z]
            if before:
                # n_t = tanh(W_in x_t + b_in + W_hn (r_t ⊙ h_{t-1}) + b_hn)
                hn[t] = W_n @ (r * h_t) + b_hh[N]
                a[t, N] = xp[t, N] + hn[t]
            else:
                # n_t = tanh(W_in x_t + b_in + r_t ⊙ (W_hn h_{t-1} + b_hn))
                hn[t] = hh[N]
                a[t, N] = xp[t, N] + r * hn[t]
            n = act[t, N] = np.tanh(a[t, N])
            # h_t = (1 − z_t) ⊙ n_t + z_t ⊙ h_{t-1}
            h[t] = h_t = (1.0 - z) * n + z * h_t
    names = ("r", "z", "n")
    gates = {n: act[:, k * H:(k + 1) * H] for k, n in enumerate(names)}
    pre = {n: a[:, k * H:(k + 1) * H] for k, n in enumerate(names)}
    dact = {n: (1 - gates[n] ** 2) if n == "n" else gates[n] * (1 - gates[n]) for n in names}
    return {"h": h, "h_prev": np.vstack([h0[None], h[:-1]]), "hn": hn,
            "gates": gates, "pre": pre, "dact": dact}


def backward_step(w, rec, k, dh, dc, cell):
    g_, d_, H = rec["gates"], rec["dact"], cell.hidden_size
    r, z, n = g_["r"][k], g_["z"][k], g_["n"][k]
    h_prev = rec["h_prev"][k]
    W_hh = w["W_hh"]
    # h_k = (1 − z) ⊙ n + z ⊙ h_{k-1}
    da_n = dh * (1.0 - z) * d_["n"][k]
    da_z = dh * (h_prev - n) * d_["z"][k]
    dh_prev = dh * z  # the update gate's direct path: no matrix, no squashing
    if cell.variant == "before":
        # n = tanh(… + W_hn (r ⊙ h_{k-1}) + b_hn)
        d_rh = da_n @ W_hh[2 * H:]  # (..., H) x (H, H) -> (..., H)
        da_r = d_rh * h_prev * d_["r"][k]
        d_rz = np.concatenate([da_r, da_z], axis=-1)
        dh_prev = dh_prev + d_rz @ W_hh[:2 * H] + d_rh * r
        d_ih = np.concatenate([d_rz, da_n], axis=-1)
        return d_ih, d_ih, None, dh_prev, None
    # n = tanh(… + r ⊙ (W_hn h_{k-1} + b_hn))
    da_r = da_n * rec["hn"][k] * d_["r"][k]
    d_ih = np.concatenate([da_r, da_z, da_n], axis=-1)  # (..., 3H)
    d_hh = np.concatenate([da_r, da_z, da_n * r], axis=-1)
    dh_prev = dh_prev + d_hh @ W_hh
    return d_ih, d_hh, None, dh_prev, None


def param_grads(w, rec, x, D_ih, D_hh, cell):
    grads = outer_param_grads(rec, x, D_ih, D_hh)
    if cell.variant == "before":
        H = cell.hidden_size
        grads["W_hh"][2 * H:] = D_hh[:, 2 * H:].T @ (rec["gates"]["r"] * rec["h_prev"])
    return grads


def step_norms(w, rec, x, l_ih, l_hh, cell, D_ih, L):
    """log10 norm of each step's term; D_ih holds the deltas at scale 10^L (rows)."""
    out = outer_step_norms(rec, x, l_ih, l_hh)
    if cell.variant == "before":
        # the W_hh term is [d_rz ⊗ h_{k-1}; d_n ⊗ (r ⊙ h_{k-1})]: add the two parts' squares
        H = cell.hidden_size
        l_rz = L + log10_norms(D_ih[:, :2 * H]) + log10_norms(rec["h_prev"])
        l_n = L + log10_norms(D_ih[:, 2 * H:]) + log10_norms(rec["gates"]["r"] * rec["h_prev"])
        out["W_hh"] = log10_hypot(l_rz, l_n)
    return out
