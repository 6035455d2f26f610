r"""Optimizers: turn the accumulated gradients into a step on the parameters.

An optimizer is built from the parameters it updates (``net.parameters()``).
``step()`` updates them from their ``grad`` $g$; ``zero_grad()`` clears the
gradients before the next backward pass. Any state an optimizer keeps is a
list parallel to ``self.parameters`` (entry $i$ belongs to parameter $i$),
never stored on a layer.

| optimizer | update, for each parameter $p$ with gradient $g$ |
|---|---|
| :class:`SGD` | $p \leftarrow p - \eta\, g$ |
| :class:`Momentum` | $v \leftarrow \mu v + g$, then $p \leftarrow p - \eta\, v$ (Nesterov: $p \leftarrow p - \eta\,(g + \mu v)$) |
| :class:`Adam` | moving means of $g$ and $g^2$, bias-corrected; $p \leftarrow p - \eta\, \hat m/(\sqrt{\hat v} + \epsilon)$ |
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Iterable
from typing import Any

import numpy as np

from minnet.parameter import Parameter, per_member, take_members
from minnet.validation import as_numbers


def check_learning_rate(lr: float | Any, who: str) -> float | np.ndarray:
    """Return ``lr`` as a float (or, one per member of a population, an array
    ``(N,)``), or raise ``ValueError`` unless every value is positive and finite."""
    values = as_numbers(lr, "the learning rate lr", who)
    if values.ndim == 0 and not (math.isfinite(values) and values > 0):
        raise ValueError(f"{who} needs a positive, finite learning rate, got lr={lr!r}.")
    if values.ndim > 1 or values.size == 0 or not np.all(np.isfinite(values) & (values > 0)):
        raise ValueError(
            f"{who} needs one positive, finite learning rate per member, an array of "
            f"shape (N,), got lr={lr!r}."
        )
    return float(values) if values.ndim == 0 else values.copy()


def check_decay(value: float, name: str, who: str) -> float:
    """Return ``value`` as a float, or raise ``ValueError`` unless 0 <= ``value`` < 1."""
    if not (0.0 <= value < 1.0):
        raise ValueError(
            f"{who} needs 0 <= {name} < 1 (the fraction of the old average kept each "
            f"step), got {name}={value!r}."
        )
    return float(value)


class Optimizer(ABC):
    """The base of every optimizer.

    For a population of networks (:mod:`minnet.population`) the learning
    rate ``lr`` may be one number per member, an array ``(N,)``, and
    :meth:`freeze` stops members: their rate becomes 0, so no later step
    moves them, whatever state (velocity, moments) the optimizer keeps.

    Parameters
    ----------
    parameters
        The parameters to update, e.g. ``net.parameters()``. They are kept
        as a list, so a generator may be passed. A parameter listed twice
        (a layer used twice in a network) is kept once, so it is stepped once.
    """

    lr: float | np.ndarray
    #: The attributes holding per-parameter state, lists parallel to ``parameters``.
    state_names: tuple[str, ...] = ()

    def __init__(self, parameters: Iterable[Parameter]) -> None:
        if isinstance(parameters, Parameter):
            raise TypeError(
                f"{type(self).__name__} takes a collection of parameters: write [p] for "
                f"one Parameter p, or pass net.parameters()."
            )
        unique = {id(p): p for p in parameters}  # dicts keep the first position
        self.parameters: list[Parameter] = list(unique.values())
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

    def rate(self, parameter: Parameter) -> float | np.ndarray:
        """The learning rate for ``parameter``: ``lr``, shaped to broadcast
        against the parameter when it is one per member."""
        if isinstance(self.lr, np.ndarray):
            # In the parameter's dtype, so a float32 population is not promoted.
            return per_member(self.lr, parameter).astype(parameter.value.dtype, copy=False)
        return self.lr

    def select_members(self, rows: np.ndarray) -> None:
        """Keep the state of members ``rows`` of a population, in that order (the
        parameters themselves are the caller's to select); a row of -1 gives a
        member with zero state and learning rate 0, which no step moves.

        :func:`~minnet.population_training.fit_population` uses it to drop
        members that stopped from the computation and to bring them back.
        """
        if isinstance(self.lr, np.ndarray):
            self.lr = take_members(self.lr, rows)
        else:
            self.lr = np.where(rows >= 0, self.lr, 0.0)
        for name in self.state_names:
            setattr(self, name, [take_members(state, rows) for state in getattr(self, name)])

    def reset_state(self) -> None:
        """Forget all state (momentum, moments, step counts), as if just built on
        the parameters' current values."""
        for name in self.state_names:
            setattr(self, name, [np.zeros_like(p.value) for p in self.parameters])

    def rates_fit(self) -> None:
        """Raise ``ValueError`` unless a learning rate given per member fits every parameter."""
        for p in self.parameters:
            self.rate(p)

    def freeze(self, members: np.ndarray) -> None:
        """Stop updating ``members`` (a boolean mask or indices over a population):
        their learning rate becomes 0 from the next step on.

        Examples
        --------
        >>> p = Parameter(np.ones((3, 1, 2)), "b", member_shape=(2,))
        >>> optimizer = SGD([p], lr=0.5)
        >>> optimizer.freeze(np.array([False, True, False]))
        >>> p.grad[...] = 1.0
        >>> optimizer.step()
        >>> p.value[:, 0, 0].tolist()
        [0.5, 1.0, 0.5]
        """
        sizes = {p.population for p in self.parameters}
        if None in sizes or len(sizes) != 1:
            raise ValueError(
                f"{type(self).__name__}.freeze works on a population of networks; these "
                f"parameters hold one network (or populations of different sizes)."
            )
        rates = np.broadcast_to(np.asarray(self.lr, dtype=float), (sizes.pop() or 0,)).copy()
        rates[members] = 0.0
        self.lr = rates

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
        self.lr = check_learning_rate(lr, "SGD")
        self.rates_fit()

    def step(self) -> None:
        for p in self.parameters:
            p.value -= self.rate(p) * p.grad

    def __repr__(self) -> str:
        return f"SGD(lr={self.lr!r})"


class Momentum(Optimizer):
    r"""Gradient descent with momentum: a running sum of gradients, decayed by $\mu$.

    For each parameter $p$ with gradient $g$ and velocity $v$ (zero at first):

    $$v \leftarrow \mu\, v + g, \qquad p \leftarrow p - \eta\, v .$$

    With ``nesterov=True`` the step looks ahead along the new velocity:
    $p \leftarrow p - \eta\,(g + \mu\, v)$. These are PyTorch's equations;
    on a steady gradient $v$ grows to $g/(1 - \mu)$, so the step is
    $\eta/(1 - \mu)$ times the gradient: with $\mu = 0.9$, ``lr=0.15`` goes as
    fast on a straight slope as SGD with ``lr=1.5``, and damps zig-zags.

    Parameters
    ----------
    parameters
        The parameters to update.
    lr
        The learning rate $\eta > 0$.
    momentum
        $\mu$ in $[0, 1)$; 0 is plain SGD.
    nesterov
        Use Nesterov's look-ahead step.

    Examples
    --------
    >>> p = Parameter(np.array([1.0]), "w")
    >>> optimizer = Momentum([p], lr=0.1, momentum=0.5)
    >>> for _ in range(2):
    ...     p.grad[:] = 2.0
    ...     optimizer.step()
    >>> optimizer.velocity[0].tolist(), p.value.round(12).tolist()    # v: 2, then 0.5*2 + 2
    ([3.0], [0.5])
    """

    state_names = ("velocity",)

    def __init__(
        self,
        parameters: Iterable[Parameter],
        lr: float,
        momentum: float = 0.9,
        *,
        nesterov: bool = False,
    ) -> None:
        super().__init__(parameters)
        self.lr = check_learning_rate(lr, "Momentum")
        self.rates_fit()
        self.momentum = check_decay(momentum, "momentum", "Momentum")
        if not isinstance(nesterov, bool):
            raise TypeError(f"Momentum needs nesterov to be True or False, got {nesterov!r}.")
        self.nesterov = nesterov
        self.velocity: list[np.ndarray] = [np.zeros_like(p.value) for p in self.parameters]

    def step(self) -> None:
        for p, v in zip(self.parameters, self.velocity, strict=True):
            v *= self.momentum
            v += p.grad
            if self.nesterov:
                p.value -= self.rate(p) * (p.grad + self.momentum * v)
            else:
                p.value -= self.rate(p) * v

    def __repr__(self) -> str:
        flag = ", nesterov=True" if self.nesterov else ""
        return f"Momentum(lr={self.lr!r}, momentum={self.momentum!r}{flag})"


class Adam(Optimizer):
    r"""Adam (Kingma and Ba, 2015): a step per entry scaled by running moments of the gradient.

    For each parameter $p$ with gradient $g$, at step $t = 1, 2, \ldots$, with
    first and second moments $m$ and $v$ (zero at first):

    $$m \leftarrow \beta_1 m + (1 - \beta_1)\, g, \qquad
      v \leftarrow \beta_2 v + (1 - \beta_2)\, g^2,$$
    $$\hat m = \frac{m}{1 - \beta_1^t}, \qquad \hat v = \frac{v}{1 - \beta_2^t}, \qquad
      p \leftarrow p - \eta\, \frac{\hat m}{\sqrt{\hat v} + \epsilon} .$$

    The bias correction undoes the pull of the zero start: on the first step
    $\hat m = g$ and $\hat v = g^2$, so every entry moves by
    $\eta\, g/(|g| + \epsilon) \approx \eta\,\mathrm{sign}(g)$. Each entry's
    step is about $\eta$ whatever the scale of its gradient, so $\eta$ here is
    a distance in parameter space, not a multiplier of the gradient, and good
    values are much smaller than SGD's.

    Parameters
    ----------
    parameters
        The parameters to update.
    lr
        The step size $\eta > 0$.
    beta1, beta2
        The decay rates $\beta_1, \beta_2$ in $[0, 1)$ of the two moments.
    eps
        $\epsilon > 0$, which keeps the division finite where $\hat v = 0$.

    Examples
    --------
    >>> p = Parameter(np.array([1.0, 1.0]), "w")
    >>> p.grad[:] = [3.0, -0.001]
    >>> Adam([p], lr=0.1).step()
    >>> p.value.round(4).tolist()            # each moves by lr against its gradient's sign
    [0.9, 1.1]
    """

    state_names = ("first_moment", "second_moment")

    def __init__(
        self,
        parameters: Iterable[Parameter],
        lr: float = 0.001,
        beta1: float = 0.9,
        beta2: float = 0.999,
        eps: float = 1e-8,
    ) -> None:
        super().__init__(parameters)
        self.lr = check_learning_rate(lr, "Adam")
        self.rates_fit()
        self.beta1 = check_decay(beta1, "beta1", "Adam")
        self.beta2 = check_decay(beta2, "beta2", "Adam")
        if not (math.isfinite(eps) and eps > 0):
            raise ValueError(f"Adam needs a small positive eps, got eps={eps!r}.")
        self.eps = float(eps)
        self.steps = 0
        self.first_moment: list[np.ndarray] = [np.zeros_like(p.value) for p in self.parameters]
        self.second_moment: list[np.ndarray] = [np.zeros_like(p.value) for p in self.parameters]

    def reset_state(self) -> None:
        super().reset_state()
        self.steps = 0  # the bias correction starts again with the moments

    def step(self) -> None:
        self.steps += 1
        correction1 = 1.0 - self.beta1**self.steps
        correction2 = 1.0 - self.beta2**self.steps
        for p, m, v in zip(self.parameters, self.first_moment, self.second_moment, strict=True):
            m *= self.beta1
            m += (1.0 - self.beta1) * p.grad
            v *= self.beta2
            v += (1.0 - self.beta2) * (p.grad * p.grad)
            p.value -= self.rate(p) * (m / correction1) / (np.sqrt(v / correction2) + self.eps)

    def __repr__(self) -> str:
        return f"Adam(lr={self.lr!r}, beta1={self.beta1!r}, beta2={self.beta2!r}, eps={self.eps!r})"
