"""Lesson: LSTM and GRU gates, and why the forget gate keeps the gradient.

Storyboard: controls → cached computation → figures → equations and explanation.
"""

import numpy as np
import streamlit as st

from pages import i18n, memo, numtext, ui
from rnnviz.lessons import gates as lg
from rnnviz import LOSSES, SCALE_BY, make_cell, make_input
from rnnviz.figures import diagrams
from rnnviz.figures import gates as gfig
from rnnviz.figures.style import COLORWAY

TEXT = {
    "title": "LSTM and GRU gates",
    "intro": (
        "An LSTM adds a cell state c that is carried from step to step by multiplication with "
        "the forget gate f, not by a matrix. Where f sits near 1, the gradient on c passes a "
        "step back almost untouched. Here are every gate and the state over time, the gradient "
        "on c and on h, and a vanilla tanh RNN with the same W_hh scale and the same input."
    ),
    # controls
    "cell": "Cell",
    "cell_lstm": "LSTM: gates i, f, o, cell input g, cell state c",
    "cell_gru": "GRU: reset r, update z, candidate n",
    "T": "Sequence length T (steps)",
    "H": "Hidden size H (units)",
    "init": "W_hh initialisation",
    "init_gaussian": "Gaussian N(0, 1/H)",
    "init_orthogonal": "random orthogonal",
    "init_torch": "PyTorch default U(−1/√H, 1/√H)",
    "scale": "W_hh scale (each gate's block)",
    "scale_help": "Every gate's (H × H) block of W_hh, and the RNN's W_hh, is rescaled to this value.",
    "by": "Scale measured as",
    "by_radius": "spectral radius ρ = max |λᵢ|",
    "by_sigma": "largest singular value ‖W_hh‖₂",
    "fb": "Forget-gate bias b_f (GRU: update-gate bias b_z)",
    "fb_help": (
        "The forget gate's bias (LSTM) or the update gate's (GRU); the other biases are 0. "
        "PyTorch draws every bias from U(−1/√H, 1/√H), random around 0; Keras's "
        "unit_forget_bias sets the forget bias to 1."
    ),
    "xs": "Input scale (x ~ N(0, s²))",
    "loss": "Loss",
    "loss_last": "at the last step only, C = vᵀh_{T−1}",
    "loss_all": "at every step, C = Σ_t vᵀh_t",
    "seed": "Random seed",
    # preset buttons sit two to a row in the sidebar: about 11 characters fit
    "preset_keep": "LSTM keeps",
    "preset_closed": "f closed",
    "preset_gru": "GRU",
    "preset_long": "Long T=1000",
    "presets_help": (
        "**LSTM keeps**: forget bias 3, mean f 0.92: the cell's gradient reaching step 0 is "
        "0.38 of its size at step T−1, the RNN's 2.1 × 10⁻³⁸. **f closed**: forget bias −3, "
        "mean f 0.07: 2.5 × 10⁻¹²¹. **GRU**: update-gate bias 1: 9.0 × 10⁻¹⁹. **Long T=1000**: "
        "forget bias 5, mean f 0.99: the cell's gradient even grows, 53 times, while the RNN's "
        "is 3.1 × 10⁻¹⁹². Each preset sets every control."
    ),
    # part 1
    "h_gates": "1 · The gates over time",
    "gates_text": (
        "Each row is one gate, units down, time across. σ-gates run from 0 (closed) to 1 "
        "(open); g and n are tanh values in (−1, 1). Raise the forget bias and watch the f "
        "row turn bright: the cell keeps what it holds."
    ),
    "fig_gates_title": "Gate activations and state (T = {T}, H = {H})",
    "fig_x": "time step t",
    "fig_unit": "unit j",
    "bar_gate": "σ gate",
    "bar_tanh": "tanh",
    "bar_state": "state",
    "hover_value": "value",
    "panel_i": "i — input gate",
    "panel_f": "f — forget gate",
    "panel_o": "o — output gate",
    "panel_g": "g — cell input (tanh)",
    "panel_c": "c — cell state",
    "panel_r": "r — reset gate",
    "panel_z": "z — update gate",
    "panel_n": "n — candidate (tanh)",
    "panel_h": "h — hidden state",
    # part 2
    "h_norms": "2 · How far back the gradient reaches",
    "norms_text": (
        "log10 of the gradient's norm at every step k (−40 means 10⁻⁴⁰). Solid: the exact "
        "gradients. Dashed: what the gate path alone carries, $\\delta^{k-1} = \\delta^k \\odot f_k$ "
        "for the LSTM ($\\odot\\, z_k$ for the GRU), every “…” term dropped. The vanilla RNN "
        "has the same W_hh scale, initialisation, seed and input."
    ),
    "fig_norms_title": "Gradient norm at step k (log10)",
    "fig_norms_y": "log10 ‖gradient‖ (decades)",
    "fig_step": "step k",
    "curve_c": "LSTM ‖∂C/∂cₖ‖ (cell)",
    "curve_h_lstm": "LSTM ‖∂C/∂hₖ‖",
    "curve_h_gru": "GRU ‖∂C/∂hₖ‖",
    "curve_path_lstm": "only the f path: δᵏ ⊙ fₖ",
    "curve_path_gru": "only the z path: δᵏ ⊙ zₖ",
    "curve_rnn": "vanilla tanh RNN ‖∂C/∂hₖ‖",
    "m_reach": "{what}: step 0 ÷ step T−1",
    "m_c": "LSTM cell c",
    "m_h": "{cell} hidden h",
    "m_rnn": "vanilla RNN h",
    "m_help": "‖gradient at step 0‖ ÷ ‖gradient at step T−1‖.",
    # part 3
    "h_step": "3 · One step back: $\\delta^{k-1} = \\delta^k\\,(f + \\dots)$",
    "step_text_lstm": (
        "The source's argument, measured at every step. Blue: the mean forget gate $f_k$. "
        "Orange, dashed: how much of $\\delta^k$ the f term alone carries back, "
        "$\\lVert f_k \\odot \\delta^k\\rVert / \\lVert \\delta^k\\rVert$. Green: the whole step, "
        "$\\lVert \\delta^{k-1}\\rVert / \\lVert \\delta^k\\rVert$, the “…” terms through h included. "
        "Where f is near 1, all three sit near 1 and nothing vanishes; with the forget gate "
        "closed (f near 0) only the “…” terms are left, and they shrink."
    ),
    "step_text_gru": (
        "The GRU's version of the argument: $h_t = (1 - z_t) \\odot n_t + z_t \\odot h_{t-1}$ "
        "gives $\\delta^{k-1} = \\delta^k \\odot z_k + \\dots$ with $\\delta^k = \\partial C/\\partial h_k$. "
        "Blue: the mean update gate $z_k$. Orange, dashed: "
        "$\\lVert z_k \\odot \\delta^k\\rVert / \\lVert \\delta^k\\rVert$. Green: the whole step "
        "$\\lVert \\delta^{k-1}\\rVert / \\lVert \\delta^k\\rVert$."
    ),
    "step_loss_all": (
        "With the loss at every step, fresh gradient enters at every step, so the whole-step "
        "ratio also counts what is added there; set the loss to the last step to see the "
        "propagation alone."
    ),
    "fig_step_title": "Per-step factors against k",
    "fig_step_y": "factor per step back",
    "curve_mean_f": "mean fₖ (forget gate)",
    "curve_mean_z": "mean zₖ (update gate)",
    "curve_fterm": "f term ‖fₖ ⊙ δᵏ‖ / ‖δᵏ‖",
    "curve_zterm": "z term ‖zₖ ⊙ δᵏ‖ / ‖δᵏ‖",
    "curve_ratio": "whole step ‖δᵏ⁻¹‖ / ‖δᵏ‖",
    "block_text": (
        "The same backward pass inside one LSTM memory block, at step {k}, drawn as the "
        "source draws the cell: each edge is coloured and sized by the gradient that flows "
        "back along it (hover for the number). Along the top, the cell state: $\\delta^k$ "
        "reaches $c_{{k-1}}$ through × f alone. What enters the gates leaves the block through "
        "$W_{{hh}}$ into $h_{{k-1}}$, where the RNN's matrix product starts again (and through "
        "$W_{{ih}}$ into $x_k$)."
    ),
    "block_gru": "The memory-block diagram is drawn for the LSTM (choose Cell: LSTM).",
    "blk_title": "The LSTM memory block at step {k}",
    "blk_colorbar": "log₁₀ ‖gradient‖",
    "blk_hover": "%{text}<br>log₁₀ ‖gradient‖ = %{customdata:.2f}<extra></extra>",
    "blk_edge_h_c": "h_k → c_k (through o ⊙ tanh′)",
    "blk_edge_c_prev": "c_k → c_{k−1} (× f)",
    "blk_edge_o": "h_k → output gate o",
    "blk_edge_i": "c_k → input gate i",
    "blk_edge_f": "c_k → forget gate f",
    "blk_edge_g": "c_k → cell input g",
    "blk_edge_h_prev": "gates → h_{k−1} (through W_hh)",
    "blk_edge_x": "gates → x_k (through W_ih)",
    "blk_node_c": "‖∂C/∂c_k‖ in total",
    "blk_node_h": "‖∂C/∂h_k‖ in total",
    "gaps": "Gaps in the orange curve: steps where δᵏ is beyond float64 (its log10 norm above is still exact).",
    "takeaway": (
        "The gate, not the matrix, decides how much gradient survives a step. The RNN "
        "multiplies by diag(σ′) W_hh every step; the LSTM's cell multiplies by f, numbers in "
        "(0, 1) the network learns, and the GRU's state by z. A forget bias of 1 to 3 is "
        "common practice for this reason."
    ),
    "source": (
        "Hochreiter & Schmidhuber (1997); Gers, Schmidhuber & Cummins (2000), Learning to "
        "Forget; Cho et al. (2014). Jozefowicz, Zaremba & Sutskever (2015) recommend the "
        "forget bias of 1 that Keras uses."
    ),
    # select-box options as the box shows them (the URL keeps the key)
    "opt_cell_lstm": "LSTM",
    "opt_cell_gru": "GRU",
    "opt_init_gaussian": "Gaussian",
    "opt_init_orthogonal": "orthogonal",
    "opt_init_torch": "PyTorch default",
    "opt_by_radius": "spectral radius ρ",
    "opt_by_sigma": "largest singular value ‖W_hh‖₂",
    "opt_loss_last": "last step only",
    "opt_loss_all": "every step",
}

