"""Numerical gradient checks: compare a backward pass with finite differences.

The centred difference (f(x + eps) - f(x - eps)) / (2 eps) is off by about eps^2 (truncation)
plus 1e-16 / eps (round-off in float64); eps = 1e-5 keeps both small, so a correct backward
pass agrees to a relative error of about 1e-9. Above 1e-7 deserves suspicion; a wrong formula
gives 1e-2 or worse. In float32 the round-off alone is about 1e-3, so every check here insists
on float64."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .layers import Layer
from .losses import Loss
from .model import Model


def numerical_gradient(f: Callable[[], float] | Callable[[np.ndarray], float], x: np.ndarray,
                       eps: float = 1e-5) -> np.ndarray:
    """The gradient of the scalar ``f`` with respect to the array ``x``, by centred differences.

    ``x`` is nudged in place, one entry at a time, and restored; ``f`` is called with ``x`` (so
    ``f`` may ignore its argument and read ``x`` through a closure, e.g. a layer's weights).
    Shapes: x (any), result (same as x).
    """
    grad = np.zeros_like(x, dtype=np.float64)
    it = np.nditer(x, flags=["multi_index"])
    for _ in it:
        i = it.multi_index
        old = x[i]
        x[i] = old + eps
        f_plus = f(x)
        x[i] = old - eps
        f_minus = f(x)
        x[i] = old
        grad[i] = (f_plus - f_minus) / (2 * eps)
    return grad


def rel_error(a: np.ndarray, b: np.ndarray) -> float:
    """Relative error of two gradients as whole arrays: ||a - b|| / (||a|| + ||b||).

    Measured on the whole array rather than entry by entry, because an entry that is almost
    zero has a meaningless relative error (the finite difference's round-off, ~1e-10, divided
    by almost nothing). 0 when both arrays are zero.
    """
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"rel_error: shapes differ, {a.shape} vs {b.shape}")
    scale = np.linalg.norm(a) + np.linalg.norm(b)
    return float(np.linalg.norm(a - b) / scale) if scale > 0 else 0.0


def _require_float64(arrays: dict[str, np.ndarray], who: str) -> None:
    for name, arr in arrays.items():
        if arr.dtype != np.float64:
            raise ValueError(f"{who}: {name} is {arr.dtype}; gradient checks need float64 "
                             "(round-off in float32 is ~1e-3), e.g. model.astype(np.float64)")


def check_layer(layer: Layer | Model, x: np.ndarray, *, eps: float = 1e-5,
                rng: np.random.Generator | int | None = 0) -> dict[str, float]:
    """Check ``layer.backward`` (a Layer or a whole Model) against finite differences.

    Uses the scalar L = sum(layer(x) * dout) with a fixed random dout, so that every output
    entry takes part. Returns the relative error of dL/dx (key ``"x"``) and of every parameter
    gradient (the keys of ``layer.params``).
    """
    x = np.array(x, dtype=np.float64)
    _require_float64({"x": x, **layer.params}, "check_layer")
    dout = np.random.default_rng(rng).standard_normal(layer.forward(x).shape)
    dx = layer.backward(dout)
    grads = {k: v.copy() for k, v in layer.grads.items()}

    def f(_: np.ndarray) -> float:
        return float(np.sum(layer.forward(x) * dout))

    errors = {"x": rel_error(dx, numerical_gradient(f, x, eps))}
    for name, param in layer.params.items():
        errors[name] = rel_error(grads[name], numerical_gradient(f, param, eps))
    return errors


def check_loss(loss: Loss, y_hat: np.ndarray, y: np.ndarray, *, eps: float = 1e-5) -> dict[str, float]:
    """Check ``loss.backward()`` against finite differences; returns ``{"y_hat": error}``."""
    y_hat = np.array(y_hat, dtype=np.float64)
    _require_float64({"y_hat": y_hat}, "check_loss")
    loss(y_hat, y)
    analytic = loss.backward()
    return {"y_hat": rel_error(analytic, numerical_gradient(lambda z: loss(z, y), y_hat, eps))}
