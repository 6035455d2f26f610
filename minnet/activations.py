r"""Activation functions: layers without parameters that act element by element.

Every activation here has a derivative that can be written in terms of its own
output $y = f(x)$, so one base class, :class:`Activation`, does the caching and
the chain rule $\partial L/\partial x = g \odot f'(x)$ for all of them; each
subclass only gives $f$ and $f'$ as a function of $y$.

| activation | $f(x)$ | $f'(x)$ from $y$ |
|---|---|---|
| :class:`Sigmoid` | $1/(1 + e^{-x})$ | $y(1 - y)$ |
| :class:`Tanh` | $\tanh x$ | $1 - y^2$ |
| :class:`ReLU` | $\max(x, 0)$ | $1$ where $y > 0$, else $0$ |
| :class:`Identity` | $x$ | $1$ |

Sigmoid written as $1/(1 + e^{-x})$ overflows for $x < -709$ and numpy warns.
minnet first clips $-x$ at 709, where $e^{709}$ is still finite (88 in float32): below
$x = -709$ the sigmoid is then about $10^{-308}$ instead of $e^{x}$, a
difference no float64 computation downstream can see, and no input
overflows. (The identity $\sigma(x) = \tfrac12\,(1 + \tanh(x/2))$ avoids the
overflow too, but numpy's ``tanh`` takes two to three times as long as its
``exp``, which shows in a population of networks.)
"""

from __future__ import annotations

from abc import abstractmethod
from functools import cache
from typing import Any

import numpy as np

from minnet.layers import Layer


@cache
def largest_exponent(dtype: np.dtype[Any]) -> float:
    """The largest whole $t$ with $e^t$ finite in ``dtype`` (709 for float64, 88 for float32).

    Examples
    --------
    >>> largest_exponent(np.dtype(np.float64)), largest_exponent(np.dtype(np.float32))
    (709.0, 88.0)
    """
    return float(np.floor(np.log(np.finfo(dtype).max)))


class Activation(Layer):
    r"""The base of element-wise activations whose derivative is a function of
    their output: $y = f(x)$, $\partial L/\partial x = g \odot f'(y)$.

    A subclass implements :meth:`function` and :meth:`derivative`. The output
    is cached by :meth:`forward`; :meth:`backward` returns a new array and
    never writes into ``grad_y`` or the cache.
    """

    def __init__(self) -> None:
        self._output: np.ndarray | None = None

    @abstractmethod
    def function(self, x: np.ndarray) -> np.ndarray:
        """Return $f(x)$ as a new array (``x`` must not be changed)."""

    @abstractmethod
    def derivative(self, y: np.ndarray) -> np.ndarray:
        """Return $f'(x)$ computed from the output $y = f(x)$, as a new array
        (:meth:`backward` multiplies the upstream gradient into it)."""

    def forward(self, x: np.ndarray) -> np.ndarray:
        output = self.function(x)
        self._output = output
        return output

    def backward(self, grad_y: np.ndarray) -> np.ndarray:
        if self._output is None:
            raise RuntimeError(f"{type(self).__name__}.backward was called before forward.")
        grad_x = self.derivative(self._output)  # a new array, so it can take the product
        grad_x *= grad_y
        return grad_x


class Sigmoid(Activation):
    r"""The logistic function $\sigma(x) = 1/(1 + e^{-x})$, element-wise.

    Output values lie in $[0, 1]$. The input is clipped at $x = -709$ before
    the exponential (see the module docstring), so every float64 input gives
    a finite output without a warning. The backward pass is
    $\partial L/\partial x = g \cdot \sigma(x)(1 - \sigma(x))$, using the
    output kept by the forward pass.

    Examples
    --------
    >>> Sigmoid()(np.array([[-1000.0, 0.0, 1000.0]])).round(12).tolist()
    [[0.0, 0.5, 1.0]]
    """

    def function(self, x: np.ndarray) -> np.ndarray:
        output = np.negative(x)
        np.minimum(output, largest_exponent(output.dtype), out=output)  # no overflow
        np.exp(output, out=output)  # in place on the new array: no temporaries
        output += 1.0
        return np.reciprocal(output, out=output)

    def derivative(self, y: np.ndarray) -> np.ndarray:
        derivative = 1.0 - y
        derivative *= y  # y (1 - y) with one new array instead of two
        return derivative


class Tanh(Activation):
    r"""The hyperbolic tangent $\tanh x$, element-wise, with $\tanh' = 1 - \tanh^2$.

    Output values lie in $[-1, 1]$; $\tanh x = 2\sigma(2x) - 1$, a sigmoid
    stretched to be centred on zero.

    Examples
    --------
    >>> layer = Tanh()
    >>> layer(np.array([[0.0, 1000.0]])).tolist()
    [[0.0, 1.0]]
    >>> layer.backward(np.array([[2.0, 2.0]])).tolist()
    [[2.0, 0.0]]
    """

    def function(self, x: np.ndarray) -> np.ndarray:
        return np.tanh(x)

    def derivative(self, y: np.ndarray) -> np.ndarray:
        return 1.0 - y * y


class ReLU(Activation):
    r"""The rectified linear unit $\max(x, 0)$, element-wise.

    Its derivative is 1 where $x > 0$ and 0 where $x < 0$; at the kink $x = 0$
    it has none, and minnet uses 0 there (as PyTorch does). Gradient checks
    must keep inputs away from 0.

    Examples
    --------
    >>> layer = ReLU()
    >>> layer(np.array([[-2.0, 0.0, 3.0]])).tolist()
    [[0.0, 0.0, 3.0]]
    >>> layer.backward(np.array([[5.0, 5.0, 5.0]])).tolist()
    [[0.0, 0.0, 5.0]]
    """

    def function(self, x: np.ndarray) -> np.ndarray:
        return np.maximum(x, 0.0)

    def derivative(self, y: np.ndarray) -> np.ndarray:
        return (y > 0.0).astype(y.dtype)


class Identity(Activation):
    r"""The identity $f(x) = x$, with $f' = 1$: the "no activation" of a linear output.

    It returns its argument itself in both directions (no copy): like every
    layer's caller, whoever receives the array must not write into it.

    Examples
    --------
    >>> x = np.array([[1.0, -2.0]])
    >>> Identity()(x) is x
    True
    """

    def function(self, x: np.ndarray) -> np.ndarray:
        return x

    def derivative(self, y: np.ndarray) -> np.ndarray:
        return np.ones_like(y)

    def backward(self, grad_y: np.ndarray) -> np.ndarray:
        if self._output is None:
            raise RuntimeError("Identity.backward was called before forward.")
        return grad_y  # multiplying by f' = 1 would only cost a copy
