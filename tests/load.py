"""Load generator: simulated students on a running rnnviz server, speaking Streamlit 1.67's
websocket protocol the way the browser does.

    python -m tests.load --students 40 --seconds 60 --base http://127.0.0.1:8501 --json run.json
    python -m tests.load --students 40 --seconds 60 --base http://127.0.0.1:9000   # nginx in front
    python -m tests.load --per-page --base http://127.0.0.1:8501    # server CPU ms per move
    python -m tests.load --table a.json b.json ...                  # the README rows
    python -m tests.load --matrix single,cluster2 --students 1,10,20,40 --seconds 60 --out DIR
                             # the README table in one command (fresh servers per run)

What a student does (checked against Debian's chromium on the same pages: see
tests/test_load.py and the notes below):

1. GET the page (`/bptt?T=50`, as a browser's address bar does; behind deploy/nginx.conf
   this sets the backend cookie), `/_stcore/health` and `/_stcore/host-config`, then opens
   the websocket `/_stcore/stream` (subprotocol "streamlit", same Origin, the cookies).
2. Sends BackMsg `rerun_script` with the query string, `page_name` = the URL path and an
   empty widget list: the page opens. Every ForwardMsg is decoded: `new_element` deltas
   register widgets (id, kind, default, `set_value`), `ref_hash` messages are resolved from
   the client's message cache (whose hashes go back in `cached_message_hashes`, aged per run
   as the frontend's ForwardMsgCache does), `page_info_changed` replaces the query string.
   A run ends at `script_finished` FINISHED_SUCCESSFULLY (a FINISHED_EARLY_FOR_RERUN is
   followed by the rerun that replaced it).
3. Every 2-4 s (`--think`) moves one control: a slider by 1-3 steps (an Arrow key press
   each, which is what a drag ending nearby amounts to), another selectbox option, a toggle
   flipped, a seed +1. Then `rerun_script` with every mounted widget's state (buttons only
   when clicked), the page's `page_script_hash`, the query string with the bound widget
   written in (defaults left out, keys sorted, as the frontend writes it). The move is
   timed from sending to `script_finished`.
4. When the websocket drops (its server process died), reconnects to the same base URL
   with backoff, like the frontend; a run that was in flight is requested again with the
   current widget states (the frontend does the same: `sendUpdateWidgetsMessage` after a
   reconnect when the last run was interrupted). Time lost to the reconnect counts in
   that move's latency.

Errors counted: websocket failures that do not recover, moves without `script_finished`
within `--timeout`, compile errors, and `exception` elements (a traceback on the page).
`st.error` boxes (a clear message for bad input) are counted apart, not as errors.

Server CPU and memory are read from /proc of the server processes: `--pids`, else found
from the base URL's port (for deploy/cluster.sh's nginx, the app processes from its
pidfiles). Every loop is bounded in time and count; it talks to the given URLs only
(meant for 127.0.0.1).
"""

from __future__ import annotations

import argparse
import asyncio
import glob
import hashlib
import http.client
import json
import math
import os
import random
import statistics
import sys
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.Slider_pb2 import Slider
from streamlit.proto.NumberInput_pb2 import NumberInput

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

FINISHED_OK = (ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY)
MOVABLE = ("slider", "select_slider", "selectbox", "toggle", "number")
CLUSTER_DIR = os.environ.get("RNNVIZ_CLUSTER_DIR", "/tmp/rnnviz-cluster-{port}")


def lesson_paths() -> list[str]:
    """URL paths of the lessons, as the navigation writes them (file stem), home left out."""
    from pages.lessons import LESSONS

    return [Path(lesson.file).stem for lesson in LESSONS[1:]]


# ------------------------------------------------------------------------- the widgets
@dataclass
class Widget:
    """One mounted widget as the frontend keeps it: its state is sent with every rerun."""

    id: str
    kind: str  # slider, select_slider, selectbox, toggle, number, button, button_group, text, file
    key: str  # query_param_key ("" when not bound to the URL)
    value: Any
    default: Any
    spec: Any = None  # the element's proto (range, step, options)

    def state(self, out) -> None:
        """Fill a WidgetState proto the way the 1.67 frontend does for this kind."""
        out.id = self.id
        if self.kind == "slider":
            out.double_array_value.data.extend(self.value)
        elif self.kind == "select_slider":
            out.string_array_value.data.extend(self.value)
        elif self.kind == "selectbox":
            out.string_value = self.value
        elif self.kind == "toggle":
            out.bool_value = self.value
        elif self.kind == "number":
            if self.spec.data_type == NumberInput.INT:
                out.int_value = int(self.value)
            else:
                out.double_value = float(self.value)
        elif self.kind == "button":
            out.trigger_value = True
        elif self.kind == "button_group":  # segmented control / pills: the chosen options
            out.string_array_value.data.extend(self.value)
        elif self.kind == "text":
            out.string_value = self.value
        elif self.kind == "file":  # a file uploader with no file
            out.file_uploader_state_value.SetInParent()

    def url_text(self) -> str:
        """The value as the frontend writes a bound widget into the URL."""
        if self.kind == "slider":
            return ",".join(js_number(v) for v in self.value)
        if self.kind == "select_slider":
            return ",".join(self.value)
        if self.kind == "toggle":
            return "true" if self.value else "false"
        if self.kind == "number":
            return js_number(self.value)
        return str(self.value)

    def moved(self, rng: random.Random) -> Any:
        """A new value: what one small gesture on this widget gives."""
        s = self.spec
        if self.kind == "slider":
            v = self.value[0]
            for _ in range(10):
                n = rng.choice((-3, -2, -1, 1, 2, 3))
                w = min(s.max, max(s.min, v + n * s.step))
                w = round(s.min + round((w - s.min) / s.step) * s.step, 10)
                if w != v:
                    return [w]
            return [v]
        if self.kind == "select_slider":
            opts = list(s.options)
            i = opts.index(self.value[0]) if self.value[0] in opts else 0
            j = min(len(opts) - 1, max(0, i + rng.choice((-2, -1, 1, 2))))
            return [opts[j if j != i else (i + 1 if i + 1 < len(opts) else i - 1)]]
        if self.kind == "selectbox":
            others = [o for o in s.options if o != self.value]
            return rng.choice(others) if others else self.value
        if self.kind == "toggle":
            return not self.value
        if self.kind == "number":
            w = self.value + (s.step or 1) * rng.choice((-1, 1))
            if s.has_max and w > s.max or s.has_min and w < s.min:
                w = self.value - (w - self.value)
            return int(w) if s.data_type == NumberInput.INT else w
        return self.value


