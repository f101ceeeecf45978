"""Lesson: the GRU's two published forms (reset before or after the matmul) and its update gate.

Storyboard: controls → cached computation → figures → equations and explanation.
"""

import numpy as np
import streamlit as st

from pages import i18n, memo, numtext, ui
from rnnviz.lessons import gates as lg
from rnnviz import LOSSES, SCALE_BY, make_cell, make_input
from rnnviz.figures import gates as gfig
from rnnviz.figures.style import COLORWAY

TEXT = {
    "title": "GRU variants",
    "intro": (
        "The GRU comes in two forms. Cho et al. (2014), and the source article, apply the "
        "reset gate r to $h_{t-1}$ before multiplying by $W_{nh}$; PyTorch, cuDNN and Keras's "
        "default (reset_after=True) apply it after. Both keep the update gate z, which mixes "
        "the old state straight into the new one: a path for the gradient with no matrix "
        "and no squashing."
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
    "zb": "Update-gate bias b_z (added to the z block)",
    "zb_help": "Added to the z block of bias_ih. Large b_z: z near 1, h is kept. Negative: z near 0, h is overwritten.",
    "xs": "Input scale (x ~ N(0, s²))",
    "loss": "Loss",
    "loss_last": "at the last step only",
    "loss_all": "at every step",
    "seed": "Random seed",
    # preset buttons sit two to a row in the sidebar: about 11 characters fit
    "preset_keep": "Keep h",
    "preset_overwrite": "Overwrite h",
    "preset_big": "Large W_hh",
    "preset_long": "Long T=1000",
    "presets_help": (
        "**Keep h**: b_z = 3, z near 1, h is kept. **Overwrite h**: b_z = −3, z near 0, h is "
        "overwritten. **Large W_hh**: scale 2. **Long T=1000**: b_z = 4. Each preset sets "
        "every control."
    ),
    # variants
    "v_before": "reset before (Cho 2014, the source; Keras reset_after=False)",
    "v_after": "reset after (PyTorch, cuDNN; Keras reset_after=True)",
    "short_before": "reset before",
    "short_after": "reset after",
    # part 1
    "h_side": "1 · Same weights, two GRUs",
    "side_text": (
        "Both columns use the same W_ih, W_hh and biases; only where r is applied differs. "
        "The gates end up different, and so do the states: the largest |h_before − h_after| "
        "over the run is {dh:.3g}."
    ),
    "fig_gates_title": "Gates and state (T = {T}, H = {H})",
    "fig_x": "time step t",
    "fig_unit": "unit j",
    "bar_gate": "σ gate",
    "bar_tanh": "tanh",
    "bar_state": "state",
    "hover_value": "value",
    "panel_r": "r — reset gate",
    "panel_z": "z — update gate",
    "panel_n": "n — candidate (tanh)",
    "panel_h": "h — hidden state",
    # part 2
    "h_z": "2 · What the update gate does to the gradient",
    "z_text": (
        "One step back, $\\partial C/\\partial h_{k-1}$ gets $z_k \\odot \\partial C/\\partial h_k$ "
        "straight through, plus the terms that run through r, z, n and W_hh. Where z is near 1 "
        "the first term alone keeps the "
        "gradient; move the update-gate bias and watch both the mean z and the curves. "
        "Dashed: the gradient carried by the z path alone (every “…” term cut)."
    ),
    "eq_dots": r"\text{(the “…” run through } r_k, z_k, n_k \text{ and } W_{hh})",
    "fig_norms_title": "Gradient norm at step k (log10)",
    "fig_norms_y": "log10 ‖gradient‖ (decades)",
    "fig_step": "step k",
    "curve_full": "{v}: ‖∂C/∂hₖ‖",
    "curve_path": "{v}: only the z path",
    "m_reach": "{v}: step 0 ÷ step T−1",
    "m_path": "z path alone ({v})",
    "m_help": "‖∂C/∂h₀‖ ÷ ‖∂C/∂h_T₋₁‖: how much of the gradient at the last step reaches the first.",
    "fig_means_title": "Mean gate activation per step",
    "fig_means_y": "mean over units",
    "mean_z": "z (update)",  # two panels share a half-width figure: short titles
    "mean_r": "r (reset)",
    # part 3
    "h_fw": "3 · PyTorch and Keras",
    "fw_order": (
        "**Gate order.** PyTorch stacks r, z, n (weight_ih_l0, 3H × I); Keras stacks z, r, h "
        "(kernel, I × 3H): update first. Reordered and transposed, the same weights run "
        "through Keras's own equations give the same h: max |Δh| = {after} (reset after), "
        "{before} (reset before), on the first {n} steps."
    ),
    "fw_bias": (
        "**Biases.** With the reset after the matmul, $b_{{hn}}$ sits inside "
        "$r_t \\odot (W_{{hn}} h_{{t-1}} + b_{{hn}})$, so "
        "it is not b_in: on the first {n} steps, with both biases non-zero, ∂C/∂b_in and "
        "∂C/∂b_hn differ by up to {dn:.3g}, while for the r "
        "and z blocks max |∂C/∂b_ih − ∂C/∂b_hh| = {drz}. That is why Keras's reset_after=True "
        "GRU keeps a bias of shape (2, 3H). With the reset before, the two biases are one "
        "(merged into b_ih + b_hh: max |Δh| = {dh_before}), and Keras keeps one bias of shape "
        "(3H,)."
    ),
    "fw_z": (
        "Keras writes h_t = z ⊙ h_t₋₁ + (1 − z) ⊙ n_t, as PyTorch and the source do; some texts "
        "swap the roles of z and 1 − z."
    ),
    # part 4
    "h_lstm": "4 · From the LSTM to the GRU",
    "lstm_text": (
        "The source article compares the two cells in three points: the LSTM has three gates "
        "and the GRU two; the GRU has no cell and computes its output directly; and the GRU's "
        "update gate is the LSTM's input and forget gates fused into one, while the LSTM's "
        "forget gate, looking at the gates that touch the previous step, splits into the GRU's "
        "update and reset gates. In equations: the LSTM's cell update with f = z and i = 1 − z "
        "is the GRU's state update: one gate where the LSTM has two, tied so that what is kept "
        "and what is written add up to 1. The state is the output (no o, no tanh on the way "
        "out); r takes over the rest of the forget gate's job, deciding how much of h_t₋₁ "
        "the candidate n sees. For the gradient this means: $z_k \\odot \\partial C/\\partial "
        "h_k$, the dashed z-path curve in part 2, is the LSTM's $f_k \\odot \\delta^k$, the "
        "path the LSTM and GRU gates lesson follows."
    ),
    "takeaway": (
        "Where r sits changes the function, not the idea: in both GRUs the update gate z "
        "decides how much of the gradient goes straight back a step. The GRU fuses the LSTM's "
        "input and forget gates into z, and has no separate cell."
    ),
    "source": (
        "Cho et al. (2014), Learning Phrase Representations using RNN Encoder–Decoder "
        "(arXiv:1406.1078 v1 applies r after, v3 before); PyTorch nn.GRU and Keras GRU "
        "documentation."
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
    "title": "GRU 的变体",
    "intro": (
        "GRU 有两种形式。Cho et al. (2014) 和原文先把重置门 r 作用在 $h_{t-1}$ 上，再乘以 "
        "$W_{nh}$；PyTorch、cuDNN 以及 Keras 的默认设置（reset_after=True）则在相乘之后才作用 r。"
        "两种形式都保留了更新门 z：它把旧状态直接混入新状态，为梯度提供了一条既不乘矩阵、"
        "也不经过激活函数压缩的通路。"
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
    "zb": "更新门偏置 b_z（加到 z 分块上）",
    "zb_help": "加到 bias_ih 的 z 分块上。b_z 大：z 接近 1，h 被保留。b_z 为负：z 接近 0，h 被覆盖。",
    "xs": "输入尺度（x ~ N(0, s²)）",
    "loss": "损失",
    "loss_last": "只在最后一步",
    "loss_all": "每一步都有",
    "seed": "随机种子",
    # preset buttons sit two to a row in the sidebar: about 6 Chinese characters fit
    "preset_keep": "保留 h",
    "preset_overwrite": "覆盖 h",
    "preset_big": "W_hh 较大",
    "preset_long": "T=1000",
    "presets_help": (
        "**保留 h**：b_z = 3，z 接近 1，h 被保留。**覆盖 h**：b_z = −3，z 接近 0，h 被覆盖。"
        "**W_hh 较大**：尺度 2。**T=1000**（长序列）：b_z = 4。每个预设都会设定所有控件。"
    ),
    # variants
    "v_before": "重置在前（Cho 2014、原文；Keras reset_after=False）",
    "v_after": "重置在后（PyTorch、cuDNN；Keras reset_after=True）",
    "short_before": "重置在前",
    "short_after": "重置在后",
    # part 1
    "h_side": "1 · 同一组权重，两种 GRU",
    "side_text": (
        "两列用的是同一组 W_ih、W_hh 和偏置，唯一的差别是 r 作用的位置。结果各个门的取值不同，"
        "状态也不同：整段运行中 |h_before − h_after| 的最大值为 {dh:.3g}。"
    ),
    "fig_gates_title": "门与状态（T = {T}，H = {H}）",
    "fig_x": "时间步 t",
    "fig_unit": "单元 j",
    "bar_gate": "σ 门",
    "bar_tanh": "tanh",
    "bar_state": "状态",
    "hover_value": "值",
    "panel_r": "r — 重置门",
    "panel_z": "z — 更新门",
    "panel_n": "n — 候选值（tanh）",
    "panel_h": "h — 隐藏状态",
    # part 2
    "h_z": "2 · 更新门对梯度做了什么",
    "z_text": (
        "往回一步时，$\\partial C/\\partial h_{k-1}$ 直接得到 $z_k \\odot \\partial C/\\partial h_k$，"
        "再加上经过 r、z、n 和 W_hh 的那些项。z 接近 1 的地方，单是第一项就能把梯度保住；调节"
        "更新门偏置，看 z 的均值和各条曲线怎样变化。虚线：只沿 z 路径传回的梯度（所有“…”项都"
        "截掉）。"
    ),
    "eq_dots": r"\text{（“…”项经过 } r_k, z_k, n_k \text{ 和 } W_{hh}\text{）}",
    "fig_norms_title": "第 k 步的梯度范数（log10）",
    "fig_norms_y": "log10 ‖梯度‖（数量级）",
    "fig_step": "时间步 k",
    "curve_full": "{v}：‖∂C/∂hₖ‖",
    "curve_path": "{v}：只走 z 路径",
    "m_reach": "{v}：第 0 步 ÷ 第 T−1 步",
    "m_path": "只走 z 路径（{v}）",
    "m_help": "‖∂C/∂h₀‖ ÷ ‖∂C/∂h_T₋₁‖：最后一步的梯度有多少能传到第一步。",
    "fig_means_title": "每一步的门激活均值",
    "fig_means_y": "所有单元的均值",
    "mean_z": "z（更新门）",  # two panels share a half-width figure: short titles
    "mean_r": "r（重置门）",
    # part 3
    "h_fw": "3 · PyTorch 与 Keras",
    "fw_order": (
        "**门的顺序。** PyTorch 按 r、z、n 堆叠（weight_ih_l0，3H × I）；Keras 按 z、r、h 堆叠"
        "（kernel，I × 3H）：更新门在前。重新排序并转置之后，同一组权重用 Keras 自己的公式运行，"
        "得到的 h 相同：在前 {n} 步上，max |Δh| = {after}（重置在后）、{before}（重置在前）。"
    ),
    "fw_bias": (
        "**偏置。** 重置在矩阵乘法之后时，$b_{{hn}}$ 位于 "
        "$r_t \\odot (W_{{hn}} h_{{t-1}} + b_{{hn}})$ 之内，"
        "所以它不等同于 b_in：在前 {n} 步上、两个偏置都不为零时，∂C/∂b_in 与 ∂C/∂b_hn 最多相差 "
        "{dn:.3g}，而对 r 和 z 分块，max |∂C/∂b_ih − ∂C/∂b_hh| = {drz}。这就是 Keras 的 "
        "reset_after=True GRU 要保留形状为 (2, 3H) 的偏置的原因。重置在前时，两个偏置实际上是"
        "一个（合并为 b_ih + b_hh：max |Δh| = {dh_before}），Keras 也只保留一个形状为 (3H,) "
        "的偏置。"
    ),
    "fw_z": (
        "Keras 写作 h_t = z ⊙ h_t₋₁ + (1 − z) ⊙ n_t，与 PyTorch 和原文一致；有些教材把 z 与 "
        "1 − z 的角色对调。"
    ),
    "h_lstm": "4 · 从 LSTM 到 GRU",
    'lstm_text': (
        '原文从三点比较这两种单元：LSTM 有三个门，GRU 只有两个；GRU 没有 LSTM '
        '中的细胞，而是直接计算输出；GRU 的更新门相当于 LSTM 中输入门和遗忘门的融合，而看与上一时刻相连的门，'
        'LSTM 的遗忘门其实分裂成了 GRU 的更新门和重置门。写成公式：在 LSTM 的细胞更新里令 '
        'f = z、i = 1 − z，就得到 GRU 的状态更新：LSTM 用两个门的地方 GRU '
        '只用一个，并且把“保留多少”和“写入多少”绑定成和为 1。状态就是输出（没有 o，出去时也没有 '
        'tanh）；遗忘门剩下的工作交给 r，它决定候选值 n 能看到多少 h_t₋₁。对梯度来说：'
        '$z_k \\odot \\partial C/\\partial h_k$，也就是第 2 部分中 '
        'z 路径的虚线，正是 LSTM 的 $f_k \\odot \\delta^k$，门控单元那一课逐步追踪的就是这条路径。'
    ),
    "takeaway": (
        "r 放在哪里，改变的是函数，而不是思路：两种 GRU 里，都是更新门 z 决定有多少梯度直接往回"
        "传一步。GRU 把 LSTM 的输入门和遗忘门融合成了 z，也没有单独的细胞状态。"
    ),
    "source": (
        "Cho et al. (2014), Learning Phrase Representations using RNN Encoder–Decoder"
        "（arXiv:1406.1078 的 v1 把 r 放在之后，v3 放在之前）；PyTorch nn.GRU 与 Keras GRU 文档。"
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
    ui.Control("zb", TEXT["zb"], "float", 0.0, min=-5.0, max=5.0, step=0.5, help=TEXT["zb_help"]),
    ui.Control("xs", TEXT["xs"], "float", 1.0, min=0.0, max=5.0, step=0.1),
    ui.Control("loss", TEXT["loss"], "select", LOSSES[0],
               options={k: TEXT[f"loss_{k}"] for k in LOSSES}),
    ui.Control("seed", TEXT["seed"], "seed", 0),
]
_BASE = {"T": 200, "H": 32, "init": "gaussian", "scale": 1.0, "by": "radius", "zb": 0.0, "xs": 1.0,
         "loss": "last", "seed": 0}  # the defaults: every preset sets every control
PRESETS = {
    "keep": {**_BASE, "zb": 3.0},
    "overwrite": {**_BASE, "zb": -3.0},
    "big": {**_BASE, "scale": 2.0},
    "long": {**_BASE, "T": 1000, "zb": 4.0},
}
VARIANTS = ("before", "after")
COLORS = {"before": COLORWAY[1], "after": COLORWAY[0]}
WIDTHS = {"before": 6, "after": 2}  # wide under thin, so both show where they overlap


# ----------------------------------------------------------------- cached computations
@memo.data(max_entries=32)
def gru_cell(variant: str, H: int, init: str, scale: float, by: str, seed: int):
    """The seeded GRU (immutable; shared, not copied); both variants get the same weights."""
    return make_cell("gru", H, 1, variant=variant, init=init, scale=scale, scale_by=by, seed=seed)


@memo.data(max_entries=32)
def gru_pair(T: int, H: int, init: str, scale: float, by: str, zb: float, xs: float, loss: str,
             seed: int):
    """Both variants on the same weights and input: ({variant: GatedRun}, max |h_before − h_after|)."""
    x = make_input(T, 1, scale=xs, seed=seed)
    cells = {v: lg.add_gate_bias(gru_cell(v, H, init, scale, by, seed), "z", zb) for v in VARIANTS}
    runs, gap = lg.run_pair(cells["before"], cells["after"], x, loss=loss, loss_seed=seed)
    return dict(zip(VARIANTS, runs)), gap


@memo.data(max_entries=32)
def framework_checks(n: int, H: int, init: str, scale: float, by: str, zb: float, xs: float,
                     loss: str, seed: int):
    """Keras-layout max |Δh| and the two-bias checks on the first n steps, on cells whose b_ih
    and b_hh are both non-zero (split at random, as after training)."""
    x = make_input(n, 1, scale=xs, seed=seed)
    out = {}
    for v in VARIANTS:
        cell = lg.split_biases(lg.add_gate_bias(gru_cell(v, H, init, scale, by, seed), "z", zb), seed=seed)
        out[v] = (lg.keras_check(cell, x), lg.two_bias_check(cell, x, loss, seed))
    return out


# Figures are cached on the settings of the runs they draw (memo.figure keys a memo.data result
# by the arguments that made it) and the language, so a rerun rebuilds only what changed and
# an unchanged chart is sent unchanged.
@memo.figure(max_entries=32)
def gates_figure(T: int, H: int, runs):
    """Both variants' gates side by side in one figure (one chart redraws faster than two)."""
    r = runs[VARIANTS[0]]
    columns = [(TEXT[f"short_{v}"], [(TEXT[f"panel_{n}"], runs[v].heat[n], kind)
                                     for n, kind in lg.PANELS["gru"]]) for v in VARIANTS]
    return gfig.gate_heatmap_columns(r.heat_steps, r.heat_units, columns, labels={
        "title": TEXT["fig_gates_title"].format(T=T, H=H), "x": TEXT["fig_x"], "y": TEXT["fig_unit"],
        "bar_gate": TEXT["bar_gate"], "bar_tanh": TEXT["bar_tanh"], "bar_state": TEXT["bar_state"],
        "value": TEXT["hover_value"]})


@memo.figure(max_entries=32)
def gradient_figures(T: int, runs):
    """The gradient norms against k (both variants, full and z path) and the mean gates."""
    k = np.arange(T)
    series = []
    for v in VARIANTS:
        short = TEXT[f"short_{v}"]
        series.append({"name": TEXT["curve_full"].format(v=short), "y": runs[v].log10_norm_h,
                       "color": COLORS[v]})
        series.append({"name": TEXT["curve_path"].format(v=short), "y": runs[v].log10_path,
                       "color": COLORS[v], "dash": "dash"})
    norms = gfig.lines(k, series, title=TEXT["fig_norms_title"], x_title=TEXT["fig_step"],
                       y_title=TEXT["fig_norms_y"], height=480, legend_below=True,
                       bottom=200)  # half width: the legend wraps to four rows
    panels = {TEXT[f"mean_{g}"]: [{"name": TEXT[f"short_{v}"], "y": runs[v].means[g], "color": COLORS[v],
                                   "width": WIDTHS[v]} for v in VARIANTS] for g in ("z", "r")}
    means = gfig.gate_mean_panels(k, panels, title=TEXT["fig_means_title"], x_title=TEXT["fig_step"],
                                  y_title=TEXT["fig_means_y"], height=480)
    return norms, means


# ------------------------------------------------------------------------------ page
st.title(TEXT["title"])
st.markdown(TEXT["intro"])
s = ui.controls("gru_variants", CONTROLS, presets=PRESETS, text=TEXT)
st.sidebar.caption(TEXT["presets_help"])
args = (s.T, s.H, s.init, s.scale, s.by, s.zb, s.xs, s.loss, s.seed)

with ui.guard():
    runs, gap = gru_pair(*args)
    n_check = min(s.T, lg.CHECK_STEPS)
    fw = framework_checks(n_check, *args[1:])

# 1 · side by side
st.header(TEXT["h_side"])
st.markdown(TEXT["side_text"].format(dh=gap))
cols = st.columns(2)
eqs = {
    "before": r"n_t = \tanh\bigl(W_{nx}x_t + W_{nh}(r_t \odot h_{t-1}) + b_n\bigr)",
    "after": r"n_t = \tanh\bigl(W_{nx}x_t + b_{nx} + r_t \odot (W_{nh}h_{t-1} + b_{nh})\bigr)",
}
for col, v in zip(cols, VARIANTS):
    with col:
        st.subheader(TEXT[f"v_{v}"])
        ui.equation(eqs[v])
ui.plot(gates_figure(s.T, s.H, runs), key="fig_gates")
ui.equation(r"r_t, z_t = \sigma(W_{\cdot x}x_t + W_{\cdot h}h_{t-1} + b_\cdot),\qquad "
            r"h_t = (1 - z_t) \odot n_t + z_t \odot h_{t-1}")

# 2 · the update gate and the gradient
st.header(TEXT["h_z"])
ui.equation(r"\frac{\partial C}{\partial h_{k-1}} = z_k \odot \frac{\partial C}{\partial h_k} + \ldots"
            r"\qquad" + TEXT["eq_dots"])
st.markdown(TEXT["z_text"])
cols = st.columns(2)  # one column per variant, as in part 1 (four in a row cut the labels)
for col, v in zip(cols, VARIANTS):
    short = TEXT[f"short_{v}"]
    col.metric(TEXT["m_reach"].format(v=short), numtext.pow10_text(lg.log10_first_over_last(runs[v].log10_norm_h)),
               help=TEXT["m_help"])
    col.metric(TEXT["m_path"].format(v=short), numtext.pow10_text(lg.log10_first_over_last(runs[v].log10_path)),
               help=TEXT["m_help"])
fig_norms, fig_means = gradient_figures(s.T, runs)
left, right = st.columns(2)
with left:
    ui.plot(fig_norms, key="fig_norms")
with right:
    ui.plot(fig_means, key="fig_means")

# 3 · frameworks
st.header(TEXT["h_fw"])
(k_before, b_before), (k_after, b_after) = fw["before"], fw["after"]
st.markdown("- " + TEXT["fw_order"].format(after=numtext.small_text(k_after), before=numtext.small_text(k_before),
                                          n=n_check))
st.markdown("- " + TEXT["fw_bias"].format(
    dn=b_after.db_ih_hh_per_gate[2], drz=numtext.small_text(max(b_after.db_ih_hh_per_gate[:2])),
    dh_before=numtext.small_text(b_before.max_dh), n=n_check))
st.caption(TEXT["fw_z"])
# 4 · the GRU from the LSTM (the source's comparison)
st.header(TEXT["h_lstm"])
ui.equation(r"\underbrace{c_t = f_t \odot c_{t-1} + i_t \odot g_t}_{\text{LSTM}}"
            r"\quad\xrightarrow{\;f_t = z_t,\; i_t = 1 - z_t\;}\quad"
            r"\underbrace{h_t = z_t \odot h_{t-1} + (1 - z_t) \odot n_t}_{\text{GRU}}")
st.markdown(TEXT["lstm_text"])
st.info(TEXT["takeaway"])
st.caption(TEXT["source"])
