"""AppTest of the truncated-BPTT lesson (pages/truncated.py): defaults, every control at its
extremes, presets (bad links: tests/test_pages_generated.py). Truncated gradients and their relative error
are checked against autograd in tests/test_flow.py and tests/test_core.py; here: the page
shows those numbers."""

import math

import pytest
from tests.apptest_util import assert_ok, charts_of, click, run_page, set_widget

import rnnviz
from rnnviz.measures import flow

PAGE = "pages/truncated.py"
N_CHARTS = 3  # the map with the cut, per-step terms, error against w


def metrics(at):
    return {m.label: m.value for m in at.metric}


def check(at):
    assert_ok(at)
    assert len(charts_of(at)) == N_CHARTS
    assert len(at.latex) == 3
    lstm = at.session_state["cell"] == "lstm"  # the LSTM adds the 1997 truncation's difference
    assert len(at.metric) == (4 if lstm else 3)


def expected(kind="rnn", T=100, H=32, scale=1.0, fb=0.0, w=10, mode="window", loss="last",
             thr=1e-3, seed=0):
    """(relative difference, full reach, truncated reach) from rnnviz directly."""
    cell = rnnviz.make_cell(kind, H, 4, scale=scale, forget_bias=fb, seed=seed)
    tr = rnnviz.unroll(cell, rnnviz.make_input(T, 4, seed=seed))
    g = rnnviz.loss_grad(T, H, where=loss, seed=seed)
    rel = flow.truncation_errors(tr, g, [w], mode=mode)[0]
    M = flow.flow_map(tr, rnnviz.loss_grad(T, H, where="all", seed=seed), wrt="h")
    rows = [T - 1] if loss == "last" else list(range(T))
    t = math.log10(thr)
    return (rel, flow.reach(M, t, rows=rows),
            flow.reach(M, t, flow.truncation_mask(T, w, mode), rows=rows))


def steps(text):
    return int(text.split()[0])


def test_defaults():
    at = run_page(PAGE)
    check(at)
    assert not at.warning
    m = metrics(at)
    rel, full, trunc = expected()
    assert float(m["Relative difference of ∂C/∂W_hh"]) == pytest.approx(rel, rel=1e-2)
    assert steps(m["Full BPTT learns from up to"]) == full
    assert steps(m["Truncated BPTT learns from up to"]) == trunc == 9 < full


@pytest.mark.parametrize("query", [
    {"T": "2", "w": "1"}, {"T": "500"}, {"H": "1"}, {"H": "64"}, {"w": "1"}, {"w": "500", "T": "500"},
    {"cell": "lstm"}, {"cell": "gru"}, {"mode": "detach"}, {"loss": "all"},
    {"scale": "0.1"}, {"scale": "3"}, {"fb": "5", "cell": "lstm"}, {"thr": "1e-8"}, {"thr": "0.1"},
    {"seed": "2147483647"},
    {"T": "2", "H": "1", "w": "1", "scale": "0.1", "mode": "detach"},
    {"T": "500", "H": "64", "cell": "lstm", "fb": "5", "w": "1", "loss": "all"},
])
def test_extremes_render(query):
    at = run_page(PAGE, query)
    check(at)
    assert not at.warning


def test_window_past_T_gives_way_with_the_note():
    at = run_page(PAGE, {"T": "2", "w": "500"})
    check(at)
    assert len(at.warning) == 1 and "w=500 must be at most T=2" in at.warning[0].value.replace("\\", "")
    assert at.session_state["w"] == 2 and at.query_params["w"] == "2" and at.query_params["T"] == "2"


def test_window_beyond_T_is_the_full_gradient():
    at = run_page(PAGE, {"w": "100"})
    check(at)
    m = metrics(at)
    assert m["Relative difference of ∂C/∂W_hh"] == "0"
    assert m["Full BPTT learns from up to"] == m["Truncated BPTT learns from up to"]


@pytest.mark.parametrize("preset", ["short", "lstm", "chunks", "vanish"])
def test_presets(preset):
    at = click(run_page(PAGE), f"_ui.truncated.preset.{preset}")
    check(at)
    m = metrics(at)
    if preset == "lstm":  # the LSTM's gradient reaches the whole sequence; w = 20 cuts it
        assert steps(m["Full BPTT learns from up to"]) > 100
        assert steps(m["Truncated BPTT learns from up to"]) == 19
        assert float(m["Relative difference of ∂C/∂W_hh"]) > 0.01
        p = dict(T=200, H=32, scale=1.0, fb=3.0, seed=0)
        cell = rnnviz.make_cell("lstm", p["H"], 4, scale=p["scale"], forget_bias=p["fb"], seed=0)
        tr = rnnviz.unroll(cell, rnnviz.make_input(p["T"], 4, seed=0))
        g = rnnviz.loss_grad(p["T"], p["H"], where="last", seed=0)
        assert m["1997 truncation: relative difference"] == f"{flow.cec_error(tr, g):.3g}"
        steps_fig = charts_of(at)[1].figure
        assert [t["name"] for t in steps_fig["data"]][-1] == "1997 LSTM truncation (cut on h)"
    if preset == "vanish":  # nothing left to cut: tiny difference
        assert float(m["Relative difference of ∂C/∂W_hh"]) < 1e-3


def test_widget_change_reruns_with_new_numbers():
    at = run_page(PAGE)
    at = set_widget(at, "mode", "detach")
    check(at)
    rel, full, trunc = expected(mode="detach")
    m = metrics(at)
    assert float(m["Relative difference of ∂C/∂W_hh"]) == pytest.approx(rel, rel=1e-2)
    assert steps(m["Truncated BPTT learns from up to"]) == trunc
