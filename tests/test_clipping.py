"""Clipping by value and by norm against torch.nn.utils.clip_grad_value_ / clip_grad_norm_."""

import numpy as np
import pytest
import torch

from rnnviz.measures.clipping import (
    clip, clip_by_norm, clip_by_value, direction_change, global_norm,
)
from rnnviz.core.errors import RnnvizError


def _grads(seed, scale=1.0):
    rng = np.random.default_rng(seed)
    return {
        "weight_ih_l0": scale * rng.normal(size=(8, 3)),
        "weight_hh_l0": scale * rng.normal(size=(8, 8)),
        "bias_ih_l0": scale * rng.normal(size=8),
    }


def _torch_params(grads):
    params = []
    for g in grads.values():
        p = torch.zeros(g.shape, dtype=torch.float64, requires_grad=True)
        p.grad = torch.tensor(g)
        params.append(p)
    return params


@pytest.mark.parametrize("scale, threshold", [(1.0, 1.0), (10.0, 1.0), (0.01, 5.0), (3.0, 0.3)])
def test_clip_by_norm_matches_torch_global_norm(scale, threshold):
    grads = _grads(1, scale)
    params = _torch_params(grads)
    total = torch.nn.utils.clip_grad_norm_(params, threshold)
    ours = clip_by_norm(grads, threshold)
    assert global_norm(grads) == pytest.approx(float(total), rel=1e-12)
    for p, (name, g) in zip(params, ours.items()):
        # torch divides by (||g|| + 1e-6); Algorithm 1 divides by ||g||
        np.testing.assert_allclose(g, p.grad.numpy(), rtol=1e-5, atol=0, err_msg=name)
    assert global_norm(ours) == pytest.approx(min(threshold, global_norm(grads)), rel=1e-12)


@pytest.mark.parametrize("threshold", [0.1, 0.5, 2.0])
def test_clip_by_value_matches_torch(threshold):
    grads = _grads(2, 1.5)
    params = _torch_params(grads)
    torch.nn.utils.clip_grad_value_(params, threshold)
    ours = clip_by_value(grads, threshold)
    for p, g in zip(params, ours.values()):
        np.testing.assert_array_equal(g, p.grad.numpy())


def test_single_array_and_direction():
    g = np.array([3.0, 0.4])
    by_norm = clip_by_norm(g, 1.0)
    by_value = clip_by_value(g, 1.0)
    np.testing.assert_allclose(by_norm, g / np.linalg.norm(g))
    np.testing.assert_array_equal(by_value, [1.0, 0.4])
    assert direction_change(g, by_norm) == pytest.approx(0.0, abs=1e-6)
    expected = np.degrees(np.arctan2(0.4, 1.0) - np.arctan2(0.4, 3.0))
    assert direction_change(g, by_value) == pytest.approx(expected, rel=1e-12)
    # below the threshold nothing changes
    np.testing.assert_array_equal(clip_by_norm(g, 10.0), g)
    np.testing.assert_array_equal(clip(g, 10.0, by="value"), g)


def test_input_not_modified_and_errors():
    grads = _grads(3, 10.0)
    before = {k: v.copy() for k, v in grads.items()}
    clip_by_norm(grads, 1.0)
    clip_by_value(grads, 1.0)
    for k in grads:
        np.testing.assert_array_equal(grads[k], before[k])
    with pytest.raises(RnnvizError):
        clip_by_norm(grads, 0.0)
    with pytest.raises(RnnvizError):
        clip(grads, 1.0, by="sign")
    with pytest.raises(RnnvizError):
        clip_by_norm(np.array([np.inf, 1.0]), 1.0)
