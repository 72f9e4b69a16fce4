"""Explorers: sliders over a lesson's network, redrawing a figure at every change.

Each explorer is a thin ipywidgets layer over plain functions of the lesson's own module
(``annuli``, ``perceptron``, ``weights``, ``adversarial``):
the controls' values go in, a matplotlib Figure comes out and is shown as a PNG image. The
logic (training, attacks, plots) is tested without a browser; an explorer only wires it up.
Errors raised while redrawing appear under the figure (an ``Output`` widget) rather than
vanishing into the browser's log.

Where they appear: lesson 01 ``LearningRateExplorer``, lesson 03 ``AnnuliPlayground``, lesson
05 ``WeightExplorer``, lesson 06 ``AdversarialExplorer``. In each lesson the widget cell is
tagged ``nbval-ignore-output`` and follows a static figure of the default settings, drawn by
the same plain function, so that a reader on GitHub and nbval see a result; no widget state is
saved. Those static cells end in an assignment (``fig = ...``), not in a call silenced by
``;``: nbval then records some figures twice.
"""

from __future__ import annotations

import io
import time
from collections.abc import Callable

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from nnlib import Model
from nnlib._validation import check_instance

from .adversarial import adversarial_example, plot_adversarial, with_softmax
from .annuli import ACTIVATIONS, PlaygroundRun, plot_playground, train_playground
from .perceptron import perceptron_run, plot_learning_curves
from .plotstyle import FIGURE_DPI, PNG_DPI
from .weights import plot_unit


