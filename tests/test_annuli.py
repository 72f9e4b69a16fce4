"""The annuli lesson's helpers: the 2-H-3 network, hidden-unit maps, colours, the Bayes rate."""

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.figure import Figure

from nnlib import SGD, Affine, CrossEntropy, DataLoader, Learner, Model, accuracy
from nnlib.functional import sigmoid
from nnlib.gradcheck import check_layer

from nncourse import plotting
from nncourse.annuli import (
    CLASS_COLOURS,
    annuli_bayes_accuracy,
    annuli_network,
    bayes_accuracy_monte_carlo,
    hidden_activations,
    hidden_unit_maps,
    make_annuli,
    plot_hidden_units,
    plot_playground,
    plot_soft_predictions,
    probability_colours,
    train_playground,
)
from nncourse.exercises import check_answer
from nncourse.plotting import linear_boundaries_in_cube, plot_linear_boundaries_3d


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


def test_the_annuli_use_the_course_class_colours():
    np.testing.assert_array_equal(CLASS_COLOURS, plotting.CLASS_COLOURS)


def test_linear_boundaries_in_cube_of_three_classes_along_one_axis():
    # Logits (0, 10 a1 - 3, 20 a1 - 10): class 0 below a1 = 0.3, class 1 up to a1 = 0.7, then 2.
    # Classes 0 and 2 tie at a1 = 0.5, where class 1 wins: that plane is no boundary.
    W = np.array([[0.0, 10.0, 20.0], [0.0, 0.0, 0.0], [0.0, 0.0, 0.0]])
    b = np.array([0.0, -3.0, -10.0])
    pieces = linear_boundaries_in_cube(W, b)
    assert set(pieces) == {(0, 1), (1, 2)}
    for (c, k), at in (((0, 1), 0.3), ((1, 2), 0.7)):
        square = pieces[(c, k)]
        assert square.shape == (4, 3)
        np.testing.assert_allclose(square[:, 0], at)
        corners = {tuple(p) for p in np.round(square[:, 1:], 12)}
        assert corners == {(0.0, 0.0), (0.0, 1.0), (1.0, 0.0), (1.0, 1.0)}


def test_linear_boundaries_in_cube_are_ties_of_the_two_best_classes():
    rng = np.random.default_rng(0)
    W, b = rng.normal(size=(3, 4)) * 5, rng.normal(size=4)
    pieces = linear_boundaries_in_cube(W, b)
    assert pieces
    for (c, k), polygon in pieces.items():
        assert polygon.shape[1] == 3 and len(polygon) >= 3
        assert np.all((polygon > -1e-12) & (polygon < 1 + 1e-12))
        logits = polygon @ W + b
        np.testing.assert_allclose(logits[:, c], logits[:, k], atol=1e-9)
        assert np.all(logits[:, [c]] >= np.delete(logits, [c, k], axis=1) - 1e-9)
    # Every boundary that a fine sample of the cube crosses is found: the winner changes only
    # between neighbours whose pair is among the pieces.
    grid = np.stack(np.meshgrid(*[np.linspace(0, 1, 41)] * 3, indexing="ij"), axis=-1)
    winner = (grid @ W + b).argmax(axis=-1)
    crossed = set()
    for axis in range(3):
        a, z = np.moveaxis(winner, axis, 0)[:-1], np.moveaxis(winner, axis, 0)[1:]
        crossed |= {tuple(sorted(p)) for p in zip(a[a != z], z[a != z], strict=True)}
    assert crossed <= set(pieces)


def test_plot_linear_boundaries_3d_draws_grey_labelled_planes():
    fig = plt.figure()
    ax = fig.add_subplot(projection="3d")
    W = np.array([[0.0, 10.0, 20.0], [0.0, 0.0, 0.0], [0.0, 0.0, 0.0]])
    pieces = plot_linear_boundaries_3d(ax, W, np.array([0.0, -3.0, -10.0]))
    planes = [c for c in ax.collections if c.get_label().startswith("boundary")]
    assert len(planes) == len(pieces) == 2
    assert [p.get_label() for p in planes] == ["boundary class 0 | class 1", "boundary class 1 | class 2"]
    for plane in planes:
        r, g, b_, _ = plane.get_facecolor()[0]
        assert r == g == b_  # a neutral grey, no class hue
    with pytest.raises(ValueError, match="3-D axes"):
        plot_linear_boundaries_3d(plt.figure().add_subplot(), W, np.zeros(3))
    with pytest.raises(ValueError, match=r"shapes \(3, C\) and \(C,\)"):
        linear_boundaries_in_cube(W[:2], np.zeros(3))
    plt.close("all")


def test_the_rings_are_linearly_separable_in_hidden_space_but_not_in_the_plane():
    """Lesson 03, section 9: the output layer is a linear classifier of the hidden activations
    that makes the network's predictions, and a new one trained on them does as well; a linear
    classifier of x stays far below."""
    X, y = make_annuli(900, 0.1, rng=0)
    X_test, y_test = make_annuli(900, 0.1, rng=1)

    def fit(model, features):
        learner = Learner(model, CrossEntropy(), SGD(0.2, momentum=0.9), progress=False)
        learner.fit(DataLoader(features, y, batch_size=100, rng=0), 200)
        return model

    net = fit(annuli_network(3, rng=0), X)
    A, A_test = hidden_activations(net, X), hidden_activations(net, X_test)
    W2, b2 = net.layers[2].params["W"], net.layers[2].params["b"]
    np.testing.assert_array_equal((A_test @ W2 + b2).argmax(axis=1), net(X_test).argmax(axis=1))
    network_acc = accuracy(y_test, net(X_test).argmax(axis=1))
    on_a = fit(Model([Affine(3, 3, rng=0)]), A)
    on_x = fit(Model([Affine(2, 3, rng=0)]), X)
    assert network_acc > 0.9
    assert accuracy(y_test, on_a(A_test).argmax(axis=1)) > network_acc - 0.03
    # A linear classifier of x cuts the plane into straight-edged regions: at best bands like the
    # one-unit network's, about half right (27 % here; 42 % and 49 % with data seeds 1 and 2).
    assert accuracy(y_test, on_x(X_test).argmax(axis=1)) < 0.55


def test_playground_loss_panel_is_titled_as_a_loss_and_labels_the_epoch_means():
    fig = plot_playground(train_playground(epochs=3), fig=Figure())
    regions, losses = fig.axes
    assert "accuracy" not in losses.get_title().lower() and "loss" in losses.get_title().lower()
    training, test = losses.lines
    assert "mean over the epoch's batches" in training.get_label()
    np.testing.assert_array_equal(training.get_xdata(), [0.5, 1.5, 2.5])  # mid-epoch
    np.testing.assert_array_equal(test.get_xdata(), [1, 2, 3])
    assert any("best possible" in t.get_text() for t in regions.texts)
