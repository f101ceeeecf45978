"""Lesson: the training lab — RNN, LSTM and GRU on long-memory tasks, trained live.

Storyboard: controls → cached start-of-training measure → live panel (read the run's
latest snapshot, draw loss and gradient norms) → equations and explanation.

Training never runs on the script thread: a run trains in a worker process of
``rnnviz.trainpool`` (a bounded pool per server, further runs wait in a visible queue), so
a student training does not slow the sliders of everyone else on the server. While a run
is on, ``st.fragment(run_every=…)`` reruns only the live panel, which just reads the
run's snapshot and draws it: a few tens of ms of CPU, so it redraws at a steady rate
however long a training step takes. A fragment run still taking longer than the interval
(a busy server: wall time, not CPU) would be cut short by the browser's next tick and
never draw, so the interval follows the panel's measured wall time (``redraw_interval``). The pool stops a run nobody has looked at for
``trainpool.STALE`` seconds, so closing the tab stops training.
"""

import time
import weakref

import numpy as np
import streamlit as st
import torch

from pages import i18n, memo, ui
from rnnviz import train
from rnnviz.train import pool as trainpool
from rnnviz.train import tasks
from rnnviz.figures import remedies

# The server computes the untrained model's measurements itself (cached): one thread
# keeps every page responsive (for these small models a second thread gains little).
torch.set_num_threads(1)

REDRAW = 1.0  # seconds between live-panel redraws while a run trains or waits, at least:
# each redraw costs the server ~0.1 s of CPU for its figures (3 trainers at 0.5 s: 40 %)
REDRAW_MAX = 5.0  # … and at most, however slow the server
REDRAW_MARGIN = 2.5  # interval ≥ this × the panel's wall time, so ticks never cut a run
DEFAULT = train.TrainConfig()  # the library's defaults, also the CLI's
BATCH = DEFAULT.batch
HISTORY = 3  # finished runs kept for comparison
EVAL_SIZE = trainpool.EVAL_SIZE  # held-out sequences per measurement (the CLI uses 4096)
STATE = "training.run"  # st.session_state keys
PAST = "training.past"
INTERVAL = "training.redraw"  # the live panel's run_every, seconds
TICK = "training.tick"  # [start time of the last panel run, did it finish]

