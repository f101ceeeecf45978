"""rnnviz.lessons.gates against independent computations: torch autograd in float64 (its own
transcription of each cell, written here), closed forms, and PyTorch's fused modules."""

import math

import numpy as np
import pytest
import torch

import rnnviz
from pages import numtext
from rnnviz.lessons import gates as lg
from tests import torch_ref

T, H = 12, 5


def lesson_cell(kind, variant="", scale=1.0, seed=3, split=True):
    """A cell with every bias non-zero (so bias bugs show)."""
    cell = rnnviz.make_cell(kind, H, 2, variant=variant, scale=scale, seed=seed)
    return lg.split_biases(cell, seed=seed, spread=0.7) if split else cell


def x_in(seed=1):
    return rnnviz.make_input(T, 2, scale=1.5, seed=seed)


# --------------------------------------------------- an independent torch transcription
def torch_unroll(cell, x, detach_gates=False):
    """Run `cell` step by step in torch, keeping each step's c_t (LSTM) and h_t so that
    .grad on them is the total ∂C/∂c_t, ∂C/∂h_t. detach_gates=True computes every gate and
    candidate from h_{t−1}.detach() (and the LSTM's gates also from c.detach()): only the
    c_{t−1} → c_t (LSTM) or z ⊙ h_{t−1} (GRU) path stays differentiable."""
    p = {k: torch.tensor(v).requires_grad_() for k, v in cell.weights(0).items()}
    Hs = cell.hidden_size
    h = torch.zeros(Hs, dtype=torch.float64)
    c = torch.zeros(Hs, dtype=torch.float64)
    hs, cs, gates = [], [], {n: [] for n in cell.gate_names}
    for x_t in torch.tensor(x):
        hd = h.detach() if detach_gates else h
        if cell.kind == "lstm":
            a = p["W_ih"] @ x_t + p["b_ih"] + p["W_hh"] @ hd + p["b_hh"]
            ai, af, ag, ao = a.split(Hs)
            if cell.variant == "peephole":
                cd = c.detach() if detach_gates else c
                ai, af = ai + p["w_ci"] * cd, af + p["w_cf"] * cd
            i, f, g = torch.sigmoid(ai), torch.sigmoid(af), torch.tanh(ag)
            if cell.variant == "nofg":
                f = torch.ones_like(f)
            c = f * c + i * g
            if cell.variant == "peephole":
                ao = ao + p["w_co"] * (c.detach() if detach_gates else c)
            o = torch.sigmoid(ao)
            h = o * torch.tanh(c)
            c.retain_grad()
            cs.append(c)
            for n, v in zip("ifgo", (i, f, g, o)):
                gates[n].append(v)
        else:
            ax = p["W_ih"] @ x_t + p["b_ih"]
            ah = p["W_hh"] @ hd
            r = torch.sigmoid(ax[:Hs] + ah[:Hs] + p["b_hh"][:Hs])
            z = torch.sigmoid(ax[Hs:2 * Hs] + ah[Hs:2 * Hs] + p["b_hh"][Hs:2 * Hs])
            Wn = p["W_hh"][2 * Hs:]
            if cell.variant == "before":
                n = torch.tanh(ax[2 * Hs:] + Wn @ (r * hd) + p["b_hh"][2 * Hs:])
            else:
                n = torch.tanh(ax[2 * Hs:] + r * (ah[2 * Hs:] + p["b_hh"][2 * Hs:]))
            h = (1 - z) * n + z * h
            for nm, v in zip("rzn", (r, z, n)):
                gates[nm].append(v)
        h.retain_grad()
        hs.append(h)
    return hs, cs, {n: torch.stack(v).detach().numpy() for n, v in gates.items()}


def torch_grads(cell, x, g, detach_gates=False):
    hs, cs, gates = torch_unroll(cell, x, detach_gates)
    loss = sum((h_t * torch.tensor(g_t)).sum() for h_t, g_t in zip(hs, g))
    loss.backward()
    gh = np.stack([h_t.grad.numpy() for h_t in hs])
    gc = np.stack([c_t.grad.numpy() for c_t in cs]) if cs else None
    return gh, gc, gates


def log10n(a):
    return np.log10(np.linalg.norm(a, axis=1))


CASES = [("lstm", "forget"), ("lstm", "nofg"), ("lstm", "peephole"), ("gru", "after"),
         ("gru", "before")]


