r"""Layer, the base every building block extends; Linear; Sequential.

The contract (see the "Concepts" page of the docs):

* ``forward(x)`` computes the output and keeps what ``backward`` needs.
* ``backward(grad_y)`` returns $\partial L/\partial x$ and **adds**
  $\partial L/\partial p$ into ``p.grad`` for each parameter ``p``. It never
  changes ``grad_y``, ``x`` or what forward cached, so calling it twice after
  one forward returns the same ``grad_x`` (and adds the parameter gradients
  twice).
* Arrays have shape ``(..., batch, features)``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator
from typing import Any

import numpy as np

from minnet.parameter import Parameter
from minnet.validation import as_batch, check_features


class Layer(ABC):
    """The abstract base of every layer.

    A subclass implements :meth:`forward` and :meth:`backward`. Parameters
    stored as attributes (``self.W = Parameter(...)``) are found by
    :meth:`named_parameters` in the order they were assigned; a layer that
    holds parameters elsewhere overrides :meth:`named_parameters`.

    Calling a layer, ``layer(x)``, checks ``x`` at the boundary (a finite
    float array with at least two axes) and then runs :meth:`forward`.
    """

    @abstractmethod
    def forward(self, x: np.ndarray) -> np.ndarray:
        """Compute the output for ``x`` of shape ``(..., batch, features)`` and
        keep what :meth:`backward` needs."""

    @abstractmethod
    def backward(self, grad_y: np.ndarray) -> np.ndarray:
        """Given $\\partial L/\\partial y$, return $\\partial L/\\partial x$ and add
        $\\partial L/\\partial p$ into the ``grad`` of every parameter ``p``."""

    def __call__(self, x: Any) -> np.ndarray:
        return self.forward(as_batch(x, who=type(self).__name__))

    def named_parameters(self) -> Iterator[tuple[str, Parameter]]:
        """Yield ``(name, parameter)`` pairs in a stable order.

        The default finds the :class:`~minnet.parameter.Parameter` attributes
        of the layer, in the order they were assigned.
        """
        for name, value in vars(self).items():
            if isinstance(value, Parameter):
                yield name, value

    def parameters(self) -> Iterator[Parameter]:
        """Yield the layer's parameters, in the order of :meth:`named_parameters`."""
        for _, parameter in self.named_parameters():
            yield parameter

    def zero_grad(self) -> None:
        """Set the gradient of every parameter to zero."""
        for parameter in self.parameters():
            parameter.zero_grad()

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


