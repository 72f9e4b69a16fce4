"""Lesson 04's exercises: a callback that records the validation accuracy, the shape of the
boundary of a 3-D embedding (multiple choice), one step of SGD with momentum written by hand,
and the gradient of the binary cross-entropy with respect to the logits, derived on paper.
The written exercise that follows the 3-D embedding is for its reader: no check can judge a
paragraph (NOT CHECKED).

In the lesson: ``exercises.val_accuracy.check(ValAccuracy)`` (the class, not an instance: the
check builds it on data of its own), ``exercises.boundary.check(boundary_in_3d)``,
``exercises.momentum.check(momentum_step)`` and ``exercises.bce_gradient.check(bce_logit_gradient)``.
"""

from __future__ import annotations

import numpy as np

from nnlib import (
    SGD,
    Affine,
    BCEWithLogits,
    Callback,
    CrossEntropy,
    DataLoader,
    Evaluate,
    Learner,
    Model,
    evaluate,
    sigmoid,
)

from .checks import check_function
from .choices import check_answer
from .framework import Case, CheckResult, Exercise, Mistake

FEATURES = 8


def _data(n: int, kind: str, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, FEATURES))
    scores = X @ np.random.default_rng(0).standard_normal((FEATURES, 3)) + rng.standard_normal((n, 3))
    if kind == "binary":
        return X, (scores[:, :1] > 0).astype(np.float64)
    return X, scores.argmax(axis=1)


def _fit(callback: Callback, kind: str) -> Learner:
    """Three epochs of a one-layer model on 200 points (a logistic regression for "binary",
    a softmax regression for "three classes"), with ``callback`` attached."""
    binary = kind == "binary"
    model = Model([Affine(FEATURES, 1 if binary else 3, rng=0)])
    loss = BCEWithLogits() if binary else CrossEntropy()
    learner = Learner(model, loss, SGD(0.1), [callback], progress=False)
    learner.fit(DataLoader(*_data(200, kind, seed=1), 20, rng=0), epochs=3)
    return learner


def _recorded_by(cls: type) -> object:
    def accuracies(X: np.ndarray, y: np.ndarray, kind: str) -> list:
        callback = cls(X, y)
        _fit(callback, kind)
        return callback.accuracies
    return accuracies


def _reference(X: np.ndarray, y: np.ndarray, kind: str) -> list[float]:
    return _fit(Evaluate(X, y), kind).history["val_acc"]


def _wrong(record: object) -> object:
    """The accuracies that a callback recording ``record(learner, X, y)`` would give."""
    class Wrong(Callback):
        def __init__(self, X: np.ndarray, y: np.ndarray) -> None:
            self.X, self.y, self.accuracies = X, y, []

        def on_epoch_end(self, learner: Learner) -> None:
            self.accuracies.append(record(learner, self.X, self.y))
    return _recorded_by(Wrong)


CALLBACK_CASES = (
    Case("3 epochs of a logistic regression, 60 validation points",
         (*_data(60, "binary", seed=2), "binary")),
    Case("the same training, 7 other validation points", (*_data(7, "binary", seed=3), "binary")),
    Case("3 epochs of a 3-class softmax regression, 45 validation points",
         (*_data(45, "three classes", seed=4), "three classes")),
)

val_accuracy = Exercise("val_accuracy", lambda answer: check_function(
    _recorded_by(answer), _reference, CALLBACK_CASES, name="ValAccuracy", result_name="self.accuracies",
    mistakes=(
        Mistake("nothing was appended to it (the check reads the callback's own list).",
                lambda X, y, kind: []),
        Mistake("these are the losses, not the accuracies: evaluate returns (loss, accuracy).",
                _wrong(lambda ln, X, y: evaluate(ln.model, ln.loss, X, y)[0])),
        Mistake("this is the accuracy on the last training batch (learner.xb, learner.yb), not on "
                "the callback's own data.",
                _wrong(lambda ln, X, y: evaluate(ln.model, ln.loss, ln.xb, ln.yb)[1])),
        Mistake("the model outputs logits, not probabilities: a logit says class 1 when it is "
                "above 0, not above 0.5.",
                _wrong(lambda ln, X, y: float(np.mean((ln.model(X) > 0.5) == y)))),
    )), hints=(
    "At the end of every epoch the learner passes itself to on_epoch_end, so learner.model and "
    "learner.loss are at hand; the data to measure on belongs to the callback.",
    "evaluate(model, loss, X, y) returns a pair (loss, accuracy); the callback keeps its data in "
    "self.X and self.y.",
))

BOUNDARY_OPTIONS = ("a line", "a plane", "a sphere", "a curved surface")

