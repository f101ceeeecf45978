"""The deployment files agree with the app: Dockerfile pins and paths, config.toml keys.

No image is built here (no container engine on the test machines); the lead builds it
with `docker build -t rnnviz .` before a class.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _pins(path: Path) -> dict[str, str]:
    pins = {}
    for line in path.read_text().splitlines():
        m = re.match(r"^([A-Za-z0-9_.-]+)==([^\s#]+)", line.strip())
        if m:
            pins[m.group(1).lower()] = m.group(2)
    return pins


def test_dockerfile_installs_the_pinned_cpu_torch_and_runs_as_a_user():
    text = (ROOT / "Dockerfile").read_text()
    torch = _pins(ROOT / "requirements.txt")["torch"]
    assert f"--index-url https://download.pytorch.org/whl/cpu torch=={torch}" in text
    assert "pip install -r requirements.txt" in text
    assert re.search(r"^USER (?!root)\w+", text, re.M)
    assert "/_stcore/health" in text and "HEALTHCHECK" in text
    for path in ("app.py", "pages", "rnnviz", ".streamlit"):  # what `streamlit run` needs
        assert re.search(rf"^COPY {re.escape(path)} ", text, re.M), path
        assert (ROOT / path).exists()


def test_config_for_a_public_classroom():
    cfg = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert cfg["client"]["toolbarMode"] == "viewer"
    assert cfg["runner"]["postScriptGC"] is False
    # nginx passes Host on; the same-origin and XSRF checks must not be switched off
    assert cfg.get("server", {}).get("enableCORS", True) is True
    assert cfg.get("server", {}).get("enableXsrfProtection", True) is True


def test_two_malloc_arenas_where_the_app_is_deployed():
    """glibc's default arenas (up to 8 per core, one per script thread) kept ~250 MB over
    start-up after a 40-student class against ~100 MB with two (README, "Memory"): both
    ways of deploying set MALLOC_ARENA_MAX=2 for the app processes."""
    assert "MALLOC_ARENA_MAX=2" in (ROOT / "Dockerfile").read_text()
    assert 'MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"' in (ROOT / "deploy" / "cluster.sh").read_text()
