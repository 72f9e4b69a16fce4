"""Figures the lessons draw again and again: images, training curves, confusion matrices,
decision regions of 2-D models and weights seen as images. Each returns what it drew on."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import matplotlib.pyplot as plt
import numpy as np
import seaborn as sns
from matplotlib.axes import Axes
from matplotlib.figure import Figure


def new_figure(fig: Figure | None, figsize: tuple[float, float]) -> Figure:
    """``fig`` itself, or a new pyplot figure of ``figsize``. A widget passes a bare Figure (no
    pyplot: nothing is left open for the next cell to show); a notebook passes None."""
    return plt.figure(figsize=figsize) if fig is None else fig


def image_grid(images: np.ndarray, titles: Sequence[object] | None = None, *, ncols: int = 10,
               shape: tuple[int, int] | None = None, cmap: str = "gray_r", size: float = 1.2,
               suptitle: str | None = None, vmin: float | None = None,
               vmax: float | None = None) -> Figure:
    """Show images (N, H, W), or rows (N, H*W) with ``shape=(H, W)``, in a grid with titles."""
    images = np.asarray(images)
    if shape is not None:
        images = images.reshape(len(images), *shape)
    if images.ndim != 3:
        raise ValueError(f"image_grid: expected images (N, H, W) or rows with shape=, got {images.shape}")
    ncols = min(ncols, len(images))
    nrows = -(-len(images) // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(size * ncols, size * nrows * 1.15), squeeze=False)
    for i, ax in enumerate(axes.flat):
        ax.axis("off")
        if i < len(images):
            ax.imshow(images[i], cmap=cmap, vmin=vmin, vmax=vmax)
            if titles is not None:
                ax.set_title(str(titles[i]), fontsize=9)
    if suptitle:
        fig.suptitle(suptitle)
    fig.tight_layout()
    return fig


def plot_history(history: dict[str, list[float]], *, title: str = "Training curves") -> Figure:
    """Loss (left) and accuracy (right) per epoch, for every series in a Learner's history."""
    fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(10, 3.5))
    for key, values in history.items():
        if key == "batch_loss" or not values:
            continue
        ax = ax_acc if key.endswith("acc") else ax_loss
        epochs = np.arange(1, len(values) + 1)
        name = "train" if key in ("loss", "acc") else key.rsplit("_", 1)[0]
        ax.plot(epochs, values, marker="o", ms=3, label=name)
    for ax, what in ((ax_loss, "loss"), (ax_acc, "accuracy")):
        ax.set_xlabel("epoch")
        ax.set_ylabel(what)
        ax.set_title(f"{title}: {what}")
        if ax.lines:
            ax.legend()
    fig.tight_layout()
    return fig


def plot_confusion_matrix(cm: np.ndarray, *, labels: Sequence[object] | None = None,
                          ax: Axes | None = None, title: str = "Confusion matrix") -> Axes:
    """A confusion matrix (C, C) as an annotated heatmap: rows true class, columns predicted."""
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 5))
    labels = list(range(len(cm))) if labels is None else list(labels)
    sns.heatmap(cm, annot=True, fmt="d", cmap="Blues", xticklabels=labels, yticklabels=labels,
                cbar_kws={"label": "count"}, ax=ax)
    ax.set_xlabel("predicted class")
    ax.set_ylabel("true class")
    ax.set_title(title)
    return ax


def grid_over(X: np.ndarray, resolution: int = 200, padding: float = 0.1):
    """A regular grid covering the 2-D points X: returns (xx, yy, points (resolution^2, 2))."""
    lo, hi = X.min(axis=0), X.max(axis=0)
    pad = padding * (hi - lo)
    xx, yy = np.meshgrid(np.linspace(lo[0] - pad[0], hi[0] + pad[0], resolution),
                         np.linspace(lo[1] - pad[1], hi[1] + pad[1], resolution))
    return xx, yy, np.column_stack([xx.ravel(), yy.ravel()])


