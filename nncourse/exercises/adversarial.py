"""Lesson 06's exercises: the input gradient of the softmax perceptron, and one FGSM step.

In the lesson: ``exercises.input_gradient.check(my_input_gradient)`` and
``exercises.fgsm.check(my_fgsm)``.
"""

from __future__ import annotations

import numpy as np

from nnlib import Affine, CrossEntropy, Model, ReLU, one_hot, softmax

from .. import adversarial
from .checks import check_function
from .framework import Case, Exercise, Mistake


def _gradient_case(name: str, n: int, d: int, c: int, seed: int, bias: np.ndarray | None = None) -> Case:
    rng = np.random.default_rng(seed)
    b = rng.standard_normal(c) if bias is None else bias
    W = rng.standard_normal((d, c)) if bias is None else 0.1 * rng.standard_normal((d, c))
    return Case(name, (W, b, rng.random((n, d)), one_hot(rng.integers(0, c, n), c)), n=n)


GRADIENT_CASES = (
    _gradient_case("N = 4 images of 5 pixels, 3 classes", 4, 5, 3, 1),
    _gradient_case("a batch of 1, 6 pixels, 4 classes", 1, 6, 4, 2),
    _gradient_case("4 images of 4 pixels, 4 classes (W is square)", 4, 4, 4, 3),
    _gradient_case("3 images of 7 pixels, 10 classes", 3, 7, 10, 4),
    _gradient_case("scores near 800 (a large bias)", 3, 5, 4, 5, bias=np.array([800.0, 801.0, 799.0, 795.0])),
)


def _dz(W: np.ndarray, b: np.ndarray, x: np.ndarray, target: np.ndarray) -> np.ndarray:
    p = softmax(x @ W + b)
    g = p - target
    return p * (g - (g * p).sum(axis=1, keepdims=True))


input_gradient = Exercise("input_gradient", lambda answer: check_function(
    answer, adversarial.perceptron_input_gradient, GRADIENT_CASES, name="my_input_gradient", mistakes=(
        Mistake("the softmax Jacobian is missing: y_hat - t is dL/dz for the cross-entropy, not "
                "for the squared error of the probabilities.",
                lambda W, b, x, t: (softmax(x @ W + b) - t) @ W.T),
        Mistake("only the diagonal of the softmax Jacobian was used: every p_c depends on every "
                "z_k, not only on z_c.",
                lambda W, b, x, t: ((softmax(x @ W + b) - t) * softmax(x @ W + b)
                                    * (1 - softmax(x @ W + b))) @ W.T),
        Mistake("the bias b is missing from z = x W + b.",
                lambda W, b, x, t: _dz(W, 0 * b, x, t) @ W.T),
        Mistake("dL/dz (N, C) goes back to the pixels through W^T: with W (D, C), that is dz @ W.T.",
                lambda W, b, x, t: _dz(W, b, x, t) @ W),
    )), hints=(
    "Three factors of the chain rule, applied from the loss backwards: dL/dy_hat, then "
    "dy_hat/dz (the softmax Jacobian, a C x C matrix for each sample), then dz/dx.",
    "With g = y_hat - t, dL/dz_k = sum_c g_c y_hat_c ([c = k] - y_hat_k); for a batch, sums over "
    "c become row sums with keepdims=True. Then dz/dx is W, transposed to reach the pixels.",
))


def _fgsm_case(name: str, model: Model, n: int, eps: float, seed: int, dtype: type = np.float64) -> Case:
    rng = np.random.default_rng(seed)
    x = rng.random((n, model.layers[0].in_features))
    x[:, :2] = [0.0, 1.0]  # pixels at the edges, where the clipping matters
    num_classes = model(x).shape[1]
    return Case(name, (model.astype(dtype), x.astype(dtype), rng.integers(0, num_classes, n), eps), n=n)


FGSM_CASES = (
    _fgsm_case("a softmax regression, 5 images of 6 pixels, eps = 0.1", Model([Affine(6, 3, rng=1)]),
               5, 0.1, 1),
    _fgsm_case("a 6-8-4 MLP, a batch of 1, eps = 0.05",
               Model([Affine(6, 8, rng=2), ReLU(), Affine(8, 4, rng=3)]), 1, 0.05, 2),
    _fgsm_case("a 5-7-3 MLP, 4 images, eps = 0.3", Model([Affine(5, 7, rng=4), ReLU(), Affine(7, 3, rng=5)]),
               4, 0.3, 3),
    _fgsm_case("float32 model and images, eps = 0.1", Model([Affine(6, 3, rng=6)]), 3, 0.1, 4, np.float32),
)


def _reference_fgsm(model: Model, x: np.ndarray, y: np.ndarray, eps: float) -> np.ndarray:
    return adversarial.fgsm(model, CrossEntropy(), x, y, eps)


def _gradient(model: Model, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    return adversarial.input_gradient(model, CrossEntropy(), x, y)


fgsm = Exercise("fgsm", lambda answer: check_function(
    answer, _reference_fgsm, FGSM_CASES, name="my_fgsm", step_from=1, check_dtype=True, mistakes=(
        Mistake("pixels left [0, 1]: an image's pixels must stay between 0 and 1 (clip them).",
                lambda model, x, y, eps: x + eps * np.sign(_gradient(model, x, y))),
        Mistake("the step goes against the gradient, which lowers the loss; the attack raises it.",
                lambda model, x, y, eps: np.clip(x - eps * np.sign(_gradient(model, x, y)), 0, 1)),
        Mistake("the gradient was taken for the model's own predictions; the attack raises the "
                "loss of the true labels y.",
                lambda model, x, y, eps: _reference_fgsm(model, x, model(x).argmax(axis=1), eps)),
        Mistake("the raw gradient moves every pixel by a different amount; FGSM moves each one by "
                "exactly eps, up or down.",
                lambda model, x, y, eps: np.clip(x + eps * _gradient(model, x, y), 0, 1)),
    )), hints=(
    "To first order the loss rises by dx . gradient; if no pixel may move by more than eps, "
    "which dx raises it most?",
    "Every pixel moves by eps in the direction that raises the loss; then the image must be a valid "
    "image again (pixels in [0, 1]) of the input's dtype.",
))
