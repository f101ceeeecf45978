"""The pages' cache: results and figures computed once per server, bounded in entries and bytes.

    from pages import memo

    @memo.data(max_entries=32)
    def lesson(T: int, H: int, act: str, seed: int):        # small settings as arguments
        return lesson_bptt.compute(T, H, act, seed)

    @memo.figure(max_entries=32)
    def curve_figure(r):                                     # a memo.data result as argument
        return gradients.gradient_norm_figure(r.log10_norm_h, labels={"title": TEXT["t"]})

    r = lesson(s.T, s.H, s.act, s.seed)
    ui.plot(curve_figure(r), key="curve")

Why not ``st.cache_data`` / ``st.cache_resource`` (issues 11 and 14):
- A figure's key follows from its data. An argument that is the result of a ``memo.data``
  call is keyed by the arguments that produced it, so a figure is cached on exactly the
  settings of the computation feeding it: no hand-written tuple that can miss a setting
  (dropping ``xs`` from /bptt's tuple used to show an old figure with every test green).
  ``memo.figure`` adds the run's language (``i18n.lang()``): figures carry TEXT labels.
  A cached function that reads the page's Settings as a global instead of taking them as
  arguments is refused on its first call (its key could not follow them).
- A hit returns the stored object itself: no pickling on every rerun as ``st.cache_data``
  does, so an unchanged figure is the same object and ``pages/chart.py`` sends its JSON,
  made once, unchanged. The arrays of a result are made read-only, so nobody can change
  what other students share.
- Decorating is cheap: ``st.cache_*`` hashes the function's source on every rerun (the page
  script runs its decorators each time; 10 % of a warm /gates rerun).
- Bounded by bytes as well as entries: the sum of the entries' sizes (numpy buffers, the
  JSON the chart element sends for a figure, strings) stays under ``BUDGET_BYTES`` for the
  whole process (``RNNVIZ_CACHE_MB``, default 256); the least recently used entries go first.
- Forty students opening the same page at once compute its defaults once: a second caller
  of a key being computed waits for the first.

Exceptions are not cached. ``clear()`` empties everything (tests/cost.py's cold runs).

Memory a class leaves behind (issue 11). Streamlit's full collection after every run is off
(.streamlit/config.toml), so figures evicted from here, and the sessions Streamlit drops
``server.disconnectedSessionTTL`` (120 s) after their tab closed, are object cycles that wait
for Python's rare oldest-generation collection, and glibc keeps freed memory in its arenas.
So when no cached function has been called for ``IDLE_S`` seconds (the class stopped
moving sliders; ``RNNVIZ_IDLE_S``, 0 turns it off) a thread of the server runs ``release()``
once: a full ``gc.collect()`` and glibc's ``malloc_trim(0)``, which hands free pages back
to the system. It repeats every minute while the server stays idle, a few times, to catch
the sessions that expire later. Under load it never runs: nobody waits for it.
"""

from __future__ import annotations

import ctypes
import dataclasses
import functools
import gc
import os
import sys
import threading
import time
import types
from collections import OrderedDict
from typing import Any, Callable

import numpy as np

BUDGET_BYTES = int(float(os.environ.get("RNNVIZ_CACHE_MB", "256")) * 2**20)

_lock = threading.Lock()
# (function id, key) -> [value, bytes, ids]; least recently used first, across all functions
_entries: OrderedDict[tuple, list] = OrderedDict()
_counts: dict[tuple, int] = {}  # function id -> its entries
# id(stored value, or an item of a stored tuple/list/dict) -> (function id, key[, item]):
# how an argument that came out of this cache is keyed. An id is forgotten with its entry.
_origin: dict[int, tuple] = {}
_running: dict[tuple, threading.Event] = {}  # keys being computed right now
_stores: dict[tuple, types.CodeType] = {}  # function id -> the code it was defined with
stats = {"hits": 0, "misses": 0, "uncached": 0, "evicted": 0, "bytes": 0, "releases": 0}
IDLE_S = float(os.environ.get("RNNVIZ_IDLE_S", "20"))
RELEASES_PER_IDLE = 4  # at IDLE_S, then every RELEASE_EVERY_S: past the sessions' 120 s TTL
RELEASE_EVERY_S = 60.0
_last_call = [time.monotonic()]  # when a cached function was last called
_watching: list[threading.Thread] = []


