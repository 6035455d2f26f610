r"""The laws of the logistic function $\sigma(x) = 1/(1 + e^{-x})$, on any float64 input."""

from __future__ import annotations

import warnings
from collections.abc import Iterator

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from minnet import Sigmoid
from minnet.testing import batch_shapes

FLOAT64_MAX = np.finfo(np.float64).max
EPS = np.finfo(np.float64).eps

#: Every finite float64, from -max to max, subnormals included.
any_finite = arrays(
    np.float64, batch_shapes(), elements=st.floats(allow_nan=False, allow_infinity=False)
)


def sigmoid(x: np.ndarray) -> np.ndarray:
    return Sigmoid().forward(x)


@given(any_finite)
def test_sigmoid_lies_between_zero_and_one(x: np.ndarray) -> None:
    s = sigmoid(x)
    assert np.all((s >= 0.0) & (s <= 1.0))


@given(any_finite)
def test_sigmoid_of_minus_x_is_one_minus_sigmoid_of_x(x: np.ndarray) -> None:
    np.testing.assert_allclose(sigmoid(-x), 1.0 - sigmoid(x), rtol=0, atol=4 * EPS)


@given(arrays(np.float64, st.integers(2, 50), elements=st.floats(-1e3, 1e3)))
def test_sigmoid_never_decreases_along_sorted_inputs(values: np.ndarray) -> None:
    s = sigmoid(np.sort(values)[None, :])
    assert np.all(np.diff(s) >= 0.0)


def test_sigmoid_of_zero_is_one_half() -> None:
    assert sigmoid(np.array([[0.0, -0.0]])).tolist() == [[0.5, 0.5]]


@given(arrays(np.float64, batch_shapes(), elements=st.floats(-30.0, 30.0)))
def test_sigmoid_matches_the_textbook_formula(x: np.ndarray) -> None:
    # In [-30, 30] the textbook formula cannot overflow, so it is a fair reference.
    np.testing.assert_allclose(sigmoid(x), 1.0 / (1.0 + np.exp(-x)), rtol=0, atol=4 * EPS)


EXTREMES = np.array([[-FLOAT64_MAX, -1000.0, -710.0, 0.0, 710.0, 1000.0, FLOAT64_MAX]])


@pytest.fixture
def strict_floats() -> Iterator[None]:
    """Any overflow, invalid operation or division by zero, and any warning, raises."""
    with warnings.catch_warnings(), np.errstate(over="raise", invalid="raise", divide="raise"):
        warnings.simplefilter("error")
        yield


@pytest.mark.usefixtures("strict_floats")
def test_sigmoid_forward_is_finite_and_silent_at_extreme_inputs() -> None:
    s = Sigmoid()(EXTREMES)
    # e^-710 is about 4e-309: the true values round to 0 and 1 (or a subnormal next to 0).
    np.testing.assert_allclose(s, [[0.0, 0.0, 0.0, 0.5, 1.0, 1.0, 1.0]], rtol=0, atol=1e-300)


@pytest.mark.usefixtures("strict_floats")
def test_sigmoid_backward_is_finite_and_silent_at_extreme_inputs() -> None:
    layer = Sigmoid()
    layer(EXTREMES)
    grad_x = layer.backward(np.ones_like(EXTREMES))
    # sigma'(x) = sigma(x)(1 - sigma(x)): 1/4 at 0, vanishing in both tails.
    np.testing.assert_allclose(grad_x, [[0.0, 0.0, 0.0, 0.25, 0.0, 0.0, 0.0]], rtol=0, atol=1e-300)


@given(any_finite)
def test_sigmoid_backward_is_finite_on_any_input(x: np.ndarray) -> None:
    layer = Sigmoid()
    layer.forward(x)
    grad_x = layer.backward(np.ones_like(x))
    assert np.all(np.isfinite(grad_x) & (grad_x >= 0.0) & (grad_x <= 0.25))
