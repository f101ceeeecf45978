"""What the lessons measure on a trace: the gradient-flow map, the Jacobian and its bound and
truncated BPTT (flow), powers of W_hh (powers), clipping and the cliff (clipping, cliff), the
diagrams' edge values (edges)."""
