"""The truncated-BPTT lesson (pages/truncated.py) in a real browser: the page draws the map
with the cut, the per-step terms and the error curve; moving the window slider changes the
URL, the cut and the truncated curve."""

from __future__ import annotations

import pytest

from .harness import assert_no_exception, charts, goto, screenshot, set_slider

pytestmark = pytest.mark.browser

W_LABEL = "Truncation window w (steps)"
N_CHARTS = 3

# Per chart: its shapes' paths and, per trace, type, name and the number of finite y values.
_CHARTS_JS = """() => Array.from(
  document.querySelectorAll('[data-testid="rnnvizChart"] .js-plotly-plot')).map(gd => ({
    shapes: (gd._fullLayout.shapes || []).map(s => s.path || ''),
    traces: gd._fullData.map(t => ({type: t.type, name: t.name,
      finite: t.y ? Array.from(t.y).filter(v => v !== null && isFinite(v)).length : null}))}))"""


def chart_data(page):
    return page.evaluate(_CHARTS_JS)


def test_truncated_window_slider_moves_the_cut(page, base_url):
    goto(page, base_url, "/truncated?T=60&w=10")
    assert_no_exception(page)
    assert not page.js_errors, page.js_errors
    assert charts(page).count() == N_CHARTS
    the_map, terms, errors = chart_data(page)
    assert the_map["traces"][0]["type"] == "heatmap"
    assert the_map["shapes"] and "49.5" in the_map["shapes"][0]  # the cut starts at T − w
    full, trunc = terms["traces"][:2]
    # loss at the last step: the truncated sum has w terms; step 0's term is 0 (h₋₁ = 0)
    assert full["finite"] == 59 and trunc["finite"] == 10
    screenshot(page, "truncated")

    set_slider(page, W_LABEL, 12)
    assert "w=12" in page.url
    assert_no_exception(page)
    assert charts(page).count() == N_CHARTS
    the_map, terms, _ = chart_data(page)
    assert "47.5" in the_map["shapes"][0]
    assert terms["traces"][1]["finite"] == 12
    assert not page.js_errors, page.js_errors
