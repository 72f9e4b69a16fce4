"""Tests of nncourse.experiments: the experiment log of lesson 05 (its table, its one-standard-
error choice, its plot), the standard error of an accuracy, and the EvaluateAtEnd callback."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from nnlib import SGD, Affine, CrossEntropy, DataLoader, Evaluate, KeepBest, Learner, Model, ReLU
from nnlib import evaluate as nnlib_evaluate

from nncourse.experiments import EvaluateAtEnd, ExperimentLog, standard_error


def sweep_log(val_accs, weight_decays=(0.0, 1e-3, 1e-2, 1e-1)):
    log = ExperimentLog(["weight_decay"], ["val_acc", "test_acc"])
    for wd, acc in zip(weight_decays, val_accs, strict=True):
        log.add(weight_decay=wd, val_acc=acc, test_acc=acc - 0.01)
    return log


def one_run(val_acc=0.8):
    return sweep_log([val_acc], (0.0,))


def test_standard_error_is_that_of_a_binomial_proportion():
    assert standard_error(0.9, 10_000) == pytest.approx(0.003)
    assert standard_error(0.5, 100) == pytest.approx(0.05)
    assert standard_error(1.0, 50) == 0.0
    rng = np.random.default_rng(0)  # the spread of measured accuracies of a classifier right 90 % of the time
    measured = rng.binomial(2000, 0.9, size=20_000) / 2000
    assert measured.std() == pytest.approx(standard_error(0.9, 2000), rel=0.03)


def test_the_log_keeps_one_row_per_run_in_order():
    log = sweep_log([0.80, 0.82, 0.85, 0.70])
    assert len(log) == 4 and "4 runs" in repr(log)
    np.testing.assert_array_equal(log.column("weight_decay"), [0.0, 1e-3, 1e-2, 1e-1])
    np.testing.assert_allclose(log.column("test_acc"), [0.79, 0.81, 0.84, 0.69])
    table = log.table()
    assert list(table.columns) == ["weight_decay", "val_acc", "test_acc"]
    assert list(table.index) == [1, 2, 3, 4]
    row = log.add(weight_decay=0.5, val_acc=0.5, test_acc=0.4)
    row["val_acc"] = 0.0  # the returned row is a copy
    assert log.rows[-1]["val_acc"] == 0.5 and len(log) == 5


def test_the_table_sorts_best_first_and_keeps_ties_in_run_order():
    log = sweep_log([0.80, 0.85, 0.85, 0.70])
    assert list(log.table(sort_by="val_acc").index) == [2, 3, 1, 4]
    assert list(log.table(sort_by="val_acc", ascending=True).index) == [4, 1, 2, 3]
    assert list(log.table(sort_by="weight_decay").index) == [4, 3, 2, 1]


def test_settings_may_be_strings_and_figures_are_floats():
    log = ExperimentLog(["optimiser", "epochs"], ["val_acc"])
    log.add(optimiser="sgd", epochs=np.int64(3), val_acc=np.float32(0.5))
    assert log.rows == [{"optimiser": "sgd", "epochs": 3, "val_acc": 0.5}]
    assert isinstance(log.rows[0]["val_acc"], float)


def test_one_standard_error_rule_keeps_the_most_regularised_run_within_reach_of_the_best():
    # best 0.85 on n = 1000: one standard error is 0.0113, so 0.84 is within it and 0.83 is not
    log = sweep_log([0.83, 0.85, 0.84, 0.70])
    assert log.choose_within_one_standard_error("val_acc", 1000, "weight_decay")["weight_decay"] == 1e-2
    # on n = 100 000 the standard error is 0.0011: only the best run itself is within it
    assert log.choose_within_one_standard_error("val_acc", 100_000, "weight_decay")["weight_decay"] == 1e-3
    # the largest setting within reach, wherever it was added in the log
    shuffled = sweep_log([0.70, 0.845, 0.85, 0.83], weight_decays=(1e-1, 1e-2, 1e-3, 0.0))
    assert shuffled.choose_within_one_standard_error("val_acc", 1000, "weight_decay")["weight_decay"] == 1e-2
    # a best run that is also the most regularised is chosen; the row is a copy
    top = sweep_log([0.5, 0.6, 0.7, 0.9])
    chosen = top.choose_within_one_standard_error("val_acc", 10, "weight_decay")
    assert chosen == {"weight_decay": 1e-1, "val_acc": 0.9, "test_acc": pytest.approx(0.89)}
    chosen["val_acc"] = 0.0
    assert top.rows[-1]["val_acc"] == 0.9


def test_the_plot_draws_each_figure_against_the_evenly_spaced_setting():
    log = sweep_log([0.80, 0.82, 0.85, 0.70], weight_decays=(1e-1, 0.0, 1e-2, 1e-3))
    log.add(weight_decay=1e-2, val_acc=0.87, test_acc=0.86)  # a repeated run: the mean is drawn
    ax = log.plot("weight_decay", ["val_acc", "test_acc"], title="two figures")
    assert [t.get_text() for t in ax.get_xticklabels()] == ["0", "0.001", "0.01", "0.1"]
    val, test = ax.lines
    np.testing.assert_allclose(val.get_ydata(), [0.82, 0.70, 0.86, 0.80])
    np.testing.assert_allclose(test.get_ydata(), [0.81, 0.69, 0.85, 0.79])
    assert val.get_marker() != test.get_marker() and val.get_color() != test.get_color()
    assert ax.get_title() == "two figures" and "weight_decay" in ax.get_xlabel()
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["val_acc", "test_acc"]
    plt.close(ax.figure)


def test_evaluate_at_end_measures_the_last_epoch_before_keep_best_restores_the_best():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((200, 5))
    y = (X[:, 0] + 0.5 * X[:, 1] > 0).astype(np.int64)
    X_val, y_val = X[:50], 1 - y[:50]  # labels flipped: the validation set prefers the worst epoch
    model = Model([Affine(5, 8, rng=1), ReLU(), Affine(8, 2, rng=2)])
    at_end, keep_best = EvaluateAtEnd(X, y), KeepBest("val_acc")
    history = Learner(model, CrossEntropy(), SGD(0.1), [Evaluate(X_val, y_val), at_end, keep_best],
                      progress=False).fit(DataLoader(X, y, 20, rng=3), 6)
    assert keep_best.best_epoch < 6
    restored = nnlib_evaluate(model, CrossEntropy(), X, y)
    assert at_end.acc > restored[1] and at_end.loss < restored[0]
    assert at_end.acc == pytest.approx(history["acc"][-1], abs=0.1)  # the trained model, not the start
    # without KeepBest it measures the model the fit leaves
    plain = EvaluateAtEnd(X, y)
    Learner(model, CrossEntropy(), SGD(0.1), [plain], progress=False).fit(DataLoader(X, y, 20, rng=3), 1)
    assert (plain.loss, plain.acc) == nnlib_evaluate(model, CrossEntropy(), X, y)
    assert np.isnan(EvaluateAtEnd(X, y).acc)  # nothing measured before a fit


@pytest.mark.parametrize(("call", "error", "pattern"), [
    (lambda: ExperimentLog("weight_decay", ["val_acc"]), ValueError,
     "ExperimentLog: settings must be a non-empty list of distinct names"),
    (lambda: ExperimentLog(["a", "a"], ["val_acc"]), ValueError,
     "ExperimentLog: settings must be .*distinct"),
    (lambda: ExperimentLog(["a"], []), ValueError, "ExperimentLog: figures must be a non-empty list"),
    (lambda: ExperimentLog(["a", 3], ["b"]), ValueError, "ExperimentLog: settings must be"),
    (lambda: ExperimentLog(["a"], ["a"]), ValueError, r"ExperimentLog: \['a'\] cannot be both"),
    (lambda: one_run().add(weight_decay=0.1, val_acc=0.8), ValueError,
     r"ExperimentLog.add: expected exactly .* missing \['test_acc'\], unknown \[\]"),
    (lambda: one_run().add(weight_decay=0.1, val_acc=0.8, test_acc=0.7, tets_acc=0.7), ValueError,
     r"ExperimentLog.add: .*unknown \['tets_acc'\]"),
    (lambda: one_run().add(weight_decay=0.1, val_acc=np.nan, test_acc=0.7), ValueError,
     "ExperimentLog.add: figure 'val_acc' must be a finite number, got nan"),
    (lambda: one_run().add(weight_decay=0.1, val_acc=[0.8], test_acc=0.7), TypeError,
     "ExperimentLog.add: figure 'val_acc' must be a finite number, got"),
    (lambda: one_run().add(weight_decay=True, val_acc=0.8, test_acc=0.7), TypeError,
     "ExperimentLog.add: setting 'weight_decay' must be a number or a string, got True"),
    (lambda: one_run().column("val_accuracy"), ValueError,
     "ExperimentLog.column: name must be one of the settings .* got 'val_accuracy'"),
    (lambda: one_run().table(sort_by="lr"), ValueError, "ExperimentLog.table: sort_by must be one of"),
    (lambda: ExperimentLog(["wd"], ["val_acc"]).choose_within_one_standard_error("val_acc", 10, "wd"),
     ValueError, "ExperimentLog.choose_within_one_standard_error: the log is empty"),
    (lambda: one_run().choose_within_one_standard_error("weight_decay", 10, "val_acc"), ValueError,
     "choose_within_one_standard_error: figure must be one of the figures"),
    (lambda: one_run().choose_within_one_standard_error("val_acc", 0, "weight_decay"), ValueError,
     "standard_error: n must be a positive integer, got 0"),
    (lambda: one_run(80.0).choose_within_one_standard_error("val_acc", 10, "weight_decay"), ValueError,
     r"standard_error: accuracy must be a number in \[0, 1\], got 80.0"),
    (lambda: one_run().plot("weight_decay", "val_acc"), ValueError,
     "ExperimentLog.plot: figures must be a non-empty list"),
    (lambda: one_run().plot("weight_decay", ["val_ac"]), ValueError,
     "ExperimentLog.plot: figures must be one of"),
    (lambda: ExperimentLog(["wd"], ["val_acc"]).plot("wd", ["val_acc"]), ValueError,
     "ExperimentLog.plot: the log is empty"),
    (lambda: standard_error(0.5, 2.5), TypeError, "standard_error: n must be a positive integer, got 2.5"),
    (lambda: EvaluateAtEnd(np.ones((3, 2)), np.ones(2)), ValueError,
     "EvaluateAtEnd: X and y must hold the same number"),
])
def test_bad_input_names_the_function_the_argument_and_what_it_expects(call, error, pattern):
    with pytest.raises(error, match=pattern):
        call()


def test_choosing_on_a_string_setting_is_refused():
    log = ExperimentLog(["optimiser"], ["val_acc"])
    log.add(optimiser="sgd", val_acc=0.8)
    with pytest.raises(ValueError, match="setting 'optimiser' must be numeric"):
        log.choose_within_one_standard_error("val_acc", 100, "optimiser")


def test_mislabel_spoils_the_given_share_with_another_class_each_equally_likely():
    from nncourse.experiments import mislabel

    y = np.arange(30_000) % 10
    y_new, spoiled = mislabel(y, 0.2, 13, num_classes=10)
    assert (y == np.arange(30_000) % 10).all()            # the labels given are left as they were
    assert abs(spoiled.mean() - 0.2) < 0.01
    assert (y_new[spoiled] != y[spoiled]).all() and (y_new[~spoiled] == y[~spoiled]).all()
    shift = (y_new[spoiled] - y[spoiled]) % 10            # 1..9, each about a ninth of the time
    assert set(np.unique(shift)) == set(range(1, 10))
    assert np.abs(np.bincount(shift, minlength=10)[1:] / spoiled.sum() - 1 / 9).max() < 0.01
    same, again = mislabel(y, 0.2, np.random.default_rng(13), num_classes=10)
    assert (same == y_new).all() and (again == spoiled).all()      # a seed or its generator: one draw
    assert not mislabel(y, 0.0, 1, num_classes=10)[1].any() and mislabel(y, 1.0, 1, num_classes=10)[1].all()


@pytest.mark.parametrize("call, error, pattern", [
    (lambda m: m([0, 1, 2], 1.5, 0, num_classes=3), ValueError,
     r"wrong_fraction must be a number in \[0, 1\]"),
    (lambda m: m([0, 1, 2], float("nan"), 0, num_classes=3), ValueError, "wrong_fraction"),
    (lambda m: m([0, 1, 3], 0.2, 0, num_classes=3), ValueError, r"y must lie in 0..2 for 3 classes"),
    (lambda m: m([0, 1, 2], 0.2, -1, num_classes=3), ValueError, "mislabel: rng must be"),
    (lambda m: m([0, 1, 2], 0.2, 0, num_classes=2.5), TypeError, "num_classes must be an integer >= 2"),
    (lambda m: m([0, 0, 0], 0.2, 0, num_classes=1), ValueError, "num_classes must be an integer >= 2"),
])
def test_mislabel_names_the_argument_it_refuses(call, error, pattern):
    from nncourse.experiments import mislabel

    with pytest.raises(error, match=pattern):
        call(mislabel)
