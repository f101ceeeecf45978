"""Lesson: gradient clipping by value vs by norm, and Pascanu's cliff.

Storyboard: controls → cached computation → figures → equations and explanation.
"""

import numpy as np
import streamlit as st

from pages import i18n, memo, ui
from rnnviz.measures import cliff
from rnnviz.measures.clipping import (clip_by_norm, clip_by_value, direction_change, heavy_tailed_gradient,
                             value_clip_report)
from rnnviz.figures import remedies

TEXT = {
    "title": "Gradient clipping",
    "intro": (
        "When a gradient explodes, one step can throw the weights far from where training "
        "was going. Clipping caps the step. There are two ways to do it: both keep the step "
        "pointing downhill, but only one keeps its direction."
    ),
    # controls
    "angle": "Direction of g (degrees)",
    "angle_help": "Angle of the 2-D gradient g, counter-clockwise from the first axis.",
    "norm": "Length ‖g‖",
    "theta": "Threshold θ",
    "lr": "Learning rate η (cliff)",
    "clip": "Clipping threshold on the cliff",
    "steps": "Gradient-descent steps",
    "w0": "Start w₀",
    "b0": "Start b₀",
    "view": "Cliff view",
    "view_contour": "contour map (2-D)",
    "view_surface": "surface (3-D, drag to turn)",
    "df": "Tails of the many-component gradient",
    "df_1": "Student t, ν = 1 (Cauchy): very heavy tails",
    "df_2": "Student t, ν = 2: heavy tails",
    "df_3": "Student t, ν = 3",
    "df_normal": "Gaussian: light tails",
    "gseed": "Random seed (many-component gradient)",
    # preset buttons sit two to a row in the sidebar: about 11 characters fit
    "preset_diagonal": "Diagonal",
    "preset_near_axis": "Near axis",
    "preset_small_lr": "Small steps",
    "preset_tight": "Tight clip",
    "presets_help": (
        "**Diagonal**: g at 45°, value-clipping does not turn it. **Near axis**: g at 10°, "
        "value-clipping turns it by 35°. **Small steps**: learning rate 0.1, 100 steps on the "
        "cliff. **Tight clip**: clipping at 0.1, 200 steps. Each preset sets every control."
    ),
    # part 1
    "h_two": "1 · Two ways to clip",
    "eq_by_value": "by value:",
    "eq_by_norm": "by norm:",
    "eq_if": "if ",
    "eq_turn": "direction change:",
    "two_text": (
        "**By value** clamps every component to [−θ, θ] separately. **By norm** (Pascanu, "
        "Mikolov & Bengio 2013, Algorithm 1) shrinks the whole vector to length θ when it is "
        "longer than θ. By norm keeps the direction of the step. By value keeps the sign of "
        "every component, so the clipped step still points downhill (⟨g, ĝ⟩ > 0, a turn "
        "below 90°), but it turns the step towards the diagonal of the box, unless g already "
        "points along an axis or exactly along a diagonal. Pascanu et al. (Section 3.2) found "
        "the two behave similarly in practice."
    ),
    "fig_clip_title": "g and its clipped versions",
    "fig_original": "gradient g",
    "fig_by_value": "clipped by value",
    "fig_by_norm": "clipped by norm",
    "fig_box": "box |gᵢ| ≤ θ",
    "fig_circle": "circle ‖g‖ = θ",
    "fig_sweep_title": "Turn caused by clipping",
    "fig_sweep_x": "direction of g (degrees)",
    "sweep_note": (
        "Every direction of g at the length ‖g‖ set in the sidebar; the dotted line marks "
        "the direction chosen there."
    ),
    "fig_sweep_y": "turn (degrees)",
    "m_norm": "‖g‖",
    "m_value_angle": "Turned by value-clipping",
    "m_norm_angle": "Turned by norm-clipping",
    "m_lengths": "Length after clipping: value / norm",
    # part 1b
    "h_many": "Many components",
    "many_text": (
        "A real gradient has thousands of components, and they are often heavy-tailed: a few "
        "are far larger than the rest. Here g has {D} components drawn from the distribution "
        "chosen in the sidebar, clipped by value at the same θ. Clipping the few large ones "
        "turns the step a long way, yet every sign is kept, so cos φ stays positive and the "
        "clipped step still descends. Clipping by norm would turn it by 0°."
    ),
    "m_many_angle": "Turned by value-clipping ({D} components)",
    "m_many_cos": "cos φ = ⟨g, ĝ⟩ / (‖g‖ ‖ĝ‖)",
    "m_many_clipped": "Components clipped",
    "m_many_shrink": "‖ĝ‖ / ‖g‖",
    # part 2
    "h_cliff": "2 · Pascanu's cliff",
    "cliff_text": (
        "A recurrent network with a single unit and no input, run for {T} steps. For most "
        "(w, b) the loss is flat, but where the map x ↦ w σ(x) + b gains a second fixed "
        "point, σ({x_T}) jumps from one branch to the other: the loss has a wall. A gradient "
        "step taken on the wall is huge and throws the weights onto a far plateau, where the "
        "gradient is nearly zero and learning stalls. Clipped by norm, the same step is short "
        "and the descent stays near the valley at the foot of the wall."
    ),
    "fig_cliff_title": "E(w, b) with gradient-descent paths from the same start",
    "fig_cliff_x": "w (recurrent weight)",
    "fig_cliff_y": "b (bias)",
    "fig_cliff_z": "loss E",
    "fig_outside": "{name} leaves the plot, ends at w = {w:.1f}, b = {b:.1f}",
    "path_plain": "no clipping",
    "path_clipped": "clipped by norm at {clip:g}",
    "m_jump_plain": "Largest step, no clipping",
    "m_jump_clipped": "Largest step, clipped",
    "m_E_plain": "Final E, no clipping",
    "m_E_clipped": "Final E, clipped",
    "m_gmax": "Largest ‖∇E‖ met",
    "takeaway": (
        "Clipping does not fix a vanishing gradient and does not find the valley for you: it "
        "only stops one exploding step from undoing many good ones. Both ways keep the step "
        "pointing downhill; clip by norm to keep its direction as well."
    ),
    "source": (
        "Pascanu, Mikolov & Bengio (2013), *On the difficulty of training recurrent neural "
        "networks*, ICML: Section 2.3, the geometrical interpretation (the cliff, Fig. 6), and "
        "Section 3.2, Algorithm 1 (clipping by norm)."
    ),
    # select-box options as the box shows them (the URL keeps the key)
    "opt_plot_contour": "contour map",
    "opt_plot_surface": "surface",
    "opt_df_1": "Student t, ν = 1 (Cauchy)",
    "opt_df_2": "Student t, ν = 2",
    "opt_df_3": "Student t, ν = 3",
    "opt_df_normal": "Gaussian",
}

