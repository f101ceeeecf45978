"""Every lesson's notebook snippet (pages/snippets.py) computes the same figure data as the
page: run at the page's defaults and at its presets, compared with the page's chart."""

from __future__ import annotations

import json

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
import pytest

from pages import snippets, ui
from tests.apptest_util import assert_ok, charts_of, page_tables, run_page

DATA_KEYS = ("type", "x", "y", "z")


def _array(v):
    """A figure array as plotly.js gets it ({dtype, bdata} or a list) -> float64 numpy."""
    if isinstance(v, dict) and "bdata" in v:
        import base64

        a = np.frombuffer(base64.b64decode(v["bdata"]), dtype=np.dtype(v["dtype"]))
        return a.astype(np.float64).reshape(v.get("shape", a.shape) if isinstance(v.get("shape"), list) else a.shape)
    return np.asarray(v, dtype=object)


def _data(figure: dict) -> list[dict]:
    return [{k: t[k] for k in DATA_KEYS if k in t} for t in figure["data"]]


def assert_same_data(page_fig: dict, snippet_fig: dict, where: str) -> None:
    a, b = _data(page_fig), _data(snippet_fig)
    assert len(a) == len(b), f"{where}: {len(a)} traces on the page, {len(b)} from the snippet"
    for i, (ta, tb) in enumerate(zip(a, b)):
        assert ta.keys() == tb.keys(), (where, i)
        for k in ta:
            if k == "type":
                assert ta[k] == tb[k], (where, i)
                continue
            xa, xb = _array(ta[k]), _array(tb[k])
            assert xa.shape == xb.shape, (where, i, k)
            if xa.dtype == object or xb.dtype == object:
                assert xa.tolist() == xb.tolist(), (where, i, k)
            else:
                np.testing.assert_array_equal(xa, xb, err_msg=f"{where} trace {i} {k}")


def run_snippet(code: str) -> go.Figure:
    shown = []
    namespace: dict = {}
    original = go.Figure.show
    go.Figure.show = lambda self, *a, **k: shown.append(self)
    try:
        exec(compile(code, "<snippet>", "exec"), namespace)
    finally:
        go.Figure.show = original
    assert shown and shown[-1] is namespace["fig"]
    return namespace["fig"]


def cases():
    for page, snippet in snippets.SNIPPETS.items():
        tables = page_tables(f"pages/{page}.py")
        yield pytest.param(page, None, id=f"{page}-defaults")
        for name in tables["presets"]:  # every preset: each sets every control (lstm on truncated, irnn on bptt)
            yield pytest.param(page, name, id=f"{page}-{name}")


@pytest.mark.parametrize("page, preset", list(cases()))
def test_snippet_computes_the_pages_figure(page, preset):
    tables = page_tables(f"pages/{page}.py")
    spec = tables["controls"]
    values = ui.defaults(page, spec).as_dict()
    query = {}
    if preset is not None:
        values.update(tables["presets"][preset])
        by_key = {c.key: c for c in spec}
        query = {k: by_key[k].url_text(v) for k, v in values.items() if v != by_key[k].default}
    at = run_page(f"pages/{page}.py", query)
    assert_ok(at)
    snippet = snippets.SNIPPETS[page]
    charts = [c for c in charts_of(at) if c.key.endswith("rnnviz_chart." + snippet.chart)]
    assert len(charts) == 1, f"no chart {snippet.chart!r} on {page}"
    code = snippets.code(page, values)
    assert "streamlit" not in code and "pages" not in code  # rnnviz only
    fig = run_snippet(code)
    assert_same_data(charts[0].figure, json.loads(pio.to_json(fig, validate=False)), f"{page} {preset}")


def test_a_drifted_snippet_fails():
    """The comparison sees a changed setting: the bptt snippet at T=99 is not the page at T=100."""
    at = run_page("pages/bptt.py")
    page_fig = next(c for c in charts_of(at) if c.key.endswith(".fig_curve")).figure
    values = ui.defaults("bptt", page_tables("pages/bptt.py")["controls"]).as_dict()
    fig = run_snippet(snippets.code("bptt", {**values, "T": 99}))
    with pytest.raises(AssertionError):
        assert_same_data(page_fig, json.loads(pio.to_json(fig, validate=False)), "drift")


def test_every_lesson_with_controls_has_a_snippet():
    from pages.lessons import LESSONS

    missing = []
    for lesson in LESSONS:
        page = lesson.file.removeprefix("pages/").removesuffix(".py")
        if page_tables(lesson.file) and page not in snippets.SNIPPETS:
            missing.append(page)
    assert set(missing) <= set(WITHOUT_SNIPPET), missing


# Lessons without a snippet: the training lab's figures come from a training run in a worker
# process (rnnviz.trainpool), and "your own model" reads the student's uploaded file.
WITHOUT_SNIPPET = ("training", "your_model")


def test_bptt_snippet_follows_the_output_layer():
    """The output-layer control (no preset sets it) reaches the snippet too."""
    spec = page_tables("pages/bptt.py")["controls"]
    values = dict(ui.defaults("bptt", spec).as_dict(), out="xent")
    at = run_page("pages/bptt.py", {"out": "xent"})
    assert_ok(at)
    chart = next(c for c in charts_of(at) if c.key.endswith("rnnviz_chart.fig_curve"))
    fig = run_snippet(snippets.code("bptt", values))
    assert_same_data(chart.figure, json.loads(pio.to_json(fig, validate=False)), "bptt out=xent")
