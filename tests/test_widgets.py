"""The explorers' logic (in the lesson modules) and the widgets themselves, driven from Python
without a browser: build the widget, move a control, check that the figure changed; and in a
kernel, where nbclient stands in for the front end, check that an error shows under the figure.

Runs on ipywidgets 8 (``make test``) and on Colab's 7.7 (``make test-colab`` runs this file in
an environment with Colab's versions)."""

import json
import time
from pathlib import Path

import nbformat
import numpy as np
import pytest
from matplotlib.figure import Figure
from nbclient import NotebookClient

from nnlib.data import DataLoader
from nnlib.layers import Affine, ReLU, Softmax
from nnlib.learner import Learner
from nnlib.losses import CrossEntropy
from nnlib.model import Model
from nnlib.optim import SGD

from nncourse.adversarial import adversarial_example, plot_adversarial, with_softmax
from nncourse.annuli import plot_playground, train_playground
from nncourse.datasets import load_mnist, normalize_pixels
from nncourse.perceptron import perceptron_run, plot_learning_curves
from nncourse.weights import backward_projection, plot_unit, top_activating, unit_pattern
from nncourse.widgets import (
    AdversarialExplorer,
    AnnuliPlayground,
    Explorer,
    LearningRateExplorer,
    WeightExplorer,
    figure_png,
)

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def mnist():
    x_train, y_train, x_test, y_test = load_mnist()
    return (normalize_pixels(x_train[:6000]), y_train[:6000],
            normalize_pixels(x_test[:1000]), y_test[:1000])


@pytest.fixture(scope="module")
def mlp(mnist):
    X, y, _, _ = mnist
    rng = np.random.default_rng(0)
    model = Model([Affine(784, 16, rng=rng, dtype=np.float32), ReLU(),
                   Affine(16, 10, rng=rng, dtype=np.float32)])
    Learner(model, CrossEntropy(), SGD(0.1, momentum=0.9), progress=False).fit(
        DataLoader(X, y, 100, rng=rng), 2)
    return model


# --- plain functions --------------------------------------------------------------------------

def test_playground_is_deterministic_and_its_settings_matter():
    a, b = train_playground(seed=1), train_playground(seed=1)
    assert a.history == b.history and np.array_equal(a.X, b.X)
    assert train_playground(hidden=5, seed=1).history["loss"] != a.history["loss"]
    noisier = train_playground(noise=0.2, seed=1)
    assert not np.array_equal(noisier.X, a.X)


def test_playground_defaults_solve_the_rings_and_one_unit_cannot():
    assert train_playground().test_acc > 0.9
    assert train_playground(hidden=1).test_acc < 0.7  # one line cannot enclose the disc
    relu = train_playground(hidden=8, activation="relu", lr=0.1, epochs=60)
    assert relu.test_acc > 0.9 and relu.history["loss"][-1] < relu.history["loss"][0] / 3


def test_playground_rejects_an_unknown_activation():
    with pytest.raises(ValueError, match="activation"):
        train_playground(activation="softplus")


def test_plot_playground_titles_the_test_accuracy_and_renders_to_png():
    run = train_playground(epochs=10)
    fig = plot_playground(run, fig=Figure())
    regions, losses = fig.axes
    assert f"{100 * run.test_acc:.1f} %" in regions.get_title()
    assert len(losses.lines) == 2 and len(losses.lines[0].get_xdata()) == 10
    assert figure_png(fig).startswith(PNG_MAGIC)


def test_one_playground_retrain_is_fast():
    start = time.perf_counter()
    figure_png(plot_playground(train_playground(), fig=Figure(figsize=(10, 4.4), dpi=90)))
    assert time.perf_counter() - start < 3.0  # about 0.4 s alone; generous for a shared machine


def test_perceptron_run_mini_batches_beat_one_full_batch(mnist):
    X, y, X_val, y_val = mnist
    small = perceptron_run(X, y, X_val, y_val, lr=0.5, batch_size=100, epochs=3)
    assert small == perceptron_run(X, y, X_val, y_val, lr=0.5, batch_size=100, epochs=3)
    full = perceptron_run(X, y, X_val, y_val, lr=0.5, batch_size=len(X), epochs=3)
    assert len(small["val_acc"]) == 3 and small["val_acc"][-1] > 0.85
    assert small["val_acc"][-1] > full["val_acc"][-1] + 0.05
    fig = plot_learning_curves(full, small, label="full", reference_label="ref", fig=Figure())
    assert [len(ax.lines) for ax in fig.axes] == [2, 2]


