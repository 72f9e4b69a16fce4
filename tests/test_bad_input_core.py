"""nnlib attacked as a careless student attacks it: wrong shapes, dtypes, NaN and infinity,
extreme values, empty data, wrong hyper-parameters, a class where an instance belongs, a broken
callback. Every public name either gives the right answer or raises an error that names the
function and the argument, what it got and what it expected (issue 11, part 3).

The first half holds one regression test per bug named in the issue (each failed before the
fix); the second half a table of bad calls covering every public name of ``nnlib``, and
Hypothesis tests over the dtype and shape space.
"""

import inspect
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import nnlib
from nnlib import (
    BCE,
    MSE,
    SGD,
    Affine,
    BCEWithLogits,
    Callback,
    CrossEntropy,
    DataLoader,
    Evaluate,
    KeepBest,
    Layer,
    Learner,
    Loss,
    Model,
    ReLU,
    Sigmoid,
    Softmax,
    Tanh,
    accuracy,
    batches,
    check_layer,
    check_loss,
    confusion_matrix,
    evaluate,
    log_softmax,
    most_confused,
    numerical_gradient,
    one_hot,
    rel_error,
    sigmoid,
    softmax,
    train_val_split,
)

# Deterministic, quick, and no .hypothesis folder left behind in the repository.
FAST = settings(max_examples=40, deadline=None, database=None, derandomize=True)


def tiny_model(seed=0, d=3, c=2):
    return Model([Affine(d, 4, rng=seed), Tanh(), Affine(4, c, rng=seed + 1)])


def xy(n=12, d=3, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d))
    return X, (X[:, 0] > 0).astype(np.int64)


# --- One test per bug named in the issue ----------------------------------------------------

def test_rel_error_of_nan_or_inf_is_nan_never_small():
    for bad in (np.nan, np.inf, -np.inf):
        assert np.isnan(rel_error(np.array([bad, 1.0]), np.array([1.0, 1.0])))
        assert np.isnan(rel_error(np.array([1.0, 1.0]), np.array([1.0, bad])))
    assert not rel_error(np.array([np.nan]), np.array([np.nan])) < 1e-7
    assert rel_error(np.zeros(3), np.zeros(3)) == 0.0
    with pytest.raises(TypeError, match="rel_error: a must hold real numbers, got complex"):
        rel_error(np.array([1j]), np.array([1.0]))


@pytest.mark.parametrize("dtype", [np.float32, np.float16, np.int64, np.uint8])
def test_numerical_gradient_refuses_arrays_that_cannot_hold_a_nudge(dtype):
    x = np.array([3.0]).astype(dtype)  # f = 1000 x^2 / 3 has gradient 2000 at 3 (the case)
    with pytest.raises(TypeError, match=rf"numerical_gradient: x must be a float64 array.*{np.dtype(dtype)}"):
        numerical_gradient(lambda v: 1000 * v[0] ** 2 / 3, x)
    x64 = np.array([3.0])
    assert numerical_gradient(lambda v: 1000 * v[0] ** 2 / 3, x64)[0] == pytest.approx(2000, rel=1e-8)
    assert numerical_gradient(np.sum, np.zeros((0, 3))).shape == (0, 3)  # nothing to nudge


def test_numerical_gradient_hint_and_bad_arguments():
    hint = inspect.signature(numerical_gradient).parameters["f"].annotation
    assert hint == "Callable[[np.ndarray], float]"  # f is called with x: no f of no argument
    with pytest.raises(TypeError, match="numerical_gradient: f must be a function of x, got 3"):
        numerical_gradient(3, np.zeros(2))
    with pytest.raises(TypeError, match=r"x must be a float64 array.*got \[1.0, 2.0\]"):
        numerical_gradient(np.sum, [1.0, 2.0])
    with pytest.raises(ValueError, match="numerical_gradient: f must return a number, got an array"):
        numerical_gradient(lambda v: v * 2, np.zeros(2))
    with pytest.raises(ValueError, match="numerical_gradient: eps must be a positive number, got 0"):
        numerical_gradient(np.sum, np.zeros(2), eps=0)


@pytest.mark.parametrize("dtype", [np.uint8, np.uint16, np.int8, bool])
def test_small_integer_and_bool_inputs_do_not_wrap(dtype):
    z = np.array([[1, 0]], dtype=dtype)
    expected = z.astype(np.float64)
    np.testing.assert_allclose(sigmoid(z), 1 / (1 + np.exp(-expected)))
    np.testing.assert_allclose(softmax(z), np.exp(expected) / np.exp(expected).sum())
    np.testing.assert_allclose(log_softmax(z), np.log(softmax(expected)))
    for layer in (Sigmoid(), Softmax(), Tanh(), ReLU()):
        np.testing.assert_allclose(layer(z), type(layer)()(expected))


