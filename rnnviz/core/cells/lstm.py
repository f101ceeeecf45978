"""LSTM in PyTorch's gate order i, f, g, o, in three published forms.

"forget" (Gers, Schmidhuber & Cummins 2000, "Learning to Forget"; PyTorch's nn.LSTM):

    i_t = σ(W_ii x_t + b_ii + W_hi h_{t-1} + b_hi)
    f_t = σ(W_if x_t + b_if + W_hf h_{t-1} + b_hf)
    g_t = tanh(W_ig x_t + b_ig + W_hg h_{t-1} + b_hg)
    o_t = σ(W_io x_t + b_io + W_ho h_{t-1} + b_ho)
    c_t = f_t ⊙ c_{t-1} + i_t ⊙ g_t
    h_t = o_t ⊙ tanh(c_t)

"nofg" (Hochreiter & Schmidhuber 1997): no forget gate, c_t = c_{t-1} + i_t ⊙ g_t (the f
rows of the weights are kept, so variants share weights, and get zero gradient).
"peephole" (Gers & Schmidhuber 2001): the gates also look at the cell, through diagonal
weights: w_ci ⊙ c_{t-1} into i, w_cf ⊙ c_{t-1} into f, w_co ⊙ c_t into o.

Backward: the full-gradient BPTT of Graves & Schmidhuber 2005, with the total ∂C/∂c_t
carried back through c_t = f_t ⊙ c_{t-1} + …, i.e. the source's δ^{k-1} = δ^k (f + …).
"""

import numpy as np

from .rnn import outer_param_grads, outer_step_norms, sigmoid


def forward(w, xp, h0, c0, cell):
    W_hh, H = w["W_hh"], cell.hidden_size
    peep, nofg = cell.variant == "peephole", cell.variant == "nofg"
    xp = xp + w["b_hh"]  # (T, 4H): W_i· x_t + b_i· + b_h· for every gate at once
    T = xp.shape[0]
    I, F, G, O = (slice(k * H, (k + 1) * H) for k in range(4))  # each gate's rows, PyTorch's order
    IF = slice(0, 2 * H)  # i and f together
    a = np.empty((T, 4 * H))  # pre-activations of i, f, g, o
    act = np.empty((T, 4 * H))  # i, f, g, o
    c = np.empty((T, H))
    h = np.empty((T, H))
    h_t, c_t = h0, c0
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(T):
            a_t = a[t]
            a_t[:] = xp[t] + W_hh @ h_t  # (4H,): W_h· h_{t-1} added for every gate
            if peep:
                a_t[I] += w["w_ci"] * c_t
                a_t[F] += w["w_cf"] * c_t
            # i_t = σ(W_ii x_t + b_ii + W_hi h_{t-1} + b_hi)   (peephole: + w_ci ⊙ c_{t-1})
            # f_t = σ(W_if x_t + b_if + W_hf h_{t-1} + b_hf)   (peephole: + w_cf ⊙ c_{t-1})
            act[t, IF] = sigmoid(a_t[IF])  # one call for both: one step's cost
            i, f = act[t, I], act[t, F]
            # g_t = tanh(W_ig x_t + b_ig + W_hg h_{t-1} + b_hg)
            g = act[t, G] = np.tanh(a_t[G])
            # c_t = f_t ⊙ c_{t-1} + i_t ⊙ g_t   (1997: c_t = c_{t-1} + i_t ⊙ g_t)
            c[t] = c_t = (c_t if nofg else f * c_t) + i * g
            if peep:
                a_t[O] += w["w_co"] * c_t
            # o_t = σ(W_io x_t + b_io + W_ho h_{t-1} + b_ho)   (peephole: + w_co ⊙ c_t)
            o = act[t, O] = sigmoid(a_t[O])
            # h_t = o_t ⊙ tanh(c_t)
            h[t] = h_t = o * np.tanh(c_t)
    if nofg:
        act[:, F] = 1.0  # the 1997 cell behaves as if f ≡ 1
    names = ("i", "f", "g", "o")
    gates = {n: act[:, k * H:(k + 1) * H] for k, n in enumerate(names)}
    pre = {n: a[:, k * H:(k + 1) * H] for k, n in enumerate(names)}
    dact = {n: (1 - gates[n] ** 2) if n == "g" else gates[n] * (1 - gates[n]) for n in names}
    if nofg:
        dact["f"] = np.zeros((T, H))
    tc = np.tanh(c)
    return {"h": h, "c": c, "h_prev": np.vstack([h0[None], h[:-1]]),
            "c_prev": np.vstack([c0[None], c[:-1]]), "tanh_c": tc,
            "gates": gates, "pre": pre, "dact": dact}


def backward_step(w, rec, k, dh, dc, cell):
    """dh = ∂C/∂h_k (total), dc = ∂C/∂c_k through c_{k+1} only; rows (..., H)."""
    g_, d_ = rec["gates"], rec["dact"]
    i, f, g, o = g_["i"][k], g_["f"][k], g_["g"][k], g_["o"][k]
    tc = rec["tanh_c"][k]
    peep = cell.variant == "peephole"
    # h_k = o ⊙ tanh(c_k):  ∂/∂a_o = dh ⊙ tanh(c_k) ⊙ σ'(a_o)
    da_o = dh * tc * d_["o"][k]
    # total ∂C/∂c_k = dc + dh ⊙ o ⊙ tanh'(c_k)  (+ the peephole into o)
    dc_k = dc + dh * o * (1.0 - tc * tc)
    if peep:
        dc_k = dc_k + da_o * w["w_co"]
    # c_k = f ⊙ c_{k-1} + i ⊙ g
    da_i = dc_k * g * d_["i"][k]
    da_f = dc_k * rec["c_prev"][k] * d_["f"][k]  # zero for the 1997 cell
    da_g = dc_k * i * d_["g"][k]
    d_a = np.concatenate([da_i, da_f, da_g, da_o], axis=-1)  # (..., 4H)
    # δ^{k-1} = δ^k (f + …): the cell path, plus the peepholes into i and f
    dc_prev = dc_k * f
    if peep:
        dc_prev = dc_prev + da_i * w["w_ci"] + da_f * w["w_cf"]
    dh_prev = d_a @ w["W_hh"]  # (..., 4H) x (4H, H) -> (..., H)
    return d_a, d_a, dc_k, dh_prev, dc_prev


def param_grads(w, rec, x, D_ih, D_hh, cell):
    grads = outer_param_grads(rec, x, D_ih, D_hh)
    if cell.variant == "peephole":
        H = cell.hidden_size
        I, F, _, O = (slice(k * H, (k + 1) * H) for k in range(4))
        # ∂C/∂w_ci = Σ_k ∂C/∂a_i,k ⊙ c_{k-1};  ∂C/∂w_cf likewise;  ∂C/∂w_co = Σ_k ∂C/∂a_o,k ⊙ c_k
        grads["w_ci"] = (D_ih[:, I] * rec["c_prev"]).sum(0)
        grads["w_cf"] = (D_ih[:, F] * rec["c_prev"]).sum(0)
        grads["w_co"] = (D_ih[:, O] * rec["c"]).sum(0)
    return grads


def step_norms(w, rec, x, l_ih, l_hh, cell, D_ih, L):
    return outer_step_norms(rec, x, l_ih, l_hh)
