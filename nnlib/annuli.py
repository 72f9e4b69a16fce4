"""The annuli lesson: a 2-H-3 network on three rings, and pictures of what its hidden layer does.

The network computes alpha = x W1 + b1, h = sigmoid(alpha), beta = h W2 + b2 and, through the
loss, y = softmax(beta). Each hidden unit is a soft step across one straight line of the plane;
the output layer adds these steps up. The helpers below show the steps one by one, colour the data
by the network's output probabilities, and measure the best accuracy any classifier could reach.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from .datasets import annuli_posterior, make_annuli
from .layers import Affine, ReLU, Sigmoid, Tanh
from .model import Model
from .plotting import grid_over

CLASS_COLOURS = plt.get_cmap("tab10")(np.arange(3))[:, :3]  # RGB of class 0, 1, 2


ACTIVATIONS = {"sigmoid": Sigmoid, "tanh": Tanh, "relu": ReLU}


def annuli_network(hidden: int, rng: np.random.Generator | int | None = None,
                   activation: str = "sigmoid") -> Model:
    """The 2-H-3 network: beta = act(x W1 + b1) W2 + b2, the logits of the three classes.

    The softmax is left to ``CrossEntropy``, which is exact on logits. Xavier initialisation in
    front of a sigmoid or tanh, He in front of a ReLU. Shapes: x (N, 2) -> beta (N, 3).
    """
    if activation not in ACTIVATIONS:
        raise ValueError(f"annuli_network: activation must be one of {list(ACTIVATIONS)}, "
                         f"got {activation!r}")
    rng = np.random.default_rng(rng)
    init = "he" if activation == "relu" else "xavier"
    return Model([Affine(2, hidden, rng=rng, init=init), ACTIVATIONS[activation](),
                  Affine(hidden, 3, rng=rng, init=init)])


def hidden_activations(model: Model, X: np.ndarray) -> np.ndarray:
    """h = act(x W1 + b1), the output of the first two layers. Shapes: X (N, 2) -> h (N, H)."""
    return Model(model.layers[:2])(X)


def hidden_unit_maps(model: Model, X: np.ndarray, resolution: int = 100):
    """Every hidden unit's activation on a grid covering X: returns (xx, yy, maps (H, R, R)),
    with R = ``resolution``, so that ``maps[j]`` is unit j's activation at (xx, yy)."""
    xx, yy, points = grid_over(X, resolution)
    h = hidden_activations(model, points)  # (R*R, H)
    return xx, yy, h.T.reshape(-1, *xx.shape)


def probability_colours(P: np.ndarray) -> np.ndarray:
    """Mix the class colours in proportion to the predicted probabilities: rgb = P @ colours.

    A confident prediction gets its class's colour; an undecided one (1/3, 1/3, 1/3) a muddy
    grey-brown. Shapes: P (N, 3) rows summing to 1 -> (N, 3) RGB in [0, 1].
    """
    P = np.asarray(P, dtype=np.float64)
    if P.ndim != 2 or P.shape[1] != len(CLASS_COLOURS):
        raise ValueError(f"probability_colours: P must have shape (N, 3), got {P.shape}")
    return np.clip(P @ CLASS_COLOURS, 0, 1)


def plot_soft_predictions(X: np.ndarray, P: np.ndarray, *, ax: Axes | None = None,
                          title: str = "Data coloured by the network's output") -> Axes:
    """Scatter the points X (N, 2) coloured by ``probability_colours(P)``."""
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 5))
    ax.scatter(*np.asarray(X).T, s=8, c=probability_colours(P))
    handles = [Patch(color=c, label=f"P(class {k}) = 1") for k, c in enumerate(CLASS_COLOURS)]
    ax.legend(handles=handles, loc="upper right", fontsize=8)
    ax.set(xlabel="$x_1$", ylabel="$x_2$", title=title, aspect="equal")
    return ax


def plot_hidden_units(model: Model, X: np.ndarray, y: np.ndarray, *, ncols: int = 5,
                      resolution: int = 100, size: float = 2.4, max_points: int = 300) -> Figure:
    """One heatmap per hidden unit: its activation h_j over the plane, its h_j = 0.5 line
    (where alpha_j = 0) dashed, and the first ``max_points`` points as dots coloured by class."""
    xx, yy, maps = hidden_unit_maps(model, X, resolution)
    dots, dot_colours = np.asarray(X)[:max_points], CLASS_COLOURS[np.asarray(y)[:max_points]]
    nrows = -(-len(maps) // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(size * ncols + 1, size * nrows + 0.4),
                             squeeze=False, sharex=True, sharey=True)
    W2 = model.layers[2].params["W"]
    for j, ax in enumerate(axes.flat):
        if j >= len(maps):
            ax.axis("off")
            continue
        image = ax.pcolormesh(xx, yy, maps[j], cmap="viridis", vmin=0, vmax=1, shading="auto")
        ax.contour(xx, yy, maps[j], levels=[0.5], colors="w", linestyles="--", linewidths=1)
        ax.scatter(*dots.T, s=3, c=dot_colours, edgecolor="k", linewidths=0.2)
        favours = int(np.argmax(W2[j]))
        ax.set_title(f"unit {j}: favours class {favours}", fontsize=9)
        ax.set_aspect("equal")
        ax.grid(False)
    for ax in axes[-1]:
        ax.set_xlabel("$x_1$")
    for ax in axes[:, 0]:
        ax.set_ylabel("$x_2$")
    fig.colorbar(image, ax=axes, label="activation $h_j$", shrink=0.8)
    fig.suptitle("What each hidden unit responds to: a soft step across one line")
    return fig


def bayes_accuracy_monte_carlo(noise: float, n: int = 100_000,
                               rng: np.random.Generator | int | None = None) -> float:
    """The Bayes rate estimated by sampling: the accuracy of argmax_k p(k | x) on n fresh points
    of ``make_annuli``. Agrees with ``annuli_bayes_accuracy`` to about 1.5 / sqrt(n)."""
    X, y = make_annuli(n, noise, rng)
    return float(np.mean(annuli_posterior(X, noise).argmax(axis=1) == y))
