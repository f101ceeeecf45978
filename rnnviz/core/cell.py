"""A recurrent cell: its kind, its sizes and its weights, named exactly like PyTorch's.

One `Cell` describes a one-layer `nn.RNN`, `nn.LSTM` or `nn.GRU` (optionally bidirectional)
and the variants PyTorch lacks: sigmoid and linear RNNs, the 1997 LSTM without a forget gate,
peephole LSTM (Gers & Schmidhuber 2001), and Cho 2014's "reset before" GRU.

Parameters live in `params`, keyed like `named_parameters()` of the PyTorch module:

    weight_ih_l0 (G·H, I)   weight_hh_l0 (G·H, H)   bias_ih_l0 (G·H,)   bias_hh_l0 (G·H,)

with `_reverse` twins when bidirectional. G = 1 (rnn), 4 (lstm: i, f, g, o), 3 (gru: r, z, n).
Peephole LSTM adds the diagonal peephole weights `weight_ci_l0`, `weight_cf_l0`,
`weight_co_l0` (H,) (and their `_reverse` twins).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np

from .cells.rnn import ACTIVATIONS
from .checks import int_in
from .errors import RnnvizError

# Sizes the app and the library promise to handle (and refuse beyond).
MAX_HIDDEN = 1024
MAX_INPUT = 1024
MAX_STEPS = 20_000
MAX_SEED = 2**32 - 1  # the largest seed numpy (np.random.seed too) and torch.manual_seed both take

GATES = {"rnn": (), "lstm": ("i", "f", "g", "o"), "gru": ("r", "z", "n")}
KINDS = tuple(GATES)  # the cell kinds: rnn, lstm, gru
N_BLOCKS = {"rnn": 1, "lstm": 4, "gru": 3}
VARIANTS = {
    "rnn": ("",),
    "lstm": ("forget", "nofg", "peephole"),  # Gers 2000 (default), Hochreiter 1997, Gers 2001
    "gru": ("after", "before"),  # PyTorch/cuDNN (default), Cho 2014 as the source writes it
}
PEEPHOLES = ("weight_ci", "weight_cf", "weight_co")


def _suffix(direction: int) -> str:
    return "_l0_reverse" if direction else "_l0"


def param_shapes(kind, input_size, hidden_size, *, bias=True, bidirectional=False, variant=""):
    """The name → shape table of a cell's parameters, in `named_parameters()` order."""
    G, H, I = N_BLOCKS[kind], hidden_size, input_size
    shapes = {}
    for d in range(2 if bidirectional else 1):
        s = _suffix(d)
        shapes["weight_ih" + s] = (G * H, I)
        shapes["weight_hh" + s] = (G * H, H)
        if bias:
            shapes["bias_ih" + s] = (G * H,)
            shapes["bias_hh" + s] = (G * H,)
        if kind == "lstm" and variant == "peephole":
            for name in PEEPHOLES:
                shapes[name + s] = (H,)
    return shapes


