"""The language in a real browser (issue 12): `lang=zh` survives sidebar links, page links
and the back button and stays in the URL (a copied link keeps it); the switch changes the
language in place and keeps the page's settings; without `lang` the browser's language
decides.

A page switch in Streamlit 1.67 starts from a bare query (only the new page's bound
widgets are carried), so on the old code the second page of a Chinese lesson came up in
English and without `lang` in its URL.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from pages.lessons import LESSONS

from .harness import (
    RUN_TIMEOUT_MS, SIDEBAR_LINK, VIEWPORT, _PROBE_JS, assert_no_exception, expect_rerun, goto,
    nav_links, slider_state, wait_idle,
)

pytestmark = pytest.mark.browser

ZH_TITLES = [x.title_zh for x in LESSONS]
EN_TITLES = [x.title for x in LESSONS]
SWITCH = '[data-testid="stSidebar"] [data-testid="stButtonGroup"]'
T_SLIDER = '[data-testid="stSidebar"] .st-key-T [data-testid="stSlider"]'


def query(page) -> dict:
    return {k: v[0] if len(v) == 1 else v for k, v in parse_qs(urlsplit(page.url).query).items()}


def path(page) -> str:
    return urlsplit(page.url).path.rstrip("/").rsplit("/", 1)[-1]


def labels(page) -> list[str]:
    return [x["label"] for x in nav_links(page)]


def click_nav(page, title: str) -> None:
    with expect_rerun(page):
        page.locator(SIDEBAR_LINK).filter(has_text=title).first.click()


def t_value(page) -> float:
    return page.locator(T_SLIDER).locator('input[type="range"]').evaluate("el => parseFloat(el.value)")


def test_lang_survives_page_switches_and_back(page, base_url):
    goto(page, base_url, "/bptt?lang=zh&T=50")
    assert_no_exception(page)
    assert labels(page) == ZH_TITLES
    assert query(page) == {"lang": "zh", "T": "50"}

    click_nav(page, "LSTM 与 GRU 的门")  # a sidebar link
    assert path(page) == "gates"
    assert query(page).get("lang") == "zh", page.url
    assert labels(page) == ZH_TITLES

    click_nav(page, "首页")
    assert query(page) == {"lang": "zh"}, page.url
    assert page.locator("h1").first.inner_text() == "RNN 的梯度为什么会消失或爆炸"
    with expect_rerun(page):  # a page link on the home page
        page.get_by_test_id("stMainBlockContainer").get_by_text("梯度裁剪").first.click()
    assert path(page) == "clipping"
    assert query(page).get("lang") == "zh", page.url

    page.go_back()
    wait_idle(page)
    assert path(page) in ("", "home"), page.url  # one step back: the home page, not a bare copy
    assert query(page).get("lang") == "zh", page.url
    assert labels(page) == ZH_TITLES
    assert_no_exception(page)


def test_switch_changes_the_language_in_place_and_keeps_the_settings(page, base_url):
    goto(page, base_url, "/bptt?T=50")
    assert labels(page) == EN_TITLES  # chromium here speaks en-US
    assert "lang" not in query(page)
    with expect_rerun(page):
        page.locator(SWITCH).get_by_text("中文").click()
    assert query(page) == {"T": "50", "lang": "zh"}, page.url
    assert labels(page) == ZH_TITLES
    assert t_value(page) == 50
    assert page.locator('[data-testid="stSidebar"]').get_by_text("恢复默认设置").count() == 1

    click_nav(page, "W_hh 的累乘")
    assert query(page).get("lang") == "zh", page.url
    with expect_rerun(page):
        page.locator(SWITCH).get_by_text("English").click()
    assert query(page).get("lang") == "en", page.url
    assert labels(page) == EN_TITLES
    assert_no_exception(page)


def test_without_lang_the_browser_language_decides(browser, base_url):
    context = browser.new_context(viewport=VIEWPORT, locale="zh-CN")
    context.add_init_script(_PROBE_JS)
    page = context.new_page()
    page.set_default_timeout(RUN_TIMEOUT_MS)
    try:
        goto(page, base_url, "/")
        assert labels(page) == ZH_TITLES
        assert "lang" not in query(page)  # nobody chose it: a shared link follows its reader
        goto(page, base_url, "/?lang=en")
        assert labels(page) == EN_TITLES
    finally:
        context.close()


def test_a_chinese_font_for_the_browser_and_the_charts():
    """tests/run.sh installs fonts-noto-cjk (without it chromium draws the Chinese pages as
    boxes), and the charts' font list names a Chinese font of every students' system."""
    import shutil
    import subprocess

    from rnnviz.figures import style

    if shutil.which("fc-list"):
        families = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True,
                                  text=True, timeout=30).stdout
        assert "Noto Sans CJK SC" in families, "fonts-noto-cjk is not installed"
    for font in ("PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC"):
        assert f"'{font}'" in style.FONT_FAMILY, font  # macOS, Windows, Linux/Android
    assert style.FONT_FAMILY.rstrip().endswith("sans-serif")
