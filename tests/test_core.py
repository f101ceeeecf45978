"""rnnviz's forward pass and hand-written BPTT against PyTorch autograd in float64."""

import zlib

import numpy as np
import pytest
import torch

import rnnviz
from rnnviz.core.logmath import log10_norms
from tests import torch_ref

RTOL = 1e-10


def rel_err(a, b):
    a, b = np.asarray(a), np.asarray(b)
    scale = np.max(np.abs(b))
    return np.max(np.abs(a - b)) / (scale if scale > 0 else 1.0)


def autograd(cell, x, g, per_step=False):
    """Outputs and gradients from torch_ref (an independent transcription)."""
    xt = torch.tensor(x, requires_grad=True)
    h, c, leaves = torch_ref.run(cell, xt, per_step=per_step)
    (h * torch.tensor(g)).sum().backward()
    return h.detach().numpy(), c, xt.grad.numpy(), leaves


# --- every cell PyTorch has, through from_torch, against the fused module ----------------

TORCH_MODULES = [
    ("rnn-tanh", lambda **k: torch.nn.RNN(3, 5, **k)),
    ("rnn-relu", lambda **k: torch.nn.RNN(3, 5, nonlinearity="relu", **k)),
    ("lstm", lambda **k: torch.nn.LSTM(3, 5, **k)),
    ("gru", lambda **k: torch.nn.GRU(3, 5, **k)),
]


@pytest.mark.parametrize("name,make", TORCH_MODULES, ids=[m[0] for m in TORCH_MODULES])
@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("batch_first", [False, True])
def test_matches_torch_module(name, make, bidirectional, bias, batch_first):
    # a seed that is the same in every run (hash() of a str changes with PYTHONHASHSEED)
    torch.manual_seed(zlib.crc32(repr((name, bidirectional, bias, batch_first)).encode()) % 1000)
    m = make(bidirectional=bidirectional, bias=bias, batch_first=batch_first).double()
    cell = rnnviz.from_torch(m)
    T = 9
    x = torch.randn(1, T, 3, dtype=torch.float64) if batch_first else torch.randn(T, 1, 3, dtype=torch.float64)
    x.requires_grad_(True)
    out, state = m(x)
    out2 = out[0] if batch_first else out[:, 0]  # (T, H·D)
    g = torch.randn_like(out2)
    (out2 * g).sum().backward()
    xs = (x[0] if batch_first else x[:, 0]).detach().numpy()
    tr = rnnviz.unroll(cell, xs)
    gr = rnnviz.bptt(tr, g.numpy())
    assert rel_err(tr.h, out2.detach().numpy()) < RTOL
    if name == "lstm":  # the final cell state of each direction
        c_n = state[1][:, 0].detach().numpy()  # (D, H)
        assert rel_err(tr.c[-1, :5], c_n[0]) < RTOL
        if bidirectional:
            assert rel_err(tr.c[0, 5:], c_n[1]) < RTOL
    xg = (x.grad[0] if batch_first else x.grad[:, 0]).numpy()
    assert rel_err(gr.x, xg) < RTOL
    assert list(gr.params) == [n for n, _ in m.named_parameters()]
    for n, p in m.named_parameters():
        assert rel_err(gr.params[n], p.grad.numpy()) < RTOL, n


def test_state_dict_round_trip():
    torch.manual_seed(1)
    m = torch.nn.LSTM(4, 6, bidirectional=True).double()
    cell = rnnviz.from_torch(m.state_dict())
    assert cell.kind == "lstm" and cell.bidirectional and cell.hidden_size == 6
    back = rnnviz.to_torch(cell)
    for (n, a), (n2, b) in zip(m.state_dict().items(), back.state_dict().items()):
        assert n == n2 and torch.equal(a, b)


# --- every variant, through the independent torch transcription ---------------------------

VARIANTS = [
    dict(kind="rnn", activation="tanh"), dict(kind="rnn", activation="sigmoid"),
    dict(kind="rnn", activation="relu"), dict(kind="rnn", activation="linear"),
    dict(kind="lstm", variant="forget"), dict(kind="lstm", variant="nofg"),
    dict(kind="lstm", variant="peephole"),
    dict(kind="gru", variant="after"), dict(kind="gru", variant="before"),
]
IDS = [f"{v['kind']}-{v.get('activation', v.get('variant'))}" for v in VARIANTS]


