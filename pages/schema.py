"""The settings schema of a lesson: its controls, their checks, relations and presets, as data.

No Streamlit here (tests/test_ui_split.py imports this module and checks that Streamlit
stays unloaded): a page's table of controls, the parsing and checking of URL text, the
relations between controls and the checking of presets are plain Python, usable from a
test, a script or a notebook. pages/ui.py draws the widgets from these tables and writes
the URL; pages/st_shims.py holds what it needs from Streamlit's internals.

A control's value has three spellings, all decided here: the Python value a page gets
(`Settings`), the text in the URL and on the widget (`Control.url_text`), and what a link
may say (`Control.parse`, `read_url`). Every refusal is one sentence in the run's language
(the TEXT table below), with anything the user typed escaped (`escape_md`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, Decimal, InvalidOperation
from typing import Any

from pages import i18n
from rnnviz.core.cell import MAX_SEED

KINDS = ("int", "float", "log", "select", "toggle", "seed")
SEED_MAX = MAX_SEED  # rnnviz's bound: every seed numpy and torch.manual_seed take
# Settings / Streamlit names, and the URL parameters of pages/i18n.py and pages/teacher.py
RESERVED = ("page", "items", "replace", "as_dict", "embed", "embed_options", i18n.PARAM, "view", "hide")

# The sentences about values a link or a relation refused, in both languages (read through
# text_() at each call: this module is imported once per process).
TEXT = {
    "ui_problem": "URL value {given} {why}; using {default}",
    "ui_repeated": "is given {n} times",
    "ui_not_whole": "is not a whole number in {lo}–{hi}",
    "ui_not_number": "is not a number in {lo}–{hi}",
    "ui_not_option": "is not one of {opts}",
    "ui_not_bool": "is not true or false",
    "ui_off_step": "URL value {given} is not on the slider's steps of {step}; using {value}",
    "ui_relation": "{given} must be {op} {other}; using {value}",
    "ui_at_most": "at most",
    "ui_at_least": "at least",
}
TEXT_ZH = {
    "ui_problem": "链接里的 {given} {why}，已改用 {default}",
    "ui_repeated": "出现了 {n} 次",
    "ui_not_whole": "不是 {lo}–{hi} 之间的整数",
    "ui_not_number": "不是 {lo}–{hi} 之间的数",
    "ui_not_option": "不在可选值 {opts} 之中",
    "ui_not_bool": "既不是 true 也不是 false",
    "ui_off_step": "链接里的 {given} 不在滑块的刻度（步长 {step}）上，已改用最近的 {value}",
    "ui_relation": "{given} 必须{op} {other}，已改用 {value}",
    "ui_at_most": "不大于",
    "ui_at_least": "不小于",
}


def text_() -> Mapping[str, str]:
    """The schema's sentences in this run's language (English outside a Streamlit run)."""
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
               description (shown in the help tooltip). The URL holds the key; the box
               shows the page's TEXT["opt_<key>_<option>"] (pages/ui.py, option_label).
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
    # Former URL names of this control: an old link's `hidden=64` is read as `H=64`
    # (pages/ui.py rewrites the URL to the current key; no note, the link was valid).
    old_keys: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not (isinstance(self.key, str) and self.key.isidentifier()) or self.key in RESERVED:
            raise ValueError(f"Control key {self.key!r} must be a short identifier, not {RESERVED}.")
        object.__setattr__(self, "old_keys", tuple(self.old_keys))
        for old in self.old_keys:
            if not (isinstance(old, str) and old.isidentifier()) or old in RESERVED or old == self.key:
                raise ValueError(f"Control {self.key}: old key {old!r} must be a short identifier, "
                                 f"not {RESERVED} nor the key itself.")
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
    old = [o for c in spec for o in c.old_keys]
    clash = {o for o in old if o in keys or old.count(o) > 1}
    if clash:
        raise ValueError(f"Old control keys that name another control: {sorted(clash)}.")
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
