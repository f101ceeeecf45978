"""The page framework (pages/ui.py) and the app shell, tested headlessly through AppTest."""

from __future__ import annotations

import pytest

from tests.apptest_util import ROOT, assert_ok, click, run_page, run_script, set_widget, values

from pages import ui
from pages.lessons import LESSONS, SECTIONS

PAGE = '''
import streamlit as st
from pages import ui

TEXT = {"preset_explode": "Exploding", "preset_vanish": "Vanishing"}
CONTROLS = [
    ui.Control("T", "T", "int", 100, min=2, max=2000),
    ui.Control("w", "w", "float", 1.0, min=0.0, max=3.0, step=0.05),
    ui.Control("lr", "lr", "log", 1e-3, min=-5, max=0),
    ui.Control("act", "act", "select", "tanh", options={"tanh": "tanh", "relu": "ReLU"}),
    ui.Control("bias", "bias", "toggle", True),
    ui.Control("seed", "seed", "seed", 0),
]
PRESETS = {"explode": {"w": 2.5, "act": "relu"}, "vanish": {"w": 0.5, "T": 400, "lr": 0.1}}
s = ui.controls("t", CONTROLS, presets=PRESETS, text=TEXT)
st.session_state["_out"] = s
'''
KEYS = ("T", "w", "lr", "act", "bias", "seed")
DEFAULTS = {"T": 100, "w": 1.0, "lr": 1e-3, "act": "tanh", "bias": True, "seed": 0}


def settings(at):
    return at.session_state["_out"]


def test_defaults_without_query():
    at = run_script(PAGE)
    assert_ok(at)
    assert not at.warning
    assert settings(at).as_dict() == DEFAULTS
    assert at.query_params == {}


def test_valid_url_values_are_used():
    query = {"T": "300", "w": "2.5", "lr": "0.01", "act": "relu", "bias": "false", "seed": "7"}
    at = run_script(PAGE, query)
    assert_ok(at)
    assert not at.warning
    want = {"T": 300, "w": 2.5, "lr": 0.01, "act": "relu", "bias": False, "seed": 7}
    assert settings(at).as_dict() == want
    assert values(at, KEYS) == want  # the widgets show what the settings say


@pytest.mark.parametrize(
    "key, raw, value, text",
    [("w", "2.50", 2.5, "2.5"), ("w", "1.275", 1.275, "1.275"), ("bias", "0", False, "false"),
     ("T", "300.0", 300, "300"), ("lr", "0.1", 0.1, "0.1")],
)
def test_accepted_url_values_are_rewritten_as_the_widget_writes_them(key, raw, value, text):
    at = run_script(PAGE, {key: raw})
    assert_ok(at)
    assert not at.warning
    assert settings(at)[key] == value and at.session_state[key] == value
    assert at.query_params[key] == text


def test_url_value_that_streamlit_would_read_differently_is_canonicalised():
    # "1e-2" is not the option text "0.01": Streamlit alone would drop it; we read 0.01.
    at = run_script(PAGE, {"lr": "1e-2"})
    assert_ok(at)
    assert not at.warning
    assert settings(at).lr == 0.01 and at.session_state["lr"] == 0.01
    assert at.query_params["lr"] == "0.01"


@pytest.mark.parametrize(
    "key, raw, reason",
    [
        ("T", "abc", "not a whole number in 2–2000"),
        ("T", "2.5", "not a whole number"),  # Streamlit alone would truncate to 2
        ("T", "5000", "not a whole number in 2–2000"),
        ("w", "nan", "not a number in 0–3"),
        ("w", "inf", "not a number in 0–3"),
        ("lr", "0.002", "is not one of"),
        ("act", "<b>x</b>", "is not one of tanh"),
        ("bias", "maybe", "not true or false"),
        ("seed", "-1", "not a whole number"),
        ("seed", ["1", "2"], "given 2 times"),
    ],
)
def test_invalid_url_value_falls_back_to_default_with_one_warning(key, raw, reason):
    at = run_script(PAGE, {key: raw, "unknown_key": "x"})
    assert_ok(at)
    assert len(at.warning) == 1
    text = at.warning[0].value
    assert reason in text.replace("\\", "")
    assert f"using {DEFAULTS[key] if key != 'bias' else 'true'}".lower() in text.replace("\\", "").lower() or key in ("w", "lr")
    assert settings(at)[key] == DEFAULTS[key]
    assert at.session_state[key] == DEFAULTS[key]
    assert key not in at.query_params  # the refused value left the URL
    assert at.query_params.get("unknown_key") == "x"  # other params are left alone


