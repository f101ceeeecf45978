"""Home: what the app shows, then every lesson with its one-line teaser."""

import streamlit as st

from pages.lessons import LESSONS, SECTIONS

TEXT = {
    "title": "Why RNN gradients vanish or explode",
    "intro": (
        "A recurrent network applies the same weights at every time step, so the gradient "
        "that reaches step *t* from step *T* is a product of *T − t* Jacobians. "
        "Products like that shrink to nothing or blow up unless every factor stays near 1. "
        "These pages let you change one setting at a time and watch that product: in the "
        "plain RNN, in LSTM and GRU cells, across the RNN family, and under the usual remedies."
    ),
    "how": "Every setting lives in the page's link: copy the URL to share exactly what you see.",
    "lessons": "Lessons",
}

st.title(TEXT["title"])
st.markdown(TEXT["intro"])
st.caption(TEXT["how"])

for section in SECTIONS[1:]:
    lessons = [x for x in LESSONS if x.section == section]
    if not lessons:
        continue
    st.subheader(section)
    for lesson in lessons:
        st.page_link(lesson.file, label=lesson.title, icon=lesson.icon)
        st.caption(lesson.teaser)
