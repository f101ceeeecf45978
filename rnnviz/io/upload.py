"""Reading a student's own recurrent model from uploaded bytes, safely.

    cell, notes = load_weights("rnn.pt", data)            # layer 0, tanh if it is an RNN
    model = load_model("rnn.pt", data)                     # every layer, and what was read
    x = parse_sequence("0.5, -1, 2", input_size=1)         # (3, 1)

Accepted: the `state_dict` of an `nn.RNN`, `nn.LSTM` or `nn.GRU` (any number of layers,
bias or not, bidirectional or not; batch_first does not change the weights), saved with
`torch.save(module.state_dict(), "x.pt")`, or the same arrays in an `.npz`
(`np.savez("x.npz", **{k: v.numpy() for k, v in sd.items()})`). Also: a checkpoint that
nests the weights (`{"state_dict": ...}`), a bigger model's state_dict whose recurrent keys
carry a prefix (`rnn.weight_ih_l0`), and the state_dict of an `nn.RNNCell` / `nn.LSTMCell` /
`nn.GRUCell` (keys without `_l0`), read as one layer.

Safety, in the order it is checked (a file that costs nothing to send may not cost the server
more than a lesson needs to hold and draw):
- the file's size (MAX_BYTES), a zip archive's unpacked size (MAX_UNPACKED, the members'
  declared sizes) and the size of a .pt's pickle (MAX_PICKLE) before anything is parsed;
- a `.pt` is read with `torch.load(..., weights_only=True)`, which unpickles only tensors and
  plain containers: a pickle that names any other Python object (os.system, builtins.eval, a
  model class) is refused by torch before anything runs, and the refusal is named here in plain
  words. An `.npz` is read with `np.load(..., allow_pickle=False)`;
- the entries of the loaded dicts (MAX_ENTRIES, also when one dict is shared many times), then
  every weight's metadata: dtype (real numbers only), shape, element count, and for a tensor
  that its numbers are really stored (no zero-stride views of one number), all before any
  weight is converted to float64;
- the model's size against what a lesson needs: MAX_PARAMS parameters and MAX_LAYER_UNITS
  (layers × H); each view then checks its cost, steps × draw_cost (multiply-adds and loop
  overhead of the layers it runs), against DRAW_BUDGET before drawing (Model.check_cost).

Sizes in every message are in MiB (2**20 bytes), the unit of Streamlit's server.maxUploadSize.
Every problem is a `RnnvizError` with one message a student can act on.
"""

from __future__ import annotations

import io
import math
import re
import threading
import warnings
import zipfile
from collections import OrderedDict
from dataclasses import dataclass, field

import numpy as np

from ..core.checks import is_number, is_whole
from ..core.cell import MAX_HIDDEN, MAX_INPUT, MAX_STEPS, Cell
from ..core.errors import Note, RnnvizError
from .torch_io import from_state_dict
from ..core.unroll import unroll

MAX_MB = 50  # MiB; .streamlit/config.toml's server.maxUploadSize must equal it (tested)
MAX_BYTES = MAX_MB * 2**20  # the largest file read (checked before parsing)
MAX_UNPACKED = MAX_BYTES  # the largest total size of a zip archive's members, unpacked
MAX_MEMBERS = 10_000  # zip members
MAX_PICKLE = 2 * 2**20  # a .pt's pickle (data.pkl; a legacy-format file in all): a few hundred
# bytes per tensor, but unpickling runs in Python (~0.2 s of CPU per MiB of pickled numbers)
MAX_ENTRIES = 10_000  # keys in the loaded dicts, nested dicts counted each time they appear
MAX_LIST_NUMBERS = 100_000  # numbers of one weight given as (nested) Python lists
MAX_PARAMS = 4_000_000  # parameters of the recurrent module read: 30.5 MiB as float64
MAX_LAYER_UNITS = 4096  # layers × H (× 2 if bidirectional): hidden units over all layers
DRAW_BUDGET = 2_000_000_000  # work of one view, draw_cost × steps (about 2 s of CPU, one core)
MAX_CACHE_BYTES = 4 * MAX_PARAMS * 8  # the page's model cache: four models at the limit
MAX_LAYERS = 32
MAX_SEQUENCE = 2000  # steps of a pasted input
MAX_TEXT = 200_000  # characters of pasted text
MAX_ABS_INPUT = 1e6  # |x| of a pasted number
RECURRENT_KINDS = {1: "rnn", 3: "gru", 4: "lstm"}
MODULE_NAMES = {"rnn": "nn.RNN", "lstm": "nn.LSTM", "gru": "nn.GRU"}

# the last part of a recurrent key: weight_ih_l0, bias_hh_l2_reverse, or a *Cell's weight_ih
_KEY = re.compile(r"(?:^|\.)(weight_ih|weight_hh|bias_ih|bias_hh|weight_hr)(?:_l(\d+)(_reverse)?)?$")
_LAYER_DIGITS = 4  # a layer number longer than this is refused before int() reads it
_GLOBAL = re.compile(r"GLOBAL ([A-Za-z_][\w.]*)")
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
# modules whose globals in a pickle mean "run this": named as code in the refusal message
_CODE_MODULES = ("os", "posix", "nt", "subprocess", "builtins", "__builtin__", "sys", "shutil",
                 "socket", "importlib", "runpy", "pty", "code", "ctypes", "pickle", "webbrowser",
                 "operator", "functools", "types", "marshal")


