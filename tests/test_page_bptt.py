"""AppTest of lesson 1 (pages/bptt.py): defaults, every control at its extremes, presets,
an exploding run (bad links: tests/test_pages_generated.py). The numbers themselves are checked against
autograd in tests/test_lesson_bptt.py; here: the page shows exactly those numbers."""

import pytest
from tests.apptest_util import assert_ok, charts_of, click, run_page, set_widget

from rnnviz.lessons import bptt as lesson_bptt

PAGE = "pages/bptt.py"
N_CHARTS = 5  # unrolled diagram, gradient norm, Jacobian, step terms, heatmaps of h and σ'
SUP = str.maketrans("⁻⁰¹²³⁴⁵⁶⁷⁸⁹", "-0123456789")


def verdict(at) -> str:
    return next(m.value for m in at.markdown if m.value.startswith("The gradient reaching step 0"))


def verdict_exponent(at) -> int:
    """The decade the verdict prints: "… is 10⁻¹⁹ of the one …" -> -19."""
    text = verdict(at)
    word = text.split(" is ")[1].split(" ")[0]
    assert word.startswith("10"), text
    return int(word[2:].translate(SUP))


def metrics(at):
    return {m.label: m.value for m in at.metric}


def check(at, charts=N_CHARTS, latex=4):
    assert_ok(at)
    assert len(charts_of(at)) == charts
    assert len(at.latex) == latex


def test_defaults():
    at = run_page(PAGE)
    check(at)
    assert not at.warning
    r = lesson_bptt.compute(100, 32)
    assert verdict_exponent(at) == round(r.exponent) == -19
    assert "step 99" in verdict(at) and "vanished" in verdict(at)
    m = metrics(at)
    assert float(m["Spectral radius ρ"]) == pytest.approx(1.0)
    assert float(m["Largest singular value ‖W_hh‖₂"]) == pytest.approx(r.spectrum.sigma_max, rel=1e-2)
    assert m["γ = sup σ′"] == "1"
    assert any(f"{r.late_share:.1%}" in x.value for x in at.markdown)


@pytest.mark.parametrize("query", [
    {"T": "2"}, {"T": "2000"}, {"H": "1"}, {"H": "256"},
    {"act": "sigmoid"}, {"act": "relu"}, {"act": "linear"},
    {"init": "orthogonal"}, {"init": "identity"}, {"init": "diagonal"}, {"init": "torch"},
    {"init": "triangular"},
    {"scale": "0.1"}, {"scale": "3", "by": "sigma"}, {"xs": "0"}, {"xs": "5"},
    {"loss": "all"}, {"seed": "2147483647"}, {"out": "mse"}, {"out": "xent", "loss": "all"},
    {"T": "2", "H": "1", "act": "linear", "scale": "0.1", "xs": "0"},
    {"T": "2000", "H": "256", "act": "sigmoid", "init": "torch", "xs": "5", "loss": "all"},
])
def test_extremes_render(query):
    at = run_page(PAGE, query)
    check(at, latex=5 if query.get("out", "linear") != "linear" else 4)
    assert not at.warning
    assert "The gradient reaching step 0" in verdict(at)


def test_loss_at_every_step_explains_the_flat_curve():
    at = run_page(PAGE, {"loss": "all"})
    check(at)
    assert any("fresh gradient" in c.value for c in at.caption)


def test_exploding_run_shows_where_and_draws_the_prefix():
    at = run_page(PAGE, {"act": "relu", "scale": "3", "T": "2000"})
    check(at)
    r = lesson_bptt.compute(2000, 32, "relu", "gaussian", 3.0)
    (w,) = at.warning
    assert f"step {r.overflow_step}" in w.value
    assert f"step {r.overflow_step - 1}" in verdict(at) and "exploded" in verdict(at)
    assert verdict_exponent(at) == round(r.exponent) > 250


def test_dead_relu_says_zero():
    at = run_page(PAGE, {"act": "relu", "xs": "0"})
    check(at)
    assert "exactly zero" in verdict(at)


@pytest.mark.parametrize("preset,word", [
    ("vanish_tanh", "vanished"), ("explode_relu", "exploded"),
    ("orthogonal_linear", "kept"), ("non_normal", "exploded"),
])
def test_presets(preset, word):
    at = click(run_page(PAGE), f"_ui.bptt.preset.{preset}")
    check(at)
    assert word in verdict(at)
    assert at.query_params["T"] != "100"  # every preset sets T; it is in the URL now
    if preset == "non_normal":  # the trap: ρ < 1, yet the gradient grows
        assert float(metrics(at)["Spectral radius ρ"]) == pytest.approx(0.9)
    if preset == "vanish_tanh":  # ‖W_hh‖₂γ = 1: σ′ < 1 compounding makes it vanish
        assert float(metrics(at)["Bound per step ‖W_hh‖₂γ"]) == pytest.approx(1.0)
    at = click(at, "_ui.bptt.reset")
    assert "step 99" in verdict(at)


def test_moving_T_reruns():
    at = set_widget(run_page(PAGE), "T", 50)
    check(at)
    assert "step 49" in verdict(at)  # (AppTest has no browser: the URL is the browser test's)


def test_output_layer_shows_its_loss():
    at = run_page(PAGE, {"out": "xent"})
    check(at, latex=5)
    r = lesson_bptt.compute(100, 32, readout="xent")
    assert metrics(at)["Loss C through the output layer"] == f"{r.loss_value:.4g}"
    assert verdict_exponent(at) == round(r.exponent)


def test_diagram_and_jacobian_draw_the_lessons_numbers():
    at = run_page(PAGE, {"T": "60", "H": "8"})
    check(at)
    r = lesson_bptt.compute(60, 8)
    dia, jac = charts_of(at)[0].figure, charts_of(at)[2].figure
    shown = {t["meta"]["edge"]: t["customdata"][0] for t in dia["data"]
             if isinstance(t.get("meta"), dict) and "edge" in t["meta"]}
    assert len(shown) == len([e for e in r.diagram_edges if not e.src.startswith("C_")]) + 1
    assert "h_0 → x_0 through W_ih" in shown  # the page's own labels
    finite = sorted(e.log10 for e in r.diagram_edges if e.log10 != float("-inf"))
    assert sorted(v for v in shown.values() if v is not None) == pytest.approx(finite, abs=1e-12)
    assert "unrolled" in dia["layout"]["title"]["text"]
    assert "bound" in jac["data"][1]["name"] or "W_hh" in jac["data"][1]["name"]
    assert not any("swept over the last" in c.value for c in at.caption)


def test_big_links_sweep_the_jacobian_over_the_last_steps_only():
    at = run_page(PAGE, {"T": "2000", "H": "256"})
    check(at)
    assert any("last 31 steps" in c.value for c in at.caption)


def test_irnn_preset_is_what_its_description_says():
    at = click(run_page(PAGE), "_ui.bptt.preset.irnn")
    check(at)
    assert "exactly zero" in verdict(at)
