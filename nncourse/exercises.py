"""Self-checks for the exercises: compare a student's answer with nnlib's and say what differs.

Each check returns a ``CheckResult``: true when the answer is right, and shown in a notebook as
one plain sentence, either that it passed or what is wrong (not written yet, an exception, a
wrong shape, wrong values at which entries). A check never raises, so "Run All" goes on.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

import numpy as np


class CheckResult:
    """The outcome of a check: ``bool(result)`` says whether it passed; ``repr`` explains."""

    def __init__(self, passed: bool, message: str) -> None:
        self.passed, self.message = passed, message

    def __bool__(self) -> bool:
        return self.passed

    def __repr__(self) -> str:
        return ("PASSED: " if self.passed else "NOT YET: ") + self.message


def _attempt(call: Callable[[], Any], name: str, where: str = "") -> tuple[Any, CheckResult | None]:
    """Run the student's code: (its result, None), or (None, a NOT YET result) when it is not
    written yet (raises NotImplementedError, whose message is the hint) or raises anything else."""
    try:
        return call(), None
    except NotImplementedError as err:
        hint = f" Hint: {err}" if str(err) else ""
        return None, CheckResult(False, f"{name} is not written yet: replace the line "
                                 f"`raise NotImplementedError` with your code.{hint}")
    except Exception as err:  # a student's bug of any kind is reported, never re-raised
        return None, CheckResult(False, f"{name} raised {type(err).__name__}: {err}{where}")


def compare(got: Any, expected: Any, *, name: str = "your answer", rtol: float = 1e-5,
            atol: float = 1e-8) -> CheckResult:
    """Check that the array ``got`` has the shape and (to a tolerance) the values of ``expected``."""
    expected = np.asarray(expected)
    try:
        got = np.asarray(got, dtype=np.result_type(expected.dtype, np.float64))
    except (TypeError, ValueError):
        return CheckResult(False, f"{name} should be an array of numbers, got {type(got).__name__}")
    if got.shape != expected.shape:
        return CheckResult(False, f"{name} has shape {got.shape}, expected {expected.shape}")
    wrong = ~np.isclose(got, expected, rtol=rtol, atol=atol)
    if wrong.any():
        where = [tuple(int(i) for i in idx) for idx in np.argwhere(wrong)[:3]]
        first = where[0]
        return CheckResult(False, f"{name} differs from the expected values at {int(wrong.sum())} of "
                           f"{wrong.size} entries, e.g. at index {where}: at {first} expected "
                           f"{expected[first]:.6g}, got {got[first]:.6g}")
    return CheckResult(True, f"{name} is right (shape {expected.shape}).")


def check_function(student: Callable[..., Any], reference: Callable[..., Any],
                   cases: Sequence[tuple[Any, ...]], *, name: str | None = None,
                   rtol: float = 1e-5, atol: float = 1e-8) -> CheckResult:
    """Call ``student(*case)`` and ``reference(*case)`` on every case and compare the results."""
    name = name or getattr(student, "__name__", "your function")
    for i, case in enumerate(cases, 1):
        copies = [np.copy(a) if isinstance(a, np.ndarray) else a for a in case]
        got, failed = _attempt(partial(student, *copies), name, f" (on test case {i})")
        if failed is not None:
            return failed
        result = compare(got, reference(*case), name=f"{name}'s output on test case {i}",
                         rtol=rtol, atol=atol)
        if not result:
            return result
    return CheckResult(True, f"{name} agrees with nnlib on all {len(cases)} test cases.")


def check_backward(layer: Any, x: np.ndarray, *, name: str | None = None,
                   tol: float = 1e-7) -> CheckResult:
    """Gradient-check a student's layer (anything with forward, backward, params, grads)."""
    from nnlib import check_layer

    name = name or type(layer).__name__
    errors, failed = _attempt(lambda: check_layer(layer, x), name)
    if failed is not None:
        return failed
    wrong = {k: v for k, v in errors.items() if not v < tol}
    if wrong:
        detail = ", ".join(f"d{k} (relative error {v:.1e})" for k, v in wrong.items())
        return CheckResult(False, f"{name}'s backward disagrees with finite differences for "
                           f"{detail}; a correct one gives below {tol:.0e}")
    worst = max(errors.values())
    return CheckResult(True, f"{name}'s backward matches finite differences for "
                       f"{', '.join('d' + k for k in errors)} (largest relative error {worst:.1e}).")


def check_choice(answer: Any, correct: Any, *, name: str = "your answer",
                 explanation: str = "") -> CheckResult:
    """Check a multiple-choice or single-value answer; explain why once it is right."""
    if answer is None or answer is ...:
        return CheckResult(False, f"{name} is not given yet: set it to one of the options.")
    if answer != correct:
        return CheckResult(False, f"{name} is {answer!r}, which is not right: look again.")
    return CheckResult(True, f"{name} is right. {explanation}".strip())


def check_param_gradients(student: Callable[[], Any], value: Callable[[], float],
                          params: dict[str, np.ndarray], *, name: str = "your gradient",
                          tol: float = 1e-6) -> CheckResult:
    """Check that ``student()`` returns, for every key of ``params``, the gradient of the scalar
    ``value()`` with respect to that (float64) array, against finite differences."""
    from nnlib import numerical_gradient, rel_error

    got, failed = _attempt(student, name)
    if failed is not None:
        return failed
    if not isinstance(got, dict) or set(got) != set(params):
        keys = sorted(got) if isinstance(got, dict) else type(got).__name__
        return CheckResult(False, f"{name} should be a dict with the keys {sorted(params)}, got {keys}")
    for key, param in params.items():
        if np.shape(got[key]) != param.shape:
            return CheckResult(False, f"{name}[{key!r}] has shape {np.shape(got[key])}, "
                               f"expected {param.shape}")
        error = rel_error(got[key], numerical_gradient(lambda _: value(), param))
        if not error < tol:
            return CheckResult(False, f"{name}[{key!r}] disagrees with finite differences "
                               f"(relative error {error:.1e}; a correct one gives below {tol:.0e})")
    return CheckResult(True, f"{name} matches finite differences for all {len(params)} parameters.")


def check_answer(answer: Callable[[], Any], correct: Any, *, name: str = "your answer",
                 explanation: str = "") -> CheckResult:
    """Like ``check_choice``, for an answer given by a function (so that an unwritten answer,
    ``raise NotImplementedError``, is reported instead of stopping the notebook)."""
    value, failed = _attempt(answer, name)
    if failed is not None:
        return failed
    return check_choice(value, correct, name=name, explanation=explanation)
