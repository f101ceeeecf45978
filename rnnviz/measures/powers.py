"""Powers of W_hh: the source article's experiment, computed in the log domain.

BPTT sends the error back one step with δ^{k-1} = (W_hhᵀ δ^k) ⊙ σ'(h_*^{k-1}), so n steps
back the error has been multiplied by n copies of W_hhᵀ. The article (i) takes W_hh
diagonal, where (Wⁿ)_ii = λᵢⁿ → 0 for |λᵢ| < 1 and → ∞ for |λᵢ| > 1, and (ii) draws a random
W_hh and watches the distribution of the entries of Wⁿ drift, as n grows, towards 0 or
towards huge values. (Wᵀ)ⁿ = (Wⁿ)ᵀ has the same entries and the same norms, so everything
here is computed for Wⁿ.

Entries of Wⁿ leave float64's range (1e±308) within a few hundred steps, so the powers
are carried with one exponent per row:

    Wⁿ = diag(2^{e_n}) · M_n,    the largest |entry| of each row of M_n in [½, 1),

updated by Wⁿ = Wⁿ⁻¹ · W = diag(2^{e_{n-1}}) · (M_{n-1} W): a row scale passes straight
through a right multiplication. The scales are powers of two, so rescaling is exact —
M_n is bit for bit the plain product W·W·…·W with its rows shifted by whole binary
exponents — and the exponents are integers, so no rounding error accumulates over n. Then
log₁₀|(Wⁿ)_ij| = e_n,i · log₁₀2 + log₁₀|(M_n)_ij|. One scale per row (rather than one for the
whole matrix) keeps a diagonal W exact however far apart its eigenvalues are.

Cost: one H×H product per power (~1.5 ms at H = 256). A page that shows N = 1000 powers
needs only ~120 of them for the histograms and a few hundred for the norm curve, so
``scaled_powers_at`` visits just the powers asked for, jumping d ≤ MAX_JUMP powers at a
time with a precomputed W^d = 2^g · D_d (one global binary exponent g, which commutes
with everything): Wⁿ⁺ᵈ = diag(2^{e_n + g}) · (M_n D_d). A step matrix is used only while
it is faithful (no entry underflowed or lost precision: its nonzero pattern equals the
pattern of W^d and every nonzero entry is a normal float with a full mantissa), else
shorter jumps are taken; d = 1 is the plain product, bit for bit.

Every result is a frozen dataclass of plain numpy arrays.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from ..core.errors import RnnvizError
from ..core.cell import MAX_HIDDEN
from ..core.checks import int_in

MAX_POWER = 5000  # the largest n the library promises to handle
MAX_JUMP = 16  # longest jump between visited powers (see scaled_powers_at)
MAX_BINS = 1000
LOG10_2 = np.log10(2.0)
_TINY = np.finfo(np.float64).tiny  # below this an entry is subnormal: too few bits to log
_DENSE_NORM_BELOW = 48  # hidden sizes below this get ‖·‖₂ from a full SVD (cheap there)


# ---------------------------------------------------------------------------------------
# Argument checks
# ---------------------------------------------------------------------------------------
def _check_W(W) -> np.ndarray:
    W = np.asarray(W, dtype=np.float64)
    if W.ndim != 2 or W.shape[0] != W.shape[1] or W.shape[0] == 0:
        raise RnnvizError(f"W_hh must be a non-empty square matrix, got shape {W.shape}.")
    if W.shape[0] > MAX_HIDDEN:
        raise RnnvizError(f"W_hh may be at most {MAX_HIDDEN}×{MAX_HIDDEN}, got {W.shape}.")
    if not np.all(np.isfinite(W)):
        raise RnnvizError("W_hh contains a non-finite entry (inf or nan).")
    return W


def _check_ns(ns, n_max: int) -> np.ndarray:
    if ns is None:
        return np.arange(1, n_max + 1)
    ns = np.unique(np.asarray(ns))
    if ns.size == 0 or ns.dtype.kind not in "iu" or ns[0] < 1 or ns[-1] > n_max:
        raise RnnvizError(f"ns must be integer powers between 1 and n_max = {n_max}.")
    return ns.astype(np.int64)


# ---------------------------------------------------------------------------------------
# The scaled product Wⁿ = diag(2^e) · M
# ---------------------------------------------------------------------------------------
def scaled_powers(W, n_max: int) -> Iterator[tuple[int, np.ndarray, np.ndarray]]:
    """Yield (n, e, M) for n = 1 … n_max with Wⁿ = diag(2^e) · M exactly.

    e (H,) int64 are binary exponents; each nonzero row of M has its largest |entry| in
    [½, 1); a zero row of M is a zero row of Wⁿ (and stays zero for every larger n).
    The arrays yielded are fresh each step (safe to keep).
    """
    W = _check_W(W)
    n_max = int_in("n_max", n_max, 1, MAX_POWER)
    H = W.shape[0]
    e = np.zeros(H, dtype=np.int64)
    M = np.eye(H)
    for n in range(1, n_max + 1):
        # Wⁿ = diag(2^e) · (M W): the row scale commutes with the right multiplication
        P = M @ W  # (H, H) @ (H, H) -> (H, H)
        # m_i = f_i · 2^{k_i} with f_i in [½, 1); k_i = 0 for a zero row
        _, k = np.frexp(np.max(np.abs(P), axis=1))  # (H,)
        M = np.ldexp(P, -k[:, None])  # exact: only the binary exponents change
        e = e + k
        yield n, e, M


def _step_matrices(W: np.ndarray, d_max: int) -> list[tuple[np.ndarray, int]]:
    """[(D_d, g_d)] for d = 1 … d' ≤ d_max with W^d = 2^{g_d} · D_d, max |D_d| in [½, 1)
    (D_1 = W itself, g_1 = 0). Stops before the first d whose D_d is not faithful: a
    nonzero pattern other than W^d's (underflow, or exact cancellation), or a nonzero
    entry below 2^-969 (fewer than 53 significant bits)."""
    steps = [(W, 0)]
    B = (W != 0).astype(np.float32)  # 0/1 path counts, exact in float32 for H ≤ 1024
    pattern, P, g = B > 0, W, 0
    for _ in range(2, d_max + 1):
        P = P @ W  # (H, H) @ (H, H) -> (H, H)
        _, k = np.frexp(np.max(np.abs(P)))
        P, g = np.ldexp(P, -k), g + int(k)  # exact: a power of two
        pattern = (pattern.astype(np.float32) @ B) > 0
        nonzero = P != 0
        if not np.array_equal(nonzero, pattern) or (nonzero.any() and
                                                    np.abs(P[nonzero]).min() < _TINY * 2.0**53):
            break
        steps.append((P, g))
    return steps


def scaled_powers_at(W, ns: Sequence[int], max_jump: int = MAX_JUMP
                     ) -> Iterator[tuple[int, np.ndarray, np.ndarray]]:
    """Yield (n, e, M) with Wⁿ = diag(2^e) · M, as ``scaled_powers``, for n in `ns` only.

    Gaps between consecutive powers are crossed in jumps of up to `max_jump` powers
    (see the module note), so the cost is about Σ ⌈gap / max_jump⌉ products instead of
    max(ns). Where every gap is 1 the arrays are bit for bit those of scaled_powers.
    """
    W = _check_W(W)
    ns = _check_ns(ns, MAX_POWER)
    max_jump = int_in("max_jump", max_jump, 1, MAX_POWER)
    gaps = np.diff(ns, prepend=0)
    steps = _step_matrices(W, min(max_jump, int(gaps.max())))
    H = W.shape[0]
    e = np.zeros(H, dtype=np.int64)
    M = np.eye(H)
    n = 0
    for target in ns:
        while n < target:
            d = min(int(target) - n, len(steps))
            D, g = steps[d - 1]
            P = M @ D  # (H, H) @ (H, H) -> (H, H)
            _, k = np.frexp(np.max(np.abs(P), axis=1))  # (H,)
            M = np.ldexp(P, -k[:, None])
            e = e + k + g
            n += d
        yield n, e, M


def _pattern_powers(W: np.ndarray, n_max: int) -> Iterator[np.ndarray]:
    """Yield the nonzero pattern of Wⁿ (bool (H, H)) for n = 1 … n_max.

    (Wⁿ)_ij can be nonzero only if a path of n nonzero weights leads from j to i; where
    there is none the entry is exactly zero for every value of the weights (the
    off-diagonal entries of a diagonal W, the upper corner of a triangular one …).
    Once the pattern repeats it is fixed for good, so the matrix products stop early.
    """
    B = (W != 0).astype(np.float32)  # 0/1; path counts ≤ H ≤ 1024 are exact in float32
    pattern = B > 0
    fixed = False
    for n in range(1, n_max + 1):
        if n > 1 and not fixed:
            new = (pattern.astype(np.float32) @ B) > 0  # (H, H) @ (H, H) -> (H, H)
            fixed = np.array_equal(new, pattern)
            pattern = new
        yield pattern


def log10_entries(e: np.ndarray, M: np.ndarray) -> np.ndarray:
    """log₁₀|(Wⁿ)_ij| (H, H) from the scaled form; −inf where M_ij is 0 or subnormal."""
    absM = np.abs(M)
    ok = absM >= _TINY
    out = np.full(M.shape, -np.inf)
    np.log10(absM, out=out, where=ok)
    out += (e * LOG10_2)[:, None]  # (H, H) + (H, 1); −inf stays −inf
    return out


# ---------------------------------------------------------------------------------------
# (1) The distribution of the entries of Wⁿ
# ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PowerHistograms:
    """Histograms of log₁₀|entries of Wⁿ| over shared bin edges, one row per power n.

    Each of the H² entries of Wⁿ is counted once: in a bin of `counts`, in `zeros`, or
    in `unresolved`, so counts.sum(1) + zeros + unresolved == H².
    """

    n: np.ndarray  # (K,) int64, the powers reported, increasing
    edges: np.ndarray  # (bins+1,) float64, shared bin edges of log₁₀|entry|
    counts: np.ndarray  # (K, bins) int64, entries of Wⁿ per bin
    zeros: np.ndarray  # (K,) int64, exact zeros: no path of n nonzero weights (structural)
    unresolved: np.ndarray  # (K,) int64, nonzero pattern but cancelled to 0, or more than
    #                         ~1e308 below the largest entry of its row (beyond float64)
    q05: np.ndarray  # (K,) float64, 5% quantile of log₁₀|entry| over the binned entries
    median: np.ndarray  # (K,) float64
    q95: np.ndarray  # (K,) float64
    log10_min: np.ndarray  # (K,) float64, smallest / largest binned log₁₀|entry|
    log10_max: np.ndarray  # (K,) float64
    size: int  # H², the number of entries of each Wⁿ


def entry_histograms(W, n_max: int, bins: int = 60, *, ns: Sequence[int] | None = None,
                     _on_power=None) -> PowerHistograms:
    """The histogram of log₁₀|(Wⁿ)_ij| for each n in `ns` (default: every n = 1 … n_max).

    All histograms share `bins` equal bins spanning the smallest to the largest
    log₁₀|entry| met at the reported powers. Exact zeros are counted apart (`zeros`), and so
    are entries float64 cannot resolve (`unresolved`); quantiles are over the rest
    (nan when there is none). Runs the products twice (first for the range, then to bin),
    so memory stays O(H²) for any n_max.
    """
    W = _check_W(W)
    n_max = int_in("n_max", n_max, 1, MAX_POWER)
    bins = int_in("bins", bins, 1, MAX_BINS)
    ns = _check_ns(ns, n_max)
    wanted = np.zeros(n_max + 1, dtype=bool)
    wanted[ns] = True
    K = ns.size
    zeros = np.zeros(K, dtype=np.int64)
    unresolved = np.zeros(K, dtype=np.int64)
    q = np.full((K, 3), np.nan)
    lo = np.full(K, np.nan)
    hi = np.full(K, np.nan)

    # Pass 1: counts of zeros, quantiles and the range of log₁₀|entry| at each wanted n.
    patterns = _pattern_powers(W, ns[-1])
    pattern_at = {}
    for n, pattern in enumerate(patterns, start=1):
        if wanted[n]:
            pattern_at[n] = pattern
    row = 0
    for n, e, M in scaled_powers_at(W, ns):
        if _on_power is not None:
            _on_power(row, e, M)
        pattern = pattern_at[n]
        L = log10_entries(e, M)  # (H, H)
        finite = np.isfinite(L)
        zeros[row] = np.count_nonzero(~pattern)
        unresolved[row] = np.count_nonzero(pattern & ~finite)
        x = L[finite]  # (entries,)
        if x.size:
            q[row] = np.quantile(x, [0.05, 0.5, 0.95])
            lo[row], hi[row] = x.min(), x.max()
        row += 1

    # Shared edges; a single value (e.g. the identity: every entry 1) gets a unit window.
    if np.all(np.isnan(lo)):
        a, b = -0.5, 0.5
    else:
        a, b = float(np.nanmin(lo)), float(np.nanmax(hi))
        if a == b:
            a, b = a - 0.5, b + 0.5
    edges = np.linspace(a, b, bins + 1)

    # Pass 2: the same products again (deterministic), binned.
    counts = np.zeros((K, bins), dtype=np.int64)
    row = 0
    for n, e, M in scaled_powers_at(W, ns):
        L = log10_entries(e, M)
        x = np.clip(L[np.isfinite(L)], a, b)  # clip guards the edges against a last-bit wobble
        # np.histogram's binning for equal widths (its edge corrections included; b is in
        # the last bin) without its overhead
        k = np.minimum(((x - a) * (bins / (b - a))).astype(np.int64), bins - 1)
        k -= x < edges[k]
        k += (x >= edges[k + 1]) & (k != bins - 1)
        counts[row] = np.bincount(k, minlength=bins)
        row += 1

    return PowerHistograms(
        n=ns, edges=edges, counts=counts, zeros=zeros, unresolved=unresolved,
        q05=q[:, 0], median=q[:, 1], q95=q[:, 2], log10_min=lo, log10_max=hi,
        size=W.shape[0] ** 2,
    )


# ---------------------------------------------------------------------------------------
# (2) The operator norm of Wⁿ
# ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PowerNorms:
    """log₁₀‖Wⁿ‖₂ at the powers n (every n = 1 … n_max unless `points` was given)."""

    n: np.ndarray  # (K,) int64, increasing, the last is n_max
    log10_norm: np.ndarray  # (K,) float64; −inf once Wⁿ = 0 (nilpotent W)


def _sigma_max(A: np.ndarray, v0: np.ndarray) -> tuple[float, np.ndarray]:
    """Largest singular value of A and its right singular vector (to machine precision).

    Lanczos (ARPACK) on AᵀA warm-started from the previous power's vector needs only a
    few matrix-vector products, since that vector changes little from n to n; small
    matrices, and any case ARPACK does not settle, go to a full SVD.
    """
    H = A.shape[0]
    if H >= _DENSE_NORM_BELOW:
        from scipy.sparse.linalg import ArpackError, LinearOperator, eigsh

        op = LinearOperator((H, H), matvec=lambda x: A.T @ (A @ x), dtype=np.float64)
        try:
            lam, vec = eigsh(op, k=1, which="LA", v0=v0, ncv=8, tol=0, maxiter=20 * H)
            if lam[0] > 0:
                return float(np.sqrt(lam[0])), vec[:, 0]
        except ArpackError:  # includes ArpackNoConvergence
            pass
    _, s, Vt = np.linalg.svd(A)
    return float(s[0]), Vt[0]


def power_norms(W, n_max: int, points: int | None = None) -> PowerNorms:
    """log₁₀‖Wⁿ‖₂ (largest singular value of Wⁿ), exact, for every n = 1 … n_max — or,
    with `points` < n_max, at `points` powers evenly spread over 1 … n_max (n_max
    included) plus every power between the neighbours of the largest of them, so the
    peak of the curve is found to the power.

    With Wⁿ = diag(2^e) M and e* the largest exponent of a nonzero row,
    ‖Wⁿ‖₂ = 2^{e*} ‖diag(2^{e-e*}) M‖₂; rows more than 2^1074 below the top cannot change
    the norm in float64, so they may underflow harmlessly. About 2.5 ms per power at
    H = 256 (one product, one warm-started Lanczos).
    """
    W = _check_W(W)
    n_max = int_in("n_max", n_max, 1, MAX_POWER)
    if points is None or points >= n_max:
        return _norms_at(W, np.arange(1, n_max + 1))
    points = int_in("points", points, 2, MAX_POWER)
    ns = np.unique(np.round(np.linspace(1, n_max, points)).astype(np.int64))
    return _refine_peak(W, _norms_at(W, ns))


def histograms_and_norms(W, n_max: int, bins: int, ns: Sequence[int]
                         ) -> tuple[PowerHistograms, PowerNorms]:
    """``entry_histograms(W, n_max, bins, ns=ns)`` and log₁₀‖Wⁿ‖₂ at the same powers, plus
    every power between the neighbours of the largest (as ``power_norms`` with points):
    the norms are taken on the histograms' first pass, so the products are not redone."""
    W = _check_W(W)
    ns = _check_ns(ns, int_in("n_max", n_max, 1, MAX_POWER))
    out = np.full(ns.size, -np.inf)
    v = [np.random.default_rng(0).standard_normal(W.shape[0])]

    def norm_at(i: int, e: np.ndarray, M: np.ndarray) -> None:
        out[i], v[0] = _log10_norm(e, M, v[0])

    hist = entry_histograms(W, n_max, bins, ns=ns, _on_power=norm_at)
    return hist, _refine_peak(W, PowerNorms(n=ns.astype(np.int64), log10_norm=out))


