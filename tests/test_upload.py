"""rnnviz.io.upload: real saved modules read back and run like PyTorch; everything else refused
with a clear message, and a malicious pickle refused without running."""

import io
import os
import pickle
import zipfile

import numpy as np
import pytest
import torch
import torch.nn as nn

import rnnviz
from rnnviz.io import upload
from rnnviz.core.errors import RnnvizError

MODULES = {
    "rnn-tanh": lambda **k: nn.RNN(3, 5, **k),
    "rnn-relu": lambda **k: nn.RNN(3, 5, nonlinearity="relu", **k),
    "lstm": lambda **k: nn.LSTM(3, 5, **k),
    "gru": lambda **k: nn.GRU(3, 5, **k),
}


def saved(tmp_path, obj, name="model.pt") -> bytes:
    """torch.save to a real file and read its bytes back, as an upload would be."""
    path = tmp_path / name
    torch.save(obj, path)
    return path.read_bytes()


def torch_output(module, x, batch_first):
    xt = torch.tensor(x)[None] if batch_first else torch.tensor(x)[:, None]
    with torch.no_grad():
        out, _ = module(xt)
    return (out[0] if batch_first else out[:, 0]).numpy()  # (T, H·D)


# --------------------------------------------------------------------------- real modules
@pytest.mark.parametrize("name", list(MODULES))
@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("batch_first", [False, True])
def test_saved_state_dict_runs_like_the_module(tmp_path, name, bidirectional, batch_first):
    torch.manual_seed(0)
    m = MODULES[name](bidirectional=bidirectional, batch_first=batch_first, num_layers=2).double()
    data = saved(tmp_path, m.state_dict())
    activation = "relu" if name == "rnn-relu" else "tanh"
    model = upload.load_model("model.pt", data)
    assert (model.kind, model.layers, model.input_size, model.hidden_size, model.bidirectional) == (
        name[:3] if name != "lstm" else "lstm", 2, 3, 5, bidirectional)
    assert model.n_params == sum(p.numel() for p in m.parameters())
    x = np.random.default_rng(1).standard_normal((7, 3))
    top = model.cell(1, activation)
    h = rnnviz.unroll(top, model.layer_input(1, x, activation)).h  # layer 1 on layer 0's output
    assert np.allclose(h, torch_output(m, x, batch_first), rtol=0, atol=1e-12)
    cell, notes = upload.load_weights("model.pt", data, layer=1, activation=activation)
    assert cell.input_size == 5 * (2 if bidirectional else 1)
    assert any("2 layers" in n for n in notes) and any("layer 1" in n for n in notes)


def test_layer_0_is_the_default_and_matches_a_one_layer_module(tmp_path):
    torch.manual_seed(2)
    m = nn.GRU(4, 6, num_layers=3).double()
    data = saved(tmp_path, m.state_dict())
    cell, notes = upload.load_weights("gru.pt", data)
    one = nn.GRU(4, 6).double()
    one.load_state_dict({k: v for k, v in m.state_dict().items() if k.endswith("_l0")})
    x = np.random.default_rng(0).standard_normal((5, 4))
    assert np.allclose(rnnviz.unroll(cell, x).h, torch_output(one, x, False), atol=1e-12)
    assert any("3 layers" in n for n in notes) and notes[-1].endswith("Showing layer 0 (layers 0–2).")
    with pytest.raises(RnnvizError, match="layers 0 … 2; there is no layer 3"):
        upload.load_weights("gru.pt", data, layer=3)


def test_float32_module_and_no_bias(tmp_path):
    m = nn.LSTM(2, 4, bias=False)  # float32, as trained models usually are
    model = upload.load_model("m.pt", saved(tmp_path, m.state_dict()))
    assert not model.bias and model.params["weight_hh_l0"].dtype == np.float64
    assert model.n_params == sum(p.numel() for p in m.parameters())


