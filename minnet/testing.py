r"""Property checks for the layers, losses and regularisers you write.

minnet's own tests put every Layer, Loss and Regulariser through these checks;
call them on your classes to hold them to the same standard. Each lets
hypothesis draw many inputs (shapes $(\dots, \text{batch}, \text{features})$,
values kept away from kinks) and runs a :mod:`minnet.gradcheck` check on each:
every analytic gradient against the central difference
$\bigl(f(\theta + \varepsilon e_i) - f(\theta - \varepsilon e_i)\bigr)/2\varepsilon$,
entry by entry, and the contract (backward *adds* into ``grad``, leaves its
arguments alone, ...). The first failure raises
:class:`~minnet.errors.GradientCheckError` saying what is wrong and where, for
an input hypothesis has shrunk to a small one and shows.

Needs ``hypothesis`` (a dev dependency); ``import minnet`` does not import it.

Examples
--------
>>> from minnet import L2Regulariser, Linear, MSE, Sigmoid
>>> check_layer_properties(lambda n: Linear(n, 2, seed=0), max_examples=5)
>>> check_layer_properties(lambda n: Sigmoid(), max_examples=5)
>>> check_loss_properties(MSE, max_examples=5)
>>> check_regulariser_properties(lambda: L2Regulariser(0.1), max_examples=5)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from hypothesis import Phase, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from minnet.gradcheck import check_layer, check_loss, check_regulariser
from minnet.layers import Layer
from minnet.losses import Loss
from minnet.parameter import Parameter
from minnet.regularisers import Regulariser

#: How far drawn values stay from each point in ``avoid``: a thousand times the
#: finite-difference step (1e-6), so no difference straddles a kink.
MARGIN = 1e-3


def _settings(max_examples: int) -> settings:
    """The current profile with ``max_examples``, no deadline (a gradient check is
    slow) and no *explain* phase (seconds spent pointing at gradcheck's lines)."""
    phases = [phase for phase in settings().phases if phase is not Phase.explain]
    return settings(max_examples=max_examples, deadline=None, phases=phases)


def float_arrays(
    shape: int | tuple[int, ...],
    *,
    min_value: float = -3.0,
    max_value: float = 3.0,
    avoid: Sequence[float] = (),
    margin: float = MARGIN,
) -> st.SearchStrategy[np.ndarray]:
    r"""float64 arrays of ``shape``, every entry $v$ finite, in
    $[\text{min\_value}, \text{max\_value}]$ and with $|v - a| \ge \text{margin}$
    for each point $a$ in ``avoid``.

    ``avoid`` lists the kinks of a function, where it has no derivative
    (0 for a ReLU): a finite difference taken across one is meaningless.

    Examples
    --------
    >>> from hypothesis import given
    >>> @given(float_arrays((4, 3), avoid=[0.0]))
    ... def test_kept_away_from_zero(x):
    ...     assert x.shape == (4, 3) and x.dtype == np.float64
    ...     assert np.all(np.abs(x) >= MARGIN)
    >>> test_kept_away_from_zero()
    """
    pieces = [(min_value, max_value)]
    for point in avoid:  # cut (point - margin, point + margin) out of every piece
        below, above = _step_away(point, -margin), _step_away(point, margin)
        pieces = [
            piece
            for low, high in pieces
            for piece in ((low, min(high, below)), (max(low, above), high))
            if piece[0] <= piece[1]
        ]
    if not pieces:
        raise ValueError(
            f"No value in [{min_value}, {max_value}] is at least {margin} away from "
            f"every point in avoid={tuple(avoid)}. Widen the range or move the points."
        )
    elements = st.one_of([st.floats(low, high, allow_nan=False) for low, high in pieces])
    return arrays(np.float64, shape, elements=elements)


def _step_away(point: float, margin: float) -> float:
    """``point + margin``, moved outwards until rounding leaves it ``|margin|`` away."""
    value = point + margin
    while abs(value - point) < abs(margin):
        value = float(np.nextafter(value, np.copysign(np.inf, margin)))
    return value


def batch_shapes(
    features: int | None = None,
    *,
    max_batch: int = 5,
    max_leading: int = 2,
    max_features: int = 5,
) -> st.SearchStrategy[tuple[int, ...]]:
    """Shapes ``(..., batch, features)``: 0 to ``max_leading`` leading axes of
    size 1 to 3, a batch of 1 to ``max_batch`` and ``features`` features (or
    1 to ``max_features`` when it is ``None``).

    Leading axes are independent copies of the problem (a population of
    networks trained at once); every layer must broadcast over them.

    Examples
    --------
    >>> from hypothesis import given
    >>> @given(batch_shapes(4, max_leading=0))
    ... def test_one_batch_of_four_features(shape):
    ...     assert len(shape) == 2 and 1 <= shape[0] <= 5 and shape[1] == 4
    >>> test_one_batch_of_four_features()
    """
    leading = st.lists(st.integers(1, 3), max_size=max_leading)
    batch = st.integers(1, max_batch)
    n_features = st.integers(1, max_features) if features is None else st.just(features)
    return st.tuples(leading, batch, n_features).map(lambda t: (*t[0], t[1], t[2]))


def check_layer_properties(
    make_layer: Callable[[int], Layer],
    *,
    features: int | None = None,
    max_examples: int = 25,
    min_value: float = -3.0,
    max_value: float = 3.0,
    avoid: Sequence[float] = (),
    leading_axes: bool = True,
    randomise_parameters: bool = True,
) -> None:
    r"""Check a layer's gradients and contract on many random inputs.

    For each drawn ``x``, a fresh ``make_layer(x.shape[-1])`` goes through
    :func:`minnet.gradcheck.check_layer`: through $f = \sum y \odot g$ for a
    random $g$, ``backward(g)`` must return $\partial f/\partial x$ and add
    $\partial f/\partial p$ into every ``p.grad``; backward twice must return
    the same and add twice, leave ``grad_y``, ``x`` and its cache alone, and
    give zero for $g = 0$; forward must leave the parameters alone.

    Parameters
    ----------
    make_layer
        Builds the layer for a given number of input features.
    features
        Always use this many input features (for layers that fix it).
    max_examples
        How many inputs to try.
    min_value
        The smallest input value drawn.
    max_value
        The largest input value drawn.
    avoid
        Input values to keep away from, such as the kink of a ReLU at 0 (see
        :func:`float_arrays`).
    leading_axes
        Also try inputs with extra leading axes, ``(..., batch, features)``.
    randomise_parameters
        Redraw every parameter's values, uniform in $[-1.5, 1.5]$, before
        checking. A parameter that starts at 1 (a scale) or 0 (a shift) would
        otherwise hide a forgotten factor or term. Turn it off for a layer
        whose parameters must keep their initial values (e.g. positive ones).

    Raises
    ------
    GradientCheckError
        For the first failing input, after hypothesis has shrunk it.

    Examples
    --------
    >>> from minnet import Linear
    >>> class Doubled(Linear):  # a mistake: the input gradient comes out twice too big
    ...     def backward(self, grad_y):
    ...         return 2 * super().backward(grad_y)
    >>> from minnet import GradientCheckError
    >>> try:
    ...     check_layer_properties(lambda n: Doubled(n, 2, seed=0))
    ... except GradientCheckError as error:
    ...     print(error)  # doctest: +ELLIPSIS
    Doubled(...) input x: the analytic gradient differs ... 2 times the true one everywhere...
    """
    shapes = batch_shapes(features, max_leading=2 if leading_axes else 0)
    inputs = shapes.flatmap(
        lambda shape: float_arrays(shape, min_value=min_value, max_value=max_value, avoid=avoid)
    )

    @_settings(max_examples)
    @given(x=inputs, seed=st.integers(0, 2**32 - 1))
    def layer_keeps_its_contract(x: np.ndarray, seed: int) -> None:
        layer = make_layer(x.shape[-1])
        if randomise_parameters:
            rng = np.random.default_rng(seed)
            for p in layer.parameters():
                p.value[...] = rng.uniform(-1.5, 1.5, size=p.shape)
        check_layer(layer, x, seed=seed)

    layer_keeps_its_contract()


def check_loss_properties(
    make_loss: Callable[[], Loss],
    *,
    max_examples: int = 25,
    prediction_range: tuple[float, float] = (0.05, 0.95),
    target_range: tuple[float, float] = (0.0, 1.0),
) -> None:
    """Check ``backward()`` of a fresh ``make_loss()`` against finite differences
    of ``forward(prediction, target)`` with :func:`minnet.gradcheck.check_loss`,
    on random pairs of one shape ``(..., batch, outputs)``. The default ranges
    suit a loss on probabilities, such as a cross-entropy.

    Examples
    --------
    >>> from minnet import MSE
    >>> check_loss_properties(MSE, max_examples=5, prediction_range=(-3.0, 3.0))
    """

    @_settings(max_examples)
    @given(shape=batch_shapes(), data=st.data())
    def loss_keeps_its_contract(shape: tuple[int, ...], data: st.DataObject) -> None:
        low, high = prediction_range
        prediction = data.draw(float_arrays(shape, min_value=low, max_value=high), "prediction")
        low, high = target_range
        target = data.draw(float_arrays(shape, min_value=low, max_value=high), "target")
        check_loss(make_loss(), prediction, target)

    loss_keeps_its_contract()


def check_regulariser_properties(
    make_regulariser: Callable[[], Regulariser], *, max_examples: int = 25
) -> None:
    r"""Check a regulariser on random lists of parameters and batch sizes.

    Draws 1 to 3 :class:`~minnet.parameter.Parameter` objects (named ``p0``,
    ``p1``, ...) of random shapes, some with ``regularise=False``, and a batch
    size $m$. :func:`minnet.gradcheck.check_regulariser` compares what
    ``backward`` adds into each ``grad`` with finite differences of
    ``penalty``; then ``backward`` must *add*: starting from a ``grad`` of
    ones it must leave ones plus the gradient, because the training loop
    calls it after the network's backward has filled ``grad``.

    Examples
    --------
    >>> from minnet import L2Regulariser
    >>> check_regulariser_properties(lambda: L2Regulariser(0.5), max_examples=5)
    """
    parameter_shapes = st.lists(st.integers(1, 4), min_size=1, max_size=2).map(tuple)
    values_and_flags = st.tuples(parameter_shapes.flatmap(float_arrays), st.booleans())

    @_settings(max_examples)
    @given(values=st.lists(values_and_flags, min_size=1, max_size=3), batch_size=st.integers(1, 8))
    def regulariser_keeps_its_contract(
        values: list[tuple[np.ndarray, bool]], batch_size: int
    ) -> None:
        parameters = [
            Parameter(value.copy(), f"p{i}", regularise=flag)
            for i, (value, flag) in enumerate(values)
        ]
        regulariser = make_regulariser()
        check_regulariser(regulariser, parameters, batch_size)

    regulariser_keeps_its_contract()
