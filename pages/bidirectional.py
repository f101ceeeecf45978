"""Lesson: the bidirectional RNN (Schuster & Paliwal 1997) through its gradient-flow map.

Storyboard: controls → cached computation (rnnviz.measures.flow) → figures → equations and what to see.
"""

import math

import numpy as np
import streamlit as st

import rnnviz
from pages import i18n, memo, ui
from rnnviz.measures import flow
from rnnviz.figures import flow as flow_fig

TEXT = {
    "title": "Bidirectional RNN: which steps can the loss reach?",
    "intro": (
        "A bidirectional RNN (Schuster & Paliwal 1997) runs two RNNs over the same sequence, "
        "one forward and one backward, and gives the output at step *t* both of their states. "
        "The map below says, for every loss term Cᵗ and every step *k*, how strongly step *k* "
        "can change Cᵗ — the size of the gradient ∂Cᵗ/∂xₖ (or ∂Cᵗ/∂hₖ). Blank means no path "
        "at all."
    ),
    # controls
    "cell": "Cell",
    "cell_rnn": "vanilla RNN (tanh)",
    "cell_lstm": "LSTM (forget gate)",
    "cell_gru": "GRU (reset after, PyTorch)",
    "T": "Sequence length T (steps)",
    "H": "Hidden size H (units per direction)",
    "scale": "W_hh scale (spectral radius)",
    "scale_help": "Every (H × H) block of W_hh is rescaled to this spectral radius.",
    "fb": "LSTM forget-gate bias",
    "fb_help": (
        "The forget gate's bias (LSTM only; the other biases are 0). PyTorch draws every bias "
        "from U(−1/√H, 1/√H), random around 0; Keras's unit_forget_bias sets it to 1; larger "
        "keeps f close to 1, so the cell remembers."
    ),
    "wrt": "Gradient with respect to",
    "wrt_x": "the input xₖ",
    "wrt_h": "the hidden state hₖ",
    "seed": "Random seed",
    # preset buttons sit two to a row in the sidebar: about 11 characters fit
    "preset_vanish": "Small W_hh",
    "preset_lstm": "LSTM f open",
    "preset_long": "GRU, T=500",
    "preset_states": "States h",
    "presets_help": (
        "**Small W_hh**: a tanh RNN with scale 0.7, a narrow band. **LSTM f open**: forget "
        "bias 3, the band stays wide. **GRU, T=500**: H = 64. **States h**: the gradient with "
        "respect to the hidden states instead of the inputs. Each preset sets every control."
    ),
    # figures
    "map_title": "Gradient-flow map, same cell one-way and both ways",
    "map_uni": "one-directional (past only)",
    "map_bi": "bidirectional (past and future)",
    "x_title": "input step k",
    "x_title_h": "hidden-state step k",
    "y_title": "loss at step t",
    "cbar_x": "log₁₀ ‖∂Cᵗ/∂xₖ‖",
    "cbar_h": "log₁₀ ‖∂Cᵗ/∂hₖ‖",
    "hover": "loss at t = %{y:.0f}<br>step k = %{x:.0f}<br>log₁₀ ‖∂Cᵗ/∂·‖ = %{z:.2f}<extra></extra>",
    "row_title": "One row of each map: the loss at the middle step t = {t}",
    "row_x": "step k",
    "row_y_x": "log₁₀ ‖∂Cᵗ/∂xₖ‖",
    "row_y_h": "log₁₀ ‖∂Cᵗ/∂hₖ‖",
    "row_uni": "one-directional",
    "row_bi": "bidirectional",
    "row_now": "t",
    "m_reach": "{name}: steps back / ahead seen from t = {t}",
    "m_reach_help": (
        "How many steps before / after t = {t} still move the loss term Cᵗ: the farthest k "
        "with a gradient of at least 10⁻³."
    ),
    "m_none": "none",
    "shrunk": "Maps of T = {T} steps are drawn as {n} × {n} blocks (block means of log₁₀).",
    # explanation
    "eq_head": "The equations",
    "look": (
        "**What to look for.** Below the diagonal the two maps are identical: it is the same "
        "forward RNN with the same weights, and the loss at step *t* reaches step *k* < *t* "
        "through the product of *t − k* Jacobians. Above the diagonal the one-directional map "
        "is blank — a forward RNN cannot know the future — while the bidirectional map fills "
        "in through the backward RNN, whose gradients fade with *k − t* in the same way. "
        "With a small W_hh scale both triangles fade fast, so even the bidirectional network "
        "only sees a narrow band around the diagonal; an LSTM whose forget gate stays open "
        "(forget-gate bias 3) keeps the band wide. On the diagonal both directions reach xₜ "
        "at once, so their contributions add."
    ),
    "source": (
        "Schuster & Paliwal (1997), *Bidirectional recurrent neural networks*, IEEE Trans. "
        "Signal Processing 45(11). The map is the per-pair gradient norm that Distill's "
        "*Visualizing memorization in RNNs* calls connectivity."
    ),
    # select-box options as the box shows them (the URL keeps the key)
    "opt_cell_rnn": "vanilla RNN",
    "opt_cell_lstm": "LSTM",
    "opt_cell_gru": "GRU",
    "opt_wrt_x": "input xₖ",
    "opt_wrt_h": "hidden state hₖ",
}

