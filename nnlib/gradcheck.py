"""Numerical gradient checks: compare a backward pass with finite differences.

The centred difference (f(x + eps) - f(x - eps)) / (2 eps) is off by about eps^2 (truncation)
plus 1e-16 / eps (round-off in float64); eps = 1e-5 keeps both small, so a correct backward
pass agrees to a relative error of about 1e-9. Above 1e-7 deserves suspicion; a wrong formula
gives 1e-2 or worse. In float32 the round-off alone is about 1e-3, so every check here insists
on float64."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ._validation import as_float, check_instance, check_number, describe, make_rng
from .layers import Layer
from .losses import Loss
from .model import Model


def numerical_gradient(f: Callable[[np.ndarray], float], x: np.ndarray, eps: float = 1e-5) -> np.ndarray:
    """The gradient of the scalar ``f`` with respect to the array ``x``, by centred differences.

    ``x`` is nudged in place, one entry at a time, and restored; ``f`` is called with ``x`` (so
    ``f`` may ignore its argument and read ``x`` through a closure, e.g. a layer's weights).
    ``x`` must be a float64 array: float32 rounds a nudge of 1e-5 badly, an integer array cannot
    hold it at all, and a converted copy would not be what ``f`` reads.
    Shapes: x (any), result (same as x).
    """
    if not callable(f):
        raise TypeError(f"numerical_gradient: f must be a function of x, got {describe(f)}")
    if not isinstance(x, np.ndarray) or x.dtype != np.float64:
        raise TypeError(f"numerical_gradient: x must be a float64 array (nudged in place), got "
                        f"{describe(x)}; convert what f reads, e.g. model.astype(np.float64)")
    check_number(eps, "numerical_gradient", "eps", "a positive number", lambda v: v > 0)
    if np.ndim(f(x)) != 0:  # one call first, so that a wrong f is reported before the loop
        raise ValueError(f"numerical_gradient: f must return a number, got {describe(f(x))}")
    grad = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index", "zerosize_ok"])
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
    by almost nothing). 0 when both arrays are zero; NaN (never a small number) if either holds
    NaN or infinity, so that a check ``rel_error(...) < tol`` fails.
    """
    a, b = (as_float(v, "rel_error", w).astype(np.float64) for v, w in ((a, "a"), (b, "b")))
    if a.shape != b.shape:
        raise ValueError(f"rel_error: shapes differ, {a.shape} vs {b.shape}")
    with np.errstate(invalid="ignore", over="ignore"):  # inf - inf is NaN, as it should be
        scale = np.linalg.norm(a) + np.linalg.norm(b)
        return 0.0 if scale == 0 else float(np.linalg.norm(a - b) / scale)


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
    if not all(hasattr(layer, a) for a in ("forward", "backward", "params", "grads")):
        raise TypeError(f"check_layer: layer must be a Layer or a Model (forward, backward, params, "
                        f"grads), got {describe(layer)}")
    x = as_float(x, "check_layer", "x").astype(np.float64)
    _require_float64({"x": x, **layer.params}, "check_layer")
    dout = make_rng(rng, "check_layer").standard_normal(layer.forward(x).shape)
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
    check_instance(loss, Loss, "check_loss", "loss")
    y_hat = as_float(y_hat, "check_loss", "y_hat").astype(np.float64)
    loss(y_hat, y)
    analytic = loss.backward()
    return {"y_hat": rel_error(analytic, numerical_gradient(lambda z: loss(z, y), y_hat, eps))}