@pytest.mark.parametrize("spec", VARIANTS, ids=IDS)
@pytest.mark.parametrize("bidirectional", [False, True])
def test_variants_match_autograd(spec, bidirectional):
    cell = rnnviz.make_cell(hidden_size=4, input_size=3, scale=0.9, init="gaussian",
                            forget_bias=0.5, bidirectional=bidirectional, seed=3, **spec)
    # nonzero biases everywhere, so every bias gradient is exercised
    rng = np.random.default_rng(0)
    cell = cell.replace(params={n: a + 0.1 * rng.standard_normal(a.shape)
                                for n, a in cell.params.items() if n.startswith("bias")})
    x = rng.standard_normal((8, 3))
    g = rng.standard_normal((8, 4 * cell.directions))
    h, c, xg, leaves = autograd(cell, x, g)
    tr = rnnviz.unroll(cell, x)
    gr = rnnviz.bptt(tr, g)
    assert rel_err(tr.h, h) < RTOL
    if c is not None:
        assert rel_err(tr.c, c.detach().numpy()) < RTOL
    assert rel_err(gr.x, xg) < RTOL
    for n, leaf in leaves.items():
        assert rel_err(gr.params[n], leaf.grad.numpy()) < RTOL, n


@pytest.mark.parametrize("spec", VARIANTS, ids=IDS)
def test_variants_match_finite_differences(spec):
    """A check that does not trust torch either: central differences of C = Σ g ⊙ h."""
    cell = rnnviz.make_cell(hidden_size=3, input_size=2, scale=0.8, forget_bias=0.3, seed=5, **spec)
    rng = np.random.default_rng(1)
    x = rng.standard_normal((6, 2))
    g = rng.standard_normal((6, 3))
    tr = rnnviz.unroll(cell, x)
    gr = rnnviz.bptt(tr, g)
    if spec.get("activation") == "relu":
        # relu has a kink at 0: central differences hold only where no pre-activation is
        # within reach of it. A weight moved by ε moves each pre-activation by far less
        # than 1e-4 here, so this margin keeps every difference on one side of the kink.
        assert np.min(np.abs(tr.records[0]["pre"]["h"])) > 1e-4

    def C(c):
        return float(np.sum(rnnviz.unroll(c, x).h * g))

    eps = 1e-6
    for name, a in cell.params.items():
        for idx in [tuple(rng.integers(0, s) for s in a.shape) for _ in range(3)]:
            up, dn = a.copy(), a.copy()
            up[idx] += eps
            dn[idx] -= eps
            fd = (C(cell.replace(params={name: up})) - C(cell.replace(params={name: dn}))) / (2 * eps)
            assert abs(fd - gr.params[name][idx]) < 1e-6 * max(1.0, abs(fd)), (name, idx)


@pytest.mark.parametrize("spec", VARIANTS, ids=IDS)
def test_pre_activation_deltas_and_step_terms(spec):
    """δ^k and each step's term of the BPTT sum, against per-step weight copies in torch."""
    cell = rnnviz.make_cell(hidden_size=4, input_size=2, scale=1.1, seed=7, **spec)
    rng = np.random.default_rng(2)
    x = rng.standard_normal((7, 2))
    g = rng.standard_normal((7, 4))
    _, _, _, leaves = autograd(cell, x, g, per_step=True)
    gr = rnnviz.bptt(rnnviz.unroll(cell, x), g)
    for name, steps in gr.step_log10_norm.items():
        want = log10_norms(np.stack([leaf.grad.numpy().reshape(-1) for leaf in leaves[name]]))
        finite = np.isfinite(want)
        assert np.array_equal(finite, np.isfinite(steps)), name
        assert np.max(np.abs(steps[finite] - want[finite])) < 1e-10, name
    if cell.kind == "rnn":  # δ^k = ∂C/∂b_hh at step k
        want = np.stack([leaf.grad.numpy() for leaf in leaves["bias_hh_l0"]])
        assert rel_err(gr.pre, want) < RTOL


