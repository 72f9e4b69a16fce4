"""The maths of backpropagation (lesson 02): the whole-network gradient check.

Every parameter's gradient of the real loss, by backpropagation and by finite differences,
side by side: ``loss_gradients`` computes both, ``gradient_errors`` gives one relative error
per parameter (the verdict), ``gradient_table`` a few entries of each to look at.
"""

from __future__ import annotations

import numpy as np

from nnlib import Loss, Model, numerical_gradient, rel_error
from nnlib._validation import check_instance, make_rng, positive_int


def loss_gradients(model: Model, loss: Loss, X: np.ndarray, y: np.ndarray,
                   eps: float = 1e-5) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """For every parameter, (backpropagated, numerical) gradient of the loss L = loss(model(X), y).

    The numerical one nudges each entry by +-eps (centred differences), so use float64 and a
    small network: it costs two forward passes per parameter entry.
    """
    check_instance(model, Model, "loss_gradients", "model")
    check_instance(loss, Loss, "loss_gradients", "loss")
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
    return {name: rel_error(a, n) for name, (a, n) in _gradient_pairs(gradients, "gradient_errors")}


def _gradient_pairs(gradients: dict[str, tuple[np.ndarray, np.ndarray]], who: str):
    if not (isinstance(gradients, dict) and all(isinstance(v, tuple) and len(v) == 2
                                                 for v in gradients.values())):
        raise TypeError(f"{who}: gradients must map each parameter name to a pair (backprop, numerical), "
                        "as loss_gradients returns")
    return gradients.items()


def gradient_table(gradients: dict[str, tuple[np.ndarray, np.ndarray]], entries: int = 2,
                   rng: np.random.Generator | int | None = 0) -> list[dict[str, object]]:
    """Rows (parameter, index, backprop, numerical, absolute error, relative error) for
    ``entries`` random entries of each parameter, from the output of ``loss_gradients``.

    The relative error here is entry by entry, |a - n| / max(|a| + |n|, 1e-8): large for entries
    that are nearly zero, which is why the verdict comes from ``gradient_errors``.
    """
    rng, entries = make_rng(rng, "gradient_table"), positive_int(entries, "gradient_table", "entries")
    rows = []
    for name, (analytic, numeric) in _gradient_pairs(gradients, "gradient_table"):
        picks = rng.choice(analytic.size, size=min(entries, analytic.size), replace=False)
        for flat in np.sort(picks):
            i = np.unravel_index(flat, analytic.shape)
            a, n = float(analytic[i]), float(numeric[i])
            rows.append({"parameter": name, "index": tuple(int(k) for k in i), "backprop": a,
                         "numerical": n, "absolute error": abs(a - n),
                         "relative error": abs(a - n) / max(abs(a) + abs(n), 1e-8)})
    return rows
