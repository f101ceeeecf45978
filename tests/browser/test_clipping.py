"""Lesson "Gradient clipping" (pages/clipping.py) in a real browser: the three charts draw
without an exception; moving a slider changes the URL, the metrics and a chart; that URL
opened in a fresh context restores the same figures."""

from __future__ import annotations

import math

import pytest

from .harness import (assert_no_exception, charts, goto, new_page, screenshot, set_slider,
                      slider_state)

pytestmark = pytest.mark.browser

ANGLE = "Direction of g (degrees)"
CLIP = "Clipping threshold on the cliff"
N_CHARTS = 3  # g and its clipped versions · turn against direction · the cliff

# The n-th chart's traces as plain arrays (gd._fullData holds the decoded typed arrays),
# and its layout shapes (the sweep chart marks the current direction with a vline).
_CHART_JS = """(n) => {
  const gd = document.querySelectorAll('[data-testid="rnnvizChart"] .js-plotly-plot')[n];
  const arr = (a) => (a ? Array.from(a, v => (v === null ? null : Number(v))) : null);
  return {traces: gd._fullData.map(t => ({name: t.name, x: arr(t.x), y: arr(t.y)})),
          shapes: (gd._fullLayout.shapes || []).map(s => ({x0: Number(s.x0), x1: Number(s.x1)}))};
}"""


def chart(page, n: int) -> dict:
    """{"traces": {name: (x, y)}, "shapes": [...]} of the n-th chart on the page."""
    got = page.evaluate(_CHART_JS, n)
    return {"traces": {t["name"]: (t["x"], t["y"]) for t in got["traces"]},
            "shapes": got["shapes"]}


def metric(page, label: str) -> str:
    box = page.locator('[data-testid="stMetric"]').filter(
        has=page.get_by_text(label, exact=True))
    assert box.count() == 1, f"expected one metric {label!r}, found {box.count()}"
    return box.locator('[data-testid="stMetricValue"]').inner_text().strip()


def check_rendered(page) -> None:
    assert_no_exception(page)
    assert charts(page).count() == N_CHARTS
    errors = getattr(page, "js_errors", [])  # the `page` fixture collects them; fresh pages do not
    assert not errors, errors


def tip(fig: dict, name: str) -> tuple[float, float]:
    x, y = fig["traces"][name]
    assert len(x) == len(y) == 1, (name, x, y)
    return x[0], y[0]


def test_clipping_direction_slider_url_and_fresh_context(page, base_url, browser):
    goto(page, base_url, "/clipping")
    check_rendered(page)
    arrows = chart(page, 0)
    assert {"gradient g", "clipped by value", "clipped by norm", "box |gᵢ| ≤ θ",
            "circle ‖g‖ = θ"} <= set(arrows["traces"])
    # defaults: ‖g‖ = 3 at 20°, θ = 1
    c, s = math.cos(math.radians(20)), math.sin(math.radians(20))
    assert tip(arrows, "gradient g") == pytest.approx((3 * c, 3 * s), abs=1e-5)
    assert tip(arrows, "clipped by value") == pytest.approx((1.0, 1.0), abs=1e-6)
    assert tip(arrows, "clipped by norm") == pytest.approx((c, s), abs=1e-5)
    assert metric(page, "Turned by value-clipping") == "25.0°"  # (1, 1) points at 45°
    assert metric(page, "Turned by norm-clipping") == "0.0°"
    sweep = chart(page, 1)
    assert [sh["x0"] for sh in sweep["shapes"]] == [20.0]
    assert len(sweep["traces"]["clipped by value"][1]) == 361
    screenshot(page, "clipping")

    set_slider(page, ANGLE, 100.0)
    assert "angle=100" in page.url
    check_rendered(page)
    moved = chart(page, 0)
    c, s = math.cos(math.radians(100)), math.sin(math.radians(100))
    assert tip(moved, "gradient g") == pytest.approx((3 * c, 3 * s), abs=1e-5)
    assert tip(moved, "clipped by value") == pytest.approx((3 * c, 1.0), abs=1e-5)
    assert tip(moved, "clipped by norm") == pytest.approx((c, s), abs=1e-5)
    turn = math.degrees(math.atan2(1.0, 3 * c)) - 100  # by value: (3 cos 100°, 1)
    assert metric(page, "Turned by value-clipping") == f"{turn:.1f}°"
    assert [sh["x0"] for sh in chart(page, 1)["shapes"]] == [100.0]
    cliff = chart(page, 2)

    fresh = new_page(browser)
    try:
        goto(fresh, base_url, page.url.split(base_url, 1)[1])
        check_rendered(fresh)
        assert slider_state(fresh, ANGLE)["value"] == 100.0
        assert chart(fresh, 0) == moved  # the same figures, point for point
        assert chart(fresh, 2) == cliff
        assert metric(fresh, "Turned by value-clipping") == f"{turn:.1f}°"
    finally:
        fresh.context.close()


def test_clipping_cliff_threshold_moves_only_the_clipped_path(page, base_url):
    goto(page, base_url, "/clipping")
    check_rendered(page)
    before = chart(page, 2)["traces"]
    plain, clipped = "no clipping", "clipped by norm at 0.5"
    assert {plain, clipped} <= set(before)
    assert len(before[clipped][0]) == 41  # the start and 40 steps
    jump = float(metric(page, "Largest step, clipped"))
    assert jump <= 0.5 * 1.0 + 1e-2  # lr 1 × clip 0.5 bounds every clipped step

    set_slider(page, CLIP, 0.1)
    assert "clip=0.1" in page.url
    check_rendered(page)
    after = chart(page, 2)["traces"]
    assert clipped not in after and "clipped by norm at 0.1" in after
    assert after[plain] == before[plain]  # the unclipped descent does not depend on θ
    assert after["clipped by norm at 0.1"] != before[clipped]
    assert float(metric(page, "Largest step, clipped")) <= 0.1 + 1e-2
