"""Smoke test of the whole app in a real browser: it loads, the home page renders, and
every page in the sidebar navigation opens, by link and by URL, without an exception."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from .harness import (
    assert_no_exception,
    expect_rerun,
    goto,
    nav_links,
    screenshot,
    streamlit_server,
)

pytestmark = pytest.mark.browser

MAIN = '[data-testid="stMain"]'
ELEMENT = '[data-testid="stElementContainer"]'


def _path(href: str) -> str:
    """ "/bptt?T=50" from "http://127.0.0.1:8501/bptt?T=50" (links hold full URLs)."""
    parts = urlsplit(href)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def _nav(page) -> list[dict]:
    """The sidebar's page links, checked against the app's lesson table when there
    is one, so a renamed test id cannot make these tests pass on an empty list."""
    links = nav_links(page)
    if not links:
        assert page.locator('[data-testid="stSidebarNav"]').count() == 0, (
            "the sidebar navigation is there but none of its links was found"
        )
    try:
        from pages.lessons import LESSONS
    except ImportError:
        return links
    if len(LESSONS) > 1:  # Streamlit shows no navigation for a single page
        assert sorted(x["label"] for x in links) == sorted(x.title for x in LESSONS)
    return links


def _assert_rendered(page, where: str) -> None:
    assert_no_exception(page, where)
    n = page.locator(MAIN).locator(ELEMENT).count()
    assert n > 0, f"{where}: the main area shows nothing"
    assert not page.js_errors, f"{where}: uncaught page errors: {page.js_errors}"


def test_home_renders(page, base_url):
    goto(page, base_url, "/")
    _assert_rendered(page, "home page")
    assert page.locator(f"{MAIN} h1").count() >= 1, "the home page has no title"
    screenshot(page, "home")


def test_every_page_opens_by_url(page, base_url):
    goto(page, base_url, "/")
    links = _nav(page)
    for link in links:
        path = _path(link["href"])
        goto(page, base_url, path)
        _assert_rendered(page, f"{link['label']!r} at {path}")
        screenshot(page, "page-" + (path.split("?")[0].strip("/").replace("/", "-") or "home"))


def test_sidebar_links_switch_pages(page, base_url):
    goto(page, base_url, "/")
    links = _nav(page)
    for link in reversed(links):  # ends on home: every link is a change of page
        with expect_rerun(page):
            page.locator(f'[data-testid="stSidebarNav"] a[href="{link["href"]}"]').click()
        where = f"{link['label']!r} after a click in the sidebar"
        assert urlsplit(page.url).path == urlsplit(link["href"]).path, where
        _assert_rendered(page, where)


def test_deep_link_on_a_fresh_server_runs_the_app_shell(page, base_url):
    """A shared lesson link opened before anyone opened the home page.

    Streamlit treats a folder named `pages/` next to app.py as a multipage app of the
    old kind until app.py has called st.navigation once: on a fresh server, a URL
    that matches a file name in pages/ runs that file alone, without app.py (no page
    config, a sidebar listing every file in pages/). This test opens such a link on
    a server nobody has visited yet and checks the sidebar is app.py's.
    """
    goto(page, base_url, "/")
    expected = [(x["label"], _path(x["href"])) for x in _nav(page)]
    lessons = [path for _, path in expected if path != "/"]
    if not lessons:
        pytest.skip("the navigation lists no page besides home")
    with streamlit_server() as fresh_url:
        goto(page, fresh_url, lessons[0])
        got = [(x["label"], _path(x["href"])) for x in nav_links(page)]
        screenshot(page, "deep-link-on-a-fresh-server")
        _assert_rendered(page, f"{lessons[0]} opened first on a fresh server")
    assert got == expected, (
        f"{lessons[0]} opened first on a fresh server shows the sidebar {got}, not "
        f"app.py's {expected}: Streamlit ran the file in pages/ without app.py"
    )
