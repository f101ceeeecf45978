"""Lesson 1: the vanilla RNN and back-propagation through time.

Storyboard: controls → cached computation (rnnviz.lessons.bptt) → figures
(rnnviz.figures.gradients) → the source's equations and what to look for.
"""

import streamlit as st

from pages import i18n, memo, numtext, ui
from rnnviz import ACTIVATIONS, LOSSES, SCALE_BY
from rnnviz.lessons import bptt as lesson_bptt
from rnnviz.figures import diagrams, gradients
from rnnviz.figures import flow as flow_fig
from rnnviz.core.weights import INITS

TEXT = {
    "title": "Vanilla RNN and backprop through time",
    "intro": (
        "An RNN uses the same W_hh at every step. Back-propagation through time (BPTT) sends "
        "the gradient of the loss backwards one step at a time, and every step multiplies it "
        "by W_hhᵀ and by σ′ of the pre-activation. Over many steps that product shrinks to "
        "nothing or blows up. Move one setting at a time and watch it happen."
    ),
    # controls
    "T": "Sequence length T (steps)",
    "H": "Hidden size H (units)",
    "act": "Activation σ",
    "act_tanh": "tanh: σ′ ≤ 1, saturates for large |h*|",
    "act_sigmoid": "logistic sigmoid: σ′ ≤ 1/4",
    "act_relu": "ReLU: σ′ is 0 or 1",
    "act_linear": "no activation: σ′ = 1",
    "init": "W_hh initialisation",
    "init_gaussian": "Gaussian N(0, 1/H): ρ ≈ 1, ‖W_hh‖₂ ≈ 2 before rescaling",
    "init_orthogonal": "random orthogonal: every singular value equal",
    "init_identity": "identity matrix",
    "init_diagonal": "diagonal, eigenvalues spread over [0.5, 1.5] before rescaling",
    "init_torch": "PyTorch's default U(−1/√H, 1/√H)",
    "init_triangular": (
        "non-normal (W_hh W_hhᵀ ≠ W_hhᵀ W_hh: eigenvectors far from orthogonal, so ‖W_hh‖₂ "
        "can be much larger than ρ): equal eigenvalues plus a strictly upper Gaussian part"
    ),
    "scale": "W_hh scale",
    "scale_help": "W_hh is rescaled so that the quantity chosen below equals this value.",
    "by": "The scale sets",
    "by_help": (
        "Greyed out for an orthogonal, identity or diagonal W_hh: these are normal matrices, "
        "whose spectral radius and largest singular value are equal."
    ),
    "by_radius": "the spectral radius ρ = max |λᵢ| (the long-run rate)",
    "by_sigma": "the largest singular value ‖W_hh‖₂ (the most one step can stretch)",
    "xs": "Input scale (x_t ~ N(0, s²))",
    "loss": "Loss C",
    "loss_last": "at the last step only: C = C^{T−1}",
    "loss_all": "at every step: C = Σ_t C^t",
    "seed": "Random seed",
    "out": "Output layer",
    "out_help": (
        "The source's output layer o = θ(W_oh h + b_o) with 4 outputs and seeded random "
        "targets, or none: a fixed read-out C = vᵀh (v a seeded unit vector)."
    ),
    "out_linear": "none: C = vᵀh",
    "out_mse": "o = W_oh h + b_o, squared error ½‖o − y‖²",
    "out_xent": "o = softmax(W_oh h + b_o), cross-entropy −log o_y",
    # preset buttons sit two to a row in the sidebar: about 11 characters fit
    "preset_vanish_tanh": "Vanishing",  # with tanh
    "preset_explode_relu": "Exploding",  # with ReLU
    "preset_orthogonal_linear": "Orthogonal",  # + linear keeps the norm
    "preset_non_normal": "Non-normal",  # trap: ρ < 1 yet the gradient grows
    "preset_irnn": "IRNN",  # ReLU + identity W_hh (Le, Jaitly & Hinton 2015)
    "presets_help": (
        "**Vanishing**: tanh with an orthogonal W_hh, so ‖W_hh‖₂γ = 1 and the bound stays flat; "
        "yet after 299 steps back the gradient is 10⁻⁴⁴ of its size at the loss. Few units "
        "saturate (median σ′ 0.76, 7 % below 0.1): σ′ < 1 at almost every unit and step, "
        "compounded over 299 steps, does it. **Exploding**: ReLU with ρ = 1.5; the gradient "
        "reaching step 0 is 10⁷ times larger. **Orthogonal**: linear units and an orthogonal "
        "W_hh keep the norm exactly over 1000 steps. **Non-normal**: a linear RNN whose W_hh "
        "has ρ = 0.9 < 1 but ‖W_hh‖₂ = 1.9; going back, the gradient grows 10⁸-fold over 230 "
        "steps and only then decays, so at T = 600 it still reaches step 0 10⁴ times larger: "
        "exploded. **IRNN** (Le, Jaitly & Hinton 2015, the source's \"switch to ReLU\"): "
        "ReLU with W_hh = I. One step back multiplies the gradient of a unit that is on by "
        "exactly 1: for 103 steps back it keeps 0.72 or more of its size. But a unit that is "
        "off at even one step passes nothing back from there (σ′ = 0), and before step 196 "
        "every unit has been off once: from there on the gradient is exactly zero. Set the "
        "scale to 1.02 and the same network explodes, 260-fold over 299 steps. Each preset "
        "sets every control."
    ),
    # numbers
    "m_rho": "Spectral radius ρ",
    "m_sigma": "Largest singular value ‖W_hh‖₂",
    "m_gamma": "γ = sup σ′",
    "m_rate": "Bound per step ‖W_hh‖₂γ",
    "m_dact": "Median σ′(h*)",
    "m_saturated": "σ′ < γ/10: saturated or off",
    "m_dact_help": "Over every step and every unit of this run.",
    "dact_line": (
        "σ′(h*) over every step and unit: median **{median}**, and **{share}** of the values "
        "below γ/10 (saturated, or a ReLU that is off). Every σ′ below γ shrinks the gradient "
        "a little, and the shrinking compounds over the steps."
    ),
    "overflow": (
        "The forward pass blew up: h stopped being finite at step {step} (it passed 1e308). "
        "Everything below uses the finite steps 0–{last}, with the loss moved to step {last}."
    ),
    # part 1
    "h_curve": "1 · How much gradient reaches step k",
    "verdict_vanished": "The gradient reaching step 0 is {ratio} of the one at step {last}: :blue[**vanished**].",
    "verdict_exploded": "The gradient reaching step 0 is {ratio} times the one at step {last}: :red[**exploded**].",
    "verdict_kept": "The gradient reaching step 0 is {ratio} times the one at step {last}: :green[**kept**].",
    "verdict_zero": (
        "The gradient reaching step 0 is exactly zero (every path back passes a ReLU that is "
        "off): :blue[**vanished**]."
    ),
    "all_note": (
        "With a loss at every step, each step also gets its own fresh gradient, so the total "
        "‖∂C/∂h_k‖ stays near 1 even when nothing from far ahead arrives. Set the loss to the "
        "last step to see how far a gradient travels."
    ),
    "fig_curve_title": "Gradient norm at each step, log scale",
    "fig_x": "time step k",
    "fig_curve_y": "log₁₀ ‖∂C/∂h<sub>k</sub>‖",
    "fig_curve": "‖∂C/∂h<sub>k</sub>‖ (exact BPTT)",
    "fig_bound": "Pascanu's bound (‖W_hh‖₂γ)<sup>T−1−k</sup> ‖∂C/∂h<sub>T−1</sub>‖",
    "fig_bound_hover": "k = %{x}<br>bound 10^%{y:.2f}<extra></extra>",
    "curve_text": (
        "Each step back multiplies the gradient by diag(σ′(h*)) and W_hhᵀ, so its norm changes "
        "by at most ‖W_hh‖₂γ per step: the dashed line. That is only an upper bound. With tanh "
        "σ′ = 1 only where h* = 0, so nearly every factor σ′ is below 1 and the curve falls "
        "below the bound, faster where units saturate (σ′ near 0, dark in the lower heatmap "
        "below); with ReLU or linear units σ′ = 1 on every active unit, and the bound is "
        "exactly that of a linear RNN, whose long-run rate per step is ρ rather than ‖W_hh‖₂. "
        "‖W_hh‖₂γ < 1 guarantees vanishing; ρ < 1 does not prevent a long transient growth "
        "when W_hh is non-normal, that is W_hh W_hhᵀ ≠ W_hhᵀ W_hh: its eigenvectors are far "
        "from orthogonal and ‖W_hh‖₂ can be much larger than ρ (try the Non-normal preset)."
    ),
    "m_loss": "Loss C through the output layer",
    # the unrolled network
    "diagram_text": (
        "The same run on the network unrolled in time, as the source draws it: each edge is "
        "coloured and sized by the gradient that flows back along it (hover for the number). "
        "A dashed edge stands for the steps between two columns; its colour is what arrives "
        "at its left end."
    ),
    "dia_title": "The unrolled RNN: the gradient on every edge",
    "dia_colorbar": "log₁₀ ‖gradient‖",
    "dia_hover": "%{text}<br>log₁₀ ‖gradient‖ = %{customdata:.2f}<extra></extra>",
    "dia_gap": "⋯ {n} steps",
    "dia_loss": "C<sup>{t}</sup>",
    "dia_edge_loss": "loss C^{t} → h_{t}",
    "dia_edge_rec": "h_{b} → h_{a} through W_hh",
    "dia_edge_x": "h_{t} → x_{t} through W_ih",
    "dia_node_h": "‖∂C/∂h_{t}‖",
    # the Jacobian
    "h_jac": "The Jacobian itself beside its bound",
    "jac_text": (
        "The bound holds for the Jacobian $\\partial h_{T-1}/\\partial h_k$ of the hidden state "
        "itself, whatever the loss: its largest singular value is at most "
        "$(\\lVert W_{hh}\\rVert_2\\,\\gamma)^n$, n = T−1−k steps back. The curve above is one "
        "direction through this matrix (the loss's); this one is the largest stretch over every "
        "direction."
    ),
    "jac_span": "The Jacobian is swept over the last {span} steps only (each step back costs H³ at H = {H}).",
    "fig_jac_title": "‖∂h<sub>T−1</sub>/∂h<sub>k</sub>‖₂ and its bound, log scale",
    "fig_jac_x": "steps back n = T−1−k",
    "fig_jac_y": "log₁₀ ‖∂h<sub>T−1</sub>/∂h<sub>k</sub>‖₂",
    "fig_jac_norm": "‖∂h<sub>T−1</sub>/∂h<sub>k</sub>‖₂ (exact)",
    "fig_jac_bound": "(‖W_hh‖₂γ)<sup>n</sup>",
    # part 2
    "h_terms": "2 · Where ∂C/∂W_hh comes from",
    "fig_terms_title": "Size of each step's term in ∂C/∂W_hh, log scale",
    "fig_terms_y": "log₁₀ ‖δ<sup>k</sup> h<sup>k−1 ⊤</sup>‖<sub>F</sub>",
    "fig_late": "last 10 %",
    "fig_term": "step k's term",
    "fig_term_hover": "k = %{x}<br>‖term‖ = 10^%{y:.2f}<extra></extra>",
    "late_share": (
        "The last 10 % of steps (k ≥ {k0}) give **{share}** of the summed size of all "
        "{n} terms."
    ),
    "late_none": "Every term is exactly zero: h or δ is zero at every step.",
    "terms_text": (
        "The weight gradient is a sum over steps. When the gradient vanishes, the sum is made "
        "almost only of the last few steps: the network learns nothing from what happened "
        "long ago, however often W_hh was used there."
    ),
    # part 3
    "h_maps": "3 · What the hidden units do",
    "fig_h_title": "Hidden state h_k",
    "fig_h_bar": "h",
    "fig_h_log_bar": "sign·log₁₀(1+|h|)",
    "h_log_note": "|h| reaches {hmax}, so the upper map shows sign(h)·log₁₀(1 + |h|).",
    "fig_d_title": "σ′(h*_k): what each unit passes back (0 = saturated or off: nothing)",
    "fig_d_bar": "σ′(h*)",
    "fig_unit": "hidden unit i",
    "fig_map_hover": "k ≈ %{x}<br>unit %{y}<br>%{z:.3g}<extra></extra>",
    "maps_units": "Every {ku}th of the {H} units is shown.",
    "maps_block": "Each column is the mean over {kt} steps.",
    "maps_text": (
        "The lower map is the σ′(h*) factor of the recursion, step by step and unit by unit. "
        "Where it is dark, that unit passes almost no gradient back. Raise the input scale to "
        "push tanh or sigmoid units into saturation."
    ),
    "source": (
        "Equations from the source article (its sections on RNN and BPTT, and on gradient "
        "vanish / explode); the bound from Pascanu, Mikolov & Bengio (2013), *On the difficulty of training "
        "recurrent neural networks*, ICML, Section 2.1."
    ),
    # select-box options as the box shows them (the URL keeps the key)
    "opt_act_tanh": "tanh",
    "opt_act_sigmoid": "sigmoid",
    "opt_act_relu": "ReLU",
    "opt_act_linear": "none (linear)",
    "opt_init_gaussian": "Gaussian",
    "opt_init_orthogonal": "orthogonal",
    "opt_init_identity": "identity",
    "opt_init_diagonal": "diagonal",
    "opt_init_torch": "PyTorch default",
    "opt_init_triangular": "triangular (non-normal)",
    "opt_by_radius": "spectral radius ρ",
    "opt_by_sigma": "largest singular value ‖W_hh‖₂",
    "opt_loss_last": "last step only",
    "opt_loss_all": "every step",
    "opt_out_linear": "none: C = vᵀh",
    "opt_out_mse": "squared error",
    "opt_out_xent": "cross-entropy",
}