def figure_png(fig: Figure) -> bytes:
    """The figure as PNG bytes at twice its screen resolution (sharp on a HiDPI screen or a
    projector, like the lessons' retina figures); the figure is closed afterwards."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=PNG_DPI)
    plt.close(fig)
    return buffer.getvalue()


SLIDER = {"continuous_update": False, "style": {"description_width": "initial"}}


class Explorer(widgets.VBox):
    """Controls on top, the figure below. ``draw(fig, **values)`` fills a fresh Figure from the
    controls' current values; every change of a control calls it again.

    ``controls`` maps each keyword of ``draw`` to its widget; ``redraws`` counts the figures
    drawn and ``seconds`` is how long the last one took (compute and PNG).
    """

    def __init__(self, controls: dict[str, widgets.ValueWidget],
                 draw: Callable[..., None], figsize: tuple[float, float]) -> None:
        self.controls, self._draw, self._figsize = controls, draw, figsize
        # shown at the figure's size on screen, whatever the PNG's resolution
        self.image = widgets.Image(format="png", width=int(figsize[0] * FIGURE_DPI))
        self.errors = widgets.Output()
        self.redraws, self.seconds, self._paused = 0, 0.0, False
        super().__init__([widgets.HBox(list(controls.values()),
                                       layout=widgets.Layout(flex_flow="row wrap")),
                          self.image, self.errors])
        for control in controls.values():
            control.observe(self._on_change, names="value")
        self.redraw()

    def _on_change(self, change: dict) -> None:
        if self._paused:
            return
        with self.errors:  # in a notebook, a traceback shows up here; elsewhere it propagates
            if self.errors.outputs:  # the frontend syncs what it shows back to the kernel
                self.errors.clear_output()
            self.redraw()

    def redraw(self) -> None:
        start = time.perf_counter()
        fig = Figure(figsize=self._figsize, dpi=FIGURE_DPI)
        self._draw(fig, **{name: control.value for name, control in self.controls.items()})
        self.image.value = figure_png(fig)
        self.redraws += 1
        self.seconds = time.perf_counter() - start


class AnnuliPlayground(Explorer):
    """Lesson 03: retrain a 2-H-3 network on the annuli at every change of its settings and
    show its decision regions and loss curves (``train_playground`` and ``plot_playground``)."""

    def __init__(self, hidden: int = 3, activation: str = "tanh", lr: float = 0.3,
                 noise: float = 0.1, epochs: int = 40, *, seed: int = 0) -> None:
        self.seed = seed
        self.run: PlaygroundRun | None = None
        controls = {
            "hidden": widgets.IntSlider(value=hidden, min=1, max=16, description="hidden units", **SLIDER),
            "activation": widgets.Dropdown(options=list(ACTIVATIONS), value=activation,
                                           description="activation"),
            "lr": widgets.FloatLogSlider(value=lr, base=10, min=-3, max=1, step=0.25,
                                         description="learning rate", **SLIDER),
            "noise": widgets.FloatSlider(value=noise, min=0.02, max=0.3, step=0.01, description="noise",
                                         **SLIDER),
            "epochs": widgets.IntSlider(value=epochs, min=5, max=150, step=5, description="epochs",
                                        **SLIDER),
        }
        super().__init__(controls, self._train_and_plot, (10, 4.4))

    def _train_and_plot(self, fig: Figure, **settings) -> None:
        self.run = train_playground(**settings, seed=self.seed)
        plot_playground(self.run, fig=fig)


class LearningRateExplorer(Explorer):
    """Lesson 01: a softmax perceptron trained on the first ``n_train`` images with the chosen
    learning rate and batch size, its validation curves beside those of a reference run."""

    def __init__(self, X_train: np.ndarray, y_train: np.ndarray, X_val: np.ndarray,
                 y_val: np.ndarray, *, lr: float = 0.5, batch_size: int = 100, epochs: int = 5,
                 n_train: int = 5000, n_val: int = 2000, seed: int = 0) -> None:
        self.data = (X_train[:n_train], y_train[:n_train], X_val[:n_val], y_val[:n_val])
        self.epochs, self.seed = epochs, seed
        self.reference = perceptron_run(*self.data, lr=lr, batch_size=batch_size, epochs=epochs,
                                        seed=seed)
        self.reference_label = f"reference: lr {lr:g}, batch {batch_size}"
        sizes = sorted({1, 10, 100, 1000, batch_size, n_train} - {1})
        controls = {
            "lr": widgets.FloatLogSlider(value=lr, base=10, min=-3, max=1, step=0.25,
                                         description="learning rate", **SLIDER),
            "batch_size": widgets.SelectionSlider(options=[s for s in sizes if s <= n_train],
                                                  value=batch_size, description="batch size",
                                                  **SLIDER),
        }
        super().__init__(controls, self._train_and_plot, (10, 3.8))

    def _train_and_plot(self, fig: Figure, lr: float, batch_size: int) -> None:
        self.history = perceptron_run(*self.data, lr=lr, batch_size=batch_size,
                                      epochs=self.epochs, seed=self.seed)
        plot_learning_curves(self.history, self.reference, label=f"lr {lr:.3g}, batch {batch_size}",
                             reference_label=self.reference_label, fig=fig)


class WeightExplorer(Explorer):
    """Lesson 05: pick a hidden unit (its weights) or a digit (its backward projection) and
    see the images of ``X`` that excite it most."""

    def __init__(self, model: Model, X: np.ndarray, *, kind: str = "unit", index: int = 0,
                 k: int = 8) -> None:
        check_instance(model, Model, "WeightExplorer", "model")
        if not isinstance(kind, str) or kind not in ("unit", "digit"):
            raise ValueError(f"WeightExplorer: kind must be 'unit' or 'digit', got {kind!r}")
        self.model, self.X, self.k = model, X, k
        self.counts = {"unit": model.layers[0].out_features, "digit": model(X[:1]).shape[1]}
        kind_control = widgets.ToggleButtons(options=[("hidden unit", "unit"), ("digit", "digit")],
                                             value=kind, description="show")
        index_control = widgets.IntSlider(value=index, min=0, max=self.counts[kind] - 1,
                                          description="number", **SLIDER)
        # Registered before the redraw, so the slider's range is right when the figure is drawn.
        kind_control.observe(self._set_range, names="value")
        super().__init__({"kind": kind_control, "index": index_control}, self._plot,
                         (1.3 * k + 3.2, 2.6))

    def _set_range(self, change: dict) -> None:
        self._paused = True  # a clamped index would redraw once more, still with the old kind
        try:
            self.controls["index"].max = self.counts[change["new"]] - 1
        finally:
            self._paused = False

    def _plot(self, fig: Figure, kind: str, index: int) -> None:
        plot_unit(self.model, self.X, kind, index, k=self.k, fig=fig)


class AdversarialExplorer(Explorer):
    """Lesson 06: push test image ``index`` towards a target class, by the targeted attack
    (closeness weight lambda) or one targeted sign step (size epsilon), and compare the
    network's probabilities before and after (``adversarial_example``, ``plot_adversarial``)."""

    def __init__(self, model: Model, X: np.ndarray, y: np.ndarray, *, index: int = 0,
                 target: int = 3, method: str = "lambda", lam: float = 0.1,
                 eps: float = 0.1) -> None:
        self.model, self.X, self.y = with_softmax(model), X, y
        num_classes = self.model(X[:1]).shape[1]
        controls = {
            "index": widgets.BoundedIntText(value=index, min=0, max=len(X) - 1, description="test image"),
            "target": widgets.Dropdown(options=list(range(num_classes)), value=target,
                                       description="target class"),
            "method": widgets.ToggleButtons(options=[("targeted attack (lambda)", "lambda"),
                                                     ("sign step (epsilon)", "epsilon")],
                                            value=method, description="method"),
            "lam": widgets.FloatSlider(value=lam, min=0, max=2, step=0.05, description="lambda", **SLIDER),
            "eps": widgets.FloatSlider(value=eps, min=0, max=0.3, step=0.01, description="epsilon",
                                       **SLIDER),
        }
        super().__init__(controls, self._attack_and_plot, (12, 3.3))

    def _attack_and_plot(self, fig: Figure, index: int, target: int, method: str, lam: float,
                         eps: float) -> None:
        x = self.X[index]
        strength = lam if method == "lambda" else eps
        self.x_adv = adversarial_example(self.model, x, target, method=method, strength=strength)
        plot_adversarial(self.model, x, self.x_adv, target, fig=fig,
                         title=f"Test image {index}, labelled {self.y[index]}")
