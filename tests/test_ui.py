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
    [("w", "2.50", 2.5, "2.5"), ("w", "1.250", 1.25, "1.25"), ("bias", "0", False, "false"),
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


# ------------------------------------------------------- steps, toggles and relations
STEPS = '''
import streamlit as st
from pages import ui

CONTROLS = [
    ui.Control("T", "T", "int", 100, min=2, max=500),
    ui.Control("w", "w", "int", 10, min=1, max=500),
    ui.Control("N", "N", "int", 200, min=10, max=2000, step=10),
    ui.Control("scale", "scale", "float", 1.0, min=0.1, max=3.0, step=0.01),
    ui.Control("lo", "lo", "float", 0.5, min=-2.0, max=2.0, step=0.05),
    ui.Control("hi", "hi", "float", 1.5, min=-2.0, max=2.0, step=0.05),
    ui.Control("on", "on", "toggle", True),
    ui.Control("off", "off", "toggle", False),
]
RELATIONS = [ui.Relation("w", "<=", "T"), ui.Relation("lo", "<=", "hi")]
PRESETS = {"short": {"w": 50}}
s = ui.controls("steps", CONTROLS, presets=PRESETS, relations=RELATIONS)
st.session_state["_out"] = s
'''


def note(at) -> str:
    assert len(at.warning) == 1, [w.value for w in at.warning]
    return at.warning[0].value.replace("\\", "")


@pytest.mark.parametrize(
    "key, raw, value, text",
    [("scale", "0.123", 0.12, "0.12"), ("scale", "0.125", 0.13, "0.13"),
     ("N", "15", 20, "20"), ("N", "1999", 2000, "2000"), ("lo", "-1.96", -1.95, "-1.95")],
)
def test_url_value_off_the_slider_steps_is_snapped_with_the_note(key, raw, value, text):
    at = run_script(STEPS, {key: raw})
    assert_ok(at)
    assert f"{key}={raw} is not on the slider's steps" in note(at)
    assert f"using {text}" in note(at)
    assert settings(at)[key] == value and at.session_state[key] == value
    assert at.query_params[key] == text  # the URL says what the slider shows


def test_values_on_the_steps_pass_quietly_also_with_float_noise():
    at = run_script(STEPS, {"scale": "0.12000000000000001", "N": "2000"})
    assert_ok(at)
    assert not at.warning
    assert settings(at).scale == 0.12 and settings(at).N == 2000


def test_control_check_and_snap():
    c = ui.Control("s", "s", "float", 1.0, min=0.1, max=3.0, step=0.01)
    assert c.check(0.1 + 2 * 0.01) == (True, 0.12)  # float noise: the grid's own number
    assert not c.check(0.123)[0]
    assert c.snap("0.123") == 0.12 and c.snap("2.999") == 3.0 and c.snap("9") is None
    assert c.snap("nan") is None and c.snap("x") is None
    n = ui.Control("N", "N", "int", 200, min=10, max=2000, step=10)
    assert not n.check(15)[0] and n.check(20) == (True, 20)
    with pytest.raises(ValueError):  # a default off the steps is a page bug
        ui.Control("s", "s", "float", 1.005, min=0.1, max=3.0, step=0.01)
    with pytest.raises(ValueError):
        ui.check_presets([n], {"x": {"N": 15}})


@pytest.mark.parametrize("raw", ["random", "õ", "yes please", "2", "truee", ""])
@pytest.mark.parametrize("key", ["on", "off"])
def test_toggles_refuse_junk(key, raw):
    at = run_script(STEPS, {key: raw})
    assert_ok(at)
    default = key == "on"
    if raw:  # (an empty value is Streamlit's "cleared", left to it)
        assert f"{key}={raw}" in note(at) and "is not true or false" in note(at)
    assert settings(at)[key] is default and at.session_state[key] is default
    assert key not in at.query_params


@pytest.mark.parametrize("raw, value", [("true", True), ("FALSE", False), ("1", True), ("off", False)])
def test_toggles_accept_true_and_false(raw, value):
    at = run_script(STEPS, {"off": raw, "on": raw})
    assert_ok(at)
    assert not at.warning
    assert settings(at).on is value and settings(at).off is value


def test_url_relation_gives_way_with_the_note():
    at = run_script(STEPS, {"T": "2", "w": "500", "lo": "2", "hi": "-2"})
    assert_ok(at)
    text = note(at)
    assert text.startswith("Some settings were changed to fit this lesson:")
    assert "w=500 must be at most T=2; using 2" in text
    assert "lo=2 must be at most hi=-2; using -2" in text
    s = settings(at)
    assert (s.T, s.w, s.lo, s.hi) == (2, 2, -2.0, -2.0)
    assert values(at, ("T", "w", "lo", "hi")) == {"T": 2, "w": 2, "lo": -2.0, "hi": -2.0}
    assert at.query_params == {"T": "2", "w": "2", "lo": "-2", "hi": "-2"}


def test_widget_change_that_breaks_a_relation_moves_the_other_with_the_note():
    at = run_script(STEPS, {"w": "50"})
    assert_ok(at)
    set_widget(at, "T", 20)
    assert_ok(at)
    assert "w=50 must be at most T=20; using 20" in note(at)
    assert (settings(at).T, settings(at).w) == (20, 20) and at.session_state["w"] == 20
    set_widget(at, "T", 30)  # the note goes once the values agree
    assert not at.warning and settings(at).w == 20


def test_relations_and_presets_are_checked_at_declaration():
    T = ui.Control("T", "T", "int", 100, min=2, max=500)
    w = ui.Control("w", "w", "int", 10, min=1, max=500)
    with pytest.raises(ValueError):
        ui.check_presets([T, w], {"long": {"w": 300}}, [ui.Relation("w", "<=", "T")])
    with pytest.raises(ValueError):
        ui.Relation("w", "<", "T")
    values, notes = ui.apply_relations([T, w], [ui.Relation("w", "<=", "T")], {"T": 5, "w": 9})
    assert values == {"T": 5, "w": 5} and len(notes) == 1


def test_a_value_no_check_let_through_falls_back_with_the_note():
    poked = STEPS.replace("s = ui.controls", "if st.session_state.get('_poke'):\n"
                          "    st.session_state['T'] = 100_000\ns = ui.controls")
    at = run_script(poked)
    assert_ok(at)
    at.session_state["_poke"] = True  # page code (or a carried value) the table never saw
    at.run()
    assert_ok(at)
    assert "T=100000 is outside this lesson's settings; using 100" in note(at)
    assert settings(at).T == 100 and at.session_state["T"] == 100


# ------------------------------------------------------------------- across pages
SHELL = '''
import streamlit as st
from pages import ui

page = st.navigation([st.Page("a.py", default=True), st.Page("b.py"), st.Page("boom.py")])
ui.entered_page(page.url_path)
try:
    page.run()
except Exception as exc:
    ui.page_failed(page, exc)
'''
PAGE_A = '''
import streamlit as st
from pages import ui
CONTROLS = [ui.Control("T", "T", "int", 100, min=2, max=2000),
            ui.Control("cell", "cell", "select", "relu-rnn", options=["relu-rnn", "lstm"]),
            ui.Control("seed", "seed", "seed", 0)]
s = ui.controls("a", CONTROLS, presets={"long": {"T": 1000, "seed": 7}})
st.session_state["_out"] = s
'''
PAGE_B = '''
import streamlit as st
from pages import ui
CONTROLS = [ui.Control("T", "T", "int", 50, min=2, max=500),
            ui.Control("cell", "cell", "select", "lstm", options=["lstm", "gru"]),
            ui.Control("seed", "seed", "seed", 0)]
s = ui.controls("b", CONTROLS)
st.session_state["_out"] = s
'''
PAGE_BOOM = '''
import streamlit as st
from pages import ui
s = ui.controls("boom", [ui.Control("T", "T", "int", 5, min=2, max=9)])
if st.session_state.get("_rerun_once", True):  # Streamlit's control flow passes the net
    st.session_state["_rerun_once"] = False
    st.rerun()
st.write("drawn")
if s.T == 9:
    st.stop()
raise RuntimeError("/srv/secret/path.py: something no check foresaw")
'''


def nav(at, page: str):
    """A click in the sidebar navigation: the browser asks for the page with no query
    (AppTest would send the last page's query along)."""
    at.query_params.clear()
    return at.switch_page(page).run()


@pytest.fixture
def shell(tmp_path):
    from streamlit.testing.v1 import AppTest

    for name, text in [("app.py", SHELL), ("a.py", PAGE_A), ("b.py", PAGE_B), ("boom.py", PAGE_BOOM)]:
        (tmp_path / name).write_text(text)
    return AppTest.from_file(str(tmp_path / "app.py"), default_timeout=60)


def test_a_value_from_another_page_never_reaches_a_widget(shell):
    at = shell.run()
    click(at, "_ui.a.preset.long")
    assert settings(at).as_dict() == {"T": 1000, "cell": "relu-rnn", "seed": 7}
    # What Streamlit 1.67 does with a bound key on a page switch: it keeps the value under
    # the key for the next page's widget of that key (AppTest drops it; put it back).
    for k, v in {"T": 1000, "cell": "relu-rnn", "seed": 7}.items():
        at.session_state[k] = v
    nav(at, "b.py")
    assert_ok(at)
    assert not at.warning  # nothing was carried, so nothing is refused
    assert settings(at).as_dict() == {"T": 50, "cell": "lstm", "seed": 0}
    assert values(at, ("T", "cell", "seed")) == {"T": 50, "cell": "lstm", "seed": 0}
    assert at.query_params == {}


def test_each_page_keeps_its_own_settings_for_the_session(shell):
    at = shell.run()
    set_widget(at, "T", 300)
    nav(at, "b.py")
    set_widget(at, "T", 20)
    at.session_state["T"] = 20  # (as Streamlit would carry it)
    nav(at, "a.py")
    assert_ok(at)
    assert settings(at).T == 300 and at.session_state["T"] == 300
    assert at.query_params == {"T": "300"}  # the URL says what the page shows
    nav(at, "b.py")
    assert settings(at).T == 20 and at.query_params == {"T": "20"}


def test_safety_net_shows_one_short_message_and_no_traceback(shell, caplog):
    at = shell.run()
    nav(at, "boom.py")
    assert not at.exception
    assert [e.value for e in at.error] == [ui.TEXT["ui_failed"]]
    assert any(m.value == "drawn" for m in at.markdown)  # st.rerun passed through the net
    shown = "".join(str(e.proto) for e in at.main)
    assert "secret" not in shown and "Traceback" not in shown
    assert at.button(key="_ui.failed.reset").label == ui.TEXT["ui_failed_reset"]
    set_widget(at, "T", 9)  # st.stop passes through the net too
    assert not at.exception and not at.error
    set_widget(at, "T", 7)  # fails again; the button opens the page on its defaults
    assert at.error and at.session_state["T"] == 7
    click(at, "_ui.failed.reset")
    assert at.session_state["T"] == 5 and at.query_params == {}


def test_safety_net_leaves_streamlit_control_flow_alone():
    from streamlit.runtime.scriptrunner_utils.exceptions import RerunException, StopException

    assert not issubclass(RerunException, Exception) and not issubclass(StopException, Exception)


def test_app_shell_wraps_the_page_run_in_the_safety_net(monkeypatch, tmp_path):
    import pages.lessons as lessons

    page = tmp_path / "broken.py"
    page.write_text("raise KeyError('/srv/secret')\n")
    extra = lessons.Lesson("Remedies", str(page), "Broken lesson", ":material/star:", "A teaser.")
    monkeypatch.setattr(lessons, "LESSONS", lessons.LESSONS + [extra])
    at = run_page("app.py")
    at.switch_page(str(page)).run()  # (an absolute path joins onto app.py's folder as itself)
    assert not at.exception
    assert [e.value for e in at.error] == [ui.TEXT["ui_failed"]]


def test_no_error_details_reach_a_browser():
    import tomllib

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["client"]["showErrorDetails"] == "none"


def _foreign(key: str, here, pages: dict, which: str):
    """The value another page's control `key` can hold that fits this page's worst: a
    value outside this page's table when there is one (max or min), else one that is
    not this page's default."""
    candidates = []
    for controls in pages.values():
        for c in controls:
            if c.key != key:
                continue
            if c.kind in ("int", "float", "seed"):
                candidates.append(c.max if which == "max" else c.min)
            elif c.kind in ("log", "select"):
                candidates += list(c.option_keys)
            else:
                candidates.append(not here.default)
    outside = [v for v in candidates if not here.check(v)[0]]
    other = [v for v in candidates if here.check(v)[0] and here.check(v)[1] != here.default]
    pool = outside or other
    if not pool:
        return None
    if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in pool):
        return max(pool) if which == "max" else min(pool)
    return pool[0]