TEXT_ZH = {
    "title": "双向 RNN：损失能追溯到哪些时间步？",
    "intro": (
        "双向 RNN（Schuster & Paliwal 1997）在同一个序列上同时运行两个 RNN，一个从前往后，"
        "一个从后往前，时刻 *t* 的输出同时取用两者的状态。下面的图对每一项损失 Cᵗ 和每一个"
        "时间步 *k* 给出：时间步 *k* 能在多大程度上改变 Cᵗ，也就是梯度 ∂Cᵗ/∂xₖ（或 ∂Cᵗ/∂hₖ）"
        "的大小。空白表示两者之间根本没有通路。"
    ),
    # controls
    "cell": "单元类型",
    "cell_rnn": "原始 RNN（tanh）",
    "cell_lstm": "LSTM（带遗忘门）",
    "cell_gru": "GRU（PyTorch 式：重置门在矩阵乘法之后）",
    "T": "序列长度 T（时间步）",
    "H": "隐藏层大小 H（每个方向的单元数）",
    "scale": "W_hh 缩放（谱半径）",
    "scale_help": "W_hh 的每个 (H × H) 块都被缩放到这个谱半径。",
    "fb": "LSTM 遗忘门偏置",
    "fb_help": (
        "遗忘门的偏置（仅对 LSTM 有效；其余偏置为 0）。PyTorch 从 U(−1/√H, 1/√H) 中随机抽取"
        "每个偏置，在 0 附近；Keras 的 unit_forget_bias 把它设为 1；偏置越大，f 越接近 1，"
        "细胞状态就记得越久。"
    ),
    "wrt": "对谁求梯度",
    "wrt_x": "输入 xₖ",
    "wrt_h": "隐藏状态 hₖ",
    "seed": "随机种子",
    # preset buttons sit two to a row in the sidebar: about 6 Chinese characters fit
    "preset_vanish": "小 W_hh",
    "preset_lstm": "遗忘门常开",
    "preset_long": "GRU, T=500",
    "preset_states": "状态 h",
    "presets_help": (
        "**小 W_hh**：缩放为 0.7 的 tanh RNN，只剩一条窄带。**遗忘门常开**：LSTM 的遗忘门偏置为 3，"
        "带子一直很宽。**GRU, T=500**：H = 64。**状态 h**：对隐藏状态而不是对输入求梯度。"
        "每个预设都会设定全部控件。"
    ),
    # figures
    "map_title": "梯度流图：同一个单元，单向与双向对比",
    "map_uni": "单向（只看上文）",
    "map_bi": "双向（同时看上下文）",
    "x_title": "输入时间步 k",
    "x_title_h": "隐藏状态时间步 k",
    "y_title": "损失所在时间步 t",
    "cbar_x": "log₁₀ ‖∂Cᵗ/∂xₖ‖",
    "cbar_h": "log₁₀ ‖∂Cᵗ/∂hₖ‖",
    "hover": "损失时间步 t = %{y:.0f}<br>时间步 k = %{x:.0f}<br>log₁₀ ‖∂Cᵗ/∂·‖ = %{z:.2f}<extra></extra>",
    "row_title": "每张图中的一行：中间时间步 t = {t} 处的损失",
    "row_x": "时间步 k",
    "row_y_x": "log₁₀ ‖∂Cᵗ/∂xₖ‖",
    "row_y_h": "log₁₀ ‖∂Cᵗ/∂hₖ‖",
    "row_uni": "单向",
    "row_bi": "双向",
    "row_now": "t",
    "m_reach": "{name}：从 t = {t} 往前 / 往后能看到的步数",
    "m_reach_help": (
        "在 t = {t} 之前 / 之后，还有多少个时间步能影响损失项 Cᵗ：即梯度不小于 10⁻³ 的"
        "最远的 k。"
    ),
    "m_none": "无",
    "shrunk": "T = {T} 步的图按 {n} × {n} 个块绘制（每块取 log₁₀ 的平均值）。",
    # explanation
    "eq_head": "公式",
    "look": (
        "**看什么。** 对角线以下，两张图完全相同：那是同一个前向 RNN、同一组权重，时刻 *t* 的"
        "损失要经过 *t − k* 个雅可比矩阵的累乘才能到达时间步 *k* < *t*。对角线以上，单向图是"
        "空白的——前向 RNN 无法知道未来；双向图则由反向 RNN 填满，它的梯度随 *k − t* 以同样的"
        "方式衰减。W_hh 缩放较小时，两个三角都衰减得很快，所以即使是双向网络，也只能看到对角线"
        "附近的一条窄带；遗忘门保持打开的 LSTM（遗忘门偏置为 3）则让这条带子保持宽阔。在对角线上，"
        "两个方向同时到达 xₜ，它们的贡献相加。"
    ),
    "source": (
        "Schuster & Paliwal (1997), *Bidirectional recurrent neural networks*, IEEE Trans. "
        "Signal Processing 45(11)。这张图就是 Distill 的 *Visualizing memorization in RNNs* "
        "中称为 connectivity（连通度）的逐对梯度范数。"
    ),
    # 选择框里显示的选项名（链接里仍用英文键）
    "opt_cell_rnn": "原始 RNN",
    "opt_cell_lstm": "LSTM",
    "opt_cell_gru": "GRU",
    "opt_wrt_x": "输入 xₖ",
    "opt_wrt_h": "隐藏状态 hₖ",
}
TEXT = i18n.pick(TEXT, TEXT_ZH)

