"""Data sets: MNIST read from the shipped files and verified, toy sets, and the helpers."""

import gzip
import hashlib
import shutil

import numpy as np
import pytest

from nnlib.data import one_hot, train_val_split

from nncourse.annuli import annuli_bayes_accuracy, annuli_posterior, make_annuli
from nncourse.datasets import MNIST_DIR, load_digits, load_mnist, make_xor, normalize_pixels


@pytest.fixture(scope="module")
def mnist():
    return load_mnist()


def test_mnist_shapes_types_and_known_values(mnist):
    x_train, y_train, x_test, y_test = mnist
    assert x_train.shape == (60000, 28, 28) and x_test.shape == (10000, 28, 28)
    assert x_train.dtype == np.uint8 and y_train.shape == (60000,) and y_test.shape == (10000,)
    assert y_train[:10].tolist() == [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]  # the well-known first labels
    assert y_test[:5].tolist() == [7, 2, 1, 0, 4]
    assert np.bincount(y_train).tolist()[:3] == [5923, 6742, 5958]
    assert x_train.max() == 255 and x_train.min() == 0


def test_mnist_matches_the_published_md5_of_the_uncompressed_files():
    published = {"train-images-idx3-ubyte.gz": "6bbc9ace898e44ae57da46a324031adb",
                 "t10k-labels-idx1-ubyte.gz": "27ae3e4e09519cfbb04c329615203637"}
    for name, md5 in published.items():
        assert hashlib.md5(gzip.decompress((MNIST_DIR / name).read_bytes())).hexdigest() == md5


def test_mnist_licence_credit_is_shipped():
    text = (MNIST_DIR / "README.md").read_text()
    assert "LeCun" in text and "Attribution-Share Alike 3.0" in text


@pytest.fixture
def mnist_copy(tmp_path):
    folder = tmp_path / "mnist"
    shutil.copytree(MNIST_DIR, folder)
    return folder


def test_truncated_file_is_named_with_its_checksum(mnist_copy):
    path = mnist_copy / "t10k-labels-idx1-ubyte.gz"
    path.write_bytes(path.read_bytes()[:1000])
    with pytest.raises(ValueError, match=r"t10k-labels-idx1-ubyte\.gz: SHA-256 checksum mismatch"):
        load_mnist(mnist_copy)


def test_altered_file_is_named_with_both_checksums(mnist_copy):
    path = mnist_copy / "train-labels-idx1-ubyte.gz"
    expected = hashlib.sha256(path.read_bytes()).hexdigest()
    labels = bytearray(gzip.decompress(path.read_bytes()))
    labels[100] = (labels[100] + 1) % 10
    path.write_bytes(gzip.compress(bytes(labels)))
    actual = hashlib.sha256(path.read_bytes()).hexdigest()
    with pytest.raises(ValueError, match=f"train-labels.*expected {expected}, got {actual}"):
        load_mnist(mnist_copy)


def test_malformed_idx_files_are_reported(tmp_path):
    from nncourse.datasets import read_idx

    bad = tmp_path / "bad.gz"
    bad.write_bytes(gzip.compress(b"\x00\x00\x08\x01\x00\x00\x00\x05abc"))
    with pytest.raises(ValueError, match=r"bad\.gz: header promises shape \(5,\)"):
        read_idx(bad)
    bad.write_bytes(gzip.compress(b"\x12\x34\x56\x78"))
    with pytest.raises(ValueError, match="bad magic number"):
        read_idx(bad)
    bad.write_bytes(b"not gzip at all")
    with pytest.raises(ValueError, match="not a complete gzip file"):
        read_idx(bad)


