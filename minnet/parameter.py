"""Parameter: one learnable array and the gradient that goes with it.

A layer keeps its parameters and their gradients side by side: ``value`` is
what the forward pass uses, ``grad`` is where the backward pass *adds*
$\\partial L / \\partial\\,\\text{value}$. Keeping them together lets an
optimizer update every parameter of a network without knowing which layer it
belongs to.
"""

from __future__ import annotations

import numpy as np


class Parameter:
    """A learnable array ``value`` with a gradient ``grad`` of the same shape.

    Parameters
    ----------
    value
        The initial values. Stored as given (a float array), not copied.
    name
        A short name such as ``"W"`` or ``"b"``, used in messages.
    regularise
        Whether regularisers (weight decay) act on this parameter. Weights are
        regularised; biases are not, unless the user asks.

    Examples
    --------
    >>> p = Parameter(np.ones((2, 3)), name="W")
    >>> p.grad += 0.5          # backward passes *add* into grad
    >>> p.grad.sum()
    np.float64(3.0)
    >>> p.zero_grad()
    >>> p.grad.sum()
    np.float64(0.0)
    """

    def __init__(self, value: np.ndarray, name: str = "", regularise: bool = True) -> None:
        if not isinstance(value, np.ndarray) or value.dtype.kind != "f":
            raise TypeError(
                f"Parameter {name!r} needs a floating-point numpy array, got "
                f"{type(value).__name__}"
                + (f" of dtype {value.dtype}" if isinstance(value, np.ndarray) else "")
                + "."
            )
        self.value = value
        self.grad = np.zeros_like(value)
        self.name = name
        self.regularise = regularise

    @property
    def shape(self) -> tuple[int, ...]:
        """The shape of ``value`` (and of ``grad``)."""
        return self.value.shape

    def zero_grad(self) -> None:
        """Set every entry of ``grad`` to zero, in place."""
        self.grad[...] = 0.0

    def __repr__(self) -> str:
        flag = "" if self.regularise else ", regularise=False"
        return f"Parameter({self.name!r}, shape={self.shape}, dtype={self.value.dtype}{flag})"
