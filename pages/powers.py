"""Lesson: powers of W_hh — the source article's diagonal case and its random-matrix experiment.

Storyboard: controls → cached computation (rnnviz.core.weights, rnnviz.measures.powers) → figures
(rnnviz.figures.powers) → the source's equations and what to look for.
"""

import numpy as np
import streamlit as st

from pages import i18n, memo, ui
from rnnviz import SCALE_BY
from rnnviz.measures import powers
from rnnviz.figures import powers as figures
from rnnviz.core.weights import INITS, init_W_hh, rescale

TEXT = {
    "title": "Powers of W_hh",
    "intro": (
        "Back-propagation through time multiplies the error by the same W_hhᵀ at every step, "
        "so a gradient that travels n steps back has been multiplied by the n-th power of "
        "W_hhᵀ. The source article looks at that power in two ways: for a diagonal W_hh, and "
        "for a random one, by watching how the entries of Wⁿ spread out as n grows."
    ),
    # controls
    "H": "Hidden size H (units)",
    "init": "W_hh initialisation",
    "init_gaussian": "Gaussian N(0, 1/H): ρ ≈ 1, ‖W_hh‖₂ ≈ 2 before rescaling",
    "init_orthogonal": "random orthogonal: every |λ| and every singular value is 1",
    "init_identity": "identity matrix",
    "init_diagonal": "diagonal, eigenvalues spread over the range below",
    "init_torch": "PyTorch's default U(−1/√H, 1/√H)",
    "init_triangular": (
        "non-normal (W_hh W_hhᵀ ≠ W_hhᵀ W_hh: eigenvectors far from orthogonal, so ‖W_hh‖₂ "
        "can be much larger than ρ): the eigenvalue range on the diagonal plus a strictly "
        "upper Gaussian part"
    ),
    "by": "The scale sets",
    "by_radius": "the spectral radius ρ = max |λᵢ| (the long-run rate per step)",
    "by_sigma": "the largest singular value ‖W_hh‖₂ (the most one step can stretch)",
    "by_none": "nothing: keep W_hh as the initialisation draws it",
    "scale": "W_hh scale (ρ or ‖W_hh‖₂)",
    "scale_help": "W_hh is multiplied by a number so that the quantity chosen above equals this.",
    "N": "Largest power N",
    "seed": "Random seed",
    "lo": "Diagonal eigenvalues: from",
    "hi": "Diagonal eigenvalues: to",
    "eig_help": (
        "H eigenvalues evenly spaced in this range. They draw the diagonal case (part 1) and "
        "the diagonal of the 'diagonal' and 'triangular' initialisations (then rescaled)."
    ),
    "preset_vanishing": "Vanishing",  # short: two buttons share the sidebar's width
    "preset_exploding": "Exploding",
    "preset_nonnormal": "Non-normal",
    "presets_note": (
        "Presets: **Vanishing** Gaussian W_hh with ρ = 0.9 (the defaults) · **Exploding** "
        "ρ = 1.1 · **Non-normal** a triangular W_hh whose eigenvalues are all 0.9, N = 400. "
        "Each preset sets every control."
    ),
    # part 1
    "h_diag": "1 · A diagonal W_hh",
    "diag_text": (
        "If W_hh is diagonal, its n-th power is diagonal too, with λᵢⁿ on the diagonal. On a "
        "log scale λⁿ is a straight line of slope log₁₀|λ|: every eigenvalue below 1 in size "
        "vanishes, every one above 1 explodes, and only |λ| = 1 keeps its size."
    ),
    "fig_diag_title": "Diagonal W_hh: (Wⁿ)ᵢᵢ = λᵢⁿ",
    "fig_diag_y": "log₁₀ |λᵢⁿ|",
    "fig_line": "λ = {lam:.3g}",
    "fig_negative": "λ = {lam:.3g} (sign of λⁿ alternates)",
    # part 2
    "h_random": "2 · A random W_hh",
    "random_text": (
        "A general W_hh is not diagonal, so the article runs an experiment: draw W_hh at "
        "random and plot the distribution of the entries of Wⁿ as n grows. Press play, or "
        "drag the slider: the distribution moves to the left (towards 0: vanishing) or to "
        "the right (towards huge values: exploding)."
    ),
    "m_rho": "Spectral radius ρ",
    "m_sigma": "Largest singular value ‖W_hh‖₂",
    "m_last": "log₁₀ ‖Wᴺ‖₂",
    "m_peak": "Largest log₁₀ ‖Wⁿ‖₂",
    "m_peak_at": "at n = {n}",
    "m_zero": "−∞ (Wⁿ = 0)",
    "computing": "Multiplying W_hh by itself …",
    "fig_hist_title": "The entries of Wⁿ",
    "fig_hist_x": "log₁₀ |entry of Wⁿ|",
    "fig_hist_y": "share of the H² entries (%)",
    "fig_median": "median entry",
    "fig_drift": "n·log₁₀ ρ",
    "fig_zeros": "n = {n}: {zeros} entries exactly 0, {unresolved} beyond float64 (of {size})",
    "fig_play": "▶ play",
    "fig_pause": "❚❚ pause",
    "fig_n": "power n",
    "fig_eig_title": "Eigenvalues of W_hh",
    "fig_eig_x": "Re λ",
    "fig_eig_y": "Im λ",
    "fig_eigenvalues": "eigenvalues λᵢ",
    "fig_unit": "|λ| = 1",
    "fig_radius": "|λ| = ρ = {radius:.3g}",
    "fig_norm_title": "How big Wⁿ gets",
    "fig_norm_y": "log₁₀ (size of Wⁿ)",
    "fig_norm": "log₁₀ ‖Wⁿ‖₂",
    "fig_norm_radius": "n·log₁₀ ρ (ρ = {radius:.3g})",
    "fig_norm_sigma": "n·log₁₀ ‖W_hh‖₂ (‖W_hh‖₂ = {sigma:.3g})",
    "fig_norm_median": "median log₁₀ |entry|",
    "fig_norm_band": "5–95 % of log₁₀ |entry|",
    "norm_sampled": "‖Wⁿ‖₂ is computed at {points} powers spread over 1 … {N}, and at every "
                    "power around the largest of them.",
    "eq_vanishing": "vanishing",
    "look": (
        "**What to look for.** The histogram drifts at the rate the spectral radius sets, "
        "log₁₀ρ decades per power (−0.046 for ρ = 0.9, +0.041 for ρ = 1.1): over 200 powers "
        "the median entry falls about nine decades (ρ = 0.9) or rises about eight (ρ = 1.1). "
        "The norm ‖Wⁿ‖₂ is always squeezed between ρⁿ and ‖W_hh‖₂ⁿ, and its slope tends to "
        "log₁₀ρ. When W_hh is far from normal (W_hh W_hhᵀ ≠ W_hhᵀ W_hh: its eigenvectors are "
        "far from orthogonal; the non-normal trap) ρ < 1 promises vanishing only in the long "
        "run: ‖W_hh‖₂ > 1 lets ‖Wⁿ‖ grow by many orders of magnitude first, and a gradient "
        "sent back that far can explode. Scaling by ‖W_hh‖₂ < 1 rules that out at every step."
    ),
    "source": (
        "Pascanu, Mikolov & Bengio (2013), *On the difficulty of training recurrent neural "
        "networks*, ICML, Section 2.1: ‖W_hh‖₂ < 1/γ is sufficient for the gradient to vanish "
        "(γ = 1 for tanh, 1/4 for the sigmoid); for a linear RNN ρ < 1 is sufficient and "
        "ρ > 1 necessary for the long-term components to vanish or explode."
    ),
    # select-box options as the box shows them (the URL keeps the key)
    "opt_init_gaussian": "Gaussian",
    "opt_init_orthogonal": "orthogonal",
    "opt_init_identity": "identity",
    "opt_init_diagonal": "diagonal",
    "opt_init_torch": "PyTorch default",
    "opt_init_triangular": "triangular (non-normal)",
    "opt_by_radius": "spectral radius ρ",
    "opt_by_sigma": "largest singular value ‖W_hh‖₂",
    "opt_by_none": "no rescaling",
}

