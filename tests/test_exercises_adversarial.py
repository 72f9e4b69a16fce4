"""Lesson 06's exercise checks against the wrong answers students write: the input gradient of
the softmax perceptron, and one FGSM step."""

import numpy as np

from nnlib import Affine, CrossEntropy, Model, softmax

from nncourse.adversarial import input_gradient, perceptron_input_gradient
from nncourse.exercises import adversarial as exercises

# What the lesson's notebook holds: an answer must use its arguments instead.
perceptron = Model([Affine(6, 3, rng=99)])


def jacobian_product(W, b, x, target, sign=1.0, bias=True, per_sample=True, transpose=True):
    p = softmax(x @ W + (b if bias else 0))
    g = sign * (p - target)
    dz = p * (g - (g * p).sum(axis=1, keepdims=True))
    dx = dz @ (W.T if transpose else W)
    return dx if per_sample else dx / len(x)


def lesson_gradient(W, b, x, target):
    return jacobian_product(W, b, x, target)


def full_jacobian(W, b, x, target):
    p = softmax(x @ W + b)
    jac = p[:, :, None] * (np.eye(p.shape[1])[None] - p[:, None, :])  # (N, C, C): dp_c / dz_k
    return np.einsum("nc,nck,dk->nd", p - target, jac, W)


def naive_gradient(W, b, x, target):
    z = x @ W + b
    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    g = p - target
    return (p * (g - (g * p).sum(axis=1, keepdims=True))) @ W.T


def lesson_fgsm(model, x, y, eps):
    gradient = input_gradient(model, CrossEntropy(), x, y)
    return np.clip(x + eps * np.sign(gradient), 0, 1).astype(x.dtype)


def in_place_fgsm(model, x, y, eps):
    x += eps * np.sign(input_gradient(model, CrossEntropy(), x, y))
    np.clip(x, 0, 1, out=x)
    return x


def global_model_fgsm(model, x, y, eps):
    return lesson_fgsm(perceptron, x, y, eps)


def step(fgsm_step):
    def answer(model, x, y, eps):
        return fgsm_step(x, input_gradient(model, CrossEntropy(), x, y), eps).astype(x.dtype)
    return answer


WRONG = {
    "input_gradient": {
        "no softmax Jacobian": (lambda W, b, x, t: (softmax(x @ W + b) - t) @ W.T, "Jacobian is missing"),
        "diagonal Jacobian": (lambda W, b, x, t: ((softmax(x @ W + b) - t) * softmax(x @ W + b)
                                                  * (1 - softmax(x @ W + b))) @ W.T, "only the diagonal"),
        "no bias": (lambda W, b, x, t: jacobian_product(W, b, x, t, bias=False), "bias b is missing"),
        "W not transposed": (lambda W, b, x, t: jacobian_product(W, b, x, t, transpose=False),
                             "a transpose (.T) missing"),
        "averaged over the batch": (lambda W, b, x, t: jacobian_product(W, b, x, t, per_sample=False),
                                    "N = 4 times too small"),
        "sign flipped": (lambda W, b, x, t: jacobian_product(W, b, x, t, sign=-1.0), "opposite sign"),
        "naive softmax": (naive_gradient, "overflow"),
    },
    "fgsm": {
        "no clipping": (step(lambda x, g, eps: x + eps * np.sign(g)), "pixels left [0, 1]"),
        "descends": (step(lambda x, g, eps: np.clip(x - eps * np.sign(g), 0, 1)), "lowers the loss"),
        "no sign": (step(lambda x, g, eps: np.clip(x + eps * g, 0, 1)), "raw gradient"),
        "modifies x in place": (in_place_fgsm, "changed its argument `x` in place"),
        "the notebook's model": (global_model_fgsm, "is wrong at"),
        "predicted labels": (lambda model, x, y, eps: lesson_fgsm(model, x, model(x).argmax(axis=1), eps),
                             "true labels"),
    },
    "transfer": {
        "not at all": (lambda: "not at all", "about a point"),
        "as much as the MLP's own": (lambda: "as much as the MLP's own", "its own FGSM"),
        "a lot (not an option)": (lambda: "a lot", "one of"),
        "reads the notebook's result": (lambda: perceptron, "reads `perceptron` from the notebook"),
        "NaN": (lambda: float("nan"), "one of"),
    },
}

RIGHT = {
    "input_gradient": {"reference": perceptron_input_gradient, "the lesson's solution": lesson_gradient,
                       "the full Jacobian": full_jacobian},
    "fgsm": {"the lesson's solution": lesson_fgsm,
             "np.minimum/np.maximum": step(lambda x, g, eps: np.minimum(np.maximum(x + eps * np.sign(g), 0),
                                                                        1))},
    "transfer": {"partly": lambda: "partly", "Partly.": lambda: "Partly.", "spaced": lambda: " partly "},
}


# WRONG and RIGHT are run by tests/test_exercises.py, with every topic's.


def test_a_float32_image_must_stay_float32():
    result = exercises.fgsm.check(lambda model, x, y, eps: lesson_fgsm(model, x, y, eps).astype(np.float64))
    assert not result and "dtype float64, expected float32" in result.message


# --- Exercise 3: predict, then run: transfer -----------------------------------------------

def test_transfer_prediction_not_given_yet_is_not_passed():
    result = exercises.transfer.check(lambda: None)
    assert result.passed is False and "one of" in result.message, repr(result)