TEXT = {
    "title": "Training lab",
    "intro": (
        "Two tasks that need a long memory, with the score of a model that has none. Train a "
        "plain RNN, an LSTM or a GRU here and watch whether the loss leaves the baseline — "
        "and how much gradient reaches the early time steps."
    ),
    # controls
    "task": "Task",
    "task_adding": "adding problem: sum the two marked numbers",
    "task_copy": "copy memory: repeat 10 symbols after a long gap",
    "cell": "Cell",
    "cell_rnn": "RNN with tanh",
    "cell_relu-rnn": "RNN with ReLU",
    "cell_lstm": "LSTM",
    "cell_gru": "GRU",
    "T": "Sequence length T (adding) / gap T (copy)",
    "hidden": "Hidden units H",
    "lr": "Learning rate (Adam)",
    "clip_on": "Clip the gradient by norm",
    "clip": "Clipping threshold θ",
    "max_steps": "Train for at most (steps)",
    "seed": "Random seed",
    "preset_lstm": "LSTM",
    "preset_rnn": "tanh RNN",
    # preset buttons sit two to a row in the sidebar: about 11 characters fit
    "preset_quick": "Quick T=20",
    "preset_copy": "Copy task",
    "preset_relu": "ReLU no clip",
    # buttons and status
    "start": "Start",
    "resume": "Resume",
    "stop": "Stop",
    "restart": "Restart",
    "clear": "Forget earlier runs",
    "progress": "Step {step} of {total} · {seconds:.1f} s of training",
    "status_ready": "Ready: press Start. Nothing trains until you do.",
    "status_running": "Training… the page stays usable; Stop at any time.",
    "status_queued": "Waiting for a free trainer: number {position} in the queue (this server "
                     "trains {slots} runs at a time).",
    "status_failed": "Training stopped unexpectedly ({error}). Press Restart to try again.",
    "status_died": "The training process ended unexpectedly (exit code {code}). Press Restart to try "
                   "again.",
    "status_stopped": "Stopped at step {step}. Resume, or change a setting to start afresh.",
    "status_done": "Finished: {step} steps.",
    "status_diverged": "The loss became infinite or NaN after {step} steps: the gradients exploded. "
                       "Turn on clipping or lower the learning rate.",
    "m_loss": "Held-out loss",
    "m_baseline": "Baseline (no memory)",
    "m_ratio": "Loss / baseline",
    "m_gnorm": "‖∇θL‖ last step",
    # figures
    "fig_loss_title": "Loss (mean of last {k} steps)",
    "fig_loss_x": "training step",
    "fig_loss_y_adding": "mean squared error",
    "fig_loss_y_copy": "cross-entropy (nats per step)",
    "fig_baseline_adding": "baseline 1/6: always answer 1",
    "fig_baseline_copy": "baseline {n}·ln {k}/(T+{extra}): no memory",
    "run_now": "this run: {cell}",
    "run_past": "earlier: {cell}, lr {lr:g}, {clip}",
    "clip_none": "no clipping",
    "clip_at": "clip {clip:g}",
    "fig_grad_title": "Gradient reaching each step t",
    "fig_grad_x": "time step t",
    "fig_grad_y": "log₁₀ ‖∂L/∂h_t‖",
    "grad_start": "before training",
    "grad_now": "now (step {step})",
    # explanation
    "h_tasks": "The tasks and their baselines",
    "adding_text": (
        "**Adding problem.** Each step shows a random number u_t ∈ [0, 1) and a marker; two "
        "steps are marked, one in each half of the sequence. After the last step the network "
        "must output the sum of the two marked numbers. Without memory the best it can do is "
        "answer the average sum, 1, whose squared error averages Var(u_a + u_b) = 2 · 1/12."
    ),
    "copy_text": (
        "**Copy memory** (Arjovsky, Shah & Bengio 2016). {n} symbols from an alphabet of {k}, "
        "then T − 1 blanks and a delimiter, then {n} more blanks: T + {extra} steps. The network "
        "must output blanks until the delimiter, then the {n} symbols in order. A network "
        "without memory outputs blanks and guesses each of the last {n} symbols: ln {k} nats "
        "on {n} of the T + {extra} steps."
    ),
    "h_grad": "Why the tanh RNN stays on the baseline",
    "grad_text": (
        "The loss is computed at the end, so the marked numbers reach it only through the "
        "chain of hidden states. The gradient that reaches step t is a product of T − t "
        "Jacobians; for the tanh RNN each factor shrinks it, and after 100 steps almost "
        "nothing is left of the first marked number. The LSTM's cell state carries the "
        "gradient through its forget gate — it starts near 0.5 and learns to open. The loss "
        "sits at t = T, on the right of the gradient curve; watch its left-hand end (t = 1, "
        "farthest from the loss) rise while the LSTM's loss drops: in the classic run from "
        "about 10⁻²⁰ before training to about 10⁻³ after 1,500 steps, while the right-hand "
        "end falls from about 1 to about 0.1."
    ),
    "classic": (
        "Classic result (seed 0, one CPU thread): adding problem, T = 100, H = 64, Adam "
        "5e-3, batch 64, clipping 1.0. The LSTM's loss sits on the baseline for about 930 "
        "steps, then falls within some 60 steps to below 0.01 (by step 1,000) and keeps "
        "creeping down: after 1,500 steps its held-out MSE is 0.0012, while the tanh RNN "
        "stays at 1/6. Try the presets *LSTM* and *tanh RNN* (both this setting); other seeds "
        "move the step where the LSTM takes off."
    ),
    "leave": "Leaving or closing the page stops training; a run is not kept between visits.",
    # select-box options as the box shows them (the URL keeps the key)
    "opt_task_adding": "adding problem",
    "opt_task_copy": "copy memory",
    "opt_cell_rnn": "RNN (tanh)",
    "opt_cell_relu-rnn": "RNN (ReLU)",
    "opt_cell_lstm": "LSTM",
    "opt_cell_gru": "GRU",
}