TEXT_ZH = {
    "title": "W_hh 的幂",
    "intro": (
        "随时间反向传播每往回一步，都要把误差乘以同一个 W_hhᵀ，所以往回传了 n 步的梯度，"
        "相当于乘上了 W_hhᵀ 的 n 次幂。原文从两个角度看这个幂次：一是 W_hh 为对角阵的情形，"
        "二是随机的 W_hh——观察 Wⁿ 的元素分布如何随 n 增大而散开。"
    ),
    # controls
    "H": "隐藏层大小 H（单元数）",
    "init": "W_hh 的初始化",
    "init_gaussian": "高斯 N(0, 1/H)：缩放前 ρ ≈ 1，‖W_hh‖₂ ≈ 2",
    "init_orthogonal": "随机正交阵：每个 |λ| 和每个奇异值都是 1",
    "init_identity": "单位矩阵",
    "init_diagonal": "对角阵，特征值均匀分布在下面设定的范围内",
    "init_torch": "PyTorch 的默认初始化 U(−1/√H, 1/√H)",
    "init_triangular": (
        "非正规矩阵（W_hh W_hhᵀ ≠ W_hhᵀ W_hh：特征向量远非正交，所以 ‖W_hh‖₂ 可能比 ρ "
        "大得多）：对角线上是下面设定范围内的特征值，再加上一个严格上三角的高斯部分"
    ),
    "by": "缩放值设定的是",
    "by_radius": "谱半径 ρ = max |λᵢ|（长期来看每步的变化率）",
    "by_sigma": "最大奇异值 ‖W_hh‖₂（单独一步最多能拉伸多少）",
    "by_none": "不缩放：保持初始化抽出的 W_hh",
    "scale": "W_hh 的缩放值（ρ 或 ‖W_hh‖₂）",
    "scale_help": "把 W_hh 乘以一个数，使上面选定的那个量等于这个值。",
    "N": "最高幂次 N",
    "seed": "随机种子",
    "lo": "对角特征值：从",
    "hi": "对角特征值：到",
    "eig_help": (
        "在这个范围内均匀取 H 个特征值。它们用来画对角阵的情形（第 1 部分），也是“diagonal”和"
        "“triangular”两种初始化的对角线（之后再缩放）。"
    ),
    "preset_vanishing": "梯度消失",
    "preset_exploding": "梯度爆炸",
    "preset_nonnormal": "非正规矩阵",
    "presets_note": (
        "预设：**梯度消失**：高斯 W_hh，ρ = 0.9（即默认设置）· **梯度爆炸**：ρ = 1.1 · "
        "**非正规矩阵**：特征值全是 0.9 的三角阵 W_hh，N = 400。每个预设都会重设所有控件。"
    ),
    # part 1
    "h_diag": "1 · 对角阵 W_hh",
    "diag_text": (
        "如果 W_hh 是对角阵，它的 n 次幂也是对角阵，对角线上是 λᵢⁿ。在对数坐标下，λⁿ 是一条"
        "斜率为 log₁₀|λ| 的直线：绝对值小于 1 的特征值，幂次都会消失；大于 1 的都会爆炸；"
        "只有 |λ| = 1 能保持大小不变。"
    ),
    "fig_diag_title": "对角阵 W_hh：(Wⁿ)ᵢᵢ = λᵢⁿ",
    "fig_diag_y": "log₁₀ |λᵢⁿ|",
    "fig_line": "λ = {lam:.3g}",
    "fig_negative": "λ = {lam:.3g}（λⁿ 正负交替）",
    # part 2
    "h_random": "2 · 随机的 W_hh",
    "random_text": (
        "一般的 W_hh 不是对角阵，所以原文做了一个实验：随机初始化 W_hh，画出 Wⁿ 元素的分布"
        "随 n 的变化。点播放，或者拖动滑块：分布要么向左移（趋近于 0：梯度消失），要么向右移"
        "（趋近于绝对值很大的值：梯度爆炸）。"
    ),
    "m_rho": "谱半径 ρ",
    "m_sigma": "最大奇异值 ‖W_hh‖₂",
    "m_last": "log₁₀ ‖Wᴺ‖₂",
    "m_peak": "log₁₀ ‖Wⁿ‖₂ 的最大值",
    "m_peak_at": "在 n = {n} 处",
    "m_zero": "−∞（Wⁿ = 0）",
    "computing": "正在计算 W_hh 的幂……",
    "fig_hist_title": "Wⁿ 的元素",
    "fig_hist_x": "log₁₀ |Wⁿ 的元素|",
    "fig_hist_y": "占全部 H² 个元素的比例（%）",
    "fig_median": "元素中位数",
    "fig_drift": "n·log₁₀ ρ",
    "fig_zeros": "n = {n}：{zeros} 个元素恰好为 0，{unresolved} 个超出 float64 范围（共 {size} 个）",
    "fig_play": "▶ 播放",
    "fig_pause": "❚❚ 暂停",
    "fig_n": "幂次 n",
    "fig_eig_title": "W_hh 的特征值",
    "fig_eig_x": "Re λ",
    "fig_eig_y": "Im λ",
    "fig_eigenvalues": "特征值 λᵢ",
    "fig_unit": "|λ| = 1",
    "fig_radius": "|λ| = ρ = {radius:.3g}",
    "fig_norm_title": "Wⁿ 会变得多大",
    "fig_norm_y": "log₁₀（Wⁿ 的大小）",
    "fig_norm": "log₁₀ ‖Wⁿ‖₂",
    "fig_norm_radius": "n·log₁₀ ρ（ρ = {radius:.3g}）",
    "fig_norm_sigma": "n·log₁₀ ‖W_hh‖₂（‖W_hh‖₂ = {sigma:.3g}）",
    "fig_norm_median": "log₁₀ |元素| 的中位数",
    "fig_norm_band": "log₁₀ |元素| 的 5–95 % 分位区间",
    "norm_sampled": "‖Wⁿ‖₂ 只在 1 … {N} 之间均匀取的 {points} 个幂次上计算，"
                    "另外在范数最大的那个幂次附近逐个幂次都算了。",
    "eq_vanishing": "梯度消失",
    "look": (
        "**要看什么。** 直方图漂移的速度由谱半径决定，每多一次幂移动 log₁₀ρ 个数量级"
        "（ρ = 0.9 时为 −0.046，ρ = 1.1 时为 +0.041）：200 次幂之后，元素中位数大约下降九个"
        "数量级（ρ = 0.9），或者上升约八个（ρ = 1.1）。范数 ‖Wⁿ‖₂ 总是夹在 ρⁿ 和 ‖W_hh‖₂ⁿ "
        "之间，它的斜率趋于 log₁₀ρ。当 W_hh 远非正规（W_hh W_hhᵀ ≠ W_hhᵀ W_hh：特征向量远非"
        "正交；即非正规矩阵的陷阱）时，ρ < 1 只保证长期来看会消失：‖W_hh‖₂ > 1 会让 ‖Wⁿ‖ "
        "先增长好多个数量级，往回传那么远的梯度就可能爆炸。按 ‖W_hh‖₂ < 1 来缩放，则每一步"
        "都排除了这种可能。"
    ),
    "source": (
        "Pascanu, Mikolov & Bengio (2013), *On the difficulty of training recurrent neural "
        "networks*, ICML, 第 2.1 节：‖W_hh‖₂ < 1/γ 是梯度消失的充分条件（tanh 的 γ = 1，"
        "sigmoid 的为 1/4）；对线性 RNN，ρ < 1 是长期分量消失的充分条件，ρ > 1 是其爆炸的"
        "必要条件。"
    ),
    # 选择框里显示的选项名（链接里仍用英文键）
    "opt_init_gaussian": "高斯分布",
    "opt_init_orthogonal": "正交矩阵",
    "opt_init_identity": "单位矩阵",
    "opt_init_diagonal": "对角矩阵",
    "opt_init_torch": "PyTorch 默认",
    "opt_init_triangular": "三角矩阵（非正规）",
    "opt_by_radius": "谱半径 ρ",
    "opt_by_sigma": "最大奇异值 ‖W_hh‖₂",
    "opt_by_none": "不缩放",
}
TEXT = i18n.pick(TEXT, TEXT_ZH)

