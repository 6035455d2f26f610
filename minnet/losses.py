r"""Losses: how far a prediction is from its target, and the gradient of that.

A loss keeps what it needs from ``forward(prediction, target)`` and returns
$\partial L/\partial\,\text{prediction}$ from ``backward()``; it has no
parameters. The convention (shared/DESIGN.md section 3): with $m$ samples in
the batch and $K$ outputs,

$$L = \frac{1}{2m} \sum_{i=1}^{m} \sum_{k=1}^{K} (a_{ik} - y_{ik})^2 ,
\qquad \frac{\partial L}{\partial a} = \frac{a - y}{m}.$$
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

import numpy as np

from minnet.errors import ShapeError
from minnet.validation import as_batch


class Loss(ABC):
    """The base of every loss.

    ``loss(prediction, target)`` checks both arrays (finite floats of the same
    shape) and then calls :meth:`forward`; the training loop calls
    :meth:`forward` directly once the data has been checked.
    """

    @abstractmethod
    def forward(self, prediction: np.ndarray, target: np.ndarray) -> float:
        """Return the loss of ``prediction`` against ``target`` and keep what
        :meth:`backward` needs."""

    @abstractmethod
    def backward(self) -> np.ndarray:
        """Return $\\partial L/\\partial\\,\\text{prediction}$ for the last forward."""

    def __call__(self, prediction: Any, target: Any) -> float:
        name = type(self).__name__
        prediction = as_batch(prediction, who=name, what="prediction")
        target = as_batch(target, who=name, what="target")
        return self.forward(prediction, target)

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


def check_same_shape(prediction: np.ndarray, target: np.ndarray, who: str) -> None:
    """Raise :class:`ShapeError` unless prediction and target have one shape.

    numpy would broadcast a ``(8, 1)`` target against an ``(8, 8)``
    prediction without a word and train on the wrong problem; a loss refuses.
    """
    if prediction.shape != target.shape:
        raise ShapeError(
            f"{who} needs prediction and target of the same shape, got prediction "
            f"{prediction.shape} and target {target.shape}."
        )


class MSE(Loss):
    r"""Half the mean over samples of the squared error, summed over outputs.

    $L = \frac{1}{2m}\sum_{i,k}(a_{ik} - y_{ik})^2$ for a batch of $m$ samples
    (the axis before last). This is the Ng-course convention: PyTorch's
    ``MSELoss`` (mean over all $mK$ entries, no one half) equals $2L/K$.

    Examples
    --------
    >>> loss = MSE()
    >>> loss(np.array([[1.0, 0.0], [0.0, 0.0]]), np.array([[0.0, 0.0], [0.0, 0.0]]))
    0.25
    >>> loss.backward().tolist()
    [[0.5, 0.0], [0.0, 0.0]]
    """

    def __init__(self) -> None:
        self._error: np.ndarray | None = None

    def forward(self, prediction: np.ndarray, target: np.ndarray) -> float:
        check_same_shape(prediction, target, who="MSE")
        error = prediction - target
        self._error = error
        batch_size = prediction.shape[-2]
        return float(np.vdot(error, error)) / (2 * batch_size)

    def backward(self) -> np.ndarray:
        if self._error is None:
            raise RuntimeError("MSE.backward was called before forward.")
        return self._error / self._error.shape[-2]