def test_sigmoid_of_uint8_one_and_mse_on_uint8():
    assert sigmoid(np.array([1], dtype=np.uint8))[0] == pytest.approx(0.7310585786)
    zeros, twenties = np.array([[0]], dtype=np.uint8), np.array([[20]], dtype=np.uint8)
    assert MSE()(zeros, twenties) == pytest.approx(200.0)  # was 72: 0 - 20 wrapped to 236
    assert BCEWithLogits()(np.array([[0]], np.uint8), np.array([[1]], np.uint16)) == pytest.approx(np.log(2))


@pytest.mark.parametrize("call", [
    lambda z: sigmoid(z), lambda z: softmax(z), lambda z: log_softmax(z), lambda z: ReLU()(z),
    lambda z: Affine(2, 2, rng=0)(z), lambda z: MSE()(z, np.ones((1, 2))),
    lambda z: CrossEntropy()(z, np.array([0])), lambda z: Loss().predict(z)])
def test_complex_input_is_refused_not_truncated(call):
    with pytest.raises(TypeError, match="must hold real numbers, got complex numbers"):
        call(np.array([[1 + 2j, 0]]))


def test_bce_at_exactly_0_and_1_in_float32_and_float16_is_finite():
    for dtype in (np.float32, np.float16, np.float64):
        p, y = np.array([[0.0], [1.0]], dtype=dtype), np.array([[0.0], [1.0]], dtype=dtype)
        loss = BCE()
        assert 0 <= loss(p, y) < 1e-3
        assert np.isfinite(loss.backward()).all()
        assert loss(p, 1 - y) > 7  # a confident mistake costs a lot, but a finite amount
        assert np.isfinite(loss.backward()).all()


@pytest.mark.parametrize(("big", "dtype"), [(1e4, np.float64), (1e4, np.float32), (3e38, np.float32),
                                            (6e4, np.float16), (1e308, np.float64)])
def test_cross_entropy_on_huge_logits_is_finite_and_right(big, dtype):
    z = np.array([[big, -big, 0.0], [0.0, big, -big]], dtype=dtype)
    labels = np.array([0, 1])
    for y in (labels, one_hot(labels, 3, dtype=dtype)):
        loss = CrossEntropy()
        assert loss(z, y) == 0.0  # the right class holds all the probability
        assert np.isfinite(loss.backward()).all()
    # wrong labels: log softmax may underflow to -inf, and then the loss is infinite, never NaN
    with np.errstate(over="ignore"):
        assert not np.isnan(CrossEntropy()(z, np.array([1, 2])))


@pytest.mark.parametrize("loss", [BCE(), BCEWithLogits()])
@pytest.mark.parametrize("target", [7.0, -0.5, 1.01])
def test_binary_losses_refuse_targets_outside_0_1(loss, target):
    with pytest.raises(ValueError, match=rf"{type(loss).__name__}: y \(the targets\) must lie in \[0, 1\]"):
        loss(np.array([[0.5]]), np.array([[target]]))


def test_evaluate_checks_its_arguments():
    X, y = xy()
    model = tiny_model()
    with pytest.raises(ValueError, match=r"evaluate: X and y must hold the same number.*\(12, 3\).*\(11,\)"):
        evaluate(model, CrossEntropy(), X, y[:-1])
    for bad, error in ((-1, ValueError), (0, ValueError), (2.5, TypeError)):
        with pytest.raises(error, match="evaluate: batch_size must be a positive integer"):
            evaluate(model, CrossEntropy(), X, y, batch_size=bad)
    with pytest.raises(ValueError, match=r"evaluate: X and y must hold the same number N >= 1.*\(0, 3\)"):
        evaluate(model, CrossEntropy(), X[:0], y[:0])
    with pytest.raises(TypeError, match=r"evaluate: loss must be a Loss instance.*CrossEntropy\(\.\.\.\)"):
        evaluate(model, CrossEntropy, X, y)
    with pytest.raises(TypeError, match="evaluate: model must be a Model instance"):
        evaluate(Affine(3, 2), CrossEntropy(), X, y)
    loss, acc = evaluate(model, CrossEntropy(), X, y, batch_size=5)
    assert (loss, acc) == pytest.approx(evaluate(model, CrossEntropy(), X, y, batch_size=100))


def test_evaluate_callback_checks_its_data_when_made():
    X, y = xy()
    with pytest.raises(ValueError, match=r"Evaluate: X and y must hold the same number"):
        Evaluate(X, y[:5])
    with pytest.raises(ValueError, match=r"Evaluate: .*N >= 1"):
        Evaluate(X[:0], y[:0])


