"""Checks of answers that are a choice or a value: multiple choice, a number, a prediction.

Text is compared after normalising case, spaces, a leading article and a final full stop, so
"A plane." and "plane" are the same answer; numbers are compared by value, so "3" is 3.0.
Every wrong option gets its explanation. A sentence that is none of the options cannot be
judged by a check: the check says so (NOT CHECKED) rather than PASSED or NOT YET.
"""

from __future__ import annotations

import builtins
import re
import types
from collections.abc import Callable, Mapping, Sequence
from numbers import Real
from typing import Any

import numpy as np

from .framework import CheckResult, attempt, graded


def normalise(answer: Any) -> Any:
    """The form in which answers are compared: 'A  Plane.' -> 'plane'; numbers unchanged."""
    if not isinstance(answer, str):
        return answer
    text = " ".join(answer.lower().split()).rstrip(".!")
    return re.sub(r"^(a|an|the) ", "", text)


def _key(answer: Any, correct: Any) -> Any:
    if isinstance(correct, Real) and not isinstance(correct, bool):
        try:
            return float(answer)
        except (TypeError, ValueError):
            pass
    key = normalise(answer)
    return key if isinstance(key, (str, Real, tuple)) else repr(key)


@graded
def check_choice(answer: Any, correct: Any, *, name: str = "your answer", explanation: str = "",
                 accept: Sequence[Any] = (), options: Sequence[Any] = (),
                 wrong: Mapping[Any, str] | None = None) -> CheckResult:
    """Check a multiple-choice or single-value answer.

    ``accept`` lists other ways to say the right answer ("hyperplane" for "a plane"),
    ``options`` the options offered, ``wrong`` an explanation for each wrong option;
    ``explanation`` says why the right answer is right, once it is given.
    """
    if answer is None or answer is ...:
        offered = f": one of {_listing(options)}" if options else ""
        return CheckResult(False, f"{name} is not given yet{offered}.")
    key = _key(answer, correct)
    if key in {_key(c, correct) for c in (correct, *accept)}:
        return CheckResult(True, f"{name} is right. {explanation}".strip())
    explained = {_key(option, correct): text for option, text in (wrong or {}).items()}
    if key in explained:
        return CheckResult(False, f"{name} is {answer!r}, which is not right: {explained[key]}")
    if isinstance(answer, str) and len(answer.split()) >= 4:
        return CheckResult(None, f"{name} is a sentence, and no check can judge a sentence: compare "
                                 f"it yourself with the options, {_listing(options or [correct])}. "
                                 "To have it checked, give the option that says the same.")
    if options:
        return CheckResult(False, f"{name} is {answer!r}, which is not one of the options, "
                                  f"{_listing(options)}.")
    return CheckResult(False, f"{name} is {answer!r}, which is not right: look again.")


def _listing(options: Sequence[Any]) -> str:
    return ", ".join(repr(o) for o in options)


@graded
def check_answer(answer: Callable[[], Any], correct: Any, *, name: str = "your answer",
                 **choice: Any) -> CheckResult:
    """Like ``check_choice``, for an answer returned by a function (so that an unwritten
    answer, ``raise NotImplementedError``, is reported instead of stopping the notebook)."""
    run = attempt(answer, name)
    if run.failure:
        return CheckResult(False, run.failure)
    return check_choice(run.value, correct, name=name, **choice)


@graded
def check_prediction(predict: Callable[[], Any], outcome: Callable[[], Any], *,
                     options: Sequence[Any], explanations: Mapping[Any, str],
                     constants: Mapping[str, Any] | None = None,
                     values: Mapping[Any, float] | None = None,
                     name: str = "your prediction") -> CheckResult:
    """Check a prediction made before an experiment: ``predict()`` runs first, and sees only
    Python's builtins, ``np`` and ``constants`` (it cannot read the experiment's results from
    the notebook); then ``outcome()`` runs the experiment and returns the right option.
    ``explanations`` says, for every option, what the experiment shows about it. ``values``
    gives the number that an option stands for ("-log 10": -2.3026), so that a prediction
    given as a number (-np.log(10), or -2.3 rounded to two digits) is the option of that value."""
    sealed = _sealed(predict, {"np": np, **(constants or {})})
    run = attempt(sealed, name)
    if run.failure and "NameError" in run.failure:
        read = re.search(r"name '(\w+)'", run.failure)
        what = f"`{read.group(1)}`" if read else "a variable"
        return CheckResult(False, f"{name} reads {what} from the notebook. A prediction is made "
                                  f"before the experiment runs: return one of {_listing(options)} "
                                  "without looking at any result.")
    if run.failure:
        return CheckResult(False, run.failure)
    answer = _option_of_value(run.value, values or {})
    correct = outcome()
    wrong = {o: text for o, text in explanations.items() if _key(o, correct) != _key(correct, correct)}
    return check_choice(answer, correct, name=name, options=options, wrong=wrong,
                        explanation=explanations.get(correct, ""))


def _option_of_value(answer: Any, values: Mapping[Any, float]) -> Any:
    """The option whose value ``answer`` is, to within 1 % (a number rounded to two digits);
    ``answer`` itself if it is not a finite number (or a string of one) or matches no option's
    value."""
    try:
        number = float(answer) if not isinstance(answer, bool) else np.nan
    except (TypeError, ValueError):
        return answer
    for option, value in values.items():
        if abs(number - value) <= 0.01 * abs(value) + 1e-12:  # False for NaN
            return option
    return answer


def _sealed(function: Callable[[], Any], names: Mapping[str, Any]) -> Callable[[], Any]:
    """``function`` with its global variables replaced by ``names`` and the builtins."""
    if not isinstance(function, types.FunctionType):
        return function
    return types.FunctionType(function.__code__, {"__builtins__": builtins, **names},
                              function.__name__, function.__defaults__, function.__closure__)
