"""AppTest of the bidirectional lesson (pages/bidirectional.py): defaults, every control at
its extremes, presets (bad links: tests/test_pages_generated.py). The maps themselves are checked against
autograd in tests/test_flow.py; here: the page shows what rnnviz.measures.flow computes."""

import numpy as np
import pytest
from tests.apptest_util import assert_ok, charts_of, click, run_page, set_widget

import rnnviz
from rnnviz.measures import flow

PAGE = "pages/bidirectional.py"
N_CHARTS = 2  # the two maps side by side, one row of each


def metrics(at):
    return {m.label.split(":")[0]: m.value for m in at.metric}


def check(at):
    assert_ok(at)
    assert len(charts_of(at)) == N_CHARTS
    assert len(at.latex) == 4
    assert len(at.metric) == 2


def expected_reach(kind="rnn", T=80, H=32, scale=1.0, fb=0.0, wrt="x", seed=0):
    """The page's recipe, computed here from rnnviz directly."""
    cell = rnnviz.make_cell(kind, H, 4, scale=scale, forget_bias=fb, seed=seed, bidirectional=True)
    x = rnnviz.make_input(T, 4, seed=seed)
    g = np.concatenate([rnnviz.loss_grad(T, H, where="all", seed=seed),
                        rnnviz.loss_grad(T, H, where="all", seed=seed + 1)], axis=1)
    M, M_uni = flow.flow_map(rnnviz.unroll(cell, x), g, wrt=wrt, return_forward=True)
    t = T // 2
    return [" / ".join("none" if n is None else str(n)
                       for n in (flow.reach(A, -3.0, rows=[t]), flow.reach(A, -3.0, rows=[t], ahead=True)))
            for A in (M_uni, M)]


def test_defaults_show_past_only_vs_both_sides():
    at = run_page(PAGE)
    check(at)
    assert not at.warning
    m = metrics(at)
    uni, bi = expected_reach()
    assert m["one-directional"] == uni and m["bidirectional"] == bi
    back_u, ahead_u = uni.split(" / ")
    back_b, ahead_b = bi.split(" / ")
    assert ahead_u == "0" and int(ahead_b) > 0 and back_u == back_b


@pytest.mark.parametrize("query", [
    {"T": "2"}, {"T": "500"}, {"H": "1"}, {"H": "64"},
    {"cell": "lstm"}, {"cell": "gru"}, {"wrt": "h"},
    {"scale": "0.1"}, {"scale": "3"}, {"fb": "5", "cell": "lstm"}, {"seed": "2147483647"},
    {"T": "2", "H": "1", "scale": "0.1", "wrt": "h"},
    {"T": "500", "H": "64", "cell": "lstm", "scale": "3", "fb": "5"},
])
def test_extremes_render(query):
    at = run_page(PAGE, query)
    check(at)
    assert not at.warning


@pytest.mark.parametrize("preset", ["vanish", "lstm", "long", "states"])
def test_presets(preset):
    at = click(run_page(PAGE), f"_ui.bidirectional.preset.{preset}")
    check(at)
    if preset == "lstm":  # the open forget gate keeps the band wide
        back, ahead = metrics(at)["bidirectional"].split(" / ")
        assert int(back) > 50 and int(ahead) > 50
    if preset == "states":
        assert at.session_state["wrt"] == "h"


def test_widget_change_reruns_with_new_numbers():
    at = run_page(PAGE)
    at = set_widget(at, "scale", 0.5)
    check(at)
    uni, bi = expected_reach(scale=0.5)
    assert metrics(at)["bidirectional"] == bi