# -------------------------------------------------------------------------- measures
@pytest.mark.parametrize("kind,variant", CASES)
@pytest.mark.parametrize("loss", ["last", "all"])
def test_ratio_path_factor_and_means_match_autograd(kind, variant, loss):
    cell = lesson_cell(kind, variant)
    x = x_in()
    run = lg.run_gated(cell, x, loss=loss, loss_seed=4)
    g = rnnviz.loss_grad(T, H, where=loss, seed=4)
    gh, gc, gates = torch_grads(cell, x, g)
    delta = gc if kind == "lstm" else gh
    carry = gates[lg.CARRY_GATE[kind]]
    want_ratio = np.full(T, np.nan)
    want_ratio[1:] = np.linalg.norm(delta[:-1], axis=1) / np.linalg.norm(delta[1:], axis=1)
    assert np.isnan(run.log10_ratio[0])
    np.testing.assert_allclose(10 ** run.log10_ratio[1:], want_ratio[1:], rtol=1e-9)
    want_pf = np.linalg.norm(carry * delta, axis=1) / np.linalg.norm(delta, axis=1)
    np.testing.assert_allclose(run.path_factor, want_pf, rtol=1e-9)
    for n, v in gates.items():
        np.testing.assert_allclose(run.means[n], v.mean(axis=1), rtol=1e-10, atol=1e-15)
    np.testing.assert_allclose(run.log10_norm_h, log10n(gh), atol=1e-9)
    if kind == "lstm":
        np.testing.assert_allclose(run.log10_norm_c, log10n(gc), atol=1e-9)


@pytest.mark.parametrize("kind,variant", CASES)
@pytest.mark.parametrize("loss", ["last", "all"])
def test_gate_path_is_the_gradient_with_every_other_path_cut(kind, variant, loss):
    cell = lesson_cell(kind, variant)
    x = x_in(seed=2)
    g = rnnviz.loss_grad(T, H, where=loss, seed=5)
    tr = rnnviz.unroll(cell, x)
    got = lg.gate_path_log10_norm(tr, g)
    gh, gc, _ = torch_grads(cell, x, g, detach_gates=True)
    want = log10n(gc if kind == "lstm" else gh)
    np.testing.assert_allclose(got, want, atol=1e-10)
    # and it is not the full gradient: the cut paths carried something
    full = lg.run_gated(cell, x, loss=loss, loss_seed=5)
    full_l = full.log10_norm_c if kind == "lstm" else full.log10_norm_h
    assert np.max(np.abs(full_l - got)) > 1e-3


@pytest.mark.parametrize("variant", ["forget", "nofg"])
@pytest.mark.parametrize("loss", ["last", "all"])
def test_1997_truncation_is_autograd_with_the_h_path_detached(variant, loss):
    """bptt(mode="cec"): Hochreiter & Schmidhuber 1997's truncated gradient equals autograd
    on the LSTM whose gates and cell input read h_{t−1}.detach() — ∂C/∂h_t, ∂C/∂c_t, ∂C/∂x_t
    and every parameter's gradient; and it is not the full gradient."""
    cell = lesson_cell("lstm", variant)
    x = x_in(seed=2)
    g = rnnviz.loss_grad(T, H, where=loss, seed=5)
    got = rnnviz.bptt(rnnviz.unroll(cell, x), g, mode="cec")
    p = {k: torch.tensor(v).requires_grad_() for k, v in cell.weights(0).items()}
    xt = torch.tensor(x).requires_grad_()
    h = c = torch.zeros(H, dtype=torch.float64)
    hs, cs = [], []
    for t in range(T):
        a = p["W_ih"] @ xt[t] + p["b_ih"] + p["W_hh"] @ h.detach() + p["b_hh"]
        ai, af, ag, ao = a.split(H)
        f = torch.ones(H, dtype=torch.float64) if variant == "nofg" else torch.sigmoid(af)
        c = f * c + torch.sigmoid(ai) * torch.tanh(ag)
        h = torch.sigmoid(ao) * torch.tanh(c)
        h.retain_grad()
        c.retain_grad()
        hs.append(h)
        cs.append(c)
    sum((h_t * torch.tensor(g_t)).sum() for h_t, g_t in zip(hs, g)).backward()
    np.testing.assert_allclose(got.h, np.stack([v.grad.numpy() for v in hs]), rtol=1e-10, atol=1e-15)
    np.testing.assert_allclose(got.c, np.stack([v.grad.numpy() for v in cs]), rtol=1e-10, atol=1e-15)
    np.testing.assert_allclose(got.x, xt.grad.numpy(), rtol=1e-10, atol=1e-15)
    for short, name in (("W_ih", "weight_ih_l0"), ("W_hh", "weight_hh_l0"), ("b_ih", "bias_ih_l0"),
                        ("b_hh", "bias_hh_l0")):
        np.testing.assert_allclose(got.params[name], p[short].grad.numpy(), rtol=1e-10, atol=1e-15)
    # the cell-state norm is the library's gate path (the same cut, another code path)
    np.testing.assert_allclose(got.log10_norm_c, lg.gate_path_log10_norm(rnnviz.unroll(cell, x), g),
                               atol=1e-10)
    full = rnnviz.bptt(rnnviz.unroll(cell, x), g)
    assert np.max(np.abs(full.log10_norm_c - got.log10_norm_c)) > 1e-3


