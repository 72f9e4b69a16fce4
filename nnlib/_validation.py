"""Input checks shared by the library, so that a mistake is reported where it is made.

NumPy broadcasts silently: ``(N,) - (N, 1)`` is an ``(N, N)`` array, and a network trained on it
still "learns". These helpers turn such mistakes into a ``ValueError`` that says what was given
and what was expected, before any arithmetic happens.
"""

from __future__ import annotations

import numpy as np


def as_array(x: object, who: str, what: str = "input") -> np.ndarray:
    """Return ``x`` as a NumPy array of numbers, or raise a TypeError naming ``who``."""
    if isinstance(x, np.ndarray):
        arr = x
    else:
        try:
            arr = np.asarray(x)
        except (TypeError, ValueError) as err:
            raise TypeError(f"{who}: {what} must be array-like, got {type(x).__name__}") from err
    if arr.dtype == object or not (np.issubdtype(arr.dtype, np.number) or arr.dtype == bool):
        raise TypeError(f"{who}: {what} must hold numbers, got dtype {arr.dtype}")
    return arr


def as_batch(x: object, who: str, what: str = "input") -> np.ndarray:
    """Return ``x`` as an array of shape (N, D) with N >= 1, or raise a ValueError."""
    arr = as_array(x, who, what)
    if arr.ndim != 2 or arr.shape[0] == 0:
        raise ValueError(
            f"{who}: {what} must be a batch of shape (N, D) with N >= 1 (batch first), "
            f"got shape {arr.shape}"
        )
    return arr


def check_finite(arr: np.ndarray, who: str, what: str = "input") -> None:
    """Raise a ValueError if ``arr`` holds NaN or infinity, saying how many and where."""
    finite = np.isfinite(arr)
    if not finite.all():
        bad = np.argwhere(~finite)
        raise ValueError(
            f"{who}: {what} holds {len(bad)} NaN or infinite value(s), first at index "
            f"{tuple(int(i) for i in bad[0])}; expected finite numbers "
            "(a diverging learning rate, or missing values in the data?)"
        )


def check_same_shape(got: np.ndarray, expected: np.ndarray, who: str, got_what: str,
                     expected_what: str) -> None:
    """Raise a ValueError unless ``got`` and ``expected`` have exactly the same shape."""
    if got.shape != expected.shape:
        raise ValueError(
            f"{who}: {got_what} has shape {got.shape} but {expected_what} has shape "
            f"{expected.shape}; they must match exactly (no broadcasting)"
        )
