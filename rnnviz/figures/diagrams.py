"""The source's diagrams, drawn alive: every edge coloured and sized by the gradient that
flows back along it at the current settings (rnnviz.measures.edges computes the numbers).

- ``unrolled_figure``: the RNN unrolled in time, x_t → h_t → C^t, h_{t−1} → h_t.
- ``lstm_cell_figure``: the LSTM memory block at one step, the cell state along the top.

Colour and width follow log10 of the gradient's norm on one scale per figure (Cividis:
bright = large); an edge whose gradient is exactly zero is a thin dashed grey line. Every
edge has a hover point at its middle that gives the number. Drawn with plotly lines and
markers only (no image files): the text comes from the page's `labels`.
"""

from __future__ import annotations

import math

from plotly.colors import sample_colorscale

from .style import COLORWAY, SEQUENTIAL_SCALE, TEMPLATE, figure

ZERO = "#B0B0B0"  # an edge with no gradient at all
NODE = "#404040"
MIN_W, MAX_W = 2.0, 11.0

UNROLLED_LABELS = {
    "title": "The unrolled RNN: the gradient on every edge",
    "colorbar": "log10 ‖gradient‖",
    "hover": "%{text}<br>log10 ‖gradient‖ = %{customdata:.2f}<extra></extra>",
    "loss": "C<sup>{t}</sup>",
    "gap": "⋯ {n} steps",
    "edge_loss": "loss C^{t} → h_{t}",
    "edge_rec": "h_{b} → h_{a} (W_hh)",
    "edge_x": "h_{t} → x_{t} (W_ih)",
    "node_h": "‖∂C/∂h_{t}‖",
}

LSTM_LABELS = {
    "title": "The LSTM memory block at step {k}",
    "colorbar": "log10 ‖gradient‖",
    "hover": "%{text}<br>log10 ‖gradient‖ = %{customdata:.2f}<extra></extra>",
    "edge_h_c": "h_k → c_k (through o ⊙ tanh)",
    "edge_c_prev": "c_k → c_{k−1} (× f)",
    "edge_o": "h_k → output gate o",
    "edge_i": "c_k → input gate i",
    "edge_f": "c_k → forget gate f",
    "edge_g": "c_k → cell input g",
    "edge_h_prev": "gates → h_{k−1} (W_hh)",
    "edge_x": "gates → x_k (W_ih)",
    "node_c": "‖∂C/∂c_k‖",
    "node_h": "‖∂C/∂h_k‖",
}


class _Scale:
    """log10 values → colour and width on one scale (the finite values' range)."""

    def __init__(self, values):
        v = [x for x in values if math.isfinite(x)]
        self.lo, self.hi = (min(v), max(v)) if v else (0.0, 1.0)
        if self.hi - self.lo < 1e-9:
            self.lo, self.hi = self.lo - 0.5, self.hi + 0.5

    def frac(self, v: float) -> float:
        return min(1.0, max(0.0, (v - self.lo) / (self.hi - self.lo)))

    def color(self, v: float) -> str:
        return sample_colorscale(SEQUENTIAL_SCALE, [self.frac(v)])[0] if math.isfinite(v) else ZERO

    def width(self, v: float) -> float:
        return MIN_W + (MAX_W - MIN_W) * self.frac(v) if math.isfinite(v) else 1.5


def _edge(points, value, name, scale, labels, dash=None):
    """A polyline edge and an invisible hover marker at its middle (customdata = log10)."""
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    line = {"type": "scatter", "mode": "lines", "x": xs, "y": ys, "hoverinfo": "skip",
            "showlegend": False,
            "line": {"color": scale.color(value), "width": scale.width(value),
                     "dash": dash or ("dot" if not math.isfinite(value) else "solid")}}
    mid = len(points) // 2
    a, b = points[mid - 1], points[mid]
    hover = {"type": "scatter", "mode": "markers", "x": [(a[0] + b[0]) / 2], "y": [(a[1] + b[1]) / 2],
             "marker": {"size": 14, "color": "rgba(0,0,0,0)"}, "showlegend": False,
             "text": [name], "customdata": [value if math.isfinite(value) else None],
             "hovertemplate": labels["hover"], "meta": {"edge": name}}
    return [line, hover]


def _colorbar(scale, labels):
    """An invisible marker that carries the figure's colour bar."""
    return {"type": "scatter", "mode": "markers", "x": [None], "y": [None], "showlegend": False,
            "hoverinfo": "skip",
            "marker": {"color": [scale.lo], "cmin": scale.lo, "cmax": scale.hi,
                       "colorscale": SEQUENTIAL_SCALE, "showscale": True, "size": 0,
                       "colorbar": {"title": {"text": labels["colorbar"], "side": "top"}}}}


