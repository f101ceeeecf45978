"""Lesson: RNN, LSTM and GRU side by side on the same input and the same W_hh scale.

Storyboard: controls → cached computation (rnnviz.lessons.compare) → figures
(rnnviz.figures.compare) → the source's equations and what to look for.
"""

import numpy as np
import streamlit as st

from pages import i18n, memo, numtext, ui
from rnnviz.lessons import compare as lc
from rnnviz.figures import compare as figs

TEXT = {
    "title": "Compare the family",
    "intro": (
        "A tanh RNN, an LSTM and a GRU read the same input, and every (H × H) block of their "
        "recurrent weights W_hh is rescaled to the same spectral radius. The loss sits at the "
        "last step. How far back does each one's gradient reach, what does it cost in "
        "parameters, and how long does one forward and backward pass take?"
    ),
    # controls
    "T": "Sequence length T (steps)",
    "H": "Hidden size H (units)",
    "I": "Input size I",
    "scale": "W_hh scale (spectral radius of each block)",
    "scale_help": "Every gate's (H × H) block of W_hh is rescaled so its largest |eigenvalue| is this.",
    "keep": "Keep-gate bias b (LSTM's f, GRU's z)",
    "keep_help": (
        "Added to the bias of the gate that keeps the old state: the LSTM's forget gate f and "
        "the GRU's update gate z. b = 1 is Keras's unit_forget_bias; larger b keeps more."
    ),
    "input": "Input x_t",
    "input_gaussian": "Gaussian noise N(0, 1)",
    "input_zeros": "all zeros",
    "input_constant": "constant 1",
    "input_sine": "sine wave, period 20 steps",
    "thr": "Band θ (the gradient counts between θ and 1/θ times its size at the loss)",
    "thr_help": (
        "A step counts while θ · ‖∂C/∂h_T−1‖ ≤ ‖∂C/∂h_k‖ ≤ ‖∂C/∂h_T−1‖ / θ for it and every "
        "step after it. Leaving below is vanishing, leaving above is exploding: an exploding "
        "gradient does not count as reaching back."
    ),
    "show_c": "Also draw the LSTM's ‖∂C/∂c_k‖",
    "seed": "Random seed",
    # preset buttons sit two to a row in the sidebar: about 11 characters fit
    "preset_vanish": "Small W_hh",
    "preset_keep": "Gates open",
    "preset_big": "Large W_hh",
    "preset_long": "Long, wide",
    "presets_help": (
        "**Small W_hh**: scale 0.5, all three vanish within a few steps. **Gates open**: "
        "keep-gate bias 3, T = 500: the LSTM and the GRU keep their gradient for over 200 "
        "steps, the RNN for 13. **Large W_hh**: scale 2.5: the RNN's gradient explodes, the "
        "gated cells' still vanishes. **Long, wide**: T = 2000, H = 128. Each preset sets "
        "every control."
    ),
    # numbers
    "name_rnn": "RNN (tanh)",
    "name_lstm": "LSTM",
    "name_gru": "GRU",
    "m_span": "Steps back within θ … 1/θ",
    "m_span_kept": "{n} (all)",
    "m_span_vanished": "{n}, then vanishes",
    "m_span_exploded": "{n}, then explodes",
    "m_params": "Parameters {formula}",
    "m_ms": "unroll + BPTT",
    "ms": "{ms:.1f} ms",
    # part 1
    "h_curves": "1 · How far back the gradient reaches",
    "fig_title": "Gradient norm at each step, log scale (loss at step T−1)",
    "fig_x": "time step k",
    "fig_y": "log₁₀ ‖∂C/∂h_k‖",
    "fig_c": "LSTM ‖∂C/∂c_k‖",
    "fig_thr": "θ = {theta}",
    "fig_thr_up": "1/θ",
    "fig_below": "{name}: leaves the band at k = {k}",
    "fig_hover_y": "log₁₀ norm",  # the hover label of a curve's value
    "verdict": (
        "Going back from the loss, the gradient stays between θ = {theta} and 1/θ times its "
        "size at the loss for **{rnn}** steps in the RNN ({rnn_how}), **{lstm}** in the LSTM "
        "({lstm_how}) and **{gru}** in the GRU ({gru_how}), out of {last}."
    ),
    "how_kept": "it never leaves the band",
    "how_vanished": "then it vanishes",
    "how_exploded": "then it explodes",
    "eq_for": r"\ \text{for } j = 0, \dots, n",  # the end of n(θ)'s definition
    "curves_text": (
        "Each line is the exact ‖∂C/∂h_k‖ from back-propagation through time, as a power of "
        "ten on a linear axis: a straight falling line is a gradient shrinking by the same "
        "factor every step. The RNN's factor is W_hhᵀ diag(σ′(h*)), the source's δ recursion. "
        "The LSTM also carries its gradient through the cell state, multiplied by the forget "
        "gate f at every step; the GRU through the update gate z. With the gates near ½ "
        "(bias 0) they forget as fast as the RNN; push the keep-gate bias up and their lines "
        "flatten. A crossed marker shows where each line first leaves the band between the "
        "dotted lines, below (vanishing) or above (exploding)."
    ),
    # part 2
    "h_cost": "2 · What each one costs",
    "bars_span": "steps back within θ … 1/θ",
    "bars_params": "parameters",
    "bars_ms": "unroll + BPTT (ms)",
    "cost_text": (
        "PyTorch gives every gate a block of W_ih (H × I), a block of W_hh (H × H) and two "
        "bias vectors (b_ih and b_hh): G·H·(I + H + 2) numbers for G gate blocks. The RNN has "
        "G = 1, the GRU 3 (r, z, n), the LSTM 4 (i, f, g, o); so the GRU has exactly ¾ of the "
        "LSTM's parameters, the source's \"fewer parameters\". The times are measured on this "
        "server for this page's own float64 code (median of up to 3 runs, when the curves "
        "were computed), so compare them with each other, not with a GPU."
    ),
    "source": (
        "Source: the article's BPTT recursion for the RNN, its δᵏ⁻¹ = δᵏ (fᵏ + …) for the "
        "LSTM (the article writes fᵗ, a typo: the gate is the one at step k), and its GRU "
        "equations; parameter counts as in torch.nn.RNN / LSTM / GRU."
    ),
    # select-box options as the box shows them (the URL keeps the key)
    "opt_input_gaussian": "Gaussian noise",
    "opt_input_zeros": "zeros",
    "opt_input_constant": "constant 1",
    "opt_input_sine": "sine wave",
}

