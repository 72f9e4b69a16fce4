"""Compare an answer with the expected one, and name the likely mistake when they differ.

Two arrays agree when every entry differs by less than ``tol`` times the largest expected
entry: 1e-7 in float64 (round-off is about 1e-15; finite differences about 1e-9), 1e-5 when
float32 is involved (its round-off is about 1e-7). A missing factor, a wrong sign or a wrong
axis changes entries by far more. NaN or inf never agrees with a finite number.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .framework import CheckResult


def tolerance(*arrays: Any) -> float:
    """1e-5 if any of ``arrays`` is float32 (or float16), else 1e-7."""
    low = any(isinstance(a, np.ndarray) and a.dtype.kind == "f" and a.dtype.itemsize < 8
              for a in arrays)
    return 1e-5 if low else 1e-7


def sci(tol: float) -> str:
    """1e-07 -> '1e-7', for messages."""
    return f"{tol:.0e}".replace("e-0", "e-")


def close(got: Any, expected: Any, tol: float = 1e-7) -> bool:
    """True when ``got`` has the shape of ``expected`` and agrees with it (NaN matches NaN)."""
    if np.iscomplexobj(got):
        return False
    try:
        got, expected = np.asarray(got, dtype=np.float64), np.asarray(expected, dtype=np.float64)
    except (TypeError, ValueError):
        return False
    if got.shape != expected.shape:
        return False
    finite = np.isfinite(expected)
    if not np.array_equal(np.isfinite(got), finite) or not np.array_equal(got[~finite], expected[~finite],
                                                                           equal_nan=True):
        return False
    scale = np.abs(expected[finite]).max(initial=0.0) or 1.0
    return bool(np.all(np.abs(got[finite] - expected[finite]) <= tol * scale))


def compare(got: Any, expected: Any, *, name: str = "your answer", tol: float = 1e-7,
            n: int | None = None, base: np.ndarray | None = None) -> CheckResult:
    """Check that ``got`` has the shape and, to ``tol``, the values of ``expected`` (a dict of
    arrays is compared key by key). ``n`` is the batch size and ``base`` an array that both
    answers add a step to (W in W + step), for naming the mistake."""
    if isinstance(expected, dict):
        return _compare_dicts(got, expected, name=name, tol=tol, n=n)
    expected = np.asarray(expected)
    if got is None:
        return CheckResult(False, f"{name} is None: is a `return` missing?")
    if np.iscomplexobj(got):
        return CheckResult(False, f"{name} holds complex numbers; it should be real.")
    try:
        values = np.asarray(got, dtype=np.float64)
    except (TypeError, ValueError):
        return CheckResult(False, f"{name} should be numbers, got a {type(got).__name__}.")
    if values.shape != expected.shape:
        return CheckResult(False, _shape_message(name, values.shape, expected.shape))
    bad = ~np.isfinite(values) & np.isfinite(expected)
    if bad.any():
        return CheckResult(False, f"{name} has {int(bad.sum())} NaN or infinite entries (of "
                                  f"{bad.size}), e.g. at {_index(bad)}.")
    if close(values, expected, tol):
        return CheckResult(True, f"{name} is right.")
    return CheckResult(False, _value_message(name, values, expected, tol)
                       + diagnose(values, expected, n, base))


def _compare_dicts(got: Any, expected: dict, *, name: str, tol: float, n: int | None) -> CheckResult:
    if not isinstance(got, dict):
        return CheckResult(False, f"{name} should be a dict with the keys {sorted(expected)}, "
                                  f"got a {type(got).__name__}.")
    missing, extra = sorted(set(expected) - set(got)), sorted(set(got) - set(expected))
    if missing or extra:
        wrong = ([f"lacks {missing}"] if missing else []) + ([f"has {extra} too many"] if extra else [])
        return CheckResult(False, f"{name} should have the keys {sorted(expected)}; it "
                                  + " and ".join(wrong) + ".")
    for key, value in expected.items():
        result = compare(got[key], value, name=f"{name}[{key!r}]", tol=tol, n=n)
        if not result:
            return result
    return CheckResult(True, f"{name} is right.")


def _index(mask: np.ndarray) -> tuple[int, ...]:
    return tuple(int(i) for i in np.argwhere(mask)[0])


def _shape_message(name: str, got: tuple, expected: tuple) -> str:
    if expected == ():
        return f"{name} should be a single number, got an array of shape {got}."
    text = f"{name} has shape {got}, expected {expected}"
    if len(got) == 2 and got == expected[::-1]:
        return text + ": transposed?"
    if len(got) == 2 and got[0] == got[1] and got[0] in expected and len(expected) < 2:
        return text + ": an (N, N) array comes from broadcasting (N,) against (N, 1)."
    return text + "."


def _value_message(name: str, got: np.ndarray, expected: np.ndarray, tol: float) -> str:
    if expected.ndim == 0:
        return f"{name} is {float(got):.6g}, expected {float(expected):.6g}."
    wrong = np.abs(got - expected) > tol * (np.abs(expected).max() or 1.0)
    at = _index(wrong)
    return (f"{name} is wrong at {int(wrong.sum())} of {wrong.size} entries, e.g. at {at}: "
            f"expected {expected[at]:.6g}, got {got[at]:.6g}.")


def diagnose(got: np.ndarray, expected: np.ndarray, n: int | None = None,
             base: np.ndarray | None = None) -> str:
    """A sentence naming the likely mistake when ``got`` is a simple transform of ``expected``
    (a factor, a sign, a transpose, a normalisation along the wrong axis), else ''."""
    what = "The result"
    if base is not None and np.shape(base) == got.shape:
        got, expected, what = got - base, expected - base, "The step (the change from the start)"
    if expected.ndim == 2 and expected.shape[0] == expected.shape[1] and close(got, expected.T):
        return f" {what} is the expected one transposed: transposed?"
    factor = _factor(got, expected)
    if factor is not None:
        return " " + _factor_message(what, factor, n)
    return _axis_message(got, expected)


def _factor(got: np.ndarray, expected: np.ndarray) -> float | None:
    """c if got = c * expected (to 1e-6), else None."""
    norm = float(np.sum(expected * expected))
    if norm == 0:
        return None
    c = float(np.sum(got * expected)) / norm
    return c if close(got, c * expected, 1e-6) else None


def _factor_message(what: str, c: float, n: int | None) -> str:
    def near(x: float) -> bool:
        return abs(c - x) <= 1e-6 * abs(x)

    if near(0) or abs(c) < 1e-12:
        return f"{what} is all zeros: is it computed (or filled in) at all?"
    if near(-1):
        return f"{what} has the right size but the opposite sign: a sign error?"
    if n is not None and n > 2 and near(n):
        return (f"{what} is N = {n} times too large (N is the batch size): did you forget to "
                "average over the batch (divide by N)?")
    if n is not None and n > 2 and near(1 / n):
        return (f"{what} is N = {n} times too small (N is the batch size): did you average over "
                "the batch where a sum is needed?")
    if near(2) or near(0.5):
        return f"{what} is {'twice' if c > 1 else 'half'} the expected one: a factor 2 too many or missing?"
    k = n / c if n else 0.0
    if n and k > 1.5 and abs(k - round(k)) < 1e-6:
        return (f"{what} is {n}/{round(k)} times the expected one, on a batch of N = {n}: does your "
                f"code divide by {round(k)} instead of by N = len(...)?")
    return f"{what} is {c:.3g} times the expected one: a constant factor is wrong."


def _axis_message(got: np.ndarray, expected: np.ndarray) -> str:
    """For arrays whose rows are probability vectors: a normalisation along the wrong axis."""
    if expected.ndim != 2 or not np.allclose(expected.sum(axis=1), 1) or (expected < 0).any():
        return ""
    if np.allclose(got.sum(axis=0), 1):
        return " Its columns sum to 1; each row should: a sum along the wrong axis?"
    if np.isclose(got.sum(), 1):
        return " The whole array sums to 1; each row should, on its own."
    return ""