def _layout(title, height, x_range, y_range):
    hidden = {"visible": False, "fixedrange": True}
    return {"template": TEMPLATE, "title": {"text": title}, "height": height,
            "xaxis": {**hidden, "range": x_range}, "yaxis": {**hidden, "range": y_range},
            "margin": {"l": 20, "r": 20, "t": 70, "b": 20}, "hovermode": "closest"}


def unrolled_figure(nodes: dict, edges: list, steps, *, labels: dict | None = None,
                    height: int = 380):
    """The unrolled RNN from rnnviz.measures.edges.unrolled_edges(trace, grads, grad_h, steps)."""
    lab = {**UNROLLED_LABELS, **(labels or {})}
    steps = sorted(steps)
    col = {t: i for i, t in enumerate(steps)}
    by = {(e.src, e.dst): e.log10 for e in edges}
    scale = _Scale(list(by.values()) + list(nodes.values()))
    data, notes = [], []
    for a, b in zip(steps, steps[1:]):
        v = by[(f"h_{b}", f"h_{a}")]
        gap = b - a > 1
        data += _edge([(col[a], 1.0), (col[b], 1.0)], v, lab["edge_rec"].format(a=a, b=b),
                      scale, lab, dash="dash" if gap else None)
        if gap:
            notes.append({"x": (col[a] + col[b]) / 2, "y": 1.3, "text": lab["gap"].format(n=b - a - 1),
                          "showarrow": False, "font": {"size": 13}})
    loss_steps = [t for t in steps if math.isfinite(by[(f"C_{t}", f"h_{t}")])]
    for t in steps:
        data += _edge([(col[t], 0.0), (col[t], 1.0)], by[(f"h_{t}", f"x_{t}")],
                      lab["edge_x"].format(t=t), scale, lab)
        if t in loss_steps:
            data += _edge([(col[t], 1.0), (col[t], 2.0)], by[(f"C_{t}", f"h_{t}")],
                          lab["edge_loss"].format(t=t), scale, lab)
    xs = [col[t] for t in steps]
    hv = [nodes[f"h_{t}"] for t in steps]
    data.append({"type": "scatter", "mode": "markers+text", "x": xs, "y": [1.0] * len(xs),
                 "text": [f"h<sub>{t}</sub>" for t in steps], "textposition": "middle center",
                 "textfont": {"color": "#FFFFFF", "size": 14}, "showlegend": False,
                 "marker": {"size": 46, "color": [scale.color(v) for v in hv],
                            "line": {"color": NODE, "width": 2}},
                 "customdata": [v if math.isfinite(v) else None for v in hv],
                 "hovertext": [lab["node_h"].format(t=t) for t in steps],
                 "hovertemplate": lab["hover"].replace("%{text}", "%{hovertext}"),
                 "meta": {"nodes": "h"}})
    data.append({"type": "scatter", "mode": "markers+text", "x": xs, "y": [0.0] * len(xs),
                 "text": [f"x<sub>{t}</sub>" for t in steps], "textposition": "middle center",
                 "textfont": {"size": 14}, "showlegend": False, "hoverinfo": "skip",
                 "marker": {"size": 40, "color": "#FFFFFF", "line": {"color": NODE, "width": 2},
                            "symbol": "square"}})
    if loss_steps:
        data.append({"type": "scatter", "mode": "markers+text", "x": [col[t] for t in loss_steps],
                     "y": [2.0] * len(loss_steps), "showlegend": False, "hoverinfo": "skip",
                     "text": [lab["loss"].format(t=t) for t in loss_steps],
                     "textposition": "middle center", "textfont": {"color": "#FFFFFF", "size": 14},
                     "marker": {"size": 40, "color": COLORWAY[1], "symbol": "diamond"}})
    data.append(_colorbar(scale, lab))
    layout = _layout(lab["title"], height, [-0.6, len(steps) - 0.4], [-0.5, 2.5])
    layout["annotations"] = notes  # in the dict: set on the figure, plotly.py validated them
    return figure(data, layout)


# The memory block's drawing: where each part sits (cell state along the top, gates below).
_POS = {"c_prev": (0.0, 3.0), "mul_f": (2.0, 3.0), "plus": (4.0, 3.0), "c": (6.0, 3.0),
        "f": (2.0, 1.0), "i": (3.2, 1.0), "g": (4.4, 1.0), "o": (6.2, 1.0), "mul_ig": (3.8, 2.0),
        "tanh": (7.2, 2.4), "mul_o": (7.2, 1.0), "h": (8.6, 1.0), "bus": (4.0, -0.2),
        "h_prev": (0.0, -0.2), "x": (4.0, -1.2)}
