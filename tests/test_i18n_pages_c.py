"""Chinese of three lesson pages (bidirectional, training, your_model) and of the library
sentences they show (issue 12, "Two languages").

- Tables: TEXT_ZH has TEXT's keys in TEXT's order, the same {placeholders} (with their format
  specs) and the same numbers in every entry, and is written in Chinese (not English copied).
- Library sentences: every code rnnviz.io.upload gives an error or a note has a "lib_<code>"
  entry, and the error's params fill it; a refused upload reads Chinese at ?lang=zh, in the
  page (AppTest, the example-model button loading other bytes; AppTest cannot upload).
- Pages at ?lang=zh show no English sentence, in their elements or in their charts.
"""

from __future__ import annotations

import ast
import io
import os
import re
import signal
import string
import time
from collections import Counter
from pathlib import Path

import pytest

from rnnviz import RnnvizError
from rnnviz.train import pool as trainpool
from rnnviz.io import upload
from pages import ui
from tests.apptest_util import assert_ok, charts_of, click, run_page, set_widget
from tests.page_tables import tables
from tests.test_page_your_model import example_file  # noqa: F401  (a pytest fixture)

ROOT = Path(__file__).resolve().parents[1]
PAGES = ("bidirectional", "training", "your_model")
ZH = {"lang": "zh"}
CJK = re.compile(r"[\u4e00-\u9fff]")
# Framework strings of pages/ui.py (i12-frame translates them, not these pages)
FRAMEWORK = {"Reset to defaults", "Presets"}


def en_zh(page):
    t = tables(page)
    return t.TEXT, t.TEXT_ZH  # outside a Streamlit run TEXT is the English table


def placeholders(text: str) -> list:
    return sorted((name, spec) for _, name, spec, _ in string.Formatter().parse(text) if name is not None)


def numbers(text: str) -> Counter:
    """The numbers written in a text (ASCII digits; 1,500 and 1500 alike), placeholders aside."""
    text = re.sub(r"\{[^{}]*\}", " ", text)
    text = re.sub(r"(?<=\d),(?=\d{3})", "", text)
    return Counter(re.findall(r"\d+(?:\.\d+)?(?:e-?\d+)?", text))


def english_sentence(text: str) -> str | None:
    """A run of three or more English words: what a Chinese page must not show. Code
    (`…`, ```…```), LaTeX ($…$), italic titles (*…*) and the words of code names aside."""
    text = re.sub(r"```.*?```|`[^`]*`|\$[^$]*\$|\*[^*\n]*\*", " ", text, flags=re.S)
    m = re.search(r"\b[A-Za-z]{2,}(?:[ ,'-]+[A-Za-z]{2,}\b){2,}", text)
    return m.group(0) if m else None


# ----------------------------------------------------------------------------- the tables
@pytest.mark.parametrize("page", PAGES)
def test_the_same_keys_in_the_same_order(page):
    en, zh = en_zh(page)
    assert list(zh) == list(en), set(en) ^ set(zh)


@pytest.mark.parametrize("page", PAGES)
def test_the_same_placeholders(page):
    en, zh = en_zh(page)
    wrong = {k: (placeholders(en[k]), placeholders(zh[k])) for k in en
             if placeholders(en[k]) != placeholders(zh[k])}
    assert not wrong


@pytest.mark.parametrize("page", PAGES)
def test_the_same_numbers(page):
    en, zh = en_zh(page)
    wrong = {k: (dict(numbers(en[k])), dict(numbers(zh[k]))) for k in en
             if numbers(en[k]) != numbers(zh[k])}
    assert not wrong


