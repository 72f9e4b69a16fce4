"""Data sets of the course, all available offline, and the helpers that prepare them.

MNIST ships inside the package (``nnlib/datafiles/mnist``, IDX files as distributed by LeCun,
Cortes and Burges, CC BY-SA 3.0) and is verified against its SHA-256 checksums on every load;
the 8x8 digits come with scikit-learn; the 2-D toy sets are generated from an explicit ``rng``.
"""

from __future__ import annotations

import gzip
import hashlib
from pathlib import Path

import numpy as np

from .validation import as_array

MNIST_DIR = Path(__file__).parent / "datafiles" / "mnist"
ANNULI_RADII = (0.2, 0.6, 1.0)


def _read_checksums(folder: Path) -> dict[str, str]:
    lines = (folder / "SHA256SUMS").read_text().split("\n")
    return {name: digest for digest, name in (line.split() for line in lines if line.strip())}


def read_idx(path: Path, expected_sha256: str | None = None) -> np.ndarray:
    """Read a gzip-compressed IDX file (MNIST's format) into a uint8 array.

    The header is a big-endian magic number (0x00 0x00 0x08 ndim, 0x08 meaning unsigned bytes)
    followed by one uint32 per dimension; the data follow in C order.
    """
    path = Path(path)
    raw = path.read_bytes()
    if expected_sha256 is not None:
        actual = hashlib.sha256(raw).hexdigest()
        if actual != expected_sha256:
            raise ValueError(f"{path.name}: SHA-256 checksum mismatch (file corrupted or "
                             f"truncated): expected {expected_sha256}, got {actual}")
    try:
        data = gzip.decompress(raw)
    except (OSError, EOFError) as err:
        raise ValueError(f"{path.name}: not a complete gzip file ({err})") from err
    if len(data) < 4 or data[:2] != b"\x00\x00" or data[2] != 0x08:
        raise ValueError(f"{path.name}: not an IDX file of unsigned bytes (bad magic number)")
    ndim = data[3]
    shape = tuple(int(d) for d in np.frombuffer(data, dtype=">u4", count=ndim, offset=4))
    offset = 4 + 4 * ndim
    if len(data) - offset != int(np.prod(shape)):
        raise ValueError(f"{path.name}: header promises shape {shape} "
                         f"({int(np.prod(shape))} bytes) but {len(data) - offset} bytes follow")
    return np.frombuffer(data, dtype=np.uint8, offset=offset).reshape(shape)


def load_mnist(folder: Path | str = MNIST_DIR) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """MNIST as ``(x_train, y_train, x_test, y_test)``, read from the files shipped with nnlib.

    Shapes: x_train (60000, 28, 28) uint8, y_train (60000,) int64, x_test (10000, 28, 28) uint8,
    y_test (10000,) int64. Pixels run from 0 (background) to 255 (ink): see ``normalize_pixels``.
    Labels are widened to int64 so that arithmetic on them cannot wrap around as uint8 does.
    """
    folder = Path(folder)
    sums = _read_checksums(folder)
    x_train, y_train, x_test, y_test = (read_idx(folder / name, sums[name]) for name in (
        "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
        "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"))
    return x_train, y_train.astype(np.int64), x_test, y_test.astype(np.int64)


def load_digits() -> tuple[np.ndarray, np.ndarray]:
    """scikit-learn's 1797 handwritten digits: images (1797, 8, 8) uint8 in 0..16, labels (1797,)."""
    from sklearn.datasets import load_digits as sklearn_digits

    digits = sklearn_digits()
    return digits.images.astype(np.uint8), digits.target.astype(np.int64)


def normalize_pixels(images: np.ndarray, *, max_value: float = 255.0, dtype: type = np.float32,
                     flatten: bool = True) -> np.ndarray:
    """Scale pixels to [0, 1] as ``dtype``, and flatten each image to a row (N, H*W) by default."""
    images = as_array(images, "normalize_pixels", "images")
    x = images.astype(dtype) / dtype(max_value)
    return x.reshape(len(x), -1) if flatten else x


def one_hot(y: np.ndarray, num_classes: int | None = None, dtype: type = np.float64) -> np.ndarray:
    """Integer labels (N,) to one-hot rows (N, C): row n is all zeros but a 1 in column y[n]."""
    y = as_array(y, "one_hot", "labels")
    if y.ndim != 1 or not np.issubdtype(y.dtype, np.integer):
        raise ValueError(f"one_hot: labels must be integers of shape (N,), got {y.dtype} {y.shape}")
    c = int(y.max()) + 1 if num_classes is None else num_classes
    if len(y) and (y.min() < 0 or y.max() >= c):
        raise ValueError(f"one_hot: labels must lie in 0..{c - 1}, got values in "
                         f"{int(y.min())}..{int(y.max())}")
    out = np.zeros((len(y), c), dtype=dtype)
    out[np.arange(len(y)), y] = 1
    return out


