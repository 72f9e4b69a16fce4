"""Lesson 01's exercises: a stable softmax, one-hot vectors, the perceptron's weight update, a
prediction of the starting log-likelihood, and an open task (87 % in at most 20 updates).

In the lesson: ``exercises.softmax.check(my_softmax)``, ``exercises.softmax.hint(2)``. The
cases cover what the lesson's own data never shows: a batch of 1, a square batch (N = C),
a class count other than 10, logits near 1000 (a naive exp overflows), float32.
"""

from __future__ import annotations

from typing import Any

import numpy as np

import nnlib

from ..perceptron import add_bias_column, log_likelihood, perceptron_update
from .checks import check_function
from .choices import check_prediction
from .framework import Case, CheckResult, Exercise, Mistake, attempt

_rng = np.random.default_rng(101)


def _naive_softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


SOFTMAX_CASES = (
    Case("4 rows of 10 logits", (_rng.standard_normal((4, 10)),), n=4),
    Case("a batch of 1 with 3 classes", (np.array([[0.5, -1.0, 2.0]]),), n=1),
    Case("3 rows of 3 logits (a square batch)", (3 * _rng.standard_normal((3, 3)),), n=3),
    Case("logits near 1000 and near -1000",
         (np.array([[1000.0, 1001.0, 999.0, 990.0], [-1000.0, -1000.0, -1002.0, -1010.0]]),), n=2),
    Case("float32 logits near 100", (np.array([[100.0, 101.0, 98.0], [0.0, 1.0, 2.0]], np.float32),), n=2),
)

softmax = Exercise("softmax", lambda answer: check_function(
    answer, nnlib.softmax, SOFTMAX_CASES, name="my_softmax", mistakes=(
        Mistake("exp of a logit near 1000 is inf, and inf / inf is NaN. Subtracting the same "
                "number from every logit of a row does not change its softmax.", _naive_softmax),
        Mistake("the maximum of the whole array was subtracted, so a row far below it becomes "
                "exp(-2000) = 0 everywhere, and 0 / 0 is NaN: each row needs its own maximum.",
                lambda z: _naive_softmax(z - z.max())),
    )), hints=(
    "Subtracting the same number from every logit of a row leaves its softmax unchanged (it "
    "cancels between numerator and denominator): which number makes every exponent at most 0?",
    "z.max(axis=1, keepdims=True) has shape (N, 1), so it lines up with the rows of z (N, C); "
    "the row sums need keepdims=True too.",
))


def _whole_columns(y: np.ndarray, num_classes: int) -> np.ndarray:
    out = np.zeros((len(y), num_classes))
    out[:, y] = 1
    return out


_FROM_LABELS = ("the class count was taken from the labels. A batch need not contain every class: "
                "the count is the argument num_classes.")

ONE_HOT_CASES = (
    Case("4 labels among 10 classes", (np.array([3, 0, 9, 3]), 10), n=4),
    Case("a batch of 1 with 2 classes", (np.array([1]), 2), n=1),
    Case("labels 0 to 2 of 5 classes (classes 3 and 4 unused)", (np.array([0, 2, 1, 2, 0, 1]), 5), n=6),
    Case("3 labels among 3 classes (a square result)", (np.array([2, 0, 1]), 3), n=3),
)

one_hot = Exercise("one_hot", lambda answer: check_function(
    answer, nnlib.one_hot, ONE_HOT_CASES, name="my_one_hot", mistakes=(
        Mistake(_FROM_LABELS, lambda y, c: np.eye(y.max() + 1)[y]),
        Mistake(_FROM_LABELS, lambda y, c: np.eye(len(np.unique(y)))[np.searchsorted(np.unique(y), y)]),
        Mistake("it has 10 columns whatever num_classes says: use the argument.",
                lambda y, c: np.eye(10)[y]),
        Mistake("rows hold several 1s: indexing with one array of labels selects whole "
                "columns. One entry per row needs a row index and a column index together.",
                _whole_columns),
    )), hints=(
    "Start from an (N, C) array of zeros; row n needs a 1 in column y[n]. NumPy can set all N "
    "entries in one assignment.",
    "Indexing with two arrays of the same length, out[rows, cols], picks the entries "
    "(rows[k], cols[k]); np.arange(N) numbers the rows.",
))


