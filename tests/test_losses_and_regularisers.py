"""The numbers the docs quote: each loss and penalty against its formula,
computed here independently, and the conversions to other libraries' conventions."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from minnet import MSE, BinaryCrossEntropy, L2Regulariser, Parameter, Sigmoid
from minnet.testing import batch_shapes, float_arrays


@given(shape=batch_shapes(), data=st.data())
def test_mse_is_half_the_squared_error_summed_over_outputs_and_averaged_over_samples(
    shape: tuple[int, ...], data: st.DataObject
) -> None:
    a, y = data.draw(float_arrays(shape), "a"), data.draw(float_arrays(shape), "y")
    m = shape[-2]
    loss = MSE()
    assert loss(a, y) == pytest.approx(float(np.sum((a - y) ** 2)) / (2 * m), rel=1e-12, abs=1e-15)
    np.testing.assert_allclose(loss.backward(), (a - y) / m, rtol=1e-12)


@given(shape=batch_shapes(max_leading=0), data=st.data())
def test_pytorch_mse_loss_is_two_l_over_k(shape: tuple[int, ...], data: st.DataObject) -> None:
    a, y = data.draw(float_arrays(shape), "a"), data.draw(float_arrays(shape), "y")
    K = shape[-1]
    assert 2 * MSE()(a, y) / K == pytest.approx(np.mean((a - y) ** 2), rel=1e-12, abs=1e-15)


def test_mse_of_one_wrong_output_in_two_samples_is_a_quarter() -> None:
    # (1 - 0)^2 / (2 * 2): one squared error of 1, halved, averaged over 2 samples.
    assert MSE()(np.array([[1.0, 0.0], [0.0, 0.0]]), np.zeros((2, 2))) == 0.25


@given(shape=batch_shapes(max_leading=0), data=st.data())
def test_pytorch_bce_loss_is_l_over_k(shape: tuple[int, ...], data: st.DataObject) -> None:
    a = data.draw(float_arrays(shape, min_value=0.01, max_value=0.99), "a")
    y = data.draw(float_arrays(shape, min_value=0.0, max_value=1.0), "y")
    elementwise = -(y * np.log(a) + (1 - y) * np.log(1 - a))
    assert BinaryCrossEntropy()(a, y) / shape[-1] == pytest.approx(np.mean(elementwise), rel=1e-9)


@given(shape=batch_shapes(), data=st.data())
def test_bce_behind_a_sigmoid_has_gradient_a_minus_y_over_m(
    shape: tuple[int, ...], data: st.DataObject
) -> None:
    z = data.draw(float_arrays(shape, min_value=-5.0, max_value=5.0), "z")
    y = data.draw(float_arrays(shape, min_value=0.0, max_value=1.0), "y")
    sigmoid, loss = Sigmoid(), BinaryCrossEntropy()
    a = sigmoid.forward(z)
    loss.forward(a, y)
    np.testing.assert_allclose(sigmoid.backward(loss.backward()), (a - y) / shape[-2], atol=1e-12)


def test_bce_is_finite_and_silent_at_outputs_of_exactly_zero_and_one() -> None:
    loss = BinaryCrossEntropy()
    with np.errstate(all="raise"):
        value = loss(np.array([[0.0, 1.0]]), np.array([[1.0, 0.0]]))  # as wrong as can be
        gradient = loss.backward()
    assert np.isfinite(value) and value > 10
    assert np.all(np.isfinite(gradient)) and gradient[0, 0] < 0 < gradient[0, 1]


def test_l2_penalty_and_gradient_act_on_weights_only() -> None:
    W = Parameter(np.array([[1.0, -2.0], [3.0, 0.5]]), "W")
    b = Parameter(np.array([10.0, 20.0]), "b", regularise=False)
    lam, m = 0.3, 4
    l2 = L2Regulariser(lam)
    assert l2.penalty([W, b], batch_size=m) == pytest.approx(lam / (2 * m) * (1 + 4 + 9 + 0.25))
    l2.backward([W, b], batch_size=m)
    np.testing.assert_allclose(W.grad, lam / m * W.value)
    assert np.all(b.grad == 0)


def test_l2_decays_a_bias_that_asks_for_it() -> None:
    b = Parameter(np.array([2.0]), "b", regularise=True)
    L2Regulariser(1.0).backward([b], batch_size=2)
    assert b.grad.tolist() == [1.0]