CONTROLS = [
    ui.Control("cell", TEXT["cell"], "select", "rnn",
               options={"rnn": TEXT["cell_rnn"], "lstm": TEXT["cell_lstm"], "gru": TEXT["cell_gru"]}),
    ui.Control("T", TEXT["T"], "int", 80, min=2, max=500),
    ui.Control("H", TEXT["H"], "int", 32, min=1, max=64),  # a T=500 LSTM map at H=128 costs 1.4 s CPU
    ui.Control("scale", TEXT["scale"], "float", 1.0, min=0.1, max=3.0, step=0.05,
               help=TEXT["scale_help"]),
    ui.Control("fb", TEXT["fb"], "float", 0.0, min=0.0, max=5.0, step=0.5, help=TEXT["fb_help"]),
    ui.Control("wrt", TEXT["wrt"], "select", "x", options={"x": TEXT["wrt_x"], "h": TEXT["wrt_h"]}),
    ui.Control("seed", TEXT["seed"], "seed", 0),
]
_BASE = {"cell": "rnn", "T": 80, "H": 32, "scale": 1.0, "fb": 0.0, "wrt": "x",
         "seed": 0}  # the defaults: every preset sets every control
PRESETS = {
    "vanish": {**_BASE, "scale": 0.7, "T": 100},
    "lstm": {**_BASE, "cell": "lstm", "fb": 3.0, "T": 200},
    "long": {**_BASE, "cell": "gru", "T": 500, "H": 64},
    "states": {**_BASE, "wrt": "h"},
}


def inactive(v: dict) -> set:
    """The forget-gate bias does nothing unless the cell is an LSTM."""
    return set() if v["cell"] == "lstm" else {"fb"}


INPUT_SIZE = 4  # x_t has 4 features, so ‖∂Cᵗ/∂xₖ‖ is the norm of a 4-vector
THRESHOLD = -3.0  # log10 of the gradient size counted as "still reaches"
MAX_CELLS = flow_fig.MAX_CELLS


# ----------------------------------------------------------------- cached computations
@memo.data(max_entries=32)
def maps(kind: str, T: int, H: int, scale: float, fb: float, wrt: str, seed: int):
    """(one-directional map, bidirectional map), both (T, T) log10 norms.

    The bidirectional cell is make_cell(..., bidirectional=True) with the same seed: its
    forward direction has exactly the one-directional cell's weights, and the loss term
    Cᵗ = vᵀh→_t + v'ᵀh←_t (v, v' fixed unit vectors) gives the one-directional cell vᵀh_t.
    One sweep per direction gives both maps (flow_map's return_forward).
    """
    cell = rnnviz.make_cell(kind, H, INPUT_SIZE, scale=scale, forget_bias=fb, seed=seed,
                            bidirectional=True)
    x = rnnviz.make_input(T, INPUT_SIZE, seed=seed)
    g = rnnviz.loss_grad(T, H, where="all", seed=seed, directions=2)  # (T, 2H): forward half first
    M_bi, M_uni = flow.flow_map(rnnviz.unroll(cell, x), g, wrt=wrt, return_forward=True)
    return M_uni, M_bi


