"""Every lesson's notebook snippet (pages/snippets.py) computes the same figure data as the
page: run at the page's defaults and at its presets, compared with the page's chart."""

from __future__ import annotations

import json

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
import pytest

from pages import snippets, ui
from tests.apptest_util import assert_ok, charts_of, click, page_tables, run_page, set_widget

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


OWN_TESTS = ("training", "your_model")  # their figures need a run / a model: tested below


def cases():
    for page, snippet in snippets.SNIPPETS.items():
        if page in OWN_TESTS:
            continue
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
    assert not missing


def test_bptt_snippet_follows_the_output_layer():
    """The output-layer control (no preset sets it) reaches the snippet too."""
    spec = page_tables("pages/bptt.py")["controls"]
    values = dict(ui.defaults("bptt", spec).as_dict(), out="xent")
    at = run_page("pages/bptt.py", {"out": "xent"})
    assert_ok(at)
    chart = next(c for c in charts_of(at) if c.key.endswith("rnnviz_chart.fig_curve"))
    fig = run_snippet(snippets.code("bptt", values))
    assert_same_data(chart.figure, json.loads(pio.to_json(fig, validate=False)), "bptt out=xent")


# ------------------------------------------------------------------------------ training
def _page_values(page: str, preset: str | None):
    """(values, url query) of `page` at its defaults or at a preset."""
    tables = page_tables(f"pages/{page}.py")
    spec = tables["controls"]
    values = ui.defaults(page, spec).as_dict()
    if preset is None:
        return values, {}
    values.update(tables["presets"][preset])
    by_key = {c.key: c for c in spec}
    return values, {k: by_key[k].url_text(v) for k, v in values.items() if v != by_key[k].default}


def _chart(at, key: str) -> dict:
    charts = [c for c in charts_of(at) if c.key.endswith("rnnviz_chart." + key)]
    assert len(charts) == 1, f"no chart {key!r}"
    return charts[0].figure


def _as_json(fig) -> dict:
    return json.loads(pio.to_json(fig, validate=False))


def training_cases():
    yield pytest.param(None, id="defaults")
    for name in page_tables("pages/training.py")["presets"]:
        yield pytest.param(name, id=name)


@pytest.mark.parametrize("preset", list(training_cases()))
def test_training_snippet_builds_the_pages_trainer(preset, monkeypatch):
    """At the defaults and every preset: the snippet's Trainer has the page's run's config
    (batch, clip off or on, everything), and before any step its figure is the page's
    (the baseline over 0 … max_steps). Training itself: the test below."""
    from rnnviz import train

    values, query = _page_values("training", preset)
    at = run_page("pages/training.py", query)
    assert_ok(at)
    made = []
    monkeypatch.setattr(train.Trainer, "run", lambda self, n: made.append((self.config, n)) or [])
    fig = run_snippet(snippets.code("training", values))
    page_config = at.session_state["training.run"].config
    assert made == [(page_config, values["max_steps"])]
    assert_same_data(_chart(at, "fig_loss"), _as_json(fig), f"training {preset}")


def test_training_snippet_trains_as_the_page_does():
    """The page's run (in a worker of rnnviz.trainpool) and the snippet's (in this process)
    give the same losses, bit for bit: the figure of a finished run is the snippet's."""
    from tests.test_page_training import rerun_until, view

    query = {"T": "10", "H": "8", "max_steps": "100", "lr": "0.02", "seed": "3"}
    values, _ = _page_values("training", None)
    values.update(T=10, H=8, max_steps=100, lr=0.02, seed=3)
    at = click(run_page("pages/training.py", query), "start")
    rerun_until(at, lambda at: not view(at).active)
    assert_ok(at)
    assert view(at).steps == 100
    fig = run_snippet(snippets.code("training", values))
    assert_same_data(_chart(at, "fig_loss"), _as_json(fig), "training run")
    # and a run with clipping off is another run (the comparison sees it)
    other = run_snippet(snippets.code("training", {**values, "clip_on": False, "lr": 0.1}))
    with pytest.raises(AssertionError):
        assert_same_data(_chart(at, "fig_loss"), _as_json(other), "clip off")


