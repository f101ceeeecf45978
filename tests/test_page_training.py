"""AppTest of the training lab (pages/training.py): defaults, extremes, presets, start/stop.

Runs train in the worker processes of rnnviz.trainpool; the page only reads them, so the
tests rerun the page until the view shows what they wait for."""

import time

import pytest
from rnnviz.train import pool as trainpool
from tests.apptest_util import assert_ok, charts_of, click, run_page, set_widget

PAGE = "pages/training.py"
RUN = "training.run"
WAIT = 60.0  # a worker starts (imports torch) in a few seconds; generous for a busy CI


def view(at) -> trainpool.RunView:
    return at.session_state[RUN].view()


def steps(at) -> int:
    return view(at).steps


def rerun_until(at, done, timeout: float = WAIT):
    """Rerun the page every 0.2 s until done(at) holds, then once more (so the page has
    drawn what done() read from the pool); fail after timeout seconds."""
    deadline = time.monotonic() + timeout
    while not done(at):
        assert time.monotonic() < deadline, f"not reached within {timeout} s: {view(at)}"
        time.sleep(0.2)
        at.run()
    return at.run()


def test_defaults_are_idle():
    at = run_page(PAGE)
    assert_ok(at)
    run = at.session_state[RUN]
    assert run.rid is None and steps(at) == 0  # nothing trains before Start
    assert run.config.task == "adding" and run.config.cell == "lstm" and run.config.seq_len == 100
    assert len(charts_of(at)) == 2
    assert at.button(key="stop").disabled and not at.button(key="start").disabled
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Baseline (no memory)"] == "0.1667"


def test_start_trains_in_the_pool_and_stop():
    at = run_page(PAGE, {"T": "10", "H": "8", "max_steps": "3000"})
    assert_ok(at)
    at = click(at, "start")
    assert_ok(at)
    assert view(at).active
    rerun_until(at, lambda at: steps(at) > 0)  # the worker trains and publishes
    first = steps(at)
    rerun_until(at, lambda at: steps(at) > first)  # and keeps training
    assert_ok(at)
    assert not at.button(key="stop").disabled
    rid = at.session_state[RUN].rid
    assert trainpool.shared().view(rid).status == trainpool.RUNNING
    at = click(at, "stop")
    assert_ok(at)
    stopped = steps(at)
    v = view(at)
    assert v.status == trainpool.STOPPED and len(v.losses) == stopped
    assert v.measured_step == stopped  # the stopped view is measured at its last step
    time.sleep(1.0)
    at.run()
    assert steps(at) == stopped  # stopped means stopped
    assert at.button(key="start").label == "Resume"
    assert any(f"Stopped at step {stopped}." in c.value for c in at.caption)
    # Resume continues the same run from where it stopped
    at = click(at, "start")
    rerun_until(at, lambda at: steps(at) > stopped)
    assert view(at).losses[:stopped] == v.losses
    at = click(at, "stop")
    # changing a setting starts a fresh run, keeps the old curve, and frees the old run
    at = set_widget(at, "cell", "gru")
    assert_ok(at)
    assert steps(at) == 0 and len(at.session_state["training.past"]) == 1
    assert trainpool.shared().view(rid).status == trainpool.GONE


def test_run_stops_at_the_cap():
    at = run_page(PAGE, {"T": "5", "H": "4", "max_steps": "100"})
    at = click(at, "start")
    rerun_until(at, lambda at: not view(at).active)
    assert_ok(at)
    assert steps(at) == 100 and view(at).status == trainpool.DONE
    assert at.success and at.button(key="start").disabled


def test_diverging_relu_is_reported_not_raised():
    at = run_page(PAGE, {"cell": "relu-rnn", "clip_on": "false", "lr": "0.1", "T": "200",
                         "H": "128", "max_steps": "100"})
    assert_ok(at)
    at = click(at, "start")
    rerun_until(at, lambda at: not view(at).active)
    assert not at.exception and not at.error
    assert view(at).status == trainpool.DIVERGED
    assert any("exploded" in w.value for w in at.warning)
    assert at.button(key="start").disabled  # a diverged run cannot resume; Restart can


@pytest.mark.parametrize("query", [
    {"task": "copy", "T": "5", "H": "4", "lr": "0.0001"},
    {"task": "copy", "T": "200", "H": "128", "cell": "gru", "clip": "10"},
    {"cell": "rnn", "T": "200", "seed": "2147483647"},
])
def test_extremes_render(query):
    at = run_page(PAGE, query)
    assert_ok(at)
    assert not at.warning


@pytest.mark.parametrize("preset, want", [
    ("lstm", {"cell": "lstm", "seq_len": 100, "lr": 0.005, "clip": 1.0}),
    ("rnn", {"cell": "rnn", "seq_len": 100}),
    ("quick", {"seq_len": 20, "hidden": 32}),
    ("copy", {"task": "copy", "seq_len": 20}),
    ("relu", {"cell": "relu-rnn", "clip": None}),
])
def test_presets(preset, want):
    at = run_page(PAGE, {"T": "10"})
    at = click(at, f"_ui.training.preset.{preset}")
    assert_ok(at)
    config = at.session_state[RUN].config
    assert {k: getattr(config, k) for k in want} == want