def train_val_split(X: np.ndarray, y: np.ndarray, val_fraction: float = 0.2, *,
                    rng: np.random.Generator | int | None = None):
    """Shuffle, then split into ``X_train, X_val, y_train, y_val`` (scikit-learn's order)."""
    if len(X) != len(y):
        raise ValueError(f"train_val_split: X has {len(X)} rows but y has {len(y)}")
    if not 0 < val_fraction < 1:
        raise ValueError(f"train_val_split: val_fraction must be in (0, 1), got {val_fraction}")
    order = np.random.default_rng(rng).permutation(len(X))
    n_val = max(1, round(val_fraction * len(X)))
    val, train = order[:n_val], order[n_val:]
    return X[train], X[val], y[train], y[val]


def make_annuli(n: int = 1000, noise: float = 0.1,
                rng: np.random.Generator | int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Three classes of concentric rings: a disc (class 0) inside two rings (classes 1 and 2).

    A point of class k has a uniform angle and radius |R_k + noise * e|, e ~ N(0, 1), with R =
    ``ANNULI_RADII``. Classes take turns, so each has n/3 points. Shapes: X (n, 2), y (n,).
    """
    rng = np.random.default_rng(rng)
    y = np.arange(n) % 3
    rng.shuffle(y)
    radius = np.abs(np.take(ANNULI_RADII, y) + noise * rng.standard_normal(n))
    angle = rng.uniform(0, 2 * np.pi, n)
    return np.column_stack([radius * np.cos(angle), radius * np.sin(angle)]), y


def annuli_posterior(X: np.ndarray, noise: float) -> np.ndarray:
    """p(class | x) under ``make_annuli``'s generator: the best any classifier can know.

    The angle is uniform whatever the class, so only the radius r carries information, and its
    density given class k is the folded normal N(R_k, noise^2) on r >= 0. Shapes: X (N, 2) -> (N, 3).
    """
    r = np.hypot(X[:, 0], X[:, 1])[:, None]
    R = np.asarray(ANNULI_RADII)
    log_dens = np.logaddexp(-0.5 * ((r - R) / noise) ** 2, -0.5 * ((r + R) / noise) ** 2)
    log_dens -= log_dens.max(axis=1, keepdims=True)
    dens = np.exp(log_dens)
    return dens / dens.sum(axis=1, keepdims=True)


def annuli_bayes_accuracy(noise: float) -> float:
    """The Bayes rate of ``make_annuli``: the expected accuracy of the best possible classifier.

    Integrates P(correct) = integral of max_k p(r | k) / 3 over the radius, on a fine grid.
    """
    r = np.linspace(0, max(ANNULI_RADII) + 12 * noise, 200_001)
    R = np.asarray(ANNULI_RADII)[:, None]
    dens = (np.exp(-0.5 * ((r - R) / noise) ** 2) + np.exp(-0.5 * ((r + R) / noise) ** 2))
    dens /= noise * np.sqrt(2 * np.pi)
    return float(np.trapezoid(dens.max(axis=0) / len(R), r))


def make_xor(n: int = 200, noise: float = 0.2,
             rng: np.random.Generator | int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Four Gaussian blobs at (+-1, +-1); the label is 1 where exactly one coordinate is positive.

    No straight line separates the classes, so a network needs a hidden layer. Shapes: X (n, 2), y (n,).
    """
    rng = np.random.default_rng(rng)
    centres = rng.choice([-1.0, 1.0], size=(n, 2))
    y = (centres[:, 0] != centres[:, 1]).astype(np.int64)
    return centres + noise * rng.standard_normal((n, 2)), y


def make_spirals(n: int = 300, classes: int = 3, noise: float = 0.2,
                 rng: np.random.Generator | int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Interleaved spiral arms, one per class (CS231n's toy set). Shapes: X (n, 2), y (n,)."""
    rng = np.random.default_rng(rng)
    y = np.arange(n) % classes
    t = rng.uniform(0, 1, n)
    angle = 4 * t + 2 * np.pi * y / classes + noise * rng.standard_normal(n)
    return np.column_stack([t * np.cos(angle), t * np.sin(angle)]), y
