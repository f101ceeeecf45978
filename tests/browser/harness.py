"""Real-browser harness: a `streamlit run app.py` server driven by Debian's chromium.

Shared by the pytest fixtures (conftest.py) and the latency probe (latency.py);
nothing here imports pytest. Page authors use: `goto`, `expect_rerun` (wrap any
click or key press that reruns the script), `wait_idle`, `charts`,
`assert_no_exception`, `set_slider` (and `press_slider_key`, `drag_slider`,
`slider_state`), `screenshot`, `nav_links`.

"The script has finished" is read from two places. The frontend mirrors its run state
on `[data-testid="stApp"]` (`data-test-script-state`: initial, running, notRunning,
...; `data-test-connection-state`: CONNECTED when live), which Streamlit's own
Playwright suite waits on. But a widget change only flips that state once the server
answers, and a run of a few ms may never show "running" at all, so the probe also
reads the websocket: each run starts with a ForwardMsg `new_session` and ends with a
`script_finished`. See `_PROBE_JS`.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Iterator

REPO_ROOT = Path(__file__).resolve().parents[2]
SCREENSHOT_DIR = Path(__file__).resolve().parent / "screenshots"

CHROMIUM = "/usr/bin/chromium"
# Flags for Debian chromium as root on a machine with a closed network: without the
# background-networking ones chromium keeps dialling Google's hosts at every start.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1400, "height": 1000}  # wide enough that the sidebar stays open

SERVER_START_TIMEOUT_S = 90.0  # health answers before any script runs: ~1-3 s here
RUN_TIMEOUT_MS = 60_000  # longest one script run (the first imports torch) may take

APP = '[data-testid="stApp"]'
SIDEBAR_LINK = '[data-testid="stSidebarNav"] a[data-testid="stSidebarNavLink"]'
SIDEBAR_MORE = '[data-testid="stSidebarNavViewButton"]'
# a chart: the app's own (pages/chart.py) or Streamlit's st.plotly_chart (latency's control page)
PLOTLY_CHART = '[data-testid="rnnvizChart"], [data-testid="stPlotlyChart"]'
PLOTLY_DIV = ':is([data-testid="rnnvizChart"], [data-testid="stPlotlyChart"]) .js-plotly-plot'
EXCEPTION = '[data-testid="stException"]'
SLIDER = '[data-testid="stSlider"]'


# --------------------------------------------------------------------------- server


def free_port() -> int:
    """A TCP port that was free on 127.0.0.1 a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


_NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _healthy(base_url: str) -> bool:
    try:
        with _NO_PROXY.open(base_url + "/_stcore/health", timeout=2) as r:
            return r.status == 200 and r.read().strip() == b"ok"
    except (urllib.error.URLError, OSError):
        return False


class ServerError(RuntimeError):
    """The Streamlit server did not come up; the message holds its log tail."""


@contextlib.contextmanager
def streamlit_server(
    script: str = "app.py",
    *,
    cwd: Path = REPO_ROOT,
    timeout_s: float = SERVER_START_TIMEOUT_S,
    extra_args: tuple[str, ...] = (),
) -> Iterator[str]:
    """Run `streamlit run <script>` headless on a free port; yield its base URL
    (http://127.0.0.1:PORT); always stop it.

    The server's output goes to a temporary log file whose tail is put in the error
    when the server dies or never answers /_stcore/health. A port taken between
    choosing it and binding it (other processes) is retried on another port.
    """
    if not (Path(cwd) / script).exists():
        raise ServerError(f"{Path(cwd) / script} does not exist; nothing to serve.")
    for attempt in range(3):
        proc, log, base_url, cmd = _start(script, cwd, extra_args)
        try:
            error = _wait_healthy(proc, log, base_url, cmd, timeout_s)
            if error is None:
                yield base_url
                return
            if "already in use" not in error or attempt == 2:
                raise ServerError(error)
        finally:
            _stop(proc)
            log.close()
            with contextlib.suppress(OSError):
                os.unlink(log.name)


