"""Input checks shared by the library, so that a mistake is reported where it is made.

NumPy broadcasts silently (``(N,) - (N, 1)`` is an ``(N, N)`` array, and a network trained on it
still "learns") and its small integers wrap around (``uint8(0) - 1 == 255``). These helpers turn
such mistakes into an error that names the function and the argument, and says what was given
and what was expected, before any arithmetic happens.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np


def describe(value: object) -> str:
    """A short account of ``value`` for an error message: arrays by dtype and shape."""
    if isinstance(value, np.ndarray):
        return f"an array of dtype {value.dtype} and shape {value.shape}"
    return repr(value) if len(repr(value)) <= 80 else f"a {type(value).__name__}"


def as_array(x: object, who: str, what: str = "input") -> np.ndarray:
    """``x`` as an array of real numbers (bool, integer or float), or a TypeError naming ``who``."""
    try:
        arr = np.asarray(x)
    except (TypeError, ValueError) as err:  # ragged nested lists, for instance
        raise TypeError(f"{who}: {what} must be array-like, got {describe(x)}") from err
    if arr.dtype.kind not in "biuf":
        got = "complex numbers" if arr.dtype.kind == "c" else describe(x)
        raise TypeError(f"{who}: {what} must hold real numbers, got {got}")
    return arr


def as_float(x: object, who: str, what: str = "input") -> np.ndarray:
    """``as_array``, with booleans and integers converted to float64 (uint8 arithmetic wraps)."""
    arr = as_array(x, who, what)
    return arr if arr.dtype.kind == "f" else arr.astype(np.float64)


def as_batch(x: object, who: str, what: str = "input") -> np.ndarray:
    """``as_float``, of shape (N, D) with N, D >= 1, or a ValueError."""
    arr = as_float(x, who, what)
    if arr.ndim != 2 or arr.size == 0:
        raise ValueError(f"{who}: {what} must be a batch of shape (N, D) with N, D >= 1 (batch "
                         f"first), got shape {arr.shape}")
    return arr


def as_pair(X: object, y: object, who: str) -> tuple[np.ndarray, np.ndarray]:
    """X and y as arrays holding the same number N >= 1 of samples (rows), or a ValueError."""
    X, y = as_array(X, who, "X"), as_array(y, who, "y")
    if X.ndim == 0 or y.ndim == 0 or len(X) != len(y) or len(X) == 0:
        raise ValueError(f"{who}: X and y must hold the same number N >= 1 of samples (rows), "
                         f"got X of shape {X.shape} and y of shape {y.shape}")
    return X, y


def as_labels(y: object, who: str, what: str = "labels", num_classes: int | None = None) -> np.ndarray:
    """Class labels (N,) as int64: whole numbers in 0..num_classes-1 (>= 0 if it is None)."""
    y = as_array(y, who, what)
    if y.ndim != 1:
        raise ValueError(f"{who}: {what} must be integer class labels of shape (N,), got shape {y.shape}")
    if y.dtype.kind == "f" and not (np.isfinite(y).all() and np.all(y == np.round(y))):
        raise ValueError(f"{who}: {what} must be integer class labels (whole numbers), got "
                         f"{y[y != np.round(y)][:3].tolist()}")
    top = np.inf if num_classes is None else num_classes
    if len(bad := y[(y < 0) | (y >= top)]):
        span = "0 or more" if num_classes is None else f"0..{top - 1} for {top} classes"
        raise ValueError(f"{who}: {what} must lie in {span}, got {bad[:5].tolist()}")
    return y.astype(np.int64, copy=False)


def as_loss_inputs(y_hat: object, y: object, who: str) -> tuple[np.ndarray, np.ndarray]:
    """y_hat as a finite (N, M) batch and y as finite numbers of exactly the same shape."""
    y_hat, y = as_batch(y_hat, who, "y_hat (the predictions)"), as_float(y, who, "y (the targets)")
    check_same_shape(y, y_hat, who, "y (the targets)", "y_hat (the predictions)")
    check_finite(y_hat, who, "y_hat (the predictions)")
    check_finite(y, who, "y (the targets)")
    return y_hat, y


def check_finite(arr: np.ndarray, who: str, what: str = "input") -> None:
    """Raise a ValueError if ``arr`` holds NaN or infinity, saying how many and where."""
    finite = np.isfinite(arr)
    if not finite.all():
        bad = np.argwhere(~finite)
        raise ValueError(f"{who}: {what} holds {len(bad)} NaN or infinite value(s), first at index "
                         f"{tuple(int(i) for i in bad[0])}; expected finite numbers "
                         "(a diverging learning rate, or missing values in the data?)")


def check_range(arr: np.ndarray, low: float, high: float, who: str, what: str, hint: str = "") -> None:
    """Raise a ValueError unless every value of ``arr`` lies in [low, high]."""
    if arr.min() < low or arr.max() > high:
        raise ValueError(f"{who}: {what} must lie in [{low}, {high}], got values in "
                         f"[{arr.min():.3g}, {arr.max():.3g}]{hint}")


def check_same_shape(got: np.ndarray, expected: np.ndarray, who: str, got_what: str,
                     expected_what: str) -> None:
    """Raise a ValueError unless ``got`` and ``expected`` have exactly the same shape."""
    if got.shape != expected.shape:
        raise ValueError(f"{who}: {got_what} has shape {got.shape} but {expected_what} has shape "
                         f"{expected.shape}; they must match exactly (no broadcasting)")


def check_number(value: Any, who: str, what: str, expected: str,
                 ok: Callable[[Any], bool] = lambda v: True, *, integer: bool = False) -> Any:
    """``value`` if it is a finite number (an integer if ``integer``) for which ``ok`` holds; else a
    TypeError (not a number) or a ValueError, saying what was ``expected``."""
    kinds = (int, np.integer) if integer else (int, float, np.integer, np.floating)
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, kinds):
        raise TypeError(f"{who}: {what} must be {expected}, got {describe(value)}")
    if not (np.isfinite(value) and ok(value)):
        raise ValueError(f"{who}: {what} must be {expected}, got {value!r}")
    return value


def positive_int(value: Any, who: str, what: str) -> int:
    """``value`` as an int if it is an integer >= 1, else a TypeError or a ValueError."""
    return int(check_number(value, who, what, "a positive integer", lambda v: v >= 1, integer=True))


def check_instance(obj: object, cls: type, who: str, what: str) -> None:
    """Raise a TypeError unless ``obj`` is an instance of ``cls`` (saying so if it is a class)."""
    if not isinstance(obj, cls):
        hint = f"; call the class to make one: {obj.__name__}(...)" if isinstance(obj, type) else ""
        raise TypeError(f"{who}: {what} must be a {cls.__name__} instance, got {describe(obj)}{hint}")


def float_dtype(dtype: Any, who: str) -> np.dtype:
    """``dtype`` as a floating-point NumPy dtype, else a TypeError (integer weights round to 0)."""
    if not (isinstance(dtype, (type, np.dtype, str)) and np.dtype(dtype).kind == "f"):
        raise TypeError(f"{who}: dtype must be a floating-point type such as np.float32 or "
                        f"np.float64, got {describe(dtype)} (integers would round every weight)")
    return np.dtype(dtype)


def make_rng(rng: Any, who: str) -> np.random.Generator:
    """A Generator from ``rng``: a Generator (used as is), a seed (an integer >= 0) or None."""
    if not (rng is None or isinstance(rng, np.random.Generator)):
        check_number(rng, who, "rng", "a np.random.Generator, an integer seed >= 0 or None",
                     lambda v: v >= 0, integer=True)
    return np.random.default_rng(rng)
