"""rnnviz.figures.browser.react_ready: the figure the app sends, template merged in and 1-D
data as lists, so plotly.js draws a changed chart once. Whether plotly.js really draws the
same picture from it is checked in the browser (tests/browser/test_react_ready.py)."""

from __future__ import annotations

import json

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
import pytest

from rnnviz.figures.browser import react_ready
from rnnviz.figures.style import TEMPLATE


def heatmaps(z=None):
    """Three heatmap subplots in the rnnviz template, each on its own axes."""
    z = np.linspace(0, 1, 12, dtype=np.float32).reshape(3, 4) if z is None else z
    data, layout = [], {"template": TEMPLATE, "title": {"text": "Gates over time"},
                        "margin": {"l": 72, "r": 110, "t": 70, "b": 64}}
    for r, (zz, ca) in enumerate(((z, "coloraxis"), (2 * z - 1, "coloraxis2"), (3 * z, "coloraxis3"))):
        ax = "" if r == 0 else str(r + 1)
        data.append(go.Heatmap(z=zz, x=np.arange(4.0), y=np.arange(3.0), coloraxis=ca,
                               xaxis=f"x{ax}", yaxis=f"y{ax}"))
        layout[f"xaxis{ax}"] = {"anchor": f"y{ax}"}
        layout[f"yaxis{ax}"] = {"anchor": f"x{ax}", "domain": [r / 3, (r + 0.8) / 3],
                                "title": {"text": "unit j", "font": {"size": 16}}}
    return go.Figure(data, layout)


def wire_json(fig) -> dict:
    """What Streamlit sends for the react_ready dict (plotly.py adds no default template)."""
    old = pio.templates.default
    pio.templates.default = None
    try:
        return json.loads(pio.to_json(go.Figure(react_ready(fig)), validate=False))
    finally:
        pio.templates.default = old


def test_template_is_merged_and_not_sent():
    fig = heatmaps()
    out = react_ready(fig)
    lay = out["layout"]
    assert "template" not in lay
    # the template's values where the figure sets none, the figure's own where it does
    assert lay["font"]["family"] == TEMPLATE.layout.font.family
    assert lay["margin"] == {"l": 72, "r": 110, "t": 70, "b": 64}  # the figure's, not the template's
    assert lay["title"]["text"] == "Gates over time" and lay["title"]["font"]["size"] == 24
    # the axis template reaches every axis of every subplot, under the figure's own settings
    for name in ("xaxis", "xaxis2", "xaxis3", "yaxis", "yaxis2", "yaxis3"):
        assert lay[name]["ticks"] == "outside" and lay[name]["tickfont"]["size"] == 16, name
    assert lay["yaxis2"]["domain"] == list(fig.layout.yaxis2.domain)
    assert lay["yaxis"]["title"]["text"] == "unit j"  # own title text, template's title font
    assert lay["yaxis"]["title"]["font"]["size"] == fig.layout.yaxis.title.font.size
    # the heatmap trace template, under each trace's own properties
    assert all(t["colorbar"]["tickfont"]["size"] == 16 for t in out["data"])
    assert [t["coloraxis"] for t in out["data"]] == ["coloraxis", "coloraxis2", "coloraxis3"]
    assert "template" not in wire_json(fig)["layout"]


