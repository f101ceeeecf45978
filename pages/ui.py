"""Shared page framework: one table of controls per lesson drives the widgets and the URL.

A lesson page, in storyboard order (controls -> cached computation -> figure -> text)::

    import streamlit as st
    from pages import ui
    from rnnviz.figures import style

    TEXT = {"title": "…", "T": "Sequence length T (steps)", "act": "Activation σ",
            "seed": "Random seed", "preset_long": "Long sequence"}
    CONTROLS = [
        ui.Control("T", TEXT["T"], "int", 100, min=2, max=2000),
        ui.Control("act", TEXT["act"], "select", "tanh", options={"tanh": "…", "relu": "…"}),
        ui.Control("w", "w", "log", 1.0, min=-1, max=1, step=0.5),  # 0.1, 0.316, …, 10
        ui.Control("seed", TEXT["seed"], "seed", 0),
    ]
    PRESETS = {"long": {"T": 1000}}

    @st.cache_data(max_entries=32, show_spinner=False)
    def compute(s: ui.Settings): ...          # or compute(s.T, s.act, s.seed)

    st.title(TEXT["title"])
    s = ui.controls("bptt", CONTROLS, presets=PRESETS, text=TEXT)
    with ui.guard():                            # a ValueError becomes st.error + stop
        ui.plot(make_figure(compute(s)), key="norms")

Every control is a Streamlit widget with ``key=<short key>`` and ``bind="query-params"``:
the key is the URL parameter, a value equal to the default is left out of the URL, and a
shared link reproduces the run (the seed is a control like any other).

URL values are checked here, before the widgets exist, against the same table (type,
range, option membership, NaN/inf, repeated keys). A refused value opens the page on the
default and is listed in one ``st.warning``; nothing the user typed is rendered as HTML
or markdown. Parameters that are not controls of the page are ignored.

Streamlit seeds a bound widget from the URL on its first render, and at the edges its
parsing differs from the table's (``T=2.5`` would become 2 on an int slider, ``lr=1e-2``
would be dropped when the option reads ``0.01``). So before the widgets exist, refused
values are taken out of the URL and accepted ones rewritten in the widget's own text:
widget, URL and returned settings always agree. Presets and "Reset to defaults" set
``st.session_state[key]`` in on_click callbacks, the documented way to change a bound
widget, and the URL follows.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Iterator

import plotly.graph_objects as go
import plotly.io as pio
import streamlit as st

from rnnviz.figures.browser import react_ready

KINDS = ("int", "float", "log", "select", "toggle", "seed")
SEED_MAX = 2**31 - 1
RESERVED = ("page", "items", "replace", "as_dict", "embed", "embed_options")  # Settings / Streamlit names

# Framework strings. A page's TEXT may override "ui_reset", "ui_presets" and "ui_url_ignored";
# the sentences about refused URL values are read from here (translate them here).
TEXT = {
    "ui_reset": "Reset to defaults",
    "ui_presets": "Presets",
    "ui_url_ignored": "Some settings in the link were ignored:",
    "ui_problem": "URL value {given} {why}; using {default}",
    "ui_repeated": "is given {n} times",
    "ui_not_whole": "is not a whole number in {lo}–{hi}",
    "ui_not_number": "is not a number in {lo}–{hi}",
    "ui_not_option": "is not one of {opts}",
    "ui_not_bool": "is not true or false",
}


# --------------------------------------------------------------------------- the table
@dataclass(frozen=True)
class Control:
    """One setting of a lesson: its URL key, widget, default and bounds.

    kind:
      "int"    whole-number slider, min..max by step.
      "float"  slider, min..max by step.
      "log"    select_slider over `options` (numbers), or over powers of ten
               10**min .. 10**max by `step` decades (step defaults to 1).
      "select" selectbox over `options`: a list of short keys, or a dict short key ->
               display text (shown in the help tooltip; the widget and the URL show the key).
      "toggle" on/off switch (bool).
      "seed"   whole number 0..2**31-1 (or min..max) in a number input.
    """

    key: str  # URL parameter and st.session_state key: short, e.g. "T", "act", "seed"
    label: str
    kind: str
    default: Any
    min: float | None = None
    max: float | None = None
    step: float | None = None
    options: Sequence[Any] | Mapping[str, str] | None = None
    help: str | None = None

    def __post_init__(self) -> None:
        if not (isinstance(self.key, str) and self.key.isidentifier()) or self.key in RESERVED:
            raise ValueError(f"Control key {self.key!r} must be a short identifier, not {RESERVED}.")
        if self.kind not in KINDS:
            raise ValueError(f"Control {self.key}: kind {self.kind!r} is not one of {KINDS}.")
        if isinstance(self.options, Mapping):
            object.__setattr__(self, "options", dict(self.options))
        elif self.options is not None:
            object.__setattr__(self, "options", tuple(self.options))
        if self.kind == "log" and self.options is None:
            if self.min is None or self.max is None:
                raise ValueError(f"Control {self.key}: log needs options or min/max exponents.")
            step = self.step or 1
            n = int(round((self.max - self.min) / step))
            exps = [self.min + i * step for i in range(n + 1)]
            object.__setattr__(self, "options", tuple(_nice(10.0**e) for e in exps))
        if self.kind == "seed":
            object.__setattr__(self, "min", 0 if self.min is None else self.min)
            object.__setattr__(self, "max", SEED_MAX if self.max is None else self.max)
        if self.kind in ("int", "float", "seed") and (self.min is None or self.max is None):
            raise ValueError(f"Control {self.key}: {self.kind} needs min and max.")
        if self.kind in ("log", "select") and not self.options:
            raise ValueError(f"Control {self.key}: {self.kind} needs options.")
        if self.kind == "select" and not all(isinstance(o, str) for o in self.option_keys):
            raise ValueError(f"Control {self.key}: select options must be short string keys.")
        if self.kind in ("int", "seed"):
            for name in ("min", "max", "step"):
                v = getattr(self, name)
                if v is not None and not float(v).is_integer():
                    raise ValueError(f"Control {self.key}: {name} must be whole for {self.kind}.")
        ok, value = self.check(self.default)
        if not ok:
            raise ValueError(f"Control {self.key}: default {self.default!r} {value}.")
        object.__setattr__(self, "default", value)

    @property
    def option_keys(self) -> tuple[Any, ...]:
        return tuple(self.options) if self.options is not None else ()

    def check(self, value: Any) -> tuple[bool, Any]:
        """(True, value in its canonical type) or (False, reason) for a Python value."""
        if self.kind in ("int", "seed"):
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                return False, self._reason()
            if not (math.isfinite(value) and float(value).is_integer()):
                return False, self._reason()
            value = int(value)
            if not (self.min <= value <= self.max):
                return False, self._reason()
            return True, value
        if self.kind == "float":
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                return False, self._reason()
            value = float(value)
            if not (math.isfinite(value) and self.min <= value <= self.max):
                return False, self._reason()
            return True, value
        if self.kind == "log":
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                return False, self._reason()
            if not (math.isfinite(value) and value > 0):
                return False, self._reason()
            # Match an option within 1% (URL text "3.16" for 10**0.5, "1e-3" for 0.001).
            best = min(self.options, key=lambda o: abs(math.log10(o) - math.log10(value)))
            if abs(math.log10(best) - math.log10(value)) > 0.0044:
                return False, self._reason()
            return True, best
        if self.kind == "select":
            if value not in self.option_keys:
                return False, self._reason()
            return True, value
        if self.kind == "toggle":
            if not isinstance(value, bool):
                return False, self._reason()
            return True, value
        raise AssertionError(self.kind)

    def parse(self, text: str) -> tuple[bool, Any]:
        """Check one URL string: (True, value) or (False, reason)."""
        text = text.strip()
        if self.kind == "toggle":
            low = text.lower()
            if low in ("true", "1", "on", "yes"):
                return True, True
            if low in ("false", "0", "off", "no"):
                return True, False
            return False, self._reason()
        if self.kind == "select":
            return self.check(text)
        try:
            number = float(text)
        except ValueError:
            return False, self._reason()
        return self.check(number)

    def _reason(self) -> str:
        if self.kind in ("int", "seed"):
            return TEXT["ui_not_whole"].format(lo=_fmt(self.min), hi=_fmt(self.max))
        if self.kind == "float":
            return TEXT["ui_not_number"].format(lo=_fmt(self.min), hi=_fmt(self.max))
        if self.kind == "toggle":
            return TEXT["ui_not_bool"]
        opts = [_fmt(o) if self.kind == "log" else o for o in self.option_keys]
        shown = ", ".join(opts[:8]) + (", …" if len(opts) > 8 else "")
        return TEXT["ui_not_option"].format(opts=shown)

    def url_text(self, value: Any) -> str:
        """How the value is written in the URL and on the widget."""
        if self.kind == "toggle":
            return "true" if value else "false"
        if self.kind == "log":
            return _fmt(value)  # the select_slider's option text
        if self.kind == "float":  # as Streamlit writes a bound slider's value
            return str(int(value)) if float(value).is_integer() else repr(float(value))
        return str(value)


def _nice(x: float) -> float:
    """Round to 3 significant digits so generated log options print and parse exactly."""
    return float(f"{x:.3g}")


def _fmt(x: Any) -> str:
    """Short number text without '+' (a '+' in a URL reads as a space)."""
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        return str(x)
    if float(x).is_integer() and abs(x) < 1e6:
        return str(int(x))
    s = f"{x:.3g}"
    return s.replace("e+0", "e").replace("e+", "e").replace("e-0", "e-")


# ------------------------------------------------------------------------- settings
@dataclass(frozen=True)
class Settings:
    """The checked values of one page: frozen, hashable, usable as a cache_data argument.

    Read with ``s.T`` or ``s["T"]``; ``s.replace(T=50)`` returns a checked copy.
    """

    page: str
    items: tuple[tuple[str, Any], ...]
    _spec: tuple[Control, ...] = field(default=(), compare=False, repr=False, hash=False)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_") or name in ("page", "items"):
            raise AttributeError(name)
        for k, v in self.items:
            if k == name:
                return v
        raise AttributeError(f"Settings of page {self.page!r} have no {name!r}.")

    def __getitem__(self, key: str) -> Any:
        for k, v in self.items:
            if k == key:
                return v
        raise KeyError(key)

    def __contains__(self, key: object) -> bool:
        return any(k == key for k, _ in self.items)

    def as_dict(self) -> dict[str, Any]:
        return dict(self.items)

    def replace(self, **changes: Any) -> Settings:
        by_key = {c.key: c for c in self._spec}
        values = self.as_dict()
        for k, v in changes.items():
            if k not in values:
                raise ValueError(f"Settings of page {self.page!r} have no {k!r}.")
            if k in by_key:
                ok, v = by_key[k].check(v)
                if not ok:
                    raise ValueError(f"{k}={changes[k]!r} {v}.")
            values[k] = v
        return Settings(self.page, tuple(values.items()), self._spec)


def defaults(page_id: str, spec: Iterable[Control]) -> Settings:
    """Settings holding every default (for tests and scripts, no Streamlit needed)."""
    spec = _check_spec(spec)
    return Settings(page_id, tuple((c.key, c.default) for c in spec), spec)


def _check_spec(spec: Iterable[Control]) -> tuple[Control, ...]:
    spec = tuple(spec)
    keys = [c.key for c in spec]
    dup = {k for k in keys if keys.count(k) > 1}
    if dup:
        raise ValueError(f"Control keys repeated: {sorted(dup)}.")
    return spec


def check_presets(spec: Sequence[Control], presets: Mapping[str, Mapping[str, Any]]) -> dict:
    """Each preset value checked against the table; a wrong preset is a page bug: raise."""
    by_key = {c.key: c for c in spec}
    out = {}
    for name, values in presets.items():
        checked = {}
        for k, v in values.items():
            if k not in by_key:
                raise ValueError(f"Preset {name!r}: {k!r} is not a control of the page.")
            ok, cv = by_key[k].check(v)
            if not ok:
                raise ValueError(f"Preset {name!r}: {k}={v!r} {cv}.")
            checked[k] = cv
        out[name] = checked
    return out


# ------------------------------------------------------------------------------ URL
def read_url(
    spec: Sequence[Control], get_all: Callable[[str], list[str]]
) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """Checked value of every control from the URL, and (key, sentence) per refused value.

    `get_all(key)` returns every value the URL gives for key (st.query_params.get_all).
    """
    values, problems = {}, []
    for c in spec:
        raw = get_all(c.key)
        values[c.key] = c.default
        if not raw:
            continue
        if len(raw) > 1:
            why = TEXT["ui_repeated"].format(n=len(raw))
            problems.append((c.key, _problem(c, raw[0], why)))
            continue
        ok, v = c.parse(raw[0])
        if ok:
            values[c.key] = v
        else:
            problems.append((c.key, _problem(c, raw[0], v)))
    return values, problems


def _problem(c: Control, raw: str, why: str) -> str:
    return TEXT["ui_problem"].format(
        given=escape_md(f"{c.key}={raw}"), why=escape_md(why), default=escape_md(c.url_text(c.default))
    )


def escape_md(text: str, limit: int = 60) -> str:
    """User text made inert for st.markdown: printable only, cut, every ASCII punctuation escaped."""
    text = "".join(ch if ch.isprintable() else "?" for ch in str(text))
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return "".join("\\" + ch if (ch.isascii() and not ch.isalnum() and ch != " ") else ch for ch in text)


# --------------------------------------------------------------------------- widgets
def _widget(c: Control, where: Any, disabled: bool = False) -> Any:
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
        keys = list(c.option_keys)
        if isinstance(c.options, dict) and c.help is None:
            common["help"] = "  \n".join(f"**{k}** — {v}" for k, v in c.options.items())
        return where.selectbox(c.label, options=keys, index=keys.index(c.default), **common)
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


def _run_through_app_shell() -> None:
    """A shared link opened first on a fresh server must still go through app.py.

    Streamlit treats a `pages/` folder beside app.py as a multipage app of the old kind
    until app.py has called st.navigation once (PagesManager.uses_pages_directory): a
    first visit to /gates would run pages/gates.py alone, without app.py's page config
    and navigation. st.navigation itself clears that flag; clearing it here and rerunning
    lets the same URL run through app.py, which then opens the intended page.
    """
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


def controls(
    page_id: str,
    spec: Sequence[Control],
    presets: Mapping[str, Mapping[str, Any]] | None = None,
    text: Mapping[str, str] | None = None,
    *,
    where: Any = None,
    inactive: Callable[[dict[str, Any]], set[str]] | None = None,
) -> Settings:
    """Draw the page's controls (in the sidebar), bound to the URL; return the checked Settings.

    presets: name -> {key: value}; the button label is text[f"preset_{name}"] (else name).
    text: the page's TEXT; keys "ui_reset", "ui_presets", ... override the framework strings.
    inactive: values -> keys of the controls that have no effect with those values (e.g. the
    LSTM forget bias while the cell is an RNN); they are drawn disabled, not silently ignored.
    The values are what the widgets will show this run (session state, else URL or default).
    """
    _run_through_app_shell()
    spec = _check_spec(spec)
    presets = check_presets(spec, presets or {})
    text = {**TEXT, **(text or {})}
    where = st.sidebar if where is None else where

    wanted, problems = read_url(spec, st.query_params.get_all)
    _canonicalise_url(spec, wanted, {k for k, _ in problems})

    off = set()
    if inactive is not None:
        shown = {c.key: st.session_state[c.key] if c.key in st.session_state else wanted[c.key]
                 for c in spec}
        off = set(inactive(shown))
    got = {c.key: _widget(c, where, c.key in off) for c in spec}

    defaults_ = {c.key: c.default for c in spec}
    if presets:
        where.caption(text["ui_presets"])
        cols = where.columns(2)
        for i, (name, values) in enumerate(presets.items()):
            cols[i % 2].button(
                text.get(f"preset_{name}", name), key=f"_ui.{page_id}.preset.{name}",
                on_click=_set_values, args=(values,), width="stretch",
            )
    where.button(
        text["ui_reset"], key=f"_ui.{page_id}.reset", on_click=_set_values, args=(defaults_,),
        icon=":material/restart_alt:", width="stretch",
    )

    if problems:
        st.warning(text["ui_url_ignored"] + "\n\n" + "\n".join(f"- {p}" for _, p in problems))

    checked = {}
    for c in spec:  # what the widgets show, in the table's types
        ok, v = c.check(got[c.key])
        checked[c.key] = v if ok else c.default
    return Settings(page_id, tuple(checked.items()), spec)


def _canonicalise_url(spec: Sequence[Control], wanted: Mapping[str, Any], refused: set[str]) -> None:
    """Make the URL hold only what this table accepts, in its canonical text, before widgets exist.

    A bound widget seeds itself from the URL on its first render, and Streamlit's own
    parsing differs from the table's at the edges (``T=2.5`` becomes 2, ``lr=1e-2`` is
    dropped when the option reads ``0.01``). Refused values are removed and accepted ones
    rewritten as the widget writes them, so widget, URL and settings agree. This uses
    Streamlit's QueryParams internals (1.67); tests/test_ui.py fails if they change.
    """
    from streamlit.runtime.state.session_state_proxy import get_session_state

    edits = {}
    for c in spec:
        raw = st.query_params.get_all(c.key)
        if c.key in refused:
            edits[c.key] = None
        elif raw and c.key not in st.session_state and raw[0] != c.url_text(wanted[c.key]):
            edits[c.key] = c.url_text(wanted[c.key])  # only a first render reads the URL
    if not edits:
        return
    with get_session_state().query_params() as qp:
        for key, canonical in edits.items():
            if canonical is None:
                qp._initial_query_params.pop(key, None)
                qp.remove_param(key)  # also tells the browser
            else:
                qp._initial_query_params[key] = [canonical]
                qp.set_with_no_forward_msg(key, canonical)
        qp._send_query_param_msg()


# --------------------------------------------------------------------------- helpers
def show_error(exc: BaseException) -> None:
    """An error the student can read: the message in st.error, never a traceback."""
    message = str(exc).strip() or type(exc).__name__
    st.error(escape_md(message, limit=500))


@contextmanager
def guard() -> Iterator[None]:
    """`with ui.guard(): ...` shows a ValueError (rnnviz.RnnvizError is one) and stops the page."""
    try:
        yield
    except ValueError as exc:
        show_error(exc)
        st.stop()


PLOT_CONFIG = {
    "displaylogo": False,
    "modeBarButtonsToRemove": ["lasso2d", "select2d"],
    "toImageButtonOptions": {"format": "png", "scale": 2},
}


# Charts go out as rnnviz.figures.browser.react_ready makes them: template merged in, 1-D data
# as lists. Streamlit re-mounts a chart whenever its figure changes and plotly.js then gets a
# JSON copy of it (Plotly.react); with a template or 1-D typed arrays that copy looked new and
# every changed chart was drawn twice. plotly.py must not add its default template back.
pio.templates.default = None


def _wire(fig: go.Figure) -> go.Figure:
    """The figure as it goes to the browser, made once per figure object: pages cache their
    figures, so an unchanged chart costs what it did (Streamlit serialises it each rerun).
    A figure is not changed after it has been plotted (cached figures are shared)."""
    wire = getattr(fig, "_rnnviz_wire", None)
    if wire is None:
        wire = go.Figure(react_ready(fig))
        fig._rnnviz_wire = wire  # a plotly figure takes "_" attributes; same value if raced
    return wire


def plot(fig: go.Figure, key: str | None = None) -> None:
    """A plotly figure at full width with a projector-friendly config."""
    st.plotly_chart(_wire(fig), width="stretch", config=PLOT_CONFIG, key=key, theme=None)


def equation(latex: str) -> None:
    st.latex(latex)