def sum_to_shape(array: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """Sum ``array`` over the leading axes it has beyond ``shape``.

    A parameter of shape ``(n_in, n_out)`` used on an input with extra leading
    axes receives one gradient per leading index; the parameter's gradient is
    their sum. Arrays that already have ``shape`` are returned unchanged.

    Examples
    --------
    >>> sum_to_shape(np.ones((5, 2, 3)), (2, 3)).tolist()
    [[5.0, 5.0, 5.0], [5.0, 5.0, 5.0]]
    """
    if array.shape == shape:
        return array
    return array.sum(axis=tuple(range(array.ndim - len(shape))))


class Linear(Layer):
    r"""A fully connected layer: $y = x W + b$.

    Shapes: ``x`` is ``(..., batch, n_in)``, ``W`` is ``(n_in, n_out)``, ``b``
    is ``(n_out,)`` and ``y`` is ``(..., batch, n_out)``. With upstream
    gradient $g = \partial L/\partial y$ the backward pass is

    $$\frac{\partial L}{\partial W} = x^\top g, \qquad
      \frac{\partial L}{\partial b} = \sum_{\text{batch}} g, \qquad
      \frac{\partial L}{\partial x} = g\, W^\top .$$

    Parameters
    ----------
    n_in, n_out
        The number of input and output features.
    rng
        The generator that draws the initial values. ``W`` is drawn first
        (row-major), then ``b``, each uniform in $[-0.5, 0.5)$. Pass one
        generator to every layer of a network to make it reproducible.
    seed
        Used to make a generator when ``rng`` is not given.
    regularise_bias
        Whether regularisers act on ``b`` too (by default only ``W`` decays).
    dtype
        The floating-point type of the parameters.

    Examples
    --------
    >>> layer = Linear(8, 3, rng=np.random.default_rng(0))
    >>> layer(np.eye(8)).shape
    (8, 3)
    >>> [name for name, _ in layer.named_parameters()]
    ['W', 'b']
    """

    def __init__(
        self,
        n_in: int,
        n_out: int,
        *,
        rng: np.random.Generator | None = None,
        seed: int | None = None,
        regularise_bias: bool = False,
        dtype: type[np.floating[Any]] | np.dtype[Any] = np.float64,
    ) -> None:
        for label, size in (("n_in", n_in), ("n_out", n_out)):
            if not isinstance(size, (int, np.integer)) or isinstance(size, bool) or size < 1:
                raise ValueError(f"Linear needs {label} to be a positive integer, got {size!r}.")
        if rng is None:
            rng = np.random.default_rng(seed)
        self.n_in = int(n_in)
        self.n_out = int(n_out)
        self.W = Parameter(rng.uniform(-0.5, 0.5, size=(n_in, n_out)).astype(dtype), "W")
        self.b = Parameter(
            rng.uniform(-0.5, 0.5, size=n_out).astype(dtype), "b", regularise=regularise_bias
        )
        self._x: np.ndarray | None = None

    def forward(self, x: np.ndarray) -> np.ndarray:
        check_features(x, self.n_in, who=repr(self))
        self._x = x
        return x @ self.W.value + self.b.value

    def backward(self, grad_y: np.ndarray) -> np.ndarray:
        if self._x is None:
            raise RuntimeError(f"{self!r}.backward was called before forward.")
        x_t = self._x.swapaxes(-1, -2)
        self.W.grad += sum_to_shape(x_t @ grad_y, self.W.shape)
        self.b.grad += sum_to_shape(grad_y.sum(axis=-2), self.b.shape)
        return grad_y @ self.W.value.swapaxes(-1, -2)

    def __repr__(self) -> str:
        return f"Linear({self.n_in}, {self.n_out})"


class Sequential(Layer):
    """Layers applied one after another; itself a Layer.

    ``forward`` runs the layers in order; ``backward`` runs their backward
    passes in reverse order, handing each the gradient the next one returned
    (the chain rule). Parameter names are ``"<index>.<name>"``, e.g. ``"0.W"``.

    Examples
    --------
    >>> from minnet.activations import Sigmoid
    >>> rng = np.random.default_rng(0)
    >>> net = Sequential(Linear(8, 3, rng=rng), Sigmoid(), Linear(3, 8, rng=rng), Sigmoid())
    >>> [name for name, _ in net.named_parameters()]
    ['0.W', '0.b', '2.W', '2.b']
    >>> sum(p.value.size for p in net.parameters())
    59
    """

    def __init__(self, *layers: Layer) -> None:
        for index, layer in enumerate(layers):
            if not isinstance(layer, Layer):
                raise TypeError(
                    f"Sequential takes Layer objects; item {index} is a "
                    f"{type(layer).__name__}. Did you forget to instantiate it, "
                    f"e.g. Sigmoid() rather than Sigmoid?"
                )
        self.layers: tuple[Layer, ...] = layers

    def forward(self, x: np.ndarray) -> np.ndarray:
        for layer in self.layers:
            x = layer.forward(x)
        return x

    def backward(self, grad_y: np.ndarray) -> np.ndarray:
        for layer in reversed(self.layers):
            grad_y = layer.backward(grad_y)
        return grad_y

    def named_parameters(self) -> Iterator[tuple[str, Parameter]]:
        for index, layer in enumerate(self.layers):
            for name, parameter in layer.named_parameters():
                yield f"{index}.{name}", parameter

    def __getitem__(self, index: int) -> Layer:
        return self.layers[index]

    def __len__(self) -> int:
        return len(self.layers)

    def __iter__(self) -> Iterator[Layer]:
        return iter(self.layers)

    def __repr__(self) -> str:
        inner = ", ".join(repr(layer) for layer in self.layers)
        return f"Sequential({inner})"
