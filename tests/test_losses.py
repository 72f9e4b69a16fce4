"""Losses: gradients, values, stability at extreme logits, and clear errors on bad targets."""

import warnings

import numpy as np
import pytest

from nnlib.data import one_hot
from nnlib.gradcheck import check_loss
from nnlib.losses import BCE, MSE, BCEWithLogits, CrossEntropy

TOL = 1e-7
rng = np.random.default_rng(0)


def cases():
    """(loss, y_hat, y) triples on random shapes, batch size 1 included."""
    out = []
    for n, c in [(1, 1), (1, 4), (5, 3), (8, 1), (3, 6)]:
        labels = rng.integers(0, c, n)
        out += [
            (MSE(), rng.standard_normal((n, c)), rng.standard_normal((n, c))),
            (BCE(), rng.uniform(0.05, 0.95, (n, c)), rng.integers(0, 2, (n, c)).astype(float)),
            (BCEWithLogits(), 3 * rng.standard_normal((n, c)), rng.uniform(0, 1, (n, c))),
            (CrossEntropy(), 3 * rng.standard_normal((n, c)), labels),
            (CrossEntropy(), 3 * rng.standard_normal((n, c)), one_hot(labels, c)),
        ]
    return out


@pytest.mark.parametrize(("loss", "y_hat", "y"), cases(), ids=lambda v: repr(v)[:20])
def test_loss_gradients(loss, y_hat, y):
    assert check_loss(loss, y_hat, y)["y_hat"] < TOL


def test_loss_values_by_hand():
    y_hat, y = np.array([[1.0, 2.0], [0.0, 0.0]]), np.array([[0.0, 0.0], [1.0, 0.0]])
    assert MSE()(y_hat, y) == pytest.approx((1 + 4 + 1) / 2 / 2)
    p, t = np.array([[0.8], [0.3]]), np.array([[1.0], [0.0]])
    assert BCE()(p, t) == pytest.approx(-(np.log(0.8) + np.log(0.7)) / 2)
    z = np.log(p / (1 - p))  # the logits of those probabilities
    assert BCEWithLogits()(z, t) == pytest.approx(BCE()(p, t))
    logits = np.array([[2.0, 1.0, 0.1]])
    expected = -np.log(np.exp(2.0) / np.exp(logits).sum())
    assert CrossEntropy()(logits, np.array([0])) == pytest.approx(expected)
    assert isinstance(CrossEntropy()(logits, np.array([0])), float)


def test_softmax_cross_entropy_gradient_is_y_hat_minus_y():
    z, labels = rng.standard_normal((4, 3)), np.array([0, 2, 1, 2])
    loss = CrossEntropy()
    loss(z, labels)
    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(loss.backward(), (p - one_hot(labels, 3)) / 4)


def test_logit_losses_are_stable_at_plus_minus_1000():
    z = np.array([[1000.0, -1000.0], [-1000.0, 1000.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ce = CrossEntropy()
        assert ce(z, np.array([0, 1])) == pytest.approx(0.0)
        assert ce(z, np.array([1, 0])) == pytest.approx(2000.0)
        assert np.isfinite(ce.backward()).all()
        bce = BCEWithLogits()
        assert bce(z, np.array([[1.0, 0.0], [0.0, 1.0]])) == pytest.approx(0.0)
        assert bce(z, np.array([[0.0, 1.0], [1.0, 0.0]])) == pytest.approx(1000.0)
        assert np.isfinite(bce.backward()).all()
        assert np.isfinite(BCE()(np.array([[0.0], [1.0]]), np.array([[1.0], [0.0]])))


def test_bce_refuses_targets_of_shape_n_for_predictions_n_1():
    for loss in (BCE(), BCEWithLogits(), MSE()):
        with pytest.raises(ValueError, match=r"\(4,\).*\(4, 1\).*match"):
            loss(np.full((4, 1), 0.5), np.ones(4))


@pytest.mark.parametrize("labels", [np.array([0, 3]), np.array([-1, 0])])
def test_labels_out_of_range(labels):
    with pytest.raises(ValueError, match=r"0\.\.2 for 3 classes"):
        CrossEntropy()(np.zeros((2, 3)), labels)


def test_label_count_and_kind():
    with pytest.raises(ValueError, match="3 labels for 2 predictions"):
        CrossEntropy()(np.zeros((2, 3)), np.array([0, 1, 2]))
    with pytest.raises(ValueError, match="whole numbers"):
        CrossEntropy()(np.zeros((2, 3)), np.array([0.5, 1.0]))
    with pytest.raises(ValueError, match="one-hot"):
        CrossEntropy()(np.zeros((2, 3)), np.ones((2, 3)))
    assert CrossEntropy()(np.zeros((2, 3)), np.array([0.0, 2.0])) == pytest.approx(np.log(3))


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize("loss", [MSE(), BCE(), BCEWithLogits(), CrossEntropy()])
def test_nan_and_inf_are_refused(loss, bad):
    y_hat, y = np.full((3, 2), 0.5), np.array([[1.0, 0.0]] * 3)
    y_hat[1, 0] = bad
    with pytest.raises(ValueError, match=r"NaN or infinite.*index \(1, 0\)"):
        loss(y_hat, y)
    y[2, 1] = bad
    with pytest.raises(ValueError, match="NaN or infinite"):
        loss(np.full((3, 2), 0.5), y)


def test_bce_refuses_values_outside_0_1():
    with pytest.raises(ValueError, match=r"probabilities\) must lie in \[0, 1\].*BCEWithLogits"):
        BCE()(np.array([[2.0]]), np.array([[1.0]]))


def test_predict_reads_outputs_as_the_loss_does():
    assert BCEWithLogits().predict(np.array([[-0.1], [0.1]])).tolist() == [0, 1]
    assert BCE().predict(np.array([[0.4], [0.6]])).tolist() == [0, 1]
    assert CrossEntropy().predict(np.array([[0.1, 3.0], [2.0, 1.0]])).tolist() == [1, 0]


def test_backward_before_forward():
    with pytest.raises(RuntimeError, match="before"):
        MSE().backward()
