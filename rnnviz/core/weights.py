"""Initialisations of the recurrent matrix W_hh, and the two ways of scaling it.

The source article's second cause of vanishing/exploding gradients is W_hh itself: the
BPTT recursion

    δ^{k-1} = (W_hhᵀ δ^k) ⊙ σ'(h_*^{k-1})

multiplies the same matrix in at every step, so a gradient sent n steps back has passed
through n copies of W_hhᵀ. When W_hh is diagonal its powers are λᵢⁿ: → 0 when |λᵢ| < 1
(vanish), → ∞ when |λᵢ| > 1 (explode).

Two numbers summarise "how big" W_hh is, and a lesson needs both:

* the spectral radius ρ = max |λᵢ| sets the *long-run* rate: ‖Wⁿ‖^{1/n} → ρ (Gelfand), so
  for large n the powers shrink or grow like ρⁿ. Pascanu, Mikolov & Bengio (2013, "On the
  difficulty of training recurrent neural networks") show that for a linear RNN ρ < 1 is
  sufficient for the long-term components to vanish and ρ > 1 necessary for them to explode.
* the largest singular value σ_max = ‖W‖₂ bounds *every single step*: ‖Wⁿ‖₂ ≤ σ_maxⁿ.
  With a nonlinearity whose derivative is bounded by γ (γ = 1 for tanh, 1/4 for sigmoid),
  Pascanu et al. prove that σ_max < 1/γ is sufficient for the gradient to vanish, and
  σ_max > 1/γ necessary for it to explode.

For a normal matrix (symmetric, orthogonal, diagonal) the two coincide: ρ = σ_max. For a
non-normal matrix the spectral radius can mislead badly: a strictly triangular (nilpotent)
matrix has ρ = 0, so its powers are exactly zero from n = H on, yet σ_max can be large
and ‖Wⁿ‖ grows for the first steps before collapsing. A random Gaussian matrix is
mildly non-normal: σ_max ≈ 2ρ.

Every initialiser takes a `numpy.random.Generator`; the same seed gives bit-identical arrays.
"""

from __future__ import annotations

from collections.abc import Sequence
from types import MappingProxyType

import numpy as np

from .cell import MAX_HIDDEN
from .checks import int_in
from .errors import RnnvizError

SCALE_BY = ("radius", "sigma")  # rescale(..., by=): spectral radius or largest singular value


# ---------------------------------------------------------------------------------------
# Argument checks
# ---------------------------------------------------------------------------------------
def _check_H(H) -> int:
    return int_in("The hidden size H", H, 1, MAX_HIDDEN)


def _check_rng(rng) -> np.random.Generator:
    if not isinstance(rng, np.random.Generator):
        raise RnnvizError(
            f"rng must be a numpy.random.Generator (np.random.default_rng(seed)), "
            f"got {type(rng).__name__}."
        )
    return rng


def _check_square(W) -> np.ndarray:
    W = np.asarray(W, dtype=np.float64)
    if W.ndim != 2 or W.shape[0] != W.shape[1] or W.shape[0] == 0:
        raise RnnvizError(f"W_hh must be a non-empty square matrix, got shape {W.shape}.")
    if not np.all(np.isfinite(W)):
        raise RnnvizError("W_hh contains a non-finite entry (inf or nan).")
    return W


def default_eigenvalues(H: int) -> np.ndarray:
    """H eigenvalues evenly spaced in [0.5, 1.5]: half vanish, half explode."""
    return np.linspace(0.5, 1.5, _check_H(H))


def _check_eigenvalues(eigenvalues, H: int) -> np.ndarray:
    if eigenvalues is None:
        return default_eigenvalues(H)
    try:
        lam = np.asarray(eigenvalues, dtype=np.float64)
    except (TypeError, ValueError):
        raise RnnvizError("The eigenvalues must be a sequence of real numbers.") from None
    if lam.shape != (H,):
        raise RnnvizError(
            f"The diagonal init needs exactly H = {H} eigenvalues, got shape {lam.shape}."
        )
    if not np.all(np.isfinite(lam)):
        raise RnnvizError("The eigenvalues must be finite real numbers.")
    return lam


# ---------------------------------------------------------------------------------------
# Initialisers: (H, rng, eigenvalues) -> W_hh (H, H) float64
# ---------------------------------------------------------------------------------------
def uniform(shape, bound: float, rng: np.random.Generator) -> np.ndarray:
    """PyTorch-style U(−bound, bound) float64 array of `shape` (torch uses bound = 1/√H)."""
    _check_rng(rng)
    bound = float(bound)
    if not (np.isfinite(bound) and bound >= 0):
        raise RnnvizError(f"The uniform bound must be a finite number ≥ 0, got {bound}.")
    return rng.uniform(-bound, bound, size=shape)


def _gaussian(H, rng, eigenvalues):
    # W_ij ~ N(0, 1/H): by the circular law the eigenvalues fill the unit disc (ρ ≈ 1)
    # and σ_max ≈ 2.
    return rng.standard_normal((H, H)) / np.sqrt(H)


