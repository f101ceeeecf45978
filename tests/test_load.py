"""The load generator against a real `streamlit run app.py`: a tiny class of two for ~10 s.

Every move completes (a `script_finished` for each rerun it sends), no errors, no
exception element; the server's CPU and memory are read. Its protocol is checked against
chromium in tests/browser/test_load_protocol.py; the big runs are in the README.
"""

from __future__ import annotations

import asyncio

from tests.browser.harness import streamlit_server
from tests import load
from tests.load import Config, run_class, server_pids


def test_two_students_ten_seconds():
    with streamlit_server() as url:
        pids = server_pids([url])
        assert len(pids) == 1
        cfg = Config([url], students=2, seconds=10, pages=["bptt", "compare"],
                     think=(1.0, 2.0), ramp=0.5, timeout=60, grace=60)
        out = asyncio.run(run_class(cfg, pids))
    s = out["summary"]
    assert s["errors"] == 0, [st["errors"] for st in out["students"]]
    assert s["exceptions"] == 0, [st["exceptions"] for st in out["students"]]
    assert s["opens_ok"] == s["opens"] == 2
    assert s["moves"] >= 4 and s["moves_ok"] == s["moves"]
    assert all(m["bytes"] > 0 and m["latency_s"] > 0 for st in out["students"] for m in st["moves"])
    assert sorted(s["per_page"]) == ["bptt", "compare"]
    srv = s["server"]
    assert srv["cpu_percent"] > 0 and srv["rss_mb_peak"] > 50


def test_warm_up_opens_the_defaults_and_every_preset_in_both_languages():
    """deploy/cluster.sh's warm-up (load.warm) computes what a class shares before it
    arrives: each lesson's defaults and each preset, English and Chinese. Each preset's
    URL reads back, through the page's own controls, as the preset's values."""
    import urllib.parse

    from tests.page_tables import tables

    for page in load.lesson_paths():
        t = tables(page)
        controls = {c.key: c for c in getattr(t, "CONTROLS", ())}
        queries = load.warm_queries(page)
        assert queries[:2] == ["", "lang=zh"]
        for name, preset in getattr(t, "PRESETS", {}).items():
            found = [q for q in queries if q and not q.endswith("lang=zh")
                     and {k: controls[k].parse(v)[1]
                          for k, v in urllib.parse.parse_qsl(q)} == dict(preset)]
            assert found, (page, name)
            assert found[0] + "&lang=zh" in queries, (page, name)
