r"""Cross-entropy between Bernoulli distributions, the maths shared by
:class:`~minnet.losses.BinaryCrossEntropy` and :class:`~minnet.sparsity.KLSparsity`.

For a target probability $p$ and a predicted probability $q$, element-wise,

$$H(p, q) = -\bigl[p \log q + (1 - p)\log(1 - q)\bigr], \qquad
  \frac{\partial H}{\partial q} = \frac{q - p}{q\,(1 - q)} .$$

The Kullback-Leibler divergence is the cross-entropy minus the entropy of $p$,
$\mathrm{KL}(p \,\|\, q) = H(p, q) - H(p, p)$, so it has the same derivative in
$q$. Both blow up where $q$ reaches 0 or 1, which is why callers first clip
$q$ into $[\varepsilon, 1 - \varepsilon]$ with :func:`clip_probability`.
"""

from __future__ import annotations

import numpy as np

#: The default $\varepsilon$ of :func:`clip_probability`; Keras uses the same.
#: It is large enough that $1 - \varepsilon$ differs from 1 in float32 too,
#: and small enough that clipping changes a loss by at most about $10^{-7}$
#: per entry away from the ends.
EPS = 1e-7


def clip_probability(q: np.ndarray, eps: float = EPS) -> np.ndarray:
    r"""Return a copy of ``q`` with every entry clipped into $[\varepsilon, 1 - \varepsilon]$.

    Examples
    --------
    >>> clip_probability(np.array([0.0, 0.5, 1.0]), eps=0.01).tolist()
    [0.01, 0.5, 0.99]
    """
    return np.clip(q, eps, 1.0 - eps)


def cross_entropy(p: np.ndarray | float, q: np.ndarray) -> np.ndarray:
    r"""$H(p, q) = -[p \log q + (1 - p) \log(1 - q)]$ element-wise, for $q$ in $(0, 1)$.

    Examples
    --------
    >>> round(float(cross_entropy(1.0, np.array(0.5))), 6)    # log 2
    0.693147
    """
    return -(p * np.log(q) + (1.0 - p) * np.log1p(-q))


def cross_entropy_gradient(p: np.ndarray | float, q: np.ndarray) -> np.ndarray:
    r"""$\partial H(p, q)/\partial q = (q - p)/(q(1 - q))$ element-wise, for $q$ in $(0, 1)$.

    Examples
    --------
    >>> cross_entropy_gradient(0.0, np.array([0.5])).tolist()
    [2.0]
    """
    return (q - p) / (q * (1.0 - q))