# Figures are cached on the settings of the maps they draw (memo.figure keys a memo.data
# result by the arguments that made it) and the language: a rerun with seen settings
# rebuilds nothing and the charts are sent unchanged.
@memo.figure(max_entries=32)
def maps_figure(wrt: str, both):
    return flow_fig.flow_maps_figure(
        list(both), [TEXT["map_uni"], TEXT["map_bi"]],
        labels={"title": TEXT["map_title"], "x": TEXT["x_title" if wrt == "x" else "x_title_h"],
                "y": TEXT["y_title"], "colorbar": TEXT["cbar_" + wrt], "hover": TEXT["hover"]},
        max_cells=MAX_CELLS)


@memo.figure(max_entries=32)
def row_figure(T: int, wrt: str, both):
    M_uni, M_bi = both
    t_mid = T // 2
    return flow_fig.curves_figure(
        np.arange(T), {TEXT["row_uni"]: M_uni[t_mid], TEXT["row_bi"]: M_bi[t_mid]},
        title=TEXT["row_title"].format(t=t_mid), x_title=TEXT["row_x"],
        y_title=TEXT["row_y_" + wrt], vline=t_mid, vline_text=TEXT["row_now"],
        dashes=["solid", "dash"])


# ------------------------------------------------------------------------------ page
st.title(TEXT["title"])
st.markdown(TEXT["intro"])
s = ui.controls("bidirectional", CONTROLS, presets=PRESETS, text=TEXT, inactive=inactive)
st.sidebar.caption(TEXT["presets_help"])

with ui.guard():
    both = maps(s.cell, s.T, s.H, s.scale, s.fb, s.wrt, s.seed)
    M_uni, M_bi = both

t_mid = s.T // 2
for col, name, M in zip(st.columns(2), ("row_uni", "row_bi"), (M_uni, M_bi)):
    back, ahead = (flow.reach(M, THRESHOLD, rows=[t_mid], ahead=a) for a in (False, True))
    col.metric(TEXT["m_reach"].format(name=TEXT[name], t=t_mid),
               " / ".join(TEXT["m_none"] if n is None else str(n) for n in (back, ahead)),
               help=TEXT["m_reach_help"].format(t=t_mid))

ui.plot(maps_figure(s.wrt, both), key="fig_maps")
if s.T > MAX_CELLS:
    block = math.ceil(s.T / MAX_CELLS)
    st.caption(TEXT["shrunk"].format(T=s.T, n=math.ceil(s.T / block)))

ui.plot(row_figure(s.T, s.wrt, both), key="fig_row")

st.subheader(TEXT["eq_head"])
ui.equation(r"\overrightarrow{h}_t = \sigma\!\left(W_{hx} x_t + W_{hh} \overrightarrow{h}_{t-1}"
            r" + b_h\right),\qquad \overleftarrow{h}_t = \sigma\!\left(W'_{hx} x_t"
            r" + W'_{hh} \overleftarrow{h}_{t+1} + b'_h\right)")
ui.equation(r"C^t = v^\top \overrightarrow{h}_t + v'^\top \overleftarrow{h}_t, \qquad "
            r"C = \sum_t C^t")
ui.equation(r"\frac{\partial C^t}{\partial x_k} = "
            r"\underbrace{\frac{\partial C^t}{\partial \overrightarrow{h}_t}"
            r"\prod_{j=k+1}^{t} \frac{\partial \overrightarrow{h}_j}{\partial \overrightarrow{h}_{j-1}}"
            r"\frac{\partial \overrightarrow{h}_k}{\partial x_k}}_{k \le t}"
            r"+ \underbrace{\frac{\partial C^t}{\partial \overleftarrow{h}_t}"
            r"\prod_{j=t}^{k-1} \frac{\partial \overleftarrow{h}_j}{\partial \overleftarrow{h}_{j+1}}"
            r"\frac{\partial \overleftarrow{h}_k}{\partial x_k}}_{k \ge t}")
ui.equation(r"\delta^{k-1} = \left(W_{hh}^\top \delta^{k}\right) \odot \sigma'\!\left(h_*^{k-1}\right)")
st.markdown(TEXT["look"])
st.caption(TEXT["source"])
