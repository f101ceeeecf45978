"""Shared page framework: one table of controls per lesson drives the widgets and the URL.

A lesson page, in storyboard order (controls -> cached computation -> figure -> text)::

    import streamlit as st
    from pages import memo, ui
    from rnnviz.figures import style

    TEXT = {"title": "…", "T": "Sequence length T (steps)", "act": "Activation σ",
            "opt_act_tanh": "tanh", "opt_act_relu": "ReLU",
            "seed": "Random seed", "preset_long": "Long sequence"}
    CONTROLS = [
        ui.Control("T", TEXT["T"], "int", 100, min=2, max=2000),
        ui.Control("act", TEXT["act"], "select", "tanh", options={"tanh": "…", "relu": "…"}),
        ui.Control("w", "w", "log", 1.0, min=-1, max=1, step=0.5),  # 0.1, 0.316, …, 10
        ui.Control("seed", TEXT["seed"], "seed", 0),
    ]
    PRESETS = {"long": {"T": 1000}}

    @memo.data(max_entries=32)                 # pages/memo.py: bounded, shared, no copies
    def compute(T: int, act: str, seed: int): ...

    @memo.figure(max_entries=32)               # keyed by compute's settings + the language
    def norms_figure(r): return figures.norms(r, labels={"title": TEXT["fig_title"]})

    st.title(TEXT["title"])
    s = ui.controls("bptt", CONTROLS, presets=PRESETS, text=TEXT)
    with ui.guard():                            # a ValueError becomes st.error + stop
        ui.plot(norms_figure(compute(s.T, s.act, s.seed)), key="norms")

Every control is a Streamlit widget with ``key=<short key>`` and ``bind="query-params"``:
the key is the URL parameter, a value equal to the default is left out of the URL, and a
shared link reproduces the run (the seed is a control like any other). Select boxes are
the exception: they show ``TEXT["opt_<key>_<option>"]`` in the page's language, and a
bound box would write that label into the URL, so they are not bound and ui writes the
option's key into the URL after the widgets.

URL values are checked here, before the widgets exist, against the same table (type,
range, option membership, NaN/inf, repeated keys, a slider's steps). A refused value opens
the page on the default, a value off a slider's steps is snapped to the nearest step, and
each is listed in one ``st.warning``; nothing the user typed is rendered as HTML or
markdown. Parameters that are not controls of the page are ignored. A page may declare
relations between its controls (``relations=[ui.Relation("w", "<=", "T")]``): a link or a
slider that breaks one moves the first key to the other's value, with the same note.

Across pages, nothing follows a student from lesson to lesson, not even the seed or T
(the language, `lang`, is the one exception: pages/i18n.py keeps it in every page's URL).
Pages share keys (T, H, cell, lr, seed, …) with different limits, options and defaults,
and Streamlit 1.67 hands a bound widget's value to the next page's widget of the same key
(it keeps it under the key in session state and writes it into the new page's URL); on
the old code that raised StreamlitValueAboveMaxError or showed ``cell=relu-rnn`` in the
URL beside an "lstm" box. Deliberately: each lesson's text describes its own defaults and
presets, a teacher saying "open the gates lesson" must get the same picture on forty
screens whatever each student did before, and a lesson's link must reproduce it. So on
coming to a page (sidebar, page link, back button; app.py calls ``entered_page``) every
control takes the URL's value, else the value this page had last in this session (a
student who comes back finds the lesson as they left it), else the page's default; every
value is checked against this page's table whatever its source, and whatever still does
not fit takes the default with the note.

Streamlit seeds a bound widget from the URL on its first render, and at the edges its
parsing differs from the table's (``T=2.5`` would become 2 on an int slider, ``lr=1e-2``
would be dropped when the option reads ``0.01``). So before the widgets exist, refused
values are taken out of the URL and accepted ones rewritten in the widget's own text:
widget, URL and returned settings always agree. Presets and "Reset to defaults" set
``st.session_state[key]`` in on_click callbacks, the documented way to change a bound
widget, and the URL follows.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import streamlit as st

from pages import i18n, schema, st_shims, teacher

# The framework in four modules; pages import only this one (`from pages import ui`):
#   pages/schema.py     the settings schema: controls, URL parsing and checks, relations,
#                       presets as data (no Streamlit)
#   pages/ui.py         widgets and presets: drawing the controls, the URL they keep,
#                       presets, reset, memory across pages, the safety net (this module)
#   pages/st_shims.py   the few private Streamlit APIs this needs, each with its reason
#   pages/output.py     charts, equations and error messages
from pages.schema import (  # noqa: F401  (re-exported for pages)
    KINDS, RESERVED, SEED_MAX, Control, Relation, Settings, apply_relations, check_presets,
    defaults, escape_md, read_url, _check_relations, _check_spec, _fmt, _read_url,
)
from pages.output import equation, error_text, guard, plot, show_error  # noqa: F401

_LOGGER = st_shims.logger(__name__)

# Framework strings, in both languages (read through text_() at each call). A page's TEXT may
# override "ui_reset", "ui_presets" and "ui_url_ignored"; the sentences about refused URL
# values are pages/schema.py's, library errors pages/output.py's.
TEXT = {
    "ui_reset": "Reset to defaults",
    "ui_presets": "Presets",
    "ui_url_ignored": "Some settings in the link were ignored:",
    "ui_adjusted": "Some settings were changed to fit this lesson:",
    "ui_out_of_table": "{given} is outside this lesson's settings; using {default}",
    "ui_failed": "This setting could not be drawn.",
    "ui_failed_reset": "Open this lesson with its default settings",
}
TEXT_ZH = {
    "ui_reset": "恢复默认设置",
    "ui_presets": "预设",
    "ui_url_ignored": "链接里有几项设置没有采用：",
    "ui_adjusted": "有几项设置做了调整，以符合本课的取值范围：",
    "ui_out_of_table": "{given} 超出了本课的设置范围，已改用 {default}",
    "ui_failed": "这组设置没能画出来。",
    "ui_failed_reset": "用默认设置重新打开本课",
}


def text_() -> Mapping[str, str]:
    """The framework strings in this run's language (this module is imported once per
    process, so the choice is made at each call, not at import)."""
    return {**schema.text_(), **i18n.pick(TEXT, TEXT_ZH)}


# --------------------------------------------------------------------------- widgets
def option_label(c: Control, option: Any, text: Mapping[str, str]) -> str:
    """What a select box shows for one option: the page's ``TEXT["opt_<key>_<option>"]``
    in this run's language, else the option's key (tests/test_ui_options.py requires the
    label in both languages for every option of every page)."""
    return text.get(f"opt_{c.key}_{option}", str(option))


def _widget(c: Control, where: Any, disabled: bool = False, text: Mapping[str, str] | None = None) -> Any:
    common = dict(key=c.key, help=c.help, bind="query-params", disabled=disabled)
    if c.kind == "int":
        return where.slider(
            c.label, min_value=int(c.min), max_value=int(c.max), value=c.default,
            step=int(c.step or 1), **common,
        )
    if c.kind == "float":
        return where.slider(
            c.label, min_value=float(c.min), max_value=float(c.max), value=c.default,
            step=float(c.step) if c.step else None, format="%g", **common,
        )
    if c.kind == "log":
        return where.select_slider(
            c.label, options=list(c.options), value=c.default, format_func=_fmt, **common
        )
    if c.kind == "select":
        # The box shows the translated label and the URL keeps the key. A bound widget
        # writes the text it shows into the URL (format_func's label, not the key), so a
        # select box is not bound: controls() writes its key into the URL (_sync_url).
        keys = list(c.option_keys)
        labels = {k: option_label(c, k, text or {}) for k in keys}
        if isinstance(c.options, dict) and c.help is None:
            common["help"] = "  \n".join(f"**{labels[k]}** — {v}" for k, v in c.options.items())
        del common["bind"]
        return where.selectbox(c.label, options=keys, index=keys.index(c.default),
                               format_func=labels.__getitem__, **common)
    if c.kind == "toggle":
        return where.toggle(c.label, value=c.default, **common)
    if c.kind == "seed":
        return where.number_input(
            c.label, min_value=int(c.min), max_value=int(c.max), value=c.default, step=1,
            **common,
        )
    raise AssertionError(c.kind)


def _set_values(values: Mapping[str, Any]) -> None:
    for k, v in values.items():
        st.session_state[k] = v


# Session-state keys of the framework (not controls: they start with "_ui.").
_PAGE = "_ui.page"  # url path of the page the last run of app.py showed
_DRAWN = "_ui.drawn"  # page id whose controls were drawn since the student came to the page
_MEMORY = "_ui.memory"  # page id -> {key: value}: each page's last settings in this session
_CURRENT = "_ui.current"  # (page id, keys) of the controls drawn in this run (page_failed)


def entered_page(url_path: str) -> None:
    """app.py calls this before every page run. A change of page (sidebar link, page
    link, back button) makes the next ui.controls call open the page on its own
    settings, not on values another page left under the same keys."""
    st.session_state.pop(_CURRENT, None)
    if st.session_state.get(_PAGE) != url_path:
        st.session_state[_PAGE] = url_path
        st.session_state.pop(_DRAWN, None)


def controls(
    page_id: str,
    spec: Sequence[Control],
    presets: Mapping[str, Mapping[str, Any]] | None = None,
    text: Mapping[str, str] | None = None,
    *,
    relations: Sequence[Relation] = (),
    where: Any = None,
    inactive: Callable[[dict[str, Any]], set[str]] | None = None,
) -> Settings:
    """Draw the page's controls (in the sidebar), bound to the URL; return the checked Settings.

    presets: name -> {key: value}; the button label is text[f"preset_{name}"] (else name).
    text: the page's TEXT; keys "ui_reset", "ui_presets", ... override the framework strings.
    relations: rules between controls (ui.Relation("w", "<=", "T")), kept with a note.
    inactive: values -> keys of the controls that have no effect with those values (e.g. the
    LSTM forget bias while the cell is an RNN); they are drawn disabled, not silently ignored.
    The values are what the widgets will show this run (after the checks and relations).
    """
    st_shims.run_through_app_shell()
    spec = _check_spec(spec)
    relations = _check_relations(spec, relations)
    presets = check_presets(spec, presets or {}, relations)
    text = {**text_(), **(text or {})}
    where = st.sidebar if where is None else where
    st.session_state[_CURRENT] = (page_id, tuple(c.key for c in spec))

    _follow_old_keys(spec)
    # hide= in the URL: not drawn, value kept (an old link may name a control's old key)
    named = teacher.hidden([c.key for c in spec] + [o for c in spec for o in c.old_keys])
    hide = {c.key for c in spec if c.key in named or named & set(c.old_keys)}
    values, notes, refused = _values_before_widgets(page_id, spec, relations, hide)
    off = set(inactive(dict(values))) if inactive is not None else set()
    got = {c.key: values[c.key] if c.key in hide else _widget(c, where, c.key in off, text)
           for c in spec}
    st.session_state[_DRAWN] = page_id

    defaults_ = {c.key: c.default for c in spec}
    if presets:
        where.caption(text["ui_presets"])
        cols = where.columns(2)
        for i, (name, preset) in enumerate(presets.items()):
            cols[i % 2].button(
                text.get(f"preset_{name}", name), key=f"_ui.{page_id}.preset.{name}",
                on_click=_set_values, args=(preset,), width="stretch",
            )
    where.button(
        text["ui_reset"], key=f"_ui.{page_id}.reset", on_click=_set_values, args=(defaults_,),
        icon=":material/restart_alt:", width="stretch",
    )

    if notes:
        head = text["ui_url_ignored"] if set(notes) <= refused else text["ui_adjusted"]
        st.warning(head + "\n\n" + "\n".join(f"- {n}" for n in notes))

    checked = {}
    for c in spec:  # what the widgets show, in the table's types
        ok, v = c.check(got[c.key])
        checked[c.key] = v if ok else values[c.key]
    unbound = {c.key for c in spec if c.kind == "select" and c.key not in hide}
    _sync_url(spec, checked, unbound)  # select boxes: the URL says the key they show
    memory = dict(st.session_state.get(_MEMORY, {}))
    memory[page_id] = checked
    st.session_state[_MEMORY] = memory
    teacher.sidebar_tools(teacher.Context(page_id, spec, relations, tuple(checked.items()),
                                          tuple(c.key for c in spec if c.key in hide)), where)
    return Settings(page_id, tuple(checked.items()), spec)


def _follow_old_keys(spec: Sequence[Control]) -> None:
    """Old links keep working: a control's former URL name (Control.old_keys, e.g. the
    training lab's `hidden`, now `H` as on every other page) is moved to its key in the
    URL before anything reads it, and then checked like any value. The current key wins
    when a link has both."""
    moves: dict[str, str | None] = {}
    for c in spec:
        for old in c.old_keys:
            given = st.query_params.get_all(old)
            if not given:
                continue
            moves[old] = None
            if c.key not in moves and not st.query_params.get_all(c.key):
                moves[c.key] = given[0]
    if moves:
        st_shims.write_url(moves)


def _values_before_widgets(
    page_id: str, spec: Sequence[Control], relations: Sequence[Relation], hide: set[str] = frozenset()
) -> tuple[dict[str, Any], list[str], set[str]]:
    """Decide every control's value before any widget exists, and make the URL say it.

    Pages share keys (T, H, cell, lr, …) with different limits and options, and Streamlit
    carries a bound widget's value to the next page's widget of the same key (1.67 keeps
    it under the key across a page switch and writes it into the new page's URL). So:

    - On coming to a page (a navigation link, a page link, the back button) nothing is
      carried: each control takes the URL's value (a shared link, a history entry), else
      the value this page had last in this session, else the page's default. A history
      entry that holds some of the page's settings is the whole truth (missing ones are
      defaults); a bare one gets the memory: Streamlit 1.67 pushes a bare entry of the old
      page while it switches pages, so "back" lands there first.
    - On a rerun of the same page, the widget's own value stands.
    - Either way, every value is checked against the page's table and relations; what
      does not fit takes the default (or gives way to the relation) with the one note.
    - Hidden controls (`hide`, pages/teacher.py) have no widget to write the URL, so the
      URL is made to say their value on every run (a preset or Reset may change it).

    Returns (values, notes, notes that refused a URL value).
    """
    history = st_shims.is_history_navigation()
    arriving = st.session_state.get(_DRAWN) != page_id

    wanted, url_problems, snapped = _read_url(spec, st.query_params.get_all)
    url_notes = dict(url_problems)
    refused = set(url_notes) - snapped
    given = {c.key for c in spec if st.query_params.get_all(c.key) and c.key not in refused}
    # A history entry that names this page's settings is the whole truth; a bare one (a
    # sidebar link, or the entry Streamlit adds while it switches pages) gets the memory.
    remember = arriving and not (history and (given or refused))
    memory = st.session_state.get(_MEMORY, {}).get(page_id, {}) if remember else {}

    values, notes, push = {}, [n for _, n in url_problems], set()
    for c in spec:
        if arriving or history or c.key not in st.session_state:
            if c.key in given or c.key in refused:
                values[c.key] = wanted[c.key]
            else:
                values[c.key] = memory.get(c.key, c.default)
            push.add(c.key)
            continue
        ok, v = c.check(st.session_state[c.key])
        if ok:
            values[c.key] = v
        else:  # a value no check let through: say so, use the default
            shown = st.session_state[c.key]
            shown = c.url_text(shown) if isinstance(shown, (int, float, str)) else str(type(shown))
            notes.append(text_()["ui_out_of_table"].format(
                given=escape_md(f"{c.key}={shown}"), default=escape_md(c.url_text(c.default))))
            values[c.key] = c.default
            push.add(c.key)
    values, relation_notes = apply_relations(spec, relations, values)
    for key, note in relation_notes:
        notes.append(note)
        push.add(key)
        push.update(r.other for r in relations if r.key == key)

    for c in spec:
        if c.key in push:
            st.session_state[c.key] = values[c.key]
    _sync_url(spec, values, push | refused | set(url_notes) | set(hide), hide)
    return values, notes, {url_notes[k] for k in refused}


def _sync_url(
    spec: Sequence[Control], values: Mapping[str, Any], keys: set[str], hide: set[str] = frozenset()
) -> None:
    """Make the URL say `values` for `keys`, in the widget's own text, before widgets exist.

    A bound widget seeds itself from the URL on its first render, and Streamlit's own
    parsing differs from the table's at the edges (``T=2.5`` becomes 2, ``lr=1e-2`` is
    dropped when the option reads ``0.01``); a value carried from another page is written
    into the new page's URL. So the URL Streamlit reads (its initial parameters) and the
    browser's are both rewritten here: a default leaves the URL, any other value is
    written as the widget writes it. Widget, URL and settings agree. (Streamlit's
    QueryParams internals: pages/st_shims.py, write_url.)
    """
    st_shims.write_url(
        {c.key: None if values[c.key] == c.default else c.url_text(values[c.key])
         for c in spec if c.key in keys},
        unbind=hide,  # a hidden control's widget of an earlier run: the URL is ours now
    )


# ------------------------------------------------------------------------ safety net
def page_failed(page: Any, exc: Exception) -> None:
    """What the student sees when a page raised what no check foresaw: one short message
    and a link-styled button that opens the lesson on its bare URL (its defaults). The
    traceback goes to the server log only (and client.showErrorDetails = "none" keeps
    Streamlit's own from a browser).

    app.py calls this around `page.run()`. Streamlit's control flow (st.rerun, st.stop,
    st.switch_page) raises ScriptControlException, a BaseException, which passes by.
    (A link to the page itself would do nothing: Streamlit ignores a link to the open page.)
    """
    if st_shims.is_control_flow(exc):  # pragma: no cover - a BaseException
        raise exc
    _LOGGER.error("Page %s failed", getattr(page, "url_path", page), exc_info=exc)
    st.error(text_()["ui_failed"], icon=":material/error:")
    st.button(text_()["ui_failed_reset"], key="_ui.failed.reset", type="tertiary",
              icon=":material/restart_alt:", on_click=_open_bare, args=(st.session_state.get(_CURRENT),))


def _open_bare(current: tuple[str, tuple[str, ...]] | None) -> None:
    """The failed page again on its bare URL (but for `lang`): no memory, its defaults."""
    st.session_state.pop(_DRAWN, None)  # the next run comes to the page afresh
    if current is not None:
        page_id, _ = current
        memory = dict(st.session_state.get(_MEMORY, {}))
        memory.pop(page_id, None)
        st.session_state[_MEMORY] = memory
    st_shims.clear_url(keep=(i18n.PARAM,))  # the language stays (pages/i18n.py)
