"""Issue 12, two languages: every table has its Chinese twin, and a Chinese page shows no
English sentence, in its text or in its figures.

(a) Tables. For every lesson page, the home page, pages/ui.py, pages/chart.py and the
    lessons table: TEXT and TEXT_ZH have the same keys, the same `{placeholders}`, and
    every number of an English entry appears in its Chinese twin (a translated sentence
    that says 1e-3 where the English says 1e-4 is a wrong sentence). TEXT_ZH entries hold
    no run of English words either, so strings a default view does not show (warnings,
    preset notes, errors) are checked too.
(b) Pages. Each page is run with AppTest at `lang=en` and then at `lang=zh` in the same
    process (so a cache that holds a figure without the language in its key serves the
    English figure to the Chinese run and fails here); every element's text (titles,
    markdown, captions, labels, options, help, alerts, metrics) is scanned for runs of
    English words, and every chart's figure (titles, axis titles, trace names, legend and
    colorbar titles, annotations, hover templates) for any English word.
(c) Language choice: URL, session, switch and URL write-back, in AppTest through app.py
    (the browser side, page switches and the back button, is tests/browser/test_i18n.py).

What counts as English (`english`): a run of two or more plain English words (letters
only, not an acronym like LSTM, not a CamelCase name like PyTorch, not a code name with
`_` `.` or digits like W_hh, nn.LSTM, torch.save), after taking out LaTeX ($…$, st.latex),
`code`, URLs, HTML tags, `{placeholders}` and plotly's `%{…}`, and cited titles (quoted
“…”, "…", 《…》, in single-star italics *…*, or after a reference's year "(2000), …" up to
the next ；/。/(: the article quotes paper titles in English, and so do the pages) and VENUES. In figure labels one plain word
of three letters or more is enough. ALLOWED lists the words that are not English prose:
function names, proper names, units.
"""

from __future__ import annotations

import json
import re
import string
from collections import Counter

import pytest

from tests.apptest_util import charts_of, click, run_page, run_script
from tests.page_tables import LESSON_PAGES, tables

PAGES = ("home",) + LESSON_PAGES

# Words that are not English prose on a Chinese page (compared lower-case).
ALLOWED = {
    # functions and operators, as written in equations and code
    "tanh", "sigmoid", "relu", "softmax", "log", "ln", "exp", "max", "min", "sin", "cos",
    "sign", "diag", "det", "clip", "argmax", "matmul",
    # proper names (authors, libraries)
    "hochreiter", "schmidhuber", "gers", "schraudolph", "cummins", "graves", "cho", "chung",
    "pascanu", "mikolov", "bengio", "elman", "jordan", "schuster", "paliwal", "greff",
    "jozefowicz", "zaremba", "sutskever", "keras", "pytorch", "torch", "numpy", "plotly",
    "streamlit", "tensorflow", "adam", "sgd", "xavier", "glorot", "kaiming", "et", "al",
    # units and URL values
    "ms", "mib", "kib", "gib", "mb", "kb", "gb", "true", "false", "zh", "en", "lang",
    # the switch names the languages in their own scripts
    "english",
}

_LATEX = re.compile(r"\$\$.*?\$\$|\$[^$\n]+\$", re.S)
_CODE = re.compile(r"`[^`]*`")
_URL = re.compile(r"https?://\S+|\]\([^)]*\)")
_TAG = re.compile(r"<[^>]*>")
_FIELD = re.compile(r"%\{[^}]*\}|(?<![A-Za-z0-9_^}\\])\{[^{}]*\}")
_QUOTED = re.compile(r"“[^”]*”|\"[^\"]*\"|《[^》]*》|(?<![*\w])\*(?!\*)[^*\n]+(?<!\*)\*(?![*\w])")
# a reference's title after its year: "Gers, Schmidhuber & Cummins (2000), Learning to Forget；"
_CITED = re.compile(r"\(\d{4}[a-z]?\)[,，]\s*[^；;。（(\n]+")
# venues cited beside a title (a journal's name is not translated either)
VENUES = ("Signal Processing", "Neural Computation", "Neural Networks")
_TOKEN = re.compile(r"[A-Za-z][A-Za-z0-9_.'’-]*[A-Za-z0-9_]|[A-Za-z]")


def _plain(word: str) -> bool:
    """A word of English prose: letters (and inner - or '), not an acronym, not CamelCase,
    not code, not allowed."""
    if not re.fullmatch(r"[A-Za-z]+(?:['’-][A-Za-z]+)*", word) or len(word) < 2:
        return False
    if word.isupper() or any(ch.isupper() for ch in word[1:]):
        return False  # RNN, LSTM, BPTT; PyTorch, ReLU
    return not all(part.lower() in ALLOWED for part in re.split(r"['’-]", word))


