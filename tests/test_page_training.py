"""AppTest of the training lab (pages/training.py): defaults, extremes, presets, start/stop."""

import pytest
from tests.apptest_util import assert_ok, charts_of, click, run_page, set_widget

PAGE = "pages/training.py"
RUN = "training.run"


def steps(at) -> int:
    return at.session_state[RUN].trainer.steps


def test_defaults_are_idle():
    at = run_page(PAGE)
    assert_ok(at)
    run = at.session_state[RUN]
    assert not run.running and steps(at) == 0  # nothing trains before Start
    assert run.config.task == "adding" and run.config.cell == "lstm" and run.config.seq_len == 100
    assert len(charts_of(at)) == 2
    assert at.button(key="stop").disabled and not at.button(key="start").disabled
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Baseline (no memory)"] == "0.1667"


def test_start_fragment_runs_and_stop():
    at = run_page(PAGE, {"T": "10", "hidden": "8", "max_steps": "3000"})
    assert_ok(at)
    at = click(at, "start")
    assert_ok(at)
    assert at.session_state[RUN].running
    first = steps(at)
    assert first > 0  # the live panel trained a chunk
    for _ in range(2):  # further runs of the live panel keep training
        at.run()
    assert_ok(at)
    assert steps(at) > first
    assert not at.button(key="stop").disabled
    at = click(at, "stop")
    assert_ok(at)
    stopped = steps(at)
    assert not at.session_state[RUN].running
    at.run()
    assert steps(at) == stopped  # stopped means stopped
    assert at.button(key="start").label == "Resume"
    # changing a setting starts a fresh run and keeps the old curve for comparison
    at = set_widget(at, "cell", "gru")
    assert_ok(at)
    assert steps(at) == 0 and len(at.session_state["training.past"]) == 1


def test_run_stops_at_the_cap():
    at = run_page(PAGE, {"T": "5", "hidden": "4", "max_steps": "100"})
    at = click(at, "start")
    for _ in range(10):
        if not at.session_state[RUN].running:
            break
        at.run()
    assert_ok(at)
    assert steps(at) == 100 and not at.session_state[RUN].running
    assert at.success and at.button(key="start").disabled


def test_diverging_relu_is_reported_not_raised():
    at = run_page(PAGE, {"cell": "relu-rnn", "clip_on": "false", "lr": "0.1", "T": "200",
                         "hidden": "128", "max_steps": "100"})
    assert_ok(at)
    at = click(at, "start")
    for _ in range(6):
        if not at.session_state[RUN].running:
            break
        at.run()
    assert not at.exception and not at.error
    assert at.session_state[RUN].trainer.diverged
    assert any("exploded" in w.value for w in at.warning)
    assert at.button(key="start").disabled  # a diverged run cannot resume; Restart can


@pytest.mark.parametrize("query", [
    {"task": "copy", "T": "5", "hidden": "4", "lr": "0.0001"},
    {"task": "copy", "T": "200", "hidden": "128", "cell": "gru", "clip": "10"},
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


def test_a_run_left_behind_is_stopped_on_return():
    """Coming back from another lesson does not resume training on its own."""
    at = run_page(PAGE, {"T": "5", "hidden": "4"})
    at = click(at, "start")
    run = at.session_state[RUN]
    assert run.running
    run.last_tick -= 60  # as if the live panel had not ticked for a minute
    at.run()
    assert_ok(at)
    assert not at.session_state[RUN].running
