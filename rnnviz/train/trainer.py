"""Train small recurrent networks on long-memory tasks, a chunk of steps at a time.

A ``Trainer`` holds one model, its Adam optimiser and its task's seeded batch stream.
``run(n_steps)`` trains n more steps and returns their losses, so a page can train a
little on every rerun and keep the trainer between reruns. ``grad_norms()`` measures the
per-time-step gradient norm ||∂L/∂h_t|| at any point of training.

Models: a one-layer ``nn.RNN`` (tanh or relu), ``nn.LSTM`` or ``nn.GRU`` (torch's default
initialisation, U(−1/√H, 1/√H)) with a linear readout — from the last hidden state for
the adding problem, from every hidden state for the copy task.

Classic result (seed 0, one thread; held-out MSE on 4,096 sequences): adding problem,
T = 100, hidden 64, batch 64, clipping by norm at 1.0 —
    Adam 5e-3, 1,500 steps:  lstm 0.00118  rnn (tanh) 0.165   (baseline 1/6 = 0.1667)
    Adam 1e-2, 1,000 steps:  lstm 0.0009   rnn (tanh) 0.25 (Adam's steps make the
                             untrainable RNN wander above the baseline; seeds 1, 2: 0.172, 0.194)
When the LSTM leaves the plateau depends on the seed (lr 1e-2: seeds 0 and 2 by step
~800, seed 1 not by 1,000; lr 5e-3: seed 0 by ~1,000, seed 2 by ~1,200, seed 1 at ~1,500).

Terminal use, for teachers preparing slides (the first line of the table above; it prints
``final_mse=0.00117889``):
    python -m rnnviz.train --task adding --cell lstm --seq-len 100 --steps 1500 --lr 5e-3 --seed 0
The last line printed is ``final_mse=<number>`` (adding) or ``final_loss=<number>`` (copy):
the loss on a held-out seeded set of sequences.
"""

from __future__ import annotations

import argparse
import copy
import dataclasses
import math
import sys
import time
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from rnnviz.core.cell import MAX_SEED
from rnnviz.core.checks import is_number, is_whole
from rnnviz.core.errors import RnnvizError
from rnnviz.train.tasks import TASKS, make_task

# name → (torch module class, extra kwargs, torch's functional one-step cell)
TORCH_CELLS = {
    "rnn": (nn.RNN, {"nonlinearity": "tanh"}, torch.rnn_tanh_cell),
    "relu-rnn": (nn.RNN, {"nonlinearity": "relu"}, torch.rnn_relu_cell),
    "lstm": (nn.LSTM, {}, torch.lstm_cell),
    "gru": (nn.GRU, {}, torch.gru_cell),
}

EVAL_SIZE = 4096  # held-out sequences for evaluate(): the MSE's standard error ≈ 0.003
EVAL_CHUNK = 512  # sequences per forward pass in evaluate()
PROGRESS_EVAL_SIZE = 512  # the CLI's progress lines; the final line uses EVAL_SIZE
PROBE_SIZE = 32  # sequences for grad_norms()
STEPS = 1500  # steps of a run, by default (the page's "train for at most", the CLI's --steps)


@dataclass(frozen=True)
class TrainConfig:
    """One training run. Every field has a default; ``validate`` refuses bad values.

    The defaults are the training page's and the CLI's (the classic result above): the page
    reads them from here, so the two cannot drift apart."""

    task: str = "adding"  # "adding" | "copy"
    cell: str = "lstm"  # "rnn" (tanh) | "relu-rnn" | "lstm" | "gru"
    seq_len: int = 100  # adding: T; copy: the delay T (the model reads T + 20 steps)
    hidden: int = 64  # hidden units H
    lr: float = 5e-3  # Adam learning rate
    batch: int = 64  # sequences per step
    clip: float | None = 1.0  # clip the global gradient norm at this value; None: off
    seed: int = 0  # initial weights, batches and the held-out set
    forget_bias: float | None = None  # LSTM only: set the forget-gate bias (Gers et al. 2000
    # use 1); None keeps torch's U(−1/√H, 1/√H), so the forget gate starts near σ(0) = 0.5

    BOUNDS = {"seq_len": (2, 1000), "hidden": (1, 512), "batch": (1, 1024), "seed": (0, MAX_SEED)}

    def validate(self) -> TrainConfig:
        if self.task not in TASKS:
            raise RnnvizError(f"Unknown task {self.task!r}; choose one of {sorted(TASKS)}.")
        if self.cell not in TORCH_CELLS:
            raise RnnvizError(f"Unknown cell {self.cell!r}; choose one of {sorted(TORCH_CELLS)}.")
        for name, (lo, hi) in self.BOUNDS.items():
            value = getattr(self, name)
            if not is_whole(value) or not lo <= value <= hi:
                raise RnnvizError(f"{name} must be an integer in [{lo}, {hi}], got {value!r}.")
        if not is_number(self.lr) or not 0 < self.lr <= 1:
            raise RnnvizError(f"lr must be a number in (0, 1], got {self.lr!r}.")
        if self.clip is not None and (not is_number(self.clip) or not 0 < self.clip < math.inf):
            raise RnnvizError(f"clip must be a positive number or None, got {self.clip!r}.")
        if self.forget_bias is not None:
            if self.cell != "lstm":
                raise RnnvizError("forget_bias applies to the lstm cell only.")
            if not is_number(self.forget_bias) or not -10 <= self.forget_bias <= 10:
                raise RnnvizError(f"forget_bias must be a number in [-10, 10], got {self.forget_bias!r}.")
        return self

    @classmethod
    def from_dict(cls, settings: dict) -> TrainConfig:
        """Build from a dict; unknown keys are refused."""
        names = {f.name for f in dataclasses.fields(cls)}
        unknown = set(settings) - names
        if unknown:
            raise RnnvizError(f"Unknown training settings {sorted(unknown)}; known: {sorted(names)}.")
        return cls(**settings).validate()


