"""Lesson 1's numbers (rnnviz/lessons/bptt.py) checked against torch autograd in float64.

The reference gradients come from PyTorch: an nn.RNN built with rnnviz.to_torch, stepped
one time step at a time with retain_grad() on every h_k (tanh, relu), or a few lines of
torch for the activations nn.RNN lacks (sigmoid, linear), and tests/torch_ref's per-step
weight copies for the terms of ∂C/∂W_hh. Only the settings (cell, input, loss vector) are
shared with rnnviz; every gradient, norm, bound and share is recomputed here.
"""

import math

import numpy as np
import pytest
import torch

import rnnviz
from rnnviz.lessons import bptt as lesson_bptt
from tests import torch_ref

GAMMA = {"tanh": 1.0, "sigmoid": 0.25, "relu": 1.0, "linear": 1.0}  # sup σ', by hand


def setting(T, H, act="tanh", init="gaussian", scale=1.0, by="radius", xs=1.0, loss="last",
            seed=0):
    """The cell, input and direct loss gradients the lesson uses for these settings."""
    cell, _ = lesson_bptt.lesson_cell(H, act, init, scale, by, seed)
    x = rnnviz.make_input(T, 1, kind="gaussian", scale=xs, seed=seed)
    g = rnnviz.loss_grad(T, H, where=loss, seed=seed)
    return cell, x, g


def torch_dC_dh(cell, x, g):
    """∂C/∂h_k (T, H) for C = Σ_t g_t·h_t, by autograd through every step of the RNN."""
    T = x.shape[0]
    xt = torch.tensor(x)
    gt = torch.tensor(g)
    hs = []
    if cell.activation in ("tanh", "relu"):
        m = rnnviz.to_torch(cell)  # nn.RNN, float64
        h = torch.zeros(1, 1, cell.hidden_size, dtype=torch.float64)
        for t in range(T):
            _, h = m(xt[t].view(1, 1, -1), h)  # one step: (1, 1, I) -> (1, 1, H)
            h.retain_grad()
            hs.append(h)
        vecs = [h.view(-1) for h in hs]
    else:
        p = {n: torch.tensor(np.array(a), requires_grad=True) for n, a in cell.params.items()}
        f = torch.sigmoid if cell.activation == "sigmoid" else (lambda a: a)
        h = torch.zeros(cell.hidden_size, dtype=torch.float64)
        for t in range(T):
            h = f(p["weight_ih_l0"] @ xt[t] + p["bias_ih_l0"] + p["weight_hh_l0"] @ h
                  + p["bias_hh_l0"])
            h.retain_grad()
            hs.append(h)
        vecs = hs
    C = sum((v * gt[t]).sum() for t, v in enumerate(vecs))
    C.backward()
    return np.stack([h.grad.view(-1).numpy() for h in hs])


def log10_norm(a):
    with np.errstate(divide="ignore"):
        return np.log10(np.linalg.norm(a, axis=-1))


# --------------------------------------------------------------------------- the curve
@pytest.mark.parametrize("act,scale,loss", [
    ("tanh", 1.0, "last"), ("tanh", 1.3, "all"), ("relu", 1.2, "last"), ("relu", 0.9, "all"),
    ("sigmoid", 2.0, "last"), ("linear", 0.95, "all"),
])
def test_curve_is_autograds_gradient_norm(act, scale, loss):
    T, H = 25, 7
    r = lesson_bptt.compute(T, H, act, "gaussian", scale, "radius", 1.5, loss, seed=3)
    want = log10_norm(torch_dC_dh(*setting(T, H, act, scale=scale, xs=1.5, loss=loss, seed=3)))
    assert r.n == T and r.overflow_step is None
    assert np.isfinite(want).all()
    np.testing.assert_allclose(r.log10_norm_h, want, rtol=0, atol=1e-9)


