r"""Regularisers: penalties on the parameters, added to the loss.

A regulariser is given the parameters and the batch size $m$. ``penalty``
returns its value; ``backward`` adds its gradient into each parameter's
``grad``. It acts only on parameters whose ``regularise`` flag is set, which
by default means weights and not biases.

L2 (weight decay), with the same $1/m$ as the loss (shared/DESIGN.md section 3):

$$R = \frac{\lambda}{2m}\sum_{W} \sum_{ij} W_{ij}^2, \qquad
\frac{\partial R}{\partial W} = \frac{\lambda}{m}\,W .$$
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable
from typing import Any

import numpy as np

from minnet.parameter import Parameter, per_member, take_members
from minnet.validation import as_numbers


class Regulariser(ABC):
    """The base of every regulariser on parameters."""

    @abstractmethod
    def penalty(self, parameters: Iterable[Parameter], batch_size: int) -> float:
        """Return the penalty for ``parameters`` with a batch of ``batch_size``."""

    @abstractmethod
    def backward(self, parameters: Iterable[Parameter], batch_size: int) -> None:
        """Add the gradient of :meth:`penalty` into each parameter's ``grad``."""

    def penalty_per_member(self, parameters: Iterable[Parameter], batch_size: int) -> np.ndarray:
        """The penalty of each member of a population, shape ``(N,)``; they sum
        to :meth:`penalty`."""
        raise NotImplementedError(
            f"{type(self).__name__} does not give one penalty per member, so it cannot "
            f"train a population. Implement penalty_per_member."
        )

    def select_members(self, rows: np.ndarray) -> None:
        """Keep the per-member settings of members ``rows`` of a population (a row
        of -1 gives a new member with the regulariser off). A regulariser
        without per-member settings has nothing to do."""
        return None

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class L2Regulariser(Regulariser):
    r"""Weight decay: $R = \frac{\lambda}{2m}\sum W^2$ over regularised parameters.

    Parameters
    ----------
    lam
        The strength $\lambda \ge 0$; for a population of networks (see
        :mod:`minnet.population`) either one number for every member or an
        array of shape ``(N,)``, one per member.
    allow_negative
        A negative $\lambda$ makes the weights *grow* instead of decay. That is
        almost always a mistake, so it is refused unless this is ``True`` (the
        docs use it on purpose to show what a sign error in the decay does).

    Examples
    --------
    >>> W = Parameter(np.array([[1.0, -2.0]]), "W")
    >>> b = Parameter(np.array([3.0]), "b", regularise=False)
    >>> l2 = L2Regulariser(0.5)
    >>> l2.penalty([W, b], batch_size=1)    # 0.5/2 * (1 + 4); b is not decayed
    1.25
    >>> l2.backward([W, b], batch_size=1)
    >>> W.grad.tolist(), b.grad.tolist()
    ([[0.5, -1.0]], [0.0])
    """

    def __init__(self, lam: float | Any, *, allow_negative: bool = False) -> None:
        values = as_numbers(lam, "lambda", "L2Regulariser")
        if values.ndim > 1 or not np.all(np.isfinite(values)):
            raise ValueError(
                f"L2Regulariser needs a finite lambda (or one per member, shape (N,)), got {lam!r}."
            )
        if np.any(values < 0) and not allow_negative:
            raise ValueError(
                f"L2Regulariser got a negative lambda ({lam}), which makes weights "
                f"grow instead of decay. Pass allow_negative=True if that is what "
                f"you want."
            )
        self.lam: float | np.ndarray = float(values) if values.ndim == 0 else values

    def penalty(self, parameters: Iterable[Parameter], batch_size: int) -> float:
        if isinstance(self.lam, np.ndarray):
            return float(np.sum(self.penalty_per_member(parameters, batch_size)))
        if self.lam == 0.0:  # switched off: 0 even for weights whose squares overflow
            return 0.0
        total = 0.0
        for p in parameters:
            if p.regularise:
                total += float(np.vdot(p.value, p.value))
        return self.lam / (2 * batch_size) * total

    def penalty_per_member(self, parameters: Iterable[Parameter], batch_size: int) -> np.ndarray:
        total: np.ndarray | float = 0.0
        for p in parameters:
            if p.regularise:
                if p.population is None:
                    raise ValueError(
                        f"Parameter {p.name!r} belongs to one network, not a population: "
                        f"use penalty() for it."
                    )
                flat = p.value.reshape(p.population, -1)
                total = total + np.einsum("ki,ki->k", flat, flat)
        return np.asarray(self.lam / (2 * batch_size) * total)

    def backward(self, parameters: Iterable[Parameter], batch_size: int) -> None:
        scale = self.lam / batch_size
        for p in parameters:
            if p.regularise:
                if isinstance(scale, np.ndarray):
                    p.grad += per_member(scale, p).astype(p.value.dtype, copy=False) * p.value
                else:
                    p.grad += scale * p.value

    def select_members(self, rows: np.ndarray) -> None:
        if isinstance(self.lam, np.ndarray):
            self.lam = take_members(self.lam, rows)

    def __repr__(self) -> str:
        lam = self.lam.tolist() if isinstance(self.lam, np.ndarray) else self.lam
        return f"L2Regulariser({lam!r})"
