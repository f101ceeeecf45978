"""Lesson: truncated vs full back-propagation through time.

Storyboard: controls → cached computation (rnnviz.bptt, rnnviz.measures.flow) → figures → equations
and what to see.
"""

import math

import numpy as np
import streamlit as st

import rnnviz
from pages import i18n, memo, ui
from rnnviz.measures import flow
from rnnviz.figures import flow as flow_fig

TEXT = {
    "title": "Truncated vs full BPTT",
    "intro": (
        "Back-propagating through all T steps costs memory and time in proportion to T, so "
        "networks are often trained with **truncated BPTT** (Williams & Peng 1990): each loss "
        "term sends its gradient back only *w* steps. Here the full and the truncated gradient "
        "run on the same sequence and the same loss, so you can see exactly what the window "
        "throws away."
    ),
    # controls
    "cell": "Cell",
    "cell_rnn": "vanilla RNN (tanh)",
    "cell_lstm": "LSTM (forget gate)",
    "cell_gru": "GRU (reset after, PyTorch)",
    "T": "Sequence length T (steps)",
    "H": "Hidden size H",
    "scale": "W_hh scale (spectral radius)",
    "scale_help": "Every (H × H) block of W_hh is rescaled to this spectral radius.",
    "fb": "LSTM forget-gate bias",
    "fb_help": (
        "The forget gate's bias (LSTM only; the other biases are 0). PyTorch draws every bias "
        "from U(−1/√H, 1/√H), random around 0; Keras's unit_forget_bias sets it to 1; larger "
        "keeps f close to 1, so the cell remembers."
    ),
    "w": "Truncation window w (steps)",
    "w_help": "Each loss term back-propagates through at most w steps.",
    "mode": "How to truncate",
    "mode_window": "sliding window: Cᵗ reaches back to step t − w + 1",
    "mode_detach": "chunks of w steps: the state is detached every w steps",
    "loss": "Loss",
    "loss_all": "C = Σ_t Cᵗ, a loss term at every step",
    "loss_last": "C = C^{T−1}, the last step only",
    "thr": "Threshold for 'still learns' (gradient size)",
    "seed": "Random seed",
    # preset buttons sit two to a row in the sidebar: about 11 characters fit
    "preset_short": "RNN, w = 5",
    "preset_lstm": "LSTM f open",
    "preset_chunks": "Chunks",
    "preset_vanish": "Small W_hh",
    "presets_help": (
        "**RNN, w = 5**: a tanh RNN, loss at the last step, window of 5. **LSTM f open**: "
        "forget bias 3, T = 200, window of 20: the full gradient reaches 199 steps back, the "
        "window 19. **Chunks**: loss at every step and chunks of 25 steps; the same 25-step "
        "sliding window would be almost exact. **Small W_hh**: scale 0.5, the gradient has "
        "faded long before w. Each preset sets every control."
    ),
    # metrics
    "m_rel": "Relative difference of ∂C/∂W_hh",
    "m_rel_help": "‖g_w − g‖ / ‖g‖ with g the full ∂C/∂W_hh and g_w the truncated one.",
    "m_full": "Full BPTT learns from up to",
    "m_trunc": "Truncated BPTT learns from up to",
    "m_steps": "{n} steps back",
    "m_none": "nothing above the threshold",
    # figures
    "steps_title": "Each step's term of ∂C/∂W_hh",
    "steps_x": "step k (where the term lands)",
    "steps_y": "log₁₀ ‖term k‖",
    "full": "full BPTT",
    "trunc": "truncated, w = {w}",
    "cec": "1997 LSTM truncation (cut on h)",
    "m_cec": "1997 truncation: relative difference",
    "m_cec_help": (
        "‖g₁₉₉₇ − g‖ / ‖g‖ with g the full ∂C/∂W_hh and g₁₉₉₇ the one of Hochreiter & "
        "Schmidhuber's truncation (the error flows back through the cell state only)."
    ),
    "map_title": "What truncation cuts",
    "map_x": "hidden-state step k",
    "map_y": "loss at step t",
    "map_cbar": "log₁₀ ‖∂Cᵗ/∂hₖ‖",
    "map_hover": "loss at t = %{y:.0f}<br>step k = %{x:.0f}<br>log₁₀ ‖∂Cᵗ/∂hₖ‖ = %{z:.2f}<extra></extra>",
    "map_cut": "cut by truncation",
    "map_loss": "the loss term in C",
    "err_title": "Error of the truncated gradient",
    "err_x": "window w (steps)",
    "err_y": "log₁₀ (‖g_w − g‖ / ‖g‖)",
    "err_curve": "∂C/∂W_hh",
    "err_now": "w = {w}",
    "zero_grad": "The full gradient is exactly zero here; there is nothing to truncate.",
    "map_note": (
        "The gradient-flow map shows every loss term Cᵗ, with the loss {which}; the shaded part is what "
        "truncation cuts. Inside the window the truncated gradient equals the full one, "
        "term by term."
    ),
    "which_all": "using all of them",
    "which_last": "using only the last row (marked)",
    "shrunk": "Maps of T = {T} steps are drawn as {n} × {n} blocks (block means of log₁₀).",
    # explanation
    "eq_head": "The equations",
    "eq_full": "(full BPTT)",
    "eq_window": "(window)",
    "eq_chunks": "(chunks)",
    "look": (
        "**What to look for.** The full gradient is a sum over every pair (t, k) of the map; "
        "truncation keeps only the band t − k < w (or the chunk of t). Where the map has "
        "already faded to nothing beyond w steps — a tanh RNN with a small W_hh — the "
        "truncated gradient is nearly exact: the relative difference falls as fast as the map "
        "fades. Where the gradient still carries information far back — an LSTM whose forget "
        "gate stays open (bias 3) — truncation throws it away: the network "
        "cannot learn a dependency longer than w steps, however long the sequence. With "
        "chunks, a loss term early in its chunk sees even less than w steps."
    ),
    "lstm_1997": (
        "**The 1997 LSTM's truncation, beside the window.** The window cuts every path longer "
        "than w steps. Hochreiter & Schmidhuber (1997, section 4) truncated differently, as "
        "the source article says: the error is cut where it would leave a memory cell through "
        "the hidden state h (the recurrent inputs of the gates and the cell input), and flows "
        "back without limit through the cell state c. With Cell: LSTM the page runs it on the "
        "same network (the dotted curve, and its own relative difference): the window keeps "
        "every path shorter than w steps and nothing longer; the 1997 truncation keeps only "
        "the cell-state path, however long. Graves & Schmidhuber (2005) trained the LSTM with "
        "the full gradient, as every autograd framework does today."
    ),
    "source": (
        "Source article: *LSTM and BPTT*. Williams & Peng (1990) on truncated BPTT; "
        "Hochreiter & Schmidhuber (1997), *Long short-term memory* (their truncated gradient: "
        "cut on h, not on c); Graves & Schmidhuber (2005), *Framewise phoneme classification "
        "with bidirectional LSTM and other neural network architectures* (full BPTT)."
    ),
    # select-box options as the box shows them (the URL keeps the key)
    "opt_cell_rnn": "vanilla RNN",
    "opt_cell_lstm": "LSTM",
    "opt_cell_gru": "GRU",
    "opt_mode_window": "sliding window",
    "opt_mode_detach": "detach every w steps",
    "opt_loss_all": "every step",
    "opt_loss_last": "last step only",
}

