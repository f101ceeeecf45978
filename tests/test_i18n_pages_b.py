"""Issue 12, the Chinese tables of the gated-cell and family lessons (gates, lstm_variants,
gru_variants, compare): TEXT_ZH says what TEXT says.

Same keys in the same order, the same `{placeholders}`, the same numbers, the same inline
LaTeX and the same bold/list markdown in every entry, so a Chinese page can never show a
number the English one (and its truth tests) does not; no entry left in English; and the
figures, which are cached, are drawn in the language of the run that asks for them.
"""

import re
from collections import Counter

import pytest

from tests.apptest_util import assert_ok, charts_of, run_page
from tests.page_tables import tables

PAGES = ("gates", "lstm_variants", "gru_variants", "compare")

FIELD = re.compile(r"(?<!\{)\{[A-Za-z_]\w*(?:[!:][^{}]*)?\}(?!\})")  # {T}, {f0:.2f}, not {{t-1}}
NUMBER = re.compile(r"[−-]?\d+(?:\.\d+)?|[⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+|[₋₀₁₂₃₄₅₆₇₈₉]+|[½¾¼]")
MATH = re.compile(r"\$[^$]+\$")
CJK = re.compile(r"[\u4e00-\u9fff]")
# words an entry may keep in Latin letters: code names, libraries, cell names, units
KEEP = {"lstm", "gru", "rnn", "tanh", "pytorch", "keras", "unit_forget_bias", "bptt", "ms",
        "cudnn", "max", "log"}


def fields(text: str) -> Counter:
    """The format fields of an entry ({T}, {f0:.2f}), with their format specs."""
    return Counter(FIELD.findall(text))


def numbers(text: str) -> Counter:
    return Counter(NUMBER.findall(FIELD.sub(" ", text)))


def both(page: str):
    t = tables(page)  # outside a Streamlit run i18n.pick gives the English table
    return t.TEXT, t.TEXT_ZH


@pytest.mark.parametrize("page", PAGES)
def test_same_keys_in_the_same_order(page):
    en, zh = both(page)
    assert list(zh) == list(en), (page, set(en) ^ set(zh))


@pytest.mark.parametrize("page", PAGES)
def test_same_placeholders_numbers_latex_and_markdown(page):
    en, zh = both(page)
    for key in en:
        e, z = en[key], zh[key]
        assert fields(z) == fields(e), (page, key, "placeholders")
        assert numbers(z) == numbers(e), (page, key, "numbers", numbers(e) - numbers(z),
                                          numbers(z) - numbers(e))
        assert Counter(MATH.findall(z)) == Counter(MATH.findall(e)), (page, key, "LaTeX")
        assert z.count("**") == e.count("**"), (page, key, "bold")


@pytest.mark.parametrize("page", PAGES)
def test_no_entry_left_in_english(page):
    """An entry without Chinese may only hold symbols and names (GRU, tanh, θ = {theta})."""
    en, zh = both(page)
    for key, z in zh.items():
        if CJK.search(z):
            continue
        words = {w.lower() for w in re.findall(r"[A-Za-z_]{2,}", FIELD.sub(" ", z)) if "_" not in w}
        assert words <= KEEP, (page, key, z)


def label_px(label: str) -> float:
    """A label's width in px at the sidebar's 14-px font, roughly: a Chinese character is
    14 px wide, a capital or digit 8, a lowercase letter 7, a space 3.5."""
    return sum(14 if CJK.match(ch) else 3.5 if ch == " " else 7 if ch.islower() else 8
               for ch in label)


@pytest.mark.parametrize("page", PAGES)
def test_preset_labels_fit_their_buttons(page):
    """Two buttons to a row. Calibrated on 1920×1080 screenshots: "长序列 b_f=1" (84 px by
    label_px) fits its button, "长序列 T=1000" (94 px) is cut to "长序列 T=1…"."""
    _, zh = both(page)
    for key, label in zh.items():
        if key.startswith("preset_"):
            assert label_px(label) <= 85, (page, key, label, label_px(label))


