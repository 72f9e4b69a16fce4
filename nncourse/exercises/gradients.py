"""Checks against finite differences: a layer's backward pass, and the gradients of a scalar
with respect to parameters.

The centred difference (f(x + eps) - f(x - eps)) / (2 eps) agrees with a right gradient to
about 1e-9 in float64 (``nnlib.gradcheck``); a wrong formula is off by far more. A backward
pass must also leave ``dout`` alone and overwrite its gradients rather than add to them.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from nnlib import numerical_gradient

from .compare import close, compare, sci
from .framework import UNWRITTEN, Case, CheckResult, Mistake, attempt, graded, quietly, warned


@graded
def check_backward(layer: Any, x: np.ndarray, *, name: str | None = None,
                   tol: float = 1e-7) -> CheckResult:
    """Gradient-check ``layer`` (anything with forward, backward, params, grads) on the batch x."""
    name = name or type(layer).__name__
    failure = _backward_failure(layer, x, name=name, tol=tol, n=len(x))
    if failure:
        return CheckResult(False, failure)
    keys = ", ".join("d" + k for k in ["x", *layer.params])
    return CheckResult(True, f"{name}'s backward matches finite differences for {keys} "
                             f"(relative error below {sci(tol)}).")


@graded
def check_layer_class(cls: type, cases: Sequence[Case], *, name: str | None = None,
                      mistakes: Sequence[Mistake] = (), tol: float = 1e-7) -> CheckResult:
    """Build the student's layer for every case, ``case.args = (build, x)`` with
    ``build(cls)`` returning a layer, and gradient-check its backward pass on x."""
    name = name or getattr(cls, "__name__", "your layer")
    if not cases:  # the lesson's mistake, not the student's: raised, never a PASSED on nothing
        raise ValueError("check_layer_class: cases must hold at least one case, got none")
    for case in cases:
        build, x = case.args
        made = attempt(lambda b=build: b(cls), name)
        failure = made.failure or _backward_failure(made.value, x, name=name, tol=tol, n=case.n,
                                                    mistakes=mistakes)
        if failure:
            unwritten = failure.endswith(UNWRITTEN)
            return CheckResult(False, failure if unwritten else f"On {case.name}: {failure}")
    return CheckResult(True, f"{name}'s backward matches finite differences (relative error below "
                             f"{sci(tol)}) on all {len(cases)} cases: " + "; ".join(c.name for c in cases)
                       + "; and a second backward pass overwrites its gradients.")


def _backward_failure(layer: Any, x: np.ndarray, *, name: str, tol: float, n: int | None,
                      mistakes: Sequence[Mistake] = ()) -> str | None:
    """What is wrong with ``layer.backward`` on x, or None: dx and every parameter gradient
    against centred differences of L = sum(forward(x) * dout), dout left untouched, and
    gradients overwritten (not accumulated) by a second pass."""
    x = np.array(x, dtype=np.float64)
    forward = attempt(lambda: layer.forward(x.copy()), f"{name}.forward")
    if forward.failure:
        return forward.failure
    coarse = _not_float64(layer.params, name)
    if coarse:
        return coarse
    dout = np.random.default_rng(0).standard_normal(np.shape(forward.value))
    sent = dout.copy()
    back = attempt(lambda: layer.backward(sent), f"{name}.backward")
    if back.failure:
        return back.failure + warned(back.warnings)
    if not np.array_equal(sent, dout):
        return (f"{name}.backward changed dout in place: compute a new array (dout * s, not "
                "dout *= s); dout belongs to the layer above.")
    got = {"x": back.value, **{k: copy.deepcopy(layer.grads.get(k)) for k in layer.params}}
    numeric = attempt(lambda: _numerical_gradients(layer, x, dout), f"{name}.forward")
    if numeric.failure:
        return numeric.failure
    for key, expected in numeric.value.items():
        label = "the dx that backward returns" if key == "x" else f"self.grads[{key!r}]"
        result = compare(got[key], expected, name=label, tol=tol, n=n)
        if not result:
            return _mistake(mistakes, key, got[key], x, dout, layer) or result.message + warned(back.warnings)
    if back.warnings:
        return f"{name}'s backward is right, but not safe for every input.{warned(back.warnings)}"
    return _accumulates(layer, x, dout, got, name)


def _not_float64(params: dict[str, Any], name: str) -> str | None:
    for key, param in params.items():
        if np.asarray(param).dtype != np.float64:
            return (f"{name}'s parameter {key!r} is {np.asarray(param).dtype}: a gradient check needs "
                    "float64 (round-off in float32 is about 1e-3, larger than many mistakes).")
    return None


def _numerical_gradients(layer: Any, x: np.ndarray, dout: np.ndarray) -> dict[str, np.ndarray]:
    probe = x.copy()

    def loss(_: np.ndarray) -> float:
        return float(np.sum(layer.forward(probe) * dout))

    numeric = {"x": numerical_gradient(loss, probe)}
    for key, param in layer.params.items():
        numeric[key] = numerical_gradient(loss, param)
    return numeric


def _mistake(mistakes: Sequence[Mistake], key: str, got: Any, x: np.ndarray, dout: np.ndarray,
             layer: Any) -> str | None:
    for mistake in mistakes:
        wrong = quietly(lambda m=mistake: m.compute(x, dout, layer.params))
        if wrong is not None and key in wrong and close(got, wrong[key]):
            label = "dx" if key == "x" else f"self.grads[{key!r}]"
            return f"{label} matches a common mistake: {mistake.explanation}"
    return None


def _accumulates(layer: Any, x: np.ndarray, dout: np.ndarray, first: dict, name: str) -> str | None:
    again = attempt(lambda: (layer.forward(x.copy()), layer.backward(dout.copy())), f"{name}.backward")
    for key in layer.params:
        if again.failure or not close(layer.grads.get(key), first[key]):
            return (f"after a second backward pass with the same dout, self.grads[{key!r}] is not "
                    "the same as after the first: are the gradients added to (+=) instead of "
                    "overwritten (=)? Each backward pass starts afresh.")
    return None


# --- Gradients of a scalar with respect to parameters ------------------------------------------

@graded
def check_param_gradients(student: Callable[[], Any], value: Callable[[], float],
                          params: dict[str, np.ndarray], *, name: str = "your gradient",
                          tol: float = 1e-7) -> CheckResult:
    """Check that ``student()`` returns, for every key of ``params``, the gradient of the scalar
    ``value()`` with respect to that (float64) array, against finite differences."""
    if not params:  # the lesson's mistake, not the student's: raised, never a PASSED on nothing
        raise ValueError("check_param_gradients: params must hold at least one parameter, got none")
    coarse = _not_float64(params, "the model")
    if coarse:
        return CheckResult(False, coarse)
    before = {k: p.copy() for k, p in params.items()}
    run = attempt(student, name)
    if run.failure:
        return CheckResult(False, run.failure + warned(run.warnings))
    changed = [k for k, p in params.items() if not np.array_equal(p, before[k])]
    if changed:
        return CheckResult(False, f"{name} changed the parameter {changed[0]!r} in place: compute "
                                  "new arrays (factor * W, not W *= factor).")
    expected = {k: numerical_gradient(lambda _: value(), p) for k, p in params.items()}
    result = compare(run.value, expected, name=name, tol=tol)
    if not result:
        return CheckResult(False, f"{result.message} (the expected values are finite differences)")
    return CheckResult(True, f"{name} matches finite differences for all {len(params)} parameters.")