TEXT_ZH = {
    "title": "截断 BPTT 与完整 BPTT",
    "intro": (
        "沿全部 T 步做反向传播，所需的内存和时间都与 T 成正比，所以训练时常常改用**截断 BPTT**"
        "（Williams & Peng 1990）：每一项损失的梯度只往回传 *w* 步。这里完整梯度和截断梯度在同一条"
        "序列、同一个损失上计算，窗口究竟丢掉了什么，一目了然。"
    ),
    # controls
    "cell": "循环单元",
    "cell_rnn": "原始 RNN（tanh）",
    "cell_lstm": "LSTM（带遗忘门）",
    "cell_gru": "GRU（PyTorch 版：重置门作用在矩阵乘法之后）",
    "T": "序列长度 T（步）",
    "H": "隐藏层大小 H",
    "scale": "W_hh 的缩放值（谱半径）",
    "scale_help": "W_hh 的每个 (H × H) 块都缩放到这个谱半径。",
    "fb": "LSTM 遗忘门偏置",
    "fb_help": (
        "遗忘门的偏置（仅对 LSTM 有效；其余偏置都是 0）。PyTorch 从 U(−1/√H, 1/√H) 中抽取"
        "每个偏置，在 0 附近随机；Keras 的 unit_forget_bias 把它设为 1；偏置越大，f 越接近 1，"
        "细胞状态就记得越久。"
    ),
    "w": "截断窗口 w（步）",
    "w_help": "每一项损失最多往回传 w 步。",
    "mode": "截断方式",
    "mode_window": "滑动窗口：Cᵗ 往回传到第 t − w + 1 步",
    "mode_detach": "分块：每 w 步把状态切断（detach）一次",
    "loss": "损失",
    "loss_all": "C = Σ_t Cᵗ，每一步都有一项损失",
    "loss_last": "C = C^{T−1}，只在最后一步",
    "thr": "“仍能学到”的阈值（梯度大小）",
    "seed": "随机种子",
    # 预设按钮在侧边栏里两个一行：大约放得下 6 个汉字
    "preset_short": "RNN，w = 5",
    "preset_lstm": "LSTM 长记忆",
    "preset_chunks": "分块截断",
    "preset_vanish": "小 W_hh",
    "presets_help": (
        "**RNN，w = 5**：tanh RNN，损失只在最后一步，窗口为 5。**LSTM 长记忆**：遗忘门偏置 3，"
        "T = 200，窗口为 20：完整梯度能往回传 199 步，窗口只有 19 步。**分块截断**：每一步都有"
        "损失，每 25 步分一块；换成同样 25 步的滑动窗口则几乎是精确的。**小 W_hh**：缩放值 0.5，"
        "梯度远在 w 步之前就已衰减殆尽。每个预设都会重设所有控件。"
    ),
    # metrics
    "m_rel": "∂C/∂W_hh 的相对差异",
    "m_rel_help": "‖g_w − g‖ / ‖g‖，其中 g 是完整的 ∂C/∂W_hh，g_w 是截断后的。",
    "m_full": "完整 BPTT 最远能学到",
    "m_trunc": "截断 BPTT 最远能学到",
    "m_steps": "往回 {n} 步",
    "m_none": "没有超过阈值的",
    # figures
    "steps_title": "∂C/∂W_hh 中每一步的项",
    "steps_x": "第 k 步（该项所在的时间步）",
    "steps_y": "log₁₀ ‖第 k 项‖",
    "full": "完整 BPTT",
    "trunc": "截断，w = {w}",
    "cec": "1997 年 LSTM 的截断（在 h 处截断）",
    "m_cec": "1997 年截断：相对差",
    'm_cec_help': (
        '‖g₁₉₉₇ − g‖ / ‖g‖，g 为完整的 ∂C/∂W_hh，g₁₉₉₇ 为 Hochreiter '
        '& Schmidhuber 截断下的梯度（误差只沿细胞状态往回流）。'
    ),
    "map_title": "截断切掉了什么",
    "map_x": "隐藏状态所在的时间步 k",
    "map_y": "损失所在的时间步 t",
    "map_cbar": "log₁₀ ‖∂Cᵗ/∂hₖ‖",
    "map_hover": "损失 t = %{y:.0f}<br>时间步 k = %{x:.0f}<br>log₁₀ ‖∂Cᵗ/∂hₖ‖ = %{z:.2f}<extra></extra>",
    "map_cut": "被截断切掉的部分",
    "map_loss": "C 中的损失项",
    "err_title": "截断梯度的误差",
    "err_x": "窗口 w（步）",
    "err_y": "log₁₀ (‖g_w − g‖ / ‖g‖)",
    "err_curve": "∂C/∂W_hh",
    "err_now": "w = {w}",
    "zero_grad": "这里完整梯度恰好为零，没有什么可截断的。",
    "map_note": (
        "梯度流图画出了每一项损失 Cᵗ，本例的损失{which}；阴影部分就是截断切掉的。在窗口之内，"
        "截断梯度与完整梯度逐项相等。"
    ),
    "which_all": "用到了全部各项",
    "which_last": "只用到最后一行（已标出）",
    "shrunk": "T = {T} 步的图按 {n} × {n} 个块来画（每块取 log₁₀ 的平均值）。",
    # explanation
    "eq_head": "公式",
    "eq_full": "（完整 BPTT）",
    "eq_window": "（滑动窗口）",
    "eq_chunks": "（分块）",
    "look": (
        "**要看什么。** 完整梯度是对图中每一对 (t, k) 求和；截断只保留 t − k < w 的那条带"
        "（或者 t 所在的那一块）。如果图在 w 步之外早已衰减到几乎为零（例如 W_hh 较小的 tanh "
        "RNN），截断梯度就几乎是精确的：图衰减得多快，相对差异就降得多快。如果梯度在很远处仍"
        "携带着信息（例如遗忘门一直打开、偏置为 3 的 LSTM），截断就把这些信息丢掉了：不管序列"
        "多长，网络都学不到跨度超过 w 步的依赖。分块时，位于块开头附近的损失项能看到的甚至"
        "不到 w 步。"
    ),
    'lstm_1997': (
        '**1997 年 LSTM 的截断，与窗口并排。** 窗口截掉所有长于 w 步的路径。Hochreiter '
        '& Schmidhuber（1997，第 4 节）的截断方式不同，原文也提到：误差在将要经隐藏状态 '
        'h 离开记忆单元的地方被截断（即各个门和细胞输入的循环输入），而沿细胞状态 c 可以无限地往回流。'
        '把“单元”选为 LSTM，本页就在同一个网络上运行它（点线，以及它自己的相对差）：窗口保留所有短于 '
        'w 步的路径、更长的一概不要；1997 年的截断只保留细胞状态这一条路径，但不论多长。Graves '
        '& Schmidhuber（2005）用完整梯度训练 LSTM，今天所有自动微分框架也都是这样做的。'
    ),
    "source": (
        "原文：“LSTM 与 BPTT”一节。Williams & Peng (1990) 论截断 BPTT；Hochreiter & "
        "Schmidhuber (1997), *Long short-term memory*（他们的截断梯度：在 h 上截断，而不在 c "
        "上）；Graves & Schmidhuber (2005), *Framewise phoneme classification with "
        "bidirectional LSTM and other neural network architectures*（完整 BPTT）。"
    ),
    # 选择框里显示的选项名（链接里仍用英文键）
    "opt_cell_rnn": "原始 RNN",
    "opt_cell_lstm": "LSTM",
    "opt_cell_gru": "GRU",
    "opt_mode_window": "滑动窗口",
    "opt_mode_detach": "每 w 步截断一次",
    "opt_loss_all": "每一步",
    "opt_loss_last": "只在最后一步",
}
TEXT = i18n.pick(TEXT, TEXT_ZH)