# --------------------------------------------------------------------------- the model
@dataclass(frozen=True)
class Model:
    """A recurrent model read from a file: its weights (numpy float64, PyTorch's key names
    without any prefix) and what was done to read them. Picklable, so a page can cache it."""

    kind: str  # "rnn" | "lstm" | "gru"
    layers: int
    input_size: int  # of layer 0
    hidden_size: int
    bias: bool
    bidirectional: bool
    params: dict = field(repr=False)  # weight_ih_l0 … as float64 arrays
    notes: tuple = ()  # one sentence each: what was read, stripped, ignored
    fmt: str = "pt"  # "pt" | "npz"
    modules: tuple = ("",)  # key prefixes of every recurrent module in the file
    prefix: str = ""  # the prefix of the module read (one of `modules`)

    @property
    def n_params(self) -> int:
        return int(sum(a.size for a in self.params.values()))

    @property
    def nbytes(self) -> int:
        """Bytes of its arrays: what a cache holding it holds."""
        return int(sum(a.nbytes for a in self.params.values()))

    def describe(self) -> str:
        what = MODULE_NAMES[self.kind]
        extra = [f"{self.layers} layers" if self.layers > 1 else "1 layer",
                 f"input size {self.input_size}", f"hidden size {self.hidden_size}"]
        if self.bidirectional:
            extra.append("bidirectional")
        if not self.bias:
            extra.append("no bias")
        return f"{what} ({', '.join(extra)})"

    def step_cost(self, layer: int) -> int:
        """Multiply-adds of one time step of drawing layer `layer`: it and every layer below
        it run (see draw_cost)."""
        layer = _check_layer(self, layer)
        return draw_cost(self.kind, self.input_size, self.hidden_size, layer + 1, self.bidirectional)

    def max_steps(self, layer: int) -> int:
        """The longest input layer `layer` can be drawn on within DRAW_BUDGET."""
        return DRAW_BUDGET // self.step_cost(layer)

    def check_cost(self, layer: int, steps: int) -> None:
        """Refuse to draw layer `layer` on `steps` steps when that would cost more than
        DRAW_BUDGET multiply-adds, with the longest input that fits."""
        cost = self.step_cost(layer) * int(steps)
        if cost > DRAW_BUDGET:
            below = f" (layers 0–{layer} run)" if layer else ""
            raise RnnvizError(
                f"Drawing layer {layer} of this model on {steps:,} steps costs {cost:,} units of work"
                f"{below} (multiply-adds, plus {STEP_OVERHEAD[self.kind]:,} per layer and step), more "
                f"than the {DRAW_BUDGET:,} (about 2 s of the server's CPU) one view may cost, so it was "
                f"not drawn. Use at most {self.max_steps(layer):,} steps for this layer.",
                code="cost_layers" if layer else "cost",
                params=dict(layer=layer, steps=f"{steps:,}", cost=f"{cost:,}",
                            overhead=f"{STEP_OVERHEAD[self.kind]:,}", budget=f"{DRAW_BUDGET:,}",
                            max=f"{self.max_steps(layer):,}"))

    def cell(self, layer: int = 0, activation: str = "tanh") -> Cell:
        """Layer `layer` as a one-layer Cell. `activation` is an RNN's (tanh or relu): a
        state_dict does not record it."""
        layer = _check_layer(self, layer)
        if self.kind == "rnn" and activation not in ("tanh", "relu"):
            raise RnnvizError(f"An nn.RNN's activation is tanh or relu, not {activation!r}.")
        keys = {k: v for k, v in self.params.items() if _layer_of(k) == layer}
        return from_state_dict(keys, kind=self.kind, activation=activation, layer=layer)

    def layer_input(self, layer: int, x, activation: str = "tanh") -> np.ndarray:
        """What layer `layer` receives when the model is run on x (T, input_size): x itself
        for layer 0, else the output (T, H·D) of the layers below (no dropout: eval mode)."""
        layer = _check_layer(self, layer)
        for k in range(layer):
            x = unroll(self.cell(k, activation), x).h  # (T, I_k) -> (T, H·D)
        return np.asarray(x, dtype=np.float64)


# what one step of one direction of one layer costs beyond its multiply-adds (the Python loop,
# small arrays), in the same unit (about 1 ns each on one core): measured at H = 4, T = 2000
STEP_OVERHEAD = {"rnn": 10_000, "gru": 30_000, "lstm": 40_000}


def draw_cost(kind: str, input_size: int, hidden_size: int, layers: int, bidirectional: bool) -> int:
    """The work of one time step of running `layers` layers forward, in multiply-adds: each
    direction of layer l multiplies its G·H gate rows by its input (I for layer 0, H·D above)
    and by h (H), plus STEP_OVERHEAD. The backward pass of the layer drawn costs about as much
    again; DRAW_BUDGET is set on this count from measured times (2·10⁹ ≈ 1.3–1.6 s for a whole
    view at the budget, a 32-layer tiny LSTM and a 32-layer GRU of 128 units alike)."""
    G = {"rnn": 1, "gru": 3, "lstm": 4}[kind]
    D = 2 if bidirectional else 1
    H = hidden_size
    return sum(D * (G * H * ((input_size if k == 0 else H * D) + H) + STEP_OVERHEAD[kind])
               for k in range(layers))


def _check_layer(model: Model, layer) -> int:
    if not is_whole(layer) or not 0 <= layer < model.layers:
        raise RnnvizError(f"This model has layers 0 … {model.layers - 1}; there is no layer {layer!r}.")
    return int(layer)


def _layer_of(key: str) -> int:
    return int(_KEY.search(key).group(2))


# --------------------------------------------------------------------------- the model cache
class ModelCache:
    """Models read from uploads by key, bounded by the bytes of their arrays, not by their
    number: one model at MAX_PARAMS holds 30.5 MiB, the example 0.1 MiB. The least recently
    used are dropped first. A refusal (None, message) is kept too, so a bad file is read once.
    Thread-safe: every session of a server shares one."""

    def __init__(self, max_bytes: int = MAX_CACHE_BYTES):
        self.max_bytes = int(max_bytes)
        self._items = OrderedDict()  # key -> ((model or None, message or None), bytes)
        self._lock = threading.Lock()

    @property
    def nbytes(self) -> int:
        with self._lock:
            return sum(size for _, size in self._items.values())

    def __len__(self) -> int:
        return len(self._items)

    def get(self, key, read):
        """read() -> (Model | None, message | None), called once per key while it is kept."""
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key][0]
        value = read()
        model, message = value
        size = model.nbytes if model is not None else 1024  # a refusal: its message and key
        with self._lock:
            self._items[key] = (value, size)
            self._items.move_to_end(key)
            total = sum(s for _, s in self._items.values())
            while total > self.max_bytes and len(self._items) > 1:
                _, (_, dropped) = self._items.popitem(last=False)
                total -= dropped
        return value


# --------------------------------------------------------------------------- reading bytes
def _mib(n: int) -> str:
    """A size in MiB (2**20 bytes), the one unit of every message here."""
    return f"{n / 2**20:.1f} MiB" if n % 2**20 else f"{n // 2**20} MiB"


def _check_size(data: bytes) -> None:
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise RnnvizError("The upload must be bytes.")
    if len(data) > MAX_BYTES:
        raise RnnvizError(f"The file is {len(data) / 2**20:.1f} MiB; the limit is {_mib(MAX_BYTES)}. "
                          "Upload the state_dict of the recurrent layer only.",
                          code="too_big", params=dict(size=f"{len(data) / 2**20:.1f}",
                                                      limit=_mib(MAX_BYTES)))
    if len(data) == 0:
        raise RnnvizError("The file is empty.", code="empty")