_GLYPH = {"mul_f": "×", "plus": "+", "mul_ig": "×", "mul_o": "×", "tanh": "tanh",
          "f": "f", "i": "i", "g": "g", "o": "o"}


def lstm_cell_figure(nodes: dict, edges: list, k: int, *, labels: dict | None = None,
                     height: int = 460):
    """The LSTM memory block from rnnviz.measures.edges.lstm_cell_edges(trace, grads, k)."""
    lab = {**LSTM_LABELS, **(labels or {})}
    by = {(e.src, e.dst): e.log10 for e in edges}
    scale = _Scale(list(by.values()) + list(nodes.values()))
    P = _POS
    paths = [  # (edge key, points from where the gradient comes to where it goes, label key)
        (("h", "c"), [P["mul_o"], P["tanh"], P["c"]], "edge_h_c"),
        (("c", "c_prev"), [P["mul_f"], P["c_prev"]], "edge_c_prev"),
        (("h", "o"), [P["mul_o"], P["o"]], "edge_o"),
        (("c", "i"), [P["mul_ig"], P["i"]], "edge_i"),
        (("c", "f"), [P["mul_f"], P["f"]], "edge_f"),
        (("c", "g"), [P["mul_ig"], P["g"]], "edge_g"),
        (("gates", "h_prev"), [P["bus"], P["h_prev"]], "edge_h_prev"),
        (("gates", "x"), [P["bus"], P["x"]], "edge_x"),
    ]
    data = []
    # connectors that carry a node's total gradient: the cell state through "+", h_k out
    for pts, v, key in (([P["c"], P["plus"], P["mul_f"]], nodes["c"], "node_c"),
                        ([P["plus"], P["mul_ig"]], nodes["c"], "node_c"),
                        ([P["h"], P["mul_o"]], nodes["h"], "node_h")):
        data += _edge(pts, v, lab[key], scale, lab)
    for gate in "figo":  # the gates read h_{k−1} and x_k from the bus (grey: no number of their own)
        data.append({"type": "scatter", "mode": "lines", "x": [P["bus"][0], P[gate][0]],
                     "y": [P["bus"][1], P[gate][1]], "hoverinfo": "skip", "showlegend": False,
                     "line": {"color": ZERO, "width": 1.5}})
    for key, pts, name in paths:
        data += _edge(pts, by[key], lab[name], scale, lab)
    ops = ["mul_f", "plus", "mul_ig", "mul_o", "tanh"]
    data.append({"type": "scatter", "mode": "markers+text", "x": [P[n][0] for n in ops],
                 "y": [P[n][1] for n in ops], "text": [_GLYPH[n] for n in ops], "showlegend": False,
                 "hoverinfo": "skip", "textfont": {"size": 16},
                 "marker": {"size": [34, 34, 34, 34, 44], "color": "#FFFFFF",
                            "line": {"color": NODE, "width": 2}}})
    gates = ["f", "i", "g", "o"]
    data.append({"type": "scatter", "mode": "markers+text", "x": [P[n][0] for n in gates],
                 "y": [P[n][1] for n in gates], "text": gates, "showlegend": False,
                 "hoverinfo": "skip", "textfont": {"size": 18, "color": "#FFFFFF"},
                 "marker": {"size": 40, "symbol": "square",
                            "color": [COLORWAY[0], COLORWAY[0], COLORWAY[2], COLORWAY[0]]}})
    ends = ["c_prev", "c", "h", "h_prev", "x"]
    text = ["c<sub>k−1</sub>", "c<sub>k</sub>", "h<sub>k</sub>", "h<sub>k−1</sub>", "x<sub>k</sub>"]
    data.append({"type": "scatter", "mode": "markers+text", "x": [P[n][0] for n in ends],
                 "y": [P[n][1] for n in ends], "text": text, "showlegend": False,
                 "hoverinfo": "skip", "textfont": {"size": 16},
                 "marker": {"size": 46, "color": "#FFFFFF", "line": {"color": NODE, "width": 2}}})
    data.append(_colorbar(scale, lab))
    return figure(data, _layout(lab["title"].format(k=k), height, [-0.7, 9.3], [-1.8, 3.6]))


def edge_values(fig) -> dict:
    """{edge name: log10 value} read back from a diagram's hover points (tests, exports)."""
    out = {}
    for t in fig.data:
        meta = t.meta if isinstance(t.meta, dict) else {}
        if "edge" in meta:
            v = t.customdata[0]
            out[meta["edge"]] = -math.inf if v is None else float(v)
    return out
