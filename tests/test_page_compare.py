"""AppTest of the "Compare the family" lesson (pages/compare.py)."""

import pytest
from tests.apptest_util import assert_ok, charts_of, click, run_page, set_widget

from rnnviz.lessons import compare as lc

PAGE = "pages/compare.py"
NAMES = ("RNN (tanh)", "LSTM", "GRU")


def metrics(at):
    """[(label, value)] in page order: per cell, span, parameters, time."""
    return [(m.label, m.value) for m in at.metric]


def spans(at):
    vals = [v for label, v in metrics(at) if label == "Steps back within θ … 1/θ"]
    return [int(v.replace(",", " ").split()[0]) for v in vals]  # "15, then vanishes", "299 (all)"


def test_defaults():
    at = run_page(PAGE)
    assert_ok(at)
    m = metrics(at)
    assert len(m) == 9
    params = [v for label, v in m if label.startswith("Parameters")]
    assert params == [f"{lc.param_count(k, 1, 32):,}" for k in lc.KINDS] == ["1,120", "4,480", "3,360"]
    assert [label for label, _ in m if label.startswith("Parameters")] == [
        "Parameters H(I+H+2)", "Parameters 4H(I+H+2)", "Parameters 3H(I+H+2)"]
    times = [float(v.split()[0]) for label, v in m if label == "unroll + BPTT"]
    assert all(t > 0 for t in times)
    expected = [lc.family_member(k, 200, 32, 1, 1.0, time_it=False).band(-3)[0] for k in lc.KINDS]
    assert spans(at) == expected
    assert len(charts_of(at)) == 2
    assert len(at.latex) >= 5
    assert f"**{expected[0]}** steps in the RNN" in at.markdown[1].value


@pytest.mark.parametrize("query", [
    {"T": "10", "H": "1", "I": "1", "scale": "0"},
    {"T": "2000", "H": "16", "scale": "3", "keep": "6", "thr": "1e-12"},
    {"H": "128", "I": "64", "T": "2000", "keep": "-3", "thr": "0.1"},
    {"input": "zeros", "show_c": "false"},
    {"input": "constant", "seed": "2147483647"},
    {"input": "sine"},
])
def test_extremes_render(query):
    at = run_page(PAGE, query)
    assert_ok(at)
    assert not at.warning
    assert len(charts_of(at)) == 2


def test_zero_input_and_unit_radius_keeps_the_rnn_gradient():
    """With x = 0 the tanh RNN stays at h = 0, where it is linear: ρ = 1 loses nothing on average."""
    at = run_page(PAGE, {"input": "zeros", "T": "300"})
    assert spans(at)[0] == 299
    assert at.metric[0].value == "299 (all)"  # it never leaves the band


@pytest.mark.parametrize("preset, check", [
    ("vanish", lambda s: max(s) < 15),
    ("keep", lambda s: s[1] > 100 and s[2] > 30),  # LSTM and GRU keep their gradient
    ("big", lambda s: s[0] < 199),  # the large-W_hh RNN's gradient explodes: it leaves the band
    ("long", lambda s: all(0 <= x < 2000 for x in s)),
])
def test_presets(preset, check):
    at = run_page(PAGE)
    at = click(at, f"_ui.compare.preset.{preset}")
    assert_ok(at)
    assert check(spans(at)), spans(at)


def test_threshold_changes_spans_without_recomputing():
    at = run_page(PAGE)
    before = spans(at)
    at = set_widget(at, "thr", 1e-8)
    assert_ok(at)
    after = spans(at)
    assert all(a > b for a, b in zip(after, before))


def test_input_size_changes_parameter_counts():
    at = set_widget(run_page(PAGE), "I", 10)
    params = [v for label, v in metrics(at) if label.startswith("Parameters")]
    assert params == [f"{lc.param_count(k, 10, 32):,}" for k in lc.KINDS]
