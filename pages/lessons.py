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
    # Lesson("Vanilla RNN", "pages/bptt.py", "Backprop through time", ":material/replay:", "..."),
]
