"""The cells of the RNN family, one module each: a forward step loop that records every
intermediate, and the backward step next to it (micrograd's rule: the local derivative sits
under the forward computation it differentiates).

Each module offers

    forward(w, xp, h0, c0, cell) -> dict       # xp = x W_ihᵀ + b_ih (T, G·H), precomputed
    backward_step(w, rec, k, dh, dc, cell)     # -> d_ih, d_hh, dc_k, dh_prev, dc_prev
    param_grads(w, rec, x, D_ih, D_hh, cell)   # -> {short name: gradient}
    step_norms(w, rec, x, n_ih, n_hh, cell)    # -> {short name: (T,) norm of step k's term}

where deltas are row vectors of shape (..., H) so one code path serves a single sequence and
a batch of loss terms (the gradient-flow map).
"""

from . import gru, lstm, rnn

MODULES = {"rnn": rnn, "lstm": lstm, "gru": gru}  # cell kind → its forward/backward module
