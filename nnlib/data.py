"""Data for training: labels as one-hot rows, a train/validation split, and mini-batches.

A ``DataLoader`` walks through a data set in batches, shuffled every epoch; ``one_hot`` and
``train_val_split`` are the two preparations every lesson needs before that.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from ._validation import as_array


class DataLoader:
    """Iterate over ``(xb, yb)`` mini-batches of ``X`` and ``y``.

    Every sample appears exactly once per epoch. With ``shuffle=True`` the order is a fresh
    permutation drawn from ``rng`` each epoch (pass a seed or a Generator to reproduce it). The
    last batch is smaller when N is not a multiple of ``batch_size``, unless ``drop_last=True``.

    Shapes: X (N, ...), y (N, ...); xb (B, ...), yb (B, ...) with B <= batch_size.
    """

    def __init__(self, X: np.ndarray, y: np.ndarray, batch_size: int, *, shuffle: bool = True,
                 rng: np.random.Generator | int | None = None, drop_last: bool = False) -> None:
        self.X = as_array(X, "DataLoader", "X")
        self.y = as_array(y, "DataLoader", "y")
        if self.X.ndim == 0 or self.y.ndim == 0 or len(self.X) != len(self.y):
            raise ValueError(f"DataLoader: X and y must have the same number of samples (rows), "
                             f"got X of shape {self.X.shape} and y of shape {self.y.shape}")
        if not isinstance(batch_size, (int, np.integer)) or batch_size < 1:
            raise ValueError(f"DataLoader: batch_size must be a positive integer, got {batch_size!r}")
        if drop_last and batch_size > len(self.X):
            raise ValueError(f"DataLoader: batch_size {batch_size} with drop_last=True leaves no "
                             f"batch from {len(self.X)} samples")
        self.batch_size = int(batch_size)
        self.shuffle = shuffle
        self.drop_last = drop_last
        self.rng = np.random.default_rng(rng)

    def __len__(self) -> int:
        n, b = len(self.X), self.batch_size
        return n // b if self.drop_last else -(-n // b)

    def __iter__(self) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        n = len(self.X)
        order = self.rng.permutation(n) if self.shuffle else np.arange(n)
        for i in range(len(self)):
            idx = order[i * self.batch_size:(i + 1) * self.batch_size]
            yield self.X[idx], self.y[idx]

    def __repr__(self) -> str:
        return (f"DataLoader({len(self.X)} samples, batch_size={self.batch_size}, "
                f"{len(self)} batches, shuffle={self.shuffle})")


def one_hot(y: np.ndarray, num_classes: int | None = None, dtype: type = np.float64) -> np.ndarray:
    """Integer labels (N,) to one-hot rows (N, C): row n is all zeros but a 1 in column y[n]."""
    y = as_array(y, "one_hot", "labels")
    if y.ndim != 1 or not np.issubdtype(y.dtype, np.integer):
        raise ValueError(f"one_hot: labels must be integers of shape (N,), got {y.dtype} {y.shape}")
    c = int(y.max()) + 1 if num_classes is None else num_classes
    if len(y) and (y.min() < 0 or y.max() >= c):
        raise ValueError(f"one_hot: labels must lie in 0..{c - 1}, got values in "
                         f"{int(y.min())}..{int(y.max())}")
    out = np.zeros((len(y), c), dtype=dtype)
    out[np.arange(len(y)), y] = 1
    return out


def train_val_split(X: np.ndarray, y: np.ndarray, val_fraction: float = 0.2, *,
                    rng: np.random.Generator | int | None = None):
    """Shuffle, then split into ``X_train, X_val, y_train, y_val`` (scikit-learn's order)."""
    if len(X) != len(y):
        raise ValueError(f"train_val_split: X has {len(X)} rows but y has {len(y)}")
    if not 0 < val_fraction < 1:
        raise ValueError(f"train_val_split: val_fraction must be in (0, 1), got {val_fraction}")
    order = np.random.default_rng(rng).permutation(len(X))
    n_val = max(1, round(val_fraction * len(X)))
    val, train = order[:n_val], order[n_val:]
    return X[train], X[val], y[train], y[val]