CONTROLS = [
    ui.Control("cell", TEXT["cell"], "select", "rnn",
               options={"rnn": TEXT["cell_rnn"], "lstm": TEXT["cell_lstm"], "gru": TEXT["cell_gru"]}),
    ui.Control("T", TEXT["T"], "int", 100, min=2, max=500),
    ui.Control("H", TEXT["H"], "int", 32, min=1, max=64),  # a T=500 LSTM map at H=128 costs 1.4 s CPU
    ui.Control("scale", TEXT["scale"], "float", 1.0, min=0.1, max=3.0, step=0.05,
               help=TEXT["scale_help"]),
    ui.Control("fb", TEXT["fb"], "float", 0.0, min=0.0, max=5.0, step=0.5, help=TEXT["fb_help"]),
    ui.Control("w", TEXT["w"], "int", 10, min=1, max=500, help=TEXT["w_help"]),
    ui.Control("mode", TEXT["mode"], "select", rnnviz.TRUNCATIONS[0],
               options={k: TEXT[f"mode_{k}"] for k in rnnviz.TRUNCATIONS}),
    ui.Control("loss", TEXT["loss"], "select", rnnviz.LOSSES[0],
               options={k: TEXT[f"loss_{k}"] for k in rnnviz.LOSSES[::-1]}),  # "all" first
    ui.Control("thr", TEXT["thr"], "log", 1e-3, min=-8, max=-1),
    ui.Control("seed", TEXT["seed"], "seed", 0),
]
RELATIONS = [ui.Relation("w", "<=", "T")]  # a window past the sequence means nothing: w gives way
_BASE = {"cell": "rnn", "T": 100, "H": 32, "scale": 1.0, "fb": 0.0, "w": 10, "mode": "window",
         "loss": "last", "thr": 1e-3, "seed": 0}  # the defaults: every preset sets every control