CONTROLS = [
    ui.Control("H", TEXT["H"], "int", 64, min=1, max=256),
    ui.Control("init", TEXT["init"], "select", "gaussian",
               options={k: TEXT[f"init_{k}"] for k in INITS}),
    ui.Control("by", TEXT["by"], "select", SCALE_BY[0],
               options={k: TEXT[f"by_{k}"] for k in SCALE_BY + ("none",)}),
    # ρ = 0.9 by default: the source's experiment (entries drifting to 0) shows at once
    ui.Control("scale", TEXT["scale"], "float", 0.9, min=0.1, max=3.0, step=0.01,
               help=TEXT["scale_help"]),
    ui.Control("N", TEXT["N"], "int", 200, min=1, max=1000),
    ui.Control("seed", TEXT["seed"], "seed", 0),
    ui.Control("lo", TEXT["lo"], "float", 0.5, min=-2.0, max=2.0, step=0.05, help=TEXT["eig_help"]),
    ui.Control("hi", TEXT["hi"], "float", 1.5, min=-2.0, max=2.0, step=0.05, help=TEXT["eig_help"]),
]
RELATIONS = [ui.Relation("lo", "<=", "hi")]  # the eigenvalue range runs low to high: lo gives way
_BASE = {"H": 64, "init": "gaussian", "by": "radius", "scale": 0.9, "N": 200, "seed": 0,
         "lo": 0.5, "hi": 1.5}  # the defaults: every preset sets every control