def test_a_run_left_behind_is_stopped(monkeypatch):
    """Nobody reads the run (the tab was closed or the student left): the pool stops it."""
    monkeypatch.setattr(trainpool.shared(), "stale", 1.0)
    at = run_page(PAGE, {"T": "5", "H": "4", "max_steps": "3000"})
    at = click(at, "start")
    rid = at.session_state[RUN].rid
    pool = trainpool.shared()
    deadline = time.monotonic() + WAIT
    while pool.view(rid, touch=False).status != trainpool.STOPPED:  # reads that don't count
        assert time.monotonic() < deadline, pool.view(rid, touch=False)
        time.sleep(0.2)
    at.run()
    assert_ok(at)
    assert not view(at).active and at.button(key="start").label in ("Start", "Resume")


def test_queue_position_is_shown(monkeypatch):
    """More runs than the pool trains at once: the others wait and say where they are."""
    pool = trainpool.shared()
    monkeypatch.setattr(pool, "stale", 600.0)  # each page here is read only now and then
    slots = pool.n_workers * pool.runs_per_worker
    pages = []
    for i in range(slots + 1):
        at = run_page(PAGE, {"T": "5", "H": "4", "max_steps": "3000", "seed": str(i)})
        pages.append(click(at, "start"))
    last = pages[-1]
    assert view(last).status == trainpool.QUEUED and view(last).queue_position == 1
    assert any("number 1 in the queue" in c.value for c in last.caption)
    click(pages[0], "stop")  # a slot frees: the queued run starts
    rerun_until(last, lambda at: view(at).status == trainpool.RUNNING)
    for at in pages:
        if view(at).active:
            click(at, "stop")


def test_an_old_link_with_hidden_opens_on_that_H():
    """The control was `hidden` here and `H` on every other page; it is `H` now, and a link
    written before keeps working: its hidden= is read as H, with no note."""
    at = run_page(PAGE, {"T": "10", "hidden": "8"})
    assert_ok(at)
    assert not at.warning
    assert at.session_state["H"] == 8 and at.session_state[RUN].config.hidden == 8
    assert at.query_params["H"] == "8" and "hidden" not in at.query_params
    at = run_page(PAGE, {"hidden": "8", "H": "12", "hide": "hidden"})  # the new key wins
    assert_ok(at)
    assert at.session_state[RUN].config.hidden == 12 and "hidden" not in at.query_params
    assert not [s for s in at.slider if s.key == "H"]  # hide= with the old name hides it too
    at = run_page(PAGE, {"hidden": "7"})  # off the steps of 4: snapped, with the note, as H=7
    assert at.session_state["H"] == 8 and "H=7" in at.warning[0].value.replace("\\", "")


def test_the_copy_baseline_takes_its_numbers_from_the_task(monkeypatch):
    """10 ln 8 / (T + 20) is rnnviz.tasks' N_COPY ln N_DATA_SYMBOLS / (T + 2 N_COPY), in
    the equation, the text and the chart's baseline label, in both languages."""
    from rnnviz.train import tasks

    for lang in ("en", "zh"):
        at = run_page(PAGE, {"lang": lang})
        assert any(r"\frac{10 \ln 8}{T + 20}" in x.value for x in at.latex)
        assert any("ln 8 nats" in m.value and "T + 20" in m.value for m in at.markdown)
    monkeypatch.setattr(tasks, "N_COPY", 6)
    monkeypatch.setattr(tasks, "N_DATA_SYMBOLS", 5)
    for lang in ("en", "zh"):
        at = run_page(PAGE, {"lang": lang, "task": "copy"})
        assert any(r"\frac{6 \ln 5}{T + 12}" in x.value for x in at.latex)
        assert not any("10" in x.value for x in at.latex)
        text = next(m.value for m in at.markdown if "nats" in m.value)
        assert "ln 5 nats" in text and "T + 12" in text and "T + 20" not in text and " 8," not in text
        labels = [c.figure for c in charts_of(at)]
        assert "6·ln 5/(T+12)" in str(labels)


def test_a_settings_file_saved_before_the_rename_still_loads():
    """A settings file written when the control was `hidden` loads as H (pages/teacher.py)."""
    import json

    from pages import teacher
    from tests.page_tables import tables

    t = tables("training")
    context = teacher.Context("training", tuple(t.CONTROLS), (), (), ())
    old = json.dumps({"rnnviz": 1, "page": "training", "settings": {"hidden": 32, "T": 20},
                      "hide": ["hidden"]})
    loaded, why = teacher.parse_settings(old, context)
    assert why == "" and loaded["values"]["H"] == 32 and loaded["values"]["T"] == 20
    assert loaded["hide"] == ["H"]
    loaded, why = teacher.parse_settings(json.dumps({"page": "training", "settings": {"hidden": 33}}),
                                         context)
    assert loaded is None and "H" in why  # checked like H: 33 is off its steps of 4
