"""Teacher mode in a real browser (issue 12): the presentation view on a 1920×1080
projector, "Share this view" with its QR code, hide= in the URL, and a 390-px phone."""

from __future__ import annotations

import base64
import re
import urllib.parse
import urllib.request

import pytest

from .harness import (PLOTLY_DIV, _PROBE_JS, RUN_TIMEOUT_MS, assert_no_exception, charts,
                      expect_rerun, goto, press_slider_key, screenshot, wait_idle)

pytestmark = pytest.mark.browser

SIDEBAR = '[data-testid="stSidebar"]'


def page_at(browser, width: int, height: int):
    context = browser.new_context(viewport={"width": width, "height": height})
    context.add_init_script(_PROBE_JS)
    page = context.new_page()
    page.set_default_timeout(RUN_TIMEOUT_MS)
    return page


def visible(page, selector: str) -> bool:
    return page.evaluate(
        """(sel) => [...document.querySelectorAll(sel)].some(e => {
             const r = e.getBoundingClientRect();
             return e.offsetParent !== null && r.width > 0 && r.height > 0;
           })""", selector)


def sidebar_open(page) -> bool:
    return page.evaluate(
        """() => { const s = document.querySelector('[data-testid="stSidebar"]');
                   return !!s && s.getAttribute('data-collapsed') === 'false'
                          && s.getBoundingClientRect().right > 10; }""")


def tick_font_px(page) -> float:
    """The smallest x-tick label font size of the visible charts (px)."""
    return page.evaluate(
        """(sel) => Math.min(...[...document.querySelectorAll(sel + ' .xtick text')]
                   .map(t => parseFloat(getComputedStyle(t).fontSize)))""", PLOTLY_DIV)


def test_present_view_on_a_1920_projector(browser, base_url):
    page = page_at(browser, 1920, 1080)
    try:
        goto(page, base_url, "/bptt")
        normal_ticks = tick_font_px(page)
        assert sidebar_open(page)
        assert visible(page, '[data-testid="stToolbarActions"], [data-testid="stMainMenu"]')

        goto(page, base_url, "/bptt?view=present")
        assert_no_exception(page)
        assert not sidebar_open(page)
        for testid in ("stToolbarActions", "stMainMenu", "stAppDeployButton", "stDecoration"):
            assert not visible(page, f'[data-testid="{testid}"]'), testid
        assert visible(page, '[data-testid="stExpandSidebarButton"]')  # it can still be opened
        big = tick_font_px(page)
        assert big >= 22 and big > normal_ticks * 1.3, (normal_ticks, big)
        size = page.evaluate("""() => parseFloat(getComputedStyle(
            document.querySelector('[data-testid="stMarkdownContainer"] p')).fontSize)""")
        assert size >= 17, size  # 14 px in the normal view
        screenshot(page, "teacher-present-1920")

        # the view follows a page switch (a sidebar link), like the language; an opened
        # sidebar stays open while the teacher moves a control
        page.get_by_test_id("stExpandSidebarButton").click()
        page.wait_for_function("() => document.querySelector('[data-testid=\"stSidebar\"]')"
                               ".getAttribute('data-collapsed') === 'false'")
        press_slider_key(page, "Sequence length T (steps)", "ArrowRight")
        assert "T=101" in page.url and sidebar_open(page)
        with expect_rerun(page):
            page.locator('[data-testid="stSidebarNav"] a[href$="/gates"]').click()
        page.wait_for_function("() => location.search.includes('view=present')")
        assert big - 0.5 <= tick_font_px(page)
        assert_no_exception(page)
    finally:
        page.context.close()


def test_share_this_view_shows_the_link_and_a_scannable_qr(browser, base_url):
    page = page_at(browser, 1400, 1000)
    try:
        goto(page, base_url, "/bptt?T=300&hide=H,init,seed&lang=en")
        assert_no_exception(page)
        labels = page.locator('[data-testid="stWidgetLabel"]').all_inner_texts()
        assert not any(t.startswith("Hidden size H") for t in labels)
        assert any(t.startswith("Sequence length T") for t in labels)
        page.get_by_text("Share and save").click()
        with expect_rerun(page):
            page.get_by_role("button", name="Share this view").click()
        dialog = page.get_by_role("dialog")
        dialog.wait_for()
        link = dialog.locator("code").inner_text().strip()
        assert link.startswith(base_url + "/bptt?"), link
        for part in ("lang=en", "hide=H,init,seed", "T=300"):
            assert part in link, link
        img = dialog.locator("img").first
        img.wait_for()
        box = img.bounding_box()
        assert box["width"] >= 400, box  # scannable from the back of a room when projected
        src = img.get_attribute("src")
        if src.startswith("data:"):
            png = base64.b64decode(src.split(",", 1)[1])
        else:
            with urllib.request.urlopen(urllib.parse.urljoin(base_url + "/", src)) as r:
                png = r.read()
        try:
            import cv2
            import numpy as np
        except ImportError:
            return  # no decoder: the link text above is the check
        image = cv2.imdecode(np.frombuffer(png, np.uint8), cv2.IMREAD_GRAYSCALE)
        text, _, _ = cv2.QRCodeDetector().detectAndDecode(image)
        assert text == link
        screenshot(page, "teacher-share")

        # the link opens the same view in a fresh browser
        other = page_at(browser, 1400, 1000)
        try:
            other.goto(link, wait_until="domcontentloaded")
            wait_idle(other, since=0)
            labels = other.locator('[data-testid="stWidgetLabel"]').all_inner_texts()
            assert not any(t.startswith("Hidden size H") for t in labels)
            assert re.search(r"T=300", other.url)
        finally:
            other.context.close()
    finally:
        page.context.close()


