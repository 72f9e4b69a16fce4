"""The annuli lesson's helpers: the 2-H-3 network, hidden-unit maps, colours, the Bayes rate."""

import numpy as np
import pytest

from nnlib.functional import sigmoid
from nnlib.gradcheck import check_layer

from nncourse.annuli import (
    CLASS_COLOURS,
    annuli_bayes_accuracy,
    annuli_network,
    bayes_accuracy_monte_carlo,
    hidden_activations,
    hidden_unit_maps,
    make_annuli,
    plot_hidden_units,
    plot_soft_predictions,
    probability_colours,
)
from nncourse.exercises import check_answer


def test_network_shapes_and_seed():
    X, _ = make_annuli(7, 0.1, rng=0)
    a, b = annuli_network(4, rng=3), annuli_network(4, rng=3)
    assert a(X).shape == (7, 3)
    np.testing.assert_array_equal(a(X), b(X))
    assert [repr(layer) for layer in a.layers] == ["Affine(2 -> 4)", "Sigmoid()", "Affine(4 -> 3)"]
    assert max(check_layer(a, X).values()) < 1e-7


def test_hidden_activations_are_the_sigmoid_of_the_first_affine():
    X, _ = make_annuli(9, 0.1, rng=1)
    model = annuli_network(5, rng=0)
    W1, b1 = model.layers[0].params["W"], model.layers[0].params["b"]
    np.testing.assert_allclose(hidden_activations(model, X), sigmoid(X @ W1 + b1))


def test_hidden_unit_maps_match_the_activations_on_the_grid():
    X, _ = make_annuli(30, 0.1, rng=2)
    model = annuli_network(3, rng=0)
    xx, yy, maps = hidden_unit_maps(model, X, resolution=11)
    assert xx.shape == yy.shape == (11, 11) and maps.shape == (3, 11, 11)
    point = np.array([[xx[4, 7], yy[4, 7]]])
    np.testing.assert_allclose(maps[:, 4, 7], hidden_activations(model, point)[0])


def test_probability_colours():
    P = np.array([[1.0, 0, 0], [0, 0, 1.0], [1 / 3, 1 / 3, 1 / 3]])
    rgb = probability_colours(P)
    np.testing.assert_allclose(rgb[0], CLASS_COLOURS[0])
    np.testing.assert_allclose(rgb[1], CLASS_COLOURS[2])
    np.testing.assert_allclose(rgb[2], CLASS_COLOURS.mean(axis=0))
    with pytest.raises(ValueError, match="shape"):
        probability_colours(np.ones((4, 2)) / 2)


def test_bayes_rate_by_sampling_agrees_with_the_integral():
    for noise in (0.1, 0.15):
        exact = annuli_bayes_accuracy(noise)
        assert abs(bayes_accuracy_monte_carlo(noise, 200_000, rng=0) - exact) < 0.004
    assert annuli_bayes_accuracy(0.02) > 0.9999  # rings far apart: nothing to get wrong
    assert 0.95 < annuli_bayes_accuracy(0.1) < 0.98


def test_plots_draw_one_panel_per_unit():
    X, y = make_annuli(60, 0.1, rng=0)
    fig = plot_hidden_units(annuli_network(4, rng=0), X, y, ncols=3, resolution=20)
    panels = [ax for ax in fig.axes if ax.get_title().startswith("unit")]
    assert len(panels) == 4
    ax = plot_soft_predictions(X, np.full((60, 3), 1 / 3))
    assert len(ax.collections[0].get_offsets()) == 60


def test_check_answer():
    def unwritten():
        raise NotImplementedError

    assert "not written yet" in repr(check_answer(unwritten, 0.1))
    assert not check_answer(lambda: 1.0, 0.1)
    assert check_answer(lambda: 0.1, 0.1, explanation="because")
    assert "ZeroDivisionError" in repr(check_answer(lambda: 1 / 0, 0.1))
