"""The embedding lesson: two digits of MNIST as a yes/no problem, and a network cut in two.

A network whose last hidden layer has k units ends in a logistic regression on those k numbers.
Cut it there: the first part (the encoder) maps an image to a point e of R^k, its embedding; the
second part (the head) is p = sigmoid(e . w + b), whose p = 1/2 set is a line when k = 2. The
helpers below make the data, cut the network, compute embeddings and draw them, and take the
validation loss apart image by image.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from nnlib import Model, accuracy, batches, sigmoid
from nnlib._validation import (
    as_array,
    as_batch,
    as_labels,
    as_loss_inputs,
    check_instance,
    check_number,
    describe,
    positive_int,
)

from .datasets import normalize_pixels
from .plotting import grid_over, plot_probability_contours


def digit_pair(images: np.ndarray, labels: np.ndarray, negative: int = 3,
               positive: int = 8) -> tuple[np.ndarray, np.ndarray]:
    """Keep the images of two digits: X their pixels in [0, 1] (float32, flattened), y = 1 for
    ``positive`` and 0 for ``negative``. Shapes: images (N, H, W) -> X (n, H*W), y (n, 1)."""
    images, labels = as_array(images, "digit_pair", "images"), as_labels(labels, "digit_pair", "labels")
    if images.ndim < 2:
        raise ValueError(f"digit_pair: images must be a batch (N, H, W), got shape {images.shape}")
    for what, digit in (("negative", negative), ("positive", positive)):
        check_number(digit, "digit_pair", what, "a digit (an integer >= 0)", lambda v: v >= 0, integer=True)
    if negative == positive or len(images) != len(labels):
        raise ValueError(f"digit_pair: need two different digits and one label per image, got negative="
                         f"{negative}, positive={positive}, {len(images)} images, {len(labels)} labels")
    keep = (labels == negative) | (labels == positive)
    if not keep.any():
        raise ValueError(f"digit_pair: no image is labelled {negative} or {positive}")
    X = normalize_pixels(images[keep])
    y = (labels[keep] == positive).astype(np.float32)[:, None]
    return X, y


def split_at(model: Model, k: int) -> tuple[Model, Model]:
    """Cut ``model`` after its first k layers: (encoder, head), both sharing the model's weights,
    so that head(encoder(x)) == model(x) and training the model moves both. The parameters keep
    the names they have in ``model`` ("affine4.W" in the head too)."""
    check_instance(model, Model, "split_at", "model")
    check_number(k, "split_at", "k", f"an integer in 1..{len(model) - 1} for a model of {len(model)} layers",
                 lambda v: 0 < v < len(model), integer=True)
    return model[:k], model[k:]


def embed(encoder: Model, X: np.ndarray, batch_size: int = 1000) -> np.ndarray:
    """The embeddings e = encoder(x) of every row of X, in batches to bound memory.
    Shapes: X (N, D) -> e (N, k)."""
    check_instance(encoder, Model, "embed", "encoder")
    X = as_batch(X, "embed", "X")
    return np.concatenate([encoder(xb) for xb in batches(X, positive_int(batch_size, "embed", "batch_size"))])


def head_probability(head: Model):
    """p(e) = sigmoid(head(e)) as a function of embeddings (M, k) -> probabilities (M,), the form
    that ``plot_probability_contours`` and ``plot_sigmoid_surface`` take."""
    check_instance(head, Model, "head_probability", "head")
    return lambda E: sigmoid(head(E))[:, 0]


def plot_embedding(prob, E: np.ndarray, y: np.ndarray, *, wrong: np.ndarray | None = None,
                   class_names: tuple[str, str] = ("3", "8"), ax: Axes | None = None,
                   title: str = "The test set in the embedding plane") -> Axes:
    """Points E (N, 2) coloured by class over the filled contours of ``prob``, its 1/2 line in
    black, and the points flagged by the boolean mask ``wrong`` (N,) circled."""
    E, y = _plane(prob, E, y, "plot_embedding")
    # 0/1 integers would not be a mask: E[wrong] would circle the points numbered 0 and 1
    if wrong is not None and (np.shape(wrong) != (len(E),) or np.asarray(wrong).dtype != bool):
        raise ValueError(f"plot_embedding: wrong must be a boolean mask of shape ({len(E)},), "
                         f"got {describe(wrong)}")
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
    E, y = _plane(prob, E, y, "plot_sigmoid_surface")
    resolution = positive_int(resolution, "plot_sigmoid_surface", "resolution")
    if ax is None:
        ax = plt.figure(figsize=(7, 5.5)).add_subplot(projection="3d")
    xx, yy, grid = grid_over(E, resolution)
    ax.plot_surface(xx, yy, prob(grid).reshape(xx.shape), cmap="RdBu_r", alpha=0.45,
                    linewidth=0, vmin=0, vmax=1, rcount=resolution, ccount=resolution)
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
    y_true = _binary(y_true, "y_true")
    if not isinstance(predictions, dict):
        raise TypeError(f"compare_binary: predictions must be a dict {{name: labels}}, got {predictions!r}")
    a, b = class_names
    rows = {}
    for name, y_pred in predictions.items():
        y_pred = _binary(y_pred, f"the predictions of {name!r}")
        if y_pred.shape != y_true.shape:
            raise ValueError(f"compare_binary: {name} has {y_pred.shape} predictions for "
                             f"{y_true.shape} labels")
        rows[name] = {"accuracy (%)": round(100 * accuracy(y_true, y_pred), 2),
                      "errors": int(np.sum(y_pred != y_true)),
                      f"{a}s called {b}": int(np.sum((y_true == 0) & (y_pred == 1))),
                      f"{b}s called {a}": int(np.sum((y_true == 1) & (y_pred == 0)))}
    return pd.DataFrame.from_dict(rows, orient="index")


def image_losses(z: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The binary cross-entropy of each image, -log of the probability given to its true label,
    from the logits: max(z, 0) - z y + log(1 + exp(-|z|)), as in BCEWithLogits, whose loss is
    their mean. Shapes: z (N, 1), y (N, 1) of 0/1 -> (N,)."""
    z, y = as_loss_inputs(z, y, "image_losses")
    if z.shape[1] != 1 or not np.all((y == 0) | (y == 1)):
        raise ValueError(f"image_losses: expected logits z (N, 1) and labels y (N, 1) of 0 or 1, got "
                         f"z {z.shape} and y with values {np.unique(y)[:5].tolist()}")
    return (np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z))))[:, 0]


def _plane(prob, E: np.ndarray, y: np.ndarray, who: str) -> tuple[np.ndarray, np.ndarray]:
    """Check the arguments of the two plots: prob callable, E (N, 2), y (N,) or (N, 1) of 0/1."""
    if not callable(prob):
        raise TypeError(f"{who}: prob must be a function of the embeddings (M, 2) -> (M,), got {prob!r}")
    E, y = as_batch(E, who, "E"), _binary(y, "y", who)
    if E.shape[1] != 2 or len(y) != len(E):
        raise ValueError(f"{who}: E must be points (N, 2) with one label each, got E {E.shape}, y {y.shape}")
    return E, y


def _binary(y: np.ndarray, what: str, who: str = "compare_binary") -> np.ndarray:
    """Labels 0/1 given as (N,) or (N, 1), as an int64 vector (N,)."""
    y = as_array(y, who, what)
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    return as_labels(y, who, f"{what} (0 or 1)", 2)