def test_rnn_activation_is_the_users_choice(tmp_path):
    torch.manual_seed(3)
    m = nn.RNN(2, 4, nonlinearity="relu").double()
    data = saved(tmp_path, m.state_dict())
    model = upload.load_model("r.pt", data)
    assert any("tanh or relu" in n for n in model.notes)
    x = np.random.default_rng(0).standard_normal((6, 2))
    ref = torch_output(m, x, False)
    assert np.allclose(rnnviz.unroll(model.cell(0, "relu"), x).h, ref, atol=1e-12)
    assert not np.allclose(rnnviz.unroll(model.cell(0, "tanh"), x).h, ref, atol=1e-6)
    with pytest.raises(RnnvizError, match="tanh or relu"):
        model.cell(0, "sigmoid")


def test_npz_of_the_arrays(tmp_path):
    torch.manual_seed(4)
    m = nn.LSTM(3, 4, bidirectional=True).double()
    path = tmp_path / "lstm.npz"
    np.savez(path, **{k: v.numpy() for k, v in m.state_dict().items()})
    model = upload.load_model("lstm.npz", path.read_bytes())
    assert model.fmt == "npz" and model.kind == "lstm" and model.bidirectional
    x = np.random.default_rng(0).standard_normal((5, 3))
    assert np.allclose(rnnviz.unroll(model.cell(0), x).h, torch_output(m, x, False), atol=1e-12)
    compressed = tmp_path / "c.npz"
    np.savez_compressed(compressed, **{k: v.numpy() for k, v in m.state_dict().items()})
    assert upload.load_model("c.npz", compressed.read_bytes()).n_params == model.n_params


def test_format_is_read_from_the_content_not_the_name(tmp_path):
    m = nn.GRU(2, 3)
    assert upload.load_model("weights.npz", saved(tmp_path, m.state_dict())).fmt == "pt"
    path = tmp_path / "a.npz"
    np.savez(path, **{k: v.numpy() for k, v in m.state_dict().items()})
    assert upload.load_model("weights.pt", path.read_bytes()).fmt == "npz"


def test_legacy_torch_format(tmp_path):
    m = nn.RNN(2, 3)
    path = tmp_path / "old.pt"
    torch.save(m.state_dict(), path, _use_new_zipfile_serialization=False)
    assert upload.load_model("old.pt", path.read_bytes()).kind == "rnn"


