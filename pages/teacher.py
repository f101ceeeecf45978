"""In front of a class: the presentation view, controls hidden by link, "Share this view",
settings as a JSON file, and a notebook snippet per lesson.

URL parameters (beside the lesson's own controls and `lang`, see pages/i18n.py):

- ``view=present``: the projector view. The sidebar starts collapsed (it opens with its
  arrow), Streamlit's toolbar, Deploy button and header strip are gone, text is larger,
  and every chart is drawn with its fonts, lines, margins and height scaled by
  ``PRESENT_SCALE`` (`projector_figure`), so tick labels are ~22 px on a 1920×1080 screen.
  Like the language, the view follows the session across page switches and is written
  back into each page's URL; ``view=normal`` leaves it.
- ``hide=H,init,seed``: those controls of the lesson are not drawn; they keep the values the
  link gives them (or the defaults) and stay in the URL, so a re-shared link keeps them.
  Presets and "Reset to defaults" set hidden controls like visible ones (a preset is a whole
  setting of the lesson, and its description states its numbers). Names that are not
  controls of the lesson are ignored. `hide` belongs to the lesson's link: it is not carried
  to other lessons.

pages/ui.py calls `hidden` and `sidebar_tools` from `ui.controls` and `projector_figure`
from `ui.plot`; app.py calls `sidebar_state`, `before_page` and `after_page`.
Nothing a user typed or uploaded is rendered as HTML or markdown: the link and file
contents are shown with st.code or escaped with `ui.escape_md`.
"""

from __future__ import annotations

import io
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import plotly.graph_objects as go
import streamlit as st

from pages import i18n

TEXT = {
    "tools": "Share and save",
    "share": "Share this view",
    "share_title": "Share this view",
    "share_help": (
        "Students scan the code or open the link and see exactly this lesson: its settings, "
        "language, view and hidden controls."
    ),
    "share_link": "Link",
    "share_qr": "QR code of the link",
    "present_on": "Presentation view",
    "present_off": "Leave presentation view",
    "download": "Download settings (JSON)",
    "upload": "Load a settings file",
    "paste": "…or paste its text",
    "paste_load": "Load pasted settings",
    "loaded": "Settings loaded.",
    "refused": "This is not a settings file for this lesson: {why}",
    "bad_json": "it is not JSON text ({detail})",
    "not_object": "it should be one JSON object {{…}}",
    "too_big": "it is larger than {kb} kB",
    "wrong_page": "it was saved on the lesson “{given}”, and this lesson is “{page}”",
    "unknown_keys": "it has entries this lesson does not know: {keys}",
    "bad_value": "{key}: {why}",
    "bad_lang": "lang must be one of {opts}",
    "bad_view": "view must be one of {opts}",
    "bad_hide": "hide must be a list of this lesson's setting names",
    "no_settings": "settings must be an object of setting name → value",
    "snippet": "Notebook code for this lesson",
    "snippet_help": (
        "These lines of rnnviz compute the data of one of this lesson's figures with the "
        "settings above. Run them in Python or Jupyter, in a copy of this project, to "
        "continue at home."
    ),
}
TEXT_ZH = {
    "tools": "分享与保存",
    "share": "分享当前视图",
    "share_title": "分享当前视图",
    "share_help": "学生扫码或打开链接，就能看到与此处完全相同的课页：同样的参数、语言、视图和隐藏的控件。",
    "share_link": "链接",
    "share_qr": "链接的二维码",
    "present_on": "演示视图",
    "present_off": "退出演示视图",
    "download": "下载参数（JSON）",
    "upload": "载入参数文件",
    "paste": "……或粘贴文件内容",
    "paste_load": "载入粘贴的参数",
    "loaded": "参数已载入。",
    "refused": "这不是本课的参数文件：{why}",
    "bad_json": "内容不是 JSON 文本（{detail}）",
    "not_object": "应当是一个 JSON 对象 {{…}}",
    "too_big": "文件超过 {kb} kB",
    "wrong_page": "它保存自“{given}”一课，而当前是“{page}”一课",
    "unknown_keys": "其中有本课不认识的条目：{keys}",
    "bad_value": "{key}：{why}",
    "bad_lang": "lang 只能是 {opts} 之一",
    "bad_view": "view 只能是 {opts} 之一",
    "bad_hide": "hide 应当是本课参数名的列表",
    "no_settings": "settings 应当是“参数名 → 取值”的对象",
    "snippet": "本课的 Notebook 代码",
    "snippet_help": (
        "下面几行 rnnviz 代码按上面的参数，算出本课其中一张图的数据。在本项目的副本里用 "
        "Python 或 Jupyter 运行，回家后可以接着探索。"
    ),
}