@pytest.mark.parametrize("which", ["max", "min"])
def test_every_lesson_opens_on_its_own_settings_whatever_the_last_page_left(which):
    """The cross product in AppTest: each lesson is entered (as by a sidebar link) with the
    other lessons' extremes left under the shared keys, as Streamlit 1.67 leaves them."""
    from tests.apptest_util import page_app, page_tables

    tables = {x.file: page_tables(x.file) for x in LESSONS}
    pages = {f: t["controls"] for f, t in tables.items() if t}
    at = page_app("app.py").run()
    assert_ok(at)
    for file, controls in pages.items():
        others = {f: c for f, c in pages.items() if f != file}
        carried = {c.key: v for c in controls
                   if (v := _foreign(c.key, c, others, which)) is not None}
        nav(at, "pages/home.py")  # (AppTest cannot hold a foreign option in a drawn box)
        for k, v in carried.items():
            at.session_state[k] = v
        nav(at, file)
        where = f"{file} after {which} values {carried}"
        assert not at.exception, (where, [e.value for e in at.exception])
        heads = (ui.TEXT["ui_url_ignored"], ui.TEXT["ui_adjusted"])
        assert not [w.value for w in at.warning if w.value.startswith(heads)], where
        want = {c.key: c.default for c in controls}
        assert {k: at.session_state[k] for k in want} == want, where
        assert at.query_params == {}, where


def test_a_widget_value_no_check_accepts_falls_back_to_the_value_decided_before_it():
    """The end of ui.controls' widget reader: a widget that returns a value the table
    refuses (a future Streamlit, a widget kind drawn wrong) does not reach the page; the
    page gets the value checked before the widgets existed (here the URL's T=50), not the
    junk and not the default."""
    junk = PAGE.replace("s = ui.controls", (
        "real = ui._widget\n"
        "ui._widget = lambda c, *a, **k: 'junk' if c.key in ('T', 'act') else real(c, *a, **k)\n"
        "try:\n"
        "    s = ui.controls")).replace(
        "st.session_state[\"_out\"] = s", "finally:\n    ui._widget = real\nst.session_state[\"_out\"] = s")
    at = run_script(junk, {"T": "50", "act": "relu"})
    assert_ok(at)
    assert settings(at).T == 50 and settings(at).act == "relu"
    assert settings(at).w == 1.0  # the others come from their widgets as usual
    from pages import ui as ui_now

    assert ui_now._widget.__name__ == "_widget"  # the page put it back
