"""The output layer oᵗ = θ(W_oh hᵗ + b_o) and its loss, against PyTorch autograd (float64)."""

import numpy as np
import pytest
import torch

import rnnviz
from rnnviz.core.readout import make_readout, readout_loss

T, H, K = 12, 5, 4


def torch_loss(h, ro, where):
    ht = torch.tensor(h, requires_grad=True)
    W = torch.tensor(ro.W_oh, requires_grad=True)
    b = torch.tensor(ro.b_o, requires_grad=True)
    z = ht @ W.T + b
    if ro.loss == "mse":
        per = 0.5 * ((z - torch.tensor(ro.target[:len(h)])) ** 2).sum(1)
    else:
        per = torch.nn.functional.cross_entropy(z, torch.tensor(ro.target[:len(h)]), reduction="none")
    C = per[-1] if where == "last" else per.sum()
    C.backward()
    return float(C.detach()), ht.grad.numpy(), W.grad.numpy(), b.grad.numpy()


@pytest.mark.parametrize("loss", ["mse", "xent"])
@pytest.mark.parametrize("where", ["last", "all"])
def test_readout_gradients_match_autograd(loss, where):
    h = np.random.default_rng(0).standard_normal((T, H))
    ro = make_readout(T, H, K, loss=loss, seed=2)
    ro = type(ro)(W_oh=ro.W_oh, b_o=np.linspace(-1, 1, K), target=ro.target, loss=loss)  # b_o ≠ 0
    got = readout_loss(h, ro, where=where)
    C, gh, gW, gb = torch_loss(h, ro, where)
    assert got.C == pytest.approx(C, rel=1e-13)
    np.testing.assert_allclose(got.grad_h, gh, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(got.W_oh, gW, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(got.b_o, gb, rtol=1e-12, atol=1e-15)
    if where == "last":
        assert not got.grad_h[:-1].any() and got.grad_h[-1].any()
    if loss == "xent":
        np.testing.assert_allclose(got.o.sum(axis=1), 1.0, rtol=1e-14)


@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
def test_bptt_through_the_readout_matches_autograd(kind):
    """The whole chain: cell → output layer → cross-entropy at the last step; every cell
    parameter's gradient from rnnviz.bptt(grad_h of the read-out) equals autograd's."""
    cell = rnnviz.make_cell(kind, H, 2, seed=1)
    x = rnnviz.make_input(T, 2, seed=3)
    ro = make_readout(T, H, K, loss="xent", seed=4)
    trace = rnnviz.unroll(cell, x)
    got = rnnviz.bptt(trace, readout_loss(trace.h, ro, where="last").grad_h)
    m = rnnviz.to_torch(cell)
    out, _ = m(torch.tensor(x)[:, None])
    z = out[-1, 0] @ torch.tensor(ro.W_oh).T + torch.tensor(ro.b_o)
    torch.nn.functional.cross_entropy(z[None], torch.tensor(ro.target[-1:])).backward()
    for name, p in m.named_parameters():
        np.testing.assert_allclose(got.params[name], p.grad.numpy(), rtol=1e-10, atol=1e-15)


def test_readout_refuses_bad_shapes_and_choices():
    ro = make_readout(T, H, K)
    with pytest.raises(rnnviz.RnnvizError, match="shape"):
        readout_loss(np.zeros((T, H + 1)), ro)
    with pytest.raises(rnnviz.RnnvizError, match="read-out loss"):
        make_readout(T, H, K, loss="hinge")
    with pytest.raises(rnnviz.RnnvizError, match="whole number"):
        make_readout(T, H, 2.5)
    with pytest.raises(rnnviz.RnnvizError, match="between"):
        make_readout(T, H, 1, loss="xent")
