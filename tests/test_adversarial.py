"""Input gradients agree with finite differences, and the attacks do what they promise on a
small model whose answers can be worked out."""

import numpy as np
import pytest

from nnlib.gradcheck import numerical_gradient, rel_error
from nnlib.layers import Affine, ReLU, Softmax, Tanh
from nnlib.losses import MSE, CrossEntropy
from nnlib.metrics import accuracy
from nnlib.model import Model

from nncourse.adversarial import (
    attack_report,
    fgsm,
    fgsm_accuracy,
    input_gradient,
    perceptron_input_gradient,
    sign_step,
    targeted_attack,
    transfer_accuracy,
)

TOL = 1e-7


def perceptron(seed=0, d=6, c=3, scale=1.0):
    rng = np.random.default_rng(seed)
    layer = Affine(d, c, rng=rng)
    layer.params["W"] *= scale
    layer.params["b"][:] = rng.standard_normal(c)
    return layer


@pytest.mark.parametrize("n", [1, 5])
def test_input_gradient_matches_finite_differences_per_sample(n):
    rng = np.random.default_rng(n)
    model = Model([Affine(6, 5, rng=1), Tanh(), Affine(5, 3, rng=2)])
    loss = CrossEntropy()
    x, y = rng.standard_normal((n, 6)), rng.integers(0, 3, n)
    # the sum of the per-sample losses is N times nnlib's batch mean
    numeric = numerical_gradient(lambda z: loss(model(z), y) * n, x.copy())
    assert rel_error(input_gradient(model, loss, x, y), numeric) < TOL


def test_input_gradient_does_not_depend_on_the_batch():
    rng = np.random.default_rng(0)
    model = Model([Affine(4, 8, rng=1), ReLU(), Affine(8, 3, rng=2)])
    x, y = rng.standard_normal((6, 4)), rng.integers(0, 3, 6)
    whole = input_gradient(model, CrossEntropy(), x, y)
    np.testing.assert_allclose(whole[2:3], input_gradient(model, CrossEntropy(), x[2:3], y[2:3]))


def test_closed_form_perceptron_gradient():
    rng = np.random.default_rng(3)
    layer = perceptron(3)
    x, t = rng.standard_normal((4, 6)), np.eye(3)[rng.integers(0, 3, 4)]
    closed = perceptron_input_gradient(layer.params["W"], layer.params["b"], x, t)
    via_model = input_gradient(Model([layer, Softmax()]), MSE(), x, t)
    numeric = numerical_gradient(lambda z: MSE()(Model([layer, Softmax()])(z), t) * 4, x.copy())
    assert rel_error(closed, numeric) < TOL
    assert rel_error(closed, via_model) < TOL


def test_fgsm_moves_every_pixel_by_eps_up_the_loss_and_clips():
    rng = np.random.default_rng(4)
    model = Model([perceptron(4)])
    loss = CrossEntropy()
    x, y = rng.uniform(0.2, 0.8, (5, 6)), rng.integers(0, 3, 5)
    x_adv = fgsm(model, loss, x, y, 0.1)
    np.testing.assert_allclose(np.abs(x_adv - x), 0.1)
    assert loss(model(x_adv), y) > loss(model(x), y)
    assert np.all(fgsm(model, loss, x, y, 5.0) >= 0) and np.all(fgsm(model, loss, x, y, 5.0) <= 1)


def test_sign_step_computes_in_the_dtype_of_x_even_for_a_numpy_float64_eps():
    # fgsm_accuracy passes entries of an array of epsilons (NumPy float64 scalars): a float32
    # batch must stay float32 all the way (half the memory), not be promoted and cast back
    rng = np.random.default_rng(8)
    x = rng.random((200, 30)).astype(np.float32)
    gradient = rng.standard_normal(x.shape).astype(np.float32)
    eps = np.linspace(0, 0.25, 11)[4]
    in_float32 = np.clip(x + np.float32(eps) * np.sign(gradient), np.float32(0), np.float32(1))
    out = sign_step(x, gradient, eps)
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, in_float32)


def test_fgsm_on_a_linear_model_lowers_the_true_logit_by_eps_times_l1_norm():
    # for a linear model the sign of the gradient is known: the loss of class y rises fastest
    # along sign(W[:, other] - W[:, y]); with two classes the logit gap changes by eps * ||w||_1
    layer = Affine(3, 2, rng=0)
    layer.params["W"][...] = [[1.0, -1.0], [-2.0, 2.0], [0.5, 0.0]]
    model = Model([layer])
    x, y = np.full((1, 3), 0.5), np.array([0])
    gap = lambda z: float((model(z)[:, 0] - model(z)[:, 1])[0])  # noqa: E731
    x_adv = fgsm(model, CrossEntropy(), x, y, 0.1)
    assert gap(x) - gap(x_adv) == pytest.approx(0.1 * (2 + 4 + 0.5))


def test_fgsm_accuracy_starts_at_the_clean_accuracy_and_falls():
    rng = np.random.default_rng(5)
    X = rng.uniform(0, 1, (300, 6))
    model = Model([perceptron(5, scale=3.0)])
    y = model(X).argmax(axis=1)  # the model is right on every sample
    acc = fgsm_accuracy(model, CrossEntropy(), X, y, [0.0, 0.05, 0.5], batch_size=128)
    assert acc[0] == 1.0
    assert acc[2] < acc[1] < 1.0


def reading_pairs(scale=4.0):
    """A perceptron whose class c reads pixels 2c and 2c+1, so its answers can be worked out."""
    layer = Affine(6, 3, rng=0)
    layer.params["W"][...] = scale * np.repeat(np.eye(3), 2, axis=0)
    layer.params["b"][...] = 0
    return Model([layer])


