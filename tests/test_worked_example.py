"""The classic 2-2-2 sigmoid network worked by hand (Matt Mazur's example, quoted in seed 001).

x = [0.05, 0.10], targets [0.01, 0.99]; hidden weights 0.15, 0.20, 0.25, 0.30 with bias 0.35;
output weights 0.40, 0.45, 0.50, 0.55 with bias 0.60; loss 1/2 sum of squares; one SGD step at
learning rate 0.5. Weight w_k of the example feeds unit (k-1)//2 from input (k-1)%2, so in
nnlib's W (inputs x outputs) layout the hidden W is [[w1, w3], [w2, w4]].
"""

import numpy as np
import pytest

from nnlib.layers import Affine, Sigmoid
from nnlib.losses import MSE
from nnlib.model import Model
from nnlib.optim import SGD


def mazur_network() -> Model:
    hidden, output = Affine(2, 2, rng=0), Affine(2, 2, rng=0)
    hidden.params["W"][:] = [[0.15, 0.25], [0.20, 0.30]]
    hidden.params["b"][:] = 0.35
    output.params["W"][:] = [[0.40, 0.50], [0.45, 0.55]]
    output.params["b"][:] = 0.60
    return Model([hidden, Sigmoid(), output, Sigmoid()])


X, Y = np.array([[0.05, 0.10]]), np.array([[0.01, 0.99]])


def test_forward_pass_and_total_error():
    model, loss = mazur_network(), MSE()
    y_hat = model(X)
    np.testing.assert_allclose(y_hat, [[0.75136507, 0.77292847]], atol=5e-9)
    assert loss(y_hat, Y) == pytest.approx(0.29837111, abs=5e-9)


def test_one_sgd_step_gives_the_published_weights():
    model, loss = mazur_network(), MSE()
    loss(model(X), Y)
    model.backward(loss.backward())
    SGD(lr=0.5).step(model)
    hidden, output = model.layers[0].params["W"], model.layers[2].params["W"]
    # published order: w5, w6 (into output 1) then w7, w8 (into output 2); w1..w4 likewise
    np.testing.assert_allclose(output.T.ravel(), [0.35891648, 0.40866619, 0.51130127, 0.56137012],
                               atol=5e-9)
    np.testing.assert_allclose(hidden.T.ravel(), [0.14978072, 0.19956143, 0.24975114, 0.29950229],
                               atol=5e-9)
