"""Powers of W_hh in the log domain (rnnviz/measures/powers.py), against brute-force numpy powers."""

import base64
import json

import numpy as np
import pytest

from rnnviz.measures.powers import (
    diagonal_powers,
    eigen,
    entry_histograms,
    log10_entries,
    power_norms,
    scaled_powers,
    scaled_powers_at,
)
from rnnviz.core.weights import init_W_hh, largest_singular_value, rescale, spectral_radius

INITS = ["gaussian", "torch", "orthogonal", "triangular", "diagonal"]


def W_of(init, H, seed=0, **kw):
    return init_W_hh(init, H, np.random.default_rng(seed), **kw)


def brute_powers(W, n_max):
    """W¹ … W^n_max by plain repeated multiplication (overflows for large n)."""
    P, out = np.eye(W.shape[0]), []
    for _ in range(n_max):
        P = P @ W
        out.append(P)
    return out


def brute_log10(P):
    with np.errstate(divide="ignore"):
        return np.log10(np.abs(P))


# ----------------------------------------------------------------------------- the scaled product
@pytest.mark.parametrize("init", INITS)
def test_scaled_product_is_bit_for_bit_the_plain_product(init):
    W = W_of(init, 8, 1)
    for (n, e, M), P in zip(scaled_powers(W, 20), brute_powers(W, 20)):
        np.testing.assert_array_equal(np.ldexp(M, e[:, None]), P)  # powers-of-2 scaling is exact
        live = np.abs(M).max(axis=1) > 0
        assert np.all((np.abs(M).max(axis=1)[live] >= 0.5) & (np.abs(M).max(axis=1)[live] < 1))


@pytest.mark.parametrize("init", INITS)
def test_log10_entries_match_brute_force(init):
    W = W_of(init, 8, 2)
    for (n, e, M), P in zip(scaled_powers(W, 20), brute_powers(W, 20)):
        L, B = log10_entries(e, M), brute_log10(P)
        np.testing.assert_array_equal(np.isinf(L), np.isinf(B))
        np.testing.assert_allclose(L[np.isfinite(L)], B[np.isfinite(B)], rtol=0, atol=1e-13)


# ----------------------------------------------------------------------------- histograms
@pytest.mark.parametrize("init", INITS)
def test_histograms_match_brute_force(init):
    W = W_of(init, 8, 3)
    h = entry_histograms(W, 20, 25)
    Ls = [brute_log10(P) for P in brute_powers(W, 20)]
    fin = [L[np.isfinite(L)] for L in Ls]
    lo, hi = min(x.min() for x in fin), max(x.max() for x in fin)
    np.testing.assert_allclose(h.edges[[0, -1]], [lo, hi], atol=1e-12)
    assert h.edges.size == 26 and np.all(np.diff(h.edges) > 0)
    np.testing.assert_array_equal(h.n, np.arange(1, 21))
    for k, x in enumerate(fin):
        counts, _ = np.histogram(np.clip(x, h.edges[0], h.edges[-1]), bins=h.edges)
        np.testing.assert_array_equal(h.counts[k], counts)
        np.testing.assert_allclose([h.q05[k], h.median[k], h.q95[k]],
                                   np.quantile(x, [0.05, 0.5, 0.95]), atol=1e-12)
        assert h.log10_min[k] == pytest.approx(x.min(), abs=1e-12)
        assert h.log10_max[k] == pytest.approx(x.max(), abs=1e-12)
        assert h.zeros[k] == np.count_nonzero(np.isinf(Ls[k]))  # no cancellation here
    np.testing.assert_array_equal(h.counts.sum(1) + h.zeros + h.unresolved, 64)
    assert h.size == 64


