"""Lesson "Compare the family" (pages/compare.py) in a real browser: the defaults draw both
charts with three cells, moving the T slider changes the URL and the curves."""

from __future__ import annotations

import pytest

from .harness import assert_no_exception, charts, goto, screenshot, set_slider

pytestmark = pytest.mark.browser

T_LABEL = "Sequence length T (steps)"

# The first chart's line traces as plain arrays: {name: length of y}. gd._fullData holds the
# decoded typed arrays (gd.data holds what Python sent, base64 for numpy arrays).
_CURVES_JS = """() => {
  const gd = document.querySelectorAll('[data-testid="rnnvizChart"] .js-plotly-plot')[0];
  return gd._fullData.filter(t => t.mode === 'lines')
                     .map(t => ({name: t.name, n: t.y.length, last: t.y[t.y.length - 1]}));
}"""


def curves(page) -> dict:
    return {t["name"]: (t["n"], t["last"]) for t in page.evaluate(_CURVES_JS)}


def test_compare_defaults_and_slider(page, base_url):
    goto(page, base_url, "/")  # the app shell first: a deep link on a fresh server skips it
    goto(page, base_url, "/compare")
    assert_no_exception(page)
    assert charts(page).count() == 2
    assert not page.js_errors, page.js_errors
    before = curves(page)
    cells = ("RNN (tanh)", "LSTM", "GRU")
    assert set(cells) <= set(before) and "LSTM ‖∂C/∂c_k‖" in before
    assert all(before[c][0] == 200 and abs(before[c][1]) < 1e-6 for c in cells), before  # ‖v‖ = 1
    for label in ("Steps back within θ … 1/θ", "Parameters 4H(I+H+2)", "unroll + BPTT"):
        assert page.get_by_text(label, exact=True).count() >= 1
    screenshot(page, "compare")

    set_slider(page, T_LABEL, 230)
    assert "T=230" in page.url
    assert_no_exception(page)
    after = curves(page)
    assert all(n == 230 for n, _ in after.values()), after
    assert page.get_by_text("out of 229.").count() == 1  # the verdict counts steps back to k = 0
