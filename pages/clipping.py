"""Lesson: gradient clipping by value vs by norm, and Pascanu's cliff.

Storyboard: controls → cached computation → figures → equations and explanation.
"""

import numpy as np
import streamlit as st

from pages import ui
from rnnviz import cliff
from rnnviz.clipping import clip_by_norm, clip_by_value, direction_change
from rnnviz.figures import remedies

TEXT = {
    "title": "Gradient clipping",
    "intro": (
        "When a gradient explodes, one step can throw the weights far from where training "
        "was going. Clipping caps the step. There are two ways to do it, and they are not "
        "equally harmless."
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
    "preset_diagonal": "45° gradient",
    "preset_near_axis": "Near an axis",
    "preset_small_lr": "Small steps",
    "preset_tight": "Tight clip",
    # part 1
    "h_two": "1 · Two ways to clip",
    "two_text": (
        "**By value** clamps every component to [−θ, θ] separately. **By norm** (Pascanu, "
        "Mikolov & Bengio 2013, Algorithm 1) shrinks the whole vector to length θ when it is "
        "longer than θ. By norm keeps the direction of the step; by value turns it towards the "
        "diagonal of the box, unless g already points along an axis or exactly along a "
        "diagonal."
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
    # part 2
    "h_cliff": "2 · Pascanu's cliff",
    "cliff_text": (
        "A recurrent network with a single unit and no input, run for 50 steps. For most "
        "(w, b) the loss is flat, but where the map x ↦ w σ(x) + b gains a second fixed "
        "point, σ(x₅₀) jumps from one branch to the other: the loss has a wall. A gradient "
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
        "only stops one exploding step from undoing many good ones. Clip by norm so the step "
        "still points downhill."
    ),
    "source": (
        "Pascanu, Mikolov & Bengio (2013), *On the difficulty of training recurrent neural "
        "networks*, ICML: Section 3 (the cliff, Fig. 6) and Algorithm 1 (clipping by norm)."
    ),
}

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
    ui.Control("view", TEXT["view"], "select", "contour",
               options={"contour": TEXT["view_contour"], "surface": TEXT["view_surface"]}),
]
PRESETS = {
    "diagonal": {"angle": 45.0, "norm": 5.0},
    "near_axis": {"angle": 10.0, "norm": 8.0, "theta": 1.0},
    "small_lr": {"lr": 0.1, "steps": 100},
    "tight": {"clip": 0.1, "steps": 200},
}
GRID = 161  # the cliff surface is GRID × GRID points


# ----------------------------------------------------------------- cached computations
@st.cache_data(max_entries=64)
def clip_2d(angle: float, norm: float, theta: float):
    """g, g clipped by value, g clipped by norm, and the two direction changes (degrees)."""
    phi = np.radians(angle)
    g = norm * np.array([np.cos(phi), np.sin(phi)])
    by_value, by_norm = clip_by_value(g, theta), clip_by_norm(g, theta)
    return g, by_value, by_norm, direction_change(g, by_value), direction_change(g, by_norm)


@st.cache_data(max_entries=64)
def angle_sweep(norm: float, theta: float):
    """Direction change of value-clipping for g at every direction 0 … 360° (norm fixed)."""
    angles = np.linspace(0.0, 360.0, 361)
    turns = [clip_2d(float(a), norm, theta)[3] for a in angles]
    return angles, np.array(turns)


@st.cache_data(max_entries=2)
def cliff_surface(n: int):
    s = cliff.surface(cliff.W_RANGE, cliff.B_RANGE, n)
    return s.w_values, s.b_values, s.E


@st.cache_data(max_entries=32)
def cliff_paths(w0: float, b0: float, lr: float, steps: int, clip: float):
    """Unclipped and clipped descent from (w0, b0): points, E along each, max ‖∇E‖."""
    plain = cliff.descend((w0, b0), lr=lr, steps=steps)
    clipped = cliff.descend((w0, b0), lr=lr, steps=steps, clip=clip)
    return plain, clipped


def largest_step(points: np.ndarray) -> float:
    return float(np.linalg.norm(np.diff(points, axis=0), axis=1).max()) if len(points) > 1 else 0.0


# ------------------------------------------------------------------------------ page
st.title(TEXT["title"])
st.markdown(TEXT["intro"])
s = ui.controls("clipping", CONTROLS, presets=PRESETS, text=TEXT)

st.header(TEXT["h_two"])
st.markdown(TEXT["two_text"])
ui.equation(r"\text{by value:}\quad \hat g_i = \max\bigl(-\theta,\ \min(\theta,\ g_i)\bigr)")
ui.equation(r"\text{by norm:}\quad \text{if } \lVert g\rVert \ge \theta:\quad "
            r"\hat g = \theta\,\frac{g}{\lVert g\rVert}")
ui.equation(r"\text{direction change:}\quad \cos\varphi = "
            r"\frac{\langle g, \hat g\rangle}{\lVert g\rVert\,\lVert \hat g\rVert}")

with ui.guard():
    g, by_value, by_norm, turn_value, turn_norm = clip_2d(s.angle, s.norm, s.theta)
    angles, turns = angle_sweep(s.norm, s.theta)

c1, c2, c3 = st.columns(3)
c1.metric(TEXT["m_value_angle"], f"{turn_value:.1f}°")
c2.metric(TEXT["m_norm_angle"], f"{turn_norm:.1f}°")
c3.metric(TEXT["m_lengths"],
          f"{np.linalg.norm(by_value):.2f} / {np.linalg.norm(by_norm):.2f}")
left, right = st.columns(2)
with left:
    ui.plot(remedies.clipping_figure(g, by_value, by_norm, s.theta, labels={
        "original": TEXT["fig_original"], "by_value": TEXT["fig_by_value"],
        "by_norm": TEXT["fig_by_norm"], "box": TEXT["fig_box"], "circle": TEXT["fig_circle"],
        "title": TEXT["fig_clip_title"],
    }), key="fig_clip")
with right:
    ui.plot(remedies.angle_sweep_figure(angles, turns, labels={
        "title": TEXT["fig_sweep_title"], "x": TEXT["fig_sweep_x"], "y": TEXT["fig_sweep_y"],
        "by_value": TEXT["fig_by_value"], "by_norm": TEXT["fig_by_norm"],
    }, marker=s.angle), key="fig_sweep")
    st.caption(TEXT["sweep_note"])

st.header(TEXT["h_cliff"])
ui.equation(r"x_t = w\,\sigma(x_{t-1}) + b,\qquad x_0 = 0.5,\qquad "
            r"E = \bigl(\sigma(x_{50}) - 0.7\bigr)^2")
ui.equation(r"\frac{\partial E}{\partial w} = \sum_{t=1}^{50} \delta_t\,\sigma(x_{t-1}),\quad "
            r"\frac{\partial E}{\partial b} = \sum_{t=1}^{50} \delta_t,\quad "
            r"\delta_{t-1} = \delta_t\, w\, \sigma'(x_{t-1})")
st.markdown(TEXT["cliff_text"])

with ui.guard():
    w_values, b_values, E = cliff_surface(GRID)
    plain, clipped = cliff_paths(s.w0, s.b0, s.lr, s.steps, s.clip)

names = (TEXT["path_plain"], TEXT["path_clipped"].format(clip=s.clip))
c1, c2, c3, c4, c5 = st.columns(5)
c1.metric(TEXT["m_jump_plain"], f"{largest_step(plain.points):.2f}")
c2.metric(TEXT["m_jump_clipped"], f"{largest_step(clipped.points):.2f}")
c3.metric(TEXT["m_E_plain"], f"{plain.E[-1]:.4f}")
c4.metric(TEXT["m_E_clipped"], f"{clipped.E[-1]:.4f}")
c5.metric(TEXT["m_gmax"], f"{max(plain.grad_norm.max(initial=0), clipped.grad_norm.max(initial=0)):.3g}")
ui.plot(remedies.cliff_figure(
    w_values, b_values, E, [(names[0], plain.points), (names[1], clipped.points)],
    kind=s.view, trajectory_E=[plain.E, clipped.E],
    labels={"title": TEXT["fig_cliff_title"], "x": TEXT["fig_cliff_x"], "y": TEXT["fig_cliff_y"],
            "z": TEXT["fig_cliff_z"], "colorbar": TEXT["fig_cliff_z"], "outside": TEXT["fig_outside"]},
), key="fig_cliff")
st.info(TEXT["takeaway"])
st.caption(TEXT["source"])