class SeqModel(nn.Module):
    """A one-layer recurrent module and a linear readout."""

    def __init__(self, cell: str, input_size: int, hidden: int, output_size: int, per_step: bool):
        super().__init__()
        module, kwargs, self._step = TORCH_CELLS[cell]
        self.kind = cell
        self.rnn = module(input_size, hidden, batch_first=True, **kwargs)
        self.readout = nn.Linear(hidden, output_size)
        self.per_step = per_step

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h, _ = self.rnn(x)  # (B, T, I) -> (B, T, H)
        return self.readout(h if self.per_step else h[:, -1])  # (B, T, O) or (B, O)

    def unrolled(self, x: torch.Tensor) -> tuple[torch.Tensor, list[torch.Tensor]]:
        """Same output as ``forward`` but one step at a time with the same weights, so
        every h_t is its own tensor in the graph. Returns (output, [h_1 … h_T])."""
        r = self.rnn
        w = (r.weight_ih_l0, r.weight_hh_l0, r.bias_ih_l0, r.bias_hh_l0)
        B, T, _ = x.shape
        h = x.new_zeros(B, r.hidden_size)  # h_0 = 0, (B, H)
        state = (h, x.new_zeros(B, r.hidden_size)) if self.kind == "lstm" else h
        hs = []
        for t in range(T):
            state = self._step(x[:, t], state, *w)
            h = state[0] if self.kind == "lstm" else state  # (B, H)
            hs.append(h)
        out = torch.stack(hs, dim=1)  # T × (B, H) -> (B, T, H)
        return self.readout(out if self.per_step else hs[-1]), hs