def _update_case(name: str, n: int, d: int, c: int, lr: float, seed: int, scale: float = 1.0) -> Case:
    rng = np.random.default_rng(seed)
    W = rng.standard_normal((d + 1, c))
    X = add_bias_column(scale * rng.standard_normal((n, d)))
    return Case(name, (W, X, nnlib.one_hot(rng.integers(0, c, n), c), lr), n=n)


UPDATE_CASES = (
    _update_case("N = 5 samples of 6 inputs, 3 classes", 5, 6, 3, 0.1, 1),
    _update_case("a batch of 1, 4 classes", 1, 6, 4, 0.5, 2),
    _update_case("N = 8 samples of 7 inputs (X is square), 5 classes", 8, 7, 5, 0.3, 3),
    _update_case("N = 32, 10 classes (the notebook's batch size)", 32, 12, 10, 0.5, 4),
    _update_case("large inputs (scores x W near 1000)", 6, 3, 4, 1.0, 5, scale=400.0),
)

update = Exercise("update", lambda answer: check_function(
    answer, perceptron_update, UPDATE_CASES, name="my_update", step_from=0, mistakes=(
        Mistake("the probabilities were normalised over the batch (axis 0) instead of over the "
                "classes of each sample (axis 1).",
                lambda W, X, Y, lr: W + lr / len(X) * X.T @ (Y - nnlib.softmax((X @ W).T).T)),
        Mistake("the step uses the scores X W where the probabilities softmax(X W) belong.",
                lambda W, X, Y, lr: W + lr / len(X) * X.T @ (Y - X @ W)),
    )), hints=(
    "The new weights are W plus lr times the gradient of the mean log-likelihood derived above; "
    "that gradient needs the probabilities P = softmax(X W) and the targets Y.",
    "Let the shapes guide the product: the gradient has W's shape (D+1, C) and is built from "
    "X (N, D+1) and Y - P (N, C). A mean over the batch divides by N = len(X).",
))


# --- Predict, then run: the log-likelihood of the starting weights -------------------------

START_OPTIONS = ("0", "-log 2", "-log 10", "-10", "it depends on the images")


def _start_outcome() -> str:
    """The experiment: the mean log-likelihood of W = 0 on 1,000 random "images" of 784 pixels
    and on a second, brighter batch: the same number, -log 10, whatever the images."""
    rng = np.random.default_rng(7)
    values = []
    for scale in (1.0, 255.0):
        X = add_bias_column(scale * rng.random((1000, 784)))
        y = rng.integers(0, 10, 1000)
        values.append(log_likelihood(np.zeros((785, 10)), X, y))
    if np.allclose(values, -np.log(10), rtol=1e-12):
        return "-log 10"
    return "it depends on the images"  # never, unless log_likelihood changes


start_log_likelihood = Exercise("start_log_likelihood", lambda answer: check_prediction(
    answer, _start_outcome, options=START_OPTIONS, constants={"OPTIONS": START_OPTIONS},
    values={"0": 0.0, "-log 2": -np.log(2), "-log 10": -np.log(10), "-10": -10.0},
    explanations={
        "0": "Zero is the log-likelihood of a model that is sure and right every time; W = 0 is "
             "sure of nothing.",
        "-log 2": "That would be a coin toss between two classes; there are ten.",
        "-log 10": "With W = 0 every score is 0, so the softmax gives each of the ten classes "
                   "probability 1/10 whatever the image, and the log-likelihood of any label is "
                   "log(1/10) = -log 10, about -2.303.",
        "-10": "That would mean the right "
               "class gets e^-10, far less than the 1/10 that ten equal scores give it.",
        "it depends on the images": "Every score is x W = 0 whatever the pixels x, so the images "
                                    "cannot matter.",
    }), hints=(
    "With W = 0, what is every score z = x W, whatever the image? And what does the softmax make "
    "of ten equal scores?",
    "The log-likelihood of a batch is the mean of log p(right class): if every class gets the "
    "same probability, which probability is it?",
))


