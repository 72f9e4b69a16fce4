"""Data for training: labels as one-hot rows, a train/validation split, and mini-batches.

A ``DataLoader`` walks through a data set in batches, shuffled every epoch; ``batches`` walks
through it in order, for passes that only read it (evaluation); ``one_hot`` and
``train_val_split`` are the two preparations every lesson needs before that.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import numpy as np

from ._validation import as_labels, as_pair, check_number, describe, make_rng, positive_int


class DataLoader:
    """Iterate over ``(xb, yb)`` mini-batches of ``X`` and ``y``.

    Every sample appears exactly once per epoch. With ``shuffle=True`` the order is a fresh
    permutation drawn from ``rng`` each epoch (pass a seed or a Generator to reproduce it). The
    last batch is smaller when N is not a multiple of ``batch_size``, unless ``drop_last=True``.

    Shapes: X (N, ...), y (N, ...); xb (B, ...), yb (B, ...) with B <= batch_size.
    """

    def __init__(self, X: np.ndarray, y: np.ndarray, batch_size: int, *, shuffle: bool = True,
                 rng: np.random.Generator | int | None = None, drop_last: bool = False) -> None:
        self.X, self.y = as_pair(X, y, "DataLoader")
        self.batch_size = positive_int(batch_size, "DataLoader", "batch_size")
        if drop_last and batch_size > len(self.X):
            raise ValueError(f"DataLoader: batch_size {batch_size} with drop_last=True leaves no "
                             f"batch from {len(self.X)} samples")
        self.shuffle, self.drop_last = shuffle, drop_last
        self.rng = make_rng(rng, "DataLoader")

    def __len__(self) -> int:
        n, b = len(self.X), self.batch_size
        return n // b if self.drop_last else -(-n // b)

    def __iter__(self) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        n = len(self.X)
        order = self.rng.permutation(n) if self.shuffle else np.arange(n)
        for idx in itertools.islice(batches(order, self.batch_size), len(self)):
            yield self.X[idx], self.y[idx]

    def __repr__(self) -> str:
        return (f"DataLoader({len(self.X)} samples, batch_size={self.batch_size}, "
                f"{len(self)} batches, shuffle={self.shuffle})")


def batches(X: np.ndarray, batch_size: int) -> Iterator[np.ndarray]:
    """X[0:B], X[B:2B], ... in order, the last one shorter if need be (B = ``batch_size``): for
    passes that only read the data, such as evaluation. Pair arrays with ``zip``.
    Shapes: X (N, ...) -> batches (B, ...)."""
    positive_int(batch_size, "batches", "batch_size")
    if np.ndim(X) == 0:
        raise TypeError(f"batches: X must be an array of samples (rows), got {describe(X)}")
    return (X[start:start + batch_size] for start in range(0, len(X), batch_size))


def one_hot(y: np.ndarray, num_classes: int | None = None, dtype: type = np.float64) -> np.ndarray:
    """Integer labels (N,) to one-hot rows (N, C): row n is all zeros but a 1 in column y[n]."""
    c = None if num_classes is None else positive_int(num_classes, "one_hot", "num_classes")
    y = as_labels(y, "one_hot", "labels", c)
    if c is None and len(y) == 0:
        raise ValueError("one_hot: no labels to count the classes from; give num_classes")
    out = np.zeros((len(y), int(y.max()) + 1 if c is None else c), dtype=dtype)
    out[np.arange(len(y)), y] = 1
    return out


def train_val_split(X: np.ndarray, y: np.ndarray, val_fraction: float = 0.2, *,
                    rng: np.random.Generator | int | None = None):
    """Shuffle, then split into ``X_train, X_val, y_train, y_val`` (scikit-learn's order)."""
    X, y = as_pair(X, y, "train_val_split")
    check_number(val_fraction, "train_val_split", "val_fraction", "a number in (0, 1)", lambda v: 0 < v < 1)
    n_val = max(1, round(val_fraction * len(X)))
    if n_val >= len(X):
        raise ValueError(f"train_val_split: {len(X)} sample(s) cannot make both a training and a "
                         f"validation set with val_fraction={val_fraction}")
    order = make_rng(rng, "train_val_split").permutation(len(X))
    val, train = order[:n_val], order[n_val:]
    return X[train], X[val], y[train], y[val]
