"""tests/load.py speaks to the server as chromium does.

The same page and the same slider move, once in Debian's chromium and once with the load
generator's Tab: the BackMsgs sent must be the same (query string, page, every widget's
state, page hash) and the server must answer both with the same elements (every delta of
the run, figures included, byte for byte). If the generator sent something the browser
does not (or missed a widget), the server would run the page with other settings and the
load measured would not be a class's load.
"""

from __future__ import annotations

import asyncio
import random
from concurrent.futures import ThreadPoolExecutor

from streamlit.proto.BackMsg_pb2 import BackMsg

from tests.load import Run, Tab

from .harness import expect_rerun, goto, set_slider, wait_idle

PAGE, QUERY = "compare", "scale=1.5&thr=1e-6"
LABEL, VALUE = "Keep-gate bias b (LSTM's f, GRU's z)", 0.5


def _state(raw: bytes):
    from streamlit.proto.WidgetStates_pb2 import WidgetState

    w = WidgetState()
    w.ParseFromString(raw)
    return w


def _states(back: BackMsg) -> dict[str, bytes]:
    return {w.id: w.SerializeToString(deterministic=True)
            for w in back.rerun_script.widget_states.widgets}


def _browser_run(page, base_url: str, move=None) -> tuple[list[BackMsg], list[str]]:
    """Chromium opens the page and moves the slider (or does `move(page)`): the BackMsgs
    it sent and the elements of the run after the move, decoded with the generator's own
    decoder."""
    sent, received = [], []

    def on_ws(ws):
        if ws.url.endswith("/_stcore/stream"):
            ws.on("framesent", lambda p: sent.append(p))
            ws.on("framereceived", lambda p: received.append((len(sent), p)))

    page.on("websocket", on_ws)
    goto(page, base_url, f"/{PAGE}?{QUERY}")
    if move is None:
        set_slider(page, LABEL, VALUE)
    else:
        move(page)
    backs = []
    for raw in sent:
        b = BackMsg()
        b.ParseFromString(raw)
        backs.append(b)
    decoder = Tab(base_url, PAGE, QUERY)
    for n_sent, raw in received:
        if n_sent == 2 and decoder.run is None:  # answers to the move (the second rerun)
            decoder.run = Run(started=0.0)
            _take_states(decoder, backs[1])  # the widget values chromium holds after the move
        decoder._on_message(raw)
    return backs, decoder.view


def _take_states(tab: Tab, back: BackMsg) -> None:
    for ws in back.rerun_script.widget_states.widgets:
        w = tab.widgets.get(ws.id)
        kind = ws.WhichOneof("value")
        if w is None or kind is None or kind == "trigger_value":
            continue
        v = getattr(ws, kind)
        w.value = list(v.data) if hasattr(v, "data") else v


async def _generator_run(base_url: str, pick=None, value=None) -> tuple[list[BackMsg], list[str]]:
    """The generator does the same: the slider by default, else the widget `pick(tab)`
    set to `value`. Its final query string is kept in _generator_run.query."""
    tab = Tab(base_url, PAGE, QUERY)
    try:
        await tab.open()
        if pick is None:
            w, value = next(w for w in tab.widgets.values() if w.key == "keep"), [VALUE]
        else:
            w = pick(tab)
        _, run = await tab.move(random.Random(0), w, value=value)
        assert run.status == 0 and not run.exceptions
        _generator_run.query = tab.query_string()
    finally:
        await tab.close()
    backs = []
    for raw in tab.sent:
        b = BackMsg()
        b.ParseFromString(raw)
        backs.append(b)
    return backs, tab.view


def test_generator_sends_what_chromium_sends(page, base_url):
    browser_sent, browser_view = _browser_run(page, base_url)
    with ThreadPoolExecutor(1) as pool:  # playwright's sync API holds this thread's loop
        gen_sent, gen_view = pool.submit(asyncio.run, _generator_run(base_url)).result()

    reruns = [b for b in browser_sent if b.WhichOneof("type") == "rerun_script"]
    assert len(reruns) == 2, [b.WhichOneof("type") for b in browser_sent]
    assert len(gen_sent) == 2
    for b, g in zip(reruns, gen_sent):
        rb, rg = b.rerun_script, g.rerun_script
        assert rg.query_string == rb.query_string
        assert rg.page_name == rb.page_name
        assert rg.page_script_hash == rb.page_script_hash
        sg, sb = _states(g), _states(b)
        assert sg == sb, {"only the browser": {k.rsplit("-", 1)[-1]: str(_state(sb[k])) for k in sb.keys() - sg.keys()},
                          "only the generator": sorted(sg.keys() - sb.keys()),
                          "differ": {k: (sg[k], sb[k]) for k in sg.keys() & sb.keys() if sg[k] != sb[k]}}
        assert rg.fragment_id == rb.fragment_id
    assert reruns[1].rerun_script.query_string == "keep=0.5&scale=1.5&thr=1e-6"
    assert len(_states(reruns[1])) >= 9  # every control of the page, not only the moved one

    # The server's answer to the move: the same elements, figures byte for byte.
    assert browser_view and gen_view == browser_view
    # the charts: pages/chart.py's element (a components-v2 "bidi_component")
    assert sum(":bidi_component:" in d or ":plotly_chart:" in d for d in gen_view) >= 2


def test_generator_sends_what_chromium_sends_for_a_select_box(page, base_url):
    """A select box shows its option's label and is not bound to the URL (pages/ui.py
    writes the key): both send the label as the widget's state and the old query string,
    and both end on the key in the URL."""
    from tests.page_tables import tables

    label = tables(PAGE).TEXT["opt_input_sine"]  # (outside a run the table is English)

    def choose(page):
        with expect_rerun(page):
            page.locator('[class*="st-key-input"] [data-testid="stSelectbox"] input').click()
            page.keyboard.type(label)  # the box filters its options as a student types
            page.keyboard.press("Enter")
        wait_idle(page)

    browser_sent, browser_view = _browser_run(page, base_url, choose)
    browser_url = page.url

    def pick(tab):
        (box,) = [w for w in tab.widgets.values() if w.kind == "selectbox" and "-input" in w.id]
        return box

    with ThreadPoolExecutor(1) as pool:
        gen_sent, gen_view = pool.submit(asyncio.run, _generator_run(base_url, pick, label)).result()

    reruns = [b for b in browser_sent if b.WhichOneof("type") == "rerun_script"]
    assert len(reruns) == 2 and len(gen_sent) == 2, [b.WhichOneof("type") for b in browser_sent]
    for b, g in zip(reruns, gen_sent):
        assert g.rerun_script.query_string == b.rerun_script.query_string
        assert _states(g) == _states(b)
    moved = [_state(v) for v in _states(reruns[1]).values()]
    assert any(w.string_value == label for w in moved)  # the label is the widget's state
    assert "input=sine" in browser_url and "input=sine" in _generator_run.query
    assert browser_view and gen_view == browser_view
