"""Time one epoch of the 3-vs-8 network three ways: nnlib's Learner, the same training written
as a bare NumPy loop, and scikit-learn's MLPClassifier with the same sizes.

The network is 784-100-100-2-1 (ReLU, a linear 2-D embedding, a logistic output), trained with
SGD at batch size 50 in float32 on all the 3s and 8s of MNIST's training set (11,982 images).
The goal: nnlib within 1.25x of the bare loop, and faster than MLPClassifier.

Run: ``make bench``, which pins BLAS to one thread so that the timings compare like with like
(or ``OMP_NUM_THREADS=1 python benchmarks/bench_three_vs_eight.py --repeats 5``).
"""

from __future__ import annotations

import argparse
import itertools
import os
import time
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier

from nnlib import SGD, Affine, BCEWithLogits, DataLoader, Learner, Model, ReLU, sigmoid

from nncourse.datasets import load_mnist, normalize_pixels

SIZES = (784, 100, 100, 2, 1)
BATCH, LR = 50, 0.1


def three_vs_eight() -> tuple[np.ndarray, np.ndarray]:
    x_train, y_train, _, _ = load_mnist()
    keep = (y_train == 3) | (y_train == 8)
    X = normalize_pixels(x_train[keep])
    y = (y_train[keep] == 8).astype(np.float32)[:, None]
    return X, y


def build_model(seed: int = 0) -> Model:
    rng = np.random.default_rng(seed)
    layers = []
    for i, (d, m) in enumerate(itertools.pairwise(SIZES)):
        layers.append(Affine(d, m, rng=rng, dtype=np.float32))
        if i < 2:  # ReLU after the two hidden layers; the embedding and the output stay linear
            layers.append(ReLU())
    return Model(layers)


def epoch_nnlib(X: np.ndarray, y: np.ndarray) -> None:
    learner = Learner(build_model(), BCEWithLogits(), SGD(LR), progress=False)
    learner.fit(DataLoader(X, y, BATCH, rng=0), epochs=1)


def epoch_numpy(X: np.ndarray, y: np.ndarray) -> None:
    """The same computation with no library: the weights, the loop and the chain rule inline."""
    params = [(layer.params["W"], layer.params["b"]) for layer in build_model().layers
              if layer.params]
    order = np.random.default_rng(0).permutation(len(X))
    for start in range(0, len(X), BATCH):
        idx = order[start:start + BATCH]
        xb, yb = X[idx], y[idx]
        acts = [xb]
        for i, (W, b) in enumerate(params):
            z = acts[-1] @ W + b
            acts.append(np.maximum(z, 0) if i < 2 else z)
        dz = (sigmoid(acts[-1]) - yb) / len(xb)
        for i in range(len(params) - 1, -1, -1):
            W, b = params[i]
            dW, db = acts[i].T @ dz, dz.sum(axis=0)
            if i > 0:
                dz = dz @ W.T
                if i <= 2:
                    dz = dz * (acts[i] > 0)
            W -= LR * dW
            b -= LR * db


def epoch_sklearn(X: np.ndarray, y: np.ndarray) -> None:
    clf = MLPClassifier(hidden_layer_sizes=SIZES[1:-1], activation="relu", solver="sgd",
                        batch_size=BATCH, learning_rate_init=LR, momentum=0.0, max_iter=1,
                        random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X, y.ravel())


def best_time(fn, X: np.ndarray, y: np.ndarray, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn(X, y)
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=5, help="runs of each; the best is kept")
    args = parser.parse_args()
    X, y = three_vs_eight()
    print(f"3-vs-8: {len(X)} training images, network {'-'.join(map(str, SIZES))}, "
          f"batch {BATCH}, float32, best of {args.repeats} runs of one epoch "
          f"(OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS', 'unset')})")
    results = {name: best_time(fn, X, y, args.repeats) for name, fn in
               (("nnlib Learner", epoch_nnlib), ("bare NumPy loop", epoch_numpy),
                ("sklearn MLPClassifier", epoch_sklearn))}
    base = results["bare NumPy loop"]
    for name, seconds in results.items():
        print(f"  {name:<22} {seconds * 1000:8.1f} ms   {seconds / base:5.2f}x the bare loop")
    ratio = results["nnlib Learner"] / base
    print(f"goal nnlib <= 1.25x the bare loop: {'met' if ratio <= 1.25 else 'NOT met'} ({ratio:.2f}x)")
    faster = results["nnlib Learner"] < results["sklearn MLPClassifier"]
    print(f"goal nnlib faster than MLPClassifier: {'met' if faster else 'NOT met'}")


if __name__ == "__main__":
    main()
