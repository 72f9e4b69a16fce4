"""How the step is taken: gradient descent and momentum on a bowl you can draw, and why the scale
of the inputs matters.

The lessons train with nnlib's ``SGD(lr, momentum=0.9)``. Here the same class moves a point w of
the plane down a quadratic bowl f(w) = sum_i h_i w_i^2 / 2 (its curvatures h_i on the axes), so
that the paths drawn are the very updates the lessons train with, in float64. A bowl that is
much steeper one way than the other (ill-conditioned) is what gradient descent finds hard;
inputs on very different scales make the loss of a logistic regression such a bowl, and
standardising them makes it round again.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes

from nnlib import SGD, Affine, BCEWithLogits, Model
from nnlib._validation import (
    as_array,
    as_batch,
    as_float,
    as_pair,
    check_finite,
    check_number,
    describe,
    positive_int,
)
from nnlib.layers import Layer

from .plotstyle import LINE_COLOURS

PATH_MARKERS = ("o", "s", "^", "D", "v", "P")


class _Point(Layer):
    """A layer that is nothing but a parameter w (D,) and its gradient: what SGD.step can move."""

    def __init__(self, w: np.ndarray) -> None:
        super().__init__()
        self.params, self.grads = {"w": w}, {"w": np.zeros_like(w)}


def quadratic_bowl(curvatures: Sequence[float]) -> tuple[Callable, Callable]:
    """f(w) = sum_i h_i w_i^2 / 2 and its gradient h * w, minimum 0 at w = 0, for curvatures
    h_i > 0. Shapes: f takes points (D,) or (M, D) and returns a number or (M,)."""
    h = as_float(curvatures, "quadratic_bowl", "curvatures")
    if h.ndim != 1 or not len(h) or not np.all(np.isfinite(h) & (h > 0)):
        raise ValueError(f"quadratic_bowl: curvatures must be a vector (D,) of positive numbers, "
                         f"got {describe(curvatures)}")

    def f(w: np.ndarray) -> np.ndarray:
        return 0.5 * np.sum(h * np.asarray(w, dtype=np.float64) ** 2, axis=-1)

    def gradient(w: np.ndarray) -> np.ndarray:
        return h * w

    return f, gradient


def descent_path(gradient: Callable[[np.ndarray], np.ndarray], w0: Sequence[float], lr: float,
                 momentum: float = 0.0, steps: int = 100) -> np.ndarray:
    """The points w_0 = w0, w_1, ..., w_steps that nnlib's ``SGD(lr, momentum)`` visits, each step
    given the gradient at the current point: v <- momentum v - lr gradient(w), w <- w + v.
    In float64. Shapes: w0 (D,) -> path (steps + 1, D)."""
    if not callable(gradient):
        raise TypeError(f"descent_path: gradient must be a function w (D,) -> (D,), got {gradient!r}")
    w = as_float(w0, "descent_path", "w0").astype(np.float64)  # a copy: w0 stays as it was
    if w.ndim != 1 or not len(w):
        raise ValueError(f"descent_path: w0 must be a point (D,), got shape {w.shape}")
    check_finite(w, "descent_path", "w0")
    point, steps = _Point(w), positive_int(steps, "descent_path", "steps")
    model, optimiser = Model([point]), SGD(lr, momentum)
    path = np.empty((steps + 1, len(w)))
    path[0] = w
    for k in range(1, steps + 1):
        g = as_float(gradient(point.params["w"].copy()), "descent_path", "gradient(w)")
        if g.shape != w.shape:
            raise ValueError(f"descent_path: gradient(w) has shape {g.shape} but w has {w.shape}")
        point.grads["w"][...] = g
        optimiser.step(model)
        path[k] = point.params["w"]
    return path


def steps_to_tolerance(path: np.ndarray, tol: float, minimum: Sequence[float] | None = None) -> int | None:
    """The first step k from which every later point of ``path`` lies within distance ``tol`` of
    ``minimum`` (default: the origin); None if the path ends outside. Shapes: path (K, D)."""
    path = as_batch(path, "steps_to_tolerance", "path")
    tol = check_number(tol, "steps_to_tolerance", "tol", "a positive number", lambda v: v > 0)
    target = np.zeros(path.shape[1]) if minimum is None else as_float(minimum, "steps_to_tolerance",
                                                                     "minimum")
    if target.shape != (path.shape[1],):
        raise ValueError(f"steps_to_tolerance: minimum must be a point ({path.shape[1]},) like the "
                         f"path's, got shape {target.shape}")
    # NaN or infinity (a path that diverged) counts as outside
    outside = ~(np.linalg.norm(path - target, axis=1) <= tol)
    if outside[-1]:
        return None
    return int(np.flatnonzero(outside)[-1] + 1) if outside.any() else 0


def plot_descent_paths(f: Callable[[np.ndarray], np.ndarray], paths: dict[str, np.ndarray], *,
                       ax: Axes | None = None, levels: int = 12,
                       title: str = "Descent paths on the contours of f") -> Axes:
    """The contours of f over a box around ``paths`` (each (K, 2), drawn with its own colour and
    marker, from a common start), the minimum at the origin starred, the legend above the paths."""
    if not callable(f):
        raise TypeError(f"plot_descent_paths: f must be a function of points (M, 2) -> (M,), got {f!r}")
    if not isinstance(paths, dict) or not paths or len(paths) > len(PATH_MARKERS):
        raise TypeError(f"plot_descent_paths: paths must be a dict {{label: path (K, 2)}} of 1 to "
                        f"{len(PATH_MARKERS)} paths, got {describe(paths)}")
    checked = {}
    for label, path in paths.items():
        path = as_batch(path, "plot_descent_paths", f"paths[{label!r}]")
        check_finite(path, "plot_descent_paths", f"paths[{label!r}]")
        if path.shape[1] != 2:
            raise ValueError(f"plot_descent_paths: paths[{label!r}] must be points of the plane (K, 2), "
                             f"got shape {path.shape}")
        checked[label] = path
    levels = positive_int(levels, "plot_descent_paths", "levels")
    points = np.concatenate([*checked.values(), np.zeros((1, 2))])
    low, high = points.min(axis=0), points.max(axis=0)
    pad = 0.12 * np.maximum(high - low, 1e-9)
    room = 3.5 * pad[1]  # above the paths, for the legend
    xx, yy = np.meshgrid(np.linspace(low[0] - pad[0], high[0] + pad[0], 300),
                         np.linspace(low[1] - pad[1], high[1] + pad[1] + room, 300))
    values = as_array(f(np.column_stack([xx.ravel(), yy.ravel()])), "plot_descent_paths", "f(points)")
    values = values.reshape(xx.shape)
    if ax is None:
        ax = plt.figure(figsize=(6.4, 4.4)).add_subplot()
    top = values.max()
    ax.contour(xx, yy, values, levels=top * np.geomspace(1e-3, 1, levels), colors="0.6", linewidths=0.8)
    for (label, path), colour, marker in zip(checked.items(), LINE_COLOURS, PATH_MARKERS, strict=False):
        ax.plot(*path.T, color=colour, marker=marker, ms=4, lw=1.2, label=label)
    first = next(iter(checked.values()))[0]
    ax.plot(*first, "o", ms=9, mfc="none", mec="k", mew=1.5, label="start")
    ax.plot(0, 0, "*", ms=14, color="k", label="minimum")
    ax.set(xlabel="$w_1$", ylabel="$w_2$", title=title)
    ax.set(xlim=(xx.min(), xx.max()), ylim=(yy.min(), yy.max()))
    ax.legend(loc="upper center", ncols=2, fontsize=9)
    return ax


def standardise(X_train: np.ndarray, *others: np.ndarray) -> tuple[np.ndarray, ...]:
    """Every column shifted to mean 0 and scaled to standard deviation 1 with the statistics of
    ``X_train`` (so the test data get the same map): (X_train, *others) standardised.
    Shapes: each X (N, D) with the same D; X_train needs at least two different values per column."""
    X_train = as_batch(X_train, "standardise", "X_train")
    check_finite(X_train, "standardise", "X_train")
    mean, std = X_train.mean(axis=0), X_train.std(axis=0)
    if np.any(std == 0):
        raise ValueError(f"standardise: X_train's columns {np.flatnonzero(std == 0).tolist()} are "
                         "constant (standard deviation 0): drop them, they carry no information")
    out = [(X_train - mean) / std]
    for i, X in enumerate(others):
        X = as_batch(X, "standardise", f"others[{i}]")
        if X.shape[1] != X_train.shape[1]:
            raise ValueError(f"standardise: others[{i}] has {X.shape[1]} columns but X_train has "
                             f"{X_train.shape[1]}")
        out.append((X - mean) / std)
    return tuple(out)


def logistic_descent(X: np.ndarray, y: np.ndarray, lr: float, steps: int,
                     momentum: float = 0.0) -> dict[str, np.ndarray]:
    """Full-batch gradient descent of a logistic regression from zero weights, with nnlib's
    Affine, BCEWithLogits and SGD, in float64: the loss and the accuracy before each step and
    after the last, and the weights at the end. Shapes: X (N, D), y (N, 1) of 0/1 ->
    loss, acc (steps + 1,), W (D, 1), b (1,)."""
    X, y = as_pair(X, y, "logistic_descent")
    X, y = as_batch(X, "logistic_descent", "X").astype(np.float64), as_float(y, "logistic_descent", "y")
    if y.shape != (len(X), 1) or not np.all((y == 0) | (y == 1)):
        raise ValueError(f"logistic_descent: y must be labels 0 or 1 of shape ({len(X)}, 1), "
                         f"got {describe(y)}")
    steps = positive_int(steps, "logistic_descent", "steps")
    layer = Affine(X.shape[1], 1, rng=0)
    layer.params["W"][...] = 0.0  # zero start: the same for every scaling of X, and no randomness
    model, loss, optimiser = Model([layer]), BCEWithLogits(), SGD(lr, momentum)
    losses, accs = np.empty(steps + 1), np.empty(steps + 1)
    for k in range(steps + 1):
        z = model(X)
        losses[k], accs[k] = loss(z, y), np.mean((z > 0) == (y == 1))
        if k < steps:
            model.backward(loss.backward(), input_grad=False)
            optimiser.step(model)
    return {"loss": losses, "acc": accs, "W": layer.params["W"].copy(), "b": layer.params["b"].copy()}
