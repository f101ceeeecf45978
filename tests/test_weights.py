"""W_hh initialisers, measures and rescaling (rnnviz/core/weights.py)."""

import numpy as np
import pytest

from rnnviz.core.weights import (
    INITS,
    init_W_hh,
    largest_singular_value,
    rescale,
    spectral_radius,
    uniform,
)

REQUIRED = ("gaussian", "orthogonal", "identity", "diagonal", "torch")


def rng(seed=0):
    return np.random.default_rng(seed)


# ----------------------------------------------------------------------------- registry
def test_registry_has_the_inits_the_pages_use():
    assert set(REQUIRED) <= set(INITS)


@pytest.mark.parametrize("init", list(INITS))
def test_shape_dtype_and_bit_identical_with_same_seed(init):
    a = init_W_hh(init, 17, rng(123))
    b = init_W_hh(init, 17, rng(123))
    assert a.shape == (17, 17) and a.dtype == np.float64
    assert a.tobytes() == b.tobytes()


@pytest.mark.parametrize("init", ["gaussian", "orthogonal", "torch", "triangular"])
def test_different_seeds_differ(init):
    assert not np.array_equal(init_W_hh(init, 8, rng(1)), init_W_hh(init, 8, rng(2)))


# ----------------------------------------------------------------------------- statistics
def test_gaussian_has_variance_one_over_H_and_circular_law_radius():
    H = 512
    W = init_W_hh("gaussian", H, rng(0))
    assert abs(W.mean()) < 3 / H  # sd of the mean is 1/H^1.5
    assert W.var() * H == pytest.approx(1.0, rel=0.02)  # sd of the estimate ≈ 0.3 %
    assert 0.9 < spectral_radius(W) < 1.1  # eigenvalues fill the unit disc
    assert largest_singular_value(W) == pytest.approx(2.0, rel=0.05)  # Marchenko–Pastur edge


def test_orthogonal_is_orthogonal():
    W = init_W_hh("orthogonal", 64, rng(3))
    np.testing.assert_allclose(W.T @ W, np.eye(64), atol=1e-12)
    np.testing.assert_allclose(np.linalg.svd(W, compute_uv=False), 1.0, atol=1e-12)
    assert spectral_radius(W) == pytest.approx(1.0, abs=1e-12)


def test_orthogonal_is_the_sign_fixed_Q_of_the_same_gaussian_draw():
    # W = Q·sign(diag R) means Wᵀ A is upper triangular with a positive diagonal.
    H = 12
    W = init_W_hh("orthogonal", H, rng(5))
    A = rng(5).standard_normal((H, H))
    R = W.T @ A
    np.testing.assert_allclose(np.tril(R, -1), 0.0, atol=1e-12)
    assert np.all(np.diag(R) > 0)


def test_orthogonal_is_haar_not_biased_by_householder_signs():
    # Haar: E[Q_00] = 0. Numpy's QR without the sign fix gives E[Q_00] ≈ −0.4 at H = 4.
    q00 = [init_W_hh("orthogonal", 4, rng(s))[0, 0] for s in range(2000)]
    assert abs(np.mean(q00)) < 0.05  # sd of the mean ≈ 0.011


def test_identity_and_diagonal():
    np.testing.assert_array_equal(init_W_hh("identity", 5, rng()), np.eye(5))
    np.testing.assert_array_equal(init_W_hh("diagonal", 3, rng()), np.diag([0.5, 1.0, 1.5]))
    np.testing.assert_array_equal(
        init_W_hh("diagonal", 3, rng(), eigenvalues=[0.2, -1.0, 3.0]), np.diag([0.2, -1.0, 3.0])
    )
    W = init_W_hh("diagonal", 1, rng())
    np.testing.assert_array_equal(W, [[0.5]])


def test_other_inits_ignore_eigenvalues():
    a = init_W_hh("gaussian", 4, rng(9), eigenvalues=[9.0, 9.0, 9.0, 9.0])
    np.testing.assert_array_equal(a, init_W_hh("gaussian", 4, rng(9)))


def test_torch_init_matches_pytorch_bounds_and_variance():
    H = 256
    W = init_W_hh("torch", H, rng(0))
    b = 1 / np.sqrt(H)
    assert W.min() >= -b and W.max() < b
    assert W.min() < -0.99 * b and W.max() > 0.99 * b  # fills the interval
    assert W.var() == pytest.approx(b * b / 3, rel=0.02)  # variance of U(−b, b)


def test_torch_init_has_the_same_distribution_as_torch():
    torch = pytest.importorskip("torch")
    H = 64
    torch.manual_seed(0)
    ref = torch.nn.RNN(1, H).weight_hh_l0.detach().double().numpy().ravel()
    ours = init_W_hh("torch", H, rng(0)).ravel()
    # two-sample Kolmogorov–Smirnov statistic; 4096 vs 4096 samples: 0.04 ≈ p = 0.003
    grid = np.sort(np.concatenate([ref, ours]))
    cdf = lambda x: np.searchsorted(np.sort(x), grid, side="right") / x.size  # noqa: E731
    assert np.max(np.abs(cdf(ref) - cdf(ours))) < 0.04
    assert ref.max() <= 1 / np.sqrt(H) and ref.min() >= -1 / np.sqrt(H)