PRESETS = {
    "short": {**_BASE, "w": 5},
    "lstm": {**_BASE, "cell": "lstm", "fb": 3.0, "T": 200, "w": 20},
    # chunks differ from a window only when a loss term sits early in its chunk: loss at every step
    "chunks": {**_BASE, "mode": "detach", "w": 25, "loss": "all"},
    "vanish": {**_BASE, "scale": 0.5},
}


def inactive(v: dict) -> set:
    """The forget-gate bias does nothing unless the cell is an LSTM."""
    return set() if v["cell"] == "lstm" else {"fb"}


INPUT_SIZE = 4
ERROR_POINTS = 40  # windows on the error curve
MAX_CELLS = flow_fig.MAX_CELLS


# ----------------------------------------------------------------- cached computations
def problem(kind: str, T: int, H: int, scale: float, fb: float, loss: str, seed: int):
    """The trace and the direct gradients ∂C/∂h_t of the lesson's loss (cheap: one unroll)."""
    cell = rnnviz.make_cell(kind, H, INPUT_SIZE, scale=scale, forget_bias=fb, seed=seed)
    trace = rnnviz.unroll(cell, rnnviz.make_input(T, INPUT_SIZE, seed=seed))
    return trace, rnnviz.loss_grad(T, H, where=loss, seed=seed)


