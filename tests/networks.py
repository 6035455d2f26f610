"""The networks the tests train, built one way so every test draws them alike."""

from __future__ import annotations

import numpy as np

from minnet import Linear, Sequential, Sigmoid


def autoencoder(seed: int = 0, *, n: int = 8, hidden: int = 3) -> Sequential:
    """The flagship's n -> hidden -> n sigmoid autoencoder, its weights drawn from
    ``default_rng(seed)`` in the flagship's order (W then b, layer by layer)."""
    rng = np.random.default_rng(seed)
    return Sequential(Linear(n, hidden, rng=rng), Sigmoid(), Linear(hidden, n, rng=rng), Sigmoid())
