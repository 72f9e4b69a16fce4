"""The gradient checker itself: right on known functions, and it catches a wrong backward."""

import numpy as np
import pytest

from nnlib.gradcheck import check_layer, check_loss, numerical_gradient, rel_error
from nnlib.layers import Affine, Layer, Sigmoid, Tanh
from nnlib.losses import MSE
from nnlib.model import Model


def test_numerical_gradient_of_known_functions():
    x = np.array([[1.0, -2.0], [0.5, 3.0]])
    np.testing.assert_allclose(numerical_gradient(lambda v: np.sum(v**3), x), 3 * x**2, rtol=1e-8)
    np.testing.assert_array_equal(x, [[1.0, -2.0], [0.5, 3.0]])  # restored after nudging


def test_rel_error():
    assert rel_error(np.zeros(3), np.zeros(3)) == 0.0
    assert rel_error(np.array([1.0, 2.0]), np.array([1.0, 2.0])) == 0.0
    assert rel_error(np.array([1.0]), np.array([-1.0])) == pytest.approx(1.0)
    with pytest.raises(ValueError, match="shapes differ"):
        rel_error(np.zeros(2), np.zeros(3))


class WrongSigmoid(Sigmoid):
    """A classic mistake: using s(1 - s) of the *input* instead of the output."""

    def backward(self, dout):
        x = np.log(self._cache[0] / (1 - self._cache[0]))
        return dout * x * (1 - x)


class ForgetsTheBias(Affine):
    def backward_params(self, dout):
        super().backward_params(dout)
        self.grads["b"] = dout.mean(axis=0)  # mean instead of sum over the batch


def test_catches_wrong_backward_passes():
    rng = np.random.default_rng(0)
    assert check_layer(WrongSigmoid(), rng.standard_normal((3, 4)))["x"] > 1e-2
    errors = check_layer(ForgetsTheBias(4, 2, rng=0), rng.standard_normal((3, 4)))
    assert errors["b"] > 1e-2 and errors["W"] < 1e-7


def test_whole_model_check_names_every_parameter():
    model = Model([Affine(3, 4, rng=0), Tanh(), Affine(4, 2, rng=1)])
    errors = check_layer(model, np.random.default_rng(1).standard_normal((5, 3)))
    assert set(errors) == {"x", "affine1.W", "affine1.b", "affine2.W", "affine2.b"}
    assert max(errors.values()) < 1e-7


def test_refuses_float32():
    with pytest.raises(ValueError, match="float64"):
        check_layer(Affine(3, 2, rng=0, dtype=np.float32), np.ones((2, 3)))


def test_check_loss():
    rng = np.random.default_rng(0)
    assert check_loss(MSE(), rng.standard_normal((3, 2)), rng.standard_normal((3, 2)))["y_hat"] < 1e-7

    class HalfMSE(MSE):
        def backward(self):
            return super().backward() / 2

    assert check_loss(HalfMSE(), rng.standard_normal((3, 2)), rng.standard_normal((3, 2)))["y_hat"] > 0.1


def test_base_layer_has_no_parameters():
    assert Layer().params == {} and Layer().grads == {}
