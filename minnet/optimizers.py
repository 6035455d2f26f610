r"""Optimizers: turn the accumulated gradients into a step on the parameters.

An optimizer is built from the parameters it updates (``net.parameters()``).
``step()`` updates them from their ``grad``; ``zero_grad()`` clears the
gradients before the next backward pass. Any state an optimizer keeps
(momentum, ...) is keyed by parameter, never stored on a layer.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Iterable

from minnet.parameter import Parameter


class Optimizer(ABC):
    """The base of every optimizer.

    Parameters
    ----------
    parameters
        The parameters to update, e.g. ``net.parameters()``. They are kept
        as a list, so a generator may be passed.
    """

    def __init__(self, parameters: Iterable[Parameter]) -> None:
        self.parameters: list[Parameter] = list(parameters)
        if not self.parameters:
            raise ValueError(
                f"{type(self).__name__} got no parameters to update. Pass "
                f"net.parameters() of a network that has some."
            )
        for p in self.parameters:
            if not isinstance(p, Parameter):
                raise TypeError(
                    f"{type(self).__name__} takes Parameter objects, got "
                    f"{type(p).__name__}. Pass net.parameters()."
                )

    @abstractmethod
    def step(self) -> None:
        """Update every parameter from its gradient."""

    def zero_grad(self) -> None:
        """Set the gradient of every parameter to zero."""
        for p in self.parameters:
            p.zero_grad()


class SGD(Optimizer):
    r"""Plain gradient descent: $p \leftarrow p - \text{lr}\cdot\partial L/\partial p$.

    Parameters
    ----------
    parameters
        The parameters to update.
    lr
        The learning rate (the report's $\alpha$), a positive finite number.

    Examples
    --------
    >>> import numpy as np
    >>> p = Parameter(np.array([1.0]), "w")
    >>> p.grad[:] = 2.0
    >>> SGD([p], lr=0.25).step()
    >>> p.value.tolist()
    [0.5]
    """

    def __init__(self, parameters: Iterable[Parameter], lr: float) -> None:
        super().__init__(parameters)
        if not (math.isfinite(lr) and lr > 0):
            raise ValueError(f"SGD needs a positive, finite learning rate, got lr={lr!r}.")
        self.lr = float(lr)

    def step(self) -> None:
        for p in self.parameters:
            p.value -= self.lr * p.grad

    def __repr__(self) -> str:
        return f"SGD(lr={self.lr!r})"
