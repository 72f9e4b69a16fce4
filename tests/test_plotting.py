"""The plotting helpers draw what they say (titles, labels, regions, colour scales), in sizes a
projector shows, and refuse bad input with an error that names the function and the argument."""

import itertools
import re

import matplotlib
import nbformat
import numpy as np
import pytest
from matplotlib.collections import PathCollection
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from matplotlib.text import Text
from nbclient import NotebookClient

from nncourse import plotting
from nncourse.plotstyle import MAX_WIDTH, MIN_FONT, relative_luminance

X2 = np.array([[-1.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
Y2 = np.array([0, 1, 1])


def by_sign(points):
    return (points[:, 0] > 0).astype(int)


def sigmoid_x1(points):
    return 1 / (1 + np.exp(-points[:, 0]))


def scatters(ax):
    return [c for c in ax.collections if isinstance(c, PathCollection)]


def test_image_grid_and_weights():
    images = np.random.default_rng(0).random((12, 4, 4))
    fig = plotting.image_grid(images, titles=list(range(12)), ncols=5, suptitle="digits")
    shown = [ax for ax in fig.axes if ax.images]
    assert len(shown) == 12 and shown[3].get_title() == "3"
    fig = plotting.show_weights(np.random.default_rng(0).standard_normal((16, 3)), shape=(4, 4))
    vmin, vmax = next(ax for ax in fig.axes if ax.images).images[0].get_clim()
    assert vmin == -vmax  # white means zero
    assert fig.axes[-1].get_ylabel() == "weight"  # and a colour bar says what red and blue mean


def test_a_strip_of_small_images_fits_the_page_and_its_titles():
    images = np.zeros((10, 28 * 28))
    one = plotting.image_grid(images, titles=["a"] * 10, shape=(28, 28))
    two = plotting.image_grid(images, titles=["P(7) = 0.91\nP(2) = 0.05"] * 10, shape=(28, 28))
    for fig in (one, two):
        assert fig.get_figwidth() <= MAX_WIDTH  # else the notebook shrinks it, text and all
    assert two.get_figheight() > one.get_figheight()  # room for the second line of each title
    two.canvas.draw()
    titles = [ax.title.get_window_extent() for ax in two.axes]
    images = [ax.images[0].get_window_extent() for ax in two.axes]
    assert all(t.y0 >= i.y1 - 1 for t, i in zip(titles, images, strict=True))  # no overlap
    assert all(t.y1 <= two.bbox.y1 for t in titles)                            # nothing cut off


def test_image_rows_labels_stay_whole_and_apart():
    x = np.zeros((10, 28 * 28))  # as in lesson 05
    fig = plotting.image_rows([x] * 4, ["class mean", "backward\nprojection", "a test image",
                                        "its saliency"], col_labels=range(10), suptitle="s")
    fig.canvas.draw()
    boxes = sorted((ax.yaxis.label.get_window_extent() for ax in fig.axes[::10]), key=lambda b: b.y0)
    assert all(low.y1 <= high.y0 for low, high in itertools.pairwise(boxes))  # none runs into the next
    assert all(b.x0 >= 0 and b.y0 >= 0 for b in boxes)  # nor off the figure


def test_plot_history_tells_training_means_from_evaluations():
    fig = plotting.plot_history({"batch_loss": [1, 0.5], "loss": [1.0, 0.5], "acc": [0.5, 0.8],
                                 "val_loss": [1.1, 0.7], "val_acc": [0.4, 0.7]})
    ax_loss, ax_acc = fig.axes
    assert [line.get_label() for line in ax_loss.lines] == ["training (mean during the epoch)",
                                                            "validation (end of epoch)"]
    train, val = ax_loss.lines
    assert list(train.get_xdata()) == [0.5, 1.5] and list(val.get_xdata()) == [1, 2]
    assert ax_acc.get_ylabel() == "accuracy" and ax_loss.get_xlabel() == "epoch"


def test_confusion_matrix_colours_the_errors_only():
    cm = np.array([[50, 1, 0], [3, 40, 2], [0, 0, 45]])
    ax = plotting.plot_confusion_matrix(cm, labels=["a", "b", "c"])
    assert ax.get_xlabel() == "predicted class" and ax.get_ylabel() == "true class"
    assert [t.get_text() for t in ax.texts] == [str(c) for c in cm.ravel()]
    image = ax.images[0]
    assert image.get_clim() == (0, 3)  # the largest error sets the scale, not the diagonal's 50
    assert np.ma.getmaskarray(image.get_array()).diagonal().all()
    ax.figure.canvas.draw()
    for text, (i, j) in zip(ax.texts, np.ndindex(cm.shape), strict=True):
        cell = to_rgb(plotting.DIAGONAL_COLOUR) if i == j else image.cmap(image.norm(cm[i, j]))[:3]
        lum = sorted([relative_luminance(cell), relative_luminance(to_rgb(text.get_color()))])
        assert (lum[1] + 0.05) / (lum[0] + 0.05) >= 4.5, (i, j)  # WCAG AA contrast for text


def test_decision_regions_follow_the_predictor_in_the_course_colours():
    ax = plotting.plot_decision_regions(by_sign, X2, Y2, resolution=50)
    assert ax.get_title() == "Decision regions"
    fills = ax.collections[0].get_facecolor()[:, :3]
    assert np.allclose(fills, plotting.CLASS_FILLS)
    dots = scatters(ax)
    assert [d.get_label() for d in dots] == ["class 0", "class 1"]
    assert [len(d.get_offsets()) for d in dots] == [1, 2]
    for c, d in enumerate(dots):
        assert np.allclose(d.get_facecolor()[0, :3], plotting.CLASS_COLOURS[c])
        assert d.get_linewidths()[0] > 0  # an edge, whatever the point is drawn on
    assert len(set(plotting.CLASS_MARKERS)) == len(plotting.CLASS_COLOURS)
    outlines = [c for c in ax.collections[1:] if c not in dots]
    assert len(outlines) == 2  # one outline per region drawn, so alike tints stay apart


def test_probability_contours_are_grey_under_the_points():
    ax = plotting.plot_probability_contours(sigmoid_x1, X2, Y2, names=["digit 3", "digit 8"])
    assert ax.get_xlabel() == "$x_1$" and ax.figure.axes[-1].get_ylabel() == "P(class 1)"
    ax.figure.canvas.draw()
    fills = ax.collections[0].get_facecolor()[:, :3]
    assert np.allclose(fills, fills[:, :1])  # neutral: red = green = blue in every band
    assert [d.get_label() for d in scatters(ax)] == ["digit 3", "digit 8"]


def test_grid_over_covers_the_data():
    X = np.array([[0.0, 0.0], [1.0, 2.0]])
    xx, yy, points = plotting.grid_over(X, resolution=10)
    assert points.shape == (100, 2) and xx.min() < 0 and yy.max() > 2
    xx, _, _ = plotting.grid_over(X[:1], resolution=3)
    assert xx.min() < 0 < xx.max()  # a single point still gets an area around it


def test_the_helpers_draw_on_a_figure_without_pyplot():
    ax = Figure().subplots()
    plotting.plot_decision_regions(by_sign, X2, Y2, ax=ax, resolution=20)
    assert plotting.new_figure(ax.figure, (1, 1)) is ax.figure


def all_figures():
    rng = np.random.default_rng(1)
    x = rng.uniform(0, 1, (4, 16))
    return [plotting.image_grid(x, titles=["P(1) = 0.50\nP(2) = 0.25"] * 4, shape=(4, 4)),
            plotting.show_weights(rng.normal(size=(16, 12)), shape=(4, 4), titles=range(12)),
            plotting.show_perturbations(x, np.clip(x + 0.1, 0, 1), list("abcd"), list("efgh"),
                                        shape=(4, 4), symbol=r"\delta", suptitle="s"),
            plotting.image_rows([x, x - 0.5], ["a", "b"], shape=(4, 4), centred=[False, True],
                                col_labels=range(4), suptitle="s"),
            plotting.plot_history({"loss": [1.0, 0.5], "val_loss": [1.1, 0.6]}),
            plotting.plot_confusion_matrix(rng.integers(0, 900, (10, 10))).figure,
            plotting.plot_decision_regions(by_sign, X2, Y2, resolution=20).figure,
            plotting.plot_probability_contours(sigmoid_x1, X2, Y2, resolution=20).figure]


def test_no_text_is_smaller_than_the_minimum_in_the_course_style():
    with matplotlib.rc_context():
        plotting.use_course_style()
        assert matplotlib.rcParams["figure.dpi"] == plotting.FIGURE_DPI
        for fig in all_figures():
            fig.canvas.draw()
            sizes = {t.get_text(): t.get_fontsize() for t in fig.findobj(Text)
                     if t.get_text() and t.get_visible()}
            assert min(sizes.values()) >= MIN_FONT, sorted(sizes.items(), key=lambda kv: kv[1])[:3]


def test_perturbations_are_titled_with_their_norms():
    x = np.zeros((1, 4))
    fig = plotting.show_perturbations(x, x + 0.5, shape=(2, 2), symbol=r"\delta")
    assert fig.axes[1].get_title() == "$\\|\\delta\\|_2$ = 1.00\n$\\|\\delta\\|_\\infty$ = 0.50"


@pytest.mark.parametrize("first", ["style", "figure"])
def test_use_course_style_makes_jupyter_show_retina_pngs(first):
    """In a kernel, whether the inline backend starts before or after the call: PNGs of twice
    the screen resolution, shown at the figure's size, and the same text as before for nbval."""
    style = "from nncourse.plotting import use_course_style\nuse_course_style()"
    figure = ("import matplotlib.pyplot as plt\n"
              "fig = plt.figure(figsize=(4, 3))\nfig.add_subplot().plot([0, 1])")
    cells = [style, figure] if first == "style" else [figure + "\nplt.close(fig)", style, figure]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    NotebookClient(nb, timeout=120, kernel_name="python3").execute()
    (output,) = [o for o in nb.cells[-1].outputs if "image/png" in o.get("data", {})]
    assert output["data"]["text/plain"] == "<Figure size 360x270 with 1 Axes>"
    png = __import__("base64").b64decode(output["data"]["image/png"])
    width = int.from_bytes(png[16:20], "big")  # the IHDR chunk: width, then height
    # IPython shows a retina PNG at half its pixel width, rounded down (matplotlib 3.8 crops
    # the tight bounding box to an odd width, 661 px for 330 shown)
    assert width // 2 == output["metadata"]["image/png"]["width"] and width > 600


BAD_INPUT = [  # (call, the start of the error message it must raise)
    (lambda: plotting.image_grid(np.zeros((0, 4, 4))), "image_grid: images must be non-empty"),
    (lambda: plotting.image_grid(np.zeros((2, 16)), shape=(5, 5)), "image_grid: images must be rows"),
    (lambda: plotting.image_grid(np.zeros((2, 4))), "image_grid: images must be images"),
    (lambda: plotting.image_grid(np.full((2, 2, 2), np.nan)), "image_grid: images holds 8 NaN"),
    (lambda: plotting.image_grid(np.zeros((2, 2, 2)), titles=["a"]), "image_grid: titles must be one"),
    (lambda: plotting.show_weights(np.zeros((16, 3)), shape=(5, 5)), "show_weights: W must be (D, M)"),
    (lambda: plotting.show_weights(np.zeros(16), shape=(4, 4)), "show_weights: W must be (D, M)"),
    (lambda: plotting.show_perturbations(np.zeros((3, 4)), np.zeros((2, 4)), shape=(2, 2)),
     "show_perturbations: x and x_adv must be rows of the same shape"),
    (lambda: plotting.show_perturbations(np.zeros((1, 4)), np.full((1, 4), np.inf), shape=(2, 2)),
     "show_perturbations: x_adv holds 4 NaN or infinite"),
    (lambda: plotting.image_rows([np.zeros((2, 16))], ["a", "b"], shape=(4, 4)),
     "image_rows: rows, row_labels and centred must be as many"),
    (lambda: plotting.image_rows([np.zeros((2, 9))], ["a"], shape=(4, 4)),
     "image_rows: rows[0] must be rows (N, 16)"),
    (lambda: plotting.plot_history({"batch_loss": [1.0]}), "plot_history: history must be"),
    (lambda: plotting.plot_history({"loss": [1.0, np.nan]}), "plot_history: history['loss'] holds"),
    (lambda: plotting.plot_confusion_matrix(np.zeros((2, 3))), "plot_confusion_matrix: cm must be a square"),
    (lambda: plotting.plot_confusion_matrix(np.array([[1, -1], [0, 2]])), "plot_confusion_matrix: cm"),
    (lambda: plotting.plot_confusion_matrix(np.eye(2), labels=["a"]), "plot_confusion_matrix: labels"),
    (lambda: plotting.grid_over(np.zeros((0, 2))), "grid_over: X must be non-empty"),
    (lambda: plotting.grid_over(np.zeros((3, 2)), resolution=1), "grid_over: resolution and padding must be"),
    (lambda: plotting.plot_decision_regions(by_sign, X2, Y2[:2]), "plot_decision_regions: y must be one"),
    (lambda: plotting.plot_decision_regions(by_sign, X2.T, Y2), "plot_decision_regions: X must be points"),
    (lambda: plotting.plot_decision_regions(by_sign, X2, Y2 + 5), "plot_decision_regions: y must be integer"),
    (lambda: plotting.plot_decision_regions(lambda p: p, X2, Y2),
     "plot_decision_regions: predict(points) must be one label per point"),
    (lambda: plotting.plot_decision_regions(by_sign, X2, Y2, cmap="tab10"), "plot_decision_regions: cmap"),
    (lambda: plotting.plot_probability_contours(lambda p: p[:, 0] * 9, X2, Y2),
     "plot_probability_contours: prob(points) must be probabilities"),
    (lambda: plotting.plot_probability_contours(sigmoid_x1, X2, Y2 + 1), "plot_probability_contours: y"),
    (lambda: plotting.scatter_classes(Figure().subplots(), X2, [0.5, 1, 1]), "scatter_classes: y must be"),
    (lambda: plotting.scatter_classes(Figure().subplots(), X2, Y2, names=["a"]), "scatter_classes: names"),
    (lambda: plotting.new_figure("fig", (1, 1)), "new_figure: fig must be a matplotlib Figure"),
]


@pytest.mark.parametrize(("call", "message"), BAD_INPUT, ids=[m.split(":")[0] + str(i) for i, (_, m)
                                                             in enumerate(BAD_INPUT)])
def test_bad_input_is_refused_by_name(call, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        call()
