"""The argument checks every module of rnnviz shares: is it a whole number, a real number,
one of the choices. One definition each, so "a whole number" means the same everywhere
(a Python or numpy integer, never a bool, never 2.0)."""

from __future__ import annotations

import numpy as np

from .errors import RnnvizError


def is_whole(value) -> bool:
    """A Python or numpy integer (bool is not a number here)."""
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


def is_number(value) -> bool:
    """A real number: Python or numpy int or float (not bool, not complex)."""
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)


def int_in(name, value, lo, hi) -> int:
    """value as an int, or a RnnvizError naming `name` unless it is a whole number in lo … hi."""
    if not is_whole(value):
        raise RnnvizError(f"{name} must be a whole number, got {value!r}.")
    if not lo <= value <= hi:
        raise RnnvizError(f"{name} must be between {lo} and {hi}, got {value}.")
    return int(value)


def number_in(name, value, lo=None, hi=None) -> float:
    """value as a float, or a RnnvizError naming `name` unless it is a finite number in lo … hi."""
    if not is_number(value):
        raise RnnvizError(f"{name} must be a number, got {value!r}.")
    value = float(value)
    if not np.isfinite(value):
        raise RnnvizError(f"{name} must be finite, got {value}.")
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        raise RnnvizError(f"{name} must be between {lo} and {hi}, got {value}.")
    return value


def choice(name, value, choices):
    """value, or a RnnvizError listing the choices."""
    if value not in choices:
        raise RnnvizError(f"Unknown {name} {value!r}; choose one of {', '.join(map(str, choices))}.")
    return value
