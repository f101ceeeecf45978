"""Tasks (adding, copy-memory), their baselines, and the Trainer."""

import math

import numpy as np
import pytest
import torch

from rnnviz import train
from rnnviz.core.errors import RnnvizError
from rnnviz.train.tasks import BLANK, DELIMITER, AddingTask, CopyTask, make_task


# ---------------------------------------------------------------- adding problem
def test_adding_structure():
    task = AddingTask(seq_len=21, seed=3)
    x, y = task.sample(500)
    assert x.shape == (500, 21, 2) and y.shape == (500, 1) and x.dtype == torch.float32
    markers = x[..., 1]
    assert torch.all(markers.sum(dim=1) == 2)
    assert torch.all(markers[:, :10].sum(dim=1) == 1)  # one in [0, T/2)
    assert torch.all(markers[:, 10:].sum(dim=1) == 1)  # one in [T/2, T)
    torch.testing.assert_close(y[:, 0], (x[..., 0] * markers).sum(dim=1))
    assert 0 <= float(x[..., 0].min()) and float(x[..., 0].max()) < 1


def test_adding_baseline_is_one_sixth_empirically():
    task = make_task("adding", 50, seed=0)
    _, y = task.sample(200_000)
    mse_of_one = float(task.loss(torch.ones_like(y), y))
    assert task.baseline == pytest.approx(1 / 6)
    # standard error of the mean ≈ 0.197 / √200000 ≈ 4.4e-4
    assert mse_of_one == pytest.approx(1 / 6, abs=2e-3)
    assert float(y.mean()) == pytest.approx(1.0, abs=3e-3)  # 1 is the best constant


# ---------------------------------------------------------------- copy-memory task
@pytest.mark.parametrize("T", [1, 5, 30])
def test_copy_structure(T):
    task = CopyTask(seq_len=T, seed=1)
    tokens, y = task.sample_tokens(64)
    assert tokens.shape == y.shape == (64, T + 20)
    assert torch.all(tokens[:, :10] < 8)
    assert torch.all(tokens[:, 10 : 10 + T - 1] == BLANK)
    assert torch.all(tokens[:, 10 + T - 1] == DELIMITER)
    assert torch.all(tokens[:, T + 10 :] == BLANK)
    assert torch.all(y[:, : T + 10] == BLANK)
    assert torch.equal(y[:, T + 10 :], tokens[:, :10])
    x, _ = task.sample(4)
    assert x.shape == (4, T + 20, 10) and torch.all(x.sum(-1) == 1)


@pytest.mark.parametrize("T", [10, 100])
def test_copy_baseline_is_the_memoryless_optimum(T):
    """The best input-blind predictor (each step's target frequencies) scores 10 ln 8/(T+20)."""
    task = make_task("copy", T, seed=2)
    _, y = task.sample(20_000)
    freq = torch.stack([torch.bincount(y[:, t], minlength=9) for t in range(T + 20)]).double()
    p = freq / freq.sum(dim=1, keepdim=True)  # (T+20, 9)
    logits = torch.log(p + 1e-300).expand(len(y), -1, -1)  # the same guess for every sequence
    loss = float(task.loss(logits, y))
    assert task.baseline == pytest.approx(10 * math.log(8) / (T + 20))
    assert loss == pytest.approx(task.baseline, rel=2e-3)


def test_tasks_are_seeded():
    a1, a2, b = (make_task("copy", 7, seed=s).sample(8)[1] for s in (4, 4, 5))
    assert torch.equal(a1, a2) and not torch.equal(a1, b)
    with pytest.raises(RnnvizError):
        make_task("parity", 10)


# ---------------------------------------------------------------- trainer
@pytest.mark.parametrize("cell", list(train.TORCH_CELLS))
@pytest.mark.parametrize("task", ["adding", "copy"])
def test_unrolled_model_equals_torch_module(cell, task):
    tr = train.Trainer(task=task, cell=cell, seq_len=6, hidden=5, seed=1)
    model = tr.model.double()
    x, _ = tr.task.sample(3)
    out_module = model(x.double())
    out_steps, hs = model.unrolled(x.double())
    assert len(hs) == tr.task.model_steps
    torch.testing.assert_close(out_steps, out_module, rtol=1e-12, atol=1e-12)


def test_grad_norms_match_hand_written_bptt_for_tanh_rnn():
    """δ_T = 2(ŷ − y) w_out;  δ_{t−1} = (δ_t ⊙ (1 − h_t²)) W_hh;  norms averaged over sequences."""
    tr = train.Trainer(task="adding", cell="rnn", seq_len=12, hidden=6, seed=2)
    tr.run(3)
    norms = tr.grad_norms()
    m = tr.model.double()
    x, y = (t.double() for t in tr._probe_batch)
    with torch.no_grad():
        h, _ = m.rnn(x)  # (B, T, H)
        out = m.readout(h[:, -1])  # (B, 1)
        W_hh = m.rnn.weight_hh_l0.numpy()
        h = h.numpy()
        delta = 2 * (out - y).numpy() * m.readout.weight.numpy()  # (B, H) = ∂L_b/∂h_T
    expected = np.empty(h.shape[1])
    for t in range(h.shape[1] - 1, -1, -1):
        expected[t] = np.linalg.norm(delta, axis=1).mean()
        delta = (delta * (1 - h[:, t] ** 2)) @ W_hh  # ∂L/∂h_{t−1}
    np.testing.assert_allclose(norms, expected, rtol=1e-10)


