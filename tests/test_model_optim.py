"""Model (chaining, parameters, input gradient, repr) and SGD (plain, momentum, weight decay)."""

import numpy as np
import pytest

from nnlib.layers import Affine, ReLU, Sigmoid
from nnlib.model import Model
from nnlib.optim import SGD


def make_model():
    return Model([Affine(3, 4, rng=0), ReLU(), Affine(4, 2, rng=1), Sigmoid()])


def test_forward_chains_layers_and_backward_returns_input_gradient():
    model = make_model()
    x = np.random.default_rng(0).standard_normal((5, 3))
    expected = x
    for layer in model.layers:
        expected = layer(expected)
    np.testing.assert_array_equal(model(x), expected)
    dx = model.backward(np.ones((5, 2)))
    assert dx.shape == (5, 3)
    model(x)
    assert model.backward(np.ones((5, 2)), input_grad=False) is None
    np.testing.assert_allclose(model.grads["affine1.W"], model.layers[0].grads["W"])


def test_names_parameters_and_repr():
    model = make_model()
    names = [name for name, _, _ in model.parameters()]
    assert names == ["affine1.W", "affine1.b", "affine2.W", "affine2.b"]
    assert model.num_params() == 3 * 4 + 4 + 4 * 2 + 2
    text = repr(model)
    assert "(affine1): Affine(3 -> 4)" in text and "(relu1): ReLU()" in text and "26 parameters" in text
    assert Model([Affine(2, 2, name="hidden")]).layers[0].name == "hidden"


def test_sub_model_shares_weights():
    model = make_model()
    body = Model(model.layers[:2])
    assert body.params["affine1.W"] is model.params["affine1.W"]


def test_bad_models():
    with pytest.raises(ValueError, match="at least one layer"):
        Model([])
    with pytest.raises(TypeError, match="item 1 must be a Layer instance, got <ufunc 'tanh'>"):
        Model([ReLU(), np.tanh])
    with pytest.raises(ValueError, match="unique"):
        Model([ReLU(name="a"), Sigmoid(name="a")])


def test_astype():
    model = make_model().astype(np.float32)
    assert all(p.dtype == np.float32 for _, p, _ in model.parameters())
    assert model(np.ones((1, 3), dtype=np.float32)).dtype == np.float32


def one_affine(w, grad):
    model = Model([Affine(2, 1, rng=0)])
    model.layers[0].params["W"][:] = w
    model.layers[0].params["b"][:] = 1.0
    model.layers[0].grads = {"W": np.array(grad, dtype=float), "b": np.array([1.0])}
    return model


def test_sgd_plain_step():
    model = one_affine([[1.0], [2.0]], [[0.5], [-1.0]])
    SGD(lr=0.1).step(model)
    np.testing.assert_allclose(model.params["affine1.W"], [[0.95], [2.1]])
    np.testing.assert_allclose(model.params["affine1.b"], [0.9])


def test_sgd_momentum_accumulates_velocity():
    model = one_affine([[0.0], [0.0]], [[1.0], [1.0]])
    opt = SGD(lr=0.1, momentum=0.9)
    opt.step(model)  # v = -0.1
    opt.step(model)  # v = 0.9 * -0.1 - 0.1 = -0.19
    np.testing.assert_allclose(model.params["affine1.W"], [[-0.29], [-0.29]])


def test_weight_decay_shrinks_weights_not_biases():
    model = one_affine([[1.0], [-2.0]], [[0.0], [0.0]])
    model.layers[0].grads["b"] = np.array([0.0])
    SGD(lr=0.1, weight_decay=0.5).step(model)
    np.testing.assert_allclose(model.params["affine1.W"], [[0.95], [-1.9]])
    np.testing.assert_allclose(model.params["affine1.b"], [1.0])


@pytest.mark.parametrize("kwargs", [{"lr": 0}, {"lr": 0.1, "momentum": 1.0},
                                    {"lr": 0.1, "weight_decay": -1}])
def test_sgd_rejects_bad_settings(kwargs):
    with pytest.raises(ValueError, match="SGD"):
        SGD(**kwargs)