TEXT_ZH = {
    "title": "梯度裁剪",
    "intro": (
        "梯度爆炸时，一步更新就可能把权重甩到离训练方向很远的地方。裁剪给这一步设了上限。"
        "裁剪有两种做法：两者都让这一步仍然朝下坡走，但只有一种能保持它的方向。"
    ),
    # controls
    "angle": "g 的方向（度）",
    "angle_help": "2 维梯度 g 的角度，从第一个坐标轴起逆时针量。",
    "norm": "长度 ‖g‖",
    "theta": "阈值 θ",
    "lr": "学习率 η（悬崖）",
    "clip": "悬崖上的裁剪阈值",
    "steps": "梯度下降步数",
    "w0": "起点 w₀",
    "b0": "起点 b₀",
    "view": "悬崖的画法",
    "view_contour": "等高线图（2 维）",
    "view_surface": "曲面（3 维，可拖动旋转）",
    "df": "多分量梯度的尾部",
    "df_1": "Student t 分布，ν = 1（Cauchy 分布）：尾部极重",
    "df_2": "Student t 分布，ν = 2：重尾",
    "df_3": "Student t 分布，ν = 3",
    "df_normal": "高斯分布：轻尾",
    "gseed": "随机种子（多分量梯度）",
    # 预设按钮在侧边栏里两个一行：大约放得下 6 个汉字
    "preset_diagonal": "对角方向",
    "preset_near_axis": "贴近坐标轴",
    "preset_small_lr": "小步长",
    "preset_tight": "严格裁剪",
    "presets_help": (
        "**对角方向**：g 在 45°，按值裁剪不会让它转向。**贴近坐标轴**：g 在 10°，按值裁剪让它"
        "转了 35°。**小步长**：学习率 0.1，在悬崖上走 100 步。**严格裁剪**：裁剪阈值 0.1，走 "
        "200 步。每个预设都会重设所有控件。"
    ),
    # part 1
    "h_two": "1 · 两种裁剪方式",
    "eq_by_value": "按值裁剪：",
    "eq_by_norm": "按范数裁剪：",
    "eq_if": "若 ",
    "eq_turn": "方向变化：",
    "two_text": (
        "**按值裁剪**把每个分量各自截到 [−θ, θ] 之内。**按范数裁剪**（Pascanu, Mikolov & "
        "Bengio 2013，算法 1）在向量长度超过 θ 时，把整个向量缩短到长度 θ。按范数裁剪保持更新"
        "的方向。按值裁剪保留每个分量的符号，所以裁剪后的更新仍然朝下坡（⟨g, ĝ⟩ > 0，转角小于 "
        "90°），但它会把更新转向方框的对角线，除非 g 本来就沿着某个坐标轴，或者恰好沿着对角线。"
        "Pascanu 等人（第 3.2 节）发现两者在实践中表现相近。"
    ),
    "fig_clip_title": "g 及其裁剪后的结果",
    "fig_original": "梯度 g",
    "fig_by_value": "按值裁剪",
    "fig_by_norm": "按范数裁剪",
    "fig_box": "方框 |gᵢ| ≤ θ",
    "fig_circle": "圆 ‖g‖ = θ",
    "fig_sweep_title": "裁剪造成的转角",
    "fig_sweep_x": "g 的方向（度）",
    "sweep_note": "长度固定为侧边栏设定的 ‖g‖，g 取遍所有方向；点线标出侧边栏选定的方向。",
    "fig_sweep_y": "转角（度）",
    "m_norm": "‖g‖",
    "m_value_angle": "按值裁剪的转角",
    "m_norm_angle": "按范数裁剪的转角",
    "m_lengths": "裁剪后的长度：按值 / 按范数",
    # part 1b
    "h_many": "多个分量",
    "many_text": (
        "真实的梯度有成千上万个分量，而且常常是重尾的：少数几个分量比其余的大得多。这里 g 有 "
        "{D} 个分量，从侧边栏选定的分布中抽取，用同一个 θ 按值裁剪。截掉那几个大分量，会让更新"
        "转过很大的角度；但每个分量的符号都保留着，所以 cos φ 仍为正，裁剪后的更新仍在下降。"
        "按范数裁剪的转角则是 0°。"
    ),
    "m_many_angle": "按值裁剪的转角（{D} 个分量）",
    "m_many_cos": "cos φ = ⟨g, ĝ⟩ / (‖g‖ ‖ĝ‖)",
    "m_many_clipped": "被裁剪的分量",
    "m_many_shrink": "‖ĝ‖ / ‖g‖",
    # part 2
    "h_cliff": "2 · Pascanu 的悬崖",
    "cliff_text": (
        "一个只有一个单元、没有输入的循环网络，运行 {T} 步。对大多数 (w, b)，损失都是平的；但在"
        "映射 x ↦ w σ(x) + b 多出第二个不动点的地方，σ({x_T}) 会从一支跳到另一支：损失曲面上"
        "出现了一堵墙。在墙上迈出的梯度步长极大，会把权重甩到远处的平台上，那里梯度几乎为零，"
        "学习停滞。按范数裁剪后，同样这一步就很短，下降过程留在墙脚下的山谷附近。"
    ),
    "fig_cliff_title": "E(w, b) 与从同一起点出发的梯度下降路径",
    "fig_cliff_x": "w（循环权重）",
    "fig_cliff_y": "b（偏置）",
    "fig_cliff_z": "损失 E",
    "fig_outside": "“{name}”的路径跑出了图外，终点在 w = {w:.1f}，b = {b:.1f}",
    "path_plain": "不裁剪",
    "path_clipped": "按范数裁剪，阈值 {clip:g}",
    "m_jump_plain": "最大步长（不裁剪）",
    "m_jump_clipped": "最大步长（裁剪）",
    "m_E_plain": "最终 E（不裁剪）",
    "m_E_clipped": "最终 E（裁剪）",
    "m_gmax": "遇到的最大 ‖∇E‖",
    "takeaway": (
        "裁剪治不了梯度消失，也不会替你找到山谷：它只是不让一次爆炸的更新毁掉之前许多次好的"
        "更新。两种做法都让更新朝下坡走；想同时保持方向，就按范数裁剪。"
    ),
    "source": (
        "Pascanu, Mikolov & Bengio (2013), *On the difficulty of training recurrent neural "
        "networks*, ICML：第 2.3 节，几何解释（悬崖，图 6）；第 3.2 节，算法 1（按范数裁剪）。"
    ),
    # 选择框里显示的选项名（链接里仍用英文键）
    "opt_plot_contour": "等高线图",
    "opt_plot_surface": "曲面",
    "opt_df_1": "t 分布，ν = 1（柯西分布）",
    "opt_df_2": "t 分布，ν = 2",
    "opt_df_3": "t 分布，ν = 3",
    "opt_df_normal": "高斯分布",
}
TEXT = i18n.pick(TEXT, TEXT_ZH)

