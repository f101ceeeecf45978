"""rnnviz.lessons.compare: parameter counts against PyTorch, the span against analytic cases,
the per-direction gradient flow against autograd through a step-by-step PyTorch loop."""

import math
import re

import numpy as np
import pytest
import torch
import torch.nn as nn

import rnnviz
from pages import numtext
from rnnviz.lessons import compare as lc
from rnnviz.core.cell import Cell
from rnnviz.core.errors import RnnvizError

MODULE = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}


# --------------------------------------------------------------------------- parameters
def formula_value(formula: str, I: int, H: int) -> int:
    """Evaluate the LaTeX-ish formula the page shows ("4H(I+H+2)") for numbers I, H."""
    expr = re.sub(r"(\d)H", r"\1*H", formula).replace("H(", "H*(")
    return eval(expr, {}, {"I": I, "H": H})  # noqa: S307 - our own formula strings


@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("I, H", [(1, 1), (1, 32), (8, 32), (300, 17), (64, 256)])
@pytest.mark.parametrize("bias", [True, False])
def test_param_count_matches_pytorch(kind, I, H, bias):
    m = MODULE[kind](I, H, bias=bias)
    n = sum(p.numel() for p in m.parameters())
    assert lc.param_count(kind, I, H, bias=bias) == n
    assert formula_value(numtext.param_formula(kind, bias=bias), I, H) == n
    mb = MODULE[kind](I, H, bias=bias, bidirectional=True)
    assert lc.param_count(kind, I, H, bias=bias, bidirectional=True) == sum(
        p.numel() for p in mb.parameters())


def test_formulas_read_as_the_lesson_says():
    assert [numtext.param_formula(k) for k in lc.KINDS] == ["H(I+H+2)", "4H(I+H+2)", "3H(I+H+2)"]


@pytest.mark.parametrize("I, H", [(1, 1), (5, 7), (128, 512)])
def test_gru_has_three_quarters_of_lstm(I, H):
    """The source says a GRU has fewer parameters than an LSTM: exactly 3/4 of them."""
    assert 4 * lc.param_count("gru", I, H) == 3 * lc.param_count("lstm", I, H)
    assert lc.param_count("rnn", I, H) < lc.param_count("gru", I, H) < lc.param_count("lstm", I, H)


def test_param_count_refuses_unknown_kind():
    with pytest.raises(RnnvizError, match="Unknown cell kind"):
        lc.param_count("transformer", 1, 2)


# --------------------------------------------------------------------------- the span
def test_span_by_hand():
    l = np.array([-5.0, -1.0, -4.0, -2.0, 0.0])
    assert lc.span_above(l, -3) == 1  # steps 4, 3 are ≥ −3; step 2 (−4) is not
    assert lc.first_below(l, -3) == 2
    assert lc.span_above(l, -4) == 3  # −4 exactly counts as above
    assert lc.span_above(l, -6) == 4 and lc.first_below(l, -6) is None
    assert lc.span_above(l, 0) == 0  # θ = 1: only the last step itself
    assert lc.span_above(l + 7.5, -3) == 1  # relative to the last step, not absolute
    assert lc.span_above(np.array([0.0]), -3) == 0


def test_span_does_not_count_a_comeback():
    l = np.array([0.0, 0.0, -9.0, 0.0, 0.0])  # dips below, then back above
    assert lc.span_above(l, -3) == 1


def test_span_edge_cases():
    assert lc.span_above(np.array([-1.0, -np.inf]), -3) == 0
    assert lc.first_below(np.array([-1.0, -np.inf]), -3) is None
    assert lc.span_above(np.array([-np.inf, 0.0]), -3) == 0  # an exact zero is below anything
    with pytest.raises(RnnvizError, match="NaN"):
        lc.span_above(np.array([np.nan, 0.0]), -3)
    with pytest.raises(RnnvizError, match="≤ 0"):
        lc.span_above(np.array([0.0]), 0.5)
    with pytest.raises(RnnvizError, match="non-empty"):
        lc.span_above(np.array([]), -1)


def scalar_rnn(a: float, H: int = 4) -> Cell:
    """A linear RNN with W_hh = a·I: ‖∂C/∂h_k‖ = a^(T−1−k) exactly."""
    rng = np.random.default_rng(0)
    return Cell(kind="rnn", input_size=1, hidden_size=H, activation="linear", params={
        "weight_ih_l0": rng.standard_normal((H, 1)), "weight_hh_l0": a * np.eye(H),
        "bias_ih_l0": np.zeros(H), "bias_hh_l0": np.zeros(H)})


@pytest.mark.parametrize("a, log10_theta", [(0.5, -3), (0.9, -2), (0.99, -1), (0.1, -7),
                                             (0.5, -1e-3), (1.5, -3)])