def _refine_peak(W: np.ndarray, coarse: PowerNorms) -> PowerNorms:
    """Add every power between the neighbours of the largest norm of `coarse`."""
    ns = coarse.n
    k = int(np.argmax(coarse.log10_norm))
    lo, hi = int(ns[max(k - 1, 0)]), int(ns[min(k + 1, ns.size - 1)])
    if hi - lo + 1 <= np.count_nonzero((ns >= lo) & (ns <= hi)):
        return coarse  # nothing in between
    fine = _norms_at(W, np.arange(lo, hi + 1))
    n = np.union1d(ns, fine.n)
    out = np.empty(n.size)
    out[np.searchsorted(n, ns)] = coarse.log10_norm
    out[np.searchsorted(n, fine.n)] = fine.log10_norm
    return PowerNorms(n=n, log10_norm=out)


def _log10_norm(e: np.ndarray, M: np.ndarray, v: np.ndarray) -> tuple[float, np.ndarray]:
    """log₁₀‖diag(2^e) M‖₂ and the right singular vector (−inf, v for the zero matrix)."""
    live = np.any(M != 0, axis=1)  # (H,)
    if not live.any():
        return -np.inf, v
    top = int(e[live].max())
    A = np.ldexp(M, (np.where(live, e, top) - top)[:, None])  # (H, H)
    sigma, v = _sigma_max(A, v)
    return top * LOG10_2 + np.log10(sigma), v


