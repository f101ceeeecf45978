"""AppTest of the clipping lesson (pages/clipping.py): defaults, extremes, presets."""

import pytest
from tests.apptest_util import assert_ok, charts_of, click, run_page, set_widget

PAGE = "pages/clipping.py"


def metrics(at):
    return {m.label: m.value for m in at.metric}


def test_defaults_show_the_cliff_jump():
    at = run_page(PAGE)
    assert_ok(at)
    m = metrics(at)
    assert float(m["Largest step, no clipping"]) > 5  # thrown off the cliff
    assert float(m["Largest step, clipped"]) <= 0.5 + 1e-9  # η · θ = 1 · 0.5
    assert float(m["Final E, clipped"]) < 0.01 < float(m["Final E, no clipping"])
    assert m["Turned by norm-clipping"] == "0.0°"
    assert float(m["Turned by value-clipping"].rstrip("°")) > 5
    charts = charts_of(at)
    assert len(charts) == 3
    assert len(at.latex) >= 5
    cliff = charts[2].figure
    names = [t.get("name") for t in cliff["data"]]
    assert "no clipping" in names and "clipped by norm at 0.5" in names
    notes = [a["text"] for a in cliff["layout"].get("annotations", [])]
    assert any("no clipping leaves the plot" in n for n in notes)  # thrown off the map


@pytest.mark.parametrize("query", [
    {"angle": "0", "norm": "0.1", "theta": "5"},  # nothing to clip
    {"angle": "360", "norm": "10", "theta": "0.1"},
    {"lr": "2", "steps": "200", "clip": "3", "w0": "8", "b0": "0"},
    {"lr": "0.05", "steps": "1", "clip": "0.05", "w0": "2", "b0": "-4"},
    {"plot": "surface"},
])
def test_extremes_render(query):
    at = run_page(PAGE, query)
    assert_ok(at)
    assert not at.warning


def test_below_threshold_nothing_turns():
    at = run_page(PAGE, {"norm": "0.5", "theta": "1"})
    m = metrics(at)
    assert m["Turned by value-clipping"] == "0.0°" and m["Turned by norm-clipping"] == "0.0°"


@pytest.mark.parametrize("preset, check", [
    ("diagonal", lambda m: m["Turned by value-clipping"] == "0.0°"),
    ("near_axis", lambda m: float(m["Turned by value-clipping"].rstrip("°")) > 20),
    ("small_lr", lambda m: float(m["Largest step, clipped"]) <= 0.1 * 0.5 + 1e-9),
    ("tight", lambda m: float(m["Largest step, clipped"]) <= 0.1 + 1e-9),
])
def test_presets(preset, check):
    at = run_page(PAGE)
    at = click(at, f"_ui.clipping.preset.{preset}")
    assert_ok(at)
    assert check(metrics(at)), metrics(at)


def test_widget_change_reruns():
    at = run_page(PAGE)
    at = set_widget(at, "theta", 5.0)
    assert_ok(at)
    assert metrics(at)["Turned by value-clipping"] == "0.0°"  # ‖g‖ = 3 < θ


def test_the_cliff_equations_and_text_take_their_constants_from_rnnviz(monkeypatch):
    """x₀, the number of steps and the target are rnnviz.cliff's, in the equations and
    in the sentence below them, in both languages: change one there and the page follows."""
    from rnnviz.measures import cliff

    for lang in ("en", "zh"):
        at = run_page(PAGE, {"lang": lang})
        latex = " ".join(x.value for x in at.latex)
        assert r"x_0 = 0.5" in latex and r"x_{50}" in latex and "- 0.7" in latex and "^{50}" in latex
        assert any("σ(x₅₀)" in m.value and " 50 " in m.value for m in at.markdown)
    monkeypatch.setattr(cliff, "T_DEFAULT", 37)
    monkeypatch.setattr(cliff, "X0_DEFAULT", 0.25)
    monkeypatch.setattr(cliff, "TARGET_DEFAULT", 0.9)
    for lang in ("en", "zh"):
        at = run_page(PAGE, {"lang": lang})
        latex = " ".join(x.value for x in at.latex)
        assert r"x_0 = 0.25" in latex and r"x_{37}" in latex and "- 0.9" in latex and "^{37}" in latex
        assert "0.5" not in latex and "50" not in latex and "0.7" not in latex
        assert any("σ(x₃₇)" in m.value and " 37 " in m.value for m in at.markdown), lang