@memo.data(max_entries=32)
def gradients(kind: str, T: int, H: int, scale: float, fb: float, w: int, mode: str, loss: str,
              seed: int):
    """Per-step log10 norms of ∂C/∂W_hh's terms, full and truncated, and the relative
    difference ‖g_trunc − g_full‖ / ‖g_full‖ of ∂C/∂W_hh (None if the full one is 0)."""
    trace, g = problem(kind, T, H, scale, fb, loss, seed)
    full = rnnviz.bptt(trace, g)
    trunc = rnnviz.bptt(trace, g, truncate=w, mode=mode)
    name = "weight_hh_l0"
    rel = flow.truncation_error(trace, g, w, mode=mode, full=full, truncated=trunc)
    if rel is None:
        return full.step_log10_norm[name], trunc.step_log10_norm[name], None, None
    return (full.step_log10_norm[name], trunc.step_log10_norm[name], rel,
            flow.cec_error(trace, g) if kind == "lstm" else None)


@memo.data(max_entries=32)
def cec_steps(T: int, H: int, scale: float, fb: float, loss: str, seed: int):
    """Per-step log10 norms of ∂C/∂W_hh's terms under the 1997 LSTM truncation."""
    trace, g = problem("lstm", T, H, scale, fb, loss, seed)
    return rnnviz.bptt(trace, g, mode="cec").step_log10_norm["weight_hh_l0"]