TEXT_ZH = {
    "title": "训练实验室",
    "intro": (
        "两个需要长期记忆的任务，并给出一个完全没有记忆的模型能得到的分数（基线）。在这里训练"
        "原始 RNN、LSTM 或 GRU，观察损失能否离开基线——以及有多少梯度能传回到最早的时间步。"
    ),
    # controls
    "task": "任务",
    "task_adding": "加法任务：把两个标记出的数相加",
    "task_copy": "复制任务：隔一段长间隔后复述 10 个符号",
    "cell": "单元类型",
    "cell_rnn": "tanh RNN",
    "cell_relu-rnn": "ReLU RNN",
    "cell_lstm": "LSTM",
    "cell_gru": "GRU",
    "T": "序列长度 T（加法任务）/ 间隔 T（复制任务）",
    "hidden": "隐藏单元数 H",
    "lr": "学习率（Adam）",
    "clip_on": "按范数做梯度裁剪",
    "clip": "裁剪阈值 θ",
    "max_steps": "最多训练步数",
    "seed": "随机种子",
    "preset_lstm": "LSTM",
    "preset_rnn": "tanh RNN",
    # preset buttons sit two to a row in the sidebar: about 6 Chinese characters fit
    "preset_quick": "快速 T=20",
    "preset_copy": "复制任务",
    "preset_relu": "ReLU 不裁剪",
    # buttons and status
    "start": "开始",
    "resume": "继续",
    "stop": "停止",
    "restart": "重新开始",
    "clear": "清除之前的训练记录",
    "progress": "第 {step} / {total} 步 · 已训练 {seconds:.1f} 秒",
    "status_ready": "准备就绪：请按“开始”。不按就不会训练。",
    "status_running": "正在训练……页面照常可用，随时可以停止。",
    "status_queued": "正在等待空闲的训练进程：你排在队列第 {position} 位（本服务器同时训练 "
                     "{slots} 个任务）。",
    "status_failed": "训练意外中止（{error}）。请按“重新开始”再试一次。",
    "status_died": "训练进程意外退出（退出码 {code}）。请按“重新开始”再试一次。",
    "status_stopped": "已在第 {step} 步停止。可以继续训练，或修改设置重新开始。",
    "status_done": "训练完成：共 {step} 步。",
    "status_diverged": "训练 {step} 步后损失变成了无穷大或 NaN：发生了梯度爆炸。"
                       "请打开梯度裁剪或调低学习率。",
    "m_loss": "验证集损失",
    "m_baseline": "基线（无记忆）",
    "m_ratio": "损失 / 基线",
    "m_gnorm": "‖∇θL‖（最后一步）",
    # figures
    "fig_loss_title": "损失（最近 {k} 步的平均）",
    "fig_loss_x": "训练步数",
    "fig_loss_y_adding": "均方误差",
    "fig_loss_y_copy": "交叉熵（每步，单位 nat）",
    "fig_baseline_adding": "基线 1/6：总是回答 1",
    "fig_baseline_copy": "基线 {n}·ln {k}/(T+{extra})：无记忆",
    "run_now": "本次训练：{cell}",
    "run_past": "之前：{cell}，学习率 {lr:g}，{clip}",
    "clip_none": "不裁剪",
    "clip_at": "裁剪 {clip:g}",
    "fig_grad_title": "传回到各时间步 t 的梯度",
    "fig_grad_x": "时间步 t",
    "fig_grad_y": "log₁₀ ‖∂L/∂h_t‖",
    "grad_start": "训练前",
    "grad_now": "现在（第 {step} 步）",
    # explanation
    "h_tasks": "两个任务及其基线",
    "adding_text": (
        "**加法任务。** 每个时间步给出一个随机数 u_t ∈ [0, 1) 和一个标记位；序列前后两半各有"
        "一个时间步被标记。读完最后一步后，网络要输出这两个被标记的数之和。没有记忆的网络最好"
        "也只能回答和的平均值 1，其平方误差的平均值为 Var(u_a + u_b) = 2 · 1/12。"
    ),
    "copy_text": (
        "**复制任务**（Arjovsky, Shah & Bengio 2016）。先给出从 {k} 个符号的字母表中取的 {n} 个"
        "符号，然后是 T − 1 个空白和一个分隔符，再是 {n} 个空白：共 T + {extra} 步。网络在分隔符"
        "出现之前要一直输出空白，之后按顺序输出那 {n} 个符号。没有记忆的网络只能输出空白，并对"
        "最后 {n} 个符号逐个瞎猜：在 T + {extra} 步中的 {n} 步上各损失 ln {k} nats。"
    ),
    "h_grad": "为什么 tanh RNN 停在基线上",
    "grad_text": (
        "损失在序列末尾才计算，所以被标记的数只能经由隐藏状态这条链影响损失。传回到时间步 t 的"
        "梯度是 T − t 个雅可比矩阵的乘积；对 tanh RNN，每乘一个因子梯度就缩小一些，100 步之后，"
        "第一个被标记的数几乎已经传不回梯度了——这就是梯度消失。LSTM 的细胞状态经由遗忘门传递"
        "梯度：遗忘门起初在 0.5 附近，随后学会打开。损失位于 t = T，在梯度曲线的右端；请看"
        "曲线左端（t = 1，离损失最远）在 LSTM 损失下降的同时升起：在经典设置下，它从训练前的"
        "约 10⁻²⁰ 升到 1,500 步后的约 10⁻³，而右端则从约 1 降到约 0.1。"
    ),
    "classic": (
        "经典结果（种子 0，单个 CPU 线程）：加法任务，T = 100，H = 64，Adam 学习率 5e-3，"
        "批大小 64，梯度裁剪 1.0。LSTM 的损失在基线上停留约 930 步，然后在大约 60 步之内降到 "
        "0.01 以下（第 1,000 步时），此后继续缓慢下降：1,500 步后它的验证集均方误差为 0.0012，"
        "而 tanh RNN 一直停在 1/6。试试预设 *LSTM* 和 *tanh RNN*（两者都是这个设置）；换一个"
        "种子，LSTM 开始起飞的步数会变。"
    ),
    "leave": "离开或关闭本页会停止训练；训练结果不会保留到下次访问。",
    # 选择框里显示的选项名（链接里仍用英文键）
    "opt_task_adding": "加法任务",
    "opt_task_copy": "复制记忆任务",
    "opt_cell_rnn": "RNN（tanh）",
    "opt_cell_relu-rnn": "RNN（ReLU）",
    "opt_cell_lstm": "LSTM",
    "opt_cell_gru": "GRU",
}
TEXT = i18n.pick(TEXT, TEXT_ZH)
# The copy task's numbers as rnnviz.tasks defines them: {n} symbols to remember from an
# alphabet of {k}, read over T + {extra} steps; the memoryless loss is n·ln k / (T + extra).
COPY = {"n": tasks.N_COPY, "k": tasks.N_DATA_SYMBOLS, "extra": 2 * tasks.N_COPY}