TEXT_ZH = {
    "title": "RNN 家族对比",
    "intro": (
        "一个 tanh RNN、一个 LSTM 和一个 GRU 读入同一个输入，它们的循环权重 W_hh 的每个 (H × H) "
        "分块都缩放到相同的谱半径。损失在最后一步。每种单元的梯度能往回传多远？要多少参数？"
        "一次前向加反向传播要花多长时间？"
    ),
    # controls
    "T": "序列长度 T（步）",
    "H": "隐藏层大小 H（单元数）",
    "I": "输入维度 I",
    "scale": "W_hh 的尺度（每个分块的谱半径）",
    "scale_help": "W_hh 中每个门的 (H × H) 分块都经过缩放，使其最大的 |特征值| 等于这个值。",
    "keep": "保持门偏置 b（LSTM 的 f，GRU 的 z）",
    "keep_help": (
        "加到负责保留旧状态的那个门的偏置上：LSTM 的遗忘门 f 和 GRU 的更新门 z。b = 1 就是 "
        "Keras 的 unit_forget_bias；b 越大，保留得越多。"
    ),
    "input": "输入 x_t",
    "input_gaussian": "高斯噪声 N(0, 1)",
    "input_zeros": "全零",
    "input_constant": "常数 1",
    "input_sine": "正弦波，周期 20 步",
    "thr": "区间 θ（梯度在损失处大小的 θ 倍到 1/θ 倍之间才算数）",
    "thr_help": (
        "某一步以及它之后的每一步都满足 θ · ‖∂C/∂h_T−1‖ ≤ ‖∂C/∂h_k‖ ≤ ‖∂C/∂h_T−1‖ / θ 时，"
        "这一步才算数。跌出下界是梯度消失，冲出上界是梯度爆炸：爆炸的梯度不算“传回去了”。"
    ),
    "show_c": "同时画出 LSTM 的 ‖∂C/∂c_k‖",
    "seed": "随机种子",
    # preset buttons sit two to a row in the sidebar: about 6 Chinese characters fit
    "preset_vanish": "W_hh 较小",
    "preset_keep": "门打开",
    "preset_big": "W_hh 较大",
    "preset_long": "长序列、宽",
    "presets_help": (
        "**W_hh 较小**：尺度 0.5，三者的梯度都在几步之内消失。**门打开**：保持门偏置 3，"
        "T = 500：LSTM 和 GRU 的梯度保持了 200 多步，RNN 只有 13 步。**W_hh 较大**：尺度 2.5："
        "RNN 的梯度爆炸，门控单元的梯度仍然消失。**长序列、宽**：T = 2000，H = 128。每个预设都会"
        "设定所有控件。"
    ),
    # numbers
    "name_rnn": "RNN (tanh)",
    "name_lstm": "LSTM",
    "name_gru": "GRU",
    "m_span": "在 θ … 1/θ 之内往回的步数",
    "m_span_kept": "{n}（全部）",
    "m_span_vanished": "{n}，之后消失",
    "m_span_exploded": "{n}，之后爆炸",
    "m_params": "参数量 {formula}",
    "m_ms": "展开 + BPTT",
    "ms": "{ms:.1f} ms",
    # part 1
    "h_curves": "1 · 梯度能往回传多远",
    "fig_title": "每一步的梯度范数，对数刻度（损失在第 T−1 步）",
    "fig_x": "时间步 k",
    "fig_y": "log₁₀ ‖∂C/∂h_k‖",
    "fig_c": "LSTM ‖∂C/∂c_k‖",
    "fig_thr": "θ = {theta}",
    "fig_thr_up": "1/θ",
    "fig_below": "{name}：在 k = {k} 处离开区间",
    "fig_hover_y": "log₁₀ 范数",  # the hover label of a curve's value
    "verdict": (
        "从损失往回看，梯度保持在损失处大小的 θ = {theta} 倍到 1/θ 倍之间的步数：RNN 为 "
        "**{rnn}** 步（{rnn_how}），LSTM 为 **{lstm}** 步（{lstm_how}），GRU 为 **{gru}** 步"
        "（{gru_how}）；最多可能是 {last} 步。"
    ),
    "how_kept": "始终没有离开区间",
    "how_vanished": "之后梯度消失",
    "how_exploded": "之后梯度爆炸",
    "eq_for": r"\ \text{，对 } j = 0, \dots, n \text{ 均成立}",  # the end of n(θ)'s definition
    "curves_text": (
        "每条线都是随时间反向传播（BPTT）得到的精确 ‖∂C/∂h_k‖，写成十的幂次画在线性坐标轴上："
        "一条笔直下降的线，就表示梯度每一步都缩小相同的倍数。RNN 每步乘的因子是 "
        "W_hhᵀ diag(σ′(h*))，即原文中 δ 的递推式。LSTM 还通过细胞状态传递梯度，每一步乘以遗忘门 "
        "f；GRU 则通过更新门 z。门在 ½ 附近（偏置为 0）时，它们遗忘得和 RNN 一样快；把保持门偏置"
        "调高，它们的线就会变平。叉号标出每条线第一次离开两条点线之间区间的位置：从下方离开是梯度"
        "消失，从上方离开是梯度爆炸。"
    ),
    # part 2
    "h_cost": "2 · 各自的代价",
    "bars_span": "在 θ … 1/θ 之内往回的步数",
    "bars_params": "参数量",
    "bars_ms": "展开 + BPTT（ms）",
    "cost_text": (
        "PyTorch 给每个门分配 W_ih 的一个分块（H × I）、W_hh 的一个分块（H × H）和两个偏置向量"
        "（b_ih 和 b_hh）：G 个门分块共有 G·H·(I + H + 2) 个数。RNN 的 G = 1，GRU 为 3（r、z、n），"
        "LSTM 为 4（i、f、g、o）；所以 GRU 的参数量恰好是 LSTM 的 ¾，也就是原文说的“有更少的参数”。"
        "时间是在这台服务器上、用本页自己的 float64 代码测得的（计算曲线时最多运行 3 次，取中位数），"
        "所以只能相互比较，不能拿去和 GPU 比。"
    ),
    "source": (
        "来源：原文中 RNN 的 BPTT 递推式，LSTM 的 δᵏ⁻¹ = δᵏ (fᵏ + …)（原文写作 fᵗ，是笔误：这里的"
        "门应是第 k 步的门），以及原文的 GRU 公式；参数量与 torch.nn.RNN / LSTM / GRU 一致。"
    ),
    # 选择框里显示的选项名（链接里仍用英文键）
    "opt_input_gaussian": "高斯噪声",
    "opt_input_zeros": "全零",
    "opt_input_constant": "常数 1",
    "opt_input_sine": "正弦波",
}
TEXT = i18n.pick(TEXT, TEXT_ZH)

