"""The logic behind the interactive explorers: plain functions that train, measure and draw.

Each explorer of ``nnlib.explorers`` is a few sliders over one function here that takes the
sliders' values and returns a matplotlib Figure. Everything is deterministic (a seed in, the
same picture out), so the functions are tested without a browser and a notebook can show the
default settings as an ordinary static figure.

- ``train_playground`` / ``plot_playground``: a 2-H-3 network on the annuli (lesson 03).
- ``perceptron_run`` / ``plot_learning_curves``: a softmax perceptron for a learning rate and a
  batch size, beside a reference run (lesson 01).
- ``unit_pattern`` / ``top_activating`` / ``plot_unit``: what a hidden unit or a digit looks
  for, and the test images that excite it most (lesson 05).
- ``adversarial_example`` / ``plot_adversarial``: one image pushed towards a target class
  (lesson 06).
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from .adversarial import input_gradient, targeted_attack
from .annuli import annuli_network
from .data import DataLoader
from .datasets import annuli_bayes_accuracy, make_annuli
from .inspection import backward_projection, weight_images
from .layers import Affine, Softmax
from .learner import Evaluate, Learner
from .losses import CrossEntropy
from .model import Model
from .optim import SGD
from .plotting import plot_decision_regions


def figure_png(fig: Figure) -> bytes:
    """The figure as PNG bytes (what an explorer shows); the figure is closed afterwards."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    plt.close(fig)
    return buffer.getvalue()


def _new_figure(fig: Figure | None, figsize: tuple[float, float]) -> Figure:
    # A widget passes a bare Figure (no pyplot: nothing is left open for the next cell to show).
    return plt.figure(figsize=figsize) if fig is None else fig


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
    rng = np.random.default_rng(seed)
    X, y = make_annuli(n, noise, rng)
    X_test, y_test = make_annuli(n_test, noise, rng)
    model = annuli_network(hidden, rng, activation)
    learner = Learner(model, CrossEntropy(), SGD(lr, momentum=0.9),
                      callbacks=[Evaluate(X_test, y_test, "test")], progress=False)
    history = learner.fit(DataLoader(X, y, batch_size, rng=rng), epochs)
    return PlaygroundRun(model, X, y, X_test, y_test, history, noise)


def plot_playground(run: PlaygroundRun, *, fig: Figure | None = None,
                    resolution: int = 100) -> Figure:
    """Decision regions over the test points (left) and the loss per epoch (right)."""
    fig = _new_figure(fig, (10, 4.4))
    ax_regions, ax_loss = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1, 1.25]})
    hidden = run.model.layers[0].out_features
    activation = type(run.model.layers[1]).__name__.lower()
    plot_decision_regions(lambda p: run.model(p).argmax(axis=1), run.X_test, run.y_test,
                          ax=ax_regions, resolution=resolution,
                          title=f"2-{hidden}-3 {activation}: {100 * run.test_acc:.1f} % on test")
    epochs = np.arange(1, len(run.history["loss"]) + 1)
    ax_loss.plot(epochs, run.history["loss"], label="training")
    ax_loss.plot(epochs, run.history["test_loss"], label="test")
    ax_loss.set(xlabel="epoch", ylabel="mean cross-entropy", ylim=(0, None),
                title=f"Loss (best possible accuracy {100 * annuli_bayes_accuracy(run.noise):.1f} %)")
    ax_loss.legend(loc="upper right")
    # Fixed margins rather than tight_layout, which would double the drawing time of a retrain.
    fig.subplots_adjust(left=0.07, right=0.98, bottom=0.12, top=0.92, wspace=0.2)
    return fig


# --- Lesson 01: learning rate and batch size --------------------------------------------------

