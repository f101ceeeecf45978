"""Benchmark: rnnviz's instrumented unroll + BPTT against PyTorch's fused module.

    python -m rnnviz.bench            # a table
    python -m rnnviz.bench --json     # [{"cell", "T", "H", "rnnviz_ms", "torch_ms", "ratio"}, …]

For each cell (rnn, lstm, gru) and (T, H) in (100, 32), (500, 128), (1000, 256), with input
size H and one sequence: the median wall time of rnnviz's unroll + bptt (every intermediate
recorded, float64, log-domain norms) and of the PyTorch module's forward + backward (float64,
the same shapes), and their ratio rnnviz / torch.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

import numpy as np

SIZES = ((100, 32), (500, 128), (1000, 256))
CELLS = ("rnn", "lstm", "gru")


def _median_ms(fn, repeat, min_time=0.2):
    fn()  # warm up
    times = []
    start = time.perf_counter()
    while len(times) < repeat or (time.perf_counter() - start < min_time and len(times) < 50):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1e3)
    return statistics.median(times)


def bench_one(kind, T, H, repeat=5):
    import torch

    from . import bptt, from_torch, unroll
    torch.manual_seed(0)
    module = {"rnn": torch.nn.RNN, "lstm": torch.nn.LSTM, "gru": torch.nn.GRU}[kind](H, H).double()
    cell = from_torch(module)
    x = np.random.default_rng(0).standard_normal((T, H))
    grad_h = np.zeros((T, H))
    grad_h[-1] = 1.0
    xt = torch.tensor(x)
    gt = torch.tensor(grad_h)

    def ours():
        bptt(unroll(cell, x), grad_h)

    def theirs():
        module.zero_grad(set_to_none=True)
        xr = xt.clone().requires_grad_(True)
        out = module(xr)[0]
        out.backward(gt)

    r, t = _median_ms(ours, repeat), _median_ms(theirs, repeat)
    return {"cell": kind, "T": T, "H": H, "rnnviz_ms": round(r, 2), "torch_ms": round(t, 2),
            "ratio": round(r / t, 3)}


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--json", action="store_true", help="print a JSON list instead of a table")
    p.add_argument("--repeat", type=int, default=5, help="timed runs per measurement (median)")
    p.add_argument("--cells", default=",".join(CELLS))
    args = p.parse_args(argv)
    rows = [bench_one(c, T, H, args.repeat) for c in args.cells.split(",") for T, H in SIZES]
    if args.json:
        print(json.dumps(rows))
        return
    print(f"{'cell':5} {'T':>5} {'H':>4} {'rnnviz ms':>10} {'torch ms':>9} {'ratio':>6}")
    for r in rows:
        print(f"{r['cell']:5} {r['T']:5d} {r['H']:4d} {r['rnnviz_ms']:10.2f} "
              f"{r['torch_ms']:9.2f} {r['ratio']:6.2f}")


if __name__ == "__main__":
    main()