def js_number(x: float) -> str:
    """String(x) in JavaScript for the numbers sliders hold (no exponent from 1e-6 up)."""
    x = float(x)
    if x.is_integer() and abs(x) < 1e21:
        return str(int(x))
    text = repr(x)  # the shortest digits, as JavaScript picks them
    if "e" in text and abs(x) >= 1e-6:
        from decimal import Decimal

        text = format(Decimal(text), "f")
    return text


def widget_from_element(el) -> Widget | None:
    """A Widget for a new_element that is one (None for plain elements)."""
    t = el.WhichOneof("type")
    if t == "slider":
        p = el.slider
        if p.type == Slider.SELECT_SLIDER:
            opts = list(p.options)
            default = [opts[int(i)] for i in p.default]
            value = default
            if p.set_value:  # 1.67 sends the option text in raw_value, older ones indices
                value = list(p.raw_value) or [opts[int(i)] for i in p.value]
            return Widget(p.id, "select_slider", p.query_param_key, value, default, p)
        default = list(p.default)
        value = default
        if p.set_value:
            value = list(p.value) or [float(x) for x in p.raw_value]
        return Widget(p.id, "slider", p.query_param_key, value, default, p)
    if t == "selectbox":
        p = el.selectbox
        opts = list(p.options)
        default = opts[p.default] if 0 <= p.default < len(opts) else ""
        value = p.raw_value if p.set_value else default
        return Widget(p.id, "selectbox", p.query_param_key, value, default, p)
    if t == "checkbox":
        p = el.checkbox
        value = p.value if p.set_value else p.default
        return Widget(p.id, "toggle", p.query_param_key, value, p.default, p)
    if t == "number_input":
        p = el.number_input
        cast = int if p.data_type == NumberInput.INT else float
        value = cast(p.value if p.set_value else p.default)
        return Widget(p.id, "number", p.query_param_key, value, cast(p.default), p)
    if t == "button":
        return Widget(el.button.id, "button", "", False, False, el.button)
    if t == "button_group":  # e.g. the English | 中文 switch: sends its chosen options' text
        p = el.button_group
        opts = [o.content for o in p.options]
        default = [opts[int(i)] for i in p.default if 0 <= int(i) < len(opts)]
        value = list(p.raw_values) if p.set_value else default
        return Widget(p.id, "button_group", p.query_param_key, value, default, p)
    if t == "text_area":
        p = el.text_area
        value = p.value if p.set_value else p.default
        return Widget(p.id, "text", p.query_param_key, value, p.default, p)
    if t == "file_uploader":
        from streamlit.proto.WidgetStates_pb2 import WidgetState

        empty = WidgetState().file_uploader_state_value  # no file, as the browser reports it
        return Widget(el.file_uploader.id, "file", "", empty, empty, el.file_uploader)
    return None


# ----------------------------------------------------------------------- one browser tab
class Dropped(Exception):
    """The websocket closed under a run (server process gone)."""


@dataclass
class Run:
    """What one script run (or a chain ending in a finished one) sent back."""

    started: float
    finished: float | None = None
    status: int | None = None
    bytes: int = 0
    messages: int = 0
    exceptions: list[str] = field(default_factory=list)
    error_boxes: int = 0
    elements: list[str] = field(default_factory=list)  # "path:type:md5" per element: the view


