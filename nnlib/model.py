"""A Model is just a list of layers applied one after the other.

Forward runs the layers first to last; backward runs them last to first, each turning the
gradient with respect to its output into the gradient with respect to its input. What comes out
of the first layer's backward is dL/dx for the input itself, which the adversarial lesson uses.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import numpy as np

from ._validation import as_array, check_instance, check_same_shape, float_dtype
from .layers import Layer


class Model:
    """A sequence of layers, with forward, backward, params and grads as a layer has. It is not a
    Layer, though: a Model does not go inside another (join the lists: ``Model([*a.layers, ...])``).

    ``model[i]`` is the i-th layer and ``model[i:j]`` a Model of those layers, shared (weights
    included) with this one. Parameters are named here, by kind and position ("affine2.W"), or by
    a layer's own ``name``; the layers are left unchanged, so a layer can be in several models.
    """

    def __init__(self, layers: Iterable[Layer]) -> None:
        self.layers = [layers] if isinstance(layers, Layer) else list(layers)  # one layer, or several
        self.names, counts = [], {}
        if not self.layers:
            raise ValueError("Model: needs at least one layer, got an empty list")
        for i, layer in enumerate(self.layers):
            if isinstance(layer, Model):
                raise TypeError(f"Model: item {i} is a Model, and models do not nest: join the "
                                "lists of layers instead, Model([*a.layers, *b.layers])")
            check_instance(layer, Layer, "Model", f"item {i}")
            if any(layer is other for other in self.layers[:i]):
                raise ValueError(f"Model: item {i} is already in the model; a layer keeps one forward "
                                 "cache, so it cannot be used twice: make a second layer")
            kind = type(layer).__name__.lower()
            counts[kind] = counts.get(kind, 0) + 1
            self.names.append(layer.name or f"{kind}{counts[kind]}")
        if len(set(self.names)) != len(self.names):
            raise ValueError(f"Model: layer names must be unique, got {self.names}")

    def __call__(self, x: np.ndarray) -> np.ndarray:
        return self.forward(x)

    def forward(self, x: np.ndarray) -> np.ndarray:
        for name, layer in zip(self.names, self.layers, strict=True):
            try:
                x = layer(x)
            except ValueError as err:  # say which layer of the model refused its input
                raise ValueError(f"{name}: {err}") from err
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

    def __getitem__(self, index: int | slice) -> Layer | Model:
        """``model[i]``: the i-th layer; ``model[i:j]``: a Model of those layers, named as here."""
        if not isinstance(index, slice):
            return self.layers[index]
        sub = Model(self.layers[index])
        sub.names = self.names[index]
        return sub

    def __len__(self) -> int:
        return len(self.layers)

    def parameters(self) -> Iterator[tuple[str, np.ndarray, np.ndarray]]:
        """Yield ``(name, param, grad)`` for every parameter, e.g. ``("affine1.W", W, dW)``."""
        for name, layer in zip(self.names, self.layers, strict=True):
            for key, param in layer.params.items():
                yield f"{name}.{key}", param, layer.grads[key]

    @property
    def params(self) -> dict[str, np.ndarray]:
        """The parameters by name; ``model.params[name] = W`` copies W into the layer's array."""
        return _Arrays((name, p) for name, p, _ in self.parameters())

    @property
    def grads(self) -> dict[str, np.ndarray]:
        return _Arrays((name, g) for name, _, g in self.parameters())

    def num_params(self) -> int:
        return sum(p.size for _, p, _ in self.parameters())

    def astype(self, dtype: type) -> Model:
        """Convert every parameter to ``dtype`` in place (float32 for speed, float64 for checks)."""
        dtype = float_dtype(dtype, "Model.astype")
        for layer in self.layers:
            layer.params = {k: v.astype(dtype) for k, v in layer.params.items()}
            layer.grads = {k: v.astype(dtype) for k, v in layer.grads.items()}
        return self

    def __repr__(self) -> str:
        lines = [f"  ({name}): {layer!r}" for name, layer in zip(self.names, self.layers, strict=True)]
        return "Model(\n" + "\n".join(lines) + f"\n)  # {self.num_params():,} parameters"


class _Arrays(dict):
    """A model's arrays by name, where ``d[name] = value`` writes into the array itself (a plain
    dict would keep the value and leave the model unchanged); keys cannot be added or removed."""

    def __setitem__(self, name: str, value: object) -> None:
        if name not in self:
            raise KeyError(f"Model: no parameter named {name!r}; the names are {list(self)}")
        value = as_array(value, "Model", f"the value for {name!r}")
        check_same_shape(value, self[name], "Model", f"the value for {name!r}", "the parameter")
        self[name][...] = value

    def _refuse(self, *args: object, **kwargs: object) -> None:
        raise TypeError("Model: its params and grads have fixed names; assign to one, d[name] = value")

    __delitem__ = pop = popitem = clear = setdefault = update = _refuse  # type: ignore[assignment]
