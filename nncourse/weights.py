"""What the weights look at (lesson 05): a trained network's weights as images, what each
output "looks for", which pixels an answer depends on, and the L2 penalty that shapes all of
these; and, for the explorer, the test images that excite a hidden unit or a digit the most.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from matplotlib.figure import Figure

from nnlib import SGD, Affine, DataLoader, Learner, Loss, Model, evaluate, one_hot
from nnlib._validation import (
    as_batch,
    as_float,
    as_labels,
    check_finite,
    check_instance,
    check_number,
    make_rng,
    positive_int,
)

from .plotting import new_figure


def weight_images(layer: Affine, shape: tuple[int, int] = (28, 28)) -> np.ndarray:
    """The weights into each output unit of ``layer`` as an image: column m of W, reshaped.

    Unit m computes x @ W[:, m] + b_m, a weighted sum of pixels, so W[:, m] laid out like the
    input says which pixels push the unit up (positive) or down (negative).
    Shapes: W (D, M) with D = H * W_ -> images (M, H, W_).
    """
    check_instance(layer, Affine, "weight_images", "layer")
    shape = _image_shape(shape, "weight_images")
    W = layer.params["W"]
    if W.shape[0] != shape[0] * shape[1]:
        raise ValueError(f"weight_images: {layer.label} has {W.shape[0]} inputs but shape "
                         f"{shape} has {shape[0] * shape[1]} pixels")
    return W.T.reshape(W.shape[1], *shape)


def backward_projection(model: Model, outputs: np.ndarray) -> np.ndarray:
    """Project output vectors back to the input through the transposed weights: v W_L^T ... W_1^T.

    Every Affine layer's W^T is applied, last to first; biases are ignored and every other
    layer (the activations) is treated as the identity, so this is the input pattern that the
    *linear* part of the network maps most strongly onto each output vector. For a one-hot row
    e_c it is the image the network "directs its weights towards" for class c.
    Shapes: outputs (K, C) -> (K, D).
    """
    check_instance(model, Model, "backward_projection", "model")
    v = as_float(outputs, "backward_projection", "outputs").astype(np.float64)
    affines = [layer for layer in model.layers if isinstance(layer, Affine)]
    if not affines:
        raise ValueError("backward_projection: the model has no Affine layer")
    if v.ndim != 2 or v.shape[1] != affines[-1].out_features:
        raise ValueError(f"backward_projection: outputs must have shape (K, "
                         f"{affines[-1].out_features}), got {v.shape}")
    for layer in reversed(affines):
        v = v @ layer.params["W"].T
    return v


def saliency(model: Model, X: np.ndarray, classes: np.ndarray) -> np.ndarray:
    """Saliency: the gradient of each sample's class score with respect to its pixels.

    Row n is d y_hat[n, c_n] / d x_n, found by one backward pass with dout one-hot at c_n. For
    a ReLU network it equals the backward projection of e_c through only the hidden units that
    this sample switches on, which is what makes it specific to the sample. (The gradient of a
    *loss* with respect to the input, for attacks, is ``nncourse.adversarial.input_gradient``.)
    Shapes: X (N, D), classes (N,) integers -> (N, D).
    """
    check_instance(model, Model, "saliency", "model")
    X = as_batch(X, "saliency", "X")
    y_hat = model(X)
    classes = as_labels(classes, "saliency", "classes", y_hat.shape[1])
    if classes.shape != (len(X),):
        raise ValueError(f"saliency: classes must be {len(X)} class labels, one per row of X, "
                         f"got {len(classes)}")
    return model.backward(one_hot(classes, y_hat.shape[1], dtype=y_hat.dtype))


def _l2_args(model: Model, weight_decay: float, who: str) -> None:
    check_instance(model, Model, who, "model")
    check_number(weight_decay, who, "weight_decay", "a number >= 0 (the L2 strength)", lambda v: v >= 0)


def l2_penalty(model: Model, weight_decay: float) -> float:
    """The L2 penalty (weight_decay / 2) * sum of W^2 over every weight matrix, weight_decay being
    the L2 strength (lambda in the lessons); biases are not penalised."""
    _l2_args(model, weight_decay, "l2_penalty")
    return float(sum(0.5 * weight_decay * np.sum(p.astype(np.float64) ** 2)
                     for _, p, _ in model.parameters() if p.ndim > 1))


def l2_gradients(model: Model, weight_decay: float) -> dict[str, np.ndarray]:
    """The gradient of ``l2_penalty`` for every parameter: weight_decay * W for weights, 0 for
    biases. This is exactly what ``SGD(weight_decay=...)`` adds to each weight's gradient.
    Shapes: one array per parameter, shaped like it.
    """
    _l2_args(model, weight_decay, "l2_gradients")
    return {name: weight_decay * p if p.ndim > 1 else np.zeros_like(p) for name, p, _ in model.parameters()}


def l2_sweep(build_model: Callable[[np.random.Generator], Model], weight_decays: Sequence[float],
             X_train: np.ndarray, y_train: np.ndarray, X_val: np.ndarray, y_val: np.ndarray,
             loss: Loss, *, epochs: int, batch_size: int, lr: float, momentum: float = 0.9,
             seed: int = 0) -> list[dict[str, object]]:
    """Train one model per L2 strength (SGD's weight_decay) and measure it on a validation set.

    Every run starts from the same initial weights and sees the batches in the same order
    (both drawn from ``seed``), so the L2 strength is the only thing that differs. Choose the
    strength on (X_val, y_val) and keep a separate test set to measure the chosen model.
    Returns one dict per strength: weight_decay, model, history, val_loss, val_acc.
    """
    if not callable(build_model) or np.ndim(weight_decays) != 1 or len(weight_decays) == 0:
        raise TypeError("l2_sweep: build_model must be a function rng -> Model and weight_decays a "
                        f"non-empty list of L2 strengths, got {build_model!r} and {weight_decays!r}")
    results = []
    for weight_decay in weight_decays:
        rng = make_rng(seed, "l2_sweep")
        model = build_model(rng)
        check_instance(model, Model, "l2_sweep", "build_model(rng)")
        optimizer = SGD(lr, momentum=momentum, weight_decay=weight_decay)
        history = Learner(model, loss, optimizer, progress=False).fit(
            DataLoader(X_train, y_train, batch_size, rng=rng), epochs)
        val_loss, val_acc = evaluate(model, loss, X_val, y_val)
        results.append({"weight_decay": weight_decay, "model": model, "history": history,
                        "val_loss": val_loss, "val_acc": val_acc})
    return results


# --- For the explorer: what a hidden unit or a digit looks for ------------------------------

def _check_kind(model: Model, kind: str, index: int, who: str) -> None:
    """``kind`` is "unit" or "digit" and ``index`` one of the model's hidden units or outputs."""
    check_instance(model, Model, who, "model")
    if not isinstance(kind, str) or kind not in ("unit", "digit"):
        raise ValueError(f"{who}: kind must be 'unit' (a hidden unit) or 'digit', got {kind!r}")
    affines = [layer for layer in model.layers if isinstance(layer, Affine)]
    if not affines:
        raise ValueError(f"{who}: the model has no Affine layer")
    count = (affines[0] if kind == "unit" else affines[-1]).out_features
    check_number(index, who, "index", f"an integer in 0..{count - 1} ({count} {kind}s)",
                 lambda v: 0 <= v < count, integer=True)


def _image_shape(shape: tuple[int, int], who: str) -> tuple[int, int]:
    if np.shape(shape) != (2,):
        raise ValueError(f"{who}: shape must be (height, width), got {shape!r}")
    return tuple(positive_int(v, who, "shape") for v in shape)


def unit_pattern(model: Model, kind: str, index: int, shape: tuple[int, int] = (28, 28)) -> np.ndarray:
    """The image a hidden unit or a digit responds to: the first layer's weights into hidden
    unit ``index``, or the backward projection of the one-hot output e_index. Shapes: -> (H, W)."""
    _check_kind(model, kind, index, "unit_pattern")
    if kind == "unit":
        return weight_images(model.layers[0], shape)[index]
    num_classes = [layer for layer in model.layers if isinstance(layer, Affine)][-1].out_features
    pattern = backward_projection(model, one_hot([index], num_classes))[0]
    return pattern.reshape(_image_shape(shape, "unit_pattern"))


def top_activating(model: Model, X: np.ndarray, kind: str, index: int,
                   k: int = 8) -> tuple[np.ndarray, np.ndarray]:
    """The k rows of X that excite hidden unit ``index`` (after the first layer's activation) or
    output ``index`` (the digit's score) the most: (indices (k,), values (k,)), largest first."""
    _check_kind(model, kind, index, "top_activating")
    k = positive_int(k, "top_activating", "k")
    X = as_batch(X, "top_activating", "X")
    check_finite(X, "top_activating", "X")  # NaN responses would be ranked anywhere
    response = model[:2](X) if kind == "unit" else model(X)
    values = response[:, index]
    order = np.argsort(-values, kind="stable")[:k]
    return order, values[order]


def plot_unit(model: Model, X: np.ndarray, kind: str, index: int, *, k: int = 8,
              shape: tuple[int, int] = (28, 28), fig: Figure | None = None) -> Figure:
    """A unit's (or digit's) pattern, red positive and blue negative, and its top-k images."""
    k = positive_int(k, "plot_unit", "k")
    fig = new_figure(fig, (1.3 * k + 3.2, 2.6))
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