def english(text: str, strict: bool = False) -> list[str]:
    """The runs of English words in `text` (see the module docstring); in strict mode
    (figure labels) also every single plain word of three letters or more."""
    text = _LATEX.sub(" ", text)
    text = _CODE.sub(" ", text)
    text = _URL.sub(" ", text)
    text = _TAG.sub(" ", text)
    text = text.replace("{{", " ").replace("}}", " ")
    text = _FIELD.sub(" ", text)
    text = _QUOTED.sub(" ", text)
    text = _CITED.sub(" ", text)
    for venue in VENUES:
        text = text.replace(venue, " ")
    text = text.replace("\\", "")  # markdown escapes (ui.escape_md)
    found, run, end = [], [], None
    for m in _TOKEN.finditer(text):
        word = m.group()
        if _plain(word) and (not run or text[end:m.start()].isspace()):
            run.append(word)
        else:
            if len(run) >= 2 or (strict and run and len(run[0]) >= 3):
                found.append(" ".join(run))
            run = [word] if _plain(word) else []
        end = m.end()
    if len(run) >= 2 or (strict and run and len(run[0]) >= 3):
        found.append(" ".join(run))
    return found


def test_the_english_detector():
    assert english("Reset to defaults") == ["Reset to defaults"]
    assert english("恢复默认设置") == []
    assert english("上传 nn.LSTM 或 torch.save(model.state_dict(), 'model.pt') 保存的文件") == []
    assert english("$W_{hh}$ 的谱半径 ρ，tanh 与 ReLU，PyTorch 与 Keras，LSTM 与 GRU") == []
    assert english("Hochreiter & Schmidhuber 在论文“Long short-term memory”中提出") == []
    assert english("Schuster & Paliwal (1997), *Bidirectional recurrent neural networks*, "
                   "IEEE Trans. Signal Processing 45(11)。") == []
    assert english("**LSTM keeps**: forget bias 3") == ["forget bias"]  # bold is not a title
    assert english("Gers, Schmidhuber & Cummins (2000), Learning to Forget；Cho et al. (2014)。") == []
    assert english("Cho et al. (2014) showed that the gate helps。") == ["showed that the gate helps"]
    assert english("链接里的 T\\=abc 不是 2–2000 之间的整数") == []
    assert english("梯度 (steps back)") == ["steps back"]
    assert english("步数 step", strict=True) == ["step"]
    assert english("步数 step") == []
    assert english("t=%{x}<br>‖g‖=%{y:.3g}<extra></extra>", strict=True) == []
    assert english("{n} 步", strict=True) == []


