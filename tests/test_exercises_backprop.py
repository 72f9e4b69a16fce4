"""Lesson 02's exercise checks (backward passes) against the wrong answers students write."""

import numpy as np
import pytest

from nnlib import Affine, Layer, Sigmoid, sigmoid

from nncourse.exercises import backprop as exercises


def sigmoid_layer(backward):
    """The lesson's MySigmoid with ``backward`` written by a student."""

    class MySigmoid(Layer):
        def forward(self, x):
            self.out = sigmoid(x)
            return self.out

    MySigmoid.backward = backward
    return MySigmoid


def affine_layer(backward):
    """The lesson's MyAffine with ``backward`` written by a student."""

    class MyAffine(Affine):
        def forward(self, x):
            self.x = x
            return x @ self.params["W"] + self.params["b"]

    MyAffine.backward = backward
    return MyAffine


def affine_grads(self, dout):
    self.grads["W"] = self.x.T @ dout
    self.grads["b"] = dout.sum(axis=0)


def with_grads(fill, dx=lambda self, dout: dout @ self.params["W"].T):
    def backward(self, dout):
        fill(self, dout)
        return dx(self, dout)
    return backward


def accumulate(self, dout):
    self.grads["W"] += self.x.T @ dout
    self.grads["b"] += dout.sum(axis=0)


def in_place_dout(self, dout):
    dout *= self.out * (1 - self.out)
    return dout


def only_w(self, dout):
    self.grads["W"] = self.x.T @ dout


WRONG = {
    "sigmoid_backward": {
        "dout * y": (lambda self, dout: dout * self.out, "not times its slope"),
        "no dout": (lambda self, dout: self.out * (1 - self.out), "does not depend on dout"),
        "sigmoid of the output": (lambda self, dout: dout * sigmoid(self.out) * (1 - sigmoid(self.out)),
                                  "applying the sigmoid to it again"),
        "tanh's slope": (lambda self, dout: dout * (1 - self.out**2), "slope of tanh"),
        "matrix product": (lambda self, dout: dout @ (self.out * (1 - self.out)).T, "entry by entry"),
        "returns NaN (issue 11)": (lambda self, dout: np.full_like(dout, np.nan), "NaN"),
        "modifies dout in place": (in_place_dout, "changed dout in place"),
    },
    "affine_backward": {
        "dW transposed": (with_grads(lambda s, d: (affine_grads(s, d), s.grads.update(W=d.T @ s.x))),
                          "dW is transposed"),
        "db over the outputs": (
            with_grads(lambda s, d: (affine_grads(s, d), s.grads.update(b=d.sum(axis=1)))),
            "summed over the outputs"),
        "db averaged": (with_grads(lambda s, d: (affine_grads(s, d), s.grads.update(b=d.mean(axis=0)))),
                        "N = 4 times too small"),
        "dW averaged": (with_grads(lambda s, d: (affine_grads(s, d), s.grads.update(W=s.x.T @ d / len(d)))),
                        "N = 4 times too small"),
        "dX without the transpose": (with_grads(affine_grads, dx=lambda s, d: d @ s.params["W"]),
                                     "a transpose (.T) missing"),
        "gradients accumulated": (with_grads(accumulate), "added to (+=)"),
        "db forgotten": (with_grads(only_w), "all zeros"),
    },
}

RIGHT = {
    "sigmoid_backward": {
        "reference": Sigmoid,
        "the lesson's solution": sigmoid_layer(lambda self, dout: dout * self.out * (1 - self.out)),
        "y - y^2": sigmoid_layer(lambda self, dout: dout * (self.out - self.out**2)),
    },
    "affine_backward": {
        "reference": Affine,
        "the lesson's solution": affine_layer(with_grads(affine_grads)),
        "einsum": affine_layer(with_grads(
            lambda s, d: s.grads.update(W=np.einsum("nd,nm->dm", s.x, d), b=np.ones(len(d)) @ d),
            dx=lambda s, d: np.einsum("nm,dm->nd", d, s.params["W"]))),
    },
}


def student_class(exercise, backward):
    return (sigmoid_layer if exercise == "sigmoid_backward" else affine_layer)(backward)


@pytest.mark.parametrize("exercise, backward, phrase", [
    pytest.param(e, answer, phrase, id=f"{e}: {label}")
    for e, wrongs in WRONG.items() for label, (answer, phrase) in wrongs.items()])
def test_wrong_answer_is_rejected_and_the_mistake_named(exercise, backward, phrase):
    result = getattr(exercises, exercise).check(student_class(exercise, backward))
    assert result.passed is False, repr(result)
    assert phrase in result.message, repr(result)


@pytest.mark.parametrize("exercise, cls", [
    pytest.param(e, answer, id=f"{e}: {label}")
    for e, rights in RIGHT.items() for label, answer in rights.items()])
def test_right_answer_passes(exercise, cls):
    result = getattr(exercises, exercise).check(cls)
    assert result, repr(result)
