"""The course's lesson modules attacked as the core is in test_bad_input_core.py: every public
function of datasets, perceptron, backprop, annuli, embedding, weights, experiments and
adversarial gives the right answer or an error that names the function and the argument, what
it got and what it expected. First the bugs named in issue 11 (each test failed before its
fix), then a table of bad calls that a test keeps complete.
"""

import importlib
import inspect
import io
import tokenize
from pathlib import Path

import numpy as np
import pytest

from nnlib import (
    SGD,
    Affine,
    BCEWithLogits,
    CrossEntropy,
    DataLoader,
    Learner,
    Model,
    ReLU,
    Sigmoid,
    Softmax,
    Tanh,
)
from nnlib import evaluate as nnlib_evaluate

from nncourse import (
    adversarial,
    annuli,
    backprop,
    datasets,
    embedding,
    experiments,
    initialisation,
    optimisation,
    perceptron,
    weights,
)
from nncourse.adversarial import (
    adversarial_example,
    fgsm,
    fgsm_accuracy,
    input_gradient,
    sign_step,
    targeted_attack,
)
from nncourse.datasets import normalize_pixels
from nncourse.embedding import compare_binary, split_at
from nncourse.perceptron import perceptron_run

MODULES = (datasets, perceptron, backprop, annuli, initialisation, embedding, weights, experiments,
           adversarial, optimisation)


def mlp(d=6, h=5, c=3, seed=0):
    rng = np.random.default_rng(seed)
    return Model([Affine(d, h, rng=rng), ReLU(), Affine(h, c, rng=rng)])


RNG = np.random.default_rng(0)
X6 = RNG.uniform(0, 1, (8, 6))
Y6 = np.arange(8) % 3


# --- The bugs named in the issue ------------------------------------------------------------

def test_fgsm_accuracy_of_one_logit_with_n_1_targets_is_an_accuracy():
    """(N, 1) targets were compared with (N,) predictions: an (N, N) broadcast, 25.96 reported."""
    rng = np.random.default_rng(1)
    X = rng.uniform(0, 1, (300, 6))
    y = (X[:, :1] + 0.1 * rng.standard_normal((300, 1)) > 0.5).astype(np.float64)
    model = Model([Affine(6, 4, rng=0), Tanh(), Affine(4, 1, rng=1)])
    Learner(model, BCEWithLogits(), SGD(0.5), progress=False).fit(DataLoader(X, y, 30, rng=0), 20)
    acc = fgsm_accuracy(model, BCEWithLogits(), X, y, [0.0, 0.05, 0.3], batch_size=64)
    assert acc[0] == nnlib_evaluate(model, BCEWithLogits(), X, y)[1] > 0.8
    assert np.all((0 <= acc) & (acc <= 1)) and acc[2] < acc[0]


def test_perceptron_run_on_raw_uint8_images_says_to_scale_them():
    images = np.random.default_rng(2).integers(0, 256, (20, 4), dtype=np.uint8)
    labels = np.arange(20) % 2
    with pytest.raises(ValueError, match=r"perceptron_run: X_train holds values up to .*normalize_pixels"):
        perceptron_run(images, labels, images, labels, lr=0.5, batch_size=5, epochs=1)
    history = perceptron_run(normalize_pixels(images), labels, normalize_pixels(images), labels,
                             lr=0.5, batch_size=5, epochs=1)  # scaled, the same call trains
    assert 0 <= history["val_acc"][0] <= 1


def test_normalize_pixels_twice_is_refused():
    images = np.array([[[0, 128], [255, 3]]], dtype=np.uint8)
    once = normalize_pixels(images)
    with pytest.raises(ValueError, match=r"normalize_pixels: these images already lie in \[0, 1\]"):
        normalize_pixels(once)
    np.testing.assert_array_equal(normalize_pixels(once, max_value=1), once)
    with pytest.raises(ValueError, match=r"must lie in \[0, 16\] \(max_value\), got values in \[0, 25"):
        normalize_pixels(images, max_value=16)


def test_a_layer_shared_by_an_encoder_and_a_new_head_works():
    """Model wrote names into the layers: reusing an encoder's layers in a new model failed."""
    net = Model([Affine(6, 5, rng=0), ReLU(), Affine(5, 2, rng=1), Affine(2, 1, rng=2)])
    encoder, head = split_at(net, 3)
    classifier = Model([Affine(2, 4, rng=3), ReLU(), Affine(4, 3, rng=4)])  # a model of its own
    probe = Model([*encoder.layers, *classifier.layers])  # was "layer names must be unique"
    assert probe(X6).shape == (8, 3) and list(head.params) == ["affine3.W", "affine3.b"]
    np.testing.assert_array_equal(classifier(encoder(X6)), probe(X6))
    np.testing.assert_array_equal(head(encoder(X6)), net(X6))


def test_one_sign_step_serves_fgsm_and_the_targeted_sign_step():
    model = mlp()
    gradient = input_gradient(model, CrossEntropy(), X6, Y6)
    np.testing.assert_array_equal(fgsm(model, CrossEntropy(), X6, Y6, 0.1), sign_step(X6, gradient, 0.1))
    probs = Model([*model.layers, Softmax()])
    step = adversarial_example(probs, X6[0], 2, method="epsilon", strength=0.2)
    toward = input_gradient(model, CrossEntropy(), X6[:1], np.array([2]))
    np.testing.assert_array_equal(step, sign_step(X6[:1], toward, -0.2)[0])
    source = inspect.getsource(adversarial)
    assert source.count("np.sign(") == 1  # the one home of the sign step