def _norms_at(W: np.ndarray, ns: np.ndarray) -> PowerNorms:
    out = np.full(ns.size, -np.inf)
    v = np.random.default_rng(0).standard_normal(W.shape[0])  # fixed start: reproducible
    for i, (n, e, M) in enumerate(scaled_powers_at(W, ns)):
        out[i], v = _log10_norm(e, M, v)
        if out[i] == -np.inf:
            break  # Wⁿ = 0, and so is every later power
    return PowerNorms(n=ns.astype(np.int64), log10_norm=out)


# ---------------------------------------------------------------------------------------
# (3) Eigenvalues and singular values
# ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Eigen:
    eigenvalues: np.ndarray  # (H,) complex128, sorted by |λ|, largest first
    radius: float  # spectral radius ρ = max |λ|
    singular_values: np.ndarray  # (H,) float64, descending
    sigma_max: float  # ‖W‖₂ = largest singular value


def eigen(W) -> Eigen:
    """Eigenvalues, spectral radius and singular values of W."""
    W = _check_W(W)
    lam = np.linalg.eigvals(W).astype(np.complex128)
    lam = lam[np.argsort(-np.abs(lam), kind="stable")]
    s = np.linalg.svd(W, compute_uv=False)
    return Eigen(eigenvalues=lam, radius=float(np.abs(lam[0])), singular_values=s,
                 sigma_max=float(s[0]))