def test_axes_named_only_by_traces_and_cyclic_trace_templates():
    tpl = go.layout.Template(layout={"xaxis": {"ticks": "inside"}, "yaxis3": {"ticks": "outside"},
                                     "yaxis": {"ticks": ""},
                                     "annotationdefaults": {"font": {"size": 30}}},
                             data={"scatter": [go.Scatter(line={"width": 1}),
                                               go.Scatter(line={"width": 2})]})
    fig = go.Figure([go.Scatter(y=[1, 2]), go.Scatter(y=[2, 3], xaxis="x2", yaxis="y3"),
                     go.Scatter(y=[3, 4], line={"dash": "dot"}), go.Bar(y=[1])],
                    layout={"template": tpl, "annotations": [{"text": "a", "font": {"color": "red"}}]})
    out = react_ready(fig)
    lay = out["layout"]
    assert lay["xaxis"] == {"ticks": "inside"} and lay["xaxis2"] == {"ticks": "inside"}
    assert lay["yaxis"] == {"ticks": ""} and lay["yaxis3"] == {"ticks": "outside"}  # its own entry
    assert lay["annotations"] == [{"text": "a", "font": {"color": "red", "size": 30}}]
    widths = [t.get("line", {}).get("width") for t in out["data"]]
    assert widths == [1, 2, 1, None]  # the i-th scatter takes item i mod 2; bars have none
    assert out["data"][2]["line"] == {"dash": "dot", "width": 1}


def test_one_d_arrays_become_short_lists_two_d_stay_binary():
    y = np.array([0.1, 1 / 3, np.nan, np.inf, -2.5e-8], dtype=np.float32)
    fig = go.Figure([go.Scatter(x=np.arange(5), y=y),
                     go.Heatmap(z=np.ones((2, 3), dtype=np.float32), x=np.array([0.5, 1.5, 2.5]))])
    out = react_ready(fig)
    sc, hm = out["data"]
    assert sc["x"] == [0, 1, 2, 3, 4]
    assert sc["y"] == [0.1, 0.33333334, None, None, -2.5e-08]  # float32's shortest decimals
    assert np.float32(sc["y"][1]) == y[1]  # and they read back as the same float32
    assert hm["x"] == [0.5, 1.5, 2.5]
    assert isinstance(hm["z"], np.ndarray) and hm["z"].dtype == np.float32
    sent = wire_json(fig)
    assert sent["data"][0]["y"] == [0.1, 0.33333334, None, None, -2.5e-08]
    assert sent["data"][1]["z"]["dtype"] == "f4" and sent["data"][1]["z"]["shape"] == "2, 3"
    text = json.dumps(sent)
    assert text.count('"bdata"') == 1  # only the 2-D z travels as binary


def test_datarevision_follows_the_data_only():
    fig = heatmaps()
    rev = react_ready(fig)["layout"]["datarevision"]
    assert rev == react_ready(heatmaps())["layout"]["datarevision"]  # same data, same revision
    retitled = go.Figure(fig).update_layout(title_text="another title")
    assert react_ready(retitled)["layout"]["datarevision"] == rev
    z = np.linspace(0, 1, 12, dtype=np.float32).reshape(3, 4)
    z[1, 1] += 0.01
    assert react_ready(heatmaps(z))["layout"]["datarevision"] != rev
    moved = go.Figure(fig).update_traces(x=np.arange(4) + 1.0, selector=0)
    assert react_ready(moved)["layout"]["datarevision"] != rev
    reticked = go.Figure(fig).update_layout(yaxis_tickvals=[0, 2])  # a layout array
    assert react_ready(reticked)["layout"]["datarevision"] != rev


def test_input_figure_is_left_as_it_was_and_frames_are_kept():
    fig = go.Figure([go.Bar(x=np.arange(3), y=np.array([1.0, 2.0, 3.0], dtype=np.float32))],
                    layout={"template": TEMPLATE},
                    frames=[go.Frame(name="f1", data=[go.Bar(y=np.array([3.0, 2.0, 1.0]))])])
    before = fig.to_json()
    out = react_ready(fig)
    assert fig.to_json() == before
    assert out["frames"][0]["name"] == "f1" and out["frames"][0]["data"][0]["y"] == [3.0, 2.0, 1.0]
    assert out["layout"]["font"]["size"] == TEMPLATE.layout.font.size


@pytest.mark.parametrize("bad", [np.array([1e39]), np.array([np.nan])])
def test_float64_one_d_arrays_are_sent_as_is(bad):
    out = react_ready(go.Figure(go.Scatter(y=bad)))
    assert out["data"][0]["y"] == [None if not np.isfinite(bad[0]) else float(bad[0])]
