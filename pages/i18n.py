"""Two languages, English and Simplified Chinese, side by side in each page's file.

A page keeps its English table `TEXT` and, right below it, `TEXT_ZH` with exactly the same
keys (and the same `{placeholders}` and numbers in every entry), then picks one::

    TEXT = {"title": "LSTM and GRU gates", ...}
    TEXT_ZH = {"title": "LSTM 与 GRU 的门", ...}
    TEXT = i18n.pick(TEXT, TEXT_ZH)

The language is the URL's `lang=zh` / `lang=en` (teachers put such links in slides), else
the one this session last used, else the browser's (`st.context.locale`), else English.
Outside a Streamlit run (tests, a notebook reading a page's tables) it is English.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

LANGS = ("en", "zh")
DEFAULT = "en"
_SESSION = "_i18n.lang"  # session-state key: the language this session last used

T = TypeVar("T")


def _in_a_run() -> bool:
    from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

    return get_script_run_ctx(suppress_warning=True) is not None


def from_locale(locale: str | None) -> str:
    """'zh-CN', 'zh-TW', 'zh' -> 'zh'; anything else (or none) -> 'en'."""
    return "zh" if (locale or "").lower().startswith("zh") else DEFAULT


def lang() -> str:
    """The language of this run: URL, else this session's last, else the browser's, else en."""
    if not _in_a_run():
        return DEFAULT
    import streamlit as st

    given = st.query_params.get_all("lang")
    if len(given) == 1 and given[0] in LANGS:
        st.session_state[_SESSION] = given[0]
        return given[0]
    if st.session_state.get(_SESSION) in LANGS:
        return st.session_state[_SESSION]
    try:
        return from_locale(st.context.locale)
    except Exception:  # no browser context (AppTest): English
        return DEFAULT


def pick(en: Mapping[str, T], zh: Mapping[str, T]) -> Mapping[str, T]:
    """The table of this run's language (both tables have the same keys: tests check it)."""
    return zh if lang() == "zh" else en