def text() -> Mapping[str, str]:
    """This run's table (this module is imported once per process, so pick per call)."""
    return i18n.pick(TEXT, TEXT_ZH)


VIEWS = ("present", "normal")
PARAMS = ("lang", "view", "hide")  # URL parameters that are not controls (ui.RESERVED has them)
PRESENT_SCALE = 1.4  # fonts, lines, margins and heights of charts in the presentation view
PRESENT_MAX_HEIGHT = 960  # px: a chart fits a 1080-px screen under the page's header
FILE_VERSION = 1
MAX_FILE = 20_000  # bytes: a settings file is a few hundred

_VIEW = "_teacher.view"  # session: "present" / "normal", the view this session last used
_CONTEXT = "_teacher.context"  # the controls ui.controls drew in this run (for the tools)
_MESSAGE = "_teacher.message"  # (kind, text) left by a load callback for the next run
_EXTRA = "_teacher.snippet_extra"  # (page, values) a page adds to its snippet's, this run


def _in_a_run() -> bool:
    from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

    return get_script_run_ctx(suppress_warning=True) is not None


# ----------------------------------------------------------------------------- the view
def presenting() -> bool:
    """True in the presentation view: the URL's view=present/normal, else this session's."""
    if not _in_a_run():
        return False
    given = st.query_params.get_all("view")
    if len(given) == 1 and given[0] in VIEWS:
        st.session_state[_VIEW] = given[0]
    return st.session_state.get(_VIEW) == "present"


def sidebar_state() -> str:
    """For app.py's st.set_page_config: the projector view opens without the sidebar."""
    return "collapsed" if presenting() else "auto"


# Static CSS (no user text). Streamlit 1.67's test ids; the toolbar itself stays, as it
# holds the button that opens the collapsed sidebar (stExpandSidebarButton). The larger
# text is for screens wider than a phone: a shared link carries view=present to forty
# phones, where it would only truncate numbers; there the charts (drawn 1.4× larger) keep
# 840 px, the 600-px layout of the normal view times 1.4, and scroll sideways.
_PRESENT_CSS = """<style>
[data-testid="stToolbarActions"], [data-testid="stAppDeployButton"], [data-testid="stMainMenu"],
[data-testid="stDecoration"], [data-testid="stStatusWidget"] { display: none !important; }
[data-testid="stHeader"] { background: transparent !important; height: 2.5rem !important; }
@media (min-width: 641px) {
  html { font-size: 20px !important; }
  [data-testid="stMainBlockContainer"] { padding-top: 2.5rem !important; padding-left: 2rem !important;
    padding-right: 2rem !important; max-width: none !important; }
}
@media (max-width: 640px) {  /* a student's phone opening the teacher's link: see _NARROW_CSS */
  [data-testid="rnnvizChart"] { min-width: 840px !important; }
}
</style>"""
# Every view: a display equation wider than its column scrolls sideways in its own box
# (Streamlit's box around it hides what sticks out: a phone showed half an equation), with
# a shadow on the side where more of it is (the two "local" white layers scroll with the
# equation and cover the "scroll" shadows at the ends: Lea Verou's scrolling shadows);
# the padding keeps sub- and superscripts clear of the box's edge.
# On a phone (≤ 640 px wide): less padding, equations at the text's size (KaTeX draws them
# 1.21× larger: most of the lessons' equations then fit 366 px); a chart keeps 600 px of
# width (its title, legend and axis titles are laid out for that; at 366 px plotly cut them
# off) and scrolls sideways in its own box, as a long equation does.
_NARROW_CSS = """<style>
[data-testid="stMainBlockContainer"] .katex-display { overflow-x: auto; overflow-y: hidden;
  padding: 0.25em 0 0.35em;
  background: linear-gradient(to right, #fff 40%, rgba(255,255,255,0)) left center / 1.5rem 100% no-repeat local,
    linear-gradient(to left, #fff 40%, rgba(255,255,255,0)) right center / 1.5rem 100% no-repeat local,
    radial-gradient(farthest-side at 0 50%, rgba(0,0,0,.22), rgba(0,0,0,0)) left center / 0.6rem 100% no-repeat scroll,
    radial-gradient(farthest-side at 100% 50%, rgba(0,0,0,.22), rgba(0,0,0,0)) right center / 0.6rem 100% no-repeat scroll; }
@media (max-width: 640px) {
  [data-testid="stMainBlockContainer"] { padding-left: 0.75rem !important;
    padding-right: 0.75rem !important; }
  [data-testid="stMainBlockContainer"] .katex-display > .katex { font-size: 1em; }
  [data-testid="stElementContainer"]:has([data-testid="rnnvizChart"]) { overflow-x: auto; }
  [data-testid="rnnvizChart"] { min-width: 600px; }
}
</style>"""