def test_span_of_a_geometric_gradient(a, log10_theta):
    T = 300
    x = rnnviz.make_input(T, 1)
    g = rnnviz.bptt(rnnviz.unroll(scalar_rnn(a), x), rnnviz.loss_grad(T, 4)).log10_norm_h
    expected = T - 1 if a >= 1 else min(T - 1, math.floor(log10_theta / math.log10(a)))
    assert lc.span_above(g, log10_theta) == expected


# --------------------------------------------------------------------------- timing
def test_timed_repeats_fast_runs_and_returns_the_first_result():
    calls = []

    def fn():
        calls.append(1)
        return len(calls)

    result, ms = lc.timed(fn, budget_ms=1e9, max_runs=4)
    assert result == 1 and len(calls) == 4 and 0 < ms < 1e3
    calls.clear()
    result, ms = lc.timed(lambda: (calls.append(1), __import__("time").sleep(0.02))[1], budget_ms=10)
    assert len(calls) == 1 and ms >= 19


# --------------------------------------------------------------------------- lesson 4
@pytest.mark.parametrize("kind", lc.KINDS)
def test_family_member(kind):
    m = lc.family_member(kind, 50, 8, 3, 1.0, seed=1)
    assert m.n_params == lc.param_count(kind, 3, 8)
    assert m.log10_norm_h.shape == (50,) and abs(m.log10_norm_h[-1]) < 1e-12  # ‖v‖ = 1
    assert (m.log10_norm_c is not None) == (kind == "lstm")
    assert math.isfinite(m.ms) and m.ms > 0
    assert m.span(-3) == lc.span_above(m.log10_norm_h, -3)


def test_family_member_is_the_plain_core_run():
    """The member's curve is bptt of make_cell/make_input/loss_grad with the same settings."""
    m = lc.family_member("gru", 40, 6, 2, 0.8, input_kind="sine", seed=4, time_it=False)
    cell = rnnviz.make_cell("gru", 6, 2, scale=0.8, seed=4)
    g = rnnviz.bptt(rnnviz.unroll(cell, rnnviz.make_input(40, 2, kind="sine", seed=4)),
                    rnnviz.loss_grad(40, 6, seed=4))
    assert np.array_equal(m.log10_norm_h, g.log10_norm_h)


@pytest.mark.parametrize("kind, gate", [("lstm", "f"), ("gru", "z")])
def test_keep_bias_opens_the_keep_gate_and_lengthens_the_span(kind, gate):
    x = rnnviz.make_input(200, 1)
    plain = lc.family_cell(kind, 16, 1, 1.0, keep_bias=0.0)
    kept = lc.family_cell(kind, 16, 1, 1.0, keep_bias=3.0)
    assert rnnviz.unroll(kept, x).gates[gate].mean() > 0.9 > rnnviz.unroll(plain, x).gates[gate].mean()
    diff = kept.params["bias_ih_l0"] - plain.params["bias_ih_l0"]
    assert np.array_equal(np.flatnonzero(diff), np.arange(16, 32))  # block 1: f (i,f,g,o), z (r,z,n)
    a = lc.family_member(kind, 200, 16, 1, 1.0, keep_bias=0.0, time_it=False)
    b = lc.family_member(kind, 200, 16, 1, 1.0, keep_bias=3.0, time_it=False)
    assert b.span(-3) > 2 * a.span(-3)


def test_keep_bias_leaves_the_rnn_alone():
    assert np.array_equal(lc.family_cell("rnn", 8, keep_bias=3.0).params["bias_ih_l0"], np.zeros(8))


def test_family_member_refuses_bad_settings():
    with pytest.raises(RnnvizError):
        lc.family_member("lstm", 10, 4, input_kind="noise")
    with pytest.raises(RnnvizError):
        lc.family_member("cnn", 10, 4)


# --------------------------------------------------------------------------- lesson 5: the flow
CELL_MODULE = {"rnn": nn.RNNCell, "lstm": nn.LSTMCell, "gru": nn.GRUCell}


def torch_flow(cell: Cell, x: np.ndarray, v: np.ndarray):
    """log10 ‖∂C/∂h_k‖ (and ‖∂C/∂c_k‖) for C = v·h_{T−1}, by autograd through a loop of
    PyTorch's nn.*Cell modules (composite ops: every h_k, c_k a node whose .grad is the total)."""
    I, H = cell.input_size, cell.hidden_size
    m = CELL_MODULE[cell.kind](I, H).double()
    m.load_state_dict({n[:-3]: torch.tensor(np.array(a)) for n, a in cell.params.items()})
    h = torch.zeros(1, H, dtype=torch.float64)
    c = torch.zeros(1, H, dtype=torch.float64)
    hs, cs = [], []
    for t in range(x.shape[0]):
        xt = torch.tensor(x[t:t + 1].copy())  # (1, I)
        if cell.kind == "lstm":
            h, c = m(xt, (h, c))
            c.retain_grad()
            cs.append(c)
        else:
            h = m(xt, h)
        h.retain_grad()
        hs.append(h)
    (hs[-1][0] * torch.tensor(v)).sum().backward()
    log = lambda ts: np.log10([float(t.grad.norm()) for t in ts])  # noqa: E731
    return log(hs), (log(cs) if cs else None)