TEXT_ZH = {
    "title": "原始 RNN 与随时间反向传播",
    "intro": (
        "RNN 在每个时刻用的都是同一个 W_hh。随时间反向传播（BPTT）把损失的梯度一步一步往回传，"
        "每往回一步，梯度都要乘一次 W_hhᵀ，再乘一次激活函数在激活前的值处的导数 σ′。步数一多，"
        "这个累乘不是缩到几乎为零，就是急剧膨胀。每次只改一个设置，亲眼看看它是怎么发生的。"
    ),
    # controls
    "T": "序列长度 T（步）",
    "H": "隐藏层大小 H（单元数）",
    "act": "激活函数 σ",
    "act_tanh": "tanh：σ′ ≤ 1，|h*| 较大时饱和",
    "act_sigmoid": "sigmoid（logistic 函数）：σ′ ≤ 1/4",
    "act_relu": "ReLU：σ′ 为 0 或 1",
    "act_linear": "不用激活函数：σ′ = 1",
    "init": "W_hh 的初始化",
    "init_gaussian": "高斯 N(0, 1/H)：缩放前 ρ ≈ 1，‖W_hh‖₂ ≈ 2",
    "init_orthogonal": "随机正交阵：所有奇异值都相等",
    "init_identity": "单位矩阵",
    "init_diagonal": "对角阵，缩放前特征值均匀分布在 [0.5, 1.5] 内",
    "init_torch": "PyTorch 的默认初始化 U(−1/√H, 1/√H)",
    "init_triangular": (
        "非正规矩阵（W_hh W_hhᵀ ≠ W_hhᵀ W_hh：特征向量远非正交，所以 ‖W_hh‖₂ 可能比 ρ "
        "大得多）：特征值全部相等，再加上一个严格上三角的高斯部分"
    ),
    "scale": "W_hh 的缩放值",
    "scale_help": "对 W_hh 整体缩放，使下面选定的那个量等于这个值。",
    "by": "缩放值设定的是",
    "by_help": (
        "W_hh 为正交阵、单位阵或对角阵时此项不可选：它们都是正规矩阵，谱半径与最大奇异值相等。"
    ),
    "by_radius": "谱半径 ρ = max |λᵢ|（长期来看每步的变化率）",
    "by_sigma": "最大奇异值 ‖W_hh‖₂（单独一步最多能拉伸多少）",
    "xs": "输入尺度（x_t ~ N(0, s²)）",
    "loss": "损失 C",
    "loss_last": "只在最后一步：C = C^{T−1}",
    "loss_all": "每一步都有：C = Σ_t C^t",
    "seed": "随机种子",
    "out": "输出层",
    'out_help': (
        '原文的输出层 o = θ(W_oh h + b_o)，4 个输出、随机（按种子）生成的目标；'
        '或者不用输出层：固定读出 C = vᵀh（v 为按种子生成的单位向量）。'
    ),
    "out_linear": "无：C = vᵀh",
    "out_mse": "o = W_oh h + b_o，平方误差 ½‖o − y‖²",
    "out_xent": "o = softmax(W_oh h + b_o)，交叉熵 −log o_y",
    # 预设按钮在侧边栏里两个一行：大约放得下 6 个汉字
    "preset_vanish_tanh": "梯度消失",
    "preset_explode_relu": "梯度爆炸",
    "preset_orthogonal_linear": "正交不变",
    "preset_non_normal": "非正规矩阵",
    "preset_irnn": "IRNN",
    'presets_help': (
        '**梯度消失**：tanh 配正交的 W_hh，‖W_hh‖₂γ = 1，上界是一条水平线；'
        '可是往回传 299 步之后，梯度只剩损失处的 10⁻⁴⁴。真正饱和的单元很少（σ′ 中位数 '
        '0.76，只有 7 % 低于 0.1）：造成消失的是几乎每个单元、每一步都有 σ′ < '
        '1，在 299 步里不断累乘。**梯度爆炸**：ReLU，ρ = 1.5；传到第 0 步的梯度大了 '
        '10⁷ 倍。**正交不变**：线性单元配正交的 W_hh，1000 步里梯度范数分毫不差。'
        '**非正规矩阵**：一个线性 RNN，W_hh 的 ρ = 0.9 < 1，但 ‖W_hh‖₂ '
        '= 1.9；往回传时梯度先在 230 步里增长 10⁸ 倍，然后才开始衰减，所以 T = '
        '600 时传到第 0 步的梯度仍大了 10⁴ 倍：梯度爆炸。**IRNN**（Le, Jaitly '
        '& Hinton 2015，即原文说的“换成 ReLU”）：ReLU 加 W_hh = '
        'I。对处于激活状态的单元，往回一步梯度恰好乘以 1：往回 103 步内梯度保持在原大小的 '
        '0.72 以上。但一个单元只要有一步处于关闭状态（σ′ = 0），从那一步起就什么也传不回去；'
        '在第 196 步之前，每个单元都至少关闭过一次：再往前梯度恰好为零。把缩放调到 1.02，'
        '同一个网络就会爆炸，往回 299 步放大 260 倍。每个预设都会重设所有控件。'
    ),
    # numbers
    "m_rho": "谱半径 ρ",
    "m_sigma": "最大奇异值 ‖W_hh‖₂",
    "m_gamma": "γ = sup σ′",
    "m_rate": "每步的上界 ‖W_hh‖₂γ",
    "m_dact": "σ′(h*) 的中位数",
    "m_saturated": "σ′ < γ/10：饱和或关闭",
    "m_dact_help": "统计本次运行的所有时间步和所有单元。",
    "dact_line": (
        "所有时间步、所有单元上的 σ′(h*)：中位数 **{median}**，有 **{share}** 低于 γ/10"
        "（饱和，或者是处于关闭状态的 ReLU）。每个小于 γ 的 σ′ 都让梯度缩小一点，"
        "而这些缩小会随着步数不断累乘。"
    ),
    "overflow": (
        "前向传播溢出了：h 从第 {step} 步起不再是有限值（超过了 1e308）。下面的内容只用有限的第 "
        "0–{last} 步，损失也移到了第 {last} 步。"
    ),
    # part 1
    "h_curve": "1 · 有多少梯度能传回第 k 步",
    "verdict_vanished": "传到第 0 步的梯度只有第 {last} 步的 {ratio}：:blue[**梯度消失**]。",
    "verdict_exploded": "传到第 0 步的梯度是第 {last} 步的 {ratio} 倍：:red[**梯度爆炸**]。",
    "verdict_kept": "传到第 0 步的梯度是第 {last} 步的 {ratio} 倍：:green[**梯度保持住了**]。",
    "verdict_zero": (
        "传到第 0 步的梯度恰好为零（每条往回的路径都要经过一个关闭的 ReLU）：:blue[**梯度消失**]。"
    ),
    "all_note": (
        "每一步都有损失时，每一步还会得到它自己那一项新的梯度，所以即使远处的梯度一点也传不回来，"
        "总的 ‖∂C/∂h_k‖ 也会保持在 1 附近。把损失设为只在最后一步，才能看出梯度究竟能传多远。"
    ),
    "fig_curve_title": "每一步的梯度范数（对数坐标）",
    "fig_x": "时间步 k",
    "fig_curve_y": "log₁₀ ‖∂C/∂h<sub>k</sub>‖",
    "fig_curve": "‖∂C/∂h<sub>k</sub>‖（精确 BPTT）",
    "fig_bound": "Pascanu 的上界 (‖W_hh‖₂γ)<sup>T−1−k</sup> ‖∂C/∂h<sub>T−1</sub>‖",
    "fig_bound_hover": "k = %{x}<br>上界 10^%{y:.2f}<extra></extra>",
    "curve_text": (
        "每往回一步，梯度都要乘以 diag(σ′(h*)) 和 W_hhᵀ，所以它的范数每步最多变为原来的 "
        "‖W_hh‖₂γ 倍：也就是图中的虚线。这只是一个上界。对 tanh 来说，只有 h* = 0 处才有 σ′ = 1，"
        "几乎每个因子 σ′ 都小于 1，所以曲线落在上界下方；单元饱和的地方（σ′ 接近 0，即下面第二张"
        "热力图中颜色深的地方）降得更快。用 ReLU 或线性单元时，每个激活的单元上 σ′ = 1，上界恰好"
        "就是线性 RNN 的上界，而线性 RNN 长期来看每步的变化率是 ρ，不是 ‖W_hh‖₂。"
        "‖W_hh‖₂γ < 1 能保证梯度消失；但 ρ < 1 却挡不住梯度先经历一段很长的增长，只要 W_hh "
        "是非正规矩阵，即 W_hh W_hhᵀ ≠ W_hhᵀ W_hh：它的特征向量远非正交，‖W_hh‖₂ 可以比 ρ "
        "大得多（试试“非正规矩阵”预设）。"
    ),
    "m_loss": "经输出层的损失 C",
    'diagram_text': (
        '同一次运行，画在按时间展开的网络上，和原文的示意图一样：每条边的颜色和粗细表示沿它反向流过的梯度（鼠标悬停可看数值）'
        '。虚线边代表两列之间省略的若干步，它的颜色是到达其左端的梯度。'
    ),
    "dia_title": "展开的 RNN：每条边上的梯度",
    "dia_colorbar": "log₁₀ ‖梯度‖",
    "dia_hover": "%{text}<br>log₁₀ ‖梯度‖ = %{customdata:.2f}<extra></extra>",
    "dia_gap": "⋯ {n} 步",
    "dia_loss": "C<sup>{t}</sup>",
    "dia_edge_loss": "损失 C^{t} → h_{t}",
    "dia_edge_rec": "h_{b} → h_{a}，经 W_hh",
    "dia_edge_x": "h_{t} → x_{t}，经 W_ih",
    "dia_node_h": "‖∂C/∂h_{t}‖",
    "h_jac": "雅可比矩阵本身与它的上界",
    'jac_text': (
        '这个上界对隐藏状态的雅可比矩阵 $\\partial h_{T-1}/\\partial h_k$ '
        '本身就成立，与损失无关：它的最大奇异值不超过 $(\\lVert W_{hh}\\rVert_2\\,\\gamma)^n$，'
        'n = T−1−k 为往回的步数。上面的曲线只是这个矩阵沿一个方向（损失给出的方向）的作用；'
        '这里是所有方向中最大的拉伸。'
    ),
    "jac_span": "雅可比矩阵只沿最后 {span} 步计算（H = {H} 时，每往回一步要花 H³ 的计算量）。",
    "fig_jac_title": "‖∂h<sub>T−1</sub>/∂h<sub>k</sub>‖₂ 与它的上界（对数坐标）",
    "fig_jac_x": "往回的步数 n = T−1−k",
    "fig_jac_y": "log₁₀ ‖∂h<sub>T−1</sub>/∂h<sub>k</sub>‖₂",
    "fig_jac_norm": "‖∂h<sub>T−1</sub>/∂h<sub>k</sub>‖₂（精确值）",
    "fig_jac_bound": "(‖W_hh‖₂γ)<sup>n</sup>",
    # part 2
    "h_terms": "2 · ∂C/∂W_hh 从哪里来",
    "fig_terms_title": "∂C/∂W_hh 中每一步那一项的大小（对数坐标）",
    "fig_terms_y": "log₁₀ ‖δ<sup>k</sup> h<sup>k−1 ⊤</sup>‖<sub>F</sub>",
    "fig_late": "最后 10 %",
    "fig_term": "第 k 步的项",
    "fig_term_hover": "k = %{x}<br>‖该项‖ = 10^%{y:.2f}<extra></extra>",
    "late_share": "最后 10 % 的时间步（k ≥ {k0}）占了全部 {n} 项大小之和的 **{share}**。",
    "late_none": "每一项都恰好为零：每一步的 h 或 δ 都是零。",
    "terms_text": (
        "权重的梯度是各时间步上的项累加起来的。梯度消失时，这个和几乎全部来自最后几步：很久以前"
        "发生的事情，不管 W_hh 在那里被用了多少次，网络都学不到。"
    ),
    # part 3
    "h_maps": "3 · 隐藏单元在做什么",
    "fig_h_title": "隐藏状态 h_k",
    "fig_h_bar": "h",
    "fig_h_log_bar": "sign·log₁₀(1+|h|)",
    "h_log_note": "|h| 最大达到 {hmax}，所以上面那张图画的是 sign(h)·log₁₀(1 + |h|)。",
    "fig_d_title": "σ′(h*_k)：每个单元能往回传多少（0 = 饱和或关闭：一点也传不过去）",
    "fig_d_bar": "σ′(h*)",
    "fig_unit": "隐藏单元 i",
    "fig_map_hover": "k ≈ %{x}<br>单元 %{y}<br>%{z:.3g}<extra></extra>",
    "maps_units": "{H} 个单元中每隔 {ku} 个显示一个。",
    "maps_block": "每一列是 {kt} 个时间步的平均值。",
    "maps_text": (
        "下面那张图就是递推式中的 σ′(h*) 因子，按时间步、按单元逐个画出。颜色深的地方，那个单元"
        "几乎不往回传梯度。调大输入尺度，可以把 tanh 或 sigmoid 单元推进饱和区。"
    ),
    "source": (
        "公式来自原文（“RNN 与 BPTT”一节和讲梯度消失、梯度爆炸的一节）；上界来自 Pascanu, "
        "Mikolov & Bengio (2013), *On the difficulty of training recurrent neural networks*, "
        "ICML, 第 2.1 节。"
    ),
    # 选择框里显示的选项名（链接里仍用英文键）
    "opt_act_tanh": "tanh",
    "opt_act_sigmoid": "sigmoid",
    "opt_act_relu": "ReLU",
    "opt_act_linear": "无（线性）",
    "opt_init_gaussian": "高斯分布",
    "opt_init_orthogonal": "正交矩阵",
    "opt_init_identity": "单位矩阵",
    "opt_init_diagonal": "对角矩阵",
    "opt_init_torch": "PyTorch 默认",
    "opt_init_triangular": "三角矩阵（非正规）",
    "opt_by_radius": "谱半径 ρ",
    "opt_by_sigma": "最大奇异值 ‖W_hh‖₂",
    "opt_loss_last": "只在最后一步",
    "opt_loss_all": "每一步",
    "opt_out_linear": "无：C = vᵀh",
    "opt_out_mse": "平方误差",
    "opt_out_xent": "交叉熵",
}
TEXT = i18n.pick(TEXT, TEXT_ZH)