def test_learner_refuses_classes_for_instances_and_fit_x_y():
    X, y = xy()
    model = tiny_model()
    with pytest.raises(TypeError, match=r"Learner: loss must be a Loss instance.*call the class.*CrossEn"):
        Learner(model, CrossEntropy, SGD(0.1))
    with pytest.raises(TypeError, match=r"Learner: optimizer must be a SGD instance.*call the class"):
        Learner(model, CrossEntropy(), SGD)
    with pytest.raises(TypeError, match=r"Learner: model must be a Model instance.*Affine"):
        Learner(Affine(3, 2), CrossEntropy(), SGD(0.1))
    with pytest.raises(TypeError, match=r"Learner: callbacks\[0\] must be a Callback instance.*call the"):
        Learner(model, CrossEntropy(), SGD(0.1), [Evaluate])
    one = Evaluate(X, y)  # a single callback is taken as a list of one, None as none
    assert Learner(model, CrossEntropy(), SGD(0.1), one, progress=False).callbacks[1] is one
    assert len(Learner(model, CrossEntropy(), SGD(0.1), None, progress=False).callbacks) == 1
    learner = Learner(model, CrossEntropy(), SGD(0.1), progress=False)
    with pytest.raises(TypeError, match=r"Learner.fit: loader must be a DataLoader.*got an array of dtype "
                                        r"float64 and shape \(12, 3\)"):
        learner.fit(X, y)
    with pytest.raises(ValueError, match=r"Learner\.fit: epochs must be a positive integer, got -2"):
        learner.fit(DataLoader(X, y, 4), -2)


def test_a_broken_callback_is_named_in_the_error():
    class Forgetful(Callback):
        def on_epoch_end(self):  # forgot the learner argument
            pass

    class Raises(Callback):
        def on_batch_end(self, learner):
            raise RuntimeError("boom")

    X, y = xy()
    for callback, error in ((Forgetful(), TypeError), (Raises(), RuntimeError)):
        learner = Learner(tiny_model(), CrossEntropy(), SGD(0.1), [callback], progress=False)
        with pytest.raises(error) as info:
            learner.fit(DataLoader(X, y, 4, rng=0), 1)
        if hasattr(info.value, "__notes__"):  # Python 3.11+
            assert f"callback {type(callback).__name__}" in info.value.__notes__[0]


def test_a_reused_momentum_sgd_starts_a_new_model_at_rest():
    X, y = xy()
    loss = CrossEntropy()

    def one_step(model, opt):
        loss(model(X), y)
        model.backward(loss.backward())
        opt.step(model)
        return model.params["affine1.W"].copy()

    used = SGD(0.1, momentum=0.9)
    for _ in range(5):
        one_step(tiny_model(seed=7), used)  # builds up velocity on other arrays
    fresh = SGD(0.1, momentum=0.9)
    np.testing.assert_array_equal(one_step(tiny_model(), used), one_step(tiny_model(), fresh))
    wider = Model([Affine(3, 9, rng=0), Tanh(), Affine(9, 2, rng=1)])  # other widths: no crash
    one_step(wider, used)


def test_a_reused_keep_best_never_copies_one_models_weights_into_another():
    X, y = xy(40)
    keep = KeepBest("val_loss")
    assert (keep.best_epoch, keep.best_value) == (0, np.inf)  # before any fit
    first, second = tiny_model(seed=0), tiny_model(seed=5)
    for model in (first, second):
        Learner(model, CrossEntropy(), SGD(0.05), [Evaluate(X, y), keep], progress=False).fit(
            DataLoader(X, y, 8, rng=0), 3)
    assert not np.allclose(second.params["affine1.W"], first.params["affine1.W"])
    assert keep.best_value == pytest.approx(min(evaluate(second, CrossEntropy(), X, y)[0], keep.best_value))


@pytest.mark.parametrize("dtype", [np.int64, np.int32, np.uint8, bool, "int16", np.complex128])
def test_integer_weight_dtypes_are_refused(dtype):
    with pytest.raises(TypeError, match="Affine: dtype must be a floating-point type"):
        Affine(3, 2, rng=0, dtype=dtype)
    with pytest.raises(TypeError, match=r"Model\.astype: dtype must be a floating-point type"):
        tiny_model().astype(dtype)


def test_confusion_matrix_refuses_labels_outside_its_classes():
    with pytest.raises(ValueError, match=r"confusion_matrix: y_pred must lie in 0\.\.1 for 2 classes"):
        confusion_matrix(np.array([0, 1]), np.array([0, 2]), num_classes=2)
    with pytest.raises(ValueError, match=r"confusion_matrix: y_true must lie in 0 or more, got \[-1\]"):
        confusion_matrix(np.array([-1, 1]), np.array([0, 1]))
    with pytest.raises(ValueError, match="confusion_matrix: num_classes must be a positive integer, got 0"):
        confusion_matrix(np.array([0]), np.array([0]), num_classes=0)
    big = np.array([29, 0], dtype=np.uint8)  # 29 * 30 wraps around in uint8
    assert confusion_matrix(big, big)[29, 29] == 1


