"""The table of lessons: it drives both the navigation (app.py) and the home page links.

Adding a lesson is one line here, in the section where it belongs. List only pages whose
file exists (tests/test_ui.py checks it). The first entry is the home page.
"""

from __future__ import annotations

from typing import NamedTuple

SECTIONS = ("Start", "Vanilla RNN", "Gated cells", "The family", "Remedies")


class Lesson(NamedTuple):
    section: str  # one of SECTIONS
    file: str  # path from the repository root
    title: str
    icon: str  # emoji or ":material/name:"
    teaser: str  # one line on the home page


LESSONS = [
    Lesson("Start", "pages/home.py", "Home", ":material/home:", "What this app shows."),
    Lesson("Vanilla RNN", "pages/bptt.py", "Backprop through time", ":material/replay:", "Watch the gradient vanish or explode as it travels back through T steps."),
    Lesson("Vanilla RNN", "pages/powers.py", "Powers of W_hh", ":material/superscript:", "Multiply W_hh by itself: entries and norms vanish or explode at the rate ρ sets, unless W_hh is non-normal (eigenvectors far from orthogonal)."),
    Lesson("Gated cells", "pages/gates.py", "LSTM and GRU gates", ":material/door_open:", "See the forget gate keep the gradient alive where a plain RNN loses it."),
    Lesson("Gated cells", "pages/lstm_variants.py", "LSTM variants", ":material/account_tree:", "1997, 2000, 2001, PyTorch and Keras: the same weights through each LSTM."),
    Lesson("Gated cells", "pages/gru_variants.py", "GRU variants", ":material/call_split:", "Reset before or after the matmul, and what the update gate does to the gradient."),
    Lesson("The family", "pages/compare.py", "Compare the family", ":material/compare_arrows:", "RNN, LSTM and GRU on the same input: how far back the gradient reaches, and at what cost."),
    Lesson("The family", "pages/your_model.py", "Your own model", ":material/upload_file:", "Upload a trained nn.RNN, nn.LSTM or nn.GRU and see its gradient flow and gates."),
    Lesson("The family", "pages/bidirectional.py", "Bidirectional RNN", ":material/swap_horiz:", "The gradient-flow map of a one-way and a two-way RNN: one sees only the past, the other both sides."),
    Lesson("Remedies", "pages/truncated.py", "Truncated vs full BPTT", ":material/short_text:", "Back-propagate only w steps: what the gradient loses and how far back a network can still learn."),
    Lesson("Remedies", "pages/clipping.py", "Gradient clipping", ":material/content_cut:", "Clip by value or by norm, and watch Pascanu's cliff."),
    Lesson("Remedies", "pages/training.py", "Training lab", ":material/model_training:", "Train RNN, LSTM and GRU live on the adding and copy tasks."),
]
