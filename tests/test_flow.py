"""The gradient-flow map, the Jacobian 2-norm and its bound, and truncated BPTT's error,
against torch autograd in float64 and analytic cases."""

import math

import numpy as np
import pytest
import torch

import rnnviz
from rnnviz.measures import flow
from tests import torch_ref

TOL = 1e-10  # in log10

CELLS = [  # (kind, variant, activation)
    ("rnn", "", "tanh"), ("rnn", "", "sigmoid"), ("lstm", "forget", "tanh"),
    ("lstm", "peephole", "tanh"), ("gru", "after", "tanh"), ("gru", "before", "tanh"),
]
IDS = [f"{k}-{v or a}" for k, v, a in CELLS]


def make(kind, variant, act, *, H=4, I=3, T=7, bidirectional=False, scale=1.1, seed=0):
    cell = rnnviz.make_cell(kind, H, I, variant=variant, activation=act, scale=scale,
                            bidirectional=bidirectional, seed=seed, forget_bias=0.5)
    x = rnnviz.make_input(T, I, seed=seed)
    return cell, x, rnnviz.unroll(cell, x)


# --- the reference: T backward passes through a step-by-step torch graph ------------------

def torch_graph(cell, x):
    """x leaf and, per direction, the list of h_t tensors (time order) with retain_grad."""
    T, H = x.shape[0], cell.hidden_size
    xt = torch.tensor(x, requires_grad=True)
    states = []
    for d in range(cell.directions):
        p = {k: torch.tensor(np.array(v)) for k, v in cell.weights(d).items()}
        h = torch.zeros(H, dtype=torch.float64)
        c = torch.zeros(H, dtype=torch.float64)
        hs = [None] * T
        for t in (range(T) if d == 0 else range(T - 1, -1, -1)):
            h, c_new = torch_ref._step(cell.kind, cell.activation, cell.variant, p, xt[t], h, c)
            if c_new is not None:
                c = c_new
            h.retain_grad()
            hs[t] = h
        states.append(hs)
    return xt, states


def log10n(v):
    n = float(np.linalg.norm(v))
    return math.log10(n) if n > 0 else -math.inf


def autograd_maps(cell, x, g):
    """(M_h, M_x) by one backward pass per loss term C^t = g[t] · h_t."""
    T, H = x.shape[0], cell.hidden_size
    xt, states = torch_graph(cell, x)
    gt = torch.tensor(g)
    Mh, Mx = np.full((T, T), -np.inf), np.full((T, T), -np.inf)
    for t in range(T):
        for hs in states:
            for h in hs:
                h.grad = None
        xt.grad = None
        C = sum((gt[t, d * H:(d + 1) * H] * hs[t]).sum() for d, hs in enumerate(states))
        C.backward(retain_graph=True)
        for k in range(T):
            sq = sum(float((hs[k].grad ** 2).sum()) for hs in states if hs[k].grad is not None)
            Mh[t, k] = 0.5 * math.log10(sq) if sq > 0 else -math.inf
            Mx[t, k] = log10n(xt.grad[k].numpy())
    return Mh, Mx


def assert_maps_equal(M, ref, tol=TOL):
    assert M.shape == ref.shape
    assert np.array_equal(np.isfinite(M), np.isfinite(ref)), (np.isfinite(M), np.isfinite(ref))
    fin = np.isfinite(ref)
    assert np.max(np.abs(M[fin] - ref[fin])) <= tol


@pytest.mark.parametrize("kind,variant,act", CELLS, ids=IDS)
@pytest.mark.parametrize("bidirectional", [False, True], ids=["uni", "bi"])
def test_map_matches_autograd(kind, variant, act, bidirectional):
    cell, x, tr = make(kind, variant, act, bidirectional=bidirectional)
    g = np.random.default_rng(3).standard_normal((x.shape[0], cell.hidden_size * cell.directions))
    Mh_ref, Mx_ref = autograd_maps(cell, x, g)
    assert_maps_equal(flow.flow_map(tr, g, wrt="h"), Mh_ref)
    assert_maps_equal(flow.flow_map(tr, g, wrt="x"), Mx_ref)
    T = x.shape[0]
    if bidirectional:  # every pair has a path
        assert np.isfinite(Mx_ref).all()
    else:  # only k ≤ t
        assert np.isfinite(Mx_ref[np.tril_indices(T)]).all()
        assert not np.isfinite(Mx_ref[np.triu_indices(T, 1)]).any()