def _zip_members(data: bytes) -> dict[str, int] | None:
    """{member name: unpacked size} of a zip archive (checking its unpacked size), or None
    if not a zip."""
    if not data.startswith(b"PK"):
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            infos = z.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise RnnvizError(f"The file looks like a zip archive (.pt or .npz) but cannot be opened "
                          f"({_short(exc)}): it may be corrupt or truncated.",
                          code="zip_broken", params=dict(detail=_short(exc))) from None
    if len(infos) > MAX_MEMBERS or sum(i.file_size for i in infos) > MAX_UNPACKED:
        raise RnnvizError(f"The archive unpacks to more than {_mib(MAX_UNPACKED)} (its members are "
                          "compressed); refused before unpacking. Save the state_dict with "
                          "torch.save or np.savez, which do not compress.",
                          code="zip_bomb", params=dict(limit=_mib(MAX_UNPACKED)))
    return {i.filename: i.file_size for i in infos}


def _short(exc: BaseException, limit: int = 160) -> str:
    text = _ANSI.sub("", str(exc)).strip() or type(exc).__name__
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _listed(names, n: int = 5) -> tuple:
    """The first n names, shortened, and "…" when there are more: a list in a message's params."""
    return tuple(clip_name(str(k)) for k in list(names)[:n]) + (("…",) if len(names) > n else ())


def clip_name(text: str, limit: int = 60) -> str:
    """A key or name from the file, shortened for a message (a key can be megabytes long)."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _pickle_bytes(data: bytes) -> bytes:
    """The pickle torch.load unpickles: a zip's data.pkl (its size already checked), else the
    file itself (the legacy format and plain pickles start with one)."""
    if data.startswith(b"PK"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                name = next((n for n in z.namelist() if n.endswith("data.pkl")), None)
                return z.read(name) if name else b""
        except Exception:  # noqa: BLE001 - only used to explain a refusal
            return b""
    return data


def _globals_in(pkl: bytes, limit: int = 200_000) -> list[str]:
    """The globals ("module.name") a pickle refers to, read from its opcodes without running
    anything (pickletools only parses); at most `limit` opcodes are read."""
    import pickletools
    names, strings = [], []
    try:
        for n, (op, arg, _) in enumerate(pickletools.genops(pkl)):
            if n >= limit:
                break
            if op.name == "GLOBAL":
                names.append(str(arg).replace(" ", "."))
            elif isinstance(arg, str) and "UNICODE" in op.name:
                strings = (strings + [arg])[-2:]
            elif op.name == "STACK_GLOBAL" and len(strings) == 2:
                names.append(".".join(strings))
    except Exception:  # noqa: BLE001 - a corrupt pickle: what was read so far
        pass
    return names


def _pickle_protocol(pkl: bytes) -> int | None:
    return pkl[1] if len(pkl) >= 2 and pkl[0] == 0x80 else None


def _read_torch(data: bytes):
    import pickle

    import torch
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # torch warns about pickle protocols
            return torch.load(io.BytesIO(data), weights_only=True, map_location="cpu")
    except Exception as exc:  # noqa: BLE001 - any failure is a refusal or an unreadable file
        if isinstance(exc, pickle.UnpicklingError) or "Weights only load failed" in str(exc):
            raise RnnvizError(_refusal(str(exc), _pickle_bytes(data))) from None
        raise RnnvizError(f"The file could not be read as a PyTorch file ({_short(exc)}): it may "
                          "be corrupt, truncated or of another format.",
                          code="torch_unreadable", params=dict(detail=_short(exc))) from None


_PY2_NAMES = {"__builtin__": "builtins", "copy_reg": "copyreg"}


def _refused_global(pkl: bytes) -> str | None:
    """The first global in the pickle that torch's weights_only reader does not allow."""
    try:
        from torch._weights_only_unpickler import _get_allowed_globals
        allowed = set(_get_allowed_globals())
    except Exception:  # noqa: BLE001 - a private torch function: fall back to torch's words
        return None
    names = (_PY2_NAMES.get(g.split(".")[0], g.split(".")[0]) + g[len(g.split(".")[0]):]
             for g in _globals_in(pkl))  # protocol 2 writes __builtin__.eval for builtins.eval
    return next((g for g in names if g not in allowed), None)


def _refusal(message: str, pkl: bytes = b"") -> str:
    """A student's sentence for torch.load(weights_only=True)'s refusal `message` of the
    pickle `pkl`: the global it names is read from the pickle itself (torch's message drops
    the module of builtins: "GLOBAL eval"), the protocol from its first bytes."""
    message = _ANSI.sub("", message)
    protocol = _pickle_protocol(pkl)
    if protocol is not None and protocol >= 4 and "Unsupported operand" in message:
        return Note(f"This file is a pickle of protocol {protocol} (written by pickle.dump, or by "
                    f"torch.save with pickle_protocol={protocol}); the safe reader used here "
                    "(torch.load with weights_only=True) reads protocols 2 and 3 only, so nothing in it "
                    "was read or run. Save it again with torch.save(model.state_dict(), 'model.pt'), "
                    "whose default protocol is 2.", "pickle_protocol", protocol=protocol)
    m = _GLOBAL.search(message)
    name = _refused_global(pkl) if m else None
    name = name or (m.group(1) if m else None)
    if not name:
        lines = [ln.strip() for ln in message.splitlines() if ln.strip()] or [""]
        line = next((ln for ln in lines if "Unsupported" in ln or "Invalid" in ln), lines[-1])
        stopped = _short(line.replace('WeightsUnpickler error:', ''), 100)
        return Note("The file could not be read as plain weights: torch.load with weights_only=True "
                    f"stopped at \"{stopped}\". It is "
                    "corrupt, not a PyTorch file, or a pickle of something other than tensors; "
                    "nothing in it was run. Upload a state_dict saved with "
                    "torch.save(model.state_dict(), 'model.pt').", "pickle_unreadable", stopped=stopped)
    name = clip_name(name, 100)
    said = f"(torch.load with weights_only=True blocks the global {name})"
    module = name.split(".")[0]
    if name.startswith("torch.nn."):
        return Note(f"This file is a whole pickled model ({name}), not a state_dict: loading it "
                    f"would run code from the file, so it was refused {said}. Save the weights "
                    "instead: torch.save(model.state_dict(), 'model.pt').", "whole_model", name=name)
    if module in _CODE_MODULES:
        return Note(f"This file contains code: unpickling it would call {name}. It was refused and "
                    f"nothing in it was run {said}. Upload a state_dict of tensors only.", "code",
                    name=name)
    if module == "numpy":
        return Note("This file holds numpy objects pickled inside a .pt, which cannot be read safely "
                    f"{said}. Save torch tensors, or save the arrays with np.savez as an .npz.",
                    "numpy_pickle", name=name)
    return Note(f"This file refers to the Python object {name} (a class or function of the code that "
                f"saved it), so it was refused and nothing in it was run {said}. If it is a whole "
                "model, save its weights instead: torch.save(model.state_dict(), 'model.pt').",
                "python_object", name=name)