def test_exact_zeros_of_a_diagonal_and_a_nilpotent_matrix():
    h = entry_histograms(np.diag([0.5, -2.0, 3.0]), 10, 10)
    np.testing.assert_array_equal(h.zeros, 6)
    np.testing.assert_array_equal(h.counts.sum(1), 3)
    H = 8
    N = np.triu(W_of("gaussian", H, 0), 1)  # strictly upper: entry (i, j) of Nⁿ needs j − i ≥ n
    h = entry_histograms(N, 12, 10)
    nonzero = [max(H - n, 0) * max(H - n + 1, 0) // 2 for n in range(1, 13)]
    np.testing.assert_array_equal(h.counts.sum(1), nonzero)
    np.testing.assert_array_equal(h.zeros, H * H - np.array(nonzero))
    np.testing.assert_array_equal(h.unresolved, 0)
    assert np.all(np.isnan(h.median[H - 1:]))  # Nⁿ = 0 for n ≥ H


def test_cancellation_zero_is_unresolved_not_structural():
    W = np.array([[1.0, 1.0], [-1.0, -1.0]])  # W² = 0 by cancellation, not by pattern
    h = entry_histograms(W, 3, 5)
    np.testing.assert_array_equal(h.zeros, 0)
    np.testing.assert_array_equal(h.unresolved, [0, 4, 4])


def test_identity_gives_a_unit_window():
    h = entry_histograms(np.eye(4), 5, 4)
    np.testing.assert_allclose(h.edges[[0, -1]], [-0.5, 0.5])
    np.testing.assert_array_equal(h.counts.sum(1), 4)
    np.testing.assert_array_equal(h.median, 0.0)


def test_subset_of_powers_agrees_with_the_full_run():
    W = W_of("gaussian", 16, 4)
    full = entry_histograms(W, 50, 20)
    sub = entry_histograms(W, 50, 20, ns=[50, 1, 10, 10])
    np.testing.assert_array_equal(sub.n, [1, 10, 50])
    np.testing.assert_array_equal(sub.zeros, full.zeros[[0, 9, 49]])
    # the subset jumps from power to power with W^9 and W^16 (scaled_powers_at): the same
    # numbers up to rounding
    for field in ("median", "q05", "q95", "log10_min", "log10_max"):
        np.testing.assert_allclose(getattr(sub, field), getattr(full, field)[[0, 9, 49]],
                                   rtol=1e-9, atol=1e-9)


@pytest.mark.parametrize("init", INITS)
def test_jumping_between_powers_matches_numpy(init):
    W = W_of(init, 12, 3)
    ns = [1, 2, 7, 30, 31, 60]
    jumped = list(scaled_powers_at(W, ns))
    assert [n for n, _, _ in jumped] == ns
    for n, e, M in jumped:
        P = np.linalg.matrix_power(W, n)
        np.testing.assert_allclose(np.ldexp(M, e[:, None]), P, rtol=1e-9,
                                   atol=1e-12 * np.abs(P).max())


def test_every_power_visited_is_bit_for_bit_the_plain_scaled_product():
    W = W_of("gaussian", 16, 2)
    for (n, e, M), (m, f, N) in zip(scaled_powers_at(W, range(1, 41)), scaled_powers(W, 40)):
        assert n == m
        np.testing.assert_array_equal(e, f)
        np.testing.assert_array_equal(M, N)


def test_jumps_shorten_where_a_step_matrix_would_underflow():
    # W^16 would hold 1e-480 next to 2^16: not a float64; the diagonal stays exact anyway
    lam = np.array([1e-30, 0.5, -0.9, 2.0])
    for n, e, M in scaled_powers_at(np.diag(lam), [1000]):
        pass
    L = log10_entries(e, M)
    np.testing.assert_allclose(np.diag(L), 1000 * np.log10(np.abs(lam)), rtol=1e-12)
    assert np.all(np.isneginf(L[~np.eye(4, dtype=bool)]))


def test_sampled_norms_find_the_peak_to_the_power():
    W = rescale(W_of("triangular", 64, 0), 0.9, "radius")
    every = power_norms(W, 400)
    sampled = power_norms(W, 400, points=50)
    assert sampled.n[0] == 1 and sampled.n[-1] == 400 and sampled.n.size < 80
    np.testing.assert_allclose(sampled.log10_norm, every.log10_norm[sampled.n - 1], rtol=1e-9,
                               atol=1e-9)
    k = int(np.argmax(every.log10_norm))
    assert k + 1 in sampled.n and sampled.log10_norm.max() == pytest.approx(every.log10_norm[k])


@pytest.mark.parametrize("radius", [2.0, 0.5])
def test_log_domain_stays_finite_for_n_1000(radius):
    W = rescale(W_of("gaussian", 32, 5), radius, "radius")
    with np.errstate(all="raise"):  # no overflow, no invalid, anywhere
        h = entry_histograms(W, 1000, 40, ns=[1, 10, 100, 500, 1000])
        norms = power_norms(W, 1000)
    assert np.all(np.isfinite(h.edges))
    assert np.all(np.isfinite(h.median)) and np.all(h.unresolved == 0)
    assert np.all(np.isfinite(norms.log10_norm))
    # Gelfand: ‖Wⁿ‖^{1/n} → ρ, so the slope of log10‖Wⁿ‖ tends to log10 ρ
    slope = (norms.log10_norm[999] - norms.log10_norm[499]) / 500
    assert slope == pytest.approx(np.log10(radius), abs=2e-3)
    # far past float64: 2^1000 ≈ 1e301, 0.5^1000 ≈ 1e−301; the median entry follows
    assert abs(h.median[-1] - 1000 * np.log10(radius)) < 5


def test_diagonal_matrix_matches_n_log10_lambda_at_n_1000():
    lam = np.array([0.5, -0.7, 0.999, 1.3, -1.9, 2.0])  # spans 1e−301 … 1e301 at n = 1000
    W = np.diag(lam)
    ref = diagonal_powers(lam, 1000)
    for n, e, M in scaled_powers(W, 1000):
        pass
    L = log10_entries(e, M)
    np.testing.assert_allclose(np.diag(L), ref.log10_abs[-1], rtol=0, atol=1e-9)
    np.testing.assert_array_equal(np.sign(np.diag(M)), ref.sign[-1])
    h = entry_histograms(W, 1000, 50)
    assert np.all(h.unresolved == 0) and np.all(h.zeros == 30)
    assert h.edges[0] == pytest.approx(1000 * np.log10(0.5), abs=1e-9)
    assert h.edges[-1] == pytest.approx(1000 * np.log10(2.0), abs=1e-9)
    norms = power_norms(W, 1000)
    np.testing.assert_allclose(norms.log10_norm, np.arange(1, 1001) * np.log10(2.0), atol=1e-9)


# ----------------------------------------------------------------------------- norms
@pytest.mark.parametrize("init", INITS)
@pytest.mark.parametrize("H", [8, 64])  # the full-SVD path and the Lanczos path
def test_power_norms_match_numpy(init, H):
    W = rescale(W_of(init, H, 6), 1.05, "radius")
    got = power_norms(W, 30)
    ref = [np.linalg.norm(np.linalg.matrix_power(W, n), 2) for n in range(1, 31)]
    np.testing.assert_array_equal(got.n, np.arange(1, 31))
    np.testing.assert_allclose(got.log10_norm, np.log10(ref), rtol=0, atol=1e-12)


def test_power_norms_of_a_non_normal_matrix_grow_before_they_decay():
    W = W_of("triangular", 64, 0, eigenvalues=np.full(64, 0.9))
    got = power_norms(W, 300).log10_norm
    assert spectral_radius(W) == pytest.approx(0.9)
    assert got.max() > 5  # ρ = 0.9 < 1, yet ‖Wⁿ‖ passes 1e5
    ref = [np.log10(np.linalg.norm(np.linalg.matrix_power(W, n), 2)) for n in (1, 50, 150, 300)]
    np.testing.assert_allclose(got[[0, 49, 149, 299]], ref, atol=1e-10)


def test_power_norms_of_a_nilpotent_matrix_reach_minus_infinity():
    N = np.triu(W_of("gaussian", 5, 0), 1)
    got = power_norms(N, 8).log10_norm
    assert np.all(np.isfinite(got[:4])) and np.all(got[4:] == -np.inf)


def test_power_norms_are_reproducible():
    W = W_of("gaussian", 64, 7)
    a, b = power_norms(W, 40), power_norms(W, 40)
    assert a.log10_norm.tobytes() == b.log10_norm.tobytes()


# ----------------------------------------------------------------------------- eigen, diagonal
def test_eigen_agrees_with_weights_measures():
    W = W_of("gaussian", 20, 8)
    r = eigen(W)
    assert r.radius == pytest.approx(spectral_radius(W), rel=1e-14)
    assert r.sigma_max == pytest.approx(largest_singular_value(W), rel=1e-14)
    assert r.eigenvalues.dtype == np.complex128 and r.eigenvalues.shape == (20,)
    assert np.all(np.diff(np.abs(r.eigenvalues)) <= 0)
    np.testing.assert_allclose(np.sort_complex(r.eigenvalues),
                               np.sort_complex(np.linalg.eigvals(W)), atol=1e-12)
    assert np.all(np.diff(r.singular_values) <= 0)


def test_diagonal_powers_against_direct_powers():
    lam = np.array([0.5, -0.8, 1.0, -1.0, 1.1, 0.0])
    d = diagonal_powers(lam, 40)
    direct = lam[None, :] ** np.arange(1, 41)[:, None]  # (40, 6), no overflow here
    with np.errstate(divide="ignore"):
        np.testing.assert_allclose(d.log10_abs, np.log10(np.abs(direct)), atol=1e-12)
    np.testing.assert_array_equal(d.sign, np.sign(direct))
    assert d.sign.dtype == np.int8 and d.log10_abs.shape == (40, 6)
    assert np.all(d.log10_abs[:, 5] == -np.inf)


# ----------------------------------------------------------------------------- validation
@pytest.mark.parametrize("call", [
    lambda: entry_histograms(np.ones((2, 3)), 5, 5),
    lambda: entry_histograms(np.array([[np.nan]]), 5, 5),
    lambda: entry_histograms(np.eye(2), 0, 5),
    lambda: entry_histograms(np.eye(2), 5, 0),
    lambda: entry_histograms(np.eye(2), 5, 5, ns=[6]),
    lambda: entry_histograms(np.eye(2), 5, 5, ns=[0.5]),
    lambda: power_norms(np.eye(2), 5001),
    lambda: power_norms(np.eye(2), 2.0),
    lambda: diagonal_powers([], 5),
    lambda: diagonal_powers([1.0, np.inf], 5),
    lambda: eigen(np.zeros((0, 0))),
])
def test_bad_arguments_raise_value_error(call):
    with pytest.raises(ValueError):
        call()


# ----------------------------------------------------------------------------- figures
def test_figures_draw_the_results_light_and_in_float32():
    import json

    from rnnviz.figures.powers import (
        diagonal_figure,
        eigenvalues_figure,
        entries_histogram_figure,
        norms_figure,
    )

    W = rescale(W_of("gaussian", 16, 0), 1.1, "radius")
    h = entry_histograms(W, 500, 60)  # 500 powers → at most 60 frames
    e, nr = eigen(W), power_norms(W, 500)
    fig = entries_histogram_figure(h, radius=e.radius)
    assert 2 <= len(fig.frames) <= 60
    assert fig.frames[0].name == "1" and fig.frames[-1].name == "500"
    k = int(fig.frames[-1].name) - 1
    last = json.loads(fig.to_json())["frames"][-1]["data"]  # as the browser gets it

    def values(a):  # plotly.py sends arrays as {dtype, bdata}
        return np.frombuffer(base64.b64decode(a["bdata"]), dtype=a["dtype"]) if isinstance(a, dict) else a

    np.testing.assert_allclose(values(last[0]["y"]), 100 * h.counts[k] / 256, rtol=1e-6)
    assert values(last[1]["x"])[0] == pytest.approx(h.median[k], rel=1e-6)
    assert len(fig.layout.sliders[0].steps) == len(fig.frames)
    spec = fig.to_json()
    assert len(spec) < 120_000 and '"dtype":"f8"' not in spec
    assert "log₁₀" in fig.layout.xaxis.title.text

    eig_fig = eigenvalues_figure(e)
    assert eig_fig.layout.yaxis.scaleanchor == "x"
    np.testing.assert_allclose(eig_fig.data[-1].x, e.eigenvalues.real, rtol=1e-6, atol=1e-7)

    nf = norms_figure(nr, e.radius, e.sigma_max, hist=h)
    line = [t for t in nf.data if t.name == "log₁₀ ‖Wⁿ‖₂"][0]
    np.testing.assert_allclose(line.y, nr.log10_norm, rtol=1e-6)
    assert nf.layout.xaxis.title.text == "power n"

    d = diagonal_powers(np.linspace(-1.5, 1.5, 40), 100)
    df = diagonal_figure(d)
    assert 2 <= len(df.data) <= 12
    assert any(t.line.dash == "dash" for t in df.data)  # negative λ drawn dashed

    with pytest.raises(ValueError):
        eigenvalues_figure(e, labels={"nonsense": "x"})
    json.loads(nf.to_json())  # serialisable


def test_norms_figure_leaves_a_gap_where_the_power_is_zero():
    from rnnviz.figures.powers import norms_figure

    N = np.triu(W_of("gaussian", 4, 0), 1)
    nr = power_norms(N, 8)
    fig = norms_figure(nr, 0.0, largest_singular_value(N))
    y = [t for t in fig.data if t.name == "log₁₀ ‖Wⁿ‖₂"][0].y
    assert np.all(np.isnan(y[4:])) and np.all(np.isfinite(y[:3]))


def test_the_lessons_claim_median_entry_drifts_log10_rho_per_power():
    # pages/powers.py: "log₁₀ρ decades per power … over 200 powers the median entry falls
    # about nine decades (ρ = 0.9) or rises about eight (ρ = 1.1)" — H = 64, seeds 0–2
    for radius, decades in ((0.9, -9), (1.1, 8)):
        for seed in range(3):
            W = rescale(W_of("gaussian", 64, seed), radius, "radius")
            h = entry_histograms(W, 200, 20, ns=[1, 20, 200])
            rate = (h.median[2] - h.median[1]) / 180
            assert rate == pytest.approx(np.log10(radius), abs=0.002)
            assert h.median[2] - h.median[0] == pytest.approx(decades, abs=1)