def test_lstm_cell_state_gradient():
    cell = rnnviz.make_cell("lstm", hidden_size=4, input_size=2, scale=1.0, forget_bias=1.0, seed=2)
    rng = np.random.default_rng(3)
    x = rng.standard_normal((6, 2))
    g = rng.standard_normal((6, 4))
    xt = torch.tensor(x, requires_grad=True)
    # the total ∂C/∂c_k: differentiate through a graph where each c_k is a node
    cs = []
    hh = torch.zeros(4, dtype=torch.float64)
    cc = torch.zeros(4, dtype=torch.float64)
    p = {k: torch.tensor(cell.params[n]) for k, n in
         [("W_ih", "weight_ih_l0"), ("W_hh", "weight_hh_l0"), ("b_ih", "bias_ih_l0"), ("b_hh", "bias_hh_l0")]}
    hs = []
    for t in range(6):
        hh, cc = torch_ref._step("lstm", "tanh", "forget", p, xt[t], hh, cc)
        cc.retain_grad()
        cs.append(cc)
        hs.append(hh)
    (torch.stack(hs) * torch.tensor(g)).sum().backward()
    want = np.stack([ci.grad.numpy() for ci in cs])
    gr = rnnviz.bptt(rnnviz.unroll(cell, x), g)
    assert rel_err(gr.c, want) < RTOL
    assert np.allclose(gr.log10_norm_c, np.log10(np.linalg.norm(want, axis=1)), atol=1e-12)


# --- analytic cases ---------------------------------------------------------------------

@pytest.mark.parametrize("lam", [0.5, 0.9, 1.1, 1.7])
@pytest.mark.parametrize("how", ["linear", "tanh-zero-input"])
def test_lambda_identity_decays_as_power(lam, how):
    """W_hh = λI, loss at the last step: ||∂C/∂h_k|| = λ^{T−1−k} ||∂C/∂h_{T−1}|| exactly,
    even at T = 3000 where the norm passes 1e±300."""
    T, H = 3000, 4
    act = "linear" if how == "linear" else "tanh"
    cell = rnnviz.make_cell("rnn", H, 1, activation=act, init="identity", scale=lam, seed=0)
    x = np.zeros((T, 1))
    h0 = np.full(H, 0.0)  # zero input and zero start: σ'(0) = 1 at every step for tanh
    if how == "linear":
        x = rnnviz.make_input(T, 1, seed=1)
        cell = cell.replace(params={"weight_ih_l0": np.full((H, 1), 1e-3)})
        if lam > 1:
            x[:] = 0.0  # keep the forward pass finite; the backward pass does not care
    tr = rnnviz.unroll(cell, x, h0)
    g = rnnviz.loss_grad(T, H, where="last", seed=0)
    gr = rnnviz.bptt(tr, g)
    k = np.arange(T)
    want = (T - 1 - k) * np.log10(lam) + gr.log10_norm_h[-1]
    assert np.max(np.abs(gr.log10_norm_h - want)) < 1e-9
    assert abs(gr.log10_norm_h[0] - gr.log10_norm_h[-1]) > 100  # really past the 1e±300 wall
    assert np.isfinite(gr.log10_norm_h).all()


def test_orthogonal_linear_keeps_the_norm():
    T, H = 2000, 16
    cell = rnnviz.make_cell("rnn", H, 1, activation="linear", init="orthogonal", scale=None, seed=4)
    tr = rnnviz.unroll(cell, rnnviz.make_input(T, 1, seed=2))
    gr = rnnviz.bptt(tr, rnnviz.loss_grad(T, H, seed=3))
    assert np.max(np.abs(gr.log10_norm_h - gr.log10_norm_h[-1])) < 1e-9


def test_values_beyond_float64_are_zero_or_inf_but_norms_exact():
    T, H = 1500, 3
    cell = rnnviz.make_cell("rnn", H, 1, activation="linear", init="identity", scale=0.5, seed=0)
    gr = rnnviz.bptt(rnnviz.unroll(cell, np.zeros((T, 1))), rnnviz.loss_grad(T, H))
    assert gr.h[0].tolist() == [0.0, 0.0, 0.0]  # 0.5^1499 ≈ 1e-451 underflows …
    assert abs(gr.log10_norm_h[0] - 1499 * np.log10(0.5)) < 1e-9  # … its log does not