@pytest.mark.parametrize("page, query", [
    ("gates", {}), ("gru_variants", {}), ("compare", {"T": "50", "H": "4"}),
])
def test_cached_figures_follow_the_language(page, query):
    """The figures are cached; the English run before must not serve its figures to the
    Chinese one with the same settings (the language is part of the cache key)."""
    en = run_page(f"pages/{page}.py", {**query, "lang": "en"})
    zh = run_page(f"pages/{page}.py", {**query, "lang": "zh"})
    assert_ok(en)
    assert_ok(zh)
    assert len(charts_of(zh)) == len(charts_of(en)) > 0
    for e, z in zip(charts_of(en), charts_of(zh)):
        assert any(CJK.search(t) for t in figure_text(z.figure)), (page, z.key)
        assert not any(CJK.search(t) for t in figure_text(e.figure)), (page, e.key)


def figure_text(fig: dict) -> list[str]:
    """The words a figure shows: titles, trace names, hover templates, annotations."""
    layout = fig["layout"]
    out = [a.get("text", "") for a in layout.get("annotations", [])]
    out += [tr.get(k, "") for tr in fig["data"] for k in ("name", "hovertemplate")]
    for k, v in layout.items():
        if k == "title" or k.startswith(("xaxis", "yaxis")):
            title = v.get("title", {}) if k != "title" else v
            out.append(title.get("text", "") if isinstance(title, dict) else str(title))
    return out


# Latin words a Chinese page may show: code names, libraries, authors, and the words of the
# paper titles in the sources (cited in their original form)
NAMES = {
    "lstm", "gru", "rnn", "tanh", "pytorch", "keras", "tf", "cudnn", "bptt", "sgd", "jmlr",
    "ijcnn", "glorot", "kernel", "true", "false", "max", "log", "diag", "ms", "gpu", "float",
    "torch", "nn", "lstmcell", "arxiv", "et", "al", "peephole", "hochreiter", "schmidhuber",
    "gers", "cummins", "cho", "jozefowicz", "zaremba", "sutskever", "schraudolph",
    "tensorflow", "basiclstmcell", "py",  # TensorFlow 1's rnn_cell_impl.py (issue 15)
}
TITLE_WORDS = {  # Learning to Forget; Long Short-Term Memory; ... (the `source` entries)
    "learning", "to", "forget", "long", "short", "term", "memory", "recurrent", "nets", "that",
    "time", "and", "count", "networks", "learn", "simple", "context", "free", "sensitive",
    "languages", "precise", "timing", "with", "phrase", "representations", "using", "encoder",
    "decoder",
}
LATEX_CMD = re.compile(r"\\[A-Za-z]+")


def english_words(text: str) -> set[str]:
    """Latin words of a shown text that are not names (LaTeX commands, code names with _ or
    digits, hover-template fields and single letters aside); \\text{...} is read as text."""
    text = re.sub(r"%\{[^}]*\}|<[^>]*>", " ", text)
    math = re.findall(r"\$[^$]*\$", text)
    words_in_text = " ".join(t for m in math for t in re.findall(r"\\text\{([^}]*)\}", m))
    text = re.sub(r"\$[^$]*\$", " ", text) + " " + words_in_text
    text = LATEX_CMD.sub(" ", text)
    words = re.findall(r"[A-Za-z][A-Za-z0-9_]+", text)
    return {w.lower() for w in words
            if "_" not in w and not re.search(r"\d", w)} - NAMES - TITLE_WORDS


def shown_texts(at) -> list[str]:
    """The page's own words: titles, headers, markdown, captions, metrics, notes, equations
    (\\text{...}) and every chart's titles, trace names, hover templates and annotations.
    Widget labels are TEXT entries (checked above); the framework's strings are ui.py's."""
    out = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "latex"):
        out += [e.value if kind != "latex" else f"${e.value}$" for e in getattr(at, kind)]
    out += [m.label for m in at.metric] + [m.value for m in at.metric]
    for c in charts_of(at):
        out += figure_text(c.figure)
    return out


@pytest.mark.parametrize("page, query", [
    ("gates", {}), ("gates", {"cell": "gru", "loss": "all"}), ("lstm_variants", {"T": "60"}),
    ("gru_variants", {"T": "60"}), ("compare", {"T": "50", "H": "4"}),
])
def test_a_chinese_page_shows_no_english(page, query):
    at = run_page(f"pages/{page}.py", {**query, "lang": "zh"})
    assert_ok(at)
    from pages import ui

    framework = set(getattr(ui, "TEXT", {}).values())  # ui.py's own strings: not this table's
    left = {t: english_words(t) for t in shown_texts(at) if t not in framework}
    assert not {t: w for t, w in left.items() if w}, page
