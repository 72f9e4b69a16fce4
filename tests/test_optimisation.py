"""Lesson 04's optimisation helpers: nnlib's SGD on a quadratic bowl, and the scale of the inputs."""

import numpy as np
import pytest

from nnlib import sigmoid

from nncourse.optimisation import (
    descent_path,
    logistic_descent,
    plot_descent_paths,
    quadratic_bowl,
    standardise,
    steps_to_tolerance,
)


def test_quadratic_bowl_value_and_gradient():
    f, gradient = quadratic_bowl([1.0, 25.0])
    w = np.array([2.0, -1.0])
    assert f(w) == pytest.approx((4 + 25) / 2)
    np.testing.assert_array_equal(f(np.array([[0.0, 0.0], [2.0, -1.0]])), [0.0, 14.5])
    np.testing.assert_array_equal(gradient(w), [2.0, -25.0])
    h = 1e-6  # the gradient is the derivative of f
    numeric = [(f(w + h * e) - f(w - h * e)) / (2 * h) for e in np.eye(2)]
    np.testing.assert_allclose(gradient(w), numeric, rtol=1e-7)


def test_plain_descent_multiplies_each_coordinate_by_one_minus_eta_h():
    _, gradient = quadratic_bowl([1.0, 25.0])
    path = descent_path(gradient, [-3.0, 1.0], 0.02, steps=10)
    k = np.arange(11)[:, None]
    np.testing.assert_allclose(path, np.array([-3.0, 1.0]) * (1 - 0.02 * np.array([1.0, 25.0])) ** k,
                               rtol=1e-13)


def test_momentum_path_is_the_heavy_ball_recursion():
    _, gradient = quadratic_bowl([1.0, 25.0])
    path = descent_path(gradient, [-3.0, 1.0], 0.02, momentum=0.9, steps=30)
    w, v, expected = np.array([-3.0, 1.0]), np.zeros(2), [np.array([-3.0, 1.0])]
    for _ in range(30):  # v <- mu v - eta grad, w <- w + v, as nnlib/optim.py documents
        v = 0.9 * v - 0.02 * gradient(w)
        w = w + v
        expected.append(w)
    np.testing.assert_allclose(path, expected, rtol=1e-13, atol=1e-15)
    assert path.shape == (31, 2) and path.dtype == np.float64


def test_descent_path_leaves_w0_alone_and_steps_on_a_constant_slope_grow_to_eta_over_1_minus_mu():
    w0 = np.array([0.0])
    path = descent_path(lambda w: np.ones(1), w0, 0.02, momentum=0.9, steps=200)
    assert w0[0] == 0.0
    steps = -np.diff(path[:, 0])
    assert steps[0] == pytest.approx(0.02) and steps[-1] == pytest.approx(0.2, rel=1e-8)


def test_steps_to_tolerance_counts_from_the_last_exit():
    path = np.array([[3.0, 0.0], [0.5, 0.0], [2.0, 0.0], [0.1, 0.0], [0.05, 0.0]])
    assert steps_to_tolerance(path, 1.0) == 3  # inside at step 1, out again at 2, in for good at 3
    assert steps_to_tolerance(path, 10.0) == 0
    assert steps_to_tolerance(path, 0.01) is None
    assert steps_to_tolerance(path, 1.0, minimum=[2.0, 0.0]) is None
    assert steps_to_tolerance(np.array([[0.0, 0.0], [np.nan, 0.0], [0.0, 0.0]]), 1.0) == 2


def test_momentum_reaches_the_ill_conditioned_minimum_first_and_ten_eta_diverges():
    _, gradient = quadratic_bowl([1.0, 25.0])
    plain = steps_to_tolerance(descent_path(gradient, [-3.0, 1.0], 0.02, steps=500), 1e-3)
    heavy = steps_to_tolerance(descent_path(gradient, [-3.0, 1.0], 0.02, 0.9, steps=500), 1e-3)
    assert (plain, heavy) == (397, 148)  # the figures lesson 04 prints
    # plain descent: |1 - 0.02| ** k * 3 < 1e-3 first at k = ceil(log(1/3000) / log(0.98)) = 397
    assert plain == int(np.ceil(np.log(1e-3 / 3) / np.log(0.98)))
    assert steps_to_tolerance(descent_path(gradient, [-3.0, 1.0], 0.2, steps=50), 1e-3) is None


