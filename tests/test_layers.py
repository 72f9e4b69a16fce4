"""Every layer's backward pass agrees with finite differences, and bad input is refused clearly."""

import numpy as np
import pytest

from nnlib.gradcheck import check_layer
from nnlib.layers import Affine, Layer, ReLU, Sigmoid, Softmax, Tanh

TOL = 1e-7


def random_shapes(seed: int, count: int = 4):
    """A few (N, D) shapes, batch size 1 always among them."""
    rng = np.random.default_rng(seed)
    return [(1, int(rng.integers(1, 6)))] + [tuple(int(v) for v in rng.integers(1, 9, 2))
                                              for _ in range(count - 1)]


@pytest.mark.parametrize("shape", random_shapes(0))
def test_affine_gradients(shape):
    n, d = shape
    rng = np.random.default_rng(1)
    layer = Affine(d, 3, rng=rng)
    layer.params["b"][:] = rng.standard_normal(3)
    errors = check_layer(layer, rng.standard_normal((n, d)))
    assert set(errors) == {"x", "W", "b"}
    assert max(errors.values()) < TOL, errors


@pytest.mark.parametrize("layer_cls", [Sigmoid, Tanh, Softmax, ReLU])
@pytest.mark.parametrize("shape", random_shapes(2))
def test_activation_gradients(layer_cls, shape):
    rng = np.random.default_rng(3)
    x = rng.standard_normal(shape) * 3
    if layer_cls is ReLU:  # keep clear of the kink at 0, where the derivative is undefined
        x = np.where(np.abs(x) < 0.1, 0.5, x)
    errors = check_layer(layer_cls(), x)
    assert errors["x"] < TOL, errors


def test_affine_computes_x_W_plus_b():
    layer = Affine(2, 3, rng=0)
    x = np.array([[1.0, 2.0]])
    layer.params["b"][:] = [1.0, 2.0, 3.0]
    np.testing.assert_allclose(layer(x), x @ layer.params["W"] + layer.params["b"])
    assert layer.params["W"].shape == (2, 3) and layer.params["b"].shape == (3,)


def test_affine_init_scales_and_rng():
    he = Affine(1000, 200, rng=0, init="he").params["W"]
    xavier = Affine(1000, 200, rng=0, init="xavier").params["W"]
    assert he.std() == pytest.approx(np.sqrt(2 / 1000), rel=0.02)
    assert xavier.std() == pytest.approx(np.sqrt(2 / 1200), rel=0.02)
    np.testing.assert_array_equal(Affine(5, 4, rng=7).params["W"], Affine(5, 4, rng=7).params["W"])
    assert not np.array_equal(Affine(5, 4, rng=7).params["W"], Affine(5, 4, rng=8).params["W"])
    assert Affine(5, 4, rng=0, dtype=np.float32).params["W"].dtype == np.float32


def test_grads_are_overwritten_not_accumulated():
    layer = Affine(3, 2, rng=0)
    x, dout = np.ones((4, 3)), np.ones((4, 2))
    layer(x)
    layer.backward(dout)
    first = layer.grads["W"].copy()
    layer(x)
    layer.backward(dout)
    np.testing.assert_array_equal(layer.grads["W"], first)


def test_sigmoid_and_softmax_are_stable_at_extremes():
    x = np.array([[-1000.0, 0.0, 1000.0]])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        np.testing.assert_allclose(Sigmoid()(x), [[0.0, 0.5, 1.0]])
        np.testing.assert_allclose(Softmax()(x), [[0.0, 0.0, 1.0]])
        np.testing.assert_allclose(Tanh()(x), [[-1.0, 0.0, 1.0]])


def test_affine_rejects_wrong_width_naming_layer_and_shapes():
    layer = Affine(4, 2, rng=0, name="hidden")
    with pytest.raises(ValueError, match=r"hidden.*\(5, 3\).*\(N, 4\)"):
        layer(np.zeros((5, 3)))


@pytest.mark.parametrize("bad", [np.zeros(4), np.zeros((2, 2, 4)), np.zeros((0, 4))])
def test_layers_require_a_batch(bad):
    with pytest.raises(ValueError, match=r"shape \(N, D\)"):
        Affine(4, 2, rng=0)(bad)
    with pytest.raises(ValueError, match=r"shape \(N, D\)"):
        ReLU()(bad)


def test_non_numeric_input_is_a_type_error():
    with pytest.raises(TypeError, match="numbers"):
        ReLU()(np.array([["a", "b"]]))


def test_backward_before_forward_and_wrong_dout_shape():
    with pytest.raises(RuntimeError, match="before forward"):
        Sigmoid().backward(np.ones((2, 2)))
    layer = Affine(3, 2, rng=0)
    layer(np.ones((4, 3)))
    with pytest.raises(ValueError, match=r"dout.*\(4, 3\).*\(4, 2\)"):
        layer.backward(np.ones((4, 3)))


@pytest.mark.parametrize(("args", "error"), [((0, 3), ValueError), ((3, -1), ValueError),
                                             ((2.5, 3), TypeError), (("3", 3), TypeError)])
def test_affine_rejects_bad_sizes(args, error):
    with pytest.raises(error, match=r"Affine: (in|out)_features must be a positive integer, got"):
        Affine(*args)


def test_base_layer_is_abstract():
    with pytest.raises(NotImplementedError, match="Layer must implement forward"):
        Layer()(np.ones((1, 1)))
    with pytest.raises(NotImplementedError, match="Layer must implement backward"):
        Layer().backward(np.ones((1, 1)))