def test_unit_pattern_is_the_weight_column_or_the_backward_projection(mlp):
    W1 = mlp.layers[0].params["W"]
    assert np.array_equal(unit_pattern(mlp, "unit", 5), W1[:, 5].reshape(28, 28))
    expected = backward_projection(mlp, np.eye(10)[[7]])[0].reshape(28, 28)
    assert np.allclose(unit_pattern(mlp, "digit", 7), expected)
    perceptron = Model([Affine(784, 10, rng=0)])
    assert np.allclose(unit_pattern(perceptron, "digit", 3),
                       perceptron.layers[0].params["W"][:, 3].reshape(28, 28))
    with pytest.raises(ValueError, match="kind"):
        unit_pattern(mlp, "neuron", 0)


def test_top_activating_finds_the_largest_responses(mnist, mlp):
    X_test = mnist[2]
    hidden = np.maximum(X_test @ mlp.layers[0].params["W"] + mlp.layers[0].params["b"], 0)
    order, values = top_activating(mlp, X_test, "unit", 4, k=5)
    assert np.allclose(values, np.sort(hidden[:, 4])[::-1][:5], atol=1e-5)
    assert np.allclose(hidden[order, 4], values, atol=1e-5)
    order, values = top_activating(mlp, X_test, "digit", 2, k=3)
    assert np.all(np.diff(values) <= 0) and np.all(values[-1] >= mlp(X_test)[:, 2][order[-1]])
    assert len(plot_unit(mlp, X_test, "digit", 2, k=3, fig=Figure()).axes) == 5  # + colour bar


def test_adversarial_example_by_sign_step_and_by_targeted_attack(mnist, mlp):
    X_test, y_test = mnist[2], mnist[3]
    model = with_softmax(mlp)
    x, target = X_test[0], (y_test[0] + 1) % 10
    p_before = model(x[None])[0, target]
    stepped = adversarial_example(model, x, target, method="epsilon", strength=0.1)
    assert np.abs(stepped - x).max() <= 0.1 + 1e-6 and stepped.min() >= 0 and stepped.max() <= 1
    assert model(stepped[None])[0, target] > p_before
    free = adversarial_example(model, x, target, method="lambda", strength=0.0)
    close = adversarial_example(model, x, target, method="lambda", strength=0.2)
    assert model(free[None])[0].argmax() == target
    assert np.linalg.norm(close - x) < np.linalg.norm(free - x)
    fig = plot_adversarial(model, x, free, target, fig=Figure(), title="t")
    assert f"adversarial: {target}" in fig.axes[2].get_title()


def test_adversarial_example_needs_probabilities_and_a_known_method(mlp):
    x = np.zeros(784, dtype=np.float32)
    with pytest.raises(ValueError, match="Softmax"):
        adversarial_example(mlp, x, 1)
    with pytest.raises(ValueError, match="method"):
        adversarial_example(with_softmax(mlp), x, 1, method="gamma")


def test_with_softmax_appends_only_when_needed_and_shares_the_weights(mlp):
    wrapped = with_softmax(mlp)
    assert isinstance(wrapped.layers[-1], Softmax) and wrapped.layers[0] is mlp.layers[0]
    assert with_softmax(wrapped) is wrapped
    assert np.allclose(wrapped(np.ones((2, 784), np.float32)).sum(axis=1), 1, atol=1e-5)


# --- the widgets, driven from Python --------------------------------------------------------

def image(explorer: Explorer) -> bytes:
    return bytes(explorer.image.value)  # the widget holds a memoryview


def moved(explorer: Explorer, name: str, value) -> bytes:
    """Set one control as a slider would and return the new image (checking it was redrawn)."""
    before, redraws = image(explorer), explorer.redraws
    explorer.controls[name].value = value
    assert explorer.redraws == redraws + 1
    assert image(explorer).startswith(PNG_MAGIC)
    assert image(explorer) != before, f"moving {name} did not change the figure"
    assert explorer.errors.outputs == ()
    return image(explorer)


def test_annuli_playground_retrains_when_a_slider_moves():
    explorer = AnnuliPlayground(epochs=10)
    assert image(explorer).startswith(PNG_MAGIC) and explorer.redraws == 1
    first_loss = explorer.run.history["loss"]
    moved(explorer, "hidden", 6)
    assert explorer.run.model.layers[0].out_features == 6
    assert explorer.run.history["loss"] != first_loss
    moved(explorer, "activation", "relu")
    assert type(explorer.run.model.layers[1]).__name__ == "ReLU"
    assert explorer.seconds > 0


def test_an_error_while_drawing_is_not_swallowed_outside_a_notebook():
    def draw(fig, value):
        if value > 1:
            raise RuntimeError("broken draw")
        fig.subplots().plot([0, value])

    import ipywidgets as widgets
    explorer = Explorer({"value": widgets.IntSlider(value=1, max=5)}, draw, (3, 2))
    with pytest.raises(RuntimeError, match="broken draw"):
        explorer.controls["value"].value = 2