def _start(script: str, cwd: Path, extra_args: tuple[str, ...]):
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    cmd = [
        sys.executable, "-m", "streamlit", "run", script,
        "--server.headless", "true",
        "--server.port", str(port),
        "--server.address", "127.0.0.1",
        "--browser.gatherUsageStats", "false",
        "--server.fileWatcherType", "none",  # tests don't edit files; saves a core
        *extra_args,
    ]
    log = tempfile.NamedTemporaryFile(
        mode="w+", prefix="streamlit-", suffix=".log", delete=False
    )
    proc = subprocess.Popen(
        cmd, cwd=cwd, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        env={**os.environ, "PYTHONUNBUFFERED": "1"}, preexec_fn=_die_with_parent,
    )
    return proc, log, base_url, cmd


def _wait_healthy(proc, log, base_url: str, cmd: list[str], timeout_s: float) -> str | None:
    """None once /_stcore/health answers "ok"; else why not, with the log's tail."""
    def tail(n: int = 60) -> str:
        log.flush()
        return "\n".join(Path(log.name).read_text(errors="replace").splitlines()[-n:])

    deadline = time.monotonic() + timeout_s
    while not _healthy(base_url):
        if proc.poll() is not None:
            return (f"streamlit exited with code {proc.returncode} before answering "
                    f"/_stcore/health.\n$ {' '.join(cmd)}\n{tail()}")
        if time.monotonic() > deadline:
            return (f"streamlit did not answer {base_url}/_stcore/health within "
                    f"{timeout_s:.0f} s.\n$ {' '.join(cmd)}\n{tail()}")
        time.sleep(0.2)
    return None


def _die_with_parent() -> None:
    """In the child before exec: get SIGTERM when the parent dies (Linux), so a
    killed pytest (a CI timeout, say) leaves no server behind."""
    with contextlib.suppress(Exception):
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def _stop(proc: subprocess.Popen) -> None:
    """SIGTERM the server, then SIGKILL after 10 s."""
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)


# --------------------------------------------------------------------------- browser


def browser_missing_reason() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    if not os.path.exists(CHROMIUM):
        return (
            f"{CHROMIUM} is missing: `apt-get install -y chromium chromium-driver` "
            "(tests/run.sh does this)."
        )
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is missing: `pip install -r requirements-test.txt`."
    return None


def launch_browser(playwright):
    """Debian chromium through Playwright's sync API (never Playwright's own build)."""
    return playwright.chromium.launch(
        executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
    )


