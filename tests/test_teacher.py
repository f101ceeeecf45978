"""Teacher mode (issue 12): hide=, view=present, the share link and its QR code, settings
as JSON (round trip and refusals). The notebook snippets: tests/test_snippets.py."""

from __future__ import annotations

import json

import pytest

from pages import teacher, ui
from tests.apptest_util import assert_ok, click, run_page, set_widget, widget

BPTT = "pages/bptt.py"


def keys_drawn(at) -> set:
    out = set()
    for kind in ("slider", "select_slider", "selectbox", "toggle", "number_input"):
        out |= {w.key for w in getattr(at, kind)}
    return out


def q(at) -> dict:
    """The URL's query as {key: last value}."""
    return {k: (v[-1] if isinstance(v, list) else v) for k, v in at.query_params.items()}


def context_of(at) -> teacher.Context:
    return at.session_state[teacher._CONTEXT]


# ------------------------------------------------------------------------------ hide=
def test_hide_leaves_controls_out_and_keeps_the_links_values():
    at = run_page(BPTT, {"hide": "H,init,seed", "H": "64", "init": "orthogonal"})
    assert_ok(at)
    assert not at.warning
    drawn = keys_drawn(at)
    assert not drawn & {"H", "init", "seed"}
    assert {"T", "act", "scale", "xs", "loss"} <= drawn
    ctx = context_of(at)
    assert dict(ctx.values)["H"] == 64 and dict(ctx.values)["init"] == "orthogonal"
    assert ctx.hide == ("H", "init", "seed")
    # a move of a visible control: hidden values and hide= stay in the URL
    set_widget(at, "T", 50)
    assert_ok(at)
    assert q(at)["H"] == "64" and q(at)["init"] == "orthogonal"
    assert q(at)["hide"] == "H,init,seed"
    assert dict(context_of(at).values)["H"] == 64


def test_hide_ignores_unknown_names_and_refused_values_still_warn():
    at = run_page(BPTT, {"hide": "nonsense,,<b>x</b>,T", "T": "99999"})
    assert not at.exception
    assert "T" not in keys_drawn(at) and "H" in keys_drawn(at)
    assert dict(context_of(at).values)["T"] == 100  # refused: the default, with the note
    assert at.warning and "99999" in at.warning[0].value


def test_presets_and_reset_set_hidden_controls_and_the_url_follows():
    at = run_page(BPTT, {"hide": "H,init,seed", "H": "64"})
    click(at, "_ui.bptt.preset.non_normal")  # H=64, init=triangular
    assert_ok(at)
    assert dict(context_of(at).values)["init"] == "triangular"
    assert q(at)["init"] == "triangular" and q(at)["H"] == "64"
    click(at, "_ui.bptt.reset")
    assert_ok(at)
    assert dict(context_of(at).values)["H"] == 32
    assert "H" not in at.query_params and "init" not in at.query_params
    assert q(at)["hide"] == "H,init,seed"


def test_control_keys_cannot_take_the_teachers_url_names():
    for name in ("lang", "view", "hide"):
        with pytest.raises(ValueError):
            ui.Control(name, name, "int", 1, min=0, max=2)


# ------------------------------------------------------------------------- the view
def test_present_view_scales_every_chart_and_leaves_the_cached_figure_alone():
    plain = run_page(BPTT)
    at = run_page(BPTT, {"view": "present"})
    assert_ok(at)
    from tests.apptest_util import charts_of

    a, b = charts_of(plain), charts_of(at)
    assert len(a) == len(b) >= 3
    for ca, cb in zip(a, b):
        fa, fb = ca.figure, cb.figure
        ha, hb = json.loads(ca.data)["height"], json.loads(cb.data)["height"]
        assert hb == round(ha * teacher.PRESENT_SCALE) or (
            hb == max(ha, teacher.PRESENT_MAX_HEIGHT) and ha * teacher.PRESENT_SCALE > hb)
        assert fa["data"] == fb["data"] or _same_but_sizes(fa["data"], fb["data"])
        tmpl_a, tmpl_b = fa["layout"]["template"]["layout"], fb["layout"]["template"]["layout"]
        assert tmpl_b["xaxis"]["tickfont"]["size"] >= 22  # 16 px ticks -> 22 on the projector
        assert tmpl_b["font"]["size"] == pytest.approx(tmpl_a["font"]["size"] * teacher.PRESENT_SCALE)
    # the page's cached figure is untouched: a normal view after the projector is as before
    again = run_page(BPTT)
    assert [c.data for c in charts_of(again)] == [c.data for c in a]


def _same_but_sizes(da, db) -> bool:
    """Traces equal except line widths / marker sizes, which are larger."""
    for ta, tb in zip(da, db):
        for key in set(ta) | set(tb):
            if key in ("line", "marker", "textfont"):  # the diagrams' node labels grow too
                continue
            if ta.get(key) != tb.get(key):
                return False
        if "line" in ta and ta["line"].get("width"):
            assert tb["line"]["width"] > ta["line"]["width"]
    return True


