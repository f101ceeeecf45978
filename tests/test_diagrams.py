"""The live diagrams: every edge's number equals autograd's (float64) or a closed form, and
the figure draws exactly those numbers."""

import math

import numpy as np
import pytest
import torch

import rnnviz
from rnnviz.measures import edges
from rnnviz.figures import diagrams

T, H = 12, 4


def torch_run(cell, x, g):
    """Step-by-step torch unroll keeping h_t, c_t and the LSTM's pre-activations a_t with
    .grad; loss C = Σ_t g_tᵀ h_t (direct gradients g)."""
    p = {k: torch.tensor(v) for k, v in cell.weights(0).items()}
    xt = torch.tensor(x).requires_grad_()
    h = torch.zeros(H, dtype=torch.float64)
    c = torch.zeros(H, dtype=torch.float64)
    hs, cs, As, fs, os_ = [], [], [], [], []
    for t in range(len(x)):
        a = p["W_ih"] @ xt[t] + p["b_ih"] + p["W_hh"] @ h + p["b_hh"]
        a.retain_grad()
        As.append(a)
        if cell.kind == "rnn":
            h = torch.tanh(a)
        else:
            ai, af, ag, ao = a.split(H)
            f = torch.ones(H, dtype=torch.float64) if cell.variant == "nofg" else torch.sigmoid(af)
            o = torch.sigmoid(ao)
            c = f * c + torch.sigmoid(ai) * torch.tanh(ag)
            c.retain_grad()
            cs.append(c)
            fs.append(f.detach())
            os_.append(o.detach())
            h = o * torch.tanh(c)
        h.retain_grad()
        hs.append(h)
    sum((h_t * torch.tensor(g_t)).sum() for h_t, g_t in zip(hs, g)).backward()
    return p, xt, hs, cs, As, fs, os_


def norm_log(v):
    return math.log10(float(np.linalg.norm(np.asarray(v))))


@pytest.mark.parametrize("kind", ["rnn", "lstm"])
@pytest.mark.parametrize("loss", ["last", "all"])
def test_unrolled_edges_match_autograd(kind, loss):
    cell = rnnviz.make_cell(kind, H, 2, scale=1.3, seed=2)
    x = rnnviz.make_input(T, 2, seed=1)
    g = rnnviz.loss_grad(T, H, where=loss, seed=3)
    tr = rnnviz.unroll(cell, x)
    steps = [0, 1, 5, 10, 11]
    nodes, es = edges.unrolled_edges(tr, rnnviz.bptt(tr, g), g, steps)
    _, xt, hs, *_ = torch_run(cell, x, g)
    by = {(e.src, e.dst): e.log10 for e in es}
    for t in steps:
        assert nodes[f"h_{t}"] == pytest.approx(norm_log(hs[t].grad), abs=1e-10)
        assert by[(f"h_{t}", f"x_{t}")] == pytest.approx(norm_log(xt.grad[t]), abs=1e-10)
        want = norm_log(g[t]) if g[t].any() else -math.inf
        assert by[(f"C_{t}", f"h_{t}")] == pytest.approx(want, abs=1e-12)
    for a, b in zip(steps, steps[1:]):  # the recurrence into h_a: the total minus the direct part
        want = norm_log(hs[a].grad.numpy() - g[a])
        assert by[(f"h_{b}", f"h_{a}")] == pytest.approx(want, abs=1e-10)


@pytest.mark.parametrize("variant", ["forget", "nofg"])
def test_lstm_cell_edges_match_autograd(variant):
    cell = rnnviz.make_cell("lstm", H, 2, variant=variant, forget_bias=1.0, seed=4)
    x = rnnviz.make_input(T, 2, seed=1)
    g = rnnviz.loss_grad(T, H, where="all", seed=3)
    tr = rnnviz.unroll(cell, x)
    k = 6
    nodes, es = edges.lstm_cell_edges(tr, rnnviz.bptt(tr, g), k)
    p, xt, hs, cs, As, fs, os_ = torch_run(cell, x, g)
    by = {(e.src, e.dst): e.log10 for e in es}
    da = As[k].grad.numpy()
    f = fs[k].numpy()
    tc = np.tanh(cs[k].detach().numpy())
    assert nodes["c"] == pytest.approx(norm_log(cs[k].grad), abs=1e-10)
    assert nodes["h"] == pytest.approx(norm_log(hs[k].grad), abs=1e-10)
    assert by[("c", "c_prev")] == pytest.approx(norm_log(f * cs[k].grad.numpy()), abs=1e-10)
    assert by[("h", "c")] == pytest.approx(
        norm_log(hs[k].grad.numpy() * os_[k].numpy() * (1 - tc * tc)), abs=1e-10)
    for j, gate in enumerate("ifgo"):
        src = "h" if gate == "o" else "c"
        if gate == "f" and variant == "nofg":  # no forget gate: nothing flows into it
            assert by[(src, gate)] == -math.inf
            continue
        assert by[(src, gate)] == pytest.approx(norm_log(da[j * H:(j + 1) * H]), abs=1e-10)
    # what leaves through W_hh is h_{k−1}'s total gradient minus its own loss term
    assert by[("gates", "h_prev")] == pytest.approx(norm_log(hs[k - 1].grad.numpy() - g[k - 1]), abs=1e-10)
    assert by[("gates", "x")] == pytest.approx(norm_log(xt.grad[k]), abs=1e-10)


