"""The multiclass perceptron of lesson 01: one layer of softmax neurons, written out by hand.

The model is p(class | x) = softmax(x W), where x carries a constant 1 in its first column so
that the first row of W plays the part of the bias. Training ascends the log-likelihood
sum_n log p(y_n | x_n), whose gradient with respect to W is X^T (Y - P): each weight moves by
its input times the gap between the one-hot target and the predicted probability. nnlib's
``Affine`` + ``CrossEntropy`` + ``SGD`` compute exactly the same thing with a separate bias.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from nnlib import SGD, Affine, CrossEntropy, DataLoader, Evaluate, Learner, Model, log_softmax, softmax
from nnlib._validation import (
    as_batch,
    as_float,
    as_labels,
    as_pair,
    check_finite,
    check_number,
    describe,
    make_rng,
    positive_int,
)

from .plotting import new_figure


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
    W, X = _weights_and_inputs(W, X, "perceptron_probs")
    return softmax(X @ W)


def _weights_and_inputs(W: np.ndarray, X: np.ndarray, who: str) -> tuple[np.ndarray, np.ndarray]:
    """W (D + 1, C) and X (N, D + 1) as float arrays whose shapes fit, or a ValueError."""
    W, X = as_batch(W, who, "W"), as_batch(X, who, "X")
    if X.shape[1] != W.shape[0]:
        raise ValueError(f"{who}: X has shape {X.shape} but W has shape {W.shape}; expected X (N, D + 1) "
                         "with its bias column and W (D + 1, C)")
    return W, X


def perceptron_update(W: np.ndarray, X: np.ndarray, Y: np.ndarray, lr: float) -> np.ndarray:
    """One step of gradient ascent on the mean log-likelihood: W + lr / N * X^T (Y - softmax(X W)).

    Returns a new array (W is left unchanged). Shapes: W (D + 1, C), X (N, D + 1), Y (N, C) one-hot.
    """
    W, X = _weights_and_inputs(W, X, "perceptron_update")
    Y = as_float(Y, "perceptron_update", "Y")
    check_number(lr, "perceptron_update", "lr", "a positive number", lambda v: v > 0)
    if Y.shape != (len(X), W.shape[1]):
        raise ValueError(f"perceptron_update: Y has shape {Y.shape}, expected one-hot targets "
                         f"{(len(X), W.shape[1])} for X {X.shape} and W {W.shape}")
    return W + lr / len(X) * (X.T @ (Y - perceptron_probs(W, X)))


def log_likelihood(W: np.ndarray, X: np.ndarray, y: np.ndarray) -> float:
    """Mean log-likelihood of the labels, 1/N sum_n log softmax(x_n W)_{y_n} (always <= 0).

    Shapes: W (D + 1, C), X (N, D + 1), y (N,) integer labels.
    """
    W, X = _weights_and_inputs(W, X, "log_likelihood")
    y = _labels_for(y, len(X), W.shape[1], "log_likelihood")
    return float(np.mean(log_softmax(X @ W)[np.arange(len(y)), y]))


def _labels_for(y: np.ndarray, n: int, num_classes: int, who: str) -> np.ndarray:
    """y as n labels in 0..num_classes-1, or a ValueError."""
    y = as_labels(y, who, "y", num_classes)
    if len(y) != n:
        raise ValueError(f"{who}: {len(y)} labels y for {n} samples")
    return y


def worst_mistakes(probs: np.ndarray, y: np.ndarray) -> np.ndarray:
    """For each true class k, the index of the misclassified sample of class k whose predicted
    (wrong) class got the highest probability: the model's most confident mistake on k.

    -1 for a class without mistakes. Shapes: probs (N, C), y (N,) -> (C,) int64.
    """
    probs = as_batch(probs, "worst_mistakes", "probs")
    check_finite(probs, "worst_mistakes", "probs")  # NaN would make arg-max pick it
    y = _labels_for(y, len(probs), probs.shape[1], "worst_mistakes")
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
    X, num_classes = as_batch(X, "class_means", "X"), positive_int(num_classes, "class_means", "num_classes")
    y, y_pred = (_labels_for(v, len(X), num_classes, "class_means") for v in (y, y_pred))
    means = np.zeros((num_classes, X.shape[1]), dtype=np.float64)
    for k in range(num_classes):
        right = (y == k) & (y_pred == k)
        if right.any():
            means[k] = X[right].mean(axis=0)
    return means


# --- Lesson 01: learning rate and batch size --------------------------------------------------

def perceptron_run(X_train: np.ndarray, y_train: np.ndarray, X_val: np.ndarray, y_val: np.ndarray,
                   *, lr: float, batch_size: int, epochs: int = 5,
                   seed: int = 0) -> dict[str, list[float]]:
    """Train a softmax perceptron (Affine D-10, cross-entropy, plain SGD) from zero weights and
    return its history, with ``val_loss`` and ``val_acc`` after every epoch.

    Zero weights and a seeded batch order: two runs differ only in lr and batch size.
    Shapes: X_train (N, D) float32, y_train (N,), X_val (M, D), y_val (M,).
    """
    as_pair(X_train, y_train, "perceptron_run")
    X_train = as_batch(X_train, "perceptron_run", "X_train")  # raw uint8 pixels become 0..255 floats
    for what, X in (("X_train", X_train), ("X_val", as_batch(X_val, "perceptron_run", "X_val"))):
        if X.max() > 1:  # unscaled validation pixels would give curves of another model
            raise ValueError(f"perceptron_run: {what} holds values up to {X.max():g}; scale the "
                             "pixels to [0, 1] first with normalize_pixels")
    rng = make_rng(seed, "perceptron_run")
    y_train = as_labels(y_train, "perceptron_run", "y_train")
    layer = Affine(X_train.shape[1], int(y_train.max()) + 1, rng=rng, dtype=X_train.dtype)
    layer.params["W"][...] = 0
    learner = Learner(Model([layer]), CrossEntropy(), SGD(lr),
                      callbacks=[Evaluate(X_val, y_val)], progress=False)
    return learner.fit(DataLoader(X_train, y_train, batch_size, rng=rng), epochs)


def plot_learning_curves(history: dict[str, list[float]], reference: dict[str, list[float]], *,
                         label: str, reference_label: str, fig: Figure | None = None) -> Figure:
    """Validation loss (left) and accuracy (right) per epoch: a run against a reference run."""
    for what, h in (("history", history), ("reference", reference)):
        if not (isinstance(h, dict) and len(h.get("val_loss", ())) and len(h.get("val_acc", ()))):
            raise ValueError(f"plot_learning_curves: {what} must be a history with 'val_loss' and "
                             f"'val_acc' series (as perceptron_run returns), got {describe(h)}")
    fig = new_figure(fig, (10, 3.8))
    ax_loss, ax_acc = fig.subplots(1, 2)
    for h, name, style in ((reference, reference_label, "--"), (history, label, "-")):
        epochs = np.arange(1, len(h["val_loss"]) + 1)
        ax_loss.plot(epochs, h["val_loss"], style, marker="o", ms=3, label=name)
        ax_acc.plot(epochs, 100 * np.asarray(h["val_acc"]), style, marker="o", ms=3,
                    label=f"{name}: {100 * h['val_acc'][-1]:.1f} %")
    ax_loss.set(xlabel="epoch", ylabel="validation loss", title="Validation loss")
    ax_acc.set(xlabel="epoch", ylabel="validation accuracy (%)", title="Validation accuracy")
    for ax in (ax_loss, ax_acc):
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.legend(fontsize=8)
    fig.tight_layout()
    return fig