def test_several_invalid_values_give_one_warning_listing_each():
    at = run_script(PAGE, {"T": "abc", "w": "nan", "act": "zzz", "seed": "3"})
    assert_ok(at)
    assert len(at.warning) == 1
    text = at.warning[0].value
    assert text.count("\n- ") == 3
    assert settings(at).seed == 3  # the valid one is kept


def test_user_text_is_escaped():
    at = run_script(PAGE, {"act": "**bold** <script>alert(1)</script> :red[x] $x$"})
    text = at.warning[0].value
    for raw in ("**", "<script>", ":red[", "$x$"):
        assert raw not in text
    assert "\\*\\*bold\\*\\*" in text


def test_widget_change_reset_and_presets():
    at = run_script(PAGE)
    set_widget(at, "T", 50)
    assert_ok(at)
    assert settings(at).T == 50  # (AppTest has no browser: user edits reach the URL there)

    click(at, "_ui.t.preset.explode")
    assert_ok(at)
    s = settings(at)
    assert (s.T, s.w, s.act) == (50, 2.5, "relu")  # a preset changes only its own keys
    assert at.query_params["w"] == "2.5" and at.query_params["act"] == "relu"

    click(at, "_ui.t.preset.vanish")
    assert settings(at).as_dict() == {**DEFAULTS, "T": 400, "w": 0.5, "act": "relu", "lr": 0.1}
    assert at.query_params["lr"] == "0.1"

    click(at, "_ui.t.reset")
    assert_ok(at)
    assert settings(at).as_dict() == DEFAULTS
    assert values(at, KEYS) == DEFAULTS
    assert at.query_params == {}  # defaults are not written to the URL


def test_preset_buttons_use_text_labels():
    at = run_script(PAGE)
    labels = {b.key: b.label for b in at.button}
    assert labels["_ui.t.preset.explode"] == "Exploding"
    assert labels["_ui.t.reset"] == "Reset to defaults"


def test_settings_are_hashable_and_cache_friendly():
    spec = [ui.Control("T", "T", "int", 100, min=2, max=2000), ui.Control("seed", "s", "seed", 0)]
    a, b = ui.defaults("p", spec), ui.defaults("p", spec)
    assert hash(a) == hash(b) and a == b
    c = a.replace(T=50)
    assert c != a and c.T == 50 and a.T == 100
    with pytest.raises(ValueError):
        a.replace(T=1)
    with pytest.raises(ValueError):
        a.replace(nope=1)
    with pytest.raises(dataclasses_frozen_error()):
        a.T = 3
    import pickle

    assert pickle.loads(pickle.dumps(c)) == c
    import streamlit as st

    calls = []

    @st.cache_data(max_entries=4)
    def cached(settings):
        calls.append(settings)
        return settings.T

    assert (cached(a), cached(b), cached(c)) == (100, 100, 50)
    assert len(calls) == 2  # equal settings hit the cache; a changed value misses it
    cached.clear()


def dataclasses_frozen_error():
    import dataclasses

    return dataclasses.FrozenInstanceError


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(key="T-1", label="x", kind="int", default=1, min=0, max=2),
        dict(key="T", label="x", kind="slider", default=1, min=0, max=2),
        dict(key="T", label="x", kind="int", default=5, min=0, max=2),
        dict(key="T", label="x", kind="int", default=1),
        dict(key="a", label="x", kind="select", default="z", options=["a", "b"]),
        dict(key="a", label="x", kind="log", default=0.5, min=-3, max=0),
    ],
)
def test_bad_declarations_are_refused(kwargs):
    with pytest.raises(ValueError):
        ui.Control(**kwargs)


def test_bad_presets_are_refused():
    spec = [ui.Control("T", "T", "int", 100, min=2, max=2000)]
    with pytest.raises(ValueError):
        ui.check_presets(spec, {"x": {"T": 1}})
    with pytest.raises(ValueError):
        ui.check_presets(spec, {"x": {"H": 3}})


