"""Optimisers: how the gradients filled in by ``Model.backward`` change the parameters."""

from __future__ import annotations

import numpy as np

from ._validation import check_instance, check_number
from .model import Model


class SGD:
    """Stochastic gradient descent with optional momentum and L2 weight decay.

    Each step, for every parameter p with gradient g:
        g <- g + weight_decay * p          (only for weights, not biases; see below)
        v <- momentum * v - lr * g
        p <- p + v
    With momentum = 0 this is plain gradient descent, p <- p - lr * g. Weight decay is the
    gradient of the L2 penalty (weight_decay / 2) * ||W||^2; biases are left out of it because
    shrinking a bias towards zero does not make the function any smoother. ``weight_decay`` is
    the L2 strength, lambda in the lessons. Parameters are updated in place, so the layers see
    the new values at once. The velocity belongs to each parameter array: a new model (or one
    converted by ``astype``) starts at rest, whatever this optimiser stepped before.
    """

    def __init__(self, lr: float, momentum: float = 0.0, weight_decay: float = 0.0) -> None:
        self.lr = check_number(lr, "SGD", "lr", "a positive number", lambda v: v > 0)
        self.momentum = check_number(momentum, "SGD", "momentum", "a number in [0, 1)", lambda v: 0 <= v < 1)
        self.weight_decay = check_number(weight_decay, "SGD", "weight_decay", "a number >= 0",
                                         lambda v: v >= 0)
        self.velocity: dict[int, tuple[np.ndarray, np.ndarray]] = {}  # id(param): (param, v)

    def step(self, model: Model) -> None:
        check_instance(model, Model, "SGD.step", "model")
        for _, param, grad in model.parameters():
            if self.weight_decay and param.ndim > 1:
                grad = grad + self.weight_decay * param
            if self.momentum:
                if id(param) not in self.velocity:  # keeping param in the entry keeps its id unique
                    self.velocity[id(param)] = (param, np.zeros_like(param))
                v = self.velocity[id(param)][1]
                v *= self.momentum
                v -= self.lr * grad
                param += v
            else:
                param -= self.lr * grad

    def __repr__(self) -> str:
        return f"SGD(lr={self.lr}, momentum={self.momentum}, weight_decay={self.weight_decay})"
