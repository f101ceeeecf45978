"""Lesson: the LSTM's published forms (1997; 2000: forget gate, peepholes) and where PyTorch and Keras differ.

Storyboard: controls → cached computation → figures → equations and explanation.
"""

import numpy as np
import streamlit as st

from pages import i18n, memo, numtext, ui
from rnnviz.lessons import gates as lg
from rnnviz import LOSSES, SCALE_BY, make_input
from rnnviz.figures import gates as gfig
from rnnviz.figures.style import COLORWAY

TEXT = {
    "title": "LSTM variants",
    "intro": (
        "“LSTM” names several cells. The 1997 original has no forget gate; the forget gate came "
        "in 2000, and peepholes the same year (Gers & Schmidhuber, IJCNN 2000), before the 2001 "
        "paper the source article cites and the 2002 JMLR one. PyTorch and TF/Keras differ in "
        "small ways that matter when you move weights between them. Here all of them run on the "
        "same weights and the same input."
    ),
    # controls
    "T": "Sequence length T (steps)",
    "H": "Hidden size H (units)",
    "init": "W_hh initialisation",
    "init_gaussian": "Gaussian N(0, 1/H)",
    "init_orthogonal": "random orthogonal (Keras's recurrent default)",
    "init_torch": "PyTorch default U(−1/√H, 1/√H)",
    "scale": "W_hh scale (each gate's block)",
    "by": "Scale measured as",
    "by_radius": "spectral radius ρ = max |λᵢ|",
    "by_sigma": "largest singular value ‖W_hh‖₂",
    "fb": "Forget-gate bias b_f (not Keras's)",
    "fb_help": (
        "The forget bias every cell but the Keras one starts from (the other biases are 0). "
        "PyTorch draws its biases from U(−1/√H, 1/√H), random around 0; Keras with "
        "unit_forget_bias=True sets b_f to exactly 1 (its other biases 0), so the Keras curve "
        "always has b_f = 1 and does not move with this slider."
    ),
    "xs": "Input scale (x ~ N(0, s²))",
    "loss": "Loss",
    "loss_last": "at the last step only",
    "loss_all": "at every step",
    "seed": "Random seed",
    # preset buttons sit two to a row in the sidebar: about 11 characters fit
    "preset_closed": "f closed",
    "preset_long": "Long, b_f 1",
    "preset_open": "f open",
    "preset_big": "Large W_hh",
    "presets_help": (
        "**f closed**: b_f = −3. **f open**: b_f = 3. **Long, b_f 1**: T = 1000 with b_f = 1, "
        "the Keras start. **Large W_hh**: scale 2. Each preset sets every control."
    ),
    # variants
    "v_nofg": "1997, no forget gate",
    "v_forget": "2000, forget gate (PyTorch)",
    "v_peephole": "2000, peepholes",
    "v_keras": "Keras, unit_forget_bias",
    "v_one": "PyTorch with one bias b_ih + b_hh",
    # part 1
    "h_eq": "1 · Four cells, one set of weights",
    "eq_text": (
        "Every cell below uses the same W_ih, W_hh and biases (the peephole cell adds three "
        "diagonal weights w_ci, w_cf, w_co). Only the equations differ."
    ),
    # part 2
    "h_norms": "2 · The gradient in each cell",
    "fig_c_title": "Cell: log10 ‖∂C/∂cₖ‖",
    "fig_h_title": "Hidden state: log10 ‖∂C/∂hₖ‖",
    "fig_norm_y": "log10 ‖gradient‖ (decades)",
    "fig_step": "step k",
    "norms_text": (
        "The dashed line is the PyTorch cell with its two biases merged into one: it lies "
        "exactly on the PyTorch curve."
    ),
    "h_means": "3 · The gates, averaged over units",
    "fig_means_title": "Mean gate activation per step",
    "fig_means_y": "mean over units",
    "panel_i": "i — input gate",
    "panel_f": "f — forget gate",
    "panel_o": "o — output gate",
    # part 4
    "h_diff": "4 · What each difference does",
    "d_nofg": (
        "**1997 → 2000, the forget gate.** Without it, $c_t = c_{{t-1}} + i_t \\odot g_t$ and "
        "the cell path multiplies δ by exactly 1 (f ≡ 1 on the plot): "
        "$\\lVert\\partial C/\\partial c_0\\rVert \\,/\\, \\lVert\\partial C/\\partial c_{{T-1}}\\rVert$ "
        "is {nofg} without a forget gate and {forget} with one."
    ),
    "d_peephole": (
        "**2000, peepholes** (Gers & Schmidhuber, IJCNN 2000; used again in 2001 and 2002). "
        "i and f also see $c_{{t-1}}$, o sees $c_t$, through diagonal "
        "weights; that ratio moves from {forget} to {peephole}."
    ),
    "d_two": (
        "**PyTorch's two biases.** nn.LSTM has b_ih and b_hh, Keras one bias; only their sum "
        "enters the cell. Checked on this run against the one-bias cell b = b_ih + b_hh: "
        "max |Δh| = {dh}; ∂C/∂b_ih = ∂C/∂b_hh (max difference {db}) = ∂C/∂b (max difference "
        "{db1}). Training notices: plain SGD moves the sum twice as fast, and weight decay "
        "sees two vectors."
    ),
    "d_keras": (
        "**Keras's unit_forget_bias=True** sets the forget bias to exactly 1 at initialisation "
        "(the bias initialiser is zeros; it does not add 1 to anything: make_cell(forget_bias=1) "
        "gives exactly Keras's initial bias [0, 1, 0, 0]: {ufb}). Against the PyTorch cell with "
        "b_f = {fb:g}, mean f goes from {f0:.2f} to {f1:.2f} (b_f = 1), the ratio from {forget} "
        "to {keras}."
    ),
    "d_order": (
        "**Gate order and layout.** PyTorch stacks rows i, f, g, o in weight_ih_l0 (4H × I); "
        "Keras stacks columns i, f, c, o in kernel (I × 4H): the same order, transposed. Run "
        "through Keras's own equations in Keras's layout, the Keras cell's weights give the "
        "same h as here: max |Δh| = {dk} (first {n} steps)."
    ),
    "d_tf1": (
        "**TensorFlow 1's LSTMCell** (tf.nn.rnn_cell.LSTMCell and BasicLSTMCell, most likely the "
        "TensorFlow the source article means by its \"small differences\"): one kernel acting on $[x_t, h_{{t-1}}]$, gates "
        "in the order i, j, f, o (j is the cell input, PyTorch's g), and forget_bias = 1.0 added "
        "to f's pre-activation inside every step, $f_t = \\sigma(z_f + 1)$, not stored in the "
        "bias. Its trainable bias starts at zeros, so at the start it is the Keras cell: run "
        "through TF1's own equations in TF1's layout, the Keras cell's weights give the same h: "
        "max |Δh| = {dtf} (first {n} steps). What differs is training: TF1's +1 is a constant "
        "that no gradient and no weight decay touches; Keras's 1 is a parameter learning can "
        "move."
    ),
    "d_other": (
        "Defaults that differ too: Keras initialises W_ih with Glorot-uniform and W_hh "
        "orthogonal, PyTorch everything U(−1/√H, 1/√H); Keras before 2.3 used hard_sigmoid "
        "for the gates."
    ),
    "ufb_yes": "identical",
    "ufb_no": "different",
    "takeaway": (
        "The forget gate is what makes an LSTM forget, and what lets its gradient shrink; the "
        "1997 cell keeps every gradient but cannot let go of anything it has stored. A forget "
        "bias near 1 is the compromise most libraries start from."
    ),
    "source": (
        "Hochreiter & Schmidhuber (1997), Long Short-Term Memory; Gers, Schmidhuber & Cummins "
        "(2000), Learning to Forget; Gers & Schmidhuber (2000), Recurrent nets that time and "
        "count, IJCNN (peepholes); Gers & Schmidhuber (2001), LSTM recurrent networks learn "
        "simple context-free and context-sensitive languages; Gers, Schraudolph & Schmidhuber "
        "(2002), Learning precise timing with LSTM recurrent networks, JMLR; PyTorch nn.LSTM "
        "and Keras LSTMCell documentation; TensorFlow 1's rnn_cell_impl.py (BasicLSTMCell, LSTMCell)."
    ),
    # select-box options as the box shows them (the URL keeps the key)
    "opt_init_gaussian": "Gaussian",
    "opt_init_orthogonal": "orthogonal",
    "opt_init_torch": "PyTorch default",
    "opt_by_radius": "spectral radius ρ",
    "opt_by_sigma": "largest singular value ‖W_hh‖₂",
    "opt_loss_last": "last step only",
    "opt_loss_all": "every step",
}