def perceptron_run(X_train: np.ndarray, y_train: np.ndarray, X_val: np.ndarray, y_val: np.ndarray,
                   *, lr: float, batch_size: int, epochs: int = 5,
                   seed: int = 0) -> dict[str, list[float]]:
    """Train a softmax perceptron (Affine D-10, cross-entropy, plain SGD) from zero weights and
    return its history, with ``val_loss`` and ``val_acc`` after every epoch.

    Zero weights and a seeded batch order: two runs differ only in lr and batch size.
    Shapes: X_train (N, D) float32, y_train (N,), X_val (M, D), y_val (M,).
    """
    rng = np.random.default_rng(seed)
    layer = Affine(X_train.shape[1], int(y_train.max()) + 1, rng=rng, dtype=X_train.dtype)
    layer.params["W"][...] = 0
    learner = Learner(Model([layer]), CrossEntropy(), SGD(lr),
                      callbacks=[Evaluate(X_val, y_val)], progress=False)
    return learner.fit(DataLoader(X_train, y_train, batch_size, rng=rng), epochs)


def plot_learning_curves(history: dict[str, list[float]], reference: dict[str, list[float]], *,
                         label: str, reference_label: str, fig: Figure | None = None) -> Figure:
    """Validation loss (left) and accuracy (right) per epoch: a run against a reference run."""
    fig = _new_figure(fig, (10, 3.8))
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


# --- Lesson 05: what a hidden unit or a digit looks for ---------------------------------------

def _check_kind(kind: str) -> None:
    if kind not in ("unit", "digit"):
        raise ValueError(f"kind must be 'unit' (a hidden unit) or 'digit', got {kind!r}")


def unit_pattern(model: Model, kind: str, index: int, shape: tuple[int, int] = (28, 28)) -> np.ndarray:
    """The image a hidden unit or a digit responds to: the first layer's weights into hidden
    unit ``index``, or the backward projection of the one-hot output e_index. Shapes: -> (H, W)."""
    _check_kind(kind)
    if kind == "unit":
        return weight_images(model.layers[0], shape)[index]
    classes = [layer for layer in model.layers if isinstance(layer, Affine)][-1].out_features
    return backward_projection(model, np.eye(classes)[[index]])[0].reshape(shape)


def top_activating(model: Model, X: np.ndarray, kind: str, index: int,
                   k: int = 8) -> tuple[np.ndarray, np.ndarray]:
    """The k rows of X that excite hidden unit ``index`` (after the first layer's activation) or
    output ``index`` (the digit's score) the most: (indices (k,), values (k,)), largest first."""
    _check_kind(kind)
    response = Model(model.layers[:2])(X) if kind == "unit" else model(X)
    values = response[:, index]
    order = np.argsort(-values, kind="stable")[:k]
    return order, values[order]


def plot_unit(model: Model, X: np.ndarray, kind: str, index: int, *, k: int = 8,
              shape: tuple[int, int] = (28, 28), fig: Figure | None = None) -> Figure:
    """A unit's (or digit's) pattern, red positive and blue negative, and its top-k images."""
    fig = _new_figure(fig, (1.3 * k + 3.2, 2.6))
    pattern = unit_pattern(model, kind, index, shape)
    order, values = top_activating(model, X, kind, index, k)
    axes = fig.subplots(1, k + 1, gridspec_kw={"width_ratios": [2] + [1] * k})
    m = max(float(np.abs(pattern).max()), 1e-12)
    shown = axes[0].imshow(pattern, cmap="RdBu_r", vmin=-m, vmax=m)
    what = "weights into hidden unit" if kind == "unit" else "backward projection of digit"
    axes[0].set_title(f"{what} {index}\n(red +, blue -)", fontsize=9)
    fig.colorbar(shown, ax=axes[0], fraction=0.046, pad=0.03).ax.tick_params(labelsize=7)
    for ax, i, v in zip(axes[1:], order, values, strict=True):
        ax.imshow(np.asarray(X[i]).reshape(shape), cmap="gray_r", vmin=0, vmax=1)
        ax.set_title(f"#{i}\n{v:.2f}", fontsize=8)
    for ax in axes:
        ax.set_xticks([])
        ax.set_yticks([])
        ax.grid(False)
    fig.suptitle(f"The {k} images that excite it most (index, "
                 f"{'activation' if kind == 'unit' else 'score'})")
    fig.subplots_adjust(left=0.02, right=0.99, bottom=0.03, top=0.72, wspace=0.1)
    return fig