def test_targeted_attack_refuses_labels_that_would_wrap_around():
    probs = Model([*mlp().layers, Softmax()])
    with pytest.raises(ValueError, match=r"targeted_attack: target must lie in 0\.\.2 for 3 classes, got"):
        targeted_attack(probs, X6[:2], np.array([0, -1]), lam=0.1)  # -1 was the last class


def test_compare_binary_refuses_probabilities_for_labels():
    with pytest.raises(ValueError, match=r"compare_binary: the predictions of 'p' \(0 or 1\) must be int"):
        compare_binary(np.array([0, 1]), {"p": np.array([0.7, 0.2])})  # 0.7 was truncated to 0


def test_sub_networks_by_slicing_share_the_layers():
    model = mlp()
    np.testing.assert_array_equal(annuli.hidden_activations(model, X6), np.maximum(model[0](X6), 0))
    order, values = weights.top_activating(model, X6, "unit", 1, k=3)
    np.testing.assert_array_equal(values, np.maximum(model[0](X6), 0)[order, 1])


def test_the_bayes_rate_of_a_tiny_noise_is_an_accuracy():
    """The rings' densities, narrower than the grid's step, were stepped over or hit: a noise of
    1e-6 gave 0.23 and 1e-9 gave 37.3 as the best possible accuracy."""
    for noise in (1e-5, 1e-6, 1e-9, 1e-12):
        assert annuli.annuli_bayes_accuracy(noise) == pytest.approx(1.0, abs=1e-9)
    rates = [annuli.annuli_bayes_accuracy(noise) for noise in (1e-9, 0.01, 0.1, 0.3, 1.0, 100.0)]
    assert all(0 <= r <= 1 for r in rates) and rates == sorted(rates, reverse=True)
    assert rates[-1] == pytest.approx(1 / 3, abs=1e-3)  # noise drowns the rings: a guess in three


def test_perceptron_run_refuses_unscaled_validation_images():
    """Only X_train was checked: raw 0..255 validation pixels gave the curves of another model."""
    images = np.random.default_rng(2).integers(0, 256, (20, 4), dtype=np.uint8)
    labels = np.arange(20) % 2
    with pytest.raises(ValueError, match=r"perceptron_run: X_val holds values up to .*normalize_pixels"):
        perceptron_run(normalize_pixels(images), labels, images, labels, lr=0.5, batch_size=5, epochs=1)


def test_plot_embedding_refuses_a_mask_of_integers():
    """wrong=[0, 1, 0, ...] passed the shape check, and E[wrong] circled points 0 and 1 instead."""
    wrong = np.array([0, 1, 0, 0, 0, 0, 0, 0])
    with pytest.raises(ValueError, match=r"plot_embedding: wrong must be a boolean mask of shape \(8,\), "
                                         r"got an array of dtype int64"):
        embedding.plot_embedding(lambda E: np.full(len(E), 0.5), X6[:, :2], Y6 % 2, wrong=wrong)


def test_hidden_activations_needs_a_hidden_layer():
    """A model of one layer gave its output (its logits) as its "hidden activations"."""
    with pytest.raises(ValueError, match=r"hidden_activations: model must have a hidden layer.*1 layer"):
        annuli.hidden_activations(Model([Affine(2, 3, rng=0)]), X6[:, :2])
    with pytest.raises(ValueError, match=r"hidden_activations: .*starting with Tanh"):
        annuli.hidden_activations(Model([Tanh(), Affine(2, 3, rng=0), ReLU()]), X6[:, :2])


def identifiers(module):
    """The names used in the code of ``module`` (not in its strings or comments)."""
    tokens = tokenize.generate_tokens(io.StringIO(inspect.getsource(module)).readline)
    return {token.string for token in tokens if token.type == tokenize.NAME}


def test_one_name_for_the_l2_strength_and_for_the_class_count():
    for f in (weights.l2_penalty, weights.l2_gradients):
        assert list(inspect.signature(f).parameters) == ["model", "weight_decay"]
    assert "weight_decays" in inspect.signature(weights.l2_sweep).parameters
    # (targeted_attack's lam, in adversarial, is another idea: the weight of staying close to x)
    assert not {"lam", "strengths", "decay"} & identifiers(weights)
    for module in MODULES:
        assert not {"n_classes", "classes_count", "strengths"} & identifiers(module)
    weight_exercises = importlib.import_module("nncourse.exercises.weights")
    assert not {"lam", "strengths"} & identifiers(weight_exercises)  # the exercises of weight decay
    for name in ("nnlib.data", "nnlib.losses", "nnlib.metrics", "nnlib.optim", "nncourse.plotstyle",
                 "nncourse.widgets", "nncourse.exercises.adversarial"):  # a class count is num_classes
        used = identifiers(importlib.import_module(name))
        assert not {"n_classes", "classes", "strengths"} & used, name
        assert "lam" not in used or name == "nncourse.widgets", name  # the explorer's lam: targeted_attack's


# --- Every public function, attacked --------------------------------------------------------

IMAGES = np.random.default_rng(3).integers(0, 256, (6, 2, 2), dtype=np.uint8)
LABELS = np.array([3, 8, 3, 1, 8, 8])
P3 = np.full((8, 3), 1 / 3)
GRADS = {"affine1.W": (np.ones(2), np.ones(2))}

