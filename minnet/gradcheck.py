r"""Gradient checking: analytic gradients against central finite differences.

For a function $f$ of an array $\theta$, the central difference

$$\frac{\partial f}{\partial \theta_i} \approx
  \frac{f(\theta + \varepsilon e_i) - f(\theta - \varepsilon e_i)}{2\varepsilon}$$

has an error of order $\varepsilon^2$. Each analytic entry $a$ is compared
with its numerical twin $n$ by PyTorch's rule
$|a - n| \le \text{atol} + \text{rtol}\,|n|$, element by element, in float64
(in float32 the rounding error of $f$, divided by $2\varepsilon$, swamps the
result).

A layer $y = F(x)$ is checked through the scalar
$f = \sum y \odot g + \text{layer.penalty()}$ for a fixed random $g$: then
$\partial f/\partial x$ is exactly what ``backward(g)`` must return, and
$\partial f/\partial p$ what it must add into ``p.grad`` (the penalty is 0
unless the layer adds a term of its own to the objective). The checks also
hold each object to its contract (see :class:`~minnet.layers.Layer`):
backward leaves its argument and its cache alone, gives the same answer
twice and *accumulates* parameter gradients, a zero upstream gradient gives
zero gradients (or, for a layer with a penalty, the penalty's gradient
alone), and forward does not change the parameters.

Every failure raises :class:`~minnet.errors.GradientCheckError` naming the
object, the input or parameter, the index and both values, with a hint.
This module knows only the public interfaces Layer, Loss and Regulariser.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

import numpy as np

from minnet.contract import (
    require_accumulation,
    require_close,
    require_float64,
    require_unchanged,
    require_zero,
)
from minnet.errors import GradientCheckError
from minnet.layers import Layer
from minnet.losses import Loss
from minnet.parameter import Parameter
from minnet.regularisers import Regulariser

EPS = 1e-6
ATOL = 1e-5
RTOL = 1e-3


def numerical_gradient(f: Callable[[], float], array: np.ndarray, eps: float = EPS) -> np.ndarray:
    r"""Central differences of ``f()`` with respect to each entry of ``array``.

    ``f`` takes no argument: it reads ``array``, which is perturbed in place
    one entry at a time and restored exactly afterwards.

    Examples
    --------
    >>> theta = np.array([1.0, 2.0])
    >>> numerical_gradient(lambda: float(np.sum(theta ** 2)), theta).round(6).tolist()
    [2.0, 4.0]
    """
    grad = np.empty_like(array)
    for index in np.ndindex(array.shape):
        original = array[index]
        array[index] = original + eps
        plus = f()
        array[index] = original - eps
        minus = f()
        array[index] = original
        grad[index] = (plus - minus) / (2 * eps)
    return grad


def compare(
    analytic: np.ndarray,
    numerical: np.ndarray,
    where: str,
    atol: float = ATOL,
    rtol: float = RTOL,
) -> float:
    """Raise :class:`GradientCheckError` unless ``analytic`` matches ``numerical``
    entry by entry; return the largest absolute difference.

    ``where`` names what is compared, e.g. ``"Linear(3, 2) parameter 'b'"``.
    """
    analytic = np.asarray(analytic)
    if analytic.shape != numerical.shape:
        raise GradientCheckError(
            f"{where}: the analytic gradient has shape {analytic.shape}, but the "
            f"gradient must have the shape of what it differentiates, "
            f"{numerical.shape}. Check which axis the backward pass sums over.",
            where=where,
        )
    if not np.all(np.isfinite(numerical)):
        where_bad = tuple(int(i) for i in np.argwhere(~np.isfinite(numerical))[0])
        raise GradientCheckError(
            f"{where}: the finite differences are not finite at index {where_bad} "
            f"({numerical[where_bad]}): the function is NaN or infinite next to this point. "
            f"Check it at inputs inside its domain (e.g. log needs positive inputs).",
            where=where,
            index=where_bad,
        )
    difference = np.abs(analytic - numerical)
    excess = difference - (atol + rtol * np.abs(numerical))
    if not np.all(np.isfinite(analytic)):
        excess = np.where(np.isfinite(analytic), excess, np.inf)
    if np.any(excess > 0):
        index = np.unravel_index(int(np.argmax(excess)), excess.shape)
        a, n = float(analytic[index]), float(numerical[index])
        count = int(np.sum(excess > 0))
        raise GradientCheckError(
            f"{where}: the analytic gradient differs from finite differences at "
            f"index {tuple(int(i) for i in index)}: analytic {a:.6g}, numerical "
            f"{n:.6g} (|difference| {abs(a - n):.3g} > atol + rtol*|numerical| = "
            f"{atol + rtol * abs(n):.3g}); {count} of {analytic.size} entries "
            f"disagree. {_hint(analytic, numerical)}",
            where=where,
            index=tuple(int(i) for i in index),
            analytic=a,
            numerical=n,
        )
    return float(difference.max(initial=0.0))


def _hint(analytic: np.ndarray, numerical: np.ndarray) -> str:
    """Guess the kind of mistake from the pattern of the disagreement."""
    scale = float(np.abs(numerical).max(initial=0.0))
    if scale == 0.0:
        return "The true gradient is zero here: the analytic one should be too."
    if not np.all(np.isfinite(analytic)):
        return "The analytic gradient holds NaN or infinity: look for a division by zero or an overflow."
    if float(np.abs(analytic).max(initial=0.0)) <= 1e-12 * scale:
        return "The analytic gradient is zero: is it never added into grad (a missing +=)?"
    if np.allclose(analytic, -numerical, rtol=1e-3, atol=1e-7 * scale):
        return "The analytic gradient is the negative of the true one: look for a sign error."
    mask = np.abs(numerical) > 1e-3 * scale
    ratios = analytic[mask] / numerical[mask]
    if ratios.size and np.allclose(ratios, ratios[0], rtol=1e-3):
        return (
            f"The analytic gradient is {ratios[0]:.4g} times the true one everywhere: "
            f"look for a missing or extra factor (1/m, 2, lambda, the batch size)."
        )
    return "Work the derivative out by hand for this entry and compare it with the code."


def check_layer(
    layer: Layer,
    x: np.ndarray,
    *,
    seed: int = 0,
    eps: float = EPS,
    atol: float = ATOL,
    rtol: float = RTOL,
) -> dict[str, float]:
    """Check a layer's gradients (input and every parameter) and its contract.

    Parameters
    ----------
    layer
        The layer, with float64 parameters.
    x
        A float64 input of shape ``(..., batch, features)``. Keep it away from
        points where the layer is not differentiable (the kink of a ReLU).
    seed
        Seeds the random upstream gradient ``g``.
    eps
        The finite-difference step.
    atol
        The absolute tolerance of the rule
        ``|analytic - numerical| <= atol + rtol * |numerical|``.
    rtol
        The relative tolerance of the same rule.

    Returns
    -------
    dict
        The largest absolute difference for ``"input"`` and for each parameter.

    Raises
    ------
    GradientCheckError
        At the first gradient or contract check that fails.

    Examples
    --------
    >>> from minnet import Linear
    >>> errors = check_layer(Linear(3, 2, seed=0), np.random.default_rng(1).normal(size=(4, 3)))
    >>> sorted(errors), max(errors.values()) < 1e-8
    (['W', 'b', 'input'], True)
    """
    who = repr(layer)
    x = np.array(x, copy=True)
    require_float64(x, "the input x")
    named = list(layer.named_parameters())
    for name, p in named:
        require_float64(p.value, f"parameter {name!r} of {who}")
    before = {name: p.value.copy() for name, p in named}

    # The analytic pass, watching the contract around it.
    layer.zero_grad()
    x_given = x.copy()
    y = layer.forward(x_given)
    kept = np.shape(y)[:-1]  # may gain leading axes: a population shares one input
    if len(kept) < x.ndim - 1 or kept[len(kept) - (x.ndim - 1) :] != x.shape[:-1]:
        raise GradientCheckError(
            f"{who}.forward turned an input of shape {x.shape} into an output of shape "
            f"{np.shape(y)}: a layer keeps every axis but the last, (..., batch, "
            f"features) -> (..., batch, new features).",
            where="output",
        )
    for name, p in named:
        require_unchanged(
            before[name],
            p.value,
            f"{who}.forward changed parameter {name!r}",
            "forward must only read the parameters; the optimizer changes them.",
        )
    g = np.random.default_rng(seed).standard_normal(np.shape(y))
    g_given = g.copy()
    try:
        grad_x = layer.backward(g_given)
    except (ValueError, IndexError) as error:  # numpy's words for a shape mistake
        raise GradientCheckError(
            f"{who}.backward raised {type(error).__name__}: {error}. The usual cause is a "
            f"gradient of the wrong shape added into p.grad: each parameter's gradient "
            f"must have the parameter's shape, so sum over every axis the parameter "
            f"does not have (the batch axis -2 and any leading axes).",
            where="backward",
        ) from error
    require_unchanged(
        g,
        g_given,
        f"{who}.backward changed its argument grad_y in place",
        "Compute the result into a new array (grad_y * s, not grad_y *= s): "
        "the caller may still need grad_y.",
    )
    require_unchanged(
        x,
        x_given,
        f"{who} changed its input x in place",
        "A layer must not write into its input: the layer before it may have cached it.",
    )
    first = {name: p.grad.copy() for name, p in named}
    for name, p in named:
        if p.grad.shape != p.value.shape or p.grad.dtype != p.value.dtype:
            raise GradientCheckError(
                f"{who} parameter {name!r}: grad has shape {p.grad.shape} and dtype "
                f"{p.grad.dtype}, but the parameter has {p.value.shape} and "
                f"{p.value.dtype}. Add into p.grad in place (p.grad += ...), do not "
                f"replace it.",
                where=name,
            )

    # The gradients against finite differences.
    def objective(inputs: np.ndarray, upstream: np.ndarray = g) -> Callable[[], float]:
        return lambda: float(np.sum(layer.forward(inputs) * upstream)) + layer.penalty()

    try:
        errors = _compare_all(objective, x, grad_x, named, first, who, eps, atol, rtol)
    except GradientCheckError as error:
        index = error.details.get("index")
        if error.details.get("where") != f"{who} input x" or index is None or g.shape != x.shape:
            raise
        # For an element-wise layer the compared values are g * f'(x): say so.
        raise GradientCheckError(
            f"{error} The values compared are derivatives of sum(y * g) for a random "
            f"upstream gradient g: at index {index} the input was {x[index]:.6g} and g "
            f"was {g[index]:.6g}, so for an element-wise layer f'(x) is the value "
            f"divided by g.",
            **{**error.details, "x": float(x[index]), "g": float(g[index])},
        ) from None

    # Backward twice after one forward: same grad_x, parameter gradients added twice.
    layer.zero_grad()
    layer.forward(x.copy())
    once = layer.backward(g.copy())
    twice = layer.backward(g.copy())
    require_close(
        once,
        twice,
        f"{who}.backward returned a different grad_x when called a second time",
        "backward must not change what forward cached.",
    )
    for name, p in named:
        require_close(
            2 * first[name],
            p.grad,
            f"{who} parameter {name!r}: two backward calls should add the gradient twice",
            "backward must add into p.grad (+=), not overwrite it, and not depend on its old value.",
        )

    # A zero upstream gradient gives zero gradients, apart from the penalty's own. A layer
    # that can add a penalty (it overrides penalty(), as Sequential does) is held to the
    # penalty's finite differences, with the usual tolerance: at the penalty's minimum its
    # gradient is rounding noise, not an exact zero. Any other layer must give exact zeros.
    zero = np.zeros_like(g)
    has_penalty = type(layer).penalty is not Layer.penalty
    layer.zero_grad()
    layer.forward(x.copy())
    zero_x = np.asarray(layer.backward(zero.copy()))
    targets = [("the input", zero_x, x.copy())]
    targets += [(f"parameter {name!r}", p.grad.copy(), p.value) for name, p in named]
    layer.zero_grad()
    for what, analytic, array in targets:
        where = f"{who}.backward(0) for {what}"
        if has_penalty:  # then backward(0) is the penalty's gradient alone
            probe = targets[0][2]
            penalty_only = numerical_gradient(objective(probe, zero), array, eps)
            compare(analytic, penalty_only, where, atol, rtol)
        else:
            require_zero(analytic, where, "A zero upstream gradient must give a zero gradient.")
    layer.zero_grad()
    return errors


def check_loss(
    loss: Loss,
    prediction: np.ndarray,
    target: np.ndarray,
    *,
    eps: float = EPS,
    atol: float = ATOL,
    rtol: float = RTOL,
) -> dict[str, float]:
    """Check ``loss.backward()`` against finite differences in the prediction.

    Also checks that forward leaves prediction and target alone and that
    backward twice gives the same result.

    Examples
    --------
    >>> from minnet import MSE
    >>> rng = np.random.default_rng(0)
    >>> check_loss(MSE(), rng.random((4, 3)), rng.random((4, 3)))["prediction"] < 1e-8
    True
    """
    who = repr(loss)
    prediction = np.array(prediction, copy=True)
    target = np.array(target, copy=True)
    require_float64(prediction, "the prediction")
    given_prediction, given_target = prediction.copy(), target.copy()
    loss.forward(given_prediction, given_target)
    analytic = np.array(loss.backward(), copy=True)
    for before, after, what in (
        (prediction, given_prediction, "prediction"),
        (target, given_target, "target"),
    ):
        require_unchanged(
            before,
            after,
            f"{who} changed the {what} in place",
            "A loss must only read its arguments.",
        )
    require_close(
        analytic,
        np.asarray(loss.backward()),
        f"{who}.backward returned something else when called a second time",
        "backward must not change what forward cached.",
    )
    probe = prediction.copy()
    return {
        "prediction": compare(
            analytic,
            numerical_gradient(lambda: loss.forward(probe, target), probe, eps),
            f"{who} prediction",
            atol,
            rtol,
        )
    }


def check_regulariser(
    regulariser: Regulariser,
    parameters: Iterable[Parameter],
    batch_size: int,
    *,
    eps: float = EPS,
    atol: float = ATOL,
    rtol: float = RTOL,
) -> dict[str, float]:
    """Check what ``regulariser.backward`` adds into each parameter's grad
    against finite differences of ``regulariser.penalty``.

    Parameters that the regulariser leaves alone (``regularise=False``) are
    checked too: their gradient must stay zero. ``backward`` must add into ``grad``
    (accumulate), not overwrite it.

    Examples
    --------
    >>> from minnet import L2Regulariser, Parameter
    >>> W = Parameter(np.random.default_rng(0).normal(size=(3, 2)), "W")
    >>> check_regulariser(L2Regulariser(0.1), [W], batch_size=4)["W"] < 1e-8
    True
    """
    who = repr(regulariser)
    parameters = list(parameters)
    for i, p in enumerate(parameters):
        require_float64(p.value, f"parameter {p.name or i!r}")
        p.zero_grad()
    regulariser.backward(parameters, batch_size)
    errors = {}
    for i, p in enumerate(parameters):
        name = p.name or str(i)
        numerical = numerical_gradient(
            lambda: regulariser.penalty(parameters, batch_size), p.value, eps
        )
        errors[name] = compare(p.grad.copy(), numerical, f"{who} parameter {name!r}", atol, rtol)
    require_accumulation(regulariser, parameters, batch_size)
    for p in parameters:
        p.zero_grad()
    return errors


def check_network(
    model: Layer,
    loss: Loss,
    x: np.ndarray,
    y: np.ndarray,
    regularisers: Sequence[Regulariser] = (),
    *,
    eps: float = EPS,
    atol: float = ATOL,
    rtol: float = RTOL,
) -> dict[str, float]:
    r"""Check the gradient of the whole objective
    $J = L(\text{model}(x), y) + \sum_r R_r + \text{model.penalty()}$ with
    respect to every parameter of ``model`` (and to the input ``x``), as the
    training loop computes it.

    The parameter values are left exactly as they were, and every ``grad``
    is left at zero: run the check before computing the gradients you want
    to step with, not between backward and step.

    Examples
    --------
    >>> from minnet import MSE, L2Regulariser, Linear, Sequential, Sigmoid, one_hot_patterns
    >>> rng = np.random.default_rng(0)
    >>> net = Sequential(Linear(8, 3, rng=rng), Sigmoid(), Linear(3, 8, rng=rng), Sigmoid())
    >>> x = one_hot_patterns(8)
    >>> errors = check_network(net, MSE(), x, x, [L2Regulariser(0.01)])
    >>> list(errors)
    ['input', '0.W', '0.b', '2.W', '2.b']
    """
    x = np.array(x, copy=True)
    require_float64(x, "the input x")
    named = list(model.named_parameters())
    parameters = [p for _, p in named]
    batch_size = x.shape[-2]

    def objective(inputs: np.ndarray) -> Callable[[], float]:
        def value() -> float:
            data = loss.forward(model.forward(inputs), y)
            penalties = sum(r.penalty(parameters, batch_size) for r in regularisers)
            return data + penalties + model.penalty()

        return value

    model.zero_grad()
    objective(x.copy())()
    grad_x = model.backward(loss.backward())
    for regulariser in regularisers:
        regulariser.backward(parameters, batch_size)
    analytic = {name: p.grad.copy() for name, p in named}
    model.zero_grad()

    return _compare_all(objective, x, grad_x, named, analytic, repr(model), eps, atol, rtol)


def _compare_all(
    objective: Callable[[np.ndarray], Callable[[], float]],
    x: np.ndarray,
    grad_x: np.ndarray,
    named: list[tuple[str, Parameter]],
    analytic: dict[str, np.ndarray],
    who: str,
    eps: float,
    atol: float,
    rtol: float,
) -> dict[str, float]:
    """Compare the input's and every parameter's analytic gradient with finite
    differences of ``objective(inputs)()``; return the largest differences."""
    probe = x.copy()
    numerical = numerical_gradient(objective(probe), probe, eps)
    errors = {"input": compare(grad_x, numerical, f"{who} input x", atol, rtol)}
    for name, p in named:
        numerical = numerical_gradient(objective(x.copy()), p.value, eps)
        errors[name] = compare(analytic[name], numerical, f"{who} parameter {name!r}", atol, rtol)
    return errors
