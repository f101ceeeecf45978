"""How long a slider release takes to show its result, measured in a real browser.

    python -m tests.browser.latency --path /bptt --slider "Sequence length" \\
        --values 50,60,70 --runs 20 [--input drag|key] [--json out.json]

Starts `streamlit run app.py` like the test fixture (or uses --base-url), opens the
page in Debian chromium, then releases the slider `--runs` times, cycling through
`--values`. Each sample is timed on the page's own clock, from the release event
(pointerup of a drag, or the keydown of one Arrow press with --input key: Streamlit
1.67 commits a slider on keydown) to the paint after the later of
  - the end of the script run the release caused (its ForwardMsg script_finished
    arriving over the websocket), and
  - the last `plotly_afterplot` of every visible chart redrawn for it
("paint" = the second requestAnimationFrame after that event). A chart whose figure
did not change is not redrawn; after `--settle-ms` of quiet the sample counts only
the charts that were. Samples are split into cold (first time this server saw that
value: caches empty) and warm. p50/p95 are nearest-rank percentiles. Each sample also
has view_ms: release → the paint after the charts in the viewport were drawn (what the
student sees; pages/chart/chart.js draws those first), and plotly_ms: the time inside
Plotly.react for the release, from the chart element's log (window.__rnnvizChartLog).

Side by side (--side): the lesson pages and a control page in one run,

    python -m tests.browser.latency --side [--app new=. --app old=/tmp/old] [--big] \
        [--rounds 12] [--pages /bptt,/gates] [--json out.json]

The control page (tests/browser/control_app.py, its own server) holds one URL-bound
slider and one `st.plotly_chart` line of T points: the floor of Streamlit + plotly.
Each app (`--app NAME=DIR`, a checkout with app.py; default this one) gets its own
server; every page of every app and the control page has its own tab, and the run goes
round-robin over all tabs, one release of the page's "scale" slider (one Arrow key)
per tab per round, starting each round at the next tab. So a busy moment of the shared
machine falls on every page alike, and each page's p50 is compared with the control's
p50 of the same run. The first release of each value per tab is a warm-up (cold
caches) and is not counted. --big adds each page at T = 2000, H = 256 (as far as the
page allows) against the control at T = 2000.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import sys
import time

from . import harness

_ARM_JS = """() => {
  const P = window.__rnnviz;
  window.__rnnvizSample = {starts: P.starts, armedAt: performance.now(),
                           frames: P.frames, bytes: P.bytes || 0,
                           pointerupAt: P.pointerupAt, keydownAt: P.keydownAt};
}"""

# Finished: the run the release caused has ended and either every visible chart has
# drawn since the release or nothing has happened for settleMs.
_SETTLED_JS = """([settleMs, input]) => {
  const PLOTLY_DIV = 'PLOTLYDIV';
  const P = window.__rnnviz, S = window.__rnnvizSample;
  const app = document.querySelector('[data-testid="stApp"]');
  const t0 = input === 'drag' ? P.pointerupAt : P.keydownAt;
  if (!(t0 > S.armedAt) || !(P.starts > S.starts) || P.doneStarts !== P.starts) return false;
  if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  const gds = [...document.querySelectorAll(PLOTLY_DIV)]
    .filter(gd => gd.offsetParent !== null && gd.offsetWidth > 0);
  const drawn = gds.filter(gd => (gd.__rnnvizPlots || []).some(t => t > t0));
  const last = Math.max(P.doneAt, P.lastPlotAt);
  const now = performance.now();
  const quiet = now - last > settleMs;
  if (drawn.length < gds.length && !quiet) return false;
  // the paint after the last event must have happened too
  if (!P.painted.some(([t]) => t >= last)) return false;
  return true;
}""".replace("PLOTLYDIV", harness.PLOTLY_DIV)

_RESULT_JS = """(input) => {
  const PLOTLY_DIV = 'PLOTLYDIV';
  const P = window.__rnnviz, S = window.__rnnvizSample;
  const t0 = input === 'drag' ? P.pointerupAt : P.keydownAt;
  const gds = [...document.querySelectorAll(PLOTLY_DIV)]
    .filter(gd => gd.offsetParent !== null && gd.offsetWidth > 0);
  const plots = gds.map(gd => (gd.__rnnvizPlots || []).filter(t => t > t0))
                   .filter(ts => ts.length);
  const lastPlot = plots.length ? Math.max(...plots.map(ts => Math.max(...ts))) : null;
  const end = Math.max(P.doneAt, lastPlot ?? 0);
  const painted = P.painted.filter(([t]) => t >= end).map(([, p]) => p);
  // the charts the student sees: those in the viewport (the page does not scroll here)
  const inView = gd => { const r = gd.getBoundingClientRect();
                         return r.bottom > 0 && r.top < window.innerHeight; };
  const viewPlots = gds.filter(inView).map(gd => (gd.__rnnvizPlots || []).filter(t => t > t0))
                       .filter(ts => ts.length).map(ts => Math.max(...ts));
  const viewEnd = Math.max(P.doneAt, ...viewPlots);
  const viewPainted = P.painted.filter(([t]) => t >= viewEnd).map(([, p]) => p);
  // pages/chart/chart.js's log of this release's calls: time inside plotly.js per chart
  const calls = (window.__rnnvizChartLog || []).filter(e => e.called > t0 && e.drawn);
  return {
    total_ms: Math.min(...painted) - t0,
    view_ms: Math.min(...viewPainted) - t0,
    charts_in_view: gds.filter(inView).length,
    plotly_ms: calls.reduce((a, e) => a + (e.drawn - e.start), 0),
    first_call_ms: calls.length ? Math.min(...calls.map(e => e.called)) - t0 : null,
    run_start_ms: P.startAt - t0,
    run_end_ms: P.doneAt - t0,
    last_plot_ms: lastPlot === null ? null : lastPlot - t0,
    charts: gds.length,
    charts_redrawn: plots.length,
    frames: P.frames - S.frames,
    bytes: (P.bytes || 0) - S.bytes,
  };
}""".replace("PLOTLYDIV", harness.PLOTLY_DIV)


def percentile(xs: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100) of a non-empty list."""
    s = sorted(xs)
    return s[max(0, math.ceil(p / 100 * len(s)) - 1)]