def test_read_idx_keeps_only_the_rows_asked_for_and_still_checks_the_whole_file(tmp_path):
    from nncourse.datasets import MNIST_DIR, _read_checksums, read_idx

    name = "train-labels-idx1-ubyte.gz"
    whole = read_idx(MNIST_DIR / name, _read_checksums(MNIST_DIR)[name])
    for rows in (slice(40_000, None), slice(5, 8), slice(None, 3), slice(8, 5)):
        np.testing.assert_array_equal(read_idx(MNIST_DIR / name, rows=rows), whole[rows])
    images = read_idx(MNIST_DIR / "t10k-images-idx3-ubyte.gz", rows=slice(9_998, None))
    assert images.shape == (2, 28, 28) and images.dtype == np.uint8
    bad = tmp_path / "bad.gz"
    bad.write_bytes(gzip.compress(b"\x00\x00\x08\x01\x00\x00\x00\x05abc"))
    with pytest.raises(ValueError, match=r"header promises shape \(5,\)"):
        read_idx(bad, rows=slice(0, 2))  # the two rows asked for are there, the file is not whole
    bad.write_bytes((MNIST_DIR / name).read_bytes()[:-100])  # a truncated download
    with pytest.raises(ValueError, match="not a complete gzip file"):
        read_idx(bad, rows=slice(0, 10))


def test_digits():
    images, labels = load_digits()
    assert images.shape == (1797, 8, 8) and labels.shape == (1797,)
    assert images.max() == 16 and set(labels.tolist()) == set(range(10))


def test_normalize_pixels():
    images = np.array([[[0, 255], [51, 102]]], dtype=np.uint8)
    x = normalize_pixels(images)
    assert x.dtype == np.float32 and x.shape == (1, 4)
    np.testing.assert_allclose(x, [[0, 1, 0.2, 0.4]], rtol=1e-6)
    assert normalize_pixels(images, flatten=False, dtype=np.float64).shape == (1, 2, 2)


def test_one_hot():
    np.testing.assert_array_equal(one_hot(np.array([2, 0]), 3), [[0, 0, 1], [1, 0, 0]])
    assert one_hot(np.array([1, 3])).shape == (2, 4)
    with pytest.raises(ValueError, match=r"0\.\.2"):
        one_hot(np.array([0, 3]), 3)
    with pytest.raises(ValueError, match="integer class labels"):
        one_hot(np.array([0.5]))


def test_train_val_split_partitions_and_is_reproducible():
    X, y = np.arange(20).reshape(10, 2), np.arange(10)
    X_tr, _, y_tr, y_val = train_val_split(X, y, 0.3, rng=0)
    assert len(y_val) == 3 and sorted(np.concatenate([y_tr, y_val]).tolist()) == list(range(10))
    np.testing.assert_array_equal(X_tr[:, 0] // 2, y_tr)
    np.testing.assert_array_equal(train_val_split(X, y, 0.3, rng=0)[3], y_val)
    with pytest.raises(ValueError, match="val_fraction"):
        train_val_split(X, y, 1.5)


def test_annuli_generator():
    X, y = make_annuli(3000, noise=0.05, rng=0)
    assert X.shape == (3000, 2) and np.bincount(y).tolist() == [1000] * 3
    radius = np.hypot(*X.T)
    for k, r in enumerate((0.2, 0.6, 1.0)):
        assert np.median(radius[y == k]) == pytest.approx(r, abs=0.01)
    np.testing.assert_array_equal(make_annuli(50, rng=1)[0], make_annuli(50, rng=1)[0])


def test_annuli_bayes_rate_agrees_with_the_posterior_on_a_large_sample():
    for noise in (0.1, 0.2):
        X, y = make_annuli(200_000, noise=noise, rng=0)
        empirical = np.mean(annuli_posterior(X, noise).argmax(axis=1) == y)
        assert annuli_bayes_accuracy(noise) == pytest.approx(empirical, abs=0.003)
    # two decision boundaries, each 2 standard deviations from its rings: about 1 - 4/3 * 2.3 %
    assert annuli_bayes_accuracy(0.1) == pytest.approx(1 - 4 / 3 * 0.02275, abs=0.002)
    assert annuli_bayes_accuracy(0.01) > 0.9999


def test_xor():
    X, y = make_xor(400, noise=0.1, rng=0)
    assert X.shape == (400, 2) and np.all((X[:, 0] * X[:, 1] < 0) == (y == 1))