def test_plot_descent_paths_draws_every_path_and_the_contours():
    f, gradient = quadratic_bowl([1.0, 25.0])
    paths = {"plain": descent_path(gradient, [-3.0, 1.0], 0.02, steps=20),
             "momentum": descent_path(gradient, [-3.0, 1.0], 0.02, 0.9, steps=20)}
    ax = plot_descent_paths(f, paths)
    labels = [line.get_label() for line in ax.get_lines()]
    assert labels[:2] == ["plain", "momentum"] and "minimum" in labels
    np.testing.assert_array_equal(ax.get_lines()[1].get_xydata(), paths["momentum"])
    assert ax.collections  # the contour lines
    assert len({line.get_marker() for line in ax.get_lines()[:2]}) == 2  # a marker per path


def test_standardise_uses_the_training_statistics():
    rng = np.random.default_rng(0)
    X_train, X_test = rng.normal(5.0, 3.0, (50, 2)) * [1, 100], rng.normal(5.0, 3.0, (10, 2))
    S_train, S_test = standardise(X_train, X_test)
    np.testing.assert_allclose(S_train.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(S_train.std(axis=0), 1)
    np.testing.assert_allclose(S_test, (X_test - X_train.mean(axis=0)) / X_train.std(axis=0))
    assert standardise(X_train)[0].shape == (50, 2)


def test_logistic_descent_is_gradient_descent_on_the_binary_cross_entropy():
    rng = np.random.default_rng(1)
    X = rng.standard_normal((40, 2))
    y = (X[:, :1] + 0.5 * rng.standard_normal((40, 1)) > 0).astype(float)
    run = logistic_descent(X, y, lr=0.5, steps=3)
    w, b = np.zeros((2, 1)), np.zeros(1)
    for k in range(4):  # by hand: dL/dz = (sigmoid(z) - y) / N
        z = X @ w + b
        loss = np.mean(np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z))))
        assert run["loss"][k] == pytest.approx(loss, rel=1e-12)
        assert run["acc"][k] == np.mean((z > 0) == (y == 1))
        if k < 3:
            delta = (sigmoid(z) - y) / len(X)
            w, b = w - 0.5 * X.T @ delta, b - 0.5 * delta.sum(axis=0)
    np.testing.assert_allclose(run["W"], w, rtol=1e-12)
    np.testing.assert_allclose(run["b"], b, rtol=1e-12)
    assert run["loss"][0] == pytest.approx(np.log(2))  # zero weights: y_hat = 1/2 everywhere


def test_standardising_a_feature_on_another_scale_is_what_makes_descent_fast():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((400, 2))
    y = (rng.uniform(size=400) < sigmoid(2 * x[:, 0] + 2 * x[:, 1])).astype(float)[:, None]
    X_raw = x * [1.0, 100.0]
    (X_std,) = standardise(X_raw)

    def run(X):
        X1 = np.column_stack([X, np.ones(len(X))])
        return logistic_descent(X, y, lr=1 / np.linalg.eigvalsh(X1.T @ X1 / (4 * len(X)))[-1], steps=300)

    raw, std = run(X_raw), run(X_std)
    assert std["loss"][-1] < raw["loss"][-1] - 0.1 and std["acc"][-1] > raw["acc"][-1] + 0.05


@pytest.mark.parametrize(("call", "error", "pattern"), [
    (lambda: quadratic_bowl([1.0, 0.0]), ValueError, "quadratic_bowl: curvatures must be a vector"),
    (lambda: descent_path(lambda w: w[:1], [1.0, 2.0], 0.1), ValueError,
     r"descent_path: gradient\(w\) has shape \(1,\) but w has \(2,\)"),
    (lambda: descent_path(lambda w: w, [1.0], 0.1, momentum=1.0), ValueError,
     r"SGD: momentum must be a number in \[0, 1\)"),
    (lambda: steps_to_tolerance(np.zeros((3, 2)), 0.1, minimum=[0.0]), ValueError,
     r"steps_to_tolerance: minimum must be a point \(2,\)"),
    (lambda: plot_descent_paths(quadratic_bowl([1.0, 2.0])[0], {"a": np.zeros((3, 3))}), ValueError,
     r"plot_descent_paths: paths\['a'\] must be points of the plane"),
    (lambda: standardise(np.ones((5, 2))), ValueError,
     r"standardise: X_train's columns \[0, 1\] are constant"),
    (lambda: logistic_descent(np.ones((4, 2)), np.ones(4), 0.1, 3), ValueError,
     r"logistic_descent: y must be labels 0 or 1 of shape \(4, 1\)"),
])
def test_bad_input_is_refused_clearly(call, error, pattern):
    with pytest.raises(error, match=pattern):
        call()
