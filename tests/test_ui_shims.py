"""The framework's split (pages/schema.py, ui.py, st_shims.py, output.py) and its shims.

pages/st_shims.py is the one place that reaches into Streamlit's private internals. A
Streamlit upgrade that renames or re-signs one of them must fail here, by name, before a
class meets a page that no longer writes its URL or never runs through app.py.
"""

from __future__ import annotations

import ast
import dataclasses
import importlib
import inspect
import subprocess
import sys

import pytest

from tests.page_tables import ROOT

from pages import st_shims


def _lookup(module: str, path: str):
    """The object at module:path; a dataclass field (no class attribute) as its Field."""
    obj = importlib.import_module(module)
    parts = path.split(".")
    for i, name in enumerate(parts):
        if hasattr(obj, name):
            obj = getattr(obj, name)
            continue
        if i == len(parts) - 1 and dataclasses.is_dataclass(obj):
            fields = {f.name: f for f in dataclasses.fields(obj)}
            if name in fields:
                return fields[name]
        raise AttributeError(f"{module}.{'.'.join(parts[:i + 1])}")
    return obj


@pytest.mark.parametrize("module, path, params", st_shims.RELIES_ON,
                         ids=[f"{m.rsplit('.', 1)[-1]}.{p}" for m, p, _ in st_shims.RELIES_ON])
def test_every_private_streamlit_name_the_shims_use_exists(module, path, params):
    import streamlit

    try:
        obj = _lookup(module, path)
    except (ImportError, AttributeError) as exc:
        pytest.fail(f"Streamlit {streamlit.__version__} has no {module}:{path} ({exc}); "
                    f"pages/st_shims.py needs a new way to do what it says there.")
    if params:
        got = list(inspect.signature(obj).parameters)
        missing = [p for p in params if p not in got]
        assert not missing, (f"Streamlit {streamlit.__version__}: {path}{tuple(got)} lacks "
                             f"{missing}; pages/st_shims.py calls it with them.")


def test_the_shims_list_every_private_name_they_use():
    """RELIES_ON is complete: every `x._private` attribute and every streamlit import in
    st_shims.py appears in it (else the test above would check too little)."""
    tree = ast.parse((ROOT / "pages" / "st_shims.py").read_text(encoding="utf-8"))
    listed = {name for _, p, _ in st_shims.RELIES_ON for name in p.split(".")}
    listed_modules = {m for m, _, _ in st_shims.RELIES_ON}
    used, modules = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__"):
            used.add(node.attr)
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("streamlit."):
            modules.add(node.module)
            used.update(a.name for a in node.names)
    assert used <= listed, sorted(used - listed)
    assert modules <= listed_modules, sorted(modules - listed_modules)


def test_the_check_fails_on_a_name_streamlit_does_not_have():
    with pytest.raises(AttributeError):
        _lookup("streamlit.runtime.state.query_params", "QueryParams._no_such_thing")
    with pytest.raises(AttributeError):
        _lookup("streamlit.runtime.pages_manager", "PagesManager.no_such_flag")


def test_only_the_shims_reach_into_streamlit_internals():
    """No other framework module imports from streamlit.runtime (pages/i18n.py and
    teacher.py ask get_script_run_ctx whether a run is going on: listed in st_shims)."""
    allowed = {"st_shims.py", "i18n.py", "teacher.py"}
    offenders = []
    for path in sorted((ROOT / "pages").glob("*.py")):
        if path.name in allowed:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("streamlit.runtime"):
                offenders.append(f"{path.name}: {node.module}")
            if isinstance(node, ast.Attribute) and node.attr in (
                    "_initial_query_params", "_send_query_param_msg", "uses_pages_directory"):
                offenders.append(f"{path.name}: .{node.attr}")
    assert not offenders, offenders


def test_the_settings_schema_needs_no_streamlit():
    code = ("import sys; sys.path.insert(0, %r); import pages.schema as s; "
            "s.Control('T', 'T', 'int', 5, min=1, max=9); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'streamlit'))" % str(ROOT))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]", out.stdout


def test_pages_keep_importing_everything_from_ui():
    from pages import output, schema, ui

    for name in ("Control", "Relation", "Settings", "defaults", "check_presets", "apply_relations",
                 "read_url", "escape_md", "RESERVED", "SEED_MAX"):
        assert getattr(ui, name) is getattr(schema, name), name
    for name in ("plot", "equation", "guard", "show_error", "error_text"):
        assert getattr(ui, name) is getattr(output, name), name
