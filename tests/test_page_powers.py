"""AppTest of the powers-of-W_hh lesson (pages/powers.py): defaults, extremes, presets."""

import numpy as np
import pytest

from tests.apptest_util import assert_ok, charts_of, click, run_page, set_widget

from rnnviz.core.weights import INITS, init_W_hh, rescale

PAGE = "pages/powers.py"


def metrics(at):
    return {m.label: m.value for m in at.metric}


def test_defaults_show_the_four_figures_and_the_true_numbers():
    at = run_page(PAGE)
    assert_ok(at)
    assert len(charts_of(at)) == 4
    assert len(at.latex) >= 5
    m = metrics(at)
    W = rescale(init_W_hh("gaussian", 64, np.random.default_rng(0)), 0.9, "radius")
    assert m["Spectral radius ρ"] == "0.900"  # the default shows the source's drift at once
    assert m["Largest singular value ‖W_hh‖₂"] == f"{np.linalg.norm(W, 2):.3f}"
    ref = np.log10(np.linalg.norm(np.linalg.matrix_power(W, 200), 2))  # 0.9^200: no underflow
    assert float(m["log₁₀ ‖Wᴺ‖₂"]) == pytest.approx(ref, abs=0.006)
    for chart in charts_of(at):
        assert chart.size < 150_000  # float32, ≤ 60 frames: light enough to ship


EXTREMES = [  # every control at its extremes, every init and every scaling
    {"H": "1", "init": "orthogonal"},
    {"H": "256", "init": "torch", "by": "none"},
    {"N": "1", "init": "identity"},
    {"N": "1000", "init": "diagonal", "by": "none", "lo": "-2", "hi": "-2"},  # (−2)^1000
    {"scale": "0.1", "init": "triangular", "by": "sigma"},
    {"scale": "3", "by": "sigma", "N": "1000"},  # 3^1000 ≈ 1e477: past float64
    {"seed": "2147483647", "init": "diagonal", "lo": "2", "hi": "2"},
    {"lo": "-2", "hi": "2", "init": "triangular"},
    {"init": "triangular", "by": "none", "lo": "0", "hi": "0", "H": "8"},  # nilpotent: Wⁿ = 0
]


@pytest.mark.parametrize("query", EXTREMES)
def test_extremes_render(query):
    at = run_page(PAGE, query)
    assert_ok(at)
    assert not at.warning
    assert len(charts_of(at)) == 4


def test_a_reversed_eigenvalue_range_gives_way_with_the_note():
    at = run_page(PAGE, {"lo": "2", "hi": "-2", "init": "diagonal"})
    assert_ok(at)
    assert len(at.warning) == 1
    assert "lo=2 must be at most hi=-2; using -2" in at.warning[0].value.replace("\\", "")
    assert at.session_state["lo"] == -2.0 and at.query_params["lo"] == "-2"


def test_the_extremes_cover_every_init_and_scaling():
    assert {q.get("init", "gaussian") for q in EXTREMES} == set(INITS)
    assert {q.get("by", "radius") for q in EXTREMES} == {"radius", "sigma", "none"}


def test_a_matrix_that_cannot_be_rescaled_shows_an_error_not_a_traceback():
    at = run_page(PAGE, {"init": "diagonal", "lo": "0", "hi": "0"})  # the zero matrix
    assert not at.exception
    assert at.error and "zero" in at.error[0].value


@pytest.mark.parametrize("preset, check", [
    ("vanishing", lambda m: m["Spectral radius ρ"] == "0.900" and float(m["log₁₀ ‖Wᴺ‖₂"]) < -5),
    ("exploding", lambda m: m["Spectral radius ρ"] == "1.100" and float(m["log₁₀ ‖Wᴺ‖₂"]) > 5),
    ("nonnormal", lambda m: m["Spectral radius ρ"] == "0.900"
     and float(m["Largest log₁₀ ‖Wⁿ‖₂"]) > 5),  # ρ < 1, yet ‖Wⁿ‖ passes 1e5
])
def test_presets(preset, check):
    at = run_page(PAGE)
    at = click(at, f"_ui.powers.preset.{preset}")
    assert_ok(at)
    assert check(metrics(at)), metrics(at)


def test_widget_change_reruns():
    at = run_page(PAGE)
    at = set_widget(at, "scale", 0.5)
    assert_ok(at)
    assert metrics(at)["Spectral radius ρ"] == "0.500"
    at = set_widget(at, "by", "sigma")
    assert_ok(at)
    assert metrics(at)["Largest singular value ‖W_hh‖₂"] == "0.500"
