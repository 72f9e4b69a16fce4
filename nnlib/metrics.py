"""Measures of a classifier: accuracy, the confusion matrix and the pairs it confuses most."""

from __future__ import annotations

import numpy as np

from ._validation import as_array, as_labels, describe, positive_int


def _pair(y_true: np.ndarray, y_pred: np.ndarray, who: str,
          num_classes: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Two label vectors (N,) of the same length, N >= 1, with labels in 0..num_classes-1."""
    y_true = as_labels(y_true, who, "y_true", num_classes)
    y_pred = as_labels(y_pred, who, "y_pred", num_classes)
    if y_true.shape != y_pred.shape or len(y_true) == 0:
        raise ValueError(f"{who}: y_true and y_pred must be label vectors of the same shape (N,), "
                         f"N >= 1, got {y_true.shape} and {y_pred.shape}")
    return y_true, y_pred


def accuracy(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """The fraction of labels predicted right. Shapes: (N,), (N,)."""
    y_true, y_pred = _pair(y_true, y_pred, "accuracy")
    return float(np.mean(y_true == y_pred))


def confusion_matrix(y_true: np.ndarray, y_pred: np.ndarray, num_classes: int | None = None) -> np.ndarray:
    """Counts (C, C): entry [i, j] is how many samples of class i were predicted as class j."""
    c = None if num_classes is None else positive_int(num_classes, "confusion_matrix", "num_classes")
    y_true, y_pred = _pair(y_true, y_pred, "confusion_matrix", c)
    c = c or int(max(y_true.max(), y_pred.max())) + 1
    return np.bincount(y_true * c + y_pred, minlength=c * c).reshape(c, c)


def most_confused(cm: np.ndarray, k: int = 5) -> list[tuple[int, int, int]]:
    """The ``k`` largest off-diagonal entries of a confusion matrix as (true, predicted, count)."""
    off, k = as_array(cm, "most_confused", "cm").copy(), positive_int(k, "most_confused", "k")
    if off.ndim != 2 or len(off) != off.shape[1] or not (
            np.isfinite(off) & (off >= 0) & (np.round(off) == off)).all():  # whole numbers >= 0
        raise ValueError(f"most_confused: cm must be a square matrix (C, C) of counts, got {describe(cm)}")
    np.fill_diagonal(off, 0)
    flat = [f for f in np.argsort(off, axis=None)[::-1] if f % (len(off) + 1)][:k]  # (i, i) is at i (C + 1)
    return [(int(f // len(off)), int(f % len(off)), int(off.flat[f])) for f in flat]