CONTROLS = [
    ui.Control("T", TEXT["T"], "int", 100, min=2, max=2000),
    ui.Control("H", TEXT["H"], "int", 32, min=1, max=256),
    ui.Control("act", TEXT["act"], "select", "tanh", options={a: TEXT[f"act_{a}"] for a in ACTIVATIONS}),
    ui.Control("init", TEXT["init"], "select", "gaussian",
               options={i: TEXT[f"init_{i}"] for i in INITS}),
    ui.Control("scale", TEXT["scale"], "float", 1.0, min=0.1, max=3.0, step=0.01,
               help=TEXT["scale_help"]),
    ui.Control("by", TEXT["by"], "select", SCALE_BY[0],
               options={k: TEXT[f"by_{k}"] for k in SCALE_BY},
               help="  \n".join([f"**{TEXT[f'opt_by_{k}']}** — {TEXT[f'by_{k}']}" for k in SCALE_BY]
                                + [TEXT["by_help"]])),
    ui.Control("xs", TEXT["xs"], "float", 1.0, min=0.0, max=5.0, step=0.1),
    ui.Control("loss", TEXT["loss"], "select", LOSSES[0],
               options={k: TEXT[f"loss_{k}"] for k in LOSSES}),
    ui.Control("out", TEXT["out"], "select", "linear",
               options={o: TEXT[f"out_{o}"] for o in lesson_bptt.READOUTS}, help=TEXT["out_help"]),
    ui.Control("seed", TEXT["seed"], "seed", 0),
]
# Each preset sets every control, so its description (presets_help, checked by
# tests/test_lesson_truth.py) holds whatever was set before.
PRESETS = {
    # ‖W_hh‖₂γ = 1: the bound is flat, yet σ′ < 1 compounding takes it to 10⁻⁴⁴.
    "vanish_tanh": {"T": 300, "H": 32, "act": "tanh", "init": "orthogonal", "scale": 1.0,
                    "by": "sigma", "xs": 1.0, "loss": "last", "out": "linear", "seed": 0},
    # ρ = 1.5 with ReLU: the active units grow the gradient ~10⁷ over 300 steps.
    "explode_relu": {"T": 300, "H": 32, "act": "relu", "init": "gaussian", "scale": 1.5,
                     "by": "radius", "xs": 1.0, "loss": "last", "out": "linear", "seed": 0},
    # An orthogonal W_hh with no squashing keeps ‖∂C/∂h_k‖ exactly over 1000 steps.
    "orthogonal_linear": {"T": 1000, "H": 32, "act": "linear", "init": "orthogonal",
                          "scale": 1.0, "by": "radius", "xs": 1.0, "loss": "last", "out": "linear", "seed": 0},
    # ρ = 0.9 promises vanishing; ‖W_hh‖₂ ≈ 1.9 and non-normality grow the gradient 10⁸ first,
    # and at T = 600 it has not decayed back: 10⁴ at step 0.
    "non_normal": {"T": 600, "H": 64, "act": "linear", "init": "triangular", "scale": 0.9,
                   "by": "radius", "xs": 1.0, "loss": "last", "out": "linear", "seed": 0},
    # ReLU + W_hh = I: exact for units that stay on, exactly zero once every unit was off once.
    "irnn": {"T": 300, "H": 32, "act": "relu", "init": "identity", "scale": 1.0, "by": "radius",
             "xs": 1.0, "loss": "last", "out": "linear", "seed": 0},
}
NORMAL_INITS = ("orthogonal", "identity", "diagonal")  # normal matrices: ρ = ‖W_hh‖₂


