"""Slider latency on another page while students train (issue 11: training must not stall
everyone else on its server).

    python -m tests.browser.train_load [--trainers 0,3] [--runs 12] [--json FILE]

For each count k: start `streamlit run app.py` (harness), open k chromium pages on
/training (the lesson's setting: adding, T = 100, H = 64, LSTM) and press Start in each,
wait until every one shows steps, then time `--runs` slider releases on /bptt with
tests/browser/latency.py, sampling the CPU of the server process and of its children
(the training workers) meanwhile. Bounded: every server, browser and page is closed at
the end of its count; loopback only.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

from . import harness

TRAIN_URL = "/training?max_steps=3000"
SLIDER = ("/bptt", "Sequence length T (steps)", "60,80,120,150")
_TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """utime + stime of a process (its threads included), in seconds."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / _TICK


def children(pid: int) -> list[int]:
    out = []
    for task in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{task}/children") as f:
            out += [int(c) for c in f.read().split()]
    return out


def server_pid(base_url: str) -> int:
    port = base_url.rsplit(":", 1)[1]
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            try:
                with open(f"/proc/{pid}/cmdline", "rb") as f:
                    cmd = f.read().split(b"\0")
            except OSError:
                continue
            if b"streamlit" in b" ".join(cmd) and port.encode() in cmd:
                return int(pid)
    raise RuntimeError(f"no streamlit process on port {port}")


def start_trainers(browser, base_url: str, k: int) -> list:
    pages = []
    for _ in range(k):
        page = harness.new_page(browser)
        page.goto(base_url + TRAIN_URL, wait_until="domcontentloaded")
        harness.wait_idle(page, since=0, timeout_ms=180_000)
        page.locator(".st-key-start button").click()
        pages.append(page)
    js = """() => { const el = document.querySelector('[data-testid="stProgress"]');
                    const m = el && el.innerText.match(/Step (\\d+) of/);
                    return m ? parseInt(m[1]) : -1; }"""
    for page in pages:  # queued runs show 0 steps: wait only for the status line
        page.wait_for_function(
            """() => /Training…|Waiting for a free trainer/.test(
                 document.querySelector('[data-testid="stMain"]').innerText)""",
            timeout=180_000, polling=200)
    return pages, [page.evaluate(js) for page in pages]


def one(k: int, runs: int) -> dict:
    from playwright.sync_api import sync_playwright

    with harness.streamlit_server() as base_url, sync_playwright() as pw:
        browser = harness.launch_browser(pw)
        try:
            pid = server_pid(base_url)
            pages, steps0 = start_trainers(browser, base_url, k)
            time.sleep(3)
            kids = children(pid)
            c0 = cpu_seconds(pid), {c: cpu_seconds(c) for c in kids}, time.monotonic()
            path, label, values = SLIDER
            out = f"/tmp/train_load_{os.getpid()}_{k}.json"
            # its own process: Playwright's sync API does not nest
            subprocess.run([sys.executable, "-m", "tests.browser.latency", "--base-url",
                            base_url, "--path", path, "--slider", label, "--values", values,
                            "--runs", str(runs), "--input", "key", "--json", out, "--quiet"],
                           cwd=harness.REPO_ROOT, check=True, timeout=1200)
            wall = time.monotonic() - c0[2]
            server_cpu = cpu_seconds(pid) - c0[0]
            worker_cpu = sum(cpu_seconds(c) - t for c, t in c0[1].items()
                             if os.path.exists(f"/proc/{c}"))
            with open(out) as f:
                lat = json.load(f)
            os.unlink(out)
            js = """() => { const el = document.querySelector('[data-testid="stProgress"]');
                            const m = el && el.innerText.match(/Step (\\d+) of/);
                            return m ? parseInt(m[1]) : -1; }"""
            steps1 = [p.evaluate(js) for p in pages]
            for p in pages:
                p.context.close()
        finally:
            browser.close()
    return {"trainers": k, "all": lat["all"], "warm": lat["warm"], "run_end": lat["run_end"], "server_cpu_pct": round(100 * server_cpu / wall),
            "worker_cpu_pct": round(100 * worker_cpu / wall), "wall_s": round(wall, 1),
            "trainer_steps": list(zip(steps0, steps1)), "workers": len(kids)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tests.browser.train_load")
    ap.add_argument("--trainers", default="0,3", help="comma-separated trainer counts")
    ap.add_argument("--runs", type=int, default=12, help="slider releases per count")
    ap.add_argument("--json", help="write the results here")
    a = ap.parse_args(argv)
    results = [one(int(k), a.runs) for k in a.trainers.split(",")]
    for r in results:
        lat = r["all"]
        print(f"trainers={r['trainers']}: /bptt slider release → paint p50 {lat['p50_ms']} ms, "
              f"p95 {lat['p95_ms']} ms (n {lat['n']}); run end p50 {r['run_end']['p50_ms']} ms; "
              f"server CPU {r['server_cpu_pct']} %, workers "
              f"{r['workers']} using {r['worker_cpu_pct']} % CPU, trainer steps "
              f"{r['trainer_steps']} over {r['wall_s']} s")
    if a.json:
        with open(a.json, "w") as f:
            json.dump(results, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