TEXT_ZH = {
    "title": "LSTM 的变体",
    "intro": (
        "“LSTM”其实指好几种单元。1997 年的原始版本没有遗忘门；遗忘门是 2000 年才加上的，窥视孔"
        "连接（peephole）也在同一年提出（Gers & Schmidhuber, IJCNN 2000），早于原文引用的 2001 年"
        "论文和 2002 年的 JMLR 论文。PyTorch 与 TF/Keras 之间也有一些细小的差别，在两者之间迁移"
        "权重时就要当心。本页让它们全部在同一组权重、同一个输入上运行。"
    ),
    # controls
    "T": "序列长度 T（步）",
    "H": "隐藏层大小 H（单元数）",
    "init": "W_hh 的初始化",
    "init_gaussian": "高斯分布 N(0, 1/H)",
    "init_orthogonal": "随机正交矩阵（Keras 循环权重的默认值）",
    "init_torch": "PyTorch 默认 U(−1/√H, 1/√H)",
    "scale": "W_hh 的尺度（每个门的分块）",
    "by": "尺度的度量方式",
    "by_radius": "谱半径 ρ = max |λᵢ|",
    "by_sigma": "最大奇异值 ‖W_hh‖₂",
    "fb": "遗忘门偏置 b_f（Keras 单元除外）",
    "fb_help": (
        "除 Keras 单元外，每个单元初始时的遗忘门偏置（其余偏置为 0）。PyTorch 的偏置从 "
        "U(−1/√H, 1/√H) 中随机抽取，分布在 0 附近；Keras 设置 unit_forget_bias=True 时把 b_f "
        "设为恰好 1（其余偏置为 0），所以 Keras 的曲线始终是 b_f = 1，不随这个滑块变化。"
    ),
    "xs": "输入尺度（x ~ N(0, s²)）",
    "loss": "损失",
    "loss_last": "只在最后一步",
    "loss_all": "每一步都有",
    "seed": "随机种子",
    # preset buttons sit two to a row in the sidebar: about 6 Chinese characters fit
    "preset_closed": "遗忘门关闭",
    "preset_long": "长序列 b_f=1",
    "preset_open": "遗忘门打开",
    "preset_big": "W_hh 较大",
    "presets_help": (
        "**遗忘门关闭**：b_f = −3。**遗忘门打开**：b_f = 3。**长序列 b_f=1**：T = 1000，b_f = 1，"
        "即 Keras 的初始值。**W_hh 较大**：尺度 2。每个预设都会设定所有控件。"
    ),
    # variants
    "v_nofg": "1997 年，没有遗忘门",
    "v_forget": "2000 年，有遗忘门（PyTorch）",
    "v_peephole": "2000 年，窥视孔连接",
    "v_keras": "Keras 的 unit_forget_bias",
    "v_one": "PyTorch，单个偏置 b_ih + b_hh",
    # part 1
    "h_eq": "1 · 四种单元，同一组权重",
    "eq_text": (
        "下面每个单元都用同一组 W_ih、W_hh 和偏置（窥视孔单元另外多三个对角权重 w_ci、w_cf、"
        "w_co）。不同的只是公式。"
    ),
    # part 2
    "h_norms": "2 · 各个单元里的梯度",
    "fig_c_title": "细胞状态：log10 ‖∂C/∂cₖ‖",
    "fig_h_title": "隐藏状态：log10 ‖∂C/∂hₖ‖",
    "fig_norm_y": "log10 ‖梯度‖（数量级）",
    "fig_step": "时间步 k",
    "norms_text": "虚线是把两个偏置合并成一个的 PyTorch 单元：它与 PyTorch 的曲线完全重合。",
    "h_means": "3 · 各个门在所有单元上的平均",
    "fig_means_title": "每一步的门激活均值",
    "fig_means_y": "所有单元的均值",
    "panel_i": "i — 输入门",
    "panel_f": "f — 遗忘门",
    "panel_o": "o — 输出门",
    # part 4
    "h_diff": "4 · 每处差别起什么作用",
    "d_nofg": (
        "**1997 → 2000：遗忘门。** 没有遗忘门时，$c_t = c_{{t-1}} + i_t \\odot g_t$，细胞状态这条"
        "路径把 δ 恰好乘以 1（图中 f ≡ 1）："
        "$\\lVert\\partial C/\\partial c_0\\rVert \\,/\\, \\lVert\\partial C/\\partial c_{{T-1}}\\rVert$ "
        "在没有遗忘门时为 {nofg}，有遗忘门时为 {forget}。"
    ),
    "d_peephole": (
        "**2000 年，窥视孔连接**（Gers & Schmidhuber, IJCNN 2000；2001 年和 2002 年的论文中再次"
        "使用）。i 和 f 还通过对角权重看到 $c_{{t-1}}$，o 看到 $c_t$；上面那个比值从 {forget} "
        "变为 {peephole}。"
    ),
    "d_two": (
        "**PyTorch 的两个偏置。** nn.LSTM 有 b_ih 和 b_hh 两个偏置，Keras 只有一个；进入单元的只是"
        "它们的和。在本次运行上与单偏置单元 b = b_ih + b_hh 对照检验：max |Δh| = {dh}；"
        "∂C/∂b_ih = ∂C/∂b_hh（最大差 {db}）= ∂C/∂b（最大差 {db1}）。训练时却有区别：普通 SGD "
        "让这个和以两倍的速度移动，权重衰减看到的也是两个向量。"
    ),
    "d_keras": (
        "**Keras 的 unit_forget_bias=True** 在初始化时把遗忘门偏置设为恰好 1（偏置初始化器是全零，"
        "并不是在什么值上再加 1：make_cell(forget_bias=1) 给出的正是 Keras 的初始偏置 "
        "[0, 1, 0, 0]：{ufb}）。与 b_f = {fb:g} 的 PyTorch 单元相比，f 的均值从 {f0:.2f} 变为 "
        "{f1:.2f}（b_f = 1），比值从 {forget} 变为 {keras}。"
    ),
    "d_order": (
        "**门的顺序与布局。** PyTorch 在 weight_ih_l0（4H × I）中按行堆叠 i、f、g、o；Keras 在 "
        "kernel（I × 4H）中按列堆叠 i、f、c、o：顺序相同，只是转置了。把 Keras 单元的权重按 Keras "
        "的布局、用 Keras 自己的公式运行，得到的 h 与这里相同：max |Δh| = {dk}（前 {n} 步）。"
    ),
    'd_tf1': (
        '**TensorFlow 1 的 LSTMCell**（tf.nn.rnn_cell.LSTMCell '
        '与 BasicLSTMCell，原文说的“细微的区别”多半指的就是这个 TensorFlow）'
        '：一个 kernel 作用在 $[x_t, h_{{t-1}}]$ 上，门的顺序是 i, '
        'j, f, o（j 是细胞输入，即 PyTorch 的 g），并且在每一步都把 forget_bias '
        '= 1.0 加到 f 的预激活上，$f_t = \\sigma(z_f + 1)$，而不是存进偏置里。'
        '它可训练的偏置初始为零，所以一开始它就是 Keras 的单元：按 TF1 自己的公式、用 '
        'TF1 的存储布局运行，Keras 单元的权重给出同样的 h：max |Δh| = {dtf}（前 '
        '{n} 步）。区别在训练：TF1 的 +1 是常数，梯度和权重衰减都碰不到它；Keras '
        '的 1 是参数，学习可以改变它。'
    ),
    "d_other": (
        "默认值也不一样：Keras 用 Glorot 均匀分布初始化 W_ih、用正交矩阵初始化 W_hh，PyTorch 则"
        "全部用 U(−1/√H, 1/√H)；Keras 2.3 之前的版本对门使用 hard_sigmoid。"
    ),
    "ufb_yes": "完全相同",
    "ufb_no": "不同",
    "takeaway": (
        "让 LSTM 能够遗忘的是遗忘门，让它的梯度会变小的也是遗忘门；1997 年的单元保住了所有梯度，"
        "却放不下它存过的任何东西。遗忘门偏置取 1 左右，是大多数库起步时的折中。"
    ),
    'source': (
        'Hochreiter & Schmidhuber (1997), Long Short-Term '
        'Memory；Gers, Schmidhuber & Cummins (2000), Learning '
        'to Forget；Gers & Schmidhuber (2000), Recurrent '
        'nets that time and count, IJCNN（窥视孔连接）；Gers '
        '& Schmidhuber (2001), LSTM recurrent networks '
        'learn simple context-free and context-sensitive '
        'languages；Gers, Schraudolph & Schmidhuber (2002), '
        'Learning precise timing with LSTM recurrent '
        'networks, JMLR；PyTorch nn.LSTM 与 Keras LSTMCell '
        '文档；TensorFlow 1 的 rnn_cell_impl.py（BasicLSTMCell、'
        'LSTMCell）。'
    ),
    # 选择框里显示的选项名（链接里仍用英文键）
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
    ui.Control("T", TEXT["T"], "int", 200, min=2, max=1000),
    ui.Control("H", TEXT["H"], "int", 32, min=1, max=128),
    ui.Control("init", TEXT["init"], "select", "gaussian",
               options={k: TEXT[f"init_{k}"] for k in ("gaussian", "orthogonal", "torch")}),
    ui.Control("scale", TEXT["scale"], "float", 1.0, min=0.0, max=3.0, step=0.05),
    ui.Control("by", TEXT["by"], "select", SCALE_BY[0],
               options={k: TEXT[f"by_{k}"] for k in SCALE_BY}),
    ui.Control("fb", TEXT["fb"], "float", 0.0, min=-5.0, max=5.0, step=0.5, help=TEXT["fb_help"]),
    ui.Control("xs", TEXT["xs"], "float", 1.0, min=0.0, max=5.0, step=0.1),
    ui.Control("loss", TEXT["loss"], "select", LOSSES[0],
               options={k: TEXT[f"loss_{k}"] for k in LOSSES}),
    ui.Control("seed", TEXT["seed"], "seed", 0),
]
_BASE = {"T": 200, "H": 32, "init": "gaussian", "scale": 1.0, "by": "radius", "fb": 0.0,
         "xs": 1.0, "loss": "last", "seed": 0}  # the defaults: every preset sets every control