@pytest.mark.parametrize("kind,variant,act", CELLS[::2], ids=IDS[::2])
def test_default_grad_is_a_fixed_unit_vector(kind, variant, act):
    cell, x, tr = make(kind, variant, act, bidirectional=True)
    g = rnnviz.loss_grad(x.shape[0], 2 * cell.hidden_size, where="all")
    assert np.allclose(np.linalg.norm(g, axis=1), 1.0)
    assert np.array_equal(flow.flow_map(tr, wrt="x"), flow.flow_map(tr, g, wrt="x"))
    Mh = flow.flow_map(tr, wrt="h")
    assert np.allclose(np.diag(Mh), 0.0, atol=1e-14)  # ∂C^t/∂h_t = g_t, a unit vector


@pytest.mark.parametrize("kind,variant,act", CELLS, ids=IDS)
@pytest.mark.parametrize("bidirectional", [False, True], ids=["uni", "bi"])
def test_row_t_is_bptt_of_the_loss_at_t(kind, variant, act, bidirectional):
    cell, x, tr = make(kind, variant, act, bidirectional=bidirectional, T=12, H=6, scale=1.4)
    T = x.shape[0]
    g = np.random.default_rng(5).standard_normal((T, 6 * cell.directions))
    Mh, Mx = flow.flow_map(tr, g, wrt="h"), flow.flow_map(tr, g, wrt="x")
    for t in range(T):
        gt = np.zeros_like(g)
        gt[t] = g[t]
        gr = rnnviz.bptt(tr, gt)
        assert_maps_equal(Mh[t:t + 1], gr.log10_norm_h[None], 1e-12)
        assert_maps_equal(Mx[t:t + 1], gr.log10_norm_x[None], 1e-12)


@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
def test_window_keeps_only_the_band(kind):
    cell, x, tr = make(kind, "", "tanh", T=15)
    full = flow.flow_map(tr, wrt="x")
    cut = flow.flow_map(tr, wrt="x", window=4)
    band = flow.truncation_mask(15, 4, "window")
    assert np.array_equal(cut[band], full[band])
    assert not np.isfinite(cut[~band]).any()


@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
def test_forward_half_is_the_one_directional_map(kind):
    """make_cell draws the forward weights first: the bidirectional cell's forward direction
    is the one-directional cell, and its map comes out of the same sweep."""
    uni = rnnviz.make_cell(kind, 5, 2, seed=4)
    bi = rnnviz.make_cell(kind, 5, 2, seed=4, bidirectional=True)
    x = rnnviz.make_input(20, 2, seed=4)
    g = rnnviz.loss_grad(20, 10, where="all", seed=1)
    for wrt in ("h", "x"):
        M, M_fwd = flow.flow_map(rnnviz.unroll(bi, x), g, wrt=wrt, return_forward=True)
        M_uni = flow.flow_map(rnnviz.unroll(uni, x), g[:, :5], wrt=wrt)
        assert np.array_equal(M_fwd, M_uni)
        below = np.tril_indices(20, -1)
        assert np.array_equal(M[below], M_uni[below])  # below the diagonal only the past


def test_linear_identity_map_is_exact_at_long_T():
    """W_hh = λI, linear: ∂C^t/∂h_k = λ^{t−k} g_t, so M[t, k] = (t − k) log10 λ, even where
    the values pass 1e-300 (t − k = 2000 at λ = 0.5 is 1e-602)."""
    T, lam = 2000, 0.5
    cell = rnnviz.make_cell("rnn", 3, 2, activation="linear", init="identity", scale=lam, seed=0)
    tr = rnnviz.unroll(cell, rnnviz.make_input(T, 2))
    M = flow.flow_map(tr, wrt="h")
    t, k = np.tril_indices(T)
    assert np.max(np.abs(M[t, k] - (t - k) * math.log10(lam))) < 1e-9
    assert not np.isfinite(M[np.triu_indices(T, 1)]).any()
    assert M.min() == -np.inf and np.isfinite(M[t, k]).all() and M[T - 1, 0] < -600
    g = rnnviz.loss_grad(T, 3, where="all")
    Mx = flow.flow_map(tr, wrt="x")
    gx = math.log10(np.linalg.norm(g[0] @ cell.params["weight_ih_l0"]))
    assert np.max(np.abs(Mx[t, k] - ((t - k) * math.log10(lam) + gx))) < 1e-9