TEXT_ZH = {
    "title": "LSTM 与 GRU 的门",
    "intro": (
        "LSTM 多了一个细胞状态 c：它从一步传到下一步，靠的是与遗忘门 f 逐元素相乘，而不是乘一个"
        "矩阵。f 接近 1 的地方，c 上的梯度往回传一步几乎原封不动。本页画出每个门和状态随时间的变化、"
        "c 与 h 上的梯度，并与一个 W_hh 尺度相同、输入也相同的普通 tanh RNN 对比。"
    ),
    # controls
    "cell": "单元",
    "cell_lstm": "LSTM：输入门 i、遗忘门 f、输出门 o，候选值 g，细胞状态 c",
    "cell_gru": "GRU：重置门 r、更新门 z，候选值 n",
    "T": "序列长度 T（步）",
    "H": "隐藏层大小 H（单元数）",
    "init": "W_hh 的初始化",
    "init_gaussian": "高斯分布 N(0, 1/H)",
    "init_orthogonal": "随机正交矩阵",
    "init_torch": "PyTorch 默认 U(−1/√H, 1/√H)",
    "scale": "W_hh 的尺度（每个门的分块）",
    "scale_help": "W_hh 中每个门的 (H × H) 分块，以及 RNN 的 W_hh，都缩放到这个值。",
    "by": "尺度的度量方式",
    "by_radius": "谱半径 ρ = max |λᵢ|",
    "by_sigma": "最大奇异值 ‖W_hh‖₂",
    "fb": "遗忘门偏置 b_f（GRU：更新门偏置 b_z）",
    "fb_help": (
        "遗忘门（LSTM）或更新门（GRU）的偏置；其余偏置为 0。PyTorch 的每个偏置都从 "
        "U(−1/√H, 1/√H) 中随机抽取，分布在 0 附近；Keras 的 unit_forget_bias 则把遗忘门偏置设为 1。"
    ),
    "xs": "输入尺度（x ~ N(0, s²)）",
    "loss": "损失",
    "loss_last": "只在最后一步，C = vᵀh_{T−1}",
    "loss_all": "每一步都有，C = Σ_t vᵀh_t",
    "seed": "随机种子",
    # preset buttons sit two to a row in the sidebar: about 6 Chinese characters fit
    "preset_keep": "LSTM 记得住",
    "preset_closed": "遗忘门关闭",
    "preset_gru": "GRU",
    "preset_long": "T=1000",
    "presets_help": (
        "**LSTM 记得住**：遗忘门偏置 3，f 的均值 0.92：细胞状态的梯度传到第 0 步时，仍有第 T−1 步时"
        "的 0.38，RNN 的却只剩 2.1 × 10⁻³⁸。**遗忘门关闭**：遗忘门偏置 −3，f 的均值 0.07：只剩 "
        "2.5 × 10⁻¹²¹。**GRU**：更新门偏置 1：9.0 × 10⁻¹⁹。**T=1000**（长序列）：遗忘门偏置 5，"
        "f 的均值 0.99：细胞状态的梯度甚至变大了，是原来的 53 倍，而 RNN 的是 3.1 × 10⁻¹⁹²。"
        "每个预设都会设定所有控件。"
    ),
    # part 1
    "h_gates": "1 · 各个门随时间的变化",
    "gates_text": (
        "每一行是一个门，纵向是各个单元，横向是时间。σ 门的取值从 0（关闭）到 1（打开）；g 和 n "
        "是 tanh 的输出，在 (−1, 1) 之间。把遗忘门偏置调高，看 f 那一行变亮：细胞状态把已有的内容"
        "保留了下来。"
    ),
    "fig_gates_title": "门的激活值与状态（T = {T}，H = {H}）",
    "fig_x": "时间步 t",
    "fig_unit": "单元 j",
    "bar_gate": "σ 门",
    "bar_tanh": "tanh",
    "bar_state": "状态",
    "hover_value": "值",
    "panel_i": "i — 输入门",
    "panel_f": "f — 遗忘门",
    "panel_o": "o — 输出门",
    "panel_g": "g — 候选值（tanh）",
    "panel_c": "c — 细胞状态",
    "panel_r": "r — 重置门",
    "panel_z": "z — 更新门",
    "panel_n": "n — 候选值（tanh）",
    "panel_h": "h — 隐藏状态",
    # part 2
    "h_norms": "2 · 梯度能往回传多远",
    "norms_text": (
        "每一步 k 上梯度范数的 log10（−40 表示 10⁻⁴⁰）。实线：精确的梯度。虚线：只沿门这一条路径"
        "传回的梯度，LSTM 为 $\\delta^{k-1} = \\delta^k \\odot f_k$（GRU 为 $\\odot\\, z_k$），"
        "所有“…”项都略去。普通 RNN 的 W_hh 尺度、初始化、随机种子和输入都与之相同。"
    ),
    "fig_norms_title": "第 k 步的梯度范数（log10）",
    "fig_norms_y": "log10 ‖梯度‖（数量级）",
    "fig_step": "时间步 k",
    "curve_c": "LSTM ‖∂C/∂cₖ‖（细胞状态）",
    "curve_h_lstm": "LSTM ‖∂C/∂hₖ‖",
    "curve_h_gru": "GRU ‖∂C/∂hₖ‖",
    "curve_path_lstm": "只走 f 路径：δᵏ ⊙ fₖ",
    "curve_path_gru": "只走 z 路径：δᵏ ⊙ zₖ",
    "curve_rnn": "普通 tanh RNN ‖∂C/∂hₖ‖",
    "m_reach": "{what}：第 0 步 ÷ 第 T−1 步",
    "m_c": "LSTM 细胞状态 c",
    "m_h": "{cell} 隐藏状态 h",
    "m_rnn": "普通 RNN 的 h",
    "m_help": "‖第 0 步的梯度‖ ÷ ‖第 T−1 步的梯度‖。",
    # part 3
    "h_step": "3 · 往回一步：$\\delta^{k-1} = \\delta^k\\,(f + \\dots)$",
    "step_text_lstm": (
        "把原文的论证放到每一步上实测。蓝线：遗忘门的均值 $f_k$。橙色虚线：单靠 f 这一项能把 "
        "$\\delta^k$ 传回多少，即 $\\lVert f_k \\odot \\delta^k\\rVert / \\lVert \\delta^k\\rVert$。"
        "绿线：完整的一步 $\\lVert \\delta^{k-1}\\rVert / \\lVert \\delta^k\\rVert$，包括经过 h 的"
        "“…”项。f 接近 1 时，三条线都在 1 附近，梯度不会消失；遗忘门关闭（f 接近 0）时只剩下"
        "“…”项，而它们会越来越小。"
    ),
    "step_text_gru": (
        "GRU 版本的论证：由 $h_t = (1 - z_t) \\odot n_t + z_t \\odot h_{t-1}$ 得到 "
        "$\\delta^{k-1} = \\delta^k \\odot z_k + \\dots$，其中 $\\delta^k = \\partial C/\\partial h_k$。"
        "蓝线：更新门的均值 $z_k$。橙色虚线：$\\lVert z_k \\odot \\delta^k\\rVert / \\lVert \\delta^k\\rVert$。"
        "绿线：完整的一步 $\\lVert \\delta^{k-1}\\rVert / \\lVert \\delta^k\\rVert$。"
    ),
    "step_loss_all": (
        "损失设在每一步时，每一步都有新的梯度注入，所以完整一步的比值也算进了在该步新加入的部分；"
        "把损失设为只在最后一步，才能单独看到梯度的传播。"
    ),
    "fig_step_title": "每一步的因子随 k 的变化",
    "fig_step_y": "每往回一步乘的因子",
    "curve_mean_f": "fₖ 的均值（遗忘门）",
    "curve_mean_z": "zₖ 的均值（更新门）",
    "curve_fterm": "f 项 ‖fₖ ⊙ δᵏ‖ / ‖δᵏ‖",
    "curve_zterm": "z 项 ‖zₖ ⊙ δᵏ‖ / ‖δᵏ‖",
    "curve_ratio": "完整一步 ‖δᵏ⁻¹‖ / ‖δᵏ‖",
    'block_text': (
        '同一次反向传播，放到一个 LSTM 记忆单元内部看，取第 {k} 步，按原文画细胞的方式画出：'
        '每条边的颜色和粗细表示沿它反向流过的梯度（鼠标悬停可看数值）。上方是细胞状态：$\\delta^k$ '
        '只经过 × f 就到达 $c_{{k-1}}$。进入各个门的梯度经 $W_{{hh}}$ '
        '离开记忆单元、流向 $h_{{k-1}}$，在那里 RNN 式的矩阵连乘又开始了（另有一部分经 '
        '$W_{{ih}}$ 流向 $x_k$）。'
    ),
    "block_gru": "记忆单元示意图只为 LSTM 绘制（请把“单元”选为 LSTM）。",
    "blk_title": "第 {k} 步的 LSTM 记忆单元",
    "blk_colorbar": "log₁₀ ‖梯度‖",
    "blk_hover": "%{text}<br>log₁₀ ‖梯度‖ = %{customdata:.2f}<extra></extra>",
    "blk_edge_h_c": "h_k → c_k（经 o ⊙ tanh′）",
    "blk_edge_c_prev": "c_k → c_{k−1}（× f）",
    "blk_edge_o": "h_k → 输出门 o",
    "blk_edge_i": "c_k → 输入门 i",
    "blk_edge_f": "c_k → 遗忘门 f",
    "blk_edge_g": "c_k → 候选值 g",
    "blk_edge_h_prev": "各门 → h_{k−1}（经 W_hh）",
    "blk_edge_x": "各门 → x_k（经 W_ih）",
    "blk_node_c": "‖∂C/∂c_k‖（总梯度）",
    "blk_node_h": "‖∂C/∂h_k‖（总梯度）",
    "gaps": "橙色曲线的断处：这些步上的 δᵏ 超出了 float64 的范围（上图中它的 log10 范数仍是精确的）。",
    "takeaway": (
        "决定一步之后还剩多少梯度的是门，而不是矩阵。RNN 每一步都要乘以 diag(σ′) W_hh；LSTM 的"
        "细胞状态乘的是 f，即网络自己学出来的、(0, 1) 之间的数；GRU 的状态乘的是 z。正因如此，"
        "实践中常把遗忘门偏置设为 1 到 3。"
    ),
    "source": (
        "Hochreiter & Schmidhuber (1997)；Gers, Schmidhuber & Cummins (2000), Learning to "
        "Forget；Cho et al. (2014)。Jozefowicz, Zaremba & Sutskever (2015) 推荐了 Keras 所用的"
        "遗忘门偏置 1。"
    ),
    # 选择框里显示的选项名（链接里仍用英文键）
    "opt_cell_lstm": "LSTM",
    "opt_cell_gru": "GRU",
    "opt_init_gaussian": "高斯分布",
    "opt_init_orthogonal": "正交矩阵",
    "opt_init_torch": "PyTorch 默认",
    "opt_by_radius": "谱半径 ρ",
    "opt_by_sigma": "最大奇异值 ‖W_hh‖₂",
    "opt_loss_last": "只在最后一步",
    "opt_loss_all": "每一步",
}
TEXT = i18n.pick(TEXT, TEXT_ZH)