@pytest.mark.parametrize("path", ["/bptt", "/gates?lang=zh", "/compare?view=present"])
def test_a_phone_390_wide_reaches_controls_and_whole_charts(browser, base_url, path):
    page = page_at(browser, 390, 844)
    try:
        goto(page, base_url, path)
        assert_no_exception(page)
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 390  # no page-wide scroll
        widths = page.evaluate(
            """(sel) => [...document.querySelectorAll(sel)].map(gd => {
                 const box = gd.parentElement.closest('[data-testid="stElementContainer"]');
                 return [gd.getBoundingClientRect().width, box.scrollWidth, box.clientWidth,
                         getComputedStyle(box).overflowX];
               })""", PLOTLY_DIV)
        assert widths and charts(page).count() == len(widths)
        for gd_w, scroll_w, client_w, overflow in widths:
            # the chart keeps its layout width and its box scrolls to every part of it
            assert gd_w >= 590 and scroll_w >= gd_w and client_w <= 390 and overflow == "auto"
        if "view=present" in path:  # a shared projector link on a phone: normal-size text,
            size = page.evaluate("""() => parseFloat(getComputedStyle(  // charts 1.4 × 600 px
                document.querySelector('[data-testid="stMarkdownContainer"] p')).fontSize)""")
            assert size <= 15 and min(w[0] for w in widths) >= 830, (size, widths)
        screenshot(page, f"teacher-phone{path.replace('/', '-').replace('?', '-')}")
        page.get_by_test_id("stExpandSidebarButton").click()
        page.wait_for_function("() => document.querySelector('[data-testid=\"stSidebar\"]')"
                               ".getAttribute('data-collapsed') === 'false'")
        slider = page.locator('[data-testid="stSidebar"] [data-testid="stSlider"]').first
        slider.scroll_into_view_if_needed()
        box = slider.bounding_box()
        assert box and 0 <= box["x"] and box["x"] + box["width"] <= 390
    finally:
        page.context.close()


_EQUATIONS_JS = """() => [...document.querySelectorAll('[data-testid="stMain"] .katex-display')]
  .filter(e => e.offsetParent !== null).map(e => {
    const box = e.parentElement.getBoundingClientRect(), r = e.getBoundingClientRect();
    return {scroll: e.scrollWidth, client: e.clientWidth, overflow: getComputedStyle(e).overflowX,
            inside: r.left >= box.left - 1 && r.right <= box.right + 1,
            vscroll: e.scrollHeight - e.clientHeight};
  })"""


@pytest.mark.parametrize("width, path", [(390, "/bptt?lang=zh"), (390, "/bidirectional"),
                                         (1920, "/bidirectional?view=present")])
def test_wide_equations_scroll_in_their_box(browser, base_url, width, path):
    """A display equation wider than the column (on a phone: the BPTT page's first, 470 px
    wide at KaTeX's size) scrolls sideways in its own box instead of being cut by Streamlit's;
    on a phone they are drawn at the text's size, so fewer need to; on a 1920-px projector
    none scrolls, and none is cut at the bottom (the underbraces of /bidirectional)."""
    page = page_at(browser, width, 1000)
    try:
        goto(page, base_url, path)
        assert_no_exception(page)
        eqs = page.evaluate(_EQUATIONS_JS)
        assert eqs
        for e in eqs:
            assert e["overflow"] == "auto" and e["inside"] and e["vscroll"] <= 1, e
        wide = [e for e in eqs if e["scroll"] > e["client"] + 4]  # KaTeX sticks out 2 px at times
        if width >= 1920:
            assert not wide, eqs
        else:  # a phone: some fit at the text's size, the others scroll (overflow auto)
            assert len(wide) < len(eqs), eqs
            font = page.evaluate("""() => parseFloat(getComputedStyle(document.querySelector(
                '[data-testid="stMain"] .katex-display > .katex')).fontSize)""")
            root = page.evaluate("() => parseFloat(getComputedStyle(document.documentElement).fontSize)")
            assert font <= root + 0.5, (font, root)  # not KaTeX's 1.21 em
    finally:
        page.context.close()