def _malloc_trim() -> Callable[[int], int] | None:
    try:
        return ctypes.CDLL("libc.so.6").malloc_trim  # glibc (Debian, the python images)
    except (OSError, AttributeError):
        return None


_trim = _malloc_trim()


def release() -> None:
    """Give back what nobody uses: a full collection (cycles: evicted figures, dropped
    sessions), then glibc's free pages to the system. 0.1-0.3 s of one core on a
    warmed server: run when idle only."""
    before = _rss_mb()
    gc.collect()
    if _trim is not None:
        _trim(0)
    stats["releases"] += 1
    if before is not None:  # one line in the server's log per release, for whoever watches
        print(f"rnnviz memo: idle, released memory: {before:.0f} -> {_rss_mb():.0f} MB resident "
              f"(cache {stats['bytes'] / 2**20:.0f} MB of {BUDGET_BYTES / 2**20:.0f} MB in "
              f"{len(_entries)} entries)", file=sys.stderr, flush=True)


def _rss_mb() -> float | None:
    try:
        with open("/proc/self/status") as f:
            return next(int(line.split()[1]) for line in f if line.startswith("VmRSS")) / 1024
    except (OSError, StopIteration, ValueError):
        return None


def _due(now: float, last_call: float, done: int, released_at: float) -> bool:
    """Whether the idle watcher releases now: quiet for IDLE_S, and either not released
    yet in this quiet period, or RELEASE_EVERY_S since the last of fewer than
    RELEASES_PER_IDLE releases."""
    if now - last_call < IDLE_S:
        return False
    return done == 0 or (done < RELEASES_PER_IDLE and now - released_at >= RELEASE_EVERY_S)


def _watch_idle() -> None:
    """The server's idle watcher (a daemon thread): release() when the class goes quiet."""
    done, released_at = 0, 0.0
    while True:
        time.sleep(max(IDLE_S / 4, 1.0))
        now = time.monotonic()
        if now - _last_call[0] < IDLE_S:
            done = 0  # busy again: a new quiet period starts afterwards
        elif _due(now, _last_call[0], done, released_at):
            release()
            done, released_at = done + 1, time.monotonic()


def _start_watching() -> None:
    """Start the idle watcher once per process, in a Streamlit server only (not in tests
    or AppTest, which have no server runtime)."""
    if _watching or IDLE_S <= 0:
        return
    try:
        from streamlit import runtime

        # AppTest puts a MagicMock(spec=Runtime) there while it runs a page: not a server
        if not runtime.exists() or type(runtime.get_instance()) is not runtime.Runtime:
            return
    except Exception:  # noqa: BLE001 - no Streamlit: nothing to watch
        return
    with _lock:
        if not _watching:
            t = threading.Thread(target=_watch_idle, name="rnnviz-memo-idle", daemon=True)
            _watching.append(t)
            t.start()


def clear() -> None:
    with _lock:
        _entries.clear()
        _counts.clear()
        _origin.clear()
        _stores.clear()
        stats.update(hits=0, misses=0, uncached=0, evicted=0, bytes=0, releases=0)


def total_bytes() -> int:
    return stats["bytes"]


class _Unkeyable(Exception):
    pass


_SCALARS = (int, float, str, bool, bytes, type(None), np.integer, np.floating, np.bool_)


def _key_of(arg: Any) -> Any:
    """A hashable key standing for ``arg``: its value for settings, the producing call's key
    for a memo.data result, element-wise for tuples, lists and dicts."""
    if isinstance(arg, _SCALARS):
        return (type(arg).__name__, arg)  # 1, 1.0 and True are different settings
    origin = _origin.get(id(arg))
    if origin is not None:
        return ("memo",) + origin
    if isinstance(arg, (tuple, list)):
        return (type(arg).__name__,) + tuple(_key_of(a) for a in arg)
    if isinstance(arg, dict):
        return ("dict",) + tuple((_key_of(k), _key_of(v)) for k, v in arg.items())
    h = type(arg).__hash__
    if h is None or h is object.__hash__ or isinstance(arg, np.ndarray):
        raise _Unkeyable(type(arg).__name__)  # identity-hashed or unhashable: no value key
    try:
        hash(arg)
    except TypeError:  # e.g. a frozen dataclass holding arrays
        raise _Unkeyable(type(arg).__name__) from None
    return (type(arg).__qualname__, arg)  # a frozen value (ui.Settings, a frozen dataclass)