# entries that are names, symbols or code in both languages
SAME = {"cell_lstm", "cell_gru", "cell_rnn", "cell_relu-rnn", "preset_lstm", "preset_rnn",
        "preset_long", "cbar_x", "cbar_h", "row_y_x", "row_y_h", "row_now", "fig_grad_y", "fig_y",
        "curve_c", "fig_thr", "bar_slope", "lib_other", "m_span_all", "lib_list_sep", "d_sep",
        "d_model", "curve_c_fwd", "curve_c_rev",
        "opt_cell_lstm", "opt_cell_gru", "opt_cell_rnn", "opt_cell_relu-rnn"}  # names of cells


@pytest.mark.parametrize("page", PAGES)
def test_chinese_is_chinese(page):
    """Every entry with words in it is written in Chinese, with Chinese punctuation between
    Chinese words (no English copied over, no half-width ", " inside a Chinese sentence)."""
    en, zh = en_zh(page)
    copied = [k for k in en if k not in SAME and re.search(r"[A-Za-z]{3,}", en[k])
              and not CJK.search(zh[k])]
    assert not copied
    half = {k: m.group(0) for k in zh if (m := re.search(r"[\u4e00-\u9fff][,;:?!]\s*[\u4e00-\u9fff]", zh[k]))}
    assert not half