# ---------------------------------------------------------------------------------------
# (4) The diagonal case: (Wⁿ)_ii = λᵢⁿ
# ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class DiagonalPowers:
    n: np.ndarray  # (n_max,) int64
    eigenvalues: np.ndarray  # (H,) float64
    log10_abs: np.ndarray  # (n_max, H) float64, n·log₁₀|λᵢ| (−inf for λᵢ = 0)
    sign: np.ndarray  # (n_max, H) int8, sign of λᵢⁿ: (−1)ⁿ for a negative λᵢ, 0 for λᵢ = 0


def diagonal_powers(eigenvalues, n_max: int) -> DiagonalPowers:
    """λᵢⁿ for a diagonal W_hh, as n·log₁₀|λᵢ| and a sign: never overflows."""
    try:
        lam = np.asarray(eigenvalues, dtype=np.float64).reshape(-1)
    except (TypeError, ValueError):
        raise RnnvizError("The eigenvalues must be a sequence of real numbers.") from None
    if lam.size == 0 or lam.size > MAX_HIDDEN or not np.all(np.isfinite(lam)):
        raise RnnvizError(f"Give 1 to {MAX_HIDDEN} finite real eigenvalues.")
    n_max = int_in("n_max", n_max, 1, MAX_POWER)
    n = np.arange(1, n_max + 1)
    with np.errstate(divide="ignore"):
        log10_abs = n[:, None] * np.log10(np.abs(lam))[None, :]  # (n_max, 1)·(1, H) -> (n_max, H)
    odd = (n % 2 == 1)[:, None]  # (n_max, 1)
    sign = np.where(lam > 0, 1, np.where(lam < 0, np.where(odd, -1, 1), 0)).astype(np.int8)
    return DiagonalPowers(n=n, eigenvalues=lam, log10_abs=log10_abs, sign=sign)
