"""Where the weights start, and why: lesson 03's experiments on initialisation and activations.

Random, because hidden units that start equal get equal gradients and stay equal for ever
(``make_symmetric``, ``unit_spread``). At this scale, because each layer multiplies the size of
its input by about s * sqrt(D) for weights of standard deviation s: too small and the signal
dies out layer by layer, too large and it explodes (ReLU) or saturates (tanh, sigmoid). Xavier's
s^2 = 2 / (D + M) and He's s^2 = 2 / D keep it steady (``deep_stack``, ``activation_stds``). And
ReLU in deep networks because the sigmoid's slope is at most 1/4, a factor that the backward
pass multiplies in once per layer (``weight_gradient_norms``).
"""

from __future__ import annotations

import numpy as np

from nnlib import Affine, CrossEntropy, Model, ReLU, Sigmoid, Tanh
from nnlib._validation import as_labels, as_pair, check_finite, check_instance, check_number, make_rng
from nnlib._validation import positive_int as _positive_int
from nnlib.learner import Callback

ACTIVATIONS = {"sigmoid": Sigmoid, "tanh": Tanh, "relu": ReLU}


def _hidden_layer(model: Model, who: str) -> tuple[Affine, Affine]:
    """The two Affine layers around a 2-H-3 style hidden layer, or an error naming ``who``."""
    check_instance(model, Model, who, "model")
    if len(model) != 3 or not (isinstance(model[0], Affine) and isinstance(model[2], Affine)):
        raise ValueError(f"{who}: model must have one hidden layer (Affine, activation, Affine), got "
                         f"{[type(layer).__name__ for layer in model.layers]}")
    return model[0], model[2]


def make_symmetric(model: Model) -> Model:
    """Give every hidden unit the weights of unit 0, in place: column j of W1, entry j of b1 and
    row j of W2 all copied from j = 0. Returns ``model``. Shapes: W1 (D, H), b1 (H,), W2 (H, C)."""
    first, second = _hidden_layer(model, "make_symmetric")
    first.params["W"][:] = first.params["W"][:, :1]
    first.params["b"][:] = first.params["b"][0]
    second.params["W"][:] = second.params["W"][:1]
    return model


def unit_spread(model: Model) -> float:
    """How far the hidden units are from being copies of unit 0: the largest absolute difference
    between unit j's weights (column j of W1, b1[j], row j of W2) and unit 0's. Zero if symmetric."""
    first, second = _hidden_layer(model, "unit_spread")
    W1, b1, W2 = first.params["W"], first.params["b"], second.params["W"]
    return float(max(np.abs(W1 - W1[:, :1]).max(), np.abs(b1 - b1[0]).max(), np.abs(W2 - W2[:1]).max()))


class RecordOutputs(Callback):
    """Keeps the model's outputs on X (its logits) at the end of every epoch in ``outputs``, a list
    of (N, C) arrays: what the network answered, epoch by epoch, on the points X."""

    def __init__(self, X: np.ndarray) -> None:
        self.X = np.asarray(X)
        check_finite(self.X, "RecordOutputs", "X")
        self.outputs: list[np.ndarray] = []

    def on_epoch_end(self, learner) -> None:
        self.outputs.append(learner.model(self.X))


def deep_stack(activation: str, scale: str | float, *, depth: int = 10, width: int = 100,
               num_classes: int = 3, rng: np.random.Generator | int | None = None) -> Model:
    """``depth`` hidden layers of ``width`` units, each Affine then ``activation``, and a linear
    head to ``num_classes`` logits. Hidden weights from N(0, s^2): s^2 = 2 / (D + M) for
    ``scale="xavier"``, 2 / D for ``"he"``, or s = ``scale`` if it is a number. Biases start at 0.
    Shapes: X (N, width) -> (N, num_classes)."""
    if not isinstance(activation, str) or activation not in ACTIVATIONS:
        raise ValueError(f"deep_stack: activation must be one of {list(ACTIVATIONS)}, got {activation!r}")
    if not (isinstance(scale, str) and scale in ("xavier", "he")):
        check_number(scale, "deep_stack", "scale", "'xavier', 'he' or a positive number (the weights' "
                     "standard deviation)", lambda v: v > 0)
    depth, width, num_classes = (_positive_int(v, "deep_stack", name) for v, name in
                                 ((depth, "depth"), (width, "width"), (num_classes, "num_classes")))
    rng = make_rng(rng, "deep_stack")
    layers = []
    for _ in range(depth):
        layer = Affine(width, width, rng=rng, init=scale if isinstance(scale, str) else "he")
        if not isinstance(scale, str):
            layer.params["W"][:] = rng.normal(0.0, scale, (width, width))
        layers += [layer, ACTIVATIONS[activation]()]
    return Model([*layers, Affine(width, num_classes, rng=rng, init="xavier")])


def _stack(model: Model, X: np.ndarray, who: str) -> tuple[list[int], np.ndarray]:
    """The indices of the hidden Affine layers of a ``deep_stack``, and X checked against it."""
    check_instance(model, Model, who, "model")
    hidden = [i for i, layer in enumerate(model.layers[:-1]) if isinstance(layer, Affine)]
    if not hidden or not isinstance(model.layers[-1], Affine) or any(
            isinstance(model.layers[i + 1], Affine) for i in hidden):
        raise ValueError(f"{who}: model must be a stack (Affine, activation, ..., Affine) such as "
                         f"deep_stack builds, got {[type(layer).__name__ for layer in model.layers]}")
    X = np.asarray(X)
    if X.ndim != 2 or X.shape[1] != model.layers[0].in_features or len(X) < 2:
        raise ValueError(f"{who}: X must have shape (N, {model.layers[0].in_features}) with N >= 2, "
                         f"got {X.shape}")
    check_finite(X, who, "X")
    return hidden, X


def activation_stds(model: Model, X: np.ndarray) -> np.ndarray:
    """The standard deviation of every hidden layer's activations A^(l) (over samples and units)
    when X flows through a ``deep_stack``. Shapes: X (N, width) -> (depth,)."""
    hidden, A = _stack(model, X, "activation_stds")
    stds = []
    for i in hidden:
        A = model.layers[i + 1](model.layers[i](A))
        stds.append(A.std())
    return np.array(stds)


def weight_gradient_norms(model: Model, X: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The Frobenius norm of dL/dW^(l) for every hidden layer l of a ``deep_stack``, L the mean
    cross-entropy of its logits against the labels y. Shapes: X (N, width), y (N,) -> (depth,)."""
    hidden, X = _stack(model, X, "weight_gradient_norms")
    X, y = as_pair(X, y, "weight_gradient_norms")
    y = as_labels(y, "weight_gradient_norms", "y", model.layers[-1].out_features)
    loss = CrossEntropy()
    loss(model(X), y)
    model.backward(loss.backward(), input_grad=False)
    return np.array([np.linalg.norm(model.layers[i].grads["W"]) for i in hidden])