@pytest.mark.parametrize("loss", ["cross-entropy", "squared-error"])
def test_targeted_attack_reaches_the_target_and_lambda_keeps_it_close(loss):
    rng = np.random.default_rng(6)
    model = reading_pairs()
    x0 = rng.uniform(0, 1, (20, 6))
    target = (model(x0).argmax(axis=1) + 1) % 3
    start = rng.uniform(0, 0.01, x0.shape)
    free = targeted_attack(model, x0, target, lam=0.0, lr=1.0, steps=300, start=start, loss=loss)
    tied = targeted_attack(model, x0, target, lam=1.0, lr=1.0, steps=300, start=start, loss=loss)
    assert free.min() >= 0 and free.max() <= 1
    ok_free, size_free = attack_report(model, x0, free, target)
    ok_tied, size_tied = attack_report(model, x0, tied, target)
    assert ok_free == 1.0
    assert ok_tied < 1.0 and size_tied < size_free


def test_targeted_attack_from_a_confident_image_stalls_on_squared_error_not_on_cross_entropy():
    # the image reads class 0 with p = 1 - 2e-7 (logits 16, 0, 0): the softmax is saturated, so
    # the squared error's gradient carries a factor of about 1e-7 and 100 steps barely move it
    model = reading_pairs(scale=8.0)
    x0 = np.array([[1.0, 1.0, 0.0, 0.0, 0.0, 0.0]])
    target = np.array([1])
    by_ce = targeted_attack(model, x0, target, lam=0.1, lr=0.5, steps=100)
    by_se = targeted_attack(model, x0, target, lam=0.1, lr=0.5, steps=100, loss="squared-error")
    assert model(by_ce).argmax() == 1
    assert np.abs(by_se - x0).max() < 1e-4


def test_targeted_attack_takes_logits_or_probabilities_alike():
    rng = np.random.default_rng(2)
    model = Model([Affine(6, 5, rng=1), Tanh(), Affine(5, 3, rng=2)])
    x0, target = rng.uniform(0, 1, (4, 6)), np.array([0, 1, 2, 0])
    for loss in ("cross-entropy", "squared-error"):
        np.testing.assert_array_equal(
            targeted_attack(model, x0, target, lam=0.1, steps=5, loss=loss),
            targeted_attack(Model([*model.layers, Softmax()]), x0, target, lam=0.1, steps=5, loss=loss))


def test_targeted_attack_refuses_an_unknown_loss_and_one_hot_targets():
    model = reading_pairs()
    unknown = "targeted_attack: loss must be 'cross-entropy' or 'squared-error', got 'mse'"
    with pytest.raises(ValueError, match=unknown):
        targeted_attack(model, np.zeros((2, 6)), np.array([0, 1]), lam=0.1, loss="mse")
    with pytest.raises(ValueError, match=r"target must be integer class labels of shape \(N,\)"):
        targeted_attack(model, np.zeros((2, 6)), np.eye(3)[[0, 1]], lam=0.1)
    with pytest.raises(ValueError, match=r"one label per image, shape \(2,\), got shape \(3,\)"):
        targeted_attack(model, np.zeros((2, 6)), np.array([0, 1, 2]), lam=0.1)


def test_targeted_attack_refuses_a_divergent_step():
    model = Model([perceptron(), Softmax()])
    with pytest.raises(ValueError, match="lr \\* lam < 2"):
        targeted_attack(model, np.zeros((1, 6)), np.array([0]), lam=1.0, lr=2.0)


def test_attack_report():
    model = Model([perceptron(7), Softmax()])
    x = np.zeros((2, 6))
    x_adv = np.array([[3.0, 4.0, 0, 0, 0, 0], [0.0] * 6])
    pred = model(x_adv).argmax(axis=1)
    success, size = attack_report(model, x, x_adv, np.array([pred[0], (pred[1] + 1) % 3]))
    assert success == 0.5 and size == pytest.approx(2.5)


def test_show_perturbations_draws_three_rows_and_checks_shapes():
    from nncourse.plotting import show_perturbations

    x = np.zeros((3, 4))
    fig = show_perturbations(x, x + 0.5, ["a", "b", "c"], ["d", "e", "f"], shape=(2, 2))
    assert len(fig.axes) == 3 * 3 + 1  # nine images and one colour bar
    assert fig.axes[3].get_title() == "|d| = 1.00"
    with pytest.raises(ValueError, match="same shape"):
        show_perturbations(x, x[:2], shape=(2, 2))


def test_transfer_accuracy_pairs_every_source_with_every_reader():
    rng = np.random.default_rng(8)
    models = {"a": Model([perceptron(1, scale=3.0)]), "b": Model([perceptron(2, scale=3.0)])}
    X = rng.uniform(0, 1, (50, 6))
    y = models["a"](X).argmax(axis=1)
    table = transfer_accuracy(models, CrossEntropy(), X, y, 0.2, rng=0, batch_size=16)
    assert set(table) == {(s, r) for s in ("a", "b", "random signs") for r in ("a", "b")}
    for (source, reader), acc in table.items():
        if source != "random signs":
            x_adv = fgsm(models[source], CrossEntropy(), X, y, 0.2)
            assert acc == accuracy(y, models[reader](x_adv).argmax(axis=1)), (source, reader)
    assert table[("a", "a")] < table[("random signs", "a")]  # aimed beats random
    assert table == transfer_accuracy(models, CrossEntropy(), X, y, 0.2, rng=0, batch_size=50)
    with pytest.raises(TypeError, match="transfer_accuracy: models must be a dict"):
        transfer_accuracy([models["a"]], CrossEntropy(), X, y, 0.2)
