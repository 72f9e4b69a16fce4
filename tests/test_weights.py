"""Tests of nncourse.weights (weights as images, backward projection, saliency, L2), of
nncourse.backprop (the whole-network gradient check) and of exercises.check_param_gradients,
which the L2 exercise uses."""

import numpy as np
import pytest

from nnlib.gradcheck import numerical_gradient
from nnlib.layers import Affine, ReLU, Sigmoid, Tanh
from nnlib.losses import MSE, CrossEntropy
from nnlib.model import Model
from nnlib.optim import SGD

from nncourse.backprop import gradient_errors, gradient_table, loss_gradients
from nncourse.exercises import check_param_gradients
from nncourse.weights import backward_projection, l2_gradients, l2_penalty, l2_sweep, saliency, weight_images


def small_model(rng=0, activation=Tanh):
    rng = np.random.default_rng(rng)
    return Model([Affine(6, 5, rng=rng), activation(), Affine(5, 3, rng=rng)])


def test_weight_images_lays_out_each_column_row_by_row():
    layer = Affine(12, 4, rng=0)
    images = weight_images(layer, shape=(3, 4))
    assert images.shape == (4, 3, 4)
    W = layer.params["W"]
    assert images[2, 1, 3] == W[1 * 4 + 3, 2]
    with pytest.raises(ValueError, match="12 inputs"):
        weight_images(layer, shape=(5, 5))


def test_backward_projection_of_a_linear_network_is_its_input_gradient():
    rng = np.random.default_rng(1)
    model = Model([Affine(6, 5, rng=rng), Affine(5, 3, rng=rng)])
    proj = backward_projection(model, np.eye(3))
    W1, W2 = model.params["affine1.W"], model.params["affine2.W"]
    np.testing.assert_allclose(proj, (W1 @ W2).T)
    x = rng.standard_normal((1, 6))
    grad = numerical_gradient(lambda _: float(model(x)[0, 2]), x)
    np.testing.assert_allclose(proj[2], grad[0], rtol=1e-6)
    with pytest.raises(ValueError, match="shape"):
        backward_projection(model, np.eye(4))


def test_backward_projection_skips_activations_and_biases():
    model = small_model(2, ReLU)
    model.layers[0].params["b"] += 5.0
    W1, W2 = model.params["affine1.W"], model.params["affine2.W"]
    np.testing.assert_allclose(backward_projection(model, np.eye(3)[[1]]), (W1 @ W2[:, [1]]).T)


def test_input_gradient_matches_finite_differences():
    model = small_model(3, Tanh)
    X = np.random.default_rng(4).standard_normal((4, 6))
    classes = np.array([0, 2, 1, 2])
    grad = saliency(model, X, classes)
    for n, c in enumerate(classes):
        x = X[n:n + 1].copy()
        numeric = numerical_gradient(lambda _, x=x, c=c: float(model(x)[0, c]), x)
        np.testing.assert_allclose(grad[n], numeric[0], rtol=1e-6, atol=1e-9)
    with pytest.raises(ValueError, match="integer class labels"):
        saliency(model, X, np.array([0.5, 1.0, 2.0, 0.0]))


def test_input_gradient_equals_projection_when_every_relu_is_on():
    model = small_model(5, ReLU)
    model.layers[0].params["b"] += 100.0  # every hidden unit active for small inputs
    X = np.random.default_rng(6).standard_normal((3, 6))
    grad = saliency(model, X, np.array([1, 1, 1]))
    np.testing.assert_allclose(grad, np.repeat(backward_projection(model, np.eye(3)[[1]]), 3, 0))
    model.layers[0].params["b"] -= 200.0  # now every unit is off: no pixel matters
    np.testing.assert_array_equal(saliency(model, X, np.array([1, 1, 1])), 0)


def test_l2_penalty_counts_weights_but_not_biases():
    model = small_model(7)
    model.layers[0].params["b"][:] = 3.0
    W1, W2 = model.params["affine1.W"], model.params["affine2.W"]
    expected = 0.5 * 0.1 * (np.sum(W1**2) + np.sum(W2**2))
    assert l2_penalty(model, 0.1) == pytest.approx(expected)
    grads = l2_gradients(model, 0.1)
    np.testing.assert_allclose(grads["affine1.W"], 0.1 * W1)
    np.testing.assert_array_equal(grads["affine1.b"], 0)


def test_l2_gradients_are_what_sgd_weight_decay_adds():
    X = np.random.default_rng(8).standard_normal((10, 6))
    y = np.arange(10) % 3
    a, b = small_model(9), small_model(9)
    loss = CrossEntropy()
    loss(a(X), y)
    a.backward(loss.backward())
    SGD(0.1, weight_decay=0.05).step(a)
    loss(b(X), y)
    b.backward(loss.backward())
    for name, penalty_grad in l2_gradients(b, 0.05).items():
        b.grads[name] += penalty_grad  # writes into the layer's gradient array
    SGD(0.1).step(b)
    for name, p in a.params.items():
        np.testing.assert_allclose(p, b.params[name], rtol=1e-12)


