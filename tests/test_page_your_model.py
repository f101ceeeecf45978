"""AppTest of the "Your own model" lesson (pages/your_model.py).

AppTest cannot upload a file, so the page is driven through its example-model button (the
example goes through the same loader as an upload: bytes written by torch.save) and a pasted
sequence; rnnviz.io.upload itself is tested on real files in tests/test_upload.py and the upload
widget in tests/browser/test_your_model.py.
"""

import numpy as np
import pytest

from rnnviz.lessons import compare as lc
from rnnviz.io import upload
from tests.apptest_util import assert_ok, charts_of, click, run_page, set_widget

PAGE = "pages/your_model.py"
EXAMPLE = "_ym.example"
LAYER = "_ym.layer.example:0"
SEQ = "_ym.seq.3"  # the example model reads 3 numbers per step


def with_example(query=None):
    at = run_page(PAGE, query)
    return click(at, EXAMPLE)


def showing(at) -> str:
    return next(m.value for m in at.markdown if m.value.startswith("Showing"))


def metric(at, label):
    return next(m.value for m in at.metric if m.label == label)


def expected_span(layer=0, **kw):
    model = upload.load_model("example.pt", upload.example_model_bytes(0))
    x = upload.choose_input(kw.get("input", "random"), 3, T=kw.get("T", 200), scale=kw.get("scale", 1.0),
                            seed=kw.get("seed", 0), text=kw.get("text", ""))
    view = lc.inspect_layer(model, x, layer=layer, seed=kw.get("seed", 0))
    return view.flow.span(0, np.log10(kw.get("thr", 1e-3)))


def test_without_a_model_the_page_says_what_to_do():
    at = run_page(PAGE)
    assert_ok(at)
    assert "Use an example model" in at.info[0].value
    assert not charts_of(at)


def test_example_model():
    at = with_example()
    assert_ok(at)
    assert len(charts_of(at)) == 2
    assert metric(at, "Parameters (all layers)") == "13,184"  # 4·32·(3+32+2) + 4·32·(32+32+2)
    assert metric(at, "Layer shown") == "0 of 0–1"
    assert metric(at, "Input → hidden") == "3 → 32"
    assert int(metric(at, "Steps back above θ").split()[0]) == expected_span()
    captions = " ".join(c.value for c in at.caption)
    assert "prefix" in captions and "2 layers" in captions  # what the loader did, said
    assert "untrained 2-layer nn.LSTM" in captions
    assert len(at.latex) >= 2


def test_example_second_layer():
    at = set_widget(with_example(), LAYER, 1)
    assert_ok(at)
    assert metric(at, "Layer shown") == "1 of 0–1"
    assert metric(at, "Input → hidden") == "32 → 32"
    assert int(metric(at, "Steps back above θ").split()[0]) == expected_span(layer=1)
    assert any("reads the output of the layers below" in c.value for c in at.caption)


def test_pasted_sequence():
    at = with_example({"input": "pasted"})
    assert_ok(at)
    assert len(charts_of(at)) == 2  # the sample sequence in the box works as it is
    text = "0.5, 1, -1\n0 0 0\n1;2;3\n-0.5, 0.25, 1e-2"
    at.text_area(key=SEQ).input(text)
    at.run()
    assert_ok(at)
    assert any(c.value.startswith("4 steps of 3") for c in at.caption)
    assert int(metric(at, "Steps back above θ").split()[0]) == expected_span(input="pasted", text=text)


NOT_A_NUMBER = "is not a number (write e.g. 0.5, -2 or 1e-3)."


@pytest.mark.parametrize("text, message", [
    ("1, 2, 3\n4, five, 6", f"Entry 2 on line 2, 'five', {NOT_A_NUMBER}"),
    ("1, 2\n3, 4", "Line 1 has 2 numbers; this model reads 3 per step (one step per line)."),
    ("", "Paste at least one number."),
    ("nan, 1, 2", f"Entry 1 on line 1, 'nan', {NOT_A_NUMBER}"),
    ("<script>alert(1)</script>", f"Entry 1 on line 1, '<script>alert(1)</s…', {NOT_A_NUMBER}"),
])
def test_bad_pasted_text_shows_a_message(text, message):
    """The whole message: where, what was typed (cut, and shown as text), what to write."""
    at = with_example({"input": "pasted"})
    at.text_area(key=SEQ).input(text)
    at.run()
    assert not at.exception
    assert len(at.error) == 1
    shown = at.error[0].value
    assert shown.replace("\\", "") == message
    assert "<" not in shown.replace("\\<", "")  # every < escaped: markdown shows it, no HTML
    assert not charts_of(at)


@pytest.mark.parametrize("query", [
    {"T": "2", "scale": "0"},
    {"T": "2000", "scale": "5", "thr": "1e-12"},
    {"input": "constant", "scale": "5", "thr": "0.1"},
    {"seed": "2147483647"},
])
def test_extremes_render(query):
    at = with_example(query)
    assert_ok(at)
    assert not at.warning
    assert len(charts_of(at)) == 2


