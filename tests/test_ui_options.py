"""Select boxes show translated option labels while the URL keeps the stable key (issue 12).

A bound Streamlit select box writes the text it shows into the URL, so pages/ui.py leaves
select boxes unbound and writes their key into the URL itself. These tests hold both halves:
every option of every lesson has a label in both languages, and a Chinese page shows the
Chinese label while its link carries the key (after a user edit, a preset and a reset too).
"""

from __future__ import annotations

import pytest

from tests.apptest_util import assert_ok, click, run_page, run_script, set_widget
from tests.page_tables import LESSON_PAGES, tables


def _selects(page: str):
    t = tables(page)
    return t, [c for c in t.CONTROLS if c.kind == "select"]


@pytest.mark.parametrize("page", LESSON_PAGES)
def test_every_select_option_has_a_label_in_both_languages(page):
    t, selects = _selects(page)
    missing = [f"opt_{c.key}_{o}" for c in selects for o in c.option_keys
               for table in (t.TEXT, t.TEXT_ZH) if not str(table.get(f"opt_{c.key}_{o}", "")).strip()]
    assert not missing, f"pages/{page}.py: select options without a label: {missing}"
    for c in selects:  # the labels tell the options apart in each language
        for table in (t.TEXT, t.TEXT_ZH):
            shown = [table[f"opt_{c.key}_{o}"] for o in c.option_keys]
            assert len(set(shown)) == len(shown), (page, c.key, shown)


def test_pages_have_select_boxes_to_check():
    assert sum(len(_selects(p)[1]) for p in LESSON_PAGES) >= 20


def test_a_chinese_page_shows_chinese_labels_and_the_url_keeps_the_key():
    t, _ = _selects("bptt")
    at = run_page("pages/bptt.py", {"lang": "zh", "init": "orthogonal"})
    assert_ok(at)
    box = at.selectbox(key="init")
    assert box.options == [t.TEXT_ZH[f"opt_init_{k}"] for k in
                           next(c for c in t.CONTROLS if c.key == "init").option_keys]
    assert box.value == "orthogonal"  # the widget's value is the key …
    assert at.selectbox(key="by").options[0] == "谱半径 ρ"  # … the box shows the label
    assert at.query_params["init"] == "orthogonal"

    set_widget(at, "init", "torch")  # a student picks another option
    assert_ok(at)
    assert at.query_params["init"] == "torch"
    set_widget(at, "init", "gaussian")  # the default leaves the URL
    assert "init" not in at.query_params
    assert at.query_params["lang"] == "zh"


PAGE = '''
import streamlit as st
from pages import ui

TEXT = {"opt_act_tanh": "Tanh label", "opt_act_relu": "ReLU label"}
CONTROLS = [
    ui.Control("T", "T", "int", 100, min=2, max=2000),
    ui.Control("act", "act", "select", "tanh", options={"tanh": "tanh help", "relu": "relu help"}),
]
PRESETS = {"r": {"act": "relu"}}
s = ui.controls("t", CONTROLS, presets=PRESETS, text=TEXT, relations=[])
st.session_state["_out"] = s
'''


def test_select_box_url_round_trip_presets_reset_and_hide():
    at = run_script(PAGE, {"act": "relu"})
    assert_ok(at)
    assert at.selectbox(key="act").options == ["Tanh label", "ReLU label"]
    assert at.session_state["_out"].act == "relu" and at.query_params["act"] == "relu"
    assert "**ReLU label** — relu help" in at.selectbox(key="act").help

    click(at, "_ui.t.reset")
    assert at.session_state["_out"].act == "tanh" and "act" not in at.query_params
    click(at, "_ui.t.preset.r")
    assert at.session_state["_out"].act == "relu" and at.query_params["act"] == "relu"
    set_widget(at, "T", 50)  # another widget's rerun leaves the select's key in the URL
    assert at.query_params["act"] == "relu" and at.session_state["_out"].act == "relu"

    at = run_script(PAGE, {"act": "relu", "hide": "act"})  # hidden: no box, the value stays
    assert_ok(at)
    assert not [b for b in at.selectbox if b.key == "act"]
    assert at.session_state["_out"].act == "relu" and at.query_params["act"] == "relu"


def test_a_label_in_the_url_is_refused_with_the_note():
    """Old links carried the key; a label in the URL is not an option (the key is the API)."""
    at = run_script(PAGE, {"act": "ReLU label"})
    assert at.session_state["_out"].act == "tanh"
    assert "act" not in at.query_params
    assert at.warning and "act=ReLU label" in at.warning[0].value.replace("\\", "")


def test_help_of_a_select_box_names_its_options_by_their_labels():
    """The tooltip lists the options as the box shows them, not by their URL keys."""
    for lang in ("en", "zh"):
        at = run_page("pages/bptt.py", {"lang": lang})
        t, _ = _selects("bptt")
        table = t.TEXT if lang == "en" else t.TEXT_ZH
        for key in ("by", "init", "loss"):
            box = at.selectbox(key=key)
            assert f"**{table[f'opt_{key}_' + box.value]}**" in box.help, (lang, key, box.help)
            assert f"**{box.value}**" not in box.help