PRESETS = {
    "vanishing": {**_BASE},
    "exploding": {**_BASE, "scale": 1.1},
    "nonnormal": {**_BASE, "init": "triangular", "lo": 0.9, "hi": 0.9, "N": 400},
}


def inactive(v: dict) -> set:
    """Controls with no effect: the scale when nothing is rescaled, the seed when the
    initialisation draws no random numbers."""
    off = set()
    if v["by"] == "none":
        off.add("scale")
    if v["init"] in ("identity", "diagonal"):
        off.add("seed")
    return off


BINS = 60  # histogram bins (≤ 80 keeps the animation light)
SAMPLES = 120  # powers at which the entries are histogrammed (the figure animates ≤ 60)


# ----------------------------------------------------------------- cached computations
@memo.data(max_entries=16)
def matrix(init: str, H: int, by: str, scale: float, lo: float, hi: float, seed: int):
    """The seeded W_hh (H, H), rescaled so its ρ or ‖W_hh‖₂ equals `scale` (by="none": as drawn)."""
    W = init_W_hh(init, H, np.random.default_rng(seed), eigenvalues=np.linspace(lo, hi, H))
    return W if by == "none" else rescale(W, scale, by)


@memo.data(max_entries=16)
def histograms_and_norms(init, H, by, scale, lo, hi, seed, N: int):
    """The entries' histograms and ‖Wⁿ‖₂ at ≤ SAMPLES powers (every power when N ≤ SAMPLES),
    and ‖Wⁿ‖₂ at every power around the peak: about 2 × SAMPLES + 40 products of H × H
    matrices whatever N (it was 3 N: 7–16 s of CPU at H = 256, N = 1000)."""
    W = matrix(init, H, by, scale, lo, hi, seed)
    ns = np.unique(np.round(np.linspace(1, N, min(N, SAMPLES))).astype(int))
    return powers.histograms_and_norms(W, N, BINS, ns)


