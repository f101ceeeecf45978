"""deploy/cluster.sh: N app processes behind nginx spread a class and survive losing one.

Needs Debian's nginx (tests/run.sh installs it); skips without it, fails under CI=true.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.browser.harness import free_port
from tests.load import CLUSTER_DIR, Config, Tab, proc_sample, run_class, server_pids

ROOT = Path(__file__).resolve().parents[1]
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
IN_CI = os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def _cluster(n: int):
    if not os.access(NGINX, os.X_OK):
        if IN_CI:
            pytest.fail("CI=true but nginx is missing (tests/run.sh installs it)", pytrace=False)
        pytest.skip("nginx is not installed (apt-get install nginx)")
    port = free_port()
    up = subprocess.run(["bash", "deploy/cluster.sh", "up", str(n), str(port)], cwd=ROOT,
                        capture_output=True, text=True, timeout=300,
                        env={**os.environ, "WARM": os.environ.get("WARM", "0")})
    assert up.returncode == 0, up.stdout + up.stderr
    return port, f"http://127.0.0.1:{port}"


def _down(port: int) -> None:
    subprocess.run(["bash", "deploy/cluster.sh", "down", str(port)], cwd=ROOT, timeout=60)


def _app_pids(port: int) -> dict[str, int]:
    d = Path(CLUSTER_DIR.format(port=port))
    return {f.stem.split("-")[1]: int(f.read_text().split()[0]) for f in sorted(d.glob("app-*.pid"))}


def test_sessions_spread_over_the_processes():
    port, url = _cluster(2)
    try:
        pids = _app_pids(port)
        assert len(pids) == 2 and server_pids([url]) == list(pids.values())
        # long enough for first opens on cold processes of a busy machine (WARM=0)
        cfg = Config([url], students=8, seconds=20, pages=["bptt", "compare"], think=(1.0, 2.0),
                     ramp=1.0, timeout=60, grace=60)
        out = asyncio.run(run_class(cfg, list(pids.values())))
    finally:
        _down(port)
    s = out["summary"]
    assert s["errors"] == 0 and s["exceptions"] == 0 and s["moves_ok"] == s["moves"] > 0
    # each student pinned to one process by its cookie, the class spread over both
    per = s["students_per_backend"]
    assert sorted(per) == ["1", "2"] and min(per.values()) >= 3, per  # dealt in turn: 4 and 4
    busy = s["server"]["cpu_percent_per_process"]
    assert len(busy) == 2 and min(busy.values()) > 0, busy
    # `down` stopped everything it started
    assert all(proc_sample(p) is None for p in pids.values())


def test_a_process_dies_and_every_student_gets_the_view_back():
    port, url = _cluster(2)
    try:
        pids = _app_pids(port)
        cfg = Config([url], students=6, seconds=24, pages=["bptt", "compare", "gates"],
                     think=(1.0, 2.0), ramp=1.0, timeout=90, grace=90)

        async def scenario():
            task = asyncio.create_task(run_class(cfg, list(pids.values())))
            await asyncio.sleep(10)
            os.kill(pids["1"], signal.SIGKILL)  # mid-run, without warning
            return await task

        out = asyncio.run(scenario())
        # Each student's last view equals what a fresh browser gets for the student's URL
        # on the process still up: the settings all came back from the URL.
        async def fresh_views():
            views = []
            for st in out["students"]:
                tab = Tab(url, st["page"], st["final_query"])
                try:
                    run = await tab.open()
                    assert run.status == 0 and not run.exceptions
                    views.append(tab.view)
                finally:
                    await tab.close()
            return views

        views = asyncio.run(fresh_views())
    finally:
        _down(port)
    s = out["summary"]
    assert s["errors"] == 0, [st["errors"] for st in out["students"]]
    assert s["exceptions"] == 0
    assert s["moves_ok"] == s["moves"] > 0
    moved = [st for st in out["students"] if st["reconnects"]]
    assert moved, "no student was on the killed process"
    assert all(st["backend"] == "2" for st in out["students"])  # all on the survivor now
    for st in moved:  # moves after the kill completed on the other process
        assert any(m["ok"] for m in st["moves"][-2:])
    for st, view in zip(out["students"], views):
        assert st["final_view"] == view, (st["page"], st["final_query"])