def test_most_confused_never_names_the_diagonal_and_takes_only_counts():
    """Asked for more pairs than the matrix has off its diagonal, it returned diagonal cells,
    (1, 1, 0), as "confusions"; negative or fractional "counts" were ranked, NaN crashed in int()."""
    cm = np.array([[5, 3], [1, 4]])
    assert most_confused(cm, k=5) == [(0, 1, 3), (1, 0, 1)]
    assert most_confused(np.array([[7]])) == []  # one class: nothing to confuse it with
    three = np.array([[9, 0, 2], [0, 9, 0], [4, 0, 9]])
    all_six = most_confused(three, k=9)  # the six off-diagonal cells, the largest first
    assert all_six[:2] == [(2, 0, 4), (0, 2, 2)]
    assert sorted(all_six[2:]) == [(0, 1, 0), (1, 0, 0), (1, 2, 0), (2, 1, 0)]  # ties in any order
    assert most_confused(three.astype(np.float32), k=2) == [(2, 0, 4), (0, 2, 2)]
    np.testing.assert_array_equal(three.diagonal(), 9)  # the caller's matrix is left alone
    for bad in ([[1, -3], [2, 1]], [[1, 0.5], [0, 1]], [[1, np.nan], [0, 1]], [[1, np.inf], [0, 1]]):
        with pytest.raises(ValueError, match=r"most_confused: cm must be a square matrix \(C, C\) of counts"):
            most_confused(np.array(bad))


def test_keep_best_on_an_accuracy_keeps_the_highest():
    """KeepBest("val_acc") kept the epoch of the lowest accuracy: the worst weights came back."""
    X, y = xy(60, seed=3)

    class Scripted(Callback):  # a history whose best epoch is known: the second
        def __init__(self, values):
            self.values, self.weights = list(values), []

        def on_epoch_end(self, learner):
            learner.history.setdefault(self.key, []).append(self.values.pop(0))
            self.weights.append(learner.model.params["affine1.W"].copy())

    for key, values in (("val_acc", [0.6, 0.9, 0.7]), ("val_loss", [0.6, 0.2, 0.4])):
        scripted, keep, model = Scripted(values), KeepBest(key), tiny_model()
        scripted.key = key
        Learner(model, CrossEntropy(), SGD(0.5), [scripted, keep], progress=False).fit(
            DataLoader(X, y, 10, rng=0), 3)
        assert keep.best_epoch == 2 and keep.best_value == values[1], key
        np.testing.assert_array_equal(model.params["affine1.W"], scripted.weights[1])
    assert KeepBest("val_acc").best_value == -np.inf and KeepBest().best_value == np.inf


# --- Part 2: statements that read false, and the one way to count right answers ---------------

def test_docstrings_no_longer_claim_what_the_code_does_not_do():
    assert "unchanged" not in Layer.__doc__
    assert "usable wherever a layer is" not in Model.__doc__
    with pytest.raises(TypeError, match=r"item 1 is a Model, and models do not nest.*Model\(\[\*a\.layers"):
        Model([ReLU(), tiny_model()])


def test_writing_model_params_reaches_the_layer_or_raises():
    model = tiny_model()
    model.params["affine1.W"] = np.ones((3, 4))
    np.testing.assert_array_equal(model.layers[0].params["W"], 1.0)
    model.grads["affine2.b"] = np.full(2, 3.0)
    np.testing.assert_array_equal(model.layers[2].grads["b"], 3.0)
    grads = model.grads
    grads["affine2.b"] += 1.0  # in place, and the write-back is harmless
    np.testing.assert_array_equal(model.layers[2].grads["b"], 4.0)
    with pytest.raises(KeyError, match=r"no parameter named 'affine9\.W'.*affine1\.W"):
        model.params["affine9.W"] = np.ones((3, 4))
    with pytest.raises(ValueError, match=r"the value for 'affine1.W' has shape \(4, 3\).*\(3, 4\)"):
        model.params["affine1.W"] = np.ones((4, 3))
    for refused in (lambda d: d.pop("affine1.W"), lambda d: d.update({}), lambda d: d.clear()):
        with pytest.raises(TypeError, match="fixed names"):
            refused(model.params)
    with pytest.raises(TypeError, match="fixed names"):
        del model.params["affine1.W"]


def test_a_layer_shared_by_two_models_works_and_keeps_no_name():
    net = Model([Affine(3, 4, rng=0), ReLU(), Affine(4, 2, rng=1), Sigmoid()])
    encoder, head = net[:2], net[2:]
    x = np.random.default_rng(0).standard_normal((5, 3))
    np.testing.assert_array_equal(head(encoder(x)), net(x))
    assert all(layer.name is None for layer in net.layers)
    assert list(encoder.params) == ["affine1.W", "affine1.b"]
    assert list(head.params) == ["affine2.W", "affine2.b"]  # named as in net
    assert encoder.params["affine1.W"] is net.params["affine1.W"]
    again = Model([net.layers[2], ReLU(), net.layers[0]])  # the same layers in a third model
    assert list(again.params) == ["affine1.W", "affine1.b", "affine2.W", "affine2.b"]
    assert net[0] is net.layers[0] and len(net) == 4
    assert "(affine2): Affine(4 -> 2)" in repr(net) and "(sigmoid1): Sigmoid()" in repr(net)
    with pytest.raises(ValueError, match="item 1 is already in the model"):
        Model([net.layers[0], net.layers[0]])
    single = Affine(2, 2, rng=0)
    assert Model(single).layers == [single]  # one layer is a model of one layer


