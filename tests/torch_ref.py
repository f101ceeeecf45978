"""A plain PyTorch transcription of every cell's equations, written independently of rnnviz's
numpy code, for autograd to differentiate. `per_step=True` gives every step its own copy of
the weights, so each copy's .grad is that step's term of the BPTT sum."""

import torch


def _step(kind, act, variant, p, x_t, h, c):
    if kind == "rnn":
        a = x_t @ p["W_ih"].T + p["b_ih"] + h @ p["W_hh"].T + p["b_hh"]
        f = {"tanh": torch.tanh, "sigmoid": torch.sigmoid, "relu": torch.relu,
             "linear": lambda v: v}[act]
        return f(a), None
    if kind == "lstm":
        gi = x_t @ p["W_ih"].T + p["b_ih"]
        gh = h @ p["W_hh"].T + p["b_hh"]
        ai, af, ag, ao = (gi + gh).chunk(4, -1)
        if variant == "peephole":
            ai = ai + p["w_ci"] * c
            af = af + p["w_cf"] * c
        i, g = torch.sigmoid(ai), torch.tanh(ag)
        c_new = (c if variant == "nofg" else torch.sigmoid(af) * c) + i * g
        if variant == "peephole":
            ao = ao + p["w_co"] * c_new
        return torch.sigmoid(ao) * torch.tanh(c_new), c_new
    gi = x_t @ p["W_ih"].T + p["b_ih"]
    H = h.shape[-1]
    Wr, Wz, Wn = p["W_hh"].split(H, 0)
    br, bz, bn = p["b_hh"].split(H, -1)
    xr, xz, xn = gi.chunk(3, -1)
    r = torch.sigmoid(xr + h @ Wr.T + br)
    z = torch.sigmoid(xz + h @ Wz.T + bz)
    if variant == "before":
        n = torch.tanh(xn + (r * h) @ Wn.T + bn)
    else:
        n = torch.tanh(xn + r * (h @ Wn.T + bn))
    return (1 - z) * n + z * h, None


SHORT = {"weight_ih": "W_ih", "weight_hh": "W_hh", "bias_ih": "b_ih", "bias_hh": "b_hh",
         "weight_ci": "w_ci", "weight_cf": "w_cf", "weight_co": "w_co"}


def run(cell, x, per_step=False):
    """Forward pass of `cell` (a rnnviz Cell) in torch float64 on x (a (T, I) tensor).
    Returns (h (T, H·D), c (T, H·D) or None, leaves): leaves maps each parameter name to a
    tensor requiring grad, or with per_step=True to the list of its T per-step copies."""
    T, H = x.shape[0], cell.hidden_size
    G = {"rnn": 1, "lstm": 4, "gru": 3}[cell.kind]
    leaves, outs, cells = {}, [], []
    for d in range(cell.directions):
        suffix = "_l0_reverse" if d else "_l0"
        names = {SHORT[n[: -len(suffix)]]: n for n in cell.params
                 if n.endswith(suffix) and not n[: -len(suffix)].endswith("_l0")}
        if per_step:
            steps = [{k: torch.tensor(cell.params[n]).requires_grad_() for k, n in names.items()}
                     for _ in range(T)]
            for k, n in names.items():
                leaves[n] = [s[k] for s in steps]
        else:
            shared = {k: torch.tensor(cell.params[n]).requires_grad_() for k, n in names.items()}
            leaves.update({n: shared[k] for k, n in names.items()})
            steps = [shared] * T
        if not cell.bias:
            zero = torch.zeros(G * H, dtype=torch.float64)
            steps = [dict(s, b_ih=zero, b_hh=zero) for s in steps]
        h = torch.zeros(H, dtype=torch.float64)
        c = torch.zeros(H, dtype=torch.float64)
        hs, cs = [None] * T, [None] * T
        for t in (range(T) if d == 0 else range(T - 1, -1, -1)):
            h, c_new = _step(cell.kind, cell.activation, cell.variant, steps[t], x[t], h, c)
            if c_new is not None:
                c = c_new
            hs[t], cs[t] = h, c
        outs.append(torch.stack(hs))
        cells.append(torch.stack(cs))
    h = torch.cat(outs, 1)
    c = torch.cat(cells, 1) if cell.kind == "lstm" else None
    return h, c, leaves
