"""Lesson 04's exercise checks against the wrong answers students write: a callback that
records the validation accuracy, and the shape of a 3-D embedding's boundary."""

import numpy as np
import pytest

from nnlib import SGD, Affine, Callback, Model, evaluate

from nncourse.exercises import embedding as exercises

# What the lesson's notebook holds: a callback must not read it instead of its own data.
rng = np.random.default_rng(4)
X_val, y_val = rng.standard_normal((30, exercises.FEATURES)), (rng.random((30, 1)) > 0.5).astype(float)


def callback(record):
    """The lesson's ValAccuracy with ``on_epoch_end`` written by a student."""

    class ValAccuracy(Callback):
        def __init__(self, X, y):
            self.X, self.y = X, y
            self.accuracies = []

    ValAccuracy.on_epoch_end = record
    return ValAccuracy


def lesson_solution(self, learner):
    _, acc = evaluate(learner.model, learner.loss, self.X, self.y)
    self.accuracies.append(acc)


def one_line(self, learner):
    self.accuracies.append(evaluate(learner.model, learner.loss, self.X, self.y)[1])


def reads_globals(self, learner):
    self.accuracies.append(evaluate(learner.model, learner.loss, X_val, y_val)[1])


def records_losses(self, learner):
    self.accuracies.append(evaluate(learner.model, learner.loss, self.X, self.y)[0])


def last_batch(self, learner):
    self.accuracies.append(evaluate(learner.model, learner.loss, learner.xb, learner.yb)[1])


def threshold_half(self, learner):
    self.accuracies.append(np.mean((learner.model(self.X) > 0.5) == self.y))


def into_history(self, learner):
    learner.history.setdefault("val_acc", []).append(
        evaluate(learner.model, learner.loss, self.X, self.y)[1])


def argmax_of_one_column(self, learner):
    self.accuracies.append(np.mean(learner.model(self.X).argmax(axis=1) == self.y))


def momentum_solution(W, V, dW, lr, mu):  # the lesson's
    V_new = mu * V - lr * dW
    return W + V_new, V_new


def momentum_expanded(W, V, dW, lr, mu):  # the same step, written out another way, as a list
    return [W + mu * V - lr * dW, -lr * dW + mu * V]


def momentum_in_place(W, V, dW, lr, mu):
    V *= mu
    V -= lr * dW
    W += V
    return W, V


WRONG = {
    "val_accuracy": {
        "reads the notebook's X_val": (callback(reads_globals), "does it use its arguments"),
        "records the loss": (callback(records_losses), "losses, not the accuracies"),
        "the last training batch": (callback(last_batch), "last training batch"),
        "logits thresholded at 0.5": (callback(threshold_half), "logits, not probabilities"),
        "appends to the history": (callback(into_history), "nothing was appended"),
        "argmax of a single logit": (callback(argmax_of_one_column), "is wrong at"),
    },
    "boundary": {
        "a line": (lambda: "a line", "one linear equation leaves two directions free"),
        "Line": (lambda: "Line", "one linear equation leaves two directions free"),
        "a sphere": (lambda: "a sphere", "quadratic"),
        "A curved surface.": (lambda: "A curved surface.", "the set is flat"),
        "a point": (lambda: "a point", "not one of the options"),
    },
    "momentum": {
        "+ lr * dW": (lambda W, V, dW, lr, mu: (W + mu * V + lr * dW, mu * V + lr * dW), "points uphill"),
        "W moved by the old V": (lambda W, V, dW, lr, mu: (W + V, mu * V - lr * dW), "by the old velocity"),
        "PyTorch's velocity": (lambda W, V, dW, lr, mu: (W - lr * (mu * V + dW), mu * V + dW),
                               "PyTorch's convention"),
        "no mu": (lambda W, V, dW, lr, mu: (W + V - lr * dW, V - lr * dW), "never decays"),
        "mu on the gradient too": (lambda W, V, dW, lr, mu: (W + mu * (V - lr * dW), mu * (V - lr * dW)),
                                   "multiplies the new gradient"),
        "W - V": (lambda W, V, dW, lr, mu: (W - (mu * V - lr * dW), mu * V - lr * dW), "W <- W + V"),
        "plain descent": (lambda W, V, dW, lr, mu: (W - lr * dW, V), "plain gradient descent"),
        "in place": (momentum_in_place, "changed its argument `W` in place"),
        "only W": (lambda W, V, dW, lr, mu: momentum_solution(W, V, dW, lr, mu)[0],
                   "the pair (W_new, V_new)"),
        "NaN": (lambda W, V, dW, lr, mu: (W * np.nan, mu * V - lr * dW), "NaN or infinite"),
        "lr and mu swapped": (lambda W, V, dW, lr, mu: momentum_solution(W, V, dW, mu, lr), "is wrong at"),
        "not written": (lambda W, V, dW, lr, mu: exec("raise NotImplementedError"), "not written yet"),
    },
}

RIGHT = {
    "val_accuracy": {"the lesson's solution": callback(lesson_solution), "one line": callback(one_line)},
    "boundary": {"a plane": lambda: "a plane", "plane": lambda: "plane", "A plane": lambda: "A plane",
                 "a hyperplane": lambda: "a hyperplane", "'  A  Plane. '": lambda: "  A  Plane. "},
    "momentum": {"the lesson's solution": momentum_solution, "expanded, as a list": momentum_expanded},
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


def test_a_sentence_is_for_the_student_to_judge():
    result = exercises.boundary.check(lambda: "it is a plane, since z is linear in e")
    assert result.passed is None and repr(result).startswith("NOT CHECKED:")


def test_the_momentum_reference_is_a_step_of_nnlibs_sgd():
    """Ten steps of the check's reference and of nnlib's SGD(lr, momentum) from rest agree."""
    rng = np.random.default_rng(5)
    layer = Affine(3, 2, rng=0)
    model, optimiser = Model([layer]), SGD(0.1, momentum=0.9)
    W, V = layer.params["W"].copy(), np.zeros((3, 2))
    for _ in range(10):
        dW = rng.standard_normal((3, 2))
        layer.grads["W"][...], layer.grads["b"][...] = dW, 0.0
        optimiser.step(model)
        step = exercises._momentum_reference(W, V, dW, 0.1, 0.9)
        W, V = step["W"], step["V"]
        np.testing.assert_allclose(layer.params["W"], W, rtol=1e-13)