CONTROLS = [
    ui.Control("cell", TEXT["cell"], "select", "lstm",
               options={"lstm": TEXT["cell_lstm"], "gru": TEXT["cell_gru"]}),
    ui.Control("T", TEXT["T"], "int", 200, min=2, max=2000),
    ui.Control("H", TEXT["H"], "int", 32, min=1, max=256),
    ui.Control("init", TEXT["init"], "select", "gaussian",
               options={k: TEXT[f"init_{k}"] for k in ("gaussian", "orthogonal", "torch")}),
    ui.Control("scale", TEXT["scale"], "float", 1.0, min=0.0, max=3.0, step=0.05,
               help=TEXT["scale_help"]),
    ui.Control("by", TEXT["by"], "select", SCALE_BY[0],
               options={k: TEXT[f"by_{k}"] for k in SCALE_BY}),
    ui.Control("fb", TEXT["fb"], "float", 1.0, min=-5.0, max=5.0, step=0.5, help=TEXT["fb_help"]),
    ui.Control("xs", TEXT["xs"], "float", 1.0, min=0.0, max=5.0, step=0.1),
    ui.Control("loss", TEXT["loss"], "select", LOSSES[0],
               options={k: TEXT[f"loss_{k}"] for k in LOSSES}),
    ui.Control("seed", TEXT["seed"], "seed", 0),
]
_BASE = {"cell": "lstm", "T": 200, "H": 32, "init": "gaussian", "scale": 1.0, "by": "radius",
         "fb": 1.0, "xs": 1.0, "loss": "last", "seed": 0}  # every preset sets every control