def test_1997_truncation_refuses_what_it_does_not_define():
    x = x_in()
    g = rnnviz.loss_grad(T, H, where="last", seed=5)
    for cell in (lesson_cell("lstm", "peephole"), lesson_cell("gru", "after")):
        with pytest.raises(rnnviz.RnnvizError, match="without peepholes"):
            rnnviz.bptt(rnnviz.unroll(cell, x), g, mode="cec")
    with pytest.raises(rnnviz.RnnvizError, match="no truncate"):
        rnnviz.bptt(rnnviz.unroll(lesson_cell("lstm", "forget"), x), g, truncate=3, mode="cec")
    with pytest.raises(rnnviz.RnnvizError, match="mode must be"):
        rnnviz.bptt(rnnviz.unroll(lesson_cell("lstm", "forget"), x), g, mode="1997")


@pytest.mark.parametrize("kind,bias", [("lstm", -3.0), ("lstm", 2.0), ("gru", -3.0), ("gru", 4.0)])
def test_constant_gate_gives_closed_form_far_past_float64(kind, bias):
    # W_hh = 0, zero input: the gates are constants σ(0) and σ(bias), the state stays 0, and
    # one step back multiplies the gradient by exactly σ(bias): log10 ratio = log10 σ(bias).
    Tn = 2000
    cell = lg.add_gate_bias(rnnviz.make_cell(kind, 8, 1, scale=0.0, seed=0), lg.CARRY_GATE[kind], bias)
    x = rnnviz.make_input(Tn, 1, kind="zeros")
    run = lg.run_gated(cell, x, loss="last")
    s = 1.0 / (1.0 + math.exp(-bias))
    k = np.arange(Tn)
    start = math.log10(0.5) if kind == "lstm" else 0.0  # ‖v ⊙ o ⊙ tanh'(0)‖ = σ(0) = 0.5
    want = start + (Tn - 1 - k) * math.log10(s)
    np.testing.assert_allclose(run.log10_path, want, atol=1e-8)
    full = run.log10_norm_c if kind == "lstm" else run.log10_norm_h
    np.testing.assert_allclose(full, want, atol=1e-8)
    np.testing.assert_allclose(run.log10_ratio[1:], math.log10(s), atol=1e-9)
    assert want[0] < -400 or bias > 0  # the closed form really passed 1e-300
    finite = np.isfinite(run.path_factor)
    assert finite.sum() >= 10
    np.testing.assert_allclose(run.path_factor[finite], s, rtol=1e-12)
    np.testing.assert_allclose(run.means[lg.CARRY_GATE[kind]], s, rtol=1e-12)


def test_step_ratio_edges():
    r = lg.log10_step_ratio([-1.0, -np.inf, 0.5, 2.0])
    assert np.isnan(r[0]) and np.isnan(r[1]) and np.isnan(r[2])
    assert r[3] == pytest.approx(0.5 - 2.0)


def test_path_factor_is_nan_where_delta_underflowed():
    grad = np.array([[0.0, 0.0], [3.0, 4.0], [np.inf, 1.0]])
    gate = np.array([[0.5, 0.5], [1.0, 0.0], [0.5, 0.5]])
    pf = lg.path_factor(grad, gate)
    assert np.isnan(pf[0]) and np.isnan(pf[2]) and pf[1] == pytest.approx(3.0 / 5.0)


