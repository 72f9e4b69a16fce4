"""A Learner runs the training loop; callbacks watch it and may act at fixed points.

The loop itself is four lines: forward, loss, backward, step. Everything else (recording the
history, measuring validation accuracy, drawing a progress bar, keeping the best weights) is a
``Callback`` whose hooks the Learner calls at the start and end of the fit, of every epoch and
of every batch. Every callback is called at every hook, whatever the others do or return.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from ._validation import as_pair, check_instance, describe, positive_int
from .data import DataLoader, batches
from .losses import Loss
from .model import Model
from .optim import SGD


class Learner:
    """Train ``model`` on ``loss`` with ``optimizer``.

    A ``History`` callback is always attached first (``learner.history``); a ``ProgressBar`` is
    attached last unless ``progress=False``. During a fit, callbacks can read ``epoch``, ``xb``,
    ``yb``, ``y_hat`` and ``batch_loss``, and set ``stop_training = True`` to end the fit after
    the current epoch.
    """

    def __init__(self, model: Model, loss: Loss, optimizer: SGD,
                 callbacks: Iterable[Callback] = (), *, progress: bool = True) -> None:
        for arg, cls, what in ((model, Model, "model"), (loss, Loss, "loss"), (optimizer, SGD, "optimizer")):
            check_instance(arg, cls, "Learner", what)
        if callbacks is None or isinstance(callbacks, Callback):  # none, one, or a list of them
            callbacks = [] if callbacks is None else [callbacks]
        self.model, self.loss, self.optimizer = model, loss, optimizer
        self._history = History()
        self.callbacks: list[Callback] = [self._history, *callbacks]
        for i, cb in enumerate(self.callbacks[1:]):
            check_instance(cb, Callback, "Learner", f"callbacks[{i}]")
        if progress:
            self.callbacks.append(ProgressBar())
        self.stop_training = False

    def fit(self, loader: DataLoader, epochs: int) -> dict[str, list[float]]:
        """Run ``epochs`` passes over ``loader``; return the history (lists, one entry per
        epoch, and per batch for ``batch_loss``), which grows over repeated fits."""
        if not isinstance(loader, DataLoader):  # fit(X, y), for instance
            raise TypeError(f"Learner.fit: loader must be a DataLoader, got {describe(loader)}")
        self.loader, self.stop_training = loader, False
        self.epochs = positive_int(epochs, "Learner.fit", "epochs")
        self._call("on_fit_start")
        for epoch in range(self.epochs):
            self.epoch = epoch
            self._call("on_epoch_start")
            for xb, yb in loader:
                self.xb, self.yb = xb, yb
                self._call("on_batch_start")
                self.y_hat = self.model(self.xb)
                self.batch_loss = self.loss(self.y_hat, self.yb)
                self.model.backward(self.loss.backward(), input_grad=False)
                self.optimizer.step(self.model)
                self._call("on_batch_end")
            self._call("on_epoch_end")
            if self.stop_training:
                break
        self._call("on_fit_end")
        return self.history

    @property
    def history(self) -> dict[str, list[float]]:
        return self._history.history

    def _call(self, hook: str) -> None:
        for cb in self.callbacks:
            try:
                getattr(cb, hook)(self)
            except Exception as err:  # the traceback then names the callback
                err.add_note(f"(raised in the callback {type(cb).__name__}.{hook})")
                raise


def evaluate(model: Model, loss: Loss, X: np.ndarray, y: np.ndarray,
             batch_size: int = 1000) -> tuple[float, float]:
    """Mean loss and accuracy (``loss.count_correct``) of ``model`` on (X, y), in batches to
    bound memory. Shapes: X (N, D), y as ``loss`` takes it."""
    check_instance(model, Model, "evaluate", "model")
    check_instance(loss, Loss, "evaluate", "loss")
    X, y = as_pair(X, y, "evaluate")
    batch_size = positive_int(batch_size, "evaluate", "batch_size")
    total_loss, correct = 0.0, 0
    for xb, yb in zip(batches(X, batch_size), batches(y, batch_size), strict=True):
        y_hat = model(xb)
        total_loss += loss(y_hat, yb) * len(xb)
        correct += loss.count_correct(y_hat, yb)
    return total_loss / len(X), correct / len(X)


class Callback:
    """Base class with a no-op method for every hook; override the ones you need."""

    def on_fit_start(self, learner: Learner) -> None: ...
    def on_epoch_start(self, learner: Learner) -> None: ...
    def on_batch_start(self, learner: Learner) -> None: ...
    def on_batch_end(self, learner: Learner) -> None: ...
    def on_epoch_end(self, learner: Learner) -> None: ...
    def on_fit_end(self, learner: Learner) -> None: ...


class History(Callback):
    """Records ``batch_loss`` (every batch) and ``loss`` and ``acc`` (training, every epoch).

    The epoch figures are averages over the batches of the epoch, measured as the model changed
    during it: cheap, and close to (usually a little worse than) a full pass at the epoch's end.
    """

    def __init__(self) -> None:
        self.history: dict[str, list[float]] = {"batch_loss": [], "loss": [], "acc": []}

    def on_epoch_start(self, learner: Learner) -> None:
        self._sum_loss, self._correct, self._seen = 0.0, 0, 0

    def on_batch_end(self, learner: Learner) -> None:
        n = len(learner.xb)
        self.history["batch_loss"].append(learner.batch_loss)
        self._sum_loss += learner.batch_loss * n
        self._correct += learner.loss.count_correct(learner.y_hat, learner.yb)
        self._seen += n

    def on_epoch_end(self, learner: Learner) -> None:
        self.history["loss"].append(self._sum_loss / self._seen)
        self.history["acc"].append(self._correct / self._seen)


class Evaluate(Callback):
    """At the end of every epoch, record loss and accuracy on (X, y) as ``{name}_loss`` and
    ``{name}_acc`` in the learner's history (e.g. ``val_loss``, ``val_acc``)."""

    def __init__(self, X: np.ndarray, y: np.ndarray, name: str = "val") -> None:
        (self.X, self.y), self.name = as_pair(X, y, "Evaluate"), name

    def on_epoch_end(self, learner: Learner) -> None:
        loss, acc = evaluate(learner.model, learner.loss, self.X, self.y)
        learner.history.setdefault(f"{self.name}_loss", []).append(loss)
        learner.history.setdefault(f"{self.name}_acc", []).append(acc)


