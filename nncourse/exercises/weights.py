"""Lesson 05's exercises: the L2 penalty of a model, and its gradient.

The models of the cases have biases that must not count, depths and widths other than the
lesson's, and parameter gradients already filled by a backward pass (a penalty gradient must
not include them). In the lesson: ``exercises.l2_penalty.check(my_l2_penalty)`` and
``exercises.l2_gradients.check(my_l2_gradients)``.
"""

from __future__ import annotations

import itertools

import numpy as np

from nnlib import Affine, CrossEntropy, Model, ReLU, Tanh

from .. import weights
from .checks import check_function
from .framework import Case, Exercise, Mistake


def _model(sizes: tuple[int, ...], seed: int, bias: float) -> Model:
    """A network with the given layer sizes, biases set to ``bias``, and the gradients of a
    cross-entropy on random data already computed (as they are after a training step)."""
    rng = np.random.default_rng(seed)
    layers = []
    for i, (d, m) in enumerate(itertools.pairwise(sizes)):
        layers += [Affine(d, m, rng=rng)] + ([ReLU() if i % 2 else Tanh()] if i < len(sizes) - 2 else [])
    model = Model(layers)
    for layer in model.layers:
        if "b" in layer.params:
            layer.params["b"][:] = bias
    loss = CrossEntropy()
    loss(model(rng.standard_normal((8, sizes[0]))), rng.integers(0, sizes[-1], 8))
    model.backward(loss.backward())
    return model


L2_CASES = (
    Case("a 5-4-3 network whose biases are 2, weight_decay = 0.1", (_model((5, 4, 3), 10, 2.0), 0.1)),
    Case("the same network, weight_decay = 0.001", (_model((5, 4, 3), 10, 2.0), 1e-3)),
    Case("a 6-5-4-2 network, weight_decay = 0.3", (_model((6, 5, 4, 2), 20, -1.0), 0.3)),
    Case("a single 7-2 layer, weight_decay = 0.5", (_model((7, 2), 30, 0.5), 0.5)),
)


def _weights(model: Model) -> list[np.ndarray]:
    return [p for _, p, _ in model.parameters() if p.ndim > 1]


l2_penalty = Exercise("l2_penalty", lambda answer: check_function(
    answer, weights.l2_penalty, L2_CASES, name="my_l2_penalty", mistakes=(
        Mistake("the biases were penalised too: only the weight matrices (ndim 2) count.",
                lambda model, weight_decay: sum(0.5 * weight_decay * np.sum(p**2)
                                                for _, p, _ in model.parameters())),
        Mistake("this is the norm ||W||, not its square.",
                lambda model, weight_decay: sum(0.5 * weight_decay * np.linalg.norm(W)
                                                for W in _weights(model))),
        Mistake("only the first layer's weights were counted: every weight matrix of the model "
                "counts.", lambda model, weight_decay: 0.5 * weight_decay * np.sum(_weights(model)[0] ** 2)),
        Mistake("absolute values make the L1 penalty; L2 squares.",
                lambda model, weight_decay: sum(0.5 * weight_decay * np.sum(np.abs(W))
                                                for W in _weights(model))),
    )), hints=(
    "model.parameters() yields (name, param, grad) for every parameter; a weight matrix is the "
    "one with two dimensions.",
    "For each weight matrix, square every entry and add them up; the penalty is weight_decay / 2 "
    "times the total over all weight matrices, as a single float.",
))

l2_gradients = Exercise("l2_gradients", lambda answer: check_function(
    answer, weights.l2_gradients, L2_CASES, name="my_l2_gradients", mistakes=(
        Mistake("the data gradient (the third item that model.parameters() yields) was added: "
                "this is the penalty's gradient alone; the optimiser adds the two.",
                lambda model, weight_decay: {n: (weight_decay * p if p.ndim > 1 else 0 * p) + g
                                             for n, p, g in model.parameters()}),
        Mistake("the biases got weight_decay * b: they are not in the penalty, so their gradient "
                "is zero.", lambda model, weight_decay: {n: weight_decay * p
                                                         for n, p, _ in model.parameters()}),
    )), hints=(
    "Differentiate (λ / 2) * w^2 for a single weight w (λ is weight_decay); a parameter that does "
    "not appear in the penalty has a gradient of zero.",
    "Return a dict with one entry per name that model.parameters() yields, each an array shaped "
    "like its parameter: weight_decay times the weights for a weight matrix, zeros for a bias.",
))
