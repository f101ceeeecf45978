"""Pascanu's cliff: hand-written BPTT of the one-unit RNN against torch autograd (float64)."""

import numpy as np
import pytest
import torch

from rnnviz.measures import cliff


def _torch_loss(w, b, T=50, x0=0.5, y=0.7):
    w = torch.tensor(w, dtype=torch.float64, requires_grad=True)
    b = torch.tensor(b, dtype=torch.float64, requires_grad=True)
    x = torch.tensor(x0, dtype=torch.float64)
    for _ in range(T):
        x = w * torch.sigmoid(x) + b
    E = (torch.sigmoid(x) - y) ** 2
    E.backward()
    return float(E.detach()), float(w.grad), float(b.grad)


def test_surface_and_gradient_match_autograd_at_sampled_points():
    s = cliff.surface((2.0, 8.0), (-4.0, -1.0), n=41)
    _, dw, db = cliff.loss_and_grad(*np.meshgrid(s.w_values, s.b_values))
    rng = np.random.default_rng(0)
    picks = [tuple(rng.integers(0, 41, size=2)) for _ in range(25)]
    picks.append(np.unravel_index(np.argmax(s.grad_norm), s.grad_norm.shape))  # the wall
    for i, j in picks:
        E, gw, gb = _torch_loss(s.w_values[j], s.b_values[i])
        assert s.E[i, j] == pytest.approx(E, rel=1e-10, abs=1e-15)
        assert dw[i, j] == pytest.approx(gw, rel=1e-8, abs=1e-14)
        assert db[i, j] == pytest.approx(gb, rel=1e-8, abs=1e-14)
        assert s.grad_norm[i, j] == pytest.approx(np.hypot(gw, gb), rel=1e-8, abs=1e-14)


@pytest.mark.parametrize("T", [1, 5, 50])
def test_other_lengths_and_targets(T):
    E, dw, db = cliff.loss_and_grad(np.array([3.7, -1.2]), np.array([-1.9, 0.4]), T=T, target=0.3)
    for k, (w, b) in enumerate([(3.7, -1.9), (-1.2, 0.4)]):
        tE, tw, tb = _torch_loss(w, b, T=T, y=0.3)
        assert (E[k], dw[k], db[k]) == pytest.approx((tE, tw, tb), rel=1e-9, abs=1e-15)


def test_cliff_is_a_cliff():
    """The default surface has a wall: gradients orders of magnitude above the plateaus."""
    s = cliff.surface()
    assert s.grad_norm.max() > 1e3 * np.median(s.grad_norm)
    assert s.E.max() > 0.4 and s.E.min() < 1e-3  # plateau at (0 − 0.7)² and a valley at 0


def test_clipping_keeps_descent_on_the_cliff_edge():
    """From the default start the unclipped step is thrown far; the clipped one is not."""
    plain = cliff.descend()
    clipped = cliff.descend(clip=cliff.DEFAULT_CLIP)
    plain_jump = np.linalg.norm(np.diff(plain.points, axis=0), axis=1).max()
    clipped_jump = np.linalg.norm(np.diff(clipped.points, axis=0), axis=1).max()
    assert plain_jump > 5.0
    assert clipped_jump <= cliff.DEFAULT_LR * cliff.DEFAULT_CLIP + 1e-12
    assert clipped.E[-1] < 0.01 < plain.E[-1]
    np.testing.assert_array_equal(plain.points[0], clipped.points[0])
    assert plain.points.shape == (cliff.DEFAULT_STEPS + 1, 2)
