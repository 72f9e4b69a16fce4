"""Lesson 03's exercise checks against the wrong answers students write: the softmax
cross-entropy gradient, and a prediction of the best learning rate."""

import numpy as np
import pytest

from nnlib import one_hot, softmax

from nncourse.exercises import annuli as exercises
from nncourse.exercises.annuli import LEARNING_RATES, learning_rate_runs

# What the lesson's notebook holds once its experiment has run: a prediction must not read it.
final_loss = {0.3: 1.1, 3: 0.2, 30: 9.0}


def train(lr):
    return {"loss": [final_loss[lr]]}


# --- Exercise 1: the gradient ----------------------------------------------------------------

def lesson_solution(Z, labels):
    n = len(Z)
    grad = softmax(Z)
    grad[np.arange(n), labels] -= 1
    return grad / n


def with_one_hot(Z, labels):
    return (softmax(Z) - one_hot(labels, Z.shape[1])) / len(Z)


def no_mean(Z, labels):
    return softmax(Z) - one_hot(labels, Z.shape[1])


def flipped(Z, labels):
    return (one_hot(labels, Z.shape[1]) - softmax(Z)) / len(Z)


def classes_from_labels(Z, labels):
    return (softmax(Z) - np.eye(labels.max() + 1)[labels]) / len(Z)


def whole_columns(Z, labels):
    grad = softmax(Z)
    grad[:, labels] -= 1
    return grad / len(Z)


def naive(Z, labels):
    P = np.exp(Z) / np.exp(Z).sum(axis=1, keepdims=True)
    return (P - one_hot(labels, Z.shape[1])) / len(Z)


def in_place(Z, labels):
    Z -= Z.max(axis=1, keepdims=True)
    P = np.exp(Z)
    P /= P.sum(axis=1, keepdims=True)
    P[np.arange(len(Z)), labels] -= 1
    return P / len(Z)


def per_class(Z, labels):  # right only for a square Z
    return (softmax(Z) - one_hot(labels, Z.shape[1])) / Z.shape[1]


# --- Exercise 2: the prediction --------------------------------------------------------------

def peeks():
    return min(final_loss, key=final_loss.get)


def runs_the_experiment():
    return min(LEARNING_RATES, key=lambda lr: train(lr)["loss"][-1])


WRONG = {
    "cross_entropy_gradient": {
        "no 1/N": (no_mean, "N = 5 times too large"),
        "sign flipped": (flipped, "opposite sign"),
        "class count from the labels": (classes_from_labels, "are the classes counted the same way"),
        "whole columns": (whole_columns, "whole columns"),
        "naive softmax": (naive, "overflow"),
        "modifies Z in place": (in_place, "changed its argument `Z` in place"),
        "divides by C (right for square Z)": (per_class, "divide by 3 instead of by N"),
    },
    "learning_rate": {
        "0.3": (lambda: 0.3, "hardly moves"),
        "30": (lambda: 30, "overshoots"),
        "peeks at the results": (peeks, "reads `final_loss` from the notebook"),
        "runs the experiment": (runs_the_experiment, "reads `train` from the notebook"),
        "not an option": (lambda: 1, "not one of the options"),
    },
}

RIGHT = {
    "cross_entropy_gradient": {"the lesson's solution": lesson_solution, "with one_hot": with_one_hot},
    "learning_rate": {"3": lambda: 3, "3.0": lambda: 3.0, "'3'": lambda: "3",
                      "LEARNING_RATES[1]": lambda: LEARNING_RATES[1]},
}


@pytest.mark.parametrize("exercise, answer, phrase", [
    pytest.param(e, answer, phrase, id=f"{e}: {label}")
    for e, wrongs in WRONG.items() for label, (answer, phrase) in wrongs.items()])
def test_wrong_answer_is_rejected_and_the_mistake_named(exercise, answer, phrase):
    result = getattr(exercises, exercise).check(answer)
    assert result.passed is False, repr(result)
    assert phrase in result.message, repr(result)


@pytest.mark.parametrize("exercise, answer", [
    pytest.param(e, answer, id=f"{e}: {label}")
    for e, rights in RIGHT.items() for label, answer in rights.items()])
def test_right_answer_passes(exercise, answer):
    result = getattr(exercises, exercise).check(answer)
    assert result, repr(result)


def test_a_sentence_is_not_judged():
    result = exercises.learning_rate.check(lambda: "the largest one, because it moves fastest")
    assert result.passed is None and "no check can judge a sentence" in repr(result)


def test_the_experiment_behind_the_prediction():
    runs = learning_rate_runs()
    assert list(runs) == list(LEARNING_RATES) and all(len(losses) == 30 for losses in runs.values())
    final = {lr: losses[-1] for lr, losses in runs.items()}
    # The margins that make the answer the same on every machine (measured: 1.10, 0.2-0.3, 7-10).
    assert final[3] < 0.5 < 1.0 < final[0.3] < 1.2 < 5 < final[30]
