"""Lesson "Training lab" (pages/training.py) in a real browser, on a small fast setting
(adding problem, T = 20, H = 8): the page renders idle; Start begins a run whose step count
and loss chart grow while the live panel reruns; meanwhile another page of the app opens
and answers a slider, and a slider on this page starts a fresh run and keeps the old
curve; Stop stops it (reread after plain reruns, no step is added over 2 s); no exception
anywhere. And on the lesson's own setting (T = 100, H = 64) the live panel redraws at a
steady rate while training (issue 9: it used to redraw once every 7–16 s)."""

from __future__ import annotations

import time

import pytest

from .harness import (APP, assert_no_exception, charts, expect_rerun, goto, new_page,
                      press_slider_key, screenshot, set_slider, wait_idle)

pytestmark = pytest.mark.browser

CAP = 3000  # far more than the test trains: the run never finishes by itself
URL = f"/training?T=20&H=8&max_steps={CAP}"
HIDDEN = "Hidden units H"
START = ".st-key-start button"
STOP = ".st-key-stop button"
PROGRESS = '[data-testid="stProgress"]'
NOW = "this run: LSTM"
EARLIER = "earlier: LSTM, lr 0.005, clip 1"
BASELINE = "baseline 1/6: always answer 1"

# Step count shown by the progress bar ("Step 12 of 3000 · 0.4 s of training"), or -1.
_STEP_JS = """() => {
  const el = document.querySelector('[data-testid="stProgress"]');
  const m = el && el.innerText.match(/Step (\\d+) of (\\d+)/);
  return m ? parseInt(m[1]) : -1;
}"""
# {trace name: number of points} of the loss chart (the first chart), or null before it draws.
_LOSS_JS = """() => {
  const gd = document.querySelector('[data-testid="rnnvizChart"] .js-plotly-plot');
  if (!gd || !gd._fullData) return null;
  return Object.fromEntries(gd._fullData.map(t => [t.name, t.y ? t.y.length : 0]));
}"""


def open_training(page, base_url, path) -> None:
    """goto with a longer wait: the first visit to a fresh server imports torch and
    measures the untrained model, which takes a minute on a busy 2-core machine."""
    page.goto(base_url.rstrip("/") + path, wait_until="domcontentloaded")
    wait_idle(page, since=0, timeout_ms=180_000)


def step(page) -> int:
    return page.evaluate(_STEP_JS)


def loss_lengths(page) -> dict:
    return page.evaluate(_LOSS_JS)


def wait_steps_above(page, n: int, timeout_ms: int = 30_000) -> int:
    """Wait until the progress bar shows more than n steps; return what it shows."""
    page.wait_for_function(f"() => ({_STEP_JS})() > {n}", timeout=timeout_ms, polling=100)
    return step(page)


def wait_loss_points_above(page, name: str, n: int, timeout_ms: int = 30_000) -> int:
    page.wait_for_function(
        f"() => {{ const d = ({_LOSS_JS})(); return d && (d[{name!r}] || 0) > {n}; }}",
        timeout=timeout_ms, polling=100,
    )
    return loss_lengths(page)[name]


def wait_settled(page, timeout_ms: int = 30_000) -> None:
    """No script run in progress, twice 300 ms apart (fragment runs come every 0.6 s
    while training, so this only holds once the page is idle)."""
    script_state = f"""() => document.querySelector('{APP}').getAttribute('data-test-script-state')"""
    deadline = time.monotonic() + timeout_ms / 1000
    while time.monotonic() < deadline:
        if page.evaluate(script_state) == "notRunning":
            page.wait_for_timeout(300)
            if page.evaluate(script_state) == "notRunning":
                return
        page.wait_for_timeout(50)
    raise AssertionError(f"{page.url}: still running after {timeout_ms} ms")


def rerun_and_read(page) -> int:
    """Rerun the whole script (Streamlit's "r" shortcut, settings unchanged) and return
    the step count it shows: what the trainer holds now, not what a past run drew."""
    page.locator('[data-testid="stMain"] h1').first.click()  # focus off any widget
    with expect_rerun(page):
        page.keyboard.press("r")
    wait_settled(page)
    return step(page)


def check_rendered(page) -> None:
    assert_no_exception(page)
    assert charts(page).count() == 2  # loss · gradient reaching each step
    errors = getattr(page, "js_errors", [])
    assert not errors, errors


def status(page) -> str:
    return page.locator('[data-testid="stMain"]').inner_text()


