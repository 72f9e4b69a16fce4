"""End to end: small networks fit XOR and the annuli perfectly, as they must be able to."""

import numpy as np
import pytest

from nnlib.data import DataLoader
from nnlib.layers import Affine, Tanh
from nnlib.learner import Learner, evaluate
from nnlib.losses import BCEWithLogits, CrossEntropy
from nnlib.model import Model
from nnlib.optim import SGD

from nncourse.annuli import make_annuli


def test_overfits_xor():
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    y = np.array([[0.0], [1.0], [1.0], [0.0]])
    model = Model([Affine(2, 4, rng=0, init="xavier"), Tanh(), Affine(4, 1, rng=1)])
    learner = Learner(model, BCEWithLogits(), SGD(lr=0.5, momentum=0.9), progress=False)
    learner.fit(DataLoader(X, y, batch_size=4, rng=0), epochs=300)
    assert evaluate(model, BCEWithLogits(), X, y)[1] == 1.0
    assert learner.history["loss"][-1] < 0.01


@pytest.mark.parametrize(("n", "noise", "epochs"), [(50, 0.1, 500), (300, 0.05, 300)])
def test_overfits_the_annuli(n, noise, epochs):
    """50 noisy points (CS231n's "overfit a small sample" check) and 300 cleaner ones."""
    X, y = make_annuli(n, noise=noise, rng=0)
    model = Model([Affine(2, 32, rng=0), Tanh(), Affine(32, 32, rng=1), Tanh(),
                   Affine(32, 3, rng=2)])
    learner = Learner(model, CrossEntropy(), SGD(lr=0.1, momentum=0.9), progress=False)
    learner.fit(DataLoader(X, y, batch_size=32, rng=0), epochs=epochs)
    assert evaluate(model, CrossEntropy(), X, y)[1] == 1.0


def test_loss_decreases_from_the_start():
    X, y = make_annuli(600, noise=0.05, rng=1)
    model = Model([Affine(2, 16, rng=0), Tanh(), Affine(16, 3, rng=1)])
    history = Learner(model, CrossEntropy(), SGD(lr=0.3), progress=False).fit(
        DataLoader(X, y, batch_size=32, rng=0), epochs=30)
    assert history["loss"][-1] < 0.5 * history["loss"][0]
