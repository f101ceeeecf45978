"""AppTest of the GRU variants lesson (pages/gru_variants.py): defaults, extremes, presets,
and the numbers on the page recomputed here from rnnviz (bad links: tests/test_pages_generated.py)."""

import re

import pytest

from tests.apptest_util import assert_ok, charts_of, click, run_page, set_widget

import rnnviz
from pages import numtext
from rnnviz.lessons import gates as lg

PAGE = "pages/gru_variants.py"
KEYS = ("T", "H", "init", "scale", "by", "zb", "xs", "loss", "seed")
DEFAULTS = dict(T=200, H=32, init="gaussian", scale=1.0, by="radius", zb=0.0, xs=1.0, loss="last", seed=0)
SUP = str.maketrans("⁻⁰¹²³⁴⁵⁶⁷⁸⁹", "-0123456789")
SHORT = {"before": "reset before", "after": "reset after"}


def number(text: str) -> float:
    text = text.strip()
    if " × 10" in text:
        m, e = text.split(" × 10")
        return float(m) * 10.0 ** int(e.translate(SUP))
    return float(text)


def expected(**changes):
    """The page's metrics and the largest |h_before − h_after|, from rnnviz directly."""
    s = {**DEFAULTS, **changes}
    x = rnnviz.make_input(s["T"], 1, scale=s["xs"], seed=s["seed"])
    out, hs = {}, {}
    for v in ("before", "after"):
        cell = rnnviz.make_cell("gru", s["H"], 1, variant=v, init=s["init"], scale=s["scale"],
                                scale_by=s["by"], seed=s["seed"])
        cell = lg.add_gate_bias(cell, "z", s["zb"])
        run = lg.run_gated(cell, x, loss=s["loss"], loss_seed=s["seed"])
        out[f"{SHORT[v]}: step 0 ÷ step T−1"] = numtext.pow10_text(lg.log10_first_over_last(run.log10_norm_h))
        out[f"z path alone ({SHORT[v]})"] = numtext.pow10_text(lg.log10_first_over_last(run.log10_path))
        hs[v] = rnnviz.unroll(cell, x).h
    return out, lg.max_abs_diff(hs["before"], hs["after"])


def check_page(at, **settings):
    assert_ok(at)
    assert len(charts_of(at)) == 3  # both variants' gates in one figure, norms, means
    want, gap = expected(**settings)
    assert {m.label: m.value for m in at.metric} == want
    text = " ".join(m.value for m in at.markdown)
    assert f"over the run is {gap:.3g}." in text
    order = re.search(r"max \|Δh\| = (.+?) \(reset after\), (.+?) \(reset before\)", text)
    assert number(order.group(1)) < 1e-13 and number(order.group(2)) < 1e-13
    bias = re.search(r"differ by up to ([0-9.e+-]+), while.*?= (\S+)\. That.*?max \|Δh\| = (.+?)\)", text)
    assert number(bias.group(2)) < 1e-13 and number(bias.group(3)) < 1e-13
    if settings.get("T", DEFAULTS["T"]) > 1 and settings.get("xs", 1.0) > 0:
        assert float(bias.group(1)) > 1e-6  # b_in and b_hn really part


def test_defaults():
    at = run_page(PAGE)
    assert not at.warning
    check_page(at)
    assert len(at.latex) >= 4


@pytest.mark.parametrize("query", [
    {"T": "2", "H": "1"},
    {"T": "1000", "H": "4", "loss": "all"},
    {"T": "5", "H": "128"},
    {"scale": "0", "zb": "-5", "xs": "0"},
    {"scale": "3", "by": "sigma", "zb": "5", "xs": "5", "init": "orthogonal"},
    {"init": "torch", "seed": "2147483647", "loss": "all", "T": "50"},
])
def test_extremes_render(query):
    at = run_page(PAGE, query)
    assert not at.warning
    want = {k: (int(v) if k in ("T", "H", "seed") else float(v) if k in ("scale", "zb", "xs") else v)
            for k, v in query.items()}
    check_page(at, **want)


@pytest.mark.parametrize("preset", ["keep", "overwrite", "big", "long"])
def test_presets(preset):
    at = run_page(PAGE)
    at = click(at, f"_ui.gru_variants.preset.{preset}")
    state = {k: at.session_state[k] for k in KEYS}
    assert state != DEFAULTS
    check_page(at, **state)


def test_update_gate_bias_keeps_the_gradient():
    """The lesson's claim: z near 1 keeps the gradient, z near 0 loses it."""
    keep, _ = expected(zb=4.0)
    lose, _ = expected(zb=-4.0)
    key = "reset after: step 0 ÷ step T−1"
    assert number(keep[key]) > 1e-3 and number(lose[key]) < 1e-30


def test_slider_change_updates_the_page():
    at = run_page(PAGE)
    at = set_widget(at, "zb", 3.0)
    check_page(at, zb=3.0)


def test_the_lstm_to_gru_paragraph_matches_the_gru_we_run():
    """Part 4 says the LSTM's c_t = f ⊙ c_{t−1} + i ⊙ g with f = z, i = 1 − z is the GRU's
    state update: true of rnnviz's GRU (z keeps the old state; some texts swap z and 1 − z)."""
    import numpy as np

    at = run_page(PAGE)
    assert any(h.value == "4 · From the LSTM to the GRU" for h in at.header)
    assert any("f_t = z_t" in x.value for x in at.latex)
    for variant in ("after", "before"):
        cell = rnnviz.make_cell("gru", 5, 1, variant=variant, seed=2)
        tr = rnnviz.unroll(cell, rnnviz.make_input(30, 1, seed=1))
        z, n = tr.gates["z"], tr.gates["n"]
        h_prev = np.vstack([np.zeros((1, 5)), tr.h[:-1]])
        f, i, g, c_prev = z, 1 - z, n, h_prev  # the LSTM's cell update, with the GRU's gates
        np.testing.assert_allclose(f * c_prev + i * g, tr.h, rtol=1e-12, atol=1e-15)
