"""Losses: one number that says how wrong a batch of predictions is, and its gradient.

``loss(y_hat, y)`` returns the mean over the batch as a float and remembers what ``backward()``
needs; ``loss.backward()`` returns dL/dy_hat with the shape of y_hat. Shapes are checked
strictly, because a silent broadcast gives a wrong loss that still trains. ``predict`` turns
outputs into class labels, so that accuracy is measured the way the loss reads the outputs.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._validation import as_array, as_batch, check_finite, check_same_shape
from .functional import log_softmax, sigmoid, softmax


class Loss:
    """Base class: subclasses implement ``forward`` (returning a float) and ``backward``."""

    def __init__(self) -> None:
        self._cache: Any = None

    def __call__(self, y_hat: np.ndarray, y: np.ndarray) -> float:
        return self.forward(y_hat, y)

    def forward(self, y_hat: np.ndarray, y: np.ndarray) -> float:
        raise NotImplementedError

    def backward(self) -> np.ndarray:
        raise NotImplementedError

    def predict(self, y_hat: np.ndarray) -> np.ndarray:
        """Class labels (N,) from outputs: the arg-max over columns, or a threshold for one column."""
        y_hat = np.asarray(y_hat)
        if y_hat.shape[1] == 1:
            return (y_hat[:, 0] > self._threshold).astype(np.int64)
        return y_hat.argmax(axis=1)

    _threshold = 0.5

    def _inputs(self, y_hat: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Check that y_hat is a finite (N, M) batch and y a finite array of the same shape."""
        who = type(self).__name__
        y_hat = as_batch(y_hat, who, "y_hat (the predictions)")
        y = as_array(y, who, "y (the targets)")
        check_same_shape(y, y_hat, who, "y (the targets)", "y_hat (the predictions)")
        check_finite(y_hat, who, "y_hat (the predictions)")
        check_finite(y, who, "y (the targets)")
        return y_hat, y

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
        y_hat, y = self._inputs(y_hat, y)
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
        self.eps = eps

    def forward(self, y_hat: np.ndarray, y: np.ndarray) -> float:
        y_hat, y = self._inputs(y_hat, y)
        if y_hat.min() < 0 or y_hat.max() > 1:
            raise ValueError(
                f"BCE: y_hat must be probabilities in [0, 1], got values in "
                f"[{y_hat.min():.3g}, {y_hat.max():.3g}]; for raw scores use BCEWithLogits"
            )
        p = np.clip(y_hat, self.eps, 1 - self.eps)
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
        z, y = self._inputs(y_hat, y)
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
        z = as_batch(y_hat, "CrossEntropy", "y_hat (the logits)")
        y = as_array(y, "CrossEntropy", "y (the targets)")
        n, c = z.shape
        if y.ndim == 1:
            check_finite(z, "CrossEntropy", "y_hat (the logits)")
            y = self._labels_to_one_hot(y, n, c, z.dtype)
        else:
            z, y = self._inputs(z, y)
            if not np.allclose(y.sum(axis=1), 1, atol=1e-6) or y.min() < 0:
                raise ValueError("CrossEntropy: (N, C) targets must be one-hot (or probabilities "
                                 "that are >= 0 and sum to 1 per row)")
        self._cache = (z, y)
        return float(-np.sum(y * log_softmax(z)) / n)

    @staticmethod
    def _labels_to_one_hot(y: np.ndarray, n: int, c: int, dtype: Any) -> np.ndarray:
        if len(y) != n:
            raise ValueError(f"CrossEntropy: {len(y)} labels for {n} predictions; "
                             "expected one label per row of y_hat")
        if not np.issubdtype(y.dtype, np.integer):
            check_finite(y, "CrossEntropy", "y (the labels)")
            if not np.all(y == np.round(y)):
                raise ValueError("CrossEntropy: labels of shape (N,) must be whole numbers "
                                 "(class indices); for one-hot targets pass shape (N, C)")
            y = y.astype(np.int64)
        if y.min() < 0 or y.max() >= c:
            bad = y[(y < 0) | (y >= c)]
            raise ValueError(f"CrossEntropy: labels must lie in 0..{c - 1} for {c} classes "
                             f"(y_hat has {c} columns), got {bad[:5].tolist()}")
        one_hot = np.zeros((n, c), dtype=dtype)
        one_hot[np.arange(n), y] = 1
        return one_hot

    def backward(self) -> np.ndarray:
        z, y = self._saved()
        return (softmax(z) - y) / len(z)