PRESETS = {
    "keep": {**_BASE, "fb": 3.0},
    "closed": {**_BASE, "fb": -3.0},
    "gru": {**_BASE, "cell": "gru"},
    "long": {**_BASE, "T": 1000, "fb": 5.0},
}


# ----------------------------------------------------------------- cached computations
@memo.data(max_entries=16)
def base_cell(kind: str, H: int, init: str, scale: float, by: str, seed: int):
    """The seeded cell without the gate bias (immutable; shared, not copied)."""
    return make_cell(kind, H, 1, init=init, scale=scale, scale_by=by, seed=seed)


@memo.data(max_entries=32)
def gated(kind: str, T: int, H: int, init: str, scale: float, by: str, fb: float, xs: float,
          loss: str, seed: int) -> lg.GatedRun:
    cell = lg.add_gate_bias(base_cell(kind, H, init, scale, by, seed), lg.CARRY_GATE[kind], fb)
    return lg.run_gated(cell, make_input(T, 1, scale=xs, seed=seed), loss=loss, loss_seed=seed)


@memo.data(max_entries=16)
def rnn_cell(H: int, init: str, scale: float, by: str, seed: int):
    """The vanilla tanh RNN with the same W_hh init, scale and seed (immutable; shared)."""
    return lg.rnn_twin_cell(H, init=init, scale=scale, scale_by=by, seed=seed)