@pytest.mark.parametrize("log10_a", [120, 170, -120, -170])
@pytest.mark.parametrize("where", ["last", "all"])
def test_one_step_past_the_float64_range(log10_a, where):
    """W_hh = a·Q (Q orthogonal) with ||W_hh|| = 1e±120 or 1e±170: one step takes the
    carried gradient's squared norm past 1e±200 (at 1e170 past float64 itself), the branch
    of the renormalisation that rescales by the largest entry first. Zero input and zero
    start keep tanh' = 1, so ||∂C/∂h_k|| = a^{T−1−k} exactly for the last step's unit loss;
    with a loss at every step the largest term dominates the rest by 1e120 or more."""
    T, H = 12, 5
    Q = np.linalg.qr(np.random.default_rng(8).standard_normal((H, H)))[0]
    cell = rnnviz.make_cell("rnn", H, 1, activation="tanh", seed=0)
    cell = cell.replace(params={"weight_hh_l0": 10.0 ** log10_a * Q})
    tr = rnnviz.unroll(cell, np.zeros((T, 1)))
    assert not tr.h.any()
    gr = rnnviz.bptt(tr, rnnviz.loss_grad(T, H, where=where, seed=1))
    n = T - 1 - np.arange(T)  # steps back from the last loss term
    want = n * log10_a if log10_a > 0 or where == "last" else np.zeros(T)
    assert np.max(np.abs(gr.log10_norm_h - want)) < 1e-9
    assert np.max(np.abs(gr.log10_norm_pre[:, 0] - want)) < 1e-9  # δ^k = ∂C/∂h_k: tanh'(0) = 1


# --- truncated BPTT ----------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
def test_truncated_detach_matches_torch_detach(kind):
    k, T = 3, 10
    cell = rnnviz.make_cell(kind, 4, 2, scale=1.0, seed=8)
    rng = np.random.default_rng(4)
    x, g = rng.standard_normal((T, 2)), rng.standard_normal((T, 4))
    p = {s: torch.tensor(cell.params[n], requires_grad=True) for s, n in
         [("W_ih", "weight_ih_l0"), ("W_hh", "weight_hh_l0"), ("b_ih", "bias_ih_l0"), ("b_hh", "bias_hh_l0")]}
    h = torch.zeros(4, dtype=torch.float64)
    c = torch.zeros(4, dtype=torch.float64)
    hs = []
    for t in range(T):
        if t % k == 0:  # detach at chunk boundaries (0, k, 2k, …)
            h, c = h.detach(), c.detach()
        h, c2 = torch_ref._step(kind, "tanh", cell.variant, p, torch.tensor(x[t]), h, c)
        c = c2 if c2 is not None else c
        hs.append(h)
    (torch.stack(hs) * torch.tensor(g)).sum().backward()
    gr = rnnviz.bptt(rnnviz.unroll(cell, x), g, truncate=k, mode="detach")
    assert rel_err(gr.params["weight_hh_l0"], p["W_hh"].grad.numpy()) < RTOL


@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
def test_truncated_window_matches_autograd_per_loss_term(kind):
    """Window k: loss term C^t reaches steps t−k+1 … t; autograd one term at a time."""
    k, T = 3, 9
    cell = rnnviz.make_cell(kind, 4, 2, scale=1.2, seed=9)
    rng = np.random.default_rng(5)
    x, g = rng.standard_normal((T, 2)), rng.standard_normal((T, 4))
    want = np.zeros_like(cell.params["weight_hh_l0"])
    want_x = np.zeros((T, 2))
    for t in range(T):
        p = {s: torch.tensor(cell.params[n], requires_grad=True) for s, n in
             [("W_ih", "weight_ih_l0"), ("W_hh", "weight_hh_l0"), ("b_ih", "bias_ih_l0"), ("b_hh", "bias_hh_l0")]}
        xt = torch.tensor(x, requires_grad=True)
        h = torch.zeros(4, dtype=torch.float64)
        c = torch.zeros(4, dtype=torch.float64)
        for s in range(t + 1):
            if s == t - k + 1:
                h, c = h.detach(), c.detach()
            h, c2 = torch_ref._step(kind, "tanh", cell.variant, p, xt[s], h, c)
            c = c2 if c2 is not None else c
        (h * torch.tensor(g[t])).sum().backward()
        want += p["W_hh"].grad.numpy()
        want_x += xt.grad.numpy()
    gr = rnnviz.bptt(rnnviz.unroll(cell, x), g, truncate=k, mode="window")
    assert rel_err(gr.params["weight_hh_l0"], want) < RTOL
    assert rel_err(gr.x, want_x) < RTOL
    full = rnnviz.bptt(rnnviz.unroll(cell, x), g, truncate=T, mode="window")
    assert rel_err(full.params["weight_hh_l0"], rnnviz.bptt(rnnviz.unroll(cell, x), g).params["weight_hh_l0"]) < RTOL