CONTROLS = [
    ui.Control("angle", TEXT["angle"], "float", 20.0, min=0.0, max=360.0, step=1.0,
               help=TEXT["angle_help"]),
    ui.Control("norm", TEXT["norm"], "float", 3.0, min=0.1, max=10.0, step=0.1),
    ui.Control("theta", TEXT["theta"], "float", 1.0, min=0.1, max=5.0, step=0.1),
    ui.Control("lr", TEXT["lr"], "log", cliff.DEFAULT_LR, options=[0.05, 0.1, 0.2, 0.5, 1.0, 2.0]),
    ui.Control("clip", TEXT["clip"], "float", cliff.DEFAULT_CLIP, min=0.05, max=3.0, step=0.05),
    ui.Control("steps", TEXT["steps"], "int", cliff.DEFAULT_STEPS, min=1, max=200),
    ui.Control("w0", TEXT["w0"], "float", cliff.DEFAULT_START[0], min=cliff.W_RANGE[0],
               max=cliff.W_RANGE[1], step=0.05),
    ui.Control("b0", TEXT["b0"], "float", cliff.DEFAULT_START[1], min=cliff.B_RANGE[0],
               max=cliff.B_RANGE[1], step=0.05),
    ui.Control("plot", TEXT["view"], "select", "contour",
               options={"contour": TEXT["view_contour"], "surface": TEXT["view_surface"]}),
    ui.Control("df", TEXT["df"], "select", "2",
               options={k: TEXT[f"df_{k}"] for k in ("1", "2", "3", "normal")}),
    ui.Control("gseed", TEXT["gseed"], "seed", 0),
]
_BASE = {"angle": 20.0, "norm": 3.0, "theta": 1.0, "lr": cliff.DEFAULT_LR, "clip": cliff.DEFAULT_CLIP,
         "steps": cliff.DEFAULT_STEPS, "w0": cliff.DEFAULT_START[0], "b0": cliff.DEFAULT_START[1],
         "plot": "contour", "df": "2", "gseed": 0}  # the defaults: every preset sets every control
