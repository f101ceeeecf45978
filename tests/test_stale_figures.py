"""Moving any control (or the language) changes exactly the figures it should (issue 14).

For every lesson page with charts, each control of its table is moved in turn, as a student
does, on one session: the charts the page then shows (through its caches, which hold the
earlier settings' results and figures) must be byte for byte the charts of a fresh run of
the same settings with every cache emptied. A figure cached on a key that misses a setting
shows the old figure and fails here; so does a figure that should not change and does.
(On the old code, dropping `xs` from /bptt's figure tuple or `fb, xs` from /gates' passed
every other test; both fail this one.)
"""

from __future__ import annotations

import json

import pytest

from tests.apptest_util import (assert_ok, charts_of, page_app, page_tables, set_widget,
                                 widget)

PAGES = ["bptt", "powers", "gates", "lstm_variants", "gru_variants", "compare",
         "bidirectional", "truncated", "clipping"]
# measured wall-clock times are part of the figure (the last panel of /compare's bars, and its
# axis range): only the traces before them are compared
MEASURED = {("compare", "fig_bars"): 2}


def clear_caches() -> None:
    import streamlit as st

    st.cache_data.clear()
    st.cache_resource.clear()
    try:
        from pages import memo
    except ImportError:  # the code before pages/memo.py
        return
    memo.clear()


def moved(c):
    """Another valid value of control c: one step, the next option, the other side."""
    if c.kind in ("int", "float"):
        step = c.step or (1 if c.kind == "int" else (c.max - c.min) / 100)
        v = c.default + step if c.default + step <= c.max else c.default - step
        return int(v) if c.kind == "int" else round(float(v), 10)
    if c.kind in ("log", "select"):
        keys = list(c.option_keys)
        return keys[(keys.index(c.default) + 1) % len(keys)]
    if c.kind == "toggle":
        return not c.default
    if c.kind == "seed":
        return c.default + 1
    raise AssertionError(c.kind)


def shown(page: str, at) -> dict[str, object]:
    out = {}
    for ch in charts_of(at):
        keep = next((n for (p, k), n in MEASURED.items() if p == page and k in ch.key), None)
        out[ch.key] = ch.data if keep is None else json.dumps(ch.figure["data"][:keep])
    return out


def fresh(at) -> None:
    clear_caches()
    at.run()
    assert_ok(at)


@pytest.mark.parametrize("page", PAGES)
def test_each_control_changes_exactly_its_figures(page):
    spec = page_tables(f"pages/{page}.py")["controls"]
    clear_caches()
    at = page_app(f"pages/{page}.py").run()
    assert_ok(at)
    assert charts_of(at), f"/{page} shows no chart at its defaults"
    for c in spec:
        if widget(at, c.key).disabled:  # no effect with these settings (ui's `inactive`)
            continue
        value = moved(c)
        set_widget(at, c.key, value)
        assert_ok(at)
        cached = shown(page, at)
        fresh(at)  # the same settings, every cache emptied
        assert shown(page, at) == cached, (
            f"/{page}: after moving {c.key} to {value!r}, a chart differs from a fresh run "
            f"(a stale cached figure): "
            f"{[k for k in cached if cached[k] != shown(page, at).get(k)]}")
        # and back: the earlier settings' cached figures come back, not these
        set_widget(at, c.key, c.default)
        assert_ok(at)
        back = shown(page, at)
        fresh(at)
        assert shown(page, at) == back, f"/{page}: moving {c.key} back showed a stale chart"


@pytest.mark.parametrize("page", ["bptt", "gates"])
def test_the_language_changes_every_figure_it_labels(page):
    """A figure holds TEXT labels: after a switch to Chinese the cached figures are the
    Chinese ones (a fresh Chinese run), not the English ones seen before."""
    clear_caches()
    at = page_app(f"pages/{page}.py").run()
    assert_ok(at)
    at.query_params["lang"] = "zh"
    at.run()
    assert_ok(at)
    cached = shown(page, at)
    fresh(at)
    assert shown(page, at) == cached