@memo.data(max_entries=32)
def rnn_twin(T: int, H: int, init: str, scale: float, by: str, xs: float, loss: str, seed: int):
    return lg.rnn_log10_norm_h(rnn_cell(H, init, scale, by, seed), T, input_scale=xs, loss=loss,
                               seed=seed)


# Figures are cached on the settings of the runs they draw (memo.figure keys a memo.data result
# by the arguments that made it) and the language, so a rerun rebuilds only what changed and
# an unchanged chart is sent unchanged.
@memo.figure(max_entries=32)
def gates_figure(kind: str, T: int, H: int, run: lg.GatedRun):
    panels = [(TEXT[f"panel_{n}"], run.heat[n], k) for n, k in lg.PANELS[kind]]
    return gfig.gate_heatmaps(run.heat_steps, run.heat_units, panels, labels={
        "title": TEXT["fig_gates_title"].format(T=T, H=H), "x": TEXT["fig_x"],
        "y": TEXT["fig_unit"], "bar_gate": TEXT["bar_gate"], "bar_tanh": TEXT["bar_tanh"],
        "bar_state": TEXT["bar_state"], "value": TEXT["hover_value"]})


@memo.figure(max_entries=32)
def gradient_figures(kind: str, T: int, run: lg.GatedRun, rnn):
    """The gradient norms against k, and the per-step factors of the source's argument."""
    lstm = kind == "lstm"
    k = np.arange(T)
    series = []
    if lstm:
        series.append({"name": TEXT["curve_c"], "y": run.log10_norm_c, "color": COLORWAY[0]})
        series.append({"name": TEXT["curve_h_lstm"], "y": run.log10_norm_h, "color": COLORWAY[5]})
        series.append({"name": TEXT["curve_path_lstm"], "y": run.log10_path, "color": COLORWAY[0], "dash": "dash"})
    else:
        series.append({"name": TEXT["curve_h_gru"], "y": run.log10_norm_h, "color": COLORWAY[0]})
        series.append({"name": TEXT["curve_path_gru"], "y": run.log10_path, "color": COLORWAY[0], "dash": "dash"})
    series.append({"name": TEXT["curve_rnn"], "y": rnn, "color": COLORWAY[1]})
    norms = gfig.lines(k, series, title=TEXT["fig_norms_title"], x_title=TEXT["fig_step"],
                       y_title=TEXT["fig_norms_y"], height=460, legend_below=True)
    gate = lg.CARRY_GATE[kind]
    ratio = lg.step_ratio(run.log10_ratio)  # shown up to a factor 10⁶ per step
    step_series = [
        {"name": TEXT["curve_mean_f" if lstm else "curve_mean_z"], "y": run.means[gate], "color": COLORWAY[0]},
        {"name": TEXT["curve_fterm" if lstm else "curve_zterm"], "y": run.path_factor, "color": COLORWAY[4], "dash": "dash"},
        {"name": TEXT["curve_ratio"], "y": ratio, "color": COLORWAY[2]},
    ]
    finite = ratio[np.isfinite(ratio)]
    top = float(np.clip(finite.max() * 1.05, 1.1, 2.0)) if finite.size else 1.1
    step = gfig.lines(k, step_series, title=TEXT["fig_step_title"], x_title=TEXT["fig_step"],
                      y_title=TEXT["fig_step_y"], height=420, y_range=(0, top), hline=1.0,
                      legend_below=True)
    return norms, step