def test_triangular_is_nonnormal_with_the_given_eigenvalues():
    lam = np.full(16, 0.9)
    W = init_W_hh("triangular", 16, rng(0), eigenvalues=lam)
    np.testing.assert_array_equal(np.diag(W), lam)
    np.testing.assert_array_equal(np.tril(W, -1), 0.0)
    assert spectral_radius(W) == pytest.approx(0.9, abs=1e-12)
    assert largest_singular_value(W) > 1.2  # non-normal: σ_max > ρ


def test_uniform_helper():
    u = uniform((3, 1000), 0.25, rng(1))
    assert u.shape == (3, 1000) and u.dtype == np.float64
    assert u.min() >= -0.25 and u.max() < 0.25
    np.testing.assert_array_equal(u, uniform((3, 1000), 0.25, rng(1)))
    with pytest.raises(ValueError):
        uniform((2,), -1.0, rng())
    with pytest.raises(ValueError):
        uniform((2,), 1.0, np.random.RandomState(0))


# ----------------------------------------------------------------------------- validation
def test_unknown_init_names_the_valid_ones():
    with pytest.raises(ValueError) as e:
        init_W_hh("xavier", 4, rng())
    for name in REQUIRED:
        assert name in str(e.value)


@pytest.mark.parametrize("H", [0, -3, 1025, 2.5, True, "8"])
def test_bad_hidden_size(H):
    with pytest.raises(ValueError):
        init_W_hh("gaussian", H, rng())


def test_hidden_size_limits_are_accepted():
    assert init_W_hh("gaussian", 1, rng()).shape == (1, 1)
    assert init_W_hh("identity", 1024, rng()).shape == (1024, 1024)


def test_rng_must_be_a_generator():
    with pytest.raises(ValueError):
        init_W_hh("gaussian", 4, 0)


@pytest.mark.parametrize("eig", [[1.0, 2.0], [1.0, np.nan, 2.0], [[1.0, 2.0, 3.0]], ["a", "b", "c"]])
def test_bad_eigenvalues(eig):
    with pytest.raises(ValueError):
        init_W_hh("diagonal", 3, rng(), eigenvalues=eig)


# ----------------------------------------------------------------------------- measures
def test_radius_and_sigma_on_known_matrices():
    J = np.array([[0.5, 10.0], [0.0, 0.5]])  # non-normal: ρ = 0.5, σ_max ≈ 10.02
    assert spectral_radius(J) == pytest.approx(0.5, abs=1e-14)
    s = np.sqrt((100.5 + np.sqrt(100.5**2 - 4 * 0.0625)) / 2)  # eigen of JᵀJ, by hand
    assert largest_singular_value(J) == pytest.approx(s, rel=1e-14)
    R = 2 * np.array([[0.0, -1.0], [1.0, 0.0]])  # rotation by 90° times 2: λ = ±2i
    assert spectral_radius(R) == pytest.approx(2.0, rel=1e-14)
    assert largest_singular_value(R) == pytest.approx(2.0, rel=1e-14)


@pytest.mark.parametrize("init", ["gaussian", "orthogonal", "identity", "diagonal", "torch", "triangular"])
@pytest.mark.parametrize("by", ["radius", "sigma"])
@pytest.mark.parametrize("value", [0.5, 0.9, 1.1, 3.0])
def test_rescale_hits_the_target(init, by, value):
    W = rescale(init_W_hh(init, 32, rng(4)), value, by)
    got = spectral_radius(W) if by == "radius" else largest_singular_value(W)
    assert abs(got - value) <= 1e-12 * value


def test_rescale_keeps_direction():
    W = init_W_hh("gaussian", 8, rng(1))
    V = rescale(W, 0.7, "sigma")
    c = V[0, 0] / W[0, 0]
    assert c > 0
    np.testing.assert_allclose(V, c * W, rtol=1e-15)


def test_rescale_refuses_zero_and_nilpotent():
    with pytest.raises(ValueError, match="zero"):
        rescale(np.zeros((4, 4)), 1.0, "radius")
    with pytest.raises(ValueError, match="zero"):
        rescale(np.zeros((4, 4)), 1.0, "sigma")
    N = np.triu(rng(0).standard_normal((6, 6)), 1)  # nilpotent: ρ = 0, σ_max > 0
    with pytest.raises(ValueError, match="radius"):
        rescale(N, 0.9, "radius")
    assert largest_singular_value(rescale(N, 0.9, "sigma")) == pytest.approx(0.9, rel=1e-12)


@pytest.mark.parametrize("value,by", [(0.0, "radius"), (-1.0, "sigma"), (np.inf, "radius"),
                                      (1.0, "norm"), ("x", "sigma")])
def test_rescale_validates(value, by):
    with pytest.raises(ValueError):
        rescale(np.eye(3), value, by)


def test_measures_refuse_bad_matrices():
    with pytest.raises(ValueError):
        spectral_radius(np.ones((2, 3)))
    with pytest.raises(ValueError):
        largest_singular_value(np.array([[np.inf]]))