class Trainer:
    """Step-by-step training of one ``TrainConfig``; all state lives in the object."""

    def __init__(self, config: TrainConfig | None = None, **settings):
        if config is None:
            config = TrainConfig.from_dict(settings)
        elif settings:
            raise RnnvizError("Give either a TrainConfig or keyword settings, not both.")
        self.config = config.validate()
        c = self.config
        self.task = make_task(c.task, c.seq_len, seed=c.seed)
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(c.seed)
            self.model = SeqModel(
                c.cell, self.task.input_size, c.hidden, self.task.output_size,
                self.task.per_step_output,
            )
        if c.forget_bias is not None:  # gate order i, f, g, o: rows H … 2H are the forget gate
            H = c.hidden
            with torch.no_grad():
                self.model.rnn.bias_ih_l0[H : 2 * H] = c.forget_bias
                self.model.rnn.bias_hh_l0[H : 2 * H] = 0.0
        self.optimizer = torch.optim.Adam(self.model.parameters(), lr=c.lr)
        self._held_out_seed = c.seed + 1_000_003  # never the training stream's seed
        self._probe_batch = make_task(c.task, c.seq_len, seed=c.seed + 2_000_003).sample(PROBE_SIZE)
        self.losses: list[float] = []  # one per step
        self.grad_norm_history: list[float] = []  # global ||∇θ L|| before clipping, per step
        self.diverged = False  # a non-finite loss stops training
        self.seconds = 0.0  # time spent in run()

    @property
    def steps(self) -> int:
        return len(self.losses)

    @property
    def baseline(self) -> float:
        return self.task.baseline

    def step(self) -> float:
        """One Adam step on a fresh batch; returns the batch loss before the step."""
        x, y = self.task.sample(self.config.batch)
        loss = self.task.loss(self.model(x), y)
        self.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        value = float(loss.detach())
        if not math.isfinite(value):
            self.diverged = True
            return value
        if self.config.clip is not None:
            norm = nn.utils.clip_grad_norm_(self.model.parameters(), self.config.clip)
        else:
            norm = nn.utils.get_total_norm([p.grad for p in self.model.parameters()])
        self.optimizer.step()
        self.losses.append(value)
        self.grad_norm_history.append(float(norm))
        return value

    def run(self, n_steps: int) -> list[float]:
        """Train up to n_steps more steps (fewer if the loss turns non-finite)."""
        start = time.perf_counter()
        out = []
        self.model.train()
        for _ in range(int(n_steps)):
            if self.diverged:
                break
            value = self.step()
            if not self.diverged:
                out.append(value)
        self.seconds += time.perf_counter() - start
        return out

    def run_for(self, seconds: float, max_steps: int) -> list[float]:
        """Train until ``seconds`` of wall time have passed or ``max_steps`` steps are done."""
        start = time.perf_counter()
        out = []
        while len(out) < max_steps and not self.diverged:
            out += self.run(1)
            if time.perf_counter() - start >= seconds:
                break
        return out

    @torch.no_grad()
    def evaluate(self, size: int = EVAL_SIZE) -> float:
        """Loss (MSE or cross-entropy) on a fixed held-out set of ``size`` sequences.

        The set is drawn afresh (same seed, so the same sequences for the same size) in
        chunks of EVAL_CHUNK, so no large batch is kept in memory.
        """
        held_out = make_task(self.config.task, self.config.seq_len, seed=self._held_out_seed)
        total = 0.0
        for start in range(0, size, EVAL_CHUNK):
            x, y = held_out.sample(min(EVAL_CHUNK, size - start))
            total += float(self.task.loss(self.model(x), y, reduction="none").sum())
        return total / size

    def grad_norms(self) -> np.ndarray:
        """||∂L/∂h_t|| for t = 1 … T (the model's steps), shape (T,), float64.

        L is one sequence's loss; the total derivative ∂L/∂h_t (through every later step)
        is taken by autograd on the step-by-step unrolled model in float64, and its norm
        over the H units is averaged over PROBE_SIZE fixed held-out sequences.
        """
        model = copy.deepcopy(self.model).double()
        x, y = self._probe_batch
        out, hs = model.unrolled(x.double())
        # Σ_b L_b: the gradient w.r.t. sequence b's h_t is then ∂L_b/∂h_t
        total = self.task.loss(out, y.double() if y.is_floating_point() else y, reduction="none").sum()
        grads = torch.autograd.grad(total, hs)  # T × (B, H)
        norms = torch.stack([g.norm(dim=1) for g in grads], dim=1)  # (B, T)
        return norms.mean(dim=0).numpy()


def _parse(argv: list[str] | None) -> argparse.Namespace:
    d = TrainConfig()
    p = argparse.ArgumentParser(prog="python -m rnnviz.train", description=__doc__.split("\n")[0])
    p.add_argument("--task", default=d.task, choices=sorted(TASKS))
    p.add_argument("--cell", default=d.cell, choices=list(TORCH_CELLS))
    p.add_argument("--seq-len", type=int, default=d.seq_len)
    p.add_argument("--hidden", type=int, default=d.hidden)
    p.add_argument("--lr", type=float, default=d.lr)
    p.add_argument("--batch", type=int, default=d.batch)
    p.add_argument("--clip", type=float, default=d.clip, help="global norm; 0 turns clipping off")
    p.add_argument("--seed", type=int, default=d.seed)
    p.add_argument("--forget-bias", type=float, default=None, help="lstm: initial forget-gate bias")
    p.add_argument("--steps", type=int, default=STEPS)
    p.add_argument("--every", type=int, default=100, help="print progress every N steps")
    p.add_argument("--threads", type=int, default=1, help="torch CPU threads")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> float:
    a = _parse(argv)
    torch.set_num_threads(max(1, a.threads))
    try:
        trainer = Trainer(TrainConfig(
            task=a.task, cell=a.cell, seq_len=a.seq_len, hidden=a.hidden, lr=a.lr,
            batch=a.batch, clip=a.clip if a.clip and a.clip > 0 else None, seed=a.seed,
            forget_bias=a.forget_bias,
        ))
    except RnnvizError as e:
        sys.exit(f"error: {e}")
    print(f"{a.task} T={a.seq_len} cell={a.cell} hidden={a.hidden} lr={a.lr} batch={a.batch} "
          f"clip={trainer.config.clip} seed={a.seed}; baseline={trainer.baseline:.4f}", flush=True)
    done = 0
    while done < a.steps and not trainer.diverged:
        chunk = trainer.run(min(a.every, a.steps - done))
        done += len(chunk)
        if chunk:
            print(f"step {done:6d}  loss {np.mean(chunk):.5f}  "
                  f"held-out {trainer.evaluate(PROGRESS_EVAL_SIZE):.5f}  {trainer.seconds:6.1f} s",
                  flush=True)
        if not chunk:
            break
    if trainer.diverged:
        print(f"training diverged (non-finite loss) after {trainer.steps} steps", flush=True)
    final = trainer.evaluate()
    print(f"final_{trainer.task.metric}={final:.6g}", flush=True)
    return final


if __name__ == "__main__":
    main()