def before_page() -> None:
    """app.py, before the page runs: the view's CSS, and view=present kept in the URL (a
    page switch drops the query; the view, like the language, follows the session)."""
    st.session_state.pop(_CONTEXT, None)
    st.session_state.pop(_EXTRA, None)
    present = presenting()
    st.html(_NARROW_CSS + (_PRESENT_CSS if present else ""))
    if present and st.query_params.get_all("view") != ["present"]:
        st.query_params["view"] = "present"


def projector_figure(fig: go.Figure) -> go.Figure:
    """The figure for the presentation view: every font size, line width, margin, standoff
    and the height times PRESENT_SCALE (one factor, so legends placed in pixels stay put;
    a figure that would pass PRESENT_MAX_HEIGHT grows only up to it, or not at all).
    A copy, made once per figure object and kept on it (pages cache their figures and
    never change one after plotting); the original is not touched."""
    cached = getattr(fig, "_rnnviz_present", None)
    if cached is not None:
        return cached
    k = PRESENT_SCALE
    layout = _scaled(fig.layout.to_plotly_json(), k, "")
    height = fig.layout.height or 450
    # A chart taller than the projector's screen grows less (never shrinks): the stacked
    # heatmaps (700-1100 px) would need scrolling to see their own colour bars.
    layout["height"] = round(height * min(k, max(1.0, PRESENT_MAX_HEIGHT / height)))
    data = [_scaled(t.to_plotly_json(), k, "") for t in fig.data]
    out = go.Figure(data=data, layout=layout, _validate=False)
    fig._rnnviz_present = out
    return out


_PX_KEYS = {"standoff", "ticklen", "thickness", "xshift", "yshift", "arrowwidth", "borderwidth"}


def _scaled(obj: Any, k: float, parent: str) -> Any:
    """A copy of a plotly property tree with pixel sizes times k (arrays are shared)."""
    if isinstance(obj, dict):
        out = {}
        for key, v in obj.items():
            if _is_number(v) and (
                (key == "size" and (parent.endswith("font") or parent == "marker"))
                or (key == "width" and parent == "line")
                or (parent == "margin" and key in ("l", "r", "t", "b", "pad"))
                or (parent == "pad" and key in ("t", "b", "l", "r"))
                or key in _PX_KEYS
            ):
                out[key] = v * k
            else:
                out[key] = _scaled(v, k, key)
        return out
    if isinstance(obj, (list, tuple)) and obj and isinstance(obj[0], dict):
        return [_scaled(v, k, parent) for v in obj]
    if isinstance(obj, go.layout.Template):
        return _scaled(obj.to_plotly_json(), k, parent)
    return obj


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


# ------------------------------------------------------------------------------- hide=
def hidden(keys: Sequence[str]) -> set[str]:
    """The controls (of `keys`) that the URL's hide= names; anything else in it is ignored."""
    if not _in_a_run():
        return set()
    names = set()
    for value in st.query_params.get_all("hide"):
        names.update(n.strip() for n in value.split(","))
    return names & set(keys)


# -------------------------------------------------------------------------- the context
@dataclass(frozen=True)
class Context:
    """What ui.controls drew this run: enough to write a link, a file and a snippet."""

    page: str
    spec: tuple  # tuple[ui.Control, ...]
    relations: tuple
    values: tuple[tuple[str, Any], ...]
    hide: tuple[str, ...]


def record(context: Context) -> None:
    st.session_state[_CONTEXT] = context


def current() -> Context | None:
    return st.session_state.get(_CONTEXT)


def query_of(context: Context, lang: str, present: bool) -> dict[str, str]:
    """The URL query that reproduces the view: lang, view, hide and every value that is not
    its control's default (in the widget's own text, as ui writes the URL)."""
    query = {"lang": lang}
    if present:
        query["view"] = "present"
    if context.hide:
        query["hide"] = ",".join(context.hide)
    values = dict(context.values)
    for c in context.spec:
        if values[c.key] != c.default:
            query[c.key] = c.url_text(values[c.key])
    return query


