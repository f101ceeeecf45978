"""The gated-cell lessons in a real browser: pages/gates.py, pages/lstm_variants.py and
pages/gru_variants.py draw every chart without an exception; moving a slider changes the
URL and a chart; that URL opened in a fresh context restores the same figure."""

from __future__ import annotations

import pytest

from .harness import (assert_no_exception, charts, goto, new_page, screenshot, set_slider,
                      slider_state)

pytestmark = pytest.mark.browser

# The n-th chart's traces as plain arrays: [{name, y}] (gd._fullData holds decoded arrays).
_TRACES_JS = """(n) => {
  const gd = document.querySelectorAll('[data-testid="rnnvizChart"] .js-plotly-plot')[n];
  return gd._fullData.map(t => ({name: t.name,
                                 y: t.y ? Array.from(t.y, v => (v === null ? null : Number(v))) : null}));
}"""


def traces(page, n: int) -> dict:
    """{trace name: y values} of the n-th chart on the page."""
    return {t["name"]: t["y"] for t in page.evaluate(_TRACES_JS, n)}


def check_rendered(page, n_charts: int) -> None:
    assert_no_exception(page)
    assert charts(page).count() == n_charts
    errors = getattr(page, "js_errors", [])  # the `page` fixture collects them; fresh pages do not
    assert not errors, errors


def test_gates_page_slider_url_and_fresh_context(page, base_url, browser):
    label = "Forget-gate bias b_f (GRU: update-gate bias b_z)"
    goto(page, base_url, "/gates")
    check_rendered(page, 4)  # gates, norms, the memory block, the per-step factors
    norms = traces(page, 1)
    assert set(norms) == {"LSTM ‖∂C/∂cₖ‖ (cell)", "LSTM ‖∂C/∂hₖ‖", "only the f path: δᵏ ⊙ fₖ",
                          "vanilla tanh RNN ‖∂C/∂hₖ‖"}
    cell = norms["LSTM ‖∂C/∂cₖ‖ (cell)"]
    assert len(cell) == 200 and cell[0] < -15  # forget bias 1: 10⁻¹⁸ reaches step 0
    screenshot(page, "gates")

    set_slider(page, label, 3.0)
    assert "fb=3" in page.url
    check_rendered(page, 4)
    after = traces(page, 1)
    assert after["LSTM ‖∂C/∂cₖ‖ (cell)"][0] > -3  # forget bias 3: the gradient is kept
    assert after["vanilla tanh RNN ‖∂C/∂hₖ‖"] == norms["vanilla tanh RNN ‖∂C/∂hₖ‖"]  # RNN unchanged

    fresh = new_page(browser)
    try:
        goto(fresh, base_url, page.url.split(base_url, 1)[1])
        check_rendered(fresh, 4)
        assert slider_state(fresh, label)["value"] == 3.0
        assert traces(fresh, 1) == after  # the same figure, point for point
    finally:
        fresh.context.close()


def test_lstm_variants_page_slider_changes_url_and_chart(page, base_url):
    goto(page, base_url, "/lstm_variants")
    check_rendered(page, 3)
    cell = traces(page, 0)
    assert len(cell) == 5 and all(len(y) == 200 for y in cell.values())
    # the merged-bias curve lies on the PyTorch curve
    assert cell["PyTorch with one bias b_ih + b_hh"] == pytest.approx(cell["2000, forget gate (PyTorch)"], abs=1e-5)
    screenshot(page, "lstm_variants")
    set_slider(page, "Sequence length T (steps)", 203)
    assert "T=203" in page.url
    check_rendered(page, 3)
    assert all(len(y) == 203 for y in traces(page, 0).values())


def test_gru_variants_page_slider_changes_url_and_chart(page, base_url):
    label = "Update-gate bias b_z (added to the z block)"
    goto(page, base_url, "/gru_variants")
    check_rendered(page, 3)
    before = traces(page, 1)  # the gradient norms
    assert len(before) == 4
    screenshot(page, "gru_variants")
    set_slider(page, label, 3.0)
    assert "zb=3" in page.url
    check_rendered(page, 3)
    after = traces(page, 1)
    full = "reset after: ‖∂C/∂hₖ‖"
    assert after[full][0] > before[full][0] + 10  # z near 1: far more gradient reaches step 0