PRESETS = {
    "closed": {**_BASE, "fb": -3.0},
    "open": {**_BASE, "fb": 3.0},
    "long": {**_BASE, "T": 1000, "fb": 1.0},
    "big": {**_BASE, "scale": 2.0},
}
VARIANT_COLORS = {"nofg": COLORWAY[3], "forget": COLORWAY[0], "peephole": COLORWAY[2],
                   "keras": COLORWAY[1]}
VARIANT_WIDTHS = {"nofg": 3, "forget": 6, "peephole": 2, "keras": 3}  # wide under thin: both show


# ----------------------------------------------------------------- cached computations
@memo.data(max_entries=16)
def variant_cells(H: int, init: str, scale: float, by: str, fb: float, seed: int):
    """{variant: Cell}, all on the same weights (immutable; shared, not copied)."""
    return lg.lstm_variant_cells(H, init=init, scale=scale, scale_by=by, forget_bias=fb, seed=seed)


@memo.data(max_entries=32)
def variant_run(name: str, T: int, H: int, init: str, scale: float, by: str, fb: float,
                xs: float, loss: str, seed: int) -> lg.GatedRun:
    cell = variant_cells(H, init, scale, by, fb, seed)[name]
    return lg.run_gated(cell, make_input(T, 1, scale=xs, seed=seed), loss=loss, loss_seed=seed)