def _read_npz(data: bytes) -> dict:
    try:
        with np.load(io.BytesIO(data), allow_pickle=False) as z:
            return {k: z[k] for k in z.files}
    except ValueError as exc:
        if "allow_pickle" in str(exc) or "Object arrays" in str(exc):
            raise RnnvizError("This .npz holds Python objects (an object array), which would have "
                              "to be unpickled; it was refused and nothing in it was run. Save "
                              "plain number arrays.", code="npz_objects") from None
        raise RnnvizError(f"The .npz could not be read ({_short(exc)}): it may be corrupt.",
                          code="npz_broken", params=dict(detail=_short(exc))) from None
    except Exception as exc:  # noqa: BLE001 - BadZipFile, EOFError, OSError, zlib.error, …
        raise RnnvizError(f"The .npz could not be read ({_short(exc)}): it may be corrupt or "
                          "truncated.",
                          code="npz_broken", params=dict(detail=_short(exc))) from None


def read_file(name: str, data: bytes) -> tuple[object, str]:
    """(the loaded object, "pt" | "npz"): the format is read from the content (a .pt is a zip
    with data.pkl or a pickle; an .npz a zip of .npy files), the name only breaks ties."""
    _check_size(data)
    data = bytes(data)
    ext = str(name).lower().rsplit(".", 1)[-1] if "." in str(name) else ""
    members = _zip_members(data)
    if members is not None:
        pickles = [size for m, size in members.items() if m.endswith("data.pkl")]
        if pickles:
            if max(pickles) > MAX_PICKLE:
                raise RnnvizError(f"The file's pickle (data.pkl) is {max(pickles) / 2**20:.1f} MiB; a "
                                  f"state_dict's takes a few kB (the limit is {_mib(MAX_PICKLE)}), the "
                                  "numbers being stored apart. It holds Python data besides the "
                                  "tensors: save only model.state_dict().",
                                  code="pickle_big", params=dict(size=f"{max(pickles) / 2**20:.1f}",
                                                                 limit=_mib(MAX_PICKLE)))
            return _read_torch(data), "pt"
        if members and all(m.endswith(".npy") for m in members):
            return _read_npz(data), "npz"
        raise RnnvizError("The file is a zip archive but neither a PyTorch file (no data.pkl) "
                          "nor an .npz (not only .npy arrays).", code="zip_unknown")
    if data.startswith(b"\x93NUMPY"):
        raise RnnvizError("This is a single .npy array, not named weights: save the state_dict "
                          "with np.savez('model.npz', **arrays) instead.", code="npy_single")
    if ext == "npz":
        raise RnnvizError("The .npz is not a zip archive: it may be corrupt or truncated.",
                          code="npz_not_zip")
    if len(data) > MAX_PICKLE:  # the legacy format (before PyTorch 1.6) or a plain pickle
        raise RnnvizError(f"This file is not a zip archive, so it is PyTorch's legacy format (before "
                          f"version 1.6) or a plain pickle, which are read up to {_mib(MAX_PICKLE)} "
                          f"(it is {len(data) / 2**20:.1f} MiB). Save it again with a current "
                          "torch.save(model.state_dict(), 'model.pt').",
                          code="legacy_big", params=dict(limit=_mib(MAX_PICKLE),
                                                         size=f"{len(data) / 2**20:.1f}"))
    return _read_torch(data), "pt"


# --------------------------------------------------------------------------- finding the weights
def _flatten(obj, path=(), out=None, depth=0):
    """Nested dicts → [(path of dict keys, key, value)], leaves only. A pickle can put one
    dict inside another many times at the cost of a reference each, so the entries are
    counted as they are walked and refused past MAX_ENTRIES."""
    out = [] if out is None else out
    for k, v in obj.items():
        if len(out) >= MAX_ENTRIES:
            raise RnnvizError(f"The file holds more than {MAX_ENTRIES:,} entries (counting every "
                              "nested dict each time it appears); a state_dict has a few per layer.",
                              code="too_many_entries", params=dict(limit=f"{MAX_ENTRIES:,}"))
        if isinstance(v, dict) and depth < 4:
            _flatten(v, path + (str(k),), out, depth + 1)
        else:
            out.append((path, str(k), v))
    return out


_REAL_TORCH = ("float64", "float32", "float16", "bfloat16", "int64", "int32", "int16", "int8", "uint8")


def _list_shape(value, key: str) -> tuple:
    """The shape of a weight given as nested Python lists of numbers, walking every element
    once (a pickle can repeat one list many times for free, so the walk is bounded by
    MAX_LIST_NUMBERS before numpy copies anything); a ragged list is refused here."""
    count = 0

    def walk(v, depth):
        nonlocal count
        if isinstance(v, (list, tuple)):
            if depth >= 2:
                raise RnnvizError(f"{key} is a list nested more than two deep; a weight is a "
                                  "matrix or a vector.", code="list_deep", params=dict(key=key))
            shapes = set()
            for item in v:
                shapes.add(walk(item, depth + 1))
                if len(shapes) > 1:
                    raise RnnvizError(f"{key} is a ragged list (rows of different lengths), not "
                                      "a matrix of numbers.",
                                      code="list_ragged", params=dict(key=key))
            return (len(v),) + (shapes.pop() if shapes else ())
        if not is_number(v):
            raise RnnvizError(f"{key} is a list holding a {type(v).__name__}, not numbers.",
                              code="list_type", params=dict(key=key, type=type(v).__name__))
        count += 1
        if count > MAX_LIST_NUMBERS:
            raise RnnvizError(f"{key} is a Python list of more than {MAX_LIST_NUMBERS:,} numbers; "
                              "save tensors: torch.save(model.state_dict(), 'model.pt').",
                              code="list_long", params=dict(key=key, limit=f"{MAX_LIST_NUMBERS:,}"))
        return ()

    return walk(value, 0)