@pytest.mark.parametrize("kind,scale", [("rnn", 0.5), ("rnn", 3.0), ("lstm", 1.0), ("gru", 1.0)])
def test_long_T_stays_finite(kind, scale):
    T = 2000
    cell = rnnviz.make_cell(kind, 8, 1, scale=scale, seed=2)
    tr = rnnviz.unroll(cell, rnnviz.make_input(T, 1, seed=2))
    M = flow.flow_map(tr, wrt="h")
    lower = M[np.tril_indices(T)]
    assert np.isfinite(lower).all()
    assert not np.isnan(M).any()
    if kind == "rnn" and scale == 0.5:
        assert M[T - 1, 0] < -300  # beyond float64, still exact in the log domain


# --- Jacobian norms and the bound -----------------------------------------------------------

def autograd_jacobian(cell, x, tr, t, k, direction=0):
    """∂h_t/∂h_k by torch.autograd.functional.jacobian, running the cell from (h_k, c_k)."""
    H = cell.hidden_size
    part = slice(direction * H, (direction + 1) * H)
    p = {n: torch.tensor(np.array(v)) for n, v in cell.weights(direction).items()}
    xt = torch.tensor(x)
    c_k = torch.tensor(tr.c[k, part]) if cell.kind == "lstm" else torch.zeros(H, dtype=torch.float64)
    steps = range(k + 1, t + 1) if direction == 0 else range(k - 1, t - 1, -1)

    def f(h):
        c = c_k
        for j in steps:
            h, c_new = torch_ref._step(cell.kind, cell.activation, cell.variant, p, xt[j], h, c)
            if c_new is not None:
                c = c_new
        return h

    return torch.autograd.functional.jacobian(f, torch.tensor(tr.h[k, part])).numpy()


@pytest.mark.parametrize("kind,variant,act", CELLS, ids=IDS)
def test_jacobian_norms_match_autograd(kind, variant, act):
    cell, x, tr = make(kind, variant, act, T=9, H=5, scale=1.3, bidirectional=True)
    for direction, t in ((0, 8), (0, 5), (1, 0), (1, 3)):
        jn = flow.jacobian_norms(tr, t=t, direction=direction)
        assert list(jn.ks) == (list(range(t + 1)) if direction == 0 else list(range(t, 9)))
        for k, v in zip(jn.ks, jn.log10_norm):
            J = autograd_jacobian(cell, x, tr, t, int(k), direction)
            assert abs(v - math.log10(np.linalg.norm(J, 2))) < TOL, (direction, t, k)


@pytest.mark.parametrize("act", ["tanh", "sigmoid"])
@pytest.mark.parametrize("scale", [0.5, 1.0, 2.5, 6.0])
def test_jacobian_stays_under_the_bound(act, scale):
    cell = rnnviz.make_cell("rnn", 16, 2, activation=act, scale=scale, scale_by="sigma", seed=1)
    tr = rnnviz.unroll(cell, rnnviz.make_input(300, 2, seed=1))
    jn = flow.jacobian_norms(tr)
    bound = flow.bound_log10(cell, jn.n)
    assert np.all(jn.log10_norm <= bound + 1e-12)
    assert jn.log10_norm[-1] == 0.0  # k = t: the identity
    lam1 = np.linalg.svd(cell.params["weight_hh_l0"], compute_uv=False)[0]
    g = 1.0 if act == "tanh" else 0.25
    assert abs(flow.bound_log10(cell, 7) - 7 * math.log10(lam1 * g)) < 1e-12