PRESETS = {
    "diagonal": {**_BASE, "angle": 45.0, "norm": 5.0},
    "near_axis": {**_BASE, "angle": 10.0, "norm": 8.0},
    "small_lr": {**_BASE, "lr": 0.1, "steps": 100},
    "tight": {**_BASE, "clip": 0.1, "steps": 200},
}
MANY = 1000  # components of the many-component gradient
DF = {"1": 1.0, "2": 2.0, "3": 3.0, "normal": float("inf")}
GRID = 161  # the cliff surface is GRID × GRID points


# ----------------------------------------------------------------- cached computations
def clip_vectors(angle: float, norm: float, theta: float):
    """g, g clipped by value, g clipped by norm, and the two direction changes (degrees)."""
    phi = np.radians(angle)
    g = norm * np.array([np.cos(phi), np.sin(phi)])
    by_value, by_norm = clip_by_value(g, theta), clip_by_norm(g, theta)
    return g, by_value, by_norm, direction_change(g, by_value), direction_change(g, by_norm)


@memo.data(max_entries=64)
def clip_2d(angle: float, norm: float, theta: float):
    return clip_vectors(angle, norm, theta)


@memo.data(max_entries=64)
def angle_sweep(norm: float, theta: float):
    """Direction change of value-clipping for g at every direction 0 … 360° (norm fixed)."""
    angles = np.linspace(0.0, 360.0, 361)
    turns = [clip_vectors(float(a), norm, theta)[3] for a in angles]
    return angles, np.array(turns)


