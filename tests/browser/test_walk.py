"""Walk the lessons the way a class does: set a page to its extremes, press its presets,
move on through the sidebar and come back with the browser's back button; at every stop
the page must show no exception, and the URL, the widgets and the figures must agree.

Pages share control keys (T, H, cell, lr, …) with different limits and options; on the
old code a value set on one page reached the next page's widget (StreamlitValueAboveMax
on 17 of 48 visits, or a URL saying `cell=relu-rnn` while the box said lstm).

The cross product (every page's extremes into every other page) would be 110+ page
visits; here each page is opened once with every control at an extreme (a link: maxima,
the widths H, N, I at their minimum so the visit stays cheap) and left for the next page
in the sidebar, then Reset and its presets are pressed and it is left for the page after
that, and reached again through the sidebar (its own settings come back): about 110
stops. tests/test_ui.py carries every page's minima and maxima into every other page in
AppTest, where it is cheap. RNNVIZ_WALK_PAGES=bptt,gates starts from those pages only.

What "agree" means at each stop:
- every control's widget shows the URL's value, or the page's default (from the page's
  CONTROLS table) when the URL has none; the URL holds nothing else;
- a page reached through the sidebar for the first time in the session has a bare URL;
- the figures (a fingerprint of every chart's data and title) are those the same state
  drew before: the link's first load, the page at its defaults, or the page as it was
  left: what the student sees is what the URL shares.
"""

from __future__ import annotations

import contextlib
import os
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.apptest_util import page_tables
from tests.page_tables import tables as read_tables

from .harness import assert_no_exception, expect_rerun, goto, nav_links, wait_idle

pytestmark = pytest.mark.browser

SIDEBAR = '[data-testid="stSidebar"]'
WIDTHS = {"H", "N", "I"}  # hidden size, powers of W, input size: at their minimum

# Every control of the page in the sidebar: its key (from the st-key-<key> class Streamlit
# puts on a keyed widget), kind, what it shows, and for sliders the ends of the track.
_WIDGETS_JS = """() => {
  const out = {};
  for (const el of document.querySelectorAll('[data-testid="stSidebar"] [class*="st-key-"]')) {
    const cls = [...el.classList].find(c => c.startsWith('st-key-'));
    const key = cls.slice(7);
    if (key.startsWith('_')) continue;  // the framework's buttons
    const slider = el.querySelector('[data-testid="stSlider"]');
    if (slider) {
      const thumb = el.querySelector('[data-testid="stSliderThumbValue"]');
      const lo = el.querySelector('[data-testid="stSliderTickBarMin"]');
      const hi = el.querySelector('[data-testid="stSliderTickBarMax"]');
      out[key] = {kind: 'slider', shown: thumb ? thumb.innerText.trim() : null,
                  min: lo ? lo.innerText.trim() : null, max: hi ? hi.innerText.trim() : null};
    } else if (el.querySelector('[data-testid="stSelectbox"]')) {
      out[key] = {kind: 'select', shown: el.querySelector('input').value};
    } else if (el.querySelector('input[type=checkbox]')) {
      out[key] = {kind: 'toggle', shown: el.querySelector('input[type=checkbox]').checked ? 'true' : 'false'};
    } else if (el.querySelector('[data-testid="stNumberInput"]')) {
      out[key] = {kind: 'number', shown: el.querySelector('input').value};
    }
  }
  return out;
}"""

# A fingerprint of every chart: trace types, names, data and the titles (FNV-1a of JSON).
_FIGURES_JS = """() => {
  const fnv = (s) => { let h = 0x811c9dc5;
    for (let i = 0; i < s.length; i++) { h ^= s.charCodeAt(i); h = Math.imul(h, 0x01000193) >>> 0; }
    return h.toString(16) + ':' + s.length; };
  return [...document.querySelectorAll('[data-testid="rnnvizChart"] .js-plotly-plot')].map(gd =>
    fnv(JSON.stringify([(gd.data || []).map(t => [t.type, t.name, t.x, t.y, t.z, t.text]),
                        gd.layout && gd.layout.title && gd.layout.title.text])));
}"""


def _query(url: str) -> dict[str, str]:
    return {k: v[-1] for k, v in parse_qs(urlsplit(url).query, keep_blank_values=True).items()}


def _same(shown: str, wanted: str) -> bool:
    if shown == wanted:
        return True
    try:
        return abs(float(shown) - float(wanted)) <= 1e-9 * max(1.0, abs(float(wanted)))
    except (TypeError, ValueError):
        return False