# --- Lesson 06: one adversarial example -------------------------------------------------------

def with_softmax(model: Model) -> Model:
    """The model itself if it ends with ``Softmax``, else a model sharing its layers with a
    ``Softmax`` appended: probabilities out, as ``targeted_attack`` needs."""
    return model if isinstance(model.layers[-1], Softmax) else Model([*model.layers, Softmax()])


def adversarial_example(model: Model, x: np.ndarray, target: int, *, method: str = "lambda",
                        strength: float = 0.1, lr: float = 0.3, steps: int = 300,
                        seed: int = 0) -> np.ndarray:
    """Push one image x (D,) towards class ``target``; ``model`` ends with ``Softmax``.

    method "lambda": ``targeted_attack`` with closeness weight lam = strength (larger stays
    closer to x), started from faint noise in [0, 0.01] drawn from ``seed``: started at x itself
    it stalls wherever the network is sure of x's class. method "epsilon": one targeted sign
    step, x - eps * sign(dL/dx) with L the cross-entropy of the target and eps = strength
    (every pixel moves by at most eps). Shapes: x (D,) -> x_adv (D,).
    """
    if not isinstance(model.layers[-1], Softmax):
        raise ValueError("adversarial_example: the model must end with Softmax (it outputs "
                         f"probabilities), got {type(model.layers[-1]).__name__}")
    x = np.asarray(x)[None, :]
    if method == "lambda":
        start = np.random.default_rng(seed).uniform(0, 0.01, x.shape).astype(x.dtype)
        return targeted_attack(model, x, np.array([target]), lam=strength, lr=lr, steps=steps,
                               start=start)[0]
    if method == "epsilon":
        logits = Model(model.layers[:-1])
        grad = input_gradient(logits, CrossEntropy(), x, np.array([target]))
        return np.clip(x - strength * np.sign(grad), 0.0, 1.0).astype(x.dtype)[0]
    raise ValueError(f"adversarial_example: method must be 'lambda' or 'epsilon', got {method!r}")


def plot_adversarial(model: Model, x: np.ndarray, x_adv: np.ndarray, target: int, *,
                     shape: tuple[int, int] = (28, 28), title: str | None = None,
                     fig: Figure | None = None) -> Figure:
    """The image, the perturbation x_adv - x, the adversarial image and both sets of class
    probabilities side by side. ``model`` outputs probabilities. Shapes: x, x_adv (D,)."""
    fig = _new_figure(fig, (12, 3.3))
    axes = fig.subplots(1, 4, gridspec_kw={"width_ratios": [1, 1, 1, 2.2]})
    p, p_adv = model(np.stack([x, x_adv]).astype(np.asarray(x).dtype))
    delta = np.asarray(x_adv, dtype=np.float64) - x
    m = max(float(np.abs(delta).max()), 1e-12)
    for ax, image, label, cmap, limits in (
            (axes[0], x, f"original: {p.argmax()} ({100 * p.max():.0f} %)", "gray_r", (0, 1)),
            (axes[1], delta, f"perturbation, |d| = {np.linalg.norm(delta):.2f}", "RdBu_r", (-m, m)),
            (axes[2], x_adv, f"adversarial: {p_adv.argmax()} ({100 * p_adv.max():.0f} %)",
             "gray_r", (0, 1))):
        ax.imshow(np.reshape(image, shape), cmap=cmap, vmin=limits[0], vmax=limits[1])
        ax.set_title(label, fontsize=9)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.grid(False)
    classes = np.arange(len(p))
    axes[3].bar(classes - 0.2, 100 * p, width=0.4, label="original")
    axes[3].bar(classes + 0.2, 100 * p_adv, width=0.4, label="adversarial")
    axes[3].axvline(target, color="k", ls=":", lw=1, label=f"target {target}")
    axes[3].set(xticks=classes, xlabel="class", ylabel="probability (%)", ylim=(0, 100),
                title="What the network sees")
    axes[3].legend(fontsize=8)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig
