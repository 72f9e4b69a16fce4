"""Lesson 04's exercise checks against the wrong answers students write: a callback that
records the validation accuracy, the shape of a 3-D embedding's boundary, one step of momentum,
and the gradient of the binary cross-entropy with respect to the logits."""

import numpy as np

from nnlib import SGD, Affine, BCEWithLogits, Callback, Model, evaluate, sigmoid

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


def bce_solution(z, t):  # the lesson's
    return (sigmoid(z) - t) / len(z)


def bce_expanded(z, t):  # the two terms of the derivation, not yet simplified; sigma via tanh
    p = 0.5 * (1 + np.tanh(z / 2))
    return -(t * (1 - p) - (1 - t) * p) / z.shape[0]


def bce_in_place(z, t):
    z[...] = sigmoid(z)
    z -= t
    z /= len(z)
    return z


def naive_sigmoid(z):
    return 1 / (1 + np.exp(-z))


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
    "bce_gradient": {
        "no 1/N": (lambda z, t: sigmoid(z) - t, "the 1/N of the mean is missing"),
        "t - p": (lambda z, t: (t - sigmoid(z)) / len(z), "the sign is flipped"),
        "MSE's factor sigma(1 - sigma) left over": (
            lambda z, t: (sigmoid(z) - t) * sigmoid(z) * (1 - sigmoid(z)) / len(z),
            "chain rule of the squared error"),
        "divided by sigma(1 - sigma)": (
            lambda z, t: (sigmoid(z) - t) / (sigmoid(z) * (1 - sigmoid(z))) / len(z), "this is dL/dp"),
        "z taken as probabilities": (lambda z, t: (z - t) / len(z), "logits, not probabilities"),
        "shape (N,)": (lambda z, t: ((sigmoid(z) - t) / len(z)).ravel(), "it has shape (N,)"),
        "np.mean, one number": (lambda z, t: np.mean(sigmoid(z) - t), "collapsed the N entries"),
        "mean over axis 0": (lambda z, t: (sigmoid(z) - t).mean(axis=0), "collapsed the N entries"),
        "t.ravel(): (N, N)": (lambda z, t: (sigmoid(z) - t.ravel()) / len(z), "(N, N) array"),
        "z.ravel(): (N, N)": (lambda z, t: (sigmoid(z.ravel()) - t) / len(z), "(N, N) array"),
        "divides by the lesson's batch of 50": (lambda z, t: (sigmoid(z) - t) / 50, "divide by 50"),
        "in place": (bce_in_place, "changed its argument `z` in place"),
        "naive sigmoid": (lambda z, t: (naive_sigmoid(z) - t) / len(z), "nnlib's sigmoid"),
        "exp(z) / (1 + exp(z))": (lambda z, t: (np.exp(z) / (1 + np.exp(z)) - t) / len(z),
                                  "NaN or infinite"),
        "NaN": (lambda z, t: bce_solution(z, t) * np.nan, "NaN or infinite"),
        "not written": (lambda z, t: exec("raise NotImplementedError"), "not written yet"),
    },
}

RIGHT = {
    "val_accuracy": {"the lesson's solution": callback(lesson_solution), "one line": callback(one_line)},
    "boundary": {"a plane": lambda: "a plane", "plane": lambda: "plane", "A plane": lambda: "A plane",
                 "a hyperplane": lambda: "a hyperplane", "'  A  Plane. '": lambda: "  A  Plane. "},
    "momentum": {"the lesson's solution": momentum_solution, "expanded, as a list": momentum_expanded},
    "bce_gradient": {"the lesson's solution": bce_solution, "expanded, sigma via tanh": bce_expanded},
}


# WRONG and RIGHT are run by tests/test_exercises.py, with every topic's.


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


def test_a_naive_sigmoid_is_named_and_nnlibs_offered():
    result = exercises.bce_gradient.check(lambda z, t: (naive_sigmoid(z) - t) / len(z))
    assert "overflow" in result.message and "write sigma(z) as sigmoid(z)" in result.message


def test_the_bce_reference_is_the_gradient_of_nnlibs_loss():
    """On every case, a centred difference of BCEWithLogits' forward agrees with the reference."""
    for case in exercises._bce_cases():
        z, t = case.args
        loss, eps = BCEWithLogits(), 1e-6
        numerical = np.zeros_like(z)
        for i in range(len(z)):
            step = np.zeros_like(z)
            step[i] = eps
            numerical[i] = (loss(z + step, t) - loss(z - step, t)) / (2 * eps)
        np.testing.assert_allclose(exercises._bce_reference(z, t), numerical, atol=1e-7)