@memo.data(max_entries=32)
def pytorch_runs(T: int, H: int, init: str, scale: float, by: str, fb: float, xs: float,
                 loss: str, seed: int):
    """The PyTorch cell (two biases) and the same with one bias b_ih + b_hh: (check, run, run)."""
    cell = variant_cells(H, init, scale, by, fb, seed)["forget"]
    return lg.two_bias_runs(cell, make_input(T, 1, scale=xs, seed=seed), loss, seed)


@memo.data(max_entries=32)
def keras_checks(H: int, init: str, scale: float, by: str, fb: float, xs: float, seed: int,
                 n: int):
    """(Keras-layout max |Δh| on the first n steps, Keras unit_forget_bias == forget_bias=1,
    TF1-layout max |Δh| of the same cell through TF1's LSTMCell with forget_bias = 1)."""
    x = make_input(n, 1, scale=xs, seed=seed)
    cell = variant_cells(H, init, scale, by, fb, seed)["keras"]
    keras = lg.keras_check(cell, x)
    ufb = variant_cells(H, init, scale, by, 0.0, seed)["keras"]
    return (keras, bool(np.array_equal(lg.to_keras(ufb)["bias"], lg.keras_unit_forget_bias(H))),
            lg.tf1_check(cell, x))


# The figures are cached on the settings of the runs they draw (memo.figure keys a memo.data
# result by the arguments that made it) and the language: a rerun with seen settings
# rebuilds nothing and the charts are sent unchanged.
@memo.figure(max_entries=32)
def variant_figures(T: int, runs: dict, one):
    """‖∂C/∂c_k‖ and ‖∂C/∂h_k‖ of every variant, and their mean gates."""
    k = np.arange(T)

    def norm_series(attr):
        out = [{"name": TEXT[f"v_{v}"], "y": getattr(r, attr), "color": VARIANT_COLORS[v],
                "width": VARIANT_WIDTHS[v]} for v, r in runs.items()]
        out.append({"name": TEXT["v_one"], "y": getattr(one, attr), "color": COLORWAY[6],
                    "dash": "dash", "width": 2})
        return out

    fig_c = gfig.lines(k, norm_series("log10_norm_c"), title=TEXT["fig_c_title"],
                       x_title=TEXT["fig_step"], y_title=TEXT["fig_norm_y"], height=480,
                       legend_below=True)
    fig_h = gfig.lines(k, norm_series("log10_norm_h"), title=TEXT["fig_h_title"],
                       x_title=TEXT["fig_step"], y_title=TEXT["fig_norm_y"], height=480,
                       legend_below=True)
    panels = {TEXT[f"panel_{g}"]: [{"name": TEXT[f"v_{v}"], "y": r.means[g],
                                    "color": VARIANT_COLORS[v], "width": VARIANT_WIDTHS[v]}
                                   for v, r in runs.items()]
              for g in ("i", "f", "o")}
    fig_means = gfig.gate_mean_panels(k, panels, title=TEXT["fig_means_title"],
                                      x_title=TEXT["fig_step"], y_title=TEXT["fig_means_y"],
                                      height=430)
    return fig_c, fig_h, fig_means


