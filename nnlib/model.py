"""A Model is just a list of layers applied one after the other.

Forward runs the layers first to last; backward runs them last to first, each turning the
gradient with respect to its output into the gradient with respect to its input. What comes out
of the first layer's backward is dL/dx for the input itself, which the adversarial lesson uses.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import numpy as np

from .layers import Layer


class Model:
    """A sequence of layers, itself usable wherever a layer is (it has params and grads)."""

    def __init__(self, layers: Iterable[Layer]) -> None:
        self.layers = list(layers)
        if not self.layers:
            raise ValueError("Model: needs at least one layer, got an empty list")
        for i, layer in enumerate(self.layers):
            if not isinstance(layer, Layer):
                raise TypeError(f"Model: item {i} is a {type(layer).__name__}, not a Layer")
        # Give unnamed layers unique names (affine1, relu1, affine2, ...) so that every
        # parameter has a readable key such as "affine2.W".
        counts: dict[str, int] = {}
        for layer in self.layers:
            kind = type(layer).__name__.lower()
            counts[kind] = counts.get(kind, 0) + 1
            if layer.name is None:
                layer.name = f"{kind}{counts[kind]}"
        names = [layer.name for layer in self.layers]
        if len(set(names)) != len(names):
            raise ValueError(f"Model: layer names must be unique, got {names}")

    def __call__(self, x: np.ndarray) -> np.ndarray:
        return self.forward(x)

    def forward(self, x: np.ndarray) -> np.ndarray:
        for layer in self.layers:
            x = layer(x)
        return x

    def backward(self, dout: np.ndarray, *, input_grad: bool = True) -> np.ndarray | None:
        """Backpropagate dL/d(output) through every layer, filling every layer's grads, and
        return dL/d(input). With ``input_grad=False`` (as in training) the first layer skips
        dL/dx, which would cost as much as its weight gradient, and None is returned."""
        for layer in reversed(self.layers[1:]):
            dout = layer.backward(dout)
        if input_grad:
            return self.layers[0].backward(dout)
        self.layers[0].backward_params(dout)
        return None

    def parameters(self) -> Iterator[tuple[str, np.ndarray, np.ndarray]]:
        """Yield ``(name, param, grad)`` for every parameter, e.g. ``("affine1.W", W, dW)``."""
        for layer in self.layers:
            for key, param in layer.params.items():
                yield f"{layer.name}.{key}", param, layer.grads[key]

    @property
    def params(self) -> dict[str, np.ndarray]:
        return {name: p for name, p, _ in self.parameters()}

    @property
    def grads(self) -> dict[str, np.ndarray]:
        return {name: g for name, _, g in self.parameters()}

    def num_params(self) -> int:
        return sum(p.size for _, p, _ in self.parameters())

    def astype(self, dtype: type) -> Model:
        """Convert every parameter to ``dtype`` in place (float32 for speed, float64 for checks)."""
        for layer in self.layers:
            layer.params = {k: v.astype(dtype) for k, v in layer.params.items()}
            layer.grads = {k: v.astype(dtype) for k, v in layer.grads.items()}
        return self

    def __repr__(self) -> str:
        lines = [f"  ({layer.name}): {layer!r}" for layer in self.layers]
        return "Model(\n" + "\n".join(lines) + f"\n)  # {self.num_params():,} parameters"