def _meta(value, key: str) -> tuple:
    """The shape of a weight, read from its metadata only (nothing converted or copied):
    real numbers only, and a tensor's numbers must be stored in the file, not repeated by
    zero strides from a few stored ones (torch.full((1,), x).expand(4096, 1024) is 12 bytes
    in the file and 32 MiB as float64)."""
    key = clip_name(key)
    if hasattr(value, "detach") and hasattr(value, "untyped_storage"):  # a torch tensor
        import torch
        dtype = str(value.dtype).replace("torch.", "")
        if value.is_complex():
            raise RnnvizError(f"{key} holds complex numbers ({dtype}); a recurrent layer's weights "
                              "are real. Nothing was dropped: save the real weights.",
                              code="complex", params=dict(key=key, dtype=dtype))
        if value.layout != torch.strided or value.is_quantized or value.device.type != "cpu":
            raise RnnvizError(f"{key} is a {str(value.layout).replace('torch.', '')} tensor that "
                              "cannot be read as plain numbers; save dense tensors.",
                              code="layout", params=dict(key=key,
                                                         layout=str(value.layout).replace("torch.", "")))
        if dtype not in _REAL_TORCH:
            raise RnnvizError(f"{key} is not an array of real numbers (dtype {dtype}).",
                              code="dtype", params=dict(key=key, dtype=dtype))
        stored = value.untyped_storage().nbytes() // value.element_size()
        if value.numel() > stored:
            raise RnnvizError(
                f"{key} has shape {_shape(value)} ({value.numel():,} numbers) but only {stored:,} "
                f"{'is' if stored == 1 else 'are'} stored in the file: it repeats them by zero "
                "strides (a view made by .expand()). Save real weights: t.contiguous() or "
                "model.state_dict() of a trained model.",
                              code="expanded", params=dict(key=key, shape=_shape(value),
                                                           numel=f"{value.numel():,}",
                                                           stored=f"{stored:,}"))
        return tuple(int(s) for s in value.shape)
    if isinstance(value, np.ndarray):
        if not (np.issubdtype(value.dtype, np.floating) or np.issubdtype(value.dtype, np.integer)):
            why = "; a recurrent layer's weights are real" if np.iscomplexobj(value) else ""
            raise RnnvizError(f"{key} is not an array of real numbers (dtype {value.dtype}){why}.",
                              code="complex" if why else "dtype", params=dict(key=key,
                                                                              dtype=str(value.dtype)))
        return tuple(int(s) for s in value.shape)
    if isinstance(value, (list, tuple)):
        return _list_shape(value, key)
    if is_number(value):
        return ()
    raise RnnvizError(f"{key} is a {type(value).__name__}, not an array of real numbers.",
                      code="not_array", params=dict(key=key, type=type(value).__name__))


def _as_array(value, key: str) -> np.ndarray:
    """The weight as float64, once _meta has passed it."""
    if hasattr(value, "detach"):  # a torch tensor
        try:
            import torch
            return value.detach().to("cpu", torch.float64).numpy()
        except Exception:  # noqa: BLE001 - anything _meta did not foresee
            raise RnnvizError(f"{clip_name(key)} is a tensor that cannot be read as plain numbers.",
                              code="tensor_unreadable", params=dict(key=clip_name(key))) from None
    try:
        return np.array(value, dtype=np.float64)
    except (TypeError, ValueError, OverflowError):
        raise RnnvizError(f"{clip_name(key)} is not an array of real numbers.",
                          code="not_real", params=dict(key=clip_name(key))) from None


def _shape(value) -> str:
    shape = value if isinstance(value, tuple) else tuple(getattr(value, "shape", ()) or ())
    return "(" + ", ".join(str(int(s)) for s in shape) + ("," if len(shape) == 1 else "") + ")"


def _groups(entries):
    """Recurrent keys grouped by the module they belong to, in file order:
    {prefix: {short key: (full key, nesting path, value, written like a *Cell's)}}."""
    groups = {}
    for path, key, value in entries:
        m = _KEY.search(key)
        if not m:
            continue
        if m.group(2) and len(m.group(2).lstrip("0")) > _LAYER_DIGITS:  # int() of 5,000 digits fails
            raise RnnvizError(f"The key {clip_name(key)} names layer {clip_name(m.group(2), 20)}, "
                              f"{len(m.group(2)):,} digits long; a model here has at most "
                              f"{MAX_LAYERS} layers.",
                              code="layer_digits", params=dict(key=clip_name(key),
                                                               digits=f"{len(m.group(2)):,}",
                                                               limit=MAX_LAYERS))
        full = ".".join(path + (key,))
        prefix = full[: len(full) - len(m.group(0))] + ("." if m.group(0).startswith(".") else "")
        short = m.group(1) + f"_l{int(m.group(2) or 0)}" + (m.group(3) or "")
        group = groups.setdefault(prefix, {})
        if short in group:
            raise RnnvizError(f"The file has {short} twice under {clip_name(prefix) or 'the top level'}.",
                              code="twice" if prefix else "twice_top",
                              params=dict(key=short, module=clip_name(prefix)))
        group[short] = (full, path, value, m.group(2) is None)
    return groups


def _not_recurrent(entries) -> str:
    arrays = [(p, k, v) for p, k, v in entries if hasattr(v, "shape")]
    if not arrays:
        return Note("The file holds no arrays at all, so it is not the state_dict of an nn.RNN, "
                    "nn.LSTM or nn.GRU.", "no_arrays")
    shown = ", ".join(f"{clip_name('.'.join(p + (k,)))} {_shape(v)}" for p, k, v in arrays[:4])
    conv = any(len(getattr(v, "shape", ())) >= 3 for _, _, v in arrays)
    guess = "a convolution's" if conv else "another kind of layer's (a Linear layer?)"
    return Note("This is not the state_dict of an nn.RNN, nn.LSTM or nn.GRU: it has no weight_ih_l0 "
                f"/ weight_hh_l0 keys. It holds {shown}{' …' if len(arrays) > 4 else ''}, which look "
                f"like {guess} weights.", "not_recurrent_conv" if conv else "not_recurrent",
                arrays=_listed([f"{clip_name('.'.join(p + (k,)))} {_shape(v)}" for p, k, v in arrays],
                               4))


def load_model(name: str, data: bytes, *, module: str | None = None) -> Model:
    """Read every layer of the recurrent model in `data` (see the module docstring).

    `module`: which recurrent module to read, by its key prefix (e.g. "decoder.rnn."), when the
    file holds several; default the first. Raises RnnvizError with a clear sentence, for
    whatever goes wrong: an error this module did not foresee is named as a file it could
    not read, never passed on as a traceback."""
    try:
        return _load_model(name, data, module=module)
    except RnnvizError:
        raise
    except Exception as exc:  # noqa: BLE001 - the promise above (RecursionError, MemoryError too)
        raise RnnvizError(f"The file could not be read ({type(exc).__name__}: {_short(exc, 120)}). "
                          "Upload a state_dict saved with torch.save(model.state_dict(), "
                          "'model.pt').",
                          code="unreadable",
                          params=dict(detail=f"{type(exc).__name__}: {_short(exc, 120)}")) from None