@memo.data(max_entries=32)
def flow_map(kind: str, T: int, H: int, scale: float, fb: float, seed: int):
    """(T, T) log10 ‖∂Cᵗ/∂hₖ‖ for a loss term at every step (the same unit vector each)."""
    trace, g = problem(kind, T, H, scale, fb, "all", seed)
    return flow.flow_map(trace, g, wrt="h")


@memo.data(max_entries=32)
def error_curve(kind: str, T: int, H: int, scale: float, fb: float, mode: str, loss: str,
                seed: int):
    """Windows w = 1 … T and the relative difference of ∂C/∂W_hh at each."""
    trace, g = problem(kind, T, H, scale, fb, loss, seed)
    windows = np.unique(np.round(np.linspace(1, T, min(T, ERROR_POINTS))).astype(int))
    return windows, flow.truncation_errors(trace, g, windows, mode=mode)


@memo.data(max_entries=64)
def reaches(M, T: int, w: int, mode: str, loss: str, thr: float):
    """How far back the gradient reaches, full and truncated (steps, or None)."""
    rows = [T - 1] if loss == "last" else list(range(T))
    return (flow.reach(M, thr, rows=rows),
            flow.reach(M, thr, flow.truncation_mask(T, w, mode), rows=rows))


# Figures are cached on the settings of the results they draw (memo.figure keys a memo.data
# result by the arguments that made it) and the language: a rerun with seen settings
# rebuilds nothing and the charts are sent unchanged.
@memo.figure(max_entries=32)
def map_figure(M, T: int, w: int, mode: str, loss: str):
    return flow_fig.truncated_map_figure(
        M, window=w, mode=mode, loss_rows=[T - 1] if loss == "last" else None,
        labels={"title": TEXT["map_title"], "x": TEXT["map_x"], "y": TEXT["map_y"],
                "colorbar": TEXT["map_cbar"], "hover": TEXT["map_hover"], "cut": TEXT["map_cut"],
                "loss": TEXT["map_loss"]},
        max_cells=MAX_CELLS, height=680)


@memo.figure(max_entries=32)
def steps_figure(grads, cec, T: int, w: int):
    """Each step's term of ∂C/∂W_hh: full, truncated, and (LSTM: `cec` not None) the 1997
    truncation."""
    steps_full, steps_trunc, _, _ = grads
    curves = {TEXT["full"]: steps_full, TEXT["trunc"].format(w=w): steps_trunc}
    if cec is not None:
        curves[TEXT["cec"]] = cec
    return flow_fig.curves_figure(
        np.arange(T), curves, title=TEXT["steps_title"], x_title=TEXT["steps_x"],
        y_title=TEXT["steps_y"], dashes=["solid", "dash", "dot"], height=360)


@memo.figure(max_entries=32)
def error_figure(curve, w: int):
    windows, errors = curve
    return flow_fig.curves_figure(
        windows, {TEXT["err_curve"]: log10_or_gap(errors)}, title=TEXT["err_title"],
        x_title=TEXT["err_x"], y_title=TEXT["err_y"], vline=w,
        vline_text=TEXT["err_now"].format(w=w), height=360)


def log10_or_gap(a):
    """log10 of positive values; exact zeros (w past the end) become gaps."""
    a = np.asarray(a, dtype=np.float64)
    with np.errstate(divide="ignore"):
        return np.where(a > 0, np.log10(np.where(a > 0, a, 1.0)), np.nan)