@memo.data(max_entries=32)
def many_components(df: str, theta: float, seed: int) -> dict:
    """Clipping by value on a seeded heavy-tailed gradient of MANY components."""
    return value_clip_report(heavy_tailed_gradient(MANY, DF[df], seed), theta)


@memo.data(max_entries=2)
def cliff_surface(n: int):
    s = cliff.surface(cliff.W_RANGE, cliff.B_RANGE, n)
    return s.w_values, s.b_values, s.E


@memo.data(max_entries=32)
def cliff_paths(w0: float, b0: float, lr: float, steps: int, clip: float):
    """Unclipped and clipped descent from (w0, b0): points, E along each, max ‖∇E‖."""
    plain = cliff.descend((w0, b0), lr=lr, steps=steps)
    clipped = cliff.descend((w0, b0), lr=lr, steps=steps, clip=clip)
    return plain, clipped


def largest_step(points: np.ndarray) -> float:
    return float(np.linalg.norm(np.diff(points, axis=0), axis=1).max()) if len(points) > 1 else 0.0


# Figures are cached on the settings of the results they draw (memo.figure keys a memo.data
# result by the arguments that made it) and the language: a rerun with seen settings
# rebuilds nothing and the charts are sent unchanged.
@memo.figure(max_entries=64)
def clip_figure(clipped, theta: float):
    g, by_value, by_norm = clipped[:3]
    return remedies.clipping_figure(g, by_value, by_norm, theta, labels={
        "original": TEXT["fig_original"], "by_value": TEXT["fig_by_value"],
        "by_norm": TEXT["fig_by_norm"], "box": TEXT["fig_box"], "circle": TEXT["fig_circle"],
        "title": TEXT["fig_clip_title"],
    })


@memo.figure(max_entries=64)
def sweep_figure(sweep, angle: float):
    angles, turns = sweep
    return remedies.angle_sweep_figure(angles, turns, labels={
        "title": TEXT["fig_sweep_title"], "x": TEXT["fig_sweep_x"], "y": TEXT["fig_sweep_y"],
        "by_value": TEXT["fig_by_value"], "by_norm": TEXT["fig_by_norm"],
    }, marker=angle)


@memo.figure(max_entries=32)
def cliff_figure(surface, paths, clip: float, view: str):
    w_values, b_values, E = surface
    plain, clipped = paths
    names = (TEXT["path_plain"], TEXT["path_clipped"].format(clip=clip))
    return remedies.cliff_figure(
        w_values, b_values, E, [(names[0], plain.points), (names[1], clipped.points)],
        kind=view, trajectory_E=[plain.E, clipped.E],
        labels={"title": TEXT["fig_cliff_title"], "x": TEXT["fig_cliff_x"],
                "y": TEXT["fig_cliff_y"], "z": TEXT["fig_cliff_z"],
                "colorbar": TEXT["fig_cliff_z"], "outside": TEXT["fig_outside"]})


# ------------------------------------------------------------------------------ page
st.title(TEXT["title"])
st.markdown(TEXT["intro"])
s = ui.controls("clipping", CONTROLS, presets=PRESETS, text=TEXT)
st.sidebar.caption(TEXT["presets_help"])

st.header(TEXT["h_two"])
st.markdown(TEXT["two_text"])
ui.equation(r"\text{" + TEXT["eq_by_value"] + r"}\quad "
            r"\hat g_i = \max\bigl(-\theta,\ \min(\theta,\ g_i)\bigr)")