def _load_model(name: str, data: bytes, *, module: str | None = None) -> Model:
    obj, fmt = read_file(name, data)
    if not isinstance(obj, dict):
        what = f"a {type(obj).__name__}"
        if hasattr(obj, "shape"):
            what = f"a single tensor of shape {_shape(obj)}"
        raise RnnvizError(f"The file holds {what}, not a state_dict (a dict of named weights). "
                          "Save it with torch.save(model.state_dict(), 'model.pt').",
                          code="not_dict_tensor" if hasattr(obj, "shape") else "not_dict",
                          params=dict(type=type(obj).__name__,
                                      shape=_shape(obj) if hasattr(obj, "shape") else ""))
    entries = _flatten(obj)
    groups = _groups(entries)
    if not groups:
        raise RnnvizError(_not_recurrent(entries))
    modules = tuple(groups)
    module = modules[0] if module is None else module
    if module not in groups:
        shown = ", ".join(repr(clip_name(m)) for m in modules[:5]) + (" …" if len(modules) > 5 else "")
        raise RnnvizError(f"The file has no recurrent module {clip_name(str(module))!r}; it has {shown}.",
                          code="no_module",
                          params=dict(module=clip_name(str(module)), modules=_listed(modules)))
    group = groups[module]
    notes = []
    if len(modules) > 1:
        names = ", ".join(clip_name(m.rstrip(".")) or "(top level)" for m in modules[:5])
        names += " …" if len(modules) > 5 else ""
        notes.append(Note(f"The file holds {len(modules)} recurrent modules ({names}); showing "
                          f"{clip_name(module.rstrip('.')) or 'the top-level one'}.", "note_modules",
                          n=len(modules), modules=_listed([m.rstrip(".") for m in modules]),
                          shown=(clip_name(module.rstrip(".")),)))
    path = next(iter(group.values()))[1]
    if path:
        notes.append(Note(f"Read the weights nested under {clip_name('.'.join(path))!r} in the file.",
                          "note_nested", path=repr(clip_name(".".join(path)))))
    rest = module[len(".".join(path)) + 1:] if path else module
    if rest:
        notes.append(Note(f"Stripped the prefix {clip_name(rest)!r} from the key names (the recurrent "
                          "layer of a bigger model).", "note_prefix", prefix=repr(clip_name(rest))))
    used = {full for full, _, _, _ in group.values()}
    ignored = [".".join(p + (k,)) for p, k, _ in entries if ".".join(p + (k,)) not in used]
    if ignored:
        notes.append(Note(f"Ignored {len(ignored)} other entr{'y' if len(ignored) == 1 else 'ies'}: "
                          + ", ".join(clip_name(k) for k in ignored[:5])
                          + (" …" if len(ignored) > 5 else "") + ".", "note_ignored", n=len(ignored),
                          keys=_listed(ignored)))
    if any(cell_style for _, _, _, cell_style in group.values()):
        if any(cell_style is False for _, _, _, cell_style in group.values()):
            raise RnnvizError("The file mixes keys with and without a layer number (weight_ih "
                              "and weight_ih_l0) in one module.", code="mixed_keys")
        notes.append(Note("Keys without a layer number (weight_ih, not weight_ih_l0): read as the "
                          "state_dict of an nn.RNNCell / nn.LSTMCell / nn.GRUCell, one layer.",
                          "note_cell_keys"))
    shapes = {short: _meta(value, full) for short, (full, _, value, _) in group.items()}
    kind, H, input_size, bias, bidirectional, layers = _check_layers(shapes, notes)
    # only now, with every shape and the size checked, are the weights converted to float64
    params = {short: _as_array(value, full) for short, (full, _, value, _) in group.items()}
    for key, a in params.items():
        if a.shape != shapes[key]:  # a tensor subclass that lied about its shape
            raise RnnvizError(f"{key} changed shape when read: {_shape(shapes[key])} → {_shape(a)}.",
                              code="changed_shape", params=dict(key=key, before=_shape(shapes[key]),
                                                                after=_shape(a)))
        if not np.isfinite(a).all():
            raise RnnvizError(f"{key} contains NaN or infinite values.",
                              code="not_finite", params=dict(key=key))
    model = Model(kind=kind, layers=layers, input_size=input_size, hidden_size=H, bias=bias,
                  bidirectional=bidirectional, params=params, notes=tuple(notes), fmt=fmt,
                  modules=modules, prefix=module)
    for layer in range(layers):  # the Cell's own checks (input size limits, dtypes) on every layer
        model.cell(layer)
    return model


