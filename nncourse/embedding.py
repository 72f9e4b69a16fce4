"""The embedding lesson: two digits of MNIST as a yes/no problem, and a network cut in two.

A network whose last hidden layer has k units ends in a logistic regression on those k numbers.
Cut it there: the first part (the encoder) maps an image to a point e of R^k, its embedding; the
second part (the head) is p = sigmoid(e . w + b), whose p = 1/2 set is a line when k = 2. The
helpers below make the data, cut the network, compute embeddings and draw them.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from nnlib import Model, sigmoid

from .datasets import normalize_pixels
from .plotting import grid_over, plot_probability_contours


def digit_pair(images: np.ndarray, labels: np.ndarray, negative: int = 3,
               positive: int = 8) -> tuple[np.ndarray, np.ndarray]:
    """Keep the images of two digits: X their pixels in [0, 1] (float32, flattened), y = 1 for
    ``positive`` and 0 for ``negative``. Shapes: images (N, H, W) -> X (n, H*W), y (n, 1)."""
    labels = np.asarray(labels)
    keep = (labels == negative) | (labels == positive)
    X = normalize_pixels(images[keep])
    y = (labels[keep] == positive).astype(np.float32)[:, None]
    return X, y


def split_at(model: Model, k: int) -> tuple[Model, Model]:
    """Cut ``model`` after its first k layers: (encoder, head), both sharing the model's weights,
    so that head(encoder(x)) == model(x) and training the model moves both."""
    if not 0 < k < len(model.layers):
        raise ValueError(f"split_at: k must be in 1..{len(model.layers) - 1} for a model of "
                         f"{len(model.layers)} layers, got {k}")
    return Model(model.layers[:k]), Model(model.layers[k:])


def embed(encoder: Model, X: np.ndarray, batch_size: int = 1000) -> np.ndarray:
    """The embeddings e = encoder(x) of every row of X, in batches to bound memory.
    Shapes: X (N, D) -> e (N, k)."""
    return np.concatenate([encoder(X[i:i + batch_size]) for i in range(0, len(X), batch_size)])


def head_probability(head: Model):
    """p(e) = sigmoid(head(e)) as a function of embeddings (M, k) -> probabilities (M,), the form
    that ``plot_probability_contours`` and ``plot_sigmoid_surface`` take."""
    return lambda E: sigmoid(head(E))[:, 0]


def plot_embedding(prob, E: np.ndarray, y: np.ndarray, *, wrong: np.ndarray | None = None,
                   class_names: tuple[str, str] = ("3", "8"), ax: Axes | None = None,
                   title: str = "The test set in the embedding plane") -> Axes:
    """Points E (N, 2) coloured by class over the filled contours of ``prob``, its 1/2 line in
    black, and the points flagged by the boolean mask ``wrong`` (N,) circled."""
    y = np.asarray(y).reshape(-1).astype(np.int64)
    ax = plot_probability_contours(prob, E, y, ax=ax, title=title)
    ax.figure.axes[-1].set_ylabel(f"P(digit {class_names[1]})")  # the colour bar just drawn
    ax.collections[0].set_alpha(0.35)  # lighter filled contours, so that the dots stand out
    for dots, name in zip(ax.collections[-2:], class_names, strict=True):
        dots.set_label(f"digit {name}")
    if wrong is not None and np.any(wrong):
        ax.scatter(*E[wrong].T, s=60, facecolor="none", edgecolor="k", linewidths=1.2,
                   label=f"misclassified ({int(np.sum(wrong))})")
    ax.set(xlabel="embedding $e_1$", ylabel="embedding $e_2$")
    ax.legend(loc="upper right", fontsize=8)
    return ax


def plot_sigmoid_surface(prob, E: np.ndarray, y: np.ndarray, *, ax: Axes | None = None,
                         class_names: tuple[str, str] = ("3", "8"), resolution: int = 100,
                         title: str = "The logistic output over the embedding plane") -> Axes:
    """The surface z = prob(e) over the plane of E (N, 2), with every point lifted to its own
    probability, so that the points sit on the sigmoid sheet."""
    if ax is None:
        ax = plt.figure(figsize=(7, 5.5)).add_subplot(projection="3d")
    xx, yy, grid = grid_over(E, resolution)
    ax.plot_surface(xx, yy, prob(grid).reshape(xx.shape), cmap="RdBu_r", alpha=0.45,
                    linewidth=0, vmin=0, vmax=1, rcount=resolution, ccount=resolution)
    y = np.asarray(y).reshape(-1).astype(np.int64)
    p = prob(E)
    for c, colour in ((0, "tab:blue"), (1, "tab:red")):
        ax.scatter(*E[y == c].T, p[y == c], s=4, color=colour, label=f"digit {class_names[c]}")
    ax.set(xlabel="$e_1$", ylabel="$e_2$", zlabel=f"P(digit {class_names[1]})", title=title)
    ax.legend(loc="upper left", fontsize=8)
    return ax


def compare_binary(y_true: np.ndarray, predictions: dict[str, np.ndarray],
                   class_names: tuple[str, str] = ("3", "8")) -> pd.DataFrame:
    """A table with one row per classifier: accuracy (%), errors, and each kind of mistake.
    Shapes: y_true (N,) or (N, 1) of 0/1; each prediction the same."""
    y_true = np.asarray(y_true).reshape(-1).astype(np.int64)
    a, b = class_names
    rows = {}
    for name, y_pred in predictions.items():
        y_pred = np.asarray(y_pred).reshape(-1).astype(np.int64)
        if y_pred.shape != y_true.shape:
            raise ValueError(f"compare_binary: {name} has {y_pred.shape} predictions for "
                             f"{y_true.shape} labels")
        rows[name] = {"accuracy (%)": round(100 * float(np.mean(y_pred == y_true)), 2),
                      "errors": int(np.sum(y_pred != y_true)),
                      f"{a}s called {b}": int(np.sum((y_true == 0) & (y_pred == 1))),
                      f"{b}s called {a}": int(np.sum((y_true == 1) & (y_pred == 0)))}
    return pd.DataFrame.from_dict(rows, orient="index")