def test_projector_figure_scales_fonts_lines_and_height_once():
    import plotly.graph_objects as go

    from rnnviz.figures.style import apply_style

    fig = apply_style(go.Figure(go.Scatter(x=[0, 1], y=[1, 2], line={"width": 2})), title="t",
                      height=400)
    fig.update_layout(annotations=[{"text": "a", "font": {"size": 10}, "x": 0, "y": 0}])
    big = teacher.projector_figure(fig)
    assert big is teacher.projector_figure(fig)  # made once per figure object
    assert big.layout.height == 560 and fig.layout.height == 400
    assert big.data[0].line.width == pytest.approx(2.8) and fig.data[0].line.width == 2
    assert big.layout.annotations[0].font.size == 14 and fig.layout.annotations[0].font.size == 10
    assert big.layout.template.layout.xaxis.tickfont.size == pytest.approx(22.4)
    assert fig.layout.template.layout.xaxis.tickfont.size == 16
    assert list(big.data[0].y) == [1, 2]
    # taller than the projector's screen: grows up to PRESENT_MAX_HEIGHT, never shrinks
    assert teacher.projector_figure(go.Figure(layout={"height": 800})).layout.height == 960
    assert teacher.projector_figure(go.Figure(layout={"height": 1100})).layout.height == 1100


def test_outside_a_run_nothing_is_presented_or_hidden():
    assert teacher.presenting() is False and teacher.hidden(["T"]) == set()


# ------------------------------------------------------------------------ share link
def test_share_link_has_lang_view_hide_and_every_changed_setting():
    at = run_page(BPTT, {"hide": "seed", "view": "present", "T": "300", "act": "relu"})
    ctx = context_of(at)
    q = teacher.query_of(ctx, "zh", True)
    assert q == {"lang": "zh", "view": "present", "hide": "seed", "T": "300", "act": "relu"}
    # the link opens the same settings
    again = run_page(BPTT, q)
    assert dict(context_of(again).values) == dict(ctx.values)
    assert context_of(again).hide == ("seed",)


def test_share_button_shows_the_link_and_a_qr_code_of_it():
    at = run_page(BPTT, {"T": "300"})
    click(at, "_teacher.bptt.share")
    assert_ok(at)
    codes = [c.value for c in at.code]
    link = next(c for c in codes if "T=300" in c)
    assert "lang=en" in link
    images = at.get("image")
    assert len(images) == 1, "no QR image"


def test_qr_png_decodes_to_the_link():
    cv2 = pytest.importorskip("cv2")
    import numpy as np

    link = "http://192.168.1.20:8501/bptt?lang=zh&view=present&hide=H,init,seed&T=300&act=relu"
    png = teacher.qr_png(link)
    image = cv2.imdecode(np.frombuffer(png, np.uint8), cv2.IMREAD_GRAYSCALE)
    assert image.shape[0] >= 400  # large enough to scan from a projected screen
    text, _, _ = cv2.QRCodeDetector().detectAndDecode(image)
    assert text == link


# ----------------------------------------------------------------------- settings file
def test_settings_round_trip_through_the_file():
    at = run_page(BPTT, {"T": "300", "act": "relu", "hide": "seed", "view": "present"})
    ctx = context_of(at)
    data = json.loads(json.dumps(teacher.settings_file(ctx, "zh", True)))
    assert data["page"] == "bptt" and data["settings"]["T"] == 300 and data["hide"] == ["seed"]
    fresh = run_page(BPTT)
    loaded, why = teacher.parse_settings(json.dumps(data).encode(), context_of(fresh))
    assert why == ""
    assert loaded == {"values": dict(ctx.values), "lang": "zh", "view": "present", "hide": ["seed"]}


def test_pasted_settings_load_into_the_page():
    at = run_page(BPTT)
    data = {"rnnviz": 1, "page": "bptt", "lang": "en", "view": "normal", "hide": ["H"],
            "settings": {"T": 300, "act": "relu", "scale": 1.5}}
    at.text_area(key="_teacher.bptt.paste").input(json.dumps(data))
    click(at, "_teacher.bptt.paste_load")
    assert not at.exception
    assert [s.value for s in at.success] == [teacher.TEXT["loaded"]]
    values = dict(context_of(at).values)
    assert (values["T"], values["act"], values["scale"], values["H"]) == (300, "relu", 1.5, 32)
    assert q(at)["T"] == "300" and q(at)["hide"] == "H"
    assert "H" not in keys_drawn(at)
    # the language and the view of a file
    data.update(lang="zh", view="present", hide=[])
    at.text_area(key="_teacher.bptt.paste").input(json.dumps(data))
    click(at, "_teacher.bptt.paste_load")
    assert not at.exception
    assert q(at)["lang"] == "zh" and q(at)["view"] == "present" and "hide" not in q(at)
    assert [s.value for s in at.success] == [teacher.TEXT_ZH["loaded"]]
    assert teacher.TEXT_ZH["tools"] in [e.label for e in at.expander]
    assert "H" in keys_drawn(at)


