"""Every lesson's extremes, presets and bad links, generated from its tables.

The cases come from pages/lessons.py (which lessons exist) and each page's CONTROLS,
PRESETS and RELATIONS (read without running the page: tests/page_tables.py), so a new
lesson, control or preset is covered by adding it. What each page shows at those
settings (its numbers, verdicts, figure counts) stays in its own tests/test_page_*.py;
here, the framework's promises on every page:

- extremes: each control alone at each end of its range (every option of a select box,
  the other side of a toggle) opens without an exception and without a refused-value
  note (a relation may move its partner, with the note), and widget, settings and URL
  all say the value;
- presets: each preset button sets exactly its values on top of the defaults, writes them
  to the URL, and the page it shows is the page a fresh load of that URL shows;
- bad links: nonsense for every control at once, values past every end and a repeated
  key each give one note naming every key, open the page on its defaults with a bare URL,
  and show exactly what the bare link shows.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.apptest_util import charts_of, click, run_page
from tests.page_tables import tables

from pages import lessons, schema, ui

# A page that needs a click to show more than a prompt (your_model: no model uploaded yet)
# is driven through these buttons after it opens, as a student would.
ACTIONS = {"your_model": ("_ym.example",)}


def _lesson_tables() -> dict[str, object]:
    out = {}
    for lesson in lessons.LESSONS:
        page = Path(lesson.file).stem
        t = tables(page)
        if hasattr(t, "CONTROLS"):
            out[page] = t
    return out


TABLES = _lesson_tables()


def _spec(page):
    return tuple(TABLES[page].CONTROLS)


def _relations(page):
    return tuple(getattr(TABLES[page], "RELATIONS", ()))


def _ends(c: schema.Control) -> list:
    """The values at the ends of a control's range, on its steps, other than its default."""
    if c.kind in ("int", "seed"):
        step = int(c.step or 1)
        values = [int(c.min), int(c.min) + (int(c.max) - int(c.min)) // step * step]
    elif c.kind == "float":
        values = [c.min, c.max if c.check(c.max)[0] else c.snap(repr(float(c.max)))]
    elif c.kind == "log":
        values = [c.options[0], c.options[-1]]
    elif c.kind == "select":
        values = list(c.option_keys)
    else:
        values = [not c.default]
    out = []
    for v in values:
        ok, v = c.check(v)
        assert ok, (c.key, v)
        if v != c.default and v not in out:
            out.append(v)
    return out


EXTREMES = [(page, c.key, v) for page in TABLES for c in _spec(page) for v in _ends(c)]
PRESETS = [(page, name) for page in TABLES for name in getattr(TABLES[page], "PRESETS", {})]


def _junk(c: schema.Control) -> str:
    """Text no control of this kind accepts."""
    return {"int": "abc", "seed": "-3", "float": "nan", "log": "0", "select": "<b>x</b>",
            "toggle": "maybe"}[c.kind]


def _past(c: schema.Control) -> str:
    """A value just past the control's range (or an option it does not have)."""
    if c.kind in ("int", "seed"):  # in full: _fmt's 4.29e9 is inside a seed's 0..2³²−1
        return str(int(c.max) + int(c.step or 1))
    if c.kind == "float":
        return schema._fmt(c.max + c.step)
    if c.kind == "log":
        return schema._fmt(max(c.options) * 1000)
    if c.kind == "select":
        return "not-an-option"
    return "2"


BAD = [(page, kind) for page in TABLES for kind in ("junk", "past", "repeated")]


# --------------------------------------------------------------------------- helpers
def _open(page: str, query=None, act: bool = True):
    at = run_page(f"pages/{page}.py", query)
    return _act(page, at) if act else at


def _act(page: str, at):
    for key in ACTIONS.get(page, ()):
        at = click(at, key)
    return at


def _values(at, page) -> dict:
    return {c.key: at.session_state[c.key] for c in _spec(page)}


def _url(at, page) -> dict:
    keys = {c.key for c in _spec(page)}
    return {k: v for k, v in at.query_params.items() if k in keys}


def _url_of(page, values) -> dict:
    return {c.key: c.url_text(values[c.key]) for c in _spec(page) if values[c.key] != c.default}


def _notes(at) -> list[str]:
    heads = (ui.TEXT["ui_url_ignored"], ui.TEXT["ui_adjusted"])
    return [w.value for w in at.warning if w.value.startswith(heads)]


def _shown(at) -> tuple:
    """What the page shows besides the framework's notes: charts (their bytes), text,
    metrics and equations."""
    notes = set(_notes(at))
    return (
        [c.data for c in charts_of(at)],
        [m.value for m in at.markdown],
        [(m.label, m.value) for m in at.metric],
        [x.value for x in at.latex],
        [x.value for x in at.caption],
        [x.value for x in at.error],
        [x.value for x in at.warning if x.value not in notes],
        [x.value for x in at.info],
    )


def _no_exception(at, where):
    assert not at.exception, f"{where}: {[e.value for e in at.exception]}"


# ----------------------------------------------------------------------------- tests
def test_every_lesson_with_controls_is_covered():
    """The generator sees every lesson of the table (a lesson without controls, the home
    page, has nothing to generate)."""
    files = {Path(x.file).stem for x in lessons.LESSONS}
    assert set(TABLES) == files - {"home"}
    assert len(EXTREMES) >= 10 * len(TABLES) and len(PRESETS) >= 3 * len(TABLES)


@pytest.mark.parametrize("page, key, value", EXTREMES,
                         ids=[f"{p}-{k}={v}" for p, k, v in EXTREMES])
def test_each_control_at_each_end(page, key, value):
    spec = _spec(page)
    c = next(c for c in spec if c.key == key)
    at = _open(page, {key: c.url_text(value)})
    _no_exception(at, f"{page}?{key}={c.url_text(value)}")
    want, moved = schema.apply_relations(spec, _relations(page),
                                         {**{x.key: x.default for x in spec}, key: value})
    notes = _notes(at)
    if moved:  # a relation gave way: one note that says so
        assert len(notes) == 1 and notes[0].startswith(ui.TEXT["ui_adjusted"]), notes
    else:
        assert not notes, notes
    assert _values(at, page) == want
    assert _url(at, page) == _url_of(page, want)


@pytest.mark.parametrize("page, preset", PRESETS, ids=[f"{p}-{n}" for p, n in PRESETS])
def test_each_preset_sets_its_values_and_its_link_shows_the_same_page(page, preset):
    spec = _spec(page)
    at = click(_open(page), f"_ui.{page}.preset.{preset}")
    _no_exception(at, f"{page} preset {preset}")
    assert not _notes(at)
    want = {**{c.key: c.default for c in spec}, **ui.check_presets(spec, TABLES[page].PRESETS)[preset]}
    assert _values(at, page) == want
    assert _url(at, page) == _url_of(page, want)
    if ACTIONS.get(page):  # the page's own state (a model) came from a click, not the link
        return
    fresh = _open(page, _url_of(page, want))
    assert _shown(fresh) == _shown(at)


@pytest.mark.parametrize("page, kind", BAD, ids=[f"{p}-{k}" for p, k in BAD])
def test_a_bad_link_opens_the_defaults_with_one_note_naming_every_key(page, kind):
    spec = _spec(page)
    if kind == "junk":
        query = {c.key: _junk(c) for c in spec}
    elif kind == "past":
        query = {c.key: _past(c) for c in spec}
    else:
        c = spec[0]
        query = {c.key: [c.url_text(_ends(c)[0]), c.url_text(c.default)]}
    at = _open(page, query, act=False)  # the note is on the page the link opens
    _no_exception(at, f"{page} {kind}")
    notes = _notes(at)
    assert len(notes) == 1 and notes[0].startswith(ui.TEXT["ui_url_ignored"]), notes
    note = notes[0].replace("\\", "")
    for key, given in query.items():
        text = given if isinstance(given, str) else given[0]
        assert f"{key}={text}"[:59] in note, (key, note)
    at = _act(page, at)
    assert _values(at, page) == {c.key: c.default for c in spec}
    assert _url(at, page) == {}
    assert _shown(at) == _shown(_open(page))