def test_lstm_cell_edges_far_past_float64():
    """W_hh = 0 and zero input: the gates are the constants σ(0), σ(b_f); the cell-state
    gradient at step k is ½ σ(b_f)^{T−1−k} (see test_lesson_gates), 10^-2000 and beyond."""
    Tn, bias = 3000, -3.0
    from rnnviz.lessons import gates as lg

    cell = lg.add_gate_bias(rnnviz.make_cell("lstm", 8, 1, scale=0.0, seed=0), "f", bias)
    tr = rnnviz.unroll(cell, rnnviz.make_input(Tn, 1, kind="zeros"))
    g = rnnviz.loss_grad(Tn, 8, where="last")
    gr = rnnviz.bptt(tr, g)
    s = math.log10(1 / (1 + math.exp(-bias)))
    k = 10
    nodes, es = edges.lstm_cell_edges(tr, gr, k)
    want_c = math.log10(0.5) + (Tn - 1 - k) * s
    assert want_c < -2000
    assert nodes["c"] == pytest.approx(want_c, abs=1e-7)
    assert {(e.src, e.dst): e.log10 for e in es}[("c", "c_prev")] == pytest.approx(want_c + s, abs=1e-7)


def test_figures_draw_the_edges_numbers():
    cell = rnnviz.make_cell("rnn", 16, 1, seed=0)
    Tn = 60
    tr = rnnviz.unroll(cell, rnnviz.make_input(Tn, 1, seed=0))
    g = rnnviz.loss_grad(Tn, 16)
    gr = rnnviz.bptt(tr, g)
    steps = [0, 20, 40, 58, 59]
    nodes, es = edges.unrolled_edges(tr, gr, g, steps)
    fig = diagrams.unrolled_figure(nodes, es, steps)
    shown = diagrams.edge_values(fig)
    lab = diagrams.UNROLLED_LABELS
    assert shown[lab["edge_rec"].format(a=0, b=20)] == pytest.approx(
        next(e.log10 for e in es if (e.src, e.dst) == ("h_20", "h_0")))
    drawn = {e.log10 for e in es if np.isfinite(e.log10)}
    assert {round(v, 9) for v in shown.values() if np.isfinite(v)} == {round(v, 9) for v in drawn}
    assert sum("steps" in a.text for a in fig.layout.annotations) == 3  # three gaps, one adjacent pair
    # wider for a larger gradient
    lines = [t for t in fig.data if t.mode == "lines"]
    assert max(t.line.width for t in lines) > min(t.line.width for t in lines)
    # the LSTM block: every edge of lstm_cell_edges is drawn with its number, labels translate
    cell = rnnviz.make_cell("lstm", 16, 1, forget_bias=2.0, seed=0)
    tr = rnnviz.unroll(cell, rnnviz.make_input(Tn, 1, seed=0))
    gr = rnnviz.bptt(tr, g)
    nodes, es = edges.lstm_cell_edges(tr, gr, 30)
    zh = {"title": "第 {k} 步的 LSTM 记忆单元", "edge_c_prev": "c_k → c_{k−1}（乘以 f）"}
    fig = diagrams.lstm_cell_figure(nodes, es, 30, labels=zh)
    assert fig.layout.title.text == "第 30 步的 LSTM 记忆单元"
    shown = diagrams.edge_values(fig)
    assert shown[zh["edge_c_prev"]] == pytest.approx(next(e.log10 for e in es if e.dst == "c_prev"))
    assert len([n for n in shown if n not in (diagrams.LSTM_LABELS["node_c"], diagrams.LSTM_LABELS["node_h"])]) == len(es)


def test_diagrams_refuse_what_they_do_not_draw():
    x = rnnviz.make_input(T, 1)
    g = rnnviz.loss_grad(T, H)
    bi = rnnviz.make_cell("rnn", H, 1, bidirectional=True)
    tr = rnnviz.unroll(bi, x)
    with pytest.raises(rnnviz.RnnvizError, match="one-directional"):
        edges.unrolled_edges(tr, rnnviz.bptt(tr, np.zeros((T, 2 * H))), g, [0])
    gru = rnnviz.make_cell("gru", H, 1)
    tr = rnnviz.unroll(gru, x)
    with pytest.raises(rnnviz.RnnvizError, match="RNN and LSTM"):
        edges.unrolled_edges(tr, rnnviz.bptt(tr, g), g, [0])
    lstm = rnnviz.make_cell("lstm", H, 1)
    tr = rnnviz.unroll(lstm, x)
    gr = rnnviz.bptt(tr, g)
    with pytest.raises(rnnviz.RnnvizError, match="steps shown"):
        edges.unrolled_edges(tr, gr, g, [T])
    with pytest.raises(rnnviz.RnnvizError, match="whole number"):
        edges.lstm_cell_edges(tr, gr, T)
    other = rnnviz.unroll(lstm, x)
    with pytest.raises(rnnviz.RnnvizError, match="its own trace"):
        edges.lstm_cell_edges(other, gr, 0)
