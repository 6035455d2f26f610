r"""The sparsity penalty of the sparse autoencoder, as a layer.

A sparse autoencoder wants each hidden unit $j$ to be active only rarely: its
mean activation over the batch,

$$\hat\rho_j = \frac{1}{m} \sum_{i=1}^{m} a_{ij},$$

should be close to a small target $\rho$ (say 0.05). The penalty is the
Kullback-Leibler divergence between Bernoulli distributions with those means,
summed over the hidden units and weighted by $\beta$:

$$R = \beta \sum_j \mathrm{KL}(\rho \,\|\, \hat\rho_j)
    = \beta \sum_j \Bigl[\rho \log\frac{\rho}{\hat\rho_j}
      + (1 - \rho) \log\frac{1 - \rho}{1 - \hat\rho_j}\Bigr],
\qquad
\frac{\partial R}{\partial a_{ij}} = \frac{\beta}{m}
   \Bigl(-\frac{\rho}{\hat\rho_j} + \frac{1 - \rho}{1 - \hat\rho_j}\Bigr).$$

It is zero when every $\hat\rho_j = \rho$ and grows without bound as
$\hat\rho_j$ nears 0 or 1, so $\hat\rho_j$ is first clipped into
$[\varepsilon, 1 - \varepsilon]$ (:data:`minnet.entropy.EPS`).

:class:`KLSparsity` is placed in a :class:`~minnet.layers.Sequential` right
after the hidden activation. Its forward pass is the identity (it only records
$\hat\rho$), its :meth:`~KLSparsity.penalty` is $R$ and its backward pass adds
$\partial R/\partial a$ to the gradient flowing through it, so the training
loop, the gradient checker and the optimizer need nothing special. With extra
leading axes (a population of networks), each network has its own
$\hat\rho$ and the penalties add up, like the data losses.
"""

from __future__ import annotations

import math

import numpy as np

from minnet.entropy import EPS, clip_probability, cross_entropy, cross_entropy_gradient
from minnet.layers import Layer


class KLSparsity(Layer):
    r"""Identity in the forward pass; adds $\beta\sum_j \mathrm{KL}(\rho\,\|\,\hat\rho_j)$ to the objective.

    Shapes: ``x`` and ``y`` are ``(..., batch, units)``; $\hat\rho$ is the
    mean of ``x`` over the batch axis. The inputs are activations in
    $[0, 1]$ (the output of a :class:`~minnet.activations.Sigmoid`).
    ``backward(g)`` returns $g + \partial R/\partial a$ as a new array.

    Where $\hat\rho_j$ is clipped, the gradient is the formula at the clipped
    value (not the zero slope of the clip), which still pushes a dead or
    saturated unit back towards $\rho$.

    Parameters
    ----------
    rho
        The target mean activation $\rho$, in $(0, 1)$.
    beta
        The weight $\beta \ge 0$ of the penalty.
    eps
        The clipping margin $\varepsilon$ of $\hat\rho$, in $(0, 0.5)$.

    Examples
    --------
    >>> sparsity = KLSparsity(rho=0.5, beta=1.0)
    >>> a = np.array([[0.2, 0.5], [0.4, 0.5]])       # unit 0 has mean 0.3
    >>> sparsity(a) is a                              # the identity
    True
    >>> round(sparsity.penalty(), 6)                  # KL(0.5 || 0.3), unit 1 adds 0
    0.087177
    >>> sparsity.backward(np.zeros((2, 2))).round(6).tolist()   # (beta/m)(0.3 - 0.5)/(0.3 * 0.7)
    [[-0.47619, 0.0], [-0.47619, 0.0]]
    """

    def __init__(self, rho: float, beta: float, *, eps: float = EPS) -> None:
        if not (0.0 < rho < 1.0):
            raise ValueError(
                f"KLSparsity needs a target activation rho strictly between 0 and 1, "
                f"got rho={rho!r}."
            )
        if not (math.isfinite(beta) and beta >= 0.0):
            raise ValueError(
                f"KLSparsity needs a weight beta >= 0 (0 turns the penalty off), got beta={beta!r}."
            )
        if not (0.0 < eps < 0.5):
            raise ValueError(f"KLSparsity needs 0 < eps < 0.5, got eps={eps!r}.")
        self.rho = float(rho)
        self.beta = float(beta)
        self.eps = float(eps)
        self._rho_hat: np.ndarray | None = None
        self._batch_size = 0

    @property
    def rho_hat(self) -> np.ndarray:
        r"""The clipped mean activation $\hat\rho$ of each unit in the last
        forward pass, of shape ``(..., 1, units)``."""
        if self._rho_hat is None:
            raise RuntimeError("KLSparsity.rho_hat is only known after a forward pass.")
        return self._rho_hat

    def forward(self, x: np.ndarray) -> np.ndarray:
        self._rho_hat = clip_probability(x.mean(axis=-2, keepdims=True), self.eps)
        self._batch_size = x.shape[-2]
        return x

    def penalty(self) -> float:
        return float(np.sum(self.penalty_per_member()))

    def penalty_per_member(self) -> np.ndarray | float:
        if self._rho_hat is None:
            return 0.0
        # KL(rho || q) = H(rho, q) - H(rho, rho): the cross-entropy minus rho's entropy.
        # H(rho, rho) as a Python float, so a float32 rho_hat is not promoted to float64.
        entropy = float(cross_entropy(self.rho, np.array(self.rho)))
        kl = cross_entropy(self.rho, self._rho_hat) - entropy
        penalties: np.ndarray = self.beta * kl.sum(axis=(-2, -1))
        return penalties

    def backward(self, grad_y: np.ndarray) -> np.ndarray:
        rho_hat = self.rho_hat  # raises if there was no forward pass
        return grad_y + (self.beta / self._batch_size) * cross_entropy_gradient(self.rho, rho_hat)

    def __repr__(self) -> str:
        return f"KLSparsity(rho={self.rho!r}, beta={self.beta!r})"