class Tab:
    """One browser tab on one page: HTTP requests, the websocket, the widget states."""

    def __init__(self, base: str, page: str, query: str, *, timeout: float = 120.0,
                 fetch_static: bool = False) -> None:
        self.base = base.rstrip("/")
        self.page = page
        self.params: dict[str, str] = dict(urllib.parse.parse_qsl(query, keep_blank_values=True))
        self.timeout = timeout
        self.cookies: dict[str, str] = {}
        self.widgets: dict[str, Widget] = {}
        self.seen: set[str] = set()
        self.page_hash = ""
        self.cache: dict[str, list] = {}  # hash -> [encoded ForwardMsg, run count]
        self.run_count = 0
        self.max_age = 2
        self.ws = None
        self.reader: asyncio.Task | None = None
        self.run: Run | None = None
        self.done: asyncio.Event = asyncio.Event()
        self.reconnects = 0
        self.closing = False
        self.backend = ""  # the backend cookie's value behind deploy/nginx.conf
        self.auto_rerun: dict[str, float] = {}
        self.view: list[str] = []
        self.sent: list[bytes] = []  # every BackMsg, for tests/browser/test_load_protocol.py

    # ----------------------------------------------------------------- HTTP and socket
    def _http_get(self, path: str) -> tuple[int, bytes]:
        u = urllib.parse.urlsplit(self.base)
        conn = http.client.HTTPConnection(u.hostname, u.port or 80, timeout=30)
        try:
            headers = {"User-Agent": "rnnviz-load"}
            if self.cookies:
                headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            conn.request("GET", path, headers=headers)
            r = conn.getresponse()
            body = r.read()
            for h in r.headers.get_all("Set-Cookie") or []:
                name, _, rest = h.partition("=")
                self.cookies[name.strip()] = rest.split(";")[0].strip()
            return r.status, body
        finally:
            conn.close()

    def query_string(self) -> str:
        return urllib.parse.urlencode(sorted(self.params.items()), safe=",")

    async def connect(self) -> None:
        """What a browser does on opening the page: the page, health, host config, socket."""
        from websockets.asyncio.client import connect

        qs = self.query_string()
        for path in (f"/{self.page}" + (f"?{qs}" if qs else ""), "/_stcore/health",
                     "/_stcore/host-config"):
            status, _ = await asyncio.to_thread(self._http_get, path)
            if status != 200:
                raise ConnectionError(f"GET {path}: HTTP {status}")
        self.backend = self.cookies.get("rnnviz_backend", "")
        ws_url = "ws" + self.base[4:] + "/_stcore/stream"
        headers = {}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        self.ws = await connect(
            ws_url, subprotocols=["streamlit"], origin=self.base, additional_headers=headers,
            max_size=None, ping_interval=None, open_timeout=30, proxy=None,
            user_agent_header="rnnviz-load",
        )
        self.reader = asyncio.create_task(self._read(self.ws))

    async def close(self) -> None:
        self.closing = True
        if self.ws is not None:
            await self.ws.close()
        if self.reader is not None:
            await asyncio.gather(self.reader, return_exceptions=True)

    async def _read(self, ws) -> None:
        from websockets.exceptions import ConnectionClosed

        try:
            async for raw in ws:
                self._on_message(raw)
        except ConnectionClosed:
            pass
        finally:
            if not self.closing:
                self.done.set()  # wake a waiting run: it sees the socket gone

    # ----------------------------------------------------------------- ForwardMsgs
    def _on_message(self, raw: bytes) -> None:
        msg = ForwardMsg()
        msg.ParseFromString(raw)
        run = self.run
        if run is not None:
            run.bytes += len(raw)
            run.messages += 1
        kind = msg.WhichOneof("type")
        if kind != "ref_hash" and msg.metadata.cacheable and msg.hash not in self.cache:
            self.cache[msg.hash] = [raw, self.run_count]
        if kind == "ref_hash":
            entry = self.cache.get(msg.ref_hash)
            if entry is None:  # the frontend fetches it over HTTP; not expected here
                if run is not None:
                    run.exceptions.append(f"cache miss {msg.ref_hash}")
                return
            entry[1] = self.run_count
            meta = msg.metadata
            msg = ForwardMsg()
            msg.ParseFromString(entry[0])
            msg.metadata.CopyFrom(meta)
            kind = msg.WhichOneof("type")
        if kind == "new_session":
            self.page_hash = msg.new_session.page_script_hash
            if msg.new_session.HasField("initialize"):
                self.max_age = msg.new_session.config.max_cached_message_age or 2
            self.seen = set()
            if run is not None:
                run.elements = []
        elif kind == "navigation":  # st.navigation names the page that ran
            self.page_hash = msg.navigation.page_script_hash or self.page_hash
        elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            self._on_element(msg.delta.new_element, list(msg.metadata.delta_path))
        elif kind == "page_info_changed":
            self.params = dict(urllib.parse.parse_qsl(msg.page_info_changed.query_string,
                                                      keep_blank_values=True))
        elif kind == "auto_rerun":
            self.auto_rerun[msg.auto_rerun.fragment_id] = msg.auto_rerun.interval
        elif kind == "stop_auto_rerun":
            self.auto_rerun.clear()
        elif kind == "script_finished":
            status = msg.script_finished
            if status != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                self.run_count += 1
                for h in [h for h, e in self.cache.items() if self.run_count - e[1] > self.max_age]:
                    del self.cache[h]
            if status == ForwardMsg.FINISHED_SUCCESSFULLY:  # removeInactive
                self.widgets = {k: w for k, w in self.widgets.items() if k in self.seen}
            if run is not None and status != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                run.status = status
                run.finished = time.monotonic()
                self.view = list(run.elements)
                self.done.set()

    def _on_element(self, el, path: list[int]) -> None:
        run = self.run
        t = el.WhichOneof("type")
        w = widget_from_element(el)
        if w is not None:
            self.seen.add(w.id)
            old = self.widgets.get(w.id)
            if old is not None and not getattr(w.spec, "set_value", False) and w.kind != "button":
                w.value = old.value  # the frontend keeps its own state unless told otherwise
            self.widgets[w.id] = w
        if run is None:
            return
        if t == "exception":
            run.exceptions.append(f"{el.exception.type}: {el.exception.message}"[:300])
        elif t == "alert" and el.alert.format == el.alert.ERROR:
            run.error_boxes += 1
        if w is not None:  # what the widget shows (its proto differs when seeded from the URL)
            run.elements.append(f"{path}:{t}:{w.id}={w.value!r}")
        else:
            run.elements.append(f"{path}:{t}:" + hashlib.md5(
                el.SerializeToString(deterministic=True)).hexdigest()[:16])

    # ----------------------------------------------------------------- BackMsgs
    def _rerun_msg(self, trigger: str | None = None, first: bool = False,
                   fragment: str = "") -> BackMsg:
        back = BackMsg()
        rs = back.rerun_script
        rs.query_string = self.query_string()
        rs.page_name = self.page if first else ""
        rs.page_script_hash = "" if first else self.page_hash
        rs.fragment_id = fragment
        rs.widget_states.SetInParent()
        if not first:
            for w in self.widgets.values():
                if w.kind == "button" and w.id != trigger:
                    continue
                if w.kind == "other":
                    continue
                w.state(rs.widget_states.widgets.add())
        rs.cached_message_hashes.extend(self.cache.keys())
        ci = rs.context_info
        ci.timezone, ci.timezone_offset, ci.locale = "UTC", 0, "en-US"
        ci.url, ci.is_embedded, ci.color_scheme = f"{self.base}/{self.page}", False, "light"
        return back

    async def request(self, back_factory, *, reconnect_deadline: float | None = None) -> Run:
        """Send a rerun; wait for its script_finished. Reconnects if the socket drops."""
        from websockets.exceptions import ConnectionClosed

        run = Run(started=time.monotonic())
        deadline = run.started + self.timeout
        while True:
            self.run = run
            self.done.clear()
            try:
                if self.ws is None:
                    raise Dropped
                data = back_factory().SerializeToString()
                self.sent.append(data)
                await self.ws.send(data)
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError
                await asyncio.wait_for(self.done.wait(), remaining)
                if run.finished is not None:
                    self.run = None
                    return run
                raise Dropped  # woken by the reader ending
            except (ConnectionClosed, Dropped, OSError):
                await self._reconnect(deadline)
            except (asyncio.TimeoutError, TimeoutError):
                self.run = None
                raise TimeoutError(f"no script_finished within {self.timeout:.0f} s") from None

    async def _reconnect(self, deadline: float) -> None:
        """The frontend's reconnect: retry with backoff until the deadline."""
        delay = 0.25
        self.reconnects += 1
        if self.reader is not None:
            self.reader.cancel()
        while True:
            try:
                if self.ws is not None:
                    await asyncio.wait_for(self.ws.close(), 2)
            except Exception:  # noqa: BLE001 - the old socket is gone either way
                pass
            self.ws = None
            try:
                await self.connect()
                return
            except Exception:  # noqa: BLE001 - any failure: retry until the deadline
                if time.monotonic() + delay > deadline:
                    raise TimeoutError("could not reconnect") from None
                await asyncio.sleep(delay)
                delay = min(delay * 2, 2.0)

    async def open(self) -> Run:
        await self.connect()
        return await self.request(lambda: self._rerun_msg(first=True))

    def movable(self) -> list[Widget]:
        return [w for w in self.widgets.values() if w.kind in MOVABLE and not w.spec.disabled]

    async def move(self, rng: random.Random, widget: Widget | None = None,
                   value: Any = None) -> tuple[Widget, Run]:
        """Change one widget (random unless given) and rerun, as the frontend does."""
        # each run mounts new Widget objects: look a given one up by id
        w = self.widgets[widget.id] if widget is not None else rng.choice(self.movable())
        w.value = w.moved(rng) if value is None else value
        if w.key:
            if w.value == w.default:
                self.params.pop(w.key, None)
            else:
                self.params[w.key] = w.url_text()
        return w, await self.request(lambda: self._rerun_msg())

    async def click(self, label_part: str) -> Run:
        """Click the button whose id contains label_part (a preset or reset)."""
        ids = [w.id for w in self.widgets.values() if w.kind == "button" and label_part in w.id]
        if not ids:
            raise KeyError(label_part)
        return await self.request(lambda: self._rerun_msg(trigger=ids[0]))


