"""Run pages headlessly with streamlit.testing.v1.AppTest.

    from apptest_util import run_page, set_widget, assert_ok
    at = run_page("pages/bptt.py", query={"T": "300"})
    assert_ok(at)
    set_widget(at, "T", 50)
    assert_ok(at)
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # pages import `pages.ui` and `rnnviz` from the repo root
    sys.path.insert(0, str(ROOT))

TIMEOUT = 60.0


_COMPONENTS = None


def _share_components(at: AppTest) -> AppTest:
    """Give the AppTest one component registry shared by every AppTest of this process.

    A fresh AppTest scans every installed distribution for custom-component manifests
    (components v2) on its first run: ~1.4 s of CPU per page test, and in tests/cost.py
    a cost the real server pays once at start-up, not per link. Our only component
    (pages/chart.py) registers itself when imported. `_bidi_component_manager` is
    AppTest's own cache of that scan (Streamlit 1.67); without it this does nothing.
    """
    global _COMPONENTS
    if not hasattr(at, "_bidi_component_manager"):
        return at
    if _COMPONENTS is None:
        from streamlit.components.v2.component_manager import BidiComponentManager

        _COMPONENTS = BidiComponentManager()
        _COMPONENTS.discover_and_register_components(start_file_watching=False)
    at._bidi_component_manager = _COMPONENTS
    return at


def page_app(path: str | Path, query: Mapping[str, str | list[str]] | None = None) -> AppTest:
    """An AppTest for one page file (relative to the repo root), not yet run.

    `query` seeds the URL before the first run: {"T": "300", "seed": ["1", "2"]}.
    """
    at = _share_components(AppTest.from_file(str(ROOT / path), default_timeout=TIMEOUT))
    if query:
        at.query_params.update(dict(query))
    return at


def run_page(path: str | Path, query: Mapping[str, str | list[str]] | None = None) -> AppTest:
    """Run one page file once with the given URL query and return the AppTest."""
    return page_app(path, query).run()


def run_script(script: str, query: Mapping[str, str | list[str]] | None = None) -> AppTest:
    """Run page source text (a tiny page written inside a test)."""
    at = _share_components(AppTest.from_string(script, default_timeout=TIMEOUT))
    if query:
        at.query_params.update(dict(query))
    return at.run()


def widget(at: AppTest, key: str):
    """The widget with this key, whatever its type."""
    matches = [w for w in _all_widgets(at) if getattr(w, "key", None) == key]
    if not matches:
        raise KeyError(f"No widget with key {key!r} on the page.")
    return matches[0]


def _all_widgets(at: AppTest):
    for kind in (
        "slider", "select_slider", "selectbox", "toggle", "number_input", "checkbox",
        "radio", "multiselect", "text_input", "button", "segmented_control", "pills",
    ):
        try:
            yield from getattr(at, kind)
        except (AttributeError, KeyError):
            continue


def set_widget(at: AppTest, key: str, value: Any, *, run: bool = True) -> AppTest:
    """Set a widget's value by key (then rerun the page unless run=False)."""
    w = widget(at, key)
    w.set_value(value)
    return at.run() if run else at


def click(at: AppTest, key: str) -> AppTest:
    """Click the button with this key and rerun."""
    at.button(key=key).click()
    return at.run()


def values(at: AppTest, keys) -> dict[str, Any]:
    return {k: at.session_state[k] for k in keys}


def assert_ok(at: AppTest) -> None:
    """No exception element and no st.error on the page."""
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


@dataclass
class Chart:
    """One chart of the page (pages/chart.py): the bytes its JavaScript is handed."""

    key: str
    data: bytes

    @property
    def figure(self) -> dict:
        """The figure as plotly.js gets it (numpy arrays as {dtype, bdata})."""
        return json.loads(self.data)["figure"]

    @property
    def size(self) -> int:
        return len(self.data)


def charts_of(at: AppTest) -> list[Chart]:
    """The page's plotly charts, in page order."""
    return [Chart(el.proto.id, el.proto.bytes) for el in at.get("bidi_component")
            if el.proto.component_name == "rnnviz_chart"]


def page_tables(file: str | Path) -> dict:
    """A lesson file's CONTROLS and PRESETS, without running the lesson (tests/page_tables.py
    reads the page's tables). {} for a page without controls (the home page)."""
    from tests.page_tables import tables

    t = tables(Path(file).stem)
    if not hasattr(t, "CONTROLS"):
        return {}
    return {"controls": tuple(t.CONTROLS), "presets": dict(getattr(t, "PRESETS", {}))}
