"""Each chart's export menu (pages/chart.py, issue 12 "Exports"), downloaded for real.

- The menu (a button in the chart's modebar) offers PNG at 1×, 2× and 4×, SVG, an HTML
  file and CSV, labelled from pages/chart.py's TEXT (TEXT_ZH with ?lang=zh).
- PNG: a PNG image of the chart's size times the scale. SVG: parses as an SVG document.
- HTML: no external script, the figure's data inside, and it draws the chart in a browser
  that can reach no network (plotly.js travels inside the file).
- CSV: its columns are named from the trace names and axis titles, and its numbers are the
  library's figure's data exactly (a line chart: one shared x column; a heatmap: x, y and
  value per cell).
"""

from __future__ import annotations

import base64
import csv
import io
import re
import struct
import xml.etree.ElementTree as ET

import numpy as np
import pytest

from pages import chart
from .harness import assert_no_exception, goto
from .test_chart import library_figures

pytestmark = pytest.mark.browser


def _array(v) -> np.ndarray:
    """A figure array as plotly.py writes it ({dtype, bdata, shape} or a list) as numpy."""
    if isinstance(v, dict) and "bdata" in v:
        a = np.frombuffer(base64.b64decode(v["bdata"]), dtype=np.dtype(v["dtype"]))
        if "shape" in v:
            a = a.reshape([int(n) for n in str(v["shape"]).split(",")])
        return a.astype(float)
    return np.array(v, dtype=float)


def _open_menu(page, key: str):
    box = page.locator(f".st-key-rnnviz_chart-{key}")
    box.hover()
    box.locator(f'.modebar-btn[data-title="{chart.TEXT["export"]}"]').click()
    menu = box.get_by_test_id("rnnvizExportMenu")
    menu.wait_for(state="visible")
    return box, menu


def _download(page, key: str, what: str, tmp_path):
    box, menu = _open_menu(page, key)
    with page.expect_download() as got:
        menu.locator(f'button[data-export="{what}"]').click()
    path = tmp_path / got.value.suggested_filename
    got.value.save_as(path)
    return got.value.suggested_filename, path.read_bytes()


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", data[:16]
    return struct.unpack(">II", data[16:24])


def _csv(data: bytes) -> tuple[list[str], list[list[str]]]:
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    return rows[0], rows[1:]


def _column(rows, i) -> np.ndarray:
    return np.array([float(r[i]) if r[i] != "" else np.nan for r in rows if i < len(r)])