def test_a_shape_error_inside_a_model_names_the_layer():
    with pytest.raises(ValueError, match=r"affine2: Affine: input has shape \(5, 4\).*\(N, 3\)"):
        Model([Affine(2, 4, rng=0), ReLU(), Affine(3, 1, rng=0)])(np.ones((5, 2)))


def test_counting_right_answers_decodes_outputs_and_targets_one_way():
    ce, bce = CrossEntropy(), BCEWithLogits()
    logits = np.array([[2.0, 1.0], [0.0, 3.0], [1.0, 0.0]])
    for y in (np.array([0, 1, 1]), one_hot(np.array([0, 1, 1]), 2), np.array([0.0, 1.0, 1.0])):
        assert ce.count_correct(logits, y) == 2
    scores, y_col = np.array([[-1.0], [2.0], [0.5], [-3.0]]), np.array([[0.0], [1.0], [0.0], [0.0]])
    assert bce.count_correct(scores, y_col) == 3  # (N, 1) targets: never broadcast against (N,)
    assert BCE().count_correct(sigmoid(scores), y_col) == 3
    assert Loss.target_labels(y_col).tolist() == [0, 1, 0, 0]
    with pytest.raises(ValueError, match=r"BCEWithLogits\.count_correct: 4 rows of y_hat but 3 targets y"):
        bce.count_correct(scores, y_col[:3])
    with pytest.raises(ValueError, match=r"CrossEntropy\.predict: y_hat holds 1 NaN"):
        ce.predict(np.array([[np.nan, 0.0]]))
    with pytest.raises(ValueError, match=r"target_labels: y \(labels \(N,\), or targets \(N, C\)\) must be"):
        Loss.target_labels(np.zeros((2, 2, 2)))


def test_one_home_for_one_hot_and_batches():
    import nnlib.losses

    assert "np.zeros((n, c)" not in inspect.getsource(nnlib.losses)  # CrossEntropy uses one_hot
    X = np.arange(10)
    assert [b.tolist() for b in batches(X, 4)] == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
    assert list(batches(X[:0], 4)) == []
    with pytest.raises(ValueError, match="batches: batch_size must be a positive integer, got -1"):
        batches(X, -1)


# --- Every public name, attacked ------------------------------------------------------------