@memo.figure(max_entries=32)
def block_figure(run: lg.GatedRun):
    """The LSTM memory block at the run's block step, edges coloured by their gradient."""
    keys = ("edge_h_c", "edge_c_prev", "edge_o", "edge_i", "edge_f", "edge_g", "edge_h_prev",
            "edge_x", "node_c", "node_h")
    labels = {k: TEXT[f"blk_{k}"] for k in keys}
    labels.update(title=TEXT["blk_title"], colorbar=TEXT["blk_colorbar"], hover=TEXT["blk_hover"])
    return diagrams.lstm_cell_figure(run.block_nodes, list(run.block_edges), run.block_step,
                                     labels=labels)


# ------------------------------------------------------------------------------ page
st.title(TEXT["title"])
st.markdown(TEXT["intro"])
s = ui.controls("gates", CONTROLS, presets=PRESETS, text=TEXT)
st.sidebar.caption(TEXT["presets_help"])
lstm = s.cell == "lstm"

with ui.guard():
    run = gated(s.cell, s.T, s.H, s.init, s.scale, s.by, s.fb, s.xs, s.loss, s.seed)
    rnn = rnn_twin(s.T, s.H, s.init, s.scale, s.by, s.xs, s.loss, s.seed)

# 1 · gates
st.header(TEXT["h_gates"])
if lstm:
    ui.equation(r"i_t,\,f_t,\,o_t = \sigma(W_{\cdot x}x_t + W_{\cdot h}h_{t-1} + b_\cdot),\quad "
                r"g_t = \tanh(W_{gx}x_t + W_{gh}h_{t-1} + b_g)")
    ui.equation(r"c_t = f_t \odot c_{t-1} + i_t \odot g_t,\qquad h_t = o_t \odot \tanh(c_t)")
