"""The course's look, in one place: colours, markers, sizes, and the checks every figure makes.

Every figure is drawn for every reader. Classes get colour-blind-safe colours (Okabe and Ito,
2008) *and* a marker each, so that colour is never the only cue; points keep a dark edge and sit
on light class tints (decision regions) or on neutral greys (probabilities), never on a fill of
their own hue; a confusion matrix colours only its errors. tests/test_colour_vision.py measures
these colours under simulated deuteranopia, protanopia and tritanopia. No text is smaller than
9 pt, and Jupyter shows PNGs of twice the screen resolution ("retina"): sharp on a HiDPI screen
and on a projector. (Not SVG: nbval would compare its text, which changes with matplotlib.)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NoReturn

import matplotlib.pyplot as plt
import numpy as np
from cycler import cycler
from matplotlib.colors import LinearSegmentedColormap, to_rgb
from matplotlib.figure import Figure

from nnlib._validation import as_array, check_finite

FIGURE_DPI = 90            # a figure's size on screen: inches x FIGURE_DPI = CSS pixels
PNG_DPI = 2 * FIGURE_DPI   # pixels per inch of a PNG shown at that size ("retina")
MIN_FONT = 9               # points: no text is smaller
SMALL_FONT = 10            # points: titles of small panels (image grids)
MAX_WIDTH = 10.0           # inches: a wider figure is shrunk to fit the notebook, text and all

# Okabe-Ito blue, vermillion and sky blue. The least distinct pair, 0 and 2, are the inner disc
# and the outer ring of the annuli, which never touch.
CLASS_COLOURS = np.array([to_rgb(c) for c in ("#0072B2", "#D55E00", "#56B4E9")])  # RGB (3, 3)
CLASS_COLOURS.flags.writeable = False
CLASS_MARKERS = ("o", "s", "^")
EDGE_COLOUR = "#1a1a1a"    # the edge every point keeps, and the outline of every region
REGION_TINT = 0.2          # a decision region is 20 % of its class colour on white
CLASS_FILLS = 1 - REGION_TINT * (1 - CLASS_COLOURS)
PROBABILITY_CMAP = LinearSegmentedColormap.from_list("course_probability", ["1.0", "0.7"])
ERROR_CMAP = "Reds"        # a confusion matrix's errors; its diagonal is DIAGONAL_COLOUR
DIAGONAL_COLOUR = "0.9"
LINE_COLOURS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#56B4E9", "#E69F00", "#000000"]


# seaborn's "whitegrid" style in its "notebook" context, written out: importing seaborn (which
# imports scipy and pandas) cost every lesson's kernel about 100 MB of a 2 GB Binder for these
# few settings. The default colour map is viridis (seaborn's was its own "rocket").
WHITEGRID = {
    "figure.facecolor": "white", "axes.facecolor": "white", "axes.edgecolor": ".8",
    "axes.labelcolor": ".15", "text.color": ".15", "xtick.color": ".15", "ytick.color": ".15",
    "axes.grid": True, "grid.color": ".8", "grid.linestyle": "-", "axes.axisbelow": True,
    "xtick.direction": "out", "ytick.direction": "out", "xtick.top": False, "ytick.right": False,
    "xtick.bottom": False, "ytick.left": False, "lines.solid_capstyle": "round",
    "patch.edgecolor": "w", "patch.force_edgecolor": True, "image.cmap": "viridis",
    "font.family": ["sans-serif"],
    "font.sans-serif": ["Arial", "DejaVu Sans", "Liberation Sans", "Bitstream Vera Sans", "sans-serif"],
    "axes.linewidth": 1.25, "grid.linewidth": 1, "lines.linewidth": 1.5, "lines.markersize": 6,
    "patch.linewidth": 1, "xtick.major.width": 1.25, "ytick.major.width": 1.25,
    "xtick.minor.width": 1, "ytick.minor.width": 1, "xtick.major.size": 6, "ytick.major.size": 6,
    "xtick.minor.size": 4, "ytick.minor.size": 4, "font.size": 12, "axes.labelsize": 12,
    "axes.titlesize": 12, "xtick.labelsize": 11, "ytick.labelsize": 11, "legend.fontsize": 11,
    "legend.title_fontsize": 12,
}


def use_course_style() -> None:
    """The course's plotting defaults: one call in each notebook's setup cell."""
    plt.rcParams.update(WHITEGRID)
    plt.rcParams["axes.prop_cycle"] = cycler(color=LINE_COLOURS)
    plt.rcParams.update({"figure.figsize": (6.4, 4.0), "figure.dpi": FIGURE_DPI,
                         "axes.titlesize": 13, "figure.titlesize": 14, "legend.fontsize": 10,
                         "image.interpolation": "nearest", "axes.grid": True})
    try:  # Jupyter: retina PNGs from the inline backend; anywhere else there is nothing to do
        from IPython import get_ipython
        from matplotlib_inline.config import InlineBackend
    except ImportError:
        return
    if get_ipython() is not None:  # the backend reads this setting whether it starts before or after
        InlineBackend.instance().figure_formats = {"retina"}


def new_figure(fig: Figure | None, figsize: tuple[float, float]) -> Figure:
    """``fig`` itself, or a new pyplot figure of ``figsize``. A widget passes a bare Figure (no
    pyplot: nothing is left open for the next cell to show); a notebook passes None. A widget
    draws on ``Figure(figsize, dpi=FIGURE_DPI)`` and saves its PNG with ``dpi=PNG_DPI``."""
    if fig is not None and not isinstance(fig, Figure):
        raise ValueError(f"new_figure: fig must be a matplotlib Figure or None, got {type(fig).__name__}")
    return plt.figure(figsize=figsize) if fig is None else fig


def relative_luminance(rgb: object) -> np.ndarray:
    """The WCAG relative luminance of sRGB colours (..., 3) in [0, 1]: 0 black, 1 white."""
    rgb = np.asarray(rgb, dtype=np.float64)
    linear = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    return linear @ np.array([0.2126, 0.7152, 0.0722])


# --- Input checks: a mistake is reported by the function it was made in, before any drawing ----

def fail(who: str, what: str, expected: str, got: object) -> NoReturn:
    raise ValueError(f"{who}: {what} must be {expected}, got {got}")


def finite_array(x: object, who: str, what: str) -> np.ndarray:
    """``x`` as a non-empty array of finite numbers."""
    arr = as_array(x, who, what)
    if arr.size == 0:
        fail(who, what, "non-empty", f"shape {arr.shape}")
    check_finite(arr, who, what)
    return arr


def images_of(x: object, who: str, what: str, shape: tuple[int, int] | None) -> np.ndarray:
    """Images (N, H, W), or rows (N, H*W) reshaped to ``shape``; finite, N >= 1."""
    arr = finite_array(x, who, what)
    if shape is not None:
        if arr.ndim != 2 or arr.shape[1] != shape[0] * shape[1]:
            fail(who, what, f"rows (N, {shape[0] * shape[1]}) for shape={shape}", f"shape {arr.shape}")
        arr = arr.reshape(len(arr), *shape)
    if arr.ndim != 3:
        fail(who, what, "images (N, H, W), or rows (N, H*W) with shape=(H, W)", f"shape {arr.shape}")
    return arr


def points_of(X: object, who: str, dims: tuple[int, ...] = (2,)) -> np.ndarray:
    """Points (N, D) with D in ``dims``; finite, N >= 1."""
    X = finite_array(X, who, "X")
    if X.ndim != 2 or X.shape[1] not in dims:
        fail(who, "X", f"points of shape (N, {' or '.join(map(str, dims))})", f"shape {X.shape}")
    return X


def labels_of(y: object, n: int, who: str, what: str = "y",
              num_classes: int = len(CLASS_COLOURS)) -> np.ndarray:
    """One integer class label per point, (n,) or (n, 1), in 0 .. num_classes - 1; returns (n,)."""
    y = finite_array(y, who, what)
    if y.shape not in ((n,), (n, 1)):
        fail(who, what, f"one label per point, shape ({n},)", f"shape {y.shape}")
    y = y.reshape(n)
    if np.any(y != np.round(y)) or y.min() < 0 or y.max() >= num_classes:
        fail(who, what, f"integer class labels 0 .. {num_classes - 1} (one colour and marker each)",
             f"values from {y.min()} to {y.max()}")
    return y.astype(np.int64)


def titles_of(titles: Sequence[object] | None, n: int, who: str, what: str = "titles") -> list[str]:
    """One title per image as strings ("" for all if ``titles`` is None)."""
    if titles is None:
        return [""] * n
    if len(titles) != n:
        fail(who, what, f"one per image ({n})", len(titles))
    return [str(t) for t in titles]
