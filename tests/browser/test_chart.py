"""The charts in the app (pages/chart.py) against the library's figures, in plotly.js.

- Drawn right: for every lesson page, at its defaults and after a slider release (which
  the chart applies with Plotly.react on the graph it already has), each chart's graph
  in the app holds what plotly.js makes of the library's figure for that URL drawn from
  nothing (Plotly.newPlot of the very figure the page built, in a blank page with the
  plotly.js that plotly.py ships): plotly.js's full data and full layout (every default,
  template value and array resolved) agree, arrays to float32 precision. An update that
  left anything of the old figure behind, or lost anything of the new, shows here.
- Drawn once: after a slider release every changed chart was drawn exactly once, on the
  same graph div (kept, not re-mounted), and a chart whose figure did not change was not
  drawn again.
- Safe: a figure plotly.js cannot draw leaves a message in that chart's place, and the
  page goes on.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import plotly
import plotly.io as pio
import pytest

from tests.apptest_util import assert_ok, run_page

from pages import chart
from .harness import (SIDEBAR_LINK, assert_no_exception, charts, expect_rerun, goto, new_page,
                      set_slider, slider_state, wait_idle)

pytestmark = pytest.mark.browser

PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
# (path, query to open, label of the slider then moved, the value it is moved to)
PAGES = [
    ("/bptt", {}, "Sequence length T (steps)", 60),
    ("/bptt", {"act": "relu", "scale": "2.5", "T": "400"}, "Sequence length T (steps)", 390),
    ("/powers", {}, "Hidden size H (units)", 60),
    ("/gates", {}, "Sequence length T (steps)", 150),
    ("/gates", {"cell": "gru"}, "Sequence length T (steps)", 150),
    ("/lstm_variants", {}, "Sequence length T (steps)", 150),
    ("/gru_variants", {}, "Sequence length T (steps)", 150),
    ("/compare", {}, "Sequence length T (steps)", 150),
    ("/bidirectional", {}, "Sequence length T (steps)", 60),
    ("/truncated", {}, "Sequence length T (steps)", 60),
    ("/clipping", {}, None, None),
]  # /your_model draws nothing before an upload: tests/browser/test_your_model.py
# parts of a chart that are measured on the machine (times), so differ from run to run
MEASURED = {"st-key-rnnviz_chart-fig_bars": (".data[2].", ".layout.yaxis3.")}
FILES = {"/bptt": "bptt", "/powers": "powers", "/gates": "gates",
         "/lstm_variants": "lstm_variants", "/gru_variants": "gru_variants",
         "/compare": "compare", "/bidirectional": "bidirectional", "/truncated": "truncated",
         "/clipping": "clipping", "/your_model": "your_model"}

# plotly.js's resolved figure, as JSON: underscore (internal) keys, functions, DOM nodes and
# the keys that differ by design (uid) left out; typed arrays as arrays.
_CLEAN_JS = """
  const skip = new Set(['uid']);
  const clean = (v, depth) => {
    if (v === null || typeof v !== 'object') return typeof v === 'function' ? undefined : v;
    if (depth > 12 || v instanceof Node) return undefined;
    if (ArrayBuffer.isView(v)) return Array.from(v);
    if (Array.isArray(v)) return v.map(x => clean(x, depth + 1));
    if (Object.getPrototypeOf(v) !== Object.prototype) return undefined;
    const out = {};
    for (const k of Object.keys(v).sort()) {
      if (k.startsWith('_') || skip.has(k)) continue;
      const c = clean(v[k], depth + 1);
      if (c !== undefined) out[k] = c;
    }
    return out;
  };
  const snap = gd => ({layout: clean(gd._fullLayout, 0), data: gd._fullData.map(t => clean(t, 0))});
