"""Shared page framework: one table of controls per lesson drives the widgets and the URL.

A lesson page, in storyboard order (controls -> cached computation -> figure -> text)::

    import streamlit as st
    from pages import memo, ui
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
shared link reproduces the run (the seed is a control like any other).

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

import math
from decimal import ROUND_FLOOR, Decimal, InvalidOperation
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Iterator

import plotly.graph_objects as go
import streamlit as st

from streamlit.logger import get_logger

from pages import chart, i18n, teacher
from rnnviz.core.cell import MAX_SEED

_LOGGER = get_logger(__name__)

KINDS = ("int", "float", "log", "select", "toggle", "seed")
SEED_MAX = MAX_SEED  # rnnviz's bound: every seed numpy and torch.manual_seed take
# Settings / Streamlit names, and the URL parameters of pages/i18n.py and pages/teacher.py
RESERVED = ("page", "items", "replace", "as_dict", "embed", "embed_options", i18n.PARAM, "view", "hide")

# Framework strings, in both languages (read through text_() at each call). A page's TEXT may
# override "ui_reset", "ui_presets" and "ui_url_ignored"; the sentences about refused URL
# values are read from here.
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
    "ui_adjusted": "Some settings were changed to fit this lesson:",
    "ui_off_step": "URL value {given} is not on the slider's steps of {step}; using {value}",
    "ui_out_of_table": "{given} is outside this lesson's settings; using {default}",
    "ui_relation": "{given} must be {op} {other}; using {value}",
    "ui_at_most": "at most",
    "ui_at_least": "at least",
    "ui_failed": "This setting could not be drawn.",
    "ui_failed_reset": "Open this lesson with its default settings",
    # rnnviz errors by code (error_text), for any page; shown in Chinese runs (English runs
    # show the library's own sentence, of which these are the templates)
    "lib_overflow": "The forward pass overflowed at step {step}: the state stopped being "
                    "finite (the activations grew past 1e308).",
}
TEXT_ZH = {
    "ui_reset": "恢复默认设置",
    "ui_presets": "预设",
    "ui_url_ignored": "链接里有几项设置没有采用：",
    "ui_problem": "链接里的 {given} {why}，已改用 {default}",
    "ui_repeated": "出现了 {n} 次",
    "ui_not_whole": "不是 {lo}–{hi} 之间的整数",
    "ui_not_number": "不是 {lo}–{hi} 之间的数",
    "ui_not_option": "不在可选值 {opts} 之中",
    "ui_not_bool": "既不是 true 也不是 false",
    "ui_adjusted": "有几项设置做了调整，以符合本课的取值范围：",
    "ui_off_step": "链接里的 {given} 不在滑块的刻度（步长 {step}）上，已改用最近的 {value}",
    "ui_out_of_table": "{given} 超出了本课的设置范围，已改用 {default}",
    "ui_relation": "{given} 必须{op} {other}，已改用 {value}",
    "ui_at_most": "不大于",
    "ui_at_least": "不小于",
    "ui_failed": "这组设置没能画出来。",
    "ui_failed_reset": "用默认设置重新打开本课",
    "lib_overflow": "前向计算在第 {step} 步溢出：状态不再是有限值（激活值超过了 1e308）。",
}


def text_() -> Mapping[str, str]:
    """The framework strings in this run's language (this module is imported once per
    process, so the choice is made at each call, not at import)."""
    return i18n.pick(TEXT, TEXT_ZH)


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
      "seed"   whole number 0..SEED_MAX (or min..max) in a number input.
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
            if self.step and (value - int(self.min)) % int(self.step):
                return False, self._reason()
            return True, value
        if self.kind == "float":
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                return False, self._reason()
            value = float(value)
            if not (math.isfinite(value) and self.min <= value <= self.max):
                return False, self._reason()
            if self.step:  # on the slider's grid, up to float noise: the grid's own number
                k = (value - self.min) / self.step
                if abs(k - round(k)) > 1e-6:
                    return False, self._reason()
                value = self._grid(round(k))
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

    def snap(self, text: str) -> Any:
        """The slider value nearest a URL number that is in range but off the slider's
        steps (``scale=0.123`` with steps of 0.01 gives 0.12), else None."""
        if self.kind not in ("int", "float") or not self.step:
            return None
        try:
            number = Decimal(text.strip())  # exact: 1.275 is half-way between 1.25 and 1.3
        except (InvalidOperation, ValueError):
            return None
        if not (number.is_finite() and Decimal(repr(self.min)) <= number <= Decimal(repr(self.max))):
            return None
        lo, step = Decimal(repr(self.min)), Decimal(repr(self.step))
        k = int(((number - lo) / step + Decimal("0.5")).to_integral_value(ROUND_FLOOR))
        k = min(k, int(((Decimal(repr(self.max)) - lo) / step).to_integral_value(ROUND_FLOOR)))
        ok, value = self.check(self._grid(k) if self.kind == "float" else int(self.min + k * self.step))
        return value if ok else None

    def _grid(self, k: int) -> float:
        """min + k·step as the slider shows it (0.1 + 2·0.01 is 0.12, not 0.12000000000000001)."""
        digits = max(_decimals(self.min), _decimals(self.step))
        return float(round(self.min + k * self.step, digits))

    def _reason(self) -> str:
        if self.kind in ("int", "seed"):
            return text_()["ui_not_whole"].format(lo=_fmt(self.min), hi=_fmt(self.max))
        if self.kind == "float":
            return text_()["ui_not_number"].format(lo=_fmt(self.min), hi=_fmt(self.max))
        if self.kind == "toggle":
            return text_()["ui_not_bool"]
        opts = [_fmt(o) if self.kind == "log" else o for o in self.option_keys]
        shown = ", ".join(opts[:8]) + (", …" if len(opts) > 8 else "")
        return text_()["ui_not_option"].format(opts=shown)

    def url_text(self, value: Any) -> str:
        """How the value is written in the URL and on the widget."""
        if self.kind == "toggle":
            return "true" if value else "false"
        if self.kind == "log":
            return _fmt(value)  # the select_slider's option text
        if self.kind == "float":  # as Streamlit writes a bound slider's value
            return str(int(value)) if float(value).is_integer() else repr(float(value))
        return str(value)


def _decimals(x: float) -> int:
    """Digits after the point in the shortest text of x (0.05 -> 2, 2.0 -> 0)."""
    text = repr(float(x))
    if "e" in text:
        mantissa, exp = text.split("e")
        return max(0, len(mantissa.split(".")[1].rstrip("0")) - int(exp))
    return len(text.split(".")[1].rstrip("0"))


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


def check_presets(
    spec: Sequence[Control],
    presets: Mapping[str, Mapping[str, Any]],
    relations: Sequence[Relation] = (),
) -> dict:
    """Each preset value checked against the table, and the defaults with each preset
    applied against the relations; a wrong preset is a page bug: raise."""
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
        merged = {**{c.key: c.default for c in spec}, **checked}
        for r in relations:
            if not r.holds(merged):
                raise ValueError(f"Preset {name!r} breaks {r.key} {r.op} {r.other}.")
        out[name] = checked
    return out


# -------------------------------------------------------------------------- relations
@dataclass(frozen=True)
class Relation:
    """A rule between two controls of a page: ``values[key] <op> values[other]``.

    ``Relation("w", "<=", "T")``: the window is at most the sequence. When a link or a
    slider breaks it, `key` gives way: it is set to `other`'s value (its nearest allowed
    value) and the page says so in the one note, like a refused URL value. Which
    control moved does not matter; the rule always moves `key`.
    """

    key: str
    op: str  # "<=" or ">="
    other: str

    def __post_init__(self) -> None:
        if self.op not in ("<=", ">="):
            raise ValueError(f"Relation {self.key} {self.op} {self.other}: op must be <= or >=.")

    def holds(self, values: Mapping[str, Any]) -> bool:
        a, b = values[self.key], values[self.other]
        return a <= b if self.op == "<=" else a >= b


def _check_relations(spec: Sequence[Control], relations: Sequence[Relation]) -> tuple[Relation, ...]:
    keys = {c.key for c in spec}
    relations = tuple(relations)
    defaults_ = {c.key: c.default for c in spec}
    for r in relations:
        if r.key not in keys or r.other not in keys:
            raise ValueError(f"Relation {r.key} {r.op} {r.other}: not controls of the page.")
        if not r.holds(defaults_):
            raise ValueError(f"Relation {r.key} {r.op} {r.other}: the defaults break it.")
    return relations


def apply_relations(
    spec: Sequence[Control], relations: Sequence[Relation], values: Mapping[str, Any]
) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """Values that keep every relation, and (key, sentence) per value that gave way.

    The key that gives way is set to the other's value when its own table allows it,
    else to the nearest value it allows; if the rule still fails, both go back to
    their defaults (which keep every relation, checked at declaration).
    """
    by_key = {c.key: c for c in spec}
    values = dict(values)
    notes = []
    for r in relations:
        if r.holds(values):
            continue
        c, bound = by_key[r.key], values[r.other]
        given = escape_md(f"{r.key}={c.url_text(values[r.key])}")
        new = _nearest(c, bound)
        if new is not None and r.holds({**values, r.key: new}):
            values[r.key] = new
        else:
            values[r.key] = c.default
            values[r.other] = by_key[r.other].default
            new = c.default
        op = text_()["ui_at_most"] if r.op == "<=" else text_()["ui_at_least"]
        other = escape_md(f"{r.other}={by_key[r.other].url_text(bound)}")
        notes.append((r.key, text_()["ui_relation"].format(
            given=given, op=op, other=other, value=escape_md(c.url_text(new)))))
    return values, notes


def _nearest(c: Control, value: Any) -> Any:
    """The value of control c nearest `value` (a number), or None."""
    if c.kind in ("select", "toggle"):
        ok, v = c.check(value)
        return v if ok else None
    if c.kind == "log":
        return min(c.options, key=lambda o: abs(o - value))
    clipped = min(max(value, c.min), c.max)
    ok, v = c.check(clipped)
    if ok:
        return v
    return c.snap(repr(float(clipped)))


# ------------------------------------------------------------------------------ URL
def read_url(
    spec: Sequence[Control], get_all: Callable[[str], list[str]]
) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """Checked value of every control from the URL, and (key, sentence) per value that
    was refused (the default is used) or snapped onto the slider's steps.

    `get_all(key)` returns every value the URL gives for key (st.query_params.get_all).
    """
    values, problems, _ = _read_url(spec, get_all)
    return values, problems


def _read_url(spec, get_all):
    """read_url's values and problems, and the keys whose URL value was snapped (kept)."""
    values, problems, snapped_keys = {}, [], set()
    for c in spec:
        raw = get_all(c.key)
        values[c.key] = c.default
        if not raw:
            continue
        if len(raw) > 1:
            why = text_()["ui_repeated"].format(n=len(raw))
            problems.append((c.key, _problem(c, raw[0], why)))
            continue
        ok, v = c.parse(raw[0])
        if ok:
            values[c.key] = v
            continue
        snapped = c.snap(raw[0])
        if snapped is not None:
            values[c.key] = snapped
            snapped_keys.add(c.key)
            problems.append((c.key, text_()["ui_off_step"].format(
                given=escape_md(f"{c.key}={raw[0].strip()}"), step=escape_md(_fmt(c.step)),
                value=escape_md(c.url_text(snapped)))))
        else:
            problems.append((c.key, _problem(c, raw[0], v)))
    return values, problems, snapped_keys