boundary = Exercise("boundary", lambda answer: check_answer(
    answer, "a plane", name="the boundary in 3-D", options=BOUNDARY_OPTIONS,
    accept=("hyperplane", "flat plane", "2-d plane", "2d plane", "two-dimensional plane", "affine plane"),
    wrong={
        "a line": "a line is the boundary in 2-D, where e . w + b = 0 is one equation in two "
                  "unknowns. In 3-D one linear equation leaves two directions free.",
        "a sphere": "a sphere needs a quadratic equation, |e - c|^2 = r^2; the head's input "
                    "z = e . w + b is linear in e.",
        "a curved surface": "the sigmoid is curved, but it equals 1/2 exactly where its input is 0, "
                            "and its input e . w + b is linear in e, so the set is flat.",
    },
    explanation="The head is still a logistic regression: its p = 1/2 set is e . w + b = 0, a "
                "plane in 3-D (a line in 2-D, a hyperplane in k-D)."), hints=(
    "sigma(z) = 1/2 exactly when z = 0. What kind of equation in e is e . w + b = 0?",
    "In 2-D the same equation gave a line: one linear equation in two unknowns leaves one free "
    "direction. Count the free directions in 3-D.",
))


def _momentum_reference(W: np.ndarray, V: np.ndarray, dW: np.ndarray, lr: float, mu: float) -> dict:
    """One step of nnlib's SGD(lr, momentum=mu) (nnlib/optim.py): V <- mu V - lr dW, W <- W + V."""
    V_new = mu * V - lr * dW
    return {"W": W + V_new, "V": V_new}


def _pair(step: object) -> object:
    """The student's (W_new, V_new) as the dict the check compares, key by key."""
    def run(W: np.ndarray, V: np.ndarray, dW: np.ndarray, lr: float, mu: float) -> dict:
        result = step(W, V, dW, lr, mu)
        if not (isinstance(result, (tuple, list)) and len(result) == 2):
            raise TypeError(f"it must return the pair (W_new, V_new), got a {type(result).__name__}")
        return {"W": result[0], "V": result[1]}
    return run


def _momentum_cases() -> tuple[Case, ...]:
    rng = np.random.default_rng(13)
    W, dW, V = rng.standard_normal((3, 3, 2))
    b, db, vb = rng.standard_normal((3, 4))
    return (Case("a 3 x 2 weight matrix at rest (V = 0), lr = 0.1, mu = 0.9",
                 (W, np.zeros_like(W), dW, 0.1, 0.9)),
            Case("the same matrix already moving (V != 0)", (W, V, dW, 0.1, 0.9)),
            Case("mu = 0: plain gradient descent, whatever V was", (W, V, dW, 0.05, 0.0)),
            Case("a bias vector (4,), lr = 0.02, mu = 0.5", (b, vb, db, 0.02, 0.5)))


momentum = Exercise("momentum", lambda answer: check_function(
    _pair(answer), _momentum_reference, _momentum_cases(), name="momentum_step", result_name="(W_new, V_new)",
    mistakes=(
        Mistake("the velocity gains + lr * dW: it then points uphill, and W climbs the loss. The "
                "gradient says where the loss grows; the step goes the other way, - lr * dW.",
                lambda W, V, dW, lr, mu: {"W": W + mu * V + lr * dW, "V": mu * V + lr * dW}),
        Mistake("W moved by the old velocity: the step of the lesson moves W by the new one, "
                "V_new = mu V - lr dW, computed first.",
                lambda W, V, dW, lr, mu: {"W": W + V, "V": mu * V - lr * dW}),
        Mistake("this is PyTorch's convention (v <- mu v + dW, W <- W - lr v), whose velocity is "
                "-1/lr times the lesson's: from rest it moves W the same way, but not with the "
                "lesson's V. Keep the lesson's: V <- mu V - lr dW, W <- W + V.",
                lambda W, V, dW, lr, mu: {"W": W - lr * (mu * V + dW), "V": mu * V + dW}),
        Mistake("the old velocity is kept whole: without the factor mu it never decays, and "
                "every past gradient counts for ever.",
                lambda W, V, dW, lr, mu: {"W": W + V - lr * dW, "V": V - lr * dW}),
        Mistake("mu multiplies the new gradient too: V_new = mu (V - lr dW). Only the old velocity "
                "decays; the new gradient enters whole, - lr dW.",
                lambda W, V, dW, lr, mu: {"W": W + mu * (V - lr * dW), "V": mu * (V - lr * dW)}),
        Mistake("W - V_new: the velocity already carries the minus sign of the descent, so W <- W + V.",
                lambda W, V, dW, lr, mu: {"W": W - (mu * V - lr * dW), "V": mu * V - lr * dW}),
        Mistake("this is plain gradient descent: the velocity is left out of the step.",
                lambda W, V, dW, lr, mu: {"W": W - lr * dW, "V": V}),
    )), hints=(
    "Two lines, in the order of the lesson's equations: first the new velocity, from the old "
    "one and the gradient; then the weights, moved by that new velocity.",
    "The old velocity decays by the factor mu; the gradient enters with the learning rate and "
    "the minus sign of a descent. Return new arrays: W and V are the caller's.",
))


def _bce_reference(z: np.ndarray, t: np.ndarray) -> np.ndarray:
    """dL/dz as nnlib computes it: BCEWithLogits' backward after its forward on (z, t)."""
    loss = BCEWithLogits()
    loss(z, t)
    return loss.backward()