BAD_CALLS = {  # (module, name): [(call, error, message pattern), ...]
    ("datasets", "read_idx"): [
        (lambda: datasets.read_idx(Path("no-such-file.gz")), FileNotFoundError, "no-such-file.gz"),
        (lambda: datasets.read_idx(Path("no-such-file.gz"), rows=[1, 2]), TypeError,
         r"read_idx: rows must be a slice of consecutive rows .* got \[1, 2\]"),
        (lambda: datasets.read_idx(Path("no-such-file.gz"), rows=slice(0, 10, 2)), TypeError,
         "read_idx: rows must be a slice of consecutive rows")],
    ("datasets", "load_mnist"): [
        (lambda: datasets.load_mnist("no-such-folder"), FileNotFoundError, "no-such-folder")],
    ("datasets", "load_digits"): [
        (lambda: datasets.load_digits(10), TypeError, "load_digits")],
    ("datasets", "normalize_pixels"): [
        (lambda: normalize_pixels(IMAGES, dtype=np.uint8), TypeError,
         "normalize_pixels: dtype must be a float"),
        (lambda: normalize_pixels(IMAGES, max_value=0), ValueError,
         "normalize_pixels: max_value must be a pos"),
        (lambda: normalize_pixels(IMAGES[:0]), ValueError, "normalize_pixels: images must be a non-empty"),
        (lambda: normalize_pixels(IMAGES > 0), ValueError, "normalize_pixels: images must be .* dtype bool"),
        (lambda: normalize_pixels(np.array([[np.nan, 3.0]])), ValueError,
         "normalize_pixels: images holds 1 NaN"),
        (lambda: normalize_pixels(-IMAGES.astype(int)), ValueError, r"pixels must lie in \[0, 255\]")],
    ("datasets", "make_xor"): [
        (lambda: datasets.make_xor(0), ValueError, "make_xor: n must be a positive integer, got 0"),
        (lambda: datasets.make_xor(10, noise=-1), ValueError, "make_xor: noise must be a number >= 0")],
    ("perceptron", "add_bias_column"): [
        (lambda: perceptron.add_bias_column(np.ones(3)), ValueError, r"add_bias_column: X must be a batch")],
    ("perceptron", "perceptron_probs"): [
        (lambda: perceptron.perceptron_probs(np.ones((3, 2)), np.ones((4, 5))), ValueError,
         r"perceptron_probs: X has shape \(4, 5\) but W has shape \(3, 2\)")],
    ("perceptron", "perceptron_update"): [
        (lambda: perceptron.perceptron_update(np.ones((3, 2)), np.ones((4, 3)), np.ones((4, 2)), -1),
         ValueError,
         "perceptron_update: lr must be a positive number"),
        (lambda: perceptron.perceptron_update(np.ones((3, 2)), np.ones((4, 3)), np.ones(4), 0.1), ValueError,
         "perceptron_update: Y has shape .* one-hot")],
    ("perceptron", "log_likelihood"): [
        (lambda: perceptron.log_likelihood(np.ones((3, 2)), np.ones((4, 3)), np.array([0, 1, 2, 0])),
         ValueError,
         r"log_likelihood: y must lie in 0\.\.1 for 2 classes"),
        (lambda: perceptron.log_likelihood(np.ones((3, 2)), np.ones((4, 3)), np.array([0, 1])), ValueError,
         "log_likelihood: 2 labels y for 4 samples")],
    ("perceptron", "worst_mistakes"): [
        (lambda: perceptron.worst_mistakes(P3 * np.nan, Y6), ValueError,
         "worst_mistakes: probs holds 24 NaN"),
        (lambda: perceptron.worst_mistakes(P3, Y6[:5]), ValueError,
         "worst_mistakes: 5 labels y for 8 samples")],
    ("perceptron", "class_means"): [
        (lambda: perceptron.class_means(X6, Y6, Y6, 2), ValueError, r"class_means: y must lie in 0\.\.1"),
        (lambda: perceptron.class_means(X6, Y6, Y6, 0), ValueError, "class_means: num_classes must be")],
    ("perceptron", "perceptron_run"): [
        (lambda: perceptron_run(X6, [], X6, Y6, lr=0.1, batch_size=2), ValueError,
         r"perceptron_run: X and y must hold the same number N >= 1 .*\(8, 6\) and y of shape \(0,\)"),
        (lambda: perceptron_run(X6, Y6 - 1, X6, Y6, lr=0.1, batch_size=2), ValueError,
         "perceptron_run: y_train must lie in 0 or more"),
        (lambda: perceptron_run(X6, Y6, X6, Y6, lr=0.1, batch_size=0), ValueError,
         "DataLoader: batch_size must be a positive integer, got 0"),
        (lambda: perceptron_run(X6, Y6, X6, Y6, lr=0.1, batch_size=2, seed="a"), TypeError,
         "perceptron_run: rng must be")],
    ("perceptron", "plot_learning_curves"): [
        (lambda: perceptron.plot_learning_curves({"loss": [1.0]}, {"val_loss": [1], "val_acc": [0]},
                                                 label="a", reference_label="b"), ValueError,
         "plot_learning_curves: history must be a history with 'val_loss' and 'val_acc'")],
    ("backprop", "loss_gradients"): [
        (lambda: backprop.loss_gradients(mlp(), CrossEntropy, X6, Y6), TypeError,
         "loss_gradients: loss must be a Loss instance.*call the class"),
        (lambda: backprop.loss_gradients(mlp().astype(np.float32), CrossEntropy(), X6, Y6), ValueError,
         "loss_gradients: affine1.W is float32")],
    ("backprop", "gradient_errors"): [
        (lambda: backprop.gradient_errors([1, 2]), TypeError, "gradient_errors: gradients must map each"),
        (lambda: backprop.gradient_errors({"w": (np.ones(2), np.ones(3))}), ValueError, "rel_error: shapes")],
    ("backprop", "gradient_table"): [
        (lambda: backprop.gradient_table(GRADS, entries=0), ValueError, "gradient_table: entries must be"),
        (lambda: backprop.gradient_table(GRADS, rng="x"), TypeError, "gradient_table: rng must be")],
    ("annuli", "make_annuli"): [
        (lambda: annuli.make_annuli(-5), ValueError, "make_annuli: n must be a positive integer, got -5"),
        (lambda: annuli.make_annuli(5, noise="a"), TypeError, "make_annuli: noise must be a number >= 0")],
    ("annuli", "annuli_posterior"): [
        (lambda: annuli.annuli_posterior(X6, 0.1), ValueError,
         r"annuli_posterior: X must be points of the plane"),
        (lambda: annuli.annuli_posterior(X6[:, :2], 0), ValueError,
         "annuli_posterior: noise must be a positive")],
    ("annuli", "annuli_bayes_accuracy"): [
        (lambda: annuli.annuli_bayes_accuracy(-0.1), ValueError, "annuli_bayes_accuracy: noise must be")],
    ("annuli", "annuli_network"): [
        (lambda: annuli.annuli_network(3, activation=["tanh"]), ValueError,
         "annuli_network: activation must"),
        (lambda: annuli.annuli_network(0), ValueError, "annuli_network: hidden must be a positive integer"),
        (lambda: annuli.annuli_network(3, activation="softmax"), ValueError,
         "annuli_network: activation must")],
    ("annuli", "hidden_activations"): [
        (lambda: annuli.hidden_activations(Affine(2, 3), X6[:, :2]), TypeError,
         "hidden_activations: model must be a Model instance")],
    ("annuli", "hidden_unit_maps"): [
        (lambda: annuli.hidden_unit_maps(annuli.annuli_network(3, rng=0), X6[:, :2], resolution=0),
         ValueError,
         "hidden_unit_maps: resolution must be a positive integer"),
        (lambda: annuli.hidden_unit_maps(annuli.annuli_network(3, rng=0), X6[:0, :2]), ValueError,
         r"hidden_unit_maps: X must be a batch")],
    ("annuli", "probability_colours"): [
        (lambda: annuli.probability_colours(np.ones((4, 2)) / 2), ValueError,
         r"probability_colours: P must have shape \(N, 3\)"),
        (lambda: annuli.probability_colours(np.full((1, 3), np.nan)), ValueError,
         "probability_colours: P holds")],
    ("annuli", "plot_soft_predictions"): [
        (lambda: annuli.plot_soft_predictions(X6[:, :2], P3[:5]), ValueError,
         "plot_soft_predictions: 8 points X but 5 rows of P")],
    ("annuli", "plot_hidden_units"): [
        (lambda: annuli.plot_hidden_units(annuli.annuli_network(3, rng=0), X6[:, :2], Y6, size=None),
         TypeError,
         "plot_hidden_units: size must be a positive number"),
        (lambda: annuli.plot_hidden_units(annuli.annuli_network(3, rng=0), X6[:, :2], Y6 + 1, resolution=5),
         ValueError, r"plot_hidden_units: y must lie in 0\.\.2 for 3 classes, got \[3"),
        (lambda: annuli.plot_hidden_units(annuli.annuli_network(3, rng=0), X6[:, :2], Y6, ncols=0,
                                          resolution=5),
         ValueError, "plot_hidden_units: ncols must be a positive integer")],
    ("annuli", "bayes_accuracy_monte_carlo"): [
        (lambda: annuli.bayes_accuracy_monte_carlo(0.1, n=0), ValueError,
         "make_annuli: n must be a positive")],
    ("annuli", "PlaygroundRun"): [
        (lambda: annuli.plot_playground({"model": mlp()}), TypeError,
         "plot_playground: run must be a PlaygroundRun instance")],
    ("annuli", "train_playground"): [
        (lambda: annuli.train_playground(hidden=2.5), TypeError, "annuli_network: hidden must be a positive"),
        (lambda: annuli.train_playground(lr=-1), ValueError, "SGD: lr must be a positive number, got -1"),
        (lambda: annuli.train_playground(epochs=0), ValueError, r"Learner\.fit: epochs must be a positive")],
    ("annuli", "plot_playground"): [
        (lambda: annuli.plot_playground(None), TypeError, "plot_playground: run must be a PlaygroundRun")],
    ("initialisation", "make_symmetric"): [
        (lambda: initialisation.make_symmetric(mlp()[:2]), ValueError,
         r"make_symmetric: model must have one hidden layer \(Affine, activation, Affine\)"),
        (lambda: initialisation.make_symmetric(Affine(2, 3)), TypeError,
         "make_symmetric: model must be a Model instance")],
    ("initialisation", "unit_spread"): [
        (lambda: initialisation.unit_spread(Model([Affine(2, 3, rng=0)])), ValueError,
         "unit_spread: model must have one hidden layer"),
        (lambda: initialisation.unit_spread("model"), TypeError, "unit_spread: model must be a Model")],
    ("initialisation", "RecordOutputs"): [
        (lambda: initialisation.RecordOutputs(np.full((2, 2), np.nan)), ValueError,
         "RecordOutputs: X holds 4 NaN")],
    ("initialisation", "deep_stack"): [
        (lambda: initialisation.deep_stack("softmax", "he"), ValueError,
         "deep_stack: activation must be one of"),
        (lambda: initialisation.deep_stack("relu", -1.0), ValueError,
         "deep_stack: scale must be 'xavier', 'he' or a positive number"),
        (lambda: initialisation.deep_stack("relu", "he", depth=0), ValueError,
         "deep_stack: depth must be a positive integer")],
    ("initialisation", "activation_stds"): [
        (lambda: initialisation.activation_stds(initialisation.deep_stack("relu", "he", depth=2, width=4,
                                                                           rng=0), X6), ValueError,
         r"activation_stds: X must have shape \(N, 4\) with N >= 2"),
        (lambda: initialisation.activation_stds(Model([Affine(6, 4, rng=0), Affine(4, 3, rng=1)]), X6),
         ValueError, r"activation_stds: model must be a stack \(Affine, activation, ..., Affine\)")],
    ("initialisation", "weight_gradient_norms"): [
        (lambda: initialisation.weight_gradient_norms(initialisation.deep_stack("tanh", "xavier", depth=2,
                                                                                 width=6, rng=0), X6, Y6 + 1),
         ValueError, r"weight_gradient_norms: y must lie in 0\.\.2 for 3 classes"),
        (lambda: initialisation.weight_gradient_norms(initialisation.deep_stack("tanh", "xavier", depth=2,
                                                                                 width=6, rng=0), X6, Y6[:3]),
         ValueError, "weight_gradient_norms: X and y must hold the same number")],
    ("embedding", "digit_pair"): [
        (lambda: embedding.digit_pair(3, LABELS), ValueError,
         r"digit_pair: images must be a batch \(N, H, W\)"),
        (lambda: embedding.digit_pair(IMAGES, LABELS[:4]), ValueError,
         "digit_pair: need .* 6 images, 4 labels"),
        (lambda: embedding.digit_pair(IMAGES, LABELS, 3, 3), ValueError,
         "digit_pair: need two different digits"),
        (lambda: embedding.digit_pair(IMAGES, LABELS, 4, 5), ValueError,
         "digit_pair: no image is labelled 4 or 5"),
        (lambda: embedding.digit_pair(IMAGES, LABELS, negative=-3), ValueError,
         "digit_pair: negative must be")],
    ("embedding", "split_at"): [
        (lambda: split_at(mlp(), 3), ValueError,
         r"split_at: k must be an integer in 1\.\.2 for a model of 3"),
        (lambda: split_at(mlp(), 1.5), TypeError, "split_at: k must be an integer")],
    ("embedding", "embed"): [
        (lambda: embedding.embed(mlp(), X6, batch_size=0), ValueError,
         "embed: batch_size must be a positive"),
        (lambda: embedding.embed(mlp(), X6[0]), ValueError, "embed: X must be a batch")],
    ("embedding", "head_probability"): [
        (lambda: embedding.head_probability(Sigmoid()), TypeError, "head_probability: head must be a Model")],
    ("embedding", "plot_embedding"): [
        (lambda: embedding.plot_embedding(np.sum, X6[:, :2], Y6 % 2, wrong=np.zeros(3, bool)), ValueError,
         r"plot_embedding: wrong must be a boolean mask of shape \(8,\)"),
        (lambda: embedding.plot_embedding("p", X6[:, :2], Y6 % 2), TypeError,
         "plot_embedding: prob must be")],
    ("embedding", "plot_sigmoid_surface"): [
        (lambda: embedding.plot_sigmoid_surface(np.sum, X6[:, :2], Y6 % 2, resolution=0), ValueError,
         "plot_sigmoid_surface: resolution must be a positive integer"),
        (lambda: embedding.plot_sigmoid_surface(np.sum, X6, Y6 % 2), ValueError,
         r"plot_sigmoid_surface: E must be points \(N, 2\)"),
        (lambda: embedding.plot_sigmoid_surface(np.sum, X6[:, :2], Y6), ValueError,
         r"plot_sigmoid_surface: y \(0 or 1\) must lie in 0\.\.1")],
    ("embedding", "compare_binary"): [
        (lambda: compare_binary(np.array([0, 1]), [np.array([0, 1])]), TypeError,
         "compare_binary: predictions must be a dict"),
        (lambda: compare_binary(np.array([0, 1, 2]), {}), ValueError,
         r"compare_binary: y_true \(0 or 1\) must lie"),
        (lambda: compare_binary(np.array([0, 1]), {"a": np.array([[0, 1]])}), ValueError,
         "compare_binary: 'a' has|compare_binary: the predictions of 'a'")],
    ("embedding", "image_losses"): [
        (lambda: embedding.image_losses(X6[:, :1], Y6[:, None]), ValueError,
         r"image_losses: expected logits z \(N, 1\) and labels y \(N, 1\) of 0 or 1"),
        (lambda: embedding.image_losses(X6[:, :2], X6[:, :1]), ValueError,
         r"image_losses: y \(the targets\) has shape \(8, 1\) but y_hat"),
        (lambda: embedding.image_losses(X6[:, :1] * np.nan, Y6[:, None] % 2), ValueError,
         "image_losses: y_hat .* holds 8 NaN")],
    ("optimisation", "quadratic_bowl"): [
        (lambda: optimisation.quadratic_bowl([1.0, -2.0]), ValueError,
         r"quadratic_bowl: curvatures must be a vector \(D,\) of positive numbers"),
        (lambda: optimisation.quadratic_bowl("a"), TypeError, "quadratic_bowl: curvatures must hold real")],
    ("optimisation", "descent_path"): [
        (lambda: optimisation.descent_path(None, [1.0], 0.1), TypeError, "descent_path: gradient must be a"),
        (lambda: optimisation.descent_path(lambda w: w, [[1.0]], 0.1), ValueError,
         r"descent_path: w0 must be a point \(D,\)"),
        (lambda: optimisation.descent_path(lambda w: w, [1.0], -0.1), ValueError,
         "SGD: lr must be a positive"),
        (lambda: optimisation.descent_path(lambda w: w, [1.0], 0.1, steps=0), ValueError,
         "descent_path: steps must be a positive integer"),
        (lambda: optimisation.descent_path(lambda w: w[:1], [1.0, 2.0], 0.1), ValueError,
         r"descent_path: gradient\(w\) has shape \(1,\) but w has \(2,\)")],
    ("optimisation", "steps_to_tolerance"): [
        (lambda: optimisation.steps_to_tolerance(np.zeros(3), 0.1), ValueError,
         "steps_to_tolerance: path must be a batch"),
        (lambda: optimisation.steps_to_tolerance(np.zeros((3, 2)), 0), ValueError,
         "steps_to_tolerance: tol must be a positive number"),
        (lambda: optimisation.steps_to_tolerance(np.zeros((3, 2)), 0.1, minimum=[0.0]), ValueError,
         r"steps_to_tolerance: minimum must be a point \(2,\)")],
    ("optimisation", "plot_descent_paths"): [
        (lambda: optimisation.plot_descent_paths("f", {"a": np.zeros((3, 2))}), TypeError,
         "plot_descent_paths: f must be a function"),
        (lambda: optimisation.plot_descent_paths(np.sum, [np.zeros((3, 2))]), TypeError,
         r"plot_descent_paths: paths must be a dict"),
        (lambda: optimisation.plot_descent_paths(np.sum, {"a": np.zeros((3, 3))}), ValueError,
         r"plot_descent_paths: paths\['a'\] must be points of the plane \(K, 2\)"),
        (lambda: optimisation.plot_descent_paths(np.sum, {"a": np.full((3, 2), np.inf)}), ValueError,
         r"plot_descent_paths: paths\['a'\] holds 6 NaN or infinite"),
        (lambda: optimisation.plot_descent_paths(np.sum, {"a": np.zeros((3, 2))}, levels=0), ValueError,
         "plot_descent_paths: levels must be a positive integer")],
    ("optimisation", "standardise"): [
        (lambda: optimisation.standardise(np.ones((5, 2))), ValueError,
         r"standardise: X_train's columns \[0, 1\] are constant"),
        (lambda: optimisation.standardise(X6, X6[:, :2]), ValueError,
         "standardise: others.0. has 2 columns but X_train has 6"),
        (lambda: optimisation.standardise(X6[0]), ValueError, "standardise: X_train must be a batch")],
    ("optimisation", "logistic_descent"): [
        (lambda: optimisation.logistic_descent(X6, Y6[:, None], 0.1, 3), ValueError,
         r"logistic_descent: y must be labels 0 or 1 of shape \(8, 1\)"),
        (lambda: optimisation.logistic_descent(X6, Y6[:3, None] % 2, 0.1, 3), ValueError,
         "logistic_descent: X and y must hold the same number"),
        (lambda: optimisation.logistic_descent(X6, Y6[:, None] % 2, 0.1, 0), ValueError,
         "logistic_descent: steps must be a positive integer")],
    ("experiments", "ExperimentLog"): [
        (lambda: experiments.ExperimentLog("weight_decay", ["val_acc"]), ValueError,
         "ExperimentLog: settings must be a non-empty list of distinct names"),
        (lambda: experiments.ExperimentLog(["weight_decay"], ["val_acc"]).add(weight_decay=0.1), ValueError,
         r"ExperimentLog.add: expected exactly .* missing \['val_acc'\]"),
        (lambda: experiments.ExperimentLog(["wd"], ["val_acc"]).choose_within_one_standard_error(
            "val_acc", 10, "wd"), ValueError, "choose_within_one_standard_error: the log is empty")],
    ("experiments", "EvaluateAtEnd"): [
        (lambda: experiments.EvaluateAtEnd(X6, Y6[:3]), ValueError,
         "EvaluateAtEnd: X and y must hold the same")],
    ("experiments", "standard_error"): [
        (lambda: experiments.standard_error(1.5, 10), ValueError,
         r"standard_error: accuracy must be a number in \[0, 1\]"),
        (lambda: experiments.standard_error(0.5, 0), ValueError,
         "standard_error: n must be a positive integer")],
    ("experiments", "mislabel"): [
        (lambda: experiments.mislabel(Y6, 1.5, 0, num_classes=3), ValueError,
         r"mislabel: wrong_fraction must be a number in \[0, 1\]"),
        (lambda: experiments.mislabel(Y6 + 3, 0.2, 0, num_classes=3), ValueError,
         r"mislabel: y must lie in 0\.\.2 for 3 classes"),
        (lambda: experiments.mislabel(Y6, 0.2, 0, num_classes=1), ValueError,
         "mislabel: num_classes must be an integer >= 2"),
        (lambda: experiments.mislabel(Y6, 0.2, -1, num_classes=3), ValueError,
         "mislabel: rng must be a np.random.Generator")],
    ("weights", "weight_images"): [
        (lambda: weights.weight_images(mlp(), (2, 3)), TypeError,
         "weight_images: layer must be a Affine instance"),
        (lambda: weights.weight_images(Affine(6, 2), (2, 2)), ValueError, "weight_images: .* has 6 inputs"),
        (lambda: weights.weight_images(Affine(6, 2), 6), ValueError,
         r"weight_images: shape must be \(height")],
    ("weights", "backward_projection"): [
        (lambda: weights.backward_projection(mlp(), np.eye(4)), ValueError,
         r"backward_projection: outputs must"),
        (lambda: weights.backward_projection(mlp(), [[1j, 0, 0]]), TypeError,
         "backward_projection: outputs must")],
    ("weights", "saliency"): [
        (lambda: weights.saliency(mlp(), X6, Y6 + 1), ValueError, r"saliency: classes must lie in 0\.\.2"),
        (lambda: weights.saliency(mlp(), X6, Y6[:3]), ValueError,
         "saliency: classes must be 8 class labels")],
    ("weights", "l2_penalty"): [
        (lambda: weights.l2_penalty(mlp(), -0.1), ValueError,
         "l2_penalty: weight_decay must be a number >= 0")],
    ("weights", "l2_gradients"): [
        (lambda: weights.l2_gradients(mlp(), "0.1"), TypeError,
         "l2_gradients: weight_decay must be a number")],
    ("weights", "l2_sweep"): [
        (lambda: weights.l2_sweep(mlp, [], X6, Y6, X6, Y6, CrossEntropy(), epochs=1, batch_size=2, lr=0.1),
         TypeError, "l2_sweep: build_model must be a function rng -> Model and weight_decays a non-empty"),
        (lambda: weights.l2_sweep(lambda rng: mlp(), [-1.0], X6, Y6, X6, Y6, CrossEntropy(), epochs=1,
                                  batch_size=2, lr=0.1),
         ValueError, "SGD: weight_decay must be a number >= 0, got -1.0"),
        (lambda: weights.l2_sweep(lambda rng: Affine(6, 3), [0.0], X6, Y6, X6, Y6, CrossEntropy(), epochs=1,
                                  batch_size=2, lr=0.1),
         TypeError, r"l2_sweep: build_model\(rng\) must be a Model")],
    ("weights", "unit_pattern"): [
        (lambda: weights.unit_pattern(mlp(), "unit", 5, (2, 3)), ValueError,
         r"unit_pattern: index must be an integer in 0\.\.4 \(5 units\), got 5"),
        (lambda: weights.unit_pattern(mlp(), "neuron", 0), ValueError, "unit_pattern: kind must be 'unit'")],
    ("weights", "top_activating"): [
        (lambda: weights.top_activating(mlp(), X6 * np.nan, "digit", 0), ValueError,
         "top_activating: X holds"),
        (lambda: weights.top_activating(mlp(), X6, np.array(["unit"]), 0), ValueError,
         "top_activating: kind must be 'unit'"),
        (lambda: weights.top_activating(mlp(), X6, "digit", -1), ValueError,
         r"top_activating: index must be"),
        (lambda: weights.top_activating(mlp(), X6, "digit", 0, k=0), ValueError,
         "top_activating: k must be")],
    ("weights", "plot_unit"): [
        (lambda: weights.plot_unit(mlp(), X6, "unit", 0, k=-2), ValueError,
         "plot_unit: k must be a positive")],
    ("adversarial", "input_gradient"): [
        (lambda: input_gradient(mlp(), CrossEntropy, X6, Y6), TypeError,
         "input_gradient: loss must be a Loss"),
        (lambda: input_gradient(mlp(), CrossEntropy(), X6[0], Y6), ValueError,
         "input_gradient: x must be a batch")],
    ("adversarial", "sign_step"): [
        (lambda: sign_step(X6, X6, np.nan), ValueError, "sign_step: eps must be a number .*got nan"),
        (lambda: sign_step(X6 * 1j, X6, 0.1), TypeError, "sign_step: x must hold real numbers, got complex"),
        (lambda: sign_step(X6, X6[:3], 0.1), ValueError,
         r"sign_step: gradient has shape \(3, 6\) but x has")],
    ("adversarial", "perceptron_input_gradient"): [
        (lambda: adversarial.perceptron_input_gradient(np.ones((6, 3)), np.ones(2), X6, np.ones((8, 3))),
         ValueError, r"perceptron_input_gradient: expected W \(D, C\), b \(C,\).*b \(2,\)")],
    ("adversarial", "targeted_attack"): [
        (lambda: targeted_attack(mlp(), X6, Y6, lam=1.0, lr=2.0), ValueError,
         r"targeted_attack: need lr \* lam < 2"),
        (lambda: targeted_attack(mlp(), X6, Y6, lam=0.1, steps=0), ValueError,
         "targeted_attack: steps must be"),
        (lambda: targeted_attack(mlp(), X6, Y6, lam=0.1, start=X6[:2]), ValueError,
         r"targeted_attack: start has shape \(2, 6\)")],
    ("adversarial", "fgsm"): [
        (lambda: fgsm(mlp(), CrossEntropy(), X6, Y6, eps=-0.1), ValueError,
         "fgsm: eps must be a number >= 0"),
        (lambda: fgsm(mlp(), CrossEntropy(), X6, Y6[:3], eps=0.1), ValueError,
         "CrossEntropy: 3 labels for 8")],
    ("adversarial", "fgsm_accuracy"): [
        (lambda: fgsm_accuracy(mlp(), CrossEntropy(), X6, Y6, [0.1, -0.1]), ValueError,
         r"fgsm_accuracy: epsilons must be a vector \(E,\) of numbers >= 0"),
        (lambda: fgsm_accuracy(mlp(), CrossEntropy(), X6, Y6[:2], [0.1]), ValueError,
         "fgsm_accuracy: X and y must hold the same number"),
        (lambda: fgsm_accuracy(mlp(), CrossEntropy(), X6, Y6, [0.1], batch_size=0), ValueError,
         "fgsm_accuracy: batch_size must be a positive integer")],
    ("adversarial", "attack_report"): [
        (lambda: adversarial.attack_report(None, X6, X6, Y6), TypeError,
         "attack_report: model must be a Model"),
        (lambda: adversarial.attack_report(mlp(), X6, X6 * np.nan, Y6), ValueError,
         "attack_report: x_adv holds 48 NaN"),
        (lambda: adversarial.attack_report(mlp(), X6, X6[:2], Y6), ValueError,
         r"attack_report: x_adv has shape \(2, 6\) but x_chosen has shape \(8, 6\)"),
        (lambda: adversarial.attack_report(mlp(), X6, X6, Y6 - 1), ValueError,
         "attack_report: target must lie in 0 or more")],
    ("adversarial", "transfer_accuracy"): [
        (lambda: adversarial.transfer_accuracy({"m": Affine(6, 3)}, CrossEntropy(), X6, Y6, 0.1), TypeError,
         r"transfer_accuracy: models\['m'\] must be a Model"),
        (lambda: adversarial.transfer_accuracy({"m": mlp()}, CrossEntropy(), X6, Y6, -0.1), ValueError,
         "transfer_accuracy: eps must be a number >= 0"),
        (lambda: adversarial.transfer_accuracy({"m": mlp()}, CrossEntropy(), X6, Y6[:3], 0.1), ValueError,
         "transfer_accuracy: "),
        (lambda: adversarial.transfer_accuracy({"m": mlp()}, CrossEntropy(), X6, Y6, 0.1, rng="a"), TypeError,
         "transfer_accuracy: rng must be")],
    ("adversarial", "with_softmax"): [
        (lambda: adversarial.with_softmax(Affine(2, 2)), TypeError, "with_softmax: model must be a Model")],
    ("adversarial", "adversarial_example"): [
        (lambda: adversarial_example(adversarial.with_softmax(mlp()), X6[0], 1, method=np.array(["e"])),
         ValueError,
         "adversarial_example: method must be 'lambda' or 'epsilon'"),
        (lambda: adversarial_example(mlp(), X6[0], 1), ValueError,
         "adversarial_example: the model must end with"),
        (lambda: adversarial_example(adversarial.with_softmax(mlp()), X6[:2], 1), ValueError,
         r"adversarial_example: x must be one image as a row \(D,\)"),
        (lambda: adversarial_example(adversarial.with_softmax(mlp()), X6[0], 1, method="e"), ValueError,
         "adversarial_example: method must be 'lambda' or 'epsilon'"),
        (lambda: adversarial_example(adversarial.with_softmax(mlp()), X6[0], 7, method="epsilon"), ValueError,
         r"CrossEntropy: y \(the labels\) must lie in 0\.\.2")],
    ("adversarial", "plot_adversarial"): [
        (lambda: adversarial.plot_adversarial(mlp(), X6[0], X6[1], 3, shape=(2, 3)), ValueError,
         r"plot_adversarial: target must be a class in 0\.\.2, got 3"),
        (lambda: adversarial.plot_adversarial(mlp(), X6[0], X6[1], 1, shape=(4, 4)), ValueError,
         r"plot_adversarial: shape must be \(height, width\) with 6 pixels, got \(4, 4\)"),
        (lambda: adversarial.plot_adversarial(mlp(), X6[0], X6[1, :3], 1), ValueError,
         r"plot_adversarial: x and x_adv must be images as rows \(D,\) of the same shape")],
}


def public_functions(module):
    return {name for name, obj in vars(module).items() if not name.startswith("_")
            and (inspect.isfunction(obj) or inspect.isclass(obj)) and obj.__module__ == module.__name__}


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__)
def test_every_public_function_of_the_lesson_modules_is_attacked(module):
    short = module.__name__.rsplit(".", 1)[1]
    assert {name for mod, name in BAD_CALLS if mod == short} == public_functions(module)


@pytest.mark.parametrize(("call", "error", "pattern"),
                         [case for cases in BAD_CALLS.values() for case in cases],
                         ids=[f"{name}-{i}" for (_, name), cases in BAD_CALLS.items()
                              for i in range(len(cases))])
def test_bad_call_raises_a_clear_error(call, error, pattern):
    with pytest.raises(error, match=pattern):
        call()