def summary(xs: list[float]) -> dict:
    if not xs:
        return {"n": 0}
    return {"n": len(xs), "p50_ms": round(percentile(xs, 50), 1),
            "p95_ms": round(percentile(xs, 95), 1), "max_ms": round(max(xs), 1)}


def measure(page, label: str, value: float, input_: str, settle_ms: int) -> dict:
    """Release the slider once so that it lands on `value`; time it."""
    state = harness.slider_state(page, label)
    if input_ == "key":  # untimed: get one step away, then one timed press
        step = state["step"] if value > state["value"] else -state["step"]
        before = value - step
        if not state["min"] <= before <= state["max"]:
            before = value + step
        harness.set_slider(page, label, before)
        key = "ArrowRight" if value > before else "ArrowLeft"
    page.evaluate(_ARM_JS)
    if input_ == "drag":
        harness.drag_slider(page, label, value)
    else:
        harness.slider_input(page, label).focus()
        page.keyboard.press(key)
    page.wait_for_function(
        _SETTLED_JS, arg=[settle_ms, input_], timeout=harness.RUN_TIMEOUT_MS, polling="raf"
    )
    got = harness.slider_state(page, label)["value"]
    if abs(got - value) > state["step"] / 2:
        raise SystemExit(f"{label!r}: released at {got}, wanted {value} (drag rounding?)")
    harness.assert_no_exception(page, f"{page.url} after {label}={value}")
    return page.evaluate(_RESULT_JS, input_)


