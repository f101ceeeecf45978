"""rnnviz: why RNN gradients vanish or explode, and what LSTM, GRU and friends change.

Run with ``streamlit run app.py``. Pages and sections come from pages/lessons.py.
"""

import streamlit as st

from pages import i18n, teacher, ui
from pages.lessons import LESSONS, SECTIONS, section_title

st.set_page_config(layout="wide", page_title="rnnviz", page_icon=":material/timeline:",
                   initial_sidebar_state=teacher.sidebar_state())  # view=present: collapsed


@st.cache_resource
def _one_blas_thread():
    """The lessons do many small matrix products; with two OpenBLAS threads on a busy
    2-core server they ran 10-25x slower (an eigvals of 256x256: 0.45-3 s instead of
    0.03 s), and with one thread on an idle one they lose only ~15%."""
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1, user_api="blas")


_one_blas_thread()
i18n.start_run()  # the language of this run, decided before any title is drawn

nav = {}
for section in SECTIONS:
    pages = [
        st.Page(lesson.file, title=lesson.shown_title(), icon=lesson.icon, default=(i == 0 and section == SECTIONS[0]))
        for i, lesson in enumerate(x for x in LESSONS if x.section == section)
    ]
    if pages:
        nav[section_title(section)] = pages

page = st.navigation(nav)
i18n.switch(st.sidebar)  # English | 中文, above the page's controls
ui.entered_page(page.url_path)  # a new page opens on its own settings, not the last page's
teacher.before_page()  # view=present: its CSS, and the view kept in the URL
try:
    page.run()
    teacher.after_page()  # the lesson's notebook snippet
except Exception as exc:  # st.rerun / st.stop raise BaseExceptions: they pass through
    ui.page_failed(page, exc)  # one short message; the traceback goes to the server log
