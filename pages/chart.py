"""A plotly chart that stays on the page: ``chart.plot(fig, key="norms")``.

Why not ``st.plotly_chart``. Streamlit (1.67) gives each plotly chart an identity made
of its figure, so a changed figure un-mounts the chart and plotly.js builds it again from
nothing (and a second draw used to follow). Moving a slider is what students do all
lesson long, so that cost was paid on every chart of every move.

Here each chart is a custom component v2 (``st.components.v2.component``) with a fixed
key: Streamlit keeps the element mounted across reruns and calls its JavaScript
(``chart/chart.js``) again with the new data on the same div, which hands the figure to
``Plotly.react``: one graph per chart, updated in place, drawn once per change.

What goes out, per chart and rerun: the figure as plotly.py writes it (numpy arrays as
base64 typed arrays ``{dtype, bdata}``, which plotly.js 3 reads; the figure's own
template, so the rnnviz look travels with it), its height, the plotly.js config and the
error text, as one UTF-8 JSON byte string, made once per figure object (pages cache their
figures). An unchanged chart costs the browser a byte comparison and no redraw; a large
unchanged message is not even re-sent (Streamlit's message cache).

In the browser, the plotly.js config goes to a graph with its first draw only: passed to
every ``Plotly.react`` it is deep-copied and compared each time (a few ms a chart, measured).
A slider move changes all of a page's charts at once; the ones in the viewport are drawn
first and painted, the others after them in idle time (or at once when scrolled to), so
what the student looks at does not wait for four charts below the fold (issue 13).

Exports (issue 12): a button in each chart's modebar opens a menu, labelled from ``TEXT``
(``TEXT_ZH``), of PNG at 1×, 2× and 4×, SVG, a standalone HTML file (the plotly.js this page
loaded and the figure, inline: it works offline) and the chart's data as CSV (columns named
from trace names and axis titles). All are made in the browser from the graph on the screen,
so the server does no work for them; the files are named ``rnnviz-<page>-<chart>.*``.

plotly.js itself is the copy that ships with plotly.py (``package_data/plotly.min.js``),
served by this Streamlit server (a ``components.v1`` path registration, which only serves
files) and loaded once per page; nothing comes from another host, and pages that use
this element never load Streamlit's own plotly bundle.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from pathlib import Path

import plotly
import plotly.graph_objects as go
import streamlit as st
import streamlit.components.v1 as components_v1

from pages import i18n, st_shims
from rnnviz.figures import style

TEXT = {
    # shown in the chart's place when plotly.js fails to load or to draw the figure
    "failed": "This chart could not be drawn ({reason}). Reload the page to try again.",
    # the chart's export menu (a button in its modebar)
    "export": "Download this chart",
    "png": "PNG image, {scale}× size",
    "svg": "SVG (vector, for slides)",
    "html": "HTML file (interactive, works offline)",
    "csv": "Data as CSV",
    "export_failed": "Could not export this chart ({reason}).",
}
TEXT_ZH = {
    "failed": "此图表无法绘制（{reason}）。请刷新页面重试。",
    "export": "下载此图表",
    "png": "PNG 图片，{scale}× 尺寸",
    "svg": "SVG 矢量图（用于幻灯片）",
    "html": "HTML 文件（可交互，可离线打开）",
    "csv": "数据（CSV 文件）",
    "export_failed": "无法导出此图表（{reason}）。",
}
# This module is imported once per process, not run with each page: the table of a run's
# language is picked per call (text()), not here.


def text() -> dict:
    """The chart's texts in this run's language."""
    return i18n.pick(TEXT, TEXT_ZH)


PLOT_CONFIG = {
    "displaylogo": False,
    "modeBarButtonsToRemove": ["lasso2d", "select2d"],
    "toImageButtonOptions": {"format": "png", "scale": 2},
    "responsive": True,
    # plotly.js 3 shows a "send to Plotly Cloud" button by default, which posts the figure
    # to cloud.plotly.com; Streamlit's own bundle never showed it. Nothing leaves the class.
    "showSendToCloud": False,
}

DEFAULT_HEIGHT = 450  # plotly.js's own default when a figure sets no layout.height

_PLOTLY_DIR = Path(plotly.__file__).parent / "package_data"
_ASSETS = Path(__file__).parent / "chart"
_CHART_JS = (_ASSETS / "chart.js").read_bytes()
# Streamlit sends a component's inline JavaScript with every element of every rerun, so
# the inline part is only this loader; chart.js itself comes once per page, as a module
# the browser caches (?v= changes with its content).
_LOADER = """
const own = document.querySelector('script[src*="static/js/index"]');
const base = own ? own.src.replace(/static\\/js\\/index[^/]*$/, "") : new URL("./", document.baseURI).href;
const chart = import(base + "component/%s.assets/chart.js?v=%s");
export default (component) => chart.then((m) => m.default(component));
""" % (__name__, hashlib.sha1(_CHART_JS).hexdigest()[:12])

# isolate_styles=False: plotly.js puts its stylesheet (modebar, hover labels) in the
# document head, which would not reach a graph inside a shadow root.
_component = st.components.v2.component("rnnviz_chart", js=_LOADER, isolate_styles=False)


_served: list = [None, None]  # [the component registry that serves the two folders, plotly.js's URL]


def _plotly_src() -> str:
    """plotly.js's URL relative to the app root. Registers, on this run's server, the two
    folders the browser fetches from: chart.js's and plotly.py's package_data (a
    ScriptRunContext is needed). Once per server: registering checks the folders on disk,
    about a millisecond a chart on every rerun (py-spy of warm /bptt reruns)."""
    registry = st_shims.component_registry()
    src = _served[1] if registry is not None and _served[0] is registry else None
    if src is None:
        components_v1.declare_component("assets", path=str(_ASSETS))
        served = components_v1.declare_component("plotlyjs", path=str(_PLOTLY_DIR))
        src = f"component/{served.name}/plotly.min.js?v={plotly.__version__}"
        if registry is not None and st_shims.in_a_run():  # registered for good
            _served[:] = [registry, src]
    return src


# Register as soon as a script run imports this module, so a process serves chart.js and
# plotly.js even to a browser whose page ran elsewhere (several app processes behind nginx).
_plotly_src()


def payload(fig: go.Figure, src: str, name: str = "chart") -> bytes:
    """The bytes the chart's JavaScript gets for ``fig``, made once per figure object (and
    server path, file name and language). A figure is not changed after it has been
    plotted (cached figures are shared). ``name`` is the stem of the chart's export files."""
    words = text()
    made_for = (src, name, words["failed"])
    cached = getattr(fig, "_rnnviz_chart", None)
    if cached is not None and cached[0] == made_for:
        return cached[1]
    height = int(fig.layout.height or DEFAULT_HEIGHT)
    head = json.dumps({"height": height, "src": src, "config": PLOT_CONFIG,
                       "text": words["failed"], "name": name,
                       "menu": {k: words[k] for k in ("export", "png", "svg", "html", "csv",
                                                      "export_failed")}})
    body = getattr(fig, "_rnnviz_json", None)  # the figure's JSON: once, whatever the head
    if body is None:
        body = style.figure_json(fig)  # pio.to_json's text: numpy arrays as {dtype, bdata}
        fig._rnnviz_json = body
    data = (head[:-1] + ', "figure": ' + body + "}").encode()
    fig._rnnviz_chart = (made_for, data)  # a plotly figure takes "_" attributes; same if raced
    return data


def plot(fig: go.Figure, key: str | None = None) -> None:
    """``fig`` at full width, its own height, updated in place on later reruns.
    ``key`` names the chart on its page; without one, the page's line that plots it does
    (the first caller outside this module, pages/ui.py and pages/output.py)."""
    caller = sys._getframe(1)
    while caller.f_back and Path(caller.f_code.co_filename).name in ("chart.py", "ui.py", "output.py"):
        caller = caller.f_back
    page = Path(caller.f_code.co_filename).stem
    if key is None:
        key = f"{page}:{caller.f_lineno}"
    # export files: rnnviz-<page>-<chart>.png etc. (file-name safe)
    name = re.sub(r"[^A-Za-z0-9_-]+", "_", f"rnnviz-{page}-{key.removeprefix('fig_')}")
    data = payload(fig, _plotly_src(), name)
    height = int(fig.layout.height or DEFAULT_HEIGHT)
    _component(key=f"rnnviz_chart.{key}", data=data, height=height)