def test_curve_exact_far_below_float64():
    """At T = 600 the gradient at step 0 is ~1e-120; the log-domain curve keeps every digit.
    Autograd in float64 still holds 1e-120, so it is a fair reference here."""
    T, H = 600, 8
    r = lesson_bptt.compute(T, H, "tanh", "gaussian", 1.0, "radius", 1.0, "last", seed=1)
    want = log10_norm(torch_dC_dh(*setting(T, H, seed=1)))
    assert want[0] < -60
    np.testing.assert_allclose(r.log10_norm_h, want, rtol=0, atol=1e-8)


# --------------------------------------------------------------------------- the bound
@pytest.mark.parametrize("act", ["tanh", "sigmoid", "relu", "linear"])
@pytest.mark.parametrize("init,by,scale", [
    ("gaussian", "radius", 1.0), ("orthogonal", "sigma", 1.2), ("triangular", "radius", 0.9),
    ("torch", "sigma", 0.7), ("diagonal", "radius", 1.1),
])
def test_bound_is_above_the_curve(act, init, by, scale):
    T, H = 200, 16
    r = lesson_bptt.compute(T, H, act, init, scale, by, 1.0, "last", seed=2)
    if r.overflow_step is not None:  # not at these settings, but keep the test honest
        pytest.fail("unexpected overflow")
    cell, _, _ = setting(T, H, act, init, scale, by, seed=2)
    lam1 = float(torch.linalg.matrix_norm(torch.tensor(np.array(cell.W_hh())), ord=2))
    k = np.arange(T)
    want = (T - 1 - k) * math.log10(lam1 * GAMMA[act]) + r.log10_norm_h[-1]
    np.testing.assert_allclose(r.log10_bound, want, rtol=0, atol=1e-9)
    curve = r.log10_norm_h
    assert np.all(curve[np.isfinite(curve)] <= r.log10_bound[np.isfinite(curve)] + 1e-9)
    assert r.spectrum.gamma == GAMMA[act]
    assert r.spectrum.sigma_max == pytest.approx(lam1, rel=1e-12)
    rho = float(torch.linalg.eigvals(torch.tensor(np.array(cell.W_hh()))).abs().max())
    assert r.spectrum.rho == pytest.approx(rho, rel=1e-9)


def test_bound_is_tight_for_orthogonal_linear():
    """λ₁γ = 1 and every step is an isometry: the curve is the bound, flat at log10 1 = 0."""
    r = lesson_bptt.compute(1000, 32, "linear", "orthogonal", 1.0, "radius", 1.0, "last")
    np.testing.assert_allclose(r.log10_norm_h, r.log10_bound, atol=1e-9)
    np.testing.assert_allclose(r.log10_norm_h, 0.0, atol=1e-9)
    assert r.verdict == "kept"


def test_no_bound_for_a_loss_at_every_step():
    assert lesson_bptt.compute(50, 4, loss="all").log10_bound is None


# --------------------------------------------------------------------------- the verdict
@pytest.mark.parametrize("kw,verdict", [
    (dict(T=100, H=32), "vanished"),  # the page's defaults
    (dict(T=300, H=32, activation="relu", scale=1.5), "exploded"),
    (dict(T=600, H=64, activation="linear", init="triangular", scale=0.9), "exploded"),
    (dict(T=400, H=16, activation="linear", init="orthogonal", scale=1.0), "kept"),
    (dict(T=300, H=32, init="orthogonal", scale=1.0, scale_by="sigma"), "vanished"),
])
def test_verdict_exponent_is_autograds(kw, verdict):
    args = dict(activation="tanh", init="gaussian", scale=1.0, scale_by="radius")
    args.update(kw)
    r = lesson_bptt.compute(**args)
    dh = torch_dC_dh(*setting(args["T"], args["H"], args["activation"], args["init"],
                              args["scale"], args["scale_by"]))
    want = log10_norm(dh[0]) - log10_norm(dh[-1])
    assert r.exponent == pytest.approx(want, abs=1e-8)
    assert r.verdict == verdict
    assert lesson_bptt.verdict_of(want) == verdict


