"""Small built-in data sets."""

from __future__ import annotations

from typing import Any

import numpy as np


def one_hot_patterns(n: int = 8, dtype: type[np.floating[Any]] = np.float64) -> np.ndarray:
    """The ``n`` one-hot patterns of length ``n``, one per row: the identity matrix.

    The 8-3-8 autoencoder learns to reproduce these eight patterns through
    three hidden units, so inputs and targets are the same array.

    Examples
    --------
    >>> one_hot_patterns(3)
    array([[1., 0., 0.],
           [0., 1., 0.],
           [0., 0., 1.]])
    """
    if not isinstance(n, (int, np.integer)) or isinstance(n, bool) or n < 1:
        raise ValueError(f"one_hot_patterns needs a positive integer n, got {n!r}.")
    return np.eye(n, dtype=dtype)