def test_training_start_live_other_widgets_and_stop(page, base_url, browser):
    open_training(page, base_url, URL)
    check_rendered(page)
    # idle: nothing trains before Start
    assert step(page) == 0
    assert page.locator(START).inner_text().strip() == "Start"
    assert page.locator(START).is_enabled() and page.locator(STOP).is_disabled()
    assert "Ready: press Start." in status(page)
    assert loss_lengths(page) == {NOW: 0, BASELINE: 2}

    # Start: the live panel trains a chunk per run; steps and the loss curve grow
    page.locator(START).click()
    first = wait_steps_above(page, 0, timeout_ms=90_000)  # the first run starts a worker
    points = wait_loss_points_above(page, NOW, 0)
    assert page.locator(STOP).is_enabled() and page.locator(START).is_disabled()
    assert "Training… the page stays usable" in status(page)
    later = wait_steps_above(page, first)
    wait_loss_points_above(page, NOW, points)
    assert_no_exception(page)

    # while it trains, another page of the app (another session) opens and answers a slider
    other = new_page(browser)
    try:
        t0 = time.monotonic()
        goto(other, base_url, "/clipping")
        set_slider(other, "Direction of g (degrees)", 45.0)
        other_seconds = time.monotonic() - t0
        assert "angle=45" in other.url
        assert_no_exception(other)
        assert charts(other).count() == 3
    finally:
        other.context.close()
    print(f"/clipping opened and moved a slider in {other_seconds:.1f} s during training")
    assert other_seconds < 30
    trained = wait_steps_above(page, later)  # this page kept training meanwhile
    screenshot(page, "training-running")

    # a slider on this page answers during the run: new settings start a fresh run,
    # and the run so far stays on the loss chart as an earlier run
    press_slider_key(page, HIDDEN, "ArrowRight")
    page.wait_for_function(
        f"() => ({_STEP_JS})() === 0 && (({_LOSS_JS})() || {{}})[{EARLIER!r}] > 0",
        timeout=30_000, polling=100,
    )
    assert "H=12" in page.url
    wait_settled(page)
    lengths = loss_lengths(page)
    assert lengths[NOW] == 0 and lengths[EARLIER] >= trained, lengths
    assert page.locator(START).inner_text().strip() == "Start"
    assert page.locator(STOP).is_disabled()
    check_rendered(page)

    # start the new run, then Stop: training stops on the server, not just on screen
    page.locator(START).click()
    wait_steps_above(page, 0)
    wait_steps_above(page, step(page))  # at least two chunks
    page.locator(STOP).click()
    page.wait_for_function(
        f"""() => {{ const b = document.querySelector('{START}');
                    return b && !b.disabled && b.innerText.trim() === 'Resume'; }}""",
        timeout=30_000, polling=100,
    )
    wait_settled(page)
    shown = step(page)
    assert shown > 0 and page.locator(STOP).is_disabled()
    assert f"Stopped at step {shown}." in status(page)
    # Stop waits for the worker's last snapshot, so the count shown at Stop is final.
    # Read it again after a plain rerun (the "r" shortcut), then 2 s later: it must not move.
    page.wait_for_timeout(1000)
    stopped = rerun_and_read(page)
    assert stopped == shown
    page.wait_for_timeout(2000)
    assert rerun_and_read(page) == stopped, "steps were added after Stop"
    assert loss_lengths(page)[NOW] == stopped  # the chart shows every step trained
    assert f"Stopped at step {stopped}." in status(page)
    assert page.locator(START).inner_text().strip() == "Resume"
    check_rendered(page)
    screenshot(page, "training-stopped")


REDRAW_URL = f"/training?max_steps={CAP}"  # the lesson's setting: adding, T = 100, H = 64, LSTM
SETTLE_S = 5.0  # the panel adapts its interval to the server's speed first
WINDOW_S = 15.0
MIN_NEW = 3  # redraws with new steps in WINDOW_S (the old panel: one every 7–16 s; this
# one: every REDRAW = 1 s on a quiet machine, 4 in 15 s at a load average of 25 on 2 cores)
MAX_GAP_S = 6.5  # longest wait for new steps (old: 7–16 s; this one at load 25: 5.2 s)
MIN_FINISHED = 0.75  # share of panel runs that finish rather than being cut short by the
# next tick: old chunked panel 9 of 16 here at load 3.5 (3 of 36 in issue 9), this one 13 of 15
_RUNS_JS = "() => [window.__rnnviz.starts, window.__rnnviz.done]"  # started, finished runs


def test_live_panel_redraws_at_a_steady_rate(page, base_url):
    """While a run trains, the step count and the loss chart move every fraction of a second:
    over 15 s, count the redraws that showed new steps and the longest wait between them.
    (Panel runs started and finished are printed: runs that end in the panel's own rerun,
    when it changes its interval, count as cut short there, though they drew.)"""
    open_training(page, base_url, REDRAW_URL)
    page.locator(START).click()
    wait_steps_above(page, 0, timeout_ms=180_000)  # a worker starts: it imports torch
    wait_loss_points_above(page, NOW, 0)
    page.wait_for_timeout(SETTLE_S * 1000)
    new, last, last_at, gap = 0, (step(page), loss_lengths(page)[NOW]), time.monotonic(), 0.0
    start, (starts0, done0) = time.monotonic(), page.evaluate(_RUNS_JS)
    while (now := time.monotonic()) - start < WINDOW_S:
        shown = (step(page), (loss_lengths(page) or {}).get(NOW))
        if shown != last and shown[0] == shown[1]:  # new steps, progress and chart agree
            new, last, gap, last_at = new + 1, shown, max(gap, now - last_at), now
        page.wait_for_timeout(50)
    starts, done = page.evaluate(_RUNS_JS)
    started, finished = starts - starts0, done - done0
    gap = max(gap, time.monotonic() - last_at)
    print(f"live panel in {WINDOW_S:.0f} s: {finished} of {started} runs finished, {new} drew "
          f"new steps, longest wait for new steps {gap:.1f} s, step {last[0]}")
    assert_no_exception(page)
    page.locator(STOP).click()
    assert new >= MIN_NEW, f"{new} redraws with new steps in {WINDOW_S} s"
    assert gap <= MAX_GAP_S, f"{gap:.1f} s without new steps on screen"
    assert finished >= MIN_FINISHED * started, f"only {finished} of {started} panel runs finished"