def inactive(v: dict) -> set:
    """For a normal W_hh, ρ = ‖W_hh‖₂: which one the scale sets makes no difference."""
    return {"by"} if v["init"] in NORMAL_INITS else set()


MAP_STEPS, MAP_UNITS = 400, 64  # heatmap cells sent to the browser: columns (time) × rows


# ----------------------------------------------------------------- cached computations
@memo.data(max_entries=8)
def lesson_cell(H: int, act: str, init: str, scale: float, by: str, seed: int):
    """The cell and its spectrum (ρ, ‖W_hh‖₂: an eigen- and a singular-value decomposition), shared
    by every T, input and loss."""
    return lesson_bptt.lesson_cell(H, act, init, scale, by, seed)


@memo.data(max_entries=32)
def lesson(T: int, H: int, act: str, init: str, scale: float, by: str, xs: float, loss: str,
           seed: int, out: str = "linear") -> lesson_bptt.BpttLesson:
    """Unroll, exact BPTT, and the screen-sized heatmaps (small float arrays only)."""
    return lesson_bptt.compute(T, H, act, init, scale, by, xs, loss, seed, out,
                               max_steps_shown=MAP_STEPS, max_units_shown=MAP_UNITS,
                               cell_and_spectrum=lesson_cell(H, act, init, scale, by, seed))