class Walk:
    """The browser tab, the reference of each page, and the checks made at every stop."""

    def __init__(self, page, base_url: str):
        self.page, self.base = page, base_url.rstrip("/")
        self.ref: dict[str, dict] = {}  # path -> {"defaults", "widgets", "figures"}
        self.fresh: dict[str, list] = {}  # URL path+query -> figures of a fresh load
        self.stops = 0
        self.started = time.monotonic()

    def path(self) -> str:
        return urlsplit(self.page.url).path.strip("/")

    def widgets(self) -> dict:
        return self.page.evaluate(_WIDGETS_JS)

    def figures(self) -> list:
        return self.page.evaluate(_FIGURES_JS)

    def settle(self) -> None:
        """Wait for the run a URL rewrite may have started, then for quiet."""
        time.sleep(0.2)
        wait_idle(self.page)

    def check(self, where: str, figures: list | None = None) -> None:
        """No exception; every widget shows the URL's value or the page's default; the
        figures are `figures` (those of a fresh load of this URL) when given."""
        self.stops += 1
        print(f"{time.monotonic() - self.started:6.1f} s  {where}", flush=True)
        page, path = self.page, self.path()
        where = f"{where} [{page.url}]"
        assert_no_exception(page, where)
        assert not page.js_errors, f"{where}: uncaught page errors {page.js_errors}"
        query, shown = _query(page.url), self.widgets()
        defaults = self.ref[path]["defaults"] if path in self.ref else {}
        assert set(shown) == set(defaults) or not defaults, f"{where}: controls {sorted(shown)}"
        labels = self.ref[path].get("labels", {}) if path in self.ref else {}
        for key, w in shown.items():
            want = query.get(key, defaults.get(key))
            if w["kind"] == "select":  # the box shows the option's label, the URL its key
                want = labels.get(f"opt_{key}_{want}", want)
            assert want is not None and _same(w["shown"], want), (
                f"{where}: the {key} widget shows {w['shown']!r}, the URL says "
                f"{query.get(key)!r} (default {defaults.get(key)!r})")
        extra = set(query) - set(shown)
        assert not extra, f"{where}: the URL holds {sorted(extra)}, which are not controls here"
        if figures is not None:
            assert self.figures() == figures, f"{where}: the figures differ from a fresh load"

    def default_figures(self, path: str) -> list:
        """The figures of the page on its defaults: those of its first visit at its
        defaults (checked against the table's defaults before they are recorded)."""
        return self.ref[path].setdefault("figures", self.figures())

    def goto(self, path_query: str) -> None:
        goto(self.page, self.base, path_query)
        self.settle()

    def nav(self, path: str) -> None:
        """Click the page's link in the sidebar navigation."""
        with expect_rerun(self.page):
            self.page.locator(f'[data-testid="stSidebarNav"] a[href$="/{path}"]').first.click()
        self.settle()

    def back(self) -> None:
        """The browser's back button, until the page changes (query rewrites add entries)."""
        start = self.path()
        for _ in range(4):
            with expect_rerun(self.page):
                self.page.go_back()
            if self.path() != start:
                break
        self.settle()

    def maxima(self, path: str) -> str:
        """The page's link with every control at an extreme: its maximum (toggles flipped,
        the last option of every box, the largest seed), except the widths, at their
        minimum: the cost grows with T × width², and a page at both maxima is the cost
        budget's test (test_page_*.py), not this walk's."""
        parts = []
        for c in self.ref[path]["controls"]:
            if c.kind in ("int", "float", "seed"):
                value = c.min if c.key in WIDTHS else c.max
            elif c.kind in ("log", "select"):
                value = c.option_keys[-1]
            else:
                value = not c.default
            if value != c.default:
                parts.append(f"{c.key}={c.url_text(value)}")
        return f"/{path}?" + "&".join(parts)


