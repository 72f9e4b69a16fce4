"""Data sets of the course, all available offline, and the helper that prepares images.

MNIST ships inside the package (``nncourse/datafiles/mnist``, IDX files as distributed by LeCun,
Cortes and Burges, CC BY-SA 3.0) and is verified against its SHA-256 checksums on every load;
the 8x8 digits come with scikit-learn; the 2-D toy sets are generated from an explicit ``rng``
(the annuli of lesson 03 live with their lesson, in ``nncourse.annuli``).
"""

from __future__ import annotations

import gzip
import hashlib
import io
from pathlib import Path

import numpy as np

from nnlib._validation import as_array, check_finite, check_number, float_dtype, make_rng, positive_int

MNIST_DIR = Path(__file__).parent / "datafiles" / "mnist"


def _read_checksums(folder: Path) -> dict[str, str]:
    lines = (folder / "SHA256SUMS").read_text().split("\n")
    return {name: digest for digest, name in (line.split() for line in lines if line.strip())}


def read_idx(path: Path, expected_sha256: str | None = None, *, rows: slice | None = None) -> np.ndarray:
    """Read a gzip-compressed IDX file (MNIST's format) into a uint8 array.

    The header is a big-endian magic number (0x00 0x00 0x08 ndim, 0x08 meaning unsigned bytes)
    followed by one uint32 per dimension; the data follow in C order. ``rows``, a slice of the
    first axis such as ``slice(40_000, None)``, keeps only those rows: the others are
    decompressed on the way and dropped, so they never fill the memory.
    """
    if rows is not None and not (isinstance(rows, slice) and rows.step in (None, 1)):
        raise TypeError(f"read_idx: rows must be a slice of consecutive rows such as "
                        f"slice(40_000, None), got {rows!r}")
    path = Path(path)
    raw = path.read_bytes()
    if expected_sha256 is not None:
        actual = hashlib.sha256(raw).hexdigest()
        if actual != expected_sha256:
            raise ValueError(f"{path.name}: SHA-256 checksum mismatch (file corrupted or "
                             f"truncated): expected {expected_sha256}, got {actual}")
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(raw)) as file:
            head = file.read(4)
            if len(head) < 4 or head[:2] != b"\x00\x00" or head[2] != 0x08:
                raise ValueError(f"{path.name}: not an IDX file of unsigned bytes (bad magic number)")
            ndim = head[3]
            dims = file.read(4 * ndim)
            shape = tuple(int(d) for d in np.frombuffer(dims, dtype=">u4", count=len(dims) // 4))
            offset, row = 4 + 4 * ndim, int(np.prod(shape[1:]))
            start, stop, _ = (rows or slice(None)).indices(shape[0] if shape else 0)
            stop = max(start, stop)
            file.seek(offset + start * row)
            data = file.read((stop - start) * row)
            while file.read(1 << 20):  # the rest, to check that the file is whole
                pass
            following = file.tell() - offset
    except (OSError, EOFError) as err:
        raise ValueError(f"{path.name}: not a complete gzip file ({err})") from err
    if len(shape) != ndim or following != int(np.prod(shape)):
        raise ValueError(f"{path.name}: header promises shape {shape} "
                         f"({int(np.prod(shape))} bytes) but {following} bytes follow")
    return np.frombuffer(data, dtype=np.uint8).reshape((stop - start, *shape[1:]))


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
    """Scale pixels to [0, 1] as ``dtype``, and flatten each image to a row (N, H*W) by default.

    The pixels must lie in [0, max_value]. Float images already in [0, 1] are refused rather than
    divided again (a second call would darken every image to almost nothing)."""
    who = "normalize_pixels"
    images, dtype = as_array(images, who, "images"), float_dtype(dtype, who)
    check_number(max_value, who, "max_value", "a positive number", lambda v: v > 0)
    if images.dtype == bool or images.ndim < 2 or images.size == 0:
        raise ValueError(f"{who}: images must be a non-empty batch of pixel values, (N, H, W) or (N, D), "
                         f"got dtype {images.dtype} and shape {images.shape}")
    check_finite(images, who, "images")
    if images.min() < 0 or images.max() > max_value:
        raise ValueError(f"{who}: pixels must lie in [0, {max_value:g}] (max_value), got values in "
                         f"[{images.min():g}, {images.max():g}]")
    if images.dtype.kind == "f" and max_value > 1 and images.max() <= 1:
        raise ValueError(f"{who}: these images already lie in [0, 1] (normalised?); dividing by "
                         f"{max_value:g} again would make them almost blank")
    x = images.astype(dtype)
    x /= dtype.type(max_value)  # in place: a second full-size float copy would double the peak
    return x.reshape(len(x), -1) if flatten else x


def make_xor(n: int = 200, noise: float = 0.2,
             rng: np.random.Generator | int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Four Gaussian blobs at (+-1, +-1); the label is 1 where exactly one coordinate is positive.

    No straight line separates the classes, so a network needs a hidden layer. Shapes: X (n, 2), y (n,).
    """
    n, rng = positive_int(n, "make_xor", "n"), make_rng(rng, "make_xor")
    check_number(noise, "make_xor", "noise", "a number >= 0", lambda v: v >= 0)
    centres = rng.choice([-1.0, 1.0], size=(n, 2))
    y = (centres[:, 0] != centres[:, 1]).astype(np.int64)
    return centres + noise * rng.standard_normal((n, 2)), y