# ----------------------------------------------------------------- server processes
def _listening_pids(port: int) -> list[int]:
    """PIDs holding a LISTEN socket on 127.0.0.1/0.0.0.0:port (from /proc/net/tcp)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            parts = line.split()
            if parts[3] == "0A" and int(parts[1].rsplit(":", 1)[1], 16) == port:
                inodes.add(parts[9])
    pids = []
    for fd_dir in glob.glob("/proc/[0-9]*/fd"):
        try:
            for fd in os.listdir(fd_dir):
                link = os.readlink(f"{fd_dir}/{fd}")
                if link.startswith("socket:[") and link[8:-1] in inodes:
                    pids.append(int(fd_dir.split("/")[2]))
                    break
        except OSError:
            continue
    return sorted(set(pids))


def _comm(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return ""


def server_pids(bases: list[str]) -> list[int]:
    """The app processes behind the base URLs: listeners, or deploy/cluster.sh's pidfiles."""
    pids: list[int] = []
    for base in bases:
        port = urllib.parse.urlsplit(base).port or 80
        found = _listening_pids(port)
        if any(_comm(p) == "nginx" for p in found):
            for f in sorted(glob.glob(os.path.join(CLUSTER_DIR.format(port=port), "app-*.pid"))):
                try:
                    pids.append(int(Path(f).read_text().split()[0]))
                except (OSError, ValueError, IndexError):
                    pass
        else:
            pids.extend(p for p in found if p not in pids)
    return pids