# ------------------------------------------------------------------------ (a) tables
def _flat(value, path=()):
    """(path, text) of every string in a table entry (entries may be dicts or lists)."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _flat(v, path + (str(k),))
    elif isinstance(value, (list, tuple)):
        for i, v in enumerate(value):
            yield from _flat(v, path + (str(i),))


_PLACEHOLDER = re.compile(r"(?<![A-Za-z0-9_^}\\])\{[A-Za-z_]\w*(?:[.\[][^{}]*)?(?:[!:][^{}]*)?\}")


def placeholders(text: str) -> Counter:
    """The format fields of a template ({n}, {mib:.1f}), not LaTeX groups (W_{hh}, \\frac{a}{b})."""
    return Counter(_PLACEHOLDER.findall(text.replace("{{", "").replace("}}", "")))


def numbers(text: str) -> set[str]:
    """Every digit group or decimal of a text, fields taken out, thousands separators dropped."""
    text = _PLACEHOLDER.sub(" ", text.replace("{{", "").replace("}}", ""))
    text = re.sub(r"(?<=\d)[,\u202f](?=\d{3}\b)", "", text)
    return set(re.findall(r"\d+(?:\.\d+)?", text))


def table_problems(name: str, en: dict, zh: dict | None) -> list[str]:
    """Everything wrong between a table and its Chinese twin, each naming page and key."""
    if zh is None:
        return [f"{name}: no TEXT_ZH"]
    problems = []
    for key in en.keys() - zh.keys():
        problems.append(f"{name}[{key!r}]: missing in TEXT_ZH")
    for key in zh.keys() - en.keys():
        problems.append(f"{name}[{key!r}]: in TEXT_ZH but not in TEXT")
    for key in en.keys() & zh.keys():
        en_parts, zh_parts = dict(_flat(en[key])), dict(_flat(zh[key]))
        if en_parts.keys() != zh_parts.keys():
            problems.append(f"{name}[{key!r}]: entries differ in shape: "
                            f"{sorted(en_parts)} vs {sorted(zh_parts)}")
            continue
        for part, text in en_parts.items():
            where = f"{name}[{key!r}]" + "".join(f"[{p!r}]" for p in part)
            ztext = zh_parts[part]
            if placeholders(text) != placeholders(ztext):
                problems.append(f"{where}: placeholders {sorted(placeholders(text))} "
                                f"vs {sorted(placeholders(ztext))}")
            missing = numbers(text) - numbers(ztext)
            if missing:
                problems.append(f"{where}: numbers {sorted(missing)} of the English are not "
                                f"in the Chinese {ztext!r}")
            left = english(ztext)
            if left:
                problems.append(f"{where}: English left in the Chinese: {left}")
    return problems


@pytest.mark.parametrize("page", PAGES)
def test_page_tables_have_their_chinese_twin(page):
    t = tables(page)
    problems = table_problems(page, t.TEXT, getattr(t, "TEXT_ZH", None))
    assert not problems, "\n".join(problems)


def _framework_modules() -> list[str]:
    """pages/*.py that are imported, not run as pages (ui, chart, lessons, …): any of them
    with a TEXT table shows it on every page."""
    from tests.page_tables import ROOT

    return sorted(p.stem for p in (ROOT / "pages").glob("*.py") if p.stem not in PAGES)


@pytest.mark.parametrize("module", _framework_modules())
def test_framework_tables_have_their_chinese_twin(module):
    import importlib

    m = importlib.import_module(f"pages.{module}")
    if not hasattr(m, "TEXT"):
        pytest.skip(f"pages/{module}.py has no TEXT table")
    problems = table_problems(module, m.TEXT, getattr(m, "TEXT_ZH", None))
    assert not problems, "\n".join(problems)


def test_framework_modules_include_ui_and_chart():
    assert {"ui", "chart", "i18n", "lessons"} <= set(_framework_modules())


def test_lessons_table_in_both_languages():
    from pages.lessons import LESSONS, SECTIONS, SECTIONS_ZH

    en = {s: s for s in SECTIONS}
    for x in LESSONS:
        en[f"{x.file}:title"], en[f"{x.file}:teaser"] = x.title, x.teaser
    zh = dict(SECTIONS_ZH)
    for x in LESSONS:
        zh[f"{x.file}:title"], zh[f"{x.file}:teaser"] = x.title_zh, x.teaser_zh
    problems = table_problems("lessons", en, zh)
    problems += [f"lessons[{k!r}]: empty in Chinese" for k, v in zh.items() if not v.strip()]
    assert not problems, "\n".join(problems)


def test_table_check_fails_on_a_wrong_twin():
    """The check above can fail: each kind of mistake is named with its key."""
    en = {"a": "T={T} steps, θ=1e-3", "b": "Reset", "c": {"x": "2 layers"}}
    zh = {"a": "T={t} 步，θ=1e-4", "c": {"x": "两层"}, "d": "多余"}
    problems = "\n".join(table_problems("demo", en, zh))
    assert "demo['b']: missing in TEXT_ZH" in problems
    assert "demo['d']: in TEXT_ZH but not in TEXT" in problems
    assert "demo['a']: placeholders" in problems
    assert "demo['a']: numbers ['3']" in problems
    assert "demo['c']['x']: numbers ['2']" in problems
    assert table_problems("demo", {"a": "x"}, {"a": "Reset to defaults"})[0].endswith(
        "English left in the Chinese: ['Reset to defaults']")


# ------------------------------------------------------------------------- (b) pages
# Fields of an element's protobuf message that carry text a student reads.
_TEXT_FIELDS = {"body", "label", "help", "options", "placeholder", "text", "caption", "title",
                "delta", "message"}
# Figure keys whose strings are labels (titles, names, hover text); the template is style.
_FIGURE_TEXT = {"text", "name", "hovertemplate", "texttemplate", "ticktext", "title", "label"}


def _nodes(node):
    yield node
    children = getattr(node, "children", None)
    if isinstance(children, dict):
        children = children.values()
    for child in children or ():
        yield from _nodes(child)


def _proto_texts(msg, path=""):
    for field, value in msg.ListFields():
        repeated = getattr(field, "is_repeated", None)
        if repeated is None:
            repeated = field.label == field.LABEL_REPEATED
        values = list(value) if repeated else [value]
        if field.type == field.TYPE_MESSAGE:
            for v in values:
                if hasattr(v, "ListFields"):
                    yield from _proto_texts(v, f"{path}.{field.name}")
        elif field.type == field.TYPE_STRING and field.name in _TEXT_FIELDS:
            for v in values:
                yield f"{path}.{field.name}", v


def _figure_texts(node, path=""):
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "template":
                continue
            if k in _FIGURE_TEXT and isinstance(v, str):
                yield f"{path}.{k}", v
            elif k in _FIGURE_TEXT and isinstance(v, list) and all(isinstance(x, str) for x in v):
                for i, x in enumerate(v):
                    yield f"{path}.{k}[{i}]", x
            else:
                yield from _figure_texts(v, f"{path}.{k}")
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _figure_texts(v, f"{path}[{i}]")


def english_on_page(at) -> list[str]:
    """Every piece of English on a page run: '<element> <field>: <runs> in <text>'."""
    found = []
    for node in _nodes(at._tree):
        proto = getattr(node, "proto", None)
        kind = type(node).__name__
        if proto is None or not hasattr(proto, "ListFields") or kind == "Latex":
            continue
        for path, text in _proto_texts(proto):
            runs = english(text)
            if runs:
                found.append(f"{kind}{path}: {runs} in {text[:120]!r}")
    for chart in charts_of(at):
        data = json.loads(chart.data)
        for path, text in [(".failed", data.get("text", ""))] + list(_figure_texts(data["figure"])):
            runs = english(text, strict=True)
            if runs:
                found.append(f"chart {chart.key.split('.')[-1]}{path}: {runs} in {text[:120]!r}")
    return found


# Actions that show more of a page than its bare link does.
SHOW_MORE = {"your_model": ("_ym.example",)}


def run_in(page: str, lang: str):
    # the home page links to the others, which needs app.py's navigation (its default page)
    at = run_page("app.py" if page == "home" else f"pages/{page}.py", {"lang": lang})
    for key in SHOW_MORE.get(page, ()):
        at = click(at, key)
    return at


@pytest.mark.parametrize("page", PAGES)
def test_a_chinese_page_shows_no_english(page):
    run_in(page, "en")  # first in English: caches shared across runs must hold the language
    at = run_in(page, "zh")
    assert not at.exception, [e.value for e in at.exception]
    found = english_on_page(at)
    assert not found, f"pages/{page}.py at lang=zh shows English:\n" + "\n".join(found)


def test_the_english_check_sees_an_english_page():
    """The same scan on the English page finds its sentences and figure labels."""
    at = run_in("bptt", "en")
    found = english_on_page(at)
    assert any(f.startswith("Title") for f in found), found
    assert any(f.startswith("chart ") for f in found), found  # the figures' labels
    assert any("Reset to defaults" in f for f in found), found  # ui's own button


# ------------------------------------------------------------------ (c) the language
# app.py's language part, on a page with a control. (AppTest reruns of app.py itself run
# the page file alone, Streamlit's old pages/ mode, so the shell is written out here.)
SHELL = """
import streamlit as st
from pages import i18n, ui
i18n.start_run()
i18n.switch(st.sidebar)
st.title(i18n.pick({"t": "English title"}, {"t": "中文标题"})["t"])
s = ui.controls("demo", [ui.Control("T", "T", "int", 100, min=2, max=2000)])
"""


def qp(at, key):
    value = at.query_params.get(key)
    return value[0] if isinstance(value, list) and len(value) == 1 else value


def test_lang_comes_from_the_url_then_the_session_and_is_written_back():
    at = run_script(SHELL, {"lang": "zh"})
    assert at.title[0].value == "中文标题"
    at.query_params.clear()  # a page switch starts from a bare query
    at.run()
    assert at.title[0].value == "中文标题"
    assert qp(at, "lang") == "zh"  # written back: a copied link keeps the language
    at.query_params["lang"] = "en"
    at.run()
    assert at.title[0].value == "English title"
    at.query_params.clear()
    at.run()
    assert qp(at, "lang") == "en"


def test_without_a_choice_nothing_is_written():
    at = run_script(SHELL)
    assert at.title[0].value == "English title"  # AppTest has no browser locale
    assert "lang" not in at.query_params


@pytest.mark.parametrize("given", ["fr", ["zh", "en"], ""])
def test_a_wrong_lang_is_taken_out_of_the_url(given):
    at = run_script(SHELL, {"lang": given, "T": "50"})
    assert not at.exception
    assert at.title[0].value == "English title"
    assert "lang" not in at.query_params
    assert qp(at, "T") == "50"


def test_the_locale_decides_without_lang():
    from pages import i18n

    assert i18n.from_locale("zh-CN") == i18n.from_locale("zh-TW") == i18n.from_locale("zh") == "zh"
    assert i18n.from_locale("en-US") == i18n.from_locale(None) == i18n.from_locale("") == "en"
    assert i18n.lang() == "en"  # outside a run


def test_the_switch_changes_the_language_and_keeps_the_settings():
    at = run_script(SHELL, {"T": "50"})
    assert at.slider(key="T").value == 50
    at.segmented_control(key="_i18n.switch").set_value("zh").run()
    assert not at.exception
    assert at.title[0].value == "中文标题"
    assert qp(at, "lang") == "zh" and qp(at, "T") == "50"
    assert at.slider(key="T").value == 50
    assert at.button(key="_ui.demo.reset").label == "恢复默认设置"  # ui's own strings follow
    at.segmented_control(key="_i18n.switch").set_value("en").run()
    assert at.slider(key="T").value == 50
    assert qp(at, "lang") == "en"
    assert at.button(key="_ui.demo.reset").label == "Reset to defaults"


def test_lang_is_never_a_control_key():
    from pages import ui

    with pytest.raises(ValueError):
        ui.Control("lang", "Language", "select", "en", options=["en", "zh"])


def test_framework_messages_follow_the_language():
    """ui's refused-URL note is in the run's language (ui.py is imported once per process,
    so it must pick its table at each call, not at import)."""
    at = run_page("pages/bptt.py", {"T": "abc", "lang": "zh"})
    assert "不是 2–2000 之间的整数" in at.warning[0].value
    at = run_page("pages/bptt.py", {"T": "abc", "lang": "en"})
    assert "not a whole number in 2–2000" in at.warning[0].value


# ------------------------------------------------------------ library messages
class _Coded(ValueError):
    """An rnnviz error as rnnviz/core/errors.py makes them: English sentence, code, params."""

    def __init__(self, message, code="", params=None):
        super().__init__(message)
        self.code, self.params = code, dict(params or {})


ERROR_PAGE = """
import streamlit as st
from pages import i18n, ui
from tests.test_i18n import _Coded
TEXT = i18n.pick({"lib_mine": "Mine is {n}."}, {"lib_mine": "我的是 {n}。"})
which = st.query_params.get("which")
with ui.guard(TEXT):
    if which == "overflow":
        raise _Coded("The forward pass overflowed at step 7: ...", "overflow", {"step": 7})
    if which == "mine":
        raise _Coded("Mine is 3.", "mine", {"n": 3})
    if which == "bad":
        raise _Coded("Mine is 3.", "mine", {"m": 3})  # params that do not fit the table
    raise _Coded("Nobody translated this.", "unknown")
"""


@pytest.mark.parametrize("which, en, zh", [
    ("overflow", "The forward pass overflowed at step 7", "前向计算在第 7 步溢出"),
    ("mine", "Mine is 3", "我的是 3"),
    ("bad", "Mine is 3", "Mine is 3"),
    ("unknown", "Nobody translated this", "Nobody translated this"),
])
def test_library_errors_are_said_in_the_page_language(which, en, zh):
    """An error with a code is said from the page's TEXT["lib_<code>"] (or ui's own) in a
    Chinese run, and in the library's English otherwise or when no table fits."""
    for lang, want in (("en", en), ("zh", zh)):
        at = run_script(ERROR_PAGE, {"which": which, "lang": lang})
        assert not at.exception
        assert [e.value for e in at.error] and want in at.error[0].value.replace("\\", ""), (lang, at.error)


# ------------------------------------------------------------------------- README.zh
def _lesson_rows(path) -> list[list[str]]:
    from tests.page_tables import ROOT

    text = (ROOT / path).read_text(encoding="utf-8")
    table = text[text.index("| --- | --- | --- |"):].split("\n\n")[0].splitlines()[1:]
    return [[cell.strip() for cell in row.strip().strip("|").split("|")] for row in table]


def test_the_chinese_readme_mirrors_the_lesson_table():
    """README.zh.md's lesson table has README's rows, the lessons' Chinese titles in the
    same order, and every number of each English row; README links to it."""
    from pages.lessons import LESSONS
    from tests.page_tables import ROOT

    en, zh = _lesson_rows("README.md"), _lesson_rows("README.zh.md")
    assert [row[1] for row in en] == [x.title for x in LESSONS[1:]]
    assert [row[1] for row in zh] == [x.title_zh for x in LESSONS[1:]]
    for e, z in zip(en, zh):
        assert not numbers(e[2]) - numbers(z[2]), (e[1], sorted(numbers(e[2]) - numbers(z[2])))
    assert "README.zh.md" in (ROOT / "README.md").read_text(encoding="utf-8")
    assert "lang=zh" in (ROOT / "README.zh.md").read_text(encoding="utf-8")