CONTROLS = [
    ui.Control("T", TEXT["T"], "int", 200, min=10, max=2000, step=10),
    ui.Control("H", TEXT["H"], "int", 32, min=1, max=128),  # 3 cells × T=2000 × H=128 ≈ 1 s
    ui.Control("I", TEXT["I"], "int", 1, min=1, max=64),
    ui.Control("scale", TEXT["scale"], "float", 1.0, min=0.0, max=3.0, step=0.05,
               help=TEXT["scale_help"]),
    ui.Control("keep", TEXT["keep"], "float", 0.0, min=-3.0, max=6.0, step=0.5,
               help=TEXT["keep_help"]),
    ui.Control("input", TEXT["input"], "select", "gaussian",
               options={k: TEXT[f"input_{k}"] for k in ("gaussian", "zeros", "constant", "sine")}),
    ui.Control("thr", TEXT["thr"], "log", 1e-3, min=-12, max=-1, help=TEXT["thr_help"]),
    ui.Control("show_c", TEXT["show_c"], "toggle", True),
    ui.Control("seed", TEXT["seed"], "seed", 0),
]
_BASE = {"T": 200, "H": 32, "I": 1, "scale": 1.0, "keep": 0.0, "input": "gaussian", "thr": 1e-3,
         "show_c": True, "seed": 0}  # the defaults: every preset sets every control