X3, Y3 = xy()
BAD_CALLS = {  # public name: [(call, error, message pattern), ...]
    "sigmoid": [
        (lambda: sigmoid("abc"), TypeError, "sigmoid: z must hold real numbers"),
        (lambda: sigmoid([[1, 2], [3]]), TypeError, "sigmoid: z must be array-like")],
    "softmax": [
        (lambda: softmax(np.zeros((2, 0))), ValueError, r"softmax: z must have one or more class.*\(2, 0\)"),
        (lambda: softmax(3.0), ValueError, "softmax: z must have one or more classes")],
    "log_softmax": [
        (lambda: log_softmax(np.zeros((0,))), ValueError, "log_softmax: z must have one or more")],
    "Layer": [
        (lambda: Layer()(np.ones((1, 1))), NotImplementedError, "Layer must implement forward")],
    "Affine": [
        (lambda: Affine(3, 2, init=["he"]), ValueError, r"Affine: init must be 'he' or 'xavier', got \["),
        (lambda: Affine(3, 2, rng="seed"), TypeError, r"Affine: rng must be a np\.random\.Generator"),
        (lambda: Affine(3, 2, rng=-1), ValueError, "Affine: rng must be .*seed.*got -1"),
        (lambda: Affine(3, 2, init="glorot"), ValueError, "Affine: init must be 'he' or 'xavier'"),
        (lambda: Affine(3, 2)(np.ones((4, 2))), ValueError, r"Affine: input has shape \(4, 2\).*\(N, 3\)"),
        (lambda: Affine(3, 2)(np.ones(3)), ValueError, r"Affine: input must be a batch of shape \(N, D\)")],
    "ReLU": [
        (lambda: ReLU()(np.ones((0, 3))), ValueError, r"ReLU: input must be a batch.*\(0, 3\)"),
        (lambda: ReLU().backward(np.ones((1, 1))), RuntimeError, r"ReLU: backward\(\) called before")],
    "Sigmoid": [
        (lambda: Sigmoid()(np.array([["a"]])), TypeError, "Sigmoid: input must hold real numbers")],
    "Tanh": [
        (lambda: Tanh()([[1j]]), TypeError, "Tanh: input must hold real numbers, got complex")],
    "Softmax": [
        (lambda: (lambda s: (s(np.ones((2, 3))), s.backward(np.ones((3, 2)))))(Softmax()), ValueError,
         r"Softmax.backward: the upstream gradient dout has shape \(3, 2\)")],
    "Model": [
        (lambda: Model([]), ValueError, "Model: needs at least one layer"),
        (lambda: Model([ReLU, ReLU()]), TypeError, "Model: item 0 must be a Layer instance.*call the class"),
        (lambda: Model([ReLU(name="a"), Tanh(name="a")]), ValueError, "names must be unique"),
        (lambda: tiny_model()[5:], ValueError, "Model: needs at least one layer")],
    "Loss": [
        (lambda: Loss()(np.ones((1, 1)), np.ones((1, 1))), NotImplementedError, "Loss must implement")],
    "MSE": [
        (lambda: MSE()(np.ones((4, 1)), np.ones(4)), ValueError, r"MSE: y \(the targets\) has shape \(4,\)"),
        (lambda: MSE()(np.ones((2, 1)), np.array([[np.inf], [0]])), ValueError, "MSE: y .* NaN or infinite"),
        (lambda: MSE().backward(), RuntimeError, r"MSE: backward\(\) called before the loss")],
    "BCE": [
        (lambda: BCE(eps=0.7), ValueError, r"BCE: eps must be a number in \(0, 0.5\), got 0.7"),
        (lambda: BCE()(np.array([[-0.1]]), np.array([[0.0]])), ValueError, r"BCE: y_hat \(probabilities\)")],
    "BCEWithLogits": [
        (lambda: BCEWithLogits()(np.array([[np.nan]]), np.array([[1.0]])), ValueError,
         "BCEWithLogits: y_hat .* NaN")],
    "CrossEntropy": [
        (lambda: CrossEntropy()(np.zeros((2, 3)), np.array([0, 3])), ValueError,
         r"CrossEntropy: y \(the labels\) must lie in 0\.\.2 for 3 classes, got \[3\]"),
        (lambda: CrossEntropy()(np.zeros((2, 3)), np.array([0.0, np.nan])), ValueError,
         r"CrossEntropy: y \(the labels\) must be integer class labels \(whole numbers\), got \[nan\]"),
        (lambda: CrossEntropy()(np.zeros((2, 3)), np.array([[0, 1]])), ValueError,
         r"CrossEntropy: y \(the targets\) has shape \(1, 2\)")],
    "SGD": [
        (lambda: SGD("0.1"), TypeError, "SGD: lr must be a positive number, got '0.1'"),
        (lambda: SGD(np.inf), ValueError, "SGD: lr must be a positive number, got inf"),
        (lambda: SGD(0.1, momentum=-0.1), ValueError, r"SGD: momentum must be a number in \[0, 1\)"),
        (lambda: SGD(0.1, weight_decay=np.nan), ValueError, "SGD: weight_decay must be a number >= 0"),
        (lambda: SGD(0.1).step(Affine(2, 2)), TypeError, "SGD.step: model must be a Model instance")],
    "DataLoader": [
        (lambda: DataLoader(X3[:0], Y3[:0], 4), ValueError, "DataLoader: X and y must hold.*N >= 1"),
        (lambda: DataLoader(X3, 3, 4), ValueError, r"DataLoader: .*y of shape \(\)"),
        (lambda: DataLoader(X3, Y3, 4, rng=1.5), TypeError, "DataLoader: rng must be"),
        (lambda: DataLoader(X3, Y3, 40, drop_last=True), ValueError, "leaves no batch")],
    "batches": [
        (lambda: batches(X3, 1.0), TypeError, "batches: batch_size must be a positive integer"),
        (lambda: batches(None, 2), TypeError, r"batches: X must be an array of samples \(rows\), got None")],
    "one_hot": [
        (lambda: one_hot(np.array([0, 5]), 3), ValueError, r"one_hot: labels must lie in 0\.\.2"),
        (lambda: one_hot(np.array([], dtype=int)), ValueError, "one_hot: no labels.*num_classes"),
        (lambda: one_hot(np.array([[0, 1]])), ValueError, r"one_hot: labels must be .* shape \(N,\)"),
        (lambda: one_hot(np.array([0]), num_classes=2.0), TypeError, "one_hot: num_classes must be")],
    "train_val_split": [
        (lambda: train_val_split(X3, Y3, "0.2"), TypeError, "train_val_split: val_fraction"),
        (lambda: train_val_split(X3, Y3, 1.0), ValueError, r"val_fraction must be a number in \(0, 1\)"),
        (lambda: train_val_split(X3[:1], Y3[:1]), ValueError, "1 sample.*cannot make both"),
        (lambda: train_val_split(X3, Y3[:3]), ValueError, "train_val_split: X and y must hold")],
    "Learner": [
        (lambda: Learner(tiny_model(), MSE, SGD(0.1)), TypeError, "Learner: loss must be a Loss instance")],
    "Callback": [
        (lambda: Learner(tiny_model(), MSE(), SGD(0.1), [print]), TypeError,
         r"callbacks\[0\] must be a Callback instance")],
    "Evaluate": [
        (lambda: Evaluate(X3, Y3[:2]), ValueError, "Evaluate: X and y must hold")],
    "KeepBest": [
        (lambda: Learner(tiny_model(), CrossEntropy(), SGD(0.1), [KeepBest()], progress=False).fit(
            DataLoader(X3, Y3, 4), 1), KeyError, "KeepBest: the history has no 'val_loss'")],
    "evaluate": [
        (lambda: evaluate(tiny_model(), CrossEntropy(), X3, Y3, batch_size=-1), ValueError,
         "evaluate: batch_size must be a positive integer, got -1")],
    "numerical_gradient": [
        (lambda: numerical_gradient(np.sum, np.zeros(2, np.float32)), TypeError,
         "numerical_gradient: x must be a float64 array")],
    "rel_error": [
        (lambda: rel_error(np.zeros(2), np.zeros(3)), ValueError, "rel_error: shapes differ")],
    "check_layer": [
        (lambda: check_layer(ReLU, np.ones((1, 1))), TypeError, "check_layer: layer must be a Layer"),
        (lambda: check_layer(Affine(2, 2, dtype=np.float32), np.ones((1, 2))), ValueError,
         "check_layer: W is float32"),
        (lambda: check_layer(ReLU(), np.array([[1j]])), TypeError, "check_layer: x must hold real")],
    "check_loss": [
        (lambda: check_loss(MSE, np.ones((1, 1)), np.ones((1, 1))), TypeError,
         "check_loss: loss must be a Loss instance")],
    "accuracy": [
        (lambda: accuracy(np.zeros(0), np.zeros(0)), ValueError, "accuracy: .*N >= 1"),
        (lambda: accuracy(np.zeros((3, 1)), np.zeros(3)), ValueError,
         r"accuracy: y_true must be integer class labels of shape \(N,\), got shape \(3, 1\)"),
        (lambda: accuracy(np.array([np.nan]), np.array([0])), ValueError, "accuracy: y_true must be integer"),
        (lambda: accuracy(np.array([0, 1]), np.array([0])), ValueError, r"accuracy: .*\(2,\) and \(1,\)")],
    "confusion_matrix": [
        (lambda: confusion_matrix(np.array([0.5]), np.array([0])), ValueError,
         "confusion_matrix: y_true must be integer class labels")],
    "most_confused": [
        (lambda: most_confused(np.ones((2, 3))), ValueError, "most_confused: cm must be a square"),
        (lambda: most_confused(np.eye(2), k=0), ValueError, "most_confused: k must be a positive"),
        (lambda: most_confused(np.array([[1.0, np.nan], [0, 1]])), ValueError,
         r"most_confused: cm must be a square matrix \(C, C\) of counts, got an array of dtype float64")],
}


