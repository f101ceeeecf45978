"""Fixtures for the real-browser tests (helpers for page tests live in harness.py).

- `base_url` (session): `streamlit run app.py` from the repo root on a free port, up
  once /_stcore/health answers; stopped at the end, also when a test fails.
- `browser` (session): Debian's /usr/bin/chromium through Playwright's sync API.
- `page` (per test): a fresh browser context (no shared cookies or storage) with the
  harness probe installed; `page.js_errors` collects uncaught page errors. When the
  test fails, a screenshot is saved to tests/browser/screenshots/FAILED-<test>.png.

Every test in this folder gets the `browser` marker. Without chromium or playwright the
tests skip with the reason, except under CI (CI=true), where they fail: CI must run them.
Browser tests run after all other tests, so fast unit failures show first.

A page test:

    from .harness import goto, charts, assert_no_exception, set_slider

    def test_bptt_slider(page, base_url):
        goto(page, base_url, "/bptt?T=50")
        set_slider(page, "Sequence length", 60)
        assert "T=60" in page.url
        assert_no_exception(page)
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from . import harness

HERE = Path(__file__).resolve().parent
IN_CI = os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def _require_browser() -> None:
    reason = harness.browser_missing_reason()
    if reason is None:
        return
    if IN_CI:
        pytest.fail(f"CI=true but the browser tests cannot run: {reason}", pytrace=False)
    pytest.skip(reason)


def pytest_collection_modifyitems(config, items):
    """Mark this folder's tests `browser` and move them after every other test."""
    def in_here(item) -> bool:
        return HERE in Path(str(item.path)).resolve().parents

    for item in items:
        if in_here(item):
            item.add_marker(pytest.mark.browser)
    items.sort(key=in_here)  # stable: keeps the order within each group


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the item so `page` can see a failed test."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def base_url():
    """URL of a `streamlit run app.py` server for the whole session."""
    with harness.streamlit_server() as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    """Debian chromium, headless, launched once per session."""
    _require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = harness.launch_browser(p)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def page(browser, request):
    """A page in a fresh context; screenshot saved when the test fails."""
    page = harness.new_page(browser)
    page.js_errors = []
    page.on("pageerror", lambda err: page.js_errors.append(str(err)))
    try:
        yield page
    finally:
        report = getattr(request.node, "rep_call", None)
        if report is not None and report.failed:
            try:
                path = harness.screenshot(page, f"FAILED-{request.node.name}")
                print(f"screenshot of the failed page: {path}")
            except Exception as exc:  # a dead page must not hide the real failure
                print(f"no screenshot of the failed page: {exc}")
        page.context.close()
