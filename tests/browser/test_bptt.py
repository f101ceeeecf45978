"""Lesson 1 (pages/bptt.py) in a real browser: the defaults draw every chart, moving the T
slider changes the URL and the curve, and that URL opened in a fresh context restores it."""

from __future__ import annotations

import pytest

from .harness import assert_no_exception, charts, goto, new_page, set_slider, slider_state

pytestmark = pytest.mark.browser

T_LABEL = "Sequence length T (steps)"
N_CHARTS = 5  # the unrolled diagram, gradient norm, Jacobian, step terms, heatmaps of h and σ'(h*)

# The gradient-norm chart's traces as plain arrays: [{name, x, y}]. gd.data holds what Python sent
# ({dtype, bdata} base64 for numpy arrays); gd._fullData the decoded typed arrays.
_CURVE_JS = """() => {
  const gd = document.querySelectorAll('[data-testid="rnnvizChart"] .js-plotly-plot')[1];  // [0] is the diagram
  return gd._fullData.map(t => ({name: t.name, x: Array.from(t.x), y: Array.from(t.y)}));
}"""


def curve(page) -> dict:
    """{trace name: (x, y)} of the gradient-norm chart."""
    return {t["name"]: (t["x"], t["y"]) for t in page.evaluate(_CURVE_JS)}


def verdict(page) -> str:
    """The verdict under part 1 (the sidebar's preset notes quote the same words)."""
    return page.get_by_test_id("stMainBlockContainer").get_by_text("The gradient reaching step 0").inner_text()


def test_bptt_defaults_slider_url_and_fresh_context(page, base_url, browser):
    goto(page, base_url, "/bptt")
    assert_no_exception(page)
    assert charts(page).count() == N_CHARTS
    assert not page.js_errors, page.js_errors
    assert "step 99" in verdict(page)
    before = curve(page)
    (x, y), = [v for k, v in before.items() if "exact" in k]
    assert len(x) == 100 and x[0] == 0 and x[-1] == 99
    assert len(before) == 2  # the curve and Pascanu's bound

    set_slider(page, T_LABEL, 60)
    assert "T=60" in page.url
    assert_no_exception(page)
    assert charts(page).count() == N_CHARTS
    after = curve(page)
    (x60, y60), = [v for k, v in after.items() if "exact" in k]
    assert len(x60) == 60 and x60[-1] == 59
    assert "step 59" in verdict(page)

    fresh = new_page(browser)
    try:
        goto(fresh, base_url, page.url.split(base_url, 1)[1])
        assert_no_exception(fresh)
        assert slider_state(fresh, T_LABEL)["value"] == 60
        assert curve(fresh) == after  # the same figure, point for point
        assert "step 59" in verdict(fresh)
    finally:
        fresh.context.close()