def _orthogonal(H, rng, eigenvalues):
    # Q from the QR of a Gaussian matrix, with column signs fixed so that diag(R) > 0:
    # without the fix Q is not Haar-distributed (Mezzadri 2007). All |λᵢ| = σᵢ = 1.
    A = rng.standard_normal((H, H))
    Q, R = np.linalg.qr(A)
    d = np.sign(np.diag(R))
    d[d == 0] = 1.0
    return Q * d  # (H, H) * (H,) scales column j by d_j


def _identity(H, rng, eigenvalues):
    return np.eye(H)


def _diagonal(H, rng, eigenvalues):
    # The article's diagonal case: (Wⁿ)_ii = λᵢⁿ.
    return np.diag(_check_eigenvalues(eigenvalues, H))


def _torch(H, rng, eigenvalues):
    # PyTorch's nn.RNN/LSTM/GRU default: every weight ~ U(−1/√H, 1/√H). Its entries have
    # variance 1/(3H), so ρ ≈ 1/√3 ≈ 0.58 and σ_max ≈ 2/√3.
    return uniform((H, H), 1.0 / np.sqrt(H), rng)


def _triangular(H, rng, eigenvalues):
    # A non-normal matrix in Schur form: the eigenvalues on the diagonal (so ρ is whatever
    # they say) plus a strictly upper triangular N(0, 1/H) part that makes σ_max larger and
    # lets ‖Wⁿ‖ grow for a while even when ρ < 1.
    lam = _check_eigenvalues(eigenvalues, H)
    return np.diag(lam) + np.triu(rng.standard_normal((H, H)), k=1) / np.sqrt(H)


# Registry keyed by the short names the pages and the URL use.
INITS = MappingProxyType({
    "gaussian": _gaussian,
    "orthogonal": _orthogonal,
    "identity": _identity,
    "diagonal": _diagonal,
    "torch": _torch,
    "triangular": _triangular,
})


def init_W_hh(
    init: str,
    H: int,
    rng: np.random.Generator,
    *,
    eigenvalues: Sequence[float] | None = None,
) -> np.ndarray:
    """A fresh recurrent matrix W_hh (H, H) float64 from the initialiser named `init`.

    init: one of `INITS` — "gaussian" N(0, 1/H); "orthogonal" (Haar, from a sign-fixed QR);
    "identity"; "diagonal" diag(eigenvalues); "torch" U(−1/√H, 1/√H), PyTorch's default;
    "triangular" eigenvalues on the diagonal plus a strictly upper N(0, 1/H) part
    (non-normal).
    eigenvalues: for "diagonal" and "triangular", H real numbers, or None for H values
    evenly spaced in [0.5, 1.5]; the other inits ignore it.
    The same generator state gives a bit-identical matrix.
    """
    if init not in INITS:
        raise RnnvizError(
            f"Unknown init {init!r}; choose one of: {', '.join(INITS)}."
        )
    H = _check_H(H)
    _check_rng(rng)
    return np.ascontiguousarray(INITS[init](H, rng, eigenvalues), dtype=np.float64)


# ---------------------------------------------------------------------------------------
# Measures and rescaling
# ---------------------------------------------------------------------------------------
def spectral_radius(W) -> float:
    """ρ(W) = max |λᵢ|: the asymptotic growth rate of ‖Wⁿ‖ per step."""
    W = _check_square(W)
    return float(np.max(np.abs(np.linalg.eigvals(W))))


def largest_singular_value(W) -> float:
    """σ_max(W) = ‖W‖₂: the most one multiplication by W can stretch a vector."""
    W = _check_square(W)
    return float(np.linalg.norm(W, 2))


def rescale(W, value: float, by: str) -> np.ndarray:
    """W scaled by a positive factor so that its spectral radius (by="radius") or its
    largest singular value (by="sigma") equals `value`.

    Scaling by σ_max controls every step (‖Wⁿ‖₂ ≤ σ_maxⁿ, Pascanu et al.'s bound);
    scaling by ρ controls only the long run, and a non-normal W with ρ < 1 can still
    amplify for many steps. A matrix whose radius (or norm) is zero — e.g. a nilpotent one
    for by="radius" — cannot be rescaled and raises RnnvizError (a ValueError).
    """
    if by not in SCALE_BY:
        raise RnnvizError(f"Unknown scaling {by!r}; choose one of: {', '.join(SCALE_BY)}.")
    try:
        value = float(value)
    except (TypeError, ValueError):
        raise RnnvizError(f"The target scale must be a number, got {value!r}.") from None
    if not (np.isfinite(value) and value > 0):
        raise RnnvizError(f"The target scale must be a finite number > 0, got {value}.")
    W = _check_square(W)
    sigma = largest_singular_value(W)
    if sigma == 0.0:
        raise RnnvizError("W_hh is the zero matrix; it cannot be rescaled to a nonzero size.")
    if by == "sigma":
        current = sigma
    else:
        current = spectral_radius(W)
        # A nilpotent matrix has ρ = 0 exactly, but rounding leaves ρ ≈ 1e-16·σ_max; a
        # "rescale" by 1e16 would be meaningless, so refuse it like the exact zero.
        if current <= 1e-12 * sigma:
            raise RnnvizError(
                f"W_hh has spectral radius {current:.1e} (numerically zero, while its "
                f"largest singular value is {sigma:.3g}); it cannot be rescaled to a radius. "
                f"Scale it by its largest singular value instead."
            )
    return W * (value / current)