def run(args) -> dict:
    from playwright.sync_api import sync_playwright

    values = [float(v) if "." in v else int(v) for v in args.values.split(",") if v]
    if len(set(values)) < 2:
        raise SystemExit("--values needs at least two different values")
    server = (
        contextlib.nullcontext(args.base_url.rstrip("/"))
        if args.base_url
        else harness.streamlit_server()
    )
    samples, seen = [], set()
    with server as base_url, sync_playwright() as p:
        browser = harness.launch_browser(p)
        try:
            page = harness.new_page(browser)
            harness.goto(page, base_url, args.path)
            harness.assert_no_exception(page, args.path)
            seen.add(harness.slider_state(page, args.slider)["value"])
            k = 0
            while len(samples) < args.runs:
                value = values[k % len(values)]
                k += 1
                if value == harness.slider_state(page, args.slider)["value"]:
                    continue
                r = measure(page, args.slider, value, args.input, args.settle_ms)
                r.update(value=value, cold=value not in seen)
                seen.add(value)
                samples.append(r)
                if not args.quiet:
                    print(
                        f"{len(samples):3d}  {args.slider}={value:<8} "
                        f"{r['total_ms']:7.1f} ms  (run ends {r['run_end_ms']:7.1f} ms, "
                        f"charts {r['charts_redrawn']}/{r['charts']}"
                        f"{', cold' if r['cold'] else ''})",
                        file=sys.stderr,
                    )
            if args.screenshot:
                harness.screenshot(page, args.screenshot)
        finally:
            browser.close()
    totals = [s["total_ms"] for s in samples]
    return {
        "path": args.path, "slider": args.slider, "input": args.input,
        "values": values, "runs": len(samples),
        "all": summary(totals),
        "cold": summary([s["total_ms"] for s in samples if s["cold"]]),
        "warm": summary([s["total_ms"] for s in samples if not s["cold"]]),
        "run_end": summary([s["run_end_ms"] for s in samples]),
        "per_value": {str(v): summary([s["total_ms"] for s in samples if s["value"] == v])
                      for v in values},
        "samples": [{k: (round(v, 1) if isinstance(v, float) else v) for k, v in s.items()}
                    for s in samples],
        "when": time.strftime("%Y-%m-%d %H:%M:%S"),
    }


def report(result: dict) -> str:
    rows = [("release → paint", result["all"]), ("  cold", result["cold"]),
            ("  warm", result["warm"]), ("release → run end", result["run_end"])]
    rows += [(f"  at {v}", s) for v, s in result["per_value"].items()]
    w = max(len(name) for name, _ in rows) + 2
    lines = [
        f"{result['path']}  slider {result['slider']!r}  input {result['input']}  "
        f"runs {result['runs']}",
        f"{'':{w}}{'n':>4}{'p50 ms':>10}{'p95 ms':>10}{'max ms':>10}",
    ]
    for name, s in rows:
        if s["n"]:
            lines.append(f"{name:<{w}}{s['n']:>4}{s['p50_ms']:>10}{s['p95_ms']:>10}"
                         f"{s['max_ms']:>10}")
    return "\n".join(lines)


# --------------------------------------------------------------------------- --side
CONTROL_APP = "tests/browser/control_app.py"
SIDE_SLIDER = "scale"  # the key of the slider moved on every page (it changes every chart)
SIDE_VALUES = (0.9, 1.0)
SIDE_PAGES = ("/bptt", "/gates", "/powers", "/compare", "/lstm_variants", "/gru_variants",
              "/bidirectional", "/truncated")
# T = 2000, H = 256 where each page's bounds allow (pages/*.py CONTROLS)
BIG_QUERY = {"/bptt": "T=2000&H=256", "/gates": "T=2000&H=256", "/powers": "H=256",
             "/compare": "T=2000&H=128", "/lstm_variants": "T=1000&H=128",
             "/gru_variants": "T=1000&H=128", "/bidirectional": "T=500&H=64",
             "/truncated": "T=500&H=64"}

_LABEL_JS = """(key) => {
  const box = document.querySelector('.st-key-' + key + ' [data-testid="stWidgetLabel"]');
  return box ? box.innerText.trim() : null;
}"""


def _side_targets(args, apps: dict[str, str]) -> list[dict]:
    """Every (server, path) to measure: the control page, then each app's pages."""
    pages = [p for p in (args.pages.split(",") if args.pages else SIDE_PAGES) if p]
    targets = [{"name": "control", "server": "control", "path": "/"}]
    if args.big:
        targets.append({"name": "control T=2000", "server": "control", "path": "/?T=2000"})
    for app in apps:
        for path in pages:
            targets.append({"name": f"{app} {path}", "server": app, "path": path})
            if args.big and path in BIG_QUERY:
                targets.append({"name": f"{app} {path}?{BIG_QUERY[path]}", "server": app,
                                "path": f"{path}?{BIG_QUERY[path]}"})
    return targets


