"""Lesson 06's exercises: the input gradient of the softmax perceptron, one FGSM step, and a
prediction: does an attack made on one model fool another?

In the lesson: ``exercises.input_gradient.check(my_input_gradient)`` and
``exercises.fgsm.check(my_fgsm)``.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

from nnlib import Affine, CrossEntropy, Model, ReLU, one_hot, softmax

from .. import adversarial
from .checks import check_function
from .choices import check_prediction
from .framework import Case, CheckResult, Exercise, Mistake


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


# --- Predict, then run: does an attack carry over to another model? ---------------------------

TRANSFER_OPTIONS = ("not at all", "partly", "as much as the MLP's own")


@functools.cache
def _transfer_outcome() -> str:
    """The experiment, on models of its own: a perceptron and a 784-100-10 MLP trained for three
    epochs on 10,000 MNIST images, and FGSM (eps = 0.1) on 2,000 test images made with the
    perceptron's gradient, read by the MLP; against the MLP's own FGSM images and random signs.
    Run once, then remembered."""
    from nnlib import SGD, DataLoader, Learner, accuracy

    from ..datasets import load_mnist, normalize_pixels

    x_train, y_train, x_test, y_test = load_mnist()
    X, y = normalize_pixels(x_train[:5000]), y_train[:5000]
    X_test, y_test = normalize_pixels(x_test[:1000]), y_test[:1000]
    rng = np.random.default_rng(0)
    perceptron = Model([Affine(784, 10, rng=rng, dtype=np.float32)])
    mlp = Model([Affine(784, 100, rng=rng, dtype=np.float32), ReLU(),
                 Affine(100, 10, rng=rng, dtype=np.float32)])
    for model, optimiser in ((perceptron, SGD(lr=0.5)), (mlp, SGD(lr=0.1, momentum=0.9))):
        Learner(model, CrossEntropy(), optimiser, progress=False).fit(DataLoader(X, y, 100, rng=rng), 2)
    table = adversarial.transfer_accuracy({"perceptron": perceptron, "MLP": mlp}, CrossEntropy(),
                                          X_test, y_test, 0.1, rng=0)
    clean = accuracy(y_test, mlp(X_test).argmax(axis=1))
    transferred, own = clean - table[("perceptron", "MLP")], clean - table[("MLP", "MLP")]
    if transferred < 0.05:
        return "not at all"
    return "partly" if transferred < own - 0.1 else "as much as the MLP's own"


transfer = Exercise("transfer", lambda answer: _check_transfer(answer), hints=(
    "Both models were trained on the same images to read the same digits. Would they need the same "
    "pixels to change their minds, or each its own?",
    "A perturbation made on the perceptron follows the perceptron's gradient exactly; the MLP's "
    "gradient points somewhere else, though not anywhere at all. What does that make of its "
    "effect on the MLP, compared with the MLP's own FGSM and with random signs?",
))


def _check_transfer(answer: Any) -> CheckResult:
    return check_prediction(answer, _transfer_outcome, options=TRANSFER_OPTIONS,
                            constants={"OPTIONS": TRANSFER_OPTIONS}, explanations={
        "not at all": "It does carry over: random signs of the same size cost the MLP about a point, "
                      "the perceptron's FGSM images a quarter of its accuracy or more.",
        "partly": "The perceptron's perturbations take a quarter or more off the MLP's accuracy, "
                  "while random signs of the same size cost about a point: the two models share "
                  "some weak directions. But the MLP's own FGSM does far more damage: transfer is "
                  "real and partial.",
        "as much as the MLP's own": "The MLP's own gradient finds its weak directions far better: "
                                    "its own FGSM images take it much lower than the perceptron's.",
    })