def test_verdict_zero_when_every_relu_is_off():
    """No input and h0 = 0: every ReLU sits at 0 where σ' = 0, so nothing reaches step 0."""
    r = lesson_bptt.compute(50, 8, "relu", input_scale=0.0)
    dh = torch_dC_dh(*setting(50, 8, "relu", xs=0.0))
    assert np.all(dh[:-1] == 0) and r.exponent == -math.inf and r.verdict == "zero"
    assert r.late_share is None  # h = 0 everywhere: every term of ∂C/∂W_hh is zero


@pytest.mark.parametrize("e,word", [(-1.0, "vanished"), (-0.99, "kept"), (0.99, "kept"),
                                    (1.0, "exploded"), (-math.inf, "zero")])
def test_verdict_thresholds(e, word):
    assert lesson_bptt.verdict_of(e) == word


# --------------------------------------------------------------------- terms of ∂C/∂W_hh
@pytest.mark.parametrize("act,loss", [("tanh", "last"), ("relu", "all"), ("sigmoid", "all")])
def test_step_terms_sum_to_the_weight_gradient(act, loss):
    T, H = 20, 5
    cell, x, g = setting(T, H, act, scale=1.1, loss=loss, seed=4)
    r = lesson_bptt.compute(T, H, act, "gaussian", 1.1, "radius", 1.0, loss, seed=4)
    h, _, leaves = torch_ref.run(cell, torch.tensor(x), per_step=True)
    (h * torch.tensor(g)).sum().backward()
    terms = np.stack([w.grad.numpy() for w in leaves["weight_hh_l0"]])  # (T, H, H), step k's term
    grads = rnnviz.bptt(rnnviz.unroll(cell, x), g)
    np.testing.assert_allclose(terms.sum(0), grads.params["weight_hh_l0"], rtol=1e-10, atol=1e-14)
    want = log10_norm(terms.reshape(T, -1))  # log10 ‖h^{k-1} δ^{kᵀ}‖_F; step 0 has h^{-1} = 0
    assert want[0] == -math.inf
    np.testing.assert_allclose(r.log10_step_whh, want, rtol=0, atol=1e-9)
    size = np.linalg.norm(terms.reshape(T, -1), axis=1)
    k0 = T - math.ceil(0.1 * T)
    assert r.late_from == k0
    assert r.late_share == pytest.approx(size[k0:].sum() / size.sum(), rel=1e-9)


def test_share_from_in_log_domain():
    l = np.array([-np.inf, 300.0, 300.0, 300.0 + math.log10(2)])
    assert lesson_bptt.share_from(l, 3) == pytest.approx(0.5)
    assert lesson_bptt.share_from(np.full(3, -np.inf), 1) is None


# ------------------------------------------------------------------- overflow and maps
def test_overflow_draws_the_finite_prefix():
    r = lesson_bptt.compute(2000, 32, "relu", "gaussian", 3.0, "radius", 1.0, "last")
    assert r.overflow_step is not None and 1 < r.overflow_step < 2000
    assert r.n == r.overflow_step
    with pytest.raises(rnnviz.ForwardOverflowError):
        cell, x, _ = setting(2000, 32, "relu", scale=3.0)
        rnnviz.unroll(cell, x)
    # the prefix is exactly the run of length n (same input prefix, loss at its last step)
    same = lesson_bptt.compute(r.n, 32, "relu", "gaussian", 3.0, "radius", 1.0, "last")
    assert same.overflow_step is None
    np.testing.assert_array_equal(r.log10_norm_h, same.log10_norm_h)
    assert r.log10_norm_h.max() > 250  # exploded, past what float32 or a log axis shows
    for a in (r.log10_norm_h, r.log10_bound, r.h_map, r.dact_map, r.map_steps):
        assert np.isfinite(a).all()
    assert r.h_map_log and r.h_abs_max > 1e300


def test_maps_are_h_and_dact_when_small():
    T, H = 30, 6
    cell, x, _ = setting(T, H)
    tr = rnnviz.unroll(cell, x)
    r = lesson_bptt.compute(T, H)
    assert not r.h_map_log and r.map_block == 1 and r.map_stride == 1
    np.testing.assert_allclose(r.h_map, tr.h.T, rtol=1e-6)
    # σ'(h*) for tanh is 1 − tanh², from the pre-activation, computed here
    np.testing.assert_allclose(r.dact_map, (1 - np.tanh(tr.pre["h"]) ** 2).T, rtol=1e-6, atol=1e-7)
    np.testing.assert_array_equal(r.map_steps, np.arange(T))