# ----------------------------------------------------------------------------- library sentences
def library_codes() -> dict[str, set]:
    """{"error": codes, "note": codes} given in rnnviz/io/upload.py and rnnviz/core/errors.py, read
    from the source: every RnnvizError(..., code=…) and Note(text, code, …)."""
    out = {"error": set(), "note": set()}
    for file in ("rnnviz/io/upload.py", "rnnviz/core/errors.py"):
        for node in ast.walk(ast.parse((ROOT / file).read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", getattr(node.func, "attr", ""))
            given = [kw.value for kw in node.keywords if kw.arg == "code"]
            if name == "Note" and len(node.args) > 1:
                given.append(node.args[1])
            for value in given:
                consts = [value] if isinstance(value, ast.Constant) else [value.body, value.orelse]
                kind = "note" if any(str(c.value).startswith("note_") for c in consts) else "error"
                out[kind].update(c.value for c in consts)
    return out


def test_every_library_code_has_a_sentence_in_both_languages():
    codes = library_codes()
    assert len(codes["error"]) > 60 and len(codes["note"]) == 7  # the source was read
    en, zh = en_zh("your_model")
    missing = {c for c in codes["error"] | codes["note"] if f"lib_{c}" not in en or f"lib_{c}" not in zh}
    assert not missing


def test_every_refusal_of_a_file_has_a_code():
    """A new RnnvizError in upload.py without a code would show English on a Chinese page.
    Uncoded: checks of what the page itself passes (bytes, text, a layer, an activation, an
    input kind), never a student's file."""
    tree = ast.parse((ROOT / "rnnviz/io/upload.py").read_text(encoding="utf-8"))
    uncoded = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "RnnvizError":
            has = any(kw.arg == "code" for kw in node.keywords)
            said = node.args and isinstance(node.args[0], ast.Call)  # _refusal(...), _not_recurrent(...)
            if not has and not said:
                uncoded.append(ast.get_source_segment((ROOT / "rnnviz/io/upload.py").read_text(), node)[:60])
    assert len(uncoded) == 5, uncoded


# params quoting what Python, zipfile or torch said when a file broke them: shown as it is
RAW = ("detail", "stopped")


def saved(obj, **kw) -> bytes:
    import torch
    buf = io.BytesIO()
    torch.save(obj, buf, **kw)
    return buf.getvalue()


class Evil:
    def __reduce__(self):
        return (os.system, ("true",))


def bad_files() -> dict[str, bytes]:
    """A file for each kind of refusal a student meets, by the code it must be refused with."""
    import numpy as np
    import torch.nn as nn

    from tests import upload_bombs
    npz = io.BytesIO()
    np.savez(npz, a=np.zeros(3))
    return {
        "empty": b"",
        "too_big": b"\0" * (upload.MAX_BYTES + 1),
        "code": saved({"weight_ih_l0": Evil()}),
        "whole_model": saved(nn.LSTM(2, 3)),
        "not_recurrent": saved(nn.Linear(10, 3).state_dict()),
        "not_recurrent_conv": saved(nn.Conv2d(1, 2, 3).state_dict()),
        "expanded": upload_bombs.expand_lstm(layers=2, H=1024),
        "model_params": saved(nn.LSTM(1024, 1024).state_dict()),
        "npy_single": b"\x93NUMPY" + b"\0" * 100,
        "not_dict_tensor": saved(__import__("torch").zeros(3)),
        "missing": saved({"weight_ih_l0": __import__("torch").zeros(4, 2),
                          "weight_hh_l0": __import__("torch").zeros(4, 4),
                          "bias_ih_l0": __import__("torch").zeros(4)}),
        "torch_unreadable": b"PK\x03\x04" + b"\0" * 200,
    }


def test_each_refusal_fills_its_chinese_sentence():
    en, zh = en_zh("your_model")
    for code, data in bad_files().items():
        with pytest.raises(RnnvizError) as info:
            upload.load_model("x.pt", data)
        exc = info.value
        if code == "torch_unreadable":  # a broken zip: whichever reader gives up first
            assert exc.code in ("zip_broken", "torch_unreadable", "zip_unknown"), exc.code
        else:
            assert exc.code == code, (code, str(exc))
        assert {name for name, _ in placeholders(zh[f"lib_{exc.code}"])} <= set(exc.params)
        text = zh[f"lib_{exc.code}"].format(**{k: "…" if k in RAW else v for k, v in exc.params.items()})
        assert CJK.search(text) and not english_sentence(text), text


def test_each_pasted_sequence_refusal_fills_its_chinese_sentence():
    zh = en_zh("your_model")[1]
    for text, size, code in [("1, x", 1, "entry_nan"), ("1,,2", 1, "entry_empty"),
                             ("1 2\n3 x", 2, "entry_nan_line"), ("1 2\n3", 2, "line_count"),
                             ("1e9", 1, "entry_range"), ("", 1, "paste_empty"),
                             ("\n".join(["1 2"] * 2001), 2, "seq_long")]:
        with pytest.raises(RnnvizError) as info:
            upload.parse_sequence(text, size)
        assert info.value.code == code
        said = zh[f"lib_{code}"].format(**info.value.params)
        assert CJK.search(said) and not english_sentence(said), said


# ----------------------------------------------------------------------------- pages at ?lang=zh
TEXT_FIELDS = ("body", "label", "help", "text", "placeholder", "options")


def shown(at) -> list[str]:
    """Every text of the page's elements and charts."""
    from google.protobuf.message import Message

    out = []

    def walk(msg):
        for field, value in msg.ListFields():
            many = not isinstance(value, (str, bytes, Message)) and hasattr(value, "__iter__")
            for v in (value if many else [value]):
                if isinstance(v, Message):
                    walk(v)
                elif isinstance(v, str) and field.name in TEXT_FIELDS:
                    out.append(v)

    stack = list(at._tree.children.values())
    while stack:
        node = stack.pop()
        drawn = getattr(node, "type", "") not in ("latex", "bidi_component")  # equations; charts below
        if drawn and getattr(node, "proto", None) is not None:
            walk(node.proto)
        stack.extend(getattr(node, "children", {}).values())

    def figure(obj, key=""):
        if isinstance(obj, dict):
            for k, v in obj.items():
                figure(v, k)
        elif isinstance(obj, list):
            for v in obj:
                figure(v, key)
        elif isinstance(obj, str) and key in ("text", "name", "hovertemplate"):
            out.append(obj)
    for chart in charts_of(at):
        figure(chart.figure)
    return out


def english_on(at) -> list[str]:
    return [t for t in shown(at) if t not in FRAMEWORK and english_sentence(t)]


@pytest.mark.parametrize("page, query", [
    ("bidirectional", {}), ("bidirectional", {"T": "500", "wrt": "h", "cell": "lstm"}),
    ("training", {}), ("training", {"task": "copy"}),
])
def test_no_english_sentence_on_a_chinese_page(page, query):
    at = run_page(f"pages/{page}.py", {**ZH, **query})
    assert_ok(at)
    assert charts_of(at)
    assert not english_on(at)


def test_your_model_in_chinese_with_the_example():
    at = click(run_page("pages/your_model.py", ZH), "_ym.example")
    assert_ok(at)
    assert len(charts_of(at)) == 2
    assert not english_on(at)
    notes = " ".join(c.value for c in at.caption)
    assert "这个模型有 2 层" in notes and "忽略了其他 2 个条目" in notes  # the loader's notes
    assert any("nn.LSTM（2 层，输入大小 3，隐藏层大小 32）" in m.value for m in at.markdown)


def test_your_model_describes_the_model_as_the_library_does():
    """In English the page's own description is the library's Model.describe()."""
    import pages  # noqa: F401 - the package of pages.i18n

    t = tables("your_model")
    model = upload.load_model("x.pt", upload.example_model_bytes(0))
    assert t.describe(model) == model.describe()


@pytest.mark.parametrize("code", ["empty", "too_big", "code", "whole_model", "not_recurrent",
                                  "expanded", "model_params"])
def test_a_refused_upload_reads_chinese(example_file, code):
    example_file(bad_files()[code])
    at = click(run_page("pages/your_model.py", ZH), "_ym.example")
    assert not at.exception and len(at.error) == 1
    message = at.error[0].value.replace("\\", "")
    assert CJK.search(message) and not english_sentence(message), message
    assert not charts_of(at)
    en = click(run_page("pages/your_model.py"), "_ym.example")  # the same file in English:
    with pytest.raises(RnnvizError) as info:  # the library's own sentence, as before
        upload.load_model("x.pt", bad_files()[code])
    assert en.error[0].value == ui.escape_md(str(info.value), 500)


def test_a_bad_paste_and_a_view_over_budget_read_chinese(example_file):
    import torch.nn as nn

    at = click(run_page("pages/your_model.py", {**ZH, "input": "pasted"}), "_ym.example")
    at.text_area(key="_ym.seq.3").input("1, 2, 3\n4, five, 6")
    at.run()
    assert at.error and at.error[0].value.replace("\\", "").startswith("第 2 行的第 2 项 'five' 不是数字")
    example_file(saved(nn.LSTM(256, 256, num_layers=2).state_dict()))
    at = click(run_page("pages/your_model.py", {**ZH, "T": "2000"}), "_ym.example")
    at = set_widget(at, "_ym.layer.example:0", 1)
    message = at.error[0].value.replace("\\", "")
    assert "在 2,000 步上画出这个模型的第 1 层需要 2,257,152,000 个单位的计算量" in message
    assert "这一层最多用 1,772 步" in message and not english_sentence(message)


def test_a_dead_trainer_is_said_in_chinese_with_its_exit_code():
    """The worker process dies under a run (killed here): the page says so in Chinese, with
    the exit code from the pool (RunView.exit_code), not the pool's English sentence."""
    at = click(run_page("pages/training.py", {**ZH, "T": "10", "H": "8", "max_steps": "3000"}),
               "start")
    run = at.session_state["training.run"]
    pool = trainpool.shared()
    deadline = time.monotonic() + 60
    while run.view().status != trainpool.RUNNING:
        assert time.monotonic() < deadline
        time.sleep(0.2)
    worker = next(w for w in pool._workers if run.rid in w.runs)
    os.kill(worker.proc.pid, signal.SIGKILL)
    while run.view().status != trainpool.FAILED:
        assert time.monotonic() < deadline
        time.sleep(0.2)
    assert run.view().exit_code == -signal.SIGKILL
    at.run()
    assert [w.value for w in at.warning] == ["训练进程意外退出（退出码 -9）。请按“重新开始”再试一次。"]