def _size(obj: Any, seen: set[int] | None = None, depth: int = 0) -> int:
    """Bytes held by a result: numpy buffers, bytes and strings, a figure's arrays and the
    JSON the chart element made of it; containers, dataclasses and objects walked."""
    seen = set() if seen is None else seen
    if id(obj) in seen or depth > 8:
        return 0
    seen.add(id(obj))
    if isinstance(obj, np.ndarray):
        return obj.nbytes + 112 if obj.base is None else 112
    if isinstance(obj, (bytes, bytearray, str)):
        return sys.getsizeof(obj)
    if isinstance(obj, _SCALARS):
        return 32
    if isinstance(obj, dict):  # keys too: a figure's dicts are mostly short keys and values
        return sys.getsizeof(obj) + sum(_size(k, seen, depth + 1) + _size(v, seen, depth + 1)
                                        for k, v in obj.items())
    if isinstance(obj, (list, tuple, set, frozenset)):
        return sys.getsizeof(obj) + sum(_size(v, seen, depth + 1) for v in obj)
    if _is_figure(obj):
        # its dicts (data, layout with the template, animation frames), plotly.py's objects
        # over them (~2 kB each), and the JSON the chart element made of it, twice (the
        # figure's text and the chart's bytes). Within 10 % of tracemalloc's count for every
        # builder (tests/test_memo.py): the byte budget is what the process holds.
        payload = getattr(obj, "_rnnviz_chart", None)
        text = getattr(obj, "_rnnviz_json", None)
        frames = [f._props for f in getattr(obj, "_frame_objs", ())]
        objects = 1 + len(obj._data) + len(frames)
        return (2048 * objects + _size(obj._data, seen, depth + 1)
                + _size(obj._layout, seen, depth + 1) + _size(frames, seen, depth + 1)
                + (len(payload[1]) if payload else 0) + (len(text) if text else 0))
    if dataclasses.is_dataclass(obj):
        return 64 + sum(_size(getattr(obj, f.name), seen, depth + 1)
                        for f in dataclasses.fields(obj))
    d = getattr(obj, "__dict__", None)
    if d is not None:
        return 64 + _size(d, seen, depth + 1)
    return sys.getsizeof(obj)


def _is_figure(obj: Any) -> bool:
    return type(obj).__name__ == "Figure" and hasattr(obj, "_data") and hasattr(obj, "_layout")


def _freeze(obj: Any, seen: set[int] | None = None, depth: int = 0) -> None:
    """Make the numpy arrays of a shared result read-only (a page that wrote into one would
    change what every other student sees)."""
    seen = set() if seen is None else seen
    if id(obj) in seen or depth > 8 or isinstance(obj, _SCALARS) or _is_figure(obj):
        return
    seen.add(id(obj))
    if isinstance(obj, np.ndarray):
        obj.flags.writeable = False
    elif isinstance(obj, dict):
        for v in obj.values():
            _freeze(v, seen, depth + 1)
    elif isinstance(obj, (list, tuple)):
        for v in obj:
            _freeze(v, seen, depth + 1)
    elif dataclasses.is_dataclass(obj):
        for f in dataclasses.fields(obj):
            _freeze(getattr(obj, f.name), seen, depth + 1)
    elif hasattr(obj, "__dict__"):
        for v in vars(obj).values():
            _freeze(v, seen, depth + 1)


def _global_names(code: types.CodeType) -> set[str]:
    names = set(code.co_names)
    for c in code.co_consts:
        if isinstance(c, types.CodeType):
            names |= _global_names(c)
    return names


def _check_globals(func: Callable) -> None:
    """Refuse a cached function that reads the page's settings (a ui.Settings global) or a
    cached result as a global: its key would not change when they do, and it would show an
    old result."""
    for name in _global_names(func.__code__):
        value = func.__globals__.get(name)
        settings = type(value).__name__ == "Settings" and type(value).__module__.endswith(("ui", "schema"))
        if settings or (not isinstance(value, _SCALARS) and id(value) in _origin):
            raise TypeError(f"{func.__qualname__} reads {name!r}, the page's settings or a "
                            "cached result, as a global; pass it as an argument (the "
                            "arguments make the key)")


