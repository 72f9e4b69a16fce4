"""Layers: the building blocks of a network.

A layer maps a batch ``x`` of shape (N, D) to an output batch. ``forward(x)`` keeps what the
backward pass will need; ``backward(dout)`` receives dL/d(output), fills ``self.grads`` with
dL/d(parameter) for every key of ``self.params`` (overwriting, never accumulating) and returns
dL/dx. Chaining these backward calls from the loss to the input is backpropagation.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._validation import as_array, as_batch, check_same_shape, float_dtype, make_rng, positive_int
from .functional import sigmoid, softmax


class Layer:
    """Base class of the layers. It computes nothing itself: a subclass implements ``forward``
    (keeping in ``self._cache`` what backward needs, its output first) and ``backward``. The
    optional ``name`` replaces the automatic one (``affine1``, ...) that a Model gives it."""

    def __init__(self, name: str | None = None) -> None:
        self.name = name
        self.params: dict[str, np.ndarray] = {}
        self.grads: dict[str, np.ndarray] = {}
        self._cache: Any = None

    @property
    def label(self) -> str:
        return self.name or type(self).__name__

    def __call__(self, x: np.ndarray) -> np.ndarray:
        return self.forward(x)

    def forward(self, x: np.ndarray) -> np.ndarray:
        raise NotImplementedError(f"{type(self).__name__} must implement forward(x)")

    def backward(self, dout: np.ndarray) -> np.ndarray:
        raise NotImplementedError(f"{type(self).__name__} must implement backward(dout)")

    def backward_params(self, dout: np.ndarray) -> None:
        """Fill ``self.grads`` only. Training calls this on the first layer, whose dL/dx nobody
        needs; layers for which dx is costly (Affine) skip computing it."""
        self.backward(dout)

    def _saved(self, dout: np.ndarray) -> Any:
        """What forward cached, after checking that ``dout`` matches the forward output."""
        if self._cache is None:
            raise RuntimeError(f"{self.label}: backward() called before forward()")
        out = self._cache[0]
        check_same_shape(as_array(dout, f"{self.label}.backward", "dout"), out, f"{self.label}.backward",
                         "the upstream gradient dout", "the layer's last output")
        return self._cache

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class Affine(Layer):
    """A fully connected layer: y = x @ W + b.

    Initialisation draws W from N(0, s^2): s^2 = 2 / D for ``init="he"`` (keeps the variance of
    ReLU activations constant from layer to layer) and s^2 = 2 / (D + M) for ``init="xavier"``
    (Glorot's choice, for sigmoid and tanh). b starts at zero.

    Shapes: x (N, D), W (D, M), b (M,), y (N, M).
    """

    def __init__(self, in_features: int, out_features: int, *,
                 rng: np.random.Generator | int | None = None, name: str | None = None,
                 init: str = "he", dtype: type = np.float64) -> None:
        super().__init__(name)
        in_features, out_features = (positive_int(v, "Affine", w) for v, w in
                                     ((in_features, "in_features"), (out_features, "out_features")))
        scales = {"he": 2.0 / in_features, "xavier": 2.0 / (in_features + out_features)}
        if not isinstance(init, str) or init not in scales:
            raise ValueError(f"Affine: init must be 'he' or 'xavier', got {init!r}")
        W = make_rng(rng, "Affine").normal(0.0, np.sqrt(scales[init]), size=(in_features, out_features))
        dtype = float_dtype(dtype, "Affine")
        self.params = {"W": W.astype(dtype), "b": np.zeros(out_features, dtype=dtype)}
        self.grads = {k: np.zeros_like(v) for k, v in self.params.items()}

    @property
    def in_features(self) -> int:
        return self.params["W"].shape[0]

    @property
    def out_features(self) -> int:
        return self.params["W"].shape[1]

    def forward(self, x: np.ndarray) -> np.ndarray:
        x = as_batch(x, self.label)
        if x.shape[1] != self.in_features:
            raise ValueError(f"{self.label}: input has shape {x.shape} but this layer expects "
                             f"(N, {self.in_features}) (W has shape {self.params['W'].shape})")
        out = x @ self.params["W"] + self.params["b"]
        self._cache = (out, x)
        return out

    def backward(self, dout: np.ndarray) -> np.ndarray:
        # y_nm = sum_d x_nd W_dm + b_m, so dL/dW = x^T dout, dL/db = sum_n dout, dL/dx = dout W^T
        self.backward_params(dout)
        return dout @ self.params["W"].T

    def backward_params(self, dout: np.ndarray) -> None:
        _, x = self._saved(dout)
        self.grads["W"] = x.T @ dout
        self.grads["b"] = np.asarray(dout).sum(axis=0)

    def __repr__(self) -> str:
        return f"Affine({self.in_features} -> {self.out_features})"


class ReLU(Layer):
    """Rectified linear unit: y = max(x, 0), element-wise. dy/dx is 1 where x > 0, else 0.

    Shapes: x (N, D), y (N, D).
    """

    def forward(self, x: np.ndarray) -> np.ndarray:
        x = as_batch(x, self.label)
        out = np.maximum(x, 0)
        self._cache = (out, x > 0)
        return out

    def backward(self, dout: np.ndarray) -> np.ndarray:
        _, mask = self._saved(dout)
        return dout * mask


class Sigmoid(Layer):
    """Logistic function: y = 1 / (1 + exp(-x)), element-wise. dy/dx = y (1 - y).

    Shapes: x (N, D), y (N, D).
    """

    def forward(self, x: np.ndarray) -> np.ndarray:
        out = sigmoid(as_batch(x, self.label))
        self._cache = (out,)
        return out

    def backward(self, dout: np.ndarray) -> np.ndarray:
        (out,) = self._saved(dout)
        return dout * out * (1 - out)


class Tanh(Layer):
    """Hyperbolic tangent: y = tanh(x), element-wise. dy/dx = 1 - y^2.

    Shapes: x (N, D), y (N, D).
    """

    def forward(self, x: np.ndarray) -> np.ndarray:
        out = np.tanh(as_batch(x, self.label))
        self._cache = (out,)
        return out

    def backward(self, dout: np.ndarray) -> np.ndarray:
        (out,) = self._saved(dout)
        return dout * (1 - out**2)


class Softmax(Layer):
    """Row-wise softmax: y_c = exp(x_c) / sum_k exp(x_k).

    Backward: dy_c/dx_k = y_c (delta_ck - y_k), so dx = y * (dout - sum_c dout_c y_c) per row.
    For training, prefer ``CrossEntropy`` on the logits: it fuses both steps into y_hat - y.

    Shapes: x (N, C), y (N, C).
    """

    def forward(self, x: np.ndarray) -> np.ndarray:
        out = softmax(as_batch(x, self.label))
        self._cache = (out,)
        return out

    def backward(self, dout: np.ndarray) -> np.ndarray:
        (out,) = self._saved(dout)
        return out * (dout - (dout * out).sum(axis=1, keepdims=True))
