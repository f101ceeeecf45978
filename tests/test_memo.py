"""pages/memo.py: keys that follow the data, the language in figure keys, shared read-only
results, and bounds in entries and bytes (issues 11 and 14)."""

from __future__ import annotations

import threading
import time

import numpy as np
import plotly.graph_objects as go
import pytest

from tests.apptest_util import ROOT  # noqa: F401  (puts the repo root on sys.path)

from pages import i18n, memo  # noqa: E402


@pytest.fixture(autouse=True)
def empty():
    memo.clear()
    yield
    memo.clear()


def test_a_hit_is_the_same_object_and_its_arrays_are_read_only():
    calls = []

    @memo.data(max_entries=4)
    def compute(n: int):
        calls.append(n)
        return {"x": np.arange(n, dtype=float)}

    a, b = compute(3), compute(3)
    assert a is b and calls == [3]
    with pytest.raises(ValueError):
        a["x"][0] = 5.0  # shared by every student: nobody may change it
    assert compute(4) is not a and calls == [3, 4]


def test_settings_of_different_types_are_different_keys():
    @memo.data()
    def kind(v):
        return type(v).__name__

    assert [kind(1), kind(1.0), kind(True)] == ["int", "float", "bool"]


def test_a_figure_is_keyed_by_the_settings_of_the_data_it_draws():
    """The issue's bug: a figure keyed on a hand-written tuple that missed a setting. Here
    the figure's key is the key of its data, whatever the page passes by hand."""

    @memo.data()
    def series(T: int, xs: float):
        return np.full(T, xs)

    @memo.figure()
    def fig(r):
        return go.Figure(go.Scatter(y=r))

    f1 = fig(series(5, 1.0))
    assert fig(series(5, 1.0)) is f1  # same settings: the same figure object
    f2 = fig(series(5, 2.0))  # only xs moved
    assert f2 is not f1 and list(f2.data[0].y) == [2.0] * 5
    # the items of a tuple result are keyed too (pages unpack them)

    @memo.data()
    def pair(xs: float):
        return np.full(2, xs), np.full(2, -xs)

    @memo.figure()
    def fig2(a):
        return go.Figure(go.Scatter(y=a))

    assert list(fig2(pair(1.0)[1]).data[0].y) == [-1.0, -1.0]
    assert list(fig2(pair(3.0)[1]).data[0].y) == [-3.0, -3.0]


def test_figures_have_the_language_in_their_key(monkeypatch):
    @memo.figure()
    def fig(n: int):
        return go.Figure(layout={"title": {"text": i18n.lang()}})

    monkeypatch.setattr(i18n, "lang", lambda: "en")
    en = fig(1)
    monkeypatch.setattr(i18n, "lang", lambda: "zh")
    zh = fig(1)
    assert en is not zh and (en.layout.title.text, zh.layout.title.text) == ("en", "zh")
    monkeypatch.setattr(i18n, "lang", lambda: "en")
    assert fig(1) is en


def test_a_cached_function_reading_the_page_settings_is_refused():
    from pages import ui

    spec = [ui.Control("T", "T", "int", 5, min=1, max=9)]
    g = {"s": ui.defaults("p", spec), "memo": memo}
    exec("@memo.data()\ndef bad(n):\n    return n + s.T\n", g)  # noqa: S102
    with pytest.raises(TypeError, match="settings"):
        g["bad"](1)


def test_a_figure_reading_a_cached_result_as_a_global_is_refused():
    g = {"memo": memo, "np": np}
    exec("@memo.data()\ndef lesson(T):\n    return np.zeros(T)\n"  # noqa: S102
         "r = lesson(3)\n"
         "@memo.figure()\ndef fig(T):\n    return r.sum() + T\n", g)
    with pytest.raises(TypeError, match="'r'"):
        g["fig"](3)


def test_unkeyable_arguments_are_computed_not_cached():
    calls = []

    @memo.data()
    def total(a):
        calls.append(1)
        return float(np.sum(a))

    x = np.ones(3)  # not a memo result: no key can stand for its contents
    assert total(x) == 3.0 and total(x) == 3.0 and len(calls) == 2
    assert memo.stats["uncached"] == 2


def test_bounded_by_entries_per_function():
    @memo.data(max_entries=3)
    def f(n: int):
        return np.zeros(n)

    for n in range(10):
        f(n)
    assert memo._counts[f.memo_id] == 3 and len(memo._entries) == 3


def test_bounded_by_bytes(monkeypatch):
    monkeypatch.setattr(memo, "BUDGET_BYTES", 10 * 8000)

    @memo.data(max_entries=100)
    def f(n: int):
        return np.zeros(1000) + n  # 8000 bytes

    for n in range(50):
        f(n)
    assert memo.total_bytes() <= 10 * 8000
    assert 5 <= len(memo._entries) < 10
    assert f(49) is f(49)  # the most recent stay
    # an evicted result is forgotten as a key: its id may be reused by a new object
    assert all(memo._origin.get(i) == o for e in memo._entries.values() for i, o in e[2])
    assert len(memo._origin) == len(memo._entries)