PRESETS = {
    "vanish": {**_BASE, "scale": 0.5},
    "keep": {**_BASE, "keep": 3.0, "T": 500},
    "big": {**_BASE, "scale": 2.5},
    "long": {**_BASE, "T": 2000, "H": 128},
}


# ----------------------------------------------------------------- cached computations
@memo.data(max_entries=32)
def member(kind: str, T: int, H: int, I: int, scale: float, input_kind: str, keep: float,
           seed: int) -> lc.Member:
    """One cell's gradient norms, parameter count and measured time (rnnviz.lessons.compare)."""
    return lc.family_member(kind, T, H, I, scale, input_kind=input_kind, keep_bias=keep, seed=seed)


# Figures are cached on their arguments (memo.figure keys a memo.data result by the arguments
# that made it) and the language, so a rerun rebuilds only what changed and an unchanged chart
# is sent unchanged (the bars do not depend on the c-curve toggle).
@memo.figure(max_entries=32)
def curves_figure(log_thr: float, show_c: bool, members: dict, below: dict):
    theta = f"1e{round(log_thr)}"
    names = {k: TEXT[f"name_{k}"] for k in lc.KINDS}
    curves = [{"name": names[k], "y": m.log10_norm_h, "color": figs.CELL_COLORS[k], "below": below[k]}
              for k, m in members.items()]
    if show_c and members["lstm"].log10_norm_c is not None:
        curves.append({"name": TEXT["fig_c"], "y": members["lstm"].log10_norm_c,
                       "color": figs.CELL_COLORS["lstm"], "dash": "dash"})
    fig = figs.norm_curves_figure(curves, threshold=log_thr, labels={
        "title": TEXT["fig_title"], "x": TEXT["fig_x"], "y": TEXT["fig_y"],
        "threshold": TEXT["fig_thr"].format(theta=theta), "below": TEXT["fig_below"],
        "hover_y": TEXT["fig_hover_y"],
    })
    if log_thr < 0:  # the band's upper edge, 1/θ: leaving above it is exploding
        fig.add_hline(y=-log_thr, line=dict(color=figs.THRESHOLD_COLOR, dash="dot", width=2),
                      annotation_text=TEXT["fig_thr_up"], annotation_position="top left",
                      annotation_font=dict(color=figs.THRESHOLD_COLOR))
    return fig


