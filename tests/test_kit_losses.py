"""BinaryCrossEntropy: gradients, hand-computed values, stability at 0 and 1."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from minnet import MSE, BinaryCrossEntropy, check_loss
from minnet.entropy import EPS
from minnet.testing import check_loss_properties


def test_bce_gradients_hold_on_random_inputs() -> None:
    check_loss_properties(BinaryCrossEntropy)


def test_bce_gradients_hold_near_the_clipping_margin() -> None:
    check_loss_properties(BinaryCrossEntropy, prediction_range=(1e-4, 1 - 1e-4), max_examples=10)


def test_bce_is_the_mean_over_samples_of_the_sum_over_outputs() -> None:
    prediction = np.array([[0.9, 0.2], [0.4, 0.7]])
    target = np.array([[1.0, 0.0], [0.0, 1.0]])
    by_hand = -(math.log(0.9) + math.log(0.8) + math.log(0.6) + math.log(0.7)) / 2
    assert BinaryCrossEntropy()(prediction, target) == pytest.approx(by_hand, rel=1e-12)


def test_bce_gradient_is_a_minus_y_over_a_one_minus_a_m() -> None:
    prediction = np.array([[0.9, 0.2], [0.4, 0.7]])
    target = np.array([[1.0, 0.0], [0.5, 1.0]])
    loss = BinaryCrossEntropy()
    loss(prediction, target)
    expected = (prediction - target) / (prediction * (1 - prediction) * 2)
    np.testing.assert_allclose(loss.backward(), expected, rtol=1e-12)


def test_bce_of_a_soft_target_is_smallest_at_the_target() -> None:
    target = np.array([[0.3]])
    values = [BinaryCrossEntropy()(np.array([[a]]), target) for a in (0.2, 0.3, 0.4)]
    assert values[1] < values[0] and values[1] < values[2]


def test_bce_is_finite_and_silent_at_outputs_of_exactly_0_and_1() -> None:
    prediction = np.array([[0.0, 1.0, 0.0, 1.0]])
    target = np.array([[0.0, 1.0, 1.0, 0.0]])
    loss = BinaryCrossEntropy()
    with warnings.catch_warnings(), np.errstate(all="raise"):
        warnings.simplefilter("error")
        value = loss(prediction, target)
        gradient = loss.backward()
    assert math.isfinite(value) and np.all(np.isfinite(gradient))
    # Right answers cost almost nothing, wrong ones cost -log(eps) each.
    assert value == pytest.approx(-2 * math.log(EPS), rel=1e-6)
    assert gradient[0, 0] > 0 and gradient[0, 1] < 0  # still pushes towards the target
    assert gradient[0, 2] < 0 and gradient[0, 3] > 0


def test_bce_is_finite_in_float32_at_0_and_1() -> None:
    prediction = np.array([[0.0, 1.0]], dtype=np.float32)
    target = np.array([[1.0, 0.0]], dtype=np.float32)
    with np.errstate(all="raise"):
        loss = BinaryCrossEntropy()
        assert math.isfinite(loss(prediction, target))
        assert np.all(np.isfinite(loss.backward()))


def test_bce_behind_a_sigmoid_has_the_gradient_mse_has_in_a() -> None:
    """dL/dz = (a - y)/m for a = sigmoid(z): the a(1 - a) cancels."""
    prediction = np.array([[0.9, 0.2], [0.4, 0.7]])
    target = np.array([[1.0, 0.0], [0.0, 1.0]])
    bce, mse = BinaryCrossEntropy(), MSE()
    bce(prediction, target)
    mse(prediction, target)
    np.testing.assert_allclose(bce.backward() * prediction * (1 - prediction), mse.backward())


def test_bce_divided_by_outputs_is_the_mean_pytorch_and_keras_report() -> None:
    prediction = np.array([[0.9, 0.2, 0.5], [0.4, 0.7, 0.1]])
    target = np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 0.0]])
    mean = -np.mean(target * np.log(prediction) + (1 - target) * np.log(1 - prediction))
    assert BinaryCrossEntropy()(prediction, target) / 3 == pytest.approx(mean, rel=1e-12)


def test_bce_leaves_prediction_and_target_alone_and_backward_twice_agrees() -> None:
    rng = np.random.default_rng(0)
    check_loss(BinaryCrossEntropy(), rng.uniform(0.1, 0.9, (3, 4)), rng.random((3, 4)))


def test_bce_refuses_a_target_of_another_shape() -> None:
    with pytest.raises(ValueError, match="same shape"):
        BinaryCrossEntropy()(np.full((8, 8), 0.5), np.ones((8, 1)))


@pytest.mark.parametrize("eps", [0.0, -1e-3, 0.5, math.nan])
def test_bce_refuses_a_clipping_margin_outside_0_to_half(eps: float) -> None:
    with pytest.raises(ValueError, match=r"0 < eps < 0\.5"):
        BinaryCrossEntropy(eps=eps)


def test_bce_backward_before_forward_says_so() -> None:
    with pytest.raises(RuntimeError, match="before forward"):
        BinaryCrossEntropy().backward()