def _problem(c: Control, raw: str, why: str) -> str:
    return text_()["ui_problem"].format(
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
    _run_through_app_shell()
    spec = _check_spec(spec)
    relations = _check_relations(spec, relations)
    presets = check_presets(spec, presets or {}, relations)
    text = {**text_(), **(text or {})}
    where = st.sidebar if where is None else where
    st.session_state[_CURRENT] = (page_id, tuple(c.key for c in spec))

    hide = teacher.hidden([c.key for c in spec])  # hide= in the URL: not drawn, value kept
    values, notes, refused = _values_before_widgets(page_id, spec, relations, hide)
    off = set(inactive(dict(values))) if inactive is not None else set()
    got = {c.key: values[c.key] if c.key in hide else _widget(c, where, c.key in off) for c in spec}
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
    memory = dict(st.session_state.get(_MEMORY, {}))
    memory[page_id] = checked
    st.session_state[_MEMORY] = memory
    teacher.sidebar_tools(teacher.Context(page_id, spec, relations, tuple(checked.items()),
                                          tuple(c.key for c in spec if c.key in hide)), where)
    return Settings(page_id, tuple(checked.items()), spec)


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
    from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

    ctx = get_script_run_ctx()
    history = bool(ctx is not None and getattr(ctx, "is_history_navigation", False))
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
    written as the widget writes it. Widget, URL and settings agree. This uses
    Streamlit's QueryParams internals (1.67); tests/test_ui.py fails if they change.
    """
    from streamlit.runtime.state.session_state_proxy import get_session_state

    changed = False
    with get_session_state().query_params() as qp:
        for c in spec:
            if c.key not in keys:
                continue
            binding = qp._bindings_by_param.get(c.key) if c.key in hide else None
            if binding is not None:  # a hidden control's widget of an earlier run: the URL
                qp.unbind_widget(binding.widget_id)  # is ours now (else its cleanup drops it)
            text_ = None if values[c.key] == c.default else c.url_text(values[c.key])
            if text_ is None:
                qp._initial_query_params.pop(c.key, None)
                if qp.has_param(c.key):
                    qp.discard_param_no_forward_msg(c.key)
                    changed = True
            else:
                qp._initial_query_params[c.key] = [text_]
                if qp.get_all(c.key) != [text_]:
                    qp.set_with_no_forward_msg(c.key, text_)
                    changed = True
        if changed:
            qp._send_query_param_msg()


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
    from streamlit.runtime.scriptrunner_utils.exceptions import ScriptControlException

    if isinstance(exc, ScriptControlException):  # pragma: no cover - a BaseException
        raise exc
    _LOGGER.error("Page %s failed", getattr(page, "url_path", page), exc_info=exc)
    st.error(text_()["ui_failed"], icon=":material/error:")
    st.button(text_()["ui_failed_reset"], key="_ui.failed.reset", type="tertiary",
              icon=":material/restart_alt:", on_click=_open_bare, args=(st.session_state.get(_CURRENT),))


def _open_bare(current: tuple[str, tuple[str, ...]] | None) -> None:
    """The failed page again on its bare URL (but for `lang`): no memory, its defaults."""
    from streamlit.runtime.state.session_state_proxy import get_session_state

    st.session_state.pop(_DRAWN, None)  # the next run comes to the page afresh
    if current is not None:
        page_id, _ = current
        memory = dict(st.session_state.get(_MEMORY, {}))
        memory.pop(page_id, None)
        st.session_state[_MEMORY] = memory
    with get_session_state().query_params() as qp:
        for key in list(qp._query_params):
            if key != i18n.PARAM:  # the language stays (pages/i18n.py)
                qp.discard_param_no_forward_msg(key)
        qp._initial_query_params.clear()
        qp._send_query_param_msg()


# --------------------------------------------------------------------------- helpers
def error_text(exc: BaseException, text: Mapping[str, str] | None = None) -> str:
    """An error's sentence in this run's language.

    rnnviz says what went wrong in English (`str(exc)`); an error that also carries a
    `code` and its `params` (rnnviz/core/errors.py) is said in Chinese from the page's
    ``TEXT["lib_<code>"]`` (a page passes its TEXT), else from this module's own table
    (errors any page can meet, like a forward pass that overflows). An error without a
    code, or one no table says, keeps its English sentence.
    """
    code = getattr(exc, "code", "") or ""
    params = getattr(exc, "params", None) or {}
    if code and i18n.lang() != i18n.DEFAULT:
        template = {**text_(), **(text or {})}.get(f"lib_{code}")
        if template is not None:
            try:
                return template.format(**params)
            except (KeyError, IndexError, ValueError):  # a table behind the library: English
                _LOGGER.warning("lib_%s does not fit the params %s", code, sorted(params))
    return str(exc).strip() or type(exc).__name__


def show_error(exc: BaseException, text: Mapping[str, str] | None = None) -> None:
    """An error the student can read, in the page's language: st.error, never a traceback."""
    st.error(escape_md(error_text(exc, text), limit=500))


@contextmanager
def guard(text: Mapping[str, str] | None = None) -> Iterator[None]:
    """`with ui.guard(TEXT): ...` shows a ValueError (rnnviz.RnnvizError is one) in the
    page's language (error_text) and stops the page."""
    try:
        yield
    except ValueError as exc:
        show_error(exc, text)
        st.stop()


def plot(fig: go.Figure, key: str | None = None) -> None:
    """A plotly figure at full width, kept on the page and updated in place on reruns
    (pages/chart.py: one plotly.js graph per chart, Plotly.react on a changed figure).
    In the presentation view (view=present) its fonts, lines and height are scaled up."""
    if teacher.presenting():
        fig = teacher.projector_figure(fig)
    chart.plot(fig, key=key)


def equation(latex: str) -> None:
    st.latex(latex)
