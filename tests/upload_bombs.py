"""Uploads that cost nothing to send and everything to hold (issue 9), and what they cost.

    python -m tests.upload_bombs            # each bomb in its own process: peak memory, CPU

Every builder returns the bytes a student could upload. tests/test_upload.py checks that each
is refused before it is materialised; this script measures what reading one costs the server:
in a fresh process holding the file's bytes, the peak resident memory above that baseline
(VmHWM after resetting it through /proc/self/clear_refs) and the CPU seconds of `upload.load_model` plus, when the model is accepted, the
page's first view (layer 0, T = 200).
"""

from __future__ import annotations

import io
import pickle
import zipfile

import numpy as np


def _saved(obj, **kw) -> bytes:
    import torch
    buf = io.BytesIO()
    torch.save(obj, buf, **kw)
    return buf.getvalue()


def expand_lstm(layers: int = 32, H: int = 1024, I: int = 1024) -> bytes:
    """A `layers`-layer nn.LSTM state_dict whose every tensor is one stored number repeated by
    zero strides (torch.full((1,), 0.01).expand(...)): ~12 kB, 2 GB once turned into float64."""
    import torch
    one = torch.full((1,), 0.01)
    sd = {}
    for k in range(layers):
        sd[f"weight_ih_l{k}"] = one.expand(4 * H, I if k == 0 else H)
        sd[f"weight_hh_l{k}"] = one.expand(4 * H, H)
        sd[f"bias_ih_l{k}"] = one.expand(4 * H)
        sd[f"bias_hh_l{k}"] = one.expand(4 * H)
    return _saved(sd)


def expand_wide() -> bytes:
    """Two zero-stride tensors (~1.7 kB): an input size of 48,000, 1.5 GB as float64, refused
    today only after the conversion (the input size limit is checked on the float64 copy)."""
    import torch
    one = torch.full((1,), 0.01)
    return _saved({"weight_ih_l0": one.expand(4096, 48_000), "weight_hh_l0": one.expand(4096, 1024)})


def _deflated(data: bytes) -> bytes:
    """The same zip archive with every member deflated (torch.load and np.load read both)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for info in src.infolist():
            z.writestr(info.filename, src.read(info.filename))
    return out.getvalue()


def deflate_pt(mb: int = 190) -> bytes:
    """A .pt whose one float32 storage of zeros (`mb` MiB) is deflated to ~0.1% of it."""
    import torch
    n = mb * 2**20 // 4
    return _deflated(_saved({"weight_hh_l0": torch.zeros(4096, n // 4096)}))


def deflate_npz(mb: int = 190, dtype=np.float64) -> bytes:
    """An np.savez_compressed of zeros (`mb` MiB unpacked, ~190 kB packed)."""
    n = mb * 2**20 // np.dtype(dtype).itemsize
    buf = io.BytesIO()
    np.savez_compressed(buf, weight_hh_l0=np.zeros((4096, n // 4096), dtype=dtype))
    return buf.getvalue()


def shared_lists(rows: int = 4096, cols: int = 4096) -> bytes:
    """A weight given as a Python list whose rows are all the same list object: the pickle
    stores the row once and refers to it `rows` times (a few kB), np.asarray copies it out."""
    import torch
    row = [0.01] * cols
    return _saved({"weight_ih_l0": [row] * rows, "weight_hh_l0": torch.zeros(16, 4)})


def shared_dicts(width: int = 300, depth: int = 3) -> bytes:
    """Nested dicts sharing one child: width**depth entries to walk from a few kB."""
    import torch
    d = {f"k{i}": 0 for i in range(width)}
    for _ in range(depth - 1):
        d = {f"k{i}": d for i in range(width)}
    return _saved({"model": d, "rnn.weight_ih_l0": torch.zeros(16, 3),
                   "rnn.weight_hh_l0": torch.zeros(16, 4)})


def pickled_numbers(n: int = 5_000_000) -> bytes:
    """A .pt whose pickle holds `n` Python floats (43 MiB for 5 M): torch's weights_only
    unpickler runs in Python, one opcode at a time."""
    import torch
    return _saved({"weight_hh_l0": torch.zeros(16, 4), "notes": [0.5 + i for i in range(n)]})


def legacy_numbers(n: int = 5_000_000) -> bytes:
    """The same in PyTorch's legacy (non-zip) format, where the pickle is the file."""
    import torch
    return _saved({"weight_hh_l0": torch.zeros(16, 4), "notes": [0.5 + i for i in range(n)]},
                  _use_new_zipfile_serialization=False)


