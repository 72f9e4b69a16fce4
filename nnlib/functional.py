"""The element-wise and row-wise functions of the course, written to be numerically stable.

The textbook forms overflow: ``1 / (1 + exp(-z))`` computes ``exp(1000)`` for ``z = -1000``, and
``exp(z) / sum(exp(z))`` computes ``exp(1000) / exp(1000) = inf / inf = nan``. The forms below
never exponentiate a positive number, so they give the right answer for any finite input.
"""

from __future__ import annotations

import numpy as np

from ._validation import as_float


def sigmoid(z: np.ndarray) -> np.ndarray:
    """The logistic function 1 / (1 + exp(-z)), element-wise, without overflow.

    For z >= 0 we use 1 / (1 + e) and for z < 0 the equal e / (1 + e), with e = exp(-|z|) <= 1.
    """
    z = as_float(z, "sigmoid", "z")
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0, e) / (1.0 + e)


def log_softmax(z: np.ndarray) -> np.ndarray:
    """Row-wise log(softmax(z)) = z - log(sum(exp(z))), via the log-sum-exp trick.

    Subtracting the row maximum m changes nothing mathematically (it cancels between numerator
    and denominator) but makes every exponent <= 0, so nothing overflows. Shapes: (N, C) -> (N, C).
    """
    z = _rows(z, "log_softmax")
    with np.errstate(over="ignore"):  # z - m may overflow to -inf, whose exp is rightly 0
        shifted = z - z.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def softmax(z: np.ndarray) -> np.ndarray:
    """Row-wise softmax exp(z_c) / sum_k exp(z_k), with the row maximum subtracted first.

    Shapes: (N, C) -> (N, C); every row of the result is positive and sums to 1.
    """
    z = _rows(z, "softmax")
    with np.errstate(over="ignore"):  # as in log_softmax
        e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def _rows(z: np.ndarray, who: str) -> np.ndarray:
    z = as_float(z, who, "z")
    if z.ndim == 0 or z.shape[-1] == 0:
        raise ValueError(f"{who}: z must have one or more classes along its last axis, got shape {z.shape}")
    return z
