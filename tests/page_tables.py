"""A page's tables (TEXT, CONTROLS, PRESETS, …) without running the page.

Executes a page file's top-level statements up to its first bare expression after the
docstring (the page's first `st.…` call), so tests can check every preset against the
controls and the library without a Streamlit session.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

LESSON_PAGES = ("bptt", "powers", "gates", "lstm_variants", "gru_variants", "compare",
                "bidirectional", "truncated", "clipping", "training", "your_model")


def tables(page: str) -> SimpleNamespace:
    """The names a page defines before it draws anything: TEXT, CONTROLS, PRESETS, helpers."""
    path = ROOT / "pages" / f"{page}.py"
    tree = ast.parse(path.read_text(encoding="utf-8"))
    body = tree.body[1:] if tree.body and isinstance(tree.body[0], ast.Expr) else tree.body
    head = []
    for node in body:
        if isinstance(node, ast.Expr) and _calls_st(node.value):  # st.title(...): drawing starts
            break
        head.append(node)
    namespace: dict = {"__name__": f"pages.{page}_tables", "__file__": str(path)}
    exec(compile(ast.Module(body=head, type_ignores=[]), str(path), "exec"), namespace)
    return SimpleNamespace(**{k: v for k, v in namespace.items() if not k.startswith("__")})


def _calls_st(node: ast.AST) -> bool:
    """True for a call on `st` (st.title(...), st.sidebar.caption(...))."""
    if not isinstance(node, ast.Call):
        return False
    f = node.func
    while isinstance(f, ast.Attribute):
        f = f.value
    return isinstance(f, ast.Name) and f.id == "st"
