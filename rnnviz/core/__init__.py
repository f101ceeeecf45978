"""The core: a cell and its weights (cell, cells/, weights, build), the forward pass (unroll),
back-propagation through time (bptt) exact in the log domain (logmath), the output layer
(readout), the argument checks and errors every module shares."""