# Installed in every page before its own scripts (context.add_init_script). It keeps
# window.__rnnviz up to date, on the page's clock (performance.now(), ms):
#  - starts / done: script runs started (ForwardMsg.new_session) and finished for good
#    (ForwardMsg.script_finished other than FINISHED_EARLY_FOR_RERUN), read off the
#    websocket frames; doneStarts is `starts` at the last such finish, so
#    "doneStarts === starts > token" means: a run begun after the token has finished.
#    DOM state alone is not enough: a run of a few ms can go running -> notRunning
#    inside one React render and never show "running" (seen 4 times in 30 here).
#  - plotly: every plotly event of every chart div, through a setter on `emit`
#    (plotly.js assigns gd.emit when it first plots a div, before any event), so
#    even a div created and drawn within one frame has its plotly_afterplot seen.
#    Each draw also keeps gd.calcdata: a new object means plotly.js recomputed the
#    chart from its data (a full redraw), the same one that it only restyled it.
#  - keydownAt / keyupAt / pointerupAt: the last such input event's timeStamp.
#  - frames / bytes: websocket messages received so far and their size.
_PROBE_JS = r"""
(() => {
  if (window.__rnnviz) return;
  const P = window.__rnnviz = {
    frames: 0, starts: 0, done: 0, doneStarts: -1, startAt: 0, doneAt: 0, status: -1,
    plots: 0, lastPlotAt: 0, keydownAt: 0, keyupAt: 0, pointerupAt: 0,
  };
  // --- websocket: top-level fields of each ForwardMsg frame (protobuf wire format).
  const NEW_SESSION = 4, SCRIPT_FINISHED = 6, FINISHED_EARLY_FOR_RERUN = 2;
  const onFrame = (e) => {
    if (!(e.data instanceof ArrayBuffer)) return;
    P.frames += 1;
    const b = new Uint8Array(e.data);
    P.bytes = (P.bytes || 0) + b.length;
    let i = 0;
    const varint = () => {
      let x = 0, m = 1, c;
      do { c = b[i++]; x += (c & 127) * m; m *= 128; } while (c & 128 && i < b.length);
      return x;
    };
    const now = performance.now();
    while (i < b.length) {
      const tag = varint(), field = Math.floor(tag / 8), wire = tag & 7;
      if (wire === 0) {
        const v = varint();
        if (field === SCRIPT_FINISHED && v !== FINISHED_EARLY_FOR_RERUN) {
          P.done += 1; P.doneStarts = P.starts; P.doneAt = now; P.status = v;
          P.paintAfter(now);
        }
      } else if (wire === 2) {
        const n = varint();
        if (field === NEW_SESSION) { P.starts += 1; P.startAt = now; }
        i += n;
      } else if (wire === 1) { i += 8; } else if (wire === 5) { i += 4; } else { break; }
    }
  };
  const NativeWS = window.WebSocket;
  window.WebSocket = class extends NativeWS {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', onFrame);
      P.sockets = (P.sockets || []).concat([this]);  // a test may close one (reconnect)
    }
  };
  // --- plotly: wrap gd.emit as plotly.js assigns it.
  Object.defineProperty(HTMLElement.prototype, 'emit', {
    configurable: true,
    set(fn) {
      const gd = this;
      gd.__rnnvizPlots = gd.__rnnvizPlots || [];
      gd.__rnnvizCalcs = gd.__rnnvizCalcs || [];  // gd.calcdata at each draw: new = recomputed
      Object.defineProperty(gd, 'emit', {
        configurable: true, writable: true,
        value: function (event, data) {
          if (event === 'plotly_afterplot') {
            const now = performance.now();
            gd.__rnnvizPlots.push(now); P.plots += 1; P.lastPlotAt = now;
            gd.__rnnvizCalcs.push(gd.calcdata);
            P.paintAfter(now);
          }
          return fn.call(this, event, data);
        },
      });
    },
  });
  // painted: [event time, time of the second animation frame after it] for each
  // finished run and each plotly draw: by then the frame showing it has been painted.
  P.painted = [];
  const paintAfter = (t) => requestAnimationFrame(() => requestAnimationFrame(() => {
    P.painted.push([t, performance.now()]);
    if (P.painted.length > 500) P.painted.splice(0, 250);
  }));
  P.paintAfter = paintAfter;
  const stamp = (key) => (e) => { P[key] = e.timeStamp; };
  document.addEventListener('keydown', stamp('keydownAt'), true);
  document.addEventListener('keyup', stamp('keyupAt'), true);
  document.addEventListener('pointerup', stamp('pointerupAt'), true);
})();
"""

# True when the latest run started after `need` has finished, the frontend shows it
# finished, no skeleton is left, no app chart is still drawing its figure, and every
# visible plotly div has drawn at least once.
_IDLE_JS = """(need) => {
  const P = window.__rnnviz, app = document.querySelector('[data-testid="stApp"]');
  if (!P || !app) return false;
  if (app.getAttribute('data-test-connection-state') !== 'CONNECTED') return false;
  if (app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  if (!(P.starts > need && P.doneStarts === P.starts)) return false;
  if (document.querySelector('[data-testid="stSkeleton"], [data-testid="stAppSkeleton"]'))
    return false;
  // the app's charts (pages/chart.py, keys "rnnviz_chart.*") say when plotly.js has drawn
  // or failed their figure; before its code has loaded, a chart's container is still empty
  for (const box of document.querySelectorAll('[data-testid="stElementContainer"][class*="st-key-rnnviz_chart-"]')) {
    const root = box.querySelector('[data-testid="rnnvizChart"]');
    if (!root || root.getAttribute('data-state') === 'drawing') return false;
  }
  for (const gd of document.querySelectorAll(
      ':is([data-testid="rnnvizChart"], [data-testid="stPlotlyChart"]) .js-plotly-plot')) {
    const visible = gd.offsetParent !== null && gd.offsetWidth > 0;
    if (visible && !(gd.__rnnvizPlots && gd.__rnnvizPlots.length)) return false;
  }
  return true;
}"""


