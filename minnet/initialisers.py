r"""Initialisers: where a :class:`~minnet.layers.Linear` layer's weights start.

An initialiser is any callable ``init(n_in, n_out, rng) -> (W, b)`` that draws
``W`` of shape ``(n_in, n_out)`` and ``b`` of shape ``(n_out,)`` from the
numpy Generator ``rng`` (never from numpy's global state). It is chosen per
layer: ``Linear(8, 3, rng=rng, init=GlorotUniform())``.

| initialiser | $W_{ij}$ | $b$ | $\operatorname{Var} W_{ij}$ |
|---|---|---|---|
| :class:`Uniform` (the default) | $U[-0.5, 0.5)$ | $U[-0.5, 0.5)$, drawn after $W$ | $1/12$ |
| :class:`GlorotUniform` (Xavier) | $U[-a, a)$, $a = \sqrt{6/(n_{in} + n_{out})}$ | 0 | $2/(n_{in} + n_{out})$ |
| :class:`HeNormal` (Kaiming) | $N(0, 2/n_{in})$ | 0 | $2/n_{in}$ |

Glorot and Bengio (2010) chose the variance that keeps the size of signals
*and* of gradients about the same from layer to layer for tanh-like units; He
et al. (2015) doubled the forward-only version for ReLU, which zeroes half of
its inputs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from minnet.errors import ShapeError


class Initialiser(Protocol):
    """Anything called as ``init(n_in, n_out, rng)`` that returns ``(W, b)``."""

    def __call__(  # positional-only: a function may name its arguments as it likes
        self, n_in: int, n_out: int, rng: np.random.Generator, /
    ) -> tuple[np.ndarray, np.ndarray]: ...


@dataclass(frozen=True)
class Uniform:
    r"""Every entry of ``W``, then of ``b``, uniform in $[\text{low}, \text{high})$.

    The default of :class:`~minnet.layers.Linear`, with the report's
    $[-0.5, 0.5)$. ``W`` is drawn first, row-major, then ``b``: that order is
    what makes a network built from one seed reproduce the reference
    trajectory.

    Examples
    --------
    >>> W, b = Uniform()(8, 3, np.random.default_rng(0))
    >>> W.shape, b.shape, bool(np.all((-0.5 <= W) & (W < 0.5)))
    ((8, 3), (3,), True)
    """

    low: float = -0.5
    high: float = 0.5

    def __post_init__(self) -> None:
        if not (math.isfinite(self.low) and math.isfinite(self.high) and self.low < self.high):
            raise ValueError(
                f"Uniform needs finite bounds with low < high, got low={self.low!r}, "
                f"high={self.high!r}."
            )

    def __call__(
        self, n_in: int, n_out: int, rng: np.random.Generator
    ) -> tuple[np.ndarray, np.ndarray]:
        W = rng.uniform(self.low, self.high, size=(n_in, n_out))
        b = rng.uniform(self.low, self.high, size=n_out)
        return W, b


@dataclass(frozen=True)
class GlorotUniform:
    r"""Glorot (Xavier) uniform: $W_{ij} \sim U[-a, a)$ with $a = \sqrt{6/(n_{in} + n_{out})}$, $b = 0$.

    Then $\operatorname{Var} W_{ij} = a^2/3 = 2/(n_{in} + n_{out})$.

    Examples
    --------
    >>> W, b = GlorotUniform()(3, 3, np.random.default_rng(0))
    >>> bool(np.all(np.abs(W) <= 1.0)), b.tolist()
    (True, [0.0, 0.0, 0.0])
    """

    def __call__(
        self, n_in: int, n_out: int, rng: np.random.Generator
    ) -> tuple[np.ndarray, np.ndarray]:
        bound = math.sqrt(6.0 / (n_in + n_out))
        return rng.uniform(-bound, bound, size=(n_in, n_out)), np.zeros(n_out)


@dataclass(frozen=True)
class HeNormal:
    r"""He (Kaiming) normal: $W_{ij} \sim N(0, 2/n_{in})$, $b = 0$; made for ReLU layers.

    Examples
    --------
    >>> W, b = HeNormal()(200, 100, np.random.default_rng(0))
    >>> round(float(W.var() * 200 / 2), 1), float(b.max())
    (1.0, 0.0)
    """

    def __call__(
        self, n_in: int, n_out: int, rng: np.random.Generator
    ) -> tuple[np.ndarray, np.ndarray]:
        return rng.normal(0.0, math.sqrt(2.0 / n_in), size=(n_in, n_out)), np.zeros(n_out)


def initial_values(
    init: Initialiser, n_in: int, n_out: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Call ``init(n_in, n_out, rng)`` and check that it returned float arrays
    ``W`` of shape ``(n_in, n_out)`` and ``b`` of shape ``(n_out,)``.

    Examples
    --------
    >>> initial_values(lambda n_in, n_out, rng: (np.zeros((n_in, n_out)), np.zeros(2)), 3, 4, None)
    Traceback (most recent call last):
    ...
    minnet.errors.ShapeError: The initialiser <lambda> returned b of shape (2,); Linear(3, 4) needs (4,).
    """
    if not callable(init):
        raise TypeError(
            f"init must be an initialiser such as GlorotUniform() or a function "
            f"init(n_in, n_out, rng) returning (W, b), got {init!r}."
        )
    who = getattr(init, "__name__", None) or repr(init)
    result = init(n_in, n_out, rng)
    if not (isinstance(result, tuple) and len(result) == 2):
        raise TypeError(f"The initialiser {who} must return a pair (W, b), got {result!r}.")
    for label, value, shape in (("W", result[0], (n_in, n_out)), ("b", result[1], (n_out,))):
        if not isinstance(value, np.ndarray) or value.dtype.kind != "f":
            raise TypeError(
                f"The initialiser {who} must return float numpy arrays; {label} is "
                f"{type(value).__name__}."
            )
        if value.shape != shape:
            raise ShapeError(
                f"The initialiser {who} returned {label} of shape {value.shape}; "
                f"Linear({n_in}, {n_out}) needs {shape}."
            )
    return result
