"""Lesson 04's exercises: a callback that records the validation accuracy, the shape of the
boundary of a 3-D embedding (multiple choice), and one step of SGD with momentum written by hand.
The written exercise that follows them is graded by its reader: no check can judge a paragraph.

In the lesson: ``exercises.val_accuracy.check(ValAccuracy)`` (the class, not an instance: the
check builds it on data of its own), ``exercises.boundary.check(boundary_in_3d)`` and
``exercises.momentum.check(momentum_step)``.
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
)

from .checks import check_function
from .choices import check_answer
from .framework import Case, Exercise, Mistake

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