def test_every_public_name_of_nnlib_is_attacked():
    assert set(BAD_CALLS) == set(nnlib.__all__)


@pytest.mark.parametrize(("call", "error", "pattern"),
                         [case for cases in BAD_CALLS.values() for case in cases],
                         ids=[f"{name}-{i}" for name, cases in BAD_CALLS.items() for i in range(len(cases))])
def test_bad_call_raises_a_clear_error(call, error, pattern):
    with pytest.raises(error, match=pattern):
        call()


# --- Hypothesis: the dtype and shape space --------------------------------------------------

REAL_DTYPES = st.sampled_from([np.bool_, np.int8, np.uint8, np.int16, np.uint16, np.int32, np.uint32,
                               np.int64, np.float16, np.float32, np.float64])


MATRICES = hnp.array_shapes(min_dims=2, max_dims=2, min_side=1, max_side=5)


def small_arrays(dtype, shape=MATRICES):
    """Arrays of ``dtype`` with values a float64 holds exactly (so the two computations compare)."""
    kind = np.dtype(dtype).kind
    if kind == "b":
        return hnp.arrays(dtype, shape)
    if kind in "iu":
        return hnp.arrays(dtype, shape, elements={"min_value": 0, "max_value": 100})
    return hnp.arrays(dtype, shape, elements={"min_value": -50, "max_value": 50, "allow_nan": False})


@FAST
@given(st.data())
def test_functions_and_layers_treat_every_real_dtype_as_its_values(data):
    dtype = data.draw(REAL_DTYPES)
    z = data.draw(small_arrays(dtype))
    exact = z.astype(np.float64)
    tol = 1e-2 if z.dtype == np.float16 else 1e-6
    for f in (sigmoid, softmax, log_softmax, np.tanh):
        got = f(z) if f is not np.tanh else Tanh()(z)
        assert got.dtype.kind == "f" and got.shape == z.shape
        np.testing.assert_allclose(got, f(exact), rtol=tol, atol=tol)
    layer = Affine(z.shape[1], 2, rng=0)
    np.testing.assert_allclose(layer(z), exact @ layer.params["W"], rtol=tol, atol=tol)


