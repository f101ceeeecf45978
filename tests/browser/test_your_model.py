"""Lesson "Your own model" (pages/your_model.py) in a real browser: a real .pt uploaded
through the file input draws its charts; a malicious pickle is refused with a message and
nothing runs; the example button replaces the upload and a new upload the example; a slider
changes the URL and the chart; an nn.RNN's activation is the user's choice."""

from __future__ import annotations

import os

import pytest
import torch

from .harness import (assert_no_exception, charts, goto, run_token, screenshot, set_slider,
                      wait_idle)

pytestmark = pytest.mark.browser

FILE_INPUT = '[data-testid="stMainBlockContainer"] [data-testid="stFileUploader"] input[type="file"]'  # not the sidebar's settings loader
ERROR = '[data-testid="stAlertContentError"]'
T_LABEL = "Sequence length T (steps; random and constant input)"

_CURVES_JS = """() => {
  const gd = document.querySelectorAll('[data-testid="rnnvizChart"] .js-plotly-plot')[0];
  return gd._fullData.filter(t => t.mode === 'lines').map(t => ({name: t.name, n: t.y.length}));
}"""


def upload_file(page, path) -> None:
    token = run_token(page)
    page.locator(FILE_INPUT).set_input_files(str(path))
    wait_idle(page, since=token)


class Evil:
    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return (os.system, (f"touch '{self.marker}'",))


def test_upload_a_real_model(page, base_url, tmp_path):
    torch.manual_seed(0)
    gru = torch.nn.GRU(2, 16, batch_first=True, bidirectional=True)
    path = tmp_path / "my_gru.pt"
    torch.save(gru.state_dict(), path)

    goto(page, base_url, "/")
    goto(page, base_url, "/your_model")
    assert_no_exception(page)
    assert charts(page).count() == 0
    upload_file(page, path)
    assert_no_exception(page)
    assert charts(page).count() == 2
    assert not page.js_errors, page.js_errors
    assert page.get_by_text("my_gru.pt", exact=False).count() >= 1
    assert page.get_by_text("Steps forward above θ (reverse)").count() == 1
    names = {t["name"]: t["n"] for t in page.evaluate(_CURVES_JS)}
    assert names == {"‖∂C/∂h_k‖, forward (loss at k = T−1)": 200,
                     "‖∂C/∂h_k‖, reverse (loss at k = 0)": 200}
    screenshot(page, "your_model_upload")

    set_slider(page, T_LABEL, 203)
    assert "T=203" in page.url
    assert all(n == 203 for n in (t["n"] for t in page.evaluate(_CURVES_JS)))

    token = run_token(page)  # the example replaces the upload
    page.get_by_role("button", name="Use an example model").click()
    wait_idle(page, since=token)
    assert_no_exception(page)
    assert charts(page).count() == 2
    assert page.get_by_text("my_gru.pt", exact=False).count() == 0
    assert page.get_by_text("Showing the example model", exact=False).count() == 1
    assert page.get_by_text("Stripped the prefix 'rnn.'", exact=False).count() == 1
    screenshot(page, "your_model_example")
    upload_file(page, path)  # and a new upload replaces the example
    assert page.get_by_text("Showing my_gru.pt", exact=False).count() == 1


def test_malicious_upload_is_refused(page, base_url, tmp_path):
    marker = tmp_path / "ran"
    path = tmp_path / "evil.pt"
    torch.save({"weight_ih_l0": Evil(marker)}, path)
    goto(page, base_url, "/")
    goto(page, base_url, "/your_model")
    upload_file(page, path)
    assert_no_exception(page)
    assert page.locator(ERROR).count() == 1
    assert "contains code" in page.locator(ERROR).inner_text()
    assert charts(page).count() == 0
    assert not marker.exists(), "the uploaded pickle's code ran"


_LAST_Y_JS = """() => {
  const gd = document.querySelectorAll('[data-testid="rnnvizChart"] .js-plotly-plot')[0];
  return Array.from(gd._fullData[0].y);
}"""


def test_rnn_activation_choice(page, base_url, tmp_path):
    torch.manual_seed(1)
    path = tmp_path / "relu_rnn.pt"
    torch.save(torch.nn.RNN(1, 24, nonlinearity="relu").state_dict(), path)
    goto(page, base_url, "/")
    goto(page, base_url, "/your_model")
    upload_file(page, path)
    assert page.get_by_text("does not record it", exact=False).count() >= 1
    tanh_curve = page.evaluate(_LAST_Y_JS)
    token = run_token(page)
    page.get_by_text("relu", exact=True).click()
    wait_idle(page, since=token)
    assert_no_exception(page)
    assert page.evaluate(_LAST_Y_JS) != tanh_curve


def test_zero_stride_upload_is_refused_without_holding_it(page, base_url, tmp_path):
    """12 kB through the real file input that was a 2 GiB model once converted (issue 9):
    refused on its metadata with the loader's message, no chart, no traceback."""
    from tests.upload_bombs import expand_lstm
    path = tmp_path / "tiny.pt"
    path.write_bytes(expand_lstm(32, 1024))
    goto(page, base_url, "/")
    goto(page, base_url, "/your_model")
    upload_file(page, path)
    assert_no_exception(page)
    assert page.locator(ERROR).count() == 1
    text = page.locator(ERROR).inner_text()
    assert "only 1 is stored in the file" in text and ".expand()" in text
    assert charts(page).count() == 0
    screenshot(page, "your_model_bomb")
