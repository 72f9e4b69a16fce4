"""Lesson 05's exercises: the L2 penalty of a model, its gradient, and an open task: settings
that cure the overfitting on noisy labels better than either of the lesson's cures alone.

The models of the cases have biases that must not count, depths and widths other than the
lesson's, and parameter gradients already filled by a backward pass (a penalty gradient must
not include them). In the lesson: ``exercises.l2_penalty.check(my_l2_penalty)`` and
``exercises.l2_gradients.check(my_l2_gradients)``; ``exercises.best_cure.check(my_settings)``
trains the lesson's network once (a few seconds) and measures it on images that neither the
lesson nor its choices have seen.
"""

from __future__ import annotations

import itertools
from numbers import Real
from typing import Any

import numpy as np

from nnlib import (
    SGD,
    Affine,
    CrossEntropy,
    DataLoader,
    Evaluate,
    KeepBest,
    Learner,
    Model,
    ReLU,
    Tanh,
    evaluate,
)

from .. import weights
from ..datasets import MNIST_DIR, _read_checksums, normalize_pixels, read_idx
from ..experiments import mislabel
from .checks import check_function
from .framework import Case, CheckResult, Exercise, Mistake, attempt


def _model(sizes: tuple[int, ...], seed: int, bias: float) -> Model:
    """A network with the given layer sizes, biases set to ``bias``, and the gradients of a
    cross-entropy on random data already computed (as they are after a training step)."""
    rng = np.random.default_rng(seed)
    layers = []
    for i, (d, m) in enumerate(itertools.pairwise(sizes)):
        layers += [Affine(d, m, rng=rng)] + ([ReLU() if i % 2 else Tanh()] if i < len(sizes) - 2 else [])
    model = Model(layers)
    for layer in model.layers:
        if "b" in layer.params:
            layer.params["b"][:] = bias
    loss = CrossEntropy()
    loss(model(rng.standard_normal((8, sizes[0]))), rng.integers(0, sizes[-1], 8))
    model.backward(loss.backward())
    return model


L2_CASES = (
    Case("a 5-4-3 network whose biases are 2, weight_decay = 0.1", (_model((5, 4, 3), 10, 2.0), 0.1)),
    Case("the same network, weight_decay = 0.001", (_model((5, 4, 3), 10, 2.0), 1e-3)),
    Case("a 6-5-4-2 network, weight_decay = 0.3", (_model((6, 5, 4, 2), 20, -1.0), 0.3)),
    Case("a single 7-2 layer, weight_decay = 0.5", (_model((7, 2), 30, 0.5), 0.5)),
)


def _weights(model: Model) -> list[np.ndarray]:
    return [p for _, p, _ in model.parameters() if p.ndim > 1]


l2_penalty = Exercise("l2_penalty", lambda answer: check_function(
    answer, weights.l2_penalty, L2_CASES, name="my_l2_penalty", mistakes=(
        Mistake("the biases were penalised too: only the weight matrices (ndim 2) count.",
                lambda model, weight_decay: sum(0.5 * weight_decay * np.sum(p**2)
                                                for _, p, _ in model.parameters())),
        Mistake("this is the norm ||W||, not its square.",
                lambda model, weight_decay: sum(0.5 * weight_decay * np.linalg.norm(W)
                                                for W in _weights(model))),
        Mistake("only the first layer's weights were counted: every weight matrix of the model "
                "counts.", lambda model, weight_decay: 0.5 * weight_decay * np.sum(_weights(model)[0] ** 2)),
        Mistake("absolute values make the L1 penalty; L2 squares.",
                lambda model, weight_decay: sum(0.5 * weight_decay * np.sum(np.abs(W))
                                                for W in _weights(model))),
    )), hints=(
    "model.parameters() yields (name, param, grad) for every parameter; a weight matrix is the "
    "one with two dimensions.",
    "For each weight matrix, square every entry and add them up; the penalty is weight_decay / 2 "
    "times the total over all weight matrices, as a single float.",
))