@memo.data(max_entries=16)
def spectrum(init, H, by, scale, lo, hi, seed):
    return powers.eigen(matrix(init, H, by, scale, lo, hi, seed))


@memo.data(max_entries=16)
def diagonal_case(lo: float, hi: float, H: int, N: int):
    return powers.diagonal_powers(np.linspace(lo, hi, H), N)


# Figures are cached on the settings of the results they draw (memo.figure keys a memo.data
# result by the arguments that made it; the eigenvalues do not depend on N, the diagonal case
# only on lo, hi, H, N) and the language, so a rerun rebuilds only what changed and an
# unchanged chart is sent unchanged.
@memo.figure(max_entries=32)
def diagonal_fig(diag):
    return figures.diagonal_figure(diag, labels={
        "title": TEXT["fig_diag_title"], "x": TEXT["fig_n"], "y": TEXT["fig_diag_y"],
        "line": TEXT["fig_line"], "negative": TEXT["fig_negative"],
    })


@memo.figure(max_entries=32)
def histogram_fig(hist, eig):
    return figures.entries_histogram_figure(hist, radius=eig.radius, labels={
        "title": TEXT["fig_hist_title"], "x": TEXT["fig_hist_x"], "y": TEXT["fig_hist_y"],
        "median": TEXT["fig_median"], "drift": TEXT["fig_drift"], "zeros": TEXT["fig_zeros"],
        "play": TEXT["fig_play"], "pause": TEXT["fig_pause"], "n": TEXT["fig_n"],
    })


@memo.figure(max_entries=32)
def eigen_fig(eig):
    return figures.eigenvalues_figure(eig, labels={
        "title": TEXT["fig_eig_title"], "x": TEXT["fig_eig_x"], "y": TEXT["fig_eig_y"],
        "eigenvalues": TEXT["fig_eigenvalues"], "unit": TEXT["fig_unit"],
        "radius": TEXT["fig_radius"],
    })


@memo.figure(max_entries=32)
def norms_fig(norms, eig, hist):
    return figures.norms_figure(norms, eig.radius, eig.sigma_max, hist=hist, labels={
        "title": TEXT["fig_norm_title"], "x": TEXT["fig_n"], "y": TEXT["fig_norm_y"],
        "norm": TEXT["fig_norm"], "radius": TEXT["fig_norm_radius"],
        "sigma": TEXT["fig_norm_sigma"], "median": TEXT["fig_norm_median"],
        "band": TEXT["fig_norm_band"],
    })


