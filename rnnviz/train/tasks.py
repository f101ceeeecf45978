"""Long-memory benchmark tasks with their published memoryless baselines.

Adding problem (Hochreiter & Schmidhuber 1997; the form used by Le, Jaitly & Hinton 2015
and Arjovsky, Shah & Bengio 2016): a sequence of T steps, two input channels —
    channel 0: values u_t ~ U(0, 1)
    channel 1: markers, 1 at exactly two positions (one uniform in the first half
               [0, T/2), one uniform in the second half [T/2, T)), 0 elsewhere.
The target is the sum of the two marked values. Predicting 1 whatever the input has
MSE = Var(u_a + u_b) = 2 · 1/12 = 1/6 ≈ 0.167: the baseline a model must beat.

Copy-memory task (Arjovsky, Shah & Bengio 2016, Section 4.1): 10 categories a_0 … a_9;
a_0 … a_7 are data symbols, a_8 is "blank", a_9 is the delimiter. With delay T the
sequence has T + 20 steps:
    input : 10 symbols drawn uniformly from a_0 … a_7, then T − 1 blanks, the
            delimiter, then 10 blanks                       (10 + T − 1 + 1 + 10 = T + 20)
    target: T + 10 blanks, then the 10 symbols in the same order.
The loss is the cross-entropy averaged over all T + 20 steps. The memoryless strategy
predicts blank for the first T + 10 steps and a uniform guess over a_0 … a_7 for the last
10, so its loss is 10 · ln 8 / (T + 20). Convention: ``seq_len`` of the copy task is this
T, the delay; the model reads T + 20 steps.

Each task draws batches from its own seeded ``torch.Generator`` and returns float32
torch tensors (copy targets are int64 class indices).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import torch
import torch.nn.functional as F

from rnnviz.core.errors import RnnvizError

BLANK, DELIMITER = 8, 9  # copy task: a_8 and a_9
N_DATA_SYMBOLS = 8  # a_0 … a_7
N_COPY = 10  # how many symbols to remember


@dataclass
class AddingTask:
    """Adding problem of length T: x (B, T, 2), y (B, 1); loss = MSE."""

    seq_len: int
    seed: int = 0
    name: str = "adding"
    input_size: int = 2
    output_size: int = 1
    per_step_output: bool = False  # the readout looks at the last step only
    metric: str = "mse"
    generator: torch.Generator = field(init=False, repr=False)

    def __post_init__(self):
        if self.seq_len < 2:
            raise RnnvizError(f"The adding problem needs T ≥ 2, got {self.seq_len}.")
        self.generator = torch.Generator().manual_seed(self.seed)

    @property
    def baseline(self) -> float:
        """MSE of always predicting 1: Var(u_a + u_b) = 1/6."""
        return 1.0 / 6.0

    @property
    def model_steps(self) -> int:
        return self.seq_len

    def sample(self, batch: int) -> tuple[torch.Tensor, torch.Tensor]:
        T, g = self.seq_len, self.generator
        half = T // 2
        values = torch.rand(batch, T, generator=g)  # (B, T) ~ U(0, 1)
        first = torch.randint(0, half, (batch,), generator=g)  # in [0, T/2)
        second = torch.randint(half, T, (batch,), generator=g)  # in [T/2, T)
        markers = torch.zeros(batch, T)
        rows = torch.arange(batch)
        markers[rows, first] = 1.0
        markers[rows, second] = 1.0
        x = torch.stack([values, markers], dim=-1)  # (B, T, 2)
        y = (values[rows, first] + values[rows, second]).unsqueeze(-1)  # (B, 1)
        return x, y

    def loss(self, output: torch.Tensor, target: torch.Tensor, *, reduction: str = "mean"):
        """MSE; ``reduction="none"`` gives one value per sequence, shape (B,)."""
        per_seq = ((output - target) ** 2).mean(dim=-1)  # (B,)
        return per_seq if reduction == "none" else per_seq.mean()


@dataclass
class CopyTask:
    """Copy-memory with delay T: x (B, T+20, 10) one-hot, y (B, T+20) int64; loss = CE."""

    seq_len: int
    seed: int = 0
    name: str = "copy"
    input_size: int = 10
    output_size: int = 9  # a_0 … a_8; the delimiter is never a target
    per_step_output: bool = True
    metric: str = "loss"
    generator: torch.Generator = field(init=False, repr=False)

    def __post_init__(self):
        if self.seq_len < 1:
            raise RnnvizError(f"The copy task needs a delay T ≥ 1, got {self.seq_len}.")
        self.generator = torch.Generator().manual_seed(self.seed)

    @property
    def baseline(self) -> float:
        """Cross-entropy of the memoryless strategy: 10 ln 8 / (T + 20)."""
        return N_COPY * math.log(N_DATA_SYMBOLS) / (self.seq_len + 20)

    @property
    def model_steps(self) -> int:
        return self.seq_len + 2 * N_COPY

    def sample_tokens(self, batch: int) -> tuple[torch.Tensor, torch.Tensor]:
        """Input and target symbol indices, both (B, T+20) int64."""
        T = self.seq_len
        data = torch.randint(0, N_DATA_SYMBOLS, (batch, N_COPY), generator=self.generator)
        x = torch.full((batch, T + 2 * N_COPY), BLANK, dtype=torch.long)  # (B, T+20)
        x[:, :N_COPY] = data
        x[:, N_COPY + T - 1] = DELIMITER  # after 10 symbols and T − 1 blanks
        y = torch.full_like(x, BLANK)
        y[:, T + N_COPY :] = data  # the last 10 steps
        return x, y

    def sample(self, batch: int) -> tuple[torch.Tensor, torch.Tensor]:
        tokens, y = self.sample_tokens(batch)
        x = F.one_hot(tokens, num_classes=self.input_size).float()  # (B, T+20, 10)
        return x, y

    def loss(self, output: torch.Tensor, target: torch.Tensor, *, reduction: str = "mean"):
        """Cross-entropy averaged over the T + 20 steps; output (B, T+20, 9) logits."""
        ce = F.cross_entropy(output.transpose(1, 2), target, reduction="none")  # (B, T+20)
        per_seq = ce.mean(dim=1)  # (B,)
        return per_seq if reduction == "none" else per_seq.mean()


TASKS = {"adding": AddingTask, "copy": CopyTask}


def make_task(name: str, seq_len: int, *, seed: int = 0):
    """A task from the registry ``TASKS`` by its short name."""
    if name not in TASKS:
        raise RnnvizError(f"Unknown task {name!r}; choose one of {sorted(TASKS)}.")
    return TASKS[name](seq_len=int(seq_len), seed=int(seed))