def plot_decision_regions(predict: Callable[[np.ndarray], np.ndarray], X: np.ndarray,
                          y: np.ndarray, *, ax: Axes | None = None, resolution: int = 200,
                          title: str = "Decision regions", cmap: str = "tab10") -> Axes:
    """Colour the plane by ``predict(points) -> labels (M,)`` and scatter the data on top."""
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 5))
    xx, yy, points = grid_over(X, resolution)
    regions = np.asarray(predict(points)).reshape(xx.shape)
    classes = np.unique(np.concatenate([np.unique(y), np.unique(regions)]))
    colours = plt.get_cmap(cmap)(np.arange(classes.max() + 1))
    ax.contourf(xx, yy, regions, levels=np.arange(classes.max() + 2) - 0.5,
                colors=colours, alpha=0.25)
    for c in np.unique(y):
        ax.scatter(*X[y == c].T, s=8, color=colours[c], label=f"class {c}")
    ax.set(xlabel="$x_1$", ylabel="$x_2$", title=title, aspect="equal")
    ax.legend(loc="upper right", fontsize=8)
    return ax


def plot_probability_contours(prob: Callable[[np.ndarray], np.ndarray], X: np.ndarray,
                              y: np.ndarray, *, ax: Axes | None = None, resolution: int = 200,
                              title: str = "P(class 1)") -> Axes:
    """Filled contours of ``prob(points) -> P(class 1) (M,)`` with the two classes on top."""
    if ax is None:
        _, ax = plt.subplots(figsize=(5.5, 4.5))
    xx, yy, points = grid_over(X, resolution)
    p = np.asarray(prob(points)).reshape(xx.shape)
    filled = ax.contourf(xx, yy, p, levels=np.linspace(0, 1, 11), cmap="RdBu_r", alpha=0.6)
    ax.contour(xx, yy, p, levels=[0.5], colors="k", linewidths=1.5)
    ax.figure.colorbar(filled, ax=ax, label="P(class 1)")
    for c, colour in ((0, "tab:blue"), (1, "tab:red")):
        ax.scatter(*X[y == c].T, s=6, color=colour, edgecolor="none", label=f"class {c}")
    ax.set(xlabel="$x_1$", ylabel="$x_2$", title=title)
    ax.legend(loc="upper right", fontsize=8)
    return ax


def show_weights(W: np.ndarray, shape: tuple[int, int] = (28, 28),
                 titles: Sequence[object] | None = None, *, ncols: int = 10,
                 suptitle: str | None = None) -> Figure:
    """Each column of W (D, M) as an image of ``shape``, red positive and blue negative, on a
    colour scale symmetric around zero so that white means "no influence"."""
    W = np.asarray(W)
    if W.shape[0] != shape[0] * shape[1]:
        raise ValueError(f"show_weights: W has {W.shape[0]} rows but shape {shape} needs "
                         f"{shape[0] * shape[1]}")
    m = np.abs(W).max()
    return image_grid(W.T, titles, ncols=ncols, shape=shape, cmap="RdBu_r", vmin=-m, vmax=m,
                      suptitle=suptitle)


def use_course_style() -> None:
    """The course's plotting defaults: one call in each notebook's setup cell."""
    sns.set_theme(context="notebook", style="whitegrid", palette="tab10")
    plt.rcParams.update({"figure.figsize": (6.4, 4.0), "figure.dpi": 90, "axes.titlesize": 12,
                         "image.interpolation": "nearest", "axes.grid": True})