# Figures are cached on the settings of the lesson they draw (memo.figure keys a memo.data
# result by the arguments that made it) and the language, so a rerun rebuilds only what
# changed and an unchanged chart is sent unchanged.
@memo.figure(max_entries=32)
def gradient_figures(r: lesson_bptt.BpttLesson):
    """The gradient-norm curve with its bound, and the terms of ∂C/∂W_hh."""
    curve = gradients.gradient_norm_figure(
        r.log10_norm_h, log10_bound=r.log10_bound,
        labels={"title": TEXT["fig_curve_title"], "x": TEXT["fig_x"], "y": TEXT["fig_curve_y"],
                "curve": TEXT["fig_curve"], "bound": TEXT["fig_bound"],
                "bound_hover": TEXT["fig_bound_hover"]})
    terms = gradients.step_terms_figure(
        r.log10_step_whh, late_from=r.late_from,
        labels={"title": TEXT["fig_terms_title"], "x": TEXT["fig_x"], "y": TEXT["fig_terms_y"],
                "late": TEXT["fig_late"], "curve": TEXT["fig_term"],
                "hover": TEXT["fig_term_hover"]})
    return curve, terms


@memo.figure(max_entries=32)
def flow_figures(r: lesson_bptt.BpttLesson):
    """The unrolled diagram and the Jacobian beside its bound."""
    dia = diagrams.unrolled_figure(
        r.diagram_nodes, list(r.diagram_edges), r.diagram_steps,
        labels={"title": TEXT["dia_title"], "colorbar": TEXT["dia_colorbar"], "hover": TEXT["dia_hover"],
                "gap": TEXT["dia_gap"], "loss": TEXT["dia_loss"], "edge_loss": TEXT["dia_edge_loss"],
                "edge_rec": TEXT["dia_edge_rec"], "edge_x": TEXT["dia_edge_x"],
                "node_h": TEXT["dia_node_h"]})
    jac = None
    if r.jacobian_n is not None:
        jac = flow_fig.jacobian_bound_figure(
            r.jacobian_n, r.jacobian_log10, r.jacobian_bound,
            labels={"title": TEXT["fig_jac_title"], "x": TEXT["fig_jac_x"], "y": TEXT["fig_jac_y"],
                    "norm": TEXT["fig_jac_norm"], "bound": TEXT["fig_jac_bound"]})
    return dia, jac


