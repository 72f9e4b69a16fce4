"""The annuli lesson: a 2-H-3 network on three rings, and pictures of what its hidden layer does.

In the course's notation the network computes Z1 = X W1 + b1, A = sigmoid(Z1),
Z2 = A W2 + b2 and, through the loss, y_hat = softmax(Z2). Each hidden unit is a soft step across
one straight line of the plane; the output layer adds these steps up. The helpers below show the
steps one by one, colour the data by the network's output probabilities, and measure the best
accuracy any classifier could reach.
"""

from __future__ import annotations

from dataclasses import dataclass

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from nnlib import (
    SGD,
    Affine,
    CrossEntropy,
    DataLoader,
    Evaluate,
    Learner,
    Model,
    ReLU,
    Sigmoid,
    Tanh,
    accuracy,
)
from nnlib._validation import (
    as_batch,
    as_labels,
    check_finite,
    check_instance,
    check_number,
    make_rng,
    positive_int,
)

from .plotting import (
    CLASS_COLOURS,
    EDGE_COLOUR,
    PROBABILITY_CMAP,
    grid_over,
    new_figure,
    plot_decision_regions,
    scatter_classes,
)

ANNULI_RADII = (0.2, 0.6, 1.0)


# --- The data: three rings, and the best any classifier can do on them ------------------------

def make_annuli(n: int = 1000, noise: float = 0.1,
                rng: np.random.Generator | int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Three classes of concentric rings: a disc (class 0) inside two rings (classes 1 and 2).

    A point of class k has a uniform angle and radius |R_k + noise * e|, e ~ N(0, 1), with R =
    ``ANNULI_RADII``. Classes take turns, so each has n/3 points. Shapes: X (n, 2), y (n,).
    """
    n, rng = positive_int(n, "make_annuli", "n"), make_rng(rng, "make_annuli")
    check_number(noise, "make_annuli", "noise", "a number >= 0", lambda v: v >= 0)
    y = np.arange(n) % 3
    rng.shuffle(y)
    radius = np.abs(np.take(ANNULI_RADII, y) + noise * rng.standard_normal(n))
    angle = rng.uniform(0, 2 * np.pi, n)
    return np.column_stack([radius * np.cos(angle), radius * np.sin(angle)]), y


def annuli_posterior(X: np.ndarray, noise: float) -> np.ndarray:
    """p(class | x) under ``make_annuli``'s generator: the best any classifier can know.

    The angle is uniform whatever the class, so only the radius r carries information, and its
    density given class k is the folded normal N(R_k, noise^2) on r >= 0. Shapes: X (N, 2) -> (N, 3).
    """
    X = _points(X, "annuli_posterior")
    check_number(noise, "annuli_posterior", "noise", "a positive number", lambda v: v > 0)
    r = np.hypot(X[:, 0], X[:, 1])[:, None]
    R = np.asarray(ANNULI_RADII)
    log_dens = np.logaddexp(-0.5 * ((r - R) / noise) ** 2, -0.5 * ((r + R) / noise) ** 2)
    log_dens -= log_dens.max(axis=1, keepdims=True)
    dens = np.exp(log_dens)
    return dens / dens.sum(axis=1, keepdims=True)


def annuli_bayes_accuracy(noise: float) -> float:
    """The Bayes rate of ``make_annuli``: the expected accuracy of the best possible classifier.

    Integrates P(correct) = integral of max_k p(r | k) / 3 over the radius, on a fine grid: the
    whole range of radii, refined within 12 noise of every ring, so that a density narrower
    than the grid's step (a tiny noise) is still integrated rather than stepped over.
    """
    check_number(noise, "annuli_bayes_accuracy", "noise", "a positive number", lambda v: v > 0)
    r = np.sort(np.concatenate([np.linspace(0, max(ANNULI_RADII) + 12 * noise, 200_001), *(
        np.linspace(max(0.0, c - 12 * noise), c + 12 * noise, 20_001) for c in ANNULI_RADII)]))
    R = np.asarray(ANNULI_RADII)[:, None]
    dens = (np.exp(-0.5 * ((r - R) / noise) ** 2) + np.exp(-0.5 * ((r + R) / noise) ** 2))
    dens /= noise * np.sqrt(2 * np.pi)
    return min(1.0, float(np.trapezoid(dens.max(axis=0) / len(R), r)))  # round-off may pass 1


# --- The network and its hidden layer ----------------------------------------------------------

ACTIVATIONS = {"sigmoid": Sigmoid, "tanh": Tanh, "relu": ReLU}


def _points(X: np.ndarray, who: str) -> np.ndarray:
    """X as finite points of the plane, (N, 2), or a ValueError naming ``who``."""
    X = as_batch(X, who, "X")
    check_finite(X, who, "X")
    if X.shape[1] != 2:
        raise ValueError(f"{who}: X must be points of the plane, shape (N, 2), got {X.shape}")
    return X


def annuli_network(hidden: int, rng: np.random.Generator | int | None = None,
                   activation: str = "sigmoid") -> Model:
    """The 2-H-3 network: Z2 = act(X W1 + b1) W2 + b2, the logits of the three classes.

    The softmax is left to ``CrossEntropy``, which is exact on logits. Xavier initialisation in
    front of a sigmoid or tanh, He in front of a ReLU. Shapes: X (N, 2) -> Z2 (N, 3).
    """
    hidden = positive_int(hidden, "annuli_network", "hidden")
    if not isinstance(activation, str) or activation not in ACTIVATIONS:
        raise ValueError(f"annuli_network: activation must be one of {list(ACTIVATIONS)}, "
                         f"got {activation!r}")
    rng = make_rng(rng, "annuli_network")
    init = "he" if activation == "relu" else "xavier"
    return Model([Affine(2, hidden, rng=rng, init=init), ACTIVATIONS[activation](),
                  Affine(hidden, 3, rng=rng, init=init)])


def hidden_activations(model: Model, X: np.ndarray) -> np.ndarray:
    """A = act(X W1 + b1), the output of the first two layers. Shapes: X (N, 2) -> A (N, H)."""
    check_instance(model, Model, "hidden_activations", "model")
    if len(model) < 3 or not isinstance(model[0], Affine):  # else "the first two" are not a hidden layer
        raise ValueError(f"hidden_activations: model must have a hidden layer (Affine, activation, Affine, "
                         f"...), got {len(model)} layer(s) starting with {type(model[0]).__name__}")
    return model[:2](X)


def hidden_unit_maps(model: Model, X: np.ndarray, resolution: int = 100):
    """Every hidden unit's activation on a grid covering X: returns (xx, yy, maps (H, R, R)),
    with R = ``resolution``, so that ``maps[j]`` is unit j's activation at (xx, yy)."""
    resolution = positive_int(resolution, "hidden_unit_maps", "resolution")
    xx, yy, points = grid_over(_points(X, "hidden_unit_maps"), resolution)
    A = hidden_activations(model, points)  # (R*R, H)
    return xx, yy, A.T.reshape(-1, *xx.shape)


def probability_colours(P: np.ndarray) -> np.ndarray:
    """Mix the class colours in proportion to the predicted probabilities: rgb = P @ colours.

    A confident prediction gets its class's colour; an undecided one (1/3, 1/3, 1/3) a muddy
    grey-brown. Shapes: P (N, 3) rows summing to 1 -> (N, 3) RGB in [0, 1].
    """
    P = as_batch(P, "probability_colours", "P")
    check_finite(P, "probability_colours", "P")
    if P.shape[1] != len(CLASS_COLOURS):
        raise ValueError(f"probability_colours: P must have shape (N, 3), got {P.shape}")
    return np.clip(P @ CLASS_COLOURS, 0, 1)


def plot_soft_predictions(X: np.ndarray, P: np.ndarray, *, ax: Axes | None = None,
                          title: str = "Data coloured by the network's output") -> Axes:
    """Scatter the points X (N, 2) coloured by ``probability_colours(P)``."""
    X, colours = _points(X, "plot_soft_predictions"), probability_colours(P)
    if len(colours) != len(X):
        raise ValueError(f"plot_soft_predictions: {len(X)} points X but {len(colours)} rows of P")
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 5))
    ax.scatter(*X.T, s=8, c=colours)
    handles = [Patch(color=c, label=f"P(class {k}) = 1") for k, c in enumerate(CLASS_COLOURS)]
    ax.legend(handles=handles, loc="upper right", fontsize=8)
    ax.set(xlabel="$x_1$", ylabel="$x_2$", title=title, aspect="equal")
    return ax


