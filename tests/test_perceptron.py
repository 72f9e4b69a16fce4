"""The hand-written softmax perceptron: its update is the gradient of the log-likelihood, it
equals one SGD step of Affine + CrossEntropy, and the analysis helpers pick the right samples."""

import numpy as np
import pytest

from nnlib.data import DataLoader
from nnlib.gradcheck import numerical_gradient, rel_error
from nnlib.layers import Affine
from nnlib.learner import Evaluate, KeepBest, Learner
from nnlib.losses import CrossEntropy
from nnlib.model import Model
from nnlib.optim import SGD

from nncourse.perceptron import (
    add_bias_column,
    class_means,
    log_likelihood,
    perceptron_probs,
    perceptron_update,
    worst_mistakes,
)


def small_problem(seed=0, n=7, d=5, c=4):
    rng = np.random.default_rng(seed)
    X = add_bias_column(rng.standard_normal((n, d)))
    W = rng.standard_normal((d + 1, c))
    y = rng.integers(0, c, n)
    return X, W, y, np.eye(c)[y]


def test_add_bias_column():
    X = np.arange(6, dtype=np.float32).reshape(3, 2)
    Xb = add_bias_column(X)
    assert Xb.dtype == np.float32
    np.testing.assert_array_equal(Xb, [[1, 0, 1], [1, 2, 3], [1, 4, 5]])


def test_probs_are_stable_and_normalised():
    W = np.array([[0.0, 0.0], [1000.0, -1000.0]])
    P = perceptron_probs(W, add_bias_column(np.array([[1.0], [-1.0]])))
    np.testing.assert_allclose(P, [[1, 0], [0, 1]])


def test_update_is_gradient_ascent_on_the_log_likelihood():
    X, W, y, Y = small_problem()
    lr = 0.1
    numeric = numerical_gradient(lambda w: log_likelihood(w, X, y), W.copy())
    assert rel_error((perceptron_update(W, X, Y, lr) - W) / lr, numeric) < 1e-7


def test_update_leaves_W_alone_and_checks_shapes():
    X, W, y, Y = small_problem()
    W0 = W.copy()
    perceptron_update(W, X, Y, 0.5)
    np.testing.assert_array_equal(W, W0)
    with pytest.raises(ValueError, match="one-hot"):
        perceptron_update(W, X, y, 0.5)


def test_update_equals_one_sgd_step_of_affine_and_cross_entropy():
    X, W, y, Y = small_problem(1)
    model = Model([Affine(5, 4, rng=0)])
    model.layers[0].params["W"][...] = W[1:]
    model.layers[0].params["b"][...] = W[0]
    loss = CrossEntropy()
    loss(model(X[:, 1:]), y)
    model.backward(loss.backward())
    SGD(lr=0.3).step(model)
    W_hand = perceptron_update(W, X, Y, 0.3)
    np.testing.assert_allclose(model.layers[0].params["W"], W_hand[1:], rtol=1e-12)
    np.testing.assert_allclose(model.layers[0].params["b"], W_hand[0], rtol=1e-12)


def test_log_likelihood_of_a_uniform_model():
    X, W, y, _ = small_problem(2)
    assert log_likelihood(np.zeros_like(W), X, y) == pytest.approx(-np.log(4))


def test_worst_mistakes():
    probs = np.array([[0.9, 0.1], [0.2, 0.8], [0.4, 0.6], [0.7, 0.3], [0.1, 0.9]])
    y = np.array([0, 0, 0, 1, 1])
    # class 0: samples 1 (0.8 on class 1) and 2 (0.6) are wrong; class 1: sample 3 (0.7)
    np.testing.assert_array_equal(worst_mistakes(probs, y), [1, 3])
    np.testing.assert_array_equal(worst_mistakes(probs, np.array([0, 1, 1, 0, 1])), [-1, -1])


def test_class_means_use_only_correct_samples():
    X = np.array([[1.0, 0.0], [3.0, 0.0], [9.0, 9.0], [0.0, 2.0]])
    y = np.array([0, 0, 0, 1])
    y_pred = np.array([0, 0, 1, 1])
    np.testing.assert_allclose(class_means(X, y, y_pred, 3), [[2, 0], [0, 2], [0, 0]])


def test_keep_best_restores_the_best_epoch():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((60, 3))
    y = (X[:, 0] > 0).astype(np.int64)
    X_val, y_val = rng.standard_normal((60, 3)), rng.integers(0, 2, 60)  # noise: loss rises
    model = Model([Affine(3, 2, rng=1)])
    keep = KeepBest("val_loss")
    learner = Learner(model, CrossEntropy(), SGD(lr=20.0), [Evaluate(X_val, y_val), keep],
                      progress=False)
    history = learner.fit(DataLoader(X, y, 10, rng=2), epochs=6)
    assert keep.best_epoch == int(np.argmin(history["val_loss"])) + 1 == 2
    assert CrossEntropy()(model(X_val), y_val) == pytest.approx(min(history["val_loss"]))


def test_keep_best_needs_the_monitored_series():
    model = Model([Affine(2, 2, rng=0)])
    learner = Learner(model, CrossEntropy(), SGD(lr=0.1), [KeepBest("val_loss")], progress=False)
    with pytest.raises(KeyError, match="val_loss"):
        learner.fit(DataLoader(np.zeros((4, 2)), np.zeros(4, dtype=np.int64), 2, rng=0), 1)