CELL_NAMES = {k: TEXT[f"cell_{k}"] for k in train.TORCH_CELLS}
CONTROLS = [
    ui.Control("task", TEXT["task"], "select", DEFAULT.task,
               options={"adding": TEXT["task_adding"], "copy": TEXT["task_copy"]}),
    ui.Control("cell", TEXT["cell"], "select", DEFAULT.cell, options=CELL_NAMES),
    ui.Control("T", TEXT["T"], "int", DEFAULT.seq_len, min=5, max=200, step=5),
    ui.Control("H", TEXT["hidden"], "int", DEFAULT.hidden, min=4, max=128, step=4, old_keys=("hidden",)),
    ui.Control("lr", TEXT["lr"], "log", DEFAULT.lr,
               options=[1e-4, 2e-4, 5e-4, 1e-3, 2e-3, 5e-3, 1e-2, 2e-2, 5e-2, 0.1]),
    ui.Control("clip_on", TEXT["clip_on"], "toggle", DEFAULT.clip is not None),
    ui.Control("clip", TEXT["clip"], "float", DEFAULT.clip, min=0.1, max=10.0, step=0.1),
    ui.Control("max_steps", TEXT["max_steps"], "int", train.STEPS, min=100, max=3000, step=100),
    ui.Control("seed", TEXT["seed"], "seed", DEFAULT.seed),
]
_CLASSIC = {c.key: c.default for c in CONTROLS if c.key != "cell"}  # the defaults: the classic run
PRESETS = {
    "lstm": {**_CLASSIC, "cell": "lstm"},
    "rnn": {**_CLASSIC, "cell": "rnn"},
    "quick": {**_CLASSIC, "cell": "lstm", "T": 20, "H": 32, "lr": 1e-2, "max_steps": 500},
    "copy": {"task": "copy", "cell": "lstm", "T": 20, "H": 64, "lr": 1e-2, "clip_on": True,
             "clip": 1.0, "max_steps": 2000, "seed": 0},
    "relu": {**_CLASSIC, "cell": "relu-rnn", "clip_on": False, "lr": 2e-2},
}


