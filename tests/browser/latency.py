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
value: caches empty) and warm. p50/p95 are nearest-rank percentiles.
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
                           pointerupAt: P.pointerupAt, keydownAt: P.keydownAt};
}"""

# Finished: the run the release caused has ended and either every visible chart has
# drawn since the release or nothing has happened for settleMs.
_SETTLED_JS = """([settleMs, input]) => {
  const P = window.__rnnviz, S = window.__rnnvizSample;
  const app = document.querySelector('[data-testid="stApp"]');
  const t0 = input === 'drag' ? P.pointerupAt : P.keydownAt;
  if (!(t0 > S.armedAt) || !(P.starts > S.starts) || P.doneStarts !== P.starts) return false;
  if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  const gds = [...document.querySelectorAll('[data-testid="stPlotlyChart"] .js-plotly-plot')]
    .filter(gd => gd.offsetParent !== null && gd.offsetWidth > 0);
  const drawn = gds.filter(gd => (gd.__rnnvizPlots || []).some(t => t > t0));
  const last = Math.max(P.doneAt, P.lastPlotAt);
  const now = performance.now();
  const quiet = now - last > settleMs;
  if (drawn.length < gds.length && !quiet) return false;
  // the paint after the last event must have happened too
  if (!P.painted.some(([t]) => t >= last)) return false;
  return true;
}"""

_RESULT_JS = """(input) => {
  const P = window.__rnnviz;
  const t0 = input === 'drag' ? P.pointerupAt : P.keydownAt;
  const gds = [...document.querySelectorAll('[data-testid="stPlotlyChart"] .js-plotly-plot')]
    .filter(gd => gd.offsetParent !== null && gd.offsetWidth > 0);
  const plots = gds.map(gd => (gd.__rnnvizPlots || []).filter(t => t > t0))
                   .filter(ts => ts.length);
  const lastPlot = plots.length ? Math.max(...plots.map(ts => Math.max(...ts))) : null;
  const end = Math.max(P.doneAt, lastPlot ?? 0);
  const painted = P.painted.filter(([t]) => t >= end).map(([, p]) => p);
  return {
    total_ms: Math.min(...painted) - t0,
    run_start_ms: P.startAt - t0,
    run_end_ms: P.doneAt - t0,
    last_plot_ms: lastPlot === null ? null : lastPlot - t0,
    charts: gds.length,
    charts_redrawn: plots.length,
  };
}"""


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


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m tests.browser.latency",
        description="Time slider release → script finished → charts painted, in chromium.",
    )
    ap.add_argument("--path", required=True, help='page path and query, e.g. "/bptt?H=32"')
    ap.add_argument("--slider", required=True, help="the slider's label, exactly")
    ap.add_argument("--values", required=True, help="comma-separated values to cycle through")
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
