"""One registry of every Layer, Loss and Regulariser in minnet.

``tests/test_properties.py`` puts every entry through the same
:mod:`minnet.testing` checks a user runs on a class of their own: gradients
against finite differences on random shapes and values, and the
forward/backward contract. To have a new class checked, add an entry here;
``test_every_class_in_minnet_is_in_the_registry`` fails until you do.

An entry says how to build the object and, where it matters, which inputs
make sense for it: the range of values, the kinks to stay away from (points
with no derivative, such as 0 for a ReLU), a fixed number of features.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from minnet import (
    MSE,
    BinaryCrossEntropy,
    Identity,
    KLSparsity,
    L2Regulariser,
    Layer,
    Linear,
    Loss,
    Regulariser,
    ReLU,
    Sequential,
    Sigmoid,
    Tanh,
)


@dataclass(frozen=True)
class LayerEntry:
    """How to build a layer for ``n`` input features, and which inputs suit it."""

    make: Callable[[int], Layer]
    min_value: float = -3.0
    max_value: float = 3.0
    avoid: tuple[float, ...] = ()
    features: int | None = None


@dataclass(frozen=True)
class LossEntry:
    """How to build a loss, and the ranges its predictions and targets live in."""

    make: Callable[[], Loss]
    prediction_range: tuple[float, float] = (0.05, 0.95)
    target_range: tuple[float, float] = (0.0, 1.0)


def hidden_layer_network(n: int) -> Layer:
    """Linear -> Sigmoid -> Linear, the shape of every multi-layer perceptron."""
    rng = np.random.default_rng(n)
    return Sequential(Linear(n, 4, rng=rng), Sigmoid(), Linear(4, 2, rng=rng))


def sparse_autoencoder(n: int) -> Layer:
    """The flagship's network with a sparsity penalty on its hidden units."""
    rng = np.random.default_rng(n)
    return Sequential(
        Linear(n, 3, rng=rng),
        Sigmoid(),
        KLSparsity(rho=0.2, beta=0.5),
        Linear(3, n, rng=rng),
        Sigmoid(),
    )


LAYERS: dict[str, LayerEntry] = {
    "Linear(n, 1)": LayerEntry(lambda n: Linear(n, 1, seed=n)),
    "Linear(n, 3)": LayerEntry(lambda n: Linear(n, 3, seed=n)),
    "Linear(n, 6)": LayerEntry(lambda n: Linear(n, 6, seed=n)),
    # Wide inputs reach where the sigmoid saturates and its clipping is put to work.
    "Sigmoid()": LayerEntry(lambda n: Sigmoid(), min_value=-30.0, max_value=30.0),
    "Tanh()": LayerEntry(lambda n: Tanh(), min_value=-15.0, max_value=15.0),
    "ReLU()": LayerEntry(lambda n: ReLU(), avoid=(0.0,)),
    "Identity()": LayerEntry(lambda n: Identity()),
    # Inputs are activations; every mean stays inside the clipping margin.
    "KLSparsity(0.2, 0.5)": LayerEntry(
        lambda n: KLSparsity(rho=0.2, beta=0.5), min_value=0.05, max_value=0.95
    ),
    "Sequential(Linear, Sigmoid, Linear)": LayerEntry(hidden_layer_network),
    "Sequential(Linear, Sigmoid, KLSparsity, Linear, Sigmoid)": LayerEntry(sparse_autoencoder),
}

LOSSES: dict[str, LossEntry] = {
    "MSE()": LossEntry(MSE, prediction_range=(-3.0, 3.0), target_range=(-3.0, 3.0)),
    "BinaryCrossEntropy()": LossEntry(BinaryCrossEntropy),
}

REGULARISERS: dict[str, Callable[[], Regulariser]] = {
    "L2Regulariser(0)": lambda: L2Regulariser(0.0),
    "L2Regulariser(5e-5)": lambda: L2Regulariser(5e-5),
    "L2Regulariser(0.1)": lambda: L2Regulariser(0.1),
    "L2Regulariser(2)": lambda: L2Regulariser(2.0),
    "L2Regulariser(-0.5, allow_negative=True)": lambda: L2Regulariser(-0.5, allow_negative=True),
}