# ------------------------------------------------------------------------------ page
st.title(TEXT["title"])
st.markdown(TEXT["intro"])
s = ui.controls("lstm_variants", CONTROLS, presets=PRESETS, text=TEXT)
st.sidebar.caption(TEXT["presets_help"])
args = (s.T, s.H, s.init, s.scale, s.by, s.fb, s.xs, s.loss, s.seed)

n_check = min(s.T, lg.CHECK_STEPS)
with ui.guard():
    bias, pytorch, one = pytorch_runs(*args)
    runs = {v: pytorch if v == "forget" else variant_run(v, *args) for v in lg.LSTM_VARIANTS}
    keras_dh, ufb_same, tf1_dh = keras_checks(s.H, s.init, s.scale, s.by, s.fb, s.xs, s.seed, n_check)

st.header(TEXT["h_eq"])
st.markdown(TEXT["eq_text"])
c1, c2 = st.columns(2)
with c1:
    st.caption(TEXT["v_nofg"])
    ui.equation(r"c_t = c_{t-1} + i_t \odot g_t")
    st.caption(TEXT["v_forget"] + " · " + TEXT["v_keras"])
    ui.equation(r"c_t = f_t \odot c_{t-1} + i_t \odot g_t,\quad h_t = o_t \odot \tanh(c_t)")
