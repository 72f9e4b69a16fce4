"""Lesson 03's initialisation experiments: symmetric starts stay symmetric, the scale of the weights
sets the size of the activations layer by layer, and the sigmoid's slope shrinks the gradient."""

import numpy as np
import pytest

from nnlib import SGD, Affine, CrossEntropy, DataLoader, Learner, Model, ReLU, Sigmoid, Tanh
from nnlib.gradcheck import check_layer

from nncourse.annuli import annuli_network, make_annuli
from nncourse.initialisation import (
    RecordOutputs,
    activation_stds,
    deep_stack,
    make_symmetric,
    unit_spread,
    weight_gradient_norms,
)

X_DEEP = np.random.default_rng(0).standard_normal((200, 30))


def test_make_symmetric_copies_unit_0_into_every_unit_and_the_copies_train_alike():
    net = annuli_network(4, rng=1)
    W1_0, W2_0 = net[0].params["W"][:, 0].copy(), net[2].params["W"][0].copy()
    assert unit_spread(net) > 0.1
    assert make_symmetric(net) is net and unit_spread(net) == 0
    np.testing.assert_array_equal(net[0].params["W"], np.tile(W1_0[:, None], (1, 4)))
    np.testing.assert_array_equal(net[2].params["W"], np.tile(W2_0, (4, 1)))
    X, y = make_annuli(300, 0.1, rng=0)
    Learner(net, CrossEntropy(), SGD(0.5, momentum=0.9), progress=False).fit(DataLoader(X, y, 50, rng=0), 20)
    assert unit_spread(net) < 1e-10          # the gradients of equal units are equal
    assert np.abs(net[0].params["W"] - W1_0[:, None]).max() > 0.01  # and they did move


def test_unit_spread_sees_a_difference_in_any_of_the_three_places():
    for layer, key, index in ((0, "W", (1, 2)), (0, "b", (3,)), (2, "W", (2, 1))):
        net = make_symmetric(annuli_network(4, rng=0))
        net[layer].params[key][index] += 0.25
        assert unit_spread(net) == pytest.approx(0.25)


def test_record_outputs_keeps_the_logits_of_every_epoch():
    X, y = make_annuli(90, 0.1, rng=0)
    net, recorder = annuli_network(3, rng=0), RecordOutputs(X[:7])
    Learner(net, CrossEntropy(), SGD(0.3), [recorder], progress=False).fit(DataLoader(X, y, 30, rng=0), 3)
    assert len(recorder.outputs) == 3 and recorder.outputs[0].shape == (7, 3)
    np.testing.assert_array_equal(recorder.outputs[-1], net(X[:7]))
    assert not np.allclose(recorder.outputs[0], recorder.outputs[-1])


def test_deep_stack_layers_and_scales():
    net = deep_stack("relu", "he", depth=3, width=30, num_classes=4, rng=0)
    assert [type(layer) for layer in net.layers] == [Affine, ReLU] * 3 + [Affine]
    assert net(X_DEEP).shape == (200, 4)
    for act, cls in (("sigmoid", Sigmoid), ("tanh", Tanh)):
        assert isinstance(deep_stack(act, "xavier", depth=2, width=30, rng=0)[1], cls)
    stds = {scale: np.std(np.concatenate([deep_stack("tanh", scale, depth=4, width=400, rng=s)[i].params["W"]
                                          for s in range(2) for i in (0, 2, 4, 6)]))
            for scale in ("xavier", "he", 0.3)}
    assert stds["xavier"] == pytest.approx(np.sqrt(2 / 800), rel=0.01)
    assert stds["he"] == pytest.approx(np.sqrt(2 / 400), rel=0.01)
    assert stds[0.3] == pytest.approx(0.3, rel=0.01)
    np.testing.assert_array_equal(deep_stack("tanh", 0.3, rng=5)(X_DEEP[:, :1].repeat(100, 1)),
                                  deep_stack("tanh", 0.3, rng=5)(X_DEEP[:, :1].repeat(100, 1)))