def config_of(s) -> train.TrainConfig:
    return train.TrainConfig(task=s.task, cell=s.cell, seq_len=s.T, hidden=s.H, lr=s.lr,
                             batch=BATCH, clip=s.clip if s.clip_on else None, seed=s.seed)


# ----------------------------------------------------------------- cached computations
@memo.data(max_entries=32)
def start_measure(config: train.TrainConfig) -> tuple[float, np.ndarray, float]:
    """Held-out loss and ‖∂L/∂h_t‖ of the untrained model (fixed by the settings, the seed
    included; shown until the worker's first measurement arrives), and the baseline."""
    trainer = train.Trainer(config)
    return trainer.evaluate(EVAL_SIZE), trainer.grad_norms(), trainer.baseline


# ------------------------------------------------------------------------ run state
def pool() -> trainpool.Pool:
    return trainpool.shared()


class Run:
    """One training run of this session: its settings and its id in the pool (None until
    Start). Everything trained lives in the pool; the page reads ``view()``."""

    def __init__(self, settings):
        self.settings = settings
        self.config = config_of(settings)
        self.rid: int | None = None
        self.shown_active = False  # what the last full page run drew (buttons, timer)

    def start(self) -> None:
        if self.rid is None:
            self.rid = pool().submit(self.config, self.settings.max_steps)
            # the session's state goes away with the session: so does the run
            weakref.finalize(self, pool().forget, self.rid)
        else:
            pool().resume(self.rid)

    def view(self) -> trainpool.RunView:
        if self.rid is None:
            return IDLE
        return pool().view(self.rid)


IDLE = trainpool.RunView(trainpool.STOPPED, 0, 0, (), None, 0.0, -1, None, None)


def finished(view: trainpool.RunView, cap: int) -> bool:
    return view.status in (trainpool.DONE, trainpool.DIVERGED) or view.steps >= cap


def current_run(s) -> Run:
    """The session's run for settings s; new settings start a new run (the old is kept)."""
    run = st.session_state.get(STATE)
    if run is not None and run.settings == s and run.view().status != trainpool.GONE:
        return run
    if run is not None:
        old = run.view()
        if old.steps > 0:
            past = st.session_state.setdefault(PAST, [])
            past.insert(0, (run.config, list(old.losses)))
            del past[HISTORY:]
        if run.rid is not None:
            pool().forget(run.rid)
    run = Run(s)
    st.session_state[STATE] = run
    return run


def start() -> None:
    run = st.session_state.get(STATE)
    if run is not None:
        run.start()


def stop() -> None:
    run = st.session_state.get(STATE)
    if run is not None and run.rid is not None:
        pool().stop(run.rid)


def restart() -> None:
    run = st.session_state.get(STATE)
    if run is not None:
        if run.rid is not None:
            pool().forget(run.rid)
        st.session_state[STATE] = Run(run.settings)