def _proc_tree(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for stat in glob.glob("/proc/[0-9]*/stat"):
        try:
            parts = Path(stat).read_text().rsplit(")", 1)[1].split()
            children.setdefault(int(parts[1]), []).append(int(stat.split("/")[2]))
        except (OSError, ValueError, IndexError):
            continue
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children.get(p, []))
    return out


def proc_sample(pid: int) -> tuple[float, float] | None:
    """(CPU seconds, RSS MB) of a process and its descendants; None if it is gone."""
    tick = os.sysconf("SC_CLK_TCK")
    cpu = rss = 0.0
    alive = False
    for p in _proc_tree(pid):
        try:
            parts = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            cpu += (int(parts[11]) + int(parts[12])) / tick
            rss += int(parts[21]) * os.sysconf("SC_PAGE_SIZE") / 2**20
            alive = True
        except (OSError, ValueError, IndexError):
            continue
    return (cpu, rss) if alive else None


def loadavg() -> list[float]:
    return [float(x) for x in Path("/proc/loadavg").read_text().split()[:3]]


class Sampler:
    """CPU and memory of the server processes once a second, in a background task."""

    def __init__(self, pids: list[int], every: float = 1.0) -> None:
        self.pids = pids
        self.every = every
        self.samples: list[dict] = []
        self.task: asyncio.Task | None = None

    def take(self) -> dict:
        s = {"t": time.monotonic(), "procs": {}}
        for p in self.pids:
            got = proc_sample(p)
            if got is not None:
                s["procs"][str(p)] = {"cpu_s": round(got[0], 3), "rss_mb": round(got[1], 1)}
        self.samples.append(s)
        return s

    async def _loop(self) -> None:
        while True:
            await asyncio.to_thread(self.take)
            await asyncio.sleep(self.every)

    def start(self) -> None:
        self.task = asyncio.create_task(self._loop())

    async def stop(self) -> None:
        if self.task:
            self.task.cancel()
            await asyncio.gather(self.task, return_exceptions=True)
        await asyncio.to_thread(self.take)

    def summary(self, t0: float, t1: float) -> dict:
        """CPU % (of one core) over [t0, t1] and RSS start / peak / end, summed over processes."""
        if not self.samples:
            return {}
        def total(s, k):
            return sum(v[k] for v in s["procs"].values())
        first = min(self.samples, key=lambda s: abs(s["t"] - t0))
        last = min(self.samples, key=lambda s: abs(s["t"] - t1))
        per_proc = {}
        for p in self.pids:
            a, b = first["procs"].get(str(p)), last["procs"].get(str(p))
            if a and b and last["t"] > first["t"]:
                per_proc[str(p)] = round(100 * (b["cpu_s"] - a["cpu_s"]) / (last["t"] - first["t"]), 1)
        span = last["t"] - first["t"]
        return {
            "cpu_percent": round(100 * (total(last, "cpu_s") - total(first, "cpu_s")) / span, 1)
            if span > 0 else None,
            "cpu_percent_per_process": per_proc,
            "rss_mb_start": round(total(self.samples[0], "rss_mb"), 1),
            "rss_mb_peak": round(max(total(s, "rss_mb") for s in self.samples), 1),
            "rss_mb_end": round(total(self.samples[-1], "rss_mb"), 1),
        }


# ------------------------------------------------------------------------- a class
@dataclass
class Config:
    bases: list[str]
    students: int
    seconds: float
    pages: list[str]
    think: tuple[float, float] = (2.0, 4.0)
    ramp: float = 2.0
    timeout: float = 120.0
    grace: float = 60.0
    seed: int = 0


def percentile(xs: list[float], q: float) -> float | None:
    if not xs:
        return None
    xs = sorted(xs)
    k = (len(xs) - 1) * q
    lo, hi = math.floor(k), math.ceil(k)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


async def student(i: int, cfg: Config, t_end: float, out: dict) -> None:
    """One student: opens a lesson (student i the i-th, in the lessons' order), moves a
    random control every few seconds until t_end."""
    rng = random.Random(cfg.seed * 100_003 + i)
    page = cfg.pages[(i + cfg.seed) % len(cfg.pages)]  # every lesson in turn: any N is a fair mix
    base = cfg.bases[i % len(cfg.bases)]
    tab = Tab(base, page, "", timeout=cfg.timeout)
    rec = {"student": i, "page": page, "base": base, "opens": [], "moves": [], "errors": [],
           "exceptions": [], "error_boxes": 0}
    out["students"].append(rec)
    await asyncio.sleep(rng.uniform(0, cfg.ramp))
    try:
        run = await tab.open()
        rec["opens"].append(_run_record(run, page, "open"))
        rec["exceptions"] += run.exceptions
        while True:
            await asyncio.sleep(rng.uniform(*cfg.think))
            if time.monotonic() >= t_end:
                break
            if not tab.movable():
                rec["errors"].append("no control to move")
                break
            rec["moves"].append({"page": page, "ok": False, "sent": time.monotonic()})
            w, run = await tab.move(rng)
            rec["moves"][-1] = _run_record(run, page, w.key or w.id)
            rec["exceptions"] += run.exceptions
            rec["error_boxes"] += run.error_boxes
    except Exception as exc:  # noqa: BLE001 - counted: a timeout, a socket that never came back
        rec["errors"].append(f"{type(exc).__name__}: {exc}"[:300])
    finally:
        rec["reconnects"] = tab.reconnects
        rec["backend"] = tab.backend
        rec["final_query"] = tab.query_string()
        rec["final_view"] = tab.view
        await tab.close()