def test_maps_are_shrunk_for_the_screen():
    r = lesson_bptt.compute(2000, 256, max_steps_shown=400, max_units_shown=64)
    assert r.h_map.shape == (64, 400) and r.dact_map.shape == (64, 400)
    assert r.h_map.dtype == np.float32
    assert r.map_block == 5 and r.map_stride == 4
    np.testing.assert_array_equal(r.map_units, np.arange(0, 256, 4))
    assert r.map_steps[0] == 2.0 and r.map_steps[-1] == 1997.0  # block centres, in steps
    assert np.all((r.dact_map >= 0) & (r.dact_map <= 1))


# ------------------------------------------------------------------------------ figures
def _arrays(obj):
    """Every numeric array in a figure's JSON (plotly writes numpy arrays as typed arrays)."""
    import base64

    if isinstance(obj, dict):
        if "bdata" in obj and "dtype" in obj:
            yield np.frombuffer(base64.b64decode(obj["bdata"]), dtype=np.dtype(obj["dtype"]))
            return
        for v in obj.values():
            yield from _arrays(v)
    elif isinstance(obj, list):
        if obj and all(isinstance(v, (int, float)) for v in obj):
            yield np.asarray(obj, dtype=np.float64)
        for v in obj:
            yield from _arrays(v)


@pytest.mark.parametrize("kw", [
    dict(T=100, H=32), dict(T=2000, H=32, activation="relu", scale=3.0),
    dict(T=50, H=8, activation="relu", input_scale=0.0), dict(T=2, H=1, loss="all"),
])
def test_figures_hold_only_finite_float32(kw):
    import json

    import plotly.graph_objects as go
    import plotly.io as pio

    from rnnviz.figures import gradients

    r = lesson_bptt.compute(**kw)
    figs = [
        gradients.gradient_norm_figure(r.log10_norm_h, log10_bound=r.log10_bound),
        gradients.step_terms_figure(r.log10_step_whh, late_from=r.late_from),
        gradients.time_heatmaps([gradients.Panel(r.h_map, "h", "h"),
                                 gradients.Panel(r.dact_map, "d", "d", signed=False, zmin=0,
                                                 zmax=r.spectrum.gamma)],
                                r.map_steps, r.map_units),
    ]
    for fig in figs:
        spec = json.loads(pio.to_json(fig, validate=False))
        go.Figure(spec)  # plotly's validators accept every property
        assert "NaN" not in pio.to_json(fig) and "Infinity" not in pio.to_json(fig)
        for a in _arrays(spec["data"]):
            assert np.isfinite(a).all()
        for t in spec["data"]:
            for k in ("x", "y", "z"):
                if isinstance(t.get(k), dict):
                    assert t[k]["dtype"] in ("f4", "i4"), (k, t[k]["dtype"])
    # the curve's points are the finite log10 norms, in step order
    curve = [t for t in figs[0].data if t.name.startswith("‖∂C")][0]
    finite = np.isfinite(r.log10_norm_h)
    np.testing.assert_allclose(curve.y, r.log10_norm_h[finite].astype(np.float32))
    np.testing.assert_array_equal(curve.x, np.arange(r.n)[finite])
    heat = figs[2].data
    assert len(heat) == 2 and heat[1].xaxis == "x2" and figs[2].layout.xaxis2.matches == "x"
    np.testing.assert_array_equal(heat[0].x, r.map_steps.astype(np.float32))


