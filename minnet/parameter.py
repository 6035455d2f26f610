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
    member_shape
        ``None`` for a parameter of one network. For a population of networks
        (see :mod:`minnet.population`) the shape one member's parameter has on
        its own: axis 0 of ``value`` then indexes the members.

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

    def __init__(
        self,
        value: np.ndarray,
        name: str = "",
        regularise: bool = True,
        *,
        member_shape: tuple[int, ...] | None = None,
    ) -> None:
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
        self.member_shape = member_shape

    @property
    def shape(self) -> tuple[int, ...]:
        """The shape of ``value`` (and of ``grad``)."""
        return self.value.shape

    @property
    def population(self) -> int | None:
        """The number of networks this parameter holds (axis 0), or ``None`` for one."""
        return None if self.member_shape is None else self.value.shape[0]

    def zero_grad(self) -> None:
        """Set every entry of ``grad`` to zero, in place."""
        self.grad[...] = 0.0

    def __repr__(self) -> str:
        flag = "" if self.regularise else ", regularise=False"
        return f"Parameter({self.name!r}, shape={self.shape}, dtype={self.value.dtype}{flag})"


def per_member(values: np.ndarray, parameter: Parameter) -> np.ndarray:
    """Shape one value per member, ``(N,)``, to broadcast against ``parameter.value``.

    The result is a view ``(N, 1, ..., 1)``: a learning rate or a lambda
    given per member then scales each member's slice of the parameter.

    Examples
    --------
    >>> W = Parameter(np.zeros((2, 8, 3)), "W", member_shape=(8, 3))
    >>> per_member(np.array([0.5, 1.5]), W).shape
    (2, 1, 1)
    """
    if parameter.population != values.shape[0]:
        raise ValueError(
            f"Got {values.shape[0]} values, one per member, for parameter "
            f"{parameter.name!r}, which holds "
            + ("one network" if parameter.population is None else f"{parameter.population}")
            + ". Give one value per member of the population."
        )
    return values.reshape(values.shape[0], *([1] * (parameter.value.ndim - 1)))


def take_members(values: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """The rows ``rows`` of ``values`` (axis 0, one per member), where a row of
    -1 gives a new member whose entries are all zero.

    Training a population drops members that have stopped and brings them
    back at the end; this is the one gather both directions use.

    Examples
    --------
    >>> take_members(np.array([1.5, 2.5, 3.5]), np.array([2, -1, 0])).tolist()
    [3.5, 0.0, 1.5]
    """
    padded = np.concatenate([values, np.zeros_like(values[:1])])  # row -1: the zeros
    return padded[rows]