def test_grad_norms_vanish_for_tanh_rnn_but_not_through_an_open_forget_gate():
    rnn = train.Trainer(task="adding", cell="rnn", seq_len=60, hidden=16, seed=0).grad_norms()
    closed = train.Trainer(task="adding", cell="lstm", seq_len=60, hidden=16, seed=0).grad_norms()
    # σ(5) ≈ 0.993: the forget gate passes the cell state (and its gradient) along
    lstm = train.Trainer(task="adding", cell="lstm", seq_len=60, hidden=16, seed=0,
                         forget_bias=5.0)
    b = lstm.model.rnn.bias_ih_l0 + lstm.model.rnn.bias_hh_l0  # gate order i, f, g, o
    assert torch.all(b[16:32] == 5.0) and not torch.all(b[:16] == 5.0)
    lstm = lstm.grad_norms()
    assert rnn.shape == lstm.shape == (60,)
    assert rnn[0] / rnn[-1] < 1e-6  # vanished over 60 steps
    assert closed[0] / closed[-1] < 1e-6  # torch's init: forget gate ≈ 0.5, vanishes too
    assert lstm[0] / lstm[-1] > 1e-3


def test_lstm_learns_adding_problem_t20():
    """The smaller seeded version of the classic result: T = 20, the LSTM beats 1/6 by 10×."""
    torch.set_num_threads(1)
    tr = train.Trainer(task="adding", cell="lstm", seq_len=20, hidden=32, lr=1e-2,
                       batch=64, clip=1.0, seed=0)
    before = tr.evaluate()
    losses = tr.run(TRAIN_STEPS_T20)
    assert len(losses) == TRAIN_STEPS_T20 == tr.steps
    assert before > 0.1
    assert tr.evaluate() < 1 / 60


TRAIN_STEPS_T20 = 400


def test_trainer_is_reproducible_and_stepwise():
    a = train.Trainer(task="copy", cell="gru", seq_len=5, hidden=8, seed=3)
    b = train.Trainer(task="copy", cell="gru", seq_len=5, hidden=8, seed=3)
    la = a.run(3) + a.run(2)
    lb = b.run(5)
    assert la == lb and a.steps == 5 and len(a.grad_norm_history) == 5
    assert a.run_for(10.0, max_steps=4) and a.steps == 9


def test_clipping_changes_the_update():
    kw = dict(task="adding", cell="rnn", seq_len=10, hidden=8, seed=0, lr=0.1)
    clipped = train.Trainer(clip=1e-4, **kw)
    free = train.Trainer(clip=None, **kw)
    clipped.run(5)
    free.run(5)
    assert clipped.grad_norm_history[0] == pytest.approx(free.grad_norm_history[0])
    assert clipped.losses[-1] != free.losses[-1]


def test_config_is_checked():
    with pytest.raises(RnnvizError):
        train.Trainer(task="adding", cell="transformer")
    with pytest.raises(RnnvizError):
        train.Trainer(task="adding", hiddn=5)
    with pytest.raises(RnnvizError):
        train.Trainer(clip=-1.0)
    with pytest.raises(RnnvizError):
        train.Trainer(seq_len=1.5)
    with pytest.raises(RnnvizError):
        train.Trainer(cell="gru", forget_bias=1.0)


def test_relu_rnn_divergence_stops_training():
    tr = train.Trainer(task="adding", cell="relu-rnn", seq_len=30, hidden=8, lr=1.0, clip=None, seed=0)
    with torch.no_grad():
        tr.model.rnn.weight_hh_l0.mul_(1e3)  # make the forward pass overflow
    assert tr.run(5) == [] and tr.diverged and tr.steps == 0


def test_cli_prints_final_metric_last(capsys):
    train.main(["--task", "adding", "--cell", "gru", "--seq-len", "8", "--steps", "20",
                "--hidden", "8", "--every", "10"])
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[-1].startswith("final_mse=") and float(lines[-1].split("=")[1]) > 0
    assert any(line.startswith("step     20") for line in lines)
    train.main(["--task", "copy", "--cell", "relu-rnn", "--seq-len", "3", "--steps", "2",
                "--hidden", "4", "--clip", "0"])
    assert capsys.readouterr().out.strip().splitlines()[-1].startswith("final_loss=")


def test_cli_defaults_are_the_training_pages():
    """`python -m rnnviz.train` with no options trains what the training page trains by
    default (the classic result: Adam 5e-3, 1,500 steps, …); with Adam 1e-2 the tanh RNN
    drifts to 0.25 instead of staying at 1/6."""
    from tests.page_tables import tables

    page = {c.key: c.default for c in tables("training").CONTROLS}
    a = train.trainer._parse([])
    assert (a.task, a.cell, a.seq_len, a.hidden, a.lr, a.clip, a.steps, a.seed) == (
        page["task"], page["cell"], page["T"], page["H"], page["lr"],
        page["clip"] if page["clip_on"] else 0, page["max_steps"], page["seed"])
    assert a.batch == tables("training").BATCH
    assert (a.lr, a.steps) == (5e-3, 1500)