def test_rnn_twin_is_the_same_w_hh_scale_and_input():
    cell = lg.rnn_twin_cell(H, scale=0.8, scale_by="sigma", seed=6)
    got = lg.rnn_log10_norm_h(cell, T, input_scale=2.0, loss="all", seed=6)
    assert np.linalg.norm(cell.W_hh(), 2) == pytest.approx(0.8)
    gated = rnnviz.make_cell("lstm", H, 1, scale=0.8, scale_by="sigma", seed=6)
    for gate in ("i", "f", "g", "o"):  # every gate block has the twin's scale
        assert np.linalg.norm(gated.W_hh(block=gate), 2) == pytest.approx(0.8)
    p = {k: torch.tensor(v).requires_grad_() for k, v in cell.weights(0).items()}
    x = torch.tensor(rnnviz.make_input(T, 1, scale=2.0, seed=6))
    h, hs = torch.zeros(H, dtype=torch.float64), []
    for x_t in x:  # h_t = tanh(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh)
        h = torch.tanh(p["W_ih"] @ x_t + p["b_ih"] + p["W_hh"] @ h + p["b_hh"])
        h.retain_grad()
        hs.append(h)
    g = torch.tensor(rnnviz.loss_grad(T, H, where="all", seed=6))
    sum((h_t * g_t).sum() for h_t, g_t in zip(hs, g)).backward()
    want = log10n(np.stack([h_t.grad.numpy() for h_t in hs]))
    np.testing.assert_allclose(got, want, atol=1e-10)


def test_add_gate_bias_is_make_cells_forget_bias():
    base = rnnviz.make_cell("lstm", H, 2, seed=9)
    for b in (-3.0, 1.0, 3.0):
        want = rnnviz.make_cell("lstm", H, 2, seed=9, forget_bias=b)
        got = lg.add_gate_bias(base, "f", b)
        for n in want.params:
            assert np.array_equal(got.params[n], want.params[n]), n
    gru = rnnviz.make_cell("gru", H, 2, seed=9)
    moved = lg.add_gate_bias(gru, "z", 2.0)
    diff = moved.params["bias_ih_l0"] - gru.params["bias_ih_l0"]
    assert np.array_equal(diff, np.r_[np.zeros(H), np.full(H, 2.0), np.zeros(H)])
    with pytest.raises(rnnviz.RnnvizError):
        lg.add_gate_bias(gru, "f", 1.0)


# --------------------------------------------------- PyTorch's two biases vs Keras's one
@pytest.mark.parametrize("kind,variant", [("lstm", "forget"), ("gru", "before")])
def test_two_biases_are_one_bias(kind, variant):
    """Autograd on PyTorch-style two-bias cells: the same outputs as the one-bias cell
    b = b_ih + b_hh, and ∂C/∂b_ih = ∂C/∂b_hh = ∂C/∂b."""
    two = lesson_cell(kind, variant)
    one = lg.merge_biases(two)
    assert not np.allclose(two.params["bias_hh_l0"], 0) and np.all(one.params["bias_hh_l0"] == 0)
    x = torch.tensor(x_in())
    outs, grads = [], []
    for cell in (two, one):
        h, _, leaves = torch_ref.run(cell, x)
        (h * torch.tensor(rnnviz.loss_grad(T, H, where="all"))).sum().backward()
        outs.append(h.detach().numpy())
        grads.append({n: leaves[n].grad.numpy() for n in ("bias_ih_l0", "bias_hh_l0")})
    assert lg.max_abs_diff(outs[0], outs[1]) < 1e-14
    np.testing.assert_allclose(grads[0]["bias_ih_l0"], grads[0]["bias_hh_l0"], rtol=0, atol=1e-15)
    np.testing.assert_allclose(grads[0]["bias_ih_l0"], grads[1]["bias_ih_l0"], rtol=1e-12, atol=1e-15)
    # rnnviz says the same
    tr2, tr1 = rnnviz.unroll(two, x.numpy()), rnnviz.unroll(one, x.numpy())
    assert lg.max_abs_diff(tr2.h, tr1.h) < 1e-14


def test_reset_after_gru_biases_are_not_one():
    cell = lesson_cell("gru", "after")
    with pytest.raises(rnnviz.RnnvizError):
        lg.merge_biases(cell)
    x = torch.tensor(x_in())
    h, _, leaves = torch_ref.run(cell, x)
    h.sum().backward()
    gi, gh = leaves["bias_ih_l0"].grad.numpy(), leaves["bias_hh_l0"].grad.numpy()
    np.testing.assert_allclose(gi[:2 * H], gh[:2 * H], rtol=1e-12)  # r and z: one bias
    assert np.max(np.abs(gi[2 * H:] - gh[2 * H:])) > 1e-3  # n: r_t multiplies b_hn alone


