"""Numbers as the pages write them for students: powers of ten far beyond float64, the
verdict's ratio, a parameter count's formula. The library computes the numbers (in log10
where they pass 1e±300); how they read on a page is the pages' business, kept here once."""

from __future__ import annotations

import math

from rnnviz.core.cell import N_BLOCKS

_SUP = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def pow10_text(log10_value: float) -> str:
    """10^x as a student reads it, exact far beyond float64: "0.25", "4", "2.0 × 10⁻¹⁹",
    "3.2 × 10⁻⁶⁰¹"; "0" for −inf, "∞" for +inf, "—" for NaN."""
    x = float(log10_value)
    if math.isnan(x):
        return "—"
    if math.isinf(x):
        return "0" if x < 0 else "∞"
    e = math.floor(x)
    m = round(10.0 ** (x - e), 1)  # mantissa in [1, 10), one decimal
    if m >= 10.0:
        m, e = 1.0, e + 1
    if -2 <= e <= 2:
        return f"{10.0 ** x:.2g}"
    return f"{m:.1f} × 10{str(e).translate(_SUP)}"


def small_text(value: float) -> str:
    """A non-negative difference as text: "0" when exactly zero, else pow10_text."""
    value = float(value)
    if math.isnan(value):
        return "—"
    return "0" if value == 0.0 else pow10_text(math.log10(value))


def ratio_text(exponent: float, within: float = 1.0) -> str:
    """10^e as the BPTT verdict writes it: "10⁻⁴³" (the rounded decade) or, within `within`
    decades of 1, the plain number ("0.52"); "0" for −inf."""
    if exponent == -math.inf:
        return "0"
    if abs(exponent) < within:
        return f"{10.0 ** exponent:.2g}"
    return "10" + str(round(exponent)).translate(_SUP)


def param_formula(kind: str, *, bias: bool = True) -> str:
    """A cell's parameter count as a formula in LaTeX, e.g. "4H(I+H+2)" for an LSTM
    (rnnviz.lessons.compare.param_count gives its value)."""
    G = N_BLOCKS[kind]
    return ("" if G == 1 else str(G)) + ("H(I+H+2)" if bias else "H(I+H)")