def new_page(browser):
    """A page in a fresh context (no shared cookies, storage or cache) with the probe."""
    context = browser.new_context(viewport=VIEWPORT)
    context.add_init_script(_PROBE_JS)
    page = context.new_page()
    page.set_default_timeout(RUN_TIMEOUT_MS)
    return page


# --------------------------------------------------------------------------- helpers


def run_token(page) -> int:
    """Script runs started so far on this page load; take it before an action and
    pass it to `wait_idle(page, since=...)` to wait for the run the action causes."""
    return int(page.evaluate("() => window.__rnnviz ? window.__rnnviz.starts : 0"))


def wait_idle(page, since: int | None = None, timeout_ms: int = RUN_TIMEOUT_MS) -> None:
    """Wait until the script has finished and the page shows its result.

    Finished means: websocket connected, the latest script run has ended (not just
    been interrupted for a rerun), `[data-testid="stApp"]` says `notRunning`, no
    skeleton placeholders, every visible plotly chart drawn; then two animation
    frames so the result is painted. With `since` (from `run_token`), the run must
    also have started after that token: use it after a widget change, which only
    reaches the server a moment later. Without it, any finished run counts.
    """
    need = 0 if since is None else since
    try:
        page.wait_for_function(_IDLE_JS, arg=need, timeout=timeout_ms, polling="raf")
    except Exception as exc:  # playwright's TimeoutError; add what the probe saw
        state = page.evaluate(
            """() => ({probe: window.__rnnviz || null,
                 app: (e => e && [e.getAttribute('data-test-connection-state'),
                                  e.getAttribute('data-test-script-state')])(
                       document.querySelector('[data-testid="stApp"]'))})"""
        )
        raise AssertionError(
            f"{page.url}: the app did not finish a run within {timeout_ms} ms "
            f"(token {since}); page state: {state}"
        ) from exc
    _two_frames(page)


@contextlib.contextmanager
def expect_rerun(page, timeout_ms: int = RUN_TIMEOUT_MS):
    """Wait, on leaving the block, for the script run that the block's action caused:

        with expect_rerun(page):
            page.get_by_role("button", name="Exploding").click()
    """
    token = run_token(page)
    yield
    wait_idle(page, since=token, timeout_ms=timeout_ms)


def _two_frames(page) -> None:
    page.evaluate(
        "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"
    )


def goto(page, base_url: str, path_and_query: str = "/") -> None:
    """Open `base_url` + `path_and_query` (e.g. "/bptt?T=60") and wait for its run."""
    url = base_url.rstrip("/") + "/" + path_and_query.lstrip("/")
    page.goto(url, wait_until="domcontentloaded")
    wait_idle(page, since=0)  # the probe starts from zero on every page load


def charts(page):
    """Locator of the plotly charts on the page (PLOTLY_CHART)."""
    return page.locator(PLOTLY_CHART)


def exception_texts(page) -> list[str]:
    """Text of every Streamlit exception box on the page."""
    return [t.strip() for t in page.locator(EXCEPTION).all_inner_texts()]


def assert_no_exception(page, where: str = "") -> None:
    """Fail with the exception's text when the page shows `st.exception` boxes."""
    errors = exception_texts(page)
    if errors:
        label = where or page.url
        raise AssertionError(
            f"{label} shows {len(errors)} exception(s):\n" + "\n---\n".join(errors)
        )


def slider_input(page, label: str, which: int = 0):
    """The range input inside the thumb of the slider labelled exactly `label`
    (which = 0 for a single slider or a range's start, 1 for a range's end)."""
    sliders = page.locator(SLIDER).filter(
        has=page.locator('[data-testid="stWidgetLabel"]').get_by_text(label, exact=True)
    )
    count = sliders.count()
    if count != 1:
        raise AssertionError(f"expected one slider labelled {label!r}, found {count}")
    return sliders.locator('input[type="range"]').nth(which)


def slider_state(page, label: str, which: int = 0) -> dict:
    """{"value", "min", "max", "step"} of a slider (a select_slider: option index)."""
    return slider_input(page, label, which).evaluate(
        """(el) => ({value: parseFloat(el.value), min: parseFloat(el.min),
                     max: parseFloat(el.max), step: parseFloat(el.step) || 1})"""
    )


