"""What a lesson puts on the page besides its controls: charts, equations and errors.

`ui.plot` hands a figure to the in-place chart element (pages/chart.py), scaled up in the
presentation view (pages/teacher.py); `ui.guard` turns a ValueError from the library into
one sentence in the page's language. pages/ui.py re-exports these, so pages write
``ui.plot(...)``, ``ui.equation(...)`` and ``with ui.guard(TEXT): ...``.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import contextmanager
from typing import Iterator

import plotly.graph_objects as go
import streamlit as st

from pages import chart, i18n, st_shims, teacher
from pages.schema import escape_md

_LOGGER = st_shims.logger(__name__)

# rnnviz errors by code (error_text), for any page; shown in Chinese runs (English runs
# show the library's own sentence, of which these are the templates). A page's TEXT may
# add its own "lib_<code>" entries.
TEXT = {
    "lib_overflow": "The forward pass overflowed at step {step}: the state stopped being "
                    "finite (the activations grew past 1e308).",
}
TEXT_ZH = {
    "lib_overflow": "前向计算在第 {step} 步溢出：状态不再是有限值（激活值超过了 1e308）。",
}


def text_() -> Mapping[str, str]:
    return i18n.pick(TEXT, TEXT_ZH)


def error_text(exc: BaseException, text: Mapping[str, str] | None = None) -> str:
    """An error's sentence in this run's language.

    rnnviz says what went wrong in English (`str(exc)`); an error that also carries a
    `code` and its `params` (rnnviz/errors.py) is said in Chinese from the page's
    ``TEXT["lib_<code>"]`` (a page passes its TEXT), else from this module's own table
    (errors any page can meet, like a forward pass that overflows). An error without a
    code, or one no table says, keeps its English sentence.
    """
    code = getattr(exc, "code", "") or ""
    params = getattr(exc, "params", None) or {}
    if code and i18n.lang() != i18n.DEFAULT:
        template = {**text_(), **(text or {})}.get(f"lib_{code}")
        if template is not None:
            try:
                return template.format(**params)
            except (KeyError, IndexError, ValueError):  # a table behind the library: English
                _LOGGER.warning("lib_%s does not fit the params %s", code, sorted(params))
    return str(exc).strip() or type(exc).__name__


def show_error(exc: BaseException, text: Mapping[str, str] | None = None) -> None:
    """An error the student can read, in the page's language: st.error, never a traceback."""
    st.error(escape_md(error_text(exc, text), limit=500))


@contextmanager
def guard(text: Mapping[str, str] | None = None) -> Iterator[None]:
    """`with ui.guard(TEXT): ...` shows a ValueError (rnnviz.RnnvizError is one) in the
    page's language (error_text) and stops the page."""
    try:
        yield
    except ValueError as exc:
        show_error(exc, text)
        st.stop()


def plot(fig: go.Figure, key: str | None = None) -> None:
    """A plotly figure at full width, kept on the page and updated in place on reruns
    (pages/chart.py: one plotly.js graph per chart, Plotly.react on a changed figure).
    In the presentation view (view=present) its fonts, lines and height are scaled up."""
    if teacher.presenting():
        fig = teacher.projector_figure(fig)
    chart.plot(fig, key=key)


def equation(latex: str) -> None:
    st.latex(latex)
