"""The table of lessons: it drives both the navigation (app.py) and the home page links.

Adding a lesson is one line here, in the section where it belongs, with its title and
teaser in both languages (English, then Simplified Chinese: tests/test_i18n.py checks
both are there and carry the same numbers). List only pages whose file exists
(tests/test_ui.py checks it). The first entry is the home page.
"""

from __future__ import annotations

from typing import NamedTuple

from pages import i18n

SECTIONS = ("Start", "Vanilla RNN", "Gated cells", "The family", "Remedies")
SECTIONS_ZH = {
    "Start": "开始",
    "Vanilla RNN": "原始 RNN",
    "Gated cells": "门控单元",
    "The family": "RNN 家族",
    "Remedies": "缓解方法",
}


class Lesson(NamedTuple):
    section: str  # one of SECTIONS
    file: str  # path from the repository root
    title: str
    icon: str  # emoji or ":material/name:"
    teaser: str  # one line on the home page
    title_zh: str = ""  # the same in Simplified Chinese ("" shows the English)
    teaser_zh: str = ""

    def shown_title(self) -> str:
        """The title in this run's language."""
        return (self.title_zh or self.title) if i18n.lang() == "zh" else self.title

    def shown_teaser(self) -> str:
        return (self.teaser_zh or self.teaser) if i18n.lang() == "zh" else self.teaser


def section_title(section: str) -> str:
    """A section's name in this run's language."""
    return SECTIONS_ZH.get(section, section) if i18n.lang() == "zh" else section


LESSONS = [
    Lesson("Start", "pages/home.py", "Home", ":material/home:", "What this app shows.",
           "首页", "这个应用讲什么。"),
    Lesson("Vanilla RNN", "pages/bptt.py", "Backprop through time", ":material/replay:",
           "Watch the gradient vanish or explode as it travels back through T steps.",
           "随时间反向传播（BPTT）",
           "看梯度沿时间反向传过 T 步时，怎样一路消失或爆炸。"),
    Lesson("Vanilla RNN", "pages/powers.py", "Powers of W_hh", ":material/superscript:",
           "Multiply W_hh by itself: entries and norms vanish or explode at the rate ρ sets, unless W_hh is non-normal (eigenvectors far from orthogonal).",
           "W_hh 的累乘",
           "把 W_hh 自乘多次：元素和范数按谱半径 ρ 定下的速率趋于 0 或趋于无穷，除非 W_hh 是非正规矩阵（特征向量远非正交）。"),
    Lesson("Gated cells", "pages/gates.py", "LSTM and GRU gates", ":material/door_open:",
           "See the forget gate keep the gradient alive where a plain RNN loses it.",
           "LSTM 与 GRU 的门",
           "普通 RNN 的梯度早已消失的地方，看遗忘门怎样让它保留下来。"),
    Lesson("Gated cells", "pages/lstm_variants.py", "LSTM variants", ":material/account_tree:",
           "1997, 2000, 2001, PyTorch and Keras: the same weights through each LSTM.",
           "LSTM 的变体",
           "1997、2000、2001 年的 LSTM，以及 PyTorch 与 Keras 的实现：同一组权重分别走一遍。"),
    Lesson("Gated cells", "pages/gru_variants.py", "GRU variants", ":material/call_split:",
           "Reset before or after the matmul, and what the update gate does to the gradient.",
           "GRU 的变体",
           "重置门放在矩阵乘法之前还是之后，以及更新门对梯度起什么作用。"),
    Lesson("The family", "pages/compare.py", "Compare the family", ":material/compare_arrows:",
           "RNN, LSTM and GRU on the same input: how far back the gradient reaches, and at what cost.",
           "RNN 家族对比",
           "RNN、LSTM 与 GRU 接收同一输入：梯度能往回传多远，代价又是多少。"),
    Lesson("The family", "pages/your_model.py", "Your own model", ":material/upload_file:",
           "Upload a trained nn.RNN, nn.LSTM or nn.GRU and see its gradient flow and gates.",
           "你自己的模型",
           "上传训练好的 nn.RNN、nn.LSTM 或 nn.GRU，查看它的梯度流和各个门。"),
    Lesson("The family", "pages/bidirectional.py", "Bidirectional RNN", ":material/swap_horiz:",
           "The gradient-flow map of a one-way and a two-way RNN: one sees only the past, the other both sides.",
           "双向 RNN",
           "单向 RNN 与双向 RNN 的梯度流图：前者只关注上文，后者同时关注上下文。"),
    Lesson("Remedies", "pages/truncated.py", "Truncated vs full BPTT", ":material/short_text:",
           "Back-propagate only w steps: what the gradient loses and how far back a network can still learn.",
           "截断 BPTT 与完整 BPTT",
           "只反向传播 w 步：梯度丢掉了什么，网络还能学到多远的依赖。"),
    Lesson("Remedies", "pages/clipping.py", "Gradient clipping", ":material/content_cut:",
           "Clip by value or by norm, and watch Pascanu's cliff.",
           "梯度裁剪",
           "按值裁剪或按范数裁剪，再看看 Pascanu 说的“悬崖”。"),
    Lesson("Remedies", "pages/training.py", "Training lab", ":material/model_training:",
           "Train RNN, LSTM and GRU live on the adding and copy tasks.",
           "训练实验",
           "在加法任务和复制任务上现场训练 RNN、LSTM 与 GRU。"),
]