def _run_record(run: Run, page: str, what: str) -> dict:
    ok = run.finished is not None and run.status in FINISHED_OK and not run.exceptions
    return {"page": page, "what": what, "ok": ok,
            "latency_s": round(run.finished - run.started, 4) if run.finished else None,
            "bytes": run.bytes, "status": run.status}


async def run_class(cfg: Config, pids: list[int]) -> dict:
    """cfg.students students for cfg.seconds; returns the record and summary."""
    out: dict[str, Any] = {"config": {**cfg.__dict__}, "students": [], "pids": pids,
                           "loadavg_before": loadavg()}
    sampler = Sampler(pids)
    sampler.start()
    await asyncio.sleep(1.2)
    t0 = time.monotonic()
    t_end = t0 + cfg.seconds
    tasks = [asyncio.create_task(student(i, cfg, t_end, out)) for i in range(cfg.students)]
    done, pending = await asyncio.wait(tasks, timeout=cfg.seconds + cfg.grace + cfg.ramp)
    for t in pending:  # a move still waiting after the grace period: not completed
        t.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    t1 = time.monotonic()
    await sampler.stop()
    out["loadavg_after"] = loadavg()
    out["wall_s"] = round(t1 - t0, 1)
    out["server"] = sampler.summary(t0, t1)
    out["server_samples"] = sampler.samples
    out["summary"] = summarise(out)
    return out


def summarise(out: dict) -> dict:
    moves = [m for s in out["students"] for m in s["moves"]]
    opens = [m for s in out["students"] for m in s["opens"]]
    lat = [m["latency_s"] for m in moves if m.get("ok")]
    open_lat = [m["latency_s"] for m in opens if m.get("ok")]
    per_page: dict[str, dict] = {}
    for m in moves:
        d = per_page.setdefault(m["page"], {"moves": 0, "ok": 0, "lat": [], "bytes": []})
        d["moves"] += 1
        if m.get("ok"):
            d["ok"] += 1
            d["lat"].append(m["latency_s"])
            d["bytes"].append(m["bytes"])
    backends: dict[str, int] = {}
    for s in out["students"]:
        backends[s.get("backend") or s["base"]] = backends.get(s.get("backend") or s["base"], 0) + 1
    return {
        "students": len(out["students"]),
        "moves": len(moves),
        "moves_ok": len(lat),
        "p50_s": _r(percentile(lat, 0.5)), "p95_s": _r(percentile(lat, 0.95)),
        "max_s": _r(max(lat) if lat else None),
        "opens": len(opens), "opens_ok": len(open_lat),
        "open_p50_s": _r(percentile(open_lat, 0.5)), "open_max_s": _r(max(open_lat) if open_lat else None),
        "errors": sum(len(s["errors"]) for s in out["students"]),
        "exceptions": sum(len(s["exceptions"]) for s in out["students"]),
        "error_boxes": sum(s["error_boxes"] for s in out["students"]),
        "reconnects": sum(s.get("reconnects", 0) for s in out["students"]),
        "moves_per_s": _r(len(lat) / out["wall_s"]) if out.get("wall_s") else None,
        "kb_per_move": _r(statistics.mean(m["bytes"] for m in moves if m.get("ok")) / 1024) if lat else None,
        "per_page": {p: {"moves": d["moves"], "ok": d["ok"], "p50_s": _r(percentile(d["lat"], 0.5)),
                         "p95_s": _r(percentile(d["lat"], 0.95)),
                         "kb": _r(statistics.mean(d["bytes"]) / 1024) if d["bytes"] else None}
                     for p, d in sorted(per_page.items())},
        "students_per_backend": backends,
        "server": out.get("server", {}),
        "loadavg": out.get("loadavg_before"),
    }


def _r(x: float | None, nd: int = 3) -> float | None:
    return None if x is None else round(x, nd)


def print_summary(s: dict, label: str = "") -> None:
    srv = s.get("server", {})
    print(f"{label}students {s['students']}: moves {s['moves_ok']}/{s['moves']} "
          f"p50 {s['p50_s']} s p95 {s['p95_s']} s max {s['max_s']} s | opens {s['opens_ok']}/"
          f"{s['opens']} p50 {s['open_p50_s']} max {s['open_max_s']} s | errors {s['errors']} "
          f"exceptions {s['exceptions']} reconnects {s['reconnects']} | {s['kb_per_move']} kB/move | "
          f"server CPU {srv.get('cpu_percent')} % {srv.get('cpu_percent_per_process')} "
          f"RSS {srv.get('rss_mb_start')} -> {srv.get('rss_mb_peak')} MB (end {srv.get('rss_mb_end')}) | "
          f"load {s['loadavg']}")


