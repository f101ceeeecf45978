"""Everything the pages take from Streamlit's private internals (Streamlit 1.67), in one place.

Each function below says why it exists and which public API would replace it. Nothing
else in pages/ reaches into `streamlit.runtime` for these (pages/i18n.py and
pages/teacher.py ask `get_script_run_ctx` whether a run is going on, the one other use).
`RELIES_ON` lists every private name used here; tests/test_ui_shims.py checks each one
exists with the signature used, so a Streamlit upgrade that moves one fails that test by
name instead of breaking a page in front of a class.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

# (module, attribute path, what this module calls it with). The attribute path is
# looked up from the module; for a callable the last item lists the parameter names used.
RELIES_ON: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("streamlit.runtime.pages_manager", "PagesManager.uses_pages_directory", ()),
    ("streamlit.runtime.scriptrunner_utils.script_run_context", "get_script_run_ctx",
     ("suppress_warning",)),
    ("streamlit.runtime.scriptrunner_utils.script_run_context",
     "ScriptRunContext.is_history_navigation", ()),
    ("streamlit.runtime.scriptrunner_utils.exceptions", "ScriptControlException", ()),
    ("streamlit.runtime.state.session_state_proxy", "get_session_state", ()),
    ("streamlit.runtime.state.safe_session_state", "SafeSessionState.query_params", ()),
    ("streamlit.runtime.state.query_params", "QueryParams._initial_query_params", ()),
    ("streamlit.runtime.state.query_params", "QueryParams._query_params", ()),
    ("streamlit.runtime.state.query_params", "QueryParams._bindings_by_param", ()),
    ("streamlit.runtime.state.query_params", "QueryParams.unbind_widget", ("widget_id",)),
    ("streamlit.runtime.state.query_params", "QueryParams.set_with_no_forward_msg", ("key", "val")),
    ("streamlit.runtime.state.query_params", "QueryParams.discard_param_no_forward_msg",
     ("param_key",)),
    ("streamlit.runtime.state.query_params", "QueryParams.has_param", ("param_key",)),
    ("streamlit.runtime.state.query_params", "QueryParams._send_query_param_msg", ()),
    ("streamlit.logger", "get_logger", ("name",)),
    ("streamlit.runtime", "Runtime.exists", ()),
    ("streamlit.runtime", "Runtime.instance", ()),
    ("streamlit.runtime", "Runtime.component_registry", ()),
)


def run_through_app_shell() -> None:
    """A shared link opened first on a fresh server must still go through app.py.

    Why: Streamlit treats a `pages/` folder beside app.py as a multipage app of the old
    kind until app.py has called st.navigation once (`PagesManager.uses_pages_directory`):
    a first visit to /gates would run pages/gates.py alone, without app.py's page config
    and navigation. st.navigation itself clears that flag; clearing it here and rerunning
    lets the same URL run through app.py, which then opens the intended page.
    Public replacement: none in 1.67. Renaming the `pages/` folder (Streamlit only scans
    one called `pages`) would make this shim unnecessary.
    """
    import streamlit as st
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


def in_a_run() -> bool:
    """True inside a Streamlit script run (False in tests and scripts reading the tables).

    Why: the framework's tables are read outside a run too; `st.*` calls there only warn.
    Public replacement: `st.runtime.exists()` says whether a server exists, not whether
    this thread runs a script; none in 1.67."""
    from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

    return get_script_run_ctx(suppress_warning=True) is not None


def is_history_navigation() -> bool:
    """True when this run comes from the browser's back/forward buttons.

    Why: a history entry's URL is the whole truth of a page's settings (pages/ui.py,
    _values_before_widgets), while a sidebar link starts from a bare URL.
    Public replacement: none in 1.67 (no st.context field says how a run was started)."""
    from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

    ctx = get_script_run_ctx(suppress_warning=True)
    return bool(ctx is not None and getattr(ctx, "is_history_navigation", False))


def is_control_flow(exc: BaseException) -> bool:
    """True for Streamlit's own control flow (st.rerun, st.stop, st.switch_page).

    Why: ui.page_failed must let these pass (they are BaseExceptions, not errors).
    Public replacement: none; the exception classes are internal."""
    from streamlit.runtime.scriptrunner_utils.exceptions import ScriptControlException

    return isinstance(exc, ScriptControlException)


def write_url(values: Mapping[str, str | None], unbind: Iterable[str] = ()) -> None:
    """Make the URL say `values` (key -> text, None to drop the key) before widgets exist.

    Why: a bound widget seeds itself from the URL Streamlit read at the start of the
    session (its initial parameters), and Streamlit's parsing differs from the table's
    at the edges (``T=2.5`` becomes 2, ``lr=1e-2`` is dropped when the option reads
    ``0.01``); a value carried from another page is written into the new page's URL; an
    unbound select box (pages/ui.py) has no widget to write its key. So both the initial
    parameters and the browser's URL are rewritten here, with one message to the browser.
    `unbind`: keys whose widget of an earlier run is gone (a control hidden by hide=);
    their binding is dropped, else Streamlit's cleanup would drop the parameter.
    Public replacement: `st.query_params[key] = text` writes the browser's URL, but it
    raises for a key bound to a widget and does not change what the widget seeds from.
    """
    from streamlit.runtime.state.session_state_proxy import get_session_state

    unbind = set(unbind)
    changed = False
    with get_session_state().query_params() as qp:
        for key, text in values.items():
            binding = qp._bindings_by_param.get(key) if key in unbind else None
            if binding is not None:
                qp.unbind_widget(binding.widget_id)
            if text is None:
                qp._initial_query_params.pop(key, None)
                if qp.has_param(key):
                    qp.discard_param_no_forward_msg(key)
                    changed = True
            else:
                qp._initial_query_params[key] = [text]
                if qp.get_all(key) != [text]:
                    qp.set_with_no_forward_msg(key, text)
                    changed = True
        if changed:
            qp._send_query_param_msg()


def clear_url(keep: Iterable[str] = ()) -> None:
    """Drop every URL parameter but `keep`, also from the initial parameters.

    Why: ui.page_failed's "open with defaults" must open the page on its bare URL, and
    bound widgets seed themselves from the initial parameters, which st.query_params
    does not touch. Public replacement: st.query_params.clear() for the browser's URL;
    none for the initial parameters."""
    from streamlit.runtime.state.session_state_proxy import get_session_state

    keep = set(keep)
    with get_session_state().query_params() as qp:
        for key in list(qp._query_params):
            if key not in keep:
                qp.discard_param_no_forward_msg(key)
        qp._initial_query_params.clear()
        qp._send_query_param_msg()


def logger(name: str) -> Any:
    """A logger that writes where Streamlit's own log lines go (its format and level).
    Public replacement: logging.getLogger(name) plus the handler set-up Streamlit does."""
    from streamlit.logger import get_logger

    return get_logger(name)


def component_registry() -> Any:
    """The running server's component registry, or None outside a server (tests, scripts).

    Why: pages/chart.py registers the two folders the browser loads chart.js and plotly.js
    from once per server, and must know whether the registry it registered with is still
    this server's (AppTest and a restarted runtime make new ones).
    Public replacement: none in 1.67 (components v1's declare_component registers, but
    does not say with which registry)."""
    from streamlit.runtime import Runtime

    return Runtime.instance().component_registry if Runtime.exists() else None