def test_activation_stds_are_those_of_each_hidden_layer():
    net = deep_stack("tanh", "xavier", depth=3, width=30, rng=0)
    expected = [net[:2 * k](X_DEEP).std() for k in (1, 2, 3)]
    np.testing.assert_allclose(activation_stds(net, X_DEEP), expected, rtol=1e-12)


def test_the_scale_decides_whether_the_signal_fades_keeps_or_explodes():
    def last(act, scale):
        stack = deep_stack(act, scale, depth=8, width=100, rng=0)
        return activation_stds(stack, X_DEEP.repeat(4, 1)[:, :100])[-1]
    assert last("relu", 0.01) < 1e-6 < 0.3 < last("relu", "he") < 3 < 1e4 < last("relu", 1.0)
    assert last("tanh", 0.01) < 1e-6 < 0.15 < last("tanh", "xavier") < 0.9 < last("tanh", 1.0)


def test_weight_gradient_norms_are_the_norms_of_the_backward_pass():
    net = deep_stack("sigmoid", "xavier", depth=3, width=30, rng=0)
    y = np.arange(200) % 3
    norms = weight_gradient_norms(net, X_DEEP, y)
    loss = CrossEntropy()
    loss(net(X_DEEP), y)
    net.backward(loss.backward())
    expected = [np.linalg.norm(net.grads[f"affine{k}.W"]) for k in (1, 2, 3)]
    np.testing.assert_allclose(norms, expected, rtol=1e-12)
    assert max(check_layer(net, X_DEEP[:5]).values()) < 1e-6  # the stack is an ordinary model


def test_the_sigmoid_stack_loses_at_least_the_slope_bound_per_layer_and_relu_does_not():
    X, y = X_DEEP.repeat(4, 1)[:, :100], np.arange(200) % 3
    sig = weight_gradient_norms(deep_stack("sigmoid", "xavier", depth=8, rng=0), X, y)
    relu = weight_gradient_norms(deep_stack("relu", "he", depth=8, rng=0), X, y)
    assert (sig[0] / sig[-1]) ** (1 / 7) < 0.25 and (relu[0] / relu[-1]) ** (1 / 7) > 0.5


@pytest.mark.parametrize(("call", "error", "message"), [
    (lambda: make_symmetric(Affine(2, 3)), TypeError, "make_symmetric: model must be a Model instance"),
    (lambda: make_symmetric(deep_stack("relu", "he", depth=2, width=3)), ValueError,
     r"make_symmetric: model must have one hidden layer \(Affine, activation, Affine\)"),
    (lambda: unit_spread(Model([Affine(2, 3), Sigmoid(), Sigmoid()])), ValueError, "unit_spread: model must"),
    (lambda: RecordOutputs(np.array([[np.nan, 1.0]])), ValueError, "RecordOutputs: X holds"),
    (lambda: deep_stack("softmax", "he"), ValueError, "deep_stack: activation must be one of"),
    (lambda: deep_stack("relu", "glorot"), TypeError,
     "deep_stack: scale must be 'xavier', 'he' or a positive"),
    (lambda: deep_stack("relu", -0.1), ValueError, "deep_stack: scale must be .* got -0.1"),
    (lambda: deep_stack("relu", "he", depth=0), ValueError, "deep_stack: depth must be a positive integer"),
    (lambda: activation_stds(annuli_network(3, rng=0), X_DEEP), ValueError,
     r"activation_stds: X must have shape \(N, 2\)"),
    (lambda: activation_stds(Model([Affine(2, 3), Affine(3, 2)]), X_DEEP[:, :2]), ValueError,
     "activation_stds: model must be a stack"),
    (lambda: weight_gradient_norms(deep_stack("relu", "he", width=30), X_DEEP, np.arange(200) % 5),
     ValueError, r"weight_gradient_norms: y must lie in 0\.\.2 for 3 classes"),
    (lambda: weight_gradient_norms(deep_stack("relu", "he", width=30), X_DEEP, np.zeros(3)), ValueError,
     "weight_gradient_norms: X and y must hold the same number"),
])
def test_bad_input_is_refused_by_name(call, error, message):
    with pytest.raises(error, match=message):
        call()