def test_a_figure_counts_the_json_it_is_sent_as():
    fig = go.Figure(go.Scatter(y=np.arange(10000.0)))
    before = memo._size(fig)
    fig._rnnviz_chart = ("src", b"x" * 200_000)
    assert memo._size(fig) >= before + 200_000 and before >= 80_000


def test_forty_callers_at_once_compute_once():
    calls = []

    @memo.data()
    def slow(n: int):
        calls.append(n)
        time.sleep(0.2)
        return np.zeros(n)

    out = []
    threads = [threading.Thread(target=lambda: out.append(slow(7))) for _ in range(40)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert calls == [7] and len(out) == 40 and all(o is out[0] for o in out)


def test_exceptions_are_not_cached():
    calls = []

    @memo.data()
    def fails(n: int):
        calls.append(n)
        raise ValueError("bad")

    for _ in range(2):
        with pytest.raises(ValueError):
            fails(1)
    assert calls == [1, 1] and not memo._entries and not memo._running


def test_an_edited_function_starts_afresh():
    g = {"memo": memo}
    exec("@memo.data()\ndef f(n):\n    return n + 1\n", g)  # noqa: S102
    assert g["f"](1) == 2
    exec("@memo.data()\ndef f(n):\n    return n + 2\n", g)  # noqa: S102
    assert g["f"](1) == 3


def _rss_mb() -> float:
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmRSS")) / 1024


@pytest.mark.skipif(memo._trim is None, reason="glibc's malloc_trim only")
def test_release_gives_freed_memory_back_to_the_system():
    """What a class leaves in glibc's heap (freed, not returned: RSS stays up) goes back to
    the system on release(): the server's memory after a class returns towards start-up."""
    blocks = [b"x" * (64 * 1024 - 100) for _ in range(2000)]  # 128 MB in glibc's heap
    del blocks[::2]  # 64 MB freed in holes between live blocks: glibc keeps it
    held = _rss_mb()
    memo.release()
    assert held - _rss_mb() > 40
    del blocks


def test_released_when_idle_only_a_few_times():
    """The idle watcher: nothing while students move sliders (a cached function was called
    within IDLE_S), once when the class goes quiet, then once a minute a few times (the
    sessions Streamlit drops 120 s after their tab closed), then no more until busy again."""
    idle, every, n = memo.IDLE_S, memo.RELEASE_EVERY_S, memo.RELEASES_PER_IDLE
    last = 1000.0
    assert not memo._due(last + idle / 2, last, 0, 0.0)  # busy
    assert memo._due(last + idle, last, 0, 0.0)  # quiet: the first release
    t1 = last + idle
    assert not memo._due(t1 + every / 2, last, 1, t1)  # too soon after it
    assert memo._due(t1 + every, last, 1, t1)
    assert not memo._due(t1 + 10 * every, last, n, t1 + (n - 1) * every)  # enough
    assert memo.IDLE_S > 0 and n * every > 120  # past disconnectedSessionTTL's default


def test_no_idle_watcher_outside_a_server():
    """Tests and AppTest (whose runtime is a mock while a page runs) have no server: no
    thread is started for them."""
    from tests.apptest_util import page_app

    @memo.data()
    def f(x: int) -> int:
        return x

    f(1)
    page_app("pages/compare.py").run(timeout=120)  # its cached functions run under AppTest
    assert memo.stats["misses"] + memo.stats["hits"] > 1
    assert not memo._watching
    assert not any(t.name == "rnnviz-memo-idle" for t in threading.enumerate())


def test_a_figure_is_counted_as_the_memory_it_holds():
    """The byte budget bounds what the process holds: a cached figure is counted with its
    dicts' keys, plotly.py's objects, animation frames and JSON, within 30 % of what
    tracemalloc finds it holds (the old count missed keys and frames: 1.4-3x too low)."""
    import gc
    import tracemalloc

    from rnnviz.figures import style
    from tests import test_figure_speed as figs

    for name, build in sorted(figs.BUILDERS.items()):
        build()
        gc.collect()
        tracemalloc.start()
        try:
            fig = build()
            fig._rnnviz_json = style.figure_json(fig)  # as pages/chart.py leaves a figure
            fig._rnnviz_chart = (("src",), (fig._rnnviz_json[:-1] + ', "height": 450}').encode())
            gc.collect()
            held = tracemalloc.get_traced_memory()[0]
        finally:
            tracemalloc.stop()
        assert 0.7 < memo._size(fig) / held < 1.3, (name, memo._size(fig), held)
