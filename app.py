"""rnnviz: why RNN gradients vanish or explode, and what LSTM, GRU and friends change.

Run with ``streamlit run app.py``. Pages and sections come from pages/lessons.py.
"""

import streamlit as st

from pages.lessons import LESSONS, SECTIONS

st.set_page_config(layout="wide", page_title="rnnviz", page_icon=":material/timeline:")

nav = {}
for section in SECTIONS:
    pages = [
        st.Page(lesson.file, title=lesson.title, icon=lesson.icon, default=(i == 0 and section == SECTIONS[0]))
        for i, lesson in enumerate(x for x in LESSONS if x.section == section)
    ]
    if pages:
        nav[section] = pages

st.navigation(nav).run()