def test_log_control_generates_exact_decades():
    c = ui.Control("lr", "lr", "log", 1e-3, min=-5, max=0)
    assert c.options == (1e-5, 1e-4, 1e-3, 1e-2, 0.1, 1.0)
    half = ui.Control("s", "s", "log", 1.0, min=0, max=1, step=0.5)
    assert half.options == (1.0, 3.16, 10.0)
    assert half.parse("3.1623") == (True, 3.16)
    assert ui._fmt(1e-5) == "1e-5" and ui._fmt(1e7) == "1e7"  # no '+' in URLs


def test_show_error_and_guard():
    at = run_script(
        "from pages import ui\n"
        "with ui.guard():\n"
        "    raise ValueError('T must be at least 2 (got 1_000 *)')\n"
        "import streamlit as st\n"
        "st.write('not reached')\n"
    )
    assert not at.exception
    assert len(at.error) == 1
    assert "T must be at least 2" in at.error[0].value
    assert not at.markdown  # the page stopped


def test_lessons_table_files_exist():
    assert LESSONS[0].section == "Start"
    for lesson in LESSONS:
        assert lesson.section in SECTIONS, lesson
        assert (ROOT / lesson.file).is_file(), lesson.file


def test_app_shell_and_home_links(monkeypatch, tmp_path):
    import pages.lessons as lessons

    at = run_page("app.py")
    assert_ok(at)
    assert at.title[0].value
    assert len(at.get("page_link")) == len([x for x in LESSONS if x.section != "Start"])

    # one line in the table adds the page to the navigation and to the home page
    page = tmp_path / "extra.py"
    page.write_text("import streamlit as st\nst.write('extra')\n")
    extra = lessons.Lesson("Remedies", str(page), "Extra lesson", ":material/star:", "A teaser.")
    monkeypatch.setattr(lessons, "LESSONS", lessons.LESSONS + [extra])
    at = run_page("app.py")
    assert_ok(at)
    links = at.get("page_link")
    assert [link.proto.label for link in links][-1] == "Extra lesson"
    assert any(c.value == "A teaser." for c in at.caption)


# ----------------------------------------------------------------- rnnviz.figures.style
def test_style_has_no_streamlit_and_projector_sizes():
    import subprocess
    import sys

    code = (
        "import sys, rnnviz.figures, rnnviz.figures.style as s;"
        "assert 'streamlit' not in sys.modules, 'style imports streamlit';"
        "assert s.BASE_FONT >= 16 and s.TITLE_FONT >= 20"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def test_apply_style_sets_titles_and_template():
    import plotly.graph_objects as go

    from rnnviz.figures import style

    fig = style.apply_style(go.Figure(go.Scatter(y=[1, 2])), title="T", x_title="t (steps)", y_title="y")
    assert fig.layout.title.text == "T"
    assert fig.layout.xaxis.title.text == "t (steps)" and fig.layout.yaxis.title.text == "y"
    assert fig.layout.template.layout.font.size >= 16
    assert "#F0E442" not in fig.layout.template.layout.colorway  # no yellow on white


def test_f32_refuses_overflow():
    import numpy as np

    from rnnviz.figures import style

    out = style.f32([1.0, np.nan, 1e30])
    assert out.dtype == np.float32 and np.isnan(out[1])
    with pytest.raises(ValueError):
        style.f32([1e300])


def test_downsample_keeps_real_step_coordinates():
    import numpy as np

    from rnnviz.figures import style

    a = np.arange(10 * 7, dtype=float).reshape(10, 7)  # a[i, j] = 7 i + j
    small, rows, cols = style.downsample(a, 4, 3)
    assert small.shape == (4, 3)  # blocks of 3 rows (last has 1) and 3 columns (last has 1)
    assert np.allclose(rows, [1, 4, 7, 9]) and np.allclose(cols, [1, 4, 6])
    # block mean of a linear function = the function at the block centre
    assert np.allclose(small, 7 * rows[:, None] + cols[None, :])
    big, r, c = style.downsample(a, 100, 100)
    assert np.array_equal(big, a) and np.array_equal(r, np.arange(10))
    mx, _, _ = style.downsample(a, 5, 7, how="max")
    assert np.array_equal(mx, a[1::2])
    st_, r, _ = style.downsample(np.arange(10.0), 3, how="stride")
    assert np.array_equal(st_, [0, 4, 8]) and np.array_equal(r, [0, 4, 8])
    with pytest.raises(ValueError):
        style.downsample(a, 0, 3)
