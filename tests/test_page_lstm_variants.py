"""AppTest of the LSTM variants lesson (pages/lstm_variants.py): defaults, extremes, presets,
and the numbers its captions claim, recomputed here from rnnviz (bad links: tests/test_pages_generated.py)."""

import re

import pytest

from tests.apptest_util import assert_ok, charts_of, click, run_page, set_widget

import rnnviz
from pages import numtext
from rnnviz.lessons import gates as lg

PAGE = "pages/lstm_variants.py"
KEYS = ("T", "H", "init", "scale", "by", "fb", "xs", "loss", "seed")
DEFAULTS = dict(T=200, H=32, init="gaussian", scale=1.0, by="radius", fb=0.0, xs=1.0, loss="last", seed=0)
SUP = str.maketrans("⁻⁰¹²³⁴⁵⁶⁷⁸⁹", "-0123456789")


def number(text: str) -> float:
    """Read back numtext.pow10_text / small_text: "0", "0.25", "2.2 × 10⁻¹⁶"."""
    text = text.strip()
    if " × 10" in text:
        m, e = text.split(" × 10")
        return float(m) * 10.0 ** int(e.translate(SUP))
    return float(text)


def bullets(at) -> dict:
    """{bold lead word: text} of the differences list."""
    out = {}
    for m in at.markdown:
        hit = re.match(r"- \*\*(.+?)\*\*(.*)", m.value, re.S)
        if hit:
            out[hit.group(1)] = hit.group(2)
    return out


def expected_ratios(**changes):
    s = {**DEFAULTS, **changes}
    cells = lg.lstm_variant_cells(s["H"], init=s["init"], scale=s["scale"], scale_by=s["by"],
                                  forget_bias=s["fb"], seed=s["seed"])
    x = rnnviz.make_input(s["T"], 1, scale=s["xs"], seed=s["seed"])
    return {v: numtext.pow10_text(lg.log10_first_over_last(lg.run_gated(c, x, loss=s["loss"], loss_seed=s["seed"]).log10_norm_c))
            for v, c in cells.items()}


def check_page(at, **settings):
    assert_ok(at)
    assert len(charts_of(at)) == 3
    b = bullets(at)
    assert set(b) == {"1997 → 2000, the forget gate.", "2000, peepholes", "PyTorch's two biases.",
                      "Keras's unit_forget_bias=True", "Gate order and layout.",
                      "TensorFlow 1's LSTMCell"}
    r = expected_ratios(**settings)
    assert f"is {r['nofg']} without a forget gate and {r['forget']} with one" in b["1997 → 2000, the forget gate."]
    assert f"from {r['forget']} to {r['peephole']}" in b["2000, peepholes"]
    assert f"the ratio from {r['forget']} to {r['keras']}" in b["Keras's unit_forget_bias=True"]
    two = b["PyTorch's two biases."]
    dh = number(re.search(r"max \|Δh\| = ([^;]+);", two).group(1))
    db = [number(v) for v in re.findall(r"max difference ([^)]+)\)", two)]
    assert dh < 1e-13 and len(db) == 2 and max(db) < 1e-13, two
    assert "identical" in b["Keras's unit_forget_bias=True"]
    dk = number(re.search(r"max \|Δh\| = (.+?) \(first", b["Gate order and layout."]).group(1))
    assert dk < 1e-13
    # TF1's own equations (lesson_gates.tf1_lstm_forward, checked against torch) on this run
    s = {**DEFAULTS, **settings}
    keras = lg.lstm_variant_cells(s["H"], init=s["init"], scale=s["scale"], scale_by=s["by"],
                                  forget_bias=s["fb"], seed=s["seed"])["keras"]
    n = min(s["T"], lg.CHECK_STEPS)
    want = numtext.small_text(lg.tf1_check(keras, rnnviz.make_input(n, 1, scale=s["xs"], seed=s["seed"])))
    assert f"max |Δh| = {want} (first {n} steps)" in b["TensorFlow 1's LSTMCell"]
    assert number(want) < 1e-13


def test_defaults():
    at = run_page(PAGE)
    assert not at.warning
    check_page(at)
    assert len(at.latex) >= 5
    # the lesson's point: without a forget gate nothing decays along the cell
    r = expected_ratios()
    assert "10⁻" not in r["nofg"] and "10⁻⁴⁴" in r["forget"]


@pytest.mark.parametrize("query", [
    {"T": "2", "H": "1"},
    {"T": "1000", "H": "4", "loss": "all"},
    {"T": "5", "H": "128"},
    {"scale": "0", "fb": "-5", "xs": "0"},
    {"scale": "3", "by": "sigma", "fb": "5", "xs": "5", "init": "orthogonal"},
    {"init": "torch", "seed": "2147483647", "loss": "all", "T": "50"},
])
def test_extremes_render(query):
    at = run_page(PAGE, query)
    assert not at.warning
    want = {k: (int(v) if k in ("T", "H", "seed") else float(v) if k in ("scale", "fb", "xs") else v)
            for k, v in query.items()}
    check_page(at, **want)


@pytest.mark.parametrize("preset", ["closed", "open", "long", "big"])
def test_presets(preset):
    at = run_page(PAGE)
    at = click(at, f"_ui.lstm_variants.preset.{preset}")
    state = {k: at.session_state[k] for k in KEYS}
    assert state != DEFAULTS
    check_page(at, **state)


def test_slider_change_updates_the_page():
    at = run_page(PAGE)
    at = set_widget(at, "fb", 2.0)
    check_page(at, fb=2.0)