@FAST
@given(st.data())
def test_losses_take_any_real_dtype_and_refuse_any_other_shape(data):
    n, m = data.draw(st.integers(1, 4)), data.draw(st.integers(1, 3))
    dtype = data.draw(REAL_DTYPES)
    y_hat = data.draw(hnp.arrays(np.float64, (n, m), elements=st.floats(0.01, 0.99)))
    y = data.draw(hnp.arrays(dtype, (n, m), elements=st.integers(0, 1) if dtype != np.bool_ else None))
    for loss in (MSE(), BCE(), BCEWithLogits()):
        assert loss(y_hat, y) == pytest.approx(loss(y_hat, y.astype(np.float64)))
    other = data.draw(hnp.array_shapes(min_dims=1, max_dims=3, max_side=5).filter(lambda s: s != (n, m)))
    for loss in (MSE(), BCE(), BCEWithLogits()):
        with pytest.raises(ValueError, match=rf"{type(loss).__name__}: .*shape"):
            loss(y_hat, np.zeros(other))


@FAST
@given(st.data())
def test_losses_never_return_nan_for_finite_extreme_inputs(data):
    n, c = data.draw(st.integers(1, 4)), data.draw(st.integers(2, 4))
    dtype = data.draw(st.sampled_from([np.float16, np.float32, np.float64]))
    big = float(np.finfo(dtype).max) / 16  # so that a sum of a few terms still fits the dtype
    z = data.draw(hnp.arrays(dtype, (n, c), elements=st.floats(-big, big, width=np.finfo(dtype).bits)))
    labels = data.draw(hnp.arrays(np.int64, n, elements=st.integers(0, c - 1)))
    with np.errstate(over="ignore"):  # log softmax may reach -inf: then the loss is inf, not NaN
        for y in (labels, one_hot(labels, c, dtype=dtype)):
            loss = CrossEntropy()
            assert not np.isnan(loss(z, y)) and not np.isnan(loss.backward()).any()
        p = data.draw(hnp.arrays(dtype, (n, 1), elements=st.floats(0, 1, width=np.finfo(dtype).bits)))
        t = data.draw(hnp.arrays(dtype, (n, 1), elements=st.sampled_from([0.0, 1.0])))
        for loss, y_hat in ((BCE(), p), (BCEWithLogits(), z[:, :1])):
            assert np.isfinite(loss(y_hat, t)) and np.isfinite(loss.backward()).all()


@FAST
@given(n=st.integers(1, 40), batch_size=st.integers(1, 50), drop_last=st.booleans(), seed=st.integers(0, 9))
def test_dataloader_yields_every_sample_once(n, batch_size, drop_last, seed):
    X, y = np.arange(2 * n).reshape(n, 2), np.arange(n)
    if drop_last and batch_size > n:
        with pytest.raises(ValueError, match="drop_last"):
            DataLoader(X, y, batch_size, drop_last=drop_last)
        return
    loader = DataLoader(X, y, batch_size, rng=seed, drop_last=drop_last)
    seen = np.concatenate([yb for _, yb in loader])
    assert len(seen) == (n // batch_size * batch_size if drop_last else n) == len(set(seen.tolist()))
    assert np.concatenate(list(batches(y, batch_size))).tolist() == y.tolist()


@FAST
@given(labels=hnp.arrays(st.sampled_from([np.int64, np.uint8, np.float64]), st.integers(1, 20),
                         elements=st.integers(0, 4)), num_classes=st.integers(1, 6))
def test_one_hot_and_confusion_matrix_agree_with_their_definition(labels, num_classes):
    if labels.max() >= num_classes:
        with pytest.raises(ValueError, match=rf"0\.\.{num_classes - 1} for {num_classes} classes"):
            one_hot(labels, num_classes)
        return
    out = one_hot(labels, num_classes)
    assert out.shape == (len(labels), num_classes) and (out.argmax(axis=1) == labels).all()
    cm = confusion_matrix(labels, labels[::-1], num_classes)
    assert cm.sum() == len(labels) and cm.trace() == np.sum(labels == labels[::-1])


def test_array_likes_are_taken_as_arrays():
    layer = Affine(2, 3, rng=0)
    layer([[1, 2]])
    dx = layer.backward([[1.0, 0.0, -1.0]])  # a list for dout
    np.testing.assert_allclose(layer.grads["b"], [1.0, 0.0, -1.0])
    np.testing.assert_allclose(dx, np.array([[1.0, 0.0, -1.0]]) @ layer.params["W"].T)
    assert CrossEntropy()([[0.0, 0.0]], [1]) == pytest.approx(np.log(2))
    assert one_hot([True, False]).tolist() == [[0.0, 1.0], [1.0, 0.0]]


def test_the_messages_name_what_was_given():
    """A spot check of the wording: the function, the argument, what it got, what it expects."""
    with pytest.raises(ValueError) as info:
        DataLoader(X3, Y3, 0)
    assert re.fullmatch(r"DataLoader: batch_size must be a positive integer, got 0", str(info.value))
