"""The check of a function: yours against a reference, case by case.

Each case runs on fresh copies of its arguments; the check stops at the first case that fails
and says which one, what is wrong and, where it can, the likely mistake (a mistake students
often make, a factor, a sign, a transpose, an input changed in place, an argument ignored).
"""

from __future__ import annotations

import copy
import inspect
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .compare import close, compare, tolerance
from .framework import UNWRITTEN, Attempt, Case, CheckResult, Mistake, attempt, graded, quietly, warned


@graded
def check_function(student: Callable[..., Any], reference: Callable[..., Any],
                   cases: Sequence[Case | tuple], *, name: str | None = None,
                   tol: float | None = None, mistakes: Sequence[Mistake] = (),
                   step_from: int | None = None, check_dtype: bool = False,
                   result_name: str | None = None) -> CheckResult:
    """Compare ``student(*case.args)`` with ``reference(*case.args)`` on every case.

    ``step_from`` is the index of an argument that the answer adds a step to (W in W + step),
    ``check_dtype`` asks for the reference's dtype too; ``result_name`` is what messages call
    the result (default: "the result of <name>").
    """
    name = name or getattr(student, "__name__", "your function")
    result_name = result_name or f"the result of {name}"
    named = [c if isinstance(c, Case) else Case(f"test case {i}", tuple(c))
             for i, c in enumerate(cases, 1)]  # plain tuples: the lessons' first checks
    if not named:  # the lesson's mistake, not the student's: raised, never a PASSED on nothing
        raise ValueError("check_function: cases must hold at least one case, got none")
    for case in named:
        failure = _case_failure(student, reference, case, named, name=name, result_name=result_name,
                                tol=tol, mistakes=mistakes, step_from=step_from, check_dtype=check_dtype)
        if failure:
            unwritten = failure.endswith(UNWRITTEN)
            return CheckResult(False, failure if unwritten else f"On {case.name}: {failure}")
    if not all(isinstance(c, Case) for c in cases):
        return CheckResult(True, f"{name} agrees with nnlib on all {len(named)} test cases.")
    return CheckResult(True, f"{name} agrees with the reference on all {len(named)} cases: "
                             + "; ".join(c.name for c in named) + ".")


def _case_failure(student: Callable[..., Any], reference: Callable[..., Any], case: Case,
                  cases: Sequence[Case], *, name: str, result_name: str, tol: float | None,
                  mistakes: Sequence[Mistake], step_from: int | None, check_dtype: bool) -> str | None:
    expected = reference(*copy.deepcopy(case.args))
    args = copy.deepcopy(case.args)
    run = attempt(lambda: student(*args), name)
    if run.failure:
        return run.failure + warned(run.warnings)
    changed = _changed_argument(case.args, args, student)
    if changed:
        return _changed_message(name, *changed)
    tol = tol or tolerance(*case.args, expected)
    base = case.args[step_from] if step_from is not None else None
    result = compare(run.value, expected, name=result_name, tol=tol, n=case.n, base=base)
    if result and check_dtype and np.asarray(run.value).dtype != np.asarray(expected).dtype:
        return (f"{result_name} has dtype {np.asarray(run.value).dtype}, expected "
                f"{np.asarray(expected).dtype} (the dtype of the input): convert with .astype(...).")
    if result and run.warnings:
        return f"{result_name} is right, but not safe for every input.{warned(run.warnings)}"
    if result:
        return None
    for mistake in mistakes:
        wrong = quietly(lambda m=mistake: m.compute(*copy.deepcopy(case.args)))
        if wrong is not None and _same(run.value, wrong, tol):
            return f"{result_name} matches a common mistake: {mistake.explanation}{warned(run.warnings)}"
    ignored = _ignores_arguments(student, run, expected, case, cases, reference)
    return result.message + ignored + warned(run.warnings)


def _same(got: Any, wrong: Any, tol: float) -> bool:
    if isinstance(wrong, dict):
        return isinstance(got, dict) and set(got) == set(wrong) and all(
            close(got[k], wrong[k], tol) for k in wrong)
    return close(got, wrong, tol)


def _ignores_arguments(student: Callable[..., Any], run: Attempt, expected: Any, case: Case,
                       cases: Sequence[Case], reference: Callable[..., Any]) -> str:
    """' It returns the same for another case ...' when the answer ignores its arguments."""
    for other in cases:
        if other is case:
            continue
        got = quietly(lambda o=other: student(*copy.deepcopy(o.args)))
        if got is not None and _same(got, run.value, 0.0) and not _same(
                reference(*copy.deepcopy(other.args)), expected, 1e-7):
            return (f" It returns exactly the same on {other.name}, whose right answer differs: "
                    "does it use its arguments, or variables of the notebook?")
    return ""


def _names(student: Callable[..., Any], count: int) -> list[str]:
    """The names of the student's first ``count`` parameters (or "number 1", ...)."""
    try:
        names = list(inspect.signature(student).parameters)[:count]
    except (TypeError, ValueError):
        names = []
    return names + [f"number {i + 1}" for i in range(len(names), count)]


def _changed_argument(before: tuple, after: tuple, student: Callable[..., Any]) -> tuple[str, Any] | None:
    """(name, value) of the first argument that the student's call changed in place, or None."""
    for name, b, a in zip(_names(student, len(before)), before, after, strict=True):
        if not _unchanged(b, a):
            return name, a
    return None


def _changed_message(name: str, argument: str, value: Any) -> str:
    if isinstance(value, np.ndarray):
        return (f"{name} changed its argument `{argument}` in place. Compute a new array "
                f"(`{argument} - m`, not `{argument} -= m`): the caller still needs the original.")
    return (f"{name} changed the parameters of its argument `{argument}` in place. Compute new "
            "arrays (`factor * p`, not `p *= factor`): the model still needs its own.")


def _unchanged(before: Any, after: Any) -> bool:
    if isinstance(before, np.ndarray):
        return np.shape(after) == before.shape and np.array_equal(before, after, equal_nan=True)
    params = getattr(before, "params", None)
    if isinstance(params, dict):  # a layer or a model: its parameters
        return set(after.params) == set(params) and all(_unchanged(v, after.params[k])
                                                        for k, v in params.items())
    if isinstance(before, (list, tuple)):
        return all(_unchanged(b, a) for b, a in zip(before, after, strict=True))
    return True
