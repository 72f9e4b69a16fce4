"""How a check runs your code and reports on it: CheckResult, Case, Mistake, Exercise.

A check runs your code on copies of its inputs, so that it can tell when you changed an input
in place, and so that the reference still sees the originals. Nothing your code does escapes
the check: an exception, or a warning from NumPy (an overflow in ``exp``), becomes part of a
NOT YET message, and "Run All" goes on. Under nbgrader, which sets ``NBGRADER_EXECUTION`` while
it grades, a check that does not pass raises ``AssertionError`` with the same message instead,
so that a wrong answer loses its points.
"""

from __future__ import annotations

import functools
import os
import re
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np


class CheckResult:
    """The outcome of a check, shown as one line: PASSED, NOT YET (with what is wrong), or NOT
    CHECKED (a written answer: only its author can judge it). ``bool(result)`` is True only
    for PASSED."""

    def __init__(self, passed: bool | None, message: str) -> None:
        self.passed, self.message = passed, message

    def __bool__(self) -> bool:
        return self.passed is True

    def __repr__(self) -> str:
        label = {True: "PASSED", False: "NOT YET", None: "NOT CHECKED"}[self.passed]
        return f"{label}: {self.message}"


_depth = 0  # how many checks are running: only the outermost reports to nbgrader


def graded(check: Callable[..., CheckResult]) -> Callable[..., CheckResult | None]:
    """Make ``check`` report to nbgrader while nbgrader grades the notebook: a result that did
    not pass raises AssertionError (the cell's points are lost; a sentence where an option was
    asked for, NOT CHECKED, earns no points automatically either); a PASSED line is printed
    rather than returned, because nbgrader reads a value shown by a graded cell as a partial
    score. Elsewhere the result is returned, and shown by the notebook."""

    @functools.wraps(check)
    def run(*args: Any, **kwargs: Any) -> CheckResult | None:
        global _depth
        _depth += 1
        try:
            result = check(*args, **kwargs)
        finally:
            _depth -= 1
        if _depth or not os.environ.get("NBGRADER_EXECUTION"):
            return result
        if result.passed is not True:
            raise AssertionError(repr(result))
        print(repr(result))
        return None

    return run


@dataclass(frozen=True)
class Case:
    """One input of a check: a name that says what is special about it ("a batch of 1"), the
    arguments, and the batch size N, so that a result off by a factor N can be recognised."""

    name: str
    args: tuple
    n: int | None = None


@dataclass(frozen=True)
class Mistake:
    """A wrong answer that students really write: ``compute`` produces it from the same
    arguments as the answer, and ``explanation`` is what the check says when yours matches it."""

    explanation: str
    compute: Callable[..., Any]


@dataclass
class Attempt:
    """What happened when your code ran: the value it returned, or why it returned none
    (``failure``), and the warnings NumPy raised meanwhile."""

    value: Any = None
    failure: str | None = None
    warnings: tuple[str, ...] = ()


def broadcast_tip(error: str) -> str:
    """What NumPy's "could not be broadcast together with shapes (4,10) (4,)" usually means."""
    shapes = [tuple(int(d) for d in re.findall(r"\d+", s)) for s in re.findall(r"\(([\d,]*)\)", error)]
    if len(shapes) < 2:
        return ""
    a, b = shapes[:2]
    if len(a) == 2 and b == a[::-1]:
        return " One of the two arrays is transposed?"
    if len(a) == len(b) == 2 and a[0] == b[0]:
        return (f" They have {a[1]} and {b[1]} columns: are the classes counted the same way for "
                "both?")
    if {len(a), len(b)} == {1, 2} and (a[:1] == b or b[:1] == a):
        return (" A reduction such as z.max(axis=1) has shape (N,); with keepdims=True it has "
                "shape (N, 1), which lines up with the rows of an (N, C) array.")
    return " Print the shapes of the arrays on that line."


UNWRITTEN = " is not written yet: replace `raise NotImplementedError` with your code."


def attempt(call: Callable[[], Any], name: str) -> Attempt:
    """Run ``call()``, catching any exception and recording NumPy's warnings (never shown)."""
    with warnings.catch_warnings(record=True) as caught, \
            np.errstate(over="warn", invalid="warn", divide="warn"):
        warnings.simplefilter("always")
        try:
            value, failure = call(), None
        except NotImplementedError:
            value, failure = None, f"{name}{UNWRITTEN}"
        except Exception as err:  # any bug of yours is reported, never re-raised
            value, failure = None, f"{name} raised {type(err).__name__}: {str(err).rstrip(' .')}."
            if "broadcast" in str(err):
                failure += broadcast_tip(str(err))
            elif "matmul" in str(err):
                failure += (" In A @ B the columns of A must match the rows of B: a transpose "
                            "(.T) missing, or one too many?")
    said = (str(w.message) for w in caught if issubclass(w.category, RuntimeWarning))
    return Attempt(value, failure, tuple(dict.fromkeys(said)))


def quietly(call: Callable[[], Any]) -> Any:
    """The value of ``call()``, or None if it raises; NumPy's warnings are not shown."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        try:
            return call()
        except Exception:
            return None


def warned(said: Sequence[str]) -> str:
    """What to add to a message when NumPy warned while your code ran."""
    if not said:
        return ""
    text = f" While it ran, NumPy warned: {'; '.join(said)}."
    if any("overflow" in s for s in said):
        text += (" exp of a large number overflows to inf (and inf / inf is NaN): use a form "
                 "that never exponentiates a large positive number.")
    return text


class Hint(str):
    """A hint, shown in a notebook as plain text."""

    def __repr__(self) -> str:
        return str(self)


class Exercise:
    """An exercise: a check of your answer, and graduated hints.

    ``hint(1)`` points to the idea; ``hint(2)`` gets closer; no hint is the answer. In a
    lesson, ``from nncourse.exercises import perceptron as exercises``, then
    ``exercises.softmax.check(my_softmax)`` and ``exercises.softmax.hint(2)``.
    """

    def __init__(self, name: str, check: Callable[[Any], CheckResult], hints: Sequence[str]) -> None:
        self.name, self._check, self.hints = name, check, tuple(hints)

    @graded
    def check(self, answer: Any) -> CheckResult:
        result = self._check(answer)
        if result.passed is False and len(self.hints) > 1:
            result = CheckResult(False, f"{result.message} (Stuck? A second hint: "
                                        f"exercises.{self.name}.hint(2).)")
        return result

    def hint(self, level: int = 1) -> Hint:
        if not (isinstance(level, int) and 1 <= level <= len(self.hints)):  # hint("2") too
            return Hint(f"There are {len(self.hints)} hints: hint(1) to hint({len(self.hints)}).")
        return Hint(f"Hint {level} of {len(self.hints)}: {self.hints[level - 1]}")

    def __repr__(self) -> str:
        return f"Exercise({self.name!r}, {len(self.hints)} hints)"