def table_rows(files: list[str]) -> str:
    """Markdown rows from --json files: the README's load table."""
    lines = ["| setup | students | moves done | p50 | p95 | max | errors | server CPU | memory start → peak | load avg |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for f in files:
        d = json.loads(Path(f).read_text())
        s = d["summary"]
        srv = s.get("server", {})
        setup = d.get("label") or ", ".join(d["config"]["bases"])
        lines.append(
            f"| {setup} | {s['students']} | {s['moves_ok']} / {s['moves']} | {s['p50_s']} s | "
            f"{s['p95_s']} s | {s['max_s']} s | {s['errors'] + s['exceptions']} | "
            f"{srv.get('cpu_percent')} % | {srv.get('rss_mb_start')} → {srv.get('rss_mb_peak')} MB | "
            f"{' '.join(str(x) for x in (s.get('loadavg') or []))} |")
    return "\n".join(lines)


# ------------------------------------------------------------------------ per page
async def per_page(base: str, pages: list[str], pid: int | None, repeats: int = 6,
                   seed: int = 0) -> list[dict]:
    """Server CPU ms per move, cold (new settings) and warm (settings seen before), and bytes.

    One tab at a time, so the server's CPU time over a move is that move's cost (read from
    /proc in 10 ms ticks: the mean of `repeats` moves). Open: the page's first run on this
    server (imports, start-up caches). Cold: a URL slider moved to a value not seen before.
    Warm: moved back to the value before (every cached result hits; charts the browser
    still holds go as references)."""
    rng = random.Random(seed)
    rows = []

    def cpu() -> float:
        got = proc_sample(pid) if pid else None
        return got[0] if got else 0.0

    for page in pages:
        tab = Tab(base, page, "")
        c0 = cpu()
        run = await tab.open()
        open_ms, open_bytes = 1000 * (cpu() - c0), run.bytes
        cold, warm, cold_b, warm_b, lat_cold, lat_warm = [], [], [], [], [], []
        sliders = [w for w in tab.movable() if w.kind in ("slider", "select_slider") and w.key]
        seen = set()
        for k in range(repeats):
            w = tab.widgets[sliders[k % len(sliders)].id] if sliders else rng.choice(tab.movable())
            before = w.value
            seen.add((w.id, repr(before)))
            new = w.moved(rng)
            for _ in range(20):  # a value this server has not computed yet
                if (w.id, repr(new)) not in seen:
                    break
                new = w.moved(rng)
            seen.add((w.id, repr(new)))
            c0 = cpu()
            _, r1 = await tab.move(rng, w, value=new)
            cold.append(1000 * (cpu() - c0))
            cold_b.append(r1.bytes)
            lat_cold.append(r1.finished - r1.started)
            c0 = cpu()
            _, r2 = await tab.move(rng, w, value=before)
            warm.append(1000 * (cpu() - c0))
            warm_b.append(r2.bytes)
            lat_warm.append(r2.finished - r2.started)
        await tab.close()
        rows.append({"page": page, "open_cpu_ms": round(open_ms),
                     "open_kb": round(open_bytes / 1024, 1),
                     "cold_cpu_ms": round(statistics.mean(cold)),
                     "warm_cpu_ms": round(statistics.mean(warm)),
                     "cold_kb": round(statistics.median(cold_b) / 1024, 1),
                     "warm_kb": round(statistics.median(warm_b) / 1024, 1),
                     "cold_latency_s": round(statistics.median(lat_cold), 3),
                     "warm_latency_s": round(statistics.median(lat_warm), 3)})
        print(rows[-1], flush=True)
    return rows


def per_page_table(rows: list[dict]) -> str:
    lines = ["| page | open: CPU ms / kB | move, new settings: CPU ms / kB | move, seen settings: CPU ms / kB |",
             "|---|---|---|---|"]
    for r in rows:
        lines.append(f"| /{r['page']} | {r['open_cpu_ms']} / {r['open_kb']} | {r['cold_cpu_ms']} / "
                     f"{r['cold_kb']} | {r['warm_cpu_ms']} / {r['warm_kb']} |")
    return "\n".join(lines)


# ------------------------------------------------------------------------- warm-up
def warm_queries(page: str) -> list[str]:
    """The URLs a class shares most, per lesson: the defaults and every preset (what a
    teacher's "click *exploding*" sends forty students to), in English and in Chinese."""
    from tests.page_tables import tables

    queries = [""]
    try:
        t = tables(page)
        controls = {c.key: c for c in getattr(t, "CONTROLS", ())}
        for preset in getattr(t, "PRESETS", {}).values():
            queries.append("&".join(f"{k}={urllib.parse.quote(controls[k].url_text(v))}"
                                    for k, v in sorted(preset.items()) if k in controls))
    except Exception as e:  # noqa: BLE001 - a page whose tables cannot be read: defaults only
        print(f"warm-up: {page}: presets not read ({e})", file=sys.stderr)
    return [q for q0 in dict.fromkeys(queries) for q in (q0, f"{q0}&lang=zh" if q0 else "lang=zh")]


async def warm(bases: list[str], pages: list[str]) -> None:
    """Open every lesson once with its defaults and with each preset, in both languages, on
    each server (servers side by side): the imports (torch on /training: ~4.5 s of CPU), the
    start-up caches, and the results and figures of the settings a class shares are made
    once, before students arrive (deploy/cluster.sh runs this)."""
    async def one(base: str) -> None:
        for page in pages:
            for query in warm_queries(page):
                tab = Tab(base, page, query, timeout=300)
                try:
                    run = await tab.open()
                    if run.exceptions:
                        print(f"warm-up: {base}/{page}?{query}: {run.exceptions[0]}",
                              file=sys.stderr)
                finally:
                    await tab.close()

    await asyncio.gather(*(one(b) for b in bases))


# ------------------------------------------------------------------------ the matrix
def matrix(students: list[int], setups: list[str], seconds: float, out_dir: str,
           pages: list[str], extra: tuple[str, ...] = ()) -> list[str]:
    """Every setup x class size on fresh servers: one JSON per run, in out_dir.

    Setups: "single" (one `streamlit run app.py`) or "clusterN" (deploy/cluster.sh up N).
    Each run starts its servers anew (warmed as deploy/cluster.sh warms them: every lesson
    opened once), so no run inherits another's caches.
    """
    import contextlib
    import subprocess

    from tests.browser.harness import free_port, streamlit_server

    Path(out_dir).mkdir(parents=True, exist_ok=True)
    files = []
    for setup in setups:
        for n in students:
            if setup == "single":
                ctx = streamlit_server(extra_args=extra)
            elif setup.startswith("cluster"):
                @contextlib.contextmanager
                def ctx_cluster(k=int(setup[7:] or 2)):
                    port = free_port()
                    subprocess.run(["bash", "deploy/cluster.sh", "up", str(k), str(port)],
                                   cwd=REPO_ROOT, check=True, timeout=900)  # with the warm-up
                    try:
                        yield f"http://127.0.0.1:{port}"
                    finally:
                        subprocess.run(["bash", "deploy/cluster.sh", "down", str(port)],
                                       cwd=REPO_ROOT, timeout=120)
                ctx = ctx_cluster()
            else:
                raise ValueError(f"unknown setup {setup!r}")
            with ctx as url:
                if setup == "single":  # as deploy/cluster.sh warms its processes
                    asyncio.run(warm([url], pages))
                cfg = Config([url], n, seconds, pages)
                out = asyncio.run(run_class(cfg, server_pids([url])))
            out["label"] = setup
            f = str(Path(out_dir) / f"{setup}-{n}.json")
            Path(f).write_text(json.dumps(out, indent=1, default=str))
            print_summary(out["summary"], f"[{setup}] ")
            files.append(f)
    return files


# ------------------------------------------------------------------------------ main
def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tests.load", description=__doc__.split("\n\n")[0])
    ap.add_argument("--students", default="10", help="class size (for --matrix: 1,10,20,40)")
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--base", default="http://127.0.0.1:8501",
                    help="server URL(s), comma-separated: student i uses URL i mod n")
    ap.add_argument("--pages", default="", help="comma-separated URL paths (default: every lesson)")
    ap.add_argument("--think", default="2,4", help="seconds between moves: min,max")
    ap.add_argument("--ramp", type=float, default=2.0, help="students arrive over this many seconds")
    ap.add_argument("--timeout", type=float, default=120.0, help="a move not finished by then fails")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--pids", default="", help="server PIDs to sample (default: found by port)")
    ap.add_argument("--quiet-after", type=float, default=0,
                    help="after the run, wait this long and report the servers' memory again")
    ap.add_argument("--json", default="", help="write everything measured to this file")
    ap.add_argument("--label", default="", help="setup name for --table (e.g. 'cluster of 2')")
    ap.add_argument("--per-page", action="store_true", help="per-page CPU ms / kB per move")
    ap.add_argument("--table", nargs="*", help="print the README table from --json files")
    ap.add_argument("--matrix", default="", metavar="SETUPS",
                    help="e.g. single,cluster2: start fresh servers per run (ignores --base) "
                         "for every --students value (comma-separated); JSONs to --out")
    ap.add_argument("--out", default="load-results", help="folder for --matrix JSONs")
    ap.add_argument("--warm", action="store_true",
                    help="open every lesson once on each --base URL (no students) and exit")
    args = ap.parse_args(argv)

    if args.table is not None:
        print(table_rows(args.table))
        return 0
    pages = [p.strip().strip("/") for p in args.pages.split(",") if p.strip()] or lesson_paths()
    sizes = [int(x) for x in args.students.split(",")]
    if args.matrix:
        files = matrix(sizes, args.matrix.split(","), args.seconds, args.out, pages)
        print(table_rows(files))
        return 0
    bases = [b.strip().rstrip("/") for b in args.base.split(",") if b.strip()]
    if args.warm:
        asyncio.run(warm(bases, pages))
        return 0
    pids = [int(p) for p in args.pids.split(",") if p.strip()] or server_pids(bases)
    if args.per_page:
        if len(pids) != 1:
            print(f"--per-page needs one server process; found {pids}", file=sys.stderr)
        rows = asyncio.run(per_page(bases[0], pages, pids[0] if pids else None, seed=args.seed))
        print(per_page_table(rows))
        if args.json:
            Path(args.json).write_text(json.dumps({"per_page": rows, "loadavg": loadavg()}, indent=1))
        return 0
    lo, hi = (float(x) for x in args.think.split(","))
    cfg = Config(bases, sizes[0], args.seconds, pages, (lo, hi), args.ramp, args.timeout,
                 seed=args.seed)
    out = asyncio.run(run_class(cfg, pids))
    out["label"] = args.label
    if args.quiet_after > 0:
        time.sleep(args.quiet_after)
        out["rss_mb_after_quiet"] = round(sum((proc_sample(p) or (0, 0))[1] for p in pids), 1)
        out["summary"]["server"]["rss_mb_after_quiet"] = out["rss_mb_after_quiet"]
    print_summary(out["summary"], f"[{args.label}] " if args.label else "")
    if args.json:
        Path(args.json).write_text(json.dumps(out, indent=1, default=str))
    s = out["summary"]
    return 0 if s["errors"] == 0 and s["exceptions"] == 0 and s["moves_ok"] == s["moves"] else 1


if __name__ == "__main__":
    sys.exit(main())
