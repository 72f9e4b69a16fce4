"""Learner and callbacks: every hook of every callback is called every time, whatever the others
return (seed 002's Kudzu skipped the rest once one returned None); history and evaluation."""

import numpy as np
import pytest

from nnlib.data import DataLoader
from nnlib.layers import Affine, Tanh
from nnlib.learner import Callback, Evaluate, Learner, evaluate
from nnlib.losses import CrossEntropy
from nnlib.model import Model
from nnlib.optim import SGD

from nncourse.datasets import make_xor

HOOKS = ["on_fit_start", "on_epoch_start", "on_batch_start", "on_batch_end", "on_epoch_end",
         "on_fit_end"]


class Recorder(Callback):
    """Counts its hook calls and returns ``value`` from each (None, False, True, a string)."""

    def __init__(self, value):
        self.value, self.calls = value, dict.fromkeys(HOOKS, 0)

    def __getattribute__(self, name):
        if name in HOOKS:
            def hook(learner):
                self.calls[name] += 1
                return self.value
            return hook
        return object.__getattribute__(self, name)


def small_problem(seed=0):
    X, y = make_xor(100, rng=seed)
    model = Model([Affine(2, 8, rng=seed), Tanh(), Affine(8, 2, rng=seed + 1)])
    return X, y, model


def test_every_hook_of_every_callback_is_called_whatever_they_return():
    X, y, model = small_problem()
    recorders = [Recorder(v) for v in (None, False, True, "stop", 0)]
    Learner(model, CrossEntropy(), SGD(0.1), recorders, progress=False).fit(
        DataLoader(X, y, 30, rng=0), epochs=3)
    batches = 3 * 4
    expected = {"on_fit_start": 1, "on_epoch_start": 3, "on_batch_start": batches,
                "on_batch_end": batches, "on_epoch_end": 3, "on_fit_end": 1}
    for rec in recorders:
        assert rec.calls == expected


def test_history_and_evaluate_callback():
    X, y, model = small_problem()
    learner = Learner(model, CrossEntropy(), SGD(0.2, momentum=0.9), [Evaluate(X, y, "train_full")],
                      progress=False)
    history = learner.fit(DataLoader(X, y, 25, rng=0), epochs=20)
    assert len(history["batch_loss"]) == 20 * 4
    assert len(history["loss"]) == len(history["acc"]) == len(history["train_full_acc"]) == 20
    # the epoch loss is the size-weighted mean of that epoch's batch losses
    assert history["loss"][0] == pytest.approx(np.mean(history["batch_loss"][:4]))
    assert history["train_full_acc"][-1] == evaluate(model, CrossEntropy(), X, y)[1]
    assert history["train_full_acc"][-1] > 0.95 and history["loss"][-1] < history["loss"][0]


def test_callbacks_can_stop_training():
    class StopAfterTwo(Callback):
        def on_epoch_end(self, learner):
            learner.stop_training = learner.epoch >= 1

    X, y, model = small_problem()
    stopper = Recorder(None)
    learner = Learner(model, CrossEntropy(), SGD(0.1), [StopAfterTwo(), stopper], progress=False)
    learner.fit(DataLoader(X, y, 50, rng=0), epochs=10)
    assert len(learner.history["loss"]) == 2 and stopper.calls["on_fit_end"] == 1


def test_progress_bar_on_and_off(capsys):
    X, y, model = small_problem()
    Learner(model, CrossEntropy(), SGD(0.1), progress=True).fit(DataLoader(X, y, 50), epochs=2)
    assert "epoch 2/2" in capsys.readouterr().err
    Learner(model, CrossEntropy(), SGD(0.1), progress=False).fit(DataLoader(X, y, 50), epochs=2)
    assert capsys.readouterr().err == ""


def test_training_is_reproducible():
    runs = []
    for _ in range(2):
        X, y, model = small_problem(seed=3)
        runs.append(Learner(model, CrossEntropy(), SGD(0.1), progress=False).fit(
            DataLoader(X, y, 10, rng=5), epochs=3)["batch_loss"])
    assert runs[0] == runs[1]


def test_bad_arguments():
    X, y, model = small_problem()
    with pytest.raises(TypeError, match="Callback"):
        Learner(model, CrossEntropy(), SGD(0.1), [print])
    with pytest.raises(ValueError, match="positive integer"):
        Learner(model, CrossEntropy(), SGD(0.1)).fit(DataLoader(X, y, 10), epochs=0)
