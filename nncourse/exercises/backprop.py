"""Lesson 02's exercises: the backward passes of a sigmoid layer and of an affine layer.

Your layer class is built afresh for every case and checked against centred finite
differences (``nnlib.gradcheck``); a second backward pass must overwrite the gradients.
In the lesson: ``exercises.sigmoid_backward.check(MySigmoid)``.
"""

from __future__ import annotations

import numpy as np

from nnlib import sigmoid

from .framework import Case, Exercise, Mistake
from .gradients import check_layer_class

_rng = np.random.default_rng(202)

SIGMOID_CASES = (
    Case("4 samples of 5 features", (lambda cls: cls(), _rng.standard_normal((4, 5))), n=4),
    Case("a batch of 1", (lambda cls: cls(), _rng.standard_normal((1, 3))), n=1),
    Case("3 samples of 3 features (square)", (lambda cls: cls(), 2 * _rng.standard_normal((3, 3))), n=3),
    Case("inputs between -6 and 6", (lambda cls: cls(), np.linspace(-6, 6, 12).reshape(6, 2)), n=6),
)

sigmoid_backward = Exercise("sigmoid_backward", lambda answer: check_layer_class(
    answer, SIGMOID_CASES, name="MySigmoid", mistakes=(
        Mistake("that is dout times the sigmoid itself, not times its slope.",
                lambda x, dout, params: {"x": dout * sigmoid(x)}),
        Mistake("it does not depend on dout. The chain rule multiplies the gradient that arrives "
                "from above, dout, by the local slope.",
                lambda x, dout, params: {"x": sigmoid(x) * (1 - sigmoid(x))}),
        Mistake("self.out is sigmoid(x) already; applying the sigmoid to it again computes the "
                "slope at the wrong point.",
                lambda x, dout, params: {"x": dout * sigmoid(sigmoid(x)) * (1 - sigmoid(sigmoid(x)))}),
        Mistake("1 - y^2 is the slope of tanh, not of the sigmoid.",
                lambda x, dout, params: {"x": dout * (1 - sigmoid(x) ** 2)}),
        Mistake("a matrix product (@): the sigmoid acts entry by entry, so the chain rule "
                "multiplies entry by entry (*).",
                lambda x, dout, params: {"x": dout @ (sigmoid(x) * (1 - sigmoid(x))).T}),
    )), hints=(
    "Chain rule, entry by entry: dL/dX = dL/dY times dY/dX. Write the sigmoid's slope in terms of "
    "its own output.",
    "The slope of the sigmoid at x is f(x) (1 - f(x)), and forward saved f(x) in self.out.",
))


def _affine(d: int, m: int, seed: int):
    return lambda cls: cls(d, m, rng=seed)


AFFINE_CASES = (
    Case("N = 4 samples, 5 inputs, 3 outputs", (_affine(5, 3, 1), _rng.standard_normal((4, 5))), n=4),
    Case("a batch of 1, 4 inputs, 2 outputs", (_affine(4, 2, 2), _rng.standard_normal((1, 4))), n=1),
    Case("N = 3, 3 inputs, 3 outputs (all square)", (_affine(3, 3, 3), _rng.standard_normal((3, 3))), n=3),
    Case("N = 6, 2 inputs, 5 outputs", (_affine(2, 5, 4), _rng.standard_normal((6, 2))), n=6),
)

affine_backward = Exercise("affine_backward", lambda answer: check_layer_class(
    answer, AFFINE_CASES, name="MyAffine", mistakes=(
        Mistake("db was summed over the outputs (axis=1); the bias is shared by all the samples, "
                "so its gradient sums over the batch.",
                lambda x, dout, params: {"b": dout.sum(axis=1)}),
        Mistake("dL/dX must have X's shape (N, D): dout (N, M) times W (D, M) needs W transposed.",
                lambda x, dout, params: {"x": dout @ params["W"]}),
        Mistake("dW is transposed: it has W's shape (D, M), X^T dout rather than dout^T X.",
                lambda x, dout, params: {"W": dout.T @ x}),
    )), hints=(
    "Write Y = XW + b entry by entry, y_nm = sum_d x_nd W_dm + b_m, and differentiate with respect to "
    "one W_dm, one b_m and one x_nd; every sample n that uses them adds to their gradient.",
    "Each gradient has the shape of what it is the gradient of: dW (D, M), db (M,), dX (N, D). "
    "Match the shapes with dout (N, M), X (N, D) and W (D, M).",
))