def test_walk_across_pages(page, base_url):
    """Each page at its extremes, then the next page; its presets, then the page after
    that; back to it through the sidebar and with the back button."""
    started = time.monotonic()
    walk = Walk(page, base_url)
    walk.goto("/")
    from pages import ui
    from pages.lessons import LESSONS

    paths = [urlsplit(x["href"]).path.strip("/") for x in nav_links(page)]
    assert len(paths) == len(LESSONS), paths
    by_path = {urlsplit(x["href"]).path.strip("/"): x["label"] for x in nav_links(page)}
    for lesson in LESSONS:
        path = next(p for p, label in by_path.items() if label == lesson.title)
        tables = page_tables(lesson.file)
        controls = tables.get("controls", ())
        walk.ref[path] = {
            "controls": controls,
            "defaults": {c.key: c.url_text(c.default) for c in controls},
            "presets": len(tables.get("presets", {})),
            "labels": ({k: v for k, v in read_tables(Path(lesson.file).stem).TEXT.items()
                        if k.startswith("opt_")} if controls else {}),
        }
    lessons = [p for p in paths if walk.ref[p]["controls"]]
    only = os.environ.get("RNNVIZ_WALK_PAGES")  # e.g. "bptt,gates": start from these only
    starts = [p for p in lessons if not only or p in only.split(",")]

    failures: list[str] = []

    @contextlib.contextmanager
    def stop(where: str):
        """One stop of the walk: a failure is noted and the walk goes on, so one run
        lists every broken transition (the first line of each)."""
        try:
            yield
        except Exception as exc:  # an assertion, or a run that never finished
            failures.append(f"{where}: {str(exc).strip().splitlines()[0][:400]}")

    for path in starts:
        i = lessons.index(path)
        nxt, after = paths[(paths.index(path) + 1) % len(paths)], lessons[(i + 2) % len(lessons)]
        url_max, at_max = None, None
        with stop(f"{path} at its extremes"):  # a link with every control at an extreme
            walk.goto(walk.maxima(path))
            notes = page.locator('[data-testid="stAlertContentWarning"]').all_inner_texts()
            heads = tuple(ui.TEXT[k] for k in ("ui_url_ignored", "ui_adjusted") if k in ui.TEXT)
            refused = [n for n in notes if n.startswith(heads)]
            assert not refused, f"{page.url}: the extremes were refused: {refused}"
            at_max, url_max = walk.figures(), page.url
            walk.check(f"{path} at its extremes")
        with stop(f"{nxt or 'home'} after {path} at its extremes"):  # the next page
            walk.nav(nxt)
            walk.check(f"{nxt or 'home'} after {path} at its extremes", walk.default_figures(nxt))
            assert _query(page.url) == {}, f"{nxt} took {path}'s settings: {page.url}"
        with stop(f"{path} again with the back button"):  # the URL is the truth
            walk.back()
            assert _query(page.url) == _query(url_max or "") and walk.path() == path, (
                f"back from {nxt}: {page.url}, not {url_max}")
            walk.check(f"{path} again with the back button", at_max)
        # "Reset to defaults", every preset (from the defaults, as a class uses them: a
        # preset keeps the other controls, and the extremes are costly), then the page
        # after next, then back here through the sidebar: the page's own settings come back
        with stop(f"{path} after Reset to defaults"):
            if walk.path() != path:
                walk.goto("/" + path)
            with expect_rerun(page):
                page.locator(f'{SIDEBAR} [class*="st-key-_ui-"][class*="-reset"] button').click()
            walk.settle()
            walk.check(f"{path} after Reset to defaults", walk.default_figures(path))
            assert _query(page.url) == {}, f"{path} after Reset to defaults: {page.url}"
        buttons = page.locator(f'{SIDEBAR} [class*="st-key-_ui-"][class*="-preset-"] button')
        for j in range(walk.ref[path]["presets"]):
            with stop(f"{path} after preset {j + 1}"):
                with expect_rerun(page):
                    buttons.nth(j).click()
                walk.settle()
                walk.check(f"{path} after preset {j + 1}")
        last_url, last_figures = page.url, walk.figures()
        with stop(f"{after} after {path}'s presets"):
            walk.nav(after)
            walk.check(f"{after} after {path}'s presets", walk.default_figures(after))
            assert _query(page.url) == {}, f"{after} took {path}'s settings: {page.url}"
        with stop(f"{path} again through the sidebar"):
            walk.nav(path)
            assert _query(page.url) == _query(last_url), (  # the page kept its own settings
                f"{path} through the sidebar: {page.url}, not {last_url}")
            walk.check(f"{path} again through the sidebar", last_figures)
    print(f"page walk: {walk.stops} stops in {time.monotonic() - started:.0f} s")
    assert not failures, f"{len(failures)} broken stops:\n" + "\n".join(failures)