else:
    ui.equation(r"r_t,\,z_t = \sigma(W_{\cdot x}x_t + W_{\cdot h}h_{t-1} + b_\cdot),\quad "
                r"n_t = \tanh\bigl(W_{nx}x_t + r_t \odot (W_{nh}h_{t-1} + b_{nh}) + b_{nx}\bigr)")
    ui.equation(r"h_t = (1 - z_t) \odot n_t + z_t \odot h_{t-1}")
st.markdown(TEXT["gates_text"])
fig_norms, fig_step = gradient_figures(s.cell, s.T, run, rnn)
ui.plot(gates_figure(s.cell, s.T, s.H, run), key="fig_gates")

# 2 · gradient norms
st.header(TEXT["h_norms"])
st.markdown(TEXT["norms_text"])
cols = st.columns(3 if lstm else 2)
reach = []
if lstm:
    reach.append((TEXT["m_c"], lg.log10_first_over_last(run.log10_norm_c)))
reach.append((TEXT["m_h"].format(cell=s.cell.upper()), lg.log10_first_over_last(run.log10_norm_h)))
reach.append((TEXT["m_rnn"], lg.log10_first_over_last(rnn)))
for col, (what, r) in zip(cols, reach):
    col.metric(TEXT["m_reach"].format(what=what), numtext.pow10_text(r), help=TEXT["m_help"])
ui.plot(fig_norms, key="fig_norms")

# 3 · the source's argument, step by step
st.header(TEXT["h_step"])
if lstm:
    ui.equation(r"\delta^{k-1} = \frac{\partial C^t}{\partial c^{k-1}} = "
                r"\delta^k \frac{\partial c^k}{\partial c^{k-1}} = \delta^k\,(f^k + \ldots)")
else:
    ui.equation(r"\delta^{k-1} = \frac{\partial C}{\partial h_{k-1}} = "
                r"\delta^k \frac{\partial h_k}{\partial h_{k-1}} = \delta^k\,(z_k + \ldots)")
st.markdown(TEXT["step_text_lstm"] if lstm else TEXT["step_text_gru"])
if run.block_step is not None:
    st.markdown(TEXT["block_text"].format(k=run.block_step))
    ui.plot(block_figure(run), key="fig_block")
else:
    st.caption(TEXT["block_gru"])
ui.plot(fig_step, key="fig_step")
if s.loss == "all":
    st.caption(TEXT["step_loss_all"])
if np.isnan(run.path_factor).any():
    st.caption(TEXT["gaps"])
st.info(TEXT["takeaway"])
st.caption(TEXT["source"])
