"""Lesson 05's exercise checks against the wrong answers students write: the L2 penalty and
its gradient."""

import numpy as np
import pytest

from nnlib import Affine, Model

from nncourse.exercises import weights as exercises
from nncourse.weights import l2_gradients, l2_penalty

# What the lesson's notebook holds: an answer must use its arguments instead.
lam = 1e-4
model = Model([Affine(5, 4, rng=0), Affine(4, 3, rng=1)])


def matrices(m):
    return [p for _, p, _ in m.parameters() if p.ndim > 1]


def lesson_penalty(model, lam):
    return float(sum(0.5 * lam * np.sum(p**2) for _, p, _ in model.parameters() if p.ndim > 1))


def layer_by_layer(model, lam):
    total = 0.0
    for layer in model.layers:
        if "W" in layer.params:
            total += np.sum(layer.params["W"] ** 2)
    return lam / 2 * total


def reads_global_lam(m, lam_argument):
    return sum(0.5 * lam * np.sum(W**2) for W in matrices(m))


def reads_global_model(m, lam):
    return sum(0.5 * lam * np.sum(W**2) for W in matrices(model))


def lesson_gradients(model, lam):
    return {name: lam * p if p.ndim > 1 else np.zeros_like(p) for name, p, _ in model.parameters()}


def in_place(model, lam):
    grads = {}
    for name, p, _ in model.parameters():
        if p.ndim > 1:
            p *= lam
            grads[name] = p
        else:
            grads[name] = np.zeros_like(p)
    return grads


def layer_keys(model, lam):
    return {key: lam * p if key == "W" else 0 * p
            for layer in model.layers for key, p in layer.params.items()}


WRONG = {
    "l2_penalty": {
        "biases penalised": (lambda m, lam: sum(0.5 * lam * np.sum(p**2) for _, p, _ in m.parameters()),
                             "biases were penalised"),
        "no 1/2": (lambda m, lam: sum(lam * np.sum(W**2) for W in matrices(m)), "twice"),
        "norm, not squared": (lambda m, lam: sum(0.5 * lam * np.linalg.norm(W) for W in matrices(m)),
                              "not its square"),
        "first layer only": (lambda m, lam: 0.5 * lam * np.sum(m.layers[0].params["W"] ** 2), "first layer"),
        "L1": (lambda m, lam: sum(0.5 * lam * np.abs(W).sum() for W in matrices(m)), "L1"),
        "reads the notebook's lam": (reads_global_lam, "does it use its arguments"),
        "reads the notebook's model": (reads_global_model, "expected"),
    },
    "l2_gradients": {
        "adds the data gradient": (lambda m, lam: {n: (lam * p if p.ndim > 1 else 0 * p) + g
                                                   for n, p, g in m.parameters()}, "data gradient"),
        "2 lam W": (lambda m, lam: {n: 2 * lam * p if p.ndim > 1 else 0 * p for n, p, _ in m.parameters()},
                    "twice"),
        "lam b for biases": (lambda m, lam: {n: lam * p for n, p, _ in m.parameters()},
                             "biases got weight_decay * b"),
        "biases left out": (lambda m, lam: {n: lam * p for n, p, _ in m.parameters() if p.ndim > 1},
                            "it lacks"),
        "the layers' own keys": (layer_keys, "should have the keys"),
        "scales the weights in place": (in_place, "changed the parameters of its argument `model` in place"),
    },
}

RIGHT = {
    "l2_penalty": {"reference": l2_penalty, "the lesson's solution": lesson_penalty,
                   "layer by layer": layer_by_layer},
    "l2_gradients": {"reference": l2_gradients, "the lesson's solution": lesson_gradients,
                     "np.where": lambda m, lam: {n: lam * p * (p.ndim > 1) for n, p, _ in m.parameters()}},
}


@pytest.mark.parametrize("exercise, answer, phrase", [
    pytest.param(e, answer, phrase, id=f"{e}: {label}")
    for e, wrongs in WRONG.items() for label, (answer, phrase) in wrongs.items()])
def test_wrong_answer_is_rejected_and_the_mistake_named(exercise, answer, phrase):
    result = getattr(exercises, exercise).check(answer)
    assert result.passed is False, repr(result)
    assert phrase in result.message, repr(result)


@pytest.mark.parametrize("exercise, answer", [
    pytest.param(e, answer, id=f"{e}: {label}")
    for e, rights in RIGHT.items() for label, answer in rights.items()])
def test_right_answer_passes(exercise, answer):
    result = getattr(exercises, exercise).check(answer)
    assert result, repr(result)


def test_the_cases_have_data_gradients_and_biases_that_must_not_count():
    for case in exercises.L2_CASES:
        m = case.args[0]
        assert any(np.abs(g).sum() > 0 for _, _, g in m.parameters())
        assert all(np.abs(p).sum() > 0 for _, p, _ in m.parameters() if p.ndim == 1)
