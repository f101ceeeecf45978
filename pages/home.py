"""Home: what the app shows, then every lesson with its one-line teaser."""

import streamlit as st

from pages import i18n
from pages.lessons import LESSONS, SECTIONS, section_title

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
TEXT_ZH = {
    "title": "RNN 的梯度为什么会消失或爆炸",
    "intro": (
        "循环神经网络在每个时刻使用的是同一组权重，所以从时刻 *T* 传回时刻 *t* 的梯度，"
        "是 *T − t* 个雅可比矩阵的连乘。这样的连乘，除非每个因子都保持在 1 附近，"
        "否则不是缩到几乎为零（梯度消失），就是急剧膨胀（梯度爆炸）。"
        "在这些页面里，你可以一次只改一个设置，观察这个连乘怎样变化：在原始 RNN 里，"
        "在 LSTM 和 GRU 单元里，在整个 RNN 家族之间，以及在常用的缓解方法之下。"
    ),
    "how": "每个设置都记在页面的链接里：复制网址，别人打开看到的就和你现在看到的完全一样。",
    "lessons": "课程",
}
TEXT = i18n.pick(TEXT, TEXT_ZH)

st.title(TEXT["title"])
st.markdown(TEXT["intro"])
st.caption(TEXT["how"])

for section in SECTIONS[1:]:
    lessons = [x for x in LESSONS if x.section == section]
    if not lessons:
        continue
    st.subheader(section_title(section))
    for lesson in lessons:
        st.page_link(lesson.file, label=lesson.shown_title(), icon=lesson.icon)
        st.caption(lesson.shown_teaser())
