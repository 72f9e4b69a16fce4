"""The maths of backpropagation (lesson 02): the whole-network gradient check.

Every parameter's gradient of the real loss, by backpropagation and by finite differences,
side by side: ``loss_gradients`` computes both, ``gradient_errors`` gives one relative error
per parameter (the verdict), ``gradient_table`` a few entries of each to look at.
"""

from __future__ import annotations

import numpy as np

from nnlib import Loss, Model, numerical_gradient, rel_error


def loss_gradients(model: Model, loss: Loss, X: np.ndarray, y: np.ndarray,
                   eps: float = 1e-5) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """For every parameter, (backpropagated, numerical) gradient of the loss L = loss(model(X), y).

    The numerical one nudges each entry by +-eps (centred differences), so use float64 and a
    small network: it costs two forward passes per parameter entry.
    """
    for name, p, _ in model.parameters():
        if p.dtype != np.float64:
            raise ValueError(f"loss_gradients: {name} is {p.dtype}; gradient checks need float64")
    loss(model(X), y)
    model.backward(loss.backward())
    analytic = {name: g.copy() for name, _, g in model.parameters()}
    return {name: (analytic[name], numerical_gradient(lambda _: loss(model(X), y), p, eps))
            for name, p, _ in model.parameters()}


def gradient_errors(gradients: dict[str, tuple[np.ndarray, np.ndarray]]) -> dict[str, float]:
    """For each parameter, ``gradcheck.rel_error`` of its whole gradient: ||a - n|| / (||a|| + ||n||).

    Unlike an entry-by-entry ratio it is not thrown off by entries that are nearly zero, whose
    numerical value is dominated by round-off (about 1e-16 * |L| / eps).
    """
    return {name: rel_error(a, n) for name, (a, n) in gradients.items()}


def gradient_table(gradients: dict[str, tuple[np.ndarray, np.ndarray]], entries: int = 2,
                   rng: np.random.Generator | int | None = 0) -> list[dict[str, object]]:
    """Rows (parameter, index, backprop, numerical, absolute error, relative error) for
    ``entries`` random entries of each parameter, from the output of ``loss_gradients``.

    The relative error here is entry by entry, |a - n| / max(|a| + |n|, 1e-8): large for entries
    that are nearly zero, which is why the verdict comes from ``gradient_errors``.
    """
    rng = np.random.default_rng(rng)
    rows = []
    for name, (analytic, numeric) in gradients.items():
        picks = rng.choice(analytic.size, size=min(entries, analytic.size), replace=False)
        for flat in np.sort(picks):
            i = np.unravel_index(flat, analytic.shape)
            a, n = float(analytic[i]), float(numeric[i])
            rows.append({"parameter": name, "index": tuple(int(k) for k in i), "backprop": a,
                         "numerical": n, "absolute error": abs(a - n),
                         "relative error": abs(a - n) / max(abs(a) + abs(n), 1e-8)})
    return rows
