"""The exercises' self-checks. Open these files when a check says NOT YET: they show what is
tested, on which cases, and why.

    framework   how a check runs your code: CheckResult, Case, Mistake, Exercise (check + hints)
    compare     comparing your answer with the expected one, and naming the likely mistake
    checks      check_function: your function against a reference, case by case
    gradients   check_backward, check_layer_class, check_param_gradients (finite differences)
    choices     check_choice, check_answer, check_prediction (multiple choice and predictions)

and one module per lesson topic with that lesson's exercises, their cases and the mistakes
they recognise: ``perceptron`` (01), ``backprop`` (02), ``annuli`` (03), ``embedding`` (04),
``weights`` (05), ``adversarial`` (06). A lesson imports its module as ``exercises``:

    from nncourse.exercises import perceptron as exercises
    exercises.softmax.check(my_softmax)      # PASSED / NOT YET, with what is wrong
    exercises.softmax.hint(2)                # the second hint
"""

from .checks import check_function
from .choices import check_answer, check_choice, check_prediction, normalise
from .compare import compare
from .framework import Case, CheckResult, Exercise, Mistake
from .gradients import check_backward, check_layer_class, check_param_gradients

__all__ = [
    "Case", "CheckResult", "Exercise", "Mistake", "check_answer", "check_backward", "check_choice",
    "check_function", "check_layer_class", "check_param_gradients", "check_prediction", "compare",
    "normalise",
]