def test_jacobian_equals_the_bound_for_linear_identity_at_long_T():
    T, lam = 2000, 0.7
    cell = rnnviz.make_cell("rnn", 4, 1, activation="linear", init="identity", scale=lam)
    tr = rnnviz.unroll(cell, rnnviz.make_input(T, 1))
    jn = flow.jacobian_norms(tr)
    assert jn.ks.size == 101 and jn.ks[0] == 0 and jn.ks[-1] == T - 1
    assert np.max(np.abs(jn.log10_norm - flow.bound_log10(cell, jn.n))) < 1e-9
    assert jn.log10_norm[0] < -300


def test_bound_is_none_for_gated_cells_and_checks_input():
    for kind in ("lstm", "gru"):
        assert flow.bound_log10(rnnviz.make_cell(kind, 3), 5) is None
    cell = rnnviz.make_cell("rnn", 3, scale=0.0)
    assert flow.bound_log10(cell, 0) == 0.0 and flow.bound_log10(cell, 3) == -math.inf
    with pytest.raises(rnnviz.RnnvizError):
        flow.bound_log10(cell, -1)


def test_bad_inputs_raise_one_clear_error():
    cell, x, tr = make("rnn", "", "tanh")
    with pytest.raises(rnnviz.RnnvizError, match="wrt"):
        flow.flow_map(tr, wrt="c")
    with pytest.raises(rnnviz.RnnvizError, match="window"):
        flow.flow_map(tr, window=0)
    with pytest.raises(rnnviz.RnnvizError, match="grad_h"):
        flow.flow_map(tr, np.zeros((3, 3)))
    with pytest.raises(rnnviz.RnnvizError, match="Trace"):
        flow.flow_map(cell)
    with pytest.raises(rnnviz.RnnvizError, match="k must"):
        flow.jacobian_norms(tr, t=2, ks=[3])
    with pytest.raises(rnnviz.RnnvizError, match="direction"):
        flow.jacobian_norms(tr, direction=1)
    with pytest.raises(rnnviz.RnnvizError, match="mode"):
        flow.truncation_errors(tr, np.zeros((7, 4)), [2], mode="chunks")


# --- truncated BPTT: what it keeps and how far it reaches -----------------------------------

def torch_truncated_W_hh(cell, x, tr, g, w, mode):
    """∂C/∂W_hh of truncated BPTT, independently: "detach" runs torch with the state
    detached every w steps; "window" re-runs each loss term C^t from the recorded state
    h_{t−w} (a constant) for w steps."""
    T, H = x.shape[0], cell.hidden_size
    p = {n: torch.tensor(np.array(v)) for n, v in cell.weights(0).items()}
    p["W_hh"].requires_grad_(True)
    xt, gt = torch.tensor(x), torch.tensor(g)
    zero = torch.zeros(H, dtype=torch.float64)

    def state(j):  # (h_j, c_j) from the trace, constants; j = −1 is the zero initial state
        if j < 0:
            return zero, zero
        c = torch.tensor(tr.c[j]) if cell.kind == "lstm" else zero
        return torch.tensor(tr.h[j]), c

    def run(h, c, steps):
        for j in steps:
            h, c_new = torch_ref._step(cell.kind, cell.activation, cell.variant, p, xt[j], h, c)
            if c_new is not None:
                c = c_new
        return h

    if mode == "detach":
        h, c, C = zero, zero, 0
        for j in range(T):
            if j and j % w == 0:
                h, c = h.detach(), c.detach()
            h_new, c_new = torch_ref._step(cell.kind, cell.activation, cell.variant, p, xt[j], h, c)
            h, c = h_new, (c_new if c_new is not None else c)
            C = C + (gt[j] * h).sum()
        C.backward()
    else:
        for t in range(T):
            start = max(0, t - w + 1)
            h, c = state(start - 1)
            (gt[t] * run(h, c, range(start, t + 1))).sum().backward()
    return p["W_hh"].grad.numpy()


@pytest.mark.parametrize("kind,variant", [("rnn", ""), ("lstm", "forget"), ("gru", "after"),
                                          ("gru", "before")])
