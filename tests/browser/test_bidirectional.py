"""The bidirectional lesson (pages/bidirectional.py) in a real browser: the page draws both
maps (past only / both sides) and the row profile, moving the T slider changes the URL and
the maps, and a T = 500 map reaches the browser downsampled."""

from __future__ import annotations

import pytest

from .harness import assert_no_exception, charts, goto, screenshot, set_slider

pytestmark = pytest.mark.browser

T_LABEL = "Sequence length T (steps)"
N_CHARTS = 2

# Per chart, per trace: type, and for heatmaps the number of rows and of finite cells.
_CHARTS_JS = """() => Array.from(
  document.querySelectorAll('[data-testid="rnnvizChart"] .js-plotly-plot')).map(gd =>
    gd._fullData.map(t => t.type === 'heatmap'
      ? {type: t.type, rows: t.z.length,
         finite: t.z.reduce((n, r) => n + Array.from(r).filter(v => v !== null && isFinite(v)).length, 0)}
      : {type: t.type, name: t.name, n: t.x.length}))"""


def chart_data(page):
    return page.evaluate(_CHARTS_JS)


def test_bidirectional_maps_slider_and_url(page, base_url):
    goto(page, base_url, "/bidirectional?T=40")
    assert_no_exception(page)
    assert not page.js_errors, page.js_errors
    assert charts(page).count() == N_CHARTS
    maps, row = chart_data(page)
    assert [m["type"] for m in maps] == ["heatmap", "heatmap"]
    uni, bi = maps
    assert uni["rows"] == bi["rows"] == 40
    assert uni["finite"] == 40 * 41 // 2  # the past only: k ≤ t
    assert bi["finite"] == 40 * 40  # both sides
    assert [t["n"] for t in row if t["type"] == "scatter"][:2] == [40, 40]
    screenshot(page, "bidirectional")

    set_slider(page, T_LABEL, 43)
    assert "T=43" in page.url
    assert_no_exception(page)
    assert charts(page).count() == N_CHARTS
    uni, bi = chart_data(page)[0]
    assert uni["rows"] == bi["rows"] == 43
    assert uni["finite"] == 43 * 44 // 2 and bi["finite"] == 43 * 43
    assert not page.js_errors, page.js_errors


def test_bidirectional_big_map_is_downsampled(page, base_url):
    goto(page, base_url, "/bidirectional?T=500&H=16&wrt=h")
    assert_no_exception(page)
    uni, bi = chart_data(page)[0]
    assert uni["rows"] == bi["rows"] == 167  # 500 steps in blocks of 3