def show_perturbations(x: np.ndarray, x_adv: np.ndarray, titles: Sequence[object] | None = None,
                       adv_titles: Sequence[object] | None = None, *,
                       shape: tuple[int, int] = (28, 28), suptitle: str | None = None) -> Figure:
    """Originals (top row), perturbations x_adv - x (middle, red adds ink, blue removes it, on a
    colour scale symmetric around zero) and the perturbed images (bottom). Shapes: (N, H*W) each."""
    x, x_adv = np.asarray(x), np.asarray(x_adv)
    if x.shape != x_adv.shape or x.ndim != 2:
        raise ValueError(f"show_perturbations: x and x_adv must be rows of the same shape (N, H*W), "
                         f"got {x.shape} and {x_adv.shape}")
    delta = x_adv - x
    m = max(float(np.abs(delta).max()), 1e-12)
    fig, axes = plt.subplots(3, len(x), figsize=(1.6 * len(x) + 1.5, 6.6), squeeze=False)
    fig.subplots_adjust(hspace=0.6, top=0.85, left=0.08)
    for i in range(len(x)):
        axes[0, i].imshow(x[i].reshape(shape), cmap="gray_r", vmin=0, vmax=1)
        shown = axes[1, i].imshow(delta[i].reshape(shape), cmap="RdBu_r", vmin=-m, vmax=m)
        axes[2, i].imshow(x_adv[i].reshape(shape), cmap="gray_r", vmin=0, vmax=1)
        axes[0, i].set_title("" if titles is None else str(titles[i]), fontsize=9)
        axes[1, i].set_title(f"|d| = {np.linalg.norm(delta[i]):.2f}", fontsize=9)
        axes[2, i].set_title("" if adv_titles is None else str(adv_titles[i]), fontsize=9)
    for ax in axes.flat:
        ax.set_xticks([])
        ax.set_yticks([])
        ax.grid(False)
    for row, name in enumerate(("original", "perturbation", "perturbed")):
        axes[row, 0].set_ylabel(name)
    fig.colorbar(shown, ax=axes[1, :], fraction=0.02, pad=0.01, label="change of pixel value")
    if suptitle:
        fig.suptitle(suptitle)
    return fig


def image_rows(rows: Sequence[np.ndarray], row_labels: Sequence[str], *,
               shape: tuple[int, int] = (28, 28), centred: bool | Sequence[bool] = False,
               col_labels: Sequence[object] | None = None, size: float = 1.1,
               suptitle: str | None = None) -> Figure:
    """A grid of images with one labelled row per array of ``rows`` (each (K, H*W) or (K, H, W)).

    A ``centred`` row (weights, gradients) is drawn red for positive and blue for negative on a
    scale symmetric around zero, shared by the row and shown by a colour bar; any other row is
    drawn in grey, ink dark, from the row's minimum to its maximum.
    """
    rows = [np.asarray(r).reshape(len(r), *shape) for r in rows]
    centred = [centred] * len(rows) if isinstance(centred, bool) else list(centred)
    if not len(rows) == len(row_labels) == len(centred):
        raise ValueError(f"image_rows: {len(rows)} rows, {len(row_labels)} labels and "
                         f"{len(centred)} centred flags must be as many")
    ncols = max(len(r) for r in rows)
    fig, axes = plt.subplots(len(rows), ncols, figsize=(size * ncols + 1.2, size * len(rows) + 0.6),
                             squeeze=False, layout="constrained")
    for axes_row, images, label, centre in zip(axes, rows, row_labels, centred, strict=True):
        m = max(float(np.abs(images).max()), 1e-12)
        scale = dict(cmap="RdBu_r", vmin=-m, vmax=m) if centre else \
            dict(cmap="gray_r", vmin=float(images.min()), vmax=float(images.max()))
        for j, ax in enumerate(axes_row):
            ax.set_xticks([])
            ax.set_yticks([])
            ax.grid(False)
            if j < len(images):
                shown = ax.imshow(images[j], **scale)
            else:
                ax.set_axis_off()
        axes_row[0].set_ylabel(label, fontsize=9)
        if centre:
            fig.colorbar(shown, ax=list(axes_row), fraction=0.02, pad=0.01)
    if col_labels is not None:
        for ax, text in zip(axes[0], col_labels, strict=False):
            ax.set_title(str(text), fontsize=9)
    if suptitle:
        fig.suptitle(suptitle)
    return fig