l2_gradients = Exercise("l2_gradients", lambda answer: check_function(
    answer, weights.l2_gradients, L2_CASES, name="my_l2_gradients", mistakes=(
        Mistake("the data gradient (the third item that model.parameters() yields) was added: "
                "this is the penalty's gradient alone; the optimiser adds the two.",
                lambda model, weight_decay: {n: (weight_decay * p if p.ndim > 1 else 0 * p) + g
                                             for n, p, g in model.parameters()}),
        Mistake("the biases got weight_decay * b: they are not in the penalty, so their gradient "
                "is zero.", lambda model, weight_decay: {n: weight_decay * p
                                                         for n, p, _ in model.parameters()}),
    )), hints=(
    "Differentiate (λ / 2) * w^2 for a single weight w (λ is weight_decay); a parameter that does "
    "not appear in the penalty has a gradient of zero.",
    "Return a dict with one entry per name that model.parameters() yields, each an array shaped "
    "like its parameter: weight_decay times the weights for a weight matrix, zeros for a bias.",
))


# --- An open task: settings that beat both cures on the noisy labels ---------------------------

CURE_TARGET, CURE_EPOCHS = 0.865, 50
CURE_SETTINGS = ("weight_decay", "epochs", "early_stopping")


def _spare_images() -> tuple[np.ndarray, np.ndarray]:
    """The 20,000 MNIST training images that the lesson's first part leaves out, as uint8 rows
    (20000, 784), and their labels, checked against their SHA-256 sums as every load is. Only
    these rows are kept (``read_idx(rows=...)``), so that the other 40,000 (and the test
    images) never fill the memory; and they are read again at every check (in about 0.2 s)."""
    sums, spare = _read_checksums(MNIST_DIR), slice(40_000, None)
    x, y = (read_idx(MNIST_DIR / name, sums[name], rows=spare)
            for name in ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"))
    return x.reshape(len(x), 784), y.astype(np.int64)


def _noisy_data() -> dict[str, np.ndarray]:
    """The lesson's overfitting data, drawn again with the lesson's seed: 2,000 training images
    with one label in five spoiled and the 5,000 validation images, scaled; and the other
    13,000 spare images, which the lesson never uses, to measure the result on (kept as uint8,
    and scaled a thousand at a time when they are measured)."""
    x, y = _spare_images()
    rng = np.random.default_rng(13)
    order = rng.permutation(len(y))
    y_train, spoiled = mislabel(y[order[:2000]], 0.2, rng, num_classes=10)
    train, val, fresh = order[:2000], order[2000:7000], order[7000:]
    return {"X_train": normalize_pixels(x[train]), "y_train": y_train, "spoiled": spoiled,
            "X_val": normalize_pixels(x[val]), "y_val": y[val], "x_fresh": x[fresh], "y_fresh": y[fresh]}


def _accuracy_in_chunks(model: Model, x: np.ndarray, y: np.ndarray, chunk: int = 1000) -> float:
    """The accuracy of ``model`` on uint8 images ``x``, scaled and measured ``chunk`` at a time."""
    correct = sum(int((model(normalize_pixels(x[i:i + chunk])).argmax(axis=1) == y[i:i + chunk]).sum())
                  for i in range(0, len(y), chunk))
    return correct / len(y)


def _cure_run(weight_decay: float, epochs: int, early_stopping: bool) -> dict[str, float | int]:
    """Train the lesson's 784-256-10 network on the noisy labels as its overfitting section does
    (seed 17, SGD with lr 0.05 and momentum 0.9, batches of 50), with the student's settings;
    early stopping is KeepBest on the validation loss. Returns the accuracies that decide, and
    how many labels are spoiled."""
    data = _noisy_data()
    rng = np.random.default_rng(17)
    model = Model([Affine(784, 256, rng=rng, dtype=np.float32), ReLU(),
                   Affine(256, 10, rng=rng, dtype=np.float32)])
    callbacks = []
    if early_stopping:  # KeepBest puts the weights of the lowest validation loss back at the end
        callbacks = [Evaluate(data["X_val"], data["y_val"], "val"), KeepBest("val_loss")]
    Learner(model, CrossEntropy(), SGD(0.05, momentum=0.9, weight_decay=weight_decay), callbacks=callbacks,
            progress=False).fit(DataLoader(data["X_train"], data["y_train"], 50, rng=rng), epochs)
    X, y, spoiled = data["X_train"], data["y_train"], data["spoiled"]
    return {"fresh": _accuracy_in_chunks(model, data["x_fresh"], data["y_fresh"]),
            "wrong_learned": evaluate(model, CrossEntropy(), X[spoiled], y[spoiled])[1],
            "right_fitted": evaluate(model, CrossEntropy(), X[~spoiled], y[~spoiled])[1],
            "spoiled": int(spoiled.sum())}


def _settings_problem(settings: Any) -> str | None:
    """What is wrong with the form of ``settings`` (before anything is trained), or None."""
    if settings is None or settings is ...:
        return "your settings are not given yet: a dict with weight_decay, epochs and early_stopping."
    if not isinstance(settings, dict) or set(settings) != set(CURE_SETTINGS):
        return ("your settings must be a dict with exactly the keys 'weight_decay', 'epochs' and "
                f"'early_stopping', got {settings!r}.")
    weight_decay, epochs, stop = (settings[key] for key in CURE_SETTINGS)
    if isinstance(weight_decay, (bool, np.bool_)) or not isinstance(weight_decay, (Real, np.floating)) \
            or not np.isfinite(weight_decay) or weight_decay < 0:
        return f"weight_decay must be a number >= 0 (the L2 strength; 0 for none), got {weight_decay!r}."
    if isinstance(epochs, (bool, np.bool_)) or not isinstance(epochs, (int, np.integer)) \
            or not 1 <= epochs <= CURE_EPOCHS:
        return f"epochs must be a whole number from 1 to {CURE_EPOCHS}, got {epochs!r}."
    if not isinstance(stop, (bool, np.bool_)):
        return f"early_stopping must be True or False, got {stop!r}."
    return None


def _check_cure(settings: Any) -> CheckResult:
    """Train once with ``settings`` and pass if the network reaches CURE_TARGET on the 13,000
    clean spare images that the lesson never uses (neither the validation nor the test set)."""
    problem = _settings_problem(settings)
    if problem:
        return CheckResult(False, problem)
    run = attempt(lambda: _cure_run(float(settings["weight_decay"]), int(settings["epochs"]),
                                    bool(settings["early_stopping"])), "training with your settings")
    if run.failure:
        return CheckResult(False, run.failure)
    fresh, wrong, right = (run.value[key] for key in ("fresh", "wrong_learned", "right_fitted"))
    if np.isfinite(fresh) and fresh >= CURE_TARGET:
        return CheckResult(True, f"your settings reach at least {100 * CURE_TARGET:.1f} % on 13,000 clean "
                                 "images that the lesson never used: more than either cure alone.")
    short = (f"your settings reach {100 * fresh:.1f} % on 13,000 clean images the lesson never used, "
             f"short of {100 * CURE_TARGET:.1f} %.")
    if not wrong < 0.25:
        return CheckResult(False, f"{short} The network learned {100 * wrong:.0f} % of the "
                                  f"{run.value['spoiled']} wrong training labels by heart: it overfits. "
                                  "Stop it earlier, or make large weights dearer.")
    if right < 0.95:
        cure = "Less L2, or more epochs to settle under it?" if settings["weight_decay"] > 0 else \
            "More epochs?"
        return CheckResult(False, f"{short} It fits only {100 * right:.0f} % of the training images whose "
                                  f"label is right: it underfits. {cure}")
    return CheckResult(False, f"{short} It learned few wrong labels ({100 * wrong:.0f} %) and fits "
                              f"{100 * right:.0f} % of the right ones: look at the validation curve "
                              "for a better place to stop, or try a weight_decay nearby.")


best_cure = Exercise("best_cure", _check_cure, hints=(
    "The lesson tried its two cures one at a time: early stopping, which undoes the memorising "
    "that comes late, and L2, which makes the weights it takes expensive. What did each of them "
    "leave undone, and do they exclude each other?",
    "Each cure alone falls short of the target. With early stopping on, try the strengths of the "
    "lesson's sweep and see which epoch KeepBest keeps; if the check says the network underfits, "
    "the penalty costs the right labels too.",
))