# ------------------------------------------------------------------------ Keras layout
def test_keras_lstm_layout_and_equations_match_pytorch():
    cell = lesson_cell("lstm", "forget")
    x = x_in()
    kw = lg.to_keras(cell)
    assert kw["kernel"].shape == (2, 4 * H) and kw["recurrent_kernel"].shape == (H, 4 * H)
    h_k, c_k = lg.keras_lstm_forward(kw["kernel"], kw["recurrent_kernel"], kw["bias"], x)
    m = rnnviz.to_torch(cell)
    out, (_, c_n) = m(torch.tensor(x)[:, None])
    assert lg.max_abs_diff(h_k, out[:, 0].detach().numpy()) < 1e-14
    assert lg.max_abs_diff(c_k[-1], c_n[0, 0].detach().numpy()) < 1e-14
    # the check can fail: f and g blocks swapped in the kernel is another network
    bad = kw["recurrent_kernel"].copy()
    bad[:, H:2 * H], bad[:, 2 * H:3 * H] = kw["recurrent_kernel"][:, 2 * H:3 * H], kw["recurrent_kernel"][:, H:2 * H]
    h_bad, _ = lg.keras_lstm_forward(kw["kernel"], bad, kw["bias"], x)
    assert lg.max_abs_diff(h_bad, h_k) > 1e-3


@pytest.mark.parametrize("variant", ["after", "before"])
def test_keras_gru_layout_and_equations_match_pytorch(variant):
    cell = lesson_cell("gru", variant)
    x = x_in()
    kw = lg.to_keras(cell)
    assert kw["bias"].shape == ((2, 3 * H) if variant == "after" else (3 * H,))
    h_k = lg.keras_gru_forward(kw["kernel"], kw["recurrent_kernel"], kw["bias"], x,
                               reset_after=(variant == "after"))
    if variant == "after":
        want = rnnviz.to_torch(cell)(torch.tensor(x)[:, None])[0][:, 0].detach().numpy()
    else:  # PyTorch has no reset-before GRU: the test's own transcription
        want = torch_ref.run(cell, torch.tensor(x))[0].detach().numpy()
    assert lg.max_abs_diff(h_k, want) < 1e-14
    # Keras's z, r order is not PyTorch's r, z: read in PyTorch's order it is another network
    swapped = kw["recurrent_kernel"].copy()
    swapped[:, :H], swapped[:, H:2 * H] = kw["recurrent_kernel"][:, H:2 * H], kw["recurrent_kernel"][:, :H]
    h_bad = lg.keras_gru_forward(kw["kernel"], swapped, kw["bias"], x, reset_after=(variant == "after"))
    assert lg.max_abs_diff(h_bad, h_k) > 1e-3


def test_unit_forget_bias_is_forget_bias_one():
    cell = rnnviz.make_cell("lstm", H, 1, forget_bias=1.0, seed=0)
    assert np.array_equal(lg.to_keras(cell)["bias"], lg.keras_unit_forget_bias(H))
    assert np.array_equal(lg.keras_unit_forget_bias(2), [0, 0, 1, 1, 0, 0, 0, 0])


# ------------------------------------------------------------------- TensorFlow 1 layout
def test_tf1_lstm_layout_and_equations_match_pytorch():
    cell = lesson_cell("lstm", "forget")
    x = x_in()
    tw = lg.to_tf1(cell)
    assert tw["kernel"].shape == (2 + H, 4 * H) and tw["bias"].shape == (4 * H,)
    h_tf, c_tf = lg.tf1_lstm_forward(tw["kernel"], tw["bias"], x, tw["forget_bias"])
    m = rnnviz.to_torch(cell)
    out, (_, c_n) = m(torch.tensor(x)[:, None])
    assert lg.max_abs_diff(h_tf, out[:, 0].detach().numpy()) < 1e-14
    assert lg.max_abs_diff(c_tf[-1], c_n[0, 0].detach().numpy()) < 1e-14
    assert lg.tf1_check(cell, x) < 1e-14
    # the forget_bias is inside every step: dropping it is another network
    h_nofb, _ = lg.tf1_lstm_forward(tw["kernel"], tw["bias"], x, 0.0)
    assert lg.max_abs_diff(h_nofb, h_tf) > 1e-3
    # TF1's order is i, j, f, o: read in PyTorch's i, f, g, o it is another network
    k = tw["kernel"].copy()
    k[:, H:2 * H], k[:, 2 * H:3 * H] = tw["kernel"][:, 2 * H:3 * H], tw["kernel"][:, H:2 * H]
    h_bad, _ = lg.tf1_lstm_forward(k, tw["bias"], x, tw["forget_bias"])
    assert lg.max_abs_diff(h_bad, h_tf) > 1e-3


