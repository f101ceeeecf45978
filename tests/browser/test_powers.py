"""Lesson "Powers of W_hh" (pages/powers.py) in a real browser: the histogram's slider over
n runs in the browser (plotly frames): moving it redraws the histogram for another power
with no request to the server."""

from __future__ import annotations

import pytest

from .harness import assert_no_exception, goto, run_token

pytestmark = pytest.mark.browser

# The chart with a plotly slider: its active step, the power it shows (the step's label),
# the sum of its bars and the position of every vertical marker line.
_STATE_JS = """() => {
  const gd = [...document.querySelectorAll('[data-testid="rnnvizChart"] .js-plotly-plot')]
    .find(g => g._fullLayout.sliders && g._fullLayout.sliders.length);
  const s = gd._fullLayout.sliders[0];
  return {active: s.active, steps: s.steps.length, label: s.steps[s.active].label,
          bars: gd._fullData.filter(t => t.type === 'bar')
                  .map(t => Array.from(t.y).reduce((a, v) => a + (+v || 0), 0)),
          lines: gd._fullData.filter(t => t.type !== 'bar').map(t => Number(t.x[0]))};
}"""


def test_histogram_slider_runs_in_the_browser(page, base_url):
    goto(page, base_url, "/powers")
    before = page.evaluate(_STATE_JS)
    assert before["active"] == 0 and before["steps"] > 10
    runs = run_token(page)
    rail = page.locator(".slider-rail-rect").first
    rail.scroll_into_view_if_needed()
    rail = rail.bounding_box()
    page.mouse.click(rail["x"] + rail["width"] - 3, rail["y"] + rail["height"] / 2)
    page.wait_for_function(
        "() => { const g = [...document.querySelectorAll('.js-plotly-plot')]"
        ".find(g => g._fullLayout.sliders && g._fullLayout.sliders.length);"
        " return g._fullLayout.sliders[0].active > 0 && !g._transitioning; }")
    page.wait_for_timeout(600)  # the frame's transition
    after = page.evaluate(_STATE_JS)
    assert after["active"] == before["steps"] - 1 and after["label"] != before["label"]
    assert after["lines"] != before["lines"]  # the markers moved to the last power's entries
    assert all(abs(b - 100) < 1e-3 for b in after["bars"])  # a histogram in percent, each frame
    assert run_token(page) == runs  # no script run: it all happened in the browser
    assert_no_exception(page)