def _bce_cases() -> tuple[Case, ...]:
    rng = np.random.default_rng(404)
    z8, z13 = 3 * rng.standard_normal((8, 1)), 3 * rng.standard_normal((13, 1))
    t8 = np.array([[1.0], [0.0], [0.0], [1.0], [1.0], [0.0], [1.0], [0.0]])
    t13 = (rng.random((13, 1)) < 0.5).astype(np.float64)
    large = np.array([[1000.0], [-1000.0], [1000.0], [-1000.0], [40.0], [-40.0]])
    return (Case("8 logits (N, 1) and their 0/1 targets", (z8, t8), n=8),
            Case("a batch of 1", (np.array([[0.7]]), np.array([[0.0]])), n=1),
            Case("13 logits (another N than the lesson's)", (z13, t13), n=13),
            Case("logits of 1000, -1000, 40 and -40, confidently right and confidently wrong",
                 (large, np.array([[1.0], [0.0], [0.0], [1.0], [0.0], [1.0]])), n=6))


_A_REDUCTION = ("the mean over the batch collapsed the N entries into one number: in L the mean "
                "becomes a factor 1/N on each term, and dL/dz keeps one entry per logit, the shape "
                "of z, (N, 1).")
_ALL_PAIRS = ("it is an (N, N) array: an (N, 1) column minus an (N,) vector broadcasts to every "
              "pair of rows. Keep z, t and the result all (N, 1).")

BCE_MISTAKES = (
    Mistake("the 1/N of the mean is missing: L averages over the N logits, so each entry of dL/dz "
            "carries a factor 1/N (dividing by z.shape[1], which is 1, divides by nothing).",
            lambda z, t: sigmoid(z) - t),
    Mistake("the sign is flipped: this is the gradient of the mean log-likelihood, which training "
            "climbs; L is minus it, and a descent step along this would climb the loss.",
            lambda z, t: (t - sigmoid(z)) / len(z)),
    Mistake("the factor sigma(z)(1 - sigma(z)) is left over: that is the chain rule of the squared "
            "error (sigma(z) - t)^2 / 2 through a sigmoid. With the cross-entropy, the derivative of "
            "each log divides by sigma(z) or by 1 - sigma(z): redo step 2 and look for what cancels.",
            lambda z, t: (sigmoid(z) - t) * sigmoid(z) * (1 - sigmoid(z)) / len(z)),
    Mistake("this is dL/dp, the gradient with respect to the probability p = sigma(z) (what nnlib's "
            "BCE, on probabilities, returns): dL/dz takes one more factor of the chain rule, "
            "dp/dz = sigma(z)(1 - sigma(z)).",
            lambda z, t: (sigmoid(z) - t) / (sigmoid(z) * (1 - sigmoid(z))) / len(z)),
    Mistake("z holds logits, not probabilities: the formula you derived is in terms of sigma(z), "
            "and here z itself stands where sigma(z) should (a logit of 2 is a probability of 0.88).",
            lambda z, t: (z - t) / len(z)),
    Mistake("it has shape (N,): dL/dz has the shape of z, (N, 1), one entry per logit, which the "
            "head's backward multiplies by its weights.",
            lambda z, t: ((sigmoid(z) - t) / len(z))[:, 0]),
    Mistake(_A_REDUCTION, lambda z, t: float(np.mean(sigmoid(z) - t))),
    Mistake(_A_REDUCTION, lambda z, t: np.mean(sigmoid(z) - t, axis=0)),
    Mistake(_ALL_PAIRS, lambda z, t: (sigmoid(z) - t[:, 0]) / len(z)),
    Mistake(_ALL_PAIRS, lambda z, t: (sigmoid(z[:, 0]) - t) / len(z)),
)


def _check_bce_gradient(answer: object) -> CheckResult:
    result = check_function(answer, _bce_reference, _bce_cases(), name="bce_logit_gradient",
                            result_name="dL/dz", mistakes=BCE_MISTAKES)
    if result.passed is False and "overflow" in result.message:
        return CheckResult(False, f"{result.message} nnlib's sigmoid (imported in the lesson's setup "
                                  "cell) is such a form: write sigma(z) as sigmoid(z) rather than "
                                  "with np.exp, which overflows for a logit of 1000 or -1000.")
    return result


bce_gradient = Exercise("bce_gradient", _check_bce_gradient, hints=(
    "Take one term, -[t log sigma(z) + (1 - t) log(1 - sigma(z))], and differentiate each log with "
    "the chain rule, using sigma'(z) = sigma(z)(1 - sigma(z)); z_n appears in its own term only.",
    "The derivative of log sigma(z) is sigma'(z) / sigma(z): one factor of sigma' cancels against "
    "the denominator. Do the same for log(1 - sigma(z)), then expand the two terms: the products "
    "of t and sigma(z) cancel. Keep the 1/N of the mean, and compute sigma with nnlib's sigmoid.",
))
