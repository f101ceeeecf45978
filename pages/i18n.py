"""Two languages, English and Simplified Chinese, side by side in each page's file.

A page keeps its English table `TEXT` and, right below it, `TEXT_ZH` with exactly the same
keys (and the same `{placeholders}` and numbers in every entry), then picks one::

    TEXT = {"title": "LSTM and GRU gates", ...}
    TEXT_ZH = {"title": "LSTM 与 GRU 的门", ...}
    TEXT = i18n.pick(TEXT, TEXT_ZH)

The language is the URL's `lang=zh` / `lang=en` (teachers put such links in slides), else
the one this session chose last (a link or the switch), else the browser's
(`st.context.locale`), else English. Outside a Streamlit run (tests, a notebook reading a
page's tables) it is English.

Once chosen, the language stays in the URL of every page. app.py calls `start_run()` first
thing in every run, before the navigation is built: a URL without `lang` (a sidebar link,
a page link, ui's "open with defaults", which all start from a bare query) gets the
session's choice written back, so a link copied from any page keeps the language; a URL
with it makes it the session's choice. Everything later in the run (navigation titles,
page tables, figure labels) reads the same answer from `lang()`. `lang` is the one URL
parameter that follows a student from page to page: controls deliberately do not
(pages/ui.py), and `lang` is never a control key.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

PARAM = "lang"  # the URL parameter: lang=zh / lang=en
LANGS = ("en", "zh")
DEFAULT = "en"
NAMES = {"en": "English", "zh": "中文"}  # each language in its own script, as switches show it
_SESSION = "_i18n.lang"  # session-state key: the language this session chose last
_SWITCH = "_i18n.switch"  # session-state key of the switch widget

T = TypeVar("T")


def _in_a_run() -> bool:
    from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

    return get_script_run_ctx(suppress_warning=True) is not None


def from_locale(locale: str | None) -> str:
    """'zh-CN', 'zh-TW', 'zh' -> 'zh'; anything else (or none) -> 'en'."""
    return "zh" if (locale or "").lower().startswith("zh") else DEFAULT


def _from_url() -> str | None:
    """The URL's language when it names exactly one of LANGS, else None."""
    import streamlit as st

    given = st.query_params.get_all(PARAM)
    return given[0] if len(given) == 1 and given[0] in LANGS else None


def _from_browser() -> str:
    import streamlit as st

    try:
        return from_locale(st.context.locale)
    except Exception:  # no browser context (AppTest, a bare script run): English
        return DEFAULT


def lang() -> str:
    """The language of this run: URL, else this session's choice, else the browser's, else en."""
    if not _in_a_run():
        return DEFAULT
    import streamlit as st

    given = _from_url()
    if given is not None:
        return given
    chosen = st.session_state.get(_SESSION)
    return chosen if chosen in LANGS else _from_browser()


def start_run() -> str:
    """Decide this run's language before anything is drawn and make the URL say it.

    A valid `lang` in the URL becomes the session's choice. Without one (Streamlit starts
    a page switch from a bare query) the session's choice, if any, is written back into
    the URL; a wrong one (`lang=fr`, `lang` twice) is taken out and the run falls back on
    the session or the browser. A language that only comes from the browser is not
    written: nobody chose it, and a shared link should then follow its reader's browser.
    """
    import streamlit as st

    given = _from_url()
    if given is not None:
        st.session_state[_SESSION] = given
        return given
    chosen = st.session_state.get(_SESSION)
    if st.query_params.get_all(PARAM):  # present but not one valid value
        del st.query_params[PARAM]
    if chosen in LANGS:
        st.query_params[PARAM] = chosen
        return chosen
    return _from_browser()


def _switched() -> None:
    """The switch's callback (before the rerun): the new language goes to the session and
    the URL; the page's controls keep their values (their widgets are keyed by control
    key, not by label)."""
    import streamlit as st

    new = st.session_state.get(_SWITCH)
    if new in LANGS:
        st.session_state[_SESSION] = new
        st.query_params[PARAM] = new


def switch(where=None) -> None:
    """`English | 中文` as a small segmented control (app.py puts it in the sidebar)."""
    import streamlit as st

    where = st.sidebar if where is None else where
    st.session_state[_SWITCH] = lang()  # what this run shows, whatever the widget held
    where.segmented_control(
        "Language · 语言", LANGS, format_func=NAMES.__getitem__, key=_SWITCH,
        required=True, on_change=_switched, label_visibility="collapsed",
    )


def pick(en: Mapping[str, T], zh: Mapping[str, T]) -> Mapping[str, T]:
    """The table of this run's language (both tables have the same keys: tests check it)."""
    return zh if lang() == "zh" else en