def plot_hidden_units(model: Model, X: np.ndarray, y: np.ndarray, *, ncols: int = 5,
                      resolution: int = 100, size: float = 2.4, max_points: int = 300) -> Figure:
    """One heatmap per hidden unit: its activation a_j over the plane, its a_j = 0.5 line
    (where z_j = 0) dashed, and the first ``max_points`` points as dots coloured by class."""
    xx, yy, maps = hidden_unit_maps(model, X, resolution)
    y = as_labels(y, "plot_hidden_units", "y", len(CLASS_COLOURS))
    if len(y) != len(X):
        raise ValueError(f"plot_hidden_units: {len(X)} points X but {len(y)} labels y")
    ncols, max_points = (positive_int(v, "plot_hidden_units", w) for v, w in ((ncols, "ncols"),
                                                                            (max_points, "max_points")))
    check_number(size, "plot_hidden_units", "size", "a positive number (inches)", lambda v: v > 0)
    dots, dot_labels = np.asarray(X)[:max_points], y[:max_points]
    nrows = -(-len(maps) // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(size * ncols + 1, size * nrows + 0.4),
                             squeeze=False, sharex=True, sharey=True)
    W2 = model.layers[2].params["W"]
    for j, ax in enumerate(axes.flat):
        if j >= len(maps):
            ax.axis("off")
            continue
        # Neutral greys under the class colours (nncourse.plotstyle), not a fill of their hue.
        image = ax.pcolormesh(xx, yy, maps[j], cmap=PROBABILITY_CMAP, vmin=0, vmax=1, shading="auto")
        ax.contour(xx, yy, maps[j], levels=[0.5], colors=EDGE_COLOUR, linestyles="--", linewidths=1)
        scatter_classes(ax, dots, dot_labels, s=6)
        favours = int(np.argmax(W2[j]))
        ax.set_title(f"unit {j}: favours class {favours}", fontsize=9)
        ax.set_aspect("equal")
        ax.grid(False)
    for ax in axes[-1]:
        ax.set_xlabel("$x_1$")
    for ax in axes[:, 0]:
        ax.set_ylabel("$x_2$")
    fig.colorbar(image, ax=axes, label="activation $a_j$", shrink=0.8)
    fig.suptitle("What each hidden unit responds to: a soft step across one line")
    return fig