@pytest.mark.parametrize("preset", ["noise", "constant", "long", "pasted"])
def test_presets(preset):
    at = click(with_example(), f"_ui.your_model.preset.{preset}")
    assert_ok(at)
    assert len(charts_of(at)) == 2


def test_threshold_moves_the_span():
    at = with_example()
    at = set_widget(at, "thr", 1e-8)
    assert int(metric(at, "Steps back above θ").split()[0]) == expected_span(thr=1e-8)


# --------------------------------------------------------------------------- other files
@pytest.fixture
def example_file(monkeypatch):
    """Make the example button load other bytes (AppTest cannot upload): caches cleared
    before and after, so no other test sees them."""
    import streamlit as st

    def use(data: bytes):
        monkeypatch.setattr(upload, "example_model_bytes", lambda seed=0: data)
        st.cache_data.clear()
        st.cache_resource.clear()

    yield use
    st.cache_data.clear()
    st.cache_resource.clear()


def saved(obj) -> bytes:
    import io

    import torch
    buf = io.BytesIO()
    torch.save(obj, buf)
    return buf.getvalue()


def test_a_file_with_two_recurrent_modules(example_file):
    import torch.nn as nn

    class Seq2Seq(nn.Module):
        def __init__(self):
            super().__init__()
            self.encoder = nn.GRU(3, 4)
            self.decoder = nn.RNN(4, 5)

    example_file(saved(Seq2Seq().state_dict()))
    at = with_example()
    assert_ok(at)
    assert "nn.GRU" in showing(at)
    at = set_widget(at, "_ym.module.example:0", "decoder.")
    assert_ok(at)
    assert "nn.RNN" in showing(at)
    assert metric(at, "Input → hidden") == "4 → 5"
    relu = set_widget(at, "_ym.act.example:0", "relu")  # an nn.RNN: the activation is asked
    assert_ok(relu)
    assert len(charts_of(relu)) == 2


def test_a_malicious_file_shows_the_loaders_message(example_file, tmp_path):
    import os

    marker = tmp_path / "ran"

    class Evil:
        def __reduce__(self):
            return (os.system, (f"touch '{marker}'",))

    example_file(saved({"weight_ih_l0": Evil()}))
    at = with_example()
    assert not at.exception
    assert at.error and "contains code" in at.error[0].value
    assert not charts_of(at)
    assert not marker.exists()


# --------------------------------------------------------------------------- uploads that cost too much
def test_the_uploader_states_the_servers_limit_in_mib():
    at = run_page(PAGE)
    uploader = at.get("file_uploader")[0].proto
    assert uploader.max_upload_size_mb == upload.MAX_MB == 50
    assert uploader.label.endswith("up to 50 MiB)")
    assert "1 MiB = 1,048,576 bytes" in uploader.help and "4,000,000 parameters" in uploader.help


def test_a_zero_stride_file_shows_the_loaders_message(example_file):
    from tests import upload_bombs
    example_file(upload_bombs.expand_lstm(layers=2, H=1024))  # 2 × 64 MiB as float64, 12 kB sent
    at = with_example()
    assert not at.exception
    assert at.error and "only 1 is stored in the file" in at.error[0].value
    assert not charts_of(at)


def test_a_view_over_the_cpu_budget_is_refused_with_what_fits(example_file):
    import torch.nn as nn
    example_file(saved(nn.LSTM(256, 256, num_layers=2).state_dict()))  # 524,288 + 40,000 a step
    at = with_example({"T": "2000"})
    at = set_widget(at, "_ym.layer.example:0", 1)  # layers 0 and 1 run: 1,128,576 a step
    assert not at.exception
    assert at.error, "a view over the budget was drawn"
    msg = at.error[0].value.replace("\\", "")
    assert "2,000 steps costs 2,257,152,000 units of work (layers 0–1 run)" in msg
    assert "Use at most 1,772 steps for this layer" in msg
    assert not charts_of(at)
    at = set_widget(at, "T", 1000)
    assert_ok(at)
    assert len(charts_of(at)) == 2


def test_controls_without_effect_are_disabled():
    """A pasted sequence brings its own length and numbers; a constant input draws no random
    numbers: those controls are drawn disabled, not silently ignored (issue 10)."""
    from tests.apptest_util import widget

    at = run_page(PAGE)
    assert not any(widget(at, k).disabled for k in ("T", "scale", "seed", "thr"))
    set_widget(at, "input", "constant")
    assert widget(at, "seed").disabled and not widget(at, "scale").disabled
    set_widget(at, "input", "pasted")
    assert all(widget(at, k).disabled for k in ("T", "scale", "seed"))
    assert not widget(at, "thr").disabled
