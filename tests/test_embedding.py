"""The embedding lesson's helpers: a digit pair, a network cut at its embedding, the plots."""

import numpy as np
import pytest

from nnlib.functional import sigmoid
from nnlib.layers import Affine, ReLU
from nnlib.model import Model

from nncourse.embedding import (
    compare_binary,
    digit_pair,
    embed,
    head_probability,
    image_losses,
    plot_embedding,
    plot_sigmoid_surface,
    split_at,
)


def small_net(k: int = 2) -> Model:
    rng = np.random.default_rng(0)
    return Model([Affine(6, 5, rng=rng), ReLU(), Affine(5, k, rng=rng), Affine(k, 1, rng=rng)])


def test_digit_pair_keeps_two_digits():
    images = np.arange(5 * 2 * 2, dtype=np.uint8).reshape(5, 2, 2)
    labels = np.array([3, 1, 8, 8, 5])
    X, y = digit_pair(images, labels)
    assert X.dtype == np.float32 and X.shape == (3, 4) and y.shape == (3, 1)
    np.testing.assert_array_equal(y[:, 0], [0, 1, 1])
    np.testing.assert_allclose(X[1], images[2].ravel() / 255)


def test_split_shares_weights_and_composes():
    model = small_net()
    x = np.random.default_rng(1).standard_normal((4, 6))
    encoder, head = split_at(model, 3)
    np.testing.assert_allclose(head(encoder(x)), model(x))
    before = encoder(x).copy()
    model.layers[2].params["b"] += 1.0  # changing the model changes the encoder: shared weights
    np.testing.assert_allclose(encoder(x), before + 1.0)
    with pytest.raises(ValueError, match="k must be"):
        split_at(model, 4)


def test_embed_in_batches_equals_one_pass():
    encoder, head = split_at(small_net(), 3)
    X = np.random.default_rng(2).standard_normal((23, 6))
    E = embed(encoder, X, batch_size=5)
    assert E.shape == (23, 2)
    np.testing.assert_allclose(E, encoder(X))
    np.testing.assert_allclose(head_probability(head)(E), sigmoid(head(E))[:, 0])


def test_compare_binary_counts_each_kind_of_mistake():
    y = np.array([0, 0, 0, 1, 1])
    table = compare_binary(y, {"a": np.array([0, 1, 0, 1, 0]), "b": y[:, None]})
    assert table.loc["a", "errors"] == 2 and table.loc["a", "accuracy (%)"] == 60.0
    assert table.loc["a", "3s called 8"] == 1 and table.loc["a", "8s called 3"] == 1
    assert table.loc["b", "errors"] == 0
    with pytest.raises(ValueError, match="predictions"):
        compare_binary(y, {"short": y[:3]})


def test_plots_mark_the_misclassified():
    encoder, head = split_at(small_net(), 3)
    X = np.random.default_rng(3).standard_normal((40, 6))
    E, y = embed(encoder, X), (np.arange(40) % 2)[:, None].astype(np.float32)
    wrong = np.zeros(40, dtype=bool)
    wrong[[1, 5]] = True
    ax = plot_embedding(head_probability(head), E, y, wrong=wrong)
    labels = ax.get_legend_handles_labels()[1]
    assert labels == ["digit 3", "digit 8", "misclassified (2)"]
    assert ax.figure.axes[-1].get_ylabel() == "P(digit 8)"
    ax3 = plot_sigmoid_surface(head_probability(head), E, y, resolution=10)
    assert ax3.name == "3d"


def test_image_losses_average_to_the_binary_cross_entropy():
    from nnlib import BCEWithLogits

    z = np.array([[-40.0], [-2.0], [0.0], [3.0], [40.0]])
    y = np.array([[1.0], [0.0], [1.0], [1.0], [0.0]])
    losses = image_losses(z, y)
    assert losses.shape == (5,)
    np.testing.assert_allclose(losses.mean(), BCEWithLogits()(z, y), rtol=1e-15)
    # -log of the probability of the true label; a confident mistake costs about |z|
    p_true = np.where(y[:, 0] == 1, sigmoid(z[:, 0]), 1 - sigmoid(z[:, 0]))
    np.testing.assert_allclose(losses[1:4], -np.log(p_true[1:4]), rtol=1e-12)
    assert losses[0] == pytest.approx(40.0) and losses[4] == pytest.approx(40.0)

