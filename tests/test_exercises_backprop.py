"""Lesson 02's exercise checks (backward passes) against the wrong answers students write."""

import math
from pathlib import Path

import numpy as np
import pytest

from nnlib import Affine, Layer, Sigmoid, sigmoid

from nncourse.exercises import backprop as exercises
from nncourse.exercises.backprop import AffineTanh


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


LAYER_WRONG = {  # exercise: {label: (backward written by a student, phrase of the message)}
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

LAYER_RIGHT = {
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


# --- Exercise 3: the scalar autograd, Value ------------------------------------------------------

class LessonValue:
    """The lesson's solution, with type(self) for Value so that a subclass's slip runs everywhere."""

    def __init__(self, data, parents=()):
        self.data, self.grad, self.parents = float(data), 0.0, tuple(parents)
        self.backward_step = lambda: None

    def wrap(self, other):
        return other if isinstance(other, LessonValue) else type(self)(other)

    def __add__(self, other):
        other = self.wrap(other)
        out = type(self)(self.data + other.data, (self, other))

        def backward_step():
            self.grad += 1.0 * out.grad
            other.grad += 1.0 * out.grad

        out.backward_step = backward_step
        return out

    def __mul__(self, other):
        other = self.wrap(other)
        out = type(self)(self.data * other.data, (self, other))

        def backward_step():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad

        out.backward_step = backward_step
        return out

    def __pow__(self, n):
        out = type(self)(self.data ** n, (self,))

        def backward_step():
            self.grad += n * self.data ** (n - 1) * out.grad

        out.backward_step = backward_step
        return out

    def sigmoid(self):
        out = type(self)(sigmoid(self.data), (self,))

        def backward_step():
            self.grad += out.data * (1 - out.data) * out.grad

        out.backward_step = backward_step
        return out

    def topological_order(self):
        order, seen = [], set()

        def visit(v):
            if v not in seen:
                seen.add(v)
                for parent in v.parents:
                    visit(parent)
                order.append(v)

        visit(self)
        return order

    def backward(self):
        self.grad = 1.0
        for v in reversed(self.topological_order()):
            v.backward_step()

    def __neg__(self):
        return self * -1

    def __sub__(self, other):
        return self + (-other)

    def __rsub__(self, other):
        return -self + other

    def __radd__(self, other):
        return self + other

    def __rmul__(self, other):
        return self * other


def with_mul_step(step):
    """A Value whose __mul__'s backward step is step(a, b, out)."""

    def __mul__(self, other):
        other = self.wrap(other)
        out = type(self)(self.data * other.data, (self, other))
        out.backward_step = lambda: step(self, other, out)
        return out

    return type("Value", (LessonValue,), {"__mul__": __mul__})


def overwrite(a, b, out):
    a.grad = b.data * out.grad
    b.grad = a.data * out.grad


def no_chain_factor(a, b, out):
    a.grad += b.data
    b.grad += a.data


def grad_for_data(a, b, out):  # the local derivative read off the other factor's gradient
    a.grad += b.grad
    b.grad += a.grad


def grad_for_data_chained(a, b, out):
    a.grad += b.grad * out.grad
    b.grad += a.grad * out.grad


def nan_step(a, b, out):
    a.grad, b.grad = np.nan, np.nan


class Recursive(LessonValue):
    """backward as a recursion: every path from the root runs a shared node's step again."""

    def backward(self):
        self.grad = 1.0
        self.walk()

    def walk(self):
        self.backward_step()
        for parent in self.parents:
            parent.walk()


class ForwardOrder(LessonValue):
    def backward(self):
        self.grad = 1.0
        for v in self.topological_order():  # reversed() forgotten
            v.backward_step()


class Unseeded(LessonValue):
    def backward(self):
        for v in reversed(self.topological_order()):  # self.grad = 1.0 forgotten
            v.backward_step()


class SigmoidSlopeAtInput(LessonValue):
    def sigmoid(self):
        out = type(self)(sigmoid(self.data), (self,))

        def backward_step():
            self.grad += self.data * (1 - self.data) * out.grad

        out.backward_step = backward_step
        return out


class Kahn(LessonValue):
    """A correct rewrite: sigmoid from math.exp, parents as a list, grad = grad + ..., and the
    order by Kahn's algorithm (a node is run once every node that uses it has run)."""

    def __init__(self, data, parents=()):
        super().__init__(data)
        self.parents = list(parents)

    def sigmoid(self):
        out = type(self)(1 / (1 + math.exp(-self.data)), [self])

        def backward_step():
            self.grad = self.grad + out.grad * out.data * (1 - out.data)

        out.backward_step = backward_step
        return out

    def backward(self):
        users = {}
        for v in self.topological_order():
            for parent in v.parents:
                users[id(parent)] = users.get(id(parent), 0) + 1
        self.grad, ready = 1.0, [self]
        while ready:
            v = ready.pop()
            v.backward_step()
            for parent in v.parents:
                users[id(parent)] -= 1
                if users[id(parent)] == 0:
                    ready.append(parent)


AUTOGRAD_WRONG = {
    "= instead of += at a fan-out": (with_mul_step(overwrite), "add up: a backward step adds"),
    "recursion that visits a shared node twice": (Recursive, "passed its gradient back twice"),
    "the topological order not reversed": (ForwardOrder, "reversed topological order"),
    "the chain-rule factor out.grad missing": (with_mul_step(no_chain_factor),
                                               "multiplies it by the gradient"),
    "the root not seeded with 1": (Unseeded, "dL/dL = 1"),
    "a.grad += other.grad in *": (with_mul_step(grad_for_data), "local derivative"),
    "a.grad += other.grad * out.grad in *": (with_mul_step(grad_for_data_chained), "b's value, b.data"),
    "the sigmoid's slope at its input": (SigmoidSlopeAtInput, "out.data"),
    "NaN gradients": (with_mul_step(nan_step), "NaN"),
}


def test_an_unwritten_autograd_says_so_and_a_function_is_not_a_class():
    class Stub(LessonValue):
        def __mul__(self, other):
            raise NotImplementedError

    assert "not written yet" in exercises.autograd.check(Stub).message
    assert "pass your class itself" in exercises.autograd.check(lambda x: x).message


def test_the_reference_autograd_gives_mazurs_numbers_as_nnlib_does():
    """The check's Mazur graph against nnlib's 2-2-2 network (w1..w4 are W1 by columns)."""
    from test_worked_example import X, Y, mazur_network

    from nnlib import MSE

    model, loss = mazur_network(), MSE()
    L = loss(model(X), Y)
    model.backward(loss.backward())
    values = exercises._graph_values(exercises._Value, exercises._mazur)
    W1, W2 = model.grads["affine1.W"], model.grads["affine2.W"]
    expected = {"L": L, **{f"dL/dw{k + 1}": g for k, g in enumerate([*W1.T.ravel(), *W2.T.ravel()])},
                "dL/db1": model.grads["affine1.b"].sum(), "dL/db2": model.grads["affine2.b"].sum()}
    assert values == pytest.approx(expected, rel=1e-12)
    assert values["L"] == pytest.approx(0.298371109, abs=5e-10)


# --- Exercise 4: find the bug in AffineTanh's backward, then fix it ---------------------------------

def test_the_lessons_affine_tanh_is_the_checks_and_only_its_dx_is_wrong():
    """The lesson shows its AffineTanh in full; exercises.find_the_bug's answer is about that one."""
    import nbformat

    from nnlib import check_layer

    path = Path(__file__).parents[1] / "notebooks" / "02-backprop-math.ipynb"
    (source,) = [c.source for c in nbformat.read(path, as_version=4).cells
                 if c.cell_type == "code" and c.source.startswith("class AffineTanh(")]
    namespace = {"np": np, "Affine": Affine}
    exec(source, namespace)
    x = np.random.default_rng(5).standard_normal((4, 3))
    for cls in (namespace["AffineTanh"], AffineTanh):
        errors = check_layer(cls(3, 2, rng=0), x)
        assert errors["x"] > 1e-2 and errors["W"] < 1e-8 and errors["b"] < 1e-8, errors


def tanh_fix(dx=lambda self, dout, dz: dz @ self.params["W"].T, slope=lambda y: 1 - y**2, grads=None):
    """AffineTanh with backward rewritten by a student: dz = dout * slope(Y), then dx(self, dout, dz)."""

    def backward(self, dout):
        dz = dout * slope(self.out)
        if grads is None:
            self.grads["W"], self.grads["b"] = self.x.T @ dz, dz.sum(axis=0)
        else:
            grads(self, dz)
        return dx(self, dout, dz)

    return type("FixedAffineTanh", (AffineTanh,), {"backward": backward})


class SlopeInPlace(AffineTanh):
    def backward(self, dout):
        dout *= 1 - self.out**2  # right numbers, but dout belongs to the layer above
        self.grads["W"], self.grads["b"] = self.x.T @ dout, dout.sum(axis=0)
        return dout @ self.params["W"].T


class LinearForward(AffineTanh):
    """A "fix" that changes forward to suit the buggy backward: consistent, and not AffineTanh."""

    def forward(self, x):
        self.x, self.out = x, x @ self.params["W"] + self.params["b"]
        return self.out

    def backward(self, dout):
        self.grads["W"], self.grads["b"] = self.x.T @ dout, dout.sum(axis=0)
        return dout @ self.params["W"].T


class Rewrite(Affine):
    """A correct rewrite from scratch: its own forward cache, tanh's slope as (1 - y)(1 + y),
    einsum for the products."""

    def forward(self, x):
        self.cache = (x, np.tanh(x @ self.params["W"] + self.params["b"]))
        return self.cache[1]

    def backward(self, dout):
        x, y = self.cache
        dz = dout * (1 - y) * (1 + y)
        self.grads["W"] = np.einsum("nd,nm->dm", x, dz)
        self.grads["b"] = np.einsum("nm->m", dz)
        return np.einsum("nm,dm->nd", dz, self.params["W"])


def accumulate_tanh(self, dz):
    self.grads["W"] += self.x.T @ dz
    self.grads["b"] += dz.sum(axis=0)


FIX_WRONG = {
    "the bug left in, dout W^T": (AffineTanh, "still dout W^T"),
    "the slope applied twice": (tanh_fix(dx=lambda s, d, dz: (dz * (1 - s.out**2)) @ s.params["W"].T),
                                "applied twice"),
    "the slope at X, after W^T": (tanh_fix(dx=lambda s, d, dz: d @ s.params["W"].T * (1 - np.tanh(s.x) ** 2)),
                                  "taken at X"),
    "W not transposed": (tanh_fix(dx=lambda s, d, dz: dz @ s.params["W"]), "transpose"),
    "the sigmoid's slope": (tanh_fix(slope=lambda y: y * (1 - y)), "the sigmoid's slope"),
    "dout changed in place": (SlopeInPlace, "changed dout in place"),
    "dx averaged over the batch": (tanh_fix(dx=lambda s, d, dz: dz @ s.params["W"].T / len(dz)),
                                   "N = 4 times too small"),
    "gradients accumulated": (tanh_fix(grads=accumulate_tanh), "added to (+=)"),
    "forward changed to suit backward": (LinearForward, "no longer computes tanh(XW + b)"),
    "dz returned, W forgotten": (tanh_fix(dx=lambda s, d, dz: dz), "has shape (4, 3), expected (4, 5)"),
    "NaN": (tanh_fix(dx=lambda s, d, dz: np.full_like(s.x, np.nan)), "NaN"),
    "an instance, not the class": (tanh_fix()(3, 3), "pass your class itself"),
}

DIAGNOSIS_WRONG = {  # what my_diagnosis() returns
    "dW": ("dW", "affinetanh1.W right"),
    "db": ("db", "affinetanh1.b right"),
    "dW and db": ("dW and db", "not where the error is"),
    "all three": ("All three.", "would be wrong too"),
    "none: blames affine1": ("none", "a right layer fed a wrong dout"),
    "dz, not an option": ("dz", "not one of the options"),
    "NaN": (float("nan"), "not one of the options"),
}

WRONG = {  # exercise: {label: (answer, phrase of the message)}
    **{e: {label: (student_class(e, backward), phrase) for label, (backward, phrase) in wrongs.items()}
       for e, wrongs in LAYER_WRONG.items()},
    "autograd": AUTOGRAD_WRONG,
    "find_the_bug": {label: (lambda a=a: a, phrase) for label, (a, phrase) in DIAGNOSIS_WRONG.items()},
    "fix_the_bug": FIX_WRONG,
}

RIGHT = {
    **LAYER_RIGHT,
    "autograd": {"reference": exercises._Value, "the lesson's solution": LessonValue, "a rewrite": Kahn},
    "find_the_bug": {"dx": lambda: "dx", "dX": lambda: "dX", "dL/dX.": lambda: "dL/dX.",
                     "the gradient it returns": lambda: " The gradient it returns "},
    "fix_the_bug": {"the lesson's solution": tanh_fix(), "a rewrite": Rewrite},
}


# WRONG and RIGHT are run by tests/test_exercises.py, with every topic's.


def test_unwritten_answers_of_exercise_4_say_so():
    def my_diagnosis():
        raise NotImplementedError

    stub = type("FixedAffineTanh", (AffineTanh,), {"backward": lambda self, dout: my_diagnosis()})
    for exercise, answer in ((exercises.find_the_bug, my_diagnosis), (exercises.fix_the_bug, stub)):
        assert "not written yet" in exercise.check(answer).message