# ------------------------------------------------------- the output layer (issue 15)
@pytest.mark.parametrize("readout", ["mse", "xent"])
@pytest.mark.parametrize("loss", ["last", "all"])
def test_loss_through_the_output_layer_is_autograds(readout, loss):
    """The source's o = θ(W_oh h + b_o) with squared error or cross-entropy: the lesson's
    ∂C/∂h_k curve and C equal autograd through nn.RNN and the output layer."""
    T, H = 40, 6
    r = lesson_bptt.compute(T, H, "tanh", scale=1.2, loss=loss, readout=readout, seed=2)
    cell, x, _ = setting(T, H, "tanh", scale=1.2, loss=loss, seed=2)
    ro = rnnviz.make_readout(T, H, lesson_bptt.N_OUT, loss=readout, seed=2)
    m = rnnviz.to_torch(cell)  # one step at a time, so that .grad is the total ∂C/∂h_k
    h = torch.zeros(1, 1, H, dtype=torch.float64)
    steps = []
    for t in range(T):
        _, h = m(torch.tensor(x[t]).view(1, 1, -1), h)
        h.retain_grad()
        steps.append(h)
    z = torch.stack([h.view(-1) for h in steps]) @ torch.tensor(ro.W_oh).T + torch.tensor(ro.b_o)
    if readout == "mse":
        per = 0.5 * ((z - torch.tensor(ro.target)) ** 2).sum(1)
    else:
        per = torch.nn.functional.cross_entropy(z, torch.tensor(ro.target), reduction="none")
    C = per[-1] if loss == "last" else per.sum()
    C.backward()
    assert r.loss_value == pytest.approx(float(C.detach()), rel=1e-12)
    total = np.stack([h.grad.view(-1).numpy() for h in steps])
    np.testing.assert_allclose(r.log10_norm_h, np.log10(np.linalg.norm(total, axis=1)), atol=1e-9)
    # it is another loss than the linear read-out's
    lin = lesson_bptt.compute(T, H, "tanh", scale=1.2, loss=loss, seed=2)
    assert np.max(np.abs(lin.log10_norm_h - r.log10_norm_h)) > 1e-3 and lin.loss_value is None


def test_unknown_readout_is_refused():
    with pytest.raises(rnnviz.RnnvizError, match="read-out"):
        lesson_bptt.compute(10, 4, readout="hinge")


# ----------------------------------------------- the diagram and the Jacobian (issue 15)
def test_diagram_nodes_are_the_curve_at_the_steps_shown():
    r = lesson_bptt.compute(100, 8)
    assert r.diagram_steps == (0, 14, 28, 42, 57, 71, 85, 98, 99)
    for t in r.diagram_steps:
        assert r.diagram_nodes[f"h_{t}"] == r.log10_norm_h[t]
    assert len(r.diagram_edges) == 2 * 9 + 8
    assert lesson_bptt.diagram_steps(2) == [0, 1] and lesson_bptt.diagram_steps(5) == [0, 1, 2, 3, 4]


def test_jacobian_is_autograds_and_under_its_bound():
    T, H = 30, 5
    r = lesson_bptt.compute(T, H, "tanh", scale=1.3, seed=1)
    cell, x, _ = setting(T, H, "tanh", scale=1.3, seed=1)
    m = rnnviz.to_torch(cell)
    xt = torch.tensor(x)
    for n, got in zip(r.jacobian_n[::7], r.jacobian_log10[::7]):
        k = T - 1 - int(n)
        _, h_k = m(xt[:k + 1].view(k + 1, 1, 1))

        def rest(h0, k=k):
            return m(xt[k + 1:].view(T - 1 - k, 1, 1), h0)[1].view(-1) if k < T - 1 else h0.view(-1)

        J = torch.autograd.functional.jacobian(rest, h_k.detach()).reshape(H, H)
        assert got == pytest.approx(math.log10(torch.linalg.matrix_norm(J, 2).item()), abs=1e-9)
    assert np.all(r.jacobian_log10 <= r.jacobian_bound + 1e-9)
    assert r.jacobian_span == T - 1


def test_jacobian_span_is_capped_for_big_hidden_sizes():
    r = lesson_bptt.compute(2000, 256, "tanh")
    assert r.jacobian_span == lesson_bptt.JACOBIAN_WORK // 256 ** 3 == 31
    assert r.jacobian_n.max() == 31