@dataclass(frozen=True, eq=False)
class Cell:
    kind: str
    input_size: int
    hidden_size: int
    params: dict = field(repr=False)
    activation: str = "tanh"  # rnn only
    variant: str = ""  # lstm: forget | nofg | peephole; gru: after | before
    bias: bool = True
    bidirectional: bool = False

    def __post_init__(self):
        if self.kind not in GATES:
            raise RnnvizError(f"Unknown cell kind {self.kind!r}; choose one of {', '.join(GATES)}.")
        variant = self.variant or VARIANTS[self.kind][0]
        if variant not in VARIANTS[self.kind]:
            raise RnnvizError(
                f"Unknown {self.kind} variant {self.variant!r}; "
                f"choose one of {', '.join(VARIANTS[self.kind])}.")
        object.__setattr__(self, "variant", variant)
        if self.kind == "rnn" and self.activation not in ACTIVATIONS:
            raise RnnvizError(
                f"Unknown activation {self.activation!r}; choose one of {', '.join(ACTIVATIONS)}.")
        int_in("hidden_size", self.hidden_size, 1, MAX_HIDDEN)
        int_in("input_size", self.input_size, 1, MAX_INPUT)
        shapes = param_shapes(self.kind, self.input_size, self.hidden_size, bias=self.bias,
                              bidirectional=self.bidirectional, variant=self.variant)
        given = dict(self.params)
        missing = [n for n in shapes if n not in given]
        extra = [n for n in given if n not in shapes]
        if missing or extra:
            raise RnnvizError(
                f"The {self.describe()} needs parameters {', '.join(shapes)}; "
                + (f"missing {', '.join(missing)}" if missing else "")
                + ("; " if missing and extra else "")
                + (f"unexpected {', '.join(extra)}" if extra else "") + ".")
        params = {}
        for name, shape in shapes.items():
            a = np.asarray(given[name])
            if a.shape != shape:
                raise RnnvizError(f"{name} must have shape {shape}, got {a.shape}.")
            if not np.issubdtype(a.dtype, np.number) or np.iscomplexobj(a):
                raise RnnvizError(f"{name} must hold real numbers, got dtype {a.dtype}.")
            a = np.array(a, dtype=np.float64)  # a private float64 copy
            if not np.isfinite(a).all():
                raise RnnvizError(f"{name} contains NaN or infinite values.")
            a.setflags(write=False)
            params[name] = a
        object.__setattr__(self, "params", MappingProxyType(params))

    @property
    def directions(self) -> int:
        return 2 if self.bidirectional else 1

    @property
    def gate_names(self) -> tuple:
        return GATES[self.kind]

    @property
    def n_params(self) -> int:
        return int(sum(a.size for a in self.params.values()))

    def describe(self) -> str:
        what = {"rnn": f"{self.activation} RNN", "lstm": f"LSTM ({self.variant})",
                "gru": f"GRU (reset {self.variant})"}[self.kind]
        return ("bidirectional " if self.bidirectional else "") + what

    def weights(self, direction: int = 0) -> dict:
        """One direction's weights by short name: W_ih, W_hh, b_ih, b_hh (+ w_ci, w_cf, w_co).

        Missing biases (bias=False) come back as zeros, so the cells need no special case.
        """
        s, GH = _suffix(direction), N_BLOCKS[self.kind] * self.hidden_size
        zeros = np.zeros(GH)
        w = {"W_ih": self.params["weight_ih" + s], "W_hh": self.params["weight_hh" + s],
             "b_ih": self.params.get("bias_ih" + s, zeros),
             "b_hh": self.params.get("bias_hh" + s, zeros)}
        if self.kind == "lstm" and self.variant == "peephole":
            for name in PEEPHOLES:
                w["w_" + name[-2:]] = self.params[name + s]
        return w

    def W_hh(self, direction: int = 0, block: str | None = None) -> np.ndarray:
        """The recurrent matrix: the whole W_hh for an RNN; for LSTM/GRU one gate's (H, H)
        block (default: LSTM's cell input g, GRU's candidate n, the paths the source's
        δ recursion runs through)."""
        W = self.params["weight_hh" + _suffix(direction)]
        if self.kind == "rnn":
            return W
        names = GATES[self.kind]
        k = names.index(block or ("g" if self.kind == "lstm" else "n"))
        H = self.hidden_size
        return W[k * H:(k + 1) * H]

    def replace(self, **changes) -> "Cell":
        """A copy with some fields (or some params, via params={name: array}) changed."""
        fields = dict(kind=self.kind, input_size=self.input_size, hidden_size=self.hidden_size,
                      params=dict(self.params), activation=self.activation, variant=self.variant,
                      bias=self.bias, bidirectional=self.bidirectional)
        if "params" in changes:
            fields["params"].update(changes.pop("params"))
        fields.update(changes)
        return Cell(**fields)
