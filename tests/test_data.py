"""DataLoader: every sample once per epoch, reproducible shuffling, partial and dropped batches."""

import numpy as np
import pytest

from nnlib.data import DataLoader

X = np.arange(23 * 2).reshape(23, 2)
y = np.arange(23)


def epoch_labels(loader):
    return np.concatenate([yb for _, yb in loader])


def test_every_sample_exactly_once_per_epoch_and_pairs_kept():
    loader = DataLoader(X, y, batch_size=5, rng=0)
    for _ in range(3):
        seen = []
        for xb, yb in loader:
            np.testing.assert_array_equal(xb[:, 0] // 2, yb)  # rows stay with their labels
            seen.append(yb)
        assert sorted(np.concatenate(seen).tolist()) == list(range(23))


def test_shuffling_is_reproducible_from_the_rng_and_changes_each_epoch():
    a, b = DataLoader(X, y, 5, rng=42), DataLoader(X, y, 5, rng=42)
    first_a, first_b = epoch_labels(a), epoch_labels(b)
    np.testing.assert_array_equal(first_a, first_b)
    assert not np.array_equal(first_a, np.arange(23))
    assert not np.array_equal(epoch_labels(a), first_a)
    assert not np.array_equal(epoch_labels(DataLoader(X, y, 5, rng=43)), first_b)


def test_no_shuffle_keeps_order():
    np.testing.assert_array_equal(epoch_labels(DataLoader(X, y, 4, shuffle=False)), y)


def test_last_partial_batch_and_drop_last():
    sizes = [len(yb) for _, yb in DataLoader(X, y, 5, rng=0)]
    assert sizes == [5, 5, 5, 5, 3] and len(DataLoader(X, y, 5)) == 5
    loader = DataLoader(X, y, 5, rng=0, drop_last=True)
    assert [len(yb) for _, yb in loader] == [5, 5, 5, 5] and len(loader) == 4
    assert len(DataLoader(X, y, 23)) == 1 and len(DataLoader(X, y, 100)) == 1


def test_bad_arguments():
    with pytest.raises(ValueError, match=r"same number N >= 1 of samples.*\(23, 2\).*\(22,\)"):
        DataLoader(X, y[:-1], 5)
    for bad, error in ((0, ValueError), (-3, ValueError), (2.5, TypeError), (None, TypeError)):
        with pytest.raises(error, match="DataLoader: batch_size must be a positive integer"):
            DataLoader(X, y, bad)
    with pytest.raises(ValueError, match="drop_last"):
        DataLoader(X, y, 30, drop_last=True)