@memo.figure(max_entries=32)
def bars_figure(members: dict, spans: dict):
    kinds = list(members)
    return figs.family_bars_figure(kinds, [TEXT[f"name_{k}"] for k in kinds], [
        (TEXT["bars_span"], [spans[k] for k in kinds], "{:,.0f}"),
        (TEXT["bars_params"], [members[k].n_params for k in kinds], "{:,.0f}"),
        (TEXT["bars_ms"], [members[k].ms for k in kinds], "{:.1f}"),
    ])


# ------------------------------------------------------------------------------ page
st.title(TEXT["title"])
st.markdown(TEXT["intro"])
s = ui.controls("compare", CONTROLS, presets=PRESETS, text=TEXT)
st.sidebar.caption(TEXT["presets_help"])
log_thr = float(np.log10(s.thr))
theta = f"1e{round(log_thr)}"  # the options are whole decades

with ui.guard():
    members = {k: member(k, s.T, s.H, s.I, s.scale, s.input, s.keep, s.seed) for k in lc.KINDS}
    bands = {k: m.band(log_thr) for k, m in members.items()}  # (steps, "vanished" | …)
    spans = {k: n for k, (n, _) in bands.items()}
    below = {k: lc.first_outside(m.log10_norm_h, log_thr) for k, m in members.items()}

names = {k: TEXT[f"name_{k}"] for k in lc.KINDS}
cols = st.columns(3)
for col, (kind, m) in zip(cols, members.items()):
    with col:
        st.subheader(names[kind])
        span, how = bands[kind]
        st.metric(TEXT["m_span"], TEXT[f"m_span_{how}"].format(n=span))
        st.metric(TEXT["m_params"].format(formula=numtext.param_formula(kind)), f"{m.n_params:,}")
        st.metric(TEXT["m_ms"], TEXT["ms"].format(ms=m.ms))

st.header(TEXT["h_curves"])
ui.plot(curves_figure(log_thr, s.show_c, members, below), key="fig_curves")
st.markdown(TEXT["verdict"].format(theta=theta, last=s.T - 1, **spans,
                                   **{f"{k}_how": TEXT[f"how_{how}"] for k, (_, how) in bands.items()}))
ui.equation(r"\text{RNN:}\quad \delta^{k-1} = \bigl(W_{hh}^\top \delta^k\bigr) \odot "
            r"\sigma'\bigl(h_*^{k-1}\bigr)")
ui.equation(r"\text{LSTM:}\quad c^t = f^t \odot c^{t-1} + i^t \odot g^t \;\Rightarrow\; "
            r"\frac{\partial C}{\partial c^{k-1}} = \frac{\partial C}{\partial c^{k}} \odot "
            r"\bigl(f^k + \ldots\bigr)")
ui.equation(r"\text{GRU:}\quad h^t = \bigl(1 - z^t\bigr) \odot n^t + z^t \odot h^{t-1} "
            r"\;\Rightarrow\; \frac{\partial h^t}{\partial h^{t-1}} = \operatorname{diag}(z^t) + \ldots")
ui.equation(r"n(\theta) = \max\Bigl\{\, n : \theta \le \bigl\lVert \tfrac{\partial C}"
            r"{\partial h_{T-1-j}} \bigr\rVert \big/ \bigl\lVert \tfrac{\partial C}{\partial h_{T-1}}"
            r" \bigr\rVert \le \tfrac{1}{\theta}" + TEXT["eq_for"] + r" \Bigr\}")
st.markdown(TEXT["curves_text"])

st.header(TEXT["h_cost"])
ui.plot(bars_figure(members, spans), key="fig_bars")  # the members' measured ms, as the metrics
ui.equation(r"N_{\text{RNN}} = H(I+H+2),\qquad N_{\text{GRU}} = 3H(I+H+2),\qquad "
            r"N_{\text{LSTM}} = 4H(I+H+2)")
st.markdown(TEXT["cost_text"])
st.caption(TEXT["source"])
