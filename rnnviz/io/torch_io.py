"""PyTorch ↔ rnnviz: build a Cell from nn.RNN / nn.LSTM / nn.GRU or a state_dict, and back."""

from __future__ import annotations

import re

import numpy as np

from ..core.cell import N_BLOCKS, Cell
from ..core.errors import RnnvizError

_NAME = re.compile(r"^(weight_ih|weight_hh|bias_ih|bias_hh)_l(\d+)(_reverse)?$")


def _module_kind(module):
    import torch.nn as nn
    if isinstance(module, nn.LSTM):
        return "lstm"
    if isinstance(module, nn.GRU):
        return "gru"
    if isinstance(module, nn.RNN):
        return "rnn"
    return None


def from_torch(module_or_state_dict, *, kind: str | None = None, activation: str | None = None,
               layer: int = 0) -> Cell:
    """A Cell with the weights of a one-layer `nn.RNN` (tanh or relu), `nn.LSTM` or `nn.GRU`
    (bias or not, bidirectional or not; batch_first does not change the weights), or of the
    `state_dict` of one. A state_dict does not say which module it came from: the kind is
    read from the gate count (1, 3 or 4 blocks; pass kind= when the sizes are ambiguous) and
    an RNN's activation defaults to tanh. For a multi-layer model, `layer` picks the layer."""
    try:
        import torch.nn as nn
    except ImportError:  # pragma: no cover
        nn = None
    if nn is not None and isinstance(module_or_state_dict, nn.Module):
        m = module_or_state_dict
        mk = _module_kind(m)
        if mk is None:
            raise RnnvizError(f"from_torch takes nn.RNN, nn.LSTM or nn.GRU, not {type(m).__name__}.")
        if getattr(m, "proj_size", 0):
            raise RnnvizError("LSTMs with proj_size are not supported.")
        if mk == "rnn":
            activation = m.nonlinearity
        kind = mk
        sd = m.state_dict()
    elif isinstance(module_or_state_dict, dict):
        sd = module_or_state_dict
    else:
        raise RnnvizError("from_torch takes an nn.RNN/nn.LSTM/nn.GRU module or its state_dict.")
    return from_state_dict(sd, kind=kind, activation=activation, layer=layer)


def _to_numpy(v, name):
    if hasattr(v, "detach"):
        v = v.detach().cpu().double().numpy()
    try:
        a = np.asarray(v, dtype=np.float64)
    except (TypeError, ValueError):
        raise RnnvizError(f"{name} is not an array of numbers.") from None
    return a


def layers_in(state_dict) -> list:
    """The layer numbers present in a recurrent state_dict."""
    out = set()
    for name in state_dict:
        m = _NAME.match(str(name))
        if m:
            out.add(int(m.group(2)))
    return sorted(out)


def from_state_dict(sd, *, kind=None, activation=None, layer=0) -> Cell:
    entries = {}
    unknown = []
    for name, v in sd.items():
        m = _NAME.match(str(name))
        if not m:
            unknown.append(str(name))
            continue
        if int(m.group(2)) == layer:
            entries[f"{m.group(1)}_l0{m.group(3) or ''}"] = _to_numpy(v, name)
    if unknown:
        shown = ", ".join(unknown[:5]) + (" …" if len(unknown) > 5 else "")
        raise RnnvizError(
            f"This is not the state_dict of an nn.RNN, nn.LSTM or nn.GRU: unexpected keys {shown}.")
    if not entries:
        raise RnnvizError(f"The state_dict has no weights for layer {layer} "
                          f"(layers present: {layers_in(sd) or 'none'}).")
    if "weight_hh_l0" not in entries or "weight_ih_l0" not in entries:
        raise RnnvizError("The state_dict lacks weight_ih / weight_hh for the chosen layer.")
    W_hh = entries["weight_hh_l0"]
    if W_hh.ndim != 2 or W_hh.shape[1] == 0 or W_hh.shape[0] % W_hh.shape[1]:
        raise RnnvizError(f"weight_hh has shape {W_hh.shape}, which is not (G·H, H).")
    H = W_hh.shape[1]
    G = W_hh.shape[0] // H
    guessed = {1: "rnn", 3: "gru", 4: "lstm"}.get(G)
    if kind is None:
        kind = guessed
    if kind is None or N_BLOCKS.get(kind) != G:
        raise RnnvizError(f"weight_hh has {G} blocks of size {H}: that is not an RNN (1), "
                          f"GRU (3) or LSTM (4)" + (f" as {kind} would need" if kind else "") + ".")
    W_ih = entries["weight_ih_l0"]
    if W_ih.ndim != 2:
        raise RnnvizError(f"weight_ih has shape {W_ih.shape}, which is not (G·H, I).")
    bias = "bias_ih_l0" in entries
    if bias != ("bias_hh_l0" in entries):
        raise RnnvizError("The state_dict has only one of bias_ih and bias_hh.")
    bidirectional = any(n.endswith("_reverse") for n in entries)
    return Cell(kind=kind, input_size=W_ih.shape[1], hidden_size=H, params=entries,
                activation=activation or "tanh", bias=bias, bidirectional=bidirectional)


def to_state_dict(cell: Cell) -> dict:
    """The cell's weights as a state_dict of float64 torch tensors, loadable into the
    matching PyTorch module (peephole weights have no PyTorch counterpart)."""
    import torch
    return {n: torch.tensor(np.array(a)) for n, a in cell.params.items()}


def to_torch(cell: Cell, *, batch_first: bool = False):
    """The PyTorch module (float64) that computes what `cell` computes."""
    import torch
    import torch.nn as nn
    if cell.kind == "rnn" and cell.activation in ("tanh", "relu"):
        m = nn.RNN(cell.input_size, cell.hidden_size, nonlinearity=cell.activation,
                   bias=cell.bias, bidirectional=cell.bidirectional, batch_first=batch_first)
    elif cell.kind == "lstm" and cell.variant == "forget":
        m = nn.LSTM(cell.input_size, cell.hidden_size, bias=cell.bias,
                    bidirectional=cell.bidirectional, batch_first=batch_first)
    elif cell.kind == "gru" and cell.variant == "after":
        m = nn.GRU(cell.input_size, cell.hidden_size, bias=cell.bias,
                   bidirectional=cell.bidirectional, batch_first=batch_first)
    else:
        raise RnnvizError(f"PyTorch has no module for the {cell.describe()}.")
    m = m.double()
    with torch.no_grad():
        m.load_state_dict(to_state_dict(cell))
    return m