def test_learning_rate_explorer_keeps_its_reference(mnist):
    X, y, X_val, y_val = mnist
    explorer = LearningRateExplorer(X, y, X_val, y_val, epochs=2, n_train=2000, n_val=500)
    reference = explorer.reference
    assert explorer.history == reference  # it starts at the reference settings
    moved(explorer, "batch_size", 2000)
    assert explorer.reference is reference and explorer.history != reference
    moved(explorer, "lr", 0.01)


def test_weight_explorer_switches_between_units_and_digits(mnist, mlp):
    explorer = WeightExplorer(mlp, mnist[2], k=4)
    assert explorer.controls["index"].max == 15
    moved(explorer, "index", 12)
    moved(explorer, "kind", "digit")
    assert explorer.controls["index"].max == 9 and explorer.controls["index"].value == 9


def test_weight_explorer_refuses_what_is_not_a_model_or_a_kind():
    """A lone layer failed inside with "'Affine' object has no attribute 'layers'", an unknown
    kind with a KeyError of the dictionary of counts."""
    X = np.zeros((3, 4))
    with pytest.raises(TypeError, match="WeightExplorer: model must be a Model instance"):
        WeightExplorer(Affine(4, 2, rng=0), X)
    with pytest.raises(ValueError, match="WeightExplorer: kind must be 'unit' or 'digit', got 'neuron'"):
        WeightExplorer(Model([Affine(4, 3, rng=0), ReLU(), Affine(3, 2, rng=0)]), X, kind="neuron")


def test_adversarial_explorer_follows_lambda_epsilon_and_the_target(mnist, mlp):
    explorer = AdversarialExplorer(mlp, mnist[2], mnist[3], target=2)
    first = explorer.x_adv
    moved(explorer, "lam", 0.3)
    assert np.linalg.norm(explorer.x_adv - mnist[2][0]) < np.linalg.norm(first - mnist[2][0])
    moved(explorer, "method", "epsilon")
    assert np.abs(explorer.x_adv - mnist[2][0]).max() <= 0.1 + 1e-6
    moved(explorer, "target", 5)
    moved(explorer, "index", 3)


ROOT = Path(__file__).resolve().parent.parent

# In a kernel, a redraw's exception is caught by the explorer's Output widget: the traceback is
# sent to the front end, which shows it under the figure and syncs it back to the kernel's
# `errors.outputs`; the next good redraw clears it. nbclient mimics that part of the front end.
KERNEL_CELLS = [
    """import json
import ipywidgets as widgets
from nncourse.widgets import Explorer

def draw(fig, value):
    if value > 1:
        raise RuntimeError("broken draw")
    fig.subplots().plot([0, value])

explorer = Explorer({"value": widgets.IntSlider(value=1, max=5)}, draw, (3, 2))""",
    "explorer.controls['value'].value = 2",
    "print(json.dumps([[o['output_type'], o.get('ename'), o.get('evalue')]\n"
    "                  for o in explorer.errors.outputs]))",
    "explorer.controls['value'].value = 1",
    "print(json.dumps([len(explorer.errors.outputs), explorer.redraws, widgets.__version__]))",
]


def test_an_error_while_redrawing_shows_under_the_figure_in_a_kernel():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in KERNEL_CELLS])
    NotebookClient(nb, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(ROOT)}}).execute()
    _, failing, shown, fixed, after = nb.cells
    assert failing.outputs == [], "the traceback went to the cell, not under the figure"
    assert json.loads(shown.outputs[0]["text"]) == [["error", "RuntimeError", "broken draw"]]
    assert fixed.outputs == []
    cleared, redraws, version = json.loads(after.outputs[0]["text"])
    assert (cleared, redraws) == (0, 2), f"on ipywidgets {version}"


LESSONS = {"01-perceptron": "LearningRateExplorer", "03-annuli-classification": "AnnuliPlayground",
           "05-weight-visualisation": "WeightExplorer", "06-adversarial-inputs": "AdversarialExplorer"}


@pytest.mark.parametrize(("lesson", "explorer"), LESSONS.items())
def test_each_explorer_sits_in_its_lesson_after_a_static_figure(lesson, explorer):
    cells = nbformat.read(ROOT / "notebooks" / f"{lesson}.ipynb", as_version=4).cells
    at = [i for i, c in enumerate(cells) if f"= {explorer}(" in c.source]
    assert len(at) == 1, f"{lesson} should build {explorer} once"
    widget_cell, static_cell = cells[at[0]], cells[at[0] - 1]
    assert "nbval-ignore-output" in widget_cell.metadata.get("tags", [])
    assert any("image/png" in out.get("data", {}) for out in static_cell.outputs), (
        f"{lesson}: no static figure of the default settings before the {explorer}")
