"""A Learner runs the training loop; callbacks watch it and may act at fixed points.

The loop itself is four lines: forward, loss, backward, step. Everything else (recording the
history, measuring validation accuracy, drawing a progress bar, keeping the best weights) is a
``Callback`` whose hooks the Learner calls at the start and end of the fit, of every epoch and
of every batch. Every callback is called at every hook, whatever the others do or return.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from .data import DataLoader
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
        self.model, self.loss, self.optimizer = model, loss, optimizer
        self._history = History()
        self.callbacks: list[Callback] = [self._history, *callbacks]
        for cb in self.callbacks:
            if not isinstance(cb, Callback):
                raise TypeError(f"Learner: callbacks must derive from Callback, got {cb!r}")
        if progress:
            self.callbacks.append(ProgressBar())
        self.stop_training = False

    def fit(self, loader: DataLoader, epochs: int) -> dict[str, list[float]]:
        """Run ``epochs`` passes over ``loader``; return the history (lists, one entry per
        epoch, and per batch for ``batch_loss``), which grows over repeated fits."""
        if not isinstance(epochs, (int, np.integer)) or epochs < 1:
            raise ValueError(f"Learner.fit: epochs must be a positive integer, got {epochs!r}")
        self.loader, self.epochs, self.stop_training = loader, int(epochs), False
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
            getattr(cb, hook)(self)


def evaluate(model: Model, loss: Loss, X: np.ndarray, y: np.ndarray,
             batch_size: int = 1000) -> tuple[float, float]:
    """Mean loss and accuracy of ``model`` on (X, y), in batches to bound memory."""
    total_loss, correct = 0.0, 0
    for start in range(0, len(X), batch_size):
        xb, yb = X[start:start + batch_size], y[start:start + batch_size]
        y_hat = model(xb)
        total_loss += loss(y_hat, yb) * len(xb)
        correct += int(np.sum(loss.predict(y_hat) == _labels(yb)))
    return total_loss / len(X), correct / len(X)


def _labels(y: np.ndarray) -> np.ndarray:
    """Class labels (N,) from targets given as labels (N,), one column (N, 1) or one-hot (N, C)."""
    y = np.asarray(y)
    if y.ndim == 1:
        return y
    return y[:, 0].round().astype(np.int64) if y.shape[1] == 1 else y.argmax(axis=1)


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
        self._correct += int(np.sum(learner.loss.predict(learner.y_hat) == _labels(learner.yb)))
        self._seen += n

    def on_epoch_end(self, learner: Learner) -> None:
        self.history["loss"].append(self._sum_loss / self._seen)
        self.history["acc"].append(self._correct / self._seen)


class Evaluate(Callback):
    """At the end of every epoch, record loss and accuracy on (X, y) as ``{name}_loss`` and
    ``{name}_acc`` in the learner's history (e.g. ``val_loss``, ``val_acc``)."""

    def __init__(self, X: np.ndarray, y: np.ndarray, name: str = "val") -> None:
        self.X, self.y, self.name = X, y, name

    def on_epoch_end(self, learner: Learner) -> None:
        loss, acc = evaluate(learner.model, learner.loss, self.X, self.y)
        learner.history.setdefault(f"{self.name}_loss", []).append(loss)
        learner.history.setdefault(f"{self.name}_acc", []).append(acc)


class KeepBest(Callback):
    """Early stopping in hindsight: remember the parameters of the epoch with the lowest
    ``history[monitor]`` (e.g. the validation loss) and put them back when the fit ends.

    After the fit, ``best_epoch`` is that epoch, counted from 1.
    """

    def __init__(self, monitor: str = "val_loss") -> None:
        self.monitor = monitor
        self.best_epoch = 0
        self.best_value = np.inf
        self._best: dict[str, np.ndarray] = {}

    def on_epoch_end(self, learner: Learner) -> None:
        values = learner.history.get(self.monitor)
        if not values:
            raise KeyError(f"KeepBest: the history has no {self.monitor!r}; put KeepBest after "
                           "the callback that records it (e.g. Evaluate)")
        if values[-1] < self.best_value:
            self.best_value, self.best_epoch = values[-1], len(values)
            self._best = {name: p.copy() for name, p, _ in learner.model.parameters()}

    def on_fit_end(self, learner: Learner) -> None:
        for name, param, _ in learner.model.parameters():
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
