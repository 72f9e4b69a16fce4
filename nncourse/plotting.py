"""Figures the lessons draw again and again: images, training curves, confusion matrices,
decision regions of 2-D models and weights seen as images. Each returns what it drew on.

The look every figure shares (colour-blind-safe class colours and markers, sizes, the retina
setting) is ``nncourse.plotstyle``; the image grids are ``nncourse.imageplots``. Both are
imported here, so that a lesson needs only ``from nncourse.plotting import ...``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from .imageplots import image_grid, image_rows, show_perturbations, show_weights
from .plotstyle import (
    CLASS_COLOURS,
    CLASS_FILLS,
    CLASS_MARKERS,
    DIAGONAL_COLOUR,
    EDGE_COLOUR,
    ERROR_CMAP,
    FIGURE_DPI,
    MAX_WIDTH,
    MIN_FONT,
    PNG_DPI,
    PROBABILITY_CMAP,
    SMALL_FONT,
    fail,
    finite_array,
    labels_of,
    new_figure,
    points_of,
    relative_luminance,
    titles_of,
    use_course_style,
)

__all__ = [  # what lessons and the lesson modules import from here
    "CLASS_COLOURS", "CLASS_FILLS", "CLASS_MARKERS", "EDGE_COLOUR", "FIGURE_DPI", "MAX_WIDTH",
    "MIN_FONT", "PNG_DPI", "PROBABILITY_CMAP", "SMALL_FONT", "grid_over", "image_grid", "image_rows",
    "linear_boundaries_in_cube", "new_figure", "plot_confusion_matrix", "plot_decision_regions",
    "plot_history", "plot_linear_boundaries_3d", "plot_probability_contours", "scatter_classes",
    "show_perturbations", "show_weights", "use_course_style",
]


# --- Curves and confusion matrices ---------------------------------------------------------------

def plot_history(history: dict[str, list[float]], *, title: str = "Training curves") -> Figure:
    """Loss (left) and accuracy (right) per epoch, for every series in a Learner's history.

    The training series (``loss``, ``acc``) are means over an epoch's batches, taken while the
    weights move: they are drawn dashed at the middle of their epoch (x = epoch - 1/2), the
    evaluations (``val_loss``, ...) solid with markers at the epoch's end.
    """
    series = {k: finite_array(v, "plot_history", f"history[{k!r}]") for k, v in history.items()
              if k != "batch_loss" and len(v)}
    if not series:
        fail("plot_history", "history", "a Learner's history with at least one epoch",
             f"keys {list(history)}")
    fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(10, 3.5))
    for key, values in series.items():
        ax = ax_acc if key.endswith("acc") else ax_loss
        epochs = np.arange(1, len(values) + 1, dtype=float)
        if key in ("loss", "acc"):
            ax.plot(epochs - 0.5, values, "--", label="training (mean during the epoch)")
        else:
            name = key.rsplit("_", 1)[0]
            ax.plot(epochs, values, marker="o", ms=4,
                    label=f"{'validation' if name == 'val' else name} (end of epoch)")
    for ax, what in ((ax_loss, "loss"), (ax_acc, "accuracy")):
        ax.set(xlabel="epoch", ylabel=what, title=f"{title}: {what}", xlim=(0, None))
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        if ax.lines:
            ax.legend()
    fig.tight_layout()
    return fig


def plot_confusion_matrix(cm: np.ndarray, *, labels: Sequence[object] | None = None,
                          ax: Axes | None = None, title: str = "Confusion matrix") -> Axes:
    """A confusion matrix (C, C), rows true class and columns predicted, every count printed.

    Only the errors (off the diagonal) are coloured, on a scale they alone set; the correct
    counts on the diagonal are printed in bold on neutral grey, so they cannot drown the errors.
    """
    cm = finite_array(cm, "plot_confusion_matrix", "cm")
    if cm.ndim != 2 or cm.shape[0] != cm.shape[1] or np.any(cm < 0) or np.any(cm != np.round(cm)):
        fail("plot_confusion_matrix", "cm", "a square (C, C) array of counts",
             f"shape {cm.shape}, values from {cm.min()} to {cm.max()}")
    labels = titles_of(range(len(cm)) if labels is None else labels, len(cm),
                       "plot_confusion_matrix", "labels")
    ax = plt.subplots(figsize=(6, 5))[1] if ax is None else ax
    errors = np.ma.masked_array(cm, mask=np.eye(len(cm), dtype=bool))
    cmap = colormaps[ERROR_CMAP].with_extremes(bad=DIAGONAL_COLOUR)  # "bad": the masked diagonal
    shown = ax.imshow(errors, cmap=cmap, vmin=0, vmax=max(errors.max(), 1))
    for (i, j), count in np.ndenumerate(cm.astype(np.int64)):
        cell = to_rgb(DIAGONAL_COLOUR) if i == j else cmap(shown.norm(count))[:3]
        dark = relative_luminance(cell) < 0.179  # where white text has more contrast than black
        colour = "white" if dark else "0.4" if count == 0 else "black"
        ax.text(j, i, str(count), ha="center", va="center", color=colour,
                fontsize=MIN_FONT if len(cm) > 6 else 11, fontweight="bold" if i == j else "normal")
    ax.figure.colorbar(shown, ax=ax, label="errors (off the diagonal)")
    ax.set(xticks=range(len(cm)), yticks=range(len(cm)), xticklabels=labels, yticklabels=labels,
           xlabel="predicted class", ylabel="true class", title=title)
    ax.grid(False)
    return ax


# --- Classes in the plane ------------------------------------------------------------------------

def grid_over(X: np.ndarray, resolution: int = 200, padding: float = 0.1):
    """A regular grid covering the 2-D points X: returns (xx, yy, points (resolution^2, 2))."""
    X = points_of(X, "grid_over")
    if resolution < 2 or padding < 0:
        fail("grid_over", "resolution and padding", ">= 2 and >= 0", f"{resolution} and {padding}")
    lo, hi = X.min(axis=0), X.max(axis=0)
    pad = padding * np.where(hi > lo, hi - lo, 1.0)  # a single point still gets a square around it
    xx, yy = np.meshgrid(np.linspace(lo[0] - pad[0], hi[0] + pad[0], resolution),
                         np.linspace(lo[1] - pad[1], hi[1] + pad[1], resolution))
    return xx, yy, np.column_stack([xx.ravel(), yy.ravel()])


def scatter_classes(ax: Axes, X: np.ndarray, y: np.ndarray, *, names: Sequence[str] | None = None,
                    s: float = 16, **kwargs) -> list:
    """Points X (N, 2), or (N, 3) on 3-D axes, of class c drawn in ``CLASS_COLOURS[c]`` with
    marker ``CLASS_MARKERS[c]`` and a dark edge, labelled ``names[c]`` (default "class c").
    Returns the collections, one per class present, in class order."""
    X = points_of(X, "scatter_classes", dims=(2, 3))
    y = labels_of(y, len(X), "scatter_classes")
    names = [f"class {c}" for c in range(y.max() + 1)] if names is None else list(names)
    if len(names) <= y.max():
        fail("scatter_classes", "names", f"one per class (at least {y.max() + 1})", len(names))
    return [ax.scatter(*X[y == c].T, s=s, color=CLASS_COLOURS[c], marker=CLASS_MARKERS[c],
                       edgecolors=EDGE_COLOUR, linewidths=0.5, label=names[c], **kwargs)
            for c in np.unique(y)]


def plot_decision_regions(predict: Callable[[np.ndarray], np.ndarray], X: np.ndarray,
                          y: np.ndarray, *, ax: Axes | None = None, resolution: int = 200,
                          title: str = "Decision regions", cmap: str | None = None,
                          names: Sequence[str] | None = None) -> Axes:
    """Colour the plane by ``predict(points) -> labels (M,)`` and scatter the data on top.

    Each region is a light tint of its class colour (``CLASS_FILLS``) outlined in dark grey, so
    that two regions stay apart where their tints are alike; the points keep their colour, marker
    and edge (``scatter_classes``, which ``names`` the classes). ``cmap`` is accepted for old
    calls and must be None.
    """
    if cmap is not None:
        fail("plot_decision_regions", "cmap", "None (the course's colour-blind-safe classes)", repr(cmap))
    X = points_of(X, "plot_decision_regions")
    y = labels_of(y, len(X), "plot_decision_regions")
    ax = plt.subplots(figsize=(5, 5))[1] if ax is None else ax
    xx, yy, points = grid_over(X, resolution)
    regions = labels_of(predict(points), len(points), "plot_decision_regions",
                        "predict(points)").reshape(xx.shape)
    levels = np.arange(len(CLASS_COLOURS) + 1) - 0.5
    ax.contourf(xx, yy, regions, levels=levels, colors=CLASS_FILLS)
    for c in np.unique(regions):
        ax.contour(xx, yy, (regions == c).astype(float), levels=[0.5], colors=EDGE_COLOUR, linewidths=0.8)
    scatter_classes(ax, X, y, names=names)
    ax.set(xlabel="$x_1$", ylabel="$x_2$", title=title, aspect="equal")
    ax.legend(loc="upper right", framealpha=0.9)
    return ax


def plot_probability_contours(prob: Callable[[np.ndarray], np.ndarray], X: np.ndarray,
                              y: np.ndarray, *, ax: Axes | None = None, resolution: int = 200,
                              title: str = "P(class 1)", names: Sequence[str] | None = None) -> Axes:
    """Filled contours of ``prob(points) -> P(class 1) (M,)`` in neutral greys (no class hue),
    the P = 1/2 line in black, a colour bar, and the two classes on top (``scatter_classes``,
    which ``names`` them)."""
    X = points_of(X, "plot_probability_contours")
    y = labels_of(y, len(X), "plot_probability_contours", num_classes=2)
    ax = plt.subplots(figsize=(5.5, 4.5))[1] if ax is None else ax
    xx, yy, points = grid_over(X, resolution)
    p = finite_array(prob(points), "plot_probability_contours", "prob(points)")
    if p.shape not in ((len(points),), (len(points), 1)) or p.min() < 0 or p.max() > 1:
        fail("plot_probability_contours", "prob(points)", f"probabilities in [0, 1], shape ({len(points)},)",
             f"shape {p.shape}, values from {p.min()} to {p.max()}")
    filled = ax.contourf(xx, yy, p.reshape(xx.shape), levels=np.linspace(0, 1, 11), cmap=PROBABILITY_CMAP)
    ax.contour(xx, yy, p.reshape(xx.shape), levels=[0.5], colors="k", linewidths=1.5)
    ax.figure.colorbar(filled, ax=ax, label="P(class 1)")
    scatter_classes(ax, X, y, names=names)
    ax.set(xlabel="$x_1$", ylabel="$x_2$", title=title)
    ax.legend(loc="upper right", framealpha=0.9)
    return ax


# --- Classes in a 3-D hidden space ---------------------------------------------------------------

def _clip(polygon: list[np.ndarray], normal: np.ndarray, offset: float) -> list[np.ndarray]:
    """The part of a convex polygon where p . normal + offset >= 0 (one Sutherland-Hodgman step)."""
    kept = []
    for p, q in zip(polygon, polygon[1:] + polygon[:1], strict=True):
        fp, fq = p @ normal + offset, q @ normal + offset
        if fp >= 0:
            kept.append(p)
        if (fp >= 0) != (fq >= 0):  # the edge crosses the border: keep the crossing point
            kept.append(p + fp / (fp - fq) * (q - p))
    return kept


def linear_boundaries_in_cube(W: np.ndarray, b: np.ndarray) -> dict[tuple[int, int], np.ndarray]:
    """Where the linear classifier argmax_c (a W + b)_c changes class inside the unit cube.

    The scores of classes c and k are equal on the plane a . (W[:, c] - W[:, k]) + b[c] - b[k] = 0;
    it is a decision boundary only where c and k also beat every other class. For each pair c < k
    that meets inside the cube, returns that piece of its plane as a convex polygon, the vertices
    (P, 3) in order. Shapes: W (3, C), b (C,).
    """
    who = "linear_boundaries_in_cube"
    W, b = finite_array(W, who, "W").astype(np.float64), finite_array(b, who, "b").astype(np.float64)
    if W.ndim != 2 or W.shape[0] != 3 or b.shape != (W.shape[1],):
        fail(who, "W and b", "shapes (3, C) and (C,)", f"{W.shape} and {b.shape}")
    eye = np.eye(3)
    cube = [(eye[i], 0.0) for i in range(3)] + [(-eye[i], 1.0) for i in range(3)]  # 0 <= a_i <= 1
    pieces = {}
    for c in range(W.shape[1]):
        for k in range(c + 1, W.shape[1]):
            normal, offset = W[:, c] - W[:, k], b[c] - b[k]
            if not np.any(normal):
                continue
            centre = 0.5 - (normal.sum() / 2 + offset) / (normal @ normal) * normal  # on the plane
            u, v = np.linalg.svd(normal[None])[2][1:]  # two unit vectors along the plane
            polygon = [centre + 2 * (su * u + sv * v) for su, sv in ((1, 1), (-1, 1), (-1, -1), (1, -1))]
            beats = [(W[:, c] - W[:, m], b[c] - b[m]) for m in range(W.shape[1]) if m not in (c, k)]
            for side in cube + beats:  # the square, 4 wide, covers the cube; cut it down
                polygon = _clip(polygon, *side)
                if len(polygon) < 3:
                    break
            if len(polygon) >= 3:
                pieces[(c, k)] = np.array(polygon)
    return pieces


def plot_linear_boundaries_3d(ax: Axes, W: np.ndarray, b: np.ndarray, *,
                              names: Sequence[str] | None = None) -> dict[tuple[int, int], np.ndarray]:
    """Draw the decision boundaries of argmax_c (a W + b)_c in the unit cube on 3-D axes: each
    piece of ``linear_boundaries_in_cube`` as a semi-transparent plane in a neutral grey (no
    class hue), outlined, labelled in the legend with the two classes it separates (``names``,
    default "class c"). Returns the pieces. Shapes: W (3, C), b (C,)."""
    from mpl_toolkits.mplot3d.art3d import Poly3DCollection

    if not hasattr(ax, "add_collection3d"):
        fail("plot_linear_boundaries_3d", "ax", '3-D axes (projection="3d")', type(ax).__name__)
    pieces = linear_boundaries_in_cube(W, b)
    names = [f"class {c}" for c in range(np.shape(W)[1])] if names is None else list(names)
    greys = np.linspace(0.3, 0.7, max(len(pieces), 1))
    for grey, ((c, k), polygon) in zip(greys, pieces.items(), strict=False):
        ax.add_collection3d(Poly3DCollection([polygon], facecolor=str(grey), edgecolor=EDGE_COLOUR,
                                             linewidths=1.0, alpha=0.35,
                                             label=f"boundary {names[c]} | {names[k]}"))
    ax.set(xlim=(0, 1), ylim=(0, 1), zlim=(0, 1))
    return pieces