def at_the_caps() -> bytes:
    """The largest honest model read: nn.GRU(64, 128, num_layers=32), 4,096 units over its
    layers and 3.2 M parameters (float32: 12 MiB), drawn at layer 0 like every other row."""
    import torch
    torch.manual_seed(0)
    return _saved(torch.nn.GRU(64, 128, num_layers=32).state_dict())


def int8_under_the_limit() -> bytes:
    """An .npz of int8 arrays within the unpacked limit (48 MiB) whose float64 copy would be
    eight times that; the shapes are an LSTM's, so only the parameter cap stands in the way."""
    buf = io.BytesIO()
    np.savez(buf, weight_ih_l0=np.zeros((4096, 6144), np.int8), weight_hh_l0=np.zeros((4096, 1024), np.int8),
             extra=np.zeros((4096, 5120), np.int8))
    return buf.getvalue()


BOMBS = {
    "expand: 32-layer LSTM, H=1024": expand_lstm,
    "expand: input size 48,000": expand_wide,
    "deflate .pt, 190 MiB float32": deflate_pt,
    "deflate .npz, 190 MiB float64": deflate_npz,
    "deflate .npz, 190 MiB int8": lambda: deflate_npz(190, np.int8),
    "shared rows: 4096 x 4096 list": shared_lists,
    "shared dicts: 300^3 entries": shared_dicts,
    "deflate .npz, 49 MiB float64 (under the limit)": lambda: deflate_npz(49),
    "int8 .npz, 48 MiB (float64: 384 MiB)": int8_under_the_limit,
    "pickled numbers: 5 M floats in data.pkl": pickled_numbers,
    "pickled numbers, legacy format": legacy_numbers,
    "honest model at the caps (GRU 32 x 128)": at_the_caps,
}


def _measure_one(path: str) -> dict:
    """Run in a child process: read the bomb's bytes (built by the parent, so building it is
    not counted), then load it as the page would."""
    import time
    from pathlib import Path

    import torch  # noqa: F401 - imported before the baseline, as in the server

    from rnnviz import RnnvizError
    from rnnviz.io import upload
    from rnnviz.lessons import compare as lc
    data = Path(path).read_bytes()  # held by the server too: before the baseline
    base = _reset_peak()
    t0 = time.process_time()
    try:
        model = upload.load_model("bomb.pt" if data[:2] != b"PK" or b"data.pkl" in data else "bomb.npz", data)
        x = upload.choose_input("random", model.input_size, T=200)
        lc.inspect_layer(model, x, layer=0)
        outcome = "accepted: " + model.describe()
    except RnnvizError as exc:
        outcome = "refused: " + str(exc)[:90]
    except Exception as exc:  # noqa: BLE001 - what a student would see as a traceback
        outcome = f"TRACEBACK {type(exc).__name__}: {str(exc)[:70]}"
    cpu = time.process_time() - t0
    return {"bytes": len(data), "added_MiB": (_status_kib("VmHWM") - base) / 1024, "cpu_s": cpu,
            "outcome": outcome}


def _status_kib(field: str) -> int:
    with open("/proc/self/status") as f:
        return next(int(ln.split()[1]) for ln in f if ln.startswith(field + ":"))


def _reset_peak() -> int:
    """Reset the peak resident size (VmHWM) to the current one and return it, in KiB: the
    peak of `import torch` would otherwise hide anything smaller than it (Linux 4.0+)."""
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")
    return _status_kib("VmRSS")


def main() -> None:
    import json
    import os
    import subprocess
    import sys
    import tempfile
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1")
    print("| upload | size | peak memory added | CPU | outcome |\n|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for i, name in enumerate(BOMBS):
            path = os.path.join(tmp, f"bomb{i}")
            with open(path, "wb") as f:
                f.write(BOMBS[name]())
            code = ("import json, resource; resource.setrlimit(resource.RLIMIT_AS, (8 << 30, 8 << 30)); "
                    "from tests.upload_bombs import _measure_one; "
                    f"print('RESULT' + json.dumps(_measure_one({path!r})))")
            try:
                out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                     timeout=600, env=env).stdout
                line = next((ln for ln in out.splitlines() if ln.startswith("RESULT")), None)
                r = json.loads(line[6:]) if line else {"bytes": 0, "added_MiB": float("nan"),
                                                        "cpu_s": float("nan"), "outcome": "crashed"}
            except subprocess.TimeoutExpired:
                r = {"bytes": 0, "added_MiB": float("nan"), "cpu_s": float("nan"),
                     "outcome": "killed after 600 s (wall)"}
            print(f"| {name} | {r['bytes'] / 1024:.1f} KiB | {r['added_MiB']:.0f} MiB | {r['cpu_s']:.2f} s "
                  f"| {r['outcome'].replace('|', '/')} |", flush=True)


if __name__ == "__main__":
    main()