def _check_layers(shapes: dict, notes: list) -> tuple:
    """Check every layer's shapes against each other and the model's size against the caps,
    on shapes alone; (kind, H, input size, bias, bidirectional, layers) or a clear RnnvizError."""
    if any(k.startswith("weight_hr") for k in shapes):
        raise RnnvizError("This LSTM has a projection (proj_size > 0, weight_hr_l0), which rnnviz "
                          "does not support.", code="projection")
    layers = sorted({_layer_of(k) for k in shapes})
    if layers != list(range(len(layers))):
        shown = ", ".join(map(str, layers[:8])) + (", …" if len(layers) > 8 else "")
        raise RnnvizError(f"The layers are not numbered 0, 1, …: the file has layers {shown}.",
                          code="layer_numbers", params=dict(layers=shown))
    if len(layers) > MAX_LAYERS:
        raise RnnvizError(f"The model has {len(layers)} layers; the limit is {MAX_LAYERS}.",
                          code="too_many_layers", params=dict(n=len(layers), limit=MAX_LAYERS))
    first = shapes.get("weight_hh_l0")
    if first is None or "weight_ih_l0" not in shapes:
        raise RnnvizError("The recurrent weights are incomplete: weight_ih_l0 and weight_hh_l0 "
                          "are both needed.", code="incomplete")
    if len(first) != 2 or first[1] == 0 or first[0] % first[1]:
        raise RnnvizError(f"weight_hh_l0 has shape {_shape(first)}, which is not (G·H, H) for "
                          "G = 1 (RNN), 3 (GRU) or 4 (LSTM).",
                          code="hh_shape", params=dict(shape=_shape(first)))
    H = first[1]
    G = first[0] // H
    if G not in RECURRENT_KINDS:
        raise RnnvizError(f"weight_hh_l0 has shape {_shape(first)}: {G} blocks of {H} units, but an "
                          "RNN has 1, a GRU 3 and an LSTM 4.",
                          code="hh_blocks", params=dict(shape=_shape(first), G=G, H=H))
    if H > MAX_HIDDEN:
        raise RnnvizError(f"The hidden size is {H}; rnnviz handles up to {MAX_HIDDEN} units.",
                          code="hidden_big", params=dict(H=H, limit=MAX_HIDDEN))
    kind = RECURRENT_KINDS[G]
    bias = "bias_ih_l0" in shapes
    bidirectional = "weight_hh_l0_reverse" in shapes
    D = 2 if bidirectional else 1
    what = f"{G} gate block{'s' if G > 1 else ''} of {H} units"
    input_size = None
    for layer in layers:
        expected = set()
        for rev in (("", "_reverse") if bidirectional else ("",)):
            s = f"_l{layer}{rev}"
            need = ["weight_ih" + s, "weight_hh" + s] + (["bias_ih" + s, "bias_hh" + s] if bias else [])
            expected.update(need)
            missing = [n for n in need if n not in shapes]
            if missing:
                raise RnnvizError(f"The weights are incomplete: {', '.join(missing)} "
                                  f"{'is' if len(missing) == 1 else 'are'} missing"
                                  + (f" (layer {layer} needs what layer 0 has)." if layer else "."),
                                  code="missing_layer" if layer else "missing",
                                  params=dict(keys=tuple(missing), layer=layer))
            hh, ih = shapes["weight_hh" + s], shapes["weight_ih" + s]
            if hh != (G * H, H):
                raise RnnvizError(f"weight_hh{s} has shape {_shape(hh)}, but weight_hh_l0 {_shape(first)} "
                                  f"means {what}, so it should be ({G * H}, {H}).",
                                  code="hh_other", params=dict(key=f"weight_hh{s}",
                                                               shape=_shape(hh),
                                                               first=_shape(first), G=G, H=H,
                                                               rows=G * H))
            if len(ih) != 2 or ih[0] != G * H:
                raise RnnvizError(f"weight_ih{s} has shape {_shape(ih)}, but weight_hh_l0 "
                                  f"{_shape(first)} means {what}, so it needs {G * H} rows.",
                                  code="ih_rows", params=dict(key=f"weight_ih{s}", shape=_shape(ih),
                                                              first=_shape(first), G=G, H=H,
                                                              rows=G * H))
            if layer == 0:
                input_size = ih[1] if input_size is None else input_size
                if ih[1] != input_size:
                    raise RnnvizError(f"weight_ih{s} has {ih[1]} columns but weight_ih_l0 has "
                                      f"{input_size}: the two directions disagree on the input size.",
                                      code="directions_input", params=dict(key=f"weight_ih{s}",
                                                                           cols=ih[1],
                                                                           input=input_size))
                if not 1 <= input_size <= MAX_INPUT:
                    raise RnnvizError(f"The input size is {input_size:,} (weight_ih_l0 has "
                                      f"{input_size:,} columns); rnnviz handles 1 to {MAX_INPUT}.",
                                      code="input_size", params=dict(n=f"{input_size:,}",
                                                                     limit=MAX_INPUT))
            elif ih[1] != H * D:
                raise RnnvizError(f"weight_ih{s} has shape {_shape(ih)}: layer {layer} reads the "
                                  f"{H * D} outputs of layer {layer - 1}, so it needs {H * D} columns.",
                                  code="ih_cols", params=dict(key=f"weight_ih{s}", shape=_shape(ih),
                                                              layer=layer, below=layer - 1,
                                                              n=H * D))
            for b in ("bias_ih" + s, "bias_hh" + s) if bias else ():
                if shapes[b] != (G * H,):
                    raise RnnvizError(f"{b} has shape {_shape(shapes[b])}; it should be ({G * H},).",
                                      code="bias_shape", params=dict(key=b, shape=_shape(shapes[b]),
                                                                     rows=G * H))
        extra = sorted(k for k in shapes if _layer_of(k) == layer and k not in expected)
        if extra:
            raise RnnvizError(f"{', '.join(extra)} do{'es' if len(extra) == 1 else ''} not fit: "
                              f"layer 0 is {'bidirectional' if bidirectional else 'one-directional'}"
                              f" and {'has' if bias else 'has no'} biases.",
                              code="extra", params=dict(keys=tuple(extra)))
    _check_size_caps(kind, int(input_size), int(H), len(layers), bidirectional,
                     sum(math.prod(shape) for shape in shapes.values()))
    if len(layers) > 1:
        notes.append(Note(f"This model has {len(layers)} layers; layer 0 is shown unless you pick "
                          "another.", "note_layers", n=len(layers)))
    if kind == "rnn":
        notes.append(Note("A state_dict does not say whether an nn.RNN used tanh or relu: choose below "
                          "(tanh is PyTorch's default).", "note_rnn_act"))
    return kind, int(H), int(input_size), bias, bidirectional, len(layers)


def _check_size_caps(kind, input_size, H, layers, bidirectional, n_params) -> None:
    """The model against what a lesson needs to hold and draw, before any weight is converted.
    (Its drawing cost per step is about its parameter count plus the step overheads, so the
    caps also bound that: every model read here can be drawn at least 300 steps deep.)"""
    D = 2 if bidirectional else 1
    units = layers * H * D
    what = (f"This {MODULE_NAMES[kind]} has {n_params:,} parameters and {layers} layer"
            f"{'s' if layers > 1 else ''} of {H}{' × 2 directions' if D == 2 else ''} units")
    caps = (f"This page reads models up to {MAX_PARAMS:,} parameters ({_mib(MAX_PARAMS * 8)} as "
            f"float64) and {MAX_LAYER_UNITS:,} hidden units over all layers (layers × H"
            f"{' × 2' if D == 2 else ''}): enough to see gradients vanish or explode, and what one "
            "server can hold and draw for a class. Upload a smaller model, or fewer of its layers.")
    caps_params = dict(kind=MODULE_NAMES[kind], params=f"{n_params:,}", layers=layers,
                       width=f"{H}{' × 2' if D == 2 else ''}", units=f"{units:,}",
                       max_params=f"{MAX_PARAMS:,}", max_mib=_mib(MAX_PARAMS * 8),
                       max_units=f"{MAX_LAYER_UNITS:,}")
    if n_params > MAX_PARAMS:
        raise RnnvizError(f"{what}: too big to read here. {caps}",
                          code="model_params", params=caps_params)
    if units > MAX_LAYER_UNITS:
        raise RnnvizError(f"{what}, {units:,} in all: too many to draw here. {caps}",
                          code="model_units", params=caps_params)