@memo.figure(max_entries=32)
def state_figure(r: lesson_bptt.BpttLesson):
    """Heatmaps of h and of σ'(h*) over a shared time axis."""
    h = gradients.Panel(r.h_map, TEXT["fig_h_title"],
                        TEXT["fig_h_log_bar"] if r.h_map_log else TEXT["fig_h_bar"])
    dact = gradients.Panel(r.dact_map, TEXT["fig_d_title"], TEXT["fig_d_bar"], signed=False,
                           zmin=0.0, zmax=r.spectrum.gamma)
    return gradients.time_heatmaps([h, dact], r.map_steps, r.map_units,
                                   labels={"x": TEXT["fig_x"], "y": TEXT["fig_unit"],
                                           "hover": TEXT["fig_map_hover"]})


# ------------------------------------------------------------------------------ page
st.title(TEXT["title"])
st.markdown(TEXT["intro"])
s = ui.controls("bptt", CONTROLS, presets=PRESETS, text=TEXT, inactive=inactive)
st.sidebar.caption(TEXT["presets_help"])

with ui.guard():
    r = lesson(s.T, s.H, s.act, s.init, s.scale, s.by, s.xs, s.loss, s.seed, s.out)
fig_curve, fig_terms = gradient_figures(r)
fig_diagram, fig_jac = flow_figures(r)
fig_maps = state_figure(r)
last = r.n - 1