# ------------------------------------------------------------------------------ page
st.title(TEXT["title"])
st.markdown(TEXT["intro"])
s = ui.controls("truncated", CONTROLS, presets=PRESETS, text=TEXT, relations=RELATIONS, inactive=inactive)
st.sidebar.caption(TEXT["presets_help"])

with ui.guard():
    grads = gradients(s.cell, s.T, s.H, s.scale, s.fb, s.w, s.mode, s.loss, s.seed)
    M = flow_map(s.cell, s.T, s.H, s.scale, s.fb, s.seed)
    curve = error_curve(s.cell, s.T, s.H, s.scale, s.fb, s.mode, s.loss, s.seed)
rel, rel_cec = grads[2], grads[3]
reach_full, reach_trunc = reaches(M, s.T, s.w, s.mode, s.loss, math.log10(s.thr))


def steps_text(n):
    return TEXT["m_none"] if n is None else TEXT["m_steps"].format(n=n)


cols = st.columns(4 if s.cell == "lstm" else 3)
cols[0].metric(TEXT["m_rel"], "—" if rel is None else f"{rel:.3g}", help=TEXT["m_rel_help"])
cols[1].metric(TEXT["m_full"], steps_text(reach_full))
cols[2].metric(TEXT["m_trunc"], steps_text(reach_trunc))
if s.cell == "lstm":
    cols[3].metric(TEXT["m_cec"], "—" if rel_cec is None else f"{rel_cec:.3g}", help=TEXT["m_cec_help"])
cec = None
if s.cell == "lstm":
    with ui.guard():
        cec = cec_steps(s.T, s.H, s.scale, s.fb, s.loss, s.seed)
if rel is None:
    st.info(TEXT["zero_grad"])

left, right = st.columns(2)
with left:
    ui.plot(map_figure(M, s.T, s.w, s.mode, s.loss), key="fig_map")
    st.caption(TEXT["map_note"].format(which=TEXT["which_" + s.loss]))
    if s.T > MAX_CELLS:
        block = math.ceil(s.T / MAX_CELLS)
        st.caption(TEXT["shrunk"].format(T=s.T, n=math.ceil(s.T / block)))
with right:
    ui.plot(steps_figure(grads, cec, s.T, s.w), key="fig_steps")
    ui.plot(error_figure(curve, s.w), key="fig_err")

st.subheader(TEXT["eq_head"])
ui.equation(r"\frac{\partial C}{\partial \beta} = \sum_{j=1}^{T} \sum_{k=1}^{j} "
            r"\frac{\partial C^j}{\partial \beta^k}\, f'\!\left(C^j\right)"
            r"\qquad \text{" + TEXT["eq_full"] + "}")
ui.equation(r"\frac{\partial C}{\partial \beta}\Big|_{w} = \sum_{j} "
            r"\sum_{\substack{k \le j \\ j - k < w}} \frac{\partial C^j}{\partial \beta^k}\, "
            r"f'\!\left(C^j\right) \quad \text{" + TEXT["eq_window"] + r"}, \qquad "
            r"\sum_{j} \sum_{\substack{k \le j \\ \lfloor k/w \rfloor = \lfloor j/w \rfloor}} "
            r"\frac{\partial C^j}{\partial \beta^k}\, f'\!\left(C^j\right) \quad "
            r"\text{" + TEXT["eq_chunks"] + "}")
ui.equation(r"\delta^{k-1} = \left(W_{hh}^\top \delta^k\right) \odot \sigma'\!\left(h_*^{k-1}\right),"
            r"\qquad \frac{\partial C^t}{\partial W_{hh}} = \sum_{k} \delta^k\, h^{k-1\,\top}")
st.markdown(TEXT["look"])
st.markdown(TEXT["lstm_1997"])
st.caption(TEXT["source"])
