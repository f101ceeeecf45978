"""Benchmark: rnnviz's instrumented unroll + BPTT against PyTorch's fused module.

    python -m rnnviz.bench            # a table
    python -m rnnviz.bench --json     # [{"cell", "T", "H", "rnnviz_ms", "torch_ms", "ratio"}, …]

For each cell (rnn, lstm, gru) and (T, H) in (100, 32), (500, 128), (1000, 256), with input
size H and one sequence: the median wall time of rnnviz's unroll + bptt (every intermediate
recorded, float64, log-domain norms) and of the PyTorch module's forward + backward (float64,
the same shapes), and their ratio rnnviz / torch.

    python -m rnnviz.bench --map          # the gradient-flow map (a table)
    python -m rnnviz.bench --map --json   # [{"what": "map", "cell", "T", "H", "wrt",
                                          #   "map_ms", "map_cpu_ms", "bptt_loop_ms",
                                          #   "torch_loop_ms", "speedup_bptt",
                                          #   "speedup_torch"}, …]

The map section times `rnnviz.measures.flow.flow_map` at (T, H) = (500, 128) (input size H, one
direction; map_cpu_ms is its CPU time summed over threads, less inflated than wall time
on a busy machine) for wrt="h" and wrt="x", against the T-backward-passes way of getting the
same T × T numbers: T calls of `rnnviz.bptt` with only row t of grad_h nonzero (row t of the
map), and, for wrt="x", T `torch.autograd.grad` calls through the fused PyTorch module. Each
of those passes costs the same whatever t, so `--loop-sample` of them (spread over t) are
timed and scaled to T (0 times all T).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

import numpy as np

from rnnviz.core.cell import KINDS

SIZES = ((100, 32), (500, 128), (1000, 256))


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


MAP_SIZES = ((500, 128),)


def bench_map(kind, T, H, wrt, repeat=3, loop_sample=50):
    """flow_map against T backward passes (bptt, and torch autograd for wrt="x")."""
    import torch

    from . import bptt, from_torch, loss_grad, unroll
    from .measures.flow import flow_map
    torch.manual_seed(0)
    module = {"rnn": torch.nn.RNN, "lstm": torch.nn.LSTM, "gru": torch.nn.GRU}[kind](H, H).double()
    cell = from_torch(module)
    x = np.random.default_rng(0).standard_normal((T, H))
    trace = unroll(cell, x)
    g = loss_grad(T, H, where="all")
    cpu = []

    def one_map():
        c0 = time.process_time()
        flow_map(trace, g, wrt=wrt)
        cpu.append((time.process_time() - c0) * 1e3)

    map_ms = _median_ms(one_map, repeat, min_time=0)
    map_cpu_ms = statistics.median(cpu[1:])  # CPU time summed over threads
    n = T if not loop_sample or loop_sample >= T else int(loop_sample)
    ts = np.unique(np.linspace(0, T - 1, n).round().astype(int))

    def one_row(t):  # row t of the map: the loss term C^t alone
        gt = np.zeros_like(g)
        gt[t] = g[t]
        return bptt(trace, gt)

    one_row(T - 1)  # warm up
    t0 = time.perf_counter()
    for t in ts:
        one_row(int(t))
    bptt_loop = (time.perf_counter() - t0) * 1e3 / len(ts) * T
    torch_loop = None
    if wrt == "x":
        xr = torch.tensor(x).requires_grad_(True)
        out = module(xr)[0]  # (T, H), one forward for all the passes
        gt_ = torch.tensor(g)
        torch.autograd.grad((out[T - 1] * gt_[T - 1]).sum(), xr, retain_graph=True)  # warm up
        t0 = time.perf_counter()
        for t in ts:
            torch.autograd.grad((out[int(t)] * gt_[int(t)]).sum(), xr, retain_graph=True)
        torch_loop = (time.perf_counter() - t0) * 1e3 / len(ts) * T
    return {"what": "map", "cell": kind, "T": T, "H": H, "wrt": wrt, "map_ms": round(map_ms, 1),
            "map_cpu_ms": round(map_cpu_ms, 1),
            "bptt_loop_ms": round(bptt_loop, 1),
            "torch_loop_ms": None if torch_loop is None else round(torch_loop, 1),
            "speedup_bptt": round(bptt_loop / map_ms, 2),
            "speedup_torch": None if torch_loop is None else round(torch_loop / map_ms, 2)}


def main_map(args):
    rows = [bench_map(c, T, H, wrt, args.repeat, args.loop_sample)
            for c in args.cells.split(",") for T, H in MAP_SIZES for wrt in ("h", "x")]
    if args.json:
        print(json.dumps(rows))
        return
    print(f"{'cell':5} {'T':>5} {'H':>4} {'wrt':>3} {'map ms':>8} {'cpu ms':>7} {'T×bptt ms':>10} "
          f"{'T×torch ms':>11} {'×bptt':>6} {'×torch':>7}")
    for r in rows:
        tl = "—" if r["torch_loop_ms"] is None else f"{r['torch_loop_ms']:.0f}"
        st = "—" if r["speedup_torch"] is None else f"{r['speedup_torch']:.1f}"
        print(f"{r['cell']:5} {r['T']:5d} {r['H']:4d} {r['wrt']:>3} {r['map_ms']:8.0f} "
              f"{r['map_cpu_ms']:7.0f} {r['bptt_loop_ms']:10.0f} {tl:>11} {r['speedup_bptt']:6.1f} {st:>7}")


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--json", action="store_true", help="print a JSON list instead of a table")
    p.add_argument("--repeat", type=int, default=5, help="timed runs per measurement (median)")
    p.add_argument("--cells", default=",".join(KINDS))
    p.add_argument("--map", action="store_true",
                   help="benchmark the gradient-flow map instead (against T backward passes)")
    p.add_argument("--loop-sample", type=int, default=50,
                   help="--map: time this many of the T backward passes and scale to T (0: all)")
    p.add_argument("--threads", type=int, default=1,
                   help="BLAS threads for numpy and intra-op threads for torch, the same for "
                        "both sides (default 1, as the app runs; 0 leaves the libraries' defaults)")
    args = p.parse_args(argv)
    if args.threads > 0:
        import torch
        from threadpoolctl import threadpool_limits

        threadpool_limits(limits=args.threads, user_api="blas")
        torch.set_num_threads(args.threads)
    if args.map:
        main_map(args)
        return
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
