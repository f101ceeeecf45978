"""AppTest of the gates lesson (pages/gates.py): defaults, extremes, presets (bad links: tests/test_pages_generated.py).

The metrics on the page are recomputed here from rnnviz with the same settings, so a page
that wired a control to the wrong argument fails."""

import pytest

from tests.apptest_util import assert_ok, charts_of, click, run_page, set_widget

import rnnviz
from pages import numtext
from rnnviz.lessons import gates as lg

PAGE = "pages/gates.py"
DEFAULTS = dict(cell="lstm", T=200, H=32, init="gaussian", scale=1.0, by="radius", fb=1.0, xs=1.0,
                loss="last", seed=0)


def metrics(at):
    return {m.label: m.value for m in at.metric}


def expected(**changes):
    """The page's metrics, computed from rnnviz directly."""
    s = {**DEFAULTS, **changes}
    base = rnnviz.make_cell(s["cell"], s["H"], 1, init=s["init"], scale=s["scale"],
                            scale_by=s["by"], seed=s["seed"])
    cell = lg.add_gate_bias(base, lg.CARRY_GATE[s["cell"]], s["fb"])
    x = rnnviz.make_input(s["T"], 1, scale=s["xs"], seed=s["seed"])
    run = lg.run_gated(cell, x, loss=s["loss"], loss_seed=s["seed"])
    twin = lg.rnn_twin_cell(s["H"], init=s["init"], scale=s["scale"], scale_by=s["by"], seed=s["seed"])
    rnn = lg.rnn_log10_norm_h(twin, s["T"], input_scale=s["xs"], loss=s["loss"], seed=s["seed"])
    out = {}
    name = s["cell"].upper()
    if s["cell"] == "lstm":
        out["LSTM cell c: step 0 ÷ step T−1"] = numtext.pow10_text(lg.log10_first_over_last(run.log10_norm_c))
    out[f"{name} hidden h: step 0 ÷ step T−1"] = numtext.pow10_text(lg.log10_first_over_last(run.log10_norm_h))
    out["vanilla RNN h: step 0 ÷ step T−1"] = numtext.pow10_text(lg.log10_first_over_last(rnn))
    return out


def test_defaults():
    at = run_page(PAGE)
    assert_ok(at)
    assert not at.warning
    assert len(charts_of(at)) == 4  # gates, norms, the memory block, the step factors
    assert len(at.latex) >= 3
    assert metrics(at) == expected()
    # the lesson's point at the defaults: the LSTM cell keeps far more than the RNN
    run = expected()
    assert "10⁻¹⁹" in run["LSTM cell c: step 0 ÷ step T−1"]
    assert "10⁻³⁸" in run["vanilla RNN h: step 0 ÷ step T−1"]


@pytest.mark.parametrize("query", [
    {"T": "2", "H": "1"},
    {"T": "2000", "H": "4", "loss": "all"},
    {"T": "5", "H": "256", "cell": "gru"},
    {"scale": "0", "fb": "-5", "xs": "0"},
    {"scale": "3", "by": "sigma", "fb": "5", "xs": "5", "init": "orthogonal"},
    {"cell": "gru", "init": "torch", "seed": "2147483647", "loss": "all", "T": "50"},
])
def test_extremes_render(query):
    at = run_page(PAGE, query)
    assert_ok(at)
    assert not at.warning
    want = {k: (int(v) if k in ("T", "H", "seed") else float(v) if k in ("scale", "fb", "xs") else v)
            for k, v in query.items()}
    assert metrics(at) == expected(**want)


@pytest.mark.parametrize("preset, check", [
    ("keep", lambda m: "10⁻" not in m["LSTM cell c: step 0 ÷ step T−1"]),  # kept: no 10⁻ⁿ
    ("closed", lambda m: "10⁻¹²¹" in m["LSTM cell c: step 0 ÷ step T−1"]),
    ("gru", lambda m: "GRU hidden h: step 0 ÷ step T−1" in m),
    ("long", lambda m: "LSTM cell c: step 0 ÷ step T−1" in m),
])
def test_presets(preset, check):
    at = run_page(PAGE)
    at = click(at, f"_ui.gates.preset.{preset}")
    assert_ok(at)
    m = metrics(at)
    assert check(m), m
    want = {k: at.session_state[k] for k in DEFAULTS}
    assert m == expected(**want)


def test_slider_change_updates_the_page():
    at = run_page(PAGE)
    before = metrics(at)
    at = set_widget(at, "fb", 3.0)
    assert_ok(at)
    assert metrics(at) != before
    assert metrics(at) == expected(fb=3.0)


def test_memory_block_draws_the_runs_edges():
    """The diagram's edge numbers are the run's (rnnviz.measures.edges, checked against autograd in
    tests/test_diagrams.py); a GRU gets a note instead."""
    at = run_page(PAGE, {"T": "40", "H": "8", "fb": "2"})
    assert_ok(at)
    block = charts_of(at)[2].figure
    assert "memory block at step 20" in block["layout"]["title"]["text"]
    s = dict(DEFAULTS, T=40, H=8, fb=2.0)
    cell = lg.add_gate_bias(rnnviz.make_cell("lstm", 8, 1, init=s["init"], scale=s["scale"], scale_by=s["by"],
                                      seed=s["seed"]), "f", 2.0)
    run = lg.run_gated(cell, rnnviz.make_input(40, 1, scale=s["xs"], seed=s["seed"]), loss=s["loss"],
                       loss_seed=s["seed"])
    shown = sorted(t["customdata"][0] for t in block["data"]
                   if isinstance(t.get("meta"), dict) and "edge" in t["meta"])
    want = sorted([e.log10 for e in run.block_edges] + [run.block_nodes["c"]] * 2 + [run.block_nodes["h"]])
    assert shown == pytest.approx(want, abs=1e-12)
    gru = run_page(PAGE, {"cell": "gru"})
    assert len(charts_of(gru)) == 3
    assert any("drawn for the LSTM" in c.value for c in gru.caption)
