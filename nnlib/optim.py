"""Optimisers: how the gradients filled in by ``Model.backward`` change the parameters."""

from __future__ import annotations

import numpy as np

from .model import Model


class SGD:
    """Stochastic gradient descent with optional momentum and L2 weight decay.

    Each step, for every parameter p with gradient g:
        g <- g + weight_decay * p          (only for weights, not biases; see below)
        v <- momentum * v - lr * g
        p <- p + v
    With momentum = 0 this is plain gradient descent, p <- p - lr * g. Weight decay is the
    gradient of the L2 penalty (weight_decay / 2) * ||W||^2; biases are left out of it because
    shrinking a bias towards zero does not make the function any smoother.
    Parameters are updated in place, so the layers see the new values at once.
    """

    def __init__(self, lr: float, momentum: float = 0.0, weight_decay: float = 0.0) -> None:
        if not lr > 0:
            raise ValueError(f"SGD: lr must be positive, got {lr!r}")
        if not 0 <= momentum < 1:
            raise ValueError(f"SGD: momentum must be in [0, 1), got {momentum!r}")
        if not weight_decay >= 0:
            raise ValueError(f"SGD: weight_decay must be >= 0, got {weight_decay!r}")
        self.lr = lr
        self.momentum = momentum
        self.weight_decay = weight_decay
        self.velocity: dict[str, np.ndarray] = {}

    def step(self, model: Model) -> None:
        for name, param, grad in model.parameters():
            if self.weight_decay and param.ndim > 1:
                grad = grad + self.weight_decay * param
            if self.momentum:
                v = self.velocity.get(name)
                if v is None:
                    v = self.velocity[name] = np.zeros_like(param)
                v *= self.momentum
                v -= self.lr * grad
                param += v
            else:
                param -= self.lr * grad

    def __repr__(self) -> str:
        return f"SGD(lr={self.lr}, momentum={self.momentum}, weight_decay={self.weight_decay})"