def run_side(args) -> dict:
    from pathlib import Path

    from playwright.sync_api import sync_playwright

    apps = dict(a.split("=", 1) for a in (args.app or [f"app={harness.REPO_ROOT}"]))
    targets = _side_targets(args, apps)
    with sync_playwright() as p, contextlib.ExitStack() as stack:
        urls = {"control": stack.enter_context(harness.streamlit_server(CONTROL_APP))}
        for name, where in apps.items():
            urls[name] = stack.enter_context(harness.streamlit_server(cwd=Path(where).resolve()))
        browser = harness.launch_browser(p)
        stack.callback(browser.close)
        for t in targets:
            t["page"] = page = harness.new_page(browser)
            t["samples"] = []
            for attempt in (1, 2):  # a shared machine can stall a first load past the timeout
                try:
                    harness.goto(page, urls[t["server"]], t["path"])
                    harness.assert_no_exception(page, t["name"])
                    t["label"] = page.evaluate(_LABEL_JS, SIDE_SLIDER)
                    if not t["label"]:
                        raise SystemExit(f"{t['name']}: no slider with key {SIDE_SLIDER!r}")
                    for value in SIDE_VALUES:  # warm-up: caches, JIT, plotly.js loaded
                        page.bring_to_front()
                        measure(page, t["label"], value, "key", args.settle_ms)
                    break
                except AssertionError as exc:  # wait_idle's timeout
                    print(f"warm-up {t['name']}: {str(exc)[:120]}", file=sys.stderr)
                    if attempt == 2:
                        raise
        for r in range(args.rounds):
            for i in range(len(targets)):
                t = targets[(i + r) % len(targets)]
                value = SIDE_VALUES[r % len(SIDE_VALUES)]
                t["page"].bring_to_front()
                try:
                    res = measure(t["page"], t["label"], value, "key", args.settle_ms)
                except Exception as exc:  # a sample lost to a stalled machine: say so, go on
                    t["lost"] = t.get("lost", 0) + 1
                    print(f"round {r + 1:2d}  {t['name']:<40} lost: {str(exc)[:120]}",
                          file=sys.stderr)
                    harness.goto(t["page"], urls[t["server"]], t["path"])
                    continue
                t["samples"].append(res)
                if not args.quiet:
                    print(f"round {r + 1:2d}  {t['name']:<40} {res['total_ms']:7.1f} ms  "
                          f"(run ends {res['run_end_ms']:6.1f}, charts "
                          f"{res['charts_redrawn']}/{res['charts']})", file=sys.stderr)
    out = []
    for t in targets:
        totals = [s["total_ms"] for s in t["samples"]]
        out.append({"name": t["name"], "server": t["server"], "path": t["path"],
                    "all": summary(totals),
                    "view": summary([s["view_ms"] for s in t["samples"]]),
                    "plotly": summary([s["plotly_ms"] for s in t["samples"]]),
                    "in_view": t["samples"][-1]["charts_in_view"] if t["samples"] else 0,
                    "run_end": summary([s["run_end_ms"] for s in t["samples"]]),
                    "after_run": summary([s["total_ms"] - s["run_end_ms"] for s in t["samples"]]),
                    "charts": t["samples"][-1]["charts"] if t["samples"] else 0,
                    "kb": summary([s["bytes"] / 1000 for s in t["samples"]]),
                    "frames": summary([s["frames"] for s in t["samples"]]),
                    "lost": t.get("lost", 0),
                    "samples": [round(x, 1) for x in totals]})
    return {"side": True, "apps": apps, "rounds": args.rounds, "slider": SIDE_SLIDER,
            "values": list(SIDE_VALUES), "targets": out,
            "when": time.strftime("%Y-%m-%d %H:%M:%S")}