def _steps_to(state: dict, value: float) -> int:
    return round((value - state["value"]) / state["step"])


def press_slider_key(page, label: str, key: str, which: int = 0) -> None:
    """Focus the slider's thumb, press `key` once, wait for the rerun it causes.

    In Streamlit 1.67 (a react-aria slider) the value is committed on *keydown*:
    each Arrow/PageUp/Home press is its own rerun request, so keys are pressed one
    at a time with a wait in between (pressing ten fast gives up to ten reruns).
    """
    before = slider_state(page, label, which)["value"]
    token = run_token(page)
    slider_input(page, label, which).focus()
    page.keyboard.press(key)
    try:  # the thumb moves in the same task as the keydown; allow a few frames
        page.wait_for_function(
            "([el, v]) => parseFloat(el.value) !== v",
            arg=[slider_input(page, label, which).element_handle(), before],
            timeout=1000, polling="raf",
        )
    except Exception:
        return  # at the end of the track: nothing changed, no rerun to wait for
    wait_idle(page, since=token)


def drag_slider(page, label: str, value: float, which: int = 0) -> None:
    """Drag the thumb from its centre to where `value` sits on the track and release:
    one commit (react-aria calls onChangeEnd on pointer up). Does not wait."""
    box = slider_input(page, label, which).evaluate(
        """(el) => {
          const thumb = el.closest('[data-rac]');
          const track = thumb.parentElement.closest('[data-rac]');
          thumb.scrollIntoView({block: 'center'});
          const t = thumb.getBoundingClientRect(), r = track.getBoundingClientRect();
          return {x: t.left + t.width / 2, y: t.top + t.height / 2,
                  left: r.left, width: r.width, min: parseFloat(el.min),
                  max: parseFloat(el.max)};
        }"""
    )
    fraction = (value - box["min"]) / (box["max"] - box["min"])
    page.mouse.move(box["x"], box["y"])
    page.mouse.down()
    page.mouse.move(box["left"] + fraction * box["width"], box["y"], steps=4)
    page.mouse.up()


def set_slider(page, label: str, value: float, which: int = 0, max_keys: int = 3) -> None:
    """Move the slider labelled `label` to `value` and wait for the rerun.

    Up to `max_keys` steps away: Arrow key presses on the focused thumb, one rerun
    each. Farther: one drag-and-release of the thumb (one rerun), then Arrow keys
    for any step the drag's pixel rounding missed. For a select_slider, `value` is
    the option index. Raises when the slider does not end on `value`.
    """
    state = slider_state(page, label, which)
    if not state["min"] <= value <= state["max"]:
        raise ValueError(f"{label!r}: {value} is outside [{state['min']}, {state['max']}]")
    if abs(_steps_to(state, value)) > max_keys:
        token = run_token(page)
        drag_slider(page, label, value, which)
        if slider_state(page, label, which)["value"] != state["value"]:
            wait_idle(page, since=token)
    for _ in range(max_keys + 1):
        steps = _steps_to(slider_state(page, label, which), value)
        if steps == 0:
            return
        press_slider_key(page, label, "ArrowRight" if steps > 0 else "ArrowLeft", which)
    got = slider_state(page, label, which)["value"]
    raise AssertionError(f"{label!r}: asked for {value}, the slider shows {got}")


def screenshot(page, name: str, full_page: bool = True) -> Path:
    """Save a PNG to tests/browser/screenshots/<name>.png (git-ignored)."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("_") or "page"
    path = SCREENSHOT_DIR / f"{safe}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


def nav_links(page) -> list[dict]:
    """[{"label", "href"}] of every page link in the sidebar navigation, in order.

    Opens "View N more" first when the sidebar folds long lists. A one-page app has
    no sidebar navigation: the list is empty.
    """
    more = page.locator(SIDEBAR_MORE)
    if more.count() and "more" in more.inner_text().lower():
        more.click()
    return page.locator(SIDEBAR_LINK).evaluate_all(
        """els => els.map(a => {
             const label = a.querySelector('[label]');  // the icon's ligature stays out
             return {label: (label ? label.getAttribute('label') : a.innerText).trim(),
                     href: a.getAttribute('href')};
           })"""
    )