def forget_past() -> None:
    st.session_state[PAST] = []


def redraw_interval(started: float, finished: bool, previous: dict | None) -> float | None:
    """A new run_every for the live panel, or None to keep the current one.

    `finished`: whether the panel run that started at `started` (time.monotonic()) drew
    to the end; `previous`: the run before it ({"at", "done"}) — not done means the
    browser's tick cut it short. Longer when a run is cut or takes more than 1/REDRAW_MARGIN
    of the interval, shorter (down to REDRAW) when runs take far less.
    """
    interval = st.session_state.get(INTERVAL, REDRAW)
    if previous is not None and not previous["done"]:
        return min(REDRAW_MAX, interval * 2) if interval < REDRAW_MAX else None
    if not finished:
        return None
    cost = time.monotonic() - started
    want = min(REDRAW_MAX, max(REDRAW, REDRAW_MARGIN * cost))
    if want > interval or (want < interval / 2 and interval > REDRAW):
        return round(want, 2)
    return None


def clip_text(config: train.TrainConfig) -> str:
    return TEXT["clip_none"] if config.clip is None else TEXT["clip_at"].format(clip=config.clip)


# ------------------------------------------------------------------------------ page
st.title(TEXT["title"])
st.markdown(TEXT["intro"])
s = ui.controls("training", CONTROLS, presets=PRESETS, text=TEXT,
                inactive=lambda v: set() if v["clip_on"] else {"clip"})
with ui.guard():
    run = current_run(s)
    held_out_start, norms_start, baseline = start_measure(run.config)

view = run.view()
run.shown_active = view.active
cap = run.settings.max_steps
b1, b2, b3, b4 = st.columns(4)
b1.button(TEXT["resume"] if view.steps else TEXT["start"], key="start", type="primary",
          on_click=start, disabled=view.active or finished(view, cap), width="stretch")
b2.button(TEXT["stop"], key="stop", on_click=stop, disabled=not view.active, width="stretch")
b3.button(TEXT["restart"], key="restart", on_click=restart,
          disabled=view.steps == 0 and view.status != trainpool.FAILED, width="stretch")
b4.button(TEXT["clear"], key="clear", on_click=forget_past,
          disabled=not st.session_state.get(PAST), width="stretch")


