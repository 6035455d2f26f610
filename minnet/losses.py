r"""Losses: how far a prediction is from its target, and the gradient of that.

A loss keeps what it needs from ``forward(prediction, target)`` and returns
$\partial L/\partial\,\text{prediction}$ from ``backward()``; it has no
parameters. The convention (shared/DESIGN.md section 3): with $m$ samples in
the batch and $K$ outputs,

$$L = \frac{1}{2m} \sum_{i=1}^{m} \sum_{k=1}^{K} (a_{ik} - y_{ik})^2 ,
\qquad \frac{\partial L}{\partial a} = \frac{a - y}{m}.$$

Binary cross-entropy, for outputs that are probabilities (sigmoid units), is
also a mean over samples and a sum over outputs:

$$L = -\frac{1}{m} \sum_{i=1}^{m} \sum_{k=1}^{K}
      \bigl[y_{ik} \log a_{ik} + (1 - y_{ik}) \log(1 - a_{ik})\bigr] ,
\qquad \frac{\partial L}{\partial a} = \frac{a - y}{a(1 - a)\,m}.$$
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

import numpy as np

from minnet.entropy import EPS, clip_probability, cross_entropy, cross_entropy_gradient
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

    def forward_per_member(self, prediction: np.ndarray, target: np.ndarray) -> np.ndarray:
        """Like :meth:`forward`, but one loss per leading index: shape
        ``prediction.shape[:-2]``, which sums to what :meth:`forward` returns.

        A population of networks (:mod:`minnet.population`) needs each
        member's own loss; :meth:`backward` then works as after
        :meth:`forward`.
        """
        raise NotImplementedError(
            f"{type(self).__name__} does not give one loss per member, so it cannot "
            f"train a population. Implement forward_per_member."
        )

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

    def forward_per_member(self, prediction: np.ndarray, target: np.ndarray) -> np.ndarray:
        check_same_shape(prediction, target, who="MSE")
        error = prediction - target
        self._error = error
        squares: np.ndarray = np.einsum("...ij,...ij->...", error, error)
        return squares / (2 * prediction.shape[-2])

    def backward(self) -> np.ndarray:
        if self._error is None:
            raise RuntimeError("MSE.backward was called before forward.")
        return self._error / self._error.shape[-2]


class BinaryCrossEntropy(Loss):
    r"""Cross-entropy of probabilities against 0/1 (or soft) targets, summed
    over outputs and averaged over samples.

    $L = -\frac{1}{m}\sum_{i,k}[y_{ik}\log a_{ik} + (1 - y_{ik})\log(1 - a_{ik})]$
    for a batch of $m$ samples (the axis before last) with targets in $[0, 1]$.
    Its gradient is $\partial L/\partial a = (a - y)/(a(1 - a)\,m)$.

    The convention is MSE's: both take the mean over the $m$ samples and the
    sum over the $K$ outputs. MSE has a factor $\tfrac12$ so that its
    gradient is $(a - y)/m$; cross-entropy needs none, and behind a sigmoid
    output $a = \sigma(z)$ its gradient with respect to $z$ is exactly
    $(a - y)/m$, without the $a(1 - a)$ that makes MSE learn slowly when a
    sigmoid saturates. PyTorch's ``BCELoss`` and Keras's
    ``binary_crossentropy`` (means over all $mK$ entries) equal $L/K$.

    ``a`` is first clipped into $[\varepsilon, 1 - \varepsilon]$, so outputs of
    exactly 0 or 1 give a large but finite loss and gradient, never NaN, infinity
    or a warning. The gradient is the formula above at the clipped ``a`` (not
    the zero slope of the clip itself), so it still pushes a saturated output
    the right way.

    Parameters
    ----------
    eps
        The clipping margin $\varepsilon$, in $(0, 0.5)$; the default
        :data:`minnet.entropy.EPS` is $10^{-7}$.

    Examples
    --------
    >>> loss = BinaryCrossEntropy()
    >>> round(loss(np.array([[0.5, 0.5]]), np.array([[1.0, 0.0]])), 6)    # 2 log 2
    1.386294
    >>> loss.backward().tolist()
    [[-2.0, 2.0]]
    >>> loss(np.array([[0.0, 1.0]]), np.array([[0.0, 1.0]])) < 1e-6      # no log(0)
    True
    """

    def __init__(self, eps: float = EPS) -> None:
        if not (0.0 < eps < 0.5):
            raise ValueError(f"BinaryCrossEntropy needs 0 < eps < 0.5, got eps={eps!r}.")
        self.eps = float(eps)
        self._clipped: np.ndarray | None = None
        self._target: np.ndarray | None = None

    def forward(self, prediction: np.ndarray, target: np.ndarray) -> float:
        return float(np.sum(self.forward_per_member(prediction, target)))

    def forward_per_member(self, prediction: np.ndarray, target: np.ndarray) -> np.ndarray:
        check_same_shape(prediction, target, who="BinaryCrossEntropy")
        for array, what in ((prediction, "prediction"), (target, "target")):
            if array.min() < 0.0 or array.max() > 1.0:
                raise ValueError(
                    f"BinaryCrossEntropy needs every {what} in [0, 1], got values from "
                    f"{array.min():.4g} to {array.max():.4g}. Predictions must be "
                    f"probabilities: end the network with a Sigmoid rather than feeding "
                    f"it raw scores."
                )
        clipped = clip_probability(prediction, self.eps)
        self._clipped, self._target = clipped, target
        losses: np.ndarray = cross_entropy(target, clipped).sum(axis=(-2, -1))
        return losses / prediction.shape[-2]

    def backward(self) -> np.ndarray:
        if self._clipped is None or self._target is None:
            raise RuntimeError("BinaryCrossEntropy.backward was called before forward.")
        return cross_entropy_gradient(self._target, self._clipped) / self._clipped.shape[-2]

    def __repr__(self) -> str:
        return (
            "BinaryCrossEntropy()" if self.eps == EPS else f"BinaryCrossEntropy(eps={self.eps!r})"
        )
