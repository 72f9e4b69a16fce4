"""Looking inside a trained network: its weights as images, what each output "looks for",
which pixels an answer depends on, and the L2 penalty that shapes all of these.

Also the whole-network gradient check of the backpropagation lesson: every parameter's
gradient of the real loss, by backpropagation and by finite differences, side by side.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from .data import DataLoader
from .gradcheck import numerical_gradient, rel_error
from .layers import Affine
from .learner import Learner, evaluate
from .losses import Loss
from .model import Model
from .optim import SGD


def weight_images(layer: Affine, shape: tuple[int, int] = (28, 28)) -> np.ndarray:
    """The weights into each output unit of ``layer`` as an image: column m of W, reshaped.

    Unit m computes x @ W[:, m] + b_m, a weighted sum of pixels, so W[:, m] laid out like the
    input says which pixels push the unit up (positive) or down (negative).
    Shapes: W (D, M) with D = H * W_ -> images (M, H, W_).
    """
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
    v = np.asarray(outputs, dtype=np.float64)
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
    *loss* with respect to the input, for attacks, is ``nnlib.adversarial.input_gradient``.)
    Shapes: X (N, D), classes (N,) integers -> (N, D).
    """
    X = np.asarray(X)
    classes = np.asarray(classes)
    y_hat = model(X)
    if classes.shape != (len(X),) or not np.issubdtype(classes.dtype, np.integer):
        raise ValueError(f"saliency: classes must be {len(X)} integers, got "
                         f"{classes.dtype} {classes.shape}")
    dout = np.zeros_like(y_hat)
    dout[np.arange(len(X)), classes] = 1
    return model.backward(dout)


def l2_penalty(model: Model, lam: float) -> float:
    """The L2 penalty (lam / 2) * sum of W^2 over every weight matrix (biases are not penalised)."""
    return float(sum(0.5 * lam * np.sum(p.astype(np.float64) ** 2)
                     for _, p, _ in model.parameters() if p.ndim > 1))


def l2_gradients(model: Model, lam: float) -> dict[str, np.ndarray]:
    """The gradient of ``l2_penalty`` for every parameter: lam * W for weights, 0 for biases.

    This is exactly what ``SGD(weight_decay=lam)`` adds to each weight's gradient.
    Shapes: one array per parameter, shaped like it.
    """
    return {name: lam * p if p.ndim > 1 else np.zeros_like(p) for name, p, _ in model.parameters()}


def loss_gradients(model: Model, loss: Loss, X: np.ndarray, y: np.ndarray,
                   eps: float = 1e-5) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """For every parameter, (backpropagated, numerical) gradient of the loss L = loss(model(X), y).

    The numerical one nudges each entry by +-eps (centred differences), so use float64 and a
    small network: it costs two forward passes per parameter entry.
    """
    for name, p, _ in model.parameters():
        if p.dtype != np.float64:
            raise ValueError(f"loss_gradients: {name} is {p.dtype}; gradient checks need float64")
    loss(model(X), y)
    model.backward(loss.backward())
    analytic = {name: g.copy() for name, _, g in model.parameters()}
    return {name: (analytic[name], numerical_gradient(lambda _: loss(model(X), y), p, eps))
            for name, p, _ in model.parameters()}


def gradient_errors(gradients: dict[str, tuple[np.ndarray, np.ndarray]]) -> dict[str, float]:
    """For each parameter, ``gradcheck.rel_error`` of its whole gradient: ||a - n|| / (||a|| + ||n||).

    Unlike an entry-by-entry ratio it is not thrown off by entries that are nearly zero, whose
    numerical value is dominated by round-off (about 1e-16 * |L| / eps).
    """
    return {name: rel_error(a, n) for name, (a, n) in gradients.items()}


def gradient_table(gradients: dict[str, tuple[np.ndarray, np.ndarray]], entries: int = 2,
                   rng: np.random.Generator | int | None = 0) -> list[dict[str, object]]:
    """Rows (parameter, index, backprop, numerical, absolute error, relative error) for
    ``entries`` random entries of each parameter, from the output of ``loss_gradients``.

    The relative error here is entry by entry, |a - n| / max(|a| + |n|, 1e-8): large for entries
    that are nearly zero, which is why the verdict comes from ``gradient_errors``.
    """
    rng = np.random.default_rng(rng)
    rows = []
    for name, (analytic, numeric) in gradients.items():
        picks = rng.choice(analytic.size, size=min(entries, analytic.size), replace=False)
        for flat in np.sort(picks):
            i = np.unravel_index(flat, analytic.shape)
            a, n = float(analytic[i]), float(numeric[i])
            rows.append({"parameter": name, "index": tuple(int(k) for k in i), "backprop": a,
                         "numerical": n, "absolute error": abs(a - n),
                         "relative error": abs(a - n) / max(abs(a) + abs(n), 1e-8)})
    return rows


def l2_sweep(build_model: Callable[[np.random.Generator], Model], strengths: Sequence[float],
             X_train: np.ndarray, y_train: np.ndarray, X_val: np.ndarray, y_val: np.ndarray,
             loss: Loss, *, epochs: int, batch_size: int, lr: float, momentum: float = 0.9,
             seed: int = 0) -> list[dict[str, object]]:
    """Train one model per L2 strength (SGD's weight_decay) and measure it on a validation set.

    Every run starts from the same initial weights and sees the batches in the same order
    (both drawn from ``seed``), so the L2 strength is the only thing that differs. Choose the
    strength on (X_val, y_val) and keep a separate test set to measure the chosen model.
    Returns one dict per strength: weight_decay, model, history, val_loss, val_acc.
    """
    results = []
    for lam in strengths:
        rng = np.random.default_rng(seed)
        model = build_model(rng)
        learner = Learner(model, loss, SGD(lr, momentum=momentum, weight_decay=lam), progress=False)
        history = learner.fit(DataLoader(X_train, y_train, batch_size, rng=rng), epochs)
        val_loss, val_acc = evaluate(model, loss, X_val, y_val)
        results.append({"weight_decay": lam, "model": model, "history": history,
                        "val_loss": val_loss, "val_acc": val_acc})
    return results
