r"""Activation functions: layers without parameters that act element by element.

Sigmoid
-------
$\sigma(x) = 1 / (1 + e^{-x})$, with derivative $\sigma'(x) = \sigma(x)\,(1 - \sigma(x))$.

Written that way, $e^{-x}$ overflows for $x < -709$ and numpy warns. minnet
uses the identity $\sigma(x) = \tfrac12\,(1 + \tanh(x/2))$ instead: $\tanh$ is
bounded, so no input overflows, and it takes fewer numpy calls than the usual
two-branch formula. The derivative is computed from the cached output, never
from $x$ again.
"""

from __future__ import annotations

import numpy as np

from minnet.layers import Layer


class Sigmoid(Layer):
    r"""The logistic function $\sigma(x) = 1/(1 + e^{-x})$, element-wise.

    Output values lie in $[0, 1]$ (they reach exactly 0 or 1 only where the
    true value is closer to them than float64 can tell). The backward pass is
    $\partial L/\partial x = g \cdot \sigma(x)(1 - \sigma(x))$, using the
    output kept by the forward pass.

    Examples
    --------
    >>> Sigmoid()(np.array([[-1000.0, 0.0, 1000.0]])).tolist()
    [[0.0, 0.5, 1.0]]
    """

    def __init__(self) -> None:
        self._output: np.ndarray | None = None

    def forward(self, x: np.ndarray) -> np.ndarray:
        output = np.tanh(x * 0.5)
        output += 1.0
        output *= 0.5
        self._output = output
        return output

    def backward(self, grad_y: np.ndarray) -> np.ndarray:
        if self._output is None:
            raise RuntimeError("Sigmoid.backward was called before forward.")
        s = self._output
        return grad_y * (s * (1.0 - s))
