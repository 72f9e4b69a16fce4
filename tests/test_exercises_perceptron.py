"""Lesson 01's exercise checks against the wrong answers students really write: each must be
rejected, with the likely mistake named; the reference and equivalent rewrites must pass."""

import numpy as np
import pytest

from nnlib import log_softmax, one_hot, softmax

from nncourse.exercises import perceptron as exercises
from nncourse.perceptron import perceptron_update

# --- Exercise 1: a stable softmax ------------------------------------------------------------

def naive_softmax(z):
    return np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)


def global_max_softmax(z):
    e = np.exp(z - z.max())
    return e / e.sum(axis=1, keepdims=True)


def column_softmax(z):
    e = np.exp(z - z.max(axis=0, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)


def no_keepdims_softmax(z):
    e = np.exp(z - z.max(axis=1))
    return e / e.sum(axis=1)


def in_place_softmax(z):
    z -= z.max(axis=1, keepdims=True)
    np.exp(z, out=z)
    z /= z.sum(axis=1, keepdims=True)
    return z


def whole_array_softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum()


def log_sum_exp_softmax(z):
    m = z.max(axis=1, keepdims=True)
    return np.exp(z - m - np.log(np.exp(z - m).sum(axis=1, keepdims=True)))


# --- Exercise 2: one-hot vectors -------------------------------------------------------------

def classes_from_labels(y, num_classes):
    return np.eye(y.max() + 1)[y]


def ten_classes(y, num_classes):
    return np.eye(10)[y]


def whole_columns(y, num_classes):
    out = np.zeros((len(y), num_classes))
    out[:, y] = 1
    return out


def transposed_one_hot(y, num_classes):
    out = np.zeros((num_classes, len(y)))
    out[y, np.arange(len(y))] = 1
    return out


def unique_classes(y, num_classes):
    classes = np.unique(y)
    return np.eye(len(classes))[np.searchsorted(classes, y)]


def rows_by_label(y, num_classes):
    out = np.zeros((len(y), num_classes))
    out[y] = 1
    return out


# --- Exercise 3: the weight update -----------------------------------------------------------

def no_mean_update(W, X, Y, lr):
    return W + lr * X.T @ (Y - softmax(X @ W))


def descent_update(W, X, Y, lr):
    return W - lr / len(X) * X.T @ (Y - softmax(X @ W))


def in_place_update(W, X, Y, lr):
    W += lr / len(X) * X.T @ (Y - softmax(X @ W))
    return W


def per_input_update(W, X, Y, lr):  # right only when X is square
    return W + lr / X.shape[1] * X.T @ (Y - softmax(X @ W))


def batch_of_32_update(W, X, Y, lr):  # right only for the notebook's batch size
    return W + lr / 32 * X.T @ (Y - softmax(X @ W))


def transposed_update(W, X, Y, lr):
    return W + lr / len(X) * ((Y - softmax(X @ W)).T @ X)


def naive_update(W, X, Y, lr):
    return W + lr / len(X) * X.T @ (Y - naive_softmax(X @ W))


def column_update(W, X, Y, lr):
    return W + lr / len(X) * X.T @ (Y - softmax((X @ W).T).T)


def einsum_update(W, X, Y, lr):
    return W + lr * np.einsum("nd,nc->dc", X, Y - np.exp(log_softmax(X @ W))) / X.shape[0]


# What the lesson's notebook holds once exercise 4's cell has run: a prediction must not read it.
LOOKED = -2.302585

WRONG = {
    "softmax": {
        "naive exp": (naive_softmax, "inf / inf is NaN"),
        "maximum of the whole array": (global_max_softmax, "its own maximum"),
        "normalised over columns": (column_softmax, "wrong axis"),
        "no keepdims": (no_keepdims_softmax, "keepdims=True"),
        "modifies z in place": (in_place_softmax, "changed its argument `z` in place"),
        "divided by the total": (whole_array_softmax, "whole array sums to 1"),
    },
    "one_hot": {
        "class count from the labels": (classes_from_labels, "the count is the argument num_classes"),
        "always 10 classes": (ten_classes, "10 columns"),
        "whole columns": (whole_columns, "several 1s"),
        "transposed": (transposed_one_hot, "transposed?"),
        "class count from np.unique": (unique_classes, "the count is the argument num_classes"),
        "rows indexed by the label": (rows_by_label, "IndexError"),
    },
    "update": {
        "no 1/N": (no_mean_update, "forget to average over the batch"),
        "descends": (descent_update, "opposite sign"),
        "modifies W in place": (in_place_update, "changed its argument `W` in place"),
        "divides by D + 1 (right for square X)": (per_input_update, "divide by 7 instead of by N"),
        "divides by 32 (the notebook's batch)": (batch_of_32_update, "divide by 32 instead of by N"),
        "transposed": (transposed_update, "transposed?"),
        "naive softmax": (naive_update, "overflow"),
        "softmax over the batch": (column_update, "normalised over the batch"),
    },
    "start_log_likelihood": {
        "0 (a perfect model)": (lambda: "0", "sure and right every time"),
        "-log 2 (two classes)": (lambda: "-log 2", "two classes"),
        "-10 (one point per class)": (lambda: "-10", "e^-10"),
        "it depends on the images": (lambda: "it depends on the images", "cannot matter"),
        "-log 2 as a number": (lambda: -np.log(2), "two classes"),
        "log 10, the sign forgotten": (lambda: np.log(10), "one of"),
        "a number not among the options": (lambda: -1.0, "one of"),
        "NaN": (lambda: float("nan"), "one of"),
        "reads the notebook's result": (lambda: LOOKED, "reads `LOOKED` from the notebook"),
    },
    "few_updates": {  # accuracies measured on every kernel tried
        "the lesson's settings, 100 updates": ({"lr": 0.5, "batch_size": 100, "epochs": 1}, "100 updates"),
        "the last partial batch forgotten, 24 updates": ({"lr": 0.5, "batch_size": 3000, "epochs": 6},
                                                         "make 24 updates"),
        "full batch, lr too small (78.3 %)": ({"lr": 2.0, "batch_size": 10_000, "epochs": 20},
                                              "short of 87 %"),
        "steps far too small": ({"lr": 0.01, "batch_size": 10_000, "epochs": 20}, "short of 87 %"),
    },
}

RIGHT = {
    "softmax": {"reference": softmax, "log-sum-exp": log_sum_exp_softmax,
                "via log_softmax": lambda z: np.exp(log_softmax(z))},
    "one_hot": {"reference": one_hot, "identity rows": lambda y, c: np.eye(c)[y],
                "comparison": lambda y, c: (y[:, None] == np.arange(c)).astype(float)},
    "update": {"reference": perceptron_update, "einsum": einsum_update},
    "start_log_likelihood": {"-log 10": lambda: "-log 10", "-Log 10.": lambda: "-Log 10.",
                             "spaced": lambda: "  -log   10 ", "as a number": lambda: -np.log(10),
                             "to two digits": lambda: -2.3, "as a string of digits": lambda: "-2.30"},
    "few_updates": {
        "the lesson's solution (88.2 %)": {"lr": 10, "batch_size": 2000, "epochs": 4},
        "full batch (88.7 %)": {"lr": 20.0, "batch_size": 10_000, "epochs": 20},
        "NumPy integers (87.9 %)": {"lr": 5, "batch_size": np.int64(1000), "epochs": 2},
    },
}


# WRONG and RIGHT are run by tests/test_exercises.py, with every topic's.


# --- Exercise 4: predict, then run: the log-likelihood of W = 0 --------------------------------

def test_start_prediction_passed_says_why():
    assert "probability 1/10" in exercises.start_log_likelihood.check(lambda: "-log 10").message


def test_start_prediction_that_is_not_an_answer_is_not_passed():
    result = exercises.start_log_likelihood.check(lambda: None)
    assert result.passed is False and "one of" in result.message, repr(result)


def test_start_prediction_outcome_is_computed_not_assumed(monkeypatch):
    # if the log-likelihood of W = 0 depended on the images, the check would say so
    monkeypatch.setattr(exercises, "log_likelihood", lambda W, X, y: float(X.mean()))
    assert exercises._start_outcome() == "it depends on the images"


# --- Exercise 5 (open task): 87 % validation accuracy in at most 20 updates --------------------

@pytest.mark.parametrize("settings, phrase", [
    ({"lr": float("nan"), "batch_size": 2000, "epochs": 4}, "positive number"),
    ({"lr": 10, "batch_size": 2000.0, "epochs": 4}, "whole number"),
    ({"lr": 10, "batch_size": True, "epochs": 4}, "whole number"),
    ({"lr": 10, "batch_size": 2000}, "exactly the keys"),
    ((10, 2000, 4), "must be a dict"),
    (..., "not given yet"),
])
def test_few_updates_rejects_bad_settings_naming_what_is_wrong(settings, phrase):
    result = exercises.few_updates.check(settings)
    assert result.passed is False and phrase in result.message, repr(result)