# --- An open task: good weights in few updates ------------------------------------------------

UPDATES_TARGET, UPDATES_BUDGET = 0.87, 20


def _count_updates(n: int, batch_size: int, epochs: int) -> int:
    return epochs * -(-n // batch_size)  # every epoch ends with a smaller batch if n % batch_size


def _check_few_updates(settings: Any) -> CheckResult:
    """Train the softmax perceptron from W = 0 on the first 10,000 MNIST training images with
    ``settings`` ({"lr": ..., "batch_size": ..., "epochs": ...}) and check that at most 20
    updates reach 87 % accuracy on 10,000 validation images (the last 10,000 of the training
    set, never trained on)."""
    name = "your settings"
    if settings is None or settings is ...:
        return CheckResult(False, f"{name} are not given yet: a dict with lr, batch_size and epochs.")
    if not isinstance(settings, dict) or set(settings) != {"lr", "batch_size", "epochs"}:
        return CheckResult(False, f"{name} must be a dict with exactly the keys 'lr', 'batch_size' "
                                  f"and 'epochs', got {settings!r}.")
    lr, batch_size, epochs = settings["lr"], settings["batch_size"], settings["epochs"]
    if isinstance(lr, bool) or not isinstance(lr, (int, float)) or not np.isfinite(lr) or lr <= 0:
        return CheckResult(False, f"lr must be a positive number, got {lr!r}.")
    for key, value in (("batch_size", batch_size), ("epochs", epochs)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            return CheckResult(False, f"{key} must be a whole number >= 1, got {value!r}.")
    from ..datasets import load_mnist, normalize_pixels
    from ..perceptron import perceptron_run

    x_train, y_train, _, _ = load_mnist()
    n = 10_000
    updates = _count_updates(n, batch_size, epochs)
    if updates > UPDATES_BUDGET:
        return CheckResult(False, f"{epochs} epoch(s) of batches of {batch_size} make {updates} "
                                  f"updates of the weights on {n:,} images; the budget is "
                                  f"{UPDATES_BUDGET}. Fewer, larger steps?")
    run = attempt(lambda: perceptron_run(normalize_pixels(x_train[:n]), y_train[:n],
                                         normalize_pixels(x_train[-n:]), y_train[-n:],
                                         lr=float(lr), batch_size=int(batch_size),
                                         epochs=int(epochs)), name)
    if run.failure:
        return CheckResult(False, run.failure)
    reached = run.value["val_acc"][-1]
    if not np.isfinite(reached) or reached < UPDATES_TARGET:
        return CheckResult(False, f"{updates} updates reach {100 * reached:.1f} % validation accuracy, "
                                  f"short of {100 * UPDATES_TARGET:.0f} %. With so few steps, each "
                                  "one must count: how large can the learning rate be before the "
                                  "steps overshoot?")
    return CheckResult(True, f"at most {UPDATES_BUDGET} updates reach at least {100 * UPDATES_TARGET:.0f} % "
                             "validation accuracy.")


few_updates = Exercise("few_updates", _check_few_updates, hints=(
    "Section 4's comparison, turned around: here a step is what costs. What does a large batch buy "
    "you per step, and what does it let you do with the learning rate?",
    "20 updates on 10,000 images: a batch of 10,000 for 20 epochs, of 2,000 for 4, of 500 for 1... "
    "Try a few learning rates from 0.5 up to about 20 for one of them, and look at the "
    "validation accuracy.",
))