@pytest.mark.parametrize("mode", ["window", "detach"])
def test_truncation_errors_match_autograd(kind, variant, mode):
    cell, x, tr = make(kind, variant, "tanh", T=13, H=5, scale=1.2)
    g = np.random.default_rng(2).standard_normal((13, 5))
    full = torch_truncated_W_hh(cell, x, tr, g, 13, "window")
    windows = [1, 2, 3, 5, 8, 12, 13, 40]
    errs = flow.truncation_errors(tr, g, windows, mode=mode)
    for w, e in zip(windows, errs):
        ref = torch_truncated_W_hh(cell, x, tr, g, w, mode)
        want = np.linalg.norm(ref - full) / np.linalg.norm(full)
        assert abs(e - want) <= 1e-10 * max(1.0, want), (w, e, want)
    assert errs[-1] == 0.0 and errs[-2] == 0.0 and errs[0] > 0


@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
def test_window_errors_equal_truncated_bptt_at_long_T(kind):
    """The grouped sweep against bptt(truncate=w), at a length where gradients vanish
    past 1e-300 (tanh RNN) or stay alive (LSTM)."""
    T = 400
    cell = rnnviz.make_cell(kind, 6, 1, scale=0.6 if kind == "rnn" else 1.0, seed=3)
    tr = rnnviz.unroll(cell, rnnviz.make_input(T, 1, seed=3))
    g = rnnviz.loss_grad(T, 6, where="all")
    windows = [1, 3, 10, 50, 200, 399]
    errs = flow.truncation_errors(tr, g, windows)
    full = rnnviz.bptt(tr, g).params["weight_hh_l0"]
    for w, e in zip(windows, errs):
        tw = rnnviz.bptt(tr, g, truncate=w).params["weight_hh_l0"]
        want = np.linalg.norm(tw - full) / np.linalg.norm(full)
        assert abs(e - want) <= 1e-9 * max(want, 1e-6), (w, e, want)
    assert np.all(np.diff(errs) <= 1e-12) or kind != "rnn"


def test_masks_and_reach_on_the_analytic_map():
    """W_hh = λI, linear: M[t, k] = (t − k) log10 λ, so the gradient stays above 10^-θ for
    exactly floor(θ / −log10 λ) steps; truncation caps it at w − 1."""
    T, lam = 60, 0.5
    cell = rnnviz.make_cell("rnn", 2, 1, activation="linear", init="identity", scale=lam)
    M = flow.flow_map(rnnviz.unroll(cell, rnnviz.make_input(T, 1)), wrt="h")
    for theta in (1.0, 3.0, 5.5):
        far = math.floor(theta / -math.log10(lam) + 1e-9)
        assert flow.reach(M, -theta) == far
        for w in (1, 4, 40):
            for mode in ("window", "detach"):
                mask = flow.truncation_mask(T, w, mode)
                assert flow.reach(M, -theta, mask) == min(far, w - 1)
    assert flow.reach(M, -3.0, rows=[5]) == 5  # the loss at t = 5 has only 5 steps behind it
    assert flow.reach(M, -3.0, ahead=True) == 0  # a forward cell sees nothing ahead
    assert flow.reach(M, 1.0) is None
    m = flow.truncation_mask(7, 3, "detach")
    assert m[5, 3] and not m[5, 2] and m[2, 0] and not m[3, 2] and not m[0, 1]
    m = flow.truncation_mask(7, 3, "window")
    assert m[5, 3] and m[4, 2] and not m[5, 2] and not m[0, 1]


def test_bidirectional_reach_looks_both_ways():
    cell = rnnviz.make_cell("rnn", 8, 2, scale=0.9, bidirectional=True, seed=1)
    tr = rnnviz.unroll(cell, rnnviz.make_input(50, 2, seed=1))
    M, M_fwd = flow.flow_map(tr, wrt="x", return_forward=True)
    assert flow.reach(M_fwd, -12, rows=[25], ahead=True) == 0
    assert flow.reach(M, -12, rows=[25], ahead=True) > 0
    assert flow.reach(M, -12, rows=[25]) > 0


# --- figures: what reaches the browser ----------------------------------------------------

