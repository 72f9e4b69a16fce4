"""Metrics by hand: accuracy, the confusion matrix and the pairs it confuses most."""

import numpy as np
import pytest

from nnlib.metrics import accuracy, confusion_matrix, most_confused


def test_accuracy_and_confusion_matrix():
    y_true, y_pred = np.array([0, 0, 1, 2, 2, 2]), np.array([0, 1, 1, 2, 0, 2])
    assert accuracy(y_true, y_pred) == pytest.approx(4 / 6)
    cm = confusion_matrix(y_true, y_pred)
    np.testing.assert_array_equal(cm, [[1, 1, 0], [0, 1, 0], [1, 0, 2]])
    assert confusion_matrix(y_true, y_pred, num_classes=4).shape == (4, 4)
    assert set(most_confused(cm, k=2)) == {(2, 0, 1), (0, 1, 1)}
    with pytest.raises(ValueError, match="same shape"):
        accuracy(np.zeros(3), np.zeros(4))


def test_most_confused_orders_by_count():
    cm = np.array([[50, 2, 7], [1, 40, 0], [9, 3, 30]])
    assert most_confused(cm, k=3) == [(2, 0, 9), (0, 2, 7), (2, 1, 3)]
