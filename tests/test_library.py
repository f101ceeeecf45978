"""rnnviz as a library: what it may import. A notebook must get the same numbers as the app
without Streamlit, so no module of rnnviz may import it (not even a lesson module that
nothing imports yet)."""

import subprocess
import sys
import textwrap

CHECK = textwrap.dedent("""
    import importlib, pkgutil, sys
    import rnnviz
    names = ["rnnviz"] + [m.name for m in pkgutil.walk_packages(rnnviz.__path__, "rnnviz.")
                          if not m.name.endswith(".__main__")]  # a command line runs on import
    for name in names:
        importlib.import_module(name)
    bad = sorted(m for m in sys.modules if m == "streamlit" or m.startswith("streamlit."))
    print(len(names), ",".join(bad))
""")


def test_no_module_imports_streamlit():
    # a fresh interpreter: pytest's own process may have imported streamlit already
    out = subprocess.run([sys.executable, "-c", CHECK], capture_output=True, text=True,
                         timeout=300, check=True).stdout.splitlines()[-1].split()
    n, bad = int(out[0]), out[1:]
    assert n > 20  # the walk found the whole package, not just its __init__
    assert not bad, f"rnnviz imports streamlit: {bad}"


def _imports(path):
    """The modules a file imports, relative imports resolved against rnnviz's tree."""
    import ast
    from pathlib import Path

    pkg = list(path.relative_to(Path(rnnviz_root()).parent).with_suffix("").parts)[:-1]
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = pkg[: len(pkg) - node.level + 1] if node.level else []
            mod = ".".join(base + ([node.module] if node.module else []))
            out += [mod] + [f"{mod}.{a.name}" for a in node.names]
    return out


def rnnviz_root():
    import rnnviz

    return rnnviz.__path__[0]


def test_computation_does_not_import_the_figure_layer():
    """The lessons compute and the figure builders draw: nothing outside rnnviz/figures
    imports from it (a lesson that needs a figure helper for its numbers moves it down)."""
    from pathlib import Path

    root = Path(rnnviz_root())
    bad = {}
    for path in root.rglob("*.py"):
        if "figures" in path.relative_to(root).parts:
            continue
        hits = [m for m in _imports(path) if m == "rnnviz.figures" or m.startswith("rnnviz.figures.")]
        if hits:
            bad[str(path.relative_to(root))] = hits
    assert not bad