# ---------------------------------------------------------------------------- your_model
def your_model_cases():
    yield pytest.param(None, None, id="defaults")
    for name in page_tables("pages/your_model.py")["presets"]:
        yield pytest.param(name, None, id=name)
    yield pytest.param(None, 1, id="layer1")


@pytest.mark.parametrize("preset, layer", list(your_model_cases()))
def test_your_model_snippet_computes_the_pages_figure(preset, layer):
    """The example model at the defaults, every preset and its second layer: the snippet,
    written with the controls and what the page gave teacher.snippet_extra, draws the page's
    gradient-flow chart."""
    values, query = _page_values("your_model", preset)
    at = click(run_page("pages/your_model.py", query), "_ym.example")
    if layer is not None:
        at = set_widget(at, "_ym.layer.example:0", layer)
    assert_ok(at)
    page, extra = at.session_state["_teacher.snippet_extra"]
    assert page == "your_model" and extra["layer"] == (layer or 0) and extra["file"] is None
    code = snippets.code("your_model", {**values, **extra})
    assert "streamlit" not in code and "pages" not in code
    fig = run_snippet(code)
    assert_same_data(_chart(at, "fig_flow"), _as_json(fig), f"your_model {preset} {layer}")


def test_your_model_snippet_reads_the_file(tmp_path, monkeypatch):
    """An uploaded file: the snippet reads it by name from the notebook's folder. The
    example's bytes written to a file give the page's example figure; a bidirectional GRU
    gives its two directions (names and numbers as the page's own loop makes them)."""
    import torch

    from rnnviz.io import upload

    values, _ = _page_values("your_model", None)
    at = click(run_page("pages/your_model.py"), "_ym.example")
    _, extra = at.session_state["_teacher.snippet_extra"]
    (tmp_path / "my model.pt").write_bytes(upload.example_model_bytes(0))
    monkeypatch.chdir(tmp_path)
    code = snippets.code("your_model", {**values, **extra, "file": "my model.pt",
                                        "module": "rnn."})
    assert "open('my model.pt', \"rb\")" in code
    assert_same_data(_chart(at, "fig_flow"), _as_json(run_snippet(code)), "file")

    torch.manual_seed(0)
    torch.save(torch.nn.GRU(2, 5, bidirectional=True).state_dict(), tmp_path / "gru.pt")
    fig = run_snippet(snippets.code("your_model", {**values, "file": "gru.pt", "module": "",
                                                   "T": 30}))
    model = upload.load_model("gru.pt", (tmp_path / "gru.pt").read_bytes())
    view = __import__("rnnviz.lessons.compare", fromlist=["x"]).inspect_layer(
        model, upload.choose_input("random", 2, T=30), seed=0)
    ys = [np.asarray(t.y, dtype=np.float64) for t in fig.data if t.name.endswith("‖")]
    np.testing.assert_allclose(ys[0], view.flow.log10_h[0], rtol=1e-6)
    np.testing.assert_allclose(ys[1], view.flow.log10_h[1], rtol=1e-6)


@pytest.mark.parametrize("page", ["training", "your_model", "clipping"])
def test_snippet_comments_follow_the_language(page):
    """In Chinese the snippet's comments are Chinese; the code is the same."""
    values, _ = _page_values(page, None)
    en, zh = snippets.code(page, values, "en"), snippets.code(page, values, "zh")
    strip = lambda code: [line.split("#")[0].rstrip() for line in code.splitlines()]
    assert strip(en) == strip(zh)
    assert en != zh and any("\u4e00" <= ch <= "\u9fff" for ch in zh)
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in en)
    assert set(snippets.COMMENTS) == set(snippets.COMMENTS_ZH)