def report_side(result: dict) -> str:
    """One row per page: release → paint p50 and p95, its p50 / the control page's p50
    (the control at T = 2000 for --big rows), then its two parts: release → end of the
    script run (server and websocket), and end of the run → paint (the browser: Streamlit's
    rendering and plotly.js), with that part's p50 / the control's; then what one release
    brought over the websocket (p50 of kB and of messages); then release → the charts in
    the viewport painted ("view", what the student sees; the others are drawn after them,
    pages/chart/chart.js) with its p50 / the control's, how many charts are in view of all,
    and the time spent inside plotly.js per release (p50, the app's charts only)."""
    rows = result["targets"]
    ctrl = {r["path"]: r for r in rows if r["server"] == "control"}
    w = max(len(r["name"]) for r in rows) + 2
    lines = [f"side by side: {result['rounds']} rounds, slider {result['slider']!r} "
             f"(one Arrow key), {result['when']}",
             f"{'page':<{w}}{'n':>4}{'p50 ms':>9}{'p95 ms':>9}{'× ctrl':>8}{'run p50':>9}"
             f"{'after p50':>10}{'× ctrl':>8}{'kB p50':>8}{'msgs':>6}{'lost':>6}"
             f"{'view p50':>10}{'× ctrl':>8}{'in view':>9}{'plotly':>8}"]
    for r in rows:
        c = ctrl["/?T=2000"] if "?" in r["path"] and "/?T=2000" in ctrl else ctrl["/"]
        ratio = r["all"]["p50_ms"] / c["all"]["p50_ms"]
        ratio_after = r["after_run"]["p50_ms"] / c["after_run"]["p50_ms"]
        lines.append(f"{r['name']:<{w}}{r['all']['n']:>4}{r['all']['p50_ms']:>9}"
                     f"{r['all']['p95_ms']:>9}{ratio:>8.2f}{r['run_end']['p50_ms']:>9}"
                     f"{r['after_run']['p50_ms']:>10}{ratio_after:>8.2f}"
                     f"{r['kb'].get('p50_ms', 0):>8.0f}{r['frames'].get('p50_ms', 0):>6.0f}"
                     f"{r['lost']:>6}"
                     f"{r['view'].get('p50_ms', 0):>10}"
                     f"{r['view'].get('p50_ms', 0) / c['view'].get('p50_ms', 1):>8.2f}"
                     f"{r['in_view']:>5}/{r['charts']:<3}{r['plotly'].get('p50_ms', 0):>8.0f}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m tests.browser.latency",
        description="Time slider release → script finished → charts painted, in chromium.",
    )
    ap.add_argument("--path", help='page path and query, e.g. "/bptt?H=32"')
    ap.add_argument("--slider", help="the slider's label, exactly")
    ap.add_argument("--values", help="comma-separated values to cycle through")
    ap.add_argument("--side", action="store_true",
                    help="lesson pages against the control page, interleaved (see above)")
    ap.add_argument("--app", action="append", metavar="NAME=DIR",
                    help="with --side: an app checkout to serve (repeat; default this one)")
    ap.add_argument("--pages", help="with --side: comma-separated paths (default: all eight)")
    ap.add_argument("--big", action="store_true", help="with --side: also at T=2000, H=256")
    ap.add_argument("--rounds", type=int, default=12, help="with --side: rounds (default 12)")
    ap.add_argument("--runs", type=int, default=20, help="timed releases (default 20)")
    ap.add_argument("--input", choices=("drag", "key"), default="drag",
                    help="release a drag (default) or press one Arrow key")
    ap.add_argument("--settle-ms", type=int, default=1500,
                    help="quiet time after which charts not redrawn count as unchanged")
    ap.add_argument("--base-url", help="use this running server instead of starting one")
    ap.add_argument("--json", metavar="FILE", help='write the result as JSON ("-": stdout)')
    ap.add_argument("--screenshot", metavar="NAME", help="save the last state as NAME.png")
    ap.add_argument("--quiet", action="store_true", help="no line per sample on stderr")
    args = ap.parse_args(argv)
    reason = harness.browser_missing_reason()
    if reason:
        ap.error(reason)
    if args.side:
        result = run_side(args)
        print(report_side(result))
    else:
        if not (args.path and args.slider and args.values):
            ap.error("--path, --slider and --values are needed (or --side)")
        result = run(args)
        print(report(result))
    if args.json == "-":
        print(json.dumps(result, indent=1))
    elif args.json:
        with open(args.json, "w") as f:
            json.dump(result, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
