"""The control page of `python -m tests.browser.latency --side`: the floor of Streamlit +
plotly. One URL-bound slider and one `st.plotly_chart` line of T points (T from the URL,
default 100), nothing else; moving the slider rescales the line, so the chart changes.

    streamlit run tests/browser/control_app.py   →  http://127.0.0.1:PORT/?T=2000
"""

import numpy as np
import plotly.graph_objects as go
import streamlit as st

T = int(st.query_params.get("T", 100))
scale = st.slider("Scale", 0.1, 3.0, 1.0, step=0.05, key="scale", bind="query-params")
k = np.arange(T)
fig = go.Figure(go.Scatter(x=k, y=scale * np.sin(k / 10.0), mode="lines"))
fig.update_layout(height=420, title={"text": "Control: one line of T points"})
st.plotly_chart(fig, width="stretch", theme=None)
