"""Images in grids: digits, weights seen as images, perturbations and labelled rows of images.

Each function returns the Figure it drew. Small panels are titled in ``SMALL_FONT``, and a grid
never grows wider than ``MAX_WIDTH`` (the notebook would shrink it, and its text with it).
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from .plotstyle import MAX_WIDTH, SMALL_FONT, fail, finite_array, images_of, titles_of

LINE = SMALL_FONT * 1.4 / 72  # inches: the height of one line of a small title


def image_grid(images: np.ndarray, titles: Sequence[object] | None = None, *, ncols: int = 10,
               shape: tuple[int, int] | None = None, cmap: str = "gray_r", size: float = 1.2,
               suptitle: str | None = None, vmin: float | None = None,
               vmax: float | None = None, colorbar: str | None = None) -> Figure:
    """Show images (N, H, W), or rows (N, H*W) with ``shape=(H, W)``, in a grid with titles.

    Each image is ``size`` inches wide, less if the grid would be wider than ``MAX_WIDTH``; each
    row is made tall enough for its titles, in ``SMALL_FONT``. ``colorbar`` labels a colour bar.
    """
    images = images_of(images, "image_grid", "images", shape)
    titles = titles_of(titles, len(images), "image_grid")
    if ncols < 1 or size <= 0:
        fail("image_grid", "ncols and size", "positive", f"ncols={ncols}, size={size}")
    ncols = min(ncols, len(images))
    nrows = -(-len(images) // ncols)
    size = min(size, (MAX_WIDTH - (1.0 if colorbar else 0)) / ncols)
    title_height = max(t.count("\n") + 1 if t else 0 for t in titles) * LINE
    fig, axes = plt.subplots(nrows, ncols, squeeze=False, layout="constrained",
                             figsize=(size * ncols + (1.0 if colorbar else 0),
                                      nrows * (size + title_height + 0.1) + (0.4 if suptitle else 0)))
    for i, ax in enumerate(axes.flat):
        ax.axis("off")
        if i < len(images):
            shown = ax.imshow(images[i], cmap=cmap, vmin=vmin, vmax=vmax)
            ax.set_title(titles[i], fontsize=SMALL_FONT)
    if colorbar:
        fig.colorbar(shown, ax=axes, label=colorbar, shrink=0.9)
    if suptitle:
        fig.suptitle(suptitle)
    return fig


def show_weights(W: np.ndarray, shape: tuple[int, int] = (28, 28),
                 titles: Sequence[object] | None = None, *, ncols: int = 10,
                 suptitle: str | None = None) -> Figure:
    """Each column of W (D, M) as an image of ``shape``, red positive and blue negative, on a
    colour scale symmetric around zero so that white means "no influence"."""
    W = finite_array(W, "show_weights", "W")
    if W.ndim != 2 or W.shape[0] != shape[0] * shape[1]:
        fail("show_weights", "W", f"(D, M) with D = {shape[0] * shape[1]} rows for shape {shape}",
             f"shape {W.shape}")
    m = max(float(np.abs(W).max()), 1e-12)
    return image_grid(W.T, titles, ncols=ncols, shape=shape, cmap="RdBu_r", vmin=-m, vmax=m,
                      suptitle=suptitle, colorbar="weight")


def show_perturbations(x: np.ndarray, x_adv: np.ndarray, titles: Sequence[object] | None = None,
                       adv_titles: Sequence[object] | None = None, *,
                       shape: tuple[int, int] = (28, 28), suptitle: str | None = None,
                       symbol: str | None = None) -> Figure:
    """Originals (top row), perturbations x_adv - x (middle, red adds ink, blue removes it, on a
    colour scale symmetric around zero) and the perturbed images (bottom). Each perturbation is
    titled with its size: ``|d|`` (the L2 norm), or with ``symbol`` (TeX, e.g. r"\\delta") its L2
    and max norms written out. Shapes: x, x_adv (N, H*W) each."""
    x = images_of(x, "show_perturbations", "x", shape)
    x_adv = images_of(x_adv, "show_perturbations", "x_adv", shape)
    if x.shape != x_adv.shape:
        fail("show_perturbations", "x and x_adv", "rows of the same shape (N, H*W)",
             f"{x.shape} and {x_adv.shape}")
    titles = titles_of(titles, len(x), "show_perturbations")
    adv_titles = titles_of(adv_titles, len(x), "show_perturbations", "adv_titles")
    delta = x_adv - x
    m = max(float(np.abs(delta).max()), 1e-12)
    width = min(1.5 * len(x) + 1.2, MAX_WIDTH)
    lines = sum(max(t.count("\n") + 1 for t in row) for row in (titles, adv_titles))
    lines += 1 if symbol is None else 2
    fig, axes = plt.subplots(3, len(x), squeeze=False, layout="constrained", figsize=(
        width, 3 * (width - 1.2) / len(x) + lines * LINE + (0.9 if suptitle else 0.5)))
    for i, d in enumerate(delta):
        l2, lmax = np.linalg.norm(d), np.abs(d).max()
        size = f"|d| = {l2:.2f}" if symbol is None else \
            f"$\\|{symbol}\\|_2$ = {l2:.2f}\n$\\|{symbol}\\|_\\infty$ = {lmax:.2f}"
        for row, (image, title, scale) in enumerate((
                (x[i], titles[i], dict(cmap="gray_r", vmin=0, vmax=1)),
                (d, size, dict(cmap="RdBu_r", vmin=-m, vmax=m)),
                (x_adv[i], adv_titles[i], dict(cmap="gray_r", vmin=0, vmax=1)))):
            shown = axes[row, i].imshow(image, **scale)
            axes[row, i].set_title(title, fontsize=SMALL_FONT)
            if row == 1:
                delta_image = shown
    for ax in axes.flat:
        ax.set(xticks=[], yticks=[])
        ax.grid(False)
    for row, name in enumerate(("original", "perturbation", "perturbed")):
        axes[row, 0].set_ylabel(name)
    fig.colorbar(delta_image, ax=axes[1, :], fraction=0.03, pad=0.01, label="change of\npixel value")
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
    drawn in grey, ink dark, from the row's minimum to its maximum. Row labels are written
    across, left of their row, so that a long one is not cut off by the row's height.
    """
    rows = [images_of(r, "image_rows", f"rows[{i}]", None if np.ndim(r) == 3 else shape)
            for i, r in enumerate(rows)]
    centred = [centred] * len(rows) if isinstance(centred, bool) else list(centred)
    if not len(rows) == len(row_labels) == len(centred) or not rows:
        fail("image_rows", "rows, row_labels and centred", "as many (at least one)",
             f"{len(rows)} rows, {len(row_labels)} labels and {len(centred)} centred flags")
    ncols = max(len(r) for r in rows)
    if col_labels is not None and len(col_labels) > ncols:
        fail("image_rows", "col_labels", f"at most one per column ({ncols})", len(col_labels))
    size = min(size, (MAX_WIDTH - 2.2) / ncols)
    fig, axes = plt.subplots(len(rows), ncols, squeeze=False, layout="constrained",
                             figsize=(size * ncols + 2.2, (size + 0.15) * len(rows) + 0.9))
    for axes_row, images, label, centre in zip(axes, rows, row_labels, centred, strict=True):
        m = max(float(np.abs(images).max()), 1e-12)
        scale = dict(cmap="RdBu_r", vmin=-m, vmax=m) if centre else \
            dict(cmap="gray_r", vmin=float(images.min()), vmax=float(images.max()))
        for j, ax in enumerate(axes_row):
            ax.set(xticks=[], yticks=[])
            ax.grid(False)
            if j < len(images):
                shown = ax.imshow(images[j], **scale)
            else:
                ax.set_axis_off()
        axes_row[0].set_ylabel(label, fontsize=SMALL_FONT, rotation=0, ha="right", va="center")
        if centre:
            fig.colorbar(shown, ax=list(axes_row), fraction=0.02, pad=0.01)
    for ax, text in zip(axes[0], [] if col_labels is None else col_labels, strict=False):
        ax.set_title(str(text), fontsize=SMALL_FONT)
    if suptitle:
        fig.suptitle(suptitle)
    return fig
