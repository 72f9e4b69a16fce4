"""The multiclass perceptron of lesson 01: one layer of softmax neurons, written out by hand.

The model is p(class | x) = softmax(x W), where x carries a constant 1 in its first column so
that the first row of W plays the part of the bias. Training ascends the log-likelihood
sum_n log p(y_n | x_n), whose gradient with respect to W is X^T (Y - P): each weight moves by
its input times the gap between the one-hot target and the predicted probability. nnlib's
``Affine`` + ``CrossEntropy`` + ``SGD`` compute exactly the same thing with a separate bias.
"""

from __future__ import annotations

import numpy as np

from .functional import log_softmax, softmax
from .learner import Callback, Learner
from .validation import as_batch


def add_bias_column(X: np.ndarray) -> np.ndarray:
    """Prepend a column of ones, so that x W includes a bias: [1, x_1, ..., x_D].

    Shapes: X (N, D) -> (N, D + 1), same dtype.
    """
    X = as_batch(X, "add_bias_column", "X")
    return np.hstack([np.ones((len(X), 1), dtype=X.dtype), X])


def perceptron_probs(W: np.ndarray, X: np.ndarray) -> np.ndarray:
    """Class probabilities P = softmax(X W), row by row.

    Shapes: W (D + 1, C), X (N, D + 1) with the bias column, P (N, C).
    """
    return softmax(X @ W)


def perceptron_update(W: np.ndarray, X: np.ndarray, Y: np.ndarray, lr: float) -> np.ndarray:
    """One step of gradient ascent on the mean log-likelihood: W + lr / N * X^T (Y - softmax(X W)).

    Returns a new array (W is left unchanged). Shapes: W (D + 1, C), X (N, D + 1), Y (N, C) one-hot.
    """
    X = as_batch(X, "perceptron_update", "X")
    if Y.shape != (len(X), W.shape[1]):
        raise ValueError(f"perceptron_update: Y has shape {Y.shape}, expected one-hot targets "
                         f"{(len(X), W.shape[1])} for X {X.shape} and W {W.shape}")
    return W + lr / len(X) * (X.T @ (Y - perceptron_probs(W, X)))


def log_likelihood(W: np.ndarray, X: np.ndarray, y: np.ndarray) -> float:
    """Mean log-likelihood of the labels, 1/N sum_n log softmax(x_n W)_{y_n} (always <= 0).

    Shapes: W (D + 1, C), X (N, D + 1), y (N,) integer labels.
    """
    return float(np.mean(log_softmax(X @ W)[np.arange(len(y)), y]))


def worst_mistakes(probs: np.ndarray, y: np.ndarray) -> np.ndarray:
    """For each true class k, the index of the misclassified sample of class k whose predicted
    (wrong) class got the highest probability: the model's most confident mistake on k.

    -1 for a class without mistakes. Shapes: probs (N, C), y (N,) -> (C,) int64.
    """
    pred, confidence = probs.argmax(axis=1), probs.max(axis=1)
    worst = np.full(probs.shape[1], -1, dtype=np.int64)
    for k in range(probs.shape[1]):
        wrong = np.flatnonzero((y == k) & (pred != k))
        if len(wrong):
            worst[k] = wrong[np.argmax(confidence[wrong])]
    return worst


def class_means(X: np.ndarray, y: np.ndarray, y_pred: np.ndarray, num_classes: int) -> np.ndarray:
    """Mean of the correctly classified samples of each class (zeros for a class with none).

    Shapes: X (N, D), y (N,), y_pred (N,) -> (C, D).
    """
    means = np.zeros((num_classes, X.shape[1]), dtype=np.float64)
    for k in range(num_classes):
        right = (y == k) & (y_pred == k)
        if right.any():
            means[k] = X[right].mean(axis=0)
    return means


class KeepBest(Callback):
    """Early stopping in hindsight: remember the parameters of the epoch with the lowest
    ``history[monitor]`` (e.g. the validation loss) and put them back when the fit ends.

    After the fit, ``best_epoch`` is that epoch, counted from 1.
    """

    def __init__(self, monitor: str = "val_loss") -> None:
        self.monitor = monitor
        self.best_epoch = 0
        self.best_value = np.inf
        self._best: dict[str, np.ndarray] = {}

    def on_epoch_end(self, learner: Learner) -> None:
        values = learner.history.get(self.monitor)
        if not values:
            raise KeyError(f"KeepBest: the history has no {self.monitor!r}; put KeepBest after "
                           "the callback that records it (e.g. Evaluate)")
        if values[-1] < self.best_value:
            self.best_value, self.best_epoch = values[-1], len(values)
            self._best = {name: p.copy() for name, p, _ in learner.model.parameters()}

    def on_fit_end(self, learner: Learner) -> None:
        for name, param, _ in learner.model.parameters():
            param[...] = self._best[name]