# --------------------------------------------------------------------------- bigger models
class Tagger(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(10, 3)
        self.rnn = nn.LSTM(3, 4, batch_first=True)
        self.head = nn.Linear(4, 2)


def test_prefix_of_a_bigger_model_is_stripped_and_said(tmp_path):
    model = upload.load_model("t.pt", saved(tmp_path, Tagger().state_dict()))
    assert model.kind == "lstm" and model.prefix == "rnn."
    text = " ".join(model.notes)
    assert "Stripped the prefix 'rnn.'" in text
    assert "Ignored 3 other entries: embed.weight, head.weight, head.bias." in text


def test_checkpoint_nesting_the_state_dict(tmp_path):
    ckpt = {"epoch": 7, "state_dict": Tagger().state_dict(), "optimizer": {"lr": 0.1}}
    model = upload.load_model("ckpt.pth", saved(tmp_path, ckpt))
    text = " ".join(model.notes)
    assert "nested under 'state_dict'" in text and "Stripped the prefix 'rnn.'" in text
    assert "epoch" in text  # ignored, and said


def test_data_parallel_prefix_and_plain_keys(tmp_path):
    sd = {"module." + k: v for k, v in nn.GRU(2, 3).state_dict().items()}
    model = upload.load_model("dp.pt", saved(tmp_path, sd))
    assert model.prefix == "module." and model.kind == "gru"
    plain = upload.load_model("p.pt", saved(tmp_path, nn.GRU(2, 3).state_dict(), "p.pt"))
    assert plain.prefix == "" and not any("prefix" in n for n in plain.notes)


def test_two_recurrent_modules_pick_one(tmp_path):
    class Seq2Seq(nn.Module):
        def __init__(self):
            super().__init__()
            self.encoder = nn.GRU(3, 4)
            self.decoder = nn.LSTM(4, 5)

    data = saved(tmp_path, Seq2Seq().state_dict())
    first = upload.load_model("s.pt", data)
    assert first.modules == ("encoder.", "decoder.") and first.kind == "gru"
    assert "2 recurrent modules" in first.notes[0]
    second = upload.load_model("s.pt", data, module="decoder.")
    assert second.kind == "lstm" and second.hidden_size == 5
    with pytest.raises(RnnvizError, match="no recurrent module"):
        upload.load_model("s.pt", data, module="nope.")


def test_cell_module_state_dict_is_one_layer(tmp_path):
    torch.manual_seed(5)
    c = nn.LSTMCell(3, 4).double()
    model = upload.load_model("cell.pt", saved(tmp_path, c.state_dict()))
    assert model.kind == "lstm" and model.layers == 1
    assert any("LSTMCell" in n for n in model.notes)
    x = np.random.default_rng(0).standard_normal((4, 3))
    h = torch.zeros(1, 4, dtype=torch.float64)
    s = torch.zeros(1, 4, dtype=torch.float64)
    outs = []
    with torch.no_grad():
        for t in range(4):
            h, s = c(torch.tensor(x[t:t + 1]), (h, s))
            outs.append(h[0].numpy())
    assert np.allclose(rnnviz.unroll(model.cell(0), x).h, np.stack(outs), atol=1e-12)


# --------------------------------------------------------------------------- refusals
def test_too_large_is_refused_before_parsing(monkeypatch):
    def boom(*a, **k):
        raise AssertionError("parsed a file over the limit")

    monkeypatch.setattr(torch, "load", boom)
    monkeypatch.setattr(np, "load", boom)
    data = b"PK" + b"\0" * upload.MAX_BYTES  # one byte over the limit
    with pytest.raises(RnnvizError, match=r"50\.0 MiB; the limit is 50 MiB"):
        upload.load_model("big.pt", data)
    with pytest.raises(RnnvizError, match="empty"):
        upload.load_model("empty.pt", b"")


def test_zip_that_unpacks_too_large_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(upload, "MAX_UNPACKED", 10_000)
    path = tmp_path / "bomb.npz"
    np.savez_compressed(path, weight_hh_l0=np.zeros((100, 100)))  # 80 kB of zeros, tiny packed
    assert len(path.read_bytes()) < 10_000
    with pytest.raises(RnnvizError, match="unpacks to more than"):
        upload.load_model("bomb.npz", path.read_bytes())


@pytest.mark.parametrize("cut", [0.5, 0.9])
def test_truncated_files_are_corrupt(tmp_path, cut):
    data = saved(tmp_path, nn.LSTM(3, 8).state_dict())
    with pytest.raises(RnnvizError, match="corrupt"):
        upload.load_model("m.pt", data[: int(len(data) * cut)])
    path = tmp_path / "m.npz"
    np.savez(path, w=np.ones((50, 50)))
    with pytest.raises(RnnvizError, match="corrupt"):
        upload.load_model("m.npz", path.read_bytes()[: int(path.stat().st_size * cut)])


@pytest.mark.parametrize("data", [b"garbage " * 20, b"\x80\x02}q\x00.", os.urandom(4096),
                                  b"\x93NUMPY\x01\x00"])
def test_unreadable_bytes(data):
    with pytest.raises(RnnvizError) as err:
        upload.load_model("x.pt", data)
    assert any(w in str(err.value) for w in ("corrupt", "single .npy", "not a PyTorch"))


def test_a_zip_of_something_else(tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("readme.txt", "hello")
    with pytest.raises(RnnvizError, match="neither a PyTorch file"):
        upload.load_model("x.pt", buf.getvalue())


@pytest.mark.parametrize("make, words", [
    (lambda: nn.Linear(10, 3).state_dict(), "another kind of layer"),
    (lambda: nn.Conv2d(3, 8, 3).state_dict(), "a convolution"),
    (lambda: nn.Sequential(nn.Linear(4, 4), nn.ReLU(), nn.Linear(4, 1)).state_dict(), "0.weight"),
    (lambda: {"epoch": 3, "note": "hi"}, "no arrays"),
    (lambda: torch.ones(3, 4), "a single tensor of shape (3, 4)"),
    (lambda: [torch.ones(2)], "a list"),
])
def test_wrong_architecture(tmp_path, make, words):
    with pytest.raises(RnnvizError) as err:
        upload.load_model("w.pt", saved(tmp_path, make()))
    assert words in str(err.value)


def test_whole_pickled_module_is_refused(tmp_path):
    data = saved(tmp_path, nn.LSTM(3, 4))  # torch.save(model), not its state_dict
    with pytest.raises(RnnvizError, match=r"whole pickled model \(torch\.nn\.modules\.rnn\.LSTM\)"):
        upload.load_model("model.pt", data)


def test_lstm_with_projection_is_refused(tmp_path):
    data = saved(tmp_path, nn.LSTM(3, 6, proj_size=2).state_dict())
    with pytest.raises(RnnvizError, match="proj_size"):
        upload.load_model("p.pt", data)


# --------------------------------------------------------------------------- a malicious pickle
class Evil:
    """Unpickling this runs a shell command that creates a marker file."""

    marker = ""

    def __reduce__(self):
        return (os.system, (f"touch '{self.marker}'",))


def evil(marker):
    e = Evil()
    e.marker = str(marker)
    return e


def evil_files(tmp_path, marker):
    payload = {"weight_ih_l0": evil(marker), "weight_hh_l0": torch.ones(4, 4)}
    files = {"torch.save": saved(tmp_path, payload, "evil.pt"),
             "pickle-2": pickle.dumps(payload, protocol=2),
             "pickle-0": pickle.dumps({"w": evil(marker)}, protocol=0)}
    path = tmp_path / "evil.npz"
    np.savez(path, weight_ih_l0=np.array([evil(marker)], dtype=object))
    files["npz"] = path.read_bytes()
    return files


def test_the_payload_is_real(tmp_path):
    """Without weights_only the file does run its code: the test below can fail."""
    marker = tmp_path / "ran"
    data = evil_files(tmp_path, marker)["torch.save"]
    torch.load(io.BytesIO(data), weights_only=False)
    assert marker.exists()


@pytest.mark.parametrize("which", ["torch.save", "pickle-2", "pickle-0", "npz"])
def test_malicious_pickle_is_refused_and_nothing_runs(tmp_path, which):
    marker = tmp_path / "ran"
    data = evil_files(tmp_path, marker)[which]
    name = "evil.npz" if which == "npz" else "evil.pt"
    with pytest.raises(RnnvizError) as err:
        upload.load_model(name, data)
    assert not marker.exists(), "the pickle's code ran"
    msg = str(err.value)
    assert "nothing in it was run" in msg
    if which in ("torch.save", "pickle-2"):  # torch names the global it refused
        assert "system" in msg and "contains code" in msg


def test_custom_class_is_refused(tmp_path):
    data = saved(tmp_path, {"weights": Tagger()})
    with pytest.raises(RnnvizError, match="Tagger"):
        upload.load_model("t.pt", data)


# --------------------------------------------------------------------------- mismatched shapes
def lstm_sd(**changes):
    sd = {k: v.clone() for k, v in nn.LSTM(3, 4, num_layers=2).state_dict().items()}
    for k, v in changes.items():
        if v is None:
            del sd[k]
        else:
            sd[k] = v
    return sd


@pytest.mark.parametrize("changes, words", [
    ({"weight_ih_l0": torch.ones(12, 3)}, "weight_ih_l0 has shape (12, 3), but weight_hh_l0 (16, 4)"),
    ({"weight_hh_l0": torch.ones(8, 4)}, "2 blocks of 4 units"),
    ({"weight_hh_l0": torch.ones(10, 4)}, "not (G·H, H)"),
    ({"weight_hh_l1": torch.ones(16, 5)}, "weight_hh_l1 has shape (16, 5)"),
    ({"weight_ih_l1": torch.ones(16, 3)}, "layer 1 reads the 4 outputs of layer 0"),
    ({"bias_hh_l0": None}, "bias_hh_l0 is missing"),
    ({"bias_ih_l1": torch.ones(15)}, "bias_ih_l1 has shape (15,)"),
    ({"weight_ih_l1": None}, "weight_ih_l1 is missing (layer 1 needs what layer 0 has)"),
    ({"weight_hh_l3": torch.ones(16, 4)}, "not numbered 0, 1"),
    ({"weight_ih_l0": torch.full((16, 3), float("nan"))}, "NaN"),
])
def test_mismatched_shapes(tmp_path, changes, words):
    with pytest.raises(RnnvizError) as err:
        upload.load_model("m.pt", saved(tmp_path, lstm_sd(**changes)))
    assert words in str(err.value)


def test_bidirectional_mismatch(tmp_path):
    sd = nn.GRU(3, 4, bidirectional=True).state_dict()
    sd["weight_ih_l0_reverse"] = torch.ones(12, 5)
    with pytest.raises(RnnvizError, match="directions disagree on the input size"):
        upload.load_model("m.pt", saved(tmp_path, sd))


# --------------------------------------------------------------------------- pasted input
@pytest.mark.parametrize("text, expected", [
    ("0.5, -1, 2", [0.5, -1, 2]),
    ("[1 2 3]", [1, 2, 3]),
    ("1\n2\n3e-1; -.5", [1, 2, 0.3, -0.5]),
    ("  +4.  ", [4.0]),
])
def test_parse_sequence(text, expected):
    x = upload.parse_sequence(text)
    assert x.shape == (len(expected), 1) and np.allclose(x[:, 0], expected)


def test_parse_sequence_rows():
    x = upload.parse_sequence("1, 2, 3\n4 5 6\n\n7;8;9\n", input_size=3)
    assert x.shape == (3, 3) and x[2, 1] == 8


@pytest.mark.parametrize("text, input_size, words", [
    ("", 1, "at least one number"),
    ("  [ ] ", 1, "at least one number"),
    ("1, two, 3", 1, "Entry 2, 'two', is not a number"),
    ("1, nan", 1, "'nan', is not a number"),
    ("inf", 1, "is not a number"),
    ("0x10", 1, "is not a number"),
    ("1_000", 1, "is not a number"),
    ("1e999", 1, "outside"),
    ("2e6", 1, "outside"),
    ("1,,2", 1, "Entry 2 is empty"),
    ("1, 2\n3", 2, "Line 2 has 1 number; this model reads 2 per step"),
    ("1, <b>x</b>", 1, "is not a number"),
])
def test_parse_sequence_refuses(text, input_size, words):
    with pytest.raises(RnnvizError) as err:
        upload.parse_sequence(text, input_size)
    assert words in str(err.value)


def test_parse_sequence_bounds():
    assert upload.parse_sequence(", ".join(["1"] * 2000)).shape == (2000, 1)
    with pytest.raises(RnnvizError, match="2001 steps; the limit is 2000"):
        upload.parse_sequence(", ".join(["1"] * 2001))
    with pytest.raises(RnnvizError, match="characters; the limit"):
        upload.parse_sequence("1 " * upload.MAX_TEXT)
    with pytest.raises(RnnvizError, match="3 steps; the limit is 2"):
        upload.parse_sequence("1\n2\n3", 1, max_steps=2)


# --------------------------------------------------------------------------- the example
def test_example_model():
    a = upload.load_model("example.pt", upload.example_model_bytes(0))
    b = upload.load_model("example.pt", upload.example_model_bytes(0))
    c = upload.load_model("example.pt", upload.example_model_bytes(1))
    assert (a.kind, a.layers, a.input_size, a.hidden_size) == ("lstm", 2, 3, 32)
    assert all(np.array_equal(a.params[k], b.params[k]) for k in a.params)
    assert not np.array_equal(a.params["weight_hh_l0"], c.params["weight_hh_l0"])
    assert any("prefix 'rnn.'" in n for n in a.notes)


# --------------------------------------------------------------------------- uploads that cost nothing
# (issue 9) Each is refused before a weight is converted to float64: _as_array, the only place
# that converts, fails the test if it is reached. tests/upload_bombs.py measures what each costs.
from tests import upload_bombs as bombs  # noqa: E402


@pytest.fixture
def no_conversion(monkeypatch):
    def boom(value, key):
        raise AssertionError(f"converted {key} before refusing the file")

    monkeypatch.setattr(upload, "_as_array", boom)


def test_zero_stride_model_is_refused_on_its_metadata(no_conversion):
    data = bombs.expand_lstm(32, 1024)  # 2 GiB as float64, accepted before
    assert len(data) < 16_000
    with pytest.raises(RnnvizError) as err:
        upload.load_model("x.pt", data)
    msg = str(err.value)
    assert "weight_ih_l0 has shape (4096, 1024) (4,194,304 numbers) but only 1 is stored" in msg
    assert ".expand()" in msg


def test_zero_stride_wide_input_is_refused_on_its_metadata(no_conversion):
    with pytest.raises(RnnvizError, match=r"\(196,608,000 numbers\) but only 1 is stored"):
        upload.load_model("x.pt", bombs.expand_wide())


def test_a_real_tensor_viewed_twice_is_still_read(tmp_path):
    """Views that fit in their storage (a state_dict of parameters sharing one buffer) pass."""
    m = nn.GRU(3, 4)
    flat = torch.cat([p.detach().reshape(-1) for p in m.parameters()])
    sd, i = {}, 0
    for name, p in m.named_parameters():
        sd[name] = flat[i:i + p.numel()].view(p.shape)
        i += p.numel()
    assert upload.load_model("v.pt", saved(tmp_path, sd)).n_params == flat.numel()


def model_over(cap: str):
    """A contiguous, honest state_dict over one cap (float16 keeps the file small)."""
    if cap == "params":
        return nn.LSTM(1024, 1024).half().state_dict()  # 8,396,800 parameters, 16 MiB
    return nn.RNN(8, 256, num_layers=17).half().state_dict()  # 17 × 256 = 4,352 units


@pytest.mark.parametrize("cap, words", [
    ("params", "has 8,396,800 parameters and 1 layer of 1024 units: too big to read here"),
    ("units", "17 layers of 256 units, 4,352 in all: too many to draw here"),
])
def test_model_size_is_capped_before_conversion(tmp_path, no_conversion, cap, words):
    with pytest.raises(RnnvizError) as err:
        upload.load_model("big.pt", saved(tmp_path, model_over(cap)))
    msg = str(err.value)
    assert words in msg
    assert "up to 4,000,000 parameters (30.5 MiB as float64) and 4,096 hidden units" in msg


def test_model_at_the_caps_is_read(tmp_path):
    m = nn.GRU(64, 128, num_layers=32)  # 32 × 128 = 4,096 units, 3.2 M parameters
    model = upload.load_model("m.pt", saved(tmp_path, m.state_dict()))
    assert model.layers * model.hidden_size == upload.MAX_LAYER_UNITS
    assert model.n_params == sum(p.numel() for p in m.parameters()) <= upload.MAX_PARAMS


def test_upcast_bomb_is_counted_in_numbers_not_bytes(no_conversion):
    """int8 arrays are an eighth of their float64 copy: the cap counts numbers."""
    buf = io.BytesIO()
    np.savez(buf, weight_ih_l0=np.zeros((4096, 1024), np.int8), weight_hh_l0=np.zeros((4096, 1024), np.int8))
    assert len(buf.getvalue()) < 9 * 2**20
    with pytest.raises(RnnvizError, match="8,388,608 parameters"):
        upload.load_model("i8.npz", buf.getvalue())


@pytest.mark.parametrize("make", [lambda: bombs.deflate_pt(60), lambda: bombs.deflate_npz(60)])
def test_deflate_bombs_are_refused_before_unpacking(monkeypatch, make):
    data = make()
    assert len(data) < 100_000  # 60 MiB of zeros, deflated

    def boom(*a, **k):
        raise AssertionError("unpacked a deflate bomb")

    monkeypatch.setattr(torch, "load", boom)
    monkeypatch.setattr(np, "load", boom)
    with pytest.raises(RnnvizError, match="unpacks to more than 50 MiB"):
        upload.load_model("bomb.pt", data)


def test_shared_list_rows_are_refused_before_numpy_copies_them(no_conversion):
    with pytest.raises(RnnvizError, match="Python list of more than 100,000 numbers"):
        upload.load_model("l.pt", bombs.shared_lists(4096, 4096))


@pytest.mark.parametrize("make, words", [
    (lambda: bombs.pickled_numbers(300_000), "pickle \\(data.pkl\\) is 2.6 MiB"),
    (lambda: bombs.legacy_numbers(300_000), "legacy format .* read up to 2 MiB \\(it is 2.6 MiB\\)"),
])
def test_big_pickles_are_refused_before_unpickling(monkeypatch, make, words):
    data = make()

    def boom(*a, **k):
        raise AssertionError("unpickled a pickle over the limit")

    monkeypatch.setattr(torch, "load", boom)
    with pytest.raises(RnnvizError, match=words):
        upload.load_model("p.pt", data)


def test_shared_dicts_are_refused_while_walked():
    with pytest.raises(RnnvizError, match="more than 10,000 entries"):
        upload.load_model("d.pt", bombs.shared_dicts(300, 3))


# --------------------------------------------------------------------------- every exception is a message
def test_a_5000_digit_layer_number(tmp_path):
    sd = dict(nn.LSTM(3, 4).state_dict())
    sd["weight_ih_l" + "1" * 5000] = torch.ones(16, 3)
    with pytest.raises(RnnvizError) as err:
        upload.load_model("k.pt", saved(tmp_path, sd))
    msg = str(err.value)
    assert "5,000 digits long; a model here has at most 32 layers" in msg and len(msg) < 300


@pytest.mark.parametrize("value, words", [
    ([[1.0, 2.0, 3.0]] * 15 + [[1.0, 2.0]], "ragged list"),
    ([[1.0, 2.0, 3.0]] * 15 + [[1.0, "x", 3.0]], "holding a str"),
    ([[[1.0]]], "nested more than two deep"),
    ({1, 2}, "a set, not an array"),
])
def test_odd_values_are_messages(tmp_path, value, words):
    sd = {"weight_ih_l0": value, "weight_hh_l0": torch.zeros(16, 4)}
    with pytest.raises(RnnvizError, match=words):
        upload.load_model("r.pt", saved(tmp_path, sd))


def test_a_regular_list_is_still_read(tmp_path):
    sd = {k: v.tolist() for k, v in nn.RNN(2, 3).state_dict().items()}
    assert upload.load_model("l.pt", saved(tmp_path, sd)).kind == "rnn"


def test_an_unforeseen_error_is_a_message(monkeypatch):
    def broken(entries):
        raise KeyError("something nobody foresaw")

    monkeypatch.setattr(upload, "_groups", broken)
    with pytest.raises(RnnvizError, match="could not be read \\(KeyError"):
        upload.load_model("example.pt", upload.example_model_bytes(0))


# --------------------------------------------------------------------------- truthful messages
@pytest.mark.parametrize("dtype", [torch.complex64, torch.complex128])
def test_complex_tensors_are_refused(tmp_path, dtype):
    sd = {k: v.to(dtype) for k, v in nn.LSTM(3, 4).state_dict().items()}
    with pytest.raises(RnnvizError, match=r"weight_ih_l0 holds complex numbers \(complex"):
        upload.load_model("c.pt", saved(tmp_path, sd))


def test_complex_npz_is_refused():
    buf = io.BytesIO()
    np.savez(buf, weight_ih_l0=np.ones((4, 2), complex), weight_hh_l0=np.ones((4, 4)))
    with pytest.raises(RnnvizError, match="complex128.*weights are real"):
        upload.load_model("c.npz", buf.getvalue())


class EvalPayload:
    def __reduce__(self):
        return (eval, ("1 + 1",))


@pytest.mark.parametrize("protocol", [2, 3])
def test_builtins_eval_is_named_as_code(tmp_path, protocol):
    data = saved(tmp_path, {"weight_ih_l0": EvalPayload()}) if protocol == 2 else \
        pickle.dumps({"w": EvalPayload()}, protocol=protocol)
    with pytest.raises(RnnvizError) as err:
        upload.load_model("e.pt", data)
    msg = str(err.value)
    assert "contains code: unpickling it would call builtins.eval" in msg
    assert "class or function" not in msg


@pytest.mark.parametrize("protocol", [4, 5])
@pytest.mark.parametrize("writer", ["pickle.dumps", "torch.save"])
def test_protocol_4_and_5_pickles_get_a_sentence(protocol, writer):
    sd = nn.GRU(2, 3).state_dict()
    buf = io.BytesIO()
    if writer == "torch.save":
        torch.save(sd, buf, pickle_protocol=protocol)
    else:
        pickle.dump(dict(sd), buf, protocol=protocol)
    with pytest.raises(RnnvizError) as err:
        upload.load_model("p.pt", buf.getvalue())
    msg = str(err.value)
    assert f"a pickle of protocol {protocol}" in msg and "Unsupported operand" not in msg


# --------------------------------------------------------------------------- one limit, one MiB
def test_server_upload_limit_is_the_apps_limit():
    import tomllib
    from pathlib import Path
    config = tomllib.loads((Path(__file__).parents[1] / ".streamlit" / "config.toml").read_text())
    assert config["server"]["maxUploadSize"] == upload.MAX_MB  # Streamlit's unit: 2**20 bytes
    assert upload.MAX_BYTES == upload.MAX_MB * 2**20


def test_every_size_message_says_mib():
    import inspect
    source = inspect.getsource(upload)
    assert " MB" not in source and "MiB" in source
    page = open("pages/your_model.py").read()
    assert " MB" not in page and "{mib} MiB" in page


# --------------------------------------------------------------------------- the model cache
def fake_model(n: int):
    params = {"weight_hh_l0": np.zeros(n)}
    return upload.Model(kind="rnn", layers=1, input_size=1, hidden_size=1, bias=False,
                        bidirectional=False, params=params)


def test_model_cache_is_bounded_by_bytes():
    cache = upload.ModelCache(max_bytes=1000)
    reads = []

    def reader(n):
        def read():
            reads.append(n)
            return fake_model(n), None
        return read

    cache.get("a", reader(50))  # 400 bytes
    cache.get("b", reader(50))  # 800
    assert cache.get("a", reader(50))[0].n_params == 50 and reads == [50, 50]  # a kept, now newest
    cache.get("c", reader(50))  # 1,200 > 1,000: the least recently used (b) goes
    assert len(cache) == 2 and cache.nbytes == 800
    cache.get("b", reader(7))
    assert reads == [50, 50, 50, 7]  # b was read again
    cache.get("big", reader(1000))  # alone over the limit: kept (the page is showing it), alone
    assert len(cache) == 1 and cache.nbytes == 8000
    assert cache.get("bad", lambda: (None, "refused"))[1] == "refused"
    assert len(cache) == 1 and cache.nbytes == 1024  # the big one went; a refusal counts 1 KiB


def test_the_page_caches_by_bytes():
    source = open("pages/your_model.py").read()
    assert "upload.ModelCache(upload.MAX_CACHE_BYTES)" in source
    assert "max_entries=4" not in source
    assert upload.MAX_CACHE_BYTES == 4 * upload.MAX_PARAMS * 8


# --------------------------------------------------------------------------- what a view may cost
@pytest.mark.parametrize("make, layer, steps", [
    (lambda: nn.LSTM(1, 4, num_layers=32, bidirectional=True), 31, 777),  # tiny, but 64 loops a step
    (lambda: nn.GRU(64, 128, num_layers=32), 31, 490),  # at the caps
    (lambda: nn.LSTM(64, 64, num_layers=32, bidirectional=True), 31, 352),  # at both caps: the least
    (lambda: nn.LSTM(256, 256, num_layers=2), 1, 1772),
    (lambda: nn.LSTM(256, 256, num_layers=2), 0, 2000),
])
def test_every_view_is_within_the_budget(tmp_path, make, layer, steps):
    """check_cost names the longest input within DRAW_BUDGET; the page's T goes to 2000."""
    model = upload.load_model("m.pt", saved(tmp_path, make().state_dict()))
    assert min(model.max_steps(layer), 2000) == steps
    model.check_cost(layer, steps)
    if steps < 2000:
        with pytest.raises(RnnvizError, match=f"Use at most {steps:,} steps for this layer"):
            model.check_cost(layer, steps + 1)


def test_draw_cost_counts_every_layer_run_and_direction():
    assert upload.draw_cost("lstm", 3, 32, 1, False) == 4 * 32 * 35 + 40_000
    assert upload.draw_cost("gru", 3, 32, 2, True) == 2 * (3 * 32 * 35 + 30_000) + 2 * (3 * 32 * 96 + 30_000)