@st.fragment(run_every=st.session_state.get(INTERVAL, REDRAW) if view.active else None)
def live_panel() -> None:
    """Read the run's latest snapshot and draw progress, metrics, loss and gradient norms.
    Nothing is trained here: a redraw costs the same however long a training step takes."""
    started = time.monotonic()
    previous = st.session_state.get(TICK)
    full_run = previous is None  # part of a run of the whole page (see below the panel)
    tick = st.session_state[TICK] = {"at": started, "done": False}
    run = st.session_state[STATE]
    view = run.view()  # one consistent snapshot
    adapt = view.active and run.shown_active and not full_run
    if adapt:
        new = redraw_interval(started, False, previous)
        if new is not None:  # the last panel run was cut short by the next tick
            st.session_state[INTERVAL] = new
            st.rerun(scope="app")  # run_every changes with a run of the whole page
    if run.shown_active and not view.active:
        st.rerun(scope="app")  # the run ended: redraw the buttons and stop the timer
    step = view.steps
    st.progress(min(step / cap, 1.0), text=TEXT["progress"].format(step=step, total=cap,
                                                                   seconds=view.seconds))
    if view.status == trainpool.DIVERGED:
        st.warning(TEXT["status_diverged"].format(step=step))
    elif view.status == trainpool.FAILED and view.exit_code is not None:
        st.warning(TEXT["status_died"].format(code=view.exit_code))
    elif view.status == trainpool.FAILED:  # the error's own words: a type and a message
        st.warning(TEXT["status_failed"].format(error=ui.escape_md(view.error, 200)))
    elif view.status == trainpool.QUEUED:
        st.caption(TEXT["status_queued"].format(position=view.queue_position,
                                                slots=pool().n_workers * pool().runs_per_worker))
    elif view.status == trainpool.RUNNING:
        st.caption(TEXT["status_running"])
    elif step >= cap:
        st.success(TEXT["status_done"].format(step=step))
    elif step:
        st.caption(TEXT["status_stopped"].format(step=step))
    else:
        st.caption(TEXT["status_ready"])

    measured = view.measured_step >= 0
    held_out = view.held_out if measured else held_out_start
    c1, c2, c3, c4 = st.columns(4)
    c1.metric(TEXT["m_loss"], f"{held_out:.4f}")
    c2.metric(TEXT["m_baseline"], f"{baseline:.4f}")
    c3.metric(TEXT["m_ratio"], f"{held_out / baseline:.3f}")
    c4.metric(TEXT["m_gnorm"], f"{view.last_grad_norm:.3g}" if step else "—")

    task = run.config.task
    smooth = 20
    curves = {TEXT["run_now"].format(cell=CELL_NAMES[run.config.cell]): list(view.losses)}
    for config, losses in st.session_state.get(PAST, []):
        if (config.task, config.seq_len) == (task, run.config.seq_len):  # same baseline
            label = TEXT["run_past"].format(cell=CELL_NAMES[config.cell], lr=config.lr,
                                            clip=clip_text(config))
            curves.setdefault(label, losses)
    left, right = st.columns(2)
    with left:
        ui.plot(remedies.loss_figure(curves, baseline, smooth=smooth, x_max=cap, labels={
            "title": TEXT["fig_loss_title"].format(k=smooth), "x": TEXT["fig_loss_x"],
            "y": TEXT[f"fig_loss_y_{task}"], "baseline": TEXT[f"fig_baseline_{task}"].format(**COPY),
        }), key="fig_loss")
    with right:
        grads = {TEXT["grad_start"]: norms_start}
        if measured and view.measured_step > 0:
            grads[TEXT["grad_now"].format(step=view.measured_step)] = np.asarray(view.grad_norms)
        ui.plot(remedies.grad_norm_figure(grads, labels={
            "title": TEXT["fig_grad_title"], "x": TEXT["fig_grad_x"], "y": TEXT["fig_grad_y"],
        }), key="fig_grad")
    tick["done"] = True
    if adapt:
        new = redraw_interval(started, True, None)
        if new is not None:
            st.session_state[INTERVAL] = new
            st.rerun(scope="app")


st.session_state[TICK] = None  # a run of the whole page: no panel run was cut short
with ui.guard():
    live_panel()

st.caption(TEXT["leave"])
st.info(TEXT["classic"])
st.header(TEXT["h_tasks"])
st.markdown(TEXT["adding_text"])
ui.equation(r"y = u_a + u_b,\qquad \mathbb{E}\bigl[(u_a + u_b - 1)^2\bigr] = "
            r"\operatorname{Var}(u_a) + \operatorname{Var}(u_b) = \tfrac{1}{12} + \tfrac{1}{12} "
            r"= \tfrac{1}{6}")
st.markdown(TEXT["copy_text"].format(**COPY))
ui.equation(rf"L_{{\text{{memoryless}}}} = \frac{{{COPY['n']} \ln {COPY['k']}}}{{T + {COPY['extra']}}}")
st.header(TEXT["h_grad"])
ui.equation(r"\frac{\partial L}{\partial h_t} = \frac{\partial L}{\partial h_T}"
            r"\prod_{k=t+1}^{T} \frac{\partial h_k}{\partial h_{k-1}},\qquad "
            r"\text{tanh RNN: } \frac{\partial h_k}{\partial h_{k-1}} = "
            r"\operatorname{diag}\bigl(1 - h_k^2\bigr)\, W_{hh}")
ui.equation(r"\text{LSTM: } c_t = f_t \odot c_{t-1} + i_t \odot g_t,\qquad "
            r"\frac{\partial c_t}{\partial c_{t-1}} \ni \operatorname{diag}(f_t)")
st.markdown(TEXT["grad_text"])
