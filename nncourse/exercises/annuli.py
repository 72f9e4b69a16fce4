"""Lesson 03's exercises: the softmax cross-entropy gradient, and a prediction of which
learning rate trains best (made before the experiment runs, and checked against it).

In the lesson: ``exercises.cross_entropy_gradient.check(softmax_cross_entropy_grad)`` and
``exercises.learning_rate.check(best_learning_rate)``; ``learning_rate_runs()`` returns the
experiment's training histories, for the figure that follows.
"""

from __future__ import annotations

import functools

import numpy as np

from nnlib import SGD, CrossEntropy, DataLoader, Learner, softmax

from ..annuli import annuli_network, make_annuli
from .checks import check_function
from .choices import check_prediction
from .framework import Case, Exercise, Mistake

_rng = np.random.default_rng(303)


def _cross_entropy_gradient(Z: np.ndarray, labels: np.ndarray) -> np.ndarray:
    loss = CrossEntropy()
    loss(Z, labels)
    return loss.backward()


def _whole_columns(Z: np.ndarray, labels: np.ndarray) -> np.ndarray:
    grad = softmax(Z)
    grad[:, labels] -= 1
    return grad / len(Z)


CE_CASES = (
    Case("5 samples, 3 classes", (_rng.standard_normal((5, 3)), np.array([0, 2, 1, 1, 0])), n=5),
    Case("scores of 1000 and -1000", (np.array([[1000.0, 0.0, -1000.0], [3.0, 3.0, 3.0]]), np.array([2, 1])),
         n=2),
    Case("8 samples, 4 classes, class 3 absent from the labels",
         (_rng.standard_normal((8, 4)), np.array([0, 2, 1, 1, 0, 2, 2, 1])), n=8),
    Case("a batch of 1, 6 classes", (_rng.standard_normal((1, 6)), np.array([4])), n=1),
    Case("4 samples, 4 classes (square)", (_rng.standard_normal((4, 4)), np.array([3, 0, 3, 1])), n=4),
)

cross_entropy_gradient = Exercise("cross_entropy_gradient", lambda answer: check_function(
    answer, _cross_entropy_gradient, CE_CASES, name="softmax_cross_entropy_grad", mistakes=(
        Mistake("1 was subtracted in whole columns (every row at every label of the batch); each "
                "row needs it at its own label only.", _whole_columns),
    )), hints=(
    "Differentiate one sample's loss, -log softmax(z)_y, with respect to each score z_c (two "
    "cases: c = y and c != y); the mean over the batch then scales every row.",
    "Row n of the gradient is softmax(z_n) minus the one-hot row of label y_n, divided by N. "
    "NumPy can index one entry per row with a pair of index arrays.",
))


LEARNING_RATES = (0.3, 3, 30)


@functools.cache
def _runs(seed: int = 3) -> tuple[tuple[float, tuple[float, ...]], ...]:
    rng = np.random.default_rng(seed)
    X, y = make_annuli(2000, 0.1, rng)
    runs = []
    for lr in LEARNING_RATES:
        learner = Learner(annuli_network(10, rng=0), CrossEntropy(), SGD(lr, momentum=0.0), progress=False)
        runs.append((lr, tuple(learner.fit(DataLoader(X, y, 100, rng=rng), 30)["loss"])))
    return tuple(runs)


def learning_rate_runs() -> dict[float, list[float]]:
    """The experiment: a fresh 2-10-3 network (the same initial weights) trained for 30 epochs
    on 2,000 annuli points with plain SGD at each rate. Returns {lr: training loss per epoch}.
    Computed once, then remembered."""
    return {lr: list(losses) for lr, losses in _runs()}


def _best_rate() -> float:
    return min(_runs(), key=lambda run: run[1][-1])[0]


learning_rate = Exercise("learning_rate", lambda answer: check_prediction(
    answer, _best_rate, options=LEARNING_RATES, constants={"LEARNING_RATES": LEARNING_RATES},
    explanations={
        0.3: "0.3 hardly moves away from log 3 in 30 epochs: each step is too small.",
        3: "3 is fast and stable: it ends far below the other two.",
        30: "30 overshoots at every step: the loss stays far above where it started.",
    }), hints=(
    "Think of a single step, w - lr * gradient: what happens when it is tiny, and what when it "
    "jumps past the bottom of the valley?",
    "30 epochs of 20 batches make 600 steps, and near the start the loss is flat (about log 3). "
    "Estimate how far 600 steps of each size carry the weights, and whether a step can jump "
    "across a valley.",
))