def test_tf1_start_is_keras_start():
    """TF1's LSTMCell starts with zero biases and adds forget_bias = 1 in every step; Keras
    starts with a forget bias of 1 (unit_forget_bias): at the start they are one function."""
    keras = lg.lstm_variant_cells(H, seed=3)["keras"]
    tw = lg.to_tf1(keras)
    assert np.array_equal(tw["bias"], np.zeros(4 * H))  # TF1's zeros initialiser
    x = rnnviz.make_input(T, 1, scale=1.5, seed=1)  # the variant cells take one input
    assert lg.tf1_check(keras, x) < 1e-14
    with pytest.raises(rnnviz.RnnvizError):
        lg.to_tf1(rnnviz.make_cell("lstm", H, 1, variant="peephole", seed=3))


def test_log10_first_over_last():
    assert lg.log10_first_over_last([-40.5, -3.0, -0.5]) == pytest.approx(-40.0)
    assert lg.log10_first_over_last([-np.inf, 0.0]) == -np.inf
    assert np.isnan(lg.log10_first_over_last([0.0, -np.inf]))


# ------------------------------------------------------------------ variants lessons
def test_lstm_variants_share_weights_and_keras_forget_bias_is_exactly_one():
    cells = {v: lg.lstm_variant_cell(v, H, scale=0.9, forget_bias=0.5, seed=2) for v in lg.LSTM_VARIANTS}
    for v, c in cells.items():
        for n in ("weight_ih_l0", "weight_hh_l0"):
            assert np.array_equal(c.params[n], cells["forget"].params[n]), (v, n)
    assert cells["nofg"].variant == "nofg" and cells["peephole"].variant == "peephole"
    assert "weight_cf_l0" in cells["peephole"].params
    fast = lg.lstm_variant_cells(H, scale=0.9, forget_bias=0.5, seed=2)  # one rescale, not four
    for v, c in cells.items():
        assert fast[v].variant == c.variant and list(fast[v].params) == list(c.params)
        for n in c.params:
            assert np.array_equal(fast[v].params[n], c.params[n]), (v, n)
    b = {v: c.params["bias_ih_l0"] + c.params["bias_hh_l0"] for v, c in cells.items()}
    np.testing.assert_allclose(b["forget"], np.r_[np.zeros(H), np.full(H, 0.5), np.zeros(2 * H)], atol=1e-15)
    # Keras's unit_forget_bias=True: zeros, then the forget block set to 1 (not 1 + forget_bias)
    np.testing.assert_allclose(b["keras"], lg.keras_unit_forget_bias(H), atol=0)
    for fb in (-3.0, 0.0, 2.5):
        assert np.array_equal(lg.to_keras(lg.lstm_variant_cells(H, forget_bias=fb)["keras"])["bias"],
                              lg.keras_unit_forget_bias(H)), fb
    assert not np.allclose(cells["forget"].params["bias_hh_l0"], 0)  # PyTorch-style: two biases
    assert np.all(cells["keras"].params["bias_hh_l0"] == 0)  # Keras: one


@pytest.mark.parametrize("kind,variant", [("lstm", "forget"), ("gru", "before"), ("gru", "after")])
def test_two_bias_check_against_autograd(kind, variant):
    cell = lesson_cell(kind, variant)
    x = x_in()
    chk = lg.two_bias_check(cell, x, loss="all", seed=7)
    h, _, leaves = torch_ref.run(cell, torch.tensor(x))
    (h * torch.tensor(rnnviz.loss_grad(T, H, where="all", seed=7))).sum().backward()
    d = np.abs(leaves["bias_ih_l0"].grad.numpy() - leaves["bias_hh_l0"].grad.numpy())
    want = [d[k * H:(k + 1) * H].max() for k in range(len(cell.gate_names))]
    np.testing.assert_allclose(chk.db_ih_hh_per_gate, want, rtol=1e-9, atol=1e-15)
    if variant == "after":
        assert np.isnan(chk.max_dh) and chk.db_ih_hh_per_gate[2] > 1e-3
        assert chk.db_ih_hh_per_gate[0] < 1e-15 and chk.db_ih_hh_per_gate[1] < 1e-15
    else:
        assert chk.max_dh < 1e-14 and chk.max_db_ih_hh < 1e-15 and chk.max_db_one < 1e-14