def share_link(context: Context) -> str:
    """The full link of this view: the browser's own base URL and query_of."""
    from urllib.parse import urlencode

    query = urlencode(query_of(context, i18n.lang(), presenting()), safe=",")
    base = None
    try:
        base = st.context.url
    except Exception:  # no browser (AppTest)
        base = None
    if not base:
        base = "/" + (st.session_state.get("_ui.page") or "")
    return f"{base.split('?')[0].split('#')[0]}?{query}"


def qr_png(link: str, scale: int = 10) -> bytes:
    """The link's QR code as a PNG: black on white, a 4-module quiet zone, `scale` px per
    module (a 100-character link: 37 modules -> 450 px, scannable across a room)."""
    import segno

    buf = io.BytesIO()
    segno.make(link, error="m", micro=False).save(buf, kind="png", scale=scale, border=4)
    return buf.getvalue()


# ----------------------------------------------------------------------- settings file
def settings_file(context: Context, lang: str, present: bool) -> dict:
    """The page's settings as a JSON-ready dict (it loads back on the same lesson)."""
    return {
        "rnnviz": FILE_VERSION,
        "page": context.page,
        "lang": lang,
        "view": "present" if present else "normal",
        "hide": list(context.hide),
        "settings": dict(context.values),
    }


def parse_settings(raw: bytes | str, context: Context) -> tuple[dict | None, str]:
    """(loaded, "") for a valid settings file of this lesson, else (None, why).

    loaded = {"values": {key: value}, "lang", "view", "hide"}. Values go through the
    lesson's own checks (ui.Control.check, or .parse for text; the lesson's relations), so
    a file can hold only what the lesson's URL could; missing settings take their default.
    """
    from pages import ui

    T = text()
    if isinstance(raw, bytes):
        if len(raw) > MAX_FILE:
            return None, T["too_big"].format(kb=MAX_FILE // 1000)
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            return None, T["bad_json"].format(detail=ui.escape_md(str(exc)))
    if len(raw) > MAX_FILE:
        return None, T["too_big"].format(kb=MAX_FILE // 1000)
    try:
        data = json.loads(raw, parse_constant=lambda c: float(c))  # NaN/Infinity: refused below
    except (ValueError, RecursionError) as exc:
        return None, T["bad_json"].format(detail=ui.escape_md(str(exc)))
    if not isinstance(data, dict):
        return None, T["not_object"]
    allowed = {"rnnviz", "page", "lang", "view", "hide", "settings"}
    unknown = [k for k in data if k not in allowed]
    if unknown:
        return None, T["unknown_keys"].format(keys=ui.escape_md(", ".join(map(str, unknown))))
    if data.get("page") != context.page:
        return None, T["wrong_page"].format(given=ui.escape_md(str(data.get("page"))), page=context.page)
    lang = data.get("lang", i18n.lang())
    if lang not in i18n.LANGS:
        return None, T["bad_lang"].format(opts=", ".join(i18n.LANGS))
    view = data.get("view", "normal")
    if view not in VIEWS:
        return None, T["bad_view"].format(opts=", ".join(VIEWS))
    keys = [c.key for c in context.spec]
    old = {o: c.key for c in context.spec for o in getattr(c, "old_keys", ())}  # renamed controls
    hide = data.get("hide", [])
    if isinstance(hide, list):
        hide = [old.get(h, h) if isinstance(h, str) else h for h in hide]
    if not (isinstance(hide, list) and all(isinstance(h, str) and h in keys for h in hide)):
        return None, T["bad_hide"]
    given = data.get("settings", {})
    if not isinstance(given, dict):
        return None, T["no_settings"]
    given = {(old[k] if k in old and old[k] not in given else k): v for k, v in given.items()}
    unknown = [k for k in given if k not in keys]
    if unknown:
        return None, T["unknown_keys"].format(keys=ui.escape_md(", ".join(map(str, unknown))))
    values = {}
    for c in context.spec:
        if c.key not in given:
            values[c.key] = c.default
            continue
        v = given[c.key]
        ok, checked = c.parse(v) if (isinstance(v, str) and c.kind != "select") else c.check(v)
        if not ok:
            return None, T["bad_value"].format(key=c.key, why=ui.escape_md(str(checked)))
        values[c.key] = checked
    fixed, notes = ui.apply_relations(context.spec, context.relations, values)
    if notes:
        return None, notes[0][1]
    return {"values": fixed, "lang": lang, "view": view, "hide": [k for k in keys if k in hide]}, ""


def _set_param(key: str, value: str | None) -> None:
    """Write (or, with None, drop) a URL parameter that is not a lesson control. One bound to
    a widget (a language switch with key "lang", say) is set through its widget's key."""
    from streamlit.errors import StreamlitAPIException

    try:
        if value is not None:
            st.query_params[key] = value
        elif key in st.query_params:
            del st.query_params[key]
    except StreamlitAPIException:  # bound: the widget's key is the parameter's name
        if value is not None:
            st.session_state[key] = value


def _apply(loaded: dict) -> None:
    """Callback: put a checked settings file into the widgets and the URL."""
    for k, v in loaded["values"].items():
        st.session_state[k] = v
    st.session_state[_VIEW] = loaded["view"]
    st.session_state[i18n._SESSION] = loaded["lang"]
    _set_param("lang", loaded["lang"])
    _set_param("view", "present" if loaded["view"] == "present" else None)
    _set_param("hide", ",".join(loaded["hide"]) or None)


def _load(raw: bytes | str | None) -> None:
    context = current()
    if raw is None or context is None:
        return
    loaded, why = parse_settings(raw, context)
    if loaded is None:
        st.session_state[_MESSAGE] = ("error", text()["refused"].format(why=why))
        return
    _apply(loaded)
    st.session_state[_MESSAGE] = ("success", text()["loaded"])


def _load_upload(key: str) -> None:
    f = st.session_state.get(key)
    if f is not None:
        _load(f.getvalue())


def _load_paste(key: str) -> None:
    _load(st.session_state.get(key) or "")


def _set_view(view: str) -> None:
    st.session_state[_VIEW] = view
    _set_param("view", "present" if view == "present" else None)


# ------------------------------------------------------------------------------ drawing
def _share_body(link: str) -> None:
    T = text()
    st.caption(T["share_help"])
    st.caption(T["share_link"])
    st.code(link, language=None, wrap_lines=True)
    st.image(qr_png(link), caption=T["share_qr"], width=560)


def sidebar_tools(context: Context, where: Any) -> None:
    """ui.controls calls this after its buttons: the teacher's tools, in the sidebar."""
    record(context)
    T = text()
    pid = context.page
    message = st.session_state.pop(_MESSAGE, None)
    if message is not None:
        kind, msg = message
        (st.error if kind == "error" else st.success)(msg)
    with where.expander(T["tools"], icon=":material/share:"):
        present = presenting()
        if st.button(T["share"], key=f"_teacher.{pid}.share", icon=":material/qr_code_2:",
                     width="stretch", type="primary"):
            st.dialog(T["share_title"], width="large")(_share_body)(share_link(context))
        st.button(T["present_off"] if present else T["present_on"], key=f"_teacher.{pid}.view",
                  on_click=_set_view, args=("normal" if present else "present",),
                  icon=":material/co_present:", width="stretch")
        data = json.dumps(settings_file(context, i18n.lang(), present), ensure_ascii=False, indent=2)
        st.download_button(T["download"], data=data.encode(), file_name=f"rnnviz-{pid}.json",
                           mime="application/json", key=f"_teacher.{pid}.download",
                           icon=":material/download:", width="stretch", on_click="ignore")
        up = f"_teacher.{pid}.upload"
        st.file_uploader(T["upload"], type=["json"], key=up, on_change=_load_upload, args=(up,),
                         max_upload_size=1)
        paste = f"_teacher.{pid}.paste"
        st.text_area(T["paste"], key=paste, height=100, max_chars=MAX_FILE)
        st.button(T["paste_load"], key=f"_teacher.{pid}.paste_load", on_click=_load_paste,
                  args=(paste,), width="stretch")


def snippet_extra(page: str, values: Mapping[str, Any]) -> None:
    """A page whose figure depends on more than its controls (your_model: the file, the
    layer) gives the rest of its snippet's values here, in each run that draws the figure."""
    st.session_state[_EXTRA] = (page, dict(values))


def snippet_values(context: Context) -> dict[str, Any]:
    """The values the lesson's snippet is written with: its controls and snippet_extra's."""
    values = dict(context.values)
    extra = st.session_state.get(_EXTRA)
    if extra is not None and extra[0] == context.page:
        values.update(extra[1])
    return values


def after_page() -> None:
    """app.py, after the page ran: the notebook snippet of this lesson, if it has one."""
    from pages import snippets

    context = current()
    if context is None or context.page not in snippets.SNIPPETS:
        return
    T = text()
    with st.expander(T["snippet"], icon=":material/code:"):
        st.caption(T["snippet_help"])
        st.code(snippets.code(context.page, snippet_values(context), i18n.lang()), language="python")