def load_weights(name: str, data: bytes, *, layer: int = 0, activation: str = "tanh",
                 module: str | None = None) -> tuple[Cell, list[str]]:
    """(Cell of one layer, notes): the upload read by `load_model`, layer `layer` as a Cell
    (an RNN with `activation`, tanh or relu), and the sentences saying what was read."""
    model = load_model(name, data, module=module)
    cell = model.cell(layer, activation)
    notes = list(model.notes)
    shown = f" Showing layer {layer} (layers 0–{model.layers - 1})." if model.layers > 1 else ""
    notes.append(f"Read {model.describe()}.{shown}")
    return cell, notes


# --------------------------------------------------------------------------- a pasted input
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_SEP = re.compile(r"\s*[,;]\s*|\s+")


def _numbers(tokens, where: str, line: int = 0) -> list[float]:
    out = []
    for i, tok in enumerate(tokens, start=1):
        if tok == "":
            raise RnnvizError(f"Entry {i}{where} is empty (two separators in a row?).",
                              code="entry_empty_line" if where else "entry_empty",
                              params=dict(i=i, line=line))
        shown = tok if len(tok) <= 20 else tok[:19] + "…"
        if not _NUMBER.fullmatch(tok):
            raise RnnvizError(f"Entry {i}{where}, {shown!r}, is not a number (write e.g. 0.5, -2 or 1e-3).",
                              code="entry_nan_line" if where else "entry_nan",
                              params=dict(i=i, line=line, token=repr(shown)))
        v = float(tok)
        if not (math.isfinite(v) and abs(v) <= MAX_ABS_INPUT):
            raise RnnvizError(f"Entry {i}{where}, {shown!r}, is outside −1e6 … 1e6.",
                              code="entry_range_line" if where else "entry_range",
                              params=dict(i=i, line=line, token=repr(shown)))
        out.append(v)
    return out


def parse_sequence(text: str, input_size: int = 1, *, max_steps: int = MAX_SEQUENCE) -> np.ndarray:
    """A pasted input sequence as a (T, input_size) float64 array, parsed strictly.

    input_size 1: numbers separated by commas, semicolons, spaces or new lines, optionally
    inside one pair of brackets: "0.5, -1, 2" or "[0.5 -1 2]". input_size > 1: one time step
    per line, `input_size` numbers on each. Numbers are decimal (1, -0.5, 2e-3), within ±1e6;
    nan, inf, hex and words are refused; at most `max_steps` steps."""
    if not isinstance(text, str):
        raise RnnvizError("The pasted sequence must be text.")
    if len(text) > MAX_TEXT:
        raise RnnvizError(f"The pasted text has {len(text):,} characters; the limit is {MAX_TEXT:,}.",
                          code="text_long", params=dict(n=f"{len(text):,}", limit=f"{MAX_TEXT:,}"))
    max_steps = min(int(max_steps), MAX_STEPS)
    body = text.strip()
    if input_size == 1 and body.startswith("[") and body.endswith("]"):
        body = body[1:-1].strip()
    if not body:
        raise RnnvizError("Paste at least one number.", code="paste_empty")
    if input_size == 1:
        values = _numbers(_SEP.split(body), "")
        x = np.array(values, dtype=np.float64)[:, None]  # (T,) -> (T, 1)
    else:
        rows = []
        lines = [ln for ln in body.splitlines() if ln.strip()]
        if len(lines) > max_steps:
            raise RnnvizError(f"The sequence has {len(lines)} steps; the limit is {max_steps}.",
                              code="seq_long", params=dict(n=len(lines), limit=max_steps))
        for n, line in enumerate(lines, start=1):
            row = _numbers(_SEP.split(line.strip()), f" on line {n}", n)
            if len(row) != input_size:
                raise RnnvizError(f"Line {n} has {len(row)} number{'s' if len(row) != 1 else ''}; "
                                  f"this model reads {input_size} per step (one step per line).",
                                  code="line_count", params=dict(line=n, n=len(row),
                                                                 size=input_size))
            rows.append(row)
        x = np.array(rows, dtype=np.float64)  # (T, I)
    if x.shape[0] > max_steps:
        raise RnnvizError(f"The sequence has {x.shape[0]} steps; the limit is {max_steps}.",
                          code="seq_long", params=dict(n=x.shape[0], limit=max_steps))
    return x


INPUT_KINDS = ("random", "constant", "pasted")


def choose_input(kind: str, input_size: int, *, T: int = 200, scale: float = 1.0, seed: int = 0,
                 text: str = "") -> np.ndarray:
    """The input the student chose, (T, input_size): "random" N(0, scale²) (seeded),
    "constant" (every entry = scale), or "pasted" (`text`, parsed by parse_sequence)."""
    from ..core.build import make_input
    if kind == "pasted":
        return parse_sequence(text, input_size)
    if kind not in INPUT_KINDS:
        raise RnnvizError(f"Unknown input {kind!r}; choose one of {', '.join(INPUT_KINDS)}.")
    return make_input(T, input_size, kind="gaussian" if kind == "random" else "constant",
                      scale=scale, seed=seed)


def sample_text(input_size: int, steps: int = 24) -> str:
    """A sequence to start the paste box with: a slow sine, one step per line when I > 1."""
    t = np.arange(steps)
    rows = [[round(float(np.sin(2 * np.pi * (ti / 12 + j / max(input_size, 1)))), 2) + 0.0
             for j in range(input_size)] for ti in t]
    if input_size == 1:
        return ", ".join(f"{r[0]:g}" for r in rows)
    return "\n".join(", ".join(f"{v:g}" for v in r) for r in rows)


# --------------------------------------------------------------------------- the example
def example_model_bytes(seed: int = 0) -> bytes:
    """A seeded, untrained 2-layer nn.LSTM (input 3, hidden 32, batch_first) inside a small
    model with a Linear head, its state_dict saved with torch.save into bytes: what a student
    would upload (keys rnn.weight_ih_l0 …, head.weight, head.bias)."""
    import torch
    import torch.nn as nn

    class Tagger(nn.Module):
        def __init__(self):
            super().__init__()
            self.rnn = nn.LSTM(3, 32, num_layers=2, batch_first=True)
            self.head = nn.Linear(32, 1)

    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        model = Tagger()
    buf = io.BytesIO()
    torch.save(model.state_dict(), buf)
    return buf.getvalue()