@pytest.mark.parametrize("kind,variant", [("lstm", "forget"), ("gru", "before"), ("gru", "after")])
def test_keras_check_is_tiny_and_can_fail(kind, variant):
    cell = lesson_cell(kind, variant)
    x = x_in()
    assert lg.keras_check(cell, x) < 1e-14
    other = lg.split_biases(rnnviz.make_cell(kind, H, 2, variant=variant, seed=99))
    kw_other = lg.to_keras(other)
    h = rnnviz.unroll(cell, x).h
    if kind == "lstm":
        hk, _ = lg.keras_lstm_forward(kw_other["kernel"], kw_other["recurrent_kernel"], kw_other["bias"], x)
    else:
        hk = lg.keras_gru_forward(kw_other["kernel"], kw_other["recurrent_kernel"], kw_other["bias"], x,
                                  reset_after=variant == "after")
    assert lg.max_abs_diff(h, hk) > 1e-3


def test_run_pair_is_two_runs_and_their_gap():
    a, b = lesson_cell("gru", "before", split=False), lesson_cell("gru", "after", split=False)
    x = x_in()
    (ra, rb), gap = lg.run_pair(a, b, x, loss="all", loss_seed=1)
    for cell, r in ((a, ra), (b, rb)):
        want = lg.run_gated(cell, x, loss="all", loss_seed=1)
        np.testing.assert_array_equal(r.log10_norm_h, want.log10_norm_h)
    ha = torch_ref.run(a, torch.tensor(x))[0].detach().numpy()
    hb = torch_ref.run(b, torch.tensor(x))[0].detach().numpy()
    assert gap == pytest.approx(np.max(np.abs(ha - hb)), rel=1e-9) and gap > 1e-3


@pytest.mark.parametrize("x,text", [
    (-18.0, "1.0 × 10⁻¹⁸"), (-18.7, "2.0 × 10⁻¹⁹"), (-600.5, "3.2 × 10⁻⁶⁰¹"), (0.6, "4"),
    (math.log10(0.25), "0.25"), (math.log10(9.96e5), "1.0 × 10⁶"), (-np.inf, "0"),
    (np.inf, "∞"), (np.nan, "—"), (math.log10(0.011), "0.011"), (-3.0, "1.0 × 10⁻³"),
])
def test_pow10_text(x, text):
    assert numtext.pow10_text(x) == text


def test_small_text():
    assert numtext.small_text(0.0) == "0"
    assert numtext.small_text(2.220446049250313e-16) == "2.2 × 10⁻¹⁶"


def test_heatmaps_are_shrunk_block_means_with_real_axes():
    Tn, Hn = 1000, 100
    cell = rnnviz.make_cell("lstm", Hn, 1, seed=1)
    x = rnnviz.make_input(Tn, 1, seed=1)
    run = lg.run_gated(cell, x)
    tr = rnnviz.unroll(cell, x)
    f = run.heat["f"]  # (units, steps)
    assert f.shape[0] <= lg.HEAT_UNITS and f.shape[1] <= lg.HEAT_STEPS
    kt, ku = math.ceil(Tn / lg.HEAT_STEPS), math.ceil(Hn / lg.HEAT_UNITS)
    assert f.shape == (math.ceil(Hn / ku), math.ceil(Tn / kt))
    np.testing.assert_allclose(f[0, 0], tr.gates["f"][:kt, :ku].mean(), rtol=1e-12)
    np.testing.assert_allclose(run.heat["c"][1, 2], tr.c[2 * kt:3 * kt, ku:2 * ku].mean(), rtol=1e-12)
    assert run.heat_steps[0] == (kt - 1) / 2 and run.heat_units[1] == ku + (ku - 1) / 2