@pytest.mark.parametrize("data, needle", [
    ("not json", "not JSON"),
    ("[1, 2]", "one JSON object"),
    ({"page": "gates", "settings": {}}, "“gates”"),
    ({"page": "bptt", "settings": {"T": 5000}}, "T: is not a whole number in 2–2000"),
    ({"page": "bptt", "settings": {"T": float("nan")}}, "T: is not a whole number"),
    ({"page": "bptt", "settings": {"act": "softmax"}}, "act: is not one of"),
    ({"page": "bptt", "settings": {"scale": 1.234}}, "scale: is not a number"),
    ({"page": "bptt", "settings": {"Z": 1}}, "does not know: Z"),
    ({"page": "bptt", "extra": 1}, "does not know: extra"),
    ({"page": "bptt", "lang": "fr"}, "lang must be"),
    ({"page": "bptt", "view": "huge"}, "view must be"),
    ({"page": "bptt", "hide": ["nope"]}, "hide must be"),
    ({"page": "bptt", "settings": [1]}, "settings must be"),
])
def test_invalid_settings_are_refused_with_a_clear_message(data, needle):
    at = run_page(BPTT, {"T": "50"})
    raw = data if isinstance(data, str) else json.dumps(data)
    loaded, why = teacher.parse_settings(raw, context_of(at))
    assert loaded is None and needle in why
    at.text_area(key="_teacher.bptt.paste").input(raw)
    click(at, "_teacher.bptt.paste_load")
    assert not at.exception
    assert len(at.error) == 1 and at.error[0].value.startswith(
        teacher.TEXT["refused"].format(why="")[:20])
    assert dict(context_of(at).values)["T"] == 50  # nothing changed


def test_relations_of_the_lesson_apply_to_a_file():
    at = run_page("pages/truncated.py")
    ctx = context_of(at)
    assert ctx.relations  # w <= T
    r = ctx.relations[0]
    loaded, why = teacher.parse_settings(
        json.dumps({"page": "truncated", "settings": {r.key: 10**6 if r.op == "<=" else 0}}),
        ctx)
    assert loaded is None and why


def test_a_big_file_is_refused_before_parsing():
    at = run_page(BPTT)
    loaded, why = teacher.parse_settings(b" " * (teacher.MAX_FILE + 1), context_of(at))
    assert loaded is None and "kB" in why


def test_text_tables_have_the_same_keys_and_placeholders():
    import string

    assert set(teacher.TEXT) == set(teacher.TEXT_ZH)
    for k in teacher.TEXT:
        f = lambda s: sorted(x[1] for x in string.Formatter().parse(s) if x[1])
        assert f(teacher.TEXT[k]) == f(teacher.TEXT_ZH[k]), k


# ------------------------------------------------------------------- through app.py
def test_app_shows_the_snippet_and_keeps_the_view_across_page_switches():
    at = run_page("app.py", {"view": "present"})
    assert_ok(at)
    at.switch_page("pages/bptt.py").run()
    assert_ok(at)
    assert q(at).get("view") == "present"  # a page switch keeps the presentation view
    code = [c.value for c in at.code if "lesson_bptt.compute" in c.value]
    assert len(code) == 1 and "T=100" in code[0]
    labels = [e.label for e in at.expander]
    assert teacher.TEXT["snippet"] in labels and teacher.TEXT["tools"] in labels
    # the presentation view's CSS is on the page; leaving the view drops it and the URL's view
    assert any("stToolbarActions" in h.proto.body for h in at.get("html"))
    click(at, "_teacher.bptt.view")
    assert "view" not in q(at)
    assert not any("stToolbarActions" in h.proto.body for h in at.get("html"))
    at.query_params.clear()
    at.switch_page("pages/gates.py").run()
    assert "view" not in q(at)


def test_hide_is_not_carried_to_another_lesson():
    at = run_page("app.py")
    at.query_params.update({"hide": "H,seed"})
    at.switch_page("pages/bptt.py").run()
    assert "H" not in keys_drawn(at)
    at.query_params.clear()  # a sidebar link has no query
    at.switch_page("pages/gates.py").run()
    assert {"H", "seed"} <= keys_drawn(at)


def _colorbars(figure: dict) -> list[dict]:
    """Every colour bar of a plotly figure (as JSON): on traces, markers and coloraxes."""
    bars = []
    for t in figure.get("data", []):
        for owner in (t, t.get("marker") or {}):
            if "colorbar" in owner:
                bars.append(owner["colorbar"])
    bars += [v["colorbar"] for k, v in figure.get("layout", {}).items()
             if k.startswith("coloraxis") and isinstance(v, dict) and "colorbar" in v]
    return bars


@pytest.mark.parametrize("page", ["bptt", "gates", "bidirectional", "truncated", "clipping"])
def test_colour_bar_titles_read_horizontally(page):
    """Chinese colour-bar titles turned on their side (plotly's side="right") read sideways:
    every colour bar of these pages carries its title above the bar."""
    from tests.apptest_util import charts_of

    at = run_page(f"pages/{page}.py", {"lang": "zh"})
    assert_ok(at)
    bars = [b for c in charts_of(at) for b in _colorbars(c.figure)]
    assert bars
    for b in bars:
        title = b.get("title") or {}
        if title.get("text"):
            assert title.get("side", "top") == "top", (page, title)