def test_check_param_gradients_passes_right_and_catches_wrong_answers():
    model = small_model(10)
    right = check_param_gradients(lambda: l2_gradients(model, 0.3), lambda: l2_penalty(model, 0.3),
                                  model.params)
    assert right, right.message

    def twice():
        return {k: 2 * v for k, v in l2_gradients(model, 0.3).items()}

    def unwritten():
        raise NotImplementedError

    wrong = check_param_gradients(twice, lambda: l2_penalty(model, 0.3), model.params)
    assert not wrong and "finite differences" in wrong.message
    missing = check_param_gradients(lambda: {"affine1.W": 0}, lambda: 0.0, model.params)
    assert not missing and "keys" in missing.message
    todo = check_param_gradients(unwritten, lambda: l2_penalty(model, 0.3), model.params)
    assert not todo and "not written yet" in repr(todo)


class ForgetfulSigmoid(Sigmoid):
    """A wrong backward pass: dout * y, forgetting the factor (1 - y)."""

    def backward(self, dout):
        (out,) = self._saved(dout)
        return dout * out


def test_loss_gradients_agree_for_nnlib_and_expose_a_wrong_layer():
    rng = np.random.default_rng(11)
    X, y = rng.standard_normal((5, 6)), rng.integers(0, 3, 5)
    model = small_model(12, Sigmoid)
    grads = loss_gradients(model, CrossEntropy(), X, y)
    assert set(grads) == set(model.params)
    assert max(np.max(np.abs(a - n)) / np.max(np.abs(a)) for a, n in grads.values()) < 1e-6

    broken = Model([Affine(6, 5, rng=1), ForgetfulSigmoid(), Affine(5, 3, rng=2)])
    rows = gradient_table(loss_gradients(broken, CrossEntropy(), X, y), entries=3, rng=0)
    assert len(rows) == 4 * 3
    worst = {}
    for row in rows:
        worst[row["parameter"]] = max(worst.get(row["parameter"], 0), row["relative error"])
    assert worst["affine2.W"] < 1e-7 and worst["affine2.b"] < 1e-7
    assert worst["affine1.W"] > 1e-2 and worst["affine1.b"] > 1e-2
    assert all(abs(r["absolute error"] - abs(r["backprop"] - r["numerical"])) < 1e-15 for r in rows)
    whole = gradient_errors(loss_gradients(broken, CrossEntropy(), X, y))
    assert whole["affine2.W"] < 1e-8 and whole["affine1.W"] > 1e-2
    assert max(gradient_errors(grads).values()) < 1e-8
    with pytest.raises(ValueError, match="float64"):
        loss_gradients(small_model().astype(np.float32), MSE(), X, np.zeros((5, 3)))


def test_l2_sweep_is_reproducible_and_stronger_l2_gives_smaller_weights():
    rng = np.random.default_rng(13)
    X = rng.standard_normal((60, 6))
    y = (X[:, 0] > 0).astype(np.int64) + (X[:, 1] > 0)
    kwargs = dict(loss=CrossEntropy(), epochs=5, batch_size=20, lr=0.1, seed=3)
    runs = l2_sweep(small_model, [0.0, 0.5], X, y, X, y, **kwargs)
    again = l2_sweep(small_model, [0.0], X, y, X, y, **kwargs)
    assert [r["weight_decay"] for r in runs] == [0.0, 0.5]
    assert again[0]["val_acc"] == runs[0]["val_acc"]
    np.testing.assert_array_equal(again[0]["model"].params["affine1.W"],
                                  runs[0]["model"].params["affine1.W"])
    norms = [np.sum(r["model"].params["affine1.W"] ** 2) for r in runs]
    assert norms[1] < 0.8 * norms[0]
    assert 0 <= runs[0]["val_acc"] <= 1 and len(runs[0]["history"]["loss"]) == 5


def test_gradient_errors_is_the_norm_ratio():
    a = np.array([3.0, 4.0])
    errors = gradient_errors({"same": (a, a.copy()), "zero": (a, np.zeros(2)),
                              "off": (a, np.array([3.0, 4.0 + 1e-3]))})
    assert errors["same"] == 0.0 and errors["zero"] == 1.0
    assert errors["off"] == pytest.approx(1e-3 / (5 + np.hypot(3, 4.001)))


def test_image_rows_draws_one_row_per_array_with_symmetric_scales_where_centred():
    from nncourse.plotting import image_rows

    rng = np.random.default_rng(14)
    grey, signed = rng.uniform(0, 1, (3, 16)), rng.normal(0, 1, (2, 16))
    fig = image_rows([grey, signed], ["grey", "signed"], shape=(4, 4), centred=[False, True])
    images = [ax.images[0] for ax in fig.axes if ax.images]
    assert len(images) == 5                      # 3 + 2 images; the empty cell draws nothing
    lo, hi = images[3].get_clim()
    assert lo == -hi == -np.abs(signed).max()
    assert images[0].get_clim() == (grey.min(), grey.max())
    assert fig.axes[3].get_ylabel() == "signed"
    with pytest.raises(ValueError, match="as many"):
        image_rows([grey], ["a", "b"], shape=(4, 4))