def test_gate_heatmaps_stack_the_bands_on_one_pair_of_axes():
    from rnnviz.figures import gates as gfig

    steps, units = np.array([0.5, 2.5, 4.5]), np.array([1.5, 5.5, 9.5, 13.5])  # block centres
    z = np.arange(12.0).reshape(4, 3) / 12
    panels = [("i", z, "gate"), ("f", z, "gate"), ("g", 2 * z - 1, "tanh"), ("c", 4 * z, "state")]
    fig = gfig.gate_heatmaps(steps, units, panels, labels={"y": "unit j"})
    lay = fig.layout
    assert not any(k in lay for k in ("xaxis2", "yaxis2"))  # two axes for all four bands
    bands = [(float(t.y.min()), float(t.y.max())) for t in fig.data]
    for upper, lower in zip(bands, bands[1:]):  # first panel on top, no overlap
        assert lower[1] < upper[0]
    for t, (name, zz, _) in zip(fig.data, panels):
        np.testing.assert_allclose(t.y - t.y[0], units - units[0], rtol=1e-6)  # units, shifted
        np.testing.assert_allclose(t.z, zz.astype(np.float32))
        assert t.name == name and t.hovertemplate.startswith(name) and "%{y" not in t.hovertemplate
    assert list(lay.yaxis.ticktext) == ["2", "6", "14"] * 4  # first, middle, last unit per band
    assert lay.yaxis.range[0] <= bands[-1][0] and lay.yaxis.range[1] >= bands[0][1]
    # each colour bar sits beside its bands; the gate bar covers both σ bands
    y0, y1 = lay.yaxis.range
    frac = lambda v: (v - y0) / (y1 - y0)
    gate_bar = lay.coloraxis.colorbar
    assert frac(bands[1][0]) - 0.05 < gate_bar.y - gate_bar.len / 2 < frac(bands[1][0])
    assert frac(bands[0][1]) < gate_bar.y + gate_bar.len / 2 < frac(bands[0][1]) + 0.05
    assert (lay.coloraxis3.cmin, lay.coloraxis3.cmax) == (-4 * z.max(), 4 * z.max())  # symmetric
    assert [a.text for a in lay.annotations] == ["i", "f", "g", "c"]


def test_gate_heatmap_columns_share_the_y_axis_and_the_colour_bars():
    from rnnviz.figures import gates as gfig

    steps, units = np.arange(3.0), np.arange(4.0)
    z = np.arange(12.0).reshape(4, 3) / 12
    left = [("r", z, "gate"), ("h", z - 0.5, "state")]
    right = [("r", 1 - z, "gate"), ("h", 3 * (z - 0.5), "state")]
    fig = gfig.gate_heatmap_columns(steps, units, [("before", left), ("after", right)])
    lay = fig.layout
    assert [t.xaxis for t in fig.data] == ["x", "x", "x2", "x2"]
    assert {t.yaxis for t in fig.data} == {"y"} and "yaxis2" not in lay
    assert lay.xaxis.domain[1] < lay.xaxis2.domain[0]  # side by side, apart
    # the same band at the same height in both columns
    assert fig.data[0].y.tolist() == fig.data[2].y.tolist()
    assert fig.data[1].y.tolist() == fig.data[3].y.tolist()
    # one state scale for both columns: colours compare across them
    assert (lay.coloraxis3.cmin, lay.coloraxis3.cmax) == (-1.5, 1.5)
    assert {t.coloraxis for t in fig.data} == {"coloraxis", "coloraxis3"}
    texts = [a.text for a in lay.annotations]
    assert "<b>before</b>" in texts and "<b>after</b>" in texts and texts.count("r") == 2
    assert fig.data[2].hovertemplate.startswith("after: r")
    with pytest.raises(ValueError):
        gfig.gate_heatmap_columns(steps, units, [("a", left), ("b", left[::-1])])
    one = gfig.gate_heatmaps(steps, units, left)  # one column: no column title, no room for it
    assert not any(a.text.startswith("<b>") for a in one.layout.annotations)
    assert one.layout.height == fig.layout.height - gfig.COLUMN_TITLE


def test_step_ratio_is_capped():
    r = lg.step_ratio(np.array([np.nan, -1.0, 0.5, 9.0]))
    assert np.isnan(r[0]) and r[1] == pytest.approx(0.1) and r[2] == pytest.approx(10 ** 0.5)
    assert r[3] == 10.0 ** lg.RATIO_CAP