ui.equation(r"h_*^t = W_{hx}\,x^t + W_{hh}\,h^{t-1} + b_h,\qquad h^t = \sigma\!\left(h_*^t\right)")
if r.overflow_step is not None:
    st.warning(TEXT["overflow"].format(step=r.overflow_step, last=last))

sp = r.spectrum
c1, c2, c3, c4 = st.columns(4)
c1.metric(TEXT["m_rho"], f"{sp.rho:.3g}")
c2.metric(TEXT["m_sigma"], f"{sp.sigma_max:.3g}")
c3.metric(TEXT["m_gamma"], f"{sp.gamma:g}")
c4.metric(TEXT["m_rate"], f"{sp.rate:.3g}")
if r.loss_value is not None:
    ui.equation(r"o^t = \theta\!\left(W_{oh}\,h^t + b_o\right)")
    st.metric(TEXT["m_loss"], f"{r.loss_value:.4g}")

# 1 · the gradient norm against the step, with Pascanu's bound
st.header(TEXT["h_curve"])
st.markdown(TEXT[f"verdict_{r.verdict}"].format(ratio=numtext.ratio_text(r.exponent, lesson_bptt.VERDICT_DECADES), last=last))
st.markdown(TEXT["dact_line"].format(median=f"{r.dact_median:.2f}", share=f"{r.dact_saturated:.0%}"))
if r.loss == "all":
    st.caption(TEXT["all_note"])
