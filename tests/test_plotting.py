"""The plotting helpers draw what they say (titles, labels, regions, colour scales)."""

import numpy as np
import pytest

from nncourse import plotting


def test_image_grid_and_weights():
    images = np.random.default_rng(0).random((12, 4, 4))
    fig = plotting.image_grid(images, titles=list(range(12)), ncols=5, suptitle="digits")
    shown = [ax for ax in fig.axes if ax.images]
    assert len(shown) == 12 and shown[3].get_title() == "3"
    fig = plotting.show_weights(np.random.default_rng(0).standard_normal((16, 3)), shape=(4, 4))
    vmin, vmax = next(ax for ax in fig.axes if ax.images).images[0].get_clim()
    assert vmin == -vmax  # white means zero
    with pytest.raises(ValueError, match="16 rows"):
        plotting.show_weights(np.zeros((16, 3)), shape=(5, 5))


def test_plot_history_labels_series():
    fig = plotting.plot_history({"batch_loss": [1, 0.5], "loss": [1.0, 0.5], "acc": [0.5, 0.8],
                                 "val_loss": [1.1, 0.7], "val_acc": [0.4, 0.7]})
    ax_loss, ax_acc = fig.axes
    assert [line.get_label() for line in ax_loss.lines] == ["train", "val"]
    assert ax_acc.get_ylabel() == "accuracy" and ax_loss.get_xlabel() == "epoch"


def test_confusion_matrix_plot():
    ax = plotting.plot_confusion_matrix(np.array([[3, 1], [0, 4]]), labels=["three", "eight"])
    assert ax.get_xlabel() == "predicted class" and ax.get_ylabel() == "true class"
    assert [t.get_text() for t in ax.texts] == ["3", "1", "0", "4"]


def test_decision_regions_follow_the_predictor():
    X = np.array([[-1.0, 0.0], [1.0, 0.0]])
    y = np.array([0, 1])
    ax = plotting.plot_decision_regions(lambda p: (p[:, 0] > 0).astype(int), X, y, resolution=50)
    assert ax.get_title() == "Decision regions" and len(ax.collections) >= 2
    ax = plotting.plot_probability_contours(lambda p: 1 / (1 + np.exp(-p[:, 0])), X, y)
    assert ax.get_xlabel() == "$x_1$"


def test_grid_over_covers_the_data():
    X = np.array([[0.0, 0.0], [1.0, 2.0]])
    xx, yy, points = plotting.grid_over(X, resolution=10)
    assert points.shape == (100, 2) and xx.min() < 0 and yy.max() > 2
