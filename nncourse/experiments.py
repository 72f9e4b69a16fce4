"""An experiment log (lesson 05): a table of training runs, the settings of each run and the
figures measured on it, filled as the runs are made, then sorted, chosen from and plotted; and
labels spoiled on purpose, as a careless annotator would, to make a network overfit.

The habit it supports: write every run down, the bad ones too, keep the figures that decide
(validation) beside the ones that are only reported (test), and choose from the table by a
rule fixed in advance, the one-standard-error rule, rather than by eye.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from nnlib import Callback, Learner, evaluate
from nnlib._validation import as_labels, as_pair, check_number, describe, make_rng, positive_int

from .plotstyle import LINE_COLOURS

MARKERS = ("o", "s", "^", "D", "v", "P", "X")


def standard_error(accuracy: float, n: int) -> float:
    """The standard error sqrt(p (1 - p) / n) of an accuracy p measured on n independent samples."""
    check_number(accuracy, "standard_error", "accuracy", "a number in [0, 1]", lambda v: 0 <= v <= 1)
    n = positive_int(n, "standard_error", "n")
    return float(np.sqrt(accuracy * (1 - accuracy) / n))


def mislabel(y: np.ndarray, wrong_fraction: float, rng: np.random.Generator | int, *,
             num_classes: int) -> tuple[np.ndarray, np.ndarray]:
    """Spoil labels as a careless annotator would: each label, with probability ``wrong_fraction``,
    is replaced by one of the other num_classes - 1 classes, each equally likely (adding 1 to
    C - 1 modulo C never gives the label back). ``y`` itself is left as it was.
    Returns (the new labels, True where a label was spoiled). Shapes: y (N,) -> (N,), (N,).
    """
    num_classes = int(check_number(num_classes, "mislabel", "num_classes", "an integer >= 2 (a label needs "
                                   "another class to be wrong)", lambda v: v >= 2, integer=True))
    y = as_labels(y, "mislabel", "y", num_classes)
    check_number(wrong_fraction, "mislabel", "wrong_fraction", "a number in [0, 1]", lambda v: 0 <= v <= 1)
    rng = make_rng(rng, "mislabel")
    spoiled = rng.random(len(y)) < wrong_fraction
    y_new = y.copy()
    y_new[spoiled] = (y[spoiled] + rng.integers(1, num_classes, spoiled.sum())) % num_classes
    return y_new, spoiled


class ExperimentLog:
    """A table of runs: one row per run, with a value for every setting and every figure.

    ``settings`` name what is fixed before a run (e.g. "weight_decay"), ``figures`` what is
    measured after it (e.g. "val_acc", "test_acc"). Both are fixed when the log is made, so every
    row has the same columns and a misspelt name is an error rather than a new column.
    """

    def __init__(self, settings: Sequence[str], figures: Sequence[str]) -> None:
        self.settings = _names(settings, "settings")
        self.figures = _names(figures, "figures")
        if both := set(self.settings) & set(self.figures):
            raise ValueError(f"ExperimentLog: {sorted(both)} cannot be both a setting and a figure")
        self.rows: list[dict[str, float | str]] = []

    def __len__(self) -> int:
        return len(self.rows)

    def __repr__(self) -> str:
        return f"ExperimentLog({len(self)} runs; settings {self.settings}, figures {self.figures})"

    def add(self, **values: float | str) -> dict[str, float | str]:
        """Record one run: a number or a string for every setting, a finite number for every figure."""
        missing = [k for k in (*self.settings, *self.figures) if k not in values]
        unknown = [k for k in values if k not in self.settings and k not in self.figures]
        if missing or unknown:
            raise ValueError(f"ExperimentLog.add: expected exactly the settings {self.settings} and the "
                             f"figures {self.figures}; missing {missing}, unknown {unknown}")
        row: dict[str, float | str] = {}
        for name in self.settings:
            row[name] = values[name] if isinstance(values[name], str) else check_number(
                values[name], "ExperimentLog.add", f"setting {name!r}", "a number or a string")
        for name in self.figures:
            row[name] = float(check_number(values[name], "ExperimentLog.add", f"figure {name!r}",
                                           "a finite number"))
        self.rows.append(row)
        return dict(row)

    def column(self, name: str) -> np.ndarray:
        """One setting or figure of every run, in the order the runs were added. Shapes: -> (runs,)."""
        self._check_name(name, "column", "name")
        return np.array([row[name] for row in self.rows])

    def table(self, sort_by: str | None = None, *, ascending: bool = False) -> pd.DataFrame:
        """The runs as a DataFrame, numbered from 1 in the order added, or sorted by ``sort_by``
        (largest first unless ``ascending``; ties keep the order of the runs)."""
        frame = pd.DataFrame(self.rows, columns=[*self.settings, *self.figures],
                             index=pd.RangeIndex(1, len(self) + 1, name="run"))
        if sort_by is None:
            return frame
        self._check_name(sort_by, "table", "sort_by")
        return frame.sort_values(sort_by, ascending=ascending, kind="stable")

    def choose_within_one_standard_error(self, figure: str, n: int, setting: str) -> dict[str, float | str]:
        """The one-standard-error rule: among the runs whose accuracy ``figure`` (measured on n
        held-out samples) is within one standard error of the best, the run with the largest
        ``setting`` (the most regularised, for an L2 strength). Returns a copy of its row."""
        who = "ExperimentLog.choose_within_one_standard_error"
        self._check_name(figure, "choose_within_one_standard_error", "figure")
        self._check_name(setting, "choose_within_one_standard_error", "setting")
        if not self.rows:
            raise ValueError(f"{who}: the log is empty; add runs first")
        if figure not in self.figures or setting not in self.settings:
            raise ValueError(f"{who}: figure must be one of the figures {self.figures} and setting one "
                             f"of the settings {self.settings}, got {figure!r} and {setting!r}")
        values, chosen_by = self.column(figure), self.column(setting)
        if chosen_by.dtype.kind not in "iuf":
            raise ValueError(f"{who}: setting {setting!r} must be numeric to take its largest value, "
                             f"got {chosen_by.tolist()}")
        best = float(values.max())
        within = values >= best - standard_error(best, n)  # checks that best is an accuracy
        return dict(self.rows[int(np.flatnonzero(within)[np.argmax(chosen_by[within])])])

    def plot(self, setting: str, figures: Sequence[str], *, ax: Axes | None = None,
             title: str = "Runs of the experiment log") -> Axes:
        """Each of ``figures`` against ``setting``, one colour and marker per figure. The runs are
        sorted by the setting and evenly spaced, labelled with its values, so that 0 and powers of
        ten sit side by side; runs sharing a value of the setting are averaged."""
        self._check_name(setting, "plot", "setting")
        figures = _names(figures, "figures", who="ExperimentLog.plot")
        for name in figures:
            self._check_name(name, "plot", "figures")
        if not self.rows:
            raise ValueError("ExperimentLog.plot: the log is empty; add runs first")
        means = self.table().groupby(setting, sort=True)[figures].mean()
        ax = plt.subplots(figsize=(6.4, 4.0))[1] if ax is None else ax
        positions = np.arange(len(means))
        for i, name in enumerate(figures):
            ax.plot(positions, means[name], marker=MARKERS[i % len(MARKERS)], ms=7,
                    color=LINE_COLOURS[i % len(LINE_COLOURS)], label=name)
        ax.set_xticks(positions, [f"{v:g}" if not isinstance(v, str) else v for v in means.index])
        ax.set(xlabel=f"{setting} (runs evenly spaced)", title=title)
        ax.legend()
        return ax

    def _check_name(self, name: object, method: str, what: str) -> None:
        if not isinstance(name, str) or name not in (*self.settings, *self.figures):
            raise ValueError(f"ExperimentLog.{method}: {what} must be one of the settings {self.settings} "
                             f"or the figures {self.figures}, got {describe(name)}")


class EvaluateAtEnd(Callback):
    """Measure the model on (X, y) once, when the fit ends: ``loss`` and ``acc`` afterwards.

    Listed before ``KeepBest``, it measures the last epoch's weights, before KeepBest puts the
    best epoch's back: the figures of the run that did not stop early.
    """

    def __init__(self, X: np.ndarray, y: np.ndarray) -> None:
        self.X, self.y = as_pair(X, y, "EvaluateAtEnd")
        self.loss = self.acc = float("nan")

    def on_fit_end(self, learner: Learner) -> None:
        self.loss, self.acc = evaluate(learner.model, learner.loss, self.X, self.y)


def _names(names: object, what: str, who: str = "ExperimentLog") -> list[str]:
    """A non-empty list of distinct strings (a single string is refused: its letters are no names)."""
    if isinstance(names, str) or not isinstance(names, Sequence) or not names or not all(
            isinstance(name, str) and name for name in names) or len(set(names)) != len(names):
        raise ValueError(f"{who}: {what} must be a non-empty list of distinct names (strings), "
                         f"got {describe(names)}")
    return list(names)
