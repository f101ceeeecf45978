"""rnnviz as a library: what it may import. A notebook must get the same numbers as the app
without Streamlit, so no module of rnnviz may import it (not even a lesson module that
nothing imports yet)."""

import subprocess
import sys
import textwrap

CHECK = textwrap.dedent("""
    import importlib, pkgutil, sys
    import rnnviz
    names = ["rnnviz"] + [m.name for m in pkgutil.walk_packages(rnnviz.__path__, "rnnviz.")]
    for name in names:
        importlib.import_module(name)
    bad = sorted(m for m in sys.modules if m == "streamlit" or m.startswith("streamlit."))
    print(len(names), ",".join(bad))
""")


def test_no_module_imports_streamlit():
    # a fresh interpreter: pytest's own process may have imported streamlit already
    out = subprocess.run([sys.executable, "-c", CHECK], capture_output=True, text=True,
                         timeout=300, check=True).stdout.split()
    n, bad = int(out[0]), out[1:]
    assert n > 20  # the walk found the whole package, not just its __init__
    assert not bad, f"rnnviz imports streamlit: {bad}"