"""

# The library's figure drawn from nothing, `width` px wide like the app's graph.
_FRESH_JS = "async ([fig, width]) => {" + _CLEAN_JS + """
  const gd = document.createElement('div');
  gd.style.width = width + 'px';
  document.body.appendChild(gd);
  await Plotly.newPlot(gd, fig.data, fig.layout, {});
  const out = snap(gd);
  Plotly.purge(gd);
  gd.remove();
  return out;
}"""

# Every app chart: its key (from the container's st-key-* class), graph width and state.
_APP_JS = "() => {" + _CLEAN_JS + """
  return [...document.querySelectorAll('[data-testid="stElementContainer"][class*="st-key-rnnviz_chart-"]')]
    .map(box => {
      const gd = box.querySelector('[data-testid="rnnvizChart"] .js-plotly-plot');
      const key = [...box.classList].find(c => c.startsWith('st-key-rnnviz_chart-'));
      return {key, width: gd.clientWidth, snap: snap(gd)};
    });
}"""


def _css_key(key: str) -> str:
    """The class Streamlit gives a keyed element's container (its frontend's rule)."""
    return "st-key-" + re.sub(r"[^a-zA-Z0-9_-]", "-", key.strip())


def library_figures(path: str, query: dict) -> dict[str, dict]:
    """{container class: the figure as plotly.py writes it} for every chart the page
    builds at this URL, straight from the library (AppTest run of the page)."""
    seen = {}
    plot = chart.plot

    def spy(fig, key=None):
        seen[_css_key(f"rnnviz_chart.{key}")] = json.loads(pio.to_json(fig, validate=False))
        return plot(fig, key=key)

    chart.plot = spy
    try:
        assert_ok(run_page(f"pages/{FILES[path]}.py", query))
    finally:
        chart.plot = plot
    return seen


def _gap(v) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def differences(a, b, path="", rel=2e-7, out=None) -> list[str]:
    """Where two snapshots differ; numbers equal to float32 precision count as equal, and so
    do NaN and None (both a gap to plotly.js)."""
    out = [] if out is None else out
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b)):
            if k not in a or k not in b:
                out.append(f"{path}.{k}: only in {'app' if k in b else 'library'}")
            else:
                differences(a[k], b[k], f"{path}.{k}", rel, out)
    elif isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            out.append(f"{path}: length {len(a)} vs {len(b)}")
        else:
            for i, (x, y) in enumerate(zip(a, b)):
                differences(x, y, f"{path}[{i}]", rel, out)
    elif _gap(a) and _gap(b):
        pass
    elif isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        if not math.isclose(a, b, rel_tol=rel, abs_tol=1e-30):
            out.append(f"{path}: {a!r} vs {b!r}")
    elif a != b:
        out.append(f"{path}: {a!r} vs {b!r}")
    return out


@pytest.fixture(scope="module")
def blank(browser):
    """A page with nothing but the plotly.js that plotly.py ships."""
    page = browser.new_page()
    page.set_content("<html><body></body></html>")
    page.add_script_tag(path=str(PLOTLY_JS))
    yield page
    page.close()


def assert_app_draws_library(page, blank, path: str, query: dict, where: str) -> int:
    """Every chart on `page` holds what plotly.js makes of the library's figure."""
    library = library_figures(path, query)
    app = page.evaluate(_APP_JS)
    assert app and sorted(c["key"] for c in app) == sorted(library), (where, app, library)
    for c in app:
        fresh = blank.evaluate(_FRESH_JS, [library[c["key"]], c["width"]])
        diff = [d for d in differences(fresh, c["snap"])
                if not d.startswith(MEASURED.get(c["key"], ("\0",)))]
        assert not diff, f"{where} {c['key']}: {diff[:8]}"
    return len(app)


def _query(url: str) -> dict:
    return dict(parse_qsl(urlsplit(url).query))


@pytest.mark.parametrize("path, query, label, value", PAGES,
                         ids=[p + ("?" + "&".join(q) if q else "") for p, q, _, _ in PAGES])
def test_app_charts_draw_the_library_figures(page, blank, base_url, path, query, label, value):
    url = path + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")
    goto(page, base_url, url)
    assert_no_exception(page)
    assert not page.js_errors, page.js_errors
    n = assert_app_draws_library(page, blank, path, query, url)
    assert n == charts(page).count()
    if label is None:
        return
    gds = page.evaluate_handle(
        "() => [...document.querySelectorAll('[data-testid=\"rnnvizChart\"] .js-plotly-plot')]")
    set_slider(page, label, value)
    assert slider_state(page, label)["value"] == value
    assert_no_exception(page)
    # the same graph divs, updated in place
    kept = page.evaluate(
        "(old) => { const now = [...document.querySelectorAll('[data-testid=\"rnnvizChart\"]"
        " .js-plotly-plot')]; return now.length === old.length && now.every((g, i) => g === old[i]); }",
        gds)
    assert kept, f"{url}: a chart was re-mounted"
    assert_app_draws_library(page, blank, path, _query(page.url), page.url)
    assert not page.js_errors, page.js_errors


# For each visible chart: how many times it was drawn and computed since `t0` (a draw whose
# gd.calcdata is a new object was computed from the data again).
_DRAWS_JS = """(t0) => [...document.querySelectorAll('[data-testid="rnnvizChart"] .js-plotly-plot')]
  .filter(gd => gd.offsetParent !== null)
  .map(gd => {
    const calcs = (gd.__rnnvizCalcs || []).filter((c, i) => gd.__rnnvizPlots[i] > t0);
    return {draws: calcs.length, computed: new Set(calcs).size};
  })"""


