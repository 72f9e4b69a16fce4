"""Losses: one number that says how wrong a batch of predictions is, and its gradient.

``loss(y_hat, y)`` returns the mean over the batch as a float and remembers what ``backward()``
needs; ``loss.backward()`` returns dL/dy_hat with the shape of y_hat. Shapes are checked
strictly, because a silent broadcast gives a wrong loss that still trains. ``predict`` turns
outputs, and ``target_labels`` targets, into class labels; ``count_correct`` compares the two,
the one place where nnlib counts right answers (so accuracy is read the way the loss reads).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._validation import as_batch, as_labels, as_loss_inputs, check_finite, check_number, check_range
from .data import one_hot
from .functional import log_softmax, sigmoid, softmax


class Loss:
    """Base class: subclasses implement ``forward`` (returning a float) and ``backward``."""

    _threshold = 0.5  # one output column: class 1 above this (probabilities; logits use 0)

    def __init__(self) -> None:
        self._cache: Any = None

    def __call__(self, y_hat: np.ndarray, y: np.ndarray) -> float:
        return self.forward(y_hat, y)

    def forward(self, y_hat: np.ndarray, y: np.ndarray) -> float:
        raise NotImplementedError(f"{type(self).__name__} must implement forward(y_hat, y)")

    def backward(self) -> np.ndarray:
        raise NotImplementedError(f"{type(self).__name__} must implement backward()")

    def predict(self, y_hat: np.ndarray) -> np.ndarray:
        """Class labels (N,) from outputs (N, C): the arg-max over columns, or for one column
        1 where it is above the threshold (0.5 for probabilities, 0 for logits)."""
        y_hat = as_batch(y_hat, f"{type(self).__name__}.predict", "y_hat")
        check_finite(y_hat, f"{type(self).__name__}.predict", "y_hat")
        if y_hat.shape[1] == 1:
            return (y_hat[:, 0] > self._threshold).astype(np.int64)
        return y_hat.argmax(axis=1)

    @staticmethod
    def target_labels(y: np.ndarray) -> np.ndarray:
        """Class labels (N,) from targets: labels (N,) as they are, a column (N, 1) of 0/1
        targets as 1 where above 0.5, one-hot (or probability) rows (N, C) by their arg-max."""
        if np.ndim(y) == 1:
            return as_labels(y, "Loss.target_labels", "y")
        y = as_batch(y, "Loss.target_labels", "y (labels (N,), or targets (N, C))")
        return (y[:, 0] > 0.5).astype(np.int64) if y.shape[1] == 1 else y.argmax(axis=1)

    def count_correct(self, y_hat: np.ndarray, y: np.ndarray) -> int:
        """How many rows of y_hat ``predict`` the class that ``target_labels(y)`` names."""
        predicted, true = self.predict(y_hat), self.target_labels(y)
        if len(predicted) != len(true):
            raise ValueError(f"{type(self).__name__}.count_correct: {len(predicted)} rows of y_hat "
                             f"but {len(true)} targets y")
        return int(np.count_nonzero(predicted == true))

    def _saved(self) -> Any:
        if self._cache is None:
            raise RuntimeError(f"{type(self).__name__}: backward() called before the loss")
        return self._cache

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class MSE(Loss):
    """Half the squared error, averaged over the batch: L = 1/N sum_n 1/2 ||y_hat_n - y_n||^2.

    The 1/2 is there so that the gradient is simply (y_hat - y) / N.
    Shapes: y_hat (N, M), y (N, M).
    """

    def forward(self, y_hat: np.ndarray, y: np.ndarray) -> float:
        y_hat, y = as_loss_inputs(y_hat, y, "MSE")
        diff = y_hat - y
        self._cache = (diff,)
        return float(0.5 * np.sum(diff**2) / len(diff))

    def backward(self) -> np.ndarray:
        (diff,) = self._saved()
        return diff / len(diff)


class BCE(Loss):
    """Binary cross-entropy on probabilities: L = -mean(y log p + (1 - y) log(1 - p)).

    p is clipped to [eps, 1 - eps] so that a confident mistake costs a large but finite amount.
    Prefer ``BCEWithLogits`` after a linear layer: it is exact where this has to clip.
    Shapes: y_hat (N, M) probabilities in [0, 1], y (N, M) targets in [0, 1].
    """

    def __init__(self, eps: float = 1e-12) -> None:
        super().__init__()
        self.eps = check_number(eps, "BCE", "eps", "a number in (0, 0.5)", lambda v: 0 < v < 0.5)

    def forward(self, y_hat: np.ndarray, y: np.ndarray) -> float:
        y_hat, y = as_loss_inputs(y_hat, y, "BCE")
        check_range(y_hat, 0, 1, "BCE", "y_hat (probabilities)", "; for raw scores use BCEWithLogits")
        check_range(y, 0, 1, "BCE", "y (the targets)")
        # 1 - 1e-12 is 1.0 in float32 (and 1e-12 is 0 in float16), whose log is -inf: stay inside
        one, tiny = y_hat.dtype.type(1), np.finfo(y_hat.dtype).tiny
        p = np.clip(y_hat, max(self.eps, tiny), min(1 - self.eps, np.nextafter(one, 0)))
        self._cache = (p, y)
        return float(-np.mean(y * np.log(p) + (1 - y) * np.log1p(-p)))

    def backward(self) -> np.ndarray:
        p, y = self._saved()
        return (p - y) / (p * (1 - p)) / p.size


class BCEWithLogits(Loss):
    """Binary cross-entropy on logits z, with p = sigmoid(z): L = -mean(y log p + (1-y) log(1-p)).

    Rewritten as max(z, 0) - z y + log(1 + exp(-|z|)), which never overflows; dL/dz = (p - y) / size.
    Shapes: y_hat (N, M) logits, y (N, M) targets in [0, 1].
    """

    _threshold = 0.0

    def forward(self, y_hat: np.ndarray, y: np.ndarray) -> float:
        z, y = as_loss_inputs(y_hat, y, "BCEWithLogits")
        check_range(y, 0, 1, "BCEWithLogits", "y (the targets)")
        self._cache = (z, y)
        return float(np.mean(np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z)))))

    def backward(self) -> np.ndarray:
        z, y = self._saved()
        return (sigmoid(z) - y) / z.size


class CrossEntropy(Loss):
    """Softmax cross-entropy on logits: L = -1/N sum_n sum_c y_nc log softmax(z_n)_c.

    Computed with log-softmax (no overflow). The softmax and the log cancel in the gradient:
    dL/dz = (softmax(z) - y) / N, with y one-hot.
    Shapes: y_hat (N, C) logits; y (N,) integer labels in 0..C-1, or (N, C) one-hot/probabilities.
    """

    def forward(self, y_hat: np.ndarray, y: np.ndarray) -> float:
        z, y = self._targets(y_hat, y)
        self._cache = (z, y)
        # Terms with y = 0 are 0, even where log softmax underflows to -inf (0 * -inf is NaN).
        terms = np.multiply(y, log_softmax(z), out=np.zeros_like(z), where=y != 0)
        return float(-np.sum(terms) / len(z))

    def backward(self) -> np.ndarray:
        z, y = self._saved()
        return (softmax(z) - y) / len(z)

    def _targets(self, y_hat: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The logits (N, C) and the targets as rows (N, C): labels (N,) become one-hot rows."""
        z = as_batch(y_hat, "CrossEntropy", "y_hat (the logits)")
        if np.ndim(y) != 1:
            z, y = as_loss_inputs(z, y, "CrossEntropy")
            if y.min() < 0 or not np.allclose(y.sum(axis=1), 1, atol=1e-6):
                raise ValueError("CrossEntropy: (N, C) targets must be one-hot (or probabilities "
                                 "that are >= 0 and sum to 1 per row)")
            return z, y
        check_finite(z, "CrossEntropy", "y_hat (the logits)")
        labels = as_labels(y, "CrossEntropy", "y (the labels)", z.shape[1])
        if len(labels) != len(z):
            raise ValueError(f"CrossEntropy: {len(labels)} labels for {len(z)} predictions; "
                             "expected one label per row of y_hat")
        return z, one_hot(labels, z.shape[1], dtype=z.dtype)