ui.equation(r"\text{" + TEXT["eq_by_norm"] + r"}\quad \text{" + TEXT["eq_if"] + r"} "
            r"\lVert g\rVert \ge \theta:\quad "
            r"\hat g = \theta\,\frac{g}{\lVert g\rVert}")
ui.equation(r"\text{" + TEXT["eq_turn"] + r"}\quad \cos\varphi = "
            r"\frac{\langle g, \hat g\rangle}{\lVert g\rVert\,\lVert \hat g\rVert}")

with ui.guard():
    clipped_2d = clip_2d(s.angle, s.norm, s.theta)
    g, by_value, by_norm, turn_value, turn_norm = clipped_2d
    sweep = angle_sweep(s.norm, s.theta)

c1, c2, c3 = st.columns(3)
c1.metric(TEXT["m_value_angle"], f"{turn_value:.1f}°")
c2.metric(TEXT["m_norm_angle"], f"{turn_norm:.1f}°")
c3.metric(TEXT["m_lengths"],
          f"{np.linalg.norm(by_value):.2f} / {np.linalg.norm(by_norm):.2f}")
left, right = st.columns(2)
with left:
    ui.plot(clip_figure(clipped_2d, s.theta), key="fig_clip")
with right:
    ui.plot(sweep_figure(sweep, s.angle), key="fig_sweep")
    st.caption(TEXT["sweep_note"])

st.subheader(TEXT["h_many"])
with ui.guard():
    many = many_components(s.df, s.theta, s.gseed)
m1, m2, m3, m4 = st.columns(4)
m1.metric(TEXT["m_many_angle"].format(D=f"{MANY:,}"), f"{many['angle']:.1f}°")
m2.metric(TEXT["m_many_cos"], f"{many['cos']:.3f}")
m3.metric(TEXT["m_many_clipped"], f"{many['clipped']:.1%}")
m4.metric(TEXT["m_many_shrink"], f"{many['shrink']:.3f}")
st.markdown(TEXT["many_text"].format(D=f"{MANY:,}"))

st.header(TEXT["h_cliff"])
# the network of rnnviz.cliff, with its own constants (steps, start, target)
T_, X0_, Y_ = cliff.T_DEFAULT, cliff.X0_DEFAULT, cliff.TARGET_DEFAULT
ui.equation(rf"x_t = w\,\sigma(x_{{t-1}}) + b,\qquad x_0 = {X0_:g},\qquad "
            rf"E = \bigl(\sigma(x_{{{T_}}}) - {Y_:g}\bigr)^2")
ui.equation(rf"\frac{{\partial E}}{{\partial w}} = \sum_{{t=1}}^{{{T_}}} \delta_t\,\sigma(x_{{t-1}}),\quad "
            rf"\frac{{\partial E}}{{\partial b}} = \sum_{{t=1}}^{{{T_}}} \delta_t,\quad "
            r"\delta_{t-1} = \delta_t\, w\, \sigma'(x_{t-1})")
st.markdown(TEXT["cliff_text"].format(T=T_, x_T="x" + str(T_).translate(str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉"))))

with ui.guard():
    surface = cliff_surface(GRID)
    paths = cliff_paths(s.w0, s.b0, s.lr, s.steps, s.clip)
plain, clipped = paths
c1, c2, c3, c4, c5 = st.columns(5)
c1.metric(TEXT["m_jump_plain"], f"{largest_step(plain.points):.2f}")
c2.metric(TEXT["m_jump_clipped"], f"{largest_step(clipped.points):.2f}")
c3.metric(TEXT["m_E_plain"], f"{plain.E[-1]:.4f}")
c4.metric(TEXT["m_E_clipped"], f"{clipped.E[-1]:.4f}")
c5.metric(TEXT["m_gmax"], f"{max(plain.grad_norm.max(initial=0), clipped.grad_norm.max(initial=0)):.3g}")
ui.plot(cliff_figure(surface, paths, s.clip, s.plot), key="fig_cliff")
st.info(TEXT["takeaway"])
st.caption(TEXT["source"])