def one_direction(cell: Cell, d: int) -> Cell:
    suffix = "_reverse" if d else ""
    params = {n: cell.params[n + suffix] for n in cell.params if not n.endswith("_reverse")}
    return Cell(kind=cell.kind, input_size=cell.input_size, hidden_size=cell.hidden_size,
                params=params, activation=cell.activation)


@pytest.mark.parametrize("kind", lc.KINDS)
@pytest.mark.parametrize("bidirectional", [False, True])
def test_gradient_flow_against_autograd(kind, bidirectional):
    cell = rnnviz.make_cell(kind, 5, 3, scale=0.9, bidirectional=bidirectional, seed=2)
    x = rnnviz.make_input(12, 3, seed=2)
    flow = lc.gradient_flow(rnnviz.unroll(cell, x), seed=7)
    v = rnnviz.loss_grad(1, 5, seed=7)[0]
    assert flow.log10_h.shape == (cell.directions, 12)
    for d in range(cell.directions):
        xs = x if d == 0 else x[::-1]
        h_ref, c_ref = torch_flow(one_direction(cell, d), xs, v)
        got_h = flow.log10_h[d] if d == 0 else flow.log10_h[d][::-1]
        assert np.allclose(got_h, h_ref, atol=1e-10)
        if kind == "lstm":
            got_c = flow.log10_c[d] if d == 0 else flow.log10_c[d][::-1]
            assert np.allclose(got_c, c_ref, atol=1e-10)
    if bidirectional:  # the reverse direction's loss sits at step 0: its span counts forward
        assert abs(flow.log10_h[1][0]) < 1e-12
        assert flow.span(1, -2) == lc.span_above(flow.log10_h[1][::-1], -2)


def test_readout_grads_put_v_at_each_directions_last_step():
    gs = lc.readout_grads(6, 4, 2, seed=1)
    assert len(gs) == 2 and all(g.shape == (6, 8) for g in gs)
    assert np.count_nonzero(gs[0]) == 4 and np.count_nonzero(gs[0][5, :4]) == 4
    assert np.count_nonzero(gs[1]) == 4 and np.count_nonzero(gs[1][0, 4:]) == 4
    assert np.isclose(np.linalg.norm(gs[0]), 1.0)


@pytest.mark.parametrize("kind, names", [("rnn", ["h", "dact"]), ("lstm", ["i", "f", "o", "g", "c"]),
                                         ("gru", ["r", "z", "n", "h"])])
def test_inspect_panels(kind, names):
    cell = rnnviz.make_cell(kind, 70, 2, seed=0, bidirectional=True)
    trace = rnnviz.unroll(cell, rnnviz.make_input(1000, 2))
    view = lc.inspect(cell, trace.x, max_steps=400, max_units=64)
    assert [p[0] for p in view.panels] == names
    assert view.T == 1000 and view.overflow_step is None
    for _, z, _ in view.panels:
        assert z.shape == (len(view.units), len(view.steps)) and z.shape[0] <= 64 and z.shape[1] <= 400
    assert view.units[-1] < 140 and view.steps[0] >= 0 and view.steps[-1] <= 999
    gate = dict((p[0], p[1]) for p in view.panels)
    first = names[0] if kind != "rnn" else "h"
    src = trace.gates.get(first, trace.h)
    assert np.isclose(gate[first][0, 0], src[:3, 0].mean(), atol=1e-6)  # block mean of 3 steps


def test_inspect_survives_a_forward_overflow():
    H = 4
    cell = Cell(kind="rnn", input_size=1, hidden_size=H, activation="relu", params={
        "weight_ih_l0": np.ones((H, 1)), "weight_hh_l0": 1e30 * np.eye(H),
        "bias_ih_l0": np.zeros(H), "bias_hh_l0": np.zeros(H)})
    view = lc.inspect(cell, np.ones((50, 1)))
    assert view.overflow_step is not None and view.T == view.overflow_step and view.steps_in == 50
    assert np.isfinite(view.flow.log10_h).all()
    kinds = {name: kind for name, _, kind in view.panels}
    assert kinds["h"] == "state_log"  # h reached ~1e300: drawn as sign·log10(1 + |h|)
    z = dict((p[0], p[1]) for p in view.panels)["h"]
    assert np.isfinite(z).all() and z.max() > 100
