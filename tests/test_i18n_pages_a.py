"""Issue 12, two languages: the Chinese tables of bptt, powers, truncated and clipping say the
same things as the English ones. A key missing in either table, a `{placeholder}` renamed or
lost, or a number changed in one language only (a preset description that says 10⁻⁴⁴ in
English and 10⁻⁴³ in Chinese) fails here.

(tests/test_i18n.py checks every page; this is the safety net for these four.)
"""

import re
from collections import Counter

import pytest

from tests.apptest_util import assert_ok, charts_of, run_page
from tests.page_tables import tables

PAGES = ("bptt", "powers", "truncated", "clipping")

PLACEHOLDER = re.compile(r"\{[^{}]*\}")
# numbers as written: 0.76, 1e308 (two numbers), 10⁻⁴⁴ (10 and a superscript), ‖W_hh‖₂;
# a thousands separator or a minus sign does not matter, the digits do
NUMBER = re.compile(r"[0-9]+(?:\.[0-9]+)?|[⁰¹²³⁴⁵⁶⁷⁸⁹]+|[₀₁₂₃₄₅₆₇₈₉]+")


def placeholders(s: str) -> Counter:
    return Counter(PLACEHOLDER.findall(s))


def numbers(s: str) -> Counter:
    return Counter(NUMBER.findall(s))


def pairs():
    for page in PAGES:
        t = tables(page)
        yield page, t.TEXT, t.TEXT_ZH


def differences(en: dict, zh: dict) -> list[str]:
    """What differs between the two tables, one line per problem (empty: they agree)."""
    out = []
    if list(en) != list(zh):
        missing, extra = [k for k in en if k not in zh], [k for k in zh if k not in en]
        out.append(f"keys: missing in zh {missing}, only in zh {extra}"
                   + ("" if missing or extra else ", order differs"))
    for k in en.keys() & zh.keys():
        if placeholders(en[k]) != placeholders(zh[k]):
            a, b = placeholders(en[k]), placeholders(zh[k])
            out.append(f"{k}: placeholders {dict(a)} vs {dict(b)}")
        if numbers(en[k]) != numbers(zh[k]):
            a, b = numbers(en[k]), numbers(zh[k])
            out.append(f"{k}: numbers only in en {dict(a - b)}, only in zh {dict(b - a)}")
        if not zh[k].strip() and en[k].strip():
            out.append(f"{k}: empty in zh")
    return out


@pytest.mark.parametrize("page", PAGES)
def test_chinese_table_matches_english(page):
    t = tables(page)
    assert isinstance(t.TEXT_ZH, dict)
    assert differences(t.TEXT, t.TEXT_ZH) == [], page


@pytest.mark.parametrize("page", PAGES)
def test_chinese_table_is_chinese(page):
    """Every entry with an English phrase in it (two words in a row, outside hover templates
    and HTML tags) has Chinese in it too. Formulas, units and code names (tanh, sign·log₁₀)
    are written the same in both languages."""
    t = tables(page)
    for k, en in t.TEXT.items():
        if re.search(r"[A-Za-z]{3,}[ -][A-Za-z]{3,}", re.sub(r"%\{[^}]*\}|<[^>]*>", "", en)):
            assert re.search(r"[\u4e00-\u9fff]", t.TEXT_ZH[k]), (page, k, t.TEXT_ZH[k])


def test_preset_labels_fit_a_button():
    """Two buttons a row in the sidebar: about six Chinese characters fit one."""
    for page, _, zh in pairs():
        for k, v in zh.items():
            if k.startswith("preset_"):
                width = sum(2 if re.match(r"[\u3000-\u9fff\uff00-\uffef]", c) else 1 for c in v)
                assert width <= 12, (page, k, v)


def test_the_check_catches_a_missing_key_a_changed_number_and_a_lost_placeholder():
    """The comparison above can fail: each kind of drift is reported."""
    _, en, zh = next(pairs())
    assert differences(en, zh) == []
    broken = dict(zh)
    del broken["presets_help"]
    assert any("missing in zh ['presets_help']" in d for d in differences(en, broken))
    broken = {**zh, "presets_help": zh["presets_help"].replace("10⁻⁴⁴", "10⁻⁴³")}
    assert any(d.startswith("presets_help: numbers") for d in differences(en, broken))
    broken = {**zh, "presets_help": zh["presets_help"].replace("0.76", "0.67")}
    assert any(d.startswith("presets_help: numbers") for d in differences(en, broken))
    broken = {**zh, "overflow": zh["overflow"].replace("{step}", "{steps}")}
    assert any(d.startswith("overflow: placeholders") for d in differences(en, broken))
    broken = {**zh, "dact_line": zh["dact_line"].replace(" **{share}**", "")}
    assert any(d.startswith("dact_line: placeholders") for d in differences(en, broken))


CJK = re.compile(r"[\u4e00-\u9fff]")


def chart_titles(at) -> list[str]:
    return [c.figure["layout"]["title"]["text"] for c in charts_of(at)]


@pytest.mark.parametrize("page", ["bptt", "powers"])
def test_a_cached_figure_is_not_served_in_the_other_language(page):
    """These pages cache their figures (labels read inside the cached function): an English
    run first, then the same settings in Chinese, must get Chinese figures, and back."""
    path = f"pages/{page}.py"
    en = run_page(path, {"lang": "en"})
    assert_ok(en)
    zh = run_page(path, {"lang": "zh"})
    assert_ok(zh)
    titles = [t for t in chart_titles(zh) if t]
    assert titles and all(CJK.search(t) for t in titles), titles
    again = run_page(path, {"lang": "en"})
    assert chart_titles(again) == chart_titles(en)
    assert not any(CJK.search(t) for t in chart_titles(again))