st.markdown(TEXT["diagram_text"])
ui.plot(fig_diagram, key="fig_diagram")
ui.plot(fig_curve, key="fig_curve")
ui.equation(r"\delta^{k-1} = \frac{\partial C^t}{\partial h_*^{k-1}} = "
            r"\left(W_{hh}^{T}\,\delta^{k}\right) \odot \sigma'\!\left(h_*^{k-1}\right)")
ui.equation(r"\Bigl\lVert \frac{\partial C}{\partial h_k} \Bigr\rVert \;\le\; "
            r"\left(\lVert W_{hh} \rVert_2\, \gamma\right)^{T-1-k} \Bigl\lVert "
            r"\frac{\partial C}{\partial h_{T-1}}\Bigr\rVert,\qquad "
            r"\gamma = \sup_x \sigma'(x)")
st.markdown(TEXT["curve_text"])
if fig_jac is not None:
    st.subheader(TEXT["h_jac"])
    st.markdown(TEXT["jac_text"])
    if r.jacobian_span < r.n - 1:
        st.caption(TEXT["jac_span"].format(span=r.jacobian_span, H=s.H))
    ui.plot(fig_jac, key="fig_jac")

# 2 · each step's term of ∂C/∂W_hh
st.header(TEXT["h_terms"])
ui.plot(fig_terms, key="fig_terms")
if r.late_share is None:
    st.markdown(TEXT["late_none"])
else:
    st.markdown(TEXT["late_share"].format(k0=r.late_from, share=f"{r.late_share:.1%}", n=r.n))
ui.equation(r"\frac{\partial C^t}{\partial w_{ij}} = \sum_{k} h_j^{k-1}\,\delta_i^{k}")
st.markdown(TEXT["terms_text"])

# 3 · heatmaps of h and of σ'(h*)
st.header(TEXT["h_maps"])
shrunk = ([TEXT["maps_units"].format(ku=r.map_stride, H=s.H)] if r.map_stride > 1 else []) + (
    [TEXT["maps_block"].format(kt=r.map_block)] if r.map_block > 1 else [])
if shrunk:
    st.caption(" ".join(shrunk))
if r.h_map_log:
    st.caption(TEXT["h_log_note"].format(hmax=f"{r.h_abs_max:.3g}"))
d1, d2 = st.columns(2)
d1.metric(TEXT["m_dact"], f"{r.dact_median:.2f}", help=TEXT["m_dact_help"])
d2.metric(TEXT["m_saturated"], f"{r.dact_saturated:.0%}", help=TEXT["m_dact_help"])
ui.plot(fig_maps, key="fig_maps")
st.markdown(TEXT["maps_text"])
st.caption(TEXT["source"])
