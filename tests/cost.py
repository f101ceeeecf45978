"""What a link costs the server: CPU seconds of a cold run of each page at its largest settings.

    OPENBLAS_NUM_THREADS=1 python -m tests.cost [--pages powers,bptt] [--all] [--json FILE]

For every lesson page (pages/*.py that draws ui.controls) the page's own table is read
(its CONTROLS and PRESETS, caught as the page passes them to ``ui.controls``), and the
page is run with Streamlit's AppTest at:
  - "max": every int, float and log control at its maximum (selects and toggles default),
  - "max" with each other option of each select, and with each toggle flipped, one at a
    time,
  - each preset.
Each run is cold: Streamlit's caches are cleared and the seed is one this process has not
used, so nothing is reused from an earlier run. The CPU time of this process (every
thread: AppTest runs the script on its own) is measured around the run; the warm rerun
of the same settings is measured too. Prints one row per page with its costliest link
(all rows with --all), and flags any run that showed an exception or an error.

The budget (issue 9): no link may cost more than BUDGET_S of CPU. The numbers are CPU
seconds on the machine that runs this; they vary with load, so compare runs made side by
side. Torch pages pay torch's import once per process; a first "warm-up" run of each page
keeps that out of the table.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from tests.apptest_util import ROOT, page_app  # noqa: E402  (sets sys.path for pages/)

BUDGET_S = 2.0
TIMEOUT_S = 900.0  # AppTest's limit per run: an old costly link took minutes of wall time
SKIP = {"ui.py", "lessons.py", "__init__.py", "home.py"}
_SEEDS = iter(range(1_000_003, 2**31 - 1, 7919))  # never a seed a page uses by default


def lesson_pages() -> list[str]:
    return sorted(p.name for p in (ROOT / "pages").glob("*.py")
                  if p.name not in SKIP and "ui.controls(" in p.read_text())


def read_table(page: str) -> tuple[list, dict]:
    """(CONTROLS, PRESETS) of a page, caught as the page hands them to ui.controls."""
    from pages import ui

    caught: dict[str, Any] = {}
    original = ui.controls

    def spy(page_id, spec, *args, **kwargs):
        presets = kwargs.get("presets", args[0] if args else None)
        caught["spec"], caught["presets"] = list(spec), dict(presets or {})
        return original(page_id, spec, *args, **kwargs)

    ui.controls = spy
    try:
        page_app(f"pages/{page}").run(timeout=TIMEOUT_S)
    finally:
        ui.controls = original
    if "spec" not in caught:
        raise RuntimeError(f"pages/{page} did not call ui.controls")
    return caught["spec"], caught["presets"]


def largest(c) -> Any:
    if c.kind in ("int", "float"):
        return c.max
    if c.kind == "log":
        return max(c.option_keys)
    return c.default


def candidates(spec, presets) -> list[tuple[str, dict]]:
    """(label, {key: value}) of the settings to measure."""
    base = {c.key: largest(c) for c in spec if c.kind != "seed"}
    out = [("max", dict(base))]
    for c in spec:
        if c.kind == "select":
            for opt in c.option_keys:
                if opt != base[c.key]:
                    out.append((f"max {c.key}={opt}", {**base, c.key: opt}))
        elif c.kind == "toggle":
            out.append((f"max {c.key}={not base[c.key]}", {**base, c.key: not base[c.key]}))
    for name, values in presets.items():
        out.append((f"preset {name}", dict(values)))
    return out


def query_of(spec, values: dict) -> dict[str, str]:
    by_key = {c.key: c for c in spec}
    q = {k: by_key[k].url_text(v) for k, v in values.items() if k in by_key}
    for c in spec:
        if c.kind == "seed":
            q[c.key] = str(next(_SEEDS))  # cold: a seed no earlier run used
    return q


def measure(page: str, query: dict[str, str]) -> dict:
    import streamlit as st

    from pages import memo

    st.cache_data.clear()
    st.cache_resource.clear()
    memo.clear()
    at = page_app(f"pages/{page}", query)
    t0, w0 = time.process_time(), time.perf_counter()
    at.run(timeout=TIMEOUT_S)
    cold, wall = time.process_time() - t0, time.perf_counter() - w0
    t0 = time.process_time()
    at.run(timeout=TIMEOUT_S)
    warm = time.process_time() - t0
    problems = [str(e.value)[:80] for e in at.exception] + [str(e.value)[:80] for e in at.error]
    return {"cold_s": round(cold, 3), "warm_s": round(warm, 3), "wall_s": round(wall, 3),
            "problems": problems}


def url(page: str, query: dict[str, str]) -> str:
    return f"/{page[:-3]}?" + "&".join(f"{k}={v}" for k, v in query.items())


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tests.cost", description=__doc__.split("\n")[0])
    ap.add_argument("--pages", help="comma-separated page names (default: every lesson page)")
    ap.add_argument("--all", action="store_true", help="print every measured link, not only "
                    "each page's costliest")
    ap.add_argument("--json", help="write every measurement to this file")
    a = ap.parse_args(argv)
    pages = lesson_pages()
    if a.pages:
        wanted = {p.strip().removesuffix(".py") + ".py" for p in a.pages.split(",")}
        pages = [p for p in pages if p in wanted]
    rows = []
    for page in pages:
        spec, presets = read_table(page)  # also the warm-up run (imports)
        for label, values in candidates(spec, presets):
            q = query_of(spec, values)
            r = {"page": page[:-3], "setting": label, "url": url(page, q), **measure(page, q)}
            rows.append(r)
            if a.all:
                print(f"{r['cold_s']:7.2f} s  {r['url']}", file=sys.stderr, flush=True)
    show = rows if a.all else [max((r for r in rows if r["page"] == p[:-3]),
                                   key=lambda r: r["cold_s"]) for p in pages]
    print("| page | costliest link (cold: new seed, empty caches) | CPU s cold | CPU s warm | |")
    print("|---|---|---|---|---|")
    for r in show:
        flag = "over budget" if r["cold_s"] > BUDGET_S else ""
        if r["problems"]:
            flag = (flag + " · " if flag else "") + "error: " + "; ".join(r["problems"])
        print(f"| {r['page']} | `{r['url']}` | {r['cold_s']:.2f} | {r['warm_s']:.2f} | {flag} |")
    if a.json:
        Path(a.json).write_text(json.dumps(rows, indent=1))
    return 1 if any(r["cold_s"] > BUDGET_S for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
