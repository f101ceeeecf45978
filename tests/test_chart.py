"""pages/chart.py without a browser: what a chart element hands its JavaScript.
(That plotly.js draws the library's figure from it, and updates it in place, is checked in
the browser: tests/browser/test_chart.py.)"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio

from tests.apptest_util import assert_ok, charts_of, run_page, run_script

from pages import chart
from rnnviz.figures.style import TEMPLATE

SRC = "component/pages.chart.plotlyjs/plotly.min.js?v=x"


def figure(n=500, height=None):
    y = np.linspace(0, 1, n, dtype=np.float32)
    return go.Figure(go.Scatter(x=np.arange(n), y=y), layout=dict(template=TEMPLATE, height=height))


def test_the_bytes_hold_the_library_figure_height_config_and_text():
    fig = figure(height=321)
    sent = json.loads(chart.payload(fig, SRC))
    assert sent["figure"] == json.loads(pio.to_json(fig, validate=False))  # nothing altered
    assert sent["height"] == 321
    assert sent["src"] == SRC
    assert sent["config"] == chart.PLOT_CONFIG and not sent["config"]["displaylogo"]
    assert sent["config"]["toImageButtonOptions"]["format"] == "png"  # the modebar download
    assert sent["config"]["showSendToCloud"] is False  # plotly.js 3 would offer Plotly Cloud
    assert sent["text"] == chart.TEXT["failed"] and "{reason}" in sent["text"]
    assert sent["figure"]["layout"]["template"]["layout"]["font"]["family"] == \
        TEMPLATE.layout.font.family  # the rnnviz look travels with the figure
    assert json.loads(chart.payload(figure(), SRC))["height"] == chart.DEFAULT_HEIGHT


def test_the_export_menu_labels_and_file_name_travel_with_the_figure():
    sent = json.loads(chart.payload(figure(), SRC, "rnnviz-bptt-curve"))
    assert sent["name"] == "rnnviz-bptt-curve"
    assert sent["menu"] == {k: chart.TEXT[k] for k in
                            ("export", "png", "svg", "html", "csv", "export_failed")}
    # the Chinese table: the same keys and placeholders, no English words (format names aside)
    assert chart.TEXT_ZH.keys() == chart.TEXT.keys()
    for k, en in chart.TEXT.items():
        assert re.findall(r"{\w+}", chart.TEXT_ZH[k]) == re.findall(r"{\w+}", en), k
        assert not re.search(r"[a-z]{3,}", re.sub(r"{\w+}", "", chart.TEXT_ZH[k])), k


def test_charts_are_named_by_page_and_key_for_their_export_files():
    script = """
import numpy as np, plotly.graph_objects as go, streamlit as st
from pages import chart
chart.plot(go.Figure(go.Scatter(y=np.arange(3.0))), key="fig_curve")
"""
    at = run_script(script)
    assert_ok(at)
    name = json.loads(charts_of(at)[0].data)["name"]
    assert re.fullmatch(r"rnnviz-[A-Za-z0-9_]+-curve", name), name


def test_arrays_go_as_typed_arrays_not_decimals():
    # float32 data as 4 bytes a value (base64), not "0.10000000149011612," per value
    sent = json.loads(chart.payload(figure(2000), SRC))
    y = sent["figure"]["data"][0]["y"]
    assert y["dtype"] == "f4" and isinstance(y["bdata"], str)
    assert len(chart.payload(figure(2000), SRC)) < 2000 * 4 * 4 / 3 + 2000 * 2 + 20_000


def test_bytes_are_made_once_per_figure_object():
    fig = figure()
    first = chart.payload(fig, SRC)
    assert chart.payload(fig, SRC) is first  # a cached figure costs nothing the second time
    assert chart.payload(fig, SRC + "2") is not first  # another server path: made again


def test_the_page_mounts_keyed_charts_that_load_plotly_js_from_this_server():
    at = run_page("pages/bptt.py")
    assert_ok(at)
    found = charts_of(at)
    assert len(found) == 5  # the diagram, the curve, the Jacobian, the terms, the heatmaps
    sent = json.loads(found[0].data)
    # plotly.js from plotly.py's own copy, through a path this server serves; never a CDN
    assert sent["src"].startswith("component/") and "/plotly.min.js?v=" in sent["src"]
    assert "://" not in sent["src"]
    el = at.get("bidi_component")[0].proto
    assert not el.isolate_styles  # plotly.js's stylesheet in the head reaches the graph
    # inline: a loader of a few hundred bytes (sent with every element of every rerun);
    # chart.js itself comes once per page from this server
    assert "chart.js?v=" in el.js_content and len(el.js_content) < 600
    assert "Plotly.react" in (Path(chart.__file__).parent / "chart" / "chart.js").read_text()


def test_a_chart_keeps_its_identity_when_its_figure_changes():
    script = """
import numpy as np, plotly.graph_objects as go, streamlit as st
from pages import chart
n = st.slider("n", 2, 100, 10, key="n")
chart.plot(go.Figure(go.Scatter(y=np.arange(n, dtype=np.float32))), key="line")
"""
    at = run_script(script)
    before = at.get("bidi_component")[0].proto
    at.slider(key="n").set_value(20).run()
    after = at.get("bidi_component")[0].proto
    assert after.bytes != before.bytes
    assert after.id == before.id  # same element: the browser keeps the graph and reacts



def test_charts_without_a_key_are_told_apart_by_the_page_line_that_plots_them():
    script = """
import numpy as np, plotly.graph_objects as go, streamlit as st
from pages import ui
ui.plot(go.Figure(go.Scatter(y=np.arange(3.0))))
ui.plot(go.Figure(go.Scatter(y=np.arange(4.0))))
"""
    at = run_script(script)
    assert_ok(at)
    ids = [el.proto.id for el in at.get("bidi_component")]
    assert len(ids) == 2 and len(set(ids)) == 2