# ------------------------------------------------------------------------------ page
st.title(TEXT["title"])
st.markdown(TEXT["intro"])
s = ui.controls("powers", CONTROLS, presets=PRESETS, text=TEXT, relations=RELATIONS, inactive=inactive)
st.sidebar.caption(TEXT["presets_note"])
key = (s.init, s.H, s.by, s.scale, s.lo, s.hi, s.seed)

# two lines: on one, the equation overflows a 1280-px screen's column
ui.equation(r"\begin{gathered}\delta^{k-1} = \left(W_{hh}^{T}\,\delta^{k}\right) \odot "
            r"\sigma'\!\left(h_*^{k-1}\right),\quad D^{k} = \operatorname{diag}\bigl(\sigma'(h_*^{k})\bigr)"
            r"\\ \Longrightarrow\quad"
            r"\delta^{t-n} = D^{t-n} W_{hh}^{T}\, D^{t-n+1} W_{hh}^{T} \cdots D^{t-1} W_{hh}^{T}\,"
            r"\delta^{t}\end{gathered}")
ui.equation(r"\sigma' \equiv 1:\qquad \delta^{t-n} = \left(W_{hh}^{T}\right)^{n}\delta^{t}"
            r" = \left(W_{hh}^{\,n}\right)^{T}\delta^{t}")

# 1 · the diagonal case
st.header(TEXT["h_diag"])
ui.equation(r"W_{hh} = \operatorname{diag}(\lambda_1,\dots,\lambda_H)\ \Rightarrow\ "
            r"W_{hh}^{\,n} = \operatorname{diag}(\lambda_1^{n},\dots,\lambda_H^{n}),\qquad "
            r"\lambda_i^{n} \xrightarrow{\,n\to\infty\,} "
            r"\begin{cases} 0 & |\lambda_i| < 1 \\ \infty & |\lambda_i| > 1 \end{cases}")
st.markdown(TEXT["diag_text"])
with ui.guard():
    diag = diagonal_case(s.lo, s.hi, s.H, s.N)
ui.plot(diagonal_fig(diag), key="fig_diag")

# 2 · a random W_hh
st.header(TEXT["h_random"])
st.markdown(TEXT["random_text"])
with ui.guard(), st.spinner(TEXT["computing"]):
    eig = spectrum(*key)
    hist, norms = histograms_and_norms(*key, s.N)

log_norm = norms.log10_norm  # −inf once Wⁿ = 0 (a nilpotent W_hh)
peak = int(np.argmax(log_norm))


def shown(x: float) -> str:
    return f"{x:.2f}" if np.isfinite(x) else TEXT["m_zero"]


c1, c2, c3, c4 = st.columns(4)
c1.metric(TEXT["m_rho"], f"{eig.radius:.3f}")
c2.metric(TEXT["m_sigma"], f"{eig.sigma_max:.3f}")
c3.metric(TEXT["m_last"], shown(log_norm[-1]))
c4.metric(TEXT["m_peak"], shown(log_norm[peak]), TEXT["m_peak_at"].format(n=int(norms.n[peak])),
          delta_color="off", delta_arrow="off")

ui.plot(histogram_fig(hist, eig), key="fig_hist")

left, right = st.columns([2, 3])
with left:
    ui.plot(eigen_fig(eig), key="fig_eig")
with right:
    ui.plot(norms_fig(norms, eig, hist), key="fig_norms")
    if s.N > SAMPLES:
        st.caption(TEXT["norm_sampled"].format(points=hist.n.size, N=s.N))

ui.equation(r"\rho^{\,n} \;\le\; \lVert W_{hh}^{\,n} \rVert_2 \;\le\; \lVert W_{hh} \rVert_2^{\,n},"
            r"\qquad \lVert W_{hh}^{\,n} \rVert_2^{1/n} \xrightarrow{\,n\to\infty\,} \rho")
ui.equation(r"\lVert W_{hh} \rVert_2 < \tfrac{1}{\gamma}\ \Rightarrow\ "
            r"\text{" + TEXT["eq_vanishing"] + r"},\qquad "
            r"\gamma = \sup|\sigma'| = 1\ (\tanh),\ \tfrac14\ (\text{sigmoid})")
st.markdown(TEXT["look"])
st.caption(TEXT["source"])