def test_figures_share_one_colour_scale_and_keep_step_units():
    from rnnviz.figures import flow as flow_fig
    T = 450
    a = np.full((T, T), -np.inf)
    a[np.tril_indices(T)] = -np.arange(T * (T + 1) // 2) / 1e4
    b = a.copy()
    b[np.triu_indices(T, 1)] = 2.0
    fig = flow_fig.flow_maps_figure([a, b], ["one", "two"])
    assert (fig.layout.coloraxis.cmin, fig.layout.coloraxis.cmax) == (a[T - 1, T - 1], 2.0)
    h = fig.data[0]
    assert len(h.y) == len(h.z) == 150 and h.y[0] == 1.0 and h.y[-1] == T - 2  # blocks of 3
    assert np.isnan(np.asarray(h.z, dtype=float)[0, -1])  # no path: a gap, not a colour
    fig = flow_fig.truncated_map_figure(a, window=400, mode="window")
    assert fig.layout.shapes[0].path == "M -0.5,399.5 L -0.5,449.5 L 49.5,449.5 Z"
    fig = flow_fig.truncated_map_figure(a[:7, :7], window=3, mode="detach")
    assert fig.layout.shapes[0].path.count("M ") == 2  # chunks [3, 6) and [6, 7)
    n = np.arange(5)
    fig = flow_fig.jacobian_bound_figure(n, -0.1 * n, -0.05 * n)
    assert [t.name for t in fig.data] == ["‖∂h_t/∂h_k‖₂", "bound (λ₁γ)ⁿ"]


def test_cec_error_is_the_relative_difference_and_scale_free():
    """flow.cec_error: ||g_1997 − g|| / ||g|| of ∂C/∂W_hh (bptt(mode="cec") is checked against
    autograd in tests/test_lesson_gates.py), the same for a loss 10³⁰⁰ times larger."""
    cell = rnnviz.make_cell("lstm", 6, 2, forget_bias=1.0, seed=1)
    tr = rnnviz.unroll(cell, rnnviz.make_input(30, 2, seed=2))
    g = rnnviz.loss_grad(30, 6, where="all", seed=3)
    a = rnnviz.bptt(tr, g, mode="cec").params["weight_hh_l0"]
    b = rnnviz.bptt(tr, g).params["weight_hh_l0"]
    want = np.linalg.norm(a - b) / np.linalg.norm(b)
    assert 0.01 < want < 1
    assert flow.cec_error(tr, g) == pytest.approx(want, rel=1e-12)
    assert flow.cec_error(tr, g * 1e300) == pytest.approx(want, rel=1e-9)
    with pytest.raises(rnnviz.RnnvizError):
        flow.cec_error(rnnviz.unroll(rnnviz.make_cell("rnn", 6, 2), tr.x), g)


@pytest.mark.parametrize("mode", ["window", "detach"])
def test_truncation_error_of_one_window(mode):
    """The page's number: from the two bptt results where float64 holds them, and the same
    as the scale-free truncation_errors; None where the full gradient is zero."""
    cell = rnnviz.make_cell("rnn", 6, 1, scale=1.2, seed=3)
    tr = rnnviz.unroll(cell, rnnviz.make_input(40, 1, seed=3))
    g = rnnviz.loss_grad(40, 6, where="all", seed=3)
    full, trunc = rnnviz.bptt(tr, g), rnnviz.bptt(tr, g, truncate=7, mode=mode)
    a, b = trunc.params["weight_hh_l0"], full.params["weight_hh_l0"]
    want = np.linalg.norm(a - b) / np.linalg.norm(b)
    got = flow.truncation_error(tr, g, 7, mode=mode, full=full, truncated=trunc)
    assert abs(got - want) < 1e-12 * want and got > 1e-3
    assert abs(flow.truncation_error(tr, g, 7, mode=mode) - want) < 1e-12 * want
    assert abs(flow.truncation_errors(tr, g, [7], mode=mode)[0] - want) < 1e-9 * want
    assert flow.truncation_error(tr, np.zeros_like(g), 7, mode=mode) is None


def test_bidirectional_loss_halves():
    """directions=2: the forward half is the one-directional loss, the reverse half the next seed's."""
    g = rnnviz.loss_grad(9, 4, where="all", seed=5, directions=2)
    assert g.shape == (9, 8)
    assert np.array_equal(g[:, :4], rnnviz.loss_grad(9, 4, where="all", seed=5))
    assert np.array_equal(g[:, 4:], rnnviz.loss_grad(9, 4, where="all", seed=6))
