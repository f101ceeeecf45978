"""rnnviz: unroll a recurrent cell, back-propagate through time exactly, and see why RNNs
forget. Pure computation (numpy, torch): no Streamlit here, so a notebook gets the same
numbers and figures as the app.

    import rnnviz
    cell = rnnviz.make_cell("rnn", hidden_size=32, activation="tanh", scale=0.9)
    trace = rnnviz.unroll(cell, rnnviz.make_input(200, 1))
    grads = rnnviz.bptt(trace, rnnviz.loss_grad(200, 32))
    grads.log10_norm_h  # (200,) exact log10 ||∂C/∂h_k||
    rnnviz.flow_map(trace)  # (200, 200) log10 ||∂C^t/∂h_k|| for every pair
"""

from .core.bptt import TRUNCATIONS, Grads, bptt
from .core.build import LOSSES, loss_grad, make_cell, make_input
from .core.cell import ACTIVATIONS, MAX_HIDDEN, MAX_INPUT, MAX_SEED, MAX_STEPS, Cell
from .core.errors import ForwardOverflowError, RnnvizError
from .measures.flow import bound_log10, flow_map, jacobian_norms
from .measures.powers import diagonal_powers, eigen, entry_histograms, power_norms
from .core.readout import make_readout, readout_loss
from .io.torch_io import from_state_dict, from_torch, to_state_dict, to_torch
from .core.unroll import Trace, unroll
from .core.weights import INITS, SCALE_BY

__all__ = [
    "Cell", "Grads", "Trace", "RnnvizError", "ForwardOverflowError", "MAX_HIDDEN", "MAX_INPUT",
    "MAX_STEPS", "bptt", "from_state_dict", "from_torch", "loss_grad", "make_cell",
    "make_input", "to_state_dict", "to_torch", "unroll", "flow_map", "jacobian_norms",
    "bound_log10", "entry_histograms", "power_norms", "eigen", "diagonal_powers",
    "make_readout", "readout_loss",
    # the option keys of the settings (pages take their select boxes' keys from these)
    "ACTIVATIONS", "INITS", "LOSSES", "SCALE_BY", "TRUNCATIONS", "MAX_SEED",
]