# --- bad input and overflow --------------------------------------------------------------

def test_bad_inputs_raise_one_clear_error():
    cell = rnnviz.make_cell("rnn", 4, 2)
    with pytest.raises(rnnviz.RnnvizError, match=r"shape \(T, 2\)"):
        rnnviz.unroll(cell, np.zeros((5, 3)))
    with pytest.raises(rnnviz.RnnvizError, match="NaN"):
        rnnviz.unroll(cell, np.array([[0.0, np.nan]]))
    with pytest.raises(rnnviz.RnnvizError, match="between 1 and"):
        rnnviz.unroll(cell, np.zeros((0, 2)))
    tr = rnnviz.unroll(cell, np.zeros((5, 2)))
    with pytest.raises(rnnviz.RnnvizError, match=r"grad_h must have shape"):
        rnnviz.bptt(tr, np.zeros((5, 3)))
    with pytest.raises(rnnviz.RnnvizError, match="NaN"):
        rnnviz.bptt(tr, np.full((5, 4), np.inf))
    with pytest.raises(rnnviz.RnnvizError, match="NaN or infinite"):
        cell.replace(params={"weight_hh_l0": np.full((4, 4), np.nan)})
    with pytest.raises(rnnviz.RnnvizError, match="hidden size H must be between"):
        rnnviz.make_cell("rnn", 5000, 1)
    with pytest.raises(rnnviz.RnnvizError, match="Unknown activation"):
        rnnviz.make_cell("rnn", 4, 1, activation="swish")
    with pytest.raises(rnnviz.RnnvizError, match="truncate"):
        rnnviz.bptt(tr, np.zeros((5, 4)), truncate=0)


def test_exploding_forward_reports_first_bad_step():
    cell = rnnviz.make_cell("rnn", 4, 1, activation="relu", init="identity", scale=10.0)
    x = np.ones((400, 1))
    with pytest.raises(rnnviz.ForwardOverflowError) as e:
        rnnviz.unroll(cell, x)
    step = e.value.step
    assert 300 < step < 320  # 10^t passes 1.8e308 after ~308 steps
    assert e.value.trace.T == step and np.isfinite(e.value.trace.h).all()
    assert f"step {step}" in str(e.value)


def test_same_settings_same_bits():
    a = rnnviz.make_cell("gru", 8, 3, init="orthogonal", scale=1.3, seed=11)
    b = rnnviz.make_cell("gru", 8, 3, init="orthogonal", scale=1.3, seed=11)
    assert all(np.array_equal(a.params[n], b.params[n]) for n in a.params)
    assert np.array_equal(rnnviz.make_input(50, 3, seed=2), rnnviz.make_input(50, 3, seed=2))


@pytest.mark.parametrize("spec", VARIANTS, ids=IDS)
@pytest.mark.parametrize("bidirectional", [False, True])
def test_step_terms_equal_per_step_weight_copies(spec, bidirectional):
    """grads.step_term(name, k) is step k's own term, e.g. δ^k h^{k-1 ᵀ} for W_hh."""
    cell = rnnviz.make_cell(hidden_size=3, input_size=2, scale=1.2, seed=4,
                            bidirectional=bidirectional, **spec)
    rng = np.random.default_rng(6)
    x = rng.standard_normal((6, 2))
    g = rng.standard_normal((6, 3 * cell.directions))
    _, _, _, leaves = autograd(cell, x, g, per_step=True)
    gr = rnnviz.bptt(rnnviz.unroll(cell, x), g)
    for name, steps in leaves.items():
        for k in range(6):
            assert rel_err(gr.step_term(name, k), steps[k].grad.numpy()) < RTOL, (name, k)
        total = sum(gr.step_term(name, k) for k in range(6))
        assert rel_err(total, gr.params[name]) < RTOL, name
    with pytest.raises(rnnviz.RnnvizError, match="step must be"):
        gr.step_term("weight_hh_l0", 6)