def test_menu_and_every_export_of_a_line_chart_and_a_heatmap(page, browser, base_url, tmp_path):
    goto(page, base_url, "/bptt")
    library = library_figures("/bptt", {})

    # the menu's labels: the TEXT table's
    _, menu = _open_menu(page, "fig_curve")
    labels = menu.locator("button").all_inner_texts()
    assert labels == [chart.TEXT["png"].format(scale=s) for s in (1, 2, 4)] + [
        chart.TEXT[k] for k in ("svg", "html", "csv")], labels
    page.keyboard.press("Escape")
    assert not menu.is_visible()

    # --- a line chart: CSV = one shared x column, one column per trace, the library's numbers
    fig = library["st-key-rnnviz_chart-fig_curve"]
    name, data = _download(page, "fig_curve", "csv", tmp_path)
    assert name == "rnnviz-bptt-curve.csv"
    head, rows = _csv(data)
    traces = [t for t in fig["data"] if t.get("visible", True) is not False]
    xs = [_array(t["x"]) for t in traces]
    assert all(np.array_equal(x, xs[0]) for x in xs)  # so they share one column
    assert head == [fig["layout"]["xaxis"]["title"]["text"]] + [t["name"] for t in traces], head
    assert len(rows) == len(xs[0])
    np.testing.assert_array_equal(_column(rows, 0), xs[0])
    for i, t in enumerate(traces, start=1):
        np.testing.assert_array_equal(_column(rows, i), _array(t["y"]))

    # PNG at 1× and 4×: the chart's size times the scale
    width, height = page.evaluate("""() => { const gd = document.querySelector(
        '.st-key-rnnviz_chart-fig_curve .js-plotly-plot');
        return [gd._fullLayout.width, gd._fullLayout.height]; }""")
    for scale in (1, 4):
        name, data = _download(page, "fig_curve", f"png-{scale}", tmp_path)
        assert name == f"rnnviz-bptt-curve-{scale}x.png"
        assert _png_size(data) == (width * scale, height * scale)

    # SVG: a document that parses, with the chart's title in it
    name, data = _download(page, "fig_curve", "svg", tmp_path)
    assert name == "rnnviz-bptt-curve.svg"
    root = ET.fromstring(data)
    assert root.tag.endswith("svg")
    assert fig["layout"]["title"]["text"] in data.decode()

    # --- the heatmaps: CSV = (x, y, value) per cell, for each trace
    fig = library["st-key-rnnviz_chart-fig_maps"]
    name, data = _download(page, "fig_maps", "csv", tmp_path)
    head, rows = _csv(data)
    col = 0
    for i, t in enumerate(fig["data"]):
        # unnamed heatmaps are named by their colour bar's title
        name = t.get("name") or t.get("colorbar", {}).get("title", {}).get("text") or f"trace {i}"
        z = _array(t["z"])
        ny, nx = z.shape
        xa = "xaxis" + t.get("xaxis", "x")[1:]
        ya = "yaxis" + t.get("yaxis", "y")[1:]
        x = _array(t["x"]) if "x" in t else t.get("x0", 0) + t.get("dx", 1) * np.arange(nx)
        y = _array(t["y"]) if "y" in t else t.get("y0", 0) + t.get("dy", 1) * np.arange(ny)
        assert head[col:col + 3] == [
            f"{name}: {fig['layout'][xa]['title']['text']}",
            f"{name}: {fig['layout'][ya]['title']['text']}", name], head
        assert name != f"trace {i}"
        np.testing.assert_array_equal(_column(rows, col), np.tile(x[:nx], ny))
        np.testing.assert_array_equal(_column(rows, col + 1), np.repeat(y[:ny], nx))
        np.testing.assert_array_equal(_column(rows, col + 2), z.ravel())
        col += 3
    assert col == len(head)

    # --- HTML: self-contained, the data inside, and it draws with no network at all
    name, data = _download(page, "fig_maps", "html", tmp_path)
    assert name == "rnnviz-bptt-maps.html"
    html = data.decode()
    assert not re.search(r"<script[^>]*\bsrc\s*=", html, re.I), "an external script"
    assert not re.search(r"<link[^>]*\bhref\s*=\s*[\"']?https?:", html, re.I)
    assert fig["data"][0]["z"]["bdata"] in html  # the figure's own data
    offline = browser.new_context()
    try:
        offline.route("**/*", lambda route: route.abort())  # no network whatsoever
        view = offline.new_page()
        view.set_content(html)
        view.wait_for_function("() => { const gd = document.getElementById('chart');"
                               " return gd && gd._fullData && gd._fullLayout; }")
        drawn = view.evaluate("() => document.getElementById('chart')._fullData"
                              ".map(t => [t.type, t.z.length, t.z[0].length])")
        assert drawn == [["heatmap", *_array(t["z"]).shape] for t in fig["data"]], drawn
    finally:
        offline.close()
    assert_no_exception(page)
    assert not page.js_errors, page.js_errors


def test_the_menu_speaks_chinese_on_a_chinese_page(page, base_url):
    goto(page, base_url, "/bptt?lang=zh")
    box = page.locator(".st-key-rnnviz_chart-fig_curve")
    box.hover()
    box.locator(f'.modebar-btn[data-title="{chart.TEXT_ZH["export"]}"]').click()
    labels = box.get_by_test_id("rnnvizExportMenu").locator("button").all_inner_texts()
    assert labels == [chart.TEXT_ZH["png"].format(scale=s) for s in (1, 2, 4)] + [
        chart.TEXT_ZH[k] for k in ("svg", "html", "csv")], labels