def bayes_accuracy_monte_carlo(noise: float, n: int = 100_000,
                               rng: np.random.Generator | int | None = None) -> float:
    """The Bayes rate estimated by sampling: the accuracy of argmax_k p(k | x) on n fresh points
    of ``make_annuli``. Agrees with ``annuli_bayes_accuracy`` to about 1.5 / sqrt(n)."""
    X, y = make_annuli(n, noise, rng)
    return accuracy(y, annuli_posterior(X, noise).argmax(axis=1))


# --- Lesson 03: the annuli playground ---------------------------------------------------------

@dataclass
class PlaygroundRun:
    """One training run of the playground: the network, its data and how training went."""

    model: Model
    X: np.ndarray          # (n, 2) training points
    y: np.ndarray          # (n,)
    X_test: np.ndarray     # (n_test, 2)
    y_test: np.ndarray
    history: dict[str, list[float]]
    noise: float

    @property
    def test_acc(self) -> float:
        return self.history["test_acc"][-1]


def train_playground(hidden: int = 3, activation: str = "tanh", lr: float = 0.3,
                     noise: float = 0.1, epochs: int = 40, *, n: int = 600, n_test: int = 600,
                     batch_size: int = 50, seed: int = 0) -> PlaygroundRun:
    """Train a 2-H-3 network, x -> act(x W1 + b1) W2 + b2, on n fresh annuli points.

    Cross-entropy, SGD with momentum 0.9, mini-batches of ``batch_size``. The data, the initial
    weights and the batch order all come from ``seed``, so the same settings give the same run.
    Shapes: X (n, 2), model output (N, 3) logits.
    """
    rng = make_rng(seed, "train_playground")
    X, y = make_annuli(n, noise, rng)
    X_test, y_test = make_annuli(n_test, noise, rng)
    model = annuli_network(hidden, rng, activation)
    learner = Learner(model, CrossEntropy(), SGD(lr, momentum=0.9),
                      callbacks=[Evaluate(X_test, y_test, "test")], progress=False)
    history = learner.fit(DataLoader(X, y, batch_size, rng=rng), epochs)
    return PlaygroundRun(model, X, y, X_test, y_test, history, noise)


def plot_playground(run: PlaygroundRun, *, fig: Figure | None = None,
                    resolution: int = 100) -> Figure:
    """Decision regions over the test points, with the test accuracy and the best possible one
    (left), and the mean cross-entropy per epoch (right): on the training points the mean over
    the epoch's batches, taken while the weights move (drawn at mid-epoch), on the test points
    the loss at the end of the epoch."""
    check_instance(run, PlaygroundRun, "plot_playground", "run")
    fig = new_figure(fig, (10, 4.4))
    ax_regions, ax_loss = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1, 1.25]})
    hidden = run.model.layers[0].out_features
    activation = type(run.model.layers[1]).__name__.lower()
    plot_decision_regions(lambda p: run.model(p).argmax(axis=1), run.X_test, run.y_test,
                          ax=ax_regions, resolution=resolution,
                          title=f"2-{hidden}-3 {activation}: {100 * run.test_acc:.1f} % on test")
    ax_regions.text(0.02, 0.02, f"best possible: {100 * annuli_bayes_accuracy(run.noise):.1f} %",
                    transform=ax_regions.transAxes, fontsize=10,
                    bbox={"facecolor": "white", "edgecolor": "0.7", "alpha": 0.9})
    epochs = np.arange(1, len(run.history["loss"]) + 1)
    ax_loss.plot(epochs - 0.5, run.history["loss"], "--", label="training (mean over the epoch's batches)")
    ax_loss.plot(epochs, run.history["test_loss"], label="test (end of epoch)")
    ax_loss.set(xlabel="epoch", ylabel="mean cross-entropy", ylim=(0, None), xlim=(0, None),
                title="Loss per epoch")
    ax_loss.legend(loc="upper right")
    # Fixed margins rather than tight_layout, which would double the drawing time of a retrain.
    fig.subplots_adjust(left=0.07, right=0.98, bottom=0.12, top=0.92, wspace=0.2)
    return fig