@pytest.mark.parametrize("path, label, changed", [
    ("/gates", "Sequence length T (steps)", 4),  # heatmaps, norms, the memory block, factors
    ("/bptt", "Sequence length T (steps)", 5),  # every chart: each depends on T
    ("/powers", "Largest power N", 3),  # the eigenvalue chart does not depend on N
])
def test_a_changed_chart_is_drawn_once_and_an_unchanged_one_not_at_all(
        page, base_url, path, label, changed):
    goto(page, base_url, path)
    state = slider_state(page, label)
    t0 = page.evaluate("performance.now()")
    set_slider(page, label, state["value"] - state["step"], max_keys=1)  # one release
    assert_no_exception(page)
    page.wait_for_timeout(500)  # a second draw, if any, would come right after the first
    draws = page.evaluate(_DRAWS_JS, t0)
    assert len(draws) == charts(page).count() and draws
    assert sum(d["draws"] == 1 for d in draws) == changed, draws
    assert all(d["draws"] in (0, 1) and d["computed"] == d["draws"] for d in draws), draws


def _chart_boxes(page) -> list[dict]:
    return page.evaluate("""() => [...document.querySelectorAll('[data-testid="rnnvizChart"]')]
      .map(r => ({state: r.getAttribute('data-state'), height: r.getBoundingClientRect().height,
                  note: r.querySelector('[data-testid="rnnvizChartError"]').innerText}))""")


def test_plotly_js_that_cannot_load_leaves_a_message_in_each_charts_place(page, base_url):
    page.route("**/plotly.min.js*", lambda route: route.abort())
    goto(page, base_url, "/bptt")
    boxes = _chart_boxes(page)
    assert len(boxes) == BPTT_CHARTS and all(b["state"] == "failed" for b in boxes), boxes
    assert all(b["note"].startswith(chart.TEXT["failed"].split(" (")[0]) for b in boxes), boxes
    assert all("could not load" in b["note"] for b in boxes), boxes
    heights = [f["layout"]["height"] for f in library_figures("/bptt", {}).values()]
    assert [round(b["height"]) for b in boxes] == heights, boxes  # the figures' own heights
    assert_no_exception(page)
    assert page.get_by_test_id("stMainBlockContainer").get_by_text("The gradient reaching step 0").is_visible()  # the page goes on


def test_a_figure_plotly_cannot_draw_leaves_a_message_in_its_place(page, base_url):
    # a plotly.js whose react rejects every figure: the chart's own catch shows the reason
    page.route("**/plotly.min.js*", lambda route: route.fulfill(
        content_type="text/javascript", body="window.Plotly = {react: () => "
        "Promise.reject(new Error('no such trace type')), purge() {}, Plots: {resize() {}}};"))
    goto(page, base_url, "/bptt")
    boxes = _chart_boxes(page)
    assert len(boxes) == BPTT_CHARTS and all(b["state"] == "failed" for b in boxes), boxes
    assert all("(no such trace type)" in b["note"] for b in boxes), boxes
    assert_no_exception(page)
    assert not page.js_errors, page.js_errors


def _all_drawn(page, n: int) -> None:
    boxes = _chart_boxes(page)
    assert len(boxes) == n and all(b["state"] == "drawn" for b in boxes), (page.url, boxes)


BPTT_CHARTS, GATES_CHARTS = 5, 4  # the charts of /bptt and /gates (LSTM) at their defaults


def _settle_on(page, url_glob: str, key: str, n: int) -> None:
    """After back/forward: the URL is there and the page's own charts (one has `key`)
    are all drawn."""
    page.wait_for_url(url_glob)
    page.wait_for_function("""([key, n]) => {
      const roots = [...document.querySelectorAll('[data-testid="rnnvizChart"]')];
      return document.querySelector('.st-key-rnnviz_chart-' + key + ' [data-testid="rnnvizChart"]')
        && roots.length === n && roots.every(r => r.getAttribute('data-state') === 'drawn');
    }""", arg=[key, n])
    wait_idle(page)
    _all_drawn(page, n)


