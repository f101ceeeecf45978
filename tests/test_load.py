"""The load generator against a real `streamlit run app.py`: a tiny class of two for ~10 s.

Every move completes (a `script_finished` for each rerun it sends), no errors, no
exception element; the server's CPU and memory are read. Its protocol is checked against
chromium in tests/browser/test_load_protocol.py; the big runs are in the README.
"""

from __future__ import annotations

import asyncio

from tests.browser.harness import streamlit_server
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