with c2:
    st.caption(TEXT["v_peephole"])
    ui.equation(r"f_t = \sigma(W_{fx}x_t + W_{fh}h_{t-1} + w_{cf} \odot c_{t-1} + b_f)")
    ui.equation(r"o_t = \sigma(W_{ox}x_t + W_{oh}h_{t-1} + w_{co} \odot c_t + b_o)")

st.header(TEXT["h_norms"])
ui.equation(r"\delta^{k-1} = \delta^k\,\frac{\partial c^k}{\partial c^{k-1}} = \delta^k\,(f^k + \ldots)"
            r"\qquad \text{1997: } f^k \equiv 1")
fig_c, fig_h, fig_means = variant_figures(s.T, runs, one)
left, right = st.columns(2)
with left:
    ui.plot(fig_c, key="fig_c")
with right:
    ui.plot(fig_h, key="fig_h")
st.caption(TEXT["norms_text"])

st.header(TEXT["h_means"])
ui.plot(fig_means, key="fig_means")

st.header(TEXT["h_diff"])
reach = {v: numtext.pow10_text(lg.log10_first_over_last(r.log10_norm_c)) for v, r in runs.items()}
st.markdown("- " + TEXT["d_nofg"].format(**reach))
st.markdown("- " + TEXT["d_peephole"].format(**reach))
st.markdown("- " + TEXT["d_two"].format(dh=numtext.small_text(bias.max_dh), db=numtext.small_text(bias.max_db_ih_hh),
                                        db1=numtext.small_text(bias.max_db_one)))
st.markdown("- " + TEXT["d_keras"].format(
    ufb=TEXT["ufb_yes"] if ufb_same else TEXT["ufb_no"], fb=s.fb, f0=float(runs["forget"].means["f"].mean()),
    f1=float(runs["keras"].means["f"].mean()), **reach))
st.markdown("- " + TEXT["d_order"].format(dk=numtext.small_text(keras_dh), n=n_check))
st.markdown("- " + TEXT["d_tf1"].format(dtf=numtext.small_text(tf1_dh), n=n_check))
st.caption(TEXT["d_other"])
st.info(TEXT["takeaway"])
st.caption(TEXT["source"])
