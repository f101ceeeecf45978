"""The charts as the app sends them (rnnviz.figures.browser.react_ready) against the
library's figures, in plotly.js: the same picture, and a changed chart computed once.

- Every chart of every lesson at its defaults and after each of its presets (and a few
  settings with gaps and overflow), drawn from the library's figure and from the
  react_ready dict in the plotly.js that plotly.py ships: plotly.js's own full layout and
  full data (what it draws from: every default, template value and array resolved) agree,
  arrays to float32 precision.
- In the app (Streamlit's plotly.js): after a slider release every redrawn chart was
  computed from its data once. Streamlit re-mounts a changed chart, draws it, then calls
  Plotly.react with a JSON copy; with a template or 1-D typed arrays in the figure, that
  copy made plotly.js compute and draw the whole chart a second time.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import plotly
import plotly.graph_objects as go
import plotly.io as pio
import pytest

from tests.apptest_util import assert_ok, click, run_page

from pages import ui
from rnnviz.figures.style import TEMPLATE
from .harness import assert_no_exception, charts, goto, set_slider

pytestmark = pytest.mark.browser

PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
PAGES = [
    ("pages/bptt.py", {}), ("pages/bptt.py", {"act": "relu", "scale": "2.5", "T": "400"}),
    ("pages/powers.py", {}), ("pages/gates.py", {}), ("pages/gates.py", {"cell": "gru"}),
    ("pages/lstm_variants.py", {}), ("pages/gru_variants.py", {}), ("pages/compare.py", {}),
    ("pages/bidirectional.py", {}), ("pages/truncated.py", {}), ("pages/clipping.py", {}),
    ("pages/your_model.py", {}), ("pages/training.py", {}),
]

# plotly.js's resolved figure, as JSON: underscore (internal) keys, functions, DOM nodes and
# the keys that differ by design (template, datarevision, uid) left out; typed arrays as arrays.
_SNAPSHOT_JS = """async (fig) => {
  const gd = document.createElement('div');
  gd.style.width = '940px';
  document.body.appendChild(gd);
  await Plotly.newPlot(gd, fig.data, fig.layout, {});
  const skip = new Set(['template', 'datarevision', 'uid']);
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
  const snap = {layout: clean(gd._fullLayout, 0), data: gd._fullData.map(t => clean(t, 0))};
  Plotly.purge(gd);
  gd.remove();
  return snap;
}"""


def app_figures() -> list[tuple[str, go.Figure]]:
    """Every figure the listed pages hand to ui.plot, at their defaults and after each of
    their presets, as the library built it (each figure object once)."""
    seen: dict[int, tuple[str, go.Figure]] = {}
    wire = ui._wire

    def spy(fig):
        seen.setdefault(id(fig), (where, fig))
        return wire(fig)

    ui._wire = spy
    try:
        for path, query in PAGES:
            where = f"{path}?{query}"
            at = run_page(path, query)
            assert_ok(at)
            presets = [b.key for b in at.button if b.key and ".preset." in b.key]
            for key in presets if not query else ():
                where = f"{path} preset {key.rsplit('.', 1)[-1]}"
                at = click(at, key)
                assert_ok(at)
    finally:
        ui._wire = wire
    return list(seen.values())


def _gap(v) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def differences(a, b, path="", rel=2e-7, out=None) -> list[str]:
    """Where two snapshots differ; numbers equal to float32 precision count as equal, and so
    do NaN and None (a value the library sends as NaN, react_ready sends as null)."""
    out = [] if out is None else out
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b)):
            if k not in a or k not in b:
                out.append(f"{path}.{k}: only in {'sent' if k in b else 'library'}")
            else:
                differences(a[k], b[k], f"{path}.{k}", rel, out)
    elif isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            out.append(f"{path}: length {len(a)} vs {len(b)}")
        else:
            for i, (x, y) in enumerate(zip(a, b)):
                differences(x, y, f"{path}[{i}]", rel, out)
    elif _gap(a) and _gap(b):
        pass  # NaN in a typed array and null in a list: both a gap to plotly.js
    elif isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        if not math.isclose(a, b, rel_tol=rel, abs_tol=1e-30):
            out.append(f"{path}: {a!r} vs {b!r}")
    elif a != b:
        out.append(f"{path}: {a!r} vs {b!r}")
    return out


def test_sent_charts_draw_what_the_library_figures_draw(browser):
    figures = app_figures()
    assert len(figures) >= 100, len(figures)  # the lessons' charts, not an empty run
    # ui.py turns plotly.py's default template off (react_ready sends none): every chart
    # must carry the rnnviz template itself, or it would lose its look without a trace here
    font = TEMPLATE.layout.font.family
    plain = [(w, f.layout.title.text) for w, f in figures
             if f.layout.template is None or f.layout.template.layout.font.family != font]
    assert not plain, plain
    page = browser.new_page()
    try:
        page.set_content("<html><body></body></html>")
        page.add_script_tag(path=str(PLOTLY_JS))
        # exactly what ui.plot hands st.plotly_chart (the figure object it made for each)
        sent = [json.loads(pio.to_json(ui._wire(f), validate=False)) for _, f in figures]
        checked = 0
        for (where, fig), wire in zip(figures, sent):
            library = page.evaluate(_SNAPSHOT_JS, json.loads(pio.to_json(fig, validate=False)))
            ours = page.evaluate(_SNAPSHOT_JS, wire)
            diff = differences(library, ours)
            assert not diff, f"{where}: {fig.layout.title.text!r}: {diff[:8]}"
            checked += 1
        assert checked == len(figures)
    finally:
        page.close()


# For each visible chart: how many times it was drawn and computed since `t0` (a draw whose
# gd.calcdata is a new object was computed from the data again).
_DRAWS_JS = """(t0) => [...document.querySelectorAll('[data-testid="rnnvizChart"] .js-plotly-plot')]
  .filter(gd => gd.offsetParent !== null)
  .map(gd => {
    const calcs = (gd.__rnnvizCalcs || []).filter((c, i) => gd.__rnnvizPlots[i] > t0);
    return {draws: calcs.length, computed: new Set(calcs).size};
  })"""


@pytest.mark.parametrize("path, label, value", [
    ("/gates", "Sequence length T (steps)", 150),
    ("/bptt", "Sequence length T (steps)", 60),
])
def test_a_changed_chart_is_computed_once(page, base_url, path, label, value):
    goto(page, base_url, path)
    t0 = page.evaluate("performance.now()")
    set_slider(page, label, value)
    assert_no_exception(page)
    draws = page.evaluate(_DRAWS_JS, t0)
    assert len(draws) == charts(page).count() and draws
    redrawn = [d for d in draws if d["draws"]]
    assert redrawn, draws  # T changes every chart on these pages
    assert all(d["computed"] == 1 for d in redrawn), draws