def _prepare_figures(value: Any) -> None:
    """Make the chart element's JSON of each figure now, so that its bytes are counted."""
    from pages import chart

    figs = value if isinstance(value, (tuple, list)) else (value,)
    for fig in figs:
        if _is_figure(fig):
            try:
                chart.payload(fig, chart._plotly_src())
            except Exception:  # noqa: BLE001 - outside a script run: counted when plotted
                pass


def _evict_locked() -> None:
    while stats["bytes"] > BUDGET_BYTES and len(_entries) > 1:
        _drop_locked(next(iter(_entries)))


def _drop_locked(k: tuple) -> None:
    value, nbytes, ids = _entries.pop(k)
    _counts[k[0]] -= 1
    stats["bytes"] -= nbytes
    stats["evicted"] += 1
    for i, origin in ids:
        if _origin.get(i) == origin:
            del _origin[i]


def _register_locked(k: tuple, value: Any) -> list:
    """Remember how the value (and the items of a tuple, list or dict value) is keyed."""
    ids = [(id(value), k)]
    if isinstance(value, (tuple, list)):
        ids += [(id(v), k + (("item", i),)) for i, v in enumerate(value)]
    elif isinstance(value, dict):
        ids += [(id(v), k + (("item", name),)) for name, v in value.items()]
    items = {id(v): v for v in (value.values() if isinstance(value, dict) else
                                 value if isinstance(value, (tuple, list)) else ())}
    ids = [(i, o) for i, o in ids  # scalars are keyed by value; the first owner keeps an id
           if i not in _origin and not isinstance(items.get(i, items), _SCALARS)]
    for i, o in ids:
        _origin[i] = o
    return ids


def _cached(max_entries: int, with_language: bool) -> Callable[[Callable], Callable]:
    def decorate(func: Callable) -> Callable:
        code = func.__code__
        fid = (code.co_filename, code.co_qualname)
        with _lock:
            known = _stores.get(fid)
            if known is not code and known != code:  # new, or its file was edited: afresh
                for k in [k for k in _entries if k[0] == fid]:
                    _drop_locked(k)
                _stores[fid] = code
                _counts.setdefault(fid, 0)
        checked = []

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            _last_call[0] = time.monotonic()
            if not checked:
                _check_globals(func)
                checked.append(True)
                _start_watching()
            try:
                key = tuple(_key_of(a) for a in args) + tuple(
                    (k, _key_of(v)) for k, v in sorted(kwargs.items()))
            except _Unkeyable:
                stats["uncached"] += 1
                return func(*args, **kwargs)
            if with_language:
                from pages import i18n

                key += (("lang", i18n.lang()),)
            k = (fid, key)
            while True:
                with _lock:
                    hit = _entries.get(k)
                    if hit is not None:
                        _entries.move_to_end(k)
                        stats["hits"] += 1
                        return hit[0]
                    busy = _running.get(k)
                    if busy is None:
                        _running[k] = threading.Event()
                        break
                busy.wait(60.0)  # someone computes it; take theirs (or compute if it failed)
            try:
                value = func(*args, **kwargs)
                _freeze(value)
                if with_language:
                    _prepare_figures(value)
                nbytes = _size(value)
                with _lock:
                    stats["misses"] += 1
                    if k not in _entries:
                        _entries[k] = [value, nbytes, _register_locked(k, value)]
                        _counts[fid] = _counts.get(fid, 0) + 1
                        stats["bytes"] += nbytes
                        while _counts[fid] > max_entries:
                            _drop_locked(next(e for e in _entries if e[0] == fid))
                        _evict_locked()
                return value
            finally:
                with _lock:
                    _running.pop(k).set()

        wrapper.memo_id = fid  # type: ignore[attr-defined]
        return wrapper

    return decorate


def data(max_entries: int = 32) -> Callable[[Callable], Callable]:
    """Cache a computation on its arguments (settings, or other memo.data results)."""
    return _cached(max_entries, with_language=False)


def figure(max_entries: int = 32) -> Callable[[Callable], Callable]:
    """Cache a figure (or a tuple of figures) on its arguments and the run's language."""
    return _cached(max_entries, with_language=True)