class KeepBest(Callback):
    """Early stopping in hindsight: remember the parameters of the epoch with the lowest
    ``history[monitor]`` (e.g. the validation loss), or the highest for an accuracy (a name
    ending in ``acc``), and put them back when the fit ends.

    After the fit, ``best_epoch`` is that epoch, counted from 1. Given to a new Learner, it
    starts afresh: the best of another model is forgotten, never copied in.
    """

    def __init__(self, monitor: str = "val_loss") -> None:
        self.monitor, self._learner, self.best_epoch = monitor, None, 0
        self._sign = -1.0 if str(monitor).endswith("acc") else 1.0  # lower is better, times _sign
        self.best_value = self._sign * np.inf

    def on_fit_start(self, learner: Learner) -> None:
        if learner is not self._learner:  # repeated fits of one learner share its history
            self._learner, self.best_epoch, self.best_value = learner, 0, self._sign * np.inf
            self._best: dict[str, np.ndarray] = {}

    def on_epoch_end(self, learner: Learner) -> None:
        values = learner.history.get(self.monitor)
        if not values:
            raise KeyError(f"KeepBest: the history has no {self.monitor!r}; put KeepBest after "
                           "the callback that records it (e.g. Evaluate)")
        if self._sign * values[-1] < self._sign * self.best_value:  # False for NaN
            self.best_value, self.best_epoch = values[-1], len(values)
            self._best = {name: p.copy() for name, p, _ in learner.model.parameters()}

    def on_fit_end(self, learner: Learner) -> None:
        for name, param, _ in learner.model.parameters():
            if name in self._best:  # nothing was kept if every value was NaN
                param[...] = self._best[name]


class ProgressBar(Callback):
    """A tqdm progress bar over all the batches of the fit, showing the latest epoch's figures.

    tqdm is imported here, when a fit starts, so that importing nnlib needs NumPy alone."""

    def on_fit_start(self, learner: Learner) -> None:
        from tqdm.auto import tqdm

        self.bar = tqdm(total=learner.epochs * len(learner.loader), unit="batch", leave=True)

    def on_epoch_start(self, learner: Learner) -> None:
        self.bar.set_description(f"epoch {learner.epoch + 1}/{learner.epochs}", refresh=False)

    def on_batch_end(self, learner: Learner) -> None:
        self.bar.update(1)

    def on_epoch_end(self, learner: Learner) -> None:
        self.bar.set_postfix({k: f"{v[-1]:.4g}" for k, v in learner.history.items()
                              if k != "batch_loss" and v}, refresh=False)

    def on_fit_end(self, learner: Learner) -> None:
        self.bar.close()