def test_page_switch_back_forward_reconnect_and_two_tabs(page, base_url, browser):
    urls = []
    page.on("request", lambda r: urls.append(r.url))
    goto(page, base_url, "/bptt")
    _all_drawn(page, BPTT_CHARTS)
    with expect_rerun(page):  # another page, through the sidebar
        page.locator(SIDEBAR_LINK, has_text="LSTM and GRU gates").click()
    assert "/gates" in page.url
    _all_drawn(page, GATES_CHARTS)
    page.go_back()  # browser back, then forward
    _settle_on(page, "**/bptt", "fig_curve", BPTT_CHARTS)
    page.go_forward()
    _settle_on(page, "**/gates", "fig_gates", GATES_CHARTS)
    # plotly.js came once, from this server; Streamlit's own plotly bundle never
    assert len([u for u in urls if "plotly.min.js" in u]) == 1, urls
    assert all(u.startswith(base_url) for u in urls if "plotly.min.js" in u)
    assert not [u for u in urls if "PlotlyChart" in u]

    # the websocket drops and Streamlit reconnects: the charts stay, and still update
    sockets = page.evaluate("() => { const s = window.__rnnviz.sockets;"
                            " s.forEach(ws => ws.close()); return s.length; }")
    page.wait_for_function(
        "(n) => window.__rnnviz.sockets.length > n && document.querySelector('[data-testid="
        "\"stApp\"]').getAttribute('data-test-connection-state') === 'CONNECTED'", arg=sockets)
    wait_idle(page)
    _all_drawn(page, GATES_CHARTS)
    set_slider(page, "Sequence length T (steps)", 150)
    _all_drawn(page, GATES_CHARTS)
    lengths = page.evaluate("""() => document.querySelector(
      '[data-testid="rnnvizChart"] .js-plotly-plot')._fullData.map(t => t.x.length)""")
    assert 150 in lengths, lengths  # the update after the reconnect reached the graph

    # a second tab of the same browser: each keeps its own charts
    other = page.context.new_page()
    try:
        goto(other, base_url, "/gates?T=120")
        _all_drawn(other, GATES_CHARTS)
        _all_drawn(page, GATES_CHARTS)
        set_slider(other, "Sequence length T (steps)", 110)
        _all_drawn(other, GATES_CHARTS)
        assert "T=150" in page.url and "T=110" in other.url
    finally:
        other.close()
    assert_no_exception(page)
    assert not page.js_errors, page.js_errors


def test_the_modebar_downloads_a_png_and_sends_nothing_to_plotly_cloud(page, base_url):
    goto(page, base_url, "/bptt")
    box = page.locator(".st-key-rnnviz_chart-fig_curve")
    box.hover()
    bar = box.locator(".modebar")
    titles = bar.locator(".modebar-btn").evaluate_all(
        "els => els.map(e => e.getAttribute('data-title'))")
    assert any("png" in (t or "").lower() for t in titles), titles
    assert not any("cloud" in (t or "").lower() for t in titles), titles
    png = [i for i, t in enumerate(titles) if "png" in (t or "").lower()][0]
    with page.expect_download() as got:
        bar.locator(".modebar-btn").nth(png).click()
    assert got.value.suggested_filename.endswith(".png")


# Each chart's draws since `t0` and whether it is in the viewport now (the page is still).
_ORDER_JS = """(t0) => [...document.querySelectorAll('[data-testid="stElementContainer"][class*="st-key-rnnviz_chart-"]')]
  .map(box => {
    const gd = box.querySelector('[data-testid="rnnvizChart"] .js-plotly-plot');
    const r = box.getBoundingClientRect();
    return {key: [...box.classList].find(c => c.startsWith('st-key-rnnviz_chart-')),
            inView: r.bottom > 0 && r.top < window.innerHeight,
            draws: (gd.__rnnvizPlots || []).filter(t => t > t0)};
  })"""


def test_the_chart_in_view_is_drawn_first_and_the_others_after_it(page, blank, base_url):
    # /bptt scrolled to its last chart (the heatmaps): after a release that changes every
    # chart, the one on the screen is drawn before the four above it, which follow once
    # it is painted; each is drawn once. (Drawn in page order, the heatmaps came last.)
    goto(page, base_url, "/bptt")
    page.locator(".st-key-rnnviz_chart-fig_maps").evaluate("e => e.scrollIntoView({block: 'start'})")
    page.wait_for_timeout(300)  # the viewport observer has reported
    t0 = page.evaluate("performance.now()")
    set_slider(page, "W_hh scale", 0.99, max_keys=1)  # a sidebar slider: the page stays put
    page.wait_for_timeout(500)
    charts_now = page.evaluate(_ORDER_JS, t0)
    assert len(charts_now) == BPTT_CHARTS, charts_now
    in_view = [c for c in charts_now if c["inView"]]
    out = [c for c in charts_now if not c["inView"]]
    assert "st-key-rnnviz_chart-fig_maps" in [c["key"] for c in in_view], charts_now
    assert len(out) >= 3, charts_now  # the diagram, the curve and more are above the fold
    assert all(len(c["draws"]) == 1 for c in charts_now), charts_now
    assert all(c["draws"][0] > max(v["draws"][0] for v in in_view) for c in out), charts_now
    _all_drawn(page, BPTT_CHARTS)
    assert_app_draws_library(page, blank, "/bptt", _query(page.url), page.url)
    assert not page.js_errors, page.js_errors
